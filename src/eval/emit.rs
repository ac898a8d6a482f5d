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
    let full = env.detailed || verdict == Verdict::Violated;
    let (key, attrs) = match (full, subject) {
        (true, Some(e)) => {
            let key = keys
                .iter()
                .filter_map(|k| {
                    let v = e.get(*k);
                    (*v != Val::Null).then(|| (env.names.get(*k as usize).map_or("?", |n| n).to_string(), v.clone()))
                })
                .collect();
            (key, e.attrs.to_vec())
        }
        _ => (vec![], vec![]),
    };
    Instance {
        rule: env.index,
        verdict,
        key,
        attrs,
        trigger: subject.map(EventRef::from),
        deadline: None,
        evidence: None,
        lateness: None,
        remedy: None,
        customer: subject.and_then(|e| env.customer.map(|c| e.get(c).clone())).filter(|v| *v != Val::Null),
        note: note.into(),
    }
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
