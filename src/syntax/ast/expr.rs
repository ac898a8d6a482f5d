//! Expressions, literals and operators.

use super::{CmpOp, DurationUnit, Name, Weekday};
use crate::span::Span;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime};
use rust_decimal::Decimal;
use serde::Serialize;

/// An expression.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Expr {
    /// What kind of expression.
    pub kind: ExprKind,
    /// Where it was written.
    pub span: Span,
}

/// The forms of expressions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum ExprKind {
    /// A literal value.
    Lit(Literal),
    /// A bare name: a field of the event being matched, or an alias.
    Name(Name),
    /// `alias.field`
    Member(Name, Name),
    /// `f(args)`: `weekday(c)`, `hour(c)`, `date(c)`.
    Call(Name, Vec<Expr>),
    /// `not e`, `-e`
    Unary(UnOp, Box<Expr>),
    /// `a op b`
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `e [not] in [a, b]`
    In {
        /// The tested value.
        value: Box<Expr>,
        /// The candidates.
        list: Vec<Expr>,
        /// True for `not in`.
        negated: bool,
    },
    /// `e during mon-fri 08:00-20:00`
    During(Box<Expr>, Vec<HoursSpan>),
    /// `( e )`, kept for the formatter.
    Paren(Box<Expr>),
}

/// A unary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum UnOp {
    /// `not`
    Not,
    /// `-`
    Neg,
}

/// A binary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum BinOp {
    /// `or`
    Or,
    /// `and`
    And,
    /// A comparison.
    Cmp(CmpOp),
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

impl BinOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Cmp(c) => c.as_str(),
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
        }
    }
}

/// Days (and optionally hours) of a `during` predicate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HoursSpan {
    /// First day.
    pub from_day: Weekday,
    /// Last day (same as first for a single day).
    pub to_day: Weekday,
    /// Local opening and closing times, if limited.
    pub clock: Option<(NaiveTime, NaiveTime)>,
    /// Where it was written.
    pub span: Span,
}

/// A literal value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Literal {
    /// `"text"`
    Str(String),
    /// `42`
    Int(i64),
    /// `4.5`
    Decimal(Decimal),
    /// `95%`
    Percent(Decimal),
    /// `10.34 GBP`
    Money(Decimal, String),
    /// `24 hours`
    Duration(i64, DurationUnit),
    /// `true`
    Bool(bool),
    /// `2026-03-02`
    Date(NaiveDate),
    /// `2026-03-02T09:00:00-03:00`
    DateTime(DateTime<FixedOffset>),
    /// `half even` or `half up`: the mode argument of `round`.
    Rounding(RoundMode),
}

/// How `round(x, step)` breaks ties.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum RoundMode {
    /// Half away from zero (2.5 -> 3, -2.5 -> -3): the default.
    HalfUp,
    /// Half to even, banker's rounding (2.5 -> 2, 3.5 -> 4).
    HalfEven,
}

impl RoundMode {
    /// The mode as written.
    pub fn as_str(self) -> &'static str {
        match self {
            RoundMode::HalfUp => "half up",
            RoundMode::HalfEven => "half even",
        }
    }
}

/// True when two nodes are equal once every span is ignored.
pub fn same_modulo_spans<T: Serialize>(a: &T, b: &T) -> bool {
    match (serde_json::to_value(a), serde_json::to_value(b)) {
        (Ok(x), Ok(y)) => without_spans(x) == without_spans(y),
        _ => false,
    }
}

/// A serialised tree with every `span` key removed.
pub fn without_spans(v: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Object(map) => {
            Value::Object(map.into_iter().filter(|(k, _)| k != "span").map(|(k, v)| (k, without_spans(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(without_spans).collect()),
        other => other,
    }
}
