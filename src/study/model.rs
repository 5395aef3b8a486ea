//! The study store: marks on entities and sections, their review history, and remembered
//! dismissals of suggestions. Pure data and the operations on it; scheduling lives in
//! [`super::schedule`], files in [`super::storage`].

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::StudyError;
use super::time::Timestamp;

/// The version of the study file format this build writes.
pub const FORMAT_VERSION: u32 = 1;

/// How well the student knows a topic.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Does not know it yet.
    #[default]
    Weak,
    /// Knows it partly, mixes things up.
    Shaky,
    /// Knows it; kept on a long review schedule.
    Solid,
}

impl Level {
    /// Every level, weakest first.
    pub const ALL: [Level; 3] = [Level::Weak, Level::Shaky, Level::Solid];

    /// `weak`, `shaky`, `solid`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Weak => "weak",
            Level::Shaky => "shaky",
            Level::Solid => "solid",
        }
    }

    /// Parses a level name (any case).
    pub fn parse(text: &str) -> Option<Self> {
        Level::ALL
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(text.trim()))
    }

    /// One level weaker (weak stays weak).
    pub fn weaker(self) -> Self {
        match self {
            Level::Solid => Level::Shaky,
            Level::Shaky | Level::Weak => Level::Weak,
        }
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The answer a student gives when reviewing a topic (the four FSRS / Anki buttons).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Rating {
    /// Forgot it.
    Again,
    /// Recalled it with serious difficulty.
    Hard,
    /// Recalled it.
    Good,
    /// Recalled it without effort.
    Easy,
}

impl Rating {
    /// Every rating, in button order.
    pub const ALL: [Rating; 4] = [Rating::Again, Rating::Hard, Rating::Good, Rating::Easy];

    /// `again`, `hard`, `good`, `easy`.
    pub fn as_str(self) -> &'static str {
        match self {
            Rating::Again => "again",
            Rating::Hard => "hard",
            Rating::Good => "good",
            Rating::Easy => "easy",
        }
    }

    /// Parses a rating name (any case) or its button number 1–4.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        Rating::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(text) || text == r.number().to_string())
    }

    /// FSRS's number for the rating: 1 (again) to 4 (easy).
    pub fn number(self) -> u32 {
        match self {
            Rating::Again => 1,
            Rating::Hard => 2,
            Rating::Good => 3,
            Rating::Easy => 4,
        }
    }

    /// Good or Easy: a successful, comfortable recall.
    pub fn is_good_or_better(self) -> bool {
        matches!(self, Rating::Good | Rating::Easy)
    }
}

impl std::fmt::Display for Rating {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a mark is attached to.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum TargetKind {
    /// A graph entity (`elastic-beanstalk`, `topic:…`, `tag:…`).
    #[default]
    Entity,
    /// A section of a note (`file#slug`).
    Section,
}

impl TargetKind {
    /// `entity` or `section`.
    pub fn as_str(self) -> &'static str {
        match self {
            TargetKind::Entity => "entity",
            TargetKind::Section => "section",
        }
    }
}

/// A line of the notes that explains a mark or a suggestion.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SourceLine {
    /// The note's path relative to the notes root.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// The line's text, trimmed.
    pub text: String,
}

impl std::fmt::Display for SourceLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.text)
    }
}

/// FSRS memory state of a topic (stored as plain numbers so the file does not depend on the
/// `fsrs` crate's types).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Memory {
    /// Days until recall probability falls to 90 %.
    pub stability: f32,
    /// 1 (easy) to 10 (hard).
    pub difficulty: f32,
}

/// One review of a topic.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReviewEntry {
    /// When it was reviewed.
    pub at: Timestamp,
    /// The student's answer.
    pub rating: Rating,
    /// Whole days since the previous review (0 for the first).
    pub elapsed_days: u32,
    /// Days until the next review that this review scheduled.
    pub interval_days: f32,
    /// Memory state after the review.
    pub memory: Memory,
    /// The level after the review (it may have been promoted or demoted).
    pub level: Level,
}

/// What the caller knows about the thing being marked (from the current compile).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MarkTarget {
    /// Entity id or section id.
    pub id: String,
    pub kind: TargetKind,
    /// Display name (`AWS Elastic Beanstalk`, `notes.txt › CodeDeploy`).
    pub label: String,
    /// Catalog category of an entity; `Notes` for sections.
    pub category: String,
    /// Lines of the notes that explain the mark (from a suggestion), may be empty.
    pub sources: Vec<SourceLine>,
}

/// A weak topic: the student's mark on an entity or a section, with its schedule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Mark {
    /// Entity id or section id (content-derived, survives recompiles).
    pub id: String,
    pub kind: TargetKind,
    /// Last known display name (kept for orphans, refreshed from each compile).
    pub label: String,
    /// Last known category.
    pub category: String,
    pub level: Level,
    /// The student's own note ("I mix up commands and container_commands").
    pub note: String,
    /// Lines of the notes that led to the mark (from an accepted suggestion).
    pub sources: Vec<SourceLine>,
    pub created: Timestamp,
    pub updated: Timestamp,
    /// FSRS memory state; `None` until the first review.
    pub memory: Option<Memory>,
    /// When the next review is due (a new mark is due at once).
    pub due: Timestamp,
    /// Every review, oldest first.
    pub reviews: Vec<ReviewEntry>,
    /// Set while the id is missing from the compiled notes; cleared when it comes back.
    pub orphaned_since: Option<Timestamp>,
}

impl Default for Mark {
    fn default() -> Self {
        Self {
            id: String::new(),
            kind: TargetKind::Entity,
            label: String::new(),
            category: String::new(),
            level: Level::Weak,
            note: String::new(),
            sources: Vec::new(),
            created: Timestamp::default(),
            updated: Timestamp::default(),
            memory: None,
            due: Timestamp::default(),
            reviews: Vec::new(),
            orphaned_since: None,
        }
    }
}

impl Mark {
    /// Whether a review is due at `now`.
    pub fn is_due(&self, now: Timestamp) -> bool {
        self.due <= now
    }

    /// The last review, if any.
    pub fn last_review(&self) -> Option<&ReviewEntry> {
        self.reviews.last()
    }

    /// The label, or the id when no label is known.
    pub fn display_label(&self) -> &str {
        if self.label.is_empty() {
            &self.id
        } else {
            &self.label
        }
    }
}

/// A suggestion the student dismissed; it is not offered again.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Dismissal {
    /// When it was dismissed.
    pub at: Timestamp,
    /// Label at the time, for listing dismissals.
    pub label: String,
}

/// Which marks are attached to something in the current compile.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Attachment {
    /// Ids of marks whose entity or section exists (sorted).
    pub live: Vec<String>,
    /// Ids of marks whose entity or section is missing (sorted). Kept, never dropped.
    pub orphaned: Vec<String>,
    /// Ids that were orphaned before this reconcile and are live again (sorted).
    pub reattached: Vec<String>,
    /// Ids that became orphaned with this reconcile (sorted).
    pub newly_orphaned: Vec<String>,
}

/// All study data of one notes collection: what the study file holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Store {
    /// Format version ([`FORMAT_VERSION`] when written by this build).
    pub version: u32,
    /// The notes root this store belongs to (`None` for the built-in notes); informative.
    pub notes_root: Option<String>,
    /// Marks by id.
    pub marks: BTreeMap<String, Mark>,
    /// Dismissed suggestions by id.
    pub dismissed: BTreeMap<String, Dismissal>,
}

impl Default for Store {
    fn default() -> Self {
        Self {
            version: FORMAT_VERSION,
            notes_root: None,
            marks: BTreeMap::new(),
            dismissed: BTreeMap::new(),
        }
    }
}

impl Store {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes a store read from a file safe to use: a memory state with a number that is not
    /// finite (`NaN`, `inf`, possible in a hand-edited file) is dropped, so the next review
    /// starts FSRS afresh while the history stays; such numbers in the history become 0; a
    /// mark's id is the key it is filed under. Returns how many things it changed.
    pub fn repair(&mut self) -> usize {
        let finite = |m: &Memory| m.stability.is_finite() && m.difficulty.is_finite();
        let mut changed = 0;
        for (key, mark) in &mut self.marks {
            if mark.id != *key {
                mark.id.clone_from(key);
                changed += 1;
            }
            if mark.memory.as_ref().is_some_and(|m| !finite(m)) {
                mark.memory = None;
                changed += 1;
            }
            for entry in &mut mark.reviews {
                if !finite(&entry.memory) {
                    entry.memory = Memory::default();
                    changed += 1;
                }
                if !entry.interval_days.is_finite() {
                    entry.interval_days = 0.0;
                    changed += 1;
                }
            }
        }
        changed
    }

    /// The mark on `id`.
    pub fn get(&self, id: &str) -> Option<&Mark> {
        self.marks.get(id)
    }

    /// Marks `target` at `level` with `note`, or updates the existing mark's level and note
    /// (keeping its schedule and history; sources are added). Marking a dismissed suggestion
    /// forgets the dismissal. Returns the mark.
    pub fn mark(&mut self, target: MarkTarget, level: Level, note: &str, now: Timestamp) -> &Mark {
        let MarkTarget {
            id,
            kind,
            label,
            category,
            sources,
        } = target;
        self.dismissed.remove(&id);
        let mark = self.marks.entry(id.clone()).or_insert_with(|| Mark {
            id,
            kind,
            created: now,
            due: now,
            ..Mark::default()
        });
        mark.kind = kind;
        if !label.is_empty() {
            mark.label = label;
        }
        if !category.is_empty() {
            mark.category = category;
        }
        mark.level = level;
        mark.note = note.to_owned();
        for source in sources {
            if !mark.sources.contains(&source) {
                mark.sources.push(source);
            }
        }
        mark.sources.sort();
        mark.updated = now;
        mark
    }

    /// Changes the level of an existing mark.
    pub fn set_level(&mut self, id: &str, level: Level, now: Timestamp) -> Result<(), StudyError> {
        let mark = self
            .marks
            .get_mut(id)
            .ok_or_else(|| StudyError::NoMark(id.to_owned()))?;
        mark.level = level;
        mark.updated = now;
        Ok(())
    }

    /// Replaces the note of an existing mark.
    pub fn set_note(&mut self, id: &str, note: &str, now: Timestamp) -> Result<(), StudyError> {
        let mark = self
            .marks
            .get_mut(id)
            .ok_or_else(|| StudyError::NoMark(id.to_owned()))?;
        mark.note = note.to_owned();
        mark.updated = now;
        Ok(())
    }

    /// Removes a mark (its history goes with it). Returns it.
    pub fn remove(&mut self, id: &str) -> Option<Mark> {
        self.marks.remove(id)
    }

    /// Remembers that the student dismissed the suggestion for `id`.
    pub fn dismiss(&mut self, id: &str, label: &str, now: Timestamp) {
        self.dismissed.insert(
            id.to_owned(),
            Dismissal {
                at: now,
                label: label.to_owned(),
            },
        );
    }

    /// Forgets a dismissal, so the suggestion may be offered again. Returns whether there was one.
    pub fn undismiss(&mut self, id: &str) -> bool {
        self.dismissed.remove(id).is_some()
    }

    /// Whether the suggestion for `id` was dismissed.
    pub fn is_dismissed(&self, id: &str) -> bool {
        self.dismissed.contains_key(id)
    }

    /// Which marks are live and which orphaned for the ids of the current compile, without
    /// changing anything.
    pub fn attachment(&self, live_ids: &BTreeSet<String>) -> Attachment {
        let mut out = Attachment::default();
        for (id, mark) in &self.marks {
            let is_live = live_ids.contains(id);
            match (is_live, mark.orphaned_since.is_some()) {
                (true, true) => out.reattached.push(id.clone()),
                (false, false) => out.newly_orphaned.push(id.clone()),
                _ => {}
            }
            if is_live {
                out.live.push(id.clone());
            } else {
                out.orphaned.push(id.clone());
            }
        }
        out
    }

    /// Records which marks are orphaned for the ids of the current compile: a missing id gets
    /// `orphaned_since` (the mark is kept), a returning id is reattached. Returns the result.
    pub fn reconcile(&mut self, live_ids: &BTreeSet<String>, now: Timestamp) -> Attachment {
        let attachment = self.attachment(live_ids);
        for id in &attachment.reattached {
            if let Some(mark) = self.marks.get_mut(id) {
                mark.orphaned_since = None;
            }
        }
        for id in &attachment.newly_orphaned {
            if let Some(mark) = self.marks.get_mut(id) {
                mark.orphaned_since = Some(now);
            }
        }
        attachment
    }

    /// Marks in the order the panel shows them: due date, then level (weakest first), then id.
    pub fn marks_sorted(&self) -> Vec<&Mark> {
        let mut marks: Vec<&Mark> = self.marks.values().collect();
        marks.sort_by(|a, b| (a.due, a.level, &a.id).cmp(&(b.due, b.level, &b.id)));
        marks
    }

    /// Marks due at `now` that are not orphaned, in review order (due date, level, id).
    pub fn due(&self, now: Timestamp) -> Vec<&Mark> {
        self.marks_sorted()
            .into_iter()
            .filter(|m| m.is_due(now) && m.orphaned_since.is_none())
            .collect()
    }

    /// How many marks are due at `now` (not counting orphans).
    pub fn due_count(&self, now: Timestamp) -> usize {
        self.marks
            .values()
            .filter(|m| m.is_due(now) && m.orphaned_since.is_none())
            .count()
    }

    /// How many marks have each level.
    pub fn level_counts(&self) -> BTreeMap<Level, usize> {
        let mut counts = BTreeMap::new();
        for mark in self.marks.values() {
            *counts.entry(mark.level).or_insert(0) += 1;
        }
        counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(id: &str) -> MarkTarget {
        MarkTarget {
            id: id.to_owned(),
            label: id.to_uppercase(),
            category: "Compute".to_owned(),
            ..MarkTarget::default()
        }
    }

    #[test]
    fn parse_names() {
        assert_eq!(Level::parse("Shaky"), Some(Level::Shaky));
        assert_eq!(Level::parse("meh"), None);
        assert_eq!(Rating::parse("EASY"), Some(Rating::Easy));
        assert_eq!(Rating::parse("1"), Some(Rating::Again));
        assert_eq!(Rating::parse("5"), None);
        assert_eq!(Level::Solid.weaker(), Level::Shaky);
        assert_eq!(Level::Weak.weaker(), Level::Weak);
    }

    #[test]
    fn mark_updates_keep_history_and_forget_dismissal() {
        let mut store = Store::new();
        store.dismiss("ec2", "EC2", Timestamp(5));
        store.mark(target("ec2"), Level::Weak, "first", Timestamp(10));
        assert!(!store.is_dismissed("ec2"));
        store.marks.get_mut("ec2").unwrap().due = Timestamp(99);
        let mark = store.mark(target("ec2"), Level::Shaky, "second", Timestamp(20));
        assert_eq!(mark.level, Level::Shaky);
        assert_eq!(mark.note, "second");
        assert_eq!(mark.created, Timestamp(10));
        assert_eq!(mark.updated, Timestamp(20));
        assert_eq!(mark.due, Timestamp(99));
        assert!(store.set_level("nope", Level::Weak, Timestamp(1)).is_err());
    }

    #[test]
    fn orphans_are_kept_and_reattach() {
        let mut store = Store::new();
        store.mark(target("a"), Level::Weak, "", Timestamp(1));
        store.mark(target("b"), Level::Weak, "", Timestamp(1));
        let ids = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<BTreeSet<_>>();

        let first = store.reconcile(&ids(&["a", "b"]), Timestamp(2));
        assert_eq!(first.live, ["a", "b"]);
        assert!(first.orphaned.is_empty());

        let gone = store.reconcile(&ids(&["a"]), Timestamp(3));
        assert_eq!(gone.orphaned, ["b"]);
        assert_eq!(gone.newly_orphaned, ["b"]);
        assert_eq!(store.get("b").unwrap().orphaned_since, Some(Timestamp(3)));
        assert_eq!(store.due_count(Timestamp(10)), 1);

        let still = store.reconcile(&ids(&["a"]), Timestamp(4));
        assert!(still.newly_orphaned.is_empty());
        assert_eq!(store.get("b").unwrap().orphaned_since, Some(Timestamp(3)));

        let back = store.reconcile(&ids(&["a", "b"]), Timestamp(5));
        assert_eq!(back.reattached, ["b"]);
        assert!(back.orphaned.is_empty());
        assert_eq!(store.get("b").unwrap().orphaned_since, None);
        assert_eq!(store.due_count(Timestamp(10)), 2);
    }

    #[test]
    fn panel_order_is_due_then_level() {
        let mut store = Store::new();
        store.mark(target("late"), Level::Weak, "", Timestamp(1));
        store.mark(target("shaky"), Level::Shaky, "", Timestamp(1));
        store.mark(target("weak"), Level::Weak, "", Timestamp(1));
        store.marks.get_mut("late").unwrap().due = Timestamp(50);
        let order: Vec<&str> = store.marks_sorted().iter().map(|m| m.id.as_str()).collect();
        assert_eq!(order, ["weak", "shaky", "late"]);
        assert_eq!(store.due(Timestamp(10)).len(), 2);
    }
}
