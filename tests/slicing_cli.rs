//! `tenet check --slices N` through the real binary: the same bytes and the
//! same exit status as an unsliced run, on a shipped example and on a
//! generated benchmark log; and `tenet plan` naming what it cannot slice.

#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

#[path = "../benches/generator.rs"]
mod generator;

use generator::{write_log, Config, Format};
use std::path::Path;
use std::process::{Command, Output};

fn tenet(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tenet")).args(args).output().unwrap()
}

/// Runs `check` with `args`, unsliced and in `slices` slices: the same
/// standard output, standard error and exit status.
fn same_sliced(args: &[&str], slices: &str) {
    let one = tenet(args);
    let mut sliced_args = args.to_vec();
    sliced_args.extend(["--slices", slices]);
    let many = tenet(&sliced_args);
    assert!(!one.stdout.is_empty(), "{args:?} prints nothing");
    assert!(one.stdout == many.stdout, "{args:?} in {slices} slices prints another report");
    assert_eq!(one.stderr, many.stderr, "{args:?} in {slices} slices");
    assert_eq!(one.status.code(), many.status.code(), "{args:?} in {slices} slices");
}

#[test]
fn four_slices_give_the_same_reports_on_a_shipped_example() {
    for format in [&["--format", "json"][..], &["--summary"], &[], &["--format", "sarif"], &["--all"]] {
        let mut args = vec!["check", "policies/br", "--events", "examples/acme-br.jsonl", "-q"];
        args.extend(format);
        same_sliced(&args, "4");
    }
    same_sliced(&["check", "policies/gb", "--events", "examples/acme-gb.jsonl", "--format", "json", "-q"], "4");
}

#[test]
fn four_slices_give_the_same_report_on_a_generated_benchmark_log() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("bench.jsonl");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&log).unwrap());
    // Seven weeks of a small customer base: every deadline falls inside it.
    let config = Config { events: 20_000, seed: 7, mean_gap: 400, customers: 2_000, start: 1_772_409_600 };
    write_log(config, Format::Jsonl, &mut file).unwrap();
    drop(file);
    let log = log.to_str().unwrap();
    for format in [&["--format", "json"][..], &["--summary"], &[]] {
        let mut args = vec!["check", "benches/reference.tenet", "--events", log, "-q"];
        args.extend(format);
        same_sliced(&args, "4");
    }
    same_sliced(&["check", "benches/reference.tenet", "--events", log, "-q", "--format", "json"], "16");
    // A horizon inside the log: the events after it are counted, not judged.
    let as_of = ["--as-of", "2026-04-01T00:00:00Z"];
    same_sliced(
        &["check", "benches/reference.tenet", "--events", log, "-q", "--format", "json", as_of[0], as_of[1]],
        "3",
    );
}

#[test]
fn the_plan_names_the_rules_kept_at_the_merge() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.tenet");
    std::fs::write(
        &policy,
        r#"jurisdiction T "Test"
  timezone "UTC"

event call_started { call: id, case: id }
event answered { case: id }
event call_ended { call: id }

rule during_call "Answered before the call ends" cites "test" {
  when call_started as c
  require answered where case == c.case before call_ended where call == c.call
}
"#,
    )
    .unwrap();
    let out = tenet(&["plan", policy.to_str().unwrap(), "--slices", "8"]);
    assert_eq!(out.status.code(), Some(0));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan["version"], 1);
    assert_eq!(plan["slices"], 8);
    assert_eq!(plan["merge"][0]["rule"], "during_call");
    assert!(plan["merge"][0]["reason"].as_str().unwrap().contains("share no correlation key"));
    // Kept at the merge, the rule still gives the verdicts of one run.
    let log = dir.path().join("log.jsonl");
    std::fs::write(
        &log,
        "{\"time\":\"2026-03-02T09:00:00Z\",\"type\":\"call_started\",\"call\":\"X\",\"case\":\"A\"}\n\
         {\"time\":\"2026-03-02T09:01:00Z\",\"type\":\"call_started\",\"call\":\"Y\",\"case\":\"B\"}\n\
         {\"time\":\"2026-03-02T09:02:00Z\",\"type\":\"answered\",\"case\":\"A\"}\n\
         {\"time\":\"2026-03-02T09:03:00Z\",\"type\":\"call_ended\",\"call\":\"Y\"}\n",
    )
    .unwrap();
    let (policy, log) = (policy.to_str().unwrap(), log.to_str().unwrap());
    same_sliced(&["check", policy, "--events", log, "--format", "json"], "3");
}

#[test]
fn the_reference_policy_is_sliced_whole() {
    let out = tenet(&["plan", "benches/reference.tenet"]);
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan["merge"].as_array().map(Vec::len), Some(0), "{plan}");
    assert!(Path::new("benches/reference.tenet").exists());
}
