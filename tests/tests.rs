#![allow(clippy::unwrap_used)]
//! Integration tests: one test binary, one module per area.

mod compile;
mod extract;
mod notes;
mod util;
