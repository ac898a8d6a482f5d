//! The report of `tenet test`: for people (a line per test, the failures
//! again at the end, a count line), as JSON, and as JUnit XML for CI
//! systems.

use super::plural;
use crate::diagnostics::Sources;
use crate::span::{FileId, Span};
use crate::testing::{TestOutcome, TestRun, Uncovered};
use quick_junit::{NonSuccessKind, TestCase, TestCaseStatus, TestSuite};
use std::fmt::Write as _;
use std::time::Duration;

/// How the human report looks.
#[derive(Debug, Clone, Copy)]
pub struct Look {
    /// Colour `ok` and `FAIL` (ANSI).
    pub color: bool,
    /// List the parts no test exercised.
    pub coverage: bool,
}

const GREEN: &str = "\x1b[32m";
const RED: &str = "\x1b[1;31m";
const RESET: &str = "\x1b[0m";

/// `file:line` of a span.
fn place(sources: &Sources, file: FileId, span: Span) -> String {
    sources.get(file).map(|f| format!("{}:{}", f.name(), f.line_col(span.start).line)).unwrap_or_default()
}

/// `text` in `color` when asked.
fn paint(text: &str, color: &str, look: Look) -> String {
    if look.color {
        format!("{color}{text}{RESET}")
    } else {
        text.to_string()
    }
}

/// A line per test with its failures and warnings, the parts not covered
/// when asked, the failures again, then the count line.
pub fn human(run: &TestRun, sources: &Sources, look: Look, elapsed: Duration) -> String {
    let mut out = String::new();
    for o in &run.outcomes {
        let status = if o.passed() { paint("ok  ", GREEN, look) } else { paint("FAIL", RED, look) };
        let _ = writeln!(out, "{status} {} ({})", o.name, place(sources, o.file, o.span));
        details(&mut out, o);
    }
    if look.coverage {
        for u in &run.uncovered {
            let _ = writeln!(out, "not covered: {} ({})", uncovered(u), place(sources, u.file, u.span));
        }
        let _ = writeln!(out, "coverage: {} part(s) not exercised", run.uncovered.len());
    }
    let failed: Vec<&TestOutcome> = run.outcomes.iter().filter(|o| !o.passed()).collect();
    if !failed.is_empty() {
        let _ = writeln!(out, "\nfailures:");
        for o in &failed {
            let _ = writeln!(out, "{} {} ({})", paint("FAIL", RED, look), o.name, place(sources, o.file, o.span));
            for f in &o.failures {
                let _ = writeln!(out, "       {f}");
            }
        }
    }
    let _ = writeln!(out, "\n{}; finished in {:.2}s", counts(run), elapsed.as_secs_f64());
    out
}

/// `N passed, N failed, N filtered out`.
pub fn counts(run: &TestRun) -> String {
    let failed = run.outcomes.iter().filter(|o| !o.passed()).count();
    let passed = run.outcomes.len() - failed;
    format!("{passed} passed, {failed} failed, {} filtered out", run.filtered_out)
}

fn details(out: &mut String, o: &TestOutcome) {
    for f in &o.failures {
        let _ = writeln!(out, "       {f}");
    }
    for w in &o.warnings {
        let _ = writeln!(out, "       warning: {w}");
    }
}

/// What a part no test exercised is, in words.
fn uncovered(u: &Uncovered) -> String {
    match u.what {
        "rule" => format!("rule `{}` has no instance in any test", u.rule),
        "unless" => format!("an `unless` of `{}` never exempted anything", u.rule),
        _ => format!("the remedy of `{}` is never owed in a test", u.rule),
    }
}

/// The JSON report: counts, one object per test, and with `coverage` the
/// parts no test exercised.
pub fn json(run: &TestRun, sources: &Sources, coverage: bool) -> serde_json::Value {
    let tests: Vec<serde_json::Value> = run
        .outcomes
        .iter()
        .map(|o| {
            let file = sources.get(o.file);
            serde_json::json!({
                "name": o.name,
                "file": file.map(|f| f.name()),
                "line": file.map(|f| f.line_col(o.span.start).line),
                "passed": o.passed(),
                "failures": o.failures,
                "warnings": o.warnings,
            })
        })
        .collect();
    let failed = run.outcomes.iter().filter(|o| !o.passed()).count();
    let mut out = serde_json::json!({
        "passed": run.outcomes.len() - failed,
        "failed": failed,
        "filtered_out": run.filtered_out,
        "tests": tests,
    });
    if coverage {
        let not_covered: Vec<serde_json::Value> = run
            .uncovered
            .iter()
            .map(|u| serde_json::json!({ "rule": u.rule, "what": u.what, "at": place(sources, u.file, u.span) }))
            .collect();
        out["not_covered"] = serde_json::Value::Array(not_covered);
    }
    out
}

/// JUnit XML: a test suite per policy file, a test case per test (its
/// class name the file), each failure in a `<failure>` whose message is
/// the first unmet expectation and whose text lists them all.
pub fn junit(run: &TestRun, sources: &Sources, elapsed: Duration) -> Result<String, quick_junit::SerializeError> {
    let mut report = quick_junit::Report::new("tenet test");
    report.set_time(elapsed);
    let mut suites: Vec<(FileId, TestSuite)> = vec![];
    for o in &run.outcomes {
        let name = sources.get(o.file).map(|f| f.name()).unwrap_or_default();
        if suites.last().is_none_or(|(file, _)| *file != o.file) {
            suites.push((o.file, TestSuite::new(name.clone())));
        }
        let status = match o.failures.first() {
            None => TestCaseStatus::success(),
            Some(first) => {
                let mut failure = TestCaseStatus::non_success(NonSuccessKind::Failure);
                failure.set_message(first.as_str()).set_description(o.failures.join("\n"));
                failure
            }
        };
        let mut case = TestCase::new(o.name.as_str(), status);
        case.set_classname(name);
        if !o.warnings.is_empty() {
            case.set_system_out(o.warnings.iter().map(|w| format!("warning: {w}\n")).collect::<String>());
        }
        if let Some((_, suite)) = suites.last_mut() {
            suite.add_test_case(case);
        }
    }
    report.add_test_suites(suites.into_iter().map(|(_, s)| s));
    report.to_string()
}

/// The line saying that no test matched the filters.
pub fn nothing_selected(run: &TestRun) -> String {
    format!("no test matches the filters ({} test{} filtered out)\n", run.filtered_out, plural(run.filtered_out))
}
