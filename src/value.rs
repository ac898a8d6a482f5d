//! Runtime values: event attributes and the results of expressions.
//!
//! Strings are `CompactString` (inline up to 24 bytes), so the case and
//! customer ids of a log cost no allocation, and values are dropped with the
//! obligations that hold them: memory follows open state, not log length.

use crate::time::Micros;
use chrono::NaiveDate;
use compact_str::CompactString;
use rust_decimal::Decimal;
use std::cmp::Ordering;
use std::fmt;

/// A value of an attribute or an expression.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Val {
    /// An absent attribute: every comparison with it is false.
    #[default]
    Null,
    /// Text or an id.
    Str(CompactString),
    /// A whole number.
    Int(i64),
    /// A decimal number.
    Dec(Decimal),
    /// Money: amount and ISO currency (empty when unknown).
    Money(Decimal, Currency),
    /// True or false.
    Bool(bool),
    /// An instant.
    Time(Micros),
    /// A length of time in microseconds.
    Dur(i64),
    /// A local date.
    Date(NaiveDate),
    /// A percentage (95% is 95).
    Percent(Decimal),
}

/// An ISO 4217 currency code, or none, stored inline: the grammar and
/// the log readers only ever make three upper-case letters or nothing, and
/// three bytes keep a [`Val`] at 24 bytes (a string would make every value,
/// and so every event attribute, 40).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Currency([u8; 3]);

impl Currency {
    /// The code, or "" when unknown.
    pub fn as_str(&self) -> &str {
        if self.0 == [0; 3] {
            return "";
        }
        std::str::from_utf8(&self.0).unwrap_or("")
    }

    /// Whether the currency is unknown.
    pub fn is_empty(&self) -> bool {
        self.0 == [0; 3]
    }
}

impl From<&str> for Currency {
    /// `code` must be three ASCII letters (which every producer checks
    /// first) or empty; anything else is no currency.
    fn from(code: &str) -> Self {
        match <[u8; 3]>::try_from(code.as_bytes()) {
            Ok(bytes) if bytes.iter().all(u8::is_ascii_alphabetic) => Currency(bytes),
            _ => {
                debug_assert!(code.is_empty(), "not a currency code: {code:?}");
                Currency::default()
            }
        }
    }
}

impl std::ops::Deref for Currency {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq<str> for Currency {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

impl Val {
    /// The value as a decimal, for numeric comparisons and sums.
    pub fn as_decimal(&self) -> Option<Decimal> {
        match self {
            Val::Int(i) => Some(Decimal::from(*i)),
            Val::Dec(d) | Val::Money(d, _) | Val::Percent(d) => Some(*d),
            Val::Dur(d) | Val::Time(d) => Some(Decimal::from(*d)),
            _ => None,
        }
    }

    /// The value as a factor: a percentage as its fraction (10% is 0.1),
    /// other numbers and amounts as [`Val::as_decimal`].
    pub fn as_fraction(&self) -> Option<Decimal> {
        match self {
            Val::Percent(p) => p.checked_div(Decimal::ONE_HUNDRED),
            other => other.as_decimal(),
        }
    }

    /// Orders two values of compatible types; None when they cannot be
    /// compared (different types, different currencies, an absent value).
    pub fn compare(&self, other: &Val) -> Option<Ordering> {
        use Val::*;
        match (self, other) {
            (Null, _) | (_, Null) => None,
            (Str(a), Str(b)) => Some(a.cmp(b)),
            (Bool(a), Bool(b)) => Some(a.cmp(b)),
            (Time(a), Time(b)) | (Dur(a), Dur(b)) => Some(a.cmp(b)),
            (Date(a), Date(b)) => Some(a.cmp(b)),
            (Money(a, x), Money(b, y)) if x == y || x.is_empty() || y.is_empty() => Some(a.cmp(b)),
            (Money(..), Money(..)) => None,
            (Int(a), Int(b)) => Some(a.cmp(b)),
            (Str(a), Int(b)) | (Int(b), Str(a)) => {
                // Ids written as numbers in one place and strings in another.
                let ord = a.as_str().cmp(b.to_string().as_str());
                Some(if matches!(self, Str(_)) { ord } else { ord.reverse() })
            }
            (Int(_) | Dec(_) | Percent(_) | Money(..), Int(_) | Dec(_) | Percent(_) | Money(..)) => {
                Some(self.as_decimal()?.cmp(&other.as_decimal()?))
            }
            _ => None,
        }
    }

    /// Equality as the language sees it (`1 == 1.0`, absent never equal).
    pub fn equals(&self, other: &Val) -> bool {
        self.compare(other) == Some(Ordering::Equal)
    }
}

impl fmt::Display for Val {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Val::Null => write!(f, "absent"),
            Val::Str(s) => write!(f, "{s:?}"),
            Val::Int(i) => write!(f, "{i}"),
            Val::Dec(d) => write!(f, "{d}"),
            Val::Money(d, c) if c.is_empty() => write!(f, "{d}"),
            Val::Money(d, c) => write!(f, "{d} {c}"),
            Val::Bool(b) => write!(f, "{b}"),
            Val::Time(t) => match crate::time::from_micros(*t) {
                Some(dt) => write!(f, "{}", dt.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)),
                None => write!(f, "{t}µs"),
            },
            Val::Dur(d) => write!(f, "{}", format_duration(*d)),
            Val::Date(d) => write!(f, "{d}"),
            Val::Percent(p) => write!(f, "{p}%"),
        }
    }
}

/// A duration in words: `2 days 3 hours`, `45 seconds`, `0 seconds`.
pub fn format_duration(micros: i64) -> String {
    let sign = if micros < 0 { "-" } else { "" };
    let mut secs = micros.unsigned_abs().div_ceil(1_000_000);
    let mut parts = vec![];
    for (unit, size) in [("day", 86_400u64), ("hour", 3_600), ("minute", 60), ("second", 1)] {
        let n = secs / size;
        secs %= size;
        if n > 0 {
            parts.push(format!("{n} {unit}{}", if n == 1 { "" } else { "s" }));
        }
    }
    if parts.is_empty() {
        return "0 seconds".into();
    }
    format!("{sign}{}", parts.join(" "))
}
