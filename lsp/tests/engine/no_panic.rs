//! Random edit sequences never make the engine panic, and every request
//! keeps answering in between.

use crate::support::*;
use proptest::prelude::*;
use tenet_lsp::engine::Engine;
use tenet_lsp::handlers::*;
use tower_lsp_server::ls_types::*;

/// Text fragments an editor might insert: keywords, names, punctuation,
/// half-typed clauses, non-ASCII text.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("rule ".to_string()),
        Just("when ".to_string()),
        Just("require ".to_string()),
        Just("within 7 business days".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just("\"".to_string()),
        Just("/*".to_string()),
        Just("\n".to_string()),
        Just("c.".to_string()),
        Just("expect violated ".to_string()),
        Just("timezone \"".to_string()),
        Just("é中😀".to_string()),
        Just("\r\n".to_string()),
        Just("\u{202e}\u{0}".to_string()),
        Just("((((((((((".to_string()),
        Just("override rule x cites \"a\" {".to_string()),
        Just("2026-03-02T09:00:00Z complaint_received { case: ".to_string()),
        "[a-z_ .:{}\"()=<>0-9\n]{0,12}",
    ]
}

#[derive(Debug, Clone)]
struct Edit {
    start: (u32, u32),
    end: (u32, u32),
    text: String,
}

fn an_edit() -> impl Strategy<Value = Edit> {
    ((0u32..40, 0u32..120), (0u32..40, 0u32..120), fragment()).prop_map(|(start, end, text)| Edit { start, end, text })
}

fn every_request(e: &mut Engine, at: Position, to: Position) {
    let doc = TextDocumentIdentifier { uri: policy_uri() };
    let tdp = TextDocumentPositionParams { text_document: doc.clone(), position: at };
    let range = Range::new(Position::new(0, 0), at);
    let dhp = DocumentHighlightParams {
        text_document_position_params: tdp.clone(),
        work_done_progress_params: Default::default(),
        partial_result_params: Default::default(),
    };
    highlight::handle(e, &dhp);
    // Any two positions, in either order, past the end or not.
    let rfp = DocumentRangeFormattingParams {
        text_document: doc.clone(),
        range: Range::new(at, to),
        options: FormattingOptions::default(),
        work_done_progress_params: Default::default(),
    };
    range_formatting::handle(e, &rfp);
    hover::handle(
        e,
        &HoverParams { text_document_position_params: tdp.clone(), work_done_progress_params: Default::default() },
    );
    let cp = CompletionParams {
        text_document_position: tdp.clone(),
        work_done_progress_params: Default::default(),
        partial_result_params: Default::default(),
        context: None,
    };
    completion::handle(e, &cp);
    let gp = GotoDefinitionParams {
        text_document_position_params: tdp.clone(),
        work_done_progress_params: Default::default(),
        partial_result_params: Default::default(),
    };
    navigation::definition(e, &gp);
    let rp = ReferenceParams {
        text_document_position: tdp.clone(),
        context: ReferenceContext { include_declaration: true },
        work_done_progress_params: Default::default(),
        partial_result_params: Default::default(),
    };
    navigation::references(e, &rp);
    rename::prepare(e, &tdp);
    let _ = rename::handle(
        e,
        &RenameParams {
            text_document_position: tdp,
            new_name: "renamed".into(),
            work_done_progress_params: Default::default(),
        },
    );
    let stp = SemanticTokensParams {
        text_document: doc.clone(),
        work_done_progress_params: Default::default(),
        partial_result_params: Default::default(),
    };
    semantic_tokens::full(e, &stp);
    let sdp = SemanticTokensDeltaParams {
        text_document: doc.clone(),
        previous_result_id: "1.1".into(),
        work_done_progress_params: Default::default(),
        partial_result_params: Default::default(),
    };
    semantic_tokens::delta(e, &sdp);
    let cap = CodeActionParams {
        text_document: doc.clone(),
        range,
        context: CodeActionContext::default(),
        work_done_progress_params: Default::default(),
        partial_result_params: Default::default(),
    };
    code_actions::handle(e, &cap);
    let dsp = DocumentSymbolParams {
        text_document: doc.clone(),
        work_done_progress_params: Default::default(),
        partial_result_params: Default::default(),
    };
    symbols::document(e, &dsp);
    let frp = FoldingRangeParams {
        text_document: doc.clone(),
        work_done_progress_params: Default::default(),
        partial_result_params: Default::default(),
    };
    folding::handle(e, &frp);
    let ihp = InlayHintParams { text_document: doc.clone(), range, work_done_progress_params: Default::default() };
    inlay_hints::handle(e, &ihp);
    let clp = CodeLensParams {
        text_document: doc.clone(),
        work_done_progress_params: Default::default(),
        partial_result_params: Default::default(),
    };
    code_lens::handle(e, &clp);
    let fp = DocumentFormattingParams {
        text_document: doc,
        options: FormattingOptions::default(),
        work_done_progress_params: Default::default(),
    };
    formatting::handle(e, &fp);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn random_edits_never_panic(
        edits in proptest::collection::vec(an_edit(), 1..12),
        probe in (0u32..40, 0u32..120),
        to in (0u32..40, 0u32..120),
    ) {
        let mut e = engine();
        for (version, edit) in edits.iter().enumerate() {
            let range = Range::new(Position::new(edit.start.0, edit.start.1), Position::new(edit.end.0, edit.end.1));
            let change = TextDocumentContentChangeEvent { range: Some(range), range_length: None, text: edit.text.clone() };
            e.change(&policy_uri(), version as i32 + 2, vec![change]);
            every_request(&mut e, Position::new(probe.0, probe.1), Position::new(to.0, to.1));
        }
        // The pieces re-parsed along the way give what a fresh parse gives.
        let text = policy(&e).text.clone();
        let fresh = tenet_lsp::incremental::ParseCache::default().parse(&text);
        let reused = e.doc(&policy_uri()).unwrap().snapshot.analysis.workspace.units[0].ast.clone();
        prop_assert_eq!(reused, fresh.file);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Every request, highlight and range formatting among them, on any
    /// text at any positions: an answer, never a panic.
    #[test]
    fn highlight_and_range_formatting_on_any_text(
        text in prop_oneof![any::<String>(), proptest::collection::vec(fragment(), 0..24).prop_map(|f| f.concat())],
        at in (0u32..30, 0u32..100),
        to in (0u32..30, 0u32..100),
    ) {
        let mut e = Engine::new();
        e.open(policy_uri(), 1, text.clone());
        let (at, to) = (Position::new(at.0, at.1), Position::new(to.0, to.1));
        every_request(&mut e, at, to);
        let rfp = DocumentRangeFormattingParams {
            text_document: TextDocumentIdentifier { uri: policy_uri() },
            range: Range::new(at, to),
            options: FormattingOptions::default(),
            work_done_progress_params: Default::default(),
        };
        if let Some(edits) = range_formatting::handle(&e, &rfp) {
            prop_assert!(edits.len() <= 1);
            let mut after = text.clone();
            for edit in &edits {
                let (start, end) = (offset(&text, edit.range.start), offset(&text, edit.range.end));
                after.replace_range(start..end, &edit.new_text);
            }
            // Formatting a part gives nothing that formatting the whole would not.
            prop_assert_eq!(tenet::fmt::format_source(&after).ok(), tenet::fmt::format_source(&text).ok());
        }
    }
}
