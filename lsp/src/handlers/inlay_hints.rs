//! Inlay hints after each deadline: when it would fall for an example
//! trigger, in the jurisdiction's zone and business calendar, so that
//! `7 days` and `7 business days` visibly differ; and after the header's
//! calendar, what it resolved to.

use super::{Document, Engine};
use chrono::TimeZone;
use chrono_tz::Tz;
use tenet::syntax::ast::DurationUnit;
use tenet::time::{self, Calendar, DueKind};
use tower_lsp_server::ls_types::{InlayHint, InlayHintKind, InlayHintLabel, InlayHintParams};

/// The example trigger: a Friday afternoon, so that weekends show.
const EXAMPLE: (i32, u32, u32, u32) = (2026, 3, 6, 17);

/// Answers `textDocument/inlayHint`.
pub fn handle(engine: &Engine, params: &InlayHintParams) -> Option<Vec<InlayHint>> {
    let doc = engine.doc(&params.text_document.uri)?;
    let start = doc.offset(params.range.start);
    let end = doc.offset(params.range.end);
    Some(hints(doc).into_iter().filter(|(at, _)| (start..=end).contains(at)).map(|(_, h)| h).collect())
}

/// Every hint of the document, with the byte offset it is shown at.
pub fn hints(doc: &Document) -> Vec<(usize, InlayHint)> {
    let Some(file) = doc.file else { return vec![] };
    let snap = &doc.snapshot;
    let (jur, calendar_name) = super::lookup::jurisdiction_and_calendar(snap, file);
    let tz: Tz = jur.and_then(|j| super::lookup::timezone(snap, j)).and_then(|t| t.parse().ok()).unwrap_or(Tz::UTC);
    let scope = &snap.analysis.scope;
    let calendar = calendar_name
        .as_deref()
        .and_then(|n| Calendar::resolve(n, &|c: &str| scope.calendars.get(c).map(|i| &i.decl)).ok())
        .unwrap_or_else(Calendar::weekends_only);
    let mut out = vec![];
    if let Some(name) = jur.and_then(|j| j.calendar.as_ref()).filter(|_| calendar_name.is_some()) {
        let label = resolved_calendar(&calendar);
        out.push((name.span.end, hint(doc, name.span.end, label)));
    }
    let (y, m, d, h) = EXAMPLE;
    let Some(trigger) = tz.with_ymd_and_hms(y, m, d, h, 0, 0).earliest() else { return out };
    let rolled = super::lookup::rolled(super::lookup::items(snap, file));
    for (span, amount, unit) in super::lookup::durations(super::lookup::items(snap, file)) {
        let Some(mut due) = time::due(time::to_micros(trigger), amount, unit, tz, &calendar) else { continue };
        if rolled.contains(&span) {
            let Some(r) = time::roll(due, tz, &calendar) else { continue };
            due = r;
        }
        let due_text = match due.kind {
            DueKind::EndOfLocalDay { date } => format!("end of {}", date.format("%a %Y-%m-%d")),
            DueKind::Exact => match time::from_micros(due.last_on_time) {
                Some(t) => t.with_timezone(&tz).format("%a %Y-%m-%d %H:%M").to_string(),
                None => continue,
            },
        };
        let mut label = format!("⇒ from {}: due {due_text}", trigger.format("%a %Y-%m-%d %H:%M"));
        if let (Some(from), DueKind::EndOfLocalDay { date }) = (due.rolled_from, due.kind) {
            label.push_str(&format!(" ({})", time::rolled(from, date)));
        }
        if unit == DurationUnit::BusinessDay {
            label.push_str(&format!(" ({} calendar)", calendar_name.as_deref().unwrap_or("weekends-only")));
        }
        if matches!(
            unit,
            DurationUnit::BusinessDay | DurationUnit::CalendarDay | DurationUnit::Month | DurationUnit::Year
        ) {
            label.push_str(&format!(", {}", tz.name()));
        }
        out.push((span.end, hint(doc, span.end, label)));
    }
    out
}

fn hint(doc: &Document, at: usize, label: String) -> InlayHint {
    InlayHint {
        position: doc.index.position(&doc.text, at),
        label: InlayHintLabel::String(label),
        kind: Some(InlayHintKind::TYPE),
        text_edits: None,
        tooltip: None,
        padding_left: Some(true),
        padding_right: None,
        data: None,
    }
}

/// What a calendar resolved to: its weekend and the years its holidays cover.
fn resolved_calendar(calendar: &Calendar) -> String {
    const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let weekend: Vec<&str> = DAYS.iter().zip(calendar.weekend()).filter(|(_, w)| *w).map(|(d, _)| *d).collect();
    let years = match calendar.years_covered() {
        Some(r) if r.start() == r.end() => format!(" in {}", r.start()),
        Some(r) => format!(", {}–{}", r.start(), r.end()),
        None => String::new(),
    };
    format!("⇒ weekend {}; {} holidays{years}", weekend.join(", "), calendar.holidays().len())
}
