//! The explorer window (egui/eframe): the only module that draws.

pub mod review;
pub mod study_panel;

use std::path::PathBuf;

/// Opens the explorer window on `path` (the built-in notes when `None`). Returns the exit code.
pub fn run(path: Option<PathBuf>) -> anyhow::Result<i32> {
    // TODO(app): the window.
    let _ = path;
    anyhow::bail!("the explorer window is not built yet")
}
