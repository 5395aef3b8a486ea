//! The generated plain-text corpus shared by `benches/search.rs` and `examples/gen_corpus.rs`
//! (included by both with `#[path]`), so the bench and the CLI measure the same bytes.

use std::path::Path;

/// Words for the generated corpus: AWS names and ordinary note-taking words (our own list).
const WORDS: &[&str] = &[
    "deployment",
    "pipeline",
    "stack",
    "template",
    "bucket",
    "instance",
    "group",
    "scaling",
    "policy",
    "role",
    "permission",
    "lambda",
    "function",
    "version",
    "alias",
    "traffic",
    "shift",
    "canary",
    "linear",
    "rollback",
    "health",
    "check",
    "alarm",
    "metric",
    "log",
    "stream",
    "shard",
    "replica",
    "table",
    "index",
    "partition",
    "key",
    "encryption",
    "secret",
    "rotation",
    "parameter",
    "store",
    "session",
    "manager",
    "patch",
    "baseline",
    "inventory",
    "compliance",
    "rule",
    "config",
    "trail",
    "event",
    "bus",
    "target",
    "queue",
    "topic",
    "subscription",
    "cluster",
    "task",
    "service",
    "container",
    "image",
    "registry",
    "repository",
    "branch",
    "commit",
    "build",
    "artifact",
    "cache",
    "cdn",
    "origin",
    "edge",
    "route",
    "record",
    "failover",
    "latency",
    "weighted",
    "zone",
    "region",
    "subnet",
    "gateway",
    "endpoint",
    "network",
    "security",
    "firewall",
    "certificate",
    "domain",
    "hook",
    "signal",
    "condition",
    "wait",
    "creation",
    "deletion",
    "retain",
    "snapshot",
    "backup",
    "restore",
    "recovery",
    "objective",
    "point",
    "time",
    "cost",
    "budget",
    "tag",
    "account",
    "organization",
    "the",
    "a",
    "of",
    "to",
    "and",
    "in",
    "is",
    "for",
    "on",
    "with",
    "we",
    "can",
    "this",
    "that",
    "be",
    "when",
    "it",
    "by",
    "use",
    "new",
    "from",
    "will",
    "not",
    "only",
    "all",
    "each",
    "after",
    "before",
    "then",
    "if",
    "so",
    "also",
    "must",
    "should",
    "note",
    "important",
    "exam",
];

/// A deterministic generator (64-bit LCG).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    /// Roughly Zipf-like: small indexes far more often.
    fn zipf(&mut self, n: usize) -> usize {
        let u = (self.next() % 1_000_000) as f64 / 1_000_000.0;
        ((n as f64).powf(u) as usize).saturating_sub(1).min(n - 1)
    }
}

/// Writes about `mb` megabytes of plain-text outline notes into `dir`: files of ~100 KB, each
/// with headings and bullet lines, words drawn from [`WORDS`] plus rare made-up words so the
/// vocabulary grows the way real notes do.
pub fn generate_corpus(dir: &Path, mb: usize) -> std::io::Result<()> {
    let mut rng = Lcg(42);
    let target = mb << 20;
    let mut written = 0;
    let mut file = 0;
    while written < target {
        let mut text = String::new();
        while text.len() < 100 << 10 {
            let heading: Vec<&str> = (0..3).map(|_| WORDS[rng.zipf(WORDS.len())]).collect();
            text.push_str(&format!(
                "Topic {} {}\n\n",
                rng.next() % 10_000,
                heading.join(" ")
            ));
            for _ in 0..(5 + rng.next() % 20) {
                text.push_str(" - ");
                for _ in 0..(6 + rng.next() % 14) {
                    if rng.next().is_multiple_of(12) {
                        text.push_str(&format!("w{}x ", rng.zipf(200_000)));
                    } else {
                        text.push_str(WORDS[rng.zipf(WORDS.len())]);
                        text.push(' ');
                    }
                }
                text.push('\n');
            }
            text.push('\n');
        }
        written += text.len();
        std::fs::write(dir.join(format!("notes-{file:05}.txt")), text)?;
        file += 1;
    }
    Ok(())
}
