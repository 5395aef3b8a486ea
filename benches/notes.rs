//! Note parsing speed: the built-in notes, and a generated multi-megabyte outline and Markdown
//! file in the messy shapes the plain parser has to judge. Throughput is reported in bytes.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

use cloudatlas::notes::{self, NoteFormat};

/// A generated outline of about `bytes` bytes: headings with decoration, tab bullets, numbered
/// steps, YAML snippets, separators and long prose lines.
fn outline(bytes: usize) -> String {
    let mut out = String::with_capacity(bytes + 4096);
    let mut k = 0usize;
    while out.len() < bytes {
        let deco = ["", " -", " :", " //IMPORTANT"][k % 4];
        out.push_str(&format!("\n\nService number {k}{deco}\n"));
        out.push_str(" - used for something that matters in the exam, I think\n");
        out.push_str("\t- a tab bullet with a key : and a value\n\t\tdeeper detail line\n\n");
        out.push_str(&format!(
            "Configuring the thing {k} :\n\t1) first step\n\t2) second step\n\n"
        ));
        out.push_str("\tResources:\n\t  Bucket:\n\t    Type: AWS::S3::Bucket\n\n");
        out.push_str("\t-> Viewer request :\n\t\truns before the cache\n\n");
        out.push_str("A long line of prose that goes on about how the service behaves when things fail, and what to do then.\n");
        if k.is_multiple_of(7) {
            out.push_str("\n==========================================\n");
        }
        k += 1;
    }
    out
}

fn markdown(bytes: usize) -> String {
    let mut out = String::with_capacity(bytes + 4096);
    out.push_str("---\ntitle: Generated\ntags: [aws, bench]\n---\n\n");
    let mut k = 0usize;
    while out.len() < bytes {
        out.push_str(&format!(
            "# Topic {k}\n\nText about [[Topic {}]] and [[S3#Versioning|versions]] #tag{}\n\n## Detail\n\n- a point\n- another point with `code`\n\n```yaml\nkey: value # not a tag\n```\n\n",
            k + 1,
            k % 10
        ));
        k += 1;
    }
    out
}

fn parse(c: &mut Criterion) {
    let builtin = notes::load_builtin();
    let builtin_bytes: usize = builtin.notes.iter().map(|n| n.text.len()).sum();
    let texts: Vec<(String, NoteFormat, String)> = builtin
        .notes
        .iter()
        .map(|n| (n.file.clone(), n.format, n.text.clone()))
        .collect();
    let mut group = c.benchmark_group("notes");
    group.throughput(Throughput::Bytes(builtin_bytes as u64));
    group.bench_function("parse_builtin", |b| {
        b.iter(|| {
            let mut warnings = Vec::new();
            texts
                .iter()
                .map(|(file, format, text)| {
                    notes::parse_note(file, *format, text.clone(), &mut warnings)
                        .sections
                        .len()
                })
                .sum::<usize>()
        });
    });
    let big = outline(8 << 20);
    group.throughput(Throughput::Bytes(big.len() as u64));
    group.sample_size(10);
    group.bench_function("parse_outline_8mb", |b| {
        b.iter(|| {
            let mut warnings = Vec::new();
            notes::parse_note("big.txt", NoteFormat::Plain, big.clone(), &mut warnings)
                .sections
                .len()
        });
    });
    let md = markdown(8 << 20);
    group.throughput(Throughput::Bytes(md.len() as u64));
    group.bench_function("parse_markdown_8mb", |b| {
        b.iter(|| {
            let mut warnings = Vec::new();
            notes::parse_note("big.md", NoteFormat::Markdown, md.clone(), &mut warnings)
                .sections
                .len()
        });
    });
    // Any notes file named by NOTES_BENCH_FILE (e.g. a seed outline kept outside the repo).
    if let Some(path) = std::env::var_os("NOTES_BENCH_FILE") {
        let path = std::path::PathBuf::from(path);
        let loaded = notes::load(&path, &notes::LoadOptions::default()).expect("NOTES_BENCH_FILE");
        let bytes: usize = loaded.notes.iter().map(|n| n.text.len()).sum();
        group.throughput(Throughput::Bytes(bytes as u64));
        group.sample_size(50);
        group.bench_function("load_and_parse_file", |b| {
            b.iter(|| {
                notes::load(&path, &notes::LoadOptions::default())
                    .map(|l| l.notes.len())
                    .unwrap_or(0)
            });
        });
    }
    group.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
