//! `tenet test`: run inline test blocks.

use super::report;
use std::path::PathBuf;
use std::time::Instant;
use tenet::diagnostics::RenderOptions;
use tenet::report::test_run::{self, Look};
use tenet::select::Selection;
use tenet::testing::{run_selected_with, TestFilter};

/// Arguments of `tenet test`.
#[derive(clap::Args)]
pub struct TestArgs {
    /// Policy files or directories.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Only tests whose name contains this text.
    #[arg(long)]
    pub filter: Option<String>,
    /// Only the tests of files of this jurisdiction (a code such as `BR`;
    /// repeat for several).
    #[arg(long = "jurisdiction", value_name = "CODE")]
    pub jurisdictions: Vec<String>,
    /// Only the tests that expect a verdict of a rule of this name or glob
    /// (`answer_*`; repeat for several).
    #[arg(long = "rule", value_name = "NAME|GLOB")]
    pub rules: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TestFormat::Human)]
    pub format: TestFormat,
    /// Show no progress bar (it is shown only when standard error is a
    /// terminal).
    #[arg(long, short)]
    pub quiet: bool,
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
    /// JUnit XML, for CI systems.
    Junit,
}

/// Runs `tenet test`; returns the exit status. `color` tells whether
/// standard output takes colour.
pub fn run(args: &TestArgs, opts: RenderOptions, color: bool) -> u8 {
    let started = Instant::now();
    let analysis = tenet::analyze(&args.paths);
    if analysis.has_errors() || analysis.workspace.io_failed {
        report(&analysis.diagnostics, analysis.sources(), opts);
        return if analysis.workspace.io_failed { 2 } else { 1 };
    }
    // Compiled only to tell a filter that matches nothing.
    let selection = Selection::new(&args.jurisdictions, &args.rules).and_then(|s| s.compile(&analysis).map(|_| s));
    let selection = match selection {
        Ok(s) => s,
        Err(errors) => {
            report(&errors, analysis.sources(), opts);
            return 2;
        }
    };
    let filter = TestFilter { name: args.filter.as_deref(), selection: &selection };
    let bar = super::progress::wanted(args.quiet).then(|| super::progress::tests(0));
    let run = run_selected_with(&analysis, &filter, &mut |done, total| {
        if let Some(bar) = &bar {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let elapsed = started.elapsed();
    let sources = analysis.sources();
    match args.format {
        TestFormat::Human => {
            super::out(&test_run::human(&run, sources, Look { color, coverage: args.coverage }, elapsed));
        }
        TestFormat::Json => {
            let json = test_run::json(&run, sources, args.coverage);
            super::out(&format!("{}\n", serde_json::to_string_pretty(&json).unwrap_or_default()));
        }
        TestFormat::Junit => match test_run::junit(&run, sources, elapsed) {
            Ok(xml) => super::out(&xml),
            Err(e) => {
                super::err(&format!("error: cannot write the JUnit report: {e}\n"));
                return 2;
            }
        },
    }
    if run.outcomes.is_empty() && run.filtered_out > 0 {
        super::err(&format!("error: {}", test_run::nothing_selected(&run)));
        return 2;
    }
    u8::from(run.outcomes.iter().any(|o| !o.passed()))
}
