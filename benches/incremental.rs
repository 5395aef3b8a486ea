//! Incremental recompile (+ re-index) of one changed file against a full compile (+ index) of
//! the same notes, in the same run: the seed notes (`CLOUDATLAS_SEED`, default ../shared/seeds/aws-devops-notes.txt,
//! copied to a temporary folder) and, when `CLOUDATLAS_VAULT` names a generated vault
//! (`cargo run --release --example gen_vault -- DIR`), one note of that vault.

use std::path::{Path, PathBuf};

use cloudatlas::incremental::Incremental;
use cloudatlas::search::SearchIndex;
use criterion::{Criterion, criterion_group, criterion_main};

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read vault") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Benches, on `root`, a full compile (+ a fresh search index) against a one-file incremental
/// recompile of `file` (+ re-indexing that file's sections), alternating two versions of it, and
/// prints where the incremental time goes.
fn bench_pair(c: &mut Criterion, name: &str, root: &Path, file: &Path) {
    let original = std::fs::read_to_string(file).expect("read note");
    let edited = format!("{original}\nIMPORTANT: CodeDeploy hooks run in order, edited.\n");
    let mut group = c.benchmark_group(name);
    group.sample_size(10);
    group.bench_function("full_compile", |b| {
        b.iter(|| cloudatlas::compile(root).expect("compile"));
    });
    group.bench_function("full_compile_and_index", |b| {
        b.iter(|| {
            let compiled = cloudatlas::compile(root).expect("compile");
            SearchIndex::build(&compiled).expect("index")
        });
    });
    let mut inc = Incremental::open(root).expect("compile");
    let mut flip = false;
    group.bench_function("recompile_one_file", |b| {
        b.iter(|| {
            flip = !flip;
            std::fs::write(file, if flip { &edited } else { &original }).expect("write");
            inc.recompile_file(file).expect("recompile")
        });
    });
    let mut index = SearchIndex::build(inc.compiled()).expect("index");
    group.bench_function("recompile_one_file_and_reindex", |b| {
        b.iter(|| {
            flip = !flip;
            std::fs::write(file, if flip { &edited } else { &original }).expect("write");
            let change = inc.recompile_file(file).expect("recompile");
            // The app hands a copy of the compile to the UI thread.
            let compiled = inc.compiled().clone();
            index = index
                .update_files(&compiled, &[change.file.as_str()])
                .expect("reindex");
            compiled
        });
    });
    group.finish();
    // Where the time goes (means of 10 recompiles).
    let mut sum = [0.0f64; 5];
    let runs = 10;
    for _ in 0..runs {
        flip = !flip;
        std::fs::write(file, if flip { &edited } else { &original }).expect("write");
        inc.recompile_file(file).expect("recompile");
        let t = &inc.timings;
        for (slot, d) in sum
            .iter_mut()
            .zip([t.read, t.extract, t.vault, t.aggregate, t.total])
        {
            *slot += d.as_secs_f64() * 1e3 / f64::from(runs);
        }
    }
    eprintln!(
        "{name}: one-file recompile, mean ms: read {:.2}, extract {:.2}, vault {:.2}, aggregate {:.2}, total {:.2} ({} notes resolved again)",
        sum[0], sum[1], sum[2], sum[3], sum[4], inc.timings.notes_resolved
    );
    std::fs::write(file, &original).expect("restore");
}

fn incremental(c: &mut Criterion) {
    let seed = std::env::var_os("CLOUDATLAS_SEED")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../shared/seeds/aws-devops-notes.txt"
            ))
        });
    if seed.exists() {
        let dir = tempfile::tempdir().expect("tmp");
        let file = dir.path().join("notes.txt");
        std::fs::copy(&seed, &file).expect("copy seed");
        bench_pair(c, "seed", dir.path(), &file);
    } else {
        eprintln!("no seed notes at {} (set CLOUDATLAS_SEED)", seed.display());
    }
    if let Some(vault) = std::env::var_os("CLOUDATLAS_VAULT").map(PathBuf::from) {
        let dir = tempfile::tempdir().expect("tmp");
        copy_dir(&vault, dir.path());
        let compiled = cloudatlas::compile(dir.path()).expect("compile vault");
        let note = compiled
            .notes
            .notes
            .get(compiled.notes.notes.len() / 2)
            .map(|n| dir.path().join(&n.file))
            .expect("a note");
        drop(compiled);
        bench_pair(c, "vault", dir.path(), &note);
    }
}

criterion_group!(benches, incremental);
criterion_main!(benches);
