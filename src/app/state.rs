//! Persisted state: the recent list, the theme, and per notes collection the camera and the pinned
//! nodes. One RON file in the data folder (`CLOUDATLAS_DATA_DIR`, else the platform's data dir),
//! written atomically. A missing file is a fresh start; a corrupt one is a fresh start with a
//! message (and the bad file is kept beside it as `state.ron.corrupt`).

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
        }
    }

    /// Loads the state. `Err(message)` carries the clean default and what went wrong.
    pub fn load(&self) -> (SavedState, Option<String>) {
        let Some(file) = &self.file else {
            return (SavedState::default(), None);
        };
        let text = match std::fs::read_to_string(file) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                return (SavedState::default(), None);
            }
            Err(err) => {
                return (
                    SavedState::default(),
                    Some(format!(
                        "Could not read the saved state ({err}); starting clean: {}",
                        file.display()
                    )),
                );
            }
        };
        match ron::from_str::<SavedState>(&text) {
            Ok(state) => (state, None),
            Err(err) => {
                let aside = file.with_extension("ron.corrupt");
                let _ = std::fs::rename(file, &aside);
                log::warn!("corrupt state {}: {err}", file.display());
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

    /// Saves the state atomically.
    pub fn save(&self, state: &SavedState) -> Result<(), String> {
        let Some(file) = &self.file else {
            return Ok(());
        };
        let text = ron::ser::to_string_pretty(state, ron::ser::PrettyConfig::default())
            .map_err(|e| format!("could not encode the state: {e}"))?;
        crate::util::write_atomic(file, text.as_bytes())
            .map_err(|e| format!("could not save the state ({e}): {}", file.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_corrupt_file() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::in_dir(dir.path());
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
