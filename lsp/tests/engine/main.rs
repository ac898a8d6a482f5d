//! The server's engine, called directly: every request handler on the
//! fixture policy, with snapshots that draw the spans under the source.

#![expect(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

mod support;

mod diagnostics;
mod disk;
mod editing;
mod features;
mod highlight;
mod incremental;
mod navigation;
mod no_panic;
mod range_formatting;
