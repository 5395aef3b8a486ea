//! The explorer window (egui/eframe): the only module that draws.
//!
//! Owns: the window, the map, the note panes, the search box, the status bar, opening files,
//! persistence of pins and camera, and the headless measuring mode ([`bench`]). Leaves compiling to
//! [`crate::compile`], search to [`crate::search`] and positions to [`crate::layout`].
//!
//! Each frame: [`Explorer::logic`] polls the background jobs (compile + index, file watcher, file
//! dialog, layout snapshots), then [`Explorer::frame_ui`] draws and collects [`Command`]s, which
//! [`Explorer::run_command`] applies at the end of the frame.

pub mod bench;
mod collection;
mod command;
mod jobs;
mod map_view;
mod model;
mod note_pane;
mod search_panel;
mod snapshot;
pub mod soak;
mod state;
mod study;
mod theme;
mod ui;

pub mod review;
pub mod study_panel;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use egui::{Pos2, pos2};

use crate::Compiled;
use crate::layout::{
    LayoutCommand, LayoutNode, LayoutRequest, LayoutSettings, LayoutSnapshot, LayoutWorker,
};

pub use self::collection::Collection;
pub use self::command::Command;
pub use self::jobs::{PickKind, Source};
pub use self::map_view::{Camera, MapView};
pub use self::model::MapModel;
pub use self::snapshot::{ExportKind, ViewFormat};
pub use self::state::{DATA_DIR_ENV, SavedState, StateStore};

use self::jobs::{CompileJob, FileDialogJob, LiveRecompiler, Loaded, NotesWatcher, PickResult};
use self::note_pane::Panes;
use self::search_panel::SearchPanel;
pub use self::study::StudyState;
use self::theme::Theme;

/// Opens the explorer window on `path` (the built-in notes when `None`). Returns the exit code.
pub fn run(path: Option<PathBuf>) -> anyhow::Result<i32> {
    let started = Instant::now();
    let source = path.map_or(Source::Builtin, Source::Path);
    let viewport = egui::ViewportBuilder::default()
        .with_title(format!("cloudatlas — {}", source.display_name()))
        .with_inner_size([1280.0, 800.0])
        .with_min_inner_size([640.0, 400.0])
        .with_icon(Arc::new(theme::window_icon()))
        .with_drag_and_drop(true);
    let options = eframe::NativeOptions {
        viewport,
        ..eframe::NativeOptions::default()
    };
    eframe::run_native(
        "cloudatlas",
        options,
        Box::new(move |cc| {
            let mut app = Explorer::new(&cc.egui_ctx, ExplorerOptions::window(source));
            app.started = Some(started);
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| anyhow::anyhow!("could not open the window: {e}"))?;
    Ok(0)
}

/// How to start the explorer.
pub struct ExplorerOptions {
    pub source: Source,
    /// Already compiled notes (tests and the measuring mode); compiled in the background if `None`.
    pub preloaded: Option<Compiled>,
    /// Only a map model (the measuring mode on a graph JSON file).
    pub model_only: Option<MapModel>,
    /// Compile on a background thread (the window) or right away (tests).
    pub background: bool,
    /// Run the layout worker.
    pub layout: bool,
    /// Watch the notes for changes.
    pub watch: bool,
    pub store: StateStore,
}

impl ExplorerOptions {
    /// The real window: background compile, layout, watcher, state in the data folder.
    pub fn window(source: Source) -> Self {
        Self {
            source,
            preloaded: None,
            model_only: None,
            background: true,
            layout: true,
            watch: true,
            store: StateStore::from_env(),
        }
    }

    /// Deterministic: compiled up front, no layout thread, no watcher.
    pub fn headless(source: Source, store: StateStore) -> Self {
        Self {
            source,
            preloaded: None,
            model_only: None,
            background: false,
            layout: false,
            watch: false,
            store,
        }
    }
}

/// Filters of the map.
#[derive(Clone, Debug, PartialEq)]
pub struct Filters {
    /// Per [`crate::graph::EntityKind::ALL`].
    pub kinds: [bool; 6],
    pub min_mentions: u32,
    /// Categories switched off.
    pub hidden_categories: std::collections::BTreeSet<String>,
    pub text: String,
    /// 0: the whole graph; 1–3: the selected node's neighbourhood.
    pub local_depth: usize,
    /// Only weak topics and their neighbours.
    pub weak_only: bool,
}

impl Default for Filters {
    fn default() -> Self {
        Self {
            kinds: [true; 6],
            min_mentions: 0,
            hidden_categories: std::collections::BTreeSet::new(),
            text: String::new(),
            local_depth: 0,
            weak_only: false,
        }
    }
}

/// The layout worker and what the app knows of it.
struct Layout {
    worker: LayoutWorker,
    /// Snapshots at or below this generation belong to an older graph.
    generation_floor: u64,
    last: Option<Arc<LayoutSnapshot>>,
    paused: bool,
    settled: bool,
    settings: LayoutSettings,
}

/// The explorer app.
pub struct Explorer {
    ctx: egui::Context,
    wake: Arc<dyn Fn() + Send + Sync>,
    store: StateStore,
    pub saved: SavedState,
    state_dirty: bool,
    last_save: Instant,
    /// The message of the last failed state save, while saves fail.
    state_save_error: Option<String>,
    pub source: Source,
    pub collection: Option<Collection>,
    job: Option<CompileJob>,
    pub load_error: Option<String>,
    watch: bool,
    watcher: Option<NotesWatcher>,
    /// Applies changed files incrementally (notes on disk, watched).
    live: Option<LiveRecompiler>,
    changed_at: Option<Instant>,
    layout: Option<Layout>,
    pub map: MapView,
    pub panes: Panes,
    pub search: SearchPanel,
    pub selected: Option<String>,
    pub filters: Filters,
    shown: Vec<bool>,
    search_hit: Vec<bool>,
    /// Messages for the user (errors, notices), shown until dismissed.
    pub messages: Vec<String>,
    show_warnings: bool,
    /// The warning shown with the lines around it, in the warnings window.
    pub warning_view: Option<ui::WarningView>,
    dialog: Option<FileDialogJob>,
    /// The path field, shown when no native dialog is available (or asked for).
    path_field: Option<String>,
    pub theme: Theme,
    first_install: bool,
    /// When the process started (the window only): logs the time to the first frame and map.
    started: Option<Instant>,
    first_frame_logged: bool,
    /// Keep fitting the map while the layout moves, until the user moves the camera.
    auto_fit: bool,
    commands: Vec<Command>,
    /// Weak topics: the store, its saver, the panel, the review.
    pub study: StudyState,
    /// The path field for an export, when no save dialog could be shown.
    export_field: Option<(ExportKind, String)>,
    export_dialog: Option<jobs::SaveDialogJob>,
    /// The last live update installed: when the watcher heard of it, and its files.
    pub last_live: Option<(Instant, Vec<String>)>,
    /// A PNG or SVG of the map waiting for its frame.
    pending_view: Option<snapshot::PendingView>,
}

impl Explorer {
    /// Creates the explorer and starts loading its notes.
    pub fn new(ctx: &egui::Context, options: ExplorerOptions) -> Self {
        let ExplorerOptions {
            source,
            preloaded,
            model_only,
            background,
            layout,
            watch,
            mut store,
        } = options;
        let (saved, message) = store.load();
        let repaint_ctx = ctx.clone();
        let wake: Arc<dyn Fn() + Send + Sync> = Arc::new(move || repaint_ctx.request_repaint());
        let theme = Theme::for_mode(saved.dark);
        ctx.set_visuals(theme.visuals());
        let layout = layout.then(|| {
            let w = wake.clone();
            Layout {
                worker: LayoutWorker::spawn(LayoutSettings::default(), Box::new(move || w())),
                generation_floor: 0,
                last: None,
                paused: false,
                settled: false,
                settings: LayoutSettings::default(),
            }
        });
        let mut app = Self {
            ctx: ctx.clone(),
            wake,
            store,
            saved,
            state_dirty: false,
            last_save: Instant::now(),
            state_save_error: None,
            source: source.clone(),
            collection: None,
            job: None,
            load_error: None,
            watch,
            watcher: None,
            live: None,
            changed_at: None,
            layout,
            map: MapView::default(),
            panes: Panes::default(),
            search: SearchPanel::default(),
            selected: None,
            filters: Filters::default(),
            shown: Vec::new(),
            search_hit: Vec::new(),
            messages: message.into_iter().collect(),
            show_warnings: false,
            warning_view: None,
            dialog: None,
            path_field: None,
            theme,
            first_install: true,
            auto_fit: false,
            started: None,
            first_frame_logged: false,
            commands: Vec::new(),
            study: StudyState::default(),
            export_field: None,
            export_dialog: None,
            last_live: None,
            pending_view: None,
        };
        if let Some(model) = model_only {
            app.install(Collection::from_model(model));
        } else if let Some(compiled) = preloaded {
            let loaded = jobs::index_compiled(compiled, Duration::ZERO, &|_| {});
            app.install(Collection::new(source, loaded));
        } else if background {
            app.start_compile(source);
        } else {
            match jobs::compile_and_index(&source, &|_| {}) {
                // Headless with `watch`: adopting starts the watcher (the window starts it
                // after its first background compile).
                Ok(loaded) => app.adopt(source, loaded),
                Err(err) => {
                    app.load_error = Some(err);
                    app.watch_source();
                }
            }
        }
        app
    }

    /// The key of the current collection in the saved state.
    fn collection_key(&self) -> String {
        state::collection_key(self.source.path())
    }

    fn start_compile(&mut self, source: Source) {
        // The first load of a collection goes through the index cache (a second start reopens
        // the index); recompiles after edits index in memory, which is faster than on disk.
        let cache = self
            .collection
            .is_none()
            .then(jobs::index_cache_root)
            .flatten();
        match CompileJob::spawn(source, self.wake.clone(), cache) {
            Ok(job) => self.job = Some(job),
            Err(err) => {
                self.load_error = Some(format!("could not start the compile thread: {err}"))
            }
        }
    }

    /// Puts a compiled collection on screen and, for notes on disk, starts the live recompiler
    /// and the watcher feeding it.
    fn adopt(&mut self, source: Source, mut loaded: Loaded) {
        let incremental = loaded.incremental.take();
        let index = loaded.index.clone();
        self.source = source.clone();
        self.install(Collection::new(source, loaded));
        self.live = None;
        if self.watch
            && let Some(inc) = incremental
        {
            match LiveRecompiler::spawn(*inc, index, self.wake.clone()) {
                Ok(live) => self.live = Some(live),
                Err(err) => log::warn!("cannot start the live recompiler: {err}"),
            }
        }
        self.watch_source();
    }

    /// Starts watching the current notes.
    fn watch_source(&mut self) {
        self.watcher = None;
        if !self.watch {
            return;
        }
        let live = self.live.as_ref().map(LiveRecompiler::sender);
        if let Some(path) = self.source.path() {
            match NotesWatcher::new(path, self.wake.clone(), live) {
                Ok(w) => self.watcher = Some(w),
                Err(err) => log::warn!("cannot watch {}: {err}", path.display()),
            }
        }
    }

    /// Puts a freshly loaded collection on screen, keeping positions, pins, selection and panes
    /// whose ids survive.
    fn install(&mut self, col: Collection) {
        let key = self.collection_key();
        let saved_col = self
            .saved
            .collections
            .get(&key)
            .cloned()
            .unwrap_or_default();
        let old_positions: std::collections::HashMap<&str, (Pos2, bool)> = self
            .collection
            .as_ref()
            .map(|old| {
                old.model
                    .nodes
                    .iter()
                    .enumerate()
                    .filter_map(|(i, n)| {
                        Some((
                            n.id.as_str(),
                            (
                                *self.map.positions.get(i)?,
                                self.map.pinned.get(i).copied().unwrap_or(false),
                            ),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let model = &col.model;
        let mut rank = vec![0_usize; model.nodes.len()];
        for (r, &i) in model.by_importance.iter().enumerate() {
            rank[i] = r;
        }
        let mut positions = Vec::with_capacity(model.nodes.len());
        let mut pinned = Vec::with_capacity(model.nodes.len());
        let mut known = Vec::with_capacity(model.nodes.len());
        for (i, node) in model.nodes.iter().enumerate() {
            if let Some(pin) = saved_col.pins.get(&node.id) {
                positions.push(pos2(pin[0], pin[1]));
                pinned.push(true);
                known.push(true);
            } else if let Some(&(p, pin)) = old_positions.get(node.id.as_str()) {
                positions.push(p);
                pinned.push(pin);
                known.push(true);
            } else {
                positions.push(spiral(rank[i]));
                pinned.push(false);
                known.push(false);
            }
        }
        self.map.positions = positions;
        self.map.reset_label_cache();
        self.map.pinned = pinned;
        self.map.hovered = None;
        if self.first_install {
            self.first_install = false;
            match saved_col.camera {
                Some(camera) => self.map.camera = camera,
                None => {
                    self.map.fit_requested = true;
                    self.map.fit_main = true;
                    self.auto_fit = true;
                }
            }
            for id in &saved_col.panes {
                self.panes.open(id);
            }
        }
        self.selected = self
            .selected
            .take()
            .filter(|id| model.index.contains_key(id));
        self.panes.open.retain(|id| model.index.contains_key(id));
        self.panes.active = self
            .panes
            .active
            .min(self.panes.open.len().saturating_sub(1));
        self.search.invalidate();
        if let Some(layout) = &mut self.layout {
            let request = LayoutRequest {
                nodes: model
                    .nodes
                    .iter()
                    .zip(self.map.positions.iter().zip(&self.map.pinned))
                    .zip(&known)
                    .map(|((n, (p, pin)), known)| LayoutNode {
                        id: n.id.clone(),
                        // Unknown nodes: the layout's own start (better than our spiral).
                        pos: known.then(|| to_layout(*p)),
                        pinned: *pin,
                        radius: n.radius / WORLD_PER_LAYOUT,
                    })
                    .collect(),
                edges: model.edges.iter().map(|e| (e.a, e.b, e.weight)).collect(),
            };
            layout.generation_floor = layout.worker.latest().map_or(0, |s| s.generation);
            layout.last = None;
            layout.settled = false;
            layout.worker.send(LayoutCommand::Replace(request));
        }
        self.collection = Some(col);
        self.load_error = None;
        self.load_study();
        self.ctx.request_repaint();
    }

    /// Per-frame work that is not drawing: jobs, watcher, dialog, layout.
    pub fn logic(&mut self) {
        if let Some(job) = &mut self.job
            && let Some(result) = job.poll()
        {
            let source = job.source.clone();
            self.job = None;
            match result {
                // Watches again (also after a failed load: the notes folder may have been
                // deleted, its recursive watch with it, and created again).
                Ok(loaded) => self.adopt(source, loaded),
                Err(err) => {
                    self.load_error = Some(err);
                    // The notes (or their folder) may be gone and come back as new files: watch
                    // what is there now.
                    self.watch_source();
                }
            }
        }
        while let Some(out) = self.live.as_ref().and_then(LiveRecompiler::poll) {
            match out {
                jobs::LiveOut::Graph(update) => {
                    let source = self.source.clone();
                    let was_missing = self.load_error.is_some();
                    self.install(Collection::new(source, update.loaded));
                    self.last_live = Some((update.first_event, update.files));
                    if was_missing {
                        // A folder that came back needs its recursive watch again.
                        self.watch_source();
                    }
                }
                jobs::LiveOut::Missing(err) => self.load_error = Some(err),
                jobs::LiveOut::Index {
                    index,
                    index_error,
                    index_time,
                } => {
                    if let Some(col) = &mut self.collection {
                        col.index = index;
                        col.index_error = index_error;
                        col.index_time = index_time;
                        self.search.invalidate();
                    }
                }
                jobs::LiveOut::Failed(err) => {
                    if !self.messages.contains(&err) {
                        self.messages.push(err);
                    }
                }
            }
        }
        if let Some(w) = &self.watcher
            && w.take_changed()
        {
            self.changed_at = Some(Instant::now());
        }
        if let Some(at) = self.changed_at {
            // Debounce: editors write in several steps.
            let quiet = Duration::from_millis(400);
            if at.elapsed() >= quiet && self.job.is_none() {
                self.changed_at = None;
                self.start_compile(self.source.clone());
            } else {
                self.ctx.request_repaint_after(quiet);
            }
        }
        if let Some(dialog) = &self.export_dialog
            && let Some(result) = dialog.poll()
        {
            let format = dialog.format;
            self.export_dialog = None;
            match result {
                PickResult::Picked(path) => self.commands.push(Command::ExportTo { format, path }),
                PickResult::Cancelled => {}
                PickResult::Unavailable => {
                    self.messages.push(
                        "No save dialog could be shown (no desktop portal and no zenity). Type a path instead."
                            .to_owned(),
                    );
                    self.export_field = Some((format, self.export_default_path(format)));
                }
            }
        }
        if let Some(dialog) = &self.dialog
            && let Some(result) = dialog.poll()
        {
            self.dialog = None;
            match result {
                PickResult::Picked(path) => self.commands.push(Command::OpenPath(path)),
                PickResult::Cancelled => {}
                PickResult::Unavailable => {
                    self.messages.push(
                        "No file dialog could be shown (no desktop portal and no zenity). Type a path instead."
                            .to_owned(),
                    );
                    self.path_field.get_or_insert_with(String::new);
                }
            }
        }
        self.poll_layout();
        self.poll_study_saver();
        if self.state_dirty {
            let every = Duration::from_secs(2);
            if self.last_save.elapsed() >= every {
                self.save_state();
            } else {
                self.ctx.request_repaint_after(every);
            }
        }
    }

    fn poll_layout(&mut self) {
        let Some(layout) = &mut self.layout else {
            return;
        };
        let Some(snap) = layout.worker.latest() else {
            return;
        };
        if layout.last.as_ref().is_some_and(|l| Arc::ptr_eq(l, &snap)) {
            return;
        }
        layout.last = Some(snap.clone());
        if snap.generation <= layout.generation_floor
            || snap.positions.len() != self.map.positions.len()
        {
            return;
        }
        layout.settled = snap.settled;
        let dragging = self.map.dragging();
        for (i, (p, s)) in self
            .map
            .positions
            .iter_mut()
            .zip(&snap.positions)
            .enumerate()
        {
            if Some(i) == dragging || !s[0].is_finite() || !s[1].is_finite() {
                continue;
            }
            *p = pos2(s[0], s[1]) * WORLD_PER_LAYOUT;
        }
        if self.auto_fit {
            self.map.fit_requested = true;
        }
    }

    /// Saves pins, camera and panes of the current collection, and the global settings.
    pub fn save_state(&mut self) {
        let key = self.collection_key();
        if let Some(col) = &self.collection {
            let entry = self.saved.collections.entry(key).or_default();
            entry.camera = Some(self.map.camera);
            entry.pins = col
                .model
                .nodes
                .iter()
                .enumerate()
                .filter(|(i, _)| self.map.pinned.get(*i).copied().unwrap_or(false))
                .filter_map(|(i, n)| {
                    self.map
                        .positions
                        .get(i)
                        .map(|p| (n.id.clone(), [p.x, p.y]))
                })
                .collect();
            entry.panes.clone_from(&self.panes.open);
        }
        match self.store.save(&self.saved) {
            Ok(()) => {
                self.state_dirty = false;
                if let Some(err) = self.state_save_error.take() {
                    self.messages.retain(|m| *m != err);
                    self.messages
                        .push("The map state is saved again.".to_owned());
                }
            }
            Err(err) => {
                log::warn!("{err}");
                // Still dirty: tried again every two seconds until it works (unless saving is
                // off because the file on disk could not be read).
                self.state_dirty = !self.store.is_blocked();
                if !self.messages.contains(&err) {
                    self.messages.push(err.clone());
                }
                self.state_save_error = Some(err);
            }
        }
        self.last_save = Instant::now();
    }

    /// The entity a section is mostly about: one named in its title, else the one it mentions
    /// most, else the first on the map.
    fn main_entity(&self, section_id: &str, entity_ids: &[String]) -> Option<String> {
        let col = self.collection.as_ref()?;
        let facts = col
            .section_index
            .get(section_id)
            .and_then(|&i| col.compiled.sections.get(i));
        let title = facts
            .and_then(|f| col.compiled.section(f))
            .map(|(_, s)| s.title.to_lowercase())
            .unwrap_or_default();
        let score = |id: &str| -> (bool, usize) {
            let in_title = col
                .model
                .index
                .get(id)
                .and_then(|&n| col.model.nodes.get(n))
                .is_some_and(|n| {
                    let label = n.label.to_lowercase();
                    let short = label
                        .trim_start_matches("amazon ")
                        .trim_start_matches("aws ");
                    !title.is_empty() && (title.contains(&label) || title.contains(short))
                });
            let count = facts.map_or(0, |f| {
                f.mentions.iter().filter(|m| m.entity_id() == id).count()
            });
            (in_title, count)
        };
        entity_ids
            .iter()
            .filter(|id| col.model.index.contains_key(id.as_str()))
            .max_by(|a, b| score(a).cmp(&score(b)).then(b.cmp(a)))
            .cloned()
    }

    /// Is a compile or index job running?
    pub fn is_compiling(&self) -> bool {
        self.job.is_some()
    }

    /// Node index of an entity id.
    fn node_ix(&self, id: &str) -> Option<usize> {
        self.collection.as_ref()?.model.index.get(id).copied()
    }

    /// Applies one command.
    pub fn run_command(&mut self, command: Command) {
        match command {
            Command::Select { entity_id, center } => {
                if let Some(ix) = self.node_ix(&entity_id) {
                    if center {
                        self.map.center_on = Some(ix);
                    }
                    self.panes.open(&entity_id);
                    self.selected = Some(entity_id);
                }
            }
            Command::ClearSelection => self.selected = None,
            Command::Focus(entity_id) => {
                if self.node_ix(&entity_id).is_some() {
                    self.selected = Some(entity_id);
                }
            }
            Command::ClosePane(id) => {
                self.panes.close(&id);
                if self.selected.as_deref() == Some(id.as_str()) {
                    self.selected = None;
                }
                self.state_dirty = true;
            }
            Command::OpenSection {
                section_id,
                entity_ids,
            } => {
                let first = self.main_entity(&section_id, &entity_ids);
                match first {
                    Some(id) => self.run_command(Command::Select {
                        entity_id: id,
                        center: true,
                    }),
                    None => self.messages.push(format!(
                        "The section {section_id} mentions no entity on the map."
                    )),
                }
            }
            Command::TogglePin(id) => {
                if let Some(ix) = self.node_ix(&id) {
                    let now = !self.map.pinned.get(ix).copied().unwrap_or(false);
                    if let Some(p) = self.map.pinned.get_mut(ix) {
                        *p = now;
                    }
                    if let (Some(layout), Some(p)) = (&self.layout, self.map.positions.get(ix)) {
                        layout.worker.send(if now {
                            LayoutCommand::Pin(ix, to_layout(*p))
                        } else {
                            LayoutCommand::Unpin(ix)
                        });
                    }
                    self.save_state();
                }
            }
            Command::UnpinAll => {
                for (i, p) in self.map.pinned.iter_mut().enumerate() {
                    if *p {
                        *p = false;
                        if let Some(layout) = &self.layout {
                            layout.worker.send(LayoutCommand::Unpin(i));
                        }
                    }
                }
                self.save_state();
            }
            Command::OpenPath(path) => {
                if self.collection.is_some() {
                    self.save_state();
                }
                self.saved.push_recent(&path);
                self.path_field = None;
                let source = Source::Path(path);
                self.source = source.clone();
                self.first_install = true;
                self.collection = None;
                self.selected = None;
                self.panes = Panes::default();
                self.watcher = None;
                self.live = None;
                self.ctx
                    .send_viewport_cmd(egui::ViewportCommand::Title(format!(
                        "cloudatlas — {}",
                        source.display_name()
                    )));
                self.start_compile(source);
                self.state_dirty = true;
            }
            Command::PickNotes(kind) => {
                if self.dialog.is_none() {
                    match FileDialogJob::spawn(kind, self.wake.clone()) {
                        Ok(d) => self.dialog = Some(d),
                        Err(err) => self
                            .messages
                            .push(format!("Could not open a file dialog: {err}")),
                    }
                }
            }
            Command::Recompile => {
                if self.job.is_none() {
                    self.start_compile(self.source.clone());
                }
            }
            Command::FitView => {
                self.map.fit_requested = true;
                self.map.fit_main = false;
            }
            Command::ToggleTheme => {
                self.saved.dark = !self.saved.dark;
                self.theme = Theme::for_mode(self.saved.dark);
                self.ctx.set_visuals(self.theme.visuals());
                self.state_dirty = true;
            }
            Command::OpenInEditor { file, line } => open_in_editor(&file, line, &mut self.messages),
            Command::OpenLink { note, target } => self.open_link(&note, &target),
            Command::Quit => self.ctx.send_viewport_cmd(egui::ViewportCommand::Close),
            Command::Study(intent) => self.run_study_intent(intent),
            Command::Review(intent) => self.run_review_intent(intent),
            Command::QuickMark { id, level } => self.quick_mark(&id, level),
            Command::OpenMarkForm(id) => self.open_mark_form(&id),
            Command::MarkSelection => self.mark_selection(),
            Command::ToggleStudyPanel => self.study.show_panel = !self.study.show_panel,
            Command::StartReview => {
                self.run_study_intent(study_panel::StudyIntent::StartReview);
            }
            Command::Export(format) => {
                if self.export_dialog.is_none() {
                    let name = format!("{}.{}", self.export_stem(), format.extension());
                    match jobs::SaveDialogJob::spawn(format, name, self.wake.clone()) {
                        Ok(d) => self.export_dialog = Some(d),
                        Err(err) => {
                            self.messages
                                .push(format!("Could not open a save dialog: {err}"));
                            self.export_field = Some((format, self.export_default_path(format)));
                        }
                    }
                }
            }
            Command::ExportTo {
                format: ExportKind::View(view),
                path,
            } => {
                self.export_field = None;
                self.start_view_export(view, path);
            }
            Command::ExportTo {
                format: ExportKind::Graph(format),
                path,
            } => {
                self.export_field = None;
                match self.export_to(format, &path) {
                    Ok(()) => self.messages.push(format!(
                        "Exported the graph ({}) to {}",
                        format.as_str(),
                        path.display()
                    )),
                    Err(err) => self.messages.push(err),
                }
            }
        }
    }

    /// A file name stem for exports: the notes' name.
    fn export_stem(&self) -> String {
        let name = crate::util::slug(&self.source.display_name());
        if name.is_empty() {
            "cloudatlas".to_owned()
        } else {
            name
        }
    }

    /// A suggested export path: next to the notes, named after them.
    fn export_default_path(&self, format: ExportKind) -> String {
        let name = format!("{}.{}", self.export_stem(), format.extension());
        let dir = self
            .source
            .path()
            .and_then(|p| if p.is_dir() { Some(p) } else { p.parent() })
            .map(std::path::Path::to_path_buf)
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_default();
        dir.join(name).display().to_string()
    }

    /// Writes the current graph with the map's current positions (in layout units) as `format`.
    pub fn export_to(
        &self,
        format: crate::export::Format,
        path: &std::path::Path,
    ) -> Result<(), String> {
        let col = self
            .collection
            .as_ref()
            .ok_or_else(|| "No notes are open: nothing to export.".to_owned())?;
        let positions: crate::export::Positions = col
            .model
            .nodes
            .iter()
            .zip(&self.map.positions)
            .filter(|(_, p)| p.x.is_finite() && p.y.is_finite())
            .map(|(n, p)| (n.id.clone(), to_layout(*p)))
            .collect();
        let text = crate::export::export(&col.compiled, format, Some(&positions))
            .map_err(|err| format!("Could not export: {err}"))?;
        crate::util::write_atomic(path, text.as_bytes())
            .map_err(|err| format!("Could not write {}: {err}", path.display()))
    }

    /// Recomputes which nodes pass the filters and which are search hits.
    fn update_masks(&mut self) {
        let Some(col) = &self.collection else {
            self.shown.clear();
            self.search_hit.clear();
            return;
        };
        let model = &col.model;
        let text = self.filters.text.trim().to_lowercase();
        let local = match (self.filters.local_depth, self.selected.as_deref()) {
            (0, _) | (_, None) => None,
            (depth, Some(id)) => model
                .index
                .get(id)
                .map(|&ix| model.neighbourhood(ix, depth)),
        };
        self.shown.clear();
        self.shown
            .extend(model.nodes.iter().enumerate().map(|(i, n)| {
                let kind_ix = crate::graph::EntityKind::ALL
                    .iter()
                    .position(|k| *k == n.kind)
                    .unwrap_or(0);
                self.filters.kinds.get(kind_ix).copied().unwrap_or(true)
                    && n.mentions >= self.filters.min_mentions
                    && !self.filters.hidden_categories.contains(&n.category)
                    && (text.is_empty()
                        || n.label.to_lowercase().contains(&text)
                        || n.id.contains(&text))
                    && local
                        .as_ref()
                        .is_none_or(|m| m.get(i).copied().unwrap_or(false))
                    && (!self.filters.weak_only || self.study.neighbourhood.contains(&n.id))
            }));
        self.search_hit.clear();
        self.search_hit.resize(model.nodes.len(), false);
        for id in self.search.hit_entities() {
            if let Some(&ix) = model.index.get(id)
                && let Some(h) = self.search_hit.get_mut(ix)
            {
                *h = true;
            }
        }
    }
}

impl Drop for Explorer {
    fn drop(&mut self) {
        if self.collection.is_some() {
            self.save_state();
        }
    }
}

impl eframe::App for Explorer {
    fn logic(&mut self, _ctx: &egui::Context, _frame: &mut eframe::Frame) {
        Explorer::logic(self);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frame_ui(ui);
    }
}

/// Map points (at zoom 1) per layout unit (the layout's link rest length is about 1 unit).
const WORLD_PER_LAYOUT: f32 = 60.0;

/// A map position in layout units.
fn to_layout(p: Pos2) -> [f32; 2] {
    [p.x / WORLD_PER_LAYOUT, p.y / WORLD_PER_LAYOUT]
}

/// Deterministic first positions while the layout has not answered: a sunflower spiral, most
/// important nodes in the middle.
fn spiral(rank: usize) -> Pos2 {
    let r = 40.0 * (rank as f32 + 0.5).sqrt();
    let a = rank as f32 * 2.399_963;
    pos2(r * a.cos(), r * a.sin())
}

impl Explorer {
    /// Opens a link of a note after [`crate::vault::link_target`] allowed it; says why not
    /// otherwise.
    fn open_link(&mut self, note: &str, target: &str) {
        let root = self.collection.as_ref().and_then(|c| c.source.path());
        match crate::vault::link_target(root, note, target) {
            Ok(crate::vault::LinkTarget::Web(url)) => {
                self.ctx.open_url(egui::OpenUrl::new_tab(url));
            }
            Ok(crate::vault::LinkTarget::File(path)) => {
                let is_note = path.extension().is_some_and(|e| {
                    ["md", "markdown", "txt"]
                        .iter()
                        .any(|n| e.eq_ignore_ascii_case(n))
                });
                if is_note {
                    open_in_editor(&path, 1, &mut self.messages);
                } else if let Err(err) = std::process::Command::new("xdg-open").arg(&path).spawn() {
                    self.messages
                        .push(format!("Could not open {} ({err})", path.display()));
                }
            }
            Err(refused) => self.messages.push(format!("{note}: {refused}")),
        }
    }
}

/// Opens `file` at `line` in `$VISUAL`/`$EDITOR` (as `EDITOR +LINE FILE`), else with the desktop's
/// default application. Never waits for the editor.
fn open_in_editor(file: &std::path::Path, line: u32, messages: &mut Vec<String>) {
    let editor = std::env::var("VISUAL")
        .or_else(|_| std::env::var("EDITOR"))
        .ok();
    let mut command = match editor {
        Some(editor) if !editor.trim().is_empty() => {
            let mut parts = editor.split_whitespace();
            let program = parts.next().unwrap_or("xdg-open");
            let mut c = std::process::Command::new(program);
            c.args(parts).arg(format!("+{line}")).arg(file);
            c
        }
        _ => {
            let mut c = std::process::Command::new("xdg-open");
            c.arg(file);
            c
        }
    };
    if let Err(err) = command.spawn() {
        messages.push(format!(
            "Could not open an editor ({err}): {}:{line}",
            file.display()
        ));
    }
}
