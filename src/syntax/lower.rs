//! Lowering: pest pairs to the typed AST, one function per grammar rule.
//!
//! The grammar guarantees the shape of the pairs, but nothing here unwraps:
//! a pair missing where the grammar promised one lowers to a neutral value,
//! so no input can make the lowering panic. Values the grammar cannot judge
//! (numbers too large, impossible dates) are reported here.

use super::ast::*;
use super::Rule;
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
            | kw_delay
            | kw_to
            | kw_during
            | kw_weekend
            | kw_holiday
            | kw_given
            | kw_of
            | kw_expect
            | kw_for
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
    /// Problems found while lowering.
    pub errors: Vec<Diagnostic>,
}

impl<'a> Lowerer<'a> {
    /// A lowerer for `text` of `file`.
    pub fn new(file: FileId, text: &'a str, comments: &'a [Comment]) -> Self {
        Lowerer { file, text, comments, errors: vec![] }
    }

    /// The span of a pair without the trailing whitespace pest's implicit
    /// whitespace leaves behind an absent optional part.
    fn span(&self, p: &P) -> Span {
        let s = span_of(p, 0);
        let mut end = s.end;
        loop {
            let trimmed = self.text.get(s.start..end).map_or(0, |t| t.len() - t.trim_end().len());
            end -= trimmed;
            // A comment pest skipped before an absent optional part.
            match self.comments.iter().find(|c| c.span.end == end && c.span.start >= s.start) {
                Some(c) => end = c.span.start,
                None => break,
            }
        }
        Span::new(s.start, end)
    }

    fn error(&mut self, problem: Problem, span: Span) {
        self.errors.push(Diagnostic::new(problem, self.file, span));
    }

    /// The `///` lines directly above `start`, joined.
    fn doc_before(&self, start: usize) -> Option<String> {
        let mut lines = vec![];
        let mut cursor = start;
        for c in self.comments.iter().rev().filter(|c| c.span.end <= start) {
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

    /// One top-level item (None for end of input).
    pub fn item(&mut self, pair: P) -> Option<Item> {
        Some(match pair.as_rule() {
            Rule::jurisdiction => Item::Jurisdiction(self.jurisdiction(pair)),
            Rule::import => Item::Import(self.import(pair)),
            Rule::event_decl => Item::Event(self.event_decl(pair)),
            Rule::calendar_decl => Item::Calendar(self.calendar_decl(pair)),
            Rule::rule_decl => Item::Rule(self.rule_decl(pair)),
            Rule::test_decl => Item::Test(self.test_decl(pair)),
            _ => return None,
        })
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

    // ------------------------------------------------------------ items

    fn jurisdiction(&mut self, pair: P) -> Jurisdiction {
        let span = self.span(&pair);
        let mut j = Jurisdiction {
            doc: self.doc_before(span.start),
            name: Name { text: String::new(), quoted: false, span },
            title: None,
            extends: None,
            timezone: None,
            calendar: None,
            in_force: None,
            span,
        };
        for p in kids(pair) {
            let pspan = self.span(&p);
            match p.as_rule() {
                Rule::ident => j.name = self.ident(&p),
                Rule::string => j.title = Some(self.string(p)),
                Rule::extends => {
                    let n = kids(p).first().map(|i| self.ident(i));
                    self.set_once(&mut j.extends, n, "extends", pspan);
                }
                Rule::timezone => {
                    let t = kids(p).into_iter().next().map(|s| self.string(s));
                    self.set_once(&mut j.timezone, t, "timezone", pspan);
                }
                Rule::uses_calendar => {
                    let n = kids(p).first().map(|i| self.ident(i));
                    self.set_once(&mut j.calendar, n, "calendar", pspan);
                }
                Rule::in_force => {
                    let f = Some(self.in_force(p));
                    self.set_once(&mut j.in_force, f, "in force", pspan);
                }
                _ => {}
            }
        }
        j
    }

    /// Sets a clause that may appear once, reporting a second one.
    fn set_once<T>(&mut self, slot: &mut Option<T>, value: Option<T>, what: &'static str, span: Span) {
        if slot.is_some() {
            self.error(Problem::DuplicateClause { what }, span);
        } else {
            *slot = value;
        }
    }

    fn import(&mut self, pair: P) -> Import {
        let span = self.span(&pair);
        let path = match kids(pair).into_iter().next() {
            Some(p) => self.string(p),
            None => Text { value: String::new(), span },
        };
        Import { path, span }
    }

    fn event_decl(&mut self, pair: P) -> EventDecl {
        let span = self.span(&pair);
        let mut e = EventDecl {
            doc: self.doc_before(span.start),
            name: Name { text: String::new(), quoted: false, span },
            description: None,
            fields: vec![],
            span,
        };
        for p in kids(pair) {
            match p.as_rule() {
                Rule::name => e.name = self.name(p),
                Rule::string => e.description = Some(self.string(p)),
                Rule::field_decl => e.fields.push(self.field_decl(p)),
                _ => {}
            }
        }
        e
    }

    fn field_decl(&mut self, pair: P) -> FieldDecl {
        let span = self.span(&pair);
        let mut f = FieldDecl {
            name: Name { text: String::new(), quoted: false, span },
            ty: TypeName { name: String::new(), currency: None, span },
            optional: false,
            span,
        };
        for p in kids(pair) {
            match p.as_rule() {
                Rule::name => f.name = self.name(p),
                Rule::field_type => f.ty = self.field_type(p),
                Rule::optional_mark => f.optional = true,
                _ => {}
            }
        }
        f
    }

    fn field_type(&mut self, pair: P) -> TypeName {
        let span = self.span(&pair);
        let mut t = TypeName { name: String::new(), currency: None, span };
        for p in kids(pair) {
            match p.as_rule() {
                Rule::type_name => t.name = p.as_str().to_string(),
                Rule::currency => t.currency = Some(p.as_str().to_string()),
                _ => {}
            }
        }
        t
    }

    fn calendar_decl(&mut self, pair: P) -> CalendarDecl {
        let span = self.span(&pair);
        let mut c = CalendarDecl {
            doc: self.doc_before(span.start),
            name: Name { text: String::new(), quoted: false, span },
            title: None,
            extends: None,
            weekends: vec![],
            holidays: vec![],
            span,
        };
        let mut seen_name = false;
        for p in kids(pair) {
            match p.as_rule() {
                Rule::ident if !seen_name => {
                    c.name = self.ident(&p);
                    seen_name = true;
                }
                Rule::ident => c.extends = Some(self.ident(&p)),
                Rule::string => c.title = Some(self.string(p)),
                Rule::weekend => {
                    let days = kids(p)
                        .iter()
                        .filter_map(|d| Weekday::parse(d.as_str()).map(|w| Spanned::new(w, self.span(d))))
                        .collect();
                    c.weekends.push(days);
                }
                Rule::holiday => c.holidays.push(self.holiday(p)),
                _ => {}
            }
        }
        c
    }

    fn holiday(&mut self, pair: P) -> Holiday {
        let span = self.span(&pair);
        let mut date = DateLit { date: NaiveDate::default(), span };
        let mut name = None;
        for p in kids(pair) {
            match p.as_rule() {
                Rule::date => date = self.date_lit(p),
                Rule::string => name = Some(self.string(p)),
                _ => {}
            }
        }
        Holiday { date, name, span }
    }

    fn rule_decl(&mut self, pair: P) -> RuleDecl {
        let span = self.span(&pair);
        let mut r = RuleDecl {
            doc: self.doc_before(span.start),
            is_override: false,
            name: Name { text: String::new(), quoted: false, span },
            title: None,
            cites: None,
            legal_text: None,
            in_force: None,
            clauses: vec![],
            span,
        };
        for p in kids(pair) {
            let pspan = self.span(&p);
            match p.as_rule() {
                Rule::override_mark => r.is_override = true,
                Rule::ident => r.name = self.ident(&p),
                Rule::string => r.title = Some(self.string(p)),
                Rule::cites => {
                    let t = kids(p).into_iter().next().map(|s| self.string(s));
                    self.set_once(&mut r.cites, t, "cites", pspan);
                }
                Rule::legal_text => {
                    let t = kids(p).into_iter().next().map(|s| self.string(s));
                    self.set_once(&mut r.legal_text, t, "text", pspan);
                }
                Rule::in_force => {
                    let f = Some(self.in_force(p));
                    self.set_once(&mut r.in_force, f, "in force", pspan);
                }
                _ => {
                    if let Some(c) = self.clause(p) {
                        r.clauses.push(c);
                    }
                }
            }
        }
        r
    }

    // ------------------------------------------------------------ clauses

    fn clause(&mut self, pair: P) -> Option<Clause> {
        Some(match pair.as_rule() {
            Rule::when_clause => Clause::When(self.when_clause(pair)),
            Rule::require_clause => Clause::Require(self.require_clause(pair)),
            Rule::unless_clause => Clause::Unless(self.unless_clause(pair)),
            Rule::forbid_clause => Clause::Forbid(self.forbid_clause(pair)),
            Rule::remedy_clause => Clause::Remedy(self.remedy_clause(pair)),
            Rule::aggregate_clause => Clause::Aggregate(self.aggregate_clause(pair)),
            _ => return None,
        })
    }

    fn alias(&self, pair: P) -> Option<Name> {
        kids(pair).first().map(|p| self.ident(p))
    }

    fn where_clause(&mut self, pair: P) -> Option<Expr> {
        kids(pair).into_iter().next().map(|p| self.expr(p))
    }

    fn when_clause(&mut self, pair: P) -> When {
        let span = self.span(&pair);
        let m = self.event_match(pair);
        When { event: m.event, alias: m.alias, condition: m.condition, span }
    }

    /// `name [as a] [where e]` inside any pair: the common event pattern.
    fn event_match(&mut self, pair: P) -> EventMatch {
        let span = self.span(&pair);
        let mut m =
            EventMatch { event: Name { text: String::new(), quoted: false, span }, alias: None, condition: None };
        for p in kids(pair) {
            match p.as_rule() {
                Rule::name => m.event = self.name(p),
                Rule::alias => m.alias = self.alias(p),
                Rule::where_clause => m.condition = self.where_clause(p),
                _ => {}
            }
        }
        m
    }

    fn require_clause(&mut self, pair: P) -> Require {
        let span = self.span(&pair);
        let mut r =
            Require { prior: false, events: vec![], alias: None, condition: None, within: None, before: None, span };
        for p in kids(pair) {
            match p.as_rule() {
                Rule::prior_mark => r.prior = true,
                Rule::name => r.events.push(self.name(p)),
                Rule::alias => r.alias = self.alias(p),
                Rule::where_clause => r.condition = self.where_clause(p),
                Rule::deadline => {
                    for d in kids(p) {
                        match d.as_rule() {
                            Rule::within => r.within = self.within(d),
                            Rule::before => r.before = Some(self.before(d)),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        r
    }

    fn within(&mut self, pair: P) -> Option<DurationLit> {
        let ed = kids(pair).into_iter().next()?;
        let span = self.span(&ed);
        let mut negative = false;
        let mut out = None;
        for p in kids(ed) {
            match p.as_rule() {
                Rule::neg => negative = true,
                Rule::duration => out = self.duration(p, negative, span),
                _ => {}
            }
        }
        out
    }

    fn before(&mut self, pair: P) -> Before {
        let span = self.span(&pair);
        let m = self.event_match(pair);
        Before { event: m.event, condition: m.condition, span }
    }

    fn unless_clause(&mut self, pair: P) -> Unless {
        let span = self.span(&pair);
        let kind = match kids(pair).into_iter().next() {
            Some(p) if p.as_rule() == Rule::unless_prior => {
                let within = kids(p.clone()).into_iter().find(|k| k.as_rule() == Rule::within);
                let within = within.and_then(|w| self.within(w));
                UnlessKind::Prior(self.event_match(p), within)
            }
            Some(p) if p.as_rule() == Rule::unless_event => UnlessKind::Event(self.event_match(p)),
            Some(p) => UnlessKind::Condition(self.expr(p)),
            None => UnlessKind::Condition(Expr { kind: ExprKind::Lit(Literal::Bool(false)), span }),
        };
        Unless { kind, span }
    }

    fn forbid_clause(&mut self, pair: P) -> Forbid {
        let span = self.span(&pair);
        let mut within = None;
        let mut while_open = false;
        for p in kids(pair.clone()) {
            match p.as_rule() {
                Rule::within => within = self.within(p),
                Rule::while_open => while_open = true,
                _ => {}
            }
        }
        Forbid { event: self.event_match(pair), within, while_open, span }
    }

    fn remedy_clause(&mut self, pair: P) -> Remedy {
        let span = self.span(&pair);
        let mut r = Remedy { terms: vec![], cap: None, span };
        for p in kids(pair) {
            match p.as_rule() {
                Rule::remedy_term => r.terms.push(self.remedy_term(p)),
                Rule::remedy_cap => r.cap = kids(p).into_iter().next().map(|m| self.money(m)),
                _ => {}
            }
        }
        r
    }

    fn remedy_term(&mut self, pair: P) -> RemedyTerm {
        let span = self.span(&pair);
        let mut amount = Money { amount: Decimal::ZERO, currency: String::new(), span };
        let mut per = None;
        for p in kids(pair) {
            match p.as_rule() {
                Rule::money => amount = self.money(p),
                Rule::remedy_unit => per = Some(Spanned::new(remedy_unit(p.as_str()), self.span(&p))),
                _ => {}
            }
        }
        RemedyTerm { amount, per, span }
    }

    fn aggregate_clause(&mut self, pair: P) -> Aggregate {
        let span = self.span(&pair);
        let mut group = Group::Keys(vec![]);
        let mut measure = Measure::Rate { rule: Name { text: String::new(), quoted: false, span }, span };
        let mut op = Spanned::new(CmpOp::Le, span);
        let mut bound = Expr { kind: ExprKind::Lit(Literal::Int(0)), span };
        for p in kids(pair) {
            match p.as_rule() {
                Rule::group => group = self.group(p),
                Rule::measure => {
                    if let Some(m) = kids(p).into_iter().next() {
                        measure = self.measure(m);
                    }
                }
                Rule::cmp_op => op = Spanned::new(cmp_op(p.as_str()), self.span(&p)),
                Rule::expr => bound = self.expr(p),
                _ => {}
            }
        }
        Aggregate { group, measure, op, bound, span }
    }

    fn group(&mut self, pair: P) -> Group {
        let parts = kids(pair);
        if let Some(p) = parts.first().filter(|p| p.as_rule() == Rule::period) {
            let period = match p.as_str() {
                "quarter" => Period::Quarter,
                "year" => Period::Year,
                _ => Period::Month,
            };
            return Group::Period(Spanned::new(period, self.span(p)));
        }
        Group::Keys(parts.into_iter().map(|p| self.name(p)).collect())
    }

    fn measure(&mut self, pair: P) -> Measure {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::rate_measure => {
                let rule = kids(pair).first().map(|p| self.ident(p));
                Measure::Rate { rule: rule.unwrap_or(Name { text: String::new(), quoted: false, span }), span }
            }
            Rule::delay_measure => self.delay_measure(pair, span),
            _ => self.event_measure(pair, span),
        }
    }

    fn delay_measure(&mut self, pair: P, span: Span) -> Measure {
        let mut func = Spanned::new(AggFn::Average, span);
        let mut percentile = None;
        let mut from =
            EventMatch { event: Name { text: String::new(), quoted: false, span }, alias: None, condition: None };
        let mut to = vec![];
        let mut to_condition = None;
        let mut seen_from = false;
        for p in kids(pair) {
            let pspan = self.span(&p);
            match p.as_rule() {
                Rule::aggregate_fn => func = Spanned::new(agg_fn(p.as_str()), pspan),
                Rule::number => percentile = Some(Spanned::new(self.decimal(p.as_str(), pspan), pspan)),
                Rule::name if !seen_from => {
                    from.event = self.name(p);
                    seen_from = true;
                }
                Rule::name => to.push(self.name(p)),
                Rule::alias => from.alias = self.alias(p),
                Rule::where_clause if to.is_empty() => from.condition = self.where_clause(p),
                Rule::where_clause => to_condition = self.where_clause(p),
                _ => {}
            }
        }
        Measure::Delay { func, percentile, from, to, to_condition, span }
    }

    fn event_measure(&mut self, pair: P, span: Span) -> Measure {
        let mut func = Spanned::new(AggFn::Count, span);
        let mut event =
            EventMatch { event: Name { text: String::new(), quoted: false, span }, alias: None, condition: None };
        let mut field = None;
        let mut seen_event = false;
        for p in kids(pair) {
            match p.as_rule() {
                Rule::aggregate_fn => func = Spanned::new(agg_fn(p.as_str()), self.span(&p)),
                Rule::name if !seen_event => {
                    event.event = self.name(p);
                    seen_event = true;
                }
                Rule::name => field = Some(self.name(p)),
                Rule::alias => event.alias = self.alias(p),
                Rule::where_clause => event.condition = self.where_clause(p),
                _ => {}
            }
        }
        Measure::Events { func, event, field, span }
    }

    // ------------------------------------------------------------ tests

    fn test_decl(&mut self, pair: P) -> TestDecl {
        let span = self.span(&pair);
        let mut t = TestDecl {
            doc: self.doc_before(span.start),
            name: Text { value: String::new(), span },
            given: vec![],
            as_of: None,
            expects: vec![],
            span,
        };
        for p in kids(pair) {
            match p.as_rule() {
                Rule::string => t.name = self.string(p),
                Rule::given => {
                    for g in kids(p) {
                        t.given.push(self.given_event(g));
                    }
                }
                Rule::as_of => t.as_of = kids(p).into_iter().next().map(|d| self.datetime_lit(d)),
                Rule::expectation => t.expects.push(self.expectation(p)),
                _ => {}
            }
        }
        t
    }

    fn given_event(&mut self, pair: P) -> GivenEvent {
        let span = self.span(&pair);
        let mut g = GivenEvent {
            time: DateTimeLit { time: DateTime::default(), span },
            event: Name { text: String::new(), quoted: false, span },
            fields: vec![],
            span,
        };
        for p in kids(pair) {
            match p.as_rule() {
                Rule::datetime => g.time = self.datetime_lit(p),
                Rule::name => g.event = self.name(p),
                Rule::given_field => g.fields.push(self.given_field(p)),
                _ => {}
            }
        }
        g
    }

    fn given_field(&mut self, pair: P) -> GivenField {
        let span = self.span(&pair);
        let mut name = Name { text: String::new(), quoted: false, span };
        let mut value = Literal::Bool(false);
        for p in kids(pair) {
            match p.as_rule() {
                Rule::name => name = self.name(p),
                Rule::given_value => value = self.given_value(p),
                _ => {}
            }
        }
        GivenField { name, value, span }
    }

    fn given_value(&mut self, pair: P) -> Literal {
        let mut negative = false;
        let mut value = Literal::Bool(false);
        for p in kids(pair) {
            match p.as_rule() {
                Rule::neg => negative = true,
                Rule::literal => value = self.literal(p),
                _ => {}
            }
        }
        if negative {
            value = match value {
                Literal::Int(i) => Literal::Int(-i),
                Literal::Decimal(d) => Literal::Decimal(-d),
                Literal::Money(d, c) => Literal::Money(-d, c),
                Literal::Percent(d) => Literal::Percent(-d),
                Literal::Duration(n, u) => Literal::Duration(-n, u),
                other => other,
            };
        }
        value
    }

    fn expectation(&mut self, pair: P) -> Expectation {
        let span = self.span(&pair);
        let mut e = Expectation {
            kind: ExpectKind::Verdict { count: None, verdict: Spanned::new(Verdict::Violated, span) },
            rule: Name { text: String::new(), quoted: false, span },
            key: vec![],
            span,
        };
        let Some(body) = kids(pair).into_iter().next() else { return e };
        let is_remedy = body.as_rule() == Rule::expect_remedy;
        let mut count = None;
        let mut verdict = Spanned::new(Verdict::Violated, span);
        let mut money = None;
        for p in kids(body) {
            let pspan = self.span(&p);
            match p.as_rule() {
                Rule::count_prefix => {
                    let n = self.integer(p.as_str(), pspan);
                    count = Some(Spanned::new(n.max(0) as u64, pspan));
                }
                Rule::verdict => {
                    let v = match p.as_str() {
                        "satisfied" => Verdict::Satisfied,
                        "pending" => Verdict::Pending,
                        _ => Verdict::Violated,
                    };
                    verdict = Spanned::new(v, pspan);
                }
                Rule::ident => e.rule = self.ident(&p),
                Rule::money => money = Some(self.money(p)),
                Rule::instance_key => {
                    for kv in kids(p) {
                        e.key.push(self.given_field(kv));
                    }
                }
                _ => {}
            }
        }
        e.kind = match (is_remedy, money) {
            (true, Some(m)) => ExpectKind::Remedy(m),
            _ => ExpectKind::Verdict { count, verdict },
        };
        e
    }

    // ------------------------------------------------------------ expressions

    fn expr(&mut self, pair: P) -> Expr {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::expr => self.chain(pair, |_| Some(BinOp::Or)),
            Rule::and_expr => self.chain(pair, |_| Some(BinOp::And)),
            Rule::not_expr => {
                let mut nots = 0;
                let mut inner = None;
                for p in pair.into_inner() {
                    match p.as_rule() {
                        Rule::kw_not => nots += 1,
                        _ => inner = Some(self.expr(p)),
                    }
                }
                let mut e = inner.unwrap_or(Expr { kind: ExprKind::Lit(Literal::Bool(false)), span });
                for _ in 0..nots {
                    e = Expr { kind: ExprKind::Unary(UnOp::Not, Box::new(e)), span };
                }
                e
            }
            Rule::cmp_expr => self.cmp_expr(pair, span),
            Rule::sum_expr | Rule::product => self.chain(pair, |p| {
                Some(if p.as_str() == "+" {
                    BinOp::Add
                } else if p.as_str() == "-" {
                    BinOp::Sub
                } else if p.as_str() == "*" {
                    BinOp::Mul
                } else {
                    BinOp::Div
                })
            }),
            Rule::unary => {
                let mut negs = 0;
                let mut inner = None;
                for p in pair.into_inner() {
                    match p.as_rule() {
                        Rule::neg => negs += 1,
                        _ => inner = Some(self.expr(p)),
                    }
                }
                let mut e = inner.unwrap_or(Expr { kind: ExprKind::Lit(Literal::Int(0)), span });
                for _ in 0..negs {
                    e = Expr { kind: ExprKind::Unary(UnOp::Neg, Box::new(e)), span };
                }
                e
            }
            Rule::primary => match pair.into_inner().next() {
                Some(p) => self.expr(p),
                None => Expr { kind: ExprKind::Lit(Literal::Bool(false)), span },
            },
            Rule::paren => {
                let inner = kids(pair).into_iter().next().map(|p| self.expr(p));
                let inner = inner.unwrap_or(Expr { kind: ExprKind::Lit(Literal::Bool(false)), span });
                Expr { kind: ExprKind::Paren(Box::new(inner)), span }
            }
            Rule::literal => Expr { kind: ExprKind::Lit(self.literal(pair)), span },
            Rule::call => {
                let mut parts = kids(pair).into_iter();
                let func = parts.next().map(|p| self.ident(&p));
                let args = parts.map(|p| self.expr(p)).collect();
                let func = func.unwrap_or(Name { text: String::new(), quoted: false, span });
                Expr { kind: ExprKind::Call(func, args), span }
            }
            Rule::member => {
                let mut parts = kids(pair).into_iter();
                let base = parts.next().map(|p| self.ident(&p));
                let field = parts.next().map(|p| self.name(p));
                match (base, field) {
                    (Some(b), Some(f)) => Expr { kind: ExprKind::Member(b, f), span },
                    _ => Expr { kind: ExprKind::Lit(Literal::Bool(false)), span },
                }
            }
            Rule::ident => Expr { kind: ExprKind::Name(self.ident(&pair)), span },
            _ => Expr { kind: ExprKind::Lit(Literal::Bool(false)), span },
        }
    }

    /// A left-associative chain `a op b op c` whose operators are either
    /// implied by the rule (`and`, `or`) or operator pairs.
    fn chain(&mut self, pair: P, op_of: impl Fn(&P) -> Option<BinOp>) -> Expr {
        let mut acc: Option<Expr> = None;
        let mut pending_op = None;
        for p in kids(pair) {
            match p.as_rule() {
                Rule::add_op | Rule::mul_op => pending_op = op_of(&p),
                _ => {
                    let rhs = self.expr(p.clone());
                    acc = Some(match acc {
                        None => rhs,
                        Some(lhs) => {
                            let op = pending_op.take().or_else(|| op_of(&p)).unwrap_or(BinOp::And);
                            let span = lhs.span.to(rhs.span);
                            Expr { kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)), span }
                        }
                    });
                }
            }
        }
        acc.unwrap_or(Expr { kind: ExprKind::Lit(Literal::Bool(false)), span: Span::default() })
    }

    fn cmp_expr(&mut self, pair: P, span: Span) -> Expr {
        let mut lhs = None;
        let mut negated = false;
        let mut op = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::kw_not => negated = true,
                Rule::kw_in | Rule::kw_during => {}
                Rule::cmp_op => op = Some(cmp_op(p.as_str())),
                Rule::list => {
                    let list = kids(p).into_iter().map(|e| self.expr(e)).collect();
                    let value =
                        Box::new(lhs.take().unwrap_or(Expr { kind: ExprKind::Lit(Literal::Bool(false)), span }));
                    return Expr { kind: ExprKind::In { value, list, negated }, span };
                }
                Rule::hours => {
                    let spans = kids(p).into_iter().map(|h| self.hours_span(h)).collect();
                    let value =
                        Box::new(lhs.take().unwrap_or(Expr { kind: ExprKind::Lit(Literal::Bool(false)), span }));
                    return Expr { kind: ExprKind::During(value, spans), span };
                }
                _ => {
                    let e = self.expr(p);
                    lhs = Some(match (lhs.take(), op) {
                        (Some(l), Some(o)) => {
                            Expr { kind: ExprKind::Binary(BinOp::Cmp(o), Box::new(l), Box::new(e)), span }
                        }
                        _ => e,
                    });
                }
            }
        }
        lhs.unwrap_or(Expr { kind: ExprKind::Lit(Literal::Bool(false)), span })
    }

    fn hours_span(&mut self, pair: P) -> HoursSpan {
        let span = self.span(&pair);
        let mut h = HoursSpan { from_day: Weekday::Mon, to_day: Weekday::Mon, clock: None, span };
        for p in kids(pair) {
            match p.as_rule() {
                Rule::day_range => {
                    let days: Vec<Weekday> = kids(p).iter().filter_map(|d| Weekday::parse(d.as_str())).collect();
                    h.from_day = days.first().copied().unwrap_or(Weekday::Mon);
                    h.to_day = days.last().copied().unwrap_or(h.from_day);
                }
                Rule::clock_range => {
                    let mut clocks = kids(p).into_iter();
                    let open = clocks.next().map(|c| self.clock(c)).unwrap_or_default();
                    let close = clocks.next().map(|c| self.clock(c)).unwrap_or_default();
                    h.clock = Some((open, close));
                }
                _ => {}
            }
        }
        h
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
