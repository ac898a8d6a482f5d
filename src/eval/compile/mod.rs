//! From a checked policy set to a [`Program`]: which jurisdictions are
//! evaluated, their effective rules (inherited, overridden), names interned,
//! correlations split into hash keys and residual conditions.

use super::expr::{CExpr, Func, Slot};

mod exprs;
use super::ir::*;
use crate::check::Analysis;
use crate::log::{FieldKind, Projection};
use crate::syntax::ast::{self, Clause, Expr, ExprKind, Item, Literal, Measure, UnOp};
use crate::time::{Calendar, DAY, HOUR, MINUTE, SECOND, WEEK};
use crate::value::Val;
pub use exprs::{calendar_literal, literal};
use exprs::{constant, split};
use rust_decimal::Decimal;

/// Compiles the jurisdictions of the files the user named. The analysis
/// must be free of errors.
pub fn compile(analysis: &Analysis) -> Program {
    compile_with_keys(analysis, &requested_jurisdictions(analysis), &[])
}

/// The jurisdictions declared by the files the user named, in file order.
pub fn requested_jurisdictions(analysis: &Analysis) -> Vec<String> {
    analysis
        .workspace
        .units
        .iter()
        .filter(|u| u.requested)
        .filter_map(|u| analysis.scope.file_jurisdiction.get(&u.id).cloned())
        .collect()
}

/// Compiles the jurisdictions `names`, also keeping the attributes
/// `extra_keys` (test expectations name instances by them).
pub fn compile_with_keys(analysis: &Analysis, names: &[String], extra_keys: &[&str]) -> Program {
    let mut c = Compiler { analysis, proj: Projection::default(), rules: vec![], jurisdictions: vec![], params: None };
    for k in ["customer", "case"].iter().chain(extra_keys) {
        c.proj.add_key(k);
    }
    for name in names {
        c.jurisdiction(name);
    }
    c.schema();
    c.resolve_rates();
    Program { proj: c.proj, jurisdictions: c.jurisdictions, rules: c.rules.into_iter().map(|(r, _)| r).collect() }
}

struct Compiler<'a> {
    analysis: &'a Analysis,
    proj: Projection,
    /// Rules with the name of the rule a `rate()` measures, resolved last.
    rules: Vec<(Rule, Option<String>)>,
    jurisdictions: Vec<Jurisdiction>,
    /// The parameters visible in the file of the rule being compiled.
    params: Option<&'a std::collections::BTreeMap<String, crate::check::scope::ParamInfo>>,
}

impl Compiler<'_> {
    fn jurisdiction(&mut self, name: &str) {
        let scope = &self.analysis.scope;
        let Some(info) = scope.jurisdictions.get(name) else { return };
        // Root first: parents' rules come first and children replace them.
        let mut chain: Vec<&crate::check::scope::JurisdictionInfo> = scope.ancestors(name);
        chain.reverse();
        chain.push(info);
        let (tz, calendar, calendar_name) = zone_and_calendar(scope, &chain);
        let in_force = chain.iter().rev().find_map(|j| j.decl.in_force.as_ref());
        let jur_force = InForce {
            from: in_force.map(|f| f.from.date),
            until: in_force.and_then(|f| f.until.as_ref().map(|u| u.date)),
        };
        let index = self.jurisdictions.len();
        self.jurisdictions.push(Jurisdiction {
            name: name.to_string(),
            title: info.decl.title.as_ref().map(|t| t.value.clone()),
            tz,
            calendar,
            calendar_name,
        });
        let mut effective: Vec<(crate::span::FileId, &ast::RuleDecl)> = vec![];
        // Where each rule name sits in `effective` (a child's rule replaces
        // its parent's in place).
        let mut slots: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for j in chain {
            let Some(unit) = self.analysis.workspace.unit(j.file) else { continue };
            for item in &unit.ast.items {
                let Item::Rule(r) = item else { continue };
                match slots.get(r.name.text.as_str()).and_then(|&i| effective.get_mut(i)) {
                    Some(slot) => *slot = (j.file, r),
                    None => {
                        slots.insert(r.name.text.as_str(), effective.len());
                        effective.push((j.file, r));
                    }
                }
            }
        }
        for (file, r) in effective {
            if let Some(rule) = self.rule(index, file, r, jur_force) {
                self.rules.push(rule);
            }
        }
    }

    fn rule(
        &mut self,
        jurisdiction: usize,
        file: crate::span::FileId,
        r: &ast::RuleDecl,
        jur_force: InForce,
    ) -> Option<(Rule, Option<String>)> {
        self.params = self.analysis.scope.params.get(&file);
        let mut in_force = jur_force;
        if let Some(f) = &r.in_force {
            in_force.from = Some(in_force.from.map_or(f.from.date, |d| d.max(f.from.date)));
            if let Some(u) = &f.until {
                in_force.until = Some(in_force.until.map_or(u.date, |d| d.min(u.date)));
            }
        }
        let (kind, rate_target) = self.kind(r)?;
        let remedy = r.clauses.iter().find_map(|c| match c {
            Clause::Remedy(m) => Some(self.remedy(m, subject_alias(r))),
            _ => None,
        });
        let rule = Rule {
            name: r.name.text.clone(),
            jurisdiction,
            title: r.title.as_ref().map(|t| t.value.clone()),
            cites: r.cites.as_ref().map(|t| t.value.clone()),
            legal_text: r.legal_text.as_ref().map(|t| t.value.clone()),
            file,
            span: r.name.span,
            in_force,
            kind,
            remedy,
            measure: r.measure,
        };
        Some((rule, rate_target))
    }

    fn kind(&mut self, r: &ast::RuleDecl) -> Option<(Kind, Option<String>)> {
        let when = r.clauses.iter().find_map(|c| if let Clause::When(w) = c { Some(w) } else { None });
        let require = r.clauses.iter().find_map(|c| if let Clause::Require(q) = c { Some(q) } else { None });
        let forbids: Vec<&ast::Forbid> =
            r.clauses.iter().filter_map(|c| if let Clause::Forbid(f) = c { Some(f) } else { None }).collect();
        let unlesses: Vec<&ast::Unless> =
            r.clauses.iter().filter_map(|c| if let Clause::Unless(u) = c { Some(u) } else { None }).collect();
        let aggregate = r.clauses.iter().find_map(|c| if let Clause::Aggregate(a) = c { Some(a) } else { None });
        if let (Some(w), Some(q)) = (when, require) {
            let trigger = self.proj.add_type(&w.event.text);
            let t_alias = w.alias.as_ref().map(|a| a.text.as_str());
            let condition = w.condition.as_ref().map(|e| self.expr(e, t_alias, None));
            let priors = self.priors(&w.priors, t_alias);
            let unless = self.exceptions(&unlesses, t_alias);
            let awaited = self.matcher(&q.events, q.alias.as_ref(), q.condition.as_ref(), t_alias);
            let within = q.within.as_ref().map(|d| Window { amount: d.amount, unit: d.unit });
            let within_param = q
                .within_param
                .as_ref()
                .and_then(|n| self.params.and_then(|p| p.get(&n.text)))
                .map(|p| Box::new(window_schedule(&p.decl)));
            if q.prior {
                let p = Precedence { trigger, condition, priors, required: awaited, within, unless };
                return Some((Kind::Precedence(p), None));
            }
            let by = q.by.as_ref().map(|b| {
                Box::new(ByDate {
                    value: self.expr(&b.expr, t_alias, None),
                    whichever: b.whichever.as_ref().map(|w| w.node),
                    field: match &b.expr.kind {
                        ExprKind::Member(_, f) => f.text.clone(),
                        _ => "date".to_string(),
                    },
                })
            });
            let extensions = r
                .clauses
                .iter()
                .filter_map(|c| if let Clause::Extend(x) = c { Some(x) } else { None })
                .take(32)
                .map(|x| Extension {
                    window: Window { amount: x.amount.amount, unit: x.amount.unit },
                    matcher: self.matcher(
                        std::slice::from_ref(&x.event.event),
                        x.event.alias.as_ref(),
                        x.event.condition.as_ref(),
                        t_alias,
                    ),
                })
                .collect();
            let before = q
                .before
                .as_ref()
                .map(|b| self.matcher(std::slice::from_ref(&b.event), None, b.condition.as_ref(), t_alias));
            let window_forbids = forbids
                .iter()
                .map(|f| {
                    self.matcher(
                        std::slice::from_ref(&f.event.event),
                        f.event.alias.as_ref(),
                        f.event.condition.as_ref(),
                        t_alias,
                    )
                })
                .collect();
            let every = q.every.as_ref().map(|e| {
                Box::new(Every {
                    window: Window { amount: e.every.amount, unit: e.every.unit },
                    until: self.matcher(
                        std::slice::from_ref(&e.until.event),
                        None,
                        e.until.condition.as_ref(),
                        t_alias,
                    ),
                })
            });
            let roll = q.roll.is_some();
            let o = Obligation {
                trigger,
                condition,
                priors,
                awaited,
                within,
                within_param,
                by,
                roll,
                extensions,
                before,
                unless,
                window_forbids,
                every,
            };
            return Some((Kind::Obligation(Box::new(o)), None));
        }
        if let Some(f) = forbids.first() {
            let event = self.proj.add_type(&f.event.event.text);
            let alias = f.event.alias.as_ref().map(|a| a.text.as_str());
            let condition = f.event.condition.as_ref().map(|e| self.expr(e, alias, None));
            let priors = self.priors(&f.priors, alias);
            let unless = self.exceptions(&unlesses, alias);
            return Some((Kind::Prohibition(Prohibition { event, condition, priors, unless }), None));
        }
        let a = aggregate?;
        self.aggregate(a)
    }

    fn aggregate(&mut self, a: &ast::Aggregate) -> Option<(Kind, Option<String>)> {
        let op = a.op.node;
        let bound = constant(&self.expr(&a.bound, None, None));
        match (&a.group, &a.measure) {
            (ast::Group::Period(p), Measure::Rate { rule, .. }) => {
                let bound = match bound {
                    Val::Percent(d) | Val::Dec(d) => d,
                    Val::Int(i) => Decimal::from(i),
                    _ => Decimal::ZERO,
                };
                let k = Kind::Rate(RateStandard { period: p.node, target: usize::MAX, op, bound });
                Some((k, Some(rule.text.clone())))
            }
            (ast::Group::Period(p), Measure::Delay { func, percentile, from, to, to_condition, .. }) => {
                let from_alias = from.alias.as_ref().map(|a| a.text.as_str());
                let from_type = self.proj.add_type(&from.event.text);
                let from_condition = from.condition.as_ref().map(|e| self.expr(e, from_alias, None));
                let to = self.matcher(to, None, to_condition.as_ref(), from_alias);
                let bound = if let Val::Dur(d) = bound { d } else { 0 };
                let d = DelayStandard {
                    period: p.node,
                    func: func.node,
                    percentile: percentile.as_ref().map(|p| p.node),
                    from: from_type,
                    from_condition,
                    to,
                    op,
                    bound,
                };
                Some((Kind::Delay(d), None))
            }
            (ast::Group::Period(p), Measure::Share { event, .. }) => {
                let ty = self.proj.add_type(&event.event.text);
                let mut terms = vec![];
                for (sign, m) in
                    std::iter::once((ast::Sign::Plus, &a.measure)).chain(a.more.iter().map(|(s, m)| (s.node, m)))
                {
                    let Measure::Share { event, .. } = m else { return None };
                    let alias = event.alias.as_ref().map(|a| a.text.as_str());
                    terms.push((sign, event.condition.as_ref().map(|e| self.expr(e, alias, None))));
                }
                let bound = match bound {
                    Val::Percent(d) | Val::Dec(d) => d,
                    Val::Int(i) => Decimal::from(i),
                    _ => Decimal::ZERO,
                };
                Some((Kind::Share(ShareStandard { period: p.node, event: ty, terms, op, bound }), None))
            }
            (ast::Group::Period(p), Measure::Events { func, percentile, event, field: Some(field), .. })
                if func.node != ast::AggFn::Count =>
            {
                let alias = event.alias.as_ref().map(|a| a.text.as_str());
                let ty = self.proj.add_type(&event.event.text);
                let condition = event.condition.as_ref().map(|e| self.expr(e, alias, None));
                let f = PeriodField {
                    period: p.node,
                    func: func.node,
                    percentile: percentile.as_ref().map(|p| p.node),
                    event: ty,
                    condition,
                    field: self.proj.add_key(&field.text),
                    field_name: field.text.clone(),
                    op,
                    bound,
                };
                Some((Kind::PeriodField(f), None))
            }
            (ast::Group::Period(p), Measure::Events { event, .. }) => {
                let alias = event.alias.as_ref().map(|a| a.text.as_str());
                let ty = self.proj.add_type(&event.event.text);
                let condition = event.condition.as_ref().map(|e| self.expr(e, alias, None));
                Some((Kind::PeriodCount(PeriodCount { period: p.node, event: ty, condition, op, bound }), None))
            }
            (ast::Group::Keys(keys), Measure::Events { func, event, field, .. }) => {
                let alias = event.alias.as_ref().map(|a| a.text.as_str());
                let ty = self.proj.add_type(&event.event.text);
                let condition = event.condition.as_ref().map(|e| self.expr(e, alias, None));
                let keys = keys.iter().map(|k| self.proj.add_key(&k.text)).collect();
                let field = field.as_ref().map(|f| self.proj.add_key(&f.text));
                let a = Aggregate { keys, func: func.node, event: ty, condition, field, op, bound };
                Some((Kind::Aggregate(a), None))
            }
            // Shapes the checker rejects.
            _ => None,
        }
    }

    fn exceptions(&mut self, unlesses: &[&ast::Unless], anchor: Option<&str>) -> Exceptions {
        let mut out = Exceptions::default();
        let (mut conditions, mut events, mut prior) = (vec![], vec![], vec![]);
        for u in unlesses {
            match &u.kind {
                ast::UnlessKind::Condition(e) => {
                    out.conditions.push(self.expr(e, anchor, None));
                    conditions.push(u.span);
                }
                ast::UnlessKind::Event(m) => {
                    let mm =
                        self.matcher(std::slice::from_ref(&m.event), m.alias.as_ref(), m.condition.as_ref(), anchor);
                    out.events.push(mm);
                    events.push(u.span);
                }
                ast::UnlessKind::Prior(m, w) => {
                    let mm =
                        self.matcher(std::slice::from_ref(&m.event), m.alias.as_ref(), m.condition.as_ref(), anchor);
                    out.prior.push((mm, w.as_ref().map(|d| Window { amount: d.amount, unit: d.unit })));
                    prior.push(u.span);
                }
            }
        }
        out.spans = conditions.into_iter().chain(events).chain(prior).collect();
        out
    }

    /// `where [not] prior B ...` conditions, anchored on `anchor`.
    fn priors(&mut self, priors: &[ast::PriorCondition], anchor: Option<&str>) -> Vec<PriorCond> {
        priors
            .iter()
            .map(|p| PriorCond {
                matcher: self.matcher(
                    std::slice::from_ref(&p.event.event),
                    p.event.alias.as_ref(),
                    p.event.condition.as_ref(),
                    anchor,
                ),
                within: p.within.as_ref().map(|d| Window { amount: d.amount, unit: d.unit }),
                negated: p.negated,
            })
            .collect()
    }

    /// Event types with a condition correlating them to the anchor.
    fn matcher(
        &mut self,
        events: &[ast::Name],
        alias: Option<&ast::Name>,
        cond: Option<&Expr>,
        anchor: Option<&str>,
    ) -> Match {
        let types = events.iter().map(|e| self.proj.add_type(&e.text)).collect();
        let corr = match cond {
            Some(e) => split(self.expr(e, alias.map(|a| a.text.as_str()), anchor)),
            None => Corr::default(),
        };
        Match { types, corr }
    }

    /// A remedy whose amounts read the instance's event, named `alias`.
    fn remedy(&mut self, m: &ast::Remedy, alias: Option<&str>) -> Remedy {
        let terms = m
            .terms
            .iter()
            .map(|t| {
                let mut rates = vec![];
                let mut amount = self.expr(&t.amount, alias, None);
                let mut covered = 0u64;
                for tier in &t.tiers {
                    let units = tier.after.node.saturating_sub(covered);
                    covered = tier.after.node;
                    let next = self.expr(&tier.amount, alias, None);
                    rates.push((std::mem::replace(&mut amount, next), Some(units)));
                }
                rates.push((amount, None));
                RemedyTerm { rates, per: t.per.as_ref().map(|p| p.node) }
            })
            .collect();
        Remedy { terms, cap: m.cap.as_ref().map(|c| self.expr(c, alias, None)) }
    }

    /// The log schema: declared fields of the events the policy uses.
    fn schema(&mut self) {
        for events in self.analysis.scope.events.values() {
            for (name, info) in events {
                for f in &info.decl.fields {
                    let kind = match f.ty.name.as_str() {
                        "id" => FieldKind::Id,
                        "text" => FieldKind::Text,
                        "int" => FieldKind::Int,
                        "decimal" => FieldKind::Decimal,
                        "money" => FieldKind::Money(f.ty.currency.clone()),
                        "bool" => FieldKind::Bool,
                        "duration" => FieldKind::Duration,
                        "time" => FieldKind::Time,
                        "date" => FieldKind::Date,
                        _ => continue,
                    };
                    self.proj.schema.entry((name.as_str().into(), f.name.text.as_str().into())).or_insert(kind);
                }
            }
        }
    }

    fn resolve_rates(&mut self) {
        let index: Vec<(usize, String)> = self.rules.iter().map(|(r, _)| (r.jurisdiction, r.name.clone())).collect();
        for (rule, target) in &mut self.rules {
            if let (Kind::Rate(rate), Some(t)) = (&mut rule.kind, target) {
                rate.target = index.iter().position(|(j, n)| *j == rule.jurisdiction && n == t).unwrap_or(usize::MAX);
            }
        }
    }
}

/// The time zone and business calendar of a jurisdiction whose chain
/// (root first) is `chain`: the nearest header that names them. Works on a
/// policy set with errors too (the REPL computes dates with it).
pub fn zone_and_calendar(
    scope: &crate::check::Scope,
    chain: &[&crate::check::scope::JurisdictionInfo],
) -> (chrono_tz::Tz, Calendar, Option<String>) {
    let tz = chain
        .iter()
        .rev()
        .find_map(|j| j.decl.timezone.as_ref())
        .and_then(|t| t.value.parse().ok())
        .unwrap_or(chrono_tz::UTC);
    let calendar_name = chain.iter().rev().find_map(|j| j.decl.calendar.as_ref()).map(|c| c.text.clone());
    let calendar = calendar_name
        .as_deref()
        .and_then(|c| Calendar::resolve(c, &|n| scope.calendars.get(n).map(|i| &i.decl)).ok())
        .unwrap_or_else(Calendar::weekends_only);
    (tz, calendar, calendar_name)
}

/// A duration parameter's windows by local date.
fn window_schedule(d: &ast::ParameterDecl) -> WindowSchedule {
    let entries = schedule(d)
        .entries
        .into_iter()
        .zip(&d.entries)
        .filter_map(|(dated, e)| match e.value {
            Literal::Duration(amount, unit) => Some((dated.from, dated.until, Window { amount, unit })),
            _ => None,
        })
        .collect();
    WindowSchedule { name: d.name.text.clone(), entries }
}

/// A parameter's schedule as evaluated: its values by local date.
pub fn schedule(d: &ast::ParameterDecl) -> super::expr::Schedule {
    let mut entries: Vec<super::expr::Dated> = vec![];
    for (i, e) in d.entries.iter().enumerate() {
        let until = e.until.as_ref().map(|u| u.date).or_else(|| d.entries.get(i + 1).map(|n| n.from.date));
        entries.push(super::expr::Dated { from: e.from.date, until, value: literal(&e.value) });
    }
    super::expr::Schedule { name: d.name.text.clone(), entries }
}

/// The alias of the event a rule's instances are about: the trigger, or
/// the forbidden event.
fn subject_alias(r: &ast::RuleDecl) -> Option<&str> {
    r.clauses.iter().find_map(|c| match c {
        Clause::When(w) => w.alias.as_ref().map(|a| a.text.as_str()),
        Clause::Forbid(f) => f.event.alias.as_ref().map(|a| a.text.as_str()),
        _ => None,
    })
}
