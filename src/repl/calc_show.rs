//! How the calculator prints its values: a time in the jurisdiction's zone,
//! a duration in words, and for a day count the deadline it would give,
//! with the days counted and skipped.

use super::calc::{Place, Value};
use crate::syntax::ast::DurationUnit;
use crate::time::{self, Due, DueKind, Micros, DAY, HOUR};
use crate::value::format_duration;
use chrono::{Datelike, FixedOffset};
use std::fmt::Write as _;

impl Value {
    /// Its type, as printed after the value.
    pub fn type_name(&self) -> String {
        match self {
            Value::Bool(_) => "boolean".into(),
            Value::Int(_) => "integer".into(),
            Value::Decimal(_) => "decimal".into(),
            Value::Percent(_) => "percentage".into(),
            Value::Money(_, c) => format!("money ({c})"),
            Value::Text(_) => "text".into(),
            Value::Date(_) => "date".into(),
            Value::Time(..) | Value::Deadline { .. } => "time".into(),
            Value::Exact(_) | Value::Days(..) => "duration".into(),
        }
    }

    /// The value as people read it, then the type; for a deadline, how it
    /// was computed.
    pub fn show(&self, place: &Place) -> String {
        let value = match self {
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Decimal(d) => d.normalize().to_string(),
            Value::Percent(p) => format!("{}%", p.normalize()),
            Value::Money(a, c) => format!("{a} {c}"),
            Value::Text(t) => format!("{t:?}"),
            Value::Date(d) => format!("{d} ({})", d.weekday()),
            Value::Time(t, offset) => show_time(*t, *offset, place),
            Value::Exact(d) => show_exact(*d),
            Value::Days(n, unit) => format!("{n} {}", unit.as_str(*n != 1)),
            Value::Deadline { at, .. } => show_time(*at, None, place),
        };
        let mut out = format!("{value} : {}", self.type_name());
        if let Value::Deadline { from, amount, unit, due, .. } = self {
            let _ = write!(out, "\n{}", explain_deadline(*from, *amount, *unit, due, place));
        }
        out
    }
}

/// A time in the jurisdiction's zone; with no jurisdiction, in the offset
/// it was written in.
fn show_time(t: Micros, offset: Option<FixedOffset>, place: &Place) -> String {
    let Some(utc) = time::from_micros(t) else { return format!("{t}µs") };
    let format = chrono::SecondsFormat::AutoSi;
    match (&place.jurisdiction, offset) {
        (None, Some(o)) => utc.with_timezone(&o).to_rfc3339_opts(format, true),
        _ => utc.with_timezone(&place.tz).to_rfc3339_opts(format, true),
    }
}

fn show_exact(d: i64) -> String {
    let words = format_duration(d);
    if d % HOUR == 0 && d.abs() >= DAY {
        format!("{words} ({} hours)", d / HOUR)
    } else {
        words
    }
}

fn show_due(due: &Due, place: &Place) -> String {
    match due.kind {
        DueKind::Exact => show_time(due.last_on_time, None, place),
        DueKind::EndOfLocalDay { date } => format!("end of {date} ({}, {})", date.weekday(), place.tz.name()),
    }
}

/// What `from + amount unit` is as a value.
fn value_sentence(from: Micros, amount: i64, unit: DurationUnit, place: &Place) -> String {
    let day = time::local_date(from, place.tz);
    let (what, after) = match unit {
        DurationUnit::BusinessDay => {
            (format!("business day ({} calendar)", place.calendar.name().unwrap_or("weekends-only")), "after")
        }
        DurationUnit::CalendarDay => ("local day".to_string(), "after"),
        DurationUnit::Month => ("month, same day of the month (clamped to the month's end)".to_string(), "from"),
        _ => ("year, same day and month (Feb 29 gives Feb 28)".to_string(), "from"),
    };
    format!("  value: the same local time on the {} {what} {after} {day} ({})", time::ordinal(amount), day.weekday())
}

/// The lines under a deadline: what the duration means, the days counted
/// and skipped, the last instant on time.
fn explain_deadline(from: Micros, amount: i64, unit: DurationUnit, due: &Due, place: &Place) -> String {
    let mut out = value_sentence(from, amount, unit, place);
    let _ = write!(
        out,
        "\n  as a deadline, `within {amount} {}` from this time ends at the {}",
        unit.as_str(amount != 1),
        show_due(due, place)
    );
    let _ = write!(out, "\n  {}", time::describe_in(amount, unit, place.jurisdiction.as_deref(), &place.calendar));
    if let (DurationUnit::BusinessDay, DueKind::EndOfLocalDay { date }) = (unit, due.kind) {
        let start = time::local_date(from, place.tz);
        let mut counted = vec![];
        let mut skipped = vec![];
        let mut day = start.succ_opt();
        while let Some(d) = day.filter(|d| *d <= date) {
            let label = format!("{} {d}", d.weekday());
            if place.calendar.is_workday(d) {
                counted.push(format!("{label} (make-up working day)"));
            } else if place.calendar.is_business_day(d) {
                counted.push(label);
            } else if place.calendar.is_holiday(d) {
                skipped.push(format!("{label} (holiday)"));
            } else {
                skipped.push(label);
            }
            day = d.succ_opt();
        }
        let _ = write!(out, "\n  counted: {}", summarised(&counted));
        if !skipped.is_empty() {
            let _ = write!(out, "\n  skipped: {}", summarised(&skipped));
        }
        let covered = place.calendar.years_covered();
        let uncovered = start.succ_opt().and_then(|s| place.calendar.first_uncovered(s, date));
        if let (Some(name), Some(covered), Some(year)) = (place.calendar.name(), covered, uncovered) {
            let problem = crate::Problem::CalendarNotCovering {
                calendar: name.to_string(),
                covered: format!("{}–{}", covered.start(), covered.end()),
                year,
                reach: "this deadline".into(),
            };
            let _ = write!(out, "\n  warning: {problem} (its holidays are not counted)");
        }
    }
    let _ = write!(out, "\n  last instant on time: {}", show_time(due.last_on_time, None, place));
    out
}

/// Days listed in full up to this many; a longer list shows its ends.
const LISTED_DAYS: usize = 20;

/// `days` joined, or its first and last few with how many lie between.
fn summarised(days: &[String]) -> String {
    if days.len() <= LISTED_DAYS {
        return days.join(", ");
    }
    let half = LISTED_DAYS / 2;
    let between = days.len() - 2 * half;
    format!("{}, … {between} more …, {}", days[..half].join(", "), days[days.len() - half..].join(", "))
}
