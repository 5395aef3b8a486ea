//! Force-directed layout on fdg-sim with our own Barnes-Hut repulsion, and the layout worker
//! thread. No egui types in its API.
//!
//! API contract used by the app (keep these names; add freely): [`LayoutRequest`],
//! [`LayoutSettings`], [`LayoutCommand`], [`LayoutSnapshot`], [`LayoutWorker`].
//!
//! - [`quadtree`]: the Barnes-Hut tree (repulsion and collision in O(n log n) per step).
//! - [`forces`]: our forces as one fdg-sim `Force` (repulsion, weighted springs, gravity,
//!   collision, the integration step).
//! - [`init`]: deterministic start positions (pivot MDS for a cold start, neighbours for a warm
//!   one).
//! - [`LayoutEngine`]: fdg-sim's `Simulation` with cooling, pins and warm starts; synchronous.
//! - [`LayoutWorker`]: an engine on a named thread, driven by [`LayoutCommand`]s, publishing
//!   [`LayoutSnapshot`]s.
//!
//! Units: positions, [`LayoutSettings::link_length`] and [`LayoutNode::radius`] share one unit;
//! every force scales with the link length, so the layout looks the same at any scale.

mod engine;
mod forces;
mod init;
mod quadtree;
mod worker;

pub use self::engine::{LayoutEngine, Tuning};
pub use self::worker::LayoutWorker;

use serde::{Deserialize, Serialize};

/// What can go wrong in the layout.
#[derive(Debug, thiserror::Error)]
pub enum LayoutError {
    /// An edge names a node index that the request does not have.
    #[error("edge {edge} refers to node {index}, but there are only {nodes} nodes")]
    EdgeOutOfRange {
        edge: usize,
        index: usize,
        nodes: usize,
    },
    /// A command names a node index that the current graph does not have.
    #[error("node {index} does not exist (the graph has {nodes} nodes)")]
    NodeOutOfRange { index: usize, nodes: usize },
    /// A position that is not a finite number.
    #[error("position {pos:?} is not finite")]
    BadPosition { pos: [f32; 2] },
    /// More nodes than the layout can index.
    #[error("{nodes} nodes are too many to lay out")]
    TooLarge { nodes: usize },
    /// A command that needs a graph arrived before the first `Replace`.
    #[error("no graph to lay out yet")]
    NoGraph,
    /// The worker thread could not be started.
    #[error("could not start the layout thread: {0}")]
    Spawn(#[source] std::io::Error),
}

/// A node to lay out.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LayoutNode {
    /// Content-derived id (the entity id).
    pub id: String,
    /// Warm start: where the node was before, if known.
    pub pos: Option<[f32; 2]>,
    /// A pinned node stays exactly at `pos`.
    pub pinned: bool,
    /// Collision radius in layout units.
    pub radius: f32,
}

/// What to lay out: nodes and weighted edges between node indices.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LayoutRequest {
    pub nodes: Vec<LayoutNode>,
    /// `(a, b, weight)` with indices into `nodes`.
    pub edges: Vec<(usize, usize, f32)>,
}

/// Forces and cooling. Every value is sanitised before use (non-finite or out of range values
/// fall back to the default or are clamped), see [`LayoutSettings::sanitized`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LayoutSettings {
    /// Strength of the node-node repulsion (multiplier; 1 is the tuned default).
    pub repulsion: f32,
    /// Rest length of a link spring, in layout units; all forces scale with it.
    pub link_length: f32,
    /// Pull toward the centre (multiplier; 1 is the tuned default, 0 lets components drift).
    pub gravity: f32,
    /// Barnes-Hut opening angle θ: 0 is exact and slow, 0.9 is d3's default, above 1.2 gets
    /// coarse.
    pub theta: f32,
    /// Seed for initial positions: the same request, settings and seed give the same layout.
    pub seed: u64,
}

impl Default for LayoutSettings {
    fn default() -> Self {
        Self {
            repulsion: 1.0,
            link_length: 1.0,
            gravity: 1.0,
            theta: 0.9,
            seed: 1,
        }
    }
}

/// Commands the UI sends to the worker.
#[derive(Clone, Debug, PartialEq)]
pub enum LayoutCommand {
    /// Lay out a new graph (warm-started from the positions in the request).
    Replace(LayoutRequest),
    /// Pin a node (by index in the current request) at a position.
    Pin(usize, [f32; 2]),
    /// Release a pinned node.
    Unpin(usize),
    /// Move a node while dragging (pinned while dragged, until `Unpin`); reheats.
    DragTo(usize, [f32; 2]),
    /// Start moving again.
    Reheat,
    /// Stop (`true`) or resume (`false`) ticking.
    Pause(bool),
    /// New forces; positions are kept and the layout reheats.
    Settings(LayoutSettings),
}

/// Positions published by the worker; the latest one wins.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LayoutSnapshot {
    /// Increases with every `Replace`.
    pub generation: u64,
    /// One position per node of the current request, same order.
    pub positions: Vec<[f32; 2]>,
    /// `true` once the layout has cooled down and the worker stopped ticking.
    pub settled: bool,
}

impl LayoutRequest {
    /// A deterministic scale-free graph (preferential attachment, `m` links per new node, no
    /// positions), for benchmarks and tests: the same arguments always give the same graph.
    pub fn preferential_attachment(n: usize, m: usize, seed: u64) -> Self {
        let mut rng = init::Rng::new(seed);
        let nodes = (0..n).map(|i| LayoutNode::new(format!("n{i}"))).collect();
        let mut edges = Vec::with_capacity(n * m);
        // Every endpoint once: sampling from it picks nodes in proportion to their degree.
        let mut ends: Vec<usize> = Vec::with_capacity(2 * n * m);
        let mut picked = Vec::with_capacity(m);
        for i in 1..n {
            picked.clear();
            let k = m.min(i);
            let mut tries = 0;
            while picked.len() < k && tries < 100 * k {
                tries += 1;
                let j = if !ends.is_empty() && rng.below(10) < 9 {
                    ends[rng.below(ends.len())]
                } else {
                    rng.below(i)
                };
                if j != i && !picked.contains(&j) {
                    picked.push(j);
                }
            }
            for &j in &picked {
                edges.push((i, j, 1.0));
                ends.push(i);
                ends.push(j);
            }
        }
        Self { nodes, edges }
    }

    /// A `width × height` lattice (node `y * width + x`), for benchmarks and tests.
    pub fn grid(width: usize, height: usize) -> Self {
        let nodes = (0..width * height)
            .map(|i| LayoutNode::new(format!("g{i}")))
            .collect();
        let mut edges = Vec::new();
        for y in 0..height {
            for x in 0..width {
                let i = y * width + x;
                if x + 1 < width {
                    edges.push((i, i + 1, 1.0));
                }
                if y + 1 < height {
                    edges.push((i, i + width, 1.0));
                }
            }
        }
        Self { nodes, edges }
    }
}

impl LayoutNode {
    /// A free node with no start position and no collision radius.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            pos: None,
            pinned: false,
            radius: 0.0,
        }
    }
}
