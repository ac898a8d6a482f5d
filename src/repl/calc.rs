//! The REPL's calculator: constant expressions, with their types.
//!
//! `2026-03-06T17:00:00-03:00 + 2 business days` is what the engine computes
//! for that expression in the session's jurisdiction (its zone and
//! calendar): the same local time on the 2nd business day after, by
//! [`time::shift`]; the explanation adds the deadline `within 2 business
//! days` would give from that time ([`time::due`]), which days counted and
//! which were skipped. Exact durations add up (`7 days - 24 hours`);
//! calendar ones (`business days`, `calendar days`, `months`, `years`) have
//! no fixed length, so they only move a time or a date.

use crate::diagnostics::{Diagnostic, Problem};
use crate::span::{FileId, Span};
use crate::syntax::ast::{BinOp, DurationUnit, Expr, ExprKind, Literal, UnOp};
use crate::time::{self, Calendar, Due, Micros, DAY, HOUR, MINUTE, SECOND, WEEK};
use crate::value::format_duration;
use chrono::{FixedOffset, NaiveDate};
use chrono_tz::Tz;
use rust_decimal::Decimal;
use std::cmp::Ordering;

/// Where expressions are computed: the session's jurisdiction.
#[derive(Debug, Clone)]
pub struct Place {
    /// The jurisdiction's code, if one is loaded.
    pub jurisdiction: Option<String>,
    /// Its time zone (UTC when none).
    pub tz: Tz,
    /// Its business calendar.
    pub calendar: Calendar,
    /// The dated parameters the jurisdiction's files see.
    pub params: Vec<crate::eval::expr::Schedule>,
    /// The day parameters are read on (today, in the zone).
    pub today: NaiveDate,
}

impl Default for Place {
    fn default() -> Self {
        Place {
            jurisdiction: None,
            tz: chrono_tz::UTC,
            calendar: Calendar::weekends_only(),
            params: vec![],
            today: chrono::Utc::now().date_naive(),
        }
    }
}

/// A computed value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `true`
    Bool(bool),
    /// `42`
    Int(i64),
    /// `4.5`
    Decimal(Decimal),
    /// `95%`
    Percent(Decimal),
    /// `10.34 GBP`
    Money(Decimal, String),
    /// `"text"`
    Text(String),
    /// `2026-03-02`
    Date(NaiveDate),
    /// An instant, with the offset it was written in.
    Time(Micros, Option<FixedOffset>),
    /// An exact duration in microseconds.
    Exact(i64),
    /// A day-based duration: `2 business days`.
    Days(i64, DurationUnit),
    /// A time moved by a calendar duration, with the deadline an obligation
    /// opened at `from` would get.
    Deadline {
        /// The value: `from` moved, keeping its local time of day.
        at: Micros,
        /// The start.
        from: Micros,
        /// How long.
        amount: i64,
        /// In what.
        unit: DurationUnit,
        /// The result.
        due: Due,
    },
}

/// Computes `expr` (written in `<repl:N>`, file `file`).
pub fn compute(expr: &Expr, place: &Place, file: FileId) -> Result<Value, Box<Diagnostic>> {
    Calc { place, file }.eval(expr)
}

struct Calc<'a> {
    place: &'a Place,
    file: FileId,
}

impl Calc<'_> {
    fn fail(&self, span: Span, message: impl Into<String>, hint: impl Into<String>) -> Box<Diagnostic> {
        Box::new(Diagnostic::new(Problem::Calc { message: message.into(), hint: hint.into() }, self.file, span))
    }

    fn eval(&self, e: &Expr) -> Result<Value, Box<Diagnostic>> {
        match &e.kind {
            ExprKind::Lit(Literal::Duration(n, unit)) if n.unsigned_abs() > unit.max_amount().unsigned_abs() => {
                Err(self.fail(
                    e.span,
                    format!("`{n} {}` is more than a hundred years", unit.as_str(*n != 1)),
                    format!("durations go up to {} {}, as in policies", unit.max_amount(), unit.as_str(true)),
                ))
            }
            ExprKind::Lit(l) => Ok(literal(l)),
            ExprKind::Paren(inner) => self.eval(inner),
            ExprKind::Name(n) => match self.place.params.iter().find(|p| p.name == n.text) {
                Some(p) => match p.at(self.place.today).and_then(|d| super::calc_num::from_val(&d.value)) {
                    Some(v) => Ok(v),
                    None => Err(self.fail(
                        n.span,
                        format!("parameter `{}` has no value on {}", n.text, self.place.today),
                        "its schedule lists the days it has a value for: `:show` it",
                    )),
                },
                None => Err(self.fail(
                    n.span,
                    format!("`{}` is not a value here", n.text),
                    "names of fields and aliases need an event: add one with `:event` and run `:check`",
                )),
            },
            ExprKind::Member(a, f) => Err(self.fail(
                e.span,
                format!("`{}.{}` is not a value here", a.text, f.text),
                "fields of events need an event: add one with `:event` and run `:check`",
            )),
            ExprKind::Call(f, args) => self.call(e.span, &f.text, args),
            ExprKind::Unary(op, x) => self.unary(e.span, *op, self.eval(x)?),
            ExprKind::Binary(op, a, b) => {
                let (x, y) = (self.eval(a)?, self.eval(b)?);
                self.binary(e.span, *op, x, y)
            }
            ExprKind::In { value, list, negated } => {
                let v = self.eval(value)?;
                let mut found = false;
                for item in list {
                    found |= compare(&v, &self.eval(item)?) == Some(Ordering::Equal);
                }
                Ok(Value::Bool(found != *negated))
            }
            ExprKind::During(x, spans) => match self.eval(x)? {
                Value::Time(t, _) => Ok(Value::Bool(time::during(t, self.place.tz, spans))),
                other => Err(self.type_error(x.span, "`during` needs a time", &other)),
            },
        }
    }

    /// The local day of a time or date argument.
    fn day(&self, arg: &Expr) -> Result<NaiveDate, Box<Diagnostic>> {
        match self.eval(arg)? {
            Value::Time(t, _) | Value::Deadline { at: t, .. } => Ok(time::local_date(t, self.place.tz)),
            Value::Date(d) => Ok(d),
            other => Err(self.type_error(arg.span, "this function needs a time or a date", &other)),
        }
    }

    fn type_error(&self, span: Span, what: &str, found: &Value) -> Box<Diagnostic> {
        self.fail(span, format!("{what}, found {}", found.type_name()), "check the operand's type")
    }

    fn call(&self, span: Span, name: &str, args: &[Expr]) -> Result<Value, Box<Diagnostic>> {
        if let Some(func) = crate::eval::numeric::NumFunc::parse(name) {
            let mut mode = crate::syntax::ast::RoundMode::HalfUp;
            let mut values = vec![];
            for a in args {
                match &a.kind {
                    ExprKind::Lit(Literal::Rounding(m)) => mode = *m,
                    _ => values.push(self.eval(a)?),
                }
            }
            let hint = "write `ceil(x)`, `floor(x)`, `round(x, 0.01)`, `round(x, 0.01, half even)`, `min(a, b)` or `max(a, b)`";
            return super::calc_num::apply(func, mode, &values)
                .map_err(|why| self.fail(span, format!("`{name}`: {why}"), hint));
        }
        let (tz, cal) = (self.place.tz, &self.place.calendar);
        if name == "business_days_between" {
            let [a, b] = args else {
                return Err(self.fail(
                    span,
                    "`business_days_between` takes two times",
                    "write `business_days_between(a, b)`",
                ));
            };
            let (x, y) = (self.day(a)?, self.day(b)?);
            return time::business_days_between(x, y, cal).map(Value::Int).ok_or_else(|| self.overflow(span));
        }
        let [arg] = args else {
            return Err(self.fail(
                span,
                format!("`{name}` takes one time"),
                "write `weekday(t)`, `hour(t)` or `date(t)`",
            ));
        };
        let day_fn = matches!(name, "next_business_day" | "previous_business_day" | "start_of_day" | "end_of_day");
        if day_fn {
            let d = self.day(arg)?;
            let t = match name {
                "next_business_day" => time::next_business_day(d, tz, cal),
                "previous_business_day" => time::previous_business_day(d, tz, cal),
                "start_of_day" => time::start_of_local_day(d, tz),
                _ => time::end_of_day(d, tz),
            };
            return t.map(|t| Value::Time(t, None)).ok_or_else(|| self.overflow(span));
        }
        let t = match self.eval(arg)? {
            Value::Time(t, _) => t,
            Value::Deadline { at, .. } => at,
            other => return Err(self.type_error(arg.span, &format!("`{name}` needs a time"), &other)),
        };
        match name {
            "weekday" => Ok(Value::Text(time::weekday(t, tz).as_str().to_string())),
            "hour" => Ok(Value::Int(i64::from(time::hour(t, tz)))),
            "date" => Ok(Value::Date(time::local_date(t, tz))),
            _ => Err(self.fail(span, format!("unknown function `{name}`"), "the functions are weekday, hour, date, next_business_day, previous_business_day, business_days_between, start_of_day and end_of_day")),
        }
    }

    fn unary(&self, span: Span, op: UnOp, v: Value) -> Result<Value, Box<Diagnostic>> {
        match (op, v) {
            (UnOp::Not, Value::Bool(b)) => Ok(Value::Bool(!b)),
            (UnOp::Neg, Value::Int(i)) => i.checked_neg().map(Value::Int).ok_or_else(|| self.overflow(span)),
            (UnOp::Neg, Value::Decimal(d)) => Ok(Value::Decimal(-d)),
            (UnOp::Neg, Value::Percent(d)) => Ok(Value::Percent(-d)),
            (UnOp::Neg, Value::Money(d, c)) => Ok(Value::Money(-d, c)),
            (UnOp::Neg, Value::Exact(d)) => Ok(Value::Exact(-d)),
            (UnOp::Not, other) => Err(self.type_error(span, "`not` needs a boolean", &other)),
            (UnOp::Neg, other) => Err(self.type_error(span, "`-` needs a number, money or an exact duration", &other)),
        }
    }

    fn overflow(&self, span: Span) -> Box<Diagnostic> {
        self.fail(span, "the result is too large", "use smaller numbers")
    }

    fn binary(&self, span: Span, op: BinOp, a: Value, b: Value) -> Result<Value, Box<Diagnostic>> {
        use Value::*;
        match op {
            BinOp::And | BinOp::Or => match (a, b) {
                (Bool(x), Bool(y)) => Ok(Bool(if op == BinOp::And { x && y } else { x || y })),
                (x, _) => Err(self.type_error(span, &format!("`{}` needs booleans", op.as_str()), &x)),
            },
            BinOp::Cmp(c) => match compare(&a, &b) {
                Some(ord) => Ok(Bool(c.holds(ord))),
                None => Err(self.fail(
                    span,
                    format!("cannot compare {} with {}", a.type_name(), b.type_name()),
                    "compare values of one type (money in one currency)",
                )),
            },
            BinOp::Add | BinOp::Sub => self.add(span, op == BinOp::Sub, a, b),
            BinOp::Mul | BinOp::Div => self.multiply(span, op == BinOp::Div, a, b),
        }
    }

    fn add(&self, span: Span, minus: bool, a: Value, b: Value) -> Result<Value, Box<Diagnostic>> {
        use Value::*;
        let sign = if minus { -1 } else { 1 };
        let sum = |x: i64, y: i64| if minus { x.checked_sub(y) } else { x.checked_add(y) };
        match (a, b) {
            (Int(x), Int(y)) => sum(x, y).map(Int).ok_or_else(|| self.overflow(span)),
            (x @ (Int(_) | Decimal(_)), y @ (Int(_) | Decimal(_))) => {
                let (x, y) = (number(&x), number(&y));
                Ok(Decimal(if minus { x - y } else { x + y }))
            }
            (Percent(x), Percent(y)) => Ok(Percent(if minus { x - y } else { x + y })),
            (Money(x, c), Money(y, d)) if c == d => Ok(Money(if minus { x - y } else { x + y }, c)),
            (Money(_, c), Money(_, d)) => Err(self.fail(
                span,
                format!("cannot add money in {c} and in {d}"),
                "amounts in different currencies never mix; convert one first",
            )),
            (Exact(x), Exact(y)) => sum(x, y).map(Exact).ok_or_else(|| self.overflow(span)),
            (Days(x, u), Days(y, v)) if u == v => sum(x, y).map(|n| Days(n, u)).ok_or_else(|| self.overflow(span)),
            (Time(t, o), Exact(d)) => t.checked_add(sign * d).map(|t| Time(t, o)).ok_or_else(|| self.overflow(span)),
            (Time(t, _), Days(n, unit)) if !minus => self.deadline(span, t, n, unit),
            (Time(t, o), Days(n, unit)) => time::shift(t, -n, unit, self.place.tz, &self.place.calendar)
                .map(|t| Time(t, o))
                .ok_or_else(|| self.overflow(span)),
            (Date(d), Days(n, unit)) => time::shift_date(d, if minus { -n } else { n }, unit, &self.place.calendar)
                .map(Date)
                .ok_or_else(|| self.overflow(span)),
            (Time(x, _), Time(y, _)) if minus => Ok(Exact(x.saturating_sub(y))),
            (x @ (Exact(_) | Days(..)), y @ (Exact(_) | Days(..))) => Err(self.fail(
                span,
                format!(
                    "cannot {} `{}` and `{}`",
                    if minus { "subtract" } else { "add" },
                    x.show_short(),
                    y.show_short()
                ),
                "calendar and business days have no fixed length: add them to a time, one after the other",
            )),
            (x, y) => Err(self.fail(
                span,
                format!("cannot {} {} and {}", if minus { "subtract" } else { "add" }, x.type_name(), y.type_name()),
                "`+` and `-` work on numbers, money of one currency, durations, and a time with a duration",
            )),
        }
    }

    fn deadline(&self, span: Span, from: Micros, amount: i64, unit: DurationUnit) -> Result<Value, Box<Diagnostic>> {
        let (tz, cal) = (self.place.tz, &self.place.calendar);
        match (time::due(from, amount, unit, tz, cal), time::shift(from, amount, unit, tz, cal)) {
            (Some(due), Some(at)) => Ok(Value::Deadline { at, from, amount, unit, due }),
            _ => Err(self.fail(
                span,
                format!("no deadline {amount} {} after this time", unit.as_str(amount != 1)),
                "a duration must be positive, and the calendar must have business days",
            )),
        }
    }

    /// `*` and `/`: numbers, money, percentages and exact durations as the
    /// engine computes them (a percentage scales as its fraction); a day
    /// count times a whole number.
    fn multiply(&self, span: Span, divide: bool, a: Value, b: Value) -> Result<Value, Box<Diagnostic>> {
        use super::calc_num::{from_val, to_val};
        let op = if divide { BinOp::Div } else { BinOp::Mul };
        if let (Value::Days(d, u), Value::Int(n)) = (&a, &b) {
            if !divide {
                return d.checked_mul(*n).map(|v| Value::Days(v, *u)).ok_or_else(|| self.overflow(span));
            }
        }
        let cannot = || {
            self.fail(
                span,
                format!("cannot {} {} by {}", if divide { "divide" } else { "multiply" }, a.type_name(), b.type_name()),
                "`*` and `/` work on numbers, money by a number or by money, percentages, and durations by a number",
            )
        };
        let (Some(x), Some(y)) = (to_val(&a), to_val(&b)) else { return Err(cannot()) };
        if let Some(v) = from_val(&crate::eval::expr::arith(op, x.clone(), y.clone())) {
            return Ok(v);
        }
        // The same kinds with unit values combine: the values overflowed or
        // divided by zero.
        let one = |v: &crate::value::Val| match v {
            crate::value::Val::Money(_, c) => crate::value::Val::Money(rust_decimal::Decimal::ONE, *c),
            crate::value::Val::Dur(_) => crate::value::Val::Dur(1),
            crate::value::Val::Percent(_) => crate::value::Val::Percent(rust_decimal::Decimal::ONE),
            _ => crate::value::Val::Int(1),
        };
        if crate::eval::expr::arith(op, one(&x), one(&y)) != crate::value::Val::Null {
            return Err(self.fail(span, "division by zero or a result too large", "check the operands"));
        }
        Err(cannot())
    }
}

impl Value {
    fn show_short(&self) -> String {
        match self {
            Value::Exact(d) => format_duration(*d),
            Value::Days(n, u) => format!("{n} {}", u.as_str(*n != 1)),
            other => other.type_name(),
        }
    }
}

fn literal(l: &Literal) -> Value {
    match l {
        Literal::Str(s) => Value::Text(s.clone()),
        Literal::Int(i) => Value::Int(*i),
        Literal::Decimal(d) => Value::Decimal(*d),
        Literal::Percent(p) => Value::Percent(*p),
        Literal::Money(a, c) => Value::Money(*a, c.clone()),
        Literal::Bool(b) => Value::Bool(*b),
        Literal::Date(d) => Value::Date(*d),
        Literal::DateTime(t) => Value::Time(time::to_micros(*t), Some(*t.offset())),
        Literal::Rounding(m) => Value::Text(m.as_str().to_string()),
        Literal::Duration(n, unit) => {
            let size = match unit {
                DurationUnit::Second => SECOND,
                DurationUnit::Minute => MINUTE,
                DurationUnit::Hour => HOUR,
                DurationUnit::Day => DAY,
                DurationUnit::Week => WEEK,
                DurationUnit::CalendarDay | DurationUnit::BusinessDay | DurationUnit::Month | DurationUnit::Year => {
                    return Value::Days(*n, *unit)
                }
            };
            n.checked_mul(size).map_or(Value::Days(*n, *unit), Value::Exact)
        }
    }
}

fn number(v: &Value) -> Decimal {
    match v {
        Value::Int(i) => Decimal::from(*i),
        Value::Decimal(d) => *d,
        _ => Decimal::ZERO,
    }
}

/// Orders two values of one type; None when they do not compare.
fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    use Value::*;
    match (a, b) {
        (Bool(x), Bool(y)) => Some(x.cmp(y)),
        (Int(_) | Decimal(_), Int(_) | Decimal(_)) => Some(number(a).cmp(&number(b))),
        (Percent(x), Percent(y)) => Some(x.cmp(y)),
        (Money(x, c), Money(y, d)) if c == d => Some(x.cmp(y)),
        (Text(x), Text(y)) => Some(x.cmp(y)),
        (Date(x), Date(y)) => Some(x.cmp(y)),
        (Time(x, _), Time(y, _)) | (Exact(x), Exact(y)) => Some(x.cmp(y)),
        (Days(x, u), Days(y, v)) if u == v => Some(x.cmp(y)),
        (Deadline { due, .. }, Time(t, _)) => Some(due.last_on_time.cmp(t)),
        (Time(t, _), Deadline { due, .. }) => Some(t.cmp(&due.last_on_time)),
        _ => None,
    }
}
