//! Verdicts of rule instances, with their evidence, and the summary the
//! reports are made from.

use super::ir::Program;
use crate::log::{Event, Loc, Sym};
use crate::syntax::ast::{CmpOp, Verdict};
use crate::time::{Due, Micros, PeriodKey};
use crate::value::Val;
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// An event named as evidence: where and when it was read, and its type.
/// The location is kept as its two fields rather than a [`Loc`] so that the
/// type fits in what would be the `Loc`'s padding (24 bytes in all).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventRef {
    /// Its time.
    pub time: Micros,
    /// 1-based line (see [`Loc`]).
    pub line: u64,
    /// Index of the log file.
    pub file: u32,
    /// Its event type.
    pub kind: Sym,
}

impl EventRef {
    /// The event `kind` read at `loc` at `time`.
    pub fn new(loc: Loc, time: Micros, kind: Sym) -> Self {
        EventRef { time, line: loc.line, file: loc.file, kind }
    }

    /// Where it was read.
    pub fn loc(&self) -> Loc {
        Loc { file: self.file, line: self.line }
    }
}

impl From<&Event> for EventRef {
    fn from(e: &Event) -> Self {
        EventRef::new(e.loc, e.time, e.kind)
    }
}

/// The verdict of one instance of a rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    /// Index of the rule in [`Program::rules`].
    pub rule: usize,
    /// Satisfied, violated or pending.
    pub verdict: Verdict,
    /// What identifies the instance (`case = "A"`, `period = "2026-03"`).
    pub key: Vec<(compact_str::CompactString, Val)>,
    /// The attributes of the event the instance is about (for matching
    /// test expectations by any attribute).
    pub attrs: Vec<(Sym, Val)>,
    /// The triggering (or offending, for prohibitions) event.
    pub trigger: Option<EventRef>,
    /// The deadline, for obligations.
    pub deadline: Option<Due>,
    /// The fulfilling, ending or offending event, if any.
    pub evidence: Option<EventRef>,
    /// How late, in microseconds, for violated obligations.
    pub lateness: Option<i64>,
    /// Compensation owed: amount and currency.
    pub remedy: Option<(Decimal, String)>,
    /// Why the compensation owed could not be computed, if so.
    pub remedy_error: Option<&'static str>,
    /// The customer owed the remedy.
    pub customer: Option<Val>,
    /// A sentence explaining the verdict.
    pub note: Cow<'static, str>,
    /// What a period standard measured in its period, against its bound
    /// (None for every other rule). Boxed: instances are built by the
    /// million and few of them are periods.
    pub measured: Option<Box<Measured>>,
}

/// The value a period standard measured in one period and the bound it was
/// held to: what its note says in words, as numbers a chart can draw.
#[derive(Debug, Clone, PartialEq)]
pub struct Measured {
    /// The period.
    pub period: PeriodKey,
    /// The value measured (for a period not over or not all decided, so
    /// far).
    pub value: Decimal,
    /// How the value must compare to the bound.
    pub op: CmpOp,
    /// The bound.
    pub bound: Decimal,
    /// What the value and the bound count.
    pub unit: MeasuredUnit,
}

/// What a measured value and its bound count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MeasuredUnit {
    /// A percentage (a rate of satisfied instances, a share of events).
    Percent,
    /// A number of events, or of distinct values.
    Count,
    /// A plain number (a statistic of a numeric field).
    Number,
    /// An amount of money of this currency (empty when the log does not say).
    Money(String),
    /// A duration in microseconds.
    Micros,
}

/// Receives instances as the engine decides them.
pub trait Sink {
    /// One decided instance.
    fn instance(&mut self, inst: Instance);

    /// An exception (number `unless` in the rule's `Exceptions::spans`)
    /// exempted an instance of rule `rule`, which therefore has no verdict.
    fn exempted(&mut self, _rule: usize, _unless: usize) {}

    /// A business-day deadline of a rule reached a year its calendar lists
    /// no holidays for (told once per rule and year, when the engine
    /// finishes).
    fn calendar_gap(&mut self, _gap: super::CalendarGap) {}

    /// Whether the sink still reads more of rule `rule`'s instances than
    /// their verdict, trigger time, remedy and customer: keys, attributes,
    /// evidence, lateness, or the order in which they are decided. When it
    /// does not, the engine may decide an obligation as soon as its
    /// deadline passes instead of waiting for a late event, and keep less
    /// of each open obligation. Once false for a rule it must stay false.
    fn keeps_details(&self, _rule: usize) -> bool {
        true
    }

    /// Whether the sink reads satisfied instances themselves, not only how
    /// many there are. When it does not (and the engine is not detailed),
    /// the engine may hand over only their number with
    /// [`Sink::satisfied`], in any order.
    fn keeps_satisfied(&self) -> bool {
        true
    }

    /// `n` more satisfied instances of rule `rule`, only counted (see
    /// [`Sink::keeps_satisfied`]).
    fn satisfied(&mut self, _rule: usize, _n: u64) {}

    /// Whether the sink reads [`Instance::attrs`] (tests, explanations).
    /// When it does not (and the engine is not detailed), instances come
    /// without them, and an obligation past its deadline keeps only the
    /// attributes of its trigger that its violation still shows or reads.
    fn keeps_attrs(&self) -> bool {
        true
    }
}

/// Keeps everything (tests, the REPL).
#[derive(Debug, Default)]
pub struct Collect {
    /// Every instance, in the order decided.
    pub instances: Vec<Instance>,
    /// Every exemption: (rule, exception number).
    pub exemptions: Vec<(usize, usize)>,
    /// Years deadlines reached that their calendar does not cover.
    pub calendar_gaps: Vec<super::CalendarGap>,
}

impl Sink for Collect {
    fn instance(&mut self, inst: Instance) {
        self.instances.push(inst);
    }

    fn exempted(&mut self, rule: usize, unless: usize) {
        self.exemptions.push((rule, unless));
    }

    fn calendar_gap(&mut self, gap: super::CalendarGap) {
        self.calendar_gaps.push(gap);
    }
}

/// Counts per rule, keeps violations (the CLI).
#[derive(Debug, Default, Clone)]
pub struct Summary {
    /// Per rule: satisfied, violated, pending.
    pub counts: Vec<[u64; 3]>,
    /// Per rule: remedy totals per currency.
    pub remedies: Vec<BTreeMap<String, Decimal>>,
    /// Per customer: remedy totals per currency.
    pub by_customer: BTreeMap<String, BTreeMap<String, Decimal>>,
    /// Every violation, in the order decided.
    pub violations: Vec<Instance>,
    /// Events later than the horizon, not judged.
    pub after_horizon: u64,
    /// Years deadlines reached that their calendar does not cover.
    pub calendar_gaps: Vec<super::CalendarGap>,
    /// How many violations to keep per rule (None: all of them). Counts and
    /// remedies always cover every instance.
    pub keep_per_rule: Option<usize>,
    /// Violations whose remedy could not be computed: (rule, why) and how
    /// many, for a run warning (the amounts owed leave them out).
    pub remedy_errors: BTreeMap<(usize, &'static str), u64>,
    /// Per rule: declared `measure`. A measure's instances are counted but
    /// never listed as violations nor summed in [`Summary::violated`].
    pub measures: Vec<bool>,
}

impl Summary {
    /// An empty summary for `program`.
    pub fn new(program: &Program) -> Self {
        Summary {
            counts: vec![[0; 3]; program.rules.len()],
            remedies: vec![BTreeMap::new(); program.rules.len()],
            measures: program.rules.iter().map(|r| r.measure).collect(),
            ..Summary::default()
        }
    }

    /// An empty summary keeping at most `n` violations per rule.
    pub fn keeping(program: &Program, n: usize) -> Self {
        Summary { keep_per_rule: Some(n), ..Summary::new(program) }
    }

    /// Adds an amount owed to the totals of its rule and its customer; when
    /// either total would overflow, neither takes it and the run says so.
    fn add_owed(&mut self, rule: usize, customer: String, currency: &str, amount: Decimal) {
        let by_rule = self.remedies.get(rule).and_then(|r| r.get(currency)).copied().unwrap_or_default();
        let by_customer = self.by_customer.get(&customer).and_then(|c| c.get(currency)).copied().unwrap_or_default();
        match (by_rule.checked_add(amount), by_customer.checked_add(amount)) {
            (Some(r), Some(c)) => {
                if let Some(totals) = self.remedies.get_mut(rule) {
                    totals.insert(currency.to_string(), r);
                }
                self.by_customer.entry(customer).or_default().insert(currency.to_string(), c);
            }
            _ => *self.remedy_errors.entry((rule, "the total owed overflows")).or_default() += 1,
        }
    }

    /// Total violations, measures left out.
    pub fn violated(&self) -> u64 {
        self.counts.iter().enumerate().filter(|(i, _)| !self.is_measure(*i)).map(|(_, c)| c[1]).sum()
    }

    /// True when rule `rule` is a measure.
    pub fn is_measure(&self, rule: usize) -> bool {
        self.measures.get(rule).copied().unwrap_or(false)
    }

    /// Counts `inst` and adds what it owes, without keeping it.
    fn tally(&mut self, inst: &Instance) {
        let slot = match inst.verdict {
            Verdict::Satisfied => 0,
            Verdict::Violated => 1,
            Verdict::Pending => 2,
        };
        if let Some(c) = self.counts.get_mut(inst.rule) {
            c[slot] += 1;
        }
        if let Some(why) = inst.remedy_error {
            *self.remedy_errors.entry((inst.rule, why)).or_default() += 1;
        }
        if let Some((amount, currency)) = &inst.remedy {
            let customer = match &inst.customer {
                Some(Val::Str(s)) => s.to_string(),
                Some(v) => v.to_string(),
                None => "(unknown)".to_string(),
            };
            self.add_owed(inst.rule, customer, currency, *amount);
        }
    }
}

impl Sink for Summary {
    fn instance(&mut self, inst: Instance) {
        self.tally(&inst);
        let kept = self.counts.get(inst.rule).map_or(0, |c| c[1]);
        let listed = !self.is_measure(inst.rule);
        if listed && inst.verdict == Verdict::Violated && self.keep_per_rule.is_none_or(|n| kept <= n as u64) {
            self.violations.push(inst);
        }
    }

    fn calendar_gap(&mut self, gap: super::CalendarGap) {
        self.calendar_gaps.push(gap);
    }

    fn keeps_satisfied(&self) -> bool {
        false
    }

    fn satisfied(&mut self, rule: usize, n: u64) {
        if let Some(c) = self.counts.get_mut(rule) {
            c[0] += n;
        }
    }

    /// Details matter until the rule has as many violations as are kept.
    fn keeps_details(&self, rule: usize) -> bool {
        if self.is_measure(rule) {
            return false;
        }
        let violated = self.counts.get(rule).map_or(0, |c| c[1]);
        self.keep_per_rule.is_none_or(|n| violated < n as u64)
    }
}

/// Counts like a [`Summary`] that keeps no violation, and hands each
/// violation it would have listed to `listed` as it is decided (a report
/// written while the log is read, in bounded memory).
pub struct Streamed<F> {
    /// Counts, remedies and warnings.
    pub summary: Summary,
    listed: F,
}

impl<F: FnMut(Instance)> Streamed<F> {
    /// A sink for `program` passing listed violations to `listed`.
    pub fn new(program: &Program, listed: F) -> Self {
        Streamed { summary: Summary::keeping(program, 0), listed }
    }

    /// The summary, letting go of `listed`.
    pub fn into_summary(self) -> Summary {
        self.summary
    }
}

impl<F: FnMut(Instance)> Sink for Streamed<F> {
    fn instance(&mut self, inst: Instance) {
        self.summary.tally(&inst);
        if inst.verdict == Verdict::Violated && !self.summary.is_measure(inst.rule) {
            (self.listed)(inst);
        }
    }

    fn calendar_gap(&mut self, gap: super::CalendarGap) {
        self.summary.calendar_gap(gap);
    }

    fn keeps_satisfied(&self) -> bool {
        false
    }

    fn satisfied(&mut self, rule: usize, n: u64) {
        self.summary.satisfied(rule, n);
    }

    /// Every listed violation is written whole, as a summary keeping all.
    fn keeps_details(&self, rule: usize) -> bool {
        !self.summary.is_measure(rule)
    }

    /// Reports show keys, not the other attributes.
    fn keeps_attrs(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Instances are built by the million, and few are periods: what a
    /// period standard measured costs every other instance one pointer.
    #[test]
    fn what_a_period_measured_costs_other_instances_one_pointer() {
        assert_eq!(std::mem::size_of::<Option<Box<Measured>>>(), std::mem::size_of::<usize>());
    }

    /// Every instance names up to two events; their type costs no room.
    #[test]
    fn an_event_named_as_evidence_takes_24_bytes() {
        assert_eq!(std::mem::size_of::<EventRef>(), 24);
        assert_eq!(std::mem::size_of::<Option<EventRef>>(), 32);
    }
}
