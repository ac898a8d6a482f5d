//! Checking inline tests: the events they give and the verdicts they expect.

use super::scope::Scope;
use super::suggest::closest;
use super::types::{self, literal_type};
use crate::diagnostics::{Diagnostic, Problem};
use crate::span::FileId;
use crate::syntax::ast::{self, Clause, ExpectKind, Item};
use crate::workspace::Workspace;

/// Checks every test block of the workspace.
pub fn check(ws: &Workspace, scope: &Scope, diags: &mut Vec<Diagnostic>) {
    for unit in &ws.units {
        let jur = scope.file_jurisdiction.get(&unit.id).map(String::as_str);
        for item in &unit.ast.items {
            if let Item::Test(t) = item {
                given(unit.id, t, scope, diags);
                if scope.rejected_headers.contains(&unit.id) {
                    continue;
                }
                for e in &t.expects {
                    expectation(unit.id, jur, e, scope, diags);
                }
            }
        }
    }
}

fn given(file: FileId, t: &ast::TestDecl, scope: &Scope, diags: &mut Vec<Diagnostic>) {
    let mut previous: Option<&ast::DateTimeLit> = None;
    for g in &t.given {
        if let Some(p) = previous {
            if g.time.time < p.time {
                diags.push(Diagnostic::new(Problem::GivenOutOfOrder, file, g.time.span).with_related(
                    file,
                    p.span,
                    "the event before",
                ));
            }
        }
        previous = Some(&g.time);
        let Some(info) = scope.event(file, &g.event, diags) else { continue };
        for f in &g.fields {
            match info.field(&f.name.text) {
                None => {
                    let s = closest(&f.name.text, info.decl.fields.iter().map(|d| d.name.text.as_str()));
                    diags.push(types::unknown_field(file, &g.event.text, &f.name, s));
                }
                Some(decl) => {
                    let expected = types::field_type(&decl.ty).unwrap_or(types::Ty::Unknown);
                    if !types::literal_fits(&f.value, &expected) {
                        let found = literal_type(&f.value).to_string();
                        let problem = Problem::TypeMismatch { expected: expected.to_string(), found };
                        diags.push(Diagnostic::new(problem, file, f.span));
                    }
                }
            }
        }
    }
}

fn expectation(file: FileId, jur: Option<&str>, e: &ast::Expectation, scope: &Scope, diags: &mut Vec<Diagnostic>) {
    let found = jur.and_then(|j| scope.find_rule(j, &e.rule.text));
    let Some((_, rule)) = found else {
        let names = jur.map(|j| scope.rule_names(j)).unwrap_or_default();
        let suggestion = closest(&e.rule.text, names);
        let d = Diagnostic::new(
            Problem::UnknownRule { name: e.rule.text.clone(), suggestion: suggestion.clone() },
            file,
            e.rule.span,
        )
        .with_suggested(e.rule.span, suggestion);
        diags.push(d);
        return;
    };
    if let ExpectKind::Remedy(money) = &e.kind {
        let remedy = rule.clauses.iter().find_map(|c| match c {
            Clause::Remedy(r) => Some(r),
            _ => None,
        });
        match remedy.and_then(|r| r.terms.first()) {
            None => diags.push(Diagnostic::new(Problem::NoRemedy { rule: e.rule.text.clone() }, file, e.rule.span)),
            Some(term) => {
                let params = scope.params.get(&file);
                if let Some(c) = super::params::currency_of(&term.amount, params).filter(|c| *c != money.currency) {
                    let problem = Problem::CurrencyMismatch { left: c, right: money.currency.clone() };
                    diags.push(Diagnostic::new(problem, file, money.span));
                }
            }
        }
    }
}
