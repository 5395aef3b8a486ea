//! `cloudatlas soak`: the explorer driven headless for a long time, memory sampled as it runs
//! (see [`crate::app::soak`]).

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use crate::app::soak::{SoakOptions, run as run_soak};

/// Arguments of `soak`.
#[derive(Debug, Args)]
pub struct SoakArgs {
    /// Notes file or folder.
    pub input: PathBuf,
    /// How long to run, in minutes.
    #[arg(long, default_value_t = 60.0)]
    pub minutes: f64,
    /// Seconds between memory samples.
    #[arg(long, default_value_t = 60.0)]
    pub every: f64,
    /// Frames per second at most (0: as fast as possible).
    #[arg(long, default_value_t = 30)]
    pub fps: u32,
    /// Seed of the random queries and clicks.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Print JSON lines (one per sample, then the summary).
    #[arg(long)]
    pub json: bool,
}

/// Runs the soak and prints the samples as they come.
pub fn run(args: &SoakArgs) -> anyhow::Result<i32> {
    let secs = |v: f64, what: &str| {
        Duration::try_from_secs_f64(v)
            .ok()
            .filter(|d| !d.is_zero())
            .ok_or_else(|| anyhow::anyhow!("--{what} must be a positive number, not {v}"))
    };
    let options = SoakOptions {
        input: args.input.clone(),
        duration: secs(args.minutes * 60.0, "minutes")?,
        every: secs(args.every, "every")?,
        fps: args.fps,
        seed: args.seed,
    };
    let json = args.json;
    let report = run_soak(&options, &mut |s| {
        if json {
            if let Ok(line) = serde_json::to_string(s) {
                println!("{line}");
            }
        } else {
            println!(
                "{:>7.0} s  RSS {:>7.1} MiB  {} frames, {} queries, {} opened, frame p50 {:.2} ms p99 {:.2} ms",
                s.at_s, s.rss_mib, s.frames, s.queries, s.opened, s.frame_ms_p50, s.frame_ms_p99
            );
        }
    })?;
    if json {
        let summary = serde_json::json!({
            "nodes": report.nodes,
            "sections": report.sections,
            "rss_loaded_mib": report.rss_loaded_mib,
            "rss_first_mib": report.rss_first_mib,
            "rss_last_mib": report.rss_last_mib,
            "rss_max_mib": report.rss_max_mib,
            "rss_peak_mib": report.rss_peak_mib,
            "samples": report.samples.len(),
        });
        println!("{summary}");
    } else {
        println!(
            "{} nodes, {} sections: RSS after load {:.1} MiB, first sample {:.1}, last {:.1}, max {:.1}, peak {:.1} MiB",
            report.nodes,
            report.sections,
            report.rss_loaded_mib,
            report.rss_first_mib,
            report.rss_last_mib,
            report.rss_max_mib,
            report.rss_peak_mib
        );
    }
    Ok(0)
}
