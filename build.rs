//! Validates `data/catalog.ron` with `src/catalog/validate.rs` (unique ids, aliases that do not
//! collide, relations that point at known ids, known categories …) and fails the build naming the
//! file and line of the problem; lists the built-in notes under `data/notes/` for embedding.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[path = "src/catalog/schema.rs"]
#[allow(dead_code)]
mod schema;

#[path = "src/catalog/validate.rs"]
#[allow(dead_code)]
mod validate;

const CATALOG: &str = "data/catalog.ron";

fn main() {
    println!("cargo:rerun-if-changed={CATALOG}");
    println!("cargo:rerun-if-changed=src/catalog/schema.rs");
    println!("cargo:rerun-if-changed=src/catalog/validate.rs");
    println!("cargo:rerun-if-changed=data/notes");
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let errors = validate_catalog(&manifest.join(CATALOG));
    if !errors.is_empty() {
        for error in &errors {
            println!("cargo:warning={error}");
        }
        eprintln!("{}", errors.join("\n"));
        std::process::exit(1);
    }
    embed_notes(&manifest);
}

fn validate_catalog(path: &Path) -> Vec<String> {
    match std::fs::read_to_string(path) {
        Ok(text) => validate::validate(&text),
        Err(err) => vec![format!("{CATALOG}: cannot read: {err}")],
    }
}

/// Writes `$OUT_DIR/builtin_notes.rs`: a slice of `(relative path, include_str!(..))`.
fn embed_notes(manifest: &Path) {
    let root = manifest.join("data/notes");
    let mut files = Vec::new();
    collect(&root, &root, &mut files);
    files.sort();
    let mut code = String::from("&[\n");
    for (rel, full) in files {
        println!("cargo:rerun-if-changed={}", full.display());
        let _ = writeln!(
            code,
            "    ({rel:?}, include_str!({:?})),",
            full.display().to_string()
        );
    }
    code.push(']');
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("builtin_notes.rs");
    if let Err(err) = std::fs::write(&out, code) {
        eprintln!("cannot write {}: {err}", out.display());
        std::process::exit(1);
    }
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, out);
        } else if let Ok(rel) = path.strip_prefix(root) {
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            out.push((rel, path));
        }
    }
}
