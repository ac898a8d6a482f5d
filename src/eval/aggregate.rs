//! Per-key aggregates: `per case: count(call_transferred) <= 2`.

use super::emit::{instance, owe};
use super::engine::RuleEnv;
use super::expr::compare;
use super::ir::Aggregate;
use super::keyed::{Keyed, Ordered};
use super::keys::key_of;
use super::verdict::{EventRef, Instance};
use crate::log::{Event, Loc, Sym};
use crate::syntax::ast::{AggFn, CmpOp, Verdict};
use crate::value::Val;
use rustc_hash::FxHashSet;
use smallvec::SmallVec;

/// The running value of one key, kept small (56 bytes, 80 with its key): a
/// log may hold millions of keys (cases), and this is all the rule
/// remembers of each. What few keys have lives out of line, by index.
struct Acc {
    /// The first event of the key, which names the instance: its time,
    /// line and file (an [`EventRef`] split so the record packs tightly).
    first_time: crate::time::Micros,
    first_line: u64,
    count: i64,
    first_file: u32,
    /// Where the event shown as evidence is in [`AggregateState::shown`]
    /// (`NONE` while there is none): under an upper bound the event that
    /// first broke it, which few keys have; otherwise the last event.
    shown: u32,
    /// The customer of the first event (owed the remedy).
    customer: Val,
}

/// No event shown yet.
const NONE: u32 = u32::MAX;

/// The state of an aggregate other than a count.
struct Extra {
    value: Val,
    more: More,
}

/// What some aggregates need beyond their running value.
enum More {
    Nothing,
    /// The values seen, for `distinct`.
    Distinct(FxHashSet<Val>),
    /// The sum of the values present (None once it overflowed) and their
    /// number, for `average`.
    Mean {
        sum: Option<rust_decimal::Decimal>,
        n: i64,
    },
}

impl Acc {
    /// The first event of the key, of type `kind`.
    fn first(&self, kind: Sym) -> EventRef {
        EventRef::new(Loc { file: self.first_file, line: self.first_line }, self.first_time, kind)
    }
}

/// State of an aggregate rule.
#[derive(Default)]
pub struct AggregateState {
    /// Running values by key, in first-seen order (the order keys are
    /// reported in), so deciding them needs no sorting and no second copy.
    accs: Keyed<Acc>,
    /// The events shown as evidence, for the keys that have one.
    shown: Vec<EventRef>,
    /// The running values of an aggregate other than a count (whose value
    /// is the count), one per key in the keys' order.
    extras: Vec<Extra>,
    /// Counts alone, when nothing else of an instance is read: the verdict
    /// of a count needs no more, and a key costs a few dozen bytes.
    counts: Option<Keyed<i64>>,
    /// Keys still to decide, once deciding has begun.
    left: Option<Ordered<Acc>>,
    extras_left: Option<std::vec::IntoIter<Extra>>,
    counts_left: Option<Ordered<i64>>,
}

impl AggregateState {
    /// Empty state. `verdicts_only`: the instances' verdicts are all that is
    /// read of them (no details, no remedy, no rate measuring the rule), so
    /// a `count` keeps only its number per key.
    pub fn new(a: &Aggregate, verdicts_only: bool) -> Self {
        let counts = (verdicts_only && a.func == AggFn::Count).then(Keyed::default);
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
            if let Some(count) = counts.get_or_insert_with(key, || 0) {
                *count += 1;
            }
            return;
        }
        let field = a.field.map(|f| e.get(f).clone());
        if a.func != AggFn::Count && field.as_ref().is_none_or(|v| *v == Val::Null) {
            return;
        }
        let Some((at, acc)) = self.accs.position_or_insert_with(key, || Acc {
            first_time: e.time,
            first_line: e.loc.line,
            count: 0,
            first_file: e.loc.file,
            shown: NONE,
            customer: env.customer.map_or(Val::Null, |c| e.get(c).clone()),
        }) else {
            return;
        };
        acc.count += 1;
        let value = if a.func == AggFn::Count {
            Val::Int(acc.count)
        } else {
            if at == self.extras.len() {
                let more = match a.func {
                    AggFn::Distinct => More::Distinct(FxHashSet::default()),
                    AggFn::Average | AggFn::Percentile => More::Mean { sum: Some(rust_decimal::Decimal::ZERO), n: 0 },
                    AggFn::Count | AggFn::Sum | AggFn::Min | AggFn::Max => More::Nothing,
                };
                self.extras.push(Extra { value: Val::Null, more });
            }
            let Some(extra) = self.extras.get_mut(at) else { return };
            extra.add(a.func, field.unwrap_or(Val::Null));
            extra.value.clone()
        };
        // Under an upper bound the event that crossed it is the evidence;
        // other bounds are judged on the final value, shown by the last event.
        let upper = matches!(a.op, CmpOp::Le | CmpOp::Lt);
        let show = if upper { acc.shown == NONE && !compare(a.op, &value, &a.bound) } else { true };
        if show {
            match self.shown.get_mut(acc.shown as usize) {
                Some(place) => *place = EventRef::from(e),
                None => acc.shown = index_of_push(&mut self.shown, EventRef::from(e)),
            }
        }
    }

    /// One instance per key: the final value against the bound. Decides a
    /// batch of keys; true when some are left for the next call.
    pub fn finish(&mut self, env: &RuleEnv, a: &Aggregate, out: &mut Vec<Instance>) -> bool {
        if let Some(counts) = self.counts.take() {
            self.counts_left = Some(counts.into_ordered());
        }
        if let Some(left) = &mut self.counts_left {
            for (_, count) in left.by_ref().take(super::FINISH_BATCH) {
                let ok = compare(a.op, &Val::Int(count), &a.bound);
                let verdict = if ok { Verdict::Satisfied } else { Verdict::Violated };
                out.push(instance(env, verdict, None, &[], "count against the bound"));
            }
            return left.len() > 0;
        }
        let left = self.left.get_or_insert_with(|| std::mem::take(&mut self.accs).into_ordered());
        let extras = self.extras_left.get_or_insert_with(|| std::mem::take(&mut self.extras).into_iter());
        for (key, acc) in left.by_ref().take(super::FINISH_BATCH) {
            // Keys and running values come in the same (first-seen) order.
            let value =
                if a.func == AggFn::Count { Val::Int(acc.count) } else { extras.next().map_or(Val::Null, |x| x.value) };
            let ok = compare(a.op, &value, &a.bound);
            let verdict = if ok { Verdict::Satisfied } else { Verdict::Violated };
            // Only the details of violations are read unless the engine is
            // detailed: a million satisfied keys need no sentence each.
            let note: std::borrow::Cow<'static, str> = if ok && !env.detailed {
                "within the bound".into()
            } else {
                format!("{} is {}, bound {} {}", a.func.as_str(), value, a.op.as_str(), a.bound).into()
            };
            // The instance is named by the key (and owed to the customer).
            let first = acc.first(a.event);
            let mut attrs: SmallVec<[(Sym, Val); 4]> = a.keys.iter().copied().zip(key.values(a.keys.len())).collect();
            if let Some(c) = env.customer.filter(|c| !a.keys.contains(c)) {
                attrs.push((c, acc.customer));
            }
            let subject = Event { time: first.time, kind: a.event, attrs, loc: first.loc() };
            let mut inst = instance(env, verdict, Some(&subject), &a.keys, note);
            if !ok {
                inst.evidence = self.shown.get(acc.shown as usize).copied();
                owe(&mut inst, env, None, first.time, Some(&subject));
            }
            out.push(inst);
        }
        left.len() > 0
    }
}

impl Extra {
    /// Adds value `v` (Null when the event lacks the field) of function `f`.
    fn add(&mut self, f: AggFn, v: Val) {
        self.value = match (f, &mut self.more) {
            (AggFn::Distinct, More::Distinct(set)) => {
                set.insert(v);
                Val::Int(set.len() as i64)
            }
            (AggFn::Sum, _) => match &self.value {
                Val::Null => v,
                old => super::expr::arith(crate::syntax::ast::BinOp::Add, old.clone(), v),
            },
            (AggFn::Min, _) => pick(&self.value, v, std::cmp::Ordering::Less),
            (AggFn::Max, _) => pick(&self.value, v, std::cmp::Ordering::Greater),
            // The exact mean of the values present: their sum over their
            // number, checked (an overflow leaves no value, for good).
            (AggFn::Average | AggFn::Percentile, More::Mean { sum, n }) => match v.as_decimal() {
                None => return,
                Some(x) => {
                    *sum = sum.and_then(|s| s.checked_add(x));
                    *n += 1;
                    sum.and_then(|s| s.checked_div(rust_decimal::Decimal::from(*n))).map_or(Val::Null, Val::Dec)
                }
            },
            _ => Val::Null,
        };
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

/// Pushes `item` and returns its index, or `NONE` (and pushes nothing) when
/// `u32` cannot number it: four billion keys would need hundreds of
/// gigabytes first.
fn index_of_push<T>(items: &mut Vec<T>, item: T) -> u32 {
    match u32::try_from(items.len()) {
        Ok(i) if i != NONE => {
            items.push(item);
            i
        }
        _ => NONE,
    }
}
