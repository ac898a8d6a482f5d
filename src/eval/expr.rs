//! Compiled expressions and their evaluation against events.
//!
//! Names are resolved at compile time: an attribute is a (slot, symbol)
//! pair, where the slot says which event it is read from — the event being
//! matched now (`Current`) or the obligation's trigger (`Anchor`).

use super::numeric::NumFunc;
use crate::log::{Event, Sym};
use crate::syntax::ast::{BinOp, CmpOp, DurationUnit, HoursSpan, RoundMode};
use crate::time::{self, Calendar, Micros};
use crate::value::Val;
use chrono_tz::Tz;
use rust_decimal::Decimal;

/// Which event an attribute is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// The event being matched.
    Current,
    /// The trigger of the obligation (or the start of a delay).
    Anchor,
}

/// A compiled expression.
#[derive(Debug, Clone, PartialEq)]
pub enum CExpr {
    /// A constant.
    Lit(Val),
    /// An attribute of an event.
    Attr(Slot, Sym),
    /// The time of an event.
    Time(Slot),
    /// The type name of an event.
    Type(Slot),
    /// A time function applied to a time.
    Func(Func, Box<CExpr>),
    /// `business_days_between(a, b)`.
    BusinessDaysBetween(Box<CExpr>, Box<CExpr>),
    /// `t ± N unit` for a calendar unit (calendar or business days, months,
    /// years): the local date moves, the local time of day stays; the
    /// amount is negative for `-`.
    Shift(Box<CExpr>, i64, DurationUnit),
    /// `not e`
    Not(Box<CExpr>),
    /// `-e`
    Neg(Box<CExpr>),
    /// `a and b`
    And(Box<CExpr>, Box<CExpr>),
    /// `a or b`
    Or(Box<CExpr>, Box<CExpr>),
    /// A comparison.
    Cmp(CmpOp, Box<CExpr>, Box<CExpr>),
    /// `+ - * /`
    Arith(BinOp, Box<CExpr>, Box<CExpr>),
    /// `e [not] in [..]`
    In(Box<CExpr>, Vec<CExpr>, bool),
    /// `e during ...`
    During(Box<CExpr>, Vec<HoursSpan>),
    /// A dated parameter, read on the local day of the instance's time.
    Param(Box<Schedule>),
    /// `ceil(x)`, `round(x, step, mode)`, `min(a, b, ...)`.
    Num(NumFunc, RoundMode, Vec<CExpr>),
}

/// The values of a dated parameter by local date.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    /// Its name.
    pub name: String,
    /// Its values in date order.
    pub entries: Vec<Dated>,
}

/// A value in force on the local days `[from, until)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Dated {
    /// First day.
    pub from: chrono::NaiveDate,
    /// First day after (None: open).
    pub until: Option<chrono::NaiveDate>,
    /// The value.
    pub value: Val,
}

impl CExpr {
    /// The dated parameters the expression reads, in reading order.
    pub fn params(&self) -> Vec<&Schedule> {
        self.nodes()
            .into_iter()
            .filter_map(|e| match e {
                CExpr::Param(s) => Some(s.as_ref()),
                _ => None,
            })
            .collect()
    }

    /// The attributes it reads, of any event.
    pub fn attrs(&self) -> impl Iterator<Item = Sym> + '_ {
        self.nodes().into_iter().filter_map(|e| match e {
            CExpr::Attr(_, sym) => Some(*sym),
            _ => None,
        })
    }

    /// Every node, itself first, left before right.
    fn nodes(&self) -> Vec<&CExpr> {
        let mut out = vec![];
        let mut todo = vec![self];
        while let Some(e) = todo.pop() {
            out.push(e);
            match e {
                CExpr::Lit(_) | CExpr::Attr(..) | CExpr::Time(_) | CExpr::Type(_) | CExpr::Param(_) => {}
                CExpr::Func(_, x) | CExpr::Not(x) | CExpr::Neg(x) | CExpr::During(x, _) | CExpr::Shift(x, ..) => {
                    todo.push(x)
                }
                CExpr::And(a, b)
                | CExpr::Or(a, b)
                | CExpr::Cmp(_, a, b)
                | CExpr::Arith(_, a, b)
                | CExpr::BusinessDaysBetween(a, b) => {
                    todo.push(b);
                    todo.push(a);
                }
                CExpr::In(x, list, _) => {
                    todo.extend(list.iter().rev());
                    todo.push(x);
                }
                CExpr::Num(_, _, args) => todo.extend(args.iter().rev()),
            }
        }
        out
    }
}

impl Schedule {
    /// The entry in force on `date`, if any.
    pub fn at(&self, date: chrono::NaiveDate) -> Option<&Dated> {
        self.entries.iter().find(|e| e.from <= date && e.until.is_none_or(|u| date < u))
    }
}

/// The time functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    /// `weekday(t)`: `"mon"` .. `"sun"`.
    Weekday,
    /// `hour(t)`: 0..23, local.
    Hour,
    /// `date(t)`: the local date.
    Date,
    /// `next_business_day(t)`: 00:00 local of the first business day after t's day.
    NextBusinessDay,
    /// `previous_business_day(t)`: 00:00 local of the last business day before t's day.
    PreviousBusinessDay,
    /// `start_of_day(t)`: 00:00 local of t's day.
    StartOfDay,
    /// `end_of_day(t)`: the last instant of t's local day.
    EndOfDay,
}

impl Func {
    /// The function of a name written in a policy.
    pub fn named(name: &str) -> Option<Func> {
        Some(match name {
            "weekday" => Func::Weekday,
            "hour" => Func::Hour,
            "date" => Func::Date,
            "next_business_day" => Func::NextBusinessDay,
            "previous_business_day" => Func::PreviousBusinessDay,
            "start_of_day" => Func::StartOfDay,
            "end_of_day" => Func::EndOfDay,
            _ => return None,
        })
    }
}

/// What an expression is evaluated against.
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    /// The event being matched.
    pub current: Option<&'a Event>,
    /// The trigger.
    pub anchor: Option<&'a Event>,
    /// The jurisdiction's time zone, for local-time functions.
    pub tz: Tz,
    /// The jurisdiction's business calendar.
    pub calendar: &'a Calendar,
    /// Event type names by symbol.
    pub names: &'a [Box<str>],
}

impl<'a> Ctx<'a> {
    fn event(&self, slot: Slot) -> Option<&'a Event> {
        match slot {
            Slot::Current => self.current,
            Slot::Anchor => self.anchor,
        }
    }
}

impl CExpr {
    /// Evaluates to a value (Null when something is absent or ill-typed).
    pub fn eval(&self, ctx: &Ctx) -> Val {
        match self {
            CExpr::Lit(v) => v.clone(),
            CExpr::Attr(slot, key) => ctx.event(*slot).map_or(Val::Null, |e| e.get(*key).clone()),
            CExpr::Time(slot) => ctx.event(*slot).map_or(Val::Null, |e| Val::Time(e.time)),
            CExpr::Type(slot) => ctx
                .event(*slot)
                .and_then(|e| ctx.names.get(e.kind as usize))
                .map_or(Val::Null, |n| Val::Str(n.as_ref().into())),
            CExpr::Func(f, arg) => match arg.eval(ctx) {
                Val::Time(t) => func(*f, t, ctx),
                Val::Date(d) => day_func(*f, d, ctx),
                _ => Val::Null,
            },
            CExpr::BusinessDaysBetween(a, b) => match (day_of(a.eval(ctx), ctx.tz), day_of(b.eval(ctx), ctx.tz)) {
                (Some(a), Some(b)) => time::business_days_between(a, b, ctx.calendar).map_or(Val::Null, Val::Int),
                _ => Val::Null,
            },
            CExpr::Shift(base, amount, unit) => match base.eval(ctx) {
                Val::Time(t) => time::shift(t, *amount, *unit, ctx.tz, ctx.calendar).map_or(Val::Null, Val::Time),
                Val::Date(d) => time::shift_date(d, *amount, *unit, ctx.calendar).map_or(Val::Null, Val::Date),
                _ => Val::Null,
            },
            CExpr::Not(e) => match e.eval(ctx) {
                Val::Bool(b) => Val::Bool(!b),
                _ => Val::Null,
            },
            CExpr::Neg(e) => negate(e.eval(ctx)),
            CExpr::And(a, b) => Val::Bool(a.holds(ctx) && b.holds(ctx)),
            CExpr::Or(a, b) => Val::Bool(a.holds(ctx) || b.holds(ctx)),
            CExpr::Cmp(op, a, b) => Val::Bool(compare(*op, &a.eval(ctx), &b.eval(ctx))),
            CExpr::Arith(op, a, b) => arith(*op, a.eval(ctx), b.eval(ctx)),
            CExpr::In(v, list, negated) => {
                let v = v.eval(ctx);
                if v == Val::Null {
                    return Val::Bool(false);
                }
                let found = list.iter().any(|x| v.equals(&x.eval(ctx)));
                Val::Bool(found != *negated)
            }
            CExpr::During(v, spans) => match v.eval(ctx) {
                Val::Time(t) => Val::Bool(time::during(t, ctx.tz, spans)),
                _ => Val::Bool(false),
            },
            CExpr::Param(schedule) => {
                // The trigger's day for obligations, the event's otherwise.
                let Some(at) = ctx.anchor.or(ctx.current) else { return Val::Null };
                schedule.at(time::local_date(at.time, ctx.tz)).map_or(Val::Null, |d| d.value.clone())
            }
            CExpr::Num(f, mode, args) => {
                let values: smallvec::SmallVec<[Val; 3]> = args.iter().map(|a| a.eval(ctx)).collect();
                f.apply(*mode, &values)
            }
        }
    }

    /// True when the expression evaluates to `true`.
    pub fn holds(&self, ctx: &Ctx) -> bool {
        self.eval(ctx) == Val::Bool(true)
    }
}

/// `a op b`, false when either side is absent or they do not compare.
pub fn compare(op: CmpOp, a: &Val, b: &Val) -> bool {
    let Some(ord) = a.compare(b) else { return op == CmpOp::Ne && *a != Val::Null && *b != Val::Null };
    op.holds(ord)
}

fn func(f: Func, t: Micros, ctx: &Ctx) -> Val {
    match f {
        Func::Weekday => Val::Str(time::weekday(t, ctx.tz).as_str().into()),
        Func::Hour => Val::Int(i64::from(time::hour(t, ctx.tz))),
        _ => day_func(f, time::local_date(t, ctx.tz), ctx),
    }
}

/// A function of a local day (a date, or the day of a time).
fn day_func(f: Func, d: chrono::NaiveDate, ctx: &Ctx) -> Val {
    let t = match f {
        Func::Date => return Val::Date(d),
        Func::Weekday => return Val::Str(crate::time::weekday_of(d).as_str().into()),
        Func::Hour => return Val::Int(0),
        Func::NextBusinessDay => time::next_business_day(d, ctx.tz, ctx.calendar),
        Func::PreviousBusinessDay => time::previous_business_day(d, ctx.tz, ctx.calendar),
        Func::StartOfDay => time::start_of_local_day(d, ctx.tz),
        Func::EndOfDay => time::end_of_day(d, ctx.tz),
    };
    t.map_or(Val::Null, Val::Time)
}

/// The local day of a time or a date.
fn day_of(v: Val, tz: Tz) -> Option<chrono::NaiveDate> {
    match v {
        Val::Time(t) => Some(time::local_date(t, tz)),
        Val::Date(d) => Some(d),
        _ => None,
    }
}

fn negate(v: Val) -> Val {
    match v {
        Val::Int(i) => i.checked_neg().map_or(Val::Null, Val::Int),
        Val::Dec(d) => Val::Dec(-d),
        Val::Money(d, c) => Val::Money(-d, c),
        Val::Percent(d) => Val::Percent(-d),
        Val::Dur(d) => d.checked_neg().map_or(Val::Null, Val::Dur),
        _ => Val::Null,
    }
}

/// Arithmetic; Null on overflow, division by zero or mismatched types. A
/// percentage scales as its fraction (`10 GBP * 10%` is 1 GBP).
pub fn arith(op: BinOp, a: Val, b: Val) -> Val {
    use Val::*;
    let dec = |x: Option<Decimal>| x.map_or(Null, Dec);
    match (op, a, b) {
        (BinOp::Add, Int(x), Int(y)) => x.checked_add(y).map_or(Null, Int),
        (BinOp::Sub, Int(x), Int(y)) => x.checked_sub(y).map_or(Null, Int),
        (BinOp::Mul, Int(x), Int(y)) => x.checked_mul(y).map_or(Null, Int),
        (BinOp::Add | BinOp::Sub, Time(t), Dur(d)) => {
            let d = if op == BinOp::Sub { d.checked_neg() } else { Some(d) };
            d.and_then(|d| t.checked_add(d)).map_or(Null, Time)
        }
        (BinOp::Add, Dur(d), Time(t)) => t.checked_add(d).map_or(Null, Time),
        (BinOp::Sub, Time(x), Time(y)) => x.checked_sub(y).map_or(Null, Dur),
        (BinOp::Add, Dur(x), Dur(y)) => x.checked_add(y).map_or(Null, Dur),
        (BinOp::Sub, Dur(x), Dur(y)) => x.checked_sub(y).map_or(Null, Dur),
        (BinOp::Mul, Dur(x), Int(y)) | (BinOp::Mul, Int(y), Dur(x)) => x.checked_mul(y).map_or(Null, Dur),
        (BinOp::Mul, Dur(x), n @ (Dec(_) | Percent(_))) | (BinOp::Mul, n @ (Dec(_) | Percent(_)), Dur(x)) => {
            scale_micros(x, n.as_fraction(), false)
        }
        (BinOp::Div, Dur(x), n @ (Int(_) | Dec(_) | Percent(_))) => scale_micros(x, n.as_fraction(), true),
        (BinOp::Div, Dur(x), Dur(y)) => dec(Decimal::from(x).checked_div(Decimal::from(y))),
        (op, Money(x, c), Money(y, d)) if c == d || c.is_empty() || d.is_empty() => {
            let c = if c.is_empty() { d } else { c };
            match op {
                BinOp::Add => x.checked_add(y).map_or(Null, |r| Money(r, c)),
                BinOp::Sub => x.checked_sub(y).map_or(Null, |r| Money(r, c)),
                BinOp::Div => dec(x.checked_div(y)),
                _ => Null,
            }
        }
        (_, Money(..), Money(..)) => Null,
        (BinOp::Mul, Money(x, c), n) | (BinOp::Mul, n, Money(x, c)) => {
            n.as_fraction().and_then(|n| x.checked_mul(n)).map_or(Null, |r| Money(r, c))
        }
        (BinOp::Div, Money(x, c), n) => n.as_fraction().and_then(|n| x.checked_div(n)).map_or(Null, |r| Money(r, c)),
        (BinOp::Add | BinOp::Sub, Money(..), _) | (BinOp::Add | BinOp::Sub, _, Money(..)) => Null,
        (op @ (BinOp::Add | BinOp::Sub), Percent(x), Percent(y)) => {
            let r = if op == BinOp::Add { x.checked_add(y) } else { x.checked_sub(y) };
            r.map_or(Null, Percent)
        }
        (op, a, b) => {
            let (Some(x), Some(y)) = (a.as_fraction(), b.as_fraction()) else { return Null };
            match op {
                BinOp::Add => dec(x.checked_add(y)),
                BinOp::Sub => dec(x.checked_sub(y)),
                BinOp::Mul => dec(x.checked_mul(y)),
                BinOp::Div => dec(x.checked_div(y)),
                _ => Null,
            }
        }
    }
}

/// Microseconds times (or divided by) a factor, rounded to the microsecond.
fn scale_micros(x: i64, factor: Option<Decimal>, divide: bool) -> Val {
    let Some(f) = factor else { return Val::Null };
    let r = if divide { Decimal::from(x).checked_div(f) } else { Decimal::from(x).checked_mul(f) };
    r.and_then(|r| i64::try_from(r.round()).ok()).map_or(Val::Null, Val::Dur)
}
