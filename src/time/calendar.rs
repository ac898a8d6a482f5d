//! Business calendars resolved from their declarations.
//!
//! A `calendar` declaration may extend another (`calendar MINE extends BR`),
//! so a deadline cannot be computed from one declaration alone: [`Calendar`]
//! is the flattened result, the weekend as seven flags and every holiday in
//! one sorted set, so that "is this a business day" is a lookup.

use crate::syntax::ast::{self, CalendarDecl};
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeSet;
use std::ops::RangeInclusive;

/// A resolved business calendar: weekend days and holiday dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    name: Option<String>,
    weekend: [bool; 7],
    holidays: BTreeSet<NaiveDate>,
}

/// The weekend when no declaration names one: Saturday and Sunday.
const SAT_SUN: [bool; 7] = [false, false, false, false, false, true, true];

impl Calendar {
    /// A calendar with a Saturday–Sunday weekend and no holidays, for a
    /// jurisdiction that names no calendar.
    pub fn weekends_only() -> Calendar {
        Calendar { name: None, weekend: SAT_SUN, holidays: BTreeSet::new() }
    }

    /// A calendar from its parts: weekend flags (Monday first) and holidays.
    pub fn new(name: Option<String>, weekend: [bool; 7], holidays: impl IntoIterator<Item = NaiveDate>) -> Calendar {
        Calendar { name, weekend, holidays: holidays.into_iter().collect() }
    }

    /// Resolves the calendar `name`, following `extends`.
    ///
    /// A child's holidays are added to its parent's; a child's `weekend`
    /// lines, if it has any, replace the parent's weekend (several lines in
    /// one declaration add up); with no `weekend` line anywhere in the chain
    /// the weekend is Saturday and Sunday. An unknown name or a cycle of
    /// `extends` is an error.
    pub fn resolve<'a>(name: &str, decls: &dyn Fn(&str) -> Option<&'a CalendarDecl>) -> Result<Calendar, String> {
        // Each declaration of the chain, child first: its name, its own
        // weekend (if it has `weekend` lines) and its holidays.
        let mut chain: Vec<(String, Option<[bool; 7]>, Vec<NaiveDate>)> = Vec::new();
        let mut next = Some(name.to_string());
        while let Some(current) = next {
            if chain.iter().any(|(n, ..)| *n == current) {
                let mut names: Vec<&str> = chain.iter().map(|(n, ..)| n.as_str()).collect();
                names.push(&current);
                return Err(format!("calendar `{name}` has an `extends` cycle: {}", names.join(" extends ")));
            }
            let Some(decl) = decls(&current) else {
                return Err(match chain.last() {
                    Some((child, ..)) => format!("calendar `{child}` extends unknown calendar `{current}`"),
                    None => format!("unknown calendar `{current}`"),
                });
            };
            let weekend = (!decl.weekends.is_empty()).then(|| {
                let mut days = [false; 7];
                for day in decl.weekends.iter().flatten() {
                    days[index(day.node)] = true;
                }
                days
            });
            next = decl.extends.as_ref().map(|n| n.text.clone());
            let holidays = decl.holidays.iter().map(|h| h.date.date).collect();
            chain.push((current, weekend, holidays));
        }
        // The nearest declaration with a weekend decides it.
        let weekend = chain.iter().find_map(|(_, w, _)| *w).unwrap_or(SAT_SUN);
        let holidays = chain.into_iter().flat_map(|(.., h)| h).collect();
        Ok(Calendar { name: Some(name.to_string()), weekend, holidays })
    }

    /// The calendar's name, None for [`Calendar::weekends_only`].
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The weekend flags, Monday first.
    pub fn weekend(&self) -> [bool; 7] {
        self.weekend
    }

    /// True when `day` is a weekend day.
    pub fn is_weekend(&self, day: ast::Weekday) -> bool {
        self.weekend[index(day)]
    }

    /// Every holiday, in date order.
    pub fn holidays(&self) -> &BTreeSet<NaiveDate> {
        &self.holidays
    }

    /// True when `date` is a listed holiday.
    pub fn is_holiday(&self, date: NaiveDate) -> bool {
        self.holidays.contains(&date)
    }

    /// True when `date` is neither a weekend day nor a holiday.
    pub fn is_business_day(&self, date: NaiveDate) -> bool {
        !self.weekend[date.weekday().num_days_from_monday() as usize] && !self.holidays.contains(&date)
    }

    /// How many weekdays are not weekend days (0 to 7).
    pub fn business_days_per_week(&self) -> i64 {
        self.weekend.iter().filter(|w| !**w).count() as i64
    }

    /// The first and last years with a listed holiday, None without holidays.
    ///
    /// Outside these years only the weekend is skipped, so a caller should
    /// warn when a deadline falls there (shipped calendars cover 2024–2027).
    pub fn years_covered(&self) -> Option<RangeInclusive<i32>> {
        let first = self.holidays.first()?.year();
        let last = self.holidays.last()?.year();
        Some(first..=last)
    }

    /// True when the calendar lists at least one holiday in `year`.
    pub fn lists_year(&self, year: i32) -> bool {
        let (Some(start), Some(end)) = (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31))
        else {
            return false;
        };
        self.holidays.range(start..=end).next().is_some()
    }

    /// How many business days lie in `from..=to` (0 when `to < from`).
    pub fn business_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        if to < from {
            return 0;
        }
        let days = (to - from).num_days() + 1;
        let weeks = days / 7;
        // Whole weeks hold every weekday once; the rest is counted by hand.
        let mut count = weeks.saturating_mul(self.business_days_per_week());
        let mut day = from.checked_add_days(chrono::Days::new((weeks * 7) as u64));
        while let Some(d) = day.filter(|d| *d <= to) {
            count += i64::from(!self.weekend[d.weekday().num_days_from_monday() as usize]);
            day = d.succ_opt();
        }
        let on_weekdays =
            self.holidays.range(from..=to).filter(|h| !self.weekend[h.weekday().num_days_from_monday() as usize]);
        count - on_weekdays.count() as i64
    }
}

/// The position of a day in the weekend flags, Monday = 0.
pub(crate) fn index(day: ast::Weekday) -> usize {
    match day {
        ast::Weekday::Mon => 0,
        ast::Weekday::Tue => 1,
        ast::Weekday::Wed => 2,
        ast::Weekday::Thu => 3,
        ast::Weekday::Fri => 4,
        ast::Weekday::Sat => 5,
        ast::Weekday::Sun => 6,
    }
}
