//! The layout worker: a [`LayoutEngine`] on a named thread.
//!
//! Commands go in through a bounded channel (`send` never blocks: when the channel is full,
//! commands wait in an overflow queue, in order); snapshots come out through a shared slot where
//! the latest one wins. While the layout moves, the worker ticks for about one frame, publishes,
//! calls `on_update`, and looks at its commands again; once the layout has settled (or is paused,
//! or has no graph) it blocks on the channel and uses no CPU until a command arrives.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, TrySendError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::{LayoutCommand, LayoutEngine, LayoutError, LayoutSettings, LayoutSnapshot};

/// Commands that fit in the channel before the overflow queue is used.
const CHANNEL_BOUND: usize = 64;
/// Tick for about this long between two snapshots.
const FRAME_BUDGET: Duration = Duration::from_millis(12);

type Slot = Arc<Mutex<Option<Arc<LayoutSnapshot>>>>;

/// The layout worker: a named thread that owns the simulation.
pub struct LayoutWorker {
    latest: Slot,
    error: Arc<Mutex<Option<String>>>,
    sender: Option<SyncSender<LayoutCommand>>,
    overflow: Arc<Mutex<VecDeque<LayoutCommand>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for LayoutWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LayoutWorker")
            .field("running", &self.thread.is_some())
            .finish()
    }
}

impl LayoutWorker {
    /// Starts the worker; `on_update` is called after each published snapshot (the app passes
    /// `ctx.request_repaint`). If the thread cannot be started, the error is logged and the
    /// worker never publishes (see [`LayoutWorker::try_spawn`] to handle it).
    pub fn spawn(settings: LayoutSettings, on_update: Box<dyn Fn() + Send + Sync>) -> Self {
        match Self::try_spawn(settings, on_update) {
            Ok(worker) => worker,
            Err(e) => {
                log::error!("{e}");
                Self {
                    latest: Slot::default(),
                    error: Arc::new(Mutex::new(Some(e.to_string()))),
                    sender: None,
                    overflow: Arc::default(),
                    stop: Arc::default(),
                    thread: None,
                }
            }
        }
    }

    /// Starts the worker thread (`cloudatlas-layout`).
    pub fn try_spawn(
        settings: LayoutSettings,
        on_update: Box<dyn Fn() + Send + Sync>,
    ) -> Result<Self, LayoutError> {
        let (sender, receiver) = std::sync::mpsc::sync_channel(CHANNEL_BOUND);
        let latest = Slot::default();
        let error = Arc::new(Mutex::new(None));
        let overflow = Arc::new(Mutex::new(VecDeque::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let mut worker = Worker {
            receiver,
            overflow: Arc::clone(&overflow),
            stop: Arc::clone(&stop),
            latest: Arc::clone(&latest),
            error: Arc::clone(&error),
            on_update,
            settings,
            engine: None,
            generation: 0,
            paused: false,
            dirty: false,
        };
        let thread = std::thread::Builder::new()
            .name("cloudatlas-layout".to_owned())
            .spawn(move || worker.run())
            .map_err(LayoutError::Spawn)?;
        Ok(Self {
            latest,
            error,
            sender: Some(sender),
            overflow,
            stop,
            thread: Some(thread),
        })
    }

    /// Sends a command; never blocks.
    pub fn send(&self, command: LayoutCommand) {
        let Some(sender) = &self.sender else {
            return;
        };
        let Ok(mut overflow) = self.overflow.lock() else {
            return;
        };
        // Once anything waits in the overflow queue, later commands queue behind it (order kept).
        if !overflow.is_empty() {
            overflow.push_back(command);
            return;
        }
        match sender.try_send(command) {
            Ok(()) => {}
            Err(TrySendError::Full(command)) => overflow.push_back(command),
            Err(TrySendError::Disconnected(_)) => {
                log::warn!("layout worker has stopped; command dropped");
            }
        }
    }

    /// The latest snapshot, if any.
    pub fn latest(&self) -> Option<Arc<LayoutSnapshot>> {
        self.latest.lock().ok().and_then(|l| l.clone())
    }

    /// The last command that failed (bad request, unknown node index), as a message; cleared by
    /// the next successful `Replace`.
    pub fn last_error(&self) -> Option<String> {
        self.error.lock().ok().and_then(|e| e.clone())
    }
}

impl Drop for LayoutWorker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // Closing the channel wakes a worker that is waiting for commands.
        self.sender = None;
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            log::error!("layout worker panicked");
        }
    }
}

/// The worker thread's state.
struct Worker {
    receiver: Receiver<LayoutCommand>,
    overflow: Arc<Mutex<VecDeque<LayoutCommand>>>,
    stop: Arc<AtomicBool>,
    latest: Slot,
    error: Arc<Mutex<Option<String>>>,
    on_update: Box<dyn Fn() + Send + Sync>,
    settings: LayoutSettings,
    engine: Option<LayoutEngine>,
    generation: u64,
    paused: bool,
    /// Positions changed since the last snapshot.
    dirty: bool,
}

impl Worker {
    fn run(&mut self) {
        loop {
            if self.idle() {
                // Nothing to compute: sleep until a command arrives (or the worker is dropped).
                match self.receiver.recv() {
                    Ok(command) => self.apply(command),
                    Err(_) => return,
                }
            }
            loop {
                match self.receiver.try_recv() {
                    Ok(command) => self.apply(command),
                    Err(TryRecvError::Empty) => break,
                    Err(TryRecvError::Disconnected) => return,
                }
            }
            let queued: Vec<LayoutCommand> = match self.overflow.lock() {
                Ok(mut q) => q.drain(..).collect(),
                Err(_) => Vec::new(),
            };
            for command in queued {
                self.apply(command);
            }
            if self.stop.load(Ordering::Relaxed) {
                return;
            }
            if self.dirty {
                // A new graph or a moved node: show it before computing on.
                self.publish();
            }
            if !self.idle()
                && let Some(engine) = &mut self.engine
            {
                let start = Instant::now();
                loop {
                    engine.tick();
                    if engine.is_settled()
                        || start.elapsed() >= FRAME_BUDGET
                        || self.stop.load(Ordering::Relaxed)
                    {
                        break;
                    }
                }
                self.dirty = true;
            }
            if self.dirty {
                self.publish();
            }
        }
    }

    /// No ticking needed: no graph, paused, or settled.
    fn idle(&self) -> bool {
        self.paused || self.engine.as_ref().is_none_or(LayoutEngine::is_settled)
    }

    fn apply(&mut self, command: LayoutCommand) {
        let result = match command {
            LayoutCommand::Replace(request) => match LayoutEngine::new(&request, &self.settings) {
                Ok(engine) => {
                    self.engine = Some(engine);
                    self.generation += 1;
                    self.dirty = true;
                    if let Ok(mut e) = self.error.lock() {
                        *e = None;
                    }
                    Ok(())
                }
                Err(e) => Err(e),
            },
            LayoutCommand::Pin(index, pos) => self.with_engine(|e| e.pin(index, pos)),
            LayoutCommand::Unpin(index) => self.with_engine(|e| e.unpin(index)),
            LayoutCommand::DragTo(index, pos) => self.with_engine(|e| e.drag_to(index, pos)),
            LayoutCommand::Reheat => self.with_engine(|e| {
                e.reheat(0.5);
                Ok(())
            }),
            LayoutCommand::Pause(paused) => {
                self.paused = paused;
                self.dirty = true;
                Ok(())
            }
            LayoutCommand::Settings(settings) => {
                if let Some(engine) = &mut self.engine {
                    engine.set_settings(&settings);
                }
                self.settings = settings;
                Ok(())
            }
        };
        if let Err(e) = result {
            log::warn!("layout: {e}");
            if let Ok(mut slot) = self.error.lock() {
                *slot = Some(e.to_string());
            }
        }
    }

    fn with_engine(
        &mut self,
        f: impl FnOnce(&mut LayoutEngine) -> Result<(), LayoutError>,
    ) -> Result<(), LayoutError> {
        let engine = self.engine.as_mut().ok_or(LayoutError::NoGraph)?;
        f(engine)?;
        self.dirty = true;
        Ok(())
    }

    fn publish(&mut self) {
        self.dirty = false;
        let Some(engine) = &self.engine else {
            return;
        };
        let snapshot = LayoutSnapshot {
            generation: self.generation,
            positions: engine.positions(),
            settled: engine.is_settled(),
        };
        if let Ok(mut slot) = self.latest.lock() {
            *slot = Some(Arc::new(snapshot));
        }
        (self.on_update)();
    }
}
