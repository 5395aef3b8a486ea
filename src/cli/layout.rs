//! `cloudatlas layout GRAPH.json --ticks N [--out POSITIONS.json] [--json]`: lays out any
//! node-link graph (the shape `cloudatlas compile --out` and the benchmark peers write) and reports
//! the time per tick like the peer scripts do.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context as _, bail};
use serde::Deserialize;

use crate::layout::{LayoutEngine, LayoutNode, LayoutRequest, LayoutSettings, Tuning};

/// Arguments of `cloudatlas layout`.
#[derive(Debug, clap::Args)]
pub struct LayoutArgs {
    /// Node-link JSON: {"nodes":[{"id"},...],"links":[{"source","target"[,"weight"]},...]}
    /// ("edges" is accepted for "links"; node "x"/"y" are used as start positions).
    pub graph: PathBuf,
    /// Steps to run at most (fewer if the layout settles first).
    #[arg(long, default_value_t = 300)]
    pub ticks: usize,
    /// Write the positions here as {"id": [x, y], ...}.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Start from these positions ({"id": [x, y], ...}); nodes not listed are placed near their
    /// neighbours.
    #[arg(long)]
    pub init: Option<PathBuf>,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
    /// Seed of the start positions.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Barnes-Hut opening angle (0 = exact).
    #[arg(long)]
    pub theta: Option<f32>,
    /// Rest length of a link.
    #[arg(long)]
    pub link_length: Option<f32>,
    /// Force-model knobs as JSON, e.g. '{"gravity":0.01}' (see `layout::Tuning`).
    #[arg(long)]
    pub tuning: Option<String>,
}

/// A node id in JSON: a string or a number.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Id {
    Text(String),
    Number(serde_json::Number),
}

impl Id {
    fn into_string(self) -> String {
        match self {
            Id::Text(s) => s,
            Id::Number(n) => n.to_string(),
        }
    }
}

#[derive(Debug, Deserialize)]
struct InNode {
    id: Id,
    #[serde(default)]
    x: Option<f64>,
    #[serde(default)]
    y: Option<f64>,
}

#[derive(Debug, Deserialize)]
struct InLink {
    source: Id,
    target: Id,
    #[serde(default)]
    weight: Option<f64>,
}

#[derive(Debug, Deserialize)]
struct InGraph {
    nodes: Vec<InNode>,
    #[serde(default, alias = "edges")]
    links: Vec<InLink>,
}

/// Reads a node-link graph into a layout request; errors name the file and what is wrong.
pub fn read_request(path: &Path) -> anyhow::Result<(Vec<String>, LayoutRequest)> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let graph: InGraph = serde_json::from_str(&text)
        .with_context(|| format!("{}: not a node-link graph", path.display()))?;
    let mut index: HashMap<String, usize> = HashMap::with_capacity(graph.nodes.len());
    let mut ids = Vec::with_capacity(graph.nodes.len());
    let mut nodes = Vec::with_capacity(graph.nodes.len());
    for (i, node) in graph.nodes.into_iter().enumerate() {
        let id = node.id.into_string();
        if index.insert(id.clone(), i).is_some() {
            bail!("{}: node {i}: duplicate id {id:?}", path.display());
        }
        let pos = match (node.x, node.y) {
            (Some(x), Some(y)) => Some(coordinate(path, &id, x, y)?),
            (None, None) => None,
            _ => bail!("{}: node {id:?} has only one of x and y", path.display()),
        };
        nodes.push(LayoutNode {
            id: id.clone(),
            pos,
            pinned: false,
            radius: 0.0,
        });
        ids.push(id);
    }
    let mut edges = Vec::with_capacity(graph.links.len());
    for (k, link) in graph.links.into_iter().enumerate() {
        let end = |id: Id| {
            let id = id.into_string();
            index
                .get(&id)
                .copied()
                .with_context(|| format!("{}: link {k}: unknown node id {id:?}", path.display()))
        };
        let (a, b) = (end(link.source)?, end(link.target)?);
        let weight = match link.weight {
            None => 1.0,
            Some(w) if w.is_finite() && w >= 0.0 && w <= f64::from(f32::MAX) => w as f32,
            Some(w) => bail!(
                "{}: link {k}: weight {w} is not a usable number",
                path.display()
            ),
        };
        edges.push((a, b, weight));
    }
    Ok((ids, LayoutRequest { nodes, edges }))
}

fn coordinate(path: &Path, id: &str, x: f64, y: f64) -> anyhow::Result<[f32; 2]> {
    const LIMIT: f64 = 1e9;
    for v in [x, y] {
        if !(v.is_finite() && v.abs() <= LIMIT) {
            bail!(
                "{}: node {id:?}: coordinate {v} is out of range (at most {LIMIT:e} in size)",
                path.display()
            );
        }
    }
    Ok([x as f32, y as f32])
}

/// Reads `{"id": [x, y], ...}` start positions into the request.
fn apply_init(path: &Path, request: &mut LayoutRequest) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let positions: HashMap<String, [f64; 2]> = serde_json::from_str(&text)
        .with_context(|| format!("{}: expected {{\"id\": [x, y], ...}}", path.display()))?;
    for node in &mut request.nodes {
        if let Some(&[x, y]) = positions.get(&node.id) {
            node.pos = Some(coordinate(path, &node.id, x, y)?);
        }
    }
    Ok(())
}

/// Positions as `{"id": [x, y], ...}` in node order.
pub fn positions_json(ids: &[String], positions: &[[f32; 2]]) -> anyhow::Result<String> {
    let mut out = String::with_capacity(ids.len() * 32 + 2);
    out.push('{');
    for (i, (id, p)) in ids.iter().zip(positions).enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&serde_json::to_string(id)?);
        write!(out, ":[{},{}]", p[0], p[1])?;
    }
    out.push('}');
    Ok(out)
}

pub fn run(args: &LayoutArgs) -> anyhow::Result<i32> {
    let (ids, mut request) = read_request(&args.graph)?;
    if let Some(init) = &args.init {
        apply_init(init, &mut request)?;
    }
    let mut settings = LayoutSettings {
        seed: args.seed,
        ..LayoutSettings::default()
    };
    if let Some(theta) = args.theta {
        settings.theta = theta;
    }
    if let Some(length) = args.link_length {
        settings.link_length = length;
    }
    let tuning: Tuning = match &args.tuning {
        Some(json) => serde_json::from_str(json).context("--tuning: not a tuning JSON object")?,
        None => Tuning::default(),
    };
    let start = Instant::now();
    let mut engine = LayoutEngine::with_tuning(&request, &settings, tuning)
        .with_context(|| format!("laying out {}", args.graph.display()))?;
    let init_ms = start.elapsed().as_secs_f64() * 1000.0;
    let start = Instant::now();
    let ticks = engine.run(args.ticks);
    let total_ms = start.elapsed().as_secs_f64() * 1000.0;
    let positions = engine.positions();
    if let Some(out) = &args.out {
        crate::util::write_atomic(out, positions_json(&ids, &positions)?.as_bytes())
            .with_context(|| format!("writing {}", out.display()))?;
    }
    let ms_per_tick = if ticks > 0 {
        total_ms / ticks as f64
    } else {
        0.0
    };
    let round = |v: f64, digits: i32| (v * 10f64.powi(digits)).round() / 10f64.powi(digits);
    if args.json {
        let summary = serde_json::json!({
            "nodes": engine.node_count(),
            "links": engine.edge_count(),
            "ticks": ticks,
            "total_ms": round(total_ms, 1),
            "ms_per_tick": round(ms_per_tick, 3),
            "init_ms": round(init_ms, 1),
            "settled": engine.is_settled(),
            "threads": rayon::current_num_threads(),
        });
        println!("{summary}");
    } else {
        eprintln!(
            "{} nodes, {} links: {ticks} ticks in {total_ms:.1} ms ({ms_per_tick:.3} ms per tick; start {init_ms:.1} ms){}",
            engine.node_count(),
            engine.edge_count(),
            if engine.is_settled() { ", settled" } else { "" }
        );
    }
    Ok(0)
}
