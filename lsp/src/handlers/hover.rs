//! Hover: what the thing under the cursor is and means.
//!
//! Rules show their title, legal text and citation; events their
//! description and fields; fields their type; durations the exact instant
//! they end at (from `tenet::time::describe`); keywords a short explanation.

use super::lookup::{self, Decl};
use super::{Document, Engine};
use tenet::check::index::SymbolKey;
use tower_lsp_server::ls_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind};

/// Answers `textDocument/hover`.
pub fn handle(engine: &Engine, params: &HoverParams) -> Option<Hover> {
    let pos = &params.text_document_position_params;
    let doc = engine.doc(&pos.text_document.uri)?;
    let offset = doc.offset(pos.position);
    let (span, text) = hover_at(doc, offset)?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: text }),
        range: Some(doc.range(span.start, span.end)),
    })
}

/// The hover text at byte `offset` of `doc`, with the span it is about.
pub fn hover_at(doc: &Document, offset: usize) -> Option<(tenet::Span, String)> {
    let snap = &doc.snapshot;
    if let Some(file) = doc.file {
        if let Some(occ) = snap.symbols().at(file, offset) {
            if let Some(text) = describe(doc, &occ.key, file) {
                return Some((occ.span, text));
            }
        }
        let durations = lookup::durations(lookup::items(snap, file));
        if let Some((span, amount, unit)) = durations.into_iter().find(|d| d.0.contains(offset)) {
            let (jur, calendar) = lookup::jurisdiction_and_calendar(snap, file);
            let jur_name = jur.map(|j| j.name.text.as_str());
            let scope = &snap.analysis.scope;
            let resolved = calendar.as_deref().and_then(|n| {
                tenet::time::Calendar::resolve(n, &|c: &str| scope.calendars.get(c).map(|i| &i.decl)).ok()
            });
            let mut text = match &resolved {
                Some(cal) => tenet::time::describe_in(amount, unit, jur_name, cal),
                None => tenet::time::describe(amount, unit, jur_name, calendar.as_deref()),
            };
            if lookup::rolled(lookup::items(snap, file)).contains(&span) {
                text.push_str(tenet::time::ROLL_TEXT);
            }
            if let Some(tz) = jur.and_then(|j| lookup::timezone(snap, j)) {
                text.push_str(&format!("\n\nTime zone: `{tz}`"));
            }
            return Some((span, text));
        }
    }
    let (span, word) = lookup::word_at(&doc.text, offset)?;
    let explanation = super::super::keywords::explain(word)?;
    Some((span, format!("**{word}** (keyword)\n\n{explanation}")))
}

fn describe(doc: &Document, key: &SymbolKey, file: tenet::FileId) -> Option<String> {
    let snap = &doc.snapshot;
    if let SymbolKey::Alias { name, .. } = key {
        let event = lookup::alias_event(snap, key);
        return Some(match event {
            Some(e) => format!("**alias** `{name}`: an event `{e}`"),
            None => format!("**alias** `{name}`"),
        });
    }
    if let SymbolKey::File(id) = key {
        let path = snap.analysis.sources().get(*id)?.name();
        return Some(format!("**import** `{path}`"));
    }
    Some(match lookup::decl(snap, key, file)? {
        Decl::Rule(r) => rule(r),
        Decl::Event(e) => event(e),
        Decl::Field(e, f) => {
            let optional = if f.optional { " (optional)" } else { "" };
            format!("**field** `{}.{}`: `{}`{optional}", e.name.text, f.name.text, type_name(&f.ty))
        }
        Decl::Jurisdiction(j) => jurisdiction(j),
        Decl::Calendar(c, shipped) => calendar(c, shipped),
        Decl::Test(t) => {
            format!("**test** \"{}\": {} given events, {} expectations", t.name.value, t.given.len(), t.expects.len())
        }
        Decl::Parameter(d) => parameter(d, chrono::Utc::now().date_naive()),
    })
}

/// A parameter: its title, citation and schedule, with the value in force
/// `today` marked.
fn parameter(d: &tenet::syntax::ast::ParameterDecl, today: chrono::NaiveDate) -> String {
    let mut out = format!("**parameter** `{}`", d.name.text);
    if let Some(t) = &d.title {
        out.push_str(&format!("\n\n{}", t.value));
    }
    if let Some(c) = &d.cites {
        out.push_str(&format!("\n\nCites: {}", c.value));
    }
    out.push_str("\n\n| value | from | until |\n|---|---|---|");
    for (i, e) in d.entries.iter().enumerate() {
        let until = e.until.as_ref().map(|u| u.date).or_else(|| d.entries.get(i + 1).map(|n| n.from.date));
        let now = e.from.date <= today && until.is_none_or(|u| today < u);
        let mark = if now { " (in force today)" } else { "" };
        let until = until.map_or_else(|| "—".to_string(), |u| u.to_string());
        out.push_str(&format!("\n| {}{mark} | {} | {until} |", tenet::fmt::literal_text(&e.value), e.from.date));
    }
    out
}

fn type_name(t: &tenet::syntax::ast::TypeName) -> String {
    match &t.currency {
        Some(c) => format!("{}({c})", t.name),
        None => t.name.clone(),
    }
}

fn rule(r: &tenet::syntax::ast::RuleDecl) -> String {
    let kind = match (r.is_override, r.measure) {
        (true, true) => "override measure",
        (true, false) => "override rule",
        (false, true) => "measure",
        (false, false) => "rule",
    };
    let mut out = format!("**{kind}** `{}`", r.name.text);
    if let Some(t) = &r.title {
        out.push_str(&format!("\n\n{}", t.value));
    }
    if let Some(t) = &r.legal_text {
        out.push_str(&format!("\n\n> {}", t.value.replace('\n', "\n> ")));
    }
    match &r.cites {
        Some(c) => out.push_str(&format!("\n\nCites: {}", c.value)),
        None => out.push_str("\n\nCites: (no citation)"),
    }
    if let Some(f) = &r.in_force {
        out.push_str(&format!("\n\nIn force from {}", f.from.date));
        if let Some(u) = &f.until {
            out.push_str(&format!(" until {}", u.date));
        }
    }
    if r.measure {
        out.push_str("\n\nA measure: its instances count only in the `rate(...)` of the period standards naming it.");
    }
    if let Some(d) = &r.doc {
        out.push_str(&format!("\n\n{d}"));
    }
    out
}

fn event(e: &tenet::syntax::ast::EventDecl) -> String {
    let mut out = format!("**event** `{}`", e.name.text);
    if let Some(d) = &e.description {
        out.push_str(&format!("\n\n{}", d.value));
    }
    if let Some(d) = &e.doc {
        out.push_str(&format!("\n\n{d}"));
    }
    if e.fields.is_empty() {
        out.push_str("\n\nNo fields.");
    } else {
        out.push_str("\n\n| field | type |\n|---|---|");
        for f in &e.fields {
            let optional = if f.optional { "?" } else { "" };
            out.push_str(&format!("\n| `{}` | `{}{optional}` |", f.name.text, type_name(&f.ty)));
        }
    }
    out
}

fn jurisdiction(j: &tenet::syntax::ast::Jurisdiction) -> String {
    let mut out = format!("**jurisdiction** `{}`", j.name.text);
    if let Some(t) = &j.title {
        out.push_str(&format!("\n\n{}", t.value));
    }
    if let Some(p) = &j.extends {
        out.push_str(&format!("\n\nExtends `{}`", p.text));
    }
    if let Some(t) = &j.timezone {
        out.push_str(&format!("\n\nTime zone: `{}`", t.value));
    }
    if let Some(c) = &j.calendar {
        out.push_str(&format!("\n\nCalendar: `{}`", c.text));
    }
    out
}

fn calendar(c: &tenet::syntax::ast::CalendarDecl, shipped: bool) -> String {
    let mut out = format!("**calendar** `{}`", c.name.text);
    if shipped {
        out.push_str(" (shipped with Tenet)");
    }
    if let Some(t) = &c.title {
        out.push_str(&format!("\n\n{}", t.value));
    }
    if let Some(p) = &c.extends {
        out.push_str(&format!("\n\nExtends `{}`", p.text));
    }
    let weekend: Vec<&str> = c.weekends.iter().flatten().map(|d| d.node.as_str()).collect();
    if !weekend.is_empty() {
        out.push_str(&format!("\n\nWeekend: {}", weekend.join(", ")));
    }
    let years: std::collections::BTreeSet<i32> =
        c.holidays.iter().map(|h| chrono::Datelike::year(&h.date.date)).collect();
    let span = match (years.first(), years.last()) {
        (Some(a), Some(b)) if a == b => format!(" ({a})"),
        (Some(a), Some(b)) => format!(" ({a}–{b})"),
        _ => String::new(),
    };
    out.push_str(&format!("\n\n{} holidays{span}", c.holidays.len()));
    if !c.workdays.is_empty() {
        let n = c.workdays.len();
        let s = if n == 1 { "" } else { "s" };
        out.push_str(&format!(", {n} make-up working day{s} (business days even on a weekend day)"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::parameter;
    use tenet::syntax::ast::Item;

    #[test]
    fn a_parameter_shows_its_schedule_and_the_value_in_force() {
        let text = "parameter rate \"Paid per day\" cites \"Code\" {\n  8 GBP from 2019-04-01\n  8.06 GBP from 2021-04-01 until 2022-04-01\n}\n";
        let parsed = tenet::syntax::parse(text, tenet::FileId(0));
        let Some(Item::Parameter(d)) = parsed.file.items.first() else { panic!("not a parameter: {parsed:?}") };
        let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default();
        assert_eq!(
            parameter(d, day("2021-04-01")),
            "**parameter** `rate`\n\nPaid per day\n\nCites: Code\n\n| value | from | until |\n|---|---|---|\n| 8 GBP | 2019-04-01 | 2021-04-01 |\n| 8.06 GBP (in force today) | 2021-04-01 | 2022-04-01 |"
        );
        assert!(!parameter(d, day("2022-04-01")).contains("in force today"));
    }
}
