//! Tenet: policy-as-code for consumer-protection standards in telecom
//! customer service.
//!
//! The library is the whole engine; the `tenet` binary, the REPL and the
//! language server are thin front ends over [`analyze`] and [`format`].
//! Stages, one module each: [`syntax`] (text to tree), [`check`] (names,
//! types, schemas, calendars), [`fmt`] (tree to canonical text), and
//! [`diagnostics`] (the one path from problems to what users see).

pub mod check;
pub mod diagnostics;
pub mod fmt;
pub mod span;
pub mod syntax;
pub mod workspace;

pub use check::{analyze, Analysis};
pub use diagnostics::{Diagnostic, Problem, Severity, Sources};
pub use fmt::format;
pub use span::{FileId, SourceFile, Span};
