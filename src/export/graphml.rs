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
        let _ = writeln!(
            out,
            "      <data key=\"label\">{}</data>",
            escape(&node.label)
        );
        let _ = writeln!(
            out,
            "      <data key=\"kind\">{}</data>",
            escape(&node.kind)
        );
        let _ = writeln!(
            out,
            "      <data key=\"category\">{}</data>",
            escape(&node.category)
        );
        let _ = writeln!(out, "      <data key=\"mentions\">{}</data>", node.mentions);
        if let Some([x, y]) = node.pos {
            let _ = writeln!(out, "      <data key=\"x\">{}</data>", num(x));
            let _ = writeln!(out, "      <data key=\"y\">{}</data>", num(y));
        }
        let c = node.colour;
        let _ = writeln!(out, "      <data key=\"r\">{}</data>", c.r);
        let _ = writeln!(out, "      <data key=\"g\">{}</data>", c.g);
        let _ = writeln!(out, "      <data key=\"b\">{}</data>", c.b);
        let _ = writeln!(out, "      <data key=\"size\">{}</data>", num(node.size));
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
        let _ = writeln!(
            out,
            "      <data key=\"edge_kind\">{}</data>",
            escape(&edge.kind)
        );
        let _ = writeln!(
            out,
            "      <data key=\"weight\">{}</data>",
            num(edge.weight)
        );
        let _ = writeln!(
            out,
            "      <data key=\"symmetric\">{}</data>",
            !edge.directed
        );
        out.push_str("    </edge>\n");
    }
    out.push_str("  </graph>\n</graphml>\n");
    out
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
