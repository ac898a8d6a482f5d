//! `tenet lsp`: the language server, on standard input and output.
//!
//! Stdio is the only transport. Clients name the transport they want:
//! `--stdio` (which `vscode-languageclient` passes for stdio) is accepted;
//! the others it may pass (`--socket`, `--pipe`, `--node-ipc`) are refused
//! with a message saying so, rather than clap's "unexpected argument".

/// Arguments of `tenet lsp`.
#[derive(clap::Args)]
pub struct LspArgs {
    /// Speak over standard input and output (the default, and the only
    /// transport; accepted because clients such as VS Code pass it).
    #[arg(long)]
    pub stdio: bool,
    /// Not supported: the server speaks only over stdio.
    #[arg(long, hide = true, value_name = "PORT")]
    pub socket: Option<String>,
    /// Not supported: the server speaks only over stdio.
    #[arg(long, hide = true, value_name = "NAME")]
    pub pipe: Option<String>,
    /// Not supported: the server speaks only over stdio.
    #[arg(long, hide = true)]
    pub node_ipc: bool,
}

impl LspArgs {
    /// The transport asked for that is not stdio, as written.
    fn other_transport(&self) -> Option<&'static str> {
        if self.socket.is_some() {
            Some("--socket")
        } else if self.pipe.is_some() {
            Some("--pipe")
        } else if self.node_ipc {
            Some("--node-ipc")
        } else {
            None
        }
    }
}

/// Runs `tenet lsp`; returns the exit status.
pub fn run(args: &LspArgs) -> u8 {
    if let Some(flag) = args.other_transport() {
        super::err(&format!(
            "error: `tenet lsp` speaks only over standard input and output, not `{flag}`\n  \
             help: start it as `tenet lsp` or `tenet lsp --stdio`\n"
        ));
        return 2;
    }
    match crate::lsp::run() {
        Ok(()) => 0,
        Err(e) => {
            super::err(&format!("error: the language server could not start: {e}\n"));
            2
        }
    }
}
