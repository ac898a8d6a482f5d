//! Reading and parsing in parallel with delivery, in bounded memory.
//!
//! One reader thread reads each streaming file in large blocks cut at a line
//! (or CSV record) boundary and numbers them; parser workers turn blocks
//! into batches of events; the calling thread receives each file's batches
//! back in order through a [`Stream`] and delivers them. A block may only be
//! read with a buffer token, and a token returns to the reader when its batch
//! is taken for delivery, so each file has a fixed number of blocks in flight
//! whatever the log's length, and buffers are reused. Workers number lines
//! within their block; the [`Stream`] adds the lines of earlier blocks, so
//! line numbers stay exact without a serial counting pass.

use super::csv::{self, Header};
use super::event::Event;
use super::failure::{BadLine, LineError, LogFailure};
use super::jsonl;
use super::memo::Memo;
use super::plan::Plan;
use super::Format;
use crate::workspace::io_reason;
use crossbeam_channel::{Receiver, Select, Sender};
use memchr::{memchr, memchr_iter, memrchr};
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;

/// The UTF-8 byte order mark some tools write at the start of a file.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A file read as a stream of blocks.
pub(crate) struct Feed<'a> {
    /// Index of the file among the streamed files.
    pub file: usize,
    /// Where to read it.
    pub input: Box<dyn Read + Send + 'a>,
    /// The longest line (CSV record) read; a longer one is skipped unread
    /// and reported as a bad line, so memory stays bounded.
    max_line: usize,
    carry: Vec<u8>,
    seq: u64,
    started: bool,
    header: Option<Arc<Header>>,
}

impl<'a> Feed<'a> {
    /// A file to stream, with lines of at most `max_line` bytes.
    pub fn new(file: usize, input: Box<dyn Read + Send + 'a>, max_line: usize) -> Self {
        Feed { file, input, max_line, carry: Vec::new(), seq: 0, started: false, header: None }
    }
}

/// A line longer than the limit, skipped while reading.
pub(crate) struct Overlong {
    /// Its length in bytes (without the line break).
    bytes: u64,
    /// Line breaks it spans (a CSV record's quoted breaks and its end).
    breaks: u64,
    /// Its first bytes, to show.
    head: Vec<u8>,
    /// The limit it passed.
    limit: usize,
}

/// What workers need to know about a file.
pub(crate) struct FileInfo {
    /// The file's path, for bad lines.
    pub path: PathBuf,
    /// JSON Lines or CSV.
    pub format: Format,
    /// Index of the file in the log.
    pub index: u32,
}

/// Work for a parser.
pub(crate) enum Job {
    Block {
        file: usize,
        seq: u64,
        buf: Vec<u8>,
        pre_lines: u64,
        last: bool,
        header: Option<Arc<Header>>,
    },
    /// A block holding only a line too long to read.
    Overlong {
        file: usize,
        seq: u64,
        buf: Vec<u8>,
        line: Overlong,
        last: bool,
    },
    Fail {
        file: usize,
        seq: u64,
        failure: LogFailure,
    },
}

/// A parsed block, or why the file could not be read further.
pub(crate) struct Batch {
    seq: u64,
    body: Result<Parsed, LogFailure>,
}

/// The events of a block.
struct Parsed {
    events: Vec<Event>,
    /// Bad lines, each with the index of the event it precedes.
    bad: Vec<(usize, BadLine)>,
    /// Lines read before this block and not in any block (a CSV header).
    pre_lines: u64,
    /// Line breaks in the block.
    breaks: u64,
    /// Whether this is the file's last block.
    last: bool,
    /// The block's buffer, handed back to the reader as a token.
    buf: Vec<u8>,
}

/// The reader thread: reads a block of whichever file has a free token,
/// until every file is read or the receiving side is gone.
pub(crate) fn run_reader(
    mut feeds: Vec<Feed<'_>>,
    formats: &[FileInfo],
    tokens: Vec<Receiver<Vec<u8>>>,
    jobs: Sender<Job>,
    block: usize,
    plan: &Plan<'_>,
) {
    let mut sel = Select::new();
    for rx in &tokens {
        sel.recv(rx);
    }
    let mut active = feeds.len();
    while active > 0 {
        let op = sel.select();
        let i = op.index();
        let (Some(rx), Some(feed)) = (tokens.get(i), feeds.get_mut(i)) else { return };
        let Ok(buf) = op.recv(rx) else {
            sel.remove(i);
            active -= 1;
            continue;
        };
        let format = formats.get(feed.file).map_or(Format::Jsonl, |f| f.format);
        let path = formats.get(feed.file).map(|f| f.path.clone()).unwrap_or_default();
        let job = next_job(feed, buf, block, format, path, plan);
        if matches!(job, Job::Fail { .. } | Job::Block { last: true, .. } | Job::Overlong { last: true, .. }) {
            sel.remove(i);
            active -= 1;
        }
        if jobs.send(job).is_err() {
            return;
        }
    }
}

/// Reads the next block of a file into `buf`.
fn next_job(
    feed: &mut Feed<'_>,
    mut buf: Vec<u8>,
    block: usize,
    format: Format,
    path: PathBuf,
    plan: &Plan<'_>,
) -> Job {
    let (file, seq) = (feed.file, feed.seq);
    feed.seq += 1;
    buf.clear();
    buf.extend_from_slice(&feed.carry);
    feed.carry.clear();
    let (last, overlong) = match fill(feed, &mut buf, block, format) {
        Ok(filled) => filled,
        Err(e) => return Job::Fail { file, seq, failure: LogFailure::Io { path, reason: io_reason(&e) } },
    };
    if let Some(line) = overlong {
        if !feed.started && format == Format::Csv {
            let failure = LogFailure::Bad(LineError::line(overlong_reason(&line)).into_bad(&path, 1, &line.head));
            return Job::Fail { file, seq, failure };
        }
        feed.started = true;
        return Job::Overlong { file, seq, buf, line, last };
    }
    let mut pre_lines = 0;
    if !feed.started {
        feed.started = true;
        if buf.starts_with(BOM) {
            buf.drain(..BOM.len());
        }
        if format == Format::Csv {
            let Some(end) = csv::record_end(&buf, 0, true).filter(|_| !buf.is_empty()) else {
                let reason = "empty CSV file; expected a header row with `time` and `type` columns";
                return Job::Fail {
                    file,
                    seq,
                    failure: LogFailure::Bad(LineError::line(reason).into_bad(&path, 1, b"")),
                };
            };
            let raw = &buf[..end];
            pre_lines = memchr_iter(b'\n', raw).count() as u64;
            let rec = raw.strip_suffix(b"\n").unwrap_or(raw);
            let rec = rec.strip_suffix(b"\r").unwrap_or(rec);
            match Header::parse(rec, plan) {
                Ok(h) => feed.header = Some(Arc::new(h)),
                Err(e) => return Job::Fail { file, seq, failure: LogFailure::Bad(e.into_bad(&path, 1, rec)) },
            }
            buf.drain(..end);
        }
    }
    Job::Block { file, seq, buf, pre_lines, last, header: feed.header.clone() }
}

/// Reads at least `block` bytes (more if a line is longer) and cuts at the
/// last line or record boundary, keeping the rest for the next block.
/// Returns whether the input is exhausted, and the line that was skipped
/// instead when the first one is longer than the limit (the buffer is then
/// empty).
fn fill(
    feed: &mut Feed<'_>,
    buf: &mut Vec<u8>,
    block: usize,
    format: Format,
) -> std::io::Result<(bool, Option<Overlong>)> {
    let mut records_end = 0;
    // JSON Lines: bytes before this hold no line break (a carry after a
    // skipped line may hold whole lines, so it is searched too).
    let mut scanned = 0;
    loop {
        let want = if buf.len() < block { block - buf.len() } else { buf.len() };
        // Never more than one byte past the longest line: that is enough to
        // know a line is too long.
        let want = want.min(feed.max_line + 1 - buf.len().min(feed.max_line)).max(1);
        buf.reserve(want);
        let n = (&mut feed.input).take(want as u64).read_to_end(buf)?;
        let cut = match format {
            Format::Csv if memchr(b'"', &buf[records_end..]).is_none() => {
                // Without quotes, every line break ends a record.
                memrchr(b'\n', &buf[records_end..]).map_or(0, |k| records_end + k + 1)
            }
            Format::Csv => {
                while let Some(end) = csv::record_end(buf, records_end, false) {
                    records_end = end;
                }
                records_end
            }
            _ => memrchr(b'\n', &buf[scanned..]).map_or(0, |k| scanned + k + 1),
        };
        scanned = buf.len();
        if cut == 0 && buf.len() > feed.max_line {
            // The buffer holds only part of its first line.
            let (line, last) = skip_line(feed, buf, format)?;
            return Ok((last, Some(line)));
        }
        // At the end, a last line too long for a block of its own is cut
        // off, to be skipped next.
        if n < want && buf.len() - cut <= feed.max_line {
            return Ok((true, None));
        }
        if cut > 0 {
            feed.carry.extend_from_slice(&buf[cut..]);
            buf.truncate(cut);
            return Ok((false, None));
        }
    }
}

/// Skips the rest of the line (CSV record) `buf` begins, reading on in
/// small pieces; what follows it goes to the feed's carry. Returns the line
/// and whether the input ended.
fn skip_line(feed: &mut Feed<'_>, buf: &mut Vec<u8>, format: Format) -> std::io::Result<(Overlong, bool)> {
    let head = buf[..buf.len().min(1024)].to_vec();
    let (mut bytes, mut breaks, mut quoted) = (0u64, 0u64, false);
    let mut chunk = std::mem::take(buf);
    loop {
        // A line break ends the line unless a CSV quote is open.
        let mut end = None;
        for k in memchr::memchr2_iter(b'\n', b'"', &chunk) {
            if chunk[k] == b'"' {
                quoted = format == Format::Csv && !quoted;
            } else if quoted {
                breaks += 1;
            } else {
                end = Some(k);
                break;
            }
        }
        if let Some(k) = end {
            feed.carry.extend_from_slice(&chunk[k + 1..]);
            bytes += k as u64;
            breaks += 1;
            chunk.clear();
            *buf = chunk;
            return Ok((Overlong { bytes, breaks, head, limit: feed.max_line }, false));
        }
        bytes += chunk.len() as u64;
        chunk.clear();
        let n = (&mut feed.input).take(1 << 16).read_to_end(&mut chunk)?;
        if n == 0 {
            *buf = chunk;
            return Ok((Overlong { bytes, breaks, head, limit: feed.max_line }, true));
        }
    }
}

/// Why a skipped line is bad.
fn overlong_reason(line: &Overlong) -> String {
    format!(
        "the line is {} bytes long; lines of up to {} bytes are read (an event is a line of its own)",
        line.bytes, line.limit
    )
}

/// A parser worker: parses blocks until the reader is done.
pub(crate) fn run_worker(
    jobs: Receiver<Job>,
    spare: Receiver<Vec<Event>>,
    results: &[Sender<Batch>],
    files: &[FileInfo],
    plan: &Plan<'_>,
) {
    let mut memo = Memo::default();
    for job in jobs.iter() {
        let (file, batch) = match job {
            Job::Fail { file, seq, failure } => (file, Batch { seq, body: Err(failure) }),
            Job::Overlong { file, seq, buf, line, last } => {
                let Some(info) = files.get(file) else { continue };
                let bad = LineError::line(overlong_reason(&line)).into_bad(&info.path, 1, &line.head);
                let mut events = spare.try_recv().unwrap_or_default();
                events.clear();
                let parsed = Parsed { events, bad: vec![(0, bad)], pre_lines: 0, breaks: line.breaks, last, buf };
                (file, Batch { seq, body: Ok(parsed) })
            }
            Job::Block { file, seq, buf, pre_lines, last, header } => {
                let Some(info) = files.get(file) else { continue };
                // A vector the consumer is done with, so memory is not faulted in anew.
                let mut events = spare.try_recv().unwrap_or_else(|_| Vec::with_capacity(buf.len() / 96 + 1));
                events.clear();
                let mut bad = Vec::new();
                let mut on_bad = |index: usize, line: u64, e: LineError, text: &[u8]| {
                    bad.push((index, e.into_bad(&info.path, line, text)));
                };
                let idx = info.index;
                // A bug must not leave the receiving side waiting forever for
                // this block: a panic becomes a failure of the file.
                let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match &header {
                    Some(h) => csv::parse_block(&buf, idx, h, plan, &mut memo, &mut events, &mut on_bad),
                    None => jsonl::parse_block(&buf, idx, plan, &mut memo, &mut events, &mut on_bad),
                }));
                let body = match parsed {
                    Ok(breaks) => Ok(Parsed { events, bad, pre_lines, breaks, last, buf }),
                    Err(_) => {
                        memo = Memo::default();
                        let reason = "internal error while parsing the log (please report it)".to_string();
                        Err(LogFailure::Io { path: info.path.clone(), reason })
                    }
                };
                (file, Batch { seq, body })
            }
        };
        if let Some(tx) = results.get(file) {
            // The receiving side may have stopped early; the batch is dropped.
            let _ = tx.send(batch);
        }
    }
    plan.absorb(std::mem::take(&mut memo.met));
}

/// The receiving end of one file: its blocks in file order, with line
/// numbers made exact.
pub(crate) struct Stream {
    path: PathBuf,
    rx: Receiver<Batch>,
    tokens: Sender<Vec<u8>>,
    spare: Sender<Vec<Event>>,
    ring: Vec<Option<Batch>>,
    next_seq: u64,
    /// Lines of the file before the next block.
    base: u64,
    done: bool,
}

/// The events of one block, in file order.
pub(crate) struct Block {
    /// The events, with lines counted from the block's start.
    pub events: Vec<Event>,
    /// Bad lines (with exact line numbers), each with the index of the
    /// event it precedes.
    pub bad: Vec<(usize, BadLine)>,
    /// Lines of the file before the block: add to the events' lines.
    pub offset: u64,
}

impl Stream {
    /// The receiving end of a file with `in_flight` blocks at a time.
    pub fn new(
        path: PathBuf,
        rx: Receiver<Batch>,
        tokens: Sender<Vec<u8>>,
        spare: Sender<Vec<Event>>,
        in_flight: usize,
    ) -> Self {
        let ring = (0..in_flight.max(1)).map(|_| None).collect();
        Stream { path, rx, tokens, spare, ring, next_seq: 0, base: 0, done: false }
    }

    /// Hands a delivered event vector back to the workers for reuse; they
    /// empty it (dropping events costs, and they have the time).
    pub fn recycle(&self, events: Vec<Event>) {
        let _ = self.spare.try_send(events);
    }

    /// The file.
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// The next block of the file (waiting for it if needed), None at its
    /// end.
    pub fn next_block(&mut self) -> Result<Option<Block>, LogFailure> {
        if self.done {
            return Ok(None);
        }
        let n = self.ring.len() as u64;
        let slot = (self.next_seq % n) as usize;
        let batch = loop {
            if let Some(b) = self.ring.get_mut(slot).and_then(Option::take) {
                break b;
            }
            let Ok(b) = self.rx.recv() else {
                self.done = true;
                let reason = "the log reader stopped before the end of the file".to_string();
                return Err(LogFailure::Io { path: self.path.clone(), reason });
            };
            let s = (b.seq % n) as usize;
            if let Some(place) = self.ring.get_mut(s) {
                *place = Some(b);
            }
        };
        self.next_seq += 1;
        match batch.body {
            Err(f) => {
                self.done = true;
                Err(f)
            }
            Ok(p) => {
                // The buffer goes back to the reader: the next block may be read.
                let _ = self.tokens.try_send(p.buf);
                self.base += p.pre_lines;
                let offset = self.base;
                self.base += p.breaks;
                self.done = p.last;
                let mut bad = p.bad;
                for (_, b) in &mut bad {
                    b.line += offset;
                }
                Ok(Some(Block { events: p.events, bad, offset }))
            }
        }
    }
}
