//! The compiled form of a policy: rules resolved to symbols, correlations
//! split into hash keys and residual conditions, calendars resolved.

use super::expr::CExpr;
use crate::log::{Projection, Sym};
use crate::span::{FileId, Span};
use crate::syntax::ast::{AggFn, CmpOp, DurationUnit, Period, RemedyUnit, Whichever};
use crate::time::Calendar;
use crate::value::Val;
use chrono::NaiveDate;
use chrono_tz::Tz;
use rust_decimal::Decimal;

/// A whole compiled policy set, ready to run over a log.
#[derive(Debug, Clone)]
pub struct Program {
    /// What the log readers keep.
    pub proj: Projection,
    /// The jurisdictions evaluated.
    pub jurisdictions: Vec<Jurisdiction>,
    /// Every rule instance-producing unit, in a deterministic order.
    pub rules: Vec<Rule>,
}

/// A jurisdiction as evaluated.
#[derive(Debug, Clone)]
pub struct Jurisdiction {
    /// Its code.
    pub name: String,
    /// Its title.
    pub title: Option<String>,
    /// Its time zone.
    pub tz: Tz,
    /// Its business calendar.
    pub calendar: Calendar,
    /// The name of that calendar, if any.
    pub calendar_name: Option<String>,
}

/// `[from, until)` in local dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InForce {
    /// First day in force.
    pub from: Option<NaiveDate>,
    /// First day no longer in force.
    pub until: Option<NaiveDate>,
}

impl InForce {
    /// True when `date` lies in the range.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from.is_none_or(|f| date >= f) && self.until.is_none_or(|u| date < u)
    }
}

/// A rule as evaluated for one jurisdiction.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Its name.
    pub name: String,
    /// Index into [`Program::jurisdictions`].
    pub jurisdiction: usize,
    /// Its title.
    pub title: Option<String>,
    /// Its citation.
    pub cites: Option<String>,
    /// The file declaring it (may belong to a parent jurisdiction).
    pub file: FileId,
    /// The span of its name.
    pub span: Span,
    /// When it is in force (rule ∩ jurisdiction).
    pub in_force: InForce,
    /// What it checks.
    pub kind: Kind,
    /// What a violation owes.
    pub remedy: Option<Remedy>,
}

/// The attribute correlation of a clause: `where case == c.case and ...`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Corr {
    /// Equalities `candidate.key == anchor.key`: (candidate key, anchor key).
    pub pairs: Vec<(Sym, Sym)>,
    /// The rest of the condition, evaluated per candidate.
    pub residual: Option<CExpr>,
}

/// An event type with its correlation to the anchor.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// Accepted event types.
    pub types: Vec<Sym>,
    /// The correlation.
    pub corr: Corr,
}

/// A deadline duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Count of units.
    pub amount: i64,
    /// The unit.
    pub unit: DurationUnit,
}

/// `where [not] prior B where ... [within D]` on a trigger or a forbidden
/// event.
#[derive(Debug, Clone, PartialEq)]
pub struct PriorCond {
    /// The earlier event and its correlation to the anchor.
    pub matcher: Match,
    /// How far back.
    pub within: Option<Window>,
    /// True for `not prior`.
    pub negated: bool,
}

/// `by x.field [, whichever is later|earlier]`.
#[derive(Debug, Clone)]
pub struct ByDate {
    /// The date or time, read from the trigger.
    pub value: CExpr,
    /// Which of `within` and `by` applies, when both are written.
    pub whichever: Option<Whichever>,
    /// The field's name, for notes.
    pub field: String,
}

/// `extended by D when E where ...`.
#[derive(Debug, Clone)]
pub struct Extension {
    /// How far the deadline moves.
    pub window: Window,
    /// The extending event.
    pub matcher: Match,
}

/// The kinds of rules.
#[derive(Debug, Clone)]
pub enum Kind {
    /// `when A require B within D | before E`.
    Obligation(Obligation),
    /// `when A require prior B [within D]`.
    Precedence(Precedence),
    /// `forbid A where ...`.
    Prohibition(Prohibition),
    /// `per key: f(A...) op bound`.
    Aggregate(Aggregate),
    /// `per period: rate(rule) op bound`.
    Rate(RateStandard),
    /// `per period: average(delay ...) op bound`.
    Delay(DelayStandard),
    /// `per period: count(A) op bound`.
    PeriodCount(PeriodCount),
}

/// The exceptions of a rule.
#[derive(Debug, Clone, Default)]
pub struct Exceptions {
    /// `unless cond` on the trigger.
    pub conditions: Vec<CExpr>,
    /// `unless E where ...` while open.
    pub events: Vec<Match>,
    /// `unless prior E where ... [within D]`.
    pub prior: Vec<(Match, Option<Window>)>,
    /// The source span of each exception, numbered conditions first, then
    /// events, then prior events (see [`Exceptions::ordinal`]).
    pub spans: Vec<Span>,
}

/// Which form of exception applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExceptionKind {
    /// `unless cond`.
    Condition,
    /// `unless E`.
    Event,
    /// `unless prior E`.
    Prior,
}

impl Exceptions {
    /// The number of the `index`-th exception of a kind, an index into `spans`.
    pub fn ordinal(&self, kind: ExceptionKind, index: usize) -> usize {
        match kind {
            ExceptionKind::Condition => index,
            ExceptionKind::Event => self.conditions.len() + index,
            ExceptionKind::Prior => self.conditions.len() + self.events.len() + index,
        }
    }
}

/// An obligation with a deadline.
#[derive(Debug, Clone)]
pub struct Obligation {
    /// The trigger type.
    pub trigger: Sym,
    /// The trigger's condition.
    pub condition: Option<CExpr>,
    /// What fulfils it.
    pub awaited: Match,
    /// Conditions on earlier events, all required for an instance.
    pub priors: Vec<PriorCond>,
    /// `within D`.
    pub within: Option<Window>,
    /// `by x.date [, whichever ...]`.
    pub by: Option<Box<ByDate>>,
    /// `, ending on a business day`.
    pub roll: bool,
    /// `extended by D when E ...`, at most 32 (each applies once).
    pub extensions: Vec<Extension>,
    /// `before E where ...`.
    pub before: Option<Match>,
    /// Exceptions.
    pub unless: Exceptions,
    /// `forbid E where ... while open`.
    pub window_forbids: Vec<Match>,
}

/// A precedence: something must have happened before.
#[derive(Debug, Clone)]
pub struct Precedence {
    /// The trigger type.
    pub trigger: Sym,
    /// The trigger's condition.
    pub condition: Option<CExpr>,
    /// Conditions on earlier events, all required for an instance.
    pub priors: Vec<PriorCond>,
    /// What must have happened before.
    pub required: Match,
    /// The look-back window.
    pub within: Option<Window>,
    /// Exceptions.
    pub unless: Exceptions,
}

/// A prohibition.
#[derive(Debug, Clone)]
pub struct Prohibition {
    /// The forbidden type.
    pub event: Sym,
    /// The condition making it forbidden.
    pub condition: Option<CExpr>,
    /// Conditions on earlier events, all required for it to be forbidden.
    pub priors: Vec<PriorCond>,
    /// Exceptions.
    pub unless: Exceptions,
}

/// A per-key aggregate.
#[derive(Debug, Clone)]
pub struct Aggregate {
    /// The grouping keys.
    pub keys: Vec<Sym>,
    /// The function.
    pub func: AggFn,
    /// The measured type.
    pub event: Sym,
    /// The filter.
    pub condition: Option<CExpr>,
    /// The measured field.
    pub field: Option<Sym>,
    /// The comparison.
    pub op: CmpOp,
    /// The bound.
    pub bound: Val,
}

/// A rate of satisfied instances of another rule per period.
#[derive(Debug, Clone)]
pub struct RateStandard {
    /// The period.
    pub period: Period,
    /// Index of the measured rule in [`Program::rules`].
    pub target: usize,
    /// The comparison.
    pub op: CmpOp,
    /// The bound, in percent.
    pub bound: Decimal,
}

/// A statistic of a measured delay per period.
#[derive(Debug, Clone)]
pub struct DelayStandard {
    /// The period.
    pub period: Period,
    /// average, percentile, min or max.
    pub func: AggFn,
    /// The percentile, for `percentile`.
    pub percentile: Option<Decimal>,
    /// The start event.
    pub from: Sym,
    /// Its condition.
    pub from_condition: Option<CExpr>,
    /// The end event(s) and correlation.
    pub to: Match,
    /// The comparison.
    pub op: CmpOp,
    /// The bound, in microseconds.
    pub bound: i64,
}

/// A count of events per period.
#[derive(Debug, Clone)]
pub struct PeriodCount {
    /// The period.
    pub period: Period,
    /// The counted type.
    pub event: Sym,
    /// The filter.
    pub condition: Option<CExpr>,
    /// The comparison.
    pub op: CmpOp,
    /// The bound.
    pub bound: Val,
}

/// The compensation a violation owes.
#[derive(Debug, Clone)]
pub struct Remedy {
    /// The currency.
    pub currency: String,
    /// Fixed amount.
    pub fixed: Decimal,
    /// Amounts per unit late.
    pub per_unit: Vec<(Decimal, RemedyUnit)>,
    /// The cap.
    pub cap: Option<Decimal>,
}
