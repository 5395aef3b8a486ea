//! Incremental recompile: a note changed on disk (edited, added, deleted or renamed) is read,
//! parsed and extracted again; every other note keeps its cached per-note results, and the graph
//! aggregates are rebuilt from those, giving the same [`Compiled`] a full compile of the folder
//! gives (the tests compare the graph JSON after random edit sequences).
//!
//! Owns: the per-note caches ([`Incremental`]): each note's extraction ([`NoteFacts`]: mentions,
//! relations with evidence, markers, topics) and vault results (resolved links, tags, pictures,
//! placeholders), mapping a changed path to its note, and telling the caller which sections were
//! added, removed or changed ([`Change`]) so the search index re-indexes only those. Leaves parsing
//! to [`crate::notes`], extraction to [`crate::extract`] and the vault pass to [`crate::vault`].
//!
//! What crosses notes, and how it is kept right:
//! - Mentions and relations come from the catalog's names only, never from names in the notes,
//!   so one note's extraction never depends on another note: only the changed note is extracted.
//! - Headed topics become one node per title across notes: that is aggregation, rebuilt each time.
//! - `[[wikilinks]]` resolve by file name, path and front-matter alias, and a link to a heading is
//!   checked against the target's headings. When a note is added, removed or edited, every note
//!   with a link whose target names it (by the old or new file name or alias) is resolved again.
//! - Pictures resolve against the picture files on disk: a changed picture file rescans the folder
//!   and resolves every note's pictures again (logged).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::Compiled;
use crate::extract::{Extractor, NoteFacts};
use crate::notes::{self, LoadError, LoadOptions, LoadedNotes, Note, NoteFormat, Warning};
use crate::vault::{self, Folder, NoteResolver, Vault};

/// Why a changed file could not be applied. The compiled notes are left as they were.
#[derive(Debug, thiserror::Error)]
pub enum IncrementalError {
    #[error("the built-in notes have no files on disk to recompile")]
    NoFolder,
    #[error("{path} is not inside the notes folder {root}")]
    Outside { path: PathBuf, root: PathBuf },
    #[error("{0} is not a notes file (.txt, .md or .markdown)")]
    NotANote(PathBuf),
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error("the catalog's matchers could not be built: {0}")]
    Matcher(String),
}

/// What happened to the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    Added,
    Modified,
    Removed,
}

/// The effect of one recompiled file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// The note's path relative to the notes root.
    pub file: String,
    pub kind: ChangeKind,
    /// Section ids that are new, sorted.
    pub sections_added: Vec<String>,
    /// Section ids that are gone, sorted.
    pub sections_removed: Vec<String>,
    /// Section ids kept whose text, title or lines changed, sorted.
    pub sections_changed: Vec<String>,
}

impl Change {
    /// Whether nothing a reader could see changed.
    pub fn is_empty(&self) -> bool {
        self.sections_added.is_empty()
            && self.sections_removed.is_empty()
            && self.sections_changed.is_empty()
    }
}

fn format_of(path: &Path) -> Option<NoteFormat> {
    let ext = path.extension()?.to_string_lossy().to_ascii_lowercase();
    match ext.as_str() {
        "txt" => Some(NoteFormat::Plain),
        "md" | "markdown" => Some(NoteFormat::Markdown),
        _ => None,
    }
}

/// The note path (relative, `/` separators) of `path` under the load root.
fn relative_name(root: &Path, path: &Path) -> Result<String, IncrementalError> {
    let outside = || IncrementalError::Outside {
        path: path.to_owned(),
        root: root.to_owned(),
    };
    if root.is_file() || !root.exists() && root.extension().is_some() {
        // A single-file load: only that file can change.
        let same = path == root
            || matches!((path.canonicalize(), root.canonicalize()), (Ok(a), Ok(b)) if a == b);
        if !same {
            return Err(outside());
        }
        return Ok(root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default());
    }
    let rel = match path.strip_prefix(root) {
        Ok(rel) => rel.to_owned(),
        Err(_) => {
            // Compare canonical folders (the file itself may be gone).
            let canonical_root = root.canonicalize().map_err(|_| outside())?;
            let parent = path.parent().ok_or_else(outside)?;
            let canonical_parent = parent.canonicalize().map_err(|_| outside())?;
            let rel_dir = canonical_parent
                .strip_prefix(&canonical_root)
                .map_err(|_| outside())?;
            rel_dir.join(path.file_name().ok_or_else(outside)?)
        }
    };
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.iter().any(|p| p == ".." || p.starts_with('.')) || parts.is_empty() {
        // The loader skips hidden folders; `..` would leave the root.
        return Err(outside());
    }
    Ok(parts.join("/"))
}

/// Reads and parses one note like [`notes::load`] does; `None` when the file is gone.
fn read_note(
    path: &Path,
    rel: &str,
    format: NoteFormat,
    warnings: &mut Vec<Warning>,
) -> Result<Option<Note>, IncrementalError> {
    let options = LoadOptions::default();
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(IncrementalError::Read {
                path: path.to_owned(),
                source,
            });
        }
    };
    if meta.len() > options.max_file_bytes {
        warnings.push(Warning::new(
            rel,
            None,
            format!("skipped: {} bytes is over the limit", meta.len()),
        ));
        return Ok(None);
    }
    let bytes = std::fs::read(path).map_err(|source| IncrementalError::Read {
        path: path.to_owned(),
        source,
    })?;
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let bytes = err.into_bytes();
            let valid = std::str::from_utf8(&bytes)
                .err()
                .map_or(0, |e| e.valid_up_to());
            let line = bytes[..valid].iter().filter(|&&b| b == b'\n').count() + 1;
            warnings.push(Warning::new(
                rel,
                Some(u32::try_from(line).unwrap_or(u32::MAX)),
                "invalid UTF-8, decoded with replacement characters",
            ));
            String::from_utf8_lossy(&bytes).into_owned()
        }
    };
    Ok(Some(notes::parse_note(rel, format, text, warnings)))
}

/// Where the time of one recompile went, and how much was done again.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Timings {
    /// Reading and parsing the changed files.
    pub read: Duration,
    /// Extracting the changed notes.
    pub extract: Duration,
    /// Resolving links, tags and pictures again (changed notes and the notes they affect).
    pub vault: Duration,
    /// Rebuilding the graph and warnings from the per-note results.
    pub aggregate: Duration,
    pub total: Duration,
    /// Notes extracted again.
    pub notes_extracted: usize,
    /// Notes whose links and pictures were resolved again.
    pub notes_resolved: usize,
}

/// The vault results of one note and the keys its links resolve by.
#[derive(Clone, Debug, Default)]
struct NoteVault {
    vault: Vault,
    /// [`vault::link_keys`] of the note.
    link_keys: Vec<String>,
}

/// A compiled collection with the per-note results kept, so a changed file recompiles alone.
pub struct Incremental {
    compiled: Compiled,
    /// Per note (same order as `compiled.notes.notes`), section facts moved out into
    /// `compiled.sections`.
    facts: Vec<NoteFacts>,
    vaults: Vec<NoteVault>,
    folder: Folder,
    resolver: NoteResolver,
    extractor: &'static Extractor<'static>,
    /// What the last recompile cost.
    pub timings: Timings,
}

impl std::fmt::Debug for Incremental {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Incremental")
            .field("notes", &self.compiled.notes.notes.len())
            .field("timings", &self.timings)
            .finish_non_exhaustive()
    }
}

/// A changed note file, read and parsed, before it is applied.
struct Pending {
    rel: String,
    note: Option<Note>,
    warnings: Vec<Warning>,
}

impl Incremental {
    /// Loads and compiles a notes file or folder, keeping the per-note results.
    pub fn open(path: &Path) -> Result<Self, IncrementalError> {
        let start = Instant::now();
        let loaded = notes::load(path, &LoadOptions::default())?;
        let mut inc = Self::new(loaded)?;
        inc.compiled.elapsed = start.elapsed();
        Ok(inc)
    }

    /// Compiles loaded notes with the built-in catalog, keeping the per-note results.
    pub fn new(loaded: LoadedNotes) -> Result<Self, IncrementalError> {
        let start = Instant::now();
        let extractor =
            Extractor::builtin().map_err(|e| IncrementalError::Matcher(e.to_string()))?;
        let mut facts: Vec<NoteFacts> = loaded
            .notes
            .par_iter()
            .enumerate()
            .map(|(ix, note)| extractor.note_facts(ix, note))
            .collect();
        let sections = facts
            .iter_mut()
            .flat_map(NoteFacts::take_sections)
            .collect();
        let folder = Folder::new(loaded.root.as_deref());
        let resolver = NoteResolver::new(&loaded);
        let vaults = (0..loaded.notes.len())
            .into_par_iter()
            .map(|ix| analyse(&loaded, ix, &resolver, &folder))
            .collect();
        let mut inc = Self {
            compiled: Compiled {
                notes: loaded,
                sections,
                ..Compiled::default()
            },
            facts,
            vaults,
            folder,
            resolver,
            extractor,
            timings: Timings::default(),
        };
        inc.aggregate();
        inc.compiled.elapsed = start.elapsed();
        Ok(inc)
    }

    /// The compiled collection as it is now.
    pub fn compiled(&self) -> &Compiled {
        &self.compiled
    }

    /// The compiled collection, giving up the per-note results.
    pub fn into_compiled(self) -> Compiled {
        self.compiled
    }

    /// Applies a change of the note file at `path` (edited, created or deleted): only that file
    /// is read, parsed and extracted. On error nothing changes.
    pub fn recompile_file(&mut self, path: &Path) -> Result<Change, IncrementalError> {
        format_of(path).ok_or_else(|| IncrementalError::NotANote(path.to_owned()))?;
        let mut changes = self.recompile_paths(&[path.to_owned()])?;
        changes
            .pop()
            .ok_or_else(|| IncrementalError::NotANote(path.to_owned()))
    }

    /// Applies changes of several paths at once (what a file watcher reports: a rename is the
    /// old and the new path). Note files are read and extracted again; a changed picture file
    /// rescans the folder's pictures; other files are ignored. Returns one [`Change`] per note
    /// file, in the order given. On error nothing changes.
    pub fn recompile_paths(&mut self, paths: &[PathBuf]) -> Result<Vec<Change>, IncrementalError> {
        let start = Instant::now();
        let root = self
            .compiled
            .notes
            .root
            .clone()
            .ok_or(IncrementalError::NoFolder)?;
        // Read everything first: an error leaves the compile as it was.
        let mut pending: Vec<Pending> = Vec::new();
        let mut pictures_changed = false;
        for path in paths {
            let Some(format) = format_of(path) else {
                if vault::is_image(&path.to_string_lossy()) {
                    relative_name(&root, path)?;
                    pictures_changed = true;
                }
                continue;
            };
            let rel = relative_name(&root, path)?;
            pending.retain(|p| p.rel != rel);
            let mut warnings = Vec::new();
            let note = read_note(path, &rel, format, &mut warnings)?;
            pending.push(Pending {
                rel,
                note,
                warnings,
            });
        }
        let read = start.elapsed();

        let t = Instant::now();
        let mut changes = Vec::with_capacity(pending.len());
        // Names whose links must be resolved again, files whose vault results are stale.
        let mut keys: HashSet<String> = HashSet::new();
        let mut names_moved = false;
        let mut extracted = 0;
        for Pending {
            rel,
            note,
            warnings,
        } in pending
        {
            let old_keys = self.note_at(&rel).map(vault::note_keys);
            let new_keys = note.as_ref().map(vault::note_keys);
            names_moved |= old_keys != new_keys;
            keys.extend(old_keys.into_iter().flatten());
            keys.extend(new_keys.into_iter().flatten());
            extracted += usize::from(note.is_some());
            changes.push(self.replace_note(&rel, note, warnings));
        }
        let extract = t.elapsed();

        let t = Instant::now();
        if names_moved {
            // Note indices or aliases moved: the resolver is rebuilt (paths and aliases only).
            self.resolver = NoteResolver::new(&self.compiled.notes);
        }
        let notes = &self.compiled.notes;
        let stale: Vec<usize> = if pictures_changed {
            log::info!("a picture changed: rescanning the pictures, resolving every note again");
            self.folder = Folder::new(notes.root.as_deref());
            (0..notes.notes.len()).collect()
        } else {
            let changed: HashSet<&str> = changes.iter().map(|c| c.file.as_str()).collect();
            (0..notes.notes.len())
                .filter(|&ix| {
                    notes
                        .notes
                        .get(ix)
                        .is_some_and(|n| changed.contains(n.file.as_str()))
                        || self
                            .vaults
                            .get(ix)
                            .is_some_and(|v| v.link_keys.iter().any(|k| keys.contains(k)))
                })
                .collect()
        };
        if stale.len() > 1 {
            log::debug!(
                "{} notes link to a changed name: their links are resolved again",
                stale.len()
            );
        }
        let (resolver, folder) = (&self.resolver, &self.folder);
        let fresh: Vec<(usize, NoteVault)> = stale
            .par_iter()
            .map(|&ix| (ix, analyse(notes, ix, resolver, folder)))
            .collect();
        let resolved = fresh.len();
        for (ix, v) in fresh {
            if let Some(slot) = self.vaults.get_mut(ix) {
                *slot = v;
            }
        }
        let vault_time = t.elapsed();

        let t = Instant::now();
        self.aggregate();
        let aggregate = t.elapsed();
        self.compiled.elapsed = start.elapsed();
        self.timings = Timings {
            read,
            extract,
            vault: vault_time,
            aggregate,
            total: start.elapsed(),
            notes_extracted: extracted,
            notes_resolved: resolved,
        };
        Ok(changes)
    }

    fn note_at(&self, rel: &str) -> Option<&Note> {
        let notes = &self.compiled.notes.notes;
        notes
            .binary_search_by(|n| n.file.as_str().cmp(rel))
            .ok()
            .and_then(|ix| notes.get(ix))
    }

    /// Puts `note` (or nothing) in the place of the note `rel`, extracts it, and splices its
    /// section facts and load warnings into the compile.
    fn replace_note(
        &mut self,
        rel: &str,
        note: Option<Note>,
        file_warnings: Vec<Warning>,
    ) -> Change {
        let loaded = &mut self.compiled.notes;
        let position = loaded.notes.binary_search_by(|n| n.file.as_str().cmp(rel));
        let sections = &mut self.compiled.sections;
        let range = |sections: &Vec<crate::extract::SectionFacts>, ix: usize| {
            sections.partition_point(|f| (f.note as usize) < ix)
                ..sections.partition_point(|f| f.note as usize <= ix)
        };
        let old_note = match (position, note) {
            (Ok(ix), Some(note)) => {
                let mut facts = self.extractor.note_facts(ix, &note);
                let r = range(sections, ix);
                sections.splice(r, facts.take_sections());
                self.facts[ix] = facts;
                Some(std::mem::replace(&mut loaded.notes[ix], note))
            }
            (Ok(ix), None) => {
                let r = range(sections, ix);
                let at = r.start;
                sections.drain(r);
                for f in &mut sections[at..] {
                    f.note -= 1;
                }
                self.facts.remove(ix);
                self.vaults.remove(ix);
                Some(loaded.notes.remove(ix))
            }
            (Err(ix), Some(note)) => {
                let mut facts = self.extractor.note_facts(ix, &note);
                let at = sections.partition_point(|f| (f.note as usize) < ix);
                for f in &mut sections[at..] {
                    f.note += 1;
                }
                sections.splice(at..at, facts.take_sections());
                self.facts.insert(ix, facts);
                self.vaults.insert(ix, NoteVault::default());
                loaded.notes.insert(ix, note);
                None
            }
            (Err(_), None) => None,
        };
        let new_ref = loaded.notes.iter().find(|n| n.file == rel);
        let change = diff(rel, old_note.as_ref(), new_ref);

        // Keep the loader's order: warnings are in file order.
        loaded.warnings.retain(|w| w.file != rel);
        let at = loaded
            .warnings
            .iter()
            .position(|w| w.file.as_str() > rel)
            .unwrap_or(loaded.warnings.len());
        loaded.warnings.splice(at..at, file_warnings);
        change
    }

    /// Rebuilds the graph and the warnings from the per-note results.
    fn aggregate(&mut self) {
        let notes = &self.compiled.notes;
        let mut graph = self.extractor.graph_of(&notes.notes, &self.facts);
        let joined = Vault::join(self.vaults.iter().map(|v| &v.vault));
        let mut warnings = notes.warnings.clone();
        warnings.extend(
            self.facts
                .iter()
                .zip(&notes.notes)
                .flat_map(|(facts, note)| facts.warnings(note)),
        );
        vault::finish(notes, &joined, &mut graph, &mut warnings);
        self.compiled.graph = graph;
        self.compiled.warnings = warnings;
    }
}

fn analyse(notes: &LoadedNotes, ix: usize, resolver: &NoteResolver, folder: &Folder) -> NoteVault {
    NoteVault {
        vault: vault::analyse_one(notes, ix, resolver, folder),
        link_keys: notes
            .notes
            .get(ix)
            .map(vault::link_keys)
            .unwrap_or_default(),
    }
}

fn diff(file: &str, old: Option<&Note>, new: Option<&Note>) -> Change {
    let sections = |note: Option<&Note>| -> Vec<(String, (String, u32, u32, String))> {
        note.map(|n| {
            n.sections
                .iter()
                .map(|s| {
                    (
                        n.section_id(s),
                        (
                            s.title.to_string(),
                            s.line_start,
                            s.line_end,
                            n.section_text(s).to_owned(),
                        ),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
    };
    let old_sections: std::collections::BTreeMap<_, _> = sections(old).into_iter().collect();
    let new_sections: std::collections::BTreeMap<_, _> = sections(new).into_iter().collect();
    let mut change = Change {
        file: file.to_owned(),
        kind: match (old, new) {
            (None, _) => ChangeKind::Added,
            (Some(_), None) => ChangeKind::Removed,
            (Some(_), Some(_)) => ChangeKind::Modified,
        },
        sections_added: Vec::new(),
        sections_removed: Vec::new(),
        sections_changed: Vec::new(),
    };
    for (id, value) in &new_sections {
        match old_sections.get(id) {
            None => change.sections_added.push(id.clone()),
            Some(old) if old != value => change.sections_changed.push(id.clone()),
            Some(_) => {}
        }
    }
    change.sections_removed = old_sections
        .keys()
        .filter(|id| !new_sections.contains_key(*id))
        .cloned()
        .collect();
    change
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(a: &Compiled, b: &Compiled) {
        let (ja, jb) = (a.to_json(true), b.to_json(true));
        assert_eq!(
            serde_json::to_string(&ja).unwrap(),
            serde_json::to_string(&jb).unwrap()
        );
        assert_eq!(a.notes.notes.len(), b.notes.notes.len());
    }

    #[test]
    fn edit_add_and_remove_match_a_full_compile() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join("a.md"), "# A\n\nLambda and [[b]].\n").unwrap();
        std::fs::write(root.join("sub/b.md"), "# B\n\nS3 #exam\n").unwrap();
        std::fs::write(root.join("c.txt"), "CodeBuild\n - builds\n").unwrap();
        let mut compiled = Incremental::open(root).unwrap();

        std::fs::write(root.join("sub/b.md"), "# B\n\nS3 and EFS\n\n## More\n\nx\n").unwrap();
        let change = compiled.recompile_file(&root.join("sub/b.md")).unwrap();
        assert_eq!(change.kind, ChangeKind::Modified);
        assert!(!change.is_empty());
        same(compiled.compiled(), &crate::compile(root).unwrap());

        std::fs::write(root.join("sub/aa.md"), "# AA\n\n[[a]]\n").unwrap();
        let change = compiled.recompile_file(&root.join("sub/aa.md")).unwrap();
        assert_eq!(change.kind, ChangeKind::Added);
        assert!(!change.sections_added.is_empty());
        same(compiled.compiled(), &crate::compile(root).unwrap());

        std::fs::remove_file(root.join("a.md")).unwrap();
        let change = compiled.recompile_file(&root.join("a.md")).unwrap();
        assert_eq!(change.kind, ChangeKind::Removed);
        assert!(change.sections_added.is_empty() && !change.sections_removed.is_empty());
        same(compiled.compiled(), &crate::compile(root).unwrap());
    }

    #[test]
    fn an_alias_added_elsewhere_resolves_an_old_link() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(
            root.join("a.md"),
            "# A\n\nSee [[Elastic Container Service]].\n",
        )
        .unwrap();
        std::fs::write(root.join("ecs.md"), "# ECS\n\nTasks and services.\n").unwrap();
        let mut compiled = Incremental::open(root).unwrap();
        assert!(
            compiled
                .compiled()
                .warnings
                .iter()
                .any(|w| w.message.contains("unresolved link"))
        );
        std::fs::write(
            root.join("ecs.md"),
            "---\naliases: [Elastic Container Service]\n---\n# ECS\n\nTasks and services.\n",
        )
        .unwrap();
        compiled.recompile_file(&root.join("ecs.md")).unwrap();
        assert!(
            !compiled
                .compiled()
                .warnings
                .iter()
                .any(|w| w.message.contains("unresolved link"))
        );
        let a = compiled.compiled().graph.node("note:a.md").unwrap();
        let ecs = compiled.compiled().graph.node("note:ecs.md").unwrap();
        assert!(compiled.compiled().graph.graph.find_edge(a, ecs).is_some());
        same(compiled.compiled(), &crate::compile(root).unwrap());
    }

    #[test]
    fn invalid_utf8_warning_is_kept_in_file_order() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("a.txt"), b"ok\n\xff bad\n").unwrap();
        std::fs::write(root.join("b.txt"), b"fine\n").unwrap();
        std::fs::write(root.join("c.txt"), b"x\n\xfe\n").unwrap();
        let mut compiled = Incremental::open(root).unwrap();
        std::fs::write(root.join("b.txt"), b"one\n\xff two\n").unwrap();
        compiled.recompile_file(&root.join("b.txt")).unwrap();
        same(compiled.compiled(), &crate::compile(root).unwrap());
        let files: Vec<&str> = compiled
            .compiled()
            .warnings
            .iter()
            .map(|w| w.file.as_str())
            .collect();
        assert!(files.windows(2).all(|w| w[0] <= w[1]), "{files:?}");
    }

    #[test]
    fn refuses_files_outside_and_non_notes() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("notes");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(root.join("a.md"), "# A\n").unwrap();
        std::fs::write(dir.path().join("x.md"), "# X\n").unwrap();
        let mut compiled = Incremental::open(&root).unwrap();
        let before = compiled.compiled().to_json(true);
        assert!(matches!(
            compiled.recompile_file(&dir.path().join("x.md")),
            Err(IncrementalError::Outside { .. })
        ));
        assert!(matches!(
            compiled.recompile_file(&root.join("../x.md")),
            Err(IncrementalError::Outside { .. })
        ));
        assert!(matches!(
            compiled.recompile_file(&root.join("pic.png")),
            Err(IncrementalError::NotANote(_))
        ));
        assert_eq!(
            serde_json::to_string(&before).unwrap(),
            serde_json::to_string(&compiled.compiled().to_json(true)).unwrap()
        );
        let mut builtin = Incremental::new(crate::notes::load_builtin()).unwrap();
        assert!(matches!(
            builtin.recompile_file(&root.join("a.md")),
            Err(IncrementalError::NoFolder)
        ));
    }

    #[test]
    fn single_file_load() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("notes.txt");
        std::fs::write(&file, "AWS CodeBuild\n - builds\n").unwrap();
        let mut compiled = Incremental::open(&file).unwrap();
        std::fs::write(
            &file,
            "AWS CodeBuild\n - builds\nAWS CodeDeploy\n - deploys\n",
        )
        .unwrap();
        compiled.recompile_file(&file).unwrap();
        same(compiled.compiled(), &crate::compile(&file).unwrap());
    }
}
