//! The streaming engine: events in log order in, instance verdicts out.
//!
//! Each event is dispatched by its interned type to the rules that mention
//! that type, and each rule keeps only the state it needs: open obligations
//! indexed by correlation key, the last events a precedence may look back
//! to, per-key aggregates, per-period tallies. Memory follows that state,
//! not the length of the log. Verdicts are decided as soon as they are
//! known; what is still open at the end is decided against the horizon.

use super::ir::{Jurisdiction, Program, Rule};
use super::rules::{Decided, Reads, Rules};
use super::verdict::Sink;
use crate::log::{Event, Sym};
use crate::time::{self, Micros};

/// What a rule handler sees besides its state.
pub struct RuleEnv<'p> {
    /// Index of the rule.
    pub index: usize,
    /// The rule.
    pub rule: &'p Rule,
    /// Its jurisdiction.
    pub jur: &'p Jurisdiction,
    /// Names of symbols.
    pub names: &'p [Box<str>],
    /// Fill keys and attributes of every instance (not only violations).
    pub detailed: bool,
    /// Whether the sink still reads the details of this rule's instances
    /// (see [`Sink::keeps_details`]).
    pub sink_details: bool,
    /// Whether the sink reads the instances' attributes (see
    /// [`Sink::keeps_attrs`]).
    pub sink_attrs: bool,
    /// The symbol of the `customer` attribute, who is owed remedies.
    pub customer: Option<Sym>,
}

impl RuleEnv<'_> {
    /// True when the rule is in force at `t` (local date in the jurisdiction).
    pub fn in_force(&self, t: Micros) -> bool {
        let f = self.rule.in_force;
        if f.from.is_none() && f.until.is_none() {
            return true;
        }
        f.contains(time::local_date(t, self.jur.tz))
    }

    /// An expression context.
    pub fn ctx<'a>(&'a self, current: Option<&'a Event>, anchor: Option<&'a Event>) -> super::expr::Ctx<'a> {
        super::expr::Ctx { current, anchor, tz: self.jur.tz, calendar: &self.jur.calendar, names: self.names }
    }
}

/// Runs a program over events pushed in log order.
pub struct Engine<'p, S: Sink> {
    rules: Rules<'p>,
    sink: S,
    decided: Decided,
    last_time: Option<Micros>,
}

impl<'p, S: Sink> Engine<'p, S> {
    /// An engine for `program` reporting to `sink`. `detailed` fills the
    /// keys and attributes of satisfied instances too (tests, the REPL).
    pub fn new(program: &'p Program, sink: S, detailed: bool) -> Self {
        let rules = Rules::new(program, &|_| true, &reads(&sink), detailed);
        Engine { rules, sink, decided: Decided::default(), last_time: None }
    }

    /// Processes the next event of the log.
    pub fn push(&mut self, event: &Event) {
        self.last_time = Some(self.last_time.map_or(event.time, |t| t.max(event.time)));
        self.rules.push(event, &reads(&self.sink), &mut self.decided);
        self.flush();
    }

    /// Hands decided instances to the rate standards and the sink.
    fn flush(&mut self) {
        for (rule, unless) in self.decided.exemptions.drain(..) {
            self.sink.exempted(rule, unless);
        }
        for (rule, n) in self.decided.take_satisfied() {
            self.sink.satisfied(rule, n);
        }
        for inst in self.decided.instances.drain(..) {
            self.rules.measure(&inst);
            self.sink.instance(inst);
        }
    }

    /// The time of the last event pushed.
    pub fn last_time(&self) -> Option<Micros> {
        self.last_time
    }

    /// Decides what is still open against `horizon` (default: the last
    /// event's time) and returns the sink.
    pub fn finish(mut self, horizon: Option<Micros>) -> S {
        let horizon = horizon.or(self.last_time).unwrap_or(0);
        let n = self.rules.len();
        // Instance rules first, then the rates that measure them. A rule may
        // decide its open instances in batches, each passed on at once.
        for i in 0..n {
            while self.rules.finish_rule(i, horizon, &reads(&self.sink), &mut self.decided) {
                self.flush();
            }
            self.flush();
        }
        for i in 0..n {
            self.rules.finish_rate(i, horizon, &reads(&self.sink), &mut self.decided.instances);
            self.flush();
        }
        for gap in self.rules.calendar_gaps() {
            self.sink.calendar_gap(gap);
        }
        self.sink
    }
}

/// What `sink` reads, as the rules ask it.
pub(crate) fn reads<S: Sink>(sink: &S) -> Reads<'_> {
    Reads { details: sink, attrs: sink.keeps_attrs(), satisfied: sink.keeps_satisfied() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::Summary;
    use crate::log::Loc;
    use crate::value::Val;

    const POLICY: &str = r#"jurisdiction T "Test"
  timezone "UTC"

event asked { case: id }
event answered { case: id }

rule answer "Questions are answered within a day" cites "test" {
  when asked as a
  require answered where case == a.case within 24 hours
}
"#;

    fn program() -> Program {
        crate::eval::program_of(POLICY)
    }

    /// Asks a question every hour for `hours` hours (without its case when
    /// not `keyed`), answering every other one at once; returns the open
    /// obligations left and the counts.
    fn run(summary: Summary, hours: i64, keyed: bool) -> (usize, Vec<[u64; 3]>) {
        let program = program();
        let (asked, answered, case) =
            (program.proj.types["asked"], program.proj.types["answered"], program.proj.keys["case"]);
        let mut engine = Engine::new(&program, summary, false);
        for h in 0..hours {
            let attrs = [(case, Val::Str(format!("C-{h}").into()))].into_iter().filter(|_| keyed).collect();
            let loc = Loc { file: 0, line: h as u64 + 1 };
            let e = Event { time: h * 3_600_000_000, kind: asked, attrs, loc };
            engine.push(&e);
            if h % 2 == 0 {
                engine.push(&Event { kind: answered, ..e });
            }
        }
        let open = engine.rules.open_count();
        (open, engine.finish(None).counts)
    }

    #[test]
    fn a_summary_of_verdicts_holds_only_obligations_still_in_time() {
        let (open, counts) = run(Summary::keeping(&program(), 0), 10_000, true);
        // Unanswered questions are decided once a later event passes their
        // deadline: what is left is the last day's.
        assert!(open <= 13, "{open} obligations open");
        assert_eq!(counts, vec![[5_000, 4_988, 12]]);
    }

    #[test]
    fn a_summary_listing_violations_holds_obligations_for_their_late_events() {
        let (open, counts) = run(Summary::new(&program()), 1_000, true);
        assert_eq!(open, 500);
        assert_eq!(counts, vec![[500, 488, 12]]);
    }

    #[test]
    fn obligations_without_their_key_are_decided_at_their_deadline_too() {
        // Nothing can fulfil them; many at once must not slow the engine down.
        let (open, counts) = run(Summary::keeping(&program(), 0), 100_000, false);
        assert!(open <= 25, "{open} obligations open");
        assert_eq!(counts, vec![[0, 99_976, 24]]);
    }
}
