//! Declarations: jurisdiction headers (time zones, calendars, `extends`
//! chains, effective dates), calendars, and the field types of events.

use super::scope::Scope;
use super::suggest::closest;
use crate::diagnostics::{Diagnostic, Problem};
use crate::span::FileId;
use crate::syntax::ast::{self, Item};
use crate::workspace::Workspace;

/// Checks every header and calendar declaration of the workspace.
pub fn check(ws: &Workspace, scope: &Scope, diags: &mut Vec<Diagnostic>) {
    for info in scope.jurisdictions.values() {
        header(info.file, &info.decl, scope, diags);
    }
    for unit in &ws.units {
        for item in &unit.ast.items {
            match item {
                Item::Calendar(c) => calendar(unit.id, c, scope, diags),
                Item::Event(e) => field_types(unit.id, e, diags),
                _ => {}
            }
        }
    }
}

fn header(file: FileId, j: &ast::Jurisdiction, scope: &Scope, diags: &mut Vec<Diagnostic>) {
    if let Some(tz) = &j.timezone {
        if tz.value.parse::<chrono_tz::Tz>().is_err() {
            let suggestion = closest(&tz.value, chrono_tz::TZ_VARIANTS.iter().map(|t| t.name()));
            let quoted = suggestion.as_ref().map(|s| format!("\"{s}\""));
            let problem = Problem::UnknownTimezone { name: tz.value.clone(), suggestion };
            diags.push(Diagnostic::new(problem, file, tz.span).with_suggested(tz.span, quoted));
        }
    }
    if j.timezone.is_none() && j.extends.is_none() {
        diags.push(Diagnostic::new(Problem::MissingTimezone { name: j.name.text.clone() }, file, j.name.span));
    }
    if let Some(cal) = &j.calendar {
        known_calendar(file, cal, scope, diags);
    }
    if let Some(parent) = &j.extends {
        match scope.jurisdictions.get(&parent.text) {
            None => {
                let suggestion = closest(&parent.text, scope.jurisdictions.keys().map(String::as_str));
                diags.push(Diagnostic::new(
                    Problem::UnknownJurisdiction { name: parent.text.clone(), suggestion },
                    file,
                    parent.span,
                ));
            }
            Some(_) => {
                if let Some(cycle) = cycle_from(&j.name.text, scope) {
                    diags.push(Diagnostic::new(Problem::ExtendsCycle { cycle }, file, parent.span));
                }
            }
        }
    }
    if let Some(f) = &j.in_force {
        in_force(file, f, diags);
    }
}

/// `A -> B -> A` when following `extends` from `start` comes back to it.
fn cycle_from(start: &str, scope: &Scope) -> Option<String> {
    let mut path = vec![start.to_string()];
    let mut current = start.to_string();
    loop {
        let next = scope.jurisdictions.get(&current)?.decl.extends.as_ref()?.text.clone();
        scope.jurisdictions.get(&next)?;
        path.push(next.clone());
        if next == start {
            return Some(path.join(" -> "));
        }
        if path[..path.len() - 1].contains(&next) {
            // A cycle that does not pass through `start`: reported at its members.
            return None;
        }
        current = next;
    }
}

/// Reports `cal` unless a calendar of that name exists.
pub fn known_calendar(file: FileId, cal: &ast::Name, scope: &Scope, diags: &mut Vec<Diagnostic>) {
    if scope.calendars.contains_key(&cal.text) {
        return;
    }
    let suggestion = closest(&cal.text, scope.calendars.keys().map(String::as_str));
    let problem = Problem::UnknownCalendar { name: cal.text.clone(), suggestion: suggestion.clone() };
    diags.push(Diagnostic::new(problem, file, cal.span).with_suggested(cal.span, suggestion));
}

/// `until` must come after `from`.
pub fn in_force(file: FileId, f: &ast::InForce, diags: &mut Vec<Diagnostic>) {
    if let Some(until) = &f.until {
        if until.date <= f.from.date {
            diags.push(Diagnostic::new(Problem::EmptyInForce, file, f.from.span.to(until.span)));
        }
    }
}

fn calendar(file: FileId, c: &ast::CalendarDecl, scope: &Scope, diags: &mut Vec<Diagnostic>) {
    // A week of weekend days and no make-up working day: business days
    // never come, so no business-day deadline would ever fall due.
    let lookup = |n: &str| scope.calendars.get(n).map(|i| &i.decl);
    if let Ok(cal) = crate::time::Calendar::resolve(&c.name.text, &lookup) {
        if cal.business_days_per_week() == 0 && cal.workdays().is_empty() {
            diags.push(Diagnostic::new(Problem::NoBusinessDay { calendar: c.name.text.clone() }, file, c.name.span));
        }
    }
    if let Some(parent) = &c.extends {
        known_calendar(file, parent, scope, diags);
        let lookup = |n: &str| scope.calendars.get(n).map(|i| &i.decl);
        if let Err(message) = crate::time::Calendar::resolve(&c.name.text, &lookup) {
            if message.contains("cycle") {
                diags.push(Diagnostic::new(Problem::CalendarCycle { message }, file, parent.span));
            }
        }
    }
    let mut seen = std::collections::HashMap::new();
    for h in &c.holidays {
        if let Some(prev) = seen.insert(h.date.date, h.date.span) {
            diags.push(
                Diagnostic::new(
                    Problem::Duplicate { kind: "holiday", name: h.date.date.to_string() },
                    file,
                    h.date.span,
                )
                .with_related(file, prev, "first listed here"),
            );
        }
    }
    let mut workdays = std::collections::HashMap::new();
    for w in &c.workdays {
        let date = w.date.date;
        if let Some(prev) = workdays.insert(date, w.date.span) {
            diags.push(
                Diagnostic::new(Problem::Duplicate { kind: "workday", name: date.to_string() }, file, w.date.span)
                    .with_related(file, prev, "first listed here"),
            );
        } else if let Some(holiday) = seen.get(&date) {
            diags.push(
                Diagnostic::new(
                    Problem::WorkdayIsHoliday { calendar: c.name.text.clone(), date: date.to_string() },
                    file,
                    w.date.span,
                )
                .with_related(file, *holiday, "listed as a holiday here"),
            );
        }
    }
}

fn field_types(file: FileId, e: &ast::EventDecl, diags: &mut Vec<Diagnostic>) {
    for f in &e.fields {
        if super::types::field_type(&f.ty).is_none() {
            let suggestion = closest(&f.ty.name, super::types::FIELD_TYPES.iter().copied());
            let d = Diagnostic::new(
                Problem::UnknownType { name: f.ty.name.clone(), suggestion: suggestion.clone() },
                file,
                f.ty.span,
            )
            .with_suggested(f.ty.span, suggestion);
            diags.push(d);
        } else if f.ty.currency.is_some() && f.ty.name != "money" {
            let problem =
                Problem::TypeMismatch { expected: "money for a currency".into(), found: format!("`{}`", f.ty.name) };
            diags.push(Diagnostic::new(problem, file, f.ty.span));
        }
    }
}
