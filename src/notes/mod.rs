//! Reading notes: a single file or a folder, plain-text outlines and Markdown, into [`Note`]s made
//! of [`Section`]s with 1-based line ranges.
//!
//! Owns: walking the folder, decoding bytes, splitting into sections, Markdown front matter,
//! `[[wikilinks]]` and `#tags`. Leaves entity mentions, relations and markers to [`crate::extract`].
//!
//! Never writes into the notes folder. One bad note never stops a load: every problem becomes a
//! [`Warning`] naming the file and, where there is one, the line.

mod load;
mod markdown;
mod outline;
mod plain;

pub use self::load::{
    LoadError, LoadOptions, LoadProgress, LoadedNotes, load, load_builtin, load_with_progress,
    parse_note,
};

use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// How a note is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NoteFormat {
    /// A plain-text outline (`.txt`).
    Plain,
    /// Markdown (`.md`, `.markdown`).
    Markdown,
}

/// A problem found while reading or compiling notes. Never fatal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// The note's path relative to the notes root (`/` separators); empty when not about a file.
    pub file: String,
    /// 1-based line, when the problem has one.
    pub line: Option<u32>,
    /// What went wrong, for a person.
    pub message: String,
}

impl Warning {
    pub fn new(file: impl Into<String>, line: Option<u32>, message: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            line,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file, line, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// A `[[wikilink]]` in a Markdown note.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WikiLink {
    /// The link target as written, without heading or alias: `note` in `[[note#h|shown]]`.
    pub target: String,
    /// The heading part, if any: `h` in `[[note#h]]`.
    pub heading: Option<String>,
    /// The shown text, if any: `shown` in `[[note|shown]]`.
    pub alias: Option<String>,
    /// 1-based line of the link.
    pub line: u32,
    /// `true` for an embed (`![[x.png]]`).
    pub embed: bool,
}

/// Markdown front matter that cloudatlas understands.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub aliases: Vec<String>,
    pub tags: Vec<String>,
}

/// One section of a note: a heading (or an outline heading line) and the lines under it up to the
/// next heading of the same or a higher level.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    /// The note's path relative to the notes root (shared by every section of the note).
    pub file: Arc<str>,
    /// The heading text, cleaned of decoration (`CodeDeploy -` → `CodeDeploy`).
    pub title: Arc<str>,
    /// Index in the note's `sections` of the enclosing section (always an earlier one); `None`
    /// at the top. [`Note::heading_path`] gives the titles.
    pub parent: Option<u32>,
    /// 1 for a top-level heading, 2 for a sub-heading, and so on; 0 for text before any heading.
    pub level: u8,
    /// Which section of its note with the same heading path this is: 1 for the first, `N` for
    /// the N-th, whose id ends in `~N` (see [`section_id`]).
    pub repeat: u32,
    /// 1-based first line (the heading line).
    pub line_start: u32,
    /// 1-based last line, inclusive. Sections of the same level never overlap.
    pub line_end: u32,
    /// Byte range of the section in [`Note::text`], `line_start..=line_end` (u32: the loader caps
    /// a note's size far below 4 GiB, and a note of many headings holds one per heading).
    pub byte_start: u32,
    pub byte_end: u32,
}

impl Section {
    /// [`Section::byte_start`]`..`[`Section::byte_end`] as a range of the note's text.
    pub fn byte_range(&self) -> std::ops::Range<usize> {
        self.byte_start as usize..self.byte_end as usize
    }
}

/// The content-derived id of `section` (one of `sections`, its note's):
/// `file#slug/of/heading/path`, with `~N` appended to the N-th section of a note with the same
/// path; `file#` for the text before the first heading. Stable across a recompile and edits
/// elsewhere. Made when asked (a note of many headings would hold one path-long string per
/// heading): from the titles of the section and its parents.
pub fn section_id(sections: &[Section], section: &Section) -> String {
    use std::fmt::Write as _;
    let mut id = String::with_capacity(section.file.len() + 1 + 2 * section.title.len());
    id.push_str(&section.file);
    id.push('#');
    if section.level > 0 {
        for (i, title) in heading_path(sections, section).into_iter().enumerate() {
            if i > 0 {
                id.push('/');
            }
            id.push_str(&crate::util::slug(title));
        }
    }
    if section.repeat > 1 {
        let _ = write!(id, "~{}", section.repeat);
    }
    id
}

/// Titles of the enclosing sections of `section` among `sections` (its note's), outermost
/// first, then its own.
pub fn heading_path<'a>(sections: &'a [Section], section: &'a Section) -> Vec<&'a str> {
    let mut path = vec![&*section.title];
    let mut next = section.parent;
    // Parents come before their children: each step goes to a lower index, so this ends.
    let mut below = sections.len();
    while let Some(ix) = next.map(|p| p as usize).filter(|&p| p < below) {
        let Some(parent) = sections.get(ix) else {
            break;
        };
        path.push(&*parent.title);
        next = parent.parent;
        below = ix;
    }
    path.reverse();
    path
}

/// One note file, decoded and split into sections.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Note {
    /// Path relative to the notes root (`/` separators); the file name for a single-file load.
    pub file: String,
    pub format: NoteFormat,
    /// The decoded text (invalid UTF-8 replaced, CRLF kept as it was read).
    pub text: String,
    /// Title: front matter `title`, else the first heading, else the file stem.
    pub title: String,
    pub front_matter: FrontMatter,
    /// Sections in order of `line_start`; nested sections follow their parent.
    pub sections: Vec<Section>,
    pub links: Vec<WikiLink>,
    /// `#tags` in the body and front matter, without `#`.
    pub tags: Vec<String>,
}

impl Note {
    /// Titles of the enclosing sections of `section` (one of this note's), outermost first,
    /// then its own.
    pub fn heading_path<'a>(&'a self, section: &'a Section) -> Vec<&'a str> {
        heading_path(&self.sections, section)
    }

    /// The id of `section`, one of this note's ([`section_id`]).
    pub fn section_id(&self, section: &Section) -> String {
        section_id(&self.sections, section)
    }

    /// The section of this note with id `id`.
    pub fn section_by_id(&self, id: &str) -> Option<&Section> {
        self.sections.get(self.section_index(id)?)
    }

    /// The index in [`Note::sections`] of the section with id `id`.
    pub fn section_index(&self, id: &str) -> Option<usize> {
        let rest = id.strip_prefix(self.file.as_str())?.strip_prefix('#')?;
        // The path's last title is the section's own: skip the others without making an id.
        let own = rest.rsplit('/').next().unwrap_or(rest);
        let own = own.split_once('~').map_or(own, |(slug, _)| slug);
        self.sections.iter().position(|s| {
            (s.level == 0 || crate::util::slug(&s.title) == own) && self.section_id(s) == id
        })
    }

    /// The text of a section of this note.
    pub fn section_text(&self, section: &Section) -> &str {
        self.text.get(section.byte_range()).unwrap_or("")
    }

    /// Lines of byte offsets in this note, counted from the start of `section` (one of this
    /// note's).
    pub fn line_counter(&self, section: &Section) -> LineCounter<'_> {
        LineCounter::new(&self.text, section.byte_start as usize, section.line_start)
    }
}

/// The 1-based line of byte offsets in a text, counted from a known place: each question
/// counts the line breaks between the last offset asked and this one (either way), so offsets
/// asked in order cost one pass over the text between them. Mentions keep no line: this gives
/// it.
#[derive(Clone, Debug)]
pub struct LineCounter<'t> {
    text: &'t [u8],
    at: usize,
    line: u32,
}

impl<'t> LineCounter<'t> {
    /// `at` is the start of line `line` in `text` (a section's `byte_start` and `line_start`).
    pub fn new(text: &'t str, at: usize, line: u32) -> Self {
        Self {
            text: text.as_bytes(),
            at: at.min(text.len()),
            line,
        }
    }

    /// The line that holds byte `byte` (offsets past the end count to the end).
    pub fn line_at(&mut self, byte: usize) -> u32 {
        let byte = byte.min(self.text.len());
        let breaks = |from: usize, to: usize| {
            let n = memchr::memchr_iter(b'\n', self.text.get(from..to).unwrap_or(&[])).count();
            u32::try_from(n).unwrap_or(u32::MAX)
        };
        if byte >= self.at {
            self.line = self.line.saturating_add(breaks(self.at, byte));
        } else {
            self.line = self.line.saturating_sub(breaks(byte, self.at));
        }
        self.at = byte;
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::{LineCounter, NoteFormat, Section, parse_note};

    #[test]
    fn section_ids_are_made_from_heading_paths_and_found_again() {
        let text = "intro\n# S3\n## Versioning\ntext\n## Versioning\nmore\n# S3\n# ---\n## Ünïcode Title\n";
        let note = parse_note(
            "dir/a#b.md",
            NoteFormat::Markdown,
            text.to_owned(),
            &mut Vec::new(),
        );
        let ids: Vec<String> = note.sections.iter().map(|s| note.section_id(s)).collect();
        assert_eq!(
            ids,
            [
                "dir/a#b.md#",
                "dir/a#b.md#s3",
                "dir/a#b.md#s3/versioning",
                "dir/a#b.md#s3/versioning~2",
                "dir/a#b.md#s3~2",
                "dir/a#b.md#~2",
                "dir/a#b.md#/ünïcode-title",
            ]
        );
        for (section, id) in note.sections.iter().zip(&ids) {
            assert!(
                std::ptr::eq(note.section_by_id(id).unwrap(), section),
                "{id}"
            );
        }
        assert!(note.section_by_id("dir/a#b.md#s3/versioning~3").is_none());
        assert!(note.section_by_id("other.md#s3").is_none());
        // Ids are not stored: a note of many headings holds no path-long string per heading.
        assert!(std::mem::size_of::<Section>() <= 64);
    }

    #[test]
    fn line_counter_answers_offsets_in_any_order() {
        let text = "ab\ncd\n\nef";
        // Line 2 starts at byte 3.
        let mut lines = LineCounter::new(text, 3, 2);
        assert_eq!(lines.line_at(3), 2);
        assert_eq!(lines.line_at(4), 2);
        assert_eq!(lines.line_at(6), 3);
        assert_eq!(lines.line_at(8), 4);
        assert_eq!(lines.line_at(5), 2);
        assert_eq!(lines.line_at(3), 2);
        assert_eq!(lines.line_at(usize::MAX), 4);
        // Asked before its starting place, it counts back.
        let mut lines = LineCounter::new(text, 7, 4);
        assert_eq!(lines.line_at(0), 1);
    }
}
