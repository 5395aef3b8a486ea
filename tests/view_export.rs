//! Exporting the map view from the app: SVG from the painted scene, PNG from the rendered frame
//! (the frame comes from a screenshot request, answered here as the window would answer it).

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

use cloudatlas::app::{
    Command, Explorer, ExplorerOptions, ExportKind, Source, StateStore, ViewFormat,
};
use egui::{Color32, ColorImage, Pos2, RawInput, Rect, vec2};
use quick_xml::events::Event;

use crate::util::Dir;

/// Notes written for these tests: a handful of catalog services with links between them.
const NOTES: &str = "\
Object storage
  Amazon S3 stores objects; S3 events trigger AWS Lambda.

Functions
  AWS Lambda writes items to Amazon DynamoDB.
  Lambda logs go to Amazon CloudWatch.

Tables
  Amazon DynamoDB streams feed AWS Lambda.
";

const SCREEN: [usize; 2] = [1200, 800];

fn explorer(ctx: &egui::Context, notes: &Path, data: &Path) -> Explorer {
    Explorer::new(
        ctx,
        ExplorerOptions::headless(Source::Path(notes.to_path_buf()), StateStore::in_dir(data)),
    )
}

/// Runs one frame; `before` runs inside it, before the UI (as commands from a click would).
fn frame(
    ctx: &egui::Context,
    app: &mut Explorer,
    before: impl FnOnce(&mut Explorer),
) -> egui::FullOutput {
    let input = RawInput {
        screen_rect: Some(Rect::from_min_size(
            Pos2::ZERO,
            vec2(SCREEN[0] as f32, SCREEN[1] as f32),
        )),
        ..RawInput::default()
    };
    let mut before = Some(before);
    let mut out = ctx.run_ui(input, |ui| {
        if let Some(f) = before.take() {
            f(app);
        }
        app.logic();
        app.frame_ui(ui);
    });
    // No GPU to upload the font atlas to.
    out.textures_delta.clear();
    out
}

/// The `data-id`s of the `<g class="node">` groups and the texts of an SVG, checking it parses.
fn svg_nodes_and_texts(svg: &str) -> (BTreeSet<String>, Vec<String>) {
    let mut reader = quick_xml::Reader::from_str(svg);
    let mut ids = BTreeSet::new();
    let mut texts = Vec::new();
    let mut in_text = false;
    let mut saw_svg = false;
    loop {
        match reader.read_event().expect("the SVG parses") {
            Event::Start(e) | Event::Empty(e) => {
                let name = e.name().as_ref().to_vec();
                saw_svg |= name == b"svg";
                in_text = name == b"text";
                if name == b"g" {
                    let attr = |key: &[u8]| {
                        e.attributes()
                            .flatten()
                            .find(|a| a.key.as_ref() == key)
                            .map(|a| {
                                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                    .unwrap()
                                    .into_owned()
                            })
                    };
                    if attr(b"class").as_deref() == Some("node") {
                        ids.insert(attr(b"data-id").expect("a node has an id"));
                    }
                }
            }
            Event::Text(t) if in_text => texts.push(t.decode().unwrap().into_owned()),
            Event::End(_) => in_text = false,
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(saw_svg, "an <svg> element");
    (ids, texts)
}

fn export_svg(ctx: &egui::Context, app: &mut Explorer, path: &Path) -> String {
    let path = path.to_path_buf();
    frame(ctx, app, move |app| {
        app.run_command(Command::ExportTo {
            format: ExportKind::View(ViewFormat::Svg),
            path,
        });
    });
    for _ in 0..3 {
        frame(ctx, app, |_| {});
    }
    assert!(!app.view_export_pending());
    assert!(
        app.messages
            .iter()
            .any(|m| m.contains("Exported the map view (SVG)")),
        "{:?}",
        app.messages
    );
    std::fs::read_to_string(
        app.messages
            .iter()
            .rev()
            .find_map(|m| m.rsplit_once(" to ").map(|(_, p)| p.to_owned()))
            .unwrap(),
    )
    .unwrap()
}

#[test]
fn svg_has_the_visible_nodes_and_only_those() {
    let notes = Dir::new();
    let file = notes.create("notes.txt", NOTES);
    let data = Dir::new();
    let ctx = egui::Context::default();
    let mut app = explorer(&ctx, &file, data.path());
    frame(&ctx, &mut app, |_| {});
    let all: BTreeSet<String> = app
        .collection
        .as_ref()
        .unwrap()
        .model
        .nodes
        .iter()
        .map(|n| n.id.clone())
        .collect();
    assert!(all.len() >= 4, "{all:?}");

    // Everything fits on screen after the first frame.
    let svg = export_svg(&ctx, &mut app, &data.path().join("all.svg"));
    let (ids, texts) = svg_nodes_and_texts(&svg);
    assert_eq!(ids, all);
    assert!(texts.iter().any(|t| t == "Amazon DynamoDB"), "{texts:?}");

    // A filter hides nodes: the SVG follows it.
    app.filters.text = "dynamo".into();
    let svg = export_svg(&ctx, &mut app, &data.path().join("filtered.svg"));
    let (ids, texts) = svg_nodes_and_texts(&svg);
    assert_eq!(ids, BTreeSet::from(["dynamodb".to_owned()]));
    assert!(!texts.iter().any(|t| t == "AWS Lambda"), "{texts:?}");

    // Zoomed far into one corner: nothing on screen, no nodes written.
    app.filters.text.clear();
    app.map.camera.center = [1e6, 1e6];
    let svg = export_svg(&ctx, &mut app, &data.path().join("empty.svg"));
    assert!(svg_nodes_and_texts(&svg).0.is_empty());
}

/// A frame whose every pixel tells where it is: red = x mod 256, green = y mod 256, blue = the
/// 256-pixel tile.
fn tell_tale_frame() -> ColorImage {
    let [w, h] = SCREEN;
    let pixels = (0..w * h)
        .map(|i| {
            let (x, y) = (i % w, i / w);
            Color32::from_rgb(
                (x % 256) as u8,
                (y % 256) as u8,
                (x / 256 + 8 * (y / 256)) as u8,
            )
        })
        .collect();
    ColorImage::new(SCREEN, pixels)
}

#[test]
fn png_is_the_map_part_of_the_frame() {
    let notes = Dir::new();
    let file = notes.create("notes.txt", NOTES);
    let data = Dir::new();
    let ctx = egui::Context::default();
    let mut app = explorer(&ctx, &file, data.path());
    frame(&ctx, &mut app, |_| {});
    let path = data.path().join("map.png");
    let p = path.clone();
    let out = frame(&ctx, &mut app, move |app| {
        app.run_command(Command::ExportTo {
            format: ExportKind::View(ViewFormat::Png),
            path: p,
        });
    });
    assert!(app.view_export_pending());
    // Answer the screenshot request as eframe does after rendering.
    let mut answered = false;
    for viewport in out.viewport_output.into_values() {
        for command in viewport.commands {
            if let egui::ViewportCommand::Screenshot(callback) = command {
                callback.complete(Arc::new(tell_tale_frame()));
                answered = true;
            }
        }
    }
    assert!(answered, "the app asked for a screenshot");
    // The map's place in the captured frame (the notice that follows moves it).
    let rect = app.map_rect().unwrap();
    frame(&ctx, &mut app, |_| {});
    assert!(!app.view_export_pending(), "{:?}", app.messages);

    let bytes = std::fs::read(&path).unwrap();
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    // The map's size, not the window's (menu, side panel and status bar are left out).
    assert_eq!(
        (info.width as f32, info.height as f32),
        (rect.width().round(), rect.height().round())
    );
    assert!((info.width as usize) < SCREEN[0] && (info.height as usize) < SCREEN[1]);
    // Its first pixel is the frame's pixel at the map's corner; and it is not one flat colour.
    let (x, y) = (rect.min.x.round() as usize, rect.min.y.round() as usize);
    assert_eq!(
        &buf[..4],
        &[
            (x % 256) as u8,
            (y % 256) as u8,
            (x / 256 + 8 * (y / 256)) as u8,
            255
        ]
    );
    assert!(buf.chunks(4).any(|px| px != &buf[..4]));
}

#[test]
fn png_without_a_window_gives_up_with_a_message() {
    let notes = Dir::new();
    let file = notes.create("notes.txt", NOTES);
    let data = Dir::new();
    let ctx = egui::Context::default();
    let mut app = explorer(&ctx, &file, data.path());
    let path = data.path().join("never.png");
    let p = path.clone();
    // The request is dropped unanswered (as without a renderer): the channel closes.
    let out = frame(&ctx, &mut app, move |app| {
        app.run_command(Command::ExportTo {
            format: ExportKind::View(ViewFormat::Png),
            path: p,
        });
    });
    drop(out);
    frame(&ctx, &mut app, |_| {});
    assert!(!app.view_export_pending());
    assert!(!path.exists());
    assert!(
        app.messages
            .iter()
            .any(|m| m.contains("Could not export the map as PNG")),
        "{:?}",
        app.messages
    );
}

#[test]
fn a_small_map_zoomed_out_still_draws_its_labels() {
    // Fewer than 40 nodes below zoom 1.5 used to panic in the label budget (clamp(40, n)).
    let notes = Dir::new();
    let file = notes.create("notes.txt", NOTES);
    let data = Dir::new();
    let ctx = egui::Context::default();
    let mut app = explorer(&ctx, &file, data.path());
    frame(&ctx, &mut app, |_| {});
    app.map.camera.zoom = 0.5;
    let svg = export_svg(&ctx, &mut app, &data.path().join("small.svg"));
    let (ids, texts) = svg_nodes_and_texts(&svg);
    assert!(!ids.is_empty() && !texts.is_empty(), "{svg}");
}
