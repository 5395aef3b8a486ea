//! `cloudatlas export [PATH] --format graphml|gexf|dot|json [--out FILE] [--positions FILE]`.

use std::path::PathBuf;

use anyhow::Context as _;

use crate::export::{self, Format};

/// Arguments of `cloudatlas export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// Notes file or folder (the built-in notes when omitted).
    pub path: Option<PathBuf>,
    /// graphml, gexf (Gephi), dot (Graphviz) or json (node-link, d3).
    #[arg(long, short, value_parser = parse_format)]
    pub format: Format,
    /// Write here instead of standard output.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Node positions `{"id": [x, y]}` (as `cloudatlas layout --out` writes them).
    #[arg(long)]
    pub positions: Option<PathBuf>,
}

fn parse_format(text: &str) -> Result<Format, String> {
    Format::parse(text).map_err(|err| err.to_string())
}

pub fn run(args: &ExportArgs) -> anyhow::Result<i32> {
    let compiled = match &args.path {
        Some(path) => {
            crate::compile(path).with_context(|| format!("compiling {}", path.display()))?
        }
        None => crate::compile_builtin(),
    };
    let positions = args
        .positions
        .as_deref()
        .map(export::read_positions)
        .transpose()?;
    let text = export::export(&compiled, args.format, positions.as_ref())?;
    match &args.out {
        Some(out) if out.as_os_str() != "-" => {
            crate::util::write_atomic(out, text.as_bytes())
                .with_context(|| format!("writing {}", out.display()))?;
            eprintln!(
                "wrote {} ({} nodes, {} edges, {})",
                out.display(),
                compiled.graph.node_count(),
                compiled.graph.edge_count(),
                args.format.as_str()
            );
        }
        _ => {
            use std::io::Write as _;
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(text.as_bytes())?;
            stdout.flush()?;
        }
    }
    Ok(0)
}
