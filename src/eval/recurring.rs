//! Recurring duties: `when A as a require B where ... every D until E where ...`.
//!
//! "While a complaint is open, the customer is updated at least every 7
//! days." A duty opens at the trigger with a first window ending D after it
//! (the same deadline rules as `within D`: `7 days` is exact time, `7
//! calendar days` and `7 business days` end at the end of a local day).
//! Each window is one instance:
//!
//! - an awaited event at or before the window's end satisfies it, and the
//!   next window is counted from that event ("at least every 7 days": the
//!   next update is due 7 days after the last one);
//! - a window that ends with no awaited event is violated (its deadline is
//!   the window's end), and the next window is counted from that end;
//! - the `until` event ends the duty: a window still in progress then, with
//!   no awaited event yet, is not an instance at all (the duty ended before
//!   its deadline);
//! - at the horizon, every window ended by then without an awaited event is
//!   violated and the window in progress is pending.
//!
//! Memory: one record per open duty (its trigger, the current window's
//! start and deadline), indexed by its key in the awaited and in the
//! `until` correlations. Missed windows are decided when an event of the
//! duty or the horizon shows they have ended.

use super::coverage;
use super::emit::{instance_at, owe};
use super::engine::RuleEnv;
use super::ir::{Every, Match, Obligation};
use super::keys::{anchor_keys, candidate_keys, key_of, Key};
use super::lookback::Admission;
use super::lookback::PriorConds;
use super::obligation::display_keys;
use super::prior::PriorStore;
use super::verdict::{EventRef, Instance};
use crate::log::{Event, Sym};
use crate::syntax::ast::Verdict;
use crate::time::{self, Due, Micros};
use crate::value::Val;
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;

/// One open duty.
struct Duty {
    /// The trigger.
    at: EventRef,
    /// The trigger's attributes (read by residual correlations and kept as
    /// the instances' keys).
    attrs: Box<[(Sym, Val)]>,
    /// The current window's deadline.
    due: Due,
    /// The number of the current window, from 1.
    window: u64,
    /// Its key in the awaited and in the `until` correlations.
    keys: [Option<Key>; 2],
}

impl Duty {
    fn trigger(&self, kind: Sym) -> Event {
        Event { time: self.at.time, kind, attrs: self.attrs.iter().cloned().collect(), loc: self.at.loc() }
    }
}

/// The state of one recurring-duty rule.
pub struct RecurringState {
    /// Open duties by serial (the order they opened).
    duties: BTreeMap<u64, Duty>,
    /// Serials by key: [0] in the awaited correlation, [1] in `until`'s.
    index: [FxHashMap<Key, Vec<u64>>; 2],
    prior: Vec<PriorStore>,
    /// `where [not] prior ...` on the trigger.
    priors: PriorConds,
    next_serial: u64,
    /// Years a business-day window reached that the calendar does not cover.
    gaps: Vec<i32>,
}

impl RecurringState {
    /// Empty state for `o`.
    pub fn new(o: &Obligation) -> Self {
        let prior = o.unless.prior.iter().map(|(m, w)| PriorStore::new(m, *w)).collect();
        RecurringState {
            duties: BTreeMap::new(),
            index: Default::default(),
            prior,
            priors: PriorConds::new(&o.priors),
            next_serial: 0,
            gaps: Vec::new(),
        }
    }

    /// The event types the rule reacts to.
    pub fn types(o: &Obligation, every: &Every) -> Vec<Sym> {
        let mut t = vec![o.trigger];
        t.extend(&o.awaited.types);
        t.extend(&every.until.types);
        for (m, _) in &o.unless.prior {
            t.extend(&m.types);
        }
        t.extend(PriorConds::types(&o.priors));
        t
    }

    /// Years a business-day window reached that the calendar does not cover.
    pub fn calendar_gaps(&self) -> &[i32] {
        &self.gaps
    }

    /// Awaited events first (one at the very end of a window still counts),
    /// then `until` events, then the trigger, then the look-back stores.
    pub fn on_event(
        &mut self,
        env: &RuleEnv,
        o: &Obligation,
        every: &Every,
        e: &Event,
        out: &mut Vec<Instance>,
        exempted: &mut Vec<(usize, usize)>,
    ) {
        if o.awaited.types.contains(&e.kind) {
            for serial in self.matching(env, 0, &o.awaited, o.trigger, e) {
                let Some(mut duty) = self.duties.remove(&serial) else { continue };
                self.missed(env, every, &mut duty, e.time, out);
                let keys = display_keys(env, &duty.attrs);
                let note = format!("window {}: met in time", duty.window);
                let mut inst = instance_at(env, Verdict::Satisfied, Some(duty.at), &duty.attrs, &keys, note);
                inst.deadline = Some(duty.due);
                inst.evidence = Some(EventRef::from(e));
                out.push(inst);
                match self.window(env, every, e.time) {
                    Some(due) => {
                        duty.due = due;
                        duty.window += 1;
                        self.duties.insert(serial, duty);
                    }
                    None => self.unindex(serial, &duty),
                }
            }
        }
        if every.until.types.contains(&e.kind) {
            for serial in self.matching(env, 1, &every.until, o.trigger, e) {
                let Some(mut duty) = self.duties.remove(&serial) else { continue };
                // Windows ended before `e` were missed; the one in progress
                // ends with the duty, without an instance.
                self.missed(env, every, &mut duty, e.time, out);
                self.unindex(serial, &duty);
            }
        }
        if e.kind == o.trigger && env.in_force(e.time) {
            if let Some(ordinal) = self.trigger(env, o, every, e) {
                exempted.push((env.index, ordinal));
            }
        }
        for store in &mut self.prior {
            store.record(env, e);
        }
        self.priors.record(env, e);
    }

    /// Opens a duty; Some(exception number) when one exempts it.
    fn trigger(&mut self, env: &RuleEnv, o: &Obligation, every: &Every, e: &Event) -> Option<usize> {
        match super::lookback::admit(env, o, &self.priors, &self.prior, e) {
            Admission::NoInstance => return None,
            Admission::Exempt(ordinal) => return Some(ordinal),
            Admission::Open => {}
        }
        let due = self.window(env, every, e.time)?;
        let keys = [key_of(e, anchor_keys(&o.awaited.corr.pairs)), key_of(e, anchor_keys(&every.until.corr.pairs))];
        let serial = self.next_serial;
        self.next_serial += 1;
        for (index, key) in self.index.iter_mut().zip(&keys) {
            if let Some(k) = key {
                index.entry(k.clone()).or_default().push(serial);
            }
        }
        let duty = Duty { at: EventRef::from(e), attrs: e.attrs.iter().cloned().collect(), due, window: 1, keys };
        self.duties.insert(serial, duty);
        None
    }

    /// The deadline of a window starting at `start`, noting uncovered years.
    fn window(&mut self, env: &RuleEnv, every: &Every, start: Micros) -> Option<Due> {
        let w = every.window;
        let due = time::due(start, w.amount, w.unit, env.jur.tz, &env.jur.calendar)?;
        if let Some(year) = coverage::uncovered_year(env.jur, start, w.unit, &due) {
            coverage::note(&mut self.gaps, year);
        }
        Some(due)
    }

    /// The open duties matcher `which` (0: awaited, 1: until) selects for `e`.
    fn matching(&self, env: &RuleEnv, which: usize, m: &Match, kind: Sym, e: &Event) -> Vec<u64> {
        let Some(key) = key_of(e, candidate_keys(&m.corr.pairs)) else { return vec![] };
        let Some(serials) = self.index.get(which).and_then(|i| i.get(&key)) else { return vec![] };
        serials
            .iter()
            .copied()
            .filter(|s| {
                self.duties.get(s).is_some_and(|d| {
                    m.corr.residual.as_ref().is_none_or(|r| r.holds(&env.ctx(Some(e), Some(&d.trigger(kind)))))
                })
            })
            .collect()
    }

    /// Decides as violated every window of `duty` that ended before `now`,
    /// each next window counted from the end of the missed one.
    fn missed(&mut self, env: &RuleEnv, every: &Every, duty: &mut Duty, now: Micros, out: &mut Vec<Instance>) {
        while !duty.due.is_on_time(now) {
            let keys = display_keys(env, &duty.attrs);
            let note = format!("window {}: no matching event by its end", duty.window);
            let mut inst = instance_at(env, Verdict::Violated, Some(duty.at), &duty.attrs, &keys, note);
            inst.deadline = Some(duty.due);
            if env.rule.remedy.is_some() {
                let trigger = duty.trigger(super::obligation::trigger_type(env));
                owe(&mut inst, env, Some(&duty.due), duty.due.last_on_time, Some(&trigger));
            }
            out.push(inst);
            let Some(next) = self.window(env, every, duty.due.last_on_time) else {
                // Beyond the representable range: nothing more can be due.
                duty.due.last_on_time = Micros::MAX;
                return;
            };
            duty.due = next;
            duty.window += 1;
        }
    }

    /// Removes a closed duty from the key indexes.
    fn unindex(&mut self, serial: u64, duty: &Duty) {
        for (index, key) in self.index.iter_mut().zip(&duty.keys) {
            let Some(k) = key else { continue };
            if let Some(list) = index.get_mut(k) {
                list.retain(|s| *s != serial);
                if list.is_empty() {
                    index.remove(k);
                }
            }
        }
    }

    /// Decides every open duty at `horizon`: each window ended by then is
    /// violated, the one in progress is pending.
    pub fn finish(&mut self, env: &RuleEnv, every: &Every, horizon: Micros, out: &mut Vec<Instance>) {
        let duties = std::mem::take(&mut self.duties);
        self.index.iter_mut().for_each(FxHashMap::clear);
        for (_, mut duty) in duties {
            // A window ending exactly at the horizon is decided: violated.
            self.missed(env, every, &mut duty, horizon.saturating_add(1), out);
            if duty.due.last_on_time == Micros::MAX {
                continue;
            }
            let keys = display_keys(env, &duty.attrs);
            let note = format!("window {}: its end lies after the horizon", duty.window);
            let mut inst = instance_at(env, Verdict::Pending, Some(duty.at), &duty.attrs, &keys, note);
            inst.deadline = Some(duty.due);
            out.push(inst);
        }
    }
}
