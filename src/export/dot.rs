//! Graphviz DOT: quoted ids, escaped labels, fill colours, sizes and pinned positions
//! (`pos="x,y!"`, used by `neato -n` / `fdp`).

use std::fmt::Write as _;

use super::{ExportGraph, num};

/// Escapes `text` for a double-quoted DOT string. Backslashes are doubled so Graphviz does not
/// read `\n`, `\l` or `\N` escapes the notes never meant; line breaks become `\n`; other control
/// characters are dropped.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            '\t' => out.push(' '),
            ch if ch.is_control() => {}
            ch => out.push(ch),
        }
    }
    out.push('"');
    out
}

/// Map units per inch for node widths and positions (Graphviz works in inches and points).
const UNITS_PER_INCH: f32 = 72.0;

/// Writes `graph` as a DOT digraph; symmetric relations get `dir=none`.
pub fn write(graph: &ExportGraph) -> String {
    let mut out = String::with_capacity(128 + graph.nodes.len() * 160 + graph.edges.len() * 90);
    out.push_str("digraph cloudatlas {\n");
    out.push_str("  graph [overlap=false, splines=true, outputorder=edgesfirst];\n");
    out.push_str("  node [shape=ellipse, style=filled, fontname=\"Helvetica\", fontsize=10];\n");
    out.push_str("  edge [fontname=\"Helvetica\", fontsize=8, color=\"#00000066\"];\n");
    for node in &graph.nodes {
        let _ = write!(
            out,
            "  {} [label={}, kind={}, category={}, mentions={}, fillcolor=\"{}\", width={}",
            quote(&node.id),
            quote(&node.label),
            quote(&node.kind),
            quote(&node.category),
            node.mentions,
            node.colour.hex(),
            num(node.size / UNITS_PER_INCH * 4.0)
        );
        if let Some([x, y]) = node.pos {
            // Points, y up in Graphviz.
            let _ = write!(out, ", pos=\"{},{}!\"", num(x), num(-y));
        }
        out.push_str("];\n");
    }
    for edge in &graph.edges {
        let _ = write!(
            out,
            "  {} -> {} [label={}, weight={}, penwidth={}",
            quote(&edge.source),
            quote(&edge.target),
            quote(&edge.kind),
            // dot requires an integer weight.
            edge.weight.round().max(1.0) as u32,
            num(edge.weight.sqrt().clamp(0.5, 6.0))
        );
        if !edge.directed {
            out.push_str(", dir=none");
        }
        out.push_str("];\n");
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::super::tests::sample;
    use super::*;

    #[test]
    fn quotes_and_escapes() {
        assert_eq!(quote("a \"b\" \\n\nc\u{7}"), "\"a \\\"b\\\" \\\\n\\nc\"");
        let text = write(&ExportGraph::new(&sample(), None));
        assert!(text.starts_with("digraph cloudatlas {\n"));
        assert!(text.trim_end().ends_with('}'));
        assert!(text.contains("\"s3\" -> \"efs\" [label=\"compared_with\", weight=3"));
        assert!(text.contains("dir=none"));
        assert!(text.contains("\"note:a&b <\\\"c\\\">.md\" -> \"s3\""));
    }
}
