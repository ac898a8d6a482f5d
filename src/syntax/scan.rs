//! A lexical pass before the parser.
//!
//! It collects comments (pest skips them, but the formatter and hover need
//! them), and finds what the grammar cannot report well or safely: strings
//! and block comments left open, brackets nested deeper than the parser's
//! stack allows, NUL bytes, and invisible characters (bidirectional overrides,
//! zero-width spaces) that make code read differently from how it runs.

use super::ast::Comment;
use crate::diagnostics::Problem;
use crate::span::Span;

/// Deepest bracket nesting accepted; the recursive-descent parser recurses
/// a few frames per level, so this keeps it far from the stack limit.
pub const MAX_DEPTH: usize = 64;

/// What the scan found.
#[derive(Debug, Default)]
pub struct Scan {
    /// Every comment, in order.
    pub comments: Vec<Comment>,
    /// Lexical problems with their spans.
    pub problems: Vec<(Problem, Span)>,
    /// True when brackets nest too deep: the parser must not run.
    pub too_deep: bool,
}

/// Scans `text`.
pub fn scan(text: &str) -> Scan {
    let mut out = Scan::default();
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let mut end = text[i..].find('\n').map_or(text.len(), |n| i + n);
                if text[..end].ends_with('\r') {
                    end -= 1;
                }
                let body = &text[i..end];
                let doc = body.starts_with("///") && !body.starts_with("////");
                check_invisible(body, i, false, &mut out.problems);
                out.comments.push(Comment { text: body.trim_end().to_string(), doc, span: Span::new(i, end) });
                i = end;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => match text[i + 2..].find("*/") {
                Some(n) => {
                    let end = i + 2 + n + 2;
                    check_invisible(&text[i..end], i, false, &mut out.problems);
                    out.comments.push(Comment { text: text[i..end].to_string(), doc: false, span: Span::new(i, end) });
                    i = end;
                }
                None => {
                    out.problems.push((Problem::UnterminatedComment, Span::new(i, i + 2)));
                    i = bytes.len();
                }
            },
            b'"' => {
                let mut j = i + 1;
                let mut closed = false;
                while j < bytes.len() {
                    match bytes[j] {
                        b'\\' if j + 1 < bytes.len() && bytes[j + 1] != b'\n' => j += 2,
                        b'"' => {
                            closed = true;
                            break;
                        }
                        b'\n' => break,
                        _ => j += 1,
                    }
                }
                let end = j.min(bytes.len());
                check_invisible(&text[i..end], i, false, &mut out.problems);
                if closed {
                    i = end + 1;
                } else {
                    out.problems.push((Problem::UnterminatedString, Span::new(i, i + 1)));
                    i = end;
                }
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH && !out.too_deep {
                    out.too_deep = true;
                    out.problems.push((Problem::TooDeep { limit: MAX_DEPTH }, Span::new(i, i + 1)));
                }
                i += 1;
            }
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            0 => {
                out.problems.push((Problem::NulByte, Span::new(i, i + 1)));
                i += 1;
            }
            b if b < 0x80 => i += 1,
            _ => {
                let ch_len = text[i..].chars().next().map_or(1, char::len_utf8);
                check_invisible(&text[i..i + ch_len], i, true, &mut out.problems);
                i += ch_len;
            }
        }
    }
    out
}

/// The name of an invisible character, if `c` is one.
fn invisible_name(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{202A}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202B}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202C}' => "POP DIRECTIONAL FORMATTING",
        '\u{202D}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202E}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{2066}' => "LEFT-TO-RIGHT ISOLATE",
        '\u{2067}' => "RIGHT-TO-LEFT ISOLATE",
        '\u{2068}' => "FIRST STRONG ISOLATE",
        '\u{2069}' => "POP DIRECTIONAL ISOLATE",
        '\u{200E}' => "LEFT-TO-RIGHT MARK",
        '\u{200F}' => "RIGHT-TO-LEFT MARK",
        '\u{061C}' => "ARABIC LETTER MARK",
        '\u{200B}' => "ZERO WIDTH SPACE",
        '\u{200C}' => "ZERO WIDTH NON-JOINER",
        '\u{200D}' => "ZERO WIDTH JOINER",
        '\u{2060}' => "WORD JOINER",
        '\u{FEFF}' => "ZERO WIDTH NO-BREAK SPACE",
        _ => return None,
    })
}

fn check_invisible(s: &str, offset: usize, in_code: bool, problems: &mut Vec<(Problem, Span)>) {
    for (k, c) in s.char_indices() {
        // A byte-order mark at the very start of the file is harmless.
        if c == '\u{FEFF}' && offset + k == 0 {
            continue;
        }
        if let Some(name) = invisible_name(c) {
            let name = format!("U+{:04X} {name}", c as u32);
            let span = Span::new(offset + k, offset + k + c.len_utf8());
            problems.push(if in_code {
                (Problem::InvisibleInCode { name }, span)
            } else {
                (Problem::InvisibleInText { name }, span)
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_collected_and_strings_skipped() {
        let s = scan("a // one\n\"// not\" /* two */ /// three");
        let texts: Vec<_> = s.comments.iter().map(|c| (c.text.as_str(), c.doc)).collect();
        assert_eq!(texts, [("// one", false), ("/* two */", false), ("/// three", true)]);
        assert!(s.problems.is_empty());
    }

    #[test]
    fn depth_is_bounded() {
        let text = "(".repeat(100_000);
        let s = scan(&text);
        assert!(s.too_deep);
        assert_eq!(s.problems.len(), 1);
    }

    #[test]
    fn open_string_and_comment_are_reported() {
        let s = scan("\"abc\n/* x");
        let codes: Vec<_> = s.problems.iter().map(|(p, _)| p.code()).collect();
        assert_eq!(codes, ["tenet::unterminated_string", "tenet::unterminated_comment"]);
    }

    #[test]
    fn invisible_characters_in_code_are_errors_in_text_warnings() {
        let s = scan("ru\u{200B}le \"a\u{202E}b\"");
        let codes: Vec<_> = s.problems.iter().map(|(p, _)| p.code()).collect();
        assert_eq!(codes, ["tenet::invisible_character", "tenet::invisible_character_in_text"]);
    }
}
