//! cloudatlas: turns a person's own AWS study notes into a knowledge graph they can explore.
//!
//! # Architecture flow
//!
//! 1. [`notes::load`] reads a notes file or folder into [`notes::Note`]s, each split into
//!    [`notes::Section`]s with 1-based line ranges (plain-text outlines and Markdown).
//! 2. [`catalog::Catalog::builtin`] is the AWS catalog (`data/catalog.ron`, validated by `build.rs`
//!    and embedded in the binary): services, concepts and tools with aliases and relations.
//! 3. [`extract`] finds mentions of catalog entities, relations between them and the author's
//!    markers (important / unsure) in every section.
//! 4. [`graph::KnowledgeGraph`] holds the entities and relations (petgraph), with content-derived
//!    ids that survive a recompile.
//! 5. [`compile::compile`] runs 1–4 and is what the CLI, the tests, the benchmarks and the window
//!    all call.
//! 6. [`search`] indexes the sections with tantivy; [`layout`] places the graph with fdg-sim and
//!    our own Barnes-Hut forces; [`study`] keeps weak topics and their review schedule; [`export`]
//!    writes the graph for other tools.
//! 7. [`app`] is the only module that uses egui/eframe: the explorer window.
//!
//! Every module but `app` and `cli` is headless.

pub mod app;
pub mod catalog;
pub mod cli;
pub mod compile;
pub mod export;
pub mod extract;
pub mod graph;
pub mod layout;
pub mod notes;
pub mod search;
pub mod study;
pub mod util;

pub use compile::{Compiled, compile, compile_builtin, compile_with_progress};
