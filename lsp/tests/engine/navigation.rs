//! Go to definition, references and rename, across the two fixture files.

use crate::support::*;
use tenet_lsp::handlers::{navigation, rename};
use tower_lsp_server::ls_types::{
    GotoDefinitionParams, GotoDefinitionResponse, Location, ReferenceContext, ReferenceParams, RenameParams, Uri,
};

fn text_of(uri: &Uri) -> &'static str {
    if uri.as_str().ends_with("schema.tenet") {
        SCHEMA
    } else {
        POLICY
    }
}

/// Locations drawn under their files' lines, grouped by file.
fn drawn(locations: &[Location], label: impl Fn(&Location) -> String) -> String {
    let mut files: Vec<&Uri> = locations.iter().map(|l| &l.uri).collect();
    files.sort();
    files.dedup();
    let mut out = String::new();
    for f in files {
        out.push_str(&format!("{}\n", f.as_str()));
        let marks: Vec<_> = locations.iter().filter(|l| &l.uri == f).map(|l| (l.range, label(l))).collect();
        out.push_str(&draw(text_of(f), &marks));
    }
    out
}

fn definition(needle: &str, nth: usize, plus: usize) -> Vec<Location> {
    let e = engine();
    let params = GotoDefinitionParams {
        text_document_position_params: at(&policy_uri(), POLICY, needle, nth, plus),
        work_done_progress_params: Default::default(),
        partial_result_params: Default::default(),
    };
    match navigation::definition(&e, &params) {
        Some(GotoDefinitionResponse::Scalar(l)) => vec![l],
        Some(GotoDefinitionResponse::Array(ls)) => ls,
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn definition_of_an_event_is_in_the_imported_schema() {
    let found = definition("complaint_received as c", 0, 3);
    insta::assert_snapshot!(drawn(&found, |_| "definition".into()));
}

#[test]
fn definition_of_a_field_an_alias_a_rule_and_an_import() {
    let mut out = String::new();
    for (needle, nth, plus) in
        [("c.case", 0, 3), ("c.case", 0, 0), ("answer_within_7_days for", 0, 2), ("\"schema.tenet\"", 0, 2)]
    {
        out.push_str(&format!("from `{needle}`:\n"));
        out.push_str(&drawn(&definition(needle, nth, plus), |_| "definition".into()));
    }
    insta::assert_snapshot!(out);
}

#[test]
fn references_of_an_event_span_both_files() {
    let mut e = engine();
    let params = ReferenceParams {
        text_document_position: at(&policy_uri(), POLICY, "complaint_received", 0, 1),
        context: ReferenceContext { include_declaration: true },
        work_done_progress_params: Default::default(),
        partial_result_params: Default::default(),
    };
    let found = navigation::references(&mut e, &params).unwrap();
    insta::assert_snapshot!(drawn(&found, |_| "reference".into()));
    let without = ReferenceParams { context: ReferenceContext { include_declaration: false }, ..params };
    assert_eq!(navigation::references(&mut e, &without).unwrap().len(), found.len() - 1);
}

fn renamed(needle: &str, plus: usize, new_name: &str) -> String {
    let mut e = engine();
    let params = RenameParams {
        text_document_position: at(&policy_uri(), POLICY, needle, 0, plus),
        new_name: new_name.into(),
        work_done_progress_params: Default::default(),
    };
    let Some(edit) = rename::handle(&mut e, &params).unwrap() else { return format!("no rename at `{needle}`\n") };
    let locations: Vec<(Location, String)> = edit
        .changes
        .unwrap()
        .into_iter()
        .flat_map(|(uri, edits)| {
            edits.into_iter().map(move |t| (Location { uri: uri.clone(), range: t.range }, t.new_text))
        })
        .collect();
    let only: Vec<Location> = locations.iter().map(|(l, _)| l.clone()).collect();
    drawn(&only, |l| format!("-> {}", locations.iter().find(|(x, _)| x == l).map(|(_, t)| t.as_str()).unwrap_or("")))
}

#[test]
fn rename_an_event_across_files() {
    insta::assert_snapshot!(renamed("complaint_resolved where", 2, "complaint_answered"));
}

#[test]
fn rename_a_rule_a_field_and_an_alias() {
    let mut out = renamed("answer_within_7_days \"", 0, "answer_in_a_week");
    out.push_str(&renamed("case == c", 0, "ticket"));
    out.push_str(&renamed("received as c", 12, "complaint"));
    insta::assert_snapshot!(out);
}

#[test]
fn rename_refuses_keywords_and_non_names() {
    let mut e = engine();
    for bad in ["rule", "two words", "9lives", ""] {
        let params = RenameParams {
            text_document_position: at(&policy_uri(), POLICY, "received as c", 0, 12),
            new_name: bad.into(),
            work_done_progress_params: Default::default(),
        };
        assert!(rename::handle(&mut e, &params).is_err(), "{bad:?} accepted");
    }
}

#[test]
fn an_override_leads_to_the_parent_rule_and_renames_with_it() {
    let parent =
        "jurisdiction EU \"Union\"\n  timezone \"Europe/Brussels\"\n\nrule answer cites \"a\" {\n  forbid x\n}\n";
    let child = "jurisdiction FR \"France\"\n  extends EU\n  timezone \"Europe/Paris\"\n\nimport \"eu.tenet\"\n\n\
                 override rule answer cites \"b\" {\n  forbid y\n}\n\n\
                 test \"t\" {\n  given {\n  }\n  expect satisfied answer\n}\n";
    let mut e = tenet_lsp::engine::Engine::new();
    let (eu, fr) = (uri("file:///eu/eu.tenet"), uri("file:///eu/fr.tenet"));
    e.open(eu.clone(), 1, parent.into());
    e.open(fr.clone(), 1, child.into());
    let def = |e: &tenet_lsp::engine::Engine, needle: &str| {
        let params = GotoDefinitionParams {
            text_document_position_params: at(&fr, child, needle, 0, 1),
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        };
        match navigation::definition(e, &params) {
            Some(GotoDefinitionResponse::Scalar(l)) => (l.uri.as_str().to_string(), l.range.start),
            other => panic!("{other:?}"),
        }
    };
    // From the override: the parent's rule. From the test: the override.
    assert_eq!(
        def(&e, "answer cites"),
        ("file:///eu/eu.tenet".into(), position(parent, offset_of(parent, "answer", 0, 0)))
    );
    assert_eq!(
        def(&e, "answer\n}"),
        ("file:///eu/fr.tenet".into(), position(child, offset_of(child, "answer cites", 0, 0)))
    );
    assert_eq!(def(&e, "EU\n"), ("file:///eu/eu.tenet".into(), position(parent, 13)));
    let params = RenameParams {
        text_document_position: at(&fr, child, "answer\n}", 0, 0),
        new_name: "reply".into(),
        work_done_progress_params: Default::default(),
    };
    let changes = rename::handle(&mut e, &params).unwrap().unwrap().changes.unwrap();
    assert_eq!(changes[&eu].len(), 1);
    assert_eq!(changes[&fr].len(), 2);
}
