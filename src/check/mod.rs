//! Static checking: names, types, schemas, calendars, jurisdictions.
//!
//! The checker never stops at the first problem: it walks every item of
//! every file and collects diagnostics, so an editor shows them all. It
//! works in two steps: [`scope`] builds the tables (which events each file
//! sees, which jurisdictions and calendars exist, which rules each
//! jurisdiction inherits), then [`rules`] and [`test_blocks`] check each item
//! against them, with [`types`] typing expressions.

mod aggregates;
mod calendars;
mod clauses;
pub mod index;
mod jurisdictions;
mod numeric;
pub mod params;
mod rules;
pub mod scope;
pub mod suggest;
mod test_blocks;
mod types;

pub use calendars::builtin_calendar_names;
pub use scope::Scope;
pub use types::FUNCTIONS;

use crate::diagnostics::{Diagnostic, Sources};
use crate::workspace::{FsLoader, Loader, Workspace};
use std::path::PathBuf;

/// The outcome of analysing a set of policy files.
#[derive(Debug)]
pub struct Analysis {
    /// Every file read, parsed, with its imports.
    pub workspace: Workspace,
    /// The tables built by the checker.
    pub scope: Scope,
    /// Every problem found, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
}

impl Analysis {
    /// The source texts diagnostics point into.
    pub fn sources(&self) -> &Sources {
        &self.workspace.sources
    }

    /// True when some diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Reads, parses and checks the policy files at `paths` (files or
/// directories) and the files they import.
pub fn analyze(paths: &[PathBuf]) -> Analysis {
    analyze_with(paths, &FsLoader)
}

/// [`analyze`] reading through `loader`.
pub fn analyze_with(paths: &[PathBuf], loader: &dyn Loader) -> Analysis {
    check_workspace(Workspace::load(paths, loader))
}

/// Checks an already loaded workspace.
pub fn check_workspace(mut workspace: Workspace) -> Analysis {
    let mut diagnostics = std::mem::take(&mut workspace.diagnostics);
    let scope = Scope::build(&workspace, &mut diagnostics);
    jurisdictions::check(&workspace, &scope, &mut diagnostics);
    params::check(&workspace, &mut diagnostics);
    rules::check(&workspace, &scope, &mut diagnostics);
    test_blocks::check(&workspace, &scope, &mut diagnostics);
    scope.warn_unused_events(&workspace, &mut diagnostics);
    diagnostics.sort_by_key(|d| (d.file, d.span.start, d.span.end));
    diagnostics.dedup();
    Analysis { workspace, scope, diagnostics }
}
