//! Relations from the wording of the notes.
//!
//! Per line and sentence, the entities mentioned are read as units (`dynamodb's global tables` is
//! one unit whose head is `global tables`, and also says `global tables` is part of DynamoDB). A
//! cue word between units names the relation and its direction ([`super::cues`]): the unit
//! nearest before the cue is one end, every unit after it (up to the next cue) the other. With no
//! unit before the cue, the sentence speaks of its section's subject (`CodePipeline :` then
//! `- used for integrating CodeCommit, CodeBuild and CodeDeploy`). A line that ends in `:` or `-`
//! opens a list: its cue and anchor apply to the entities named by the following items
//! (`x-ray provides integration with following services :` then `- lambda`). Items that are just
//! an entity name under a subject are grouped with it. Two entities alone in a short sentence with
//! no cue are weakly related (`other`). Nothing else: being named in the same section is not a
//! relation.

use std::borrow::Cow;
use std::collections::HashSet;

use crate::catalog::{EntryKind, RelationKind};

use super::cues::{CueMatch, CueMatcher, Direction};
use super::markers::strip_bullet;

/// An entity mention inside one line, positions relative to the line: 12 bytes with 4-byte
/// alignment, no smaller than a [`super::Mention`] and aligned alike, so a line's units become
/// mentions in place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unit {
    /// Catalog entry index.
    pub entry: u32,
    /// Byte range in the line (u32: a megabyte line holds one unit per mention while it is read).
    pub start: u32,
    pub end: u32,
}

impl Unit {
    /// The catalog entry index as an index.
    pub fn ix(&self) -> usize {
        self.entry as usize
    }
}

/// What relation extraction needs to know about one line.
#[derive(Clone, Debug)]
pub struct LineFacts<'a> {
    /// The line without its line break.
    pub text: &'a str,
    /// 1-based line number.
    pub line: u32,
    /// Mentions in the line, in order.
    pub units: Vec<Unit>,
    /// The entity the enclosing section is about, if any.
    pub subject: Option<usize>,
    /// The line is a section heading.
    pub heading: bool,
}

/// A relation found in the text.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Found {
    /// Catalog entry indices (u32: a mention-dense note finds many relations).
    pub source: u32,
    pub target: u32,
    pub kind: RelationKind,
    pub line: u32,
    /// 1.0 for a cue, less for weaker structural evidence.
    pub weight: f32,
}

/// Drops repeated relations of the current line while it is read: a megabyte line of the same
/// few names yields the same few relations millions of times. Keeps the first of each (source,
/// target, kind, line), as the final deduplication of the note does, so the result is the same.
#[derive(Default)]
struct Repeats {
    /// `out[..checked]` is not looked at again (earlier lines, or already without repeats).
    checked: usize,
    seen: HashSet<(u32, u32, RelationKind, u32)>,
}

impl Repeats {
    /// Relations found since the last check before repeats are dropped.
    const BATCH: usize = 4096;

    fn new_line(&mut self, out: &[Found]) {
        self.checked = out.len();
        self.seen.clear();
    }

    fn drop_if_many(&mut self, out: &mut Vec<Found>) {
        if out.len() < self.checked + Self::BATCH {
            return;
        }
        let mut write = self.checked;
        for read in self.checked..out.len() {
            let Some(&f) = out.get(read) else { break };
            if self.seen.insert((f.source, f.target, f.kind, f.line)) {
                if let Some(slot) = out.get_mut(write) {
                    *slot = f;
                }
                write += 1;
            }
        }
        out.truncate(write);
        self.checked = write;
    }
}

/// One note keeps at most this many lines as evidence of one relation (source, target, kind). A
/// note that states the same relation on a million lines (generated, or pasted many times) would
/// otherwise hold a million pieces of evidence; the relation's weight still counts every line.
pub const MAX_EVIDENCE_LINES: usize = 100;

/// The relations of a note that were stated on more than [`MAX_EVIDENCE_LINES`] lines.
#[derive(Clone, Debug, Default)]
pub struct EvidenceCap {
    /// (source, target, kind) of each capped relation.
    capped: HashSet<(u32, u32, RelationKind)>,
    /// The first line left out of any relation's evidence.
    first_left_out: Option<u32>,
}

impl EvidenceCap {
    /// How many relations were capped and the first line left out; `None` when none was.
    pub fn summary(&self) -> Option<(usize, u32)> {
        self.first_left_out.map(|line| (self.capped.len(), line))
    }
}

/// Keeps the first of each (source, target, kind, line), in the order found, drops self-relations,
/// and of each relation keeps the lines of its lowest [`MAX_EVIDENCE_LINES`] (a relation is a
/// source, target and kind, either way round for a symmetric kind: one edge of the graph). The
/// weight of the lines left out is added to a line kept, so the relation's weight is unchanged.
/// Sorts 4-byte indices instead of hashing the relations: a note can yield millions.
pub fn dedup_and_cap(found: &mut Vec<Found>, cap: &mut EvidenceCap) {
    let relation = |f: &Found| {
        if f.kind.is_symmetric() && f.target < f.source {
            (f.target, f.source, f.kind)
        } else {
            (f.source, f.target, f.kind)
        }
    };
    let mut order: Vec<u32> = (0..u32::try_from(found.len()).unwrap_or(u32::MAX)).collect();
    // By relation, then line, then direction: repeats of a (source, target, kind, line) are
    // next to each other, the first found first.
    order.sort_unstable_by_key(|&i| {
        found
            .get(i as usize)
            .map(|f| (relation(f), f.line, f.source, f.target, i))
    });
    /// The relation being walked.
    struct Walk {
        relation: (u32, u32, RelationKind),
        /// Distinct lines so far, and the last one.
        lines: usize,
        last_line: u32,
        /// The last index kept, and the weight of the lines left out.
        last_kept: usize,
        left_out: f32,
    }
    let mut keep = vec![false; found.len()];
    let mut folded: Vec<(usize, f32)> = Vec::new();
    let mut fold = |walk: Option<Walk>| {
        if let Some(w) = walk
            && w.left_out != 0.0
        {
            folded.push((w.last_kept, w.left_out));
        }
    };
    let mut previous: Option<(u32, u32, RelationKind, u32)> = None;
    let mut walking: Option<Walk> = None;
    for &i in &order {
        let ix = i as usize;
        let Some(f) = found.get(ix) else { continue };
        let exact = (f.source, f.target, f.kind, f.line);
        if f.source == f.target || previous == Some(exact) {
            continue; // a self-relation, or a repeat of a line already kept
        }
        previous = Some(exact);
        let rel = relation(f);
        if walking.as_ref().is_none_or(|w| w.relation != rel) {
            fold(walking.take());
            walking = Some(Walk {
                relation: rel,
                lines: 0,
                last_line: f.line,
                last_kept: ix,
                left_out: 0.0,
            });
        }
        let Some(w) = walking.as_mut() else { continue };
        if w.lines == 0 || w.last_line != f.line {
            w.lines += 1;
            w.last_line = f.line;
        }
        if w.lines <= MAX_EVIDENCE_LINES {
            if let Some(k) = keep.get_mut(ix) {
                *k = true;
            }
            w.last_kept = ix;
        } else {
            w.left_out += f.weight;
            cap.capped.insert(rel);
            cap.first_left_out = Some(cap.first_left_out.map_or(f.line, |l| l.min(f.line)));
        }
    }
    fold(walking);
    drop(order);
    for (ix, weight) in folded {
        if let Some(f) = found.get_mut(ix) {
            f.weight += weight;
        }
    }
    let mut flags = keep.into_iter();
    found.retain(|_| flags.next().unwrap_or(false));
}

/// A catalog entry index as stored in [`Found`].
fn entry32(entry: usize) -> u32 {
    u32::try_from(entry).unwrap_or(u32::MAX)
}

/// An open list: a line ending in `:`/`-` whose cue applies to the items below it.
#[derive(Clone, Debug)]
struct ListContext {
    anchor: usize,
    kind: Option<RelationKind>,
    /// Items are the source (`item part_of anchor`) rather than the target.
    items_first: bool,
    indent: usize,
    /// Collect items for a comparison (`two types of …`).
    compare: bool,
    siblings: Vec<(usize, u32)>,
}

/// Sentences longer than this (bytes) get no cue-less relation.
const SHORT_SENTENCE: usize = 110;

/// Relations in the lines of one note: each (source, target, kind, line) once, in the order found,
/// at most [`MAX_EVIDENCE_LINES`] lines of each (source, target, kind) (see [`dedup_and_cap`]); and
/// which relations had more. Each line's units are handed to `done` once, as found, with the
/// line's number: at the end of the line, or before compound units are merged in their place (so
/// that a megabyte line's units can become its mentions without a second list of units).
pub fn relations<'a>(
    lines: impl IntoIterator<Item = LineFacts<'a>>,
    kinds: &[EntryKind],
    cues: &CueMatcher,
    mut done: impl FnMut(u32, Cow<'_, [Unit]>),
) -> (Vec<Found>, EvidenceCap) {
    /// The list is compacted (repeats and lines past the cap dropped) when it reaches this size,
    /// then when it doubles: a note that repeats a few relations on every line holds few at once.
    const COMPACT_FROM: usize = 1 << 16;
    let mut out = Vec::new();
    let mut cap = EvidenceCap::default();
    let mut compact_at = COMPACT_FROM;
    let mut repeats = Repeats::default();
    let mut list: Option<ListContext> = None;
    // A term line (`- Rolling :`) whose next line defines it.
    let mut term: Option<(usize, usize, bool)> = None;
    for mut facts in lines {
        let trimmed = facts.text.trim();
        if trimmed.is_empty() {
            done(facts.line, Cow::Owned(std::mem::take(&mut facts.units)));
            continue;
        }
        let defined = term.take();
        let indent = indent_of(facts.text);
        let bulleted = strip_bullet(trimmed).len() != trimmed.len();
        // Close the list when the outline returns to the intro's level.
        if let Some(ctx) = &list
            && (facts.heading || (indent <= ctx.indent && !bulleted))
        {
            close_list(ctx, &mut out);
            list = None;
        }
        if out.len() >= compact_at {
            dedup_and_cap(&mut out, &mut cap);
            compact_at = (out.len() * 2).max(COMPACT_FROM);
        }
        repeats.new_line(&out);
        let (units, handed) = compound_units(&mut facts, kinds, &mut out, &mut repeats, &mut done);
        let list_anchor = list.as_ref().map(|c| c.anchor);
        let implied = list_anchor.or(facts.subject);
        let mut produced = false;
        let mut open: Option<ListContext> = None;
        // Units in text order (the usual case): each clause and cue looks only at its own slice
        // of them, so a megabyte-long line is not quadratic.
        let sorted = units.is_sorted_by_key(|u| u.start);
        let starting_in = |units: &[Unit], from: usize, to: usize| -> (usize, usize) {
            if sorted {
                (
                    units.partition_point(|u| (u.start as usize) < from),
                    units.partition_point(|u| (u.start as usize) < to),
                )
            } else {
                (0, units.len())
            }
        };
        for (clause_start, clause_end) in clauses(facts.text) {
            let (a, b) = starting_in(&units, clause_start, clause_end);
            let in_clause =
                |u: &Unit| u.start as usize >= clause_start && u.end as usize <= clause_end;
            let slice = units.get(a..b).unwrap_or(&[]);
            // Borrowed when the range is exact (a clause of a megabyte line is not copied).
            let clause_units: Cow<'_, [Unit]> = if slice.iter().all(in_clause) {
                Cow::Borrowed(slice)
            } else {
                Cow::Owned(slice.iter().copied().filter(in_clause).collect())
            };
            let Some(clause) = facts.text.get(clause_start..clause_end) else {
                continue;
            };
            // Streamed: a clause of a megabyte line holds millions of cues.
            let wanted = !clause_units.is_empty() || implied.is_some();
            let mut found_cues = wanted
                .then(|| cues.find_iter(clause))
                .into_iter()
                .flatten()
                .map(|c| CueMatch {
                    start: c.start + clause_start,
                    end: c.end + clause_start,
                    ..c
                })
                .peekable();
            // Whether a cue yielded a relation (counted per cue: repeats are dropped on the way).
            let mut clause_pushed = false;
            let mut at = out.len();
            while let Some(cue) = found_cues.next() {
                let cue = &cue;
                clause_pushed |= out.len() > at;
                repeats.drop_if_many(&mut out);
                at = out.len();
                let next_cue = found_cues
                    .peek()
                    .map_or(clause_end, |c| c.start.max(cue.end));
                let (_, before_cue) = starting_in(&clause_units, 0, cue.start + 1);
                let left = clause_units
                    .get(..before_cue)
                    .unwrap_or(&[])
                    .iter()
                    .rev()
                    .find(|u| u.end as usize <= cue.start)
                    .copied();
                let (ra, rb) = starting_in(&clause_units, cue.end, next_cue);
                let right: Vec<Unit> = clause_units
                    .get(ra..rb)
                    .unwrap_or(&[])
                    .iter()
                    .copied()
                    .filter(|u| u.start as usize >= cue.end && (u.start as usize) < next_cue)
                    .collect();
                if cue.cue.phrase == "over"
                    && left
                        .is_none_or(|l| words_between(facts.text, l.end as usize, cue.start) != 0)
                {
                    continue;
                }
                let left_entry = left.map(|u| u.ix()).or(implied);
                if right.is_empty() {
                    let rest = facts.text.get(cue.end..).unwrap_or("");
                    if let (Some(l), Some(subject)) = (left_entry, facts.subject)
                        && starts_with_pronoun(rest)
                        && l != subject
                    {
                        push(&mut out, cue, l, subject, facts.line, 1.0);
                    } else if let Some(anchor) = left_entry
                        && ends_list_intro(trimmed)
                    {
                        open = Some(ListContext {
                            anchor,
                            kind: Some(cue.cue.kind),
                            items_first: cue.cue.direction == Direction::Reverse,
                            indent,
                            compare: false,
                            siblings: Vec::new(),
                        });
                    }
                    continue;
                }
                if left.is_none()
                    && cue.cue.direction != Direction::Symmetric
                    && ends_list_intro(trimmed)
                    && let Some(anchor) = right.last()
                {
                    // `4 services that come under Kinesis are :` — the items are the sources.
                    open = Some(ListContext {
                        anchor: anchor.ix(),
                        kind: Some(cue.cue.kind),
                        items_first: cue.cue.direction == Direction::Forward,
                        indent,
                        compare: is_comparison_intro(trimmed),
                        siblings: Vec::new(),
                    });
                    continue;
                }
                let Some(l) = left_entry else { continue };
                for r in right {
                    push(&mut out, cue, l, r.ix(), facts.line, 1.0);
                }
            }
            clause_pushed |= out.len() > at;
            let after_cues = out.len();
            let distinct = distinct_entries(&clause_units);
            if !clause_pushed {
                // `in-place OR blue/green`: two units with only `or`/`/` between them.
                let alternatives: Vec<(usize, usize)> = clause_units
                    .windows(2)
                    .filter_map(|w| match w {
                        [ua, ub]
                            if ua.ix() != ub.ix()
                                && kinds.get(ua.ix()) == kinds.get(ub.ix())
                                && is_or_between(
                                    facts.text,
                                    ua.end as usize,
                                    ub.start as usize,
                                    clause_units.len(),
                                ) =>
                        {
                            Some((ua.ix(), ub.ix()))
                        }
                        _ => None,
                    })
                    .collect();
                if !alternatives.is_empty() {
                    for (a, b) in alternatives {
                        out.push(Found {
                            source: entry32(a),
                            target: entry32(b),
                            kind: RelationKind::AlternativeTo,
                            line: facts.line,
                            weight: 1.0,
                        });
                    }
                } else if let [a, b] = distinct.as_slice()
                    && clause_end - clause_start <= SHORT_SENTENCE
                    && !facts.heading
                    && let (Some(ua), Some(ub)) = (
                        clause_units.iter().find(|u| u.ix() == *a),
                        clause_units.iter().rev().find(|u| u.ix() == *b),
                    )
                    && close_without_comma(
                        facts.text,
                        clause_start,
                        ua.end as usize,
                        ub.start as usize,
                    )
                {
                    out.push(Found {
                        source: entry32(*a),
                        target: entry32(*b),
                        kind: RelationKind::Other,
                        line: facts.line,
                        weight: 0.5,
                    });
                }
            }
            produced |= clause_pushed || out.len() > after_cues;
        }
        if let Some(ctx) = list.as_mut()
            && ctx.compare
            && let Some(item) = item_head(facts.text, &units)
            && indent > ctx.indent
        {
            ctx.siblings.push((item, facts.line));
        }
        // An item that is just an entity name (`- Fargate`, `- EKS : managed Kubernetes`).
        if !produced
            && !facts.heading
            && let Some(item) = item_head(facts.text, &units)
        {
            if let Some(ctx) = list.as_mut() {
                if item != ctx.anchor {
                    let kind = ctx.kind.unwrap_or_else(|| grouping_kind(kinds, item));
                    let (s, t) = if ctx.items_first {
                        (item, ctx.anchor)
                    } else {
                        (ctx.anchor, item)
                    };
                    let (s, t, kind) = orient(s, t, kind, kinds);
                    out.push(Found {
                        source: entry32(s),
                        target: entry32(t),
                        kind,
                        line: facts.line,
                        weight: 0.5,
                    });
                }
            } else if let Some(subject) = facts.subject
                && subject != item
                && bulleted
            {
                let (s, t, kind) = orient(subject, item, grouping_kind(kinds, item), kinds);
                out.push(Found {
                    source: entry32(s),
                    target: entry32(t),
                    kind,
                    line: facts.line,
                    weight: 0.5,
                });
            }
        }
        // The first line of a term's definition names one other entity: the term relates to it.
        // (Introduced by `:`/`-`, or indented below the term; a sibling bullet is not one.)
        if !produced
            && let Some((t, term_indent, introduced)) = defined
            && (introduced || indent > term_indent)
            && let [only] = distinct_entries(&units)
                .into_iter()
                .filter(|e| *e != t)
                .collect::<Vec<_>>()
                .as_slice()
        {
            out.push(Found {
                source: entry32(t),
                target: entry32(*only),
                kind: RelationKind::Other,
                line: facts.line,
                weight: 0.5,
            });
        }
        if let [only] = &units[..]
            && is_term_line(facts.text, only)
        {
            term = Some((only.ix(), indent, ends_list_intro(trimmed)));
        }
        // A cue-less list intro (`Ways to achieve blue-green deployment :`, `two types of …`).
        if open.is_none()
            && !facts.heading
            && ends_list_intro(trimmed)
            && let Some(anchor) = units.last().map(|u| u.ix()).or(facts.subject)
        {
            let compare = is_comparison_intro(trimmed);
            open = Some(ListContext {
                anchor,
                kind: None,
                items_first: false,
                indent,
                compare,
                siblings: Vec::new(),
            });
        }
        if let Some(ctx) = open {
            if let Some(old) = &list {
                close_list(old, &mut out);
            }
            list = Some(ctx);
        }
        if !handed {
            done(facts.line, Cow::Owned(units));
        }
    }
    if let Some(ctx) = &list {
        close_list(ctx, &mut out);
    }
    dedup_and_cap(&mut out, &mut cap);
    out.shrink_to_fit();
    (out, cap)
}

/// The relation kind between a subject and a bare item under it: a concept or a topic is part of
/// its subject; anything else is related without a named kind.
fn grouping_kind(kinds: &[EntryKind], item: usize) -> RelationKind {
    match kinds.get(item) {
        Some(EntryKind::Concept) => RelationKind::PartOf,
        _ => RelationKind::Other,
    }
}

/// `part_of` points from the part (a concept) to the whole.
fn orient(
    subject: usize,
    item: usize,
    kind: RelationKind,
    kinds: &[EntryKind],
) -> (usize, usize, RelationKind) {
    if kind == RelationKind::PartOf {
        let subject_is_concept = kinds.get(subject) == Some(&EntryKind::Concept);
        let item_is_concept = kinds.get(item) == Some(&EntryKind::Concept);
        if item_is_concept || !subject_is_concept {
            return (item, subject, kind);
        }
        return (subject, item, kind);
    }
    (subject, item, kind)
}

fn close_list(ctx: &ListContext, out: &mut Vec<Found>) {
    if !ctx.compare || !(2..=4).contains(&ctx.siblings.len()) {
        return;
    }
    for (i, &(a, line)) in ctx.siblings.iter().enumerate() {
        for &(b, _) in ctx.siblings.iter().skip(i + 1) {
            if a != b {
                out.push(Found {
                    source: entry32(a),
                    target: entry32(b),
                    kind: RelationKind::ComparedWith,
                    line,
                    weight: 0.5,
                });
            }
        }
    }
}

fn push(out: &mut Vec<Found>, cue: &CueMatch, left: usize, right: usize, line: u32, weight: f32) {
    let (source, target) = match cue.cue.direction {
        Direction::Forward | Direction::Symmetric => (left, right),
        Direction::Reverse => (right, left),
    };
    out.push(Found {
        source: entry32(source),
        target: entry32(target),
        kind: cue.cue.kind,
        line,
        weight,
    });
}

/// Merges adjacent mentions (`dynamodb's global tables`, `DynamoDB Global table`, and in a heading
/// `CloudFormation - StackSets`) into one unit whose head is the last; records `head part_of
/// modifier` when the head is a concept of a service or tool. Takes the line's units; when some
/// merge, they are handed to `done` first and merged in place. Returns the units and whether
/// they were handed.
fn compound_units(
    facts: &mut LineFacts<'_>,
    kinds: &[EntryKind],
    out: &mut Vec<Found>,
    repeats: &mut Repeats,
    done: &mut impl FnMut(u32, Cow<'_, [Unit]>),
) -> (Vec<Unit>, bool) {
    let mut units = std::mem::take(&mut facts.units);
    let (text, line, heading) = (facts.text, facts.line, facts.heading);
    let gap = |a: &Unit, b: &Unit| text.get(a.end as usize..b.start as usize).unwrap_or("x");
    let is_part = |modifier: usize, head: usize| {
        kinds.get(head) == Some(&EntryKind::Concept)
            && matches!(
                kinds.get(modifier),
                Some(EntryKind::Service | EntryKind::Tool)
            )
    };
    let merges = |a: &Unit, b: &Unit| {
        let g = gap(a, b);
        (a.ix() == b.ix() && is_compound_gap(g, true))
            || (is_compound_gap(g, heading) && is_part(a.ix(), b.ix()))
    };
    // Nothing to merge (the usual case): the line's units as they are, and only the heading
    // pairs, in the order the loop below would find them.
    if !units
        .windows(2)
        .any(|w| matches!(w, [a, b] if merges(a, b)))
    {
        if heading {
            for w in units.windows(2) {
                if let [a, b] = w
                    && is_heading_pair_gap(gap(a, b))
                    && a.ix() != b.ix()
                {
                    out.push(Found {
                        source: a.entry,
                        target: b.entry,
                        kind: RelationKind::Other,
                        line,
                        weight: 0.5,
                    });
                }
            }
        }
        return (units, false);
    }
    done(line, Cow::Borrowed(&units));
    // Merged in place: `units[..kept]` are the compound units so far, the last one `prev`.
    let mut kept: usize = 0;
    for read in 0..units.len() {
        let Some(&u) = units.get(read) else { break };
        repeats.drop_if_many(out);
        if let Some(prev) = kept.checked_sub(1).and_then(|p| units.get_mut(p)) {
            let gap = text.get(prev.end as usize..u.start as usize).unwrap_or("x");
            if prev.ix() == u.ix() && is_compound_gap(gap, true) {
                prev.end = u.end;
                continue;
            }
            if heading && is_heading_pair_gap(gap) && prev.ix() != u.ix() {
                // `RTO and RPO`, `Infrastructure as Code - CloudFormation`: the section pairs them.
                out.push(Found {
                    source: prev.entry,
                    target: u.entry,
                    kind: RelationKind::Other,
                    line,
                    weight: 0.5,
                });
            }
            if is_compound_gap(gap, heading) {
                let modifier = prev.ix();
                let head_kind = kinds.get(u.ix());
                let mod_kind = kinds.get(modifier);
                if head_kind == Some(&EntryKind::Concept)
                    && matches!(mod_kind, Some(EntryKind::Service | EntryKind::Tool))
                {
                    out.push(Found {
                        source: u.entry,
                        target: entry32(modifier),
                        kind: RelationKind::PartOf,
                        line,
                        weight: 1.0,
                    });
                    *prev = Unit {
                        entry: u.entry,
                        start: prev.start,
                        end: u.end,
                    };
                    continue;
                }
            }
        }
        if let Some(slot) = units.get_mut(kept) {
            *slot = u;
        }
        kept += 1;
    }
    units.truncate(kept);
    (units, true)
}

fn is_heading_pair_gap(gap: &str) -> bool {
    let g = gap.trim().to_ascii_lowercase();
    matches!(
        g.as_str(),
        "-" | ":" | "–" | "and" | "&" | "vs" | "vs." | "/"
    )
}

fn is_compound_gap(gap: &str, heading: bool) -> bool {
    let g = gap.trim();
    if g.is_empty() || g == "'s" || g == "-" && !gap.contains(' ') {
        return true;
    }
    heading && matches!(g, "-" | ":" | "–")
}

/// Byte ranges of the sentences of a line.
fn clauses(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let ends = match b {
            b';' => true,
            b'.' | b'?' | b'!' => bytes.get(i + 1).is_none_or(|n| *n == b' ' || *n == b'\t'),
            _ => false,
        };
        // `e.g.` and `i.e.` do not end a sentence.
        let abbrev = b == b'.'
            && i >= 3
            && text
                .get(i - 3..=i)
                .is_some_and(|t| t.eq_ignore_ascii_case("e.g.") || t.eq_ignore_ascii_case("i.e."));
        if ends && !abbrev {
            out.push((start, i));
            start = i + 1;
        }
    }
    if start < text.len() {
        out.push((start, text.len()));
    }
    out
}

fn distinct_entries(units: &[Unit]) -> Vec<usize> {
    let mut ids: Vec<usize> = Vec::with_capacity(units.len());
    for u in units {
        if !ids.contains(&u.ix()) {
            ids.push(u.ix());
        }
    }
    ids
}

/// `A or B`; `A/B` only when the clause names just the two (`network interface/subnet/vpc` is
/// a list, not a choice).
fn is_or_between(text: &str, a_end: usize, b_start: usize, units_in_clause: usize) -> bool {
    let Some(gap) = text.get(a_end..b_start) else {
        return false;
    };
    let g = gap.trim().to_ascii_lowercase();
    g == "or" || g == "either or" || (g == "/" && units_in_clause == 2)
}

/// Two mentions a few words apart in the same phrase (no comma between): `CloudSearch … similar
/// to ElasticSearch`, not `…, and Amazon SQS`. One comma may close an introductory phrase that
/// the first mention is in (`In case of ECS deployments, only AllAtOnce is supported`).
fn close_without_comma(text: &str, clause_start: usize, a_end: usize, b_start: usize) -> bool {
    let Some(gap) = text.get(a_end..b_start) else {
        return false;
    };
    if gap.split_whitespace().count() > 8 {
        return false;
    }
    match gap.matches(',').count() {
        0 => true,
        1 => {
            let lead = text
                .get(clause_start..a_end)
                .map(|t| strip_bullet(t.trim()).to_ascii_lowercase())
                .unwrap_or_default();
            [
                "in case of",
                "for ",
                "with ",
                "if ",
                "when ",
                "during ",
                "unlike ",
            ]
            .iter()
            .any(|p| lead.starts_with(p))
        }
        _ => false,
    }
}

fn words_between(text: &str, a: usize, b: usize) -> usize {
    text.get(a..b)
        .map_or(usize::MAX, |g| g.split_whitespace().count())
}

fn starts_with_pronoun(rest: &str) -> bool {
    let word: String = rest
        .trim_start()
        .chars()
        .take_while(char::is_ascii_alphabetic)
        .collect::<String>()
        .to_ascii_lowercase();
    matches!(word.as_str(), "it" | "them" | "this" | "these")
}

/// A line ending like a list intro: `… :`, `… -`, `… :-`.
fn ends_list_intro(trimmed: &str) -> bool {
    let t = trimmed.trim_end_matches(['-', ' ', '\t', '>']);
    trimmed.ends_with(':') || trimmed.ends_with(" -") || trimmed.ends_with(":-") || t.ends_with(':')
}

/// The entity a list item names when the item is essentially that name: the first unit starts
/// the item and is followed by the end, `:`, `-`, `(` or `,`.
fn item_head(text: &str, units: &[Unit]) -> Option<usize> {
    let first = units.first()?;
    let trimmed_start = text.len() - text.trim_start().len();
    let body_start = text.len() - strip_bullet(text).len();
    let lead = text.get(trimmed_start.min(body_start)..first.start as usize)?;
    if !strip_bullet(lead).trim().is_empty() {
        return None;
    }
    let rest = text.get(first.end as usize..)?.trim();
    let ok = rest.is_empty()
        || rest.starts_with(':')
        || rest.starts_with("- ")
        || rest.starts_with('(')
        || rest.starts_with(',')
        || rest == "-"
        || rest == ".";
    ok.then_some(first.ix())
}

/// `two types of health checks -`, `Web vs Worker :`: the items that follow are compared.
fn is_comparison_intro(trimmed: &str) -> bool {
    let lower = trimmed.to_ascii_lowercase();
    ["types", "kinds", " vs", "difference", "two ", "2 "]
        .iter()
        .any(|w| lower.contains(w))
}

/// A line that is just a term: `- Rolling :`, `Immutable`, `CodeDeploy -`.
fn is_term_line(text: &str, unit: &Unit) -> bool {
    let lead = text.get(..unit.start as usize).unwrap_or("x");
    let rest = text.get(unit.end as usize..).unwrap_or("x").trim();
    strip_bullet(lead).trim().is_empty() && matches!(rest, "" | ":" | "-" | ":-" | "=" | "--")
}

/// Width of the leading whitespace (a tab counts four).
fn indent_of(line: &str) -> usize {
    line.bytes()
        .take_while(|b| *b == b' ' || *b == b'\t')
        .map(|b| if b == b'\t' { 4 } else { 1 })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(source: u32, target: u32, line: u32, weight: f32) -> Found {
        Found {
            source,
            target,
            kind: RelationKind::Uses,
            line,
            weight,
        }
    }

    #[test]
    fn repeated_relations_keep_the_first_of_each_in_order() {
        let mut found = vec![
            f(1, 2, 3, 1.0),
            f(2, 1, 3, 1.0),
            f(1, 2, 3, 0.5),
            f(3, 3, 3, 1.0),
            f(1, 2, 4, 1.0),
            f(2, 1, 3, 0.5),
        ];
        let mut cap = EvidenceCap::default();
        dedup_and_cap(&mut found, &mut cap);
        assert_eq!(found, [f(1, 2, 3, 1.0), f(2, 1, 3, 1.0), f(1, 2, 4, 1.0)]);
        assert_eq!(cap.summary(), None);
    }

    #[test]
    fn a_relation_keeps_its_lowest_lines_and_the_weight_of_all() {
        // 250 lines of 1 -> 2, given highest line first, and 3 lines of 1 -> 3.
        let mut found: Vec<Found> = (1..=250).rev().map(|l| f(1, 2, l, 0.5)).collect();
        found.extend((1..=3).map(|l| f(1, 3, l, 1.0)));
        let mut cap = EvidenceCap::default();
        dedup_and_cap(&mut found, &mut cap);
        let lines = |t: u32| -> Vec<u32> {
            let mut l: Vec<u32> = found
                .iter()
                .filter(|x| x.target == t)
                .map(|x| x.line)
                .collect();
            l.sort_unstable();
            l
        };
        assert_eq!(
            lines(2),
            (1..=MAX_EVIDENCE_LINES as u32).collect::<Vec<_>>()
        );
        assert_eq!(lines(3), [1, 2, 3]);
        let weight = |t: u32| -> f32 {
            found
                .iter()
                .filter(|x| x.target == t)
                .map(|x| x.weight)
                .sum()
        };
        assert_eq!(weight(2), 125.0);
        assert_eq!(weight(3), 3.0);
        assert_eq!(cap.summary(), Some((1, MAX_EVIDENCE_LINES as u32 + 1)));
        // A symmetric relation is one edge either way round: both directions share the cap.
        let mut both: Vec<Found> = (1..=150)
            .flat_map(|l| {
                let other = |s, t| Found {
                    kind: RelationKind::Other,
                    ..f(s, t, l, 0.5)
                };
                [other(4, 5), other(5, 4)]
            })
            .collect();
        let mut cap2 = EvidenceCap::default();
        dedup_and_cap(&mut both, &mut cap2);
        assert_eq!(both.len(), 2 * MAX_EVIDENCE_LINES);
        assert!(both.iter().all(|x| x.line as usize <= MAX_EVIDENCE_LINES));
        assert_eq!(both.iter().map(|x| x.weight).sum::<f32>(), 150.0);
        assert_eq!(cap2.summary(), Some((1, MAX_EVIDENCE_LINES as u32 + 1)));
        // Compacting again (as a long note does while it is read) changes nothing.
        let before = found.clone();
        dedup_and_cap(&mut found, &mut cap);
        assert_eq!(found, before);
    }
}
