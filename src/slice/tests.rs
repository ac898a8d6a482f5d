//! The plan of each rule shape, the routing hash on normalised keys, and a
//! rule that cannot be sliced evaluated at the merge with the same result.

use super::plan::{Plan, Route, Treatment};
use super::route::{route, slice_of_key};
use super::{run, Slicing};
use crate::eval::keys::key_of;
use crate::eval::{program_of, Collect, Engine, Program};
use crate::log::{Event, Loc};
use crate::value::Val;

const POLICY: &str = r#"jurisdiction T "Test"
  timezone "UTC"

event asked { case: id, customer: id }
event answered { case: id }
event call_started { call: id, case: id }
event call_ended { call: id }
event opted_in { customer: id }
event refused { customer: id }
event transferred { case: id }
event score { value: int }

rule answer "Questions are answered within a day" cites "test" {
  when asked as a where prior opted_in where customer == a.customer
  require answered where case == a.case within 24 hours
}

rule during_call "Answered before the call ends" cites "test" {
  when call_started as c
  require answered where case == c.case before call_ended where call == c.call
}

rule no_refusal "No refusal" cites "test" {
  forbid refused
}

rule few_transfers "At most one transfer" cites "test" {
  per case: count(transferred) <= 1
}

rule answer_time "Answers come within an hour on average" cites "test" {
  per month: average(delay from asked as a to answered where case == a.case) <= 1 hours
}

rule high_scores "Half the scores are high" cites "test" {
  per month: share(score as s where s.value >= 12) >= 50%
}

rule scores "Few scores" cites "test" {
  per month: count(score) <= 1
}
"#;

fn program() -> Program {
    program_of(POLICY)
}

fn rule(program: &Program, name: &str) -> usize {
    program.rules.iter().position(|r| r.name == name).unwrap_or(usize::MAX)
}

#[test]
fn each_shape_is_sliced_by_its_key_or_kept_at_the_merge() {
    let program = program();
    let plan = Plan::new(&program);
    let sym = |n: &str| program.proj.keys.get(n).copied().or_else(|| program.proj.types.get(n).copied()).unwrap();
    let group = |name: &str| plan.group_of(rule(&program, name)).map(|g| &plan.groups[g]);
    let answer = group("answer").unwrap();
    assert_eq!(answer.routes[&sym("asked")], Route::Key(vec![sym("case")]));
    assert_eq!(answer.routes[&sym("answered")], Route::Key(vec![sym("case")]));
    // The look-back correlates on another key: copied, only remembered.
    assert_eq!(answer.routes[&sym("opted_in")], Route::Copy);
    assert_eq!(group("no_refusal").unwrap().routes[&sym("refused")], Route::Spread);
    assert_eq!(group("few_transfers").unwrap().routes[&sym("transferred")], Route::Key(vec![sym("case")]));
    // Each delay measured in its case's slice, the periods decided at the merge.
    assert!(plan.adds_up(&program, rule(&program, "answer_time")));
    // Shares count whole events: spread, the counts added up at the merge.
    assert!(plan.adds_up(&program, rule(&program, "high_scores")));
    assert_eq!(group("high_scores").unwrap().routes[&sym("score")], Route::Spread);
    assert_eq!(group("answer_time").unwrap().routes[&sym("answered")], Route::Key(vec![sym("case")]));
    for name in ["during_call", "scores"] {
        assert!(matches!(plan.treatments[rule(&program, name)], Treatment::Merge { .. }), "{name}");
    }
}

#[test]
fn a_number_and_its_text_land_in_the_same_slice() {
    let program = program();
    let case = program.proj.keys["case"];
    let event = |v: Val| Event { time: 0, kind: 0, attrs: [(case, v)].into_iter().collect(), loc: Loc::default() };
    let (n, s) =
        (key_of(&event(Val::Int(42)), [case].into_iter()), key_of(&event(Val::Str("42".into())), [case].into_iter()));
    let (n, s) = (n.unwrap(), s.unwrap());
    for slices in [1, 2, 3, 5, 16, 1000] {
        assert_eq!(slice_of_key(n.as_str(), slices), slice_of_key(s.as_str(), slices));
    }
}

/// Events of the policy above: (hour, type, case, customer, call).
fn events(program: &Program) -> Vec<Event> {
    let rows: &[(i64, &str, &str, &str, &str)] = &[
        (0, "opted_in", "", "K1", ""),
        (1, "call_started", "A", "", "X"),
        (1, "asked", "A", "K1", ""),
        (2, "asked", "B", "K2", ""),
        (2, "call_started", "B", "", "Y"),
        (3, "call_ended", "", "", "Y"),
        (4, "transferred", "A", "", ""),
        (5, "transferred", "A", "", ""),
        (5, "refused", "", "K1", ""),
        (6, "answered", "A", "", ""),
        (40, "asked", "C", "K1", ""),
        (41, "score", "", "", ""),
        (42, "score", "", "", ""),
        (43, "call_ended", "", "", "X"),
    ];
    let keys = &program.proj.keys;
    rows.iter()
        .enumerate()
        .map(|(i, (h, kind, case, customer, call))| {
            let attrs = [("case", case), ("customer", customer), ("call", call)]
                .into_iter()
                .filter(|(_, v)| !v.is_empty())
                .filter_map(|(k, v)| Some((*keys.get(k)?, Val::Str((*v).into()))))
                .chain(keys.get("value").map(|k| (*k, Val::Int(i as i64))))
                .collect();
            let loc = Loc { file: 0, line: i as u64 + 1 };
            Event { time: h * 3_600_000_000, kind: program.proj.types[*kind], attrs, loc }
        })
        .collect()
}

#[test]
fn slices_decide_what_one_engine_decides_rules_kept_at_the_merge_included() {
    let program = program();
    let plan = Plan::new(&program);
    let all = events(&program);
    let mut engine = Engine::new(&program, Collect::default(), true);
    all.iter().for_each(|e| engine.push(e));
    let single = engine.finish(None);
    for name in ["during_call", "answer_time", "few_transfers", "high_scores", "scores"] {
        assert!(single.instances.iter().any(|i| i.rule == rule(&program, name)), "{name}");
    }
    for slices in [1, 2, 3, 7] {
        let feed = |chunks: &mut dyn crate::log::Chunks| {
            all.chunks(3).for_each(|c| chunks.chunk(c.to_vec()));
            Ok::<(), ()>(())
        };
        let slicing = Slicing { plan: &plan, slices, threads: 2 };
        let (many, read, after) = run(&program, slicing, Collect::default(), true, None, feed);
        assert!(read.is_ok() && after == 0);
        assert_eq!(many.instances, single.instances, "{slices} slices");
    }
}

#[test]
fn a_copied_event_reaches_every_slice_and_a_keyed_one_one() {
    let program = program();
    let plan = Plan::new(&program);
    let all = events(&program);
    let mut routed = vec![];
    route(&plan, 4, &all, 0, &mut routed);
    let count = |i: u32| routed.iter().filter(|list| list.iter().any(|(e, _)| *e == i)).count();
    assert_eq!(count(0), 4, "opted_in is copied");
    assert_eq!(count(2), 1, "asked goes to its case's slice");
    assert_eq!(count(5), 0, "call_ended is read at the merge only");
    assert_eq!(count(11), 1, "score is spread for the share standard");
}
