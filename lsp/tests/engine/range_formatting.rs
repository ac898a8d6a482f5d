//! Range formatting: the items a selection touches are formatted as `tenet
//! fmt` formats them; the text outside them is never touched.

use crate::support::*;
use tenet_lsp::engine::Engine;
use tenet_lsp::handlers::range_formatting;
use tower_lsp_server::ls_types::*;

/// The first rule's body, and the second's, made untidy.
const MESSY_FIRST: (&str, &str) = ("  when complaint_received as c", "when    complaint_received   as c");
const MESSY_SECOND: (&str, &str) = ("  forbid cancellation_refused", "forbid     cancellation_refused");

fn messy() -> String {
    POLICY.replace(MESSY_FIRST.0, MESSY_FIRST.1).replace(MESSY_SECOND.0, MESSY_SECOND.1)
}

fn opened(text: &str) -> Engine {
    let mut e = engine();
    e.change(&policy_uri(), 2, vec![edit(Range::new(Position::new(0, 0), Position::new(10_000, 0)), text)]);
    e
}

fn format_range(e: &Engine, range: Range) -> Option<Vec<TextEdit>> {
    let params = DocumentRangeFormattingParams {
        text_document: TextDocumentIdentifier { uri: policy_uri() },
        range,
        options: FormattingOptions { tab_size: 2, insert_spaces: true, ..Default::default() },
        work_done_progress_params: Default::default(),
    };
    range_formatting::handle(e, &params)
}

/// The range from the `nth` `from` to the end of the `nth` `to` in `text`.
fn between(text: &str, from: &str, to: &str) -> Range {
    let start = offset_of(text, from, 0, 0);
    let end = offset_of(text, to, 0, to.len());
    Range::new(position(text, start), position(text, end))
}

/// `text` with `edits` applied (they do not overlap).
fn apply(text: &str, edits: &[TextEdit]) -> String {
    let mut out = text.to_string();
    let mut edits = edits.to_vec();
    edits.sort_by_key(|e| std::cmp::Reverse((e.range.start.line, e.range.start.character)));
    for e in edits {
        let (start, end) = (offset(&out, e.range.start), offset(&out, e.range.end));
        out.replace_range(start..end, &e.new_text);
    }
    out
}

#[test]
fn only_the_selected_item_is_formatted() {
    let text = messy();
    let e = opened(&text);
    // A selection inside the second rule's body.
    let edits = format_range(&e, between(&text, "forbid ", "cancellation_refused")).unwrap();
    assert_eq!(edits.len(), 1);
    let after = apply(&text, &edits);
    assert_eq!(after, POLICY.replace(MESSY_FIRST.0, MESSY_FIRST.1), "the first rule stays as it was");
    // The edit covers the second rule and nothing before it.
    let rule = offset_of(&text, "rule cancel_regardless_of_debt", 0, 0);
    assert_eq!(edits[0].range.start, position(&text, rule));
    let start = offset(&text, edits[0].range.start);
    let end = offset(&text, edits[0].range.end);
    assert_eq!(after[..start], text[..start]);
    assert_eq!(after[after.len() - (text.len() - end)..], text[end..]);
}

#[test]
fn a_cursor_formats_the_item_it_is_in_and_a_selection_every_item_it_touches() {
    let text = messy();
    let e = opened(&text);
    let at = position(&text, offset_of(&text, "complaint_received   as", 0, 3));
    let edits = format_range(&e, Range::new(at, at)).unwrap();
    assert_eq!(apply(&text, &edits), POLICY.replace(MESSY_SECOND.0, MESSY_SECOND.1));
    // From the first rule into the second: both, as whole-document formatting would.
    let edits = format_range(&e, between(&text, "received   as c", "forbid")).unwrap();
    assert_eq!(apply(&text, &edits), POLICY);
    // A backwards selection is the same selection.
    let r = between(&text, "received   as c", "forbid");
    assert_eq!(format_range(&e, Range::new(r.end, r.start)).unwrap(), edits);
}

#[test]
fn nothing_to_change_between_items_in_tidy_items_or_in_a_file_that_does_not_parse() {
    let text = messy();
    let e = opened(&text);
    // The blank line between the import and the first rule touches no item.
    let gap = offset_of(&text, "\n\nrule answer", 0, 1);
    let blank = Range::new(position(&text, gap), position(&text, gap));
    assert_eq!(format_range(&e, blank), Some(vec![]));
    // The test at the end is already formatted.
    assert_eq!(format_range(&e, between(&text, "given", "given")), Some(vec![]));
    // A file that does not parse is left alone, as whole-document formatting leaves it.
    let broken = format!("{text}\nrule {{");
    let e = opened(&broken);
    assert_eq!(format_range(&e, between(&broken, "forbid ", "cancellation_refused")), None);
}

#[test]
fn comments_inside_and_around_the_item_stay() {
    let text = "event a { x: id }\n\n/// Doc of r.\nrule r cites \"c\" {\n  // inside\n    forbid   a   // after\n}   \n// trailing\n\nevent   b { y: id }\n";
    let e = opened(text);
    let edits = format_range(&e, between(text, "forbid", "after")).unwrap();
    let after = apply(text, &edits);
    assert_eq!(
        after,
        "event a { x: id }\n\n/// Doc of r.\nrule r\n  cites \"c\"\n{\n  // inside\n  forbid a // after\n}\n// trailing\n\nevent   b { y: id }\n"
    );
}

#[test]
fn on_every_shipped_policy_a_formatted_range_agrees_with_the_whole_file_formatted() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies");
    let files = tenet::workspace::policy_files(&root).unwrap();
    assert!(files.len() > 5);
    for path in files {
        // Untidy every line's indentation, so that each item has something to change.
        let text: String = std::fs::read_to_string(&path).unwrap().lines().map(|l| format!(" {l}\n")).collect();
        let whole = tenet::fmt::format_source(&text).unwrap();
        let mut e = Engine::new();
        let doc = uri("file:///policies/p.tenet");
        e.open(doc.clone(), 1, text.clone());
        let lines = text.lines().count() as u32;
        for line in (0..lines).step_by((lines as usize / 3).max(1)) {
            let params = DocumentRangeFormattingParams {
                text_document: TextDocumentIdentifier { uri: doc.clone() },
                range: Range::new(Position::new(line, 3), Position::new(line + 2, 0)),
                options: FormattingOptions::default(),
                work_done_progress_params: Default::default(),
            };
            let edits = range_formatting::handle(&e, &params).unwrap();
            let after = apply(&text, &edits);
            // Nothing lost or added: formatting the rest gives the whole file formatted.
            assert_eq!(tenet::fmt::format_source(&after).unwrap(), whole, "{} line {line}", path.display());
            if let [edit] = edits.as_slice() {
                let (start, end) = (offset(&text, edit.range.start), offset(&text, edit.range.end));
                assert_eq!(after[..start], text[..start]);
                assert_eq!(after[after.len() - (text.len() - end)..], text[end..]);
            }
        }
    }
}
