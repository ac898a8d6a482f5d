//! Evaluation: compiled policies over event logs, streaming.
//!
//! [`compile`] turns a checked policy set into a [`Program`]; an [`Engine`]
//! takes events in log order and hands each decided rule instance to a
//! [`Sink`]; [`finish`](Engine::finish) decides what is still open against
//! the horizon. [`run_log`] wires a program to the log readers.

mod aggregate;
pub mod compile;
mod deadline;
mod emit;
pub mod engine;
pub mod expr;
pub mod ir;
mod keys;
mod lookback;
mod obligation;
mod period;
mod prior;
pub mod verdict;

pub use compile::{compile, compile_with_keys};
pub use engine::Engine;
pub use ir::Program;
pub use verdict::{Collect, EventRef, Instance, Sink, Summary};

use crate::log::{LogFailure, ReadOptions, ReadStats};
use crate::time::Micros;
use std::path::PathBuf;

/// Runs `program` over the log files `paths` and returns the summary and
/// what the reader saw. `as_of` is the horizon (default: the last event):
/// the log is judged as it stood then, so later events are not judged (they
/// are counted in [`Summary::after_horizon`]).
pub fn run_log(
    program: &Program,
    paths: &[PathBuf],
    opts: &ReadOptions,
    as_of: Option<Micros>,
) -> Result<(Summary, ReadStats), LogFailure> {
    run_log_into(program, paths, opts, as_of, Summary::new(program))
}

/// [`run_log`] into a given summary (one that keeps fewer violations).
pub fn run_log_into(
    program: &Program,
    paths: &[PathBuf],
    opts: &ReadOptions,
    as_of: Option<Micros>,
    summary: Summary,
) -> Result<(Summary, ReadStats), LogFailure> {
    let mut engine = Engine::new(program, summary, false);
    let mut after = 0u64;
    let stats = crate::log::read_log_each(paths, &program.proj, opts, &mut |e| match as_of {
        Some(h) if e.time > h => after += 1,
        _ => engine.push(e),
    })?;
    let mut summary = engine.finish(as_of);
    summary.after_horizon = after;
    Ok((summary, stats))
}

/// Warnings for business calendars that list no holidays for some year the
/// log reaches (business days there would skip weekends only).
pub fn calendar_warnings(program: &Program, first: Option<Micros>, last: Option<Micros>) -> Vec<crate::Diagnostic> {
    use chrono::Datelike;
    let (Some(first), Some(last)) = (first, last) else { return vec![] };
    let mut out = vec![];
    for j in &program.jurisdictions {
        let (Some(name), Some(covered)) = (&j.calendar_name, j.calendar.years_covered()) else { continue };
        let years = crate::time::local_date(first, j.tz).year()..=crate::time::local_date(last, j.tz).year();
        if let Some(year) = years.into_iter().find(|y| !covered.contains(y)) {
            let covered = format!("{}–{}", covered.start(), covered.end());
            let problem = crate::Problem::CalendarNotCovering { calendar: name.clone(), covered, year };
            out.push(crate::Diagnostic::global(problem));
        }
    }
    out
}
