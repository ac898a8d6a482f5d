//! `:explain RULE [KEY]`: why one instance got its verdict.
//!
//! The explanation walks what the engine did: the trigger, the deadline and
//! how the duration was counted, the events of the rule's types that share
//! the instance's key, the one that fulfilled or broke it, lateness and
//! remedy; or, for an instance with no verdict, the `unless` that exempted it.

use super::kept::Kept;
use super::session::{Reply, Session};
use super::store::StoredEvent;
use super::verdicts::{key_text, Run};
use crate::eval::ir::{Kind, Rule};
use crate::log::Sym;
use crate::report::{describe_due, local_time};
use crate::syntax::ast::Verdict;
use crate::time;
use crate::value::{format_duration, Val};
use std::fmt::Write as _;

/// At most this many events are listed as considered.
const LISTED: usize = 20;

impl Session {
    pub(super) fn explain(&mut self, arg: &str) -> Reply {
        let mut words = arg.splitn(2, char::is_whitespace);
        let rule_name = words.next().unwrap_or("");
        let key = words.next().unwrap_or("").trim();
        if rule_name.is_empty() {
            return self.usage("`:explain` needs a rule", "`:explain RULE [KEY]`, e.g. `:explain ack24 C-17`");
        }
        let scope = self.scope.clone();
        let run = match self.judge(&scope, "explain") {
            Ok(r) => r,
            Err(reply) => return reply,
        };
        let index = match self.rule_index(&run, rule_name, "explain") {
            Ok(i) => i,
            Err(reply) => return reply,
        };
        let wanted = parse_key(key);
        let matching: Vec<&Kept> =
            run.instances.iter().filter(|i| i.rule() == index && instance_matches(&run, i, &wanted)).collect();
        // Without a key, a violation is the interesting one.
        let pick = matching
            .iter()
            .find(|i| i.verdict == Verdict::Violated)
            .or_else(|| matching.iter().find(|i| i.verdict == Verdict::Pending))
            .or_else(|| matching.first());
        let mut out = match pick {
            Some(i) => explain_instance(&run, i),
            None => match exemption(&run, self.sources(), index, &wanted) {
                Some(text) => text,
                None => {
                    let known: Vec<String> = run
                        .instances
                        .iter()
                        .filter(|i| i.rule() == index)
                        .take(8)
                        .map(|i| format!("  {}{}", i.verdict.as_str(), key_text(&i.key, &run.program.proj.names)))
                        .collect();
                    let mut msg = format!("no instance of `{rule_name}`");
                    if !key.is_empty() {
                        let _ = write!(msg, " for `{key}`");
                    }
                    if known.is_empty() {
                        msg.push_str(": no event triggered it (load events with `:events` or add one with `:event`)");
                    } else {
                        let _ = write!(msg, "; its instances include:\n{}", known.join("\n"));
                    }
                    return Reply::error(msg);
                }
            },
        };
        if matching.len() > 1 {
            let _ = write!(
                out,
                "\n({} instances match; give a key to choose, e.g. `:explain {rule_name} VALUE`)",
                matching.len()
            );
        }
        Reply::ok(out)
    }
}

/// `case "A1"`, `case A1`, `A1` or nothing: an optional field name and a value.
fn parse_key(key: &str) -> Option<(Option<String>, String)> {
    if key.is_empty() {
        return None;
    }
    let unquote = |s: &str| s.trim().trim_matches('"').to_string();
    match key.split_once(|c: char| c.is_whitespace() || c == '=' || c == ':') {
        Some((name, value)) if !value.trim().is_empty() => Some((Some(name.trim().to_string()), unquote(value))),
        _ => Some((None, unquote(key))),
    }
}

fn value_is(v: &Val, text: &str) -> bool {
    match v {
        Val::Str(s) => s == text,
        other => other.to_string() == text,
    }
}

fn instance_matches(run: &Run, i: &Kept, wanted: &Option<(Option<String>, String)>) -> bool {
    let Some((name, value)) = wanted else { return true };
    let by_key =
        i.key.iter().any(|(k, v)| name.as_ref().is_none_or(|n| n == run.program.proj.name(*k)) && value_is(v, value));
    // The other attributes of the event the instance is about.
    let by_attr = || {
        let Some(e) = i.trigger.and_then(|t| run.events.find(t.time, t.loc())) else { return false };
        e.attrs().any(|(s, v)| name.as_ref().is_none_or(|n| n == run.program.proj.name(s)) && value_is(v, value))
    };
    by_key || by_attr()
}

fn explain_instance(run: &Run, i: &Kept) -> String {
    let Some(rule) = run.program.rules.get(i.rule()) else { return String::new() };
    let jur = run.program.jurisdictions.get(rule.jurisdiction);
    let tz = jur.map_or(chrono_tz::UTC, |j| j.tz);
    let mut out = format!("`{}`{}: {}\n", rule.name, key_text(&i.key, &run.program.proj.names), i.verdict.as_str());
    let mut about = rule.title.clone().unwrap_or_default();
    if let Some(j) = jur {
        let _ = write!(about, " ({}", j.name);
        if let Some(c) = &rule.cites {
            let _ = write!(about, " — {c}");
        }
        about.push(')');
    }
    let _ = writeln!(out, "  rule: {}", about.trim());
    let trigger_event = i.trigger.and_then(|t| run.events.find(t.time, t.loc()));
    if let Some(t) = &i.trigger {
        let kind = trigger_event.map_or("event", |e| run.program.proj.name(e.kind));
        let _ = writeln!(out, "  trigger: {kind} at {} ({})", local_time(t.time, tz), run.place(t.loc()));
    }
    if let Some(due) = &i.deadline {
        let _ = writeln!(out, "  deadline: {}", describe_due(due, tz));
        if let (Kind::Obligation(o), Some(j)) = (&rule.kind, jur) {
            let day = i.trigger.map(|t| time::local_date(t.time, tz));
            if let Some(w) = i.trigger.and_then(|t| o.window_at(t.time, tz)) {
                let how = time::describe_in(w.amount, w.unit, Some(&j.name), &j.calendar);
                let _ = writeln!(out, "    {how}");
                if let (Some(p), Some(d)) = (&o.within_param, day) {
                    let amount = crate::fmt::literal_text(&crate::syntax::ast::Literal::Duration(w.amount, w.unit));
                    let _ = writeln!(out, "    parameter `{}`: {amount} (the value on {d}, the trigger's day)", p.name);
                }
            }
            if let Some(every) = &o.every {
                let w = every.window;
                let how = time::describe_in(w.amount, w.unit, Some(&j.name), &j.calendar);
                let _ = writeln!(out, "    recurring: each window is {how}");
                let _ = writeln!(
                    out,
                    "    the first window starts at the trigger, each next one at the update that met the last \
                     (or at the end of a missed one), until the ending event"
                );
            }
            if o.before.is_some() {
                let _ = writeln!(out, "    or before the ending event, whichever comes first");
            }
        }
    }
    let considered = considered(run, rule, i, trigger_event);
    if !considered.is_empty() {
        let _ = writeln!(out, "  events considered:");
        for e in considered.iter().take(LISTED) {
            let mark = if i.trigger.is_some_and(|t| t.loc() == e.loc) {
                "  ← trigger"
            } else if i.evidence.is_some_and(|t| t.loc() == e.loc) {
                "  ← decided the verdict"
            } else {
                ""
            };
            let name = run.program.proj.name(e.kind);
            let _ = writeln!(out, "    {} {name} ({}){mark}", local_time(e.time, tz), run.place(e.loc));
        }
        if considered.len() > LISTED {
            let _ = writeln!(out, "    … and {} more", considered.len() - LISTED);
        }
    }
    let _ = writeln!(out, "  why: {}", i.note);
    if let Some(l) = i.lateness {
        let _ = writeln!(out, "  late by: {}", format_duration(l));
    }
    if i.deadline.is_some() && i.evidence.is_none() && i.verdict != Verdict::Satisfied {
        let _ = writeln!(out, "  horizon: {} (no fulfilling event by then)", local_time(run.horizon, tz));
    }
    if let Some(r) = &i.remedy {
        let _ = writeln!(out, "  remedy: {} {}", r.0, r.1);
    }
    if let (Some(r), Some(t)) = (&rule.remedy, i.trigger) {
        let day = crate::time::local_date(t.time, tz);
        for p in r.params() {
            let value = match p.at(day) {
                Some(d) => format!("{} (in force from {}, the value on {day}, the trigger's day)", d.value, d.from),
                None => format!("no value on {day}"),
            };
            let _ = writeln!(out, "  parameter `{}`: {value}", p.name);
        }
    }
    out.push_str("  unless: none fired");
    out
}

/// The event types a rule looks at.
fn rule_types(rule: &Rule) -> Vec<Sym> {
    let mut types = vec![];
    let add_unless = |types: &mut Vec<Sym>, u: &crate::eval::ir::Exceptions| {
        types.extend(u.events.iter().flat_map(|m| m.types.iter().copied()));
        types.extend(u.prior.iter().flat_map(|(m, _)| m.types.iter().copied()));
    };
    match &rule.kind {
        Kind::Obligation(o) => {
            types.push(o.trigger);
            types.extend(o.awaited.types.iter().copied());
            types.extend(o.before.iter().flat_map(|m| m.types.iter().copied()));
            types.extend(o.window_forbids.iter().flat_map(|m| m.types.iter().copied()));
            add_unless(&mut types, &o.unless);
        }
        Kind::Precedence(p) => {
            types.push(p.trigger);
            types.extend(p.required.types.iter().copied());
            add_unless(&mut types, &p.unless);
        }
        Kind::Prohibition(p) => {
            types.push(p.event);
            add_unless(&mut types, &p.unless);
        }
        Kind::Aggregate(a) => types.push(a.event),
        Kind::PeriodCount(c) => types.push(c.event),
        Kind::PeriodField(f) => types.push(f.event),
        Kind::Share(s) => types.push(s.event),
        Kind::Delay(d) => {
            types.push(d.from);
            types.extend(d.to.types.iter().copied());
        }
        Kind::Rate(_) => {}
    }
    types
}

/// The events of the rule's types that share a key value with the instance.
fn considered<'r>(run: &'r Run, rule: &Rule, i: &'r Kept, trigger: Option<StoredEvent<'r>>) -> Vec<StoredEvent<'r>> {
    let types = rule_types(rule);
    let mut values: Vec<&Val> = i.key.iter().map(|(_, v)| v).collect();
    if values.is_empty() {
        values.extend(trigger.iter().flat_map(|e| e.attrs().map(|(_, v)| v)));
    }
    run.events
        .iter()
        .filter(|e| types.contains(&e.kind))
        .filter(|e| values.is_empty() || e.attrs().any(|(_, v)| values.iter().any(|w| w.equals(v))))
        .collect()
}

/// The explanation of an exempted instance matching the key, if any.
fn exemption(
    run: &Run,
    sources: &crate::diagnostics::Sources,
    rule_index: usize,
    wanted: &Option<(Option<String>, String)>,
) -> Option<String> {
    let rule = run.program.rules.get(rule_index)?;
    let tz = run.program.jurisdictions.get(rule.jurisdiction).map_or(chrono_tz::UTC, |j| j.tz);
    let ex = run.exemptions.iter().filter(|x| x.rule == rule_index).find(|x| {
        let Some(e) = run.events.get(x.event) else { return false };
        match wanted {
            None => true,
            Some((name, value)) => e
                .attrs()
                .any(|(s, v)| name.as_ref().is_none_or(|n| n == run.program.proj.name(s)) && value_is(v, value)),
        }
    })?;
    let e = run.events.get(ex.event)?;
    let unless = match &rule.kind {
        Kind::Obligation(o) => o.unless.spans.get(ex.unless).copied(),
        Kind::Precedence(p) => p.unless.spans.get(ex.unless).copied(),
        Kind::Prohibition(p) => p.unless.spans.get(ex.unless).copied(),
        _ => None,
    };
    let text = unless
        .and_then(|s| sources.get(rule.file).map(|f| f.slice(s).to_string()))
        .unwrap_or_else(|| "an `unless`".into());
    Some(format!(
        "`{}`: no verdict — the instance was exempted\n  by: `{text}`\n  on: {} at {} ({})\n  an exempt instance counts neither as satisfied nor as violated",
        rule.name,
        run.program.proj.name(e.kind),
        local_time(e.time, tz),
        run.place(e.loc)
    ))
}
