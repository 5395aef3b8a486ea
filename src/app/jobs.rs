//! Background work, so the UI thread never waits: the compile + index job, the file watcher that
//! triggers recompiles, and the native file dialog.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, sync_channel};
use std::time::{Duration, Instant};

use crate::Compiled;
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
    let (compiled, took) = compile_only(source, report)?;
    Ok(index_compiled(compiled, took, report))
}

/// Compiles `source`; returns it with the time taken.
fn compile_only(source: &Source, report: &dyn Fn(Stage)) -> Result<(Compiled, Duration), String> {
    report(Stage::Compiling);
    let started = Instant::now();
    let compiled = match source {
        Source::Builtin => crate::compile_builtin(),
        Source::Path(p) => crate::compile(p).map_err(|e| format!("{e}"))?,
    };
    Ok((compiled, started.elapsed()))
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
                    Some(root) => compile_only(&job_source, &report).map(|(compiled, took)| {
                        index_compiled_cached(compiled, took, &report, root)
                    }),
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

/// Watches a notes file or folder and says when it changed (debounced by the caller).
pub struct NotesWatcher {
    changed: Arc<AtomicBool>,
    _watcher: notify::RecommendedWatcher,
}

impl NotesWatcher {
    /// Watches `path` (recursively for a folder).
    pub fn new(path: &Path, wake: Arc<dyn Fn() + Send + Sync>) -> notify::Result<Self> {
        use notify::Watcher as _;
        let changed = Arc::new(AtomicBool::new(false));
        let flag = changed.clone();
        let mut watcher =
            notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
                let Ok(event) = event else { return };
                if matches!(
                    event.kind,
                    notify::EventKind::Create(_)
                        | notify::EventKind::Modify(_)
                        | notify::EventKind::Remove(_)
                ) {
                    flag.store(true, Ordering::Release);
                    wake();
                }
            })?;
        watcher.watch(path, notify::RecursiveMode::Recursive)?;
        Ok(Self {
            changed,
            _watcher: watcher,
        })
    }

    /// `true` once after the notes changed.
    pub fn take_changed(&self) -> bool {
        self.changed.swap(false, Ordering::AcqRel)
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
