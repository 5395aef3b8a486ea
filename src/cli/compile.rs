//! `cloudatlas compile PATH [--out FILE]`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Context as _;

/// Arguments of `cloudatlas compile`.
#[derive(Debug, clap::Args)]
pub struct CompileArgs {
    /// Notes file or folder (the built-in notes when omitted).
    pub path: Option<PathBuf>,
    /// Write the graph JSON here (`-` for standard output).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Include each section's text in the JSON (for the search peers).
    #[arg(long)]
    pub with_text: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &CompileArgs) -> anyhow::Result<i32> {
    let compiled = match &args.path {
        Some(path) => {
            crate::compile(path).with_context(|| format!("compiling {}", path.display()))?
        }
        None => crate::compile_builtin(),
    };
    if let Some(out) = &args.out {
        let json = serde_json::to_string_pretty(&compiled.to_json(args.with_text))?;
        if out.as_os_str() == "-" {
            println!("{json}");
        } else {
            crate::util::write_atomic(out, json.as_bytes())
                .with_context(|| format!("writing {}", out.display()))?;
        }
    }
    let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    for entity in compiled.graph.graph.node_weights() {
        *by_kind.entry(entity.kind.as_str()).or_default() += 1;
    }
    let markers: usize = compiled.sections.iter().map(|s| s.markers.len()).sum();
    let summary = serde_json::json!({
        "notes": compiled.notes.notes.len(),
        "skipped_files": compiled.notes.skipped_files,
        "sections": compiled.sections.len(),
        "entities": compiled.graph.node_count(),
        "entities_by_kind": by_kind,
        "relations": compiled.graph.edge_count(),
        "markers": markers,
        "warnings": compiled.warnings.len(),
        "ms": compiled.elapsed.as_secs_f64() * 1000.0,
    });
    let to_stdout = args.out.as_ref().is_some_and(|o| o.as_os_str() == "-");
    if args.json && !to_stdout {
        println!("{summary}");
    } else {
        for warning in &compiled.warnings {
            eprintln!("warning: {warning}");
        }
        eprintln!(
            "{} notes ({} other files skipped), {} sections, {} entities {:?}, {} relations, {} markers, {} warnings in {:.1} ms",
            compiled.notes.notes.len(),
            compiled.notes.skipped_files,
            compiled.sections.len(),
            compiled.graph.node_count(),
            by_kind,
            compiled.graph.edge_count(),
            markers,
            compiled.warnings.len(),
            compiled.elapsed.as_secs_f64() * 1000.0
        );
    }
    Ok(0)
}
