//! CSV (RFC 4180) logs: a header row naming `time`, `type` and attributes.
//!
//! A record can span lines (a quoted cell may hold line breaks), so where a
//! record ends is decided by one function, [`record_end`], used both by the
//! reader thread to cut blocks and by the workers to walk records: the two
//! can never disagree about boundaries, even on malformed quoting. Where
//! there is no quote at all (most logs), every line break ends a record for
//! both, and a block is split by a fast scan for commas and line breaks.
//! Line numbers count physical lines; a record's line is its first.

use super::convert::Raw;
use super::event::{Event, Loc};
use super::failure::{quote, LineError};
use super::jsonl::OnBad;
use super::memo::Memo;
use super::plan::{Pending, Plan};
use super::time_parse::parse_with;
use memchr::{memchr, memchr3, memchr_iter};
use smallvec::SmallVec;
use std::borrow::Cow;

/// What a column of the header holds.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Role {
    Time,
    Type,
    /// An attribute the readers look at, by key id.
    Attr(u32),
    /// An attribute nobody uses.
    Skip,
}

/// The header row of a CSV log.
#[derive(Debug, Clone)]
pub(crate) struct Header {
    roles: Vec<Role>,
}

impl Header {
    /// Reads the header from the first record (without its line break).
    pub fn parse(record: &[u8], plan: &Plan<'_>) -> Result<Header, LineError> {
        let text = std::str::from_utf8(record).map_err(|e| LineError::at(e.valid_up_to(), "invalid UTF-8"))?;
        let cells = split(text)?;
        let mut roles = Vec::with_capacity(cells.len());
        let mut seen: Vec<&str> = Vec::with_capacity(cells.len());
        for (at, name) in &cells {
            if seen.contains(&&**name) {
                return Err(LineError::at(*at, format!("the header names column {} twice", quote(name))));
            }
            seen.push(name);
            roles.push(match &**name {
                "time" => Role::Time,
                "type" => Role::Type,
                other => plan.key(other.as_bytes()).map_or(Role::Skip, Role::Attr),
            });
        }
        for (role, name) in [(Role::Time, "time"), (Role::Type, "type")] {
            if !roles.contains(&role) {
                let reason = format!("the header row has no `{name}` column; expected a header like `time,type,case`");
                return Err(LineError::at(0, reason).field(name));
            }
        }
        Ok(Header { roles })
    }
}

/// The end of the record starting at `start`: the index after its line
/// break, the end of the buffer at end of input, or None when the buffer
/// ends inside the record.
pub(crate) fn record_end(buf: &[u8], start: usize, at_eof: bool) -> Option<usize> {
    let more = || at_eof.then_some(buf.len());
    let mut i = start;
    let mut field_start = start;
    loop {
        let rest = buf.get(i..)?;
        let Some(k) = memchr3(b'"', b',', b'\n', rest) else { return more() };
        let j = i + k;
        match buf[j] {
            b'\n' => return Some(j + 1),
            b',' => {
                i = j + 1;
                field_start = i;
            }
            _ if j == field_start => {
                // A quoted cell: up to a quote that is not doubled.
                let mut q = j + 1;
                loop {
                    let Some(k) = memchr(b'"', buf.get(q..)?) else { return more() };
                    let close = q + k;
                    match buf.get(close + 1) {
                        Some(b'"') => q = close + 2,
                        Some(_) => {
                            i = close + 1;
                            break;
                        }
                        None => return more(),
                    }
                }
                field_start = usize::MAX;
            }
            _ => i = j + 1,
        }
    }
}

/// The cells of a record: byte offset and text of each.
type Cells<'a> = SmallVec<[(usize, Cow<'a, str>); 16]>;

/// The cells of a record (without its line break).
fn split(text: &str) -> Result<Cells<'_>, LineError> {
    let b = text.as_bytes();
    let mut cells = SmallVec::new();
    let mut i = 0;
    loop {
        let at = i;
        if b.get(i) == Some(&b'"') {
            let mut q = i + 1;
            let mut doubled = false;
            let close = loop {
                let Some(k) = memchr(b'"', &b[q..]) else {
                    return Err(LineError::at(at, "unterminated quoted cell; close it with `\"`"));
                };
                if b.get(q + k + 1) == Some(&b'"') {
                    doubled = true;
                    q += k + 2;
                } else {
                    break q + k;
                }
            };
            let inner = text.get(at + 1..close).unwrap_or("");
            cells.push((at, if doubled { Cow::Owned(inner.replace("\"\"", "\"")) } else { Cow::Borrowed(inner) }));
            i = close + 1;
            match b.get(i) {
                None => return Ok(cells),
                Some(b',') => i += 1,
                Some(_) => {
                    let reason = "text after the closing quote of a cell; write a quote inside a cell as `\"\"`";
                    return Err(LineError::at(i, reason));
                }
            }
        } else {
            let end = memchr(b',', &b[i..]).map_or(b.len(), |k| i + k);
            if let Some(k) = memchr(b'"', &b[i..end]) {
                let reason = "a quote inside an unquoted cell; quote the whole cell and double the quote";
                return Err(LineError::at(i + k, reason));
            }
            cells.push((at, Cow::Borrowed(text.get(i..end).unwrap_or(""))));
            if end == b.len() {
                return Ok(cells);
            }
            i = end + 1;
        }
    }
}

/// Reads one record (without its line break) as an event pushed to `out`;
/// a blank line gives none.
fn parse_record(
    rec: &[u8],
    header: &Header,
    plan: &Plan<'_>,
    loc: Loc,
    memo: &mut Memo,
    out: &mut Vec<Event>,
) -> Result<(), LineError> {
    if rec.is_empty() {
        return Ok(());
    }
    let text = std::str::from_utf8(rec).map_err(|e| LineError::at(e.valid_up_to(), "invalid UTF-8"))?;
    record_event(&mut split(text)?, header, plan, loc, memo, out)
}

/// Builds the event of a record from its cells and pushes it to `out`.
fn record_event(
    cells: &mut Cells<'_>,
    header: &Header,
    plan: &Plan<'_>,
    loc: Loc,
    memo: &mut Memo,
    out: &mut Vec<Event>,
) -> Result<(), LineError> {
    if cells.len() != header.roles.len() {
        let reason = format!("expected {} cells as in the header, found {}", header.roles.len(), cells.len());
        return Err(LineError::line(reason));
    }
    let mut time = None;
    let mut info = None;
    let mut pending: SmallVec<[Pending<'_>; 8]> = SmallVec::new();
    for ((at, cell), role) in cells.drain(..).zip(&header.roles) {
        match role {
            Role::Time if cell.is_empty() => {}
            Role::Time => {
                let t = parse_with(cell.as_bytes(), &mut memo.time).ok_or_else(|| {
                    LineError::at(at, format!("{} is not an RFC 3339 time with an offset", quote(&cell))).field("time")
                })?;
                time = Some(t);
            }
            Role::Type if cell.is_empty() => {}
            Role::Type => info = Some(plan.type_info_noting(cell.as_bytes(), &mut memo.met)),
            Role::Attr(_) if cell.is_empty() => {}
            Role::Attr(kid) => pending.push(Pending { kid: *kid, raw: Raw::Cell(cell), at }),
            Role::Skip => {}
        }
    }
    let Some(time) = time else {
        return Err(LineError::line("missing `time`; every event needs an RFC 3339 `time`").field("time"));
    };
    let Some(info) = info else {
        return Err(LineError::line("missing `type`; every event needs a `type`").field("type"));
    };
    plan.finish(time, info, &mut pending, loc, out)
}

/// Parses a block of whole records into `events` (lines numbered from 1
/// within the block); returns the number of line breaks in the block.
pub(crate) fn parse_block(
    block: &[u8],
    file: u32,
    header: &Header,
    plan: &Plan<'_>,
    memo: &mut Memo,
    events: &mut Vec<Event>,
    on_bad: &mut OnBad<'_>,
) -> u64 {
    match std::str::from_utf8(block) {
        Ok(text) if memchr(b'"', block).is_none() => parse_plain(text, file, header, plan, memo, events, on_bad),
        _ => parse_quoted(block, file, header, plan, memo, events, on_bad),
    }
}

/// [`parse_block`] for a block without quotes, valid UTF-8: each line is a
/// record, each comma ends a cell.
fn parse_plain(
    text: &str,
    file: u32,
    header: &Header,
    plan: &Plan<'_>,
    memo: &mut Memo,
    events: &mut Vec<Event>,
    on_bad: &mut OnBad<'_>,
) -> u64 {
    let b = text.as_bytes();
    let mut pos = 0;
    let mut line = 0u64;
    let mut breaks = 0u64;
    let mut cells = Cells::new();
    while pos < b.len() {
        line += 1;
        cells.clear();
        let mut cell = pos;
        let end = loop {
            let i = separator(b, cell);
            match b.get(i) {
                Some(b',') => {
                    cells.push((cell - pos, Cow::Borrowed(text.get(cell..i).unwrap_or(""))));
                    cell = i + 1;
                }
                Some(_) => break i,
                None => break b.len(),
            }
        };
        let content = if end > pos && b[end - 1] == b'\r' { end - 1 } else { end };
        if content > pos {
            cells.push((cell.min(content) - pos, Cow::Borrowed(text.get(cell.min(content)..content).unwrap_or(""))));
            if let Err(e) = record_event(&mut cells, header, plan, Loc { file, line }, memo, events) {
                on_bad(events.len(), line, e, &b[pos..content]);
            }
        }
        breaks += u64::from(end < b.len());
        pos = end + 1;
    }
    breaks
}

/// The index of the first comma or line break of `b` at or after `i` (or
/// the length of `b`), eight bytes at a time.
#[inline]
fn separator(b: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = b.get(i..i + 8) {
        let Ok(bytes) = <[u8; 8]>::try_from(chunk) else { break };
        let w = u64::from_le_bytes(bytes);
        let (comma, newline) = (w ^ (ONES * u64::from(b',')), w ^ (ONES * u64::from(b'\n')));
        // The lowest byte where a subtraction borrows into the high bit is
        // exact: the first comma or line break.
        let hits = ((comma.wrapping_sub(ONES) & !comma) | (newline.wrapping_sub(ONES) & !newline)) & HIGH;
        if hits != 0 {
            return i + (hits.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    b.get(i..).and_then(|rest| rest.iter().position(|&c| c == b',' || c == b'\n')).map_or(b.len(), |k| i + k)
}

/// [`parse_block`] for any block: records may span lines.
fn parse_quoted(
    block: &[u8],
    file: u32,
    header: &Header,
    plan: &Plan<'_>,
    memo: &mut Memo,
    events: &mut Vec<Event>,
    on_bad: &mut OnBad<'_>,
) -> u64 {
    let mut pos = 0;
    let mut line = 1u64;
    while pos < block.len() {
        let end = record_end(block, pos, true).unwrap_or(block.len());
        let raw = &block[pos..end];
        let breaks = memchr_iter(b'\n', raw).count() as u64;
        let rec = raw.strip_suffix(b"\n").unwrap_or(raw);
        let rec = rec.strip_suffix(b"\r").unwrap_or(rec);
        if let Err(e) = parse_record(rec, header, plan, Loc { file, line }, memo, events) {
            let first = memchr(b'\n', rec).map_or(rec, |k| &rec[..k]);
            on_bad(events.len(), line, e, first);
        }
        line += breaks;
        pos = end;
    }
    line - 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_end_after_quoted_line_breaks() {
        let buf = b"a,\"x\ny\",b\nc,d\n";
        assert_eq!(record_end(buf, 0, false), Some(10));
        assert_eq!(record_end(buf, 10, false), Some(14));
        assert_eq!(record_end(b"a,\"x\n", 0, false), None);
        assert_eq!(record_end(b"a,\"x\n", 0, true), Some(5));
        assert_eq!(record_end(b"a,\"x\"", 0, false), None);
        assert_eq!(record_end(b"a,b\"c\nd", 0, false), Some(6));
    }

    #[test]
    fn cells() {
        let cells = split("a,\"b,\"\"c\"\"\",,d").unwrap();
        let texts: Vec<&str> = cells.iter().map(|(_, c)| &**c).collect();
        assert_eq!(texts, ["a", "b,\"c\"", "", "d"]);
        assert!(split("a,\"b\"x").is_err());
        assert!(split("a,b\"c").is_err());
        assert!(split("\"abc").is_err());
    }
}
