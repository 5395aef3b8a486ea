//! Full-text search over the sections of the notes with tantivy: BM25 with boosted titles,
//! as-you-type prefixes, typo tolerance, phrases, exclusions and AWS-aware aliases.
//!
//! Owns: the index (in memory or cached on disk), parsing queries, ranking, snippets.
//! Leaves what a section is to [`crate::notes`] and [`crate::compile`].
//!
//! API contract used by the app (keep these names; add freely):
//! `SearchIndex::build(&Compiled)`, `SearchIndex::search(&self, query, limit)`, [`Hit`],
//! [`Snippet`].

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::Compiled;

/// Why a query could not run. The UI shows the message; the CLI prints it.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("bad query: {0}")]
    Query(String),
    #[error("search index: {0}")]
    Index(String),
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

/// The search index of one compiled notes collection.
pub struct SearchIndex {
    _private: (),
}

impl SearchIndex {
    /// Builds an in-memory index of every section.
    // TODO(search): tantivy.
    pub fn build(compiled: &Compiled) -> Result<Self, SearchError> {
        let _ = compiled;
        Ok(Self { _private: () })
    }

    /// Runs a query; at most `limit` hits, best first.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<Hit>, SearchError> {
        let _ = (query, limit);
        Ok(Vec::new())
    }
}
