//! The JSON report: a stable, documented schema (see the README).
//!
//! The report is written as it is serialised, straight to the output: no
//! tree of the whole report and no string of it are built, so memory holds
//! only the verdicts. Object keys are in alphabetical order (the order the
//! schema has always printed).

use super::{lateness_seconds, local_time, Report};
use crate::eval::{EventRef, Instance};
use crate::value::Val;
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde::Serialize as Derive;
use std::io::{self, Write};

/// Writes the report as indented JSON, then a line break.
pub fn write(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &Doc { r })?;
    out.write_all(b"\n")
}

/// The whole report as a JSON value (for tests and embedding).
pub fn render(r: &Report) -> serde_json::Value {
    serde_json::to_value(Doc { r }).unwrap_or_default()
}

/// The document; its fields serialise lazily from the report.
struct Doc<'r, 'a> {
    r: &'r Report<'a>,
}

impl Serialize for Doc<'_, '_> {
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
        // Listed only when every violation was kept (not with --summary).
        if r.summary.keep_per_rule.is_none() {
            m.serialize_entry("violations", &Seq(|| r.summary.violations.iter().map(|v| Violation { r, v })))?;
        }
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
            jurisdiction: jurisdiction(r, i),
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
    r: &'r Report<'a>,
    v: &'r Instance,
}

#[derive(Derive)]
struct ViolationFields<'a> {
    cites: Option<&'a str>,
    customer: Option<Value<'a>>,
    deadline: Option<String>,
    evidence: Option<Place>,
    jurisdiction: Option<&'a str>,
    key: std::collections::BTreeMap<&'a str, Value<'a>>,
    lateness_seconds: Option<i64>,
    note: &'a str,
    remedy: Option<Remedy<'a>>,
    rule: Option<&'a str>,
    trigger: Option<Place>,
}

#[derive(Derive)]
struct Remedy<'a> {
    amount: String,
    currency: &'a str,
}

#[derive(Derive)]
struct Place {
    file: String,
    line: u64,
    time: String,
}

impl Serialize for Violation<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (r, v) = (self.r, self.v);
        let tz = r.tz(v.rule);
        let rule = r.program.rules.get(v.rule);
        // Keys print sorted, as every object of the report.
        let key = v.key.iter().map(|(k, val)| (k.as_str(), Value(val))).collect();
        ViolationFields {
            cites: rule.and_then(|x| x.cites.as_deref()),
            customer: v.customer.as_ref().map(Value),
            deadline: v.deadline.as_ref().map(|d| local_time(d.last_on_time, tz)),
            evidence: v.evidence.as_ref().map(|e| place(r, e, tz)),
            jurisdiction: jurisdiction(r, v.rule),
            key,
            lateness_seconds: v.lateness.map(lateness_seconds),
            note: &v.note,
            remedy: v.remedy.as_ref().map(|(a, c)| Remedy { amount: a.to_string(), currency: c }),
            rule: rule.map(|x| x.name.as_str()),
            trigger: v.trigger.as_ref().map(|e| place(r, e, tz)),
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

fn jurisdiction<'a>(r: &Report<'a>, rule: usize) -> Option<&'a str> {
    let program = r.program;
    let rule = program.rules.get(rule)?;
    program.jurisdictions.get(rule.jurisdiction).map(|j| j.name.as_str())
}

fn place(r: &Report, e: &EventRef, tz: chrono_tz::Tz) -> Place {
    Place { file: r.log_file(e), line: e.loc.line, time: local_time(e.time, tz) }
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
