//! Judging the session's events, and what changed since the last check.
//!
//! The log files are read again on every run, projected for the rules as
//! they are now (a redefined rule may use fields the old one did not), and
//! judged as they are read; the hypothetical events typed with `:event`
//! join them in time order, after log events of the same instant. What the
//! REPL shows afterwards is kept compactly ([`EventStore`], [`Kept`]): a
//! session holding a log of millions of events stays within about twice
//! the log's size. Every exemption is recorded with the event being judged
//! when it happened, so `:explain` can say which `unless` fired on what.

use super::diff::Snapshot;
use super::kept::{Kept, Symbols};
use super::store::EventStore;
use super::watch::Watch;
use crate::check::Analysis;
use crate::diagnostics::Diagnostic;
use crate::eval::{Engine, Instance, Program, Sink, Summary};
use crate::log::{read_log_each, Event, Loc, LogFailure, ReadStats, Sym};
use crate::select::Selection;
use crate::span::display_path;
use crate::syntax::ast::{GivenEvent, Verdict};
use crate::testing::event_of;
use crate::time::Micros;
use crate::value::Val;
use std::cell::Cell;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::rc::Rc;

/// The name hypothetical events are shown under (`<repl>:4` is input 4).
pub const TYPED: &str = "<repl>";

/// Events judged between two looks at the Ctrl-C flag.
const CANCEL_EVERY: usize = 4096;

/// An event typed with `:event`.
#[derive(Debug, Clone)]
pub struct Typed {
    /// The REPL input it was typed in.
    pub entry: usize,
    /// The event.
    pub event: GivenEvent,
}

/// An `unless` that exempted an instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exemption {
    /// Index of the rule in the program.
    pub rule: usize,
    /// Which exception of the rule.
    pub unless: usize,
    /// Index in [`Run::events`] of the event judged when it fired.
    pub event: usize,
}

/// One evaluation of the session.
pub struct Run {
    /// The compiled rules.
    pub program: Program,
    /// The events judged, in log order.
    pub events: EventStore,
    /// Every decided instance.
    pub instances: Rc<Vec<Kept>>,
    /// Every exemption.
    pub exemptions: Vec<Exemption>,
    /// The verdict table: counts and amounts owed per rule.
    pub summary: Summary,
    /// What reading the logs found.
    pub stats: ReadStats,
    /// The log files by `Loc::file`, then [`TYPED`].
    pub logs: Vec<PathBuf>,
    /// The horizon.
    pub horizon: Micros,
    /// Calendar coverage warnings: the log, the horizon or a business-day
    /// deadline in a year the calendar lists no holidays for.
    pub warnings: Vec<Diagnostic>,
}

/// Why a run gave no verdicts.
#[derive(Debug)]
pub enum Stop {
    /// Ctrl-C: nothing was judged to the end.
    Interrupted,
    /// The scope matches nothing, or a log cannot be read.
    Failed(Vec<Diagnostic>),
}

impl From<LogFailure> for Stop {
    fn from(f: LogFailure) -> Self {
        match f {
            LogFailure::Interrupted => Stop::Interrupted,
            f => Stop::Failed(vec![f.to_diagnostic()]),
        }
    }
}

/// Keeps instances and exemptions (the latter with the current event), and
/// sums the verdict table.
struct Recorder {
    instances: Vec<Kept>,
    symbols: Symbols,
    exemptions: Vec<Exemption>,
    summary: Summary,
    current: Rc<Cell<usize>>,
}

impl Sink for Recorder {
    fn instance(&mut self, inst: Instance) {
        self.instances.push(Kept::of(&inst, &self.symbols));
        self.summary.instance(inst);
    }

    fn exempted(&mut self, rule: usize, unless: usize) {
        self.exemptions.push(Exemption { rule, unless, event: self.current.get() });
    }

    fn calendar_gap(&mut self, gap: crate::eval::CalendarGap) {
        self.summary.calendar_gap(gap);
    }
}

/// What a run judges: the policy (within a scope), the logs, the typed
/// events and the horizon.
pub struct Inputs<'a> {
    /// The checked policy.
    pub analysis: &'a Analysis,
    /// The jurisdictions and rules judged.
    pub scope: &'a Selection,
    /// The log files.
    pub logs: &'a [PathBuf],
    /// The events typed with `:event`.
    pub typed: &'a [Typed],
    /// The horizon (None: the last event).
    pub as_of: Option<Micros>,
}

/// Judges `inputs` as they are read, watched by `watch`.
pub fn run(inputs: &Inputs, watch: &Watch) -> Result<Run, Stop> {
    let program = inputs.scope.compile(inputs.analysis).map_err(Stop::Failed)?;
    let file = u32::try_from(inputs.logs.len()).unwrap_or(u32::MAX);
    let mut typed: Vec<Event> =
        inputs.typed.iter().map(|t| event_of(&program, &t.event, Loc { file, line: t.entry as u64 })).collect();
    typed.sort_by_key(|e| e.time);
    let mut typed = typed.into_iter().peekable();
    let current = Rc::new(Cell::new(0));
    let recorder = Recorder {
        instances: vec![],
        symbols: Symbols::new(&program.proj.names),
        exemptions: vec![],
        summary: Summary::keeping(&program, 0),
        current: Rc::clone(&current),
    };
    let mut engine = Engine::new(&program, recorder, true);
    let mut events = EventStore::default();
    let mut after_horizon = 0u64;
    let mut stopped = false;
    let mut judge = |e: &Event| {
        if stopped {
            return;
        }
        if inputs.as_of.is_some_and(|h| e.time > h) {
            after_horizon += 1;
            return;
        }
        if events.len() % CANCEL_EVERY == 0 && watch.interrupted() {
            stopped = true;
            return;
        }
        current.set(events.len());
        events.push(e);
        engine.push(e);
    };
    let stats = if inputs.logs.is_empty() {
        ReadStats::default()
    } else {
        let (opts, bar) = watch.read(inputs.logs);
        let read = read_log_each(inputs.logs, &program.proj, &opts, &mut |e| {
            // Typed events go before log events of a later instant.
            while let Some(t) = typed.next_if(|t| t.time < e.time) {
                judge(&t);
            }
            judge(e);
        });
        drop(bar);
        read?
    };
    for t in typed {
        judge(&t);
    }
    if stopped || watch.interrupted() {
        return Err(Stop::Interrupted);
    }
    events.trim();
    let (first, last) = events.span();
    let horizon = inputs.as_of.or(last).unwrap_or(0);
    let Recorder { mut instances, exemptions, mut summary, .. } = engine.finish(Some(horizon));
    // Kept as they are (an `Rc<[Kept]>` would copy them, twice the memory
    // for a moment), without the room they grew into.
    instances.shrink_to_fit();
    summary.after_horizon = after_horizon;
    let warnings = crate::eval::calendar_warnings(&program, &summary.calendar_gaps, first, last, Some(horizon));
    let mut logs = inputs.logs.to_vec();
    logs.push(PathBuf::from(TYPED));
    let instances = Rc::new(instances);
    Ok(Run { program, events, instances, exemptions, summary, stats, logs, horizon, warnings })
}

impl Run {
    /// The name of a rule.
    pub fn rule_name(&self, rule: usize) -> &str {
        self.program.rules.get(rule).map_or("?", |r| r.name.as_str())
    }

    /// `file:line` of an event location.
    pub fn place(&self, loc: Loc) -> String {
        let file = self.logs.get(loc.file as usize).map_or_else(|| "?".to_string(), |p| display_path(p));
        crate::log::place(&file, loc.line)
    }

    /// The verdicts of this run, for a later `:diff`.
    pub fn snapshot(&self) -> Snapshot {
        let rules = self.program.rules.iter().map(|r| r.name.clone()).collect();
        Snapshot::new(&self.instances, rules, self.program.proj.names.clone(), self.logs.clone())
    }
}

/// ` for case "A", customer "K"`, or nothing.
pub fn key_text(key: &[(Sym, Val)], names: &[Box<str>]) -> String {
    if key.is_empty() {
        return String::new();
    }
    let parts: Vec<String> =
        key.iter().map(|(k, v)| format!("{} {v}", names.get(*k as usize).map_or("?", |n| n))).collect();
    format!(" for {}", parts.join(", "))
}

/// One line per violation of rule `only` (every rule when None), at most
/// `per_rule` of each rule, then how many more each has.
pub fn violation_lines(run: &Run, only: Option<usize>, per_rule: Option<usize>) -> String {
    let mut out = String::new();
    let mut shown = vec![0usize; run.program.rules.len()];
    for i in run.instances.iter().filter(|i| only.is_none_or(|r| r == i.rule())) {
        // A measure's instances are listed only when it is asked for by name.
        let measure = run.program.rules.get(i.rule()).is_some_and(|r| r.measure);
        if i.verdict != Verdict::Violated || (measure && only.is_none()) {
            continue;
        }
        let Some(n) = shown.get_mut(i.rule()) else { continue };
        *n += 1;
        if per_rule.is_some_and(|most| *n > most) {
            continue;
        }
        let _ = write!(out, "violated {}{}", run.rule_name(i.rule()), key_text(&i.key, &run.program.proj.names));
        if let Some(t) = &i.trigger {
            let _ = write!(out, " — trigger {}", run.place(t.loc()));
        }
        if let Some(l) = i.lateness {
            let _ = write!(out, ", late by {}", crate::value::format_duration(l));
        }
        if let Some(r) = &i.remedy {
            let _ = write!(out, ", owes {} {}", r.0, r.1);
        }
        out.push('\n');
    }
    for (rule, n) in shown.iter().enumerate() {
        if let Some(more) = per_rule.and_then(|most| n.checked_sub(most)).filter(|m| *m > 0) {
            let name = run.rule_name(rule);
            let _ = writeln!(out, "… and {more} more violations of {name} (`:check --all {name}` lists them)");
        }
    }
    out
}
