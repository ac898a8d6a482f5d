//! Period aggregates over a numeric field (`per quarter:
//! average(survey_answered.score) <= 5`) and shares of events meeting a
//! condition (`share(survey_answered as s where s.score >= 9) >= 80%`).
//!
//! Arithmetic is exact decimal. Each period keeps a running count, sum,
//! minimum and maximum, so average, sum, min and max cost the same memory
//! whatever the number of events; `percentile` keeps every value of the
//! period (it needs their order) and `distinct` every distinct value. An
//! event whose field is absent, or not a value of the bound's kind (a
//! number, money of the bound's currency, a duration), is not counted and
//! the note says how many were skipped. A period with no counted value is
//! not an instance; a period not over at the horizon is pending.

use super::engine::RuleEnv;
use super::expr::compare;
use super::ir::{PeriodField, ShareStandard};
use super::period::{complete, period_instance};
use super::verdict::{Instance, Measured, MeasuredUnit};
use crate::log::Event;
use crate::syntax::ast::{AggFn, CmpOp, Sign, Verdict};
use crate::time::{self, Micros, PeriodKey};
use crate::value::{format_duration, Val};
use rust_decimal::Decimal;
use rustc_hash::FxHashSet;
use std::collections::BTreeMap;

/// The running values of one period.
#[derive(Default)]
struct FieldAcc {
    count: u64,
    skipped: u64,
    /// None once the sum overflows.
    sum: Option<Decimal>,
    min: Option<Decimal>,
    max: Option<Decimal>,
    /// Every value, for `percentile` only.
    values: Vec<Decimal>,
    /// Every distinct value, for `distinct` only.
    distinct: FxHashSet<Val>,
}

/// The value of `v` counted against `bound`: a number against a number,
/// money of the bound's currency, a duration (in microseconds).
pub fn counted(v: &Val, bound: &Val) -> Option<Decimal> {
    match (v, bound) {
        (Val::Int(_) | Val::Dec(_), Val::Int(_) | Val::Dec(_)) => v.as_decimal(),
        (Val::Money(d, c), Val::Money(_, bc)) if c == bc || c.is_empty() || bc.is_empty() => Some(*d),
        (Val::Dur(d), Val::Dur(_)) => Some(Decimal::from(*d)),
        _ => None,
    }
}

/// State of a period aggregate over a field.
#[derive(Default)]
pub struct PeriodFieldState {
    periods: BTreeMap<PeriodKey, FieldAcc>,
}

impl PeriodFieldState {
    /// Counts `e` in its period.
    pub fn on_event(&mut self, env: &RuleEnv, f: &PeriodField, e: &Event) {
        if e.kind != f.event || !env.in_force(e.time) {
            return;
        }
        if f.condition.as_ref().is_some_and(|x| !x.holds(&env.ctx(Some(e), None))) {
            return;
        }
        let acc = self.periods.entry(time::period_of(e.time, env.jur.tz, f.period)).or_default();
        let v = e.get(f.field);
        if f.func == AggFn::Distinct {
            if *v == Val::Null {
                acc.skipped += 1;
            } else {
                acc.count += 1;
                acc.distinct.insert(v.clone());
            }
            return;
        }
        let Some(x) = counted(v, &f.bound) else {
            acc.skipped += 1;
            return;
        };
        acc.sum = if acc.count == 0 { Some(x) } else { acc.sum.and_then(|s| s.checked_add(x)) };
        acc.count += 1;
        acc.min = Some(acc.min.map_or(x, |m| m.min(x)));
        acc.max = Some(acc.max.map_or(x, |m| m.max(x)));
        if f.func == AggFn::Percentile {
            acc.values.push(x);
        }
    }

    /// One instance per period with counted values.
    pub fn finish(&mut self, env: &RuleEnv, f: &PeriodField, horizon: Micros, out: &mut Vec<Instance>) {
        for (key, mut acc) in std::mem::take(&mut self.periods) {
            if acc.count == 0 {
                continue;
            }
            let judged = judge(f, &mut acc);
            let skipped = match acc.skipped {
                0 => String::new(),
                1 => format!("; 1 event without `{}` skipped", f.field_name),
                n => format!("; {n} events without `{}` skipped", f.field_name),
            };
            let Some((ok, summary, value)) = judged else {
                let note = format!("{key}: the {} overflows{skipped}", f.func.as_str());
                out.push(period_instance(env, Verdict::Pending, key, note, None));
                continue;
            };
            let measured = field_measured(f, key, value);
            let bound = format!("bound {} {}", f.op.as_str(), f.bound);
            if !complete(key, env.jur.tz, horizon) {
                let note = format!("{key}: {summary}, {bound}{skipped}; period not over");
                out.push(period_instance(env, Verdict::Pending, key, note, measured));
                continue;
            }
            let verdict = if ok { Verdict::Satisfied } else { Verdict::Violated };
            let note = format!("{key}: {summary}, {bound}{skipped}");
            out.push(period_instance(env, verdict, key, note, measured));
        }
    }
}

/// What a period aggregate over a field measured, in the kind of its bound
/// (None when the bound is no number).
fn field_measured(f: &PeriodField, period: PeriodKey, value: Decimal) -> Option<Measured> {
    let unit = match (&f.bound, f.func) {
        (_, AggFn::Distinct) => MeasuredUnit::Count,
        (Val::Money(_, c), _) => MeasuredUnit::Money(c.to_string()),
        (Val::Dur(_), _) => MeasuredUnit::Micros,
        _ => MeasuredUnit::Number,
    };
    let bound = f.bound.as_decimal()?;
    Some(Measured { period, value, op: f.op, bound, unit })
}

/// Whether the period meets the bound, what it measured in words, and the
/// value; None on overflow.
fn judge(f: &PeriodField, acc: &mut FieldAcc) -> Option<(bool, String, Decimal)> {
    let n = acc.count;
    let values = if n == 1 { "1 value".to_string() } else { format!("{n} values") };
    if f.func == AggFn::Distinct {
        let d = acc.distinct.len() as i64;
        return Some((
            compare(f.op, &Val::Int(d), &f.bound),
            format!("{d} distinct `{}` among {values}", f.field_name),
            Decimal::from(d),
        ));
    }
    let bound = counted(&f.bound, &f.bound)?;
    let (ok, value) = match f.func {
        AggFn::Sum => {
            let s = acc.sum?;
            (holds(f.op, s, bound), s)
        }
        AggFn::Min => {
            let m = acc.min?;
            (holds(f.op, m, bound), m)
        }
        AggFn::Max => {
            let m = acc.max?;
            (holds(f.op, m, bound), m)
        }
        AggFn::Percentile => {
            acc.values.sort_unstable();
            let p = f.percentile.unwrap_or(Decimal::ONE_HUNDRED);
            let v = nearest_rank(&acc.values, p)?;
            (holds(f.op, v, bound), v)
        }
        _ => {
            // average <= b  ⇔  sum <= b·n: exact, no division.
            let s = acc.sum?;
            let n = Decimal::from(n);
            let ok = match bound.checked_mul(n) {
                Some(total) => holds(f.op, s, total),
                None => holds(f.op, s.checked_div(n)?, bound),
            };
            (ok, s.checked_div(n)?)
        }
    };
    let what = match f.func {
        AggFn::Percentile => format!("percentile {}", f.percentile.unwrap_or_default()),
        other => other.as_str().to_string(),
    };
    Some((ok, format!("{what} of {values} is {}", show(value, &f.bound)), value))
}

/// The nearest-rank percentile of sorted values: the value at rank
/// ceil(p·n/100).
pub fn nearest_rank(sorted: &[Decimal], p: Decimal) -> Option<Decimal> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let rank = (p.checked_mul(Decimal::from(n))? / Decimal::ONE_HUNDRED).ceil();
    let rank = usize::try_from(rank.mantissa()).unwrap_or(n).clamp(1, n);
    sorted.get(rank - 1).copied()
}

fn holds(op: CmpOp, a: Decimal, b: Decimal) -> bool {
    op.holds(a.cmp(&b))
}

/// A measured value in the kind of the bound, rounded for reading.
fn show(v: Decimal, bound: &Val) -> String {
    match bound {
        Val::Money(_, c) if !c.is_empty() => format!("{} {c}", v.round_dp(2).normalize()),
        Val::Dur(_) => i64::try_from(v.round().mantissa()).map_or_else(|_| v.to_string(), format_duration),
        _ => v.round_dp(2).normalize().to_string(),
    }
}

/// State of a share standard: per period, the events of the type and how
/// many meet each term's condition.
#[derive(Default)]
pub struct ShareState {
    periods: BTreeMap<PeriodKey, (u64, Vec<u64>)>,
}

impl ShareState {
    /// Counts `e` in its period.
    pub fn on_event(&mut self, env: &RuleEnv, s: &ShareStandard, e: &Event) {
        if e.kind != s.event || !env.in_force(e.time) {
            return;
        }
        let ctx = env.ctx(Some(e), None);
        let entry = self
            .periods
            .entry(time::period_of(e.time, env.jur.tz, s.period))
            .or_insert_with(|| (0, vec![0; s.terms.len()]));
        entry.0 += 1;
        for ((_, cond), n) in s.terms.iter().zip(entry.1.iter_mut()) {
            if cond.as_ref().is_none_or(|c| c.holds(&ctx)) {
                *n += 1;
            }
        }
    }

    /// Adds the counts another slice of the log made (whole numbers: the
    /// shares at the merge are exactly those of one run).
    pub fn absorb(&mut self, other: ShareState) {
        for (period, (total, matched)) in other.periods {
            let entry = self.periods.entry(period).or_insert_with(|| (0, vec![0; matched.len()]));
            entry.0 += total;
            for (n, m) in entry.1.iter_mut().zip(matched) {
                *n += m;
            }
        }
    }

    /// One instance per period with events of the type.
    pub fn finish(&mut self, env: &RuleEnv, s: &ShareStandard, horizon: Micros, out: &mut Vec<Instance>) {
        for (key, (total, matched)) in std::mem::take(&mut self.periods) {
            let (ok, summary) = share_verdict(s, total, &matched);
            let measured = Some(Measured {
                period: key,
                value: share_value(s, total, &matched),
                op: s.op,
                bound: s.bound,
                unit: MeasuredUnit::Percent,
            });
            let bound = format!("bound {} {}%", s.op.as_str(), s.bound.normalize());
            if !complete(key, env.jur.tz, horizon) {
                let note = format!("{key}: {summary}, {bound}; period not over");
                out.push(period_instance(env, Verdict::Pending, key, note, measured));
                continue;
            }
            let verdict = if ok { Verdict::Satisfied } else { Verdict::Violated };
            let note = format!("{key}: {summary}, {bound}");
            out.push(period_instance(env, verdict, key, note, measured));
        }
    }
}

/// Σ ±matched·100/total, in percent (zero without events).
fn share_value(s: &ShareStandard, total: u64, matched: &[u64]) -> Decimal {
    if total == 0 {
        return Decimal::ZERO;
    }
    let sum: Decimal = s
        .terms
        .iter()
        .zip(matched)
        .map(|((sign, _), m)| match sign {
            Sign::Plus => Decimal::from(*m),
            Sign::Minus => -Decimal::from(*m),
        })
        .sum();
    sum * Decimal::ONE_HUNDRED / Decimal::from(total)
}

/// Whether Σ ±matched·100/total meets the bound (compared exactly as
/// Σ ±matched·100 against bound·total), and the sentence saying so.
pub fn share_verdict(s: &ShareStandard, total: u64, matched: &[u64]) -> (bool, String) {
    let t = Decimal::from(total);
    let mut sum = Decimal::ZERO;
    let mut parts = vec![];
    for ((sign, _), m) in s.terms.iter().zip(matched) {
        let pct = Decimal::from(*m) * Decimal::ONE_HUNDRED;
        sum = match sign {
            Sign::Plus => sum + pct,
            Sign::Minus => sum - pct,
        };
        let shown = (pct / t).round_dp(2).normalize();
        let sep = if parts.is_empty() { "" } else { sign.as_str() };
        parts.push(format!("{sep}{}{shown}% ({m} of {total})", if sep.is_empty() { "" } else { " " }));
    }
    let ok = s.bound.checked_mul(t).is_some_and(|b| holds(s.op, sum, b));
    let value = (sum / t).round_dp(2).normalize();
    let summary = if parts.len() == 1 { parts.join("") } else { format!("{} = {value}%", parts.join(" ")) };
    (ok, summary)
}
