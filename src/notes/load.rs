//! Walking a notes file or folder and decoding each file.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::{Note, NoteFormat, Warning, markdown, plain};

/// The built-in sample notes (`data/notes/`), embedded by `build.rs`: `(relative path, text)`.
static BUILTIN_NOTES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/builtin_notes.rs"));

/// Why a load could not even start. Problems with single files are [`Warning`]s instead.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read notes at {path}: {source}")]
    Root {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Options for [`load`].
#[derive(Clone, Debug)]
pub struct LoadOptions {
    /// Files larger than this are skipped with a warning.
    pub max_file_bytes: u64,
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self {
            max_file_bytes: 256 * 1024 * 1024,
        }
    }
}

/// The notes of one collection.
#[derive(Clone, Debug, Default)]
pub struct LoadedNotes {
    /// The file or folder that was loaded; `None` for the built-in notes.
    pub root: Option<PathBuf>,
    pub notes: Vec<Note>,
    pub warnings: Vec<Warning>,
    /// Files that are not notes (other extensions), counted and skipped.
    pub skipped_files: usize,
}

/// What [`load_with_progress`] reports after each file.
#[derive(Clone, Copy, Debug)]
pub struct LoadProgress<'a> {
    /// Note files handled so far (read or skipped), and how many there are.
    pub done: usize,
    pub total: usize,
    /// Bytes read so far and the total size of the note files.
    pub bytes_done: u64,
    pub bytes_total: u64,
    /// The file just handled (relative path).
    pub file: &'a str,
}

/// Loads a notes file or a folder (recursively).
pub fn load(path: &Path, options: &LoadOptions) -> Result<LoadedNotes, LoadError> {
    load_with_progress(path, options, &mut |_| {})
}

/// [`load`], calling `progress` after each note file.
pub fn load_with_progress(
    path: &Path,
    options: &LoadOptions,
    progress: &mut dyn FnMut(LoadProgress<'_>),
) -> Result<LoadedNotes, LoadError> {
    let meta = std::fs::metadata(path).map_err(|source| LoadError::Root {
        path: path.to_owned(),
        source,
    })?;
    let mut loaded = LoadedNotes {
        root: Some(path.to_owned()),
        ..LoadedNotes::default()
    };
    // (full path, relative path, format, size)
    let mut files: Vec<(PathBuf, String, NoteFormat, u64)> = Vec::new();
    if meta.is_dir() {
        let mut walk = Walk {
            root: path,
            visited: HashSet::new(),
            files: Vec::new(),
            loaded: &mut loaded,
        };
        walk.dir(path);
        let found = std::mem::take(&mut walk.files);
        for (full, rel, size) in found {
            match format_of(&full) {
                Some(format) => files.push((full, rel, format, size)),
                None => loaded.skipped_files += 1,
            }
        }
    } else {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // A file named explicitly is read even with an unknown extension, as plain text.
        let format = format_of(path).unwrap_or(NoteFormat::Plain);
        if meta.is_file() {
            files.push((path.to_owned(), name, format, meta.len()));
        } else {
            loaded
                .warnings
                .push(Warning::new(name, None, "skipped: not a regular file"));
        }
    }
    files.sort_by(|a, b| a.1.cmp(&b.1));
    let total = files.len();
    let bytes_total: u64 = files.iter().map(|f| f.3).sum();
    let mut bytes_done = 0;
    for (done, (full, rel, format, size)) in files.into_iter().enumerate() {
        bytes_done += size;
        if let Some(note) = read_note(&full, &rel, format, options, &mut loaded.warnings) {
            loaded.notes.push(note);
        }
        progress(LoadProgress {
            done: done + 1,
            total,
            bytes_done,
            bytes_total,
            file: &rel,
        });
    }
    Ok(loaded)
}

/// Reads, decodes and parses one note; `None` (with a warning) when it cannot be read or is
/// not text.
fn read_note(
    full: &Path,
    rel: &str,
    format: NoteFormat,
    options: &LoadOptions,
    warnings: &mut Vec<Warning>,
) -> Option<Note> {
    match std::fs::metadata(full) {
        Ok(m) if m.len() > options.max_file_bytes => {
            warnings.push(Warning::new(
                rel,
                None,
                format!(
                    "skipped: {} bytes is over the limit of {}",
                    m.len(),
                    options.max_file_bytes
                ),
            ));
            return None;
        }
        Ok(m) if !m.is_file() => {
            warnings.push(Warning::new(rel, None, "skipped: not a regular file"));
            return None;
        }
        Ok(_) => {}
        Err(err) => {
            warnings.push(Warning::new(rel, None, format!("cannot read: {err}")));
            return None;
        }
    }
    let bytes = match std::fs::read(full) {
        Ok(bytes) => bytes,
        Err(err) => {
            warnings.push(Warning::new(rel, None, format!("cannot read: {err}")));
            return None;
        }
    };
    let text = decode(rel, bytes, warnings)?;
    Some(parse_note(rel, format, text, warnings))
}

/// Decodes a note's bytes: UTF-8 (a BOM dropped), UTF-16 with a BOM, or UTF-8 with invalid
/// sequences replaced (warning naming the first bad line). Binary files are `None` with a
/// warning; a text file with a few NUL bytes is read with the NULs turned into spaces.
fn decode(rel: &str, mut bytes: Vec<u8>, warnings: &mut Vec<Warning>) -> Option<String> {
    if let Some(text) = decode_utf16(&bytes) {
        return Some(text);
    }
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    if looks_binary(&bytes) {
        warnings.push(Warning::new(
            rel,
            None,
            "skipped: looks like a binary file, not text",
        ));
        return None;
    }
    if let Some(first) = memchr::memchr(0, &bytes) {
        let line = line_at(&bytes, first);
        let count = bytes.iter().filter(|&&b| b == 0).count();
        warnings.push(Warning::new(
            rel,
            Some(line),
            format!("{count} NUL byte(s) replaced by spaces"),
        ));
        for b in &mut bytes {
            if *b == 0 {
                *b = b' ';
            }
        }
    }
    match String::from_utf8(bytes) {
        Ok(text) => Some(text),
        Err(err) => {
            let bad_at = err.utf8_error().valid_up_to();
            let bytes = err.into_bytes();
            warnings.push(Warning::new(
                rel,
                Some(line_at(&bytes, bad_at)),
                "invalid UTF-8, decoded with replacement characters",
            ));
            // Built at its final size (a growing string would hold up to twice the text).
            let replaced = |c: &std::str::Utf8Chunk<'_>| {
                if c.invalid().is_empty() {
                    0
                } else {
                    char::REPLACEMENT_CHARACTER.len_utf8()
                }
            };
            let len = bytes
                .utf8_chunks()
                .map(|c| c.valid().len() + replaced(&c))
                .sum();
            let mut text = String::with_capacity(len);
            for c in bytes.utf8_chunks() {
                text.push_str(c.valid());
                if replaced(&c) > 0 {
                    text.push(char::REPLACEMENT_CHARACTER);
                }
            }
            Some(text)
        }
    }
}

fn decode_utf16(bytes: &[u8]) -> Option<String> {
    let le = match bytes {
        [0xFF, 0xFE, ..] => true,
        [0xFE, 0xFF, ..] => false,
        _ => return None,
    };
    let units = bytes[2..].chunks_exact(2).map(|c| {
        if le {
            u16::from_le_bytes([c[0], c[1]])
        } else {
            u16::from_be_bytes([c[0], c[1]])
        }
    });
    Some(
        char::decode_utf16(units)
            .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect(),
    )
}

/// Binary when the first 8 KiB hold several NUL bytes (more than one in a hundred, or more than
/// eight) or when one byte in ten is a control character.
fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    if head.is_empty() {
        return false;
    }
    let nul = head.iter().filter(|&&b| b == 0).count();
    let control = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0C | 0x1B | 0))
        .count();
    nul > 8 || (nul > 1 && nul * 100 > head.len()) || (nul + control) * 10 > head.len()
}

/// 1-based line of byte `at`.
fn line_at(bytes: &[u8], at: usize) -> u32 {
    let newlines = memchr::memchr_iter(b'\n', &bytes[..at.min(bytes.len())]).count();
    u32::try_from(newlines + 1).unwrap_or(u32::MAX)
}

/// Loads the built-in sample notes embedded in the binary.
pub fn load_builtin() -> LoadedNotes {
    let mut loaded = LoadedNotes::default();
    for (rel, text) in BUILTIN_NOTES {
        let Some(format) = format_of(Path::new(rel)) else {
            continue;
        };
        let note = parse_note(rel, format, (*text).to_owned(), &mut loaded.warnings);
        loaded.notes.push(note);
    }
    loaded
}

/// Parses one note's decoded text.
pub fn parse_note(
    file: &str,
    format: NoteFormat,
    text: String,
    warnings: &mut Vec<Warning>,
) -> Note {
    let stem = Path::new(file)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.to_owned());
    match format {
        NoteFormat::Plain => {
            let sections = plain::sections(file, &text, warnings);
            Note {
                file: file.to_owned(),
                format,
                title: stem,
                front_matter: Default::default(),
                sections,
                links: Vec::new(),
                tags: Vec::new(),
                text,
            }
        }
        NoteFormat::Markdown => {
            let parsed = markdown::parse(file, &text, warnings);
            let title = parsed
                .front_matter
                .title
                .clone()
                .or_else(|| parsed.sections.first().map(|s| s.title.to_string()))
                .unwrap_or(stem);
            Note {
                file: file.to_owned(),
                format,
                title,
                front_matter: parsed.front_matter,
                sections: parsed.sections,
                links: parsed.links,
                tags: parsed.tags,
                text,
            }
        }
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

/// A folder walk that follows symbolic links but never enters a folder twice (loops).
struct Walk<'a> {
    root: &'a Path,
    visited: HashSet<PathBuf>,
    /// (full path, relative path, size) of every regular file found.
    files: Vec<(PathBuf, String, u64)>,
    loaded: &'a mut LoadedNotes,
}

impl Walk<'_> {
    fn dir(&mut self, dir: &Path) {
        let canonical = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_owned());
        if !self.visited.insert(canonical) {
            self.loaded.warnings.push(Warning::new(
                relative(self.root, dir),
                None,
                "skipped: folder already visited (symbolic link loop)",
            ));
            return;
        }
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(err) => {
                self.loaded.warnings.push(Warning::new(
                    relative(self.root, dir),
                    None,
                    format!("cannot read folder: {err}"),
                ));
                return;
            }
        };
        let mut entries: Vec<_> = entries.flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let path = entry.path();
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            let Ok(file_type) = entry.file_type() else {
                continue;
            };
            // Follow symbolic links to what they point at.
            let meta = if file_type.is_symlink() {
                match std::fs::metadata(&path) {
                    Ok(meta) => meta,
                    Err(err) => {
                        self.loaded.warnings.push(Warning::new(
                            relative(self.root, &path),
                            None,
                            format!("skipped: broken symbolic link ({err})"),
                        ));
                        continue;
                    }
                }
            } else {
                match entry.metadata() {
                    Ok(meta) => meta,
                    Err(err) => {
                        self.loaded.warnings.push(Warning::new(
                            relative(self.root, &path),
                            None,
                            format!("cannot read: {err}"),
                        ));
                        continue;
                    }
                }
            };
            if meta.is_dir() {
                // `.git`, `.obsidian`, `.trash`: tool folders, not notes.
                if !hidden {
                    self.dir(&path);
                }
            } else if meta.is_file() {
                self.files
                    .push((path.clone(), relative(self.root, &path), meta.len()));
            } else {
                // FIFOs, sockets, devices: never opened (a FIFO would block the load).
                if format_of(&path).is_some() {
                    self.loaded.warnings.push(Warning::new(
                        relative(self.root, &path),
                        None,
                        "skipped: not a regular file",
                    ));
                }
                self.loaded.skipped_files += 1;
            }
        }
    }
}

fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}
