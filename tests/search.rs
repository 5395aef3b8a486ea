//! Search on fixtures we write: relevance (exact, typo, phrase, exclusion, alias, prefix), exact
//! above fuzzy, filters, snippets, bad queries, and the on-disk cache (reopened, rebuilt when
//! stale, a corrupt index set aside and rebuilt).

use cloudatlas::Compiled;
use cloudatlas::catalog::{Catalog, Entry, EntryKind};
use cloudatlas::extract::{Marker, MarkerKind, Mention, SectionFacts};
use cloudatlas::graph::{Entity, EntityKind};
use cloudatlas::notes::{LoadedNotes, Note, NoteFormat, Section};
use cloudatlas::search::{CacheStatus, Hit, SearchError, SearchIndex};

use crate::util::Dir;

/// One section of a fixture: heading path (outermost first), body, mentioned entity ids, and
/// whether a line is marked important.
struct Sec {
    path: &'static [&'static str],
    body: &'static str,
    mentions: &'static [&'static str],
    important: bool,
}

const fn sec(path: &'static [&'static str], body: &'static str) -> Sec {
    Sec {
        path,
        body,
        mentions: &[],
        important: false,
    }
}

const fn sec_m(
    path: &'static [&'static str],
    body: &'static str,
    mentions: &'static [&'static str],
) -> Sec {
    Sec {
        path,
        body,
        mentions,
        important: false,
    }
}

/// Builds a note whose sections nest by the length of their heading paths, the way the notes
/// parser makes them (a parent's range covers its sub-sections), with facts for each.
fn note(file: &str, secs: &[Sec], note_index: usize) -> (Note, Vec<SectionFacts>) {
    let mut text = String::new();
    let mut starts = Vec::new();
    for s in secs {
        let line = text.lines().count() as u32 + 1;
        starts.push((line, text.len()));
        text.push_str(s.path.last().unwrap());
        text.push('\n');
        for body_line in s.body.lines() {
            text.push_str(body_line);
            text.push('\n');
        }
        text.push('\n');
    }
    let total_lines = text.lines().count() as u32;
    let mut sections = Vec::new();
    let mut facts = Vec::new();
    for (i, s) in secs.iter().enumerate() {
        let level = s.path.len();
        let next = secs[i + 1..]
            .iter()
            .position(|t| t.path.len() <= level)
            .map(|k| i + 1 + k);
        let (line_end, byte_end) = match next {
            Some(k) => (starts[k].0 - 1, starts[k].1),
            None => (total_lines, text.len()),
        };
        let title = s.path.last().unwrap().to_string();
        sections.push(Section {
            file: file.into(),
            title: title.into(),
            parent: (0..i)
                .rev()
                .find(|&k| secs[k].path.len() < level)
                .map(|k| k as u32),
            level: level as u8,
            repeat: 1,
            line_start: starts[i].0,
            line_end,
            byte_start: starts[i].1 as u32,
            byte_end: byte_end as u32,
        });
        facts.push(SectionFacts {
            note: note_index as u32,
            section: i as u32,
            mentions: s
                .mentions
                .iter()
                .map(|id| Mention::new(id, starts[i].1, starts[i].1 + 1))
                .collect(),
            markers: if s.important {
                vec![Marker {
                    kind: MarkerKind::Important,
                    line: starts[i].0 + 1,
                    text: "IMPORTANT".to_owned(),
                    entities: Vec::new(),
                }]
            } else {
                Vec::new()
            },
        });
    }
    let n = Note {
        file: file.to_owned(),
        format: NoteFormat::Markdown,
        text,
        title: file.to_owned(),
        front_matter: Default::default(),
        sections,
        links: Vec::new(),
        tags: Vec::new(),
    };
    (n, facts)
}

fn compiled(files: &[(&str, &[Sec])]) -> Compiled {
    let mut compiled = Compiled {
        notes: LoadedNotes::default(),
        ..Default::default()
    };
    for (i, (file, secs)) in files.iter().enumerate() {
        let (n, facts) = note(file, secs, i);
        compiled.notes.notes.push(n);
        compiled.sections.extend(facts);
    }
    let catalog = catalog();
    for entry in &catalog.entries {
        compiled.graph.add_entity(Entity {
            id: entry.id.clone(),
            label: entry.name.clone(),
            kind: EntityKind::Service,
            category: entry.category.clone().into(),
            aliases: entry.aliases.clone(),
            mentions: 1,
            description: String::new(),
            exams: Vec::new(),
        });
    }
    compiled
}

fn entry(id: &str, name: &str, aliases: &[&str], abbreviations: &[&str]) -> Entry {
    Entry {
        id: id.to_owned(),
        kind: EntryKind::Service,
        name: name.to_owned(),
        aliases: aliases.iter().map(|s| s.to_string()).collect(),
        abbreviations: abbreviations.iter().map(|s| s.to_string()).collect(),
        category: "Compute".to_owned(),
        exams: Vec::new(),
        description: String::new(),
        relations: Vec::new(),
    }
}

fn catalog() -> Catalog {
    Catalog::new(vec![
        entry(
            "auto-scaling",
            "Amazon EC2 Auto Scaling",
            &["Auto Scaling", "AutoScaling"],
            &["ASG"],
        ),
        entry(
            "systems-manager",
            "AWS Systems Manager",
            &["Systems Manager", "Simple Systems Manager"],
            &["SSM"],
        ),
        entry(
            "elastic-beanstalk",
            "AWS Elastic Beanstalk",
            &["Elastic Beanstalk", "Beanstalk"],
            &["EB"],
        ),
        entry(
            "security-groups",
            "Security groups",
            &["security group"],
            &["SG"],
        ),
    ])
}

const COMPUTE: &[Sec] = &[
    sec_m(
        &["Scaling fleets"],
        "Groups of instances grow and shrink with demand.\nPolicies: target tracking, step, scheduled.",
        &["auto-scaling"],
    ),
    sec_m(
        &["Scaling fleets", "AutoScaling - LifeCycle Hooks"],
        "A hook pauses an instance while it launches or terminates.\nIt waits for a signal before it goes on.",
        &["auto-scaling"],
    ),
    Sec {
        path: &["Firewalls"],
        body: "A security group is a stateful firewall on a network interface.\nInbound rules allow traffic; nothing can be denied.",
        mentions: &["security-groups"],
        important: true,
    },
    sec(
        &["Network ACLs"],
        "Stateless lists of numbered rules, checked in order.\nThey can deny traffic from an address range.",
    ),
];

const OPS: &[Sec] = &[
    sec_m(
        &["Simple Systems Manager"],
        "Run Command executes scripts on managed instances.",
        &["systems-manager"],
    ),
    sec_m(
        &["Simple Systems Manager", "SESSION manager"],
        "Open a shell on a host without keys or a bastion.\nEvery session can be logged to a bucket.",
        &["systems-manager"],
    ),
    sec_m(
        &["Elastic Beanstalk"],
        "Runs web applications on managed platforms.",
        &["elastic-beanstalk"],
    ),
    sec_m(
        &["Elastic Beanstalk", "Blue/green"],
        "Clone the environment, deploy to the clone, then swap the environment URLs to move traffic.\nThe swap is a DNS change.",
        &["elastic-beanstalk"],
    ),
    sec_m(
        &["Elastic Beanstalk", "Extensions"],
        "commands run before the app is extracted; container_commands run after it.\nleader_only limits a command to a single instance.",
        &["elastic-beanstalk"],
    ),
    sec(
        &["DNS routing"],
        "Policies: simple, failover, latency and weighted routing to split traffic by percentage.",
    ),
    sec(
        &["Route tables"],
        "Routing decides where packets go; the weighted average of hops is not a concept here.",
    ),
];

fn index() -> SearchIndex {
    SearchIndex::build_with_catalog(
        &compiled(&[("compute.md", COMPUTE), ("ops.md", OPS)]),
        &catalog(),
    )
    .unwrap()
}

fn titles(hits: &[Hit]) -> Vec<&str> {
    hits.iter().map(|h| h.title.as_str()).collect()
}

fn top(index: &SearchIndex, q: &str) -> String {
    let hits = index.search(q, 10).unwrap();
    assert!(!hits.is_empty(), "{q:?} found nothing");
    hits[0].title.clone()
}

#[test]
fn exact_words_and_chunks() {
    let index = index();
    assert_eq!(top(&index, "leader_only"), "Extensions");
    assert_eq!(top(&index, "container_commands"), "Extensions");
    assert_eq!(top(&index, "stateless rules"), "Network ACLs");
    assert_eq!(top(&index, "\"Run Command\""), "Simple Systems Manager");
    assert_eq!(top(&index, "executes scripts"), "Simple Systems Manager");
}

#[test]
fn typos_are_corrected() {
    let index = index();
    assert_eq!(top(&index, "statful firewal "), "Firewalls");
    assert_eq!(
        top(&index, "lifecyle hooks"),
        "AutoScaling - LifeCycle Hooks"
    );
    // Distance 2 needs 8+ characters.
    assert_eq!(top(&index, "platfroms"), "Elastic Beanstalk");
    // Distance 1 is not allowed below 4 characters: "dnz" is not "dns".
    assert!(index.search("dnz ", 10).unwrap().is_empty());
}

#[test]
fn exact_ranks_above_fuzzy_even_when_the_fuzzy_word_is_rarer() {
    // "widget" is common; "wodget" (one edit away) is rare, so BM25 alone would prefer it.
    let mut secs = Vec::new();
    let bodies = [
        "the widget spins",
        "a widget and more text about other things",
        "widget widget",
        "notes on a widget",
        "widget at last",
    ];
    for (i, body) in bodies.iter().enumerate() {
        secs.push(Sec {
            path: [&["One"][..], &["Two"], &["Three"], &["Four"], &["Five"]][i],
            body,
            mentions: &[],
            important: false,
        });
    }
    secs.push(sec(&["Six"], "the wodget spins"));
    let index = SearchIndex::build_with_catalog(&compiled(&[("w.md", &secs)]), &catalog()).unwrap();
    let hits = index.search("widget ", 10).unwrap();
    assert_eq!(hits.len(), 6, "{:?}", titles(&hits));
    assert_eq!(
        hits[5].title,
        "Six",
        "the typo match comes last: {:?}",
        titles(&hits)
    );
    assert!(hits[4].score > hits[5].score);
    // Same strength: same text but one letter.
    let hits = index.search("wodget ", 10).unwrap();
    assert_eq!(hits[0].title, "Six");
}

#[test]
fn phrases_are_required_and_exact() {
    let index = index();
    let hits = index.search("\"weighted routing\"", 10).unwrap();
    assert_eq!(titles(&hits), ["DNS routing"]);
    // Without quotes, the section with both words apart is found too.
    let hits = index.search("weighted routing", 10).unwrap();
    assert!(titles(&hits).contains(&"Route tables"));
    assert_eq!(hits[0].title, "DNS routing");
}

#[test]
fn exclusions_remove_sections() {
    let index = index();
    let all = index.search("traffic", 10).unwrap();
    assert!(titles(&all).contains(&"Firewalls"));
    let hits = index.search("traffic -stateful", 10).unwrap();
    assert!(!hits.is_empty());
    assert!(!titles(&hits).contains(&"Firewalls"), "{:?}", titles(&hits));
    let hits = index.search("traffic -\"split traffic\"", 10).unwrap();
    assert!(!titles(&hits).contains(&"DNS routing"));
    assert!(titles(&hits).contains(&"Firewalls"));
}

#[test]
fn aws_aliases_find_the_other_names() {
    let index = index();
    assert_eq!(
        top(&index, "ASG lifecycle hook"),
        "AutoScaling - LifeCycle Hooks"
    );
    assert_eq!(top(&index, "SSM session"), "SESSION manager");
    assert_eq!(top(&index, "EB swap url"), "Blue/green");
    assert_eq!(top(&index, "SG"), "Firewalls");
    assert_eq!(top(&index, "sg inbound"), "Firewalls");
}

#[test]
fn two_words_find_the_word_written_as_one() {
    let index = index();
    // The notes write "AutoScaling"; the fixture catalog is not needed for this.
    let plain = SearchIndex::build_with_catalog(
        &compiled(&[("compute.md", COMPUTE), ("ops.md", OPS)]),
        &Catalog::new(Vec::new()),
    )
    .unwrap();
    assert_eq!(
        top(&plain, "auto scaling hooks"),
        "AutoScaling - LifeCycle Hooks"
    );
    assert_eq!(top(&plain, "life cycle"), "AutoScaling - LifeCycle Hooks");
    assert_eq!(top(&index, "life cycle"), "AutoScaling - LifeCycle Hooks");
}

#[test]
fn the_last_word_is_a_prefix_while_typing() {
    let index = index();
    assert_eq!(top(&index, "lifecy"), "AutoScaling - LifeCycle Hooks");
    assert_eq!(top(&index, "shell bast"), "SESSION manager");
    // A finished word (trailing space) is not completed.
    assert!(index.search("bast ", 10).unwrap().is_empty());
    // Only the last word is completed.
    assert!(index.search("bast shell", 10).unwrap()[0].title == "SESSION manager");
}

#[test]
fn questions_drop_their_question_words() {
    let index = index();
    assert_eq!(
        top(
            &index,
            "what is the difference between commands and container commands"
        ),
        "Extensions"
    );
    assert_eq!(
        top(&index, "how do I move traffic with a swap"),
        "Blue/green"
    );
}

#[test]
fn filters() {
    let index = index();
    let hits = index.search("instance in:ASG", 10).unwrap();
    assert!(!hits.is_empty());
    for hit in &hits {
        assert_eq!(hit.entity_ids, ["auto-scaling"], "{}", hit.title);
    }
    let hits = index.search("in:elastic-beanstalk", 10).unwrap();
    assert_eq!(hits.len(), 3);
    let hits = index.search("kind:important", 10).unwrap();
    assert_eq!(titles(&hits), ["Firewalls"]);
    let hits = index.search("traffic kind:service", 10).unwrap();
    assert_eq!(titles(&hits).len(), 2, "{:?}", titles(&hits));
    assert!(matches!(
        index.search("in:nothing-like-it", 10),
        Err(SearchError::Query(_))
    ));
    assert!(matches!(
        index.search("kind:planet", 10),
        Err(SearchError::Query(_))
    ));
}

#[test]
fn hits_carry_sections_snippets_and_highlights() {
    let index = index();
    let hits = index.search("lifecyle hook", 10).unwrap();
    let hit = &hits[0];
    assert_eq!(hit.file, "compute.md");
    assert_eq!(
        hit.section_id,
        "compute.md#scaling-fleets/autoscaling-lifecycle-hooks"
    );
    assert_eq!(hit.entity_ids, ["auto-scaling"]);
    assert!(hit.line_start < hit.line_end);
    let words: Vec<&str> = hit
        .snippet
        .highlights
        .iter()
        .map(|r| &hit.snippet.text[r.clone()])
        .collect();
    assert!(
        words.contains(&"LifeCycle"),
        "{words:?} in {:?}",
        hit.snippet.text
    );
    assert!(
        words.contains(&"Hooks") && words.contains(&"hook"),
        "{words:?}"
    );
    // A parent's hit shows its own text, not its sub-sections'.
    let hits = index.search("demand", 10).unwrap();
    assert_eq!(titles(&hits), ["Scaling fleets"]);
    assert!(!hits[0].snippet.text.contains("hook"));
    // Sub-sections are not found through their parent's text.
    assert!(!titles(&index.search("lifecycle", 10).unwrap()).contains(&"Scaling fleets"));
}

#[test]
fn limit_and_order_are_respected() {
    let index = index();
    let hits = index.search("instance", 2).unwrap();
    assert_eq!(hits.len(), 2);
    assert!(hits[0].score >= hits[1].score);
    assert!(index.search("instance", 0).unwrap().is_empty());
    assert_eq!(
        index.search("instance", 10).unwrap(),
        index.search("instance", 10).unwrap()
    );
}

#[test]
fn bad_queries_never_panic() {
    let index = index();
    let long = "a".repeat(10_000);
    let mixed = "lifecycle ".repeat(1_000);
    let bad = [
        "",
        "   ",
        "!!!",
        "?!.,;",
        "\"",
        "\"unbalanced",
        "\"\"",
        ":",
        "::",
        "in:",
        "kind:",
        "a:b:c",
        "-",
        "--",
        "-\"",
        "(((",
        "*",
        "é",
        "\u{0}",
        long.as_str(),
        mixed.as_str(),
    ];
    for q in bad {
        match index.search(q, 10) {
            Ok(_) | Err(SearchError::Query(_)) => {}
            Err(e) => panic!("{q:?}: {e}"),
        }
    }
    assert!(index.search("", 10).unwrap().is_empty());
    assert!(index.search("?!.,;", 10).unwrap().is_empty());
    assert_eq!(top(&index, "\"stateless lists"), "Network ACLs");
    assert!(!index.search(&mixed, 10).unwrap().is_empty());
}

#[test]
fn empty_notes_give_no_hits() {
    let index = SearchIndex::build_with_catalog(&Compiled::default(), &catalog()).unwrap();
    assert!(index.is_empty());
    assert!(index.search("anything", 10).unwrap().is_empty());
}

#[test]
fn on_disk_index_is_reopened_rebuilt_when_stale_and_recovered_when_corrupt() {
    let cache = Dir::new();
    let root = cache.path().join("search");
    let notes = compiled(&[("compute.md", COMPUTE), ("ops.md", OPS)]);
    let catalog = catalog();
    let fresh = SearchIndex::build_with_catalog(&notes, &catalog).unwrap();
    let expected = fresh.search("ASG lifecycle hook", 10).unwrap();

    let first = SearchIndex::open_or_build_with_catalog(&notes, &catalog, &root).unwrap();
    assert_eq!(first.status, CacheStatus::Built);
    assert_eq!(
        first.index.search("ASG lifecycle hook", 10).unwrap(),
        expected
    );
    let dir = first.dir.clone();
    drop(first);

    let second = SearchIndex::open_or_build_with_catalog(&notes, &catalog, &root).unwrap();
    assert_eq!(second.status, CacheStatus::Reopened);
    assert_eq!(second.dir, dir);
    assert_eq!(
        second.index.search("ASG lifecycle hook", 10).unwrap(),
        expected
    );
    drop(second);

    // Changed notes: another fingerprint, a new index with the new text.
    let changed = compiled(&[("compute.md", COMPUTE), ("ops.md", &OPS[..3])]);
    let third = SearchIndex::open_or_build_with_catalog(&changed, &catalog, &root).unwrap();
    assert_eq!(third.status, CacheStatus::Built);
    assert_ne!(third.dir, dir);
    assert!(third.index.search("leader_only", 10).unwrap().is_empty());
    drop(third);

    // Corrupt every data file of the first index: flip bytes in the middle.
    let mut damaged = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".json") || name.starts_with('.') {
            continue;
        }
        let mut bytes = std::fs::read(&path).unwrap();
        if bytes.len() > 8 {
            let mid = bytes.len() / 2;
            bytes[mid] ^= 0xff;
            std::fs::write(&path, bytes).unwrap();
            damaged += 1;
        }
    }
    assert!(damaged > 0);
    let fourth = SearchIndex::open_or_build_with_catalog(&notes, &catalog, &root).unwrap();
    let CacheStatus::Rebuilt { reason, set_aside } = &fourth.status else {
        panic!("expected a rebuild, got {:?}", fourth.status);
    };
    assert!(!reason.is_empty());
    assert!(set_aside.as_ref().unwrap().exists());
    assert_eq!(
        fourth.index.search("ASG lifecycle hook", 10).unwrap(),
        expected
    );
    drop(fourth);

    // An unreadable stamp and a missing tantivy meta file are recovered too.
    std::fs::write(dir.join("cloudatlas-search.json"), "{not json").unwrap();
    let fifth = SearchIndex::open_or_build_with_catalog(&notes, &catalog, &root).unwrap();
    assert!(matches!(fifth.status, CacheStatus::Rebuilt { .. }));
    drop(fifth);
    std::fs::remove_file(dir.join("meta.json")).unwrap();
    let sixth = SearchIndex::open_or_build_with_catalog(&notes, &catalog, &root).unwrap();
    assert!(matches!(sixth.status, CacheStatus::Rebuilt { .. }));
    assert_eq!(
        sixth.index.search("ASG lifecycle hook", 10).unwrap(),
        expected
    );
    drop(sixth);
    let seventh = SearchIndex::open_or_build_with_catalog(&notes, &catalog, &root).unwrap();
    assert_eq!(seventh.status, CacheStatus::Reopened);
    // At most one set-aside index is kept.
    let corrupt = std::fs::read_dir(&root)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains(".corrupt-")
        })
        .count();
    assert!(corrupt <= 1, "{corrupt} set-aside indexes");
}

#[test]
fn cli_batch_mode_prints_results_and_percentiles() {
    let dir = Dir::new();
    dir.create(
        "notes.md",
        "# Kinesis\n\nA shard iterator starts at TRIM_HORIZON or LATEST.\n",
    );
    let queries = dir.create(
        "queries.json",
        r#"[{"q": "shard iterator", "relevant_lines": [3]}, {"q": ""}, {"q": "kind:nope"}]"#,
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cloudatlas"))
        .args(["search"])
        .arg(dir.path().join("notes.md"))
        .arg("--queries")
        .arg(&queries)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    assert_eq!(results[0]["q"], "shard iterator");
    let hit = &results[0]["hits"][0];
    assert!(hit["line_start"].as_u64().unwrap() <= 3 && hit["line_end"].as_u64().unwrap() >= 3);
    assert!(hit["snippet"]["highlights"].as_array().unwrap().len() >= 2);
    assert!(results[1]["hits"].as_array().unwrap().is_empty());
    assert!(results[2]["error"].as_str().unwrap().contains("kind:nope"));
    assert!(v["p50_ms"].as_f64().unwrap() <= v["p99_ms"].as_f64().unwrap());

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cloudatlas"))
        .args(["search"])
        .arg(dir.path().join("notes.md"))
        .arg("TRIM_HORIZON")
        .arg("--json")
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["hits"].as_array().unwrap().len(), 1);
}

#[test]
fn the_light_first_pass_of_big_collections_finds_the_same_best_sections() {
    // The big-collection path (flat first pass, full query on its candidates, estimated word
    // rarities) forced on the small notes must keep every kind of query's best section.
    let full = index();
    let light = index().with_light_pass_above(0);
    let queries = [
        "leader_only",
        "stateless rules",
        "\"Run Command\"",
        "statful firewal ",
        "lifecyle hooks",
        "platfroms",
        "ASG lifecycle hook",
        "SSM session",
        "EB swap url",
        "SG",
        "sg inbound",
        "traffic -stateful",
        "traffic -\"split traffic\"",
        "executes scripts",
    ];
    for q in queries {
        assert_eq!(top(&light, q), top(&full, q), "{q:?}");
    }
    let hits = light.search("traffic -\"split traffic\"", 10).unwrap();
    assert!(!titles(&hits).contains(&"DNS routing"));
    let hits = light.search("traffic -stateful", 10).unwrap();
    assert!(!titles(&hits).contains(&"Firewalls"));
    for q in ["", "\"", "-", "in:", "kind:", ":", "*", "the"] {
        match light.search(q, 10) {
            Ok(_) | Err(SearchError::Query(_)) => {}
            Err(e) => panic!("{q:?}: {e}"),
        }
    }
}
