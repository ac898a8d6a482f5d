//! Lowering rule clauses: when, require, unless, forbid, remedy and the
//! aggregate measures.

use super::*;
use crate::span::Span;
use crate::syntax::Rule;

impl Lowerer<'_> {
    // ------------------------------------------------------------ clauses

    pub(super) fn clause(&mut self, pair: P) -> Option<Clause> {
        Some(match pair.as_rule() {
            Rule::when_clause => Clause::When(self.when_clause(pair)),
            Rule::require_clause => Clause::Require(Box::new(self.require_clause(pair))),
            Rule::unless_clause => Clause::Unless(self.unless_clause(pair)),
            Rule::forbid_clause => Clause::Forbid(self.forbid_clause(pair)),
            Rule::remedy_clause => Clause::Remedy(self.remedy_clause(pair)),
            Rule::aggregate_clause => Clause::Aggregate(Box::new(self.aggregate_clause(pair))),
            Rule::extend_clause => Clause::Extend(self.extend_clause(pair)),
            _ => return None,
        })
    }

    pub(super) fn alias(&self, pair: P) -> Option<Name> {
        kids(pair).first().map(|p| self.ident(p))
    }

    pub(super) fn where_clause(&mut self, pair: P) -> Option<Expr> {
        kids(pair).into_iter().next().map(|p| self.expr(p))
    }

    pub(super) fn when_clause(&mut self, pair: P) -> When {
        let span = self.span(&pair);
        let priors = self.prior_conditions(&pair);
        let m = self.event_match(pair);
        When { event: m.event, alias: m.alias, condition: m.condition, priors, span }
    }

    /// The `where [not] prior ...` conditions among the children of `pair`.
    pub(super) fn prior_conditions(&mut self, pair: &P) -> Vec<PriorCondition> {
        let mut out = vec![];
        for p in kids(pair.clone()).into_iter().filter(|p| p.as_rule() == Rule::prior_condition) {
            let span = self.span(&p);
            let negated = kids(p.clone()).iter().any(|k| k.as_rule() == Rule::negated);
            let within = kids(p.clone()).into_iter().find(|k| k.as_rule() == Rule::within);
            let within = within.and_then(|w| self.within(w));
            out.push(PriorCondition { negated, event: self.event_match(p), within, span });
        }
        out
    }

    /// `extended by D when E [as e] [where cond]`.
    pub(super) fn extend_clause(&mut self, pair: P) -> Extend {
        let span = self.span(&pair);
        let amount = self.expr_duration(kids(pair.clone()).into_iter().find(|k| k.as_rule() == Rule::expr_duration));
        let amount = amount.unwrap_or(DurationLit { amount: 0, unit: DurationUnit::Day, span });
        Extend { amount, event: self.event_match(pair), span }
    }

    /// `name [as a] [where e]` inside any pair: the common event pattern.
    pub(super) fn event_match(&mut self, pair: P) -> EventMatch {
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

    pub(super) fn require_clause(&mut self, pair: P) -> Require {
        let span = self.span(&pair);
        let mut r = Require {
            prior: false,
            events: vec![],
            alias: None,
            condition: None,
            within: None,
            within_param: None,
            by: None,
            roll: None,
            before: None,
            every: None,
            span,
        };
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
                            Rule::within_param => r.within_param = kids(d).first().map(|i| self.ident(i)),
                            Rule::before => r.before = Some(self.before(d)),
                            Rule::every => r.every = self.every(d).map(Box::new),
                            Rule::by_date => {
                                let bspan = self.span(&d);
                                let expr =
                                    kids(d).into_iter().find(|k| k.as_rule() == Rule::expr).map(|e| self.expr(e));
                                let expr =
                                    expr.unwrap_or(Expr { kind: ExprKind::Lit(Literal::Bool(false)), span: bspan });
                                r.by = Some(ByDate { expr, whichever: None, span: bspan });
                            }
                            Rule::whichever => {
                                let wspan = self.span(&d);
                                let later = d.as_str().trim_end().ends_with("later");
                                let w = if later { Whichever::Later } else { Whichever::Earlier };
                                if let Some(b) = r.by.as_mut() {
                                    b.whichever = Some(Spanned::new(w, wspan));
                                    b.span = b.span.to(wspan);
                                }
                            }
                            Rule::roll => r.roll = Some(Roll { span: self.span(&d) }),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        r
    }

    pub(super) fn within(&mut self, pair: P) -> Option<DurationLit> {
        self.expr_duration(kids(pair).into_iter().next())
    }

    /// A signed duration literal, `-3 days` kept to be reported.
    pub(super) fn expr_duration(&mut self, pair: Option<P>) -> Option<DurationLit> {
        let ed = pair?;
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

    /// `every D until E [where ...]`; None when the duration is malformed.
    pub(super) fn every(&mut self, pair: P) -> Option<Every> {
        let span = self.span(&pair);
        let every = self.within(pair.clone())?;
        let until = kids(pair).into_iter().find(|p| p.as_rule() == Rule::until_event).map(|p| self.before(p))?;
        Some(Every { every, until, span })
    }

    pub(super) fn before(&mut self, pair: P) -> Before {
        let span = self.span(&pair);
        let m = self.event_match(pair);
        Before { event: m.event, condition: m.condition, span }
    }

    pub(super) fn unless_clause(&mut self, pair: P) -> Unless {
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

    pub(super) fn forbid_clause(&mut self, pair: P) -> Forbid {
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
        let priors = self.prior_conditions(&pair);
        Forbid { event: self.event_match(pair), priors, within, while_open, span }
    }

    pub(super) fn remedy_clause(&mut self, pair: P) -> Remedy {
        let span = self.span(&pair);
        let mut r = Remedy { terms: vec![], cap: None, span };
        for p in kids(pair) {
            match p.as_rule() {
                Rule::remedy_term => r.terms.push(self.remedy_term(p)),
                Rule::remedy_cap => r.cap = kids(p).into_iter().next().map(|m| self.expr(m)),
                _ => {}
            }
        }
        r
    }

    pub(super) fn remedy_term(&mut self, pair: P) -> RemedyTerm {
        let span = self.span(&pair);
        let zero = Expr { kind: ExprKind::Lit(Literal::Int(0)), span };
        let mut term = RemedyTerm { amount: zero, per: None, tiers: vec![], span };
        for p in kids(pair) {
            match p.as_rule() {
                Rule::product => term.amount = self.expr(p),
                Rule::remedy_unit => term.per = Some(Spanned::new(remedy_unit(p.as_str()), self.span(&p))),
                Rule::remedy_tier => term.tiers.push(self.remedy_tier(p)),
                _ => {}
            }
        }
        term
    }

    fn remedy_tier(&mut self, pair: P) -> RemedyTier {
        let span = self.span(&pair);
        let mut tier = RemedyTier {
            after: Spanned::new(0, span),
            amount: Expr { kind: ExprKind::Lit(Literal::Int(0)), span },
            per: Spanned::new(RemedyUnit::Day, span),
            span,
        };
        for p in kids(pair) {
            let pspan = self.span(&p);
            match p.as_rule() {
                Rule::tier_limit => match p.as_str().parse::<u64>() {
                    Ok(n) => tier.after = Spanned::new(n, pspan),
                    Err(_) => self.error(Problem::NumberTooLarge { text: p.as_str().to_string() }, pspan),
                },
                Rule::product => tier.amount = self.expr(p),
                Rule::remedy_unit => tier.per = Spanned::new(remedy_unit(p.as_str()), pspan),
                _ => {}
            }
        }
        tier
    }

    pub(super) fn aggregate_clause(&mut self, pair: P) -> Aggregate {
        let span = self.span(&pair);
        let mut group = Group::Keys(vec![]);
        let mut measure = Measure::Rate { rule: Name { text: String::new(), quoted: false, span }, span };
        let mut op = Spanned::new(CmpOp::Le, span);
        let mut bound = Expr { kind: ExprKind::Lit(Literal::Int(0)), span };
        let mut more = vec![];
        let mut sign = None;
        for p in kids(pair) {
            match p.as_rule() {
                Rule::group => group = self.group(p),
                Rule::measure_op => {
                    let s = if p.as_str() == "-" { Sign::Minus } else { Sign::Plus };
                    sign = Some(Spanned::new(s, self.span(&p)));
                }
                Rule::measure => {
                    if let Some(m) = kids(p).into_iter().next() {
                        let m = self.measure(m);
                        match sign.take() {
                            Some(s) => more.push((s, m)),
                            None => measure = m,
                        }
                    }
                }
                Rule::cmp_op => op = Spanned::new(cmp_op(p.as_str()), self.span(&p)),
                Rule::expr => bound = self.expr(p),
                _ => {}
            }
        }
        Aggregate { group, measure, more, op, bound, span }
    }

    pub(super) fn group(&mut self, pair: P) -> Group {
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

    pub(super) fn measure(&mut self, pair: P) -> Measure {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::rate_measure => {
                let rule = kids(pair).first().map(|p| self.ident(p));
                Measure::Rate { rule: rule.unwrap_or(Name { text: String::new(), quoted: false, span }), span }
            }
            Rule::delay_measure => self.delay_measure(pair, span),
            Rule::share_measure => {
                let mut event = EventMatch {
                    event: Name { text: String::new(), quoted: false, span },
                    alias: None,
                    condition: None,
                };
                for p in kids(pair) {
                    match p.as_rule() {
                        Rule::name => event.event = self.name(p),
                        Rule::alias => event.alias = self.alias(p),
                        Rule::where_clause => event.condition = self.where_clause(p),
                        _ => {}
                    }
                }
                Measure::Share { event, span }
            }
            _ => self.event_measure(pair, span),
        }
    }

    pub(super) fn delay_measure(&mut self, pair: P, span: Span) -> Measure {
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

    pub(super) fn event_measure(&mut self, pair: P, span: Span) -> Measure {
        let mut func = Spanned::new(AggFn::Count, span);
        let mut event =
            EventMatch { event: Name { text: String::new(), quoted: false, span }, alias: None, condition: None };
        let mut field = None;
        let mut percentile = None;
        let mut seen_event = false;
        for p in kids(pair) {
            let pspan = self.span(&p);
            match p.as_rule() {
                Rule::aggregate_fn => func = Spanned::new(agg_fn(p.as_str()), pspan),
                Rule::number => percentile = Some(Spanned::new(self.decimal(p.as_str(), pspan), pspan)),
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
        Measure::Events { func, percentile, event, field, span }
    }
}
