//! What the map and the search need from the study store: each marked id's level (rings on the
//! map), the weak topics with their neighbours (the "weak only" filter), and the `weak:` search
//! filter.

use std::collections::{BTreeMap, BTreeSet};

use crate::Compiled;

use super::model::{Level, Store};
use super::time::Timestamp;

/// The level of every mark by id (orphans included: they have no node to draw anyway).
pub fn levels(store: &Store) -> BTreeMap<String, Level> {
    store
        .marks
        .iter()
        .map(|(id, mark)| (id.clone(), mark.level))
        .collect()
}

/// Entity ids to show when the map is filtered to weak topics: every marked entity that is not
/// solid, the entities its relations reach (either direction), and for a marked section the
/// entities it mentions. Sorted.
pub fn weak_neighbourhood(store: &Store, compiled: &Compiled) -> BTreeSet<String> {
    let graph = &compiled.graph;
    let mut out = BTreeSet::new();
    for mark in store.marks.values().filter(|m| m.level != Level::Solid) {
        if let Some(ix) = graph.node(&mark.id) {
            out.insert(mark.id.clone());
            for neighbour in graph.graph.neighbors_undirected(ix) {
                if let Some(entity) = graph.graph.node_weight(neighbour) {
                    out.insert(entity.id.clone());
                }
            }
        } else {
            if let Some(facts) = compiled.facts_by_id(&mark.id) {
                out.extend(facts.entity_ids());
            }
        }
    }
    out
}

/// A `weak:` term in a search query.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WeakFilter {
    /// `weak:` or `weak:any`: any marked topic.
    Any,
    /// `weak:weak`, `weak:shaky`, `weak:solid`: marks at that level.
    Level(Level),
    /// `weak:due`: marks due for review.
    Due,
}

impl WeakFilter {
    /// Parses one query term (`weak:`, `weak:any`, `weak:shaky`, `weak:due`, any case). `None` for
    /// a term that is not a `weak:` filter or names no known value.
    pub fn parse(term: &str) -> Option<Self> {
        let (key, value) = term.trim().split_once(':')?;
        if !key.eq_ignore_ascii_case("weak") {
            return None;
        }
        match value.to_ascii_lowercase().as_str() {
            "" | "any" | "all" => Some(Self::Any),
            "due" => Some(Self::Due),
            other => Level::parse(other).map(Self::Level),
        }
    }

    /// Whether the entity or section `id` passes the filter.
    pub fn matches(self, store: &Store, id: &str, now: Timestamp) -> bool {
        let Some(mark) = store.get(id) else {
            return false;
        };
        match self {
            Self::Any => true,
            Self::Level(level) => mark.level == level,
            Self::Due => mark.is_due(now),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::study::model::MarkTarget;

    #[test]
    fn weak_filter_terms() {
        assert_eq!(WeakFilter::parse("weak:"), Some(WeakFilter::Any));
        assert_eq!(
            WeakFilter::parse("WEAK:Shaky"),
            Some(WeakFilter::Level(Level::Shaky))
        );
        assert_eq!(WeakFilter::parse("weak:due"), Some(WeakFilter::Due));
        assert_eq!(WeakFilter::parse("weak:nope"), None);
        assert_eq!(WeakFilter::parse("kind:service"), None);
        assert_eq!(WeakFilter::parse("weak"), None);

        let mut store = Store::new();
        let target = MarkTarget {
            id: "s3".to_owned(),
            ..MarkTarget::default()
        };
        store.mark(target, Level::Shaky, "", Timestamp(10));
        store.marks.get_mut("s3").unwrap().due = Timestamp(100);
        assert!(WeakFilter::Any.matches(&store, "s3", Timestamp(0)));
        assert!(WeakFilter::Level(Level::Shaky).matches(&store, "s3", Timestamp(0)));
        assert!(!WeakFilter::Level(Level::Weak).matches(&store, "s3", Timestamp(0)));
        assert!(!WeakFilter::Due.matches(&store, "s3", Timestamp(99)));
        assert!(WeakFilter::Due.matches(&store, "s3", Timestamp(100)));
        assert!(!WeakFilter::Any.matches(&store, "ec2", Timestamp(0)));
        assert_eq!(levels(&store).get("s3"), Some(&Level::Shaky));
    }
}
