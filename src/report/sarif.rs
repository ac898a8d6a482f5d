//! SARIF 2.1.0, so that code-review tools show violations: each violation
//! is a result located at its trigger line in the log, related to the rule
//! in the policy.
//!
//! Written as it is serialised, like the JSON report; object keys in
//! alphabetical order.

use super::{local_time, Report};
use crate::eval::Instance;
use crate::span::display_path;
use serde::ser::{Serialize, Serializer};
use serde::Serialize as Derive;
use std::io::{self, Write};

/// Writes the SARIF log as indented JSON, then a line break.
pub fn write(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &log(r))?;
    out.write_all(b"\n")
}

/// The SARIF log as a JSON value (for tests and embedding).
pub fn render(r: &Report) -> serde_json::Value {
    serde_json::to_value(log(r)).unwrap_or_default()
}

fn log<'r, 'a>(r: &'r Report<'a>) -> Log<'r, 'a> {
    Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        runs: [Run {
            results: Results(r),
            tool: Tool { driver: Driver { name: "tenet", rules: Rules(r), version: env!("CARGO_PKG_VERSION") } },
        }],
        version: "2.1.0",
    }
}

#[derive(Derive)]
struct Log<'r, 'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [Run<'r, 'a>; 1],
    version: &'static str,
}

#[derive(Derive)]
struct Run<'r, 'a> {
    /// Absent when the violations were not kept (`--summary`): SARIF reads
    /// an absent list as "not produced", an empty one as "none found".
    #[serde(skip_serializing_if = "Results::incomplete")]
    results: Results<'r, 'a>,
    tool: Tool<'r, 'a>,
}

#[derive(Derive)]
struct Tool<'r, 'a> {
    driver: Driver<'r, 'a>,
}

#[derive(Derive)]
struct Driver<'r, 'a> {
    name: &'static str,
    rules: Rules<'r, 'a>,
    version: &'static str,
}

/// The rules, as reporting descriptors.
struct Rules<'r, 'a>(&'r Report<'a>);

#[derive(Derive)]
#[serde(rename_all = "camelCase")]
struct Descriptor<'a> {
    full_description: Text,
    id: String,
    name: &'a str,
    properties: Properties<'a>,
    short_description: Text,
}

#[derive(Derive)]
struct Properties<'a> {
    cites: Option<&'a str>,
    jurisdiction: &'a str,
}

#[derive(Derive)]
struct Text {
    text: String,
}

impl Serialize for Rules<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        s.collect_seq(r.program.rules.iter().map(|rule| {
            let jur = r.program.jurisdictions.get(rule.jurisdiction).map_or("", |j| j.name.as_str());
            Descriptor {
                full_description: Text { text: rule.cites.clone().unwrap_or_default() },
                id: format!("{jur}/{}", rule.name),
                name: &rule.name,
                properties: Properties { cites: rule.cites.as_deref(), jurisdiction: jur },
                short_description: Text { text: rule.title.clone().unwrap_or_else(|| rule.name.clone()) },
            }
        }))
    }
}

/// The violations, as results.
struct Results<'r, 'a>(&'r Report<'a>);

impl Results<'_, '_> {
    fn incomplete(&self) -> bool {
        self.0.summary.keep_per_rule.is_some()
    }
}

#[derive(Derive)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    level: &'static str,
    locations: Vec<Location>,
    message: Text,
    related_locations: Vec<Related>,
    rule_id: String,
}

#[derive(Derive)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: Physical,
}

#[derive(Derive)]
#[serde(rename_all = "camelCase")]
struct Related {
    id: u32,
    message: Text,
    physical_location: Physical,
}

#[derive(Derive)]
#[serde(rename_all = "camelCase")]
struct Physical {
    artifact_location: Artifact,
    region: Region,
}

#[derive(Derive)]
struct Artifact {
    uri: String,
}

#[derive(Derive)]
#[serde(rename_all = "camelCase")]
struct Region {
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<usize>,
    start_line: u64,
}

impl Serialize for Results<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        s.collect_seq(r.summary.violations.iter().filter_map(|v| result(r, v)))
    }
}

fn result(r: &Report, v: &Instance) -> Option<SarifResult> {
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
    let locations = v
        .trigger
        .iter()
        .map(|t| Location {
            physical_location: Physical {
                artifact_location: Artifact { uri: r.log_file(t) },
                region: Region { start_column: None, start_line: t.loc.line },
            },
        })
        .collect();
    let policy = r.sources.get(rule.file).map(|f| {
        let lc = f.line_col(rule.span.start);
        Related {
            id: 0,
            message: Text { text: format!("rule `{}`", rule.name) },
            physical_location: Physical {
                artifact_location: Artifact { uri: display_path(&f.path) },
                region: Region { start_column: Some(lc.column), start_line: lc.line as u64 },
            },
        }
    });
    Some(SarifResult {
        level: "error",
        locations,
        message: Text { text },
        related_locations: policy.into_iter().collect(),
        rule_id: format!("{jur}/{}", rule.name),
    })
}
