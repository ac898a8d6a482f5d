//! Deadline conformance: every vector of `tests/conformance/time.json` (a
//! copy of the shared file the language brief points to) must give the
//! deadline it lists, through the public `tenet::time` API, both with the
//! holidays the vector file assumes and with the shipped calendar of the same
//! name. The shipped calendars must also list exactly those 2026 holidays,
//! so that the vectors and the product agree.

#![expect(clippy::unwrap_used, clippy::panic, reason = "a malformed vector file fails the test loudly")]

use chrono::{Datelike, NaiveDate};
use chrono_tz::Tz;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::PathBuf;
use tenet::check::Scope;
use tenet::syntax::ast::DurationUnit;
use tenet::time::{due, parse_instant, Calendar, Due, DueKind, SECOND};
use tenet::workspace::Workspace;

/// The crate's copy of the vectors.
const VECTORS: &str = "tests/conformance/time.json";

/// The crate root.
fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The parsed vector file.
fn load() -> Value {
    serde_json::from_str(&std::fs::read_to_string(manifest_dir().join(VECTORS)).unwrap()).unwrap()
}

/// The calendar the vector file describes for `code`.
fn vector_calendar(doc: &Value, code: &str) -> Calendar {
    let cal = &doc["calendars_2026"][code];
    let mut weekend = [false; 7];
    for day in cal["weekend"].as_array().unwrap() {
        let names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
        weekend[names.iter().position(|n| Some(*n) == day.as_str()).unwrap()] = true;
    }
    Calendar::new(Some(code.to_string()), weekend, holidays(cal))
}

/// The holidays of one calendar of the vector file.
fn holidays(cal: &Value) -> BTreeSet<NaiveDate> {
    cal["holidays"].as_array().unwrap().iter().map(|d| d.as_str().unwrap().parse().unwrap()).collect()
}

/// The shipped calendar `code`, resolved as a policy naming it would be.
fn shipped_calendar(code: &str) -> Calendar {
    let scope = Scope::build(&Workspace::default(), &mut Vec::new());
    assert!(tenet::check::builtin_calendar_names().iter().any(|n| n == code), "no shipped calendar {code}");
    Calendar::resolve(code, &|name| scope.calendars.get(name).map(|c| &c.decl)).unwrap()
}

/// `"2 business days"` as an amount and a unit.
fn duration(within: &str) -> (i64, DurationUnit) {
    let (amount, unit) = within.split_once(' ').unwrap();
    let unit = match unit.trim_end_matches('s') {
        "second" => DurationUnit::Second,
        "minute" => DurationUnit::Minute,
        "hour" => DurationUnit::Hour,
        "day" => DurationUnit::Day,
        "week" => DurationUnit::Week,
        "month" => DurationUnit::Month,
        "calendar day" => DurationUnit::CalendarDay,
        "business day" | "working day" => DurationUnit::BusinessDay,
        other => panic!("unknown unit `{other}` in the vector file"),
    };
    (amount.parse().unwrap(), unit)
}

/// An RFC 3339 string of the vector file as an instant.
fn instant(v: &Value) -> i64 {
    parse_instant(v.as_str().unwrap()).unwrap()
}

/// Checks one vector against a deadline; returns what is wrong, if anything.
fn check(v: &Value, got: Option<Due>) -> Vec<String> {
    let mut wrong = Vec::new();
    let Some(got) = got else { return vec!["no deadline".to_string()] };
    if let Some(date) = v.get("due_by_end_of_local_day") {
        let date: NaiveDate = date.as_str().unwrap().parse().unwrap();
        let first_late = instant(&v["first_late_instant"]);
        if got.kind != (DueKind::EndOfLocalDay { date }) {
            wrong.push(format!("kind {:?}, expected the end of local day {date}", got.kind));
        }
        if got.first_late() != first_late || got.last_on_time != first_late - 1 {
            wrong.push(format!("first late instant {}, expected {first_late}", got.first_late()));
        }
        if !got.is_on_time(first_late - 1) || got.is_on_time(first_late) {
            wrong.push("not on time exactly until the first late instant".to_string());
        }
        if v["on_time_iff"] != "event time < first_late_instant" {
            wrong.push(format!("unexpected rule {}", v["on_time_iff"]));
        }
    } else {
        let deadline = instant(&v["deadline"]);
        if deadline != instant(&v["deadline_local"]) {
            wrong.push("deadline and deadline_local differ".to_string());
        }
        if got.kind != DueKind::Exact || got.last_on_time != deadline {
            wrong.push(format!("deadline {:?} at {}, expected exactly {deadline}", got.kind, got.last_on_time));
        }
        if !got.is_on_time(deadline) || got.is_on_time(deadline + 1) || got.is_on_time(deadline + SECOND) {
            wrong.push("not on time exactly until the deadline, inclusive".to_string());
        }
        if v["on_time_iff"] != "event time <= deadline" {
            wrong.push(format!("unexpected rule {}", v["on_time_iff"]));
        }
    }
    wrong
}

#[test]
fn copy_matches_the_shared_vectors() {
    let ours = std::fs::read(manifest_dir().join(VECTORS)).unwrap();
    let candidates = [
        std::env::var_os("TENET_CONFORMANCE").map(PathBuf::from),
        Some(manifest_dir().join("../shared/conformance/time.json")),
        Some(PathBuf::from("/work/shared/conformance/time.json")),
    ];
    for path in candidates.into_iter().flatten().filter(|p| p.is_file()) {
        let shared = std::fs::read(&path).unwrap();
        assert!(shared == ours, "{VECTORS} differs from {}: copy it again", path.display());
    }
}

#[test]
fn every_vector_gives_its_deadline() {
    let doc = load();
    let vectors = doc["vectors"].as_array().unwrap();
    assert!(vectors.len() >= 17, "only {} vectors", vectors.len());
    let mut failures = Vec::new();
    for (i, v) in vectors.iter().enumerate() {
        let code = v["calendar"].as_str().unwrap();
        let zone = v["time_zone"].as_str().unwrap();
        assert_eq!(doc["calendars_2026"][code]["time_zone"].as_str(), Some(zone), "vector {i}: zone of {code}");
        let tz: Tz = zone.parse().unwrap();
        let trigger = instant(&v["trigger"]);
        let (amount, unit) = duration(v["within"].as_str().unwrap());
        let label = format!("vector {i} ({code}, {} after {})", v["within"], v["trigger"]);
        let from_vectors = due(trigger, amount, unit, tz, &vector_calendar(&doc, code));
        let from_shipped = due(trigger, amount, unit, tz, &shipped_calendar(code));
        if from_vectors != from_shipped {
            failures.push(format!("{label}: vector calendar {from_vectors:?}, shipped {from_shipped:?}"));
        }
        for (source, got) in [("vector calendar", from_vectors), ("shipped calendar", from_shipped)] {
            failures.extend(check(v, got).into_iter().map(|w| format!("{label}, {source}: {w}")));
        }
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn shipped_calendars_list_the_2026_holidays_of_the_vectors() {
    let doc = load();
    let codes = doc["calendars_2026"].as_object().unwrap();
    assert!(codes.len() >= 4);
    for (code, cal) in codes {
        let shipped = shipped_calendar(code);
        let listed: BTreeSet<NaiveDate> = shipped.holidays().iter().copied().filter(|d| d.year() == 2026).collect();
        let expected = holidays(cal);
        let missing: Vec<_> = expected.difference(&listed).collect();
        let extra: Vec<_> = listed.difference(&expected).collect();
        assert!(missing.is_empty() && extra.is_empty(), "{code} 2026: missing {missing:?}, not in vectors {extra:?}");
        assert_eq!(shipped.weekend(), vector_calendar(&doc, code).weekend(), "{code}: weekend");
        assert!(shipped.years_covered().is_some_and(|y| y.contains(&2024) && y.contains(&2027)), "{code}: years");
    }
}
