//! Finding things in an analysis: the declaration a symbol stands for, the
//! word or duration under a cursor, the jurisdiction of a file.

use super::document::Snapshot;
use tenet::check::index::{Occurrence, SymbolKey};
use tenet::span::{FileId, Span};
use tenet::syntax::ast::{self, Clause, Expr, ExprKind, Item, Literal, UnlessKind};

/// A declaration found for a symbol.
#[derive(Debug, Clone, Copy)]
pub enum Decl<'a> {
    /// A jurisdiction header.
    Jurisdiction(&'a ast::Jurisdiction),
    /// A calendar (declared or shipped).
    Calendar(&'a ast::CalendarDecl, bool),
    /// An event type.
    Event(&'a ast::EventDecl),
    /// A field of an event type.
    Field(&'a ast::EventDecl, &'a ast::FieldDecl),
    /// A rule.
    Rule(&'a ast::RuleDecl),
    /// A test.
    Test(&'a ast::TestDecl),
    /// A dated parameter.
    Parameter(&'a ast::ParameterDecl),
}

/// The items of a file of the snapshot.
pub fn items(snap: &Snapshot, file: FileId) -> &[Item] {
    snap.analysis.workspace.unit(file).map_or(&[], |u| u.ast.items.as_slice())
}

/// The declaration `key` stands for, preferring one in file `near`.
pub fn decl<'a>(snap: &'a Snapshot, key: &SymbolKey, near: FileId) -> Option<Decl<'a>> {
    let scope = &snap.analysis.scope;
    match key {
        SymbolKey::Jurisdiction(name) => scope.jurisdictions.get(name).map(|j| Decl::Jurisdiction(&j.decl)),
        SymbolKey::Calendar(name) => scope.calendars.get(name).map(|c| Decl::Calendar(&c.decl, c.file.is_none())),
        SymbolKey::Event { file, name } => items(snap, *file).iter().find_map(|i| match i {
            Item::Event(e) if e.name.text == *name => Some(Decl::Event(e)),
            _ => None,
        }),
        SymbolKey::Field { file, event, name } => items(snap, *file).iter().find_map(|i| match i {
            Item::Event(e) if e.name.text == *event => {
                e.fields.iter().find(|f| f.name.text == *name).map(|f| Decl::Field(e, f))
            }
            _ => None,
        }),
        SymbolKey::Rule { .. } => {
            let decls: Vec<&Occurrence> = snap.symbols().declarations(key).collect();
            let chosen = decls.iter().find(|o| o.file == near).or(decls.first())?;
            items(snap, chosen.file).iter().find_map(|i| match i {
                Item::Rule(r) if r.name.span == chosen.span => Some(Decl::Rule(r)),
                _ => None,
            })
        }
        SymbolKey::Test { file, name } => items(snap, *file).iter().find_map(|i| match i {
            Item::Test(t) if t.name.value == *name => Some(Decl::Test(t)),
            _ => None,
        }),
        SymbolKey::Parameter { file, name } => items(snap, *file).iter().find_map(|i| match i {
            Item::Parameter(d) if d.name.text == *name => Some(Decl::Parameter(d)),
            _ => None,
        }),
        SymbolKey::Alias { .. } | SymbolKey::File(_) => None,
    }
}

/// The event type an alias is bound to: the event named just before its
/// declaration (`EVENT as alias`).
pub fn alias_event(snap: &Snapshot, key: &SymbolKey) -> Option<String> {
    let decl = snap.symbols().declarations(key).next()?;
    let before = snap.symbols().in_file(decl.file).iter().take_while(|o| o.span.start < decl.span.start);
    before
        .filter_map(|o| match &o.key {
            SymbolKey::Event { name, .. } => Some(name.clone()),
            _ => None,
        })
        .last()
}

/// The identifier-like word around `offset` and its span.
pub fn word_at(text: &str, offset: usize) -> Option<(Span, &str)> {
    let offset = offset.min(text.len());
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let start = text[..floor(text, offset)]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_word(*c))
        .last()
        .map_or(floor(text, offset), |(i, _)| i);
    let rest = &text[floor(text, offset)..];
    let end = floor(text, offset) + rest.char_indices().find(|(_, c)| !is_word(*c)).map_or(rest.len(), |(i, _)| i);
    (end > start).then(|| (Span::new(start, end), &text[start..end]))
}

/// The largest char boundary at or before `i`.
pub fn floor(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The jurisdiction of `file` and the calendar its deadlines use (its own,
/// else the nearest ancestor's).
pub fn jurisdiction_and_calendar(snap: &Snapshot, file: FileId) -> (Option<&ast::Jurisdiction>, Option<String>) {
    let scope = &snap.analysis.scope;
    let Some(name) = scope.file_jurisdiction.get(&file) else { return (None, None) };
    let Some(info) = scope.jurisdictions.get(name) else { return (None, None) };
    let calendar = info
        .decl
        .calendar
        .as_ref()
        .or_else(|| scope.ancestors(name).into_iter().find_map(|a| a.decl.calendar.as_ref()))
        .map(|c| c.text.clone());
    (Some(&info.decl), calendar)
}

/// The time zone of a jurisdiction (its own, else the nearest ancestor's).
pub fn timezone(snap: &Snapshot, jur: &ast::Jurisdiction) -> Option<String> {
    let scope = &snap.analysis.scope;
    jur.timezone
        .as_ref()
        .or_else(|| scope.ancestors(&jur.name.text).into_iter().find_map(|a| a.decl.timezone.as_ref()))
        .map(|t| t.value.clone())
}

/// Every duration written in the rules of a file: (span, amount, unit).
pub fn durations(items: &[Item]) -> Vec<(Span, i64, ast::DurationUnit)> {
    let mut out = vec![];
    for item in items {
        let Item::Rule(r) = item else { continue };
        for c in &r.clauses {
            match c {
                Clause::When(w) => {
                    exprs(w.condition.as_ref(), &mut out);
                    for p in &w.priors {
                        exprs(p.event.condition.as_ref(), &mut out);
                        out.extend(p.within.iter().map(|d| (d.span, d.amount, d.unit)));
                    }
                }
                Clause::Extend(x) => {
                    out.push((x.amount.span, x.amount.amount, x.amount.unit));
                    exprs(x.event.condition.as_ref(), &mut out);
                }
                Clause::Require(q) => {
                    out.extend(q.within.iter().map(|d| (d.span, d.amount, d.unit)));
                    out.extend(q.every.iter().map(|e| (e.every.span, e.every.amount, e.every.unit)));
                    exprs(q.condition.as_ref(), &mut out);
                    if let Some(b) = &q.before {
                        exprs(b.condition.as_ref(), &mut out);
                    }
                    if let Some(e) = &q.every {
                        exprs(e.until.condition.as_ref(), &mut out);
                    }
                }
                Clause::Unless(u) => match &u.kind {
                    UnlessKind::Condition(e) => exprs(Some(e), &mut out),
                    UnlessKind::Event(m) => exprs(m.condition.as_ref(), &mut out),
                    UnlessKind::Prior(m, d) => {
                        exprs(m.condition.as_ref(), &mut out);
                        out.extend(d.iter().map(|d| (d.span, d.amount, d.unit)));
                    }
                },
                Clause::Forbid(f) => {
                    exprs(f.event.condition.as_ref(), &mut out);
                    for p in &f.priors {
                        exprs(p.event.condition.as_ref(), &mut out);
                        out.extend(p.within.iter().map(|d| (d.span, d.amount, d.unit)));
                    }
                    out.extend(f.within.iter().map(|d| (d.span, d.amount, d.unit)));
                }
                Clause::Aggregate(a) => exprs(Some(&a.bound), &mut out),
                Clause::Remedy(_) => {}
            }
        }
    }
    out
}

/// The spans of the `within D` durations whose deadline rolls to a business
/// day (`, ending on a business day`).
pub fn rolled(items: &[Item]) -> Vec<Span> {
    let mut out = vec![];
    for item in items {
        let Item::Rule(r) = item else { continue };
        for c in &r.clauses {
            if let Clause::Require(q) = c {
                if q.roll.is_some() {
                    out.extend(q.within.iter().map(|d| d.span));
                }
            }
        }
    }
    out
}

fn exprs(e: Option<&Expr>, out: &mut Vec<(Span, i64, ast::DurationUnit)>) {
    let Some(e) = e else { return };
    match &e.kind {
        ExprKind::Lit(Literal::Duration(n, u)) => out.push((e.span, *n, *u)),
        ExprKind::Lit(_) | ExprKind::Name(_) | ExprKind::Member(..) => {}
        ExprKind::Call(_, args) => args.iter().for_each(|a| exprs(Some(a), out)),
        ExprKind::Unary(_, x) | ExprKind::Paren(x) | ExprKind::During(x, _) => exprs(Some(x), out),
        ExprKind::Binary(_, l, r) => {
            exprs(Some(l), out);
            exprs(Some(r), out);
        }
        ExprKind::In { value, list, .. } => {
            exprs(Some(value), out);
            list.iter().for_each(|a| exprs(Some(a), out));
        }
    }
}
