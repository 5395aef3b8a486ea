//! Persisted state: the recent list, the theme, and per notes collection the camera and the pinned
//! nodes. One RON file in the data folder (`CLOUDATLAS_DATA_DIR`, else the platform's data dir),
//! written atomically. A missing file is a fresh start; a corrupt one is a fresh start with a
//! message (and the bad file is kept beside it as `state.ron.corrupt`). A file that exists but
//! cannot be read (permissions, I/O error), or a corrupt one that cannot be moved aside, is never
//! overwritten: saving is switched off for the session, with a message. Temporary files of saves
//! that were killed are removed when the state is loaded.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::map_view::Camera;

/// Environment variable that overrides the data folder (tests use it).
pub const DATA_DIR_ENV: &str = "CLOUDATLAS_DATA_DIR";
const FILE_NAME: &str = "state.ron";
const RECENT_MAX: usize = 8;

/// What one notes collection remembers.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CollectionState {
    pub camera: Option<Camera>,
    /// Pinned node id → world position.
    pub pins: BTreeMap<String, [f32; 2]>,
    /// Ids of the open panes, in tab order.
    pub panes: Vec<String>,
}

/// Everything the explorer saves.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SavedState {
    pub version: u32,
    pub dark: bool,
    pub labels: bool,
    /// Most recent first.
    pub recent: Vec<PathBuf>,
    /// Keyed by [`collection_key`].
    pub collections: BTreeMap<String, CollectionState>,
}

impl Default for SavedState {
    fn default() -> Self {
        Self {
            version: 1,
            dark: true,
            labels: true,
            recent: Vec::new(),
            collections: BTreeMap::new(),
        }
    }
}

impl SavedState {
    /// Puts `path` at the front of the recent list.
    pub fn push_recent(&mut self, path: &Path) {
        self.recent.retain(|p| p != path);
        self.recent.insert(0, path.to_path_buf());
        self.recent.truncate(RECENT_MAX);
    }
}

/// The key of a notes collection: its absolute path, or `builtin`.
pub fn collection_key(path: Option<&Path>) -> String {
    match path {
        None => "builtin".to_owned(),
        Some(p) => std::fs::canonicalize(p)
            .unwrap_or_else(|_| p.to_path_buf())
            .to_string_lossy()
            .into_owned(),
    }
}

/// Where the state file lives.
#[derive(Clone, Debug)]
pub struct StateStore {
    pub file: Option<PathBuf>,
    /// Why saving is switched off (the file on disk could not be read and must not be replaced).
    blocked: Option<String>,
}

impl StateStore {
    /// The store in `CLOUDATLAS_DATA_DIR`, else the platform data folder (none if there is none).
    pub fn from_env() -> Self {
        let dir = std::env::var_os(DATA_DIR_ENV)
            .map(PathBuf::from)
            .or_else(|| {
                directories::ProjectDirs::from("", "", "cloudatlas")
                    .map(|d| d.data_dir().to_path_buf())
            });
        Self {
            file: dir.map(|d| d.join(FILE_NAME)),
            blocked: None,
        }
    }

    /// A store that neither loads nor saves anything (measuring modes).
    pub fn none() -> Self {
        Self {
            file: None,
            blocked: None,
        }
    }

    /// The data folder (where other per-user files, e.g. the study files, live too).
    pub fn dir(&self) -> Option<&Path> {
        self.file.as_deref().and_then(Path::parent)
    }

    /// A store in this folder.
    pub fn in_dir(dir: &Path) -> Self {
        Self {
            file: Some(dir.join(FILE_NAME)),
            blocked: None,
        }
    }

    /// Whether saving is switched off because the file on disk could not be read.
    pub fn is_blocked(&self) -> bool {
        self.blocked.is_some()
    }

    /// Loads the state. The message says what went wrong (the state is then the clean default).
    pub fn load(&mut self) -> (SavedState, Option<String>) {
        let Some(file) = &self.file else {
            return (SavedState::default(), None);
        };
        crate::util::remove_stale_temps(file);
        let text = match std::fs::read_to_string(file) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                return (SavedState::default(), None);
            }
            Err(err) => {
                let message = format!(
                    "Could not read the saved state ({err}); starting clean, and the file is \
                     left as it is (the state of this session will not be saved): {}",
                    file.display()
                );
                self.blocked = Some(message.clone());
                return (SavedState::default(), Some(message));
            }
        };
        match ron::from_str::<SavedState>(&text) {
            Ok(state) => (state, None),
            Err(err) => {
                let aside = file.with_extension("ron.corrupt");
                log::warn!("corrupt state {}: {err}", file.display());
                if let Err(move_err) = std::fs::rename(file, &aside) {
                    let message = format!(
                        "The saved state was corrupt ({err}) and could not be moved aside \
                         ({move_err}); starting clean, and the file is left as it is (the state \
                         of this session will not be saved): {}",
                        file.display()
                    );
                    self.blocked = Some(message.clone());
                    return (SavedState::default(), Some(message));
                }
                (
                    SavedState::default(),
                    Some(format!(
                        "The saved state was corrupt ({err}); starting clean. The old file was kept: {}",
                        aside.display()
                    )),
                )
            }
        }
    }

    /// Saves the state atomically. A failed save leaves the file on disk as it was.
    pub fn save(&self, state: &SavedState) -> Result<(), String> {
        let Some(file) = &self.file else {
            return Ok(());
        };
        if let Some(blocked) = &self.blocked {
            return Err(blocked.clone());
        }
        let text = ron::ser::to_string_pretty(state, ron::ser::PrettyConfig::default())
            .map_err(|e| format!("Could not encode the state: {e}"))?;
        crate::util::write_atomic(file, text.as_bytes()).map_err(|e| {
            format!(
                "Could not save the map state: {}; it is kept in memory and saved again in a \
                 moment: {}",
                crate::util::explain_write_error(&e),
                file.display()
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_corrupt_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = StateStore::in_dir(dir.path());
        assert_eq!(store.load(), (SavedState::default(), None));
        let mut state = SavedState::default();
        state.push_recent(Path::new("/a"));
        state.push_recent(Path::new("/b"));
        state.push_recent(Path::new("/a"));
        assert_eq!(state.recent, vec![PathBuf::from("/a"), PathBuf::from("/b")]);
        let col = state.collections.entry("builtin".into()).or_default();
        col.pins.insert("s3".into(), [1.5, -2.0]);
        col.camera = Some(Camera {
            center: [3.0, 4.0],
            zoom: 0.5,
        });
        store.save(&state).unwrap();
        assert_eq!(store.load(), (state, None));

        std::fs::write(dir.path().join(FILE_NAME), "(version: 1, pins: [[[").unwrap();
        let (loaded, message) = store.load();
        assert_eq!(loaded, SavedState::default());
        assert!(message.unwrap().contains("corrupt"));
        assert!(dir.path().join("state.ron.corrupt").exists());
    }
}
