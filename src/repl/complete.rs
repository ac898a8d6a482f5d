//! Tab completion: commands, rule names, event types, fields after
//! `alias.`, calendars, time zones, keywords and file paths, by context.

use super::commands::COMMANDS;
use super::defs::DefKind;
use super::session::Session;
use crate::syntax::KEYWORDS;

/// The names a session offers for completion.
#[derive(Debug, Clone, Default)]
pub struct Words {
    /// Rule names.
    pub rules: Vec<String>,
    /// Event type names.
    pub events: Vec<String>,
    /// Field names of every event type.
    pub fields: Vec<String>,
    /// Calendar names (declared and shipped).
    pub calendars: Vec<String>,
    /// Every item name (for `:show`).
    pub items: Vec<String>,
}

impl Words {
    /// The names of `session` now.
    pub fn of(session: &Session) -> Words {
        let kinds = [DefKind::Rule, DefKind::Event, DefKind::Calendar, DefKind::Test, DefKind::Jurisdiction];
        let mut items: Vec<String> = kinds.iter().flat_map(|k| session.names(*k)).collect();
        items.sort();
        items.dedup();
        Words {
            rules: session.names(DefKind::Rule),
            events: session.names(DefKind::Event),
            fields: session.field_names(),
            calendars: session.names(DefKind::Calendar),
            items,
        }
    }
}

/// Where the completed word starts in `line` and the candidates for it.
pub fn complete(words: &Words, line: &str, pos: usize) -> (usize, Vec<String>) {
    let before = line.get(..pos).unwrap_or(line);
    let start = before
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_alphanumeric() || "_-/.:\"~".contains(*c)))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let word = &before[start..];
    // After `alias.`: the fields.
    if let Some(dot) = word.rfind('.') {
        if !word.starts_with(':') && !word.contains('/') && word[..dot].chars().all(|c| c.is_alphanumeric() || c == '_')
        {
            return (start + dot + 1, matching(&words.fields, &word[dot + 1..]));
        }
    }
    let previous: Vec<&str> = before[..start].split_whitespace().collect();
    if before.trim_start().starts_with(':') {
        return command_args(words, start, word, &previous);
    }
    let last = previous.last().copied().unwrap_or("");
    let candidates = match last {
        "when" | "require" | "forbid" | "or" | "prior" | "before" | "unless" | "from" | "to" => {
            matching(&words.events, word)
        }
        "satisfied" | "violated" | "pending" => matching(&words.rules, word),
        "remedy" if previous.contains(&"expect") => matching(&words.rules, word),
        "calendar" | "extends" => matching(&words.calendars, word),
        "timezone" => {
            let bare = word.trim_start_matches('"');
            let zones: Vec<String> = chrono_tz::TZ_VARIANTS.iter().map(|z| z.name().to_string()).collect();
            return (start, matching(&zones, bare).into_iter().map(|z| format!("\"{z}\"")).collect());
        }
        _ => {
            let mut all: Vec<String> = KEYWORDS.iter().map(|k| k.to_string()).collect();
            all.extend(words.rules.iter().cloned());
            all.extend(words.events.iter().cloned());
            all.sort();
            all.dedup();
            matching(&all, word)
        }
    };
    (start, candidates)
}

fn command_args(words: &Words, start: usize, word: &str, previous: &[&str]) -> (usize, Vec<String>) {
    let Some(command) = previous.first().map(|c| c.trim_start_matches(':')) else {
        // The command name itself.
        let names: Vec<String> = COMMANDS.iter().map(|(n, _, _)| format!(":{n}")).collect();
        return (start, matching(&names, word));
    };
    let first_arg = previous.len() == 1;
    match command {
        "load" | "events" | "save" => paths(start, word),
        "check" | "explain" if first_arg => (start, matching(&words.rules, word)),
        "show" if first_arg => (start, matching(&words.items, word)),
        "event" if previous.len() == 2 => (start, matching(&words.events, word)),
        _ => (start, vec![]),
    }
}

/// Files and directories starting with `word` (directories end with `/`).
fn paths(start: usize, word: &str) -> (usize, Vec<String>) {
    let (dir, prefix) = match word.rfind('/') {
        Some(i) => (&word[..=i], &word[i + 1..]),
        None => ("", word),
    };
    let Ok(entries) = std::fs::read_dir(if dir.is_empty() { "." } else { dir }) else { return (start, vec![]) };
    let mut out: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_string();
            if !name.starts_with(prefix) || (name.starts_with('.') && !prefix.starts_with('.')) {
                return None;
            }
            let slash = if e.file_type().ok()?.is_dir() { "/" } else { "" };
            Some(format!("{dir}{name}{slash}"))
        })
        .collect();
    out.sort();
    (start, out)
}

fn matching(names: &[String], prefix: &str) -> Vec<String> {
    names.iter().filter(|n| n.starts_with(prefix)).cloned().collect()
}
