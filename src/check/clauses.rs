//! Checking the clauses around a deadline and what a violation owes: a
//! duration parameter as the window, conditions on earlier events, dates
//! carried by the trigger, extensions, and remedies.

use super::rules::{Bound, RuleChecker};
use super::suggest::closest;
use super::types::{self, Ty};
use crate::diagnostics::{Diagnostic, Problem};
use crate::span::Span;
use crate::syntax::ast::{self, ExprKind, Name};

impl<'a> RuleChecker<'a, '_> {
    /// `within NAME`: a duration parameter visible here.
    pub(super) fn duration_param(&mut self, n: &Name) {
        let params = self.scope.params.get(&self.file);
        match params.and_then(|p| p.get(&n.text)) {
            Some(p) => {
                let t = super::params::param_type(p);
                if t != Ty::Duration {
                    let problem = Problem::TypeMismatch { expected: "a duration".into(), found: t.to_string() };
                    self.push(problem, n.span);
                }
            }
            None => {
                let names = params.map(|p| p.keys().map(String::as_str).collect::<Vec<_>>()).unwrap_or_default();
                let suggestion = closest(&n.text, names);
                let d = Diagnostic::new(
                    Problem::UnknownParameter { name: n.text.clone(), suggestion: suggestion.clone() },
                    self.file,
                    n.span,
                )
                .with_suggested(n.span, suggestion);
                self.diags.push(d);
            }
        }
    }

    /// `where [not] prior B where ... within D` on the event bound in `outer`.
    pub(super) fn priors(&mut self, priors: &[ast::PriorCondition], outer: &[Bound<'a>]) {
        for p in priors {
            let mut scope = outer.to_vec();
            scope.extend(self.bind(&p.event.alias, std::slice::from_ref(&p.event.event)));
            self.no_alias_clash(&scope);
            self.condition(&p.event.condition, &scope, std::slice::from_ref(&p.event.event));
            if let Some(d) = &p.within {
                self.duration(d);
            }
        }
    }

    /// `by x.field`: a date or time field of the trigger.
    pub(super) fn by_date(&mut self, by: &ast::ByDate, trigger: &[Bound<'a>]) {
        let env = self.env(trigger, &[]);
        let t = types::expr(&env, &by.expr, self.diags);
        let member =
            matches!(&by.expr.kind, ExprKind::Member(base, _) if trigger.iter().any(|(a, ..)| a.text == base.text));
        if !member || !matches!(t, Ty::Date | Ty::Time | Ty::Unknown) {
            let expected = "a date or time field of the trigger, like `r.requested_date`".to_string();
            let found = if member { t.to_string() } else { "an expression that is not a trigger field".to_string() };
            self.push(Problem::TypeMismatch { expected, found }, by.expr.span);
        }
    }

    /// `extended by D when E where ...` clauses of an obligation.
    pub(super) fn extensions(&mut self, w: &ast::When, req: &ast::Require, extends: &[&ast::Extend]) {
        if req.prior {
            return;
        }
        let trigger: Vec<Bound> = self.bind(&w.alias, std::slice::from_ref(&w.event)).into_iter().collect();
        for x in extends {
            self.duration(&x.amount);
            let mut scope = trigger.clone();
            scope.extend(self.bind(&x.event.alias, std::slice::from_ref(&x.event.event)));
            self.no_alias_clash(&scope);
            self.condition(&x.event.condition, &scope, std::slice::from_ref(&x.event.event));
        }
    }

    /// Every amount of a remedy is money of one currency; rates per unit
    /// late need a deadline; tiers keep the unit and count further.
    pub(super) fn remedy(
        &mut self,
        r: &ast::RuleDecl,
        m: &ast::Remedy,
        scope: &[Bound<'a>],
        current: &[Name],
        has_deadline: bool,
    ) {
        let env = self.env(scope, current);
        let mut currency: Option<(String, Span)> = None;
        let amounts = m.terms.iter().flat_map(|t| std::iter::once(&t.amount).chain(t.tiers.iter().map(|x| &x.amount)));
        for amount in amounts.chain(m.cap.as_ref()) {
            match types::expr(&env, amount, self.diags) {
                Ty::Money(Some(c)) => match &currency {
                    None => currency = Some((c, amount.span)),
                    Some((first, _)) if *first != c => {
                        let p = Problem::CurrencyMismatch { left: first.clone(), right: c };
                        self.push(p, amount.span);
                    }
                    Some(_) => {}
                },
                Ty::Money(None) | Ty::Unknown => {}
                other => {
                    let p = Problem::TypeMismatch { expected: "an amount of money".into(), found: other.to_string() };
                    self.push(p, amount.span);
                }
            }
        }
        for t in &m.terms {
            if let Some(per) = &t.per {
                if !has_deadline {
                    let hint = "lateness exists only for `require ... within D`; use a fixed amount";
                    self.shape(&r.name, per.span, "has a remedy per unit late but no deadline", hint);
                }
            }
            let mut last = 0;
            for tier in &t.tiers {
                if t.per.as_ref().is_some_and(|p| p.node != tier.per.node) {
                    let hint = "count every rate of one term in the same unit";
                    self.shape(&r.name, tier.per.span, "changes the unit within a tiered remedy", hint);
                }
                if tier.after.node <= last {
                    let reason = if last == 0 { "zero units" } else { "no more units than the tier before" };
                    let hint = "each `for the first N` counts from the first unit late and grows";
                    self.shape(&r.name, tier.after.span, &format!("has a tier after {reason}"), hint);
                }
                last = tier.after.node;
            }
        }
    }
}
