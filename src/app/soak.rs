//! The headless soak behind `cloudatlas soak`: the real explorer (as [`super::bench`] runs it: no
//! window, no GPU, tessellation included) driven for minutes or hours the way a person uses it.
//! Queries are typed one character per frame from words of the notes, a result is opened now and
//! then (which opens a pane and centres the map), panes are closed again, and the camera pans and
//! zooms every frame. The resident memory is sampled once per interval, so that a leak shows as a
//! rising series.

use std::time::{Duration, Instant};

use egui::{Event, Pos2, RawInput, Rect, pos2, vec2};
use serde::Serialize;

use super::jobs::Source;
use super::state::StateStore;
use super::{Command, Explorer, ExplorerOptions};

/// What to run.
#[derive(Clone, Debug)]
pub struct SoakOptions {
    /// A notes file or folder.
    pub input: std::path::PathBuf,
    /// How long to run.
    pub duration: Duration,
    /// How often to sample memory and print a line.
    pub every: Duration,
    /// Frames per second at most (0: as fast as possible).
    pub fps: u32,
    /// Seed of the random choices (queries, results).
    pub seed: u64,
}

/// One sample.
#[derive(Clone, Debug, Serialize)]
pub struct SoakSample {
    /// Seconds since the soak started (after loading).
    pub at_s: f64,
    /// Resident memory in MiB (`VmRSS`).
    pub rss_mib: f64,
    pub frames: u64,
    pub queries: u64,
    pub opened: u64,
    /// Frame time percentiles of the frames since the previous sample.
    pub frame_ms_p50: f64,
    pub frame_ms_p99: f64,
}

/// The whole run.
#[derive(Clone, Debug, Serialize)]
pub struct SoakReport {
    pub nodes: usize,
    pub sections: usize,
    /// Resident memory after loading, before the first frame.
    pub rss_loaded_mib: f64,
    pub samples: Vec<SoakSample>,
    pub rss_first_mib: f64,
    pub rss_last_mib: f64,
    pub rss_max_mib: f64,
    /// Peak resident memory of the process (`VmHWM`).
    pub rss_peak_mib: f64,
}

/// splitmix64.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// A value of `/proc/self/status` in MiB (Linux; 0 elsewhere).
pub fn proc_status_mib(key: &str) -> f64 {
    let Ok(text) = std::fs::read_to_string("/proc/self/status") else {
        return 0.0;
    };
    text.lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |kib| (kib / 1024.0 * 10.0).round() / 10.0)
}

/// Distinct words of the notes (3 to 20 letters), sorted, at most `cap` of them.
fn vocabulary(app: &Explorer, cap: usize) -> Vec<String> {
    let mut words = std::collections::BTreeSet::new();
    if let Some(col) = &app.collection {
        for note in &col.compiled.notes.notes {
            for w in note.text.split(|c: char| !c.is_alphanumeric()) {
                if (3..=20).contains(&w.chars().count()) && w.chars().any(char::is_alphabetic) {
                    words.insert(w.to_lowercase());
                }
            }
        }
    }
    let all: Vec<String> = words.into_iter().collect();
    if all.len() <= cap {
        return all;
    }
    // An even spread over the sorted words keeps the result deterministic.
    (0..cap)
        .filter_map(|i| all.get(i * all.len() / cap).cloned())
        .collect()
}

/// Runs the soak; `on_sample` sees each sample as it is taken.
pub fn run(
    options: &SoakOptions,
    on_sample: &mut dyn FnMut(&SoakSample),
) -> anyhow::Result<SoakReport> {
    let ctx = egui::Context::default();
    let app_options =
        ExplorerOptions::headless(Source::Path(options.input.clone()), StateStore::none());
    let mut app = Explorer::new(&ctx, app_options);
    if let Some(err) = &app.load_error {
        anyhow::bail!("{err}");
    }
    let (nodes, sections) = match &app.collection {
        Some(col) => (col.model.nodes.len(), col.compiled.sections.len()),
        None => anyhow::bail!("nothing loaded from {}", options.input.display()),
    };
    let words = vocabulary(&app, 5000);
    if words.is_empty() {
        anyhow::bail!("no words to search for in {}", options.input.display());
    }
    let rss_loaded_mib = proc_status_mib("VmRSS");
    app.map.fit_requested = true;

    let screen = Rect::from_min_size(Pos2::ZERO, vec2(1400.0, 900.0));
    let mut rng = Rng(options.seed);
    let frame_budget = (options.fps > 0).then(|| Duration::from_secs(1) / options.fps);
    let started = Instant::now();
    let mut next_sample = options.every;
    let (mut frames, mut queries, mut opened) = (0_u64, 0_u64, 0_u64);
    let mut times: Vec<f64> = Vec::new();
    let mut samples = Vec::new();
    // The query being typed, and how much of it is typed.
    let mut typing = String::new();
    let mut typed = 0_usize;
    let mut base: Option<super::Camera> = None;
    while started.elapsed() < options.duration {
        let t0 = Instant::now();
        let f = frames as usize;
        // Typing: a new query of one to three words, one character per frame, then a pause.
        if typed >= typing.chars().count() + 20 {
            let n = 1 + rng.below(3);
            typing = (0..n)
                .filter_map(|_| words.get(rng.below(words.len())).cloned())
                .collect::<Vec<_>>()
                .join(" ");
            typed = 0;
            queries += 1;
        }
        typed += 1;
        app.search.query = typing.chars().take(typed).collect();
        // Now and then open a result, and keep at most four panes open.
        if f % 45 == 44 && !app.search.results.is_empty() {
            let hit = &app.search.results[rng.below(app.search.results.len())];
            let command = Command::OpenSection {
                section_id: hit.section_id.clone(),
                entity_ids: hit.entity_ids.clone(),
            };
            app.run_command(command);
            opened += 1;
            while app.panes.open.len() > 4 {
                let first = app.panes.open[0].clone();
                app.run_command(Command::ClosePane(first));
            }
        }
        // Pan and zoom every frame, around wherever the last opened result put the camera.
        match base {
            None if f > 0 => base = Some(app.map.camera),
            Some(b) => {
                if f.is_multiple_of(45) {
                    base = Some(app.map.camera);
                }
                app.map.camera = super::bench::pan_camera(b, f % 200);
            }
            None => {}
        }
        let pointer = pos2(20.0 + (f * 37 % 1360) as f32, 40.0 + (f * 53 % 820) as f32);
        let input = RawInput {
            screen_rect: Some(screen),
            time: Some(f as f64 / 60.0),
            events: vec![Event::PointerMoved(pointer)],
            ..RawInput::default()
        };
        let mut out = ctx.run_ui(input, |ui| {
            app.logic();
            app.frame_ui(ui);
        });
        let shapes = std::mem::take(&mut out.shapes);
        let prims = ctx.tessellate(shapes, out.pixels_per_point);
        drop(prims);
        out.drop_without_applying_deltas();
        frames += 1;
        times.push(t0.elapsed().as_secs_f64() * 1e3);
        if let Some(budget) = frame_budget
            && let Some(rest) = budget.checked_sub(t0.elapsed())
        {
            std::thread::sleep(rest);
        }
        if started.elapsed() >= next_sample {
            next_sample += options.every;
            let sample = SoakSample {
                at_s: (started.elapsed().as_secs_f64() * 10.0).round() / 10.0,
                rss_mib: proc_status_mib("VmRSS"),
                frames,
                queries,
                opened,
                frame_ms_p50: super::bench::percentile(&times, 0.50),
                frame_ms_p99: super::bench::percentile(&times, 0.99),
            };
            times.clear();
            on_sample(&sample);
            samples.push(sample);
        }
    }
    let rss: Vec<f64> = samples.iter().map(|s| s.rss_mib).collect();
    Ok(SoakReport {
        nodes,
        sections,
        rss_loaded_mib,
        rss_first_mib: rss.first().copied().unwrap_or(0.0),
        rss_last_mib: rss.last().copied().unwrap_or(0.0),
        rss_max_mib: rss.iter().copied().fold(0.0, f64::max),
        rss_peak_mib: proc_status_mib("VmHWM"),
        samples,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_soak_searches_opens_and_samples() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..6 {
            std::fs::write(
                dir.path().join(format!("n{i}.md")),
                format!(
                    "# Amazon S3 bucket {i}\n\nVersioning and lifecycle rules with AWS Lambda \
                     triggers and Amazon DynamoDB streams.\n\n## Route 53\n\nHealth checks.\n"
                ),
            )
            .unwrap();
        }
        let mut seen = 0;
        let report = run(
            &SoakOptions {
                input: dir.path().to_path_buf(),
                duration: Duration::from_millis(1500),
                every: Duration::from_millis(500),
                fps: 0,
                seed: 7,
            },
            &mut |_| seen += 1,
        )
        .unwrap();
        assert!(report.nodes > 0 && report.sections >= 12);
        assert!(seen >= 2 && seen == report.samples.len(), "{seen}");
        let last = report.samples.last().unwrap();
        assert!(last.frames > 45 && last.queries > 1, "{last:?}");
        assert!(last.opened > 0, "a result was opened: {last:?}");
        if cfg!(target_os = "linux") {
            assert!(report.rss_max_mib > 1.0 && report.rss_peak_mib >= report.rss_max_mib);
        }
    }

    #[test]
    fn status_values_parse() {
        if cfg!(target_os = "linux") {
            assert!(proc_status_mib("VmRSS") > 0.0);
        }
        assert_eq!(proc_status_mib("NoSuchKey"), 0.0);
    }
}
