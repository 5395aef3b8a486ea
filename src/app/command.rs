//! Intents the UI emits during a frame; [`super::Explorer::run_command`] applies them afterwards,
//! so drawing code never mutates the model.

use std::path::PathBuf;

use super::jobs::PickKind;
use super::review::ReviewIntent;
use super::snapshot::ExportKind;
use super::study_panel::StudyIntent;
use crate::study::Level;

/// Something the user asked for.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Select a node (by entity id), open its pane and centre it on the map.
    Select { entity_id: String, center: bool },
    /// Clear the selection.
    ClearSelection,
    /// Select a node without opening its pane (the keyboard on the map).
    Focus(String),
    /// Close the pane of an entity.
    ClosePane(String),
    /// Open a search hit: its pane (first entity), its nodes selected, centred.
    OpenSection {
        section_id: String,
        entity_ids: Vec<String>,
    },
    /// Pin or unpin a node.
    TogglePin(String),
    /// Unpin every node.
    UnpinAll,
    /// Open notes from a path.
    OpenPath(PathBuf),
    /// Show the native file dialog.
    PickNotes(PickKind),
    /// Recompile the current notes.
    Recompile,
    /// Fit the map to the window.
    FitView,
    /// Switch dark/light.
    ToggleTheme,
    /// Open a file at a line in the user's editor.
    OpenInEditor { file: PathBuf, line: u32 },
    /// Open a link written in a note (`note`: its path in the notes folder), if
    /// [`crate::vault::link_target`] allows it: a web page in the browser, a file inside the
    /// notes folder with the desktop (notes in the editor).
    OpenLink { note: String, target: String },
    /// Close the window.
    Quit,
    /// An intent of the weak-topics panel or the mark form.
    Study(StudyIntent),
    /// An intent of the review window.
    Review(ReviewIntent),
    /// Mark an entity or section at a level (keeping its note); `None` removes the mark.
    QuickMark { id: String, level: Option<Level> },
    /// Open the mark form (level and note) for an entity or section.
    OpenMarkForm(String),
    /// `W`: mark the selection weak and open its form.
    MarkSelection,
    /// Show or hide the weak-topics window.
    ToggleStudyPanel,
    /// Start a review of the due topics.
    StartReview,
    /// Ask where to export the graph or the map view (save dialog).
    Export(ExportKind),
    /// Write the graph with the current positions, or the map view, to a file.
    ExportTo { format: ExportKind, path: PathBuf },
}
