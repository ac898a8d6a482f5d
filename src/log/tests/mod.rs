//! Whole-reader tests that need the internal block size: line numbers and
//! bad lines stay exact whatever the blocks and threads, and no bytes make
//! a reader panic.

mod formats;
mod schema;

use super::{read_bytes_in_blocks, Sizes, MAX_LINE, MAX_XES};
use crate::log::{
    read_bytes, read_log, BadLine, Event, FieldKind, Format, LogFailure, Projection, ReadOptions, ReadStats, OTHER,
};
use crate::value::Val;
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};

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

fn files(paths: &[PathBuf], opts: &ReadOptions) -> Result<(Vec<Event>, ReadStats), LogFailure> {
    let mut events = vec![];
    let stats = read_log(paths, &proj(), opts, &mut |e| events.push(e))?;
    Ok((events, stats))
}

/// `{"time":...,"type":"complaint_received",<rest>}` at minute `m`.
fn line(m: u32, rest: &str) -> String {
    format!(r#"{{"time":"2026-03-02T10:{m:02}:00Z","type":"complaint_received"{rest}}}"#)
}

fn attr<'a>(p: &Projection, e: &'a Event, key: &str) -> &'a Val {
    let sym = p.keys.get(key).copied().unwrap_or(u32::MAX);
    e.get(sym)
}

fn s(text: &str) -> Val {
    Val::Str(text.into())
}

/// The projection of the block tests.
fn block_proj() -> Projection {
    let mut p = Projection::default();
    p.add_type("a");
    p.add_key("case");
    p.add_key("n");
    p
}

fn read(
    format: Format,
    bytes: &[u8],
    block: usize,
    threads: usize,
    keep_going: bool,
    sort: bool,
) -> Result<(Vec<Event>, ReadStats), LogFailure> {
    let opts = ReadOptions { sort, keep_going, threads, format: None, progress: None, cancel: None, timezone: None };
    read_limited(format, bytes, limited(block, MAX_LINE), &opts)
}

/// Sizes with a chosen block and longest line.
fn limited(block: usize, max_line: usize) -> Sizes {
    Sizes { block, max_line, max_whole: MAX_XES }
}

/// Reads with chosen sizes.
fn read_limited(
    format: Format,
    bytes: &[u8],
    sizes: Sizes,
    opts: &ReadOptions,
) -> Result<(Vec<Event>, ReadStats), LogFailure> {
    let mut events = vec![];
    let stats = read_bytes_in_blocks(Path::new("t"), bytes, format, &block_proj(), opts, sizes, &mut |e| {
        events.push(e.clone())
    })?;
    Ok((events, stats))
}

/// A JSON Lines log of `n` lines (some blank, some bad, some long), and the
/// lines that hold events and that are bad.
fn jsonl_log(n: u64) -> (String, Vec<u64>, Vec<u64>) {
    let (mut text, mut good, mut bad) = (String::new(), vec![], vec![]);
    for i in 1..=n {
        let pad = "p".repeat((i as usize * 37) % 300);
        match i % 7 {
            3 => text.push('\n'),
            5 => {
                text.push_str("{\"time\":\"not a time\",\"type\":\"a\"}\r\n");
                bad.push(i);
            }
            _ => {
                let m = i / 60;
                let line = format!(
                    "{{\"time\":\"2026-03-02T10:{:02}:{:02}Z\",\"type\":\"a\",\"case\":\"C-{i}\",\"pad\":\"{pad}\"}}\n",
                    m % 60,
                    i % 60
                );
                text.push_str(&line);
                good.push(i);
            }
        }
    }
    (text, good, bad)
}

fn lines(events: &[Event]) -> Vec<u64> {
    events.iter().map(|e| e.loc.line).collect()
}

fn bad_lines(bad: &[BadLine]) -> Vec<u64> {
    bad.iter().map(|b| b.line).collect()
}

#[test]
fn jsonl_line_numbers_are_exact_across_blocks() {
    let (text, good, bad) = jsonl_log(500);
    for block in [1, 7, 64, 100, 333, 4096, 1 << 20] {
        for threads in [1, 2, 3] {
            let (events, stats) = read(Format::Jsonl, text.as_bytes(), block, threads, true, false).unwrap();
            assert_eq!(lines(&events), good, "block {block}, {threads} threads");
            assert_eq!(bad_lines(&stats.bad_lines), bad, "block {block}, {threads} threads");
            let stopped = read(Format::Jsonl, text.as_bytes(), block, threads, false, false);
            assert!(matches!(stopped, Err(LogFailure::Bad(b)) if b.line == 5));
        }
    }
}

#[test]
fn a_line_longer_than_many_blocks() {
    let long = format!("{{\"time\":\"2026-03-02T10:00:00Z\",\"type\":\"a\",\"case\":\"{}\"}}", "x".repeat(10_000));
    let text = format!("{long}\n{long}\n\n{long}");
    let (events, _) = read(Format::Jsonl, text.as_bytes(), 64, 2, false, false).unwrap();
    assert_eq!(lines(&events), [1, 2, 4]);
}

#[test]
fn a_line_longer_than_the_limit_is_skipped_as_a_bad_line() {
    let ok = |m: u32| format!(r#"{{"time":"2026-03-02T10:{m:02}:00Z","type":"a","case":"c"}}"#);
    let long = format!(r#"{{"time":"2026-03-02T10:01:00Z","type":"a","case":"{}"}}"#, "x".repeat(1000));
    let text = format!("{}\n{long}\n{}\n{long}", ok(0), ok(2));
    for block in [1, 7, 64, 4096] {
        for threads in [1, 2] {
            let going = ReadOptions { threads, ..keep_going() };
            let (events, stats) = read_limited(Format::Jsonl, text.as_bytes(), limited(block, 100), &going).unwrap();
            assert_eq!(lines(&events), [1, 3], "block {block}");
            assert_eq!(bad_lines(&stats.bad_lines), [2, 4], "block {block}");
            let bad = &stats.bad_lines[0];
            assert_eq!(
                bad.reason,
                format!(
                    "the line is {} bytes long; lines of up to 100 bytes are read (an event is a line of its own)",
                    long.len()
                )
            );
            assert!(bad.text.starts_with(r#"{"time":"2026-03-02T10:01:00Z""#), "{}", bad.text);
            let stopped =
                read_limited(Format::Jsonl, text.as_bytes(), limited(block, 100), &ReadOptions { threads, ..opts() });
            assert!(matches!(stopped, Err(LogFailure::Bad(b)) if b.line == 2), "block {block}");
        }
    }
}

#[test]
fn a_csv_record_longer_than_the_limit_is_skipped_whole() {
    let long = format!("2026-03-02T10:01:00Z,a,\"{}\"", "x\n".repeat(300));
    let text = format!("time,type,case\n2026-03-02T10:00:00Z,a,ok\n{long}\n2026-03-02T10:02:00Z,a,\"\"\"after\"\"\"\n");
    for block in [1, 7, 64, 4096] {
        let (events, stats) = read_limited(Format::Csv, text.as_bytes(), limited(block, 100), &keep_going()).unwrap();
        assert_eq!(lines(&events), [2, 304], "block {block}");
        assert_eq!(bad_lines(&stats.bad_lines), [3], "block {block}");
    }
    let header = format!("time,type,{}\n2026-03-02T10:00:00Z,a,ok\n", "c".repeat(200));
    let failed = read_limited(Format::Csv, header.as_bytes(), limited(16, 100), &keep_going());
    assert!(
        matches!(&failed, Err(LogFailure::Bad(b)) if b.line == 1 && b.reason.contains("210 bytes long")),
        "{failed:?}"
    );
}

#[test]
fn an_xes_file_larger_than_the_limit_is_refused_before_it_fills_memory() {
    let xes = std::fs::read(fixture("basic.xes")).unwrap();
    let sizes = Sizes { max_whole: xes.len() - 1, ..limited(1 << 20, MAX_LINE) };
    let failed = read_limited(Format::Xes, &xes, sizes, &opts());
    assert!(
        matches!(&failed, Err(LogFailure::Io { reason, .. }) if reason.starts_with("an XES file is read whole")),
        "{:?}",
        failed.err()
    );
    let exact = Sizes { max_whole: xes.len(), ..sizes };
    assert!(read_limited(Format::Xes, &xes, exact, &opts()).is_ok());
}

#[test]
fn csv_records_with_line_breaks_across_blocks() {
    let mut text = String::from("\u{feff}time,type,case\r\n");
    let mut want = vec![];
    let mut line = 2;
    for i in 0..200u64 {
        let breaks = (i % 4) as usize;
        let case = format!("\"C,\"\"{}\"\"{}\"", i, "\n".repeat(breaks));
        text.push_str(&format!("2026-03-02T10:{:02}:00Z,a,{case}\r\n", i % 60 / 2 + i / 120 * 30));
        want.push(line);
        line += 1 + breaks as u64;
    }
    for block in [1, 16, 50, 1 << 20] {
        let (events, _) = read(Format::Csv, text.as_bytes(), block, 2, false, true).unwrap();
        let mut got = lines(&events);
        got.sort_unstable();
        assert_eq!(got, want, "block {block}");
    }
}

#[test]
fn csv_without_quotes_across_blocks() {
    let mut text = String::from("time,type,case,n\r\n");
    let (mut good, mut bad) = (vec![], vec![]);
    for i in 2..300u64 {
        match i % 9 {
            4 => text.push_str("\r\n"),
            6 => {
                text.push_str("2026-03-02T10:00:00Z,a,too,many,cells\n");
                bad.push(i);
            }
            _ => {
                let pad = "x".repeat((i as usize * 13) % 40);
                text.push_str(&format!("2026-03-02T10:{:02}:00Z,a,C-{i}{pad},{i}\r\n", i / 5));
                good.push(i);
            }
        }
    }
    text.push_str("2026-03-02T11:00:00Z,a,,");
    good.push(300);
    for block in [1, 7, 64, 1 << 20] {
        let (events, stats) = read(Format::Csv, text.as_bytes(), block, 2, true, false).unwrap();
        assert_eq!(lines(&events), good, "block {block}");
        assert_eq!(bad_lines(&stats.bad_lines), bad, "block {block}");
        let n = block_proj().keys["n"];
        assert_eq!(events.iter().filter(|e| e.get(n) == &Val::Int(7)).count(), 1);
        assert_eq!(events.last().map(|e| e.attrs.len()), Some(0), "empty cells are absent");
    }
}

#[test]
fn csv_bad_records_across_blocks() {
    let text =
        "time,type,case\n2026-03-02T10:00:00Z,a,\"x\ny\"z\n2026-03-02T10:00:00Z,a,b\"c\n2026-03-02T10:01:00Z,a,ok\n";
    for block in [1, 10, 1 << 20] {
        let (events, stats) = read(Format::Csv, text.as_bytes(), block, 2, true, false).unwrap();
        assert_eq!(lines(&events), [5], "block {block}");
        assert_eq!(bad_lines(&stats.bad_lines), [2, 4], "block {block}");
    }
}

#[test]
fn sorting_is_stable_across_blocks() {
    let text: String = (0..300)
        .map(|i| format!("{{\"time\":\"2026-03-02T10:{:02}:00Z\",\"type\":\"a\",\"n\":{i}}}\n", (i * 7) % 3))
        .collect();
    let (events, _) = read(Format::Jsonl, text.as_bytes(), 50, 3, false, true).unwrap();
    let got: Vec<(i64, u64)> = events.iter().map(|e| (e.time, e.loc.line)).collect();
    let mut want = got.clone();
    want.sort_unstable();
    assert_eq!(got, want);
    assert!(matches!(read(Format::Jsonl, text.as_bytes(), 50, 3, false, false), Err(LogFailure::OutOfOrder { .. })));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn no_bytes_make_a_reader_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400), block in 1usize..64) {
        for format in [Format::Jsonl, Format::Csv, Format::Xes] {
            let _ = read(format, &bytes, block, 2, true, false);
        }
    }

    #[test]
    fn no_near_valid_line_makes_a_reader_panic(
        parts in proptest::collection::vec(
            prop_oneof![
                Just("{"), Just("}"), Just("\""), Just("\\"), Just("\\u"), Just("d800"), Just(":"), Just(","),
                Just("\"time\""), Just("\"type\""), Just("\"2026-03-02T10:00:00Z\""), Just("\"a\""), Just("1e5"),
                Just("-0.5"), Just("[["), Just("null"), Just("\n"), Just("\r"), Just("é"), Just("\"case\""),
            ],
            0..40,
        ),
        block in 1usize..64,
    ) {
        let text: String = parts.concat();
        let _ = read(Format::Jsonl, text.as_bytes(), block, 2, true, false);
        let _ = read(Format::Csv, format!("time,type,case\n{text}").as_bytes(), block, 2, true, true);
    }
}
