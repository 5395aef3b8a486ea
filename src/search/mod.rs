//! Full-text search over the sections of the notes with tantivy: BM25 with boosted titles,
//! as-you-type prefixes, typo tolerance, phrases, exclusions and AWS-aware aliases.
//!
//! Owns: the index (in memory or cached on disk), parsing queries, ranking, snippets.
//! Leaves what a section is to [`crate::notes`] and [`crate::compile`].
//!
//! API contract used by the app (keep these names; add freely):
//! `SearchIndex::build(&Compiled)`, `SearchIndex::search(&self, query, limit)`, [`Hit`],
//! [`Snippet`].
//!
//! # How a query is ranked
//! Every section is indexed twice: stemmed (`en_stem`, with positions, for exact words and
//! phrases) and as plain lowercase words (for typo correction and completion). Its title, the
//! titles of the sections around it (its heading path) and its own text (without its
//! sub-sections, which are sections of their own) are separate fields, boosted 3 : 1.5 : 1.
//!
//! Each meaningful word of the query (question words such as `what is the difference between`
//! are left out) becomes the best of: the word itself (stemmed), its corrections within edit
//! distance 1 (4+ characters) or 2 (8+) and, for the last word as it is being typed, its
//! completions. Corrections and completions are real words of the notes, scored by BM25 like the
//! word itself but scaled down so that they always weigh less than an exact match of the same
//! strength. Names from the AWS catalog (`ASG`, `SSM`, `EB`, `Simple Systems Manager`) become the
//! best of all the names of that entry, each weighing as one word as rare as the entry, and two
//! typed words the notes write as one (`auto scaling`, `AutoScaling`) the best of both. Adjacent
//! words score a bonus when they appear close together, and words written as one chunk
//! (`leader_only`) when they appear as a phrase. Finally each section's score is scaled by the
//! share of the query's words it holds, each word weighted by its rarity (coordination), so that
//! a section repeating one frequent word does not beat one that holds the whole question.
//!
//! `"phrases"` are required, `-word` and `-"a phrase"` excluded, `in:SERVICE` and `kind:KIND`
//! filter. No query panics: what the parser does not understand becomes words or is dropped.

mod aliases;
mod cache;
pub mod query;
mod snippet;

pub use self::aliases::AliasTable;
pub use self::cache::{CacheStatus, OpenedIndex};

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::ops::Range;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, DocSetCollector, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, DisjunctionMaxQuery, EnableScoring, FuzzyTermQuery, Occur,
    PhraseQuery, Query, Scorer, TermQuery, Weight,
};
use tantivy::schema::{
    FAST, Field, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{
    DocAddress, DocId, DocSet, Index, IndexReader, ReloadPolicy, Score, Searcher, TantivyDocument,
    Term,
};

use crate::Compiled;
use crate::catalog::Catalog;
use crate::extract::SectionFacts;
use crate::notes::{Note, Section};

use self::query::{Filter, ParsedQuery, QueryWord};
use self::snippet::Highlighter;

/// Why a query could not run. The UI shows the message; the CLI prints it.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("bad query: {0}")]
    Query(String),
    #[error("search index: {0}")]
    Index(String),
}

impl From<tantivy::TantivyError> for SearchError {
    fn from(e: tantivy::TantivyError) -> Self {
        SearchError::Index(e.to_string())
    }
}

impl From<std::io::Error> for SearchError {
    fn from(e: std::io::Error) -> Self {
        SearchError::Index(e.to_string())
    }
}

/// A text excerpt of a hit, with the byte ranges (into `text`) of the matched terms.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Snippet {
    pub text: String,
    pub highlights: Vec<Range<usize>>,
}

/// One search result: a section.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub section_id: String,
    pub file: String,
    pub title: String,
    pub line_start: u32,
    pub line_end: u32,
    pub score: f32,
    pub snippet: Snippet,
    /// Entity ids the section mentions.
    pub entity_ids: Vec<String>,
}

/// Bumped whenever the schema or what is indexed changes: on-disk indexes of another version
/// are rebuilt.
const INDEX_VERSION: u32 = 2;

/// Field boosts.
const TITLE_BOOST: f32 = 3.0;
const PATH_BOOST: f32 = 1.5;
const BODY_BOOST: f32 = 1.0;
/// Bonus for the word exactly as typed (not only the same stem).
const SAME_FORM_BOOST: f32 = 0.25;
/// Scale of a correction at edit distance 1 and 2, and of a completion.
const FUZZY1_SCALE: f32 = 0.5;
const FUZZY2_SCALE: f32 = 0.35;
const PREFIX_SCALE: f32 = 0.7;
/// Bonus of two adjacent query words found near each other, and of a chunk found as a phrase.
const PROXIMITY_BOOST: f32 = 0.5;
const PROXIMITY_SLOP: u32 = 3;
const CHUNK_BOOST: f32 = 1.0;
/// Weight of a joined word (`codedeploy` for `code deploy`), which stands for two words.
const JOINED_BOOST: f32 = 2.0;
/// How strongly a section holding only part of the query is scaled down.
const COORD_POWER: f32 = 1.0;
/// Most corrections and completions tried per word.
const MAX_EXPANSIONS: usize = 12;
/// Candidates rescored with proximity and coordination (at least).
const CANDIDATES: usize = 100;
/// Words whose corrections are remembered.
const CORRECTIONS_CACHE: usize = 8192;
/// Most dictionary terms looked at for a completion.
const MAX_PREFIX_SCAN: usize = 4096;
/// Above this many sections the full query (phrases of catalog names, best-of alternatives) is
/// too costly to run over every match: a light first pass (a flat sum of term queries, which
/// tantivy prunes with block-max WAND; a catalog name written as a phrase stands as its rarest
/// word) finds [`LIGHT_CANDIDATES`], and the full query scores only those. Up to it, the full
/// query runs over everything and the sections holding each word are counted exactly (above,
/// estimated from the doc frequencies of its terms: counting scans every match).
const LIGHT_PASS_DOCS: u64 = 20_000;
/// Up to this many distinct words, the words of the notes are kept in a list that corrections
/// scan directly (cheaper than building a Levenshtein automaton per typed word, which costs
/// milliseconds at distance 2); above, the automaton walks the term dictionary.
const SCAN_DICTIONARY_WORDS: usize = 50_000;
/// Candidates of the light first pass.
const LIGHT_CANDIDATES: usize = 200;
/// Up to this many sections, an incremental update merges the index into one segment (word
/// statistics then equal a fresh build's exactly; merging costs little at this size).
const MERGE_ALL_DOCS: usize = 5_000;

/// Corrections of a word: (term, edit distance, doc frequency).
type Corrections = Arc<Vec<(String, usize, u64)>>;

/// The `kind:` values that exist.
const KINDS: &[&str] = &[
    "concept",
    "important",
    "note",
    "service",
    "tag",
    "tool",
    "topic",
    "uncertain",
];

#[derive(Clone, Copy, Debug)]
struct Fields {
    title_s: Field,
    path_s: Field,
    body_s: Field,
    title_r: Field,
    path_r: Field,
    body_r: Field,
    entities: Field,
    kinds: Field,
    ord: Field,
    /// The note's path, one term: deletes a file's sections on an incremental update.
    file: Field,
}

impl Fields {
    fn schema() -> Schema {
        let mut builder = Schema::builder();
        let stemmed = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("en_stem")
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let plain = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("default")
                .set_index_option(IndexRecordOption::WithFreqs),
        );
        builder.add_text_field("title_s", stemmed.clone());
        builder.add_text_field("path_s", stemmed.clone());
        builder.add_text_field("body_s", stemmed);
        builder.add_text_field("title_r", plain.clone());
        builder.add_text_field("path_r", plain.clone());
        builder.add_text_field("body_r", plain);
        builder.add_text_field("entities", STRING);
        builder.add_text_field("kinds", STRING);
        builder.add_u64_field("ord", FAST);
        builder.add_text_field("file", STRING);
        builder.build()
    }

    fn of(schema: &Schema) -> Result<Self, SearchError> {
        let get = |name: &str| {
            schema
                .get_field(name)
                .map_err(|_| SearchError::Index(format!("the index has no field {name}")))
        };
        Ok(Fields {
            title_s: get("title_s")?,
            path_s: get("path_s")?,
            body_s: get("body_s")?,
            title_r: get("title_r")?,
            path_r: get("path_r")?,
            body_r: get("body_r")?,
            entities: get("entities")?,
            kinds: get("kinds")?,
            ord: get("ord")?,
            file: get("file")?,
        })
    }
}

/// What the search keeps of a section besides the index.
#[derive(Clone, Debug)]
struct SectionDoc {
    id: String,
    file: String,
    title: String,
    /// Titles of the enclosing sections, outermost first.
    ancestors: String,
    line_start: u32,
    line_end: u32,
    /// The section's own text: up to its first sub-section.
    text: String,
    entity_ids: Vec<String>,
    kinds: Vec<String>,
}

fn section_docs(compiled: &Compiled) -> Vec<SectionDoc> {
    docs_of(compiled, compiled.iter_sections())
}

/// The documents of some sections of `compiled`.
fn docs_of<'a>(
    compiled: &Compiled,
    sections: impl Iterator<Item = (&'a Note, &'a Section, &'a SectionFacts)>,
) -> Vec<SectionDoc> {
    sections
        .map(|(note, section, facts)| {
            let full = note.section_text(section);
            // Sub-sections follow their parent; the parent's own text stops at the first one.
            let own_len = note
                .sections
                .get(facts.section as usize + 1)
                .filter(|next| {
                    next.byte_start > section.byte_start && next.byte_start < section.byte_end
                })
                .map_or(full.len(), |next| {
                    (next.byte_start - section.byte_start) as usize
                });
            let text = full.get(..own_len).unwrap_or(full).to_owned();
            let ancestors = note
                .heading_path(section)
                .split_last()
                .map(|(_, rest)| rest.join(" / "))
                .unwrap_or_default();
            let entity_ids = facts.entity_ids();
            let mut kinds: BTreeSet<String> = entity_ids
                .iter()
                .filter_map(|id| compiled.graph.entity(id))
                .map(|e| e.kind.as_str().to_owned())
                .collect();
            kinds.extend(facts.markers.iter().map(|m| m.kind.as_str().to_owned()));
            SectionDoc {
                id: note.section_id(section),
                file: section.file.to_string(),
                title: section.title.to_string(),
                ancestors,
                line_start: section.line_start,
                line_end: section.line_end,
                text,
                entity_ids,
                kinds: kinds.into_iter().collect(),
            }
        })
        .collect()
}

/// The tantivy document of a section; `ord` is its slot in [`SearchIndex::docs`].
fn tantivy_doc(fields: &Fields, d: &SectionDoc, ord: usize) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(fields.title_s, &d.title);
    doc.add_text(fields.title_r, &d.title);
    doc.add_text(fields.path_s, &d.ancestors);
    doc.add_text(fields.path_r, &d.ancestors);
    doc.add_text(fields.body_s, &d.text);
    doc.add_text(fields.body_r, &d.text);
    for id in &d.entity_ids {
        doc.add_text(fields.entities, id);
    }
    for kind in &d.kinds {
        doc.add_text(fields.kinds, kind);
    }
    doc.add_u64(fields.ord, ord as u64);
    doc.add_text(fields.file, &d.file);
    doc
}

/// Adds every section to an empty index and commits.
fn write_docs(index: &Index, fields: &Fields, docs: &[SectionDoc]) -> Result<(), SearchError> {
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    // Tantivy needs at least 15 MB per thread; big collections index on two threads.
    let (threads, budget) = if bytes > 8 << 20 {
        (2, 256 << 20)
    } else {
        (1, 32 << 20)
    };
    let mut writer = index.writer_with_num_threads::<TantivyDocument>(threads, budget)?;
    for (ord, d) in docs.iter().enumerate() {
        writer.add_document(tantivy_doc(fields, d, ord))?;
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    Ok(())
}

/// The search index of one compiled notes collection.
pub struct SearchIndex {
    /// The tantivy index (cheap to clone): an incremental update writes into it.
    index: Index,
    /// Whether [`SearchIndex::update_files`] may write into `index` (in memory only: an index in
    /// the cache folder is stamped with the fingerprint of the notes it was built from).
    updatable: bool,
    reader: IndexReader,
    fields: Fields,
    /// Sections by their `ord`; a slot is empty once its file was updated (its new sections go
    /// into new slots).
    docs: Vec<Option<Arc<SectionDoc>>>,
    /// Number of filled slots.
    live: usize,
    aliases: AliasTable,
    /// Entity ids the notes mention (for `in:`).
    known_entities: BTreeSet<String>,
    stemmer: TextAnalyzer,
    /// Corrections found per word (the index never changes; as-you-type repeats words).
    corrections_cache: Mutex<HashMap<String, Corrections>>,
    /// Above this many sections, a light first pass (see [`LIGHT_PASS_DOCS`]).
    light_pass_docs: u64,
    /// The plain words of the notes with their doc frequencies, sorted, when there are few
    /// enough (see [`SCAN_DICTIONARY_WORDS`]).
    dictionary: Option<Vec<(String, u64)>>,
}

/// One alternative of a word: a term of the plain fields and how much it is worth.
struct Expansion {
    term: String,
    scale: f32,
}

impl SearchIndex {
    /// Builds an in-memory index of every section.
    pub fn build(compiled: &Compiled) -> Result<Self, SearchError> {
        Self::build_with_catalog(compiled, Catalog::builtin())
    }

    /// Builds an in-memory index with another catalog's aliases (tests use small ones).
    pub fn build_with_catalog(compiled: &Compiled, catalog: &Catalog) -> Result<Self, SearchError> {
        let docs = section_docs(compiled);
        let index = Index::create_in_ram(Fields::schema());
        let fields = Fields::of(&index.schema())?;
        write_docs(&index, &fields, &docs)?;
        let mut built = Self::from_index(index, docs, compiled, catalog)?;
        built.updatable = true;
        Ok(built)
    }

    fn from_index(
        index: Index,
        docs: Vec<SectionDoc>,
        compiled: &Compiled,
        catalog: &Catalog,
    ) -> Result<Self, SearchError> {
        let docs: Vec<Option<Arc<SectionDoc>>> =
            docs.into_iter().map(|d| Some(Arc::new(d))).collect();
        let index = Self::open_reader(
            index,
            docs,
            known_entities(compiled),
            AliasTable::new(catalog),
        )?;
        // One query through every stage (stems, corrections, scoring, rescoring, snippets), so
        // that the first real query does not pay for first-use costs (lazily opened columns,
        // allocations); its result does not matter.
        index.warm_up();
        Ok(index)
    }

    fn open_reader(
        index: Index,
        docs: Vec<Option<Arc<SectionDoc>>>,
        known_entities: BTreeSet<String>,
        aliases: AliasTable,
    ) -> Result<Self, SearchError> {
        let fields = Fields::of(&index.schema())?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let stemmer = index
            .tokenizers()
            .get("en_stem")
            .ok_or_else(|| SearchError::Index("no en_stem tokenizer".to_owned()))?;
        // The first typo-tolerant query would otherwise pay for building tantivy's Levenshtein
        // automaton builders (several ms for distance 2); they are built once per process.
        for distance in [1, 2] {
            let term = Term::from_field_text(fields.body_r, "warmup");
            FuzzyTermQuery::new(term, distance, true).automaton()?;
        }
        let dictionary = plain_dictionary(&reader.searcher(), fields.body_r)?;
        let live = docs.iter().filter(|d| d.is_some()).count();
        Ok(SearchIndex {
            index,
            updatable: false,
            reader,
            fields,
            docs,
            live,
            aliases,
            known_entities,
            stemmer,
            corrections_cache: Mutex::new(HashMap::new()),
            light_pass_docs: LIGHT_PASS_DOCS,
            dictionary,
        })
    }

    fn warm_up(&self) {
        if let Some(doc) = self.docs.iter().flatten().next() {
            let words: Vec<&str> = doc.title.split_whitespace().take(2).collect();
            let _ = self.search(&format!("{} quert", words.join(" ")), 10);
        }
    }

    /// Re-indexes the sections of `files` (note paths) as they are in `compiled`, which is the
    /// compile this index was built from with those files changed (edited, added or removed):
    /// their old sections are deleted by file, the new ones added, and one commit made. Returns
    /// the updated index; `self` keeps answering from the state before the update. Small indexes
    /// are merged into one segment so that word statistics equal a fresh build's exactly; big ones
    /// keep tantivy's merge policy (deleted sections weigh in word frequencies until merged).
    pub fn update_files(&self, compiled: &Compiled, files: &[&str]) -> Result<Self, SearchError> {
        if !self.updatable {
            return Err(SearchError::Index(
                "an index opened from the cache folder cannot be updated in place".to_owned(),
            ));
        }
        let wanted: HashSet<&str> = files.iter().copied().collect();
        let fresh = docs_of(
            compiled,
            compiled
                .iter_sections()
                .filter(|(note, _, _)| wanted.contains(note.file.as_str())),
        );
        let mut docs = self.docs.clone();
        let mut live = self.live;
        for slot in &mut docs {
            if slot
                .as_ref()
                .is_some_and(|d| wanted.contains(d.file.as_str()))
            {
                *slot = None;
                live -= 1;
            }
        }
        let mut writer = self
            .index
            .writer_with_num_threads::<TantivyDocument>(1, 15_000_000)?;
        for file in &wanted {
            writer.delete_term(Term::from_field_text(self.fields.file, file));
        }
        for d in fresh {
            writer.add_document(tantivy_doc(&self.fields, &d, docs.len()))?;
            docs.push(Some(Arc::new(d)));
            live += 1;
        }
        writer.commit()?;
        let metas = self.index.searchable_segment_metas()?;
        if live <= MERGE_ALL_DOCS && (metas.len() > 1 || metas.iter().any(|m| m.has_deletes())) {
            let segments: Vec<_> = metas.iter().map(|m| m.id()).collect();
            writer.merge(&segments).wait()?;
        }
        writer.wait_merging_threads()?;
        let known = known_entities(compiled);
        let updated = Self::open_reader(self.index.clone(), docs, known, self.aliases.clone())?;
        Ok(SearchIndex {
            updatable: true,
            light_pass_docs: self.light_pass_docs,
            ..updated
        })
    }

    /// Sets above how many sections queries take a light first pass and estimate how many
    /// sections hold each word instead of counting them (default [`LIGHT_PASS_DOCS`]); tests
    /// use 0 to run the big-collection path on small notes.
    pub fn with_light_pass_above(mut self, docs: u64) -> Self {
        self.light_pass_docs = docs;
        self
    }

    /// Number of sections indexed.
    pub fn len(&self) -> usize {
        self.live
    }

    /// Whether no section is indexed.
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// Runs a query; at most `limit` hits, best first.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<Hit>, SearchError> {
        let parsed = query::parse(query);
        if parsed.is_empty() || limit == 0 || self.live == 0 {
            return Ok(Vec::new());
        }
        let searcher = self.reader.searcher();
        let big = searcher.num_docs() > self.light_pass_docs;
        let mut builder = QueryBuilder::new(self, &searcher, false);
        builder.big = big;
        let Some(tantivy_query) = builder.build(&parsed)? else {
            return Ok(Vec::new());
        };
        // A big collection: a cheaper first pass, whose candidates the full query then scores.
        let light_query = if big {
            QueryBuilder::new(self, &searcher, true).build(&parsed)?
        } else {
            None
        };
        let mut excluded = HashSet::new();
        for q in &builder.excluded_phrases {
            excluded.extend(searcher.search(q.as_ref(), &DocSetCollector)?);
        }
        // Two phases: the best candidates by BM25, then the candidates rescored with the
        // proximity bonuses and coordination (both too costly for every match of a big
        // collection).
        let wanted = if light_query.is_some() {
            LIGHT_CANDIDATES
        } else {
            CANDIDATES
        };
        let candidates = TopDocs::with_limit(limit.max(wanted) + excluded.len());
        let first_pass = light_query.as_ref().unwrap_or(&tantivy_query);
        let top: Vec<(Score, DocAddress)> = searcher
            .search(first_pass.as_ref(), &candidates.order_by_score())?
            .into_iter()
            .filter(|(_, a)| !excluded.contains(a))
            .collect();
        let rescoring = Rescoring {
            full: light_query.is_some().then_some(tantivy_query.as_ref()),
            count_exactly: searcher.num_docs() <= self.light_pass_docs,
            concepts: &builder.concepts,
            bonuses: &builder.bonuses,
        };
        let top = rescore(&searcher, top, &rescoring)?;
        let mut columns = BTreeMap::new();
        let mut ranked: Vec<(f32, &SectionDoc)> = Vec::with_capacity(top.len());
        for (score, address) in top {
            let column = match columns.entry(address.segment_ord) {
                std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::btree_map::Entry::Vacant(e) => e.insert(
                    searcher
                        .segment_reader(address.segment_ord)
                        .fast_fields()
                        .u64("ord")?,
                ),
            };
            let doc = column
                .first(address.doc_id)
                .and_then(|o| usize::try_from(o).ok())
                .and_then(|o| self.docs.get(o))
                .and_then(Option::as_deref)
                .ok_or_else(|| SearchError::Index("a document without a section".to_owned()))?;
            ranked.push((score, doc));
        }
        // Equal scores in the order of the notes (file, then line), which an incremental update
        // keeps (document numbers it does not).
        ranked.sort_by(|a, b| {
            b.0.total_cmp(&a.0).then_with(|| {
                (&a.1.file, a.1.line_start, &a.1.id).cmp(&(&b.1.file, b.1.line_start, &b.1.id))
            })
        });
        ranked.truncate(limit);
        let QueryBuilder {
            highlighter,
            mut stemmer,
            ..
        } = builder;
        Ok(ranked
            .into_iter()
            .map(|(score, d)| Hit {
                section_id: d.id.clone(),
                file: d.file.clone(),
                title: d.title.clone(),
                line_start: d.line_start,
                line_end: d.line_end,
                score,
                snippet: highlighter.snippet(&d.text, &mut stemmer),
                entity_ids: d.entity_ids.clone(),
            })
            .collect())
    }
}

/// Turns a parsed query into a tantivy query, collecting the words to highlight on the way.
struct QueryBuilder<'a> {
    /// Build the light first pass (see [`LIGHT_PASS_DOCS`]): every scoring term is also
    /// collected into `flat`, with the product of the boosts above it.
    light: bool,
    /// A big collection (see [`LIGHT_PASS_DOCS`]): catalog names written as phrases stand as
    /// their rarest word and there are no proximity bonuses (a phrase scorer seeking from one
    /// candidate to the next checks the positions of every section in between that holds all
    /// its words: a scan of the collection when the words are common).
    big: bool,
    /// The terms of the light first pass: field, text, boost.
    flat: Vec<(Field, String, f32)>,
    /// Product of the boosts of the clauses being built (light pass).
    scale: f32,
    index: &'a SearchIndex,
    searcher: &'a Searcher,
    stemmer: TextAnalyzer,
    highlighter: Highlighter,
    /// Excluded phrases, removed from the hits after the search.
    excluded_phrases: Vec<Box<dyn Query>>,
    /// One clause per word or catalog name of the query, for coordination.
    concepts: Vec<Box<dyn Query>>,
    stem_cache: HashMap<String, Option<String>>,
    /// Proximity and chunk bonuses, scored for the candidates only.
    bonuses: Vec<Box<dyn Query>>,
}

impl<'a> QueryBuilder<'a> {
    fn new(index: &'a SearchIndex, searcher: &'a Searcher, light: bool) -> Self {
        QueryBuilder {
            light,
            big: light,
            flat: Vec::new(),
            scale: 1.0,
            index,
            searcher,
            stemmer: index.stemmer.clone(),
            highlighter: Highlighter::default(),
            excluded_phrases: Vec::new(),
            concepts: Vec::new(),
            stem_cache: HashMap::new(),
            bonuses: Vec::new(),
        }
    }
}

fn boosted(query: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if (boost - 1.0).abs() < f32::EPSILON {
        query
    } else {
        Box::new(BoostQuery::new(query, boost))
    }
}

fn should(clauses: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(
        clauses.into_iter().map(|q| (Occur::Should, q)).collect(),
    ))
}

fn best_of(mut clauses: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    if clauses.len() == 1 {
        clauses.remove(0)
    } else {
        Box::new(DisjunctionMaxQuery::new(clauses))
    }
}

/// Rescores candidates: adds the proximity bonuses, then scales by the share of the query's
/// words (and catalog names) each holds, every word weighted by its rarity (coordination): BM25
/// alone lets one very frequent word (`EB` written forty times in one section) outweigh the
/// other words of the query.
/// What the candidates of the first pass are rescored with.
struct Rescoring<'q> {
    /// The full query, when the first pass was a light one: its score replaces the first pass's,
    /// and candidates it does not match are dropped.
    full: Option<&'q dyn Query>,
    /// One clause per word or catalog name, for coordination.
    concepts: &'q [Box<dyn Query>],
    /// Proximity and chunk bonuses.
    bonuses: &'q [Box<dyn Query>],
    /// Whether to count the sections holding each word (else estimate them).
    count_exactly: bool,
}

/// The number of sections a query matches: counted when the collection is small, else estimated
/// as the largest doc frequency of its terms (a lower bound, exact for one term).
fn matching_docs(
    searcher: &Searcher,
    query: &dyn Query,
    exactly: bool,
) -> Result<u64, SearchError> {
    if exactly {
        return Ok(searcher.search(query, &Count)? as u64);
    }
    let mut terms = Vec::new();
    query.query_terms(&mut |term, _| terms.push(term.clone()));
    let mut most = 0;
    for term in &terms {
        most = most.max(searcher.doc_freq(term)?);
    }
    Ok(most)
}

fn rescore(
    searcher: &Searcher,
    hits: Vec<(Score, DocAddress)>,
    rescoring: &Rescoring<'_>,
) -> Result<Vec<(Score, DocAddress)>, SearchError> {
    let Rescoring {
        full,
        concepts,
        bonuses,
        count_exactly,
    } = *rescoring;
    if hits.is_empty() || (full.is_none() && concepts.len() < 2 && bonuses.is_empty()) {
        return Ok(hits);
    }
    let docs = searcher.num_docs().max(1);
    let full_weight = match full {
        Some(q) => Some(q.weight(EnableScoring::enabled_from_searcher(searcher))?),
        None => None,
    };
    let mut concept_weights: Vec<(Box<dyn Weight>, f32)> = Vec::new();
    if concepts.len() >= 2 {
        for concept in concepts {
            let matching = matching_docs(searcher, concept.as_ref(), count_exactly)?;
            concept_weights.push((
                concept.weight(EnableScoring::disabled_from_searcher(searcher))?,
                idf(matching, docs).max(0.1),
            ));
        }
    }
    let total: f32 = concept_weights.iter().map(|w| w.1).sum();
    let mut bonus_weights = Vec::with_capacity(bonuses.len());
    for bonus in bonuses {
        bonus_weights.push(bonus.weight(EnableScoring::enabled_from_searcher(searcher))?);
    }
    let mut by_segment: BTreeMap<u32, Vec<(DocId, Score)>> = BTreeMap::new();
    for (score, address) in hits {
        by_segment
            .entry(address.segment_ord)
            .or_default()
            .push((address.doc_id, score));
    }
    let mut out = Vec::new();
    for (segment_ord, mut segment_hits) in by_segment {
        segment_hits.sort_by_key(|h| h.0);
        let reader = searcher.segment_reader(segment_ord);
        let mut full_scorer = match &full_weight {
            Some(w) => Some(w.scorer(reader, 1.0)?),
            None => None,
        };
        let mut concept_scorers = Vec::with_capacity(concept_weights.len());
        for (weight, rarity) in &concept_weights {
            concept_scorers.push((weight.scorer(reader, 1.0)?, *rarity));
        }
        let mut bonus_scorers = Vec::with_capacity(bonus_weights.len());
        for weight in &bonus_weights {
            bonus_scorers.push(weight.scorer(reader, 1.0)?);
        }
        for (doc, mut score) in segment_hits {
            if let Some(scorer) = &mut full_scorer {
                if scorer.doc() < doc {
                    scorer.seek(doc);
                }
                if scorer.doc() != doc {
                    // Found by the light pass only (the rarest word of a phrase, without the
                    // phrase): not a match of the query.
                    continue;
                }
                score = scorer.score();
            }
            let mut bonus = 0.0;
            for scorer in &mut bonus_scorers {
                if scorer.doc() < doc {
                    scorer.seek(doc);
                }
                if scorer.doc() == doc {
                    bonus += scorer.score();
                }
            }
            let mut coord = 1.0;
            if total > 0.0 {
                let mut held = 0.0;
                for (scorer, rarity) in &mut concept_scorers {
                    if scorer.doc() < doc {
                        scorer.seek(doc);
                    }
                    if scorer.doc() == doc {
                        held += *rarity;
                    }
                }
                coord = (held / total).powf(COORD_POWER);
            }
            out.push(((score + bonus) * coord, DocAddress::new(segment_ord, doc)));
        }
    }
    Ok(out)
}

/// Entity ids the sections mention (for `in:`).
fn known_entities(compiled: &Compiled) -> BTreeSet<String> {
    let mut ids: HashSet<&str> = HashSet::new();
    for facts in &compiled.sections {
        ids.extend(facts.mentions.iter().map(|m| m.entity_id()));
    }
    ids.into_iter().map(str::to_owned).collect()
}

/// Every word of a field with its doc frequency, sorted, unless there are more than
/// [`SCAN_DICTIONARY_WORDS`].
fn plain_dictionary(
    searcher: &Searcher,
    field: Field,
) -> Result<Option<Vec<(String, u64)>>, SearchError> {
    let mut words: BTreeMap<String, u64> = BTreeMap::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        if inverted.terms().num_terms() > SCAN_DICTIONARY_WORDS {
            return Ok(None);
        }
        let mut stream = inverted.terms().stream()?;
        while stream.advance() {
            if let Ok(term) = std::str::from_utf8(stream.key()) {
                *words.entry(term.to_owned()).or_default() += u64::from(stream.value().doc_freq);
            }
        }
        if words.len() > SCAN_DICTIONARY_WORDS {
            return Ok(None);
        }
    }
    Ok(Some(words.into_iter().collect()))
}

/// BM25's inverse document frequency.
fn idf(doc_freq: u64, docs: u64) -> f32 {
    let n = docs as f32;
    let df = doc_freq as f32;
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

/// Optimal string alignment distance (a transposition costs 1), on characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    edit_distance_chars(&a, &b)
}

fn edit_distance_chars(a: &[char], b: &[char]) -> usize {
    // The (a.len() + 1) x (b.len() + 1) table, row by row.
    let width = b.len() + 1;
    let at = |i: usize, j: usize| i * width + j;
    let mut table = vec![0usize; (a.len() + 1) * width];
    for i in 0..=a.len() {
        table[at(i, 0)] = i;
    }
    for j in 0..=b.len() {
        table[at(0, j)] = j;
    }
    for (i, &ca) in a.iter().enumerate().map(|(i, c)| (i + 1, c)) {
        for (j, &cb) in b.iter().enumerate().map(|(j, c)| (j + 1, c)) {
            let cost = usize::from(ca != cb);
            let mut d = (table[at(i - 1, j)] + 1)
                .min(table[at(i, j - 1)] + 1)
                .min(table[at(i - 1, j - 1)] + cost);
            if i > 1 && j > 1 && ca == b[j - 2] && a[i - 2] == cb {
                d = d.min(table[at(i - 2, j - 2)] + 1);
            }
            table[at(i, j)] = d;
        }
    }
    table[at(a.len(), b.len())]
}

impl QueryBuilder<'_> {
    fn fields(&self) -> Fields {
        self.index.fields
    }

    /// The stems of a piece of text, in order.
    fn stems(&mut self, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut stream = self.stemmer.token_stream(text);
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    }

    fn stem(&mut self, word: &str) -> Option<String> {
        if let Some(stem) = self.stem_cache.get(word) {
            return stem.clone();
        }
        let stem = self.stems(word).into_iter().next();
        self.stem_cache.insert(word.to_owned(), stem.clone());
        stem
    }

    fn doc_freq(&self, field: Field, text: &str) -> u64 {
        self.searcher
            .doc_freq(&Term::from_field_text(field, text))
            .unwrap_or(0)
    }

    fn term(field: Field, text: &str, boost: f32) -> Box<dyn Query> {
        boosted(
            Box::new(TermQuery::new(
                Term::from_field_text(field, text),
                IndexRecordOption::WithFreqs,
            )),
            boost,
        )
    }

    /// A stem in the title, heading path and body.
    fn stem_clause(&mut self, stem: &str) -> Vec<Box<dyn Query>> {
        let f = self.fields();
        vec![
            self.scoring_term(f.title_s, stem, TITLE_BOOST),
            self.scoring_term(f.path_s, stem, PATH_BOOST),
            self.scoring_term(f.body_s, stem, BODY_BOOST),
        ]
    }

    /// A plain word in the title, heading path and body.
    fn plain_clause(&mut self, word: &str) -> Box<dyn Query> {
        let f = self.fields();
        should(vec![
            self.scoring_term(f.title_r, word, TITLE_BOOST),
            self.scoring_term(f.path_r, word, PATH_BOOST),
            self.scoring_term(f.body_r, word, BODY_BOOST),
        ])
    }

    /// A term of the words of the query, also collected for the light first pass.
    fn scoring_term(&mut self, field: Field, text: &str, boost: f32) -> Box<dyn Query> {
        if self.light {
            self.flat.push((field, text.to_owned(), boost * self.scale));
        }
        Self::term(field, text, boost)
    }

    /// Multiplies the boosts of the light pass's terms collected since `from`.
    fn scale_flat(&mut self, from: usize, by: f32) {
        for t in self.flat.iter_mut().skip(from) {
            t.2 *= by;
        }
    }

    /// A phrase of stems in the title, heading path and body.
    fn phrase_clause(&self, stems: &[String], slop: u32) -> Box<dyn Query> {
        let f = self.fields();
        let phrase = |field: Field, boost: f32| {
            let terms = stems
                .iter()
                .enumerate()
                .map(|(i, s)| (i, Term::from_field_text(field, s)))
                .collect();
            boosted(
                Box::new(PhraseQuery::new_with_offset_and_slop(terms, slop)),
                boost,
            )
        };
        should(vec![
            phrase(f.title_s, TITLE_BOOST),
            phrase(f.path_s, PATH_BOOST),
            phrase(f.body_s, BODY_BOOST),
        ])
    }

    /// Words of the notes close to `word`: within the edit distance its length allows.
    fn corrections(&self, word: &str) -> Result<Corrections, SearchError> {
        if let Ok(cache) = self.index.corrections_cache.lock()
            && let Some(found) = cache.get(word)
        {
            return Ok(Arc::clone(found));
        }
        let found = Arc::new(self.find_corrections(word)?);
        if let Ok(mut cache) = self.index.corrections_cache.lock() {
            if cache.len() >= CORRECTIONS_CACHE {
                cache.clear();
            }
            cache.insert(word.to_owned(), Arc::clone(&found));
        }
        Ok(found)
    }

    fn find_corrections(&self, word: &str) -> Result<Vec<(String, usize, u64)>, SearchError> {
        let chars = word.chars().count();
        let distance: u8 = match chars {
            0..=3 => return Ok(Vec::new()),
            4..=7 => 1,
            _ => 2,
        };
        if word.chars().any(|c| c.is_ascii_digit()) {
            return Ok(Vec::new());
        }
        if let Some(dictionary) = &self.index.dictionary {
            let typed: Vec<char> = word.chars().collect();
            let limit = usize::from(distance);
            return Ok(dictionary
                .iter()
                .filter(|(t, _)| t != word && t.chars().count().abs_diff(chars) <= limit)
                .filter_map(|(t, df)| {
                    let d = edit_distance_chars(&typed, &t.chars().collect::<Vec<_>>());
                    (d <= limit).then(|| (t.clone(), d, *df))
                })
                .collect());
        }
        let field = self.fields().body_r;
        let automaton =
            FuzzyTermQuery::new(Term::from_field_text(field, word), distance, true).automaton()?;
        let mut found: BTreeMap<String, u64> = BTreeMap::new();
        for segment in self.searcher.segment_readers() {
            let inverted = segment.inverted_index(field)?;
            let mut stream = inverted.terms().search(&automaton).into_stream()?;
            while stream.advance() {
                if let Ok(term) = std::str::from_utf8(stream.key()) {
                    *found.entry(term.to_owned()).or_default() +=
                        u64::from(stream.value().doc_freq);
                }
            }
        }
        Ok(found
            .into_iter()
            .filter(|(t, _)| t != word)
            .map(|(t, df)| {
                let d = edit_distance(word, &t);
                (t, d, df)
            })
            .collect())
    }

    /// Words of the notes that start with `word`.
    fn completions(&self, word: &str) -> Result<Vec<(String, u64)>, SearchError> {
        let field = self.fields().body_r;
        let mut found: BTreeMap<String, u64> = BTreeMap::new();
        for segment in self.searcher.segment_readers() {
            let inverted = segment.inverted_index(field)?;
            let mut stream = inverted.terms().range().ge(word.as_bytes()).into_stream()?;
            let mut scanned = 0;
            while stream.advance() && scanned < MAX_PREFIX_SCAN {
                scanned += 1;
                let key = stream.key();
                if !key.starts_with(word.as_bytes()) {
                    break;
                }
                if key.len() > word.len()
                    && let Ok(term) = std::str::from_utf8(key)
                {
                    *found.entry(term.to_owned()).or_default() +=
                        u64::from(stream.value().doc_freq);
                }
            }
        }
        Ok(found.into_iter().collect())
    }

    /// The clause of one free word: the best of the word, its corrections and completions.
    fn word_clause(
        &mut self,
        word: &str,
        prefix: bool,
    ) -> Result<Option<Box<dyn Query>>, SearchError> {
        let Some(stem) = self.stem(word) else {
            return Ok(None);
        };
        let f = self.fields();
        let docs = self.searcher.num_docs().max(1);
        let mut exact = self.stem_clause(&stem);
        exact.push(self.scoring_term(f.body_r, word, SAME_FORM_BOOST));
        let mut alternatives = vec![should(exact)];
        self.highlighter.stems.insert(stem.clone());
        let word_df = self
            .doc_freq(f.body_r, word)
            .max(self.doc_freq(f.body_s, &stem));
        let mut expansions: Vec<(Expansion, u64)> = Vec::new();
        let cap = |scale: f32, df: u64| {
            // Never worth more than the word itself would be: scale the correction's rarity down
            // to the word's.
            if word_df == 0 {
                scale
            } else {
                scale * (idf(word_df, docs) / idf(df, docs)).min(1.0)
            }
        };
        for (term, distance, df) in self.corrections(word)?.iter().cloned() {
            let base = if distance <= 1 {
                FUZZY1_SCALE
            } else {
                FUZZY2_SCALE
            };
            expansions.push((
                Expansion {
                    scale: cap(base, df),
                    term,
                },
                df,
            ));
        }
        if prefix && word.chars().count() >= 2 {
            for (term, df) in self.completions(word)? {
                expansions.push((
                    Expansion {
                        scale: cap(PREFIX_SCALE, df),
                        term,
                    },
                    df,
                ));
            }
        }
        // The most useful first: highest scale, then most common.
        expansions.sort_by(|a, b| {
            b.0.scale
                .total_cmp(&a.0.scale)
                .then(b.1.cmp(&a.1))
                .then(a.0.term.cmp(&b.0.term))
        });
        let mut taken = 0;
        for (expansion, _) in expansions {
            if taken >= MAX_EXPANSIONS {
                break;
            }
            // A different form of the same word is already matched through its stem.
            if self.stem(&expansion.term).as_deref() == Some(stem.as_str()) {
                continue;
            }
            taken += 1;
            let from = self.flat.len();
            alternatives.push(boosted(self.plain_clause(&expansion.term), expansion.scale));
            self.scale_flat(from, expansion.scale);
            self.highlighter.words.insert(expansion.term);
        }
        Ok(Some(best_of(alternatives)))
    }

    /// The clause of a catalog name found in the query: the best of the words as typed and every
    /// other name of the entries.
    fn alias_clause(
        &mut self,
        words: &[&QueryWord],
        entries: &[usize],
        prefix: bool,
    ) -> Result<Option<Box<dyn Query>>, SearchError> {
        let f = self.fields();
        let docs = self.searcher.num_docs().max(1);
        // Each alternative with the summed rarity of its words.
        let mut alternatives: Vec<(Box<dyn Query>, f32)> = Vec::new();
        let mut typed = Vec::new();
        let mut typed_rarity = 0.0;
        // Upper bound of the sections matching the name (a phrase matches at most as many
        // sections as its rarest word): counting them exactly costs a scan of every match.
        let mut matching: u64 = 0;
        let mut typed_df = u64::MAX;
        // The light pass's terms of each alternative, with its rarity.
        let mut ranges: Vec<(usize, usize, f32)> = Vec::new();
        let typed_from = self.flat.len();
        for (i, w) in words.iter().enumerate() {
            if let Some(q) = self.word_clause(&w.lower, prefix && i + 1 == words.len())? {
                typed.push(q);
            }
            if let Some(stem) = self.stem(&w.lower) {
                let df = self.doc_freq(f.body_s, &stem);
                typed_df = typed_df.min(df);
                if df > 0 {
                    typed_rarity += idf(df, docs);
                }
            }
        }
        if !typed.is_empty() {
            alternatives.push((should(typed), typed_rarity));
            ranges.push((typed_from, self.flat.len(), typed_rarity));
        }
        let typed_lower: Vec<&str> = words.iter().map(|w| w.lower.as_str()).collect();
        let names: Vec<Vec<String>> = entries
            .iter()
            .filter_map(|&e| self.index.aliases.entries.get(e))
            .flat_map(|e| e.names.clone())
            .collect();
        for name in names {
            if name
                .iter()
                .map(String::as_str)
                .eq(typed_lower.iter().copied())
            {
                continue;
            }
            let stems = self.stems(&name.join(" "));
            let dfs: Vec<u64> = stems.iter().map(|s| self.doc_freq(f.body_s, s)).collect();
            if stems.is_empty() || dfs.contains(&0) {
                // Not in the notes.
                continue;
            }
            let rarest = dfs.iter().copied().min().unwrap_or(0);
            matching += rarest;
            let rarity = dfs.iter().map(|&df| idf(df, docs)).sum();
            let from = self.flat.len();
            let clause = if stems.len() == 1 {
                should(self.stem_clause(&stems[0]))
            } else if self.big {
                // Its rarest word stands for the phrase in the light pass, weighing as much as
                // the phrase would.
                let i = dfs.iter().position(|&df| df == rarest).unwrap_or(0);
                let clause = should(self.stem_clause(&stems[i]));
                alternatives.push((clause, idf(rarest, docs)));
                ranges.push((from, self.flat.len(), idf(rarest, docs)));
                self.highlighter.stems.extend(stems);
                continue;
            } else {
                self.phrase_clause(&stems, 0)
            };
            ranges.push((from, self.flat.len(), rarity));
            alternatives.push((clause, rarity));
            self.highlighter.stems.extend(stems);
        }
        if alternatives.is_empty() {
            return Ok(None);
        }
        // Every way of writing the name is worth the same: one word as rare as the name itself
        // (a phrase would score the sum of its words; a literal `sg` in `sg.tf` would outweigh
        // `security groups` written out).
        if typed_df != u64::MAX {
            matching += typed_df;
        }
        let target = idf(matching.min(docs), docs);
        for (from, to, rarity) in ranges {
            if rarity > 0.0 {
                for t in self.flat.iter_mut().take(to).skip(from) {
                    t.2 *= target / rarity;
                }
            }
        }
        Ok(Some(best_of(
            alternatives
                .into_iter()
                .map(|(q, rarity)| {
                    if rarity > 0.0 {
                        boosted(q, target / rarity)
                    } else {
                        q
                    }
                })
                .collect(),
        )))
    }

    /// The required clause of a quoted phrase (or of an excluded word or phrase).
    fn required_phrase(&mut self, words: &[String]) -> Option<Box<dyn Query>> {
        let stems = self.stems(&words.join(" "));
        match stems.len() {
            0 => None,
            1 => Some(should(self.stem_clause(&stems[0]))),
            _ => Some(self.phrase_clause(&stems, 0)),
        }
    }

    fn filter_clause(&self, filter: &Filter) -> Result<Box<dyn Query>, SearchError> {
        let f = self.fields();
        match filter {
            Filter::In(name) => {
                let mut ids = self.index.aliases.resolve(name);
                let lower = name.to_lowercase();
                if self.index.known_entities.contains(&lower) {
                    ids.push(lower);
                }
                ids.retain(|id| self.index.known_entities.contains(id));
                ids.sort();
                ids.dedup();
                if ids.is_empty() {
                    return Err(SearchError::Query(format!(
                        "in:{name}: the notes mention no service or concept of that name"
                    )));
                }
                Ok(should(
                    ids.iter()
                        .map(|id| {
                            Box::new(TermQuery::new(
                                Term::from_field_text(f.entities, id),
                                IndexRecordOption::Basic,
                            )) as Box<dyn Query>
                        })
                        .collect(),
                ))
            }
            Filter::Kind(kind) => {
                if !KINDS.contains(&kind.as_str()) {
                    return Err(SearchError::Query(format!(
                        "kind:{kind}: unknown kind (one of {})",
                        KINDS.join(", ")
                    )));
                }
                Ok(Box::new(TermQuery::new(
                    Term::from_field_text(f.kinds, kind),
                    IndexRecordOption::Basic,
                )))
            }
        }
    }

    fn build(&mut self, parsed: &ParsedQuery) -> Result<Option<Box<dyn Query>>, SearchError> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut scoring = 0usize;
        let content = parsed.content_words();
        let last_word = parsed.words.last();
        let lowers: Vec<&str> = content.iter().map(|w| w.lower.as_str()).collect();
        let matches = self.index.aliases.find(&lowers);
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        let mut words: Vec<Box<dyn Query>> = Vec::new();
        let mut i = 0;
        while i < content.len() {
            let is_last = |j: usize| {
                parsed.last_is_prefix
                    && j + 1 == content.len()
                    && last_word.is_some_and(|w| std::ptr::eq(w, content[j]))
            };
            if let Some(m) = matches.iter().find(|m| m.start == i) {
                let span = &content[i..i + m.len];
                if let Some(q) = self.alias_clause(span, &m.entries, is_last(i + m.len - 1))? {
                    self.concepts.push(q.box_clone());
                    words.push(q);
                }
                i += m.len;
                continue;
            }
            let word = content[i];
            // Two words the notes also write as one (`code deploy`, `elastic beanstalk`): one
            // concept, the best of the two words and the joined word.
            if let Some(next) = content.get(i + 1)
                && !matches.iter().any(|m| m.start == i + 1)
                && next.lower != word.lower
            {
                let joined = format!("{}{}", word.lower, next.lower);
                if self.doc_freq(self.fields().body_r, &joined) > 0 {
                    let first = self.word_clause(&word.lower, false)?;
                    let second = self.word_clause(&next.lower, is_last(i + 1))?;
                    let from = self.flat.len();
                    let joined_clause = self.word_clause(&joined, false)?;
                    self.scale_flat(from, JOINED_BOOST);
                    let pair: Vec<Box<dyn Query>> = first.into_iter().chain(second).collect();
                    let mut alternatives = Vec::new();
                    if !pair.is_empty() {
                        alternatives.push(should(pair));
                    }
                    if let Some(q) = joined_clause {
                        // One word standing for two.
                        alternatives.push(boosted(q, JOINED_BOOST));
                    }
                    if !alternatives.is_empty() {
                        let q = best_of(alternatives);
                        self.concepts.push(q.box_clone());
                        words.push(q);
                    }
                    seen.insert(word.lower.as_str());
                    seen.insert(next.lower.as_str());
                    i += 2;
                    continue;
                }
            }
            if seen.insert(word.lower.as_str())
                && let Some(q) = self.word_clause(&word.lower, is_last(i))?
            {
                self.concepts.push(q.box_clone());
                words.push(q);
            }
            i += 1;
        }
        // At least one of the words must match (a filter or a phrase alone would otherwise make
        // them optional).
        if self.light {
            // The light pass: a flat sum of term queries (the same term met twice counts once,
            // with its highest boost).
            let mut flat: BTreeMap<(Field, String), f32> = BTreeMap::new();
            for (field, text, boost) in std::mem::take(&mut self.flat) {
                let b = flat.entry((field, text)).or_insert(0.0);
                *b = b.max(boost);
            }
            words = flat
                .into_iter()
                .map(|((field, text), boost)| Self::term(field, &text, boost))
                .collect();
            let plain = parsed.phrases.is_empty()
                && parsed.excluded.is_empty()
                && parsed.filters.is_empty();
            if plain {
                // Nothing else to require: the pure disjunction lets tantivy prune with
                // block-max WAND.
                return Ok((!words.is_empty()).then(|| should(words)));
            }
            self.light = false;
        }
        if !words.is_empty() {
            clauses.push((Occur::Must, should(words)));
            scoring += 1;
        }
        // Adjacent words close together, and chunks as phrases.
        let stems: Vec<Option<String>> = content.iter().map(|w| self.stem(&w.lower)).collect();
        let pairs = if self.big {
            0
        } else {
            content.len().saturating_sub(1)
        };
        for pair in 0..pairs {
            let (Some(a), Some(b)) = (&stems[pair], &stems[pair + 1]) else {
                continue;
            };
            let same_chunk =
                content[pair].chunk.is_some() && content[pair].chunk == content[pair + 1].chunk;
            let (slop, boost) = if same_chunk {
                (0, CHUNK_BOOST)
            } else {
                (PROXIMITY_SLOP, PROXIMITY_BOOST)
            };
            let phrase = self.phrase_clause(&[a.clone(), b.clone()], slop);
            self.bonuses.push(boosted(phrase, boost));
        }
        for phrase in &parsed.phrases {
            if let Some(q) = self.required_phrase(phrase) {
                let stems = self.stems(&phrase.join(" "));
                self.highlighter.stems.extend(stems);
                clauses.push((Occur::Must, q));
                scoring += 1;
            }
        }
        for excluded in &parsed.excluded {
            // NOTE: a phrase under MustNot panics inside tantivy 0.27 (PhraseScorer::seek_danger
            // from Exclude): excluded phrases are removed from the hits afterwards instead.
            if excluded.len() == 1 {
                if let Some(q) = self.required_phrase(excluded) {
                    clauses.push((Occur::MustNot, q));
                }
            } else if let Some(q) = self.required_phrase(excluded) {
                self.excluded_phrases.push(q);
            }
        }
        let mut filtered = false;
        for filter in &parsed.filters {
            clauses.push((Occur::Must, self.filter_clause(filter)?));
            filtered = true;
        }
        if scoring == 0 {
            if !filtered && parsed.excluded.is_empty() {
                return Ok(None);
            }
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        Ok(Some(Box::new(BooleanQuery::new(clauses))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_transpositions_once() {
        assert_eq!(edit_distance("helth", "health"), 1);
        assert_eq!(edit_distance("manger", "manager"), 1);
        assert_eq!(edit_distance("firehouse", "firehose"), 1);
        assert_eq!(edit_distance("recieve", "receive"), 1);
        assert_eq!(edit_distance("abc", "xyz"), 3);
        assert_eq!(edit_distance("", "ab"), 2);
    }

    #[test]
    fn idf_falls_with_frequency() {
        assert!(idf(1, 100) > idf(10, 100));
        assert!(idf(10, 100) > idf(90, 100));
    }
}
