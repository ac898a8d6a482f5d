//! CSV and XES logs read whole: quoting, records over several lines,
//! inference and schemas, headers; traces as cases, inheritance, order.

use super::*;

#[test]
fn csv_quotes_empty_cells_and_physical_lines() {
    let p = proj();
    let (events, _) = files(&[fixture("basic.csv")], &opts()).unwrap();
    assert_eq!(events.iter().map(|e| e.loc.line).collect::<Vec<_>>(), [2, 4, 5]);
    assert_eq!(attr(&p, &events[0], "note"), &s("said \"hello\", then\r\nhung up"));
    assert_eq!(attr(&p, &events[0], "amount"), &Val::Null, "an empty cell is absent");
    assert_eq!(events[1].kind, OTHER);
    assert_eq!(attr(&p, &events[2], "amount"), &Val::Dec(Decimal::new(1250, 2)));
    assert_eq!(attr(&p, &events[2], "case"), &s("C-1"));
}

#[test]
fn csv_infers_or_follows_the_schema() {
    let text = "type,time,n,case,urgent\ncomplaint_received,2026-03-02T09:15:00Z,007,42,true\n";
    let p = proj();
    let (events, _) = read_with(&p, Format::Csv, text.as_bytes(), &opts()).unwrap();
    assert_eq!(attr(&p, &events[0], "n"), &Val::Int(7));
    assert_eq!(attr(&p, &events[0], "case"), &Val::Int(42));
    assert_eq!(attr(&p, &events[0], "urgent"), &Val::Bool(true));
    let mut p = proj();
    p.schema.insert(("complaint_received".into(), "case".into()), FieldKind::Id);
    p.schema.insert(("complaint_received".into(), "n".into()), FieldKind::Text);
    let (events, _) = read_with(&p, Format::Csv, text.as_bytes(), &opts()).unwrap();
    assert_eq!(attr(&p, &events[0], "case"), &s("42"));
    assert_eq!(attr(&p, &events[0], "n"), &s("007"));
    p.schema.insert(("complaint_received".into(), "urgent".into()), FieldKind::Int);
    let Err(LogFailure::Bad(b)) = read_with(&p, Format::Csv, text.as_bytes(), &opts()) else { panic!() };
    assert_eq!((b.line, b.column, b.field.as_deref()), (2, Some(48), Some("urgent")));
}

#[test]
fn csv_bad_lines() {
    let head = "time,type,case\n";
    let cases = [
        ("2026-03-02T09:15:00Z,x\n", 2, None, "expected 3 cells as in the header, found 2"),
        ("2026-03-02T09:15:00Z,x,a\"b\n", 2, Some(25), "quote inside an unquoted cell"),
        ("2026-03-02T09:15:00Z,x,\"a\"b\n", 2, Some(27), "after the closing quote"),
        ("2026-03-02T09:15:00Z,x,\"ab\nc\n", 2, Some(24), "unterminated quoted cell"),
        ("yesterday,x,a\n", 2, Some(1), "not an RFC 3339 time"),
        (",x,a\n", 2, None, "missing `time`"),
        ("2026-03-02T09:15:00Z,,a\n", 2, None, "missing `type`"),
    ];
    for (body, line, column, reason) in cases {
        let text = format!("{head}{body}");
        let Err(LogFailure::Bad(b)) = read_with(&proj(), Format::Csv, text.as_bytes(), &opts()) else {
            panic!("{body}")
        };
        assert_eq!((b.line, b.column), (line, column), "{body}: {b:?}");
        assert!(b.reason.contains(reason), "{body}: {}", b.reason);
    }
}

#[test]
fn csv_header_must_name_time_and_type() {
    for text in ["time,kind\n", "", "time,type,time\n"] {
        let Err(LogFailure::Bad(b)) = read_with(&proj(), Format::Csv, text.as_bytes(), &keep_going()) else {
            panic!("{text:?}")
        };
        assert_eq!(b.line, 1, "{text:?}");
    }
    let (events, _) = read_with(&proj(), Format::Csv, b"\xEF\xBB\xBFtime,type\n", &opts()).unwrap();
    assert!(events.is_empty(), "a byte order mark is skipped; a header alone is an empty log");
}

#[test]
fn xes_traces_become_cases_and_events_are_sorted() {
    let p = proj();
    let (events, stats) = files(&[fixture("basic.xes")], &opts()).unwrap();
    let got: Vec<(u64, Val)> = events.iter().map(|e| (e.loc.line, attr(&p, e, "case").clone())).collect();
    assert_eq!(got, [(11, s("C-2")), (27, s("C-1")), (16, s("C-2"))], "ties keep document order");
    assert_eq!(stats.events, 3);
    assert_eq!(attr(&p, &events[0], "channel"), &s("email"), "inherited from the trace");
    assert_eq!(attr(&p, &events[2], "channel"), &s("phone"), "the event's own value wins");
    assert_eq!(attr(&p, &events[0], "n"), &Val::Int(7));
    assert_eq!(attr(&p, &events[2], "amount"), &Val::Dec(Decimal::new(125, 1)));
    assert_eq!(attr(&p, &events[1], "urgent"), &Val::Bool(true));
    assert_eq!(events[2].time, T0 + 45 * 60_000_000);
}

#[test]
fn xes_bad_events_name_the_event_line() {
    let text = r#"<log>
<trace><string key="concept:name" value="C-1"/>
  <event>
    <string key="concept:name" value="complaint_received"/>
  </event>
  <event>
    <date key="time:timestamp" value="2026-03-02T09:15:00Z"/>
  </event>
  <event><string key="concept:name" value="a"/><date key="time:timestamp" value="2026-03-02"/></event>
  <event><string key="concept:name" value="a"/><date key="time:timestamp" value="2026-03-02T09:15:00Z"/></event>
</trace></log>"#;
    let (events, stats) = read_with(&proj(), Format::Xes, text.as_bytes(), &keep_going()).unwrap();
    assert_eq!(events.len(), 1);
    let got: Vec<(u64, Option<&str>)> = stats.bad_lines.iter().map(|b| (b.line, b.field.as_deref())).collect();
    assert_eq!(got, [(3, Some("time:timestamp")), (6, Some("concept:name")), (9, Some("time:timestamp"))]);
    assert_eq!(stats.bad_lines[0].text, "<event>");
    let Err(LogFailure::Bad(b)) = read_with(&proj(), Format::Xes, b"<log><trace></log>", &opts()) else { panic!() };
    assert!(b.reason.contains("invalid XES"), "{}", b.reason);
    let Err(LogFailure::Bad(b)) = read_with(&proj(), Format::Xes, b"<html/>", &opts()) else { panic!() };
    assert!(b.reason.contains("`<log>`"), "{}", b.reason);
}

#[test]
fn xes_with_a_byte_order_mark_and_bad_bytes() {
    let p = proj();
    let event = |name: &str| {
        format!(
            r#"<event><string key="concept:name" value="{name}"/><date key="time:timestamp" value="2026-03-02T09:15:00Z"/></event>"#
        )
    };
    let text = format!("\u{feff}<?xml version=\"1.0\"?><log><trace>{}</trace></log>", event("complaint_received"));
    let (events, _) = read_with(&p, Format::Xes, text.as_bytes(), &opts()).unwrap();
    assert_eq!(events.len(), 1);
    let mut bytes = format!(r#"<log><trace><string key="concept:name" value="C"/>{}"#, event("a")).into_bytes();
    bytes.extend_from_slice(
        b"<event><date key=\"time:timestamp\" value=\"2026-03-02T09:15:00Z\"/>\
          <string key=\"concept:name\" value=\"r\xe9sum\xe9\"/></event></trace></log>",
    );
    let (events, stats) = read_with(&p, Format::Xes, &bytes, &keep_going()).unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(stats.bad_lines.len(), 1);
    assert_eq!(stats.bad_lines[0].field.as_deref(), Some("concept:name"));
}

#[test]
fn a_truncated_xes_file_is_a_bad_line_not_a_silent_loss() {
    let closed = r#"<log>
<trace><string key="concept:name" value="C-1"/>
  <event><string key="concept:name" value="a"/><date key="time:timestamp" value="2026-03-02T09:15:00Z"/></event>
</trace>
<trace><string key="concept:name" value="C-2"/>
  <event><string key="concept:name" value="a"/><date key="time:timestamp" value="2026-03-02T10:15:00Z"/></event>"#;
    for text in [closed.to_string(), format!("{closed}\n  <event><string key=\"concept:name\" value=\"b\"/>")] {
        let Err(LogFailure::Bad(b)) = read_with(&proj(), Format::Xes, text.as_bytes(), &opts()) else {
            panic!("a truncated document was accepted: {text}")
        };
        assert!(b.reason.contains("truncated XES"), "{}", b.reason);
        let (events, stats) = read_with(&proj(), Format::Xes, text.as_bytes(), &keep_going()).unwrap();
        assert_eq!(events.len(), 1, "the closed trace is read");
        assert_eq!(stats.bad_lines.len(), 1);
    }
}

#[test]
fn every_format_records_the_types_it_holds() {
    let p = proj();
    let named = p.types.get("complaint_received").copied().unwrap_or(OTHER);
    let logs: [(Format, &str); 3] = [
        (
            Format::Jsonl,
            "{\"time\":\"2026-03-02T09:00:00Z\",\"type\":\"complaint_received\"}\n\
             {\"time\":\"2026-03-02T09:01:00Z\",\"type\":\"Payment\"}\n\
             {\"time\":\"2026-03-02T09:02:00Z\",\"type\":\"Appeal\\u0021\"}\n",
        ),
        (Format::Csv, "time,type\n2026-03-02T09:00:00Z,complaint_received\n2026-03-02T09:01:00Z,Payment\n2026-03-02T09:02:00Z,Appeal!\n"),
        (
            Format::Xes,
            r#"<log><trace><event><string key="concept:name" value="complaint_received"/><date key="time:timestamp" value="2026-03-02T09:00:00Z"/></event><event><string key="concept:name" value="Payment"/><date key="time:timestamp" value="2026-03-02T09:01:00Z"/></event><event><string key="concept:name" value="Appeal!"/><date key="time:timestamp" value="2026-03-02T09:02:00Z"/></event></trace></log>"#,
        ),
    ];
    for (format, text) in logs {
        let (_, stats) = read_with(&p, format, text.as_bytes(), &opts()).unwrap();
        assert!(stats.types_seen.contains(named), "{format:?}");
        assert_eq!(stats.other_types, ["Appeal!", "Payment"], "{format:?}");
        assert!(!stats.other_types_truncated);
    }
}
