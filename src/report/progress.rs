//! Progress bars on standard error (indicatif): reading a log, running
//! tests. Shown only on a terminal, never with `--quiet`, and cleared
//! before the report is written (in the REPL, before the prompt returns).

use crate::log::{ReadProgress, STDIN_PATH};
use crossbeam_channel::{bounded, RecvTimeoutError, Sender};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How often the log bar polls the reader's counters.
const POLL: Duration = Duration::from_millis(100);

/// Whether a bar may be drawn: standard error is a terminal and `--quiet`
/// was not given.
pub fn wanted(quiet: bool) -> bool {
    !quiet && std::io::stderr().is_terminal()
}

/// A bar on standard error with `template`, or a plain one if the
/// template is refused.
fn bar(total: Option<u64>, template: &str) -> ProgressBar {
    let bar = match total {
        Some(n) => ProgressBar::with_draw_target(Some(n), ProgressDrawTarget::stderr()),
        None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// The bar of a log being read: bytes read of the files' total size,
/// events per second and the time left, polled from the reader's counters.
pub struct LogBar {
    stop: Option<Sender<()>>,
    poller: Option<JoinHandle<()>>,
}

impl LogBar {
    /// Starts showing the reading of `paths` as counted in `progress`.
    pub fn start(paths: &[PathBuf], progress: ReadProgress) -> LogBar {
        let template = match total_size(paths) {
            Some(_) => "{spinner} reading the log [{wide_bar}] {binary_bytes}/{binary_total_bytes}, {msg}, {eta} left",
            None => "{spinner} reading the log: {binary_bytes}, {msg}",
        };
        let bar = bar(total_size(paths), template);
        bar.set_message("0 events/s");
        bar.tick();
        let (stop, stopped) = bounded::<()>(0);
        let started = Instant::now();
        let poller = std::thread::spawn(move || loop {
            bar.set_position(progress.bytes());
            let seconds = started.elapsed().as_secs_f64().max(0.001);
            bar.set_message(format!("{:.0} events/s", progress.events() as f64 / seconds));
            if !matches!(stopped.recv_timeout(POLL), Err(RecvTimeoutError::Timeout)) {
                bar.finish_and_clear();
                return;
            }
        });
        LogBar { stop: Some(stop), poller: Some(poller) }
    }

    /// Clears the bar (before the report is written).
    pub fn finish(mut self) {
        self.end();
    }

    fn end(&mut self) {
        drop(self.stop.take());
        if let Some(poller) = self.poller.take() {
            let _ = poller.join();
        }
    }
}

impl Drop for LogBar {
    fn drop(&mut self) {
        self.end();
    }
}

/// The size of all log files, None when one is standard input or cannot
/// be measured.
fn total_size(paths: &[PathBuf]) -> Option<u64> {
    paths.iter().try_fold(0u64, |sum, p| {
        if p == Path::new(STDIN_PATH) {
            return None;
        }
        std::fs::metadata(p).ok().map(|m| sum + m.len())
    })
}

/// The bar of tests being run: tests done of the total.
pub fn tests(total: usize) -> ProgressBar {
    let bar = bar(Some(total as u64), "{spinner} running tests [{wide_bar}] {pos}/{len}, {eta} left");
    bar.tick();
    bar
}
