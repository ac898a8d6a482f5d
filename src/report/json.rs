//! The JSON report: a stable, documented schema (see the README).

use super::{lateness_seconds, local_time, Report};
use crate::eval::EventRef;
use crate::value::Val;
use serde_json::{json, Map, Value};

/// The whole report as a JSON value.
pub fn render(r: &Report) -> Value {
    let rules: Vec<Value> = r
        .program
        .rules
        .iter()
        .enumerate()
        .map(|(i, rule)| {
            let [satisfied, violated, pending] = r.summary.counts.get(i).copied().unwrap_or_default();
            let remedy: Map<String, Value> = r
                .summary
                .remedies
                .get(i)
                .into_iter()
                .flatten()
                .map(|(c, a)| (c.clone(), Value::String(a.to_string())))
                .collect();
            json!({
                "rule": rule.name,
                "measure": rule.measure,
                "jurisdiction": jurisdiction(r, i),
                "title": rule.title,
                "cites": rule.cites,
                "satisfied": satisfied,
                "violated": violated,
                "pending": pending,
                "remedy": remedy,
            })
        })
        .collect();
    let violations: Vec<Value> = r
        .summary
        .violations
        .iter()
        .map(|v| {
            let tz = r.tz(v.rule);
            let rule = r.program.rules.get(v.rule);
            let key: Map<String, Value> = v.key.iter().map(|(k, val)| (k.clone(), value(val))).collect();
            json!({
                "rule": rule.map(|x| x.name.as_str()),
                "jurisdiction": jurisdiction(r, v.rule),
                "cites": rule.and_then(|x| x.cites.as_deref()),
                "key": key,
                "trigger": v.trigger.as_ref().map(|e| event(r, e, tz)),
                "deadline": v.deadline.as_ref().map(|d| local_time(d.last_on_time, tz)),
                "evidence": v.evidence.as_ref().map(|e| event(r, e, tz)),
                "lateness_seconds": v.lateness.map(lateness_seconds),
                "remedy": v.remedy.as_ref().map(|(a, c)| json!({ "amount": a.to_string(), "currency": c })),
                "customer": v.customer.as_ref().map(value),
                "note": v.note.as_ref(),
            })
        })
        .collect();
    let by_customer: Map<String, Value> = r
        .summary
        .by_customer
        .iter()
        .map(|(cust, totals)| {
            let t: Map<String, Value> = totals.iter().map(|(c, a)| (c.clone(), Value::String(a.to_string()))).collect();
            (cust.clone(), Value::Object(t))
        })
        .collect();
    let bad: Vec<Value> = r
        .stats
        .bad_lines
        .iter()
        .map(|b| {
            json!({
                "file": crate::span::display_path(&b.file),
                "line": b.line,
                "column": b.column,
                "field": b.field,
                "reason": b.reason,
            })
        })
        .collect();
    json!({
        "horizon": local_time(r.horizon, chrono_tz::UTC),
        "events": r.stats.events,
        "events_after_horizon": r.summary.after_horizon,
        "bad_lines": r.stats.bad_lines.len(),
        "rules": rules,
        "violations": violations,
        "remedies_by_customer": by_customer,
        "bad_line_details": bad,
        "warnings": r
            .warnings
            .iter()
            .map(|d| crate::diagnostics::JsonDiagnostic::from_diagnostic(d, r.sources))
            .collect::<Vec<_>>(),
    })
}

fn jurisdiction(r: &Report, rule: usize) -> Option<String> {
    let rule = r.program.rules.get(rule)?;
    r.program.jurisdictions.get(rule.jurisdiction).map(|j| j.name.clone())
}

fn event(r: &Report, e: &EventRef, tz: chrono_tz::Tz) -> Value {
    json!({ "file": r.log_file(e), "line": e.loc.line, "time": local_time(e.time, tz) })
}

/// An attribute value as JSON.
fn value(v: &Val) -> Value {
    match v {
        Val::Null => Value::Null,
        Val::Str(s) => Value::String(s.to_string()),
        Val::Int(i) => json!(i),
        Val::Bool(b) => json!(b),
        other => Value::String(other.to_string()),
    }
}
