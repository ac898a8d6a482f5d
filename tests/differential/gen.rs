//! Strategies for random small cases: a policy of one to three rules and a
//! log of up to forty events over a handful of instants chosen to sit on
//! and around deadlines, local midnights, clock changes and holidays.
//!
//! Alternatives are listed simplest first, so that shrinking a failure
//! walks towards the plainest policy and log that still fail.

use super::model::*;
use chrono::NaiveDate;
use proptest::prelude::*;
use proptest::sample::select;
use std::fmt;

/// A stretch of local days with instants worth testing around.
pub struct Cluster {
    /// What it exercises.
    pub name: &'static str,
    /// Its first local day.
    pub first: (i32, u32, u32),
    /// How many days it spans.
    pub days: u32,
    /// Local instants that triggers start from: (day offset, hour, minute).
    pub bases: &'static [(u32, u32, u32)],
    /// Further instants, in UTC (around the clock changes).
    pub extra: &'static [&'static str],
}

impl Cluster {
    /// The local date `d` days after the first.
    pub fn date(&self, d: u32) -> NaiveDate {
        let (y, m, dd) = self.first;
        NaiveDate::from_ymd_opt(y, m, dd).unwrap_or_default() + chrono::Days::new(u64::from(d))
    }
}

/// The clusters: London's spring and autumn clock changes (Sunday 29 March
/// and Sunday 25 October 2026), Easter (Good Friday 3 April, Easter Monday
/// 6 April), and Christmas to the new year (25 and 28 December, 1 January
/// are GB holidays). The spring cluster crosses a month and quarter end,
/// the Christmas one a year end.
pub const CLUSTERS: [Cluster; 4] = [
    Cluster {
        name: "spring clock change",
        first: (2026, 3, 26),
        days: 7,
        bases: &[(1, 18, 0), (2, 12, 0), (3, 0, 30), (2, 23, 30), (4, 9, 0)],
        extra: &["2026-03-29T00:59:59Z", "2026-03-29T01:00:00Z", "2026-03-31T23:00:00Z"],
    },
    Cluster { name: "Easter", first: (2026, 4, 1), days: 7, bases: &[(1, 16, 0), (5, 10, 0), (2, 9, 0)], extra: &[] },
    Cluster {
        name: "autumn clock change",
        first: (2026, 10, 23),
        days: 6,
        bases: &[(1, 12, 0), (2, 0, 30), (2, 1, 30), (3, 17, 0)],
        extra: &["2026-10-25T00:59:59Z", "2026-10-25T01:00:00Z", "2026-10-25T01:30:00Z"],
    },
    Cluster {
        name: "Christmas and new year",
        first: (2026, 12, 23),
        days: 11,
        bases: &[(1, 16, 0), (0, 17, 0), (8, 12, 0), (4, 10, 0)],
        extra: &["2026-12-31T23:59:59Z", "2027-01-01T03:00:00Z"],
    },
];

/// Offsets from a base instant: the exact durations of the generated
/// deadlines, one second either side of them, and a few in between.
const EXACT: [i64; 6] = [0, HOUR, 2 * HOUR, DAY, 2 * DAY, 7 * DAY];
const NEAR: [i64; 7] = [SEC, HOUR + SEC, 2 * HOUR + SEC, DAY - SEC, DAY + SEC, 2 * DAY + SEC, 7 * DAY + SEC];
const OTHER: [i64; 5] = [23 * HOUR, 25 * HOUR, 3 * DAY, 4 * DAY, -HOUR];

fn offset() -> impl Strategy<Value = i64> {
    prop_oneof![4 => select(EXACT.to_vec()), 2 => select(NEAR.to_vec()), 1 => select(OTHER.to_vec())]
}

/// A horizon far after every cluster (every month and quarter is over).
pub const FAR: &str = "2027-04-01T00:00:00Z";

fn parse(t: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(t).map_or(0, |d| d.timestamp_micros())
}

/// How an event's instant is chosen; interpreted modulo the cluster's sizes.
#[derive(Debug, Clone, Copy)]
pub enum When {
    /// A base instant plus an offset in microseconds.
    Base(usize, i64),
    /// A local midnight of the cluster, or one second before it.
    Midnight(u32, bool),
    /// One of the cluster's extra instants.
    Extra(usize),
}

impl When {
    /// The instant in zone `zone`, using the first `bases` base instants.
    pub fn instant(self, zone: Zone, c: &Cluster, bases: usize) -> i64 {
        let tz = zone.tz();
        match self {
            When::Base(b, o) => {
                let (d, h, m) = c.bases[b % bases.clamp(1, c.bases.len())];
                let local = c.date(d).and_hms_opt(h, m, 0).unwrap_or_default();
                local_instant(local, tz) + o
            }
            When::Midnight(d, before) => start_of_day(c.date(d % (c.days + 1)), tz) - if before { SEC } else { 0 },
            When::Extra(i) if !c.extra.is_empty() => parse(c.extra[i % c.extra.len()]),
            When::Extra(_) => start_of_day(c.date(0), tz),
        }
    }
}

fn when() -> impl Strategy<Value = When> {
    prop_oneof![
        7 => (0..8usize, offset()).prop_map(|(b, o)| When::Base(b, o)),
        3 => (0..12u32, any::<bool>()).prop_map(|(d, b)| When::Midnight(d, b)),
        1 => (0..4usize).prop_map(When::Extra),
    ]
}

/// One generated case: a policy, a log in log order, maybe a horizon.
#[derive(Clone)]
pub struct Case {
    /// The policy.
    pub policy: Policy,
    /// The log, sorted by time with ties in generation order.
    pub events: Vec<Ev>,
    /// `as of`, never before the last event.
    pub as_of: Option<i64>,
    /// Which cluster the instants come from.
    pub cluster: &'static str,
}

impl fmt::Debug for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

impl fmt::Display for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tz = self.policy.zone.tz();
        writeln!(f, "---- policy (instants: {}) ----", self.cluster)?;
        writeln!(f, "{}", self.policy.text())?;
        writeln!(f, "---- log ----")?;
        writeln!(f, "{}", render_log(&self.events, tz))?;
        match self.as_of {
            Some(t) => writeln!(f, "as of {} // {}", utc(t), local(t, tz)),
            None => writeln!(f, "(no as of: the horizon is the last event's time)"),
        }
    }
}

// ---------------------------------------------------------------- expressions

use Ex::{Anc, Cur, Str};

/// `time - a.time`: how long after the trigger the matched event is.
fn elapsed() -> Ex {
    Ex::Sub(Box::new(Ex::Time), Box::new(Ex::AncTime))
}

/// Up to two of `s`, usually none.
fn few<S: Strategy>(p: f64, s: S) -> impl Strategy<Value = Vec<S::Value>> {
    prop::option::weighted(p, prop::collection::vec(s, 1..=2)).prop_map(Option::unwrap_or_default)
}

/// The correlation of a matched event with the trigger `a`.
fn corr() -> impl Strategy<Value = Option<Ex>> {
    prop_oneof![
        1 => Just(None),
        6 => Just(Some(same("k"))),
        2 => Just(Some(and(same("k"), same("j")))),
        1 => Just(Some(and(same("j"), same("k")))),
        1 => Just(Some(cmp(Op::Eq, Anc("k"), Cur("k")))),
        1 => Just(Some(cmp(Op::Eq, Cur("j"), Anc("k")))),
        1 => Just(Some(and(same("k"), cmp(Op::Gt, Cur("amount"), Anc("amount"))))),
        1 => Just(Some(and(same("k"), cmp(Op::Ge, Cur("amount"), Anc("amount"))))),
        1 => Just(Some(and(same("k"), cmp(Op::Ne, Cur("j"), Anc("j"))))),
        1 => Just(Some(and(same("k"), cmp(Op::Eq, Cur("j"), Str("b"))))),
        1 => Just(Some(cmp(Op::Gt, Cur("amount"), Anc("amount")))),
        1 => Just(Some(or(same("k"), same("j")))),
        1 => Just(Some(and(same("k"), Ex::Not(Box::new(cmp(Op::Eq, Cur("j"), Anc("j"))))))),
        1 => Just(Some(and(same("k"), cmp(Op::Le, elapsed(), Ex::Hours(1))))),
        1 => Just(Some(cmp(Op::Gt, elapsed(), Ex::Hours(2)))),
        1 => Just(Some(and(same("k"), cmp(Op::Le, Ex::Time, Ex::AncShift(Dur::CalDays(1)))))),
        1 => Just(Some(and(same("k"), cmp(Op::Lt, Ex::Time, Ex::AncShift(Dur::BizDays(1)))))),
        1 => Just(Some(cmp(Op::Ge, Ex::Time, Ex::AncShift(Dur::BizDays(2))))),
        1 => Just(Some(and(same("k"), cmp(Op::Lt, Ex::Time, Ex::AncShift(Dur::Months(1)))))),
    ]
}

/// A condition on the trigger itself (time predicates included).
fn trigger_cond() -> impl Strategy<Value = Ex> {
    prop_oneof![
        Just(cmp(Op::Gt, Cur("amount"), Ex::Int(2))),
        Just(cmp(Op::Eq, Cur("j"), Str("a"))),
        Just(cmp(Op::Ne, Cur("j"), Str("b"))),
        Just(cmp(Op::Ge, Ex::Hour, Ex::Int(12))),
        Just(cmp(Op::Lt, Ex::Hour, Ex::Int(9))),
        Just(Ex::In(Box::new(Ex::Weekday), vec!["sat", "sun"])),
        Just(Ex::During(0, 4, Some((9, 17)))),
        Just(Ex::During(5, 0, None)),
        Just(and(cmp(Op::Gt, Cur("amount"), Ex::Int(1)), cmp(Op::Ne, Cur("j"), Str("c")))),
        Just(Ex::Not(Box::new(cmp(Op::Eq, Cur("k"), Str("c"))))),
    ]
}

/// An `unless` condition on the trigger.
fn unless_cond() -> impl Strategy<Value = Ex> {
    prop_oneof![
        Just(cmp(Op::Eq, Cur("j"), Str("c"))),
        Just(cmp(Op::Ge, Cur("amount"), Ex::Int(4))),
        Just(cmp(Op::Eq, Cur("k"), Str("b"))),
        Just(cmp(Op::Eq, Ex::Weekday, Str("sun"))),
    ]
}

/// A filter on measured events (bare field names).
fn filter() -> impl Strategy<Value = Ex> {
    prop_oneof![
        Just(cmp(Op::Gt, Cur("amount"), Ex::Int(1))),
        Just(cmp(Op::Ne, Cur("j"), Str("c"))),
        Just(cmp(Op::Eq, Cur("k"), Str("a"))),
        Just(or(cmp(Op::Le, Cur("amount"), Ex::Int(2)), cmp(Op::Eq, Cur("j"), Str("a")))),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    select(vec![Op::Le, Op::Lt, Op::Ge, Op::Gt, Op::Eq, Op::Ne])
}

fn dur() -> impl Strategy<Value = Dur> {
    prop_oneof![
        select(vec![Dur::Hours(24), Dur::Hours(1), Dur::Hours(2), Dur::Hours(48)]),
        select(vec![Dur::Days(1), Dur::Days(2), Dur::Weeks(1)]),
        select(vec![Dur::CalDays(1), Dur::CalDays(2), Dur::CalDays(3)]),
        select(vec![Dur::BizDays(1), Dur::BizDays(2), Dur::BizDays(3)]),
        select(vec![Dur::Months(1), Dur::Months(2), Dur::Years(1)]),
    ]
}

/// `where [not] prior B as q where ... [within D]`, usually none.
fn priors(n: usize) -> impl Strategy<Value = Vec<PriorC>> {
    few(0.25, (any::<bool>(), single(n, Some("q")), prop::option::of(dur()))).prop_map(|list| {
        list.into_iter().map(|(negated, matcher, within)| PriorC { negated, matcher, within }).collect()
    })
}

// ---------------------------------------------------------------- rules

/// One or two distinct types among the first `n`.
fn types(n: usize) -> impl Strategy<Value = Vec<usize>> {
    (0..n, prop::option::weighted(0.25, 0..n)).prop_map(|(a, b)| match b {
        Some(b) if b != a => vec![a, b],
        _ => vec![a],
    })
}

fn matcher(n: usize, alias: &'static str) -> impl Strategy<Value = Matcher> {
    (types(n), prop::option::weighted(0.3, Just(alias)), corr()).prop_map(|(types, alias, cond)| Matcher {
        types,
        alias,
        cond,
    })
}

fn single(n: usize, alias: Option<&'static str>) -> impl Strategy<Value = Matcher> {
    (0..n, prop::option::weighted(0.3, Just(())), corr()).prop_map(move |(t, a, cond)| Matcher {
        types: vec![t],
        alias: a.and(alias),
        cond,
    })
}

fn unless_prior(n: usize) -> impl Strategy<Value = Vec<(Matcher, Option<Dur>)>> {
    few(0.25, (single(n, Some("p")), prop::option::of(dur())))
}

fn obligation(n: usize) -> impl Strategy<Value = Kind> {
    // 0: within only, 1: before only, 2: both.
    let deadline = prop_oneof![4 => Just(0u8), 1 => Just(1u8), 2 => Just(2u8)];
    // None, `by a.d` (replacing `within`), or with `whichever`.
    let by = prop_oneof![6 => Just(None), 1 => Just(Some(By::Alone)), 1 => Just(Some(By::Later)), 1 => Just(Some(By::Earlier))];
    let extension =
        (select(vec![Dur::Hours(24), Dur::CalDays(1), Dur::BizDays(2), Dur::Months(1)]), single(n, Some("x")));
    (
        (0..n, prop::option::weighted(0.3, trigger_cond()), matcher(n, "b"), deadline, dur(), single(n, None)),
        (few(0.15, unless_cond()), few(0.2, single(n, Some("u"))), unless_prior(n), few(0.2, single(n, Some("f")))),
        (priors(n), by, prop::bool::weighted(0.2), few(0.25, extension), prop::bool::weighted(0.15)),
    )
        .prop_map(
            |(
                (trigger, cond, awaited, deadline, within, before),
                (uc, ue, up, forbid),
                (priors, by, roll, extensions, within_param),
            )| {
                let within = (deadline != 1 && by != Some(By::Alone)).then_some(within);
                let by = if within.is_none() && deadline == 1 { None } else { by };
                Kind::Obligation(Obligation {
                    trigger,
                    cond,
                    priors,
                    awaited,
                    within,
                    within_param: within_param && within.is_some(),
                    by,
                    roll: roll && (within.is_some() || by.is_some()),
                    extensions,
                    before: (deadline != 0).then_some(before),
                    unless_cond: uc,
                    unless_event: ue,
                    unless_prior: up,
                    forbid,
                })
            },
        )
}

fn precedence(n: usize) -> impl Strategy<Value = Kind> {
    (
        0..n,
        prop::option::weighted(0.3, trigger_cond()),
        matcher(n, "b"),
        prop::option::of(dur()),
        few(0.15, unless_cond()),
        unless_prior(n),
        priors(n),
    )
        .prop_map(|(trigger, cond, required, within, unless_cond, unless_prior, priors)| {
            Kind::Precedence(Precedence { trigger, cond, priors, required, within, unless_cond, unless_prior })
        })
}

fn prohibition(n: usize) -> impl Strategy<Value = Kind> {
    (0..n, prop::option::weighted(0.6, trigger_cond()), few(0.2, unless_cond()), unless_prior(n), priors(n)).prop_map(
        |(event, cond, unless_cond, unless_prior, priors)| {
            Kind::Prohibition(Prohibition { event, cond, priors, unless_cond, unless_prior })
        },
    )
}

fn aggregate(n: usize) -> impl Strategy<Value = Kind> {
    let keys = select(vec![vec!["k"], vec!["j"], vec!["k", "j"]]);
    let func = select(vec![Func::Count, Func::Distinct, Func::Sum, Func::Min, Func::Max]);
    (keys, func, 0..n, prop::option::weighted(0.3, filter()), op(), 0..=4i64).prop_map(
        |(keys, func, event, filter, op, bound)| Kind::Aggregate(Aggregate { keys, func, event, filter, op, bound }),
    )
}

fn period() -> impl Strategy<Value = Period> {
    prop_oneof![6 => Just(Period::Month), 2 => Just(Period::Quarter), 1 => Just(Period::Year)]
}

fn period_count(n: usize) -> impl Strategy<Value = Kind> {
    (period(), 0..n, prop::option::weighted(0.3, filter()), op(), 0..=5i64)
        .prop_map(|(period, event, filter, op, bound)| Kind::PeriodCount { period, event, filter, op, bound })
}

fn period_field(n: usize) -> impl Strategy<Value = Kind> {
    let stat = select(vec![
        FieldStat::Sum,
        FieldStat::Min,
        FieldStat::Max,
        FieldStat::Average,
        FieldStat::Percentile(50),
        FieldStat::Percentile(90),
        FieldStat::Percentile(100),
        FieldStat::Distinct,
    ]);
    (period(), stat, 0..n, prop::option::weighted(0.3, filter()), op(), 0..=8i64).prop_map(
        |(period, stat, event, filter, op, bound)| {
            // Sums grow with the events: bounds of their size.
            let bound = if stat == FieldStat::Sum { bound * 3 } else { bound / 2 };
            Kind::PeriodField { period, stat, event, filter, op, bound }
        },
    )
}

fn share(n: usize) -> impl Strategy<Value = Kind> {
    let term = (any::<bool>(), prop::option::weighted(0.5, Just("s")), filter())
        .prop_map(|(minus, alias, cond)| ShareTerm { minus, alias, cond });
    let bound = select(vec![0i64, 25, 50, 60, 75, 100, -25]);
    (period(), 0..n, prop::collection::vec(term, 1..=3), op(), bound).prop_map(
        |(period, event, mut terms, op, bound)| {
            if let Some(first) = terms.first_mut() {
                first.minus = false;
            }
            // A single share is a percentage from 0% to 100%.
            let bound = if terms.len() == 1 { bound.abs() } else { bound };
            Kind::Share { period, event, terms, op, bound }
        },
    )
}

fn rate() -> impl Strategy<Value = Kind> {
    (period(), 0..3usize, op(), select(vec![50i64, 0, 75, 100])).prop_map(|(period, target, op, bound)| Kind::Rate {
        period,
        target,
        op,
        bound,
    })
}

fn delay(n: usize) -> impl Strategy<Value = Kind> {
    let stat = select(vec![Stat::Average, Stat::Min, Stat::Max, Stat::Percentile(50), Stat::Percentile(90)]);
    let to = (types(n), corr()).prop_map(|(types, cond)| Matcher { types, alias: None, cond });
    (period(), stat, 0..n, prop::option::weighted(0.2, trigger_cond()), to, op(), select(vec![24i64, 1, 2, 48]))
        .prop_map(|(period, stat, from, from_cond, to, op, hours)| Kind::Delay {
            period,
            stat,
            from,
            from_cond,
            to,
            op,
            hours,
        })
}

fn recurring(n: usize) -> impl Strategy<Value = Kind> {
    let every = select(vec![
        Dur::Hours(6),
        Dur::Hours(24),
        Dur::Days(1),
        Dur::Days(2),
        Dur::Weeks(1),
        Dur::CalDays(1),
        Dur::CalDays(2),
        Dur::BizDays(1),
    ]);
    let until = (0..n, corr()).prop_map(|(t, cond)| Matcher { types: vec![t], alias: None, cond });
    (
        (0..n, prop::option::weighted(0.3, trigger_cond()), priors(n)),
        (matcher(n, "b"), every, until),
        (few(0.15, unless_cond()), unless_prior(n)),
    )
        .prop_map(|((trigger, cond, priors), (awaited, every, until), (unless_cond, unless_prior))| {
            Kind::Recurring(Recurring { trigger, cond, priors, awaited, every, until, unless_cond, unless_prior })
        })
}

// ---------------------------------------------------------------- remedies

use Amt::{Fee, Param};

/// Amounts written in the rule, in thousandths of a pound: whole pounds,
/// pence, and halves of a penny that the final rounding decides.
fn literal() -> impl Strategy<Value = Amt> {
    select(vec![10_000i64, 2_500, 125, 2_345, 5, 1_005, 30_000]).prop_map(Amt::Gbp)
}

/// An amount whose value is a finite decimal, as the engine's decimals
/// hold it exactly.
fn plain() -> BoxedStrategy<Amt> {
    prop_oneof![
        3 => literal(),
        3 => Just(Fee),
        2 => Just(Param),
        2 => select(vec![2i64, 3]).prop_map(|n| Amt::Times(n, Box::new(Fee))),
        1 => Just(Amt::Times(2, Box::new(Param))),
        2 => select(vec![10i64, 15, 50]).prop_map(|p| Amt::Pct(Box::new(Fee), p)),
        1 => Just(Amt::Div(Box::new(Fee), 4)),
    ]
    .boxed()
}

/// A third, which decimals hold only to 28 digits: used alone or rounded,
/// never multiplied, so that the digits lost cannot reach a penny.
fn third() -> impl Strategy<Value = Amt> {
    prop_oneof![
        Just(Amt::Div(Box::new(Fee), 3)),
        Just(Amt::Div(Box::new(Amt::Pct(Box::new(Fee), 10)), 3)),
        Just(Amt::Div(Box::new(Param), 3)),
    ]
}

/// A finite decimal amount, possibly through the numeric functions.
fn exact() -> BoxedStrategy<Amt> {
    let arg = || prop_oneof![2 => plain(), 1 => third()];
    let step = select(vec![10i64, 1_000, 50]);
    prop_oneof![
        6 => plain(),
        1 => arg().prop_map(|x| Amt::Ceil(Box::new(x))),
        1 => arg().prop_map(|x| Amt::Floor(Box::new(x))),
        3 => (arg(), step, any::<bool>()).prop_map(|(x, s, even)| Amt::Round(Box::new(x), s, even)),
        1 => (plain(), literal()).prop_map(|(x, y)| Amt::Min(Box::new(x), Box::new(y))),
        1 => (plain(), literal()).prop_map(|(x, y)| Amt::Max(Box::new(x), Box::new(y))),
    ]
    .boxed()
}

fn unit() -> impl Strategy<Value = Unit> {
    select(vec![Unit::Hour, Unit::Day, Unit::Week, Unit::CalDay, Unit::BizDay])
}

/// A rate per unit late, tiered one time in two.
fn per_unit() -> impl Strategy<Value = Term> {
    let tiers = prop::collection::btree_set(select(vec![1u64, 2, 3, 5, 24]), 0..=2);
    (exact(), unit(), prop::option::weighted(0.5, tiers), prop::collection::vec(exact(), 2)).prop_map(
        |(rate, unit, limits, next)| Term {
            rate,
            per: Some(unit),
            tiers: limits.unwrap_or_default().into_iter().zip(next).collect(),
        },
    )
}

/// A remedy: one or two terms (an amount or a rate per unit late; the
/// first amount may be a third), maybe capped.
fn remedy() -> impl Strategy<Value = Remedy> {
    let first = prop_oneof![3 => exact().prop_map(fixed), 1 => third().prop_map(fixed), 4 => per_unit()];
    let more = prop::option::weighted(0.4, prop_oneof![exact().prop_map(fixed), per_unit()]);
    let cap = prop_oneof![literal(), Just(Amt::Times(3, Box::new(Fee))), Just(Param), Just(Fee)];
    (first, more, prop::option::weighted(0.35, cap))
        .prop_map(|(first, more, cap)| Remedy { terms: std::iter::once(first).chain(more).collect(), cap })
}

fn fixed(rate: Amt) -> Term {
    Term { rate, per: None, tiers: vec![] }
}

/// `remedy` as the rule's shape allows: rates per unit late only with a
/// `within` or `by` deadline (they become amounts elsewhere), none on
/// aggregates and period standards.
fn fit_remedy(kind: &Kind, remedy: Option<Remedy>) -> Option<Remedy> {
    let mut remedy = remedy?;
    match kind {
        Kind::Obligation(o) if o.within.is_some() || o.by.is_some() => {}
        Kind::Obligation(_) | Kind::Precedence(_) | Kind::Prohibition(_) | Kind::Recurring(_) => {
            for t in &mut remedy.terms {
                t.per = None;
                t.tiers.clear();
            }
        }
        _ => return None,
    }
    Some(remedy)
}

fn kind(n: usize) -> impl Strategy<Value = Kind> {
    prop_oneof![
        8 => obligation(n),
        3 => precedence(n),
        2 => prohibition(n),
        3 => aggregate(n),
        1 => period_count(n),
        2 => period_field(n),
        1 => share(n),
        2 => rate(),
        1 => delay(n),
        3 => recurring(n),
    ]
}

fn rule(n: usize, c: &'static Cluster) -> impl Strategy<Value = Rule> {
    let in_force = prop::option::weighted(0.15, (0..=c.days, prop::option::of(1..=4u32)))
        .prop_map(move |f| f.map(|(from, len)| (c.date(from), len.map(|l| c.date(from + l)))));
    (kind(n), in_force, prop::option::weighted(0.6, remedy())).prop_map(|(kind, in_force, remedy)| Rule {
        remedy: fit_remedy(&kind, remedy),
        kind,
        in_force,
        measure: false,
    })
}

/// Rates measure a rule with instances (obligation, precedence or
/// prohibition); with none to measure, a rate becomes a period count. A
/// rule a rate measures is declared `measure` when `measures` says so.
fn fix_rates(mut rules: Vec<Rule>, measures: bool) -> Vec<Rule> {
    let measurable: Vec<usize> = (0..rules.len())
        .filter(|&i| {
            matches!(
                rules[i].kind,
                Kind::Obligation(_) | Kind::Precedence(_) | Kind::Prohibition(_) | Kind::Recurring(_)
            )
        })
        .collect();
    for r in rules.iter_mut() {
        if let Kind::Rate { period, target, op, bound } = r.kind {
            r.in_force = None;
            r.kind = match measurable.len() {
                0 => Kind::PeriodCount { period, event: 0, filter: None, op, bound: bound / 25 },
                m => Kind::Rate { period, target: measurable[target % m], op, bound },
            };
        }
    }
    let targets: Vec<usize> =
        rules.iter().filter_map(|r| if let Kind::Rate { target, .. } = r.kind { Some(target) } else { None }).collect();
    for t in targets {
        rules[t].measure = measures;
        // A measure owes nothing: it has no remedy.
        if measures {
            rules[t].remedy = None;
        }
    }
    rules
}

/// A rule whose remedy reads `p`, or whose deadline reads `w`, is in force
/// from that parameter's first day, so that it has a value on every day it
/// is read.
fn fit_param(mut rules: Vec<Rule>, first: NaiveDate, window_first: NaiveDate) -> Vec<Rule> {
    for r in rules.iter_mut() {
        let first = match (r.remedy.as_ref().is_some_and(Remedy::reads_param), r.reads_window()) {
            (true, true) => first.max(window_first),
            (true, false) => first,
            (false, true) => window_first,
            (false, false) => continue,
        };
        r.in_force = match r.in_force {
            Some((from, until)) if from >= first => Some((from, until)),
            Some((_, until)) => Some((first, until.filter(|u| *u > first))),
            None => Some((first, None)),
        };
    }
    rules
}

fn policy(n: usize, zone: Zone, c: &'static Cluster) -> impl Strategy<Value = Policy> {
    let cal = prop_oneof![
        2 => Just(Cal::Gb),
        2 => Just(Cal::None),
        1 => (0..=c.days, any::<bool>()).prop_map(move |(d, fri_sat)| Cal::Mine { holiday: c.date(d), fri_sat }),
    ];
    let jur_from = prop::option::weighted(0.05, (0..=c.days).prop_map(move |d| c.date(d)));
    // `p`: one value from a day early in the cluster, another from a later day.
    let param = (0..=2u32, 1..=4u32, select(vec![5_000i64, 2_345]), select(vec![7_125i64, 10_340]))
        .prop_map(move |(d1, gap, v1, v2)| vec![(c.date(d1), v1), (c.date(d1 + gap), v2)]);
    // `w`: a window shortened (or lengthened) on a day of the cluster.
    let window = || select(vec![Dur::Hours(24), Dur::Days(2), Dur::CalDays(1), Dur::BizDays(2), Dur::Months(1)]);
    let windows = (0..=2u32, 1..=4u32, window(), window())
        .prop_map(move |(d1, gap, w1, w2)| vec![(c.date(d1), w1), (c.date(d1 + gap), w2)]);
    (cal, jur_from, prop::collection::vec(rule(n, c), 1..=3), any::<bool>(), param, windows).prop_map(
        move |(cal, jur_from, rules, measures, param, windows)| Policy {
            zone,
            cal,
            jur_from,
            types: n,
            rules: fit_param(fix_rates(rules, measures), param[0].0, windows[0].0),
            param,
            windows,
        },
    )
}

// ---------------------------------------------------------------- logs

/// An event: when, type, k, j, amount, `d` as a day of the cluster, and
/// the fee in pence.
type RawEvent =
    (When, Option<usize>, Option<&'static str>, Option<&'static str>, Option<i64>, Option<u32>, Option<i64>);

fn event(n: usize) -> impl Strategy<Value = RawEvent> {
    let id = || prop::option::weighted(0.9, select(vec!["a", "b", "c"]));
    let day = prop::option::weighted(0.6, 0..12u32);
    // Pence that thirds, tenths and halves turn into fractions of a penny.
    let fee = prop::option::weighted(0.8, select(vec![1_000i64, 1_234, 5, 15, 333, 1, 999, 250, 45, 10_001]));
    (when(), prop::option::weighted(0.93, 0..n), id(), id(), prop::option::weighted(0.9, 1..=4i64), day, fee)
}

/// A whole case.
pub fn case() -> impl Strategy<Value = Case> {
    let zone = prop_oneof![2 => Just(Zone::London), 1 => Just(Zone::SaoPaulo)];
    (3..=6usize, zone, 0..CLUSTERS.len()).prop_flat_map(|(n, zone, ci)| {
        let c = &CLUSTERS[ci];
        // None: the last event's time; Some(None): after every cluster.
        let as_of = prop_oneof![
            3 => Just(None),
            2 => when().prop_map(|w| Some(Some(w))),
            1 => Just(Some(None)),
        ];
        (policy(n, zone, c), 1..=3usize, prop::collection::vec(event(n), 0..=40), as_of).prop_map(
            move |(policy, bases, raw, as_of)| {
                let mut events: Vec<Ev> = raw
                    .into_iter()
                    .map(|(w, ty, k, j, amount, d, fee)| Ev {
                        time: w.instant(zone, c, bases),
                        ty,
                        k,
                        j,
                        amount,
                        d: d.map(|d| c.date(d % (c.days + 1))),
                        fee,
                    })
                    .collect();
                // Log order: by time, ties in generation order.
                events.sort_by_key(|e| e.time);
                let last = events.last().map(|e| e.time);
                let as_of = as_of.map(|w: Option<When>| w.map_or(parse(FAR), |w| w.instant(zone, c, bases)));
                let as_of = as_of.map(|t| last.map_or(t, |l| t.max(l)));
                Case { policy, events, as_of, cluster: c.name }
            },
        )
    })
}
