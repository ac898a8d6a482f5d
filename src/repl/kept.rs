//! The instances of a run, kept for `:check`, `:explain` and `:diff`.
//!
//! A run over a large log decides hundreds of thousands of instances, and
//! the REPL keeps them between commands. An [`Instance`] carries what every
//! report may need; this keeps what the REPL shows: no copy of the
//! attributes (the trigger's are in the event store), the key in a slice of
//! its own length, the rare remedy boxed. The counts and amounts of the
//! verdict table are summed as the instances arrive, not from these.

use crate::eval::{EventRef, Instance};
use crate::syntax::ast::Verdict;
use crate::time::Due;
use crate::value::Val;
use compact_str::CompactString;
use rust_decimal::Decimal;
use std::borrow::Cow;

/// One decided instance, as the REPL keeps it.
#[derive(Debug, Clone)]
pub struct Kept {
    /// Index of the rule in the program.
    pub rule: u32,
    /// Satisfied, violated or pending.
    pub verdict: Verdict,
    /// What identifies it (`case = "A"`).
    pub key: Box<[(CompactString, Val)]>,
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
    /// What the REPL keeps of `i`.
    pub fn of(i: &Instance) -> Kept {
        Kept {
            rule: u32::try_from(i.rule).unwrap_or(u32::MAX),
            verdict: i.verdict,
            key: i.key.clone().into_boxed_slice(),
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
