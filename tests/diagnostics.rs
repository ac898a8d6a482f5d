//! Error fixtures: each entry of `tests/fixtures/errors/` is a malformed
//! policy (a `.tenet` file, or a directory checked as one workspace) whose
//! `// expect: CODE` header lines name every diagnostic code it must produce,
//! and no other. The rendered diagnostics are snapshotted beside the fixture
//! (`NN_name.snap`), so a change of wording, label position or help text shows
//! up in review.

#![expect(clippy::unwrap_used, clippy::panic, reason = "test helpers fail loudly on a broken fixture")]

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use tenet::diagnostics::{render_human, RenderOptions};
use tenet::{Analysis, Diagnostic, FileId, Span};

/// The fixture directory, relative to the crate root.
const FIXTURES: &str = "tests/fixtures/errors";

/// Fewest fixtures the directory must hold.
const MIN_FIXTURES: usize = 45;

/// Every code a policy file can produce. Left out: `tenet::io`,
/// `tenet::no_policy_files`, `tenet::invalid_utf8` and `tenet::nul_byte`,
/// which need paths or bytes a text fixture cannot hold (tested in
/// `tests/cli.rs`).
const POLICY_CODES: &[&str] = &[
    // lexical and syntax
    "tenet::empty_file",
    "tenet::unterminated_string",
    "tenet::unterminated_comment",
    "tenet::too_deep",
    "tenet::expression_too_deep",
    "tenet::invisible_character",
    "tenet::invisible_character_in_text",
    "tenet::syntax",
    "tenet::number_too_large",
    "tenet::invalid_literal",
    "tenet::bad_escape",
    "tenet::duplicate_clause",
    "tenet::calendar_cycle",
    "tenet::no_business_day",
    "tenet::workday_is_holiday",
    // names
    "tenet::duplicate",
    "tenet::unknown_event",
    "tenet::unknown_field",
    "tenet::unknown_type",
    "tenet::unknown_rule",
    "tenet::unknown_timezone",
    "tenet::unknown_calendar",
    "tenet::unknown_jurisdiction",
    "tenet::unknown_alias",
    "tenet::unknown_function",
    "tenet::argument_count",
    "tenet::import_not_found",
    // jurisdictions
    "tenet::extends_cycle",
    "tenet::override_missing",
    "tenet::override_without_parent",
    "tenet::silent_shadowing",
    "tenet::second_jurisdiction",
    "tenet::rule_outside_jurisdiction",
    "tenet::empty_in_force",
    "tenet::missing_timezone",
    "tenet::given_out_of_order",
    // types
    "tenet::type_mismatch",
    "tenet::cannot_compare",
    "tenet::cannot_combine",
    "tenet::currency_mismatch",
    "tenet::non_positive_duration",
    "tenet::duration_too_long",
    "tenet::out_of_range",
    // rule shapes
    "tenet::within_on_forbid",
    "tenet::rule_shape",
    "tenet::bad_measure",
    "tenet::rate_of_wrong_rule",
    "tenet::measure_misuse",
    "tenet::no_remedy",
    // dated parameters
    "tenet::unknown_parameter",
    "tenet::param_empty",
    "tenet::param_order",
    "tenet::param_gap",
    "tenet::param_overlap",
    "tenet::param_not_covering",
    // warnings
    "tenet::missing_citation",
    "tenet::unused_event",
    "tenet::unreachable_unless",
    "tenet::unused_measure",
];

/// Runs from the crate root, so that the relative fixture paths given to
/// `analyze` are the paths printed in diagnostics on every machine.
fn enter_crate_root() {
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).unwrap();
}

/// The fixtures, sorted: `.tenet` files and directories, as relative paths.
fn fixtures() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(FIXTURES)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir() || p.extension().is_some_and(|e| e == "tenet"))
        .collect();
    out.sort();
    out
}

/// The name of a fixture: its file stem or directory name.
fn fixture_name(fixture: &Path) -> String {
    fixture.file_stem().unwrap().to_string_lossy().into_owned()
}

/// The `.tenet` files of a fixture.
fn fixture_files(fixture: &Path) -> Vec<PathBuf> {
    tenet::workspace::policy_files(fixture).unwrap()
}

/// The codes named by `// expect: CODE` lines in the files of a fixture.
fn expected_codes(fixture: &Path) -> BTreeSet<String> {
    let mut codes = BTreeSet::new();
    for file in fixture_files(fixture) {
        let text = std::fs::read_to_string(&file).unwrap();
        for line in text.lines() {
            if let Some(code) = line.trim().strip_prefix("// expect:") {
                codes.insert(code.trim().to_string());
            }
        }
    }
    codes
}

/// Analyses a fixture, turning a panic into a test failure naming it.
fn analyze(fixture: &Path) -> Analysis {
    let paths = [fixture.to_path_buf()];
    match std::panic::catch_unwind(|| tenet::analyze(&paths)) {
        Ok(analysis) => analysis,
        Err(_) => panic!("{}: the analysis panicked", fixture.display()),
    }
}

/// Problems with the spans of one diagnostic: each must lie within the
/// text of the file it points into, on character boundaries.
fn span_problems(analysis: &Analysis, d: &Diagnostic) -> Vec<String> {
    let code = d.problem.code();
    let Some(file) = d.file else {
        return vec![format!("`{code}` belongs to no file")];
    };
    let mut spans: Vec<(&str, FileId, Span)> = vec![("span", file, d.span)];
    spans.extend(d.related.iter().map(|r| ("related span", r.file, r.span)));
    if let Some(fix) = &d.fix {
        spans.push(("fix span", file, fix.span));
    }
    let mut out = vec![];
    for (what, file, span) in spans {
        let Some(source) = analysis.sources().get(file) else {
            out.push(format!("`{code}`: {what} points into an unknown file {file:?}"));
            continue;
        };
        let text = &source.text;
        let inside = span.start <= span.end && span.end <= text.len();
        if !inside || !text.is_char_boundary(span.start) || !text.is_char_boundary(span.end) {
            out.push(format!(
                "`{code}`: {what} {}..{} is not within the {} bytes of {}",
                span.start,
                span.end,
                text.len(),
                source.name()
            ));
        }
    }
    out
}

/// Every diagnostic of an analysis, rendered as the CLI shows it on an
/// 80-column terminal without colour.
fn render(analysis: &Analysis) -> String {
    let opts = RenderOptions { color: false, width: 80 };
    let mut out = String::new();
    for d in &analysis.diagnostics {
        let _ = writeln!(out, "{}", render_human(d, analysis.sources(), opts));
    }
    out
}

#[test]
fn fixtures_produce_exactly_the_expected_diagnostics() {
    enter_crate_root();
    let mut failures = vec![];
    let mut rendered = vec![];
    for fixture in fixtures() {
        let expected = expected_codes(&fixture);
        if expected.is_empty() {
            failures.push(format!("{}: no `// expect:` line", fixture.display()));
        }
        let analysis = analyze(&fixture);
        let found: BTreeSet<String> = analysis.diagnostics.iter().map(|d| d.problem.code().to_string()).collect();
        if found != expected {
            let missing: Vec<_> = expected.difference(&found).collect();
            let extra: Vec<_> = found.difference(&expected).collect();
            failures.push(format!(
                "{}: missing {missing:?}, unexpected {extra:?}\n{}",
                fixture.display(),
                render(&analysis)
            ));
        }
        for d in &analysis.diagnostics {
            for p in span_problems(&analysis, d) {
                failures.push(format!("{}: {p}", fixture.display()));
            }
        }
        rendered.push((fixture, render(&analysis)));
    }
    assert!(failures.is_empty(), "{} problem(s):\n\n{}", failures.len(), failures.join("\n\n"));

    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURES));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    for (fixture, text) in rendered {
        settings.set_input_file(&fixture);
        settings.bind(|| insta::assert_snapshot!(fixture_name(&fixture), text));
    }
}

#[test]
fn fixtures_cover_every_policy_code() {
    enter_crate_root();
    let all = fixtures();
    assert!(all.len() >= MIN_FIXTURES, "{} fixtures, want at least {MIN_FIXTURES}", all.len());

    let covered: BTreeSet<String> = all.iter().flat_map(|f| expected_codes(f)).collect();
    let uncovered: Vec<&str> = POLICY_CODES.iter().copied().filter(|c| !covered.contains(*c)).collect();
    assert!(uncovered.is_empty(), "no fixture expects {uncovered:?}");

    let known: BTreeSet<&str> = POLICY_CODES.iter().copied().collect();
    let unknown: Vec<&String> = covered.iter().filter(|c| !known.contains(c.as_str())).collect();
    assert!(unknown.is_empty(), "fixtures expect codes missing from POLICY_CODES: {unknown:?}");
}

#[test]
fn every_snapshot_belongs_to_a_fixture() {
    enter_crate_root();
    let names: BTreeSet<String> = fixtures().iter().map(|f| fixture_name(f)).collect();
    let mut orphans = vec![];
    for entry in std::fs::read_dir(FIXTURES).unwrap() {
        let path = entry.unwrap().path();
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        if let Some(stem) = file.strip_suffix(".snap") {
            if !names.contains(stem) {
                orphans.push(file);
            }
        }
    }
    assert!(orphans.is_empty(), "snapshots without a fixture: {orphans:?}");
}
