//! Folding ranges: every item, block and comment spanning several lines.

use super::Engine;
use tenet::syntax::ast::Item;
use tower_lsp_server::ls_types::{FoldingRange, FoldingRangeKind, FoldingRangeParams};

/// Answers `textDocument/foldingRange`.
pub fn handle(engine: &Engine, params: &FoldingRangeParams) -> Option<Vec<FoldingRange>> {
    let doc = engine.doc(&params.text_document.uri)?;
    let file = doc.file?;
    let mut out = vec![];
    let mut push = |start: usize, end: usize, kind: Option<FoldingRangeKind>| {
        let r = doc.range(start, end);
        if r.end.line > r.start.line {
            out.push(FoldingRange { start_line: r.start.line, end_line: r.end.line, kind, ..FoldingRange::default() });
        }
    };
    for item in super::lookup::items(&doc.snapshot, file) {
        push(item.span().start, item.span().end, None);
        if let Item::Test(t) = item {
            if let (Some(first), Some(last)) = (t.given.first(), t.given.last()) {
                push(first.span.start, last.span.end, None);
            }
        }
    }
    let unit = doc.snapshot.analysis.workspace.unit(file)?;
    for c in &unit.ast.comments {
        push(c.span.start, c.span.end, Some(FoldingRangeKind::Comment));
    }
    out.sort_by_key(|f| (f.start_line, f.end_line));
    Some(out)
}
