//! Prints every catalog mention in a text file: `line<TAB>entity<TAB>surface`, for looking at the
//! matcher's precision by hand. `cargo run --example mentions FILE [ENTITY_ID...]`.

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or_else(|| anyhow::anyhow!("usage: mentions FILE [ENTITY_ID...]"))?;
    let only: Vec<String> = args.collect();
    let text = std::fs::read_to_string(&path)?;
    let extractor =
        cloudatlas::extract::Extractor::builtin().map_err(|e| anyhow::anyhow!("{e}"))?;
    for (id, start, end) in extractor.mentions_in(&text) {
        if !only.is_empty() && !only.contains(&id) {
            continue;
        }
        let line = text.get(..start).map_or(0, |t| t.matches('\n').count()) + 1;
        println!("{line}\t{id}\t{}", text.get(start..end).unwrap_or(""));
    }
    Ok(())
}
