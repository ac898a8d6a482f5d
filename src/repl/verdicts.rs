//! Judging the session's events, and what changed since the last check.
//!
//! The log files are read again on every run, projected for the rules as
//! they are now (a redefined rule may use fields the old one did not), and
//! the hypothetical events typed with `:event` join them in time order,
//! after log events of the same instant. Every exemption is recorded with
//! the event being judged when it happened, so `:explain` can say which
//! `unless` fired on what.

use crate::check::Analysis;
use crate::diagnostics::Diagnostic;
use crate::eval::{compile, Engine, Instance, Program, Sink};
use crate::log::{read_log, Event, Loc, ReadOptions, ReadStats};
use crate::span::display_path;
use crate::syntax::ast::{GivenEvent, Verdict};
use crate::testing::event_of;
use crate::time::Micros;
use std::cell::Cell;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::rc::Rc;

/// The name hypothetical events are shown under (`<repl>:4` is input 4).
pub const TYPED: &str = "<repl>";

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
    pub events: Vec<Event>,
    /// Every decided instance.
    pub instances: Vec<Instance>,
    /// Every exemption.
    pub exemptions: Vec<Exemption>,
    /// What reading the logs found.
    pub stats: ReadStats,
    /// The log files by `Loc::file`, then [`TYPED`].
    pub logs: Vec<PathBuf>,
    /// The horizon.
    pub horizon: Micros,
    /// Events after the horizon, not judged.
    pub after_horizon: u64,
    /// Calendar coverage warnings: the log, the horizon or a business-day
    /// deadline in a year the calendar lists no holidays for.
    pub warnings: Vec<Diagnostic>,
}

/// Collects instances and exemptions, the latter with the current event.
struct Recorder {
    instances: Vec<Instance>,
    exemptions: Vec<Exemption>,
    gaps: Vec<crate::eval::CalendarGap>,
    current: Rc<Cell<usize>>,
}

impl Sink for Recorder {
    fn instance(&mut self, inst: Instance) {
        self.instances.push(inst);
    }

    fn exempted(&mut self, rule: usize, unless: usize) {
        self.exemptions.push(Exemption { rule, unless, event: self.current.get() });
    }

    fn calendar_gap(&mut self, gap: crate::eval::CalendarGap) {
        self.gaps.push(gap);
    }
}

/// Evaluates the rules of `analysis` over `logs` and `typed` as of `as_of`
/// (default: the last event).
pub fn run(
    analysis: &Analysis,
    logs: &[PathBuf],
    typed: &[Typed],
    as_of: Option<Micros>,
) -> Result<Run, Box<Diagnostic>> {
    let program = compile(analysis);
    let mut events = vec![];
    let opts = ReadOptions::default();
    let stats = if logs.is_empty() {
        ReadStats::default()
    } else {
        read_log(logs, &program.proj, &opts, &mut |e| events.push(e)).map_err(|f| Box::new(f.to_diagnostic()))?
    };
    let file = u32::try_from(logs.len()).unwrap_or(u32::MAX);
    for t in typed {
        events.push(event_of(&program, &t.event, Loc { file, line: t.entry as u64 }));
    }
    // Stable: log events keep their order, typed ones follow at equal times.
    events.sort_by_key(|e| e.time);
    let horizon = as_of.or_else(|| events.last().map(|e| e.time)).unwrap_or(0);
    let after_horizon = events.iter().filter(|e| e.time > horizon).count() as u64;
    events.retain(|e| e.time <= horizon);
    let current = Rc::new(Cell::new(0));
    let recorder = Recorder { instances: vec![], exemptions: vec![], gaps: vec![], current: Rc::clone(&current) };
    let mut engine = Engine::new(&program, recorder, true);
    for (i, e) in events.iter().enumerate() {
        current.set(i);
        engine.push(e);
    }
    let Recorder { instances, exemptions, gaps, .. } = engine.finish(Some(horizon));
    let (first, last) = (events.first().map(|e| e.time), events.last().map(|e| e.time));
    let warnings = crate::eval::calendar_warnings(&program, &gaps, first, last, Some(horizon));
    let mut all_logs = logs.to_vec();
    all_logs.push(PathBuf::from(TYPED));
    Ok(Run { program, events, instances, exemptions, stats, logs: all_logs, horizon, after_horizon, warnings })
}

impl Run {
    /// The name of a rule.
    pub fn rule_name(&self, rule: usize) -> &str {
        self.program.rules.get(rule).map_or("?", |r| r.name.as_str())
    }

    /// `file:line` of an event location.
    pub fn place(&self, loc: Loc) -> String {
        let file = self.logs.get(loc.file as usize).map_or_else(|| "?".to_string(), |p| display_path(p));
        format!("{file}:{}", loc.line)
    }

    /// The verdict of every instance, by identity, for `:diff`.
    pub fn snapshot(&self) -> Snapshot {
        let mut out = BTreeMap::new();
        for i in &self.instances {
            let mut id = format!("{}{}", self.rule_name(i.rule), key_text(i));
            if let Some(t) = &i.trigger {
                let _ = write!(id, " (trigger {})", self.place(t.loc));
            }
            let mut state = i.verdict.as_str().to_string();
            if let Some((amount, currency)) = &i.remedy {
                let _ = write!(state, ", remedy {amount} {currency}");
            }
            // Instances with the same identity (two triggers on one line)
            // are told apart by their order.
            let mut n = 1;
            let mut unique = id.clone();
            while out.contains_key(&unique) {
                n += 1;
                unique = format!("{id} #{n}");
            }
            out.insert(unique, state);
        }
        Snapshot(out)
    }
}

/// ` for case "A", customer "K"`, or nothing.
pub fn key_text(i: &Instance) -> String {
    if i.key.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = i.key.iter().map(|(k, v)| format!("{k} {v}")).collect();
    format!(" for {}", parts.join(", "))
}

/// Verdicts by instance identity.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot(BTreeMap<String, String>);

impl Snapshot {
    /// The instances whose verdict changed from `self` to `now`, one line
    /// each: `~ changed`, `+ new`, `- gone`; None when nothing changed.
    pub fn diff(&self, now: &Snapshot) -> Vec<String> {
        let mut out = vec![];
        for (id, before) in &self.0 {
            match now.0.get(id) {
                Some(after) if after != before => out.push(format!("~ {id}: {before} → {after}")),
                Some(_) => {}
                None => out.push(format!("- {id}: was {before}")),
            }
        }
        for (id, after) in &now.0 {
            if !self.0.contains_key(id) {
                out.push(format!("+ {id}: {after}"));
            }
        }
        out
    }
}

/// One line per violation of rule `only` (every rule when None), at most
/// `per_rule` of each rule, then how many more each has.
pub fn violation_lines(run: &Run, only: Option<usize>, per_rule: Option<usize>) -> String {
    let mut out = String::new();
    let mut shown = vec![0usize; run.program.rules.len()];
    for i in run.instances.iter().filter(|i| only.is_none_or(|r| r == i.rule)) {
        // A measure's instances are listed only when it is asked for by name.
        let measure = run.program.rules.get(i.rule).is_some_and(|r| r.measure);
        if i.verdict != Verdict::Violated || (measure && only.is_none()) {
            continue;
        }
        let Some(n) = shown.get_mut(i.rule) else { continue };
        *n += 1;
        if per_rule.is_some_and(|most| *n > most) {
            continue;
        }
        let _ = write!(out, "violated {}{}", run.rule_name(i.rule), key_text(i));
        if let Some(t) = &i.trigger {
            let _ = write!(out, " — trigger {}", run.place(t.loc));
        }
        if let Some(l) = i.lateness {
            let _ = write!(out, ", late by {}", crate::value::format_duration(l));
        }
        if let Some((amount, currency)) = &i.remedy {
            let _ = write!(out, ", owes {amount} {currency}");
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
