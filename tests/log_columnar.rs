//! Parquet and Arrow IPC logs: the same verdicts as the same log in JSON
//! Lines (row N of the file standing where line N stood), the schema
//! checks (missing and mistyped columns, timestamps without a zone), bad
//! rows, log order, folders, Arrow files and streams (standard input), and
//! bytes that are no such file.
#![cfg(feature = "parquet")]
#![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected results")]

#[path = "../benches/generator.rs"]
mod generator;

#[path = "../benches/tools/columnar.rs"]
mod columnar;

use arrow_array::{ArrayRef, Int64Array, ListArray, RecordBatch, StringArray, TimestampMicrosecondArray};
use assert_cmd::Command;
use columnar::{write_columnar, Columnar, Writer};
use generator::{write_log, Config, Format as Text, Generator};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tenet::log::{
    expand_folders, read_bytes, read_log, Event, FieldKind, Format, LogFailure, Projection, ReadOptions, ReadStats,
};

const T0: i64 = 1_772_442_900_000_000; // 2026-03-02T09:15:00Z

/// A small generated log spanning weeks, as in `tests/reference_counts.rs`.
fn config() -> Config {
    Config { events: 20_000, seed: 20_260_302, mean_gap: 400, customers: 2_000, start: 1_772_409_600 }
}

fn policy() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/reference.tenet")
}

/// The projection of the reference policy, written by hand.
fn proj() -> Projection {
    let mut p = Projection::default();
    for t in ["complaint_received", "complaint_acknowledged", "outage_ended", "cancellation_refused"] {
        p.add_type(t);
    }
    for k in ["case", "customer", "reason", "outage_minutes"] {
        p.add_key(k);
    }
    p.schema.insert(("outage_ended".into(), "outage_minutes".into()), FieldKind::Int);
    p.schema.insert(("complaint_received".into(), "case".into()), FieldKind::Id);
    p
}

fn opts() -> ReadOptions {
    ReadOptions { threads: 2, ..ReadOptions::default() }
}

fn read(paths: &[PathBuf], opts: &ReadOptions) -> Result<(Vec<Event>, ReadStats), LogFailure> {
    let mut events = vec![];
    let stats = read_log(paths, &proj(), opts, &mut |e| events.push(e))?;
    Ok((events, stats))
}

fn write_batches(path: &Path, format: Columnar, batches: &[RecordBatch]) {
    let file = std::fs::File::create(path).unwrap();
    let mut w = Writer::with_schema(format, file, &batches[0].schema()).unwrap();
    for b in batches {
        w.write(b).unwrap();
    }
    w.finish().unwrap();
}

fn utc(micros: Vec<Option<i64>>) -> ArrayRef {
    Arc::new(TimestampMicrosecondArray::from(micros).with_timezone("UTC"))
}

fn strings(values: Vec<Option<&str>>) -> ArrayRef {
    Arc::new(StringArray::from(values))
}

/// A batch of `time` (UTC), `type` and `case`.
fn small(times: &[i64], types: &[&str]) -> RecordBatch {
    let cases: Vec<Option<String>> = (0..times.len()).map(|i| Some(format!("C-{i}"))).collect();
    RecordBatch::try_from_iter([
        ("time", utc(times.iter().map(|&t| Some(t)).collect())),
        ("type", strings(types.iter().map(|&t| Some(t)).collect())),
        ("case", Arc::new(StringArray::from(cases)) as ArrayRef),
    ])
    .unwrap()
}

fn tenet_json(log: &Path, extra: &[&str]) -> Value {
    let out = Command::cargo_bin("tenet")
        .unwrap()
        .arg("check")
        .arg(policy())
        .arg("--events")
        .arg(log)
        .args(["--format", "json", "--quiet"])
        .args(extra)
        .output()
        .unwrap();
    assert!(out.status.code().unwrap_or(9) <= 1, "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The report with each place's file removed and a row called a line.
fn without_files(mut v: Value) -> Value {
    fn walk(v: &mut Value) {
        match v {
            Value::Object(m) => {
                if m.contains_key("file") {
                    m.remove("file");
                    if let Some(row) = m.remove("row") {
                        m.insert("line".into(), row);
                    }
                }
                m.values_mut().for_each(walk);
            }
            Value::Array(a) => a.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut v);
    v
}

#[test]
fn parquet_and_arrow_give_the_report_of_the_same_log_in_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = dir.path().join("log.jsonl");
    write_log(config(), Text::Jsonl, &mut std::fs::File::create(&jsonl).unwrap()).unwrap();
    let want = tenet_json(&jsonl, &[]);
    assert!(want["violations"].as_array().is_some_and(|v| v.len() > 100), "{}", want["events"]);
    for (name, format) in [("log.parquet", Columnar::Parquet), ("log.arrow", Columnar::ArrowFile)] {
        let path = dir.path().join(name);
        write_columnar(Generator::new(config()), format, std::fs::File::create(&path).unwrap()).unwrap();
        let got = tenet_json(&path, &[]);
        // Evidence is located by row: row N of the file is line N of the JSON Lines log.
        let first = &got["violations"][0]["trigger"];
        assert!(first["row"].is_u64() && first["line"].is_null(), "{first}");
        assert_eq!(without_files(got), without_files(want.clone()), "{name}");
    }
    // An Arrow IPC stream on standard input, as a cluster worker reads a partition.
    let stream = dir.path().join("log.arrows");
    write_columnar(Generator::new(config()), Columnar::ArrowStream, std::fs::File::create(&stream).unwrap()).unwrap();
    let out = Command::cargo_bin("tenet")
        .unwrap()
        .arg("check")
        .arg(policy())
        .args(["--events", "-", "--log-format", "arrow", "--format", "json", "--quiet"])
        .write_stdin(std::fs::read(&stream).unwrap())
        .output()
        .unwrap();
    let got: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(got["violations"][0]["trigger"]["file"], "<stdin>");
    assert_eq!(without_files(got), without_files(want), "stdin");
}

#[test]
fn the_type_accounting_is_that_of_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let small = Config { events: 3000, ..config() };
    let jsonl = dir.path().join("log.jsonl");
    write_log(small, Text::Jsonl, &mut std::fs::File::create(&jsonl).unwrap()).unwrap();
    let parquet = dir.path().join("log.parquet");
    write_columnar(Generator::new(small), Columnar::Parquet, std::fs::File::create(&parquet).unwrap()).unwrap();
    let (want_events, want) = read(&[jsonl], &opts()).unwrap();
    let (got_events, got) = read(&[parquet], &opts()).unwrap();
    assert_eq!((got.events, got.first_time, got.last_time), (want.events, want.first_time, want.last_time));
    assert_eq!(got.types_seen, want.types_seen);
    assert_eq!(got.other_types, want.other_types);
    assert!(got.other_types.contains(&"page_viewed".to_string()));
    // Rows of types the policy does not name are events without attributes.
    let strip = |e: &Event| (e.time, e.kind, e.attrs.to_vec(), e.loc.number());
    assert_eq!(got_events.iter().map(strip).collect::<Vec<_>>(), want_events.iter().map(strip).collect::<Vec<_>>());
    assert!(got_events.iter().all(|e| e.loc.is_row()));
}

#[test]
fn timestamps_without_a_zone_need_log_timezone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("naive.parquet");
    let naive: ArrayRef = Arc::new(TimestampMicrosecondArray::from(vec![T0, T0 + 1]));
    let batch = RecordBatch::try_from_iter([
        ("time", naive),
        ("type", strings(vec![Some("complaint_received"), Some("complaint_received")])),
    ])
    .unwrap();
    write_batches(&path, Columnar::Parquet, &[batch]);
    let Err(failure) = read(std::slice::from_ref(&path), &opts()) else { panic!("read") };
    let d = failure.to_diagnostic();
    assert_eq!(d.problem.code(), "tenet::log_schema");
    assert!(failure.to_string().contains("column `time` holds timestamps without a time zone"), "{failure}");
    assert!(d.problem.help().unwrap_or_default().contains("--log-timezone"));
    // 09:15 on a São Paulo wall clock is 12:15 UTC.
    let tz = ReadOptions { timezone: Some(chrono_tz::America::Sao_Paulo), ..opts() };
    let (events, _) = read(&[path], &tz).unwrap();
    assert_eq!(events[0].time, T0 + 3 * 3600 * 1_000_000);
}

#[test]
fn a_missing_or_mistyped_column_is_one_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no_type.parquet");
    let batch =
        RecordBatch::try_from_iter([("time", utc(vec![Some(T0)])), ("kind", strings(vec![Some("x")]))]).unwrap();
    write_batches(&path, Columnar::Parquet, &[batch]);
    let Err(failure) = read(&[path], &opts()) else { panic!("read") };
    assert!(failure.to_string().contains("no column `type`"), "{failure}");
    assert!(failure.to_string().contains("`time`, `kind`"), "{failure}");

    let path = dir.path().join("wrong.parquet");
    let batch = RecordBatch::try_from_iter([
        ("time", utc(vec![Some(T0)])),
        ("type", strings(vec![Some("outage_ended")])),
        ("outage_minutes", strings(vec![Some("300")])),
    ])
    .unwrap();
    write_batches(&path, Columnar::Parquet, &[batch]);
    let Err(failure) = read(&[path], &opts()) else { panic!("read") };
    let text = failure.to_string();
    assert!(text.contains("column `outage_minutes` is of Arrow type Utf8"), "{text}");
    assert!(text.contains("event `outage_ended` declares `outage_minutes` as int"), "{text}");
    assert!(text.contains("expected an integer column"), "{text}");

    // A column the policy neither reads nor declares is not read at all,
    // whatever its type.
    let path = dir.path().join("unread.parquet");
    let list: ArrayRef =
        Arc::new(ListArray::from_iter_primitive::<arrow_array::types::Int32Type, _, _>(vec![Some(vec![Some(1)])]));
    let batch = RecordBatch::try_from_iter([
        ("time", utc(vec![Some(T0)])),
        ("type", strings(vec![Some("outage_ended")])),
        ("tags", list),
    ])
    .unwrap();
    write_batches(&path, Columnar::Parquet, &[batch]);
    assert_eq!(read(&[path], &opts()).unwrap().1.events, 1);
}

#[test]
fn a_null_time_is_a_bad_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nulls.parquet");
    let batch = RecordBatch::try_from_iter([
        ("time", utc(vec![Some(T0), None, Some(T0 + 2)])),
        ("type", strings(vec![Some("outage_ended"), Some("outage_ended"), None])),
        ("outage_minutes", Arc::new(Int64Array::from(vec![Some(300), None, Some(5)])) as ArrayRef),
    ])
    .unwrap();
    write_batches(&path, Columnar::Parquet, &[batch]);
    let Err(LogFailure::Bad(b)) = read(std::slice::from_ref(&path), &opts()) else { panic!("read") };
    assert_eq!(b.place(), format!("{} row 2", path.display()));
    assert_eq!(b.field.as_deref(), Some("time"));
    let (events, stats) = read(&[path], &ReadOptions { keep_going: true, ..opts() }).unwrap();
    assert_eq!(events.len(), 1);
    let rows: Vec<(u64, Option<&str>)> =
        stats.bad_lines.iter().map(|b| (b.line & !tenet::log::Loc::ROW, b.field.as_deref())).collect();
    assert_eq!(rows, [(2, Some("time")), (3, Some("type"))]);
}

#[test]
fn rows_out_of_order_fail_or_are_sorted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("order.parquet");
    let types = ["complaint_received"; 3];
    write_batches(&path, Columnar::Parquet, &[small(&[T0, T0 + 10, T0 + 5], &types)]);
    let Err(failure) = read(std::slice::from_ref(&path), &opts()) else { panic!("read") };
    let text = failure.to_string();
    assert!(text.contains("order.parquet row 3") && text.contains("order.parquet row 2"), "{text}");
    let (events, _) = read(&[path], &ReadOptions { sort: true, ..opts() }).unwrap();
    let got: Vec<(i64, u64)> = events.iter().map(|e| (e.time - T0, e.loc.number())).collect();
    assert_eq!(got, [(0, 1), (5, 3), (10, 2)]);
}

#[test]
fn a_folder_is_its_columnar_files_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let types = ["complaint_received"; 2];
    write_batches(&dir.path().join("b.parquet"), Columnar::Parquet, &[small(&[T0 + 1, T0 + 3], &types)]);
    write_batches(&dir.path().join("a.arrow"), Columnar::ArrowFile, &[small(&[T0, T0 + 2], &types)]);
    std::fs::write(dir.path().join("notes.txt"), "not a log").unwrap();
    let files = expand_folders(&[dir.path().to_path_buf()]).unwrap();
    let names: Vec<String> = files.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(names, ["a.arrow", "b.parquet"]);
    let (events, stats) = read(&files, &opts()).unwrap();
    let got: Vec<(i64, u32, u64)> = events.iter().map(|e| (e.time - T0, e.loc.file, e.loc.number())).collect();
    assert_eq!(got, [(0, 0, 1), (1, 1, 1), (2, 0, 2), (3, 1, 2)]);
    assert_eq!(stats.events, 4);
    let empty = tempfile::tempdir().unwrap();
    let Err(failure) = expand_folders(&[empty.path().to_path_buf()]) else { panic!("expanded") };
    assert!(failure.to_string().contains("without a `.parquet` or `.arrow` file"), "{failure}");
}

#[test]
fn bytes_that_are_no_such_file_are_a_clear_error() {
    let mut seed = 7u64;
    for len in [0usize, 3, 8, 64, 5000] {
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                (seed >> 33) as u8
            })
            .collect();
        for format in [Format::Parquet, Format::Arrow] {
            let got = read_bytes(Path::new("x.parquet"), &bytes, format, &proj(), &opts(), &mut |_| {});
            let Err(LogFailure::Io { reason, .. }) = got else { panic!("{format:?} {len}: {got:?}") };
            assert!(reason.starts_with("not a readable"), "{reason}");
        }
    }
    // An object store's URL is refused in so many words.
    let Err(LogFailure::Io { reason, .. }) = read(&[PathBuf::from("s3://bucket/part-0.parquet")], &opts()) else {
        panic!("read")
    };
    assert!(reason.contains("object store"), "{reason}");
    // A Parquet file cut short.
    let mut whole = Vec::new();
    write_columnar(Generator::new(Config { events: 500, ..config() }), Columnar::Parquet, &mut whole).unwrap();
    for cut in [whole.len() / 2, whole.len() - 3] {
        let got = read_bytes(Path::new("x.parquet"), &whole[..cut], Format::Parquet, &proj(), &opts(), &mut |_| {});
        assert!(matches!(got, Err(LogFailure::Io { .. })), "{cut}: {got:?}");
    }
}
