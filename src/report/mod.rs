//! Rendering verdicts: for people ([`human`], and as a page to keep or send,
//! [`html`]), for programs ([`json`], [`jsonl`]) and for code-review tools
//! ([`sarif`]). All of them read one [`Report`]; a run that gives no
//! verdicts still writes one document ([`failure`],
//! [`sarif::write_diagnostics`]).

pub mod background;
pub mod checked;
pub mod failure;
pub mod html;
pub mod human;
pub mod json;
mod json_violation;
pub mod jsonl;
pub mod log_types;
pub mod progress;
pub mod sarif;
mod stream;
pub mod test_run;

use crate::diagnostics::Sources;
use crate::eval::{EventRef, Program, Summary};
use crate::log::ReadStats;
use crate::span::display_path;
use crate::time::{self, Due, DueKind, Micros};
use chrono_tz::Tz;
use std::path::PathBuf;

/// Everything a report shows.
pub struct Report<'a> {
    /// The compiled rules.
    pub program: &'a Program,
    /// The policy sources (rules point into them).
    pub sources: &'a Sources,
    /// The verdicts.
    pub summary: &'a Summary,
    /// What the reader saw.
    pub stats: &'a ReadStats,
    /// The log files, by index of `Loc::file`.
    pub logs: &'a [PathBuf],
    /// The horizon used.
    pub horizon: Micros,
    /// Warnings about the policy and the run.
    pub warnings: &'a [crate::Diagnostic],
}

impl<'a> Report<'a> {
    /// What a verdict of this report needs to be shown.
    pub fn context(&self) -> Context<'a> {
        Context { program: self.program, logs: self.logs }
    }

    /// `file:line` of an event (`file row N` in a Parquet or Arrow file).
    pub fn place(&self, e: &EventRef) -> String {
        crate::log::place(&self.log_file(e), e.line)
    }

    /// The log file of an event.
    pub fn log_file(&self, e: &EventRef) -> String {
        self.context().log_file(e)
    }

    /// The time zone of a rule's jurisdiction.
    pub fn tz(&self, rule: usize) -> Tz {
        self.context().tz(rule)
    }
}

/// What a verdict needs to be shown, known before the log is read: the
/// rules and the log files.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    /// The compiled rules.
    pub program: &'a Program,
    /// The log files, by index of `Loc::file`.
    pub logs: &'a [PathBuf],
}

impl<'a> Context<'a> {
    /// The log file of an event.
    pub fn log_file(&self, e: &EventRef) -> String {
        self.logs.get(e.loc().file as usize).map_or_else(|| "?".to_string(), |p| log_name(p))
    }

    /// The time zone of a rule's jurisdiction.
    pub fn tz(&self, rule: usize) -> Tz {
        self.program
            .rules
            .get(rule)
            .and_then(|r| self.program.jurisdictions.get(r.jurisdiction))
            .map_or(chrono_tz::UTC, |j| j.tz)
    }

    /// The jurisdiction of a rule.
    pub fn jurisdiction(&self, rule: usize) -> Option<&'a str> {
        let program: &'a Program = self.program;
        let rule = program.rules.get(rule)?;
        program.jurisdictions.get(rule.jurisdiction).map(|j| j.name.as_str())
    }
}

/// A machine-readable report written while the log is read.
pub enum Streaming<'w> {
    /// `--format json`.
    Json(json::Stream<'w>),
    /// `--format jsonl`.
    Jsonl(jsonl::Stream<'w>),
    /// `--format sarif`.
    Sarif(sarif::Stream<'w>),
}

impl Streaming<'_> {
    /// Writes one violation.
    pub fn violation(&mut self, v: &crate::eval::Instance) {
        match self {
            Streaming::Json(s) => s.violation(v),
            Streaming::Jsonl(s) => s.violation(v),
            Streaming::Sarif(s) => s.violation(v),
        }
    }

    /// The write error that stopped the report, if any.
    pub fn error(&self) -> Option<&std::io::Error> {
        match self {
            Streaming::Json(s) => s.error(),
            Streaming::Jsonl(s) => s.error(),
            Streaming::Sarif(s) => s.error(),
        }
    }

    /// Ends the report once the run is over.
    pub fn finish(self, r: &Report) -> std::io::Result<()> {
        match self {
            Streaming::Json(s) => s.finish(r),
            Streaming::Jsonl(s) => s.finish(r),
            Streaming::Sarif(s) => s.finish(r),
        }
    }

    /// Ends the report after the run failed with `error`.
    pub fn fail(self, error: &crate::diagnostics::JsonDiagnostic) -> std::io::Result<()> {
        match self {
            Streaming::Json(s) => s.fail(error),
            Streaming::Jsonl(s) => s.fail(error),
            Streaming::Sarif(s) => s.fail(error),
        }
    }
}

/// A log file as reports name it (`<stdin>` for standard input).
pub fn log_name(path: &std::path::Path) -> String {
    if path == std::path::Path::new(crate::log::STDIN_PATH) {
        crate::log::STDIN_NAME.to_string()
    } else {
        display_path(path)
    }
}

/// An instant as RFC 3339 in local time of `tz` (microseconds only when
/// needed).
pub fn local_time(t: Micros, tz: Tz) -> String {
    match time::from_micros(t) {
        Some(dt) => dt.with_timezone(&tz).to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
        None => format!("{t}µs"),
    }
}

/// A deadline as people read it: the instant, or the end of a local day.
pub fn describe_due(due: &Due, tz: Tz) -> String {
    match due.kind {
        DueKind::Exact => local_time(due.last_on_time, tz),
        DueKind::EndOfLocalDay { date } => match due.rolled_from {
            Some(from) => format!("end of {date} ({}), {}", tz.name(), crate::time::rolled(from, date)),
            None => format!("end of {date} ({})", tz.name()),
        },
    }
}

/// Whole seconds late, rounded up (one microsecond late is one second).
pub fn lateness_seconds(micros: i64) -> i64 {
    micros.saturating_add(999_999) / 1_000_000
}

/// `s` unless `n` is one.
pub fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
