//! What the study store needs to know about the current compile: which ids exist, their labels
//! and categories, and the lines of the notes behind them.

use std::collections::BTreeSet;

use crate::Compiled;
use crate::notes::Note;

use super::model::{MarkTarget, SourceLine, Store, TargetKind};

/// Category given to sections (they have no catalog category).
pub const SECTION_CATEGORY: &str = "Notes";

/// Every id a mark can attach to in `compiled`: entity ids and section ids.
pub fn live_ids(compiled: &Compiled) -> BTreeSet<String> {
    let mut ids: BTreeSet<String> = compiled
        .graph
        .graph
        .node_weights()
        .map(|e| e.id.clone())
        .collect();
    for note in &compiled.notes.notes {
        ids.extend(note.sections.iter().map(|s| note.section_id(s)));
    }
    ids
}

/// The entity or section `id` of `compiled` as something to mark (no sources).
pub fn lookup(compiled: &Compiled, id: &str) -> Option<MarkTarget> {
    if let Some(entity) = compiled.graph.entity(id) {
        return Some(MarkTarget {
            id: id.to_owned(),
            kind: TargetKind::Entity,
            label: entity.label.clone(),
            category: entity.category.to_string(),
            sources: Vec::new(),
        });
    }
    compiled.notes.notes.iter().find_map(|note| {
        let section = note.section_by_id(id)?;
        Some(MarkTarget {
            id: id.to_owned(),
            kind: TargetKind::Section,
            label: section_label(&section.file, &note.heading_path(section), &section.title),
            category: SECTION_CATEGORY.to_owned(),
            sources: Vec::new(),
        })
    })
}

/// `file › Heading › Sub-heading` (a heading equal to the file name is not repeated).
fn section_label(file: &str, heading_path: &[&str], title: &str) -> String {
    let mut parts: Vec<&str> = vec![file];
    parts.extend(
        heading_path
            .iter()
            .copied()
            .filter(|h| !h.is_empty() && *h != file),
    );
    if parts.len() == 1 && !title.is_empty() && title != file {
        parts.push(title);
    }
    parts.join(" › ")
}

/// The text of 1-based `line` of `note`, trimmed (empty when out of range).
pub fn line_text(note: &Note, line: u32) -> String {
    let Some(index) = usize::try_from(line).ok().and_then(|l| l.checked_sub(1)) else {
        return String::new();
    };
    note.text
        .lines()
        .nth(index)
        .map(|l| l.trim().to_owned())
        .unwrap_or_default()
}

/// Up to `limit` lines of the notes behind `id`: for an entity, the lines that mention it; for a
/// section, its heading line. Sorted by file and line, without duplicates.
pub fn source_lines(compiled: &Compiled, id: &str, limit: usize) -> Vec<SourceLine> {
    let mut out: BTreeSet<SourceLine> = BTreeSet::new();
    let marked = compiled.section_by_id(id).map(|(_, s)| s);
    for (note, section, facts) in compiled.iter_sections() {
        if marked.is_some_and(|m| std::ptr::eq(m, section)) {
            out.insert(SourceLine {
                file: note.file.clone(),
                line: section.line_start,
                text: line_text(note, section.line_start),
            });
        }
        // Lines are counted only in sections that mention it.
        let mut lines = None;
        for m in facts.mentions.iter().filter(|m| m.entity_id() == id) {
            let line = lines
                .get_or_insert_with(|| note.line_counter(section))
                .line_at(m.byte_start());
            out.insert(SourceLine {
                file: note.file.clone(),
                line,
                text: line_text(note, line),
            });
        }
    }
    out.into_iter().take(limit).collect()
}

/// Brings the stored labels and categories of `store`'s marks up to date with `compiled` and
/// records which marks are orphaned (see [`Store::reconcile`]).
pub fn sync_with(
    store: &mut Store,
    compiled: &Compiled,
    now: super::time::Timestamp,
) -> super::model::Attachment {
    let ids = live_ids(compiled);
    for mark in store.marks.values_mut() {
        if let Some(target) = lookup(compiled, &mark.id) {
            mark.label = target.label;
            mark.category = target.category;
            mark.kind = target.kind;
        }
    }
    store.reconcile(&ids, now)
}

/// What `text` names in `compiled`: an entity or section id, else a catalog name, alias or
/// abbreviation (`beanstalk`, `EB`), else an entity label (any case).
pub fn resolve(
    compiled: &Compiled,
    catalog: &crate::catalog::Catalog,
    text: &str,
) -> Option<MarkTarget> {
    let text = text.trim();
    if let Some(target) = lookup(compiled, text) {
        return Some(target);
    }
    if let Some(entry) = catalog.resolve(text)
        && let Some(target) = lookup(compiled, &entry.id)
    {
        return Some(target);
    }
    let mut by_label: Vec<&crate::graph::Entity> = compiled
        .graph
        .graph
        .node_weights()
        .filter(|e| e.label.eq_ignore_ascii_case(text))
        .collect();
    by_label.sort_by(|a, b| a.id.cmp(&b.id));
    by_label.first().and_then(|e| lookup(compiled, &e.id))
}
