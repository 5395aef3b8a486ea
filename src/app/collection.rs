//! A loaded notes collection as the UI sees it: the compile, its search index, the map model and
//! the lookups the panes need. Read-only once built.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use crate::Compiled;
use crate::search::SearchIndex;

use super::jobs::{Loaded, Source};
use super::model::MapModel;

/// One open notes collection.
pub struct Collection {
    pub source: Source,
    pub compiled: Arc<Compiled>,
    pub index: Option<Arc<SearchIndex>>,
    pub index_error: Option<String>,
    pub model: MapModel,
    /// Entity id → indices into `compiled.sections` of the sections that mention it (in order).
    pub sections_by_entity: HashMap<String, Vec<usize>>,
    /// Section id → index into `compiled.sections`.
    pub section_index: HashMap<String, usize>,
    pub compile_time: Duration,
    pub index_time: Duration,
    /// The notes are a folder (asked once: not a file-system call per frame).
    pub source_is_dir: bool,
}

impl Collection {
    /// Builds the UI's view of a loaded collection.
    pub fn new(source: Source, loaded: Loaded) -> Self {
        let Loaded {
            compiled,
            index,
            index_error,
            compile_time,
            index_time,
            incremental: _,
        } = loaded;
        let model = MapModel::from_compiled(&compiled);
        let mut sections_by_entity: HashMap<String, Vec<usize>> = HashMap::new();
        let mut section_index = HashMap::new();
        for (i, facts) in compiled.sections.iter().enumerate() {
            for id in facts.entity_ids() {
                sections_by_entity.entry(id).or_default().push(i);
            }
            if let Some((note, section)) = compiled.section(facts) {
                section_index.insert(note.section_id(section), i);
            }
        }
        let source_is_dir = source.path().is_some_and(std::path::Path::is_dir);
        Self {
            source_is_dir,
            source,
            compiled,
            index,
            index_error,
            model,
            sections_by_entity,
            section_index,
            compile_time,
            index_time,
        }
    }

    /// A collection with only a map model (the measuring mode on a graph JSON file).
    pub fn from_model(model: MapModel) -> Self {
        Self {
            source: Source::Builtin,
            compiled: Arc::new(Compiled::default()),
            index: None,
            index_error: Some("no notes: a graph file".to_owned()),
            model,
            sections_by_entity: HashMap::new(),
            section_index: HashMap::new(),
            compile_time: Duration::ZERO,
            index_time: Duration::ZERO,
            source_is_dir: false,
        }
    }

    /// The file on disk behind a note's `file` name (relative to the folder of notes, or the
    /// notes file itself); `None` for the built-in notes.
    pub fn file_path(&self, file: &str) -> Option<std::path::PathBuf> {
        let root = self.source.path()?;
        Some(if self.source_is_dir {
            root.join(file)
        } else {
            root.to_path_buf()
        })
    }
}
