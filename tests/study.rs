//! Weak topics: the study store, suggestions, FSRS scheduling, coverage, storage and the
//! `cloudatlas weak` command line, on fixtures we build ourselves.

use std::path::Path;
use std::process::Command;

use cloudatlas::Compiled;
use cloudatlas::catalog::{Catalog, Entry, EntryKind, Exam};
use cloudatlas::extract::{Marker, MarkerKind, Mention, SectionFacts};
use cloudatlas::graph::{Entity, EntityKind, KnowledgeGraph};
use cloudatlas::notes::{FrontMatter, LoadedNotes, Note, NoteFormat, Section};
use cloudatlas::study::{
    self, Level, MarkTarget, Rating, Scheduler, Store, TargetKind, Timestamp, storage, suggest,
};

use crate::util::Dir;

const NOTES: &str = "\
CodeDeploy
 - appspec.yml lists the lifecycle hooks
 - I think BeforeInstall runs before the files are copied
Elastic Beanstalk
 - .ebextensions hold config files
 - not sure: commands run before container_commands
 - IMPORTANT: a blue/green swap exchanges the CNAMEs
Misc
 - check before exam: service quotas
";

/// Byte offset of the start of 1-based `line`.
fn line_start_byte(text: &str, line: u32) -> usize {
    text.split_inclusive('\n')
        .take(line as usize - 1)
        .map(str::len)
        .sum()
}

/// A top-level section of `devops.txt`, whose id is `devops.txt#{slug}`.
fn section(text: &str, slug: &str, title: &str, lines: (u32, u32)) -> Section {
    assert_eq!(cloudatlas::util::slug(title), slug);
    Section {
        file: "devops.txt".into(),
        title: title.into(),
        parent: None,
        level: 1,
        repeat: 1,
        line_start: lines.0,
        line_end: lines.1,
        byte_start: line_start_byte(text, lines.0) as u32,
        byte_end: line_start_byte(text, lines.1 + 1) as u32,
    }
}

fn entity(id: &str, label: &str, kind: EntityKind, category: &str, mentions: u32) -> Entity {
    Entity {
        exams: vec![Exam::DOP],
        ..Entity::new(id, label, kind, category, mentions)
    }
}

/// A mention of `id` at the start of `line` of [`NOTES`] (a mention's line is found from where
/// it starts).
fn mention(id: &str, line: u32) -> Mention {
    let at = line_start_byte(NOTES, line);
    Mention::new(id, at, at)
}

fn marker(kind: MarkerKind, line: u32) -> Marker {
    let text = NOTES
        .lines()
        .nth(line as usize - 1)
        .unwrap()
        .trim()
        .to_owned();
    Marker {
        kind,
        line,
        text,
        entities: Vec::new(),
    }
}

/// A compiled collection built by hand: three sections, three entities, four markers.
/// `with_beanstalk = false` drops the Elastic Beanstalk entity (as if the notes were edited).
fn fixture(with_beanstalk: bool) -> Compiled {
    let sections = vec![
        section(NOTES, "codedeploy", "CodeDeploy", (1, 3)),
        section(NOTES, "elastic-beanstalk", "Elastic Beanstalk", (4, 7)),
        section(NOTES, "misc", "Misc", (8, 9)),
    ];
    let note = Note {
        file: "devops.txt".to_owned(),
        format: NoteFormat::Plain,
        text: NOTES.to_owned(),
        title: "devops".to_owned(),
        front_matter: FrontMatter::default(),
        sections,
        links: Vec::new(),
        tags: Vec::new(),
    };
    let mut graph = KnowledgeGraph::new();
    graph.add_entity(entity(
        "codedeploy",
        "AWS CodeDeploy",
        EntityKind::Service,
        "CI/CD",
        1,
    ));
    graph.add_entity(entity(
        "blue-green",
        "Blue/green deployment",
        EntityKind::Concept,
        "Deployment",
        1,
    ));
    let mut beanstalk_mentions = vec![];
    if with_beanstalk {
        graph.add_entity(entity(
            "elastic-beanstalk",
            "AWS Elastic Beanstalk",
            EntityKind::Service,
            "Compute",
            1,
        ));
        beanstalk_mentions.push(mention("elastic-beanstalk", 4));
    }
    beanstalk_mentions.push(mention("blue-green", 7));
    let facts = vec![
        SectionFacts {
            note: 0,
            section: 0,
            mentions: vec![mention("codedeploy", 1)].into(),
            markers: vec![marker(MarkerKind::Uncertain, 3)],
        },
        SectionFacts {
            note: 0,
            section: 1,
            mentions: beanstalk_mentions.into(),
            markers: vec![
                marker(MarkerKind::Uncertain, 6),
                Marker {
                    // As extraction attaches them: the line's entity and the section's subject.
                    entities: vec!["blue-green".to_owned(), "elastic-beanstalk".to_owned()],
                    ..marker(MarkerKind::Important, 7)
                },
            ],
        },
        SectionFacts {
            note: 0,
            section: 2,
            mentions: Default::default(),
            markers: vec![marker(MarkerKind::Uncertain, 9)],
        },
    ];
    Compiled {
        notes: LoadedNotes {
            root: None,
            notes: vec![note],
            warnings: Vec::new(),
            skipped_files: 0,
        },
        graph,
        sections: facts,
        warnings: Vec::new(),
        elapsed: std::time::Duration::ZERO,
    }
}

const T0: Timestamp = Timestamp(1_795_979_672); // 2026-11-29 19:14:32 UTC

fn store_with_history() -> Store {
    let compiled = fixture(true);
    let mut store = Store::new();
    let target = study::lookup(&compiled, "codedeploy").unwrap();
    store.mark(
        target,
        Level::Weak,
        "hooks order: \"BeforeInstall\"\tthen AfterInstall\nsecond line",
        T0,
    );
    let mut section = study::lookup(&compiled, "devops.txt#misc").unwrap();
    section.sources = study::source_lines(&compiled, "devops.txt#misc", 3);
    store.mark(section, Level::Shaky, "", T0);
    store.dismiss("blue-green", "Blue/green deployment", T0);
    let scheduler = Scheduler::new().unwrap();
    scheduler
        .review_in(&mut store, "codedeploy", Rating::Good, T0)
        .unwrap();
    scheduler
        .review_in(&mut store, "codedeploy", Rating::Hard, T0.plus_days(2.0))
        .unwrap();
    store
}

// ---------------------------------------------------------------------------------------------
// Model and lookups

#[test]
fn lookup_names_entities_and_sections() {
    let compiled = fixture(true);
    let e = study::lookup(&compiled, "codedeploy").unwrap();
    assert_eq!(
        (e.kind, e.label.as_str(), e.category.as_str()),
        (TargetKind::Entity, "AWS CodeDeploy", "CI/CD")
    );
    let s = study::lookup(&compiled, "devops.txt#misc").unwrap();
    assert_eq!(
        (s.kind, s.label.as_str()),
        (TargetKind::Section, "devops.txt › Misc")
    );
    assert!(study::lookup(&compiled, "nope").is_none());
    let ids = study::live_ids(&compiled);
    assert!(ids.contains("elastic-beanstalk") && ids.contains("devops.txt#codedeploy"));
    let lines = study::source_lines(&compiled, "blue-green", 3);
    assert_eq!(lines.len(), 1);
    assert_eq!(
        (lines[0].line, lines[0].text.as_str()),
        (7, "- IMPORTANT: a blue/green swap exchanges the CNAMEs")
    );
}

#[test]
fn orphans_are_kept_through_a_save_and_reattach() {
    let dir = Dir::new();
    let path = dir.path().join("study.ron");
    let mut store = Store::new();
    let with = fixture(true);
    store.mark(
        study::lookup(&with, "elastic-beanstalk").unwrap(),
        Level::Weak,
        "cname swap",
        T0,
    );
    store.mark(
        study::lookup(&with, "codedeploy").unwrap(),
        Level::Shaky,
        "",
        T0,
    );

    // The notes are edited: Elastic Beanstalk is gone.
    let without = fixture(false);
    let gone = study::sync_with(&mut store, &without, T0.plus_days(1.0));
    assert_eq!(gone.orphaned, ["elastic-beanstalk"]);
    assert_eq!(gone.live, ["codedeploy"]);
    storage::save(&path, &store).unwrap();
    let mut reloaded = storage::load(&path).unwrap().store;
    let orphan = reloaded.get("elastic-beanstalk").expect("orphan kept");
    assert_eq!(orphan.note, "cname swap");
    assert_eq!(
        orphan.label, "AWS Elastic Beanstalk",
        "last known label kept"
    );
    assert_eq!(orphan.orphaned_since, Some(T0.plus_days(1.0)));
    assert_eq!(
        reloaded.due(T0.plus_days(2.0)).len(),
        1,
        "orphans are not due"
    );

    // It comes back.
    let back = study::sync_with(&mut reloaded, &with, T0.plus_days(3.0));
    assert_eq!(back.reattached, ["elastic-beanstalk"]);
    assert!(back.orphaned.is_empty());
    assert_eq!(
        reloaded.get("elastic-beanstalk").unwrap().orphaned_since,
        None
    );
    assert_eq!(reloaded.due(T0.plus_days(3.0)).len(), 2);
}

#[test]
fn weak_only_map_filter_takes_neighbours() {
    use cloudatlas::graph::{Relation, RelationKind};
    let mut compiled = fixture(true);
    let graph = &mut compiled.graph;
    let (eb, bg) = (
        graph.node("elastic-beanstalk").unwrap(),
        graph.node("blue-green").unwrap(),
    );
    graph.add_relation(
        eb,
        bg,
        Relation {
            kind: RelationKind::Uses,
            weight: 1.0,
            evidence: vec![],
            from_catalog: true,
        },
    );
    let mut store = Store::new();
    store.mark(
        study::lookup(&compiled, "blue-green").unwrap(),
        Level::Solid,
        "",
        T0,
    );
    assert!(
        study::weak_neighbourhood(&store, &compiled).is_empty(),
        "solid topics are not weak"
    );
    store.mark(
        study::lookup(&compiled, "elastic-beanstalk").unwrap(),
        Level::Weak,
        "",
        T0,
    );
    store.mark(
        study::lookup(&compiled, "devops.txt#codedeploy").unwrap(),
        Level::Shaky,
        "",
        T0,
    );
    let shown: Vec<String> = study::weak_neighbourhood(&store, &compiled)
        .into_iter()
        .collect();
    assert_eq!(shown, ["blue-green", "codedeploy", "elastic-beanstalk"]);
}

// ---------------------------------------------------------------------------------------------
// Suggestions

#[test]
fn suggestions_come_from_markers_with_their_lines() {
    let compiled = fixture(true);
    let mut store = Store::new();
    let all = study::suggestions(&compiled, &store);
    let ids: Vec<&str> = all.iter().map(|s| s.id.as_str()).collect();
    // Weak (uncertain) first, more reasons first, then by label; important-only is shaky.
    assert_eq!(
        ids,
        [
            "elastic-beanstalk",
            "codedeploy",
            "devops.txt#misc",
            "blue-green"
        ]
    );
    let eb_lines: Vec<u32> = all[0].reasons.iter().map(|r| r.source.line).collect();
    assert_eq!(
        eb_lines,
        [6, 7],
        "line 6 by its heading, line 7 by the marker's entities"
    );
    let cd = &all[1];
    assert_eq!(cd.level, Level::Weak);
    assert_eq!(cd.reasons.len(), 1);
    assert_eq!(cd.reasons[0].source.line, 3);
    assert_eq!(cd.reasons[0].kind, MarkerKind::Uncertain);
    assert_eq!(
        cd.reasons[0].source.text,
        "- I think BeforeInstall runs before the files are copied"
    );
    let bg = all.iter().find(|s| s.id == "blue-green").unwrap();
    assert_eq!(bg.level, Level::Shaky);
    assert_eq!(bg.reasons[0].source.line, 7);
    let misc = all.iter().find(|s| s.id == "devops.txt#misc").unwrap();
    assert_eq!(misc.kind, TargetKind::Section);
    assert_eq!(misc.reasons[0].source.line, 9);

    // Accept one, dismiss one: neither is offered again, and the dismissal survives a save.
    suggest::accept(&mut store, cd, T0);
    suggest::dismiss(&mut store, bg, T0);
    let accepted = store.get("codedeploy").unwrap();
    assert_eq!(accepted.level, Level::Weak);
    assert_eq!(accepted.sources[0].line, 3);
    let dir = Dir::new();
    let path = dir.path().join("study.ron");
    storage::save(&path, &store).unwrap();
    let store = storage::load(&path).unwrap().store;
    let left: Vec<String> = study::suggestions(&compiled, &store)
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(left, ["elastic-beanstalk", "devops.txt#misc"]);
}

// ---------------------------------------------------------------------------------------------
// Scheduling

#[test]
fn reviews_move_due_dates_as_fsrs_says() {
    let fsrs = fsrs::FSRS::new(&[]).unwrap();
    let scheduler = Scheduler::new().unwrap();
    let mut store = Store::new();
    store.mark(
        MarkTarget {
            id: "x".into(),
            ..Default::default()
        },
        Level::Weak,
        "",
        T0,
    );
    assert_eq!(store.due_count(T0), 1, "a new mark is due at once");

    let mut now = T0;
    let mut memory: Option<fsrs::MemoryState> = None;
    let mut last = T0;
    for (step, rating) in [
        Rating::Good,
        Rating::Good,
        Rating::Hard,
        Rating::Again,
        Rating::Easy,
    ]
    .into_iter()
    .enumerate()
    {
        let elapsed = now.whole_days_since(last);
        let elapsed = if step == 0 { 0 } else { elapsed };
        let states = fsrs.next_states(memory, 0.9, elapsed).unwrap();
        let expected = match rating {
            Rating::Again => states.again,
            Rating::Hard => states.hard,
            Rating::Good => states.good,
            Rating::Easy => states.easy,
        };
        let outcome = scheduler.review_in(&mut store, "x", rating, now).unwrap();
        let days = expected.interval.round().max(1.0);
        assert_eq!(
            outcome.entry.memory.stability, expected.memory.stability,
            "step {step}"
        );
        assert_eq!(
            outcome.entry.memory.difficulty, expected.memory.difficulty,
            "step {step}"
        );
        assert_eq!(outcome.entry.elapsed_days, elapsed);
        assert_eq!(
            store.get("x").unwrap().due,
            now.plus_days(f64::from(days)),
            "step {step}"
        );
        assert!(!store.get("x").unwrap().is_due(now));
        assert_eq!(store.due_count(store.get("x").unwrap().due), 1);
        memory = Some(expected.memory);
        last = now;
        now = store.get("x").unwrap().due;
    }
    assert_eq!(store.get("x").unwrap().reviews.len(), 5);
}

#[test]
fn again_shortens_and_easy_lengthens() {
    let scheduler = Scheduler::new().unwrap();
    let mut base = Store::new();
    base.mark(
        MarkTarget {
            id: "x".into(),
            ..Default::default()
        },
        Level::Weak,
        "",
        T0,
    );
    scheduler
        .review_in(&mut base, "x", Rating::Good, T0)
        .unwrap();
    scheduler
        .review_in(&mut base, "x", Rating::Good, T0.plus_days(2.0))
        .unwrap();
    let mark = base.get("x").unwrap();
    let last_interval = mark.reviews.last().unwrap().interval_days;
    let at = mark.due;

    let interval_after = |rating| {
        let mut store = base.clone();
        scheduler
            .review_in(&mut store, "x", rating, at)
            .unwrap()
            .entry
            .interval_days
    };
    let again = interval_after(Rating::Again);
    let good = interval_after(Rating::Good);
    let easy = interval_after(Rating::Easy);
    assert!(
        again < last_interval,
        "again {again} vs previous {last_interval}"
    );
    assert!(
        easy > good && good > last_interval,
        "easy {easy} good {good} previous {last_interval}"
    );
}

#[test]
fn rated_well_over_time_becomes_solid_and_again_demotes() {
    let scheduler = Scheduler::new().unwrap();
    let mut store = Store::new();
    store.mark(
        MarkTarget {
            id: "x".into(),
            ..Default::default()
        },
        Level::Weak,
        "",
        T0,
    );
    let mut now = T0;
    let mut levels = Vec::new();
    for _ in 0..6 {
        let outcome = scheduler
            .review_in(&mut store, "x", Rating::Good, now)
            .unwrap();
        levels.push((outcome.entry.level, outcome.entry.memory.stability));
        now = outcome.due;
        if outcome.entry.level == Level::Solid {
            break;
        }
    }
    let mark = store.get("x").unwrap();
    assert_eq!(mark.level, Level::Solid, "{levels:?}");
    assert!(mark.memory.unwrap().stability >= study::schedule::SOLID_STABILITY_DAYS);
    assert!(
        levels.iter().any(|(l, _)| *l == Level::Shaky),
        "passes through shaky: {levels:?}"
    );
    let outcome = scheduler
        .review_in(&mut store, "x", Rating::Again, now)
        .unwrap();
    assert_eq!(
        (outcome.level_before, outcome.entry.level),
        (Level::Solid, Level::Shaky)
    );
}

// ---------------------------------------------------------------------------------------------
// Coverage

#[test]
fn coverage_lists_in_scope_entries_never_mentioned() {
    let entry = |id: &str, kind, exams: Vec<Exam>, category: &str| Entry {
        id: id.to_owned(),
        kind,
        name: id.to_uppercase(),
        aliases: vec![],
        abbreviations: vec![],
        category: category.to_owned(),
        exams,
        description: String::new(),
        relations: vec![],
    };
    let catalog = Catalog::new(vec![
        entry(
            "codedeploy",
            EntryKind::Service,
            vec![Exam::DOP, Exam::DVA],
            "CI/CD",
        ),
        entry(
            "blue-green",
            EntryKind::Concept,
            vec![Exam::DOP],
            "Deployment",
        ),
        entry(
            "s3",
            EntryKind::Service,
            vec![Exam::DOP, Exam::SAA],
            "Storage",
        ),
        entry("config", EntryKind::Service, vec![Exam::DOP], "Management"),
        entry("glacier", EntryKind::Service, vec![Exam::SAA], "Storage"),
        entry("jenkins", EntryKind::Tool, vec![Exam::DOP], "Tools"),
    ]);
    let compiled = fixture(true);
    let cov = study::coverage(&catalog, &compiled, Exam::DOP);
    assert_eq!(cov.in_scope, 4);
    assert_eq!(cov.covered, ["blue-green", "codedeploy"]);
    let gaps: Vec<&str> = cov.gaps.iter().map(|g| g.id.as_str()).collect();
    assert_eq!(
        gaps,
        ["config", "s3"],
        "sorted by category: Management, Storage"
    );
    assert!((cov.ratio() - 0.5).abs() < 1e-9);
    assert_eq!(study::parse_exam("dop-c02"), Some(Exam::DOP));
    assert_eq!(study::parse_exam("XYZ"), None);
}

// ---------------------------------------------------------------------------------------------
// Storage

#[test]
fn study_file_round_trips() {
    let dir = Dir::new();
    let path = dir.path().join("nested/study.ron");
    let store = store_with_history();
    storage::save(&path, &store).unwrap();
    let loaded = storage::load(&path).unwrap();
    assert!(loaded.warnings.is_empty());
    assert_eq!(loaded.store, store);
    assert_eq!(loaded.store.get("codedeploy").unwrap().reviews.len(), 2);
    // Saving again gives the same bytes (deterministic order).
    let first = std::fs::read(&path).unwrap();
    storage::save(&path, &loaded.store).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), first);
}

#[test]
fn older_files_with_missing_fields_load() {
    let dir = Dir::new();
    let path = dir.create(
        "study.ron",
        r#"(marks: {"s3": (id: "s3", note: "versioning")})"#,
    );
    let loaded = storage::load(&path).unwrap();
    assert!(loaded.warnings.is_empty());
    let mark = loaded.store.get("s3").unwrap();
    assert_eq!(
        (mark.note.as_str(), mark.level, mark.memory),
        ("versioning", Level::Weak, None)
    );
    assert_eq!(loaded.store.version, study::FORMAT_VERSION);
}

#[test]
fn corrupt_file_is_set_aside_with_a_timestamp() {
    let dir = Dir::new();
    let path = dir.create(
        "study.ron",
        "(version: 1, marks: {\"s3\": (id: \"s3\", level: ",
    );
    let loaded = storage::load_at(&path, T0).unwrap();
    assert!(loaded.store.marks.is_empty());
    assert_eq!(loaded.warnings.len(), 1);
    let warning = &loaded.warnings[0];
    let aside = dir.path().join("study.ron.corrupt-20261129T191432");
    assert_eq!(warning.moved_to, aside);
    assert!(warning.reason.contains("line 1"), "{}", warning.reason);
    let shown = warning.to_string();
    assert!(
        shown.contains(&path.display().to_string()) && shown.contains("corrupt-20261129T191432"),
        "{shown}"
    );
    assert!(!path.exists());
    assert!(
        std::fs::read_to_string(&aside)
            .unwrap()
            .starts_with("(version: 1")
    );

    // A second corrupt file in the same second does not overwrite the first one set aside.
    std::fs::write(&path, [0xff, 0xfe, 0x00]).unwrap();
    let again = storage::load_at(&path, T0).unwrap();
    assert_eq!(
        again.warnings[0].moved_to,
        dir.path().join("study.ron.corrupt-20261129T191432-2")
    );
    assert!(again.warnings[0].reason.contains("UTF-8"));

    // The app goes on: saving the empty store works.
    storage::save(&path, &again.store).unwrap();
    assert!(storage::load(&path).unwrap().warnings.is_empty());
}

#[test]
fn newer_format_is_refused_and_left_untouched() {
    let dir = Dir::new();
    let text = "(version: 99, marks: {}, new_thing: [1, 2])";
    let path = dir.create("study.ron", text);
    let err = storage::load(&path).unwrap_err();
    assert!(err.to_string().contains("version 99"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

#[test]
fn data_dir_and_keys() {
    // CLOUDATLAS_DATA_DIR is read by the CLI tests below through the environment of the child;
    // here only the key is checked (no process-wide env mutation in a threaded test binary).
    let dir = Dir::new();
    let a = storage::collection_key(Some(dir.path()));
    let b = storage::collection_key(Some(&dir.path().join(".")));
    assert_eq!(a, b, "the same folder written two ways has one key");
    assert_eq!(storage::collection_key(None), "builtin");
}

// ---------------------------------------------------------------------------------------------
// Export

/// Splits an Anki tab-separated file into records (quoted fields may hold tabs and newlines).
fn parse_anki(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut headers = Vec::new();
    let mut body = text;
    while body.starts_with('#') {
        let end = body.find('\n').unwrap();
        headers.push(body[..end].to_owned());
        body = &body[end + 1..];
    }
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = body.chars().peekable();
    let mut quoted = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' if at_start => quoted = true,
            '\t' => {
                record.push(std::mem::take(&mut field));
                at_start = true;
                continue;
            }
            '\n' => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
                at_start = true;
                continue;
            }
            _ => field.push(c),
        }
        at_start = false;
    }
    (headers, records)
}

#[test]
fn anki_export_has_headers_and_three_fields() {
    let compiled = fixture(true);
    let store = store_with_history();
    let text = study::to_anki(&store, Some(&compiled));
    let (headers, records) = parse_anki(&text);
    assert_eq!(headers, ["#separator:tab", "#html:false", "#tags column:3"]);
    assert_eq!(records.len(), 2);
    assert!(records.iter().all(|r| r.len() == 3), "{records:?}");
    let cd = &records[0];
    assert_eq!(cd[0], "AWS CodeDeploy");
    assert!(
        cd[1].starts_with("hooks order: \"BeforeInstall\"\tthen AfterInstall\nsecond line\n\n"),
        "{:?}",
        cd[1]
    );
    // No sources of its own: the lines of the notes that mention it.
    assert!(cd[1].ends_with("devops.txt:1: CodeDeploy"), "{:?}", cd[1]);
    assert_eq!(cd[2], "cloudatlas level::weak category::CI/CD");
    let misc = &records[1];
    assert_eq!(misc[0], "devops.txt › Misc");
    assert!(misc[1].contains("devops.txt:8: Misc"), "{:?}", misc[1]);
    assert!(misc[2].contains("level::shaky"));
}

#[test]
fn markdown_export_is_a_checklist() {
    let compiled = fixture(true);
    let mut store = store_with_history();
    store
        .set_level("devops.txt#misc", Level::Solid, T0)
        .unwrap();
    let text = study::to_markdown(&store, Some(&compiled), T0);
    assert!(text.starts_with("# Weak topics\n"));
    assert!(
        text.contains("## Weak (1)\n\n- [ ] **AWS CodeDeploy** (CI/CD) · due "),
        "{text}"
    );
    assert!(
        text.contains("## Solid (1)\n\n- [x] **devops.txt › Misc**"),
        "{text}"
    );
    assert!(text.contains("  - `devops.txt:1` CodeDeploy"), "{text}");
}

// ---------------------------------------------------------------------------------------------
// Command line

fn cli(data: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_cloudatlas"))
        .args(args)
        .env(storage::DATA_DIR_ENV, data)
        .env("RUST_LOG", "off")
        .output()
        .unwrap()
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn cli_add_list_review_export_remove() {
    let data = Dir::new();
    let notes = Dir::new();
    notes.create("aws.txt", "CodePipeline\n - stages and actions\n");
    let notes_path = notes.path().to_str().unwrap();
    let compiled = cloudatlas::compile(notes.path()).unwrap();
    let note = &compiled.notes.notes[0];
    let section_id = note.section_id(&note.sections[0]);

    let out = cli(
        data.path(),
        &[
            "weak",
            "add",
            &section_id,
            notes_path,
            "--level",
            "shaky",
            "--note",
            "stage order",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = cli(data.path(), &["weak", "add", "no-such-thing", notes_path]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("no entity or section `no-such-thing`"),
        "{}",
        stderr(&out)
    );
    // A catalog name resolves to the entity; adding again keeps the note and level.
    let out = cli(
        data.path(),
        &[
            "weak",
            "add",
            "AWS CodePipeline",
            notes_path,
            "--note",
            "manual approval",
            "--level",
            "solid",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("marked `codepipeline` as solid"),
        "{}",
        stderr(&out)
    );
    let out = cli(data.path(), &["weak", "add", "codepipeline", notes_path]);
    assert!(
        stderr(&out).contains("updated `codepipeline` as solid"),
        "{}",
        stderr(&out)
    );
    let out = cli(data.path(), &["weak", "list", notes_path, "--json"]);
    let marks: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let pipeline = marks
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == "codepipeline")
        .unwrap();
    assert_eq!(pipeline["note"], "manual approval");
    let out = cli(data.path(), &["weak", "remove", "codepipeline", notes_path]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = cli(
        data.path(),
        &["weak", "add", "gone-topic", notes_path, "--force"],
    );
    assert!(out.status.success(), "{}", stderr(&out));

    let out = cli(data.path(), &["weak", "list", notes_path]);
    assert!(out.status.success(), "{}", stderr(&out));
    let listed = stdout(&out);
    assert!(
        listed.contains(&section_id) && listed.contains("stage order") && listed.contains("shaky"),
        "{listed}"
    );
    assert!(
        listed.contains("orphaned") && listed.contains("gone-topic"),
        "{listed}"
    );

    let out = cli(data.path(), &["weak", "review", notes_path]);
    assert!(out.status.success(), "{}", stderr(&out));
    let due = stdout(&out);
    assert!(
        due.contains(&section_id) && due.contains("good 2d") && !due.contains("gone-topic"),
        "{due}"
    );
    let out = cli(
        data.path(),
        &["weak", "review", &section_id, "good", notes_path],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("next review in 2 days"),
        "{}",
        stdout(&out)
    );
    let out = cli(
        data.path(),
        &["weak", "list", notes_path, "--due", "--json"],
    );
    let due: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        due.as_array().unwrap().len(),
        0,
        "reviewed, and the orphan is not due"
    );

    let anki = data.path().join("out/anki.txt");
    let out = cli(
        data.path(),
        &[
            "weak",
            "export",
            notes_path,
            "--format",
            "anki",
            "--out",
            anki.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let (headers, records) = parse_anki(&std::fs::read_to_string(&anki).unwrap());
    assert_eq!(headers.len(), 3);
    assert_eq!(records.len(), 2);
    let out = cli(
        data.path(),
        &["weak", "export", notes_path, "--format", "markdown"],
    );
    assert!(stdout(&out).contains("- [ ] **aws.txt"), "{}", stdout(&out));

    let out = cli(data.path(), &["weak", "remove", "gone-topic", notes_path]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = cli(data.path(), &["weak", "remove", "gone-topic", notes_path]);
    assert!(!out.status.success());

    // The store lives under the data dir, keyed by the notes folder.
    let key = storage::collection_key(Some(notes.path()));
    let expected = data.path().join("collections").join(&key).join("study.ron");
    assert!(expected.exists(), "{expected:?}");
    let store = storage::load(&expected).unwrap().store;
    assert_eq!(store.marks.len(), 1);
    assert_eq!(store.get(&section_id).unwrap().reviews.len(), 1);
}

#[test]
fn cli_reports_a_corrupt_store_naming_the_file() {
    let data = Dir::new();
    let file = data.path().join("collections/builtin/study.ron");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, "not ron at all {").unwrap();
    let out = cli(data.path(), &["weak", "list"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("warning: the study file could not be read"),
        "{err}"
    );
    assert!(err.contains(&file.display().to_string()), "{err}");
    assert!(err.contains("study.ron.corrupt-"), "{err}");
    let aside: Vec<String> = std::fs::read_dir(file.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("study.ron.corrupt-"))
        .collect();
    assert_eq!(aside.len(), 1);
}

#[test]
fn cli_coverage_and_suggest_run_on_builtin_notes() {
    let data = Dir::new();
    let out = cli(
        data.path(),
        &["weak", "coverage", "--exam", "DOP", "--json"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let in_scope = v["in_scope"].as_u64().unwrap();
    let covered = v["covered"].as_array().unwrap().len() as u64;
    let gaps = v["gaps"].as_array().unwrap().len() as u64;
    assert_eq!(covered + gaps, in_scope);
    let out = cli(data.path(), &["weak", "coverage", "--exam", "XYZ"]);
    assert!(!out.status.success());
    let out = cli(data.path(), &["weak", "suggest", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let _: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
}

/// `kill -9` of `cloudatlas weak add` at random moments, many times, over a store big enough that
/// a save takes a while: the study file must always parse and hold either the old or the new set
/// of marks.
#[test]
fn killed_mid_save_leaves_a_readable_file() {
    let data = Dir::new();
    let path = data.path().join("collections/builtin/study.ron");
    let mut store = Store::new();
    let note = "x".repeat(300);
    for i in 0..4000 {
        store.mark(
            MarkTarget {
                id: format!("seed-{i:05}"),
                ..Default::default()
            },
            Level::Weak,
            &note,
            T0,
        );
    }
    storage::save(&path, &store).unwrap();

    let spawn = |i: usize| {
        Command::new(env!("CARGO_BIN_EXE_cloudatlas"))
            .args([
                "weak",
                "add",
                &format!("added-{i:03}"),
                "--force",
                "--note",
                "killed?",
            ])
            .env(storage::DATA_DIR_ENV, data.path())
            .env("RUST_LOG", "off")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    // How long one full run takes here, to spread the kills over it.
    let start = std::time::Instant::now();
    assert!(spawn(999).wait().unwrap().success());
    let run_micros = start.elapsed().as_micros() as u64;
    let mut expected = storage::load(&path).unwrap().store.marks.len();

    let mut seed = 0x9e37_79b9_7f4a_7c15_u64 ^ run_micros;
    let mut killed = 0;
    for i in 0..40 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        // Mostly late in the run, where loading is over and the save happens.
        let delay = run_micros / 2 + seed % (run_micros * 3 / 4 + 1);
        let mut child = spawn(i);
        std::thread::sleep(std::time::Duration::from_micros(delay));
        let _ = child.kill(); // SIGKILL on Unix
        let status = child.wait().unwrap();
        if !status.success() {
            killed += 1;
        }
        let loaded = storage::load(&path).unwrap();
        assert!(loaded.warnings.is_empty(), "run {i}: {:?}", loaded.warnings);
        let n = loaded.store.marks.len();
        assert!(
            n == expected || n == expected + 1,
            "run {i}: {n} marks, expected {expected} or one more"
        );
        if n == expected + 1 {
            assert!(loaded.store.get(&format!("added-{i:03}")).is_some());
        }
        expected = n;
    }
    let torn_temps = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with(".study.ron.tmp-")
        })
        .count();
    eprintln!(
        "killed {killed} of 40 runs (one run: {run_micros} µs), {torn_temps} killed mid-write \
         (temporary file left); {expected} marks at the end"
    );
    assert!(killed > 0, "no run was killed before it finished");
    let corrupt = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains("corrupt")
        })
        .count();
    assert_eq!(corrupt, 0);
}

// ---------------------------------------------------------------------------------------------
// The window's pieces, headless (egui_kittest): marking, the panel, suggestions, a review.

mod ui {
    use cloudatlas::app::review::{ReviewIntent, ReviewSession, review_ui};
    use cloudatlas::app::study_panel::{
        MarkDraft, StudyIntent, StudyPanelInput, StudyPanelState, StudyTab, mark_form_ui,
        study_panel_ui,
    };
    use cloudatlas::catalog::{Catalog, Exam};
    use cloudatlas::study::{self, Level, Rating, Scheduler, Store, StudyEdit, Timestamp};
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable as _;

    use super::{T0, fixture};

    /// What the app would hold: the store, the compile, and the intents it received.
    struct App {
        compiled: cloudatlas::Compiled,
        store: Store,
        scheduler: Scheduler,
        panel: StudyPanelState,
        coverage: Option<study::Coverage>,
        gaps_on_map: bool,
        log: Vec<StudyIntent>,
        now: Timestamp,
    }

    impl App {
        fn new(store: Store) -> Self {
            Self {
                compiled: fixture(true),
                store,
                scheduler: Scheduler::new().unwrap(),
                panel: StudyPanelState::default(),
                coverage: None,
                gaps_on_map: false,
                log: Vec::new(),
                now: T0,
            }
        }

        /// Applies intents the way the app does after a frame.
        fn apply(&mut self, intents: Vec<StudyIntent>) {
            for intent in intents {
                match &intent {
                    StudyIntent::Edit(edit) => {
                        study::apply(&mut self.store, edit.clone(), &self.scheduler, self.now)
                            .unwrap();
                    }
                    StudyIntent::SelectExam(exam) => {
                        self.coverage =
                            Some(study::coverage(Catalog::builtin(), &self.compiled, *exam));
                    }
                    StudyIntent::ShowGapsOnMap(on) => self.gaps_on_map = *on,
                    _ => {}
                }
                self.log.push(intent);
            }
        }
    }

    fn panel_harness(store: Store) -> Harness<'static, App> {
        Harness::builder()
            .with_size(egui::vec2(520.0, 900.0))
            .build_ui_state(
                |ui, app: &mut App| {
                    let suggestions = study::suggestions(&app.compiled, &app.store);
                    let input = StudyPanelInput {
                        store: &app.store,
                        suggestions: &suggestions,
                        coverage: app.coverage.as_ref(),
                        gaps_on_map: app.gaps_on_map,
                        warnings: &[],
                        now: app.now,
                    };
                    let intents = study_panel_ui(ui, &mut app.panel, &input);
                    app.apply(intents);
                },
                App::new(store),
            )
    }

    fn marked_store() -> Store {
        let compiled = fixture(true);
        let mut store = Store::new();
        let target = study::lookup(&compiled, "codedeploy").unwrap();
        store.mark(target, Level::Weak, "hook order", T0);
        let target = study::lookup(&compiled, "elastic-beanstalk").unwrap();
        store.mark(target, Level::Shaky, "", T0);
        store
    }

    #[test]
    fn marking_from_the_form() {
        let compiled = fixture(true);
        let target = study::lookup(&compiled, "codedeploy").unwrap();
        let mut harness = Harness::new_ui_state(
            move |ui, state: &mut (MarkDraft, Option<StudyIntent>)| {
                if let Some(intent) = mark_form_ui(ui, &mut state.0, &target, None) {
                    state.1 = Some(intent);
                }
            },
            (MarkDraft::new(None), None),
        );
        harness.run();
        harness.get_by_label("shaky").click();
        harness.run();
        harness.get_by_label("Note").focus();
        harness.run();
        harness
            .get_by_label("Note")
            .type_text("commands vs container_commands");
        harness.run();
        harness.get_by_label("Mark").click();
        harness.run();
        let Some(StudyIntent::Edit(StudyEdit::Mark {
            target,
            level,
            note,
        })) = harness.state().1.clone()
        else {
            panic!("no mark intent: {:?}", harness.state().1);
        };
        assert_eq!(
            (target.id.as_str(), level, note.as_str()),
            ("codedeploy", Level::Shaky, "commands vs container_commands")
        );
    }

    #[test]
    fn panel_opens_relevels_edits_and_removes() {
        let mut harness = panel_harness(marked_store());
        harness.run();
        harness.get_by_label("2 weak topics · 2 due");
        harness.get_by_label("AWS CodeDeploy").click();
        harness.run();
        assert!(
            harness
                .state()
                .log
                .contains(&StudyIntent::Open("codedeploy".into()))
        );

        harness.get_by_label("AWS CodeDeploy: solid").click();
        harness.run();
        assert_eq!(
            harness.state().store.get("codedeploy").unwrap().level,
            Level::Solid
        );

        harness.get_by_label("Edit note of AWS CodeDeploy").click();
        harness.run();
        let field = harness.get_by_label("Note of AWS CodeDeploy");
        field.focus();
        harness.run();
        harness
            .get_by_label("Note of AWS CodeDeploy")
            .type_text(", then AfterInstall");
        harness.run();
        harness.get_by_label("Save note of AWS CodeDeploy").click();
        harness.run();
        assert_eq!(
            harness.state().store.get("codedeploy").unwrap().note,
            "hook order, then AfterInstall"
        );
        assert!(
            harness.query_by_label("Note of AWS CodeDeploy").is_none(),
            "editor closed"
        );

        harness.get_by_label("Remove AWS Elastic Beanstalk").click();
        harness.run();
        assert!(harness.state().store.get("elastic-beanstalk").is_none());
        assert!(harness.query_by_label("AWS Elastic Beanstalk").is_none());
        harness.get_by_label("Review 1 due").click();
        harness.run();
        assert!(harness.state().log.contains(&StudyIntent::StartReview));
    }

    #[test]
    fn suggestions_accept_and_dismiss() {
        let mut harness = panel_harness(Store::new());
        harness.run();
        harness.get_by_label("Suggestions (4)").click();
        harness.run();
        assert_eq!(harness.state().panel.tab, StudyTab::Suggestions);
        harness.get_by_label_contains("devops.txt:3  - I think BeforeInstall");
        harness.get_by_label("Accept AWS CodeDeploy").click();
        harness.run();
        harness
            .get_by_label("Dismiss Blue/green deployment")
            .click();
        harness.run();
        let store = &harness.state().store;
        assert_eq!(store.get("codedeploy").unwrap().level, Level::Weak);
        assert_eq!(store.get("codedeploy").unwrap().sources[0].line, 3);
        assert!(store.is_dismissed("blue-green"));
        assert!(harness.query_by_label("Accept AWS CodeDeploy").is_none());
        assert!(
            harness
                .query_by_label("Accept Blue/green deployment")
                .is_none()
        );
        harness.get_by_label("Suggestions (2)");
    }

    #[test]
    fn coverage_and_charts_tabs() {
        let mut harness = panel_harness(marked_store());
        harness.run();
        harness.get_by_label("Exam coverage").click();
        harness.run();
        harness.get_by_label("DOP").click();
        harness.run();
        assert_eq!(
            harness.state().coverage.as_ref().map(|c| c.exam),
            Some(Exam::DOP)
        );
        harness
            .get_by_label("Show gaps on the map as hollow nodes")
            .click();
        harness.run();
        assert!(harness.state().gaps_on_map);
        harness.get_by_label("Charts").click();
        harness.run();
        harness.get_by_label("Topics by category");
        harness.get_by_label("Reviews, last 30 days");
    }

    #[test]
    fn a_review_session() {
        let mut store = marked_store();
        store
            .set_note("elastic-beanstalk", "swap CNAMEs", T0)
            .unwrap();
        let scheduler = Scheduler::new().unwrap();
        let session = ReviewSession::start(&store, T0);
        assert_eq!(session.len(), 2);
        let mut harness = Harness::new_ui_state(
            move |ui, state: &mut (ReviewSession, Store, Vec<ReviewIntent>)| {
                let (session, store, log) = state;
                let intents = review_ui(ui, session, store, &scheduler, T0);
                for intent in intents {
                    if let Some(edit) = intent.to_edit() {
                        study::apply(store, edit, &scheduler, T0).unwrap();
                    }
                    log.push(intent);
                }
            },
            (session, store, Vec::new()),
        );
        harness.run();
        // Weak before shaky: CodeDeploy first, and the app is told to focus it.
        assert_eq!(
            harness.state().2,
            [ReviewIntent::Focus("codedeploy".into())]
        );
        harness.get_by_label("Topic 1 of 2");
        assert!(
            harness.query_by_label("hook order").is_none(),
            "note hidden until asked"
        );
        harness.get_by_label("Show my note").click();
        harness.run();
        harness.get_by_label("hook order");
        harness.get_by_label("Good").click();
        harness.run();
        assert_eq!(
            harness.state().2[1],
            ReviewIntent::Rate {
                id: "codedeploy".into(),
                rating: Rating::Good
            }
        );
        assert_eq!(
            harness.state().2[2],
            ReviewIntent::Focus("elastic-beanstalk".into())
        );
        harness.get_by_label("Topic 2 of 2");
        harness.key_press(egui::Key::Space);
        harness.run();
        harness.get_by_label("swap CNAMEs");
        harness.key_press(egui::Key::Num1);
        harness.run();
        harness.get_by_label("Reviewed 2 topics");
        harness.get_by_label("again 1 · hard 0 · good 1 · easy 0");
        harness.get_by_label("Close review").click();
        harness.run();
        let (session, store, log) = harness.state();
        assert_eq!(log.last(), Some(&ReviewIntent::Finish));
        assert_eq!(session.answers().len(), 2);
        assert_eq!(
            store.get("codedeploy").unwrap().reviews[0].rating,
            Rating::Good
        );
        assert_eq!(
            store.get("elastic-beanstalk").unwrap().reviews[0].rating,
            Rating::Again
        );
        assert_eq!(store.due_count(T0), 0);
    }
}

/// The panel on the built-in notes with every suggestion accepted: real labels and lines draw.
#[test]
fn panel_on_builtin_notes() {
    use cloudatlas::app::study_panel::{
        StudyPanelInput, StudyPanelState, StudyTab, study_panel_ui,
    };
    use egui_kittest::kittest::Queryable as _;

    let compiled = cloudatlas::compile_builtin();
    let mut store = Store::new();
    let all = study::suggestions(&compiled, &store);
    assert!(
        all.len() >= 5,
        "the built-in notes have marked lines: {}",
        all.len()
    );
    for s in &all {
        suggest::accept(&mut store, s, T0);
    }
    let first = all[0].label.clone();
    let mut harness = egui_kittest::Harness::builder()
        .with_size(egui::vec2(600.0, 1400.0))
        .build_ui_state(
            move |ui, (panel, tab): &mut (StudyPanelState, StudyTab)| {
                panel.tab = *tab;
                let input = StudyPanelInput {
                    store: &store,
                    suggestions: &all,
                    coverage: None,
                    gaps_on_map: false,
                    warnings: &[],
                    now: T0,
                };
                let _ = study_panel_ui(ui, panel, &input);
            },
            (StudyPanelState::default(), StudyTab::Topics),
        );
    harness.run();
    harness.get_by_label(&first);
    harness.state_mut().1 = StudyTab::Suggestions;
    harness.run();
    harness.get_by_label(&format!("Accept {first}"));
}
