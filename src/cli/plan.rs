//! `tenet plan`: how `tenet check --slices N` would slice a policy.

use super::report;
use std::path::PathBuf;
use tenet::diagnostics::RenderOptions;
use tenet::select::Selection;

/// Arguments of `tenet plan`.
#[derive(clap::Args)]
pub struct PlanArgs {
    /// Policy files or directories.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The number of slices.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=4096))]
    pub slices: u16,
    /// Plan only the rules of this jurisdiction (repeatable).
    #[arg(long = "jurisdiction", value_name = "CODE")]
    pub jurisdictions: Vec<String>,
    /// Plan only the rules of this name or glob (repeatable).
    #[arg(long = "rule", value_name = "NAME|GLOB")]
    pub rules: Vec<String>,
}

/// Prints the plan as JSON; the exit status.
pub fn run(args: &PlanArgs, opts: RenderOptions) -> u8 {
    let analysis = tenet::analyze(&args.paths);
    if analysis.has_errors() || analysis.workspace.io_failed {
        let errors: Vec<_> = analysis.diagnostics.iter().filter(|d| d.is_error()).cloned().collect();
        report(&errors, analysis.sources(), opts);
        return if analysis.workspace.io_failed { 2 } else { 1 };
    }
    let program = match Selection::new(&args.jurisdictions, &args.rules).and_then(|s| s.compile(&analysis)) {
        Ok(program) => program,
        Err(errors) => {
            report(&errors, analysis.sources(), opts);
            return 2;
        }
    };
    let plan = tenet::slice::Plan::new(&program);
    let doc = tenet::slice::plan_json(&program, &plan, usize::from(args.slices));
    let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    super::out(&format!("{text}\n"));
    0
}
