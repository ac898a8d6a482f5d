//! RFC 3339 timestamps to [`Micros`], by hand.
//!
//! Every log line carries a time, so this runs tens of millions of times per
//! evaluation: it works on bytes, allocates nothing and uses days-from-civil
//! arithmetic instead of a calendar library. It accepts exactly
//! `YYYY-MM-DD(T|t| )HH:MM:SS[.fraction](Z|z|±HH:MM)` with one to nine
//! fractional digits (truncated to microseconds) and checks every field's
//! range, including the length of the month in leap years.

use crate::time::Micros;

/// Parses an RFC 3339 date-time with an offset to microseconds since the
/// Unix epoch, or None when `s` is not one.
pub fn parse_rfc3339(s: &[u8]) -> Option<Micros> {
    parse_with(s, &mut TimeMemo::default())
}

/// The date and hour of the last time parsed: a log's consecutive times
/// mostly share them, and then only minutes, seconds and offset are read.
#[derive(Debug, Clone, Default)]
pub(crate) struct TimeMemo {
    /// `YYYY-MM-DDTHH` (all zero bytes before the first time).
    prefix: [u8; 13],
    /// Seconds since the epoch of that hour, before the offset.
    base: i64,
}

/// [`parse_rfc3339`], reusing the date and hour of the previous call.
#[inline]
pub(crate) fn parse_with(s: &[u8], memo: &mut TimeMemo) -> Option<Micros> {
    let (head, tail) = (s.get(..13)?, s.get(13..)?);
    let word =
        |b: &[u8], at: usize| b.get(at..at + 8).and_then(|w| <[u8; 8]>::try_from(w).ok()).map(u64::from_le_bytes);
    let same = word(head, 0) == word(&memo.prefix, 0) && word(head, 5) == word(&memo.prefix, 5);
    let base = if same {
        memo.base
    } else {
        let base = date_hour(head)?;
        memo.prefix.copy_from_slice(head);
        memo.base = base;
        base
    };
    let [b':', n1, n2, b':', s1, s2, rest @ ..] = tail else { return None };
    let (minute, second) = (two(*n1, *n2)?, two(*s1, *s2)?);
    // Second 60 is a leap second; it is counted as the next minute's start.
    if minute > 59 || second > 60 {
        return None;
    }
    let (micros, rest) = match rest {
        [b'.', frac @ ..] => fraction(frac)?,
        _ => (0, rest),
    };
    let offset_secs = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let (oh, om) = (two(*h1, *h2)?, two(*m1, *m2)?);
            if oh > 23 || om > 59 {
                return None;
            }
            let off = oh * 3600 + om * 60;
            if *sign == b'-' {
                -off
            } else {
                off
            }
        }
        _ => return None,
    };
    Some((base + minute * 60 + second - offset_secs) * 1_000_000 + micros)
}

/// `YYYY-MM-DDTHH` as seconds since the epoch, checked.
fn date_hour(s: &[u8]) -> Option<i64> {
    let [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2, b'T' | b't' | b' ', h1, h2] = s else { return None };
    let year = two(*y1, *y2)? * 100 + two(*y3, *y4)?;
    let (month, day, hour) = (two(*m1, *m2)?, two(*d1, *d2)?, two(*h1, *h2)?);
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) || hour > 23 {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3600)
}

/// One to nine fractional digits as microseconds (truncated), and the rest.
fn fraction(s: &[u8]) -> Option<(i64, &[u8])> {
    let n = s.iter().take_while(|b| b.is_ascii_digit()).count();
    if n == 0 || n > 9 {
        return None;
    }
    let mut micros = 0i64;
    for i in 0..6 {
        micros = micros * 10 + s.get(i).filter(|_| i < n).map_or(0, |d| i64::from(d - b'0'));
    }
    Some((micros, s.get(n..)?))
}

/// Two ASCII digits as a number.
#[inline(always)]
fn two(a: u8, b: u8) -> Option<i64> {
    let (a, b) = (a.wrapping_sub(b'0'), b.wrapping_sub(b'0'));
    (a < 10 && b < 10).then(|| i64::from(a) * 10 + i64::from(b))
}

/// The number of days in a month of the proleptic Gregorian calendar.
fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::{parse_rfc3339, parse_with, TimeMemo};

    fn chrono(s: &str) -> Option<i64> {
        chrono::DateTime::parse_from_rfc3339(s).ok().map(|t| t.timestamp_micros())
    }

    #[test]
    fn agrees_with_chrono() {
        for s in [
            "2026-03-02T09:15:00Z",
            "2026-03-02T09:15:00.123-03:00",
            "2026-03-02t09:15:00.123456789+05:30",
            "2026-03-02 09:15:00z",
            "1970-01-01T00:00:00Z",
            "1969-12-31T23:59:59.5Z",
            "0000-03-01T00:00:00Z",
            "9999-12-31T23:59:59.999999+23:59",
            "2024-02-29T12:00:00+00:00",
            "2000-02-29T12:00:00-00:00",
            "2012-10-09T14:50:17+00:00",
            "2005-03-23T00:00:00.000+01:00",
        ] {
            assert_eq!(parse_rfc3339(s.as_bytes()), chrono(s), "{s}");
            assert!(parse_rfc3339(s.as_bytes()).is_some(), "{s}");
        }
    }

    #[test]
    fn truncates_to_microseconds() {
        assert_eq!(parse_rfc3339(b"1970-01-01T00:00:00.1234567Z"), Some(123_456));
        assert_eq!(parse_rfc3339(b"1970-01-01T00:00:00.9Z"), Some(900_000));
    }

    #[test]
    fn memo_gives_the_same_answers() {
        let mut memo = TimeMemo::default();
        for s in ["2026-03-02T09:15:00Z", "2026-03-02T09:16:00.5+01:00", "2026-03-02T09:99:00Z", "2026-03-02T10:00:00Z"]
        {
            assert_eq!(parse_with(s.as_bytes(), &mut memo), parse_rfc3339(s.as_bytes()), "{s}");
        }
        assert_eq!(parse_with(b"2026-03-02T10", &mut memo), None);
    }

    #[test]
    fn leap_second_is_next_minute() {
        assert_eq!(parse_rfc3339(b"1970-01-01T00:00:60Z"), Some(60_000_000));
    }

    #[test]
    fn rejects() {
        for s in [
            "",
            "2026-03-02",
            "2026-03-02T09:15:00",
            "2026-13-01T00:00:00Z",
            "2026-00-01T00:00:00Z",
            "2026-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z",
            "2026-04-31T00:00:00Z",
            "2026-03-02T24:00:00Z",
            "2026-03-02T23:60:00Z",
            "2026-03-02T23:00:61Z",
            "2026-03-02T09:15:00.Z",
            "2026-03-02T09:15:00.1234567890Z",
            "2026-03-02T09:15:00+0300",
            "2026-03-02T09:15:00+24:00",
            "2026-03-02T09:15:00+03:60",
            "2026-03-02T09:15:00Zx",
            "2026-03-02X09:15:00Z",
            "+026-03-02T09:15:00Z",
            "2026-3-02T09:15:00Z",
            "2026-03-02T09:15:00 Z",
        ] {
            assert_eq!(parse_rfc3339(s.as_bytes()), None, "{s}");
        }
    }
}
