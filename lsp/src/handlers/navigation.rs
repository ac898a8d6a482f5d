//! Go to definition and find references, across files.
//!
//! Definition reads the document's own analysis (it holds what the file
//! imports, so every declaration the file can name). References read the
//! workspace analysis, where every file that may use the name is loaded.

use super::{Document, Engine, LineIndex, Snapshot};
use std::path::Path;
use tenet::check::index::{Occurrence, SymbolKey};
use tenet::span::Span;
use tower_lsp_server::ls_types::{GotoDefinitionParams, GotoDefinitionResponse, Location, Range, ReferenceParams, Uri};

/// Answers `textDocument/definition`.
pub fn definition(engine: &Engine, params: &GotoDefinitionParams) -> Option<GotoDefinitionResponse> {
    let pos = &params.text_document_position_params;
    let doc = engine.doc(&pos.text_document.uri)?;
    let file = doc.file?;
    let snap = &doc.snapshot;
    let occ = snap.symbols().at(file, doc.offset(pos.position))?;
    let targets: Vec<(tenet::FileId, Span)> = match &occ.key {
        SymbolKey::File(id) => vec![(*id, Span::new(0, 0))],
        key => {
            let decls: Vec<&Occurrence> = snap.symbols().declarations(key).collect();
            let chosen = if occ.decl {
                // On a declaration (`override rule x`): the ones it overrides.
                let others: Vec<&Occurrence> = decls.iter().copied().filter(|o| *o != occ).collect();
                if others.is_empty() {
                    decls
                } else {
                    others
                }
            } else {
                // A use of an overridden rule: the declaration in this file wins.
                let here: Vec<&Occurrence> = decls.iter().copied().filter(|o| o.file == file).collect();
                if here.is_empty() {
                    decls
                } else {
                    here
                }
            };
            chosen.into_iter().map(|o| (o.file, o.span)).collect()
        }
    };
    let locations: Vec<Location> = targets.into_iter().filter_map(|(f, s)| location(engine, doc, snap, f, s)).collect();
    match locations.len() {
        0 => None,
        1 => locations.into_iter().next().map(GotoDefinitionResponse::Scalar),
        _ => Some(GotoDefinitionResponse::Array(locations)),
    }
}

/// Answers `textDocument/references`.
pub fn references(engine: &mut Engine, params: &ReferenceParams) -> Option<Vec<Location>> {
    let pos = &params.text_document_position;
    let include_decl = params.context.include_declaration;
    let found = occurrences(engine, &pos.text_document.uri, pos.position)?;
    let out: Vec<Location> = found
        .into_iter()
        .filter(|o| include_decl || !o.decl)
        .map(|o| Location { uri: o.uri, range: o.range })
        .collect();
    Some(out)
}

/// One occurrence of a symbol, located for the protocol.
#[derive(Debug, Clone)]
pub struct Found {
    /// The document.
    pub uri: Uri,
    /// Where.
    pub range: Range,
    /// True for a declaration.
    pub decl: bool,
    /// True when the name was written quoted.
    pub quoted: bool,
}

/// Every occurrence in the workspace of the symbol at `pos` of `uri`.
pub fn occurrences(engine: &mut Engine, uri: &Uri, pos: tower_lsp_server::ls_types::Position) -> Option<Vec<Found>> {
    let (path, offset) = {
        let doc = engine.doc(uri)?;
        (doc.path.clone(), doc.offset(pos))
    };
    engine.workspace();
    let engine: &Engine = engine;
    let snap = engine.cached_workspace()?;
    let file = snap.file_of(&path)?;
    let key = snap.symbols().at(file, offset)?.key.clone();
    if matches!(key, SymbolKey::File(_)) {
        return None;
    }
    let doc = engine.doc(uri)?;
    let mut out = vec![];
    for o in snap.symbols().references(&key) {
        let Some(source) = snap.analysis.sources().get(o.file) else { continue };
        let Some(loc) = location(engine, doc, snap, o.file, o.span) else { continue };
        let quoted = source.slice(o.span).starts_with('"');
        out.push(Found { uri: loc.uri, range: loc.range, decl: o.decl, quoted });
    }
    Some(out)
}

/// The protocol location of a span of a file of `snap`, converted with the
/// open document's index when it is `doc`.
fn location(engine: &Engine, doc: &Document, snap: &Snapshot, file: tenet::FileId, span: Span) -> Option<Location> {
    let source = snap.analysis.sources().get(file)?;
    let uri = engine.uri_of(&source.path)?;
    let range = if same_path(&source.path, &doc.path) {
        doc.range(span.start, span.end)
    } else {
        LineIndex::new(&source.text).range(&source.text, span.start, span.end)
    };
    Some(Location { uri, range })
}

fn same_path(a: &Path, b: &Path) -> bool {
    super::super::paths::normalize(a) == super::super::paths::normalize(b)
}
