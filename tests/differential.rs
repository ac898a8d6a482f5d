//! Differential test: the streaming engine against a naive evaluator.
//!
//! Random small policies (rendered to text, checked, compiled) and random
//! small logs run through [`tenet::eval::Engine`]; the same policies, as
//! plain data, run through the evaluator in `differential/naive.rs`, which
//! recomputes every instance from scratch by scanning the log. Both must
//! give the same multiset of (rule, verdict, trigger line, evidence line,
//! period, remedy owed, what a period standard measured), and the summary
//! the same remedy totals. The instants sit on and around deadlines, local midnights,
//! clock changes and holidays, and the keys come from a three-letter
//! alphabet, so ties, collisions and boundaries are the common case.
//!
//! A handful of hand-picked cases below pin the trickiest semantics with
//! their expected verdicts written out.

#![expect(clippy::unwrap_used, clippy::panic, reason = "test helpers: a broken fixture should fail loudly")]

#[path = "differential/gen.rs"]
mod gen;
#[path = "differential/model.rs"]
mod model;
#[path = "differential/naive.rs"]
mod naive;

use gen::Case;
use model::*;
use naive::{Out, Verdict};
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};
use rust_decimal::{Decimal, RoundingStrategy};
use smallvec::SmallVec;
use std::cell::Cell;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::str::FromStr as _;
use tenet::eval::{compile, parallel, Collect, Engine, Instance, MeasuredUnit, Streamed, Summary};
use tenet::log::{Event, Loc, OTHER};
use tenet::slice::{self, Plan, Slicing};
use tenet::syntax::ast;
use tenet::value::Val;
use tenet::workspace::MemoryLoader;

/// Checks and compiles `text`, runs the log through the engine and returns
/// its instances; the checker's errors when it rejects the policy.
fn run_engine(text: &str, events: &[Ev], as_of: Option<i64>) -> Result<Vec<Out>, String> {
    let mut loader = MemoryLoader::new();
    loader.insert("p.tenet", text.as_bytes().to_vec());
    let analysis = tenet::check::analyze_with(&[PathBuf::from("p.tenet")], &loader);
    if analysis.has_errors() {
        let errors: Vec<String> =
            analysis.diagnostics.iter().filter(|d| d.is_error()).map(|d| format!("{d:?}")).collect();
        return Err(errors.join("\n"));
    }
    let program = compile(&analysis);
    let mut engine = Engine::new(&program, Collect::default(), true);
    for e in engine_events(&program, events) {
        engine.push(&e);
    }
    let mut out: Vec<Out> = engine
        .finish(as_of)
        .instances
        .into_iter()
        .map(|inst| Out {
            rule: program.rules.get(inst.rule).map_or_else(|| "?".to_string(), |r| r.name.clone()),
            verdict: match inst.verdict {
                ast::Verdict::Satisfied => Verdict::Satisfied,
                ast::Verdict::Violated => Verdict::Violated,
                ast::Verdict::Pending => Verdict::Pending,
            },
            trigger: inst.trigger.map(|t| t.line),
            evidence: inst.evidence.map(|t| t.line),
            period: inst.key.iter().find(|(k, _)| k == "period").map(|(_, v)| match v {
                Val::Str(s) => s.to_string(),
                other => other.to_string(),
            }),
            remedy: inst.remedy.map(|(amount, currency)| (amount.normalize().to_string(), currency)),
            measured: inst.measured.map(|m| {
                let value = m.value.round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero).normalize();
                let unit = match m.unit {
                    MeasuredUnit::Percent => "%".to_string(),
                    MeasuredUnit::Count => "count".to_string(),
                    MeasuredUnit::Number => "number".to_string(),
                    MeasuredUnit::Micros => "µs".to_string(),
                    MeasuredUnit::Money(currency) => currency,
                };
                format!("{value} {} {} {unit}", m.op.as_str(), m.bound.normalize())
            }),
        })
        .collect();
    out.sort();
    Ok(out)
}

/// The generated events as the engine sees them.
fn engine_events(program: &tenet::eval::Program, events: &[Ev]) -> Vec<Event> {
    let proj = &program.proj;
    let mut out = vec![];
    for (i, e) in events.iter().enumerate() {
        let mut attrs: SmallVec<[(u32, Val); 4]> = SmallVec::new();
        let fields = [
            ("k", e.k.map(|s| Val::Str(s.into()))),
            ("j", e.j.map(|s| Val::Str(s.into()))),
            ("amount", e.amount.map(Val::Int)),
            ("d", e.d.map(Val::Date)),
            ("fee", e.fee.map(|p| Val::Money(Decimal::new(p, 2), "GBP".into()))),
        ];
        for (name, value) in fields {
            if let (Some(sym), Some(v)) = (proj.keys.get(name), value) {
                attrs.push((*sym, v));
            }
        }
        let kind = proj.types.get(e.type_name()).copied().unwrap_or(OTHER);
        out.push(Event { time: e.time, kind, attrs, loc: Loc { file: 0, line: i as u64 + 1 } });
    }
    out
}

/// Summaries that keep fewer violations (so that the engine may decide
/// obligations at their deadline and keep less state) must count the same
/// verdicts and remedies as one that keeps every violation, and keep the
/// same first violations.
/// `violations`: how many violations the naive evaluator finds in rules
/// that are not measures, which is all a summary may count; `owed`: the
/// remedy totals per rule and currency it finds.
fn summaries_agree(
    text: &str,
    events: &[Ev],
    as_of: Option<i64>,
    violations: u64,
    owed: &[BTreeMap<String, Decimal>],
) -> Result<(), String> {
    let mut loader = MemoryLoader::new();
    loader.insert("p.tenet", text.as_bytes().to_vec());
    let analysis = tenet::check::analyze_with(&[PathBuf::from("p.tenet")], &loader);
    let program = compile(&analysis);
    let events = engine_events(&program, events);
    let run = |summary: Summary| {
        let mut engine = Engine::new(&program, summary, false);
        events.iter().for_each(|e| engine.push(e));
        engine.finish(as_of)
    };
    let full = run(Summary::new(&program));
    if full.violated() != violations || full.violations.iter().any(|v| program.rules[v.rule].measure) {
        return Err(format!(
            "the summary counts {} violations, the naive evaluator {violations} outside measures",
            full.violated()
        ));
    }
    if full.remedies != owed {
        return Err(format!("the summary owes {:?}, the naive evaluator {owed:?}", full.remedies));
    }
    // A report streamed while the log is read lists the same violations in
    // the same order, with the same keys, evidence and remedies; only the
    // attributes not shown may be left out of obligations past their
    // deadline.
    let mut streamed = vec![];
    let mut engine = Engine::new(&program, Streamed::new(&program, |v| streamed.push(v)), false);
    events.iter().for_each(|e| engine.push(e));
    let sink = engine.finish(as_of);
    if sink.summary.counts != full.counts || sink.summary.by_customer != full.by_customer {
        return Err(format!("the streamed report counts {:?}, the summary {:?}", sink.summary.counts, full.counts));
    }
    drop(sink);
    let without_attrs =
        |list: &[Instance]| list.iter().map(|v| Instance { attrs: vec![], ..v.clone() }).collect::<Vec<_>>();
    if without_attrs(&streamed) != without_attrs(&full.violations) {
        return Err(format!("the streamed report lists {streamed:?}, the summary {:?}", full.violations));
    }
    if let Some((v, _)) =
        streamed.iter().zip(&full.violations).find(|(s, f)| s.attrs.iter().any(|a| !f.attrs.contains(a)))
    {
        return Err(format!("the streamed report shows attributes the trigger lacks: {v:?}"));
    }
    for keep in [0, 1] {
        let s = run(Summary::keeping(&program, keep));
        let first: Vec<_> = (0..program.rules.len())
            .flat_map(|r| full.violations.iter().filter(move |v| v.rule == r).take(keep))
            .collect();
        let kept: Vec<_> = s.violations.iter().collect();
        let mut first_sorted = first.clone();
        first_sorted.sort_by_key(|v| full.violations.iter().position(|w| std::ptr::eq(w, *v)));
        if s.counts != full.counts || s.remedies != full.remedies || s.by_customer != full.by_customer {
            return Err(format!(
                "keeping {keep} violations per rule changes the summary: counts {:?} vs {:?}, remedies {:?} vs {:?}, \
                 by customer {:?} vs {:?}",
                s.counts, full.counts, s.remedies, full.remedies, s.by_customer, full.by_customer
            ));
        }
        if kept != first_sorted {
            return Err(format!("keeping {keep} violations per rule keeps others: {kept:?} vs {first_sorted:?}"));
        }
    }
    Ok(())
}

fn show(list: &[Out]) -> String {
    let mut s = String::new();
    for o in list {
        let line = |l: Option<u64>| l.map_or("-".to_string(), |l| format!("L{l}"));
        let _ = write!(s, "  {} {:?} trigger {} evidence {}", o.rule, o.verdict, line(o.trigger), line(o.evidence));
        if let Some(p) = &o.period {
            let _ = write!(s, " period {p}");
        }
        if let Some((amount, currency)) = &o.remedy {
            let _ = write!(s, " owes {amount} {currency}");
        }
        if let Some(m) = &o.measured {
            let _ = write!(s, " measured {m}");
        }
        s.push('\n');
    }
    if list.is_empty() {
        s.push_str("  (none)\n");
    }
    s
}

/// The instances in `a` and not in `b` (as multisets).
fn minus(a: &[Out], b: &[Out]) -> Vec<Out> {
    let mut rest = b.to_vec();
    let mut out = vec![];
    for x in a {
        match rest.iter().position(|y| y == x) {
            Some(p) => {
                rest.remove(p);
            }
            None => out.push(x.clone()),
        }
    }
    out
}

/// A readable report of a disagreement between two lists of instances.
fn report(title: &str, case: &Case, (a_name, a): (&str, &[Out]), (b_name, b): (&str, &[Out])) -> String {
    format!(
        "{title}\n{case}\n---- {a_name} ----\n{}---- {b_name} ----\n{}---- only from the {a_name} ----\n{}\
         ---- only from the {b_name} ----\n{}",
        show(a),
        show(b),
        show(&minus(a, b)),
        show(&minus(b, a)),
    )
}

/// Known engine bugs: the name of the bug a case exercises, to skip it
/// until the bug is fixed. Each entry describes the exact shape excluded.
fn known_engine_bug(_case: &Case) -> Option<&'static str> {
    None
}

/// Counts of what the property test compared, to show it stays useful.
#[derive(Default)]
struct Tally {
    accepted: Cell<u64>,
    rejected: Cell<u64>,
    excluded: Cell<u64>,
    verdicts: [Cell<u64>; 3],
    /// Violations owing a remedy: more than zero, zero, not computed.
    owed: [Cell<u64>; 3],
    /// Rules the slicing plan slices, and keeps at the merge.
    sliced: [Cell<u64>; 2],
}

/// The engine on several threads gives a sink exactly what one engine
/// gives it (instances, exemptions and calendar gaps, in the same order),
/// however the log is cut into chunks, with every kind of sink.
fn parallel_agrees(text: &str, events: &[Ev], as_of: Option<i64>) -> Result<(), String> {
    let mut loader = MemoryLoader::new();
    loader.insert("p.tenet", text.as_bytes().to_vec());
    let program = compile(&tenet::check::analyze_with(&[PathBuf::from("p.tenet")], &loader));
    // As a log is read: events after the horizon are counted, not judged.
    let all = engine_events(&program, events);
    let judged: Vec<&Event> = all.iter().filter(|e| as_of.is_none_or(|h| e.time <= h)).collect();
    let one = |sink: Collect, detailed: bool| {
        let mut engine = Engine::new(&program, sink, detailed);
        judged.iter().for_each(|e| engine.push(e));
        engine.finish(as_of)
    };
    for threads in [2, 3] {
        let feed = |chunks: &mut dyn tenet::log::Chunks| varied_chunks(&all, chunks);
        for detailed in [true, false] {
            let (many, _, after) = parallel::run(&program, Collect::default(), detailed, threads, as_of, feed);
            let single = one(Collect::default(), detailed);
            if after != (all.len() - judged.len()) as u64 {
                return Err(format!("{threads} threads count {after} events after the horizon"));
            }
            if many.instances != single.instances
                || many.exemptions != single.exemptions
                || many.calendar_gaps != single.calendar_gaps
            {
                return Err(format!(
                    "{threads} threads (detailed: {detailed}) decide {:?} {:?}, one engine {:?} {:?}",
                    many.instances, many.exemptions, single.instances, single.exemptions
                ));
            }
        }
        let mut listed = vec![];
        let (sink, _, _) =
            parallel::run(&program, Streamed::new(&program, |v| listed.push(v)), false, threads, as_of, feed);
        let counts = sink.summary.counts.clone();
        drop(sink);
        let mut single_listed = vec![];
        let mut engine = Engine::new(&program, Streamed::new(&program, |v| single_listed.push(v)), false);
        judged.iter().for_each(|e| engine.push(e));
        let single_counts = engine.finish(as_of).summary.counts;
        if listed != single_listed || counts != single_counts {
            return Err(format!("{threads} threads stream {listed:?}, one engine {single_listed:?}"));
        }
        for keep in [0, 1] {
            let (many, _, _) = parallel::run(&program, Summary::keeping(&program, keep), false, threads, as_of, feed);
            let mut engine = Engine::new(&program, Summary::keeping(&program, keep), false);
            judged.iter().for_each(|e| engine.push(e));
            let single = engine.finish(as_of);
            if many.counts != single.counts
                || many.remedies != single.remedies
                || many.by_customer != single.by_customer
                || many.violations != single.violations
            {
                return Err(format!(
                    "{threads} threads keeping {keep} give {:?} {:?}, one engine {:?} {:?}",
                    many.counts, many.violations, single.counts, single.violations
                ));
            }
        }
    }
    Ok(())
}

/// The compiled program of `text`, when it checks clean.
fn compile_text(text: &str) -> Result<tenet::eval::Program, ()> {
    let mut loader = MemoryLoader::new();
    loader.insert("p.tenet", text.as_bytes().to_vec());
    let analysis = tenet::check::analyze_with(&[PathBuf::from("p.tenet")], &loader);
    if analysis.has_errors() {
        return Err(());
    }
    Ok(compile(&analysis))
}

/// The engine in N slices (by correlation key, merged) gives a sink
/// exactly what one engine gives it: every instance and exemption in the
/// same order, the same streamed report, the same summaries.
fn sliced_agrees(text: &str, events: &[Ev], as_of: Option<i64>) -> Result<(), String> {
    let mut loader = MemoryLoader::new();
    loader.insert("p.tenet", text.as_bytes().to_vec());
    let program = compile(&tenet::check::analyze_with(&[PathBuf::from("p.tenet")], &loader));
    let plan = Plan::new(&program);
    let all = engine_events(&program, events);
    let judged: Vec<&Event> = all.iter().filter(|e| as_of.is_none_or(|h| e.time <= h)).collect();
    let feed = |chunks: &mut dyn tenet::log::Chunks| varied_chunks(&all, chunks);
    let single = {
        let mut engine = Engine::new(&program, Collect::default(), true);
        judged.iter().for_each(|e| engine.push(e));
        engine.finish(as_of)
    };
    let mut single_listed = vec![];
    let single_counts = {
        let mut engine = Engine::new(&program, Streamed::new(&program, |v| single_listed.push(v)), false);
        judged.iter().for_each(|e| engine.push(e));
        engine.finish(as_of).summary
    };
    let kept: Vec<Summary> = [0, 1]
        .map(|keep| {
            let mut engine = Engine::new(&program, Summary::keeping(&program, keep), false);
            judged.iter().for_each(|e| engine.push(e));
            engine.finish(as_of)
        })
        .into();
    // Sinks that read no attributes let an obligation past its deadline
    // drop those its report never shows, once an event of its slice shows
    // the deadline passed: which ones may differ, never what is shown.
    let without_attrs =
        |list: &[Instance]| list.iter().map(|v| Instance { attrs: vec![], ..v.clone() }).collect::<Vec<_>>();
    let mut gaps = single.calendar_gaps.clone();
    gaps.sort();
    gaps.dedup();
    for slices in [1, 2, 3, 5, 16] {
        let slicing = Slicing { plan: &plan, slices, threads: 2 };
        let (many, _, after) = slice::run(&program, slicing, Collect::default(), true, as_of, feed);
        if after != (all.len() - judged.len()) as u64 {
            return Err(format!("{slices} slices count {after} events after the horizon"));
        }
        if many.instances != single.instances || many.exemptions != single.exemptions || many.calendar_gaps != gaps {
            return Err(format!(
                "{slices} slices decide {:?} {:?}, one engine {:?} {:?}",
                many.instances, many.exemptions, single.instances, single.exemptions
            ));
        }
        let mut listed = vec![];
        let (sink, _, _) =
            slice::run(&program, slicing, Streamed::new(&program, |v| listed.push(v)), false, as_of, feed);
        let summary = sink.into_summary();
        if without_attrs(&listed) != without_attrs(&single_listed)
            || summary.counts != single_counts.counts
            || summary.remedies != single_counts.remedies
            || summary.by_customer != single_counts.by_customer
            || summary.remedy_errors != single_counts.remedy_errors
        {
            return Err(format!("{slices} slices stream {listed:?}, one engine {single_listed:?}"));
        }
        for (keep, single) in kept.iter().enumerate() {
            let (many, _, _) = slice::run(&program, slicing, Summary::keeping(&program, keep), false, as_of, feed);
            if many.counts != single.counts
                || many.remedies != single.remedies
                || many.by_customer != single.by_customer
                || without_attrs(&many.violations) != without_attrs(&single.violations)
                || many.remedy_errors != single.remedy_errors
            {
                return Err(format!(
                    "{slices} slices keeping {keep} give {:?} {:?}, one engine {:?} {:?}",
                    many.counts, many.violations, single.counts, single.violations
                ));
            }
        }
    }
    Ok(())
}

fn bump(c: &Cell<u64>) {
    c.set(c.get() + 1);
}

#[test]
fn engine_agrees_with_the_naive_evaluator() {
    // The nested strategies make deep value trees: run on a roomy stack.
    let worker = std::thread::Builder::new().stack_size(64 << 20).spawn(property).unwrap();
    if let Err(panic) = worker.join() {
        std::panic::resume_unwind(panic);
    }
}

fn property() {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(3000);
    let config = Config { cases, failure_persistence: None, max_shrink_iters: 10_000, ..Config::default() };
    let mut runner = TestRunner::new(config);
    let tally = Tally::default();
    let rejections = std::cell::RefCell::new(Vec::<String>::new());
    let result = runner.run(&gen::case(), |case| {
        let text = case.policy.text();
        let engine = match run_engine(&text, &case.events, case.as_of) {
            Ok(out) => out,
            Err(errors) => {
                bump(&tally.rejected);
                let mut r = rejections.borrow_mut();
                if r.len() < 5 {
                    r.push(format!("{text}\n{errors}"));
                }
                return Err(TestCaseError::reject("the checker rejects the policy"));
            }
        };
        bump(&tally.accepted);
        if known_engine_bug(&case).is_some() {
            bump(&tally.excluded);
            return Ok(());
        }
        let naive = naive::evaluate(&case.policy, &case.events, case.as_of);
        for o in &naive {
            bump(&tally.verdicts[o.verdict as usize]);
        }
        for (i, rule) in case.policy.rules.iter().enumerate() {
            if rule.remedy.is_none() {
                continue;
            }
            let name = rule_name(i);
            for o in naive.iter().filter(|o| o.rule == name && o.verdict == Verdict::Violated) {
                let slot = match &o.remedy {
                    Some((amount, _)) if amount != "0" => 0,
                    Some(_) => 1,
                    None => 2,
                };
                bump(&tally.owed[slot]);
            }
        }
        if engine != naive {
            let title = "the engine and the naive evaluator disagree";
            return Err(TestCaseError::fail(report(title, &case, ("engine", &engine), ("naive evaluator", &naive))));
        }
        let outside_measures = naive
            .iter()
            .filter(|o| o.verdict == Verdict::Violated)
            .filter(|o| !case.policy.rules.iter().enumerate().any(|(i, r)| r.measure && rule_name(i) == o.rule))
            .count() as u64;
        let mut owed = vec![BTreeMap::<String, Decimal>::new(); case.policy.rules.len()];
        for o in &naive {
            if let (Some((amount, currency)), Some(rule)) = (&o.remedy, o.rule[1..].parse::<usize>().ok()) {
                *owed[rule].entry(currency.clone()).or_default() += Decimal::from_str(amount).unwrap();
            }
        }
        if let Err(why) = summaries_agree(&text, &case.events, case.as_of, outside_measures, &owed) {
            return Err(TestCaseError::fail(format!("the engine and the summaries disagree: {why}\n{case}")));
        }
        if let Err(why) = parallel_agrees(&text, &case.events, case.as_of) {
            return Err(TestCaseError::fail(format!("the engine and the parallel engine disagree: {why}\n{case}")));
        }
        if let Ok(program) = compile_text(&text) {
            let plan = Plan::new(&program);
            for r in 0..program.rules.len() {
                bump(&tally.sliced[usize::from(!plan.is_sliced(r))]);
            }
        }
        if let Err(why) = sliced_agrees(&text, &case.events, case.as_of) {
            return Err(TestCaseError::fail(format!("the engine and the sliced engine disagree: {why}\n{case}")));
        }
        Ok(())
    });
    match result {
        Ok(()) => {}
        // A disagreement's reason shows the case; a panic's does not.
        Err(TestError::Fail(reason, _)) if reason.message().starts_with("the engine and") => {
            panic!("{reason}\n(the minimal case after shrinking)")
        }
        Err(TestError::Fail(reason, case)) => panic!("{reason}\n(the minimal case after shrinking)\n{case}"),
        Err(TestError::Abort(reason)) => {
            panic!("aborted: {reason}\nsome rejected policies:\n{}", rejections.borrow().join("\n\n"))
        }
    }
    let (accepted, rejected) = (tally.accepted.get(), tally.rejected.get());
    let [sat, vio, pend] = [0, 1, 2].map(|i| tally.verdicts[i].get());
    let [owed, zero, unknown] = [0, 1, 2].map(|i| tally.owed[i].get());
    eprintln!(
        "differential: {accepted} cases compared, {rejected} rejected by the checker, {} excluded as known \
         engine bugs; naive instances: {sat} satisfied, {vio} violated, {pend} pending; remedies: {owed} owed, \
         {zero} zero, {unknown} not computed; rules sliced: {}, kept at the merge: {}",
        tally.excluded.get(),
        tally.sliced[0].get(),
        tally.sliced[1].get()
    );
    assert!(
        accepted * 10 >= (accepted + rejected) * 9,
        "the checker rejects too many generated policies ({rejected} of {}); some:\n{}",
        accepted + rejected,
        rejections.borrow().join("\n\n")
    );
    assert!(sat > 0 && vio > 0 && pend > 0, "the generator no longer reaches every verdict");
    assert!(owed > 0 && zero > 0 && unknown > 0, "the generator no longer reaches every kind of remedy");
}

// ---------------------------------------------------------------- hand-picked cases

fn instant(t: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(t).unwrap().timestamp_micros()
}

fn type_index(name: &str) -> usize {
    TYPES.iter().position(|t| *t == name).unwrap()
}

fn id(v: &str) -> &'static str {
    ["a", "b", "c", "d"].into_iter().find(|x| *x == v).unwrap()
}

/// A log written one event per line: `TIME TYPE [k=V] [j=V] [amount=N]
/// [d=DATE] [fee=PENCE]`.
fn log(text: &str) -> Vec<Ev> {
    let events: Vec<Ev> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|line| {
            let mut parts = line.split_whitespace();
            let time = instant(parts.next().unwrap());
            let ty = Some(type_index(parts.next().unwrap()));
            let mut e = Ev { time, ty, k: None, j: None, amount: None, d: None, fee: None };
            for p in parts {
                let (name, value) = p.split_once('=').unwrap();
                match name {
                    "k" => e.k = Some(id(value)),
                    "j" => e.j = Some(id(value)),
                    "d" => e.d = Some(value.parse().unwrap()),
                    "fee" => e.fee = Some(value.parse().unwrap()),
                    _ => e.amount = Some(value.parse().unwrap()),
                }
            }
            e
        })
        .collect();
    assert!(events.windows(2).all(|w| w[0].time <= w[1].time), "the log is not in time order");
    events
}

/// Expected instances: `RULE VERDICT TRIGGER EVIDENCE [PERIOD] [owes AMOUNT
/// CURRENCY]`, lines as `L3` or `-`.
fn expected(lines: &[&str]) -> Vec<Out> {
    let line = |s: &str| s.strip_prefix('L').map(|n| n.parse().unwrap());
    let mut out: Vec<Out> = lines
        .iter()
        .map(|l| {
            let mut p: Vec<&str> = l.split_whitespace().collect();
            let remedy = match p.iter().position(|w| *w == "owes") {
                Some(i) => {
                    let owed = (p[i + 1].to_string(), p.get(i + 2).unwrap_or(&"").to_string());
                    p.truncate(i);
                    Some(owed)
                }
                None => None,
            };
            let verdict = match p[1] {
                "satisfied" => Verdict::Satisfied,
                "violated" => Verdict::Violated,
                _ => Verdict::Pending,
            };
            Out {
                rule: p[0].into(),
                verdict,
                trigger: line(p[2]),
                evidence: line(p[3]),
                period: p.get(4).map(|s| s.to_string()),
                remedy,
                measured: None,
            }
        })
        .collect();
    out.sort();
    out
}

/// Runs a hand-picked case through both evaluators and checks each against
/// the verdicts worked out by hand.
fn regression(policy: Policy, events: &str, as_of: Option<&str>, want: &[&str]) {
    let case = Case { policy, events: log(events), as_of: as_of.map(instant), cluster: "hand-picked" };
    let want = expected(want);
    let engine = run_engine(&case.policy.text(), &case.events, case.as_of).unwrap_or_else(|e| panic!("{case}\n{e}"));
    // The verdicts written out by hand leave what periods measured to the
    // random cases.
    let unmeasured = |list: Vec<Out>| {
        let mut list: Vec<Out> = list.into_iter().map(|o| Out { measured: None, ..o }).collect();
        list.sort();
        list
    };
    let engine = unmeasured(engine);
    let naive = unmeasured(naive::evaluate(&case.policy, &case.events, case.as_of));
    let title = "the naive evaluator is wrong";
    assert!(naive == want, "{}", report(title, &case, ("naive evaluator", &naive), ("expected", &want)));
    let title = "the engine is wrong";
    assert!(engine == want, "{}", report(title, &case, ("engine", &engine), ("expected", &want)));
}

fn policy(zone: Zone, cal: Cal, kinds: Vec<Kind>) -> Policy {
    let rules = kinds.into_iter().map(|kind| Rule { kind, remedy: None, in_force: None, measure: false }).collect();
    Policy { zone, cal, jur_from: None, types: TYPES.len(), param: vec![], windows: vec![], rules }
}

fn matcher(types: &[&str], cond: Option<Ex>) -> Matcher {
    Matcher { types: types.iter().map(|t| type_index(t)).collect(), alias: None, cond }
}

/// `when TRIGGER as a require AWAITED where k == a.k [within D]`.
fn obligation(trigger: &str, awaited: &str, within: Option<Dur>) -> Obligation {
    Obligation {
        trigger: type_index(trigger),
        cond: None,
        priors: vec![],
        awaited: matcher(&[awaited], Some(same("k"))),
        within,
        within_param: false,
        by: None,
        roll: false,
        extensions: vec![],
        before: None,
        unless_cond: vec![],
        unless_event: vec![],
        unless_prior: vec![],
        forbid: vec![],
    }
}

fn answer_in(d: Dur) -> Kind {
    Kind::Obligation(obligation("req", "done", Some(d)))
}

#[test]
fn ties_follow_log_order() {
    regression(
        policy(Zone::London, Cal::None, vec![answer_in(Dur::Hours(24))]),
        "2026-03-02T09:00:00Z done k=a
         2026-03-02T09:00:00Z req k=a
         2026-03-02T09:00:00Z req k=b
         2026-03-02T09:00:00Z done k=b",
        Some("2026-03-02T10:00:00Z"),
        &["r0 pending L2 -", "r0 satisfied L3 L4"],
    );
}

#[test]
fn one_event_closes_every_instance_it_matches() {
    let mut residual = obligation("req", "done", Some(Dur::Hours(24)));
    residual.awaited.cond = Some(and(same("k"), cmp(Op::Ge, Ex::Cur("amount"), Ex::Anc("amount"))));
    regression(
        policy(Zone::London, Cal::None, vec![answer_in(Dur::Hours(24)), Kind::Obligation(residual)]),
        "2026-03-02T09:00:00Z req k=a amount=1
         2026-03-02T10:00:00Z req k=a amount=3
         2026-03-02T11:00:00Z req k=b amount=1
         2026-03-02T12:00:00Z done k=a amount=2",
        None,
        &[
            "r0 satisfied L1 L4",
            "r0 satisfied L2 L4",
            "r0 pending L3 -",
            "r1 satisfied L1 L4",
            "r1 pending L2 -",
            "r1 pending L3 -",
        ],
    );
}

#[test]
fn deadline_is_inclusive_and_one_second_late_is_a_violation() {
    regression(
        policy(Zone::London, Cal::None, vec![answer_in(Dur::Hours(24))]),
        "2026-03-02T09:00:00Z req k=a
         2026-03-02T09:00:00Z req k=b
         2026-03-03T09:00:00Z done k=a
         2026-03-03T09:00:01Z done k=b",
        None,
        &["r0 satisfied L1 L3", "r0 violated L2 L4"],
    );
}

#[test]
fn calendar_day_ends_at_local_midnight_after_the_spring_change() {
    // Saturday 28 March 12:00 GMT: the next local day ends at midnight BST,
    // 23:00 UTC on Sunday 29 March.
    regression(
        policy(Zone::London, Cal::None, vec![answer_in(Dur::CalDays(1))]),
        "2026-03-28T12:00:00Z req k=a
         2026-03-28T12:00:00Z req k=b
         2026-03-29T22:59:59Z done k=a
         2026-03-29T23:00:00Z done k=b",
        None,
        &["r0 satisfied L1 L3", "r0 violated L2 L4"],
    );
}

#[test]
fn business_day_across_the_spring_change() {
    // Friday 27 March 18:00 GMT: Monday 30 March ends at 23:00 UTC (BST).
    regression(
        policy(Zone::London, Cal::Gb, vec![answer_in(Dur::BizDays(1))]),
        "2026-03-27T18:00:00Z req k=a
         2026-03-27T18:00:00Z req k=b
         2026-03-30T22:59:59Z done k=a
         2026-03-30T23:00:00Z done k=b",
        None,
        &["r0 satisfied L1 L3", "r0 violated L2 L4"],
    );
}

#[test]
fn business_day_skips_christmas_the_weekend_and_boxing_day() {
    // Thursday 24 December: 25 and 28 December are GB holidays, 26 and 27 a
    // weekend, so the first business day after is Tuesday 29 December.
    regression(
        policy(Zone::London, Cal::Gb, vec![answer_in(Dur::BizDays(1))]),
        "2026-12-24T16:00:00Z req k=a
         2026-12-24T16:00:00Z req k=b
         2026-12-29T23:59:59Z done k=a
         2026-12-30T00:00:00Z done k=b",
        None,
        &["r0 satisfied L1 L3", "r0 violated L2 L4"],
    );
}

#[test]
fn exact_hours_across_the_autumn_change_are_elapsed_time() {
    // 24 October 12:00 BST plus 24 hours is 25 October 11:00 GMT, not 12:00.
    regression(
        policy(Zone::London, Cal::None, vec![answer_in(Dur::Hours(24))]),
        "2026-10-24T11:00:00Z req k=a
         2026-10-24T11:00:00Z req k=b
         2026-10-24T11:00:00Z req k=c
         2026-10-25T11:00:00Z done k=a
         2026-10-25T11:00:01Z done k=b
         2026-10-25T12:00:00Z done k=c",
        None,
        &["r0 satisfied L1 L4", "r0 violated L2 L5", "r0 violated L3 L6"],
    );
}

#[test]
fn deadline_exactly_at_the_horizon_is_violated_one_second_after_is_pending() {
    regression(
        policy(Zone::London, Cal::None, vec![answer_in(Dur::Hours(24))]),
        "2026-03-02T09:00:00Z req k=a
         2026-03-02T09:00:01Z req k=b",
        Some("2026-03-03T09:00:00Z"),
        &["r0 violated L1 -", "r0 pending L2 -"],
    );
}

#[test]
fn within_or_before_whichever_comes_first() {
    let mut o = obligation("req", "done", Some(Dur::Hours(2)));
    o.before = Some(matcher(&["stop"], Some(same("k"))));
    regression(
        policy(Zone::London, Cal::None, vec![Kind::Obligation(o)]),
        "2026-03-02T09:00:00Z req k=a
         2026-03-02T09:00:00Z req k=b
         2026-03-02T09:00:00Z req k=c
         2026-03-02T09:00:00Z req j=a
         2026-03-02T09:00:00Z req k=a j=b
         2026-03-02T10:00:00Z stop k=b
         2026-03-02T10:00:00Z done k=c
         2026-03-02T10:30:00Z stop k=c
         2026-03-02T11:00:00Z stop k=a
         2026-03-02T11:00:00Z done k=a
         2026-03-02T13:00:00Z stop",
        None,
        &[
            // Both `a` obligations end at the `stop` that comes first in log
            // order, one line before the `done` of the same instant.
            "r0 violated L1 L9",
            "r0 violated L5 L9",
            "r0 violated L2 L6",
            "r0 satisfied L3 L7",
            // Without `k` the trigger correlates with nothing: missing at the horizon.
            "r0 violated L4 -",
        ],
    );
}

#[test]
fn before_only_is_pending_until_its_event() {
    let mut o = obligation("req", "done", None);
    o.before = Some(matcher(&["stop"], Some(same("k"))));
    regression(
        policy(Zone::London, Cal::None, vec![Kind::Obligation(o)]),
        "2026-03-02T09:00:00Z req k=a
         2026-03-02T09:00:00Z req k=b
         2026-03-20T09:00:00Z stop k=b",
        Some("2027-01-01T00:00:00Z"),
        &["r0 pending L1 -", "r0 violated L2 L3"],
    );
}

#[test]
fn an_exempting_event_exempts_only_before_the_deadline() {
    let mut o = obligation("req", "done", Some(Dur::Hours(24)));
    o.unless_event = vec![matcher(&["waive"], Some(same("k")))];
    regression(
        policy(Zone::London, Cal::None, vec![Kind::Obligation(o)]),
        "2026-03-02T09:00:00Z req k=a
         2026-03-02T09:00:00Z req k=b
         2026-03-02T09:00:00Z req k=c
         2026-03-02T09:00:00Z req k=d
         2026-03-02T10:00:00Z waive k=a
         2026-03-02T11:00:00Z done k=b
         2026-03-04T09:00:00Z done k=c
         2026-03-04T09:30:00Z waive k=d
         2026-03-04T10:00:00Z waive k=c
         2026-03-04T10:00:00Z done k=a",
        None,
        // k=d is waived after its deadline: it stays broken.
        &["r0 satisfied L2 L6", "r0 violated L3 L7", "r0 violated L4 -"],
    );
}

#[test]
fn forbidden_while_open_but_not_after() {
    let mut o = obligation("req", "done", Some(Dur::Hours(24)));
    o.forbid = vec![matcher(&["ask"], Some(same("k")))];
    regression(
        policy(Zone::London, Cal::None, vec![Kind::Obligation(o)]),
        "2026-03-02T09:00:00Z req k=a
         2026-03-02T09:00:00Z req k=b
         2026-03-02T10:00:00Z ask k=a
         2026-03-02T11:00:00Z done k=a
         2026-03-02T11:00:00Z done k=b
         2026-03-02T12:00:00Z ask k=b",
        None,
        &["r0 violated L1 L3", "r0 satisfied L2 L5"],
    );
}

#[test]
fn precedence_window_boundary_and_ties() {
    let p = Precedence {
        trigger: type_index("req"),
        cond: None,
        priors: vec![],
        required: matcher(&["done"], Some(same("k"))),
        within: Some(Dur::Hours(24)),
        unless_cond: vec![],
        unless_prior: vec![],
    };
    regression(
        policy(Zone::London, Cal::None, vec![Kind::Precedence(p)]),
        "2026-03-02T09:00:00Z done k=a
         2026-03-02T09:00:00Z done k=b
         2026-03-03T09:00:00Z req k=a
         2026-03-03T09:00:01Z req k=b
         2026-03-03T10:00:00Z req k=c
         2026-03-03T10:00:00Z done k=c
         2026-03-03T11:00:00Z done k=a
         2026-03-03T11:00:00Z req k=a",
        None,
        &["r0 satisfied L3 L1", "r0 violated L4 L4", "r0 violated L5 L5", "r0 satisfied L8 L7"],
    );
}

#[test]
fn unless_prior_window_ends_at_local_midnight() {
    // Friday 27 March 18:00 GMT: one calendar day after ends at the end of
    // Saturday 28 March, midnight GMT.
    let mut o = obligation("req", "done", Some(Dur::Hours(2)));
    o.unless_prior = vec![(matcher(&["waive"], Some(same("k"))), Some(Dur::CalDays(1)))];
    regression(
        policy(Zone::London, Cal::None, vec![Kind::Obligation(o)]),
        "2026-03-27T18:00:00Z waive k=a
         2026-03-28T23:59:59Z req k=a
         2026-03-29T00:00:00Z req k=a",
        Some("2026-03-29T02:00:00Z"),
        &["r0 violated L3 -"],
    );
}

#[test]
fn prohibition_with_a_prior_exception() {
    let p = Prohibition {
        event: type_index("ask"),
        cond: Some(cmp(Op::Gt, Ex::Cur("amount"), Ex::Int(2))),
        priors: vec![],
        unless_cond: vec![],
        unless_prior: vec![(matcher(&["ack"], Some(same("k"))), None)],
    };
    regression(
        policy(Zone::London, Cal::None, vec![Kind::Prohibition(p)]),
        "2026-03-02T09:00:00Z ack k=a
         2026-03-02T10:00:00Z ask k=a amount=3
         2026-03-02T10:00:00Z ask k=b amount=3
         2026-03-02T10:00:00Z ask k=b amount=1
         2026-03-02T11:00:00Z ask k=c amount=5
         2026-03-02T11:00:00Z ack k=c",
        None,
        // The exempt request of k=a is no instance at all.
        &["r0 violated L3 L3", "r0 satisfied L4 -", "r0 violated L5 L5"],
    );
}

#[test]
fn per_key_aggregates_name_the_first_event_and_the_breach() {
    let agg =
        |func, bound| Kind::Aggregate(Aggregate { keys: vec!["k"], func, event: 0, filter: None, op: Op::Le, bound });
    regression(
        policy(Zone::London, Cal::None, vec![agg(Func::Count, 2), agg(Func::Distinct, 1)]),
        "2026-03-02T09:00:00Z req k=a j=a
         2026-03-02T09:00:00Z req k=b j=a
         2026-03-02T10:00:00Z req k=a j=a
         2026-03-02T11:00:00Z req k=a j=b
         2026-03-02T12:00:00Z req j=c
         2026-03-02T13:00:00Z req k=b j=c",
        None,
        &["r0 violated L1 L4", "r0 satisfied L2 -", "r1 violated L1 L4", "r1 violated L2 L6"],
    );
}

#[test]
fn periods_are_local_months() {
    // 23:30 on 31 March in São Paulo is already April in UTC.
    let count = Kind::PeriodCount { period: Period::Month, event: 0, filter: None, op: Op::Le, bound: 1 };
    let ack = Kind::Obligation(obligation("ask", "ack", Some(Dur::Hours(24))));
    let rate = Kind::Rate { period: Period::Month, target: 1, op: Op::Ge, bound: 50 };
    regression(
        policy(Zone::SaoPaulo, Cal::None, vec![count, ack, rate]),
        "2026-03-02T12:00:00Z req k=a
         2026-03-10T12:00:00Z ask k=a
         2026-03-10T13:00:00Z ack k=a
         2026-03-31T12:00:00Z ask k=b
         2026-04-01T02:30:00Z req k=b
         2026-04-01T03:00:00Z req k=c
         2026-04-02T12:00:00Z ack k=b",
        Some("2027-04-01T00:00:00Z"),
        &[
            "r0 violated - L5 2026-03",
            "r0 satisfied - - 2026-04",
            "r1 satisfied L2 L3",
            "r1 violated L4 L7",
            "r2 satisfied - - 2026-03",
        ],
    );
}

#[test]
fn an_awaited_event_of_the_trigger_type_closes_earlier_instances_only() {
    regression(
        policy(Zone::London, Cal::None, vec![Kind::Obligation(obligation("req", "req", Some(Dur::Hours(24))))]),
        "2026-03-02T09:00:00Z req k=a
         2026-03-02T10:00:00Z req k=a
         2026-03-02T10:00:00Z req k=b",
        Some("2026-03-03T09:30:00Z"),
        &["r0 satisfied L1 L2", "r0 pending L2 -", "r0 pending L3 -"],
    );
}

#[test]
fn in_force_dates_are_local_dates() {
    // In force on Sunday 29 March only, London time: from 00:00 GMT to
    // midnight BST (23:00 UTC).
    let forbid =
        Prohibition { event: type_index("ask"), cond: None, priors: vec![], unless_cond: vec![], unless_prior: vec![] };
    let mut p = policy(Zone::London, Cal::None, vec![Kind::Prohibition(forbid)]);
    let day = |d| chrono::NaiveDate::from_ymd_opt(2026, 3, d).unwrap();
    p.rules[0].in_force = Some((day(29), Some(day(30))));
    regression(
        p,
        "2026-03-28T23:59:59Z ask k=a
         2026-03-29T00:00:00Z ask k=a
         2026-03-29T22:59:59Z ask k=a
         2026-03-29T23:00:00Z ask k=a",
        None,
        &["r0 violated L2 L2", "r0 violated L3 L3"],
    );
}

/// `when A as a [where prior P] require B where k == a.k every D until stop
/// where k == a.k`.
fn recurring(trigger: &str, every: Dur, priors: Vec<PriorC>) -> Kind {
    Kind::Recurring(Recurring {
        trigger: type_index(trigger),
        cond: None,
        priors,
        awaited: matcher(&["done"], Some(same("k"))),
        every,
        until: matcher(&["stop"], Some(same("k"))),
        unless_cond: vec![],
        unless_prior: vec![],
    })
}

#[test]
fn recurring_duty_windows_restart_at_each_update_and_at_each_missed_end() {
    let mut p = policy(Zone::London, Cal::None, vec![recurring("req", Dur::Hours(24), vec![])]);
    p.rules[0].remedy = Some(Remedy { terms: vec![fixed(Amt::Max(fee(), gbp(2_500)))], cap: None });
    regression(
        p,
        "2026-03-02T09:00:00Z req k=a fee=1000
         2026-03-02T09:00:00Z req k=b
         2026-03-03T09:00:00Z done k=a
         2026-03-05T09:00:00Z done k=a
         2026-03-05T10:00:00Z stop k=a
         2026-03-06T09:00:00Z done k=b
         2026-03-06T12:00:00Z stop k=b",
        Some("2026-03-08T09:00:00Z"),
        &[
            // a: met exactly at the end of the first window; the second
            // window (to 4 March 09:00) is missed, the third (to 5 March
            // 09:00) met exactly again; the stop ends the fourth unjudged.
            "r0 satisfied L1 L3",
            "r0 violated L1 - owes 10 GBP",
            "r0 satisfied L1 L4",
            // b: windows to 3, 4 and 5 March missed; 6 March met exactly;
            // the stop ends the next one. No fee: nothing computed.
            "r0 violated L2 -",
            "r0 violated L2 -",
            "r0 violated L2 -",
            "r0 satisfied L2 L6",
        ],
    );
}

#[test]
fn recurring_duty_with_a_prior_condition_opens_only_after_it() {
    let ack = PriorC { negated: false, matcher: matcher(&["ack"], Some(same("k"))), within: None };
    regression(
        policy(Zone::London, Cal::None, vec![recurring("req", Dur::CalDays(1), vec![ack])]),
        "2026-03-02T09:00:00Z ack k=a
         2026-03-02T10:00:00Z req k=a
         2026-03-02T10:00:00Z req k=b",
        Some("2026-03-03T12:00:00Z"),
        // k=b has no earlier ack: no duty at all.
        &["r0 pending L2 -"],
    );
}

fn fee() -> Box<Amt> {
    Box::new(Amt::Fee)
}

fn gbp(thousandths: i64) -> Box<Amt> {
    Box::new(Amt::Gbp(thousandths))
}

fn fixed(rate: Amt) -> Term {
    Term { rate, per: None, tiers: vec![] }
}

#[test]
fn remedy_tiers_then_cap_then_one_rounding_to_the_penny() {
    // 0.125 GBP for each of the first 2 hours late, then a tenth of the fee
    // per hour; at most 3 fees.
    let tiered = Term { rate: Amt::Gbp(125), per: Some(Unit::Hour), tiers: vec![(2, Amt::Pct(fee(), 10))] };
    let mut p = policy(Zone::London, Cal::None, vec![answer_in(Dur::Hours(2))]);
    p.rules[0].remedy = Some(Remedy { terms: vec![tiered], cap: Some(Amt::Times(3, fee())) });
    regression(
        p,
        "2026-03-02T09:00:00Z req k=a fee=1234
         2026-03-02T09:00:00Z req k=b fee=1234
         2026-03-02T09:00:00Z req k=c
         2026-03-02T09:00:00Z req k=d fee=5
         2026-03-02T11:00:00Z done k=a
         2026-03-02T11:00:01Z done k=b
         2026-03-02T14:30:00Z done k=c
         2026-03-02T15:00:00Z done k=d",
        None,
        &[
            "r0 satisfied L1 L5",
            // One second late is one hour: 0.125 rounds half away to 0.13.
            "r0 violated L2 L6 owes 0.13 GBP",
            // Four hours late; the second tier reads the absent fee.
            "r0 violated L3 L7",
            // Exactly four hours late: 2 × 0.125 + 2 × 0.005 = 0.26, capped
            // at 3 × 0.05.
            "r0 violated L4 L8 owes 0.15 GBP",
        ],
    );
}

#[test]
fn business_and_calendar_days_late_at_the_rate_of_the_trigger_s_local_day() {
    // `p` is 5 GBP in March and 7.125 GBP from 1 April, London time: a
    // trigger at 23:30 UTC on 31 March is already 1 April (BST).
    let per = |unit| Term { rate: Amt::Param, per: Some(unit), tiers: vec![] };
    let mut p = policy(Zone::London, Cal::Gb, vec![answer_in(Dur::CalDays(1))]);
    let day = |m, d| chrono::NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    p.param = vec![(day(3, 1), 5_000), (day(4, 1), 7_125)];
    p.rules[0].in_force = Some((day(3, 1), None));
    p.rules[0].remedy = Some(Remedy { terms: vec![per(Unit::BizDay), per(Unit::CalDay)], cap: None });
    regression(
        p,
        "2026-03-31T22:30:00Z req k=b
         2026-03-31T23:30:00Z req k=a
         2026-04-02T23:00:00Z done k=b
         2026-04-07T09:00:00Z done k=a",
        None,
        &[
            // Due by the end of 1 April; met at midnight starting 3 April:
            // 2 and 3 April late, of which only 2 April is a business day.
            "r0 violated L1 L3 owes 15 GBP",
            // Due by the end of 2 April; met on Tuesday 7 April: five days
            // late, one of them a business day (Good Friday, the weekend
            // and Easter Monday are not).
            "r0 violated L2 L4 owes 42.75 GBP",
        ],
    );
}

#[test]
fn nothing_late_owes_zero_and_an_absent_fee_owes_nothing_computed() {
    let mut o = obligation("req", "done", Some(Dur::Hours(2)));
    o.before = Some(matcher(&["stop"], Some(same("k"))));
    let per_hour = Term { rate: Amt::Times(2, fee()), per: Some(Unit::Hour), tiers: vec![] };
    let forbid =
        Prohibition { event: type_index("ask"), cond: None, priors: vec![], unless_cond: vec![], unless_prior: vec![] };
    let mut p = policy(Zone::London, Cal::None, vec![Kind::Obligation(o), Kind::Prohibition(forbid)]);
    p.rules[0].remedy = Some(Remedy { terms: vec![per_hour], cap: None });
    let third = fixed(Amt::Div(fee(), 3));
    p.rules[1].remedy = Some(Remedy { terms: vec![third, fixed(Amt::Gbp(5))], cap: None });
    regression(
        p,
        "2026-03-02T09:00:00Z req k=a fee=1000
         2026-03-02T09:00:00Z req k=b fee=1000
         2026-03-02T10:00:00Z stop k=a
         2026-03-02T12:30:00Z stop k=b
         2026-03-02T13:00:00Z ask fee=1000
         2026-03-02T13:00:00Z ask",
        None,
        &[
            // Ended while on time: no hour late.
            "r0 violated L1 L3 owes 0 GBP",
            "r0 violated L2 L4 owes 40 GBP",
            // 3.333… + 0.005 = 3.338…: rounded once, at the end.
            "r1 violated L5 L5 owes 3.34 GBP",
            "r1 violated L6 L6",
        ],
    );
}

#[test]
fn an_extension_of_a_recurring_duty_is_refused() {
    // The windows of a recurring duty are fixed: an `extended by` clause
    // there would be ignored, so the checker refuses it.
    let text = "jurisdiction DIFF \"Differential\"\n  timezone \"Europe/London\"\n\n\
        event req { k: id? }\nevent done { k: id? }\nevent stop { k: id? }\nevent ext { k: id? }\n\n\
        rule r0 cites \"test\" {\n  when req as a\n  require done where k == a.k every 1 day until stop where k == a.k\n  \
        extended by 2 days when ext where k == a.k\n}\n";
    let errors = run_engine(text, &[], None).expect_err("the checker accepts an extension of a recurring duty");
    assert!(errors.contains("extended by") && errors.contains("recurring duty"), "{errors}");
}

/// Hands `all` over in chunks of varied sizes, so that decisions fall on
/// their edges.
fn varied_chunks(all: &[Event], chunks: &mut dyn tenet::log::Chunks) -> Result<(), ()> {
    let mut rest = all;
    for size in [1, 3, 2, 7].into_iter().cycle() {
        if rest.is_empty() {
            break;
        }
        let (chunk, tail) = rest.split_at(size.min(rest.len()));
        chunks.chunk(chunk.to_vec());
        rest = tail;
    }
    Ok(())
}
