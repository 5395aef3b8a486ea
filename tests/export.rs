//! Export files parsed back: GraphML and GEXF with an XML reader, DOT structurally, JSON with
//! serde.

use std::collections::BTreeMap;

use cloudatlas::Compiled;
use cloudatlas::export::{self, Format, Positions, palette};
use cloudatlas::graph::{Entity, EntityKind, Evidence, KnowledgeGraph, Relation, RelationKind};
use quick_xml::events::Event;

/// A parsed XML element: name (with prefix), attributes, children and text.
#[derive(Debug, Default)]
struct Element {
    name: String,
    attrs: BTreeMap<String, String>,
    children: Vec<Element>,
    text: String,
}

impl Element {
    fn attr(&self, name: &str) -> &str {
        self.attrs.get(name).map(String::as_str).unwrap_or("")
    }
    fn child(&self, name: &str) -> &Element {
        self.children
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("no <{name}> in <{}>", self.name))
    }
    fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }
}

fn start(e: &quick_xml::events::BytesStart<'_>) -> Element {
    let mut el = Element {
        name: String::from_utf8(e.name().as_ref().to_vec()).unwrap(),
        ..Element::default()
    };
    for attr in e.attributes() {
        let attr = attr.unwrap();
        let key = String::from_utf8(attr.key.as_ref().to_vec()).unwrap();
        let value = attr
            .normalized_value(quick_xml::XmlVersion::Explicit1_0)
            .unwrap()
            .into_owned();
        el.attrs.insert(key, value);
    }
    el
}

/// Parses a whole document strictly (mismatched tags are errors) into its root element.
fn parse_xml(text: &str) -> Element {
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Element> = vec![Element::default()];
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => stack.push(start(&e)),
            Event::Empty(e) => {
                let el = start(&e);
                stack.last_mut().unwrap().children.push(el);
            }
            Event::End(_) => {
                let el = stack.pop().unwrap();
                stack.last_mut().unwrap().children.push(el);
            }
            Event::Text(t) => {
                let text = t.xml10_content().unwrap();
                stack
                    .last_mut()
                    .unwrap()
                    .text
                    .push_str(text.trim_matches('\n'));
            }
            Event::GeneralRef(r) => {
                let resolved = if r.is_char_ref() {
                    r.resolve_char_ref().unwrap().unwrap().to_string()
                } else {
                    match r.decode().unwrap().as_ref() {
                        "amp" => "&".into(),
                        "lt" => "<".into(),
                        "gt" => ">".into(),
                        "quot" => "\"".into(),
                        "apos" => "'".into(),
                        other => panic!("unknown entity {other}"),
                    }
                };
                stack.last_mut().unwrap().text.push_str(&resolved);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(stack.len(), 1, "unclosed elements");
    let mut doc = stack.pop().unwrap();
    assert_eq!(doc.children.len(), 1, "one root element");
    doc.children.pop().unwrap()
}

const NASTY: &str = "Q&A <draft> \"one\" 'two'\u{1}\u{8}\u{1b}";
const NASTY_CLEAN: &str = "Q&A <draft> \"one\" 'two'";

fn entity(id: &str, label: &str, kind: EntityKind, category: &str, mentions: u32) -> Entity {
    Entity::new(id, label, kind, category, mentions)
}

fn compiled() -> Compiled {
    let mut g = KnowledgeGraph::new();
    let lambda = g.add_entity(entity(
        "lambda",
        "AWS Lambda",
        EntityKind::Service,
        "Serverless",
        7,
    ));
    let sqs = g.add_entity(entity(
        "sqs",
        "Amazon SQS",
        EntityKind::Service,
        "Application Integration",
        2,
    ));
    let sns = g.add_entity(entity(
        "sns",
        "Amazon SNS",
        EntityKind::Service,
        "Application Integration",
        1,
    ));
    let note = g.add_entity(entity(
        "note:q&a/<draft>.md",
        NASTY,
        EntityKind::Note,
        "",
        0,
    ));
    let tag = g.add_entity(entity("tag:exam", "#exam", EntityKind::Tag, "", 0));
    let rel = |kind, weight| Relation {
        kind,
        weight,
        evidence: vec![Evidence {
            file: "q&a/<draft>.md".into(),
            line: 3,
        }],
        from_catalog: false,
    };
    g.add_relation(sqs, lambda, rel(RelationKind::Triggers, 2.0));
    g.add_relation(sqs, sns, rel(RelationKind::ComparedWith, 1.0));
    g.add_relation(note, lambda, rel(RelationKind::LinksTo, 1.0));
    g.add_relation(note, tag, rel(RelationKind::TaggedWith, 1.0));
    Compiled {
        graph: g,
        ..Compiled::default()
    }
}

fn positions() -> Positions {
    let mut p = Positions::new();
    p.insert("lambda".into(), [12.5, -4.0]);
    p.insert("note:q&a/<draft>.md".into(), [-100.0, 250.25]);
    p
}

#[test]
fn graphml_parses_back_with_every_attribute() {
    let c = compiled();
    let text = export::export(&c, Format::GraphMl, Some(&positions())).unwrap();
    let root = parse_xml(&text);
    assert_eq!(root.name, "graphml");
    assert_eq!(root.attr("xmlns"), "http://graphml.graphdrawing.org/xmlns");
    // key id -> attr.name for nodes and edges
    let keys: BTreeMap<(String, String), String> = root
        .all("key")
        .map(|k| {
            (
                (k.attr("for").to_owned(), k.attr("id").to_owned()),
                k.attr("attr.name").to_owned(),
            )
        })
        .collect();
    for name in [
        "label", "kind", "category", "mentions", "x", "y", "r", "g", "b", "size",
    ] {
        assert!(
            keys.iter().any(|((f, _), n)| f == "node" && n == name),
            "node key {name}"
        );
    }
    for name in ["kind", "weight", "symmetric"] {
        assert!(
            keys.iter().any(|((f, _), n)| f == "edge" && n == name),
            "edge key {name}"
        );
    }
    let graph = root.child("graph");
    assert_eq!(graph.attr("edgedefault"), "directed");
    let data = |el: &Element, for_: &str| -> BTreeMap<String, String> {
        el.all("data")
            .map(|d| {
                (
                    keys[&(for_.to_owned(), d.attr("key").to_owned())].clone(),
                    d.text.clone(),
                )
            })
            .collect()
    };
    let nodes: BTreeMap<String, BTreeMap<String, String>> = graph
        .all("node")
        .map(|n| (n.attr("id").to_owned(), data(n, "node")))
        .collect();
    assert_eq!(nodes.len(), 5);
    let note = &nodes["note:q&a/<draft>.md"];
    assert_eq!(note["label"], NASTY_CLEAN);
    assert_eq!(note["kind"], "note");
    assert_eq!(note["x"], "-100");
    assert_eq!(note["y"], "250.25");
    let lambda = &nodes["lambda"];
    assert_eq!(lambda["mentions"], "7");
    assert_eq!(lambda["category"], "Serverless");
    let colour = palette::category_colour("Serverless");
    assert_eq!(
        (
            lambda["r"].as_str(),
            lambda["g"].as_str(),
            lambda["b"].as_str()
        ),
        (
            colour.r.to_string().as_str(),
            colour.g.to_string().as_str(),
            colour.b.to_string().as_str()
        )
    );
    assert!(lambda["size"].parse::<f32>().unwrap() > nodes["sns"]["size"].parse::<f32>().unwrap());
    assert!(!nodes["sqs"].contains_key("x"), "no position for sqs");
    let edges: Vec<(String, String, BTreeMap<String, String>, String)> = graph
        .all("edge")
        .map(|e| {
            (
                e.attr("source").to_owned(),
                e.attr("target").to_owned(),
                data(e, "edge"),
                e.attr("directed").to_owned(),
            )
        })
        .collect();
    assert_eq!(edges.len(), 4);
    for (source, target, _, _) in &edges {
        assert!(nodes.contains_key(source) && nodes.contains_key(target));
    }
    let triggers = edges.iter().find(|e| e.2["kind"] == "triggers").unwrap();
    assert_eq!(
        (triggers.0.as_str(), triggers.1.as_str()),
        ("sqs", "lambda")
    );
    assert_eq!(triggers.2["weight"], "2");
    let compared = edges
        .iter()
        .find(|e| e.2["kind"] == "compared_with")
        .unwrap();
    assert_eq!(compared.2["symmetric"], "true");
    assert_eq!(triggers.2["symmetric"], "false");
    assert!(edges.iter().all(|e| e.3.is_empty()), "no mixed directions");
}

#[test]
fn gexf_parses_back_with_viz() {
    let c = compiled();
    let text = export::export(&c, Format::Gexf, Some(&positions())).unwrap();
    let root = parse_xml(&text);
    assert_eq!(root.name, "gexf");
    assert_eq!(root.attr("version"), "1.3");
    assert_eq!(root.attr("xmlns"), "http://gexf.net/1.3");
    assert_eq!(root.attr("xmlns:viz"), "http://gexf.net/1.3/viz");
    let graph = root.child("graph");
    let nodes: Vec<&Element> = graph.child("nodes").all("node").collect();
    assert_eq!(nodes.len(), 5);
    let ids: Vec<&str> = nodes.iter().map(|n| n.attr("id")).collect();
    assert_eq!(
        ids,
        ["lambda", "note:q&a/<draft>.md", "sns", "sqs", "tag:exam"]
    );
    let note = nodes[1];
    assert_eq!(note.attr("label"), NASTY_CLEAN);
    let pos = note.child("viz:position");
    assert_eq!(pos.attr("x").parse::<f32>().unwrap(), -100.0);
    assert_eq!(
        pos.attr("y").parse::<f32>().unwrap(),
        -250.25,
        "y flipped for Gephi"
    );
    let colour = note.child("viz:color");
    assert_eq!(colour.attr("r"), palette::NOTE_COLOUR.r.to_string());
    assert!(note.child("viz:size").attr("value").parse::<f32>().unwrap() > 0.0);
    let lambda = nodes[0];
    let attvalues: BTreeMap<&str, &str> = lambda
        .child("attvalues")
        .all("attvalue")
        .map(|a| (a.attr("for"), a.attr("value")))
        .collect();
    assert_eq!(attvalues["kind"], "service");
    assert_eq!(attvalues["mentions"], "7");
    assert!(
        nodes[2].all("viz:position").next().is_none(),
        "sns has no position"
    );
    let edges: Vec<&Element> = graph.child("edges").all("edge").collect();
    assert_eq!(edges.len(), 4);
    let link = edges
        .iter()
        .find(|e| e.attr("label") == "links_to")
        .unwrap();
    assert_eq!(link.attr("source"), "note:q&a/<draft>.md");
    assert_eq!(link.attr("target"), "lambda");
    let compared = edges
        .iter()
        .find(|e| e.attr("label") == "compared_with")
        .unwrap();
    let symmetric = compared
        .child("attvalues")
        .all("attvalue")
        .find(|a| a.attr("for") == "symmetric")
        .unwrap();
    assert_eq!(symmetric.attr("value"), "true");
    assert!(
        edges.iter().all(|e| e.attr("type").is_empty()),
        "no mixed directions"
    );
    let mut edge_ids: Vec<&str> = edges.iter().map(|e| e.attr("id")).collect();
    edge_ids.dedup();
    assert_eq!(edge_ids.len(), 4, "edge ids are unique");
}

#[test]
fn dot_is_structurally_sound() {
    let c = compiled();
    let text = export::export(&c, Format::Dot, Some(&positions())).unwrap();
    assert!(text.starts_with("digraph cloudatlas {\n"));
    assert!(text.ends_with("}\n"));
    let body: Vec<&str> = text.lines().skip(1).filter(|l| *l != "}").collect();
    let node_lines: Vec<&&str> = body
        .iter()
        .filter(|l| l.starts_with("  \"") && !l.contains(" -> "))
        .collect();
    let edge_lines: Vec<&&str> = body.iter().filter(|l| l.contains("\" -> \"")).collect();
    assert_eq!(node_lines.len(), 5);
    assert_eq!(edge_lines.len(), 4);
    // Every line is a complete statement, and quotes balance once escapes are removed.
    for line in &body {
        assert!(line.ends_with(';'), "{line}");
        let unescaped = line.replace("\\\\", "").replace("\\\"", "");
        assert_eq!(unescaped.matches('"').count() % 2, 0, "{line}");
        assert!(!line.chars().any(|c| c.is_control()), "{line:?}");
    }
    assert!(text.contains("\"note:q&a/<draft>.md\" [label=\"Q&A <draft> \\\"one\\\" 'two'\""));
    assert!(text.contains("pos=\"12.5,4!\""));
    assert!(
        text.contains(
            "\"sqs\" -> \"sns\" [label=\"compared_with\", weight=1, penwidth=1, dir=none];"
        )
    );
}

#[test]
fn json_is_node_link_with_positions_and_colours() {
    let c = compiled();
    let text = export::export(&c, Format::Json, Some(&positions())).unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let nodes = value["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 5);
    let lambda = nodes.iter().find(|n| n["id"] == "lambda").unwrap();
    assert_eq!(lambda["x"], 12.5);
    assert_eq!(lambda["y"], -4.0);
    assert_eq!(
        lambda["color"],
        palette::category_colour("Serverless").hex()
    );
    let sns = nodes.iter().find(|n| n["id"] == "sns").unwrap();
    assert!(sns.get("x").is_none());
    let links = value["links"].as_array().unwrap();
    assert_eq!(links.len(), 4);
    assert!(
        links
            .iter()
            .any(|l| l["source"] == "sqs" && l["target"] == "lambda" && l["kind"] == "triggers")
    );
    // The same graph gives the same bytes.
    assert_eq!(
        text,
        export::export(&c, Format::Json, Some(&positions())).unwrap()
    );
}

#[test]
fn cli_writes_a_file_and_rejects_bad_positions() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.md"), "# Notes\n\nLambda and SQS.\n").unwrap();
    let out = dir.path().join("out.graphml");
    let bin = env!("CARGO_BIN_EXE_cloudatlas");
    let status = std::process::Command::new(bin)
        .args([
            "export",
            dir.path().to_str().unwrap(),
            "--format",
            "graphml",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let root = parse_xml(&std::fs::read_to_string(&out).unwrap());
    assert_eq!(root.name, "graphml");
    let bad = dir.path().join("pos.json");
    std::fs::write(&bad, "{\"lambda\": \"here\"}").unwrap();
    let failed = std::process::Command::new(bin)
        .args(["export", "--format", "gexf", "--positions"])
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!failed.status.success());
    assert!(String::from_utf8_lossy(&failed.stderr).contains("pos.json"));
}
