//! Scale measurement of one notes folder: load, extract, vault pass, search index build, and a
//! one-file incremental recompile, each timed, printed as one JSON line. Run it under
//! `/usr/bin/time -v` for the peak memory:
//!
//! ```text
//! cargo run --release --example gen_vault -- /tmp/vault10k
//! /usr/bin/time -v target/release/examples/scale /tmp/vault10k
//! ```

use std::path::PathBuf;
use std::time::Instant;

use cloudatlas::catalog::Catalog;
use cloudatlas::notes::{LoadOptions, load};

fn ms(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1000.0
}

fn main() -> anyhow::Result<()> {
    let path = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .ok_or_else(|| anyhow::anyhow!("usage: scale NOTES_PATH"))?;

    // The phases one by one (the same calls compile_loaded makes).
    let start = Instant::now();
    let loaded = load(&path, &LoadOptions::default())?;
    let load_ms = ms(start);
    let start = Instant::now();
    let mut extraction = cloudatlas::extract::extract(&loaded, Catalog::builtin());
    let extract_ms = ms(start);
    let start = Instant::now();
    let folder = cloudatlas::vault::Folder::new(loaded.root.as_deref());
    let vault_folder_ms = ms(start);
    let start = Instant::now();
    let vault = cloudatlas::vault::analyse(&loaded, &folder);
    let vault_analyse_ms = ms(start);
    let start = Instant::now();
    cloudatlas::vault::add_to_graph(&loaded, &vault, &mut extraction.graph);
    let vault_graph_ms = ms(start);
    let vault_ms = vault_folder_ms + vault_analyse_ms + vault_graph_ms;
    drop(extraction);
    drop(loaded);

    // The whole compile as the app runs it, then the index.
    let start = Instant::now();
    let compiled = cloudatlas::compile(&path)?;
    let compile_ms = ms(start);
    let start = Instant::now();
    let index = cloudatlas::search::SearchIndex::build(&compiled)?;
    let index_ms = ms(start);
    let start = Instant::now();
    let hits = index.search("lambda deployment", 10)?;
    let query_ms = ms(start);

    // One file edited on disk, recompiled incrementally (then restored).
    let mut incremental_ms = None;
    if let Some(note) = compiled.notes.notes.get(compiled.notes.notes.len() / 2) {
        let file = if path.is_dir() {
            path.join(&note.file)
        } else {
            path.clone()
        };
        let original = std::fs::read(&file)?;
        let mut edited = original.clone();
        edited.extend_from_slice(b"\nIMPORTANT: CodeDeploy appspec hooks, edited.\n");
        std::fs::write(&file, &edited)?;
        let mut inc = cloudatlas::incremental::Incremental::open(&path)?;
        let start = Instant::now();
        let result = inc.recompile_file(&file);
        incremental_ms = Some(ms(start));
        std::fs::write(&file, &original)?;
        result?;
    }

    println!(
        "{}",
        serde_json::json!({
            "path": path.display().to_string(),
            "notes": compiled.notes.notes.len(),
            "sections": compiled.sections.len(),
            "entities": compiled.graph.node_count(),
            "relations": compiled.graph.edge_count(),
            "vault_links": vault.links.len(),
            "vault_tags": vault.tags.len(),
            "vault_images": vault.images.len(),
            "missing_pictures": vault.missing_pictures.len(),
            "warnings": compiled.warnings.len(),
            "load_ms": load_ms,
            "extract_ms": extract_ms,
            "vault_ms": vault_ms,
            "vault_folder_ms": vault_folder_ms,
            "vault_analyse_ms": vault_analyse_ms,
            "vault_graph_ms": vault_graph_ms,
            "compile_ms": compile_ms,
            "index_ms": index_ms,
            "compile_plus_index_ms": compile_ms + index_ms,
            "query_ms": query_ms,
            "hits": hits.len(),
            "incremental_one_file_ms": incremental_ms,
        })
    );
    Ok(())
}
