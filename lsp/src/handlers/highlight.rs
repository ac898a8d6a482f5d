//! Document highlight: every occurrence, in the current document, of the
//! symbol under the cursor.
//!
//! It reads the document's own analysis and the same symbol index as
//! references and rename, so what is highlighted is what a rename would
//! rewrite in this file. Declarations are `Write`, uses are `Read`.

use super::Engine;
use tenet::check::index::SymbolKey;
use tower_lsp_server::ls_types::{DocumentHighlight, DocumentHighlightKind, DocumentHighlightParams};

/// Answers `textDocument/documentHighlight`.
pub fn handle(engine: &Engine, params: &DocumentHighlightParams) -> Option<Vec<DocumentHighlight>> {
    let pos = &params.text_document_position_params;
    let doc = engine.doc(&pos.text_document.uri)?;
    let file = doc.file?;
    let symbols = doc.snapshot.symbols();
    let key = &symbols.at(file, doc.offset(pos.position))?.key;
    // An import names a whole other file: nothing in this one to light up.
    if matches!(key, SymbolKey::File(_)) {
        return None;
    }
    let highlights = symbols
        .in_file(file)
        .iter()
        .filter(|o| o.key == *key)
        .map(|o| DocumentHighlight {
            range: doc.range(o.span.start, o.span.end),
            kind: Some(if o.decl { DocumentHighlightKind::WRITE } else { DocumentHighlightKind::READ }),
        })
        .collect();
    Some(highlights)
}
