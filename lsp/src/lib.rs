//! The Tenet language server: `tenet lsp`, over stdio.
//!
//! A thin front end over the library: every document is analysed by
//! `tenet::check` (the same parser, checker and diagnostics as `tenet
//! check`), names are resolved by `tenet::check::index`, formatting is
//! `tenet::fmt`, tests run through `tenet::testing`. This crate adds the
//! protocol: positions in UTF-16 ([`line_index`]), open documents
//! ([`engine`]), one handler per request ([`handlers`]) and the routing
//! table ([`server`]).
//!
//! These sources are also compiled into the `tenet` binary as a module, so
//! they name the library as `tenet::...` and each other relatively.

pub mod dependants;
pub mod document;
pub mod engine;
pub mod guard;
pub mod handlers;
pub mod incremental;
pub mod keywords;
pub mod line_index;
pub mod lookup;
pub mod paths;
pub mod server;

/// Serves the protocol on stdin and stdout until the client says `exit`.
pub fn run() -> std::io::Result<()> {
    serve(tokio::io::stdin(), tokio::io::stdout())
}

/// The largest message body the server reads; a longer one is skipped
/// unread and answered with an error (an editor never sends one: a whole
/// document of the largest policy accepted is far smaller).
pub const MAX_BODY: usize = 128 << 20;
/// The longest header line kept; a longer line is not a header.
const MAX_HEADER_LINE: u64 = 64 << 10;

/// Serves the protocol on `input` and `output` until the client says
/// `exit` or `input` ends.
///
/// Messages pass through the [`guard`] on their way in; what goes out (the
/// server's frames and the guard's error answers) is written by one task,
/// a whole frame at a time.
pub fn serve(
    input: impl tokio::io::AsyncRead + Unpin + Send + 'static,
    output: impl tokio::io::AsyncWrite + Unpin + Send + 'static,
) -> std::io::Result<()> {
    use tokio::sync::mpsc::unbounded_channel;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async {
        let (service, socket) = tower_lsp_server::LspService::new(server::Server::new);
        let (to_server, server_in) = tokio::io::duplex(1 << 16);
        let (server_out, from_server) = tokio::io::duplex(1 << 16);
        let (frames, mut outgoing) = unbounded_channel::<Option<Vec<u8>>>();
        tokio::spawn(guarded_input(input, to_server, frames.clone()));
        tokio::spawn(server_frames(from_server, frames));
        let writer = tokio::spawn(async move {
            use tokio::io::AsyncWriteExt;
            let mut out = output;
            // `None`: the server has ended and everything it wrote is out.
            while let Some(Some(frame)) = outgoing.recv().await {
                if out.write_all(&frame).await.is_err() || out.flush().await.is_err() {
                    break;
                }
            }
        });
        tower_lsp_server::Server::new(server_in, server_out, socket).serve(service).await;
        let _ = writer.await;
    });
    // Do not wait for a thread still blocked reading the input.
    runtime.shutdown_background();
    Ok(())
}

/// An error answer frame with no id.
fn error_frame(code: i64, message: &str) -> Vec<u8> {
    guard::frame(&guard::error(serde_json::Value::Null, code, message))
}

/// Reads one header block (up to its blank line) into `headers`; false at
/// the end of the input. Lines longer than [`MAX_HEADER_LINE`] are dropped
/// as they are read, so no input grows the block without bound.
async fn read_headers(reader: &mut (impl tokio::io::AsyncBufRead + Unpin), headers: &mut Vec<u8>) -> bool {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt};
    headers.clear();
    loop {
        let start = headers.len();
        match (&mut *reader).take(MAX_HEADER_LINE).read_until(b'\n', headers).await {
            Ok(0) | Err(_) => return false,
            Ok(_) => {}
        }
        let line = &headers[start..];
        if !line.ends_with(b"\n") || headers.len() as u64 > 4 * MAX_HEADER_LINE {
            // Not a header line: forget it (and what came before it).
            headers.clear();
            continue;
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            if start == 0 {
                // Blank lines between frames.
                headers.clear();
                continue;
            }
            return true;
        }
    }
}

/// Reads frames from the client; passes good ones to the server and sends
/// the guard's answers to bad ones out.
async fn guarded_input(
    input: impl tokio::io::AsyncRead + Unpin,
    mut to_server: tokio::io::DuplexStream,
    answers: tokio::sync::mpsc::UnboundedSender<Option<Vec<u8>>>,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut reader = tokio::io::BufReader::new(input);
    let mut headers = Vec::new();
    while read_headers(&mut reader, &mut headers).await {
        let Some(length) = guard::content_length(&String::from_utf8_lossy(&headers)) else {
            let _ = answers.send(Some(error_frame(guard::PARSE_ERROR, "a message needs a Content-Length header")));
            continue;
        };
        if length > MAX_BODY {
            let skipped = tokio::io::copy(&mut (&mut reader).take(length as u64), &mut tokio::io::sink()).await;
            let message = format!("a message body of {length} bytes is beyond the limit of {MAX_BODY} bytes");
            let _ = answers.send(Some(error_frame(guard::INVALID_REQUEST, &message)));
            if skipped.map_or(true, |n| n < length as u64) {
                return;
            }
            continue;
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).await.is_err() {
            return;
        }
        match guard::check(&body) {
            guard::Verdict::Pass(body) => {
                if to_server.write_all(&guard::frame(&body)).await.is_err() {
                    return;
                }
            }
            guard::Verdict::Answer(body) => {
                let _ = answers.send(Some(guard::frame(&body)));
            }
        }
    }
}

/// Cuts what the server writes into whole frames for the one writer; sends
/// `None` when the server has ended.
async fn server_frames(
    from_server: tokio::io::DuplexStream,
    frames: tokio::sync::mpsc::UnboundedSender<Option<Vec<u8>>>,
) {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt};
    let mut reader = tokio::io::BufReader::new(from_server);
    loop {
        let mut headers = Vec::new();
        loop {
            let start = headers.len();
            match reader.read_until(b'\n', &mut headers).await {
                Ok(0) | Err(_) => {
                    let _ = frames.send(None);
                    return;
                }
                Ok(_) => {}
            }
            if headers[start..].iter().all(|b| b.is_ascii_whitespace()) {
                break;
            }
        }
        let length = guard::content_length(&String::from_utf8_lossy(&headers)).unwrap_or(0);
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).await.is_err() {
            let _ = frames.send(None);
            return;
        }
        let mut frame = headers;
        frame.extend_from_slice(&body);
        let _ = frames.send(Some(frame));
    }
}
