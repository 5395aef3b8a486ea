//! Compile speed: the built-in notes and the seed notes through the whole headless pipeline
//! (load, sections, mentions, relations, markers, graph; no search index).
//!
//! The seed notes are read from `CLOUDATLAS_SEED` (default `../shared/seeds/aws-devops-notes.txt`);
//! that benchmark is skipped when the file is absent.

use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};

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

criterion_group!(benches, compile_builtin, compile_seed);
criterion_main!(benches);
