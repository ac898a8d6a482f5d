//! Test helpers: an engine with the fixture documents open, positions by
//! needle, and a drawing of spans under the source lines.

use tenet_lsp::document::Document;
use tenet_lsp::engine::Engine;
use tower_lsp_server::ls_types::{
    Position, Range, TextDocumentContentChangeEvent, TextDocumentIdentifier, TextDocumentPositionParams, Uri,
};

/// The fixture policy (Brazil, with Portuguese, French, Chinese and emoji text).
pub const POLICY: &str = include_str!("../fixtures/policy.tenet");
/// The fixture schema it imports.
pub const SCHEMA: &str = include_str!("../fixtures/schema.tenet");

/// The URI of the fixture policy.
pub fn policy_uri() -> Uri {
    uri("file:///fixture/policy.tenet")
}

/// The URI of the fixture schema.
pub fn schema_uri() -> Uri {
    uri("file:///fixture/schema.tenet")
}

/// Parses a URI.
pub fn uri(s: &str) -> Uri {
    s.parse().unwrap()
}

/// An engine with the schema and the policy open.
pub fn engine() -> Engine {
    let mut e = Engine::new();
    e.open(schema_uri(), 1, SCHEMA.to_string());
    e.open(policy_uri(), 1, POLICY.to_string());
    e
}

/// The open policy document.
pub fn policy(e: &Engine) -> &Document {
    e.doc(&policy_uri()).unwrap()
}

/// Byte offset of the `nth` (0-based) occurrence of `needle` in `text`, plus `plus`.
pub fn offset_of(text: &str, needle: &str, nth: usize, plus: usize) -> usize {
    text.match_indices(needle).nth(nth).unwrap_or_else(|| panic!("`{needle}` #{nth} not found")).0 + plus
}

/// The protocol position of a byte offset of `text`.
pub fn position(text: &str, offset: usize) -> Position {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    Position::new(line as u32, before[start..].encode_utf16().count() as u32)
}

/// The byte offset of a protocol position of `text`.
pub fn offset(text: &str, pos: Position) -> usize {
    let start: usize = text.split_inclusive('\n').take(pos.line as usize).map(str::len).sum();
    let line = text[start..].split('\n').next().unwrap_or("");
    let mut units = 0;
    for (i, c) in line.char_indices() {
        if units >= pos.character as usize {
            return start + i;
        }
        units += c.len_utf16();
    }
    start + line.len()
}

/// Position parameters at the `nth` `needle` of `text` in document `uri`.
pub fn at(uri: &Uri, text: &str, needle: &str, nth: usize, plus: usize) -> TextDocumentPositionParams {
    TextDocumentPositionParams {
        text_document: TextDocumentIdentifier { uri: uri.clone() },
        position: position(text, offset_of(text, needle, nth, plus)),
    }
}

/// An edit replacing `range` by `text`.
pub fn edit(range: Range, text: &str) -> TextDocumentContentChangeEvent {
    TextDocumentContentChangeEvent { range: Some(range), range_length: None, text: text.to_string() }
}

/// An edit replacing the `nth` `needle` of `text` by `with`.
pub fn replace(text: &str, needle: &str, nth: usize, with: &str) -> TextDocumentContentChangeEvent {
    let start = offset_of(text, needle, nth, 0);
    edit(Range::new(position(text, start), position(text, start + needle.len())), with)
}

/// The source lines touched by `marks` (protocol ranges with a label), each
/// followed by a line of `^` under the marked characters and the label.
pub fn draw(text: &str, marks: &[(Range, String)]) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out = String::new();
    let mut marks: Vec<&(Range, String)> = marks.iter().collect();
    marks.sort_by_key(|(r, _)| (r.start.line, r.start.character));
    for (range, label) in marks {
        let line = lines.get(range.start.line as usize).copied().unwrap_or("");
        out.push_str(&format!("{:>3} | {line}\n", range.start.line + 1));
        // Columns are counted in characters, so the marks line up in a
        // monospaced view of the snapshot whatever the script.
        let line_start = offset(text, Position::new(range.start.line, 0));
        let from = offset(text, range.start) - line_start;
        let to = if range.end.line == range.start.line { offset(text, range.end) - line_start } else { line.len() };
        let pad = line[..from].chars().count();
        let width = line[from..to.max(from)].chars().count().max(1);
        out.push_str(&format!("    | {}{} {label}\n", " ".repeat(pad), "^".repeat(width)));
    }
    out
}
