//! The fuzz targets' checks (`checks`, shared with `fuzz/fuzz_targets/`) run on our fixtures and
//! on every input the fuzzer found (`tests/fixtures/fuzz/<target>/`), plus a named test for each
//! crash that was fixed. See README "Fuzzing" and RELIABILITY.md.

#[allow(dead_code)]
pub mod checks;

use std::path::{Path, PathBuf};

use cloudatlas::notes::{NoteFormat, parse_note};
use cloudatlas::search::query;

use self::checks::{check_note, check_query, check_study_bytes};

/// The files of `tests/fixtures/fuzz/<target>/`, sorted.
fn fixtures(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    files.sort();
    files
        .into_iter()
        .filter(|p| p.is_file())
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect()
}

/// What the plain-text and Markdown fuzz targets do with one input.
fn parse_checked(format: NoteFormat, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes).into_owned();
    let note = parse_note("notes/n", format, text, &mut Vec::new());
    if let Err(problem) = check_note(&note) {
        panic!(
            "{format:?}: {problem}\n{:?}",
            String::from_utf8_lossy(bytes)
        );
    }
}

/// What the query fuzz target does with one input (the search part is in `hostile`).
fn query_checked(bytes: &[u8]) {
    if let Ok(text) = std::str::from_utf8(bytes) {
        let parsed = query::parse(text);
        check_query(text, &parsed).unwrap_or_else(|p| panic!("{text:?}: {p}"));
    }
}

#[test]
fn the_built_in_notes_pass_the_parser_checks() {
    let loaded = cloudatlas::notes::load_builtin();
    assert!(!loaded.notes.is_empty());
    for note in &loaded.notes {
        check_note(note).unwrap_or_else(|p| panic!("{}: {p}", note.file));
        // Both parsers on each text, whatever its format.
        parse_checked(NoteFormat::Plain, note.text.as_bytes());
        parse_checked(NoteFormat::Markdown, note.text.as_bytes());
    }
}

#[test]
fn inputs_the_fuzzer_found_pass_the_checks() {
    for (_, bytes) in fixtures("plain_outline") {
        parse_checked(NoteFormat::Plain, &bytes);
    }
    for (_, bytes) in fixtures("markdown") {
        parse_checked(NoteFormat::Markdown, &bytes);
    }
    for (_, bytes) in fixtures("query") {
        query_checked(&bytes);
    }
    for (path, bytes) in fixtures("study_file") {
        check_study_bytes(&bytes).unwrap_or_else(|p| panic!("{}: {p}", path.display()));
    }
}

#[test]
fn a_saved_study_file_round_trips_through_the_check() {
    use cloudatlas::study::{MarkTarget, Rating, Scheduler, Store, TargetKind, Timestamp};
    let mut store = Store::new();
    let now = Timestamp(1_795_979_672);
    let target = MarkTarget {
        id: "codedeploy".to_owned(),
        kind: TargetKind::Entity,
        label: "AWS CodeDeploy".to_owned(),
        category: "CI/CD".to_owned(),
        sources: Vec::new(),
    };
    store.mark(
        target,
        cloudatlas::study::Level::Weak,
        "hooks \"order\"\n\tand ü",
        now,
    );
    let scheduler = Scheduler::new().unwrap();
    scheduler
        .review_in(&mut store, "codedeploy", Rating::Good, now)
        .unwrap();
    let text = cloudatlas::study::storage::to_ron(&store).unwrap();
    let back = check_study_bytes(text.as_bytes()).unwrap().unwrap();
    assert_eq!(back, store);
}

/// Numbers a hand-edited study file can hold that the scheduler and the date display cannot use:
/// `NaN`/`inf` memory (dropped, history kept), extreme timestamps (day arithmetic saturates), a
/// mark filed under another id. Checked before the fuzzer ran, by reading the loader.
#[test]
fn study_files_with_unusable_numbers_load_repaired() {
    use cloudatlas::study::{Rating, Scheduler, Timestamp};
    let text = r#"(version: 1, marks: {
        "a": (id: "a", memory: Some((stability: NaN, difficulty: inf)), due: -9223372036854775808,
              created: 9223372036854775807,
              reviews: [(at: -9223372036854775808, rating: good, elapsed_days: 4294967295,
                         interval_days: -inf, memory: (stability: NaN, difficulty: 5.0),
                         level: weak)]),
        "b": (id: "not-b", memory: Some((stability: 1e38, difficulty: -1e38))),
    })"#;
    let store = check_study_bytes(text.as_bytes()).unwrap().unwrap();
    let a = &store.marks["a"];
    assert_eq!(a.memory, None, "a NaN memory is dropped");
    assert_eq!(a.reviews.len(), 1, "the history is kept");
    assert_eq!(a.reviews[0].interval_days, 0.0);
    assert_eq!(store.marks["b"].id, "b");
    let now = Timestamp(1_795_979_672);
    let scheduler = Scheduler::new().unwrap();
    for mark in store.marks.values() {
        let _ = mark.due.days_since(now);
        let _ = now.days_since(mark.created);
        let _ = mark.created.display_string();
        let _ = scheduler.preview(mark, now);
        let mut m = mark.clone();
        if let Ok(outcome) = scheduler.review(&mut m, Rating::Again, now) {
            assert!(outcome.entry.memory.stability.is_finite());
        }
    }
    assert_eq!(
        Timestamp(i64::MAX).whole_days_since(Timestamp(i64::MIN)),
        u32::MAX
    );
    assert!(Timestamp(i64::MIN).days_since(Timestamp(i64::MAX)) < 0.0);
}

/// Found by the `markdown` target in its first seconds: the text before the first heading and a
/// heading with neither letters nor digits (`## ---`) both got the id `file#`.
#[test]
fn a_heading_without_letters_does_not_share_the_preamble_id() {
    let text = "intro line\n\n## ---\nbody\n\n## ***\nmore\n";
    let note = parse_note(
        "n.md",
        NoteFormat::Markdown,
        text.to_owned(),
        &mut Vec::new(),
    );
    check_note(&note).unwrap();
    let ids: Vec<String> = note.sections.iter().map(|s| note.section_id(s)).collect();
    assert_eq!(ids, ["n.md#", "n.md#~2", "n.md#~3"]);
}

/// The checks themselves catch what they are meant to: sections moved out of the text, onto each
/// other or past their parent, ids repeated.
#[test]
fn the_note_checks_catch_broken_sections() {
    let text = "# A\none\n## B\ntwo\n# C\nthree\n";
    let note = parse_note(
        "n.md",
        NoteFormat::Markdown,
        text.to_owned(),
        &mut Vec::new(),
    );
    check_note(&note).unwrap();
    assert_eq!(note.sections.len(), 3);
    let broken = |change: &dyn Fn(&mut cloudatlas::notes::Note)| {
        let mut n = note.clone();
        change(&mut n);
        check_note(&n).unwrap_err()
    };
    assert!(broken(&|n| n.sections[2].line_end = 99).contains("outside"));
    let end_at = |n: &mut cloudatlas::notes::Note, k: usize, line: u32| {
        n.sections[k].line_end = line;
        n.sections[k].byte_end = checks::line_spans(&n.text)[line as usize - 1].1 as u32;
    };
    assert!(broken(&|n| end_at(n, 0, 5)).contains("share lines"));
    assert!(broken(&|n| end_at(n, 1, 5)).contains("runs past its parent"));
    assert!(broken(&|n| n.sections[2].title = n.sections[0].title.clone()).contains("twice"));
    assert!(broken(&|n| n.sections[1].parent = Some(2)).contains("parent 2 is not"));
    assert!(broken(&|n| n.sections[1].parent = None).contains("enclosed by Some(0)"));
    assert!(broken(&|n| n.sections[1].byte_start += 1).contains("bytes"));
    assert!(broken(&|n| n.sections.swap(1, 2)).contains("previous section"));
}
