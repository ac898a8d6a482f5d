//! Diagnostics on open and on change, with related places and did-you-mean.

use crate::support::*;
use tower_lsp_server::ls_types::{Diagnostic, NumberOrString};

/// Diagnostics drawn under the source lines, with their code and message.
pub fn drawn(text: &str, diags: &[Diagnostic]) -> String {
    let marks: Vec<_> = diags
        .iter()
        .map(|d| {
            let code = match &d.code {
                Some(NumberOrString::String(s)) => s.clone(),
                _ => String::new(),
            };
            let related: Vec<String> = d
                .related_information
                .iter()
                .flatten()
                .map(|r| {
                    format!(
                        " [related: {} at {}:{}]",
                        r.message,
                        r.location.range.start.line + 1,
                        r.location.range.start.character
                    )
                })
                .collect();
            (
                d.range,
                format!("{:?} {code}: {}{}", d.severity.unwrap(), d.message.replace('\n', " / "), related.concat()),
            )
        })
        .collect();
    draw(text, &marks)
}

#[test]
fn open_reports_the_checker_warnings() {
    let mut e = tenet_lsp::engine::Engine::new();
    e.open(schema_uri(), 1, SCHEMA.to_string());
    let published = e.open(policy_uri(), 1, POLICY.to_string());
    assert_eq!(published.len(), 1);
    assert_eq!(published[0].version, Some(1));
    insta::assert_snapshot!(drawn(POLICY, &published[0].diagnostics));
}

#[test]
fn an_error_after_non_ascii_text_has_a_utf16_range() {
    let mut e = engine();
    let change = replace(POLICY, "customer: \"K1\"", 0, "custmer: \"K1\"");
    let published = e.change(&policy_uri(), 2, vec![change]);
    let text = &policy(&e).text;
    let d = published[0].diagnostics.iter().find(|d| d.message.contains("custmer")).unwrap();
    // `case: "Ação-中文-😀", ` comes first on the line: the emoji is two UTF-16 units.
    let line = text.lines().nth(d.range.start.line as usize).unwrap();
    let byte = line.find("custmer").unwrap();
    assert_eq!(d.range.start.character as usize, line[..byte].encode_utf16().count());
    assert_ne!(d.range.start.character as usize, line[..byte].chars().count());
    assert_eq!(d.range.end.character - d.range.start.character, 7);
    insta::assert_snapshot!(drawn(text, &published[0].diagnostics));
}

#[test]
fn a_misspelled_event_suggests_the_declared_one_and_points_to_the_first_declaration() {
    let mut e = engine();
    let typo = replace(POLICY, "when complaint_received", 0, "when complaint_recieved");
    let twice = replace(POLICY, "rule cancel_regardless_of_debt", 0, "rule answer_within_7_days");
    let published = e.change(&policy_uri(), 2, vec![twice, typo]);
    insta::assert_snapshot!(drawn(&policy(&e).text, &published[0].diagnostics));
}

#[test]
fn editing_an_imported_file_refreshes_the_importer() {
    let mut e = engine();
    let rename = replace(SCHEMA, "event complaint_resolved", 0, "event complaint_closed");
    let published = e.change(&schema_uri(), 2, vec![rename]);
    let uris: Vec<&str> = published.iter().map(|p| p.uri.as_str()).collect();
    assert_eq!(uris, ["file:///fixture/schema.tenet", "file:///fixture/policy.tenet"]);
    let policy_diags = &published[1].diagnostics;
    assert!(
        policy_diags.iter().any(|d| d.message.contains("unknown event type `complaint_resolved`")),
        "{policy_diags:#?}"
    );
}

#[test]
fn a_long_chain_of_operators_is_a_diagnostic_not_a_crash() {
    let mut e = tenet_lsp::engine::Engine::new();
    let text = format!(
        "jurisdiction X \"x\"\n  timezone \"UTC\"\n\nevent e {{ n: int }}\n\nrule r \"r\" cites \"c\" {{\n  forbid e where {}true\n}}\n",
        "not ".repeat(10_000)
    );
    let published = e.open(policy_uri(), 1, text);
    let codes: Vec<String> = published[0]
        .diagnostics
        .iter()
        .filter_map(|d| match &d.code {
            Some(NumberOrString::String(s)) => Some(s.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(codes, ["tenet::expression_too_deep"]);
}
