//! Event logs: JSON Lines, CSV, XES, Parquet and Arrow files read as one
//! log, in log order.
//!
//! The evaluator is a streaming pass over millions of events, so reading must
//! be fast and its memory flat: streamed formats are read in blocks and
//! parsed on worker threads while the calling thread delivers events, and
//! only what the policy uses (its [`Projection`]) is materialised. Every line
//! is still validated: a bad line stops reading or, when asked, is collected
//! with its file, line, column and field, never silently skipped. Events
//! arrive by time, ties by file order then position; an event out of order
//! within a file is a failure unless sorting was asked for.

mod cancel;
#[cfg(feature = "parquet")]
mod columnar;
mod convert;
mod csv;
pub mod event;
mod failure;
mod json_scan;
mod jsonl;
mod memo;
mod merge;
mod open;
mod pipeline;
mod plan;
mod progress;
mod seen;
mod time_parse;
mod xes;

#[cfg(test)]
mod tests;

pub use cancel::Cancel;
pub use event::{place, Event, FieldKind, Loc, Projection, Sym, OTHER};
pub use failure::{BadLine, LogFailure};
use open::is_gz;
pub use open::{detect_format, expand_folders, STDIN_NAME, STDIN_PATH, UNKNOWN_FORMAT};
pub use progress::ReadProgress;
pub use seen::{TypesSeen, MAX_UNNAMED_TYPES};

use crate::time::Micros;
use crate::workspace::io_reason;
use crossbeam_channel::bounded;
use flate2::read::MultiGzDecoder;
use merge::{merge, sort_stream, BadLines, Cursor};
use pipeline::{run_reader, run_worker, Feed, FileInfo, Stream};
use plan::Plan;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Bytes per block read from a streamed file.
const BLOCK: usize = 1 << 20;
/// The smallest block when many files share the memory budget.
const MIN_BLOCK: usize = 64 << 10;
/// The longest line (CSV record) of a streamed log: 64 MiB. A longer line
/// is skipped without being held in memory and reported as a bad line.
pub const MAX_LINE: usize = 64 << 20;
/// The largest XES file (after decompression): XES is read whole.
pub const MAX_XES: usize = 1 << 30;

/// The sizes a read works with (smaller ones in tests).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sizes {
    /// Bytes per block of a streamed file.
    pub block: usize,
    /// The longest line of a streamed file.
    pub max_line: usize,
    /// The largest file read whole (XES).
    pub max_whole: usize,
}

impl Sizes {
    const DEFAULT: Sizes = Sizes { block: BLOCK, max_line: MAX_LINE, max_whole: MAX_XES };
}

/// How to read a log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOptions {
    /// Sort each file by time instead of failing on an out-of-order event
    /// (each file is then held in memory).
    pub sort: bool,
    /// Collect bad lines in [`ReadStats::bad_lines`] and go on, instead of
    /// stopping at the first.
    pub keep_going: bool,
    /// Parser threads (0: one per CPU); `eval::run_log` evaluates the rules
    /// on at most as many.
    pub threads: usize,
    /// The format of every file, whatever its name (None: by extension).
    /// Standard input (`-`) has no name to tell it by and needs one.
    pub format: Option<Format>,
    /// Where to count the bytes read and the events delivered, for a
    /// progress bar (None: not counted).
    pub progress: Option<ReadProgress>,
    /// A flag that stops the read when set (None: it runs to the end); the
    /// read then fails with [`LogFailure::Interrupted`].
    pub cancel: Option<Cancel>,
    /// The zone of Parquet and Arrow timestamps written without one
    /// (`--log-timezone`); None: such a column is an error. Text times
    /// need an offset whatever this says.
    pub timezone: Option<chrono_tz::Tz>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            sort: false,
            keep_going: false,
            threads: cpus(),
            format: None,
            progress: None,
            cancel: None,
            timezone: None,
        }
    }
}

/// What reading found besides the events.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadStats {
    /// Events delivered.
    pub events: u64,
    /// Lines skipped as bad (only with [`ReadOptions::keep_going`]).
    pub bad_lines: Vec<BadLine>,
    /// Time of the first event delivered.
    pub first_time: Option<Micros>,
    /// Time of the last event delivered.
    pub last_time: Option<Micros>,
    /// The types the policy names that some event read has.
    pub types_seen: TypesSeen,
    /// The distinct types of the log the policy neither names nor
    /// declares, sorted (at most [`MAX_UNNAMED_TYPES`]).
    pub other_types: Vec<String>,
    /// Whether some types were left out of `other_types` (too many).
    pub other_types_truncated: bool,
}

impl ReadStats {
    /// Records the event types the readers met.
    fn set_met(&mut self, plan: &Plan<'_>) {
        let met = plan.take_met();
        self.types_seen = met.named;
        (self.other_types, self.other_types_truncated) = met.unnamed.into_sorted();
    }
}

/// A log file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// One JSON object per line.
    Jsonl,
    /// RFC 4180 CSV with a header row.
    Csv,
    /// IEEE 1849 XES.
    Xes,
    /// Apache Parquet.
    Parquet,
    /// Apache Arrow IPC, file or stream.
    Arrow,
}

impl Format {
    /// Whether the format is columnar (Parquet, Arrow): read by rows of
    /// batches, located by row numbers.
    pub fn is_columnar(self) -> bool {
        matches!(self, Format::Parquet | Format::Arrow)
    }
}

/// Reads every file as one log and calls `sink` with each event in log
/// order (by time; ties by file order, then position in the file).
pub fn read_log(
    paths: &[PathBuf],
    proj: &Projection,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Event),
) -> Result<ReadStats, LogFailure> {
    read_log_each(paths, proj, opts, &mut |e| sink(e.clone()))
}

/// [`read_log`], lending each event to `sink` instead of giving it away:
/// no event is copied on its way from the parser to the sink.
pub fn read_log_each(
    paths: &[PathBuf],
    proj: &Projection,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(&Event),
) -> Result<ReadStats, LogFailure> {
    read_log_chunks(paths, proj, opts, &mut EachEvent { sink, spent: None })
}

/// [`read_log`], handing the events over in chunks (several thousand at a
/// time, in log order): for a consumer on other threads.
pub fn read_log_chunks(
    paths: &[PathBuf],
    proj: &Projection,
    opts: &ReadOptions,
    chunks: &mut dyn Chunks,
) -> Result<ReadStats, LogFailure> {
    if paths.iter().filter(|p| p.as_path() == Path::new(STDIN_PATH)).count() > 1 {
        let reason = "standard input can be read once: give `-` at most once";
        return Err(LogFailure::Io { path: STDIN_NAME.into(), reason: reason.into() });
    }
    let mut inputs = Vec::with_capacity(paths.len());
    for path in paths {
        let mut input = open::open(path, opts.format, opts.progress.as_ref())?;
        if let Some(cancel) = &opts.cancel {
            input.read = Box::new(cancel.guard(input.read));
        }
        inputs.push(input);
    }
    let read = match &opts.progress {
        None => read_inputs(inputs, proj, opts, Sizes::DEFAULT, chunks),
        Some(progress) => read_inputs(inputs, proj, opts, Sizes::DEFAULT, &mut progress.counting(chunks)),
    };
    // A stopped reader fails in its own words (an I/O error, a cut line):
    // what the caller asked for is the interruption.
    match (read, &opts.cancel) {
        (Err(_), Some(cancel)) if cancel.is_set() => Err(LogFailure::Interrupted),
        (read, _) => read,
    }
}

/// Receives a log's events in log order, a chunk at a time.
pub trait Chunks {
    /// The next events.
    fn chunk(&mut self, events: Vec<Event>);

    /// A vector handed over earlier and no longer needed, to be reused (its
    /// events are dropped by the reader's workers, which have the time).
    fn spent(&mut self) -> Option<Vec<Event>>;
}

/// Lends each event of each chunk to a sink.
struct EachEvent<'s> {
    sink: &'s mut dyn FnMut(&Event),
    spent: Option<Vec<Event>>,
}

impl Chunks for EachEvent<'_> {
    fn chunk(&mut self, events: Vec<Event>) {
        events.iter().for_each(&mut *self.sink);
        self.spent = Some(events);
    }

    fn spent(&mut self) -> Option<Vec<Event>> {
        self.spent.take()
    }
}

/// Same as [`read_log`], from bytes already in memory (tests, the REPL);
/// `name` is used in errors. Bytes that are gzip-compressed (by `name` or
/// by their magic number) are decompressed.
pub fn read_bytes(
    name: &Path,
    bytes: &[u8],
    format: Format,
    proj: &Projection,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Event),
) -> Result<ReadStats, LogFailure> {
    read_bytes_in_blocks(name, bytes, format, proj, opts, Sizes::DEFAULT, &mut |e| sink(e.clone()))
}

/// [`read_bytes`] with a chosen block size and longest line (tests of
/// block boundaries and of overlong lines).
pub(crate) fn read_bytes_in_blocks(
    name: &Path,
    bytes: &[u8],
    format: Format,
    proj: &Projection,
    opts: &ReadOptions,
    sizes: Sizes,
    sink: &mut dyn FnMut(&Event),
) -> Result<ReadStats, LogFailure> {
    open::supported(format, name)?;
    let read: Box<dyn Read + Send + '_> = if is_gz(name) || bytes.starts_with(&[0x1f, 0x8b]) {
        Box::new(MultiGzDecoder::new(bytes))
    } else {
        Box::new(bytes)
    };
    let mut each = EachEvent { sink, spent: None };
    read_inputs(vec![Input { path: name.to_path_buf(), format, read, file: None }], proj, opts, sizes, &mut each)
}

/// A file to read.
struct Input<'a> {
    path: PathBuf,
    format: Format,
    read: Box<dyn Read + Send + 'a>,
    /// The file itself, for a columnar file on disk (read at offsets).
    #[cfg_attr(not(feature = "parquet"), expect(dead_code, reason = "read by the columnar readers"))]
    file: Option<std::fs::File>,
}

/// How a file of the log is read.
enum Slot {
    /// Read whole (XES): its events, sorted.
    Whole(Vec<Event>),
    /// Streamed in blocks by the line-based pipeline.
    Stream,
    /// A columnar file (the next of the columnar sources).
    #[cfg(feature = "parquet")]
    Columnar,
}

/// The number of CPUs.
fn cpus() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Reads the inputs as one log: XES files whole, the others streamed in
/// blocks, within `sizes`.
fn read_inputs(
    inputs: Vec<Input<'_>>,
    proj: &Projection,
    opts: &ReadOptions,
    sizes: Sizes,
    chunks: &mut dyn Chunks,
) -> Result<ReadStats, LogFailure> {
    let plan = Plan::new(proj);
    let mut bad = BadLines { keep_going: opts.keep_going, lines: Vec::new() };
    let mut stats = ReadStats::default();
    // Per file: how it is read.
    let mut slots: Vec<Slot> = Vec::with_capacity(inputs.len());
    let mut feeds = Vec::new();
    let mut infos = Vec::new();
    #[cfg(feature = "parquet")]
    let mut sources = Vec::new();
    for (i, input) in inputs.into_iter().enumerate() {
        if input.format == Format::Xes {
            let mut bytes = Vec::new();
            // One more byte than allowed tells a file too large (or a
            // compressed one that expands without end) from one at the limit.
            input
                .read
                .take(sizes.max_whole as u64 + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| LogFailure::Io { path: input.path.clone(), reason: io_reason(&e) })?;
            if bytes.len() > sizes.max_whole {
                let reason = format!(
                    "an XES file is read whole, and this one is larger than {} MiB; \
                     split it, or convert it to JSON Lines, which is read in bounded memory",
                    sizes.max_whole >> 20
                );
                return Err(LogFailure::Io { path: input.path, reason });
            }
            let events = xes::read(&bytes, i as u32, &input.path, &plan, &mut |b| bad.take(b))?;
            slots.push(Slot::Whole(events));
        } else if input.format.is_columnar() {
            #[cfg(feature = "parquet")]
            {
                sources.push(columnar::open(input, i as u32, &plan, opts.timezone)?);
                slots.push(Slot::Columnar);
            }
            #[cfg(not(feature = "parquet"))]
            return Err(open::supported(input.format, &input.path).err().unwrap_or(LogFailure::Interrupted));
        } else {
            feeds.push(Feed::new(infos.len(), input.read, sizes.max_line));
            infos.push(FileInfo { path: input.path, format: input.format, index: i as u32 });
            slots.push(Slot::Stream);
        }
    }
    if slots.iter().all(|s| matches!(s, Slot::Whole(_))) {
        let mut cursors: Vec<Cursor> = slots
            .into_iter()
            .filter_map(|s| match s {
                Slot::Whole(e) => Some(Cursor::Sorted(e.into_iter())),
                _ => None,
            })
            .collect();
        merge(&mut cursors, &mut bad, &mut stats, chunks)?;
        stats.bad_lines = bad.lines;
        stats.set_met(&plan);
        return Ok(stats);
    }
    let threads = if opts.threads == 0 { cpus() } else { opts.threads };
    let k = feeds.len();
    let in_flight = if k == 1 { threads + 2 } else { 3 };
    let block = sizes.block;
    let block = if k <= 1 { block } else { (block * 4 / k).clamp(MIN_BLOCK.min(block), block) };
    // A block holds whole lines: no line it holds is longer than the limit.
    let block = block.min(sizes.max_line);
    #[cfg(feature = "parquet")]
    let control = columnar::Control::new(opts.cancel.clone(), opts.progress.clone());
    std::thread::scope(|scope| {
        let mut streams = Vec::with_capacity(k);
        if k > 0 {
            let (job_tx, job_rx) = bounded(threads);
            let (spare_tx, spare_rx) = crossbeam_channel::unbounded();
            let mut token_rxs = Vec::with_capacity(k);
            let mut result_txs = Vec::with_capacity(k);
            for info in &infos {
                let (token_tx, token_rx) = bounded(in_flight);
                for _ in 0..in_flight {
                    let _ = token_tx.send(Vec::new());
                }
                let (result_tx, result_rx) = bounded(in_flight);
                token_rxs.push(token_rx);
                result_txs.push(result_tx);
                streams.push(Stream::new(info.path.clone(), result_rx, token_tx, spare_tx.clone(), in_flight));
            }
            let (infos, plan) = (&infos, &plan);
            scope.spawn(move || run_reader(feeds, infos, token_rxs, job_tx, block, plan));
            for _ in 0..threads {
                let (rx, spare, txs) = (job_rx.clone(), spare_rx.clone(), result_txs.clone());
                scope.spawn(move || run_worker(rx, spare, &txs, infos, plan));
            }
        }
        let mut streams = streams.into_iter();
        #[cfg(feature = "parquet")]
        let (columnar_jobs, mut next_source) = {
            let (jobs_tx, jobs_rx) = crossbeam_channel::unbounded();
            if !sources.is_empty() {
                let (sources, plan, control) = (&sources, &plan, &control);
                for _ in 0..threads {
                    let rx = jobs_rx.clone();
                    scope.spawn(move || columnar::run_worker(rx, sources, plan, control));
                }
            }
            (jobs_tx, 0usize)
        };
        #[cfg(feature = "parquet")]
        let window = if sources.len() == 1 { threads + 1 } else { 2 };
        let mut cursors = Vec::with_capacity(slots.len());
        for slot in slots {
            let blocks: Box<dyn merge::Blocks + '_> = match slot {
                Slot::Whole(events) => {
                    cursors.push(Cursor::Sorted(events.into_iter()));
                    continue;
                }
                Slot::Stream => {
                    let Some(stream) = streams.next() else { continue };
                    Box::new(stream)
                }
                #[cfg(feature = "parquet")]
                Slot::Columnar => {
                    let stream =
                        columnar::RowStream::new(next_source, &sources, &plan, &control, columnar_jobs.clone(), window);
                    next_source += 1;
                    Box::new(stream)
                }
            };
            let cursor = if opts.sort {
                Cursor::Sorted(sort_stream(blocks, &mut bad)?.into_iter())
            } else {
                Cursor::checked(blocks)
            };
            cursors.push(cursor);
        }
        #[cfg(feature = "parquet")]
        drop(columnar_jobs);
        merge(&mut cursors, &mut bad, &mut stats, chunks)
    })?;
    stats.bad_lines = bad.lines;
    stats.set_met(&plan);
    Ok(stats)
}
