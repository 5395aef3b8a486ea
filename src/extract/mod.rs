//! Extraction: mentions of catalog entities in every section, relations between entities from the
//! wording of the notes, and the author's markers (important / unsure).
//!
//! Owns: turning [`crate::notes::LoadedNotes`] + [`crate::catalog::Catalog`] into a
//! [`crate::graph::KnowledgeGraph`] and per-section facts. Leaves reading files to `notes`.

use serde::{Deserialize, Serialize};

use crate::catalog::Catalog;
use crate::graph::KnowledgeGraph;
use crate::notes::{LoadedNotes, Warning};

/// A mention of an entity in a section.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    pub entity_id: String,
    /// 1-based line in the note.
    pub line: u32,
    /// Byte range in the note's text.
    pub byte_start: usize,
    pub byte_end: usize,
}

/// What a marker says about a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MarkerKind {
    /// The author flags it (`IMPORTANT`, `EXAM PERSPECTIVE`, `!!!`).
    Important,
    /// The author is unsure (`I think`, `not sure`, `check before exam`).
    Uncertain,
}

impl MarkerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MarkerKind::Important => "important",
            MarkerKind::Uncertain => "uncertain",
        }
    }
}

/// A line the author marked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Marker {
    pub kind: MarkerKind,
    /// 1-based line.
    pub line: u32,
    /// The line, trimmed.
    pub text: String,
}

/// What extraction found in one section.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionFacts {
    /// Index into [`LoadedNotes::notes`].
    pub note: usize,
    /// Index into that note's `sections`.
    pub section: usize,
    pub mentions: Vec<Mention>,
    pub markers: Vec<Marker>,
}

impl SectionFacts {
    /// Distinct entity ids mentioned, sorted.
    pub fn entity_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.mentions.iter().map(|m| m.entity_id.clone()).collect();
        ids.sort();
        ids.dedup();
        ids
    }
}

/// The result of extraction.
#[derive(Clone, Debug, Default)]
pub struct Extraction {
    pub graph: KnowledgeGraph,
    /// One entry per section of every note, in note order then section order.
    pub sections: Vec<SectionFacts>,
    pub warnings: Vec<Warning>,
}

/// Extracts entities, relations and markers from loaded notes.
// TODO(extract): mentions, relations, markers.
pub fn extract(notes: &LoadedNotes, _catalog: &Catalog) -> Extraction {
    let mut sections = Vec::new();
    for (note_ix, note) in notes.notes.iter().enumerate() {
        for section_ix in 0..note.sections.len() {
            sections.push(SectionFacts {
                note: note_ix,
                section: section_ix,
                ..SectionFacts::default()
            });
        }
    }
    Extraction {
        graph: KnowledgeGraph::new(),
        sections,
        warnings: Vec::new(),
    }
}
