//! The subcommands of the `tenet` binary, one file each.

pub mod check;
pub mod fmt;
pub mod repl;
pub mod test;

use std::io::Write;
use tenet::diagnostics::{render_human, RenderOptions};
use tenet::{Diagnostic, Sources};

/// Writes diagnostics to standard error.
pub fn report(diags: &[Diagnostic], sources: &Sources, opts: RenderOptions) {
    let mut err = std::io::stderr().lock();
    for d in diags {
        let _ = write!(err, "{}", render_human(d, sources, opts));
    }
}

/// `s` unless `n` is one.
pub fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
