//! How far a read has got, for a progress bar.
//!
//! The files are counted as they are read from disk (compressed bytes for a
//! `.gz` file, so the total is the files' sizes), one atomic addition per
//! read call, that is per block; events are published every
//! [`EVENTS_STEP`] events. Whoever shows progress polls [`ReadProgress`]
//! from another thread; the read never waits for it.

use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Events delivered between two updates of [`ReadProgress::events`].
const EVENTS_STEP: u64 = 4096;

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

    /// Events delivered so far (updated every few thousand).
    pub fn events(&self) -> u64 {
        self.counts.events.load(Ordering::Relaxed)
    }

    /// Notes that `n` events have been delivered in all.
    #[inline]
    pub(crate) fn delivered(&self, n: u64) {
        if n.is_multiple_of(EVENTS_STEP) {
            self.counts.events.store(n, Ordering::Relaxed);
        }
    }

    /// Notes the final number of events.
    pub(crate) fn finish(&self, n: u64) {
        self.counts.events.store(n, Ordering::Relaxed);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_bytes_read_and_events_in_steps() {
        let progress = ReadProgress::new();
        let mut text = String::new();
        progress.count(&b"0123456789"[..]).read_to_string(&mut text).ok();
        assert_eq!(progress.bytes(), 10);
        progress.delivered(EVENTS_STEP - 1);
        assert_eq!(progress.events(), 0);
        progress.delivered(EVENTS_STEP);
        assert_eq!(progress.events(), EVENTS_STEP);
        progress.finish(EVENTS_STEP + 3);
        assert_eq!(progress.events(), EVENTS_STEP + 3);
        assert_eq!(progress.clone(), progress);
        assert_ne!(ReadProgress::new(), progress);
    }
}
