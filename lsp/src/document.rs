//! One open document: its text, version, line index and latest analysis.

use super::line_index::LineIndex;
use std::path::PathBuf;
use tenet::check::index::SymbolIndex;
use tenet::span::FileId;
use tenet::Analysis;
use tower_lsp_server::ls_types::{Range, Uri};

/// An analysis with its symbol index, and the id of the file it was made for.
#[derive(Debug)]
pub struct Snapshot {
    /// The checker's result.
    pub analysis: Analysis,
    /// Every resolved name, indexed on first use.
    symbols: std::sync::OnceLock<SymbolIndex>,
}

impl Snapshot {
    /// Analyses `paths` reading through `loader`, and indexes the names.
    pub fn build(paths: &[PathBuf], loader: &dyn tenet::workspace::Loader) -> Snapshot {
        Snapshot::of(tenet::check::analyze_with(paths, loader))
    }

    /// Wraps an analysis.
    pub fn of(analysis: Analysis) -> Snapshot {
        Snapshot { analysis, symbols: std::sync::OnceLock::new() }
    }

    /// The symbol index (built the first time it is asked for: diagnostics
    /// do not need it).
    pub fn symbols(&self) -> &SymbolIndex {
        self.symbols.get_or_init(|| SymbolIndex::build(&self.analysis.workspace, &self.analysis.scope))
    }

    /// An analysis of nothing (before the first one is made).
    pub fn empty() -> Snapshot {
        let analysis = Analysis {
            workspace: tenet::workspace::Workspace::default(),
            scope: tenet::check::Scope::default(),
            diagnostics: vec![],
        };
        Snapshot::of(analysis)
    }

    /// The id of the file read from `path`, if the analysis holds it.
    pub fn file_of(&self, path: &std::path::Path) -> Option<FileId> {
        let wanted = super::paths::normalize(path);
        self.analysis.sources().iter().find(|(_, f)| super::paths::normalize(&f.path) == wanted).map(|(id, _)| id)
    }
}

/// An open document.
#[derive(Debug)]
pub struct Document {
    /// Its URI as the client named it.
    pub uri: Uri,
    /// The path it is analysed under.
    pub path: PathBuf,
    /// The client's version of the text.
    pub version: i32,
    /// The text.
    pub text: String,
    /// Line starts of `text`.
    pub index: LineIndex,
    /// The analysis of this document (and what it imports), for this version.
    pub snapshot: Snapshot,
    /// Its id in `snapshot`.
    pub file: Option<FileId>,
    /// The pieces of the text parsed for the last version.
    pub parse_cache: super::incremental::ParseCache,
    /// The last semantic tokens sent, with their result id (for deltas).
    pub last_tokens: Option<(String, Vec<u32>)>,
}

impl Document {
    /// The protocol range of a byte span of this document.
    pub fn range(&self, start: usize, end: usize) -> Range {
        self.index.range(&self.text, start, end)
    }

    /// The byte offset of a protocol position (clamped).
    pub fn offset(&self, pos: tower_lsp_server::ls_types::Position) -> usize {
        self.index.offset(&self.text, pos)
    }
}
