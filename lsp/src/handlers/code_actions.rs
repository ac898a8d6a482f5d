//! Code actions: apply a did-you-mean fix, add a missing citation stub.

use super::{Document, Engine};
use std::collections::HashMap;
use tenet::syntax::ast::Item;
use tenet::Problem;
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CodeActionResponse, TextEdit, Uri, WorkspaceEdit,
};

/// Answers `textDocument/codeAction`.
pub fn handle(engine: &Engine, params: &CodeActionParams) -> Option<CodeActionResponse> {
    let doc = engine.doc(&params.text_document.uri)?;
    let start = doc.offset(params.range.start);
    let end = doc.offset(params.range.end);
    Some(actions(doc, start, end).into_iter().map(CodeActionOrCommand::CodeAction).collect())
}

/// The actions for the diagnostics touching bytes `start..=end` of `doc`.
pub fn actions(doc: &Document, start: usize, end: usize) -> Vec<CodeAction> {
    let Some(file) = doc.file else { return vec![] };
    let mut out = vec![];
    for d in doc.snapshot.analysis.diagnostics.iter().filter(|d| d.file == Some(file)) {
        if d.span.end < start || d.span.start > end {
            continue;
        }
        let diagnostic = super::diagnostics::convert_plain(doc, d);
        // A misspelled keyword carries its suggestion in the problem.
        let keyword_fix = match &d.problem {
            Problem::Syntax { suggestion: Some(s), .. } => {
                Some(tenet::diagnostics::Fix { span: d.span, replacement: s.clone() })
            }
            _ => None,
        };
        if let Some(fix) = d.fix.as_ref().or(keyword_fix.as_ref()) {
            let title = format!("replace with `{}`", fix.replacement);
            out.push(action(doc, title, vec![(fix.span.start, fix.span.end, fix.replacement.clone())], diagnostic));
        } else if let Problem::MissingCitation { rule } = &d.problem {
            if let Some(at) = citation_point(doc, file, d.span) {
                let title = format!("add a citation to `{rule}`");
                out.push(action(doc, title, vec![(at, at, " cites \"TODO: article\"".into())], diagnostic));
            }
        }
    }
    out
}

/// Where `cites "..."` goes: after the rule's title, else after its name.
fn citation_point(doc: &Document, file: tenet::FileId, name: tenet::Span) -> Option<usize> {
    super::lookup::items(&doc.snapshot, file).iter().find_map(|i| match i {
        Item::Rule(r) if r.name.span == name => {
            let mut at = r.name.span.end;
            for t in [&r.title, &r.legal_text].into_iter().flatten() {
                at = at.max(t.span.end);
            }
            Some(at)
        }
        _ => None,
    })
}

fn action(
    doc: &Document,
    title: String,
    edits: Vec<(usize, usize, String)>,
    diagnostic: tower_lsp_server::ls_types::Diagnostic,
) -> CodeAction {
    let edits = edits.into_iter().map(|(s, e, t)| TextEdit { range: doc.range(s, e), new_text: t }).collect();
    let changes: HashMap<Uri, Vec<TextEdit>> = HashMap::from([(doc.uri.clone(), edits)]);
    CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic]),
        edit: Some(WorkspaceEdit { changes: Some(changes), ..WorkspaceEdit::default() }),
        is_preferred: Some(true),
        ..CodeAction::default()
    }
}
