//! SARIF 2.1.0, so that code-review tools show violations: each violation
//! is a result located at its trigger line in the log, related to the rule
//! in the policy.
//!
//! Written while the log is read, like the JSON report: the results as they
//! are decided, in the document's own order (object keys alphabetical).

use super::stream::{pretty_at, ArrayWriter};
use super::{local_time, Context, Report};
use crate::diagnostics::{JsonDiagnostic, Sources};
use crate::eval::Instance;
use crate::span::display_path;
use serde::ser::{Serialize, Serializer};
use serde::Serialize as Derive;
use std::io::{self, Write};

/// Stands for the results in the document around them: the first string
/// of the document (only fixed text comes before it).
const SLOT: &str = "\u{1}results\u{1}";

/// A SARIF log being written: its results so far.
pub struct Stream<'w> {
    array: ArrayWriter<'w>,
    ctx: Context<'w>,
    sources: &'w Sources,
    /// The document after the results.
    after: Vec<u8>,
}

impl<'w> Stream<'w> {
    /// Starts the log on `out`, for the rules of `ctx` in `sources`.
    pub fn begin(out: &'w mut (dyn Write + Send), ctx: Context<'w>, sources: &'w Sources) -> Stream<'w> {
        let whole = serde_json::to_vec_pretty(&log(ctx, Some(Slot))).unwrap_or_default();
        let quoted = serde_json::to_vec(SLOT).unwrap_or_default();
        let at = whole.windows(quoted.len()).position(|w| w == quoted.as_slice()).unwrap_or(whole.len());
        let (before, rest) = whole.split_at(at);
        let after = rest.get(quoted.len()..).unwrap_or_default().to_vec();
        let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |k| k + 1);
        let indent = before[line_start..].iter().take_while(|&&b| b == b' ').count();
        let started = out.write_all(before);
        let mut array = ArrayWriter::new(out, indent);
        if let Err(e) = started {
            array.fail(e);
        }
        Stream { array, ctx, sources, after }
    }

    /// Writes the result of one violation.
    pub fn violation(&mut self, v: &Instance) {
        if let Some(result) = result(self.ctx, self.sources, v) {
            self.array.item(&result);
        }
    }

    /// The write error that stopped the log, if any (a closed pipe).
    pub fn error(&self) -> Option<&io::Error> {
        self.array.error()
    }

    /// Ends the log with the warnings of the run as results, then a line
    /// break.
    pub fn finish(mut self, r: &Report) -> io::Result<()> {
        for w in r.warnings {
            self.array.item(&DiagnosticResult::of(&JsonDiagnostic::from_diagnostic(w, r.sources)));
        }
        let out = self.array.finish()?;
        out.write_all(&self.after)?;
        out.write_all(b"\n")
    }

    /// Ends the log after the run failed: the results so far, the
    /// diagnostic that stopped it as a last result, and an invocation that
    /// did not succeed, naming it.
    pub fn fail(mut self, error: &JsonDiagnostic) -> io::Result<()> {
        self.array.item(&DiagnosticResult::of(error));
        let indent = self.array.indent();
        let out = self.array.finish()?;
        let invocations = [Invocation {
            execution_successful: false,
            tool_execution_notifications: [Notification {
                level: "error",
                message: Text { text: error.message.clone() },
            }],
        }];
        out.write_all(format!(",\n{}\"invocations\": ", " ".repeat(indent)).as_bytes())?;
        out.write_all(&pretty_at(&invocations, indent)?)?;
        out.write_all(&self.after)?;
        out.write_all(b"\n")
    }
}

/// Writes the SARIF log of `r` (its kept violations) to `out`.
pub fn write(r: &Report, out: &mut (dyn Write + Send)) -> io::Result<()> {
    // Results only when every violation was kept (not with --summary): SARIF
    // reads an absent list as "not produced", an empty one as "none found".
    if r.summary.keep_per_rule.is_some() {
        out.write_all(&pretty_at(&log(r.context(), None), 0)?)?;
        return out.write_all(b"\n");
    }
    let mut stream = Stream::begin(out, r.context(), r.sources);
    for v in &r.summary.violations {
        stream.violation(v);
    }
    stream.finish(r)
}

/// The SARIF log as a JSON value (for tests and embedding).
pub fn render(r: &Report) -> serde_json::Value {
    let mut text = Vec::new();
    match write(r, &mut text) {
        Ok(()) => serde_json::from_slice(&text).unwrap_or_default(),
        Err(_) => serde_json::Value::Null,
    }
}

/// The place of the results.
struct Slot;

impl Serialize for Slot {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(SLOT)
    }
}

fn log(ctx: Context<'_>, results: Option<Slot>) -> Log<'_> {
    Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        runs: [Run {
            results,
            tool: Tool { driver: Driver { name: "tenet", rules: Rules(ctx), version: env!("CARGO_PKG_VERSION") } },
        }],
        version: "2.1.0",
    }
}

#[derive(Derive)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [Run<'a>; 1],
    version: &'static str,
}

#[derive(Derive)]
struct Run<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    results: Option<Slot>,
    tool: Tool<'a>,
}

#[derive(Derive)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    tool_execution_notifications: [Notification; 1],
}

#[derive(Derive)]
struct Notification {
    level: &'static str,
    message: Text,
}

#[derive(Derive)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Derive)]
struct Driver<'a> {
    name: &'static str,
    rules: Rules<'a>,
    version: &'static str,
}

/// The rules, as reporting descriptors.
struct Rules<'a>(Context<'a>);

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

impl Serialize for Rules<'_> {
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
    /// None for a row of a Parquet or Arrow file: SARIF regions are text.
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
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

fn result(ctx: Context, sources: &Sources, v: &Instance) -> Option<SarifResult> {
    let rule = ctx.program.rules.get(v.rule)?;
    let jur = ctx.jurisdiction(v.rule).unwrap_or("");
    let tz = ctx.tz(v.rule);
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
                artifact_location: Artifact { uri: ctx.log_file(t) },
                region: (!t.loc().is_row()).then_some(Region { start_column: None, start_line: t.line }),
            },
        })
        .collect();
    let policy = sources.get(rule.file).map(|f| {
        let lc = f.line_col(rule.span.start);
        Related {
            id: 0,
            message: Text { text: format!("rule `{}`", rule.name) },
            physical_location: Physical {
                artifact_location: Artifact { uri: display_path(&f.path) },
                region: Some(Region { start_column: Some(lc.column), start_line: lc.line as u64 }),
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

/// Writes a SARIF log whose results are policy diagnostics (the static
/// check), or the errors that stopped a run: each a result of its level,
/// `ruleId` its stable code, located in its file when it has one. The
/// invocation says whether the run succeeded.
pub fn write_diagnostics(diags: &[JsonDiagnostic], successful: bool, out: &mut (dyn Write + Send)) -> io::Result<()> {
    let results: Vec<DiagnosticResult> = diags.iter().map(DiagnosticResult::of).collect();
    let log = DiagnosticLog {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        runs: [DiagnosticRun {
            invocations: [Succeeded { execution_successful: successful }],
            results,
            tool: BareTool { driver: BareDriver { name: "tenet", version: env!("CARGO_PKG_VERSION") } },
        }],
        version: "2.1.0",
    };
    out.write_all(&pretty_at(&log, 0)?)?;
    out.write_all(b"\n")
}

#[derive(Derive)]
struct DiagnosticLog {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [DiagnosticRun; 1],
    version: &'static str,
}

#[derive(Derive)]
struct DiagnosticRun {
    invocations: [Succeeded; 1],
    results: Vec<DiagnosticResult>,
    tool: BareTool,
}

#[derive(Derive)]
#[serde(rename_all = "camelCase")]
struct Succeeded {
    execution_successful: bool,
}

#[derive(Derive)]
struct BareTool {
    driver: BareDriver,
}

#[derive(Derive)]
struct BareDriver {
    name: &'static str,
    version: &'static str,
}

#[derive(Derive)]
#[serde(rename_all = "camelCase")]
struct DiagnosticResult {
    level: &'static str,
    locations: Vec<DiagnosticLocation>,
    message: Text,
    rule_id: String,
}

#[derive(Derive)]
#[serde(rename_all = "camelCase")]
struct DiagnosticLocation {
    physical_location: SpanPhysical,
}

#[derive(Derive)]
#[serde(rename_all = "camelCase")]
struct SpanPhysical {
    artifact_location: Artifact,
    region: SpanRegion,
}

/// A region with its end (SARIF lines and columns are 1-based too).
#[derive(Derive)]
#[serde(rename_all = "camelCase")]
struct SpanRegion {
    end_column: usize,
    end_line: usize,
    start_column: usize,
    start_line: usize,
}

impl DiagnosticResult {
    fn of(d: &JsonDiagnostic) -> Self {
        let level = match d.severity {
            crate::diagnostics::Severity::Error => "error",
            crate::diagnostics::Severity::Warning => "warning",
        };
        let text = match &d.help {
            Some(help) => format!("{}\nhelp: {help}", d.message),
            None => d.message.clone(),
        };
        // A problem outside any file (an unreadable log) has no location.
        let located = match (&d.file, d.line, d.column, d.end) {
            (Some(file), Some(line), Some(column), Some(end)) => Some(DiagnosticLocation {
                physical_location: SpanPhysical {
                    artifact_location: Artifact { uri: file.clone() },
                    region: SpanRegion {
                        end_column: end.column,
                        end_line: end.line,
                        start_column: column,
                        start_line: line,
                    },
                },
            }),
            _ => None,
        };
        DiagnosticResult {
            level,
            locations: located.into_iter().collect(),
            message: Text { text },
            rule_id: d.code.clone(),
        }
    }
}
