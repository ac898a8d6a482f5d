//! Syntax colours for the line being typed: keywords, strings, numbers
//! and durations, comments, commands.

use crate::syntax::KEYWORDS;

const KEYWORD: &str = "\x1b[1;34m";
const STRING: &str = "\x1b[32m";
const NUMBER: &str = "\x1b[33m";
const COMMENT: &str = "\x1b[2m";
const COMMAND: &str = "\x1b[36m";
const RESET: &str = "\x1b[0m";

/// `line` with ANSI colours.
pub fn highlight(line: &str) -> String {
    let mut out = String::with_capacity(line.len() * 2);
    let mut rest = line;
    let trimmed = line.trim_start();
    if trimmed.starts_with(':') {
        let lead = line.len() - trimmed.len();
        let end = lead + trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
        out.push_str(&line[..lead]);
        out.push_str(COMMAND);
        out.push_str(&line[lead..end]);
        out.push_str(RESET);
        rest = &line[end..];
    }
    while let Some(c) = rest.chars().next() {
        let len = if rest.starts_with("//") {
            rest.len()
        } else if c == '"' {
            rest[1..].find(['"', '\n']).map_or(rest.len(), |i| i + 2)
        } else if c.is_alphanumeric() || c == '_' {
            rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len())
        } else {
            c.len_utf8()
        };
        let token = &rest[..len];
        let colour = if token.starts_with("//") {
            Some(COMMENT)
        } else if token.starts_with('"') {
            Some(STRING)
        } else if token.starts_with(|c: char| c.is_ascii_digit()) {
            Some(NUMBER)
        } else if KEYWORDS.contains(&token) {
            Some(KEYWORD)
        } else {
            None
        };
        match colour {
            Some(c) => {
                out.push_str(c);
                out.push_str(token);
                out.push_str(RESET);
            }
            None => out.push_str(token),
        }
        rest = &rest[len..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_keywords_strings_numbers_and_commands() {
        let h = highlight(r#"when complaint_received as c where c.x == "a" // note"#);
        assert!(h.starts_with(&format!("{KEYWORD}when{RESET} complaint_received {KEYWORD}as{RESET}")));
        assert!(h.contains(&format!("{STRING}\"a\"{RESET}")));
        assert!(h.ends_with(&format!("{COMMENT}// note{RESET}")));
        assert!(highlight("24 hours").starts_with(&format!("{NUMBER}24{RESET}")));
        assert!(highlight(":check ack24").starts_with(&format!("{COMMAND}:check{RESET}")));
    }

    #[test]
    fn the_text_is_unchanged_without_colours() {
        for line in ["rule r \"título ☎\" {", ":explain x", "\"open", "a.b + 2 business days"] {
            let plain = highlight(line)
                .replace(KEYWORD, "")
                .replace(STRING, "")
                .replace(NUMBER, "")
                .replace(COMMENT, "")
                .replace(COMMAND, "")
                .replace(RESET, "");
            assert_eq!(plain, line);
        }
    }
}
