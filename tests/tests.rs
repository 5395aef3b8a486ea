#![allow(clippy::unwrap_used)]
//! Integration tests: one test binary, one module per area.

mod app;
mod compile;
mod extract;
mod notes;
mod search;
mod util;
