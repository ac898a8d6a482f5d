//! Rule declarations and their clauses: triggers, deadlines, exceptions,
//! prohibitions, remedies, aggregates, durations.

use super::{Expr, InForce, Name, Spanned, Text};
use crate::span::Span;
use rust_decimal::Decimal;
use serde::Serialize;

/// A rule: metadata and clauses.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleDecl {
    /// `/// ...` lines written above it.
    pub doc: Option<String>,
    /// True when written `override rule`.
    pub is_override: bool,
    /// True when declared with `measure` instead of `rule`: its instances
    /// count only in the period standards that name it.
    pub measure: bool,
    /// The rule's name.
    pub name: Name,
    /// Its title (the sentence it encodes).
    pub title: Option<Text>,
    /// `cites "..."`
    pub cites: Option<Text>,
    /// `text "..."`: the legal text.
    pub legal_text: Option<Text>,
    /// `in force from ...`
    pub in_force: Option<InForce>,
    /// The body, in source order.
    pub clauses: Vec<Clause>,
    /// Where it was written.
    pub span: Span,
}

/// One clause of a rule body.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Clause {
    /// `when A as a where ...`
    When(When),
    /// `require [prior] B or C as b where ... within D | before E`
    Require(Box<Require>),
    /// `unless ...`
    Unless(Unless),
    /// `forbid A where ... [while open]`
    Forbid(Forbid),
    /// `remedy ...`
    Remedy(Remedy),
    /// `per key: measure op bound` (boxed: the largest clause)
    Aggregate(Box<Aggregate>),
    /// `extended by D when E where ...`
    Extend(Extend),
}

impl Clause {
    /// The span of the clause.
    pub fn span(&self) -> Span {
        match self {
            Clause::When(x) => x.span,
            Clause::Require(x) => x.span,
            Clause::Unless(x) => x.span,
            Clause::Forbid(x) => x.span,
            Clause::Remedy(x) => x.span,
            Clause::Aggregate(x) => x.span,
            Clause::Extend(x) => x.span,
        }
    }
}

/// `when A as a where cond`: the trigger of an obligation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct When {
    /// The triggering event type.
    pub event: Name,
    /// `as a`
    pub alias: Option<Name>,
    /// `where cond`
    pub condition: Option<Expr>,
    /// `where [not] prior B where ... [within D]`: conditions on earlier events.
    pub priors: Vec<PriorCondition>,
    /// Where it was written.
    pub span: Span,
}

/// `where [not] prior B [as b] [where cond] [within D]` on a trigger or a
/// forbidden event: it counts only when such an earlier event exists (or,
/// with `not`, when none does).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PriorCondition {
    /// True for `not prior`.
    pub negated: bool,
    /// The earlier event looked for.
    pub event: EventMatch,
    /// `within D`: how far back.
    pub within: Option<DurationLit>,
    /// Where it was written.
    pub span: Span,
}

/// `by r.requested_date [, whichever is later|earlier]`: a deadline carried
/// by the trigger.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ByDate {
    /// The date or time, `alias.field`.
    pub expr: Expr,
    /// With `within D or by ...`: which of the two applies.
    pub whichever: Option<Spanned<Whichever>>,
    /// Where it was written.
    pub span: Span,
}

/// `, ending on a business day`: roll a deadline off a non-business day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Roll {
    /// Where it was written.
    pub span: Span,
}

/// `whichever is later` or `whichever is earlier`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Whichever {
    /// The later of the two deadlines.
    Later,
    /// The earlier of the two deadlines.
    Earlier,
}

impl Whichever {
    /// The word as written.
    pub fn as_str(self) -> &'static str {
        match self {
            Whichever::Later => "later",
            Whichever::Earlier => "earlier",
        }
    }
}

/// `extended by D when E [as e] [where cond]`: the deadline of an open
/// obligation moves by D when a matching event comes in time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Extend {
    /// How far the deadline moves.
    pub amount: DurationLit,
    /// The event that extends it.
    pub event: EventMatch,
    /// Where it was written.
    pub span: Span,
}

/// `require [prior] B (or C)* [as b] [where cond] [deadline]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Require {
    /// True for `require prior` (precedence).
    pub prior: bool,
    /// The awaited event types (any one fulfils).
    pub events: Vec<Name>,
    /// `as b`
    pub alias: Option<Name>,
    /// `where cond` (correlation with the trigger).
    pub condition: Option<Expr>,
    /// `within D`
    pub within: Option<DurationLit>,
    /// `within NAME`: a duration parameter, read on the trigger's day.
    pub within_param: Option<Name>,
    /// `by r.date [, whichever is later|earlier]`
    pub by: Option<ByDate>,
    /// `, ending on a business day`, when asked.
    pub roll: Option<Roll>,
    /// `before E where cond`
    pub before: Option<Before>,
    /// `every D until E where cond`: a recurring duty.
    pub every: Option<Box<Every>>,
    /// Where it was written.
    pub span: Span,
}

/// `every D until E [where cond]`: the awaited event is due within D of the
/// trigger, then within D of each one that came (or of the end of a missed
/// window), until E ends the duty.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Every {
    /// The window D.
    pub every: DurationLit,
    /// The event ending the duty (same shape as `before E`).
    pub until: Before,
    /// Where it was written.
    pub span: Span,
}

/// `before E [where cond]`: a deadline that is an event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Before {
    /// The event type ending the window.
    pub event: Name,
    /// `where cond`
    pub condition: Option<Expr>,
    /// Where it was written.
    pub span: Span,
}

/// An exception to a rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unless {
    /// What makes the exception hold.
    pub kind: UnlessKind,
    /// Where it was written.
    pub span: Span,
}

/// The forms of `unless`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum UnlessKind {
    /// `unless cond`: a condition on the trigger.
    Condition(Expr),
    /// `unless E where cond`: an exempting event while the obligation is open.
    Event(EventMatch),
    /// `unless prior E where cond [within D]`: an exempting earlier event.
    Prior(EventMatch, Option<DurationLit>),
}

/// An event type with an optional alias and condition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventMatch {
    /// The event type.
    pub event: Name,
    /// `as x`
    pub alias: Option<Name>,
    /// `where cond`
    pub condition: Option<Expr>,
}

/// `forbid A [as a] [where cond] [within D] [while open]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Forbid {
    /// The forbidden event.
    pub event: EventMatch,
    /// `where [not] prior B ...`: conditions on earlier events.
    pub priors: Vec<PriorCondition>,
    /// `within D` (an error on a forbid; kept to report it).
    pub within: Option<DurationLit>,
    /// `while open`: scoped to the open window of the rule's obligation.
    pub while_open: bool,
    /// Where it was written.
    pub span: Span,
}

/// `remedy 10 GBP + 5 GBP per day late, max 100 GBP`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Remedy {
    /// The summed terms.
    pub terms: Vec<RemedyTerm>,
    /// `max M`: an amount expression.
    pub cap: Option<Expr>,
    /// Where it was written.
    pub span: Span,
}

/// A fixed amount, or an amount per unit of lateness (possibly tiered).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RemedyTerm {
    /// The amount: a money expression (`10 GBP`, `2 * d.amount`).
    pub amount: Expr,
    /// `per day late`: the unit counted.
    pub per: Option<Spanned<RemedyUnit>>,
    /// `for the first N, then M per day late`: later rates, in order.
    pub tiers: Vec<RemedyTier>,
    /// Where it was written.
    pub span: Span,
}

/// `for the first N, then AMOUNT per UNIT late`: from unit N + 1 on, the
/// rate is `amount` (N counts units from the first late one).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RemedyTier {
    /// How many units the rate before this one covers, counted from the
    /// first unit late.
    pub after: Spanned<u64>,
    /// The rate from then on.
    pub amount: Expr,
    /// Its unit (the same as the first rate's).
    pub per: Spanned<RemedyUnit>,
    /// Where it was written.
    pub span: Span,
}

/// The unit of a per-lateness remedy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum RemedyUnit {
    /// Each started hour late.
    Hour,
    /// Each started day (24 h) late.
    Day,
    /// Each calendar day on which the obligation is late.
    CalendarDay,
    /// Each business day on which the obligation is late.
    BusinessDay,
    /// Each started week late.
    Week,
}

/// A money amount.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Money {
    /// The amount.
    pub amount: Decimal,
    /// ISO 4217 code.
    pub currency: String,
    /// Where it was written.
    pub span: Span,
}

/// `per group: measure op bound`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Aggregate {
    /// What instances are grouped by.
    pub group: Group,
    /// What is measured per group.
    pub measure: Measure,
    /// Further measures added or subtracted (`share(..) - share(..)`); the
    /// checker accepts them only for shares of one event type.
    pub more: Vec<(Spanned<Sign>, Measure)>,
    /// The comparison.
    pub op: Spanned<CmpOp>,
    /// The bound.
    pub bound: Expr,
    /// Where it was written.
    pub span: Span,
}

impl Aggregate {
    /// The first measure, then the ones added or subtracted.
    pub fn measures(&self) -> impl Iterator<Item = &Measure> {
        std::iter::once(&self.measure).chain(self.more.iter().map(|(_, m)| m))
    }
}

/// `+` or `-` between measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Sign {
    /// `+`
    Plus,
    /// `-`
    Minus,
}

impl Sign {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            Sign::Plus => "+",
            Sign::Minus => "-",
        }
    }
}

/// The grouping of an aggregate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Group {
    /// Per correlation key(s): `per case`, `per customer, call`.
    Keys(Vec<Name>),
    /// Per calendar period: `per month`.
    Period(Spanned<Period>),
}

/// A calendar period of a period standard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Period {
    /// Calendar month.
    Month,
    /// Calendar quarter.
    Quarter,
    /// Calendar year.
    Year,
}

/// What an aggregate measures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Measure {
    /// `rate(rule)`: share of satisfied instances of another rule.
    Rate {
        /// The rule.
        rule: Name,
        /// Where it was written.
        span: Span,
    },
    /// `average(delay from A as a to B where ...)`, `percentile(90, ...)`.
    Delay {
        /// The function (average, percentile, min, max).
        func: Spanned<AggFn>,
        /// The percentile, for `percentile`.
        percentile: Option<Spanned<Decimal>>,
        /// The start event.
        from: EventMatch,
        /// The end event types.
        to: Vec<Name>,
        /// The correlation of the end event.
        to_condition: Option<Expr>,
        /// Where it was written.
        span: Span,
    },
    /// `share(A as a where cond)`: the percentage of A events meeting cond.
    Share {
        /// The events, and the condition of those counted in the share.
        event: EventMatch,
        /// Where it was written.
        span: Span,
    },
    /// `count(A where ...)`, `sum(A.amount)`, `distinct(A.agent)`,
    /// `percentile(90, A.score)`.
    Events {
        /// The function.
        func: Spanned<AggFn>,
        /// The percentile, for `percentile`.
        percentile: Option<Spanned<Decimal>>,
        /// The events measured.
        event: EventMatch,
        /// The field measured (`A.field`).
        field: Option<Name>,
        /// Where it was written.
        span: Span,
    },
}

impl Measure {
    /// The span of the measure.
    pub fn span(&self) -> Span {
        match self {
            Measure::Rate { span, .. }
            | Measure::Delay { span, .. }
            | Measure::Share { span, .. }
            | Measure::Events { span, .. } => *span,
        }
    }
}

/// An aggregate function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum AggFn {
    /// Number of events.
    Count,
    /// Number of distinct values.
    Distinct,
    /// Sum of values.
    Sum,
    /// Smallest value.
    Min,
    /// Largest value.
    Max,
    /// Mean value.
    Average,
    /// A percentile of the values.
    Percentile,
}

impl AggFn {
    /// The keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            AggFn::Count => "count",
            AggFn::Distinct => "distinct",
            AggFn::Sum => "sum",
            AggFn::Min => "min",
            AggFn::Max => "max",
            AggFn::Average => "average",
            AggFn::Percentile => "percentile",
        }
    }
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CmpOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CmpOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }

    /// True when two values ordered `ord` satisfy the operator.
    pub fn holds(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            CmpOp::Eq => ord == Equal,
            CmpOp::Ne => ord != Equal,
            CmpOp::Lt => ord == Less,
            CmpOp::Le => ord != Greater,
            CmpOp::Gt => ord == Greater,
            CmpOp::Ge => ord != Less,
        }
    }
}

/// A duration literal: `24 hours`, `7 calendar days`, `2 business days`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DurationLit {
    /// The count, negative when written with `-` (an error the checker reports).
    pub amount: i64,
    /// The unit.
    pub unit: DurationUnit,
    /// Where it was written.
    pub span: Span,
}

/// The unit of a duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum DurationUnit {
    /// Elapsed seconds.
    Second,
    /// Elapsed minutes.
    Minute,
    /// Elapsed hours.
    Hour,
    /// Elapsed days of 24 hours.
    Day,
    /// Elapsed weeks of 7 × 24 hours.
    Week,
    /// Calendar months (same day of month, end of local day).
    Month,
    /// Calendar years (same day and month, end of local day; Feb 29 gives Feb 28).
    Year,
    /// Ends at the end of the N-th local day after the trigger's day.
    CalendarDay,
    /// Ends at the end of the N-th business day after the trigger's day.
    BusinessDay,
}

impl DurationUnit {
    /// The largest count accepted for the unit: about a hundred years.
    pub fn max_amount(self) -> i64 {
        use DurationUnit::*;
        match self {
            Second => 100 * 366 * 86_400,
            Minute => 100 * 366 * 1_440,
            Hour => 100 * 366 * 24,
            Day | CalendarDay | BusinessDay => 100 * 366,
            Week => 100 * 53,
            Month => 100 * 12,
            Year => 100,
        }
    }

    /// True for units counted on the calendar (local days, business days,
    /// months, years) rather than in elapsed time.
    pub fn is_calendar(self) -> bool {
        matches!(self, DurationUnit::CalendarDay | DurationUnit::BusinessDay | DurationUnit::Month | DurationUnit::Year)
    }

    /// The unit as written, singular or plural.
    pub fn as_str(self, plural: bool) -> &'static str {
        let (one, many) = match self {
            DurationUnit::Second => ("second", "seconds"),
            DurationUnit::Minute => ("minute", "minutes"),
            DurationUnit::Hour => ("hour", "hours"),
            DurationUnit::Day => ("day", "days"),
            DurationUnit::Week => ("week", "weeks"),
            DurationUnit::Month => ("month", "months"),
            DurationUnit::Year => ("year", "years"),
            DurationUnit::CalendarDay => ("calendar day", "calendar days"),
            DurationUnit::BusinessDay => ("business day", "business days"),
        };
        if plural {
            many
        } else {
            one
        }
    }
}
