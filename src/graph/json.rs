//! The node-link JSON form of a compiled graph, as `cloudatlas compile --out` writes it and the
//! benchmark scripts read it.

use serde::{Deserialize, Serialize};

use crate::notes::Warning;

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct GraphJson {
    pub nodes: Vec<NodeJson>,
    pub links: Vec<LinkJson>,
    #[serde(default)]
    pub sections: Vec<SectionJson>,
    #[serde(default)]
    pub warnings: Vec<Warning>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NodeJson {
    pub id: String,
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub mentions: u32,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EvidenceJson {
    pub file: String,
    pub line: u32,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LinkJson {
    pub source: String,
    pub target: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default = "one")]
    pub weight: f32,
    #[serde(default)]
    pub evidence: Vec<EvidenceJson>,
}

fn one() -> f32 {
    1.0
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MarkerJson {
    pub kind: String,
    pub line: u32,
    pub text: String,
    /// Entity ids the marked line is about (its mentions, else its section's subject).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entities: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SectionJson {
    pub id: String,
    pub file: String,
    pub title: String,
    pub level: u8,
    pub line_start: u32,
    pub line_end: u32,
    pub mentions: Vec<String>,
    pub markers: Vec<MarkerJson>,
    /// The section's text, when asked for (`compile --with-text`), for the search peers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}
