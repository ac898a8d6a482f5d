//! Lowering: pest pairs to the typed AST, one function per grammar rule.
//!
//! The grammar guarantees the shape of the pairs, but nothing here unwraps:
//! a pair missing where the grammar promised one lowers to a neutral value,
//! so no input can make the lowering panic. Values the grammar cannot judge
//! (numbers too large, impossible dates) are reported here.

use super::ast::*;
use super::Rule;

mod clauses;
mod expr;
mod items;
use crate::diagnostics::{Diagnostic, Problem};
use crate::span::{FileId, Span};
use chrono::{DateTime, NaiveDate, NaiveTime};
use pest::iterators::Pair;
use rust_decimal::Decimal;
use std::str::FromStr;

type P<'i> = Pair<'i, Rule>;

/// The span of a pair, moved by `offset`.
pub fn span_of(pair: &P, offset: usize) -> Span {
    let s = pair.as_span();
    Span::new(s.start() + offset, s.end() + offset)
}

/// Keyword pairs carry no information once the rule is known.
fn is_keyword(rule: Rule) -> bool {
    use Rule::*;
    matches!(
        rule,
        kw_jurisdiction
            | kw_import
            | kw_event
            | kw_calendar
            | kw_rule
            | kw_override
            | kw_test
            | kw_extends
            | kw_timezone
            | kw_cites
            | kw_text
            | kw_in
            | kw_force
            | kw_from
            | kw_until
            | kw_when
            | kw_as
            | kw_where
            | kw_require
            | kw_prior
            | kw_or
            | kw_and
            | kw_not
            | kw_within
            | kw_before
            | kw_unless
            | kw_forbid
            | kw_while
            | kw_open
            | kw_remedy
            | kw_per
            | kw_late
            | kw_max
            | kw_rate
            | kw_share
            | kw_delay
            | kw_to
            | kw_during
            | kw_weekend
            | kw_holiday
            | kw_workday
            | kw_every
            | kw_given
            | kw_of
            | kw_expect
            | kw_for
            | kw_the
            | kw_first
            | kw_then
            | kw_parameter
    )
}

/// The children of a pair that are not keywords.
fn kids<'i>(pair: P<'i>) -> Vec<P<'i>> {
    pair.into_inner().filter(|p| !is_keyword(p.as_rule())).collect()
}

/// Lowers pairs of one file, collecting value errors.
pub struct Lowerer<'a> {
    file: FileId,
    text: &'a str,
    comments: &'a [Comment],
    /// Where in `text` the pairs being lowered were parsed from.
    base: usize,
    /// Problems found while lowering.
    pub errors: Vec<Diagnostic>,
}

impl<'a> Lowerer<'a> {
    /// A lowerer for `text` of `file`.
    pub fn new(file: FileId, text: &'a str, comments: &'a [Comment]) -> Self {
        Lowerer { file, text, comments, base: 0, errors: vec![] }
    }

    /// The span of a pair without the trailing whitespace pest's implicit
    /// whitespace leaves behind an absent optional part.
    fn span(&self, p: &P) -> Span {
        let s = span_of(p, self.base);
        let mut end = s.end;
        loop {
            let trimmed = self.text.get(s.start..end).map_or(0, |t| t.len() - t.trim_end().len());
            end -= trimmed;
            // A comment pest skipped before an absent optional part.
            match self.comment_ending_at(end).filter(|c| c.span.start >= s.start) {
                Some(c) => end = c.span.start,
                None => break,
            }
        }
        Span::new(s.start, end)
    }

    /// The comment ending exactly at `end` (comments are in text order and
    /// never overlap, so a binary search finds it).
    fn comment_ending_at(&self, end: usize) -> Option<&'a Comment> {
        let comments: &'a [Comment] = self.comments;
        let at = comments.partition_point(|c| c.span.end < end);
        comments.get(at).filter(|c| c.span.end == end)
    }

    fn error(&mut self, problem: Problem, span: Span) {
        self.errors.push(Diagnostic::new(problem, self.file, span));
    }

    /// The `///` lines directly above `start`, joined.
    fn doc_before(&self, start: usize) -> Option<String> {
        let mut lines = vec![];
        let mut cursor = start;
        let before = self.comments.partition_point(|c| c.span.end <= start);
        for c in self.comments[..before].iter().rev() {
            let between = self.text.get(c.span.end..cursor).unwrap_or("x");
            // A blank line detaches a doc comment from what follows.
            if !between.trim().is_empty() || between.matches('\n').count() > 1 || !c.doc {
                break;
            }
            lines.push(c.text.trim_start_matches("///").trim().to_string());
            cursor = c.span.start;
        }
        if lines.is_empty() {
            return None;
        }
        lines.reverse();
        Some(lines.join("\n"))
    }

    /// One top-level item parsed from `text[base..]`.
    pub fn item_at(&mut self, pair: P, base: usize) -> Option<Item> {
        self.base = base;
        let item = self.item(pair);
        self.base = 0;
        item
    }

    /// One top-level item (None for end of input).
    pub fn item(&mut self, pair: P) -> Option<Item> {
        Some(match pair.as_rule() {
            Rule::jurisdiction => Item::Jurisdiction(self.jurisdiction(pair)),
            Rule::import => Item::Import(self.import(pair)),
            Rule::event_decl => Item::Event(self.event_decl(pair)),
            Rule::calendar_decl => Item::Calendar(self.calendar_decl(pair)),
            Rule::parameter_decl => Item::Parameter(self.parameter_decl(pair)),
            Rule::rule_decl => Item::Rule(self.rule_decl(pair)),
            Rule::test_decl => Item::Test(self.test_decl(pair)),
            _ => return None,
        })
    }

    /// The first pair of `rule` below `pair` (an entry point's content).
    pub fn entry<'i>(pair: P<'i>, rule: Rule) -> Option<P<'i>> {
        pair.into_inner().find(|p| p.as_rule() == rule)
    }

    /// An expression (the REPL's calculator).
    pub fn standalone_expr(&mut self, pair: P) -> Expr {
        self.expr(pair)
    }

    /// A given event (the REPL's `:event`).
    pub fn standalone_given(&mut self, pair: P) -> GivenEvent {
        self.given_event(pair)
    }

    // ------------------------------------------------------------ names, literals

    fn name(&mut self, pair: P) -> Name {
        let span = self.span(&pair);
        let inner = pair.into_inner().next();
        match inner {
            Some(p) if p.as_rule() == Rule::string => {
                let t = self.string(p);
                Name { text: t.value, quoted: true, span }
            }
            Some(p) => Name { text: p.as_str().to_string(), quoted: false, span },
            None => Name { text: String::new(), quoted: false, span },
        }
    }

    fn ident(&self, pair: &P) -> Name {
        Name { text: pair.as_str().to_string(), quoted: false, span: self.span(pair) }
    }

    fn string(&mut self, pair: P) -> Text {
        let span = self.span(&pair);
        let body = pair.into_inner().next().map_or("", |p| p.as_str());
        let mut value = String::with_capacity(body.len());
        let mut chars = body.char_indices();
        while let Some((i, c)) = chars.next() {
            if c != '\\' {
                value.push(c);
                continue;
            }
            match chars.next() {
                Some((_, '"')) => value.push('"'),
                Some((_, '\\')) => value.push('\\'),
                Some((_, 'n')) => value.push('\n'),
                Some((_, 't')) => value.push('\t'),
                Some((_, other)) => {
                    let at = span.start + 1 + i;
                    self.error(
                        Problem::BadEscape { text: format!("\\{other}") },
                        Span::new(at, at + 1 + other.len_utf8()),
                    );
                }
                None => {}
            }
        }
        Text { value, span }
    }

    fn decimal(&mut self, text: &str, span: Span) -> Decimal {
        Decimal::from_str(text).unwrap_or_else(|_| {
            self.error(Problem::NumberTooLarge { text: text.to_string() }, span);
            Decimal::ZERO
        })
    }

    fn integer(&mut self, text: &str, span: Span) -> i64 {
        text.parse::<i64>().unwrap_or_else(|_| {
            self.error(Problem::NumberTooLarge { text: text.to_string() }, span);
            0
        })
    }

    fn date_lit(&mut self, pair: P) -> DateLit {
        let span = self.span(&pair);
        let date = NaiveDate::parse_from_str(pair.as_str(), "%Y-%m-%d").unwrap_or_else(|_| {
            self.error(Problem::InvalidLiteral { text: pair.as_str().to_string(), what: "date" }, span);
            NaiveDate::default()
        });
        DateLit { date, span }
    }

    fn datetime_lit(&mut self, pair: P) -> DateTimeLit {
        let span = self.span(&pair);
        let time = DateTime::parse_from_rfc3339(pair.as_str()).unwrap_or_else(|_| {
            self.error(Problem::InvalidLiteral { text: pair.as_str().to_string(), what: "time" }, span);
            DateTime::default()
        });
        DateTimeLit { time, span }
    }

    fn clock(&mut self, pair: P) -> NaiveTime {
        let span = self.span(&pair);
        let s = pair.as_str();
        // 24:00 is the end of the day: the latest representable instant.
        if s == "24:00" || s == "24:00:00" {
            return NaiveTime::from_hms_opt(23, 59, 59).unwrap_or_default();
        }
        let fmt = if s.len() > 5 { "%H:%M:%S" } else { "%H:%M" };
        NaiveTime::parse_from_str(s, fmt).unwrap_or_else(|_| {
            self.error(Problem::InvalidLiteral { text: s.to_string(), what: "time of day" }, span);
            NaiveTime::default()
        })
    }

    fn money(&mut self, pair: P) -> Money {
        let span = self.span(&pair);
        let mut amount = Decimal::ZERO;
        let mut currency = String::new();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::number => amount = self.decimal(p.as_str(), self.span(&p)),
                Rule::currency => currency = p.as_str().to_string(),
                _ => {}
            }
        }
        Money { amount, currency, span }
    }

    /// A duration literal; None when its count is not a valid whole number
    /// (already reported, so that no second error follows).
    fn duration(&mut self, pair: P, negative: bool, outer: Span) -> Option<DurationLit> {
        let mut amount = None;
        let mut unit = DurationUnit::Day;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::number => {
                    let span = self.span(&p);
                    if p.as_str().contains('.') {
                        self.error(
                            Problem::InvalidLiteral { text: p.as_str().to_string(), what: "whole number of units" },
                            span,
                        );
                    } else {
                        amount = p.as_str().parse::<i64>().ok();
                        if amount.is_none() {
                            self.error(Problem::NumberTooLarge { text: p.as_str().to_string() }, span);
                        }
                    }
                }
                Rule::duration_unit => unit = duration_unit(p.as_str()),
                _ => {}
            }
        }
        let amount = amount?;
        Some(DurationLit { amount: if negative { -amount } else { amount }, unit, span: outer })
    }

    fn literal(&mut self, pair: P) -> Literal {
        let Some(p) = pair.into_inner().next() else { return Literal::Bool(false) };
        let span = self.span(&p);
        match p.as_rule() {
            Rule::datetime => Literal::DateTime(self.datetime_lit(p).time),
            Rule::date => Literal::Date(self.date_lit(p).date),
            Rule::money => {
                let m = self.money(p);
                Literal::Money(m.amount, m.currency)
            }
            Rule::percent => {
                let text = p.as_str().trim_end_matches('%');
                Literal::Percent(self.decimal(text, span))
            }
            Rule::duration => match self.duration(p, false, span) {
                Some(d) => Literal::Duration(d.amount, d.unit),
                None => Literal::Int(0),
            },
            Rule::number if p.as_str().contains('.') => Literal::Decimal(self.decimal(p.as_str(), span)),
            Rule::number => Literal::Int(self.integer(p.as_str(), span)),
            Rule::string => Literal::Str(self.string(p).value),
            Rule::boolean => Literal::Bool(p.as_str() == "true"),
            _ => Literal::Bool(false),
        }
    }

    fn in_force(&mut self, pair: P) -> InForce {
        let span = self.span(&pair);
        let mut dates = kids(pair).into_iter().map(|p| self.date_lit(p)).collect::<Vec<_>>().into_iter();
        let from = dates.next().unwrap_or(DateLit { date: NaiveDate::default(), span });
        InForce { from, until: dates.next(), span }
    }
}

fn duration_unit(s: &str) -> DurationUnit {
    let words: Vec<&str> = s.split_whitespace().collect();
    match words.as_slice() {
        ["calendar", ..] => DurationUnit::CalendarDay,
        ["business", ..] | ["working", ..] => DurationUnit::BusinessDay,
        [w] if w.starts_with("second") => DurationUnit::Second,
        [w] if w.starts_with("minute") => DurationUnit::Minute,
        [w] if w.starts_with("hour") => DurationUnit::Hour,
        [w] if w.starts_with("week") => DurationUnit::Week,
        [w] if w.starts_with("month") => DurationUnit::Month,
        [w] if w.starts_with("year") => DurationUnit::Year,
        _ => DurationUnit::Day,
    }
}

fn remedy_unit(s: &str) -> RemedyUnit {
    let words: Vec<&str> = s.split_whitespace().collect();
    match words.as_slice() {
        ["calendar", ..] => RemedyUnit::CalendarDay,
        ["business", ..] | ["working", ..] => RemedyUnit::BusinessDay,
        ["hour"] => RemedyUnit::Hour,
        ["week"] => RemedyUnit::Week,
        _ => RemedyUnit::Day,
    }
}

fn cmp_op(s: &str) -> CmpOp {
    match s {
        "==" => CmpOp::Eq,
        "!=" => CmpOp::Ne,
        "<" => CmpOp::Lt,
        "<=" => CmpOp::Le,
        ">" => CmpOp::Gt,
        _ => CmpOp::Ge,
    }
}

fn agg_fn(s: &str) -> AggFn {
    match s {
        "distinct" => AggFn::Distinct,
        "sum" => AggFn::Sum,
        "min" => AggFn::Min,
        "max" => AggFn::Max,
        "average" => AggFn::Average,
        "percentile" => AggFn::Percentile,
        _ => AggFn::Count,
    }
}
