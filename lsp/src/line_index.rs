//! Byte offsets to protocol positions and back.
//!
//! The library speaks byte offsets; the protocol speaks (line, UTF-16 code
//! unit). One index is built per document version and converts both ways.
//! Every conversion clamps: a position past the end of a line or of the
//! text (a request on a stale version) lands on the nearest valid place.

use tower_lsp_server::ls_types::{Position, Range};

/// Line starts of one text, for UTF-16 conversions.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> LineIndex {
        let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        LineIndex { line_starts, len: text.len() }
    }

    /// The protocol position of byte `offset` of `text` (clamped, and moved
    /// back to a character boundary).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(self.len).min(text.len());
        while offset > 0 && !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&s| s <= offset).saturating_sub(1);
        let start = self.line_starts.get(line).copied().unwrap_or(0).min(offset);
        let character = text.get(start..offset).map_or(0, |s| s.encode_utf16().count());
        Position::new(to_u32(line), to_u32(character))
    }

    /// The byte offset of a protocol position (clamped to its line, then to
    /// the text).
    pub fn offset(&self, text: &str, pos: Position) -> usize {
        let line = pos.line as usize;
        let Some(&start) = self.line_starts.get(line) else { return text.len() };
        let end = self.line_starts.get(line + 1).map_or(text.len(), |&next| next.saturating_sub(1));
        let Some(line_text) = text.get(start..end.max(start)) else { return text.len() };
        let line_text = line_text.strip_suffix('\r').unwrap_or(line_text);
        let mut units = 0usize;
        for (i, c) in line_text.char_indices() {
            if units >= pos.character as usize {
                return start + i;
            }
            units += c.len_utf16();
        }
        // Past the end of the line: its end, before any `\r\n`.
        start + line_text.len()
    }

    /// The range of a byte span.
    pub fn range(&self, text: &str, start: usize, end: usize) -> Range {
        Range::new(self.position(text, start), self.position(text, end))
    }
}

/// A count as the protocol's `u32`, saturating.
pub fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
