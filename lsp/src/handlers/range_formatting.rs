//! Range formatting: the items the selection touches, formatted as
//! `tenet fmt` formats them, and nothing else.
//!
//! The formatter works on whole files (a comment's place depends on its
//! neighbours), so the whole file is formatted and the items are paired up:
//! formatting keeps the tree, so the n-th item of the result is the n-th
//! item of the source. One edit replaces the source from the first touched
//! item to the last by the same stretch of the result. A file that does not
//! parse is left alone, as whole-document formatting leaves it.

use super::Engine;
use std::ops::Range;
use tenet::span::FileId;
use tenet::syntax::ast::File;
use tower_lsp_server::ls_types::{DocumentRangeFormattingParams, TextEdit};

/// Answers `textDocument/rangeFormatting`.
pub fn handle(engine: &Engine, params: &DocumentRangeFormattingParams) -> Option<Vec<TextEdit>> {
    let doc = engine.doc(&params.text_document.uri)?;
    let formatted = tenet::fmt::format_source(&doc.text).ok()?;
    let (a, b) = (doc.offset(params.range.start), doc.offset(params.range.end));
    let selected = a.min(b)..a.max(b);
    let source = tenet::syntax::parse(&doc.text, FileId(0)).file;
    let result = tenet::syntax::parse(&formatted, FileId(0)).file;
    let Some((old, new)) = stretch(&source, &result, &selected) else { return Some(vec![]) };
    let old = whole_lines(&doc.text, old);
    let (old_text, new_text) = (doc.text.get(old.clone())?, formatted.get(new.clone())?);
    // A comment that the formatter moved across the edge of the stretch
    // would be lost or doubled: then nothing is changed.
    if comments_in(&source, &doc.text, &old) != comments_in(&result, &formatted, &new) {
        return None;
    }
    if old_text == new_text {
        return Some(vec![]);
    }
    Some(vec![TextEdit { range: doc.range(old.start, old.end), new_text: new_text.to_string() }])
}

/// The byte ranges, in the source and in the formatted text, from the
/// first item the selection touches to the last; None when it touches none
/// (or, which formatting never does, the two texts' items differ in number:
/// then nothing is changed either).
fn stretch(source: &File, result: &File, selected: &Range<usize>) -> Option<(Range<usize>, Range<usize>)> {
    if source.items.len() != result.items.len() {
        return None;
    }
    let touched = |i: &usize| {
        let span = source.items[*i].span();
        if selected.is_empty() {
            span.start <= selected.start && selected.start <= span.end
        } else {
            span.start < selected.end && selected.start < span.end
        }
    };
    let first = (0..source.items.len()).find(touched)?;
    let last = (0..source.items.len()).rev().find(touched)?;
    let old = source.items[first].span().start..source.items[last].span().end;
    let new = result.items[first].span().start..result.items[last].span().end;
    Some((old, new))
}

/// `range` widened over the blanks before it on its first line and after
/// it on its last (the formatted items start at the margin and end their
/// lines).
fn whole_lines(text: &str, range: Range<usize>) -> Range<usize> {
    let is_blank = |c: char| c == ' ' || c == '\t';
    let before = text.get(..range.start).unwrap_or("");
    let start = before.len() - before.chars().rev().take_while(|c| is_blank(*c)).map(char::len_utf8).sum::<usize>();
    let start = if start == 0 || before[..start].ends_with('\n') { start } else { range.start };
    let after = text.get(range.end..).unwrap_or("");
    let blanks = after.chars().take_while(|c| is_blank(*c)).map(char::len_utf8).sum::<usize>();
    // Blanks before a comment on the same line separate it from the item.
    let ends_line = after[blanks..].is_empty() || after[blanks..].starts_with(['\n', '\r']);
    let end = if ends_line { range.end + blanks } else { range.end };
    start..end
}

/// The comments of `file` written within `range` of `text`, as written.
fn comments_in<'a>(file: &File, text: &'a str, range: &Range<usize>) -> Vec<&'a str> {
    file.comments
        .iter()
        .filter(|c| range.start <= c.span.start && c.span.end <= range.end)
        .filter_map(|c| text.get(c.span.start..c.span.end).map(str::trim_end))
        .collect()
}
