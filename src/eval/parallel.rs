//! The engine on several threads: the rules shared among them, every
//! thread reading every event for its own rules, and what they decide
//! merged back into the order one [`Engine`](super::Engine) decides it. The
//! sink sees exactly the instances, exemptions and calendar gaps, in the
//! same order, whatever the number of threads.
//!
//! The log is handed over in chunks, each shared (not copied) by every
//! thread. The calling thread evaluates its own rules and merges: on an
//! event, one engine decides the instances of its rules in the program's
//! order, so a chunk's instances, tagged with their event, merge by (event,
//! rule). At the end each rule decides what is left, in the program's
//! order, then the rate standards, which the calling thread holds.
//!
//! Whether the sink still reads a rule's details changes as it fills (see
//! [`Sink::keeps_details`]); the other threads read it from flags the
//! merging thread sets. They may lag behind, which only matters once the
//! sink no longer reads the details: an obligation then waits for a late
//! event when it could have been decided at its deadline, which changes
//! neither its verdict nor its remedy.

use super::ir::{Kind, Program};
use super::rules::{Decided, Details, Reads, Rules};
use super::tagged::{merge_chunk, Merged, Tagged};
use super::verdict::{Instance, Sink};
use super::CalendarGap;
use crate::log::{Chunks, Event};
use crate::time::Micros;
use crossbeam_channel::{bounded, unbounded, Receiver, Sender};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Chunks waiting for each thread: enough to even out their pace.
const QUEUED: usize = 4;

/// How many threads to evaluate `program` on, with `threads` at most: one
/// per rule that reads events (rate standards read instances).
pub fn threads_for(program: &Program, threads: usize) -> usize {
    let rules = program.rules.iter().filter(|r| !matches!(r.kind, Kind::Rate(_))).count();
    threads.min(rules).max(1)
}

/// What a thread receives.
enum Feed {
    Chunk(Arc<Vec<Event>>),
    /// The log is over: decide what is left when it was read whole (true),
    /// stop when reading failed.
    End(bool),
}

/// What another thread sends the merging one.
enum Sent {
    Chunk(Tagged),
    /// A batch of what rule `rule` decides at the end (its exemptions are
    /// empty); `more` when another batch follows.
    Finished {
        rule: usize,
        decided: Decided,
        more: bool,
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

/// Runs `program` on `threads` threads (see [`threads_for`]) over the
/// events `feed` hands over, into `sink`; events later than `as_of` are
/// counted, not judged. Returns the sink (finished unless `feed` failed),
/// what `feed` returned and how many events were later than `as_of`.
/// `detailed` is [`Engine::new`](super::Engine::new)'s.
pub fn run<S, T, E, F>(
    program: &Program,
    sink: S,
    detailed: bool,
    threads: usize,
    as_of: Option<Micros>,
    feed: F,
) -> (S, Result<T, E>, u64)
where
    S: Sink,
    T: Send,
    E: Send,
    F: FnOnce(&mut dyn Chunks) -> Result<T, E> + Send,
{
    let threads = threads.max(1);
    let flags: Vec<AtomicBool> = (0..program.rules.len()).map(|i| AtomicBool::new(sink.keeps_details(i))).collect();
    let (attrs, satisfied) = (sink.keeps_attrs(), sink.keeps_satisfied());
    std::thread::scope(|scope| {
        let (feed_txs, feed_rxs): (Vec<_>, Vec<_>) = (0..threads).map(|_| bounded::<Feed>(QUEUED)).unzip();
        let (spent_tx, spent_rx) = unbounded();
        let mut feed_rxs = feed_rxs.into_iter();
        let own_rx = feed_rxs.next();
        let mut sent_rxs = Vec::new();
        for (k, rx) in feed_rxs.enumerate() {
            let (tx, sent_rx) = bounded(QUEUED);
            sent_rxs.push(sent_rx);
            let (spent_tx, flags) = (spent_tx.clone(), &flags[..]);
            let share = Share { program, threads, index: k + 1, detailed, as_of };
            scope.spawn(move || share.work(rx, &tx, &spent_tx, &Reads { details: &Flags(flags), attrs, satisfied }));
        }
        let feeder = scope.spawn(move || {
            let mut out = Feeder { txs: feed_txs, spent: spent_rx, spare: vec![], as_of, after: 0 };
            let result = feed(&mut out);
            out.end(result.is_ok());
            (result, out.after)
        });
        let share = Share { program, threads, index: 0, detailed, as_of };
        let mut merger = Merger { sink, flags: &flags, sent: sent_rxs, spent: spent_tx };
        // Its end closes the channel, so that the feeder never waits for a
        // merging thread that stopped (another thread panicked).
        if let Some(rx) = own_rx {
            merger.work(&share, rx);
        }
        let (result, after) = feeder.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (merger.sink, result, after)
    })
}

/// The rules one thread holds and how it sees the run.
struct Share<'p> {
    program: &'p Program,
    threads: usize,
    /// The thread's number; the merging thread is 0.
    index: usize,
    detailed: bool,
    as_of: Option<Micros>,
}

impl<'p> Share<'p> {
    /// The thread's rules, given the log's first chunk (every thread sees
    /// the same, so every thread shares the rules out alike), and which
    /// thread holds each rule.
    fn rules(&self, first: &[Event], reads: &Reads) -> (Rules<'p>, Vec<usize>) {
        let owners = owners(self.program, self.threads, first);
        let index = self.index;
        (Rules::new(self.program, &|i| owners.get(i) == Some(&index), reads, self.detailed), owners)
    }

    /// The horizon once the log is over.
    fn horizon(&self, last_time: Option<Micros>) -> Micros {
        self.as_of.or(last_time).unwrap_or(0)
    }

    /// A thread other than the merging one: evaluates each chunk for its
    /// rules and sends what they decided, then what they decide at the end.
    fn work(&self, rx: Receiver<Feed>, tx: &Sender<Sent>, spent: &Sender<Arc<Vec<Event>>>, reads: &Reads) {
        let mut rules = None;
        let mut last_time = None;
        loop {
            let Ok(feed) = rx.recv() else { return };
            match feed {
                Feed::Chunk(chunk) => {
                    let rules = rules.get_or_insert_with(|| self.rules(&chunk, reads).0);
                    let tagged = evaluate(rules, &chunk, reads, &mut last_time);
                    let _ = spent.send(chunk);
                    if tx.send(Sent::Chunk(tagged)).is_err() {
                        return;
                    }
                }
                Feed::End(false) => return,
                Feed::End(true) => break,
            }
        }
        let mut rules = rules.unwrap_or_else(|| self.rules(&[], reads).0);
        let horizon = self.horizon(last_time);
        let held: Vec<usize> = (0..rules.len()).filter(|&r| rules.holds(r)).collect();
        for rule in held {
            loop {
                let mut decided = Decided::default();
                let more = rules.finish_rule(rule, horizon, reads, &mut decided);
                if tx.send(Sent::Finished { rule, decided, more }).is_err() {
                    return;
                }
                if !more {
                    break;
                }
            }
        }
        let _ = tx.send(Sent::Gaps(rules.calendar_gaps()));
    }
}

/// Evaluates a chunk: what the rules decided, tagged with its event.
fn evaluate(rules: &mut Rules, chunk: &[Event], reads: &Reads, last_time: &mut Option<Micros>) -> Tagged {
    let mut decided = Decided::default();
    let mut tagged = Tagged::default();
    for (i, e) in chunk.iter().enumerate() {
        *last_time = Some(last_time.map_or(e.time, |t| t.max(e.time)));
        rules.push(e, reads, &mut decided);
        let i = i as u32;
        tagged.events.resize(decided.instances.len(), i);
        tagged.exemptions.extend(decided.exemptions.drain(..).map(|(r, u)| (i, r, u)));
    }
    tagged.instances = decided.instances;
    tagged.satisfied = decided.satisfied;
    tagged
}

/// Which thread holds each rule: the rules that read events spread so that
/// each thread reads about as many of the first chunk's events for its
/// rules (longest first, each to the least loaded); rate standards on the
/// merging thread, which sees every instance.
fn owners(program: &Program, threads: usize, first: &[Event]) -> Vec<usize> {
    let mut seen = vec![0u64; program.proj.names.len() + 1];
    for e in first {
        if let Some(n) = seen.get_mut(e.kind as usize) {
            *n += 1;
        }
    }
    let all = Rules::new(program, &|_| true, &Reads { details: &Flags(&[]), attrs: false, satisfied: true }, false);
    let mut weight = vec![1u64; program.rules.len()];
    for (t, rule) in all.types() {
        if let (Some(w), Some(n)) = (weight.get_mut(rule), seen.get(t as usize)) {
            *w += n;
        }
    }
    let mut order: Vec<usize> = (0..program.rules.len()).filter(|&i| !all.is_rate(i)).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(weight.get(i).copied().unwrap_or(0)));
    let mut load = vec![0u64; threads.max(1)];
    let mut owners = vec![0; program.rules.len()];
    for i in order {
        let least = (0..load.len()).min_by_key(|&k| load.get(k).copied().unwrap_or(0)).unwrap_or(0);
        if let (Some(o), Some(l)) = (owners.get_mut(i), load.get_mut(least)) {
            *o = least;
            *l += weight.get(i).copied().unwrap_or(0);
        }
    }
    owners
}

/// Hands the log's chunks to every thread and takes them back.
struct Feeder {
    txs: Vec<Sender<Feed>>,
    spent: Receiver<Arc<Vec<Event>>>,
    /// Vectors left empty by the horizon, to hand back.
    spare: Vec<Vec<Event>>,
    as_of: Option<Micros>,
    after: u64,
}

impl Feeder {
    fn end(&self, read_whole: bool) {
        for tx in &self.txs {
            let _ = tx.send(Feed::End(read_whole));
        }
    }
}

impl Chunks for Feeder {
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
        let chunk = Arc::new(events);
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
            if let Ok(events) = Arc::try_unwrap(chunk) {
                return Some(events);
            }
        }
        None
    }
}

/// The merging thread: its own rules, the sink and the other threads'
/// results.
struct Merger<'f, S> {
    sink: S,
    flags: &'f [AtomicBool],
    /// From each other thread, in thread order.
    sent: Vec<Receiver<Sent>>,
    /// Chunks evaluated, back to the feeder.
    spent: Sender<Arc<Vec<Event>>>,
}

impl<S: Sink> Merger<'_, S> {
    fn work(&mut self, share: &Share, rx: Receiver<Feed>) {
        let mut rules = None;
        let mut last_time = None;
        loop {
            let Ok(feed) = rx.recv() else { return };
            match feed {
                Feed::Chunk(chunk) => {
                    let reads = reads(&self.sink);
                    let (rules, _) = rules.get_or_insert_with(|| share.rules(&chunk, &reads));
                    let own = evaluate(rules, &chunk, &reads, &mut last_time);
                    let _ = self.spent.send(chunk);
                    let mut all = vec![own];
                    for rx in &self.sent {
                        match rx.recv() {
                            Ok(Sent::Chunk(t)) => all.push(t),
                            // A thread that stopped has panicked: the scope says so.
                            _ => return,
                        }
                    }
                    self.deliver_merged(rules, all);
                }
                Feed::End(false) => return,
                Feed::End(true) => break,
            }
        }
        let (mut rules, owners) = rules.unwrap_or_else(|| share.rules(&[], &reads(&self.sink)));
        let horizon = share.horizon(last_time);
        for rule in 0..rules.len() {
            if rules.holds(rule) {
                let mut decided = Decided::default();
                while rules.finish_rule(rule, horizon, &reads(&self.sink), &mut decided) {
                    self.deliver_finished(&mut rules, &mut decided);
                }
                self.deliver_finished(&mut rules, &mut decided);
                continue;
            }
            // Thread k > 0 sends on the receiver k - 1.
            let Some(rx) = owners.get(rule).and_then(|k| k.checked_sub(1)).and_then(|k| self.sent.get(k)).cloned()
            else {
                continue;
            };
            while let Ok(Sent::Finished { rule: r, mut decided, more }) = rx.recv() {
                debug_assert_eq!(r, rule);
                self.deliver_finished(&mut rules, &mut decided);
                if !more {
                    break;
                }
            }
        }
        let mut instances = vec![];
        for rule in 0..rules.len() {
            rules.finish_rate(rule, horizon, &reads(&self.sink), &mut instances);
            self.deliver(&mut rules, instances.drain(..));
        }
        let mut gaps = rules.calendar_gaps();
        for rx in &self.sent {
            if let Ok(Sent::Gaps(more)) = rx.recv() {
                gaps.extend(more);
            }
        }
        gaps.sort_by_key(|g| g.rule);
        for gap in gaps {
            self.sink.calendar_gap(gap);
        }
    }

    /// Hands instances to the rate standards and the sink, and tells the
    /// other threads what the sink still reads.
    fn deliver(&mut self, rules: &mut Rules, instances: impl Iterator<Item = Instance>) {
        for inst in instances {
            let rule = inst.rule;
            rules.measure(&inst);
            self.sink.instance(inst);
            if let Some(flag) = self.flags.get(rule) {
                flag.store(self.sink.keeps_details(rule), Ordering::Relaxed);
            }
        }
    }

    /// Delivers what a rule decided at the end.
    fn deliver_finished(&mut self, rules: &mut Rules, decided: &mut Decided) {
        for (rule, n) in decided.take_satisfied() {
            self.sink.satisfied(rule, n);
        }
        self.deliver(rules, decided.instances.drain(..));
    }

    /// Delivers a chunk's results from every thread in one engine's order:
    /// by event; on each, the exemptions, then the instances, by rule (a
    /// rule is on one thread, which keeps its decisions in order).
    fn deliver_merged(&mut self, rules: &mut Rules, all: Vec<Tagged>) {
        merge_chunk(all, |m| match m {
            Merged::Satisfied(rule, n) => self.sink.satisfied(rule, n),
            Merged::Exempted(rule, unless) => self.sink.exempted(rule, unless),
            Merged::Instance(inst) => self.deliver(rules, std::iter::once(inst)),
        });
    }
}

/// What `sink` reads, as the rules ask it.
fn reads<S: Sink>(sink: &S) -> Reads<'_> {
    super::engine::reads(sink)
}
