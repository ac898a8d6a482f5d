//! Local time of an instant, for time predicates (`during`, weekday, hour).
//!
//! Predicates must answer for every event, so apart from [`local`] these
//! helpers never fail: an instant beyond chrono's range is first clamped
//! into it (no real log comes near those years).

use super::calendar::index;
use super::{clamp, from_micros, Micros};
use crate::syntax::ast::{self, HoursSpan};
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Timelike};
use chrono_tz::Tz;

/// The local date-time of `t` in `tz`, None beyond chrono's range.
pub fn local(t: Micros, tz: Tz) -> Option<NaiveDateTime> {
    let utc = from_micros(t)?.naive_utc();
    utc.checked_add_offset(tz.offset_from_utc_datetime(&utc).fix())
}

/// The local date-time of `t` in `tz`, `t` clamped into chrono's range.
fn local_clamped(t: Micros, tz: Tz) -> NaiveDateTime {
    local(clamp(t), tz).unwrap_or(if t < 0 { NaiveDateTime::MIN } else { NaiveDateTime::MAX })
}

/// The local date of `t` in `tz`.
pub fn local_date(t: Micros, tz: Tz) -> NaiveDate {
    local_clamped(t, tz).date()
}

/// The local day of the week of `t` in `tz`.
pub fn weekday(t: Micros, tz: Tz) -> ast::Weekday {
    from_chrono(local_clamped(t, tz).weekday())
}

/// The day of the week of a date.
pub fn weekday_of(d: NaiveDate) -> ast::Weekday {
    from_chrono(d.weekday())
}

/// The local hour (0–23) of `t` in `tz`.
pub fn hour(t: Micros, tz: Tz) -> u32 {
    local_clamped(t, tz).hour()
}

/// True when `t` falls in one of `spans`, in local time of `tz`.
///
/// - A day range may wrap: `sat-mon` is Saturday, Sunday and Monday.
/// - A clock range includes its opening and excludes its closing time:
///   `08:00-20:00` holds at 08:00:00 and not at 20:00:00.
/// - A closing time of 23:59:59 (what `24:00` is lowered to) means the end
///   of the day, included.
/// - A closing time before the opening time (`22:00-06:00`) runs overnight:
///   from the opening time on each listed day to the closing time the next
///   morning.
/// - A span without a clock range covers the whole of each listed day.
pub fn during(t: Micros, tz: Tz, spans: &[HoursSpan]) -> bool {
    let at = local_clamped(t, tz);
    let day = at.weekday().num_days_from_monday() as usize;
    let yesterday = (day + 6) % 7;
    let time = at.time();
    spans.iter().any(|span| {
        let Some((open, close)) = span.clock else {
            return covers(span, day);
        };
        if close == end_of_day() {
            covers(span, day) && time >= open
        } else if open <= close {
            covers(span, day) && open <= time && time < close
        } else {
            (covers(span, day) && time >= open) || (covers(span, yesterday) && time < close)
        }
    })
}

/// True when the day range of `span` includes day `day` (Monday = 0).
fn covers(span: &HoursSpan, day: usize) -> bool {
    let (from, to) = (index(span.from_day), index(span.to_day));
    if from <= to {
        from <= day && day <= to
    } else {
        day >= from || day <= to
    }
}

/// 23:59:59, the lowering of `24:00`.
fn end_of_day() -> NaiveTime {
    NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN)
}

/// The policy weekday of a chrono weekday.
pub(crate) fn from_chrono(day: chrono::Weekday) -> ast::Weekday {
    match day {
        chrono::Weekday::Mon => ast::Weekday::Mon,
        chrono::Weekday::Tue => ast::Weekday::Tue,
        chrono::Weekday::Wed => ast::Weekday::Wed,
        chrono::Weekday::Thu => ast::Weekday::Thu,
        chrono::Weekday::Fri => ast::Weekday::Fri,
        chrono::Weekday::Sat => ast::Weekday::Sat,
        chrono::Weekday::Sun => ast::Weekday::Sun,
    }
}
