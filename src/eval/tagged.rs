//! What evaluating threads and slices decide on a chunk of events, tagged
//! with the event each decision was made on, and the merge that puts the
//! decisions of several back into the order one engine makes them.

use super::Instance;

/// What one evaluating thread (or slice) decided on a chunk, each instance
/// and exemption with its event's index in the chunk.
#[derive(Default)]
pub struct Tagged {
    /// In the order decided.
    pub instances: Vec<Instance>,
    /// By instance: its event.
    pub events: Vec<u32>,
    /// (event, rule, exception number).
    pub exemptions: Vec<(u32, usize, usize)>,
    /// Per rule: satisfied instances only counted.
    pub satisfied: Vec<u64>,
}

/// What a merged chunk hands on, in one engine's order.
#[expect(
    clippy::large_enum_variant,
    reason = "handed on one at a time, never stored in bulk: boxing would allocate per instance"
)]
pub enum Merged {
    /// `n` more satisfied instances of a rule, only counted.
    Satisfied(usize, u64),
    /// An exemption: (rule, exception number).
    Exempted(usize, usize),
    /// An instance.
    Instance(Instance),
}

/// Merges the chunk results of every thread or slice into one engine's
/// order: by event; on each, the exemptions, then the instances by rule.
pub fn merge_chunk(all: Vec<Tagged>, mut out: impl FnMut(Merged)) {
    let mut counted: Vec<u64> = vec![];
    for t in &all {
        if counted.len() < t.satisfied.len() {
            counted.resize(t.satisfied.len(), 0);
        }
        for (c, n) in counted.iter_mut().zip(&t.satisfied) {
            *c += n;
        }
    }
    for (rule, n) in counted.into_iter().enumerate().filter(|(_, n)| *n > 0) {
        out(Merged::Satisfied(rule, n));
    }
    let mut exemptions: Vec<_> = all.iter().flat_map(|t| t.exemptions.iter().copied()).collect();
    exemptions.sort_by_key(|&(i, rule, _)| (i, rule));
    let mut exemptions = exemptions.into_iter().peekable();
    let mut heads: Vec<_> = all.into_iter().map(|t| t.events.into_iter().zip(t.instances).peekable()).collect();
    loop {
        // The earliest (event, rule) at the head of a list.
        let mut first: Option<(usize, (u32, usize))> = None;
        for (k, head) in heads.iter_mut().enumerate() {
            if let Some((i, inst)) = head.peek() {
                if first.is_none_or(|(_, at)| (*i, inst.rule) < at) {
                    first = Some((k, (*i, inst.rule)));
                }
            }
        }
        let event = first.map(|(_, (i, _))| i);
        while let Some((_, rule, unless)) = exemptions.next_if(|x| event.is_none_or(|i| x.0 <= i)) {
            out(Merged::Exempted(rule, unless));
        }
        let Some((k, _)) = first else { break };
        if let Some((_, inst)) = heads.get_mut(k).and_then(Iterator::next) {
            out(Merged::Instance(inst));
        }
    }
}
