//! Looking back: precedences (`require prior`), `unless prior` exceptions,
//! and prohibitions.
//!
//! A [`PriorStore`] remembers the events a look-back may find, by
//! correlation key. When the correlation is plain equalities only the
//! latest event per key can matter (it is the closest to any later
//! trigger), so only that one is kept; a residual condition may reject the
//! latest and accept an older one, so then every event is kept, pruned to
//! the look-back window when there is one.

use super::emit::{instance, remedy};
use super::engine::RuleEnv;
use super::ir::{ExceptionKind, Exceptions, Match, Precedence, Prohibition, Window};
use super::keys::{anchor_keys, candidate_keys, key_of, Key};
use super::lookback::PriorConds;
use super::verdict::{EventRef, Instance};
use crate::log::{Event, Sym};
use crate::syntax::ast::Verdict;
use crate::time;
use rustc_hash::FxHashMap;

/// Events a look-back may find.
pub struct PriorStore {
    matcher: Match,
    window: Option<Window>,
    keep_all: bool,
    events: FxHashMap<Key, Vec<Event>>,
}

impl PriorStore {
    /// A store for `matcher` looking back at most `window`.
    pub fn new(matcher: &Match, window: Option<Window>) -> Self {
        let keep_all = matcher.corr.residual.is_some();
        PriorStore { matcher: matcher.clone(), window, keep_all, events: FxHashMap::default() }
    }

    /// Remembers `e` if it is of a looked-for type.
    pub fn record(&mut self, env: &RuleEnv, e: &Event) {
        if !self.matcher.types.contains(&e.kind) {
            return;
        }
        let Some(key) = key_of(e, candidate_keys(&self.matcher.corr.pairs)) else { return };
        let list = self.events.entry(key).or_default();
        if !self.keep_all {
            list.clear();
        } else if let Some(w) = self.window {
            // Drop what no later trigger can reach any more.
            list.retain(|old| within(env, old, e.time, w));
        }
        list.push(e.clone());
    }

    /// The most recent remembered event that `anchor` may rely on.
    pub fn find<'s>(&'s self, env: &RuleEnv, anchor: &Event) -> Option<&'s Event> {
        let key = key_of(anchor, anchor_keys(&self.matcher.corr.pairs))?;
        self.events.get(&key)?.iter().rev().find(|b| {
            let ctx = env.ctx(Some(b), Some(anchor));
            self.window.is_none_or(|w| within(env, b, anchor.time, w))
                && self.matcher.corr.residual.as_ref().is_none_or(|r| r.holds(&ctx))
        })
    }
}

/// True when `t` lies within `w` after `earlier`.
fn within(env: &RuleEnv, earlier: &Event, t: time::Micros, w: Window) -> bool {
    time::due(earlier.time, w.amount, w.unit, env.jur.tz, &env.jur.calendar).is_some_and(|d| d.is_on_time(t))
}

/// The number of the exception exempting `e`, if one does.
fn exempt(env: &RuleEnv, unless: &Exceptions, stores: &[PriorStore], e: &Event) -> Option<usize> {
    let ctx = env.ctx(Some(e), None);
    if let Some(i) = unless.conditions.iter().position(|c| c.holds(&ctx)) {
        return Some(unless.ordinal(ExceptionKind::Condition, i));
    }
    let i = stores.iter().position(|s| s.find(env, e).is_some())?;
    Some(unless.ordinal(ExceptionKind::Prior, i))
}

fn window_text(w: &Option<Window>) -> String {
    match w {
        Some(w) => format!(" within {} {}", w.amount, w.unit.as_str(w.amount != 1)),
        None => String::new(),
    }
}

/// State of a precedence rule.
pub struct PrecedenceState {
    required: PriorStore,
    unless: Vec<PriorStore>,
    priors: PriorConds,
}

impl PrecedenceState {
    /// Empty state for `p`.
    pub fn new(p: &Precedence) -> Self {
        PrecedenceState {
            required: PriorStore::new(&p.required, p.within),
            unless: p.unless.prior.iter().map(|(m, w)| PriorStore::new(m, *w)).collect(),
            priors: PriorConds::new(&p.priors),
        }
    }

    /// The event types the rule reacts to.
    pub fn types(p: &Precedence) -> Vec<Sym> {
        let mut t = vec![p.trigger];
        t.extend(&p.required.types);
        t.extend(p.unless.prior.iter().flat_map(|(m, _)| m.types.iter().copied()));
        t.extend(PriorConds::types(&p.priors));
        t
    }

    /// Judges a trigger at once, then remembers `e` for later triggers.
    pub fn on_event(
        &mut self,
        env: &RuleEnv,
        p: &Precedence,
        e: &Event,
        out: &mut Vec<Instance>,
        exempted: &mut Vec<(usize, usize)>,
    ) {
        if e.kind == p.trigger && env.in_force(e.time) {
            let ctx = env.ctx(Some(e), None);
            let applies = p.condition.as_ref().is_none_or(|c| c.holds(&ctx)) && self.priors.hold(env, e);
            let exemption = if applies { exempt(env, &p.unless, &self.unless, e) } else { None };
            if let Some(ordinal) = exemption {
                exempted.push((env.index, ordinal));
            }
            if applies && exemption.is_none() {
                let keys: Vec<Sym> = anchor_keys(&p.required.corr.pairs).collect();
                let found = self.required.find(env, e).map(EventRef::from);
                let inst = match found {
                    Some(prior) => {
                        let mut i = instance(env, Verdict::Satisfied, Some(e), &keys, "preceded as required");
                        i.evidence = Some(prior);
                        i
                    }
                    None => {
                        let note = format!("no required earlier event{}", window_text(&p.within));
                        let mut i = instance(env, Verdict::Violated, Some(e), &keys, note);
                        i.remedy = remedy(env, None, e.time);
                        i.evidence = Some(EventRef::from(e));
                        i
                    }
                };
                out.push(inst);
            }
        }
        self.required.record(env, e);
        for s in &mut self.unless {
            s.record(env, e);
        }
        self.priors.record(env, e);
    }
}

/// State of a prohibition.
pub struct ProhibitionState {
    unless: Vec<PriorStore>,
    priors: PriorConds,
    keys: Option<Vec<Sym>>,
}

impl ProhibitionState {
    /// Empty state for `p`.
    pub fn new(p: &Prohibition) -> Self {
        let unless = p.unless.prior.iter().map(|(m, w)| PriorStore::new(m, *w)).collect();
        ProhibitionState { unless, priors: PriorConds::new(&p.priors), keys: None }
    }

    /// The event types the rule reacts to.
    pub fn types(p: &Prohibition) -> Vec<Sym> {
        let mut t = vec![p.event];
        t.extend(p.unless.prior.iter().flat_map(|(m, _)| m.types.iter().copied()));
        t.extend(PriorConds::types(&p.priors));
        t
    }

    /// Each event of the forbidden type is an instance: violated when the
    /// condition holds and no exception applies.
    pub fn on_event(
        &mut self,
        env: &RuleEnv,
        p: &Prohibition,
        e: &Event,
        out: &mut Vec<Instance>,
        exempted: &mut Vec<(usize, usize)>,
    ) {
        if e.kind == p.event && env.in_force(e.time) {
            let ctx = env.ctx(Some(e), None);
            let forbidden = p.condition.as_ref().is_none_or(|c| c.holds(&ctx)) && self.priors.hold(env, e);
            let keys = self.keys.get_or_insert_with(|| identity_keys(env)).clone();
            // An exempt event is no instance at all, like an exempt obligation,
            // so that rates over the rule leave it out.
            if !forbidden {
                out.push(instance(env, Verdict::Satisfied, Some(e), &keys, "not forbidden here"));
            } else if let Some(ordinal) = exempt(env, &p.unless, &self.unless, e) {
                exempted.push((env.index, ordinal));
            } else {
                let mut i = instance(env, Verdict::Violated, Some(e), &keys, "a forbidden event happened");
                i.evidence = Some(EventRef::from(e));
                i.remedy = remedy(env, None, e.time);
                out.push(i);
            }
        }
        for s in &mut self.unless {
            s.record(env, e);
        }
        self.priors.record(env, e);
    }
}

/// The attributes naming a prohibition instance: case, customer and call
/// when the policy uses them.
fn identity_keys(env: &RuleEnv) -> Vec<Sym> {
    ["case", "customer", "call"]
        .iter()
        .filter_map(|n| env.names.iter().position(|x| x.as_ref() == *n).map(|p| p as Sym))
        .collect()
}
