//! Why reading a log stopped, or which lines it skipped.
//!
//! Parsers report a [`LineError`] (a byte offset within the line, the field
//! and a reason) without knowing the file or the line number; the pipeline
//! turns it into a [`BadLine`] once both are known. Columns are counted in
//! characters from 1, as an editor shows them.

use crate::diagnostics::{Diagnostic, Problem};
use crate::time::Micros;
use crate::value::Val;
use std::fmt;
use std::path::{Path, PathBuf};

/// How many characters of a bad line [`BadLine::text`] keeps.
const TEXT_CHARS: usize = 200;

/// A line (or XES event) that could not be read as an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    /// The log file.
    pub file: PathBuf,
    /// 1-based line (for XES and multi-line CSV records, the first line);
    /// for a columnar file the 1-based row, marked by
    /// [`Loc::ROW`](super::Loc::ROW).
    pub line: u64,
    /// 1-based column in characters, when the problem is at one place.
    pub column: Option<u64>,
    /// The field (key, column or XES attribute) at fault, when there is one.
    pub field: Option<String>,
    /// What is wrong, in lowercase, naming what was expected.
    pub reason: String,
    /// The line itself, truncated to 200 characters.
    pub text: String,
}

/// Why a log could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogFailure {
    /// A file could not be opened or read (or its format is unknown).
    Io {
        /// The file.
        path: PathBuf,
        /// The system's reason.
        reason: String,
    },
    /// The first bad line, when reading does not keep going.
    Bad(BadLine),
    /// A columnar file whose columns do not fit the policy (a missing
    /// `time` or `type` column, a column of the wrong type).
    Schema {
        /// The file.
        path: PathBuf,
        /// What is wrong, naming the column.
        reason: String,
        /// How to fix it.
        hint: String,
    },
    /// An event earlier than the one before it in the same file.
    OutOfOrder {
        /// The file of the late-listed event.
        file: PathBuf,
        /// Its line.
        line: u64,
        /// Its time.
        time: Micros,
        /// The file of the event before it.
        previous_file: PathBuf,
        /// Its line.
        previous_line: u64,
        /// Its time.
        previous_time: Micros,
    },
    /// The read was stopped by its [`Cancel`](super::Cancel) flag.
    Interrupted,
}

impl BadLine {
    /// `file:line` or `file:line:column`, or `file row N` for a row of a
    /// columnar file.
    pub fn place(&self) -> String {
        match self.column {
            Some(c) if !super::event::is_row(self.line) => format!("{}:{}:{c}", self.file.display(), self.line),
            _ => super::event::place(&self.file.display().to_string(), self.line),
        }
    }

    /// Whether this is a row of a columnar file.
    pub fn is_row(&self) -> bool {
        super::event::is_row(self.line)
    }

    /// The reason, naming the field when there is one.
    pub fn message(&self) -> String {
        match &self.field {
            Some(f) => format!("field `{f}`: {}", self.reason),
            None => self.reason.clone(),
        }
    }

    /// The bad line as a diagnostic (also for lines skipped with
    /// `keep_going`).
    pub fn to_diagnostic(&self) -> Diagnostic {
        Diagnostic::global(Problem::BadLogLine { place: self.place(), reason: self.message(), skipped: false })
    }

    /// The line as a diagnostic of a run that went on without it.
    pub fn to_skipped_diagnostic(&self) -> Diagnostic {
        Diagnostic::global(Problem::BadLogLine { place: self.place(), reason: self.message(), skipped: true })
    }
}

impl LogFailure {
    /// The failure as a diagnostic for the CLI and the language server.
    pub fn to_diagnostic(&self) -> Diagnostic {
        match self {
            LogFailure::Io { path, reason } => {
                Diagnostic::global(Problem::Io { path: path.display().to_string(), reason: reason.clone() })
            }
            LogFailure::Bad(bad) => bad.to_diagnostic(),
            LogFailure::Schema { path, reason, hint } => Diagnostic::global(Problem::LogSchema {
                path: path.display().to_string(),
                reason: reason.clone(),
                hint: hint.clone(),
            }),
            LogFailure::OutOfOrder { file, line, time, previous_file, previous_line, previous_time } => {
                Diagnostic::global(Problem::OutOfOrder {
                    place: super::event::place(&file.display().to_string(), *line),
                    time: Val::Time(*time).to_string(),
                    previous_place: super::event::place(&previous_file.display().to_string(), *previous_line),
                    previous_time: Val::Time(*previous_time).to_string(),
                })
            }
            LogFailure::Interrupted => Diagnostic::global(Problem::Interrupted),
        }
    }
}

impl fmt::Display for LogFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_diagnostic().problem)
    }
}

impl std::error::Error for LogFailure {}

/// A problem in one line, before the file and line number are known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LineError {
    /// Byte offset within the line, when the problem is at one place.
    pub at: Option<usize>,
    /// The field at fault.
    pub field: Option<String>,
    /// What is wrong.
    pub reason: String,
}

impl LineError {
    /// A problem at byte `at` of the line.
    pub fn at(at: usize, reason: impl Into<String>) -> Self {
        LineError { at: Some(at), field: None, reason: reason.into() }
    }

    /// A problem of the whole line.
    pub fn line(reason: impl Into<String>) -> Self {
        LineError { at: None, field: None, reason: reason.into() }
    }

    /// The same problem, naming a field.
    pub fn field(mut self, name: impl Into<String>) -> Self {
        self.field = Some(name.into());
        self
    }

    /// The bad line this is, in `file` at `line`, whose bytes are `text`.
    pub fn into_bad(self, file: &Path, line: u64, text: &[u8]) -> BadLine {
        let column = self.at.map(|at| column_of(text, at));
        BadLine { file: file.to_path_buf(), line, column, field: self.field, reason: self.reason, text: excerpt(text) }
    }
}

/// The 1-based character column of byte `at` in `line`.
pub(crate) fn column_of(line: &[u8], at: usize) -> u64 {
    let prefix = line.get(..at).unwrap_or(line);
    prefix.iter().filter(|&&b| b & 0xC0 != 0x80).count() as u64 + 1
}

/// The first [`TEXT_CHARS`] characters of a line, without its line break.
pub(crate) fn excerpt(line: &[u8]) -> String {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let head = &line[..line.len().min(TEXT_CHARS * 4)];
    String::from_utf8_lossy(head).chars().take(TEXT_CHARS).collect()
}

/// A short, quoted rendering of user text for a reason.
pub(crate) fn quote(text: &str) -> String {
    const MAX: usize = 40;
    if text.chars().count() > MAX {
        let head: String = text.chars().take(MAX).collect();
        format!("`{head}…`")
    } else {
        format!("`{text}`")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters() {
        assert_eq!(column_of(b"abc", 0), 1);
        assert_eq!(column_of("é\"x".as_bytes(), 2), 2);
    }

    #[test]
    fn excerpt_truncates() {
        let long = "x".repeat(5000);
        assert_eq!(excerpt(long.as_bytes()).len(), 200);
        assert_eq!(excerpt(b"ab\r\n"), "ab");
    }

    #[test]
    fn diagnostic_names_place_and_field() {
        let bad = BadLine {
            file: "events.jsonl".into(),
            line: 42,
            column: Some(17),
            field: Some("time".into()),
            reason: "`2026-13-01` is not an RFC 3339 time with an offset".into(),
            text: String::new(),
        };
        let d = LogFailure::Bad(bad).to_diagnostic();
        assert_eq!(
            d.problem,
            Problem::BadLogLine {
                place: "events.jsonl:42:17".into(),
                reason: "field `time`: `2026-13-01` is not an RFC 3339 time with an offset".into(),
                skipped: false,
            }
        );
    }
}
