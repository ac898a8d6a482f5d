//! Dated parameters: a schedule of values by date, read at an instance's
//! time. The checker makes sure a schedule has one type, runs forward in
//! time without gaps or overlaps, and covers every day on which a rule that
//! reads it is in force, so that no instance can meet a day without a value.

use super::scope::{ParamInfo, Scope};
use super::types::{literal_type, Ty};
use crate::diagnostics::{Diagnostic, Problem};
use crate::span::FileId;
use crate::syntax::ast::{self, Clause, Expr, ExprKind, Item, Measure, Name, UnlessKind};
use crate::workspace::Workspace;
use chrono::NaiveDate;

/// Checks every parameter declared in the workspace.
pub fn check(ws: &Workspace, diags: &mut Vec<Diagnostic>) {
    for unit in &ws.units {
        for item in &unit.ast.items {
            if let Item::Parameter(d) = item {
                declaration(unit.id, d, diags);
            }
        }
    }
}

fn declaration(file: FileId, d: &ast::ParameterDecl, diags: &mut Vec<Diagnostic>) {
    let name = d.name.text.clone();
    let Some(first) = d.entries.first() else {
        diags.push(Diagnostic::new(Problem::ParamEmpty { name }, file, d.name.span));
        return;
    };
    let ty = literal_type(&first.value);
    for e in &d.entries {
        let t = literal_type(&e.value);
        let fits = match (&ty, &t) {
            (Ty::Money(a), Ty::Money(b)) => a == b,
            (Ty::Int | Ty::Decimal, Ty::Int | Ty::Decimal) => true,
            _ => ty == t,
        };
        if !fits {
            let problem = Problem::TypeMismatch { expected: ty.to_string(), found: t.to_string() };
            diags.push(Diagnostic::new(problem, file, e.value_span));
        }
        if let ast::Literal::Duration(n, _) = e.value {
            if n <= 0 {
                let text = format!("{n} {}", ast::DurationUnit::as_str(e_unit(&e.value), n != 1));
                diags.push(Diagnostic::new(Problem::NonPositiveDuration { text }, file, e.value_span));
            }
        }
        if let Some(u) = &e.until {
            if u.date <= e.from.date {
                let detail = format!("`until {}` is not after `from {}`", u.date, e.from.date);
                let problem = Problem::ParamOrder { name: name.clone(), detail };
                diags.push(Diagnostic::new(problem, file, u.span));
            }
        }
    }
    for pair in d.entries.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if b.from.date <= a.from.date {
            let detail = format!("{} comes after {}", b.from.date, a.from.date);
            let problem = Problem::ParamOrder { name: name.clone(), detail };
            diags.push(Diagnostic::new(problem, file, b.from.span));
            continue;
        }
        let Some(until) = &a.until else { continue };
        if until.date < b.from.date {
            let to = b.from.date.pred_opt().unwrap_or(b.from.date);
            let problem = Problem::ParamGap { name: name.clone(), from: until.date.to_string(), to: to.to_string() };
            diags.push(Diagnostic::new(problem, file, until.span.to(b.from.span)));
        } else if until.date > b.from.date {
            let problem = Problem::ParamOverlap { name: name.clone(), from: b.from.date.to_string() };
            diags.push(Diagnostic::new(problem, file, until.span.to(b.from.span)));
        }
    }
}

fn e_unit(l: &ast::Literal) -> ast::DurationUnit {
    match l {
        ast::Literal::Duration(_, u) => *u,
        _ => ast::DurationUnit::Day,
    }
}

/// The type of parameter `p`.
pub fn param_type(p: &ParamInfo) -> Ty {
    p.decl.entries.first().map_or(Ty::Unknown, |e| literal_type(&e.value))
}

/// The days `[from, until)` on which a schedule has a value (None: open).
fn covered(d: &ast::ParameterDecl) -> Option<(NaiveDate, Option<NaiveDate>)> {
    let first = d.entries.first()?;
    let last = d.entries.last()?;
    Some((first.from.date, last.until.as_ref().map(|u| u.date)))
}

/// Reports every parameter rule `r` reads on a day of `[from, until)` (the
/// rule's days in force) that the parameter has no value for.
pub fn coverage(
    file: FileId,
    scope: &Scope,
    r: &ast::RuleDecl,
    in_force: (Option<NaiveDate>, Option<NaiveDate>),
    diags: &mut Vec<Diagnostic>,
) {
    let Some(params) = scope.params.get(&file) else { return };
    if params.is_empty() {
        return;
    }
    let aliases = aliases(r);
    let mut seen: Vec<&str> = vec![];
    for n in names_read(r) {
        if aliases.contains(&n.text.as_str()) || seen.contains(&n.text.as_str()) {
            continue;
        }
        let Some(p) = params.get(&n.text) else { continue };
        seen.push(&n.text);
        let Some((start, end)) = covered(&p.decl) else { continue };
        let (from, until) = in_force;
        let rule = r.name.text.clone();
        let name = n.text.clone();
        if from.is_none_or(|f| f < start) {
            let date = from.map_or_else(|| format!("days before {start}"), |f| f.to_string());
            let hint = format!("add `in force from {start}` to the rule, or a value of `{name}` for earlier days");
            diags.push(Diagnostic::new(Problem::ParamNotCovering { name, rule, date, hint }, file, n.span));
        } else if let Some(end) = end.filter(|e| until.is_none_or(|u| u > *e)) {
            let hint = format!("add a value of `{name}` from {end}, or end the rule with `until {end}`");
            let date = end.to_string();
            diags.push(Diagnostic::new(Problem::ParamNotCovering { name, rule, date, hint }, file, n.span));
        }
    }
}

/// The aliases a rule binds.
fn aliases(r: &ast::RuleDecl) -> Vec<&str> {
    let mut out = vec![];
    for c in &r.clauses {
        let priors = match c {
            Clause::When(w) => &w.priors[..],
            Clause::Forbid(f) => &f.priors[..],
            _ => &[],
        };
        out.extend(priors.iter().filter_map(|p| p.event.alias.as_ref()).map(|a| a.text.as_str()));
        let alias = match c {
            Clause::When(w) => w.alias.as_ref(),
            Clause::Require(q) => q.alias.as_ref(),
            Clause::Forbid(f) => f.event.alias.as_ref(),
            Clause::Extend(x) => x.event.alias.as_ref(),
            Clause::Unless(u) => match &u.kind {
                UnlessKind::Event(m) | UnlessKind::Prior(m, _) => m.alias.as_ref(),
                UnlessKind::Condition(_) => None,
            },
            Clause::Aggregate(a) => {
                for m in std::iter::once(&a.measure).chain(a.more.iter().map(|(_, m)| m)) {
                    let alias = match m {
                        Measure::Delay { from, .. } => from.alias.as_ref(),
                        Measure::Events { event, .. } | Measure::Share { event, .. } => event.alias.as_ref(),
                        Measure::Rate { .. } => None,
                    };
                    out.extend(alias.map(|a| a.text.as_str()));
                }
                None
            }
            Clause::Remedy(_) => None,
        };
        out.extend(alias.map(|a| a.text.as_str()));
    }
    out
}

/// Every bare name read by the expressions of a rule.
fn names_read(r: &ast::RuleDecl) -> Vec<&Name> {
    let mut exprs: Vec<&Expr> = vec![];
    for c in &r.clauses {
        match c {
            Clause::When(w) => {
                exprs.extend(&w.condition);
                exprs.extend(w.priors.iter().filter_map(|p| p.event.condition.as_ref()));
            }
            Clause::Require(q) => {
                exprs.extend(&q.condition);
                exprs.extend(q.before.as_ref().and_then(|b| b.condition.as_ref()));
                exprs.extend(q.every.as_ref().and_then(|e| e.until.condition.as_ref()));
                exprs.extend(q.by.as_ref().map(|b| &b.expr));
            }
            Clause::Extend(x) => exprs.extend(&x.event.condition),
            Clause::Unless(u) => match &u.kind {
                UnlessKind::Condition(e) => exprs.push(e),
                UnlessKind::Event(m) | UnlessKind::Prior(m, _) => exprs.extend(&m.condition),
            },
            Clause::Forbid(f) => {
                exprs.extend(&f.event.condition);
                exprs.extend(f.priors.iter().filter_map(|p| p.event.condition.as_ref()));
            }
            Clause::Remedy(m) => {
                for t in &m.terms {
                    exprs.push(&t.amount);
                    exprs.extend(t.tiers.iter().map(|x| &x.amount));
                }
                exprs.extend(&m.cap);
            }
            Clause::Aggregate(a) => {
                exprs.push(&a.bound);
                for m in std::iter::once(&a.measure).chain(a.more.iter().map(|(_, m)| m)) {
                    match m {
                        Measure::Delay { from, to_condition, .. } => {
                            exprs.extend(&from.condition);
                            exprs.extend(to_condition);
                        }
                        Measure::Events { event, .. } | Measure::Share { event, .. } => exprs.extend(&event.condition),
                        Measure::Rate { .. } => {}
                    }
                }
            }
        }
    }
    let mut out: Vec<&Name> = r
        .clauses
        .iter()
        .filter_map(|c| if let Clause::Require(q) = c { q.within_param.as_ref() } else { None })
        .collect();
    // Iterative, so that a deep expression cannot exhaust the stack here.
    while let Some(e) = exprs.pop() {
        match &e.kind {
            ExprKind::Name(n) => out.push(n),
            ExprKind::Lit(_) | ExprKind::Member(..) => {}
            ExprKind::Call(_, args) => exprs.extend(args),
            ExprKind::Unary(_, x) | ExprKind::Paren(x) | ExprKind::During(x, _) => exprs.push(x),
            ExprKind::Binary(_, a, b) => {
                exprs.push(a);
                exprs.push(b);
            }
            ExprKind::In { value, list, .. } => {
                exprs.push(value);
                exprs.extend(list);
            }
        }
    }
    out
}

/// The currency of an amount known from its text: a money literal in it, or
/// a money parameter it names (None when only the log can tell).
pub fn currency_of(e: &Expr, params: Option<&std::collections::BTreeMap<String, ParamInfo>>) -> Option<String> {
    let mut todo = vec![e];
    while let Some(e) = todo.pop() {
        match &e.kind {
            ExprKind::Lit(ast::Literal::Money(_, c)) => return Some(c.clone()),
            ExprKind::Name(n) => {
                if let Some(Ty::Money(Some(c))) = params.and_then(|p| p.get(&n.text)).map(param_type) {
                    return Some(c);
                }
            }
            ExprKind::Lit(_) | ExprKind::Member(..) | ExprKind::In { .. } | ExprKind::During(..) => {}
            ExprKind::Call(_, args) => todo.extend(args.iter().rev()),
            ExprKind::Unary(_, x) | ExprKind::Paren(x) => todo.push(x),
            ExprKind::Binary(_, a, b) => {
                todo.push(b);
                todo.push(a);
            }
        }
    }
    None
}
