//! A REPL session: the policy being drafted, the events, the verdicts.
//!
//! Everything the REPL does happens here, on strings in and [`Reply`]s out,
//! so it is tested without a terminal. Each non-empty input gets a number
//! `N` and its diagnostics point into `<repl:N>`.

use super::calc::{self, Place};
use super::defs::{self, item_key, Built, DefKind, Definition};
use super::diff::Snapshot;
use super::scope::Scope;
use super::verdicts::{Run, Typed};
use super::watch::Watch;
use crate::diagnostics::{render_all, Diagnostic, RenderOptions, Sources};
use crate::span::{FileId, SourceFile};
use crate::syntax::{self, ast::Item};
use crate::time::Micros;
use std::path::PathBuf;
use std::rc::Rc;

/// What an evaluation was made from: the policy build, the logs, the typed
/// events (by input number), the horizon and the scope.
pub(super) type RunKey = (u64, Vec<PathBuf>, Vec<usize>, Option<Micros>, Scope);

/// What the session answers to one input.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Reply {
    /// The text to show (ends with a newline unless empty).
    pub text: String,
    /// False when the input was rejected (an error).
    pub ok: bool,
    /// True after `:quit`.
    pub quit: bool,
}

impl Reply {
    /// A successful answer.
    pub fn ok(text: impl Into<String>) -> Reply {
        Reply { text: with_newline(text.into()), ok: true, quit: false }
    }

    /// A rejected input.
    pub fn error(text: impl Into<String>) -> Reply {
        Reply { text: with_newline(text.into()), ok: false, quit: false }
    }
}

fn with_newline(mut s: String) -> String {
    if !s.is_empty() && !s.ends_with('\n') {
        s.push('\n');
    }
    s
}

/// The words that start a definition.
const ITEM_WORDS: &[&str] = &["jurisdiction", "import", "event", "calendar", "rule", "override", "test"];

/// The state of one REPL session.
pub struct Session {
    /// Policy files and directories loaded, in order.
    pub(super) paths: Vec<PathBuf>,
    /// Definitions typed, in order (a redefinition replaces in place).
    pub(super) defs: Vec<Definition>,
    /// The definitions before each accepted definition input, with what it
    /// said (for `:undo`), the latest last.
    pub(super) undo: Vec<(Vec<Definition>, String)>,
    /// The checked policy.
    pub(super) built: Built,
    /// Event log files loaded.
    pub(super) logs: Vec<PathBuf>,
    /// Events typed with `:event`.
    pub(super) typed: Vec<Typed>,
    /// The horizon set with `:as-of`.
    pub(super) as_of: Option<Micros>,
    /// The verdicts of the last `:check`.
    pub(super) last_check: Option<Snapshot>,
    /// The number of the last input.
    pub(super) entry: usize,
    /// Bumped whenever the policy is rebuilt (the cache of runs is keyed by it).
    pub(super) builds: u64,
    /// The last evaluation and what it was made from.
    pub(super) cache: Option<(RunKey, Rc<Run>)>,
    /// How diagnostics are drawn.
    pub(super) render: RenderOptions,
    /// The jurisdictions and rules judged (`tenet repl --jurisdiction --rule`).
    pub(super) scope: Scope,
    /// Ctrl-C and the progress bar, on a terminal.
    pub(super) watch: Watch,
}

impl Session {
    /// An empty session.
    pub fn new(render: RenderOptions) -> Session {
        Session {
            paths: vec![],
            defs: vec![],
            undo: vec![],
            built: defs::build(&[], &[]),
            logs: vec![],
            typed: vec![],
            as_of: None,
            last_check: None,
            entry: 0,
            builds: 0,
            cache: None,
            render,
            scope: Scope::default(),
            watch: Watch::default(),
        }
    }

    /// Lets Ctrl-C (setting `watch.cancel`) stop long commands, and shows
    /// a bar while a large log is read when `watch.progress` says so.
    pub fn watch(&mut self, watch: Watch) {
        self.watch = watch;
    }

    /// Limits what `:check`, `:explain`, `:diff` and `:test` judge to the
    /// jurisdictions and rules given (by name or glob); refused, with the
    /// names there are, when one matches nothing.
    pub fn scope(&mut self, jurisdictions: &[String], rules: &[String]) -> Reply {
        let scope = Scope { jurisdictions: jurisdictions.to_vec(), rules: rules.to_vec() };
        let checked = scope.selection().and_then(|s| s.compile(&self.built.analysis).map(|_| ()));
        match checked {
            Ok(()) => {
                self.scope = scope;
                Reply::ok("")
            }
            Err(d) => Reply::error(self.draw(&d)),
        }
    }

    /// Loads policy files or a directory (as `:load` does, without using
    /// an input number).
    pub fn load_path(&mut self, path: &str) -> Reply {
        self.load(path)
    }

    /// Loads an event log (as `:events` does, without using an input number).
    pub fn load_events(&mut self, path: &str) -> Reply {
        self.events(path)
    }

    /// Handles one complete input: a command, a definition or an expression.
    pub fn eval(&mut self, input: &str) -> Reply {
        let text = input.trim();
        if text.is_empty() {
            return Reply::ok("");
        }
        self.entry += 1;
        if let Some(command) = text.strip_prefix(':') {
            return self.command(command);
        }
        // What people type to get out or ask for help works without a colon.
        if matches!(text, "help" | "quit" | "exit") {
            return self.command(text);
        }
        // The first word of code: doc comments may come before a definition.
        let code = text.lines().map(str::trim_start).find(|l| !l.is_empty() && !l.starts_with("//")).unwrap_or("");
        let first = code.split(|c: char| !c.is_alphanumeric() && c != '_').next().unwrap_or("");
        if ITEM_WORDS.contains(&first) {
            self.define(text)
        } else {
            self.expression(text, false)
        }
    }

    /// Replaces the checked policy.
    pub(super) fn set_built(&mut self, built: Built) {
        self.built = built;
        self.builds += 1;
    }

    /// The prompt: the jurisdiction being drafted.
    pub fn prompt(&self) -> String {
        match self.jurisdiction() {
            Some(j) => format!("tenet[{j}]> "),
            None => "tenet> ".into(),
        }
    }

    /// The jurisdiction new definitions go to: the draft's, else the first
    /// loaded one.
    pub fn jurisdiction(&self) -> Option<String> {
        let a = &self.built.analysis;
        let of = |id: FileId| a.scope.file_jurisdiction.get(&id).cloned();
        if let Some(j) = self.built.draft.and_then(of) {
            return Some(j);
        }
        a.workspace.units.iter().filter(|u| u.requested).find_map(|u| of(u.id))
    }

    /// Where expressions are computed: the jurisdiction's zone and calendar.
    pub fn place(&self) -> Place {
        let Some(name) = self.jurisdiction() else { return Place::default() };
        // From the headers themselves, so that a policy with errors elsewhere
        // still counts dates in its own zone and calendar.
        let scope = &self.built.analysis.scope;
        let Some(info) = scope.jurisdictions.get(&name) else {
            return Place { jurisdiction: Some(name), ..Place::default() };
        };
        let mut chain = scope.ancestors(&name);
        chain.reverse();
        chain.push(info);
        let (tz, calendar, _) = crate::eval::compile::zone_and_calendar(scope, &chain);
        let file = scope.jurisdictions.get(&name).map(|i| i.file);
        let params = file
            .and_then(|f| scope.params.get(&f))
            .map(|ps| ps.values().map(|p| crate::eval::compile::schedule(&p.decl)).collect())
            .unwrap_or_default();
        let today = chrono::Utc::now().with_timezone(&tz).date_naive();
        Place { jurisdiction: Some(name), tz, calendar, params, today }
    }

    /// The sources diagnostics point into.
    pub fn sources(&self) -> &Sources {
        self.built.analysis.sources()
    }

    /// Draws diagnostics of the session's policy.
    pub(super) fn draw(&self, diags: &[Diagnostic]) -> String {
        render_all(diags, self.sources(), self.render)
    }

    /// Draws diagnostics about the current input alone (file 0).
    pub(super) fn draw_input(&self, text: &str, diags: &[Diagnostic]) -> String {
        let mut sources = Sources::new();
        sources.add(SourceFile::new(format!("<repl:{}>", self.entry), text));
        render_all(diags, &sources, self.render)
    }

    /// An expression: its value and type (or only the type, for `:type`).
    pub(super) fn expression(&self, text: &str, only_type: bool) -> Reply {
        let expr = match syntax::parse_expr(text, FileId(0)) {
            Ok(e) => e,
            Err(diags) => {
                let mut out = self.draw_input(text, &diags);
                if !text.contains(|c: char| "+-*/<>=()".contains(c)) {
                    out.push_str("(definitions start with a keyword: rule, event, calendar, jurisdiction, test; commands with `:`, see `:help`)\n");
                }
                return Reply::error(out);
            }
        };
        let place = self.place();
        match calc::compute(&expr, &place, FileId(0)) {
            Ok(v) if only_type => Reply::ok(v.type_name()),
            Ok(v) => {
                let mut out = v.show(&place);
                // A parameter alone: what it is worth on other days too.
                if let syntax::ast::ExprKind::Name(n) = &expr.kind {
                    if let Some(p) = place.params.iter().find(|p| p.name == n.text) {
                        out = format!("{out}\n{}", super::calc_num::schedule_lines(p, place.today));
                    }
                }
                Reply::ok(out)
            }
            Err(d) => Reply::error(self.draw_input(text, &[*d])),
        }
    }

    /// One or more top-level items: each defines or redefines its name.
    fn define(&mut self, text: &str) -> Reply {
        let parsed = syntax::parse(text, FileId(0));
        if parsed.diagnostics.iter().any(Diagnostic::is_error) {
            return Reply::error(self.draw_input(text, &parsed.diagnostics));
        }
        let mut defs = self.defs.clone();
        let mut said = vec![];
        let mut from = 0;
        for item in &parsed.file.items {
            let Some((kind, name)) = item_key(item) else { continue };
            let end = item.span().end;
            // Comments above the item belong to it.
            let body = text.get(from..end).unwrap_or("").trim().to_string();
            from = end;
            let def = Definition { kind, name: name.clone(), text: body, entry: self.entry };
            let verb = match defs.iter_mut().find(|d| d.kind == kind && d.name == name) {
                Some(old) => {
                    *old = def;
                    "redefined"
                }
                None => {
                    let existing = self.defined_in_files(kind, &name);
                    defs.push(def);
                    if existing.is_some() {
                        "redefined"
                    } else {
                        "defined"
                    }
                }
            };
            said.push(format!("{verb} {} `{name}`", kind.word()));
        }
        let built = defs::build(&self.paths, &defs);
        let before = self.built.analysis.diagnostics.iter().filter(|d| d.is_error()).count();
        let mine = built.inputs.get(&self.entry).copied();
        let (here, elsewhere): (Vec<Diagnostic>, Vec<Diagnostic>) =
            built.analysis.diagnostics.iter().cloned().partition(|d| d.file.is_some() && d.file == mine);
        let errors_after = built.analysis.diagnostics.iter().filter(|d| d.is_error()).count();
        if here.iter().any(Diagnostic::is_error) || errors_after > before {
            let shown: Vec<Diagnostic> = here.into_iter().chain(elsewhere).filter(Diagnostic::is_error).collect();
            let out = render_all(&shown, built.analysis.sources(), self.render);
            return Reply::error(format!("{out}nothing was defined: the session is as before\n"));
        }
        let warnings = render_all(&here, built.analysis.sources(), self.render);
        self.undo.push((std::mem::replace(&mut self.defs, defs), said.join(", ")));
        self.set_built(built);
        let whole = if said.iter().any(|s| s.starts_with("redefined")) {
            "\n(a new text replaces the old one whole: what it does not say is gone; `:undo` takes it back)"
        } else {
            ""
        };
        Reply::ok(format!("{warnings}{}{whole}", said.join("\n")))
    }

    /// The file an item of this kind and name is declared in, if loaded.
    fn defined_in_files(&self, kind: DefKind, name: &str) -> Option<FileId> {
        self.built.analysis.workspace.units.iter().find_map(|u| {
            u.ast.items.iter().any(|i| item_key(i).is_some_and(|(k, n)| k == kind && n == name)).then_some(u.id)
        })
    }

    /// Every top-level item of the session by kind and name, with its file.
    pub(super) fn items(&self) -> impl Iterator<Item = (FileId, &Item)> {
        self.built.analysis.workspace.units.iter().flat_map(|u| u.ast.items.iter().map(move |i| (u.id, i)))
    }

    /// Names to complete: rules, events, fields, calendars.
    pub fn names(&self, kind: DefKind) -> Vec<String> {
        let mut out: Vec<String> =
            self.items().filter_map(|(_, i)| item_key(i)).filter(|(k, _)| *k == kind).map(|(_, n)| n).collect();
        if kind == DefKind::Calendar {
            out.extend(crate::check::builtin_calendar_names());
        }
        out.sort();
        out.dedup();
        out
    }

    /// The fields of every event type, for completion after `alias.`.
    pub fn field_names(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .items()
            .filter_map(|(_, i)| if let Item::Event(e) = i { Some(e) } else { None })
            .flat_map(|e| e.fields.iter().map(|f| f.name.text.clone()))
            .collect();
        out.sort();
        out.dedup();
        out
    }
}
