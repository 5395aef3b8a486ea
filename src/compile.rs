//! The headless pipeline: load notes, extract, build the graph. The CLI, the tests, the benchmarks
//! and the window all call [`compile`].

use std::path::Path;
use std::time::{Duration, Instant};

use crate::catalog::Catalog;
use crate::extract::{self, SectionFacts};
use crate::graph::{
    EvidenceJson, GraphJson, KnowledgeGraph, LinkJson, MarkerJson, NodeJson, SectionJson,
};
use crate::notes::{
    self, LoadError, LoadOptions, LoadProgress, LoadedNotes, Note, Section, Warning,
};

/// A compiled notes collection.
#[derive(Clone, Debug, Default)]
pub struct Compiled {
    pub notes: LoadedNotes,
    pub graph: KnowledgeGraph,
    /// One entry per section of every note (note order, then section order).
    pub sections: Vec<SectionFacts>,
    /// Load and extraction warnings together.
    pub warnings: Vec<Warning>,
    /// Time taken by the whole compile.
    pub elapsed: Duration,
}

impl Compiled {
    /// The note and section behind a [`SectionFacts`].
    pub fn section(&self, facts: &SectionFacts) -> Option<(&Note, &Section)> {
        let note = self.notes.notes.get(facts.note as usize)?;
        let section = note.sections.get(facts.section as usize)?;
        Some((note, section))
    }

    /// The note and section with section id `id` (see [`crate::notes::section_id`]).
    pub fn section_by_id(&self, id: &str) -> Option<(&Note, &Section)> {
        self.notes
            .notes
            .iter()
            .find_map(|note| note.section_by_id(id).map(|s| (note, s)))
    }

    /// The facts of the section with id `id`.
    pub fn facts_by_id(&self, id: &str) -> Option<&SectionFacts> {
        let (n, s) = (self.notes.notes.iter().enumerate())
            .find_map(|(n, note)| Some((n, note.section_index(id)?)))?;
        let key = (u32::try_from(n).ok()?, u32::try_from(s).ok()?);
        // In note order, then section order.
        match self
            .sections
            .binary_search_by_key(&key, |f| (f.note, f.section))
        {
            Ok(i) => self.sections.get(i),
            Err(_) => self.sections.iter().find(|f| (f.note, f.section) == key),
        }
    }

    /// Iterates over every section with its note and facts.
    pub fn iter_sections(&self) -> impl Iterator<Item = (&Note, &Section, &SectionFacts)> {
        self.sections
            .iter()
            .filter_map(|facts| self.section(facts).map(|(n, s)| (n, s, facts)))
    }

    /// The node-link JSON of this compile; with `with_text`, each section carries its text.
    pub fn to_json(&self, with_text: bool) -> GraphJson {
        let nodes = self
            .graph
            .entities_sorted()
            .into_iter()
            .map(|e| NodeJson {
                id: e.id.clone(),
                label: e.label.clone(),
                kind: e.kind.as_str().to_owned(),
                category: e.category.to_string(),
                aliases: e.aliases.clone(),
                mentions: e.mentions,
            })
            .collect();
        let g = &self.graph.graph;
        let mut links: Vec<LinkJson> = g
            .edge_indices()
            .filter_map(|edge| {
                let (a, b) = g.edge_endpoints(edge)?;
                let rel = g.edge_weight(edge)?;
                Some(LinkJson {
                    source: g.node_weight(a)?.id.clone(),
                    target: g.node_weight(b)?.id.clone(),
                    kind: rel.kind.as_str().to_owned(),
                    weight: rel.weight,
                    evidence: rel
                        .evidence
                        .iter()
                        .map(|ev| EvidenceJson {
                            file: ev.file.to_string(),
                            line: ev.line,
                        })
                        .collect(),
                })
            })
            .collect();
        links.sort_by(|a, b| (&a.source, &a.target, &a.kind).cmp(&(&b.source, &b.target, &b.kind)));
        let sections = self
            .iter_sections()
            .map(|(note, section, facts)| SectionJson {
                id: note.section_id(section),
                file: section.file.to_string(),
                title: section.title.to_string(),
                level: section.level,
                line_start: section.line_start,
                line_end: section.line_end,
                mentions: facts.entity_ids(),
                markers: facts
                    .markers
                    .iter()
                    .map(|m| MarkerJson {
                        kind: m.kind.as_str().to_owned(),
                        line: m.line,
                        text: m.text.clone(),
                        entities: m.entities.clone(),
                    })
                    .collect(),
                text: with_text.then(|| note.section_text(section).to_owned()),
            })
            .collect();
        GraphJson {
            nodes,
            links,
            sections,
            warnings: self.warnings.clone(),
        }
    }
}

/// Compiles a notes file or folder.
pub fn compile(path: &Path) -> Result<Compiled, LoadError> {
    compile_with_progress(path, &mut |_| {})
}

/// [`compile`], calling `progress` after each note file is read and parsed (for a progress
/// display; extraction follows the last call).
pub fn compile_with_progress(
    path: &Path,
    progress: &mut dyn FnMut(LoadProgress<'_>),
) -> Result<Compiled, LoadError> {
    let start = Instant::now();
    let loaded = notes::load_with_progress(path, &LoadOptions::default(), progress)?;
    Ok(compile_loaded(loaded, Catalog::builtin(), start))
}

/// Compiles the built-in sample notes.
pub fn compile_builtin() -> Compiled {
    let start = Instant::now();
    compile_loaded(notes::load_builtin(), Catalog::builtin(), start)
}

/// Compiles notes that are already loaded.
pub fn compile_loaded(loaded: LoadedNotes, catalog: &Catalog, start: Instant) -> Compiled {
    let mut extraction = extract::extract(&loaded, catalog);
    crate::vault::apply(&loaded, &mut extraction.graph, &mut extraction.warnings); // vault (issue 7): note/tag nodes, links, pictures
    let mut warnings = loaded.warnings.clone();
    warnings.extend(extraction.warnings);
    Compiled {
        notes: loaded,
        graph: extraction.graph,
        sections: extraction.sections,
        warnings,
        elapsed: start.elapsed(),
    }
}
