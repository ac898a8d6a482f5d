//! Calendar arithmetic in expressions: `t + 1 month`, `t - 2 business
//! days`, and the business-day functions.
//!
//! An exact unit (`24 hours`, `7 days`) adds elapsed time; a calendar unit
//! moves the local date and keeps the local time of day, in the
//! jurisdiction's zone:
//!
//! - `N calendar days`: the same local time N local days later (or earlier);
//! - `N business days`: the same local time on the N-th business day after
//!   (before, for `-`) the instant's local day, that day never counted;
//! - `N months`, `N years`: the same day of the month N months (12·N months)
//!   later, clamped to the month's last day (Jan 31 + 1 month = Feb 28 or
//!   29, Feb 29 + 1 year = Feb 28).
//!
//! A local time that a clock change skips becomes the first instant after
//! the gap; one that happens twice is the earlier. Nothing here panics:
//! out-of-range results are None (Null in an expression).

use super::due::{nth_business_day, start_of_local_day};
use super::{local, to_micros, Calendar, Micros};
use crate::syntax::ast::DurationUnit;
use chrono::{Days, LocalResult, Months, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::{GapInfo, Tz};

/// `date` moved by `amount` (negative: back) calendar `unit`s; None for an
/// exact unit or out of range.
pub fn shift_date(date: NaiveDate, amount: i64, unit: DurationUnit, cal: &Calendar) -> Option<NaiveDate> {
    let back = amount < 0;
    let n = amount.checked_abs()?;
    match unit {
        DurationUnit::CalendarDay => {
            let days = Days::new(u64::try_from(n).ok()?);
            if back {
                date.checked_sub_days(days)
            } else {
                date.checked_add_days(days)
            }
        }
        DurationUnit::BusinessDay if n == 0 => Some(date),
        DurationUnit::BusinessDay if back => nth_business_day_before(date, n, cal),
        DurationUnit::BusinessDay => nth_business_day(date, n, cal),
        DurationUnit::Month | DurationUnit::Year => {
            let months = if unit == DurationUnit::Year { n.checked_mul(12)? } else { n };
            let months = Months::new(u32::try_from(months).ok()?);
            if back {
                date.checked_sub_months(months)
            } else {
                date.checked_add_months(months)
            }
        }
        _ => None,
    }
}

/// Instant `t` moved by `amount` calendar `unit`s, keeping its local time of
/// day in `tz`.
pub fn shift(t: Micros, amount: i64, unit: DurationUnit, tz: Tz, cal: &Calendar) -> Option<Micros> {
    let at = local(t, tz)?;
    let date = shift_date(at.date(), amount, unit, cal)?;
    instant_of_local(date.and_time(at.time()), tz)
}

/// The instant of a local date-time: the earlier when it happens twice, the
/// first instant after the gap when a clock change skips it.
pub fn instant_of_local(at: NaiveDateTime, tz: Tz) -> Option<Micros> {
    match tz.from_local_datetime(&at) {
        LocalResult::Single(t) => Some(to_micros(t)),
        LocalResult::Ambiguous(a, b) => Some(to_micros(a).min(to_micros(b))),
        LocalResult::None => GapInfo::new(&at, &tz)?.end.map(to_micros),
    }
}

/// The `n`-th business day before `start` (`start` itself never counted).
fn nth_business_day_before(start: NaiveDate, n: i64, cal: &Calendar) -> Option<NaiveDate> {
    let per_week = cal.business_days_per_week();
    if per_week == 0 {
        return None;
    }
    let mut day = start;
    let mut left = n;
    while left > 0 {
        // Whole weeks back with no holiday, leaving at least one step.
        let mut weeks = (left - 1) / per_week;
        if let Some(h) = cal.holidays().range(..day).next_back() {
            weeks = weeks.min(((day - *h).num_days() - 1) / 7);
        }
        if weeks > 0 {
            day = day.checked_sub_days(Days::new(u64::try_from(weeks.checked_mul(7)?).ok()?))?;
            left -= weeks * per_week;
        }
        day = day.pred_opt()?;
        if cal.is_business_day(day) {
            left -= 1;
        }
    }
    Some(day)
}

/// `next_business_day(t)`: the start (00:00 local) of the first business day
/// after `t`'s local day.
pub fn next_business_day(day: NaiveDate, tz: Tz, cal: &Calendar) -> Option<Micros> {
    start_of_local_day(nth_business_day(day, 1, cal)?, tz)
}

/// `previous_business_day(t)`: the start (00:00 local) of the last business
/// day before `t`'s local day.
pub fn previous_business_day(day: NaiveDate, tz: Tz, cal: &Calendar) -> Option<Micros> {
    start_of_local_day(nth_business_day_before(day, 1, cal)?, tz)
}

/// `business_days_between(a, b)`: the business days after `a`'s local day
/// up to and including `b`'s; negative (the same count, from `b` to `a`)
/// when `b`'s day comes first.
pub fn business_days_between(a: NaiveDate, b: NaiveDate, cal: &Calendar) -> Option<i64> {
    if b >= a {
        Some(cal.business_days_between(a.succ_opt()?, b))
    } else {
        Some(-cal.business_days_between(b.succ_opt()?, a))
    }
}

/// `end_of_day(t)`: the last instant (one microsecond before the next
/// local midnight) of local day `day`.
pub fn end_of_day(day: NaiveDate, tz: Tz) -> Option<Micros> {
    start_of_local_day(day.succ_opt()?, tz)?.checked_sub(1)
}
