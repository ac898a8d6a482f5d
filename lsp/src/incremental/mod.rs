//! Re-parsing only what changed.
//!
//! A policy is a sequence of top-level items, and the parser already
//! recovers item by item: an item that does not parse runs to the next line
//! that starts with an item keyword (`rule`, `event`, `test`, ...). So the
//! text is cut at those same lines (each cut moved up over the comment lines
//! right above it, which belong to the item below), each piece is
//! parsed by the library's own parser, and a piece whose text did not change
//! since the last version is taken from the cache and only moved to its new
//! offset ([`shift`]). Typing in one rule of a 5 000-rule file re-parses
//! that rule alone.
//!
//! The whole file is parsed at once when cutting could change the result: a
//! block comment anywhere (it may hide an item keyword at a line start), a
//! single piece, or a piece that is only comments.
//!
//! A hole (text that is no item) ends where the parser's recovery ends it:
//! before the comment lines right above the next item, as the pieces are
//! cut. Every item, hole and diagnostic is the same as in a whole parse.

pub mod shift;

use shift::Shift;
use std::collections::HashMap;
use tenet::syntax::{self, ast, Parsed};
use tenet::{FileId, Problem};

/// The pieces parsed for the previous version of one document.
#[derive(Debug, Default)]
pub struct ParseCache {
    pieces: HashMap<String, Parsed>,
}

impl ParseCache {
    /// Parses `text` (as file 0), reusing unchanged pieces.
    pub fn parse(&mut self, text: &str) -> Parsed {
        let Some(cuts) = cuts(text) else {
            self.pieces.clear();
            return syntax::parse(text, FileId(0));
        };
        let mut fresh: HashMap<String, Parsed> = HashMap::with_capacity(cuts.len());
        let mut file = ast::File { items: vec![], comments: vec![] };
        let mut diagnostics = vec![];
        for (start, end) in cuts {
            let Some(piece) = text.get(start..end) else { continue };
            let parsed = match self.pieces.remove(piece) {
                Some(p) => p,
                None => match fresh.get(piece) {
                    Some(p) => p.clone(),
                    None => syntax::parse(piece, FileId(0)),
                },
            };
            // A file nested too deep is not parsed at all, and an empty
            // piece is not an empty file: the whole file decides.
            let whole_decides =
                |d: &tenet::Diagnostic| d.problem == Problem::EmptyFile || matches!(d.problem, Problem::TooDeep { .. });
            if parsed.diagnostics.iter().any(whole_decides) {
                self.pieces.clear();
                return syntax::parse(text, FileId(0));
            }
            let mut moved = parsed.clone();
            moved.file.move_by(start);
            for d in &mut moved.diagnostics {
                d.move_by(start);
            }
            file.items.append(&mut moved.file.items);
            file.comments.append(&mut moved.file.comments);
            diagnostics.append(&mut moved.diagnostics);
            fresh.insert(piece.to_string(), parsed);
        }
        self.pieces = fresh;
        Parsed { file, diagnostics }
    }
}

/// The byte ranges of the pieces, or None when the file must be parsed whole.
pub fn cuts(text: &str) -> Option<Vec<(usize, usize)>> {
    if text.contains("/*") {
        return None;
    }
    let mut lines: Vec<(usize, &str)> = vec![];
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        lines.push((at, line));
        at += line.len();
    }
    let mut starts: Vec<usize> = vec![];
    let mut previous_item_line: Option<usize> = None;
    for (i, (_, line)) in lines.iter().enumerate() {
        if !starts_item(line) {
            continue;
        }
        if let Some(prev) = previous_item_line {
            // The comment lines right above an item go with it (its doc
            // comment); blank lines stay behind, where the parser's
            // recovery of a broken item above would have put them.
            let mut first = i;
            while first > prev + 1 && is_comment(lines[first - 1].1) {
                first -= 1;
            }
            starts.push(lines[first].0);
        }
        previous_item_line = Some(i);
    }
    if starts.is_empty() {
        return None;
    }
    let mut out = vec![];
    let mut from = 0;
    for s in starts {
        out.push((from, s));
        from = s;
    }
    out.push((from, text.len()));
    Some(out)
}

/// True for a line where the parser's recovery restarts: an item keyword
/// at its very start. `calendar` also starts a header clause
/// (`calendar BR`), so it counts only with the `{` of a declaration.
fn starts_item(line: &str) -> bool {
    const KEYWORDS: &[&str] = &["jurisdiction", "import", "event", "calendar", "rule", "measure", "override", "test"];
    KEYWORDS.iter().any(|kw| {
        line.strip_prefix(kw).is_some_and(|rest| {
            let boundary = rest.chars().next().is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
            boundary && (*kw != "calendar" || rest.contains('{'))
        })
    })
}

fn is_comment(line: &str) -> bool {
    line.trim_start().starts_with("//")
}
