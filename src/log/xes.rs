//! XES (IEEE 1849) logs, the process-mining standard, so public real-world
//! logs can be checked.
//!
//! A trace is a case: its `concept:name` becomes attribute `case` of each of
//! its events and its other attributes are inherited unless the event has
//! its own. An event's `concept:name` is its type and `time:timestamp` its
//! time. XES is ordered per trace, not globally, so the whole file is read
//! and the events stably sorted by time (ties keep document order).
//! Attributes inside `<global>`, nested attributes and lists are skipped.

use super::convert::parse_dec;
use super::convert::Raw;
use super::event::{Event, Loc};
use super::failure::{quote, BadLine, LineError, LogFailure};
use super::plan::{Pending, Plan};
use super::seen::Met;
use super::time_parse::parse_rfc3339;
use memchr::{memchr, memchr_iter, memrchr};
use quick_xml::events::{BytesStart, Event as Xml};
use quick_xml::{Reader, XmlVersion};
use smallvec::SmallVec;
use std::borrow::Cow;
use std::path::Path;

/// Where the parser is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Elem {
    Log,
    Trace,
    Event,
    /// An element whose content is skipped (nested attributes, globals).
    Other,
}

/// An attribute kept from a trace or an event: key id and value (or why
/// the value is bad).
type Kept = (u32, Result<Raw<'static>, String>);

/// An event read but not yet finished (its trace may add attributes).
struct Open {
    line: u64,
    pos: usize,
    name: Option<Result<String, String>>,
    time: Option<Result<i64, String>>,
    attrs: Vec<Kept>,
}

/// Where finished events and bad events go.
struct Out<'s, 'p> {
    file: u32,
    path: &'s Path,
    plan: &'s Plan<'p>,
    events: Vec<Event>,
    bad: &'s mut dyn FnMut(BadLine) -> Result<(), LogFailure>,
    /// The event types met.
    met: Met,
}

/// Reads a whole XES document; bad events go to `bad`, which decides
/// whether reading goes on. Returns the events sorted by time.
pub(crate) fn read(
    bytes: &[u8],
    file: u32,
    path: &Path,
    plan: &Plan<'_>,
    bad: &mut dyn FnMut(BadLine) -> Result<(), LogFailure>,
) -> Result<Vec<Event>, LogFailure> {
    let mut reader = Reader::from_reader(bytes);
    let mut lines = Lines { bytes, pos: 0, line: 1 };
    let mut out = Out { file, path, plan, events: Vec::new(), bad, met: Met::default() };
    let mut stack: Vec<Elem> = Vec::new();
    let mut trace: Vec<Open> = Vec::new();
    let mut trace_attrs: Vec<Kept> = Vec::new();
    let mut open: Option<Open> = None;
    let mut saw_log = false;
    let case = plan.key(b"case");
    loop {
        let before = reader.buffer_position() as usize;
        let ev = reader.read_event().map_err(|e| {
            let at = reader.error_position() as usize;
            let line = lines.at(at);
            LogFailure::Bad(LineError::line(format!("invalid XES: {e}")).into_bad(path, line, lines.text(at)))
        })?;
        match ev {
            Xml::Start(e) => {
                let parent = stack.last().copied();
                let elem = match (parent, e.local_name().as_ref()) {
                    (None, b"log") => {
                        saw_log = true;
                        Elem::Log
                    }
                    (Some(Elem::Log), b"trace") => Elem::Trace,
                    (Some(Elem::Log | Elem::Trace), b"event") => {
                        open =
                            Some(Open { line: lines.at(before), pos: before, name: None, time: None, attrs: vec![] });
                        Elem::Event
                    }
                    _ => {
                        attribute(&e, parent, plan, open.as_mut(), &mut trace_attrs);
                        Elem::Other
                    }
                };
                stack.push(elem);
            }
            Xml::Empty(e) => {
                let parent = stack.last().copied();
                if e.local_name().as_ref() == b"event" && matches!(parent, Some(Elem::Log | Elem::Trace)) {
                    let o = Open { line: lines.at(before), pos: before, name: None, time: None, attrs: vec![] };
                    if parent == Some(Elem::Trace) {
                        trace.push(o);
                    } else {
                        out.finish(o, &lines)?;
                    }
                } else if parent.is_none() && e.local_name().as_ref() == b"log" {
                    saw_log = true;
                } else {
                    attribute(&e, parent, plan, open.as_mut(), &mut trace_attrs);
                }
            }
            Xml::End(_) => match stack.pop() {
                Some(Elem::Event) => {
                    if let Some(o) = open.take() {
                        if stack.last() == Some(&Elem::Trace) {
                            trace.push(o);
                        } else {
                            out.finish(o, &lines)?;
                        }
                    }
                }
                Some(Elem::Trace) => {
                    for o in trace.drain(..) {
                        out.finish(inherit(o, &trace_attrs, case), &lines)?;
                    }
                    trace_attrs.clear();
                }
                _ => {}
            },
            Xml::Eof => break,
            _ => {}
        }
    }
    if !saw_log {
        let reason = "expected an XES document whose root element is `<log>`";
        return Err(LogFailure::Bad(LineError::line(reason).into_bad(path, 1, lines.text(0))));
    }
    // A document cut short: what was open is lost, and said so.
    if let Some(innermost) = stack.iter().rev().find(|e| matches!(e, Elem::Event | Elem::Trace | Elem::Log)) {
        let what = match innermost {
            Elem::Event => "an `<event>`",
            Elem::Trace => "a `<trace>`",
            _ => "the `<log>`",
        };
        let lost = trace.len() + usize::from(open.is_some());
        let reason =
            format!("truncated XES: {what} is not closed at the end of the file ({lost} event(s) in it not read)");
        let (line, at) = open.as_ref().map_or_else(|| (lines.at(bytes.len()), bytes.len()), |o| (o.line, o.pos));
        (out.bad)(LineError::line(reason).into_bad(path, line, lines.text(at)))?;
    }
    plan.absorb(out.met);
    let mut events = out.events;
    events.sort_by_key(|e| e.time);
    Ok(events)
}

/// Records an attribute element for the trace or event being read.
fn attribute(
    e: &BytesStart<'_>,
    parent: Option<Elem>,
    plan: &Plan<'_>,
    open: Option<&mut Open>,
    trace_attrs: &mut Vec<Kept>,
) {
    if !matches!(parent, Some(Elem::Trace | Elem::Event)) {
        return;
    }
    let (mut key, mut value) = (None, None);
    for a in e.attributes().flatten() {
        let v =
            a.normalized_value(XmlVersion::Implicit1_0).map(Cow::into_owned).map_err(|e| format!("invalid value: {e}"));
        match a.key.as_ref() {
            b"key" => key = v.ok(),
            b"value" => value = Some(v),
            _ => {}
        }
    }
    let (Some(key), Some(value)) = (key, value) else { return };
    let kind = e.local_name();
    let raw = |value: Result<String, String>| -> Result<Raw<'static>, String> {
        let value = value?;
        match kind.as_ref() {
            b"int" if value.parse::<i64>().is_ok() => Ok(Raw::Num(Cow::Owned(value), true)),
            b"int" => Err(format!("expected an integer, found {}", quote(&value))),
            b"float" if parse_dec(&value).is_some() => Ok(Raw::Num(Cow::Owned(value), false)),
            b"float" => Err(format!("expected a number, found {}", quote(&value))),
            b"boolean" => match &*value {
                "true" | "1" => Ok(Raw::Bool(true)),
                "false" | "0" => Ok(Raw::Bool(false)),
                _ => Err(format!("expected `true` or `false`, found {}", quote(&value))),
            },
            b"date" => parse_rfc3339(value.as_bytes()).map(Raw::Time).ok_or_else(|| not_time(&value)),
            _ => Ok(Raw::Str(Cow::Owned(value))),
        }
    };
    match (parent, &*key, open) {
        (Some(Elem::Event), "concept:name", Some(o)) => o.name = Some(value),
        (Some(Elem::Event), "time:timestamp", Some(o)) => {
            o.time = Some(value.and_then(|v| parse_rfc3339(v.as_bytes()).ok_or_else(|| not_time(&v))));
        }
        (Some(Elem::Event), k, Some(o)) => {
            if let Some(kid) = plan.key(k.as_bytes()) {
                o.attrs.push((kid, raw(value)));
            }
        }
        (Some(Elem::Trace), "concept:name", _) => trace_attrs.push((u32::MAX, value.map(|v| Raw::Str(Cow::Owned(v))))),
        (Some(Elem::Trace), k, _) => {
            if let Some(kid) = plan.key(k.as_bytes()) {
                trace_attrs.push((kid, raw(value)));
            }
        }
        _ => {}
    }
}

fn not_time(value: &str) -> String {
    format!("{} is not an RFC 3339 time with an offset", quote(value))
}

/// Adds the trace's attributes an event does not have; the trace's
/// `concept:name` (key `u32::MAX` here) becomes `case`.
fn inherit(mut o: Open, trace_attrs: &[Kept], case: Option<u32>) -> Open {
    for (kid, raw) in trace_attrs {
        if *kid == u32::MAX {
            if let Some(case) = case {
                o.attrs.retain(|(k, _)| *k != case);
                o.attrs.push((case, raw.clone()));
            }
        } else if !o.attrs.iter().any(|(k, _)| k == kid) {
            o.attrs.push((*kid, raw.clone()));
        }
    }
    o
}

impl Out<'_, '_> {
    /// Builds the event, or reports it as bad.
    fn finish(&mut self, o: Open, lines: &Lines<'_>) -> Result<(), LogFailure> {
        let text = lines.text(o.pos);
        let (path, line) = (self.path, o.line);
        let fail = |e: LineError| e.into_bad(path, line, text);
        let time = match o.time {
            Some(Ok(t)) => t,
            Some(Err(reason)) => return (self.bad)(fail(LineError::line(reason).field("time:timestamp"))),
            None => {
                let e = LineError::line("event without `time:timestamp`").field("time:timestamp");
                return (self.bad)(fail(e));
            }
        };
        let name = match o.name {
            Some(Ok(name)) => name,
            Some(Err(reason)) => return (self.bad)(fail(LineError::line(reason).field("concept:name"))),
            None => {
                let e = LineError::line("event without `concept:name`").field("concept:name");
                return (self.bad)(fail(e));
            }
        };
        let mut pending: SmallVec<[Pending<'_>; 8]> = SmallVec::new();
        for (kid, raw) in o.attrs {
            match raw {
                Ok(raw) => pending.push(Pending { kid, raw, at: 0 }),
                Err(reason) => return (self.bad)(fail(LineError::line(reason).field(self.plan.key_name(kid)))),
            }
        }
        let loc = Loc { file: self.file, line };
        match self.plan.finish(
            time,
            self.plan.type_info_noting(name.as_bytes(), &mut self.met),
            &mut pending,
            loc,
            &mut self.events,
        ) {
            Ok(()) => Ok(()),
            Err(mut e) => {
                e.at = None;
                (self.bad)(fail(e))
            }
        }
    }
}

/// Line numbers of byte positions, counted forward as the parser goes.
struct Lines<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: u64,
}

impl<'a> Lines<'a> {
    /// The 1-based line of byte `at` (positions must not go backwards).
    fn at(&mut self, at: usize) -> u64 {
        let at = at.min(self.bytes.len());
        if at > self.pos {
            self.line += memchr_iter(b'\n', &self.bytes[self.pos..at]).count() as u64;
            self.pos = at;
        }
        self.line
    }

    /// The text of the line holding byte `at`, from its first non-blank.
    fn text(&self, at: usize) -> &'a [u8] {
        let at = at.min(self.bytes.len());
        let start = memrchr(b'\n', &self.bytes[..at]).map_or(0, |k| k + 1);
        let end = memchr(b'\n', &self.bytes[at..]).map_or(self.bytes.len(), |k| at + k);
        let line = &self.bytes[start..end];
        let blank = line.iter().take_while(|b| b.is_ascii_whitespace()).count();
        &line[blank..]
    }
}

#[cfg(test)]
mod tests {
    use super::Lines;

    #[test]
    fn line_text_skips_indentation() {
        let lines = Lines { bytes: b"<log>\n  <event>\n</log>", pos: 0, line: 1 };
        assert_eq!(lines.text(8), b"<event>");
    }
}
