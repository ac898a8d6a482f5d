//! Rows of an Arrow batch to events.
//!
//! The schema is checked once per file ([`check_schema`]): `time` and
//! `type` must be there with types that can hold them, and every column
//! the policy reads or declares must have an Arrow type its declared kind
//! accepts, so a wrong column is one clear error instead of a bad row per
//! event. Rows are then converted as JSON Lines lines are: the type is
//! noted for the log's accounting whatever it is, a row of a type the
//! policy neither names nor declares becomes an event with no attribute
//! (its columns are not even looked at), and a kept value goes through the
//! same conversion as a JSON value, with the same messages.

use super::cols::{accepts, expected_types, shape, Cell, Col, Shape};
use crate::log::convert::{typed, untyped, Raw};
use crate::log::event::{Event, FieldKind, Loc, OTHER};
use crate::log::failure::{quote, BadLine, LineError, LogFailure};
use crate::log::plan::{Plan, TypeInfo};
use crate::log::seen::Met;
use crate::log::time_parse::{parse_with, TimeMemo};
use crate::time::Micros;
use crate::value::Val;
use arrow_array::RecordBatch;
use arrow_schema::{DataType, Schema};
use chrono_tz::Tz;
use compact_str::CompactString;
use smallvec::SmallVec;
use std::borrow::Cow;
use std::path::Path;

/// A column of a file that is not what the policy needs: the reason and
/// how to fix it.
pub(crate) fn schema_error(path: &Path, reason: String, hint: &str) -> LogFailure {
    LogFailure::Schema { path: path.to_path_buf(), reason, hint: hint.to_string() }
}

/// Checks a file's schema against the policy; returns the names of the
/// columns to read (`time`, `type`, then the attributes present that the
/// policy keeps or declares).
pub(crate) fn check_schema(
    schema: &Schema,
    plan: &Plan<'_>,
    tz: Option<Tz>,
    path: &Path,
) -> Result<Vec<String>, LogFailure> {
    let naive_hint = "give the zone the times were written in with `--log-timezone ZONE` (an IANA name such as \
                      `Europe/London`), or write the column as a timestamp with a time zone";
    let mut wanted = Vec::new();
    for (name, what) in [("time", "the time of each event"), ("type", "the type of each event")] {
        let Some(field) = schema.fields().iter().find(|f| f.name() == name) else {
            let have: Vec<String> = schema.fields().iter().take(12).map(|f| format!("`{}`", f.name())).collect();
            let reason = format!("no column `{name}` ({what}); the file has {}", list_or_none(&have));
            return Err(schema_error(path, reason, "every event log needs a `time` and a `type` column"));
        };
        let found = field.data_type();
        let ok = match name {
            "time" => matches!(shape(found), Some(Shape::Instant | Shape::Naive | Shape::Str)),
            _ => shape(found) == Some(Shape::Str),
        };
        if !ok {
            let expected = if name == "time" {
                "a Timestamp column, or a string column of RFC 3339 times"
            } else {
                "a string column"
            };
            let reason = format!("column `{name}` is of Arrow type {found}; expected {expected}");
            return Err(schema_error(
                path,
                reason,
                "convert the column to the expected type where the file is written",
            ));
        }
        if shape(found) == Some(Shape::Naive) && tz.is_none() {
            let reason = format!("column `{name}` holds timestamps without a time zone ({found})");
            return Err(schema_error(path, reason, naive_hint));
        }
        wanted.push(name.to_string());
    }
    for (kid, name) in plan.key_names() {
        if name == "time" || name == "type" {
            continue;
        }
        let Some(field) = schema.fields().iter().find(|f| f.name() == name) else { continue };
        let found = field.data_type();
        let Some(s) = shape(found) else {
            let reason = format!(
                "column `{name}` is of Arrow type {found}, which a log attribute cannot hold \
                 (strings, numbers, Booleans, timestamps, dates and durations can)"
            );
            return Err(schema_error(path, reason, "flatten or convert the column where the file is written"));
        };
        for (ty, kind) in plan.declared(kid) {
            if !accepts(kind, s) {
                let reason = format!(
                    "column `{name}` is of Arrow type {found}, but event `{ty}` declares `{name}` as {}: \
                     expected {}",
                    kind_name(kind),
                    expected_types(kind)
                );
                return Err(schema_error(path, reason, "convert the column, or correct the event's declaration"));
            }
        }
        if s == Shape::Naive && tz.is_none() {
            let reason = format!("column `{name}` holds timestamps without a time zone ({found})");
            return Err(schema_error(path, reason, naive_hint));
        }
        wanted.push(name.to_string());
    }
    Ok(wanted)
}

fn list_or_none(names: &[String]) -> String {
    if names.is_empty() {
        "no column".into()
    } else {
        format!("columns {}", names.join(", "))
    }
}

/// A declared kind as written in a policy.
fn kind_name(kind: &FieldKind) -> String {
    match kind {
        FieldKind::Id => "id".into(),
        FieldKind::Text => "text".into(),
        FieldKind::Int => "int".into(),
        FieldKind::Decimal => "decimal".into(),
        FieldKind::Money(None) => "money".into(),
        FieldKind::Money(Some(c)) => format!("money({c})"),
        FieldKind::Bool => "bool".into(),
        FieldKind::Duration => "duration".into(),
        FieldKind::Time => "time".into(),
        FieldKind::Date => "date".into(),
    }
}

/// What converting rows needs besides the batch.
pub(crate) struct Rows<'a, 'p> {
    pub plan: &'a Plan<'p>,
    /// The zone of timestamps without one (`--log-timezone`).
    pub tz: Option<Tz>,
    /// Index of the file in the log.
    pub file: u32,
    pub path: &'a Path,
    pub time_memo: TimeMemo,
    pub met: Met,
}

/// The columns of a batch by role.
struct Layout<'b> {
    time: Col<'b>,
    naive_time: bool,
    ty: Col<'b>,
    attrs: SmallVec<[(u32, Col<'b>, bool); 8]>,
}

impl<'p> Rows<'_, 'p> {
    /// Converts the rows of `batch` (the first being row `first_row` of
    /// the file, 1-based) into `events`; bad rows go to `bad` with the
    /// index of the event they precede.
    pub fn convert(
        &mut self,
        batch: &RecordBatch,
        first_row: u64,
        events: &mut Vec<Event>,
        bad: &mut Vec<(usize, BadLine)>,
    ) -> Result<(), LogFailure> {
        let layout = self.layout(batch)?;
        // Per dictionary key of the type column: what the type is.
        let mut types: Vec<Option<Option<&TypeInfo<'p>>>> = Vec::new();
        for row in 0..batch.num_rows() {
            let line = first_row + row as u64;
            let time = match self.time(&layout, row) {
                Ok(t) => t,
                Err(e) => {
                    bad.push((events.len(), self.bad(e, line)));
                    continue;
                }
            };
            let info = match (layout.ty.dict_key(row), layout.ty.get(row)) {
                (_, Cell::Null) => {
                    let e = LineError::line("missing `type`; every event needs a `type`").field("type");
                    bad.push((events.len(), self.bad(e, line)));
                    continue;
                }
                (Some(k), Cell::Str(s)) => {
                    if types.len() <= k {
                        types.resize(k + 1, None);
                    }
                    match types.get(k).copied().flatten() {
                        Some(info) => info,
                        None => {
                            let info = self.plan.type_info_noting(s.as_bytes(), &mut self.met);
                            if let Some(slot) = types.get_mut(k) {
                                *slot = Some(info);
                            }
                            info
                        }
                    }
                }
                (None, Cell::Str(s)) => self.plan.type_info_noting(s.as_bytes(), &mut self.met),
                // The schema check allows string columns only.
                (_, _) => None,
            };
            events.push(Event {
                time,
                kind: info.map_or(OTHER, |t| t.sym),
                attrs: SmallVec::new(),
                loc: Loc::row(self.file, line),
            });
            if !info.is_some_and(|t| t.looks_at_attributes()) {
                continue;
            }
            for (kid, col, naive) in &layout.attrs {
                let cell = col.get(row);
                if cell == Cell::Null {
                    continue;
                }
                let (sym, declared) = self.plan.slot(*kid, info);
                let val = match (declared, sym) {
                    (None, None) => continue,
                    (declared, _) => value(cell, declared, if *naive { self.tz } else { None }),
                };
                match (val, sym, events.last_mut()) {
                    (Ok(v), Some(sym), Some(ev)) => ev.attrs.push((sym, v)),
                    (Ok(_), _, _) => {}
                    (Err(reason), _, _) => {
                        events.pop();
                        let e = LineError::line(reason).field(self.plan.key_name(*kid));
                        bad.push((events.len(), self.bad(e, line)));
                        break;
                    }
                }
            }
        }
        Ok(())
    }

    /// The bad row `line`.
    fn bad(&self, e: LineError, line: u64) -> BadLine {
        e.into_bad(self.path, Loc::row(self.file, line).line, b"")
    }

    /// The event time of a row.
    #[inline]
    fn time(&mut self, layout: &Layout<'_>, row: usize) -> Result<Micros, LineError> {
        match layout.time.get(row) {
            Cell::Time(t) if layout.naive_time => self.tz.and_then(|tz| local_to_instant(t, tz)).ok_or_else(|| {
                LineError::line("the local time cannot be placed in `--log-timezone`'s zone").field("time")
            }),
            Cell::Time(t) => Ok(t),
            Cell::Str(s) => parse_with(s.as_bytes(), &mut self.time_memo).ok_or_else(|| {
                LineError::line(format!("{} is not an RFC 3339 time with an offset", quote(s))).field("time")
            }),
            _ => Err(LineError::line("missing `time`; every event needs an RFC 3339 `time`").field("time")),
        }
    }

    /// The batch's columns by role.
    fn layout<'b>(&self, batch: &'b RecordBatch) -> Result<Layout<'b>, LogFailure> {
        let schema = batch.schema_ref();
        let col = |name: &str| -> Result<Option<(Col<'b>, bool)>, LogFailure> {
            let Ok(i) = schema.index_of(name) else { return Ok(None) };
            let array = batch.column(i);
            let naive = matches!(array.data_type(), DataType::Timestamp(_, None));
            match Col::new(array) {
                Some(c) => Ok(Some((c, naive))),
                None => {
                    let reason = format!("column `{name}` is of Arrow type {}", array.data_type());
                    Err(schema_error(self.path, reason, "convert the column where the file is written"))
                }
            }
        };
        let missing = |name: &str| {
            let reason = format!("a batch of the file has no column `{name}`");
            schema_error(self.path, reason, "every event log needs a `time` and a `type` column")
        };
        let (time, naive_time) = col("time")?.ok_or_else(|| missing("time"))?;
        let (ty, _) = col("type")?.ok_or_else(|| missing("type"))?;
        let mut attrs = SmallVec::new();
        for (kid, name) in self.plan.key_names() {
            if name == "time" || name == "type" {
                continue;
            }
            if let Some((c, naive)) = col(name)? {
                attrs.push((kid, c, naive));
            }
        }
        Ok(Layout { time, naive_time, ty, attrs })
    }
}

/// A wall-clock time (microseconds read as if UTC) as the instant it is in
/// `tz`: the earlier when it happens twice, the first instant after the
/// gap when a clock change skips it (as local times are read elsewhere).
fn local_to_instant(t: Micros, tz: Tz) -> Option<Micros> {
    let naive = chrono::DateTime::from_timestamp_micros(t)?.naive_utc();
    crate::time::instant_of_local(naive, tz)
}

/// The value of a cell, converted as the JSON value it stands for would
/// be; `tz` is set for a naive timestamp column.
fn value(cell: Cell<'_>, declared: Option<&FieldKind>, tz: Option<Tz>) -> Result<Val, String> {
    let raw = match cell {
        Cell::Str(s) if declared.is_none() => return Ok(Val::Str(CompactString::new(s))),
        Cell::Str(s) => Raw::Str(Cow::Borrowed(s)),
        Cell::Int(i) => Raw::Num(Cow::Owned(i.to_string()), true),
        Cell::UInt(u) => Raw::Num(Cow::Owned(u.to_string()), true),
        Cell::Float(f) if !f.is_finite() => return Err(format!("expected a finite number, found `{f}`")),
        Cell::Float(f) => Raw::Num(Cow::Owned(f.to_string()), false),
        Cell::Decimal(v, scale) => Raw::Num(Cow::Owned(decimal_text(v, scale)), scale <= 0),
        Cell::Bool(b) => Raw::Bool(b),
        Cell::Time(t) => match tz {
            Some(tz) => Raw::Time(local_to_instant(t, tz).ok_or("the local time cannot be placed in its zone")?),
            None => Raw::Time(t),
        },
        Cell::Date(days) => {
            let date = chrono::NaiveDate::from_num_days_from_ce_opt(
                i32::try_from(days + 719_163).map_err(|_| "date out of range")?,
            )
            .ok_or("date out of range")?;
            Raw::Str(Cow::Owned(date.format("%Y-%m-%d").to_string()))
        }
        Cell::Duration(d) => match declared {
            None | Some(FieldKind::Duration) => return Ok(Val::Dur(d)),
            Some(kind) => return Err(format!("expected {}, found a duration", expected_types(kind))),
        },
        Cell::Null => return Ok(Val::Null),
    };
    match declared {
        Some(kind) => typed(raw, kind),
        None => untyped(raw),
    }
}

/// An unscaled decimal and its scale as decimal text.
fn decimal_text(v: i128, scale: i8) -> String {
    let digits = v.unsigned_abs().to_string();
    let sign = if v < 0 { "-" } else { "" };
    if scale <= 0 {
        let zeros = if v == 0 { String::new() } else { "0".repeat(usize::from(scale.unsigned_abs())) };
        return format!("{sign}{digits}{zeros}");
    }
    let scale = usize::from(scale.unsigned_abs());
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (whole, frac) = padded.split_at(padded.len() - scale);
    format!("{sign}{whole}.{frac}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_as_text() {
        assert_eq!(decimal_text(1034, 2), "10.34");
        assert_eq!(decimal_text(-5, 3), "-0.005");
        assert_eq!(decimal_text(7, 0), "7");
        assert_eq!(decimal_text(7, -2), "700");
    }

    #[test]
    fn cells_convert_as_json_values_do() {
        assert_eq!(value(Cell::Int(42), Some(&FieldKind::Id), None), Ok(Val::Str("42".into())));
        assert_eq!(value(Cell::Int(42), None, None), Ok(Val::Int(42)));
        assert_eq!(
            value(Cell::Date(0), Some(&FieldKind::Date), None),
            typed(Raw::Str("1970-01-01".into()), &FieldKind::Date)
        );
        assert!(value(Cell::Float(f64::NAN), None, None).is_err());
        assert_eq!(value(Cell::Duration(5), Some(&FieldKind::Duration), None), Ok(Val::Dur(5)));
    }
}
