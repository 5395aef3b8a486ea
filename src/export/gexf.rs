//! GEXF 1.3 with the viz extension (position, colour, size), as Gephi reads it.

use std::fmt::Write as _;

use super::xml::escape;
use super::{ExportGraph, num};

/// Writes `graph` as GEXF 1.3.
pub fn write(graph: &ExportGraph) -> String {
    let mut out = String::with_capacity(512 + graph.nodes.len() * 420 + graph.edges.len() * 200);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(
        "<gexf xmlns=\"http://gexf.net/1.3\" xmlns:viz=\"http://gexf.net/1.3/viz\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd\" version=\"1.3\">\n",
    );
    out.push_str("  <meta>\n    <creator>cloudatlas</creator>\n");
    out.push_str("    <description>Knowledge graph of AWS study notes</description>\n  </meta>\n");
    out.push_str("  <graph mode=\"static\" defaultedgetype=\"directed\">\n");
    out.push_str("    <attributes class=\"node\" mode=\"static\">\n");
    out.push_str("      <attribute id=\"kind\" title=\"kind\" type=\"string\"/>\n");
    out.push_str("      <attribute id=\"category\" title=\"category\" type=\"string\"/>\n");
    out.push_str("      <attribute id=\"mentions\" title=\"mentions\" type=\"integer\"/>\n");
    out.push_str("    </attributes>\n");
    out.push_str("    <attributes class=\"edge\" mode=\"static\">\n");
    out.push_str("      <attribute id=\"kind\" title=\"kind\" type=\"string\"/>\n");
    // Mixed graphs (`type="undirected"` on some edges) are refused by networkx and others:
    // symmetric kinds are written once and flagged.
    out.push_str("      <attribute id=\"symmetric\" title=\"symmetric\" type=\"boolean\"/>\n");
    out.push_str("    </attributes>\n");
    out.push_str("    <nodes>\n");
    for node in &graph.nodes {
        let _ = writeln!(
            out,
            "      <node id=\"{}\" label=\"{}\">",
            escape(&node.id),
            escape(&node.label)
        );
        out.push_str("        <attvalues>\n");
        let _ = writeln!(
            out,
            "          <attvalue for=\"kind\" value=\"{}\"/>",
            escape(&node.kind)
        );
        let _ = writeln!(
            out,
            "          <attvalue for=\"category\" value=\"{}\"/>",
            escape(&node.category)
        );
        let _ = writeln!(
            out,
            "          <attvalue for=\"mentions\" value=\"{}\"/>",
            node.mentions
        );
        out.push_str("        </attvalues>\n");
        let c = node.colour;
        let _ = writeln!(
            out,
            "        <viz:color r=\"{}\" g=\"{}\" b=\"{}\" a=\"1.0\"/>",
            c.r, c.g, c.b
        );
        if let Some([x, y]) = node.pos {
            // Gephi's y axis points up, the map's down: flip so the picture is not mirrored.
            let _ = writeln!(
                out,
                "        <viz:position x=\"{}\" y=\"{}\" z=\"0.0\"/>",
                num(x),
                num(-y)
            );
        }
        let _ = writeln!(out, "        <viz:size value=\"{}\"/>", num(node.size));
        out.push_str("      </node>\n");
    }
    out.push_str("    </nodes>\n    <edges>\n");
    for (ix, edge) in graph.edges.iter().enumerate() {
        let _ = writeln!(
            out,
            "      <edge id=\"{ix}\" source=\"{}\" target=\"{}\" weight=\"{}\" label=\"{}\">",
            escape(&edge.source),
            escape(&edge.target),
            num(edge.weight),
            escape(&edge.kind)
        );
        let _ = writeln!(
            out,
            "        <attvalues><attvalue for=\"kind\" value=\"{}\"/><attvalue for=\"symmetric\" value=\"{}\"/></attvalues>",
            escape(&edge.kind),
            !edge.directed
        );
        out.push_str("      </edge>\n");
    }
    out.push_str("    </edges>\n  </graph>\n</gexf>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::super::Positions;
    use super::super::tests::sample;
    use super::*;

    #[test]
    fn positions_are_flipped_and_escaped() {
        let mut positions = Positions::new();
        positions.insert("s3".into(), [10.0, 20.0]);
        let text = write(&ExportGraph::new(&sample(), Some(&positions)));
        assert!(text.contains("<viz:position x=\"10\" y=\"-20\" z=\"0.0\"/>"));
        assert_eq!(text.matches("<viz:position").count(), 1);
        assert!(text.contains("label=\"R&amp;D &lt;draft&gt;"));
        assert!(text.contains("<attvalue for=\"symmetric\" value=\"true\"/>"));
        assert!(!text.contains("undirected"));
    }
}
