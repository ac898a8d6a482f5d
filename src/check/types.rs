//! Typing expressions: names resolve to fields and aliases, operators get
//! operands of the right types, money never mixes currencies.

use super::scope::EventInfo;
use super::suggest::closest;
use crate::diagnostics::{Diagnostic, Problem};
use crate::span::{FileId, Span};
use crate::syntax::ast::{self, BinOp, CmpOp, Expr, ExprKind, Literal, Name, UnOp};
use std::fmt;

/// The type of a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    /// An identifier (case, customer): compared for equality only.
    Id,
    /// Free text.
    Text,
    /// A whole number.
    Int,
    /// A decimal number.
    Decimal,
    /// Money in a currency (None when not known statically).
    Money(Option<String>),
    /// True or false.
    Bool,
    /// A length of time.
    Duration,
    /// An instant.
    Time,
    /// A day.
    Date,
    /// A percentage.
    Percent,
    /// An event bound to an alias.
    Event(String),
    /// Not known statically (no schema): accepted everywhere.
    Unknown,
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ty::Id => write!(f, "an id"),
            Ty::Text => write!(f, "text"),
            Ty::Int => write!(f, "an integer"),
            Ty::Decimal => write!(f, "a decimal"),
            Ty::Money(Some(c)) => write!(f, "money in {c}"),
            Ty::Money(None) => write!(f, "money"),
            Ty::Bool => write!(f, "a boolean"),
            Ty::Duration => write!(f, "a duration"),
            Ty::Time => write!(f, "a time"),
            Ty::Date => write!(f, "a date"),
            Ty::Percent => write!(f, "a percentage"),
            Ty::Event(e) => write!(f, "an event `{e}`"),
            Ty::Unknown => write!(f, "a value"),
        }
    }
}

/// The field types a schema may use.
pub const FIELD_TYPES: &[&str] = &["id", "text", "int", "decimal", "money", "bool", "duration", "time", "date"];

/// The type of a declared field (None for an unknown type name).
pub fn field_type(t: &ast::TypeName) -> Option<Ty> {
    Some(match t.name.as_str() {
        "id" => Ty::Id,
        "text" => Ty::Text,
        "int" => Ty::Int,
        "decimal" => Ty::Decimal,
        "money" => Ty::Money(t.currency.clone()),
        "bool" => Ty::Bool,
        "duration" => Ty::Duration,
        "time" => Ty::Time,
        "date" => Ty::Date,
        _ => return None,
    })
}

/// The type of a literal.
pub fn literal_type(l: &Literal) -> Ty {
    match l {
        Literal::Str(_) => Ty::Text,
        Literal::Int(_) => Ty::Int,
        Literal::Decimal(_) => Ty::Decimal,
        Literal::Percent(_) => Ty::Percent,
        Literal::Money(_, c) => Ty::Money(Some(c.clone())),
        Literal::Duration(..) => Ty::Duration,
        Literal::Bool(_) => Ty::Bool,
        Literal::Date(_) => Ty::Date,
        Literal::DateTime(_) => Ty::Time,
    }
}

/// True when values of the two types can be compared.
pub fn comparable(a: &Ty, b: &Ty) -> bool {
    use Ty::*;
    match (a, b) {
        (Unknown, _) | (_, Unknown) => true,
        (Id | Text, Id | Text) => true,
        (Int | Decimal | Percent, Int | Decimal | Percent) => true,
        (Money(_), Money(_)) => true,
        (Event(_), _) | (_, Event(_)) => false,
        _ => a == b,
    }
}

/// What names mean inside one expression.
pub struct Env<'a> {
    /// The file being checked.
    pub file: FileId,
    /// Aliases in scope: the alias and its event type (with schema, if any).
    pub aliases: Vec<(Name, String, Option<&'a EventInfo>)>,
    /// The event(s) whose fields bare names refer to.
    pub current: Vec<(String, Option<&'a EventInfo>)>,
}

impl<'a> Env<'a> {
    /// The type of field `field` of an event, reporting unknown fields.
    fn field(&self, event: &str, info: Option<&EventInfo>, field: &Name, diags: &mut Vec<Diagnostic>) -> Ty {
        match field.text.as_str() {
            "time" => return Ty::Time,
            "type" => return Ty::Text,
            _ => {}
        }
        let Some(info) = info else { return Ty::Unknown };
        match info.field(&field.text) {
            Some(f) => field_type(&f.ty).unwrap_or(Ty::Unknown),
            None => {
                let suggestion = closest(&field.text, info.decl.fields.iter().map(|f| f.name.text.as_str()));
                diags.push(unknown_field(self.file, event, field, suggestion));
                Ty::Unknown
            }
        }
    }
}

/// "event X has no field Y", with the did-you-mean fix.
pub fn unknown_field(file: FileId, event: &str, field: &Name, suggestion: Option<String>) -> Diagnostic {
    let problem =
        Problem::UnknownField { event: event.to_string(), field: field.text.clone(), suggestion: suggestion.clone() };
    Diagnostic::new(problem, file, field.span).with_suggested(field.span, suggestion)
}

/// Checks a condition: it must be a boolean.
pub fn condition(env: &Env, e: &Expr, diags: &mut Vec<Diagnostic>) {
    let t = expr(env, e, diags);
    expect(env.file, &Ty::Bool, &t, e.span, diags);
}

/// Reports a mismatch unless `found` fits `expected`.
pub fn expect(file: FileId, expected: &Ty, found: &Ty, span: Span, diags: &mut Vec<Diagnostic>) {
    if !comparable(expected, found) {
        diags.push(Diagnostic::new(
            Problem::TypeMismatch { expected: expected.to_string(), found: found.to_string() },
            file,
            span,
        ));
    }
}

fn mismatch(file: FileId, expected: &str, found: &Ty, span: Span, diags: &mut Vec<Diagnostic>) -> Ty {
    diags.push(Diagnostic::new(
        Problem::TypeMismatch { expected: expected.to_string(), found: found.to_string() },
        file,
        span,
    ));
    Ty::Unknown
}

/// The type of an expression, reporting what is wrong inside it.
pub fn expr(env: &Env, e: &Expr, diags: &mut Vec<Diagnostic>) -> Ty {
    match &e.kind {
        ExprKind::Lit(Literal::Duration(n, unit)) if unit.is_calendar() => {
            let written = format!("{n} {}", unit.as_str(*n != 1));
            let expected =
                format!("an exact duration (`{written}` has no fixed length: add it to a time, `a.time + {written}`)");
            diags.push(Diagnostic::new(
                Problem::TypeMismatch { expected, found: "a calendar duration".into() },
                env.file,
                e.span,
            ));
            Ty::Unknown
        }
        ExprKind::Lit(l) => literal_type(l),
        ExprKind::Paren(inner) => expr(env, inner, diags),
        ExprKind::Name(n) => {
            if let Some((_, event, _)) = env.aliases.iter().find(|(a, _, _)| a.text == n.text) {
                return Ty::Event(event.clone());
            }
            bare_field(env, n, diags)
        }
        ExprKind::Member(base, field) => match env.aliases.iter().find(|(a, _, _)| a.text == base.text) {
            Some((_, event, info)) => env.field(event, *info, field, diags),
            None => {
                let names: Vec<String> = env.aliases.iter().map(|(a, _, _)| a.text.clone()).collect();
                let suggestion = closest(&base.text, names.iter().map(String::as_str));
                let d = Diagnostic::new(
                    Problem::UnknownAlias { name: base.text.clone(), suggestion: suggestion.clone(), in_scope: names },
                    env.file,
                    base.span,
                )
                .with_suggested(base.span, suggestion);
                diags.push(d);
                Ty::Unknown
            }
        },
        ExprKind::Call(func, args) => call(env, func, args, e.span, diags),
        ExprKind::Unary(UnOp::Not, inner) => {
            let t = expr(env, inner, diags);
            expect(env.file, &Ty::Bool, &t, inner.span, diags);
            Ty::Bool
        }
        ExprKind::Unary(UnOp::Neg, inner) => {
            let t = expr(env, inner, diags);
            match t {
                Ty::Int | Ty::Decimal | Ty::Money(_) | Ty::Duration | Ty::Percent | Ty::Unknown => t,
                other => mismatch(env.file, "a number, money or a duration", &other, inner.span, diags),
            }
        }
        ExprKind::Binary(op, l, r) => binary(env, *op, l, r, diags),
        ExprKind::In { value, list, .. } => {
            let t = expr(env, value, diags);
            for item in list {
                let it = expr(env, item, diags);
                compare(env.file, &t, &it, item.span, diags);
            }
            Ty::Bool
        }
        ExprKind::During(value, _) => {
            let t = expr(env, value, diags);
            if !matches!(t, Ty::Event(_) | Ty::Time | Ty::Unknown) {
                mismatch(env.file, "an event alias or a time", &t, value.span, diags);
            }
            Ty::Bool
        }
    }
}

fn bare_field(env: &Env, n: &Name, diags: &mut Vec<Diagnostic>) -> Ty {
    if n.text == "time" {
        return Ty::Time;
    }
    if n.text == "type" {
        return Ty::Text;
    }
    let known: Vec<&EventInfo> = env.current.iter().filter_map(|(_, i)| *i).collect();
    if known.len() < env.current.len() || known.is_empty() {
        // Some event has no schema: anything goes.
        if let Some(t) = known.iter().find_map(|i| i.field(&n.text)).and_then(|f| field_type(&f.ty)) {
            return t;
        }
        return Ty::Unknown;
    }
    if let Some(f) = known.iter().find_map(|i| i.field(&n.text)) {
        return field_type(&f.ty).unwrap_or(Ty::Unknown);
    }
    let fields = known.iter().flat_map(|i| i.decl.fields.iter().map(|f| f.name.text.as_str()));
    let suggestion = closest(&n.text, fields);
    let event = env.current.first().map_or("", |(e, _)| e.as_str());
    diags.push(unknown_field(env.file, event, n, suggestion));
    Ty::Unknown
}

/// The time functions: name, number of arguments, result. Each argument is
/// an event alias, a time or (except for `hour`) a date; local days and
/// business days are the jurisdiction's.
pub const FUNCTIONS: &[(&str, usize, Ty)] = &[
    ("weekday", 1, Ty::Text),
    ("hour", 1, Ty::Int),
    ("date", 1, Ty::Date),
    ("next_business_day", 1, Ty::Time),
    ("previous_business_day", 1, Ty::Time),
    ("start_of_day", 1, Ty::Time),
    ("end_of_day", 1, Ty::Time),
    ("business_days_between", 2, Ty::Int),
];

fn call(env: &Env, func: &Name, args: &[Expr], span: Span, diags: &mut Vec<Diagnostic>) -> Ty {
    let arg_types: Vec<Ty> = args.iter().map(|a| expr(env, a, diags)).collect();
    let Some((_, arity, result)) = FUNCTIONS.iter().find(|(n, ..)| *n == func.text) else {
        let suggestion = closest(&func.text, FUNCTIONS.iter().map(|(n, ..)| *n));
        diags.push(Diagnostic::new(
            Problem::UnknownFunction { name: func.text.clone(), suggestion },
            env.file,
            func.span,
        ));
        return Ty::Unknown;
    };
    if args.len() != *arity {
        diags.push(Diagnostic::new(
            Problem::ArgumentCount { name: func.text.clone(), expected: *arity, found: args.len() },
            env.file,
            span,
        ));
        return result.clone();
    }
    let date_ok = func.text != "hour";
    for (t, a) in arg_types.iter().zip(args) {
        if !(matches!(t, Ty::Event(_) | Ty::Time | Ty::Unknown) || (date_ok && *t == Ty::Date)) {
            let expected = if date_ok { "an event alias, a time or a date" } else { "an event alias or a time" };
            mismatch(env.file, expected, t, a.span, diags);
        }
    }
    result.clone()
}

/// Reports a comparison of incompatible types or of different currencies.
fn compare(file: FileId, l: &Ty, r: &Ty, span: Span, diags: &mut Vec<Diagnostic>) {
    if let (Ty::Money(Some(a)), Ty::Money(Some(b))) = (l, r) {
        if a != b {
            diags.push(Diagnostic::new(Problem::CurrencyMismatch { left: a.clone(), right: b.clone() }, file, span));
        }
        return;
    }
    if !comparable(l, r) {
        diags.push(Diagnostic::new(Problem::CannotCompare { left: l.to_string(), right: r.to_string() }, file, span));
    }
}

fn binary(env: &Env, op: BinOp, l: &Expr, r: &Expr, diags: &mut Vec<Diagnostic>) -> Ty {
    // `t ± N months`: a calendar duration moves a time or a date.
    let shift = match (op, crate::eval::compile::calendar_literal(l), crate::eval::compile::calendar_literal(r)) {
        (BinOp::Add | BinOp::Sub, _, Some(_)) => Some(l),
        (BinOp::Add, Some(_), _) => Some(r),
        _ => None,
    };
    if let Some(base) = shift {
        let t = expr(env, base, diags);
        return match t {
            Ty::Time | Ty::Date | Ty::Unknown => t,
            Ty::Event(_) => Ty::Time,
            other => {
                mismatch(env.file, "a time or a date (a calendar duration only moves one)", &other, base.span, diags)
            }
        };
    }
    let lt = expr(env, l, diags);
    let rt = expr(env, r, diags);
    let span = l.span.to(r.span);
    match op {
        BinOp::And | BinOp::Or => {
            expect(env.file, &Ty::Bool, &lt, l.span, diags);
            expect(env.file, &Ty::Bool, &rt, r.span, diags);
            Ty::Bool
        }
        BinOp::Cmp(c) => {
            compare(env.file, &lt, &rt, span, diags);
            let ordered = !matches!(c, CmpOp::Eq | CmpOp::Ne);
            if ordered {
                for (t, e) in [(&lt, l), (&rt, r)] {
                    if matches!(t, Ty::Bool | Ty::Id | Ty::Event(_)) {
                        mismatch(env.file, "a value with an order", t, e.span, diags);
                    }
                }
            }
            Ty::Bool
        }
        BinOp::Add | BinOp::Sub => arithmetic(env.file, op, lt, rt, span, diags),
        BinOp::Mul | BinOp::Div => scaling(env.file, op, lt, rt, span, diags),
    }
}

fn arithmetic(file: FileId, op: BinOp, lt: Ty, rt: Ty, span: Span, diags: &mut Vec<Diagnostic>) -> Ty {
    use Ty::*;
    match (&lt, &rt) {
        (Unknown, t) | (t, Unknown) => t.clone(),
        (Int, Int) => Int,
        (Int | Decimal, Int | Decimal) => Decimal,
        (Percent, Percent) => Percent,
        (Money(a), Money(b)) => {
            if let (Some(a), Some(b)) = (a, b) {
                if a != b {
                    diags.push(Diagnostic::new(
                        Problem::CurrencyMismatch { left: a.clone(), right: b.clone() },
                        file,
                        span,
                    ));
                }
            }
            Money(a.clone().or_else(|| b.clone()))
        }
        (Duration, Duration) => Duration,
        (Time, Duration) => Time,
        (Date, Duration) => Date,
        (Duration, Time) if op == BinOp::Add => Time,
        (Time, Time) if op == BinOp::Sub => Duration,
        _ => {
            diags.push(Diagnostic::new(
                Problem::CannotCompare { left: lt.to_string(), right: rt.to_string() },
                file,
                span,
            ));
            Unknown
        }
    }
}

fn scaling(file: FileId, op: BinOp, lt: Ty, rt: Ty, span: Span, diags: &mut Vec<Diagnostic>) -> Ty {
    use Ty::*;
    match (&lt, &rt) {
        (Unknown, t) | (t, Unknown) => t.clone(),
        (Int, Int) if op == BinOp::Mul => Int,
        (Int | Decimal, Int | Decimal) => Decimal,
        (Money(c), Int | Decimal) => Money(c.clone()),
        (Int | Decimal, Money(c)) if op == BinOp::Mul => Money(c.clone()),
        (Duration, Int | Decimal) => Duration,
        (Int | Decimal, Duration) if op == BinOp::Mul => Duration,
        (Money(_), Money(_)) | (Duration, Duration) if op == BinOp::Div => Decimal,
        _ => {
            diags.push(Diagnostic::new(
                Problem::CannotCompare { left: lt.to_string(), right: rt.to_string() },
                file,
                span,
            ));
            Unknown
        }
    }
}

/// Whether a literal value fits a declared field type.
pub fn literal_fits(l: &Literal, t: &Ty) -> bool {
    match (l, t) {
        (_, Ty::Unknown) => true,
        (Literal::Str(_) | Literal::Int(_), Ty::Id) => true,
        (Literal::Str(_), Ty::Text) => true,
        (Literal::Int(_), Ty::Int) => true,
        (Literal::Int(_) | Literal::Decimal(_), Ty::Decimal) => true,
        (Literal::Money(_, c), Ty::Money(expected)) => expected.as_ref().is_none_or(|e| e == c),
        (Literal::Bool(_), Ty::Bool) => true,
        (Literal::Duration(..), Ty::Duration) => true,
        (Literal::DateTime(_), Ty::Time) => true,
        (Literal::Date(_), Ty::Date) => true,
        _ => false,
    }
}
