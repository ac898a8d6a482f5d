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
