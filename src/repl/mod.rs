//! The REPL for drafting policies: load the law, load a log or type events,
//! change a rule, and see what changes and why.
//!
//! A [`Session`] does everything and is tested without a terminal; the
//! [`terminal`] front end only reads lines (rustyline on a terminal, plain
//! lines otherwise) and prints the session's replies.

mod calc;
mod calc_num;
mod calc_show;
mod columns;
mod commands;
mod complete;
mod defs;
mod diff;
mod explain;
mod highlight;
mod input;
pub mod journal;
mod kept;
mod scope;
mod session;
mod store;
pub mod terminal;
mod verdicts;
mod watch;

pub use calc::{compute, Place, Value};
pub use commands::{help, COMMANDS};
pub use complete::{complete, Words};
pub use defs::{DefKind, DRAFT};
pub use highlight::highlight;
pub use input::{ends_header, is_complete};
pub use scope::Scope;
pub use session::{Reply, Session};
pub use watch::Watch;
