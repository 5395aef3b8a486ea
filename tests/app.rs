//! The explorer window, headless with egui_kittest: the real app, compiled up front, no layout
//! thread, state in a temporary folder.

use std::path::Path;

use cloudatlas::app::{Command, Explorer, ExplorerOptions, Source, StateStore};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};

use crate::util::Dir;

/// A small outline that names a few catalog services; written for these tests.
const NOTES: &str = "\
Storage basics
  Amazon S3 keeps objects in buckets.
  Versioning protects objects.

Serverless
  AWS Lambda runs code when an S3 event arrives.
  Lambda can write to DynamoDB tables.

Databases
  DynamoDB is a key-value store.
";

fn open(notes: &Path, data: &Path) -> Harness<'static, Explorer> {
    let notes = notes.to_path_buf();
    let data = data.to_path_buf();
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(move |cc| {
            Explorer::new(
                &cc.egui_ctx,
                ExplorerOptions::headless(Source::Path(notes), StateStore::in_dir(&data)),
            )
        });
    harness.run();
    harness
}

fn fixture() -> (Dir, Dir) {
    let notes = Dir::new();
    notes.create("notes.txt", NOTES);
    (notes, Dir::new())
}

#[test]
fn clicking_a_node_opens_its_pane_with_the_right_section() {
    let (notes, data) = fixture();
    let mut h = open(&notes.path().join("notes.txt"), data.path());
    assert!(h.state().panes.open.is_empty());
    h.get_by_label("Amazon DynamoDB").click();
    h.run();
    assert_eq!(h.state().selected.as_deref(), Some("dynamodb"));
    assert_eq!(h.state().panes.open, vec!["dynamodb".to_owned()]);
    // Both sections that mention DynamoDB, with their lines, and not the one that does not.
    h.get_by_label("notes.txt:5–7");
    h.get_by_label("notes.txt:9–10");
    assert!(h.query_by_label("notes.txt:1–3").is_none());
}

#[test]
fn typing_in_search_lists_results_and_enter_opens_one() {
    let (notes, data) = fixture();
    let mut h = open(&notes.path().join("notes.txt"), data.path());
    h.get_by_label("Search notes").focus();
    h.run();
    h.get_by_label("Search notes").type_text("buckets");
    h.run();
    h.get_by_label("Result 1: Storage basics");
    assert!(h.query_by_label_contains("Result 2").is_none());
    h.key_press(egui::Key::Enter);
    h.run();
    assert_eq!(h.state().selected.as_deref(), Some("s3"));
    assert_eq!(h.state().panes.open, vec!["s3".to_owned()]);
}

#[test]
fn a_link_in_a_pane_selects_its_node() {
    let (notes, data) = fixture();
    let mut h = open(&notes.path().join("notes.txt"), data.path());
    h.get_by_label("AWS Lambda").click();
    h.run();
    assert_eq!(h.state().selected.as_deref(), Some("lambda"));
    // In Lambda's pane, the mention of DynamoDB in the text of the Serverless section is a link
    // (the relation list links it too, by its full name; take the one in the text).
    let link = h
        .query_all_by_label_contains("DynamoDB")
        .find(|n| {
            let node = n.accesskit_node();
            node.role() == egui::accesskit::Role::Link
                && node.label().is_some_and(|l| l != "Amazon DynamoDB")
        })
        .expect("a DynamoDB link in the section text");
    link.click();
    h.run();
    assert_eq!(h.state().selected.as_deref(), Some("dynamodb"));
    assert_eq!(
        h.state().panes.open,
        vec!["lambda".to_owned(), "dynamodb".to_owned()]
    );
    assert_eq!(h.state().panes.active_id(), Some("dynamodb"));
}

#[test]
fn a_dragged_node_stays_pinned_after_a_restart() {
    let (notes, data) = fixture();
    let file = notes.path().join("notes.txt");
    let moved_to = {
        let mut h = open(&file, data.path());
        let start = h.get_by_label("Amazon S3").rect().center();
        let end = start + egui::vec2(90.0, 60.0);
        h.drag_at(start);
        h.run();
        for k in 1..=6 {
            h.hover_at(start + (end - start) * (k as f32 / 6.0));
            h.run();
        }
        h.drop_at(end);
        h.run();
        let app = h.state();
        let ix = app.collection.as_ref().unwrap().model.index["s3"];
        assert!(app.map.pinned[ix], "the dragged node is pinned");
        assert_eq!(app.map.pinned.iter().filter(|p| **p).count(), 1);
        app.map.positions[ix]
    }; // dropping the harness drops the app, which saves
    let h = open(&file, data.path());
    let app = h.state();
    let ix = app.collection.as_ref().unwrap().model.index["s3"];
    assert!(app.map.pinned[ix], "still pinned after the restart");
    assert!(app.map.positions[ix].distance(moved_to) < 0.01);
    assert_eq!(app.map.pinned.iter().filter(|p| **p).count(), 1);
}

#[test]
fn a_corrupt_saved_state_starts_clean_with_a_message() {
    let (notes, data) = fixture();
    std::fs::write(
        data.path().join("state.ron"),
        "(version: 1, collections: {\"x\": (pins: [[[",
    )
    .unwrap();
    let mut h = open(&notes.path().join("notes.txt"), data.path());
    h.get_by_label_contains("saved state was corrupt");
    assert!(h.state().saved.collections.is_empty());
    assert!(data.path().join("state.ron.corrupt").exists());
    // The app still works.
    h.get_by_label("Amazon S3").click();
    h.run();
    assert_eq!(h.state().selected.as_deref(), Some("s3"));
}

#[test]
fn commands_keep_selection_and_panes_in_step() {
    let (notes, data) = fixture();
    let mut h = open(&notes.path().join("notes.txt"), data.path());
    h.state_mut().run_command(Command::Select {
        entity_id: "lambda".into(),
        center: true,
    });
    h.state_mut().run_command(Command::Select {
        entity_id: "s3".into(),
        center: true,
    });
    h.state_mut().run_command(Command::ClosePane("s3".into()));
    h.run();
    assert_eq!(h.state().panes.open, vec!["lambda".to_owned()]);
    assert_eq!(h.state().selected, None);
    h.state_mut().run_command(Command::Select {
        entity_id: "no-such-entity".into(),
        center: true,
    });
    assert_eq!(h.state().selected, None);
}

#[test]
fn a_recompile_keeps_pins_selection_and_panes() {
    let (notes, data) = fixture();
    let file = notes.path().join("notes.txt");
    let mut h = open(&file, data.path());
    h.get_by_label("Amazon S3").click();
    h.run();
    h.state_mut()
        .run_command(Command::TogglePin("lambda".into()));
    let (lambda_at, nodes_before) = {
        let app = h.state();
        let model = &app.collection.as_ref().unwrap().model;
        (app.map.positions[model.index["lambda"]], model.nodes.len())
    };
    std::fs::write(
        &file,
        format!("{NOTES}\nMessaging\n  Amazon SQS queues decouple AWS Lambda functions.\n"),
    )
    .unwrap();
    h.state_mut().run_command(Command::Recompile);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while h.state().is_compiling() {
        assert!(
            std::time::Instant::now() < deadline,
            "the background compile finished"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
        h.step();
    }
    h.run();
    let app = h.state();
    let model = &app.collection.as_ref().unwrap().model;
    assert!(
        model.index.contains_key("sqs"),
        "the new section was compiled"
    );
    assert!(model.nodes.len() > nodes_before);
    assert_eq!(app.selected.as_deref(), Some("s3"));
    assert_eq!(app.panes.open, vec!["s3".to_owned()]);
    let lambda = model.index["lambda"];
    assert!(app.map.pinned[lambda]);
    assert!(app.map.positions[lambda].distance(lambda_at) < 0.01);
}

#[test]
fn filters_hide_nodes_from_the_map() {
    let (notes, data) = fixture();
    let mut h = open(&notes.path().join("notes.txt"), data.path());
    assert!(h.query_by_label("Amazon S3").is_some());
    let category = {
        let col = h.state().collection.as_ref().unwrap();
        col.model.nodes[col.model.index["s3"]].category.clone()
    };
    assert!(!category.is_empty());
    h.state_mut().filters.hidden_categories.insert(category);
    h.run();
    assert!(
        h.query_by_label("Amazon S3").is_none(),
        "hidden by its category"
    );
    assert!(h.query_by_label("AWS Lambda").is_some());
    h.state_mut().filters.hidden_categories.clear();
    h.state_mut().filters.text = "lamb".into();
    h.run();
    assert!(h.query_by_label("AWS Lambda").is_some());
    assert!(
        h.query_by_label("Amazon S3").is_none(),
        "hidden by the text filter"
    );
}

// --- Weak topics (issue 6) ---------------------------------------------------------------

/// Notes with an uncertain line, so that a suggestion is offered; written for these tests.
const UNSURE_NOTES: &str = "\
Storage basics
  Amazon S3 keeps objects in buckets.
  Versioning protects objects.

Serverless
  AWS Lambda runs code when an S3 event arrives.
  Not sure whether Lambda retries an async S3 event twice.

Databases
  DynamoDB is a key-value store for objects too.
";

#[test]
fn w_marks_the_selection_weak_and_the_mark_survives_a_restart() {
    let (notes, data) = fixture();
    let file = notes.path().join("notes.txt");
    {
        let mut h = open(&file, data.path());
        assert_eq!(h.state().study.level("s3"), None);
        h.get_by_label("Amazon S3").click();
        h.run();
        h.key_press(egui::Key::W);
        h.run();
        assert_eq!(
            h.state().study.level("s3"),
            Some(cloudatlas::study::Level::Weak)
        );
        // The form is open in the pane: give the mark a note and make it shaky.
        h.get_by_label("shaky").click();
        h.run();
        h.get_by_label("Note").focus();
        h.get_by_label("Note").type_text("versioning vs MFA delete");
        h.run();
        h.get_by_label("Save").click();
        h.run();
        h.state().study.flush();
        let path = h.state().study.path.clone().expect("a study file");
        assert!(path.starts_with(data.path()), "{}", path.display());
        assert!(path.exists());
    }
    let h = open(&file, data.path());
    let mark = h.state().study.store.get("s3").expect("kept after restart");
    assert_eq!(mark.level, cloudatlas::study::Level::Shaky);
    assert_eq!(mark.note, "versioning vs MFA delete");
    assert_eq!(h.state().study.level("lambda"), None);
}

#[test]
fn a_suggestion_is_accepted_from_the_panel() {
    let notes = Dir::new();
    notes.create("notes.txt", UNSURE_NOTES);
    let data = Dir::new();
    let mut h = open(&notes.path().join("notes.txt"), data.path());
    let suggested: Vec<String> = h
        .state()
        .study
        .suggestions
        .iter()
        .map(|s| s.id.clone())
        .collect();
    assert!(
        !suggested.is_empty(),
        "the uncertain line gives a suggestion"
    );
    h.state_mut().run_command(Command::ToggleStudyPanel);
    h.run();
    h.get_by_label_contains("Suggestions (").click();
    h.run();
    let accept = h
        .query_all_by_label_contains("Accept ")
        .next()
        .expect("an Accept button")
        .accesskit_node()
        .label()
        .unwrap_or_default();
    h.get_by_label(&accept).click();
    h.run();
    let marked: Vec<&String> = h.state().study.store.marks.keys().collect();
    assert_eq!(marked.len(), 1);
    assert!(suggested.contains(marked[0]));
    assert!(
        !h.state()
            .study
            .suggestions
            .iter()
            .any(|s| &s.id == marked[0])
    );
}

#[test]
fn a_review_session_moves_the_due_date() {
    let (notes, data) = fixture();
    let mut h = open(&notes.path().join("notes.txt"), data.path());
    h.state_mut().run_command(Command::QuickMark {
        id: "dynamodb".to_owned(),
        level: Some(cloudatlas::study::Level::Weak),
    });
    h.run();
    let before = h.state().study.store.get("dynamodb").unwrap().due;
    assert_eq!(h.state().study.due_count(), 1);
    h.state_mut().run_command(Command::StartReview);
    h.run();
    h.run();
    // The review focused the topic: selected, pane open.
    assert_eq!(h.state().selected.as_deref(), Some("dynamodb"));
    assert!(h.state().panes.open.contains(&"dynamodb".to_owned()));
    h.get_by_label("Good").click();
    h.run();
    let mark = h.state().study.store.get("dynamodb").unwrap();
    assert_eq!(mark.reviews.len(), 1);
    assert!(mark.due > before, "{:?} > {:?}", mark.due, before);
    assert_eq!(h.state().study.due_count(), 0);
    h.get_by_label("Close review").click();
    h.run();
    assert!(h.state().study.review.is_none());
}

#[test]
fn weak_filter_in_search_keeps_hits_about_weak_topics() {
    let (notes, data) = fixture();
    let mut h = open(&notes.path().join("notes.txt"), data.path());
    h.state_mut().run_command(Command::QuickMark {
        id: "lambda".to_owned(),
        level: Some(cloudatlas::study::Level::Shaky),
    });
    h.run();
    h.get_by_label("Search notes").focus();
    h.run();
    h.get_by_label("Search notes").type_text("dynamodb");
    h.run();
    let all = h.state().search.results.len();
    assert!(all >= 2, "{all}");
    h.get_by_label("Search notes").type_text(" weak:shaky");
    h.run();
    let results = &h.state().search.results;
    assert_eq!(results.len(), 1);
    assert!(results[0].entity_ids.contains(&"lambda".to_owned()));
    // weak:solid matches nothing.
    h.state_mut().search.query = "dynamodb weak:solid".to_owned();
    h.run();
    assert!(h.state().search.results.is_empty());
}

#[test]
fn the_map_menu_marks_and_the_weak_filter_shows_neighbours() {
    let (notes, data) = fixture();
    let mut h = open(&notes.path().join("notes.txt"), data.path());
    h.get_by_label("Amazon DynamoDB").click_secondary();
    h.run();
    h.get_by_label("Mark weak").click();
    h.run();
    assert_eq!(
        h.state().study.level("dynamodb"),
        Some(cloudatlas::study::Level::Weak)
    );
    h.state_mut().filters.weak_only = true;
    h.run();
    assert!(h.query_by_label("Amazon DynamoDB").is_some());
    assert!(h.query_by_label("AWS Lambda").is_some());
    assert!(h.query_by_label("Amazon S3").is_none());
}

#[test]
fn export_writes_the_graph_with_positions() {
    let (notes, data) = fixture();
    let h = open(&notes.path().join("notes.txt"), data.path());
    let json = data.path().join("graph.json");
    h.state()
        .export_to(cloudatlas::export::Format::Json, &json)
        .unwrap();
    let value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let nodes = value["nodes"].as_array().expect("nodes");
    assert!(nodes.iter().any(|n| n["id"] == "s3"));
    let graphml = data.path().join("graph.graphml");
    h.state()
        .export_to(cloudatlas::export::Format::GraphMl, &graphml)
        .unwrap();
    let text = std::fs::read_to_string(&graphml).unwrap();
    assert!(
        text.starts_with("<?xml") && text.contains("<graphml"),
        "{text}"
    );
    assert!(text.contains("lambda"));
    // A path under a file cannot be written.
    let bad = json.join("graph.gv");
    assert!(
        h.state()
            .export_to(cloudatlas::export::Format::Dot, &bad)
            .is_err()
    );
}

#[test]
fn a_corrupt_study_file_is_set_aside_with_a_notice() {
    let (notes, data) = fixture();
    let file = notes.path().join("notes.txt");
    let key = cloudatlas::study::storage::collection_key(Some(&file));
    let dir = data.path().join("collections").join(key);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("study.ron"), "(version: 1, marks: {\"s3\": (((").unwrap();
    let h = open(&file, data.path());
    assert!(
        h.state()
            .messages
            .iter()
            .any(|m| m.contains("could not be read")),
        "{:?}",
        h.state().messages
    );
    assert!(h.state().study.store.marks.is_empty());
    let aside = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .any(|e| e.file_name().to_string_lossy().contains("corrupt"));
    assert!(aside, "the broken file was moved aside");
}

#[test]
fn links_in_notes_open_only_on_a_click_and_only_inside_the_rules() {
    let notes = Dir::new();
    let data = Dir::new();
    notes.create(
        "storage.md",
        "# Amazon S3\n\nBuckets hold objects. See [the S3 guide](https://docs.aws.amazon.com/s3/) \
         and [my secrets](../secret.md), [a script](javascript:alert(1)).\n",
    );
    let mut h = open(notes.path(), data.path());
    h.state_mut().run_command(Command::Select {
        entity_id: "s3".to_owned(),
        center: true,
    });
    h.run();
    // Shown as links; nothing opened by showing them.
    let opened = |h: &Harness<'static, Explorer>| {
        h.output()
            .platform_output
            .commands
            .iter()
            .filter_map(|c| match c {
                egui::OutputCommand::OpenUrl(u) => Some(u.url.clone()),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    assert!(opened(&h).is_empty());
    assert!(h.state().messages.is_empty(), "{:?}", h.state().messages);
    h.get_by_label("the S3 guide").click();
    let mut urls = Vec::new();
    for _ in 0..4 {
        h.step();
        urls.extend(opened(&h));
    }
    assert_eq!(urls, ["https://docs.aws.amazon.com/s3/"]);
    h.run();
    h.get_by_label("my secrets").click();
    h.run();
    assert!(
        h.state()
            .messages
            .iter()
            .any(|m| m.contains("leaves the notes folder")),
        "{:?}",
        h.state().messages
    );
    h.get_by_label("a script").click();
    h.run();
    assert!(
        h.state()
            .messages
            .iter()
            .any(|m| m.contains("only http and https links are opened")),
        "{:?}",
        h.state().messages
    );
    assert!(opened(&h).is_empty());
}
