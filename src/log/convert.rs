//! From what a log line holds to a [`Val`], with or without a declared kind.
//!
//! The three formats carry values differently (JSON is typed, CSV cells are
//! text, XES attributes are typed by element), so each reader hands over a
//! [`Raw`] and this module alone decides what it becomes: one set of rules,
//! one set of messages. Conversion starts from the raw text, so an id of 25
//! digits or a decimal with many places never passes through a float.

use super::event::FieldKind;
use super::failure::quote;
use super::time_parse::parse_rfc3339;
use crate::time::Micros;
use crate::value::{Currency, Val};
use compact_str::CompactString;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::str::FromStr;

/// A value as read, before conversion.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Raw<'a> {
    /// A JSON string, or an XES `<string>` or `<id>`.
    Str(Cow<'a, str>),
    /// A JSON number or an XES `<int>`/`<float>`: its text, and whether it
    /// is written as a whole number.
    Num(Cow<'a, str>, bool),
    /// A JSON or XES boolean.
    Bool(bool),
    /// An XES `<date>`, already parsed.
    Time(Micros),
    /// A CSV cell: text whose type is inferred or declared.
    Cell(Cow<'a, str>),
}

/// The value of an attribute with no declared kind.
pub(crate) fn untyped(raw: Raw<'_>) -> Result<Val, String> {
    match raw {
        Raw::Str(s) => Ok(Val::Str(CompactString::from(s))),
        Raw::Num(s, true) => s.parse::<i64>().map(Val::Int).map_err(|_| not_int(&s)),
        Raw::Num(s, false) => parse_dec(&s).map(Val::Dec).ok_or_else(|| not_dec(&s)),
        Raw::Bool(b) => Ok(Val::Bool(b)),
        Raw::Time(t) => Ok(Val::Time(t)),
        Raw::Cell(s) => Ok(infer_cell(s)),
    }
}

/// A CSV cell without a declared kind: an integer, a plain decimal, a
/// boolean, or else text.
fn infer_cell(s: Cow<'_, str>) -> Val {
    match number_shape(&s) {
        Some(true) => {
            if let Ok(i) = s.parse::<i64>() {
                return Val::Int(i);
            }
        }
        Some(false) if !s.contains(['e', 'E']) => {
            if let Some(d) = parse_dec(&s) {
                return Val::Dec(d);
            }
        }
        _ => {}
    }
    match &*s {
        "true" => Val::Bool(true),
        "false" => Val::Bool(false),
        _ => Val::Str(CompactString::from(s)),
    }
}

/// The value of an attribute declared as `kind`, or why it is not one.
pub(crate) fn typed(raw: Raw<'_>, kind: &FieldKind) -> Result<Val, String> {
    let converted = match (kind, &raw) {
        (FieldKind::Id, Raw::Str(s) | Raw::Cell(s) | Raw::Num(s, true)) => Some(Val::Str(CompactString::from(&**s))),
        (FieldKind::Text, Raw::Str(s) | Raw::Cell(s)) => Some(Val::Str(CompactString::from(&**s))),
        (FieldKind::Int, Raw::Num(s, true) | Raw::Cell(s)) => s.parse::<i64>().ok().map(Val::Int),
        (FieldKind::Decimal, Raw::Num(s, _) | Raw::Cell(s)) => parse_dec(s).map(Val::Dec),
        (FieldKind::Money(cur), Raw::Num(s, _)) => {
            parse_dec(s).map(|d| Val::Money(d, cur.as_deref().map(Currency::from).unwrap_or_default()))
        }
        (FieldKind::Money(cur), Raw::Str(s) | Raw::Cell(s)) => parse_money(s, cur.as_deref()),
        (FieldKind::Bool, Raw::Bool(b)) => Some(Val::Bool(*b)),
        (FieldKind::Bool, Raw::Cell(s)) => match &**s {
            "true" => Some(Val::Bool(true)),
            "false" => Some(Val::Bool(false)),
            _ => None,
        },
        (FieldKind::Duration, Raw::Num(s, _) | Raw::Cell(s)) => parse_dec(s).and_then(seconds_to_micros).map(Val::Dur),
        (FieldKind::Time, Raw::Time(t)) => Some(Val::Time(*t)),
        (FieldKind::Time, Raw::Str(s) | Raw::Cell(s)) => parse_rfc3339(s.as_bytes()).map(Val::Time),
        (FieldKind::Date, Raw::Str(s) | Raw::Cell(s)) => parse_date(s).map(Val::Date),
        _ => None,
    };
    converted.ok_or_else(|| format!("expected {}, found {}", expected(kind), found(&raw)))
}

/// A date written `YYYY-MM-DD`, nothing more.
fn parse_date(s: &str) -> Option<chrono::NaiveDate> {
    (s.len() == 10).then(|| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()).flatten()
}

/// What a declared kind accepts, for messages.
fn expected(kind: &FieldKind) -> String {
    match kind {
        FieldKind::Id => "an id (a string or an integer)".into(),
        FieldKind::Text => "a string".into(),
        FieldKind::Int => "an integer".into(),
        FieldKind::Decimal => "a number".into(),
        FieldKind::Money(None) => "money (a number or a string like `10.34 GBP`)".into(),
        FieldKind::Money(Some(c)) => format!("money in {c} (a number or a string like `10.34 {c}`)"),
        FieldKind::Bool => "`true` or `false`".into(),
        FieldKind::Duration => "a duration (a number of seconds)".into(),
        FieldKind::Time => "an RFC 3339 time with an offset".into(),
        FieldKind::Date => "a date like `2026-03-02`".into(),
    }
}

/// What a raw value is, for messages.
pub(crate) fn found(raw: &Raw<'_>) -> String {
    match raw {
        Raw::Str(s) => format!("the string {}", quote(s)),
        Raw::Num(s, true) => format!("the integer {}", quote(s)),
        Raw::Num(s, false) => format!("the number {}", quote(s)),
        Raw::Bool(b) => format!("`{b}`"),
        Raw::Time(t) => format!("the date `{}`", Val::Time(*t)),
        Raw::Cell(s) => quote(s),
    }
}

fn not_int(s: &str) -> String {
    format!("{} is too big for a 64-bit integer", quote(s))
}

fn not_dec(s: &str) -> String {
    format!("{} cannot be represented as a decimal number", quote(s))
}

/// Whether `s` is a number (`-12`, `3.5`, `1e-3`): Some(true) for a whole
/// number without fraction or exponent, Some(false) for another number.
fn number_shape(s: &str) -> Option<bool> {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'-' | b'+')));
    i = digits_from(b, i)?;
    let mut whole = true;
    if b.get(i) == Some(&b'.') {
        i = digits_from(b, i + 1)?;
        whole = false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1 + usize::from(matches!(b.get(i + 1), Some(b'-' | b'+')));
        i = digits_from(b, i)?;
        whole = false;
    }
    (i == b.len()).then_some(whole)
}

/// The end of the run of digits starting at `i`; None when there is none.
fn digits_from(b: &[u8], i: usize) -> Option<usize> {
    let end = i + b.get(i..).map_or(0, |rest| rest.iter().take_while(|c| c.is_ascii_digit()).count());
    (end > i).then_some(end)
}

/// A number's text as a decimal, or None when it is not a number or does
/// not fit.
pub(crate) fn parse_dec(s: &str) -> Option<Decimal> {
    number_shape(s)?;
    let s = s.strip_prefix('+').unwrap_or(s);
    if s.contains(['e', 'E']) {
        Decimal::from_scientific(s).ok()
    } else {
        Decimal::from_str(s).ok()
    }
}

/// `10.34 GBP` or `10.34` as money, checking the currency if one is
/// declared.
fn parse_money(s: &str, declared: Option<&str>) -> Option<Val> {
    let (amount, currency) = match s.split_once(' ') {
        Some((a, c)) => {
            if c.len() != 3 || !c.bytes().all(|b| b.is_ascii_uppercase()) {
                return None;
            }
            (a, c)
        }
        None => (s, declared.unwrap_or("")),
    };
    if declared.is_some_and(|d| d != currency) {
        return None;
    }
    Some(Val::Money(parse_dec(amount)?, Currency::from(currency)))
}

/// A number of seconds as microseconds (truncated), if it fits.
fn seconds_to_micros(secs: Decimal) -> Option<i64> {
    secs.checked_mul(Decimal::from(1_000_000))?.trunc().to_i64()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(t: &str) -> Cow<'_, str> {
        Cow::Borrowed(t)
    }

    #[test]
    fn cells_are_inferred() {
        assert_eq!(untyped(Raw::Cell(s("42"))), Ok(Val::Int(42)));
        assert_eq!(untyped(Raw::Cell(s("-4.5"))), Ok(Val::Dec(Decimal::new(-45, 1))));
        assert_eq!(untyped(Raw::Cell(s("true"))), Ok(Val::Bool(true)));
        assert_eq!(untyped(Raw::Cell(s("1e3"))), Ok(Val::Str("1e3".into())));
        assert_eq!(untyped(Raw::Cell(s("1_000"))), Ok(Val::Str("1_000".into())));
        assert_eq!(untyped(Raw::Cell(s("K-42"))), Ok(Val::Str("K-42".into())));
    }

    #[test]
    fn numbers() {
        assert_eq!(untyped(Raw::Num(s("1.5e2"), false)), Ok(Val::Dec(Decimal::new(150, 0))));
        assert!(untyped(Raw::Num(s("99999999999999999999"), true)).is_err());
        assert!(untyped(Raw::Num(s("1e400"), false)).is_err());
    }

    #[test]
    fn declared_kinds() {
        let gbp = FieldKind::Money(Some("GBP".into()));
        assert_eq!(typed(Raw::Num(s("42"), true), &FieldKind::Id), Ok(Val::Str("42".into())));
        assert_eq!(typed(Raw::Str(s("10.34 GBP")), &gbp), Ok(Val::Money(Decimal::new(1034, 2), "GBP".into())));
        assert_eq!(typed(Raw::Num(s("3"), true), &gbp), Ok(Val::Money(Decimal::new(3, 0), "GBP".into())));
        assert!(typed(Raw::Str(s("10.34 EUR")), &gbp).is_err());
        assert_eq!(typed(Raw::Num(s("1.5"), false), &FieldKind::Duration), Ok(Val::Dur(1_500_000)));
        assert_eq!(
            typed(Raw::Num(s("4.2"), false), &FieldKind::Int),
            Err("expected an integer, found the number `4.2`".into())
        );
    }

    #[test]
    fn number_shapes() {
        for (s, shape) in [("12", Some(true)), ("-12", Some(true)), ("+3", Some(true)), ("3.5", Some(false))] {
            assert_eq!(number_shape(s), shape, "{s}");
        }
        for (s, shape) in [("1e-3", Some(false)), ("2E+10", Some(false)), ("0.5e3", Some(false))] {
            assert_eq!(number_shape(s), shape, "{s}");
        }
        for s in ["", "-", "1.", ".5", "1e", "1e+", "1.2.3", "12a", "1 2"] {
            assert_eq!(number_shape(s), None, "{s}");
        }
    }
}
