//! Evaluation: compiled policies over event logs, streaming.
//!
//! [`compile`] turns a checked policy set into a [`Program`]; an [`Engine`]
//! takes events in log order and hands each decided rule instance to a
//! [`Sink`]; [`finish`](Engine::finish) decides what is still open against
//! the horizon. [`run_log`] wires a program to the log readers.

mod aggregate;
pub mod compile;
mod coverage;
mod deadline;
mod emit;
pub mod engine;
pub mod expr;
mod fields;
pub mod ir;
mod keyed;
pub(crate) mod keys;
mod lookback;
pub mod numeric;
mod obligation;
pub mod parallel;
mod period;
mod prior;
mod recurring;
pub(crate) mod rules;
pub(crate) mod tagged;
pub mod verdict;

pub use compile::{compile, compile_with_keys};
pub use coverage::{calendar_warnings, remedy_warnings, CalendarGap};
pub use engine::Engine;
pub use ir::Program;
pub use verdict::{Collect, EventRef, Instance, Measured, MeasuredUnit, Sink, Streamed, Summary};

use crate::log::{LogFailure, ReadOptions, ReadStats};
use crate::time::Micros;
use std::path::PathBuf;

/// Instances decided per call of a rule's `finish`: the engine hands each
/// batch on before asking for the next, so that deciding millions of keys or
/// obligations at the end never holds all their instances at once.
pub(crate) const FINISH_BATCH: usize = 4096;

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
    let (mut summary, stats, after) = run_log_with(program, paths, opts, as_of, summary)?;
    summary.after_horizon = after;
    Ok((summary, stats))
}

/// [`run_log`] into any sink; also returns how many events were later than
/// the horizon. The rules are evaluated on as many threads as
/// [`ReadOptions::threads`] allows (see [`parallel`]), with the same result.
pub fn run_log_with<S: Sink>(
    program: &Program,
    paths: &[PathBuf],
    opts: &ReadOptions,
    as_of: Option<Micros>,
    sink: S,
) -> Result<(S, ReadStats, u64), LogFailure> {
    let cpus = || std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = parallel::threads_for(program, if opts.threads == 0 { cpus() } else { opts.threads });
    if threads > 1 {
        let read =
            |chunks: &mut dyn crate::log::Chunks| crate::log::read_log_chunks(paths, &program.proj, opts, chunks);
        let (sink, stats, after) = parallel::run(program, sink, false, threads, as_of, read);
        return Ok((sink, stats?, after));
    }
    let mut engine = Engine::new(program, sink, false);
    let mut after = 0u64;
    let stats = crate::log::read_log_each(paths, &program.proj, opts, &mut |e| match as_of {
        Some(h) if e.time > h => after += 1,
        _ => engine.push(e),
    })?;
    Ok((engine.finish(as_of), stats, after))
}

/// The program of policy `text` (file `p.tenet`), which must check clean.
#[cfg(test)]
pub(crate) fn program_of(text: &str) -> Program {
    let mut loader = crate::workspace::MemoryLoader::new();
    loader.insert("p.tenet", text.as_bytes().to_vec());
    let analysis = crate::check::analyze_with(&[PathBuf::from("p.tenet")], &loader);
    assert!(!analysis.has_errors(), "{:?}", analysis.diagnostics);
    compile(&analysis)
}
