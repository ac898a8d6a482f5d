//! Plain-English explanations of durations, for hover and the REPL.
//!
//! `7 days` and `7 calendar days` look alike and mean different deadlines;
//! the editor and the REPL show one sentence that says which instant ends
//! the duration, worded from the same rules [`super::due`] implements.

use crate::syntax::ast::DurationUnit;

/// One sentence explaining what `amount` `unit` means as a deadline, in the
/// jurisdiction `jurisdiction` (its code, if known) with business calendar
/// `calendar` (its name, if any).
///
/// `describe(7, BusinessDay, Some("BR"), Some("BR"))` gives "7 business
/// days in BR: ends at the end of the 7th business day after the trigger's
/// day, skipping weekends and BR holidays".
pub fn describe(amount: i64, unit: DurationUnit, jurisdiction: Option<&str>, calendar: Option<&str>) -> String {
    describe_with(amount, unit, jurisdiction, calendar, false)
}

/// [`describe`] for a resolved calendar: names it, and says that make-up
/// working days count when it lists any ("skipping weekends and CN
/// holidays, counting make-up working days").
pub fn describe_in(amount: i64, unit: DurationUnit, jurisdiction: Option<&str>, calendar: &super::Calendar) -> String {
    describe_with(amount, unit, jurisdiction, calendar.name(), !calendar.workdays().is_empty())
}

fn describe_with(
    amount: i64,
    unit: DurationUnit,
    jurisdiction: Option<&str>,
    calendar: Option<&str>,
    workdays: bool,
) -> String {
    let written = format!("{amount} {}", unit.as_str(amount != 1));
    if amount <= 0 {
        return format!("{written}: not a deadline, a duration must be positive");
    }
    let place = jurisdiction.map(|j| format!(" in {j}")).unwrap_or_default();
    let local_time = jurisdiction.map_or("local time".to_string(), |j| format!("{j} local time"));
    match unit {
        DurationUnit::Second | DurationUnit::Minute | DurationUnit::Hour => elapsed(&written, &written),
        DurationUnit::Day | DurationUnit::Week => {
            let per = if unit == DurationUnit::Day { 24 } else { 168 };
            match amount.checked_mul(per) {
                Some(hours) => elapsed(&written, &format!("{hours} {}", DurationUnit::Hour.as_str(hours != 1))),
                None => elapsed(&written, &written),
            }
        }
        DurationUnit::CalendarDay => format!(
            "{written}{place}: ends at the end of the {} local day after the trigger's day (midnight, {local_time})",
            ordinal(amount)
        ),
        DurationUnit::BusinessDay => {
            let mut skipped = match calendar {
                Some(c) => format!("weekends and {c} holidays"),
                None => "weekends (no holiday calendar)".to_string(),
            };
            if workdays {
                skipped.push_str(", counting make-up working days");
            }
            format!(
                "{written}{place}: ends at the end of the {} business day after the trigger's day, skipping {skipped}",
                ordinal(amount)
            )
        }
        DurationUnit::Month => format!(
            "{written}{place}: ends at the end of the local day with the trigger's day of the month, {written} \
             later (the month's last day when it is shorter), {local_time}"
        ),
        DurationUnit::Year => format!(
            "{written}{place}: ends at the end of the local day with the trigger's day and month, {written} \
             later (Feb 28 for a trigger on Feb 29 when that year has none), {local_time}"
        ),
    }
}

/// The sentence of an exact elapsed duration.
fn elapsed(written: &str, exact: &str) -> String {
    format!("{written}: exactly {exact} of elapsed time after the trigger, whatever the clock changes")
}

/// `1st`, `2nd`, `3rd`, `4th`, `11th`, `21st`, ...
pub fn ordinal(n: i64) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// The clause a rolled deadline adds to its explanation:
/// "rolled from Sat 2026-05-30 to Mon 2026-06-01".
pub fn rolled(from: chrono::NaiveDate, to: chrono::NaiveDate) -> String {
    format!("rolled from {} to {}", from.format("%a %Y-%m-%d"), to.format("%a %Y-%m-%d"))
}

/// What `, ending on a business day` adds to a duration's explanation.
pub const ROLL_TEXT: &str = "; when that day is not a business day, the deadline moves to the end of the next \
                             business day";
