//! Exporting weak topics: an Anki import file and a Markdown checklist.
//!
//! Anki: a tab-separated text file with Anki's file headers (`#separator:tab`, `#html:false`,
//! `#tags column:3`), one note per topic: front = the topic, back = the student's note and the
//! source lines (`file:line: text`), tags = `cloudatlas`, the level and the category. Fields that
//! hold a tab, a line break or a double quote are quoted CSV-style (`"` doubled), which Anki's
//! importer reads back as one field.

use std::fmt::Write as _;

use crate::Compiled;

use super::model::{Level, Mark, SourceLine, Store};
use super::time::Timestamp;
use super::topics::source_lines;

/// Source lines shown per topic when the mark has none of its own.
pub const SOURCE_LINES_PER_TOPIC: usize = 3;

/// Export formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// Anki's tab-separated import format.
    Anki,
    /// A Markdown checklist.
    Markdown,
}

impl ExportFormat {
    /// Parses `anki` or `markdown` / `md`.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "anki" | "tsv" => Some(Self::Anki),
            "markdown" | "md" => Some(Self::Markdown),
            _ => None,
        }
    }
}

/// The lines behind a mark: its own sources, else lines of the current compile that mention it.
pub fn mark_sources(mark: &Mark, compiled: Option<&Compiled>) -> Vec<SourceLine> {
    if !mark.sources.is_empty() {
        return mark.sources.clone();
    }
    compiled.map_or_else(Vec::new, |c| {
        source_lines(c, &mark.id, SOURCE_LINES_PER_TOPIC)
    })
}

/// An Anki tag: no spaces.
fn tag(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join("_")
}

/// One field of a tab-separated Anki row.
fn anki_field(text: &str) -> String {
    if text.contains(['\t', '\n', '\r', '"']) || text.starts_with('#') {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// The marks in export order: level (weakest first), then label, then id.
fn export_order(store: &Store) -> Vec<&Mark> {
    let mut marks: Vec<&Mark> = store.marks.values().collect();
    marks.sort_by(|a, b| {
        (a.level, a.display_label(), &a.id).cmp(&(b.level, b.display_label(), &b.id))
    });
    marks
}

/// The Anki import file for every mark of `store`.
pub fn to_anki(store: &Store, compiled: Option<&Compiled>) -> String {
    let mut out = String::from("#separator:tab\n#html:false\n#tags column:3\n");
    for mark in export_order(store) {
        let mut back = mark.note.trim().to_owned();
        let sources = mark_sources(mark, compiled);
        if !sources.is_empty() {
            if !back.is_empty() {
                back.push_str("\n\n");
            }
            let lines: Vec<String> = sources.iter().map(ToString::to_string).collect();
            back.push_str(&lines.join("\n"));
        }
        if back.is_empty() {
            back = format!("({} topic, no note yet)", mark.level);
        }
        let mut tags = vec!["cloudatlas".to_owned(), format!("level::{}", mark.level)];
        if !mark.category.is_empty() {
            tags.push(format!("category::{}", tag(&mark.category)));
        }
        let _ = writeln!(
            out,
            "{}\t{}\t{}",
            anki_field(mark.display_label()),
            anki_field(&back),
            tags.join(" ")
        );
    }
    out
}

/// A Markdown checklist of every mark of `store`, grouped by level; solid topics are ticked.
pub fn to_markdown(store: &Store, compiled: Option<&Compiled>, now: Timestamp) -> String {
    let mut out = String::from("# Weak topics\n\n");
    let counts = store.level_counts();
    let _ = writeln!(
        out,
        "Exported by cloudatlas on {}: {} topics, {} due.\n",
        now.display_string(),
        store.marks.len(),
        store.due_count(now)
    );
    let marks = export_order(store);
    for level in Level::ALL {
        let in_level: Vec<&&Mark> = marks.iter().filter(|m| m.level == level).collect();
        if in_level.is_empty() {
            continue;
        }
        let mut title = level.as_str().to_owned();
        title[..1].make_ascii_uppercase();
        let _ = writeln!(
            out,
            "## {title} ({})\n",
            counts.get(&level).copied().unwrap_or(0)
        );
        for mark in in_level {
            let tick = if level == Level::Solid { "x" } else { " " };
            let mut line = format!(
                "- [{tick}] **{}**",
                mark.display_label().replace('*', "\\*")
            );
            if !mark.category.is_empty() {
                let _ = write!(line, " ({})", mark.category);
            }
            let _ = write!(line, " · due {}", mark.due.date_string());
            if let Some(since) = mark.orphaned_since {
                let _ = write!(
                    line,
                    " · orphaned: not in the notes since {}",
                    since.date_string()
                );
            }
            if !mark.note.trim().is_empty() {
                let _ = write!(line, " — {}", mark.note.trim().replace('\n', " "));
            }
            let _ = writeln!(out, "{line}");
            for source in mark_sources(mark, compiled) {
                let _ = writeln!(
                    out,
                    "  - `{}:{}` {}",
                    source.file,
                    source.line,
                    source.text.replace('`', "'")
                );
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_when_needed() {
        assert_eq!(anki_field("plain"), "plain");
        assert_eq!(anki_field("a\tb"), "\"a\tb\"");
        assert_eq!(anki_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(anki_field("#tag"), "\"#tag\"");
        assert_eq!(tag("Developer Tools"), "Developer_Tools");
    }
}
