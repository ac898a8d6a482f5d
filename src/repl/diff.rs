//! `:diff`: the instances whose verdict changed between two runs.
//!
//! An instance is identified across runs by its rule's name, its key and
//! its trigger's file and line; instances with the same identity (two
//! triggers on one line) are paired in the order they were decided. A run
//! over a large log decides hundreds of thousands of instances, so the two
//! runs are matched by sorting their positions by a hash of the identity
//! (8 bytes per instance), and text is written only for what changed.
//! Equal hashes are confirmed by comparing the identities themselves.

use super::kept::Kept;
use super::verdicts::key_text;
use crate::log::Sym;
use crate::span::display_path;
use crate::syntax::ast::Verdict;
use crate::value::Val;
use rust_decimal::Decimal;
use rustc_hash::FxHasher;
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// The verdicts of a run, with the rule names and log files their
/// identities are written with.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    verdicts: Verdicts,
    rules: Vec<String>,
    /// Attribute names by symbol.
    names: Vec<Box<str>>,
    logs: Vec<PathBuf>,
}

/// A run's instances: shared with the run while it is kept, then only what
/// identifies them and their verdict, so that a session does not hold a
/// whole second run for a later `:diff`.
#[derive(Debug, Clone)]
enum Verdicts {
    Shared(Rc<Vec<Kept>>),
    Brief(Vec<Brief>),
}

impl Default for Verdicts {
    fn default() -> Self {
        Verdicts::Brief(vec![])
    }
}

/// What `:diff` needs of an instance.
#[derive(Debug, Clone)]
struct Brief {
    rule: u32,
    verdict: Verdict,
    key: Box<[(Sym, Val)]>,
    /// The trigger's file and line.
    trigger: Option<(u32, u64)>,
    remedy: Option<Box<(Decimal, String)>>,
}

impl From<Kept> for Brief {
    fn from(k: Kept) -> Self {
        Brief {
            rule: k.rule,
            verdict: k.verdict,
            key: k.key,
            trigger: k.trigger.map(|t| (t.file, t.line)),
            remedy: k.remedy,
        }
    }
}

/// An instance of either form, borrowed.
#[derive(Clone, Copy)]
struct View<'a> {
    rule: u32,
    verdict: Verdict,
    key: &'a [(Sym, Val)],
    trigger: Option<(u32, u64)>,
    remedy: Option<&'a (Decimal, String)>,
}

/// What identifies an instance across runs: symbols differ from run to
/// run, so a key is compared by its attribute names.
struct Identity<'a> {
    rule: &'a str,
    key: &'a [(Sym, Val)],
    names: &'a [Box<str>],
    trigger: Option<(&'a Path, u64)>,
}

impl Identity<'_> {
    fn key(&self) -> impl Iterator<Item = (&str, &Val)> + '_ {
        self.key.iter().map(|(k, v)| (self.names.get(*k as usize).map_or("?", |n| &**n), v))
    }
}

impl PartialEq for Identity<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.rule == other.rule && self.trigger == other.trigger && self.key().eq(other.key())
    }
}

impl Hash for Identity<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.rule.hash(state);
        self.trigger.hash(state);
        for pair in self.key() {
            pair.hash(state);
        }
    }
}

impl Snapshot {
    /// The verdicts of `instances` (shared, not copied).
    pub fn new(instances: &Rc<Vec<Kept>>, rules: Vec<String>, names: Vec<Box<str>>, logs: Vec<PathBuf>) -> Snapshot {
        Snapshot { verdicts: Verdicts::Shared(Rc::clone(instances)), rules, names, logs }
    }

    /// Keeps only what `:diff` needs, taking it from the run's instances
    /// when nothing else holds them (else copying it).
    pub fn brief(&mut self) {
        let verdicts = std::mem::take(&mut self.verdicts);
        self.verdicts = match verdicts {
            Verdicts::Shared(rc) => {
                let mut brief: Vec<Brief> = match Rc::try_unwrap(rc) {
                    Ok(kept) => kept.into_iter().map(Brief::from).collect(),
                    Err(rc) => rc.iter().cloned().map(Brief::from).collect(),
                };
                // Collected in place, in the room of the larger instances.
                brief.shrink_to_fit();
                Verdicts::Brief(brief)
            }
            brief => brief,
        };
    }

    fn len(&self) -> usize {
        match &self.verdicts {
            Verdicts::Shared(k) => k.len(),
            Verdicts::Brief(b) => b.len(),
        }
    }

    /// Instance `n`.
    fn at(&self, n: u32) -> Option<View<'_>> {
        let n = n as usize;
        Some(match &self.verdicts {
            Verdicts::Shared(k) => {
                let k = k.get(n)?;
                View {
                    rule: k.rule,
                    verdict: k.verdict,
                    key: &k.key,
                    trigger: k.trigger.map(|t| (t.file, t.line)),
                    remedy: k.remedy.as_deref(),
                }
            }
            Verdicts::Brief(b) => {
                let b = b.get(n)?;
                View { rule: b.rule, verdict: b.verdict, key: &b.key, trigger: b.trigger, remedy: b.remedy.as_deref() }
            }
        })
    }

    fn identity<'a>(&'a self, i: &View<'a>) -> Identity<'a> {
        Identity {
            rule: self.rules.get(i.rule as usize).map_or("?", String::as_str),
            key: i.key,
            names: &self.names,
            trigger: i
                .trigger
                .map(|(file, line)| (self.logs.get(file as usize).map_or(Path::new("?"), PathBuf::as_path), line)),
        }
    }

    /// The identity as text; the `n`th (from 1) of equal identities gets ` #n`.
    fn id_text(&self, i: &View, n: usize) -> String {
        let rule = self.rules.get(i.rule as usize).map_or("?", String::as_str);
        let mut id = format!("{rule}{}", key_text(i.key, &self.names));
        if let Some((file, line)) = i.trigger {
            let file = self.logs.get(file as usize).map_or_else(|| "?".to_string(), |p| display_path(p));
            let _ = write!(id, " (trigger {})", crate::log::place(&file, line));
        }
        if n > 1 {
            let _ = write!(id, " #{n}");
        }
        id
    }

    /// Its verdict (and remedy).
    fn state(i: &View) -> String {
        let mut state = i.verdict.as_str().to_string();
        if let Some(r) = i.remedy {
            let _ = write!(state, ", remedy {} {}", r.0, r.1);
        }
        state
    }

    /// Positions of the instances sorted by identity hash (then position).
    fn by_hash(&self) -> Vec<(u32, u32)> {
        let n = u32::try_from(self.len()).unwrap_or(u32::MAX);
        let mut out: Vec<(u32, u32)> = (0..n)
            .filter_map(|n| {
                let i = self.at(n)?;
                let mut h = FxHasher::default();
                self.identity(&i).hash(&mut h);
                // Equal hashes are told apart by comparing identities, so 32 bits
                // of hash (8 bytes an instance with its position) are enough.
                Some((h.finish() as u32, n))
            })
            .collect();
        out.sort_unstable();
        out
    }

    /// The instances whose verdict changed from `self` to `now`, one line
    /// each, in the order of their identities: `~ changed` and `- gone`,
    /// then `+ new`. Empty when nothing changed.
    pub fn diff(&self, now: &Snapshot) -> Vec<String> {
        if let (Verdicts::Shared(a), Verdicts::Shared(b)) = (&self.verdicts, &now.verdicts) {
            if Rc::ptr_eq(a, b) {
                return vec![];
            }
        }
        let (before, after) = (self.by_hash(), now.by_hash());
        // (section, identity text, line): section 0 for changed and gone, 1 for new.
        let mut lines: Vec<(u8, String, String)> = vec![];
        let (mut b, mut a) = (0, 0);
        while b < before.len() || a < after.len() {
            let h = match (before.get(b), after.get(a)) {
                (Some(x), Some(y)) => x.0.min(y.0),
                (Some(x), None) | (None, Some(x)) => x.0,
                (None, None) => break,
            };
            let bn = before[b..].iter().take_while(|x| x.0 == h).count();
            let an = after[a..].iter().take_while(|x| x.0 == h).count();
            self.pair(now, &before[b..b + bn], &after[a..a + an], &mut lines);
            b += bn;
            a += an;
        }
        lines.sort();
        lines.into_iter().map(|(_, _, line)| line).collect()
    }

    /// Pairs the instances of one identity hash: each identity's `k`th
    /// before with its `k`th now.
    fn pair(&self, now: &Snapshot, before: &[(u32, u32)], after: &[(u32, u32)], out: &mut Vec<(u8, String, String)>) {
        let mut before: Vec<View> = before.iter().filter_map(|x| self.at(x.1)).collect();
        let mut after: Vec<View> = after.iter().filter_map(|x| now.at(x.1)).collect();
        loop {
            let id = match (before.first(), after.first()) {
                (Some(b), _) => self.identity(b),
                (None, Some(a)) => now.identity(a),
                (None, None) => break,
            };
            let (old, rest_before): (Vec<View>, Vec<View>) = before.iter().partition(|k| self.identity(k) == id);
            let (new, rest_after): (Vec<View>, Vec<View>) = after.iter().partition(|k| now.identity(k) == id);
            for n in 0..old.len().max(new.len()) {
                match (old.get(n), new.get(n)) {
                    (Some(o), Some(w)) => {
                        let (was, is) = (Snapshot::state(o), Snapshot::state(w));
                        if was != is {
                            let id = self.id_text(o, n + 1);
                            out.push((0, id.clone(), format!("~ {id}: {was} → {is}")));
                        }
                    }
                    (Some(o), None) => {
                        let id = self.id_text(o, n + 1);
                        out.push((0, id.clone(), format!("- {id}: was {}", Snapshot::state(o))));
                    }
                    (None, Some(w)) => {
                        let id = now.id_text(w, n + 1);
                        out.push((1, id.clone(), format!("+ {id}: {}", Snapshot::state(w))));
                    }
                    (None, None) => {}
                }
            }
            before = rest_before;
            after = rest_after;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::EventRef;
    use crate::log::Loc;

    /// An instance of rule `rule` for `case` (attribute symbol `sym`)
    /// triggered on `line`.
    fn kept(rule: u32, sym: Sym, case: &str, line: u64, verdict: Verdict) -> Kept {
        Kept {
            rule,
            verdict,
            key: Box::new([(sym, Val::Str(case.into()))]),
            trigger: Some(EventRef::new(Loc { file: 0, line }, 0, 0)),
            evidence: None,
            deadline: None,
            lateness: None,
            remedy: None,
            note: "".into(),
        }
    }

    fn snapshot(kept: Vec<Kept>, names: &[&str]) -> Snapshot {
        let names = names.iter().map(|n| Box::from(*n)).collect();
        Snapshot::new(&Rc::new(kept), vec!["r".into(), "s".into()], names, vec![PathBuf::from("log.jsonl")])
    }

    /// Changed and gone instances in the order of their identities, then
    /// new ones; equal identities paired in order (`#2`); a key compared by
    /// attribute name whatever its symbol in each run; the same lines
    /// whether the earlier run is kept whole or only briefly.
    #[test]
    fn changed_gone_and_new_instances() {
        use Verdict::*;
        let before = vec![
            kept(0, 0, "B", 2, Violated),
            kept(0, 0, "A", 1, Violated),
            kept(0, 0, "A", 1, Satisfied),
            kept(1, 0, "C", 3, Pending),
            kept(1, 0, "E", 5, Pending),
        ];
        let now = vec![
            kept(1, 1, "D", 4, Satisfied),
            kept(0, 1, "A", 1, Violated),
            kept(0, 1, "A", 1, Violated),
            kept(1, 1, "E", 5, Pending),
            kept(0, 1, "B", 2, Satisfied),
        ];
        let expected = [
            "~ r for case \"A\" (trigger log.jsonl:1) #2: satisfied → violated",
            "~ r for case \"B\" (trigger log.jsonl:2): violated → satisfied",
            "- s for case \"C\" (trigger log.jsonl:3): was pending",
            "+ s for case \"D\" (trigger log.jsonl:4): satisfied",
        ];
        let mut before = snapshot(before, &["case"]);
        let now = snapshot(now, &["x", "case"]);
        assert_eq!(before.diff(&now), expected);
        before.brief();
        assert!(matches!(before.verdicts, Verdicts::Brief(_)));
        assert_eq!(before.diff(&now), expected);
        assert!(now.diff(&now).is_empty());
    }
}
