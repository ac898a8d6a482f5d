//! The REPL's commands, one table: name, arguments, what it does.

use super::defs::{self, item_key, DefKind};
use super::scope::{self, Scope};
use super::session::{Reply, Session};
use super::verdicts::{self, Inputs, Stop, Typed};
use crate::diagnostics::{Diagnostic, Problem};
use crate::report::{self, Report};
use crate::span::{display_path, FileId};
use crate::syntax;
use crate::syntax::ast::Item;
use crate::time;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// Every command: name, arguments, one-line description.
pub const COMMANDS: &[(&str, &str, &str)] = &[
    ("help", "", "list the commands"),
    ("load", "FILE|DIR", "load policy files (a directory: every .tenet file below it)"),
    ("reload", "", "read the loaded policy files and logs again, keeping the session's definitions"),
    ("events", "FILE", "load an event log (JSON Lines, CSV or XES, optionally .gz)"),
    ("event", "TIME TYPE {FIELD: VALUE, ...}", "add one hypothetical event"),
    ("clear-events", "", "forget every loaded log and hypothetical event"),
    ("check", "[--all] [RULE]", "judge the events: violations (10 per rule, --all: every one) and a verdict table"),
    ("explain", "RULE [KEY]", "why an instance is violated, pending or satisfied"),
    ("diff", "", "the verdicts that changed since the last :check"),
    ("test", "[NAME]", "run the inline tests (those whose name contains NAME)"),
    ("rules", "", "list the rules in force, with their titles"),
    ("show", "NAME", "the formatted source of a rule, event, calendar or test, with its citation"),
    ("type", "EXPR", "the type of an expression"),
    ("as-of", "[TIME|last]", "judge the log as it stood at TIME (default: its last event)"),
    ("undo", "", "take back the last definition typed (again: the one before)"),
    ("save", "FILE", "write the draft (loaded policy with the session's definitions) as a formatted file"),
    ("quit", "", "leave the REPL (also Ctrl-D)"),
];

impl Session {
    /// A `:command` (without its colon).
    pub(super) fn command(&mut self, line: &str) -> Reply {
        let (name, arg) = match line.find(char::is_whitespace) {
            Some(i) => (&line[..i], line[i..].trim()),
            None => (line, ""),
        };
        match name {
            "help" | "h" | "?" => Reply::ok(help()),
            "load" => self.load(arg),
            "reload" => self.reload(),
            "events" => self.events(arg),
            "event" => self.event(arg),
            "clear-events" => {
                let n = self.logs.len() + self.typed.len();
                self.logs.clear();
                self.typed.clear();
                Reply::ok(format!("forgot {n} log file(s) and hypothetical event(s)"))
            }
            "check" => self.check(arg),
            "explain" => self.explain(arg),
            "diff" => self.diff(),
            "test" => self.test(arg),
            "rules" => self.rules(),
            "show" => self.show(arg),
            "type" => self.expression(arg, true),
            "as-of" => self.as_of(arg),
            "save" => self.save(arg),
            "undo" => self.undo(),
            "quit" | "q" | "exit" => Reply { text: String::new(), ok: true, quit: true },
            _ => {
                let names = COMMANDS.iter().map(|c| c.0);
                let hint = match crate::check::suggest::closest(name, names) {
                    Some(s) => format!("did you mean `:{s}`? `:help` lists every command"),
                    None => "`:help` lists every command".into(),
                };
                self.usage(format!("unknown command `:{name}`"), hint)
            }
        }
    }

    /// A command used wrongly.
    pub(super) fn usage(&self, message: impl Into<String>, hint: impl Into<String>) -> Reply {
        let d = Diagnostic::global(Problem::Command { message: message.into(), hint: hint.into() });
        Reply::error(self.draw(&[d]))
    }

    fn needs(&self, arg: &str, command: &str) -> Option<Reply> {
        if !arg.is_empty() {
            return None;
        }
        let (_, args, what) = COMMANDS.iter().find(|c| c.0 == command).copied().unwrap_or(("", "", ""));
        Some(self.usage(format!("`:{command}` needs {args}"), format!("`:{command} {args}`: {what}")))
    }

    pub(super) fn load(&mut self, arg: &str) -> Reply {
        if let Some(r) = self.needs(arg, "load") {
            return r;
        }
        let mut paths = self.paths.clone();
        paths.push(PathBuf::from(arg));
        let built = defs::build(&paths, &self.defs);
        if built.analysis.workspace.io_failed {
            let io: Vec<Diagnostic> = built.analysis.diagnostics.iter().filter(|d| d.file.is_none()).cloned().collect();
            return Reply::error(self.draw(&io));
        }
        self.paths = paths;
        self.set_built(built);
        Reply::ok(format!("{}{}", self.policy_problems(), self.loaded_summary()))
    }

    fn reload(&mut self) -> Reply {
        let built = defs::build(&self.paths, &self.defs);
        self.set_built(built);
        Reply::ok(format!("{}{}", self.policy_problems(), self.loaded_summary()))
    }

    /// The errors of the policy, and how many warnings.
    fn policy_problems(&self) -> String {
        let diags = &self.built.analysis.diagnostics;
        let errors: Vec<Diagnostic> = diags.iter().filter(|d| d.is_error()).cloned().collect();
        let warnings = diags.len() - errors.len();
        let mut out = self.draw(&errors);
        if warnings > 0 {
            let _ = writeln!(out, "{warnings} warning(s) (`tenet check` on the files shows them)");
        }
        out
    }

    fn loaded_summary(&self) -> String {
        let a = &self.built.analysis;
        let files = a.workspace.units.len();
        let jurisdictions: Vec<&String> = a.scope.jurisdictions.keys().collect();
        let rules: usize = a.scope.jurisdictions.values().map(|j| j.rules.len()).sum();
        let names: Vec<String> = jurisdictions.iter().map(|j| j.to_string()).collect();
        format!(
            "{files} file(s), {rules} rule(s) in {}",
            if names.is_empty() { "no jurisdiction".into() } else { names.join(", ") }
        )
    }

    pub(super) fn events(&mut self, arg: &str) -> Reply {
        if let Some(r) = self.needs(arg, "events") {
            return r;
        }
        let mut logs = self.logs.clone();
        // A folder stands for the Parquet and Arrow files in it.
        match crate::log::expand_folders(&[PathBuf::from(arg)]) {
            Ok(files) => logs.extend(files),
            Err(f) => return Reply::error(self.draw(&[f.to_diagnostic()])),
        }
        // Read through to check it and count, keeping nothing: `:check`
        // reads it again for the rules as they are then.
        let program = crate::eval::compile(&self.built.analysis);
        let (opts, bar) = self.watch.read(&logs);
        let read = crate::log::read_log_each(&logs, &program.proj, &opts, &mut |_| {});
        drop(bar);
        match read {
            Ok(stats) => {
                self.logs = logs;
                let span = match (stats.first_time, stats.last_time) {
                    (Some(a), Some(b)) => format!(" from {} to {}", time_text(a), time_text(b)),
                    _ => String::new(),
                };
                Reply::ok(format!("{} events{span}", stats.events))
            }
            Err(crate::log::LogFailure::Interrupted) => interrupted("events"),
            Err(f) => Reply::error(self.draw(&[f.to_diagnostic()])),
        }
    }

    fn event(&mut self, arg: &str) -> Reply {
        if let Some(r) = self.needs(arg, "event") {
            return r;
        }
        match syntax::parse_given_event(arg, FileId(0)) {
            Ok(event) => {
                let name = event.event.text.clone();
                let known = self.names(DefKind::Event).contains(&name);
                self.typed.push(Typed { entry: self.entry, event });
                let mut out = format!("added event `{name}` as {}:{}", verdicts::TYPED, self.entry);
                if !known {
                    let _ = write!(out, " (no event type `{name}` is declared: no rule will see it)");
                }
                Reply::ok(out)
            }
            Err(diags) => Reply::error(self.draw_input(arg, &diags)),
        }
    }

    /// Evaluates the session within `scope`, or says why it cannot (as
    /// `:command` would). Runs are kept until the policy, the events, the
    /// horizon or the scope change, so `:explain` after `:check` does not
    /// read the log again.
    pub(super) fn judge(&mut self, scope: &Scope, command: &str) -> Result<Rc<verdicts::Run>, Reply> {
        if self.built.analysis.has_errors() {
            return Err(Reply::error(format!("{}the policy has errors: fix them first", self.policy_problems())));
        }
        let key =
            (self.builds, self.logs.clone(), self.typed.iter().map(|t| t.entry).collect(), self.as_of, scope.clone());
        if let Some((cached, run)) = &self.cache {
            if *cached == key {
                return Ok(Rc::clone(run));
            }
        }
        let selection = scope.selection().map_err(|d| Reply::error(self.draw(&d)))?;
        // The old run goes first: two would be held at once otherwise. Of its
        // verdicts, the last `:check` keeps only what `:diff` compares.
        self.cache = None;
        if let Some(last) = &mut self.last_check {
            last.brief();
        }
        let inputs = Inputs {
            analysis: &self.built.analysis,
            scope: &selection,
            logs: &self.logs,
            typed: &self.typed,
            as_of: self.as_of,
        };
        let run = match verdicts::run(&inputs, &self.watch) {
            Ok(run) => Rc::new(run),
            Err(Stop::Interrupted) => return Err(interrupted(command)),
            Err(Stop::Failed(d)) => return Err(Reply::error(self.draw(&d))),
        };
        self.cache = Some((key, Rc::clone(&run)));
        Ok(run)
    }

    /// The index of rule `name` in the run, or a usage error.
    pub(super) fn rule_index(&self, run: &verdicts::Run, name: &str, command: &str) -> Result<usize, Reply> {
        if let Some(i) = run.program.rules.iter().position(|r| r.name == name) {
            return Ok(i);
        }
        let names = run.program.rules.iter().map(|r| r.name.as_str());
        let hint = match crate::check::suggest::closest(name, names) {
            Some(s) => format!("did you mean `{s}`? `:rules` lists them"),
            None => "`:rules` lists the rules".into(),
        };
        Err(self.usage(format!("`:{command}`: no rule `{name}`"), hint))
    }

    fn check(&mut self, arg: &str) -> Reply {
        let opts = match scope::options(arg, true) {
            Ok(o) => o,
            Err(e) => return self.usage(format!("`:check`: {e}"), "`:help` shows its options"),
        };
        let scope = self.scope.with(&opts.scope);
        let run = match self.judge(&scope, "check") {
            Ok(r) => r,
            Err(reply) => return reply,
        };
        let only = if opts.rest.is_empty() {
            None
        } else {
            match self.rule_index(&run, opts.rest, "check") {
                Ok(i) => Some(i),
                Err(reply) => return reply,
            }
        };
        let stats = crate::log::ReadStats { events: run.events.len() as u64, ..run.stats.clone() };
        let report = Report {
            program: &run.program,
            sources: self.sources(),
            summary: &run.summary,
            stats: &stats,
            logs: &run.logs,
            horizon: run.horizon,
            warnings: &[],
        };
        let mut table = report::human::table(&report);
        if let Some(r) = only {
            // Only the header and the rule's row.
            let name = run.rule_name(r).to_string();
            table = table
                .lines()
                .enumerate()
                .filter(|(n, l)| *n == 0 || l.split_whitespace().next() == Some(name.as_str()))
                .map(|(_, l)| format!("{l}\n"))
                .collect();
        }
        self.last_check = Some(run.snapshot());
        let warnings = if run.warnings.is_empty() { String::new() } else { self.draw(&run.warnings) };
        let per_rule = if opts.all { None } else { Some(report::human::SHOWN_PER_RULE) };
        Reply::ok(format!("{warnings}{}{table}", verdicts::violation_lines(&run, only, per_rule)))
    }

    fn diff(&mut self) -> Reply {
        if self.last_check.is_none() {
            return self.usage("no `:check` yet", "run `:check`, change a rule or the events, then `:diff`");
        }
        let scope = self.scope.clone();
        let run = match self.judge(&scope, "diff") {
            Ok(r) => r,
            Err(reply) => return reply,
        };
        let Some(before) = &self.last_check else { return Reply::ok("no verdict changed since the last :check") };
        let lines = before.diff(&run.snapshot());
        if lines.is_empty() {
            return Reply::ok("no verdict changed since the last :check");
        }
        Reply::ok(format!("{} instance(s) changed since the last :check:\n{}", lines.len(), lines.join("\n")))
    }

    fn test(&mut self, arg: &str) -> Reply {
        if self.built.analysis.has_errors() {
            return Reply::error(format!("{}the policy has errors: fix them first", self.policy_problems()));
        }
        let opts = match scope::options(arg, false) {
            Ok(o) => o,
            Err(e) => return self.usage(format!("`:test`: {e}"), "`:help` shows its options"),
        };
        let scope = self.scope.with(&opts.scope);
        // Compiled only to tell a filter that matches nothing, as `tenet test` does.
        let selection = match scope.selection().and_then(|s| s.compile(&self.built.analysis).map(|_| s)) {
            Ok(s) => s,
            Err(d) => return Reply::error(self.draw(&d)),
        };
        let filter =
            crate::testing::TestFilter { name: (!opts.rest.is_empty()).then_some(opts.rest), selection: &selection };
        let watch = self.watch.clone();
        let Some(run) = crate::testing::run_selected_until(&self.built.analysis, &filter, &|| watch.interrupted())
        else {
            return interrupted("test");
        };
        let mut out = String::new();
        let failed = run.outcomes.iter().filter(|o| !o.passed()).count();
        for o in &run.outcomes {
            let _ = writeln!(out, "{} {}", if o.passed() { "ok    " } else { "FAILED" }, o.name);
            for f in &o.failures {
                let _ = writeln!(out, "       {f}");
            }
        }
        let _ = write!(out, "{} passed, {failed} failed", run.outcomes.len() - failed);
        if run.filtered_out > 0 && !scope.is_empty() {
            let _ = write!(out, " ({} left out by the name or scope)", run.filtered_out);
        }
        if failed > 0 {
            Reply::error(out)
        } else {
            Reply::ok(out)
        }
    }

    fn rules(&self) -> Reply {
        let a = &self.built.analysis;
        let mut out = String::new();
        for (code, j) in &a.scope.jurisdictions {
            let _ =
                writeln!(out, "{code}{}", j.decl.title.as_ref().map(|t| format!(" — {}", t.value)).unwrap_or_default());
            for (name, (file, rule)) in &j.rules {
                let title = rule.title.as_ref().map(|t| t.value.as_str()).unwrap_or("");
                let session = if self.defs.iter().any(|d| d.kind == DefKind::Rule && d.name == *name) {
                    " (session)"
                } else {
                    ""
                };
                let place = a.sources().get(*file).map(|f| f.name()).unwrap_or_default();
                let _ = writeln!(out, "  {name}{session} — {title} [{place}]");
            }
        }
        if out.is_empty() {
            out = "no rules: `:load` a policy or type a `rule`".into();
        }
        Reply::ok(out)
    }

    fn show(&self, arg: &str) -> Reply {
        if let Some(r) = self.needs(arg, "show") {
            return r;
        }
        let found = self.items().find(|(_, i)| item_key(i).is_some_and(|(_, n)| n == arg));
        let Some((file, item)) = found else {
            let names: Vec<String> = self.items().filter_map(|(_, i)| item_key(i)).map(|(_, n)| n).collect();
            let starting = names.iter().find(|n| n.starts_with(arg)).cloned();
            let hint = match starting.or_else(|| crate::check::suggest::closest(arg, names.iter().map(String::as_str)))
            {
                Some(s) => format!("did you mean `{s}`?"),
                None => "`:rules` lists the rules".into(),
            };
            return self.usage(format!("nothing is named `{arg}`"), hint);
        };
        let Some(source) = self.sources().get(file) else { return Reply::error("the source is gone") };
        let span = item.span();
        let text = source.text.get(doc_start(&source.text, span.start)..span.end).unwrap_or("");
        let formatted = crate::fmt::format_source(text).unwrap_or_else(|_| text.to_string());
        let line = source.line_col(item.span().start).line;
        let typed = item_key(item).and_then(|(kind, name)| self.defs.iter().find(|d| d.kind == kind && d.name == name));
        let origin = match typed {
            Some(d) => format!("<repl:{}> (jurisdiction of {})", d.entry, source.name()),
            None => format!("{}:{line}", source.name()),
        };
        let mut out = format!("// {origin}\n{}", formatted.trim_end());
        if let Item::Rule(r) = item {
            match &r.cites {
                Some(c) => {
                    let _ = write!(out, "\n\ncitation: {}", c.value);
                }
                None => out.push_str("\n\ncitation: none"),
            }
        }
        Reply::ok(out)
    }

    fn as_of(&mut self, arg: &str) -> Reply {
        match arg {
            "" => Reply::ok(match self.as_of {
                Some(t) => format!("as of {}", time_text(t)),
                None => "as of the last event".into(),
            }),
            "last" | "none" => {
                self.as_of = None;
                Reply::ok("as of the last event")
            }
            _ => match time::parse_instant(arg) {
                Some(t) => {
                    self.as_of = Some(t);
                    Reply::ok(format!("as of {}", time_text(t)))
                }
                None => self.usage(
                    format!("`{arg}` is not a time"),
                    "write an RFC 3339 time with its offset, e.g. `:as-of 2026-03-31T23:59:59-03:00`, or `:as-of last`",
                ),
            },
        }
    }

    fn save(&self, arg: &str) -> Reply {
        if let Some(r) = self.needs(arg, "save") {
            return r;
        }
        let Some(draft) =
            self.built.draft.or_else(|| self.built.analysis.workspace.units.iter().find(|u| u.requested).map(|u| u.id))
        else {
            return self.usage("nothing to save", "type a definition or `:load` a policy first");
        };
        let Some(source) = self.sources().get(draft) else { return Reply::error("the draft is gone") };
        let target = Path::new(arg);
        // A new folder for drafts is made as the file is written.
        if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
            if let Err(e) = std::fs::create_dir_all(parent) {
                return self.usage(
                    format!("cannot create `{}`: {}", display_path(parent), crate::workspace::io_reason(&e)),
                    "choose a path in a directory you can write to",
                );
            }
        }
        let text = rebase_imports(&source.text, source.path.parent(), target.parent());
        let formatted = match crate::fmt::format_source(&text) {
            Ok(f) => f,
            Err(diags) => return Reply::error(self.draw_input(&text, &diags)),
        };
        match crate::workspace::write_atomically(target, formatted.as_bytes()) {
            Ok(()) => Reply::ok(format!(
                "saved the draft of {} to {} ({} lines)",
                self.jurisdiction().unwrap_or_else(|| "the session".into()),
                display_path(target),
                formatted.lines().count()
            )),
            Err(e) => self.usage(
                format!("cannot write `{}`: {}", display_path(target), crate::workspace::io_reason(&e)),
                "choose a path in a directory you can write to",
            ),
        }
    }
}

impl Session {
    /// Takes back the last definition input: the session's definitions are
    /// as they were before it (files loaded since stay loaded).
    fn undo(&mut self) -> Reply {
        let Some((defs, said)) = self.undo.pop() else {
            return self.usage("nothing to undo", "`:undo` takes back the definitions typed in this session");
        };
        self.defs = defs;
        self.set_built(defs::build(&self.paths, &self.defs));
        let left = match self.undo.len() {
            0 => "nothing more to undo".to_string(),
            n => format!("{n} more to undo"),
        };
        Reply::ok(format!("undid: {said} ({left})"))
    }
}

/// `text` with each `import "path"` rewritten so that it still names the
/// same file when the text moves from directory `from` to `to`.
fn rebase_imports(text: &str, from: Option<&Path>, to: Option<&Path>) -> String {
    let from = from.unwrap_or(Path::new(""));
    let to = to.unwrap_or(Path::new(""));
    if from == to {
        return text.to_string();
    }
    let parsed = syntax::parse(text, FileId(0));
    let mut out = text.to_string();
    for item in parsed.file.items.iter().rev() {
        if let Item::Import(i) = item {
            let target = from.join(&i.path.value);
            let rebased = relative(&target, to);
            let quoted = format!("{:?}", display_path(&rebased));
            out.replace_range(i.path.span.start..i.path.span.end, &quoted);
        }
    }
    out
}

/// `target` relative to directory `base` (both relative to the working
/// directory, or both absolute).
fn relative(target: &Path, base: &Path) -> PathBuf {
    let absolute =
        |p: &Path| if p.is_absolute() { p.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(p) };
    let t = crate::workspace::normalize(&absolute(target));
    let b = crate::workspace::normalize(&absolute(base));
    let tc: Vec<_> = t.components().collect();
    let bc: Vec<_> = b.components().collect();
    let common = tc.iter().zip(&bc).take_while(|(x, y)| x == y).count();
    let mut out = PathBuf::new();
    for _ in common..bc.len() {
        out.push("..");
    }
    for c in &tc[common..] {
        out.push(c);
    }
    out
}

/// Where the `///` lines right above offset `start` begin (or `start`).
fn doc_start(text: &str, start: usize) -> usize {
    let mut begin = text.get(..start).map_or(0, |b| b.rfind('\n').map_or(0, |i| i + 1));
    while begin > 0 {
        let above = text[..begin - 1].rfind('\n').map_or(0, |i| i + 1);
        if !text[above..begin].trim_start().starts_with("///") {
            break;
        }
        begin = above;
    }
    begin
}

/// The answer to a command stopped by Ctrl-C: nothing it would change has.
fn interrupted(command: &str) -> Reply {
    Reply::error(format!("interrupted: the session is as it was before `:{command}`"))
}

fn time_text(t: time::Micros) -> String {
    report::local_time(t, chrono_tz::UTC)
}

/// The `:help` text.
pub fn help() -> String {
    let width = COMMANDS.iter().map(|(n, a, _)| n.len() + a.len() + 2).max().unwrap_or(0);
    let mut out = String::from(
        "Type a definition (rule, event, calendar, jurisdiction, test) to add or replace it,\n\
         or an expression to compute it: 2026-03-06T17:00:00-03:00 + 2 business days\n\n",
    );
    for (name, args, what) in COMMANDS {
        let usage = if args.is_empty() { format!(":{name}") } else { format!(":{name} {args}") };
        let _ = writeln!(out, "  {usage:width$}  {what}");
    }
    out.push_str(
        "\n`:check` and `:test` also take `--rule NAME|GLOB` and `--jurisdiction CODE` (each may be\n\
         repeated): for that command they replace the ones `tenet repl` was started with.\n\
         \n\
         Input continues on the next line (prompt `...>`) while a brace is open; a `jurisdiction`\n\
         header continues on indented lines, until an empty line or one that is not indented.\n\
         Ctrl-C cancels the input, or stops a running `:events`, `:check` or `:test` (the session\n\
         stays as it was); Ctrl-D leaves; `help`, `quit` and `exit` work without the colon too.",
    );
    out
}
