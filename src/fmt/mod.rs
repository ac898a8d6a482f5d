//! The formatter: a parsed file back to its one canonical text.
//!
//! Why it is built this way:
//!
//! - It prints the typed tree, not the tokens. The layout then depends only
//!   on what the file means, so formatting twice changes nothing, and any
//!   tree the parser accepts prints back to text that parses to the same tree
//!   (spans aside). Parentheses are nodes of the tree and are kept as
//!   written; none are added to a tree that came from the parser.
//! - Comments are not in the tree: [`File::comments`] holds every comment
//!   with its span. The printer writes one output line per node (item
//!   header, header clause, clause, given event, expectation, field of a
//!   multi-line event) in source order and, before each line, writes the
//!   comments that come before that node in the source. A comment on the
//!   same source line after a node stays at the end of that node's line. A
//!   comment written inside a node (say, in the middle of an expression)
//!   moves to the nearest line boundary. Comments are consumed strictly in
//!   order, so each appears exactly once and in its original order, and a
//!   `//` comment always ends its output line, never hiding code.
//! - Spans only place comments and blank lines: printed text never comes from
//!   the source, except a timestamp's own spelling (to keep its written
//!   offset) when it means the same instant, and the text of an
//!   [`Item::Error`], which is printed as written. A tree whose spans do not
//!   match `source` still prints completely.
//! - It never loses text: [`format_source`] refuses a file with syntax errors
//!   rather than print a tree with holes.
//! - Nothing here panics, whatever the tree: every lookup into the source is
//!   checked.

pub mod diff;
mod items;
mod text;

/// A literal as the formatter writes it (`10.34 GBP`, `2 business days`).
pub fn literal_text(l: &crate::syntax::ast::Literal) -> String {
    text::literal(l, None)
}

use crate::diagnostics::{Diagnostic, Problem};
use crate::span::{FileId, Span};
use crate::syntax::ast::{Comment, File, Item};

/// Indentation of one nesting level.
const INDENT: usize = 2;
/// Widest line (indentation included) a one-line event declaration may take.
const WIDTH: usize = 100;

/// The canonical text of `file`, which was parsed from `source`.
///
/// Items are separated by one blank line, bodies are indented by two spaces,
/// every comment of `file.comments` is printed once, in order, and the text
/// ends with one newline. At most one blank line written inside an item (or
/// around comments between items) is kept.
pub fn format(file: &File, source: &str) -> String {
    let mut p = Printer::new(source, &file.comments);
    for (i, item) in file.items.iter().enumerate() {
        if i > 0 {
            p.separate();
        }
        p.item(item);
    }
    p.indent = 0;
    p.flush_before(usize::MAX);
    p.out
}

/// Parses `source` (as file 0) and formats it, or returns the errors that
/// prevent formatting: a file that does not parse is never reformatted, so no
/// text is lost.
pub fn format_source(source: &str) -> Result<String, Vec<Diagnostic>> {
    let parsed = crate::syntax::parse(source, FileId(0));
    let mut errors: Vec<Diagnostic> = parsed.diagnostics.into_iter().filter(Diagnostic::is_error).collect();
    if errors.is_empty() {
        if let Some(span) = parsed.file.items.iter().find_map(|i| if let Item::Error(s) = i { Some(*s) } else { None })
        {
            let problem = Problem::Syntax { found: "text".into(), expected: "an item".into(), suggestion: None };
            errors.push(Diagnostic::new(problem, FileId(0), span));
        }
    }
    if errors.is_empty() {
        Ok(format(&parsed.file, source))
    } else {
        Err(errors)
    }
}

/// Where the comments written inside a line's node go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Inner {
    /// On their own lines just before the line.
    Before,
    /// On their own lines before whatever is printed next (used for the
    /// first line of an item, so that a `///` comment never becomes the doc
    /// of the item it was written inside).
    After,
}

/// One output line and the source node it prints.
#[derive(Debug)]
struct Line {
    /// Where the node starts in the source.
    start: Option<usize>,
    /// Where the node ends in the source (trailing comments follow it).
    end: Option<usize>,
    /// The text, without indentation.
    text: String,
    /// Placement of comments written inside the node.
    inner: Inner,
    /// True when the line opens a block (no blank line may follow it).
    opens: bool,
    /// False when no blank line may precede it (closing braces).
    blank_ok: bool,
}

impl Line {
    fn new(start: Option<usize>, end: Option<usize>, text: impl Into<String>) -> Line {
        Line { start, end, text: text.into(), inner: Inner::Before, opens: false, blank_ok: true }
    }

    /// A line for the node at `span`.
    fn at(span: Span, text: impl Into<String>) -> Line {
        Line::new(Some(span.start), Some(span.end), text)
    }

    fn after(mut self) -> Line {
        self.inner = Inner::After;
        self
    }

    fn opens(mut self) -> Line {
        self.opens = true;
        self
    }
}

/// The output being built and the comments not yet printed.
struct Printer<'a> {
    source: &'a str,
    comments: &'a [Comment],
    /// Index of the first comment not printed yet.
    next: usize,
    out: String,
    indent: usize,
    /// True right after a block opened (or a separator): no blank line now.
    fresh: bool,
    /// End in the source of the last node or comment printed.
    last_end: usize,
}

impl<'a> Printer<'a> {
    fn new(source: &'a str, comments: &'a [Comment]) -> Self {
        Printer { source, comments, next: 0, out: String::new(), indent: 0, fresh: true, last_end: 0 }
    }

    /// Prints one item.
    fn item(&mut self, item: &Item) {
        match item {
            Item::Jurisdiction(j) => self.jurisdiction(j),
            Item::Import(i) => self.emit(Line::at(i.span, format!("import {}", text::quote(&i.path.value)))),
            Item::Event(e) => self.event(e),
            Item::Calendar(c) => self.calendar(c),
            Item::Parameter(d) => self.parameter(d),
            Item::Rule(r) => self.rule(r),
            Item::Test(t) => self.test(t),
            Item::Error(span) => self.verbatim(*span),
        }
    }

    /// The blank line between two items.
    fn separate(&mut self) {
        self.blank();
        self.fresh = true;
    }

    /// Prints the source text of a part that did not parse, as written,
    /// with the comments inside it.
    fn verbatim(&mut self, span: Span) {
        self.flush_before(span.start);
        let Some(text) = self.source.get(span.start..span.end) else { return };
        let text = text.trim_end();
        if text.is_empty() {
            return;
        }
        self.out.push_str(text);
        self.out.push('\n');
        while self.comments.get(self.next).is_some_and(|c| c.span.start < span.end) {
            self.next += 1;
        }
        self.last_end = self.last_end.max(span.end);
        self.fresh = false;
    }

    /// Prints a line with the comments before, inside and after its node.
    fn emit(&mut self, mut line: Line) {
        line.end = line.end.map(|e| self.tight_end(line.start.unwrap_or(0), e));
        if let Some(p) = line.start {
            self.flush_before(p);
        }
        if let (Inner::Before, Some(e)) = (line.inner, line.end) {
            self.flush_before(e);
        }
        if line.blank_ok && !self.fresh && line.start.is_some_and(|p| self.blank_in_source(self.last_end, p)) {
            self.blank();
        }
        let mut text = " ".repeat(self.indent);
        text.push_str(&line.text);
        if let Some(e) = line.end {
            self.last_end = self.last_end.max(e);
            let inner_pending = self.comments.get(self.next).is_some_and(|c| c.span.start < e);
            if !inner_pending {
                self.trailing(&mut text, e);
            }
        }
        self.out.push_str(&text);
        self.out.push('\n');
        self.fresh = line.opens;
    }

    /// Appends to `text` the comments written on the same source line after
    /// `end` (separated from it by blanks and commas only).
    fn trailing(&mut self, text: &mut String, mut end: usize) {
        while let Some(c) = self.comments.get(self.next) {
            let same_line = c.span.start >= end
                && self
                    .source
                    .get(end..c.span.start)
                    .is_some_and(|gap| gap.chars().all(|ch| matches!(ch, ' ' | '\t' | '\r' | ',')));
            if !same_line {
                break;
            }
            text.push(' ');
            text.push_str(&c.text);
            self.next += 1;
            end = c.span.end;
            self.last_end = self.last_end.max(end);
            if !c.text.starts_with("/*") {
                // A line comment ends the line.
                break;
            }
        }
    }

    /// Prints, each on its own line, the comments that start before `pos`.
    fn flush_before(&mut self, pos: usize) {
        while let Some(c) = self.comments.get(self.next) {
            if c.span.start >= pos {
                break;
            }
            if !self.fresh && self.blank_in_source(self.last_end, c.span.start) {
                self.blank();
            }
            self.out.push_str(&" ".repeat(self.indent));
            self.out.push_str(&c.text);
            self.out.push('\n');
            self.fresh = false;
            self.last_end = self.last_end.max(c.span.end);
            self.next += 1;
        }
    }

    /// Ends a block whose closing brace ends `span`: the comments left in it,
    /// then `}` one level out.
    fn close(&mut self, span: Span) {
        let brace = span.end.checked_sub(1).filter(|&b| self.source.get(b..span.end) == Some("}"));
        self.close_at(brace);
    }

    /// Ends a block whose closing brace is at `brace` (when known).
    fn close_at(&mut self, brace: Option<usize>) {
        if let Some(b) = brace {
            self.flush_before(b);
        }
        self.indent = self.indent.saturating_sub(INDENT);
        let mut line = Line::new(brace, brace.map(|b| b + 1), "}");
        line.blank_ok = false;
        self.emit(line);
    }

    /// One blank line, unless the output is empty or already ends with one.
    fn blank(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }

    /// True when the source between `from` and `to` holds an empty line.
    fn blank_in_source(&self, from: usize, to: usize) -> bool {
        let Some(gap) = self.source.get(from..to) else { return false };
        let lines: Vec<&str> = gap.split('\n').collect();
        lines.len() >= 3
            && lines[1..lines.len() - 1].iter().any(|l| l.trim_matches(|c| matches!(c, ' ' | '\t' | '\r')).is_empty())
    }

    /// `end` moved back over the blanks and comments that end a node's span:
    /// a node ending with an optional part may span the blanks and comments
    /// skipped while looking for that part (its end may even fall inside a
    /// comment, before the `\r` of a CRLF line).
    fn tight_end(&self, start: usize, mut end: usize) -> usize {
        let bytes = self.source.as_bytes();
        while end > start {
            // The last comment starting before `end`: does `end` fall in it?
            let k = self.comments.partition_point(|c| c.span.start < end);
            let last = k.checked_sub(1).and_then(|k| self.comments.get(k));
            match last {
                Some(c) if c.span.start >= start && c.span.end >= end => end = c.span.start,
                _ if matches!(bytes.get(end - 1), Some(b' ' | b'\t' | b'\r' | b'\n')) => end -= 1,
                _ => break,
            }
        }
        end
    }

    /// The first position at or after `pos` that is not blank or a comment.
    fn skip_trivia(&self, mut pos: usize) -> usize {
        let bytes = self.source.as_bytes();
        loop {
            match bytes.get(pos) {
                Some(b' ' | b'\t' | b'\r' | b'\n') => pos += 1,
                Some(b'/') => match self.comments.binary_search_by_key(&pos, |c| c.span.start) {
                    Ok(k) => match self.comments.get(k) {
                        Some(c) if c.span.end > pos => pos = c.span.end,
                        _ => return pos,
                    },
                    Err(_) => return pos,
                },
                _ => return pos,
            }
        }
    }

    /// Where `token` is written next after `pos`, past blanks and comments.
    fn find_after(&self, pos: usize, token: &str) -> Option<usize> {
        let at = self.skip_trivia(pos);
        let rest = self.source.get(at..)?;
        let ends_word = |s: &str| !s.chars().next().is_some_and(|c| c.is_alphanumeric() || c == '_');
        let is_word = token.chars().all(|c| c.is_alphabetic());
        match rest.strip_prefix(token) {
            Some(after) if !is_word || ends_word(after) => Some(at),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests;
