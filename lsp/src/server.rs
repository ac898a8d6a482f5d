//! The routing table: each protocol method locks the engine, calls its
//! handler, and answers. Diagnostics are pushed after every edit, save and
//! close, and when files change on disk.
//!
//! A handler that panicked (it must not; property tests hunt for it) costs
//! one empty answer, never the server: each call runs under `catch_unwind`.

use super::engine::{Engine, Publish};
use super::handlers::{
    code_actions, code_lens, completion, folding, formatting, highlight, hover, inlay_hints, navigation,
    range_formatting, rename, semantic_tokens, symbols, watched_files,
};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

/// The server: a client handle and the engine.
pub struct Server {
    client: Client,
    engine: Mutex<Engine>,
    /// True when the client can be asked to refresh its code lenses.
    lens_refresh: AtomicBool,
    /// True when the client lets the server register its file watcher.
    watch_registration: AtomicBool,
}

impl Server {
    /// A server talking to `client`.
    pub fn new(client: Client) -> Server {
        Server {
            client,
            engine: Mutex::new(Engine::new()),
            lens_refresh: AtomicBool::new(false),
            watch_registration: AtomicBool::new(false),
        }
    }

    /// Runs `f` on the engine; None if it panicked.
    fn with<R>(&self, f: impl FnOnce(&mut Engine) -> R) -> Option<R> {
        let mut engine = self.engine.lock().unwrap_or_else(PoisonError::into_inner);
        catch_unwind(AssertUnwindSafe(|| f(&mut engine))).ok()
    }

    async fn publish(&self, list: Option<Vec<Publish>>) {
        for p in list.unwrap_or_default() {
            self.client.publish_diagnostics(p.uri, p.diagnostics, p.version).await;
        }
    }
}

/// What the server offers.
pub fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::UTF16),
        text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(TextDocumentSyncKind::INCREMENTAL),
            // The text is already held: a save only tells that the disk changed.
            save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions { include_text: Some(false) })),
            ..TextDocumentSyncOptions::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        document_highlight_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: WorkDoneProgressOptions::default(),
        })),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![".".into(), " ".into(), "\"".into(), "(".into()]),
            ..CompletionOptions::default()
        }),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        document_range_formatting_provider: Some(OneOf::Left(true)),
        semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
            SemanticTokensOptions {
                legend: semantic_tokens::legend(),
                full: Some(SemanticTokensFullOptions::Delta { delta: Some(true) }),
                range: None,
                work_done_progress_options: WorkDoneProgressOptions::default(),
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        code_lens_provider: Some(CodeLensOptions { resolve_provider: Some(false) }),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: vec![code_lens::RUN_TEST.into(), code_lens::RUN_FILE_TESTS.into()],
            work_done_progress_options: WorkDoneProgressOptions::default(),
        }),
        folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
        inlay_hint_provider: Some(OneOf::Left(true)),
        ..ServerCapabilities::default()
    }
}

impl LanguageServer for Server {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let mut roots: Vec<std::path::PathBuf> = params
            .workspace_folders
            .unwrap_or_default()
            .iter()
            .filter_map(|f| f.uri.to_file_path().map(|p| p.into_owned()))
            .collect();
        #[expect(deprecated, reason = "clients without workspace folders still send a root URI")]
        if roots.is_empty() {
            roots.extend(params.root_uri.and_then(|u| u.to_file_path().map(|p| p.into_owned())));
        }
        self.with(|e| e.set_roots(roots));
        let refresh = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.code_lens.as_ref())
            .and_then(|c| c.refresh_support)
            .unwrap_or(false);
        self.lens_refresh.store(refresh, Ordering::Relaxed);
        let can_register = watched_files::client_can_register(&params.capabilities);
        self.watch_registration.store(can_register, Ordering::Relaxed);
        Ok(InitializeResult {
            capabilities: capabilities(),
            server_info: Some(ServerInfo { name: "tenet".into(), version: Some(env!("CARGO_PKG_VERSION").into()) }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        if !self.watch_registration.load(Ordering::Relaxed) {
            return;
        }
        // Not awaited here: a client slow to answer must not hold up the
        // messages behind this one. A refusal leaves the client's own
        // watchers, if any.
        let client = self.client.clone();
        tokio::spawn(async move {
            let _ = client.register_capability(vec![watched_files::registration()]).await;
        });
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let d = params.text_document;
        let list = self.with(|e| e.open(d.uri, d.version, d.text));
        self.publish(list).await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let d = params.text_document;
        let list = self.with(|e| e.change(&d.uri, d.version, params.content_changes));
        self.publish(list).await;
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        let list = self.with(|e| e.save(&params.text_document.uri));
        self.publish(list).await;
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let list = self.with(|e| watched_files::handle(e, &params));
        self.publish(list).await;
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let list = self.with(|e| e.close(&params.text_document.uri));
        self.publish(list).await;
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        Ok(self.with(|e| hover::handle(e, &params)).flatten())
    }

    async fn goto_definition(&self, params: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>> {
        Ok(self.with(|e| navigation::definition(e, &params)).flatten())
    }

    async fn document_highlight(&self, params: DocumentHighlightParams) -> Result<Option<Vec<DocumentHighlight>>> {
        Ok(self.with(|e| highlight::handle(e, &params)).flatten())
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        Ok(self.with(|e| navigation::references(e, &params)).flatten())
    }

    async fn prepare_rename(&self, params: TextDocumentPositionParams) -> Result<Option<PrepareRenameResponse>> {
        Ok(self.with(|e| rename::prepare(e, &params)).flatten())
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        match self.with(|e| rename::handle(e, &params)) {
            Some(Ok(edit)) => Ok(edit),
            Some(Err(reason)) => Err(Error::invalid_params(reason)),
            None => Ok(None),
        }
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        Ok(self.with(|e| completion::handle(e, &params)).flatten())
    }

    async fn document_symbol(&self, params: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
        Ok(self.with(|e| symbols::document(e, &params)).flatten())
    }

    async fn symbol(&self, params: WorkspaceSymbolParams) -> Result<Option<WorkspaceSymbolResponse>> {
        Ok(self.with(|e| symbols::workspace(e, &params)).flatten())
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        Ok(self.with(|e| formatting::handle(e, &params)).flatten())
    }

    async fn range_formatting(&self, params: DocumentRangeFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        Ok(self.with(|e| range_formatting::handle(e, &params)).flatten())
    }

    async fn semantic_tokens_full(&self, params: SemanticTokensParams) -> Result<Option<SemanticTokensResult>> {
        Ok(self.with(|e| semantic_tokens::full(e, &params)).flatten())
    }

    async fn semantic_tokens_full_delta(
        &self,
        params: SemanticTokensDeltaParams,
    ) -> Result<Option<SemanticTokensFullDeltaResult>> {
        Ok(self.with(|e| semantic_tokens::delta(e, &params)).flatten())
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        Ok(self.with(|e| code_actions::handle(e, &params)).flatten())
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        Ok(self.with(|e| code_lens::handle(e, &params)).flatten())
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        let ran = self.with(|e| code_lens::execute(e, &params.command, &params.arguments)).flatten();
        let Some(ran) = ran else { return Ok(None) };
        let kind = if ran.passed { MessageType::INFO } else { MessageType::ERROR };
        self.client.show_message(kind, ran.message.clone()).await;
        // The lenses now show the result.
        if self.lens_refresh.load(Ordering::Relaxed) {
            // A client that cannot refresh keeps its lenses: nothing to do.
            let _ = self.client.code_lens_refresh().await;
        }
        Ok(Some(serde_json::json!({ "passed": ran.passed, "message": ran.message })))
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        Ok(self.with(|e| folding::handle(e, &params)).flatten())
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        Ok(self.with(|e| inlay_hints::handle(e, &params)).flatten())
    }
}
