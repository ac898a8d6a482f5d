//! The slicing plan: which rules are evaluated in slices of the log, routed
//! by which attribute of each event type, and which are evaluated at the
//! merge on the whole log.

use crate::eval::ir::{Kind, Match, Obligation, Program};
use crate::log::Sym;
use std::collections::BTreeMap;

/// The most groups of rules a plan routes for (one bit each per routed
/// event); the rules of further groups are evaluated at the merge.
pub const MAX_GROUPS: usize = 64;

/// How the events of one type reach the slices for a group of rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// To the slice of the normalised value of these attributes (an event
    /// lacking one goes to slice 0: it correlates with nothing).
    Key(Vec<Sym>),
    /// To every slice: a look-back event on another key, only remembered.
    Copy,
    /// To one slice by its position in the log: a rule that keeps no state
    /// across events (a prohibition without look-back).
    Spread,
}

/// Where a rule is evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Treatment {
    /// In every slice, on the events routed to it for group `group`.
    Sliced {
        /// Index into [`Plan::groups`].
        group: usize,
    },
    /// At the merge, on every event (or every instance, for a rate).
    Merge {
        /// Why it is not sliced.
        reason: &'static str,
    },
}

/// Rules routed alike: each event type they read has one route.
#[derive(Debug, Clone, Default)]
pub struct Group {
    /// By event type: its route.
    pub routes: BTreeMap<Sym, Route>,
    /// Its rules, in the program's order.
    pub rules: Vec<usize>,
}

/// The slicing plan of a program.
#[derive(Debug, Clone)]
pub struct Plan {
    /// By rule: where it is evaluated.
    pub treatments: Vec<Treatment>,
    /// The groups of sliced rules.
    pub groups: Vec<Group>,
    /// By event type (symbol): the groups reading it, with its route.
    by_type: Vec<Vec<(usize, Route)>>,
}

/// Why a rule is evaluated at the merge.
const RATE: &str = "a rate standard: decided at the merge from the instances of every slice";
const PERIOD: &str = "a period standard over the whole log: evaluated at the merge";
const NO_SHARED_KEY: &str = "its matchers share no correlation key: evaluated at the merge";
const TOO_MANY: &str = "more groups of rules than a plan routes: evaluated at the merge";

impl Plan {
    /// The plan of `program`.
    pub fn new(program: &Program) -> Self {
        let mut groups: Vec<Group> = vec![];
        let mut treatments = Vec::with_capacity(program.rules.len());
        for (i, rule) in program.rules.iter().enumerate() {
            let routes = match routes_of(&rule.kind) {
                Ok(routes) => routes,
                Err(reason) => {
                    treatments.push(Treatment::Merge { reason });
                    continue;
                }
            };
            let fits = |g: &Group| routes.iter().all(|(t, r)| g.routes.get(t).is_none_or(|x| x == r));
            let group = match groups.iter().position(fits) {
                Some(g) => g,
                None if groups.len() < MAX_GROUPS => {
                    groups.push(Group::default());
                    groups.len() - 1
                }
                None => {
                    treatments.push(Treatment::Merge { reason: TOO_MANY });
                    continue;
                }
            };
            if let Some(g) = groups.get_mut(group) {
                g.routes.extend(routes);
                g.rules.push(i);
            }
            treatments.push(Treatment::Sliced { group });
        }
        let mut by_type: Vec<Vec<(usize, Route)>> = vec![vec![]; program.proj.names.len() + 1];
        for (g, group) in groups.iter().enumerate() {
            for (t, route) in &group.routes {
                if let Some(list) = by_type.get_mut(*t as usize) {
                    list.push((g, route.clone()));
                }
            }
        }
        Plan { treatments, groups, by_type }
    }

    /// The groups reading events of type `kind`, with their routes.
    pub fn routes(&self, kind: Sym) -> &[(usize, Route)] {
        self.by_type.get(kind as usize).map_or(&[], Vec::as_slice)
    }

    /// True when rule `rule` is evaluated in the slices.
    pub fn is_sliced(&self, rule: usize) -> bool {
        matches!(self.treatments.get(rule), Some(Treatment::Sliced { .. }))
    }

    /// True when rule `rule` is measured in the slices and decided at the
    /// merge from their parts added up (a delay or share standard).
    pub fn adds_up(&self, program: &Program, rule: usize) -> bool {
        self.is_sliced(rule)
            && program.rules.get(rule).is_some_and(|r| matches!(r.kind, Kind::Delay(_) | Kind::Share(_)))
    }

    /// The group of rule `rule`, if sliced.
    pub fn group_of(&self, rule: usize) -> Option<usize> {
        match self.treatments.get(rule) {
            Some(Treatment::Sliced { group }) => Some(*group),
            _ => None,
        }
    }
}

/// The routes of a rule's event types, or why it cannot be sliced.
fn routes_of(kind: &Kind) -> Result<Vec<(Sym, Route)>, &'static str> {
    match kind {
        Kind::Obligation(o) => obligation_routes(o),
        Kind::Precedence(p) => {
            let lookback = p.priors.iter().map(|c| &c.matcher).chain(p.unless.prior.iter().map(|(m, _)| m));
            keyed_routes(p.trigger, &[&p.required], lookback.collect())
        }
        Kind::Prohibition(p) => {
            let lookback: Vec<&Match> =
                p.priors.iter().map(|c| &c.matcher).chain(p.unless.prior.iter().map(|(m, _)| m)).collect();
            if lookback.is_empty() {
                return Ok(vec![(p.event, Route::Spread)]);
            }
            // Keyed by the look-back's key when one is shared, else the
            // forbidden events spread and the look-back copied.
            for anchor in anchors(&lookback) {
                if let Some(routes) = assign(p.event, anchor, &[], &lookback) {
                    return Ok(routes);
                }
            }
            let mut routes = vec![(p.event, Route::Spread)];
            for m in &lookback {
                for t in &m.types {
                    add(&mut routes, *t, Route::Copy).ok_or(NO_SHARED_KEY)?;
                }
            }
            Ok(routes)
        }
        Kind::Aggregate(a) => Ok(vec![(a.event, Route::Key(a.keys.clone()))]),
        Kind::Rate(_) => Err(RATE),
        // Each delay is measured in the slice of its key; the slices' delays
        // per period add up at the merge, which decides the periods.
        Kind::Delay(d) => keyed_routes(d.from, &[&d.to], vec![]),
        // Whole counts per period: the events spread, the counts add up.
        Kind::Share(s) => Ok(vec![(s.event, Route::Spread)]),
        Kind::PeriodCount(_) | Kind::PeriodField(_) => Err(PERIOD),
    }
}

/// An obligation or recurring duty: every matcher that closes or changes
/// an open instance must correlate on the routing key; look-back matchers
/// on another key are copied.
fn obligation_routes(o: &Obligation) -> Result<Vec<(Sym, Route)>, &'static str> {
    let mut closing: Vec<&Match> = vec![&o.awaited];
    match &o.every {
        Some(every) => closing.push(&every.until),
        None => {
            closing.extend(&o.before);
            closing.extend(&o.unless.events);
            closing.extend(&o.window_forbids);
            closing.extend(o.extensions.iter().map(|x| &x.matcher));
        }
    }
    let lookback = o.priors.iter().map(|c| &c.matcher).chain(o.unless.prior.iter().map(|(m, _)| m));
    keyed_routes(o.trigger, &closing, lookback.collect())
}

/// Routes keyed by an anchor attribute that every `closing` matcher
/// correlates on (the first that fits, in the first matcher's order).
fn keyed_routes(anchor: Sym, closing: &[&Match], lookback: Vec<&Match>) -> Result<Vec<(Sym, Route)>, &'static str> {
    let first = closing.first().map_or(&[][..], |m| &m.corr.pairs[..]);
    first.iter().map(|(_, a)| *a).find_map(|a| assign(anchor, a, closing, &lookback)).ok_or(NO_SHARED_KEY)
}

/// The anchor attributes the look-back matchers correlate on, each once.
fn anchors(matchers: &[&Match]) -> Vec<Sym> {
    let mut out: Vec<Sym> = vec![];
    for (_, a) in matchers.iter().flat_map(|m| &m.corr.pairs) {
        if !out.contains(a) {
            out.push(*a);
        }
    }
    out
}

/// The routes when the anchor event (type `anchor`) is routed by its
/// attribute `key`: each closing matcher by its attribute paired with
/// `key` (None when one has none), each look-back likewise or else copied;
/// None when a type would need two routes.
fn assign(anchor: Sym, key: Sym, closing: &[&Match], lookback: &[&Match]) -> Option<Vec<(Sym, Route)>> {
    let paired = |m: &Match| m.corr.pairs.iter().find(|(_, a)| *a == key).map(|(c, _)| Route::Key(vec![*c]));
    let mut routes = vec![(anchor, Route::Key(vec![key]))];
    for m in closing {
        let route = paired(m)?;
        for t in &m.types {
            add(&mut routes, *t, route.clone())?;
        }
    }
    for m in lookback {
        let route = paired(m).unwrap_or(Route::Copy);
        for t in &m.types {
            add(&mut routes, *t, route.clone())?;
        }
    }
    Some(routes)
}

/// Adds the route of type `t`; None when it already has another.
fn add(routes: &mut Vec<(Sym, Route)>, t: Sym, route: Route) -> Option<()> {
    match routes.iter().find(|(x, _)| *x == t) {
        Some((_, r)) if *r != route => None,
        Some(_) => Some(()),
        None => {
            routes.push((t, route));
            Some(())
        }
    }
}
