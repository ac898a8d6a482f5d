//! `tenet repl`: the interactive session for drafting policies.

use std::io::IsTerminal;
use std::path::PathBuf;
use tenet::diagnostics::RenderOptions;
use tenet::repl::{terminal, Session};

/// Arguments of `tenet repl`.
#[derive(clap::Args)]
pub struct ReplArgs {
    /// Policy files or directories to load first.
    pub paths: Vec<PathBuf>,
    /// Event logs to load first (JSON Lines, CSV or XES, optionally .gz).
    #[arg(long = "events", value_name = "LOG", num_args = 1..)]
    pub events: Vec<PathBuf>,
    /// Judge only the rules of this jurisdiction in `:check`, `:explain`,
    /// `:diff` and `:test` (a code such as `BR`; repeat for several).
    #[arg(long = "jurisdiction", value_name = "CODE")]
    pub jurisdictions: Vec<String>,
    /// Judge only the rules of this name or glob (`answer_*`; repeat for
    /// several); `:check --rule` and `:test --rule` replace it for one command.
    #[arg(long = "rule", value_name = "NAME|GLOB")]
    pub rules: Vec<String>,
}

/// Runs the REPL; returns the exit status.
pub fn run(args: &ReplArgs, opts: RenderOptions) -> u8 {
    let mut session = Session::new(opts);
    let loads = args.paths.iter().map(|p| (p, true)).chain(args.events.iter().map(|p| (p, false)));
    for (path, policy) in loads {
        let text = path.to_string_lossy();
        let reply = if policy { session.load_path(&text) } else { session.load_events(&text) };
        super::out(&reply.text);
        if !reply.ok {
            return 2;
        }
    }
    if !args.jurisdictions.is_empty() || !args.rules.is_empty() {
        let reply = session.scope(&args.jurisdictions, &args.rules);
        if !reply.ok {
            super::err(&reply.text);
            return 2;
        }
    }
    let stdin = std::io::stdin();
    if stdin.is_terminal() && std::io::stdout().is_terminal() {
        terminal::interactive(&mut session, opts.color)
    } else {
        terminal::script(&mut session, stdin.lock(), &mut std::io::stdout())
    }
}
