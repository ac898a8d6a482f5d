//! How long the server takes to publish diagnostics after a one-character
//! change in a policy of 5 000 rules (the budget is 100 ms).
//!
//! Run with `cargo run --release -p tenet-lsp --example keystroke`
//! (optionally followed by the number of rules).

use std::time::Instant;
use tenet_lsp::engine::Engine;
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent, Uri};

/// A policy with `rules` rules of the usual shapes over a small schema.
fn policy(rules: usize) -> String {
    let mut s = String::from(
        "jurisdiction BENCH \"A large policy\"\n  timezone \"America/Sao_Paulo\"\n  calendar BR\n\n\
         event complaint_received { case: id, customer: id, channel: text }\n\
         event complaint_resolved { case: id }\n\
         event cancellation_refused { customer: id, reason: text }\n\
         event call_transferred { case: id }\n\n",
    );
    for i in 0..rules {
        let body = match i % 3 {
            0 => format!(
                "  when complaint_received as c where channel == \"phone\"\n  \
                 require complaint_resolved where case == c.case within {} business days",
                i % 30 + 1
            ),
            1 => "  forbid cancellation_refused where reason == \"outstanding_debt\"".to_string(),
            _ => format!("  per case: count(call_transferred) <= {}", i % 5 + 1),
        };
        s.push_str(&format!("rule rule_{i}\n  \"Standard number {i}.\"\n  cites \"Art. {i}\"\n{{\n{body}\n}}\n\n"));
    }
    s
}

fn main() {
    let rules: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(5000);
    let text = policy(rules);
    let lines = text.lines().count();
    let uri: Uri = "file:///bench/large.tenet".parse().unwrap_or_else(|_| std::process::exit(2));
    let mut engine = Engine::new();
    let start = Instant::now();
    let published = engine.open(uri.clone(), 1, text);
    println!("{rules} rules, {lines} lines: open {:.1} ms", ms(start));
    let clean = published.first().map_or(0, |p| p.diagnostics.len());
    println!("diagnostics after open: {clean}");
    // Type one character in the middle of the file and take it back, 20 times.
    let line = u32::try_from(lines / 2).unwrap_or(0);
    let mut times = vec![];
    let mut version = 1;
    for round in 0..20 {
        version += 1;
        let insert = TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(line, 0), Position::new(line, 0))),
            range_length: None,
            text: if round % 2 == 0 { "x".into() } else { String::new() },
        };
        let change = if round % 2 == 0 {
            insert
        } else {
            TextDocumentContentChangeEvent {
                range: Some(Range::new(Position::new(line, 0), Position::new(line, 1))),
                range_length: None,
                text: String::new(),
            }
        };
        let t = Instant::now();
        let published = engine.change(&uri, version, vec![change]);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(published);
    }
    breakdown(&engine, &uri);
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let worst = times[times.len() - 1];
    println!("one-character change to diagnostics: median {median:.1} ms, worst {worst:.1} ms (budget 100 ms)");
    requests(&mut engine, &uri, line);
}

/// What the requests an editor sends after a change cost on the large file.
fn requests(engine: &mut Engine, uri: &Uri, line: u32) {
    use tenet_lsp::handlers::{hover, semantic_tokens};
    use tower_lsp_server::ls_types::{HoverParams, SemanticTokensParams, TextDocumentIdentifier};
    let doc = TextDocumentIdentifier { uri: uri.clone() };
    let t = Instant::now();
    let params = SemanticTokensParams {
        text_document: doc.clone(),
        work_done_progress_params: Default::default(),
        partial_result_params: Default::default(),
    };
    std::hint::black_box(semantic_tokens::full(engine, &params));
    println!("  semantic tokens, whole file: {:.1} ms", ms(t));
    let t = Instant::now();
    let params = HoverParams {
        text_document_position_params: tower_lsp_server::ls_types::TextDocumentPositionParams {
            text_document: doc,
            position: Position::new(line, 3),
        },
        work_done_progress_params: Default::default(),
    };
    std::hint::black_box(hover::handle(engine, &params));
    println!("  hover: {:.1} ms", ms(t));
}

/// Where the time of one analysis goes.
fn breakdown(engine: &Engine, uri: &Uri) {
    let Some(doc) = engine.doc(uri) else { return };
    let t = Instant::now();
    let parsed = tenet::syntax::parse(&doc.text, tenet::FileId(0));
    println!("  parse {:.1} ms ({} items)", ms(t), parsed.file.items.len());
    let mut loader = tenet::workspace::MemoryLoader::new();
    loader.insert("/bench/large.tenet", doc.text.as_bytes());
    let t = Instant::now();
    let analysis = tenet::check::analyze_with(&["/bench/large.tenet".into()], &loader);
    println!("  parse + check {:.1} ms", ms(t));
    let t = Instant::now();
    let index = tenet::check::index::SymbolIndex::build(&analysis.workspace, &analysis.scope);
    println!("  symbol index {:.1} ms ({} names)", ms(t), index.occurrences.len());
}

fn ms(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1000.0
}
