//! `tenet check`: the static check, and with `--events` the verdicts.

use super::output::{cannot_write, Output};
use super::progress::LogBar;
use super::{plural, report};
use crate::Format;
use std::io::IsTerminal;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use tenet::check::Analysis;
use tenet::diagnostics::{render_human, JsonDiagnostic, RenderOptions};
use tenet::eval::Streamed;
use tenet::log::{ReadOptions, ReadProgress};
use tenet::report::checked::Checked;
use tenet::report::{background, failure, human, json, jsonl, log_types, sarif, Context, Report, Streaming};
use tenet::select::Selection;
use tenet::{Diagnostic, Problem, Sources};

/// Arguments of `tenet check`.
#[derive(clap::Args, Clone)]
pub struct CheckArgs {
    /// Policy files or directories.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Event logs to judge (JSON Lines, CSV, XES; `.gz` too; Parquet,
    /// Arrow IPC), one or more after one `--events` (policies come first):
    /// several files are one log. A folder stands for the `.parquet` and
    /// `.arrow` files in it, by name. `-` reads standard input (with
    /// --log-format).
    #[arg(long = "events", value_name = "LOG", num_args = 1..)]
    pub events: Vec<PathBuf>,
    /// Output format: `html` is one self-contained page (tables, charts,
    /// evidence) to keep or send, and needs --events.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the report to this file instead of standard output; the file
    /// is replaced only once the report is complete.
    #[arg(long, short, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// The horizon (RFC 3339): obligations due after it are pending. Default: the last event's time.
    #[arg(long = "as-of", value_name = "TIME")]
    pub as_of: Option<String>,
    /// Sort the log by time instead of failing on an out-of-order event.
    #[arg(long)]
    pub sort: bool,
    /// Report every bad log line, count it, and evaluate the rest (exit status 2 if any).
    #[arg(long = "keep-going")]
    pub keep_going: bool,
    /// Print only the per-rule table (JSON Lines: only the summary line).
    #[arg(long)]
    pub summary: bool,
    /// List every violation in the human report (by default, 10 per rule
    /// and how many more).
    #[arg(long, conflicts_with = "summary")]
    pub all: bool,
    /// Also list the event types of the log that the policy never names
    /// (JSON reports always list them, as `log_types_not_named`).
    #[arg(long = "explain-log", requires = "events")]
    pub explain_log: bool,
    /// Judge only the rules of this jurisdiction (a code such as `BR`;
    /// repeat for several). A log names no jurisdiction: the policies do.
    #[arg(long = "jurisdiction", value_name = "CODE", requires = "events")]
    pub jurisdictions: Vec<String>,
    /// Judge only the rules of this name or glob (`answer_*`; repeat for
    /// several). A measure a selected rate counts is judged too.
    #[arg(long = "rule", value_name = "NAME|GLOB", requires = "events")]
    pub rules: Vec<String>,
    /// Show no progress bar (it is shown only when standard error is a
    /// terminal).
    #[arg(long, short)]
    pub quiet: bool,
    /// Threads for parsing the log, and at most as many for evaluating its
    /// rules (default: the number of CPUs).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Judge the log in N slices by correlation key, on at most as many
    /// threads as CPUs, and merge them: the report is the one an unsliced
    /// run gives, byte for byte (see `tenet plan`).
    #[arg(long, value_name = "N", requires = "events", value_parser = clap::value_parser!(u16).range(1..=4096))]
    pub slices: Option<u16>,
    /// The format of the log files, whatever their names (default: by
    /// extension); needed to read standard input (`--events -`).
    #[arg(long = "log-format", value_enum, value_name = "FORMAT")]
    pub log_format: Option<LogFormat>,
    /// The time zone (IANA name, such as `Europe/London`) of Parquet and
    /// Arrow timestamp columns written without one; without it such a
    /// column is an error. Text times always need an offset.
    #[arg(long = "log-timezone", value_name = "ZONE", requires = "events")]
    pub log_timezone: Option<String>,
}

/// Formats of event logs.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum LogFormat {
    /// One JSON object per line.
    Jsonl,
    /// CSV with a header row.
    Csv,
    /// IEEE 1849 XES.
    Xes,
    /// Apache Parquet.
    Parquet,
    /// Apache Arrow IPC, file or stream (`.arrow`, `.arrows`).
    Arrow,
}

impl From<LogFormat> for tenet::log::Format {
    fn from(f: LogFormat) -> Self {
        match f {
            LogFormat::Jsonl => tenet::log::Format::Jsonl,
            LogFormat::Csv => tenet::log::Format::Csv,
            LogFormat::Xes => tenet::log::Format::Xes,
            LogFormat::Parquet => tenet::log::Format::Parquet,
            LogFormat::Arrow => tenet::log::Format::Arrow,
        }
    }
}

/// The report's destination, buffered: standard output or `--output`.
type Out = BufWriter<Output>;

/// Runs `tenet check`; returns the exit status. `opts` renders what goes to
/// standard error, `out_opts` the violations on standard output.
pub fn run(args: &CheckArgs, opts: RenderOptions, out_opts: RenderOptions) -> u8 {
    let output = match Output::open(args.output.as_deref()) {
        Ok(output) => output,
        Err(e) => return cannot_write_to(args, &e, opts),
    };
    // A file gets plain text, as a pipe does.
    let out_opts =
        if output.is_file() { RenderOptions { color: false, width: RenderOptions::UNWRAPPED } } else { out_opts };
    let mut out = BufWriter::with_capacity(1 << 16, output);
    let status = check(args, opts, out_opts, &mut out);
    let finished = match out.into_inner() {
        Ok(output) => output.finish(),
        Err(e) => Err(e.into_error()),
    };
    match finished {
        Ok(()) => status,
        Err(e) => cannot_write_to(args, &e, opts),
    }
}

/// Says that the report could not be written; the exit status.
fn cannot_write_to(args: &CheckArgs, e: &std::io::Error, opts: RenderOptions) -> u8 {
    end_if_closed(Some(e));
    match &args.output {
        Some(path) => report(&[cannot_write(path, e)], &Sources::new(), opts),
        None => super::err(&format!("error: cannot write the report: {e}\n")),
    }
    2
}

fn check(args: &CheckArgs, opts: RenderOptions, out_opts: RenderOptions, out: &mut Out) -> u8 {
    let analysis = tenet::analyze(&args.paths);
    if let Some(p) = args.events.iter().find(|p| p.extension().is_some_and(|e| e == "tenet")) {
        let reason = format!(
            "`{}` is a policy: write the policies first, then `--events` and the logs",
            tenet::span::display_path(p)
        );
        let usage = Diagnostic::global(Problem::Io { path: "--events".into(), reason });
        return fail(args.format, &[usage], analysis.sources(), opts, 2, out);
    }
    if args.events.is_empty() && args.format == Format::Html {
        let usage = Diagnostic::global(Problem::HtmlNeedsEvents);
        return fail(args.format, &[usage], analysis.sources(), opts, 2, out);
    }
    if args.events.is_empty() {
        return static_check(&analysis, args.format, opts, out);
    }
    if analysis.has_errors() || analysis.workspace.io_failed {
        if matches!(args.format, Format::Human | Format::Html) {
            return static_check(&analysis, Format::Human, opts, out).max(1);
        }
        let errors: Vec<Diagnostic> = analysis.diagnostics.iter().filter(|d| d.is_error()).cloned().collect();
        let status = if analysis.workspace.io_failed { 2 } else { 1 };
        return fail(args.format, &errors, analysis.sources(), opts, status, out);
    }
    let mut warnings: Vec<Diagnostic> = analysis.diagnostics.clone();
    if matches!(args.format, Format::Human | Format::Html) {
        report(&warnings, analysis.sources(), opts);
    }
    let as_of = match &args.as_of {
        None => None,
        Some(text) => match tenet::time::parse_instant(text) {
            Some(t) => Some(t),
            None => {
                let reason = format!("`{text}` is not an RFC 3339 time such as 2026-04-01T00:00:00Z");
                let bad = Diagnostic::global(Problem::Io { path: "--as-of".into(), reason });
                return fail(args.format, &[bad], analysis.sources(), opts, 2, out);
            }
        },
    };
    let program = match Selection::new(&args.jurisdictions, &args.rules).and_then(|s| s.compile(&analysis)) {
        Ok(program) => program,
        Err(errors) => return fail(args.format, &errors, analysis.sources(), opts, 2, out),
    };
    let timezone = match args.log_timezone.as_deref().map(|z| (z, z.parse::<chrono_tz::Tz>())) {
        None => None,
        Some((_, Ok(tz))) => Some(tz),
        Some((zone, Err(_))) => {
            let reason = format!("`{zone}` is not an IANA time zone such as `Europe/London` or `America/Sao_Paulo`");
            let bad = Diagnostic::global(Problem::Io { path: "--log-timezone".into(), reason });
            return fail(args.format, &[bad], analysis.sources(), opts, 2, out);
        }
    };
    // A folder stands for the Parquet and Arrow files in it: reports
    // name each file.
    let expanded;
    let args = match tenet::log::expand_folders(&args.events) {
        Ok(events) if events == args.events => args,
        Ok(events) => {
            expanded = CheckArgs { events, ..args.clone() };
            &expanded
        }
        Err(failure) => return fail(args.format, &[failure.to_diagnostic()], analysis.sources(), opts, 2, out),
    };
    let threads = args.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    let format = args.log_format.map(Into::into);
    // A bar on standard error, unless a report streams to the same terminal.
    let streams_to_terminal = args.format != Format::Human && args.output.is_none() && std::io::stdout().is_terminal();
    let progress = (super::progress::wanted(args.quiet) && !streams_to_terminal).then(ReadProgress::new);
    let bar = progress.clone().map(|p| LogBar::start(&args.events, p));
    let read = ReadOptions {
        sort: args.sort,
        keep_going: args.keep_going,
        threads,
        format,
        progress,
        timezone,
        ..ReadOptions::default()
    };
    if args.format == Format::Html {
        let run = super::html::Run { args, analysis: &analysis, program: &program, read, as_of, warnings };
        return super::html::run(run, bar, opts, out);
    }
    // People see a few violations per rule (every one with --all); programs get them all.
    // With --summary, none (the JSON report then has no `violations`).
    let summary = match (args.format, args.summary) {
        (_, true) => tenet::eval::Summary::keeping(&program, 0),
        (Format::Human, false) if !args.all => tenet::eval::Summary::keeping(&program, human::SHOWN_PER_RULE),
        _ => tenet::eval::Summary::new(&program),
    };
    // JSON, JSON Lines and SARIF are written while the log is read, each violation as it
    // is decided (with --summary there is none to write).
    // Standard output unlocked (a locked one cannot move to the writer
    // thread); buffered, so it is locked once per 64 KiB.
    let ctx = Context { program: &program, logs: &args.events };
    let streaming = match (args.format, args.summary) {
        (Format::Json, false) => Some(Streaming::Json(json::Stream::begin(out, ctx))),
        (Format::Jsonl, false) => Some(Streaming::Jsonl(jsonl::Stream::begin(out, ctx))),
        (Format::Sarif, false) => Some(Streaming::Sarif(sarif::Stream::begin(out, ctx, analysis.sources()))),
        _ => None,
    };
    let (run, streaming) = match streaming {
        None => {
            let run = run_log(args, &program, &read, as_of, summary).map(|(mut summary, stats, after)| {
                summary.after_horizon = after;
                (summary, stats)
            });
            (run, None)
        }
        // The report is formatted on a thread of its own while the log is
        // evaluated.
        Some(stream) => std::thread::scope(|scope| {
            let (mut handoff, writer) = background::start(scope, stream, |e| end_if_closed(Some(e)));
            let sink = Streamed::new(&program, |v| handoff.push(v));
            let run = run_log(args, &program, &read, as_of, sink).map(|(sink, stats, after)| {
                let mut summary = sink.into_summary();
                summary.after_horizon = after;
                (summary, stats)
            });
            handoff.close();
            // The writer only ends by returning the report.
            let stream = writer.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (run, Some(stream))
        }),
    };
    if let Some(bar) = bar {
        bar.finish();
    }
    let (summary, stats) = match run {
        Ok(x) => x,
        Err(failure) => {
            let diagnostic = failure.to_diagnostic();
            let Some(s) = streaming else {
                return fail(args.format, &[diagnostic], analysis.sources(), opts, 2, out);
            };
            report(std::slice::from_ref(&diagnostic), analysis.sources(), opts);
            let written = s.fail(&JsonDiagnostic::from_diagnostic(&diagnostic, analysis.sources()));
            end_if_closed(written.err().as_ref());
            return 2;
        }
    };
    let horizon = as_of.or(stats.last_time).unwrap_or(0);
    let calendar = run_warnings(&analysis, &program, &summary, &stats, as_of);
    if args.format == Format::Human {
        report(&calendar, analysis.sources(), opts);
    }
    warnings.extend(calendar);
    let r = Report {
        program: &program,
        sources: analysis.sources(),
        summary: &summary,
        stats: &stats,
        logs: &args.events,
        horizon,
        warnings: &warnings,
    };
    let written = match (args.format, streaming) {
        (_, Some(s)) => s.finish(&r),
        (Format::Json, None) => json::write(&r, out),
        (Format::Jsonl, None) => jsonl::write(&r, out),
        (Format::Sarif, None) => sarif::write(&r, out),
        (Format::Human | Format::Html, None) => {
            for bad in &stats.bad_lines {
                super::err(&render_human(&bad.to_skipped_diagnostic(), analysis.sources(), opts));
            }
            if !args.summary {
                let per_rule = if args.all { None } else { Some(human::SHOWN_PER_RULE) };
                show(out, &human::violations(&r, out_opts, per_rule));
            }
            let customers = if args.all { None } else { Some(human::SHOWN_CUSTOMERS) };
            show(out, &human::table_and_remedies(&r, customers));
            if args.explain_log {
                show(out, &log_types::section(&stats));
            }
            Ok(())
        }
    };
    // A write error is kept by the output and said when it is closed.
    drop(written);
    if !stats.bad_lines.is_empty() {
        2
    } else if summary.violated() > 0 {
        1
    } else {
        0
    }
}

/// Judges the log into `sink`, in slices with `--slices`; also returns how
/// many events were later than the horizon.
pub(super) fn run_log<S: tenet::eval::Sink>(
    args: &CheckArgs,
    program: &tenet::eval::Program,
    read: &ReadOptions,
    as_of: Option<tenet::time::Micros>,
    sink: S,
) -> Result<(S, tenet::log::ReadStats, u64), tenet::log::LogFailure> {
    match args.slices {
        Some(n) => tenet::slice::run_log_sliced(program, usize::from(n), &args.events, read, as_of, sink),
        None => tenet::eval::run_log_with(program, &args.events, read, as_of, sink),
    }
}

/// The warnings a run adds to the policy's: years a business calendar does
/// not cover, remedies not computed, event types the log never had.
pub(super) fn run_warnings(
    analysis: &Analysis,
    program: &tenet::eval::Program,
    summary: &tenet::eval::Summary,
    stats: &tenet::log::ReadStats,
    as_of: Option<tenet::time::Micros>,
) -> Vec<Diagnostic> {
    let mut warnings =
        tenet::eval::calendar_warnings(program, &summary.calendar_gaps, stats.first_time, stats.last_time, as_of);
    warnings.extend(tenet::eval::remedy_warnings(program, &summary.remedy_errors));
    warnings.extend(log_types::unseen_type_warnings(analysis, program, stats));
    warnings
}

/// Writes text of the human report at once (it follows what standard
/// error said), ending quietly when the reader has gone.
fn show(out: &mut Out, text: &str) {
    let written = out.write_all(text.as_bytes()).and_then(|()| out.flush());
    end_if_closed(written.as_ref().err());
}

/// Ends the process quietly, as Unix tools do, once the reader of the
/// output has gone.
pub(super) fn end_if_closed(error: Option<&std::io::Error>) {
    if error.is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) {
        std::process::exit(141);
    }
}

fn static_check(analysis: &Analysis, format: Format, opts: RenderOptions, out: &mut Out) -> u8 {
    let diags = &analysis.diagnostics;
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    let files = analysis.sources().iter().count();
    let json = || diags.iter().map(|d| JsonDiagnostic::from_diagnostic(d, analysis.sources())).collect::<Vec<_>>();
    let names = || analysis.sources().iter().map(|(_, f)| f.name()).collect::<Vec<_>>();
    let written = match format {
        Format::Human | Format::Html => {
            report(diags, analysis.sources(), opts);
            super::err(&format!(
                "checked {files} file{}: {errors} error{}, {warnings} warning{}\n",
                plural(files),
                plural(errors),
                plural(warnings)
            ));
            Ok(())
        }
        Format::Json => Checked::new(names(), &json()).write_json(out),
        Format::Jsonl => Checked::new(names(), &json()).write_jsonl(out),
        Format::Sarif => sarif::write_diagnostics(&json(), !analysis.workspace.io_failed, out),
    };
    // A write error is kept by the output and said when it is closed.
    drop(written);
    if analysis.workspace.io_failed {
        2
    } else if errors > 0 {
        1
    } else {
        0
    }
}

/// Ends a run that gives no verdicts with `status`: the diagnostics that
/// stopped it on standard error and, for a program reading the output, one
/// document holding them in the report.
pub(super) fn fail(
    format: Format,
    diags: &[Diagnostic],
    sources: &Sources,
    opts: RenderOptions,
    status: u8,
    out: &mut Out,
) -> u8 {
    report(diags, sources, opts);
    let json: Vec<JsonDiagnostic> = diags.iter().map(|d| JsonDiagnostic::from_diagnostic(d, sources)).collect();
    let written = match format {
        // People read standard error; a page without verdicts is no page.
        Format::Human | Format::Html => Ok(()),
        Format::Json => failure::write_json(&json, out),
        Format::Jsonl => failure::write_jsonl(&json, out),
        Format::Sarif => sarif::write_diagnostics(&json, false, out),
    };
    // A write error is kept by the output and said when it is closed.
    drop(written);
    status
}
