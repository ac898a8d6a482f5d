//! `tenet test`: run inline test blocks.

use super::report;
use std::path::PathBuf;
use tenet::diagnostics::RenderOptions;
use tenet::testing::run_tests_with_coverage;

/// Arguments of `tenet test`.
#[derive(clap::Args)]
pub struct TestArgs {
    /// Policy files or directories.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Only tests whose name contains this text.
    #[arg(long)]
    pub filter: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TestFormat::Human)]
    pub format: TestFormat,
    /// Also list the rules, `unless` branches and remedies no test exercised.
    #[arg(long)]
    pub coverage: bool,
}

/// Output formats of `tenet test` (one document: no JSON Lines or SARIF).
#[derive(Clone, Copy, clap::ValueEnum, PartialEq, Eq, Debug)]
pub enum TestFormat {
    /// For people.
    Human,
    /// Stable JSON.
    Json,
}

/// Runs `tenet test`; returns the exit status.
pub fn run(args: &TestArgs, opts: RenderOptions) -> u8 {
    let analysis = tenet::analyze(&args.paths);
    if analysis.has_errors() || analysis.workspace.io_failed {
        report(&analysis.diagnostics, analysis.sources(), opts);
        return if analysis.workspace.io_failed { 2 } else { 1 };
    }
    let (outcomes, uncovered) = run_tests_with_coverage(&analysis, args.filter.as_deref());
    let place = |file, span: tenet::Span| {
        analysis
            .sources()
            .get(file)
            .map(|f| format!("{}:{}", f.name(), f.line_col(span.start).line))
            .unwrap_or_default()
    };
    let failed = outcomes.iter().filter(|o| !o.passed()).count();
    let passed = outcomes.len() - failed;
    if args.format == TestFormat::Human {
        for o in &outcomes {
            let file = analysis.sources().get(o.file).map(|f| (f.name(), f.line_col(o.span.start).line));
            let place = file.map(|(n, l)| format!("{n}:{l}")).unwrap_or_default();
            super::out(&format!("{} {} ({place})\n", if o.passed() { "ok  " } else { "FAIL" }, o.name));
            for f in &o.failures {
                super::out(&format!("       {f}\n"));
            }
            for w in &o.warnings {
                super::out(&format!("       warning: {w}\n"));
            }
        }
        if args.coverage {
            for u in &uncovered {
                let what = match u.what {
                    "rule" => format!("rule `{}` has no instance in any test", u.rule),
                    "unless" => format!("an `unless` of `{}` never exempted anything", u.rule),
                    _ => format!("the remedy of `{}` is never owed in a test", u.rule),
                };
                super::out(&format!("not covered: {what} ({})\n", place(u.file, u.span)));
            }
            super::out(&format!("coverage: {} part(s) not exercised\n", uncovered.len()));
        }
        super::out(&format!("{passed} passed, {failed} failed\n"));
    } else {
        let tests: Vec<serde_json::Value> = outcomes
            .iter()
            .map(|o| {
                let file = analysis.sources().get(o.file);
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
        let not_covered: Vec<serde_json::Value> = uncovered
            .iter()
            .map(|u| serde_json::json!({ "rule": u.rule, "what": u.what, "at": place(u.file, u.span) }))
            .collect();
        let mut out = serde_json::json!({ "passed": passed, "failed": failed, "tests": tests });
        if args.coverage {
            out["not_covered"] = serde_json::Value::Array(not_covered);
        }
        super::out(&format!("{}\n", serde_json::to_string_pretty(&out).unwrap_or_default()));
    }
    u8::from(failed > 0)
}
