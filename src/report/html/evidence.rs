//! The evidence of a rule's violations, a row each: the instance's key, its
//! trigger (time, event type, log line), the deadline, the event that
//! decided it, how late, the remedy owed and why. Only the violations the
//! report kept are listed (by default the first [`EVIDENCE_PER_RULE`] of
//! each rule); a line says how many more there are and where to see them.
//!
//! [`EVIDENCE_PER_RULE`]: super::EVIDENCE_PER_RULE

use super::escape::Esc;
use crate::eval::{EventRef, Instance};
use crate::report::{describe_due, lateness_seconds, local_time, plural, Report};
use crate::value::{format_duration, Val};
use chrono_tz::Tz;
use std::fmt::Write as _;

/// The table of rule `rule`'s listed violations `listed`.
pub fn table(r: &Report, rule: usize, listed: &[&Instance]) -> String {
    let violated = r.summary.counts.get(rule).map_or(0, |c| c[1]);
    if violated == 0 {
        return String::new();
    }
    let Some(name) = r.program.rules.get(rule).map(|x| x.name.as_str()) else { return String::new() };
    let mut s = String::from("<h4>Evidence of the violations</h4>\n");
    if !listed.is_empty() {
        s.push_str(
            "<table class=\"evidence\">\n<thead><tr><th>Instance</th><th>Trigger</th><th>Deadline</th>\
             <th>Deciding event</th><th>Late by</th><th>Remedy</th><th>Note</th></tr></thead>\n<tbody>\n",
        );
        for v in listed {
            s.push_str(&row(r, v));
        }
        s.push_str("</tbody>\n</table>\n");
    }
    let more = violated.saturating_sub(listed.len() as u64);
    if more > 0 {
        let name = Esc(name);
        let _ = writeln!(
            s,
            "<p class=\"more\">… and {more} more violation{} of <code>{name}</code>: <code>--all</code> lists every one here, \
             <code>--format jsonl --rule {name}</code> one JSON object per line.</p>",
            plural(more as usize)
        );
    }
    s
}

/// One violation.
fn row(r: &Report, v: &Instance) -> String {
    let tz = r.tz(v.rule);
    let key: Vec<String> =
        v.key.iter().map(|(k, val)| format!("{} <code>{}</code>", Esc(k), Esc(&plain(val)))).collect();
    let mut instance = key.join("<br>");
    // The customer owed, unless the key already names them.
    if let Some(c) = v.customer.as_ref().filter(|c| !v.key.iter().any(|(_, val)| val == *c)) {
        let _ = write!(instance, "<br>customer <code>{}</code>", Esc(&plain(c)));
    }
    let trigger = v.trigger.as_ref().map(|t| event(r, t, tz)).unwrap_or_default();
    let deadline = v.deadline.as_ref().map(|d| Esc(&describe_due(d, tz)).to_string()).unwrap_or_default();
    let deciding = match (&v.evidence, &v.trigger) {
        (Some(e), Some(t)) if e == t => "the trigger itself".to_string(),
        (Some(e), _) => event(r, e, tz),
        (None, _) if v.deadline.is_some() => "none by the horizon".to_string(),
        (None, _) => String::new(),
    };
    let late = v
        .lateness
        .map(|l| format!("{} <span class=\"secs\">({} s)</span>", Esc(&format_duration(l)), lateness_seconds(l)))
        .unwrap_or_default();
    let remedy = v.remedy.as_ref().map(|(a, c)| format!("{a} {}", Esc(c))).unwrap_or_default();
    format!(
        "<tr class=\"evidence-row\"><td>{instance}</td><td>{trigger}</td><td>{deadline}</td><td>{deciding}</td>\
         <td>{late}</td><td class=\"num\">{remedy}</td><td class=\"note\">{}</td></tr>\n",
        Esc(&v.note)
    )
}

/// An event named as evidence: its time, type (when the policy names it)
/// and log line.
fn event(r: &Report, e: &EventRef, tz: Tz) -> String {
    let kind = r.program.proj.names.get(e.kind as usize).map(|k| format!("<br><code>{}</code>", Esc(k)));
    format!(
        "<time>{}</time>{}<br><code class=\"place\">{}</code>",
        Esc(&local_time(e.time, tz)),
        kind.unwrap_or_default(),
        Esc(&r.place(e))
    )
}

/// A value as written in a log: text without quotes.
fn plain(v: &Val) -> String {
    match v {
        Val::Str(s) => s.to_string(),
        other => other.to_string(),
    }
}
