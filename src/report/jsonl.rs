//! The JSON Lines report: one violation per line, each the object the JSON
//! report lists in `violations` (written by the same writer, on one line),
//! then one line `{"summary": {...}}` holding what the JSON report holds
//! besides its violations. A program can act on each violation as it comes
//! and needs no parser for a whole document.
//!
//! Written while the log is read, like the JSON report; a run that fails
//! ends with a line `{"error": {...}}` instead of the summary.

use super::json::Rest;
use super::json_violation::{self, Layout};
use super::{Context, Report};
use crate::diagnostics::JsonDiagnostic;
use crate::eval::Instance;
use serde::Serialize;
use std::io::{self, Write};

/// A report being written: its violations so far.
pub struct Stream<'w> {
    out: &'w mut (dyn Write + Send),
    ctx: Context<'w>,
    /// The log files' names as shown, by index.
    files: Vec<String>,
    /// The line being written.
    line: Vec<u8>,
    error: Option<io::Error>,
}

impl<'w> Stream<'w> {
    /// Starts the report on `out` (nothing is written before the first line).
    pub fn begin(out: &'w mut (dyn Write + Send), ctx: Context<'w>) -> Stream<'w> {
        let files = ctx.logs.iter().map(|p| super::log_name(p)).collect();
        Stream { out, ctx, files, line: Vec::new(), error: None }
    }

    /// Writes one violation, on a line of its own.
    pub fn violation(&mut self, v: &Instance) {
        if self.error.is_some() {
            return;
        }
        self.line.clear();
        json_violation::write(&mut self.line, Layout::OneLine, self.ctx, &self.files, v);
        self.line.push(b'\n');
        if let Err(e) = self.out.write_all(&self.line) {
            self.error = Some(e);
        }
    }

    /// The write error that stopped the report, if any (a closed pipe).
    pub fn error(&self) -> Option<&io::Error> {
        self.error.as_ref()
    }

    /// Ends the report with the summary line.
    pub fn finish(self, r: &Report) -> io::Result<()> {
        let out = self.go_on()?;
        line(out, &SummaryLine { summary: Rest { r } })
    }

    /// Ends the report after the run failed: a line naming the diagnostic
    /// that stopped it.
    pub fn fail(self, error: &JsonDiagnostic) -> io::Result<()> {
        let out = self.go_on()?;
        line(out, &super::failure::Failure::of(std::slice::from_ref(error)))
    }

    fn go_on(self) -> io::Result<&'w mut (dyn Write + Send)> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(self.out),
        }
    }
}

/// Writes the report of `r` (its kept violations, none with `--summary`).
pub fn write(r: &Report, out: &mut (dyn Write + Send)) -> io::Result<()> {
    let mut stream = Stream::begin(out, r.context());
    // Listed only when every violation was kept (not with --summary).
    if r.summary.keep_per_rule.is_none() {
        for v in &r.summary.violations {
            stream.violation(v);
        }
    }
    stream.finish(r)
}

#[derive(Serialize)]
struct SummaryLine<'r, 'a> {
    summary: Rest<'r, 'a>,
}

/// Writes `value` as one line of compact JSON.
pub(super) fn line<T: Serialize + ?Sized>(out: &mut (dyn Write + Send), value: &T) -> io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n")
}
