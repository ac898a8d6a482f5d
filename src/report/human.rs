//! The report for people: each violation drawn as a diagnostic on the rule
//! it breaks (the same renderer as policy errors), then a table per rule.

use super::{describe_due, lateness_seconds, local_time, plural, Report};
use crate::diagnostics::{render_human, Diagnostic, Problem, RenderOptions};
use crate::value::format_duration;
use std::fmt::Write as _;

/// Violations shown per rule before the rest are only counted.
pub const SHOWN_PER_RULE: usize = 10;

/// The violations, at most `per_rule` per rule (all with None), then for
/// each rule with more a line saying how many more and how to see them.
pub fn violations(r: &Report, opts: RenderOptions, per_rule: Option<usize>) -> String {
    let mut out = String::new();
    let mut shown = vec![0u64; r.program.rules.len()];
    for v in &r.summary.violations {
        let Some(rule) = r.program.rules.get(v.rule) else { continue };
        let Some(count) = shown.get_mut(v.rule) else { continue };
        if per_rule.is_some_and(|n| *count >= n as u64) {
            continue;
        }
        *count += 1;
        let tz = r.tz(v.rule);
        let mut details = String::new();
        let jur = r.program.jurisdictions.get(rule.jurisdiction).map_or("", |j| j.name.as_str());
        let _ = write!(details, "{jur}");
        if let Some(c) = &rule.cites {
            let _ = write!(details, " — {c}");
        }
        if let Some(t) = &v.trigger {
            let _ = write!(details, "\ntrigger: {} at {}", r.place(t), local_time(t.time, tz));
        }
        if let Some(d) = &v.deadline {
            let _ = write!(details, "\ndeadline: {}", describe_due(d, tz));
        }
        match (&v.evidence, &v.trigger) {
            (Some(e), Some(t)) if e != t => {
                let _ = write!(details, "\nevidence: {} at {}", r.place(e), local_time(e.time, tz));
            }
            (None, _) if v.deadline.is_some() => {
                let _ = write!(details, "\nevidence: none by the horizon");
            }
            _ => {}
        }
        if let Some(l) = v.lateness {
            let _ = write!(details, "\nlate by: {} ({} s)", format_duration(l), lateness_seconds(l));
        }
        if let Some((amount, currency)) = &v.remedy {
            let _ = write!(details, "\nremedy: {amount} {currency}");
        }
        let key = if v.key.is_empty() {
            String::new()
        } else {
            let parts: Vec<String> = v.key.iter().map(|(k, val)| format!("{k} {val}")).collect();
            format!(" for {}", parts.join(", "))
        };
        let problem = Problem::Violated { rule: rule.name.clone(), key, details };
        let d = Diagnostic::new(problem, rule.file, rule.span).with_label(v.note.to_string());
        out.push_str(&render_human(&d, r.sources, opts));
        out.push('\n');
    }
    // The summary keeps only the violations shown: the rest are counted.
    for (i, n) in shown.iter().enumerate() {
        let violated = r.summary.counts.get(i).map_or(0, |c| c[1]);
        if r.summary.is_measure(i) || violated <= *n {
            continue;
        }
        let name = r.program.rules.get(i).map_or("?", |x| x.name.as_str());
        let more = violated - n;
        let _ = writeln!(
            out,
            "… and {more} more violation{} of `{name}`: list every one with --all, or one JSON object per line with --format jsonl",
            plural(more as usize)
        );
    }
    out
}

/// Customers listed in the table of remedies owed before the rest are
/// only counted.
pub const SHOWN_CUSTOMERS: usize = 20;

/// The per-rule table and a closing line.
pub fn table(r: &Report) -> String {
    summary(r, None)
}

/// The per-rule table, then when any remedy is owed the totals per
/// customer (at most `per_customer` customers, all with None), and a
/// closing line.
pub fn table_and_remedies(r: &Report, per_customer: Option<usize>) -> String {
    summary(r, Some(per_customer))
}

/// The remedies owed per customer: a row per customer (name order) with
/// the totals per currency, at most `limit`, then how many more.
fn remedies_by_customer(r: &Report, limit: Option<usize>) -> String {
    let owed = &r.summary.by_customer;
    let shown = limit.unwrap_or(usize::MAX).min(owed.len());
    let mut rows: Vec<[String; 2]> = vec![["customer".into(), "remedies owed".into()]];
    for (customer, totals) in owed.iter().take(shown) {
        let amounts: Vec<String> = totals.iter().map(|(c, a)| format!("{a} {c}")).collect();
        rows.push([customer.clone(), amounts.join(", ")]);
    }
    let width = rows.iter().map(|row| row[0].chars().count()).max().unwrap_or(0);
    let mut out = String::from("\n");
    for [customer, amounts] in &rows {
        let pad = width - customer.chars().count();
        let _ = writeln!(out, "{customer}{}  {amounts}", " ".repeat(pad));
    }
    let more = owed.len() - shown;
    if more > 0 {
        let _ = writeln!(
            out,
            "… and {more} more customer{} owed remedies: list every one with --all, or see `remedies_by_customer` in --format json",
            plural(more)
        );
    }
    out
}

/// The per-rule table, the remedies per customer when asked (`Some`, with
/// their limit) and owed, and a closing line.
fn summary(r: &Report, customers: Option<Option<usize>>) -> String {
    let mut rows: Vec<[String; 6]> = vec![[
        "rule".into(),
        "jurisdiction".into(),
        "satisfied".into(),
        "violated".into(),
        "pending".into(),
        "remedy".into(),
    ]];
    for (i, rule) in r.program.rules.iter().enumerate() {
        let [s, v, p] = r.summary.counts.get(i).copied().unwrap_or_default();
        let jur = r.program.jurisdictions.get(rule.jurisdiction).map_or("", |j| j.name.as_str());
        let remedy: Vec<String> =
            r.summary.remedies.get(i).into_iter().flatten().map(|(c, a)| format!("{a} {c}")).collect();
        // A measure's violated instances are no violations: they feed a rate.
        let name = if rule.measure { format!("{} (measure)", rule.name) } else { rule.name.clone() };
        rows.push([name, jur.into(), s.to_string(), v.to_string(), p.to_string(), remedy.join(", ")]);
    }
    let widths: Vec<usize> = (0..6).map(|c| rows.iter().map(|row| row[c].chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for row in &rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            let pad = widths[c].saturating_sub(cell.chars().count());
            if (2..5).contains(&c) {
                let _ = write!(line, "{}{cell}  ", " ".repeat(pad));
            } else {
                let _ = write!(line, "{cell}{}  ", " ".repeat(pad));
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    if let Some(limit) = customers.filter(|_| !r.summary.by_customer.is_empty()) {
        out.push_str(&remedies_by_customer(r, limit));
    }
    let violated = r.summary.violated();
    if r.summary.after_horizon > 0 {
        let _ = writeln!(out, "\n{} events after the horizon were not judged", r.summary.after_horizon);
    }
    let _ = writeln!(
        out,
        "\n{} event{}, {} bad line{}, {violated} violation{}, horizon {}",
        r.stats.events,
        plural(r.stats.events as usize),
        r.stats.bad_lines.len(),
        plural(r.stats.bad_lines.len()),
        plural(violated as usize),
        local_time(r.horizon, chrono_tz::UTC)
    );
    out
}
