//! The JSON report: a stable, documented schema (see the README).
//!
//! The report is written while the log is read: `violations` first, each
//! violation as it is decided, then the rest once the run is over (keys in
//! alphabetical order). No tree of the report and no string of it are
//! built, and no violation is kept, so memory does not grow with the
//! number of violations.

use super::stream::{pretty_at, ArrayWriter};
use super::{lateness_seconds, local_time, Context, Report};
use crate::eval::{EventRef, Instance};
use crate::value::Val;
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde::Serialize as Derive;
use std::io::{self, Write};

/// A report being written: its violations so far.
pub struct Stream<'w> {
    array: ArrayWriter<'w>,
    ctx: Context<'w>,
    /// The log files' names as shown, by index.
    files: Vec<String>,
}

impl<'w> Stream<'w> {
    /// Starts the report on `out`.
    pub fn begin(out: &'w mut (dyn Write + Send), ctx: Context<'w>) -> Stream<'w> {
        let started = out.write_all(b"{\n  \"violations\": ");
        let mut array = ArrayWriter::new(out, 2);
        if let Err(e) = started {
            array.fail(e);
        }
        let files = ctx.logs.iter().map(|p| crate::span::display_path(p)).collect();
        Stream { array, ctx, files }
    }

    /// Writes one violation.
    pub fn violation(&mut self, v: &Instance) {
        self.array.item(&Violation { ctx: self.ctx, files: &self.files, v });
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
        out.write_all(&pretty_at(error, 2)?)?;
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

/// Everything but the violations, known once the run is over.
struct Rest<'r, 'a> {
    r: &'r Report<'a>,
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

/// One violation.
struct Violation<'r, 'a> {
    ctx: Context<'a>,
    files: &'r [String],
    v: &'r Instance,
}

#[derive(Derive)]
struct ViolationFields<'a> {
    cites: Option<&'a str>,
    customer: Option<Value<'a>>,
    deadline: Option<String>,
    evidence: Option<Place<'a>>,
    jurisdiction: Option<&'a str>,
    key: std::collections::BTreeMap<&'a str, Value<'a>>,
    lateness_seconds: Option<i64>,
    note: &'a str,
    remedy: Option<Remedy<'a>>,
    rule: Option<&'a str>,
    trigger: Option<Place<'a>>,
}

#[derive(Derive)]
struct Remedy<'a> {
    amount: String,
    currency: &'a str,
}

#[derive(Derive)]
struct Place<'a> {
    file: &'a str,
    line: u64,
    time: String,
}

impl Serialize for Violation<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (ctx, v, files) = (self.ctx, self.v, self.files);
        let tz = ctx.tz(v.rule);
        let rule = ctx.program.rules.get(v.rule);
        // Keys print sorted, as every object of the report.
        let key = v.key.iter().map(|(k, val)| (k.as_str(), Value(val))).collect();
        ViolationFields {
            cites: rule.and_then(|x| x.cites.as_deref()),
            customer: v.customer.as_ref().map(Value),
            deadline: v.deadline.as_ref().map(|d| local_time(d.last_on_time, tz)),
            evidence: v.evidence.as_ref().map(|e| place(files, e, tz)),
            jurisdiction: ctx.jurisdiction(v.rule),
            key,
            lateness_seconds: v.lateness.map(lateness_seconds),
            note: &v.note,
            remedy: v.remedy.as_ref().map(|(a, c)| Remedy { amount: a.to_string(), currency: c }),
            rule: rule.map(|x| x.name.as_str()),
            trigger: v.trigger.as_ref().map(|e| place(files, e, tz)),
        }
        .serialize(s)
    }
}

#[derive(Derive)]
struct BadLine<'a> {
    column: Option<u64>,
    field: Option<&'a str>,
    file: String,
    line: u64,
    reason: &'a str,
}

fn bad_line(b: &crate::log::BadLine) -> BadLine<'_> {
    BadLine {
        column: b.column,
        field: b.field.as_deref(),
        file: crate::span::display_path(&b.file),
        line: b.line,
        reason: &b.reason,
    }
}

fn place<'a>(files: &'a [String], e: &EventRef, tz: chrono_tz::Tz) -> Place<'a> {
    let file = files.get(e.loc.file as usize).map_or("?", String::as_str);
    Place { file, line: e.loc.line, time: local_time(e.time, tz) }
}

/// An attribute value as JSON: text, integer and truth values as such,
/// anything else as its text.
struct Value<'a>(&'a Val);

impl Serialize for Value<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Val::Null => s.serialize_none(),
            Val::Str(t) => s.serialize_str(t),
            Val::Int(i) => s.serialize_i64(*i),
            Val::Bool(b) => s.serialize_bool(*b),
            other => s.serialize_str(&other.to_string()),
        }
    }
}
