//! Building instances: keys for display, remedies owed.

use super::engine::RuleEnv;
use super::verdict::{EventRef, Instance};
use crate::log::{Event, Sym};
use crate::syntax::ast::Verdict;
use crate::time::{self, Due, Micros};
use crate::value::Val;
use rust_decimal::Decimal;
use std::borrow::Cow;

/// An instance about `subject`, keyed by `keys`. Keys and attributes are
/// filled for violations, or for every instance when the engine is detailed.
pub fn instance(
    env: &RuleEnv,
    verdict: Verdict,
    subject: Option<&Event>,
    keys: &[Sym],
    note: impl Into<Cow<'static, str>>,
) -> Instance {
    let attrs = subject.map_or(&[][..], |e| &e.attrs[..]);
    instance_at(env, verdict, subject.map(EventRef::from), attrs, keys, note)
}

/// [`instance`] about the event read at `at` with attributes `attrs` (as
/// far as they are kept).
pub fn instance_at(
    env: &RuleEnv,
    verdict: Verdict,
    at: Option<EventRef>,
    attrs: &[(Sym, Val)],
    keys: &[Sym],
    note: impl Into<Cow<'static, str>>,
) -> Instance {
    let full = env.detailed || verdict == Verdict::Violated;
    let (key, attrs_kept) = match (full, at) {
        (true, Some(_)) => {
            let key = keys
                .iter()
                .filter_map(|k| {
                    let v = get(attrs, *k);
                    (!matches!(v, Val::Null))
                        .then(|| (env.names.get(*k as usize).map_or("?", |n| n).to_string(), v.clone()))
                })
                .collect();
            (key, attrs.to_vec())
        }
        _ => (vec![], vec![]),
    };
    let customer = at.and_then(|_| env.customer.map(|c| get(attrs, c))).filter(|v| !matches!(v, Val::Null));
    Instance {
        rule: env.index,
        verdict,
        key,
        attrs: attrs_kept,
        trigger: at,
        deadline: None,
        evidence: None,
        lateness: None,
        remedy: None,
        customer: customer.cloned(),
        note: note.into(),
    }
}

/// The value of attribute `key` among `attrs` (Null when absent).
pub fn get(attrs: &[(Sym, Val)], key: Sym) -> &Val {
    static NULL: Val = Val::Null;
    attrs.iter().find(|(k, _)| *k == key).map_or(&NULL, |(_, v)| v)
}

/// The compensation owed for a violation decided at `at` (the late event,
/// or the horizon), with `due` for the per-lateness terms.
pub fn remedy(env: &RuleEnv, due: Option<&Due>, at: Micros) -> Option<(Decimal, String)> {
    let r = env.rule.remedy.as_ref()?;
    let mut total = r.fixed;
    if let Some(due) = due {
        for (amount, unit) in &r.per_unit {
            let units = time::units_late(due, at, *unit, env.jur.tz, &env.jur.calendar);
            total += amount * Decimal::from(units);
        }
    }
    if let Some(cap) = r.cap {
        total = total.min(cap);
    }
    Some((total, r.currency.clone()))
}

/// Microseconds late: how far `at` lies after the deadline — the exact
/// instant, or the end of the local day (so one hour into the next day is
/// one hour late) — and at least one microsecond once late.
pub fn lateness(due: &Due, at: Micros) -> i64 {
    let deadline = match due.kind {
        time::DueKind::Exact => due.last_on_time,
        time::DueKind::EndOfLocalDay { .. } => due.first_late(),
    };
    at.saturating_sub(deadline).max(1)
}
