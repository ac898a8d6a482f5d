use super::*;
use crate::span::FileId;

fn ok(text: &str) -> ast::File {
    let p = parse(text, FileId(0));
    assert!(p.diagnostics.is_empty(), "unexpected diagnostics: {:#?}", p.diagnostics);
    p.file
}

#[test]
fn parses_the_brief_illustration() {
    let f = ok(include_str!("../../tests/fixtures/ok/illustration.tenet"));
    assert!(f.items.len() >= 6);
}

#[test]
fn a_byte_order_mark_alone_is_an_empty_file_marked_on_whole_characters() {
    for text in ["\u{feff}", "\u{feff}  \n", "\u{feff}// only a comment\n"] {
        let parsed = parse(text, FileId(0));
        let d = parsed.diagnostics.first().unwrap_or_else(|| panic!("no diagnostic for {text:?}"));
        assert_eq!(d.problem, Problem::EmptyFile);
        assert!(text.is_char_boundary(d.span.start) && text.is_char_boundary(d.span.end), "{d:?} in {text:?}");
    }
}
