//! The REPL's front end: rustyline on a terminal, plain lines otherwise.
//!
//! On a terminal: history kept in the user's data directory, a session
//! journal there too (a session that dies is offered back next time), Tab
//! completion, colours, a prompt naming the jurisdiction, input that
//! continues (under a `...>` prompt) while a brace is open or a header may
//! take clauses, Ctrl-C to drop the input or stop a long command, Ctrl-D
//! to leave. Without one (a script on stdin), lines are read and answered
//! one complete input at a time, without prompts.
//!
//! Each line is read on its own, so that continuation lines get a prompt
//! of their own (the line editor has none for them), and the whole input
//! goes to the history as one entry. The line editor reads Ctrl-C as a key
//! (the terminal is raw while it reads), so the SIGINT handler installed
//! here only ever fires while a command runs: it sets the flag the
//! command's log reader, evaluation loop and test runner look at.

use super::complete::{complete, Words};
use super::highlight::highlight;
use super::input::{ends_header, is_complete};
use super::journal::{self, Journal};
use super::session::{Reply, Session};
use super::watch::Watch;
use crate::log::Cancel;
use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::Hinter;
use rustyline::history::DefaultHistory;
use rustyline::validate::Validator;
use rustyline::{CompletionType, Config, Context, Editor, Helper};
use std::borrow::Cow;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

/// The rustyline helper: completion from the session's names, colours.
struct Assist {
    words: Words,
    colour: bool,
}

impl Completer for Assist {
    type Candidate = Pair;

    fn complete(&self, line: &str, pos: usize, _: &Context<'_>) -> rustyline::Result<(usize, Vec<Pair>)> {
        let (start, names) = complete(&self.words, line, pos);
        Ok((start, names.into_iter().map(|n| Pair { display: n.clone(), replacement: n }).collect()))
    }
}

impl Hinter for Assist {
    type Hint = String;
}

impl Highlighter for Assist {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if self.colour {
            Cow::Owned(highlight(line))
        } else {
            Cow::Borrowed(line)
        }
    }

    fn highlight_char(&self, _line: &str, _pos: usize, _kind: CmdKind) -> bool {
        self.colour
    }
}

/// Every line is complete for the editor: the loop joins them.
impl Validator for Assist {}

impl Helper for Assist {}

/// Where the history is kept: `<data dir>/tenet/history`.
fn history_path() -> Option<PathBuf> {
    let dir = dirs::data_dir()?.join("tenet");
    std::fs::create_dir_all(&dir).ok()?;
    Some(dir.join("history"))
}

/// Where session journals are kept: `<data dir>/tenet/sessions`.
fn journal_dir() -> Option<PathBuf> {
    Some(dirs::data_dir()?.join("tenet").join("sessions"))
}

/// Offers to replay the newest journal of a session that died, then starts
/// this session's journal.
fn restore_and_journal(editor: &mut Editor<Assist, DefaultHistory>, session: &mut Session) -> Option<Journal> {
    let dir = journal_dir()?;
    let orphan = journal::orphans(&dir).into_iter().next();
    let mut journal = match Journal::start(&dir) {
        Ok(j) => Some(j),
        Err(e) => {
            eprintln!("warning: no session journal in {} ({e}): a crash would lose the draft", dir.display());
            None
        }
    };
    if let Some(orphan) = orphan {
        println!("{}", orphan.summary());
        let restore =
            matches!(editor.readline("restore it? [Y/n] "), Ok(a) if !a.trim().to_lowercase().starts_with('n'));
        if restore {
            print!("{}", orphan.replay(session, journal.as_mut()));
        } else {
            println!("not restored");
        }
        if let Err(e) = orphan.discard() {
            eprintln!("warning: cannot remove the old journal: {e}");
        }
    }
    journal
}

/// The prompt of a continuation line, as wide as `prompt`.
pub fn continuation(prompt: &str) -> String {
    format!("{:>width$}", "...> ", width = prompt.chars().count())
}

/// Lets Ctrl-C stop a running command: None when the handler cannot be
/// installed (Ctrl-C then ends the process, as it would anyway). Installed
/// once the line editor is up, so that it replaces the editor's handler.
fn ctrl_c() -> Option<Cancel> {
    let cancel = Cancel::new();
    let flag = cancel.clone();
    match ctrlc::set_handler(move || flag.set()) {
        Ok(()) => Some(cancel),
        Err(e) => {
            eprintln!("warning: Ctrl-C cannot stop a running command ({e}): it would end the session");
            None
        }
    }
}

/// Runs the interactive loop on a terminal; returns the exit status.
pub fn interactive(session: &mut Session, colour: bool) -> u8 {
    let config = Config::builder().completion_type(CompletionType::List).build();
    let mut editor: Editor<Assist, DefaultHistory> = match Editor::with_config(config) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: cannot start the line editor: {e}");
            return 2;
        }
    };
    editor.set_helper(Some(Assist { words: Words::of(session), colour }));
    let history = history_path();
    if let Some(h) = &history {
        // A missing history file is a first run, not an error.
        let _ = editor.load_history(h);
    }
    println!("tenet REPL — `:help` lists the commands, Ctrl-D leaves");
    let mut journal = restore_and_journal(&mut editor, session);
    if let Some(h) = editor.helper_mut() {
        h.words = Words::of(session);
    }
    let cancel = ctrl_c();
    session.watch(Watch { cancel: cancel.clone(), progress: std::io::stderr().is_terminal() });
    let mut pending = String::new();
    let answer = |session: &mut Session, input: &str, journal: &mut Option<Journal>| -> Reply {
        // A Ctrl-C pressed before this command does not stop it.
        if let Some(c) = &cancel {
            c.clear();
        }
        let reply = session.eval(input);
        if reply.ok {
            if let Some(Err(e)) = journal.as_mut().map(|j| j.record(input)) {
                eprintln!("warning: the session journal stopped ({e}): a crash would lose the draft");
                *journal = None;
            }
        }
        print!("{}", reply.text);
        let _ = std::io::stdout().flush();
        reply
    };
    let status = loop {
        let prompt = session.prompt();
        let prompt = if pending.is_empty() { prompt } else { continuation(&prompt) };
        match editor.readline(&prompt) {
            Ok(line) => {
                if ends_header(&pending, &line) {
                    let _ = editor.add_history_entry(pending.as_str());
                    if answer(session, &std::mem::take(&mut pending), &mut journal).quit {
                        break 0;
                    }
                }
                if !pending.is_empty() {
                    pending.push('\n');
                }
                pending.push_str(&line);
                if !is_complete(&pending) {
                    continue;
                }
                let input = std::mem::take(&mut pending);
                if !input.trim().is_empty() {
                    let _ = editor.add_history_entry(input.as_str());
                }
                if answer(session, &input, &mut journal).quit {
                    break 0;
                }
                if let Some(h) = editor.helper_mut() {
                    h.words = Words::of(session);
                }
            }
            // Ctrl-C drops the input being typed (every line of it).
            Err(ReadlineError::Interrupted) => pending.clear(),
            Err(ReadlineError::Eof) => break 0,
            Err(e) => {
                eprintln!("error: {e}");
                break 2;
            }
        }
    };
    if let Some(h) = &history {
        if let Err(e) = editor.save_history(h) {
            eprintln!("warning: cannot save the history to {}: {e}", h.display());
        }
    }
    // Left normally, the draft is where the user left it; after an error the
    // journal stays for the next session to offer.
    if let Some(Err(e)) = journal.filter(|_| status == 0).map(Journal::finish) {
        eprintln!("warning: cannot remove the session journal: {e}");
    }
    status
}

/// Answers the inputs read from `input` (complete inputs may span lines),
/// writing replies to `out`. Returns 0 when every input was accepted, 1
/// when some was rejected.
pub fn script(session: &mut Session, input: impl BufRead, out: &mut dyn Write) -> u8 {
    let mut status = 0;
    let mut pending = String::new();
    let mut answer = |session: &mut Session, input: &str| {
        let reply = session.eval(input);
        let _ = write!(out, "{}", reply.text);
        if !reply.ok {
            status = 1;
        }
        reply.quit
    };
    for line in input.lines() {
        let Ok(line) = line else {
            let _ = writeln!(out, "error: standard input is not UTF-8 text");
            return 2;
        };
        if ends_header(&pending, &line) && answer(session, &std::mem::take(&mut pending)) {
            return status;
        }
        if !pending.is_empty() {
            pending.push('\n');
        }
        pending.push_str(&line);
        if !is_complete(&pending) {
            continue;
        }
        if answer(session, &std::mem::take(&mut pending)) {
            return status;
        }
    }
    if !pending.trim().is_empty() {
        answer(session, &pending);
    }
    status
}
