//! The rules an engine evaluates, each with its state: events dispatched by
//! type to the rules that mention it, instances decided into an outbox.
//!
//! One [`Rules`] may hold every rule of a program (the [`Engine`]) or a
//! share of them (one thread of the parallel engine); the instances it
//! decides then go to whoever merges them in the program's order.
//!
//! [`Engine`]: super::Engine

use super::aggregate::AggregateState;
use super::engine::RuleEnv;
use super::fields::{PeriodFieldState, ShareState};
use super::ir::{Kind, Program};
use super::obligation::ObligationState;
use super::period::{DelayState, PeriodCountState, RateState};
use super::prior::{PrecedenceState, ProhibitionState};
use super::recurring::RecurringState;
use super::verdict::Instance;
use super::CalendarGap;
use crate::log::{Event, Sym};
use crate::syntax::ast::Verdict;
use crate::time::Micros;

/// What the sink reads of the instances, as the rules see it (see
/// [`Sink::keeps_details`](super::Sink::keeps_details) and
/// [`Sink::keeps_attrs`](super::Sink::keeps_attrs)).
pub(crate) struct Reads<'a> {
    /// Whether the sink still reads the details of a rule's instances.
    pub details: &'a dyn Details,
    /// Whether it reads their attributes.
    pub attrs: bool,
    /// Whether it reads satisfied instances themselves, not only how many.
    pub satisfied: bool,
}

/// Tells whether the sink still reads the details of rule `rule`'s
/// instances.
pub(crate) trait Details {
    fn keeps_details(&self, rule: usize) -> bool;
}

impl<S: super::Sink> Details for S {
    fn keeps_details(&self, rule: usize) -> bool {
        super::Sink::keeps_details(self, rule)
    }
}

/// What the rules decided: instances and exemptions (rule, exception
/// number), in the order decided, and per rule how many satisfied instances
/// the sink only counts.
#[derive(Default)]
pub(crate) struct Decided {
    pub instances: Vec<Instance>,
    pub exemptions: Vec<(usize, usize)>,
    pub satisfied: Vec<u64>,
}

impl Decided {
    /// Takes the satisfied instances counted so far, as (rule, how many).
    pub fn take_satisfied(&mut self) -> impl Iterator<Item = (usize, u64)> + '_ {
        self.satisfied.iter_mut().enumerate().filter(|(_, n)| **n > 0).map(|(rule, n)| (rule, std::mem::take(n)))
    }
}

/// A part of a rule's state measured in one slice of the log, to add to
/// the others' (see [`Rules::take_partial`]).
pub(crate) struct Partial(State);

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

/// Some or all rules of a program, with their states.
pub(crate) struct Rules<'p> {
    program: &'p Program,
    /// By rule: its state, None for a rule held elsewhere.
    states: Vec<Option<State>>,
    /// The rules held here interested in each event type, by symbol, in
    /// the program's order.
    dispatch: Vec<Vec<usize>>,
    /// By rule: the rate standards measuring it.
    rates_of: Vec<Vec<usize>>,
    detailed: bool,
    customer: Option<Sym>,
    /// By rule: whether its satisfied instances are only counted (the sink
    /// does not read them, nor does a rate standard).
    counted: Vec<bool>,
}

impl<'p> Rules<'p> {
    /// The rules of `program` for which `held` is true. `detailed` fills
    /// the keys and attributes of satisfied instances too.
    pub fn new(program: &'p Program, held: &dyn Fn(usize) -> bool, reads: &Reads, detailed: bool) -> Self {
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
            if !held(i) {
                states.push(None);
                continue;
            }
            // Only verdicts are read of the rule's instances: no details, no
            // remedy (owed to a customer), no rate over their trigger times.
            let verdicts_only = !detailed
                && !reads.details.keeps_details(i)
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
            states.push(Some(state));
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
        let counted = (0..program.rules.len())
            .map(|i| held(i) && !detailed && !reads.satisfied && !measured.get(i).copied().unwrap_or(false))
            .collect();
        Rules { program, states, dispatch, rates_of, detailed, customer, counted }
    }

    /// The event types each rule held here reacts to, with the rule.
    pub fn types(&self) -> impl Iterator<Item = (Sym, usize)> + '_ {
        self.dispatch.iter().enumerate().flat_map(|(t, rules)| rules.iter().map(move |&r| (t as Sym, r)))
    }

    fn env(&self, index: usize, reads: &Reads) -> Option<RuleEnv<'p>> {
        let program: &'p Program = self.program;
        let rule = program.rules.get(index)?;
        let jur = program.jurisdictions.get(rule.jurisdiction)?;
        let (names, detailed, customer) = (&program.proj.names, self.detailed, self.customer);
        let (sink_details, sink_attrs) = (reads.details.keeps_details(index), reads.attrs);
        Some(RuleEnv { index, rule, jur, names, detailed, sink_details, sink_attrs, customer })
    }

    /// Evaluates the next event of the log.
    pub fn push(&mut self, event: &Event, reads: &Reads, out: &mut Decided) {
        self.push_where(event, reads, out, |_| true);
    }

    /// Evaluates the next event of the log for the rules held here that
    /// `wanted` accepts (a slice hands an event only to the rules it was
    /// routed to them for).
    pub fn push_where(&mut self, event: &Event, reads: &Reads, out: &mut Decided, wanted: impl Fn(usize) -> bool) {
        let Some(rules) = self.dispatch.get(event.kind as usize) else { return };
        let start = out.instances.len();
        for &i in rules {
            if !wanted(i) {
                continue;
            }
            let Some(env) = self.env(i, reads) else { continue };
            let (inst, ex) = (&mut out.instances, &mut out.exemptions);
            match (self.states.get_mut(i).and_then(Option::as_mut), &env.rule.kind) {
                (Some(State::Obligation(s)), Kind::Obligation(o)) => s.on_event(&env, o, event, inst, ex),
                (Some(State::Recurring(s)), Kind::Obligation(o)) => {
                    if let Some(every) = &o.every {
                        s.on_event(&env, o, every, event, inst, ex);
                    }
                }
                (Some(State::Precedence(s)), Kind::Precedence(p)) => s.on_event(&env, p, event, inst, ex),
                (Some(State::Prohibition(s)), Kind::Prohibition(p)) => s.on_event(&env, p, event, inst, ex),
                (Some(State::Aggregate(s)), Kind::Aggregate(a)) => s.on_event(&env, a, event),
                (Some(State::Delay(s)), Kind::Delay(d)) => s.on_event(&env, d, event),
                (Some(State::PeriodCount(s)), Kind::PeriodCount(c)) => s.on_event(&env, c, event),
                (Some(State::PeriodField(s)), Kind::PeriodField(f)) => s.on_event(&env, f, event),
                (Some(State::Share(s)), Kind::Share(k)) => s.on_event(&env, k, event),
                _ => {}
            }
        }
        self.count_satisfied(out, start);
    }

    /// Counts, instead of keeping, the satisfied instances decided from
    /// `start` on that the sink only counts (most instances are satisfied,
    /// and an instance is large to move).
    fn count_satisfied(&self, out: &mut Decided, start: usize) {
        let Some(tail) = out.instances.get_mut(start..) else { return };
        let mut kept = 0;
        for i in 0..tail.len() {
            let Some(inst) = tail.get(i) else { break };
            let rule = inst.rule;
            let bare = inst.remedy.is_none() && inst.remedy_error.is_none();
            if inst.verdict == Verdict::Satisfied && bare && self.counted.get(rule) == Some(&true) {
                if out.satisfied.len() <= rule {
                    out.satisfied.resize(rule + 1, 0);
                }
                if let Some(n) = out.satisfied.get_mut(rule) {
                    *n += 1;
                }
            } else {
                if kept != i {
                    tail.swap(kept, i);
                }
                kept += 1;
            }
        }
        out.instances.truncate(start + kept);
    }

    /// Gives an instance decided (here or elsewhere) to the rate standards
    /// held here that measure its rule.
    pub fn measure(&mut self, inst: &Instance) {
        let program: &'p Program = self.program;
        for &r in self.rates_of.get(inst.rule).into_iter().flatten() {
            let tz = program.rules.get(r).and_then(|x| program.jurisdictions.get(x.jurisdiction)).map(|j| j.tz);
            if let (Some(Some(State::Rate(s))), Some(Kind::Rate(k)), Some(tz)) =
                (self.states.get_mut(r), program.rules.get(r).map(|x| &x.kind), tz)
            {
                s.record(k, inst, tz);
            }
        }
    }

    /// Takes the state of rule `i` when it is one whose parts, measured in
    /// slices of the log, add up (a delay standard's delays per period, a
    /// share standard's counts per period).
    pub fn take_partial(&mut self, i: usize) -> Option<Partial> {
        match self.states.get_mut(i) {
            Some(Some(State::Delay(s))) => Some(Partial(State::Delay(std::mem::take(s)))),
            Some(Some(State::Share(s))) => Some(Partial(State::Share(std::mem::take(s)))),
            _ => None,
        }
    }

    /// Adds a part of rule `i`'s state measured elsewhere (see
    /// [`Rules::take_partial`]).
    pub fn absorb(&mut self, i: usize, part: Partial) {
        match (self.states.get_mut(i), part) {
            (Some(Some(State::Delay(s))), Partial(State::Delay(other))) => s.absorb(other),
            (Some(Some(State::Share(s))), Partial(State::Share(other))) => s.absorb(other),
            _ => {}
        }
    }

    /// Whether rule `i` is held here.
    pub fn holds(&self, i: usize) -> bool {
        matches!(self.states.get(i), Some(Some(_)))
    }

    /// Whether rule `i` is held here and is a rate standard (decided at the
    /// end, after every rule it may measure).
    pub fn is_rate(&self, i: usize) -> bool {
        matches!(self.states.get(i), Some(Some(State::Rate(_))))
    }

    /// Decides what is still open of rule `i` (not a rate) against
    /// `horizon`, a batch at a time; true when some is left for the next
    /// call.
    pub fn finish_rule(&mut self, i: usize, horizon: Micros, reads: &Reads, decided: &mut Decided) -> bool {
        let start = decided.instances.len();
        let more = self.finish_state(i, horizon, reads, &mut decided.instances);
        self.count_satisfied(decided, start);
        more
    }

    fn finish_state(&mut self, i: usize, horizon: Micros, reads: &Reads, out: &mut Vec<Instance>) -> bool {
        let Some(env) = self.env(i, reads) else { return false };
        match (self.states.get_mut(i).and_then(Option::as_mut), &env.rule.kind) {
            (Some(State::Obligation(s)), Kind::Obligation(_)) => s.finish(&env, horizon, out),
            (Some(State::Recurring(s)), Kind::Obligation(o)) => {
                if let Some(every) = &o.every {
                    s.finish(&env, every, horizon, out);
                }
                false
            }
            (Some(State::Aggregate(s)), Kind::Aggregate(a)) => s.finish(&env, a, out),
            (Some(State::Delay(s)), Kind::Delay(d)) => {
                s.finish(&env, d, horizon, out);
                false
            }
            (Some(State::PeriodCount(s)), Kind::PeriodCount(c)) => {
                s.finish(&env, c, horizon, out);
                false
            }
            (Some(State::PeriodField(s)), Kind::PeriodField(f)) => {
                s.finish(&env, f, horizon, out);
                false
            }
            (Some(State::Share(s)), Kind::Share(k)) => {
                s.finish(&env, k, horizon, out);
                false
            }
            _ => false,
        }
    }

    /// Decides rate standard `i` against `horizon`, once every rule it
    /// measures has finished.
    pub fn finish_rate(&mut self, i: usize, horizon: Micros, reads: &Reads, out: &mut Vec<Instance>) {
        let Some(env) = self.env(i, reads) else { return };
        if let (Some(Some(State::Rate(s))), Kind::Rate(r)) = (self.states.get_mut(i), &env.rule.kind) {
            s.finish(&env, r, horizon, out);
        }
    }

    /// The years business-day deadlines reached that their calendars do not
    /// cover, by rule in the program's order.
    pub fn calendar_gaps(&self) -> Vec<CalendarGap> {
        let mut gaps = vec![];
        for (rule, state) in self.states.iter().enumerate() {
            let years = match state {
                Some(State::Obligation(s)) => s.calendar_gaps(),
                Some(State::Recurring(s)) => s.calendar_gaps(),
                _ => &[],
            };
            gaps.extend(years.iter().map(|&year| CalendarGap { rule, year }));
        }
        gaps
    }

    /// How many rules the program has.
    pub fn len(&self) -> usize {
        self.states.len()
    }

    /// How many obligations are open.
    #[cfg(test)]
    pub fn open_count(&self) -> usize {
        self.states.iter().map(|s| if let Some(State::Obligation(o)) = s { o.open_count() } else { 0 }).sum()
    }
}
