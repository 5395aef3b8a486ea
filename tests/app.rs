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

/// More services, so that the map has room to move around in.
const MANY: &str = "\
Storage
  Amazon S3 stores objects; Amazon EBS gives volumes to EC2 instances.
  Amazon EFS is a shared file system.

Compute
  AWS Lambda and Amazon ECS run code; Amazon EC2 runs virtual machines.

Data
  Amazon DynamoDB, Amazon RDS and Amazon Aurora keep records.
  Amazon SQS and Amazon SNS carry messages; Amazon Kinesis carries streams.

Delivery
  AWS CodePipeline drives AWS CodeBuild and AWS CodeDeploy.
  AWS CloudFormation describes stacks; Amazon CloudWatch watches them.
";

/// The map node of an entity id, by its accessible label.
fn node_label(h: &Harness<'static, Explorer>, id: &str) -> String {
    let col = h.state().collection.as_ref().unwrap();
    col.model.nodes[col.model.index[id]].label.clone()
}

#[test]
fn the_keyboard_reaches_the_map_and_moves_the_selection() {
    let notes = Dir::new();
    let file = notes.create("notes.txt", MANY);
    let data = Dir::new();
    let mut h = open(&file, data.path());
    // Tab through the window's controls until the map has the focus.
    let mut presses = 0;
    while !h.state().map.has_focus {
        presses += 1;
        assert!(presses < 200, "Tab never reached the map");
        h.key_press(egui::Key::Tab);
        h.run();
    }
    assert_eq!(h.state().selected, None);
    // Zoomed in, most nodes are off screen: the selection must be brought into view.
    h.state_mut().map.camera.zoom = 6.0;
    h.run();
    let map_rect = h.get_by_label("Map of the notes").rect();
    let mut seen = std::collections::BTreeSet::new();
    let mut previous: Option<(String, egui::Pos2)> = None;
    for key in [
        egui::Key::ArrowRight,
        egui::Key::ArrowRight,
        egui::Key::ArrowDown,
        egui::Key::ArrowLeft,
        egui::Key::ArrowLeft,
        egui::Key::ArrowUp,
    ] {
        h.key_press(key);
        h.run();
        assert!(h.state().map.has_focus, "the map keeps the focus");
        let id = h.state().selected.clone().expect("an arrow selects a node");
        assert!(h.state().panes.open.is_empty(), "arrows do not open panes");
        let ix = h.state().collection.as_ref().unwrap().model.index[&id];
        let pos = h.state().map.positions[ix];
        if let Some((prev_id, prev)) = &previous
            && prev_id != &id
        {
            // The step went the way of the arrow.
            let d = pos - *prev;
            let along = match key {
                egui::Key::ArrowRight => d.x,
                egui::Key::ArrowLeft => -d.x,
                egui::Key::ArrowDown => d.y,
                _ => -d.y,
            };
            assert!(along > 0.0, "{key:?} moved from {prev_id} to {id} by {d:?}");
        }
        // Kept in view: its hit area is on the map.
        let label = node_label(&h, &id);
        let node = h.get_by_label(&label);
        assert!(
            map_rect.contains(node.rect().center()),
            "{id} is off screen"
        );
        // Screen readers hear what is selected.
        let about = h
            .get_by_label("Map of the notes")
            .accesskit_node()
            .description()
            .unwrap_or_default()
            .to_owned();
        assert!(about.contains(&format!("Selected: {label} (")), "{about}");
        assert!(about.contains(" mention"), "{about}");
        seen.insert(id.clone());
        previous = Some((id, pos));
    }
    assert!(seen.len() >= 3, "the selection moved: {seen:?}");
    // Enter opens the selected node's pane; Escape clears the selection.
    let selected = h.state().selected.clone().unwrap();
    h.key_press(egui::Key::Enter);
    h.run();
    assert_eq!(h.state().panes.open, vec![selected.clone()]);
    assert_eq!(h.state().selected.as_deref(), Some(selected.as_str()));
    h.key_press(egui::Key::Escape);
    h.run();
    assert_eq!(h.state().selected, None);
}

#[test]
fn a_warning_shows_its_file_and_line_in_the_app() {
    let notes = Dir::new();
    let mut text =
        b"Storage\n  Amazon S3 keeps objects.\n  Versioning protects them.\n\nBroken\n  bad byte "
            .to_vec();
    text.push(0xFF);
    text.extend_from_slice(b" here\n  AWS Lambda runs code.\n");
    let file = notes.create("notes.txt", &text);
    let data = Dir::new();
    let mut h = open(&file, data.path());
    assert_eq!(
        h.state()
            .collection
            .as_ref()
            .unwrap()
            .compiled
            .warnings
            .len(),
        1
    );
    assert!(h.state().warning_view.is_none());
    h.get_by_label("1 warning").click();
    h.run();
    let view = h
        .state()
        .warning_view
        .clone()
        .expect("the warning is shown");
    assert_eq!((view.file.as_str(), view.line), ("notes.txt", Some(6)));
    // The lines around it, the line itself marked, and the editor as a button.
    h.get_by_label_contains("notes.txt, line 6");
    h.get_by_label_contains("Line 6 (the warning):   bad byte ? here");
    h.get_by_label_contains("2    Amazon S3 keeps objects.");
    h.get_by_label("Open in editor");
    // Back to the list, then the warning again from its link.
    h.get_by_label("Close").click();
    h.run();
    assert!(h.state().warning_view.is_none());
    h.get_by_label("notes.txt:6").click();
    h.run();
    assert_eq!(
        h.state().warning_view.as_ref().map(|v| v.line),
        Some(Some(6))
    );
}

/// Runs frames until `done` (a background compile finishes), at most 20 seconds.
fn run_until(h: &mut Harness<'static, Explorer>, done: impl Fn(&Explorer) -> bool) {
    let start = std::time::Instant::now();
    while !done(h.state()) {
        assert!(start.elapsed().as_secs() < 20, "timed out");
        std::thread::sleep(std::time::Duration::from_millis(20));
        h.step();
    }
    h.run();
}

/// A file dropped onto the window, as the windowing layer hands it over.
#[derive(Debug)]
struct Dropped(std::path::PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn a_dropped_file_opens_and_the_recent_list_opens_it_again() {
    let (notes, data) = fixture();
    let first = notes.path().join("notes.txt");
    let other = notes.create("other.txt", MANY);
    {
        let mut h = open(&first, data.path());
        assert!(h.query_by_label("Amazon Kinesis").is_none());
        // A file dropped onto the window.
        h.input_mut()
            .dropped_files
            .push(std::sync::Arc::new(Dropped(other.clone())));
        h.step();
        run_until(&mut h, |app| {
            app.collection
                .as_ref()
                .is_some_and(|c| c.source == Source::Path(other.clone()))
        });
        h.get_by_label("Amazon Kinesis");
        assert_eq!(h.state().saved.recent.first(), Some(&other));
        // Back to the first notes, so that the recent list has both.
        h.state_mut().run_command(Command::OpenPath(first.clone()));
        run_until(&mut h, |app| {
            app.collection
                .as_ref()
                .is_some_and(|c| c.source == Source::Path(first.clone()))
        });
        assert_eq!(h.state().saved.recent, vec![first.clone(), other.clone()]);
    } // saved on drop
    // After a restart, File → Recent → the other notes.
    let mut h = open(&first, data.path());
    assert_eq!(h.state().saved.recent, vec![first.clone(), other.clone()]);
    h.get_by_label("File").click();
    h.run();
    h.get_by_label("Recent").click();
    h.run();
    h.get_by_label(&other.display().to_string()).click();
    h.step();
    run_until(&mut h, |app| {
        app.collection
            .as_ref()
            .is_some_and(|c| c.source == Source::Path(other.clone()))
    });
    h.get_by_label("Amazon Kinesis");
    assert_eq!(h.state().saved.recent.first(), Some(&other));
}
