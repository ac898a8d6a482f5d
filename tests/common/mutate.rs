//! A mutation fuzzer that runs on stable Rust: seed inputs (the shipped
//! policies, logs and scripts) changed a few bytes or tokens at a time by a
//! seeded random source, each case run under a watchdog.
//!
//! `FUZZ_CASES=N` sets the number of cases per target (the default keeps
//! `cargo test` quick); `FUZZ_SEED=N` picks another sequence. A case that
//! panics or runs past [`LIMIT`] is written to `target/tmp/fuzz-failures/`
//! and named in the failure, so it can be replayed and kept as a
//! regression seed.

use proptest::prelude::RngExt;
use proptest::test_runner::{RngAlgorithm, TestRng};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// The longest a case may run.
pub const LIMIT: Duration = Duration::from_secs(10);
/// The most memory the whole run may take (its peak resident size).
pub const MAX_PEAK_BYTES: u64 = 2 << 30;
/// The largest input a mutation grows.
const MAX_INPUT: usize = 1 << 20;

/// Bytes that break parsers: ends of strings and lines, brackets, escapes,
/// invalid and partial UTF-8.
const BYTES: &[u8] = &[0, 0xff, b'"', b'\n', b'\r', b'{', b'}', b'(', b'[', b'\\', b',', b':', 0x80, 0xc3, 0xe2];

/// Values at the edges of every type.
const EDGES: &[&str] = &[
    "0",
    "-1",
    "99999999999999999999999",
    "9223372036854775807",
    "-9223372036854775808",
    "1e308",
    "NaN",
    "0.0000000000000000000000000001",
    "2026-02-29",
    "9999-12-31T23:59:59Z",
    "0000-01-01T00:00:00Z",
    "2026-03-29T01:30:00",
    "\u{feff}",
    "\u{202e}",
    "\u{fffd}",
    "🦀",
    "\\ud800",
    "\"\"",
    "null",
    "[]",
    "{}",
];

/// The number of cases for a target: `FUZZ_CASES`, or `default`; with
/// `FUZZ_MINUTES` set, as many as that time allows.
pub fn cases(default: usize) -> usize {
    if budget().is_some() {
        return usize::MAX;
    }
    std::env::var("FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The time each target may run for: `FUZZ_MINUTES`, if set.
fn budget() -> Option<Duration> {
    let minutes: f64 = std::env::var("FUZZ_MINUTES").ok()?.parse().ok()?;
    Some(Duration::from_secs_f64(minutes * 60.0))
}

/// Mutates seed inputs.
pub struct Mutator {
    rng: TestRng,
    seeds: Vec<Vec<u8>>,
    dictionary: Vec<Vec<u8>>,
}

impl Mutator {
    /// A mutator of `seeds` that also inserts `dictionary` tokens; its
    /// sequence depends on `FUZZ_SEED` and the target's name only.
    pub fn new(target: &str, seeds: Vec<Vec<u8>>, dictionary: &[&str]) -> Mutator {
        assert!(!seeds.is_empty(), "target {target} has no seeds");
        let seed: u64 = std::env::var("FUZZ_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(0x7e9e7);
        let mut key = [0u8; 32];
        key[..8].copy_from_slice(&seed.to_le_bytes());
        for (k, b) in key[8..].iter_mut().zip(target.bytes()) {
            *k = b;
        }
        let mut dictionary: Vec<Vec<u8>> = dictionary.iter().map(|t| t.as_bytes().to_vec()).collect();
        dictionary.extend(EDGES.iter().map(|t| t.as_bytes().to_vec()));
        Mutator { rng: TestRng::from_seed(RngAlgorithm::ChaCha, &key), seeds, dictionary }
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        self.rng.random_range(0..n.max(1))
    }

    /// The seed count.
    pub fn seed_count(&self) -> usize {
        self.seeds.len()
    }

    /// Seed `index`, unchanged.
    pub fn seed(&self, index: usize) -> &[u8] {
        &self.seeds[index]
    }

    /// A new input: a random seed (its index returned) with one to eight
    /// mutations.
    pub fn next(&mut self) -> (usize, Vec<u8>) {
        let index = self.below(self.seeds.len());
        let mut data = self.seeds[index].clone();
        for _ in 0..1 + self.below(8) {
            self.mutate(&mut data);
        }
        (index, data)
    }

    /// A dictionary token.
    fn token(&mut self) -> Vec<u8> {
        let i = self.below(self.dictionary.len());
        self.dictionary[i].clone()
    }

    /// One mutation of `data`.
    fn mutate(&mut self, data: &mut Vec<u8>) {
        let at = self.below(data.len() + 1);
        let span = 1 + self.below(64);
        let end = (at + span).min(data.len());
        match self.below(10) {
            0 if at < data.len() => data[at] ^= 1 << self.below(8),
            1 if at < data.len() => data[at] = BYTES[self.below(BYTES.len())],
            2 => {
                let token = self.token();
                data.splice(at..at, token);
            }
            3 => {
                data.drain(at..end);
            }
            4 => {
                // Repeat a piece: long lines, many items, deep nesting.
                let piece = data[at..end].to_vec();
                let most = if self.below(8) == 0 { 2000 } else { 8 };
                let times = 1 + self.below(most);
                let repeated: Vec<u8> = piece.iter().copied().cycle().take(piece.len() * times).collect();
                data.splice(end..end, repeated);
            }
            5 => {
                let other = self.below(self.seeds.len());
                let from = self.below(self.seeds[other].len() + 1);
                let to = (from + 1 + self.below(256)).min(self.seeds[other].len());
                let piece = self.seeds[other][from..to].to_vec();
                data.splice(at..end, piece);
            }
            6 => data.truncate(at),
            7 => {
                // Swap two lines' worth of text: events out of order, items moved.
                let other = self.below(data.len() + 1);
                let (a, b) = (at.min(other), at.max(other));
                if b > a + span {
                    let first = data[a..a + span].to_vec();
                    data.drain(a..a + span);
                    let b = (b - span).min(data.len());
                    data.splice(b..b, first);
                }
            }
            _ => {
                let token = self.token();
                data.splice(at..end, token);
            }
        }
        data.truncate(MAX_INPUT);
    }
}

/// A case to run on each input, given the index of the seed it came from.
pub type Case = Arc<dyn Fn(usize, &[u8]) + Send + Sync>;

/// Runs `case` on `input` (from seed `seed`) on its own thread (with the
/// main thread's stack size), failing when it panics or runs past
/// [`LIMIT`]; the input is saved first so that a crash of the whole
/// process still leaves it.
pub fn run_case(target: &str, index: usize, seed: usize, input: Vec<u8>, case: &Case) {
    let saved = saved_path(target, index, seed);
    if let Some(dir) = saved.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let _ = std::fs::write(&saved, &input);
    let (done, finished) = std::sync::mpsc::channel();
    let case = Arc::clone(case);
    let worker = std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || {
            let ok = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| case(seed, &input))).is_ok();
            let _ = done.send(ok);
        })
        .expect("a thread for the case");
    match finished.recv_timeout(LIMIT) {
        Ok(true) => {
            let _ = worker.join();
            let _ = std::fs::remove_file(&saved);
        }
        Ok(false) => panic!("{target} case {index} panicked; its input is {}", saved.display()),
        Err(_) => panic!("{target} case {index} ran past {LIMIT:?}; its input is {}", saved.display()),
    }
}

/// Runs `count` mutated inputs of `mutator` through `case` (or as many as
/// `FUZZ_MINUTES` allows), after every seed as it is.
pub fn fuzz(target: &str, mutator: &mut Mutator, count: usize, case: Case) {
    let started = std::time::Instant::now();
    for index in 0..mutator.seed_count() {
        run_case(target, index, index, mutator.seed(index).to_vec(), &case);
    }
    let mut ran = 0;
    while ran < count && budget().is_none_or(|b| started.elapsed() < b) {
        let (seed, input) = mutator.next();
        run_case(target, mutator.seed_count() + ran, seed, input, &case);
        ran += 1;
    }
    assert_peak_memory(target);
    eprintln!("{target}: {} seeds and {ran} mutated inputs in {:.1?}", mutator.seed_count(), started.elapsed());
}

/// Where a case's input is kept while it runs.
fn saved_path(target: &str, index: usize, seed: usize) -> PathBuf {
    let name = format!("{target}-case-{index}-from-seed-{seed}");
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fuzz-failures").join(name)
}

/// Fails when the process's peak resident size passed [`MAX_PEAK_BYTES`].
pub fn assert_peak_memory(target: &str) {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else { return };
    let peak_kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0);
    assert!(peak_kib * 1024 <= MAX_PEAK_BYTES, "{target}: peak memory {peak_kib} KiB");
}

/// The files below `dir` (recursively) whose names end in one of `exts`,
/// sorted.
pub fn files_under(dir: &std::path::Path, exts: &[&str]) -> Vec<PathBuf> {
    let mut out = vec![];
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if exts.iter().any(|e| path.to_string_lossy().ends_with(e)) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}
