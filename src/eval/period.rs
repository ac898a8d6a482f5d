//! Period standards: per calendar month, quarter or year, a rate of
//! satisfied instances of another rule, a statistic of a measured delay, or
//! a count of events. A period that ends after the horizon, or whose
//! instances are not all decided, is pending.

use super::emit::{instance, owe};
use super::engine::RuleEnv;
use super::expr::compare;
use super::ir::{DelayStandard, PeriodCount, RateStandard};
use super::keys::{anchor_keys, candidate_keys, key_of, Key};
use super::verdict::{EventRef, Instance, Measured, MeasuredUnit};
use crate::log::Event;
use crate::syntax::ast::{AggFn, CmpOp, Verdict};
use crate::time::{self, Micros, PeriodKey};
use crate::value::{format_duration, Val};
use chrono_tz::Tz;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;

/// An instance named by its period, with what it measured when a value
/// was measured.
pub(super) fn period_instance(
    env: &RuleEnv,
    verdict: Verdict,
    key: PeriodKey,
    note: String,
    measured: Option<Measured>,
) -> Instance {
    let mut inst = instance(env, verdict, None, &[], note);
    inst.key = vec![("period".into(), Val::Str(key.to_string().into()))];
    inst.measured = measured.map(Box::new);
    if verdict == Verdict::Violated {
        owe(&mut inst, env, None, 0, None);
    }
    inst
}

/// True when the period is over at the horizon.
pub(super) fn complete(key: PeriodKey, tz: Tz, horizon: Micros) -> bool {
    time::period_end(key, tz) <= horizon
}

/// Tallies of the measured rule's verdicts per period of their trigger.
#[derive(Default)]
pub struct RateState {
    tallies: BTreeMap<PeriodKey, [u64; 3]>,
}

impl RateState {
    /// Counts one instance of the measured rule.
    pub fn record(&mut self, r: &RateStandard, inst: &Instance, tz: Tz) {
        let Some(t) = inst.trigger else { return };
        let slot = match inst.verdict {
            Verdict::Satisfied => 0,
            Verdict::Violated => 1,
            Verdict::Pending => 2,
        };
        self.tallies.entry(time::period_of(t.time, tz, r.period)).or_default()[slot] += 1;
    }

    /// One instance per period with instances.
    pub fn finish(&mut self, env: &RuleEnv, r: &RateStandard, horizon: Micros, out: &mut Vec<Instance>) {
        for (key, [sat, vio, pend]) in std::mem::take(&mut self.tallies) {
            let decided = sat + vio;
            // The rate so far, when anything is decided.
            let rate = (decided > 0).then(|| Decimal::from(sat) * Decimal::ONE_HUNDRED / Decimal::from(decided));
            let measured = rate.map(|value| Measured {
                period: key,
                value,
                op: r.op,
                bound: r.bound,
                unit: MeasuredUnit::Percent,
            });
            let Some(rate) = rate.filter(|_| pend == 0 && complete(key, env.jur.tz, horizon)) else {
                let note = format!("{key}: {sat} satisfied, {vio} violated, {pend} pending; not final");
                out.push(period_instance(env, Verdict::Pending, key, note, measured));
                continue;
            };
            let ok = compare(r.op, &Val::Percent(rate), &Val::Percent(r.bound));
            let verdict = if ok { Verdict::Satisfied } else { Verdict::Violated };
            let note = format!("{key}: {}% ({sat} of {decided}) {} {}%", rate.round_dp(2), r.op.as_str(), r.bound);
            out.push(period_instance(env, verdict, key, note, measured));
        }
    }
}

/// Open delays and measured delays per period.
#[derive(Default)]
pub struct DelayState {
    open: FxHashMap<Key, Vec<Event>>,
    delays: BTreeMap<PeriodKey, Vec<i64>>,
}

impl DelayState {
    /// Starts or ends a delay.
    pub fn on_event(&mut self, env: &RuleEnv, d: &DelayStandard, e: &Event) {
        if d.to.types.contains(&e.kind) {
            if let Some(key) = key_of(e, candidate_keys(&d.to.corr.pairs)) {
                if let Some(list) = self.open.get_mut(&key) {
                    let mut kept = vec![];
                    for start in list.drain(..) {
                        let ctx = env.ctx(Some(e), Some(&start));
                        if d.to.corr.residual.as_ref().is_none_or(|r| r.holds(&ctx)) {
                            let period = time::period_of(start.time, env.jur.tz, d.period);
                            self.delays.entry(period).or_default().push(e.time - start.time);
                        } else {
                            kept.push(start);
                        }
                    }
                    if kept.is_empty() {
                        self.open.remove(&key);
                    } else {
                        *list = kept;
                    }
                }
            }
        }
        if e.kind == d.from && env.in_force(e.time) {
            let ctx = env.ctx(Some(e), None);
            if d.from_condition.as_ref().is_none_or(|c| c.holds(&ctx)) {
                if let Some(key) = key_of(e, anchor_keys(&d.to.corr.pairs)) {
                    self.open.entry(key).or_default().push(e.clone());
                }
            }
        }
    }

    /// Takes in the delays another slice of the log measured (the values
    /// themselves, so that averages and percentiles stay exact); the
    /// delays still open there stay there.
    pub fn absorb(&mut self, other: DelayState) {
        for (period, mut delays) in other.delays {
            self.delays.entry(period).or_default().append(&mut delays);
        }
    }

    /// One instance per period with measured delays.
    pub fn finish(&mut self, env: &RuleEnv, d: &DelayStandard, horizon: Micros, out: &mut Vec<Instance>) {
        for (key, mut delays) in std::mem::take(&mut self.delays) {
            let Some(value) = statistic(d.func, d.percentile, &mut delays) else { continue };
            let what = match d.func {
                AggFn::Percentile => format!("percentile {}", d.percentile.unwrap_or_default()),
                f => f.as_str().to_string(),
            };
            let summary = format!("{key}: {what} of {} delays is {}", delays.len(), format_duration(value));
            let measured = Some(Measured {
                period: key,
                value: Decimal::from(value),
                op: d.op,
                bound: Decimal::from(d.bound),
                unit: MeasuredUnit::Micros,
            });
            if !complete(key, env.jur.tz, horizon) {
                let note = format!("{summary}; period not over");
                out.push(period_instance(env, Verdict::Pending, key, note, measured));
                continue;
            }
            let ok = compare(d.op, &Val::Dur(value), &Val::Dur(d.bound));
            let verdict = if ok { Verdict::Satisfied } else { Verdict::Violated };
            let note = format!("{summary}, bound {} {}", d.op.as_str(), format_duration(d.bound));
            out.push(period_instance(env, verdict, key, note, measured));
        }
        self.open.clear();
    }
}

/// The statistic of a non-empty list of delays (sorts it).
fn statistic(func: AggFn, percentile: Option<Decimal>, delays: &mut [i64]) -> Option<i64> {
    if delays.is_empty() {
        return None;
    }
    delays.sort_unstable();
    let n = delays.len();
    Some(match func {
        AggFn::Min => delays[0],
        AggFn::Max => delays[n - 1],
        AggFn::Percentile => {
            // Nearest rank: the smallest value with at least p% at or below it.
            let p = percentile.unwrap_or(Decimal::ONE_HUNDRED);
            let rank = (p * Decimal::from(n) / Decimal::ONE_HUNDRED).ceil();
            let rank = usize::try_from(rank.mantissa()).unwrap_or(n).clamp(1, n);
            delays[rank - 1]
        }
        _ => {
            let sum: i128 = delays.iter().map(|d| i128::from(*d)).sum();
            i64::try_from(sum / n as i128).unwrap_or(i64::MAX)
        }
    })
}

/// Counts per period.
#[derive(Default)]
pub struct PeriodCountState {
    counts: BTreeMap<PeriodKey, (i64, Option<EventRef>)>,
}

impl PeriodCountState {
    /// Counts `e` in its period.
    pub fn on_event(&mut self, env: &RuleEnv, c: &PeriodCount, e: &Event) {
        if e.kind != c.event || !env.in_force(e.time) {
            return;
        }
        if c.condition.as_ref().is_some_and(|x| !x.holds(&env.ctx(Some(e), None))) {
            return;
        }
        let entry = self.counts.entry(time::period_of(e.time, env.jur.tz, c.period)).or_insert((0, None));
        entry.0 += 1;
        if entry.1.is_none() && !compare(c.op, &Val::Int(entry.0), &c.bound) {
            entry.1 = Some(EventRef::from(e));
        }
    }

    /// One instance per period with events. A period not over is pending,
    /// unless an upper bound is already exceeded.
    pub fn finish(&mut self, env: &RuleEnv, c: &PeriodCount, horizon: Micros, out: &mut Vec<Instance>) {
        for (key, (n, breach)) in std::mem::take(&mut self.counts) {
            let ok = compare(c.op, &Val::Int(n), &c.bound);
            let upper = matches!(c.op, CmpOp::Le | CmpOp::Lt);
            let note = format!("{key}: {n} events, bound {} {}", c.op.as_str(), c.bound);
            let verdict = match (complete(key, env.jur.tz, horizon), ok) {
                (_, false) if upper => Verdict::Violated,
                (false, _) => Verdict::Pending,
                (true, true) => Verdict::Satisfied,
                (true, false) => Verdict::Violated,
            };
            let measured = c.bound.as_decimal().map(|bound| Measured {
                period: key,
                value: Decimal::from(n),
                op: c.op,
                bound,
                unit: MeasuredUnit::Count,
            });
            let mut inst = period_instance(env, verdict, key, note, measured);
            if verdict == Verdict::Violated {
                inst.evidence = breach;
            }
            out.push(inst);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::eval::{program_of, Collect, Engine, Measured, MeasuredUnit};
    use crate::log::{Event, Loc};
    use crate::syntax::ast::{CmpOp, Verdict};
    use crate::time::PeriodKey;
    use crate::value::Val;
    use rust_decimal::Decimal;

    const POLICY: &str = r#"jurisdiction T "Test"
  timezone "UTC"

event asked { case: id, score: int }
event answered { case: id }

rule answer "Answered within a day" cites "t" {
  when asked as a
  require answered where case == a.case within 24 hours
}
rule rate_std "Most are answered" cites "t" { per month: rate(answer) >= 90% }
rule delay_std "Answered fast" cites "t" {
  per month: average(delay from asked as a to answered where case == a.case) <= 1 hours
}
rule count_std "Few questions" cites "t" { per month: count(asked) <= 1 }
rule field_std "Good scores" cites "t" { per month: average(asked.score) >= 5 }
rule share_std "Promoters" cites "t" { per month: share(asked as s where s.score >= 9) >= 50% }
"#;

    /// Each period standard says, as numbers, what its note says in words:
    /// the value measured in the period (so far, while pending), the
    /// comparison, the bound and what they count.
    #[test]
    fn period_standards_carry_what_they_measured() {
        let program = program_of(POLICY);
        let (asked, answered) = (program.proj.types["asked"], program.proj.types["answered"]);
        let (case, score) = (program.proj.keys["case"], program.proj.keys["score"]);
        let hour = 3_600_000_000i64;
        let jan1 = 1_767_225_600_000_000i64; // 2026-01-01T00:00:00Z
        let feb1 = jan1 + 31 * 24 * hour;
        let events = [
            (jan1, asked, "C1", Some(10)),
            (jan1 + hour / 2, answered, "C1", None),
            (jan1 + 24 * hour, asked, "C2", Some(4)),
            (jan1 + 72 * hour, answered, "C2", None),
            (feb1, asked, "C3", Some(9)),
        ];
        let mut engine = Engine::new(&program, Collect::default(), true);
        for (line, (time, kind, id, points)) in events.into_iter().enumerate() {
            let mut attrs = vec![(case, Val::Str(id.into()))];
            attrs.extend(points.map(|p| (score, Val::Int(p))));
            engine.push(&Event {
                time,
                kind,
                attrs: attrs.into_iter().collect(),
                loc: Loc { file: 0, line: line as u64 },
            });
        }
        let got: Vec<(&str, Verdict, Option<Measured>)> = engine
            .finish(None)
            .instances
            .into_iter()
            .filter(|i| i.rule > 0)
            .map(|i| (program.rules[i.rule].name.as_str(), i.verdict, i.measured.map(|m| *m)))
            .collect();
        let (jan, feb) = (PeriodKey::Month { year: 2026, month: 1 }, PeriodKey::Month { year: 2026, month: 2 });
        let m = |period, value: i64, op, bound: i64, unit| {
            Some(Measured { period, value: Decimal::from(value), op, bound: Decimal::from(bound), unit })
        };
        use MeasuredUnit::*;
        use Verdict::*;
        let want = vec![
            ("delay_std", Violated, m(jan, (hour / 2 + 48 * hour) / 2, CmpOp::Le, hour, Micros)),
            ("count_std", Violated, m(jan, 2, CmpOp::Le, 1, Count)),
            ("count_std", Pending, m(feb, 1, CmpOp::Le, 1, Count)),
            ("field_std", Satisfied, m(jan, 7, CmpOp::Ge, 5, Number)),
            ("field_std", Pending, m(feb, 9, CmpOp::Ge, 5, Number)),
            ("share_std", Satisfied, m(jan, 50, CmpOp::Ge, 50, Percent)),
            ("share_std", Pending, m(feb, 100, CmpOp::Ge, 50, Percent)),
            // The rate is known once an instance is decided: not in February.
            ("rate_std", Violated, m(jan, 50, CmpOp::Ge, 90, Percent)),
            ("rate_std", Pending, None),
        ];
        assert_eq!(got, want);
    }
}
