//! Coverage against an exam: which services and concepts in the exam's scope (the catalog says
//! which exam guides list each entry) the notes never mention.

use std::collections::BTreeSet;

use crate::Compiled;
use crate::catalog::{Catalog, EntryKind, Exam};

/// An in-scope catalog entry the notes never mention.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gap {
    /// Catalog id (also the entity id it would have in the graph).
    pub id: String,
    /// Canonical name.
    pub name: String,
    pub kind: EntryKind,
    pub category: String,
}

/// How much of an exam's scope the notes cover.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Coverage {
    pub exam: Exam,
    /// In-scope services and concepts (tools are not counted).
    pub in_scope: usize,
    /// Ids of in-scope entries the notes mention (sorted).
    pub covered: Vec<String>,
    /// In-scope entries never mentioned, sorted by category, then name.
    pub gaps: Vec<Gap>,
}

impl Coverage {
    /// Covered share of the scope, 0–1 (1 when the scope is empty).
    pub fn ratio(&self) -> f64 {
        if self.in_scope == 0 {
            1.0
        } else {
            self.covered.len() as f64 / self.in_scope as f64
        }
    }
}

/// Parses an exam code: `DOP`, `dop`, `DOP-C02`, `SAA-C03`, …
pub fn parse_exam(text: &str) -> Option<Exam> {
    let code = text.trim().split('-').next().unwrap_or("");
    Exam::ALL
        .into_iter()
        .find(|e| format!("{e:?}").eq_ignore_ascii_case(code))
}

/// Ids the notes mention: entities with mentions, and every id in a section's mentions.
fn mentioned_ids(compiled: &Compiled) -> BTreeSet<&str> {
    let mut ids: BTreeSet<&str> = compiled
        .graph
        .graph
        .node_weights()
        .filter(|e| e.mentions > 0)
        .map(|e| e.id.as_str())
        .collect();
    for facts in &compiled.sections {
        ids.extend(facts.mentions.iter().map(|m| m.entity_id()));
    }
    ids
}

/// The coverage of `exam` by `compiled` according to `catalog`.
pub fn coverage(catalog: &Catalog, compiled: &Compiled, exam: Exam) -> Coverage {
    let mentioned = mentioned_ids(compiled);
    let mut covered = Vec::new();
    let mut gaps = Vec::new();
    let mut in_scope = 0;
    for entry in &catalog.entries {
        if entry.kind == EntryKind::Tool || !entry.exams.contains(&exam) {
            continue;
        }
        in_scope += 1;
        if mentioned.contains(entry.id.as_str()) {
            covered.push(entry.id.clone());
        } else {
            gaps.push(Gap {
                id: entry.id.clone(),
                name: entry.name.clone(),
                kind: entry.kind,
                category: entry.category.clone(),
            });
        }
    }
    covered.sort();
    gaps.sort_by(|a, b| (&a.category, &a.name, &a.id).cmp(&(&b.category, &b.name, &b.id)));
    Coverage {
        exam,
        in_scope,
        covered,
        gaps,
    }
}
