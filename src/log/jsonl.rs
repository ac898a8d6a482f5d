//! JSON Lines: one flat object per line, parsed by hand.
//!
//! This is the primary log format and the reader's hot loop, so it parses
//! bytes directly ([`super::json_scan`]): keys already seen are recognised
//! from memory ([`super::memo`]), others by fingerprint; strings without
//! escapes are borrowed from the line; values of keys the policy neither
//! uses nor declares are validated and dropped; nothing is allocated per
//! line unless a kept string is longer than an inline string or has
//! escapes. A block is checked as UTF-8 once, each line is parsed from its
//! start to wherever it ends (no separate scan for the line break), and a
//! line that fails is cut and parsed again alone to say exactly why.

use super::convert::{found, typed, untyped, Raw};
use super::event::{Event, Loc, OTHER};
use super::failure::{quote, LineError};
use super::json_scan::{decode, fingerprint, Cursor, Fail, JVal, Print, Syntax};
use super::memo::{Memo, Role};
use super::plan::Plan;
use super::time_parse::{parse_rfc3339, parse_with};
use crate::value::Val;
use compact_str::CompactString;
use memchr::memchr;
use smallvec::SmallVec;
use std::borrow::Cow;

/// A key of the line: where it is, and its fingerprint.
struct Key {
    /// Byte offset of its opening quote.
    at: usize,
    /// Byte offset of its closing quote.
    end: usize,
    escaped: bool,
    print: Print,
}

impl Key {
    /// The key's name (decoded if it has escapes).
    fn name<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let raw = text.get(self.at + 1..self.end).unwrap_or("");
        if self.escaped {
            Cow::Owned(decode(raw))
        } else {
            Cow::Borrowed(raw)
        }
    }
}

/// Reads a key at its opening quote: where it is and what it is.
fn read_key(p: &mut Cursor<'_>, text: &str, plan: &Plan<'_>) -> Result<(Key, Role), LineError> {
    let at = p.i;
    let (end, escaped) = p.string().map_err(|f| syntax(f, text, None))?;
    let decoded = if escaped { Some(decode(text.get(at + 1..end).unwrap_or(""))) } else { None };
    let name = decoded.as_deref().unwrap_or(text.get(at + 1..end).unwrap_or("")).as_bytes();
    let print = fingerprint(name);
    let role = match name {
        b"time" => Role::Time,
        b"type" => Role::Type,
        _ => plan.key_by_print(name, print).map_or(Role::Skip, Role::Attr),
    };
    Ok((Key { at, end, escaped, print }, role))
}

/// Parses the line at the start of `text` and pushes its event to `out`
/// (a blank line gives none); returns where the line ends (its line break,
/// or the end of `text`).
///
/// `text` may go on past the line, so that the line's end is found while
/// parsing instead of by a scan beforehand. Then a failure may be described
/// imprecisely (a string cut by the line break is "a control character");
/// the caller parses the line again alone to describe it.
pub(crate) fn parse_line(
    text: &str,
    plan: &Plan<'_>,
    loc: Loc,
    memo: &mut Memo,
    out: &mut Vec<Event>,
) -> Result<usize, LineError> {
    let line = text.as_bytes();
    let mut p = Cursor { s: line, i: 0 };
    p.skip_ws();
    match p.peek() {
        None | Some(b'\n') => return Ok(p.i),
        Some(b'{') => p.i += 1,
        Some(first) => return Err(not_object(p.i, first)),
    }
    // Attributes the policy uses or declares: key id, value, where.
    let mut found: SmallVec<[(u32, JVal, usize); 8]> = SmallVec::new();
    let mut time: Option<(JVal, usize)> = None;
    let mut ty: Option<(JVal, usize)> = None;
    // Keys recognised from memory, by id: distinct ids are distinct names.
    let (mut seen, mut all_known) = (0u64, true);
    p.skip_ws();
    if p.peek() == Some(b'}') {
        p.i += 1;
    } else {
        loop {
            match p.peek() {
                Some(b'"') => {}
                Some(_) => return Err(LineError::at(p.i, "invalid JSON: expected a key in double quotes")),
                None => return Err(ends_inside(p.i)),
            }
            let at = p.i;
            let (key, role) = match memo.recall(line, at) {
                Some(known) => {
                    p.i += known.len;
                    let bit = 1u64 << known.id;
                    all_known &= seen & bit == 0;
                    seen |= bit;
                    let key = Key { at, end: at + known.len - 2, escaped: false, print: known.print };
                    (key, known.role)
                }
                None => {
                    all_known = false;
                    let (key, role) = read_key(&mut p, text, plan)?;
                    if !key.escaped && line.get(key.end + 1) == Some(&b':') {
                        memo.learn(&line[at..key.end + 2], role, key.print);
                    }
                    p.skip_ws();
                    if p.peek() != Some(b':') {
                        return Err(LineError::at(p.i, "invalid JSON: expected `:` after the key"));
                    }
                    p.i += 1;
                    (key, role)
                }
            };
            p.skip_ws();
            let value_at = p.i;
            let val = p.value().map_err(|f| syntax(f, text, Some(&key)))?;
            match role {
                Role::Time => time = Some((val, value_at)),
                Role::Type => ty = Some((val, value_at)),
                Role::Attr(kid) => found.push((kid, val, value_at)),
                Role::Skip => {}
            }
            p.skip_ws();
            match p.peek() {
                Some(b',') => {
                    p.i += 1;
                    p.skip_ws();
                }
                Some(b'}') => {
                    p.i += 1;
                    break;
                }
                Some(_) => return Err(LineError::at(p.i, "invalid JSON: expected `,` or `}` after the value")),
                None => return Err(ends_inside(p.i)),
            }
        }
    }
    p.skip_ws();
    if !matches!(p.peek(), None | Some(b'\n')) {
        return Err(LineError::at(p.i, "invalid JSON: unexpected text after the object"));
    }
    let line_end = p.i;
    if !all_known {
        check_duplicates(text, &collect_keys(text))?;
    }
    let time = match time {
        Some((JVal::Str { start, end, escaped: false }, at)) => parse_with(&line[start..end], &mut memo.time)
            .ok_or_else(|| bad_time(text.get(start..end).unwrap_or(""), at))?,
        Some((JVal::Str { start, end, escaped: true }, at)) => {
            let s = decode(text.get(start..end).unwrap_or(""));
            parse_rfc3339(s.as_bytes()).ok_or_else(|| bad_time(&s, at))?
        }
        Some((v, at)) => {
            let reason = format!("expected an RFC 3339 time string, found {}", describe(text, v));
            return Err(LineError::at(at, reason).field("time"));
        }
        None => return Err(LineError::line("missing `time`; every event needs an RFC 3339 `time`").field("time")),
    };
    let info = match ty {
        Some((JVal::Str { start, end, escaped: false }, _)) => plan.type_info_noting(&line[start..end], &mut memo.met),
        Some((JVal::Str { start, end, escaped: true }, _)) => {
            plan.type_info_noting(decode(text.get(start..end).unwrap_or("")).as_bytes(), &mut memo.met)
        }
        Some((v, at)) => {
            let reason = format!("expected the event type as a string, found {}", describe(text, v));
            return Err(LineError::at(at, reason).field("type"));
        }
        None => return Err(LineError::line("missing `type`; every event needs a `type`").field("type")),
    };
    // Built in place: an event is large, and moving it costs.
    out.push(Event { time, kind: info.map_or(OTHER, |t| t.sym), attrs: SmallVec::new(), loc });
    if info.is_some_and(|t| t.looks_at_attributes()) {
        for (kid, val, at) in found {
            let (sym, declared) = plan.slot(kid, info);
            let val = match (declared, sym, val) {
                (_, _, JVal::Null) | (None, None, _) => continue,
                // The common case, without the detours of conversion.
                (None, Some(_), JVal::Str { start, end, escaped: false }) => {
                    Ok(Val::Str(CompactString::new(text.get(start..end).unwrap_or(""))))
                }
                (declared, _, v) => {
                    let Some(raw) = to_raw(text, v) else { continue };
                    match declared {
                        Some(kind) => typed(raw, kind),
                        None => untyped(raw),
                    }
                }
            };
            plan.keep(out, kid, sym, val, at)?;
        }
    }
    Ok(line_end)
}

#[cold]
fn not_object(at: usize, first: u8) -> LineError {
    let what = match first {
        b'[' => "the line is a JSON array; each line must be one object `{...}`",
        b'"' => "the line is a JSON string; each line must be one object `{...}`",
        b'-' | b'0'..=b'9' => "the line is a JSON number; each line must be one object `{...}`",
        _ => "invalid JSON: expected an object `{...}`",
    };
    LineError::at(at, what)
}

#[cold]
fn ends_inside(at: usize) -> LineError {
    LineError::at(at, "invalid JSON: the line ends inside the object")
}

#[cold]
fn bad_time(s: &str, at: usize) -> LineError {
    LineError::at(at, format!("{} is not an RFC 3339 time with an offset", quote(s))).field("time")
}

/// The bad line a JSON failure makes; `key` is the key whose value failed.
#[cold]
fn syntax(f: Fail, text: &str, key: Option<&Key>) -> LineError {
    match (f.what, key) {
        (Syntax::Object | Syntax::Array, Some(key)) => {
            let name = key.name(text).into_owned();
            let what = if f.what == Syntax::Object { "an object" } else { "an array" };
            let reason = format!("attribute `{name}` is {what}; attributes are strings, numbers or booleans");
            LineError::at(f.at, reason).field(name)
        }
        _ => LineError::at(f.at, f.what.reason()),
    }
}

/// A value as a [`Raw`] for conversion (None for `null`: absent).
#[inline]
fn to_raw(text: &str, v: JVal) -> Option<Raw<'_>> {
    match v {
        JVal::Str { start, end, escaped: false } => Some(Raw::Str(Cow::Borrowed(text.get(start..end)?))),
        JVal::Str { start, end, escaped: true } => Some(Raw::Str(Cow::Owned(decode(text.get(start..end)?)))),
        JVal::Num { start, end, int } => Some(Raw::Num(Cow::Borrowed(text.get(start..end)?), int)),
        JVal::Bool(b) => Some(Raw::Bool(b)),
        JVal::Null => None,
    }
}

/// What a value is, for messages.
fn describe(text: &str, v: JVal) -> String {
    to_raw(text, v).map_or_else(|| "`null`".into(), |r| found(&r))
}

/// The keys of the object at the start of `text` (parsed once already).
fn collect_keys(text: &str) -> SmallVec<[Key; 16]> {
    let line = text.as_bytes();
    let mut p = Cursor { s: line, i: 0 };
    let mut keys = SmallVec::new();
    p.skip_ws();
    if p.peek() != Some(b'{') {
        return keys;
    }
    p.i += 1;
    p.skip_ws();
    while p.peek() == Some(b'"') {
        let at = p.i;
        let Ok((end, escaped)) = p.string() else { break };
        let print = match escaped {
            true => fingerprint(decode(text.get(at + 1..end).unwrap_or("")).as_bytes()),
            false => fingerprint(&line[at + 1..end]),
        };
        keys.push(Key { at, end, escaped, print });
        p.skip_ws();
        p.i += 1;
        p.skip_ws();
        if p.value().is_err() {
            break;
        }
        p.skip_ws();
        if p.peek() != Some(b',') {
            break;
        }
        p.i += 1;
        p.skip_ws();
    }
    keys
}

/// Refuses a line whose object has the same key twice, pointing at the
/// second one.
fn check_duplicates(text: &str, keys: &[Key]) -> Result<(), LineError> {
    let same = |a: &Key, b: &Key| a.print == b.print && (a.print.0 <= 16 || a.name(text) == b.name(text));
    let second = if keys.len() <= 16 {
        keys.iter().enumerate().find(|(j, b)| keys[..*j].iter().any(|a| same(a, b))).map(|(_, k)| k)
    } else {
        let mut order: Vec<(Cow<'_, str>, usize)> = keys.iter().map(|k| (k.name(text), k.at)).collect();
        order.sort_unstable();
        let at = order.windows(2).filter(|w| w[0].0 == w[1].0).map(|w| w[1].1).min();
        at.and_then(|at| keys.iter().find(|k| k.at == at))
    };
    match second {
        Some(k) => {
            let name = k.name(text).into_owned();
            Err(LineError::at(k.at, format!("duplicate key {}; each key may appear once", quote(&name))).field(name))
        }
        None => Ok(()),
    }
}

/// Where a bad line of a block goes: its index among the block's events,
/// its 1-based line within the block, the error and the line's bytes.
pub(crate) type OnBad<'f> = dyn FnMut(usize, u64, LineError, &[u8]) + 'f;

/// Parses a block of whole lines into `events` (lines numbered from 1
/// within the block); returns the number of line breaks in the block.
pub(crate) fn parse_block(
    block: &[u8],
    file: u32,
    plan: &Plan<'_>,
    memo: &mut Memo,
    events: &mut Vec<Event>,
    on_bad: &mut OnBad<'_>,
) -> u64 {
    let whole = std::str::from_utf8(block).ok();
    let mut pos = 0;
    let mut line_no = 0u64;
    let mut breaks = 0u64;
    while pos < block.len() {
        line_no += 1;
        let loc = Loc { file, line: line_no };
        // Fast: parse from here to wherever the line ends.
        let parsed = whole.and_then(|w| w.get(pos..)).map(|rest| parse_line(rest, plan, loc, memo, events));
        let end = match parsed {
            Some(Ok(len)) => pos + len,
            _ => {
                // Slow: cut the line, check its UTF-8, parse it alone.
                let end = memchr(b'\n', &block[pos..]).map_or(block.len(), |k| pos + k);
                let line = &block[pos..end];
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                let text = std::str::from_utf8(line).map_err(|e| LineError::at(e.valid_up_to(), "invalid UTF-8"));
                if let Err(e) = text.and_then(|t| parse_line(t, plan, loc, memo, events)) {
                    on_bad(events.len(), line_no, e, line);
                }
                end
            }
        };
        if end < block.len() {
            breaks += 1;
        }
        pos = end + 1;
    }
    breaks
}
