#![allow(clippy::unwrap_used)]
//! Integration tests: one test binary, one module per area.

mod app;
mod compile;
mod export;
mod extract;
mod faults;
mod fuzz;
mod hostile;
mod hostile_notes;
mod incremental;
mod layout;
mod notes;
mod search;
mod study;
mod util;
mod vault;
mod view_export;
