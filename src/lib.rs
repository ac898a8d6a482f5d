//! Tenet: policy-as-code for consumer-protection standards in telecom
//! customer service.
//!
//! The library is the whole engine; the `tenet` binary, the REPL and the
//! language server are thin front ends over [`analyze`] and [`format`].
//! Stages, one module each: [`syntax`] (text to tree), [`check`] (names,
//! types, schemas, calendars), [`fmt`] (tree to canonical text), [`time`]
//! (deadlines, business days), [`log`] (event log readers), [`eval`] (the
//! streaming engine), [`testing`] (inline tests), [`select`] (limiting a
//! run to some jurisdictions and rules), [`slice`](mod@slice) (one log judged in
//! slices by correlation key, merged exactly), [`report`] (verdicts rendered),
//! [`atomic_file`] (reports and files replaced whole), and [`diagnostics`]
//! (the one path from problems to what users see).

pub mod atomic_file;
pub mod check;
pub mod diagnostics;
pub mod eval;
pub mod fmt;
pub mod log;
pub mod repl;
pub mod report;
pub mod select;
pub mod slice;
pub mod span;
pub mod syntax;
pub mod testing;
pub mod time;
pub mod value;
pub mod workspace;

pub use check::{analyze, Analysis};
pub use diagnostics::{Diagnostic, Problem, Severity, Sources};
pub use fmt::format;
pub use span::{FileId, SourceFile, Span};
