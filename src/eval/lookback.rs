//! Conditions on earlier events: `when A as r where [not] prior B where
//! ... within D`, and the same on a forbidden event.
//!
//! Each condition keeps a [`PriorStore`] of the events it may find, the
//! look-back store of `unless prior` and `require prior`. An event is
//! judged before it is recorded, so a trigger never finds itself.
//! [`admit`] puts the conditions and exceptions of a trigger together for
//! obligations and recurring duties.

use super::engine::RuleEnv;
use super::ir::{ExceptionKind, Obligation, PriorCond};
use super::prior::PriorStore;
use crate::log::{Event, Sym};

/// The look-back stores of a rule's prior conditions.
pub struct PriorConds {
    stores: Vec<(PriorStore, bool)>,
}

impl PriorConds {
    /// Empty stores for `conds`.
    pub fn new(conds: &[PriorCond]) -> Self {
        PriorConds { stores: conds.iter().map(|c| (PriorStore::new(&c.matcher, c.within), c.negated)).collect() }
    }

    /// The event types the conditions look for.
    pub fn types(conds: &[PriorCond]) -> impl Iterator<Item = Sym> + '_ {
        conds.iter().flat_map(|c| c.matcher.types.iter().copied())
    }

    /// True when every condition holds for `anchor`: a matching earlier
    /// event exists (none, for `not prior`).
    pub fn hold(&self, env: &RuleEnv, anchor: &Event) -> bool {
        self.stores.iter().all(|(s, negated)| s.find(env, anchor).is_some() != *negated)
    }

    /// Remembers `e` for later anchors.
    pub fn record(&mut self, env: &RuleEnv, e: &Event) {
        for (s, _) in &mut self.stores {
            s.record(env, e);
        }
    }
}

/// What a trigger does to a rule with a deadline (an obligation or a
/// recurring duty).
pub(super) enum Admission {
    /// Its condition, or a condition on earlier events, fails.
    NoInstance,
    /// Exception number `n` exempts it.
    Exempt(usize),
    /// It opens an instance.
    Open,
}

/// Whether trigger `e` opens an instance of `o`, given the look-back stores
/// of its `where prior` conditions and of its `unless prior` exceptions.
pub(super) fn admit(
    env: &RuleEnv,
    o: &Obligation,
    priors: &PriorConds,
    unless_prior: &[PriorStore],
    e: &Event,
) -> Admission {
    let ctx = env.ctx(Some(e), None);
    if o.condition.as_ref().is_some_and(|c| !c.holds(&ctx)) || !priors.hold(env, e) {
        return Admission::NoInstance;
    }
    if let Some(i) = o.unless.conditions.iter().position(|c| c.holds(&ctx)) {
        return Admission::Exempt(o.unless.ordinal(ExceptionKind::Condition, i));
    }
    if let Some(i) = unless_prior.iter().position(|s| s.find(env, e).is_some()) {
        return Admission::Exempt(o.unless.ordinal(ExceptionKind::Prior, i));
    }
    Admission::Open
}
