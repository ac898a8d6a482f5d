//! Unit tests of deadlines, lateness, local time and periods.

use super::*;
use crate::span::{FileId, Span};
use crate::syntax::ast::{self, CalendarDecl, DurationUnit as U, HoursSpan, Period, RemedyUnit as R, Weekday};
use chrono::{NaiveDate, NaiveTime};
use chrono_tz::Tz;

fn at(s: &str) -> Micros {
    parse_instant(s).unwrap()
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

const SP: Tz = chrono_tz::America::Sao_Paulo;
const LONDON: Tz = chrono_tz::Europe::London;

/// The calendar declarations of a policy text.
fn decls(text: &str) -> Vec<CalendarDecl> {
    let parsed = crate::syntax::parse(text, FileId(0));
    assert!(parsed.diagnostics.is_empty(), "{:#?}", parsed.diagnostics);
    parsed
        .file
        .items
        .into_iter()
        .filter_map(|i| match i {
            ast::Item::Calendar(c) => Some(c),
            _ => None,
        })
        .collect()
}

fn resolve(text: &str, name: &str) -> Result<Calendar, String> {
    let all = decls(text);
    Calendar::resolve(name, &|n| all.iter().find(|d| d.name.text == n))
}

/// Brazil's first 2026 holidays (a weekend of Sat–Sun).
fn br() -> Calendar {
    let holidays = ["2026-01-01", "2026-04-03", "2026-04-21", "2026-05-01", "2026-11-02", "2026-11-20"];
    Calendar::new(Some("BR".into()), [false, false, false, false, false, true, true], holidays.map(date))
}

/// The last local day and first late instant of a day-based deadline.
fn ends(trigger: &str, amount: i64, unit: U, tz: Tz, cal: &Calendar) -> (NaiveDate, Micros) {
    let d = due(at(trigger), amount, unit, tz, cal).unwrap();
    match d.kind {
        DueKind::EndOfLocalDay { date } => (date, d.first_late()),
        DueKind::Exact => panic!("exact deadline for {unit:?}"),
    }
}

#[test]
fn business_days_skip_weekends_and_holidays() {
    let cal = br();
    // Friday + 1 → Monday.
    assert_eq!(ends("2026-03-06T10:00:00-03:00", 1, U::BusinessDay, SP, &cal).0, date("2026-03-09"));
    // Thursday before Good Friday + 1 → Monday.
    assert_eq!(ends("2026-04-02T10:00:00-03:00", 1, U::BusinessDay, SP, &cal).0, date("2026-04-06"));
    // Monday 20 April + 1 skips Tiradentes (Tuesday).
    let (day, late) = ends("2026-04-20T09:00:00-03:00", 1, U::BusinessDay, SP, &cal);
    assert_eq!((day, late), (date("2026-04-22"), at("2026-04-23T03:00:00Z")));
    // A Saturday trigger counts from Monday; so does a Sunday one.
    assert_eq!(ends("2026-03-07T10:00:00-03:00", 1, U::BusinessDay, SP, &cal).0, date("2026-03-09"));
    assert_eq!(ends("2026-03-08T23:00:00-03:00", 2, U::BusinessDay, SP, &cal).0, date("2026-03-10"));
    // Late on a Friday, local time: the Friday is the trigger's day.
    assert_eq!(ends("2026-03-06T23:59:00-03:00", 1, U::BusinessDay, SP, &cal).0, date("2026-03-09"));
    // ... but 02:30 UTC on Friday is still Thursday in São Paulo.
    assert_eq!(ends("2026-03-06T02:30:00Z", 1, U::BusinessDay, SP, &cal).0, date("2026-03-06"));
}

#[test]
fn business_days_agree_with_counting_one_by_one() {
    let cal = br();
    let start = date("2025-12-20");
    for n in 1..400 {
        let mut day = start;
        let mut left = n;
        while left > 0 {
            day = day.succ_opt().unwrap();
            left -= i64::from(cal.is_business_day(day));
        }
        assert_eq!(ends("2025-12-20T12:00:00-03:00", n, U::BusinessDay, SP, &cal).0, day, "{n} business days");
        assert_eq!(cal.business_days_between(start.succ_opt().unwrap(), day), n);
    }
}

#[test]
fn london_dst_changes() {
    let cal = Calendar::weekends_only();
    // March: clocks go forward on Sunday 29th; Monday ends at 23:00 UTC.
    let (day, late) = ends("2026-03-27T18:00:00Z", 1, U::BusinessDay, LONDON, &cal);
    assert_eq!((day, late), (date("2026-03-30"), at("2026-03-30T23:00:00Z")));
    // The 23-hour Sunday as one calendar day.
    assert_eq!(ends("2026-03-28T12:00:00Z", 1, U::CalendarDay, LONDON, &cal).1, at("2026-03-29T23:00:00Z"));
    // October: clocks go back on Sunday 25th; Monday ends at midnight UTC.
    let (day, late) = ends("2026-10-23T18:00:00+01:00", 1, U::BusinessDay, LONDON, &cal);
    assert_eq!((day, late), (date("2026-10-26"), at("2026-10-27T00:00:00Z")));
    // The 25-hour Sunday as one calendar day.
    assert_eq!(ends("2026-10-24T12:00:00+01:00", 1, U::CalendarDay, LONDON, &cal).1, at("2026-10-26T00:00:00Z"));
    // Exact durations ignore the clock: 24 hours is 24 hours, 7 days 168 hours.
    let d = due(at("2026-03-28T12:00:00Z"), 24, U::Hour, LONDON, &cal).unwrap();
    assert_eq!(d, Due::exact(at("2026-03-29T13:00:00+01:00")));
    let d = due(at("2026-10-20T12:00:00+01:00"), 7, U::Day, LONDON, &cal).unwrap();
    assert_eq!(d.last_on_time, at("2026-10-27T11:00:00Z"));
    assert_eq!(due(at("2026-10-20T12:00:00+01:00"), 1, U::Week, LONDON, &cal), Some(d));
}

#[test]
fn trigger_at_the_last_second_of_a_local_day() {
    let cal = Calendar::weekends_only();
    let t = at("2026-03-02T23:59:59-03:00");
    assert_eq!(ends("2026-03-02T23:59:59-03:00", 1, U::CalendarDay, SP, &cal).0, date("2026-03-03"));
    // One second later it is the next local day.
    let d = due(t + SECOND, 1, U::CalendarDay, SP, &cal).unwrap();
    assert_eq!(d.kind, DueKind::EndOfLocalDay { date: date("2026-03-04") });
    assert_eq!(d.first_late(), at("2026-03-05T03:00:00Z"));
    assert!(d.is_on_time(d.first_late() - 1) && !d.is_on_time(d.first_late()));
}

#[test]
fn local_midnight_in_a_gap_or_twice() {
    // São Paulo started DST at midnight on 2018-11-04: the day began at 01:00.
    assert_eq!(start_of_local_day(date("2018-11-04"), SP), Some(at("2018-11-04T01:00:00-02:00")));
    let d = due(at("2018-11-02T12:00:00-03:00"), 1, U::CalendarDay, SP, &Calendar::weekends_only()).unwrap();
    assert_eq!(d.first_late(), at("2018-11-04T03:00:00Z"));
    // Havana goes back from 01:00 to 00:00: midnight happens twice.
    let havana = chrono_tz::America::Havana;
    assert_eq!(start_of_local_day(date("2026-11-01"), havana), Some(at("2026-11-01T00:00:00-04:00")));
}

#[test]
fn months_clamp_to_shorter_months() {
    let cal = Calendar::weekends_only();
    assert_eq!(ends("2026-01-31T10:00:00-03:00", 1, U::Month, SP, &cal).0, date("2026-02-28"));
    assert_eq!(ends("2024-01-31T10:00:00-03:00", 1, U::Month, SP, &cal).0, date("2024-02-29"));
    assert_eq!(ends("2026-01-31T10:00:00-03:00", 3, U::Month, SP, &cal).0, date("2026-04-30"));
    assert_eq!(ends("2026-03-15T10:00:00-03:00", 12, U::Month, SP, &cal).0, date("2027-03-15"));
}

#[test]
fn lateness_from_an_exact_deadline() {
    let cal = br();
    // Wednesday 2026-03-04 12:00 in São Paulo.
    let d = due(at("2026-03-03T12:00:00-03:00"), 24, U::Hour, SP, &cal).unwrap();
    let deadline = d.last_on_time;
    let late = |t: Micros, unit| units_late(&d, t, unit, SP, &cal);
    for unit in [R::Hour, R::Day, R::Week, R::CalendarDay, R::BusinessDay] {
        assert_eq!(late(deadline, unit), 0, "{unit:?} on time");
        assert_eq!(late(deadline + 1, unit), 1, "{unit:?} 1 µs late");
    }
    let day = deadline + DAY;
    assert_eq!([late(day, R::Hour), late(day, R::Day), late(day, R::Week)], [24, 1, 1]);
    assert_eq!([late(day, R::CalendarDay), late(day, R::BusinessDay)], [2, 2]);
    assert_eq!([late(day + 1, R::Hour), late(day + 1, R::Day)], [25, 2]);
    assert_eq!([late(deadline + WEEK, R::Week), late(deadline + WEEK + 1, R::Week)], [1, 2]);
}

#[test]
fn lateness_from_the_end_of_a_friday() {
    let cal = br();
    let d = due(at("2026-03-05T10:00:00-03:00"), 1, U::BusinessDay, SP, &cal).unwrap();
    assert_eq!(d.kind, DueKind::EndOfLocalDay { date: date("2026-03-06") });
    let late = |t: &str, unit| units_late(&d, at(t), unit, SP, &cal);
    assert_eq!(late("2026-03-06T23:59:59-03:00", R::Day), 0);
    // Saturday 00:00: one day, one calendar day, no business day.
    let sat = "2026-03-07T00:00:00-03:00";
    let sat_counts = [late(sat, R::Hour), late(sat, R::Day), late(sat, R::CalendarDay), late(sat, R::BusinessDay)];
    assert_eq!(sat_counts, [1, 1, 1, 0]);
    // Monday 10:00: 58 hours, 3 started days, 3 dates, 1 business day.
    let mon = "2026-03-09T10:00:00-03:00";
    let mon_counts = [late(mon, R::Hour), late(mon, R::Day), late(mon, R::CalendarDay), late(mon, R::BusinessDay)];
    assert_eq!(mon_counts, [59, 3, 3, 1]);
    assert_eq!(late(mon, R::Week), 1);
}

fn span(from: Weekday, to: Weekday, clock: Option<(&str, &str)>) -> HoursSpan {
    let t = |s: &str| NaiveTime::parse_from_str(s, "%H:%M:%S").unwrap();
    HoursSpan { from_day: from, to_day: to, clock: clock.map(|(a, b)| (t(a), t(b))), span: Span::default() }
}

#[test]
fn during_days_and_hours() {
    let office = [span(Weekday::Mon, Weekday::Fri, Some(("08:00:00", "20:00:00")))];
    // Wednesday 2026-03-04 in São Paulo.
    assert!(during(at("2026-03-04T08:00:00-03:00"), SP, &office));
    assert!(during(at("2026-03-04T20:00:00-03:00") - 1, SP, &office));
    assert!(!during(at("2026-03-04T20:00:00-03:00"), SP, &office));
    assert!(!during(at("2026-03-04T07:59:59-03:00"), SP, &office));
    assert!(!during(at("2026-03-07T10:00:00-03:00"), SP, &office), "saturday");
    // A wrapping day range without hours: Saturday to Monday, whole days.
    let weekend = [span(Weekday::Sat, Weekday::Mon, None)];
    for (t, expected) in [("2026-03-07T00:00:00", true), ("2026-03-09T23:59:59", true), ("2026-03-10T00:00:00", false)]
    {
        assert_eq!(during(at(&format!("{t}-03:00")), SP, &weekend), expected, "{t}");
    }
    // 24:00 is lowered to 23:59:59 and includes the whole last second.
    let late_shift = [span(Weekday::Fri, Weekday::Fri, Some(("18:00:00", "23:59:59")))];
    assert!(during(at("2026-03-06T23:59:59-03:00") + SECOND / 2, SP, &late_shift));
    assert!(!during(at("2026-03-07T00:00:00-03:00"), SP, &late_shift));
    // An overnight range runs into the next morning.
    let night = [span(Weekday::Fri, Weekday::Fri, Some(("22:00:00", "06:00:00")))];
    assert!(during(at("2026-03-06T23:00:00-03:00"), SP, &night));
    assert!(during(at("2026-03-07T05:00:00-03:00"), SP, &night));
    assert!(!during(at("2026-03-07T23:00:00-03:00"), SP, &night));
    assert!(!during(at("2026-03-06T05:00:00-03:00"), SP, &night));
}

#[test]
fn local_helpers() {
    let t = at("2026-03-31T23:30:00-03:00");
    assert_eq!(local_date(t, SP), date("2026-03-31"));
    assert_eq!((weekday(t, SP), hour(t, SP)), (Weekday::Tue, 23));
    assert_eq!((weekday(t, Tz::UTC), hour(t, Tz::UTC)), (Weekday::Wed, 2));
}

#[test]
fn periods_are_local() {
    let t = at("2026-03-31T23:30:00-03:00");
    assert_eq!(period_of(t, SP, Period::Month).to_string(), "2026-03");
    assert_eq!(period_of(t, Tz::UTC, Period::Month).to_string(), "2026-04");
    assert_eq!(period_of(t, SP, Period::Quarter).to_string(), "2026-Q1");
    assert_eq!(period_of(t, Tz::UTC, Period::Quarter).to_string(), "2026-Q2");
    assert_eq!(period_of(t, SP, Period::Year).to_string(), "2026");
    let march = period_of(t, SP, Period::Month);
    assert_eq!(period_end(march, SP), at("2026-04-01T03:00:00Z"));
    assert_eq!(period_start(march, SP), at("2026-03-01T03:00:00Z"));
    let q4 = period_of(at("2026-12-31T23:59:59Z"), LONDON, Period::Quarter);
    assert_eq!((q4.to_string(), period_end(q4, LONDON)), ("2026-Q4".into(), at("2027-01-01T00:00:00Z")));
    assert_eq!(serde_json::to_string(&march).unwrap(), "\"2026-03\"");
}

#[test]
fn extreme_inputs_give_none_not_panics() {
    let cal = br();
    let units = [U::Second, U::Minute, U::Hour, U::Day, U::Week, U::Month, U::CalendarDay, U::BusinessDay];
    for unit in units {
        for trigger in [i64::MAX, i64::MIN] {
            assert_eq!(due(trigger, 1, unit, SP, &cal), None, "{unit:?} from {trigger}");
        }
        for amount in [i64::MAX, 0, -1, i64::MIN] {
            assert_eq!(due(0, amount, unit, SP, &cal), None, "{amount} {unit:?}");
        }
    }
    assert_eq!(from_micros(i64::MAX), None);
    assert_eq!(local(i64::MIN, SP), None);
    for t in [i64::MAX, i64::MIN] {
        let _ =
            (local_date(t, SP), weekday(t, SP), hour(t, SP), during(t, SP, &[span(Weekday::Sat, Weekday::Mon, None)]));
        let key = period_of(t, SP, Period::Month);
        let _ = (period_start(key, SP), period_end(key, SP));
    }
    let d = Due::exact(i64::MIN);
    for unit in [R::Hour, R::Day, R::Week, R::CalendarDay, R::BusinessDay] {
        assert!(units_late(&d, i64::MAX, unit, SP, &cal) > 0);
    }
    // A calendar without business days has no business-day deadline.
    let never = Calendar::new(None, [true; 7], []);
    assert_eq!(due(0, 1, U::BusinessDay, SP, &never), None);
}

const CALENDARS: &str = r#"
calendar BASE { weekend fri, sat  holiday 2026-01-01 "a" }
calendar MID extends BASE { holiday 2027-02-02 "b" }
calendar TOP extends MID { weekend sun  holiday 2025-03-03 "c" }
calendar PLAIN { holiday 2026-05-01 }
calendar A extends B { }
calendar B extends C { }
calendar C extends A { }
calendar ORPHAN extends NOPE { }
"#;

#[test]
fn calendars_extend_and_reject_cycles() {
    let mid = resolve(CALENDARS, "MID").unwrap();
    assert_eq!(mid.weekend(), [false, false, false, false, true, true, false], "inherited weekend");
    assert_eq!(mid.holidays().len(), 2);
    let top = resolve(CALENDARS, "TOP").unwrap();
    assert_eq!(top.weekend(), [false, false, false, false, false, false, true], "replaced weekend");
    assert_eq!(top.years_covered(), Some(2025..=2027));
    assert!(top.lists_year(2026) && !top.lists_year(2028));
    assert!(top.is_holiday(date("2026-01-01")) && !top.is_business_day(date("2026-01-01")));
    assert!(top.is_business_day(date("2026-01-02")), "a friday is a business day in TOP");
    let plain = resolve(CALENDARS, "PLAIN").unwrap();
    assert_eq!(plain.weekend(), Calendar::weekends_only().weekend(), "saturday and sunday by default");
    let cycle = resolve(CALENDARS, "A").unwrap_err();
    assert_eq!(cycle, "calendar `A` has an `extends` cycle: A extends B extends C extends A");
    assert_eq!(resolve(CALENDARS, "ORPHAN").unwrap_err(), "calendar `ORPHAN` extends unknown calendar `NOPE`");
    assert_eq!(resolve(CALENDARS, "NONE").unwrap_err(), "unknown calendar `NONE`");
}

#[test]
fn descriptions() {
    assert_eq!(
        describe(7, U::BusinessDay, Some("BR"), Some("BR")),
        "7 business days in BR: ends at the end of the 7th business day after the trigger's day, \
         skipping weekends and BR holidays"
    );
    assert_eq!(
        describe(24, U::Hour, Some("BR"), Some("BR")),
        "24 hours: exactly 24 hours of elapsed time after the trigger, whatever the clock changes"
    );
    assert!(describe(7, U::Day, None, None).contains("exactly 168 hours"));
    assert!(
        describe(1, U::CalendarDay, Some("GB"), None).starts_with("1 calendar day in GB: ends at the end of the 1st")
    );
    assert!(describe(2, U::Month, None, None).contains("the month's last day"));
    assert!(describe(0, U::Hour, None, None).contains("must be positive"));
}

const WORKDAYS: &str = r#"
calendar CNX { weekend sat, sun
  holiday 2026-02-16 "Spring Festival"  holiday 2026-02-17 "Spring Festival"
  workday 2026-02-14 "make-up"  workday 2026-02-28 "make-up" }
calendar CHILD extends CNX { holiday 2026-02-14 "moved back"  workday 2026-02-17 "worked after all" }
calendar ONLY { weekend mon, tue, wed, thu, fri, sat, sun  workday 2026-03-07  workday 2026-03-21 }
"#;

#[test]
fn make_up_working_days_are_business_days() {
    let cal = resolve(WORKDAYS, "CNX").unwrap();
    assert!(cal.is_business_day(date("2026-02-14")), "a saturday worked");
    assert!(cal.is_workday(date("2026-02-14")) && !cal.is_workday(date("2026-02-13")));
    assert!(!cal.is_business_day(date("2026-02-15")), "the sunday after is not");
    // Friday 13 + 1 business day: the make-up Saturday.
    assert_eq!(
        ends("2026-02-13T10:00:00+08:00", 1, U::BusinessDay, chrono_tz::Asia::Shanghai, &cal).0,
        date("2026-02-14")
    );
    // Friday 13 + 2: Sat 14, then Wed 18 (Sun, Mon and Tue skipped).
    assert_eq!(
        ends("2026-02-13T10:00:00+08:00", 2, U::BusinessDay, chrono_tz::Asia::Shanghai, &cal).0,
        date("2026-02-18")
    );
    assert_eq!(cal.business_days_between(date("2026-02-09"), date("2026-03-01")), 15 - 2 + 2);
    // The whole-week skip stops at a workday as it stops at a holiday.
    let start = date("2026-01-01");
    for n in 1..80 {
        let mut day = start;
        let mut left = n;
        while left > 0 {
            day = day.succ_opt().unwrap();
            left -= i64::from(cal.is_business_day(day));
        }
        assert_eq!(ends("2026-01-01T12:00:00+08:00", n, U::BusinessDay, chrono_tz::Asia::Shanghai, &cal).0, day, "{n}");
        assert_eq!(cal.business_days_between(start.succ_opt().unwrap(), day), n, "{n}");
    }
}

#[test]
fn a_child_calendar_entry_wins_over_its_parent() {
    let child = resolve(WORKDAYS, "CHILD").unwrap();
    assert!(child.is_holiday(date("2026-02-14")) && !child.is_business_day(date("2026-02-14")));
    assert!(child.is_workday(date("2026-02-17")) && child.is_business_day(date("2026-02-17")));
    assert!(child.is_workday(date("2026-02-28")), "inherited");
    assert!(child.is_holiday(date("2026-02-16")), "inherited");
}

#[test]
fn a_calendar_of_weekend_days_counts_only_its_workdays() {
    let only = resolve(WORKDAYS, "ONLY").unwrap();
    assert_eq!(ends("2026-03-01T12:00:00Z", 2, U::BusinessDay, chrono_tz::UTC, &only).0, date("2026-03-21"));
    assert_eq!(due(at("2026-03-01T12:00:00Z"), 3, U::BusinessDay, chrono_tz::UTC, &only), None);
    assert_eq!(only.business_days_between(date("2026-03-01"), date("2026-03-31")), 2);
}

#[test]
fn descriptions_mention_make_up_working_days() {
    let cal = resolve(WORKDAYS, "CNX").unwrap();
    assert_eq!(
        describe_in(3, U::BusinessDay, Some("CN"), &cal),
        "3 business days in CN: ends at the end of the 3rd business day after the trigger's day, \
         skipping weekends and CNX holidays, counting make-up working days"
    );
    assert!(!describe_in(3, U::BusinessDay, Some("BR"), &br()).contains("make-up"));
}
