//! The headless measuring mode behind `cloudatlas bench-ui`: the real explorer UI (map, a pane,
//! the search box) for N frames with a moving pointer, no window and no GPU, tessellation
//! included, layout paused. Same frame recipe as the egui_graphs peer (../shared/bench).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use egui::{Event, Pos2, RawInput, Rect, pos2, vec2};
use serde::Serialize;

use super::jobs::Source;
use super::model::MapModel;
use super::state::StateStore;
use super::{Command, Explorer, ExplorerOptions};

/// What to measure.
#[derive(Clone, Debug)]
pub struct BenchOptions {
    /// A notes file or folder, or a node-link graph JSON file.
    pub input: PathBuf,
    /// `{"id": [x, y], ...}` positions (e.g. from the peers' layout scripts).
    pub positions: Option<PathBuf>,
    pub frames: usize,
    pub warmup: usize,
    /// Pan and zoom the camera every frame (labels on), as a person dragging and scrolling the
    /// map does, instead of only moving the pointer.
    pub pan: bool,
}

/// The measurement.
#[derive(Clone, Debug, Serialize)]
pub struct BenchReport {
    pub nodes: usize,
    pub links: usize,
    pub frames: usize,
    pub ms_per_frame_p50: f64,
    pub ms_per_frame_p99: f64,
    pub tessellate_ms_p50: f64,
    pub first_frame_ms: f64,
    pub vertices: usize,
    /// Whether the camera panned and zoomed every frame.
    pub pan: bool,
}

/// Runs the measurement.
pub fn run(options: &BenchOptions) -> anyhow::Result<BenchReport> {
    let ctx = egui::Context::default();
    let store = StateStore::none();
    let is_json = options
        .input
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let mut app_options = ExplorerOptions::headless(Source::Path(options.input.clone()), store);
    if is_json {
        let text = std::fs::read_to_string(&options.input)
            .with_context(|| format!("reading {}", options.input.display()))?;
        let json: crate::graph::GraphJson = serde_json::from_str(&text)
            .with_context(|| format!("parsing graph JSON {}", options.input.display()))?;
        app_options.model_only = Some(MapModel::from_json(&json));
    }
    let mut app = Explorer::new(&ctx, app_options);
    if let Some(err) = &app.load_error {
        anyhow::bail!("{err}");
    }
    if let Some(path) = &options.positions {
        apply_positions(&mut app, path)?;
    }
    let (nodes, links, first_label) = {
        let Some(col) = &app.collection else {
            anyhow::bail!("nothing loaded from {}", options.input.display());
        };
        let first = col
            .model
            .by_importance
            .first()
            .and_then(|&i| col.model.nodes.get(i));
        (
            col.model.nodes.len(),
            col.model.edges.len(),
            first.map(|n| (n.id.clone(), n.label.clone())),
        )
    };
    // A pane open and a query in the search box, as a person would have them.
    if let Some((id, label)) = first_label {
        app.run_command(Command::Select {
            entity_id: id,
            center: false,
        });
        app.search.query = label.split_whitespace().last().unwrap_or("").to_owned();
    }
    app.map.fit_requested = true;

    let screen = Rect::from_min_size(Pos2::ZERO, vec2(1400.0, 900.0));
    let total = options.warmup + options.frames;
    let mut times = Vec::with_capacity(options.frames);
    let mut tess = Vec::with_capacity(options.frames);
    let mut first_frame_ms = 0.0;
    let mut vertices = 0;
    let mut base: Option<super::Camera> = None;
    for f in 0..total {
        if options.pan {
            // After the first frame has fitted the map: circle around the middle and breathe
            // the zoom between 0.5x and 2x of the fitted zoom (labels change as it zooms).
            match base {
                None if f > 0 => base = Some(app.map.camera),
                Some(b) => app.map.camera = pan_camera(b, f),
                None => {}
            }
        }
        let t = f as f32 / total as f32;
        let zig = (f as f32 * 15.0 / total as f32).fract();
        let pointer = pos2(
            10.0 + 1380.0 * t,
            10.0 + 880.0 * (1.0 - (2.0 * zig - 1.0).abs()),
        );
        let input = RawInput {
            screen_rect: Some(screen),
            time: Some(f as f64 / 60.0),
            events: vec![Event::PointerMoved(pointer)],
            ..RawInput::default()
        };
        let t0 = Instant::now();
        let mut out = ctx.run_ui(input, |ui| {
            app.logic();
            app.frame_ui(ui);
        });
        let run_ms = t0.elapsed().as_secs_f64() * 1e3;
        let shapes = std::mem::take(&mut out.shapes);
        let t1 = Instant::now();
        let prims = ctx.tessellate(shapes, out.pixels_per_point);
        let tess_ms = t1.elapsed().as_secs_f64() * 1e3;
        // No GPU to upload the font atlas to.
        out.drop_without_applying_deltas();
        if f == 0 {
            first_frame_ms = run_ms + tess_ms;
        }
        if f >= options.warmup {
            times.push(run_ms + tess_ms);
            tess.push(tess_ms);
        }
        vertices = prims
            .iter()
            .map(|p| match &p.primitive {
                egui::epaint::Primitive::Mesh(m) => m.vertices.len(),
                egui::epaint::Primitive::Callback(_) => 0,
            })
            .sum();
    }
    Ok(BenchReport {
        nodes,
        links,
        frames: options.frames,
        ms_per_frame_p50: percentile(&times, 0.50),
        ms_per_frame_p99: percentile(&times, 0.99),
        tessellate_ms_p50: percentile(&tess, 0.50),
        first_frame_ms: (first_frame_ms * 10.0).round() / 10.0,
        vertices,
        pan: options.pan,
    })
}

/// What `bench-live` measures.
#[derive(Clone, Debug)]
pub struct LiveOptions {
    /// A notes file or folder; it is copied to a temporary folder, never written.
    pub input: PathBuf,
    /// How many edits to time.
    pub edits: usize,
    /// Run the layout worker (warm-started from the kept positions on every update).
    pub layout: bool,
}

/// Times from a file written on disk to the first frame showing the change.
#[derive(Clone, Debug, Serialize)]
pub struct LiveReport {
    pub nodes: usize,
    pub edits: usize,
    /// Edits whose change showed up (the others timed out after 5 s).
    pub shown: usize,
    pub write_to_frame_ms_p50: f64,
    pub write_to_frame_ms_p99: f64,
    pub write_to_frame_ms_max: f64,
    /// From the write to the watcher's event (kernel and notify).
    pub write_to_event_ms_p50: f64,
    /// The watcher's quiet period before recompiling.
    pub debounce_ms: f64,
    /// Of a frame while the changes were coming in.
    pub frame_ms_p50: f64,
}

/// A catalog entity the notes do not mention yet, with a name that finds exactly it.
fn probes(compiled: &crate::Compiled, want: usize) -> Vec<(String, String)> {
    let Ok(ex) = crate::extract::Extractor::builtin() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in &crate::catalog::Catalog::builtin().entries {
        if out.len() >= want {
            break;
        }
        if compiled.graph.node(&entry.id).is_some() {
            continue;
        }
        let found = ex.mentions_in(&entry.name);
        if found.len() == 1 && found[0].0 == entry.id {
            out.push((entry.id.clone(), entry.name.clone()));
        }
    }
    out
}

fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// A temporary folder removed on drop.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs the real explorer headless on a copy of the notes, with the watcher and the live
/// recompiler: edits one note file `edits` times (each edit names a catalog entity the notes did
/// not mention, replacing the previous edit's) and times each from the write until the end of the
/// first frame whose map holds the new entity.
pub fn run_live(options: &LiveOptions) -> anyhow::Result<LiveReport> {
    let tmp = TempDir(std::env::temp_dir().join(format!(
        "cloudatlas-bench-live-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    )));
    let notes = tmp.0.join("notes");
    let (root, single) = if options.input.is_dir() {
        copy_tree(&options.input, &notes)
            .with_context(|| format!("copying {}", options.input.display()))?;
        (notes.clone(), None)
    } else {
        std::fs::create_dir_all(&notes)?;
        let name = options
            .input
            .file_name()
            .ok_or_else(|| anyhow::anyhow!("{} names no file", options.input.display()))?;
        let file = notes.join(name);
        std::fs::copy(&options.input, &file)
            .with_context(|| format!("copying {}", options.input.display()))?;
        (file.clone(), Some(file))
    };
    let ctx = egui::Context::default();
    let mut app_options = ExplorerOptions::headless(Source::Path(root.clone()), StateStore::none());
    app_options.watch = true;
    app_options.layout = options.layout;
    let mut app = Explorer::new(&ctx, app_options);
    if let Some(err) = &app.load_error {
        anyhow::bail!("{err}");
    }
    let (file, probes, nodes) = {
        let Some(col) = &app.collection else {
            anyhow::bail!("nothing loaded from {}", options.input.display());
        };
        let compiled = &col.compiled;
        let file = match &single {
            Some(f) => f.clone(),
            None => {
                let note = compiled
                    .notes
                    .notes
                    .get(compiled.notes.notes.len() / 2)
                    .ok_or_else(|| anyhow::anyhow!("no notes in {}", options.input.display()))?;
                root.join(&note.file)
            }
        };
        (file, probes(compiled, 16), col.model.nodes.len())
    };
    if probes.len() < 2 {
        anyhow::bail!("the catalog has no entity left that these notes do not mention");
    }
    let markdown = file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"));
    let original = std::fs::read_to_string(&file)?;
    let screen = Rect::from_min_size(Pos2::ZERO, vec2(1400.0, 900.0));
    let started = Instant::now();
    let frame = |app: &mut Explorer| -> f64 {
        let t = Instant::now();
        let input = RawInput {
            screen_rect: Some(screen),
            time: Some(started.elapsed().as_secs_f64()),
            ..RawInput::default()
        };
        let mut out = ctx.run_ui(input, |ui| {
            app.logic();
            app.frame_ui(ui);
        });
        let shapes = std::mem::take(&mut out.shapes);
        let _ = ctx.tessellate(shapes, out.pixels_per_point);
        out.drop_without_applying_deltas();
        t.elapsed().as_secs_f64() * 1e3
    };
    for _ in 0..10 {
        frame(&mut app);
    }
    let mut totals = Vec::with_capacity(options.edits);
    let mut events = Vec::with_capacity(options.edits);
    let mut frames = Vec::new();
    for i in 0..options.edits {
        let (id, name) = &probes[i % probes.len()];
        let text = if markdown {
            format!("{original}\n\n## Live edit {i}\n\n{name} came up today.\n")
        } else {
            format!("{original}\n{name}\n  - live edit {i}\n")
        };
        let t0 = Instant::now();
        std::fs::write(&file, text)?;
        let deadline = t0 + Duration::from_secs(5);
        loop {
            frames.push(frame(&mut app));
            let shown = app
                .collection
                .as_ref()
                .is_some_and(|c| c.model.index.contains_key(id));
            if shown {
                totals.push(t0.elapsed().as_secs_f64() * 1e3);
                if let Some((event, _)) = &app.last_live {
                    events.push(event.saturating_duration_since(t0).as_secs_f64() * 1e3);
                }
                break;
            }
            if Instant::now() > deadline {
                log::warn!("edit {i}: {id} did not show within 5 s");
                break;
            }
            std::thread::sleep(Duration::from_micros(300));
        }
        // Let the layout and the watcher settle before the next edit.
        let idle = Instant::now();
        while idle.elapsed() < Duration::from_millis(40) {
            frame(&mut app);
            std::thread::sleep(Duration::from_millis(2));
        }
    }
    let max = totals.iter().copied().fold(0.0, f64::max);
    Ok(LiveReport {
        nodes,
        edits: options.edits,
        shown: totals.len(),
        write_to_frame_ms_p50: percentile(&totals, 0.50),
        write_to_frame_ms_p99: percentile(&totals, 0.99),
        write_to_frame_ms_max: (max * 1e3).round() / 1e3,
        write_to_event_ms_p50: percentile(&events, 0.50),
        debounce_ms: super::jobs::LIVE_QUIET.as_secs_f64() * 1e3,
        frame_ms_p50: percentile(&frames, 0.50),
    })
}

/// The camera of frame `f` of a pan: the fitted camera `base` moved on a circle of a third of
/// the view around the middle, zoomed by `2^sin` (0.5x to 2x).
pub(super) fn pan_camera(base: super::Camera, f: usize) -> super::Camera {
    let a = f as f32 * 0.05;
    let reach = 300.0 / base.zoom.max(1e-3);
    super::Camera {
        center: [
            base.center[0] + reach * a.cos(),
            base.center[1] + reach * a.sin(),
        ],
        zoom: base.zoom * (a * 0.37).sin().exp2(),
    }
}

fn apply_positions(app: &mut Explorer, path: &Path) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let given: HashMap<String, [f32; 2]> = serde_json::from_str(&text)
        .with_context(|| format!("parsing positions {}", path.display()))?;
    let Some(col) = &app.collection else {
        return Ok(());
    };
    for (i, node) in col.model.nodes.iter().enumerate() {
        if let (Some(p), Some(slot)) = (given.get(&node.id), app.map.positions.get_mut(i)) {
            *slot = pos2(p[0], p[1]);
        }
    }
    Ok(())
}

/// Nearest-rank percentile in milliseconds, rounded to microseconds.
pub(super) fn percentile(values: &[f64], p: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted
        .get(rank - 1)
        .map_or(0.0, |v| (v * 1e3).round() / 1e3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 0.5), 50.0);
        assert_eq!(percentile(&v, 0.99), 99.0);
        assert_eq!(percentile(&[], 0.5), 0.0);
    }

    #[test]
    fn bench_runs_on_a_graph_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.json");
        let nodes: Vec<String> = (0..50).map(|i| format!("{{\"id\":\"n{i}\"}}")).collect();
        let links: Vec<String> = (1..50)
            .map(|i| format!("{{\"source\":\"n{}\",\"target\":\"n{i}\"}}", i / 2))
            .collect();
        std::fs::write(
            &path,
            format!(
                "{{\"nodes\":[{}],\"links\":[{}]}}",
                nodes.join(","),
                links.join(",")
            ),
        )
        .unwrap();
        let report = run(&BenchOptions {
            input: path,
            positions: None,
            frames: 5,
            warmup: 1,
            pan: true,
        })
        .unwrap();
        assert_eq!((report.nodes, report.links, report.frames), (50, 49, 5));
        assert!(report.ms_per_frame_p50 > 0.0);
        assert!(
            report.vertices > 50 * 9,
            "nodes were drawn: {}",
            report.vertices
        );
    }
}
