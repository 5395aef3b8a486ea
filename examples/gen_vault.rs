//! Writes a deterministic, interlinked Markdown vault for scale tests: AWS-flavoured notes in
//! topic folders, `[[wikilinks]]` whose in-degrees follow a power law (a few hub notes, a long
//! tail), headings and aliases in links, front-matter aliases and tags, body `#tags`, pictures
//! (Markdown and embeds), a few missing-picture placeholders and a few unresolved links.
//!
//! ```text
//! cargo run --release --example gen_vault -- OUT_DIR [--notes N] [--seed S] [--force]
//! ```
//! The same N and seed always give the same bytes.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// splitmix64: tiny, deterministic, good enough for fixtures.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

const FOLDERS: &[(&str, &[&str])] = &[
    (
        "compute",
        &[
            "EC2",
            "Auto Scaling",
            "Elastic Beanstalk",
            "EC2 Image Builder",
        ],
    ),
    ("containers", &["ECS", "EKS", "ECR", "Fargate"]),
    (
        "serverless",
        &["Lambda", "Step Functions", "API Gateway", "EventBridge"],
    ),
    ("storage", &["S3", "EBS", "EFS", "Glacier"]),
    ("database", &["DynamoDB", "RDS", "Aurora", "ElastiCache"]),
    (
        "networking",
        &[
            "VPC",
            "Route 53",
            "Elastic Load Balancing",
            "Transit Gateway",
        ],
    ),
    (
        "cicd",
        &["CodePipeline", "CodeBuild", "CodeDeploy", "CodeCommit"],
    ),
    (
        "iac",
        &["CloudFormation", "AWS CDK", "Systems Manager", "OpsWorks"],
    ),
    (
        "monitoring",
        &["CloudWatch", "X-Ray", "CloudTrail", "AWS Config"],
    ),
    ("security", &["IAM", "KMS", "Secrets Manager", "GuardDuty"]),
    ("integration", &["SQS", "SNS", "Kinesis", "Amazon MQ"]),
    (
        "governance",
        &[
            "Organizations",
            "Service Catalog",
            "Trusted Advisor",
            "Control Tower",
        ],
    ),
];

const ASPECTS: &[&str] = &[
    "basics",
    "deployment",
    "scaling",
    "pricing",
    "limits",
    "security",
    "monitoring",
    "troubleshooting",
    "exam-tips",
    "lab",
    "patterns",
    "failover",
    "costs",
    "integration",
];

const HEADINGS: &[&str] = &[
    "Overview",
    "How it works",
    "Configuration",
    "Exam perspective",
    "Gotchas",
    "Lab steps",
    "Comparison",
    "Best practices",
    "Quotas",
    "Troubleshooting",
];

const VERBS: &[&str] = &[
    "triggers",
    "deploys to",
    "stores logs in",
    "is monitored by",
    "integrates with",
    "replicates to",
    "is configured by",
    "sends events to",
    "reads secrets from",
    "scales with",
];

const CONCEPTS: &[&str] = &[
    "blue/green deployments",
    "canary releases",
    "rolling updates",
    "least privilege",
    "cross-region replication",
    "lifecycle hooks",
    "health checks",
    "dead-letter queues",
    "infrastructure as code",
    "drift detection",
    "encryption at rest",
    "multi-AZ failover",
    "immutable deployments",
    "idempotent retries",
    "change sets",
    "log retention",
];

const TAGS: &[&str] = &[
    "exam",
    "todo",
    "review",
    "lab",
    "aws/compute",
    "aws/networking",
    "aws/security",
    "dop-c02",
    "sap-c02",
    "weak-topic",
];

const PLACEHOLDERS: &[&str] = &[
    "[REFER SCREENSHOT]",
    "(ref. attached image)",
    "refer attached images for the console steps",
];

struct NoteName {
    folder: &'static str,
    service: &'static str,
    stem: String,
}

fn slug(text: &str) -> String {
    let mut out = String::new();
    for ch in text.chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

fn names(count: usize, rng: &mut Rng) -> Vec<NoteName> {
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        let (folder, services) = FOLDERS[i % FOLDERS.len()];
        let service = *rng.pick(services);
        let aspect = *rng.pick(ASPECTS);
        out.push(NoteName {
            folder,
            service,
            stem: format!("{}-{}-{:05}", slug(service), aspect, i),
        });
    }
    out
}

/// A link target with a power-law in-degree: note `k` is chosen with probability roughly
/// proportional to `1 / (k + 1)^0.9`-ish through inverse transform on `u^3`.
fn power_law_target(rng: &mut Rng, count: usize) -> usize {
    let u = rng.unit();
    ((u * u * u) * count as f64) as usize % count.max(1)
}

fn sentence(rng: &mut Rng, service: &str) -> String {
    let (_, others) = *rng.pick(FOLDERS);
    let other = *rng.pick(others);
    let verb = *rng.pick(VERBS);
    let concept = *rng.pick(CONCEPTS);
    match rng.below(5) {
        0 => format!("{service} {verb} {other}; remember {concept} for the exam."),
        1 => format!("When {other} fails, {service} relies on {concept} to recover."),
        2 => format!("IMPORTANT: {service} with {other} needs {concept} configured first."),
        3 => {
            format!("Not sure whether {service} {verb} {other} across accounts, check before exam.")
        }
        _ => format!("Use {concept} so that {service} {verb} {other} without downtime."),
    }
}

fn note_text(ix: usize, names: &[NoteName], rng: &mut Rng, pictures: &[String]) -> String {
    let me = &names[ix];
    let count = names.len();
    let mut text = String::with_capacity(2048);
    text.push_str("---\n");
    let _ = writeln!(
        text,
        "title: {} {}",
        me.service,
        me.stem.rsplit('-').nth(1).unwrap_or("")
    );
    if rng.chance(0.2) {
        let _ = writeln!(text, "aliases: [\"{} note {ix}\"]", me.service);
    }
    let tag_count = rng.below(3);
    let tags: Vec<&str> = (0..tag_count).map(|_| *rng.pick(TAGS)).collect();
    let _ = writeln!(text, "tags: [{}]", tags.join(", "));
    text.push_str("---\n");
    let _ = writeln!(text, "# {} ({})\n", me.service, me.stem);
    let sections = 2 + rng.below(4);
    let mut links_left = 2 + rng.below(7);
    for s in 0..sections {
        let heading = HEADINGS[(ix + s) % HEADINGS.len()];
        let _ = writeln!(text, "## {heading}\n");
        for _ in 0..(2 + rng.below(4)) {
            let _ = write!(text, "- {}", sentence(rng, me.service));
            if links_left > 0 && rng.chance(0.6) {
                links_left -= 1;
                let target = power_law_target(rng, count);
                let other = &names[target];
                match rng.below(6) {
                    0 => {
                        let _ = write!(text, " See [[{}|{}]].", other.stem, other.service);
                    }
                    1 => {
                        let h = HEADINGS[(target + rng.below(2)) % HEADINGS.len()];
                        let _ = write!(text, " Details in [[{}#{h}]].", other.stem);
                    }
                    2 => {
                        let _ = write!(text, " Compare [[{}/{}]].", other.folder, other.stem);
                    }
                    _ => {
                        let _ = write!(text, " Related: [[{}]].", other.stem);
                    }
                }
            }
            if rng.chance(0.05) {
                let _ = write!(text, " #{}", rng.pick(TAGS));
            }
            text.push('\n');
        }
        text.push('\n');
        if rng.chance(0.04) && !pictures.is_empty() {
            let picture = rng.pick(pictures);
            if rng.chance(0.5) {
                let _ = writeln!(text, "![diagram](../images/{picture})\n");
            } else {
                let _ = writeln!(text, "![[{picture}]]\n");
            }
        }
        if rng.chance(0.01) {
            let _ = writeln!(text, "{}\n", rng.pick(PLACEHOLDERS));
        }
        if rng.chance(0.005) {
            let _ = writeln!(text, "Draft: [[{} missing page {ix}]]\n", me.service);
        }
        if rng.chance(0.05) {
            text.push_str("```bash\naws cloudformation deploy --template-file t.yml --stack-name demo\n```\n\n");
        }
    }
    text
}

/// A valid 1×1 PNG.
const PNG_1X1: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
    0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

struct Args {
    out: PathBuf,
    notes: usize,
    seed: u64,
    force: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut out = None;
    let mut notes = 10_000;
    let mut seed = 7;
    let mut force = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--notes" => {
                notes = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .ok_or("--notes needs a number")?;
            }
            "--seed" => {
                seed = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .ok_or("--seed needs a number")?;
            }
            "--force" => force = true,
            other if out.is_none() && !other.starts_with("--") => out = Some(PathBuf::from(other)),
            other => return Err(format!("unexpected argument {other:?}")),
        }
    }
    let out = out.ok_or("usage: gen_vault OUT_DIR [--notes N] [--seed S] [--force]")?;
    Ok(Args {
        out,
        notes,
        seed,
        force,
    })
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}

fn run() -> Result<(), String> {
    let args = parse_args()?;
    if args.out.exists()
        && std::fs::read_dir(&args.out)
            .map_err(|e| format!("{}: {e}", args.out.display()))?
            .next()
            .is_some()
        && !args.force
    {
        return Err(format!(
            "{} is not empty (use --force to write into it)",
            args.out.display()
        ));
    }
    let start = std::time::Instant::now();
    let mut rng = Rng(args.seed);
    let names = names(args.notes, &mut rng);
    let pictures: Vec<String> = (0..40).map(|i| format!("diagram-{i:02}.png")).collect();
    for picture in &pictures {
        write(&args.out.join("images").join(picture), PNG_1X1)?;
    }
    let mut bytes = 0usize;
    for ix in 0..names.len() {
        let text = note_text(ix, &names, &mut rng, &pictures);
        bytes += text.len();
        let name = &names[ix];
        write(
            &args.out.join(name.folder).join(format!("{}.md", name.stem)),
            text.as_bytes(),
        )?;
    }
    eprintln!(
        "wrote {} notes ({:.1} MB) and {} pictures to {} in {:.1} s",
        names.len(),
        bytes as f64 / 1e6,
        pictures.len(),
        args.out.display(),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

fn main() {
    if let Err(err) = run() {
        eprintln!("gen_vault: {err}");
        std::process::exit(2);
    }
}
