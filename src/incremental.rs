//! Incremental recompile: one note changed on disk (edited, added or deleted) is read and parsed
//! again, every other note is kept as it was parsed, and the graph is rebuilt from them, giving the
//! same [`Compiled`] a full compile of the folder would give.
//!
//! Owns: mapping a changed path to its note, replacing that note, and telling the caller which
//! sections were added, removed or changed ([`Change`]) so the search index can re-index only
//! those. Leaves parsing to [`crate::notes`] and the graph to [`crate::compile`].

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::Compiled;
use crate::catalog::Catalog;
use crate::compile::compile_loaded;
use crate::notes::{self, LoadOptions, Note, NoteFormat, Warning};

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

/// Applies a change of the file at `path` (edited, created or deleted) to `compiled`: only that
/// file is read and parsed; the graph, section facts and warnings are rebuilt from the notes.
/// On error `compiled` is unchanged.
pub fn recompile_file(compiled: &mut Compiled, path: &Path) -> Result<Change, IncrementalError> {
    let start = Instant::now();
    let root = compiled
        .notes
        .root
        .clone()
        .ok_or(IncrementalError::NoFolder)?;
    let format = format_of(path).ok_or_else(|| IncrementalError::NotANote(path.to_owned()))?;
    let rel = relative_name(&root, path)?;
    let mut file_warnings = Vec::new();
    let new_note = read_note(path, &rel, format, &mut file_warnings)?;

    let mut loaded = std::mem::take(&mut compiled.notes);
    let position = loaded.notes.binary_search_by(|n| n.file.as_str().cmp(&rel));
    let old_note = match (position, new_note) {
        (Ok(ix), Some(note)) => Some(std::mem::replace(&mut loaded.notes[ix], note)),
        (Ok(ix), None) => Some(loaded.notes.remove(ix)),
        (Err(ix), Some(note)) => {
            loaded.notes.insert(ix, note);
            None
        }
        (Err(_), None) => None,
    };
    let new_ref = loaded.notes.iter().find(|n| n.file == rel);
    let change = diff(&rel, old_note.as_ref(), new_ref);

    // Keep the loader's order: warnings are in file order.
    loaded.warnings.retain(|w| w.file != rel);
    let at = loaded
        .warnings
        .iter()
        .position(|w| w.file.as_str() > rel.as_str())
        .unwrap_or(loaded.warnings.len());
    loaded.warnings.splice(at..at, file_warnings);

    *compiled = compile_loaded(loaded, Catalog::builtin(), start);
    Ok(change)
}

fn diff(file: &str, old: Option<&Note>, new: Option<&Note>) -> Change {
    let sections = |note: Option<&Note>| -> Vec<(String, (String, u32, u32, String))> {
        note.map(|n| {
            n.sections
                .iter()
                .map(|s| {
                    (
                        s.id.clone(),
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
        let mut compiled = crate::compile(root).unwrap();

        std::fs::write(root.join("sub/b.md"), "# B\n\nS3 and EFS\n\n## More\n\nx\n").unwrap();
        let change = recompile_file(&mut compiled, &root.join("sub/b.md")).unwrap();
        assert_eq!(change.kind, ChangeKind::Modified);
        assert!(!change.is_empty());
        same(&compiled, &crate::compile(root).unwrap());

        std::fs::write(root.join("sub/aa.md"), "# AA\n\n[[a]]\n").unwrap();
        let change = recompile_file(&mut compiled, &root.join("sub/aa.md")).unwrap();
        assert_eq!(change.kind, ChangeKind::Added);
        assert!(!change.sections_added.is_empty());
        same(&compiled, &crate::compile(root).unwrap());

        std::fs::remove_file(root.join("a.md")).unwrap();
        let change = recompile_file(&mut compiled, &root.join("a.md")).unwrap();
        assert_eq!(change.kind, ChangeKind::Removed);
        assert!(change.sections_added.is_empty() && !change.sections_removed.is_empty());
        same(&compiled, &crate::compile(root).unwrap());
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
        let mut compiled = crate::compile(root).unwrap();
        assert!(
            compiled
                .warnings
                .iter()
                .any(|w| w.message.contains("unresolved link"))
        );
        std::fs::write(
            root.join("ecs.md"),
            "---\naliases: [Elastic Container Service]\n---\n# ECS\n\nTasks and services.\n",
        )
        .unwrap();
        recompile_file(&mut compiled, &root.join("ecs.md")).unwrap();
        assert!(
            !compiled
                .warnings
                .iter()
                .any(|w| w.message.contains("unresolved link"))
        );
        let a = compiled.graph.node("note:a.md").unwrap();
        let ecs = compiled.graph.node("note:ecs.md").unwrap();
        assert!(compiled.graph.graph.find_edge(a, ecs).is_some());
        same(&compiled, &crate::compile(root).unwrap());
    }

    #[test]
    fn invalid_utf8_warning_is_kept_in_file_order() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("a.txt"), b"ok\n\xff bad\n").unwrap();
        std::fs::write(root.join("b.txt"), b"fine\n").unwrap();
        std::fs::write(root.join("c.txt"), b"x\n\xfe\n").unwrap();
        let mut compiled = crate::compile(root).unwrap();
        std::fs::write(root.join("b.txt"), b"one\n\xff two\n").unwrap();
        recompile_file(&mut compiled, &root.join("b.txt")).unwrap();
        same(&compiled, &crate::compile(root).unwrap());
        let files: Vec<&str> = compiled.warnings.iter().map(|w| w.file.as_str()).collect();
        assert!(files.windows(2).all(|w| w[0] <= w[1]), "{files:?}");
    }

    #[test]
    fn refuses_files_outside_and_non_notes() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("notes");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(root.join("a.md"), "# A\n").unwrap();
        std::fs::write(dir.path().join("x.md"), "# X\n").unwrap();
        let mut compiled = crate::compile(&root).unwrap();
        let before = compiled.to_json(true);
        assert!(matches!(
            recompile_file(&mut compiled, &dir.path().join("x.md")),
            Err(IncrementalError::Outside { .. })
        ));
        assert!(matches!(
            recompile_file(&mut compiled, &root.join("../x.md")),
            Err(IncrementalError::Outside { .. })
        ));
        assert!(matches!(
            recompile_file(&mut compiled, &root.join("pic.png")),
            Err(IncrementalError::NotANote(_))
        ));
        assert_eq!(
            serde_json::to_string(&before).unwrap(),
            serde_json::to_string(&compiled.to_json(true)).unwrap()
        );
        let mut builtin = crate::compile_builtin();
        assert!(matches!(
            recompile_file(&mut builtin, &root.join("a.md")),
            Err(IncrementalError::NoFolder)
        ));
    }

    #[test]
    fn single_file_load() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("notes.txt");
        std::fs::write(&file, "AWS CodeBuild\n - builds\n").unwrap();
        let mut compiled = crate::compile(&file).unwrap();
        std::fs::write(
            &file,
            "AWS CodeBuild\n - builds\nAWS CodeDeploy\n - deploys\n",
        )
        .unwrap();
        recompile_file(&mut compiled, &file).unwrap();
        same(&compiled, &crate::compile(&file).unwrap());
    }
}
