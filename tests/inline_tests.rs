//! The inline tests of the semantics suite and the policy library pass, and
//! a file of deliberately wrong expectations fails on every one of them.

use std::path::PathBuf;
use tenet::testing::run_tests;

fn run(path: &str) -> Vec<tenet::testing::TestOutcome> {
    let analysis = tenet::analyze(&[PathBuf::from(path)]);
    let errors: Vec<_> = analysis.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{path} has errors: {errors:#?}");
    run_tests(&analysis, None)
}

#[test]
fn semantics_suite_passes() {
    let outcomes = run("tests/semantics");
    let failed: Vec<_> = outcomes.iter().filter(|o| !o.passed()).map(|o| (&o.name, &o.failures)).collect();
    assert!(failed.is_empty(), "failing: {failed:#?}");
    assert!(outcomes.len() >= 40, "only {} tests ran", outcomes.len());
}

#[test]
fn policy_library_tests_pass() {
    let outcomes = run("policies");
    let failed: Vec<_> = outcomes.iter().filter(|o| !o.passed()).map(|o| (&o.name, &o.failures)).collect();
    assert!(failed.is_empty(), "failing: {failed:#?}");
    assert!(!outcomes.is_empty());
}

#[test]
fn wrong_expectations_fail_with_the_evidence() {
    let outcomes = run("tests/fixtures/failing");
    let failures: Vec<(String, String)> =
        outcomes.iter().flat_map(|o| o.failures.iter().map(|f| (o.name.clone(), f.clone()))).collect();
    let expected = [
        ("satisfied is not violated", "expected violated `answer_24h` for case \"A\", found satisfied (met in time)"),
        ("wrong count", "expected 2 satisfied instance(s) `answer_24h`, found satisfied (met in time); pending"),
        ("wrong key", "expected satisfied `answer_24h` for case \"Z\", found no instance"),
        ("wrong remedy", "expected remedy 6 EUR for `answer_24h` for case \"A\", found 7 EUR"),
        ("pending is not violated", "expected violated `answer_24h` for case \"A\", found pending"),
    ];
    assert_eq!(failures.len(), expected.len(), "{failures:#?}");
    for ((name, text), (want_name, want_start)) in failures.iter().zip(expected) {
        assert_eq!(name, want_name);
        assert!(text.starts_with(want_start), "{name}: {text}");
    }
}

#[test]
fn coverage_names_what_no_test_exercised() {
    let analysis = tenet::analyze(&[PathBuf::from("tests/fixtures/coverage")]);
    let (outcomes, uncovered) = tenet::testing::run_tests_with_coverage(&analysis, None);
    assert!(outcomes.iter().all(|o| o.passed()));
    let text = &analysis.sources().iter().next().unwrap().1.text;
    let found: Vec<(String, &str, &str)> =
        uncovered.iter().map(|u| (u.rule.clone(), u.what, &text[u.span.start..u.span.end])).collect();
    assert_eq!(
        found,
        [
            ("repair_48h".to_string(), "remedy", "repair_48h"),
            ("repair_48h".to_string(), "unless", "unless storm_declared where line == f.line"),
            ("no_fees".to_string(), "rule", "no_fees"),
        ]
    );
}
