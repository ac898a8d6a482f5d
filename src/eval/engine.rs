//! The streaming engine: events in log order in, instance verdicts out.
//!
//! Each event is dispatched by its interned type to the rules that mention
//! that type, and each rule keeps only the state it needs: open obligations
//! indexed by correlation key, the last events a precedence may look back
//! to, per-key aggregates, per-period tallies. Memory follows that state,
//! not the length of the log. Verdicts are decided as soon as they are
//! known; what is still open at the end is decided against the horizon.

use super::aggregate::AggregateState;
use super::fields::{PeriodFieldState, ShareState};
use super::ir::{Jurisdiction, Kind, Program, Rule};
use super::obligation::ObligationState;
use super::period::{DelayState, PeriodCountState, RateState};
use super::prior::{PrecedenceState, ProhibitionState};
use super::recurring::RecurringState;
use super::verdict::{Instance, Sink};
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

/// The state of one rule.
enum State {
    Obligation(ObligationState),
    Recurring(RecurringState),
    Precedence(PrecedenceState),
    Prohibition(ProhibitionState),
    Aggregate(AggregateState),
    Rate(RateState),
    Delay(DelayState),
    PeriodCount(PeriodCountState),
    PeriodField(PeriodFieldState),
    Share(ShareState),
}

/// Runs a program over events pushed in log order.
pub struct Engine<'p, S: Sink> {
    program: &'p Program,
    sink: S,
    states: Vec<State>,
    /// Rules interested in each event type, by symbol.
    dispatch: Vec<Vec<usize>>,
    /// Rate standards measuring each rule.
    rates_of: Vec<Vec<usize>>,
    outbox: Vec<Instance>,
    /// Exemptions since the last flush: (rule, exception number).
    exemptions: Vec<(usize, usize)>,
    last_time: Option<Micros>,
    detailed: bool,
    customer: Option<Sym>,
}

impl<'p, S: Sink> Engine<'p, S> {
    /// An engine for `program` reporting to `sink`. `detailed` fills the
    /// keys and attributes of satisfied instances too (tests, the REPL).
    pub fn new(program: &'p Program, sink: S, detailed: bool) -> Self {
        let mut dispatch: Vec<Vec<usize>> = vec![];
        let mut rates_of = vec![vec![]; program.rules.len()];
        let mut states = Vec::with_capacity(program.rules.len());
        let mut measured = vec![false; program.rules.len()];
        for r in &program.rules {
            if let Some(m) = if let Kind::Rate(k) = &r.kind { measured.get_mut(k.target) } else { None } {
                *m = true;
            }
        }
        for (i, rule) in program.rules.iter().enumerate() {
            // Only verdicts are read of the rule's instances: no details, no
            // remedy (owed to a customer), no rate over their trigger times.
            let verdicts_only = !detailed
                && !sink.keeps_details(i)
                && rule.remedy.is_none()
                && !measured.get(i).copied().unwrap_or(false);
            let (state, types) = match &rule.kind {
                Kind::Obligation(o) => match &o.every {
                    Some(every) => (State::Recurring(RecurringState::new(o)), RecurringState::types(o, every)),
                    None => {
                        (State::Obligation(ObligationState::new(o, rule.remedy.as_ref())), ObligationState::types(o))
                    }
                },
                Kind::Precedence(p) => (State::Precedence(PrecedenceState::new(p)), PrecedenceState::types(p)),
                Kind::Prohibition(p) => (State::Prohibition(ProhibitionState::new(p)), ProhibitionState::types(p)),
                Kind::Aggregate(a) => (State::Aggregate(AggregateState::new(a, verdicts_only)), vec![a.event]),
                Kind::Rate(r) => {
                    if let Some(list) = rates_of.get_mut(r.target) {
                        list.push(i);
                    }
                    (State::Rate(RateState::default()), vec![])
                }
                Kind::Delay(d) => {
                    let mut types = vec![d.from];
                    types.extend(&d.to.types);
                    (State::Delay(DelayState::default()), types)
                }
                Kind::PeriodCount(c) => (State::PeriodCount(PeriodCountState::default()), vec![c.event]),
                Kind::PeriodField(f) => (State::PeriodField(PeriodFieldState::default()), vec![f.event]),
                Kind::Share(s) => (State::Share(ShareState::default()), vec![s.event]),
            };
            states.push(state);
            for t in types {
                let t = t as usize;
                if t >= dispatch.len() {
                    dispatch.resize(t + 1, vec![]);
                }
                // Rules are added in order: this rule is listed once if last.
                if let Some(list) = dispatch.get_mut(t).filter(|l| l.last() != Some(&i)) {
                    list.push(i);
                }
            }
        }
        let customer = program.proj.keys.get("customer").copied();
        Engine {
            program,
            sink,
            states,
            dispatch,
            rates_of,
            outbox: vec![],
            exemptions: vec![],
            last_time: None,
            detailed,
            customer,
        }
    }

    fn env(&self, index: usize) -> Option<RuleEnv<'p>> {
        let program: &'p Program = self.program;
        let rule = program.rules.get(index)?;
        let jur = program.jurisdictions.get(rule.jurisdiction)?;
        let (names, detailed, customer) = (&program.proj.names, self.detailed, self.customer);
        let (sink_details, sink_attrs) = (self.sink.keeps_details(index), self.sink.keeps_attrs());
        Some(RuleEnv { index, rule, jur, names, detailed, sink_details, sink_attrs, customer })
    }

    /// Processes the next event of the log.
    pub fn push(&mut self, event: &Event) {
        self.last_time = Some(self.last_time.map_or(event.time, |t| t.max(event.time)));
        let Some(rules) = self.dispatch.get(event.kind as usize) else { return };
        for &i in rules {
            let Some(env) = self.env(i) else { continue };
            let out = &mut self.outbox;
            let ex = &mut self.exemptions;
            match (&mut self.states[i], &env.rule.kind) {
                (State::Obligation(s), Kind::Obligation(o)) => s.on_event(&env, o, event, out, ex),
                (State::Recurring(s), Kind::Obligation(o)) => {
                    if let Some(every) = &o.every {
                        s.on_event(&env, o, every, event, out, ex);
                    }
                }
                (State::Precedence(s), Kind::Precedence(p)) => s.on_event(&env, p, event, out, ex),
                (State::Prohibition(s), Kind::Prohibition(p)) => s.on_event(&env, p, event, out, ex),
                (State::Aggregate(s), Kind::Aggregate(a)) => s.on_event(&env, a, event),
                (State::Delay(s), Kind::Delay(d)) => s.on_event(&env, d, event),
                (State::PeriodCount(s), Kind::PeriodCount(c)) => s.on_event(&env, c, event),
                (State::PeriodField(s), Kind::PeriodField(f)) => s.on_event(&env, f, event),
                (State::Share(s), Kind::Share(k)) => s.on_event(&env, k, event),
                _ => {}
            }
        }
        self.flush();
    }

    /// Hands decided instances to the rate standards and the sink.
    fn flush(&mut self) {
        for (rule, unless) in self.exemptions.drain(..) {
            self.sink.exempted(rule, unless);
        }
        for inst in self.outbox.drain(..) {
            for &r in self.rates_of.get(inst.rule).into_iter().flatten() {
                let program: &'p Program = self.program;
                let tz = program.rules.get(r).and_then(|x| program.jurisdictions.get(x.jurisdiction)).map(|j| j.tz);
                if let (Some(State::Rate(s)), Some(Kind::Rate(k)), Some(tz)) =
                    (self.states.get_mut(r), program.rules.get(r).map(|x| &x.kind), tz)
                {
                    s.record(k, &inst, tz);
                }
            }
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
        // Instance rules first, then the rates that measure them. A rule may
        // decide its open instances in batches, each passed on at once.
        for i in 0..self.states.len() {
            while let Some(env) = self.env(i) {
                let out = &mut self.outbox;
                let more = match (&mut self.states[i], &env.rule.kind) {
                    (State::Obligation(s), Kind::Obligation(_)) => s.finish(&env, horizon, out),
                    (State::Recurring(s), Kind::Obligation(o)) => {
                        if let Some(every) = &o.every {
                            s.finish(&env, every, horizon, out);
                        }
                        false
                    }
                    (State::Aggregate(s), Kind::Aggregate(a)) => s.finish(&env, a, out),
                    (State::Delay(s), Kind::Delay(d)) => {
                        s.finish(&env, d, horizon, out);
                        false
                    }
                    (State::PeriodCount(s), Kind::PeriodCount(c)) => {
                        s.finish(&env, c, horizon, out);
                        false
                    }
                    (State::PeriodField(s), Kind::PeriodField(f)) => {
                        s.finish(&env, f, horizon, out);
                        false
                    }
                    (State::Share(s), Kind::Share(k)) => {
                        s.finish(&env, k, horizon, out);
                        false
                    }
                    _ => false,
                };
                self.flush();
                if !more {
                    break;
                }
            }
        }
        for i in 0..self.states.len() {
            let Some(env) = self.env(i) else { continue };
            if let (State::Rate(s), Kind::Rate(r)) = (&mut self.states[i], &env.rule.kind) {
                s.finish(&env, r, horizon, &mut self.outbox);
            }
            self.flush();
        }
        for (rule, state) in self.states.iter().enumerate() {
            let years = match state {
                State::Obligation(s) => s.calendar_gaps(),
                State::Recurring(s) => s.calendar_gaps(),
                _ => &[],
            };
            for &year in years {
                self.sink.calendar_gap(super::CalendarGap { rule, year });
            }
        }
        self.sink
    }
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
        let open = engine.states.iter().map(|s| if let State::Obligation(o) = s { o.open_count() } else { 0 }).sum();
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
