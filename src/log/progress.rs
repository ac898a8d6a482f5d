//! How far a read has got, for a progress bar.
//!
//! The files are counted as they are read from disk (compressed bytes for a
//! `.gz` file, so the total is the files' sizes), one atomic addition per
//! read call, that is per block; events as they are handed over, one
//! atomic store per chunk. Whoever shows progress polls [`ReadProgress`]
//! from another thread; the read never waits for it.

use super::{Chunks, Event};
use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Bytes read and events delivered so far, shared with a progress display.
#[derive(Debug, Clone, Default)]
pub struct ReadProgress {
    counts: Arc<Counts>,
}

#[derive(Debug, Default)]
struct Counts {
    bytes: AtomicU64,
    events: AtomicU64,
}

impl ReadProgress {
    /// A fresh counter.
    pub fn new() -> Self {
        ReadProgress::default()
    }

    /// Bytes of the log files read so far (as stored: compressed bytes of a
    /// `.gz` file).
    pub fn bytes(&self) -> u64 {
        self.counts.bytes.load(Ordering::Relaxed)
    }

    /// Counts `n` bytes of a file as read (a file read otherwise than
    /// through a counted reader: a Parquet row group).
    #[cfg(feature = "parquet")]
    pub(crate) fn add_bytes(&self, n: u64) {
        self.counts.bytes.fetch_add(n, Ordering::Relaxed);
    }

    /// Events handed over so far (a chunk at a time).
    pub fn events(&self) -> u64 {
        self.counts.events.load(Ordering::Relaxed)
    }

    /// `chunks`, counting the events handed over to it here.
    pub(crate) fn counting<'c>(&self, chunks: &'c mut dyn Chunks) -> Counting<'c> {
        Counting { chunks, progress: self.clone(), events: 0 }
    }

    /// `read`, counting its bytes here.
    pub(crate) fn count<R: Read>(&self, read: R) -> Counted<R> {
        Counted { read, progress: self.clone() }
    }
}

/// Two options are alike when they report to the same counter.
impl PartialEq for ReadProgress {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.counts, &other.counts)
    }
}

impl Eq for ReadProgress {}

/// A reader whose bytes are counted in a [`ReadProgress`].
pub(crate) struct Counted<R> {
    read: R,
    progress: ReadProgress,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.read.read(buf)?;
        self.progress.counts.bytes.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Chunks of events passed on, counted in a [`ReadProgress`].
pub(crate) struct Counting<'c> {
    chunks: &'c mut dyn Chunks,
    progress: ReadProgress,
    events: u64,
}

impl Chunks for Counting<'_> {
    fn chunk(&mut self, events: Vec<Event>) {
        self.events += events.len() as u64;
        self.progress.counts.events.store(self.events, Ordering::Relaxed);
        self.chunks.chunk(events);
    }

    fn spent(&mut self) -> Option<Vec<Event>> {
        self.chunks.spent()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_bytes_read_and_events_handed_over() {
        struct Keep(usize);
        impl Chunks for Keep {
            fn chunk(&mut self, events: Vec<Event>) {
                self.0 += events.len();
            }
            fn spent(&mut self) -> Option<Vec<Event>> {
                None
            }
        }
        let progress = ReadProgress::new();
        let mut text = String::new();
        progress.count(&b"0123456789"[..]).read_to_string(&mut text).ok();
        assert_eq!(progress.bytes(), 10);
        let mut kept = Keep(0);
        let event = Event { time: 0, kind: crate::log::OTHER, attrs: Default::default(), loc: Default::default() };
        let mut counting = progress.counting(&mut kept);
        counting.chunk(vec![event.clone(); 3]);
        counting.chunk(vec![event; 2]);
        assert_eq!((progress.events(), kept.0), (5, 5));
        assert_eq!(progress.clone(), progress);
        assert_ne!(ReadProgress::new(), progress);
    }
}
