//! Loading policy files: paths and directories, imports, bad bytes.
//!
//! A [`Workspace`] is every file a check needs: the ones named by the user
//! (directories are walked recursively for `.tenet` files, in sorted order so
//! results are deterministic) and the ones they import, transitively, each
//! loaded once. Reading goes through a [`Loader`] so that the language server
//! and the REPL can serve unsaved text.

use crate::diagnostics::{Diagnostic, Problem, Sources};
use crate::span::{display_path, FileId, SourceFile, Span};
use crate::syntax::{self, ast};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Where file contents come from.
pub trait Loader {
    /// The bytes of `path`, or a reason it cannot be read.
    fn read(&self, path: &Path) -> Result<Vec<u8>, String>;

    /// The policy files a user-given path stands for (a directory expands
    /// to the `.tenet` files below it).
    fn expand(&self, path: &Path) -> Result<Vec<PathBuf>, String> {
        policy_files(path)
    }
}

/// Reads from the file system.
#[derive(Debug, Default, Clone, Copy)]
pub struct FsLoader;

/// The largest policy file read, in bytes.
pub const MAX_POLICY_BYTES: u64 = 64 * 1024 * 1024;

impl Loader for FsLoader {
    /// Reads regular files only, up to [`MAX_POLICY_BYTES`]: a device
    /// (`/dev/zero`) never ends and a FIFO blocks until someone writes, so
    /// both are refused before they are opened.
    fn read(&self, path: &Path) -> Result<Vec<u8>, String> {
        let meta = std::fs::metadata(path).map_err(|e| io_reason(&e))?;
        if !meta.is_file() {
            return Err("not a regular file (a device, a pipe or a directory cannot be a policy)".into());
        }
        if meta.len() > MAX_POLICY_BYTES {
            return Err(format!("larger than {} MiB, the most a policy file may hold", MAX_POLICY_BYTES >> 20));
        }
        let file = std::fs::File::open(path).map_err(|e| io_reason(&e))?;
        let mut bytes = vec![];
        // The file may grow after its size was read: stop one byte past the bound.
        std::io::Read::read_to_end(&mut std::io::Read::take(file, MAX_POLICY_BYTES + 1), &mut bytes)
            .map_err(|e| io_reason(&e))?;
        if bytes.len() as u64 > MAX_POLICY_BYTES {
            return Err(format!("larger than {} MiB, the most a policy file may hold", MAX_POLICY_BYTES >> 20));
        }
        Ok(bytes)
    }
}

/// Writes `bytes` to `path` so that the file is either the old one or the
/// new one whole: written beside it under a temporary name, flushed to
/// disk, then renamed over it. A crash or a full disk mid-write leaves the
/// old file untouched.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    crate::atomic_file::write_atomically(path, bytes)
}

/// A short reason for an I/O error, without the OS error number.
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            let s = e.to_string();
            s.split(" (os error").next().unwrap_or(&s).to_lowercase()
        }
    }
}

/// One parsed file of the workspace.
#[derive(Debug, Clone)]
pub struct Unit {
    /// Its id in [`Workspace::sources`].
    pub id: FileId,
    /// Its tree.
    pub ast: ast::File,
    /// The files it imports, resolved (None when unreadable).
    pub imports: Vec<(ast::Import, Option<FileId>)>,
    /// True when the user named it (not only imported).
    pub requested: bool,
}

/// Every file of a check, parsed.
#[derive(Debug, Default)]
pub struct Workspace {
    /// The texts.
    pub sources: Sources,
    /// The parsed files, in load order.
    pub units: Vec<Unit>,
    /// Problems reading and parsing.
    pub diagnostics: Vec<Diagnostic>,
    /// True when a path given by the user could not be read (exit 2).
    pub io_failed: bool,
    by_path: HashMap<PathBuf, FileId>,
}

impl Workspace {
    /// The unit of a file id.
    pub fn unit(&self, id: FileId) -> Option<&Unit> {
        self.units.iter().find(|u| u.id == id)
    }

    /// Loads `paths` (files or directories) and everything they import.
    pub fn load(paths: &[PathBuf], loader: &dyn Loader) -> Workspace {
        let mut ws = Workspace::default();
        for path in paths {
            match loader.expand(path) {
                Ok(files) if files.is_empty() => {
                    ws.io_failed = true;
                    ws.diagnostics.push(Diagnostic::global(Problem::NoPolicyFiles { path: display_path(path) }));
                }
                Ok(files) => {
                    for f in files {
                        ws.load_file(&f, loader, true);
                    }
                }
                Err(reason) => {
                    ws.io_failed = true;
                    ws.diagnostics.push(Diagnostic::global(Problem::Io { path: display_path(path), reason }));
                }
            }
        }
        ws
    }

    /// Adds a text that is not on disk (REPL input, an unsaved editor buffer).
    pub fn add_text(&mut self, path: impl Into<PathBuf>, text: String, loader: &dyn Loader) -> FileId {
        let path = path.into();
        let id = self.sources.add(SourceFile::new(path.clone(), text));
        self.by_path.insert(normalize(&path), id);
        self.parse_unit(id, loader, true);
        id
    }

    /// Loads one file (once) and returns its id; None when unreadable.
    fn load_file(&mut self, path: &Path, loader: &dyn Loader, requested: bool) -> Option<FileId> {
        let key = normalize(path);
        if let Some(&id) = self.by_path.get(&key) {
            if requested {
                if let Some(u) = self.units.iter_mut().find(|u| u.id == id) {
                    u.requested = true;
                }
            }
            return Some(id);
        }
        let bytes = match loader.read(path) {
            Ok(b) => b,
            Err(reason) => {
                if requested {
                    self.io_failed = true;
                    self.diagnostics.push(Diagnostic::global(Problem::Io { path: display_path(path), reason }));
                }
                return None;
            }
        };
        let (text, bad_at) = match String::from_utf8(bytes) {
            Ok(t) => (t, None),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                (String::from_utf8_lossy(e.as_bytes()).into_owned(), Some(at))
            }
        };
        let id = self.sources.add(SourceFile::new(path, text));
        self.by_path.insert(key, id);
        if let Some(at) = bad_at {
            // Parsing replacement characters would only add noise. The text
            // shows the bad byte as U+FFFD: the span covers that character.
            let replaced = Span::new(at, at + char::REPLACEMENT_CHARACTER.len_utf8());
            self.diagnostics.push(Diagnostic::new(Problem::InvalidUtf8, id, replaced));
            self.units.push(Unit {
                id,
                ast: ast::File { items: vec![], comments: vec![] },
                imports: vec![],
                requested,
            });
            return Some(id);
        }
        self.parse_unit(id, loader, requested);
        Some(id)
    }

    /// Adds a text that is not on disk and that the caller already parsed
    /// (an editor re-parsing only the items that changed). The parse's
    /// diagnostics are moved to the new file's id.
    pub fn add_parsed(
        &mut self,
        path: impl Into<PathBuf>,
        text: String,
        mut parsed: syntax::Parsed,
        loader: &dyn Loader,
    ) -> FileId {
        let path = path.into();
        let id = self.sources.add(SourceFile::new(path.clone(), text));
        self.by_path.insert(normalize(&path), id);
        for d in &mut parsed.diagnostics {
            d.file = Some(id);
            for r in &mut d.related {
                r.file = id;
            }
        }
        self.add_unit(id, parsed, loader, true);
        id
    }

    fn parse_unit(&mut self, id: FileId, loader: &dyn Loader, requested: bool) {
        let Some(source) = self.sources.get(id) else { return };
        let parsed = syntax::parse(&source.text, id);
        self.add_unit(id, parsed, loader, requested);
    }

    /// Records a parsed file and loads what it imports.
    fn add_unit(&mut self, id: FileId, parsed: syntax::Parsed, loader: &dyn Loader, requested: bool) {
        let Some(source) = self.sources.get(id) else { return };
        let dir = source.path.parent().map(Path::to_path_buf).unwrap_or_default();
        self.diagnostics.extend(parsed.diagnostics);
        let imports: Vec<ast::Import> = parsed
            .file
            .items
            .iter()
            .filter_map(|i| match i {
                ast::Item::Import(imp) => Some(imp.clone()),
                _ => None,
            })
            .collect();
        self.units.push(Unit { id, ast: parsed.file, imports: vec![], requested });
        let mut resolved = vec![];
        for imp in imports {
            let target = dir.join(&imp.path.value);
            let loaded = self.load_file(&target, loader, false);
            if loaded.is_none() {
                let reason = loader.read(&target).err().unwrap_or_else(|| "unreadable".into());
                self.diagnostics.push(Diagnostic::new(
                    Problem::ImportNotFound { path: imp.path.value.clone(), reason },
                    id,
                    imp.path.span,
                ));
            }
            resolved.push((imp, loaded));
        }
        if let Some(u) = self.units.iter_mut().find(|u| u.id == id) {
            u.imports = resolved;
        }
    }
}

/// The `.tenet` files at `path`: itself if a file, else the sorted files
/// below it.
pub fn policy_files(path: &Path) -> Result<Vec<PathBuf>, String> {
    find_policy_files(path, &|_| false)
}

/// [`policy_files`] of a project folder not named by the user (`tenet fmt`
/// without a path): hidden folders (`.git`, ...) and `target` folders
/// (build output) are not searched.
pub fn project_policy_files(path: &Path) -> Result<Vec<PathBuf>, String> {
    find_policy_files(path, &|dir| {
        dir.file_name().and_then(|n| n.to_str()).is_some_and(|n| n == "target" || n.starts_with('.'))
    })
}

/// The `.tenet` files at `path`, not searching the folders below it that
/// `skip` refuses.
fn find_policy_files(path: &Path, skip: &dyn Fn(&Path) -> bool) -> Result<Vec<PathBuf>, String> {
    let meta = std::fs::metadata(path).map_err(|e| io_reason(&e))?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut out = vec![];
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| io_reason(&e))?;
        for entry in entries.flatten() {
            let p = entry.path();
            if p.is_dir() {
                if !skip(&p) {
                    stack.push(p);
                }
            } else if p.extension().is_some_and(|e| e == "tenet") {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// A path key without `.` and `..` components, so one file loads once.
/// A path in the form used to recognise a file loaded twice.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// Serves files from memory (tests, unsaved editor buffers); other paths
/// fall back to nothing.
#[derive(Debug, Default, Clone)]
pub struct MemoryLoader {
    files: HashMap<PathBuf, Vec<u8>>,
}

impl MemoryLoader {
    /// An empty loader.
    pub fn new() -> Self {
        MemoryLoader::default()
    }

    /// Adds (or replaces) a file.
    pub fn insert(&mut self, path: impl Into<PathBuf>, bytes: impl Into<Vec<u8>>) {
        self.files.insert(normalize(&path.into()), bytes.into());
    }
}

impl Loader for MemoryLoader {
    fn read(&self, path: &Path) -> Result<Vec<u8>, String> {
        self.files.get(&normalize(path)).cloned().ok_or_else(|| "no such file or directory".into())
    }

    fn expand(&self, path: &Path) -> Result<Vec<PathBuf>, String> {
        let key = normalize(path);
        if self.files.contains_key(&key) {
            return Ok(vec![key]);
        }
        let mut below: Vec<PathBuf> = self.files.keys().filter(|p| p.starts_with(&key)).cloned().collect();
        below.sort();
        if below.is_empty() {
            return Err("no such file or directory".into());
        }
        Ok(below)
    }
}

#[cfg(test)]
mod write_tests {
    use super::write_atomically;

    #[test]
    fn an_atomic_write_replaces_the_file_whole_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("p.tenet");
        std::fs::write(&path, "old").unwrap_or_else(|e| panic!("{e}"));
        write_atomically(&path, b"new").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(std::fs::read_to_string(&path).ok().as_deref(), Some("new"));
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .map(|d| d.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
            .unwrap_or_default();
        assert_eq!(names, ["p.tenet"]);
        // A directory in the way: the write fails and nothing is left over.
        let blocked = dir.path().join("d.tenet");
        std::fs::create_dir(&blocked).unwrap_or_else(|e| panic!("{e}"));
        assert!(write_atomically(&blocked, b"x").is_err());
        assert!(blocked.is_dir());
    }
}

#[cfg(test)]
mod utf8_tests {
    use super::{MemoryLoader, Workspace};
    use std::path::PathBuf;

    #[test]
    fn an_invalid_byte_is_marked_by_the_whole_replacement_character() {
        let mut loader = MemoryLoader::new();
        loader.insert("p.tenet", b"rule caf\xe9 { }".to_vec());
        let ws = Workspace::load(&[PathBuf::from("p.tenet")], &loader);
        let d = ws.diagnostics.first().unwrap_or_else(|| panic!("no diagnostic"));
        let text = d.file.and_then(|f| ws.sources.get(f)).map(|f| f.text.as_str()).unwrap_or_default();
        assert_eq!(text.get(d.span.start..d.span.end), Some("\u{fffd}"));
    }
}
