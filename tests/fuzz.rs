//! Mutation fuzzing of every reader of untrusted input: the policy parser,
//! checker and formatter, the log readers (JSON Lines, CSV, XES, gzip,
//! Parquet and Arrow IPC) and
//! the engine behind them, and the REPL. Seeds are the shipped policies,
//! example logs and REPL inputs; see `common/mutate.rs` for the mutations,
//! the watchdog and `FUZZ_CASES` / `FUZZ_SEED`. The language server's
//! message loop has its own target in `lsp/tests/fuzz.rs`.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod common;

#[cfg(feature = "parquet")]
#[path = "../benches/generator.rs"]
mod generator;

#[cfg(feature = "parquet")]
#[path = "../benches/tools/columnar.rs"]
mod columnar;

use common::meaning::meaning;
use common::mutate::{cases, files_under, fuzz, Case, Mutator};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tenet::log::{read_bytes, Format, ReadOptions};
use tenet::workspace::{MemoryLoader, Workspace};

/// The repository's root.
fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every shipped policy file, by its path relative to the root.
fn shipped_policies() -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = files_under(&root().join("policies"), &[".tenet"]);
    files.extend(files_under(&root().join("tests/fixtures"), &[".tenet"]));
    files.into_iter().map(|p| (p.strip_prefix(root()).unwrap().to_path_buf(), std::fs::read(&p).unwrap())).collect()
}

/// Words of the language, so that mutations make near-valid policies.
const POLICY_WORDS: &[&str] = &[
    "rule r \"t\" cites \"c\" {\n",
    "when",
    " as c ",
    "require",
    "forbid",
    "prior",
    "unless",
    "within 7 days",
    "within 2 business days",
    "before",
    "while open",
    "remedy 10 GBP per day late, max 50 GBP",
    "per month",
    "count(",
    "rate(",
    ">= 95%",
    "average(delay from ",
    "where case == c.case",
    " and ",
    " or ",
    "not ",
    "-",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "\"",
    "/*",
    "// c\n",
    "/// d\n",
    "override",
    "extends",
    "in force from 2026-01-01",
    "calendar",
    "holiday 2026-12-25",
    "weekend sat, sun",
    "import \"../schema/telecom.tenet\"\n",
    "test \"t\" {\n given {\n",
    "expect violated",
    "during mon-fri 08:00-20:00",
    "hour(c.time)",
];

/// Parses, checks, renders and formats a policy file in place of a shipped
/// one (so its imports resolve), and runs its tests when it checks clean.
fn policy_case(loader: MemoryLoader, paths: Vec<PathBuf>) -> impl Fn(usize, &[u8]) {
    move |seed: usize, bytes: &[u8]| {
        let mut loader = loader.clone();
        let path = &paths[seed];
        loader.insert(path.clone(), bytes.to_vec());
        let analysis = tenet::check::check_workspace(Workspace::load(std::slice::from_ref(path), &loader));
        for d in &analysis.diagnostics {
            if let Some(file) = d.file.and_then(|f| analysis.sources().get(f)) {
                assert!(d.span.start <= d.span.end && d.span.end <= file.text.len(), "span out of the file: {d:?}");
                assert!(
                    file.text.is_char_boundary(d.span.start) && file.text.is_char_boundary(d.span.end),
                    "span inside a character: {d:?}"
                );
            }
            let _ = tenet::diagnostics::render_human(d, analysis.sources(), Default::default());
        }
        if !analysis.has_errors() {
            let _ = tenet::testing::run_tests(&analysis, None);
        }
        let Ok(text) = std::str::from_utf8(bytes) else { return };
        let Ok(formatted) = tenet::fmt::format_source(text) else { return };
        let again = tenet::fmt::format_source(&formatted).expect("formatted text parses");
        assert_eq!(again, formatted, "formatting is not idempotent");
        let before = tenet::syntax::parse(text, tenet::FileId(0));
        let after = tenet::syntax::parse(&formatted, tenet::FileId(0));
        assert_eq!(meaning(&before.file), meaning(&after.file), "formatting changed the meaning");
    }
}

#[test]
fn policies() {
    let shipped = shipped_policies();
    let mut loader = MemoryLoader::new();
    for (path, bytes) in &shipped {
        loader.insert(path.clone(), bytes.clone());
    }
    let paths = shipped.iter().map(|(p, _)| p.clone()).collect();
    let mut mutator = Mutator::new("policy", shipped.into_iter().map(|(_, b)| b).collect(), POLICY_WORDS);
    fuzz("policy", &mut mutator, cases(250), Arc::new(policy_case(loader, paths)));
}

/// A log and the policy that reads it.
struct LogSeed {
    format: Format,
    bytes: Vec<u8>,
    program: Arc<tenet::eval::Program>,
}

/// The compiled policy of a shipped folder.
fn program(folder: &str) -> Arc<tenet::eval::Program> {
    let analysis = tenet::check::analyze_with(&[root().join(folder)], &tenet::workspace::FsLoader);
    assert!(!analysis.has_errors(), "{folder} checks clean");
    Arc::new(tenet::eval::compile(&analysis))
}

/// The example logs with their policies, and the reader fixtures.
fn log_seeds() -> Vec<LogSeed> {
    let fixtures = program("tests/fixtures/ok");
    let mut seeds = vec![];
    for (log, folder) in [
        ("examples/acme-br.jsonl", "policies/br"),
        ("examples/acme-gb.jsonl", "policies/gb"),
        ("examples/acme-au.csv", "policies/au"),
        ("examples/acme-us.jsonl", "policies/us"),
    ] {
        let path = root().join(log);
        let format = tenet::log::detect_format(&path).unwrap();
        seeds.push(LogSeed { format, bytes: std::fs::read(path).unwrap(), program: program(folder) });
    }
    for path in files_under(&root().join("tests/fixtures/logs"), &[".jsonl", ".csv", ".xes"]) {
        let format = tenet::log::detect_format(&path).unwrap();
        seeds.push(LogSeed { format, bytes: std::fs::read(path).unwrap(), program: Arc::clone(&fixtures) });
    }
    // A small benchmark log as Parquet and as an Arrow IPC file and stream.
    #[cfg(feature = "parquet")]
    {
        use columnar::Columnar;
        let reference = program("benches/reference.tenet");
        let config = generator::Config { events: 300, ..generator::Config::new(300, 7) };
        for (format, columnar) in [
            (Format::Parquet, Columnar::Parquet),
            (Format::Arrow, Columnar::ArrowFile),
            (Format::Arrow, Columnar::ArrowStream),
        ] {
            let mut bytes = Vec::new();
            columnar::write_generated(generator::Generator::new(config), columnar, &mut bytes).unwrap();
            seeds.push(LogSeed { format, bytes, program: Arc::clone(&reference) });
        }
    }
    seeds
}

/// Reads a log in place of a seed one (strictly, then keeping going and
/// sorting, then as gzip) and runs the seed's policy over what was read.
fn log_case(seeds: Vec<(Format, Arc<tenet::eval::Program>)>) -> impl Fn(usize, &[u8]) {
    move |seed: usize, bytes: &[u8]| {
        let (format, program) = &seeds[seed];
        let strict = ReadOptions { threads: 2, ..ReadOptions::default() };
        let lenient = ReadOptions {
            sort: true,
            keep_going: true,
            threads: 1,
            format: None,
            progress: None,
            cancel: None,
            timezone: None,
        };
        for (name, opts) in [("events.log", &strict), ("events.log", &lenient), ("events.log.gz", &strict)] {
            let mut engine = tenet::eval::Engine::new(program, tenet::eval::Summary::new(program), false);
            match read_bytes(Path::new(name), bytes, *format, &program.proj, opts, &mut |e| engine.push(&e)) {
                Ok(_) => {
                    let _ = engine.finish(None);
                }
                Err(failure) => {
                    let _ = failure.to_string();
                    let _ = failure.to_diagnostic();
                }
            }
        }
    }
}

/// Tokens of every log format.
const LOG_WORDS: &[&str] = &[
    "{\"time\":",
    "\"type\":",
    "\"case\":",
    "}\n",
    "\\u0000",
    "\\\"",
    ",",
    "\"\"",
    "\r\n",
    "time,type,case\n",
    "<event>",
    "</event>",
    "<trace>",
    "</trace>",
    "</log>",
    "<string key=",
    "&amp;",
    "<!--",
];

#[test]
fn logs() {
    let seeds = log_seeds();
    let mut mutator = Mutator::new("log", seeds.iter().map(|s| s.bytes.clone()).collect(), LOG_WORDS);
    let readers = seeds.into_iter().map(|s| (s.format, s.program)).collect();
    fuzz("log", &mut mutator, cases(600), Arc::new(log_case(readers)));
}

/// REPL inputs, one per line of a script.
const REPL_SCRIPT: &str = "\
:help
rule r \"t\" cites \"c\" { when complaint_received as c require complaint_resolved where case == c.case within 1 day }
:rules
:show r
:event 2026-03-02T09:00:00Z complaint_received {case: \"A\", customer: \"K\"}
:event 2026-03-09T09:00:00Z complaint_resolved {case: \"A\"}
:check
:explain r case A
:as-of 2026-03-05T00:00:00Z
:check r
:diff
:type 1 + \"a\"
2026-03-02T09:00:00-03:00 + 2 business days
2026-03-02 + 3 calendar days
7 days - 24 hours
10 GBP * 3 - 1 EUR
weekday(2026-03-02T09:00:00Z) in [\"mon\"]
:test
:clear-events
:reload
";

#[test]
fn repl() {
    let mut seeds = vec![REPL_SCRIPT.as_bytes().to_vec()];
    // A policy typed at the prompt, a line at a time.
    seeds.push(std::fs::read(root().join("tests/fixtures/ok/illustration.tenet")).unwrap());
    let mut mutator = Mutator::new("repl", seeds, POLICY_WORDS);
    let case: Case = Arc::new(|_, bytes: &[u8]| {
        let mut session = tenet::repl::Session::new(Default::default());
        for line in String::from_utf8_lossy(bytes).lines() {
            // `:save` and `:load` touch files; everything else is fair game.
            if line.trim_start().starts_with(":save") || line.trim_start().starts_with(":load") {
                continue;
            }
            let _ = session.eval(line);
            let _ = session.prompt();
            let words = tenet::repl::Words::of(&session);
            let _ = tenet::repl::complete(&words, line, line.len());
            let _ = tenet::repl::highlight(line);
            let _ = tenet::repl::is_complete(line);
        }
    });
    fuzz("repl", &mut mutator, cases(200), case);
}
