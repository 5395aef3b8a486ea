//! Suggested weak topics: what the author's own markers point at.
//!
//! A line the author marked as uncertain ("I think", "not sure", "check before exam") or important
//! suggests the topic it is about:
//! 0. the entities extraction attached to the marker (`Marker::entities`: those the line names,
//!    else the section's subject);
//! 1. else the entities mentioned on that very line;
//! 2. else the entities mentioned on the heading line of the section holding it;
//! 3. else the innermost section holding it.
//!
//! Each suggestion lists the lines that caused it. Topics already marked, and suggestions the
//! student dismissed (remembered in the store), are not offered. An uncertain line suggests
//! [`Level::Weak`]; important lines alone suggest [`Level::Shaky`].

use std::collections::{BTreeMap, BTreeSet};

use crate::Compiled;
use crate::extract::{MarkerKind, Mention};

use super::model::{Level, MarkTarget, SourceLine, Store, TargetKind};
use super::time::Timestamp;
use super::topics::{SECTION_CATEGORY, lookup};

/// Why a topic is suggested: one marked line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SuggestionReason {
    /// The line.
    pub source: SourceLine,
    /// What the marker says.
    pub kind: MarkerKind,
}

impl Ord for SuggestionReason {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (&self.source, self.kind.as_str()).cmp(&(&other.source, other.kind.as_str()))
    }
}

impl PartialOrd for SuggestionReason {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// A suggested weak topic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    /// Entity or section id.
    pub id: String,
    pub kind: TargetKind,
    pub label: String,
    pub category: String,
    /// The level the suggestion proposes.
    pub level: Level,
    /// The marked lines behind it, sorted by file and line.
    pub reasons: Vec<SuggestionReason>,
}

impl Suggestion {
    /// What to mark when the suggestion is accepted (with its lines as sources).
    pub fn target(&self) -> MarkTarget {
        MarkTarget {
            id: self.id.clone(),
            kind: self.kind,
            label: self.label.clone(),
            category: self.category.clone(),
            sources: self.reasons.iter().map(|r| r.source.clone()).collect(),
        }
    }

    /// How many of the lines are uncertain markers.
    pub fn uncertain_count(&self) -> usize {
        self.reasons
            .iter()
            .filter(|r| r.kind == MarkerKind::Uncertain)
            .count()
    }
}

/// Every suggestion for `compiled`, minus marked and dismissed ids. Sorted: weak before shaky,
/// then more reasons first, then by label and id.
pub fn suggestions(compiled: &Compiled, store: &Store) -> Vec<Suggestion> {
    let mut reasons: BTreeMap<String, BTreeSet<SuggestionReason>> = BTreeMap::new();
    // (file, line) of a marker with no entity → (line_start, section id) of the innermost section.
    let mut section_fallback: BTreeMap<(String, u32), (u32, String, SuggestionReason)> =
        BTreeMap::new();

    for (note, section, facts) in compiled.iter_sections() {
        // Mentions keep no line: count them once per section that has markers.
        let lines: Vec<(Mention, u32)> = if facts.markers.is_empty() {
            Vec::new()
        } else {
            facts.mentions_with_lines(note, section).collect()
        };
        let on = |line: u32| {
            lines
                .iter()
                .filter(move |&&(_, l)| l == line)
                .map(|(m, _)| m.entity_id())
        };
        for marker in &facts.markers {
            let reason = SuggestionReason {
                source: SourceLine {
                    file: note.file.clone(),
                    line: marker.line,
                    text: marker.text.clone(),
                },
                kind: marker.kind,
            };
            // Extraction's own answer (the entities the line names, else the section's
            // subject) comes first; the rules below cover facts without it.
            let named: BTreeSet<&str> = marker.entities.iter().map(String::as_str).collect();
            let on_line: BTreeSet<&str> = on(marker.line).collect();
            let chosen = if !named.is_empty() {
                named
            } else if on_line.is_empty() {
                on(section.line_start).collect()
            } else {
                on_line
            };
            if chosen.is_empty() {
                let key = (note.file.clone(), marker.line);
                let innermost = section_fallback
                    .get(&key)
                    .is_none_or(|(start, ..)| section.line_start >= *start);
                if innermost {
                    section_fallback
                        .insert(key, (section.line_start, note.section_id(section), reason));
                }
            } else {
                for id in chosen {
                    reasons
                        .entry(id.to_owned())
                        .or_default()
                        .insert(reason.clone());
                }
            }
        }
    }
    for (_, (_, id, reason)) in section_fallback {
        reasons.entry(id).or_default().insert(reason);
    }

    let mut out: Vec<Suggestion> = reasons
        .into_iter()
        .filter(|(id, _)| !store.marks.contains_key(id) && !store.is_dismissed(id))
        .map(|(id, reasons)| {
            let target = lookup(compiled, &id).unwrap_or_else(|| MarkTarget {
                id: id.clone(),
                kind: if id.contains('#') {
                    TargetKind::Section
                } else {
                    TargetKind::Entity
                },
                label: id.clone(),
                category: SECTION_CATEGORY.to_owned(),
                sources: Vec::new(),
            });
            let reasons: Vec<SuggestionReason> = reasons.into_iter().collect();
            let level = if reasons.iter().any(|r| r.kind == MarkerKind::Uncertain) {
                Level::Weak
            } else {
                Level::Shaky
            };
            Suggestion {
                id,
                kind: target.kind,
                label: target.label,
                category: target.category,
                level,
                reasons,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        (a.level, std::cmp::Reverse(a.reasons.len()), &a.label, &a.id).cmp(&(
            b.level,
            std::cmp::Reverse(b.reasons.len()),
            &b.label,
            &b.id,
        ))
    });
    out
}

/// Accepts a suggestion: marks its topic at the suggested level with its lines as sources.
pub fn accept(store: &mut Store, suggestion: &Suggestion, now: Timestamp) {
    store.mark(suggestion.target(), suggestion.level, "", now);
}

/// Dismisses a suggestion; it is not offered again.
pub fn dismiss(store: &mut Store, suggestion: &Suggestion, now: Timestamp) {
    store.dismiss(&suggestion.id, &suggestion.label, now);
}
