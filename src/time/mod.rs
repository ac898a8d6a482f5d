//! Time: instants, durations, business calendars and time zones.
//!
//! Every instant the engine handles is a [`Micros`]: microseconds since the
//! Unix epoch, UTC. The evaluator's hot loop only compares integers, so all
//! the calendar arithmetic (local days, business days, DST changes) happens
//! once, when an obligation opens, in [`due`]; afterwards an event is on time
//! iff its instant is at or before [`Due::last_on_time`].
//!
//! The semantics are the language's contract (`Durations`, `Deadline
//! inclusive`): elapsed units (`24 hours`, `7 days`) are exact elapsed time
//! whatever the clock does; day-based units (`calendar days`, `business
//! days`, `months`) end at the end of a local day in the jurisdiction's time
//! zone, and the trigger's own day is never counted.
//!
//! Nothing here panics: instants outside the range chrono can represent give
//! `None` (or are clamped, for the helpers that must answer).

mod calendar;
mod describe;
mod due;
mod late;
mod local;
mod period;
mod shift;

#[cfg(test)]
mod shift_tests;
#[cfg(test)]
mod tests;

pub use calendar::Calendar;
pub use describe::{describe, describe_in, ordinal, rolled, ROLL_TEXT};
pub use due::{due, end_of_local_day, roll, start_of_local_day, Due, DueKind};
pub use late::units_late;
pub use local::{during, hour, local, local_date, weekday, weekday_of};
pub use period::{period_end, period_of, period_start, PeriodKey};
pub use shift::{
    business_days_between, end_of_day, instant_of_local, next_business_day, previous_business_day, shift, shift_date,
};

use chrono::{DateTime, TimeZone, Utc};

/// An instant: microseconds since the Unix epoch, UTC.
pub type Micros = i64;

/// One second in [`Micros`].
pub const SECOND: Micros = 1_000_000;
/// One minute in [`Micros`].
pub const MINUTE: Micros = 60 * SECOND;
/// One hour in [`Micros`].
pub const HOUR: Micros = 60 * MINUTE;
/// One day of 24 hours in [`Micros`].
pub const DAY: Micros = 24 * HOUR;
/// One week of 7 × 24 hours in [`Micros`].
pub const WEEK: Micros = 7 * DAY;

/// The instant of a date-time in any zone.
pub fn to_micros<Z: TimeZone>(t: DateTime<Z>) -> Micros {
    t.timestamp_micros()
}

/// The UTC date-time of an instant, or None when chrono cannot represent it
/// (beyond about ±262,000 years).
pub fn from_micros(t: Micros) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp_micros(t)
}

/// Parses an RFC 3339 date-time (`2026-03-06T17:00:00-03:00`) to an instant.
pub fn parse_instant(text: &str) -> Option<Micros> {
    DateTime::parse_from_rfc3339(text).ok().map(to_micros)
}

/// The earliest instant every local-time conversion accepts: two days inside
/// chrono's limit, so that adding any zone offset stays valid.
const EARLIEST: Micros = DateTime::<Utc>::MIN_UTC.timestamp_micros().saturating_add(2 * DAY);
/// The latest instant every local-time conversion accepts.
const LATEST: Micros = DateTime::<Utc>::MAX_UTC.timestamp_micros().saturating_sub(2 * DAY);

/// `t` moved into `EARLIEST..=LATEST`.
pub(crate) fn clamp(t: Micros) -> Micros {
    t.clamp(EARLIEST, LATEST)
}
