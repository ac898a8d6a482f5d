//! Running inline `test` blocks: given events through the engine, verdicts
//! compared with the expectations.
//!
//! Each test runs alone against the rules of its file's jurisdiction
//! (inherited ones included). Given events are numbered by their line in
//! the policy file, so evidence points back into the test itself.

use crate::check::Analysis;
use crate::eval::ir::Kind;
use crate::eval::{compile_with_keys, Collect, Engine, Instance, Program};
use crate::log::{Event, Loc, OTHER};
use crate::select::Selection;
use crate::span::{FileId, Span};
use crate::syntax::ast::{self, ExpectKind, Item, Literal};
use crate::time;
use crate::value::Val;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};

/// The result of one test block.
#[derive(Debug, Clone)]
pub struct TestOutcome {
    /// The file holding it.
    pub file: FileId,
    /// Its name.
    pub name: String,
    /// Its span.
    pub span: Span,
    /// One sentence per unmet expectation.
    pub failures: Vec<String>,
    /// The instances the rules produced, for explanations.
    pub instances: Vec<(String, Instance)>,
    /// Warnings that do not fail the test: a deadline or the horizon in a
    /// year the calendar lists no holidays for.
    pub warnings: Vec<String>,
}

impl TestOutcome {
    /// True when every expectation held.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Runs every test of the files the user named whose name contains `filter`.
pub fn run_tests(analysis: &Analysis, filter: Option<&str>) -> Vec<TestOutcome> {
    run_tests_with_coverage(analysis, filter).0
}

/// A part of a policy no test exercised.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Uncovered {
    /// The file declaring it.
    pub file: FileId,
    /// Where.
    pub span: Span,
    /// The rule it belongs to.
    pub rule: String,
    /// `rule`, `unless` or `remedy`.
    pub what: &'static str,
}

/// What the tests exercised, per rule declaration (file and name span).
#[derive(Default)]
struct Exercised {
    /// Every rule declaration seen: (file, span) to its parts.
    rules: BTreeMap<(FileId, Span), (String, Vec<Span>, bool)>,
    instances: BTreeSet<(FileId, Span)>,
    unless: BTreeSet<(FileId, Span, usize)>,
    remedies: BTreeSet<(FileId, Span)>,
}

impl Exercised {
    fn add_program(&mut self, program: &Program) {
        for r in &program.rules {
            let unless = match &r.kind {
                Kind::Obligation(o) => o.unless.spans.clone(),
                Kind::Precedence(p) => p.unless.spans.clone(),
                Kind::Prohibition(p) => p.unless.spans.clone(),
                _ => vec![],
            };
            self.rules.entry((r.file, r.span)).or_insert((r.name.clone(), unless, r.remedy.is_some()));
        }
    }

    fn add_run(&mut self, program: &Program, run: &Collect) {
        for i in &run.instances {
            let Some(r) = program.rules.get(i.rule) else { continue };
            self.instances.insert((r.file, r.span));
            if i.remedy.is_some() {
                self.remedies.insert((r.file, r.span));
            }
        }
        for (rule, unless) in &run.exemptions {
            if let Some(r) = program.rules.get(*rule) {
                self.unless.insert((r.file, r.span, *unless));
            }
        }
    }

    fn uncovered(&self) -> Vec<Uncovered> {
        let mut out = vec![];
        for ((file, span), (rule, unless, has_remedy)) in &self.rules {
            let item = |span: Span, what| Uncovered { file: *file, span, rule: rule.clone(), what };
            if !self.instances.contains(&(*file, *span)) {
                out.push(item(*span, "rule"));
            }
            for (n, u) in unless.iter().enumerate() {
                if !self.unless.contains(&(*file, *span, n)) {
                    out.push(item(*u, "unless"));
                }
            }
            if *has_remedy && !self.remedies.contains(&(*file, *span)) {
                out.push(item(*span, "remedy"));
            }
        }
        out.sort();
        out
    }
}

/// Runs the tests like [`run_tests`] and also lists the rules, `unless`
/// branches and remedies of the tested jurisdictions that no test exercised
/// (a rule: no instance; an `unless`: never exempted anything; a remedy:
/// never owed).
pub fn run_tests_with_coverage(analysis: &Analysis, filter: Option<&str>) -> (Vec<TestOutcome>, Vec<Uncovered>) {
    let run = run_selected(analysis, &TestFilter { name: filter, selection: &Selection::default() });
    (run.outcomes, run.uncovered)
}

/// Which tests to run.
#[derive(Debug, Clone, Copy)]
pub struct TestFilter<'a> {
    /// Only tests whose name contains this text.
    pub name: Option<&'a str>,
    /// Only tests of files of the selected jurisdictions that expect
    /// something of a selected rule.
    pub selection: &'a Selection,
}

impl TestFilter<'_> {
    fn keeps(&self, jurisdiction: &str, t: &ast::TestDecl) -> bool {
        self.name.is_none_or(|f| t.name.value.contains(f))
            && self.selection.keeps_jurisdiction(jurisdiction)
            && (self.selection.is_empty() || t.expects.iter().any(|e| self.selection.keeps_rule(&e.rule.text)))
    }
}

/// The outcome of the tests a [`TestFilter`] selects.
#[derive(Debug, Clone, Default)]
pub struct TestRun {
    /// One per test run, in file order.
    pub outcomes: Vec<TestOutcome>,
    /// What no test run exercised (see [`run_tests_with_coverage`]).
    pub uncovered: Vec<Uncovered>,
    /// The tests of the files named that the filter left out.
    pub filtered_out: usize,
}

/// Runs the tests of the files the user named that `filter` keeps.
pub fn run_selected(analysis: &Analysis, filter: &TestFilter) -> TestRun {
    run_selected_with(analysis, filter, &mut |_, _| {})
}

/// [`run_selected`], calling `on_done(done, total)` after each test (for a
/// progress bar).
pub fn run_selected_with(analysis: &Analysis, filter: &TestFilter, on_done: &mut dyn FnMut(usize, usize)) -> TestRun {
    run_tests_until(analysis, filter, on_done, &|| false).unwrap_or_default()
}

/// [`run_selected`], stopping before the next test once `stop()` says so
/// (the REPL's Ctrl-C); None when it stopped.
pub fn run_selected_until(analysis: &Analysis, filter: &TestFilter, stop: &dyn Fn() -> bool) -> Option<TestRun> {
    run_tests_until(analysis, filter, &mut |_, _| {}, stop)
}

fn run_tests_until(
    analysis: &Analysis,
    filter: &TestFilter,
    on_done: &mut dyn FnMut(usize, usize),
    stop: &dyn Fn() -> bool,
) -> Option<TestRun> {
    let mut filtered_out = 0;
    // Per file: its jurisdiction and the tests kept.
    let mut selected = vec![];
    for unit in analysis.workspace.units.iter().filter(|u| u.requested) {
        let Some(jur) = analysis.scope.file_jurisdiction.get(&unit.id) else { continue };
        let all: Vec<&ast::TestDecl> =
            unit.ast.items.iter().filter_map(|i| if let Item::Test(t) = i { Some(t) } else { None }).collect();
        let tests: Vec<&ast::TestDecl> = all.iter().copied().filter(|t| filter.keeps(jur, t)).collect();
        filtered_out += all.len() - tests.len();
        if !tests.is_empty() {
            selected.push((unit, jur, tests));
        }
    }
    let total = selected.iter().map(|(_, _, tests)| tests.len()).sum();
    let mut out = Vec::with_capacity(total);
    let mut exercised = Exercised::default();
    for (unit, jur, tests) in selected {
        let keys: Vec<String> = tests
            .iter()
            .flat_map(|t| t.expects.iter().flat_map(|e| e.key.iter().map(|k| k.name.text.clone())))
            .collect();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        let program = compile_with_keys(analysis, std::slice::from_ref(jur), &keys);
        exercised.add_program(&program);
        let text = analysis.sources().get(unit.id).map_or("", |f| f.text.as_str());
        for t in tests {
            if stop() {
                return None;
            }
            let (outcome, run) = run_one(&program, unit.id, text, t);
            exercised.add_run(&program, &run);
            out.push(outcome);
            on_done(out.len(), total);
        }
    }
    Some(TestRun { outcomes: out, uncovered: exercised.uncovered(), filtered_out })
}

fn run_one(program: &Program, file: FileId, text: &str, t: &ast::TestDecl) -> (TestOutcome, Collect) {
    let mut engine = Engine::new(program, Collect::default(), true);
    let horizon = t.as_of.as_ref().map(|a| time::to_micros(a.time));
    // The log is judged as it stood at the horizon.
    for g in t.given.iter().filter(|g| horizon.is_none_or(|h| time::to_micros(g.time.time) <= h)) {
        engine.push(&given_event(program, text, g));
    }
    let run = engine.finish(horizon);
    let instances: Vec<(String, Instance)> = run
        .instances
        .iter()
        .map(|i| (program.rules.get(i.rule).map_or_else(String::new, |r| r.name.clone()), i.clone()))
        .collect();
    let failures = t.expects.iter().filter_map(|e| check(program, &instances, e)).collect();
    let warnings = crate::eval::calendar_warnings(program, &run.calendar_gaps, None, None, horizon)
        .into_iter()
        .map(|d| d.problem.to_string())
        .collect();
    (TestOutcome { file, name: t.name.value.clone(), span: t.span, failures, instances, warnings }, run)
}

/// A given event as the log reader would deliver it.
fn given_event(program: &Program, text: &str, g: &ast::GivenEvent) -> Event {
    let line = text.get(..g.span.start).map_or(0, |s| s.matches('\n').count() as u64 + 1);
    event_of(program, g, Loc { file: 0, line })
}

/// A given event (of a test or the REPL's `:event`) as the log reader
/// would deliver it from `loc`: attributes projected and typed by the
/// program's schema.
pub fn event_of(program: &Program, g: &ast::GivenEvent, loc: Loc) -> Event {
    let kind = program.proj.types.get(g.event.text.as_str()).copied().unwrap_or(OTHER);
    let attrs = g
        .fields
        .iter()
        .filter_map(|f| {
            let key = program.proj.keys.get(f.name.text.as_str())?;
            Some((*key, value(program, &g.event.text, &f.name.text, &f.value)))
        })
        .collect();
    Event { time: time::to_micros(g.time.time), kind, attrs, loc }
}

/// A given literal, typed like the log reader types attributes.
fn value(program: &Program, event: &str, field: &str, lit: &Literal) -> Val {
    let kind = program.proj.schema.get(&(event.into(), field.into()));
    match (lit, kind) {
        (Literal::Int(i), Some(crate::log::FieldKind::Id)) => Val::Str(i.to_string().into()),
        (Literal::Int(i), Some(crate::log::FieldKind::Money(c))) => {
            Val::Money(Decimal::from(*i), c.as_deref().unwrap_or_default().into())
        }
        (Literal::Decimal(d), Some(crate::log::FieldKind::Money(c))) => {
            Val::Money(*d, c.as_deref().unwrap_or_default().into())
        }
        (Literal::Int(i), Some(crate::log::FieldKind::Duration)) => Val::Dur(i.saturating_mul(time::SECOND)),
        _ => crate::eval::compile::literal(lit),
    }
}

/// True when the instance carries every key of the expectation.
fn matches_key(program: &Program, inst: &Instance, key: &[ast::GivenField]) -> bool {
    key.iter().all(|k| {
        let want = crate::eval::compile::literal(&k.value);
        let by_key = inst.key.iter().any(|(n, v)| *n == k.name.text && v.equals(&want));
        let by_attr = program
            .proj
            .keys
            .get(k.name.text.as_str())
            .is_some_and(|sym| inst.attrs.iter().any(|(s, v)| s == sym && v.equals(&want)));
        by_key || by_attr
    })
}

/// None when the expectation holds, else why not.
fn check(program: &Program, instances: &[(String, Instance)], e: &ast::Expectation) -> Option<String> {
    let of_rule: Vec<&Instance> = instances
        .iter()
        .filter(|(n, i)| *n == e.rule.text && matches_key(program, i, &e.key))
        .map(|(_, i)| i)
        .collect();
    let what = describe_key(&e.key);
    match &e.kind {
        ExpectKind::Verdict { count, verdict } => {
            let n = of_rule.iter().filter(|i| i.verdict == verdict.node).count() as u64;
            let ok = match count {
                Some(c) => n == c.node,
                None => n > 0,
            };
            if ok {
                return None;
            }
            let wanted = match count {
                Some(c) => format!("{} {} instance(s)", c.node, verdict.node.as_str()),
                None => verdict.node.as_str().to_string(),
            };
            Some(format!("expected {wanted} `{}`{what}, found {}", e.rule.text, found(&of_rule)))
        }
        ExpectKind::Remedy(m) => {
            let total: Decimal = of_rule
                .iter()
                .filter_map(|i| i.remedy.as_ref())
                .filter(|(_, c)| *c == m.currency)
                .map(|(a, _)| *a)
                .sum();
            (total != m.amount).then(|| {
                format!(
                    "expected remedy {} {} for `{}`{what}, found {total} {}",
                    m.amount, m.currency, e.rule.text, m.currency
                )
            })
        }
    }
}

fn describe_key(key: &[ast::GivenField]) -> String {
    if key.is_empty() {
        return String::new();
    }
    let parts: Vec<String> =
        key.iter().map(|k| format!("{} {}", k.name.text, crate::eval::compile::literal(&k.value))).collect();
    format!(" for {}", parts.join(", "))
}

fn found(instances: &[&Instance]) -> String {
    if instances.is_empty() {
        return "no instance".into();
    }
    let parts: Vec<String> = instances.iter().map(|i| format!("{} ({})", i.verdict.as_str(), i.note)).collect();
    parts.join("; ")
}
