//! Extraction: mentions of catalog entities in every section, relations between entities from the
//! wording of the notes, and the author's markers (important / unsure).
//!
//! Owns: turning [`crate::notes::LoadedNotes`] + [`crate::catalog::Catalog`] into a
//! [`crate::graph::KnowledgeGraph`] and per-section facts. Leaves reading files to `notes`.

mod cues;
mod ids;
mod markers;
mod mentions;
mod relations;
mod topics;

pub use self::cues::{CUES, Cue, CueMatcher, Direction};
pub use self::ids::EntityKey;
pub use self::markers::classify as classify_marker;
pub use self::mentions::{MatcherError, MentionMatcher, RawMention};
pub use self::relations::{Found, LineFacts, MAX_EVIDENCE_LINES, Unit};
pub use self::topics::{is_topic_title, slug, topic_id};

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use crate::catalog::{Catalog, EntryKind, RelationKind};
use crate::graph::{Entity, EntityKind, Evidence, KnowledgeGraph, Relation};
use crate::notes::{LoadedNotes, Note, Section, Warning};
use petgraph::stable_graph::{EdgeIndex, NodeIndex};
/// Longest mention kept whole (bytes); a longer one is cut to it. A mention is a catalog name
/// found in the text: far shorter.
pub const MAX_MENTION_LEN: usize = u8::MAX as usize;

/// A mention of an entity in a section: 8 bytes (a big collection holds millions). Its line is
/// not kept: [`SectionFacts::mentions_with_lines`] counts lines from the section's start.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "MentionJson", into = "MentionJson")]
pub struct Mention {
    /// The entity's key (high 24 bits) and the mention's length in bytes (low 8 bits; a
    /// mention is a catalog name, longer ones are cut to [`MAX_MENTION_LEN`]).
    entity_len: u32,
    /// Start in the note's text (bytes; notes are far below 4 GiB: the loader caps a file's
    /// size).
    start: u32,
}

impl Mention {
    /// A mention of `entity_id` at `byte_start..byte_end` of its note's text.
    pub fn new(entity_id: &str, byte_start: usize, byte_end: usize) -> Self {
        Self::of_key(EntityKey::of(entity_id), byte_start, byte_end)
    }

    fn of_key(entity: EntityKey, byte_start: usize, byte_end: usize) -> Self {
        let len = byte_end.saturating_sub(byte_start).min(MAX_MENTION_LEN) as u32;
        Self {
            entity_len: entity.packed(len),
            start: u32::try_from(byte_start).unwrap_or(u32::MAX),
        }
    }

    /// The mentioned entity's id.
    pub fn entity_id(&self) -> &'static str {
        EntityKey::unpack(self.entity_len).as_str()
    }

    /// Start of the mention in its note's text (bytes).
    pub fn byte_start(&self) -> usize {
        self.start as usize
    }

    /// End of the mention in its note's text (bytes, exclusive).
    pub fn byte_end(&self) -> usize {
        self.byte_start() + (self.entity_len & 0xff) as usize
    }
}

/// The serialised form of a [`Mention`]: the id as text.
#[derive(Serialize, Deserialize)]
struct MentionJson {
    entity_id: String,
    byte_start: usize,
    byte_end: usize,
}

impl From<MentionJson> for Mention {
    fn from(m: MentionJson) -> Self {
        Mention::new(&m.entity_id, m.byte_start, m.byte_end)
    }
}

impl From<Mention> for MentionJson {
    fn from(m: Mention) -> Self {
        MentionJson {
            entity_id: m.entity_id().to_owned(),
            byte_start: m.byte_start(),
            byte_end: m.byte_end(),
        }
    }
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
    /// Entities the line names, else the section's subject (sorted ids).
    #[serde(default)]
    pub entities: Vec<String>,
}

/// What extraction found in one section.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionFacts {
    /// Index into [`LoadedNotes::notes`] (u32: a collection holds one per section).
    pub note: u32,
    /// Index into that note's `sections`.
    pub section: u32,
    pub mentions: Mentions,
    pub markers: Vec<Marker>,
}

/// The mentions of one section, in line order: a range of one list shared by every section of
/// the note (one allocation per note, not one per section; the list is the note's line-relative
/// units turned into mentions in place). Reads as a `[Mention]`.
#[derive(Clone, Default)]
pub struct Mentions {
    all: Option<Arc<Vec<Mention>>>,
    start: u32,
    end: u32,
}

impl Mentions {
    /// `all[start..end]` (empty when out of range).
    fn range(all: &Arc<Vec<Mention>>, start: usize, end: usize) -> Self {
        let at = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
        Self {
            all: Some(Arc::clone(all)),
            start: at(start),
            end: at(end),
        }
    }
}

impl std::ops::Deref for Mentions {
    type Target = [Mention];

    fn deref(&self) -> &[Mention] {
        self.all
            .as_deref()
            .and_then(|all| all.get(self.start as usize..self.end as usize))
            .unwrap_or(&[])
    }
}

impl From<Vec<Mention>> for Mentions {
    fn from(list: Vec<Mention>) -> Self {
        let len = list.len();
        Self::range(&Arc::new(list), 0, len)
    }
}

impl FromIterator<Mention> for Mentions {
    fn from_iter<I: IntoIterator<Item = Mention>>(iter: I) -> Self {
        Vec::from_iter(iter).into()
    }
}

impl PartialEq for Mentions {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for Mentions {}

impl std::fmt::Debug for Mentions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for Mentions {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for Mentions {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<Mention>::deserialize(deserializer).map(Self::from)
    }
}

impl SectionFacts {
    /// Distinct entity ids mentioned, sorted.
    pub fn entity_ids(&self) -> Vec<String> {
        let mut ids: Vec<&str> = self.mentions.iter().map(Mention::entity_id).collect();
        ids.sort_unstable();
        ids.dedup();
        ids.into_iter().map(str::to_owned).collect()
    }

    /// The mentions with their 1-based lines, in order. `note` and `section` are the ones these
    /// facts are about ([`crate::compile::Compiled::iter_sections`] gives the three together).
    /// Lines are counted from the section's start as the mentions go, so a pass costs the
    /// section's length once.
    pub fn mentions_with_lines<'a>(
        &'a self,
        note: &'a Note,
        section: &Section,
    ) -> impl Iterator<Item = (Mention, u32)> + 'a {
        let mut lines = note.line_counter(section);
        self.mentions
            .iter()
            .map(move |&m| (m, lines.line_at(m.byte_start())))
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

/// Everything extraction needs that does not depend on the notes: the matchers and, per catalog
/// entry, its kind.
#[derive(Debug)]
pub struct Extractor<'c> {
    catalog: &'c Catalog,
    mentions: MentionMatcher,
    cues: CueMatcher,
    kinds: Vec<EntryKind>,
    /// Per catalog entry, the key of its id (what a [`Mention`] holds).
    keys: Vec<EntityKey>,
}

impl<'c> Extractor<'c> {
    /// Builds the matchers for a catalog.
    pub fn new(catalog: &'c Catalog) -> Result<Self, MatcherError> {
        let mentions = MentionMatcher::new(catalog)?;
        let cues = CueMatcher::new()?;
        let kinds = catalog.entries.iter().map(|e| e.kind).collect();
        let keys = catalog
            .entries
            .iter()
            .map(|e| EntityKey::of(&e.id))
            .collect();
        Ok(Self {
            catalog,
            mentions,
            cues,
            kinds,
            keys,
        })
    }

    /// The extractor of the built-in catalog, built once.
    pub fn builtin() -> Result<&'static Extractor<'static>, &'static MatcherError> {
        static EXTRACTOR: OnceLock<Result<Extractor<'static>, MatcherError>> = OnceLock::new();
        EXTRACTOR
            .get_or_init(|| Extractor::new(Catalog::builtin()))
            .as_ref()
    }

    /// Extracts one note (`note_ix` is its index in the loaded notes, written into its
    /// [`SectionFacts`]).
    pub fn note_facts(&self, note_ix: usize, note: &Note) -> NoteFacts {
        note_facts(note_ix, note, self)
    }

    /// The graph of the notes from their per-note facts (`per_note[i]` of `notes[i]`): entity
    /// counts, relations with evidence, catalog relations and topics. Section facts are not read.
    pub fn graph_of(&self, notes: &[Note], per_note: &[NoteFacts]) -> KnowledgeGraph {
        build_graph(notes, self, per_note)
    }

    /// Mentions in a text (for tests and tools): catalog ids with byte ranges.
    pub fn mentions_in(&self, text: &str) -> Vec<(String, usize, usize)> {
        self.mentions
            .find(text, self.catalog)
            .into_iter()
            .filter_map(|m| {
                let entry = self.catalog.entries.get(m.entry)?;
                Some((entry.id.clone(), m.start, m.end))
            })
            .collect()
    }
}

/// What one note yields before the notes are merged into one graph. The incremental recompile
/// keeps one per note and extracts again only the notes that changed.
#[derive(Clone, Debug, Default)]
pub struct NoteFacts {
    sections: Vec<SectionFacts>,
    /// Per catalog entry the note mentions: (entry, mentions, first line), sorted by entry.
    entries: Vec<(usize, u32, u32)>,
    /// Relations, each (source, target, kind, line) once, in the order found.
    found: Vec<Found>,
    /// Headed topics, by section (their ids and labels are made from the title when the graph is
    /// built: a note of many headings keeps no second copy of each).
    topics: Vec<TopicFact>,
    /// Headed topics past [`MAX_TOPICS_PER_NOTE`]: how many the note had, and the line of the
    /// first one left off the map.
    topics_left_out: Option<(usize, u32)>,
    /// Relations stated on more lines than [`relations::MAX_EVIDENCE_LINES`]: how many, and the
    /// first line left out of their evidence.
    relations_capped: Option<(usize, u32)>,
}

/// Topic nodes one note may add to the map. Notes written by people name a few dozen (the seed
/// notes 14); a generated note of a hundred thousand headings would otherwise put a hundred
/// thousand nodes on the map (and hold a node, its strings and an edge for each). Past it, the
/// higher headings are kept; the rest stay sections, searchable and shown in the note panes.
pub const MAX_TOPICS_PER_NOTE: usize = 1_000;

impl NoteFacts {
    /// Warnings for a note whose headed topics were cut to [`MAX_TOPICS_PER_NOTE`], or whose
    /// relations' evidence was cut to [`relations::MAX_EVIDENCE_LINES`] lines.
    pub fn warnings(&self, note: &Note) -> impl Iterator<Item = Warning> {
        let topics = self.topics_left_out.map(|(total, line)| {
            Warning::new(
                &note.file,
                Some(line),
                format!(
                    "{total} headings name topics; the map keeps {MAX_TOPICS_PER_NOTE} of them \
                     (higher headings first), the rest stay sections and are searchable"
                ),
            )
        });
        let evidence = self.relations_capped.map(|(total, line)| {
            let max = relations::MAX_EVIDENCE_LINES;
            let (what, each) = if total == 1 {
                ("1 relation is".to_owned(), "it keeps its")
            } else {
                (format!("{total} relations are"), "each keeps its")
            };
            Warning::new(
                &note.file,
                Some(line),
                format!(
                    "{what} stated on more than {max} lines; {each} first {max} lines as \
                     evidence (its weight counts every line)"
                ),
            )
        });
        topics.into_iter().chain(evidence)
    }
}

/// Keeps at most [`MAX_TOPICS_PER_NOTE`] topics, the higher headings first, then in order;
/// returns how many there were and the first line left out.
fn cap_topics(
    topics: &mut Vec<TopicFact>,
    sections: &[crate::notes::Section],
) -> Option<(usize, u32)> {
    if topics.len() <= MAX_TOPICS_PER_NOTE {
        return None;
    }
    let total = topics.len();
    let level = |t: &TopicFact| {
        sections
            .get(t.section as usize)
            .map_or(u8::MAX, |s| s.level)
    };
    let mut order: Vec<u32> = (0..u32::try_from(total).unwrap_or(u32::MAX)).collect();
    order.sort_by_key(|&i| (topics.get(i as usize).map_or(u8::MAX, level), i));
    let first_out = order
        .get(MAX_TOPICS_PER_NOTE..)
        .unwrap_or(&[])
        .iter()
        .filter_map(|&i| topics.get(i as usize))
        .filter_map(|t| sections.get(t.section as usize))
        .map(|s| s.line_start)
        .min()
        .unwrap_or(0);
    order.truncate(MAX_TOPICS_PER_NOTE);
    order.sort_unstable();
    let kept: Vec<TopicFact> = order
        .iter()
        .filter_map(|&i| topics.get(i as usize).copied())
        .collect();
    *topics = kept;
    Some((total, first_out))
}

/// A section whose title is a topic of its own.
#[derive(Clone, Copy, Debug)]
struct TopicFact {
    /// Index into the note's sections.
    section: u32,
    /// The catalog entry the title (or the enclosing section) is about.
    parent: Option<u32>,
}

/// Extracts entities, relations and markers from loaded notes with the built-in catalog when
/// `catalog` is the built-in one, else with matchers built for `catalog`.
pub fn extract(notes: &LoadedNotes, catalog: &Catalog) -> Extraction {
    if std::ptr::eq(catalog, Catalog::builtin())
        && let Ok(extractor) = Extractor::builtin()
    {
        return extract_with(notes, extractor);
    }
    match Extractor::new(catalog) {
        Ok(extractor) => extract_with(notes, &extractor),
        Err(err) => {
            let mut out = Extraction::default();
            out.warnings.push(Warning::new("", None, err.to_string()));
            out
        }
    }
}

/// Extracts with a prepared [`Extractor`].
pub fn extract_with(notes: &LoadedNotes, extractor: &Extractor<'_>) -> Extraction {
    use rayon::prelude::*;
    let per_note: Vec<NoteFacts> = if notes.notes.len() > 1 {
        notes
            .notes
            .par_iter()
            .enumerate()
            .map(|(ix, note)| note_facts(ix, note, extractor))
            .collect()
    } else {
        notes
            .notes
            .iter()
            .enumerate()
            .map(|(ix, note)| note_facts(ix, note, extractor))
            .collect()
    };
    let graph = build_graph(&notes.notes, extractor, &per_note);
    let warnings = per_note
        .iter()
        .zip(&notes.notes)
        .flat_map(|(facts, note)| facts.warnings(note))
        .collect();
    // The first note's list is the base (one big note is not copied); each note's list is freed
    // as it is moved.
    let total: usize = per_note.iter().map(|f| f.sections.len()).sum();
    let mut sections = Vec::new();
    for facts in per_note {
        if sections.is_empty() {
            sections = facts.sections;
            sections.reserve_exact(total.saturating_sub(sections.len()));
        } else {
            sections.extend(facts.sections);
        }
    }
    Extraction {
        graph,
        sections,
        warnings,
    }
}

impl NoteFacts {
    /// Moves the section facts out (the incremental recompile keeps them in the compile only).
    pub fn take_sections(&mut self) -> Vec<SectionFacts> {
        std::mem::take(&mut self.sections)
    }
}

/// The lines of a text in order, as `(index, start, end)` byte offsets, `end` past the line
/// break. Lines as the loader counts them: an empty text is one empty line, and a final line
/// break does not start another. Streamed: a note of a million short lines keeps no table.
fn line_spans(text: &str) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
    let bytes = text.as_bytes();
    let (mut ix, mut start, mut done) = (0, 0, false);
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let end = memchr::memchr(b'\n', bytes.get(start..).unwrap_or(&[]))
            .map_or(bytes.len(), |i| start + i + 1);
        done = end >= bytes.len();
        let span = (ix, start, end);
        (ix, start) = (ix + 1, end);
        Some(span)
    })
}

/// A line's text from its span: without the line break and any carriage returns before it.
fn line_text(text: &str, start: usize, end: usize) -> &str {
    let raw = text.get(start..end).unwrap_or("");
    raw.strip_suffix('\n').unwrap_or(raw).trim_end_matches('\r')
}

/// The innermost section of each line, lines asked in increasing order: the last section (in
/// order) whose lines hold it. Sections are in order of their first line, so the sections open
/// at a line are a stack.
struct Innermost<'s> {
    sections: &'s [Section],
    next: usize,
    open: Vec<u32>,
}

impl<'s> Innermost<'s> {
    fn new(sections: &'s [Section]) -> Self {
        Self {
            sections,
            next: 0,
            open: Vec::new(),
        }
    }

    /// The innermost section of 1-based `line`, and whether a heading starts there.
    fn at(&mut self, line: u32) -> (Option<usize>, bool) {
        let mut heading = false;
        while let Some(s) = self
            .sections
            .get(self.next)
            .filter(|s| s.line_start <= line)
        {
            heading |= s.level > 0;
            self.open.push(u32::try_from(self.next).unwrap_or(u32::MAX));
            self.next += 1;
        }
        while let Some(&top) = self.open.last()
            && self
                .sections
                .get(top as usize)
                .is_none_or(|s| s.line_end < line)
        {
            self.open.pop();
        }
        (self.open.last().map(|&s| s as usize), heading)
    }
}

fn note_facts(note_ix: usize, note: &Note, ex: &Extractor<'_>) -> NoteFacts {
    let text = note.text.as_str();
    // Mentions are found one line at a time, as the line is read: a note keeps no list of every
    // line's units, only the mentions made from them. A line's raw text ends with its line break,
    // so a mention at its end sees the same boundary as in the whole text.
    let ix32 = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
    let scratch = std::cell::RefCell::new(mentions::LineScratch::default());
    let units_of = |start: usize, end: usize| -> Vec<Unit> {
        let mut units = Vec::new();
        ex.mentions.find_by_line_with(
            text.get(start..end).unwrap_or(""),
            ex.catalog,
            &mut scratch.borrow_mut(),
            |_, base, found| {
                // A long line comes in several calls, one after the other.
                units.extend(found.iter().map(|m| Unit {
                    entry: ix32(m.entry),
                    start: ix32(m.start - base),
                    end: ix32(m.end - base),
                }));
            },
        );
        units
    };
    // Each section's subject (u32::MAX for none), from its heading line and its parents.
    const NONE: u32 = u32::MAX;
    let mut subjects: Vec<u32> = vec![NONE; note.sections.len()];
    let mut stack: Vec<(u8, u32, Option<usize>)> = Vec::new();
    let mut facts = NoteFacts::default();
    facts.sections.reserve_exact(note.sections.len());
    let mut heading_lines = line_spans(text).peekable();
    for (si, section) in note.sections.iter().enumerate() {
        while stack
            .last()
            .is_some_and(|&(lvl, end, _)| lvl >= section.level || end < section.line_start)
        {
            stack.pop();
        }
        let parent_subject = stack.last().and_then(|&(_, _, s)| s);
        let mut own = None;
        if section.level > 0 {
            // Sections are in order of their first line: the heading lines are met in order.
            let first = section.line_start.saturating_sub(1) as usize;
            while heading_lines.next_if(|&(li, _, _)| li < first).is_some() {}
            let (heading, units) = match heading_lines.peek() {
                Some(&(li, s, e)) if li == first => (line_text(text, s, e), units_of(s, e)),
                _ => ("", Vec::new()),
            };
            own = title_subject(heading, &units, ex);
            let mut residual = section.title.as_bytes().to_vec();
            for m in ex.mentions.find(&section.title, ex.catalog) {
                for b in residual.get_mut(m.start..m.end).unwrap_or(&mut []) {
                    *b = b' ';
                }
            }
            let residual = String::from_utf8_lossy(&residual);
            if topics::is_topic_title(&section.title, &residual) {
                facts.topics.push(TopicFact {
                    section: ix32(si),
                    parent: own.or(parent_subject).map(ix32),
                });
            }
        }
        let subject = own.or(parent_subject);
        if let Some(s) = subjects.get_mut(si) {
            *s = subject.map_or(NONE, ix32);
        }
        stack.push((section.level, section.line_end, subject));
        facts.sections.push(SectionFacts {
            note: ix32(note_ix),
            section: ix32(si),
            ..SectionFacts::default()
        });
    }
    drop(heading_lines);
    facts.topics_left_out = cap_topics(&mut facts.topics, &note.sections);
    // Markers and relation input, line by line (streamed: no table of every line's facts). The
    // line being read, its start and its innermost section, for `done` below (relations hands
    // a line's units over while that line is read).
    let current: std::cell::Cell<(u32, usize, Option<usize>)> = std::cell::Cell::new((0, 0, None));
    let mut innermost = Innermost::new(&note.sections);
    let sections = &mut facts.sections;
    let lines = line_spans(text).map(|(li, s, e)| {
        let t = line_text(text, s, e);
        let line = ix32(li + 1);
        let line_units = units_of(s, e);
        let (section, heading) = innermost.at(line);
        current.set((line, s, section));
        let subject = section
            .and_then(|si| subjects.get(si).copied())
            .filter(|&s| s != NONE)
            .map(|s| s as usize);
        if let Some(kind) = markers::classify(t)
            && let Some(si) = section
            && let Some(sf) = sections.get_mut(si)
        {
            let mut entities: Vec<String> = line_units
                .iter()
                .filter_map(|u| ex.catalog.entries.get(u.ix()).map(|e| e.id.clone()))
                .collect();
            if entities.is_empty()
                && let Some(e) = subject.and_then(|s| ex.catalog.entries.get(s))
            {
                entities.push(e.id.clone());
            }
            entities.sort();
            entities.dedup();
            sf.markers.push(Marker {
                kind,
                line,
                text: t.trim().to_owned(),
                entities,
            });
        }
        LineFacts {
            text: t,
            line,
            units: line_units,
            subject,
            heading,
        }
    });
    // (mentions, first line) per catalog entry, and the mentions, lines outside every section
    // dropped. The units of a line handed over whole become the note's list in place when it is
    // still empty (a megabyte line's units are most of its mentions).
    let mut by_entry: Vec<(u32, u32)> = vec![(0, 0); ex.catalog.entries.len()];
    let mut by_section = BySection::default();
    let (found, cap) = relations::relations(lines, &ex.kinds, &ex.cues, |line, units| {
        for u in units.iter() {
            if let Some((count, first)) = by_entry.get_mut(u.ix()) {
                if *count == 0 {
                    *first = line;
                }
                *count += 1;
            }
        }
        let (now, base, section) = current.get();
        debug_assert_eq!(now, line, "a line's units are handed over while it is read");
        // Mentions on lines outside every section are not kept.
        let Some(section) = section.filter(|_| now == line) else {
            return;
        };
        let mention = |u: Unit| {
            let key = *ex.keys.get(u.ix())?;
            Some(Mention::of_key(
                key,
                base + u.start as usize,
                base + u.end as usize,
            ))
        };
        let before = by_section.mentions.len();
        match units {
            Cow::Owned(units) if by_section.mentions.is_empty() => {
                by_section.mentions = units.into_iter().filter_map(mention).collect();
            }
            units => by_section
                .mentions
                .extend(units.iter().copied().filter_map(mention)),
        }
        by_section.ran(ix32(section), by_section.mentions.len() - before);
    });
    facts.found = found;
    facts.relations_capped = cap.summary();
    by_section.share(&mut facts.sections);
    facts.entries = by_entry
        .iter()
        .enumerate()
        .filter(|(_, (count, _))| *count > 0)
        .map(|(entry, &(count, first))| (entry, count, first))
        .collect();
    facts
}

/// A note's mentions in line order, as they are found, and the runs of them that fall in one
/// section: `(section index, run length)`.
#[derive(Default)]
struct BySection {
    mentions: Vec<Mention>,
    runs: Vec<(u32, u32)>,
}

impl BySection {
    /// The last `len` mentions are in section `section`.
    fn ran(&mut self, section: u32, len: usize) {
        let len = u32::try_from(len).unwrap_or(u32::MAX);
        match self.runs.last_mut() {
            _ if len == 0 => {}
            Some((s, n)) if *s == section => *n = n.saturating_add(len),
            _ => self.runs.push((section, len)),
        }
    }

    /// Gives each section its range of the mentions. The list is grouped by section first: it
    /// already is when each section's own lines are contiguous (the usual case); a parent's
    /// lines after a child's are moved to the parent's group, keeping line order.
    fn share(self, sections: &mut [SectionFacts]) {
        let Self {
            mut mentions,
            mut runs,
        } = self;
        if !runs.is_sorted_by_key(|&(s, _)| s) {
            let mut at = 0;
            let mut spans: Vec<(u32, usize, usize)> = runs
                .iter()
                .map(|&(s, n)| {
                    let span = (s, at, at + n as usize);
                    at += n as usize;
                    span
                })
                .collect();
            spans.sort_by_key(|&(s, ..)| s);
            let mut grouped = Vec::with_capacity(mentions.len());
            runs.clear();
            for (s, a, b) in spans {
                let run = mentions.get(a..b).unwrap_or(&[]);
                grouped.extend_from_slice(run);
                match runs.last_mut() {
                    Some((last, n)) if *last == s => *n += run.len() as u32,
                    _ => runs.push((s, run.len() as u32)),
                }
            }
            mentions = grouped;
        }
        if mentions.capacity() - mentions.len() > mentions.len() / 8 {
            mentions.shrink_to_fit();
        }
        let all = Arc::new(mentions);
        let mut at = 0;
        for (s, n) in runs {
            let n = n as usize;
            if let Some(sf) = sections.get_mut(s as usize) {
                sf.mentions = Mentions::range(&all, at, at + n);
            }
            at += n;
        }
    }
}

/// The entity a section title is about: with a cue between two entities (`Validating Pull
/// Requests using CodeBuild`) the first; otherwise the last and most specific (`CloudFormation -
/// StackSets`, `DynamoDB Global table`).
fn title_subject(heading: &str, units: &[Unit], ex: &Extractor<'_>) -> Option<usize> {
    let first = units.first()?;
    let last = units.last()?;
    if first.entry == last.entry {
        return Some(first.ix());
    }
    let between = heading
        .get(first.end as usize..last.start as usize)
        .unwrap_or("");
    if !ex.cues.find(between).is_empty() {
        return Some(first.ix());
    }
    Some(last.ix())
}

fn build_graph(notes: &[Note], ex: &Extractor<'_>, per_note: &[NoteFacts]) -> KnowledgeGraph {
    let catalog = ex.catalog;
    let mut counts: BTreeMap<usize, u32> = BTreeMap::new();
    let mut first_seen: BTreeMap<usize, Evidence> = BTreeMap::new();
    // One shared copy of each file name for all its evidence (the sections' copy when there is one).
    let files: Vec<Arc<str>> = notes
        .iter()
        .map(|n| {
            n.sections
                .first()
                .map_or_else(|| Arc::from(n.file.as_str()), |s| Arc::clone(&s.file))
        })
        .collect();
    for (file, facts) in files.iter().zip(per_note) {
        for &(entry, n, line) in &facts.entries {
            *counts.entry(entry).or_default() += n;
            first_seen.entry(entry).or_insert_with(|| Evidence {
                file: Arc::clone(file),
                line,
            });
        }
    }
    let mut graph = KnowledgeGraph::new();
    // Room for every node at once: a note of many headings makes one topic node per heading, and
    // growing the node list by doubling would hold up to twice that.
    let topic_nodes = {
        use std::hash::{DefaultHasher, Hash as _, Hasher as _};
        let mut distinct = std::collections::HashSet::new();
        for (facts, note) in per_note.iter().zip(notes) {
            for topic in &facts.topics {
                if let Some(section) = note.sections.get(topic.section as usize) {
                    let mut h = DefaultHasher::new();
                    topics::topic_id(&section.title).hash(&mut h);
                    distinct.insert(h.finish());
                }
            }
        }
        distinct.len()
    };
    graph.reserve_nodes(counts.len() + topic_nodes);
    for (&entry_ix, &n) in &counts {
        let Some(entry) = catalog.entries.get(entry_ix) else {
            continue;
        };
        let mut aliases = entry.aliases.clone();
        aliases.extend(entry.abbreviations.iter().cloned());
        graph.add_entity(Entity {
            id: entry.id.clone(),
            label: entry.name.clone(),
            kind: match entry.kind {
                EntryKind::Service => EntityKind::Service,
                EntryKind::Concept => EntityKind::Concept,
                EntryKind::Tool => EntityKind::Tool,
            },
            category: entry.category.clone().into(),
            aliases,
            mentions: n,
            description: entry.description.clone(),
            exams: entry.exams.clone(),
        });
    }
    let id_of = |entry: usize| catalog.entries.get(entry).map(|e| e.id.as_str());
    let mut edges = Edges::default();
    // Relations from the wording, one evidence per (pair, kind, line) of a note.
    for (file, facts) in files.iter().zip(per_note) {
        for f in &facts.found {
            let (Some(a), Some(b)) = (id_of(f.source as usize), id_of(f.target as usize)) else {
                continue;
            };
            let (Some(na), Some(nb)) = (graph.node(a), graph.node(b)) else {
                continue;
            };
            edges.add(
                &mut graph,
                na,
                nb,
                Relation {
                    kind: f.kind,
                    weight: f.weight,
                    evidence: vec![Evidence {
                        file: Arc::clone(file),
                        line: f.line,
                    }],
                    from_catalog: false,
                },
            );
        }
    }
    // Names that contain another entity's name (`CloudWatch Logs`, `Kinesis Data Streams`).
    for (&entry_ix, evidence) in &first_seen {
        let Some(entry) = catalog.entries.get(entry_ix) else {
            continue;
        };
        let mut parents: Vec<usize> = Vec::new();
        // The canonical name only: aliases keep historical names (`EC2 Systems Manager`).
        {
            let bare = mentions::name_variants(&entry.name);
            for variant in bare {
                for m in ex.mentions.candidates(&variant, catalog) {
                    if m.entry != entry_ix
                        && m.start == 0
                        && m.end < variant.len()
                        && counts.contains_key(&m.entry)
                        && !parents.contains(&m.entry)
                    {
                        parents.push(m.entry);
                    }
                }
            }
        }
        for parent in parents {
            let (Some(a), Some(b)) = (id_of(entry_ix), id_of(parent)) else {
                continue;
            };
            let (Some(na), Some(nb)) = (graph.node(a), graph.node(b)) else {
                continue;
            };
            edges.add(
                &mut graph,
                na,
                nb,
                Relation {
                    kind: RelationKind::PartOf,
                    weight: 0.5,
                    evidence: vec![evidence.clone()],
                    from_catalog: false,
                },
            );
        }
    }
    // The catalog's own relations between two nodes.
    for &entry_ix in counts.keys() {
        let Some(entry) = catalog.entries.get(entry_ix) else {
            continue;
        };
        for rel in &entry.relations {
            let (Some(na), Some(nb)) = (graph.node(&entry.id), graph.node(&rel.target)) else {
                continue;
            };
            edges.add(
                &mut graph,
                na,
                nb,
                Relation {
                    kind: rel.kind,
                    weight: 1.0,
                    evidence: Vec::new(),
                    from_catalog: true,
                },
            );
        }
    }
    // Topics: one node per distinct title slug, part of its section's subject.
    for ((file, facts), note) in files.iter().zip(per_note).zip(notes) {
        for topic in &facts.topics {
            let Some(section) = note.sections.get(topic.section as usize) else {
                continue;
            };
            let id = topics::topic_id(&section.title);
            if id == "topic:" {
                continue;
            }
            let (id, parent, line) = (&id, topic.parent.map(|p| p as usize), &section.line_start);
            let node = match graph.node(id) {
                Some(node) => {
                    if let Some(e) = graph.graph.node_weight_mut(node) {
                        e.mentions += 1;
                    }
                    node
                }
                None => graph.add_entity(Entity {
                    id: id.clone(),
                    label: topics::label(&section.title),
                    kind: EntityKind::Topic,
                    category: std::borrow::Cow::Borrowed("Topic"),
                    aliases: Vec::new(),
                    mentions: 1,
                    description: String::new(),
                    exams: Vec::new(),
                }),
            };
            if let Some(parent_node) = parent.and_then(id_of).and_then(|p| graph.node(p)) {
                edges.add(
                    &mut graph,
                    node,
                    parent_node,
                    Relation {
                        kind: RelationKind::PartOf,
                        weight: 1.0,
                        evidence: vec![Evidence {
                            file: Arc::clone(file),
                            line: *line,
                        }],
                        from_catalog: false,
                    },
                );
            }
        }
    }
    // Evidence in a stable order, each piece once.
    for edge in graph.graph.edge_weights_mut() {
        edge.evidence.sort_unstable();
        edge.evidence.dedup();
        edge.evidence.shrink_to_fit();
    }
    graph
}

/// The edges [`build_graph`] has made, by their ends and kind: merging into an edge is a lookup,
/// not a scan of the node's edges and of the edge's evidence (which grows with every note).
#[derive(Default)]
struct Edges {
    by_ends: HashMap<(NodeIndex, NodeIndex, RelationKind), EdgeIndex>,
}

impl Edges {
    /// [`KnowledgeGraph::add_relation`] for a graph whose edges were all added here: merged into
    /// the edge of the same kind between the same nodes (either direction for symmetric kinds).
    /// Evidence is appended as is; [`build_graph`] sorts and deduplicates it at the end.
    fn add(&mut self, graph: &mut KnowledgeGraph, a: NodeIndex, b: NodeIndex, relation: Relation) {
        let kind = relation.kind;
        let existing = self.by_ends.get(&(a, b, kind)).or_else(|| {
            if kind.is_symmetric() {
                self.by_ends.get(&(b, a, kind))
            } else {
                None
            }
        });
        if let Some(w) = existing.and_then(|&e| graph.graph.edge_weight_mut(e)) {
            w.weight += relation.weight;
            w.from_catalog |= relation.from_catalog;
            w.evidence.extend(relation.evidence);
            return;
        }
        let edge = graph.graph.add_edge(a, b, relation);
        self.by_ends.insert((a, b, kind), edge);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notes::{NoteFormat, parse_note};

    fn run(text: &str) -> Extraction {
        let catalog = mentions::tests::test_catalog();
        let mut warnings = Vec::new();
        let note = parse_note("n.txt", NoteFormat::Plain, text.to_owned(), &mut warnings);
        let loaded = LoadedNotes {
            notes: vec![note],
            ..LoadedNotes::default()
        };
        let ex = Extractor::new(&catalog).unwrap();
        extract_with(&loaded, &ex)
    }

    /// Every section holds the mentions of the lines it is the innermost section of, in line
    /// order, all of them from one list shared by the note.
    fn check_section_mentions(format: NoteFormat, text: &str) -> usize {
        let ex = Extractor::builtin().unwrap();
        let mut warnings = Vec::new();
        let note = parse_note("n", format, text.to_owned(), &mut warnings);
        let facts = ex.note_facts(0, &note);
        let innermost = |line: u32| {
            note.sections
                .iter()
                .rposition(|s| s.line_start <= line && line <= s.line_end)
        };
        let line_of = |byte: usize| text[..byte].matches('\n').count() as u32 + 1;
        let mut expected: Vec<Vec<(String, u32, usize)>> = vec![Vec::new(); note.sections.len()];
        for (id, start, _) in ex.mentions_in(text) {
            let line = line_of(start);
            if let Some(si) = innermost(line) {
                expected[si].push((id, line, start));
            }
        }
        let mut shared = None;
        for (sf, want) in facts.sections.iter().zip(&expected) {
            let section = &note.sections[sf.section as usize];
            let got: Vec<(String, u32, usize)> = sf
                .mentions_with_lines(&note, section)
                .map(|(m, line)| (m.entity_id().to_owned(), line, m.byte_start()))
                .collect();
            assert_eq!(&got, want, "section {}", note.section_id(section));
            if let Some(all) = &sf.mentions.all {
                assert!(Arc::ptr_eq(
                    shared.get_or_insert_with(|| Arc::clone(all)),
                    all
                ));
            }
        }
        expected.iter().map(Vec::len).sum()
    }

    #[test]
    fn a_parents_lines_after_its_child_join_the_parents_mentions_in_line_order() {
        // Lines 1-2 in section 0, 3 in its child 1, 4 in section 0 again; a mention at line k
        // starts at byte 10k.
        let mut by = BySection::default();
        for (line, section, count) in [(1, 0, 1), (2, 0, 2), (3, 1, 1), (4, 0, 1), (5, 1, 0)] {
            for _ in 0..count {
                by.mentions
                    .push(Mention::new("lambda", line * 10, line * 10 + 6));
            }
            by.ran(section, count);
        }
        assert_eq!(by.runs, [(0, 3), (1, 1), (0, 1)]);
        let mut sections = vec![SectionFacts::default(), SectionFacts::default()];
        by.share(&mut sections);
        let starts = |sf: &SectionFacts| {
            sf.mentions
                .iter()
                .map(|m| m.byte_start())
                .collect::<Vec<_>>()
        };
        assert_eq!(starts(&sections[0]), [10, 20, 20, 40]);
        assert_eq!(starts(&sections[1]), [30]);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

        /// Any mix of headings, outline levels, blank and text lines: each mention goes to the
        /// innermost section of its line (the last one, in order, whose lines hold it), with its
        /// line, as a naive search over all sections finds them.
        #[test]
        fn mentions_go_to_the_innermost_section_of_their_line(
            picks in proptest::collection::vec(0usize..14, 0..40),
            markdown in proptest::bool::ANY,
        ) {
            const LINES: [&str; 14] = [
                "# Amazon S3",
                "## Versioning in S3",
                "### Lambda triggers",
                "#### Deep",
                "",
                "text about IAM and KMS",
                "CodeDeploy -",
                " - EC2 and ECS",
                "\tDynamoDB streams :",
                "\t - Kinesis too",
                " - back in the parent: IAM role",
                "====",
                "plain words",
                "SQS\r",
            ];
            let text: String = picks.iter().map(|&k| format!("{}\n", LINES[k])).collect();
            let format = if markdown { NoteFormat::Markdown } else { NoteFormat::Plain };
            check_section_mentions(format, &text);
        }
    }

    #[test]
    fn lines_are_read_as_the_loader_counts_them() {
        let spans = |text: &str| line_spans(text).collect::<Vec<_>>();
        assert_eq!(spans(""), [(0, 0, 0)]);
        assert_eq!(spans("a\n"), [(0, 0, 2)]);
        assert_eq!(spans("a\nb"), [(0, 0, 2), (1, 2, 3)]);
        assert_eq!(spans("a\r\n\n"), [(0, 0, 3), (1, 3, 4)]);
        assert_eq!(line_text("a\r\n\n", 0, 3), "a");
        assert_eq!(line_text("a\r\n\n", 3, 4), "");
        assert_eq!(line_text("a\nb", 2, 3), "b");
    }

    #[test]
    fn each_section_gets_its_own_lines_mentions_from_one_shared_list() {
        let outline = "Lambda and S3 -\n - SQS queue feeds Lambda\n\tDynamoDB streams :\n\t - Kinesis too\n - back in the parent: IAM role\nCodeDeploy -\n - EC2 and ECS\n";
        assert!(check_section_mentions(NoteFormat::Plain, outline) >= 8);
        let md = "intro names S3\n# Lambda\nSQS and SNS\n## Layers\nEC2\n### Deep\nECS and EKS\n# IAM\nroles and KMS\n";
        assert!(check_section_mentions(NoteFormat::Markdown, md) >= 8);
        let notes = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/notes/devops-pro-outline.txt"
        );
        let text = std::fs::read_to_string(notes).unwrap();
        assert!(check_section_mentions(NoteFormat::Plain, &text) > 100);
    }

    #[test]
    fn mentions_and_relations_stay_compact() {
        // A big collection holds millions of each: the layout is part of the memory budget.
        assert_eq!(std::mem::size_of::<Mention>(), 8);
        // A line's units become mentions in place (the standard library collects a vector
        // into its own allocation when the items are no bigger and equally aligned).
        assert!(std::mem::size_of::<Unit>() >= std::mem::size_of::<Mention>());
        assert_eq!(
            std::mem::align_of::<Unit>(),
            std::mem::align_of::<Mention>()
        );
        assert!(std::mem::size_of::<Found>() <= 20);
        // Longer than any catalog name: cut, never past where it started plus the cap.
        let long = Mention::new("s3", 10, 10 + 1000);
        assert_eq!(
            (long.byte_start(), long.byte_end()),
            (10, 10 + MAX_MENTION_LEN)
        );
        let m = Mention::new("lambda", 3_000_000_000, 3_000_000_200);
        assert_eq!(
            (m.byte_start(), m.byte_end()),
            (3_000_000_000, 3_000_000_200)
        );
        let m = Mention::new("lambda", 10, 16);
        assert_eq!(
            (m.entity_id(), m.byte_start(), m.byte_end()),
            ("lambda", 10, 16)
        );
        let json = serde_json::to_string(&m).unwrap();
        assert!(json.contains("\"entity_id\":\"lambda\""), "{json}");
        assert_eq!(serde_json::from_str::<Mention>(&json).unwrap(), m);
    }

    /// Edges as `source kind target @line` (evidence lines joined), sorted.
    fn edges(x: &Extraction) -> Vec<String> {
        let g = &x.graph.graph;
        let mut out: Vec<String> = g
            .edge_indices()
            .map(|e| {
                let (a, b) = g.edge_endpoints(e).unwrap();
                let r = &g[e];
                let lines: Vec<String> = r.evidence.iter().map(|ev| ev.line.to_string()).collect();
                format!(
                    "{} {} {} @{}",
                    g[a].id,
                    r.kind.as_str(),
                    g[b].id,
                    lines.join(",")
                )
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn a_relation_on_many_lines_keeps_its_first_lines_as_evidence_and_warns() {
        let many = relations::MAX_EVIDENCE_LINES as u32 * 3;
        let mut text = String::new();
        for _ in 0..many {
            text.push_str("Lambda is triggered by S3 events.\n");
        }
        text.push_str("Lambda logs are stored in S3 after a day.\n");
        let x = run(&text);
        let g = &x.graph.graph;
        let edge = |kind: RelationKind| {
            g.edge_indices()
                .map(|e| &g[e])
                .find(|r| r.kind == kind)
                .unwrap()
        };
        let triggers = edge(RelationKind::Triggers);
        let lines: Vec<u32> = triggers.evidence.iter().map(|e| e.line).collect();
        let max = relations::MAX_EVIDENCE_LINES as u32;
        assert_eq!(lines, (1..=max).collect::<Vec<_>>());
        assert_eq!(triggers.weight, many as f32);
        // Another relation of the same note keeps its own line.
        let stores = edge(RelationKind::StoresIn);
        assert_eq!(stores.evidence.len(), 1);
        assert_eq!(stores.evidence[0].line, many + 1);
        let warning = x
            .warnings
            .iter()
            .find(|w| w.message.contains("relation"))
            .expect("a warning about the evidence cap");
        assert_eq!(
            (warning.file.as_str(), warning.line),
            ("n.txt", Some(max + 1))
        );
        assert!(
            warning
                .message
                .contains("1 relation is stated on more than 100 lines"),
            "{}",
            warning.message
        );
    }

    macro_rules! relation {
        ($name:ident, $text:expr, has $want:expr) => {
            #[test]
            fn $name() {
                let got = edges(&run($text));
                assert!(
                    got.iter().any(|e| e == $want),
                    "want {:?} in {:?}",
                    $want,
                    got
                );
            }
        };
        ($name:ident, $text:expr, none) => {
            #[test]
            fn $name() {
                let got = edges(&run($text));
                assert!(got.is_empty(), "want no edge, got {:?}", got);
            }
        };
    }

    relation!(integrates_cue, "CodePipeline integrates CodeCommit and CodeBuild.\n",
        has "codepipeline integrates codebuild @1");
    relation!(passive_trigger, "Lambda is triggered by S3 events.\n",
        has "s3 triggers lambda @1");
    relation!(translates_cue, "SAM translates the template into CloudFormation.\n",
        has "sam translates_to cloudformation @1");
    relation!(stores_in_cue, "Lambda logs are stored in S3 after a day.\n",
        has "lambda stores_in s3 @1");
    relation!(alternative_or, "deployment type : in-place OR blue/green\n",
        has "in-place alternative_to blue-green @1");
    relation!(alternative_over, "the upside of using Jenkins over CodeBuild is control\n",
        has "jenkins alternative_to codebuild @1");
    relation!(compound_part_of, "Notes\n\ntwo dynamodb's global tables here\n",
        has "global-tables part_of dynamodb @3");
    relation!(catalog_relation, "SAM and, much later in another sentence. CloudFormation.\n",
        has "sam translates_to cloudformation @");
    #[test]
    fn a_line_repeating_one_relation_gives_it_once() {
        // Far more than a batch of the line's repeat check, on one line and in one clause.
        let line = "CodePipeline integrates CodeCommit and CodeBuild ".repeat(5_000);
        let x = run(&format!("{line}\n"));
        let got = edges(&x);
        assert!(
            got.contains(&"codepipeline integrates codebuild @1".to_owned()),
            "{got:?}"
        );
        assert!(got.iter().all(|e| e.ends_with("@1")), "{got:?}");
        let g = &x.graph.graph;
        for e in g.edge_indices() {
            // One piece of evidence and the weight of one relation per kind and pair.
            assert_eq!(g[e].evidence.len(), 1);
            assert!(g[e].weight <= 1.0, "{}", g[e].weight);
        }
    }

    relation!(
        long_sentence_no_edge,
        "Lambda runs code and there is a lot to say about that, about memory, timeouts, layers, concurrency, and in the end S3 too\n",
        none
    );
    relation!(heading_subject_bullets,
        "CodePipeline :\n\t- used for integrating CodeCommit, CodeBuild services\n\n",
        has "codepipeline integrates codecommit @2");
    relation!(list_intro,
        "Lambda\n\n- it provides integration with following services :\n\t- S3\n\t- DynamoDB\n",
        has "lambda integrates dynamodb @5");

    #[test]
    fn markers_attach_to_section_and_entities() {
        let x = run("Lambda\n - IMPORTANT: cold starts\n - S3 events, I think\n");
        let markers: Vec<(MarkerKind, u32, Vec<String>)> = x
            .sections
            .iter()
            .flat_map(|s| {
                s.markers
                    .iter()
                    .map(|m| (m.kind, m.line, m.entities.clone()))
            })
            .collect();
        assert_eq!(
            markers,
            vec![
                (MarkerKind::Important, 2, vec!["lambda".to_owned()]),
                (MarkerKind::Uncertain, 3, vec!["s3".to_owned()]),
            ]
        );
    }

    #[test]
    fn nodes_are_only_what_the_notes_name() {
        let x = run("Lambda and S3\n");
        let ids: Vec<&str> = x
            .graph
            .entities_sorted()
            .iter()
            .map(|e| e.id.as_str())
            .collect();
        assert_eq!(ids, ["lambda", "s3"]);
        assert_eq!(x.graph.entity("lambda").unwrap().mentions, 1);
    }
}
