//! Reading notes: folders, bad input, the plain and Markdown parsers through `parse_note`, and
//! property tests on arbitrary input. Fixtures are written here, in our own words.

use std::collections::BTreeMap;
use std::path::Path;

use cloudatlas::notes::{self, LoadOptions, Note, NoteFormat, Section};
use proptest::prelude::*;

use crate::util::Dir;

fn load(path: &Path) -> notes::LoadedNotes {
    notes::load(path, &LoadOptions::default()).unwrap()
}

fn warnings_for<'a>(loaded: &'a notes::LoadedNotes, file: &str) -> Vec<&'a notes::Warning> {
    loaded.warnings.iter().filter(|w| w.file == file).collect()
}

fn titles(note: &Note) -> Vec<(u8, u32, &str)> {
    note.sections
        .iter()
        .map(|s| (s.level, s.line_start, &*s.title))
        .collect()
}

const OUTLINE: &str = "Amazon SQS -\n - pull based queue\n\tvisibility timeout hides a message\n\nDead-letter queues for SQS :\n\t- after maxReceiveCount failures\n\n\nAmazon SNS\n - push based topics\n";

#[test]
fn loads_a_folder_recursively_in_a_stable_order() {
    let dir = Dir::new();
    dir.create("b.txt", OUTLINE);
    dir.create("a/z.md", "# Z\n");
    dir.create("a/y.markdown", "# Y\n");
    dir.create("a/UPPER.MD", "# U\n");
    dir.create("a/pic.png", [0x89u8, b'P', b'N', b'G']);
    dir.create("notes.docx", "x");
    dir.create(".obsidian/workspace.md", "# hidden tool folder\n");
    let loaded = load(dir.path());
    let files: Vec<&str> = loaded.notes.iter().map(|n| n.file.as_str()).collect();
    assert_eq!(files, ["a/UPPER.MD", "a/y.markdown", "a/z.md", "b.txt"]);
    assert_eq!(loaded.skipped_files, 2);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert_eq!(loaded.notes[0].format, NoteFormat::Markdown);
    assert_eq!(loaded.notes[3].format, NoteFormat::Plain);
    // The same folder loads the same way twice.
    let again = load(dir.path());
    let ids = |l: &notes::LoadedNotes| -> Vec<String> {
        l.notes
            .iter()
            .flat_map(|n| n.sections.iter().map(|s| n.section_id(s)))
            .collect()
    };
    assert_eq!(ids(&loaded), ids(&again));
}

#[test]
fn plain_outline_sections_through_the_loader() {
    let dir = Dir::new();
    let path = dir.create("sqs.txt", OUTLINE);
    let loaded = load(&path);
    let note = &loaded.notes[0];
    assert_eq!(note.file, "sqs.txt");
    assert_eq!(
        titles(note),
        [
            (1, 1, "Amazon SQS"),
            (2, 5, "Dead-letter queues for SQS"),
            (1, 9, "Amazon SNS")
        ]
    );
    let dlq = &note.sections[1];
    assert_eq!((dlq.line_start, dlq.line_end), (5, 6));
    assert_eq!(
        note.heading_path(dlq),
        ["Amazon SQS", "Dead-letter queues for SQS"]
    );
    assert_eq!(
        note.section_id(dlq),
        "sqs.txt#amazon-sqs/dead-letter-queues-for-sqs"
    );
    assert!(
        note.section_text(dlq)
            .starts_with("Dead-letter queues for SQS :")
    );
}

#[test]
fn crlf_gives_the_same_sections_as_lf() {
    let dir = Dir::new();
    dir.create("lf.txt", OUTLINE);
    dir.create("crlf.txt", OUTLINE.replace('\n', "\r\n"));
    dir.create("lf.md", "# A\n\ntext\n\nB\n---\n\n[[C]] #t\n");
    dir.create(
        "crlf.md",
        "# A\r\n\r\ntext\r\n\r\nB\r\n---\r\n\r\n[[C]] #t\r\n",
    );
    let loaded = load(dir.path());
    let by_file: BTreeMap<&str, &Note> =
        loaded.notes.iter().map(|n| (n.file.as_str(), n)).collect();
    let shape = |n: &Note| -> Vec<(u8, u32, u32, String)> {
        n.sections
            .iter()
            .map(|s| (s.level, s.line_start, s.line_end, s.title.to_string()))
            .collect()
    };
    assert_eq!(shape(by_file["lf.txt"]), shape(by_file["crlf.txt"]));
    assert_eq!(shape(by_file["lf.md"]), shape(by_file["crlf.md"]));
    assert_eq!(by_file["crlf.md"].links[0].line, 8);
    assert_eq!(by_file["crlf.md"].tags, ["t"]);
    let crlf = by_file["crlf.txt"];
    assert!(!crlf.section_text(&crlf.sections[0]).ends_with('\r'));
}

#[test]
fn invalid_utf8_is_decoded_with_a_warning_naming_the_line() {
    let dir = Dir::new();
    let mut bytes = b"S3 -\n- buckets\n- caf".to_vec();
    bytes.extend([0xE9, b'\n']);
    dir.create("latin1.txt", bytes);
    let loaded = load(dir.path());
    let warnings = warnings_for(&loaded, "latin1.txt");
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].line, Some(3));
    assert!(warnings[0].message.contains("UTF-8"));
    assert!(loaded.notes[0].text.contains('\u{FFFD}'));
    assert_eq!(&*loaded.notes[0].sections[0].title, "S3");
}

#[test]
fn binary_files_are_skipped_and_stray_nuls_are_read() {
    let dir = Dir::new();
    let mut binary = b"# looks like markdown".to_vec();
    binary.extend(std::iter::repeat_n(0u8, 200));
    binary.extend((0u8..32).cycle().take(500));
    dir.create("blob.md", binary);
    dir.create("nul.txt", b"IAM -\n- roles\0 and users\n");
    let loaded = load(dir.path());
    let files: Vec<&str> = loaded.notes.iter().map(|n| n.file.as_str()).collect();
    assert_eq!(files, ["nul.txt"]);
    let blob = warnings_for(&loaded, "blob.md");
    assert!(blob[0].message.contains("binary"), "{blob:?}");
    let nul = warnings_for(&loaded, "nul.txt");
    assert_eq!(nul[0].line, Some(2));
    assert!(!loaded.notes[0].text.contains('\0'));
    assert_eq!(&*loaded.notes[0].sections[0].title, "IAM");
}

#[test]
fn empty_bom_and_utf16_files() {
    let dir = Dir::new();
    dir.create("empty.txt", "");
    dir.create("blank.md", "\n\n");
    dir.create("bom.txt", "\u{feff}Route 53\n- DNS\n");
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in "KMS :\n- keys\n".encode_utf16() {
        utf16.extend(unit.to_le_bytes());
    }
    dir.create("wide.txt", utf16);
    let loaded = load(dir.path());
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let by_file: BTreeMap<&str, &Note> =
        loaded.notes.iter().map(|n| (n.file.as_str(), n)).collect();
    assert!(by_file["empty.txt"].sections.is_empty());
    assert!(by_file["blank.md"].sections.is_empty());
    assert_eq!(&*by_file["bom.txt"].sections[0].title, "Route 53");
    assert_eq!(&*by_file["wide.txt"].sections[0].title, "KMS");
}

#[test]
fn a_twenty_megabyte_file_and_a_very_long_line() {
    let dir = Dir::new();
    let mut big = String::with_capacity(21 << 20);
    let mut k = 0;
    while big.len() < 20 << 20 {
        big.push_str(&format!(
            "Topic number {k} -\n - first point about the topic\n\tdetail line under it\n\n"
        ));
        k += 1;
    }
    dir.create("big.txt", &big);
    let long = format!("# Long\n\n{}\n\n# After\n", "word ".repeat(400_000));
    dir.create("long.md", &long);
    let loaded = load(dir.path());
    assert!(loaded.warnings.is_empty());
    let big_note = loaded.notes.iter().find(|n| n.file == "big.txt").unwrap();
    assert_eq!(big_note.sections.len(), k);
    assert_eq!(
        &*big_note.sections[k - 1].title,
        format!("Topic number {}", k - 1)
    );
    let long_note = loaded.notes.iter().find(|n| n.file == "long.md").unwrap();
    assert_eq!(titles(long_note), [(1, 1, "Long"), (1, 5, "After")]);
}

#[cfg(unix)]
#[test]
fn symlink_loops_dangling_links_and_fifos_do_not_stop_a_load() {
    use std::os::unix::fs::symlink;
    let dir = Dir::new();
    dir.create("notes/a.txt", OUTLINE);
    dir.create("notes/sub/b.md", "# B\n");
    symlink(dir.path().join("notes"), dir.path().join("notes/sub/loop")).unwrap();
    symlink(
        dir.path().join("missing.md"),
        dir.path().join("notes/gone.md"),
    )
    .unwrap();
    symlink(
        dir.path().join("notes/a.txt"),
        dir.path().join("notes/alias.txt"),
    )
    .unwrap();
    let fifo = dir.path().join("notes/pipe.md");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    let root = dir.path().join("notes");
    let loaded = load(&root);
    let files: Vec<&str> = loaded.notes.iter().map(|n| n.file.as_str()).collect();
    assert_eq!(files, ["a.txt", "alias.txt", "sub/b.md"]);
    assert!(
        !warnings_for(&loaded, "sub/loop").is_empty(),
        "{:?}",
        loaded.warnings
    );
    assert!(
        warnings_for(&loaded, "gone.md")[0]
            .message
            .contains("broken")
    );
    if made.is_ok_and(|s| s.success()) {
        assert!(
            warnings_for(&loaded, "pipe.md")[0]
                .message
                .contains("regular")
        );
    }
}

#[test]
fn loading_never_writes_into_the_notes_folder() {
    let dir = Dir::new();
    dir.create("a.txt", OUTLINE);
    dir.create("b/c.md", "---\ntitle: C\n---\n# C\n");
    let listing = |p: &Path| -> Vec<(String, u64, std::time::SystemTime)> {
        let mut out = Vec::new();
        let mut stack = vec![p.to_owned()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                let m = e.metadata().unwrap();
                if m.is_dir() {
                    stack.push(e.path());
                }
                out.push((
                    e.path().display().to_string(),
                    m.len(),
                    m.modified().unwrap(),
                ));
            }
        }
        out.sort();
        out
    };
    let before = listing(dir.path());
    let _ = cloudatlas::compile(dir.path()).unwrap();
    assert_eq!(before, listing(dir.path()));
}

#[test]
fn a_missing_root_is_an_error_and_a_named_file_is_read() {
    let dir = Dir::new();
    let err = notes::load(&dir.path().join("nope"), &LoadOptions::default()).unwrap_err();
    assert!(err.to_string().contains("nope"));
    let path = dir.create("README", "CloudTrail -\n- API history\n");
    let loaded = load(&path);
    assert_eq!(&*loaded.notes[0].sections[0].title, "CloudTrail");
}

#[test]
fn markdown_note_fields() {
    let dir = Dir::new();
    let text = "---\ntitle: Amazon VPC\naliases: [VPC, virtual network]\ntags:\n  - networking\n---\n\nIntro with [[Route 53]] and ![[vpc.png]].\n\n## Subnets #az\n\nSee [[EC2#Security groups|SGs]]. #exam\n\n```\n## not a heading [[nolink]] #notag\n```\n";
    let path = dir.create("vpc.md", text);
    let loaded = load(&path);
    let note = &loaded.notes[0];
    assert_eq!(note.title, "Amazon VPC");
    assert_eq!(note.front_matter.aliases, ["VPC", "virtual network"]);
    assert_eq!(note.tags, ["az", "exam", "networking"]);
    assert_eq!(titles(note), [(0, 7, "vpc"), (2, 10, "Subnets #az")]);
    let links: Vec<(&str, u32, bool)> = note
        .links
        .iter()
        .map(|l| (l.target.as_str(), l.line, l.embed))
        .collect();
    assert_eq!(
        links,
        [
            ("Route 53", 8, false),
            ("vpc.png", 8, true),
            ("EC2", 12, false)
        ]
    );
    assert_eq!(note.links[2].heading.as_deref(), Some("Security groups"));
    assert_eq!(note.links[2].alias.as_deref(), Some("SGs"));
}

#[test]
fn builtin_notes_make_a_real_map() {
    let loaded = notes::load_builtin();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let plain = loaded
        .notes
        .iter()
        .filter(|n| n.format == NoteFormat::Plain)
        .count();
    let md: Vec<&Note> = loaded
        .notes
        .iter()
        .filter(|n| n.format == NoteFormat::Markdown)
        .collect();
    assert_eq!(plain, 1);
    assert!((4..=6).contains(&md.len()));
    assert!(
        md.iter()
            .all(|n| n.front_matter.title.is_some() && !n.tags.is_empty())
    );
    let targets: Vec<&str> = md
        .iter()
        .flat_map(|n| n.links.iter().map(|l| l.target.as_str()))
        .collect();
    assert!(targets.len() >= 8);
    let sections: usize = loaded.notes.iter().map(|n| n.sections.len()).sum();
    assert!(sections >= 40, "{sections}");
}

/// Checks the invariants every parse must keep.
fn check_sections(text: &str, sections: &[Section]) -> Result<(), TestCaseError> {
    let line_count = u32::try_from(text.lines().count()).unwrap();
    let mut by_level: BTreeMap<u8, Vec<(u32, u32)>> = BTreeMap::new();
    let mut last_start = 0;
    for s in sections {
        prop_assert!(s.line_start >= 1 && s.line_start <= s.line_end);
        prop_assert!(
            s.line_end <= line_count.max(1),
            "{s:?} in {line_count} lines"
        );
        prop_assert!(s.line_start >= last_start);
        last_start = s.line_start;
        prop_assert!(s.byte_start <= s.byte_end && s.byte_range().end <= text.len());
        let r = s.byte_range();
        prop_assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
        by_level
            .entry(s.level)
            .or_default()
            .push((s.line_start, s.line_end));
    }
    for ranges in by_level.values() {
        for w in ranges.windows(2) {
            prop_assert!(w[0].1 < w[1].0, "overlap {:?}", w);
        }
    }
    Ok(())
}

/// Lines in the shapes the parsers care about, to reach their branches often.
fn outline_line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("====".to_owned()),
        "[A-Z][a-z]{1,8}( [A-Za-z0-9]{1,6}){0,3}( -| :|:|)".prop_map(|s| s),
        "(\t|  )?(- |-> |1\\) )[A-Za-z ]{0,20}( :)?".prop_map(|s| s),
        "#{1,3} [A-Za-z ]{0,12}".prop_map(|s| s),
        "(```|---|\\[\\[a\\]\\]|#tag|\r|\t\t)".prop_map(|s| s),
        "\\PC{0,30}".prop_map(|s| s),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn plain_and_markdown_never_panic_and_keep_invariants(lines in prop::collection::vec(outline_line(), 0..40), crlf in any::<bool>()) {
        let text = lines.join(if crlf { "\r\n" } else { "\n" });
        for (file, format) in [("p.txt", NoteFormat::Plain), ("m.md", NoteFormat::Markdown)] {
            let mut warnings = Vec::new();
            let note = notes::parse_note(file, format, text.clone(), &mut warnings);
            check_sections(&text, &note.sections)?;
            for link in &note.links {
                prop_assert!(link.line >= 1);
            }
        }
    }

    #[test]
    fn arbitrary_strings_keep_invariants(text in "\\PC{0,400}") {
        for (file, format) in [("p.txt", NoteFormat::Plain), ("m.md", NoteFormat::Markdown)] {
            let mut warnings = Vec::new();
            let note = notes::parse_note(file, format, text.clone(), &mut warnings);
            check_sections(&text, &note.sections)?;
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn arbitrary_bytes_load_without_panic(bytes in prop::collection::vec(any::<u8>(), 0..2000), md in any::<bool>()) {
        let dir = Dir::new();
        let name = if md { "x.md" } else { "x.txt" };
        dir.create(name, &bytes);
        let loaded = notes::load(dir.path(), &LoadOptions::default()).unwrap();
        prop_assert!(loaded.notes.len() + loaded.warnings.len() >= 1);
        for note in &loaded.notes {
            check_sections(&note.text, &note.sections)?;
        }
    }
}
