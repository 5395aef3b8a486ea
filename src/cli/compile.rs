//! `cloudatlas compile PATH [--out FILE]`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use std::io::{IsTerminal as _, Write as _};
use std::time::{Duration, Instant};

use anyhow::Context as _;

use crate::notes::LoadProgress;

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
            let mut progress = Progress::new(std::io::stderr().is_terminal());
            let compiled = crate::compile_with_progress(path, &mut |p| progress.update(&p))
                .with_context(|| format!("compiling {}", path.display()));
            progress.finish();
            compiled?
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

/// A one-line progress display on stderr while notes are read, shown only on a terminal and only
/// once a compile has run for a moment (small compiles print nothing).
struct Progress {
    enabled: bool,
    started: Instant,
    last: Option<Instant>,
    shown: bool,
}

impl Progress {
    /// Redraw at most this often.
    const EVERY: Duration = Duration::from_millis(100);
    /// Stay quiet for compiles shorter than this.
    const AFTER: Duration = Duration::from_millis(300);

    fn new(enabled: bool) -> Self {
        Self {
            enabled,
            started: Instant::now(),
            last: None,
            shown: false,
        }
    }

    fn update(&mut self, p: &LoadProgress<'_>) {
        if !self.enabled || self.started.elapsed() < Self::AFTER {
            return;
        }
        let now = Instant::now();
        let last_file = p.done == p.total;
        if !last_file && self.last.is_some_and(|t| now - t < Self::EVERY) {
            return;
        }
        self.last = Some(now);
        self.shown = true;
        let mb = |b: u64| b as f64 / 1_048_576.0;
        let stage = if last_file {
            "extracting entities and relations…".to_owned()
        } else {
            let mut name = p.file.to_owned();
            if name.chars().count() > 40 {
                let tail: String = name
                    .chars()
                    .rev()
                    .take(39)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                name = format!("…{tail}");
            }
            name
        };
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r\x1b[2Kreading notes {}/{} ({:.1}/{:.1} MB) {}",
            p.done,
            p.total,
            mb(p.bytes_done),
            mb(p.bytes_total),
            stage
        );
        let _ = err.flush();
    }

    fn finish(&mut self) {
        if self.shown {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
    }
}
