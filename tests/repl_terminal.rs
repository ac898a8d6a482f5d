//! The REPL through a real pseudo-terminal: prompt, a multi-line rule, Tab
//! completion of a rule name, `:check`, Ctrl-C, `exit` and Ctrl-D leaving
//! with status 0, and a killed session's draft offered back by the next one. Also the script mode when standard input is not a terminal.
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
    // A rule over three lines: the input continues while the brace is open.
    p.send_line("rule refusals_counted \"Refusals\" cites \"test\" {").unwrap();
    p.send_line("  forbid cancellation_refused").unwrap();
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
