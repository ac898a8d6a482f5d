//! `tenet fmt`: format policy files in place, or list those that are not.

use super::{plural, report};
use std::path::{Path, PathBuf};
use tenet::diagnostics::RenderOptions;
use tenet::workspace::{io_reason, policy_files};
use tenet::{Diagnostic, Problem, Sources};

/// Runs `tenet fmt`; returns the exit status.
pub fn run(paths: &[PathBuf], check_only: bool, opts: RenderOptions) -> u8 {
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
        super::err(&format!("{changed} file{} not formatted\n", plural(changed)));
        status = status.max(1);
    }
    status
}

/// Formats one file; Ok(true) when it changed (or would change).
fn fmt_file(path: &Path, check_only: bool, opts: RenderOptions) -> Result<bool, u8> {
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
        super::out(&format!("would reformat {}\n", tenet::span::display_path(path)));
    } else {
        tenet::workspace::write_atomically(path, formatted.as_bytes()).map_err(|e| io_error(io_reason(&e)))?;
        super::out(&format!("formatted {}\n", tenet::span::display_path(path)));
    }
    Ok(true)
}
