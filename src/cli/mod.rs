//! The subcommands of the `tenet` binary, one file each.

pub mod check;
pub mod docs;
pub mod fmt;
pub mod html;
pub mod lsp;
pub mod output;
pub mod plan;
pub mod progress;
pub mod repl;
pub mod test;

use std::io::Write;
use tenet::diagnostics::{render_human, RenderOptions};
use tenet::{Diagnostic, Sources};

/// The width to wrap diagnostics at on a stream that is (or is not) a
/// terminal: `COLUMNS` when set, else the terminal's width, else 100; never
/// wrapped when the stream is a pipe or a file.
pub fn width(terminal: bool) -> usize {
    if !terminal {
        return RenderOptions::UNWRAPPED;
    }
    let columns = std::env::var("COLUMNS").ok().and_then(|c| c.trim().parse::<usize>().ok()).filter(|&c| c > 0);
    columns.or_else(|| terminal_size::terminal_size().map(|(w, _)| usize::from(w.0))).unwrap_or(100)
}

/// Writes diagnostics to standard error.
pub fn report(diags: &[Diagnostic], sources: &Sources, opts: RenderOptions) {
    for d in diags {
        err(&render_human(d, sources, opts));
    }
}

/// Writes `text` to standard output. When the reader has gone (`tenet check
/// ... | head`), the program ends quietly, as Unix tools do, with the status
/// of a process ended by SIGPIPE.
pub fn out(text: &str) {
    write_or_end(&mut std::io::stdout().lock(), text);
}

/// [`out`] for standard error.
pub fn err(text: &str) {
    write_or_end(&mut std::io::stderr().lock(), text);
}

fn write_or_end(w: &mut impl Write, text: &str) {
    let written = w.write_all(text.as_bytes()).and_then(|()| w.flush());
    if written.is_err_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) {
        std::process::exit(141);
    }
}

pub use tenet::report::plural;
