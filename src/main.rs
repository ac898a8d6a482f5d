//! The `tenet` command line: a thin front end over the library.
//!
//! Exit codes: 0 clean, 1 problems found (policy errors, violations, failed
//! tests, unformatted files), 2 usage, I/O or event-log errors.

mod cli;
// The language server's sources, shared with the `tenet-lsp` crate in `lsp/`
// (see the workspace note in Cargo.toml).
#[path = "../lsp/src/lib.rs"]
mod lsp;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::process::ExitCode;
use tenet::diagnostics::RenderOptions;

#[derive(Parser)]
#[command(
    name = "tenet",
    version,
    about = "Policy-as-code for consumer-protection standards in telecom customer service"
)]
struct Cli {
    /// When to colour output: auto (a terminal and NO_COLOR unset), always, never.
    #[arg(long, value_enum, default_value_t = Color::Auto, global = true)]
    color: Color,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

impl Color {
    /// Whether a stream that is (or is not) a terminal takes colour.
    fn on(self, terminal: bool) -> bool {
        match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }
}

/// Output formats.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq, Debug)]
pub enum Format {
    /// For people.
    Human,
    /// Stable JSON (documented in the README).
    Json,
    /// JSON Lines: one violation (or diagnostic) per line, then a summary line.
    Jsonl,
    /// SARIF 2.1.0 for code-review tools: violations, or the policy diagnostics without --events.
    Sarif,
    /// One self-contained HTML page to keep or send: tables per jurisdiction and rule, charts, evidence,
    /// remedies (with --events; best with --output).
    Html,
}

#[derive(Subcommand)]
enum Command {
    /// Check policy files, and with --events judge an event log against them.
    ///
    /// Without --events: a static check (syntax, names, types, schemas,
    /// calendars) of the files and directories given (searched recursively
    /// for `.tenet` files) and the files they import. Exit status: 0 when no
    /// error was found (warnings allowed), 1 when some error was, 2 when a
    /// path cannot be read.
    ///
    /// With --events: every rule of the jurisdictions given is evaluated over
    /// the log (JSON Lines, CSV or XES, optionally .gz; several files are one
    /// log), and every rule instance gets a verdict: satisfied, violated or
    /// pending. Exit status: 0 when nothing is violated, 1 when something
    /// is, 2 when the policy or the log cannot be read.
    #[command(
        after_help = "Examples:\n  tenet check policies/br/sac.tenet\n  tenet check policies/ --format json\n  tenet check policies/br --events examples/acme-br.jsonl\n  tenet check policies/us --events examples/acme-us.jsonl --format html --output report.html\n  tenet check policies/ --events examples/acme-br.jsonl --jurisdiction BR --rule 'answer_*'\n  tenet check benches/reference.tenet --events log.jsonl.gz --as-of 2026-04-01T00:00:00Z --summary"
    )]
    Check(cli::check::CheckArgs),
    /// Run the inline `test` blocks of policy files.
    ///
    /// Each test gives events and expects verdicts; one line per test, the
    /// evidence for each failure, the failures again, then `N passed, N
    /// failed, N filtered out` with the time taken. Exit status 1 when a
    /// test fails or a policy has errors, 2 when the filters leave no test.
    #[command(
        after_help = "Examples:\n  tenet test policies/\n  tenet test policies/br --filter seventh\n  tenet test policies/ --jurisdiction BR --rule 'answer_*'\n  tenet test policies/ --format junit > tenet-tests.xml"
    )]
    Test(cli::test::TestArgs),
    /// Format policy files in place, in the canonical layout.
    ///
    /// Formatting keeps every comment and never changes meaning. Without a
    /// path, the `.tenet` files below the current folder are formatted
    /// (not those in hidden folders such as `.git`, nor in `target`); `-`
    /// formats standard input to standard output. With `--check`, nothing
    /// is written: the files that would change are listed; with `--diff`,
    /// what would change is printed as a unified diff. Either way the exit
    /// status is 1 if anything would change.
    #[command(
        after_help = "Examples:\n  tenet fmt policies/\n  tenet fmt --check policies/br/sac.tenet\n  tenet fmt --diff\n  tenet fmt - < draft.tenet > formatted.tenet"
    )]
    Fmt(cli::fmt::FmtArgs),
    /// Draft policies interactively: load the law and a log, change a rule,
    /// see what changes and why.
    ///
    /// Type a definition (rule, event, calendar, jurisdiction, test) to add
    /// or replace it, an expression to compute it (a time plus `2 business
    /// days` gives the deadline), or a command (`:help` lists them: :check,
    /// :explain, :diff, :save, ...). When standard input is not a terminal,
    /// inputs are read line by line and the exit status is 1 if any was
    /// rejected.
    #[command(
        after_help = "Examples:\n  tenet repl policies/br --events examples/acme-br.jsonl\n  tenet repl\n  printf ':check\\n' | tenet repl policies/br --events examples/acme-br.jsonl"
    )]
    Repl(cli::repl::ReplArgs),
    /// Print how `tenet check --slices N` slices a policy, as JSON.
    ///
    /// Rules are grouped by the correlation key all their matchers share;
    /// each group lists how every event type it reads is routed (by the
    /// normalised value of a key, copied to every slice, or spread by
    /// position), and the rules evaluated at the merge say why. The
    /// document is versioned (`"version": 1`).
    #[command(
        after_help = "Examples:\n  tenet plan benches/reference.tenet --slices 4\n  tenet plan policies/ --jurisdiction BR"
    )]
    Plan(cli::plan::PlanArgs),
    /// Run the language server, speaking the Language Server Protocol on stdin and stdout.
    ///
    /// Editors start it themselves: diagnostics as you type (and when an
    /// imported file changes on disk), hover with the legal text and exact
    /// deadlines, go to definition, references, highlight, rename,
    /// completion, formatting of the file or a selection, semantic
    /// highlighting, quick fixes, "run test" lenses and inlay hints. Stdio
    /// is the only transport (`--stdio` is accepted). See the README for VS
    /// Code, Neovim and Helix.
    #[command(
        after_help = "Examples:\n  tenet lsp\n  tenet lsp --stdio\n  (Neovim) vim.lsp.start({ name = 'tenet', cmd = { 'tenet', 'lsp' } })"
    )]
    Lsp(cli::lsp::LspArgs),
    /// Print a completion script for a shell to standard output.
    ///
    /// Completes subcommands, options and their values. See the README
    /// (Install) for where each shell looks for it.
    #[command(
        after_help = "Examples:\n  tenet completions bash > ~/.local/share/bash-completion/completions/tenet\n  tenet completions zsh > ~/.zfunc/_tenet\n  tenet completions fish > ~/.config/fish/completions/tenet.fish"
    )]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) to standard output.
    #[command(after_help = "Examples:\n  tenet man > ~/.local/share/man/man1/tenet.1\n  tenet man | man -l -")]
    Man,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Standard error and standard output each wrap and colour as what they
    // are: a terminal, or a pipe or file read by a program.
    let stderr_terminal = std::io::stderr().is_terminal();
    let stdout_terminal = std::io::stdout().is_terminal();
    let opts = RenderOptions { color: cli.color.on(stderr_terminal), width: cli::width(stderr_terminal) };
    let out_opts = RenderOptions { color: cli.color.on(stdout_terminal), width: cli::width(stdout_terminal) };
    let code = match cli.command {
        Command::Check(args) => cli::check::run(&args, opts, out_opts),
        Command::Test(args) => cli::test::run(&args, opts, out_opts.color),
        Command::Fmt(args) => cli::fmt::run(&args, opts),
        Command::Repl(args) => cli::repl::run(&args, opts),
        Command::Completions { shell } => cli::docs::completions(shell, &mut Cli::command()),
        Command::Man => cli::docs::man(Cli::command()),
        Command::Lsp(args) => cli::lsp::run(&args),
        Command::Plan(args) => cli::plan::run(&args, opts),
    };
    ExitCode::from(code)
}
