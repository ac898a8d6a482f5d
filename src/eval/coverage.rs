//! Calendar coverage: warnings when a business-day count reaches a year the
//! jurisdiction's calendar lists no holidays for.
//!
//! Outside the years a calendar covers, a business-day count skips weekends
//! only, so a deadline in 2028 would silently count a 2028 holiday as a
//! business day. The engine notes, per rule, the uncovered years its
//! business-day deadlines reached (a rule's list stays tiny: one entry per
//! year, and nothing is allocated while deadlines stay in covered years);
//! [`calendar_warnings`] turns them, the log's years and the horizon into
//! one run warning per (calendar, year).

use super::ir::{Jurisdiction, Program};
use crate::syntax::ast::DurationUnit;
use crate::time::{self, Due, DueKind, Micros};
use crate::{Diagnostic, Problem};
use chrono::Datelike;
use std::collections::BTreeSet;

/// A year a rule's business-day deadline reached that its jurisdiction's
/// calendar lists no holidays for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct CalendarGap {
    /// The rule (index into [`Program::rules`]).
    pub rule: usize,
    /// The year.
    pub year: i32,
}

/// The first uncovered year a deadline of `unit` from `trigger` to `due`
/// counted business days in, if any.
pub fn uncovered_year(jur: &Jurisdiction, trigger: Micros, unit: DurationUnit, due: &Due) -> Option<i32> {
    let (DurationUnit::BusinessDay, DueKind::EndOfLocalDay { date }) = (unit, due.kind) else { return None };
    jur.calendar_name.as_ref()?;
    let start = time::local_date(trigger, jur.tz).succ_opt()?;
    jur.calendar.first_uncovered(start, date)
}

/// Adds `year` to a rule's list of uncovered years, once.
pub fn note(years: &mut Vec<i32>, year: i32) {
    if !years.contains(&year) {
        years.push(year);
    }
}

/// The run warnings about calendar coverage, one per (calendar, year): the
/// log's years (`first..=last`), the horizon's year, and the years the
/// rules' deadlines reached (`gaps`, naming the first rule that needed it).
pub fn calendar_warnings(
    program: &Program,
    gaps: &[CalendarGap],
    first: Option<Micros>,
    last: Option<Micros>,
    horizon: Option<Micros>,
) -> Vec<Diagnostic> {
    let mut warned: BTreeSet<(String, i32)> = BTreeSet::new();
    let mut out = vec![];
    let mut warn = |j: &Jurisdiction, year: i32, reach: String| {
        let (Some(name), Some(covered)) = (&j.calendar_name, j.calendar.years_covered()) else { return };
        if j.calendar.lists_year(year) || !warned.insert((name.clone(), year)) {
            return;
        }
        let covered = format!("{}–{}", covered.start(), covered.end());
        out.push(Diagnostic::global(Problem::CalendarNotCovering { calendar: name.clone(), covered, year, reach }));
    };
    for j in &program.jurisdictions {
        if let (Some(first), Some(last)) = (first, last) {
            let years = time::local_date(first, j.tz).year()..=time::local_date(last, j.tz).year();
            // The latest year the log reaches without holidays: a log into
            // 2030 is said to reach 2030, not only the first such year.
            if let Some(year) = years.into_iter().rev().find(|y| !j.calendar.lists_year(*y)) {
                warn(j, year, "the log".into());
            }
        }
        if let Some(h) = horizon {
            warn(j, time::local_date(h, j.tz).year(), "the horizon".into());
        }
    }
    let mut gaps = gaps.to_vec();
    gaps.sort();
    for g in gaps {
        let Some(rule) = program.rules.get(g.rule) else { continue };
        let Some(j) = program.jurisdictions.get(rule.jurisdiction) else { continue };
        warn(j, g.year, format!("a business-day deadline of rule `{}`", rule.name));
    }
    out
}

/// One run warning per rule whose remedy could not be computed for some
/// violations (a field absent, a parameter without a value that day, an
/// amount overflowing).
pub fn remedy_warnings(
    program: &Program,
    errors: &std::collections::BTreeMap<(usize, &'static str), u64>,
) -> Vec<Diagnostic> {
    errors
        .iter()
        .filter_map(|((rule, why), count)| {
            let rule = program.rules.get(*rule)?.name.clone();
            Some(Diagnostic::global(Problem::RemedyNotComputed { rule, reason: (*why).to_string(), count: *count }))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::{Engine, Summary};
    use crate::log::{Event, Loc};
    use crate::value::Val;

    const POLICY: &str = r#"jurisdiction T "Test"
  timezone "America/Sao_Paulo"
  calendar BR

event asked { case: id }
event answered { case: id }

rule answer "Questions are answered within five business days" cites "test" {
  when asked as a
  require answered where case == a.case within 5 business days
}

rule quick "Questions are answered within a day" cites "test" {
  when asked as a
  require answered where case == a.case within 24 hours
}
"#;

    fn program() -> Program {
        crate::eval::program_of(POLICY)
    }

    fn run(times: &[&str]) -> (Program, Summary) {
        let program = program();
        let (asked, case) = (program.proj.types["asked"], program.proj.keys["case"]);
        let mut engine = Engine::new(&program, Summary::new(&program), false);
        for (n, t) in times.iter().enumerate() {
            let attrs = [(case, Val::Str(format!("C-{n}").into()))].into_iter().collect();
            let time = time::parse_instant(t).expect("a time");
            engine.push(&Event { time, kind: asked, attrs, loc: Loc { file: 0, line: n as u64 + 1 } });
        }
        let summary = engine.finish(None);
        (program, summary)
    }

    #[test]
    fn a_deadline_in_an_uncovered_year_is_noted_once_per_rule_and_year() {
        // BR lists holidays for 2008–2027: a trigger on 28 Dec 2027 is due in 2028.
        let (program, summary) =
            run(&["2027-12-28T10:00:00-03:00", "2027-12-29T10:00:00-03:00", "2027-12-30T10:00:00-03:00"]);
        assert_eq!(summary.calendar_gaps, vec![CalendarGap { rule: 0, year: 2028 }], "only the business-day rule");
        let warnings = calendar_warnings(&program, &summary.calendar_gaps, None, None, None);
        let text: Vec<String> = warnings.iter().map(|d| d.problem.to_string()).collect();
        assert_eq!(
            text,
            ["calendar `BR` lists holidays for 2008–2027 only, but a business-day deadline of rule `answer` reaches 2028"]
        );
    }

    #[test]
    fn deadlines_inside_covered_years_note_nothing() {
        let (_, summary) = run(&["2026-03-02T10:00:00-03:00", "2027-12-01T10:00:00-03:00"]);
        assert!(summary.calendar_gaps.is_empty());
    }

    #[test]
    fn the_log_and_the_horizon_warn_once_per_calendar_and_year() {
        let program = program();
        let at = |t: &str| time::parse_instant(t);
        let gaps = [CalendarGap { rule: 0, year: 2028 }, CalendarGap { rule: 0, year: 2029 }];
        let warnings = calendar_warnings(
            &program,
            &gaps,
            at("2027-06-01T00:00:00Z"),
            at("2028-02-01T00:00:00Z"),
            at("2029-06-01T00:00:00Z"),
        );
        let text: Vec<String> = warnings.iter().map(|d| d.problem.to_string()).collect();
        assert_eq!(
            text,
            [
                "calendar `BR` lists holidays for 2008–2027 only, but the log reaches 2028",
                "calendar `BR` lists holidays for 2008–2027 only, but the horizon reaches 2029",
            ]
        );
    }

    #[test]
    fn a_log_reaching_far_past_the_calendar_says_how_far() {
        let program = program();
        let at = |t: &str| time::parse_instant(t);
        let warnings = calendar_warnings(&program, &[], at("2027-06-01T00:00:00Z"), at("2030-02-01T00:00:00Z"), None);
        let text: Vec<String> = warnings.iter().map(|d| d.problem.to_string()).collect();
        assert_eq!(text, ["calendar `BR` lists holidays for 2008–2027 only, but the log reaches 2030"]);
    }
}
