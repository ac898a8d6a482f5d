//! Files changed on disk (`workspace/didChangeWatchedFiles`) and saves:
//! the open documents that import them, directly or not, are checked
//! again; the others are left alone.

use crate::diagnostics::drawn;
use crate::support::*;
use std::path::PathBuf;
use tenet_lsp::engine::{Engine, Publish};
use tenet_lsp::handlers::watched_files;
use tower_lsp_server::ls_types::{DidChangeWatchedFilesParams, FileChangeType, FileEvent, Uri};

/// The schema's second event, which the policy requires.
const RESOLVED: &str = "event complaint_resolved \"Resolvida ✅\" { case: id }\n";

/// A folder of policy files on disk.
struct OnDisk {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl OnDisk {
    fn new() -> OnDisk {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        OnDisk { _dir: dir, root }
    }

    fn write(&self, name: &str, text: &str) {
        let path = self.root.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn uri(&self, name: &str) -> Uri {
        Uri::from_file_path(self.root.join(name)).unwrap()
    }
}

/// A `didChangeWatchedFiles` notification for one file.
fn event(uri: &Uri, typ: FileChangeType) -> DidChangeWatchedFilesParams {
    DidChangeWatchedFilesParams { changes: vec![FileEvent::new(uri.clone(), typ)] }
}

fn codes(p: &Publish) -> Vec<String> {
    p.diagnostics
        .iter()
        .map(|d| match &d.code {
            Some(tower_lsp_server::ls_types::NumberOrString::String(s)) => s.clone(),
            _ => String::new(),
        })
        .collect()
}

fn uris(list: &[Publish]) -> Vec<&Uri> {
    list.iter().map(|p| &p.uri).collect()
}

#[test]
fn a_dependant_is_checked_again_when_its_import_changes_on_disk() {
    let disk = OnDisk::new();
    disk.write("schema.tenet", SCHEMA);
    let policy = disk.uri("policy.tenet");
    let mut e = Engine::new();
    let opened = e.open(policy.clone(), 1, POLICY.into());
    assert_eq!(codes(&opened[0]), ["tenet::missing_citation"]);

    disk.write("schema.tenet", &SCHEMA.replace(RESOLVED, ""));
    // Nothing is read again before the client says the file changed.
    assert_eq!(e.publish(&policy).unwrap(), opened[0]);
    let published = watched_files::handle(&mut e, &event(&disk.uri("schema.tenet"), FileChangeType::CHANGED));
    assert_eq!(uris(&published), [&policy]);
    assert_eq!(published[0].version, Some(1));
    insta::assert_snapshot!(drawn(POLICY, &published[0].diagnostics));
}

#[test]
fn a_transitive_import_deleted_then_created_again() {
    let disk = OnDisk::new();
    // policy -> schema.tenet -> events.tenet; the schema declares one event
    // itself, so the policy's event types stay checked without the other file.
    let refused = "event cancellation_refused { customer: id, reason: text }\n";
    disk.write("events.tenet", &SCHEMA.replace(refused, ""));
    disk.write("schema.tenet", &format!("import \"events.tenet\"\n\n{refused}"));
    let policy = disk.uri("policy.tenet");
    let mut e = Engine::new();
    let opened = e.open(policy.clone(), 1, POLICY.into());
    assert_eq!(codes(&opened[0]), ["tenet::missing_citation"]);

    let events = disk.root.join("events.tenet");
    std::fs::remove_file(&events).unwrap();
    let published = watched_files::handle(&mut e, &event(&disk.uri("events.tenet"), FileChangeType::DELETED));
    assert_eq!(uris(&published), [&policy]);
    assert!(codes(&published[0]).contains(&"tenet::unknown_event".to_string()), "{:?}", codes(&published[0]));

    // Created again: the import that could not be read is read now.
    disk.write("events.tenet", &SCHEMA.replace(refused, ""));
    let published = watched_files::handle(&mut e, &event(&disk.uri("events.tenet"), FileChangeType::CREATED));
    assert_eq!(uris(&published), [&policy]);
    assert_eq!(codes(&published[0]), ["tenet::missing_citation"]);
}

#[test]
fn open_files_and_files_no_document_reads_are_ignored() {
    let disk = OnDisk::new();
    disk.write("schema.tenet", SCHEMA);
    disk.write("other.tenet", "event other { id: id }\n");
    let (schema, policy) = (disk.uri("schema.tenet"), disk.uri("policy.tenet"));
    let mut e = Engine::new();
    e.open(schema.clone(), 1, SCHEMA.into());
    e.open(policy.clone(), 1, POLICY.into());
    // The schema is open: its buffer, not the disk, is what the policy reads.
    disk.write("schema.tenet", &SCHEMA.replace(RESOLVED, ""));
    assert_eq!(watched_files::handle(&mut e, &event(&schema, FileChangeType::CHANGED)), []);
    assert_eq!(watched_files::handle(&mut e, &event(&disk.uri("other.tenet"), FileChangeType::CHANGED)), []);
    let untitled = event(&uri("untitled:Untitled-1"), FileChangeType::DELETED);
    assert_eq!(watched_files::handle(&mut e, &untitled), []);
    // Once closed, the policy reads the disk again.
    let closed = e.close(&schema);
    assert_eq!(uris(&closed), [&schema, &policy]);
    assert!(codes(&closed[1]).contains(&"tenet::unknown_event".to_string()));
}

#[test]
fn a_save_checks_again_the_documents_that_import_it() {
    let disk = OnDisk::new();
    disk.write("schema.tenet", SCHEMA);
    let (schema, policy) = (disk.uri("schema.tenet"), disk.uri("policy.tenet"));
    let mut e = Engine::new();
    e.open(schema.clone(), 1, SCHEMA.into());
    e.open(policy.clone(), 1, POLICY.into());
    let saved = e.save(&schema);
    assert_eq!(uris(&saved), [&policy]);
    assert_eq!(codes(&saved[0]), ["tenet::missing_citation"]);
    // The policy imports nothing that imports it.
    assert_eq!(e.save(&policy), []);
    assert_eq!(e.save(&uri("file:///not/open.tenet")), []);
}

#[cfg(unix)]
#[test]
fn a_save_reaches_a_document_importing_it_through_a_link() {
    let disk = OnDisk::new();
    disk.write("real/schema.tenet", SCHEMA);
    std::os::unix::fs::symlink(disk.root.join("real"), disk.root.join("link")).unwrap();
    let (schema, policy) = (disk.uri("real/schema.tenet"), disk.uri("policy.tenet"));
    let mut e = Engine::new();
    e.open(schema.clone(), 1, SCHEMA.into());
    e.open(policy.clone(), 1, POLICY.replace("\"schema.tenet\"", "\"link/schema.tenet\""));

    let fewer = SCHEMA.replace(RESOLVED, "");
    let whole = tower_lsp_server::ls_types::TextDocumentContentChangeEvent {
        range: None,
        range_length: None,
        text: fewer.clone(),
    };
    // The policy reads the file on disk (through the link), not this buffer.
    assert_eq!(uris(&e.change(&schema, 2, vec![whole])), [&schema]);
    disk.write("real/schema.tenet", &fewer);
    let saved = e.save(&schema);
    assert_eq!(uris(&saved), [&policy]);
    assert!(codes(&saved[0]).contains(&"tenet::unknown_event".to_string()), "{:?}", codes(&saved[0]));
}
