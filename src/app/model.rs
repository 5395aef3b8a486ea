//! The map's read-only model: nodes and edges of a compiled graph (or of a node-link JSON file, for
//! the measuring mode) in a flat, index-addressed form that is cheap to draw every frame.

use std::collections::HashMap;

use petgraph::visit::{EdgeRef as _, IntoEdgeReferences as _};

use crate::Compiled;
use crate::graph::{EntityKind, GraphJson};

use super::theme;

/// A node as the map draws it.
#[derive(Clone, Debug, PartialEq)]
pub struct MapNode {
    /// Content-derived entity id.
    pub id: String,
    pub label: String,
    pub kind: EntityKind,
    pub category: String,
    pub description: String,
    pub mentions: u32,
    /// Radius in points at zoom 1.
    pub radius: f32,
}

/// An edge as the map draws it.
#[derive(Clone, Debug, PartialEq)]
pub struct MapEdge {
    pub a: usize,
    pub b: usize,
    /// Relation kind, e.g. `integrates_with`.
    pub kind: String,
    pub weight: f32,
}

/// The whole map model.
#[derive(Clone, Debug, Default)]
pub struct MapModel {
    /// Sorted by id.
    pub nodes: Vec<MapNode>,
    pub edges: Vec<MapEdge>,
    /// Id to index into `nodes`.
    pub index: HashMap<String, usize>,
    /// Per node: `(neighbour, edge index)`, sorted.
    pub adjacency: Vec<Vec<(usize, usize)>>,
    /// Node indices, most mentioned (then most connected) first: the label priority.
    pub by_importance: Vec<usize>,
    /// Per node: in a main connected part of the graph (at least a tenth of the largest one,
    /// and more than one node). The first view fits these; loners and small islands that the
    /// layout places far out do not shrink the map to a dot.
    pub main_part: Vec<bool>,
    /// Edge indices, heaviest first (ties by index): which edges the map keeps when more are
    /// on screen than it draws.
    pub edges_by_weight: Vec<usize>,
}

impl MapModel {
    /// The model of a compiled notes collection.
    pub fn from_compiled(compiled: &Compiled) -> Self {
        let g = &compiled.graph.graph;
        let nodes = compiled
            .graph
            .entities_sorted()
            .into_iter()
            .map(|e| MapNode {
                id: e.id.clone(),
                label: e.label.clone(),
                kind: e.kind,
                category: e.category.to_string(),
                description: e.description.clone(),
                mentions: e.mentions,
                radius: 0.0,
            })
            .collect();
        let mut model = Self {
            nodes,
            ..Self::default()
        };
        model.reindex();
        let mut edges: Vec<MapEdge> = g
            .edge_references()
            .filter_map(|e| {
                let a = model.index.get(&g.node_weight(e.source())?.id)?;
                let b = model.index.get(&g.node_weight(e.target())?.id)?;
                Some(MapEdge {
                    a: *a,
                    b: *b,
                    kind: e.weight().kind.as_str().to_owned(),
                    weight: e.weight().weight,
                })
            })
            .collect();
        edges.sort_by(|x, y| (x.a, x.b, &x.kind).cmp(&(y.a, y.b, &y.kind)));
        model.edges = edges;
        model.finish();
        model
    }

    /// The model of a node-link JSON graph (nodes without a kind become topics).
    pub fn from_json(json: &GraphJson) -> Self {
        let mut nodes: Vec<MapNode> = json
            .nodes
            .iter()
            .map(|n| MapNode {
                id: n.id.clone(),
                label: if n.label.is_empty() {
                    n.id.clone()
                } else {
                    n.label.clone()
                },
                kind: EntityKind::parse(&n.kind).unwrap_or(EntityKind::Topic),
                category: n.category.clone(),
                description: String::new(),
                mentions: n.mentions,
                radius: 0.0,
            })
            .collect();
        nodes.sort_by(|a, b| a.id.cmp(&b.id));
        nodes.dedup_by(|a, b| a.id == b.id);
        let mut model = Self {
            nodes,
            ..Self::default()
        };
        model.reindex();
        model.edges = json
            .links
            .iter()
            .filter_map(|l| {
                Some(MapEdge {
                    a: *model.index.get(&l.source)?,
                    b: *model.index.get(&l.target)?,
                    kind: l.kind.clone(),
                    weight: l.weight,
                })
            })
            .collect();
        model.finish();
        model
    }

    fn reindex(&mut self) {
        self.index = self
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.clone(), i))
            .collect();
    }

    fn finish(&mut self) {
        let n = self.nodes.len();
        let mut adjacency = vec![Vec::new(); n];
        for (e, edge) in self.edges.iter().enumerate() {
            if let Some(list) = adjacency.get_mut(edge.a) {
                list.push((edge.b, e));
            }
            if let Some(list) = adjacency.get_mut(edge.b) {
                list.push((edge.a, e));
            }
        }
        for list in &mut adjacency {
            list.sort_unstable();
        }
        // Size by mentions (log scale); graphs without mention counts size by degree.
        let any_mentions = self.nodes.iter().any(|n| n.mentions > 0);
        let weight = |i: usize, node: &MapNode| -> f32 {
            if any_mentions {
                node.mentions as f32
            } else {
                adjacency.get(i).map_or(0, Vec::len) as f32
            }
        };
        let max = self
            .nodes
            .iter()
            .enumerate()
            .map(|(i, nd)| weight(i, nd))
            .fold(1.0_f32, f32::max);
        let radii: Vec<f32> = self
            .nodes
            .iter()
            .enumerate()
            .map(|(i, nd)| {
                let t = (1.0 + weight(i, nd)).ln() / (1.0 + max).ln();
                theme::NODE_MIN_RADIUS + t * (theme::NODE_MAX_RADIUS - theme::NODE_MIN_RADIUS)
            })
            .collect();
        for (node, r) in self.nodes.iter_mut().zip(radii) {
            node.radius = r;
        }
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| {
            let ka = (self.nodes[a].mentions, adjacency[a].len());
            let kb = (self.nodes[b].mentions, adjacency[b].len());
            kb.cmp(&ka).then(a.cmp(&b))
        });
        self.by_importance = order;
        self.adjacency = adjacency;
        self.main_part = self.main_parts();
        let mut by_weight: Vec<usize> = (0..self.edges.len()).collect();
        by_weight.sort_by(|&a, &b| {
            self.edges[b]
                .weight
                .total_cmp(&self.edges[a].weight)
                .then(a.cmp(&b))
        });
        self.edges_by_weight = by_weight;
    }

    /// See [`MapModel::main_part`]. Every node if no part qualifies.
    fn main_parts(&self) -> Vec<bool> {
        let n = self.nodes.len();
        let mut part = vec![usize::MAX; n];
        let mut sizes = Vec::new();
        let mut stack = Vec::new();
        for start in 0..n {
            if part[start] != usize::MAX {
                continue;
            }
            let id = sizes.len();
            let mut size = 0;
            part[start] = id;
            stack.push(start);
            while let Some(i) = stack.pop() {
                size += 1;
                for &(j, _) in self.adjacency.get(i).map_or(&[][..], Vec::as_slice) {
                    if let Some(p) = part.get_mut(j)
                        && *p == usize::MAX
                    {
                        *p = id;
                        stack.push(j);
                    }
                }
            }
            sizes.push(size);
        }
        let largest = sizes.iter().copied().max().unwrap_or(0);
        let keep = |size: usize| size >= 2 && size * 10 >= largest;
        if !sizes.iter().any(|&s| keep(s)) {
            return vec![true; n];
        }
        part.iter()
            .map(|&p| sizes.get(p).is_some_and(|&s| keep(s)))
            .collect()
    }

    /// Nodes within `depth` hops of `start` (including it), as a membership mask.
    pub fn neighbourhood(&self, start: usize, depth: usize) -> Vec<bool> {
        let mut mask = vec![false; self.nodes.len()];
        let Some(m) = mask.get_mut(start) else {
            return mask;
        };
        *m = true;
        let mut frontier = vec![start];
        for _ in 0..depth {
            let mut next = Vec::new();
            for &n in &frontier {
                for &(other, _) in self.adjacency.get(n).map_or(&[][..], Vec::as_slice) {
                    if let Some(seen) = mask.get_mut(other)
                        && !*seen
                    {
                        *seen = true;
                        next.push(other);
                    }
                }
            }
            frontier = next;
        }
        mask
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{LinkJson, NodeJson};

    fn node(id: &str, mentions: u32) -> NodeJson {
        NodeJson {
            id: id.into(),
            label: String::new(),
            kind: "service".into(),
            category: String::new(),
            aliases: vec![],
            mentions,
        }
    }

    fn link(a: &str, b: &str) -> LinkJson {
        LinkJson {
            source: a.into(),
            target: b.into(),
            kind: "uses".into(),
            weight: 1.0,
            evidence: vec![],
        }
    }

    #[test]
    fn json_model_sizes_orders_and_walks() {
        let json = GraphJson {
            nodes: vec![node("c", 1), node("a", 10), node("b", 3), node("d", 0)],
            links: vec![
                link("a", "b"),
                link("b", "c"),
                link("c", "d"),
                link("a", "zz"),
            ],
            ..GraphJson::default()
        };
        let m = MapModel::from_json(&json);
        assert_eq!(m.nodes.len(), 4);
        assert_eq!(m.edges.len(), 3, "the link to an unknown node is dropped");
        assert_eq!(m.nodes[m.by_importance[0]].id, "a");
        assert!(m.nodes[m.index["a"]].radius > m.nodes[m.index["d"]].radius);
        let near = m.neighbourhood(m.index["a"], 2);
        assert_eq!(near, vec![true, true, true, false]);
    }

    #[test]
    fn main_parts_leave_out_loners_and_small_islands() {
        // A 25-node path, a 3-node island (kept: a tenth of 25), a pair (too small) and a loner.
        let mut nodes: Vec<NodeJson> = (0..25).map(|i| node(&format!("p{i:02}"), 1)).collect();
        let mut links: Vec<LinkJson> = (1..25)
            .map(|i| link(&format!("p{:02}", i - 1), &format!("p{i:02}")))
            .collect();
        for id in ["i1", "i2", "i3", "q1", "q2", "zz"] {
            nodes.push(node(id, 1));
        }
        links.extend([link("i1", "i2"), link("i2", "i3"), link("q1", "q2")]);
        let model = MapModel::from_json(&GraphJson {
            nodes,
            links,
            ..GraphJson::default()
        });
        let main = |id: &str| model.main_part[model.index[id]];
        assert!(main("p00") && main("p24") && main("i1") && main("i3"));
        assert!(!main("q1") && !main("q2") && !main("zz"));
        // No links at all: everything counts.
        let lonely = MapModel::from_json(&GraphJson {
            nodes: vec![node("a", 1), node("b", 1)],
            ..GraphJson::default()
        });
        assert_eq!(lonely.main_part, vec![true, true]);
    }
}
