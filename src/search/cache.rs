//! The on-disk index in the user's cache folder, keyed by a fingerprint of the notes: reopened
//! when the notes are unchanged, built when they changed, set aside and rebuilt (with a warning)
//! when it is corrupt or unreadable. A half-written index is never opened: it is built in a
//! temporary folder, then renamed into place.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use tantivy::Index;

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
        let sections = Self::build_dir(compiled, cache_root, &dir, &fingerprint)?;
        let index = Self::open_dir(compiled, catalog, &dir, &fingerprint)?;
        debug_assert_eq!(sections, index.len());
        prune(cache_root, &dir);
        Ok(OpenedIndex { index, status, dir })
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
        let index = Index::open_in_dir(dir)?;
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
                // Another process finished the same index first, or a bad one is still there.
                std::fs::remove_dir_all(dir)?;
            }
            std::fs::rename(&tmp, dir)?;
            Ok(docs.len())
        })();
        if result.is_err() {
            let _ = std::fs::remove_dir_all(&tmp);
        }
        result
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
