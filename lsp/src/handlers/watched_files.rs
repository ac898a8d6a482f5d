//! Files changed on disk (`workspace/didChangeWatchedFiles`): the open
//! documents that import them, directly or not, are checked again.
//!
//! The server asks the client to watch policy files when the client lets
//! it register the watcher itself; otherwise it handles whatever events the
//! client's own configuration sends.

use super::super::engine::Publish;
use super::Engine;
use std::path::PathBuf;
use tower_lsp_server::ls_types::{
    ClientCapabilities, DidChangeWatchedFilesParams, DidChangeWatchedFilesRegistrationOptions, FileSystemWatcher,
    GlobPattern, Registration,
};

/// The files watched: policy files. An import names a policy file, which
/// by convention ends in `.tenet` (calendars are declared in policy files
/// too, and the shipped ones are built into the binary).
pub const GLOB: &str = "**/*.tenet";

/// The id of the watcher's registration.
const REGISTRATION_ID: &str = "tenet-watch-policy-files";

/// True when the client lets the server register the file watcher.
pub fn client_can_register(capabilities: &ClientCapabilities) -> bool {
    capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|d| d.dynamic_registration)
        .unwrap_or(false)
}

/// The registration that asks the client to watch policy files.
pub fn registration() -> Registration {
    let options = DidChangeWatchedFilesRegistrationOptions {
        watchers: vec![FileSystemWatcher { glob_pattern: GlobPattern::String(GLOB.into()), kind: None }],
    };
    Registration {
        id: REGISTRATION_ID.into(),
        method: "workspace/didChangeWatchedFiles".into(),
        register_options: serde_json::to_value(options).ok(),
    }
}

/// Handles `workspace/didChangeWatchedFiles`: the diagnostics of the open
/// documents that read a changed, created or deleted file.
pub fn handle(engine: &mut Engine, params: &DidChangeWatchedFilesParams) -> Vec<Publish> {
    let paths: Vec<PathBuf> = params
        .changes
        .iter()
        .filter(|c| c.uri.as_str().starts_with("file:"))
        .filter_map(|c| c.uri.to_file_path().map(|p| p.into_owned()))
        .collect();
    engine.disk_changed(&paths)
}
