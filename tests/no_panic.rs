//! Property tests: no input makes the parser, the checker or the formatter
//! panic or hang, whatever the bytes.

use proptest::prelude::*;
use std::path::PathBuf;
use tenet::workspace::{MemoryLoader, Workspace};

/// Parses, checks and formats `bytes` as a policy file.
fn run_all(bytes: &[u8]) {
    let mut loader = MemoryLoader::new();
    loader.insert("p.tenet", bytes.to_vec());
    let analysis = tenet::check::check_workspace(Workspace::load(&[PathBuf::from("p.tenet")], &loader));
    for d in &analysis.diagnostics {
        if let Some(file) = d.file.and_then(|f| analysis.sources().get(f)) {
            assert!(d.span.end <= file.text.len(), "span out of the file: {d:?}");
        }
        let _ = tenet::diagnostics::render_human(d, analysis.sources(), Default::default());
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        let _ = tenet::fmt::format_source(text);
    }
}

/// Fragments of the language, so that random soups reach deep rules.
const TOKENS: &[&str] = &[
    "jurisdiction X \"t\" timezone \"UTC\"\n",
    "event e { case: id, n: int, m: money }\n",
    "rule",
    "r",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "when",
    "e",
    "as",
    "c",
    "where",
    "case",
    "==",
    "c.case",
    "require",
    "prior",
    "or",
    "within",
    "7",
    "days",
    "24 hours",
    "2 business days",
    "before",
    "unless",
    "forbid",
    "while open",
    "remedy",
    "10 GBP",
    "per day late",
    ", max 50 GBP",
    "per",
    "month",
    ":",
    "count(e)",
    "rate(r)",
    ">=",
    "95%",
    "sum(e.m)",
    "average(delay from e as a to e where case == a.case)",
    "test \"t\" {",
    "given {",
    "2026-03-02T09:00:00-03:00",
    "expect violated r for case \"A\"",
    "override",
    "extends",
    "cites \"c\"",
    "in force from 2026-01-01",
    "not",
    "and",
    "-",
    "+",
    "\"str",
    "\"",
    "/*",
    "*/",
    "// c\n",
    "/// d\n",
    "\n",
    "during mon-fri 08:00-20:00",
    "hour(c)",
    "\u{202E}",
    "é",
    "\"Take in charge\"",
    "c.\"org:resource\"",
    "calendar",
    "holiday 2026-12-25",
    "weekend sat, sun",
    "import \"x.tenet\"",
    "99999999999999999999999",
    "2026-02-30",
];

/// REPL inputs: commands (never `:save`, which writes files), expressions.
const REPL_INPUTS: &[&str] = &[
    ":check",
    ":check r",
    ":explain",
    ":explain r",
    ":explain r case A",
    ":diff",
    ":rules",
    ":show r",
    ":show",
    ":type 1 + \"a\"",
    ":as-of",
    ":as-of 2026-03-05T00:00:00Z",
    ":as-of yesterday",
    ":event 2026-03-02T09:00:00Z e {case: \"A\", n: 3}",
    ":event 2026-03-09T09:00:00Z e {case: \"A\"}",
    ":event",
    ":events nowhere.jsonl",
    ":test",
    ":clear-events",
    ":reload",
    ":help",
    ":nope",
    ":",
    "2026-03-02T09:00:00-03:00 + 2 business days",
    "2026-03-02 + 3 calendar days",
    "7 days - 24 hours",
    "1 / 0",
    "9223372036854775807 + 1",
    "10 GBP * 3 - 1 EUR",
    "weekday(2026-03-02T09:00:00Z) in [\"mon\"]",
    "rule r \"t\" cites \"c\" { when e as c require e where case == c.case within 1 day }",
    "rule r { forbid e }",
];

/// Runs a session over `inputs`: every reply, whatever the input.
fn run_session(inputs: &[String]) {
    let mut session = tenet::repl::Session::new(Default::default());
    for input in inputs {
        let _ = session.eval(input);
        let _ = session.prompt();
        let words = tenet::repl::Words::of(&session);
        let _ = tenet::repl::complete(&words, input, input.len());
        let _ = tenet::repl::highlight(input);
        let _ = tenet::repl::is_complete(input);
    }
}

fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..60).prop_map(|t| t.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        run_all(&bytes);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,300}") {
        run_all(text.as_bytes());
    }

    #[test]
    fn token_soups_never_panic(text in soup()) {
        run_all(text.as_bytes());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

    #[test]
    fn repl_sessions_never_panic(inputs in prop::collection::vec(
        prop_oneof![
            prop::sample::select(REPL_INPUTS).prop_map(String::from),
            soup().prop_map(|s| format!("{}{s}", if s.len() % 2 == 0 { "rule q { " } else { "" })),
            "\\PC{0,60}",
        ],
        0..8,
    )) {
        run_session(&inputs);
    }
}
