//! Parsing: text to typed syntax tree, with recovery.
//!
//! [`parse`] scans the text ([`scan`]), runs the pest grammar
//! (`grammar/tenet.pest`) and lowers the pairs to the AST ([`lower`]). A part
//! of the file that does not parse becomes an [`ast::Item::Error`] and is
//! re-parsed alone to report a precise error, so one broken rule never hides
//! the problems of the others.

pub mod ast;
mod lower;
pub mod scan;

use crate::diagnostics::{Diagnostic, Problem};
use crate::span::{FileId, Span};
use pest::Parser as _;

/// The pest parser generated from the grammar.
#[derive(pest_derive::Parser)]
#[grammar = "../grammar/tenet.pest"]
pub(crate) struct TenetParser;

/// The result of parsing one file: a tree (with holes) and its problems.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The tree; parts that did not parse are `Item::Error`.
    pub file: ast::File,
    /// Lexical and syntax problems, in source order.
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses the text of file `id`. A UTF-8 byte-order mark at the start is
/// read as blank space (editors on some systems write one).
pub fn parse(text: &str, id: FileId) -> Parsed {
    match text.strip_prefix('\u{feff}') {
        // Three spaces keep every byte offset where it was; a span reaching
        // into them covers the whole mark.
        Some(rest) => {
            let mut parsed = parse_text(&format!("   {rest}"), id);
            let mark = '\u{feff}'.len_utf8();
            for d in &mut parsed.diagnostics {
                if d.span.start < mark {
                    d.span.start = 0;
                    d.span.end = d.span.end.max(mark);
                }
            }
            parsed
        }
        None => parse_text(text, id),
    }
}

fn parse_text(text: &str, id: FileId) -> Parsed {
    let scanned = scan::scan(text);
    let mut diagnostics: Vec<Diagnostic> =
        scanned.problems.iter().map(|(p, s)| Diagnostic::new(p.clone(), id, *s)).collect();
    let mut file = ast::File { items: vec![], comments: scanned.comments };
    if scanned.too_deep {
        // The parser recurses per bracket level: do not run it at all.
        return Parsed { file, diagnostics };
    }
    if text.trim().is_empty() || file_is_only_comments(text, &file.comments) {
        diagnostics.push(Diagnostic::new(Problem::EmptyFile, id, Span::new(0, text.len().min(1))));
        return Parsed { file, diagnostics };
    }
    let lexical: Vec<Span> = diagnostics.iter().filter(|d| d.is_error()).map(|d| d.span).collect();
    // Everything after a comment left open is comment: nothing to parse there.
    let open_comment =
        diagnostics.iter().find(|d| d.problem == Problem::UnterminatedComment).map_or(usize::MAX, |d| d.span.start);
    let mut lowerer = lower::Lowerer::new(id, text, &file.comments);
    // Item by item, each parsed from where the last ended: exactly what
    // `file` matches, with one item's tokens in memory at a time.
    let mut pos = 0;
    while let Some(rest) = text.get(pos..) {
        let Ok(mut pairs) = TenetParser::parse(Rule::next_item, rest) else {
            // Only blank space and comments are left.
            break;
        };
        let Some(pair) = pairs.next().and_then(|root| root.into_inner().next()) else { break };
        let end = pos + pair.as_span().end();
        match pair.as_rule() {
            Rule::error_item => {
                let span = lower::span_of(&pair, pos);
                file.items.push(ast::Item::Error(span));
                // A lexical error inside already explains the failure.
                let explained = lexical.iter().any(|l| span.start <= l.start && l.start < span.end.max(span.start + 1));
                if !explained && span.start < open_comment {
                    lowerer.errors.push(syntax_error_in(text, span, id));
                }
            }
            _ => file.items.extend(lowerer.item_at(pair, pos)),
        }
        if end <= pos {
            break;
        }
        pos = end;
    }
    diagnostics.append(&mut lowerer.errors);
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
    Parsed { file, diagnostics }
}

/// Parses `text` as one expression (the REPL's calculator).
pub fn parse_expr(text: &str, id: FileId) -> Result<ast::Expr, Vec<Diagnostic>> {
    parse_entry(text, id, Rule::single_expr, Rule::expr, |l, p| l.standalone_expr(p))
}

/// Parses `text` as one given event, `2026-03-02T09:00:00Z type {field: value}`
/// (the REPL's `:event`).
pub fn parse_given_event(text: &str, id: FileId) -> Result<ast::GivenEvent, Vec<Diagnostic>> {
    parse_entry(text, id, Rule::single_given, Rule::given_event, |l, p| l.standalone_given(p))
}

/// Parses `text` with the grammar entry `entry`, lowering its `inner` pair.
fn parse_entry<T>(
    text: &str,
    id: FileId,
    entry: Rule,
    inner: Rule,
    lower: impl FnOnce(&mut lower::Lowerer, pest::iterators::Pair<Rule>) -> T,
) -> Result<T, Vec<Diagnostic>> {
    let scanned = scan::scan(text);
    let errors: Vec<Diagnostic> =
        scanned.problems.iter().map(|(p, s)| Diagnostic::new(p.clone(), id, *s)).filter(|d| d.is_error()).collect();
    if !errors.is_empty() || scanned.too_deep {
        return Err(errors);
    }
    pest::set_error_detail(true);
    let pairs = TenetParser::parse(entry, text).map_err(|e| {
        let (pos, expected) = describe_expected(&e);
        let word = text
            .get(pos..)
            .map_or(0, |r| r.chars().take_while(|c| c.is_alphanumeric() || *c == '_').map(char::len_utf8).sum());
        let problem = Problem::Syntax { found: describe_found(text, pos), expected, suggestion: None };
        vec![Diagnostic::new(problem, id, error_span(text, pos, word))]
    })?;
    let mut lowerer = lower::Lowerer::new(id, text, &scanned.comments);
    let pair = pairs.into_iter().next().and_then(|root| lower::Lowerer::entry(root, inner));
    let Some(pair) = pair else {
        let problem = Problem::Syntax { found: "text".into(), expected: "an expression".into(), suggestion: None };
        return Err(vec![Diagnostic::new(problem, id, Span::new(0, text.len()))]);
    };
    let value = lower(&mut lowerer, pair);
    if lowerer.errors.is_empty() {
        Ok(value)
    } else {
        Err(lowerer.errors)
    }
}

fn file_is_only_comments(text: &str, comments: &[ast::Comment]) -> bool {
    let mut cursor = 0;
    for c in comments {
        if !text.get(cursor..c.span.start).is_some_and(|gap| gap.trim().is_empty()) {
            return false;
        }
        cursor = c.span.end;
    }
    text.get(cursor..).is_some_and(|rest| rest.trim().is_empty())
}

/// Re-parses an item that failed, alone, to find where and why.
fn syntax_error_in(text: &str, span: Span, id: FileId) -> Diagnostic {
    let chunk = &text[span.start..span.end];
    pest::set_error_detail(true);
    let (pos, expected) = match TenetParser::parse(Rule::single_item, chunk) {
        Ok(_) => (chunk.trim_end().len(), "a new line before the next item".to_string()),
        Err(e) => describe_expected(&e),
    };
    let at = span.start + pos;
    // Long enough for any keyword; a 5 MB word is not looked at whole. At
    // the item's end, what follows is the next item, not what went wrong.
    let word: String =
        text[at..span.end.max(at)].chars().take_while(|c| c.is_alphanumeric() || *c == '_').take(40).collect();
    let suggestion = if word.is_empty() { None } else { closest_keyword(&word) };
    // Inside an item, a line that ends early is shown where it ends.
    let line_end = if pos > 0 { missing_at_line_end(text, span.start, at, &word) } else { None };
    if let Some(span) = line_end {
        let problem = Problem::Syntax { found: "end of line".into(), expected, suggestion };
        return Diagnostic::new(problem, id, span).with_label("something is missing here");
    }
    let span = error_span(text, at, word.len());
    Diagnostic::new(Problem::Syntax { found: describe_found(text, at), expected, suggestion }, id, span)
}

/// When a line ends early (`within 7`, then `}` on the next line), the
/// place to show is right after the last token of that line (comments
/// after it, on its line or below, are passed over).
fn missing_at_line_end(text: &str, item_start: usize, at: usize, word: &str) -> Option<Span> {
    if !word.is_empty() {
        return None;
    }
    let prev_end = code_end(text, item_start, at);
    let before = &text[..at];
    if prev_end <= item_start || !before[prev_end..].contains('\n') {
        return None;
    }
    let next = before[prev_end..].chars().next().map_or(1, char::len_utf8);
    Some(Span::new(prev_end, prev_end + next))
}

/// The end of the last token of the item starting at `start` before `at`:
/// blank space and comments are not tokens.
fn code_end(text: &str, start: usize, at: usize) -> usize {
    let mut end = at;
    loop {
        let item = &text[start..end];
        let trimmed = item.trim_end();
        if let Some(open) = trimmed.strip_suffix("*/").and_then(|t| t.rfind("/*")) {
            end = start + open;
            continue;
        }
        let line_start = trimmed.rfind('\n').map_or(0, |k| k + 1);
        match line_comment_start(&trimmed[line_start..]) {
            Some(k) => end = start + line_start + k,
            None => return start + trimmed.len(),
        }
    }
}

/// Where a `//` comment starts in `line`, outside strings.
fn line_comment_start(line: &str) -> Option<usize> {
    let mut quoted = false;
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quoted => i += 1,
            b'"' => quoted = !quoted,
            b'/' if !quoted && bytes.get(i + 1) == Some(&b'/') => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

/// The words reserved by the grammar.
pub const KEYWORDS: &[&str] = &[
    "jurisdiction",
    "import",
    "event",
    "calendar",
    "rule",
    "override",
    "test",
    "extends",
    "timezone",
    "cites",
    "text",
    "in",
    "force",
    "from",
    "until",
    "when",
    "as",
    "where",
    "require",
    "prior",
    "or",
    "and",
    "not",
    "within",
    "before",
    "unless",
    "forbid",
    "while",
    "open",
    "remedy",
    "per",
    "late",
    "max",
    "given",
    "expect",
    "of",
    "for",
    "true",
    "false",
    "during",
    "delay",
    "to",
    "weekend",
    "holiday",
    "satisfied",
    "violated",
    "pending",
];

/// A keyword close to a misspelled word of four letters or more.
fn closest_keyword(word: &str) -> Option<String> {
    let len = word.chars().count();
    if !(4..=20).contains(&len) || KEYWORDS.contains(&word) {
        return None;
    }
    crate::check::suggest::closest(word, KEYWORDS.iter().copied())
}

/// Where to draw a syntax error found at `at`: the whole word there.
fn error_span(text: &str, at: usize, word_len: usize) -> Span {
    if at >= text.len() {
        // At the end of the file: point at the last character.
        let last = text.char_indices().last().map_or(0, |(i, _)| i);
        return Span::new(last, text.len());
    }
    let len = if word_len > 0 { word_len } else { text[at..].chars().next().map_or(0, char::len_utf8) };
    Span::new(at, at + len)
}

fn error_location(e: &pest::error::Error<Rule>) -> (usize, usize) {
    match e.location {
        pest::error::InputLocation::Pos(p) => (p, p),
        pest::error::InputLocation::Span((a, b)) => (a, b),
    }
}

/// What the text holds at `at`, for "unexpected ...".
fn describe_found(text: &str, at: usize) -> String {
    let rest = &text[at..];
    let Some(c) = rest.chars().next() else { return "end of file".into() };
    if c == '\n' || c == '\r' {
        return "end of line".into();
    }
    let word: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').take(40).collect();
    if !word.is_empty() {
        return format!("`{word}`");
    }
    if c == '"' {
        return "a string".into();
    }
    format!("`{c}`")
}

/// Position and a readable list of what could come at the failure point.
fn describe_expected(e: &pest::error::Error<Rule>) -> (usize, String) {
    let (pos, _) = error_location(e);
    let mut names: Vec<String> = vec![];
    if let pest::error::ErrorVariant::ParsingError { positives, .. } = &e.variant {
        names.extend(positives.iter().filter_map(|r| rule_description(*r)).map(str::to_string));
    }
    if let Some(attempts) = e.parse_attempts() {
        for t in attempts.expected_tokens() {
            // Only punctuation is named here; words come from the rules above.
            let token = t.to_string();
            let punctuation = token.chars().all(|c| c.is_ascii_punctuation()) && !token.contains("..");
            let comment = token == "//" || token == "/*";
            if punctuation && !comment && !token.is_empty() {
                names.push(format!("`{token}`"));
            }
        }
    }
    names.sort();
    names.dedup();
    let expected = match names.len() {
        0 => "something else".to_string(),
        1 => names.remove(0),
        _ => {
            let last = names.pop().unwrap_or_default();
            format!("{} or {}", names.join(", "), last)
        }
    };
    (pos, expected)
}

/// How a grammar rule is named in messages (None: not worth naming).
fn rule_description(rule: Rule) -> Option<&'static str> {
    use Rule::*;
    Some(match rule {
        ident => "a name",
        name => "a name",
        string | string_body => "a string",
        number => "a number",
        date => "a date (YYYY-MM-DD)",
        datetime => "a time (2026-03-02T09:00:00-03:00)",
        money => "an amount with its currency (10 GBP)",
        duration | expr_duration => "a duration (7 days)",
        duration_unit => "a unit (hours, days, calendar days, business days)",
        remedy_unit => "`day`, `calendar day`, `business day`, `hour` or `week`",
        literal => "a value",
        expr | and_expr | not_expr | cmp_expr | sum_expr | product | unary | primary => "an expression",
        cmp_op => "a comparison (==, !=, <, <=, >, >=)",
        weekday => "a weekday (mon..sun)",
        clock => "a time of day (HH:MM)",
        currency => "a currency code (GBP)",
        type_name | field_type => "a field type",
        field_decl => "a field (name: type)",
        verdict => "`satisfied`, `violated` or `pending`",
        period => "`month`, `quarter` or `year`",
        aggregate_fn => "count, distinct, sum, min, max, average or percentile",
        measure | rate_measure | delay_measure | event_measure => "a measure such as count(EVENT)",
        group => "a key or a period",
        when_clause | require_clause | unless_clause | forbid_clause | remedy_clause | aggregate_clause => {
            "a clause (when, require, unless, forbid, remedy, per)"
        }
        single_item | jurisdiction | import | event_decl | calendar_decl | rule_decl | test_decl => {
            "an item (jurisdiction, import, event, calendar, rule, test)"
        }
        given | given_event => "a given event (TIME TYPE { fields })",
        expectation => "`expect`",
        kw_jurisdiction => "`jurisdiction`",
        kw_import => "`import`",
        kw_event => "`event`",
        kw_calendar => "`calendar`",
        kw_rule => "`rule`",
        kw_override => "`override`",
        kw_test => "`test`",
        kw_extends => "`extends`",
        kw_timezone => "`timezone`",
        kw_cites => "`cites`",
        kw_text => "`text`",
        kw_in => "`in`",
        kw_force => "`force`",
        kw_from => "`from`",
        kw_until => "`until`",
        kw_when => "`when`",
        kw_as => "`as`",
        kw_where => "`where`",
        kw_require => "`require`",
        kw_prior => "`prior`",
        kw_or => "`or`",
        kw_and => "`and`",
        kw_not => "`not`",
        kw_within => "`within`",
        kw_before => "`before`",
        kw_unless => "`unless`",
        kw_forbid => "`forbid`",
        kw_while => "`while`",
        kw_open => "`open`",
        kw_remedy => "`remedy`",
        kw_per => "`per`",
        kw_late => "`late`",
        kw_max => "`max`",
        kw_rate => "`rate`",
        kw_delay => "`delay`",
        kw_to => "`to`",
        kw_during => "`during`",
        kw_weekend => "`weekend`",
        kw_holiday => "`holiday`",
        kw_given => "`given`",
        kw_of => "`of`",
        kw_expect => "`expect`",
        kw_for => "`for`",
        _ => return None,
    })
}

#[cfg(test)]
mod tests;
