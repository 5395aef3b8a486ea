//! Our forces as one fdg-sim [`Force`]: Barnes-Hut repulsion, collision, link springs weighted by
//! relation weight, gravity toward the centre, and a velocity-Verlet step with friction.
//!
//! fdg-sim calls a force through a plain `fn(dict, graph, dt)` pointer, with its parameters in a
//! string-keyed dictionary, and keeps the nodes in a `StableGraph` whose weights hold a name, the
//! user data and three 3-D vectors. So that one step allocates nothing and the hot loops run on
//! contiguous arrays (and on all cores), the step gathers positions and velocities from the graph
//! into thread-local scratch buffers, computes every force there, and writes the result back into
//! the graph's nodes. Gathering and writing back cost O(n), a few percent of a step.

use std::cell::RefCell;

use fdg_sim::ForceGraph;
use fdg_sim::force::{Force, LinkedHashMap, Value};
use fdg_sim::glam::Vec3;
use fdg_sim::petgraph::Undirected;
use fdg_sim::petgraph::visit::{EdgeRef as _, IntoEdgeReferences as _};

use super::quadtree::{PassParams, QuadTree, jiggle};

/// Per-node data carried in fdg-sim's graph.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct NodeData {
    /// Pinned nodes never move.
    pub pinned: bool,
    /// Collision radius in layout units.
    pub radius: f32,
    /// Repulsion mass.
    pub mass: f32,
    /// Multiplier of the gravity on this node: [`ISOLATED_GRAVITY`] for a node without links
    /// (nothing but gravity holds it against the repulsion, so it would drift far out), else 1.
    pub gravity: f32,
}

/// Gravity multiplier of a node without links. Against the repulsion of the whole map, a loner
/// settles where the two balance; measured on a 200-node scale-free graph (the layout test
/// `isolated_nodes_stay_near_the_connected_map`), the farthest of 12 loners sat at 3.3 times the
/// map's 95th-percentile radius with 1, 2.2 times with 8 and 1.2 times with 30: next to the rim.
pub(crate) const ISOLATED_GRAVITY: f32 = 30.0;

/// Per-link data carried in fdg-sim's graph.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct LinkData {
    /// Spring stiffness in 0..=1 (relation weight over the smaller endpoint degree).
    pub strength: f32,
    /// Share of the correction taken by the target (the endpoint with fewer links moves more).
    pub bias: f32,
}

/// fdg-sim's graph as the layout uses it.
pub(crate) type SimGraph = ForceGraph<NodeData, LinkData, Undirected>;

// Keys of the force's dictionary.
pub(crate) const ALPHA: &str = "alpha";
pub(crate) const REPULSION: &str = "repulsion";
pub(crate) const LENGTH: &str = "link length";
pub(crate) const GRAVITY: &str = "gravity";
pub(crate) const THETA: &str = "theta";
pub(crate) const VELOCITY_DECAY: &str = "velocity decay";
pub(crate) const COLLIDE: &str = "collide";
pub(crate) const INVERSE_SQUARE: &str = "inverse square";

/// Step parameters read from the dictionary.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct StepParams {
    pub alpha: f32,
    /// Repulsion strength (already scaled by the link length²).
    pub repulsion: f32,
    pub length: f32,
    pub gravity: f32,
    pub theta: f32,
    pub velocity_decay: f32,
    pub collide: f32,
    pub inverse_square: bool,
}

impl StepParams {
    fn from_dict(dict: &LinkedHashMap<String, Value>) -> Self {
        let num = |key: &str, default: f32| {
            dict.get(key)
                .and_then(Value::number)
                .filter(|v| v.is_finite())
                .unwrap_or(default)
        };
        Self {
            alpha: num(ALPHA, 0.0),
            repulsion: num(REPULSION, 0.0),
            length: num(LENGTH, 1.0).max(1e-6),
            gravity: num(GRAVITY, 0.0),
            theta: num(THETA, 0.9),
            velocity_decay: num(VELOCITY_DECAY, 0.4).clamp(0.0, 1.0),
            collide: num(COLLIDE, 0.0).clamp(0.0, 1.0),
            inverse_square: dict
                .get(INVERSE_SQUARE)
                .and_then(Value::bool)
                .unwrap_or(false),
        }
    }

    /// Writes these parameters into a force's dictionary.
    pub fn store(&self, dict: &mut LinkedHashMap<String, Value>) {
        let mut put = |key: &str, v: f32| {
            dict.insert(key.to_owned(), Value::Number(v, 0.0..=f32::MAX));
        };
        put(ALPHA, self.alpha);
        put(REPULSION, self.repulsion);
        put(LENGTH, self.length);
        put(GRAVITY, self.gravity);
        put(THETA, self.theta);
        put(VELOCITY_DECAY, self.velocity_decay);
        put(COLLIDE, self.collide);
        dict.insert(INVERSE_SQUARE.to_owned(), Value::Bool(self.inverse_square));
    }
}

/// Builds the fdg-sim force with these parameters.
pub(crate) fn force(params: &StepParams) -> Force<NodeData, LinkData, Undirected> {
    let mut dict = LinkedHashMap::new();
    params.store(&mut dict);
    Force {
        dict: dict.clone(),
        dict_default: dict,
        name: "cloudatlas Barnes-Hut",
        continuous: true,
        info: Some("Barnes-Hut repulsion, weighted link springs, gravity and collision."),
        update,
    }
}

#[derive(Default)]
struct Scratch {
    xs: Vec<f32>,
    ys: Vec<f32>,
    vx: Vec<f32>,
    vy: Vec<f32>,
    mass: Vec<f32>,
    radius: Vec<f32>,
    pinned: Vec<bool>,
    gravity: Vec<f32>,
    tree: QuadTree,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Frees this thread's scratch buffers (after a large layout is dropped).
pub(crate) fn release_scratch() {
    SCRATCH.with(|s| {
        if let Ok(mut s) = s.try_borrow_mut() {
            *s = Scratch::default();
        }
    });
}

/// The force callback fdg-sim calls once per step.
fn update(dict: &LinkedHashMap<String, Value>, graph: &mut SimGraph, dt: f32) {
    let params = StepParams::from_dict(dict);
    SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
        Ok(mut scratch) => step(&mut scratch, &params, graph, dt),
        // Only reachable if a step re-entered itself on this thread; use fresh buffers.
        Err(_) => step(&mut Scratch::default(), &params, graph, dt),
    });
}

fn step(s: &mut Scratch, p: &StepParams, graph: &mut SimGraph, dt: f32) {
    let n = graph.node_count();
    s.xs.clear();
    s.ys.clear();
    s.vx.clear();
    s.vy.clear();
    s.mass.clear();
    s.radius.clear();
    s.pinned.clear();
    s.gravity.clear();
    for node in graph.node_weights() {
        s.xs.push(node.location.x);
        s.ys.push(node.location.y);
        s.vx.push(node.velocity.x);
        s.vy.push(node.velocity.y);
        s.mass.push(node.data.mass);
        s.radius.push(node.data.radius);
        s.pinned.push(node.data.pinned);
        s.gravity.push(node.data.gravity);
    }
    if n == 0 {
        return;
    }
    let alpha = p.alpha;
    let length = p.length;

    // Repulsion and collision on the quadtree.
    if n > 1 && (p.repulsion > 0.0 || p.collide > 0.0) {
        s.tree.rebuild(&s.xs, &s.ys, &s.mass, &s.radius);
        let pass = PassParams {
            theta2: p.theta * p.theta,
            strength: p.repulsion,
            min_dist: 0.01 * length,
            inverse_square: p.inverse_square,
            length,
            collide: p.collide,
        };
        let (vx, vy) = (&mut s.vx, &mut s.vy);
        s.tree.forces(&pass, |i, f| {
            vx[i] += f[0] * alpha + f[2];
            vy[i] += f[1] * alpha + f[3];
        });
    }

    // Link springs toward the rest length, on the predicted positions (position + velocity).
    for edge in graph.edge_references() {
        let (a, b) = (edge.source().index(), edge.target().index());
        let link = edge.weight();
        let mut dx = s.xs[b] + s.vx[b] - s.xs[a] - s.vx[a];
        let mut dy = s.ys[b] + s.vy[b] - s.ys[a] - s.vy[a];
        let mut l2 = dx * dx + dy * dy;
        if l2.is_nan() || l2 <= 1e-12 * length * length {
            let (jx, jy) = jiggle(a as u32, b as u32);
            dx = jx * 1e-6 * length;
            dy = jy * 1e-6 * length;
            l2 = dx * dx + dy * dy;
        }
        let l = l2.sqrt();
        let k = (l - length) / l * alpha * link.strength;
        dx *= k;
        dy *= k;
        s.vx[b] -= dx * link.bias;
        s.vy[b] -= dy * link.bias;
        s.vx[a] += dx * (1.0 - link.bias);
        s.vy[a] += dy * (1.0 - link.bias);
    }

    // Gravity toward the centroid (so it holds components together without dragging on pins),
    // then friction and the move.
    let (mut sx, mut sy) = (0f64, 0f64);
    for i in 0..n {
        sx += f64::from(s.xs[i]);
        sy += f64::from(s.ys[i]);
    }
    let (cx, cy) = ((sx / n as f64) as f32, (sy / n as f64) as f32);
    let g = p.gravity * alpha;
    let keep = 1.0 - p.velocity_decay;
    let max_step = 100.0 * length;
    for i in 0..n {
        if s.pinned[i] {
            s.vx[i] = 0.0;
            s.vy[i] = 0.0;
            continue;
        }
        let (x, y) = (s.xs[i], s.ys[i]);
        let gi = g * s.gravity[i];
        let mut vx = (s.vx[i] - (x - cx) * gi) * keep;
        let mut vy = (s.vy[i] - (y - cy) * gi) * keep;
        let speed2 = vx * vx + vy * vy;
        if speed2.is_nan() || speed2 > max_step * max_step {
            // Too fast (or not finite): cap the step, or stop the node if it is garbage.
            let f = if speed2.is_finite() {
                max_step / speed2.sqrt()
            } else {
                0.0
            };
            vx *= f;
            vy *= f;
        }
        let nx = x + vx * dt;
        let ny = y + vy * dt;
        if nx.is_finite() && ny.is_finite() {
            s.xs[i] = nx;
            s.ys[i] = ny;
            s.vx[i] = vx;
            s.vy[i] = vy;
        } else {
            s.vx[i] = 0.0;
            s.vy[i] = 0.0;
        }
    }

    for (i, node) in graph.node_weights_mut().enumerate() {
        node.old_location = node.location;
        node.location = Vec3::new(s.xs[i], s.ys[i], 0.0);
        node.velocity = Vec3::new(s.vx[i], s.vy[i], 0.0);
    }
}
