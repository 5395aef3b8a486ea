//! `cloudatlas bench-ui`: the explorer's frame cost, headless (see [`crate::app::bench`]).

use std::path::PathBuf;

use clap::Args;

use crate::app::bench::{BenchOptions, run as run_bench};

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
