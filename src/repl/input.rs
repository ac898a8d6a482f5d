//! When an input is complete: multi-line input continues while a brace,
//! bracket or parenthesis is open (outside strings and comments), and while
//! a rule, event, calendar or test has not reached its body yet (its title,
//! `cites` and `text` often take a line each).

/// Items whose body is in braces.
const BRACED: &[&str] = &["rule", "override", "event", "calendar", "test"];

/// True when `text` has no open bracket (a stray closing one counts as
/// complete, so that the error is reported rather than waited on).
pub fn is_complete(text: &str) -> bool {
    let first = text.split(|c: char| !c.is_alphanumeric() && c != '_').find(|w| !w.is_empty()).unwrap_or("");
    let needs_body = BRACED.contains(&first) && !text.trim_start().starts_with(':');
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
    use super::is_complete;

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
        assert!(is_complete("jurisdiction X \"t\" timezone \"UTC\""));
        assert!(is_complete(":event 2026-01-01T00:00:00Z x {}"));
        assert!(is_complete("7 days"));
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
