//! `tenet check --format html`: the log is judged into a collector of what
//! the page shows, and the page is written once the run is over.

use super::check::{end_if_closed, run_warnings, CheckArgs};
use super::progress::LogBar;
use super::report;
use std::io::Write;
use tenet::check::Analysis;
use tenet::diagnostics::{render_human, RenderOptions};
use tenet::eval::Program;
use tenet::log::ReadOptions;
use tenet::report::html::{self, Collector};
use tenet::report::Report;
use tenet::Diagnostic;

/// What the run has settled before the log is read.
pub struct Run<'a> {
    /// The command line.
    pub args: &'a CheckArgs,
    /// The checked policies.
    pub analysis: &'a Analysis,
    /// The rules to judge.
    pub program: &'a Program,
    /// How to read the log.
    pub read: ReadOptions,
    /// The horizon given, if any.
    pub as_of: Option<tenet::time::Micros>,
    /// The policy's warnings (already said on standard error).
    pub warnings: Vec<Diagnostic>,
}

/// Judges the log and writes the page to `out`; returns the exit status.
pub fn run(run: Run, bar: Option<LogBar>, opts: RenderOptions, out: &mut impl Write) -> u8 {
    let Run { args, analysis, program, read, as_of, mut warnings } = run;
    // The evidence of the first violations of each rule (every one with
    // --all, none with --summary).
    let per_rule = match (args.summary, args.all) {
        (true, _) => Some(0),
        (false, true) => None,
        (false, false) => Some(html::EVIDENCE_PER_RULE),
    };
    let judged = super::check::run_log(args, program, &read, as_of, Collector::new(program, per_rule));
    if let Some(bar) = bar {
        bar.finish();
    }
    let (mut collected, stats, after) = match judged {
        Ok(x) => x,
        // No page: the old file, if any, stays as it was.
        Err(failure) => {
            report(&[failure.to_diagnostic()], analysis.sources(), opts);
            return 2;
        }
    };
    collected.summary.after_horizon = after;
    for bad in &stats.bad_lines {
        super::err(&render_human(&bad.to_skipped_diagnostic(), analysis.sources(), opts));
    }
    let added = run_warnings(analysis, program, &collected.summary, &stats, as_of);
    report(&added, analysis.sources(), opts);
    warnings.extend(added);
    let r = Report {
        program,
        sources: analysis.sources(),
        summary: &collected.summary,
        stats: &stats,
        logs: &args.events,
        horizon: as_of.or(stats.last_time).unwrap_or(0),
        warnings: &warnings,
    };
    let generated_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let written = html::write(&r, &collected, &generated_at, out).and_then(|()| out.flush());
    // Another write error is kept by the output and said when it is closed.
    end_if_closed(written.as_ref().err());
    if !stats.bad_lines.is_empty() {
        2
    } else if collected.summary.violated() > 0 {
        1
    } else {
        0
    }
}
