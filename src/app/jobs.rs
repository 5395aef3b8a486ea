//! Background work, so the UI thread never waits: the compile + index job, the file watcher, the
//! live recompiler that applies changed files incrementally (only they are parsed, extracted and
//! re-indexed), and the native file dialog.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{
    Receiver, RecvTimeoutError, Sender, SyncSender, TryRecvError, channel, sync_channel,
};
use std::time::{Duration, Instant};

use crate::Compiled;
use crate::incremental::Incremental;
use crate::search::SearchIndex;

/// What to compile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// The notes built into the binary.
    Builtin,
    /// A notes file or folder.
    Path(PathBuf),
}

impl Source {
    /// The path, if any.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Source::Builtin => None,
            Source::Path(p) => Some(p),
        }
    }

    /// A short name for the title bar and the status bar.
    pub fn display_name(&self) -> String {
        match self {
            Source::Builtin => "built-in notes".to_owned(),
            Source::Path(p) => p.file_name().map_or_else(
                || p.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            ),
        }
    }
}

/// A compiled and indexed collection, ready for the UI.
pub struct Loaded {
    pub compiled: Arc<Compiled>,
    pub index: Option<Arc<SearchIndex>>,
    /// Why there is no index, if there is none.
    pub index_error: Option<String>,
    pub compile_time: Duration,
    pub index_time: Duration,
    /// The per-note results behind `compiled`, for the live recompiler (notes on disk only).
    pub incremental: Option<Box<Incremental>>,
}

/// Where a job is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Compiling,
    Indexing,
}

impl Stage {
    /// A progress fraction for the status bar.
    pub fn fraction(self) -> f32 {
        match self {
            Stage::Compiling => 0.25,
            Stage::Indexing => 0.7,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Stage::Compiling => "Compiling notes…",
            Stage::Indexing => "Indexing sections…",
        }
    }
}

enum JobMsg {
    Stage(Stage),
    Done(Result<Loaded, String>),
}

/// Compiles and indexes `source` on the current thread, reporting stages to `report`.
pub fn compile_and_index(source: &Source, report: &dyn Fn(Stage)) -> Result<Loaded, String> {
    let (compiled, took, incremental) = compile_only(source, report)?;
    let mut loaded = index_compiled(compiled, took, report);
    loaded.incremental = incremental;
    Ok(loaded)
}

/// What [`compile_only`] gives: the collection, the time taken, and for notes on disk the
/// per-note results that later changes are applied to.
type CompiledOnly = (Compiled, Duration, Option<Box<Incremental>>);

/// Compiles `source`; returns it with the time taken (and the incremental state for a path).
fn compile_only(source: &Source, report: &dyn Fn(Stage)) -> Result<CompiledOnly, String> {
    report(Stage::Compiling);
    let started = Instant::now();
    match source {
        Source::Builtin => Ok((crate::compile_builtin(), started.elapsed(), None)),
        Source::Path(p) => {
            let inc = Incremental::open(p).map_err(|e| format!("{e}"))?;
            let compiled = inc.compiled().clone();
            Ok((compiled, started.elapsed(), Some(Box::new(inc))))
        }
    }
}

/// Where the window keeps search indexes between runs: `$CLOUDATLAS_CACHE_DIR/search`, else the
/// platform's cache folder.
pub fn index_cache_root() -> Option<PathBuf> {
    match std::env::var_os("CLOUDATLAS_CACHE_DIR") {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir).join("search")),
        _ => SearchIndex::default_cache_dir(),
    }
}

/// Indexes a compiled collection through the on-disk cache in `root`: reopened when these exact
/// notes were indexed before (a second start), else built there. Falls back to an index in memory
/// when the cache cannot be used.
pub fn index_compiled_cached(
    compiled: Compiled,
    compile_time: Duration,
    report: &dyn Fn(Stage),
    root: &Path,
) -> Loaded {
    report(Stage::Indexing);
    let started = Instant::now();
    match SearchIndex::open_or_build(&compiled, root) {
        Ok(opened) => {
            log::info!(
                "search index {:?} at {} in {:.1} ms",
                opened.status,
                opened.dir.display(),
                started.elapsed().as_secs_f64() * 1e3
            );
            Loaded {
                compiled: Arc::new(compiled),
                index: Some(Arc::new(opened.index)),
                index_error: None,
                compile_time,
                index_time: started.elapsed(),
                incremental: None,
            }
        }
        Err(err) => {
            log::warn!("search index cache {} unusable: {err}", root.display());
            index_compiled(compiled, compile_time, report)
        }
    }
}

/// Indexes an already compiled collection.
pub fn index_compiled(
    compiled: Compiled,
    compile_time: Duration,
    report: &dyn Fn(Stage),
) -> Loaded {
    report(Stage::Indexing);
    let started = Instant::now();
    let (index, index_error) = match SearchIndex::build(&compiled) {
        Ok(index) => (Some(Arc::new(index)), None),
        Err(err) => (None, Some(err.to_string())),
    };
    Loaded {
        compiled: Arc::new(compiled),
        index,
        index_error,
        compile_time,
        index_time: started.elapsed(),
        incremental: None,
    }
}

/// The compile + index job on a named thread. At most one runs at a time (the app drops the old
/// one, whose result is then ignored).
pub struct CompileJob {
    rx: Receiver<JobMsg>,
    /// The latest stage reported.
    pub stage: Stage,
    pub source: Source,
    _thread: std::thread::JoinHandle<()>,
}

impl CompileJob {
    /// Starts compiling; `wake` is called whenever there is news (the app passes a repaint).
    /// With `cache`, the search index goes through the on-disk cache in that folder.
    pub fn spawn(
        source: Source,
        wake: Arc<dyn Fn() + Send + Sync>,
        cache: Option<PathBuf>,
    ) -> std::io::Result<Self> {
        let (tx, rx): (SyncSender<JobMsg>, Receiver<JobMsg>) = sync_channel(8);
        let job_source = source.clone();
        let thread = std::thread::Builder::new()
            .name("compile".into())
            .spawn(move || {
                let stage_tx = tx.clone();
                let stage_wake = wake.clone();
                let report = move |stage: Stage| {
                    let _ = stage_tx.try_send(JobMsg::Stage(stage));
                    stage_wake();
                };
                let result = match &cache {
                    None => compile_and_index(&job_source, &report),
                    Some(root) => {
                        compile_only(&job_source, &report).map(|(compiled, took, inc)| {
                            let mut loaded = index_compiled_cached(compiled, took, &report, root);
                            loaded.incremental = inc;
                            loaded
                        })
                    }
                };
                let _ = tx.send(JobMsg::Done(result));
                wake();
            })?;
        Ok(Self {
            rx,
            stage: Stage::Compiling,
            source,
            _thread: thread,
        })
    }

    /// The result, once there is one. Never blocks.
    pub fn poll(&mut self) -> Option<Result<Loaded, String>> {
        loop {
            match self.rx.try_recv() {
                Ok(JobMsg::Stage(stage)) => self.stage = stage,
                Ok(JobMsg::Done(result)) => return Some(result),
                Err(TryRecvError::Empty) => return None,
                Err(TryRecvError::Disconnected) => {
                    return Some(Err("the compile thread stopped unexpectedly".to_owned()));
                }
            }
        }
    }
}

/// Watches a notes file or folder. With a live recompiler, changed paths go straight to it (its
/// thread debounces them); without one, [`NotesWatcher::take_changed`] says the notes changed.
pub struct NotesWatcher {
    changed: Arc<AtomicBool>,
    _watcher: notify::RecommendedWatcher,
}

impl NotesWatcher {
    /// Watches `path`: a folder recursively, and in any case the folder above it for `path`
    /// itself, so that a file replaced by an editor's save-by-rename, or deleted and created
    /// again, is still seen (a watch on the file alone dies with the file it was put on).
    /// With `live`, changed paths go to the live recompiler instead of the changed flag.
    pub fn new(
        path: &Path,
        wake: Arc<dyn Fn() + Send + Sync>,
        live: Option<Sender<LiveMsg>>,
    ) -> notify::Result<Self> {
        use notify::Watcher as _;
        let changed = Arc::new(AtomicBool::new(false));
        let flag = changed.clone();
        let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let is_dir = target.is_dir();
        let parent = target.parent().map(Path::to_path_buf);
        let watched = target.clone();
        let mut watcher =
            notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
                let Ok(event) = event else { return };
                let relevant = matches!(
                    event.kind,
                    notify::EventKind::Create(_)
                        | notify::EventKind::Modify(_)
                        | notify::EventKind::Remove(_)
                ) && (event.paths.is_empty()
                    || event.paths.iter().any(|p| p.starts_with(&watched)));
                if !relevant {
                    return;
                }
                let sent = live.as_ref().is_some_and(|tx| {
                    tx.send(LiveMsg::Paths(Instant::now(), event.paths.clone()))
                        .is_ok()
                });
                if !sent {
                    flag.store(true, Ordering::Release);
                    wake();
                }
            })?;
        if is_dir {
            watcher.watch(&target, notify::RecursiveMode::Recursive)?;
        }
        match &parent {
            Some(parent) if parent.is_dir() => {
                watcher.watch(parent, notify::RecursiveMode::NonRecursive)?;
            }
            _ if !is_dir => watcher.watch(&target, notify::RecursiveMode::NonRecursive)?,
            _ => {}
        }
        Ok(Self {
            changed,
            _watcher: watcher,
        })
    }

    /// `true` once after the notes changed (only without a live recompiler).
    pub fn take_changed(&self) -> bool {
        self.changed.swap(false, Ordering::AcqRel)
    }
}

/// What the watcher tells the live recompiler.
pub enum LiveMsg {
    /// Paths that changed, and when the watcher heard of them.
    Paths(Instant, Vec<PathBuf>),
}

/// What the live recompiler sends: the new compile first (the map shows it at once), then the
/// search index updated for it.
pub enum LiveOut {
    Graph(LiveUpdate),
    Index {
        index: Option<Arc<SearchIndex>>,
        index_error: Option<String>,
        index_time: Duration,
    },
    Failed(String),
    /// The notes file or folder itself is gone (deleted or moved away): the app shows it as a
    /// load error and keeps what it has; the notes coming back are compiled in full.
    Missing(String),
}

/// A collection updated by the live recompiler (its `index` is the previous one until the
/// [`LiveOut::Index`] that follows).
pub struct LiveUpdate {
    pub loaded: Loaded,
    /// When the watcher heard of the first change this update holds.
    pub first_event: Instant,
    /// Note files applied.
    pub files: Vec<String>,
}

/// How long the watcher must be quiet before changed files are recompiled: editors write a file
/// in a few steps within a millisecond or two; each millisecond here adds to the time until the
/// map shows the change.
pub const LIVE_QUIET: Duration = Duration::from_millis(8);

/// Applies changed files incrementally on a named thread: it owns the per-note results and the
/// search index, waits for [`LIVE_QUIET`] after the last change, recompiles only the changed
/// notes, re-indexes only their sections, and sends the new collection to the app.
pub struct LiveRecompiler {
    tx: Sender<LiveMsg>,
    rx: Receiver<LiveOut>,
    _thread: std::thread::JoinHandle<()>,
}

impl LiveRecompiler {
    /// Starts the thread with the state of an install.
    pub fn spawn(
        inc: Incremental,
        index: Option<Arc<SearchIndex>>,
        wake: Arc<dyn Fn() + Send + Sync>,
    ) -> std::io::Result<Self> {
        let (tx, in_rx) = channel::<LiveMsg>();
        let (out_tx, rx) = channel();
        let thread = std::thread::Builder::new()
            .name("live-recompile".into())
            .spawn(move || live_loop(inc, index, &in_rx, &out_tx, wake.as_ref()))?;
        Ok(Self {
            tx,
            rx,
            _thread: thread,
        })
    }

    /// Where the watcher sends changed paths.
    pub fn sender(&self) -> Sender<LiveMsg> {
        self.tx.clone()
    }

    /// The next message, if any. Never blocks.
    pub fn poll(&self) -> Option<LiveOut> {
        self.rx.try_recv().ok()
    }
}

/// Paths the incremental recompile cannot apply one by one: a folder moved in, or a folder that
/// held notes moved out or deleted. Editors' temporary files (vim's `4913`, `*.swp`) are not.
fn needs_full(path: &Path, root: &Path, inc: &Incremental) -> bool {
    let is_note_or_picture = path.extension().is_some_and(|e| {
        let e = e.to_string_lossy().to_ascii_lowercase();
        matches!(e.as_str(), "md" | "markdown" | "txt") || crate::vault::is_image(&format!("x.{e}"))
    });
    if is_note_or_picture {
        return false;
    }
    if path.is_dir() {
        return true;
    }
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let prefix = format!("{}/", rel.to_string_lossy().replace('\\', "/"));
    !path.exists()
        && inc
            .compiled()
            .notes
            .notes
            .iter()
            .any(|n| n.file.starts_with(&prefix))
}

fn live_loop(
    mut inc: Incremental,
    mut index: Option<Arc<SearchIndex>>,
    rx: &Receiver<LiveMsg>,
    tx: &Sender<LiveOut>,
    wake: &(dyn Fn() + Send + Sync),
) {
    let Some(root) = inc.compiled().notes.root.clone() else {
        return;
    };
    let hidden = |p: &Path| {
        p.strip_prefix(&root).is_ok_and(|rel| {
            rel.components()
                .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
        })
    };
    let mut missing = false;
    while let Ok(LiveMsg::Paths(first_event, paths)) = rx.recv() {
        let mut changed: BTreeSet<PathBuf> = paths.into_iter().collect();
        loop {
            match rx.recv_timeout(LIVE_QUIET) {
                Ok(LiveMsg::Paths(_, more)) => changed.extend(more),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        changed.retain(|p| !hidden(p));
        if changed.is_empty() {
            continue;
        }
        if !root.exists() {
            if !missing {
                missing = true;
                let gone = format!("{}: the notes are gone (deleted or moved)", root.display());
                if tx.send(LiveOut::Missing(gone)).is_err() {
                    return;
                }
                wake();
            }
            continue;
        }
        let started = Instant::now();
        // Notes that come back after being gone are compiled in full.
        let full =
            std::mem::take(&mut missing) || changed.iter().any(|p| needs_full(p, &root, &inc));
        let result = if full {
            log::info!("a folder changed: recompiling every note");
            Incremental::open(&root).map(|fresh| {
                inc = fresh;
                Vec::new()
            })
        } else {
            let paths: Vec<PathBuf> = changed.into_iter().collect();
            inc.recompile_paths(&paths)
        };
        let changes = match result {
            Ok(changes) => changes,
            Err(err) => {
                let _ = tx.send(LiveOut::Failed(format!(
                    "could not recompile the notes: {err}"
                )));
                wake();
                continue;
            }
        };
        if !full
            && changes.iter().all(crate::incremental::Change::is_empty)
            && inc.timings.notes_resolved == 0
        {
            continue;
        }
        let compile_time = started.elapsed();
        let files: Vec<String> = changes.iter().map(|c| c.file.clone()).collect();
        let compiled = Arc::new(inc.compiled().clone());
        let update = LiveUpdate {
            loaded: Loaded {
                compiled: compiled.clone(),
                index: index.clone(),
                index_error: None,
                compile_time,
                index_time: Duration::ZERO,
                incremental: None,
            },
            first_event,
            files: files.clone(),
        };
        if tx.send(LiveOut::Graph(update)).is_err() {
            return;
        }
        wake();
        let index_started = Instant::now();
        let file_refs: Vec<&str> = files.iter().map(String::as_str).collect();
        let updated = match (&index, full) {
            (Some(old), false) => old
                .update_files(&compiled, &file_refs)
                .or_else(|_| SearchIndex::build(&compiled)),
            _ => SearchIndex::build(&compiled),
        };
        let (new_index, index_error) = match updated {
            Ok(i) => (Some(Arc::new(i)), None),
            Err(err) => (None, Some(err.to_string())),
        };
        index.clone_from(&new_index);
        let index_time = index_started.elapsed();
        log::debug!(
            "live recompile of {files:?}: compile {compile_time:?}, index {index_time:?} ({:?})",
            inc.timings
        );
        let sent = tx.send(LiveOut::Index {
            index: new_index,
            index_error,
            index_time,
        });
        if sent.is_err() {
            return;
        }
        wake();
    }
}

/// What the user asked the native dialog for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PickKind {
    File,
    Folder,
}

/// The result of a file dialog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PickResult {
    Picked(PathBuf),
    Cancelled,
    /// No dialog could be shown (no portal, no zenity): rfd returns at once with nothing.
    Unavailable,
}

/// A native file dialog on a named thread (it may block until the user answers).
pub struct FileDialogJob {
    rx: Receiver<PickResult>,
}

/// rfd gives no error when it cannot show a dialog; it returns "nothing" within ~50 ms. A person
/// cannot cancel a dialog that fast, so a quicker empty answer means "unavailable".
const NO_DIALOG_WITHIN: Duration = Duration::from_millis(250);

impl FileDialogJob {
    pub fn spawn(kind: PickKind, wake: Arc<dyn Fn() + Send + Sync>) -> std::io::Result<Self> {
        let (tx, rx) = sync_channel(1);
        std::thread::Builder::new()
            .name("file-dialog".into())
            .spawn(move || {
                let started = Instant::now();
                let dialog = rfd::FileDialog::new().set_title("Open notes");
                let picked = match kind {
                    PickKind::File => dialog
                        .add_filter("Notes", &["txt", "md", "markdown"])
                        .pick_file(),
                    PickKind::Folder => dialog.pick_folder(),
                };
                let result = match picked {
                    Some(p) => PickResult::Picked(p),
                    None if started.elapsed() < NO_DIALOG_WITHIN => PickResult::Unavailable,
                    None => PickResult::Cancelled,
                };
                let _ = tx.send(result);
                wake();
            })?;
        Ok(Self { rx })
    }

    /// The answer, once there is one.
    pub fn poll(&self) -> Option<PickResult> {
        match self.rx.try_recv() {
            Ok(r) => Some(r),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(PickResult::Unavailable),
        }
    }
}

/// A save dialog for an export, on its own thread (a blocking dialog must not stall the UI).
pub struct SaveDialogJob {
    pub format: super::ExportKind,
    rx: Receiver<PickResult>,
}

impl SaveDialogJob {
    pub fn spawn(
        format: super::ExportKind,
        file_name: String,
        wake: Arc<dyn Fn() + Send + Sync>,
    ) -> std::io::Result<Self> {
        let (tx, rx) = sync_channel(1);
        std::thread::Builder::new()
            .name("save-dialog".into())
            .spawn(move || {
                let started = Instant::now();
                let picked = rfd::FileDialog::new()
                    .set_title(match format {
                        super::ExportKind::Graph(_) => "Export the graph",
                        super::ExportKind::View(_) => "Export the map view",
                    })
                    .set_file_name(&file_name)
                    .add_filter(format.as_str(), &[format.extension()])
                    .save_file();
                let result = match picked {
                    Some(p) => PickResult::Picked(p),
                    None if started.elapsed() < NO_DIALOG_WITHIN => PickResult::Unavailable,
                    None => PickResult::Cancelled,
                };
                let _ = tx.send(result);
                wake();
            })?;
        Ok(Self { format, rx })
    }

    /// The answer, once there is one.
    pub fn poll(&self) -> Option<PickResult> {
        match self.rx.try_recv() {
            Ok(r) => Some(r),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(PickResult::Unavailable),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_folders_that_held_notes_force_a_full_recompile() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join("sub/a.md"), "# A\n").unwrap();
        let inc = Incremental::open(root).unwrap();
        // vim's write test file, created and deleted at once.
        assert!(!needs_full(&root.join("4913"), root, &inc));
        assert!(!needs_full(&root.join("sub/a.md"), root, &inc));
        std::fs::create_dir_all(root.join("new")).unwrap();
        assert!(needs_full(&root.join("new"), root, &inc));
        std::fs::remove_dir_all(root.join("sub")).unwrap();
        assert!(needs_full(&root.join("sub"), root, &inc));
    }

    #[test]
    fn job_compiles_in_background() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("n.txt");
        std::fs::write(&file, "Topic one\n  some text\n").unwrap();
        let mut job = CompileJob::spawn(Source::Path(file), Arc::new(|| {}), None).unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        let result = loop {
            if let Some(r) = job.poll() {
                break r;
            }
            assert!(Instant::now() < deadline);
            std::thread::sleep(Duration::from_millis(5));
        };
        let loaded = result.unwrap();
        assert_eq!(loaded.compiled.notes.notes.len(), 1);

        let missing = Source::Path(dir.path().join("nope.txt"));
        assert!(compile_and_index(&missing, &|_| {}).is_err());
    }
}
