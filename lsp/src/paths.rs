//! URIs to paths and back, and the loader that serves unsaved text.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use tenet::workspace::{policy_files, Loader};
use tower_lsp_server::ls_types::Uri;

/// The path a document is analysed under: its file path, or a pseudo path
/// for URIs that are not files (`untitled:`).
pub fn path_of(uri: &Uri) -> PathBuf {
    if uri.as_str().starts_with("file:") {
        if let Some(p) = uri.to_file_path() {
            return p.into_owned();
        }
    }
    let safe: String = uri.as_str().chars().map(|c| if c.is_alphanumeric() || c == '.' { c } else { '_' }).collect();
    PathBuf::from(format!("/unsaved/{safe}"))
}

/// A path without `.` and `..`, so that one file has one key.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// Reads open documents from memory and everything else from disk.
pub struct Overlay<'a> {
    /// Open documents by normalised path.
    pub open: &'a HashMap<PathBuf, &'a str>,
}

impl Loader for Overlay<'_> {
    fn read(&self, path: &Path) -> Result<Vec<u8>, String> {
        match self.open.get(&normalize(path)) {
            Some(text) => Ok(text.as_bytes().to_vec()),
            None => std::fs::read(path).map_err(|e| tenet::workspace::io_reason(&e)),
        }
    }

    fn expand(&self, path: &Path) -> Result<Vec<PathBuf>, String> {
        if self.open.contains_key(&normalize(path)) {
            return Ok(vec![path.to_path_buf()]);
        }
        policy_files(path)
    }
}
