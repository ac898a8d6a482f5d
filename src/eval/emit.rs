//! Building instances: keys for display, remedies owed.

use super::engine::RuleEnv;
use super::ir::Remedy;
use super::numeric::round_owed;
use super::verdict::{EventRef, Instance};
use crate::log::{Event, Sym};
use crate::syntax::ast::Verdict;
use crate::time::{self, Due, Micros};
use crate::value::{Currency, Val};
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
                    (!matches!(v, Val::Null)).then(|| (env.names.get(*k as usize).map_or("?", |n| n).into(), v.clone()))
                })
                .collect();
            // Reports show keys, not the other attributes.
            let attrs_kept = if env.detailed || env.sink_attrs { attrs.to_vec() } else { vec![] };
            (key, attrs_kept)
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
        remedy_error: None,
        customer: customer.cloned(),
        note: note.into(),
        measured: None,
    }
}

/// The value of attribute `key` among `attrs` (Null when absent).
pub fn get(attrs: &[(Sym, Val)], key: Sym) -> &Val {
    static NULL: Val = Val::Null;
    attrs.iter().find(|(k, _)| *k == key).map_or(&NULL, |(_, v)| v)
}

/// Sets the compensation owed by violated instance `inst`, decided at `at`
/// (the late event, or the horizon), with `due` for the per-lateness terms;
/// `subject` is the event its amounts read (the trigger, the offending
/// event). An amount that cannot be computed (a field absent, a parameter
/// without a value that day, an overflow) is said in the instance.
pub fn owe(inst: &mut Instance, env: &RuleEnv, due: Option<&Due>, at: Micros, subject: Option<&Event>) {
    let Some(r) = env.rule.remedy.as_ref() else { return };
    match owed(env, r, due, at, subject) {
        Ok(amount) => inst.remedy = amount,
        Err(why) => {
            inst.remedy_error = Some(why);
            inst.note = format!("{}; remedy not computed: {why}", inst.note).into();
        }
    }
}

/// The amount owed: the terms summed, capped, rounded to the minor unit;
/// None when nothing is owed and no amount tells the currency (no unit late
/// yet and the rates read a field the event lacks).
fn owed(
    env: &RuleEnv,
    r: &Remedy,
    due: Option<&Due>,
    at: Micros,
    subject: Option<&Event>,
) -> Result<Option<(Decimal, String)>, &'static str> {
    let ctx = env.ctx(subject, None);
    let mut total: Option<(Decimal, Currency)> = None;
    let mut add = |v: Val, units: i64| -> Result<(), &'static str> {
        let Val::Money(amount, currency) = v else { return Err("an amount is absent or not money") };
        let amount = amount.checked_mul(Decimal::from(units)).ok_or("the amount overflows")?;
        match &mut total {
            None => total = Some((amount, currency)),
            // Money whose currency the log does not say joins the other's.
            Some((sum, c)) if *c == currency || currency.is_empty() || c.is_empty() => {
                *sum = sum.checked_add(amount).ok_or("the amount overflows")?;
                if c.is_empty() {
                    *c = currency;
                }
            }
            Some(_) => return Err("amounts in different currencies"),
        }
        Ok(())
    };
    for term in &r.terms {
        let Some(unit) = term.per else {
            for (rate, _) in &term.rates {
                add(rate.eval(&ctx), 1)?;
            }
            continue;
        };
        let mut left = due.map_or(0, |d| time::units_late(d, at, unit, env.jur.tz, &env.jur.calendar));
        for (rate, covers) in &term.rates {
            let units = covers.map_or(left, |c| left.min(i64::try_from(c).unwrap_or(i64::MAX)));
            if units > 0 {
                add(rate.eval(&ctx), units)?;
            }
            left -= units;
        }
    }
    let (mut amount, mut currency) = match total {
        Some(t) => t,
        // Nothing owed yet (no unit late): zero, in the first rate's currency.
        None => match r.terms.first().and_then(|t| t.rates.first()).map(|(e, _)| e.eval(&ctx)) {
            Some(Val::Money(_, c)) => (Decimal::ZERO, c),
            _ => (Decimal::ZERO, Currency::default()),
        },
    };
    if let Some(cap) = &r.cap {
        match cap.eval(&ctx) {
            Val::Money(c, cur) if cur == currency || cur.is_empty() || currency.is_empty() => {
                amount = amount.min(c);
                if currency.is_empty() {
                    currency = cur;
                }
            }
            Val::Money(..) => return Err("the cap is in another currency"),
            _ => return Err("the cap is absent or not money"),
        }
    }
    if currency.is_empty() && amount.is_zero() {
        return Ok(None);
    }
    Ok(Some((round_owed(amount, &currency), currency.to_string())))
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
