//! End-to-end tests through the real `tenet` binary: exit codes, output
//! formats, and hostile input that must end in a clean error naming the file.

#![expect(clippy::unwrap_used, reason = "test helpers fail loudly on a broken environment")]

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn tenet() -> Command {
    let mut cmd = Command::cargo_bin("tenet").unwrap();
    cmd.timeout(Duration::from_secs(60)).env_remove("NO_COLOR");
    cmd
}

/// Runs `tenet check` on a file holding `bytes`; returns (exit code, stderr).
fn check_bytes(bytes: &[u8]) -> (i32, String, PathBuf, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hostile.tenet");
    std::fs::write(&path, bytes).unwrap();
    let out = tenet().arg("check").arg(&path).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "panic on hostile input: {stderr}");
    (out.status.code().unwrap_or(-1), stderr, path, dir)
}

fn assert_clean_error(bytes: &[u8], needle: &str) {
    let (code, stderr, path, _dir) = check_bytes(bytes);
    assert_eq!(code, 1, "exit code; stderr: {}", &stderr[..stderr.len().min(2000)]);
    assert!(stderr.contains(needle), "expected `{needle}` in: {}", &stderr[..stderr.len().min(2000)]);
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    assert!(stderr.contains(&name), "the error must name the file");
    assert!(stderr.len() < 20_000, "output must stay short, got {} bytes", stderr.len());
}

#[test]
fn clean_policy_exits_zero() {
    let out = tenet().args(["check", "tests/fixtures/ok/illustration.tenet"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("checked 1 file: 0 errors, 0 warnings"), "{stderr}");
}

#[test]
fn empty_file() {
    assert_clean_error(b"", "policy file is empty");
    assert_clean_error(b"  \n// only a comment\n", "policy file is empty");
}

#[test]
fn binary_and_invalid_utf8() {
    let mut bytes: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    bytes.extend_from_slice(b"\xff\xfe");
    assert_clean_error(&bytes, "not valid UTF-8");
    assert_clean_error(b"rule caf\xe9 { }", "not valid UTF-8");
}

#[test]
fn nul_bytes() {
    assert_clean_error(b"jurisdiction BR \"x\"\0\0 timezone \"UTC\"", "NUL byte");
}

#[test]
fn deep_nesting_does_not_overflow() {
    assert_clean_error("(".repeat(100_000).as_bytes(), "nested more than");
    assert_clean_error("{".repeat(100_000).as_bytes(), "nested more than");
    let deep_rule = format!("rule r {{ forbid x where {}true{} }}", "(".repeat(100_000), ")".repeat(100_000));
    assert_clean_error(deep_rule.as_bytes(), "nested more than");
}

#[test]
fn five_megabyte_line() {
    let long = format!("jurisdiction BR \"{}\" timezone \"UTC\" @", "a".repeat(5 << 20));
    assert_clean_error(long.as_bytes(), "unexpected `@`");
    let garbage = "x".repeat(5 << 20);
    assert_clean_error(garbage.as_bytes(), "unexpected");
}

#[test]
fn unterminated_string_and_comment() {
    assert_clean_error(b"jurisdiction BR \"Brazil\n  timezone \"UTC\"\n", "unterminated string");
    assert_clean_error(b"jurisdiction BR \"Brazil\" timezone \"UTC\"\n/* never closed\n", "unterminated block comment");
}

#[test]
fn numbers_too_big() {
    let text =
        "jurisdiction X \"x\" timezone \"UTC\"\nrule r cites \"c\" { per case: count(e) <= 99999999999999999999999 }\n";
    assert_clean_error(text.as_bytes(), "too large");
}

#[test]
fn invisible_characters_in_names() {
    let text = "jurisdiction X \"x\" timezone \"UTC\"\nrule r\u{202E}x cites \"c\" { forbid e }\n";
    assert_clean_error(text.as_bytes(), "U+202E RIGHT-TO-LEFT OVERRIDE");
    let text = "jurisdiction X \"x\" timezone \"UTC\"\nrule r\u{200B} cites \"c\" { forbid e }\n";
    assert_clean_error(text.as_bytes(), "U+200B ZERO WIDTH SPACE");
}

#[test]
fn missing_path_is_exit_two() {
    let out = tenet().args(["check", "no/such/dir"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read `no/such/dir`: no such file or directory"));
}

#[test]
fn usage_error_is_exit_two() {
    let out = tenet().args(["check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = tenet().args(["frobnicate"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    // `tenet test` writes one document: human or JSON, nothing else.
    let out = tenet().args(["test", "policies/br", "--format", "jsonl"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn json_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.tenet");
    std::fs::write(
        &path,
        "jurisdiction X \"x\"\n  timezone \"Europe/Londn\"\n\nevent a { case: id }\n\nrule r {\n  forbid a where cse == \"1\"\n}\n",
    )
    .unwrap();
    let out = tenet().args(["check", "--format", "json"]).arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["errors"], 2);
    assert_eq!(v["warnings"], 1);
    let diags = v["diagnostics"].as_array().unwrap();
    let tz = &diags[0];
    assert_eq!(tz["code"], "tenet::unknown_timezone");
    assert_eq!(tz["severity"], "error");
    assert_eq!((tz["line"].as_u64(), tz["column"].as_u64()), (Some(2), Some(12)));
    assert_eq!((tz["end"]["line"].as_u64(), tz["end"]["column"].as_u64()), (Some(2), Some(26)));
    assert_eq!(tz["help"], "did you mean `Europe/London`?");
    assert!(tz["file"].as_str().unwrap().ends_with("p.tenet"));
    let codes: Vec<&str> = diags.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["tenet::unknown_timezone", "tenet::missing_citation", "tenet::unknown_field"]);
    assert_eq!(diags[2]["help"], "did you mean `case`?");
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let bad = Path::new("tests/fixtures/cli/unknown_event.tenet");
    let plain = tenet().arg("check").arg(bad).output().unwrap();
    assert!(!plain.stderr.contains(&0x1b), "no colour when not a terminal");
    let forced = tenet().args(["--color", "always", "check"]).arg(bad).output().unwrap();
    assert!(forced.stderr.contains(&0x1b), "colour when forced");
    assert_eq!(plain.status.code(), Some(1));
}

#[test]
fn help_has_examples() {
    for sub in ["check", "fmt"] {
        let out = tenet().args([sub, "--help"]).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Examples:") && text.contains(&format!("tenet {sub}")), "{text}");
    }
}

#[test]
fn shipped_policies_and_calendars_check_clean_and_are_formatted() {
    let out = tenet().args(["check", "policies", "calendars"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains(" 0 errors, 0 warnings"), "{stderr}");
    let out = tenet().args(["fmt", "--check", "policies", "calendars", "tests/semantics"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn policy_library_tests_pass_through_the_binary() {
    let out = tenet().args(["test", "policies"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let last = stdout.lines().last().unwrap_or("");
    let passed: usize = last.split(' ').next().unwrap_or("0").parse().unwrap_or(0);
    assert!(passed >= 80 && last.contains(" passed, 0 failed, 0 filtered out; finished in "), "{last}");
    assert!(!stdout.contains('\x1b'), "no colour when piped: {stdout}");
    assert!(!stdout.contains("failures:"), "no recap without failures: {stdout}");
}

/// A Brazilian policy with a business-day deadline; BR lists holidays for
/// 2008–2027 only.
const COVERAGE_POLICY: &str = r#"jurisdiction T "Test"
  timezone "America/Sao_Paulo"
  calendar BR

event asked { case: id }
event answered { case: id }

rule answer "Questions are answered within five business days" cites "test" {
  when asked as a
  require answered where case == a.case within 5 business days
}

test "a question asked at the end of 2027 is due in 2028" {
  given {
    2027-12-28T10:00:00-03:00 asked { case: "A" }
  }
  expect pending answer for case "A"
}
"#;

#[test]
fn deadlines_and_horizons_beyond_the_calendar_warn() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("t.tenet");
    std::fs::write(&policy, COVERAGE_POLICY).unwrap();
    let log = dir.path().join("log.jsonl");
    std::fs::write(&log, "{\"time\":\"2027-12-28T10:00:00-03:00\",\"type\":\"asked\",\"case\":\"A\"}\n").unwrap();
    let out = tenet().arg("check").arg(&policy).arg("--events").arg(&log).output().unwrap();
    // The rendering wraps long lines: compare the words.
    let stderr = String::from_utf8_lossy(&out.stderr).replace('│', " ");
    let stderr = stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        stderr.contains("lists holidays for 2008–2027 only, but a business-day deadline of rule `answer` reaches 2028"),
        "{stderr}"
    );
    let out = tenet()
        .arg("check")
        .arg(&policy)
        .arg("--events")
        .arg(&log)
        .args(["--as-of", "2029-01-10T00:00:00Z", "--format", "json"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("but the horizon reaches 2029"), "{stdout}");
    assert!(stdout.contains("deadline of rule `answer` reaches 2028"), "{stdout}");
    // `tenet test` passes the test and says which year its deadline reached.
    let out = tenet().arg("test").arg(&policy).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("warning: calendar `BR` lists holidays for 2008–2027 only, but a business-day deadline of rule `answer` reaches 2028"),
        "{stdout}"
    );
}

#[test]
fn a_remedy_that_cannot_be_computed_is_a_warning_and_owes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.tenet");
    std::fs::write(
        &policy,
        "jurisdiction X \"x\"\n  timezone \"UTC\"\n\nevent fee_charged { customer: id, fee: money(EUR)? }\n\nrule fee \"Fees are refunded twice\"\n  cites \"test\"\n{\n  forbid fee_charged as f\n  remedy 2 * f.fee\n}\n",
    )
    .unwrap();
    let log = dir.path().join("log.jsonl");
    std::fs::write(
        &log,
        "{\"time\":\"2026-03-02T10:00:00Z\",\"type\":\"fee_charged\",\"customer\":\"K1\",\"fee\":5}\n\
         {\"time\":\"2026-03-02T11:00:00Z\",\"type\":\"fee_charged\",\"customer\":\"K2\"}\n",
    )
    .unwrap();
    let out = tenet().arg("check").arg(&policy).arg("--events").arg(&log).args(["--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let warnings = json["warnings"].to_string();
    assert!(warnings.contains("tenet::remedy_not_computed"), "{warnings}");
    assert!(
        warnings.contains("could not be computed for 1 violation(s): an amount is absent or not money"),
        "{warnings}"
    );
    let notes: Vec<&str> = json["violations"].as_array().unwrap().iter().map(|v| v["note"].as_str().unwrap()).collect();
    assert_eq!(notes[1], "a forbidden event happened; remedy not computed: an amount is absent or not money");
}

#[test]
fn a_violated_measure_is_no_violation_and_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("events.jsonl");
    // Asked on 6 March, answered three days later: the measure's instance is
    // violated; the monthly rate over it is pending, March not being over.
    let lines = [
        r#"{"time":"2026-03-06T09:00:00Z","type":"asked","case":"E"}"#,
        r#"{"time":"2026-03-09T09:00:00Z","type":"answered","case":"E"}"#,
    ];
    std::fs::write(&log, lines.join("\n")).unwrap();
    let policy = "tests/semantics/field_aggregates.tenet";
    let out = tenet().args(["--color", "never", "check", policy, "--events"]).arg(&log).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("answered_in_a_day (measure)"), "{stdout}");
    assert!(stdout.contains("0 violations"), "{stdout}");
    let out = tenet().args(["check", policy, "--format", "json", "--events"]).arg(&log).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["violations"].as_array().map(Vec::len), Some(0), "{v}");
    let rule = v["rules"].as_array().unwrap().iter().find(|r| r["rule"] == "answered_in_a_day").unwrap();
    assert_eq!((rule["measure"].as_bool(), rule["violated"].as_u64()), (Some(true), Some(1)), "{rule}");
}

#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    // Much more output than a pipe buffer holds (thousands of violations),
    // read by a reader that stops after one byte.
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log.jsonl");
    let lines: Vec<String> = (0..5000)
        .map(|i| {
            format!(
                "{{\"time\":\"2026-03-02T10:{:02}:{:02}-03:00\",\"type\":\"cancellation_refused\",\"customer\":\"K{i}\",\"reason\":\"outstanding_debt\"}}",
                i / 60 % 60,
                i % 60
            )
        })
        .collect();
    std::fs::write(&log, lines.join("\n")).unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("tenet"))
        .args(["check", "policies/br", "--format", "json", "--sort", "--events"])
        .arg(&log)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut one = [0u8; 1];
    std::io::Read::read_exact(&mut stdout, &mut one).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
}

#[test]
fn totals_too_large_to_add_are_a_warning_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.tenet");
    std::fs::write(
        &policy,
        "jurisdiction X \"x\"\n  timezone \"UTC\"\n\nevent fee_charged { customer: id }\n\nrule fee \"No fees\"\n  cites \"test\"\n{\n  forbid fee_charged\n  remedy 50000000000000000000000000000 GBP\n}\n",
    )
    .unwrap();
    let log = dir.path().join("log.jsonl");
    std::fs::write(
        &log,
        "{\"time\":\"2026-03-02T10:00:00Z\",\"type\":\"fee_charged\",\"customer\":\"K1\"}\n\
         {\"time\":\"2026-03-02T11:00:00Z\",\"type\":\"fee_charged\",\"customer\":\"K1\"}\n",
    )
    .unwrap();
    let out = tenet().arg("check").arg(&policy).arg("--events").arg(&log).args(["--format", "json"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let warnings = json["warnings"].to_string();
    assert!(warnings.contains("tenet::remedy_not_computed"), "{warnings}");
    assert!(warnings.contains("for 1 violation(s): the total owed overflows"), "{warnings}");
}

#[test]
fn long_chains_of_operators_are_an_error_not_a_crash() {
    let header = "jurisdiction X \"x\"\n  timezone \"UTC\"\n\nevent e { n: int }\n\n";
    for chain in [
        "not ".repeat(10_000) + "true",
        "- ".repeat(10_000) + "1 > 0",
        vec!["1"; 10_000].join(" + ") + " > 0",
        vec!["1"; 10_000].join(" * ") + " > 0",
        vec!["true"; 10_000].join(" and "),
        vec!["true"; 10_000].join(" or "),
        format!("{} > 0", "(1 + ".repeat(60) + &vec!["1"; 300].join(" + ") + &")".repeat(60)),
    ] {
        let text = format!("{header}rule r \"r\" cites \"c\" {{\n  forbid e where {chain}\n}}\n");
        let (code, stderr, _path, _dir) = check_bytes(text.as_bytes());
        assert_eq!(code, 1, "{}", &stderr[..stderr.len().min(2000)]);
        assert!(stderr.contains("tenet::expression_too_deep"), "{}", &stderr[..stderr.len().min(2000)]);
        assert!(stderr.contains("hostile.tenet:7:"), "{}", &stderr[..stderr.len().min(2000)]);
    }
}

#[test]
fn a_byte_order_mark_at_the_start_is_blank_space() {
    let text = "\u{feff}jurisdiction X \"x\"\n  timezone \"UTC\"\n\nevent e { n: int }\n\nrule r \"r\" cites \"c\" {\n  forbid e\n}\n";
    let (code, stderr, _path, _dir) = check_bytes(text.as_bytes());
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn help_texts_fit_the_mistake() {
    // A bad --as-of is not a path.
    let out = tenet()
        .args(["--color", "never", "check", "policies/br", "--events", "examples/acme-br.jsonl", "--as-of", "tomorrow"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("check that the path exists"), "{stderr}");
    assert!(stderr.contains("give `--as-of` a valid value"), "{stderr}");
    // Under --keep-going a bad line is not told to pass --keep-going.
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log.jsonl");
    std::fs::write(&log, "{\"time\":\"2026-03-02T10:00:00Z\",\"type\":\"complaint_received\"\nnot json\n").unwrap();
    let out = tenet()
        .args(["--color", "never", "check", "policies/br", "--keep-going", "--events"])
        .arg(&log)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("bad event at"), "{stderr}");
    assert!(!stderr.contains("pass --keep-going"), "{stderr}");
    assert!(stderr.contains("the line was skipped and counted"), "{stderr}");
}

#[test]
fn several_logs_follow_one_events_flag_and_a_policy_there_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let lines: Vec<&str> = include_str!("../examples/acme-br.jsonl").lines().collect();
    let (a, b) = (dir.path().join("a.jsonl"), dir.path().join("b.jsonl"));
    std::fs::write(&a, lines[..10].join("\n")).unwrap();
    std::fs::write(&b, lines[10..].join("\n")).unwrap();
    let whole =
        tenet().args(["check", "policies/br", "--summary", "--events", "examples/acme-br.jsonl"]).output().unwrap();
    let split = tenet().args(["check", "policies/br", "--summary", "--events"]).arg(&a).arg(&b).output().unwrap();
    assert_eq!(split.status.code(), whole.status.code(), "{}", String::from_utf8_lossy(&split.stderr));
    assert_eq!(String::from_utf8_lossy(&split.stdout), String::from_utf8_lossy(&whole.stdout));
    let out = tenet()
        .args([
            "--color",
            "never",
            "check",
            "policies/br",
            "--events",
            "examples/acme-br.jsonl",
            "policies/schema/telecom.tenet",
        ])
        .output()
        .unwrap();
    // The rendering wraps long lines: compare the words.
    let stderr = String::from_utf8_lossy(&out.stderr).replace('│', " ");
    let stderr = stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("is a policy: write the policies first, then `--events` and the logs"), "{stderr}");
}

#[test]
fn devices_and_pipes_are_refused_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.tenet");
    std::fs::write(&policy, "import \"/dev/zero\"\n\njurisdiction X \"x\"\n  timezone \"UTC\"\n").unwrap();
    let out = tenet().args(["--color", "never", "check"]).arg(&policy).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("not a regular file"), "{stderr}");
    // A FIFO named like a policy in a checked folder.
    let fifo = dir.path().join("pipe.tenet");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        let out = tenet().args(["--color", "never", "check"]).arg(dir.path()).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("not a regular file"), "{stderr}");
    }
}

#[test]
fn thousands_of_diagnostics_render_in_time_linear_in_their_number() {
    // 20 000 duplicate holidays: rendering each one from the whole file
    // took minutes; the 60-second bound of `tenet()` fails the test then.
    let mut text = String::from("jurisdiction X \"x\"\n  timezone \"UTC\"\n  calendar C\n\ncalendar C \"c\" {\n");
    for _ in 0..20_000 {
        text.push_str("  holiday 2026-01-01 \"x\"\n");
    }
    text.push_str("}\n");
    let (code, stderr, _path, _dir) = check_bytes(text.as_bytes());
    assert_eq!(code, 1);
    assert_eq!(stderr.matches("tenet::duplicate").count(), 19_999);
}

/// A policy forbidding every fee, and a log of `n` fees: `n` violations.
fn fees(n: usize) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.tenet");
    std::fs::write(
        &policy,
        "jurisdiction X \"x\"\n  timezone \"UTC\"\n\nevent fee_charged { customer: id }\n\nrule fee \"No fees\"\n  cites \"test\"\n{\n  forbid fee_charged\n}\n",
    )
    .unwrap();
    let log = dir.path().join("log.jsonl");
    let lines: Vec<String> = (0..n)
        .map(|i| format!("{{\"time\":\"2026-03-02T10:{i:02}:00Z\",\"type\":\"fee_charged\",\"customer\":\"K{i}\"}}"))
        .collect();
    std::fs::write(&log, lines.join("\n")).unwrap();
    (dir, policy, log)
}

#[test]
fn the_human_report_says_how_many_more_violations_and_how_to_see_them() {
    let (_dir, policy, log) = fees(13);
    let out = tenet().args(["--color", "never", "check"]).arg(&policy).arg("--events").arg(&log).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.matches("tenet::violated").count(), 10, "{stdout}");
    assert!(
        stdout.contains(
            "… and 3 more violations of `fee`: list every one with --all, or one JSON object per line with --format jsonl"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("13 violations"), "{stdout}");
    let out =
        tenet().args(["--color", "never", "check", "--all"]).arg(&policy).arg("--events").arg(&log).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.matches("tenet::violated").count(), 13, "{stdout}");
    assert!(!stdout.contains("more violation"), "{stdout}");
    // Exactly ten: nothing more to say.
    let (_dir, policy, log) = fees(10);
    let out = tenet().args(["--color", "never", "check"]).arg(&policy).arg("--events").arg(&log).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.matches("tenet::violated").count(), 10, "{stdout}");
    assert!(!stdout.contains("more violation"), "{stdout}");
}

/// Runs `tenet check ARGS --format FORMAT`; returns the exit status and
/// standard output.
fn check_as(format: &str, args: &[&std::ffi::OsStr]) -> (i32, String) {
    let out = tenet().arg("check").args(args).args(["--format", format]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn every_failure_still_writes_one_document() {
    let dir = tempfile::tempdir().unwrap();
    let bad_policy = dir.path().join("bad.tenet");
    std::fs::write(
        &bad_policy,
        "jurisdiction X \"x\"\n  timezone \"Europe/Londn\"\n\nevent a { case: id }\n\nrule r cites \"c\" {\n  forbid a where cse == \"1\"\n}\n",
    )
    .unwrap();
    let os = |s: &'static str| std::ffi::OsStr::new(s);
    let cases: [(&str, Vec<&std::ffi::OsStr>, i32, &str); 4] = [
        ("a missing log", vec![os("policies/br"), os("--events"), os("no/such.jsonl")], 2, "tenet::io"),
        (
            "a policy among the logs",
            vec![os("policies/br"), os("--events"), os("policies/br/sac.tenet")],
            2,
            "tenet::io",
        ),
        (
            "a bad --as-of",
            vec![os("policies/br"), os("--events"), os("examples/acme-br.jsonl"), os("--as-of"), os("tomorrow")],
            2,
            "tenet::io",
        ),
        ("a policy with errors", vec![bad_policy.as_os_str(), os("--events"), os("examples/acme-br.jsonl")], 1, ""),
    ];
    for (what, args, status, code) in &cases {
        let (got, stdout) = check_as("json", args);
        assert_eq!(got, *status, "{what}: {stdout}");
        let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{what}: {e}: {stdout}"));
        if code.is_empty() {
            let errors = doc["errors"].as_array().unwrap_or_else(|| panic!("{what}: {doc}"));
            let codes: Vec<&str> = errors.iter().map(|e| e["code"].as_str().unwrap()).collect();
            assert_eq!(codes, ["tenet::unknown_timezone", "tenet::unknown_field"], "{what}");
            assert_eq!((errors[0]["line"].as_u64(), errors[0]["column"].as_u64()), (Some(2), Some(12)));
        } else {
            assert_eq!(doc["error"]["code"], *code, "{what}: {doc}");
            // No file, so no position: null, never a line 0.
            assert!(doc["error"]["line"].is_null() && doc["error"]["column"].is_null(), "{what}: {doc}");
        }
        let (got, stdout) = check_as("jsonl", args);
        assert_eq!(got, *status, "{what}");
        assert_eq!(stdout.lines().count(), 1, "{what}: {stdout}");
        let line: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        // A log that cannot be read stops a JSON report already begun: its
        // `violations` come first, empty.
        let key = if code.is_empty() { "errors" } else { "error" };
        assert_eq!(line[key], doc[key], "{what}: the same object on one line");
        let (got, stdout) = check_as("sarif", args);
        assert_eq!(got, *status, "{what}");
        let sarif: serde_json::Value =
            serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{what}: {e}: {stdout}"));
        let run = &sarif["runs"][0];
        assert_eq!(run["invocations"][0]["executionSuccessful"], false, "{what}: {sarif}");
        let results = run["results"].as_array().unwrap();
        assert!(!results.is_empty() && results.iter().all(|r| r["level"] == "error"), "{what}: {sarif}");
    }
}

#[test]
fn static_sarif_lists_the_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.tenet");
    std::fs::write(
        &path,
        "jurisdiction X \"x\"\n  timezone \"Europe/Londn\"\n\nevent a { case: id }\n\nrule r {\n  forbid a where cse == \"1\"\n}\n",
    )
    .unwrap();
    let (code, stdout) = check_as("sarif", &[path.as_os_str()]);
    assert_eq!(code, 1);
    let sarif: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    assert_eq!(run["invocations"][0]["executionSuccessful"], true, "{sarif}");
    let results = run["results"].as_array().unwrap();
    let levels: Vec<(&str, &str)> =
        results.iter().map(|r| (r["ruleId"].as_str().unwrap(), r["level"].as_str().unwrap())).collect();
    assert_eq!(
        levels,
        [
            ("tenet::unknown_timezone", "error"),
            ("tenet::missing_citation", "warning"),
            ("tenet::unknown_field", "error")
        ]
    );
    let place = &results[0]["locations"][0]["physicalLocation"];
    assert!(place["artifactLocation"]["uri"].as_str().unwrap().ends_with("p.tenet"), "{place}");
    assert_eq!(place["region"], serde_json::json!({"startLine": 2, "startColumn": 12, "endLine": 2, "endColumn": 26}));
    assert!(results[0]["message"]["text"].as_str().unwrap().contains("help: did you mean `Europe/London`?"));
    // A clean policy: no results, a run that succeeded.
    let (code, stdout) = check_as("sarif", &[std::ffi::OsStr::new("tests/fixtures/ok/illustration.tenet")]);
    assert_eq!(code, 0);
    let sarif: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(sarif["runs"][0]["results"], serde_json::json!([]), "{sarif}");
    // JSON Lines: one diagnostic a line, then the counts.
    let (code, stdout) = check_as("jsonl", &[path.as_os_str()]);
    assert_eq!(code, 1);
    let lines: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 4, "{stdout}");
    assert_eq!(lines[0]["code"], "tenet::unknown_timezone");
    assert_eq!((&lines[3]["summary"]["errors"], &lines[3]["summary"]["warnings"]), (&2.into(), &1.into()));
}

#[test]
fn a_problem_outside_any_file_has_no_position_in_json() {
    let (code, stdout) = check_as("json", &[std::ffi::OsStr::new("no/such/dir")]);
    assert_eq!(code, 2);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "tenet::io", "{v}");
    assert!(d["file"].is_null() && d["line"].is_null() && d["column"].is_null() && d["end"].is_null(), "{v}");
}

#[test]
fn completions_and_the_manual_page_come_from_the_command_line() {
    for (shell, marker) in [
        ("bash", "complete -F _tenet"),
        ("zsh", "#compdef tenet"),
        ("fish", "complete -c tenet"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[tenet]"),
    ] {
        let out = tenet().args(["completions", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = String::from_utf8_lossy(&out.stdout);
        assert!(script.contains(marker), "{shell}: {script}");
        assert!(script.contains("keep-going"), "{shell} completes options: {script}");
        if ["bash", "zsh", "fish"].contains(&shell) {
            assert!(script.contains("jsonl"), "{shell} completes the values of --format: {script}");
        }
    }
    let out = tenet().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "an unknown shell is a usage error");
    let out = tenet().arg("man").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(page.contains(".TH tenet 1") && page.contains(".SH SYNOPSIS"), "{page}");
    assert!(page.contains("completions") && page.contains("check"), "the subcommands are listed: {page}");
}

const UNFORMATTED: &str = "jurisdiction X \"x\"   timezone \"UTC\"\nevent a {case: id}\n";
const FORMATTED: &str = "jurisdiction X \"x\"\n  timezone \"UTC\"\n\nevent a { case: id }\n";

#[test]
fn fmt_reads_standard_input_and_writes_standard_output() {
    let out = tenet().args(["fmt", "-"]).write_stdin(UNFORMATTED).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), FORMATTED);
    let out = tenet().args(["fmt", "--check", "-"]).write_stdin(FORMATTED).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let out = tenet().args(["fmt", "--check", "-"]).write_stdin(UNFORMATTED).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let out = tenet().args(["--color", "never", "fmt", "-"]).write_stdin("jurisdiction X \"x\" @\n").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("<stdin>:1:20") && stderr.contains("unexpected `@`"), "{stderr}");
    assert!(out.stdout.is_empty(), "nothing is written for a policy that does not parse");
    let out = tenet().args(["fmt", "-", "policies"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "`-` goes alone");
}

#[test]
fn fmt_diff_shows_what_would_change_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.tenet");
    std::fs::write(&path, UNFORMATTED).unwrap();
    std::fs::write(dir.path().join("ok.tenet"), FORMATTED).unwrap();
    let out = tenet().args(["fmt", "--diff"]).arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let diff = String::from_utf8_lossy(&out.stdout);
    assert!(diff.contains("p.tenet\n@@ -1,2 +1,4 @@\n"), "{diff}");
    assert!(diff.contains("\n-event a {case: id}\n") && diff.contains("\n+event a { case: id }\n"), "{diff}");
    assert!(!diff.contains("ok.tenet"), "only the files that would change: {diff}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), UNFORMATTED, "nothing written");
    let out = tenet().args(["fmt", "--diff", "-"]).write_stdin(UNFORMATTED).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("--- <stdin>\n+++ <stdin>\n"));
    let out = tenet().args(["fmt", "--diff", "-"]).write_stdin(FORMATTED).output().unwrap();
    assert_eq!((out.status.code(), out.stdout.is_empty()), (Some(0), true));
}

#[test]
fn fmt_without_a_path_formats_the_current_folder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    let nested = dir.path().join("sub/p.tenet");
    std::fs::write(&nested, UNFORMATTED).unwrap();
    std::fs::write(dir.path().join("notes.txt"), UNFORMATTED).unwrap();
    let out = tenet().arg("fmt").current_dir(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "formatted sub/p.tenet\n");
    assert_eq!(std::fs::read_to_string(&nested).unwrap(), FORMATTED);
    assert_eq!(std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(), UNFORMATTED, "only .tenet files");
}

#[test]
fn fmt_without_a_path_leaves_hidden_and_target_folders_alone() {
    let dir = tempfile::tempdir().unwrap();
    let skipped = [".git/hooks/h.tenet", "target/debug/copy.tenet", "sub/.cache/c.tenet", "sub/target/t.tenet"];
    for rel in skipped.iter().chain(&["sub/p.tenet"]) {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, UNFORMATTED).unwrap();
    }
    let out = tenet().args(["fmt", "--check"]).current_dir(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "would reformat sub/p.tenet\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = tenet().arg("fmt").current_dir(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    for rel in skipped {
        assert_eq!(std::fs::read_to_string(dir.path().join(rel)).unwrap(), UNFORMATTED, "{rel} was touched");
    }
    // Named, a folder is searched whole.
    let out = tenet().args(["fmt", "--check", "target"]).current_dir(dir.path()).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "would reformat target/debug/copy.tenet\n");
}

/// A policy naming `Create fine` and `Send Fine`, and a log in JSON Lines
/// and in CSV whose activities are `Create Fine`, `Send Fine` and `Payment`.
fn fines() -> (tempfile::TempDir, PathBuf, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("fines.tenet");
    std::fs::write(
        &policy,
        "jurisdiction X \"x\"\n  timezone \"UTC\"\n\nrule send_fine \"Fines are sent\"\n  cites \"test\"\n{\n  when \"Create fine\" as f\n  require \"Send Fine\" where case == f.case within 90 calendar days\n}\n",
    )
    .unwrap();
    let jsonl = dir.path().join("fines.jsonl");
    std::fs::write(
        &jsonl,
        "{\"time\":\"2026-03-02T10:00:00Z\",\"type\":\"Create Fine\",\"case\":\"A\"}\n\
         {\"time\":\"2026-03-03T10:00:00Z\",\"type\":\"Send Fine\",\"case\":\"A\"}\n\
         {\"time\":\"2026-03-04T10:00:00Z\",\"type\":\"Payment\",\"case\":\"A\"}\n",
    )
    .unwrap();
    let csv = dir.path().join("fines.csv");
    std::fs::write(
        &csv,
        "time,type,case\n2026-03-02T10:00:00Z,Create Fine,A\n2026-03-04T10:00:00Z,Payment,A\n2026-03-05T10:00:00Z,Payment,B\n",
    )
    .unwrap();
    (dir, policy, jsonl, csv)
}

#[test]
fn an_event_type_the_log_never_has_is_a_warning_with_the_closest_one() {
    let (_dir, policy, jsonl, csv) = fines();
    for log in [&jsonl, &csv] {
        let out = tenet().args(["--color", "never", "check"]).arg(&policy).arg("--events").arg(log).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("tenet::event_not_in_log"), "{stderr}");
        assert!(stderr.contains("no event of type `Create fine` in the log"), "{stderr}");
        assert!(stderr.contains("did you mean `Create Fine`?"), "{stderr}");
        assert!(stderr.contains("fines.tenet:7:8"), "the warning points at the name: {stderr}");
        let send_fine_missing = stderr.contains("`Send Fine` in the log");
        assert_eq!(send_fine_missing, log == &csv, "only the CSV log has no `Send Fine`: {stderr}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(!stdout.contains("never names"), "listed only with --explain-log: {stdout}");
    }
    // The CSV log has no `Send Fine`, and nothing close to it.
    let out = tenet().args(["--color", "never", "check"]).arg(&policy).arg("--events").arg(&csv).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no event of type `Send Fine` in the log"), "{stderr}");
    assert!(stderr.contains("--explain-log"), "{stderr}");
    let out = tenet()
        .args(["--color", "never", "check", "--explain-log"])
        .arg(&policy)
        .arg("--events")
        .arg(&jsonl)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("event types of the log that the policy never names (2):\n  Create Fine\n  Payment\n"),
        "{stdout}"
    );
    for format in ["json", "jsonl", "sarif"] {
        let (code, text) = check_as(format, &[policy.as_os_str(), "--events".as_ref(), jsonl.as_os_str()]);
        assert_eq!(code, 0, "{text}");
        let last = if format == "jsonl" { text.lines().last().unwrap_or_default() } else { text.as_str() };
        let doc: serde_json::Value = serde_json::from_str(last).unwrap();
        let warnings = match format {
            "sarif" => doc["runs"][0]["results"].clone(),
            "jsonl" => doc["summary"]["warnings"].clone(),
            _ => doc["warnings"].clone(),
        };
        let codes = warnings.to_string();
        assert!(codes.contains("tenet::event_not_in_log"), "{format}: {text}");
        assert!(codes.contains("Create Fine"), "{format}: {text}");
        if format == "json" {
            assert_eq!(doc["log_types_not_named"], serde_json::json!(["Create Fine", "Payment"]));
        }
    }
}

#[test]
fn jurisdiction_and_rule_filters_limit_check_and_test() {
    let log = "examples/acme-br.jsonl";
    let judged = |filters: &[&str]| -> Vec<String> {
        let head = ["policies/br", "--events", log];
        let args: Vec<&std::ffi::OsStr> = head.iter().chain(filters).map(|a| a.as_ref()).collect();
        let (code, text) = check_as("json", &args);
        assert!(code == 0 || code == 1, "{text}");
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        doc["rules"].as_array().unwrap().iter().map(|r| r["rule"].as_str().unwrap_or_default().to_string()).collect()
    };
    let all = judged(&[]);
    assert!(all.len() > 10);
    assert_eq!(judged(&["--rule", "answer_within_7_days"]), ["answer_within_7_days"]);
    let globbed = judged(&["--rule", "cancel_*", "--rule", "history_within_?_days", "--jurisdiction", "BR"]);
    assert!(globbed.iter().all(|r| r.starts_with("cancel_") || r == "history_within_5_days"), "{globbed:?}");
    assert!(globbed.len() >= 3, "{globbed:?}");

    // A selected rate keeps the measure it counts, and is still judged.
    let out = tenet()
        .args(["check", "policies/us/cable.tenet", "--events", "examples/acme-us.jsonl", "--summary"])
        .args(["--rule", "answer_standard_met_90_percent_per_quarter"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<&str> = stdout.lines().skip(1).take_while(|l| !l.is_empty()).collect();
    assert_eq!(rows.len(), 2, "{stdout}");
    assert!(rows[0].starts_with("answer_within_30_seconds (measure) "), "{stdout}");
    assert!(rows[1].contains("       0         1        1"), "{stdout}");
    let out = tenet().args(["check", "policies/br", "--events", log, "--rule", "answer_in_7_days"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("`--rule answer_in_7_days` matches no rule"), "{stderr}");
    assert!(stderr.contains("did you mean `answer_within_7_days`?"), "{stderr}");
    let out = tenet().args(["check", "policies/br", "--events", log, "--jurisdiction", "Br"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("`--jurisdiction Br` matches no jurisdiction"), "{stderr}");
    assert!(stderr.contains("did you mean `BR`?"), "{stderr}");
    let (code, text) =
        check_as("json", &["policies/br".as_ref(), "--events".as_ref(), log.as_ref(), "--rule".as_ref(), "[".as_ref()]);
    assert_eq!(code, 2);
    assert!(text.contains("is not a rule name or glob"), "{text}");
    // The filters choose what a log is judged by: without one, an error.
    let out = tenet().args(["check", "policies/br", "--rule", "x"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));

    let out = tenet().args(["test", "policies", "--jurisdiction", "BR", "--rule", "answer_*"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.lines().all(|l| l.is_empty() || l.contains("sac.tenet") || l.contains("passed")), "{stdout}");
    assert!(stdout.contains(" filtered out; finished in "), "{stdout}");
    let out = tenet().args(["test", "policies", "--jurisdiction", "XX"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = tenet().args(["test", "policies/br", "--filter", "no test is called this"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no test matches the filters"), "{stderr}");
}

/// A policy with one passing and one failing test.
fn one_failing_test() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("t.tenet");
    std::fs::write(
        &policy,
        "jurisdiction X \"x\"\n  timezone \"UTC\"\n\nevent fee_charged { customer: id }\n\nrule fee \"No fees\"\n  cites \"test\"\n{\n  forbid fee_charged\n}\n\ntest \"a fee <is> violated\" {\n  given {\n    2026-03-02T10:00:00Z fee_charged { customer: \"K-1\" }\n  }\n  expect violated fee for customer \"K-1\"\n}\n\ntest \"a fee & nothing else is satisfied\" {\n  given {\n    2026-03-02T10:00:00Z fee_charged { customer: \"K-1\" }\n  }\n  expect satisfied fee for customer \"K-1\"\n}\n",
    )
    .unwrap();
    (dir, policy)
}

#[test]
fn test_reports_recap_failures_colour_on_request_and_write_junit() {
    let (_dir, policy) = one_failing_test();
    let out = tenet().arg("test").arg(&policy).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains('\x1b'), "{stdout}");
    let (_, recap) = stdout.split_once("\nfailures:\n").unwrap();
    assert!(recap.starts_with("FAIL a fee & nothing else is satisfied (") && recap.contains("expected"), "{recap}");
    assert!(stdout.contains("\n1 passed, 1 failed, 0 filtered out; finished in "), "{stdout}");
    let out = tenet().args(["--color", "always", "test"]).arg(&policy).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("\x1b[32mok  \x1b[0m a fee <is> violated"), "{stdout}");
    assert!(stdout.contains("\x1b[1;31mFAIL\x1b[0m"), "{stdout}");
    let out = tenet().arg("test").arg(&policy).args(["--filter", "violated"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 passed, 0 failed, 1 filtered out"));

    let out = tenet().args(["test", "--format", "junit"]).arg(&policy).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let xml = String::from_utf8_lossy(&out.stdout);
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert!(xml.contains("tests=\"2\"") && xml.contains("failures=\"1\""), "{xml}");
    assert!(xml.contains("<testcase name=\"a fee &lt;is&gt; violated\""), "names are escaped: {xml}");
    assert!(xml.contains("<testcase name=\"a fee &amp; nothing else is satisfied\""), "{xml}");
    assert!(xml.contains("<failure message=\""), "{xml}");
    let mut reader = quick_xml::Reader::from_str(&xml);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("not well-formed XML: {e}: {xml}"),
        }
    }
}

#[test]
fn the_human_report_lists_remedies_owed_per_customer() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.tenet");
    std::fs::write(
        &policy,
        "jurisdiction X \"x\"\n  timezone \"UTC\"\n\nevent fee_charged { customer: id }\n\nrule fee \"No fees\"\n  cites \"test\"\n{\n  forbid fee_charged\n  remedy 5 GBP\n}\n",
    )
    .unwrap();
    let log = dir.path().join("log.jsonl");
    let lines: Vec<String> = (0..25)
        .map(|i| {
            format!(
                "{{\"time\":\"2026-03-02T10:{i:02}:00Z\",\"type\":\"fee_charged\",\"customer\":\"K{:02}\"}}",
                i % 22
            )
        })
        .collect();
    std::fs::write(&log, lines.join("\n")).unwrap();
    let run = |extra: &[&str]| {
        let out = tenet().arg("check").arg(&policy).arg("--events").arg(&log).args(extra).output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let stdout = run(&["--summary"]);
    let (_, owed) = stdout.split_once("\ncustomer  remedies owed\n").unwrap();
    assert!(owed.starts_with("K00       10 GBP\nK01       10 GBP\nK02       10 GBP\nK03       5 GBP\n"), "{stdout}");
    assert!(
        owed.contains("K19       5 GBP\n… and 2 more customers owed remedies: list every one with --all"),
        "{stdout}"
    );
    let stdout = run(&["--all"]);
    assert!(stdout.contains("K21       5 GBP\n\n25 events"), "{stdout}");
    // Nothing owed: no table.
    let stdout = tenet().args(["check", "policies/br", "--events", "examples/acme-br.jsonl"]).output().unwrap().stdout;
    assert!(!String::from_utf8_lossy(&stdout).contains("remedies owed"));
}

#[test]
fn piped_diagnostics_are_not_wrapped() {
    let (dir, _, jsonl, _) = fines();
    // A path longer than any terminal, which a wrap would cut.
    let deep = dir.path().join("a_folder_whose_name_is_long_enough_to_pass_eighty_columns_on_its_own_surely");
    std::fs::create_dir(&deep).unwrap();
    let policy = deep.join("fines.tenet");
    std::fs::copy(dir.path().join("fines.tenet"), &policy).unwrap();
    let out = tenet().args(["check"]).arg(&policy).arg("--events").arg(&jsonl).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("{}:7:8]", policy.display())), "{stderr}");
    assert!(
        stderr
            .contains("help: did you mean `Create Fine`? the log has events of that type (names are case-sensitive)\n"),
        "{stderr}"
    );
}

/// Runs `tenet ARGS` in a pseudo-terminal `columns` wide; returns all it
/// wrote (standard output and error together) with line ends as `\n`.
#[cfg(unix)]
fn in_terminal(args: &[&std::ffi::OsStr], columns: &str) -> String {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_tenet"));
    cmd.args(args).env("COLUMNS", columns).env("TERM", "xterm").env_remove("NO_COLOR");
    let mut p = rexpect::session::spawn_command(cmd, Some(30_000)).unwrap();
    let text = p.exp_eof().unwrap();
    text.replace("\r\n", "\n")
}

#[cfg(unix)]
#[test]
fn a_terminal_wraps_diagnostics_at_columns() {
    let (_dir, policy, jsonl, _) = fines();
    let args = ["--color".as_ref(), "never".as_ref(), "check".as_ref(), policy.as_os_str()];
    let text = in_terminal(&[&args[..], &["--events".as_ref(), jsonl.as_os_str()]].concat(), "60");
    assert!(text.contains("help: did you mean `Create Fine`?"), "{text}");
    let help = text.lines().skip_while(|l| !l.contains("help: did you mean")).take(2).collect::<Vec<_>>();
    assert!(help.iter().all(|l| l.chars().count() <= 60) && help.len() == 2, "{help:?}");
    assert!(help[1].starts_with("        ") && help[1].contains("case-sensitive)"), "continued: {help:?}");
}

#[test]
fn piped_runs_draw_no_progress_bar() {
    let (_dir, policy, log) = fees(40);
    let out = tenet().arg("check").arg(&policy).arg("--events").arg(&log).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("reading the log") && !stderr.contains('\r') && !stderr.contains('\x1b'), "{stderr:?}");
    let out = tenet().args(["test", "policies/br"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("running tests") && !stderr.contains('\r') && !stderr.contains('\x1b'), "{stderr:?}");
}

#[cfg(unix)]
#[test]
fn a_terminal_shows_progress_unless_quiet() {
    let (_dir, policy, log) = fees(40);
    let check = |quiet: &[&str]| {
        let head = ["--color".as_ref(), "never".as_ref(), "check".as_ref(), policy.as_os_str(), "--events".as_ref()];
        let quiet: Vec<&std::ffi::OsStr> = quiet.iter().map(|q| q.as_ref()).collect();
        in_terminal(&[&head[..], &[log.as_os_str()], &quiet].concat(), "100")
    };
    let text = check(&[]);
    assert!(text.contains("reading the log ["), "{text}");
    assert!(text.contains("40 events, 0 bad lines, 40 violations"), "{text}");
    assert!(!check(&["--quiet"]).contains("reading the log"));
    let text = in_terminal(&["test".as_ref(), "policies/br".as_ref()], "100");
    assert!(text.contains("running tests ["), "{text}");
    assert!(!in_terminal(&["test".as_ref(), "-q".as_ref(), "policies/br".as_ref()], "100").contains("running tests"));
}

/// The `tenet ...` commands a distribution file runs: the values of its
/// `key:` lines that call `tenet`, without shell redirections.
fn tenet_commands(text: &str, key: &str) -> Vec<Vec<String>> {
    text.lines()
        .filter_map(|l| l.trim_start().trim_start_matches("- ").strip_prefix(key))
        .map(|v| v.trim().split('>').next().unwrap_or_default().split_whitespace().map(String::from).collect())
        .filter(|words: &Vec<String>| words.first().is_some_and(|w| w == "tenet"))
        .collect()
}

#[test]
fn distribution_files_run_real_subcommands() {
    let hooks = std::fs::read_to_string(".pre-commit-hooks.yaml").unwrap();
    let entries: Vec<&str> = hooks.split("\n- ").skip(1).collect();
    assert_eq!(entries.len(), 2, "{hooks}");
    for (hook, id) in entries.iter().zip(["tenet-fmt", "tenet-check"]) {
        assert!(hook.starts_with(&format!("id: {id}\n")), "{hook}");
        for key in ["name: ", "description: ", "entry: tenet ", "language: rust", "files: \\.tenet$"] {
            assert!(hook.contains(&format!("\n  {key}")), "hook `{id}` lacks `{key}`: {hook}");
        }
    }
    let hook_commands = tenet_commands(&hooks, "entry:");
    assert_eq!(hook_commands, [vec!["tenet", "fmt", "--check"], vec!["tenet", "check"]]);

    let workflow = std::fs::read_to_string("examples/ci/tenet.yml").unwrap();
    for key in
        ["name: tenet\n", "\non:\n", "\njobs:\n", "    steps:\n", "uses: actions/checkout@", "cargo install --locked"]
    {
        assert!(workflow.contains(key), "the workflow lacks `{key}`");
    }
    let run_commands = tenet_commands(&workflow, "run:");
    let subcommands: Vec<&str> = run_commands.iter().map(|c| c[1].as_str()).collect();
    assert_eq!(subcommands, ["fmt", "check", "test"]);

    // Every command is one the binary accepts (`--help` stops before running it).
    for command in hook_commands.iter().chain(&run_commands) {
        let out = tenet().args(&command[1..]).arg("--help").output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "`{}` is refused: {}",
            command.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    let docker = std::fs::read_to_string("Dockerfile").unwrap();
    assert_eq!(docker.lines().filter(|l| l.starts_with("FROM ")).count(), 2, "a build and a run stage");
    assert!(docker.contains("cargo build --release --locked --bin tenet"), "{docker}");
    assert!(docker.contains("COPY --from=build /src/target/release/tenet /usr/local/bin/tenet"), "{docker}");
    assert!(docker.contains("ENTRYPOINT [\"tenet\"]"), "{docker}");
    let ignored = std::fs::read_to_string(".dockerignore").unwrap();
    assert!(ignored.lines().any(|l| l == "target/"), "{ignored}");
}
