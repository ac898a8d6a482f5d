//! The log readers: every format (plain and gzipped), the projection, schema
//! checks, every kind of bad line with its exact place, log order (checks,
//! sorting, merging files) and a real XES log.
#![expect(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly on unexpected results")]

use rust_decimal::Decimal;
use std::io::Write;
use std::path::{Path, PathBuf};
use tenet::log::{
    detect_format, read_bytes, read_log, BadLine, Cancel, Event, Format, LogFailure, Projection, ReadOptions,
    ReadStats, OTHER,
};
use tenet::value::Val;

const T0: i64 = 1_772_442_900_000_000; // 2026-03-02T09:15:00Z

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/logs").join(name)
}

/// The projection of a small complaints policy.
fn proj() -> Projection {
    let mut p = Projection::default();
    p.add_type("complaint_received");
    p.add_type("complaint_resolved");
    for key in ["case", "customer", "channel", "amount", "n", "urgent", "note"] {
        p.add_key(key);
    }
    p
}

fn opts() -> ReadOptions {
    ReadOptions { threads: 2, ..ReadOptions::default() }
}

fn keep_going() -> ReadOptions {
    ReadOptions { keep_going: true, ..opts() }
}

fn read_with(
    proj: &Projection,
    format: Format,
    text: &[u8],
    opts: &ReadOptions,
) -> Result<(Vec<Event>, ReadStats), LogFailure> {
    let mut events = vec![];
    let stats = read_bytes(Path::new("events.log"), text, format, proj, opts, &mut |e| events.push(e))?;
    Ok((events, stats))
}

fn jsonl(text: &str) -> Result<(Vec<Event>, ReadStats), LogFailure> {
    read_with(&proj(), Format::Jsonl, text.as_bytes(), &opts())
}

fn files(paths: &[PathBuf], opts: &ReadOptions) -> Result<(Vec<Event>, ReadStats), LogFailure> {
    let mut events = vec![];
    let stats = read_log(paths, &proj(), opts, &mut |e| events.push(e))?;
    Ok((events, stats))
}

/// The bad line that stops reading `text`.
fn bad(text: &str) -> BadLine {
    match jsonl(text) {
        Err(LogFailure::Bad(b)) => b,
        other => panic!("expected a bad line, got {other:?}"),
    }
}

/// `{"time":...,"type":"complaint_received",<rest>}` at minute `m`.
fn line(m: u32, rest: &str) -> String {
    format!(r#"{{"time":"2026-03-02T10:{m:02}:00Z","type":"complaint_received"{rest}}}"#)
}

fn attr<'a>(p: &Projection, e: &'a Event, key: &str) -> &'a Val {
    let sym = p.keys.get(key).copied().unwrap();
    e.get(sym)
}

fn s(text: &str) -> Val {
    Val::Str(text.into())
}

fn gz(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    let mut enc = flate2::write::GzEncoder::new(std::fs::File::create(&path).unwrap(), flate2::Compression::fast());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap();
    path
}

// ------------------------------------------------------------ JSON Lines

#[test]
fn jsonl_projects_and_types_values() {
    let p = proj();
    let (events, stats) = files(&[fixture("basic.jsonl")], &opts()).unwrap();
    assert_eq!(events.len(), 3);
    assert_eq!(stats.events, 3);
    let (a, b, c) = (&events[0], &events[1], &events[2]);
    assert_eq!(a.time, T0);
    assert_eq!(a.kind, p.types["complaint_received"]);
    assert_eq!(a.loc.line, 1);
    assert_eq!(attr(&p, a, "customer"), &s("K-42"));
    assert_eq!(a.attrs.len(), 3, "`agent` is not projected: {a:?}");
    // A type the policy does not use is delivered, without attributes.
    assert_eq!((b.kind, b.attrs.len(), b.loc.line, b.time), (OTHER, 0, 2, T0 + 5 * 60_000_000 + 500_000));
    // Line 3 is blank; -03:00 is three hours later in UTC.
    assert_eq!((c.loc.line, c.time), (4, T0 + 45 * 60_000_000 + 3 * 3_600_000_000));
    assert_eq!(attr(&p, c, "amount"), &Val::Dec(Decimal::new(1250, 2)));
    assert_eq!(attr(&p, c, "n"), &Val::Int(3));
    assert_eq!(attr(&p, c, "urgent"), &Val::Bool(true));
    assert_eq!(attr(&p, c, "note"), &Val::Null, "null is absent");
    assert_eq!((stats.first_time, stats.last_time), (Some(a.time), Some(c.time)));
}

#[test]
fn jsonl_accepts_escapes_crlf_and_whitespace() {
    let p = proj();
    let text = "  { \"time\" : \"2026-03-02T09:15:00Z\" , \"t\\u0079pe\":\"complaint_received\", \"c\\u0061se\": \"a\\\"b\\u00e9\" } \r\n\t\r\n";
    let (events, _) = jsonl(text).unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(attr(&p, &events[0], "case"), &s("a\"bé"));
}

#[test]
fn long_strings_and_lines() {
    let p = proj();
    let big = "x".repeat(5 << 20);
    let (events, _) = jsonl(&line(0, &format!(r#","case":"{big}""#))).unwrap();
    assert_eq!(attr(&p, &events[0], "case"), &s(&big));
    let b = bad(&format!("{}\n{{\"time\":\"{big}", line(0, "")));
    assert_eq!((b.line, b.column), (2, Some(9)));
    assert_eq!(b.text.chars().count(), 200);
}

#[test]
fn bad_lines_name_place_and_field() {
    // Line, line number, column, field, part of the reason.
    type Case<'a> = (&'a str, u64, Option<u64>, Option<&'a str>, &'a str);
    let cases: &[Case<'_>] = &[
        (r#"{"time":"2026-03-02T09:15:00Z","type":"complaint_received",}"#, 1, Some(60), None, "expected a key"),
        (r#"{"time":"2026-03-02T09:15:00Z" "type":"x"}"#, 1, Some(32), None, "expected `,` or `}`"),
        (r#"{"time":"2026-03-02T09:15:00Z","type":"x""#, 1, Some(42), None, "ends inside the object"),
        (r#"{"time":"2026-03-02T09:15:00Z","type":"x"} x"#, 1, Some(44), None, "unexpected text after"),
        (r#"{"time":"2026-03-02T09:15:00Z","type":"x","n":01}"#, 1, Some(48), None, "expected `,` or `}`"),
        (r#"{"time":"2026-03-02T09:15:00Z","type":"x","n":1.}"#, 1, Some(49), None, "malformed number"),
        (r#"{"time":"2026-03-02T09:15:00Z","type":"x","s":"a\qb"}"#, 1, Some(49), None, "invalid escape"),
        (r#"{"time":"2026-03-02T09:15:00Z","type":"x","s":"\ud800"}"#, 1, Some(48), None, "unpaired surrogate"),
        (r#"{"time":"2026-03-02T09:15:00Z","type":"x","s":"abc}"#, 1, Some(47), None, "unterminated string"),
        ("{\"time\":\"2026-03-02T09:15:00Z\",\"type\":\"x\",\"s\":\"a\tb\"}", 1, Some(49), None, "control character"),
        (r#"[1,2]"#, 1, Some(1), None, "JSON array"),
        (r#"  "text""#, 1, Some(3), None, "JSON string"),
        (r#"hello"#, 1, Some(1), None, "expected an object"),
        (r#"{"type":"x"}"#, 1, None, Some("time"), "missing `time`"),
        (r#"{"time":"2026-13-01T00:00:00Z","type":"x"}"#, 1, Some(9), Some("time"), "not an RFC 3339 time"),
        (r#"{"time":"2026-03-02T09:15:00","type":"x"}"#, 1, Some(9), Some("time"), "with an offset"),
        (r#"{"time":1772442900,"type":"x"}"#, 1, Some(9), Some("time"), "found the integer"),
        (r#"{"time":"2026-03-02T09:15:00Z"}"#, 1, None, Some("type"), "missing `type`"),
        (r#"{"time":"2026-03-02T09:15:00Z","type":7}"#, 1, Some(39), Some("type"), "found the integer `7`"),
        (r#"{"time":"2026-03-02T09:15:00Z","type":"x","a":{"b":1}}"#, 1, Some(47), Some("a"), "is an object"),
        (r#"{"time":"2026-03-02T09:15:00Z","type":"x","a":[1]}"#, 1, Some(47), Some("a"), "is an array"),
        (
            r#"{"time":"2026-03-02T09:15:00Z","type":"x","time":"2026-03-02T09:15:00Z"}"#,
            1,
            Some(43),
            Some("time"),
            "duplicate key",
        ),
        (r#"{"time":"2026-03-02T09:15:00Z","type":"x","a":1,"\u0061":2}"#, 1, Some(49), Some("a"), "duplicate key"),
        (
            r#"{"time":"2026-03-02T09:15:00Z","type":"complaint_received","n":99999999999999999999}"#,
            1,
            Some(64),
            Some("n"),
            "too big",
        ),
    ];
    for &(text, line, column, field, reason) in cases {
        let b = bad(text);
        assert_eq!((b.line, b.column, b.field.as_deref()), (line, column, field), "{text}: {b:?}");
        assert!(b.reason.contains(reason), "{text}: {}", b.reason);
        assert_eq!(b.file, Path::new("events.log"));
        assert_eq!(b.text, text);
    }
}

#[test]
fn invalid_utf8_is_a_bad_line_with_its_column() {
    let mut text = line(0, "").into_bytes();
    text.extend_from_slice(b"\n{\"time\":\"2026-03-02T10:00:00Z\",\"type\":\"x\xff\"}\n");
    match read_with(&proj(), Format::Jsonl, &text, &opts()) {
        Err(LogFailure::Bad(b)) => {
            assert_eq!((b.line, b.column), (2, Some(41)));
            assert!(b.reason.contains("UTF-8"), "{}", b.reason);
            assert!(b.text.contains('\u{FFFD}'));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn absurd_nesting_never_recurses() {
    let deep = "[".repeat(100_000);
    assert_eq!(bad(&deep).column, Some(1));
    let b = bad(&line(0, &format!(r#","case":{deep}"#)));
    assert_eq!(b.field.as_deref(), Some("case"));
    let b = bad(&"{".repeat(100_000));
    assert_eq!(b.column, Some(2));
}

#[test]
fn keep_going_collects_every_bad_line() {
    let text = [line(0, ""), "oops".into(), line(1, ""), r#"{"type":"x"}"#.into(), "".into(), line(2, "")].join("\n");
    let (events, stats) = read_with(&proj(), Format::Jsonl, text.as_bytes(), &keep_going()).unwrap();
    assert_eq!(events.iter().map(|e| e.loc.line).collect::<Vec<_>>(), [1, 3, 6]);
    assert_eq!(stats.events, 3);
    assert_eq!(stats.bad_lines.iter().map(|b| b.line).collect::<Vec<_>>(), [2, 4]);
    assert_eq!(bad(&text).line, 2);
}

// ------------------------------------------------------------ log order

#[test]
fn out_of_order_names_both_lines_unless_sorting() {
    let text = [line(5, ""), line(6, ""), line(6, r#","n":1"#), line(4, r#","n":2"#), line(9, "")].join("\n");
    match jsonl(&text) {
        Err(LogFailure::OutOfOrder { file, line, time, previous_file, previous_line, previous_time }) => {
            assert_eq!((line, previous_line), (4, 3));
            assert_eq!((file.as_path(), previous_file.as_path()), (Path::new("events.log"), Path::new("events.log")));
            assert_eq!(previous_time - time, 2 * 60_000_000);
        }
        other => panic!("{other:?}"),
    }
    let sorted = ReadOptions { sort: true, ..opts() };
    let (events, stats) = read_with(&proj(), Format::Jsonl, text.as_bytes(), &sorted).unwrap();
    assert_eq!(events.iter().map(|e| e.loc.line).collect::<Vec<_>>(), [4, 1, 2, 3, 5]);
    assert_eq!(stats.first_time, Some(events[0].time));
}

#[test]
fn files_merge_by_time_then_file_then_line() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.jsonl");
    let b = dir.path().join("b.ndjson");
    std::fs::write(&a, [line(1, ""), line(3, ""), line(3, ""), line(7, "")].join("\n")).unwrap();
    std::fs::write(&b, [line(0, ""), line(3, ""), line(5, ""), line(8, ""), line(9, "")].join("\n")).unwrap();
    let (events, stats) = files(&[a, b], &opts()).unwrap();
    let order: Vec<(u32, u64)> = events.iter().map(|e| (e.loc.file, e.loc.line)).collect();
    assert_eq!(order, [(1, 1), (0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (0, 4), (1, 4), (1, 5)]);
    assert_eq!(stats.events, 9);
}

#[test]
fn out_of_order_in_a_second_file_names_that_file() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.jsonl");
    let b = dir.path().join("b.jsonl");
    std::fs::write(&a, [line(1, ""), line(2, "")].join("\n")).unwrap();
    std::fs::write(&b, [line(5, ""), line(3, "")].join("\n")).unwrap();
    let Err(LogFailure::OutOfOrder { file, line, previous_line, .. }) = files(&[a, b.clone()], &opts()) else {
        panic!()
    };
    assert_eq!((file, line, previous_line), (b, 2, 1));
}

// ------------------------------------------------------------ XES

#[test]
fn real_helpdesk_log() {
    let dir =
        std::env::var("TENET_REAL_LOGS").map_or_else(|_| Path::new("../shared/data/real").to_path_buf(), PathBuf::from);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir).join("helpdesk.xes.gz");
    if !path.exists() {
        eprintln!("skipped: {} not found (set TENET_REAL_LOGS)", path.display());
        return;
    }
    let mut p = Projection::default();
    let case = p.add_key("case");
    for activity in [
        "Assign seriousness",
        "Closed",
        "Create SW anomaly",
        "DUPLICATE",
        "INVALID",
        "Insert ticket",
        "RESOLVED",
        "Require upgrade",
        "Resolve SW anomaly",
        "Resolve ticket",
        "Schedule intervention",
        "Take in charge ticket",
        "VERIFIED",
        "Wait",
    ] {
        p.add_type(activity);
    }
    let mut events = vec![];
    let stats = read_log(&[path], &p, &opts(), &mut |e| events.push(e)).unwrap();
    assert_eq!((stats.events, events.len()), (21_348, 21_348));
    assert!(stats.bad_lines.is_empty());
    assert!(events.windows(2).all(|w| w[0].time <= w[1].time));
    assert!(events.iter().all(|e| matches!(e.get(case), Val::Str(c) if c.starts_with("Case "))));
    let closed = events.iter().filter(|e| e.kind == p.types["Closed"]).count();
    assert_eq!(closed, 4574);
}

// ------------------------------------------------------------ files

#[test]
fn gzipped_files_of_every_format() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["basic.jsonl", "basic.csv", "basic.xes"] {
        let plain = std::fs::read(fixture(name)).unwrap();
        let zipped = gz(dir.path(), &format!("{name}.gz"), &plain);
        let (want, _) = files(&[fixture(name)], &opts()).unwrap();
        let (got, _) = files(std::slice::from_ref(&zipped), &opts()).unwrap();
        assert_eq!(got, want, "{name}");
        let bytes = std::fs::read(&zipped).unwrap();
        let format = detect_format(&zipped).unwrap();
        let (from_bytes, _) = read_with(&proj(), format, &bytes, &opts()).unwrap();
        assert_eq!(from_bytes, want, "{name} from bytes");
    }
}

#[test]
fn a_cancel_flag_stops_every_format() {
    for name in ["basic.jsonl", "basic.csv", "basic.xes"] {
        let cancel = Cancel::new();
        let watched = ReadOptions { cancel: Some(cancel.clone()), ..opts() };
        // Not set: the read is the same as without the flag.
        assert_eq!(files(&[fixture(name)], &watched).unwrap(), files(&[fixture(name)], &opts()).unwrap(), "{name}");
        cancel.set();
        assert_eq!(files(&[fixture(name)], &watched).unwrap_err(), LogFailure::Interrupted, "{name}");
    }
}

#[test]
fn no_files_is_an_empty_log() {
    let (events, stats) = files(&[], &opts()).unwrap();
    assert!(events.is_empty());
    assert_eq!(stats, ReadStats::default());
}

#[test]
fn formats_by_extension() {
    let f = |p: &str| detect_format(Path::new(p));
    assert_eq!(f("a.jsonl"), Some(Format::Jsonl));
    assert_eq!(f("a.NDJSON"), Some(Format::Jsonl));
    assert_eq!(f("dir.v2/a.json.gz"), Some(Format::Jsonl));
    assert_eq!(f("a.csv.gz"), Some(Format::Csv));
    assert_eq!(f("a.xes"), Some(Format::Xes));
    assert_eq!(f("a.gz"), None);
    assert_eq!(f("a.txt"), None);
}

#[test]
fn unreadable_files_fail_with_their_path() {
    let missing = PathBuf::from("/nonexistent/x.jsonl");
    let Err(LogFailure::Io { path, reason }) = files(std::slice::from_ref(&missing), &opts()) else { panic!() };
    assert_eq!((path, reason.as_str()), (missing, "no such file or directory"));
    let Err(LogFailure::Io { reason, .. }) = files(&[fixture("basic.txt")], &opts()) else { panic!() };
    assert!(reason.contains("unknown log format"), "{reason}");
    let dir = tempfile::tempdir().unwrap();
    let corrupt = dir.path().join("x.jsonl.gz");
    std::fs::write(&corrupt, b"\x1f\x8b\x08\x00garbage").unwrap();
    assert!(matches!(files(&[corrupt], &opts()), Err(LogFailure::Io { .. })));
}

#[test]
fn failures_become_diagnostics() {
    let b = bad(r#"{"time":"2026-13-01","type":"x"}"#);
    let d = LogFailure::Bad(b.clone()).to_diagnostic();
    let text = d.problem.to_string();
    assert!(text.contains("events.log:1:9"), "{text}");
    assert!(text.contains("field `time`: `2026-13-01` is not an RFC 3339 time with an offset"), "{text}");
    assert_eq!(b.to_diagnostic(), d);
    let Err(ooo) = jsonl(&[line(5, ""), line(4, "")].join("\n")) else { panic!() };
    let text = ooo.to_diagnostic().problem.to_string();
    assert!(text.contains("events.log:2") && text.contains("events.log:1"), "{text}");
}
