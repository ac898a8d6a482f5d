//! Deadlines: when an obligation opened at a trigger stops being on time.
//!
//! The deadline is computed once, when the obligation opens, and kept as the
//! last on-time instant, so that judging an event is one integer comparison.
//! Day-based units end at the end of a local day: the first instant of the
//! next local day in the jurisdiction's zone, found with chrono-tz so that a
//! DST change on the way (or at midnight itself) is honoured.

use super::{from_micros, local, to_micros, Calendar, Micros, DAY, HOUR, MINUTE, SECOND, WEEK};
use crate::syntax::ast::DurationUnit;
use chrono::{Days, LocalResult, Months, NaiveDate, NaiveTime, TimeZone};
use chrono_tz::{GapInfo, Tz};

/// How an obligation's deadline was set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DueKind {
    /// An exact instant: an event at exactly [`Due::last_on_time`] is on time,
    /// one microsecond later is late.
    Exact,
    /// The end of a local day: an event is on time iff it comes before the
    /// first instant of the next local day.
    EndOfLocalDay {
        /// The last local day on which the obligation can be met.
        date: NaiveDate,
    },
}

/// The deadline of an obligation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Due {
    /// The last instant at which a matching event is on time.
    pub last_on_time: Micros,
    /// How it was set.
    pub kind: DueKind,
    /// The local day the deadline first fell on, when it was rolled off a
    /// day that is not a business day (`ending on a business day`).
    pub rolled_from: Option<NaiveDate>,
}

impl Due {
    /// A deadline at exactly `last_on_time`, not rolled.
    pub fn exact(last_on_time: Micros) -> Due {
        Due { last_on_time, kind: DueKind::Exact, rolled_from: None }
    }

    /// The local day the deadline falls on in `tz`.
    pub fn local_day(&self, tz: Tz) -> Option<NaiveDate> {
        match self.kind {
            DueKind::EndOfLocalDay { date } => Some(date),
            DueKind::Exact => local(self.last_on_time, tz).map(|t| t.date()),
        }
    }

    /// The first instant at which a matching event is late.
    pub fn first_late(&self) -> Micros {
        self.last_on_time.saturating_add(1)
    }

    /// True when an event at `t` meets the obligation in time.
    pub fn is_on_time(&self, t: Micros) -> bool {
        t <= self.last_on_time
    }
}

/// The deadline of `amount` `unit`s after `trigger`, in zone `tz` with
/// business calendar `cal`.
///
/// - `seconds` to `weeks`: exact elapsed time (7 days = 168 h, across DST
///   changes too), [`DueKind::Exact`].
/// - `calendar days`: the end of the N-th local day after the trigger's day.
/// - `business days`: the end of the N-th business day after the trigger's
///   day, skipping weekend days and holidays; the trigger's own day is never
///   counted, whatever it is.
/// - `months`: the end of the local day with the trigger's day of the month,
///   N months later (the month's last day when it is shorter).
///
/// None when `amount` is not positive, when the calendar has no business day
/// at all, or when the result (or the trigger) is outside the representable
/// range.
pub fn due(trigger: Micros, amount: i64, unit: DurationUnit, tz: Tz, cal: &Calendar) -> Option<Due> {
    if amount <= 0 {
        return None;
    }
    let exact = |size: Micros| {
        from_micros(trigger)?;
        let last_on_time = trigger.checked_add(amount.checked_mul(size)?)?;
        from_micros(last_on_time)?;
        Some(Due::exact(last_on_time))
    };
    match unit {
        DurationUnit::Second => exact(SECOND),
        DurationUnit::Minute => exact(MINUTE),
        DurationUnit::Hour => exact(HOUR),
        DurationUnit::Day => exact(DAY),
        DurationUnit::Week => exact(WEEK),
        DurationUnit::CalendarDay => {
            let start = local(trigger, tz)?.date();
            end_of_local_day(start.checked_add_days(Days::new(u64::try_from(amount).ok()?))?, tz)
        }
        DurationUnit::BusinessDay => {
            let start = local(trigger, tz)?.date();
            end_of_local_day(nth_business_day(start, amount, cal)?, tz)
        }
        DurationUnit::Month | DurationUnit::Year => {
            let start = local(trigger, tz)?.date();
            let months = if unit == DurationUnit::Year { amount.checked_mul(12)? } else { amount };
            end_of_local_day(start.checked_add_months(Months::new(u32::try_from(months).ok()?))?, tz)
        }
    }
}

/// The deadline at the end of local day `date`.
pub fn end_of_local_day(date: NaiveDate, tz: Tz) -> Option<Due> {
    let first_late = start_of_local_day(date.succ_opt()?, tz)?;
    Some(Due { last_on_time: first_late.checked_sub(1)?, kind: DueKind::EndOfLocalDay { date }, rolled_from: None })
}

/// `due` moved, when its local day is not a business day, to the end of
/// the next business day (`ending on a business day`). A deadline already on
/// a business day is kept as it is, exact or not. None when the calendar has
/// no business day at all.
pub fn roll(due: Due, tz: Tz, cal: &Calendar) -> Option<Due> {
    let day = due.local_day(tz)?;
    if cal.is_business_day(day) {
        return Some(due);
    }
    let mut rolled = end_of_local_day(nth_business_day(day, 1, cal)?, tz)?;
    rolled.rolled_from = Some(due.rolled_from.unwrap_or(day));
    Some(rolled)
}

/// The first instant of local day `date` in `tz`: local midnight; the
/// earlier one when midnight happens twice; the first valid instant after
/// it when a DST gap skips midnight.
pub fn start_of_local_day(date: NaiveDate, tz: Tz) -> Option<Micros> {
    let midnight = date.and_time(NaiveTime::MIN);
    match tz.from_local_datetime(&midnight) {
        LocalResult::Single(t) => Some(to_micros(t)),
        LocalResult::Ambiguous(a, b) => Some(to_micros(a).min(to_micros(b))),
        LocalResult::None => GapInfo::new(&midnight, &tz)?.end.map(to_micros),
    }
}

/// The `n`-th business day after `start` (`start` itself is never counted).
///
/// Runs of whole weeks without a holiday or make-up working day are skipped
/// at once (each holds the same number of business days), so a huge `n`
/// costs no more than the listed days it crosses.
pub(crate) fn nth_business_day(start: NaiveDate, n: i64, cal: &Calendar) -> Option<NaiveDate> {
    let per_week = cal.business_days_per_week();
    if per_week == 0 {
        // Every day is a weekend day: only make-up working days count.
        return cal.workdays().range(start.succ_opt()?..).nth(usize::try_from(n.checked_sub(1)?).ok()?).copied();
    }
    let mut day = start;
    let mut left = n;
    while left > 0 {
        // Whole weeks in (day, day + 7k] with no holiday, leaving at least one
        // business day to step to.
        let mut weeks = (left - 1) / per_week;
        if let Some(h) = cal.next_listed_after(day) {
            weeks = weeks.min(((h - day).num_days() - 1) / 7);
        }
        if weeks > 0 {
            day = day.checked_add_days(Days::new(u64::try_from(weeks.checked_mul(7)?).ok()?))?;
            left -= weeks * per_week;
        }
        day = day.succ_opt()?;
        if cal.is_business_day(day) {
            left -= 1;
        }
    }
    Some(day)
}
