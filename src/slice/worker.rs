//! A worker thread: some slices, each with its own copy of the sliced
//! rules, evaluated on the events routed to them; at the end, each rule's
//! instances decided in its slices merged by trigger, and the parts of the
//! states that add up handed over.

use super::feed::{Chunk, Feed};
use super::merge::{merge_finished, Batches, Merged, Tagged};
use super::plan::Plan;
use crate::eval::rules::{Decided, Partial, Reads, Rules};
use crate::eval::{CalendarGap, Program};
use crate::log::Event;
use crate::time::Micros;
use crossbeam_channel::{Receiver, Sender};
use std::sync::Arc;

/// What a worker sends the merging thread.
pub(super) enum Sent {
    /// Per slice of the worker, in slice order.
    Chunk(Vec<Tagged>),
    /// A batch of what rule `rule` decides at the end, its slices merged;
    /// `more` when another follows.
    Finished { rule: usize, decided: Decided, more: bool },
    /// The parts of rule `rule`'s state its slices measured, to add up.
    Parts { rule: usize, parts: Vec<Partial> },
    /// The years the slices' deadlines reached that calendars do not cover.
    Gaps(Vec<CalendarGap>),
}

/// Evaluates the events `list` names of a chunk (each with the groups it
/// is routed for; `bits` gives each rule's group bit) into `rules`.
pub(super) fn evaluate(
    rules: &mut Rules,
    events: &[Event],
    list: impl Iterator<Item = (u32, u64)>,
    bits: &[u64],
    reads: &Reads,
) -> Tagged {
    let mut decided = Decided::default();
    let mut tagged = Tagged::default();
    for (i, mask) in list {
        let Some(e) = events.get(i as usize) else { continue };
        rules.push_where(e, reads, &mut decided, |r| bits.get(r).is_some_and(|b| b & mask != 0));
        tagged.events.resize(decided.instances.len(), i);
        tagged.exemptions.extend(decided.exemptions.drain(..).map(|(r, u)| (i, r, u)));
    }
    tagged.instances = decided.instances;
    tagged.satisfied = decided.satisfied;
    tagged
}

/// A thread evaluating some slices.
pub(super) struct Worker<'p, 'r> {
    pub program: &'p Program,
    pub plan: &'p Plan,
    /// Fill keys and attributes of every instance (tests, the REPL).
    pub detailed: bool,
    /// What the sink reads, as the merging thread last told.
    pub reads: Reads<'r>,
}

impl<'p> Worker<'p, '_> {
    /// Evaluates slices `own` on each chunk `rx` hands over, sending what
    /// they decide on `tx` and the chunk back on `spent`; at the end, what
    /// each sliced rule decides, in the program's order.
    pub fn work(&self, own: &[usize], rx: &Receiver<Feed>, tx: &Sender<Sent>, spent: &Sender<Arc<Chunk>>) {
        let plan = self.plan;
        let mut slices: Vec<(usize, Rules<'p>)> = own
            .iter()
            .map(|&s| (s, Rules::new(self.program, &|i| plan.is_sliced(i), &self.reads, self.detailed)))
            .collect();
        let bits: Vec<u64> = (0..self.program.rules.len()).map(|r| plan.group_of(r).map_or(0, |g| 1u64 << g)).collect();
        let horizon = loop {
            let Ok(feed) = rx.recv() else { return };
            match feed {
                Feed::Chunk(chunk) => {
                    let tagged = slices
                        .iter_mut()
                        .map(|(s, rules)| {
                            let list = chunk.routed.get(*s).map_or(&[][..], Vec::as_slice);
                            evaluate(rules, &chunk.events, list.iter().copied(), &bits, &self.reads)
                        })
                        .collect();
                    let _ = spent.send(chunk);
                    if tx.send(Sent::Chunk(tagged)).is_err() {
                        return;
                    }
                }
                Feed::End(None) => return,
                Feed::End(Some(horizon)) => break horizon,
            }
        };
        for rule in (0..self.program.rules.len()).filter(|&r| plan.is_sliced(r)) {
            let sent = if plan.adds_up(self.program, rule) {
                let parts = slices.iter_mut().filter_map(|(_, rules)| rules.take_partial(rule)).collect();
                tx.send(Sent::Parts { rule, parts }).is_ok()
            } else {
                self.finish(rule, horizon, &mut slices, tx)
            };
            if !sent {
                return;
            }
        }
        let gaps = slices.iter().flat_map(|(_, rules)| rules.calendar_gaps()).collect();
        let _ = tx.send(Sent::Gaps(gaps));
    }

    /// Sends what rule `rule` decides at the end in its slices, merged, in
    /// batches; false when the merging thread has gone.
    fn finish(&self, rule: usize, horizon: Micros, slices: &mut [(usize, Rules<'p>)], tx: &Sender<Sent>) -> bool {
        let mut sources: Vec<SliceBatches> = slices
            .iter_mut()
            .map(|(_, rules)| SliceBatches { rules, rule, horizon, reads: &self.reads, more: true })
            .collect();
        let mut sources: Vec<&mut dyn Batches> = sources.iter_mut().map(|s| s as &mut dyn Batches).collect();
        let mut batch = Decided::default();
        let mut open = true;
        merge_finished(&mut sources, |m| match m {
            Merged::Satisfied(r, n) => {
                if batch.satisfied.len() <= r {
                    batch.satisfied.resize(r + 1, 0);
                }
                if let Some(s) = batch.satisfied.get_mut(r) {
                    *s += n;
                }
            }
            Merged::Instance(inst) => {
                batch.instances.push(inst);
                if batch.instances.len() >= crate::eval::FINISH_BATCH && open {
                    let decided = std::mem::take(&mut batch);
                    open = tx.send(Sent::Finished { rule, decided, more: true }).is_ok();
                }
            }
            Merged::Exempted(..) => {}
        });
        open && tx.send(Sent::Finished { rule, decided: batch, more: false }).is_ok()
    }
}

/// One slice's instances of a rule decided at the end.
struct SliceBatches<'a, 'p, 'r> {
    rules: &'a mut Rules<'p>,
    rule: usize,
    horizon: Micros,
    reads: &'a Reads<'r>,
    more: bool,
}

impl Batches for SliceBatches<'_, '_, '_> {
    fn next_batch(&mut self) -> Option<Decided> {
        if !self.more {
            return None;
        }
        let mut decided = Decided::default();
        self.more = self.rules.finish_rule(self.rule, self.horizon, self.reads, &mut decided);
        Some(decided)
    }
}
