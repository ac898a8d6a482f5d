//! The slices on threads, in one process: the log read once, each chunk
//! routed, every slice evaluating its events for the sliced rules, the
//! calling thread evaluating the rules kept at the merge on every event
//! and merging what all decide into one engine's order (see
//! [`merge`](super::merge)).
//!
//! Slices are shared among at most `threads` workers (slice `s` on worker
//! `s % workers`), so sixteen slices on two cores run two at a time.

use super::merge::{merge_chunk, merge_finished, Batches, Merged, Tagged};
use super::plan::Plan;
use super::route::{route, Routed};
use crate::eval::engine::reads;
use crate::eval::rules::{Decided, Details, Partial, Reads, Rules};
use crate::eval::{CalendarGap, Program, Sink};
use crate::log::{Chunks, Event};
use crate::time::Micros;
use crossbeam_channel::{bounded, unbounded, Receiver, Sender};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Chunks waiting for each thread: enough to even out their pace.
const QUEUED: usize = 4;

/// A chunk of the log with its routes.
struct Chunk {
    events: Vec<Event>,
    routed: Routed,
}

/// What a thread receives.
enum Feed {
    Chunk(Arc<Chunk>),
    /// The log is over: Some(horizon) when it was read whole, None when
    /// reading failed.
    End(Option<Micros>),
}

/// What a worker sends the merging thread.
enum Sent {
    /// Per slice of the worker, in slice order.
    Chunk(Vec<Tagged>),
    /// A batch of what rule `rule` decides at the end, its slices merged;
    /// `more` when another follows.
    Finished {
        rule: usize,
        decided: Decided,
        more: bool,
    },
    /// The parts of rule `rule`'s state its slices measured, to add up.
    Parts {
        rule: usize,
        parts: Vec<Partial>,
    },
    Gaps(Vec<CalendarGap>),
}

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

/// Evaluates the events `list` names of a chunk (each with the groups it
/// is routed for; `bits` gives each rule's group bit) into `rules`.
fn evaluate(
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
struct Worker<'p, 'r> {
    program: &'p Program,
    plan: &'p Plan,
    detailed: bool,
    reads: Reads<'r>,
}

impl<'p> Worker<'p, '_> {
    fn work(&self, own: &[usize], rx: &Receiver<Feed>, tx: &Sender<Sent>, spent: &Sender<Arc<Chunk>>) {
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

/// Reads the log for the slices: routes each chunk and hands it to every
/// thread, and takes chunks back to reuse.
struct Feeder<'a> {
    plan: &'a Plan,
    slices: usize,
    /// The merging thread's, then each worker's.
    txs: Vec<Sender<Feed>>,
    spent: Receiver<Arc<Chunk>>,
    spare: Vec<Vec<Event>>,
    as_of: Option<Micros>,
    /// Events later than `as_of`.
    after: u64,
    /// Events routed so far.
    seen: u64,
    /// The last event's time.
    last: Option<Micros>,
}

impl Feeder<'_> {
    fn end(&self, horizon: Option<Micros>) {
        for tx in &self.txs {
            let _ = tx.send(Feed::End(horizon));
        }
    }
}

impl Chunks for Feeder<'_> {
    fn chunk(&mut self, mut events: Vec<Event>) {
        if let Some(h) = self.as_of {
            let before = events.len();
            events.retain(|e| e.time <= h);
            self.after += (before - events.len()) as u64;
        }
        if events.is_empty() {
            self.spare.push(events);
            return;
        }
        for e in &events {
            self.last = Some(self.last.map_or(e.time, |t| t.max(e.time)));
        }
        let mut routed = vec![];
        route(self.plan, self.slices, &events, self.seen, &mut routed);
        self.seen += events.len() as u64;
        let chunk = Arc::new(Chunk { events, routed });
        for tx in &self.txs {
            let _ = tx.send(Feed::Chunk(chunk.clone()));
        }
    }

    fn spent(&mut self) -> Option<Vec<Event>> {
        if let Some(v) = self.spare.pop() {
            return Some(v);
        }
        // Each thread gives its share back; the last one frees the chunk.
        while let Ok(chunk) = self.spent.try_recv() {
            if let Ok(chunk) = Arc::try_unwrap(chunk) {
                return Some(chunk.events);
            }
        }
        None
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
