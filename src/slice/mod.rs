//! Slicing: one log judged as several partitions by correlation key, with
//! verdicts exactly those of a single run.
//!
//! Offline, every deadline is decided by a later event with the same
//! correlation key, or at the end against the horizon. So the events of
//! rules that correlate on one key can be partitioned by that key's value,
//! each partition evaluated on its own (in log order: time, then file,
//! then line), and the partial results merged. The [`Plan`] says, for each
//! rule, whether it is sliced and how each event type it reads is routed;
//! [`run`] evaluates the slices on threads and merges them into one sink
//! in the order one [`Engine`](crate::eval::Engine) gives it (the module
//! `merge` says how that order is rebuilt).
//!
//! How each shape is treated, and what it costs:
//!
//! - **Obligations and recurring duties** (`when A require B where k ==
//!   a.k ...`): sliced by an anchor attribute on which every matcher that
//!   closes or changes an open instance correlates (the awaited events,
//!   `before`, `unless E`, `forbid ... while open`, `extended by`, `until`).
//!   The trigger goes to the slice of its value, each such matcher's
//!   events to the slice of their paired attribute: an instance and every
//!   event that can decide it meet in one slice. Cost: each event is
//!   evaluated once.
//! - **Look-back matchers** (`where [not] prior B`, `unless prior B`) on the
//!   routing key go with it; on another key (or none) their events are
//!   *copied* to every slice, where they are only remembered: exact, at
//!   the cost of each slice keeping and reading them all (N times the
//!   memory and work of those events).
//! - **Precedence** (`require prior B where ...`): sliced by the key the
//!   required event correlates on, as an obligation.
//! - **Prohibitions** without look-back keep no state: each forbidden event
//!   goes to one slice by its position in the log (spread evenly). With
//!   look-back, sliced by the look-back's key (other look-backs copied).
//! - **Per-key aggregates** (`per case: count(...)`): sliced by their own
//!   grouping key; each key's running value lives in one slice.
//! - **Rate standards** (`rate(rule)`): decided at the merge from the
//!   instances every slice hands on, as one engine decides them.
//! - **Delay standards** (`average(delay from A as a to B where k ==
//!   a.k)`, `percentile`, `min`, `max` per period): each delay is measured
//!   in the slice of its key; at the end each slice hands over its delays
//!   per period (the values themselves, no sketch), the merge adds them up
//!   and decides the periods, so averages and percentiles are exact. Cost:
//!   the delays are kept as in one run, moved once.
//! - **Share standards** (`share(E where ...) >= 80%` per period): the
//!   events spread by position, each slice counts per period, the merge
//!   adds the whole counts up and decides.
//! - **Other period standards over events without a key** (`count(E)` per
//!   period, whose evidence is the event that broke the bound in log
//!   order; field aggregates, whose decimal sums could round differently
//!   added in another order): evaluated at the merge on every event of
//!   their types (the merging thread reads the whole log anyway), so they
//!   are exact and cost what they cost in one run, on one thread.
//! - **A rule whose matchers share no key**, or whose event type would need
//!   two routes (a trigger type also copied as a look-back): evaluated at
//!   the merge, never approximated; the plan says why.
//!
//! Rules with the same route for every event type they share form one
//! group; an event is routed once per group that reads it (at most
//! [`plan::MAX_GROUPS`]). A key with few values (a `region`) caps the
//! parallelism of its rules: all its events land in few slices. An event
//! lacking its routing attribute correlates with nothing and goes to
//! slice 0. The routing hash is FNV-1a over the normalised key
//! ([`route`]), stable across runs and platforms.
//!
//! What is global is not summed: the horizon (`--as-of`, or the last
//! event's time over the whole log) is the same for every slice, and the
//! events after it, the log's first and last times and its per-type counts
//! come from the one reader. Calendar-coverage gaps are merged by rule and
//! year, the order the warnings sort them in.

pub mod describe;
mod feed;
mod merge;
pub mod plan;
pub mod route;
mod run;
mod worker;

pub use describe::{plan_json, PLAN_VERSION};
pub use plan::{Plan, Route, Treatment};
pub use run::{run, Slicing};

use crate::eval::{Program, Sink};
use crate::log::{LogFailure, ReadOptions, ReadStats};
use crate::time::Micros;
use std::path::PathBuf;

/// [`crate::eval::run_log_with`] in `slices` slices: the log at `paths`
/// read once, the slices evaluated on at most as many threads as the CPUs
/// (or [`ReadOptions::threads`]), the result the same as one engine's.
pub fn run_log_sliced<S: Sink>(
    program: &Program,
    slices: usize,
    paths: &[PathBuf],
    opts: &ReadOptions,
    as_of: Option<Micros>,
    sink: S,
) -> Result<(S, ReadStats, u64), LogFailure> {
    let plan = Plan::new(program);
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = if opts.threads == 0 { cpus } else { opts.threads.min(cpus) };
    let slicing = Slicing { plan: &plan, slices, threads };
    let read = |chunks: &mut dyn crate::log::Chunks| crate::log::read_log_chunks(paths, &program.proj, opts, chunks);
    let (sink, stats, after) = run(program, slicing, sink, false, as_of, read);
    Ok((sink, stats?, after))
}

#[cfg(test)]
mod tests;
