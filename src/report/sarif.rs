//! SARIF 2.1.0, so that code-review tools show violations: each violation
//! is a result located at its trigger line in the log, related to the rule
//! in the policy.

use super::{local_time, Report};
use crate::span::display_path;
use serde_json::{json, Value};

/// The SARIF log.
pub fn render(r: &Report) -> Value {
    let rules: Vec<Value> = r
        .program
        .rules
        .iter()
        .map(|rule| {
            let jur = r.program.jurisdictions.get(rule.jurisdiction).map_or("", |j| j.name.as_str());
            json!({
                "id": format!("{jur}/{}", rule.name),
                "name": rule.name,
                "shortDescription": { "text": rule.title.clone().unwrap_or_else(|| rule.name.clone()) },
                "fullDescription": { "text": rule.cites.clone().unwrap_or_default() },
                "properties": { "jurisdiction": jur, "cites": rule.cites },
            })
        })
        .collect();
    let results: Vec<Value> = r
        .summary
        .violations
        .iter()
        .filter_map(|v| {
            let rule = r.program.rules.get(v.rule)?;
            let jur = r.program.jurisdictions.get(rule.jurisdiction).map_or("", |j| j.name.as_str());
            let tz = r.tz(v.rule);
            let key: Vec<String> = v.key.iter().map(|(k, val)| format!("{k} {val}")).collect();
            let mut text = format!("violated `{}`", rule.name);
            if !key.is_empty() {
                text.push_str(&format!(" for {}", key.join(", ")));
            }
            text.push_str(&format!(": {}", v.note));
            if let Some(d) = &v.deadline {
                text.push_str(&format!("; deadline {}", local_time(d.last_on_time, tz)));
            }
            if let Some((a, c)) = &v.remedy {
                text.push_str(&format!("; remedy {a} {c}"));
            }
            let mut locations = vec![];
            if let Some(t) = &v.trigger {
                locations.push(json!({
                    "physicalLocation": {
                        "artifactLocation": { "uri": r.log_file(t) },
                        "region": { "startLine": t.loc.line }
                    }
                }));
            }
            let policy = r.sources.get(rule.file).map(|f| {
                let lc = f.line_col(rule.span.start);
                json!({
                    "id": 0,
                    "message": { "text": format!("rule `{}`", rule.name) },
                    "physicalLocation": {
                        "artifactLocation": { "uri": display_path(&f.path) },
                        "region": { "startLine": lc.line, "startColumn": lc.column }
                    }
                })
            });
            Some(json!({
                "ruleId": format!("{jur}/{}", rule.name),
                "level": "error",
                "message": { "text": text },
                "locations": locations,
                "relatedLocations": policy.into_iter().collect::<Vec<_>>(),
            }))
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": { "name": "tenet", "version": env!("CARGO_PKG_VERSION"), "rules": rules } },
            "results": results,
        }]
    })
}
