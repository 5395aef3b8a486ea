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
