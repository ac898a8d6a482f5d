//! Stopping a read from another thread (the REPL's Ctrl-C).
//!
//! The flag is checked where the bytes come in, once per read call (a
//! block of up to 1 MiB): a file stops being read at once, the blocks
//! already read are parsed and handed over as usual, and the read ends
//! with [`LogFailure::Interrupted`](super::LogFailure::Interrupted) instead
//! of whatever error the stopped reader led to. Nothing per event.

use std::io::Read;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A flag that asks long work to stop, shared with whoever sets it (a
/// signal handler sets the [`AtomicBool`] it wraps).
#[derive(Debug, Clone, Default)]
pub struct Cancel {
    flag: Arc<AtomicBool>,
}

impl Cancel {
    /// A flag not set.
    pub fn new() -> Self {
        Cancel::default()
    }

    /// The flag itself, for a signal handler to set.
    pub fn flag(&self) -> &Arc<AtomicBool> {
        &self.flag
    }

    /// Whether stopping was asked for.
    pub fn is_set(&self) -> bool {
        self.flag.load(Ordering::Relaxed)
    }

    /// Asks to stop.
    pub fn set(&self) {
        self.flag.store(true, Ordering::Relaxed);
    }

    /// Forgets an earlier request (before the next piece of work).
    pub fn clear(&self) {
        self.flag.store(false, Ordering::Relaxed);
    }

    /// `read`, which fails once stopping is asked for.
    pub(crate) fn guard<R: Read>(&self, read: R) -> Guarded<R> {
        Guarded { read, cancel: self.clone() }
    }
}

/// Two options are alike when they share the same flag.
impl PartialEq for Cancel {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.flag, &other.flag)
    }
}

impl Eq for Cancel {}

/// A reader that fails once its [`Cancel`] is set.
pub(crate) struct Guarded<R> {
    read: R,
    cancel: Cancel,
}

impl<R: Read> Read for Guarded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.cancel.is_set() {
            // Not `ErrorKind::Interrupted`: readers retry that one.
            return Err(std::io::Error::other("interrupted"));
        }
        self.read.read(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_guarded_read_fails_once_set() {
        let cancel = Cancel::new();
        let mut read = cancel.guard(&b"0123456789"[..]);
        let mut buf = [0u8; 4];
        assert_eq!(read.read(&mut buf).ok(), Some(4));
        cancel.set();
        assert!(read.read(&mut buf).is_err());
        cancel.clear();
        assert_eq!(read.read(&mut buf).ok(), Some(4));
        assert_eq!(cancel.clone(), cancel);
        assert_ne!(Cancel::new(), cancel);
    }
}
