//! Document highlight: the occurrences in this file of the symbol under
//! the cursor, declarations as writes and uses as reads.

use crate::support::*;
use tenet_lsp::handlers::highlight;
use tower_lsp_server::ls_types::{DocumentHighlightKind, DocumentHighlightParams};

fn highlights(needle: &str, nth: usize, plus: usize) -> String {
    let e = engine();
    let params = DocumentHighlightParams {
        text_document_position_params: at(&policy_uri(), POLICY, needle, nth, plus),
        work_done_progress_params: Default::default(),
        partial_result_params: Default::default(),
    };
    let Some(found) = highlight::handle(&e, &params) else { return format!("from `{needle}`: nothing\n") };
    let marks: Vec<_> = found
        .iter()
        .map(|h| {
            let kind = match h.kind {
                Some(DocumentHighlightKind::WRITE) => "write",
                Some(DocumentHighlightKind::READ) => "read",
                _ => "text",
            };
            (h.range, kind.to_string())
        })
        .collect();
    format!("from `{needle}`:\n{}", draw(POLICY, &marks))
}

#[test]
fn highlight_rules_aliases_events_fields_and_header_names() {
    let mut out = String::new();
    for (needle, nth, plus) in [
        ("answer_within_7_days \"", 0, 3),
        ("received as c", 0, 12),
        ("complaint_resolved where", 0, 2),
        ("c.case", 0, 3),
        ("calendar BR", 0, 9),
        ("jurisdiction BR", 0, 13),
    ] {
        out.push_str(&highlights(needle, nth, plus));
    }
    insta::assert_snapshot!(out);
}

#[test]
fn nothing_to_highlight_on_keywords_imports_or_past_the_end() {
    assert_eq!(highlights("require", 0, 2), "from `require`: nothing\n");
    assert_eq!(highlights("\"schema.tenet\"", 0, 3), "from `\"schema.tenet\"`: nothing\n");
    let e = engine();
    let params = DocumentHighlightParams {
        text_document_position_params: tower_lsp_server::ls_types::TextDocumentPositionParams {
            text_document: tower_lsp_server::ls_types::TextDocumentIdentifier { uri: policy_uri() },
            position: tower_lsp_server::ls_types::Position::new(10_000, 10_000),
        },
        work_done_progress_params: Default::default(),
        partial_result_params: Default::default(),
    };
    assert_eq!(highlight::handle(&e, &params), None);
}
