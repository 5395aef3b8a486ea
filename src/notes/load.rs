//! Walking a notes file or folder and decoding each file.

use std::path::{Path, PathBuf};

use super::{Note, NoteFormat, Section, Warning, markdown, plain};

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

/// Loads a notes file or a folder (recursively).
pub fn load(path: &Path, options: &LoadOptions) -> Result<LoadedNotes, LoadError> {
    let meta = std::fs::metadata(path).map_err(|source| LoadError::Root {
        path: path.to_owned(),
        source,
    })?;
    let mut loaded = LoadedNotes {
        root: Some(path.to_owned()),
        ..LoadedNotes::default()
    };
    let mut files = Vec::new();
    if meta.is_dir() {
        collect_files(path, path, &mut files, &mut loaded);
    } else {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        files.push((path.to_owned(), name));
    }
    files.sort_by(|a, b| a.1.cmp(&b.1));
    for (full, rel) in files {
        let Some(format) = format_of(&full) else {
            loaded.skipped_files += 1;
            continue;
        };
        match std::fs::metadata(&full) {
            Ok(m) if m.len() > options.max_file_bytes => {
                loaded.warnings.push(Warning::new(
                    rel,
                    None,
                    format!("skipped: {} bytes is over the limit", m.len()),
                ));
                continue;
            }
            _ => {}
        }
        let bytes = match std::fs::read(&full) {
            Ok(bytes) => bytes,
            Err(err) => {
                loaded
                    .warnings
                    .push(Warning::new(rel, None, format!("cannot read: {err}")));
                continue;
            }
        };
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(err) => {
                let bytes = err.into_bytes();
                let line = first_bad_utf8_line(&bytes);
                loaded.warnings.push(Warning::new(
                    rel.clone(),
                    Some(line),
                    "invalid UTF-8, decoded with replacement characters",
                ));
                String::from_utf8_lossy(&bytes).into_owned()
            }
        };
        let note = parse_note(&rel, format, text, &mut loaded.warnings);
        loaded.notes.push(note);
    }
    Ok(loaded)
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
                .or_else(|| parsed.sections.first().map(|s| s.title.clone()))
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

fn collect_files(
    root: &Path,
    dir: &Path,
    out: &mut Vec<(PathBuf, String)>,
    loaded: &mut LoadedNotes,
) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            loaded.warnings.push(Warning::new(
                relative(root, dir),
                None,
                format!("cannot read folder: {err}"),
            ));
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(file_type) = entry.file_type() else {
            continue;
        };
        if file_type.is_dir() {
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            if !hidden {
                collect_files(root, &path, out, loaded);
            }
        } else if file_type.is_file() {
            out.push((path.clone(), relative(root, &path)));
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

fn first_bad_utf8_line(bytes: &[u8]) -> u32 {
    let bad_at = std::str::from_utf8(bytes)
        .err()
        .map_or(0, |err| err.valid_up_to());
    let newlines = bytes[..bad_at].iter().filter(|&&b| b == b'\n').count();
    u32::try_from(newlines + 1).unwrap_or(u32::MAX)
}

/// One section spanning a whole file (used until a parser finds headings).
pub(crate) fn whole_file_section(file: &str, text: &str) -> Vec<Section> {
    let lines = u32::try_from(text.lines().count().max(1)).unwrap_or(u32::MAX);
    vec![Section {
        id: format!("{file}#"),
        file: file.to_owned(),
        title: file.to_owned(),
        heading_path: vec![file.to_owned()],
        level: 0,
        line_start: 1,
        line_end: lines,
        byte_start: 0,
        byte_end: text.len(),
    }]
}
