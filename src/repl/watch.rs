//! What watches a long command on a terminal: Ctrl-C stops reading and
//! judging a log or running tests, and a bar on standard error shows a
//! large log being read. A script or a test runs unwatched.

use crate::log::{Cancel, ReadOptions, ReadProgress};
use crate::report::progress::LogBar;
use std::path::{Path, PathBuf};

/// Logs smaller than this are read without a bar (it would only flicker).
const BAR_FROM: u64 = 1 << 20;

/// How a session's long commands are watched.
#[derive(Debug, Clone, Default)]
pub struct Watch {
    /// Set (by Ctrl-C) to stop the command running; None: nothing stops it.
    pub cancel: Option<Cancel>,
    /// Whether to show a bar while a log is read.
    pub progress: bool,
}

impl Watch {
    /// Whether the running command was asked to stop.
    pub fn interrupted(&self) -> bool {
        self.cancel.as_ref().is_some_and(Cancel::is_set)
    }

    /// How to read `logs`, and the bar showing it (cleared when dropped).
    pub fn read(&self, logs: &[PathBuf]) -> (ReadOptions, Option<LogBar>) {
        let progress = (self.progress && worth_a_bar(logs)).then(ReadProgress::new);
        let bar = progress.clone().map(|p| LogBar::start(logs, p));
        (ReadOptions { progress, cancel: self.cancel.clone(), ..ReadOptions::default() }, bar)
    }
}

/// Whether the logs are large enough for a bar (or of unknown size).
fn worth_a_bar(logs: &[PathBuf]) -> bool {
    let size = |p: &PathBuf| std::fs::metadata(Path::new(p)).map_or(u64::MAX, |m| m.len());
    logs.iter().map(size).fold(0u64, u64::saturating_add) >= BAR_FROM
}
