//! Saving the study file off the UI thread: a named background thread that writes the latest
//! store it was given (intermediate versions are skipped: the latest wins) with the atomic
//! [`storage::save`]. Dropping the [`Saver`] writes what is pending and joins the thread.
//!
//! A failed save (disk full, read-only or unwritable folder) leaves the file on disk as it was
//! (the write is atomic), keeps the store in memory and is reported once through
//! [`Saver::take_error`]; the saver tries again on the next change and every
//! [`RETRY_EVERY`] until a write succeeds ([`Saver::take_recovered`] then says so), and once
//! more when it is dropped.

use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::StudyError;
use super::model::Store;
use super::storage;

/// How long the saver waits before trying a failed save again (without a newer change).
pub const RETRY_EVERY: Duration = Duration::from_secs(5);

#[derive(Default)]
struct State {
    /// The latest store not yet written (after a failed save: the store that failed).
    pending: Option<Store>,
    /// `pending` was queued by [`Saver::save`] and not yet tried.
    fresh: bool,
    /// A write is in progress.
    writing: bool,
    /// Stop after writing what is pending.
    shutdown: bool,
    /// Why the last save failed, while nothing has been written since.
    failing: Option<String>,
    /// A new save error, for the UI to show once.
    error: Option<String>,
    /// A save succeeded after failing, for the UI to show once.
    recovered: bool,
    /// Stores written so far.
    written: u64,
}

struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave State inconsistent: every field is
        // replaced whole.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The background writer of one study file.
pub struct Saver {
    shared: Arc<Shared>,
    handle: Option<JoinHandle<()>>,
}

impl Saver {
    /// Starts the writer thread (`study-save`) for the study file at `path`.
    pub fn spawn(path: PathBuf) -> Result<Self, StudyError> {
        Self::spawn_with_retry(path, RETRY_EVERY)
    }

    /// [`Saver::spawn`] that retries a failed save every `retry` (tests use a short one).
    pub fn spawn_with_retry(path: PathBuf, retry: Duration) -> Result<Self, StudyError> {
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
        });
        let worker = Arc::clone(&shared);
        let handle = std::thread::Builder::new()
            .name("study-save".to_owned())
            .spawn(move || run(&worker, &path, retry))
            .map_err(|source| StudyError::Io {
                path: PathBuf::from("<study-save thread>"),
                source,
            })?;
        Ok(Self {
            shared,
            handle: Some(handle),
        })
    }

    /// Queues `store` to be written (replacing any store still waiting). Never blocks on I/O.
    pub fn save(&self, store: Store) {
        let mut state = self.shared.lock();
        state.pending = Some(store);
        state.fresh = true;
        drop(state);
        self.shared.changed.notify_all();
    }

    /// Waits until everything queued so far is written or its save has failed. Returns whether
    /// everything is on disk.
    pub fn flush(&self) -> bool {
        let mut state = self.shared.lock();
        while state.writing || state.fresh || (state.pending.is_some() && state.failing.is_none()) {
            state = self
                .shared
                .changed
                .wait(state)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        state.pending.is_none()
    }

    /// A new save error, if any (taken: reported once per run of failures).
    pub fn take_error(&self) -> Option<String> {
        self.shared.lock().error.take()
    }

    /// Whether a save succeeded after failing (taken: reported once).
    pub fn take_recovered(&self) -> bool {
        std::mem::take(&mut self.shared.lock().recovered)
    }

    /// Why saves are failing, while a store waits to be written.
    pub fn failing(&self) -> Option<String> {
        self.shared.lock().failing.clone()
    }

    /// How many stores have been written.
    pub fn written(&self) -> u64 {
        self.shared.lock().written
    }
}

impl Drop for Saver {
    fn drop(&mut self) {
        self.shared.lock().shutdown = true;
        self.shared.changed.notify_all();
        if let Some(handle) = self.handle.take()
            && handle.join().is_err()
        {
            log::error!("the study-save thread panicked");
        }
    }
}

/// The message for a failed save: what went wrong in plain words, and the file.
fn describe(err: &StudyError) -> String {
    match err {
        StudyError::Io { path, source } => format!(
            "{}: {}",
            crate::util::explain_write_error(source),
            path.display()
        ),
        other => other.to_string(),
    }
}

fn run(shared: &Shared, path: &std::path::Path, retry: Duration) {
    let mut retry_at: Option<Instant> = None;
    loop {
        let mut state = shared.lock();
        loop {
            let due = retry_at.is_none_or(|at| Instant::now() >= at);
            if state.pending.is_some() && (state.fresh || due || state.shutdown) {
                break;
            }
            if state.pending.is_none() && state.shutdown {
                return;
            }
            state = match (state.pending.is_some(), retry_at) {
                (true, Some(at)) => {
                    let wait = at.saturating_duration_since(Instant::now());
                    shared
                        .changed
                        .wait_timeout(state, wait)
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .0
                }
                _ => shared
                    .changed
                    .wait(state)
                    .unwrap_or_else(std::sync::PoisonError::into_inner),
            };
        }
        let Some(store) = state.pending.take() else {
            continue;
        };
        state.fresh = false;
        state.writing = true;
        drop(state);

        let result = storage::save(path, &store);

        let mut state = shared.lock();
        state.writing = false;
        match result {
            Ok(()) => {
                state.written += 1;
                retry_at = None;
                if state.failing.take().is_some() {
                    log::info!("study file saved again: {}", path.display());
                    state.recovered = true;
                }
            }
            Err(err) => {
                let message = describe(&err);
                log::error!("{message}");
                if state.failing.as_deref() != Some(message.as_str()) {
                    state.error = Some(message.clone());
                }
                state.failing = Some(message);
                // Keep the store that failed unless a newer one is already waiting.
                if state.pending.is_none() {
                    state.pending = Some(store);
                }
                retry_at = Some(Instant::now() + retry);
                if state.shutdown && !state.fresh {
                    log::error!(
                        "quitting with weak-topic changes that could not be saved: {}",
                        path.display()
                    );
                    state.pending = None;
                    drop(state);
                    shared.changed.notify_all();
                    return;
                }
            }
        }
        drop(state);
        shared.changed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::study::model::{Level, MarkTarget};
    use crate::study::time::Timestamp;

    fn store_with(n: usize) -> Store {
        let mut store = Store::new();
        for i in 0..n {
            let target = MarkTarget {
                id: format!("t{i}"),
                ..MarkTarget::default()
            };
            store.mark(target, Level::Weak, "", Timestamp(0));
        }
        store
    }

    #[test]
    fn latest_store_wins_and_drop_flushes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("study.ron");
        {
            let saver = Saver::spawn(path.clone()).unwrap();
            for n in 1..=50 {
                saver.save(store_with(n));
            }
            saver.flush();
            assert!(saver.written() >= 1);
            assert_eq!(storage::load(&path).unwrap().store.marks.len(), 50);
            saver.save(store_with(7));
        }
        assert_eq!(storage::load(&path).unwrap().store.marks.len(), 7);
    }

    #[test]
    fn errors_are_reported_not_fatal() {
        let dir = tempfile::tempdir().unwrap();
        // A file where the folder should be: the save must fail.
        let blocker = dir.path().join("blocker");
        std::fs::write(&blocker, "x").unwrap();
        let saver = Saver::spawn(blocker.join("study.ron")).unwrap();
        saver.save(store_with(1));
        assert!(!saver.flush());
        let error = saver.take_error().expect("an error");
        assert!(error.contains("blocker"), "{error}");
        assert!(saver.take_error().is_none());
    }

    /// Disk full (a real ENOSPC from the write seam): the old file stays, the store waits in
    /// memory, the saver retries on its own and writes everything once space is back.
    #[test]
    fn a_failed_save_is_retried_until_it_succeeds() {
        use crate::util::fault;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("study.ron");
        let saver = Saver::spawn_with_retry(path.clone(), Duration::from_millis(20)).unwrap();
        saver.save(store_with(3));
        assert!(saver.flush());
        let before = std::fs::read(&path).unwrap();

        let full = fault::inject(dir.path(), fault::ENOSPC, fault::Stage::Write { after: 10 });
        saver.save(store_with(5));
        assert!(!saver.flush(), "the save must fail while the disk is full");
        let error = saver.take_error().unwrap();
        assert!(error.starts_with("the disk is full"), "{error}");
        saver.save(store_with(6));
        assert!(!saver.flush());
        assert!(
            saver.take_error().is_none(),
            "the same failure is reported once"
        );
        assert_eq!(
            std::fs::read(&path).unwrap(),
            before,
            "the saved file is untouched"
        );
        assert!(saver.failing().is_some());
        drop(full);

        // No new change: the retry alone writes the latest store.
        let deadline = Instant::now() + Duration::from_secs(10);
        while saver.failing().is_some() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(saver.failing().is_none());
        assert!(saver.take_recovered());
        assert_eq!(storage::load(&path).unwrap().store.marks.len(), 6);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    /// A store that could not be written is tried once more when the saver is dropped.
    #[test]
    fn drop_tries_a_failed_save_once_more() {
        use crate::util::fault;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("study.ron");
        let saver = Saver::spawn_with_retry(path.clone(), Duration::from_secs(3600)).unwrap();
        let ro = fault::inject(dir.path(), fault::EROFS, fault::Stage::Create);
        saver.save(store_with(2));
        assert!(!saver.flush());
        assert!(!path.exists());
        drop(ro);
        drop(saver);
        assert_eq!(storage::load(&path).unwrap().store.marks.len(), 2);
    }
}
