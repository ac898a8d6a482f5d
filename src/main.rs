//! The `tenet` command line: a thin front end over the library.
//!
//! Exit codes: 0 clean, 1 problems found (policy errors, unformatted files),
//! 2 usage or I/O errors.

use clap::{Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use tenet::diagnostics::{render_human, JsonDiagnostic, RenderOptions};
use tenet::workspace::{io_reason, policy_files};
use tenet::{Diagnostic, Problem, Sources};

#[derive(Parser)]
#[command(
    name = "tenet",
    version,
    about = "Policy-as-code for consumer-protection standards in telecom customer service"
)]
struct Cli {
    /// When to colour output: auto (a terminal and NO_COLOR unset), always, never.
    #[arg(long, value_enum, default_value_t = Color::Auto, global = true)]
    color: Color,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum Format {
    Human,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Check policy files: syntax, names, types, schemas, calendars.
    ///
    /// Files and directories (searched recursively for `.tenet` files) are
    /// checked together with the files they import. Exit status: 0 when no
    /// error was found (warnings allowed), 1 when some error was, 2 when a
    /// path cannot be read.
    #[command(after_help = "Examples:\n  tenet check policies/br/sac.tenet\n  tenet check policies/ --format json")]
    Check {
        /// Policy files or directories.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Format policy files in place, in the canonical layout.
    ///
    /// Formatting keeps every comment and never changes meaning. With
    /// `--check`, nothing is written: the files that would change are listed
    /// and the exit status is 1 if there is any.
    #[command(after_help = "Examples:\n  tenet fmt policies/\n  tenet fmt --check policies/br/sac.tenet")]
    Fmt {
        /// Policy files or directories.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Only report files that are not formatted.
        #[arg(long)]
        check: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = match cli.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let width = if std::io::stderr().is_terminal() { 100 } else { 80 };
    let opts = RenderOptions { color, width };
    let code = match cli.command {
        Command::Check { paths, format } => check(&paths, format, opts),
        Command::Fmt { paths, check } => fmt(&paths, check, opts),
    };
    ExitCode::from(code)
}

fn check(paths: &[PathBuf], format: Format, opts: RenderOptions) -> u8 {
    let analysis = tenet::analyze(paths);
    let diags = &analysis.diagnostics;
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    let files = analysis.sources().iter().count();
    match format {
        Format::Json => {
            let out = serde_json::json!({
                "files": analysis.sources().iter().map(|(_, f)| f.name()).collect::<Vec<_>>(),
                "errors": errors,
                "warnings": warnings,
                "diagnostics": diags.iter().map(|d| JsonDiagnostic::from_diagnostic(d, analysis.sources())).collect::<Vec<_>>(),
            });
            println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        }
        Format::Human => {
            report(diags, analysis.sources(), opts);
            eprintln!(
                "checked {files} file{}: {errors} error{}, {warnings} warning{}",
                plural(files),
                plural(errors),
                plural(warnings)
            );
        }
    }
    if analysis.workspace.io_failed {
        2
    } else if errors > 0 {
        1
    } else {
        0
    }
}

fn fmt(paths: &[PathBuf], check_only: bool, opts: RenderOptions) -> u8 {
    let mut status = 0;
    let mut changed = 0;
    for path in paths {
        let files = match policy_files(path) {
            Ok(f) if !f.is_empty() => f,
            Ok(_) => {
                report(
                    &[Diagnostic::global(Problem::NoPolicyFiles { path: path.display().to_string() })],
                    &Sources::new(),
                    opts,
                );
                return 2;
            }
            Err(reason) => {
                report(
                    &[Diagnostic::global(Problem::Io { path: path.display().to_string(), reason })],
                    &Sources::new(),
                    opts,
                );
                return 2;
            }
        };
        for file in files {
            match fmt_file(&file, check_only, opts) {
                Ok(true) => changed += 1,
                Ok(false) => {}
                Err(code) => status = status.max(code),
            }
        }
    }
    if check_only && changed > 0 {
        eprintln!("{changed} file{} not formatted", plural(changed));
        status = status.max(1);
    }
    status
}

/// Formats one file; Ok(true) when it changed (or would change).
fn fmt_file(path: &std::path::Path, check_only: bool, opts: RenderOptions) -> Result<bool, u8> {
    let io_error = |reason: String| {
        report(&[Diagnostic::global(Problem::Io { path: path.display().to_string(), reason })], &Sources::new(), opts);
        2
    };
    let bytes = std::fs::read(path).map_err(|e| io_error(io_reason(&e)))?;
    let Ok(text) = String::from_utf8(bytes) else {
        let mut sources = Sources::new();
        let id = sources.add(tenet::SourceFile::new(path, ""));
        report(&[Diagnostic::new(Problem::InvalidUtf8, id, tenet::Span::default())], &sources, opts);
        return Err(1);
    };
    let formatted = match tenet::fmt::format_source(&text) {
        Ok(f) => f,
        Err(diags) => {
            let mut sources = Sources::new();
            let id = sources.add(tenet::SourceFile::new(path, text));
            let diags: Vec<Diagnostic> = diags.into_iter().map(|d| Diagnostic { file: Some(id), ..d }).collect();
            report(&diags, &sources, opts);
            return Err(1);
        }
    };
    if formatted == text {
        return Ok(false);
    }
    if check_only {
        println!("would reformat {}", tenet::span::display_path(path));
    } else {
        std::fs::write(path, formatted).map_err(|e| io_error(io_reason(&e)))?;
        println!("formatted {}", tenet::span::display_path(path));
    }
    Ok(true)
}

fn report(diags: &[Diagnostic], sources: &Sources, opts: RenderOptions) {
    let mut err = std::io::stderr().lock();
    for d in diags {
        let _ = write!(err, "{}", render_human(d, sources, opts));
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
