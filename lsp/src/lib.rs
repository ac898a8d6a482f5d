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

pub mod document;
pub mod engine;
pub mod handlers;
pub mod incremental;
pub mod keywords;
pub mod line_index;
pub mod lookup;
pub mod paths;
pub mod server;

/// Serves the protocol on stdin and stdout until the client says `exit`.
pub fn run() -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async {
        let (service, socket) = tower_lsp_server::LspService::new(server::Server::new);
        tower_lsp_server::Server::new(tokio::io::stdin(), tokio::io::stdout(), socket).serve(service).await;
    });
    Ok(())
}
