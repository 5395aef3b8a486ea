//! A Barnes-Hut quadtree over the node positions: node-node repulsion and collision in
//! O(n log n) per step instead of comparing every pair.
//!
//! The tree is rebuilt every step into buffers that are kept between steps (no allocation once
//! warm). Far cells act on a node through their centre of mass when `cell width / distance < θ`;
//! a cell that contains the node, or could hold a node within collision range, is always opened.
//! Coincident points get a deterministic direction derived from their two indices, so nothing
//! divides by zero and the same input always gives the same forces.

use rayon::prelude::*;

/// Cells at this depth are leaves whatever they hold (their width is about 1e-6 of the layout).
const MAX_DEPTH: u32 = 20;
/// A cell with at most this many points is a leaf.
const LEAF_SIZE: usize = 6;
/// In a leaf holding more than this many (near-)coincident points, a node is pushed away from the
/// rest as one mass instead of point by point, bounding the work for degenerate inputs.
const LEAF_CAP: usize = 48;
/// The tree is walked once per group of at most this many nodes.
const GROUP: usize = 24;
/// Below this many nodes the force pass runs on one thread (rayon's overhead would dominate).
const PAR_MIN: usize = 2_048;

#[derive(Clone, Copy, Debug, Default)]
struct Cell {
    /// Centre of mass and total mass.
    cx: f32,
    cy: f32,
    mass: f32,
    /// Geometric centre and half of the side.
    gx: f32,
    gy: f32,
    half: f32,
    /// Leaf: range of `points`; inner cell: range of `cells` holding its non-empty children.
    first: u32,
    count: u32,
    /// The cell's points: `points[pstart..pend]` (a subtree's points are contiguous).
    pstart: u32,
    pend: u32,
    leaf: bool,
}

#[derive(Clone, Copy, Debug, Default)]
struct Point {
    x: f32,
    y: f32,
    mass: f32,
    radius: f32,
    index: u32,
}

/// Force parameters of one pass.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PassParams {
    /// θ²: a cell is approximated when `width² < θ² · distance²`.
    pub theta2: f32,
    /// Repulsion strength: the push between two unit masses at distance `d` is `strength / d`
    /// (or `strength · L / d²` with `inverse_square`).
    pub strength: f32,
    /// Distances are clamped to at least this (avoids huge kicks between near-coincident nodes).
    pub min_dist: f32,
    /// Falloff 1/d² instead of 1/d (`strength` is then multiplied by `length`).
    pub inverse_square: bool,
    /// Reference length (the link length) for the 1/d² falloff.
    pub length: f32,
    /// Collision stiffness in 0..=1 (0 disables collision).
    pub collide: f32,
}

/// A reusable Barnes-Hut quadtree.
#[derive(Debug, Default)]
pub(crate) struct QuadTree {
    cells: Vec<Cell>,
    points: Vec<Point>,
    /// Per point in tree order: (repulsion x, y, collision x, y).
    out: Vec<[f32; 4]>,
    /// Cells walked as one group.
    groups: Vec<u32>,
    max_radius: f32,
}

impl QuadTree {
    /// Rebuilds the tree over `xs`/`ys` (all finite) with per-node `mass` and `radius`.
    pub fn rebuild(&mut self, xs: &[f32], ys: &[f32], mass: &[f32], radius: &[f32]) {
        self.cells.clear();
        self.points.clear();
        let n = xs.len();
        if n == 0 {
            return;
        }
        let (mut min_x, mut min_y, mut max_x, mut max_y) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        let mut max_radius = 0.0f32;
        self.points.reserve(n);
        for i in 0..n {
            let (x, y) = (xs[i], ys[i]);
            min_x = min_x.min(x);
            min_y = min_y.min(y);
            max_x = max_x.max(x);
            max_y = max_y.max(y);
            max_radius = max_radius.max(radius[i]);
            self.points.push(Point {
                x,
                y,
                mass: mass[i],
                radius: radius[i],
                index: i as u32,
            });
        }
        self.max_radius = max_radius;
        let gx = 0.5 * (min_x + max_x);
        let gy = 0.5 * (min_y + max_y);
        let side = (max_x - min_x).max(max_y - min_y);
        // A little margin so points on the far edge are strictly inside; never a zero-size root.
        let half = (0.5 * side * (1.0 + 1e-5)).max(1e-3 * (gx.abs() + gy.abs()).max(1.0));
        self.cells.push(Cell::default());
        self.build(0, 0, n, gx, gy, half, 0);
    }

    #[allow(clippy::too_many_arguments)]
    fn build(
        &mut self,
        cell: usize,
        start: usize,
        end: usize,
        gx: f32,
        gy: f32,
        half: f32,
        depth: u32,
    ) {
        let count = end - start;
        if count <= LEAF_SIZE || depth >= MAX_DEPTH {
            let (cx, cy, m) = centre_of_mass(
                self.points[start..end].iter().map(|p| (p.x, p.y, p.mass)),
                (gx, gy),
            );
            self.cells[cell] = Cell {
                cx,
                cy,
                mass: m,
                gx,
                gy,
                half,
                first: start as u32,
                count: count as u32,
                pstart: start as u32,
                pend: end as u32,
                leaf: true,
            };
            return;
        }
        // Split into quadrants: west/east by x, then each half south/north by y.
        let pts = &mut self.points[start..end];
        let mid = partition(pts, |p| p.x < gx);
        let low = partition(&mut pts[..mid], |p| p.y < gy);
        let high = mid + partition(&mut pts[mid..], |p| p.y < gy);
        let bounds = [start, start + low, start + mid, start + high, end];
        let q = 0.5 * half;
        let centres = [
            (gx - q, gy - q),
            (gx - q, gy + q),
            (gx + q, gy - q),
            (gx + q, gy + q),
        ];
        let first = self.cells.len();
        let mut children = 0;
        for k in 0..4 {
            if bounds[k + 1] > bounds[k] {
                self.cells.push(Cell::default());
                children += 1;
            }
        }
        let mut child = first;
        for k in 0..4 {
            if bounds[k + 1] > bounds[k] {
                let (cx, cy) = centres[k];
                self.build(child, bounds[k], bounds[k + 1], cx, cy, q, depth + 1);
                child += 1;
            }
        }
        let (cx, cy, m) = centre_of_mass(
            self.cells[first..first + children]
                .iter()
                .map(|c| (c.cx, c.cy, c.mass)),
            (gx, gy),
        );
        self.cells[cell] = Cell {
            cx,
            cy,
            mass: m,
            gx,
            gy,
            half,
            first: first as u32,
            count: children as u32,
            pstart: start as u32,
            pend: end as u32,
            leaf: false,
        };
    }

    /// Computes, for every node, the repulsion and the collision push from all other nodes, and
    /// calls `apply(index, [repulsion x, y, collision x, y])` once per node (in tree order). The
    /// results are deterministic: each node's sum is computed by one thread in a fixed order.
    ///
    /// The tree is walked once per group of up to [`GROUP`] nearby nodes (Barnes' grouped
    /// variant): a cell is approximated for the whole group when it is far from the group's
    /// bounding box, so the walk is shared and the far-field sums run over plain arrays.
    pub fn forces(&mut self, params: &PassParams, mut apply: impl FnMut(usize, [f32; 4])) {
        let n = self.points.len();
        if n == 0 {
            return;
        }
        self.out.clear();
        self.out.resize(n, [0.0; 4]);
        self.groups.clear();
        collect_groups(&self.cells, 0, &mut self.groups);
        let tree = TreeRef {
            cells: &self.cells,
            points: &self.points,
            max_radius: self.max_radius,
        };
        // Groups cover the points in order: hand each its own slice of the output.
        let mut jobs: Vec<(u32, &mut [[f32; 4]])> = Vec::with_capacity(self.groups.len());
        let mut rest: &mut [[f32; 4]] = &mut self.out;
        for &g in &self.groups {
            let cell = &self.cells[g as usize];
            let (mine, others) = rest.split_at_mut((cell.pend - cell.pstart) as usize);
            jobs.push((g, mine));
            rest = others;
        }
        if n >= PAR_MIN {
            jobs.into_par_iter().with_max_len(8).for_each_init(
                Lists::default,
                |lists, (g, out)| {
                    tree.group_forces(g, out, params, lists);
                },
            );
        } else {
            let mut lists = Lists::default();
            for (g, out) in jobs {
                tree.group_forces(g, out, params, &mut lists);
            }
        }
        for (p, f) in self.points.iter().zip(&self.out) {
            apply(p.index as usize, *f);
        }
    }
}

/// The cells that are walked for as one group: the highest cells with at most [`GROUP`] points.
fn collect_groups(cells: &[Cell], cell: u32, out: &mut Vec<u32>) {
    let c = &cells[cell as usize];
    if c.leaf || (c.pend - c.pstart) as usize <= GROUP {
        out.push(cell);
    } else {
        for child in c.first..c.first + c.count {
            collect_groups(cells, child, out);
        }
    }
}

/// Interaction lists of one group (reused between groups).
#[derive(Default)]
struct Lists {
    /// Far cells: centre of mass and mass.
    fx: Vec<f32>,
    fy: Vec<f32>,
    fm: Vec<f32>,
    /// Near leaves, by cell index.
    near: Vec<u32>,
    /// The group's points and accumulators.
    px: Vec<f32>,
    py: Vec<f32>,
    pm: Vec<f32>,
    ax: Vec<f32>,
    ay: Vec<f32>,
    stack: Vec<u32>,
}

struct TreeRef<'a> {
    cells: &'a [Cell],
    points: &'a [Point],
    max_radius: f32,
}

impl TreeRef<'_> {
    fn group_forces(&self, group: u32, out: &mut [[f32; 4]], params: &PassParams, l: &mut Lists) {
        let gcell = &self.cells[group as usize];
        let pts = &self.points[gcell.pstart as usize..gcell.pend as usize];
        let (mut min_x, mut min_y, mut max_x, mut max_y) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        let mut group_radius = 0.0f32;
        for p in pts {
            min_x = min_x.min(p.x);
            min_y = min_y.min(p.y);
            max_x = max_x.max(p.x);
            max_y = max_y.max(p.y);
            group_radius = group_radius.max(p.radius);
        }
        let reach = if params.collide > 0.0 {
            group_radius + self.max_radius
        } else {
            0.0
        };
        l.fx.clear();
        l.fy.clear();
        l.fm.clear();
        l.near.clear();
        l.stack.clear();
        l.stack.push(0);
        while let Some(c) = l.stack.pop() {
            let cell = &self.cells[c as usize];
            // Distance from the cell's box to the group's box: zero when they overlap (the
            // group's own cell and its ancestors always overlap it, so they are always opened).
            let bx = ((cell.gx - cell.half) - max_x)
                .max(min_x - (cell.gx + cell.half))
                .max(0.0);
            let by = ((cell.gy - cell.half) - max_y)
                .max(min_y - (cell.gy + cell.half))
                .max(0.0);
            let apart = bx > 0.0 || by > 0.0;
            if apart && bx * bx + by * by >= reach * reach {
                // Nearest distance from the centre of mass to the group: every node of the group
                // is at least this far, so the test holds for each of them.
                let dx = (min_x - cell.cx).max(cell.cx - max_x).max(0.0);
                let dy = (min_y - cell.cy).max(cell.cy - max_y).max(0.0);
                let width = 2.0 * cell.half;
                if width * width < params.theta2 * (dx * dx + dy * dy) {
                    l.fx.push(cell.cx);
                    l.fy.push(cell.cy);
                    l.fm.push(cell.mass);
                    continue;
                }
            }
            if cell.leaf {
                l.near.push(c);
            } else {
                l.stack.extend(cell.first..cell.first + cell.count);
            }
        }

        // Far field: one pass per far cell over the group's nodes (independent lanes).
        let k = pts.len();
        l.px.clear();
        l.py.clear();
        l.pm.clear();
        for p in pts {
            l.px.push(p.x);
            l.py.push(p.y);
            l.pm.push(p.mass);
        }
        l.ax.clear();
        l.ax.resize(k, 0.0);
        l.ay.clear();
        l.ay.resize(k, 0.0);
        let min_d2 = params.min_dist * params.min_dist;
        let strength = if params.inverse_square {
            params.strength * params.length
        } else {
            params.strength
        };
        let (px, py, pm) = (&l.px[..k], &l.py[..k], &l.pm[..k]);
        let (ax, ay) = (&mut l.ax[..k], &mut l.ay[..k]);
        for ((&fx, &fy), &fm) in l.fx.iter().zip(&l.fy).zip(&l.fm) {
            let sm = strength * fm;
            if params.inverse_square {
                for i in 0..k {
                    let dx = fx - px[i];
                    let dy = fy - py[i];
                    let d2 = (dx * dx + dy * dy).max(min_d2);
                    let f = sm * pm[i] / (d2 * d2.sqrt());
                    ax[i] -= dx * f;
                    ay[i] -= dy * f;
                }
            } else {
                for i in 0..k {
                    let dx = fx - px[i];
                    let dy = fy - py[i];
                    let d2 = (dx * dx + dy * dy).max(min_d2);
                    let f = sm * pm[i] / d2;
                    ax[i] -= dx * f;
                    ay[i] -= dy * f;
                }
            }
        }

        // Near field: node by node.
        for (i, p) in pts.iter().enumerate() {
            let mut acc = [ax[i], ay[i], 0.0, 0.0];
            for &c in &l.near {
                let cell = &self.cells[c as usize];
                let near = &self.points[cell.pstart as usize..cell.pend as usize];
                if near.len() > LEAF_CAP {
                    crowded_leaf(p, cell, near, params, &mut acc);
                } else {
                    for q in near {
                        if q.index != p.index {
                            pair(p, q, params, min_d2, &mut acc);
                        }
                    }
                }
            }
            out[i] = acc;
        }
    }
}

/// A leaf at the depth limit with many points in it: treat the others as one mass.
fn crowded_leaf(p: &Point, cell: &Cell, pts: &[Point], params: &PassParams, acc: &mut [f32; 4]) {
    let mine = pts.iter().any(|q| q.index == p.index);
    let other_mass = if mine { cell.mass - p.mass } else { cell.mass };
    if other_mass <= 0.0 {
        return;
    }
    let (mut dx, mut dy) = if mine {
        // Centre of mass of the others.
        let ox = (cell.cx * cell.mass - p.x * p.mass) / other_mass - p.x;
        let oy = (cell.cy * cell.mass - p.y * p.mass) / other_mass - p.y;
        (ox, oy)
    } else {
        (cell.cx - p.x, cell.cy - p.y)
    };
    let min_d2 = params.min_dist * params.min_dist;
    let mut d2 = dx * dx + dy * dy;
    if d2.is_nan() || d2 <= min_d2 * 1e-6 {
        let (jx, jy) = jiggle(p.index, u32::MAX);
        dx = jx * params.min_dist;
        dy = jy * params.min_dist;
        d2 = min_d2;
    }
    let f = repulse(d2.max(min_d2), other_mass * p.mass, params);
    acc[0] -= dx * f;
    acc[1] -= dy * f;
}

/// Repulsion factor `f` such that the push is `-(dx, dy) · f`.
#[inline]
fn repulse(d2: f32, mass: f32, params: &PassParams) -> f32 {
    if params.inverse_square {
        params.strength * params.length * mass / (d2 * d2.sqrt())
    } else {
        params.strength * mass / d2
    }
}

#[inline]
fn pair(p: &Point, q: &Point, params: &PassParams, min_d2: f32, acc: &mut [f32; 4]) {
    let mut dx = q.x - p.x;
    let mut dy = q.y - p.y;
    let mut d2 = dx * dx + dy * dy;
    if d2 < min_d2 * 1e-6 {
        // (Near-)coincident: a fixed direction per pair, opposite for the two of them.
        let (jx, jy) = jiggle(p.index.min(q.index), p.index.max(q.index));
        let s = if p.index < q.index { 1.0 } else { -1.0 };
        dx = s * jx * params.min_dist;
        dy = s * jy * params.min_dist;
        d2 = min_d2;
    }
    let f = repulse(d2.max(min_d2), q.mass * p.mass, params);
    acc[0] -= dx * f;
    acc[1] -= dy * f;
    let r = p.radius + q.radius;
    if params.collide > 0.0 && r > 0.0 && d2 < r * r {
        let d = d2.sqrt();
        // Push `p` out by its share of the overlap (the larger node moves less).
        let share = q.radius * q.radius / (p.radius * p.radius + q.radius * q.radius).max(1e-12);
        let k = (r - d) / d * params.collide * share;
        acc[2] -= dx * k;
        acc[3] -= dy * k;
    }
}

/// A unit vector derived from two indices (deterministic "random" direction).
#[inline]
pub(crate) fn jiggle(a: u32, b: u32) -> (f32, f32) {
    let mut h = (u64::from(a) << 32 | u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    h ^= h >> 29;
    h = h.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    h ^= h >> 32;
    let angle = (h as u32) as f32 / u32::MAX as f32 * std::f32::consts::TAU;
    (angle.cos(), angle.sin())
}

/// Moves the elements for which `pred` holds to the front; returns how many there are.
fn partition<T>(items: &mut [T], pred: impl Fn(&T) -> bool) -> usize {
    let mut split = 0;
    for i in 0..items.len() {
        if pred(&items[i]) {
            items.swap(split, i);
            split += 1;
        }
    }
    split
}

/// Centre of mass and total mass of `(x, y, mass)` items; `empty` when the mass is zero.
#[inline]
fn centre_of_mass(
    items: impl Iterator<Item = (f32, f32, f32)>,
    empty: (f32, f32),
) -> (f32, f32, f32) {
    let (mut m, mut sx, mut sy) = (0.0f32, 0.0f32, 0.0f32);
    for (x, y, mass) in items {
        m += mass;
        sx += x * mass;
        sy += y * mass;
    }
    let (cx, cy) = if m > 0.0 { (sx / m, sy / m) } else { empty };
    (cx, cy, m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> PassParams {
        PassParams {
            theta2: 0.81,
            strength: 1.0,
            min_dist: 0.01,
            inverse_square: false,
            length: 1.0,
            collide: 0.0,
        }
    }

    fn brute(xs: &[f32], ys: &[f32]) -> Vec<[f32; 2]> {
        (0..xs.len())
            .map(|i| {
                let mut f = [0.0f32; 2];
                for j in 0..xs.len() {
                    if i != j {
                        let (dx, dy) = (xs[j] - xs[i], ys[j] - ys[i]);
                        let d2 = (dx * dx + dy * dy).max(1e-4);
                        f[0] -= dx / d2;
                        f[1] -= dy / d2;
                    }
                }
                f
            })
            .collect()
    }

    #[test]
    fn close_to_exact_sum() {
        // Above PAR_MIN, so the parallel pass is what is checked.
        let n = 2_500;
        let mut s = 7u64;
        let mut next = || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 33) as f32 / (1u64 << 31) as f32) * 100.0
        };
        let xs: Vec<f32> = (0..n).map(|_| next()).collect();
        let ys: Vec<f32> = (0..n).map(|_| next()).collect();
        let mass = vec![1.0; n];
        let radius = vec![0.0; n];
        let mut tree = QuadTree::default();
        tree.rebuild(&xs, &ys, &mass, &radius);
        let mut got = vec![[0.0f32; 2]; n];
        tree.forces(&params(), |i, f| got[i] = [f[0], f[1]]);
        let want = brute(&xs, &ys);
        let mut err = 0.0f32;
        let mut norm = 0.0f32;
        for (g, w) in got.iter().zip(&want) {
            err += (g[0] - w[0]).powi(2) + (g[1] - w[1]).powi(2);
            norm += w[0].powi(2) + w[1].powi(2);
        }
        let rel = (err / norm).sqrt();
        assert!(rel < 0.05, "relative error {rel}");
        // θ = 0 is exact.
        let mut exact = params();
        exact.theta2 = 0.0;
        tree.forces(&exact, |i, f| got[i] = [f[0], f[1]]);
        for (g, w) in got.iter().zip(&want) {
            assert!((g[0] - w[0]).abs() < 1e-3 * (1.0 + w[0].abs()));
        }
    }

    #[test]
    fn coincident_points_stay_finite_and_separate() {
        let n = 300;
        let xs = vec![5.0; n];
        let ys = vec![-3.0; n];
        let mass = vec![1.0; n];
        let radius = vec![1.0; n];
        let mut tree = QuadTree::default();
        tree.rebuild(&xs, &ys, &mass, &radius);
        let mut p = params();
        p.collide = 0.7;
        let mut forces = vec![[0.0f32; 4]; n];
        tree.forces(&p, |i, f| forces[i] = f);
        assert!(forces.iter().flatten().all(|v| v.is_finite()));
        assert!(forces.iter().all(|f| f[0] != 0.0 || f[1] != 0.0));
    }

    #[test]
    fn empty_and_single() {
        let mut tree = QuadTree::default();
        tree.rebuild(&[], &[], &[], &[]);
        tree.forces(&params(), |_, _| panic!("no nodes"));
        tree.rebuild(&[1.0], &[2.0], &[1.0], &[0.0]);
        let mut seen = 0;
        tree.forces(&params(), |i, f| {
            assert_eq!(i, 0);
            assert_eq!(f, [0.0; 4]);
            seen += 1;
        });
        assert_eq!(seen, 1);
    }
}
