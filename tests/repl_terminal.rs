//! The REPL through a real pseudo-terminal: prompt, a multi-line rule, Tab
//! completion of a rule name, `:check`, Ctrl-C, `exit` and Ctrl-D leaving
//! with status 0, and a killed session's draft offered back by the next one.
//! Ctrl-C stopping `:events` and `:check` on a large log (with its progress
//! bar) and leaving the session as it was; the continuation prompt and a
//! jurisdiction header typed over several lines. Also the script mode when
//! standard input is not a terminal.
#![cfg(unix)]

use rexpect::process::wait::WaitStatus;
use rexpect::session::spawn_command;
use std::process::Command;

fn tenet(data_dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tenet"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("HOME", data_dir)
        .env("XDG_DATA_HOME", data_dir)
        .env("TERM", "xterm")
        .env("NO_COLOR", "1");
    cmd
}

/// Lets the line editor switch the terminal to raw mode before typing:
/// switching discards input typed a moment too early.
fn settle() {
    std::thread::sleep(std::time::Duration::from_millis(300));
}

#[test]
fn a_lawyer_at_the_terminal() {
    let data = tempfile::tempdir().unwrap();
    let mut cmd = tenet(data.path());
    cmd.args(["--color", "never", "repl", "policies/br", "--events", "examples/acme-br.jsonl"]);
    let mut p = spawn_command(cmd, Some(20_000)).unwrap();
    p.exp_string("29 events").unwrap();
    p.exp_string("tenet[BR]> ").unwrap();
    // A rule over three lines: the input continues while the brace is open,
    // each line after a continuation prompt.
    p.send_line("rule refusals_counted \"Refusals\" cites \"test\" {").unwrap();
    p.exp_string("    ...> ").unwrap();
    p.send_line("  forbid cancellation_refused").unwrap();
    p.exp_string("    ...> ").unwrap();
    p.send_line("}").unwrap();
    p.exp_string("defined rule `refusals_counted`").unwrap();
    // Tab completes the rule's name.
    p.send(":explain refusals_c").unwrap();
    p.send("\t").unwrap();
    p.send_line("").unwrap();
    p.exp_string("`refusals_counted` for customer \"K-31\": violated").unwrap();
    p.send_line(":check").unwrap();
    p.exp_string("29 events, 0 bad lines, 9 violations").unwrap();
    // Ctrl-C drops a half-typed input; the session goes on.
    p.exp_string("tenet[BR]> ").unwrap();
    settle();
    p.send("rule dropped {").unwrap();
    settle();
    p.send_control('c').unwrap();
    p.exp_string("tenet[BR]> ").unwrap();
    settle();
    p.send_line(":rules").unwrap();
    p.exp_string("refusals_counted (session)").unwrap();
    // What people type to leave works without the colon.
    p.exp_string("tenet[BR]> ").unwrap();
    p.send_line("exit").unwrap();
    p.exp_eof().unwrap();
    assert!(matches!(p.process.wait().unwrap(), WaitStatus::Exited(_, 0)));
    let history = std::fs::read_to_string(data.path().join("tenet/history")).unwrap();
    assert!(history.contains(":check"), "{history}");
}

#[test]
fn a_session_that_dies_is_offered_back() {
    let data = tempfile::tempdir().unwrap();
    let mut cmd = tenet(data.path());
    cmd.args(["--color", "never", "repl", "policies/br"]);
    let mut p = spawn_command(cmd, Some(20_000)).unwrap();
    p.exp_string("tenet[BR]> ").unwrap();
    settle();
    p.send_line("rule kept_draft \"Kept\" cites \"test\" { forbid cancellation_refused }").unwrap();
    p.exp_string("defined rule `kept_draft`").unwrap();
    p.exp_string("tenet[BR]> ").unwrap();
    // The terminal dies with the session: nothing is saved on the way out.
    p.process.kill(rexpect::process::Signal::SIGKILL).unwrap();

    let mut cmd = tenet(data.path());
    cmd.args(["--color", "never", "repl", "policies/br"]);
    let mut q = spawn_command(cmd, Some(20_000)).unwrap();
    q.exp_string("ended without leaving: 1 input, the last `rule kept_draft").unwrap();
    q.exp_string("restore it? [Y/n] ").unwrap();
    settle();
    q.send_line("y").unwrap();
    q.exp_string("restored 1 input").unwrap();
    q.exp_string("tenet[BR]> ").unwrap();
    settle();
    q.send_line(":rules").unwrap();
    q.exp_string("kept_draft (session)").unwrap();
    q.send_control('d').unwrap();
    q.exp_eof().unwrap();
    assert!(matches!(q.process.wait().unwrap(), WaitStatus::Exited(_, 0)));
    let left = std::fs::read_dir(data.path().join("tenet/sessions")).unwrap().count();
    assert_eq!(left, 0, "a session that left normally keeps no journal, and the old one was removed");
}

/// Writes a log of `n` complaints in Brazil, one a minute from 1 March 2026
/// (about 100 bytes a line): large enough that a debug build reads it for
/// seconds, long after Ctrl-C is sent.
#[expect(clippy::unwrap_used, reason = "a test helper fails loudly")]
fn large_log(dir: &std::path::Path, n: u64) -> std::path::PathBuf {
    use std::io::Write;
    let path = dir.join("large.jsonl");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    let start = chrono::DateTime::parse_from_rfc3339("2026-03-01T00:00:00-03:00").unwrap();
    for i in 0..n {
        let time = (start + chrono::Duration::minutes(i as i64)).to_rfc3339();
        writeln!(
            out,
            r#"{{"time":"{time}","type":"complaint_received","case":"L-{i}","customer":"K-{}","channel":"phone"}}"#,
            i % 5000
        )
        .unwrap();
    }
    out.flush().unwrap();
    path
}

#[test]
fn ctrl_c_stops_a_long_command_and_keeps_the_session() {
    let data = tempfile::tempdir().unwrap();
    let large = large_log(data.path(), 400_000);
    let large = large.to_str().unwrap();
    let mut cmd = tenet(data.path());
    cmd.args(["--color", "never", "repl", "policies/br", "--events", "examples/acme-br.jsonl"]);
    let mut p = spawn_command(cmd, Some(120_000)).unwrap();
    p.exp_string("tenet[BR]> ").unwrap();
    settle();
    // Interrupted while the log is read (its bar is up): it is not loaded.
    p.send_line(&format!(":events {large}")).unwrap();
    p.exp_string("reading the log").unwrap();
    p.send_control('c').unwrap();
    p.exp_string("interrupted: the session is as it was before `:events`").unwrap();
    p.exp_string("tenet[BR]> ").unwrap();
    settle();
    p.send_line(":check").unwrap();
    p.exp_string("29 events, 0 bad lines, 8 violations").unwrap();
    p.exp_string("tenet[BR]> ").unwrap();
    settle();
    // Read to the end, the bar is cleared before the answer.
    p.send_line(&format!(":events {large}")).unwrap();
    p.exp_string("reading the log").unwrap();
    p.exp_string("400029 events from").unwrap();
    p.exp_string("tenet[BR]> ").unwrap();
    settle();
    // Interrupted while judging: both logs are still loaded.
    p.send_line(":check").unwrap();
    p.exp_string("reading the log").unwrap();
    p.send_control('c').unwrap();
    p.exp_string("interrupted: the session is as it was before `:check`").unwrap();
    p.exp_string("tenet[BR]> ").unwrap();
    settle();
    p.send_line(":clear-events").unwrap();
    p.exp_string("forgot 2 log file(s)").unwrap();
    p.exp_string("tenet[BR]> ").unwrap();
    // Ctrl-C at the prompt still drops the input, and Ctrl-D leaves.
    settle();
    p.send("1 +").unwrap();
    settle();
    p.send_control('c').unwrap();
    p.exp_string("tenet[BR]> ").unwrap();
    settle();
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
    assert!(matches!(p.process.wait().unwrap(), WaitStatus::Exited(_, 0)));
}

#[test]
fn a_header_and_a_rule_over_several_lines() {
    let data = tempfile::tempdir().unwrap();
    let mut cmd = tenet(data.path());
    cmd.args(["--color", "never", "repl"]);
    let mut p = spawn_command(cmd, Some(20_000)).unwrap();
    p.exp_string("tenet> ").unwrap();
    settle();
    // The header's clauses on indented lines, as in a file; an empty line ends it.
    p.send_line("jurisdiction ZZ \"Draft\"").unwrap();
    p.exp_string("  ...> ").unwrap();
    p.send_line("  timezone \"America/Sao_Paulo\"").unwrap();
    p.exp_string("  ...> ").unwrap();
    p.send_line("  calendar BR").unwrap();
    p.exp_string("  ...> ").unwrap();
    p.send_line("").unwrap();
    p.exp_string("defined jurisdiction `ZZ`").unwrap();
    p.exp_string("tenet[ZZ]> ").unwrap();
    settle();
    // A brace open: the continuation prompt, as wide as the prompt.
    p.send_line("event demand { case: id }").unwrap();
    p.exp_string("defined event `demand`").unwrap();
    p.exp_string("tenet[ZZ]> ").unwrap();
    p.send_line("rule answered \"Answered\" cites \"art. 1\" {").unwrap();
    p.exp_string("      ...> ").unwrap();
    p.send_line("  forbid demand").unwrap();
    p.exp_string("      ...> ").unwrap();
    p.send_line("}").unwrap();
    p.exp_string("defined rule `answered`").unwrap();
    p.exp_string("tenet[ZZ]> ").unwrap();
    // Ctrl-C at a continuation prompt drops every line of the input.
    settle();
    p.send_line("rule dropped \"x\" cites \"y\" {").unwrap();
    p.exp_string("      ...> ").unwrap();
    settle();
    p.send_control('c').unwrap();
    p.exp_string("tenet[ZZ]> ").unwrap();
    settle();
    p.send_line(":rules").unwrap();
    p.exp_string("answered (session)").unwrap();
    p.exp_string("tenet[ZZ]> ").unwrap();
    p.send_line("exit").unwrap();
    p.exp_eof().unwrap();
    assert!(matches!(p.process.wait().unwrap(), WaitStatus::Exited(_, 0)));
    let history = std::fs::read_to_string(data.path().join("tenet/history")).unwrap();
    assert!(!history.contains("dropped"), "a dropped input is not kept: {history}");
}

#[test]
fn a_script_on_standard_input() {
    let data = tempfile::tempdir().unwrap();
    let mut cmd = assert_cmd::Command::from_std(tenet(data.path()));
    cmd.args(["repl", "policies/br", "--events", "examples/acme-br.jsonl"]);
    let out = cmd
        .write_stdin(":check cancel_regardless_of_debt\n2026-03-06T17:00:00-03:00 + 2 business days\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("violated cancel_regardless_of_debt for customer \"K-31\""), "{text}");
    assert!(text.contains("2026-03-10T17:00:00-03:00 : time"), "{text}");
    assert!(text.contains("end of 2026-03-10 (Tue, America/Sao_Paulo)"), "{text}");
    let mut bad = assert_cmd::Command::from_std(tenet(data.path()));
    bad.args(["repl"]);
    let out = bad.write_stdin(":nonsense\n1 + 1\n").output().unwrap();
    assert_eq!(out.status.code(), Some(1), "a rejected input makes the script fail");
    assert!(String::from_utf8(out.stdout).unwrap().contains("2 : integer"));
}
