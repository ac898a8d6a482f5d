//! Per-key aggregates: `per case: count(call_transferred) <= 2`.

use super::emit::{instance, owe};
use super::engine::RuleEnv;
use super::expr::compare;
use super::ir::Aggregate;
use super::keys::{key_of, Key};
use super::verdict::{EventRef, Instance};
use crate::log::{Event, Sym};
use crate::syntax::ast::{AggFn, CmpOp, Verdict};
use crate::value::Val;
use rustc_hash::{FxHashMap, FxHashSet};
use smallvec::SmallVec;

/// The running value of one key, kept small: a log may hold millions of
/// keys (cases), and this is all the rule remembers of each.
struct Acc {
    /// The first event of the key, which names the instance.
    first: EventRef,
    /// The customer of the first event (owed the remedy).
    customer: Val,
    count: i64,
    /// What `distinct` and `average` need beyond the running value, out of
    /// line (most aggregates are counts).
    extra: Option<Box<Extra>>,
    value: Val,
    /// The event that first broke an upper bound.
    breach: Option<EventRef>,
    /// The last event of the key.
    last: EventRef,
}

/// The state of an aggregate beyond its running value.
enum Extra {
    /// The values seen, for `distinct`.
    Distinct(FxHashSet<Val>),
    /// The sum of the values present (None once it overflowed) and their
    /// number, for `average`.
    Mean { sum: Option<rust_decimal::Decimal>, n: i64 },
}

/// Keys decided per call of [`AggregateState::finish`]: the engine hands
/// each batch on before asking for the next, so that deciding millions of
/// keys never holds all their instances at once.
const FINISH_BATCH: usize = 4096;

/// Keys and their running values, in first-seen order, as they are decided.
type Left = std::iter::Zip<std::vec::IntoIter<Option<Key>>, std::vec::IntoIter<Acc>>;

/// State of an aggregate rule.
#[derive(Default)]
pub struct AggregateState {
    /// Running values in first-seen order (the order keys are reported in),
    /// so deciding them needs no sorting and no second copy.
    accs: Vec<Acc>,
    /// Where each key's running value is in `accs`.
    index: FxHashMap<Key, u32>,
    /// Counts alone, when nothing else of an instance is read: the verdict
    /// of a count needs no more, and a key costs a few dozen bytes.
    counts: Option<FxHashMap<Key, i64>>,
    /// Keys still to decide, once deciding has begun.
    left: Option<Left>,
    counts_left: Option<std::collections::hash_map::IntoIter<Key, i64>>,
}

impl AggregateState {
    /// Empty state. `verdicts_only`: the instances' verdicts are all that is
    /// read of them (no details, no remedy, no rate measuring the rule), so
    /// a `count` keeps only its number per key.
    pub fn new(a: &Aggregate, verdicts_only: bool) -> Self {
        let counts = (verdicts_only && a.func == AggFn::Count).then(FxHashMap::default);
        AggregateState { counts, ..AggregateState::default() }
    }

    /// Adds `e` to its key.
    pub fn on_event(&mut self, env: &RuleEnv, a: &Aggregate, e: &Event) {
        if e.kind != a.event || !env.in_force(e.time) {
            return;
        }
        if a.condition.as_ref().is_some_and(|c| !c.holds(&env.ctx(Some(e), None))) {
            return;
        }
        // Events without the key are not counted.
        let Some(key) = key_of(e, a.keys.iter().copied()) else { return };
        if let Some(counts) = &mut self.counts {
            *counts.entry(key).or_default() += 1;
            return;
        }
        let field = a.field.map(|f| e.get(f).clone());
        if a.func != AggFn::Count && field.as_ref().is_none_or(|v| *v == Val::Null) {
            return;
        }
        let next = self.accs.len();
        let at = *self.index.entry(key).or_insert(next as u32) as usize;
        if at == next {
            self.accs.push(Acc {
                first: EventRef::from(e),
                customer: env.customer.map_or(Val::Null, |c| e.get(c).clone()),
                count: 0,
                extra: None,
                value: Val::Null,
                breach: None,
                last: EventRef::from(e),
            });
        }
        let Some(acc) = self.accs.get_mut(at) else { return };
        acc.count += 1;
        acc.last = EventRef::from(e);
        let v = field.unwrap_or(Val::Null);
        acc.value = match a.func {
            AggFn::Count => Val::Int(acc.count),
            AggFn::Distinct => {
                let extra = acc.extra.get_or_insert_with(|| Box::new(Extra::Distinct(FxHashSet::default())));
                match extra.as_mut() {
                    Extra::Distinct(set) => {
                        set.insert(v);
                        Val::Int(set.len() as i64)
                    }
                    Extra::Mean { .. } => Val::Null,
                }
            }
            AggFn::Sum => match &acc.value {
                Val::Null => v,
                old => super::expr::arith(crate::syntax::ast::BinOp::Add, old.clone(), v),
            },
            AggFn::Min => pick(&acc.value, v, std::cmp::Ordering::Less),
            AggFn::Max => pick(&acc.value, v, std::cmp::Ordering::Greater),
            // The exact mean of the values present: their sum over their
            // number, checked (an overflow leaves no value, for good).
            AggFn::Average | AggFn::Percentile => match v.as_decimal() {
                None => acc.value.clone(),
                Some(x) => {
                    let zero = Extra::Mean { sum: Some(rust_decimal::Decimal::ZERO), n: 0 };
                    match acc.extra.get_or_insert_with(|| Box::new(zero)).as_mut() {
                        Extra::Mean { sum, n } => {
                            *sum = sum.and_then(|s| s.checked_add(x));
                            *n += 1;
                            sum.and_then(|s| s.checked_div(rust_decimal::Decimal::from(*n))).map_or(Val::Null, Val::Dec)
                        }
                        Extra::Distinct(_) => Val::Null,
                    }
                }
            },
        };
        // Under an upper bound the event that crossed it is the evidence;
        // other bounds are judged on the final value, shown by the last event.
        let upper = matches!(a.op, CmpOp::Le | CmpOp::Lt);
        if upper && acc.breach.is_none() && !compare(a.op, &acc.value, &a.bound) {
            acc.breach = Some(EventRef::from(e));
        }
    }

    /// One instance per key: the final value against the bound. Decides a
    /// batch of keys; true when some are left for the next call.
    pub fn finish(&mut self, env: &RuleEnv, a: &Aggregate, out: &mut Vec<Instance>) -> bool {
        if let Some(counts) = self.counts.take() {
            self.counts_left = Some(counts.into_iter());
        }
        if let Some(left) = &mut self.counts_left {
            for (_, count) in left.by_ref().take(FINISH_BATCH) {
                let ok = compare(a.op, &Val::Int(count), &a.bound);
                let verdict = if ok { Verdict::Satisfied } else { Verdict::Violated };
                out.push(instance(env, verdict, None, &[], "count against the bound"));
            }
            return left.len() > 0;
        }
        let left = self.left.get_or_insert_with(|| {
            let mut keys: Vec<Option<Key>> = vec![None; self.accs.len()];
            for (key, at) in self.index.drain() {
                if let Some(place) = keys.get_mut(at as usize) {
                    *place = Some(key);
                }
            }
            keys.into_iter().zip(std::mem::take(&mut self.accs))
        });
        for (key, acc) in left.by_ref().take(FINISH_BATCH) {
            let Some(key) = key else { continue };
            let ok = compare(a.op, &acc.value, &a.bound);
            let verdict = if ok { Verdict::Satisfied } else { Verdict::Violated };
            let note = format!("{} is {}, bound {} {}", a.func.as_str(), acc.value, a.op.as_str(), a.bound);
            // The instance is named by the key (and owed to the customer).
            let mut attrs: SmallVec<[(Sym, Val); 4]> = a.keys.iter().copied().zip(key.values(a.keys.len())).collect();
            if let Some(c) = env.customer.filter(|c| !a.keys.contains(c)) {
                attrs.push((c, acc.customer.clone()));
            }
            let subject = Event { time: acc.first.time, kind: a.event, attrs, loc: acc.first.loc };
            let mut inst = instance(env, verdict, Some(&subject), &a.keys, note);
            if !ok {
                inst.evidence = acc.breach.or(Some(acc.last));
                owe(&mut inst, env, None, acc.first.time, Some(&subject));
            }
            out.push(inst);
        }
        left.len() > 0
    }
}

/// The smaller (`Less`) or larger (`Greater`) of two values.
fn pick(old: &Val, new: Val, want: std::cmp::Ordering) -> Val {
    match new.compare(old) {
        Some(o) if o == want => new,
        _ if *old == Val::Null => new,
        _ => old.clone(),
    }
}
