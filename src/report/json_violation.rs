//! One violation of the JSON report, written straight as the text
//! `serde_json`'s pretty printer gives for it (members in alphabetical
//! order, two spaces per level), without going through its formatter: the
//! report of a long log holds hundreds of thousands of violations, and
//! serde's many small writes were most of the time spent writing them.
//! Strings and numbers still go through `serde_json`, so their text is its
//! own; a test compares the two texts. The same writer gives the one-line
//! form of JSON Lines ([`Layout::OneLine`]), as `serde_json`'s compact
//! printer would.

use super::{lateness_seconds, local_time, Context};
use crate::eval::{EventRef, Instance};
use crate::value::Val;
use std::collections::BTreeMap;

/// How a violation is laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Layout {
    /// Indented as the pretty printer does, the opening brace already at
    /// this many spaces (an item of the JSON report).
    Indented(usize),
    /// On one line, without spaces (a line of JSON Lines).
    OneLine,
}

impl Layout {
    /// The layout of a value one level deeper.
    fn nested(self) -> Layout {
        match self {
            Layout::Indented(n) => Layout::Indented(n + 2),
            Layout::OneLine => Layout::OneLine,
        }
    }
}

/// Appends violation `v` to `o` laid out as `layout` says; `files` are the
/// log files' names as shown.
pub(super) fn write(o: &mut Vec<u8>, layout: Layout, ctx: Context, files: &[String], v: &Instance) {
    let tz = ctx.tz(v.rule);
    let rule = ctx.program.rules.get(v.rule);
    let place = |o: &mut Vec<u8>, e: &Option<EventRef>| match e {
        None => o.extend_from_slice(b"null"),
        Some(e) => {
            let mut p = Object::open(o, layout.nested());
            string(p.member("file"), files.get(e.file as usize).map_or("?", String::as_str));
            // A row of a Parquet or Arrow file is a row, not a line.
            if e.loc().is_row() {
                number(p.member("row"), e.loc().number());
            } else {
                number(p.member("line"), e.line);
            }
            string(p.member("time"), &local_time(e.time, tz));
            p.close();
        }
    };
    let mut m = Object::open(o, layout);
    optional(m.member("cites"), rule.and_then(|x| x.cites.as_deref()), string);
    optional(m.member("customer"), v.customer.as_ref(), value);
    let deadline = v.deadline.as_ref().map(|d| local_time(d.last_on_time, tz));
    optional(m.member("deadline"), deadline.as_deref(), string);
    place(m.member("evidence"), &v.evidence);
    optional(m.member("jurisdiction"), ctx.jurisdiction(v.rule), string);
    // Sorted, and a name given twice shown once with its last value, as a
    // map prints.
    let key: BTreeMap<&str, &Val> = v.key.iter().map(|(k, val)| (k.as_str(), val)).collect();
    let mut k = Object::open(m.member("key"), layout.nested());
    for (name, val) in key {
        value(k.member(name), val);
    }
    k.close();
    optional(m.member("lateness_seconds"), v.lateness.map(lateness_seconds), number);
    string(m.member("note"), &v.note);
    match &v.remedy {
        None => m.member("remedy").extend_from_slice(b"null"),
        Some((amount, currency)) => {
            let mut r = Object::open(m.member("remedy"), layout.nested());
            string(r.member("amount"), &amount.to_string());
            string(r.member("currency"), currency);
            r.close();
        }
    }
    optional(m.member("rule"), rule.map(|x| x.name.as_str()), string);
    place(m.member("trigger"), &v.trigger);
    m.close();
}

/// An object being written, its opening brace placed as `layout` says.
struct Object<'o> {
    o: &'o mut Vec<u8>,
    layout: Layout,
    empty: bool,
}

impl<'o> Object<'o> {
    fn open(o: &'o mut Vec<u8>, layout: Layout) -> Self {
        o.push(b'{');
        Object { o, layout, empty: true }
    }

    /// Starts member `name` (plain ASCII); its value is written to what
    /// this returns.
    fn member(&mut self, name: &str) -> &mut Vec<u8> {
        if !self.empty {
            self.o.push(b',');
        }
        self.empty = false;
        if let Layout::Indented(indent) = self.layout {
            self.o.push(b'\n');
            pad(self.o, indent + 2);
        }
        string(self.o, name);
        self.o.extend_from_slice(if self.layout == Layout::OneLine { b":" } else { b": " });
        self.o
    }

    fn close(self) {
        if let (Layout::Indented(indent), false) = (self.layout, self.empty) {
            self.o.push(b'\n');
            pad(self.o, indent);
        }
        self.o.push(b'}');
    }
}

fn pad(o: &mut Vec<u8>, n: usize) {
    o.resize(o.len() + n, b' ');
}

fn string(o: &mut Vec<u8>, s: &str) {
    // Writing to a vector cannot fail.
    let _ = serde_json::to_writer(o, s);
}

fn number<N: serde::Serialize>(o: &mut Vec<u8>, n: N) {
    let _ = serde_json::to_writer(o, &n);
}

fn optional<T>(o: &mut Vec<u8>, x: Option<T>, write: impl Fn(&mut Vec<u8>, T)) {
    match x {
        Some(x) => write(o, x),
        None => o.extend_from_slice(b"null"),
    }
}

/// An attribute value: text, integer and truth values as such, anything
/// else as its text.
fn value(o: &mut Vec<u8>, v: &Val) {
    match v {
        Val::Null => o.extend_from_slice(b"null"),
        Val::Str(t) => string(o, t),
        Val::Int(i) => number(o, i),
        Val::Bool(b) => o.extend_from_slice(if *b { b"true" } else { b"false" }),
        other => string(o, &other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::Loc;
    use crate::syntax::ast::Verdict;
    use crate::time::{Due, DueKind};
    use rust_decimal::Decimal;
    use serde::ser::{Serialize, Serializer};

    /// The text written straight is the pretty printer's for the same
    /// violation, nested as in the report, and the compact printer's on one
    /// line, whatever its fields hold.
    #[test]
    fn violations_print_as_the_pretty_printer_prints_them() {
        let program = crate::eval::program_of(
            "jurisdiction X \"X\"\n  timezone \"Europe/Paris\"\nevent a { case: id }\nevent b { case: id }\n\
             rule r \"R\" cites \"Art. 1 \\\"quoted\\\"\" { when a as x require b where case == x.case within 1 hour }\n",
        );
        let logs = [std::path::PathBuf::from("logs/a b.jsonl")];
        let ctx = Context { program: &program, logs: &logs };
        let files: Vec<String> = logs.iter().map(|p| crate::span::display_path(p)).collect();
        let at = |line, time| EventRef::new(Loc { file: 0, line }, time, 0);
        let full = Instance {
            rule: 0,
            verdict: Verdict::Violated,
            key: vec![
                ("case".into(), Val::Str("C-1 \"é\"\n\u{1}".into())),
                ("amount".into(), Val::Int(-42)),
                ("case".into(), Val::Bool(true)),
                ("x".into(), Val::Dec(Decimal::new(1050, 2))),
                ("y".into(), Val::Null),
            ],
            attrs: vec![],
            trigger: Some(at(3, 1_774_634_400_000_000)),
            deadline: Some(Due { last_on_time: 1_774_638_000_000_001, kind: DueKind::Exact, rolled_from: None }),
            evidence: Some(at(u64::MAX, -5)),
            lateness: Some(1),
            remedy: Some((Decimal::new(1234, 2), "EUR".into())),
            remedy_error: None,
            customer: Some(Val::Str("K-1".into())),
            note: "met late; \t\\ tab".into(),
            measured: None,
        };
        let bare = Instance {
            rule: 7,
            key: vec![],
            trigger: None,
            deadline: None,
            evidence: None,
            lateness: None,
            remedy: None,
            customer: None,
            note: "".into(),
            ..full.clone()
        };
        let other_file = Instance { trigger: Some(EventRef::new(Loc { file: 9, line: 1 }, 0, 0)), ..bare.clone() };
        for v in [&full, &bare, &other_file] {
            for indent in [0, 4, 37] {
                let want = super::super::stream::pretty_at(&Violation { ctx, files: &files, v }, indent).unwrap();
                let mut got = vec![];
                write(&mut got, Layout::Indented(indent), ctx, &files, v);
                assert_eq!(String::from_utf8(got).unwrap(), String::from_utf8(want).unwrap());
            }
            let want = serde_json::to_string(&Violation { ctx, files: &files, v }).unwrap();
            let mut got = vec![];
            write(&mut got, Layout::OneLine, ctx, &files, v);
            assert_eq!(String::from_utf8(got).unwrap(), want, "one line");
        }
    }

    // The report's violation as serde writes it: the reference.
    /// One violation.
    struct Violation<'r, 'a> {
        ctx: Context<'a>,
        files: &'r [String],
        v: &'r Instance,
    }

    #[derive(serde::Serialize)]
    struct ViolationFields<'a> {
        cites: Option<&'a str>,
        customer: Option<Value<'a>>,
        deadline: Option<String>,
        evidence: Option<Place<'a>>,
        jurisdiction: Option<&'a str>,
        key: std::collections::BTreeMap<&'a str, Value<'a>>,
        lateness_seconds: Option<i64>,
        note: &'a str,
        remedy: Option<Remedy<'a>>,
        rule: Option<&'a str>,
        trigger: Option<Place<'a>>,
    }

    #[derive(serde::Serialize)]
    struct Remedy<'a> {
        amount: String,
        currency: &'a str,
    }

    #[derive(serde::Serialize)]
    struct Place<'a> {
        file: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        line: Option<u64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        row: Option<u64>,
        time: String,
    }

    impl Serialize for Violation<'_, '_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let (ctx, v, files) = (self.ctx, self.v, self.files);
            let tz = ctx.tz(v.rule);
            let rule = ctx.program.rules.get(v.rule);
            // Keys print sorted, as every object of the report.
            let key = v.key.iter().map(|(k, val)| (k.as_str(), Value(val))).collect();
            ViolationFields {
                cites: rule.and_then(|x| x.cites.as_deref()),
                customer: v.customer.as_ref().map(Value),
                deadline: v.deadline.as_ref().map(|d| local_time(d.last_on_time, tz)),
                evidence: v.evidence.as_ref().map(|e| place(files, e, tz)),
                jurisdiction: ctx.jurisdiction(v.rule),
                key,
                lateness_seconds: v.lateness.map(lateness_seconds),
                note: &v.note,
                remedy: v.remedy.as_ref().map(|(a, c)| Remedy { amount: a.to_string(), currency: c }),
                rule: rule.map(|x| x.name.as_str()),
                trigger: v.trigger.as_ref().map(|e| place(files, e, tz)),
            }
            .serialize(s)
        }
    }

    fn place<'a>(files: &'a [String], e: &EventRef, tz: chrono_tz::Tz) -> Place<'a> {
        let file = files.get(e.file as usize).map_or("?", String::as_str);
        let (line, row) = if e.loc().is_row() { (None, Some(e.loc().number())) } else { (Some(e.line), None) };
        Place { file, line, row, time: local_time(e.time, tz) }
    }

    /// An attribute value as JSON: text, integer and truth values as such,
    /// anything else as its text.
    struct Value<'a>(&'a Val);

    impl Serialize for Value<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            match self.0 {
                Val::Null => s.serialize_none(),
                Val::Str(t) => s.serialize_str(t),
                Val::Int(i) => s.serialize_i64(*i),
                Val::Bool(b) => s.serialize_bool(*b),
                other => s.serialize_str(&other.to_string()),
            }
        }
    }
}
