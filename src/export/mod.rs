//! Writing the graph for other tools: GraphML and GEXF (Gephi), DOT (Graphviz), node-link JSON
//! (d3), with positions, colours and sizes.
//!
//! Owns: the file formats, their escaping, and the palette ([`palette`]) shared with the map.
//! Leaves building the graph to [`crate::compile`] and positions to [`crate::layout`] / the app,
//! which pass them in as a [`Positions`] map.
//!
//! Every writer works on an [`ExportGraph`]: nodes sorted by id, edges sorted by
//! (source, target, kind), so the same graph always gives the same bytes.

mod dot;
mod gexf;
mod graphml;
pub mod palette;
pub mod png;
pub mod svg;
mod xml;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use petgraph::visit::{EdgeRef as _, IntoEdgeReferences as _};

use crate::Compiled;
use crate::graph::{KnowledgeGraph, LinkJson, NodeJson, SectionJson};

/// Node positions by node id: `{"id": [x, y]}` (what `cloudatlas layout --out` writes).
pub type Positions = BTreeMap<String, [f32; 2]>;

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("unknown export format {0:?} (expected graphml, gexf, dot or json)")]
    UnknownFormat(String),
    #[error("cannot read positions {path}: {source}")]
    ReadPositions {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("bad positions file {path}: {source}")]
    ParsePositions {
        path: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("position of {id:?} is not finite")]
    BadPosition { id: String },
    #[error("cannot write JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// An export file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// GraphML (Gephi, yEd, Cytoscape, networkx).
    GraphMl,
    /// GEXF 1.3 with the viz extension (Gephi).
    Gexf,
    /// Graphviz DOT.
    Dot,
    /// Node-link JSON (d3-force, networkx `node_link_graph`).
    Json,
}

impl Format {
    /// Every format, in the order menus list them.
    pub const ALL: [Format; 4] = [Format::GraphMl, Format::Gexf, Format::Dot, Format::Json];

    /// The name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::GraphMl => "graphml",
            Format::Gexf => "gexf",
            Format::Dot => "dot",
            Format::Json => "json",
        }
    }

    /// The usual file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::GraphMl => "graphml",
            Format::Gexf => "gexf",
            Format::Dot => "gv",
            Format::Json => "json",
        }
    }

    /// Parses a format name (case-insensitive; `gv` and `graphviz` mean DOT).
    pub fn parse(name: &str) -> Result<Self, ExportError> {
        match name.to_ascii_lowercase().as_str() {
            "graphml" => Ok(Format::GraphMl),
            "gexf" => Ok(Format::Gexf),
            "dot" | "gv" | "graphviz" => Ok(Format::Dot),
            "json" | "node-link" => Ok(Format::Json),
            _ => Err(ExportError::UnknownFormat(name.to_owned())),
        }
    }
}

impl std::str::FromStr for Format {
    type Err = ExportError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::parse(s)
    }
}

/// A node as the exporters write it.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportNode {
    pub id: String,
    pub label: String,
    pub kind: String,
    pub category: String,
    pub mentions: u32,
    pub colour: palette::Rgb,
    pub size: f32,
    /// Position, when the caller gave one for this node.
    pub pos: Option<[f32; 2]>,
}

/// An edge as the exporters write it.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportEdge {
    pub source: String,
    pub target: String,
    pub kind: String,
    pub weight: f32,
    /// `false` for symmetric relation kinds (compared with, alternative to).
    pub directed: bool,
}

/// The graph in the exporters' deterministic order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExportGraph {
    pub nodes: Vec<ExportNode>,
    pub edges: Vec<ExportEdge>,
}

impl ExportGraph {
    /// Takes the nodes and edges of `graph`, with the positions of `positions` where it has one.
    pub fn new(graph: &KnowledgeGraph, positions: Option<&Positions>) -> Self {
        let g = &graph.graph;
        let mut degree: HashMap<&str, usize> = HashMap::new();
        let mut edges: Vec<ExportEdge> = g
            .edge_references()
            .filter_map(|edge| {
                let source = g.node_weight(edge.source())?;
                let target = g.node_weight(edge.target())?;
                *degree.entry(source.id.as_str()).or_default() += 1;
                *degree.entry(target.id.as_str()).or_default() += 1;
                let rel = edge.weight();
                Some(ExportEdge {
                    source: source.id.clone(),
                    target: target.id.clone(),
                    kind: rel.kind.as_str().to_owned(),
                    weight: rel.weight,
                    directed: !rel.kind.is_symmetric(),
                })
            })
            .collect();
        edges.sort_by(|a, b| (&a.source, &a.target, &a.kind).cmp(&(&b.source, &b.target, &b.kind)));
        let nodes = graph
            .entities_sorted()
            .into_iter()
            .map(|e| ExportNode {
                id: e.id.clone(),
                label: e.label.clone(),
                kind: e.kind.as_str().to_owned(),
                category: e.category.to_string(),
                mentions: e.mentions,
                colour: palette::entity_colour(e.kind, &e.category),
                size: palette::node_size(
                    e.mentions,
                    degree.get(e.id.as_str()).copied().unwrap_or(0),
                ),
                pos: positions
                    .and_then(|p| p.get(&e.id))
                    .copied()
                    .filter(|[x, y]| x.is_finite() && y.is_finite()),
            })
            .collect();
        Self { nodes, edges }
    }
}

/// Writes a compiled graph in `format`, with positions where given.
pub fn export(
    compiled: &Compiled,
    format: Format,
    positions: Option<&Positions>,
) -> Result<String, ExportError> {
    let graph = ExportGraph::new(&compiled.graph, positions);
    match format {
        Format::GraphMl => Ok(graphml::write(&graph)),
        Format::Gexf => Ok(gexf::write(&graph)),
        Format::Dot => Ok(dot::write(&graph)),
        Format::Json => node_link_json(compiled, &graph),
    }
}

/// A node of the node-link JSON: [`NodeJson`] plus what d3 draws with.
#[derive(serde::Serialize)]
struct D3Node<'a> {
    #[serde(flatten)]
    node: &'a NodeJson,
    color: String,
    size: f32,
    #[serde(skip_serializing_if = "Option::is_none")]
    x: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    y: Option<f32>,
}

/// The node-link JSON, shaped like [`GraphJson`].
#[derive(serde::Serialize)]
struct D3Graph<'a> {
    nodes: Vec<D3Node<'a>>,
    links: &'a [LinkJson],
    sections: &'a [SectionJson],
    warnings: &'a [crate::notes::Warning],
}

/// The node-link JSON of [`Compiled::to_json`] (nodes, links, sections, warnings), each node with
/// `color`, `size` and, where known, `x`/`y` added for d3.
fn node_link_json(compiled: &Compiled, graph: &ExportGraph) -> Result<String, ExportError> {
    let json = compiled.to_json(false);
    let extra: HashMap<&str, &ExportNode> =
        graph.nodes.iter().map(|n| (n.id.as_str(), n)).collect();
    let nodes = json
        .nodes
        .iter()
        .map(|node| {
            let info = extra.get(node.id.as_str());
            D3Node {
                node,
                color: info.map_or_else(|| palette::TOPIC_COLOUR.hex(), |i| i.colour.hex()),
                size: info.map_or(palette::node_size(node.mentions, 0), |i| i.size),
                x: info.and_then(|i| i.pos).map(|p| p[0]),
                y: info.and_then(|i| i.pos).map(|p| p[1]),
            }
        })
        .collect();
    let d3 = D3Graph {
        nodes,
        links: &json.links,
        sections: &json.sections,
        warnings: &json.warnings,
    };
    let mut text = serde_json::to_string_pretty(&d3)?;
    text.push('\n');
    Ok(text)
}

/// Reads a positions file (`{"id": [x, y]}`); a non-finite coordinate is an error.
pub fn read_positions(path: &Path) -> Result<Positions, ExportError> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| ExportError::ReadPositions {
        path: shown.clone(),
        source,
    })?;
    let positions: Positions =
        serde_json::from_slice(&bytes).map_err(|source| ExportError::ParsePositions {
            path: shown,
            source,
        })?;
    if let Some((id, _)) = positions
        .iter()
        .find(|(_, [x, y])| !x.is_finite() || !y.is_finite())
    {
        return Err(ExportError::BadPosition { id: id.clone() });
    }
    Ok(positions)
}

/// A float as the exporters write it: finite, no exponent, at most 3 decimals, no trailing zeros.
pub(crate) fn num(value: f32) -> String {
    if !value.is_finite() {
        return "0".to_owned();
    }
    let mut text = format!("{value:.3}");
    if text.contains('.') {
        while text.ends_with('0') {
            text.pop();
        }
        if text.ends_with('.') {
            text.pop();
        }
    }
    if text == "-0" {
        text = "0".to_owned();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{Entity, EntityKind, Relation, RelationKind};

    pub(crate) fn sample() -> KnowledgeGraph {
        let mut g = KnowledgeGraph::new();
        let entity = Entity::new;
        let s3 = g.add_entity(entity("s3", "Amazon S3", EntityKind::Service, "Storage", 5));
        let tricky = g.add_entity(entity(
            "note:a&b <\"c\">.md",
            "R&D <draft> \"quotes\" 'single'\u{1}\u{7} tab\there",
            EntityKind::Note,
            "",
            0,
        ));
        let efs = g.add_entity(entity(
            "efs",
            "Amazon EFS",
            EntityKind::Service,
            "Storage",
            1,
        ));
        let rel = |kind, weight| Relation {
            kind,
            weight,
            evidence: Vec::new(),
            from_catalog: false,
        };
        g.add_relation(tricky, s3, rel(RelationKind::LinksTo, 1.0));
        g.add_relation(s3, efs, rel(RelationKind::ComparedWith, 2.5));
        g
    }

    #[test]
    fn formats_parse() {
        for format in Format::ALL {
            assert_eq!(Format::parse(format.as_str()).unwrap(), format);
        }
        assert_eq!(Format::parse("GV").unwrap(), Format::Dot);
        assert!(matches!(
            Format::parse("png"),
            Err(ExportError::UnknownFormat(_))
        ));
    }

    #[test]
    fn export_graph_is_sorted_with_positions() {
        let mut positions = Positions::new();
        positions.insert("s3".into(), [1.5, -2.0]);
        positions.insert("efs".into(), [f32::NAN, 0.0]);
        let g = ExportGraph::new(&sample(), Some(&positions));
        let ids: Vec<&str> = g.nodes.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids, ["efs", "note:a&b <\"c\">.md", "s3"]);
        assert_eq!(g.nodes[2].pos, Some([1.5, -2.0]));
        assert_eq!(g.nodes[0].pos, None, "non-finite positions are dropped");
        assert_eq!(g.edges.len(), 2);
        assert!(
            g.edges
                .iter()
                .any(|e| e.kind == "compared_with" && !e.directed)
        );
        assert!(g.nodes[2].size > g.nodes[1].size);
    }

    #[test]
    fn numbers_are_short_and_finite() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(-0.0001), "0");
        assert_eq!(num(2.5), "2.5");
        assert_eq!(num(f32::INFINITY), "0");
        assert_eq!(num(1234.5678), "1234.568");
    }

    #[test]
    fn positions_file_errors_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pos.json");
        std::fs::write(&path, "{\"s3\": [1, 2], \"x\": [3]}").unwrap();
        let err = read_positions(&path).unwrap_err().to_string();
        assert!(err.contains("pos.json"), "{err}");
        std::fs::write(&path, "{\"s3\": [1, 2.5]}").unwrap();
        assert_eq!(read_positions(&path).unwrap()["s3"], [1.0, 2.5]);
    }
}
