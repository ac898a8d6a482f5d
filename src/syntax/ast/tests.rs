//! Inline tests: given events, horizons and expectations.

use super::{Literal, Money, Name, Spanned, Text};
use crate::span::Span;
use chrono::{DateTime, FixedOffset};
use serde::Serialize;

/// A test: events given, verdicts expected.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TestDecl {
    /// `/// ...` lines written above it.
    pub doc: Option<String>,
    /// Its name.
    pub name: Text,
    /// The events given, in log order.
    pub given: Vec<GivenEvent>,
    /// `as of T`: the horizon.
    pub as_of: Option<DateTimeLit>,
    /// The expectations.
    pub expects: Vec<Expectation>,
    /// Where it was written.
    pub span: Span,
}

/// A timestamp literal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DateTimeLit {
    /// The instant with its written offset.
    pub time: DateTime<FixedOffset>,
    /// Where it was written.
    pub span: Span,
}

/// One event of a test's `given` block.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GivenEvent {
    /// When it happened.
    pub time: DateTimeLit,
    /// Its type.
    pub event: Name,
    /// Its attributes.
    pub fields: Vec<GivenField>,
    /// Where it was written.
    pub span: Span,
}

/// `name: value` in a given event or an instance key.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GivenField {
    /// The attribute name.
    pub name: Name,
    /// Its value.
    pub value: Literal,
    /// Where it was written.
    pub span: Span,
}

/// An expected verdict or remedy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Expectation {
    /// What is expected.
    pub kind: ExpectKind,
    /// The rule.
    pub rule: Name,
    /// `for case "A", customer "K"`: which instance.
    pub key: Vec<GivenField>,
    /// Where it was written.
    pub span: Span,
}

/// The forms of `expect`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum ExpectKind {
    /// `expect [N] violated rule ...`
    Verdict {
        /// How many instances (default: at least one).
        count: Option<Spanned<u64>>,
        /// The verdict.
        verdict: Spanned<Verdict>,
    },
    /// `expect remedy rule 20 GBP ...`
    Remedy(Money),
}

/// The verdict of a rule instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
pub enum Verdict {
    /// The obligation was met, or nothing forbidden happened.
    Satisfied,
    /// The obligation was missed or something forbidden happened.
    Violated,
    /// The deadline lies after the horizon.
    Pending,
}

impl Verdict {
    /// The keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Satisfied => "satisfied",
            Verdict::Violated => "violated",
            Verdict::Pending => "pending",
        }
    }
}
