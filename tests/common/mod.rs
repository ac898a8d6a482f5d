//! Helpers shared by integration tests.

pub mod meaning;
pub mod mutate;
