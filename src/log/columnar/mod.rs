//! Columnar logs: Parquet files and Arrow IPC files and streams.
//!
//! A columnar file is read a unit at a time (a Parquet row group; an Arrow
//! IPC file or stream is one unit, read in order), only the columns the
//! policy reads or declares (a Parquet projection), in batches of
//! [`BATCH`] rows turned into events as JSON Lines lines are
//! ([`rows`]). Units are decoded on worker threads ahead of delivery, as
//! the blocks of a JSON Lines file are: each file keeps a few units in
//! flight, each unit hands its events over through a small bounded
//! channel, and a unit no worker has started when the calling thread needs
//! it is decoded by the calling thread itself, lazily. So memory stays
//! bounded by units in flight times a few batches, whatever the row-group
//! size, and no wait can be circular (a worker waits only for room in a
//! channel the calling thread drains before anything else it waits for).
//!
//! Rows of types the policy does not name are still events (they count,
//! set the horizon and are checked for order, as in a JSON Lines log), but
//! their attribute columns are never looked at. Row groups are not skipped
//! by their statistics for the same reason: every row's time and type is
//! part of what a run reports.

mod cols;
mod rows;

use super::cancel::Cancel;
use super::event::Event;
use super::failure::{BadLine, LogFailure};
use super::merge::Blocks;
use super::pipeline::Block;
use super::plan::Plan;
use super::seen::Met;
use super::time_parse::TimeMemo;
use super::{Format, Input, ReadProgress};
use crate::workspace::io_reason;
use arrow_array::RecordBatch;
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use bytes::Bytes;
use chrono_tz::Tz;
use crossbeam_channel::{bounded, Receiver, Sender};
use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder};
use parquet::arrow::ProjectionMask;
use rows::{check_schema, Rows};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Seek};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// Rows per batch handed over.
pub(crate) const BATCH: usize = 8192;
/// Batches a unit decoded ahead may hold before its worker waits.
const AHEAD: usize = 3;
/// The magic number an Arrow IPC file starts with (a stream has none).
const ARROW_FILE_MAGIC: &[u8] = b"ARROW1";

/// A columnar file opened and checked against the policy.
pub(crate) struct Source<'a> {
    path: PathBuf,
    /// Index of the file in the log.
    index: u32,
    tz: Option<Tz>,
    body: Body<'a>,
}

enum Body<'a> {
    Parquet {
        data: Data,
        meta: ArrowReaderMetadata,
        mask: ProjectionMask,
        /// First row (0-based) of each row group.
        starts: Vec<u64>,
    },
    /// An Arrow IPC file or stream, read once, in order.
    Ipc(Mutex<Option<Batches<'a>>>),
}

/// Where a Parquet file's bytes are.
#[derive(Clone)]
enum Data {
    /// A file on disk, opened anew by each unit (each with its own offset).
    File(PathBuf),
    /// Bytes in memory (standard input, a compressed file).
    Bytes(Bytes),
}

/// Runs `f`, a panic in the decoders becoming a failure of the file: a
/// file no decoder expected must not take the process down.
fn guarded<T>(path: &Path, f: impl FnOnce() -> Result<T, LogFailure>) -> Result<T, LogFailure> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|_| Err(internal(path)))
}

/// The failure a panic while decoding becomes.
fn internal(path: &Path) -> LogFailure {
    let reason = "cannot decode the file (the decoder failed on it; please report it)".to_string();
    LogFailure::Io { path: path.to_path_buf(), reason }
}

fn io_failure(path: &Path, e: &std::io::Error) -> LogFailure {
    LogFailure::Io { path: path.to_path_buf(), reason: io_reason(e) }
}

/// Opens a columnar input and checks its schema.
pub(crate) fn open<'a>(
    input: Input<'a>,
    index: u32,
    plan: &Plan<'_>,
    tz: Option<Tz>,
) -> Result<Source<'a>, LogFailure> {
    let Input { path, format, read, file } = input;
    let body = guarded(&path, || match format {
        Format::Parquet => {
            let data = match file {
                Some(_) => Data::File(path.clone()),
                None => Data::Bytes(read_all(read, &path)?),
            };
            open_parquet(data, &path, plan, tz)
        }
        _ => open_ipc(read, file, &path, plan, tz),
    })?;
    Ok(Source { path, index, tz, body })
}

fn read_all(mut read: Box<dyn Read + Send + '_>, path: &Path) -> Result<Bytes, LogFailure> {
    let mut bytes = Vec::new();
    read.read_to_end(&mut bytes).map_err(|e| io_failure(path, &e))?;
    Ok(Bytes::from(bytes))
}

fn not_parquet(path: &Path, e: impl std::fmt::Display) -> LogFailure {
    LogFailure::Io { path: path.to_path_buf(), reason: format!("not a readable Parquet file: {e}") }
}

fn open_parquet<'a>(data: Data, path: &Path, plan: &Plan<'_>, tz: Option<Tz>) -> Result<Body<'a>, LogFailure> {
    let load = |options: ArrowReaderOptions| match &data {
        Data::File(p) => {
            let f = std::fs::File::open(p).map_err(|e| io_failure(path, &e))?;
            ArrowReaderMetadata::load(&f, options).map_err(|e| not_parquet(path, e))
        }
        Data::Bytes(b) => ArrowReaderMetadata::load(b, options).map_err(|e| not_parquet(path, e)),
    };
    let meta = load(ArrowReaderOptions::new())?;
    let wanted = check_schema(meta.schema(), plan, tz, path)?;
    // The type column read as a dictionary: each distinct type is looked
    // up once per batch instead of once per row.
    let meta = match dictionary_type(meta.schema()) {
        Some(hinted) => load(ArrowReaderOptions::new().with_schema(hinted)).unwrap_or(meta),
        None => meta,
    };
    let roots: Vec<usize> =
        meta.schema().fields().iter().enumerate().filter(|(_, f)| wanted.contains(f.name())).map(|(i, _)| i).collect();
    let mask = ProjectionMask::roots(meta.parquet_schema(), roots);
    let mut starts = Vec::with_capacity(meta.metadata().num_row_groups());
    let mut row = 0u64;
    for rg in meta.metadata().row_groups() {
        starts.push(row);
        row += u64::try_from(rg.num_rows()).unwrap_or(0);
    }
    Ok(Body::Parquet { data, meta, mask, starts })
}

/// The schema with a string `type` column as a dictionary, if it is not one.
fn dictionary_type(schema: &SchemaRef) -> Option<SchemaRef> {
    let fields: Vec<Field> = schema
        .fields()
        .iter()
        .map(|f| match (f.name().as_str(), f.data_type()) {
            ("type", DataType::Utf8) => f
                .as_ref()
                .clone()
                .with_data_type(DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8))),
            _ => f.as_ref().clone(),
        })
        .collect();
    let changed = fields.iter().zip(schema.fields()).any(|(a, b)| a.data_type() != b.data_type());
    changed.then(|| Arc::new(Schema::new_with_metadata(fields, schema.metadata().clone())))
}

/// A reader that can seek, for an Arrow IPC file.
trait ReadSeek: Read + Seek + Send {}
impl<T: Read + Seek + Send> ReadSeek for T {}

/// The batches of an Arrow IPC file or stream.
type Batches<'a> = Box<dyn Iterator<Item = Result<RecordBatch, String>> + Send + 'a>;

/// Opens an Arrow IPC file (by its magic number) or stream. Every column
/// is read: IPC batches are not compressed column by column as Parquet's,
/// so a projection saves little.
fn open_ipc<'a>(
    read: Box<dyn Read + Send + 'a>,
    file: Option<std::fs::File>,
    path: &Path,
    plan: &Plan<'_>,
    tz: Option<Tz>,
) -> Result<Body<'a>, LogFailure> {
    let not_arrow = |e: arrow_schema::ArrowError| LogFailure::Io {
        path: path.to_path_buf(),
        reason: format!("not a readable Arrow IPC file or stream: {e}"),
    };
    let mut read: Box<dyn BufRead + Send + 'a> = match file {
        Some(f) => Box::new(BufReader::with_capacity(1 << 16, f)),
        None => Box::new(BufReader::with_capacity(1 << 16, read)),
    };
    let head = read.fill_buf().map_err(|e| io_failure(path, &e))?;
    let batches: Batches<'a> = if head.starts_with(ARROW_FILE_MAGIC) {
        // A file's footer is at its end: it is read whole.
        let mut bytes = Vec::new();
        read.read_to_end(&mut bytes).map_err(|e| io_failure(path, &e))?;
        let cursor: Box<dyn ReadSeek> = Box::new(std::io::Cursor::new(bytes));
        let reader = arrow_ipc::reader::FileReader::try_new(cursor, None).map_err(not_arrow)?;
        check_schema(&reader.schema(), plan, tz, path)?;
        Box::new(reader.map(|b| b.map_err(|e| e.to_string())))
    } else {
        let reader = arrow_ipc::reader::StreamReader::try_new(read, None).map_err(not_arrow)?;
        check_schema(&reader.schema(), plan, tz, path)?;
        Box::new(reader.map(|b| b.map_err(|e| e.to_string())))
    };
    Ok(Body::Ipc(Mutex::new(Some(batches))))
}

impl Source<'_> {
    /// The units the file is read in.
    fn units(&self) -> usize {
        match &self.body {
            Body::Parquet { starts, .. } => starts.len(),
            Body::Ipc(_) => 1,
        }
    }

    /// Starts reading unit `unit`.
    fn run<'s, 'p>(&'s self, unit: usize, plan: &'s Plan<'p>, ctl: &'s Control) -> Result<Run<'s, 'p>, LogFailure> {
        let (batches, first): (Batches<'s>, u64) = match &self.body {
            Body::Parquet { data, meta, mask, starts } => {
                let first = starts.get(unit).copied().unwrap_or(0);
                let fail = |e: parquet::errors::ParquetError| not_parquet(&self.path, e);
                let batches: Batches<'s> = match data {
                    Data::File(p) => {
                        let f = std::fs::File::open(p).map_err(|e| io_failure(&self.path, &e))?;
                        let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(f, meta.clone())
                            .with_projection(mask.clone())
                            .with_row_groups(vec![unit])
                            .with_batch_size(BATCH)
                            .build()
                            .map_err(fail)?;
                        Box::new(reader.map(|b| b.map_err(|e| e.to_string())))
                    }
                    Data::Bytes(b) => {
                        let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(b.clone(), meta.clone())
                            .with_projection(mask.clone())
                            .with_row_groups(vec![unit])
                            .with_batch_size(BATCH)
                            .build()
                            .map_err(fail)?;
                        Box::new(reader.map(|b| b.map_err(|e| e.to_string())))
                    }
                };
                (batches, first)
            }
            Body::Ipc(once) => {
                let taken = once.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
                let batches: Batches<'s> = match taken {
                    Some(b) => b,
                    None => Box::new(std::iter::empty()),
                };
                (batches, 0)
            }
        };
        let bytes = match &self.body {
            Body::Parquet { meta, data: Data::File(_), .. } => {
                meta.metadata().row_groups().get(unit).map_or(0, |rg| u64::try_from(rg.compressed_size()).unwrap_or(0))
            }
            _ => 0,
        };
        let rows = Rows {
            plan,
            tz: self.tz,
            file: self.index,
            path: &self.path,
            time_memo: TimeMemo::default(),
            met: Met::default(),
        };
        Ok(Run { batches, current: None, next_row: first + 1, rows, ctl, bytes })
    }
}

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
struct Run<'s, 'p> {
    batches: Batches<'s>,
    /// The batch being converted, and how many of its rows are done.
    current: Option<(RecordBatch, usize)>,
    /// The file's row number (1-based) of the next row.
    next_row: u64,
    rows: Rows<'s, 'p>,
    ctl: &'s Control,
    /// Bytes of the file the unit stands for, counted as read when it ends.
    bytes: u64,
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
