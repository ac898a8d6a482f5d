//! `tenet fmt`: format policy files in place, list those that are not
//! formatted, show what would change, or format standard input.

use super::{plural, report};
use std::io::Read;
use std::path::{Path, PathBuf};
use tenet::diagnostics::RenderOptions;
use tenet::workspace::{io_reason, policy_files, project_policy_files};
use tenet::{Diagnostic, Problem, Sources};

/// Arguments of `tenet fmt`.
#[derive(clap::Args)]
pub struct FmtArgs {
    /// Policy files or directories (default: the current folder, searched
    /// recursively except hidden folders such as `.git` and `target`); `-`
    /// reads one policy from standard input and writes it formatted to
    /// standard output.
    pub paths: Vec<PathBuf>,
    /// Only list the files that are not formatted (exit status 1 if any).
    #[arg(long, conflicts_with = "diff")]
    pub check: bool,
    /// Write nothing: print a unified diff of what formatting would change
    /// (exit status 1 if anything would).
    #[arg(long)]
    pub diff: bool,
}

/// What to do with a file's formatted text.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Write,
    Check,
    Diff,
}

/// The name standard input goes by in diagnostics and diffs.
const STDIN: &str = "<stdin>";

/// Runs `tenet fmt`; returns the exit status.
pub fn run(args: &FmtArgs, opts: RenderOptions) -> u8 {
    let mode = match (args.check, args.diff) {
        (true, _) => Mode::Check,
        (_, true) => Mode::Diff,
        _ => Mode::Write,
    };
    let stdin = Path::new("-");
    if args.paths.iter().any(|p| p == stdin) {
        if args.paths.len() > 1 {
            let reason = "`-` (standard input) is formatted alone: give it without other paths".to_string();
            report(&[Diagnostic::global(Problem::Io { path: "-".into(), reason })], &Sources::new(), opts);
            return 2;
        }
        return fmt_stdin(mode, opts);
    }
    let here = [PathBuf::from(".")];
    let paths = if args.paths.is_empty() { &here[..] } else { &args.paths[..] };
    let mut status = 0;
    let mut changed = 0;
    for path in paths {
        let found = if args.paths.is_empty() { project_policy_files(path) } else { policy_files(path) };
        let files = match found {
            Ok(f) if !f.is_empty() => f,
            Ok(_) => {
                let problem = Problem::NoPolicyFiles { path: path.display().to_string() };
                report(&[Diagnostic::global(problem)], &Sources::new(), opts);
                return 2;
            }
            Err(reason) => {
                let problem = Problem::Io { path: path.display().to_string(), reason };
                report(&[Diagnostic::global(problem)], &Sources::new(), opts);
                return 2;
            }
        };
        for file in files {
            match fmt_file(&file, mode, opts) {
                Ok(true) => changed += 1,
                Ok(false) => {}
                Err(code) => status = status.max(code),
            }
        }
    }
    if mode != Mode::Write && changed > 0 {
        super::err(&format!("{changed} file{} not formatted\n", plural(changed)));
        status = status.max(1);
    }
    status
}

/// Formats one file; Ok(true) when it changed (or would change).
fn fmt_file(path: &Path, mode: Mode, opts: RenderOptions) -> Result<bool, u8> {
    let io_error = |reason: String| {
        report(&[Diagnostic::global(Problem::Io { path: path.display().to_string(), reason })], &Sources::new(), opts);
        2
    };
    let bytes = std::fs::read(path).map_err(|e| io_error(io_reason(&e)))?;
    let (text, formatted) = format_bytes(path, bytes, opts)?;
    if formatted == text {
        return Ok(false);
    }
    let name = tenet::span::display_path(path);
    match mode {
        Mode::Check => super::out(&format!("would reformat {name}\n")),
        Mode::Diff => super::out(&tenet::fmt::diff::unified(&text, &formatted, &name)),
        Mode::Write => {
            tenet::workspace::write_atomically(path, formatted.as_bytes()).map_err(|e| io_error(io_reason(&e)))?;
            super::out(&format!("formatted {name}\n"));
        }
    }
    Ok(true)
}

/// Formats standard input to standard output (or, with `--check` and
/// `--diff`, says whether and how it would change).
fn fmt_stdin(mode: Mode, opts: RenderOptions) -> u8 {
    let mut bytes = Vec::new();
    if let Err(e) = std::io::stdin().lock().read_to_end(&mut bytes) {
        let reason = io_reason(&e);
        report(&[Diagnostic::global(Problem::Io { path: STDIN.into(), reason })], &Sources::new(), opts);
        return 2;
    }
    let (text, formatted) = match format_bytes(Path::new(STDIN), bytes, opts) {
        Ok(pair) => pair,
        Err(code) => return code,
    };
    let changed = formatted != text;
    match mode {
        Mode::Write => super::out(&formatted),
        Mode::Check if changed => super::err(&format!("{STDIN} is not formatted\n")),
        Mode::Check => {}
        Mode::Diff => super::out(&tenet::fmt::diff::unified(&text, &formatted, STDIN)),
    }
    u8::from(mode != Mode::Write && changed)
}

/// The text of `bytes` read from `path` and its formatted form, or the
/// exit status after reporting why it cannot be formatted.
fn format_bytes(path: &Path, bytes: Vec<u8>, opts: RenderOptions) -> Result<(String, String), u8> {
    let Ok(text) = String::from_utf8(bytes) else {
        let mut sources = Sources::new();
        let id = sources.add(tenet::SourceFile::new(path, ""));
        report(&[Diagnostic::new(Problem::InvalidUtf8, id, tenet::Span::default())], &sources, opts);
        return Err(1);
    };
    match tenet::fmt::format_source(&text) {
        Ok(formatted) => Ok((text, formatted)),
        Err(diags) => {
            let mut sources = Sources::new();
            let id = sources.add(tenet::SourceFile::new(path, text));
            let diags: Vec<Diagnostic> = diags.into_iter().map(|d| Diagnostic { file: Some(id), ..d }).collect();
            report(&diags, &sources, opts);
            Err(1)
        }
    }
}
