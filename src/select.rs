//! Limiting a run to some jurisdictions and rules (`--jurisdiction`,
//! `--rule`).
//!
//! A log names no jurisdiction: which laws judge it is the caller's choice,
//! given by the policy files named and narrowed by `--jurisdiction`. Rules
//! are chosen by name or by a glob (`*`, `?`, `[...]`). A filter that
//! matches nothing is an error naming what exists, since a typo would
//! otherwise judge nothing and exit clean.

use crate::check::suggest::closest;
use crate::check::Analysis;
use crate::diagnostics::{Diagnostic, Problem};
use crate::eval::compile::{compile_with_keys, requested_jurisdictions};
use crate::eval::ir::Kind;
use crate::eval::Program;
use globset::{Glob, GlobMatcher};

/// Names listed in an error before the rest are only counted.
const LISTED: usize = 12;

/// The jurisdictions and rules a run is limited to (none given: all).
#[derive(Debug, Clone, Default)]
pub struct Selection {
    jurisdictions: Vec<String>,
    rules: Vec<(String, GlobMatcher)>,
}

impl Selection {
    /// The selection of `--jurisdiction` codes and `--rule` names or globs;
    /// an invalid glob is an error.
    pub fn new(jurisdictions: &[String], rules: &[String]) -> Result<Selection, Vec<Diagnostic>> {
        let mut matchers = Vec::with_capacity(rules.len());
        for pattern in rules {
            let glob = Glob::new(pattern).map_err(|e| {
                let reason = format!("`{pattern}` is not a rule name or glob: {}", e.kind());
                vec![Diagnostic::global(Problem::Io { path: "--rule".into(), reason })]
            })?;
            matchers.push((pattern.clone(), glob.compile_matcher()));
        }
        Ok(Selection { jurisdictions: jurisdictions.to_vec(), rules: matchers })
    }

    /// Whether anything was asked for.
    pub fn is_empty(&self) -> bool {
        self.jurisdictions.is_empty() && self.rules.is_empty()
    }

    /// Whether jurisdiction `code` is kept.
    pub fn keeps_jurisdiction(&self, code: &str) -> bool {
        self.jurisdictions.is_empty() || self.jurisdictions.iter().any(|j| j == code)
    }

    /// Whether rule `name` is kept.
    pub fn keeps_rule(&self, name: &str) -> bool {
        self.rules.is_empty() || self.rules.iter().any(|(_, m)| m.is_match(name))
    }

    /// Compiles the selected jurisdictions of the files the user named,
    /// with the selected rules; an error for each filter that matches
    /// nothing.
    pub fn compile(&self, analysis: &Analysis) -> Result<Program, Vec<Diagnostic>> {
        let mut requested = requested_jurisdictions(analysis);
        requested.dedup();
        let errors = self.unknown_jurisdictions(&requested);
        if !errors.is_empty() {
            return Err(errors);
        }
        requested.retain(|j| self.keeps_jurisdiction(j));
        let mut program = compile_with_keys(analysis, &requested, &[]);
        let known: Vec<&str> = program.rules.iter().map(|r| r.name.as_str()).collect();
        let errors = self.unknown_rules(&known);
        if !errors.is_empty() {
            return Err(errors);
        }
        self.retain_rules(&mut program);
        Ok(program)
    }

    /// An error for each `--jurisdiction` that is none of `known`.
    pub fn unknown_jurisdictions(&self, known: &[String]) -> Vec<Diagnostic> {
        let known: Vec<&str> = known.iter().map(String::as_str).collect();
        self.jurisdictions
            .iter()
            .filter(|j| !known.contains(&j.as_str()))
            .map(|j| no_match("--jurisdiction", j, "jurisdiction", &known))
            .collect()
    }

    /// An error for each `--rule` that matches none of `known`.
    pub fn unknown_rules(&self, known: &[&str]) -> Vec<Diagnostic> {
        self.rules
            .iter()
            .filter(|(_, m)| !known.iter().any(|k| m.is_match(k)))
            .map(|(pattern, _)| no_match("--rule", pattern, "rule", known))
            .collect()
    }

    /// Keeps only the rules of `program` that `--rule` selects, and the
    /// measures their rates count (a rate needs its measure's instances).
    pub fn retain_rules(&self, program: &mut Program) {
        if self.rules.is_empty() {
            return;
        }
        let mut keep: Vec<bool> = program.rules.iter().map(|r| self.keeps_rule(&r.name)).collect();
        for (i, r) in program.rules.iter().enumerate() {
            if let (Kind::Rate(rate), true) = (&r.kind, keep.get(i).copied().unwrap_or(false)) {
                if let Some(k) = keep.get_mut(rate.target) {
                    *k = true;
                }
            }
        }
        // The new index of every kept rule, to renumber the rates' targets.
        let mut renumber = vec![usize::MAX; keep.len()];
        let mut next = 0;
        for (i, kept) in keep.iter().enumerate() {
            if *kept {
                renumber[i] = next;
                next += 1;
            }
        }
        let mut index = 0;
        program.rules.retain(|_| {
            index += 1;
            keep.get(index - 1).copied().unwrap_or(false)
        });
        for r in &mut program.rules {
            if let Kind::Rate(rate) = &mut r.kind {
                rate.target = renumber.get(rate.target).copied().unwrap_or(usize::MAX);
            }
        }
    }
}

/// The error of a filter `value` of `option` that matches no `what` of
/// `known`.
fn no_match(option: &str, value: &str, what: &'static str, known: &[&str]) -> Diagnostic {
    let suggestion = closest(value, known.iter().copied());
    let mut listed: Vec<String> = known.iter().take(LISTED).map(|k| format!("`{k}`")).collect();
    if known.len() > LISTED {
        listed.push(format!("and {} more", known.len() - LISTED));
    }
    let known = if listed.is_empty() { "none".to_string() } else { listed.join(", ") };
    Diagnostic::global(Problem::NoMatch { option: option.into(), value: value.into(), what, known, suggestion })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_and_names_select_rules() {
        let s = Selection::new(&[], &["answer_*".into(), "fee".into()]).unwrap_or_default();
        assert!(s.keeps_rule("answer_within_7_days") && s.keeps_rule("fee"));
        assert!(!s.keeps_rule("fees") && !s.keeps_rule("no_answer"));
        assert!(Selection::new(&[], &["a[".into()]).is_err());
        let errors = s.unknown_rules(&["answer_within_7_days", "fees"]);
        assert_eq!(errors.len(), 1);
        assert!(matches!(&errors[0].problem, Problem::NoMatch { suggestion: Some(f), .. } if f == "fees"));
    }

    #[test]
    fn no_filter_keeps_everything() {
        let s = Selection::default();
        assert!(s.is_empty() && s.keeps_rule("x") && s.keeps_jurisdiction("BR"));
        assert!(s.unknown_jurisdictions(&["BR".into()]).is_empty());
    }
}
