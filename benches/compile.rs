//! Compile speed: the built-in notes and the seed notes through the whole headless pipeline
//! (load, sections, mentions, relations, markers, graph; no search index).
//!
//! The seed notes are read from `CLOUDATLAS_SEED` (default `../shared/seeds/aws-devops-notes.txt`);
//! those benchmarks are skipped when the file is absent. `compile_corpus` reports throughput
//! (bytes/s) on a folder of `CLOUDATLAS_CORPUS_COPIES` copies of the seed (default 64, about 5 MB;
//! 640 is the 51 MB corpus of issue 2, whose peak memory `scripts/compile-memory.sh` measures).

use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn compile_builtin(c: &mut Criterion) {
    c.bench_function("compile_builtin", |b| {
        b.iter(|| {
            let compiled = cloudatlas::compile_builtin();
            assert!(!compiled.sections.is_empty());
            compiled
        });
    });
}

fn compile_seed(c: &mut Criterion) {
    let seed = std::env::var_os("CLOUDATLAS_SEED").map_or_else(
        || {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../shared/seeds/aws-devops-notes.txt"
            ))
        },
        PathBuf::from,
    );
    if !seed.is_file() {
        eprintln!("compile_seed: {} not found, skipped", seed.display());
        return;
    }
    // Warm the catalog and matchers once, as the app does at start-up.
    let first = cloudatlas::compile(&seed).expect("seed compiles");
    let nodes = first.graph.node_count();
    assert!(nodes > 50, "seed gives {nodes} nodes");
    c.bench_function("load_seed", |b| {
        b.iter(|| {
            let loaded = cloudatlas::notes::load(&seed, &cloudatlas::notes::LoadOptions::default())
                .expect("seed loads");
            assert_eq!(loaded.notes.len(), 1);
            loaded
        });
    });
    c.bench_function("compile_seed", |b| {
        b.iter(|| {
            let compiled = cloudatlas::compile(&seed).expect("seed compiles");
            assert_eq!(compiled.graph.node_count(), nodes);
            compiled
        });
    });
}

fn compile_corpus(c: &mut Criterion) {
    let seed = std::env::var_os("CLOUDATLAS_SEED").map_or_else(
        || {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../shared/seeds/aws-devops-notes.txt"
            ))
        },
        PathBuf::from,
    );
    if !seed.is_file() {
        eprintln!("compile_corpus: {} not found, skipped", seed.display());
        return;
    }
    let copies: usize = std::env::var("CLOUDATLAS_CORPUS_COPIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut bytes = 0u64;
    for i in 0..copies {
        bytes += std::fs::copy(&seed, dir.path().join(format!("n{i}.txt"))).expect("copy seed");
    }
    let mut group = c.benchmark_group("compile_corpus");
    group.throughput(Throughput::Bytes(bytes));
    group.sample_size(10);
    group.bench_function(format!("{copies}_copies"), |b| {
        b.iter(|| {
            let compiled = cloudatlas::compile(dir.path()).expect("corpus compiles");
            assert_eq!(compiled.notes.notes.len(), copies);
            compiled
        });
    });
    group.finish();
}

criterion_group!(benches, compile_builtin, compile_seed, compile_corpus);
criterion_main!(benches);
