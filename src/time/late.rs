//! Lateness, counted in the unit of a `per ... late` remedy.
//!
//! A remedy such as `10.34 GBP per day late` needs a count, and the count
//! must not depend on how the deadline was set: it is always measured from
//! [`Due::first_late`], the first instant at which the obligation was late.

use super::{local_date, Calendar, Due, Micros, DAY, HOUR, WEEK};
use crate::syntax::ast::RemedyUnit;
use chrono_tz::Tz;

/// How many `unit`s late an event at `at` is for deadline `due` (the
/// horizon, for an obligation never met); 0 when on time.
///
/// - `hour`, `day`, `week`: each started unit of elapsed lateness counts,
///   measured from [`Due::first_late`]. One microsecond late is one day
///   late; exactly 24 hours late is one day, 24 hours and one microsecond
///   is two.
/// - `calendar day`: the number of local dates in `tz` from the date of the
///   first late instant through the date of `at`, both included.
/// - `business day`: the number of business days of `cal` among those
///   dates (so lateness that only spans a weekend counts 0).
pub fn units_late(due: &Due, at: Micros, unit: RemedyUnit, tz: Tz, cal: &Calendar) -> i64 {
    if due.is_on_time(at) {
        return 0;
    }
    let started = |size: Micros| {
        // `at >= first_late`, so the difference is not negative; it only
        // overflows for instants far beyond any log.
        at.checked_sub(due.first_late()).map_or(i64::MAX, |late| late / size + 1)
    };
    match unit {
        RemedyUnit::Hour => started(HOUR),
        RemedyUnit::Day => started(DAY),
        RemedyUnit::Week => started(WEEK),
        RemedyUnit::CalendarDay => {
            let (from, to) = (local_date(due.first_late(), tz), local_date(at, tz));
            (to - from).num_days().saturating_add(1).max(0)
        }
        RemedyUnit::BusinessDay => cal.business_days_between(local_date(due.first_late(), tz), local_date(at, tz)),
    }
}
