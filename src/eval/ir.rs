//! The compiled form of a policy: rules resolved to symbols, correlations
//! split into hash keys and residual conditions, calendars resolved.

use super::expr::CExpr;
use crate::log::{Projection, Sym};
use crate::span::{FileId, Span};
use crate::syntax::ast::{AggFn, CmpOp, DurationUnit, Period, RemedyUnit, Sign, Whichever};
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
    /// The legal text it encodes (`text "..."`).
    pub legal_text: Option<String>,
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
    /// Declared `measure`: its instances count only in the rates naming it,
    /// never as violations.
    pub measure: bool,
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
    Obligation(Box<Obligation>),
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
    /// `per period: average(A.field) op bound`, `distinct(A.field)`, ...
    PeriodField(PeriodField),
    /// `per period: share(A where ...) [- share(A where ...)] op bound`.
    Share(ShareStandard),
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
    /// `within NAME`: a duration parameter's windows by local date.
    pub within_param: Option<Box<WindowSchedule>>,
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
    /// `every D until E where ...`: a recurring duty (then `within` and
    /// `before` are None).
    pub every: Option<Box<Every>>,
}

/// A recurring duty's window and the event that ends it.
#[derive(Debug, Clone)]
pub struct Every {
    /// The window.
    pub window: Window,
    /// The event ending the duty.
    pub until: Match,
}

/// The windows of a duration parameter (`within answer_deadline`), by the
/// local date of the trigger.
#[derive(Debug, Clone)]
pub struct WindowSchedule {
    /// The parameter's name.
    pub name: String,
    /// `[from, until)` and the window in force then.
    pub entries: Vec<(NaiveDate, Option<NaiveDate>, Window)>,
}

impl WindowSchedule {
    /// The window in force on `date`.
    pub fn at(&self, date: NaiveDate) -> Option<Window> {
        self.entries.iter().find(|(f, u, _)| *f <= date && u.is_none_or(|u| date < u)).map(|e| e.2)
    }
}

impl Obligation {
    /// The `within` window of an obligation triggered at `t`: the fixed
    /// one, or the parameter's value on the trigger's local day (the day is
    /// only worked out for a parameter: this runs for every trigger).
    pub fn window_at(&self, t: crate::time::Micros, tz: Tz) -> Option<Window> {
        self.within.or_else(|| self.within_param.as_ref().and_then(|s| s.at(crate::time::local_date(t, tz))))
    }
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

/// A statistic of a numeric field, or a count of its distinct values, per
/// period.
#[derive(Debug, Clone)]
pub struct PeriodField {
    /// The period.
    pub period: Period,
    /// sum, min, max, average, percentile or distinct.
    pub func: AggFn,
    /// The percentile, for `percentile`.
    pub percentile: Option<Decimal>,
    /// The measured type.
    pub event: Sym,
    /// The filter.
    pub condition: Option<CExpr>,
    /// The measured field.
    pub field: Sym,
    /// Its name, for the notes.
    pub field_name: String,
    /// The comparison.
    pub op: CmpOp,
    /// The bound; its kind (number, money of a currency, duration) is the
    /// kind of value counted.
    pub bound: Val,
}

/// The share of events of one type meeting conditions, per period.
#[derive(Debug, Clone)]
pub struct ShareStandard {
    /// The period.
    pub period: Period,
    /// The event type counted.
    pub event: Sym,
    /// Each share, added or subtracted, with its condition.
    pub terms: Vec<(Sign, Option<CExpr>)>,
    /// The comparison.
    pub op: CmpOp,
    /// The bound, in percent.
    pub bound: Decimal,
}

/// The compensation a violation owes: a sum of terms, each a fixed amount
/// or a rate per unit late (possibly changing after some units), capped.
/// Amounts are expressions over the instance's event (the trigger, or the
/// offending event) and the jurisdiction's dated parameters.
#[derive(Debug, Clone)]
pub struct Remedy {
    /// The summed terms.
    pub terms: Vec<RemedyTerm>,
    /// The cap.
    pub cap: Option<CExpr>,
}

impl Remedy {
    /// True when the amount depends on how late the instance is decided.
    pub fn grows_with_lateness(&self) -> bool {
        self.terms.iter().any(|t| t.per.is_some())
    }

    /// The dated parameters its amounts read, each once.
    pub fn params(&self) -> Vec<&super::expr::Schedule> {
        let mut out: Vec<&super::expr::Schedule> = vec![];
        for s in self.exprs().flat_map(CExpr::params) {
            if !out.iter().any(|o| o.name == s.name) {
                out.push(s);
            }
        }
        out
    }

    /// The attributes its amounts read.
    pub fn attrs(&self) -> impl Iterator<Item = Sym> + '_ {
        self.exprs().flat_map(CExpr::attrs)
    }

    /// Its amounts and cap.
    fn exprs(&self) -> impl Iterator<Item = &CExpr> {
        self.terms.iter().flat_map(|t| t.rates.iter().map(|(e, _)| e)).chain(&self.cap)
    }
}

/// One term of a remedy.
#[derive(Debug, Clone)]
pub struct RemedyTerm {
    /// The rates in order, each with the number of units it covers (None:
    /// every unit from there on). A fixed amount has one rate and no unit.
    pub rates: Vec<(CExpr, Option<u64>)>,
    /// The unit of lateness counted, for a rate.
    pub per: Option<RemedyUnit>,
}
