//! Formatting with the same formatter as `tenet fmt`: one edit replacing
//! the whole text, or none when the file does not parse (the formatter never
//! prints a tree with holes).

use super::Engine;
use tower_lsp_server::ls_types::{DocumentFormattingParams, TextEdit};

/// Answers `textDocument/formatting`.
pub fn handle(engine: &Engine, params: &DocumentFormattingParams) -> Option<Vec<TextEdit>> {
    let doc = engine.doc(&params.text_document.uri)?;
    let formatted = tenet::fmt::format_source(&doc.text).ok()?;
    if formatted == doc.text {
        return Some(vec![]);
    }
    Some(vec![TextEdit { range: doc.range(0, doc.text.len()), new_text: formatted }])
}
