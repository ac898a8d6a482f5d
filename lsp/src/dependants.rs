//! Which analyses depend on a file: the documents to check again when it
//! changes, in the editor or on disk.
//!
//! An analysis depends on every file it read (the document and what it
//! imports, transitively) and on every import it could not read: creating
//! that file, or opening a buffer for it, changes the result too. Edits
//! compare paths as written; events from the disk also compare the files
//! they resolve to, so an import through a link is found too.

use super::document::Snapshot;
use super::paths::normalize;
use std::path::{Path, PathBuf};

/// True when `snap` read, or tried to read, one of the files at `changed`
/// or a file below one of them (a folder deleted or renamed on disk arrives
/// as one event).
pub fn depends_on(snap: &Snapshot, changed: &[PathBuf]) -> bool {
    let changed: Vec<PathBuf> = changed.iter().map(|p| normalize(p)).collect();
    read(snap).any(|p| changed.iter().any(|c| normalize(&p).starts_with(c)))
}

/// [`depends_on`], or one of the files at `changed` (or below them) is one
/// `snap` read under another path, through a link. Asks the file system:
/// for events from the disk, not for every keystroke.
pub fn depends_on_disk(snap: &Snapshot, changed: &[PathBuf]) -> bool {
    if depends_on(snap, changed) {
        return true;
    }
    let changed: Vec<PathBuf> = changed.iter().filter_map(|p| std::fs::canonicalize(p).ok()).collect();
    if changed.is_empty() {
        return false;
    }
    read(snap).filter_map(|p| std::fs::canonicalize(p).ok()).any(|p| changed.iter().any(|c| p.starts_with(c)))
}

/// The paths `snap` read, then those of the imports it could not read.
fn read(snap: &Snapshot) -> impl Iterator<Item = PathBuf> + '_ {
    let ws = &snap.analysis.workspace;
    let missing = ws.units.iter().flat_map(move |unit| {
        let dir = ws.sources.get(unit.id).and_then(|f| f.path.parent()).map(Path::to_path_buf).unwrap_or_default();
        unit.imports.iter().filter(|(_, found)| found.is_none()).map(move |(imp, _)| dir.join(&imp.path.value))
    });
    ws.sources.iter().map(|(_, f)| f.path.clone()).chain(missing)
}
