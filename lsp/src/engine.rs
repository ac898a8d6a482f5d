//! The server's state and the edits that change it, independent of the
//! transport: tests drive it directly.
//!
//! Each open document is analysed on its own (with what it imports, read
//! from open buffers first) on every change; that is the analysis every
//! request on the document reads. Requests that span the workspace
//! (references, rename, workspace symbols) use one analysis of the
//! workspace folders and every open document, built on demand and dropped
//! at the next edit.
//!
//! Files that are not open are read from disk at every analysis, so a file
//! changed on disk (a watched-file event, a save) needs no cache dropped
//! but the workspace analysis: only the open documents that read it are
//! checked again.

use super::dependants::{depends_on, depends_on_disk};
use super::document::{Document, Snapshot};
use super::incremental::ParseCache;
use super::line_index::LineIndex;
use super::paths::{normalize, path_of, Overlay};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};

/// Diagnostics to send for one document.
#[derive(Debug, Clone, PartialEq)]
pub struct Publish {
    /// The document.
    pub uri: Uri,
    /// The version they were computed for.
    pub version: Option<i32>,
    /// The diagnostics.
    pub diagnostics: Vec<tower_lsp_server::ls_types::Diagnostic>,
}

/// Open documents, workspace folders and cached analyses.
#[derive(Debug, Default)]
pub struct Engine {
    docs: BTreeMap<String, Document>,
    roots: Vec<PathBuf>,
    workspace: Option<Snapshot>,
    /// Outcomes of tests run from a code lens: (uri, test name) to passed.
    pub test_results: HashMap<(String, String), bool>,
}

impl Engine {
    /// An engine with no document open.
    pub fn new() -> Engine {
        Engine::default()
    }

    /// Sets the workspace folders searched for references and symbols.
    pub fn set_roots(&mut self, roots: Vec<PathBuf>) {
        self.roots = roots;
        self.workspace = None;
    }

    /// The open document at `uri`.
    pub fn doc(&self, uri: &Uri) -> Option<&Document> {
        self.docs.get(uri.as_str())
    }

    /// The open document at `uri`, to update what is cached on it.
    pub fn doc_mut(&mut self, uri: &Uri) -> Option<&mut Document> {
        self.docs.get_mut(uri.as_str())
    }

    /// Opens (or reopens) a document and analyses it.
    pub fn open(&mut self, uri: Uri, version: i32, text: String) -> Vec<Publish> {
        let path = path_of(&uri);
        let doc = Document {
            index: LineIndex::new(&text),
            uri: uri.clone(),
            path,
            version,
            text,
            snapshot: Snapshot::empty(),
            file: None,
            last_tokens: None,
            parse_cache: ParseCache::default(),
        };
        self.docs.insert(uri.as_str().to_string(), doc);
        self.reanalyze(&uri)
    }

    /// Applies the client's edits (in order) and re-analyses. An edit for a
    /// version older than the one held is ignored.
    pub fn change(&mut self, uri: &Uri, version: i32, changes: Vec<TextDocumentContentChangeEvent>) -> Vec<Publish> {
        let Some(doc) = self.docs.get_mut(uri.as_str()) else { return vec![] };
        if version < doc.version {
            return vec![];
        }
        for change in changes {
            match change.range {
                None => doc.text = change.text,
                Some(range) => {
                    let start = doc.index.offset(&doc.text, range.start);
                    let end = doc.index.offset(&doc.text, range.end).max(start);
                    doc.text.replace_range(start..end, &change.text);
                }
            }
            doc.index = LineIndex::new(&doc.text);
        }
        doc.version = version;
        self.reanalyze(uri)
    }

    /// Closes a document; its diagnostics are cleared, and the documents
    /// that read it now read the file on disk instead of the buffer.
    pub fn close(&mut self, uri: &Uri) -> Vec<Publish> {
        self.workspace = None;
        let Some(closed) = self.docs.remove(uri.as_str()) else { return vec![] };
        let mut out = vec![Publish { uri: uri.clone(), version: None, diagnostics: vec![] }];
        out.extend(self.recheck_dependants(&[closed.path], None, depends_on));
        out
    }

    /// Re-analyses `uri`, then the other open documents that read it.
    fn reanalyze(&mut self, uri: &Uri) -> Vec<Publish> {
        self.workspace = None;
        let Some(path) = self.docs.get(uri.as_str()).map(|d| d.path.clone()) else { return vec![] };
        let mut out = vec![];
        self.analyze_one(uri.as_str());
        out.extend(self.publish(uri));
        out.extend(self.recheck_dependants(&[path], Some(uri.as_str()), depends_on));
        out
    }

    /// A document was saved: the open documents that read it are checked
    /// again (one may read the file on disk under another path, through a
    /// link; and the workspace analysis reads the disk).
    pub fn save(&mut self, uri: &Uri) -> Vec<Publish> {
        self.workspace = None;
        let Some(path) = self.docs.get(uri.as_str()).map(|d| d.path.clone()) else { return vec![] };
        self.recheck_dependants(&[path], Some(uri.as_str()), depends_on_disk)
    }

    /// Files changed, appeared or disappeared on disk: the open documents
    /// that read them (or failed to) are checked again. A file open in the
    /// editor is ignored: its buffer, not the disk, is what is analysed.
    pub fn disk_changed(&mut self, paths: &[PathBuf]) -> Vec<Publish> {
        self.workspace = None;
        let open: Vec<PathBuf> = self.docs.values().map(|d| normalize(&d.path)).collect();
        let closed: Vec<PathBuf> = paths.iter().filter(|p| !open.contains(&normalize(p))).cloned().collect();
        if closed.is_empty() {
            return vec![];
        }
        self.recheck_dependants(&closed, None, depends_on_disk)
    }

    /// Checks again every open document (but `except`) that `reads` one of
    /// `paths`, and returns their diagnostics.
    fn recheck_dependants(
        &mut self,
        paths: &[PathBuf],
        except: Option<&str>,
        reads: fn(&Snapshot, &[PathBuf]) -> bool,
    ) -> Vec<Publish> {
        let dependants: Vec<String> = self
            .docs
            .iter()
            .filter(|(k, d)| Some(k.as_str()) != except && reads(&d.snapshot, paths))
            .map(|(k, _)| k.clone())
            .collect();
        let mut out = vec![];
        for key in dependants {
            self.analyze_one(&key);
            if let Some(u) = self.docs.get(&key).map(|d| d.uri.clone()) {
                out.extend(self.publish(&u));
            }
        }
        out
    }

    /// Analyses one open document: its pieces that changed are parsed
    /// again, then the file and what it imports are checked.
    fn analyze_one(&mut self, key: &str) {
        let Some(mut cache) = self.docs.get_mut(key).map(|d| std::mem::take(&mut d.parse_cache)) else { return };
        let snapshot = {
            let texts = self.open_texts();
            let Some(doc) = self.docs.get(key) else { return };
            let parsed = cache.parse(&doc.text);
            let mut ws = tenet::workspace::Workspace::default();
            ws.add_parsed(doc.path.clone(), doc.text.clone(), parsed, &Overlay { open: &texts });
            Snapshot::of(tenet::check::check_workspace(ws))
        };
        if let Some(doc) = self.docs.get_mut(key) {
            doc.file = snapshot.file_of(&doc.path);
            doc.snapshot = snapshot;
            doc.parse_cache = cache;
        }
    }

    /// The open texts by normalised path (the files they stand for).
    fn open_texts(&self) -> HashMap<PathBuf, &str> {
        self.docs.values().map(|d| (normalize(&d.path), d.text.as_str())).collect()
    }

    /// The diagnostics of one open document.
    pub fn publish(&self, uri: &Uri) -> Option<Publish> {
        let doc = self.doc(uri)?;
        let diagnostics = super::handlers::diagnostics::of_document(self, doc);
        Some(Publish { uri: uri.clone(), version: Some(doc.version), diagnostics })
    }

    /// The analysis of the workspace folders and every open document.
    pub fn workspace(&mut self) -> &Snapshot {
        if self.workspace.is_none() {
            let texts = self.open_texts();
            let mut paths: Vec<PathBuf> = self.roots.clone();
            for d in self.docs.values() {
                if !self.roots.iter().any(|r| d.path.starts_with(r)) {
                    paths.push(d.path.clone());
                }
            }
            let snapshot = Snapshot::build(&paths, &Overlay { open: &texts });
            drop(texts);
            self.workspace = Some(snapshot);
        }
        self.workspace.get_or_insert_with(Snapshot::empty)
    }

    /// The workspace analysis if it is built and current.
    pub fn cached_workspace(&self) -> Option<&Snapshot> {
        self.workspace.as_ref()
    }

    /// The URI of a file of an analysis: the open document's, else a file URI.
    pub fn uri_of(&self, path: &Path) -> Option<Uri> {
        let wanted = normalize(path);
        if let Some(d) = self.docs.values().find(|d| normalize(&d.path) == wanted) {
            return Some(d.uri.clone());
        }
        let absolute = if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir().ok()?.join(path) };
        Uri::from_file_path(normalize(&absolute))
    }
}
