//! Positions in UTF-16, stale versions, requests out of range, closing.

use crate::support::*;
use tenet_lsp::handlers::hover;
use tenet_lsp::line_index::LineIndex;
use tower_lsp_server::ls_types::*;

#[test]
fn positions_count_utf16_units() {
    let text = "a\n// é 中 😀 x\r\nend";
    let index = LineIndex::new(text);
    let x = text.find('x').unwrap();
    // `// ` 3, `é` 1, ` ` 1, `中` 1, ` ` 1, `😀` 2, ` ` 1: 10 units before `x`.
    assert_eq!(index.position(text, x), Position::new(1, 10));
    assert_eq!(index.offset(text, Position::new(1, 10)), x);
    // Inside the emoji's surrogate pair: the character after it.
    let emoji = text.find('😀').unwrap();
    assert_eq!(index.offset(text, Position::new(1, 8)), emoji + 4);
    // Past the end of a line: its end, before `\r\n`.
    assert_eq!(index.offset(text, Position::new(1, 99)), text.find('\r').unwrap());
    // Past the last line: the end of the text.
    assert_eq!(index.offset(text, Position::new(9, 0)), text.len());
    // A byte offset inside a character is moved back to its start.
    assert_eq!(index.position(text, emoji + 1), index.position(text, emoji));
    for (i, _) in text.char_indices().filter(|(_, c)| !matches!(c, '\r' | '\n')) {
        assert_eq!(index.offset(text, index.position(text, i)), i);
    }
}

#[test]
fn an_edit_for_an_older_version_is_ignored() {
    let mut e = engine();
    e.change(&policy_uri(), 5, vec![replace(POLICY, "rule cancel", 0, "rule  cancel")]);
    let published =
        e.change(&policy_uri(), 3, vec![edit(Range::new(Position::new(0, 0), Position::new(0, 0)), "garbage")]);
    assert!(published.is_empty());
    assert_eq!(policy(&e).version, 5);
    assert!(policy(&e).text.contains("rule  cancel") && !policy(&e).text.starts_with("garbage"));
}

#[test]
fn requests_past_the_end_answer_sensibly() {
    let e = engine();
    let far = HoverParams {
        text_document_position_params: TextDocumentPositionParams {
            text_document: TextDocumentIdentifier { uri: policy_uri() },
            position: Position::new(10_000, 10_000),
        },
        work_done_progress_params: Default::default(),
    };
    assert_eq!(hover::handle(&e, &far), None);
    let unknown = HoverParams {
        text_document_position_params: TextDocumentPositionParams {
            text_document: TextDocumentIdentifier { uri: uri("file:///nowhere.tenet") },
            position: Position::new(0, 0),
        },
        ..far
    };
    assert_eq!(hover::handle(&e, &unknown), None);
}

#[test]
fn edits_with_ranges_past_the_end_are_clamped() {
    let mut e = engine();
    let published =
        e.change(&policy_uri(), 2, vec![edit(Range::new(Position::new(500, 3), Position::new(400, 0)), "\n// fim")]);
    assert_eq!(published.len(), 1);
    assert!(policy(&e).text.ends_with("}\n\n// fim"));
}

#[test]
fn closing_clears_the_diagnostics_and_untitled_documents_work() {
    let mut e = engine();
    let closed = e.close(&policy_uri());
    assert_eq!(closed.len(), 1);
    assert!(closed[0].diagnostics.is_empty());
    assert!(e.doc(&policy_uri()).is_none());
    let untitled = uri("untitled:Untitled-1");
    let published = e.open(untitled.clone(), 1, "rule r {".into());
    assert_eq!(published[0].uri, untitled);
    assert!(!published[0].diagnostics.is_empty());
}
