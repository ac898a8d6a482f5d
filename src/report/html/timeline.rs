//! Instances per rule per month, by verdict, counted as they are decided:
//! a few numbers per rule and month, whatever the length of the log.
//!
//! An instance counts in the local month (the rule's jurisdiction's time
//! zone) of its trigger; a period standard's, which has none, is undated
//! (its chart is of what it measured per period). Working out a local month takes a time-zone lookup,
//! so each rule remembers the bounds of the last month it met: logs come in
//! time order, and nearly every instance falls in the month of the one
//! before.

use crate::eval::Instance;
use crate::syntax::ast::{Period, Verdict};
use crate::time::{self, Micros, PeriodKey};
use chrono_tz::Tz;
use std::collections::BTreeMap;

/// Counts by verdict: satisfied, violated, pending.
pub type Counts = [u64; 3];

/// The slot of a verdict in [`Counts`].
pub fn slot(verdict: Verdict) -> usize {
    match verdict {
        Verdict::Satisfied => 0,
        Verdict::Violated => 1,
        Verdict::Pending => 2,
    }
}

/// Per rule, its instances per month.
#[derive(Debug, Default)]
pub struct Timeline {
    rules: Vec<RuleMonths>,
}

#[derive(Debug, Default)]
struct RuleMonths {
    months: BTreeMap<PeriodKey, Counts>,
    /// Instances with no time to place them by.
    undated: Counts,
    /// The last month met: `[start, end)` and its key.
    last: Option<(Micros, Micros, PeriodKey)>,
}

impl Timeline {
    /// An empty timeline for `rules` rules.
    pub fn new(rules: usize) -> Self {
        Timeline { rules: (0..rules).map(|_| RuleMonths::default()).collect() }
    }

    /// Counts one instance of its rule, whose time zone is `tz`.
    pub fn record(&mut self, inst: &Instance, tz: Tz) {
        let Some(rule) = self.rules.get_mut(inst.rule) else { return };
        let slot = slot(inst.verdict);
        match &inst.trigger {
            Some(t) => {
                let month = rule.month_of(t.time, tz);
                rule.months.entry(month).or_default()[slot] += 1;
            }
            None => rule.undated[slot] += 1,
        }
    }

    /// `n` satisfied instances of rule `rule` that came without a time.
    pub fn undated_satisfied(&mut self, rule: usize, n: u64) {
        if let Some(r) = self.rules.get_mut(rule) {
            r.undated[0] += n;
        }
    }

    /// The months of rule `rule` with instances, in order.
    pub fn months(&self, rule: usize) -> impl Iterator<Item = (PeriodKey, Counts)> + '_ {
        self.rules.get(rule).into_iter().flat_map(|r| r.months.iter().map(|(k, c)| (*k, *c)))
    }

    /// The instances of rule `rule` placed in no month.
    pub fn undated(&self, rule: usize) -> Counts {
        self.rules.get(rule).map_or([0; 3], |r| r.undated)
    }
}

impl RuleMonths {
    fn month_of(&mut self, t: Micros, tz: Tz) -> PeriodKey {
        if let Some((start, end, key)) = self.last {
            if start <= t && t < end {
                return key;
            }
        }
        let key = time::period_of(t, tz, Period::Month);
        self.last = Some((time::period_start(key, tz), time::period_end(key, tz), key));
        key
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::EventRef;
    use crate::log::Loc;

    fn at(rfc3339: &str) -> Option<EventRef> {
        let time = time::parse_instant(rfc3339).unwrap_or_else(|| panic!("{rfc3339}"));
        Some(EventRef::new(Loc { file: 0, line: 1 }, time, crate::log::OTHER))
    }

    fn instance(verdict: Verdict, trigger: Option<EventRef>) -> Instance {
        Instance {
            rule: 0,
            verdict,
            key: vec![],
            attrs: vec![],
            trigger,
            deadline: None,
            evidence: None,
            lateness: None,
            remedy: None,
            remedy_error: None,
            customer: None,
            note: "".into(),
            measured: None,
        }
    }

    /// Months are local: 23:30 on 31 March in São Paulo is March, although
    /// it is April in UTC; the month remembered does not leak into the next.
    #[test]
    fn instances_count_in_the_local_month_of_their_trigger() {
        let tz: Tz = chrono_tz::America::Sao_Paulo;
        let mut t = Timeline::new(1);
        t.record(&instance(Verdict::Satisfied, at("2026-03-31T23:30:00-03:00")), tz);
        t.record(&instance(Verdict::Violated, at("2026-03-02T00:00:00-03:00")), tz);
        t.record(&instance(Verdict::Violated, at("2026-04-01T00:00:00-03:00")), tz);
        t.record(&instance(Verdict::Pending, None), tz);
        t.undated_satisfied(0, 2);
        let months: Vec<(String, Counts)> = t.months(0).map(|(k, c)| (k.to_string(), c)).collect();
        assert_eq!(months, [("2026-03".to_string(), [1, 1, 0]), ("2026-04".to_string(), [0, 1, 0])]);
        assert_eq!(t.undated(0), [2, 0, 1]);
        assert_eq!(t.months(7).count(), 0);
    }
}
