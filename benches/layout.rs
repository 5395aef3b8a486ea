#![allow(clippy::unwrap_used)]
//! Layout speed on deterministic graphs: one step at 1,000, 10,000 and 100,000 nodes
//! (preferential attachment, 2 links per node, as `gen-graph.mjs --m 2` makes), and the cold start
//! (pivot MDS) at 10,000 nodes.

use std::hint::black_box;

use cloudatlas::layout::{LayoutEngine, LayoutRequest, LayoutSettings};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

fn tick(c: &mut Criterion) {
    let mut group = c.benchmark_group("layout_tick");
    for n in [1_000usize, 10_000, 100_000] {
        if n >= 100_000 {
            group.sample_size(10);
        }
        let request = LayoutRequest::preferential_attachment(n, 2, 1);
        let mut engine = LayoutEngine::new(&request, &LayoutSettings::default()).unwrap();
        // Measure steps of a layout in progress, not of the start.
        engine.run(50);
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
            b.iter(|| {
                if engine.is_settled() {
                    engine.reheat(1.0);
                }
                black_box(engine.tick())
            });
        });
    }
    group.finish();
}

fn start(c: &mut Criterion) {
    let request = LayoutRequest::preferential_attachment(10_000, 2, 1);
    let settings = LayoutSettings::default();
    c.bench_function("layout_start/10000", |b| {
        b.iter(|| LayoutEngine::new(black_box(&request), &settings).unwrap());
    });
}

criterion_group!(benches, tick, start);
criterion_main!(benches);
