//! Units in flight: the workers that decode them ahead, and the stream
//! that hands a file's units over in order, decoding itself any unit no
//! worker has started (see the module above for why no wait is circular).

use super::rows::Rows;
use super::{guarded, BATCH};
use super::{internal, Batches, Source};
use crate::log::cancel::Cancel;
use crate::log::event::Event;
use crate::log::failure::{BadLine, LogFailure};
use crate::log::merge::Blocks;
use crate::log::pipeline::Block;
use crate::log::plan::Plan;
use crate::log::ReadProgress;
use arrow_array::RecordBatch;
use crossbeam_channel::{bounded, Receiver, Sender};
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Batches a unit decoded ahead may hold before its worker waits.
const AHEAD: usize = 3;

/// What every unit's reading shares: the cancel flag, the progress, and
/// event vectors delivered and handed back for reuse.
pub(crate) struct Control {
    cancel: Option<Cancel>,
    progress: Option<ReadProgress>,
    spare_tx: Sender<Vec<Event>>,
    spare_rx: Receiver<Vec<Event>>,
}

impl Control {
    /// The shared state of a read.
    pub fn new(cancel: Option<Cancel>, progress: Option<ReadProgress>) -> Self {
        // Enough vectors for every unit in flight; more are dropped.
        let (spare_tx, spare_rx) = bounded(64);
        Control { cancel, progress, spare_tx, spare_rx }
    }

    /// An empty vector for `n` events, reused when one was handed back
    /// (its events are dropped here, off the delivering thread).
    fn vector(&self, n: usize) -> Vec<Event> {
        match self.spare_rx.try_recv() {
            Ok(mut v) => {
                v.clear();
                v.reserve(n);
                v
            }
            Err(_) => Vec::with_capacity(n),
        }
    }
}

/// A unit being read.
pub(super) struct Run<'s, 'p> {
    pub(super) batches: Batches<'s>,
    /// The batch being converted, and how many of its rows are done.
    pub(super) current: Option<(RecordBatch, usize)>,
    /// The file's row number (1-based) of the next row.
    pub(super) next_row: u64,
    pub(super) rows: Rows<'s, 'p>,
    pub(super) ctl: &'s Control,
    /// Bytes of the file the unit stands for, counted as read when it ends.
    pub(super) bytes: u64,
}

/// Events of some rows, and the bad rows among them.
type Piece = (Vec<Event>, Vec<(usize, BadLine)>);

impl Run<'_, '_> {
    /// The events of the next rows (at most [`BATCH`]), None at the end of
    /// the unit.
    fn next_piece(&mut self) -> Option<Result<Piece, LogFailure>> {
        if self.ctl.cancel.as_ref().is_some_and(Cancel::is_set) {
            return Some(Err(LogFailure::Interrupted));
        }
        let (batch, done) = match self.current.take() {
            Some((b, done)) if done < b.num_rows() => (b, done),
            _ => match self.batches.next() {
                None => {
                    self.finish();
                    return None;
                }
                Some(Err(reason)) => {
                    let reason = format!("cannot decode the file: {reason}");
                    return Some(Err(LogFailure::Io { path: self.rows.path.to_path_buf(), reason }));
                }
                Some(Ok(b)) => (b, 0),
            },
        };
        let n = (batch.num_rows() - done).min(BATCH);
        let slice = batch.slice(done, n);
        let mut events = self.ctl.vector(n);
        let mut bad = Vec::new();
        let converted = self.rows.convert(&slice, self.next_row, &mut events, &mut bad);
        self.next_row += n as u64;
        self.current = Some((batch, done + n));
        Some(converted.map(|()| (events, bad)))
    }

    /// Records what the unit met once it is read.
    fn finish(&mut self) {
        self.rows.plan.absorb(std::mem::take(&mut self.rows.met));
        if let Some(p) = &self.ctl.progress {
            p.add_bytes(std::mem::take(&mut self.bytes));
        }
    }
}

/// A unit offered to the workers.
pub(crate) struct Job {
    source: usize,
    unit: usize,
    claimed: Arc<AtomicBool>,
    tx: Sender<Result<Piece, LogFailure>>,
}

/// A worker: reads the units no one has claimed yet, until the job queue
/// closes.
pub(crate) fn run_worker(jobs: Receiver<Job>, sources: &[Source<'_>], plan: &Plan<'_>, ctl: &Control) {
    for job in jobs.iter() {
        if job.claimed.swap(true, Ordering::AcqRel) {
            continue;
        }
        let Some(source) = sources.get(job.source) else { continue };
        let mut run = match guarded(&source.path, || source.run(job.unit, plan, ctl)) {
            Ok(run) => run,
            Err(f) => {
                let _ = job.tx.send(Err(f));
                continue;
            }
        };
        // A bug must not leave the receiving side waiting forever.
        let sent = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            while let Some(piece) = run.next_piece() {
                let failed = piece.is_err();
                if job.tx.send(piece).is_err() || failed {
                    break;
                }
            }
        }));
        if sent.is_err() {
            let _ = job.tx.send(Err(internal(&source.path)));
        }
    }
}

/// A unit the calling thread waits for.
struct Pending {
    unit: usize,
    claimed: Arc<AtomicBool>,
    rx: Receiver<Result<Piece, LogFailure>>,
}

/// Where the current unit's events come from.
enum Current<'s, 'p> {
    /// A worker reads it.
    Worker(Receiver<Result<Piece, LogFailure>>),
    /// The calling thread reads it.
    Here(Box<Run<'s, 'p>>),
}

/// The receiving end of one columnar file: its units in order.
pub(crate) struct RowStream<'s, 'a, 'p> {
    source: usize,
    sources: &'s [Source<'a>],
    plan: &'s Plan<'p>,
    ctl: &'s Control,
    jobs: Sender<Job>,
    /// Units offered to the workers, in order.
    ahead: VecDeque<Pending>,
    next_unit: usize,
    /// Units to keep offered ahead.
    window: usize,
    current: Option<Current<'s, 'p>>,
    path: PathBuf,
}

impl<'s, 'a: 's, 'p> RowStream<'s, 'a, 'p> {
    /// The stream of file `source`, offering `window` units ahead to the
    /// workers fed by `jobs`.
    pub fn new(
        source: usize,
        sources: &'s [Source<'a>],
        plan: &'s Plan<'p>,
        ctl: &'s Control,
        jobs: Sender<Job>,
        window: usize,
    ) -> Self {
        let path = sources.get(source).map(|s| s.path.clone()).unwrap_or_default();
        let mut stream = RowStream {
            source,
            sources,
            plan,
            ctl,
            jobs,
            ahead: VecDeque::new(),
            next_unit: 0,
            window: window.max(1),
            current: None,
            path,
        };
        stream.offer();
        stream
    }

    /// Offers units to the workers up to the window.
    fn offer(&mut self) {
        let units = self.sources.get(self.source).map_or(0, Source::units);
        while self.ahead.len() < self.window && self.next_unit < units {
            let (tx, rx) = bounded(AHEAD);
            let claimed = Arc::new(AtomicBool::new(false));
            let job = Job { source: self.source, unit: self.next_unit, claimed: claimed.clone(), tx };
            // Without workers (all gone), the unit is read here.
            let _ = self.jobs.send(job);
            self.ahead.push_back(Pending { unit: self.next_unit, claimed, rx });
            self.next_unit += 1;
        }
    }
}

impl Blocks for RowStream<'_, '_, '_> {
    fn next_block(&mut self) -> Result<Option<Block>, LogFailure> {
        loop {
            let piece = match &mut self.current {
                None => {
                    let Some(next) = self.ahead.pop_front() else { return Ok(None) };
                    self.offer();
                    let current = if next.claimed.swap(true, Ordering::AcqRel) {
                        Current::Worker(next.rx)
                    } else {
                        let source = self.sources.get(self.source).ok_or(LogFailure::Interrupted)?;
                        let run = guarded(&self.path, || source.run(next.unit, self.plan, self.ctl))?;
                        Current::Here(Box::new(run))
                    };
                    self.current = Some(current);
                    continue;
                }
                // A worker ends a unit by dropping its sender.
                Some(Current::Worker(rx)) => rx.recv().ok(),
                Some(Current::Here(run)) => {
                    let path = &self.path;
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run.next_piece()))
                        .unwrap_or_else(|_| Some(Err(internal(path))))
                }
            };
            match piece {
                None => self.current = None,
                Some(Err(f)) => return Err(f),
                Some(Ok((events, bad))) => return Ok(Some(Block { events, bad, offset: 0 })),
            }
        }
    }

    fn recycle(&self, events: Vec<Event>) {
        let _ = self.ctl.spare_tx.try_send(events);
    }

    fn path(&self) -> &Path {
        &self.path
    }
}
