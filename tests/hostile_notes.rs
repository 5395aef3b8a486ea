//! Bad and hostile notes through the whole compile: each finishes, with warnings naming the file
//! (and the line where there is one). Fixtures are generated here at test time, never committed.
//! The big cases run at a size that keeps each test to a few seconds in a debug build; the full
//! sizes (50 MB single line, …) and their peak memory are measured with the release binary by
//! `scripts/hostile-notes.sh` (see RELIABILITY.md).

use std::path::Path;

use cloudatlas::Compiled;
use cloudatlas::notes::Warning;

use crate::util::Dir;

fn compile(path: &Path) -> Compiled {
    cloudatlas::compile(path).unwrap()
}

fn warnings_for<'a>(compiled: &'a Compiled, file: &str) -> Vec<&'a Warning> {
    compiled
        .warnings
        .iter()
        .filter(|w| w.file == file)
        .collect()
}

#[test]
fn invalid_utf8_and_nul_bytes_compile_with_warnings_naming_file_and_line() {
    let dir = Dir::new();
    let mut latin1 = b"Amazon S3 -\n - buckets\n - versioning\n - caf".to_vec();
    latin1.extend([0xE9, 0xFF, b'\n']);
    latin1.extend(b" - Lambda triggers\n");
    dir.create("latin1.txt", latin1);
    // Two NULs in a page of text (a handful in a tiny file reads as binary).
    let mut nul = b"# IAM\n\nroles\0 and users\n\n# KMS\n\nkeys\0\n\n".to_vec();
    nul.extend(
        "Key policies and grants decide who may use a key. "
            .repeat(20)
            .as_bytes(),
    );
    dir.create("nul.md", nul);
    let compiled = compile(dir.path());
    assert_eq!(compiled.notes.notes.len(), 2);
    let bad = warnings_for(&compiled, "latin1.txt");
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert_eq!(bad[0].line, Some(4));
    assert!(bad[0].message.contains("UTF-8"));
    let nul = warnings_for(&compiled, "nul.md");
    assert_eq!(nul.len(), 1, "{nul:?}");
    assert_eq!(nul[0].line, Some(3));
    assert!(nul[0].message.contains("2 NUL"), "{}", nul[0].message);
    assert!(compiled.graph.entity("s3").is_some());
    assert!(compiled.graph.entity("kms").is_some());
}

#[test]
fn a_single_line_of_several_megabytes_compiles() {
    // The release measurement uses 50 MB; 4 MB keeps the debug test quick.
    let dir = Dir::new();
    let unit = "CodeBuild runs the build and CodeDeploy deploys to EC2 then S3 keeps artifacts ";
    let line = unit.repeat((4 << 20) / unit.len());
    dir.create("one-line.txt", &line);
    let compiled = compile(dir.path());
    let note = &compiled.notes.notes[0];
    assert_eq!(note.text.len(), line.len());
    assert!(note.sections.len() <= 1);
    for s in &note.sections {
        assert_eq!((s.line_start, s.line_end), (1, 1));
    }
    let mentions = compiled.graph.entity("codebuild").map_or(0, |e| e.mentions);
    assert_eq!(mentions as usize, line.len() / unit.len());
}

#[test]
fn a_hundred_thousand_headings() {
    let dir = Dir::new();
    let mut md = String::new();
    for k in 0..100_000 {
        let hashes = "#".repeat(1 + k % 6);
        md.push_str(&format!("{hashes} Topic {k}\n"));
    }
    dir.create("many.md", &md);
    let mut plain = String::new();
    for k in 0..100_000 {
        plain.push_str(&format!("Step {k} -\n - detail\n\n"));
    }
    dir.create("many.txt", &plain);
    let compiled = compile(dir.path());
    let by_file = |f: &str| {
        compiled
            .notes
            .notes
            .iter()
            .find(|n| n.file == f)
            .unwrap()
            .sections
            .as_slice()
    };
    let md_sections = by_file("many.md");
    assert_eq!(md_sections.len(), 100_000);
    assert_eq!(md_sections[99_999].line_start, 100_000);
    // Nesting follows the heading levels, so paths stay at most six deep.
    assert!(
        md_sections
            .iter()
            .all(|s| cloudatlas::notes::heading_path(md_sections, s).len() <= 6)
    );
    let plain_sections = by_file("many.txt");
    assert_eq!(plain_sections.len(), 100_000);
    assert_eq!(&*plain_sections[99_999].title, "Step 99999");
    assert_eq!(compiled.sections.len(), 200_000);
    // `Topic k` names a topic: the map keeps the first 1,000 level-1 headings (one in six
    // headings is level 1, so the last kept is heading 5,994 on line 5,995) and says so; the
    // sections all stay.
    let topics: Vec<&str> = compiled
        .graph
        .entities_sorted()
        .into_iter()
        .filter(|e| e.kind == cloudatlas::graph::EntityKind::Topic)
        .map(|e| e.label.as_str())
        .collect();
    assert_eq!(topics.len(), cloudatlas::extract::MAX_TOPICS_PER_NOTE);
    assert!(topics.contains(&"Topic 0") && topics.contains(&"Topic 5994"));
    assert!(!topics.contains(&"Topic 1") && !topics.contains(&"Topic 6000"));
    let warning = compiled
        .warnings
        .iter()
        .find(|w| w.file == "many.md")
        .expect("a warning for many.md");
    assert_eq!(warning.line, Some(2));
    assert!(
        warning.message.contains("100000 headings name topics"),
        "{}",
        warning.message
    );
}

#[test]
fn ten_thousand_levels_of_indentation() {
    // A staircase one level deeper per line to 1,000 levels, then lines 10,000 levels deep (a
    // staircase to 10,000 would be 50 MB of blanks); Markdown lists and quotes nest 10,000 deep
    // on one line.
    let dir = Dir::new();
    let mut spaces = String::new();
    let mut tabs = String::new();
    let mut list = String::new();
    for k in 0..1_000 {
        spaces.push_str(&format!(
            "{}- Level {k} CloudFormation stack\n",
            " ".repeat(k)
        ));
        tabs.push_str(&format!("{}Level {k} :\n", "\t".repeat(k)));
        list.push_str(&format!("{}- item {k} about SQS\n", "  ".repeat(k)));
    }
    for k in 0..50 {
        spaces.push_str(&format!(
            "{}- Deep {k} CloudFormation\n",
            " ".repeat(10_000)
        ));
        tabs.push_str(&format!("{}Deep {k} :\n", "\t".repeat(10_000)));
    }
    let mut nested = String::new();
    for k in 0..20 {
        nested.push_str(&format!("{}item {k} about SQS\n\n", "- ".repeat(10_000)));
        nested.push_str(&format!("{} quoted {k} about SNS\n\n", ">".repeat(10_000)));
    }
    dir.create("spaces.txt", &spaces);
    dir.create("tabs.txt", &tabs);
    dir.create("list.md", &list);
    dir.create("nested.md", &nested);
    let compiled = compile(dir.path());
    assert_eq!(compiled.notes.notes.len(), 4);
    for note in &compiled.notes.notes {
        let lines = note.text.lines().count() as u32;
        for s in &note.sections {
            assert!(s.line_start >= 1 && s.line_start <= s.line_end && s.line_end <= lines);
            // Heading paths and ids must not grow with the indentation (that is quadratic).
            let depth = note.heading_path(s).len();
            assert!(depth <= 8, "{}: {depth}", note.file);
            let id = note.section_id(s);
            assert!(id.len() < 2_000, "{}: id of {} bytes", note.file, id.len());
        }
    }
    assert!(compiled.graph.entity("cloudformation").is_some());
    assert!(compiled.graph.entity("sqs").is_some());
    assert!(compiled.graph.entity("sns").is_some());
}

#[test]
fn a_million_unclosed_wikilinks() {
    let dir = Dir::new();
    // On one line and spread over lines, with a real link at the very end.
    dir.create(
        "one-line.md",
        format!("# Open\n\n{}[[Closed]]\n", "[[".repeat(1_000_000)),
    );
    dir.create("lines.md", "[[ S3 and [[IAM\n".repeat(100_000));
    // No `]]` anywhere: each `[[` must not search the rest of the line again (quadratic).
    dir.create(
        "no-close.md",
        format!("# Open\n\n{}\n", "[[".repeat(1_000_000)),
    );
    let compiled = compile(dir.path());
    let one = compiled
        .notes
        .notes
        .iter()
        .find(|n| n.file == "one-line.md")
        .unwrap();
    assert_eq!(one.links.len(), 1, "{:?}", one.links.first());
    assert_eq!(one.links[0].target, "Closed");
    let lines = compiled
        .notes
        .notes
        .iter()
        .find(|n| n.file == "lines.md")
        .unwrap();
    assert!(lines.links.is_empty());
    let no_close = compiled
        .notes
        .notes
        .iter()
        .find(|n| n.file == "no-close.md")
        .unwrap();
    assert!(no_close.links.is_empty());
    assert_eq!(
        compiled.graph.entity("s3").map(|e| e.mentions),
        Some(100_000)
    );
    // The S3 – IAM relation of 100,000 lines keeps its first 100 as evidence, says so, and
    // still weighs every line.
    let g = &compiled.graph.graph;
    let s3 = compiled.graph.node("s3").unwrap();
    let edges: Vec<_> = g.edges(s3).map(|e| e.weight()).collect();
    assert!(!edges.is_empty());
    let max = cloudatlas::extract::MAX_EVIDENCE_LINES;
    for rel in &edges {
        assert!(rel.evidence.len() <= max, "{}", rel.evidence.len());
    }
    let capped = edges.iter().find(|r| r.evidence.len() == max).unwrap();
    assert!(capped.weight >= 100_000.0 * 0.5, "{}", capped.weight);
    let warning = compiled
        .warnings
        .iter()
        .find(|w| w.file == "lines.md" && w.message.contains("stated on more than"))
        .expect("a warning about the evidence kept");
    assert_eq!(warning.line, Some(max as u32 + 1));
}

#[test]
fn binary_files_with_a_markdown_name_are_skipped() {
    let dir = Dir::new();
    // A deterministic pseudo-random megabyte (xorshift), and a PNG header in `.md` clothing.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let noise: Vec<u8> = (0..1 << 20)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    dir.create("noise.md", &noise);
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend(std::iter::repeat_n(0u8, 4096));
    dir.create("picture.md", &png);
    dir.create("real.md", "# Route 53\n\nDNS.\n");
    let compiled = compile(dir.path());
    let files: Vec<&str> = compiled
        .notes
        .notes
        .iter()
        .map(|n| n.file.as_str())
        .collect();
    assert_eq!(files, ["real.md"]);
    for f in ["noise.md", "picture.md"] {
        let w = warnings_for(&compiled, f);
        assert!(
            w.len() == 1 && w[0].message.contains("binary"),
            "{f}: {w:?}"
        );
    }
}

#[test]
fn files_that_vanish_or_change_while_the_folder_is_read() {
    let dir = Dir::new();
    dir.create("a.txt", "Amazon SQS -\n - queues\n");
    let vanishing = dir.create("b.txt", "Amazon SNS -\n - topics\n");
    let changing = dir.create("c.md", "# Old heading\n\nold text about EC2\n");
    // After the first file is read: one file is deleted, another rewritten (longer than it was
    // when the folder was listed), as an editor or a sync client might do.
    let mut step = 0;
    let compiled = cloudatlas::compile_with_progress(dir.path(), &mut |p| {
        step += 1;
        if p.file == "a.txt" {
            std::fs::remove_file(&vanishing).unwrap();
            std::fs::write(
                &changing,
                "# New heading\n\nnew text about DynamoDB and Lambda\n\n# Second\n\nS3\n",
            )
            .unwrap();
        }
    })
    .unwrap();
    assert_eq!(step, 3);
    let files: Vec<&str> = compiled
        .notes
        .notes
        .iter()
        .map(|n| n.file.as_str())
        .collect();
    assert_eq!(files, ["a.txt", "c.md"]);
    let gone = warnings_for(&compiled, "b.txt");
    assert!(
        gone.len() == 1 && gone[0].message.contains("cannot read"),
        "{gone:?}"
    );
    let c = &compiled.notes.notes[1];
    assert_eq!(c.sections.len(), 2);
    assert_eq!(&*c.sections[0].title, "New heading");
    assert!(compiled.graph.entity("dynamodb").is_some());
    assert!(compiled.graph.entity("ec2").is_none());
}

#[test]
fn a_file_rewritten_continuously_during_compiles_never_breaks_one() {
    let dir = Dir::new();
    let path = dir.create("hot.md", "# S3\n\nbuckets\n");
    dir.create("cold.txt", "Amazon SQS -\n - queues\n");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let stop = std::sync::Arc::clone(&stop);
        let path = path.clone();
        std::thread::Builder::new()
            .name("rewriter".into())
            .spawn(move || {
                let mut k = 0usize;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    // Truncate-then-write: a reader can see an empty or a partial file.
                    let body = format!("# S3 {k}\n\n{}\n", "Lambda and SQS. ".repeat(k % 500));
                    let _ = std::fs::write(&path, body);
                    k += 1;
                }
            })
            .unwrap()
    };
    for _ in 0..50 {
        let compiled = compile(dir.path());
        assert!(compiled.notes.notes.iter().any(|n| n.file == "cold.txt"));
        for note in &compiled.notes.notes {
            for s in &note.sections {
                assert!(s.byte_range().end <= note.text.len());
            }
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    writer.join().unwrap();
}

#[cfg(target_os = "linux")]
#[test]
fn unreadable_files_are_warnings() {
    use std::os::unix::fs::{PermissionsExt as _, symlink};
    let dir = Dir::new();
    dir.create("ok.txt", "Amazon SQS -\n - queues\n");
    // Reading /proc/self/mem from offset 0 fails with an I/O error, even for root.
    symlink("/proc/self/mem", dir.path().join("mem.txt")).unwrap();
    let locked = dir.create("locked.md", "# KMS\n");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    // root reads a mode-000 file anyway; then it is simply a note.
    let root_reads_anyway = std::fs::read(&locked).is_ok();
    let compiled = compile(dir.path());
    let mem = warnings_for(&compiled, "mem.txt");
    assert!(
        mem.len() == 1 && mem[0].message.contains("cannot read"),
        "{mem:?}"
    );
    let locked_w = warnings_for(&compiled, "locked.md");
    if root_reads_anyway {
        assert!(locked_w.is_empty());
    } else {
        assert!(
            locked_w.len() == 1 && locked_w[0].message.contains("cannot read"),
            "{locked_w:?}"
        );
    }
    assert!(compiled.notes.notes.iter().any(|n| n.file == "ok.txt"));
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o644)).unwrap();
}

#[test]
fn a_folder_of_fifty_thousand_empty_files() {
    let dir = Dir::new();
    let sub = dir.path().join("empty");
    std::fs::create_dir(&sub).unwrap();
    for k in 0..50_000 {
        let ext = if k % 2 == 0 { "md" } else { "txt" };
        std::fs::File::create(sub.join(format!("{k:05}.{ext}"))).unwrap();
    }
    dir.create("empty/real.txt", "Amazon SQS -\n - queues\n");
    let compiled = compile(dir.path());
    assert_eq!(compiled.notes.notes.len(), 50_001);
    assert!(compiled.graph.entity("sqs").is_some());
    assert_eq!(compiled.sections.len(), 1);
}
