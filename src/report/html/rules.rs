//! A jurisdiction's section: its rules in a table (citation, legal text,
//! verdict counts, remedies owed), then each rule with instances in detail
//! (its charts and the evidence of its violations).

use super::collect::Collector;
use super::escape::Esc;
use super::{evidence, figures};
use crate::eval::ir::Rule;
use crate::eval::Instance;
use crate::report::Report;
use std::fmt::Write as _;

/// The section of jurisdiction `j`; `listed` holds each rule's listed
/// violations.
pub fn jurisdiction(r: &Report, c: &Collector, j: usize, listed: &[Vec<&Instance>]) -> String {
    let Some(jur) = r.program.jurisdictions.get(j) else { return String::new() };
    let rules: Vec<usize> = (0..r.program.rules.len()).filter(|&i| r.program.rules[i].jurisdiction == j).collect();
    let mut s = format!("<section class=\"jurisdiction\" id=\"j-{j}\">\n<h2>{}", Esc(&jur.name));
    if let Some(t) = &jur.title {
        let _ = write!(s, ": {}", Esc(t));
    }
    s.push_str("</h2>\n");
    let calendar = jur.calendar_name.as_deref().map(|n| format!(", business calendar <code>{}</code>", Esc(n)));
    let _ = writeln!(
        s,
        "<p class=\"jur-facts\">Time zone <code>{}</code>{}; {} rule{}.</p>",
        Esc(jur.tz.name()),
        calendar.unwrap_or_default(),
        rules.len(),
        crate::report::plural(rules.len())
    );
    s.push_str(&table(r, &rules));
    for &i in &rules {
        let none = vec![];
        s.push_str(&rule_section(r, c, i, listed.get(i).unwrap_or(&none)));
    }
    s.push_str("</section>\n");
    s
}

/// The table of `rules`, one row each.
fn table(r: &Report, rules: &[usize]) -> String {
    let mut s = String::from(
        "<table class=\"rules\">\n<thead><tr><th>Rule</th><th>Citation</th><th>Legal text</th>\
         <th class=\"num\">Satisfied</th><th class=\"num\">Violated</th><th class=\"num\">Pending</th>\
         <th class=\"num\">Remedies owed</th></tr></thead>\n<tbody>\n",
    );
    for &i in rules {
        let Some(rule) = r.program.rules.get(i) else { continue };
        let [sat, vio, pend] = r.summary.counts.get(i).copied().unwrap_or_default();
        let owed: Vec<String> =
            r.summary.remedies.get(i).into_iter().flatten().map(|(cur, a)| format!("{a} {}", Esc(cur))).collect();
        let violated_class = if vio > 0 && !rule.measure { " class=\"num violated\"" } else { " class=\"num\"" };
        let _ = writeln!(
            s,
            "<tr class=\"rule-row\"><td>{}</td><td>{}</td><td class=\"legal\">{}</td><td class=\"num\">{sat}</td>\
             <td{violated_class}>{vio}</td><td class=\"num\">{pend}</td><td class=\"num\">{}</td></tr>",
            name_cell(rule, i, has_instances(r, i)),
            rule.cites.as_deref().map(|t| Esc(t).to_string()).unwrap_or_default(),
            rule.legal_text.as_deref().map(|t| Esc(t).to_string()).unwrap_or_default(),
            owed.join("<br>")
        );
    }
    s.push_str("</tbody>\n</table>\n");
    s
}

/// The rule's name (a link to its section when it has one) and title.
fn name_cell(rule: &Rule, i: usize, linked: bool) -> String {
    let name = if linked {
        format!("<a href=\"#rule-{i}\"><code>{}</code></a>", Esc(&rule.name))
    } else {
        format!("<code>{}</code>", Esc(&rule.name))
    };
    let measure = if rule.measure { " <span class=\"tag\">measure</span>" } else { "" };
    let title = rule.title.as_deref().map(|t| format!("<br><span class=\"title\">{}</span>", Esc(t)));
    format!("{name}{measure}{}", title.unwrap_or_default())
}

fn has_instances(r: &Report, i: usize) -> bool {
    r.summary.counts.get(i).is_some_and(|c| c.iter().any(|n| *n > 0))
}

/// The detail of rule `i`, when it has instances: what it says, its
/// charts, the evidence of its violations.
fn rule_section(r: &Report, c: &Collector, i: usize, listed: &[&Instance]) -> String {
    let Some(rule) = r.program.rules.get(i).filter(|_| has_instances(r, i)) else { return String::new() };
    let mut s = format!("<section class=\"rule\" id=\"rule-{i}\">\n<h3><code>{}</code>", Esc(&rule.name));
    if let Some(t) = &rule.title {
        let _ = write!(s, " — {}", Esc(t));
    }
    s.push_str("</h3>\n");
    if let Some(cites) = &rule.cites {
        let _ = writeln!(s, "<p class=\"cites\">{}</p>", Esc(cites));
    }
    if let Some(text) = &rule.legal_text {
        let _ = writeln!(s, "<blockquote class=\"legal\">{}</blockquote>", Esc(text));
    }
    if rule.measure {
        s.push_str("<p class=\"measure\">A measure: its instances count only in the rates of the period standards naming it, never as violations.</p>\n");
    }
    s.push_str(&figures::verdicts_per_month(c, i));
    s.push_str(&figures::measured_per_period(c, i));
    if !rule.measure {
        s.push_str(&evidence::table(r, i, listed));
    }
    s.push_str("</section>\n");
    s
}
