//! Merging what the slices decide back into the order one engine decides
//! it.
//!
//! While the log is read, one engine decides instances on an event, rule
//! by rule in the program's order; so every instance decided on an event
//! is tagged with that event's position, and the slices' lists merge by
//! (position, rule). A rule's instances on one event come from the one
//! slice the event was routed to for it (an event copied to every slice is
//! only remembered there; only an obligation decided at its deadline when
//! the sink no longer reads its details may come from several, and then
//! its order is not read). Exemptions on an event come before its
//! instances, as [`crate::eval::Engine`] hands them over.
//!
//! At the end, one engine decides each rule's open instances in the order
//! of their trigger (obligations sort by trigger; duties and per-key
//! aggregates keep the order their first event came in), so each slice's
//! list for a rule is sorted by trigger, and a k-way merge by (trigger
//! time, file, line) rebuilds the whole list; a trigger's instances all
//! come from one slice, in that slice's order.

use crate::eval::rules::Decided;
pub use crate::eval::tagged::{merge_chunk, Merged, Tagged};
use crate::eval::Instance;
use crate::log::Loc;
use crate::time::Micros;
use std::collections::VecDeque;

/// Where a rule's instances decided at the end come from, a batch at a
/// time.
pub trait Batches {
    /// The next batch; None once there is no more.
    fn next_batch(&mut self) -> Option<Decided>;
}

/// The order of instances decided at the end: by trigger.
fn trigger_order(inst: &Instance) -> Option<(Micros, Loc)> {
    inst.trigger.map(|t| (t.time, t.loc()))
}

/// Merges the instances each source decides at the end for one rule, each
/// sorted by trigger, into one list sorted by trigger (ties, which only one
/// source has, in its order).
pub fn merge_finished(sources: &mut [&mut dyn Batches], mut out: impl FnMut(Merged)) {
    let mut heads: Vec<VecDeque<Instance>> = sources.iter().map(|_| VecDeque::new()).collect();
    let mut done = vec![false; sources.len()];
    loop {
        for (k, source) in sources.iter_mut().enumerate() {
            while heads.get(k).is_some_and(VecDeque::is_empty) && done.get(k) == Some(&false) {
                match source.next_batch() {
                    Some(mut batch) => {
                        for (rule, n) in batch.take_satisfied() {
                            out(Merged::Satisfied(rule, n));
                        }
                        if let Some(head) = heads.get_mut(k) {
                            head.extend(batch.instances);
                        }
                    }
                    None => {
                        if let Some(d) = done.get_mut(k) {
                            *d = true;
                        }
                    }
                }
            }
        }
        let mut first: Option<(usize, Option<(Micros, Loc)>)> = None;
        for (k, head) in heads.iter().enumerate() {
            if let Some(inst) = head.front() {
                let at = trigger_order(inst);
                if first.is_none_or(|(_, f)| at < f) {
                    first = Some((k, at));
                }
            }
        }
        let Some((k, _)) = first else { break };
        if let Some(inst) = heads.get_mut(k).and_then(VecDeque::pop_front) {
            out(Merged::Instance(inst));
        }
    }
}
