//! The static check's findings for programs: the policy diagnostics with
//! the files checked and how many errors and warnings there are, as one
//! JSON document or as JSON Lines (one diagnostic per line, then a line
//! `{"summary": {...}}` with the files and counts).

use super::jsonl::line;
use super::stream::pretty_at;
use crate::diagnostics::{JsonDiagnostic, Severity};
use serde::Serialize;
use std::io::{self, Write};

/// What a static check found.
#[derive(Serialize)]
pub struct Checked<'a> {
    /// The files checked, imports included, as shown.
    pub files: Vec<String>,
    /// How many diagnostics are errors.
    pub errors: usize,
    /// How many are warnings.
    pub warnings: usize,
    /// Every diagnostic, in the order found.
    pub diagnostics: &'a [JsonDiagnostic],
}

impl<'a> Checked<'a> {
    /// The findings `diagnostics` over `files`.
    pub fn new(files: Vec<String>, diagnostics: &'a [JsonDiagnostic]) -> Self {
        let errors = diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
        Checked { files, errors, warnings: diagnostics.len() - errors, diagnostics }
    }

    /// Writes the findings as one indented JSON document.
    pub fn write_json(&self, out: &mut (dyn Write + Send)) -> io::Result<()> {
        out.write_all(&pretty_at(&sorted(self)?, 0)?)?;
        out.write_all(b"\n")
    }

    /// Writes each diagnostic on a line, then the summary line.
    pub fn write_jsonl(&self, out: &mut (dyn Write + Send)) -> io::Result<()> {
        for d in self.diagnostics {
            line(out, &sorted(d)?)?;
        }
        let counts = Counts { errors: self.errors, files: &self.files, warnings: self.warnings };
        line(out, &SummaryLine { summary: counts })
    }
}

#[derive(Serialize)]
struct SummaryLine<'a> {
    summary: Counts<'a>,
}

#[derive(Serialize)]
struct Counts<'a> {
    errors: usize,
    files: &'a [String],
    warnings: usize,
}

/// `value` with the keys of every object in alphabetical order, as every
/// object of the reports prints.
pub(super) fn sorted<T: Serialize + ?Sized>(value: &T) -> io::Result<serde_json::Value> {
    Ok(serde_json::to_value(value)?)
}
