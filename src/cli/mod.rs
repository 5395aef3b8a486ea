//! The command line: one binary, `cloudatlas`. With no subcommand it opens the explorer window;
//! each subcommand makes one stage of the pipeline scriptable, testable and measurable.

mod bench_ui;
mod compile;
mod export;
mod layout;
mod save_loop;
mod search;
mod soak;
mod weak;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Turns your AWS study notes into a map you can explore.
#[derive(Debug, Parser)]
#[command(
    name = "cloudatlas",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Notes file or folder to open (the built-in notes when omitted).
    pub path: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compile notes into a knowledge graph; print a summary, optionally write the graph JSON.
    Compile(compile::CompileArgs),
    /// Lay out a node-link graph; print the time per tick, optionally write the positions.
    Layout(layout::LayoutArgs),
    /// Weak topics: list, add, remove, suggest, review, coverage, export.
    Weak(weak::WeakArgs),
    /// Write the graph for Gephi (graphml, gexf), Graphviz (dot) or d3 (json).
    Export(export::ExportArgs),
    /// Search the notes: `[PATH] QUERY`, or a batch of queries with `--queries FILE`.
    Search(search::SearchArgs),
    /// Measure the explorer's frame cost headless (the real UI, no window, no GPU).
    BenchUi(bench_ui::BenchUiArgs),
    /// Measure the time from a note written on disk to the map showing it (headless explorer).
    BenchLive(bench_ui::BenchLiveArgs),
    /// Save in a loop, acknowledging each save (the child of the kill -9 tests).
    #[command(hide = true)]
    SaveLoop(save_loop::SaveLoopArgs),
    /// Drive the explorer headless for a long time (search, open, pan) and sample its memory.
    Soak(soak::SoakArgs),
}

/// Runs a subcommand. Returns the process exit code.
pub fn run(command: Command) -> anyhow::Result<i32> {
    if matches!(
        command,
        Command::Compile(_) | Command::Layout(_) | Command::Export(_) | Command::Search(_)
    ) {
        crate::util::return_big_buffers_promptly();
    }
    match command {
        Command::Compile(args) => compile::run(&args),
        Command::Layout(args) => layout::run(&args),
        Command::Weak(args) => weak::run(&args),
        Command::Export(args) => export::run(&args),
        Command::Search(args) => search::run(&args),
        Command::BenchUi(args) => bench_ui::run(&args),
        Command::BenchLive(args) => bench_ui::run_live_bench(&args),
        Command::SaveLoop(args) => save_loop::run(&args),
        Command::Soak(args) => soak::run(&args),
    }
}
