//! Business calendars resolved from their declarations.
//!
//! A `calendar` declaration may extend another (`calendar MINE extends BR`),
//! so a deadline cannot be computed from one declaration alone: [`Calendar`]
//! is the flattened result, the weekend as seven flags and every holiday in
//! one sorted set, so that "is this a business day" is a lookup.
//!
//! Some countries also turn weekend days into working days (China's State
//! Council schedules make-up working days, 调休上班, around its holiday
//! blocks): `workday D` entries, kept in a second sorted set, make D a
//! business day whatever the weekend says. Along an `extends` chain the
//! nearest declaration that lists a date decides it: a child's `holiday D`
//! overrides its parent's `workday D` and the other way round.

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
    workdays: BTreeSet<NaiveDate>,
}

/// The weekend when no declaration names one: Saturday and Sunday.
const SAT_SUN: [bool; 7] = [false, false, false, false, false, true, true];

impl Calendar {
    /// A calendar with a Saturday–Sunday weekend and no holidays, for a
    /// jurisdiction that names no calendar.
    pub fn weekends_only() -> Calendar {
        Calendar { name: None, weekend: SAT_SUN, holidays: BTreeSet::new(), workdays: BTreeSet::new() }
    }

    /// A calendar from its parts: weekend flags (Monday first) and holidays.
    pub fn new(name: Option<String>, weekend: [bool; 7], holidays: impl IntoIterator<Item = NaiveDate>) -> Calendar {
        Calendar { name, weekend, holidays: holidays.into_iter().collect(), workdays: BTreeSet::new() }
    }

    /// The same calendar with make-up working days: each date becomes a
    /// business day (and stops being a holiday, if it was one).
    pub fn with_workdays(mut self, workdays: impl IntoIterator<Item = NaiveDate>) -> Calendar {
        for d in workdays {
            self.holidays.remove(&d);
            self.workdays.insert(d);
        }
        self
    }

    /// Resolves the calendar `name`, following `extends`.
    ///
    /// A child's holidays and workdays are added to its parent's (when both
    /// list one date, as a holiday in one and a workday in the other, the
    /// child's entry wins); a child's `weekend`
    /// lines, if it has any, replace the parent's weekend (several lines in
    /// one declaration add up); with no `weekend` line anywhere in the chain
    /// the weekend is Saturday and Sunday. An unknown name or a cycle of
    /// `extends` is an error.
    pub fn resolve<'a>(name: &str, decls: &dyn Fn(&str) -> Option<&'a CalendarDecl>) -> Result<Calendar, String> {
        // Each declaration of the chain, child first: its name, its own
        // weekend (if it has `weekend` lines), its holidays and its workdays.
        type Link = (String, Option<[bool; 7]>, Vec<NaiveDate>, Vec<NaiveDate>);
        let mut chain: Vec<Link> = Vec::new();
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
            let workdays = decl.workdays.iter().map(|h| h.date.date).collect();
            chain.push((current, weekend, holidays, workdays));
        }
        // The nearest declaration with a weekend decides it.
        let weekend = chain.iter().find_map(|(_, w, ..)| *w).unwrap_or(SAT_SUN);
        // The nearest declaration that lists a date decides what it is.
        let (mut holidays, mut workdays) = (BTreeSet::new(), BTreeSet::new());
        for (.., hs, ws) in chain {
            for h in hs {
                if !workdays.contains(&h) {
                    holidays.insert(h);
                }
            }
            for w in ws {
                if !holidays.contains(&w) {
                    workdays.insert(w);
                }
            }
        }
        Ok(Calendar { name: Some(name.to_string()), weekend, holidays, workdays })
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

    /// Every make-up working day, in date order.
    pub fn workdays(&self) -> &BTreeSet<NaiveDate> {
        &self.workdays
    }

    /// True when `date` is a listed make-up working day.
    pub fn is_workday(&self, date: NaiveDate) -> bool {
        self.workdays.contains(&date)
    }

    /// True when `date` is a make-up working day, or neither a weekend day
    /// nor a holiday.
    pub fn is_business_day(&self, date: NaiveDate) -> bool {
        self.workdays.contains(&date)
            || (!self.weekend[date.weekday().num_days_from_monday() as usize] && !self.holidays.contains(&date))
    }

    /// The first holiday or workday strictly after `day`: until then every
    /// week holds [`Calendar::business_days_per_week`] business days.
    pub fn next_listed_after(&self, day: NaiveDate) -> Option<NaiveDate> {
        let after = day.succ_opt()?;
        let h = self.holidays.range(after..).next();
        let w = self.workdays.range(after..).next();
        match (h, w) {
            (Some(h), Some(w)) => Some(*h.min(w)),
            (h, w) => h.or(w).copied(),
        }
    }

    /// How many weekdays are not weekend days (0 to 7).
    pub fn business_days_per_week(&self) -> i64 {
        self.weekend.iter().filter(|w| !**w).count() as i64
    }

    /// The first and last years with a listed holiday, None without holidays.
    ///
    /// Outside these years only the weekend is skipped, so a caller should
    /// warn when a deadline falls there (shipped calendars cover 2024–2027, BR from 2008).
    pub fn years_covered(&self) -> Option<RangeInclusive<i32>> {
        let first = self.holidays.first()?.year();
        let last = self.holidays.last()?.year();
        Some(first..=last)
    }

    /// The first year in `from..=to` the calendar lists no holidays for, or
    /// None when it lists some for each (or none at all: a calendar without
    /// holidays claims no coverage). A business-day count over such a year
    /// skips weekends only, so the caller warns.
    ///
    /// Cheap when the range sits in one covered year: two lookups.
    pub fn first_uncovered(&self, from: NaiveDate, to: NaiveDate) -> Option<i32> {
        if self.holidays.is_empty() || to < from {
            return None;
        }
        (from.year()..=to.year()).find(|y| !self.lists_year(*y))
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
        let on_weekends =
            self.workdays.range(from..=to).filter(|w| self.weekend[w.weekday().num_days_from_monday() as usize]);
        count - on_weekdays.count() as i64 + on_weekends.count() as i64
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
