//! What the HTML report gathers while the log is read, in memory bounded
//! by the number of rules, months and periods, not by the log: the counts
//! and remedies of a [`Summary`] keeping the first violations of each rule
//! (their evidence is listed), the instances per rule and month (the
//! charts), and what each period standard measured per period.

use super::timeline::Timeline;
use crate::eval::{CalendarGap, Instance, Measured, Program, Sink, Summary};
use crate::syntax::ast::Verdict;
use chrono_tz::Tz;

/// Violations per rule whose evidence the report lists by default.
pub const EVIDENCE_PER_RULE: usize = 100;

/// One period of a period standard: what it measured, and its verdict.
#[derive(Debug, Clone)]
pub struct PeriodPoint {
    /// The rule.
    pub rule: usize,
    /// Its verdict in that period.
    pub verdict: Verdict,
    /// The value and the bound.
    pub measured: Measured,
}

/// A sink gathering what the HTML report shows.
pub struct Collector {
    /// Counts, remedies and the violations listed.
    pub summary: Summary,
    /// Instances per rule and month.
    pub timeline: Timeline,
    /// Every measured period, in the order decided.
    pub periods: Vec<PeriodPoint>,
    /// Each rule's time zone.
    zones: Vec<Tz>,
}

impl Collector {
    /// A collector for `program` listing the evidence of at most
    /// `per_rule` violations per rule (all with None).
    pub fn new(program: &Program, per_rule: Option<usize>) -> Self {
        let summary = match per_rule {
            Some(n) => Summary::keeping(program, n),
            None => Summary::new(program),
        };
        let zones = program
            .rules
            .iter()
            .map(|r| program.jurisdictions.get(r.jurisdiction).map_or(chrono_tz::UTC, |j| j.tz))
            .collect();
        Collector { summary, timeline: Timeline::new(program.rules.len()), periods: vec![], zones }
    }
}

impl Sink for Collector {
    fn instance(&mut self, mut inst: Instance) {
        let tz = self.zones.get(inst.rule).copied().unwrap_or(chrono_tz::UTC);
        self.timeline.record(&inst, tz);
        if let Some(measured) = inst.measured.take() {
            self.periods.push(PeriodPoint { rule: inst.rule, verdict: inst.verdict, measured: *measured });
        }
        self.summary.instance(inst);
    }

    fn calendar_gap(&mut self, gap: CalendarGap) {
        self.summary.calendar_gap(gap);
    }

    /// Satisfied instances are charted by month, so each comes with its time.
    fn keeps_satisfied(&self) -> bool {
        true
    }

    fn satisfied(&mut self, rule: usize, n: u64) {
        self.timeline.undated_satisfied(rule, n);
        self.summary.satisfied(rule, n);
    }

    /// Details matter for the violations whose evidence is listed.
    fn keeps_details(&self, rule: usize) -> bool {
        self.summary.keeps_details(rule)
    }

    /// The report shows keys, not the other attributes.
    fn keeps_attrs(&self) -> bool {
        false
    }
}
