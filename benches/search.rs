//! Search speed: building the index of the seed notes, each measuring query on it, reopening the
//! on-disk index, and (with `CLOUDATLAS_BIG_MB=100`) query latency on a generated corpus.
//!
//! Inputs: `CLOUDATLAS_SEED` (default `../shared/seeds/aws-devops-notes.txt`, else the
//! built-in notes) and `CLOUDATLAS_QUERIES` (default `../shared/dev-eval/queries.json`, else
//! a few queries of our own).
//!
//! `cargo bench --bench search`

use std::path::PathBuf;
use std::time::Instant;

use cloudatlas::Compiled;
use cloudatlas::search::SearchIndex;
use criterion::{Criterion, criterion_group, criterion_main};

#[path = "support/corpus.rs"]
mod corpus;

fn seed() -> Compiled {
    let path = std::env::var_os("CLOUDATLAS_SEED")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../shared/seeds/aws-devops-notes.txt"
            ))
        });
    if path.exists() {
        cloudatlas::compile(&path).expect("seed notes compile")
    } else {
        cloudatlas::compile_builtin()
    }
}

fn queries() -> Vec<String> {
    let path = std::env::var_os("CLOUDATLAS_QUERIES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../shared/dev-eval/queries.json"
            ))
        });
    #[derive(serde::Deserialize)]
    struct Q {
        q: String,
    }
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str::<Vec<Q>>(&text)
            .expect("queries file")
            .into_iter()
            .map(|q| q.q)
            .collect(),
        Err(_) => [
            "deployment",
            "lifecyle hook",
            "ASG lifecycle hook",
            "\"blue green\"",
            "how do I roll back a failed deployment",
            "cloudform",
        ]
        .map(str::to_owned)
        .to_vec(),
    }
}

/// Milliseconds of every query, each run `rounds` times in turn.
fn latencies_ms<Q: AsRef<str>>(index: &SearchIndex, queries: &[Q], rounds: usize) -> Vec<f64> {
    let mut ms = Vec::with_capacity(rounds * queries.len());
    for _ in 0..rounds {
        for q in queries {
            let start = Instant::now();
            let _ = index.search(q.as_ref(), 10);
            ms.push(start.elapsed().as_secs_f64() * 1000.0);
        }
    }
    ms
}

fn percentiles(mut ms: Vec<f64>) -> (f64, f64) {
    ms.sort_by(f64::total_cmp);
    let at = |p: f64| ms[((p * ms.len() as f64) as usize).min(ms.len() - 1)];
    (at(0.5), at(0.99))
}

fn bench_seed(c: &mut Criterion) {
    let compiled = seed();
    let queries = queries();
    c.bench_function("search/build_seed", |b| {
        b.iter(|| SearchIndex::build(&compiled).expect("build"));
    });
    let index = SearchIndex::build(&compiled).expect("build");
    c.bench_function("search/all_queries_seed", |b| {
        b.iter(|| {
            for q in &queries {
                let _ = index.search(q, 10);
            }
        });
    });
    let mut group = c.benchmark_group("search/query_seed");
    for (i, q) in queries.iter().enumerate() {
        group.bench_function(format!("{i:02}"), |b| b.iter(|| index.search(q, 10)));
    }
    group.finish();

    let cache =
        std::env::temp_dir().join(format!("cloudatlas-bench-search-{}", std::process::id()));
    SearchIndex::open_or_build(&compiled, &cache).expect("cache build");
    c.bench_function("search/reopen_cached_seed", |b| {
        b.iter(|| SearchIndex::open_or_build(&compiled, &cache).expect("reopen"));
    });
    let _ = std::fs::remove_dir_all(&cache);

    // Latency of each query as a person meets it: every query once, 200 rounds, percentiles.
    let (p50, p99) = percentiles(latencies_ms(&index, &queries, 200));
    println!(
        "seed notes: {} sections, {} queries x 200: p50 {p50:.3} ms, p99 {p99:.3} ms",
        index.len(),
        queries.len()
    );
}

fn bench_big(_c: &mut Criterion) {
    let Some(mb) = std::env::var("CLOUDATLAS_BIG_MB")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("cloudatlas-big-corpus-{mb}"));
    if !dir.exists() {
        std::fs::create_dir_all(&dir).expect("corpus dir");
        corpus::generate_corpus(&dir, mb).expect("write corpus");
    }
    let start = Instant::now();
    let compiled = cloudatlas::compile(&dir).expect("compile corpus");
    let compile_s = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let index = SearchIndex::build(&compiled).expect("build");
    let build_s = start.elapsed().as_secs_f64();
    let queries = [
        "deployment rollback",
        "lifecyle hook",
        "canary traffic shift",
        "\"health check\" alarm",
        "what is the recovery point objective",
        "session manger",
        "weighted route failover -latency",
        "encryption key rotation",
        "pipeline artifact cache",
        "snapsh",
    ];
    let (p50, p99) = percentiles(latencies_ms(&index, &queries, 20));
    println!(
        "generated corpus {mb} MB: {} sections, compile {compile_s:.1} s, index build {build_s:.1} s, {} queries x 20: p50 {p50:.2} ms, p99 {p99:.2} ms",
        index.len(),
        queries.len()
    );
}

criterion_group!(benches, bench_seed, bench_big);
criterion_main!(benches);
