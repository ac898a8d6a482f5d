//! Lowering top-level items: jurisdiction headers, imports, events,
//! calendars, rules (their metadata) and tests.

use super::*;
use crate::span::Span;
use crate::syntax::Rule;
use chrono::{DateTime, NaiveDate};

impl Lowerer<'_> {
    // ------------------------------------------------------------ items

    pub(super) fn jurisdiction(&mut self, pair: P) -> Jurisdiction {
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
    pub(super) fn set_once<T>(&mut self, slot: &mut Option<T>, value: Option<T>, what: &'static str, span: Span) {
        if slot.is_some() {
            self.error(Problem::DuplicateClause { what }, span);
        } else {
            *slot = value;
        }
    }

    pub(super) fn import(&mut self, pair: P) -> Import {
        let span = self.span(&pair);
        let path = match kids(pair).into_iter().next() {
            Some(p) => self.string(p),
            None => Text { value: String::new(), span },
        };
        Import { path, span }
    }

    pub(super) fn event_decl(&mut self, pair: P) -> EventDecl {
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

    pub(super) fn field_decl(&mut self, pair: P) -> FieldDecl {
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

    pub(super) fn field_type(&mut self, pair: P) -> TypeName {
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

    pub(super) fn calendar_decl(&mut self, pair: P) -> CalendarDecl {
        let span = self.span(&pair);
        let mut c = CalendarDecl {
            doc: self.doc_before(span.start),
            name: Name { text: String::new(), quoted: false, span },
            title: None,
            extends: None,
            weekends: vec![],
            holidays: vec![],
            workdays: vec![],
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
                Rule::workday => c.workdays.push(self.holiday(p)),
                _ => {}
            }
        }
        c
    }

    /// A `holiday` or `workday` entry: a date and an optional name.
    pub(super) fn holiday(&mut self, pair: P) -> Holiday {
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

    pub(super) fn parameter_decl(&mut self, pair: P) -> ParameterDecl {
        let span = self.span(&pair);
        let mut d = ParameterDecl {
            doc: self.doc_before(span.start),
            name: Name { text: String::new(), quoted: false, span },
            title: None,
            cites: None,
            legal_text: None,
            entries: vec![],
            span,
        };
        for p in kids(pair) {
            let pspan = self.span(&p);
            match p.as_rule() {
                Rule::ident => d.name = self.ident(&p),
                Rule::string => d.title = Some(self.string(p)),
                Rule::cites => {
                    let t = kids(p).into_iter().next().map(|s| self.string(s));
                    self.set_once(&mut d.cites, t, "cites", pspan);
                }
                Rule::legal_text => {
                    let t = kids(p).into_iter().next().map(|s| self.string(s));
                    self.set_once(&mut d.legal_text, t, "text", pspan);
                }
                Rule::param_entry => d.entries.push(self.param_entry(p)),
                _ => {}
            }
        }
        d
    }

    fn param_entry(&mut self, pair: P) -> ParamEntry {
        let span = self.span(&pair);
        let mut value = Literal::Bool(false);
        let mut value_span = span;
        let mut dates = vec![];
        for p in kids(pair) {
            match p.as_rule() {
                Rule::given_value => {
                    value_span = self.span(&p);
                    value = self.given_value(p);
                }
                Rule::date => dates.push(self.date_lit(p)),
                _ => {}
            }
        }
        let mut dates = dates.into_iter();
        let from = dates.next().unwrap_or(DateLit { date: NaiveDate::default(), span });
        ParamEntry { value, value_span, from, until: dates.next(), span }
    }

    pub(super) fn rule_decl(&mut self, pair: P) -> RuleDecl {
        let span = self.span(&pair);
        let mut r = RuleDecl {
            doc: self.doc_before(span.start),
            is_override: false,
            measure: false,
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
                Rule::kw_measure => r.measure = true,
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

    // ------------------------------------------------------------ tests

    pub(super) fn test_decl(&mut self, pair: P) -> TestDecl {
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

    pub(super) fn given_event(&mut self, pair: P) -> GivenEvent {
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

    pub(super) fn given_field(&mut self, pair: P) -> GivenField {
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

    pub(super) fn given_value(&mut self, pair: P) -> Literal {
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

    pub(super) fn expectation(&mut self, pair: P) -> Expectation {
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
}
