//! Checking aggregates and period standards: what they measure (a rate of
//! a rule, a delay, events or a field, shares), the functions applied, the
//! keys grouped by, and the type of the bound.

use super::rules::{Bound, RuleChecker};
use super::scope::EventInfo;
use super::suggest::closest;
use super::types::{self, Ty};
use crate::diagnostics::Problem;
use crate::syntax::ast::{self, AggFn, Clause, ExprKind, Literal, Measure, Name};

impl RuleChecker<'_, '_> {
    pub(super) fn aggregate(&mut self, r: &ast::RuleDecl, a: &ast::Aggregate) {
        let bound_ty = self.measure(r, a, &a.measure);
        for (_, m) in &a.more {
            self.measure(r, a, m);
        }
        self.combination(a);
        let env = self.env(&[], &[]);
        let found = types::expr(&env, &a.bound, self.diags);
        let shares = matches!(a.measure, Measure::Share { .. });
        let percent_bound = matches!(found, Ty::Percent);
        if let (Ty::Money(Some(x)), Ty::Money(Some(y))) = (&bound_ty, &found) {
            if x != y {
                self.push(Problem::CurrencyMismatch { left: x.clone(), right: y.clone() }, a.bound.span);
            }
        } else if shares && matches!(found, Ty::Int | Ty::Decimal) {
            // A share is a percentage: `>= 80%`, never a bare number.
            let p = Problem::TypeMismatch { expected: Ty::Percent.to_string(), found: found.to_string() };
            self.push(p, a.bound.span);
        } else if percent_bound && !matches!(bound_ty, Ty::Percent | Ty::Unknown) {
            // A percentage is the bound of a rate or a share only.
            let p = Problem::TypeMismatch { expected: bound_ty.to_string(), found: found.to_string() };
            self.push(p, a.bound.span);
        } else {
            types::expect(self.file, &bound_ty, &found, a.bound.span, self.diags);
        }
        if let ExprKind::Lit(Literal::Percent(p)) = &a.bound.kind {
            let low = if a.more.is_empty() { rust_decimal::Decimal::ZERO } else { -rust_decimal::Decimal::ONE_HUNDRED };
            if *p < low || *p > rust_decimal::Decimal::ONE_HUNDRED {
                let range = if a.more.is_empty() { "0% to 100%" } else { "-100% to 100%" };
                self.push(Problem::OutOfRange { text: format!("{p}%"), range }, a.bound.span);
            }
        }
    }

    /// Measures added or subtracted must be shares of one event type.
    fn combination(&mut self, a: &ast::Aggregate) {
        if a.more.is_empty() {
            return;
        }
        let first = match &a.measure {
            Measure::Share { event, .. } => Some(&event.event),
            _ => None,
        };
        for m in a.measures() {
            match (m, first) {
                (Measure::Share { event, .. }, Some(f)) if event.event.text != f.text => {
                    let reason = format!(
                        "of `{}` cannot be combined with a share of `{}`: shares added or subtracted must count one event type",
                        event.event.text, f.text
                    );
                    self.push(Problem::BadMeasure { func: "share".into(), reason }, event.event.span);
                }
                (Measure::Share { .. }, _) => {}
                (other, _) => {
                    let func = match other {
                        Measure::Rate { .. } => "rate".to_string(),
                        Measure::Delay { func, .. } | Measure::Events { func, .. } => func.node.as_str().to_string(),
                        Measure::Share { .. } => "share".to_string(),
                    };
                    let reason = "cannot be added or subtracted: only shares of one event type can, e.g. `share(E where x >= 9) - share(E where x <= 6)`".into();
                    self.push(Problem::BadMeasure { func, reason }, other.span());
                }
            }
        }
    }

    /// Checks one measure; the type its bound must have.
    fn measure(&mut self, r: &ast::RuleDecl, a: &ast::Aggregate, measure: &Measure) -> Ty {
        match measure {
            Measure::Rate { rule, span } => {
                if let ast::Group::Keys(_) = a.group {
                    let hint = "rates are taken `per month`, `per quarter` or `per year`";
                    self.shape(&r.name, *span, "takes a rate per key", hint);
                }
                self.rate_target(rule);
                Ty::Percent
            }
            Measure::Delay { func, percentile, from, to, to_condition, .. } => {
                self.delay_fn(func, percentile);
                let bound: Vec<Bound> = self.bind(&from.alias, std::slice::from_ref(&from.event)).into_iter().collect();
                self.condition(&from.condition, &bound, std::slice::from_ref(&from.event));
                self.condition(to_condition, &bound, to);
                self.group_keys(&a.group, &from.event);
                Ty::Duration
            }
            Measure::Share { event, span } => {
                if let ast::Group::Keys(_) = a.group {
                    let hint = "shares are taken `per month`, `per quarter` or `per year`";
                    self.shape(&r.name, *span, "takes a share per key", hint);
                }
                let bound: Vec<Bound> =
                    self.bind(&event.alias, std::slice::from_ref(&event.event)).into_iter().collect();
                self.condition(&event.condition, &bound, std::slice::from_ref(&event.event));
                Ty::Percent
            }
            Measure::Events { func, percentile, event, field, .. } => {
                let info = self.event(&event.event);
                let bound: Vec<Bound> =
                    self.bind(&event.alias, std::slice::from_ref(&event.event)).into_iter().collect();
                self.condition(&event.condition, &bound, std::slice::from_ref(&event.event));
                self.group_keys(&a.group, &event.event);
                let per_period = matches!(a.group, ast::Group::Period(_));
                self.events_fn(func, percentile, field, &event.event, info, per_period)
            }
        }
    }

    fn rate_target(&mut self, rule: &Name) {
        let Some(jur) = self.jur else { return };
        match self.scope.find_rule(jur, &rule.text) {
            None => {
                let suggestion = closest(&rule.text, self.scope.rule_names(jur));
                self.push(Problem::UnknownRule { name: rule.text.clone(), suggestion }, rule.span);
            }
            Some((_, target)) => {
                let has_instances = target.clauses.iter().any(|c| matches!(c, Clause::When(_) | Clause::Forbid(_)));
                if !has_instances {
                    self.push(Problem::RateOfWrongRule { rule: rule.text.clone() }, rule.span);
                }
            }
        }
    }

    fn delay_fn(&mut self, func: &ast::Spanned<AggFn>, percentile: &Option<ast::Spanned<rust_decimal::Decimal>>) {
        match (func.node, percentile) {
            (AggFn::Average | AggFn::Min | AggFn::Max, None) => {}
            (AggFn::Percentile, Some(p)) => {
                if p.node <= rust_decimal::Decimal::ZERO || p.node > rust_decimal::Decimal::ONE_HUNDRED {
                    self.push(Problem::OutOfRange { text: p.node.to_string(), range: "above 0 up to 100" }, p.span);
                }
            }
            (AggFn::Percentile, None) => {
                let reason = "needs the percentile first: `percentile(90, delay from ...)`".into();
                self.push(Problem::BadMeasure { func: "percentile".into(), reason }, func.span);
            }
            (f, Some(p)) if f != AggFn::Percentile => {
                let reason = "takes no number; only `percentile` does".into();
                self.push(Problem::BadMeasure { func: f.as_str().into(), reason }, p.span);
            }
            (f, _) => {
                let reason = "does not apply to a delay; use average, percentile, min or max".into();
                self.push(Problem::BadMeasure { func: f.as_str().into(), reason }, func.span);
            }
        }
    }

    fn events_fn(
        &mut self,
        func: &ast::Spanned<AggFn>,
        percentile: &Option<ast::Spanned<rust_decimal::Decimal>>,
        field: &Option<Name>,
        event: &Name,
        info: Option<&EventInfo>,
        per_period: bool,
    ) -> Ty {
        let name = func.node.as_str().to_string();
        match (func.node, percentile) {
            (AggFn::Percentile, Some(p)) => {
                if p.node <= rust_decimal::Decimal::ZERO || p.node > rust_decimal::Decimal::ONE_HUNDRED {
                    self.push(Problem::OutOfRange { text: p.node.to_string(), range: "above 0 up to 100" }, p.span);
                }
                if !per_period {
                    let reason = "is taken per period: `per month: percentile(90, E.field) <= N`".into();
                    self.push(Problem::BadMeasure { func: name.clone(), reason }, func.span);
                }
            }
            (AggFn::Percentile, None) => {
                let reason = format!("needs the percentile first: `percentile(90, {}.FIELD)`", event.text);
                self.push(Problem::BadMeasure { func: name, reason }, func.span);
                return Ty::Unknown;
            }
            (_, Some(p)) => {
                let reason = "takes no number; only `percentile` does".into();
                self.push(Problem::BadMeasure { func: name.clone(), reason }, p.span);
            }
            _ => {}
        }
        match (func.node, field) {
            (AggFn::Count, None) => Ty::Int,
            (AggFn::Count, Some(f)) => {
                let reason = format!("counts events: write `count({})`", event.text);
                self.push(Problem::BadMeasure { func: name, reason }, f.span);
                Ty::Int
            }
            (_, None) => {
                let reason = format!("needs a field: `{name}({}.FIELD)`", event.text);
                self.push(Problem::BadMeasure { func: name, reason }, func.span);
                Ty::Unknown
            }
            (f, Some(field)) => {
                let ty = match info {
                    None => Ty::Unknown,
                    Some(i) => match i.field(&field.text) {
                        Some(decl) => types::field_type(&decl.ty).unwrap_or(Ty::Unknown),
                        None => {
                            let s = closest(&field.text, i.decl.fields.iter().map(|f| f.name.text.as_str()));
                            self.diags.push(types::unknown_field(self.file, &event.text, field, s));
                            Ty::Unknown
                        }
                    },
                };
                if f == AggFn::Distinct {
                    return Ty::Int;
                }
                if !matches!(ty, Ty::Int | Ty::Decimal | Ty::Money(_) | Ty::Duration | Ty::Unknown) {
                    let reason = format!("needs a numeric field, `{}` is {ty}", field.text);
                    self.push(Problem::BadMeasure { func: name, reason }, field.span);
                    return Ty::Unknown;
                }
                ty
            }
        }
    }

    fn group_keys(&mut self, group: &ast::Group, event: &Name) {
        let ast::Group::Keys(keys) = group else { return };
        let Some(info) = self.event(event) else { return };
        for k in keys {
            if info.field(&k.text).is_none() {
                let s = closest(&k.text, info.decl.fields.iter().map(|f| f.name.text.as_str()));
                self.diags.push(types::unknown_field(self.file, &event.text, k, s));
            }
        }
    }
}
