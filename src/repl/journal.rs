//! The session journal: a terminal session appends each input that changes
//! its state (a definition, `:load`, `:events`, `:event`, `:as-of`, ...) to
//! a file as soon as it is accepted, synced to disk, so a session that dies
//! (a crash, a closed terminal, a power cut) loses none of its draft. A
//! session that ends normally removes its journal; the next `tenet repl`
//! offers to replay a journal whose session is gone.
//!
//! A live session holds an exclusive lock on its journal, so a journal that
//! can be locked belongs to a session that no longer runs, whatever its
//! process number. The format is JSON Lines: a header, then one input per
//! line; a line cut short by the crash is ignored.

use super::session::Session;
use crate::report::plural;
use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The first line of a journal.
#[derive(Serialize, Deserialize)]
struct Header {
    /// Format version.
    tenet_journal: u32,
    /// When the session started (RFC 3339, local time).
    started: String,
}

/// One recorded input.
#[derive(Serialize, Deserialize)]
struct Entry {
    input: String,
}

/// The journal of the running session.
pub struct Journal {
    path: PathBuf,
    file: File,
}

/// The commands that change a session's state (the others only look).
const STATEFUL_COMMANDS: &[&str] = &["load", "reload", "events", "event", "clear-events", "as-of", "undo"];

/// Whether replaying `input` would rebuild some of a session's state:
/// definitions, and the commands that load or change things (not `:save`,
/// which writes files, nor the commands that only show).
pub fn changes_state(input: &str) -> bool {
    let text = input.trim();
    match text.strip_prefix(':') {
        // Bare `help`, `quit` and `exit` are commands that change nothing.
        None => !text.is_empty() && !matches!(text, "help" | "quit" | "exit"),
        Some(command) => {
            let mut words = command.split_whitespace();
            let name = words.next().unwrap_or("");
            // `:as-of` alone only shows the time.
            STATEFUL_COMMANDS.contains(&name) && (name != "as-of" || words.next().is_some())
        }
    }
}

impl Journal {
    /// Starts a journal in `dir` for this process, locked while it lives.
    pub fn start(dir: &Path) -> io::Result<Journal> {
        std::fs::create_dir_all(dir)?;
        let stamp = chrono::Local::now();
        let name = format!("session-{}-{}.jsonl", stamp.format("%Y%m%dT%H%M%S%.f"), std::process::id());
        let path = dir.join(name);
        let file = OpenOptions::new().create_new(true).append(true).open(&path)?;
        file.try_lock().map_err(io::Error::other)?;
        let mut journal = Journal { path, file };
        let header = Header { tenet_journal: 1, started: stamp.to_rfc3339_opts(chrono::SecondsFormat::Secs, false) };
        journal.append(&serde_json::to_string(&header).map_err(io::Error::other)?)?;
        Ok(journal)
    }

    /// Where the journal is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Records an accepted input, if it changes the session's state.
    pub fn record(&mut self, input: &str) -> io::Result<()> {
        if !changes_state(input) {
            return Ok(());
        }
        let line = serde_json::to_string(&Entry { input: input.to_string() }).map_err(io::Error::other)?;
        self.append(&line)
    }

    fn append(&mut self, line: &str) -> io::Result<()> {
        self.file.write_all(format!("{line}\n").as_bytes())?;
        self.file.sync_data()
    }

    /// Ends the session normally: the journal is no longer needed.
    pub fn finish(self) -> io::Result<()> {
        drop(self.file);
        std::fs::remove_file(&self.path)
    }
}

/// The journal of a session that ended without leaving.
pub struct Orphan {
    /// Its file (locked while this value lives).
    pub path: PathBuf,
    /// When its session started.
    pub started: String,
    /// Its inputs, in order.
    pub inputs: Vec<String>,
    _lock: File,
}

impl Orphan {
    /// Reads the journal at `path` if no live session holds it.
    fn open(path: &Path) -> Option<Orphan> {
        let file = OpenOptions::new().read(true).write(true).open(path).ok()?;
        file.try_lock().ok()?;
        let text = std::fs::read_to_string(path).ok()?;
        let mut lines = text.lines();
        let header: Header = serde_json::from_str(lines.next()?).ok()?;
        // A line the crash cut short does not parse, and is left out.
        let inputs = lines.filter_map(|l| serde_json::from_str::<Entry>(l).ok()).map(|e| e.input).collect();
        Some(Orphan { path: path.to_path_buf(), started: header.started, inputs, _lock: file })
    }

    /// One line saying what the journal holds.
    pub fn summary(&self) -> String {
        let last = self.inputs.last().map(|i| i.trim().lines().next().unwrap_or("")).unwrap_or("");
        let n = self.inputs.len();
        format!("a session started {} ended without leaving: {n} input{}, the last `{last}`", self.started, plural(n))
    }

    /// Replays the inputs into `session`; returns what to show.
    pub fn replay(&self, session: &mut Session, journal: Option<&mut Journal>) -> String {
        let mut failed = vec![];
        let mut journal = journal;
        for input in &self.inputs {
            let reply = session.eval(input);
            if reply.ok {
                if let Some(j) = journal.as_deref_mut() {
                    let _ = j.record(input);
                }
            } else {
                failed.push(input.trim().lines().next().unwrap_or("").to_string());
            }
        }
        let n = self.inputs.len() - failed.len();
        let mut out = format!("restored {n} input{}\n", plural(n));
        for f in failed {
            out.push_str(&format!("  not restored (rejected now): `{f}`\n"));
        }
        out
    }

    /// Removes the journal (restored or declined).
    pub fn discard(self) -> io::Result<()> {
        std::fs::remove_file(&self.path)
    }
}

/// The journals in `dir` whose sessions are gone, newest first.
pub fn orphans(dir: &Path) -> Vec<Orphan> {
    let Ok(entries) = std::fs::read_dir(dir) else { return vec![] };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("session-")))
        .collect();
    // Names start with the start time: newest last, then reversed.
    paths.sort();
    paths.iter().rev().filter_map(|p| Orphan::open(p)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_inputs_that_change_state_are_recorded() {
        for input in
            ["rule r { forbid e }", ":load p.tenet", ":events a.jsonl", ":as-of 2026-03-01", ":event x", ":undo"]
        {
            assert!(changes_state(input), "{input}");
        }
        for input in [":check", ":save", ":as-of", ":explain r", ":diff", "", "  ", ":quit", "quit", "exit", "help"] {
            assert!(!changes_state(input), "{input}");
        }
    }

    #[test]
    fn a_live_journal_is_not_an_orphan_and_a_finished_one_is_gone() {
        let dir = tempfile::tempdir().unwrap();
        let mut journal = Journal::start(dir.path()).unwrap();
        journal.record("rule r {\n  forbid e\n}").unwrap();
        journal.record(":check").unwrap();
        assert!(orphans(dir.path()).is_empty(), "locked by this session");
        let path = journal.path().to_path_buf();
        journal.finish().unwrap();
        assert!(!path.exists());
        assert!(orphans(dir.path()).is_empty());
    }

    #[test]
    fn a_dead_sessions_journal_is_offered_without_its_torn_last_line() {
        let dir = tempfile::tempdir().unwrap();
        let mut journal = Journal::start(dir.path()).unwrap();
        journal.record("1 + 1").unwrap();
        journal.record(":as-of 2026-03-01T00:00:00Z").unwrap();
        let path = journal.path().to_path_buf();
        // The process dies: its lock goes, a write was cut short.
        drop(journal);
        std::fs::OpenOptions::new().append(true).open(&path).unwrap().write_all(b"{\"input\":\"rule ha").unwrap();
        let found = orphans(dir.path());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].inputs, ["1 + 1", ":as-of 2026-03-01T00:00:00Z"]);
        assert!(
            found[0].summary().contains("2 inputs, the last `:as-of 2026-03-01T00:00:00Z`"),
            "{}",
            found[0].summary()
        );
        let mut session = Session::new(Default::default());
        let shown = found[0].replay(&mut session, None);
        assert_eq!(shown, "restored 2 inputs\n");
        assert!(session.eval(":as-of").text.contains("2026-03-01"));
        let orphan = found.into_iter().next().unwrap();
        orphan.discard().unwrap();
        assert!(!path.exists());
    }
}
