//! Completion from the text before the cursor.
//!
//! Half-typed code rarely parses, so the context is read from the words
//! before the cursor (`when ▮`, `c.▮`, `expect violated ▮`, `timezone "▮`)
//! and the names come from the document's last analysis: the events the
//! file sees, the fields of an alias's event, the rules of its jurisdiction.

use super::Document;
use super::Engine;
use tower_lsp_server::ls_types::{
    CompletionItem, CompletionItemKind, CompletionParams, CompletionResponse, InsertTextFormat,
};

/// Answers `textDocument/completion`.
pub fn handle(engine: &Engine, params: &CompletionParams) -> Option<CompletionResponse> {
    let pos = &params.text_document_position;
    let doc = engine.doc(&pos.text_document.uri)?;
    let items = complete(doc, doc.offset(pos.position));
    Some(CompletionResponse::Array(items))
}

/// The completion items at byte `offset` of `doc`.
pub fn complete(doc: &Document, offset: usize) -> Vec<CompletionItem> {
    let offset = super::lookup::floor(&doc.text, offset);
    let before = &doc.text[..offset];
    let line = before.rsplit('\n').next().unwrap_or("");
    if let Some(prefix) = open_string_after(line, "timezone") {
        return timezones(prefix);
    }
    let partial_len = line.chars().rev().take_while(|c| is_word(*c)).map(char::len_utf8).sum::<usize>();
    let head = &before[..before.len() - partial_len];
    if let Some(owner) = head.strip_suffix('.').map(last_word).filter(|w| !w.is_empty()) {
        return fields_of(doc, owner, head);
    }
    let prev = previous_token(head);
    let prev2 = previous_token(&head[..head.trim_end().len().saturating_sub(prev.len())]);
    let trimmed_line = line.trim_start();
    match prev {
        "when" | "require" | "forbid" | "prior" | "unless" | "before" | "from" | "to" => return events(doc),
        "or" if is_in_require(trimmed_line) => return events(doc),
        "(" if matches!(prev2, "count" | "distinct" | "sum" | "min" | "max") => return events(doc),
        "(" if prev2 == "rate" => return rules(doc),
        "violated" | "satisfied" | "pending" | "remedy" if trimmed_line.starts_with("expect") => return rules(doc),
        "expect" => {
            let mut out = rules(doc);
            out.extend(words(&["violated", "satisfied", "pending", "remedy"], CompletionItemKind::KEYWORD));
            return out;
        }
        "calendar" => return calendars(doc),
        "extends" if trimmed_line.starts_with("calendar") => return calendars(doc),
        "extends" => return jurisdictions(doc),
        "within" => return vec![],
        _ => {}
    }
    if let Some(given) = given_line(&line[..line.len() - partial_len]) {
        return match given {
            Given::Event => events(doc),
            Given::Field(event) => fields_of(doc, event, head),
        };
    }
    if prev.chars().all(|c| c.is_ascii_digit()) && !prev.is_empty() && prev2 == "within" {
        let units = ["hours", "days", "weeks", "calendar days", "business days", "minutes", "months", "years"];
        return words(&units, CompletionItemKind::UNIT);
    }
    keywords_for(depth(head), enclosing_item(head))
}

/// Where the cursor is on a `given` line of a test.
enum Given<'a> {
    /// After the timestamp: the event type.
    Event,
    /// Inside the braces of an event: one of its fields.
    Field(&'a str),
}

/// `2026-03-02T09:00:00Z ▮` or `2026-03-02T09:00:00Z asked { case: "A", ▮`.
fn given_line(line_head: &str) -> Option<Given<'_>> {
    let t = line_head.trim_start();
    let (stamp, rest) = t.split_once(char::is_whitespace)?;
    let is_stamp = stamp.len() >= 10 && stamp.as_bytes()[..4].iter().all(u8::is_ascii_digit) && stamp.contains('T');
    if !is_stamp {
        return None;
    }
    let rest = rest.trim_start();
    if rest.is_empty() {
        return Some(Given::Event);
    }
    let (event, inside) = rest.split_once('{')?;
    let event = event.trim();
    let after_separator = matches!(inside.trim_end().chars().last(), None | Some(',' | '{'));
    (!event.is_empty() && !inside.contains('}') && after_separator).then_some(Given::Field(event))
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn last_word(s: &str) -> &str {
    let len = s.chars().rev().take_while(|c| is_word(*c)).map(char::len_utf8).sum::<usize>();
    &s[s.len() - len..]
}

/// The token before the end of `s`: a word, or one punctuation character.
fn previous_token(s: &str) -> &str {
    let s = s.trim_end();
    let word = last_word(s);
    if !word.is_empty() {
        return word;
    }
    s.char_indices().last().map_or("", |(i, _)| &s[i..])
}

/// The text typed so far inside `keyword "...` when the cursor is in it.
fn open_string_after<'a>(line: &'a str, keyword: &str) -> Option<&'a str> {
    let at = line.rfind(keyword)?;
    let rest = line[at + keyword.len()..].trim_start();
    let inner = rest.strip_prefix('"')?;
    (!inner.contains('"')).then_some(inner)
}

fn is_in_require(line: &str) -> bool {
    line.starts_with("require") || line.starts_with("to ") || line.contains("delay from")
}

/// Brace depth at the end of `text`, skipping strings and comments.
fn depth(text: &str) -> usize {
    let mut depth = 0usize;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                while let Some(d) = chars.next() {
                    match d {
                        '\\' => {
                            chars.next();
                        }
                        '"' | '\n' => break,
                        _ => {}
                    }
                }
            }
            '/' if chars.peek() == Some(&'/') => {
                for d in chars.by_ref() {
                    if d == '\n' {
                        break;
                    }
                }
            }
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    depth
}

/// The keyword starting the top-level item the cursor is in.
fn enclosing_item(head: &str) -> &str {
    for line in head.lines().rev() {
        let first = line.split_whitespace().next().unwrap_or("");
        if !line.starts_with([' ', '\t']) {
            if let "rule" | "override" | "test" | "event" | "calendar" | "jurisdiction" = first {
                return if first == "override" { "rule" } else { first };
            }
        }
    }
    ""
}

fn item(label: &str, kind: CompletionItemKind, detail: Option<String>) -> CompletionItem {
    CompletionItem { label: label.to_string(), kind: Some(kind), detail, ..CompletionItem::default() }
}

fn words(list: &[&str], kind: CompletionItemKind) -> Vec<CompletionItem> {
    list.iter().map(|w| item(w, kind, None)).collect()
}

fn events(doc: &Document) -> Vec<CompletionItem> {
    let Some(file) = doc.file else { return vec![] };
    let Some(events) = doc.snapshot.analysis.scope.events.get(&file) else { return vec![] };
    events
        .iter()
        .map(|(name, info)| {
            let detail = info.decl.description.as_ref().map(|d| d.value.clone());
            item(name, CompletionItemKind::EVENT, detail)
        })
        .collect()
}

/// Fields of the event `owner` names: an alias bound in the current item,
/// or an event type itself (`sum(payment.amount)`).
fn fields_of(doc: &Document, owner: &str, head: &str) -> Vec<CompletionItem> {
    let Some(file) = doc.file else { return vec![] };
    let Some(events) = doc.snapshot.analysis.scope.events.get(&file) else { return vec![] };
    let event = alias_binding(head, owner).unwrap_or(owner);
    let Some(info) = events.get(event) else { return vec![] };
    let mut out: Vec<CompletionItem> = info
        .decl
        .fields
        .iter()
        .map(|f| {
            let ty = match &f.ty.currency {
                Some(c) => format!("{}({c})", f.ty.name),
                None => f.ty.name.clone(),
            };
            item(&f.name.text, CompletionItemKind::FIELD, Some(format!("{ty} — field of {event}")))
        })
        .collect();
    out.push(item("time", CompletionItemKind::FIELD, Some(format!("time — when the {event} happened"))));
    out
}

/// The event bound to `alias` by `EVENT as alias` in the item around the
/// end of `head`.
fn alias_binding<'a>(head: &'a str, alias: &str) -> Option<&'a str> {
    let start = head.rfind("\nrule ").max(head.rfind("\noverride rule ")).max(head.rfind("\ntest ")).unwrap_or(0);
    let words: Vec<&str> = head[start..].split(|c: char| !is_word(c)).filter(|w| !w.is_empty()).collect();
    words.windows(3).rev().find(|w| w[1] == "as" && w[2] == alias).map(|w| w[0])
}

fn rules(doc: &Document) -> Vec<CompletionItem> {
    let Some(file) = doc.file else { return vec![] };
    let scope = &doc.snapshot.analysis.scope;
    let Some(jur) = scope.file_jurisdiction.get(&file) else { return vec![] };
    let mut names = scope.rule_names(jur);
    names.sort_unstable();
    names.dedup();
    names
        .into_iter()
        .map(|n| {
            let title = scope.find_rule(jur, n).and_then(|(_, r)| r.title.as_ref()).map(|t| t.value.clone());
            item(n, CompletionItemKind::FUNCTION, title)
        })
        .collect()
}

fn calendars(doc: &Document) -> Vec<CompletionItem> {
    let scope = &doc.snapshot.analysis.scope;
    let mut names: Vec<String> = scope.calendars.keys().cloned().collect();
    for n in tenet::check::builtin_calendar_names() {
        if !names.contains(&n) {
            names.push(n);
        }
    }
    names.sort();
    names
        .iter()
        .map(|n| {
            let title = scope.calendars.get(n).and_then(|c| c.decl.title.as_ref()).map(|t| t.value.clone());
            item(n, CompletionItemKind::ENUM_MEMBER, title)
        })
        .collect()
}

fn jurisdictions(doc: &Document) -> Vec<CompletionItem> {
    let scope = &doc.snapshot.analysis.scope;
    scope
        .jurisdictions
        .iter()
        .map(|(n, j)| item(n, CompletionItemKind::MODULE, j.decl.title.as_ref().map(|t| t.value.clone())))
        .collect()
}

fn timezones(prefix: &str) -> Vec<CompletionItem> {
    chrono_tz::TZ_VARIANTS
        .iter()
        .map(|tz| tz.name())
        .filter(|n| n.to_lowercase().contains(&prefix.to_lowercase()))
        .map(|n| item(n, CompletionItemKind::VALUE, Some("time zone".into())))
        .collect()
}

/// Keywords and snippets that fit where the cursor is.
fn keywords_for(depth: usize, item_kind: &str) -> Vec<CompletionItem> {
    let (list, snippets): (&[&str], &[(&str, &str, &str)]) = match (depth, item_kind) {
        (0, _) => (&["jurisdiction", "import", "event", "calendar", "rule", "override", "test"], ITEM_SNIPPETS),
        (_, "rule") => (
            &[
                "when",
                "require",
                "prior",
                "unless",
                "forbid",
                "while",
                "open",
                "remedy",
                "per",
                "where",
                "as",
                "within",
                "before",
                "and",
                "or",
                "not",
                "in",
                "during",
                "by",
                "whichever",
                "extended",
                "ending",
            ],
            CLAUSE_SNIPPETS,
        ),
        (_, "test") => (&["given", "expect", "violated", "satisfied", "pending", "remedy", "for", "as", "of"], &[]),
        (_, "calendar") => (&["weekend", "holiday"], &[]),
        _ => (tenet::syntax::KEYWORDS, &[]),
    };
    let mut out = words(list, CompletionItemKind::KEYWORD);
    if item_kind == "rule" && depth > 0 {
        let functions: Vec<&str> = tenet::check::FUNCTIONS.iter().map(|(n, ..)| *n).collect();
        out.extend(words(&functions, CompletionItemKind::FUNCTION));
    }
    out.extend(snippets.iter().map(|(label, detail, body)| CompletionItem {
        label: (*label).to_string(),
        kind: Some(CompletionItemKind::SNIPPET),
        detail: Some((*detail).to_string()),
        insert_text: Some((*body).to_string()),
        insert_text_format: Some(InsertTextFormat::SNIPPET),
        ..CompletionItem::default()
    }));
    out
}

/// Snippets for whole items: (label, detail, body).
const ITEM_SNIPPETS: &[(&str, &str, &str)] = &[
    ("rule (obligation)", "when A require B within D", "rule ${1:name}\n  \"${2:What the rule says.}\"\n  cites \"${3:article}\"\n{\n  when ${4:trigger} as ${5:t}\n  require ${6:response} where ${7:case} == ${5:t}.${7:case} within ${8:7} ${9:days}\n}"),
    ("rule (prohibition)", "forbid A where cond", "rule ${1:name}\n  \"${2:What the rule says.}\"\n  cites \"${3:article}\"\n{\n  forbid ${4:event} where ${5:condition}\n}"),
    ("rule (precedence)", "when A require prior B", "rule ${1:name}\n  \"${2:What the rule says.}\"\n  cites \"${3:article}\"\n{\n  when ${4:trigger} as ${5:t}\n  require prior ${6:earlier} where ${7:customer} == ${5:t}.${7:customer}\n}"),
    ("rule (aggregate)", "per key: count(A) <= N", "rule ${1:name}\n  \"${2:What the rule says.}\"\n  cites \"${3:article}\"\n{\n  per ${4:case}: count(${5:event}) <= ${6:2}\n}"),
    ("rule (period standard)", "per month: rate(rule) >= N%", "rule ${1:name}\n  \"${2:What the rule says.}\"\n  cites \"${3:article}\"\n{\n  per ${4:month}: rate(${5:rule}) >= ${6:95}%\n}"),
    ("event", "event type with fields", "event ${1:name} \"${2:description}\" { ${3:case}: ${4:id} }"),
    ("test", "inline test", "test \"${1:name}\" {\n  given {\n    ${2:2026-03-02T09:00:00Z} ${3:event} { ${4:case}: \"${5:A}\" }\n  }\n  expect ${6:violated} ${7:rule} for ${4:case} \"${5:A}\"\n}"),
    ("jurisdiction", "file header", "jurisdiction ${1:CODE} \"${2:title}\"\n  timezone \"${3:Europe/London}\"\n  calendar ${4:GB}"),
];

/// Snippets for clauses inside a rule.
const CLAUSE_SNIPPETS: &[(&str, &str, &str)] = &[
    ("when … as …", "trigger", "when ${1:event} as ${2:t}"),
    (
        "require … within …",
        "response with deadline",
        "require ${1:event} where ${2:case} == ${3:t}.${2:case} within ${4:7} ${5:days}",
    ),
    (
        "forbid … while open",
        "prohibition while open",
        "forbid ${1:event} where ${2:customer} == ${3:t}.${2:customer} while open",
    ),
    ("remedy … per day late", "compensation", "remedy ${1:10} ${2:GBP} per day late"),
];
