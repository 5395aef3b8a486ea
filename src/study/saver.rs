//! Saving the study file off the UI thread: a named background thread that writes the latest
//! store it was given (intermediate versions are skipped: the latest wins) with the atomic
//! [`storage::save`]. Dropping the [`Saver`] writes what is pending and joins the thread.

use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;

use super::StudyError;
use super::model::Store;
use super::storage;

#[derive(Default)]
struct State {
    /// The latest store not yet written.
    pending: Option<Store>,
    /// A write is in progress.
    writing: bool,
    /// Stop after writing what is pending.
    shutdown: bool,
    /// The last save error, for the UI to show once.
    error: Option<String>,
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
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
        });
        let worker = Arc::clone(&shared);
        let handle = std::thread::Builder::new()
            .name("study-save".to_owned())
            .spawn(move || run(&worker, &path))
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
        drop(state);
        self.shared.changed.notify_all();
    }

    /// Waits until everything queued so far is written.
    pub fn flush(&self) {
        let mut state = self.shared.lock();
        while state.pending.is_some() || state.writing {
            state = self
                .shared
                .changed
                .wait(state)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
    }

    /// The last save error, if any (taken: reported once).
    pub fn take_error(&self) -> Option<String> {
        self.shared.lock().error.take()
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

fn run(shared: &Shared, path: &std::path::Path) {
    loop {
        let mut state = shared.lock();
        while state.pending.is_none() && !state.shutdown {
            state = shared
                .changed
                .wait(state)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        let Some(store) = state.pending.take() else {
            return; // shutdown with nothing pending
        };
        state.writing = true;
        drop(state);

        let result = storage::save(path, &store);

        let mut state = shared.lock();
        state.writing = false;
        match result {
            Ok(()) => state.written += 1,
            Err(err) => {
                log::error!("{err}");
                state.error = Some(err.to_string());
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
        saver.flush();
        let error = saver.take_error().expect("an error");
        assert!(error.contains("blocker"), "{error}");
        assert!(saver.take_error().is_none());
    }
}
