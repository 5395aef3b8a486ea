//! `cloudatlas bench-ui`: the explorer's frame cost, headless, and `cloudatlas bench-live`: the
//! time from a note written on disk to the map showing it (see [`crate::app::bench`]).

use std::path::PathBuf;

use clap::Args;

use crate::app::bench::{BenchOptions, LiveOptions, run as run_bench, run_live};

/// Arguments of `bench-ui`.
#[derive(Debug, Args)]
pub struct BenchUiArgs {
    /// Notes file or folder, or a node-link graph JSON file.
    pub input: PathBuf,
    /// Node positions as JSON: {"id": [x, y], ...}.
    #[arg(long)]
    pub positions: Option<PathBuf>,
    /// Frames to measure.
    #[arg(long, default_value_t = 300)]
    pub frames: usize,
    /// Frames run before measuring.
    #[arg(long, default_value_t = 10)]
    pub warmup: usize,
    /// Pan and zoom the camera every frame (labels on).
    #[arg(long)]
    pub pan: bool,
    /// Print one JSON line (the default prints a short summary).
    #[arg(long)]
    pub json: bool,
}

/// Runs the measurement and prints it.
pub fn run(args: &BenchUiArgs) -> anyhow::Result<i32> {
    let report = run_bench(&BenchOptions {
        input: args.input.clone(),
        positions: args.positions.clone(),
        frames: args.frames.max(1),
        warmup: args.warmup,
        pan: args.pan,
    })?;
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        println!(
            "{} nodes, {} links, {} frames: p50 {:.3} ms, p99 {:.3} ms per frame (tessellation p50 {:.3} ms)",
            report.nodes,
            report.links,
            report.frames,
            report.ms_per_frame_p50,
            report.ms_per_frame_p99,
            report.tessellate_ms_p50
        );
    }
    Ok(0)
}

/// Arguments of `bench-live`.
#[derive(Debug, Args)]
pub struct BenchLiveArgs {
    /// Notes file or folder (copied to a temporary folder; the original is never written).
    pub input: PathBuf,
    /// Edits to time.
    #[arg(long, default_value_t = 50)]
    pub edits: usize,
    /// Without the layout worker.
    #[arg(long)]
    pub no_layout: bool,
    /// Print one JSON line (the default prints a short summary).
    #[arg(long)]
    pub json: bool,
}

/// Runs the live measurement and prints it.
pub fn run_live_bench(args: &BenchLiveArgs) -> anyhow::Result<i32> {
    let report = run_live(&LiveOptions {
        input: args.input.clone(),
        edits: args.edits.max(1),
        layout: !args.no_layout,
    })?;
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        println!(
            "{} nodes, {}/{} edits shown: write to frame p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms (watcher event p50 {:.1} ms, quiet period {:.0} ms, frame p50 {:.1} ms)",
            report.nodes,
            report.shown,
            report.edits,
            report.write_to_frame_ms_p50,
            report.write_to_frame_ms_p99,
            report.write_to_frame_ms_max,
            report.write_to_event_ms_p50,
            report.debounce_ms,
            report.frame_ms_p50
        );
    }
    Ok(i32::from(report.shown < report.edits))
}
