//! Invariants of the note parsers, the query parser and the study-file loader. Shared by the fuzz
//! targets (`fuzz/fuzz_targets/*.rs` include this file) and by the regression tests of the inputs
//! the fuzzer found: each check returns what is wrong instead of panicking, so a test can show it.

use std::collections::HashSet;

use cloudatlas::notes::{Note, NoteFormat};
use cloudatlas::search::query::{Filter, MAX_QUERY_BYTES, MAX_WORDS, ParsedQuery};
use cloudatlas::study::Store;
use cloudatlas::study::storage::{self, Unreadable};

/// Byte ranges of the lines of `text` as the notes module counts them: `\n` or `\r\n` ends a
/// line, a final newline does not start an empty line.
pub fn line_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            let end = if i > start && text.as_bytes()[i - 1] == b'\r' {
                i - 1
            } else {
                i
            };
            spans.push((start, end));
            start = i + 1;
        }
    }
    if start < text.len() {
        let end = if text.ends_with('\r') {
            text.len() - 1
        } else {
            text.len()
        };
        spans.push((start, end));
    }
    spans
}

/// Checks a parsed note: every section's lines and bytes inside the text and matching each other,
/// sections in line order, sections of one level never sharing a line, a sub-section inside the
/// section it belongs to, unique ids, heading paths ending in the title, levels the format
/// allows, wikilinks on lines of the note and tags sorted without duplicates.
pub fn check_note(note: &Note) -> Result<(), String> {
    let text = &note.text;
    let spans = line_spans(text);
    let n = spans.len();
    let max_level = match note.format {
        NoteFormat::Plain => 2,
        NoteFormat::Markdown => 6,
    };
    let mut ids = HashSet::new();
    let mut previous_start = 0;
    let section_ids: Vec<String> = note.sections.iter().map(|s| note.section_id(s)).collect();
    for ((k, s), id) in note.sections.iter().enumerate().zip(&section_ids) {
        let at = format!("section {k} `{id}` ({}–{})", s.line_start, s.line_end);
        if *s.file != *note.file {
            return Err(format!("{at}: file {} is not the note's", s.file));
        }
        if !id.starts_with(&format!("{}#", note.file)) {
            return Err(format!("{at}: id does not start with the file"));
        }
        if !ids.insert(id.as_str()) {
            return Err(format!("{at}: id used twice"));
        }
        if s.line_start < 1 || s.line_start > s.line_end || s.line_end as usize > n {
            return Err(format!("{at}: lines outside 1..={n}"));
        }
        if s.line_start <= previous_start {
            return Err(format!("{at}: not after the previous section's first line"));
        }
        previous_start = s.line_start;
        if s.level > max_level {
            return Err(format!("{at}: level {} above {max_level}", s.level));
        }
        if s.level > 0 && s.title.trim().is_empty() {
            return Err(format!("{at}: empty title"));
        }
        if s.title.contains('\n') {
            return Err(format!("{at}: title holds a line break"));
        }
        if let Some(p) = s.parent {
            let parent = note.sections.get(p as usize);
            if p as usize >= k || parent.is_none_or(|p| p.level >= s.level || p.level == 0) {
                return Err(format!(
                    "{at}: parent {p} is not an earlier, higher heading"
                ));
            }
        }
        // The parent is the nearest earlier heading of a higher level whose lines hold this one.
        let enclosing = note.sections[..k].iter().rposition(|p| {
            p.level >= 1
                && p.level < s.level
                && p.line_start < s.line_start
                && p.line_end >= s.line_start
        });
        if s.level >= 1 && s.parent.map(|p| p as usize) != enclosing {
            return Err(format!(
                "{at}: parent {:?}, enclosed by {enclosing:?}",
                s.parent
            ));
        }
        let path = note.heading_path(s);
        if path.last() != Some(&&*s.title) {
            return Err(format!("{at}: heading path does not end in the title"));
        }
        if path.len() > usize::from(s.level.max(1)) {
            return Err(format!("{at}: heading path deeper than the level"));
        }
        let first = spans[s.line_start as usize - 1];
        let last = spans[s.line_end as usize - 1];
        if s.byte_range() != (first.0..last.1.max(first.0)) {
            return Err(format!(
                "{at}: bytes {}..{} are not lines' {}..{}",
                s.byte_start, s.byte_end, first.0, last.1
            ));
        }
        if text.get(s.byte_range()).is_none() || note.section_text(s).len() != s.byte_range().len()
        {
            return Err(format!("{at}: bytes not on character boundaries"));
        }
    }
    // Per level: no line in two sections; nesting: a section inside the one that encloses it.
    // Sections start in order, so only those still open at a section's first line can overlap it
    // (at most one per level, as sections of one level never overlap).
    let mut open: Vec<&cloudatlas::notes::Section> = Vec::new();
    for s in &note.sections {
        open.retain(|p| p.line_end >= s.line_start);
        for p in &open {
            if p.level == s.level {
                return Err(format!(
                    "`{}` and `{}` (level {}) share lines",
                    note.section_id(p),
                    note.section_id(s),
                    s.level
                ));
            }
            if p.level >= 1 && p.level < s.level && s.line_end > p.line_end {
                return Err(format!(
                    "`{}` ({}–{}) runs past its parent `{}` ({}–{})",
                    note.section_id(s),
                    s.line_start,
                    s.line_end,
                    note.section_id(p),
                    p.line_start,
                    p.line_end
                ));
            }
        }
        open.push(s);
    }
    for link in &note.links {
        if link.line < 1 || link.line as usize > n {
            return Err(format!(
                "wikilink `{}` on line {} of {n}",
                link.target, link.line
            ));
        }
    }
    let lower: Vec<String> = note.tags.iter().map(|t| t.to_lowercase()).collect();
    let unique: HashSet<&String> = lower.iter().collect();
    if unique.len() != lower.len() {
        return Err(format!("tags repeat: {:?}", note.tags));
    }
    if note.tags.iter().any(|t| t.is_empty()) {
        return Err(format!("an empty tag: {:?}", note.tags));
    }
    Ok(())
}

/// Checks a parsed query against the query it came from.
pub fn check_query(query: &str, parsed: &ParsedQuery) -> Result<(), String> {
    if parsed.words.len() > MAX_WORDS {
        return Err(format!(
            "{} words, more than {MAX_WORDS}",
            parsed.words.len()
        ));
    }
    let mut cut = query.len().min(MAX_QUERY_BYTES);
    while !query.is_char_boundary(cut) {
        cut -= 1;
    }
    let looked_at = &query[..cut];
    for w in &parsed.words {
        if w.text.is_empty() || !w.text.chars().all(char::is_alphanumeric) {
            return Err(format!("word {:?} is not letters and digits", w.text));
        }
        if w.lower != w.text.to_lowercase() {
            return Err(format!("word {:?} lowercased as {:?}", w.text, w.lower));
        }
        if !looked_at.contains(w.text.as_str()) {
            return Err(format!("word {:?} is not in the query", w.text));
        }
        if w.chunk.is_some() && w.stop {
            return Err(format!(
                "word {:?} in a chunk marked as a stop word",
                w.text
            ));
        }
    }
    for words in parsed.phrases.iter().chain(&parsed.excluded) {
        if words.is_empty() || words.iter().any(|w| w.is_empty()) {
            return Err(format!("empty phrase or word in {words:?}"));
        }
    }
    for f in &parsed.filters {
        let (Filter::In(v) | Filter::Kind(v)) = f;
        if v.is_empty() {
            return Err(format!("empty filter value in {f:?}"));
        }
    }
    if parsed.last_is_prefix && parsed.words.is_empty() {
        return Err("a prefix without words".to_owned());
    }
    Ok(())
}

/// Checks what the study loader made of some bytes: an error, or a store whose numbers are
/// finite and which comes back unchanged through a save (the text [`storage::to_ron`] writes)
/// and a load.
pub fn check_study_bytes(bytes: &[u8]) -> Result<Option<Store>, String> {
    let store = match storage::parse(bytes) {
        Ok(store) => store,
        Err(Unreadable::Corrupt(reason)) if reason.trim().is_empty() => {
            return Err("a corrupt file without a reason".to_owned());
        }
        Err(_) => return Ok(None),
    };
    for (key, mark) in &store.marks {
        if mark.id != *key {
            return Err(format!("mark filed under {key:?} has id {:?}", mark.id));
        }
        let memories = mark
            .memory
            .iter()
            .chain(mark.reviews.iter().map(|r| &r.memory));
        for m in memories {
            if !m.stability.is_finite() || !m.difficulty.is_finite() {
                return Err(format!("mark {key:?}: memory {m:?} not finite"));
            }
        }
        if mark.reviews.iter().any(|r| !r.interval_days.is_finite()) {
            return Err(format!("mark {key:?}: interval not finite"));
        }
    }
    let text = storage::to_ron(&store).map_err(|e| format!("cannot save: {e}"))?;
    let again = storage::parse(text.as_bytes())
        .map_err(|e| format!("saved text unreadable: {e:?}\n{text}"))?;
    if again != store {
        return Err(format!("changed by a save and load:\n{store:?}\n{again:?}"));
    }
    Ok(Some(store))
}

/// Checks the hits of a search: at most `limit`, best first with finite scores, no section twice,
/// highlights inside their snippet on character boundaries.
pub fn check_hits(hits: &[cloudatlas::search::Hit], limit: usize) -> Result<(), String> {
    if hits.len() > limit {
        return Err(format!("{} hits for a limit of {limit}", hits.len()));
    }
    let mut seen = HashSet::new();
    for (k, h) in hits.iter().enumerate() {
        if !h.score.is_finite() {
            return Err(format!("hit {k} `{}` scores {}", h.section_id, h.score));
        }
        if k > 0 && hits[k - 1].score < h.score {
            return Err(format!(
                "hit {k} `{}` scores above the one before",
                h.section_id
            ));
        }
        if !seen.insert(h.section_id.as_str()) {
            return Err(format!("section `{}` found twice", h.section_id));
        }
        for r in &h.snippet.highlights {
            if h.snippet.text.get(r.clone()).is_none() {
                return Err(format!(
                    "highlight {r:?} outside snippet of {} bytes of `{}`",
                    h.snippet.text.len(),
                    h.section_id
                ));
            }
        }
    }
    Ok(())
}
