//! The page around the sections: head and style, what was judged (policy
//! files, logs, events, horizon), a table of contents, then a section per
//! jurisdiction, the remedies per customer, and what the run warned of.

use super::collect::Collector;
use super::escape::Esc;
use super::{remedies, rules};
use crate::diagnostics::JsonDiagnostic;
use crate::eval::Instance;
use crate::report::{local_time, plural, Report};
use std::fmt::Write as _;
use std::io::{self, Write};

/// The style sheet, inside the page: nothing is fetched.
const STYLE: &str = include_str!("style.css");

/// Bad log lines listed before the rest are only counted.
const SHOWN_BAD_LINES: usize = 20;

/// Writes the whole page of `r` with what `c` gathered; `generated_at` is
/// the time the page says it was made.
pub fn write(r: &Report, c: &Collector, generated_at: &str, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(head().as_bytes())?;
    out.write_all(summary(r, generated_at).as_bytes())?;
    out.write_all(contents(r).as_bytes())?;
    // The listed violations of each rule, found once.
    let mut listed: Vec<Vec<&Instance>> = vec![vec![]; r.program.rules.len()];
    for v in &r.summary.violations {
        if let Some(list) = listed.get_mut(v.rule) {
            list.push(v);
        }
    }
    for j in 0..r.program.jurisdictions.len() {
        out.write_all(rules::jurisdiction(r, c, j, &listed).as_bytes())?;
    }
    out.write_all(remedies::section(r).as_bytes())?;
    out.write_all(notes(r).as_bytes())?;
    let version = env!("CARGO_PKG_VERSION");
    write!(out, "<footer>Made by Tenet {version} (<code>tenet check --format html</code>).</footer>\n</main>\n</body>\n</html>\n")
}

fn head() -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Tenet compliance report</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<main>\n"
    )
}

/// The title and what was judged.
fn summary(r: &Report, generated_at: &str) -> String {
    let mut s = String::from("<header>\n<h1>Compliance report</h1>\n<dl class=\"facts\">\n");
    let mut fact = |name: &str, value: String| {
        let _ = writeln!(s, "<dt>{name}</dt><dd>{value}</dd>");
    };
    fact("Generated", format!("<time>{}</time>", Esc(generated_at)));
    let policies: Vec<String> = r.sources.iter().map(|(_, f)| format!("<code>{}</code>", Esc(&f.name()))).collect();
    fact("Policy files", policies.join(", "));
    let logs: Vec<String> =
        r.logs.iter().map(|p| format!("<code>{}</code>", Esc(&crate::report::log_name(p)))).collect();
    fact("Event log", logs.join(", "));
    fact("Events judged", r.stats.events.to_string());
    if r.summary.after_horizon > 0 {
        fact("Events after the horizon, not judged", r.summary.after_horizon.to_string());
    }
    if !r.stats.bad_lines.is_empty() {
        fact("Bad log lines skipped", r.stats.bad_lines.len().to_string());
    }
    fact("Horizon", format!("<time>{}</time>", Esc(&local_time(r.horizon, chrono_tz::UTC))));
    let violated = r.summary.violated();
    fact("Violations", format!("<strong class=\"violated\">{violated}</strong>"));
    s.push_str("</dl>\n</header>\n");
    s
}

/// Links to each jurisdiction and to the closing sections.
fn contents(r: &Report) -> String {
    let mut s = String::from("<nav>\n<h2>Contents</h2>\n<ul>\n");
    for (j, jur) in r.program.jurisdictions.iter().enumerate() {
        let title = jur.title.as_deref().map(|t| format!(": {}", Esc(t))).unwrap_or_default();
        let _ = writeln!(s, "<li><a href=\"#j-{j}\">{}{title}</a></li>", Esc(&jur.name));
    }
    s.push_str("<li><a href=\"#remedies\">Remedies per customer</a></li>\n");
    s.push_str("<li><a href=\"#notes\">Notes on the run</a></li>\n</ul>\n</nav>\n");
    s
}

/// The run's warnings, the bad lines skipped and the log's event types the
/// policy never names.
fn notes(r: &Report) -> String {
    let mut s = String::from("<section id=\"notes\">\n<h2>Notes on the run</h2>\n");
    if r.warnings.is_empty() && r.stats.bad_lines.is_empty() && r.stats.other_types.is_empty() {
        s.push_str("<p>No warning, no bad log line, and every event type of the log is named by the policy.</p>\n");
    }
    if !r.warnings.is_empty() {
        s.push_str("<h3>Warnings</h3>\n<ul class=\"warnings\">\n");
        for w in r.warnings {
            let d = JsonDiagnostic::from_diagnostic(w, r.sources);
            let place = match (&d.file, d.line) {
                (Some(f), Some(l)) => format!(" <code>{}:{l}</code>", Esc(f)),
                _ => String::new(),
            };
            let help = d.help.as_deref().map(|h| format!("<br><span class=\"help\">help: {}</span>", Esc(h)));
            let _ = writeln!(
                s,
                "<li><code>{}</code>{place}: {}{}</li>",
                Esc(&d.code),
                Esc(&d.message),
                help.unwrap_or_default()
            );
        }
        s.push_str("</ul>\n");
    }
    let bad = &r.stats.bad_lines;
    if !bad.is_empty() {
        s.push_str("<h3>Bad log lines skipped</h3>\n<ul class=\"bad-lines\">\n");
        for b in bad.iter().take(SHOWN_BAD_LINES) {
            let place = crate::log::place(&crate::span::display_path(&b.file), b.line);
            let _ = writeln!(s, "<li><code>{}</code>: {}</li>", Esc(&place), Esc(&b.reason));
        }
        s.push_str("</ul>\n");
        if bad.len() > SHOWN_BAD_LINES {
            let more = bad.len() - SHOWN_BAD_LINES;
            let _ = writeln!(
                s,
                "<p class=\"more\">… and {more} more bad line{}: <code>--format json</code> lists every one in <code>bad_line_details</code>.</p>",
                plural(more)
            );
        }
    }
    if !r.stats.other_types.is_empty() {
        s.push_str("<h3>Event types of the log the policy never names</h3>\n<p>");
        let names: Vec<String> = r.stats.other_types.iter().map(|t| format!("<code>{}</code>", Esc(t))).collect();
        s.push_str(&names.join(", "));
        if r.stats.other_types_truncated {
            s.push_str(", …");
        }
        s.push_str("</p>\n");
    }
    s.push_str("</section>\n");
    s
}
