//! Code lenses "run test" and "run all tests in file", and the commands
//! they execute: the tests run in the server, through `tenet::testing`, on
//! the text being edited; the lens then shows the last result.

use super::{Document, Engine};
use tenet::syntax::ast::Item;
use tower_lsp_server::ls_types::{CodeLens, CodeLensParams, Command, Uri};

/// Runs one test: arguments `[uri, test name]`.
pub const RUN_TEST: &str = "tenet.runTest";
/// Runs every test of a file: argument `[uri]`.
pub const RUN_FILE_TESTS: &str = "tenet.runFileTests";

/// Answers `textDocument/codeLens`.
pub fn handle(engine: &Engine, params: &CodeLensParams) -> Option<Vec<CodeLens>> {
    let doc = engine.doc(&params.text_document.uri)?;
    Some(lenses(engine, doc))
}

/// The lenses of a document.
pub fn lenses(engine: &Engine, doc: &Document) -> Vec<CodeLens> {
    let Some(file) = doc.file else { return vec![] };
    let uri = serde_json::Value::String(doc.uri.as_str().to_string());
    let mut out = vec![];
    for item in super::lookup::items(&doc.snapshot, file) {
        let Item::Test(t) = item else { continue };
        if out.is_empty() {
            out.push(CodeLens {
                range: doc.range(t.span.start, t.span.start),
                command: Some(Command {
                    title: "▶ run all tests in file".into(),
                    command: RUN_FILE_TESTS.into(),
                    arguments: Some(vec![uri.clone()]),
                }),
                data: None,
            });
        }
        let key = (doc.uri.as_str().to_string(), t.name.value.clone());
        let title = match engine.test_results.get(&key) {
            Some(true) => "▶ run test (last run: passed)",
            Some(false) => "▶ run test (last run: FAILED)",
            None => "▶ run test",
        };
        out.push(CodeLens {
            range: doc.range(t.name.span.start, t.name.span.end),
            command: Some(Command {
                title: title.into(),
                command: RUN_TEST.into(),
                arguments: Some(vec![uri.clone(), serde_json::Value::String(t.name.value.clone())]),
            }),
            data: None,
        });
    }
    out
}

/// The outcome of a command: a message for the user, and whether all passed.
#[derive(Debug, Clone, PartialEq)]
pub struct Ran {
    /// One line per test, then failures indented below.
    pub message: String,
    /// True when every test run passed (and at least one ran).
    pub passed: bool,
}

/// Executes `tenet.runTest` / `tenet.runFileTests`.
pub fn execute(engine: &mut Engine, command: &str, args: &[serde_json::Value]) -> Option<Ran> {
    let uri: Uri = args.first()?.as_str()?.parse().ok()?;
    let only = match command {
        RUN_TEST => Some(args.get(1)?.as_str()?.to_string()),
        RUN_FILE_TESTS => None,
        _ => return None,
    };
    let doc = engine.doc(&uri)?;
    let file = doc.file?;
    let analysis = &doc.snapshot.analysis;
    if analysis.diagnostics.iter().any(|d| d.is_error() && d.file == Some(file)) {
        let message = "the policy has errors: fix them to run its tests".to_string();
        return Some(Ran { message, passed: false });
    }
    let outcomes: Vec<_> = tenet::testing::run_tests(analysis, only.as_deref())
        .into_iter()
        .filter(|o| o.file == file && only.as_ref().is_none_or(|n| *n == o.name))
        .collect();
    let mut lines = vec![];
    for o in &outcomes {
        lines.push(format!("{} test \"{}\"", if o.passed() { "✓" } else { "✗" }, o.name));
        lines.extend(o.failures.iter().map(|f| format!("    {f}")));
    }
    let failed = outcomes.iter().filter(|o| !o.passed()).count();
    lines.push(format!("{} passed, {failed} failed", outcomes.len() - failed));
    let results: Vec<((String, String), bool)> =
        outcomes.iter().map(|o| ((uri.as_str().to_string(), o.name.clone()), o.passed())).collect();
    engine.test_results.extend(results);
    Some(Ran { message: lines.join("\n"), passed: failed == 0 && !outcomes.is_empty() })
}
