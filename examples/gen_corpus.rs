//! Writes the generated plain-text corpus that `benches/search.rs` measures with
//! `CLOUDATLAS_BIG_MB` (same generator, same bytes), so the 100 MB latency figure can be repeated
//! with the CLI batch mode:
//!
//! ```text
//! cargo run --release --example gen_corpus -- OUT_DIR [MB]
//! cloudatlas search OUT_DIR --queries benches/big-queries.json --json --repeat 5
//! ```

use std::path::Path;

#[path = "../benches/support/corpus.rs"]
mod corpus;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: gen_corpus OUT_DIR [MB]");
        std::process::exit(2);
    };
    let mb = match args.next().map(|a| a.parse::<usize>()) {
        None => 100,
        Some(Ok(mb)) if mb > 0 => mb,
        Some(_) => {
            eprintln!("gen_corpus: MB must be a positive number");
            std::process::exit(2);
        }
    };
    let dir = Path::new(&dir);
    std::fs::create_dir_all(dir)?;
    corpus::generate_corpus(dir, mb)?;
    println!("wrote {mb} MB of notes into {}", dir.display());
    Ok(())
}
