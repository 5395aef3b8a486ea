//! Intents the UI emits during a frame; [`super::Explorer::run_command`] applies them afterwards,
//! so drawing code never mutates the model.

use std::path::PathBuf;

use super::jobs::PickKind;

/// Something the user asked for.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Select a node (by entity id), open its pane and centre it on the map.
    Select { entity_id: String, center: bool },
    /// Clear the selection.
    ClearSelection,
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
    /// Close the window.
    Quit,
}
