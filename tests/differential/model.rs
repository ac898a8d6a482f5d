//! The generated policies and logs as plain data: what the naive evaluator
//! reads directly and what is rendered to policy text for the engine.
//!
//! Every event type declares the same five optional fields, `k: id?`,
//! `j: id?`, `amount: int?`, `d: date?` (a date deadlines may be read
//! from) and `fee: money(GBP)?` (what remedies compute with), so that any
//! correlation between any two types type-checks. The trigger of a rule is
//! always aliased `a`.

use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use std::fmt::{self, Write as _};

/// Event type names; a case uses the first few of them.
pub const TYPES: [&str; 6] = ["req", "done", "ack", "stop", "waive", "ask"];

/// Microseconds in a second, an hour, a day.
pub const SEC: i64 = 1_000_000;
/// One hour.
pub const HOUR: i64 = 3_600 * SEC;
/// One day of 24 hours.
pub const DAY: i64 = 24 * HOUR;

/// The jurisdiction's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// Europe/London: clock changes on 2026-03-29 and 2026-10-25.
    London,
    /// America/Sao_Paulo: UTC−3 all year.
    SaoPaulo,
}

impl Zone {
    /// The IANA name.
    pub fn name(self) -> &'static str {
        match self {
            Zone::London => "Europe/London",
            Zone::SaoPaulo => "America/Sao_Paulo",
        }
    }

    /// The chrono-tz zone.
    pub fn tz(self) -> Tz {
        match self {
            Zone::London => chrono_tz::Europe::London,
            Zone::SaoPaulo => chrono_tz::America::Sao_Paulo,
        }
    }
}

/// The business calendar of the jurisdiction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cal {
    /// No `calendar` line: Saturday and Sunday off, no holidays.
    None,
    /// `calendar GB`, the shipped England and Wales calendar.
    Gb,
    /// `calendar MINE` declared in the file, extending GB with one more
    /// holiday and, optionally, a Friday–Saturday weekend.
    Mine { holiday: NaiveDate, fri_sat: bool },
}

/// England and Wales bank holidays, 2026 and 2027 (as GOV.UK lists them).
pub const GB_HOLIDAYS: [(i32, u32, u32); 16] = [
    (2026, 1, 1),
    (2026, 4, 3),
    (2026, 4, 6),
    (2026, 5, 4),
    (2026, 5, 25),
    (2026, 8, 31),
    (2026, 12, 25),
    (2026, 12, 28),
    (2027, 1, 1),
    (2027, 3, 26),
    (2027, 3, 29),
    (2027, 5, 3),
    (2027, 5, 31),
    (2027, 8, 30),
    (2027, 12, 27),
    (2027, 12, 28),
];

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
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

impl Op {
    /// As written.
    pub fn text(self) -> &'static str {
        match self {
            Op::Eq => "==",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
        }
    }

    /// Applies the operator to an ordering.
    pub fn test(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            Op::Eq => ord == Equal,
            Op::Ne => ord != Equal,
            Op::Lt => ord == Less,
            Op::Le => ord != Greater,
            Op::Gt => ord == Greater,
            Op::Ge => ord != Less,
        }
    }
}

/// A condition or correlation. `Cur` is the event being matched (the
/// trigger itself in a `when ... where`), `Anc` the trigger `a`.
#[derive(Debug, Clone, PartialEq)]
pub enum Ex {
    /// A field of the current event.
    Cur(&'static str),
    /// A field of the trigger, `a.field`.
    Anc(&'static str),
    /// A string literal.
    Str(&'static str),
    /// An integer literal.
    Int(i64),
    /// `l op r`
    Cmp(Op, Box<Ex>, Box<Ex>),
    /// `l and r`
    And(Box<Ex>, Box<Ex>),
    /// `l or r`
    Or(Box<Ex>, Box<Ex>),
    /// `not (e)`
    Not(Box<Ex>),
    /// `hour(a)`: the local hour of the current event.
    Hour,
    /// `weekday(a)`: the local weekday of the current event.
    Weekday,
    /// `e in [..]`
    In(Box<Ex>, Vec<&'static str>),
    /// `a during D1-D2 [HH:00-HH:00]` (days Monday = 0).
    During(u32, u32, Option<(u32, u32)>),
    /// The time of the current event.
    Time,
    /// The time of the trigger, `a.time`.
    AncTime,
    /// `l - r`
    Sub(Box<Ex>, Box<Ex>),
    /// A duration literal, `N hours`.
    Hours(i64),
    /// `a.time + N unit` for a calendar unit (calendar or business days,
    /// months): the trigger's local time of day, on the moved local date.
    AncShift(Dur),
}

/// Shorthands for building expressions.
pub fn cmp(op: Op, l: Ex, r: Ex) -> Ex {
    Ex::Cmp(op, Box::new(l), Box::new(r))
}

/// `l and r`
pub fn and(l: Ex, r: Ex) -> Ex {
    Ex::And(Box::new(l), Box::new(r))
}

/// `l or r`
pub fn or(l: Ex, r: Ex) -> Ex {
    Ex::Or(Box::new(l), Box::new(r))
}

/// `field == a.field`
pub fn same(field: &'static str) -> Ex {
    cmp(Op::Eq, Ex::Cur(field), Ex::Anc(field))
}

const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// The weekday names, Monday first.
pub fn weekday_name(i: u32) -> &'static str {
    WEEKDAYS[i as usize % 7]
}

impl Ex {
    /// Writes the expression; `cur` is how the current event is named
    /// (`None`: its fields are bare names).
    pub fn render(&self, cur: Option<&str>, out: &mut String) {
        let field = |out: &mut String, alias: Option<&str>, f: &str| match alias {
            Some(a) => {
                let _ = write!(out, "{a}.{f}");
            }
            None => out.push_str(f),
        };
        match self {
            Ex::Cur(f) => field(out, cur, f),
            Ex::Anc(f) => field(out, Some("a"), f),
            Ex::Str(s) => {
                let _ = write!(out, "\"{s}\"");
            }
            Ex::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Ex::Cmp(op, l, r) => {
                l.render(cur, out);
                let _ = write!(out, " {} ", op.text());
                r.render(cur, out);
            }
            Ex::And(l, r) | Ex::Or(l, r) => {
                let word = if matches!(self, Ex::And(..)) { "and" } else { "or" };
                let paren = |e: &Ex| matches!(e, Ex::And(..) | Ex::Or(..));
                for (i, side) in [l, r].into_iter().enumerate() {
                    if i == 1 {
                        let _ = write!(out, " {word} ");
                    }
                    if paren(side) {
                        out.push('(');
                        side.render(cur, out);
                        out.push(')');
                    } else {
                        side.render(cur, out);
                    }
                }
            }
            Ex::Not(e) => {
                out.push_str("not (");
                e.render(cur, out);
                out.push(')');
            }
            Ex::Hour => {
                let _ = write!(out, "hour({})", cur.unwrap_or("a"));
            }
            Ex::Weekday => {
                let _ = write!(out, "weekday({})", cur.unwrap_or("a"));
            }
            Ex::In(e, list) => {
                e.render(cur, out);
                let items: Vec<String> = list.iter().map(|s| format!("\"{s}\"")).collect();
                let _ = write!(out, " in [{}]", items.join(", "));
            }
            Ex::During(from, to, clock) => {
                let _ = write!(out, "{} during {}-{}", cur.unwrap_or("a"), weekday_name(*from), weekday_name(*to));
                if let Some((h1, h2)) = clock {
                    let _ = write!(out, " {h1:02}:00-{h2:02}:00");
                }
            }
            Ex::Time => field(out, cur, "time"),
            Ex::AncTime => out.push_str("a.time"),
            Ex::Sub(l, r) => {
                l.render(cur, out);
                out.push_str(" - ");
                r.render(cur, out);
            }
            Ex::Hours(n) => {
                let _ = write!(out, "{}", Dur::Hours(*n));
            }
            Ex::AncShift(d) => {
                let _ = write!(out, "a.time + {d}");
            }
        }
    }

    /// The expression as text.
    pub fn text(&self, cur: Option<&str>) -> String {
        let mut s = String::new();
        self.render(cur, &mut s);
        s
    }
}

/// A deadline or look-back window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dur {
    /// Exact hours.
    Hours(i64),
    /// Exact days of 24 hours.
    Days(i64),
    /// Exact weeks of 168 hours.
    Weeks(i64),
    /// The end of the N-th local day after the trigger's day.
    CalDays(i64),
    /// The end of the N-th business day after the trigger's day.
    BizDays(i64),
    /// The end of the local day with the same day of the month N months
    /// later (clamped to the month's end).
    Months(i64),
    /// The same, N years later.
    Years(i64),
}

impl fmt::Display for Dur {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (n, one, many) = match *self {
            Dur::Hours(n) => (n, "hour", "hours"),
            Dur::Days(n) => (n, "day", "days"),
            Dur::Weeks(n) => (n, "week", "weeks"),
            Dur::CalDays(n) => (n, "calendar day", "calendar days"),
            Dur::BizDays(n) => (n, "business day", "business days"),
            Dur::Months(n) => (n, "month", "months"),
            Dur::Years(n) => (n, "year", "years"),
        };
        write!(f, "{n} {}", if n == 1 { one } else { many })
    }
}

/// Event types with a condition relating them to the trigger `a`.
#[derive(Debug, Clone, PartialEq)]
pub struct Matcher {
    /// Accepted types (indexes into [`TYPES`]).
    pub types: Vec<usize>,
    /// The alias of the matched event, if written.
    pub alias: Option<&'static str>,
    /// The `where` condition.
    pub cond: Option<Ex>,
}

impl Matcher {
    fn render(&self, out: &mut String) {
        let names: Vec<&str> = self.types.iter().map(|t| TYPES[*t]).collect();
        out.push_str(&names.join(" or "));
        if let Some(a) = self.alias {
            let _ = write!(out, " as {a}");
        }
        if let Some(c) = &self.cond {
            out.push_str(" where ");
            c.render(self.alias, out);
        }
    }
}

/// `where [not] prior B [as q] where ... [within D]` after a trigger or a
/// forbidden event.
#[derive(Debug, Clone, PartialEq)]
pub struct PriorC {
    /// True for `not prior`.
    pub negated: bool,
    /// The earlier event looked for.
    pub matcher: Matcher,
    /// How far back.
    pub within: Option<Dur>,
}

/// `by a.d`, alone or with `whichever is later|earlier`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    /// `by a.d` (with `within`: not generated).
    Alone,
    /// `within D or by a.d, whichever is later`.
    Later,
    /// `within D or by a.d, whichever is earlier`.
    Earlier,
}

/// `when A as a ... require B ... within D | before E`.
#[derive(Debug, Clone, PartialEq)]
pub struct Obligation {
    /// The trigger type.
    pub trigger: usize,
    /// The trigger's condition.
    pub cond: Option<Ex>,
    /// Conditions on earlier events.
    pub priors: Vec<PriorC>,
    /// What fulfils it.
    pub awaited: Matcher,
    /// `within D`.
    pub within: Option<Dur>,
    /// `within w` (the policy's duration parameter) in place of `within D`.
    pub within_param: bool,
    /// `by a.d [, whichever ...]`.
    pub by: Option<By>,
    /// `, ending on a business day`.
    pub roll: bool,
    /// `extended by D when E where ...`.
    pub extensions: Vec<(Dur, Matcher)>,
    /// `before E where ...` (never aliased: the grammar has no alias there).
    pub before: Option<Matcher>,
    /// `unless cond` on the trigger.
    pub unless_cond: Vec<Ex>,
    /// `unless E where ...` while open.
    pub unless_event: Vec<Matcher>,
    /// `unless prior E where ... [within D]`.
    pub unless_prior: Vec<(Matcher, Option<Dur>)>,
    /// `forbid E where ... while open`.
    pub forbid: Vec<Matcher>,
}

/// `when A as a ... require prior B ... [within D]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Precedence {
    /// The trigger type.
    pub trigger: usize,
    /// The trigger's condition.
    pub cond: Option<Ex>,
    /// Conditions on earlier events.
    pub priors: Vec<PriorC>,
    /// What must have happened before.
    pub required: Matcher,
    /// The look-back window.
    pub within: Option<Dur>,
    /// `unless cond`.
    pub unless_cond: Vec<Ex>,
    /// `unless prior E where ... [within D]`.
    pub unless_prior: Vec<(Matcher, Option<Dur>)>,
}

/// `forbid A as a [where cond]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Prohibition {
    /// The forbidden type.
    pub event: usize,
    /// The condition making it forbidden.
    pub cond: Option<Ex>,
    /// Conditions on earlier events.
    pub priors: Vec<PriorC>,
    /// `unless cond`.
    pub unless_cond: Vec<Ex>,
    /// `unless prior E where ... [within D]`.
    pub unless_prior: Vec<(Matcher, Option<Dur>)>,
}

/// Aggregate functions over events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    /// `count(E)`
    Count,
    /// `distinct(E.j)`
    Distinct,
    /// `sum(E.amount)`
    Sum,
    /// `min(E.amount)`
    Min,
    /// `max(E.amount)`
    Max,
}

/// `per k[, j]: f(E[.field] [where filter]) op bound`.
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregate {
    /// Grouping fields.
    pub keys: Vec<&'static str>,
    /// The function.
    pub func: Func,
    /// The measured type.
    pub event: usize,
    /// A filter on the measured events (bare field names).
    pub filter: Option<Ex>,
    /// The comparison.
    pub op: Op,
    /// The bound.
    pub bound: i64,
}

impl Aggregate {
    /// The measured field.
    pub fn field(&self) -> Option<&'static str> {
        match self.func {
            Func::Count => None,
            Func::Distinct => Some("j"),
            Func::Sum | Func::Min | Func::Max => Some("amount"),
        }
    }
}

/// Calendar periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// `month`
    Month,
    /// `quarter`
    Quarter,
    /// `year`
    Year,
}

impl Period {
    fn text(self) -> &'static str {
        match self {
            Period::Month => "month",
            Period::Quarter => "quarter",
            Period::Year => "year",
        }
    }
}

/// Statistics of delays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stat {
    /// `average(delay ...)`
    Average,
    /// `min(delay ...)`
    Min,
    /// `max(delay ...)`
    Max,
    /// `percentile(P, delay ...)`
    Percentile(u32),
}

/// Statistics of a field per period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldStat {
    /// `sum(E.amount)`
    Sum,
    /// `min(E.amount)`
    Min,
    /// `max(E.amount)`
    Max,
    /// `average(E.amount)`
    Average,
    /// `percentile(P, E.amount)`
    Percentile(u32),
    /// `distinct(E.j)`
    Distinct,
}

/// One share of a share standard: `[-] share(E [as s] where cond)`.
#[derive(Debug, Clone, PartialEq)]
pub struct ShareTerm {
    /// Subtracted rather than added.
    pub minus: bool,
    /// The alias of the counted event, if written.
    pub alias: Option<&'static str>,
    /// The condition of the events counted in the share.
    pub cond: Ex,
}

/// `when A as a ... require B ... every D until E where ...`: a recurring
/// duty (no other deadline, no exempting event, no window prohibition).
#[derive(Debug, Clone, PartialEq)]
pub struct Recurring {
    /// The trigger type.
    pub trigger: usize,
    /// The trigger's condition.
    pub cond: Option<Ex>,
    /// Conditions on earlier events.
    pub priors: Vec<PriorC>,
    /// What meets a window.
    pub awaited: Matcher,
    /// The window.
    pub every: Dur,
    /// What ends the duty (never aliased: the grammar has no alias there).
    pub until: Matcher,
    /// `unless cond` on the trigger.
    pub unless_cond: Vec<Ex>,
    /// `unless prior E where ... [within D]`.
    pub unless_prior: Vec<(Matcher, Option<Dur>)>,
}

/// An amount of money in a remedy (every amount is GBP).
#[derive(Debug, Clone, PartialEq)]
pub enum Amt {
    /// `X GBP`, X in thousandths of a pound.
    Gbp(i64),
    /// `a.fee`, the fee of the instance's event.
    Fee,
    /// `p`, the policy's dated parameter, on the event's local day.
    Param,
    /// `N * x`
    Times(i64, Box<Amt>),
    /// `x * P%`
    Pct(Box<Amt>, i64),
    /// `x / N`
    Div(Box<Amt>, i64),
    /// `ceil(x)`
    Ceil(Box<Amt>),
    /// `floor(x)`
    Floor(Box<Amt>),
    /// `round(x, step[, half even])`, the step in thousandths.
    Round(Box<Amt>, i64, bool),
    /// `min(x, y)`
    Min(Box<Amt>, Box<Amt>),
    /// `max(x, y)`
    Max(Box<Amt>, Box<Amt>),
}

/// Writes a number given in thousandths as a decimal (`2500` is `2.5`).
pub fn thousandths(v: i64) -> String {
    let (whole, frac) = (v / 1000, v % 1000);
    if frac == 0 {
        return whole.to_string();
    }
    format!("{whole}.{frac:03}").trim_end_matches('0').to_string()
}

impl Amt {
    /// True when `p` is read.
    pub fn reads_param(&self) -> bool {
        match self {
            Amt::Param => true,
            Amt::Gbp(_) | Amt::Fee => false,
            Amt::Times(_, x) | Amt::Pct(x, _) | Amt::Div(x, _) | Amt::Ceil(x) | Amt::Floor(x) | Amt::Round(x, ..) => {
                x.reads_param()
            }
            Amt::Min(x, y) | Amt::Max(x, y) => x.reads_param() || y.reads_param(),
        }
    }

    fn render(&self, out: &mut String) {
        let call = |out: &mut String, name: &str, args: &[&Amt], tail: &str| {
            let _ = write!(out, "{name}(");
            for (i, a) in args.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                a.render(out);
            }
            let _ = write!(out, "{tail})");
        };
        match self {
            Amt::Gbp(v) => {
                let _ = write!(out, "{} GBP", thousandths(*v));
            }
            Amt::Fee => out.push_str("a.fee"),
            Amt::Param => out.push('p'),
            Amt::Times(n, x) => {
                let _ = write!(out, "{n} * ");
                x.render(out);
            }
            Amt::Pct(x, p) => {
                x.render(out);
                let _ = write!(out, " * {p}%");
            }
            Amt::Div(x, n) => {
                x.render(out);
                let _ = write!(out, " / {n}");
            }
            Amt::Ceil(x) => call(out, "ceil", &[x], ""),
            Amt::Floor(x) => call(out, "floor", &[x], ""),
            Amt::Round(x, step, even) => {
                let tail = format!(", {}{}", thousandths(*step), if *even { ", half even" } else { "" });
                call(out, "round", &[x], &tail);
            }
            Amt::Min(x, y) => call(out, "min", &[x, y], ""),
            Amt::Max(x, y) => call(out, "max", &[x, y], ""),
        }
    }
}

/// The unit of a rate per unit late.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// `per hour late`: each started hour.
    Hour,
    /// `per day late`: each started 24 hours.
    Day,
    /// `per week late`: each started 168 hours.
    Week,
    /// `per calendar day late`: each local date touched.
    CalDay,
    /// `per business day late`: each business day among those dates.
    BizDay,
}

impl Unit {
    fn text(self) -> &'static str {
        match self {
            Unit::Hour => "hour",
            Unit::Day => "day",
            Unit::Week => "week",
            Unit::CalDay => "calendar day",
            Unit::BizDay => "business day",
        }
    }
}

/// One term of a remedy: an amount, or a rate per unit late with tiers
/// `for the first N, then B per U late` (N growing).
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    /// The amount, or the first rate.
    pub rate: Amt,
    /// The unit, for a rate.
    pub per: Option<Unit>,
    /// Each `for the first N, then B`: the units the rate before covers
    /// from the first unit late, and the next rate.
    pub tiers: Vec<(u64, Amt)>,
}

/// `remedy T1 + T2 ... [, max C]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Remedy {
    /// The terms summed.
    pub terms: Vec<Term>,
    /// The cap.
    pub cap: Option<Amt>,
}

impl Remedy {
    /// True when some amount reads `p`.
    pub fn reads_param(&self) -> bool {
        let amounts = self.terms.iter().flat_map(|t| std::iter::once(&t.rate).chain(t.tiers.iter().map(|(_, a)| a)));
        amounts.chain(self.cap.as_ref()).any(Amt::reads_param)
    }

    fn render(&self, s: &mut String) {
        s.push_str("  remedy ");
        for (i, t) in self.terms.iter().enumerate() {
            if i > 0 {
                s.push_str(" + ");
            }
            t.rate.render(s);
            let Some(unit) = t.per else { continue };
            let _ = write!(s, " per {} late", unit.text());
            for (n, next) in &t.tiers {
                let _ = write!(s, " for the first {n}, then ");
                next.render(s);
                let _ = write!(s, " per {} late", unit.text());
            }
        }
        if let Some(c) = &self.cap {
            s.push_str(", max ");
            c.render(s);
        }
        s.push('\n');
    }
}

/// The kinds of generated rules.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// An obligation with a deadline.
    Obligation(Obligation),
    /// A precedence.
    Precedence(Precedence),
    /// A prohibition.
    Prohibition(Prohibition),
    /// A per-key aggregate.
    Aggregate(Aggregate),
    /// `per P: count(E [where ...]) op N`.
    PeriodCount { period: Period, event: usize, filter: Option<Ex>, op: Op, bound: i64 },
    /// `per P: rate(rN) op B%`.
    Rate { period: Period, target: usize, op: Op, bound: i64 },
    /// `per P: stat(E.amount [where ...]) op N` (`E.j` for distinct).
    PeriodField { period: Period, stat: FieldStat, event: usize, filter: Option<Ex>, op: Op, bound: i64 },
    /// `per P: share(E where ...) [± share(E where ...)] op B%`.
    Share { period: Period, event: usize, terms: Vec<ShareTerm>, op: Op, bound: i64 },
    /// `per P: stat(delay from E as a [where ...] to B where ...) op H hours`.
    Delay { period: Period, stat: Stat, from: usize, from_cond: Option<Ex>, to: Matcher, op: Op, hours: i64 },
    /// `when A as a ... require B ... every D until E where ...`.
    Recurring(Recurring),
}

/// A rule: `r<index>` with its kind and its dates in force.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// What it checks.
    pub kind: Kind,
    /// What a violation owes.
    pub remedy: Option<Remedy>,
    /// Declared `measure` (only rules a rate measures are).
    pub measure: bool,
    /// `in force from D [until D]`.
    pub in_force: Option<(NaiveDate, Option<NaiveDate>)>,
}

/// A whole generated policy file.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// The time zone.
    pub zone: Zone,
    /// The calendar.
    pub cal: Cal,
    /// The jurisdiction's own `in force from D`.
    pub jur_from: Option<NaiveDate>,
    /// How many event types are declared (the first of [`TYPES`]).
    pub types: usize,
    /// The schedule of parameter `p`: amounts in thousandths of a pound,
    /// each from its date (declared only when a remedy reads it).
    pub param: Vec<(NaiveDate, i64)>,
    /// The schedule of duration parameter `w`, each window from its date
    /// (declared only when an obligation's deadline reads it).
    pub windows: Vec<(NaiveDate, Dur)>,
    /// The rules, named `r0`, `r1`, ...
    pub rules: Vec<Rule>,
}

impl Rule {
    /// True when the rule's deadline reads duration parameter `w`.
    pub fn reads_window(&self) -> bool {
        matches!(&self.kind, Kind::Obligation(o) if o.within_param && o.within.is_some())
    }
}

/// The name of rule `i`.
pub fn rule_name(i: usize) -> String {
    format!("r{i}")
}

impl Policy {
    /// The policy as Tenet source text.
    pub fn text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "jurisdiction DIFF \"Differential\"");
        let _ = writeln!(s, "  timezone \"{}\"", self.zone.name());
        match &self.cal {
            Cal::None => {}
            Cal::Gb => {
                let _ = writeln!(s, "  calendar GB");
            }
            Cal::Mine { .. } => {
                let _ = writeln!(s, "  calendar MINE");
            }
        }
        if let Some(d) = self.jur_from {
            let _ = writeln!(s, "  in force from {d}");
        }
        s.push('\n');
        if let Cal::Mine { holiday, fri_sat } = &self.cal {
            let _ = writeln!(s, "calendar MINE extends GB {{");
            if *fri_sat {
                let _ = writeln!(s, "  weekend fri, sat");
            }
            let _ = writeln!(s, "  holiday {holiday} \"extra\"");
            let _ = writeln!(s, "}}\n");
        }
        if self.rules.iter().any(|r| r.remedy.as_ref().is_some_and(Remedy::reads_param)) {
            let _ = writeln!(s, "parameter p \"rate\" cites \"test\" {{");
            for (from, v) in &self.param {
                let _ = writeln!(s, "  {} GBP from {from}", thousandths(*v));
            }
            let _ = writeln!(s, "}}\n");
        }
        if self.rules.iter().any(Rule::reads_window) {
            let _ = writeln!(s, "parameter w \"window\" cites \"test\" {{");
            for (from, d) in &self.windows {
                let _ = writeln!(s, "  {d} from {from}");
            }
            let _ = writeln!(s, "}}\n");
        }
        for t in TYPES.iter().take(self.types) {
            let _ = writeln!(s, "event {t} {{ k: id?, j: id?, amount: int?, d: date?, fee: money(GBP)? }}");
        }
        for (i, r) in self.rules.iter().enumerate() {
            s.push('\n');
            let keyword = if r.measure { "measure" } else { "rule" };
            let _ = write!(s, "{keyword} {} cites \"test\"", rule_name(i));
            if let Some((from, until)) = r.in_force {
                let _ = write!(s, " in force from {from}");
                if let Some(u) = until {
                    let _ = write!(s, " until {u}");
                }
            }
            s.push_str(" {\n");
            r.kind.render(&mut s);
            if let Some(m) = &r.remedy {
                m.render(&mut s);
            }
            s.push_str("}\n");
        }
        s
    }
}

fn unless_prior(s: &mut String, up: &[(Matcher, Option<Dur>)]) {
    for (m, w) in up {
        s.push_str("  unless prior ");
        m.render(s);
        if let Some(w) = w {
            let _ = write!(s, " within {w}");
        }
        s.push('\n');
    }
}

fn unless_cond(s: &mut String, c: &[Ex]) {
    for c in c {
        let _ = writeln!(s, "  unless {}", c.text(Some("a")));
    }
}

fn when(s: &mut String, trigger: usize, cond: &Option<Ex>, priors: &[PriorC]) {
    let _ = write!(s, "  when {} as a", TYPES[trigger]);
    if let Some(c) = cond {
        let _ = write!(s, " where ({})", c.text(Some("a")));
    }
    prior_conds(s, cond.is_some(), priors);
    s.push('\n');
}

fn prior_conds(s: &mut String, after_condition: bool, priors: &[PriorC]) {
    for (i, p) in priors.iter().enumerate() {
        let joint = if i == 0 && !after_condition { "where" } else { "and" };
        let not = if p.negated { "not " } else { "" };
        let _ = write!(s, " {joint} {not}prior ");
        p.matcher.render(s);
        if let Some(w) = p.within {
            let _ = write!(s, " within {w}");
        }
    }
}

impl Kind {
    fn render(&self, s: &mut String) {
        match self {
            Kind::Obligation(o) => {
                when(s, o.trigger, &o.cond, &o.priors);
                s.push_str("  require ");
                o.awaited.render(s);
                match (o.within, o.within_param) {
                    (Some(_), true) => s.push_str(" within w"),
                    (Some(w), false) => {
                        let _ = write!(s, " within {w}");
                    }
                    (None, _) => {}
                }
                match (o.by, o.within.is_some()) {
                    (Some(By::Later), true) => s.push_str(" or by a.d, whichever is later"),
                    (Some(By::Earlier), true) => s.push_str(" or by a.d, whichever is earlier"),
                    (Some(_), _) => s.push_str(" by a.d"),
                    (None, _) => {}
                }
                if o.roll {
                    s.push_str(", ending on a business day");
                }
                if (o.within.is_some() || o.by.is_some()) && o.before.is_some() {
                    s.push_str(" or");
                }
                if let Some(b) = &o.before {
                    s.push_str(" before ");
                    b.render(s);
                }
                s.push('\n');
                unless_cond(s, &o.unless_cond);
                for m in &o.unless_event {
                    s.push_str("  unless ");
                    m.render(s);
                    s.push('\n');
                }
                unless_prior(s, &o.unless_prior);
                for m in &o.forbid {
                    s.push_str("  forbid ");
                    m.render(s);
                    s.push_str(" while open\n");
                }
                for (d, m) in &o.extensions {
                    let _ = write!(s, "  extended by {d} when ");
                    m.render(s);
                    s.push('\n');
                }
            }
            Kind::Precedence(p) => {
                when(s, p.trigger, &p.cond, &p.priors);
                s.push_str("  require prior ");
                p.required.render(s);
                if let Some(w) = p.within {
                    let _ = write!(s, " within {w}");
                }
                s.push('\n');
                unless_cond(s, &p.unless_cond);
                unless_prior(s, &p.unless_prior);
            }
            Kind::Prohibition(p) => {
                let _ = write!(s, "  forbid {} as a", TYPES[p.event]);
                if let Some(c) = &p.cond {
                    let _ = write!(s, " where ({})", c.text(Some("a")));
                }
                prior_conds(s, p.cond.is_some(), &p.priors);
                s.push('\n');
                unless_cond(s, &p.unless_cond);
                unless_prior(s, &p.unless_prior);
            }
            Kind::Aggregate(a) => {
                let func = match a.func {
                    Func::Count => "count",
                    Func::Distinct => "distinct",
                    Func::Sum => "sum",
                    Func::Min => "min",
                    Func::Max => "max",
                };
                let _ = write!(s, "  per {}: {func}({}", a.keys.join(", "), TYPES[a.event]);
                if let Some(f) = a.field() {
                    let _ = write!(s, ".{f}");
                }
                filter(s, &a.filter);
                let _ = writeln!(s, ") {} {}", a.op.text(), a.bound);
            }
            Kind::PeriodCount { period, event, filter: f, op, bound } => {
                let _ = write!(s, "  per {}: count({}", period.text(), TYPES[*event]);
                filter(s, f);
                let _ = writeln!(s, ") {} {bound}", op.text());
            }
            Kind::Rate { period, target, op, bound } => {
                let _ = writeln!(s, "  per {}: rate({}) {} {bound}%", period.text(), rule_name(*target), op.text());
            }
            Kind::PeriodField { period, stat, event, filter: f, op, bound } => {
                let (func, field) = match stat {
                    FieldStat::Sum => ("sum(".to_string(), "amount"),
                    FieldStat::Min => ("min(".to_string(), "amount"),
                    FieldStat::Max => ("max(".to_string(), "amount"),
                    FieldStat::Average => ("average(".to_string(), "amount"),
                    FieldStat::Percentile(p) => (format!("percentile({p}, "), "amount"),
                    FieldStat::Distinct => ("distinct(".to_string(), "j"),
                };
                let _ = write!(s, "  per {}: {func}{}.{field}", period.text(), TYPES[*event]);
                filter(s, f);
                let _ = writeln!(s, ") {} {bound}", op.text());
            }
            Kind::Share { period, event, terms, op, bound } => {
                let _ = write!(s, "  per {}: ", period.text());
                for (i, t) in terms.iter().enumerate() {
                    if i > 0 {
                        s.push_str(if t.minus { " - " } else { " + " });
                    }
                    let _ = write!(s, "share({}", TYPES[*event]);
                    if let Some(a) = t.alias {
                        let _ = write!(s, " as {a}");
                    }
                    let _ = write!(s, " where {})", t.cond.text(t.alias));
                }
                let _ = writeln!(s, " {} {bound}%", op.text());
            }
            Kind::Recurring(r) => {
                when(s, r.trigger, &r.cond, &r.priors);
                s.push_str("  require ");
                r.awaited.render(s);
                let _ = write!(s, " every {} until ", r.every);
                r.until.render(s);
                s.push('\n');
                unless_cond(s, &r.unless_cond);
                unless_prior(s, &r.unless_prior);
            }
            Kind::Delay { period, stat, from, from_cond, to, op, hours } => {
                let _ = write!(s, "  per {}: ", period.text());
                match stat {
                    Stat::Average => s.push_str("average("),
                    Stat::Min => s.push_str("min("),
                    Stat::Max => s.push_str("max("),
                    Stat::Percentile(p) => {
                        let _ = write!(s, "percentile({p}, ");
                    }
                }
                let _ = write!(s, "delay from {} as a", TYPES[*from]);
                if let Some(c) = from_cond {
                    let _ = write!(s, " where {}", c.text(Some("a")));
                }
                s.push_str(" to ");
                to.render(s);
                let _ = writeln!(s, ") {} {}", op.text(), Dur::Hours(*hours));
            }
        }
    }
}

fn filter(s: &mut String, f: &Option<Ex>) {
    if let Some(c) = f {
        let _ = write!(s, " where {}", c.text(None));
    }
}

/// One event of a generated log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ev {
    /// Microseconds since the epoch.
    pub time: i64,
    /// Index into [`TYPES`], or None for a type the policy does not declare.
    pub ty: Option<usize>,
    /// `k`, if present.
    pub k: Option<&'static str>,
    /// `j`, if present.
    pub j: Option<&'static str>,
    /// `amount`, if present.
    pub amount: Option<i64>,
    /// `d`, a date, if present.
    pub d: Option<NaiveDate>,
    /// `fee`, in pence, if present.
    pub fee: Option<i64>,
}

impl Ev {
    /// The type name as written in the log.
    pub fn type_name(&self) -> &'static str {
        self.ty.map_or("other", |t| TYPES[t])
    }
}

/// An instant as RFC 3339 in UTC.
pub fn utc(t: i64) -> String {
    chrono::DateTime::from_timestamp_micros(t)
        .map_or_else(|| format!("{t}µs"), |d| d.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
}

/// An instant as local time in `tz`, with the offset.
pub fn local(t: i64, tz: Tz) -> String {
    chrono::DateTime::from_timestamp_micros(t)
        .map_or_else(|| format!("{t}µs"), |d| d.with_timezone(&tz).format("%a %Y-%m-%d %H:%M:%S%:z").to_string())
}

/// The log as a `given { ... }` block (pasteable into a policy test), each
/// line annotated with its log line and local time.
pub fn render_log(events: &[Ev], tz: Tz) -> String {
    let mut s = String::from("given {\n");
    for (i, e) in events.iter().enumerate() {
        let mut fields = vec![];
        if let Some(k) = e.k {
            fields.push(format!("k: \"{k}\""));
        }
        if let Some(j) = e.j {
            fields.push(format!("j: \"{j}\""));
        }
        if let Some(a) = e.amount {
            fields.push(format!("amount: {a}"));
        }
        if let Some(d) = e.d {
            fields.push(format!("d: {d}"));
        }
        if let Some(f) = e.fee {
            fields.push(format!("fee: {} GBP", thousandths(f * 10)));
        }
        let body = if fields.is_empty() { String::new() } else { format!(" {{ {} }}", fields.join(", ")) };
        let line = format!("  {} {}{body}", utc(e.time), e.type_name());
        let _ = writeln!(s, "{line:<70} // L{} {}", i + 1, local(e.time, tz));
    }
    s.push('}');
    s
}

/// The first instant of local day `d` in `tz` (midnight; the earlier one
/// when it repeats; the end of the gap when a clock change skips it).
pub fn start_of_day(d: NaiveDate, tz: Tz) -> i64 {
    local_instant(d.and_hms_opt(0, 0, 0).unwrap_or_default(), tz)
}

/// The instant of a local date-time (the earlier when it repeats; for a
/// time skipped by a clock change, the first valid instant after it).
pub fn local_instant(dt: NaiveDateTime, tz: Tz) -> i64 {
    let mut probe = dt;
    for _ in 0..=4 * 60 {
        match tz.from_local_datetime(&probe) {
            chrono::LocalResult::Single(t) => return t.timestamp_micros(),
            chrono::LocalResult::Ambiguous(a, b) => return a.timestamp_micros().min(b.timestamp_micros()),
            chrono::LocalResult::None => probe += chrono::Duration::minutes(1),
        }
    }
    dt.and_utc().timestamp_micros()
}

/// The local date of an instant.
pub fn local_date(t: i64, tz: Tz) -> NaiveDate {
    chrono::DateTime::from_timestamp_micros(t).map_or(NaiveDate::MIN, |d| d.with_timezone(&tz).date_naive())
}
