//! The study file: one RON file per notes collection in the user's data directory.
//!
//! - Where: `<data dir>/collections/<key>/study.ron`, the data dir being
//!   `$CLOUDATLAS_DATA_DIR` when set (tests, CI, portable installs) or the platform's data
//!   directory for `cloudatlas` (`~/.local/share/cloudatlas` on Linux). The key is `builtin` for
//!   the built-in notes, else a slug of the notes folder's name plus a hash of its canonical path.
//! - Format: versioned ([`FORMAT_VERSION`]), every field `#[serde(default)]` so older files load.
//! - Writes are atomic ([`crate::util::write_atomic`]: temporary file, fsync, rename): a crash or
//!   `kill -9` mid-save leaves the old file or the new one.
//! - A file that does not parse is moved aside as `study.ron.corrupt-YYYYmmddTHHMMSS`; the load
//!   returns an empty store and a [`StoreWarning`] for the UI and the CLI to show. A file written
//!   by a newer format version is an error, never overwritten.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::StudyError;
use super::model::{FORMAT_VERSION, Store};
use super::time::Timestamp;

/// Environment variable that overrides the data directory.
pub const DATA_DIR_ENV: &str = "CLOUDATLAS_DATA_DIR";
/// File name of the study file inside a collection's folder.
pub const STUDY_FILE: &str = "study.ron";
/// Key of the built-in notes.
pub const BUILTIN_KEY: &str = "builtin";

/// Something the user should know about a load that still succeeded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreWarning {
    /// The study file.
    pub path: PathBuf,
    /// Where the unreadable file was moved.
    pub moved_to: PathBuf,
    /// Why it could not be read (with line and column).
    pub reason: String,
}

impl std::fmt::Display for StoreWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the study file could not be read ({}); it was moved to {} and cloudatlas starts with \
             an empty store: {}",
            self.reason,
            self.moved_to.display(),
            self.path.display()
        )
    }
}

/// A loaded store and what the user should be told about it.
#[derive(Clone, Debug, Default)]
pub struct Loaded {
    pub store: Store,
    pub warnings: Vec<StoreWarning>,
}

/// The data directory: `$CLOUDATLAS_DATA_DIR`, else the platform's data dir for cloudatlas.
pub fn data_dir() -> Result<PathBuf, StudyError> {
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "cloudatlas")
        .map(|dirs| dirs.data_dir().to_path_buf())
        .ok_or(StudyError::NoDataDir)
}

/// The key of a notes collection: [`BUILTIN_KEY`], or `slug-of-name-<16 hex digits>` from the
/// canonical path of `root` (the path as given when it cannot be canonicalised).
pub fn collection_key(root: Option<&Path>) -> String {
    let Some(root) = root else {
        return BUILTIN_KEY.to_owned();
    };
    let canonical = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let text = canonical.to_string_lossy();
    let hash = fnv1a64(text.as_bytes());
    let name = canonical
        .file_name()
        .map(|n| crate::util::slug(&n.to_string_lossy()))
        .unwrap_or_default();
    let name: String = name.chars().take(40).collect();
    if name.is_empty() {
        format!("{hash:016x}")
    } else {
        format!("{name}-{hash:016x}")
    }
}

/// FNV-1a, 64 bits: stable across Rust versions and platforms (std's hasher is not).
fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// The folder of a collection's per-user state (other modules may keep their files there too).
pub fn collection_dir(root: Option<&Path>) -> Result<PathBuf, StudyError> {
    Ok(data_dir()?.join("collections").join(collection_key(root)))
}

/// The study file of a collection.
pub fn study_path(root: Option<&Path>) -> Result<PathBuf, StudyError> {
    Ok(collection_dir(root)?.join(STUDY_FILE))
}

/// Just the version of a study file, read leniently (unknown fields ignored).
#[derive(Deserialize)]
struct VersionOnly {
    #[serde(default)]
    version: u32,
}

/// Loads the study file at `path`. A missing file is an empty store; a file that does not parse
/// is moved aside (see the module docs) and reported in [`Loaded::warnings`].
pub fn load(path: &Path) -> Result<Loaded, StudyError> {
    load_at(path, Timestamp::now())
}

/// [`load`] with the time used to name a file set aside.
pub fn load_at(path: &Path, now: Timestamp) -> Result<Loaded, StudyError> {
    crate::util::remove_stale_temps(path);
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Loaded::default()),
        Err(source) => {
            return Err(StudyError::Io {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    match parse(&bytes) {
        Ok(store) => Ok(Loaded {
            store,
            warnings: Vec::new(),
        }),
        Err(Unreadable::Newer(version)) => Err(StudyError::NewerVersion {
            path: path.to_path_buf(),
            version,
        }),
        Err(Unreadable::Corrupt(reason)) => {
            let moved_to = set_aside(path, now)?;
            log::info!(
                "study file {} is corrupt ({reason}); moved to {}",
                path.display(),
                moved_to.display()
            );
            Ok(Loaded {
                store: Store::default(),
                warnings: vec![StoreWarning {
                    path: path.to_path_buf(),
                    moved_to,
                    reason,
                }],
            })
        }
    }
}

/// Why the bytes of a study file are not a store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unreadable {
    /// Written by a newer format version: refused, and the file is left alone.
    Newer(u32),
    /// Not a study file this build can read (the reason names line and column): set aside.
    Corrupt(String),
}

/// Parses the bytes of a study file: what [`load`] does without the file system. A store it
/// returns is one this build can use and save: its version is [`FORMAT_VERSION`] and
/// [`Store::repair`] has been applied, so saving it and parsing the text again gives it back.
pub fn parse(bytes: &[u8]) -> Result<Store, Unreadable> {
    let text =
        std::str::from_utf8(bytes).map_err(|e| Unreadable::Corrupt(format!("not UTF-8: {e}")))?;
    let mut store = match ron::from_str::<Store>(text) {
        Ok(store) => store,
        Err(err) => {
            if let Ok(v) = ron::from_str::<VersionOnly>(text)
                && v.version > FORMAT_VERSION
            {
                return Err(Unreadable::Newer(v.version));
            }
            return Err(Unreadable::Corrupt(format!(
                "line {}, column {}: {}",
                err.span.start.line, err.span.start.col, err.code
            )));
        }
    };
    if store.version > FORMAT_VERSION {
        return Err(Unreadable::Newer(store.version));
    }
    store.version = FORMAT_VERSION;
    let repaired = store.repair();
    if repaired > 0 {
        log::warn!("study file: {repaired} unusable values (not finite numbers, ids) repaired");
    }
    Ok(store)
}

/// Renames a corrupt file to `NAME.corrupt-YYYYmmddTHHMMSS` (with `-2`, `-3`, … if taken).
fn set_aside(path: &Path, now: Timestamp) -> Result<PathBuf, StudyError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| STUDY_FILE.to_owned());
    let base = format!("{name}.corrupt-{}", now.compact_string());
    let mut target = path.with_file_name(&base);
    let mut n = 2;
    while target.exists() {
        target = path.with_file_name(format!("{base}-{n}"));
        n += 1;
    }
    std::fs::rename(path, &target).map_err(|source| StudyError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(target)
}

/// The text of a study file.
pub fn to_ron(store: &Store) -> Result<String, StudyError> {
    let config = ron::ser::PrettyConfig::new().indentor("  ".to_owned());
    let body = ron::ser::to_string_pretty(store, config)
        .map_err(|e| StudyError::Serialize(e.to_string()))?;
    Ok(format!(
        "// cloudatlas study file: weak topics and their review history (format version \
         {FORMAT_VERSION}).\n{body}\n"
    ))
}

/// Saves `store` to `path` atomically, creating the folder.
pub fn save(path: &Path, store: &Store) -> Result<(), StudyError> {
    let text = to_ron(store)?;
    crate::util::write_atomic(path, text.as_bytes()).map_err(|source| StudyError::Io {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_stable_and_distinct() {
        assert_eq!(collection_key(None), "builtin");
        let a = collection_key(Some(Path::new("/nonexistent/My Notes")));
        let b = collection_key(Some(Path::new("/nonexistent/other/My Notes")));
        assert!(a.starts_with("my-notes-"), "{a}");
        assert_ne!(a, b);
        assert_eq!(a, collection_key(Some(Path::new("/nonexistent/My Notes"))));
        // FNV-1a test vector.
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
