//! GraphML: the keys Gephi, yEd, Cytoscape and networkx read (label, kind, category, mentions,
//! x, y, r, g, b, size on nodes; kind and weight on edges).

use std::fmt::Write as _;

use super::xml::escape;
use super::{ExportGraph, num};

/// Node keys: (id, attribute name, type).
const NODE_KEYS: &[(&str, &str, &str)] = &[
    ("label", "label", "string"),
    ("kind", "kind", "string"),
    ("category", "category", "string"),
    ("mentions", "mentions", "int"),
    ("x", "x", "float"),
    ("y", "y", "float"),
    ("r", "r", "int"),
    ("g", "g", "int"),
    ("b", "b", "int"),
    ("size", "size", "float"),
];

/// Writes `graph` as GraphML.
pub fn write(graph: &ExportGraph) -> String {
    let mut out = String::with_capacity(256 + graph.nodes.len() * 400 + graph.edges.len() * 200);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(
        "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns \
         http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n",
    );
    for (id, name, ty) in NODE_KEYS {
        let _ = writeln!(
            out,
            "  <key id=\"{id}\" for=\"node\" attr.name=\"{name}\" attr.type=\"{ty}\"/>"
        );
    }
    out.push_str(
        "  <key id=\"edge_kind\" for=\"edge\" attr.name=\"kind\" attr.type=\"string\"/>\n",
    );
    out.push_str("  <key id=\"weight\" for=\"edge\" attr.name=\"weight\" attr.type=\"double\"/>\n");
    out.push_str(
        "  <key id=\"symmetric\" for=\"edge\" attr.name=\"symmetric\" attr.type=\"boolean\"/>\n",
    );
    out.push_str("  <graph id=\"cloudatlas\" edgedefault=\"directed\">\n");
    for node in &graph.nodes {
        let _ = writeln!(out, "    <node id=\"{}\">", escape(&node.id));
        data(&mut out, "label", escape(&node.label));
        data(&mut out, "kind", escape(&node.kind));
        data(&mut out, "category", escape(&node.category));
        data(&mut out, "mentions", node.mentions);
        if let Some([x, y]) = node.pos {
            data(&mut out, "x", num(x));
            data(&mut out, "y", num(y));
        }
        let c = node.colour;
        data(&mut out, "r", c.r);
        data(&mut out, "g", c.g);
        data(&mut out, "b", c.b);
        data(&mut out, "size", num(node.size));
        out.push_str("    </node>\n");
    }
    for (ix, edge) in graph.edges.iter().enumerate() {
        // Mixed graphs (`directed="false"` on some edges) are valid GraphML but networkx and
        // others refuse them: symmetric kinds are written once, flagged with `symmetric`.
        let _ = writeln!(
            out,
            "    <edge id=\"e{ix}\" source=\"{}\" target=\"{}\">",
            escape(&edge.source),
            escape(&edge.target)
        );
        data(&mut out, "edge_kind", escape(&edge.kind));
        data(&mut out, "weight", num(edge.weight));
        data(&mut out, "symmetric", !edge.directed);
        out.push_str("    </edge>\n");
    }
    out.push_str("  </graph>\n</graphml>\n");
    out
}

/// One `<data key="…">value</data>` line of a node or an edge.
fn data(out: &mut String, key: &str, value: impl std::fmt::Display) {
    let _ = writeln!(out, "      <data key=\"{key}\">{value}</data>");
}

#[cfg(test)]
mod tests {
    use super::super::tests::sample;
    use super::*;

    #[test]
    fn escapes_ids_and_labels() {
        let text = write(&ExportGraph::new(&sample(), None));
        assert!(text.contains("<node id=\"note:a&amp;b &lt;&quot;c&quot;&gt;.md\">"));
        assert!(
            text.contains(
                "R&amp;D &lt;draft&gt; &quot;quotes&quot; &apos;single&apos; tab&#9;here"
            )
        );
        assert!(!text.contains('\u{1}'));
        assert!(text.contains("<data key=\"symmetric\">true</data>"));
        assert!(!text.contains("<data key=\"x\">"), "no positions given");
    }
}
