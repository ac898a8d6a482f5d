//! Obligations with a deadline: `when A require B within D | before E`.
//!
//! Open obligations live in a hash map by their key in the awaited events'
//! correlation, so the event that fulfils one reaches it, and all that is
//! kept of it, with one lookup. Each other matcher that can close them (the
//! `before` event, exempting events, events forbidden while open) has its
//! own index from its correlation key to those obligations, so no event
//! scans. An open obligation keeps only what may still be read of its
//! trigger.
//!
//! Past its deadline an obligation is violated whatever happens next; only
//! the evidence (a late event) and a remedy growing with lateness are still
//! to come. Deadlines wait in a queue in deadline order, and as soon as an
//! event shows that one has passed, its obligation is decided when the sink
//! reads neither, so memory follows the obligations still open in time, not
//! the ones that will never be met. Otherwise it moves to a map of its own,
//! keeping only what its violation still shows or reads: the map of those
//! open in time, which every awaited event probes, stays as small.

use super::deadline::{extend, opening, Opening};
use super::emit::{get, instance_at, lateness, owe};
use super::engine::RuleEnv;
use super::ir::{ExceptionKind, Match, Obligation};
mod by_key;
mod verdicts;
use super::keys::{anchor_keys, candidate_keys, key_of, Key};
use super::lookback::PriorConds;
use super::lookback::{admit, Admission};
use super::prior::PriorStore;
use super::verdict::{EventRef, Instance};
use crate::log::{Event, Sym};
use crate::syntax::ast::Verdict;
use crate::time::{Due, Micros};
use crate::value::Val;
use by_key::ByKey;
use rustc_hash::FxHashMap;
use smallvec::SmallVec;
use std::borrow::Cow;
use std::collections::{BTreeMap, VecDeque};
use verdicts::{decide, kept_when_overdue, no_date_note, owe_open, with_extensions};
pub(super) use verdicts::{display_keys, trigger_type};

/// An open obligation, kept small: thousands are open at a time.
struct Open {
    /// When and where the trigger was read.
    at: EventRef,
    due: Option<Due>,
    /// Numbers obligations in the order they open.
    serial: u64,
    /// The extension clauses applied, one bit each.
    extended: u32,
    /// True when the rule has `by` and the trigger lacked the date.
    no_date: bool,
    /// What most rules never need, out of line.
    extra: Option<Box<Extra>>,
}

/// The part of an open obligation most rules never need.
struct Extra {
    /// Its keys in the other matchers' indexes (None: not indexed there).
    other_keys: Box<[Option<Key>]>,
    /// The trigger's attributes, when something may still read them.
    attrs: Box<[(Sym, Val)]>,
}

impl Open {
    /// The trigger (of type `kind`), as far as it is kept.
    fn trigger(&self, kind: Sym) -> Event {
        Event { time: self.at.time, kind, attrs: self.attrs().iter().cloned().collect(), loc: self.at.loc() }
    }

    /// The trigger's attributes, as far as they are kept.
    fn attrs(&self) -> &[(Sym, Val)] {
        self.extra.as_ref().map_or(&[], |x| &x.attrs)
    }

    /// Its keys in the other matchers' indexes.
    fn other_keys(&self) -> &[Option<Key>] {
        self.extra.as_ref().map_or(&[], |x| &x.other_keys)
    }

    /// Keeps of the trigger's attributes only those in `kept`.
    fn keep_only(&mut self, kept: &[Sym]) {
        let Some(extra) = self.extra.as_mut() else { return };
        if extra.attrs.iter().any(|(k, _)| !kept.contains(k)) {
            extra.attrs = extra.attrs.iter().filter(|(k, _)| kept.contains(k)).cloned().collect();
        }
        if extra.attrs.is_empty() && extra.other_keys.is_empty() {
            self.extra = None;
        }
    }
}

/// The key of an obligation in the awaited events' correlation; None when
/// its trigger lacks one (no event can fulfil it then).
type Primary = Option<Key>;

/// Open obligations sharing a primary key, in the order they opened.
type Opens = SmallVec<[Open; 1]>;

/// Obligations another matcher may close: (primary key, serial), in the
/// order they opened.
type Refs = SmallVec<[(Primary, u64); 1]>;

/// How an obligation closed (or, for `Extend`, changed).
enum Close {
    Fulfilled,
    EndedBy,
    Exempted,
    Forbidden,
    /// `extended by D when E`: the deadline moves, the obligation stays open.
    Extend(usize),
}

/// The state of one obligation rule.
pub struct ObligationState {
    /// Open obligations still on time, by primary key: the event that
    /// fulfils one finds it (and everything about it) with a single lookup.
    open: ByKey,
    /// Obligations past their deadline, by primary key, waiting for a late
    /// event (the evidence) or the end; each keeps only what its violation
    /// shows or reads (see [`kept_when_overdue`]).
    overdue: ByKey,
    /// The attributes an overdue trigger keeps when the sink does not read
    /// them all (None: not yet known).
    kept: Option<Box<[Sym]>>,
    /// Open obligations whose trigger lacks the primary key, by serial: only
    /// the other matchers and the deadline close them.
    unkeyed: BTreeMap<u64, Open>,
    /// One index per other matcher (the `before` event, exempting events,
    /// events forbidden while open): its key to the obligations it may
    /// close, as (primary key, serial), in the order they opened.
    others: Vec<FxHashMap<Key, Refs>>,
    prior: Vec<PriorStore>,
    /// `where [not] prior ...` on the trigger.
    priors: PriorConds,
    /// Obligations to decide once their deadline passes, by deadline: (last
    /// instant on time, serial, primary key); entries of obligations closed
    /// since are skipped. Deadlines nearly always come in order (triggers
    /// come in log order and the window is the rule's), so this is a queue,
    /// and one out of order is put in its place.
    deadlines: VecDeque<(Micros, u64, Primary)>,
    /// Per serial from `waiting_base`: whether the obligation still waits in
    /// the deadline queue, so that the queue skips those closed in time
    /// without a lookup. Closed ones are trimmed from the front, so this
    /// spans about one window of obligations.
    waiting: VecDeque<bool>,
    waiting_base: u64,
    next_serial: u64,
    /// Whether a violation's remedy is the same whenever it is decided.
    fixed_remedy: bool,
    /// Whether an `extended by` clause may move deadlines after opening.
    extensible: bool,
    /// Whether the trigger's attributes are read after opening even when the
    /// sink keeps no details: by a residual correlation, or for the customer
    /// owed a remedy.
    reads_trigger: bool,
    /// Years a business-day deadline reached that the calendar does not
    /// cover (see `coverage`): a handful at most.
    gaps: Vec<i32>,
    /// Obligations still to decide at the end, once deciding has begun.
    left: Option<std::vec::IntoIter<Open>>,
}

impl ObligationState {
    /// Empty state for `o`, a rule whose remedy is `remedy`.
    pub fn new(o: &Obligation, remedy: Option<&super::ir::Remedy>) -> Self {
        let residual = matchers(o).any(|(m, _)| m.corr.residual.is_some());
        let others =
            usize::from(o.before.is_some()) + o.unless.events.len() + o.window_forbids.len() + o.extensions.len();
        let prior = o.unless.prior.iter().map(|(m, w)| PriorStore::new(m, *w)).collect();
        ObligationState {
            open: ByKey::default(),
            overdue: ByKey::default(),
            kept: None,
            unkeyed: BTreeMap::new(),
            others: vec![FxHashMap::default(); others],
            prior,
            priors: PriorConds::new(&o.priors),
            deadlines: VecDeque::new(),
            waiting: VecDeque::new(),
            waiting_base: 0,
            next_serial: 0,
            fixed_remedy: remedy.is_none_or(|r| !r.grows_with_lateness()),
            extensible: !o.extensions.is_empty(),
            reads_trigger: residual || remedy.is_some(),
            gaps: Vec::new(),
            left: None,
        }
    }

    /// Years a business-day deadline reached that the calendar does not
    /// cover.
    pub fn calendar_gaps(&self) -> &[i32] {
        &self.gaps
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
        t.extend(PriorConds::types(&o.priors));
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
            if let Close::Extend(x) = how {
                if m.types.contains(&e.kind) {
                    self.extend_matching(env, o, i, x, e);
                }
                continue;
            }
            if m.types.contains(&e.kind) {
                let closed = self.close_matching(env, i, (m, &how, o.trigger), e, out);
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
        self.priors.record(env, e);
    }

    /// Opens an obligation; Some(exception number) when one exempts it.
    fn trigger(&mut self, env: &RuleEnv, o: &Obligation, e: &Event) -> Option<usize> {
        match admit(env, o, &self.priors, &self.prior, e) {
            Admission::NoInstance => return None,
            Admission::Exempt(ordinal) => return Some(ordinal),
            Admission::Open => {}
        }
        let Opening { due, no_date } = opening(env, o, e);
        if let (Some(w), Some(d)) = (o.window_at(e.time, env.jur.tz), &due) {
            if let Some(year) = super::coverage::uncovered_year(env.jur, e.time, w.unit, d) {
                super::coverage::note(&mut self.gaps, year);
            }
        }
        let mut keys = matchers(o).map(|(m, _)| key_of(e, anchor_keys(&m.corr.pairs)));
        let primary = keys.next().flatten();
        let other_keys: Box<[Option<Key>]> = if self.others.is_empty() { Box::default() } else { keys.collect() };
        let serial = self.next_serial;
        self.next_serial += 1;
        for (index, key) in self.others.iter_mut().zip(other_keys.iter()) {
            if let Some(k) = key {
                index.entry(k.clone()).or_default().push((primary.clone(), serial));
            }
        }
        let details = env.detailed || env.sink_details;
        // An extensible deadline may move: the queue checks it again when
        // it comes.
        self.waiting.push_back(due.is_some());
        if let Some(d) = due {
            self.queue((d.last_on_time, serial, primary.clone()));
        }
        let attrs = if details || self.reads_trigger { e.attrs.iter().cloned().collect() } else { Box::default() };
        let extra = (!other_keys.is_empty() || !attrs.is_empty()).then(|| Box::new(Extra { other_keys, attrs }));
        let open = Open { at: EventRef::from(e), due, serial, extended: 0, no_date, extra };
        match primary {
            Some(key) => self.open.add(key, open),
            None => {
                self.unkeyed.insert(serial, open);
            }
        }
        None
    }

    /// Takes every obligation whose deadline lies before `now` and that
    /// waits in the deadline queue: decides it, as violated, when the sink
    /// reads neither its evidence nor a remedy growing with lateness, else
    /// moves it to the overdue ones.
    fn expire(&mut self, env: &RuleEnv, now: Micros, out: &mut Vec<Instance>) {
        let decide_now = !(env.detailed || env.sink_details) && self.fixed_remedy;
        while self.deadlines.front().is_some_and(|d| d.0 < now) {
            let Some((at, serial, primary)) = self.deadlines.pop_front() else { break };
            // Usually the obligation closed in time.
            if !self.still_waiting(serial) {
                continue;
            }
            // An extension moved the deadline: it waits again for the new one.
            let moved = if self.extensible {
                peek([&self.open, &self.overdue], &self.unkeyed, &primary, serial).and_then(|o| o.due)
            } else {
                None
            };
            if let Some(moved) = moved.filter(|d| d.last_on_time != at) {
                self.queue((moved.last_on_time, serial, primary));
                continue;
            }
            let Some(mut open) = take([&mut self.open, &mut self.overdue], &mut self.unkeyed, &primary, serial) else {
                continue;
            };
            if !decide_now {
                self.stop_waiting(serial);
                if !env.detailed && !env.sink_attrs {
                    let kept = self.kept.get_or_insert_with(|| kept_when_overdue(env));
                    open.keep_only(kept);
                }
                match primary {
                    Some(key) => self.overdue.add(key, open),
                    None => {
                        self.unkeyed.insert(serial, open);
                    }
                }
                continue;
            }
            self.unindex(&open, None);
            let note = with_extensions(env, &open, "no matching event by the deadline");
            let mut inst = instance_at(env, Verdict::Violated, Some(open.at), open.attrs(), &[], note);
            inst.deadline = open.due;
            inst.lateness = open.due.map(|d| lateness(&d, now));
            owe_open(&mut inst, env, open.due.as_ref(), now, &open);
            out.push(inst);
        }
    }

    /// Closes what matcher `index` (0: the awaited events) closes on `e`,
    /// given the matcher, what closing means and the rule's trigger type;
    /// returns how many obligations closed.
    fn close_matching(
        &mut self,
        env: &RuleEnv,
        index: usize,
        (m, how, kind): (&Match, &Close, Sym),
        e: &Event,
        out: &mut Vec<Instance>,
    ) -> usize {
        let Some(key) = key_of(e, candidate_keys(&m.corr.pairs)) else { return 0 };
        // Past its deadline an obligation is already broken: exceptions and
        // window prohibitions no longer apply, only a late fulfilment does.
        let window_only = matches!(how, Close::Exempted | Close::Forbidden);
        let closes = |open: &Open| {
            !(window_only && open.due.is_some_and(|d| !d.is_on_time(e.time)))
                && m.corr.residual.as_ref().is_none_or(|r| r.holds(&env.ctx(Some(e), Some(&open.trigger(kind)))))
        };
        let mut closing: SmallVec<[Open; 2]> = SmallVec::new();
        if index == 0 {
            // Taken out (one lookup when, as usual, all close), put back with
            // what stays open; those on time and those overdue in the order
            // they opened.
            let on_time = self.open.remove(&key).unwrap_or_default();
            let late = if self.overdue.is_empty() { None } else { self.overdue.remove(&key) };
            let late = late.unwrap_or_default();
            if on_time.is_empty() && late.is_empty() {
                return 0;
            }
            let (mut stay, mut stay_late) = (Opens::new(), Opens::new());
            let (mut on_time, mut late) = (on_time.into_iter().peekable(), late.into_iter().peekable());
            loop {
                let next_late = match (on_time.peek(), late.peek()) {
                    (Some(a), Some(b)) => b.serial < a.serial,
                    (None, Some(_)) => true,
                    (_, None) => false,
                };
                let Some(open) = (if next_late { late.next() } else { on_time.next() }) else { break };
                if closes(&open) {
                    closing.push(open);
                } else if next_late {
                    stay_late.push(open);
                } else {
                    stay.push(open);
                }
            }
            if !stay.is_empty() {
                self.open.insert(key.clone(), stay);
            }
            if !stay_late.is_empty() {
                self.overdue.insert(key, stay_late);
            }
        } else {
            let Some(map) = self.others.get_mut(index - 1) else { return 0 };
            let Some(refs) = map.remove(&key) else { return 0 };
            let mut stay = Refs::new();
            for (primary, serial) in refs {
                match peek([&self.open, &self.overdue], &self.unkeyed, &primary, serial) {
                    None => continue,
                    Some(open) if !closes(open) => {
                        stay.push((primary, serial));
                        continue;
                    }
                    Some(_) => {
                        closing.extend(take([&mut self.open, &mut self.overdue], &mut self.unkeyed, &primary, serial))
                    }
                }
            }
            if !stay.is_empty() {
                map.insert(key, stay);
            }
        }
        let closed = closing.len();
        for open in closing {
            self.unindex(&open, index.checked_sub(1));
            if let Some(inst) = decide(env, &open, how, e) {
                out.push(inst);
            }
        }
        closed
    }

    /// Moves the deadline of every open obligation that extension `x`
    /// (other matcher `index`) matches on `e`, when still on time and not
    /// yet extended by it.
    fn extend_matching(&mut self, env: &RuleEnv, o: &Obligation, index: usize, x: usize, e: &Event) {
        let Some(ext) = o.extensions.get(x) else { return };
        let Some(key) = key_of(e, candidate_keys(&ext.matcher.corr.pairs)) else { return };
        let Some(refs) = self.others.get(index - 1).and_then(|m| m.get(&key)).cloned() else { return };
        let bit = 1u32 << x;
        for (primary, serial) in refs {
            let open = match &primary {
                Some(k) => self.open.get_mut(k).and_then(|list| {
                    list.binary_search_by_key(&serial, |o| o.serial).ok().and_then(|p| list.get_mut(p))
                }),
                None => self.unkeyed.get_mut(&serial),
            };
            let Some(open) = open else { continue };
            let Some(due) = open.due.filter(|d| d.is_on_time(e.time) && open.extended & bit == 0) else { continue };
            let trigger = open.trigger(o.trigger);
            if !ext.matcher.corr.residual.as_ref().is_none_or(|r| r.holds(&env.ctx(Some(e), Some(&trigger)))) {
                continue;
            }
            if let Some(moved) = extend(env, o, due, ext.window) {
                open.due = Some(moved);
                open.extended |= bit;
            }
        }
    }

    /// Puts a deadline in its place in the queue.
    fn queue(&mut self, entry: (Micros, u64, Primary)) {
        if self.deadlines.back().is_none_or(|last| last.0 <= entry.0) {
            self.deadlines.push_back(entry);
        } else {
            let at = self.deadlines.partition_point(|x| x.0 <= entry.0);
            self.deadlines.insert(at, entry);
        }
    }

    /// How many obligations are open.
    #[cfg(test)]
    pub fn open_count(&self) -> usize {
        self.open.count() + self.overdue.count() + self.unkeyed.len()
    }

    /// Whether obligation `serial` waits in the deadline queue.
    fn still_waiting(&self, serial: u64) -> bool {
        let i = serial.checked_sub(self.waiting_base).and_then(|i| usize::try_from(i).ok());
        i.and_then(|i| self.waiting.get(i)).is_some_and(|w| *w)
    }

    /// Obligation `serial` no longer waits in the deadline queue.
    fn stop_waiting(&mut self, serial: u64) {
        let i = serial.checked_sub(self.waiting_base).and_then(|i| usize::try_from(i).ok());
        if let Some(w) = i.and_then(|i| self.waiting.get_mut(i)) {
            *w = false;
        }
        while self.waiting.front() == Some(&false) {
            self.waiting.pop_front();
            self.waiting_base += 1;
        }
    }

    /// Removes a closed obligation from every other matcher's index but
    /// `done`, and from the deadline queue's count.
    fn unindex(&mut self, open: &Open, done: Option<usize>) {
        self.stop_waiting(open.serial);
        for (i, (index, key)) in self.others.iter_mut().zip(open.other_keys().iter()).enumerate() {
            let Some(k) = key.as_ref().filter(|_| Some(i) != done) else { continue };
            if let Some(list) = index.get_mut(k) {
                list.retain(|(_, s)| *s != open.serial);
                if list.is_empty() {
                    index.remove(k);
                }
            }
        }
    }

    /// Decides every obligation still open: violated when its deadline is at
    /// or before the horizon, pending otherwise. Decides a batch of them;
    /// true when some are left for the next call.
    pub fn finish(&mut self, env: &RuleEnv, horizon: Micros, out: &mut Vec<Instance>) -> bool {
        let left = self.left.get_or_insert_with(|| {
            // Keys are hashed, so their order is not the log's: sort by trigger.
            let mut opens: Vec<Open> = self.open.drain().chain(self.overdue.drain()).collect();
            opens.extend(std::mem::take(&mut self.unkeyed).into_values());
            opens.sort_by_key(|o| (o.at.time, o.at.loc()));
            self.deadlines.clear();
            self.waiting.clear();
            self.waiting_base = self.next_serial;
            self.others.iter_mut().for_each(FxHashMap::clear);
            opens.into_iter()
        });
        for open in left.by_ref().take(super::FINISH_BATCH) {
            let keys = display_keys(env, open.attrs());
            match open.due {
                Some(due) if due.last_on_time <= horizon => {
                    let note = "no matching event by the deadline; still missing at the horizon";
                    let note = with_extensions(env, &open, note);
                    let mut inst = instance_at(env, Verdict::Violated, Some(open.at), open.attrs(), &keys, note);
                    inst.deadline = Some(due);
                    inst.lateness = Some(lateness(&due, horizon));
                    owe_open(&mut inst, env, Some(&due), horizon, &open);
                    out.push(inst);
                }
                due => {
                    let note = if open.no_date && due.is_none() {
                        no_date_note(env, "the trigger has no date for the deadline: it stays pending")
                    } else {
                        with_extensions(env, &open, "the deadline lies after the horizon")
                    };
                    let mut inst = instance_at(env, Verdict::Pending, Some(open.at), open.attrs(), &keys, note);
                    inst.deadline = due;
                    out.push(inst);
                }
            }
        }
        left.len() > 0
    }
}

/// Takes open obligation `serial`, whose primary key is `primary`, out of
/// one of `keyed` (on time, overdue) or `unkeyed`; None when it is no
/// longer open.
fn take(keyed: [&mut ByKey; 2], unkeyed: &mut BTreeMap<u64, Open>, primary: &Primary, serial: u64) -> Option<Open> {
    let Some(key) = primary else { return unkeyed.remove(&serial) };
    for map in keyed {
        // Taken out and put back unless emptied: usually one lookup.
        let Some(mut list) = map.remove(key) else { continue };
        let found = list.binary_search_by_key(&serial, |o| o.serial).ok().map(|p| list.remove(p));
        if !list.is_empty() {
            map.insert(key.clone(), list);
        }
        if found.is_some() {
            return found;
        }
    }
    None
}

/// Open obligation `serial`, as [`take`] finds it, without taking it out.
fn peek<'a>(
    keyed: [&'a ByKey; 2],
    unkeyed: &'a BTreeMap<u64, Open>,
    primary: &Primary,
    serial: u64,
) -> Option<&'a Open> {
    let Some(key) = primary else { return unkeyed.get(&serial) };
    keyed.into_iter().find_map(|map| {
        let list = map.get(key)?;
        list.binary_search_by_key(&serial, |o| o.serial).ok().and_then(|p| list.get(p))
    })
}

/// The matchers that close obligations, with what closing means.
fn matchers(o: &Obligation) -> impl Iterator<Item = (&Match, Close)> {
    std::iter::once((&o.awaited, Close::Fulfilled))
        .chain(o.before.iter().map(|m| (m, Close::EndedBy)))
        .chain(o.unless.events.iter().map(|m| (m, Close::Exempted)))
        .chain(o.window_forbids.iter().map(|m| (m, Close::Forbidden)))
        .chain(o.extensions.iter().enumerate().map(|(i, x)| (&x.matcher, Close::Extend(i))))
}
