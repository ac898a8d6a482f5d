//! Progress bars on standard error: the library's, shared with the REPL.

pub use tenet::report::progress::{tests, wanted, LogBar};
