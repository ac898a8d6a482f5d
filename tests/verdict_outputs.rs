//! Verdict reports through the real binary, snapshotted: human, JSON, JSON
//! Lines and SARIF on the sample log of a fictional provider.

#![expect(clippy::unwrap_used, reason = "test helpers fail loudly on a broken environment")]

use assert_cmd::Command;

fn check(extra: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("tenet")
        .unwrap()
        .args(["--color", "never", "check", "policies/br", "--events", "examples/acme-br.jsonl"])
        .args(extra)
        .output()
        .unwrap();
    (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn human_report() {
    let (code, stdout, stderr) = check(&[]);
    assert_eq!(code, 1, "violations exit with 1: {stderr}");
    insta::assert_snapshot!("human_report", stdout);
}

#[test]
fn summary_only() {
    let (code, stdout, _) = check(&["--summary"]);
    assert_eq!(code, 1);
    assert!(!stdout.contains("tenet::violated"));
    insta::assert_snapshot!("summary_report", stdout);
}

#[test]
fn json_report() {
    let (code, stdout, _) = check(&["--format", "json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let rules = v["rules"].as_array().unwrap();
    let answer = rules.iter().find(|r| r["rule"] == "answer_within_7_days").unwrap();
    assert_eq!((&answer["satisfied"], &answer["violated"], &answer["pending"]), (&1.into(), &1.into(), &1.into()));
    assert_eq!(answer["jurisdiction"], "BR");
    let late = v["violations"].as_array().unwrap().iter().find(|x| x["rule"] == "answer_within_7_days").unwrap();
    assert_eq!(late["trigger"]["line"], 11);
    assert_eq!(late["evidence"]["line"], 20);
    assert_eq!(late["lateness_seconds"], 43_200);
    insta::assert_snapshot!("json_report", stdout);
}

#[test]
fn sarif_report() {
    let (code, stdout, _) = check(&["--format", "sarif"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["version"], "2.1.0");
    assert_eq!(v["runs"][0]["results"].as_array().unwrap().len(), 8);
    insta::assert_snapshot!("sarif_report", stdout);
}

#[test]
fn jsonl_report_is_the_json_report_one_violation_a_line() {
    let (code, stdout, _) = check(&["--format", "jsonl"]);
    assert_eq!(code, 1);
    let (_, json, _) = check(&["--format", "json"]);
    let mut json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let lines: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let (summary, violations) = lines.split_last().unwrap();
    assert_eq!(violations, json["violations"].as_array().unwrap().as_slice(), "the same objects, in the same order");
    json.as_object_mut().unwrap().remove("violations");
    assert_eq!(summary, &serde_json::json!({ "summary": json }), "the rest of the JSON report");
    insta::assert_snapshot!("jsonl_report", stdout);
    // With --summary, the summary line alone.
    let (code, only, _) = check(&["--format", "jsonl", "--summary"]);
    assert_eq!(code, 1);
    assert_eq!(only, stdout.lines().last().unwrap().to_string() + "\n");
}

#[test]
fn summary_in_json_and_sarif_lists_no_violations() {
    let (_, full, _) = check(&["--format", "json"]);
    let (code, stdout, _) = check(&["--format", "json", "--summary"]);
    assert_eq!(code, 1, "the exit status still counts every violation");
    let (full, summary): (serde_json::Value, serde_json::Value) =
        (serde_json::from_str(&full).unwrap(), serde_json::from_str(&stdout).unwrap());
    assert!(summary.get("violations").is_none(), "not listed, rather than listed empty: {stdout}");
    assert_eq!(summary["rules"], full["rules"], "the same counts and remedies");
    assert_eq!(summary["remedies_by_customer"], full["remedies_by_customer"]);
    let (code, stdout, _) = check(&["--format", "sarif", "--summary"]);
    assert_eq!(code, 1);
    let sarif: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(sarif["runs"][0].get("results").is_none(), "{stdout}");
    assert_eq!(
        sarif["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap().len(),
        full["rules"].as_array().unwrap().len()
    );
}

#[test]
fn a_run_that_fails_still_writes_a_document() {
    let dir = tempfile::tempdir().unwrap();
    let mut log = std::fs::read_to_string("examples/acme-br.jsonl").unwrap();
    log.push_str("{\"time\": \"not a time\", \"type\": \"complaint_received\"}\n");
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(&bad, log).unwrap();
    let run = |format: &str| {
        let out = Command::cargo_bin("tenet")
            .unwrap()
            .args(["check", "policies/br", "--format", format, "--events"])
            .arg(&bad)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let json = run("json");
    assert_eq!(json["error"]["code"], "tenet::bad_log_line", "{json}");
    assert!(json["error"]["message"].as_str().unwrap().contains("bad.jsonl:30"), "{json}");
    assert!(json["violations"].is_array() && json.get("rules").is_none(), "{json}");
    let sarif = run("sarif");
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false, "{sarif}");
    assert!(invocation["toolExecutionNotifications"][0]["message"]["text"].as_str().unwrap().contains("bad.jsonl:30"));
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let last = results.last().unwrap();
    assert_eq!((&last["level"], &last["ruleId"]), (&"error".into(), &"tenet::bad_log_line".into()), "{sarif}");
    assert_eq!(results.len(), 8 + 1, "the violations decided before the bad line, then the error");
    // JSON Lines: the violations so far, then a line naming the error.
    let out = Command::cargo_bin("tenet")
        .unwrap()
        .args(["check", "policies/br", "--format", "jsonl", "--events"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let last: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(last["error"]["code"], "tenet::bad_log_line", "{stdout}");
    assert_eq!(stdout.lines().count(), 8 + 1, "{stdout}");
}

#[test]
fn nothing_violated_exits_zero() {
    let out = Command::cargo_bin("tenet")
        .unwrap()
        .args(["check", "policies/br", "--events", "examples/acme-br.jsonl", "--as-of", "2026-03-02T09:01:00-03:00"])
        .output()
        .unwrap();
    // The log is judged as it stood at the horizon: two events, nothing late.
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("27 events after the horizon were not judged"), "{stdout}");
    assert!(
        stdout.contains("protocol_number_during_call            BR                    0         0        1"),
        "{stdout}"
    );
}
