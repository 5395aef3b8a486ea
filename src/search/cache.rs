//! The on-disk index in the user's cache folder, keyed by a fingerprint of the notes: reopened
//! when the notes are unchanged, built when they changed, set aside and rebuilt (with a warning)
//! when it is corrupt or unreadable. A half-written index is never opened: it is built in a
//! temporary folder, then renamed into place.
//!
//! A finished index folder is never written again, so it is opened read-only ([`ReadOnlyDir`]):
//! without tantivy's lock files, so another process holding them (a writer, a reader in the
//! middle of opening) cannot make us wait, and a read-only cache folder still serves its indexes.
//! When the cache cannot be written at all (read-only, full, not a folder), the index is built
//! in memory instead ([`CacheStatus::InMemory`]) and search still works. Build folders left by a
//! killed process are removed.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use tantivy::Index;
use tantivy::directory::error::{
    DeleteError, LockError, OpenDirectoryError, OpenReadError, OpenWriteError,
};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle, WritePtr,
};

use crate::Compiled;
use crate::catalog::Catalog;

use super::{Fields, INDEX_VERSION, SearchError, SearchIndex, section_docs, write_docs};

/// The file written last into a finished index folder.
const STAMP_FILE: &str = "cloudatlas-search.json";
/// Finished indexes kept side by side (several notes collections).
const KEEP_INDEXES: usize = 4;

/// What [`SearchIndex::open_or_build`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CacheStatus {
    /// The index of these exact notes was on disk and has been reopened.
    Reopened,
    /// There was no index of these notes: it has been built.
    Built,
    /// The index on disk was corrupt or unreadable: it has been set aside and rebuilt.
    Rebuilt {
        /// What was wrong with it.
        reason: String,
        /// Where the bad index now is.
        set_aside: Option<PathBuf>,
    },
    /// The cache could not be written (read-only, full, not a folder…): the index was built in
    /// memory for this run.
    InMemory {
        /// Why the cache could not be used.
        reason: String,
    },
}

impl CacheStatus {
    /// What the user should be told, if anything.
    pub fn message(&self) -> Option<String> {
        match self {
            CacheStatus::Reopened | CacheStatus::Built => None,
            CacheStatus::Rebuilt { reason, set_aside } => Some(format!(
                "the cached search index was unusable ({reason}); rebuilt it{}",
                set_aside
                    .as_ref()
                    .map(|p| format!(" (the bad one was kept as {})", p.display()))
                    .unwrap_or_default()
            )),
            CacheStatus::InMemory { reason } => Some(format!(
                "the search index cache cannot be written ({reason}); the index was built in \
                 memory for this run"
            )),
        }
    }
}

/// An index opened from (or built into) the cache.
pub struct OpenedIndex {
    pub index: SearchIndex,
    pub status: CacheStatus,
    /// The index folder.
    pub dir: PathBuf,
}

#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
struct Stamp {
    version: u32,
    fingerprint: String,
    sections: usize,
}

/// 64-bit FNV-1a, fed field by field with a separator so that `ab|c` and `a|bc` differ.
struct Fnv(u64);

impl Fnv {
    fn new(seed: u64) -> Self {
        Fnv(0xcbf2_9ce4_8422_2325 ^ seed)
    }

    fn bytes(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 ^= 0xff;
        self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
    }
}

impl SearchIndex {
    /// The cache folder for search indexes: `<user cache dir>/cloudatlas/search`.
    pub fn default_cache_dir() -> Option<PathBuf> {
        directories::ProjectDirs::from("", "", "cloudatlas").map(|d| d.cache_dir().join("search"))
    }

    /// A fingerprint of everything the index holds: the sections, their text, the entities they
    /// mention, the catalog and the index version. 32 hex digits.
    pub fn fingerprint(compiled: &Compiled, catalog: &Catalog) -> String {
        let mut a = Fnv::new(0);
        let mut b = Fnv::new(0x9e37_79b9_7f4a_7c15);
        let mut feed = |bytes: &[u8]| {
            a.bytes(bytes);
            b.bytes(bytes);
        };
        feed(&INDEX_VERSION.to_le_bytes());
        for entry in &catalog.entries {
            feed(entry.id.as_bytes());
            feed(entry.name.as_bytes());
            for name in entry.aliases.iter().chain(&entry.abbreviations) {
                feed(name.as_bytes());
            }
        }
        for d in section_docs(compiled) {
            feed(d.id.as_bytes());
            feed(d.file.as_bytes());
            feed(d.title.as_bytes());
            feed(d.ancestors.as_bytes());
            feed(&d.line_start.to_le_bytes());
            feed(&d.line_end.to_le_bytes());
            feed(d.text.as_bytes());
            for id in d.entity_ids.iter().chain(&d.kinds) {
                feed(id.as_bytes());
            }
        }
        format!("{:016x}{:016x}", a.0, b.0)
    }

    /// Opens the index of these notes from `cache_root`, or builds it there.
    pub fn open_or_build(
        compiled: &Compiled,
        cache_root: &Path,
    ) -> Result<OpenedIndex, SearchError> {
        Self::open_or_build_with_catalog(compiled, Catalog::builtin(), cache_root)
    }

    /// [`SearchIndex::open_or_build`] with another catalog.
    pub fn open_or_build_with_catalog(
        compiled: &Compiled,
        catalog: &Catalog,
        cache_root: &Path,
    ) -> Result<OpenedIndex, SearchError> {
        let fingerprint = Self::fingerprint(compiled, catalog);
        let dir = cache_root.join(&fingerprint);
        let mut status = CacheStatus::Built;
        if dir.exists() {
            match Self::open_dir(compiled, catalog, &dir, &fingerprint) {
                Ok(index) => {
                    return Ok(OpenedIndex {
                        index,
                        status: CacheStatus::Reopened,
                        dir,
                    });
                }
                Err(e) => {
                    let reason = e.to_string();
                    let set_aside = set_aside(&dir);
                    log::warn!(
                        "search index {} is unusable ({reason}); {}, rebuilding",
                        dir.display(),
                        match &set_aside {
                            Some(p) => format!("set aside as {}", p.display()),
                            None => "removed".to_owned(),
                        }
                    );
                    status = CacheStatus::Rebuilt { reason, set_aside };
                }
            }
        }
        remove_dead_builds(cache_root);
        let built = Self::build_dir(compiled, catalog, cache_root, &dir, &fingerprint)
            .and_then(|_| Self::open_dir(compiled, catalog, &dir, &fingerprint));
        match built {
            Ok(index) => {
                prune(cache_root, &dir);
                Ok(OpenedIndex { index, status, dir })
            }
            Err(err) => {
                let reason = match status {
                    CacheStatus::Rebuilt { reason, .. } => {
                        format!("{reason}; then rebuilding it failed: {err}")
                    }
                    _ => err.to_string(),
                };
                log::warn!(
                    "search index cache {} cannot be used ({reason}); building in memory",
                    cache_root.display()
                );
                let index = SearchIndex::build_with_catalog(compiled, catalog)?;
                Ok(OpenedIndex {
                    index,
                    status: CacheStatus::InMemory { reason },
                    dir,
                })
            }
        }
    }

    /// Opens a finished index folder and checks it thoroughly.
    fn open_dir(
        compiled: &Compiled,
        catalog: &Catalog,
        dir: &Path,
        fingerprint: &str,
    ) -> Result<SearchIndex, SearchError> {
        let stamp_text = std::fs::read_to_string(dir.join(STAMP_FILE))
            .map_err(|e| SearchError::Index(format!("no readable {STAMP_FILE}: {e}")))?;
        let stamp: Stamp = serde_json::from_str(&stamp_text)
            .map_err(|e| SearchError::Index(format!("bad {STAMP_FILE}: {e}")))?;
        let docs = section_docs(compiled);
        let expected = Stamp {
            version: INDEX_VERSION,
            fingerprint: fingerprint.to_owned(),
            sections: docs.len(),
        };
        if stamp != expected {
            return Err(SearchError::Index(format!(
                "{STAMP_FILE} says {stamp:?}, expected {expected:?}"
            )));
        }
        let index = Index::open(ReadOnlyDir::open(dir).map_err(tantivy::TantivyError::from)?)?;
        let corrupt = index.validate_checksum()?;
        if !corrupt.is_empty() {
            let mut files: Vec<String> = corrupt.iter().map(|p| p.display().to_string()).collect();
            files.sort();
            return Err(SearchError::Index(format!(
                "checksum mismatch in {}",
                files.join(", ")
            )));
        }
        Fields::of(&index.schema())?;
        let opened = SearchIndex::from_index(index, docs, compiled, catalog)?;
        let searcher = opened.reader.searcher();
        if searcher.num_docs() != opened.docs.len() as u64 {
            return Err(SearchError::Index(format!(
                "{} documents for {} sections",
                searcher.num_docs(),
                opened.docs.len()
            )));
        }
        for segment in searcher.segment_readers() {
            segment.fast_fields().u64("ord")?;
        }
        Ok(opened)
    }

    /// Builds the index in a temporary folder next to `dir`, then renames it into place.
    fn build_dir(
        compiled: &Compiled,
        catalog: &Catalog,
        cache_root: &Path,
        dir: &Path,
        fingerprint: &str,
    ) -> Result<usize, SearchError> {
        std::fs::create_dir_all(cache_root)?;
        let tmp = cache_root.join(format!(".building-{fingerprint}-{}", std::process::id()));
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp)?;
        }
        std::fs::create_dir_all(&tmp)?;
        let result = (|| {
            let docs = section_docs(compiled);
            let index = Index::create_in_dir(&tmp, Fields::schema())?;
            let fields = Fields::of(&index.schema())?;
            write_docs(&index, &fields, &docs)?;
            drop(index);
            let stamp = Stamp {
                version: INDEX_VERSION,
                fingerprint: fingerprint.to_owned(),
                sections: docs.len(),
            };
            let json = serde_json::to_vec(&stamp)
                .map_err(|e| SearchError::Index(format!("writing {STAMP_FILE}: {e}")))?;
            crate::util::write_atomic(&tmp.join(STAMP_FILE), &json)?;
            if dir.exists() {
                // Another process finished the same index first: use theirs if it is good
                // (they may be reading it), else replace a bad one still there.
                if Self::open_dir(compiled, catalog, dir, fingerprint).is_ok() {
                    std::fs::remove_dir_all(&tmp)?;
                    return Ok(docs.len());
                }
                std::fs::remove_dir_all(dir)?;
            }
            if let Err(err) = std::fs::rename(&tmp, dir) {
                // Lost a race with another process renaming the same index into place.
                if Self::open_dir(compiled, catalog, dir, fingerprint).is_ok() {
                    std::fs::remove_dir_all(&tmp)?;
                    return Ok(docs.len());
                }
                return Err(err.into());
            }
            Ok(docs.len())
        })();
        if result.is_err() {
            let _ = std::fs::remove_dir_all(&tmp);
        }
        result
    }
}

/// A finished index folder, read without writing anything (not even tantivy's lock files).
///
/// Sound because nothing ever writes a finished folder: indexes are built in a temporary folder
/// and renamed into place whole, and a bad one is moved aside, never repaired in place.
#[derive(Clone, Debug)]
struct ReadOnlyDir {
    inner: MmapDirectory,
}

impl ReadOnlyDir {
    fn open(dir: &Path) -> Result<Self, OpenDirectoryError> {
        Ok(Self {
            inner: MmapDirectory::open(dir)?,
        })
    }

    fn refused(path: &Path) -> std::io::Error {
        std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            format!("a finished search index is read-only: {}", path.display()),
        )
    }
}

impl Directory for ReadOnlyDir {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        Err(DeleteError::IoError {
            io_error: Arc::new(Self::refused(path)),
            filepath: path.to_path_buf(),
        })
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        Err(OpenWriteError::IoError {
            io_error: Arc::new(Self::refused(path)),
            filepath: path.to_path_buf(),
        })
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, _data: &[u8]) -> std::io::Result<()> {
        Err(Self::refused(path))
    }

    fn sync_directory(&self) -> std::io::Result<()> {
        Ok(())
    }

    fn acquire_lock(&self, _lock: &Lock) -> Result<DirectoryLock, LockError> {
        // Nothing can change under us (see the type's docs): no lock file is needed.
        Ok(DirectoryLock::from(Box::new(())))
    }

    fn watch(&self, _callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        // The reader reloads manually and the folder never changes.
        Ok(WatchHandle::empty())
    }
}

/// Removes build folders (`.building-FINGERPRINT-PID`) of processes that are no longer running.
fn remove_dead_builds(cache_root: &Path) {
    let Ok(entries) = std::fs::read_dir(cache_root) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with(".building-") {
            continue;
        }
        let pid = name.rsplit('-').next().and_then(|p| p.parse::<u32>().ok());
        if pid.and_then(crate::util::process_alive) == Some(false) {
            log::info!("removing the unfinished index build {name}");
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Moves a bad index folder out of the way (`NAME.corrupt-SECONDS`); removes it if it cannot be
/// moved. Returns where it went.
fn set_aside(dir: &Path) -> Option<PathBuf> {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let name = dir.file_name()?.to_string_lossy().into_owned();
    let target = dir.with_file_name(format!("{name}.corrupt-{secs}"));
    if std::fs::rename(dir, &target).is_ok() {
        Some(target)
    } else {
        let _ = std::fs::remove_dir_all(dir);
        None
    }
}

/// Keeps the [`KEEP_INDEXES`] most recently built indexes (always `keep`), and one set-aside
/// corrupt index for a post-mortem.
fn prune(cache_root: &Path, keep: &Path) {
    let Ok(entries) = std::fs::read_dir(cache_root) else {
        return;
    };
    let mut finished = Vec::new();
    let mut corrupt = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if path == keep || !path.is_dir() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let modified = entry
            .metadata()
            .and_then(|m| m.modified())
            .unwrap_or(UNIX_EPOCH);
        if name.contains(".corrupt-") {
            corrupt.push((modified, path));
        } else if path.join(STAMP_FILE).exists() {
            finished.push((modified, path));
        }
    }
    finished.sort();
    corrupt.sort();
    let extra = finished.len().saturating_sub(KEEP_INDEXES - 1);
    for (_, path) in finished.into_iter().take(extra) {
        let _ = std::fs::remove_dir_all(path);
    }
    let extra = corrupt.len().saturating_sub(1);
    for (_, path) in corrupt.into_iter().take(extra) {
        let _ = std::fs::remove_dir_all(path);
    }
}
