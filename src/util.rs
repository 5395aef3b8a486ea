//! Small helpers shared by several modules: slugs, atomic writes (with a fault-injection seam for
//! tests), clean-up of temporary files that a killed process left behind.

use std::io::Write as _;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// A lowercase ASCII slug of `text`: runs of anything but letters and digits become one `-`.
pub fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for ch in text.chars() {
        if ch.is_alphanumeric() {
            for lower in ch.to_lowercase() {
                out.push(lower);
            }
            dash = false;
        } else if !dash && !out.is_empty() {
            out.push('-');
            dash = true;
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// Numbers the temporary files of one process, so two writes of the same file never share one.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// The prefix of the temporary files [`write_atomic`] makes for `path`: `.NAME.tmp-`.
fn temp_prefix(path: &Path) -> String {
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".to_owned());
    format!(".{file_name}.tmp-")
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder
/// (`.NAME.tmp-PID-N`), fsync, rename, then fsync of the folder. A crash leaves either the old
/// file or the new one, never a torn one; a failed write removes its temporary file and leaves
/// the old file as it was.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    fault::check(path, fault::Stage::Create)?;
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(
        "{}{}-{}",
        temp_prefix(path),
        std::process::id(),
        TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let mut created = false;
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        created = true;
        match fault::write_limit(path) {
            // The disk fills up part way: the first bytes really are written.
            Some((limit, err)) if limit < bytes.len() => {
                file.write_all(&bytes[..limit])?;
                return Err(err);
            }
            _ => file.write_all(bytes)?,
        }
        fault::check(path, fault::Stage::Sync)?;
        file.sync_all()?;
        drop(file);
        fault::check(path, fault::Stage::Rename)?;
        std::fs::rename(&tmp, path)?;
        // The rename is only durable once the folder is: fsync it (Unix; elsewhere opening a
        // folder as a file fails and the rename is as durable as the platform makes it).
        if let Ok(dir_file) = std::fs::File::open(dir)
            && let Err(err) = dir_file.sync_all()
            && !matches!(
                err.kind(),
                std::io::ErrorKind::InvalidInput | std::io::ErrorKind::Unsupported
            )
        {
            // Some file systems cannot fsync a folder (EINVAL); any other error is real.
            return Err(err);
        }
        Ok(())
    })();
    if result.is_err() && created {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Age after which any temporary file of [`write_atomic`] is removed, whoever made it.
const STALE_TEMP_SECS: u64 = 600;

/// Whether the process `pid` is running, when the platform can tell (Linux: `/proc/PID`).
pub fn process_alive(pid: u32) -> Option<bool> {
    if pid == std::process::id() {
        return Some(true);
    }
    let proc_root = Path::new("/proc");
    if !proc_root.join("self").exists() {
        return None;
    }
    Some(proc_root.join(pid.to_string()).exists())
}

/// Removes the temporary files that interrupted [`write_atomic`]s of `path` left beside it
/// (`.NAME.tmp-PID-N`): those of a process that is no longer running, and any older than ten
/// minutes. Best effort; returns how many were removed. Call it when the file is first opened.
pub fn remove_stale_temps(path: &Path) -> usize {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let prefix = temp_prefix(path);
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(&prefix) else {
            continue;
        };
        let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
        let dead = pid.and_then(process_alive) == Some(false);
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() >= STALE_TEMP_SECS);
        if (dead || old) && std::fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    if removed > 0 {
        log::info!(
            "removed {removed} temporary file(s) of interrupted saves beside {}",
            path.display()
        );
    }
    removed
}

/// A short, plain explanation of a write error for the user: "the disk is full", …
pub fn explain_write_error(err: &std::io::Error) -> String {
    use std::io::ErrorKind;
    let what = match err.kind() {
        ErrorKind::StorageFull => "the disk is full",
        ErrorKind::ReadOnlyFilesystem => "the disk or folder is read-only",
        ErrorKind::PermissionDenied => "there is no permission to write there",
        ErrorKind::QuotaExceeded => "the disk quota is used up",
        _ => return err.to_string(),
    };
    format!("{what} ({err})")
}

pub mod fault {
    //! Fault injection for the write path, for tests: [`inject`] makes every
    //! [`write_atomic`](super::write_atomic) under a folder fail at one stage with a real OS
    //! error (`ENOSPC`, `EROFS`, `EACCES`, …), as the disk would, until the returned guard is
    //! dropped. A failed `Write` stage really writes the first bytes before failing, like a
    //! disk that fills up part way. Costs one atomic load per write when nothing is injected.

    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    use std::sync::{Mutex, MutexGuard};

    /// `ENOSPC` on Linux: no space left on device.
    pub const ENOSPC: i32 = 28;
    /// `EROFS` on Linux: read-only file system.
    pub const EROFS: i32 = 30;
    /// `EACCES` on Linux: permission denied.
    pub const EACCES: i32 = 13;

    /// Where in a write the fault strikes.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Stage {
        /// Creating the folder or the temporary file.
        Create,
        /// Writing the bytes, after this many were written.
        Write { after: usize },
        /// The fsync of the temporary file.
        Sync,
        /// The rename over the old file.
        Rename,
    }

    #[derive(Clone, Debug)]
    struct Fault {
        id: u64,
        dir: PathBuf,
        errno: i32,
        stage: Stage,
    }

    static ANY: AtomicBool = AtomicBool::new(false);
    static NEXT_ID: AtomicU64 = AtomicU64::new(0);
    static FAULTS: Mutex<Vec<Fault>> = Mutex::new(Vec::new());

    fn faults() -> MutexGuard<'static, Vec<Fault>> {
        FAULTS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Removes its fault when dropped.
    #[must_use = "the fault is removed when the guard is dropped"]
    pub struct Guard(u64);

    impl Drop for Guard {
        fn drop(&mut self) {
            let mut all = faults();
            all.retain(|f| f.id != self.0);
            ANY.store(!all.is_empty(), Ordering::SeqCst);
        }
    }

    /// Makes writes of files under `dir` fail at `stage` with OS error `errno`.
    pub fn inject(dir: &Path, errno: i32, stage: Stage) -> Guard {
        let id = NEXT_ID.fetch_add(1, Ordering::SeqCst);
        let mut all = faults();
        all.push(Fault {
            id,
            dir: dir.to_path_buf(),
            errno,
            stage,
        });
        ANY.store(true, Ordering::SeqCst);
        Guard(id)
    }

    fn matching(path: &Path) -> Vec<Fault> {
        if !ANY.load(Ordering::SeqCst) {
            return Vec::new();
        }
        faults()
            .iter()
            .filter(|f| path.starts_with(&f.dir))
            .cloned()
            .collect()
    }

    /// The injected error for `path` at `stage`, if any.
    pub(crate) fn check(path: &Path, stage: Stage) -> std::io::Result<()> {
        match matching(path).into_iter().find(|f| f.stage == stage) {
            Some(f) => Err(std::io::Error::from_raw_os_error(f.errno)),
            None => Ok(()),
        }
    }

    /// How many bytes a write of `path` may put down before failing, and the error.
    pub(crate) fn write_limit(path: &Path) -> Option<(usize, std::io::Error)> {
        matching(path).into_iter().find_map(|f| match f.stage {
            Stage::Write { after } => Some((after, std::io::Error::from_raw_os_error(f.errno))),
            _ => None,
        })
    }
}

/// Makes the allocator give big freed buffers back to the system at once, for a one-shot command
/// (`compile`, `search`, `layout`, `export`). glibc serves an allocation of 128 KiB or more with its
/// own mapping, but raises that threshold (up to 32 MiB) each time such a buffer is freed, so the
/// next big buffers come from the heap, where a freed one stays counted in the process's memory:
/// a 20 MB note of 164,000 sections peaked at 138 MB with the moving threshold, 119 MB with a fixed
/// one (same speed). The window keeps the default: its frames allocate and free big buffers
/// continually.
pub fn return_big_buffers_promptly() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[allow(unsafe_code)]
    // SAFETY: `mallopt` only sets an allocator parameter; it takes the allocator's lock and is
    // safe to call at any time, from any thread. Its result (0 when refused) needs no action:
    // the default stays.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slug("AWS Elastic Beanstalk"), "aws-elastic-beanstalk");
        assert_eq!(slug("  Lambda@Edge!! "), "lambda-edge");
        assert_eq!(slug("EB-extensions -"), "eb-extensions");
        assert_eq!(slug("---"), "");
    }

    #[test]
    fn atomic_write_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.ron");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn injected_faults_fail_the_write_and_keep_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.ron");
        write_atomic(&path, b"saved before").unwrap();
        for (errno, stage) in [
            (fault::EROFS, fault::Stage::Create),
            (fault::ENOSPC, fault::Stage::Write { after: 3 }),
            (fault::ENOSPC, fault::Stage::Sync),
            (fault::EACCES, fault::Stage::Rename),
        ] {
            let guard = fault::inject(dir.path(), errno, stage);
            let err = write_atomic(&path, b"a longer text that does not fit").unwrap_err();
            assert_eq!(err.raw_os_error(), Some(errno), "{stage:?}");
            assert_eq!(std::fs::read(&path).unwrap(), b"saved before", "{stage:?}");
            // No temporary file left behind.
            assert_eq!(
                std::fs::read_dir(dir.path()).unwrap().count(),
                1,
                "{stage:?}"
            );
            drop(guard);
        }
        assert!(
            explain_write_error(&std::io::Error::from_raw_os_error(fault::ENOSPC))
                .starts_with("the disk is full")
        );
        write_atomic(&path, b"after").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"after");
    }

    #[test]
    fn temps_of_dead_processes_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.ron");
        // A pid far above any pid_max: not running.
        let dead = dir.path().join(".state.ron.tmp-4294967290-0");
        let mine = dir
            .path()
            .join(format!(".state.ron.tmp-{}-7", std::process::id()));
        let other_file = dir.path().join(".other.ron.tmp-4294967290-0");
        for p in [&dead, &mine, &other_file] {
            std::fs::write(p, "x").unwrap();
        }
        assert_eq!(remove_stale_temps(&path), 1);
        assert!(!dead.exists());
        assert!(mine.exists(), "a running process's temp is kept");
        assert!(other_file.exists(), "another file's temps are not touched");
    }
}
