//! The AWS catalog: services, concepts and tools with their aliases, categories, exams and known
//! relations. Written by us in `data/catalog.ron`, validated by `build.rs` and embedded in the
//! binary, so the app needs no files around it.

mod schema;

pub use self::schema::{
    CATEGORIES, CatalogFile, CatalogRelation, Entry, EntryKind, Exam, RelationKind,
};

use std::collections::HashMap;
use std::sync::OnceLock;

/// The catalog text, embedded at build time.
pub const CATALOG_RON: &str = include_str!("../../data/catalog.ron");

/// The loaded catalog with an index by id.
#[derive(Debug)]
pub struct Catalog {
    pub entries: Vec<Entry>,
    by_id: HashMap<String, usize>,
}

impl Catalog {
    /// The built-in catalog (parsed once; `build.rs` has already validated it).
    pub fn builtin() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| {
            // NOTE: build.rs parses and validates this exact text, so this cannot fail at run time
            // unless the binary itself is corrupt.
            #[expect(clippy::expect_used, reason = "validated by build.rs")]
            let file: CatalogFile =
                ron::from_str(CATALOG_RON).expect("catalog validated by build.rs");
            Catalog::new(file.entries)
        })
    }

    /// A catalog from entries (tests use small ones).
    pub fn new(entries: Vec<Entry>) -> Self {
        let by_id = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.clone(), i))
            .collect();
        Self { entries, by_id }
    }

    /// The entry with this id.
    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.by_id.get(id).and_then(|&i| self.entries.get(i))
    }
}
