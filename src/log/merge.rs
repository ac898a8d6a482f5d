//! Log order: every file checked (or sorted), all files merged into one.
//!
//! The evaluator relies on events arriving by time, ties by file order and
//! then position in the file, and an event out of order must never be
//! evaluated as if it were in order. Each file is checked as it streams (or
//! read whole and stably sorted when asked); files are then merged k-way by
//! `(time, file index)`. A file keeps delivering without touching the heap
//! while its next event still comes first, so a log whose files do not
//! interleave costs almost nothing to merge.

use super::event::Event;
use super::failure::{BadLine, LogFailure};
use super::pipeline::{Block, Stream};
use super::{Chunks, ReadStats};
use crate::time::Micros;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::path::Path;

/// What happens to bad lines: collected, or the first one stops reading.
pub(crate) struct BadLines {
    /// Whether to collect and go on.
    pub keep_going: bool,
    /// The bad lines collected so far.
    pub lines: Vec<BadLine>,
}

impl BadLines {
    /// Records a bad line, or fails with it.
    pub fn take(&mut self, bad: BadLine) -> Result<(), LogFailure> {
        if self.keep_going {
            self.lines.push(bad);
            Ok(())
        } else {
            Err(LogFailure::Bad(bad))
        }
    }
}

/// A file whose events arrive a block at a time, in file order.
pub(crate) trait Blocks {
    /// The next block of the file (waiting for it if needed), None at its
    /// end.
    fn next_block(&mut self) -> Result<Option<Block>, LogFailure>;

    /// Hands a delivered event vector back for reuse.
    fn recycle(&self, events: Vec<Event>);

    /// The file.
    fn path(&self) -> &Path;
}

impl Blocks for Stream {
    fn next_block(&mut self) -> Result<Option<Block>, LogFailure> {
        Stream::next_block(self)
    }

    fn recycle(&self, events: Vec<Event>) {
        Stream::recycle(self, events);
    }

    fn path(&self) -> &Path {
        Stream::path(self)
    }
}

/// A streamed file checked to be in time order, event by event.
pub(crate) struct Checked<'s> {
    stream: Box<dyn Blocks + 's>,
    /// The current block's events and bad lines.
    events: VecDeque<Event>,
    bad: std::iter::Peekable<std::vec::IntoIter<(usize, BadLine)>>,
    /// Index in the block of the next event.
    pos: usize,
    /// Lines of the file before the block.
    offset: u64,
    /// Time and line of the previous event.
    prev: Option<(Micros, u64)>,
}

impl Checked<'_> {
    /// Fails unless `ev` (whose line is exact) is at or after the previous
    /// event, and remembers it.
    #[inline]
    fn check(&mut self, ev: &Event) -> Result<(), LogFailure> {
        if let Some((previous_time, previous_line)) = self.prev {
            if ev.time < previous_time {
                let path = self.stream.path().to_path_buf();
                return Err(LogFailure::OutOfOrder {
                    file: path.clone(),
                    line: ev.loc.line,
                    time: ev.time,
                    previous_file: path,
                    previous_line,
                    previous_time,
                });
            }
        }
        self.prev = Some((ev.time, ev.loc.line));
        Ok(())
    }

    /// The next event, None at the end of the file.
    #[inline]
    fn next(&mut self, bad: &mut BadLines) -> Result<Option<Event>, LogFailure> {
        loop {
            while let Some((_, b)) = self.bad.next_if(|(i, _)| *i == self.pos) {
                bad.take(b)?;
            }
            if let Some(mut ev) = self.events.pop_front() {
                self.pos += 1;
                ev.loc.line += self.offset;
                self.check(&ev)?;
                return Ok(Some(ev));
            }
            let Some(block) = self.stream.next_block()? else { return Ok(None) };
            self.stream.recycle(Vec::from(std::mem::replace(&mut self.events, VecDeque::from(block.events))));
            self.bad = block.bad.into_iter().peekable();
            self.offset = block.offset;
            self.pos = 0;
        }
    }

    /// Delivers every remaining event of the file, block by block: each
    /// block is checked, then handed over whole (an event is large, and
    /// moving it costs). A failure hands over the events before it first.
    fn drain(&mut self, bad: &mut BadLines, stats: &mut ReadStats, chunks: &mut dyn Chunks) -> Result<(), LogFailure> {
        // What is left of the current block, then whole blocks.
        let (events, bads) = (std::mem::take(&mut self.events), std::mem::replace(&mut self.bad, empty()));
        let pos = self.pos;
        let bads = bads.map(|(i, b)| (i.saturating_sub(pos), b)).collect();
        let current = Block { events: Vec::from(events), bad: bads, offset: self.offset };
        let mut current = Some(current);
        while let Some(mut block) = current.take().map_or_else(|| self.stream.next_block(), |b| Ok(Some(b)))? {
            let mut bads = block.bad.into_iter().peekable();
            let failure = self.check_block(&mut block.events, block.offset, &mut bads, bad);
            if let Some((at, _)) = &failure {
                block.events.truncate(*at);
            }
            hand_over(stats, chunks, block.events);
            while let Some(spent) = chunks.spent() {
                self.stream.recycle(spent);
            }
            if let Some((_, f)) = failure {
                return Err(f);
            }
            for (_, b) in bads {
                bad.take(b)?;
            }
        }
        Ok(())
    }

    /// Puts the lines of a block's events in the file (adding `offset`) and
    /// checks their order, taking the bad lines before each; the first
    /// failure, with the index of the event it stops before.
    fn check_block(
        &mut self,
        events: &mut [Event],
        offset: u64,
        bads: &mut std::iter::Peekable<std::vec::IntoIter<(usize, BadLine)>>,
        bad: &mut BadLines,
    ) -> Option<(usize, LogFailure)> {
        for (i, ev) in events.iter_mut().enumerate() {
            while let Some((_, b)) = bads.next_if(|(j, _)| *j == i) {
                if let Err(f) = bad.take(b) {
                    return Some((i, f));
                }
            }
            ev.loc.line += offset;
            if let Err(f) = self.check(ev) {
                return Some((i, f));
            }
        }
        None
    }
}

/// The events of one file, in the order they are to be delivered.
pub(crate) enum Cursor<'s> {
    /// Streamed and checked to be in time order.
    Checked(Box<Checked<'s>>),
    /// Read whole and sorted.
    Sorted(std::vec::IntoIter<Event>),
}

impl<'s> Cursor<'s> {
    /// A cursor checking the order of a streamed file.
    pub fn checked(stream: Box<dyn Blocks + 's>) -> Self {
        Cursor::Checked(Box::new(Checked {
            stream,
            events: VecDeque::new(),
            bad: empty(),
            pos: 0,
            offset: 0,
            prev: None,
        }))
    }

    /// The next event, None at the end of the file.
    #[inline]
    pub fn next(&mut self, bad: &mut BadLines) -> Result<Option<Event>, LogFailure> {
        match self {
            Cursor::Sorted(events) => Ok(events.next()),
            Cursor::Checked(c) => c.next(bad),
        }
    }
}

/// No bad lines.
fn empty() -> std::iter::Peekable<std::vec::IntoIter<(usize, BadLine)>> {
    Vec::new().into_iter().peekable()
}

/// Reads a whole streamed file and sorts it stably by time.
pub(crate) fn sort_stream(mut stream: Box<dyn Blocks + '_>, bad: &mut BadLines) -> Result<Vec<Event>, LogFailure> {
    let mut events = Vec::new();
    while let Some(block) = stream.next_block()? {
        let mut bads = block.bad.into_iter().peekable();
        for (i, mut ev) in block.events.into_iter().enumerate() {
            while let Some((_, b)) = bads.next_if(|(j, _)| *j == i) {
                bad.take(b)?;
            }
            ev.loc.line += block.offset;
            events.push(ev);
        }
        for (_, b) in bads {
            bad.take(b)?;
        }
    }
    events.sort_by_key(|e| e.time);
    Ok(events)
}

/// Events per chunk handed over when they are gathered one by one (files
/// merged, or read whole).
const CHUNK: usize = 4096;

/// Hands a chunk of events over, counting them.
fn hand_over(stats: &mut ReadStats, chunks: &mut dyn Chunks, events: Vec<Event>) {
    let (Some(first), Some(last)) = (events.first(), events.last()) else { return };
    stats.events += events.len() as u64;
    stats.first_time.get_or_insert(first.time);
    stats.last_time = Some(last.time);
    chunks.chunk(events);
}

/// Gathers events one by one into chunks.
struct Gather<'c> {
    chunks: &'c mut dyn Chunks,
    events: Vec<Event>,
}

impl Gather<'_> {
    #[inline]
    fn push(&mut self, stats: &mut ReadStats, ev: Event) {
        if self.events.capacity() == 0 {
            self.events = self.chunks.spent().unwrap_or_default();
            self.events.clear();
            self.events.reserve(CHUNK);
        }
        self.events.push(ev);
        if self.events.len() >= CHUNK {
            self.flush(stats);
        }
    }

    fn flush(&mut self, stats: &mut ReadStats) {
        hand_over(stats, self.chunks, std::mem::take(&mut self.events));
    }
}

/// Delivers the events of all files in log order, in chunks. Cursors are
/// given in file order.
pub(crate) fn merge(
    cursors: &mut [Cursor<'_>],
    bad: &mut BadLines,
    stats: &mut ReadStats,
    chunks: &mut dyn Chunks,
) -> Result<(), LogFailure> {
    if let [Cursor::Checked(only)] = cursors {
        return only.drain(bad, stats, chunks);
    }
    let mut out = Gather { chunks, events: Vec::new() };
    let merged = merge_each(cursors, bad, &mut |ev| out.push(stats, ev));
    // What was merged before a failure is still delivered.
    out.flush(stats);
    merged
}

/// Merges the files event by event.
fn merge_each(cursors: &mut [Cursor<'_>], bad: &mut BadLines, out: &mut dyn FnMut(Event)) -> Result<(), LogFailure> {
    if let [Cursor::Sorted(only)] = cursors {
        only.for_each(out);
        return Ok(());
    }
    let mut heads: Vec<Option<Event>> = Vec::with_capacity(cursors.len());
    let mut heap = BinaryHeap::with_capacity(cursors.len());
    for (i, c) in cursors.iter_mut().enumerate() {
        let head = c.next(bad)?;
        if let Some(ev) = &head {
            heap.push(Reverse((ev.time, i)));
        }
        heads.push(head);
    }
    while let Some(Reverse((_, i))) = heap.pop() {
        let (Some(head), Some(cursor)) = (heads.get_mut(i), cursors.get_mut(i)) else { continue };
        if let Some(ev) = head.take() {
            out(ev);
        }
        // Keep delivering from this file while it still comes first.
        while let Some(ev) = cursor.next(bad)? {
            let first = heap.peek().is_none_or(|Reverse(top)| (ev.time, i) < *top);
            if first {
                out(ev);
            } else {
                heap.push(Reverse((ev.time, i)));
                *head = Some(ev);
                break;
            }
        }
    }
    Ok(())
}
