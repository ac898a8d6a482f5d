//! The instances of a run, kept for `:check`, `:explain` and `:diff`.
//!
//! A run over a large log decides hundreds of thousands of instances, and
//! the REPL keeps them between commands. An [`Instance`] carries what every
//! report may need; this keeps what the REPL shows: no copy of the
//! attributes (the trigger's are in the event store), the key in a slice of
//! its own length with its attribute names as symbols, the rare remedy
//! boxed. The counts and amounts of the
//! verdict table are summed as the instances arrive, not from these.

use crate::eval::{EventRef, Instance};
use crate::log::{Sym, OTHER};
use crate::syntax::ast::Verdict;
use crate::time::Due;
use crate::value::Val;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use std::borrow::Cow;

/// The symbols of a program's attribute names, to keep keys by symbol.
#[derive(Debug, Default)]
pub struct Symbols(FxHashMap<Box<str>, Sym>);

impl Symbols {
    /// The symbols of `names` (a symbol is its position).
    pub fn new(names: &[Box<str>]) -> Symbols {
        Symbols(names.iter().enumerate().map(|(n, name)| (name.clone(), Sym::try_from(n).unwrap_or(OTHER))).collect())
    }

    /// The symbol of `name` ([`OTHER`] for a name the program does not have).
    pub fn get(&self, name: &str) -> Sym {
        self.0.get(name).copied().unwrap_or(OTHER)
    }
}

/// One decided instance, as the REPL keeps it.
#[derive(Debug, Clone)]
pub struct Kept {
    /// Index of the rule in the program.
    pub rule: u32,
    /// Satisfied, violated or pending.
    pub verdict: Verdict,
    /// What identifies it (`case = "A"`), by attribute symbol.
    pub key: Box<[(Sym, Val)]>,
    /// The triggering (or offending) event.
    pub trigger: Option<EventRef>,
    /// The fulfilling, ending or offending event.
    pub evidence: Option<EventRef>,
    /// The deadline, for obligations.
    pub deadline: Option<Due>,
    /// How late, in microseconds.
    pub lateness: Option<i64>,
    /// Compensation owed: amount and currency.
    pub remedy: Option<Box<(Decimal, String)>>,
    /// A sentence explaining the verdict.
    pub note: Cow<'static, str>,
}

impl Kept {
    /// What the REPL keeps of `i`, its key's names as symbols of `syms`.
    pub fn of(i: &Instance, syms: &Symbols) -> Kept {
        Kept {
            rule: u32::try_from(i.rule).unwrap_or(u32::MAX),
            verdict: i.verdict,
            key: i.key.iter().map(|(k, v)| (syms.get(k.as_str()), v.clone())).collect(),
            trigger: i.trigger,
            evidence: i.evidence,
            deadline: i.deadline,
            lateness: i.lateness,
            remedy: i.remedy.clone().map(Box::new),
            note: i.note.clone(),
        }
    }

    /// The index of its rule.
    pub fn rule(&self) -> usize {
        self.rule as usize
    }
}

#[cfg(test)]
mod tests {
    use super::Kept;

    #[test]
    fn an_instance_is_kept_in_little_room() {
        // What a session holding a large log pays per instance (the key's
        // values are extra, inline up to 24 bytes each).
        assert!(std::mem::size_of::<Kept>() <= 160, "{}", std::mem::size_of::<Kept>());
    }
}
