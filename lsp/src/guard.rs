//! A guard in front of the protocol library: every message from the client
//! is checked before the server sees it, so that one bad message gets the
//! protocol's error answer and the server keeps serving.
//!
//! The protocol library ends the session on a body that is not JSON, and a
//! lone UTF-16 surrogate (`"\ud800"`, which editors send when a change
//! splits a pair) is not valid JSON text to it. The guard reads the
//! `Content-Length` frames itself: a lone surrogate escape becomes U+FFFD
//! (the change still applies); a body that is not a JSON object, or whose
//! `id` is neither an integer nor a string, is answered with a JSON-RPC
//! error and not passed on; what passes is the message as parsed (a member
//! given twice once). Answers go out through one writer, whole frames at a
//! time, so they never interleave with the server's.

use serde_json::{json, Value};

/// JSON-RPC's "parse error".
pub const PARSE_ERROR: i64 = -32700;
/// JSON-RPC's "invalid request".
pub const INVALID_REQUEST: i64 = -32600;

/// What to do with one message body.
#[derive(Debug, PartialEq)]
pub enum Verdict {
    /// Pass it on (possibly repaired).
    Pass(Vec<u8>),
    /// Answer with this error frame body instead.
    Answer(Vec<u8>),
}

/// Checks one message body.
pub fn check(body: &[u8]) -> Verdict {
    let repaired = replace_lone_surrogates(body);
    let value: Value = match serde_json::from_slice(&repaired) {
        Ok(v) => v,
        Err(e) => return Verdict::Answer(error(Value::Null, PARSE_ERROR, &format!("not JSON: {e}"))),
    };
    let Value::Object(map) = &value else {
        return Verdict::Answer(error(Value::Null, INVALID_REQUEST, "a message must be a JSON object"));
    };
    match map.get("id") {
        // The protocol's integers are 64-bit signed.
        None | Some(Value::String(_)) => {}
        Some(Value::Number(n)) if n.is_i64() => {}
        Some(Value::Null) if map.contains_key("method") => {}
        Some(_) => {
            return Verdict::Answer(error(Value::Null, INVALID_REQUEST, "an id must be an integer or a string"));
        }
    }
    if map.get("method").is_some_and(|m| !m.is_string()) {
        let id = map.get("id").cloned().unwrap_or(Value::Null);
        return Verdict::Answer(error(id, INVALID_REQUEST, "a method must be a string"));
    }
    if !map.contains_key("method") && !map.contains_key("result") && !map.contains_key("error") {
        let id = map.get("id").cloned().unwrap_or(Value::Null);
        return Verdict::Answer(error(id, INVALID_REQUEST, "a message needs a method, a result or an error"));
    }
    // Passed on as parsed: a member given twice once (the last one counts).
    let body = match serde_json::to_vec(&value) {
        Ok(body) => body,
        Err(e) => return Verdict::Answer(error(Value::Null, PARSE_ERROR, &format!("not JSON: {e}"))),
    };
    // The protocol library stops reading the session at a message it cannot
    // read as a request or a response (no `jsonrpc`, a version other than
    // 2.0): such a message is answered here.
    use tower_lsp_server::jsonrpc::{Request, Response};
    let readable =
        serde_json::from_slice::<Response>(&body).is_ok() || serde_json::from_slice::<Request>(&body).is_ok();
    if !readable {
        let id = map.get("id").cloned().unwrap_or(Value::Null);
        return Verdict::Answer(error(id, INVALID_REQUEST, "not a JSON-RPC 2.0 request, notification or response"));
    }
    Verdict::Pass(body)
}

/// A JSON-RPC error response body.
pub fn error(id: Value, code: i64, message: &str) -> Vec<u8> {
    json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } }).to_string().into_bytes()
}

/// `body` with every `\uD800`–`\uDFFF` escape that is not half of a pair
/// replaced by `\uFFFD`.
pub fn replace_lone_surrogates(body: &[u8]) -> Vec<u8> {
    let hex = |at: usize| -> Option<u32> {
        let digits = body.get(at..at + 4)?;
        u32::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()
    };
    let escape_at = |at: usize| body.get(at) == Some(&b'\\') && body.get(at + 1) == Some(&b'u');
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    let mut in_string = false;
    while i < body.len() {
        let b = body[i];
        if !in_string {
            in_string = b == b'"';
            out.push(b);
            i += 1;
            continue;
        }
        match b {
            b'"' => {
                in_string = false;
                out.push(b);
                i += 1;
            }
            b'\\' if escape_at(i) => {
                let unit = hex(i + 2);
                let high = unit.is_some_and(|u| (0xD800..0xDC00).contains(&u));
                let low = unit.is_some_and(|u| (0xDC00..0xE000).contains(&u));
                let paired = high && escape_at(i + 6) && hex(i + 8).is_some_and(|u| (0xDC00..0xE000).contains(&u));
                if paired {
                    out.extend_from_slice(&body[i..i + 12]);
                    i += 12;
                } else if high || low {
                    out.extend_from_slice(b"\\uFFFD");
                    i += 6;
                } else {
                    out.push(b);
                    i += 1;
                }
            }
            b'\\' => {
                // Any other escape: copy it and the character it escapes.
                out.extend_from_slice(&body[i..(i + 2).min(body.len())]);
                i += 2;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// One `Content-Length` frame around `body`.
pub fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// The length a header block announces (None when it announces none).
pub fn content_length(headers: &str) -> Option<usize> {
    headers.lines().find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.trim().eq_ignore_ascii_case("content-length").then(|| value.trim().parse().ok())?
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer_code(v: &Verdict) -> Option<i64> {
        match v {
            Verdict::Answer(body) => serde_json::from_slice::<Value>(body).ok()?["error"]["code"].as_i64(),
            Verdict::Pass(_) => None,
        }
    }

    #[test]
    fn bad_messages_get_the_protocols_errors() {
        assert_eq!(answer_code(&check(b"{not json")), Some(PARSE_ERROR));
        assert_eq!(answer_code(&check(b"[]")), Some(INVALID_REQUEST));
        assert_eq!(answer_code(&check(b"null")), Some(INVALID_REQUEST));
        assert_eq!(
            answer_code(&check(br#"{"jsonrpc":"2.0","id":{"a":1},"method":"shutdown"}"#)),
            Some(INVALID_REQUEST)
        );
        assert_eq!(answer_code(&check(br#"{"jsonrpc":"2.0","id":3}"#)), Some(INVALID_REQUEST));
        for id in ["1.5", "9223372036854775808", "1e3", "true"] {
            let body = format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"shutdown"}}"#);
            assert_eq!(answer_code(&check(body.as_bytes())), Some(INVALID_REQUEST), "id {id}");
        }
        assert_eq!(answer_code(&check(br#"{"jsonrpc":"2.0","id":2,"method":7}"#)), Some(INVALID_REQUEST));
        let ok = br#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#;
        let Verdict::Pass(passed) = check(ok) else { panic!("a good message passes") };
        assert_eq!(serde_json::from_slice::<Value>(&passed).ok(), serde_json::from_slice::<Value>(ok).ok());
        let twice = br#"{"jsonrpc":"2.0","id":1,"id":2,"method":"shutdown"}"#;
        let Verdict::Pass(passed) = check(twice) else { panic!("a member given twice passes once") };
        assert_eq!(passed, br#"{"id":2,"jsonrpc":"2.0","method":"shutdown"}"#.to_vec());
    }

    #[test]
    fn lone_surrogates_become_replacement_characters_and_pairs_stay() {
        let lone = br#"{"text":"a\ud800b \udc00 \\ud800"}"#;
        assert_eq!(replace_lone_surrogates(lone), br#"{"text":"a\uFFFDb \uFFFD \\ud800"}"#.to_vec());
        let pair = br#"{"text":"\ud83d\ude00"}"#;
        assert_eq!(replace_lone_surrogates(pair), pair.to_vec());
        let Verdict::Pass(body) = check(br#"{"jsonrpc":"2.0","method":"x","params":{"text":"\ud800"}}"#) else {
            panic!("a lone surrogate should be repaired, not refused")
        };
        let v: Value = serde_json::from_slice(&body).unwrap_or_default();
        assert_eq!(v["params"]["text"], "\u{fffd}");
    }

    #[test]
    fn headers_announce_the_length() {
        assert_eq!(content_length("Content-Length: 42\r\nContent-Type: x"), Some(42));
        assert_eq!(content_length("content-length:7"), Some(7));
        assert_eq!(content_length("Content-Type: x"), None);
    }
}
