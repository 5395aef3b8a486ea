//! Validates `data/catalog.ron` (unique ids, aliases that do not collide, relations that point at
//! known ids, known categories) and fails the build naming the file and line of the problem; lists
//! the built-in notes under `data/notes/` for embedding.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[path = "src/catalog/schema.rs"]
#[allow(dead_code)]
mod schema;

const CATALOG: &str = "data/catalog.ron";

fn main() {
    println!("cargo:rerun-if-changed={CATALOG}");
    println!("cargo:rerun-if-changed=src/catalog/schema.rs");
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

/// 1-based line of the first occurrence of `needle` in `text`, or 0.
fn line_of(text: &str, needle: &str) -> usize {
    text.find(needle)
        .map_or(0, |at| text[..at].matches('\n').count() + 1)
}

/// Line of the `n`-th (0-based) occurrence of `needle`.
fn line_of_nth(text: &str, needle: &str, n: usize) -> usize {
    text.match_indices(needle)
        .nth(n)
        .map_or(0, |(at, _)| text[..at].matches('\n').count() + 1)
}

fn validate_catalog(path: &Path) -> Vec<String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) => return vec![format!("{CATALOG}: cannot read: {err}")],
    };
    let file: schema::CatalogFile = match ron::from_str(&text) {
        Ok(file) => file,
        Err(err) => {
            return vec![format!(
                "{CATALOG}:{}:{}: {}",
                err.span.start.line, err.span.start.col, err.code
            )];
        }
    };
    let mut errors = Vec::new();
    let mut ids: HashMap<&str, usize> = HashMap::new();
    let mut names: HashMap<String, &str> = HashMap::new();
    for entry in &file.entries {
        let id_line = line_of(&text, &format!("id: \"{}\"", entry.id));
        if let Some(count) = ids.get_mut(entry.id.as_str()) {
            let line = line_of_nth(&text, &format!("id: \"{}\"", entry.id), *count);
            *count += 1;
            errors.push(format!("{CATALOG}:{line}: duplicate id `{}`", entry.id));
            continue;
        }
        ids.insert(&entry.id, 1);
        let slug_ok = !entry.id.is_empty()
            && entry
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !slug_ok {
            errors.push(format!(
                "{CATALOG}:{id_line}: id `{}` must be a lowercase slug (a-z, 0-9, -)",
                entry.id
            ));
        }
        if !schema::CATEGORIES.contains(&entry.category.as_str()) {
            errors.push(format!(
                "{CATALOG}:{id_line}: `{}` has unknown category `{}`",
                entry.id, entry.category
            ));
        }
        if entry.description.trim().is_empty() {
            errors.push(format!(
                "{CATALOG}:{id_line}: `{}` has no description",
                entry.id
            ));
        }
        // Names and aliases (case-insensitive) and abbreviations (exact) must each point at one
        // entry, or a mention could not be resolved.
        let mut keys: Vec<String> = std::iter::once(&entry.name)
            .chain(&entry.aliases)
            .map(|n| format!("ci:{}", n.to_lowercase()))
            .collect();
        keys.extend(entry.abbreviations.iter().map(|a| format!("cs:{a}")));
        keys.sort();
        keys.dedup();
        for key in keys {
            if let Some(other) = names.get(&key) {
                errors.push(format!(
                    "{CATALOG}:{id_line}: name `{}` of `{}` is also a name of `{}`",
                    &key[3..],
                    entry.id,
                    other
                ));
            } else {
                names.insert(key, &entry.id);
            }
        }
    }
    for entry in &file.entries {
        for relation in &entry.relations {
            if !ids.contains_key(relation.target.as_str()) {
                let line = line_of(&text, &format!("target: \"{}\"", relation.target));
                errors.push(format!(
                    "{CATALOG}:{line}: `{}` relates to unknown id `{}`",
                    entry.id, relation.target
                ));
            }
        }
    }
    errors
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
