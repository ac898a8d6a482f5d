//! When an input is complete: multi-line input continues while a brace,
//! bracket or parenthesis is open (outside strings and comments), while a
//! rule, event, calendar or test has not reached its body yet (its title,
//! `cites` and `text` often take a line each), and while a `jurisdiction`
//! header may still take clauses. A header has no end of its own (each
//! clause is optional), so it is typed as in a file: its clauses on the
//! lines below, indented, and an empty line or a line that is not indented
//! ends it (such a line then starts the next input).

/// Items whose body is in braces.
const BRACED: &[&str] = &["rule", "override", "event", "calendar", "test"];

/// True when `text` (lines joined by `\n`) has no open bracket (a stray
/// closing one counts as complete, so that the error is reported rather
/// than waited on) and is not a header waiting for clauses.
pub fn is_complete(text: &str) -> bool {
    balanced(text) && !header_continues(text)
}

/// True when `text` is a `jurisdiction` header whose last line may be
/// followed by a clause: the line after it decides ([`ends_header`]).
pub fn header_continues(text: &str) -> bool {
    let last_blank = text.contains('\n') && text.rsplit('\n').next().is_some_and(|l| l.trim().is_empty());
    first_word(text) == "jurisdiction" && !last_blank && balanced(text)
}

/// True when `line`, typed after the open header `pending`, ends it: the
/// header is judged alone and `line` starts the next input.
pub fn ends_header(pending: &str, line: &str) -> bool {
    header_continues(pending) && !line.trim().is_empty() && !line.starts_with(char::is_whitespace)
}

/// The first word of `text` (commands start with `:`, not a word).
fn first_word(text: &str) -> &str {
    if text.trim_start().starts_with(':') {
        return "";
    }
    text.split(|c: char| !c.is_alphanumeric() && c != '_').find(|w| !w.is_empty()).unwrap_or("")
}

/// True when no bracket is open and an item that needs a body has one.
fn balanced(text: &str) -> bool {
    let needs_body = BRACED.contains(&first_word(text));
    let mut opened = false;
    let mut depth: i64 = 0;
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            match c {
                '\\' => {
                    chars.next();
                }
                '"' | '\n' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut prev = ' ';
                let mut closed = false;
                for c in chars.by_ref() {
                    if prev == '*' && c == '/' {
                        closed = true;
                        break;
                    }
                    prev = c;
                }
                if !closed {
                    return false;
                }
            }
            '{' => {
                opened = true;
                depth += 1;
            }
            '[' | '(' => depth += 1,
            '}' | ']' | ')' => depth -= 1,
            _ => {}
        }
    }
    depth <= 0 && (opened || !needs_body)
}

#[cfg(test)]
mod tests {
    use super::{ends_header, is_complete};

    #[test]
    fn open_braces_continue() {
        assert!(!is_complete("rule r {"));
        assert!(!is_complete("rule r {\n when a as x\n"));
        assert!(is_complete("rule r {\n when a as x\n}"));
        assert!(is_complete("1 + 2"));
        assert!(!is_complete("(1 + 2"));
    }

    #[test]
    fn an_item_waits_for_its_body() {
        assert!(!is_complete("rule r \"title\"\n  cites \"art. 1\""));
        assert!(is_complete("rule r \"title\"\n  cites \"art. 1\"\n{ forbid x }"));
        assert!(is_complete(":event 2026-01-01T00:00:00Z x {}"));
        assert!(is_complete("7 days"));
    }

    #[test]
    fn a_header_takes_clauses_on_indented_lines() {
        let header = "jurisdiction BR \"Brazil\"\n  timezone \"America/Sao_Paulo\"";
        assert!(!is_complete("jurisdiction X \"t\" timezone \"UTC\""));
        assert!(!is_complete(header));
        assert!(is_complete(&format!("{header}\n")));
        assert!(is_complete(&format!("{header}\n  calendar BR\n  ")));
        assert!(ends_header(header, "rule r {"));
        assert!(!ends_header(header, "  calendar BR"));
        assert!(!ends_header(header, ""));
        assert!(!ends_header("rule r {", "x"));
        assert!(is_complete(":load jurisdiction"));
    }

    #[test]
    fn braces_in_strings_and_comments_do_not_count() {
        assert!(is_complete(r#"rule r "a { title" { }"#));
        assert!(is_complete("1 + 2 // {"));
        assert!(!is_complete("rule r { /* } */"));
        assert!(!is_complete("/* still open"));
        assert!(is_complete("}"));
    }
}
