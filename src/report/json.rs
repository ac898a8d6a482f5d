//! The JSON report: a stable, documented schema (see the README).
//!
//! The report is written while the log is read: `violations` first, each
//! violation as it is decided, then the rest once the run is over (keys in
//! alphabetical order). No tree of the report and no string of it are
//! built, and no violation is kept, so memory does not grow with the
//! number of violations.

use super::json_violation::Layout;
use super::stream::{pretty_at, ArrayWriter};
use super::{local_time, Context, Report};
use crate::eval::Instance;
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde::Serialize as Derive;
use std::io::{self, Write};

/// A report being written: its violations so far.
pub struct Stream<'w> {
    array: ArrayWriter<'w>,
    ctx: Context<'w>,
    /// The log files' names as shown, by index.
    files: Vec<String>,
    /// The text of the violation being written.
    text: Vec<u8>,
}

impl<'w> Stream<'w> {
    /// Starts the report on `out`.
    pub fn begin(out: &'w mut (dyn Write + Send), ctx: Context<'w>) -> Stream<'w> {
        let started = out.write_all(b"{\n  \"violations\": ");
        let mut array = ArrayWriter::new(out, 2);
        if let Err(e) = started {
            array.fail(e);
        }
        let files = ctx.logs.iter().map(|p| super::log_name(p)).collect();
        Stream { array, ctx, files, text: Vec::new() }
    }

    /// Writes one violation.
    pub fn violation(&mut self, v: &Instance) {
        self.text.clear();
        let layout = Layout::Indented(self.array.indent() + 2);
        super::json_violation::write(&mut self.text, layout, self.ctx, &self.files, v);
        self.array.item_text(&self.text);
    }

    /// The write error that stopped the report, if any (a closed pipe).
    pub fn error(&self) -> Option<&io::Error> {
        self.array.error()
    }

    /// Ends the report with everything but the violations, then a line break.
    pub fn finish(self, r: &Report) -> io::Result<()> {
        let out = self.array.finish()?;
        let rest = pretty_at(&Rest { r }, 0)?;
        // `rest` is an object of its own: its members follow the violations.
        out.write_all(b",")?;
        out.write_all(rest.strip_prefix(b"{").unwrap_or(&rest))?;
        out.write_all(b"\n")
    }

    /// Ends the report after the run failed: the violations decided so far,
    /// then `error`, the diagnostic that stopped it.
    pub fn fail(self, error: &crate::diagnostics::JsonDiagnostic) -> io::Result<()> {
        let out = self.array.finish()?;
        out.write_all(b",\n  \"error\": ")?;
        out.write_all(&pretty_at(&super::checked::sorted(error)?, 2)?)?;
        out.write_all(b"\n}\n")
    }
}

/// Writes the whole report of `r` (its kept violations) to `out`.
pub fn write(r: &Report, out: &mut (dyn Write + Send)) -> io::Result<()> {
    // Listed only when every violation was kept (not with --summary).
    if r.summary.keep_per_rule.is_some() {
        out.write_all(&pretty_at(&Rest { r }, 0)?)?;
        return out.write_all(b"\n");
    }
    let mut stream = Stream::begin(out, r.context());
    for v in &r.summary.violations {
        stream.violation(v);
    }
    stream.finish(r)
}

/// The whole report as a JSON value (for tests and embedding).
pub fn render(r: &Report) -> serde_json::Value {
    let mut text = Vec::new();
    match write(r, &mut text) {
        Ok(()) => serde_json::from_slice(&text).unwrap_or_default(),
        Err(_) => serde_json::Value::Null,
    }
}

/// Everything but the violations, known once the run is over (also the
/// summary line of JSON Lines).
pub(super) struct Rest<'r, 'a> {
    pub(super) r: &'r Report<'a>,
}

impl Serialize for Rest<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.r;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("bad_line_details", &Seq(|| r.stats.bad_lines.iter().map(bad_line)))?;
        m.serialize_entry("bad_lines", &r.stats.bad_lines.len())?;
        m.serialize_entry("events", &r.stats.events)?;
        m.serialize_entry("events_after_horizon", &r.summary.after_horizon)?;
        m.serialize_entry("horizon", &local_time(r.horizon, chrono_tz::UTC))?;
        m.serialize_entry("log_types_not_named", &r.stats.other_types)?;
        m.serialize_entry("remedies_by_customer", &Totals(|| r.summary.by_customer.iter()))?;
        m.serialize_entry("rules", &Seq(|| (0..r.program.rules.len()).map(|i| RuleRow { r, i })))?;
        // Few; converted through values so their keys sort like the rest.
        let warnings: Vec<serde_json::Value> = r
            .warnings
            .iter()
            .map(|d| serde_json::to_value(crate::diagnostics::JsonDiagnostic::from_diagnostic(d, r.sources)))
            .collect::<Result<_, _>>()
            .map_err(serde::ser::Error::custom)?;
        m.serialize_entry("warnings", &warnings)?;
        m.end()
    }
}

/// A sequence serialised from a fresh iterator.
struct Seq<F>(F);

impl<F, I> Serialize for Seq<F>
where
    F: Fn() -> I,
    I: Iterator,
    I::Item: Serialize,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.0)())
    }
}

/// Amounts per currency (as decimal strings), per name.
struct Totals<F>(F);

impl<'a, F, I> Serialize for Totals<F>
where
    F: Fn() -> I,
    I: Iterator<Item = (&'a String, &'a std::collections::BTreeMap<String, rust_decimal::Decimal>)>,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map((self.0)().map(|(name, totals)| (name, Pairs(amounts(totals)))))
    }
}

/// Amounts per currency, as decimal strings (sorted by currency).
fn amounts(totals: &std::collections::BTreeMap<String, rust_decimal::Decimal>) -> Vec<(&String, String)> {
    totals.iter().map(|(c, a)| (c, a.to_string())).collect()
}

/// A map from already sorted pairs.
struct Pairs<K, V>(Vec<(K, V)>);

impl<K: Serialize, V: Serialize> Serialize for Pairs<K, V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

/// One row of the per-rule table.
struct RuleRow<'r, 'a> {
    r: &'r Report<'a>,
    i: usize,
}

#[derive(Derive)]
struct RuleFields<'a> {
    cites: Option<&'a str>,
    jurisdiction: Option<&'a str>,
    measure: bool,
    pending: u64,
    remedy: Pairs<&'a String, String>,
    rule: &'a str,
    satisfied: u64,
    title: Option<&'a str>,
    violated: u64,
}

impl Serialize for RuleRow<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (r, i) = (self.r, self.i);
        let Some(rule) = r.program.rules.get(i) else { return s.serialize_none() };
        let [satisfied, violated, pending] = r.summary.counts.get(i).copied().unwrap_or_default();
        let remedy = r.summary.remedies.get(i).map(amounts).unwrap_or_default();
        RuleFields {
            cites: rule.cites.as_deref(),
            jurisdiction: r.context().jurisdiction(i),
            measure: rule.measure,
            pending,
            remedy: Pairs(remedy),
            rule: &rule.name,
            satisfied,
            title: rule.title.as_deref(),
            violated,
        }
        .serialize(s)
    }
}

#[derive(Derive)]
struct BadLine<'a> {
    column: Option<u64>,
    field: Option<&'a str>,
    file: String,
    /// The line; absent for a row of a Parquet or Arrow file.
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u64>,
    reason: &'a str,
    /// The row of a Parquet or Arrow file.
    #[serde(skip_serializing_if = "Option::is_none")]
    row: Option<u64>,
}

fn bad_line(b: &crate::log::BadLine) -> BadLine<'_> {
    BadLine {
        column: b.column,
        field: b.field.as_deref(),
        file: crate::span::display_path(&b.file),
        line: (!b.is_row()).then_some(b.line),
        reason: &b.reason,
        row: b.is_row().then(|| crate::log::event::number(b.line)),
    }
}
