//! The demonstration policy `policies/demo/helpdesk.tenet` on a real public
//! log: the ticketing process of the help desk of an Italian software
//! company, 2010 to 2014 (Polato, "Dataset belonging to the help desk log of
//! an Italian Company", 4TU.ResearchData, 2017), as `helpdesk.xes.gz`.
//!
//! The verdict counts of every rule, through the library (`tenet::analyze`,
//! `tenet::eval::compile`, `tenet::eval::run_log`) and through the `tenet`
//! binary's JSON report, must equal counts computed here without Tenet:
//!
//! - the XES is parsed here with `flate2` and `quick-xml` into (ticket,
//!   activity, time, advisor) tuples, and stably sorted by time, so that
//!   events of the same instant keep their document order, as in the engine;
//! - an obligation instance is decided by the first awaited event of the
//!   same ticket after the trigger in that order (on time or late), or, when
//!   there is none, by whether its deadline is at or before the horizon
//!   (violated) or after it (pending);
//! - Italian local days come from the EU summer-time rule written out below
//!   (01:00 UTC on the last Sundays of March and October), not from a time
//!   zone database;
//! - a per-ticket aggregate is the count, or the set of advisors, of the
//!   ticket's "Take in charge ticket" events up to the horizon.
//!
//! Both are checked at the end of the log and at a horizon inside it, where
//! some tickets are still pending; the counts are pinned as well. The log is read from the folder
//! `TENET_REAL_LOGS` (default `../shared/data/real`, relative to the crate);
//! without it the test is skipped.

#![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected results")]

use assert_cmd::Command;
use chrono::{DateTime, Datelike, Days, NaiveDate};
use quick_xml::events::{BytesStart, Event as Xml};
use quick_xml::{Reader, XmlVersion};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tenet::log::ReadOptions;

/// Events in the log.
const EVENTS: usize = 21_348;

/// Microseconds in a second.
const SECOND: i64 = 1_000_000;
/// Microseconds in an hour.
const HOUR: i64 = 3_600 * SECOND;

/// A horizon inside the log, 2013-06-12T11:00:00+02:00 (µs since the epoch),
/// at which tickets are still waiting to be taken in charge and resolved.
const INSIDE: i64 = 1_371_027_600 * SECOND;

/// The activities the rules use.
const ASSIGN: &str = "Assign seriousness";
const TAKE: &str = "Take in charge ticket";
const RESOLVE: &str = "Resolve ticket";

/// The rules of the policy, in policy order.
const RULES: [&str; 4] =
    ["take_in_charge_within_24_hours", "resolve_within_14_days", "one_advisor_per_ticket", "at_most_2_hand_overs"];

/// Counts per rule, in policy order: satisfied, violated, pending.
type Counts = Vec<(String, [u64; 3])>;

/// One event of the log as this test reads it.
#[derive(Debug, Clone)]
struct Ev {
    /// The trace's `concept:name`.
    case: String,
    /// The event's `concept:name`.
    activity: String,
    /// `time:timestamp`, µs since the Unix epoch.
    time: i64,
    /// `org:resource`.
    resource: Option<String>,
}

/// The real log: in the folder `TENET_REAL_LOGS` names, or in the default one.
fn real_log() -> PathBuf {
    let dir = std::env::var_os("TENET_REAL_LOGS").map_or_else(|| PathBuf::from("../shared/data/real"), PathBuf::from);
    Path::new(env!("CARGO_MANIFEST_DIR")).join(dir).join("helpdesk.xes.gz")
}

fn policy() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/demo/helpdesk.tenet")
}

// ------------------------------------------------------------ reading the XES

/// The `key` and `value` of an XES attribute element.
fn key_value(e: &BytesStart<'_>) -> (String, String) {
    let (mut key, mut value) = (String::new(), String::new());
    for a in e.attributes() {
        let a = a.unwrap();
        let v = a.normalized_value(XmlVersion::Implicit1_0).unwrap().into_owned();
        match a.key.as_ref() {
            b"key" => key = v,
            b"value" => value = v,
            _ => {}
        }
    }
    (key, value)
}

/// Every event of the XES file, in document order.
fn parse(path: &Path) -> Vec<Ev> {
    let mut xml = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap()).read_to_end(&mut xml).unwrap();
    let mut reader = Reader::from_reader(xml.as_slice());
    let mut stack: Vec<Vec<u8>> = Vec::new();
    let mut out = Vec::new();
    let mut trace: Vec<Ev> = Vec::new();
    let mut case = String::new();
    let mut event: Option<Ev> = None;
    loop {
        let ev = reader.read_event().unwrap();
        let (start, empty) = match &ev {
            Xml::Start(e) => (Some(e), false),
            Xml::Empty(e) => (Some(e), true),
            _ => (None, false),
        };
        if let Some(e) = start {
            let name = e.local_name().as_ref().to_vec();
            let parent = stack.last().map(Vec::as_slice);
            match (parent, name.as_slice()) {
                (Some(b"trace"), b"event") => {
                    event = Some(Ev { case: String::new(), activity: String::new(), time: i64::MIN, resource: None });
                }
                (Some(b"trace"), _) => {
                    let (key, value) = key_value(e);
                    if key == "concept:name" {
                        case = value;
                    }
                }
                (Some(b"event"), _) => {
                    let (key, value) = key_value(e);
                    let ev = event.as_mut().unwrap();
                    match key.as_str() {
                        "concept:name" => ev.activity = value,
                        "time:timestamp" => ev.time = DateTime::parse_from_rfc3339(&value).unwrap().timestamp_micros(),
                        "org:resource" => ev.resource = Some(value),
                        _ => {}
                    }
                }
                _ => {}
            }
            if !empty {
                stack.push(name);
            }
        }
        match ev {
            Xml::End(_) => match stack.pop().as_deref() {
                Some(b"event") => trace.push(event.take().unwrap()),
                Some(b"trace") => {
                    for mut e in trace.drain(..) {
                        e.case.clone_from(&case);
                        out.push(e);
                    }
                    case.clear();
                }
                _ => {}
            },
            Xml::Eof => break,
            _ => {}
        }
    }
    out
}

// ------------------------------------------------------------ Italian local days

/// The last Sunday of `month` (March or October, both of 31 days).
fn last_sunday(year: i32, month: u32) -> NaiveDate {
    let last = NaiveDate::from_ymd_opt(year, month, 31).unwrap();
    last - Days::new(u64::from(last.weekday().num_days_from_sunday()))
}

/// Rome's offset from UTC at `t` (µs), in seconds: CEST (+2 h) from 01:00
/// UTC on the last Sunday of March to 01:00 UTC on the last Sunday of
/// October, CET (+1 h) otherwise.
fn rome_offset(t: i64) -> i64 {
    let secs = t.div_euclid(SECOND);
    let year = DateTime::from_timestamp(secs, 0).unwrap().year();
    let switch = |month| last_sunday(year, month).and_hms_opt(1, 0, 0).unwrap().and_utc().timestamp();
    if (switch(3)..switch(10)).contains(&secs) {
        7_200
    } else {
        3_600
    }
}

/// The local date in Rome at `t` (µs).
fn rome_date(t: i64) -> NaiveDate {
    let secs = t.div_euclid(SECOND) + rome_offset(t);
    DateTime::from_timestamp(secs, 0).unwrap().date_naive()
}

/// The first instant (µs) of local day `d` in Rome: local midnight is never
/// near a change of the clocks (at 02:00 and 03:00), so it has one offset.
fn rome_midnight(d: NaiveDate) -> i64 {
    let naive = d.and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp();
    let winter = naive - 3_600;
    let utc = if rome_offset(winter * SECOND) == 7_200 { naive - 7_200 } else { winter };
    utc * SECOND
}

// ------------------------------------------------------------ the rules, directly

/// `when "Assign seriousness" as s require AWAITED where case == s.case`
/// with the last on-time instant `last_on_time(s.time)`, over the events up
/// to `horizon` (`log` holds only those).
fn obligation(log: &[Ev], horizon: i64, awaited: &str, last_on_time: impl Fn(i64) -> i64) -> [u64; 3] {
    let mut tickets: HashMap<&str, Vec<&Ev>> = HashMap::new();
    for e in log {
        tickets.entry(&e.case).or_default().push(e);
    }
    let mut counts = [0; 3];
    for events in tickets.values() {
        for (k, trigger) in events.iter().enumerate().filter(|(_, e)| e.activity == ASSIGN) {
            let due = last_on_time(trigger.time);
            let verdict = match events[k + 1..].iter().find(|e| e.activity == awaited) {
                Some(e) if e.time <= due => 0,
                Some(_) => 1,
                None if due <= horizon => 1,
                None => 2,
            };
            counts[verdict] += 1;
        }
    }
    counts
}

/// The four rules over the events up to `horizon`, in policy order.
fn direct(all: &[Ev], horizon: i64) -> Counts {
    let log: Vec<Ev> = all.iter().filter(|e| e.time <= horizon).cloned().collect();
    let within_24_hours = obligation(&log, horizon, TAKE, |t| t + 24 * HOUR);
    // By the end of the fourteenth local day after the day of the trigger.
    let within_14_days = obligation(&log, horizon, RESOLVE, |t| rome_midnight(rome_date(t) + Days::new(15)) - 1);
    let mut takes: BTreeMap<&str, Vec<Option<&str>>> = BTreeMap::new();
    for e in log.iter().filter(|e| e.activity == TAKE) {
        takes.entry(&e.case).or_default().push(e.resource.as_deref());
    }
    let (mut advisors, mut hand_overs) = ([0; 3], [0; 3]);
    for resources in takes.values() {
        // An event without an advisor is not counted by `distinct`, and a
        // ticket without any is no instance of it.
        let distinct: BTreeSet<&str> = resources.iter().flatten().copied().collect();
        if !distinct.is_empty() {
            advisors[usize::from(distinct.len() > 1)] += 1;
        }
        hand_overs[usize::from(resources.len() > 3)] += 1;
    }
    RULES.iter().map(|r| r.to_string()).zip([within_24_hours, within_14_days, advisors, hand_overs]).collect()
}

// ------------------------------------------------------------ the engine

/// The engine's counts through the library, with the events read and those
/// after the horizon.
fn library(log: &Path, as_of: Option<i64>) -> (Counts, u64, u64) {
    let analysis = tenet::analyze(&[policy()]);
    assert!(!analysis.has_errors(), "{:?}", analysis.diagnostics);
    let program = tenet::eval::compile(&analysis);
    let read = ReadOptions { threads: 2, sort: true, ..ReadOptions::default() };
    let (summary, stats) = tenet::eval::run_log(&program, &[log.to_path_buf()], &read, as_of).unwrap();
    assert!(stats.bad_lines.is_empty());
    let counts = program.rules.iter().enumerate().map(|(i, r)| (r.name.clone(), summary.counts[i])).collect();
    (counts, stats.events, summary.after_horizon)
}

/// The counts of the binary's JSON report, with the events read and those
/// after the horizon.
fn binary(log: &Path, as_of: Option<&str>) -> (Counts, u64, u64) {
    let mut cmd = Command::cargo_bin("tenet").unwrap();
    cmd.timeout(Duration::from_secs(120)).arg("check").arg(policy()).arg("--events").arg(log);
    cmd.args(["--format", "json"]);
    if let Some(t) = as_of {
        cmd.args(["--as-of", t]);
    }
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(1), "violations found: {}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["bad_lines"], 0);
    let counts = report["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let n = |k: &str| r[k].as_u64().unwrap();
            (r["rule"].as_str().unwrap().to_string(), [n("satisfied"), n("violated"), n("pending")])
        })
        .collect();
    (counts, report["events"].as_u64().unwrap(), report["events_after_horizon"].as_u64().unwrap())
}

// ------------------------------------------------------------ tests

#[test]
fn rome_days_follow_the_eu_summer_time_rule() {
    let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().timestamp_micros();
    // 2012: summer time from 25 March to 28 October, 01:00 UTC.
    assert_eq!(rome_offset(at("2012-03-25T00:59:59Z")), 3_600);
    assert_eq!(rome_offset(at("2012-03-25T01:00:00Z")), 7_200);
    assert_eq!(rome_offset(at("2012-10-28T00:59:59Z")), 7_200);
    assert_eq!(rome_offset(at("2012-10-28T01:00:00Z")), 3_600);
    assert_eq!(rome_date(at("2012-10-18T23:30:00Z")), NaiveDate::from_ymd_opt(2012, 10, 19).unwrap());
    assert_eq!(rome_midnight(NaiveDate::from_ymd_opt(2012, 11, 3).unwrap()), at("2012-11-02T23:00:00Z"));
    assert_eq!(rome_midnight(NaiveDate::from_ymd_opt(2012, 10, 17).unwrap()), at("2012-10-16T22:00:00Z"));
    assert_eq!(INSIDE, at("2013-06-12T11:00:00+02:00"));
}

#[test]
fn helpdesk_counts_match_a_direct_evaluation() {
    let path = real_log();
    if !path.exists() {
        eprintln!("skipped: {} not found (set TENET_REAL_LOGS)", path.display());
        return;
    }
    let mut log = parse(&path);
    assert_eq!(log.len(), EVENTS);
    assert!(log.iter().all(|e| e.case.starts_with("Case ") && e.time != i64::MIN && !e.activity.is_empty()));
    // Stable: events of the same instant keep their document order.
    log.sort_by_key(|e| e.time);
    let end = log.last().unwrap().time;
    let triggers = |h: i64| log.iter().filter(|e| e.time <= h && e.activity == ASSIGN).count() as u64;
    let tickets_taken = |h: i64| {
        log.iter().filter(|e| e.time <= h && e.activity == TAKE).map(|e| &e.case).collect::<BTreeSet<_>>().len() as u64
    };

    // At the end of the log.
    let expected = direct(&log, end);
    assert_eq!(library(&path, None), (expected.clone(), EVENTS as u64, 0), "library");
    assert_eq!(binary(&path, None), (expected.clone(), EVENTS as u64, 0), "binary");
    let count = |c: &Counts, rule: &str| c.iter().find(|(r, _)| r == rule).unwrap().1;
    for rule in RULES {
        let [satisfied, violated, pending] = count(&expected, rule);
        let instances = satisfied + violated + pending;
        let want =
            if rule.starts_with("take") || rule.starts_with("resolve") { triggers(end) } else { tickets_taken(end) };
        assert_eq!(instances, want, "{rule}: one instance per trigger or per ticket");
        assert!(satisfied > 0 && violated > 0, "{rule}: {satisfied} satisfied, {violated} violated");
    }
    assert_eq!(triggers(end), 4_938);
    assert_eq!(tickets_taken(end), 4_285);
    // Pinned: the log does not change, so neither may these.
    let pinned = [[2_633, 2_305, 0], [3_229, 1_709, 0], [3_993, 292, 0], [4_262, 23, 0]];
    assert_eq!(expected.iter().map(|(_, c)| *c).collect::<Vec<_>>(), pinned);

    // Inside the log: later events are not judged, and some tickets wait.
    let inside = direct(&log, INSIDE);
    let after = log.iter().filter(|e| e.time > INSIDE).count() as u64;
    assert!(after > 0 && after < EVENTS as u64);
    assert_eq!(library(&path, Some(INSIDE)), (inside.clone(), EVENTS as u64, after), "library, inside");
    assert_eq!(
        binary(&path, Some("2013-06-12T11:00:00+02:00")),
        (inside.clone(), EVENTS as u64, after),
        "binary, inside"
    );
    let pinned = [[2_528, 2_122, 5], [3_214, 1_417, 24], [3_738, 273, 0], [3_988, 23, 0]];
    assert_eq!(inside.iter().map(|(_, c)| *c).collect::<Vec<_>>(), pinned);
    for rule in ["take_in_charge_within_24_hours", "resolve_within_14_days"] {
        let [satisfied, violated, pending] = count(&inside, rule);
        assert_eq!(satisfied + violated + pending, triggers(INSIDE), "{rule}");
        assert!(pending > 0, "{rule}: some tickets are still open at the horizon");
    }
}
