//! Mutation fuzzing of the language server's message loop: whole sessions
//! (initialise, open a mutated policy, edit it, save it, report files
//! changed on disk, ask everything the server answers, with malformed
//! frames among the messages) served by
//! [`tenet_lsp::serve`] on in-memory streams. After every session the
//! server must still answer `shutdown`: a message never ends the session.
//! See `tests/common/mutate.rs` for the mutations and `FUZZ_CASES`.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

#[path = "../../tests/common/mutate.rs"]
mod mutate;

use mutate::{cases, files_under, fuzz, Case, Mutator};
use serde_json::{json, Value};
use std::path::Path;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

/// Input that yields its bytes, then waits for ever (the session ends by
/// `exit`, not by the end of the input).
struct Script<R>(R);

impl<R: tokio::io::AsyncRead + Unpin> tokio::io::AsyncRead for Script<R> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let filled = buf.filled().len();
        let poll = Pin::new(&mut self.0).poll_read(cx, buf);
        if buf.filled().len() == filled {
            return Poll::Pending;
        }
        poll
    }
}

/// Output kept in a shared buffer.
#[derive(Clone, Default)]
struct Sink(Arc<Mutex<Vec<u8>>>);

impl tokio::io::AsyncWrite for Sink {
    fn poll_write(self: Pin<&mut Self>, _: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// The id of the closing `shutdown` request.
const LAST: i64 = 1_000_000;

/// A session around `policy` (lossily decoded, as an editor would send
/// it): requests at positions and edits over ranges chosen from `bytes`,
/// and `bytes` itself sent raw as one message body.
fn session(policy: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(policy).into_owned();
    let uri = "file:///fuzz/policy.tenet";
    let lines = text.lines().count().max(1) as u64;
    // Positions from the input's bytes: deterministic, varied, sometimes
    // past the end.
    let pick = |i: usize| policy.get(i % policy.len().max(1)).copied().unwrap_or(0) as u64;
    let pos = |i: usize| json!({ "line": pick(i) % (lines + 2), "character": pick(i + 7) % 90 });
    let doc = json!({ "uri": uri });
    let mut messages = vec![
        // A client that lets the server register its file watcher (and never answers it).
        json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": { "capabilities": {
            "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } } } }),
        json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} }),
        json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
            "textDocument": { "uri": uri, "languageId": "tenet", "version": 1, "text": text } } }),
    ];
    let requests = [
        ("textDocument/hover", json!({ "textDocument": doc, "position": pos(1) })),
        ("textDocument/completion", json!({ "textDocument": doc, "position": pos(2) })),
        ("textDocument/definition", json!({ "textDocument": doc, "position": pos(3) })),
        (
            "textDocument/references",
            json!({ "textDocument": doc, "position": pos(4), "context": { "includeDeclaration": true } }),
        ),
        ("textDocument/prepareRename", json!({ "textDocument": doc, "position": pos(5) })),
        ("textDocument/rename", json!({ "textDocument": doc, "position": pos(5), "newName": "x_2" })),
        ("textDocument/documentSymbol", json!({ "textDocument": doc })),
        ("workspace/symbol", json!({ "query": "r" })),
        ("textDocument/formatting", json!({ "textDocument": doc, "options": { "tabSize": 4, "insertSpaces": true } })),
        ("textDocument/semanticTokens/full", json!({ "textDocument": doc })),
        ("textDocument/foldingRange", json!({ "textDocument": doc })),
        ("textDocument/codeLens", json!({ "textDocument": doc })),
        ("textDocument/inlayHint", json!({ "textDocument": doc, "range": { "start": pos(6), "end": pos(9) } })),
        (
            "textDocument/codeAction",
            json!({ "textDocument": doc, "range": { "start": pos(6), "end": pos(9) },
            "context": { "diagnostics": [] } }),
        ),
        ("textDocument/documentHighlight", json!({ "textDocument": doc, "position": pos(14) })),
        (
            "textDocument/rangeFormatting",
            json!({ "textDocument": doc, "range": { "start": pos(15), "end": pos(16) },
            "options": { "tabSize": 2, "insertSpaces": true } }),
        ),
    ];
    for (i, (method, params)) in requests.into_iter().enumerate() {
        messages.push(json!({ "jsonrpc": "2.0", "id": 10 + i, "method": method, "params": params }));
    }
    let edit = String::from_utf8_lossy(&policy[..policy.len().min(40)]).into_owned();
    messages.push(json!({ "jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
        "textDocument": { "uri": uri, "version": 2 },
        "contentChanges": [{ "range": { "start": pos(11), "end": pos(13) }, "text": edit }] } }));
    messages.push(json!({ "jsonrpc": "2.0", "method": "textDocument/didSave", "params": { "textDocument": doc } }));
    messages.push(json!({ "jsonrpc": "2.0", "method": "workspace/didChangeWatchedFiles", "params": {
        "changes": [{ "uri": "file:///fuzz/schema.tenet", "type": 2 }, { "uri": "file:///fuzz", "type": 3 }, { "uri": uri, "type": 1 }] } }));
    messages.push(json!({ "jsonrpc": "2.0", "id": 30, "method": "textDocument/semanticTokens/full", "params": { "textDocument": doc } }));
    let mut out: Vec<u8> = messages.iter().flat_map(|m| frame(m.to_string().as_bytes())).collect();
    // The input itself as a message, and a line that is no header.
    out.extend(frame(policy));
    out.extend_from_slice(b"this is not a header\r\n\r\n");
    out.extend(clean_end());
    out
}

/// The ids the server answered, from its output frames.
fn answered(output: &[u8]) -> Vec<Value> {
    let mut ids = vec![];
    let mut rest = output;
    while let Some(at) = rest.windows(4).position(|w| w == b"\r\n\r\n") {
        let headers = String::from_utf8_lossy(&rest[..at]);
        let length: usize = headers
            .lines()
            .find_map(|l| l.strip_prefix("Content-Length:"))
            .and_then(|v| v.trim().parse().ok())
            .expect("every frame has its length");
        let body = &rest[at + 4..at + 4 + length];
        let message: Value = serde_json::from_slice(body).expect("every answer is JSON");
        ids.push(message["id"].clone());
        rest = &rest[at + 4 + length..];
    }
    ids
}

#[test]
fn message_loop() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut seeds: Vec<Vec<u8>> =
        files_under(&root.join("policies"), &[".tenet"]).iter().map(|p| std::fs::read(p).unwrap()).collect();
    seeds.push(br#"{"jsonrpc":"2.0","id":7,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///x"},"position":{"line":0,"character":0}}}"#.to_vec());
    let mut mutator = Mutator::new(
        "lsp",
        seeds,
        &["\\ud800", "\"id\":", "\"method\":", "Content-Length: 9\r\n\r\n", "rule", "when", "{", "}"],
    );
    let case: Case = Arc::new(|_, bytes: &[u8]| {
        let sink = Sink::default();
        tenet_lsp::serve(Script(std::io::Cursor::new(session(bytes))), sink.clone()).expect("a runtime");
        let output = sink.0.lock().unwrap().clone();
        let ids = answered(&output);
        for id in [1, 10, 17, 23, 24, 25, 30, LAST] {
            assert!(ids.contains(&json!(id)), "request {id} was not answered");
        }
    });
    fuzz("lsp", &mut mutator, cases(60), case);
}

/// The frames of a clean end: `shutdown` (answered with id [`LAST`]), `exit`.
fn clean_end() -> Vec<u8> {
    let mut out = frame(json!({ "jsonrpc": "2.0", "id": LAST, "method": "shutdown" }).to_string().as_bytes());
    out.extend(frame(json!({ "jsonrpc": "2.0", "method": "exit" }).to_string().as_bytes()));
    out
}

#[test]
fn huge_bodies_and_endless_lines_are_skipped_unread() {
    use tokio::io::AsyncReadExt;
    // A body past the limit, then a header line longer than any header:
    // both are read through without being kept, and the session goes on.
    let huge = tenet_lsp::MAX_BODY as u64 + 1;
    let input = std::io::Cursor::new(format!("Content-Length: {huge}\r\n\r\n").into_bytes())
        .chain(tokio::io::repeat(b'x').take(huge))
        .chain(tokio::io::repeat(b'y').take(8 << 20))
        .chain(std::io::Cursor::new([b"\r\n\r\n".to_vec(), clean_end()].concat()));
    let sink = Sink::default();
    tenet_lsp::serve(Script(input), sink.clone()).unwrap();
    let output = String::from_utf8_lossy(&sink.0.lock().unwrap()).into_owned();
    assert!(output.contains("is beyond the limit"), "{output}");
    assert!(answered(output.as_bytes()).contains(&json!(LAST)), "{output}");

    // A length no memory holds, and the input ends: a clean end, no abort.
    let input = std::io::Cursor::new(b"Content-Length: 1099511627776\r\n\r\n{}".to_vec());
    let sink = Sink::default();
    tenet_lsp::serve(input, sink.clone()).unwrap();
    assert!(String::from_utf8_lossy(&sink.0.lock().unwrap()).contains("is beyond the limit"));
}

#[test]
fn odd_but_parseable_messages_never_end_the_session() {
    let odd: &[&[u8]] = &[
        br#"{"jsonrpc":"2.0","id":7,"merpc":"2.0","id":7,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///x"},"position":{"line":0,"character":0}}}"#,
        br#"{"id":8,"method":"textDocument/hover","params":{}}"#,
        br#"{"jsonrpc":"1.0","id":9,"method":"shutdown"}"#,
        br#"{"jsonrpc":"2.0","id":10,"method":"textDocument/hover","params":5}"#,
        br#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":7}}"#,
        br#"{"jsonrpc":"2.0","id":11,"result":null}"#,
        br#"{"jsonrpc":"2.0","id":12,"error":{"code":"x"}}"#,
    ];
    for body in odd {
        let mut input = frame(
            json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": { "capabilities": {} } })
                .to_string()
                .as_bytes(),
        );
        input.extend(frame(body));
        input.extend(clean_end());
        let sink = Sink::default();
        tenet_lsp::serve(Script(std::io::Cursor::new(input)), sink.clone()).unwrap();
        let output = sink.0.lock().unwrap().clone();
        assert!(
            answered(&output).contains(&json!(LAST)),
            "{}: {}",
            String::from_utf8_lossy(body),
            String::from_utf8_lossy(&output)
        );
    }
}
