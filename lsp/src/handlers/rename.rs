//! Rename of rules, events, fields, aliases (and jurisdictions, calendars)
//! across the workspace: every occurrence the index resolves to the same
//! symbol is rewritten.

use super::navigation::occurrences;
use super::Engine;
use std::collections::HashMap;
use tenet::check::index::SymbolKey;
use tower_lsp_server::ls_types::{
    PrepareRenameResponse, RenameParams, TextDocumentPositionParams, TextEdit, Uri, WorkspaceEdit,
};

/// Why a rename was refused.
pub type Refusal = String;

/// Answers `textDocument/prepareRename`: the range of the name, if it can
/// be renamed.
pub fn prepare(engine: &Engine, params: &TextDocumentPositionParams) -> Option<PrepareRenameResponse> {
    let doc = engine.doc(&params.text_document.uri)?;
    let file = doc.file?;
    let occ = doc.snapshot.symbols().at(file, doc.offset(params.position))?;
    if matches!(occ.key, SymbolKey::File(_) | SymbolKey::Test { .. }) {
        return None;
    }
    Some(PrepareRenameResponse::Range(doc.range(occ.span.start, occ.span.end)))
}

/// Answers `textDocument/rename`.
pub fn handle(engine: &mut Engine, params: &RenameParams) -> Result<Option<WorkspaceEdit>, Refusal> {
    let new_name = params.new_name.trim();
    if !is_identifier(new_name) {
        return Err(format!("`{new_name}` is not a name: use letters, digits and `_`, not starting with a digit"));
    }
    if tenet::syntax::KEYWORDS.contains(&new_name) {
        return Err(format!("`{new_name}` is a keyword"));
    }
    let pos = &params.text_document_position;
    {
        let Some(doc) = engine.doc(&pos.text_document.uri) else { return Ok(None) };
        let Some(file) = doc.file else { return Ok(None) };
        let Some(occ) = doc.snapshot.symbols().at(file, doc.offset(pos.position)) else { return Ok(None) };
        if matches!(occ.key, SymbolKey::File(_) | SymbolKey::Test { .. }) {
            return Ok(None);
        }
    }
    let Some(found) = occurrences(engine, &pos.text_document.uri, pos.position) else { return Ok(None) };
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for f in found {
        let text = if f.quoted { format!("\"{new_name}\"") } else { new_name.to_string() };
        changes.entry(f.uri).or_default().push(TextEdit { range: f.range, new_text: text });
    }
    for edits in changes.values_mut() {
        edits.sort_by_key(|e| (e.range.start.line, e.range.start.character));
        edits.dedup_by(|a, b| a.range == b.range);
    }
    Ok(Some(WorkspaceEdit { changes: Some(changes), ..WorkspaceEdit::default() }))
}

/// True for `[A-Za-z_][A-Za-z0-9_]*`.
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_') && chars.all(|c| c.is_alphanumeric() || c == '_')
}
