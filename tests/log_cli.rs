//! Bad event-log lines through the real binary: each kind stops the run
//! with exit status 2 naming the file, line and reason; `--keep-going`
//! reports and counts every bad line and judges the rest.

#![expect(clippy::unwrap_used, reason = "test helpers fail loudly on a broken environment")]

use assert_cmd::Command;

const GOOD: &str = r#"{"time":"2026-03-02T09:00:00Z","type":"complaint_received","case":"A","customer":"K"}"#;

/// Runs the reference policy on a log of `GOOD` then `bad`; returns (exit, stderr, stdout).
fn run(bad: &[u8], extra: &[&str]) -> (i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("events.jsonl");
    let mut bytes = GOOD.as_bytes().to_vec();
    bytes.push(b'\n');
    bytes.extend_from_slice(bad);
    bytes.push(b'\n');
    std::fs::write(&log, bytes).unwrap();
    let out = Command::cargo_bin("tenet")
        .unwrap()
        .args(["--color", "never", "check", "benches/reference.tenet", "--events"])
        .arg(&log)
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (out.status.code().unwrap(), stderr, String::from_utf8_lossy(&out.stdout).into_owned())
}

fn assert_bad(bad: &[u8], needles: &[&str]) {
    let (code, stderr, _) = run(bad, &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("tenet::bad_log_line"), "{stderr}");
    assert!(stderr.contains("events.jsonl:2"), "must name file and line: {stderr}");
    for n in needles {
        assert!(stderr.contains(n), "expected `{n}` in: {stderr}");
    }
}

#[test]
fn invalid_json() {
    assert_bad(br#"{"time":"2026-03-02T10:00:00Z","type":"x","case":}"#, &["invalid JSON"]);
}

#[test]
fn not_an_object() {
    assert_bad(br#"["2026-03-02T10:00:00Z","x"]"#, &["object"]);
}

#[test]
fn missing_time() {
    assert_bad(br#"{"type":"complaint_received","case":"B"}"#, &["time"]);
}

#[test]
fn unparsable_time() {
    assert_bad(br#"{"time":"2026-13-45T10:00:00Z","type":"complaint_received"}"#, &["field `time`"]);
}

#[test]
fn type_not_a_string() {
    assert_bad(br#"{"time":"2026-03-02T10:00:00Z","type":42}"#, &["field `type`"]);
}

#[test]
fn attribute_of_the_wrong_type_for_the_schema() {
    assert_bad(
        br#"{"time":"2026-03-02T10:00:00Z","type":"outage_ended","customer":"K","outage_minutes":"long"}"#,
        &["field `outage_minutes`", "integer"],
    );
}

#[test]
fn invalid_utf8() {
    assert_bad(b"{\"time\":\"2026-03-02T10:00:00Z\",\"type\":\"x\",\"case\":\"\xff\xfe\"}", &["UTF-8"]);
}

#[test]
fn absurd_nesting() {
    let mut line = br#"{"time":"2026-03-02T10:00:00Z","type":"x","deep":"#.to_vec();
    line.extend(std::iter::repeat_n(b'[', 100_000));
    assert_bad(&line, &["field `deep`"]);
}

#[test]
fn out_of_order_names_both_lines() {
    let (code, stderr, _) = run(br#"{"time":"2026-03-01T09:00:00Z","type":"complaint_received","case":"B"}"#, &[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("tenet::out_of_order"), "{stderr}");
    assert!(stderr.contains("events.jsonl:2") && stderr.contains("events.jsonl:1"), "{stderr}");
    // Sorted, B comes first and is overdue at the horizon (A's time).
    let (code, _, stdout) =
        run(br#"{"time":"2026-03-01T09:00:00Z","type":"complaint_received","case":"B"}"#, &["--sort"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("violated `ack24` for case \"B\""), "{stdout}");
    assert!(stdout.contains("2 events, 0 bad lines"), "{stdout}");
}

#[test]
fn keep_going_counts_every_bad_line_and_judges_the_rest() {
    let bad = b"not json\n{\"time\":\"2026-03-04T10:00:00Z\",\"type\":\"complaint_acknowledged\",\"case\":\"A\"}\n[1]";
    let (code, stderr, stdout) = run(bad, &["--keep-going", "--format", "json"]);
    assert_eq!(code, 2, "bad lines make the run incomplete: {stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["bad_lines"], 2);
    assert_eq!(v["events"], 2);
    let lines: Vec<u64> =
        v["bad_line_details"].as_array().unwrap().iter().map(|b| b["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [2, 4]);
    let ack = v["rules"].as_array().unwrap().iter().find(|r| r["rule"] == "ack24").unwrap();
    assert_eq!(ack["violated"], 1, "the late acknowledgement was judged");
}

/// Runs `tenet check policies/br` on `args`, with `stdin`; returns (exit,
/// stdout, stderr).
fn br(args: &[&str], stdin: Vec<u8>) -> (i32, String, String) {
    let out = Command::cargo_bin("tenet")
        .unwrap()
        .args(["--color", "never", "check", "policies/br"])
        .args(args)
        .write_stdin(stdin)
        .output()
        .unwrap();
    // The rendering wraps long lines: compare the words.
    let stderr = String::from_utf8_lossy(&out.stderr).replace('│', " ");
    let stderr = stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(!stderr.contains("panicked"), "{stderr}");
    (out.status.code().unwrap(), String::from_utf8_lossy(&out.stdout).into_owned(), stderr)
}

#[test]
fn standard_input_is_a_log_of_the_format_given() {
    let log = std::fs::read("examples/acme-br.jsonl").unwrap();
    let (_, from_file, _) = br(&["--format", "json", "--events", "examples/acme-br.jsonl"], vec![]);
    let (code, from_stdin, stderr) = br(&["--format", "json", "--log-format", "jsonl", "--events", "-"], log.clone());
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(from_stdin.replace("\"<stdin>\"", "\"examples/acme-br.jsonl\""), from_file, "named <stdin>");
    // Compressed input is recognised by its first bytes.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, &log).unwrap();
    let (code, summary, _) = br(&["--summary", "--log-format", "jsonl", "--events", "-"], gz.finish().unwrap());
    assert_eq!(code, 1);
    assert!(summary.contains("29 events, 0 bad lines, 8 violations"), "{summary}");
    // A bad line is placed in <stdin>.
    let (code, _, stderr) = br(&["--log-format", "jsonl", "--events", "-"], b"not json\n".to_vec());
    assert_eq!(code, 2);
    assert!(stderr.contains("<stdin>:1"), "{stderr}");
}

#[test]
fn a_log_whose_format_is_unknown_names_log_format() {
    let (code, stdout, stderr) = br(&["--format", "json", "--events", "-"], b"{}\n".to_vec());
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("standard input has no file name to tell it by"), "{stderr}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["error"]["help"], "give the log's format with `--log-format jsonl|csv|xes|parquet|arrow`", "{doc}");
    let dir = tempfile::tempdir().unwrap();
    let txt = dir.path().join("events.txt");
    std::fs::copy("examples/acme-br.jsonl", &txt).unwrap();
    let (code, _, stderr) = br(&["--events", txt.to_str().unwrap()], vec![]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown log format") && stderr.contains("--log-format jsonl|csv|xes"), "{stderr}");
    let (code, stdout, stderr) = br(&["--summary", "--log-format", "jsonl", "--events", txt.to_str().unwrap()], vec![]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.contains("29 events"), "{stdout}");
    let (code, _, stderr) = br(&["--log-format", "jsonl", "--events", "-", "-"], vec![]);
    assert_eq!(code, 2);
    assert!(stderr.contains("give `-` at most once"), "{stderr}");
}

/// A synthetic log on the reference policy's events: `n` cases, most met in
/// time, some late, some never, with transfers; as JSON Lines in time order.
fn synthetic(n: u64) -> Vec<String> {
    let mut lines = vec![];
    let mut x = 0x9e37_79b9_u64;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for i in 0..n {
        let t = 1_767_225_600 + i * 600;
        let stamp = |s: u64| chrono::DateTime::from_timestamp(s as i64, 0).unwrap().to_rfc3339();
        let (case, customer) = (format!("C{i}"), format!("K{}", i % 97));
        let event = |s: u64, kind: &str| format!(r#"{{"time":"{}","type":"{kind}","case":"{case}"}}"#, stamp(s));
        let received =
            format!(r#"{{"time":"{}","type":"complaint_received","case":"{case}","customer":"{customer}"}}"#, stamp(t));
        lines.push((t, received));
        match next() % 4 {
            0 => {}
            1 => lines.push((t + 3 * 86_400, event(t + 3 * 86_400, "complaint_acknowledged"))),
            _ => lines.push((t + 3_600, event(t + 3_600, "complaint_acknowledged"))),
        }
        for k in 0..next() % 4 {
            lines.push((t + 60 * (k + 1), event(t + 60 * (k + 1), "call_transferred")));
        }
    }
    lines.sort_by_key(|(t, _)| *t);
    lines.into_iter().map(|(_, l)| l).collect()
}

/// Runs `tenet check` on the reference policy; returns (exit, stdout).
fn check(logs: &[&std::path::Path], extra: &[&str]) -> (i32, String) {
    let mut cmd = Command::cargo_bin("tenet").unwrap();
    cmd.args(["--color", "never", "check", "benches/reference.tenet"]);
    for log in logs {
        cmd.arg("--events").arg(log);
    }
    let out = cmd.args(extra).output().unwrap();
    (out.status.code().unwrap(), String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn one_thread_and_several_give_the_same_reports() {
    let dir = tempfile::tempdir().unwrap();
    let lines = synthetic(6_000);
    let whole = dir.path().join("all.jsonl");
    std::fs::write(&whole, lines.join("\n") + "\n").unwrap();
    // The same log in two files, merged by time.
    let (a, b) = (dir.path().join("a.jsonl"), dir.path().join("b.jsonl"));
    let (even, odd): (Vec<_>, Vec<_>) = lines.iter().enumerate().partition(|(i, _)| i % 2 == 0);
    let text = |part: Vec<(usize, &String)>| part.into_iter().map(|(_, l)| format!("{l}\n")).collect::<String>();
    std::fs::write(&a, text(even)).unwrap();
    std::fs::write(&b, text(odd)).unwrap();
    // A log that fails half way: the report still lists what was decided before.
    let broken = dir.path().join("broken.jsonl");
    let mut early = lines.clone();
    early.insert(lines.len() / 2, lines[0].clone());
    std::fs::write(&broken, early.join("\n") + "\n").unwrap();
    for (logs, code) in [(vec![whole.as_path()], 1), (vec![a.as_path(), b.as_path()], 1), (vec![broken.as_path()], 2)] {
        for format in ["json", "human", "jsonl"] {
            let one = check(&logs, &["--format", format, "--threads", "1"]);
            assert_eq!(one.0, code, "{logs:?} {format}: {}", one.1);
            // A failed run prints its error on stderr, and its report (of what
            // was decided before) only in the machine-readable formats.
            assert_eq!(one.1.contains("ack24"), code == 1 || format != "human", "{format}: {}", one.1);
            for threads in ["2", "4"] {
                let many = check(&logs, &["--format", format, "--threads", threads]);
                assert_eq!(many, one, "{logs:?} {format} on {threads} threads");
            }
        }
    }
}
