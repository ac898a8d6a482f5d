//! Checking rules: their shape (obligation, precedence, prohibition,
//! aggregate, period standard), overrides, and every clause; aggregates are
//! checked in `aggregates`, deadline clauses and remedies in `clauses`.

use super::jurisdictions::in_force;
use super::scope::{EventInfo, Scope};
use super::suggest::closest;
use super::types::{self, Env};
use crate::diagnostics::{Diagnostic, Problem};
use crate::span::{FileId, Span};
use crate::syntax::ast::{self, Clause, DurationLit, Expr, ExprKind, Item, Literal, Measure, Name};
use crate::workspace::Workspace;

/// Checks every rule of the workspace.
pub fn check(ws: &Workspace, scope: &Scope, diags: &mut Vec<Diagnostic>) {
    // Every name a `rate(...)` takes, anywhere: a measure none names counts nowhere.
    let rated: std::collections::HashSet<&str> = ws
        .units
        .iter()
        .flat_map(|u| &u.ast.items)
        .filter_map(|i| if let Item::Rule(r) = i { Some(r) } else { None })
        .flat_map(|r| &r.clauses)
        .filter_map(|c| if let Clause::Aggregate(a) = c { Some(a) } else { None })
        .flat_map(|a| a.measures())
        .filter_map(|m| if let Measure::Rate { rule, .. } = m { Some(rule.text.as_str()) } else { None })
        .collect();
    for unit in &ws.units {
        for item in &unit.ast.items {
            if let Item::Rule(r) = item {
                if r.measure && !rated.contains(r.name.text.as_str()) {
                    let problem = Problem::UnusedMeasure { rule: r.name.text.clone() };
                    diags.push(Diagnostic::new(problem, unit.id, r.name.span));
                }
            }
        }
    }
    for unit in &ws.units {
        let jur = scope.file_jurisdiction.get(&unit.id).map(String::as_str);
        for item in &unit.ast.items {
            if let Item::Rule(r) = item {
                RuleChecker { file: unit.id, jur, scope, diags: &mut *diags }.rule(r);
            }
        }
    }
}

/// An alias with its event type: what `Env::aliases` holds.
pub(super) type Bound<'a> = (Name, String, Option<&'a EventInfo>);

/// Checks one rule, with what names mean in its file.
pub(super) struct RuleChecker<'a, 'd> {
    pub(super) file: FileId,
    pub(super) jur: Option<&'a str>,
    pub(super) scope: &'a Scope,
    pub(super) diags: &'d mut Vec<Diagnostic>,
}

impl<'a> RuleChecker<'a, '_> {
    pub(super) fn push(&mut self, problem: Problem, span: Span) {
        self.diags.push(Diagnostic::new(problem, self.file, span));
    }

    pub(super) fn shape(&mut self, rule: &Name, span: Span, reason: &str, hint: &str) {
        let problem = Problem::RuleShape { rule: rule.text.clone(), reason: reason.into(), hint: hint.into() };
        self.push(problem, span);
    }

    fn rule(&mut self, r: &ast::RuleDecl) {
        self.inheritance(r);
        if r.cites.is_none() {
            self.push(Problem::MissingCitation { rule: r.name.text.clone() }, r.name.span);
        }
        if let Some(f) = &r.in_force {
            in_force(self.file, f, self.diags);
        }
        self.body(r);
        super::params::coverage(self.file, self.scope, r, self.days_in_force(r), self.diags);
    }

    /// The days `[from, until)` the rule is in force: its own dates within
    /// its jurisdiction's (the nearest header in the chain that has some).
    fn days_in_force(&self, r: &ast::RuleDecl) -> (Option<chrono::NaiveDate>, Option<chrono::NaiveDate>) {
        let jur_force = self.jur.and_then(|j| {
            let own = self.scope.jurisdictions.get(j)?;
            std::iter::once(own).chain(self.scope.ancestors(j)).find_map(|i| i.decl.in_force.as_ref())
        });
        let mut from = jur_force.map(|f| f.from.date);
        let mut until = jur_force.and_then(|f| f.until.as_ref().map(|u| u.date));
        if let Some(f) = &r.in_force {
            from = Some(from.map_or(f.from.date, |d| d.max(f.from.date)));
            if let Some(u) = &f.until {
                until = Some(until.map_or(u.date, |d| d.min(u.date)));
            }
        }
        (from, until)
    }

    /// `override` must replace a parent's rule; a plain rule must not.
    fn inheritance(&mut self, r: &ast::RuleDecl) {
        let Some(jur) = self.jur else { return };
        let Some(info) = self.scope.jurisdictions.get(jur) else { return };
        let ancestors = self.scope.ancestors(jur);
        let inherited = ancestors.iter().find_map(|a| a.rules.get(&r.name.text).map(|x| (a, x)));
        match (&info.decl.extends, r.is_override, inherited) {
            (None, true, _) => self.push(Problem::OverrideWithoutParent { rule: r.name.text.clone() }, r.name.span),
            (Some(parent), true, None) => {
                let names = ancestors.iter().flat_map(|a| a.rules.keys().map(String::as_str));
                let suggestion = closest(&r.name.text, names);
                let problem =
                    Problem::OverrideMissing { rule: r.name.text.clone(), parent: parent.text.clone(), suggestion };
                self.push(problem, r.name.span);
            }
            (_, false, Some((a, (pfile, prule)))) => {
                let d = Diagnostic::new(
                    Problem::SilentShadowing { rule: r.name.text.clone(), parent: a.decl.name.text.clone() },
                    self.file,
                    r.name.span,
                )
                .with_related(*pfile, prule.name.span, "the inherited rule");
                self.diags.push(d);
            }
            _ => {}
        }
    }

    /// Resolves every event name of the rule, whatever its shape, so that a
    /// misshapen rule still reports misspelled events and marks uses.
    fn resolve_all(&mut self, r: &ast::RuleDecl) {
        let mut names: Vec<&Name> = vec![];
        for c in &r.clauses {
            match c {
                Clause::When(w) => {
                    names.push(&w.event);
                    names.extend(w.priors.iter().map(|p| &p.event.event));
                }
                Clause::Extend(x) => names.push(&x.event.event),
                Clause::Require(q) => {
                    names.extend(&q.events);
                    names.extend(q.before.as_ref().map(|b| &b.event));
                    names.extend(q.every.as_ref().map(|e| &e.until.event));
                }
                Clause::Unless(u) => match &u.kind {
                    ast::UnlessKind::Event(m) | ast::UnlessKind::Prior(m, _) => names.push(&m.event),
                    ast::UnlessKind::Condition(_) => {}
                },
                Clause::Forbid(f) => {
                    names.push(&f.event.event);
                    names.extend(f.priors.iter().map(|p| &p.event.event));
                }
                Clause::Aggregate(a) => {
                    for m in a.measures() {
                        match m {
                            Measure::Delay { from, to, .. } => {
                                names.push(&from.event);
                                names.extend(to);
                            }
                            Measure::Events { event, .. } | Measure::Share { event, .. } => names.push(&event.event),
                            Measure::Rate { .. } => {}
                        }
                    }
                }
                Clause::Remedy(_) => {}
            }
        }
        for n in names {
            self.resolve(n);
        }
    }

    fn body(&mut self, r: &ast::RuleDecl) {
        self.resolve_all(r);
        let mut whens = vec![];
        let mut requires = vec![];
        let mut unlesses = vec![];
        let mut forbids = vec![];
        let mut remedies = vec![];
        let mut aggregates = vec![];
        let mut extends = vec![];
        for c in &r.clauses {
            match c {
                Clause::When(w) => whens.push(w),
                Clause::Require(q) => requires.push(q),
                Clause::Unless(u) => unlesses.push(u),
                Clause::Forbid(f) => forbids.push(f),
                Clause::Remedy(m) => remedies.push(m),
                Clause::Aggregate(a) => aggregates.push(a),
                Clause::Extend(x) => extends.push(x),
            }
        }
        let obligation = !whens.is_empty() && requires.first().is_some_and(|q| !q.prior);
        let recurring = requires.first().is_some_and(|q| q.every.is_some());
        for x in &extends {
            if !obligation {
                let hint = "an extension moves the deadline of a `when ... require ... within D`; remove it here";
                self.shape(&r.name, x.span, "has `extended by` outside an obligation", hint);
            } else if recurring {
                let hint = "a recurring duty's windows are fixed: remove the extension, or write an obligation with `within D`";
                self.shape(&r.name, x.span, "has `extended by` in a recurring duty", hint);
            }
        }
        for f in &forbids {
            if let Some(w) = &f.within {
                self.push(Problem::WithinOnForbid, w.span);
            }
        }
        for extra in remedies.iter().skip(1) {
            self.push(Problem::DuplicateClause { what: "remedy" }, extra.span);
        }
        if r.measure {
            for m in &remedies {
                let reason = "owes no remedy".into();
                let hint =
                    "a measure's instances are never violations: remove the `remedy`, or declare a `rule`".into();
                self.push(Problem::MeasureMisuse { rule: r.name.text.clone(), reason, hint }, m.span);
            }
            for a in aggregates.iter().filter(|a| matches!(a.group, ast::Group::Period(_))) {
                let reason = "cannot be a period standard".into();
                let hint = "declare the standard with `rule`; a measure is what its `rate(...)` counts".into();
                self.push(Problem::MeasureMisuse { rule: r.name.text.clone(), reason, hint }, a.span);
            }
        }
        if r.clauses.is_empty() {
            let hint = "write `when EVENT as e require ...`, `forbid EVENT where ...` or `per KEY: count(EVENT) <= N`";
            return self.shape(&r.name, r.name.span, "has no clauses", hint);
        }
        if let Some(w) = whens.first() {
            for extra in whens.iter().skip(1) {
                self.shape(&r.name, extra.span, "has more than one `when`", "split it into one rule per trigger");
            }
            for a in &aggregates {
                self.shape(&r.name, a.span, "mixes `per` with `when`", "put the aggregate in a rule of its own");
            }
            let Some(req) = requires.first() else {
                let hint = "add `require EVENT where ... within DURATION`";
                return self.shape(&r.name, w.span, "has a `when` but no `require`", hint);
            };
            for extra in requires.iter().skip(1) {
                let hint = "list alternatives in one clause: `require A or B where ...`";
                self.shape(&r.name, extra.span, "has more than one `require`", hint);
            }
            self.obligation(r, w, req, &unlesses, &forbids, remedies.first().copied());
            return self.extensions(w, req, &extends);
        }
        if let Some(q) = requires.first() {
            let hint = "start the rule with `when TRIGGER as t`";
            return self.shape(&r.name, q.span, "has a `require` without a `when`", hint);
        }
        if let Some(f) = forbids.first() {
            for extra in forbids.iter().skip(1) {
                self.shape(&r.name, extra.span, "has more than one `forbid`", "write one rule per prohibition");
            }
            for a in &aggregates {
                self.shape(&r.name, a.span, "mixes `per` with `forbid`", "put the aggregate in a rule of its own");
            }
            return self.prohibition(r, f, &unlesses, remedies.first().copied());
        }
        if let Some(a) = aggregates.first() {
            for extra in aggregates.iter().skip(1) {
                self.shape(&r.name, extra.span, "has more than one `per` clause", "write one rule per aggregate");
            }
            for u in &unlesses {
                let hint = "filter the measured events with `where` instead";
                self.shape(&r.name, u.span, "has an `unless` in an aggregate", hint);
            }
            if let Some(m) = remedies.first() {
                self.remedy(r, m, &[], &[], false);
            }
            return self.aggregate(r, a);
        }
        let hint = "add `when ... require ...`, `forbid ...` or `per ...`";
        self.shape(&r.name, r.name.span, "has no `when`, `forbid` or `per` clause", hint);
    }

    // ------------------------------------------------------------ helpers

    /// The declaration of an event type, without reporting or recording.
    pub(super) fn event(&self, name: &Name) -> Option<&'a EventInfo> {
        self.scope.events.get(&self.file)?.get(&name.text)
    }

    /// Resolves an event type, reporting an unknown one.
    pub(super) fn resolve(&mut self, name: &Name) -> Option<&'a EventInfo> {
        self.scope.event(self.file, name, self.diags)
    }

    pub(super) fn bind(&mut self, alias: &Option<Name>, events: &[Name]) -> Option<Bound<'a>> {
        let first = events.first()?;
        let info = if events.len() == 1 { self.event(first) } else { None };
        alias.as_ref().map(|a| (a.clone(), first.text.clone(), info))
    }

    pub(super) fn env(&self, aliases: &[Bound<'a>], current: &[Name]) -> Env<'a> {
        let current = current.iter().map(|n| (n.text.clone(), self.event(n))).collect();
        Env { file: self.file, aliases: aliases.to_vec(), current, params: self.scope.params.get(&self.file) }
    }

    pub(super) fn condition(&mut self, cond: &Option<Expr>, aliases: &[Bound<'a>], current: &[Name]) {
        if let Some(c) = cond {
            let env = self.env(aliases, current);
            types::condition(&env, c, self.diags);
        }
    }

    pub(super) fn duration(&mut self, d: &DurationLit) {
        let text = format!("{} {}", d.amount, d.unit.as_str(d.amount != 1));
        if d.amount <= 0 {
            self.push(Problem::NonPositiveDuration { text }, d.span);
        } else if d.amount > d.unit.max_amount() {
            self.push(Problem::DurationTooLong { text }, d.span);
        }
    }

    pub(super) fn no_alias_clash(&mut self, aliases: &[Bound<'a>]) {
        for (i, (a, _, _)) in aliases.iter().enumerate() {
            if let Some((prev, _, _)) = aliases[..i].iter().find(|(p, _, _)| p.text == a.text) {
                let d = super::scope::duplicate("alias", a, self.file, self.file, prev.span);
                self.diags.push(d);
            }
        }
    }

    // ------------------------------------------------------------ shapes

    fn obligation(
        &mut self,
        r: &ast::RuleDecl,
        w: &ast::When,
        req: &ast::Require,
        unlesses: &[&ast::Unless],
        forbids: &[&ast::Forbid],
        remedy: Option<&ast::Remedy>,
    ) {
        let trigger: Vec<Bound> = self.bind(&w.alias, std::slice::from_ref(&w.event)).into_iter().collect();
        self.condition(&w.condition, &trigger, std::slice::from_ref(&w.event));
        self.priors(&w.priors, &trigger);

        let mut with_req = trigger.clone();
        with_req.extend(self.bind(&req.alias, &req.events));
        self.no_alias_clash(&with_req);
        self.condition(&req.condition, &with_req, &req.events);
        if let Some(d) = &req.within {
            self.duration(d);
        }
        if let Some(n) = &req.within_param {
            self.duration_param(n);
        }
        if let Some(by) = &req.by {
            self.by_date(by, &trigger);
            if req.prior {
                let hint = "a precedence looks back: use `within D` for its window";
                self.shape(&r.name, by.span, "has `by` on a `require prior`", hint);
            }
        }
        if let (Some(roll), true) = (req.roll.map(|r| r.span), req.prior) {
            let hint = "a precedence has no deadline to roll; remove `ending on a business day`";
            self.shape(&r.name, roll, "rolls the window of a `require prior`", hint);
        }
        if let Some(b) = &req.before {
            self.condition(&b.condition, &trigger, std::slice::from_ref(&b.event));
            if req.prior {
                let hint = "a precedence looks back: use `within D` for its window";
                self.shape(&r.name, b.span, "has `before` on a `require prior`", hint);
            }
        }
        if let Some(e) = &req.every {
            self.duration(&e.every);
            self.condition(&e.until.condition, &trigger, std::slice::from_ref(&e.until.event));
            if req.prior
                || req.within.is_some()
                || req.within_param.is_some()
                || req.by.is_some()
                || req.before.is_some()
            {
                let hint = "a recurring duty's deadline is its window: drop `within`/`before`, or write two rules";
                self.shape(&r.name, e.span, "has `every` with another deadline", hint);
            }
            for u in unlesses.iter().filter(|u| matches!(u.kind, ast::UnlessKind::Event(_))) {
                let hint = "end the duty with `until EVENT`, or exempt its trigger with `unless cond` / `unless prior`";
                self.shape(&r.name, u.span, "has `unless EVENT` in a recurring duty", hint);
            }
            for f in forbids {
                let hint = "put the prohibition in a rule of its own";
                self.shape(&r.name, f.span, "has a `forbid` in a recurring duty", hint);
            }
        }
        let within = req.within.is_some() || req.within_param.is_some();
        if !req.prior && !within && req.by.is_none() && req.before.is_none() && req.every.is_none() {
            let hint = "add `within 7 days`, `before EVENT where ...`, or both joined by `or`";
            self.shape(&r.name, req.span, "has a `require` without a deadline", hint);
        }
        if req.prior {
            // A precedence is judged at its trigger: nothing is ever open.
            for u in unlesses.iter().filter(|u| matches!(u.kind, ast::UnlessKind::Event(_))) {
                let hint = "a precedence is judged at once; write `unless prior EVENT where ...`";
                self.shape(&r.name, u.span, "has `unless EVENT` in a precedence", hint);
            }
            for f in forbids {
                let hint = "a precedence has no open window; put the prohibition in a rule of its own";
                self.shape(&r.name, f.span, "has a `forbid` in a precedence", hint);
            }
        }
        self.unlesses(r, unlesses, &trigger, w.condition.as_ref(), true);
        for f in forbids.iter().filter(|_| !req.prior) {
            if !f.while_open {
                let hint = "write `forbid ... while open` to forbid it until the obligation is met";
                self.shape(&r.name, f.span, "has a `forbid` in an obligation without `while open`", hint);
            }
            if let Some(p) = f.priors.first() {
                let hint = "put the earlier-event condition on the trigger: `when A as a where prior B ...`";
                self.shape(&r.name, p.span, "has `prior` on a `forbid ... while open`", hint);
            }
            let mut scope = trigger.clone();
            scope.extend(self.bind(&f.event.alias, std::slice::from_ref(&f.event.event)));
            self.no_alias_clash(&scope);
            self.condition(&f.event.condition, &scope, std::slice::from_ref(&f.event.event));
        }
        if let Some(m) = remedy {
            let has_deadline = (within || req.by.is_some()) && !req.prior && req.every.is_none();
            self.remedy(r, m, &trigger, std::slice::from_ref(&w.event), has_deadline);
        }
    }

    fn prohibition(
        &mut self,
        r: &ast::RuleDecl,
        f: &ast::Forbid,
        unlesses: &[&ast::Unless],
        remedy: Option<&ast::Remedy>,
    ) {
        if f.while_open {
            let hint = "`while open` belongs in a `when ... require ...` rule; remove it here";
            self.shape(&r.name, f.span, "uses `while open` without an obligation", hint);
        }
        let bound: Vec<Bound> = self.bind(&f.event.alias, std::slice::from_ref(&f.event.event)).into_iter().collect();
        self.condition(&f.event.condition, &bound, std::slice::from_ref(&f.event.event));
        self.priors(&f.priors, &bound);
        self.unlesses(r, unlesses, &bound, f.event.condition.as_ref(), false);
        if let Some(m) = remedy {
            self.remedy(r, m, &bound, std::slice::from_ref(&f.event.event), false);
        }
    }

    fn unlesses(
        &mut self,
        r: &ast::RuleDecl,
        unlesses: &[&ast::Unless],
        outer: &[Bound<'a>],
        trigger_condition: Option<&Expr>,
        in_obligation: bool,
    ) {
        let current: Vec<Name> =
            outer.iter().map(|(a, e, _)| Name { text: e.clone(), quoted: false, span: a.span }).collect();
        for (i, u) in unlesses.iter().enumerate() {
            match &u.kind {
                ast::UnlessKind::Condition(c) => {
                    self.condition(&Some(c.clone()), outer, &current);
                    if let Some(reason) = unreachable_condition(c, trigger_condition) {
                        self.push(Problem::UnreachableUnless { reason }, u.span);
                    }
                }
                ast::UnlessKind::Event(m) | ast::UnlessKind::Prior(m, _) => {
                    if !in_obligation && matches!(u.kind, ast::UnlessKind::Event(_)) {
                        let hint = "write `unless prior EVENT where ...` for an exception that happened before";
                        self.shape(&r.name, u.span, "has `unless EVENT` in a prohibition", hint);
                    }
                    let mut scope = outer.to_vec();
                    scope.extend(self.bind(&m.alias, std::slice::from_ref(&m.event)));
                    self.no_alias_clash(&scope);
                    self.condition(&m.condition, &scope, std::slice::from_ref(&m.event));
                    if let ast::UnlessKind::Prior(_, Some(d)) = &u.kind {
                        self.duration(d);
                    }
                }
            }
            if unlesses[..i].iter().any(|prev| ast::same_modulo_spans(&prev.kind, &u.kind)) {
                self.push(Problem::UnreachableUnless { reason: "it repeats an earlier `unless`".into() }, u.span);
            }
        }
    }
}

/// Why an `unless` condition can never hold, if it cannot.
fn unreachable_condition(c: &Expr, trigger_condition: Option<&Expr>) -> Option<String> {
    let c = strip_parens(c);
    if let ExprKind::Lit(Literal::Bool(false)) = c.kind {
        return Some("its condition is always false".into());
    }
    let (subject, value) = equality(c)?;
    let mut conjuncts = vec![];
    if let Some(t) = trigger_condition {
        collect_conjuncts(t, &mut conjuncts);
    }
    for conj in conjuncts {
        if let Some((s2, v2)) = equality(conj) {
            if ast::same_modulo_spans(subject, s2) && !ast::same_modulo_spans(value, v2) {
                return Some("the `when` clause already requires a different value".into());
            }
        }
    }
    None
}

fn strip_parens(e: &Expr) -> &Expr {
    match &e.kind {
        ExprKind::Paren(inner) => strip_parens(inner),
        _ => e,
    }
}

/// `subject == literal` (either side), if `e` is one.
fn equality(e: &Expr) -> Option<(&ExprKind, &Literal)> {
    let ExprKind::Binary(ast::BinOp::Cmp(ast::CmpOp::Eq), l, r) = &strip_parens(e).kind else { return None };
    match (&strip_parens(l).kind, &strip_parens(r).kind) {
        (ExprKind::Lit(v), s) | (s, ExprKind::Lit(v)) if !matches!(s, ExprKind::Lit(_)) => Some((s, v)),
        _ => None,
    }
}

fn collect_conjuncts<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    match &strip_parens(e).kind {
        ExprKind::Binary(ast::BinOp::And, l, r) => {
            collect_conjuncts(l, out);
            collect_conjuncts(r, out);
        }
        _ => out.push(strip_parens(e)),
    }
}
