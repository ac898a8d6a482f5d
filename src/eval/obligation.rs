//! Obligations with a deadline: `when A require B within D | before E`.
//!
//! Open obligations live in a slab; each matcher that can close them (the
//! awaited events, the `before` event, exempting events, events forbidden
//! while open) has a hash index from its correlation key to slab slots, so
//! an event finds the obligations it closes without scanning. An open
//! obligation keeps only what may still be read of its trigger.
//!
//! Past its deadline an obligation is violated whatever happens next; only
//! the evidence (a late event) and a remedy growing with lateness are still
//! to come. When the sink reads neither, the obligation is decided as soon as
//! an event shows that its deadline has passed (deadlines wait in a priority
//! queue), so memory follows the obligations still open in time, not the
//! ones that will never be met.

use super::emit::{get, instance_at, lateness, remedy};
use super::engine::RuleEnv;
use super::ir::{ExceptionKind, Match, Obligation};
use super::keys::{anchor_keys, candidate_keys, key_of, Key};
use super::prior::PriorStore;
use super::verdict::{EventRef, Instance};
use crate::log::{Event, Sym};
use crate::syntax::ast::Verdict;
use crate::time::{self, Due, Micros};
use crate::value::Val;
use rustc_hash::FxHashMap;
use smallvec::SmallVec;
use std::collections::VecDeque;

/// Slots of the obligations sharing one key (usually one).
type Bucket = SmallVec<[usize; 2]>;

/// An open obligation, kept small: thousands are open at a time, and each
/// event that closes one reaches it at a random place in memory.
struct Open {
    /// When and where the trigger was read.
    at: EventRef,
    /// The trigger's type.
    kind: Sym,
    due: Option<Due>,
    /// Its key in the awaited events' index (None: not indexed there).
    key: Option<Key>,
    /// Its keys in the other matchers' indexes.
    other_keys: Box<[Option<Key>]>,
    /// The trigger's attributes, when something may still read them.
    attrs: Box<[(Sym, Val)]>,
}

impl Open {
    /// The trigger, as far as it is kept.
    fn trigger(&self) -> Event {
        Event { time: self.at.time, kind: self.kind, attrs: self.attrs.iter().cloned().collect(), loc: self.at.loc }
    }

    /// Its key in each matcher's index.
    fn keys(&self) -> impl Iterator<Item = &Option<Key>> {
        std::iter::once(&self.key).chain(self.other_keys.iter())
    }
}

/// How an obligation closed.
enum Close {
    Fulfilled,
    EndedBy,
    Exempted,
    Forbidden,
}

/// The state of one obligation rule.
pub struct ObligationState {
    slots: Vec<Option<Open>>,
    /// Per slot, the serial number of its obligation: tells an obligation
    /// from earlier ones in the same slot without reaching the slot.
    serials: Vec<u64>,
    free: Vec<usize>,
    /// One index per matcher: awaited, before, unless events, window forbids.
    indexes: Vec<FxHashMap<Key, Bucket>>,
    prior: Vec<PriorStore>,
    /// Obligations to decide once their deadline passes, by deadline: (last
    /// instant on time, serial, slot); entries of obligations closed since
    /// are skipped. Deadlines nearly always come in order (triggers come in
    /// log order and the window is the rule's), so this is a queue, and one
    /// out of order is put in its place.
    deadlines: VecDeque<(Micros, u64, usize)>,
    next_serial: u64,
    /// Whether a violation's remedy is the same whenever it is decided.
    fixed_remedy: bool,
    /// Whether the trigger's attributes are read after opening even when the
    /// sink keeps no details: by a residual correlation, or for the customer
    /// owed a remedy.
    reads_trigger: bool,
}

impl ObligationState {
    /// Empty state for `o`, a rule whose remedy is `remedy`.
    pub fn new(o: &Obligation, remedy: Option<&super::ir::Remedy>) -> Self {
        let residual = matchers(o).any(|(m, _)| m.corr.residual.is_some());
        let matchers = 1 + usize::from(o.before.is_some()) + o.unless.events.len() + o.window_forbids.len();
        let prior = o.unless.prior.iter().map(|(m, w)| PriorStore::new(m, *w)).collect();
        ObligationState {
            slots: vec![],
            serials: vec![],
            free: vec![],
            indexes: vec![FxHashMap::default(); matchers],
            prior,
            deadlines: VecDeque::new(),
            next_serial: 0,
            fixed_remedy: remedy.is_none_or(|r| r.per_unit.is_empty()),
            reads_trigger: residual || remedy.is_some(),
        }
    }

    /// The event types the rule reacts to.
    pub fn types(o: &Obligation) -> Vec<Sym> {
        let mut t = vec![o.trigger];
        for m in matchers(o) {
            t.extend(&m.0.types);
        }
        for (m, _) in &o.unless.prior {
            t.extend(&m.types);
        }
        t
    }

    /// Closing roles first (an event never fulfils the obligation it opens),
    /// then the trigger, then the look-back stores.
    pub fn on_event(
        &mut self,
        env: &RuleEnv,
        o: &Obligation,
        e: &Event,
        out: &mut Vec<Instance>,
        exempted: &mut Vec<(usize, usize)>,
    ) {
        if !self.deadlines.is_empty() {
            self.expire(env, e.time, out);
        }
        for (i, (m, how)) in matchers(o).enumerate() {
            if m.types.contains(&e.kind) {
                let closed = self.close_matching(env, i, m, &how, e, out);
                if matches!(how, Close::Exempted) && closed > 0 {
                    let first_unless = 1 + usize::from(o.before.is_some());
                    let ordinal = o.unless.ordinal(ExceptionKind::Event, i - first_unless);
                    exempted.extend(std::iter::repeat_n((env.index, ordinal), closed));
                }
            }
        }
        if e.kind == o.trigger && env.in_force(e.time) {
            if let Some(ordinal) = self.trigger(env, o, e) {
                exempted.push((env.index, ordinal));
            }
        }
        for store in &mut self.prior {
            store.record(env, e);
        }
    }

    /// Opens an obligation; Some(exception number) when one exempts it.
    fn trigger(&mut self, env: &RuleEnv, o: &Obligation, e: &Event) -> Option<usize> {
        let ctx = env.ctx(Some(e), None);
        if o.condition.as_ref().is_some_and(|c| !c.holds(&ctx)) {
            return None;
        }
        if let Some(i) = o.unless.conditions.iter().position(|c| c.holds(&ctx)) {
            return Some(o.unless.ordinal(ExceptionKind::Condition, i));
        }
        if let Some(i) = self.prior.iter().position(|s| s.find(env, e).is_some()) {
            return Some(o.unless.ordinal(ExceptionKind::Prior, i));
        }
        let due = o.within.and_then(|w| time::due(e.time, w.amount, w.unit, env.jur.tz, &env.jur.calendar));
        let mut keys = matchers(o).map(|(m, _)| key_of(e, anchor_keys(&m.corr.pairs)));
        let key = keys.next().flatten();
        let other_keys: Box<[Option<Key>]> = keys.collect();
        let slot = match self.free.pop() {
            Some(s) => s,
            None => {
                self.slots.push(None);
                self.serials.push(0);
                self.slots.len() - 1
            }
        };
        let serial = self.next_serial;
        self.next_serial += 1;
        let open = Open { at: EventRef::from(e), kind: e.kind, due, key, other_keys, attrs: Box::default() };
        for (index, key) in self.indexes.iter_mut().zip(open.keys()) {
            if let Some(k) = key {
                index.entry(k.clone()).or_default().push(slot);
            }
        }
        let details = env.detailed || env.sink_details;
        if let Some(d) = due.filter(|_| !details && self.fixed_remedy) {
            let entry = (d.last_on_time, serial, slot);
            if self.deadlines.back().is_none_or(|last| last.0 <= d.last_on_time) {
                self.deadlines.push_back(entry);
            } else {
                let at = self.deadlines.partition_point(|x| x.0 <= d.last_on_time);
                self.deadlines.insert(at, entry);
            }
        }
        let attrs = if details || self.reads_trigger { e.attrs.iter().cloned().collect() } else { Box::default() };
        if let (Some(place), Some(s)) = (self.slots.get_mut(slot), self.serials.get_mut(slot)) {
            *place = Some(Open { attrs, ..open });
            *s = serial;
        }
        None
    }

    /// Decides, as violated, every obligation whose deadline lies before
    /// `now` and that waits in the deadline queue.
    fn expire(&mut self, env: &RuleEnv, now: Micros, out: &mut Vec<Instance>) {
        while let Some(&(last_on_time, serial, slot)) = self.deadlines.front() {
            if last_on_time >= now {
                break;
            }
            self.deadlines.pop_front();
            if self.serials.get(slot) != Some(&serial) {
                continue;
            }
            let Some(open) = self.slots.get_mut(slot).and_then(Option::take) else { continue };
            self.free.push(slot);
            self.unindex(&open, slot, None);
            let note = "no matching event by the deadline";
            let mut inst = instance_at(env, Verdict::Violated, Some(open.at), &open.attrs, &[], note);
            inst.deadline = open.due;
            inst.lateness = open.due.map(|d| lateness(&d, now));
            inst.remedy = remedy(env, open.due.as_ref(), now);
            out.push(inst);
        }
    }

    fn close_matching(
        &mut self,
        env: &RuleEnv,
        index: usize,
        m: &Match,
        how: &Close,
        e: &Event,
        out: &mut Vec<Instance>,
    ) -> usize {
        let Some(key) = key_of(e, candidate_keys(&m.corr.pairs)) else { return 0 };
        let Some(map) = self.indexes.get_mut(index) else { return 0 };
        // Taken out (one lookup when, as usual, every slot closes), put back
        // with what stays open.
        let Some(mut bucket) = map.remove(&key) else { return 0 };
        let mut closing: SmallVec<[usize; 4]> = SmallVec::new();
        // Past its deadline an obligation is already broken: exceptions and
        // window prohibitions no longer apply, only a late fulfilment does.
        let window_only = matches!(how, Close::Exempted | Close::Forbidden);
        let slots = &self.slots;
        bucket.retain(|slot| {
            let Some(open) = slots.get(*slot).and_then(Option::as_ref) else { return true };
            if window_only && open.due.is_some_and(|d| !d.is_on_time(e.time)) {
                return true;
            }
            let closes = m.corr.residual.as_ref().is_none_or(|r| r.holds(&env.ctx(Some(e), Some(&open.trigger()))));
            if closes {
                closing.push(*slot);
            }
            !closes
        });
        if !bucket.is_empty() {
            map.insert(key, bucket);
        }
        let closed = closing.len();
        for slot in closing {
            let Some(open) = self.slots.get_mut(slot).and_then(Option::take) else { continue };
            self.free.push(slot);
            self.unindex(&open, slot, Some(index));
            if let Some(inst) = decide(env, &open, how, e) {
                out.push(inst);
            }
        }
        closed
    }

    /// Removes a closed slot from every index but `done`.
    fn unindex(&mut self, open: &Open, slot: usize, done: Option<usize>) {
        for (i, (index, key)) in self.indexes.iter_mut().zip(open.keys()).enumerate() {
            let Some(k) = key.as_ref().filter(|_| Some(i) != done) else { continue };
            if let Some(bucket) = index.get_mut(k) {
                bucket.retain(|s| *s != slot);
                if bucket.is_empty() {
                    index.remove(k);
                }
            }
        }
    }

    /// Decides every obligation still open: violated when its deadline is at
    /// or before the horizon, pending otherwise.
    pub fn finish(&mut self, env: &RuleEnv, horizon: Micros, out: &mut Vec<Instance>) {
        // Slots are reused, so their order is not the log's: sort by trigger.
        let mut opens: Vec<Open> = self.slots.drain(..).flatten().collect();
        opens.sort_by_key(|o| (o.at.time, o.at.loc));
        self.serials.clear();
        self.free.clear();
        self.deadlines.clear();
        for open in opens {
            let keys = display_keys(env, &open.attrs);
            match open.due {
                Some(due) if due.last_on_time <= horizon => {
                    let note = "no matching event by the deadline; still missing at the horizon";
                    let mut inst = instance_at(env, Verdict::Violated, Some(open.at), &open.attrs, &keys, note);
                    inst.deadline = Some(due);
                    inst.lateness = Some(lateness(&due, horizon));
                    inst.remedy = remedy(env, Some(&due), horizon);
                    out.push(inst);
                }
                due => {
                    let note = "the deadline lies after the horizon";
                    let mut inst = instance_at(env, Verdict::Pending, Some(open.at), &open.attrs, &keys, note);
                    inst.deadline = due;
                    out.push(inst);
                }
            }
        }
        self.indexes.iter_mut().for_each(FxHashMap::clear);
    }
}

/// The matchers that close obligations, with what closing means.
fn matchers(o: &Obligation) -> impl Iterator<Item = (&Match, Close)> {
    std::iter::once((&o.awaited, Close::Fulfilled))
        .chain(o.before.iter().map(|m| (m, Close::EndedBy)))
        .chain(o.unless.events.iter().map(|m| (m, Close::Exempted)))
        .chain(o.window_forbids.iter().map(|m| (m, Close::Forbidden)))
}

/// The keys that name an instance: the trigger's side of the awaited
/// correlation, plus customer and case when present.
fn display_keys(env: &RuleEnv, trigger: &[(Sym, Val)]) -> Vec<Sym> {
    let mut keys: Vec<Sym> = match &env.rule.kind {
        super::ir::Kind::Obligation(o) => anchor_keys(&o.awaited.corr.pairs).collect(),
        _ => vec![],
    };
    for name in ["case", "customer"] {
        if let Some(pos) = env.names.iter().position(|n| n.as_ref() == name) {
            let sym = pos as Sym;
            if !keys.contains(&sym) && !matches!(get(trigger, sym), Val::Null) {
                keys.push(sym);
            }
        }
    }
    keys
}

/// The verdict of an obligation closed by `e`; None when exempted.
fn decide(env: &RuleEnv, open: &Open, how: &Close, e: &Event) -> Option<Instance> {
    let on_time = open.due.is_none_or(|d| d.is_on_time(e.time));
    let (verdict, note) = match how {
        Close::Exempted => return None,
        Close::Fulfilled if on_time => (Verdict::Satisfied, "met in time"),
        Close::Fulfilled => (Verdict::Violated, "met late"),
        Close::EndedBy => (Verdict::Violated, "the window ended before the obligation was met"),
        Close::Forbidden => (Verdict::Violated, "a forbidden event happened while the obligation was open"),
    };
    let keys = if verdict == Verdict::Violated || env.detailed { display_keys(env, &open.attrs) } else { vec![] };
    let mut inst = instance_at(env, verdict, Some(open.at), &open.attrs, &keys, note);
    inst.evidence = Some(EventRef::from(e));
    // The deadline that applied: the duration's, unless the window ended
    // first (`before E`) or the obligation was broken while still on time.
    let due = match how {
        Close::EndedBy | Close::Forbidden if on_time => None,
        _ => open.due,
    };
    inst.deadline = match how {
        Close::EndedBy if on_time => Some(Due { last_on_time: e.time, kind: time::DueKind::Exact }),
        _ => open.due,
    };
    if verdict == Verdict::Violated {
        inst.lateness = due.map(|d| lateness(&d, e.time));
        inst.remedy = remedy(env, due.as_ref(), e.time);
    }
    Some(inst)
}
