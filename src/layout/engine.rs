//! The layout engine: fdg-sim's [`Simulation`] driven by our force, with cooling, pins and warm
//! starts. Headless and synchronous; [`super::LayoutWorker`] runs one on its own thread.

use fdg_sim::glam::Vec3;
use fdg_sim::{Dimensions, Node, Simulation, SimulationParameters};
use serde::{Deserialize, Serialize};

use super::forces::{self, LinkData, NodeData, SimGraph, StepParams};
use super::init::{self, Adjacency};
use super::{LayoutError, LayoutRequest, LayoutSettings};

/// Coordinates are clamped to ±this (in link lengths) so that no sum can overflow.
const COORD_LIMIT: f32 = 1e6;

/// Finer knobs of the force model. The defaults are what the quality and speed figures in the
/// project notes were measured with; the CLI takes them as JSON (`--tuning`) for experiments.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Tuning {
    /// Repulsion strength in units of link length² per tick (times [`LayoutSettings::repulsion`]).
    pub repulsion: f32,
    /// Repulsion falls off as 1/d² instead of 1/d (shorter range).
    pub inverse_square: bool,
    /// Repulsion mass grows with the square root of the degree (hubs push harder).
    pub degree_mass: bool,
    /// Linear pull toward the centre per tick (times [`LayoutSettings::gravity`]).
    pub gravity: f32,
    /// Friction: share of the velocity lost per tick.
    pub velocity_decay: f32,
    /// Collision stiffness in 0..=1 (nodes with a radius push each other apart).
    pub collide: f32,
    /// Ticks for the temperature (alpha) to cool from 1 to [`Tuning::alpha_min`].
    pub settle_ticks: u32,
    /// Below this temperature the layout is settled and stops.
    pub alpha_min: f32,
    /// Starting temperature of a cold start.
    pub cold_alpha: f32,
    /// Starting temperature of a warm start (most nodes already placed).
    pub warm_alpha: f32,
    /// Cold start by pivot MDS (`true`) or at random in a disc (`false`).
    pub mds_init: bool,
}

impl Default for Tuning {
    fn default() -> Self {
        Self {
            repulsion: 0.03,
            inverse_square: false,
            degree_mass: false,
            gravity: 0.002,
            velocity_decay: 0.4,
            collide: 0.7,
            settle_ticks: 300,
            alpha_min: 0.001,
            cold_alpha: 1.0,
            warm_alpha: 0.3,
            mds_init: true,
        }
    }
}

impl Tuning {
    fn sanitized(mut self) -> Self {
        let d = Tuning::default();
        let fix = |v: f32, dflt: f32, lo: f32, hi: f32| {
            if v.is_finite() { v.clamp(lo, hi) } else { dflt }
        };
        self.repulsion = fix(self.repulsion, d.repulsion, 0.0, 1e3);
        self.gravity = fix(self.gravity, d.gravity, 0.0, 1.0);
        self.velocity_decay = fix(self.velocity_decay, d.velocity_decay, 0.01, 1.0);
        self.collide = fix(self.collide, d.collide, 0.0, 1.0);
        self.settle_ticks = self.settle_ticks.max(1);
        self.alpha_min = fix(self.alpha_min, d.alpha_min, 1e-6, 0.5);
        self.cold_alpha = fix(self.cold_alpha, d.cold_alpha, 0.0, 1.0);
        self.warm_alpha = fix(self.warm_alpha, d.warm_alpha, 0.0, 1.0);
        self
    }
}

impl LayoutSettings {
    /// The same settings with every value finite and in range (defaults replace garbage).
    pub fn sanitized(&self) -> Self {
        let d = LayoutSettings::default();
        let fix = |v: f32, dflt: f32, lo: f32, hi: f32| {
            if v.is_finite() { v.clamp(lo, hi) } else { dflt }
        };
        Self {
            repulsion: fix(self.repulsion, d.repulsion, 0.0, 1e3),
            link_length: if self.link_length.is_finite() && self.link_length > 0.0 {
                self.link_length.clamp(1e-3, 1e4)
            } else {
                d.link_length
            },
            gravity: fix(self.gravity, d.gravity, 0.0, 1e3),
            theta: fix(self.theta, d.theta, 0.0, 2.0),
            seed: self.seed,
        }
    }
}

/// A force-directed layout of one graph.
pub struct LayoutEngine {
    sim: Simulation<NodeData, LinkData, Undirected>,
    settings: LayoutSettings,
    tuning: Tuning,
    alpha: f32,
    alpha_decay: f32,
    ticks: u64,
    edges: usize,
}

use fdg_sim::petgraph::Undirected;
use fdg_sim::petgraph::graph::NodeIndex;

impl std::fmt::Debug for LayoutEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LayoutEngine")
            .field("nodes", &self.node_count())
            .field("edges", &self.edges)
            .field("alpha", &self.alpha)
            .field("ticks", &self.ticks)
            .finish()
    }
}

impl LayoutEngine {
    /// Builds the simulation with the default [`Tuning`].
    pub fn new(request: &LayoutRequest, settings: &LayoutSettings) -> Result<Self, LayoutError> {
        Self::with_tuning(request, settings, Tuning::default())
    }

    /// Builds the simulation: checks the request, merges multi-edges, drops self-loops, places
    /// the nodes (given positions kept, the rest warm- or cold-started, deterministic for
    /// `settings.seed`) and writes them into fdg-sim's graph.
    pub fn with_tuning(
        request: &LayoutRequest,
        settings: &LayoutSettings,
        tuning: Tuning,
    ) -> Result<Self, LayoutError> {
        let settings = settings.sanitized();
        let tuning = tuning.sanitized();
        let n = request.nodes.len();
        if n > u32::MAX as usize / 4 {
            return Err(LayoutError::TooLarge { nodes: n });
        }
        let length = settings.link_length;
        let limit = COORD_LIMIT * length;

        // Edges: checked, self-loops dropped, both directions and repeats merged (weights add).
        let mut edges: Vec<(u32, u32, f32)> = Vec::with_capacity(request.edges.len());
        for (k, &(a, b, w)) in request.edges.iter().enumerate() {
            for end in [a, b] {
                if end >= n {
                    return Err(LayoutError::EdgeOutOfRange {
                        edge: k,
                        index: end,
                        nodes: n,
                    });
                }
            }
            let w = if w.is_finite() { w.min(1e6) } else { 1.0 };
            if a != b && w > 0.0 {
                edges.push((a.min(b) as u32, a.max(b) as u32, w));
            }
        }
        edges.sort_unstable_by_key(|e| (e.0, e.1));
        let mut merged: Vec<(u32, u32, f32)> = Vec::with_capacity(edges.len());
        for e in edges {
            match merged.last_mut() {
                Some(last) if last.0 == e.0 && last.1 == e.1 => last.2 += e.2,
                _ => merged.push(e),
            }
        }
        let pairs: Vec<(u32, u32)> = merged.iter().map(|e| (e.0, e.1)).collect();
        let adj = Adjacency::new(n, &pairs);

        // Positions: given ones (finite, clamped), then warm or cold start for the rest.
        let given: Vec<Option<[f32; 2]>> = request
            .nodes
            .iter()
            .map(|node| {
                node.pos
                    .filter(|p| p[0].is_finite() && p[1].is_finite())
                    .map(|p| [p[0].clamp(-limit, limit), p[1].clamp(-limit, limit)])
            })
            .collect();
        let known = given.iter().filter(|g| g.is_some()).count();
        let cold = |adj: &Adjacency| {
            if tuning.mds_init {
                init::cold_start(adj, length, settings.seed)
            } else {
                random_disc(n, length, settings.seed)
            }
        };
        let positions = if known == 0 {
            cold(&adj)
        } else if known * 2 > n {
            init::warm_start(&adj, &given, length, settings.seed)
        } else {
            // Few known positions: lay out from cold, moved so the known nodes sit where given.
            init::align(cold(&adj), &given)
        };
        let alpha = if known * 2 > n {
            tuning.warm_alpha
        } else {
            tuning.cold_alpha
        };

        // fdg-sim's graph: node i is NodeIndex i (nothing is ever removed).
        let mut graph = SimGraph::default();
        for (i, node) in request.nodes.iter().enumerate() {
            let degree = adj.degree(i) as f32;
            let data = NodeData {
                pinned: node.pinned && given[i].is_some(),
                radius: if node.radius.is_finite() {
                    node.radius.clamp(0.0, limit)
                } else {
                    0.0
                },
                mass: if tuning.degree_mass {
                    (1.0 + degree).sqrt()
                } else {
                    1.0
                },
                gravity: if degree == 0.0 {
                    forces::ISOLATED_GRAVITY
                } else {
                    1.0
                },
            };
            graph.add_node(Node::new(&node.id, data));
        }
        let mean_weight = if merged.is_empty() {
            1.0
        } else {
            merged.iter().map(|e| f64::from(e.2)).sum::<f64>() as f32 / merged.len() as f32
        };
        for &(a, b, w) in &merged {
            let (da, db) = (adj.degree(a as usize) as f32, adj.degree(b as usize) as f32);
            let weight = (w / mean_weight).clamp(0.25, 4.0);
            let link = LinkData {
                strength: (weight / da.min(db)).min(1.0),
                bias: da / (da + db),
            };
            graph.add_edge(NodeIndex::new(a as usize), NodeIndex::new(b as usize), link);
        }

        let params = Self::step_params(&settings, &tuning, alpha);
        let parameters = SimulationParameters::new(length, Dimensions::Two, forces::force(&params));
        // from_graph scatters the nodes with fdg-sim's own random source: put ours back.
        let mut sim = Simulation::from_graph(graph, parameters);
        for (node, p) in sim.get_graph_mut().node_weights_mut().zip(&positions) {
            let v = Vec3::new(p[0], p[1], 0.0);
            node.location = v;
            node.old_location = v;
            node.velocity = Vec3::ZERO;
        }
        // Aim a hair below alpha_min so a cold start is settled after exactly `settle_ticks`.
        let alpha_decay = 1.0 - (0.999 * tuning.alpha_min).powf(1.0 / tuning.settle_ticks as f32);
        Ok(Self {
            sim,
            settings,
            tuning,
            alpha,
            alpha_decay,
            ticks: 0,
            edges: merged.len(),
        })
    }

    fn step_params(settings: &LayoutSettings, tuning: &Tuning, alpha: f32) -> StepParams {
        let length = settings.link_length;
        StepParams {
            alpha,
            repulsion: settings.repulsion * tuning.repulsion * length * length,
            length,
            gravity: settings.gravity * tuning.gravity,
            theta: settings.theta,
            velocity_decay: tuning.velocity_decay,
            collide: tuning.collide,
            inverse_square: tuning.inverse_square,
        }
    }

    fn sync_params(&mut self) {
        let params = Self::step_params(&self.settings, &self.tuning, self.alpha);
        params.store(self.sim.parameters_mut().force_mut().dict_mut());
    }

    /// Runs one step unless settled. Returns `true` when the layout is settled afterwards.
    pub fn tick(&mut self) -> bool {
        if self.is_settled() {
            return true;
        }
        self.alpha += (0.0 - self.alpha) * self.alpha_decay;
        self.sync_params();
        self.sim.update(1.0);
        self.ticks += 1;
        self.is_settled()
    }

    /// Runs up to `max_ticks` steps, stopping early once settled. Returns how many ran.
    pub fn run(&mut self, max_ticks: usize) -> usize {
        let mut ran = 0;
        while ran < max_ticks && !self.is_settled() {
            self.tick();
            ran += 1;
        }
        ran
    }

    /// `true` once the temperature fell below [`Tuning::alpha_min`] (or there is no node):
    /// nothing moves any more.
    pub fn is_settled(&self) -> bool {
        self.alpha < self.tuning.alpha_min || self.node_count() == 0
    }

    /// The current temperature (1 hot … 0 cold).
    pub fn alpha(&self) -> f32 {
        self.alpha
    }

    /// Steps run since the engine was built.
    pub fn ticks(&self) -> u64 {
        self.ticks
    }

    pub fn node_count(&self) -> usize {
        self.sim.get_graph().node_count()
    }

    /// Links after dropping self-loops and merging repeats.
    pub fn edge_count(&self) -> usize {
        self.edges
    }

    pub fn settings(&self) -> &LayoutSettings {
        &self.settings
    }

    /// One position per node, in request order.
    pub fn positions(&self) -> Vec<[f32; 2]> {
        let mut out = Vec::with_capacity(self.node_count());
        self.positions_into(&mut out);
        out
    }

    /// Like [`LayoutEngine::positions`], into a reused buffer.
    pub fn positions_into(&self, out: &mut Vec<[f32; 2]>) {
        out.clear();
        out.extend(
            self.sim
                .get_graph()
                .node_weights()
                .map(|n| [n.location.x, n.location.y]),
        );
    }

    fn node_mut(&mut self, index: usize) -> Result<&mut Node<NodeData>, LayoutError> {
        let nodes = self.node_count();
        if index >= nodes {
            return Err(LayoutError::NodeOutOfRange { index, nodes });
        }
        self.sim
            .get_graph_mut()
            .node_weight_mut(NodeIndex::new(index))
            .ok_or(LayoutError::NodeOutOfRange { index, nodes })
    }

    fn clamp_pos(&self, pos: [f32; 2]) -> Result<[f32; 2], LayoutError> {
        if !(pos[0].is_finite() && pos[1].is_finite()) {
            return Err(LayoutError::BadPosition { pos });
        }
        let limit = COORD_LIMIT * self.settings.link_length;
        Ok([pos[0].clamp(-limit, limit), pos[1].clamp(-limit, limit)])
    }

    /// Pins node `index` at `pos`: it stays exactly there until unpinned. Does not reheat.
    pub fn pin(&mut self, index: usize, pos: [f32; 2]) -> Result<(), LayoutError> {
        let pos = self.clamp_pos(pos)?;
        let node = self.node_mut(index)?;
        node.data.pinned = true;
        node.location = Vec3::new(pos[0], pos[1], 0.0);
        node.old_location = node.location;
        node.velocity = Vec3::ZERO;
        Ok(())
    }

    /// Releases a pinned node and reheats a little so its neighbourhood can adjust.
    pub fn unpin(&mut self, index: usize) -> Result<(), LayoutError> {
        self.node_mut(index)?.data.pinned = false;
        self.reheat(0.1);
        Ok(())
    }

    /// Moves a node while it is dragged: pinned at `pos`, and the layout reheats.
    pub fn drag_to(&mut self, index: usize, pos: [f32; 2]) -> Result<(), LayoutError> {
        self.pin(index, pos)?;
        self.reheat(0.3);
        Ok(())
    }

    /// Raises the temperature to at least `alpha` (so a settled layout moves again).
    pub fn reheat(&mut self, alpha: f32) {
        if alpha.is_finite() {
            self.alpha = self.alpha.max(alpha.min(1.0));
        }
    }

    /// New settings: forces change at once, the layout reheats; positions are kept.
    pub fn set_settings(&mut self, settings: &LayoutSettings) {
        let settings = settings.sanitized();
        if settings != self.settings {
            self.settings = settings;
            self.reheat(0.5);
            self.sync_params();
        }
    }

    /// Whether node `index` is pinned.
    pub fn is_pinned(&self, index: usize) -> bool {
        index < self.node_count()
            && self
                .sim
                .get_graph()
                .node_weight(NodeIndex::new(index))
                .is_some_and(|n| n.data.pinned)
    }
}

impl Drop for LayoutEngine {
    fn drop(&mut self) {
        // A big layout leaves big scratch buffers on this thread; a small one is not worth it.
        if self.node_count() > 50_000 {
            forces::release_scratch();
        }
    }
}

/// Random start in a disc of about the right area (the `mds_init: false` baseline).
fn random_disc(n: usize, length: f32, seed: u64) -> Vec<[f32; 2]> {
    let mut rng = init::Rng::new(seed);
    let r = length * (n as f32).sqrt();
    (0..n)
        .map(|_| {
            loop {
                let (x, y) = (rng.signed(), rng.signed());
                if x * x + y * y <= 1.0 {
                    break [x * r, y * r];
                }
            }
        })
        .collect()
}
