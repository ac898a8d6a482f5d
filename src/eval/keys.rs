//! Correlation keys: the attribute values that tie an awaited event to its
//! trigger, normalised so that `42` and `"42"` hash alike.

use crate::log::{Event, Sym};
use crate::value::Val;
use smallvec::SmallVec;

/// The values of a correlation, in the order of its key list.
pub type Key = SmallVec<[Val; 2]>;

/// The normal form of a key value: numbers as their decimal text (ids are
/// written either way in real logs); None for an absent value.
fn normal(v: &Val) -> Option<Val> {
    match v {
        Val::Null => None,
        Val::Int(i) => Some(Val::Str(i.to_string().into())),
        Val::Dec(d) => Some(Val::Str(d.normalize().to_string().into())),
        other => Some(other.clone()),
    }
}

/// The key of `event` over `keys`; None when one is absent (such an event
/// correlates with nothing).
pub fn key_of(event: &Event, keys: impl Iterator<Item = Sym>) -> Option<Key> {
    keys.map(|k| normal(event.get(k))).collect()
}

/// The candidate-side keys of correlation pairs.
pub fn candidate_keys(pairs: &[(Sym, Sym)]) -> impl Iterator<Item = Sym> + '_ {
    pairs.iter().map(|(c, _)| *c)
}

/// The anchor-side keys of correlation pairs.
pub fn anchor_keys(pairs: &[(Sym, Sym)]) -> impl Iterator<Item = Sym> + '_ {
    pairs.iter().map(|(_, a)| *a)
}
