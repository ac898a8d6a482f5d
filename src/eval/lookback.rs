//! Conditions on earlier events: `when A as r where [not] prior B where
//! ... within D`, and the same on a forbidden event.
//!
//! Each condition keeps a [`PriorStore`] of the events it may find, the
//! look-back store of `unless prior` and `require prior`. An event is
//! judged before it is recorded, so a trigger never finds itself.

use super::engine::RuleEnv;
use super::ir::PriorCond;
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
