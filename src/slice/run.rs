//! The slices on threads, in one process: the log read once, each chunk
//! routed, every slice evaluating its events for the sliced rules, the
//! calling thread evaluating the rules kept at the merge on every event
//! and merging what all decide into one engine's order (see
//! [`merge`](super::merge)).
//!
//! Slices are shared among at most `threads` workers (slice `s` on worker
//! `s % workers`), so sixteen slices on two cores run two at a time.

use super::feed::{Chunk, Feed, Feeder};
use super::merge::{merge_chunk, merge_finished, Batches, Merged};
use super::plan::Plan;
use super::worker::{evaluate, Sent, Worker};
use crate::eval::engine::reads;
use crate::eval::rules::{Decided, Details, Reads, Rules};
use crate::eval::{Program, Sink};
use crate::log::Chunks;
use crate::time::Micros;
use crossbeam_channel::{bounded, unbounded, Receiver, Sender};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Chunks waiting for each thread: enough to even out their pace.
pub(super) const QUEUED: usize = 4;
/// Whether the sink reads the details of each rule, as last told.
struct Flags<'a>(&'a [AtomicBool]);

impl Details for Flags<'_> {
    fn keeps_details(&self, rule: usize) -> bool {
        self.0.get(rule).is_some_and(|f| f.load(Ordering::Relaxed))
    }
}

/// How a run is sliced.
#[derive(Clone, Copy)]
pub struct Slicing<'a> {
    /// The plan.
    pub plan: &'a Plan,
    /// How many slices.
    pub slices: usize,
    /// At most this many slices evaluated at once.
    pub threads: usize,
}

/// Runs `program` in slices over the events `feed` hands over, into `sink`,
/// with the same result as one [`Engine`](crate::eval::Engine); events
/// later than `as_of` are counted, not judged. Returns the sink (finished
/// unless `feed` failed), what `feed` returned and how many events were
/// later than `as_of`.
pub fn run<S, T, E, F>(
    program: &Program,
    slicing: Slicing,
    sink: S,
    detailed: bool,
    as_of: Option<Micros>,
    feed: F,
) -> (S, Result<T, E>, u64)
where
    S: Sink,
    T: Send,
    E: Send,
    F: FnOnce(&mut dyn Chunks) -> Result<T, E> + Send,
{
    let slices = slicing.slices.max(1);
    let workers = slicing.threads.clamp(1, slices);
    let flags: Vec<AtomicBool> = (0..program.rules.len()).map(|i| AtomicBool::new(sink.keeps_details(i))).collect();
    let (attrs, satisfied) = (sink.keeps_attrs(), sink.keeps_satisfied());
    let plan = slicing.plan;
    std::thread::scope(|scope| {
        let (spent_tx, spent_rx) = unbounded();
        let (own_tx, own_rx) = bounded::<Feed>(QUEUED);
        let mut txs = vec![own_tx];
        let mut sent = vec![];
        for w in 0..workers {
            let (feed_tx, feed_rx) = bounded::<Feed>(QUEUED);
            let (tx, rx) = bounded(QUEUED);
            txs.push(feed_tx);
            sent.push(rx);
            let (spent_tx, flags) = (spent_tx.clone(), &flags[..]);
            let own: Vec<usize> = (w..slices).step_by(workers).collect();
            scope.spawn(move || {
                let reads = Reads { details: &Flags(flags), attrs, satisfied };
                let worker = Worker { program, plan, detailed, reads };
                worker.work(&own, &feed_rx, &tx, &spent_tx);
            });
        }
        let feeder = scope.spawn(move || {
            let mut out =
                Feeder { plan, slices, txs, spent: spent_rx, spare: vec![], as_of, after: 0, seen: 0, last: None };
            let result = feed(&mut out);
            let horizon = as_of.or(out.last).unwrap_or(0);
            out.end(result.is_ok().then_some(horizon));
            (result, out.after)
        });
        let mut merger = Merger { sink, flags: &flags, sent, spent: spent_tx };
        merger.work(program, plan, detailed, &own_rx);
        // Its end closes the channel, so that the feeder never waits for a
        // merging thread that stopped.
        drop(own_rx);
        let (result, after) = feeder.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (merger.sink, result, after)
    })
}

/// A worker's instances of a rule decided at the end, as it sends them.
struct SentBatches<'a> {
    rx: &'a Receiver<Sent>,
    rule: usize,
    done: bool,
}

impl Batches for SentBatches<'_> {
    fn next_batch(&mut self) -> Option<Decided> {
        if self.done {
            return None;
        }
        match self.rx.recv() {
            Ok(Sent::Finished { rule, decided, more }) if rule == self.rule => {
                self.done = !more;
                Some(decided)
            }
            _ => {
                self.done = true;
                None
            }
        }
    }
}

/// The merging thread: the rules kept at the merge, the sink and the
/// workers' results.
struct Merger<'f, S> {
    sink: S,
    flags: &'f [AtomicBool],
    /// From each worker.
    sent: Vec<Receiver<Sent>>,
    spent: Sender<Arc<Chunk>>,
}

impl<S: Sink> Merger<'_, S> {
    fn work(&mut self, program: &Program, plan: &Plan, detailed: bool, rx: &Receiver<Feed>) {
        // The rules kept here, and those whose slices' parts add up here.
        let held = |i| !plan.is_sliced(i) || plan.adds_up(program, i);
        let mut rules = Rules::new(program, &held, &reads(&self.sink), detailed);
        // Only the rules kept here read the events.
        let kept: Vec<u64> = (0..program.rules.len()).map(|i| u64::from(!plan.is_sliced(i))).collect();
        let horizon = loop {
            let Ok(feed) = rx.recv() else { return };
            match feed {
                Feed::Chunk(chunk) => {
                    let reads = reads(&self.sink);
                    let every = (0..chunk.events.len()).filter_map(|i| u32::try_from(i).ok()).map(|i| (i, 1));
                    let own = evaluate(&mut rules, &chunk.events, every, &kept, &reads);
                    let _ = self.spent.send(chunk);
                    let mut all = vec![own];
                    for rx in &self.sent {
                        match rx.recv() {
                            Ok(Sent::Chunk(t)) => all.extend(t),
                            // A worker that stopped has panicked: the scope says so.
                            _ => return,
                        }
                    }
                    merge_chunk(all, |m| self.deliver(&mut rules, m));
                }
                Feed::End(None) => return,
                Feed::End(Some(horizon)) => break horizon,
            }
        };
        for rule in 0..rules.len() {
            if plan.adds_up(program, rule) {
                for rx in &self.sent {
                    match rx.recv() {
                        Ok(Sent::Parts { rule: r, parts }) if r == rule => {
                            parts.into_iter().for_each(|part| rules.absorb(rule, part));
                        }
                        _ => return,
                    }
                }
            }
            if rules.holds(rule) {
                let mut decided = Decided::default();
                loop {
                    let more = rules.finish_rule(rule, horizon, &reads(&self.sink), &mut decided);
                    for (r, n) in decided.take_satisfied() {
                        self.sink.satisfied(r, n);
                    }
                    for inst in std::mem::take(&mut decided.instances) {
                        self.deliver(&mut rules, Merged::Instance(inst));
                    }
                    if !more {
                        break;
                    }
                }
            } else if plan.is_sliced(rule) {
                // Taken out while their batches merge into the sink.
                let sent = std::mem::take(&mut self.sent);
                let mut sources: Vec<SentBatches> =
                    sent.iter().map(|rx| SentBatches { rx, rule, done: false }).collect();
                let mut sources: Vec<&mut dyn Batches> = sources.iter_mut().map(|s| s as &mut dyn Batches).collect();
                merge_finished(&mut sources, |m| self.deliver(&mut rules, m));
                drop(sources);
                self.sent = sent;
            }
        }
        let mut instances = vec![];
        for rule in 0..rules.len() {
            rules.finish_rate(rule, horizon, &reads(&self.sink), &mut instances);
            for inst in instances.drain(..) {
                self.deliver(&mut rules, Merged::Instance(inst));
            }
        }
        let mut gaps = rules.calendar_gaps();
        for rx in &self.sent {
            if let Ok(Sent::Gaps(more)) = rx.recv() {
                gaps.extend(more);
            }
        }
        // Each rule's years once, by rule then year (the calendar warnings
        // sort them so too).
        gaps.sort();
        gaps.dedup();
        for gap in gaps {
            self.sink.calendar_gap(gap);
        }
    }

    /// Hands on one merged decision: an instance to the rate standards and
    /// the sink, telling the workers what the sink still reads.
    fn deliver(&mut self, rules: &mut Rules, m: Merged) {
        match m {
            Merged::Satisfied(rule, n) => self.sink.satisfied(rule, n),
            Merged::Exempted(rule, unless) => self.sink.exempted(rule, unless),
            Merged::Instance(inst) => {
                let rule = inst.rule;
                rules.measure(&inst);
                self.sink.instance(inst);
                if let Some(flag) = self.flags.get(rule) {
                    flag.store(self.sink.keeps_details(rule), Ordering::Relaxed);
                }
            }
        }
    }
}
