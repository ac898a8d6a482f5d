//! The event types of a log against those the policy names.
//!
//! A rule that names an event type the log never has (`when "Create fine"`
//! where the log says `Create Fine`) has no instance: the run looks clean.
//! [`unseen_type_warnings`] warns about each such type, with the closest
//! type the log does have (a type declared with `event` only when there is
//! one: a declared type is the policy's vocabulary, and a log may well
//! have no event of it); [`section`] lists the log's types the policy
//! never names (`--explain-log`).

use crate::check::index::event_names;
use crate::check::suggest::closest;
use crate::check::Analysis;
use crate::diagnostics::{Diagnostic, Problem};
use crate::eval::Program;
use crate::log::{ReadStats, MAX_UNNAMED_TYPES};
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// One warning per event type that a rule of `program` names and no event
/// of the log has, at the first place a rule names it: every such type the
/// policy does not declare, and a declared one when the log has a type of
/// a close name. None for a log without events (every type would be
/// missing).
pub fn unseen_type_warnings(analysis: &Analysis, program: &Program, stats: &ReadStats) -> Vec<Diagnostic> {
    if stats.events == 0 {
        return vec![];
    }
    let present = types_present(program, stats);
    let evaluated: BTreeSet<_> = program.rules.iter().map(|r| (r.file, r.span)).collect();
    let mut warned = BTreeSet::new();
    let mut out = vec![];
    for unit in &analysis.workspace.units {
        for item in &unit.ast.items {
            let crate::syntax::ast::Item::Rule(rule) = item else { continue };
            if !evaluated.contains(&(unit.id, rule.name.span)) {
                continue;
            }
            for name in event_names(rule) {
                let Some(&sym) = program.proj.types.get(name.text.as_str()) else { continue };
                if stats.types_seen.contains(sym) || !warned.insert(name.text.clone()) {
                    continue;
                }
                let suggestion = closest(&name.text, present.iter().copied());
                // A declared type the log lacks is ordinary (a forbidden
                // event that did not happen); an undeclared one, named as a
                // real log spells its activities, is likely misspelled.
                let declared = analysis.scope.events.get(&unit.id).is_some_and(|e| e.contains_key(&name.text));
                if declared && suggestion.is_none() {
                    continue;
                }
                let problem = Problem::EventNotInLog { name: name.text.clone(), suggestion };
                out.push(Diagnostic::new(problem, unit.id, name.span));
            }
        }
    }
    out
}

/// The event types the log has, named by the policy or not.
fn types_present<'a>(program: &'a Program, stats: &'a ReadStats) -> BTreeSet<&'a str> {
    let named = program.proj.types.iter().filter(|(_, &sym)| stats.types_seen.contains(sym)).map(|(n, _)| &**n);
    named.chain(stats.other_types.iter().map(String::as_str)).collect()
}

/// The `--explain-log` section of the human report: the log's event types
/// that the policy never names.
pub fn section(stats: &ReadStats) -> String {
    let mut out = String::new();
    let n = stats.other_types.len();
    if n == 0 {
        out.push_str("\nevery event type of the log is named by the policy\n");
        return out;
    }
    let _ = writeln!(out, "\nevent types of the log that the policy never names ({n}):");
    for name in &stats.other_types {
        let _ = writeln!(out, "  {name}");
    }
    if stats.other_types_truncated {
        let _ = writeln!(out, "  … and more (only the first {MAX_UNNAMED_TYPES} distinct types are recorded)");
    }
    out
}
