//! Hover, completion, semantic tokens, code actions, symbols, formatting,
//! folding, inlay hints and code lenses on the fixture policy.

use crate::support::*;
use tenet_lsp::handlers::{
    code_actions, code_lens, completion, folding, formatting, hover, inlay_hints, semantic_tokens, symbols,
};
use tower_lsp_server::ls_types::*;

fn doc_id() -> TextDocumentIdentifier {
    TextDocumentIdentifier { uri: policy_uri() }
}

fn hover_at(needle: &str, nth: usize, plus: usize) -> String {
    let e = engine();
    let params = HoverParams {
        text_document_position_params: at(&policy_uri(), POLICY, needle, nth, plus),
        work_done_progress_params: Default::default(),
    };
    let Some(h) = hover::handle(&e, &params) else { return format!("no hover at `{needle}`\n") };
    let HoverContents::Markup(m) = h.contents else { panic!("not markdown") };
    format!("{}{}\n\n", draw(POLICY, &[(h.range.unwrap(), "hover".into())]), m.value)
}

#[test]
fn hover_on_a_rule_shows_title_legal_text_and_citation() {
    insta::assert_snapshot!(hover_at("answer_within_7_days for", 0, 4));
}

#[test]
fn hover_on_an_event_a_field_and_an_alias() {
    let mut out = hover_at("complaint_received as c", 0, 0);
    out.push_str(&hover_at("c.case", 0, 3));
    out.push_str(&hover_at("received as c", 0, 12));
    insta::assert_snapshot!(out);
}

#[test]
fn hover_on_a_duration_says_when_it_ends() {
    insta::assert_snapshot!(hover_at("7 business days", 0, 4));
}

#[test]
fn hover_on_keywords_and_names_of_the_header() {
    let mut out = hover_at("require", 0, 2);
    out.push_str(&hover_at("forbid", 0, 0));
    out.push_str(&hover_at("calendar BR", 0, 9));
    out.push_str(&hover_at("jurisdiction BR", 0, 13));
    insta::assert_snapshot!(out);
}

fn completion_at(text: &str, offset: usize) -> String {
    let mut e = engine();
    e.change(&policy_uri(), 2, vec![edit(Range::new(Position::new(0, 0), Position::new(10_000, 0)), text)]);
    let params = CompletionParams {
        text_document_position: TextDocumentPositionParams {
            text_document: doc_id(),
            position: position(text, offset),
        },
        work_done_progress_params: Default::default(),
        partial_result_params: Default::default(),
        context: None,
    };
    let Some(CompletionResponse::Array(items)) = completion::handle(&e, &params) else { panic!("no completion") };
    items
        .iter()
        .map(|i| {
            format!(
                "{} ({:?}){}\n",
                i.label,
                i.kind.unwrap(),
                i.detail.as_ref().map(|d| format!(": {d}")).unwrap_or_default()
            )
        })
        .collect()
}

/// The fixture with `typed` inserted before the `nth` `needle`, and the
/// offset right after the insertion.
fn typing(needle: &str, nth: usize, typed: &str) -> (String, usize) {
    let at = offset_of(POLICY, needle, nth, 0);
    (format!("{}{typed}{}", &POLICY[..at], &POLICY[at..]), at + typed.len())
}

#[test]
fn completion_of_event_types_after_when_require_forbid() {
    let (text, at) = typing("}\n\nrule cancel", 0, "  unless ");
    insta::assert_snapshot!(completion_at(&text, at));
    let (text, at) = typing("complaint_received as c", 0, "");
    assert_eq!(completion_at(&text, at), completion_at(&text, at + 3), "a partial word completes the same");
}

#[test]
fn completion_of_fields_after_an_alias() {
    let (text, at) = typing("within 7", 0, "and c.");
    insta::assert_snapshot!(completion_at(&text, at));
}

#[test]
fn completion_of_rule_names_after_expect() {
    let (text, at) = typing("  expect satisfied", 0, "  expect violated \n");
    insta::assert_snapshot!(completion_at(&text, at - 1));
}

#[test]
fn completion_in_the_given_block_of_a_test() {
    let (text, at) = typing("    2026-03-11T18:00:00-03:00", 0, "    2026-03-10T09:00:00-03:00 \n");
    let events = completion_at(&text, at - 1);
    assert!(events.starts_with("cancellation_refused (Event)\ncomplaint_received (Event)"), "{events}");
    let (text, at) = typing(
        "    2026-03-11T18:00:00-03:00",
        0,
        "    2026-03-10T09:00:00-03:00 complaint_received { case: \"A\", \n",
    );
    let fields = completion_at(&text, at - 1);
    assert!(fields.starts_with("case (Field): id — field of complaint_received\ncustomer (Field)"), "{fields}");
    // Inside a value: nothing to complete.
    let (text, at) =
        typing("    2026-03-11T18:00:00-03:00", 0, "    2026-03-10T09:00:00-03:00 complaint_received { case: \n");
    assert!(!completion_at(&text, at - 1).contains("(Field)"));
}

#[test]
fn completion_of_time_zones_and_calendars() {
    let (text, at) = typing("America/Sao_Paulo", 0, "");
    let zones = completion_at(&text, at + "America/Sao".len());
    assert!(zones.contains("America/Sao_Paulo (Value)"), "{zones}");
    assert!(!zones.contains("Europe/"), "{zones}");
    let (text, at) = typing("BR\n\nimport", 0, "");
    let calendars = completion_at(&text, at);
    for c in ["BR (EnumMember)", "FR (EnumMember)", "GB (EnumMember)"] {
        assert!(calendars.contains(c), "{calendars}");
    }
}

#[test]
fn measures_and_shares_have_hover_and_completion() {
    let measure = tenet_lsp::keywords::explain("measure").unwrap_or_default();
    assert!(measure.contains("rate(name)") && measure.contains("never listed as violations"), "{measure}");
    let share = tenet_lsp::keywords::explain("share").unwrap_or_default();
    assert!(share.contains("percentage"), "{share}");
    let top = completion_at("jurisdiction X \"x\"\n\n", 20);
    assert!(top.contains("measure (Keyword)"), "{top}");
    let text = "jurisdiction X \"x\"\n\nmeasure m cites \"c\" {\n  per quarter: ";
    let inside = completion_at(text, text.len());
    assert!(inside.contains("share (Keyword)") && inside.contains("require (Keyword)"), "{inside}");
}

#[test]
fn completion_of_keywords_and_snippets_by_place() {
    let (text, at) = typing("rule cancel", 0, "");
    insta::assert_snapshot!(completion_at(&text, at));
    let (text, at) = typing("  forbid", 0, "  ");
    let in_rule = completion_at(&text, at);
    assert!(in_rule.contains("require (Keyword)") && !in_rule.contains("jurisdiction (Keyword)"), "{in_rule}");
}

#[test]
fn semantic_tokens_decoded() {
    let mut e = engine();
    let params = SemanticTokensParams {
        text_document: doc_id(),
        work_done_progress_params: Default::default(),
        partial_result_params: Default::default(),
    };
    let Some(SemanticTokensResult::Tokens(tokens)) = semantic_tokens::full(&mut e, &params) else { panic!() };
    let lines: Vec<&str> = POLICY.split('\n').collect();
    let (mut line, mut col) = (0u32, 0u32);
    let mut out = String::new();
    for t in &tokens.data {
        line += t.delta_line;
        col = if t.delta_line == 0 { col + t.delta_start } else { t.delta_start };
        let units: Vec<u16> = lines[line as usize].encode_utf16().collect();
        let word = String::from_utf16_lossy(&units[col as usize..(col + t.length) as usize]);
        let ty = semantic_tokens::TYPES[t.token_type as usize].as_str();
        let decl = if t.token_modifiers_bitset == 1 { " (declaration)" } else { "" };
        out.push_str(&format!("({line}, {col}, {}, {ty}{decl}) {word}\n", t.length));
    }
    insta::assert_snapshot!(out);

    // Nothing changed: an empty delta. One change: one edit.
    let delta = |e: &mut tenet_lsp::engine::Engine, previous: String| {
        let params = SemanticTokensDeltaParams {
            text_document: doc_id(),
            previous_result_id: previous,
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        };
        semantic_tokens::delta(e, &params).unwrap()
    };
    let SemanticTokensFullDeltaResult::TokensDelta(d) = delta(&mut e, tokens.result_id.clone().unwrap()) else {
        panic!()
    };
    assert!(d.edits.is_empty());
    e.change(
        &policy_uri(),
        2,
        vec![replace(POLICY, "forbid cancellation_refused", 0, "forbid cancellation_refused as r")],
    );
    let SemanticTokensFullDeltaResult::TokensDelta(d2) = delta(&mut e, d.result_id.unwrap()) else { panic!() };
    assert_eq!(d2.edits.len(), 1);
    assert!(!d2.edits[0].data.as_ref().unwrap().is_empty());
    // An unknown previous result: the full tokens again.
    assert!(matches!(delta(&mut e, "stale".into()), SemanticTokensFullDeltaResult::Tokens(_)));
}

fn actions_for(e: &tenet_lsp::engine::Engine, range: Range) -> Vec<CodeAction> {
    let params = CodeActionParams {
        text_document: doc_id(),
        range,
        context: CodeActionContext::default(),
        work_done_progress_params: Default::default(),
        partial_result_params: Default::default(),
    };
    code_actions::handle(e, &params)
        .unwrap()
        .into_iter()
        .map(|a| match a {
            CodeActionOrCommand::CodeAction(a) => a,
            CodeActionOrCommand::Command(_) => panic!("a bare command"),
        })
        .collect()
}

fn apply(text: &str, action: &CodeAction) -> String {
    let changes = action.edit.as_ref().unwrap().changes.as_ref().unwrap();
    let mut edits = changes[&policy_uri()].clone();
    edits.sort_by_key(|e| std::cmp::Reverse((e.range.start.line, e.range.start.character)));
    let mut out = text.to_string();
    for e in edits {
        let (s, t) = (offset(&out, e.range.start), offset(&out, e.range.end));
        out.replace_range(s..t, &e.new_text);
    }
    out
}

#[test]
fn code_action_applies_the_did_you_mean_fix() {
    let mut e = engine();
    e.change(
        &policy_uri(),
        2,
        vec![replace(POLICY, "expect satisfied answer_within_7_days", 0, "expect satisfied answer_within_7_dyas")],
    );
    let text = policy(&e).text.clone();
    let at = position(&text, offset_of(&text, "7_dyas", 0, 0));
    let actions = actions_for(&e, Range::new(at, at));
    let titles: Vec<&str> = actions.iter().map(|a| a.title.as_str()).collect();
    assert_eq!(titles, ["replace with `answer_within_7_days`"]);
    assert_eq!(apply(&text, &actions[0]), POLICY);
}

#[test]
fn code_action_fixes_a_misspelled_keyword() {
    let mut e = engine();
    e.change(&policy_uri(), 2, vec![replace(POLICY, "  require complaint_resolved", 0, "  requir complaint_resolved")]);
    let text = policy(&e).text.clone();
    let at = position(&text, offset_of(&text, "requir ", 0, 2));
    let actions = actions_for(&e, Range::new(at, at));
    assert_eq!(actions[0].title, "replace with `require`");
    assert_eq!(apply(&text, &actions[0]), POLICY);
}

#[test]
fn code_action_adds_a_citation_stub() {
    let e = engine();
    let at = position(POLICY, offset_of(POLICY, "cancel_regardless_of_debt", 0, 2));
    let actions = actions_for(&e, Range::new(at, at));
    assert_eq!(actions.len(), 1);
    let fixed = apply(POLICY, &actions[0]);
    let line = fixed.lines().find(|l| l.starts_with("rule cancel")).unwrap();
    assert_eq!(line, "rule cancel_regardless_of_debt \"Cancelamento sem débito 💸\" cites \"TODO: article\" {");
}

#[test]
fn document_symbols_outline() {
    let e = engine();
    let params = DocumentSymbolParams {
        text_document: doc_id(),
        work_done_progress_params: Default::default(),
        partial_result_params: Default::default(),
    };
    let Some(DocumentSymbolResponse::Nested(tree)) = symbols::document(&e, &params) else { panic!() };
    fn walk(s: &[DocumentSymbol], depth: usize, out: &mut String) {
        for x in s {
            let r = x.selection_range;
            out.push_str(&format!(
                "{}{:?} {} @{}:{}{}\n",
                "  ".repeat(depth),
                x.kind,
                x.name,
                r.start.line + 1,
                r.start.character,
                x.detail.as_ref().map(|d| format!(" — {d}")).unwrap_or_default()
            ));
            walk(x.children.as_deref().unwrap_or(&[]), depth + 1, out);
        }
    }
    let mut out = String::new();
    walk(&tree, 0, &mut out);
    insta::assert_snapshot!(out);
}

#[test]
fn workspace_symbols_search_every_open_file() {
    let mut e = engine();
    let params = WorkspaceSymbolParams { query: "complaint".into(), ..Default::default() };
    let Some(WorkspaceSymbolResponse::Nested(found)) = symbols::workspace(&mut e, &params) else { panic!() };
    let names: Vec<String> = found.iter().map(|s| format!("{:?} {}", s.kind, s.name)).collect();
    assert_eq!(names, ["Struct complaint_received", "Struct complaint_resolved"]);
}

#[test]
fn formatting_uses_the_formatter_of_tenet_fmt() {
    let mut e = engine();
    let messy = POLICY.replace("  forbid cancellation_refused", "forbid    cancellation_refused");
    e.change(&policy_uri(), 2, vec![edit(Range::new(Position::new(0, 0), Position::new(10_000, 0)), &messy)]);
    let params = DocumentFormattingParams {
        text_document: doc_id(),
        options: FormattingOptions { tab_size: 2, insert_spaces: true, ..Default::default() },
        work_done_progress_params: Default::default(),
    };
    let edits = formatting::handle(&e, &params).unwrap();
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0].new_text, tenet::fmt::format_source(&messy).unwrap());
    assert_eq!(edits[0].new_text, POLICY);
    // A file that does not parse is left alone.
    e.change(&policy_uri(), 3, vec![edit(Range::new(Position::new(0, 0), Position::new(10_000, 0)), "rule {")]);
    assert_eq!(formatting::handle(&e, &params), None);
}

#[test]
fn folding_ranges_cover_items_and_given_blocks() {
    let e = engine();
    let params = FoldingRangeParams {
        text_document: doc_id(),
        work_done_progress_params: Default::default(),
        partial_result_params: Default::default(),
    };
    let ranges: Vec<(u32, u32)> =
        folding::handle(&e, &params).unwrap().iter().map(|r| (r.start_line + 1, r.end_line + 1)).collect();
    insta::assert_snapshot!(format!("{ranges:?}"));
}

#[test]
fn inlay_hints_show_an_example_deadline() {
    let e = engine();
    let params = InlayHintParams {
        text_document: doc_id(),
        range: Range::new(Position::new(0, 0), Position::new(1000, 0)),
        work_done_progress_params: Default::default(),
    };
    let hints = inlay_hints::handle(&e, &params).unwrap();
    let marks: Vec<_> = hints
        .iter()
        .map(|h| {
            let InlayHintLabel::String(s) = &h.label else { panic!() };
            (Range::new(h.position, h.position), s.clone())
        })
        .collect();
    insta::assert_snapshot!(draw(POLICY, &marks));
}

#[test]
fn code_lenses_run_tests_and_show_the_result() {
    let mut e = engine();
    let lens_titles = |e: &tenet_lsp::engine::Engine| -> Vec<String> {
        let params = CodeLensParams {
            text_document: doc_id(),
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        };
        code_lens::handle(e, &params).unwrap().iter().map(|l| l.command.as_ref().unwrap().title.clone()).collect()
    };
    assert_eq!(lens_titles(&e), ["▶ run all tests in file", "▶ run test"]);
    let name = "uma resposta no sétimo dia útil — à temps 😀";
    let args = [serde_json::json!(policy_uri().as_str()), serde_json::json!(name)];
    let ran = code_lens::execute(&mut e, code_lens::RUN_TEST, &args).unwrap();
    assert!(ran.passed, "{}", ran.message);
    assert_eq!(ran.message, format!("✓ test \"{name}\"\n1 passed, 0 failed"));
    assert_eq!(lens_titles(&e)[1], "▶ run test (last run: passed)");

    // The same test made to fail, run with the whole file.
    e.change(&policy_uri(), 2, vec![replace(POLICY, "expect satisfied", 0, "expect violated")]);
    let ran = code_lens::execute(&mut e, code_lens::RUN_FILE_TESTS, &args[..1]).unwrap();
    assert!(!ran.passed);
    insta::assert_snapshot!(ran.message);
}
