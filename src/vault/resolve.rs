//! Resolving `[[wikilink]]` targets to notes the way Obsidian does: by file name anywhere in the
//! vault, case-insensitively, a path when one is written, front-matter aliases as a fallback, and
//! the shortest path when several files share a name.

use std::collections::HashMap;

use unicode_normalization::UnicodeNormalization as _;

use crate::notes::{LoadedNotes, NoteFormat};

/// A lookup key: NFC-normalised (macOS writes file names decomposed) and lowercased.
pub fn key(text: &str) -> String {
    text.nfc().collect::<String>().to_lowercase()
}

/// A vault path without a note extension (`.md`, `.markdown`, `.txt`).
pub fn strip_note_ext(path: &str) -> &str {
    let lower = path.to_ascii_lowercase();
    for ext in [".md", ".markdown", ".txt"] {
        if lower.ends_with(ext) {
            return &path[..path.len() - ext.len()];
        }
    }
    path
}

/// The folder part of a vault path (`a/b` for `a/b/c.md`, empty at the root).
pub fn folder_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// Joins `base` and `rel` (vault paths with `/`), resolving `.` and `..`. `None` when the result
/// would leave the vault.
pub fn join(base: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for part in rel.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

/// Finds files of a vault by name or path.
#[derive(Debug, Default)]
pub struct PathIndex {
    /// Vault-relative paths as they are.
    paths: Vec<String>,
    /// Key of the file name → indices into `paths`.
    by_name: HashMap<String, Vec<usize>>,
    /// Key of the full path → index.
    by_path: HashMap<String, usize>,
    /// Whether note extensions are ignored (in paths and in targets).
    strip: bool,
}

impl PathIndex {
    /// Indexes `paths`; `strip` removes note extensions so `[[note]]` finds `note.md`.
    pub fn new(paths: impl IntoIterator<Item = String>, strip: bool) -> Self {
        let mut index = PathIndex {
            strip,
            ..PathIndex::default()
        };
        for (ix, path) in paths.into_iter().enumerate() {
            let bare = if strip {
                strip_note_ext(&path)
            } else {
                path.as_str()
            };
            let name = bare.rsplit('/').next().unwrap_or(bare);
            index.by_name.entry(key(name)).or_default().push(ix);
            index.by_path.entry(key(bare)).or_insert(ix);
            index.paths.push(path);
        }
        index
    }

    /// The path at an index.
    pub fn path(&self, ix: usize) -> &str {
        self.paths.get(ix).map_or("", String::as_str)
    }

    /// Resolves `target` as written in the file `from`: relative to `from`'s folder, then from
    /// the vault root, then by file name (with the written folders as a suffix). Among several
    /// files with that name: the one in `from`'s folder, else the shortest path, else the first
    /// in path order.
    pub fn resolve(&self, from: &str, target: &str) -> Option<usize> {
        let mut target = target.trim().trim_start_matches('/');
        if self.strip {
            target = strip_note_ext(target);
        }
        if target.is_empty() {
            return None;
        }
        let from_dir = folder_of(from);
        if target.contains('/') {
            for candidate in [join(from_dir, target), join("", target)]
                .into_iter()
                .flatten()
            {
                if let Some(&ix) = self.by_path.get(&key(&candidate)) {
                    return Some(ix);
                }
            }
        }
        let (dirs, name) = match target.rsplit_once('/') {
            Some((dirs, name)) => (Some(key(dirs)), name),
            None => (None, target),
        };
        let candidates = self.by_name.get(&key(name))?;
        let suffix_ok = |ix: usize| -> bool {
            let Some(dirs) = &dirs else { return true };
            let folder = key(folder_of(self.path(ix)));
            folder == *dirs || folder.ends_with(&format!("/{dirs}"))
        };
        candidates
            .iter()
            .copied()
            .filter(|&ix| suffix_ok(ix))
            .min_by_key(|&ix| {
                let path = self.path(ix);
                (
                    folder_of(path) != from_dir,
                    path.matches('/').count(),
                    path.len(),
                    path.to_owned(),
                )
            })
    }
}

/// Resolves link targets to note indices of a [`LoadedNotes`].
#[derive(Debug)]
pub struct NoteResolver {
    files: PathIndex,
    /// Key of a front-matter alias → note indices (path order).
    aliases: HashMap<String, Vec<usize>>,
}

impl NoteResolver {
    /// Indexes the notes' paths and aliases.
    pub fn new(notes: &LoadedNotes) -> Self {
        let files = PathIndex::new(notes.notes.iter().map(|n| n.file.clone()), true);
        let mut aliases: HashMap<String, Vec<usize>> = HashMap::new();
        for (ix, note) in notes.notes.iter().enumerate() {
            if note.format != NoteFormat::Markdown {
                continue;
            }
            for alias in &note.front_matter.aliases {
                let k = key(alias.trim());
                if !k.is_empty() {
                    aliases.entry(k).or_default().push(ix);
                }
            }
        }
        Self { files, aliases }
    }

    /// The note a link in `from` to `target` means: a file first, then a front-matter alias.
    pub fn resolve(&self, from: &str, target: &str) -> Option<usize> {
        let bare = strip_note_ext(target.trim());
        self.files.resolve(from, bare).or_else(|| {
            self.aliases
                .get(&key(bare.trim()))
                .and_then(|v| v.first().copied())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(paths: &[&str]) -> PathIndex {
        PathIndex::new(paths.iter().map(|p| (*p).to_owned()), true)
    }

    #[test]
    fn joins_inside_the_vault_only() {
        assert_eq!(join("a/b", "../c.png").as_deref(), Some("a/c.png"));
        assert_eq!(join("a", "./img/x.png").as_deref(), Some("a/img/x.png"));
        assert_eq!(join("a", "../../etc/passwd"), None);
        assert_eq!(join("", "..\\x"), None);
    }

    #[test]
    fn by_name_anywhere_case_insensitive_shortest_path() {
        let ix = index(&[
            "deep/er/VPC.md",
            "net/vpc.md",
            "other/thing.md",
            "x/y/thing.md",
        ]);
        assert_eq!(ix.path(ix.resolve("a.md", "vpc").unwrap()), "net/vpc.md");
        assert_eq!(ix.path(ix.resolve("a.md", "VPC.md").unwrap()), "net/vpc.md");
        // A note in the same folder wins over a shorter path.
        assert_eq!(
            ix.path(ix.resolve("deep/er/b.md", "vpc").unwrap()),
            "deep/er/VPC.md"
        );
        // Written folders narrow the choice.
        assert_eq!(
            ix.path(ix.resolve("a.md", "er/vpc").unwrap()),
            "deep/er/VPC.md"
        );
        assert_eq!(
            ix.path(ix.resolve("a.md", "y/thing").unwrap()),
            "x/y/thing.md"
        );
        assert_eq!(ix.resolve("a.md", "missing"), None);
        assert_eq!(ix.resolve("a.md", ""), None);
    }

    #[test]
    fn relative_and_unicode_forms() {
        let ix = index(&["a/b/c.md", "Café.md"]);
        assert_eq!(ix.path(ix.resolve("a/x.md", "b/c").unwrap()), "a/b/c.md");
        assert_eq!(
            ix.path(ix.resolve("a/b/x.md", "../b/c").unwrap()),
            "a/b/c.md"
        );
        // Decomposed é (e + combining acute) finds the composed file name.
        assert_eq!(
            ix.path(ix.resolve("x.md", "cafe\u{301}").unwrap()),
            "Café.md"
        );
    }
}
