//! Unit tests of calendar arithmetic: months and years, business days both
//! ways, rolls to a business day, DST.

use super::*;
use crate::syntax::ast::DurationUnit as U;
use chrono::NaiveDate;
use chrono_tz::Tz;

const LONDON: Tz = chrono_tz::Europe::London;

fn at(s: &str) -> Micros {
    parse_instant(s).unwrap()
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// Saturday and Sunday off, with the 2026 late May bank holiday.
fn gb() -> Calendar {
    Calendar::new(Some("GB".into()), [false, false, false, false, false, true, true], [date("2026-05-25")])
}

#[test]
fn a_month_lands_on_the_same_day_clamped_to_the_month_end() {
    let cal = gb();
    let cases = [
        ("2026-01-31", 1, U::Month, "2026-02-28"),
        ("2028-01-31", 1, U::Month, "2028-02-29"),
        ("2026-01-31", 2, U::Month, "2026-03-31"),
        ("2026-03-31", -1, U::Month, "2026-02-28"),
        ("2026-08-31", 1, U::Month, "2026-09-30"),
        ("2028-02-29", 1, U::Year, "2029-02-28"),
        ("2028-02-29", 4, U::Year, "2032-02-29"),
        ("2027-02-28", 1, U::Year, "2028-02-28"),
        ("2026-12-31", 1, U::CalendarDay, "2027-01-01"),
    ];
    for (from, n, unit, to) in cases {
        assert_eq!(shift_date(date(from), n, unit, &cal), Some(date(to)), "{from} + {n} {unit:?}");
    }
}

#[test]
fn month_deadlines_end_at_the_end_of_the_clamped_day() {
    let cal = gb();
    let d = due(at("2026-01-31T10:00:00Z"), 1, U::Month, LONDON, &cal).unwrap();
    assert_eq!(d.kind, DueKind::EndOfLocalDay { date: date("2026-02-28") });
    assert!(d.is_on_time(at("2026-02-28T23:59:59.999999Z")));
    assert!(!d.is_on_time(at("2026-03-01T00:00:00Z")));
    let y = due(at("2028-02-29T10:00:00Z"), 1, U::Year, LONDON, &cal).unwrap();
    assert_eq!(y.kind, DueKind::EndOfLocalDay { date: date("2029-02-28") });
}

#[test]
fn business_days_count_both_ways_skipping_weekends_and_holidays() {
    let cal = gb();
    // Friday 22 May + 1 business day: Monday 25 is a bank holiday.
    assert_eq!(shift_date(date("2026-05-22"), 1, U::BusinessDay, &cal), Some(date("2026-05-26")));
    assert_eq!(shift_date(date("2026-05-26"), -1, U::BusinessDay, &cal), Some(date("2026-05-22")));
    assert_eq!(shift_date(date("2026-05-26"), -6, U::BusinessDay, &cal), Some(date("2026-05-15")));
    assert_eq!(shift_date(date("2026-05-23"), 0, U::BusinessDay, &cal), Some(date("2026-05-23")));
    assert_eq!(business_days_between(date("2026-05-22"), date("2026-05-26"), &cal), Some(1));
    assert_eq!(business_days_between(date("2026-05-26"), date("2026-05-22"), &cal), Some(-1));
    assert_eq!(business_days_between(date("2026-05-22"), date("2026-05-22"), &cal), Some(0));
    let none = Calendar::new(None, [true; 7], []);
    assert_eq!(shift_date(date("2026-05-22"), 1, U::BusinessDay, &none), None);
    assert_eq!(shift_date(date("2026-05-22"), -1, U::BusinessDay, &none), None);
}

#[test]
fn shifting_an_instant_keeps_its_local_time_across_the_clock_change() {
    let cal = gb();
    // 12:00 GMT on Saturday 28 March is 12:00 BST on Sunday 29 March.
    assert_eq!(shift(at("2026-03-28T12:00:00Z"), 1, U::CalendarDay, LONDON, &cal), Some(at("2026-03-29T11:00:00Z")));
    // 01:30 on 29 March does not exist in London: the first instant after the gap.
    assert_eq!(shift(at("2026-03-28T01:30:00Z"), 1, U::CalendarDay, LONDON, &cal), Some(at("2026-03-29T01:00:00Z")));
    // 01:30 on 25 October happens twice: the earlier one.
    assert_eq!(
        shift(at("2026-10-24T01:30:00+01:00"), 1, U::CalendarDay, LONDON, &cal),
        Some(at("2026-10-25T01:30:00+01:00"))
    );
    assert_eq!(shift(at("2026-01-31T10:00:00Z"), 1, U::Month, LONDON, &cal), Some(at("2026-02-28T10:00:00Z")));
    // Exact units are not calendar shifts.
    assert_eq!(shift(at("2026-01-31T10:00:00Z"), 1, U::Day, LONDON, &cal), None);
}

#[test]
fn a_deadline_rolls_off_weekends_and_holidays_to_the_end_of_the_next_business_day() {
    let cal = gb();
    // 30 April + 1 month = Saturday 30 May → Monday 1 June.
    let d = due(at("2026-04-30T10:00:00+01:00"), 1, U::Month, LONDON, &cal).unwrap();
    let r = roll(d, LONDON, &cal).unwrap();
    assert_eq!(r.kind, DueKind::EndOfLocalDay { date: date("2026-06-01") });
    assert_eq!(r.rolled_from, Some(date("2026-05-30")));
    assert_eq!(rolled(date("2026-05-30"), date("2026-06-01")), "rolled from Sat 2026-05-30 to Mon 2026-06-01");
    // Saturday 23 May → past the bank holiday Monday to Tuesday 26 May.
    let d = due(at("2026-04-23T10:00:00+01:00"), 1, U::Month, LONDON, &cal).unwrap();
    assert_eq!(roll(d, LONDON, &cal).unwrap().kind, DueKind::EndOfLocalDay { date: date("2026-05-26") });
    // A deadline on a business day is kept as it is, exact ones too.
    let exact = Due::exact(at("2026-05-27T15:00:00+01:00"));
    assert_eq!(roll(exact, LONDON, &cal), Some(exact));
    // An exact deadline on a Sunday ends with the next business day.
    let sunday = Due::exact(at("2026-05-31T15:00:00+01:00"));
    let r = roll(sunday, LONDON, &cal).unwrap();
    assert_eq!(r.last_on_time, at("2026-06-01T23:59:59.999999+01:00"));
}

#[test]
fn day_functions_answer_in_local_time() {
    let cal = gb();
    assert_eq!(next_business_day(date("2026-05-22"), LONDON, &cal), Some(at("2026-05-26T00:00:00+01:00")));
    assert_eq!(previous_business_day(date("2026-05-26"), LONDON, &cal), Some(at("2026-05-22T00:00:00+01:00")));
    assert_eq!(end_of_day(date("2026-03-28"), LONDON), Some(at("2026-03-28T23:59:59.999999Z")));
    // The day of the clock change has 23 hours.
    assert_eq!(end_of_day(date("2026-03-29"), LONDON), Some(at("2026-03-29T23:59:59.999999+01:00")));
}
