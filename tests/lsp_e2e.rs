//! End to end through the real `tenet lsp` binary: JSON-RPC over stdio,
//! from `initialize` to `exit`, on a policy with Portuguese, French,
//! Chinese and emoji text.

#![expect(clippy::unwrap_used, reason = "test helpers fail loudly on a broken environment")]

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

const POLICY: &str = include_str!("../lsp/tests/fixtures/policy.tenet");
const SCHEMA: &str = include_str!("../lsp/tests/fixtures/schema.tenet");

/// A client speaking to the server over its stdin and stdout.
struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    next_id: i64,
    /// Notifications received while waiting for responses.
    notifications: Vec<Value>,
    /// Requests the server sent (each answered with `null`).
    server_requests: Vec<Value>,
}

impl Client {
    fn start(root: &std::path::Path, args: &[&str]) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tenet"))
            .args(args)
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, incoming) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = 0usize;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse().unwrap();
                    }
                }
                let mut body = vec![0; length];
                reader.read_exact(&mut body).unwrap();
                if tx.send(serde_json::from_slice(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        Client { child, stdin, incoming, next_id: 0, notifications: vec![], server_requests: vec![] }
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    fn receive(&mut self) -> Value {
        // A server that stopped answering fails the test here.
        self.incoming.recv_timeout(Duration::from_secs(30)).unwrap()
    }

    /// Sends a request and waits for its response, answering the server's
    /// own requests and keeping notifications.
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let m = self.receive();
            if m.get("method").is_some() {
                self.keep(m);
            } else if m["id"] == id {
                assert!(m.get("error").is_none(), "{method}: {m}");
                return m["result"].clone();
            }
        }
    }

    /// Keeps a message from the server that is no response: a request is
    /// answered with `null`, a notification kept for later.
    fn keep(&mut self, m: Value) {
        if let (Some(_), Some(server_id)) = (m.get("method"), m.get("id")) {
            self.send(json!({ "jsonrpc": "2.0", "id": server_id, "result": null }));
            self.server_requests.push(m);
        } else {
            self.notifications.push(m);
        }
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics_for(&mut self, uri: &str) -> Value {
        if let Some(i) = self.notifications.iter().position(|n| is_diagnostics_for(n, uri)) {
            return self.notifications.remove(i)["params"].clone();
        }
        loop {
            let m = self.receive();
            if is_diagnostics_for(&m, uri) {
                return m["params"].clone();
            }
            self.keep(m);
        }
    }
}

fn is_diagnostics_for(m: &Value, uri: &str) -> bool {
    m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
}

/// The protocol position (line, UTF-16 column) of the `nth` `needle` plus `plus` bytes.
fn pos(text: &str, needle: &str, nth: usize, plus: usize) -> Value {
    let at = text.match_indices(needle).nth(nth).unwrap().0 + plus;
    let before = &text[..at];
    let line = before.matches('\n').count();
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    json!({ "line": line, "character": before[start..].encode_utf16().count() })
}

#[test]
fn a_whole_session_over_stdio() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::write(root.join("schema.tenet"), SCHEMA).unwrap();
    std::fs::write(root.join("policy.tenet"), POLICY).unwrap();
    let root_uri = format!("file://{}", root.display());
    let uri = format!("{root_uri}/policy.tenet");
    let schema_uri = format!("{root_uri}/schema.tenet");
    let doc = json!({ "uri": uri });
    // As VS Code starts it: `--stdio` names the transport.
    let mut c = Client::start(&root, &["lsp", "--stdio"]);

    // initialize: the advertised capabilities.
    let init = c.request(
        "initialize",
        json!({ "processId": null, "rootUri": root_uri,
                "capabilities": { "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } },
                "workspaceFolders": [{ "uri": root_uri, "name": "policies" }] }),
    );
    let caps = &init["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental sync");
    assert_eq!(caps["textDocumentSync"]["openClose"], true);
    assert_eq!(caps["textDocumentSync"]["save"], json!({ "includeText": false }));
    for provider in [
        "hoverProvider",
        "definitionProvider",
        "documentHighlightProvider",
        "referencesProvider",
        "documentSymbolProvider",
        "workspaceSymbolProvider",
        "documentFormattingProvider",
        "documentRangeFormattingProvider",
        "foldingRangeProvider",
        "inlayHintProvider",
    ] {
        assert_eq!(caps[provider], true, "{provider}");
    }
    assert_eq!(caps["renameProvider"]["prepareProvider"], true);
    assert_eq!(caps["semanticTokensProvider"]["full"]["delta"], true);
    assert!(caps["semanticTokensProvider"]["legend"]["tokenTypes"].as_array().unwrap().len() >= 8);
    assert_eq!(caps["codeActionProvider"]["codeActionKinds"], json!(["quickfix"]));
    assert!(caps["completionProvider"]["triggerCharacters"].as_array().unwrap().contains(&json!(".")));
    assert_eq!(caps["executeCommandProvider"]["commands"], json!(["tenet.runTest", "tenet.runFileTests"]));
    assert_eq!(caps["codeLensProvider"]["resolveProvider"], false);
    assert_eq!(init["serverInfo"]["name"], "tenet");
    c.notify("initialized", json!({}));

    // didOpen: the checker's warning, published.
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "tenet", "version": 1, "text": POLICY } }),
    );
    let published = c.diagnostics_for(&uri);
    assert_eq!(published["version"], 1);
    let diags = published["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0]["code"], "tenet::missing_citation");
    assert_eq!(diags[0]["severity"], 2);
    assert_eq!(diags[0]["range"]["start"], pos(POLICY, "cancel_regardless_of_debt", 0, 0));

    // didChange: an error after non-ASCII text on its line, in UTF-16 columns.
    let typo_at = pos(POLICY, "customer: \"K1\"", 0, 0);
    let typo_end = pos(POLICY, "customer: \"K1\"", 0, "customer".len());
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 },
                "contentChanges": [{ "range": { "start": typo_at, "end": typo_end }, "text": "custmer" }] }),
    );
    let edited = POLICY.replacen("customer: \"K1\"", "custmer: \"K1\"", 1);
    let published = c.diagnostics_for(&uri);
    assert_eq!(published["version"], 2);
    let unknown = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "tenet::unknown_field")
        .unwrap()
        .clone();
    let line = edited.lines().nth(typo_at["line"].as_u64().unwrap() as usize).unwrap();
    let column = line[..line.find("custmer").unwrap()].encode_utf16().count();
    assert_eq!(unknown["range"]["start"], json!({ "line": typo_at["line"], "character": column }));
    assert_eq!(unknown["range"]["end"], json!({ "line": typo_at["line"], "character": column + 7 }));
    assert_ne!(column, line[..line.find("custmer").unwrap()].chars().count(), "the line has an emoji before");
    assert!(unknown["message"].as_str().unwrap().contains("did you mean `customer`?"));

    // codeAction: the did-you-mean fix.
    let actions = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": doc, "range": unknown["range"], "context": { "diagnostics": [unknown] } }),
    );
    assert_eq!(actions[0]["title"], "replace with `customer`");
    assert_eq!(actions[0]["kind"], "quickfix");
    let fix = &actions[0]["edit"]["changes"][&uri][0];
    assert_eq!(fix["newText"], "customer");
    assert_eq!(fix["range"], unknown["range"]);

    // hover: a rule's title, legal text and citation; a duration's meaning.
    let hover = c.request(
        "textDocument/hover",
        json!({ "textDocument": doc, "position": pos(&edited, "answer_within_7_days for", 0, 3) }),
    );
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.contains("As demandas são respondidas em sete dias — 七天 ⏱"), "{text}");
    assert!(text.contains("> As demandas do consumidor serão respondidas"), "{text}");
    assert!(text.contains("Cites: Decreto 11.034/2022, art. 13"), "{text}");
    let hover =
        c.request("textDocument/hover", json!({ "textDocument": doc, "position": pos(&edited, "7 business", 0, 2) }));
    assert!(hover["contents"]["value"].as_str().unwrap().starts_with(
        "7 business days in BR: ends at the end of the 7th business day after the trigger's day, skipping weekends and BR holidays"
    ));

    // definition: the event's declaration in the imported schema.
    let def = c.request(
        "textDocument/definition",
        json!({ "textDocument": doc, "position": pos(&edited, "complaint_received as", 0, 4) }),
    );
    assert_eq!(def["uri"], schema_uri);
    assert_eq!(def["range"]["start"], pos(SCHEMA, "complaint_received", 0, 0));

    // references: across the workspace folder, the schema on disk included.
    let refs = c.request(
        "textDocument/references",
        json!({ "textDocument": doc, "position": pos(&edited, "complaint_received as", 0, 4), "context": { "includeDeclaration": true } }),
    );
    let mut found: Vec<String> = refs
        .as_array()
        .unwrap()
        .iter()
        .map(|l| format!("{}:{}", l["uri"].as_str().unwrap().rsplit('/').next().unwrap(), l["range"]["start"]["line"]))
        .collect();
    found.sort();
    assert_eq!(found, ["policy.tenet:11", "policy.tenet:21", "schema.tenet:1"]);

    // rename: a rule, at its declaration and in the test that expects it.
    let prepared = c.request(
        "textDocument/prepareRename",
        json!({ "textDocument": doc, "position": pos(&edited, "answer_within_7_days", 0, 1) }),
    );
    assert_eq!(prepared["start"], pos(&edited, "answer_within_7_days", 0, 0));
    let renamed = c.request(
        "textDocument/rename",
        json!({ "textDocument": doc, "position": pos(&edited, "answer_within_7_days", 0, 1), "newName": "answer_in_a_week" }),
    );
    let edits = renamed["changes"][&uri].as_array().unwrap();
    let starts: Vec<&Value> = edits.iter().map(|e| &e["range"]["start"]).collect();
    assert_eq!(starts, [&pos(&edited, "answer_within_7_days", 0, 0), &pos(&edited, "answer_within_7_days", 1, 0)]);
    assert!(edits.iter().all(|e| e["newText"] == "answer_in_a_week"));

    // completion: event types after `require`.
    let completion = c
        .request("textDocument/completion", json!({ "textDocument": doc, "position": pos(&edited, "require ", 0, 8) }));
    let labels: Vec<&str> = completion.as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["cancellation_refused", "complaint_received", "complaint_resolved"]);

    // formatting: the formatter of `tenet fmt`.
    let messy = edited.replace("  forbid cancellation_refused", "forbid     cancellation_refused");
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 3 }, "contentChanges": [{ "text": messy }] }),
    );
    let _ = c.diagnostics_for(&uri);
    let formatted = c.request(
        "textDocument/formatting",
        json!({ "textDocument": doc, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    assert_eq!(formatted[0]["newText"], tenet::fmt::format_source(&messy).unwrap());
    assert_eq!(formatted[0]["newText"], edited);
    // rangeFormatting: the selected rule only.
    let ranged = c.request(
        "textDocument/rangeFormatting",
        json!({ "textDocument": doc, "range": { "start": pos(&messy, "forbid", 0, 0), "end": pos(&messy, "forbid", 0, 6) },
                "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    assert_eq!(ranged.as_array().unwrap().len(), 1, "{ranged}");
    assert_eq!(ranged[0]["range"]["start"], pos(&messy, "rule cancel_regardless_of_debt", 0, 0));
    assert!(ranged[0]["newText"].as_str().unwrap().contains("\n  forbid cancellation_refused"), "{ranged}");

    // documentHighlight: the alias, declared (write, 3) then read (2).
    let lit = c.request(
        "textDocument/documentHighlight",
        json!({ "textDocument": doc, "position": pos(&messy, "received as c", 0, 12) }),
    );
    let kinds: Vec<&Value> = lit.as_array().unwrap().iter().map(|h| &h["kind"]).collect();
    assert_eq!(kinds, [&json!(3), &json!(2)]);

    // semanticTokens: full, then a delta against it.
    let tokens = c.request("textDocument/semanticTokens/full", json!({ "textDocument": doc }));
    let data = tokens["data"].as_array().unwrap();
    assert!(data.len() > 100 && data.len().is_multiple_of(5));
    // The first token: the doc comment, 42 UTF-16 units long (the emoji counts two).
    assert_eq!(data[..5], [json!(0), json!(0), json!(42), json!(3), json!(0)]);
    let delta = c.request(
        "textDocument/semanticTokens/full/delta",
        json!({ "textDocument": doc, "previousResultId": tokens["resultId"] }),
    );
    assert_eq!(delta["edits"], json!([]));

    // codeLens and the command it runs.
    let lenses = c.request("textDocument/codeLens", json!({ "textDocument": doc }));
    assert_eq!(lenses[0]["command"]["title"], "▶ run all tests in file");
    let ran = c.request("workspace/executeCommand", json!({ "command": "tenet.runFileTests", "arguments": [uri] }));
    assert_eq!(ran["passed"], false, "the test now has a typo in a field: {ran}");

    // Workspace symbols, folding, inlay hints, document symbols answer too.
    let symbols = c.request("workspace/symbol", json!({ "query": "cancel" }));
    assert_eq!(symbols[0]["name"], "cancel_regardless_of_debt");
    assert!(!c.request("textDocument/foldingRange", json!({ "textDocument": doc })).as_array().unwrap().is_empty());
    let hints = c.request(
        "textDocument/inlayHint",
        json!({ "textDocument": doc, "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 100, "character": 0 } } }),
    );
    let labels: Vec<&str> = hints.as_array().unwrap().iter().map(|h| h["label"].as_str().unwrap()).collect();
    assert!(labels[0].starts_with("⇒ weekend sat, sun; "), "{labels:?}");
    assert!(labels[1].contains("due end of Tue 2026-03-17 (BR calendar)"), "{labels:?}");
    let outline = c.request("textDocument/documentSymbol", json!({ "textDocument": doc }));
    assert_eq!(outline[0]["name"], "BR");

    // The server asked to watch policy files, and the client answered.
    let registration = c.server_requests.iter().find(|r| r["method"] == "client/registerCapability").unwrap();
    let watcher = &registration["params"]["registrations"][0];
    assert_eq!(watcher["method"], "workspace/didChangeWatchedFiles");
    assert_eq!(watcher["registerOptions"]["watchers"][0]["globPattern"], "**/*.tenet");

    // didChangeWatchedFiles: the schema, not open, loses an event on disk;
    // the policy that imports it is checked again.
    let fewer = SCHEMA.replace("event complaint_resolved \"Resolvida ✅\" { case: id }\n", "");
    std::fs::write(root.join("schema.tenet"), fewer).unwrap();
    c.notify("workspace/didChangeWatchedFiles", json!({ "changes": [{ "uri": schema_uri, "type": 2 }] }));
    let published = c.diagnostics_for(&uri);
    let codes: Vec<&Value> = published["diagnostics"].as_array().unwrap().iter().map(|d| &d["code"]).collect();
    assert!(codes.contains(&&json!("tenet::unknown_event")), "{codes:?}");

    // didClose: the diagnostics are cleared.
    c.notify("textDocument/didClose", json!({ "textDocument": doc }));
    assert_eq!(c.diagnostics_for(&uri)["diagnostics"], json!([]));

    // shutdown, exit: status 0.
    assert_eq!(c.request("shutdown", Value::Null), Value::Null);
    c.notify("exit", Value::Null);
    let status = c.child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn help_names_the_subcommand() {
    let out = Command::new(env!("CARGO_BIN_EXE_tenet")).args(["lsp", "--help"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success());
    assert!(text.contains("Language Server Protocol") && text.contains("tenet lsp"), "{text}");
    assert!(text.contains("--stdio"), "{text}");
}

#[test]
fn a_transport_other_than_stdio_is_refused_clearly() {
    let out = Command::new(env!("CARGO_BIN_EXE_tenet")).args(["lsp", "--socket", "6009"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8(out.stderr).unwrap();
    assert!(text.contains("speaks only over standard input and output, not `--socket`"), "{text}");
}

#[test]
fn malformed_messages_get_errors_and_the_server_keeps_serving() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Client::start(dir.path(), &["lsp"]);
    c.request("initialize", json!({ "capabilities": {}, "rootUri": null }));
    c.notify("initialized", json!({}));
    let raw = |c: &mut Client, body: &str| {
        write!(c.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        c.stdin.flush().unwrap();
    };
    for (body, code) in [
        ("{not json", -32700),
        ("[]", -32600),
        ("null", -32600),
        (r#"{"jsonrpc":"2.0","id":{"a":1},"method":"shutdown"}"#, -32600),
    ] {
        raw(&mut c, body);
        let m = loop {
            let m = c.receive();
            if m.get("error").is_some() {
                break m;
            }
        };
        assert_eq!(m["error"]["code"], code, "{body}: {m}");
    }
    // A lone UTF-16 surrogate in a document's text is read as U+FFFD.
    let uri = "file:///tmp/lone.tenet";
    let open = r#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///tmp/lone.tenet","languageId":"tenet","version":1,"text":"rule r \ud800 {}"}}}"#;
    raw(&mut c, open);
    let published = c.diagnostics_for(uri);
    assert!(published["diagnostics"].as_array().is_some_and(|d| !d.is_empty()), "{published}");
    assert_eq!(c.request("shutdown", json!(null)), Value::Null);
    c.notify("exit", json!(null));
    let status = c.child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}
