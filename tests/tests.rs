#![allow(clippy::unwrap_used)]
//! Integration tests: one test binary, one module per area.

mod app;
mod compile;
mod extract;
mod export;
mod notes;
mod layout;
mod study;
mod search;
mod util;
mod vault;
