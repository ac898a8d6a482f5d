//! The document a machine-readable run writes when it cannot give
//! verdicts (a policy with errors, a log that cannot be read, a bad
//! `--as-of`): a program reading standard output always gets one document
//! it can parse, and the exit status says the rest.
//!
//! JSON: `{"error": {...}}`, or `{"errors": [...]}` when there are several,
//! each a diagnostic as the static check prints it; JSON Lines: that object
//! on one line; SARIF: [`super::sarif::write_diagnostics`].

use super::stream::pretty_at;
use crate::diagnostics::JsonDiagnostic;
use serde::ser::{Serialize, SerializeMap, Serializer};
use std::io::{self, Write};

/// The errors that stopped a run.
pub(super) struct Failure<'d>(&'d [JsonDiagnostic]);

impl<'d> Failure<'d> {
    /// The failure of `errors`.
    pub(super) fn of(errors: &'d [JsonDiagnostic]) -> Self {
        Failure(errors)
    }
}

impl Serialize for Failure<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(1))?;
        let sorted = |d| super::checked::sorted(d).map_err(serde::ser::Error::custom);
        match self.0 {
            [one] => m.serialize_entry("error", &sorted(one)?)?,
            many => m.serialize_entry("errors", &many.iter().map(sorted).collect::<Result<Vec<_>, _>>()?)?,
        }
        m.end()
    }
}

/// Writes `{"error": ...}` (or `{"errors": [...]}`) as indented JSON.
pub fn write_json(errors: &[JsonDiagnostic], out: &mut (dyn Write + Send)) -> io::Result<()> {
    out.write_all(&pretty_at(&Failure(errors), 0)?)?;
    out.write_all(b"\n")
}

/// Writes the same object as one line of JSON Lines.
pub fn write_jsonl(errors: &[JsonDiagnostic], out: &mut (dyn Write + Send)) -> io::Result<()> {
    super::jsonl::line(out, &Failure(errors))
}
