//! `cloudatlas save-loop` (hidden): the child process of the crash tests. It records changes and
//! saves them in a loop through the same code the explorer uses, and prints `ack SEQ` on stdout
//! only after each save has returned. A test kills it with SIGKILL at random moments and checks
//! that the file always parses and holds every acknowledged change.
//!
//! - `study`: one review of the topic `save-loop` per step (FSRS schedule and review log), saved
//!   by the background [`Saver`](crate::study::Saver) and waited for with `flush`.
//! - `state`: one pinned node `pNNNNNNN` and one recent path per step in the saved map state
//!   ([`StateStore::save`]).
//!
//! Both continue from what is on disk, so successive runs add to the same file. The data folder
//! is `$CLOUDATLAS_DATA_DIR` as everywhere.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Args, ValueEnum};

use crate::app::{Camera, StateStore};
use crate::study::{self, Level, MarkTarget, Rating, Saver, Scheduler, StudyEdit, Timestamp};

/// The id of the topic the study loop reviews, and the collection key of the state loop.
pub const LOOP_ID: &str = "save-loop";
/// The review time of step `seq` is `BASE_TIME + seq` hours (deterministic, strictly rising).
pub const BASE_TIME: i64 = 1_780_000_000;

/// What the loop saves.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum SaveTarget {
    /// The study file of the built-in notes.
    Study,
    /// The saved map state.
    State,
}

/// Arguments of `save-loop`.
#[derive(Debug, Args)]
pub struct SaveLoopArgs {
    /// What to save.
    #[arg(value_enum)]
    pub target: SaveTarget,
    /// Stop after this many saves (0: load, clean up and exit).
    #[arg(long, default_value_t = u64::MAX)]
    pub count: u64,
}

/// Runs the loop. Exit code 0 after `count` saves; an error when a save fails or the file on disk
/// was not readable.
pub fn run(args: &SaveLoopArgs) -> anyhow::Result<i32> {
    match args.target {
        SaveTarget::Study => study_loop(args.count),
        SaveTarget::State => state_loop(args.count),
    }
}

fn ack(seq: u64) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "ack {seq}")?;
    out.flush()?;
    Ok(())
}

fn study_loop(count: u64) -> anyhow::Result<i32> {
    let path = study::storage::study_path(None)?;
    let loaded = study::storage::load(&path)?;
    if let Some(warning) = loaded.warnings.first() {
        anyhow::bail!("{warning}");
    }
    let mut store = loaded.store;
    if store.get(LOOP_ID).is_none() {
        let target = MarkTarget {
            id: LOOP_ID.to_owned(),
            label: "Save loop".to_owned(),
            ..MarkTarget::default()
        };
        store.mark(
            target,
            Level::Weak,
            "reviewed by the crash test",
            Timestamp(BASE_TIME),
        );
    }
    let mut seq = store.get(LOOP_ID).map_or(0, |m| m.reviews.len() as u64);
    let scheduler = Scheduler::new()?;
    let saver = Saver::spawn(path.clone())?;
    for _ in 0..count {
        seq += 1;
        let rating = Rating::ALL[(seq % 4) as usize];
        let edit = StudyEdit::Review {
            id: LOOP_ID.to_owned(),
            rating,
        };
        let now = Timestamp(BASE_TIME + seq as i64 * 3600);
        study::apply(&mut store, edit, &scheduler, now)?;
        saver.save(store.clone());
        if !saver.flush() {
            let why = saver.failing().unwrap_or_default();
            anyhow::bail!("save {seq} failed: {why}");
        }
        ack(seq)?;
    }
    Ok(0)
}

fn state_loop(count: u64) -> anyhow::Result<i32> {
    let mut store = StateStore::from_env();
    let (mut state, message) = store.load();
    if let Some(message) = message {
        anyhow::bail!("{message}");
    }
    let mut seq = state
        .collections
        .get(LOOP_ID)
        .map_or(0, |c| c.pins.len() as u64);
    for _ in 0..count {
        seq += 1;
        let col = state.collections.entry(LOOP_ID.to_owned()).or_default();
        col.pins
            .insert(format!("p{seq:07}"), [seq as f32, -(seq as f32)]);
        col.camera = Some(Camera {
            center: [seq as f32, 0.0],
            zoom: 1.0,
        });
        state.push_recent(&PathBuf::from(format!("/notes/{seq}")));
        store
            .save(&state)
            .map_err(anyhow::Error::msg)
            .with_context(|| format!("save {seq} failed"))?;
        ack(seq)?;
    }
    Ok(0)
}
