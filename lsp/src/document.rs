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
    /// Every resolved name.
    pub symbols: SymbolIndex,
}

impl Snapshot {
    /// Analyses `paths` reading through `loader`, and indexes the names.
    pub fn build(paths: &[PathBuf], loader: &dyn tenet::workspace::Loader) -> Snapshot {
        let analysis = tenet::check::analyze_with(paths, loader);
        let symbols = SymbolIndex::build(&analysis.workspace, &analysis.scope);
        Snapshot { analysis, symbols }
    }

    /// An analysis of nothing (before the first one is made).
    pub fn empty() -> Snapshot {
        let analysis = Analysis {
            workspace: tenet::workspace::Workspace::default(),
            scope: tenet::check::Scope::default(),
            diagnostics: vec![],
        };
        Snapshot { analysis, symbols: SymbolIndex::default() }
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
