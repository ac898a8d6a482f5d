//! One file per request: each looks up the document and hands off to the
//! library in a few lines. The routing table is `server.rs`.

use super::document::{Document, Snapshot};
use super::engine::Engine;
use super::line_index::LineIndex;
use super::lookup;

pub mod code_actions;
pub mod code_lens;
pub mod completion;
pub mod diagnostics;
pub mod folding;
pub mod formatting;
pub mod highlight;
pub mod hover;
pub mod inlay_hints;
pub mod navigation;
pub mod range_formatting;
pub mod rename;
pub mod semantic_tokens;
pub mod symbols;
pub mod watched_files;
