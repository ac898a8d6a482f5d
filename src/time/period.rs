//! Calendar periods of period standards (`per month`, `per quarter`).
//!
//! A period is local to the jurisdiction: an event at 23:30 on 31 March in
//! São Paulo belongs to March although it is already April in UTC. A period
//! is named by a [`PeriodKey`], which orders, hashes and prints as reports
//! show it (`2026-03`, `2026-Q1`, `2026`).

use super::{local_date, start_of_local_day, Micros};
use crate::syntax::ast::Period;
use chrono::{Datelike, NaiveDate};
use chrono_tz::Tz;
use std::fmt;

/// One calendar month, quarter or year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PeriodKey {
    /// A month, 1–12.
    Month {
        /// The year.
        year: i32,
        /// The month, 1–12.
        month: u32,
    },
    /// A quarter, 1–4.
    Quarter {
        /// The year.
        year: i32,
        /// The quarter, 1–4.
        quarter: u32,
    },
    /// A year.
    Year {
        /// The year.
        year: i32,
    },
}

impl PeriodKey {
    /// The kind of period.
    pub fn period(self) -> Period {
        match self {
            PeriodKey::Month { .. } => Period::Month,
            PeriodKey::Quarter { .. } => Period::Quarter,
            PeriodKey::Year { .. } => Period::Year,
        }
    }

    /// The period's first local day.
    pub fn first_day(self) -> Option<NaiveDate> {
        match self {
            PeriodKey::Month { year, month } => NaiveDate::from_ymd_opt(year, month, 1),
            PeriodKey::Quarter { year, quarter } => NaiveDate::from_ymd_opt(year, quarter.checked_sub(1)? * 3 + 1, 1),
            PeriodKey::Year { year } => NaiveDate::from_ymd_opt(year, 1, 1),
        }
    }

    /// The period that follows.
    pub fn next(self) -> Option<PeriodKey> {
        Some(match self {
            PeriodKey::Month { year, month: 12 } => PeriodKey::Month { year: year.checked_add(1)?, month: 1 },
            PeriodKey::Month { year, month } => PeriodKey::Month { year, month: month + 1 },
            PeriodKey::Quarter { year, quarter: 4 } => PeriodKey::Quarter { year: year.checked_add(1)?, quarter: 1 },
            PeriodKey::Quarter { year, quarter } => PeriodKey::Quarter { year, quarter: quarter + 1 },
            PeriodKey::Year { year } => PeriodKey::Year { year: year.checked_add(1)? },
        })
    }
}

impl fmt::Display for PeriodKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PeriodKey::Month { year, month } => write!(f, "{year:04}-{month:02}"),
            PeriodKey::Quarter { year, quarter } => write!(f, "{year:04}-Q{quarter}"),
            PeriodKey::Year { year } => write!(f, "{year:04}"),
        }
    }
}

impl serde::Serialize for PeriodKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The period of kind `period` holding instant `t`, in local time of `tz`.
pub fn period_of(t: Micros, tz: Tz, period: Period) -> PeriodKey {
    let date = local_date(t, tz);
    let year = date.year();
    match period {
        Period::Month => PeriodKey::Month { year, month: date.month() },
        Period::Quarter => PeriodKey::Quarter { year, quarter: date.month0() / 3 + 1 },
        Period::Year => PeriodKey::Year { year },
    }
}

/// The first instant of period `key`, in local time of `tz` (`Micros::MIN`
/// when out of range).
pub fn period_start(key: PeriodKey, tz: Tz) -> Micros {
    key.first_day().and_then(|d| start_of_local_day(d, tz)).unwrap_or(Micros::MIN)
}

/// The end of period `key`: the first instant of the next period, in local
/// time of `tz` (`Micros::MAX` when out of range).
pub fn period_end(key: PeriodKey, tz: Tz) -> Micros {
    key.next().and_then(PeriodKey::first_day).and_then(|d| start_of_local_day(d, tz)).unwrap_or(Micros::MAX)
}
