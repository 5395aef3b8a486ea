//! Force-directed layout on fdg-sim with our own Barnes-Hut repulsion, and the layout worker
//! thread. No egui types in its API.
//!
//! API contract used by the app (keep these names; add freely): [`LayoutRequest`],
//! [`LayoutSettings`], [`LayoutCommand`], [`LayoutSnapshot`], [`LayoutWorker`].

use std::sync::Arc;

use serde::{Deserialize, Serialize};

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

/// Forces and cooling.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LayoutSettings {
    /// Strength of the node-node repulsion.
    pub repulsion: f32,
    /// Rest length of a link spring.
    pub link_length: f32,
    /// Pull toward the centre.
    pub gravity: f32,
    /// Barnes-Hut opening angle.
    pub theta: f32,
    /// Seed for initial positions.
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
    /// Move a node while dragging (pinned while dragged); reheats.
    DragTo(usize, [f32; 2]),
    /// Start moving again.
    Reheat,
    /// Stop or resume ticking.
    Pause(bool),
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

/// The layout worker: a named thread that owns the simulation.
pub struct LayoutWorker {
    latest: Arc<std::sync::Mutex<Option<Arc<LayoutSnapshot>>>>,
}

impl LayoutWorker {
    /// Starts the worker; `on_update` is called after each published snapshot (the app passes
    /// `ctx.request_repaint`).
    // TODO(layout): the thread.
    pub fn spawn(settings: LayoutSettings, on_update: Box<dyn Fn() + Send + Sync>) -> Self {
        let _ = (settings, on_update);
        Self {
            latest: Arc::default(),
        }
    }

    /// Sends a command; never blocks.
    pub fn send(&self, command: LayoutCommand) {
        let _ = command;
    }

    /// The latest snapshot, if any.
    pub fn latest(&self) -> Option<Arc<LayoutSnapshot>> {
        self.latest.lock().ok().and_then(|l| l.clone())
    }
}
