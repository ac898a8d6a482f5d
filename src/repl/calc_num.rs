//! The calculator's numeric functions (`ceil`, `floor`, `round`, `min`,
//! `max`) and dated parameters: computed by the engine's own code, so that
//! the REPL shows what a remedy would owe.

use super::calc::Value;
use crate::eval::expr::Schedule;
use crate::eval::numeric::NumFunc;
use crate::syntax::ast::RoundMode;
use crate::value::Val;
use chrono::NaiveDate;
use std::fmt::Write as _;

/// A calculator value as the engine's (None for kinds it has no use for).
pub fn to_val(v: &Value) -> Option<Val> {
    Some(match v {
        Value::Bool(b) => Val::Bool(*b),
        Value::Int(i) => Val::Int(*i),
        Value::Decimal(d) => Val::Dec(*d),
        Value::Percent(p) => Val::Percent(*p),
        Value::Money(a, c) => Val::Money(*a, c.as_str().into()),
        Value::Exact(d) => Val::Dur(*d),
        _ => return None,
    })
}

/// The engine's value as the calculator's.
pub fn from_val(v: &Val) -> Option<Value> {
    Some(match v {
        Val::Bool(b) => Value::Bool(*b),
        Val::Int(i) => Value::Int(*i),
        Val::Dec(d) => Value::Decimal(*d),
        Val::Percent(p) => Value::Percent(*p),
        Val::Money(a, c) => Value::Money(*a, c.to_string()),
        Val::Dur(d) => Value::Exact(*d),
        Val::Date(d) => Value::Date(*d),
        Val::Time(t) => Value::Time(*t, None),
        Val::Str(s) => Value::Text(s.to_string()),
        Val::Null => return None,
    })
}

/// `func` applied to `args`; Err names what went wrong.
pub fn apply(func: NumFunc, mode: RoundMode, args: &[Value]) -> Result<Value, String> {
    let vals: Vec<Val> = args.iter().map(|a| to_val(a).ok_or_else(|| a.type_name())).collect::<Result<_, _>>()?;
    from_val(&func.apply(mode, &vals))
        .ok_or_else(|| "arguments of different kinds or currencies, or an overflow".into())
}

/// The lines after a parameter's value: its schedule, the value in force
/// on `day` marked.
pub fn schedule_lines(s: &Schedule, day: NaiveDate) -> String {
    let mut out = format!("  parameter `{}`: the value in force on {day}; its schedule:", s.name);
    for d in &s.entries {
        let until = d.until.map(|u| format!(" until {u}")).unwrap_or_default();
        let mark = if d.from <= day && d.until.is_none_or(|u| day < u) { "   ← in force" } else { "" };
        let _ = write!(out, "\n    {} from {}{until}{mark}", d.value, d.from);
    }
    out
}
