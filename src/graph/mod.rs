//! The knowledge graph: entities (services, concepts, tools, topics, notes, tags) and the relations
//! between them, on petgraph, with content-derived ids that survive a recompile.
//!
//! Owns: the graph model and its node-link JSON form ([`GraphJson`]). Leaves finding entities and
//! relations to [`crate::extract`], and positions to [`crate::layout`].

mod json;

pub use self::json::{EvidenceJson, GraphJson, LinkJson, MarkerJson, NodeJson, SectionJson};

use std::hash::{BuildHasher, RandomState};
use std::sync::Arc;

use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableGraph};
use petgraph::visit::EdgeRef as _;
use serde::{Deserialize, Serialize};

pub use crate::catalog::{Exam, RelationKind};

/// What kind of node an entity is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    /// An AWS service from the catalog.
    Service,
    /// A concept from the catalog.
    Concept,
    /// A non-AWS tool (Jenkins, Terraform, Docker, …).
    Tool,
    /// A headed topic of the notes that is not in the catalog.
    Topic,
    /// A Markdown note (a vault file), linked by `[[wikilinks]]`.
    Note,
    /// A `#tag`.
    Tag,
}

impl EntityKind {
    pub const ALL: [EntityKind; 6] = [
        EntityKind::Service,
        EntityKind::Concept,
        EntityKind::Tool,
        EntityKind::Topic,
        EntityKind::Note,
        EntityKind::Tag,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Service => "service",
            EntityKind::Concept => "concept",
            EntityKind::Tool => "tool",
            EntityKind::Topic => "topic",
            EntityKind::Note => "note",
            EntityKind::Tag => "tag",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        EntityKind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(text))
    }
}

/// A node of the graph.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    /// Content-derived id: the catalog id, or `topic:slug`, `note:path`, `tag:name`.
    pub id: String,
    pub label: String,
    pub kind: EntityKind,
    /// `Cow`: topics, notes and tags share a few fixed categories, with no copy per node.
    pub category: std::borrow::Cow<'static, str>,
    pub aliases: Vec<String>,
    /// How many times the notes mention it.
    pub mentions: u32,
    /// One line from the catalog (empty for topics).
    pub description: String,
    pub exams: Vec<Exam>,
}

impl Entity {
    /// An entity with no aliases, description or exams (topics, tests, generated graphs).
    pub fn new(id: &str, label: &str, kind: EntityKind, category: &str, mentions: u32) -> Self {
        Self {
            id: id.to_owned(),
            label: label.to_owned(),
            kind,
            category: category.to_owned().into(),
            aliases: Vec::new(),
            mentions,
            description: String::new(),
            exams: Vec::new(),
        }
    }
}

/// Where in the notes a relation was found.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Evidence {
    /// The note's path relative to the notes root (shared, not one copy per piece of evidence).
    pub file: Arc<str>,
    pub line: u32,
}

/// An edge of the graph.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Relation {
    pub kind: RelationKind,
    /// Strength: grows with each piece of evidence.
    pub weight: f32,
    pub evidence: Vec<Evidence>,
    /// `true` when the catalog states this relation (it may also have evidence from the notes).
    pub from_catalog: bool,
}

/// The hash of a node's id, for the index table when it grows.
fn rehash<'a>(
    graph: &'a StableGraph<Entity, Relation>,
    hasher: &'a RandomState,
) -> impl Fn(&NodeIndex) -> u64 + 'a {
    move |&n| hasher.hash_one(graph.node_weight(n).map_or("", |e| e.id.as_str()))
}

/// The knowledge graph of one notes collection.
#[derive(Clone, Debug, Default)]
pub struct KnowledgeGraph {
    pub graph: StableGraph<Entity, Relation>,
    /// Node by id: the table holds only node indices and hashes the id kept in the node (a note
    /// of many headings makes a topic node per heading; a map keyed by a copy of each id doubled
    /// them).
    index: hashbrown::HashTable<NodeIndex>,
    hasher: RandomState,
}

impl KnowledgeGraph {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an entity, or returns the existing node with the same id.
    pub fn add_entity(&mut self, entity: Entity) -> NodeIndex {
        if let Some(ix) = self.node(&entity.id) {
            return ix;
        }
        let hash = self.hasher.hash_one(entity.id.as_str());
        let ix = self.graph.add_node(entity);
        self.index
            .insert_unique(hash, ix, rehash(&self.graph, &self.hasher));
        ix
    }

    /// The node with this id.
    /// Makes room for `additional` more nodes (exactly: for a caller that knows the count).
    pub fn reserve_nodes(&mut self, additional: usize) {
        self.graph.reserve_exact_nodes(additional);
        self.index
            .reserve(additional, rehash(&self.graph, &self.hasher));
    }

    pub fn node(&self, id: &str) -> Option<NodeIndex> {
        let hash = self.hasher.hash_one(id);
        self.index
            .find(hash, |&n| {
                self.graph.node_weight(n).is_some_and(|e| e.id == id)
            })
            .copied()
    }

    pub fn entity(&self, id: &str) -> Option<&Entity> {
        self.node(id).and_then(|ix| self.graph.node_weight(ix))
    }

    pub fn entity_mut(&mut self, id: &str) -> Option<&mut Entity> {
        let ix = self.node(id)?;
        self.graph.node_weight_mut(ix)
    }

    /// Adds a relation, merging it into an existing edge of the same kind between the same two
    /// nodes (either direction for symmetric kinds): evidence is appended and the weight grows.
    pub fn add_relation(&mut self, a: NodeIndex, b: NodeIndex, relation: Relation) -> EdgeIndex {
        let existing = self
            .graph
            .edges_connecting(a, b)
            .chain(
                if relation.kind.is_symmetric() {
                    Some(self.graph.edges_connecting(b, a))
                } else {
                    None
                }
                .into_iter()
                .flatten(),
            )
            .find(|e| e.weight().kind == relation.kind)
            .map(|e| e.id());
        match existing {
            Some(edge) => {
                if let Some(w) = self.graph.edge_weight_mut(edge) {
                    w.weight += relation.weight;
                    w.from_catalog |= relation.from_catalog;
                    for ev in relation.evidence {
                        if !w.evidence.contains(&ev) {
                            w.evidence.push(ev);
                        }
                    }
                }
                edge
            }
            None => self.graph.add_edge(a, b, relation),
        }
    }

    /// Entities sorted by id (deterministic order).
    pub fn entities_sorted(&self) -> Vec<&Entity> {
        let mut all: Vec<&Entity> = self.graph.node_weights().collect();
        all.sort_by(|a, b| a.id.cmp(&b.id));
        all
    }

    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }
}
