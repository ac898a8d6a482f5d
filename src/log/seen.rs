//! Which event types a log holds, recorded while it is read.
//!
//! A misspelled event type in a policy (`when "Create fine"` where the log
//! says `Create Fine`) matches nothing and gives no verdict at all. To warn
//! about it, a run must know which types the log holds. Each parser thread
//! records what it meets as it resolves each event's type ([`Met`]): the
//! types the policy names by symbol ([`TypesSeen`], one bit each), the
//! names of the others in a small set ([`Unnamed`]); the threads' records
//! are merged once, when each is done. Nothing is allocated per event: a
//! name is copied only the first time a thread meets it.

use super::event::{Sym, OTHER};
use rustc_hash::FxHashSet;

/// The most distinct type names the policy does not name that a read
/// keeps. Real logs have a few dozen activities; a log with a distinct
/// type per event (an identifier in the wrong column) stops being recorded
/// here, so memory stays bounded.
pub const MAX_UNNAMED_TYPES: usize = 4096;

/// The event types the policy names that some event read has, as a bit
/// set over their symbols.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypesSeen {
    words: Vec<u64>,
}

impl TypesSeen {
    /// Marks `kind` as seen ([`OTHER`] is not recorded).
    #[inline]
    pub fn insert(&mut self, kind: Sym) {
        if kind == OTHER {
            return;
        }
        let word = kind as usize / 64;
        if word >= self.words.len() {
            self.words.resize(word + 1, 0);
        }
        if let Some(w) = self.words.get_mut(word) {
            *w |= 1 << (kind % 64);
        }
    }

    /// Whether an event of type `kind` was read.
    pub fn contains(&self, kind: Sym) -> bool {
        self.words.get(kind as usize / 64).is_some_and(|w| w & (1 << (kind % 64)) != 0)
    }

    /// Adds the types of `other`.
    fn union(&mut self, other: &TypesSeen) {
        if self.words.len() < other.words.len() {
            self.words.resize(other.words.len(), 0);
        }
        for (w, o) in self.words.iter_mut().zip(&other.words) {
            *w |= o;
        }
    }
}

/// The event types one reader thread met.
#[derive(Debug, Default)]
pub(crate) struct Met {
    /// The types the policy names.
    pub named: TypesSeen,
    /// The names of the others.
    pub unnamed: Unnamed,
}

impl Met {
    /// Adds what another thread met.
    pub fn absorb(&mut self, other: Met) {
        self.named.union(&other.named);
        self.unnamed.absorb(other.unnamed);
    }
}

/// The distinct names of event types the policy neither names nor
/// declares, as one reader thread met them (at most
/// [`MAX_UNNAMED_TYPES`]).
#[derive(Debug, Default)]
pub(crate) struct Unnamed {
    names: FxHashSet<Box<[u8]>>,
    /// Whether a name was left out because the set was full.
    full: bool,
}

impl Unnamed {
    /// Records `name`, unless it is known or the set is full.
    #[inline]
    pub fn note(&mut self, name: &[u8]) {
        if self.full || self.names.contains(name) {
            return;
        }
        if self.names.len() >= MAX_UNNAMED_TYPES {
            self.full = true;
            return;
        }
        self.names.insert(name.into());
    }

    /// Adds the names another thread met.
    pub fn absorb(&mut self, other: Unnamed) {
        self.full |= other.full;
        for name in other.names {
            self.note(&name);
        }
    }

    /// The names, sorted, and whether some were left out.
    pub fn into_sorted(self) -> (Vec<String>, bool) {
        let mut names: Vec<String> = self.names.iter().map(|n| String::from_utf8_lossy(n).into_owned()).collect();
        names.sort_unstable();
        (names, self.full)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_seen_is_a_bit_set_that_ignores_other() {
        let mut seen = TypesSeen::default();
        seen.insert(3);
        seen.insert(130);
        seen.insert(OTHER);
        assert!(seen.contains(3) && seen.contains(130));
        assert!(!seen.contains(4) && !seen.contains(OTHER) && !seen.contains(1000));
        let mut all = TypesSeen::default();
        all.insert(4);
        all.union(&seen);
        assert!(all.contains(3) && all.contains(4) && all.contains(130));
    }

    #[test]
    fn unnamed_keeps_distinct_names_up_to_the_limit() {
        let mut a = Unnamed::default();
        a.note(b"Create Fine");
        a.note(b"Create Fine");
        let mut b = Unnamed::default();
        b.note(b"Appeal");
        a.absorb(b);
        assert_eq!(a.into_sorted(), (vec!["Appeal".to_string(), "Create Fine".to_string()], false));
        let mut many = Unnamed::default();
        for i in 0..MAX_UNNAMED_TYPES + 10 {
            many.note(i.to_string().as_bytes());
        }
        let (names, full) = many.into_sorted();
        assert_eq!((names.len(), full), (MAX_UNNAMED_TYPES, true));
    }
}
