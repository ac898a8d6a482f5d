//! Every command on hostile sizes ends cleanly, in bounded time and memory:
//! a large policy (check, test, fmt, the REPL, the language server), a log
//! with a line longer than the longest line read, and a policy with 100 000
//! errors (human and JSON).
//!
//! By default the sizes are scaled down so that a debug build stays quick,
//! and still large enough that any pass quadratic in the size takes minutes
//! and fails here. `TENET_RESOURCES=full` runs the stated sizes (a 50 MB
//! policy, a 1 GiB line); CI runs both, the full one on a release build.

// Helpers shared by the tests fail the test the way the tests themselves do.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use nix::sys::resource::{getrusage, UsageWho};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The sizes of one run.
struct Sizes {
    /// Bytes of the large policy.
    policy: usize,
    /// Bytes of the long log line.
    line: usize,
    /// Errors in the broken policy.
    errors: usize,
    /// Time allowed to each command.
    limit: Duration,
}

fn sizes() -> Sizes {
    if std::env::var("TENET_RESOURCES").is_ok_and(|v| v == "full") {
        Sizes { policy: 50_000_000, line: 1 << 30, errors: 100_000, limit: Duration::from_secs(120) }
    } else {
        Sizes { policy: 1_500_000, line: (64 << 20) + 4096, errors: 30_000, limit: Duration::from_secs(120) }
    }
}

/// The most memory any command may take. Memory grows linearly with a
/// policy's size, about 55 bytes per byte of policy at most (the REPL on a
/// 50 MB policy takes 2.9 GB); logs and error counts take far less.
const MEMORY: u64 = 3 << 30;

/// What a command did.
struct Run {
    status: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs `tenet args` with `stdin`, killing it past the time limit; fails on
/// a signal, a timeout or more than [`MEMORY`] at its peak.
fn tenet(dir: &Path, args: &[&str], stdin: Option<&Path>, limit: Duration) -> Run {
    let out = dir.join(format!("out-{}", args.join("_").replace(['/', ' ', '-'], "")));
    let (stdout, stderr) = (out.with_extension("stdout"), out.with_extension("stderr"));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tenet"));
    cmd.args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdout(std::fs::File::create(&stdout).unwrap())
        .stderr(std::fs::File::create(&stderr).unwrap());
    match stdin {
        Some(p) => cmd.stdin(std::fs::File::open(p).unwrap()),
        None => cmd.stdin(Stdio::null()),
    };
    let start = Instant::now();
    let mut child = cmd.spawn().unwrap();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`tenet {}` ran past {limit:?}", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    // The largest peak of any child waited for so far (kilobytes on Linux).
    let peak = getrusage(UsageWho::RUSAGE_CHILDREN).unwrap().max_rss() as u64 * 1024;
    assert!(peak <= MEMORY, "`tenet {}` (or an earlier command) took {} MB", args.join(" "), peak >> 20);
    let read = |p: &PathBuf| String::from_utf8_lossy(&std::fs::read(p).unwrap()).into_owned();
    let run = Run { status: status.code(), stdout: read(&stdout), stderr: read(&stderr) };
    assert!(run.status.is_some(), "`tenet {}` was killed by a signal: {}", args.join(" "), tail(&run.stderr));
    run
}

/// A diagnostic's words on one line, without the frame drawn around them.
fn flat(text: &str) -> String {
    text.replace('│', " ").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The end of a long output, for messages.
fn tail(text: &str) -> &str {
    let at = text.len().saturating_sub(2000);
    text.get(at..).unwrap_or(text)
}

const HEADER: &str = "jurisdiction X \"Resources\"\n  timezone \"UTC\"\n\n\
    event complaint { case: id }\nevent answer { case: id }\n\n";

/// A valid policy of about `size` bytes: documented rules with comments,
/// and one test.
fn large_policy(size: usize) -> String {
    let mut text = String::from(HEADER);
    let mut i = 0;
    while text.len() < size {
        text.push_str(&format!(
            "/// Rule {i}, documented.\n// A plain comment.\nrule r{i} \"Answer {i}\" cites \"c\"\n{{\n  \
             when complaint as c where c.case != \"x{i}\" // trailing\n  require answer where case == c.case \
             within 7 days\n  remedy 5 EUR\n}}\n\n"
        ));
        i += 1;
    }
    text.push_str(
        "test \"the first rule\" {\n  given {\n    2026-03-02T09:00:00Z complaint { case: \"A\" }\n    \
         2026-03-03T09:00:00Z answer { case: \"A\" }\n  }\n  expect satisfied r0 for case \"A\"\n}\n",
    );
    text
}

#[test]
fn every_command_on_a_large_policy() {
    let s = sizes();
    let dir = tempfile::tempdir().unwrap();
    let text = large_policy(s.policy);
    std::fs::write(dir.path().join("big.tenet"), &text).unwrap();
    let check = tenet(dir.path(), &["check", "big.tenet"], None, s.limit);
    assert_eq!(check.status, Some(0), "{}", tail(&check.stderr));
    let json = tenet(dir.path(), &["check", "--format", "json", "big.tenet"], None, s.limit);
    assert!(json.stdout.contains("\"errors\": 0"), "{}", tail(&json.stdout));
    let test = tenet(dir.path(), &["test", "big.tenet"], None, s.limit);
    assert_eq!(test.status, Some(0), "{}{}", tail(&test.stdout), tail(&test.stderr));
    assert!(test.stdout.contains("1 passed, 0 failed"), "{}", tail(&test.stdout));
    let fmt = tenet(dir.path(), &["fmt", "big.tenet"], None, s.limit);
    assert_eq!(fmt.status, Some(0), "{}", tail(&fmt.stderr));
    let formatted = std::fs::read_to_string(dir.path().join("big.tenet")).unwrap();
    assert!(formatted.len() >= text.len() * 9 / 10 && formatted.contains("rule r0"), "the policy was kept");
    let again = tenet(dir.path(), &["fmt", "--check", "big.tenet"], None, s.limit);
    assert_eq!(again.status, Some(0), "{}", tail(&again.stderr));

    let script = dir.path().join("script.repl");
    std::fs::write(&script, ":show r0\n2026-03-02T09:00:00Z + 7 days\n").unwrap();
    let repl = tenet(dir.path(), &["repl", "big.tenet"], Some(&script), s.limit);
    assert_eq!(repl.status, Some(0), "{}{}", tail(&repl.stdout), tail(&repl.stderr));
    assert!(repl.stdout.contains("2026-03-09"), "{}", tail(&repl.stdout));

    let session = dir.path().join("session.lsp");
    std::fs::write(&session, lsp_session(&dir.path().join("big.tenet"), &formatted)).unwrap();
    let lsp = tenet(dir.path(), &["lsp"], Some(&session), s.limit);
    assert_eq!(lsp.status, Some(0), "{}", tail(&lsp.stderr));
    assert!(lsp.stdout.contains("\"id\":2"), "the shutdown is answered: {}", tail(&lsp.stdout));
}

/// A language-server session opening `text` as `path`, then shutting down.
fn lsp_session(path: &Path, text: &str) -> Vec<u8> {
    let uri = format!("file://{}", path.display());
    let messages = [
        serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}),
        serde_json::json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
        serde_json::json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "tenet", "version": 1, "text": text}}}),
        serde_json::json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}),
        serde_json::json!({"jsonrpc": "2.0", "method": "exit"}),
    ];
    let mut out = Vec::new();
    for m in messages {
        let body = m.to_string();
        write!(out, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
    }
    out
}

#[test]
fn a_log_line_longer_than_the_limit() {
    let s = sizes();
    let dir = tempfile::tempdir().unwrap();
    let policy = format!(
        "{HEADER}rule answered \"Answered\" cites \"c\"\n{{\n  when complaint as c\n  \
         require answer where case == c.case within 7 days\n}}\n"
    );
    std::fs::write(dir.path().join("p.tenet"), policy).unwrap();
    let mut log = std::io::BufWriter::new(std::fs::File::create(dir.path().join("long.jsonl")).unwrap());
    writeln!(log, r#"{{"time":"2026-03-02T09:00:00Z","type":"complaint","case":"A"}}"#).unwrap();
    write!(log, r#"{{"time":"2026-03-02T09:30:00Z","type":"complaint","case":""#).unwrap();
    let chunk = vec![b'x'; 1 << 20];
    for _ in 0..s.line.div_ceil(chunk.len()) {
        log.write_all(&chunk).unwrap();
    }
    writeln!(log, "\"}}").unwrap();
    writeln!(log, r#"{{"time":"2026-03-03T09:00:00Z","type":"answer","case":"A"}}"#).unwrap();
    drop(log);

    let stopped = tenet(dir.path(), &["check", "p.tenet", "--events", "long.jsonl"], None, s.limit);
    assert_eq!(stopped.status, Some(2), "{}", tail(&stopped.stderr));
    let message = flat(&stopped.stderr);
    assert!(message.contains("long.jsonl:2: the line is"), "names the line: {message}");
    assert!(message.contains("lines of up to 67108864 bytes are read"), "{message}");
    let going = tenet(dir.path(), &["check", "p.tenet", "--events", "long.jsonl", "--keep-going"], None, s.limit);
    assert!(going.stdout.contains("2 events, 1 bad line, 0 violations"), "{}", tail(&going.stdout));
}

#[test]
fn a_syntax_error_before_a_long_run_of_comments() {
    // The broken item runs on through the comments (a line of it follows
    // them) to the next item: finding where it ends must not rescan the
    // comments from every line.
    let s = sizes();
    let dir = tempfile::tempdir().unwrap();
    let mut text = format!("{HEADER}rule broken \"t\" cites \"c\" {{ when @ }}\n");
    for i in 0..s.errors {
        text.push_str(&format!("// comment {i} of a long explanation, which is how drafts look\n"));
    }
    text.push_str("  still the broken rule\n");
    text.push_str("rule after \"t\" cites \"c\" { when nothing as c require answer within 7 days }\n");
    std::fs::write(dir.path().join("comments.tenet"), text).unwrap();
    let check = tenet(dir.path(), &["check", "comments.tenet"], None, s.limit);
    assert_eq!(check.status, Some(1));
    let stderr = flat(&check.stderr);
    assert!(stderr.contains("comments.tenet:7:"), "the syntax error is placed: {}", tail(&stderr));
    assert!(stderr.contains("unknown event type `nothing`"), "the next rule is checked: {}", tail(&stderr));
}

#[test]
fn a_hundred_thousand_errors() {
    let s = sizes();
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from(HEADER);
    for i in 0..s.errors {
        text.push_str(&format!(
            "rule e{i} \"t\" cites \"c\" {{ when nothing{i} as c require answer within 7 days }}\n"
        ));
    }
    std::fs::write(dir.path().join("errors.tenet"), text).unwrap();
    let human = tenet(dir.path(), &["check", "errors.tenet"], None, s.limit);
    assert_eq!(human.status, Some(1));
    let last = format!("unknown event type `nothing{}`", s.errors - 1);
    assert!(human.stderr.contains(&last), "every error is shown: {}", tail(&human.stderr));
    assert!(human.stderr.contains(&format!("checked 1 file: {} errors", s.errors)), "{}", tail(&human.stderr));
    let json = tenet(dir.path(), &["check", "--format", "json", "errors.tenet"], None, s.limit);
    assert_eq!(json.status, Some(1));
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(report["errors"], s.errors);
}
