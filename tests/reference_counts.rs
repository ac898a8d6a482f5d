//! The reference policy (`benches/reference.tenet`) over a generated log:
//! the engine's verdict counts per rule must equal those of a deliberately
//! naive evaluator written here from the language brief, through the library
//! and through the `tenet` binary's JSON report, for JSON Lines and CSV.
//!
//! The naive evaluator shares nothing with the engine: it parses the log
//! with `serde_json` and `chrono`, and for each trigger scans forward for
//! the first matching event. It also checks that the generated log holds
//! the edge cases the benchmark promises: deadlines met exactly, missed by
//! one second, and obligations still pending at the end of the log.

#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

#[path = "../benches/generator.rs"]
mod generator;

use assert_cmd::Command;
use generator::{write_log, Config, Format, DAY, DEBT};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tenet::log::ReadOptions;

/// Lines of the test log.
const EVENTS: u64 = 20_000;

/// Counts per rule: satisfied, violated, pending.
type Counts = BTreeMap<String, [u64; 3]>;

/// A log line as the naive evaluator sees it.
#[derive(Debug)]
struct Ev {
    /// Seconds since the Unix epoch.
    time: i64,
    kind: String,
    case: Option<String>,
    customer: Option<String>,
    reason: Option<String>,
    minutes: Option<i64>,
}

/// A small log that still spans seven weeks (so that the 24-hour, 7-day and
/// 30-day deadlines all fall inside it) with a small customer base (so that
/// customers cancel more than once).
fn config() -> Config {
    Config { events: EVENTS, seed: 20_260_302, mean_gap: 400, customers: 2_000, start: 1_772_409_600 }
}

fn policy() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/reference.tenet")
}

fn write(dir: &Path, format: Format) -> PathBuf {
    let path = dir.join(if format == Format::Jsonl { "log.jsonl" } else { "log.csv" });
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    write_log(config(), format, &mut file).unwrap();
    drop(file);
    path
}

fn parse(path: &Path) -> Vec<Ev> {
    let text = std::fs::read_to_string(path).unwrap();
    let string = |v: &serde_json::Value, k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    text.lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let time = chrono::DateTime::parse_from_rfc3339(v["time"].as_str().unwrap()).unwrap().timestamp();
            Ev {
                time,
                kind: string(&v, "type").unwrap(),
                case: string(&v, "case"),
                customer: string(&v, "customer"),
                reason: string(&v, "reason"),
                minutes: v.get("outage_minutes").and_then(serde_json::Value::as_i64),
            }
        })
        .collect()
}

/// What the naive evaluator found for one obligation rule.
#[derive(Debug, Default)]
struct Obligation {
    counts: [u64; 3],
    /// Delays (seconds) of the first matching events, per trigger fulfilled.
    delays: Vec<i64>,
}

/// `when trigger [where cond] require awaited where key == trigger.key
/// within limit`: for each trigger, the first awaited event with the same
/// key later in log order decides; none by the horizon decides by the
/// deadline.
fn obligation(
    log: &[Ev],
    trigger: &str,
    cond: impl Fn(&Ev) -> bool,
    awaited: &str,
    key: fn(&Ev) -> Option<&String>,
    limit: i64,
) -> Obligation {
    let horizon = log.last().unwrap().time;
    let mut out = Obligation::default();
    for (i, t) in log.iter().enumerate() {
        if t.kind != trigger || !cond(t) {
            continue;
        }
        let k = key(t);
        let found = log[i + 1..].iter().find(|e| e.kind == awaited && k.is_some() && key(e) == k);
        let deadline = t.time + limit;
        let slot = match found {
            Some(e) => {
                out.delays.push(e.time - t.time);
                if e.time <= deadline {
                    0
                } else {
                    1
                }
            }
            None if deadline <= horizon => 1,
            None => 2,
        };
        out.counts[slot] += 1;
    }
    out
}

/// The naive verdict counts of the six reference rules, and the ack24
/// details for the edge-case checks.
fn naive(log: &[Ev]) -> (Counts, Obligation) {
    let mut counts = Counts::new();
    fn case(e: &Ev) -> Option<&String> {
        e.case.as_ref()
    }
    fn customer(e: &Ev) -> Option<&String> {
        e.customer.as_ref()
    }
    let ack = obligation(log, "complaint_received", |_| true, "complaint_acknowledged", case, DAY);
    counts.insert("ack24".into(), ack.counts);
    let resolve = obligation(log, "complaint_received", |_| true, "complaint_resolved", case, 7 * DAY);
    counts.insert("resolve7d".into(), resolve.counts);
    let cancel = obligation(log, "cancellation_requested", |_| true, "cancellation_completed", customer, DAY);
    counts.insert("cancel1d".into(), cancel.counts);
    let long = |e: &Ev| e.minutes.is_some_and(|m| m > 240);
    let credit = obligation(log, "outage_ended", long, "credit_issued", customer, 30 * DAY);
    counts.insert("outage_credit".into(), credit.counts);
    let mut refusals = [0; 3];
    for e in log.iter().filter(|e| e.kind == "cancellation_refused") {
        refusals[usize::from(e.reason.as_deref() == Some(DEBT))] += 1;
    }
    counts.insert("no_debt_refusal".into(), refusals);
    let mut per_case: BTreeMap<&str, u64> = BTreeMap::new();
    for e in log.iter().filter(|e| e.kind == "call_transferred") {
        if let Some(c) = &e.case {
            *per_case.entry(c).or_default() += 1;
        }
    }
    let mut transfers = [0; 3];
    for n in per_case.values() {
        transfers[usize::from(*n > 2)] += 1;
    }
    counts.insert("max_transfers".into(), transfers);
    (counts, ack)
}

/// The engine's counts through the library.
fn engine(log: &Path) -> Counts {
    let analysis = tenet::analyze(&[policy()]);
    assert!(!analysis.has_errors(), "{:?}", analysis.diagnostics);
    let program = tenet::eval::compile(&analysis);
    let (summary, stats) = tenet::eval::run_log(&program, &[log.to_path_buf()], &ReadOptions::default(), None).unwrap();
    assert_eq!(stats.events, EVENTS);
    program.rules.iter().enumerate().map(|(i, r)| (r.name.clone(), summary.counts[i])).collect()
}

/// The counts of the binary's JSON report.
fn binary(log: &Path) -> Counts {
    let out = Command::cargo_bin("tenet")
        .unwrap()
        .timeout(Duration::from_secs(120))
        .arg("check")
        .arg(policy())
        .arg("--events")
        .arg(log)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["events"], EVENTS);
    report["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let n = |k: &str| r[k].as_u64().unwrap();
            (r["rule"].as_str().unwrap().to_string(), [n("satisfied"), n("violated"), n("pending")])
        })
        .collect()
}

#[test]
fn engine_counts_match_a_naive_evaluator() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = write(dir.path(), Format::Jsonl);
    let csv = write(dir.path(), Format::Csv);
    let log = parse(&jsonl);
    assert_eq!(log.len() as u64, EVENTS);
    assert!(log.windows(2).all(|w| w[0].time <= w[1].time), "the log is in time order");
    let (expected, ack) = naive(&log);
    let names: Vec<&str> = expected.keys().map(String::as_str).collect();
    assert_eq!(names, ["ack24", "cancel1d", "max_transfers", "no_debt_refusal", "outage_credit", "resolve7d"]);
    for (rule, c) in &expected {
        assert!(c.iter().sum::<u64>() > 0, "{rule} has no instances");
    }

    assert_eq!(engine(&jsonl), expected, "library, JSON Lines");
    assert_eq!(engine(&csv), expected, "library, CSV");
    assert_eq!(binary(&jsonl), expected, "binary, JSON Lines");
    assert_eq!(binary(&csv), expected, "binary, CSV");

    // The edge cases are really there.
    let exact = ack.delays.iter().filter(|d| **d == DAY).count();
    let one_late = ack.delays.iter().filter(|d| **d == DAY + 1).count();
    assert!(exact > 0, "an acknowledgement exactly 24 hours after its complaint");
    assert!(one_late > 0, "an acknowledgement 24 hours and one second after its complaint");
    assert!(ack.delays.contains(&0), "an acknowledgement in the same second");
    for rule in ["ack24", "resolve7d", "cancel1d", "outage_credit"] {
        let [satisfied, violated, pending] = expected[rule];
        assert!(satisfied > 0 && violated > 0 && pending > 0, "{rule}: {satisfied} {violated} {pending}");
    }
    assert!(expected["max_transfers"][1] > 0 && expected["no_debt_refusal"][0] > 0);
    let outages = log.iter().filter(|e| e.kind == "outage_ended").filter_map(|e| e.minutes);
    let boundary: Vec<i64> = outages.filter(|m| (240..=241).contains(m)).collect();
    assert!(boundary.contains(&240) && boundary.contains(&241), "outages of exactly 240 and 241 minutes");
    let ties = log.windows(2).filter(|w| w[0].time == w[1].time).count();
    assert!(ties > log.len() / 10, "many events share their second: {ties}");
    let distractors = log.iter().filter(|e| !names_in_policy().contains(&e.kind.as_str())).count();
    assert!((0.2..0.45).contains(&(distractors as f64 / log.len() as f64)), "distractors: {distractors}");
    assert!(log.iter().any(|e| e.kind == "call_transferred" && e.case.is_none()));
}

fn names_in_policy() -> [&'static str; 9] {
    [
        "complaint_received",
        "complaint_acknowledged",
        "complaint_resolved",
        "cancellation_requested",
        "cancellation_completed",
        "cancellation_refused",
        "outage_ended",
        "credit_issued",
        "call_transferred",
    ]
}

#[test]
fn the_generator_is_deterministic_and_bounded() {
    let cfg = Config::new(50_000, 42);
    let mut a = Vec::new();
    let mut b = Vec::new();
    write_log(cfg, Format::Jsonl, &mut a).unwrap();
    write_log(cfg, Format::Jsonl, &mut b).unwrap();
    assert_eq!(a, b, "same seed, same bytes");
    let mut c = Vec::new();
    write_log(Config { seed: 43, ..cfg }, Format::Jsonl, &mut c).unwrap();
    assert_ne!(a, c, "another seed, another log");
    let mean = a.len() as f64 / 50_000.0;
    assert!((95.0..125.0).contains(&mean), "about 110 bytes a line, got {mean:.1}");

    // The follow-up queue stays bounded by the event rate times the longest
    // delay (60 days), not by the length of the log: once past that, its
    // size no longer grows.
    let mut g = generator::Generator::new(Config { mean_gap: 50, ..Config::new(1_000_000, 42) });
    let (mut early, mut late, mut i) = (0, 0, 0);
    while g.next().is_some() {
        i += 1;
        if (250_000..500_000).contains(&i) {
            early = early.max(g.queued());
        } else if i >= 750_000 {
            late = late.max(g.queued());
        }
    }
    assert!(early > 0 && late * 10 <= early * 12, "queued follow-ups: {early} then {late}");
}
