//! Weak topics: marks, suggestions, FSRS review schedule, and the study file (RON, atomic writes).
//!
//! Owns the student's study data for one notes collection, keyed by the content ids of entities
//! (`elastic-beanstalk`, `topic:…`) and sections (`file#slug`), so it survives recompiles and
//! edits of the notes:
//! - [`model`]: [`Store`] of [`Mark`]s (level, note, FSRS memory, due date, review log) and
//!   remembered dismissals; orphans (ids missing from the compile) are kept and reattach.
//! - [`schedule`]: FSRS scheduling and the rule that makes a topic solid.
//! - [`suggest`]: suggested weak topics from the author's markers.
//! - [`mod@coverage`]: exam scope the notes never mention.
//! - [`storage`]: the RON file, atomic writes, corrupt files set aside; [`saver`] writes it on a
//!   background thread so the UI never waits for the disk.
//! - [`export`]: Anki and Markdown.
//! - [`edit`]: changes as values ([`StudyEdit`]) that the window's panels return.
//! - [`stats`]: numbers for the panel's charts.
//! - [`view`]: levels for map rings, the weak-only map filter, the `weak:` search filter.
//!
//! Headless: no egui here. The window's panels live in `app::study_panel` and `app::review`.

pub mod coverage;
pub mod edit;
pub mod export;
pub mod model;
pub mod saver;
pub mod schedule;
pub mod stats;
pub mod storage;
pub mod suggest;
pub mod time;
pub mod topics;
pub mod view;

pub use self::coverage::{Coverage, Gap, coverage, parse_exam};
pub use self::edit::{StudyEdit, apply};
pub use self::export::{ExportFormat, to_anki, to_markdown};
pub use self::model::{
    Attachment, Dismissal, FORMAT_VERSION, Level, Mark, MarkTarget, Memory, Rating, ReviewEntry,
    SourceLine, Store, TargetKind,
};
pub use self::saver::Saver;
pub use self::schedule::{ReviewOutcome, Scheduler};
pub use self::storage::{Loaded, StoreWarning};
pub use self::suggest::{Suggestion, SuggestionReason, suggestions};
pub use self::time::Timestamp;
pub use self::topics::{live_ids, lookup, resolve, source_lines, sync_with};
pub use self::view::{WeakFilter, levels, weak_neighbourhood};

use std::path::PathBuf;

/// Errors of the study module.
#[derive(Debug, thiserror::Error)]
pub enum StudyError {
    /// Reading, writing or renaming the study file failed.
    #[error("study file: {source}: {}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The study file was written by a newer cloudatlas; it is left untouched.
    #[error(
        "study file has format version {version}, newer than this cloudatlas understands \
         ({}); it was left untouched: {}",
        FORMAT_VERSION,
        path.display()
    )]
    NewerVersion { path: PathBuf, version: u32 },
    /// No home directory to put the data directory in (set `CLOUDATLAS_DATA_DIR`).
    #[error("no data directory found; set {} to a folder", storage::DATA_DIR_ENV)]
    NoDataDir,
    /// The store could not be turned into RON.
    #[error("writing the study file: {0}")]
    Serialize(String),
    /// The FSRS scheduler refused its input.
    #[error("FSRS scheduler: {0}")]
    Fsrs(String),
    /// No mark with this id.
    #[error("no weak topic `{0}`")]
    NoMark(String),
}
