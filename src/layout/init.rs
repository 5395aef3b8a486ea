//! Initial positions: a seeded random source, and a stress-friendly start for a cold layout.
//!
//! A cold start (no node has a position) places each connected component by pivot MDS (Brandes &
//! Pich): hop distances from up to [`PIVOTS`] pivots chosen far apart, double-centred, projected
//! on the two main axes. That costs O(pivots · (n + m)) and puts the graph near a low-stress shape
//! before any force runs, so the forces only have to polish it. Components are then packed around
//! the largest one. A warm start keeps given positions and puts each new node next to its placed
//! neighbours.

use rayon::prelude::*;

/// How many pivots pivot MDS uses per component (fewer on small components).
pub(crate) const PIVOTS: usize = 50;

/// A small deterministic random source (SplitMix64); the layout never uses a global one.
#[derive(Clone, Debug)]
pub(crate) struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[-1, 1)`.
    pub fn signed(&mut self) -> f32 {
        ((self.next_u64() >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// Undirected adjacency in compressed rows.
#[derive(Clone, Debug, Default)]
pub(crate) struct Adjacency {
    offsets: Vec<u32>,
    targets: Vec<u32>,
}

impl Adjacency {
    /// From deduplicated edges `(a, b)` with `a != b`, both `< n`.
    pub fn new(n: usize, edges: &[(u32, u32)]) -> Self {
        let mut offsets = vec![0u32; n + 1];
        for &(a, b) in edges {
            offsets[a as usize + 1] += 1;
            offsets[b as usize + 1] += 1;
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        let mut fill = offsets.clone();
        let mut targets = vec![0u32; edges.len() * 2];
        for &(a, b) in edges {
            targets[fill[a as usize] as usize] = b;
            fill[a as usize] += 1;
            targets[fill[b as usize] as usize] = a;
            fill[b as usize] += 1;
        }
        Self { offsets, targets }
    }

    pub fn neighbours(&self, v: usize) -> &[u32] {
        &self.targets[self.offsets[v] as usize..self.offsets[v + 1] as usize]
    }

    pub fn degree(&self, v: usize) -> usize {
        (self.offsets[v + 1] - self.offsets[v]) as usize
    }

    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }
}

/// Connected components, largest first (ties: the one with the smallest node first); each lists
/// its nodes in ascending order.
pub(crate) fn components(adj: &Adjacency) -> Vec<Vec<u32>> {
    let n = adj.len();
    let mut seen = vec![false; n];
    let mut out = Vec::new();
    let mut queue = Vec::new();
    for s in 0..n {
        if seen[s] {
            continue;
        }
        seen[s] = true;
        queue.clear();
        queue.push(s as u32);
        let mut h = 0;
        while h < queue.len() {
            let v = queue[h] as usize;
            h += 1;
            for &w in adj.neighbours(v) {
                if !seen[w as usize] {
                    seen[w as usize] = true;
                    queue.push(w);
                }
            }
        }
        let mut comp = queue.clone();
        comp.sort_unstable();
        out.push(comp);
    }
    out.sort_by(|a, b| b.len().cmp(&a.len()).then(a[0].cmp(&b[0])));
    out
}

/// Cold start: every node placed, with edges about `length` long.
pub(crate) fn cold_start(adj: &Adjacency, length: f32, seed: u64) -> Vec<[f32; 2]> {
    let n = adj.len();
    let mut pos = vec![[0.0f32; 2]; n];
    let mut rng = Rng::new(seed);
    let comps = components(adj);
    let mut local = vec![u32::MAX; n];
    // Packing: the largest component at the centre, the others on a golden-angle spiral around it.
    let mut ring = 0.0f32;
    for (k, comp) in comps.iter().enumerate() {
        let placed = place_component(adj, comp, &mut local, length, &mut rng);
        let radius = placed
            .iter()
            .map(|p| (p[0] * p[0] + p[1] * p[1]).sqrt())
            .fold(0.0f32, f32::max)
            + 0.5 * length;
        let centre = if k == 0 {
            ring = radius + length;
            [0.0, 0.0]
        } else {
            let angle = k as f32 * 2.399_963;
            let r = ring + radius;
            ring += radius * radius / ring.max(length) + 0.1 * length;
            [r * angle.cos(), r * angle.sin()]
        };
        for (&v, p) in comp.iter().zip(&placed) {
            pos[v as usize] = [centre[0] + p[0], centre[1] + p[1]];
        }
    }
    pos
}

/// Places one component around the origin (centroid at 0).
fn place_component(
    adj: &Adjacency,
    comp: &[u32],
    local: &mut [u32],
    length: f32,
    rng: &mut Rng,
) -> Vec<[f32; 2]> {
    let c = comp.len();
    match c {
        0 => return Vec::new(),
        1 => return vec![[0.0, 0.0]],
        2 => return vec![[-0.5 * length, 0.0], [0.5 * length, 0.0]],
        _ => {}
    }
    for (i, &v) in comp.iter().enumerate() {
        local[v as usize] = i as u32;
    }
    let k = c.min(PIVOTS);
    // Pivots far apart: the first at random, each next one the node farthest from all chosen.
    let mut dist = vec![0f32; c * k];
    let mut nearest = vec![u32::MAX; c];
    let mut pivot = rng.below(c);
    let mut bfs = vec![u32::MAX; c];
    let mut queue = Vec::with_capacity(c);
    for j in 0..k {
        bfs.fill(u32::MAX);
        bfs[pivot] = 0;
        queue.clear();
        queue.push(pivot as u32);
        let mut h = 0;
        while h < queue.len() {
            let v = queue[h] as usize;
            h += 1;
            let dv = bfs[v];
            for &w in adj.neighbours(comp[v] as usize) {
                let lw = local[w as usize] as usize;
                if bfs[lw] == u32::MAX {
                    bfs[lw] = dv + 1;
                    queue.push(lw as u32);
                }
            }
        }
        let mut best = (0u32, 0usize);
        for i in 0..c {
            let d = bfs[i];
            dist[i * k + j] = d as f32;
            nearest[i] = nearest[i].min(d);
            if nearest[i] > best.0 {
                best = (nearest[i], i);
            }
        }
        pivot = best.1;
    }
    // Double centring of the squared distances.
    dist.par_chunks_mut(k).for_each(|row| {
        for d in row.iter_mut() {
            *d *= *d;
        }
    });
    let row_mean: Vec<f32> = dist
        .par_chunks(k)
        .map(|row| row.iter().sum::<f32>() / k as f32)
        .collect();
    let mut col_mean = vec![0f64; k];
    for row in dist.chunks(k) {
        for (m, &d) in col_mean.iter_mut().zip(row) {
            *m += f64::from(d);
        }
    }
    let col_mean: Vec<f32> = col_mean.iter().map(|m| (*m / c as f64) as f32).collect();
    let grand = col_mean.iter().sum::<f32>() / k as f32;
    dist.par_chunks_mut(k)
        .zip(row_mean.par_iter())
        .for_each(|(row, &rm)| {
            for (d, &cm) in row.iter_mut().zip(&col_mean) {
                *d = -0.5 * (*d - rm - cm + grand);
            }
        });
    // CᵀC (k × k), summed in fixed-size chunks so the result does not depend on thread count.
    let ctc = dist
        .par_chunks(k * 1024)
        .map(|block| {
            let mut m = vec![0f64; k * k];
            for row in block.chunks(k) {
                for a in 0..k {
                    let ra = f64::from(row[a]);
                    if ra == 0.0 {
                        continue;
                    }
                    for b in a..k {
                        m[a * k + b] += ra * f64::from(row[b]);
                    }
                }
            }
            m
        })
        .collect::<Vec<_>>()
        .into_iter()
        .fold(vec![0f64; k * k], |mut acc, m| {
            for (a, b) in acc.iter_mut().zip(&m) {
                *a += b;
            }
            acc
        });
    let mut sym = ctc;
    for a in 0..k {
        for b in 0..a {
            sym[a * k + b] = sym[b * k + a];
        }
    }
    let axes = top_two_eigenvectors(&sym, k, rng);
    let mut placed: Vec<[f32; 2]> = dist
        .par_chunks(k)
        .map(|row| {
            let mut p = [0f64; 2];
            for (axis, out) in axes.iter().zip(p.iter_mut()) {
                *out = row.iter().zip(axis).map(|(&r, &a)| f64::from(r) * a).sum();
            }
            [p[0] as f32, p[1] as f32]
        })
        .collect();
    // Scale so that the mean edge is `length` long; centre on the centroid.
    let mut sum_len = 0f64;
    let mut edges = 0usize;
    for (i, &v) in comp.iter().enumerate() {
        for &w in adj.neighbours(v as usize) {
            let j = local[w as usize] as usize;
            if j > i {
                let (dx, dy) = (placed[i][0] - placed[j][0], placed[i][1] - placed[j][1]);
                sum_len += f64::from((dx * dx + dy * dy).sqrt());
                edges += 1;
            }
        }
    }
    let mean_len = if edges > 0 {
        sum_len / edges as f64
    } else {
        0.0
    };
    let usable = mean_len.is_finite() && mean_len > 1e-9;
    let scale = if usable {
        (f64::from(length) / mean_len) as f32
    } else {
        0.0
    };
    let (mut cx, mut cy) = (0f64, 0f64);
    for p in &mut placed {
        if usable {
            p[0] *= scale;
            p[1] *= scale;
        } else {
            // Degenerate projection: a random disc of about the right area.
            let r = length * (c as f32).sqrt();
            *p = [rng.signed() * r, rng.signed() * r];
        }
        // Nodes with the same distances to every pivot land on one point: spread them a little.
        p[0] += 0.1 * length * rng.signed();
        p[1] += 0.1 * length * rng.signed();
        cx += f64::from(p[0]);
        cy += f64::from(p[1]);
    }
    let (cx, cy) = ((cx / c as f64) as f32, (cy / c as f64) as f32);
    for p in &mut placed {
        p[0] -= cx;
        p[1] -= cy;
    }
    for &v in comp {
        local[v as usize] = u32::MAX;
    }
    placed
}

/// The two leading eigenvectors of a symmetric positive semi-definite `k × k` matrix, by power
/// iteration with deflation.
fn top_two_eigenvectors(m: &[f64], k: usize, rng: &mut Rng) -> [Vec<f64>; 2] {
    let mut out: [Vec<f64>; 2] = [vec![0.0; k], vec![0.0; k]];
    for axis in 0..2 {
        let mut v: Vec<f64> = (0..k).map(|_| f64::from(rng.signed()) + 1e-3).collect();
        let mut next = vec![0f64; k];
        for _ in 0..300 {
            if axis == 1 {
                let dot: f64 = v.iter().zip(&out[0]).map(|(a, b)| a * b).sum();
                for (x, b) in v.iter_mut().zip(&out[0]) {
                    *x -= dot * b;
                }
            }
            for a in 0..k {
                next[a] = (0..k).map(|b| m[a * k + b] * v[b]).sum();
            }
            let norm = next.iter().map(|x| x * x).sum::<f64>().sqrt();
            if norm.is_nan() || norm <= 1e-300 || !norm.is_finite() {
                break;
            }
            let mut change = 0f64;
            for (x, n) in v.iter_mut().zip(&next) {
                let y = n / norm;
                change += (y - *x).abs();
                *x = y;
            }
            if change < 1e-9 {
                break;
            }
        }
        if axis == 1 {
            let dot: f64 = v.iter().zip(&out[0]).map(|(a, b)| a * b).sum();
            for (x, b) in v.iter_mut().zip(&out[0]) {
                *x -= dot * b;
            }
        }
        out[axis] = v;
    }
    out
}

/// Warm start: nodes with a position keep it; the others go next to their placed neighbours
/// (breadth-first from the placed ones), and nodes with no placed node in reach go on a ring
/// around the placed ones.
pub(crate) fn warm_start(
    adj: &Adjacency,
    given: &[Option<[f32; 2]>],
    length: f32,
    seed: u64,
) -> Vec<[f32; 2]> {
    let n = adj.len();
    let mut rng = Rng::new(seed);
    let mut pos = vec![[0.0f32; 2]; n];
    let mut placed = vec![false; n];
    let mut queue = Vec::new();
    let (mut cx, mut cy, mut count) = (0f64, 0f64, 0usize);
    for (i, g) in given.iter().enumerate() {
        if let Some(p) = g {
            pos[i] = *p;
            placed[i] = true;
            queue.push(i as u32);
            cx += f64::from(p[0]);
            cy += f64::from(p[1]);
            count += 1;
        }
    }
    let centre = if count > 0 {
        [(cx / count as f64) as f32, (cy / count as f64) as f32]
    } else {
        [0.0, 0.0]
    };
    let mut h = 0;
    while h < queue.len() {
        let v = queue[h] as usize;
        h += 1;
        for &w in adj.neighbours(v) {
            let w = w as usize;
            if placed[w] {
                continue;
            }
            // Mean of the placed neighbours, nudged away so new nodes do not coincide.
            let (mut sx, mut sy, mut k) = (0f32, 0f32, 0f32);
            for &u in adj.neighbours(w) {
                if placed[u as usize] {
                    sx += pos[u as usize][0];
                    sy += pos[u as usize][1];
                    k += 1.0;
                }
            }
            pos[w] = [
                sx / k + 0.5 * length * rng.signed(),
                sy / k + 0.5 * length * rng.signed(),
            ];
            placed[w] = true;
            queue.push(w as u32);
        }
    }
    let extent = pos
        .iter()
        .zip(&placed)
        .filter(|(_, p)| **p)
        .map(|(q, _)| ((q[0] - centre[0]).powi(2) + (q[1] - centre[1]).powi(2)).sqrt())
        .fold(0.0f32, f32::max);
    let mut k = 0usize;
    for i in 0..n {
        if !placed[i] {
            let angle = k as f32 * 2.399_963;
            let r = extent + length * (1.0 + (k as f32).sqrt());
            pos[i] = [centre[0] + r * angle.cos(), centre[1] + r * angle.sin()];
            k += 1;
        }
    }
    pos
}

/// A cold layout shifted so that the nodes with a given position are, on average, where given;
/// those nodes then take exactly their given position.
pub(crate) fn align(mut pos: Vec<[f32; 2]>, given: &[Option<[f32; 2]>]) -> Vec<[f32; 2]> {
    let (mut dx, mut dy, mut k) = (0f64, 0f64, 0usize);
    for (p, g) in pos.iter().zip(given) {
        if let Some(g) = g {
            dx += f64::from(g[0] - p[0]);
            dy += f64::from(g[1] - p[1]);
            k += 1;
        }
    }
    if k == 0 {
        return pos;
    }
    let (dx, dy) = ((dx / k as f64) as f32, (dy / k as f64) as f32);
    for (p, g) in pos.iter_mut().zip(given) {
        *p = match g {
            Some(g) => *g,
            None => [p[0] + dx, p[1] + dy],
        };
    }
    pos
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(w: u32) -> (usize, Vec<(u32, u32)>) {
        let mut edges = Vec::new();
        for i in 0..w * w {
            if (i + 1) % w != 0 {
                edges.push((i, i + 1));
            }
            if i + w < w * w {
                edges.push((i, i + w));
            }
        }
        ((w * w) as usize, edges)
    }

    #[test]
    fn pivot_mds_unfolds_a_grid() {
        let (n, edges) = grid(20);
        let adj = Adjacency::new(n, &edges);
        let pos = cold_start(&adj, 10.0, 3);
        // Opposite corners are far apart, neighbours close.
        let d = |a: usize, b: usize| {
            ((pos[a][0] - pos[b][0]).powi(2) + (pos[a][1] - pos[b][1]).powi(2)).sqrt()
        };
        assert!(d(0, 399) > 200.0, "corners {}", d(0, 399));
        assert!(d(0, 1) < 20.0);
        assert!(pos.iter().flatten().all(|v| v.is_finite()));
    }

    #[test]
    fn same_seed_same_start() {
        let (n, edges) = grid(8);
        let adj = Adjacency::new(n, &edges);
        assert_eq!(cold_start(&adj, 1.0, 9), cold_start(&adj, 1.0, 9));
        assert_ne!(cold_start(&adj, 1.0, 9), cold_start(&adj, 1.0, 10));
    }

    #[test]
    fn components_are_sorted_and_packed_apart() {
        let adj = Adjacency::new(7, &[(0, 1), (1, 2), (3, 4), (5, 6)]);
        let comps = components(&adj);
        assert_eq!(comps, vec![vec![0, 1, 2], vec![3, 4], vec![5, 6]]);
        let pos = cold_start(&adj, 1.0, 1);
        assert!(pos.iter().flatten().all(|v| v.is_finite()));
    }

    #[test]
    fn warm_start_keeps_given_and_places_new_near_neighbours() {
        let adj = Adjacency::new(4, &[(0, 1), (1, 2)]);
        let given = vec![Some([100.0, 100.0]), None, None, None];
        let pos = warm_start(&adj, &given, 1.0, 1);
        assert_eq!(pos[0], [100.0, 100.0]);
        assert!((pos[1][0] - 100.0).abs() < 1.0 && (pos[2][0] - 100.0).abs() < 2.0);
        assert!(pos[3].iter().all(|v| v.is_finite()));
    }
}
