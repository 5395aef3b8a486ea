//! `cloudatlas search [PATH] QUERY [--limit N] [--json]` and the batch mode
//! `cloudatlas search [PATH] --queries FILE --json` that times every query inside the process.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context as _, bail};
use serde::Deserialize;

use crate::search::{Hit, SearchIndex};

/// Arguments of `cloudatlas search`.
#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// `[PATH] QUERY`: notes file or folder (the built-in notes when omitted), then the query.
    /// With `--queries`, only the optional PATH.
    #[arg(num_args = 0..=2, value_name = "PATH] [QUERY")]
    pub args: Vec<String>,
    /// Most hits per query.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Run every query of a JSON file (`[{"q": "..."}, ...]`) and print one JSON object with
    /// the hits and the latency of each.
    #[arg(long, value_name = "FILE")]
    pub queries: Option<PathBuf>,
    /// Times the whole query list is run for the latency figures (hits come from the first run).
    #[arg(long, default_value_t = 1)]
    pub repeat: usize,
    /// Use the on-disk index in the user's cache folder (reopened when the notes are unchanged).
    #[arg(long)]
    pub cache: bool,
}

#[derive(Debug, Deserialize)]
struct QueryItem {
    q: String,
}

pub fn run(args: &SearchArgs) -> anyhow::Result<i32> {
    let (path, query) = match (&args.queries, args.args.as_slice()) {
        (Some(_), []) => (None, None),
        (Some(_), [path]) => (Some(PathBuf::from(path)), None),
        (Some(_), _) => bail!("with --queries, give at most a notes PATH"),
        (None, []) => bail!("give a query: cloudatlas search [PATH] QUERY"),
        (None, [query]) => (None, Some(query.clone())),
        (None, [path, query]) => (Some(PathBuf::from(path)), Some(query.clone())),
        (None, _) => bail!("too many arguments: cloudatlas search [PATH] QUERY"),
    };
    let compiled = match &path {
        Some(path) => {
            crate::compile(path).with_context(|| format!("compiling {}", path.display()))?
        }
        None => crate::compile_builtin(),
    };
    let start = Instant::now();
    let index = if args.cache {
        let root = SearchIndex::default_cache_dir()
            .context("no cache folder for this user (no home directory?)")?;
        let opened = SearchIndex::open_or_build(&compiled, &root)?;
        if let Some(message) = opened.status.message() {
            eprintln!("warning: {message}");
        }
        log::info!(
            "search index {:?} at {}",
            opened.status,
            opened.dir.display()
        );
        opened.index
    } else {
        SearchIndex::build(&compiled)?
    };
    let index_ms = start.elapsed().as_secs_f64() * 1000.0;

    if let Some(file) = &args.queries {
        let text =
            std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
        let items: Vec<QueryItem> = serde_json::from_str(&text)
            .with_context(|| format!("{}: expected [{{\"q\": \"...\"}}, ...]", file.display()))?;
        return batch(&index, &items, args, index_ms);
    }
    let query = query.unwrap_or_default();
    let start = Instant::now();
    let hits = index.search(&query, args.limit)?;
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    if args.json {
        println!(
            "{}",
            serde_json::json!({ "q": query, "latency_ms": ms, "index_ms": index_ms, "hits": hits })
        );
    } else {
        for (rank, hit) in hits.iter().enumerate() {
            print_hit(rank + 1, hit);
        }
        eprintln!(
            "{} hits in {ms:.2} ms ({} sections indexed in {index_ms:.1} ms)",
            hits.len(),
            index.len()
        );
    }
    Ok(0)
}

fn batch(
    index: &SearchIndex,
    items: &[QueryItem],
    args: &SearchArgs,
    index_ms: f64,
) -> anyhow::Result<i32> {
    let mut results = Vec::with_capacity(items.len());
    let mut latencies = Vec::with_capacity(items.len() * args.repeat.max(1));
    for item in items {
        let start = Instant::now();
        let outcome = index.search(&item.q, args.limit);
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        latencies.push(ms);
        let value = match outcome {
            Ok(hits) => serde_json::json!({ "q": item.q, "latency_ms": ms, "hits": hits }),
            Err(e) => {
                serde_json::json!({ "q": item.q, "latency_ms": ms, "hits": [], "error": e.to_string() })
            }
        };
        results.push(value);
    }
    for _ in 1..args.repeat {
        for item in items {
            let start = Instant::now();
            let _ = index.search(&item.q, args.limit);
            latencies.push(start.elapsed().as_secs_f64() * 1000.0);
        }
    }
    latencies.sort_by(f64::total_cmp);
    let pct = |p: f64| {
        if latencies.is_empty() {
            0.0
        } else {
            let i = ((p * latencies.len() as f64) as usize).min(latencies.len() - 1);
            latencies[i]
        }
    };
    let out = serde_json::json!({
        "results": results,
        "p50_ms": pct(0.5),
        "p99_ms": pct(0.99),
        "index_ms": index_ms,
        "sections": index.len(),
        "timed_queries": latencies.len(),
    });
    if args.json {
        println!("{out}");
    } else {
        println!("{}", serde_json::to_string_pretty(&out)?);
    }
    Ok(0)
}

fn print_hit(rank: usize, hit: &Hit) {
    println!(
        "{rank:>2}. {}  ({}:{}-{})  score {:.2}",
        hit.title, hit.file, hit.line_start, hit.line_end, hit.score
    );
    let mut shown = String::new();
    let mut at = 0;
    let text = &hit.snippet.text;
    for range in &hit.snippet.highlights {
        if range.start < at || range.end > text.len() {
            continue;
        }
        shown.push_str(&text[at..range.start]);
        shown.push('[');
        shown.push_str(&text[range.clone()]);
        shown.push(']');
        at = range.end;
    }
    shown.push_str(&text[at..]);
    for line in shown.lines().filter(|l| !l.trim().is_empty()).take(4) {
        println!("      {}", line.trim());
    }
}
