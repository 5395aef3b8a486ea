//! Faults: `kill -9` in the middle of save loops, a full / read-only / unwritable data folder,
//! a damaged or locked search index cache, and notes edited, renamed or deleted under a running
//! explorer. Our own fixtures; the results are listed in RELIABILITY.md.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use cloudatlas::app::{
    Command as AppCommand, Explorer, ExplorerOptions, SavedState, Source, StateStore,
};
use cloudatlas::search::{CacheStatus, SearchIndex};
use cloudatlas::study::{Level, storage};
use cloudatlas::util::fault;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;

use crate::util::Dir;

// ---------------------------------------------------------------------------------------------
// kill -9 at random points of a save loop.

/// The time of review `seq` in the study loop (see `cloudatlas save-loop`).
const BASE_TIME: i64 = 1_780_000_000;
const KILL_RUNS: usize = 200;

/// A small xorshift generator: random kill moments, seeded from the clock (printed on failure).
struct Rng(u64);

impl Rng {
    fn from_clock() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64;
        Rng(nanos | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn save_loop(data: &Path, target: &str, count: Option<u64>) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cloudatlas"));
    cmd.args(["save-loop", target])
        .env(storage::DATA_DIR_ENV, data)
        .env("RUST_LOG", "off")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(count) = count {
        cmd.arg("--count").arg(count.to_string());
    }
    cmd
}

fn temps_in(dir: &Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
            .count()
    })
}

/// Starts the save loop `KILL_RUNS` times and kills it with SIGKILL at a random moment each
/// time; after each kill, `check` reads the file (it must exist once a save was acknowledged,
/// parse, and not be empty) and returns how many changes it holds, which must cover every
/// acknowledged one.
fn kill_during_save_loop(target: &str, file: &Path, check: &dyn Fn(&Path) -> Result<u64, String>) {
    let data = file.parent().unwrap().to_path_buf();
    let data_root = {
        // The data folder is the one given to the child; the file may be deeper.
        let mut root = data.clone();
        while root
            .file_name()
            .is_some_and(|n| n == "builtin" || n == "collections")
        {
            root.pop();
        }
        root
    };
    // Calibrate: how long until the first acknowledgement, and how long one save takes.
    let start = Instant::now();
    let out = save_loop(&data_root, target, Some(20)).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let twenty = start.elapsed();
    let mut acked = check(file).unwrap();
    assert_eq!(acked, 20);

    let mut rng = Rng::from_clock();
    let seed = rng.0;
    let window = twenty.as_micros() as u64 * 2;
    let mut killed = 0;
    let mut mid_write = 0;
    let mut acks_total = 0;
    for run in 0..KILL_RUNS {
        let mut child = save_loop(&data_root, target, None).spawn().unwrap();
        std::thread::sleep(Duration::from_micros(rng.next() % window));
        child.kill().unwrap(); // SIGKILL
        let status = child.wait().unwrap();
        let mut stdout = String::new();
        child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut stdout)
            .unwrap();
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        assert!(
            !status.success() && stderr.is_empty(),
            "run {run} (seed {seed}): the loop stopped on its own: {status:?} {stderr}"
        );
        killed += 1;
        // Acknowledgements continue the sequence on disk without gaps.
        for line in stdout.lines() {
            let seq: u64 = line.strip_prefix("ack ").unwrap().parse().unwrap();
            assert_eq!(seq, acked + 1, "run {run} (seed {seed}): {stdout}");
            acked = seq;
            acks_total += 1;
        }
        if temps_in(&data) > 0 {
            mid_write += 1;
        }
        let len = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
        assert!(
            len > 0,
            "run {run} (seed {seed}): the file is missing or empty"
        );
        let held = check(file).unwrap_or_else(|e| panic!("run {run} (seed {seed}): {e}"));
        assert!(
            held >= acked,
            "run {run} (seed {seed}): {held} changes on disk, {acked} acknowledged"
        );
        // A save that finished but was not acknowledged yet counts as done.
        acked = held;
        // Stale temporary files never pile up: each start removes those of dead processes.
        assert!(temps_in(&data) <= 1, "run {run}: {} temps", temps_in(&data));
    }
    // One more start cleans up what the last kill left.
    let out = save_loop(&data_root, target, Some(0)).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(temps_in(&data), 0, "no temporary file is left behind");
    let corrupt = std::fs::read_dir(&data)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("corrupt"))
        .count();
    assert_eq!(corrupt, 0);
    eprintln!(
        "{target}: {killed} runs killed (seed {seed}), {acks_total} saves acknowledged in them, \
         {mid_write} kills left a half-written temporary file, {acked} changes on disk"
    );
    assert!(acks_total > 0, "no run got as far as a save");
    assert!(mid_write > 0, "no kill landed inside a save");
}

#[test]
fn kill_9_in_a_study_save_loop_never_loses_an_acknowledged_review() {
    let data = Dir::new();
    let file = data.path().join("collections/builtin/study.ron");
    let check = |path: &Path| -> Result<u64, String> {
        let loaded = storage::load(path).map_err(|e| e.to_string())?;
        if !loaded.warnings.is_empty() {
            return Err(format!("{:?}", loaded.warnings));
        }
        let mark = loaded.store.get("save-loop").ok_or("no save-loop mark")?;
        for (i, review) in mark.reviews.iter().enumerate() {
            let expected = BASE_TIME + (i as i64 + 1) * 3600;
            if review.at.0 != expected {
                return Err(format!(
                    "review {} at {}, expected {expected}",
                    i + 1,
                    review.at.0
                ));
            }
        }
        Ok(mark.reviews.len() as u64)
    };
    kill_during_save_loop("study", &file, &check);
}

#[test]
fn kill_9_in_a_state_save_loop_never_loses_an_acknowledged_change() {
    let data = Dir::new();
    let file = data.path().join("state.ron");
    let check = |path: &Path| -> Result<u64, String> {
        let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
        let state: SavedState = ron::from_str(&text).map_err(|e| format!("does not parse: {e}"))?;
        let col = state
            .collections
            .get("save-loop")
            .ok_or("no save-loop entry")?;
        let n = col.pins.len() as u64;
        for seq in 1..=n {
            let pin = col
                .pins
                .get(&format!("p{seq:07}"))
                .ok_or(format!("pin {seq} missing"))?;
            if *pin != [seq as f32, -(seq as f32)] {
                return Err(format!("pin {seq} is {pin:?}"));
            }
        }
        if state.recent.first() != Some(&PathBuf::from(format!("/notes/{n}"))) {
            return Err(format!(
                "recent list {:?} does not end at {n}",
                state.recent
            ));
        }
        Ok(n)
    };
    kill_during_save_loop("state", &file, &check);
}

// ---------------------------------------------------------------------------------------------
// Disk full, read-only or unwritable data folder, through the real app (headless).

const NOTES: &str = "\
Storage
  Amazon S3 keeps objects in buckets.

Serverless
  AWS Lambda runs code when an S3 event arrives.
  Lambda can write to DynamoDB tables.

Databases
  DynamoDB is a key-value store.
";

fn open_app(notes: &Path, data: &Path, watch: bool) -> Harness<'static, Explorer> {
    let notes = notes.to_path_buf();
    let data = data.to_path_buf();
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(move |cc| {
            let mut options =
                ExplorerOptions::headless(Source::Path(notes), StateStore::in_dir(&data));
            options.watch = watch;
            Explorer::new(&cc.egui_ctx, options)
        });
    harness.run();
    harness
}

fn mark(h: &mut Harness<'static, Explorer>, id: &str) {
    h.state_mut().run_command(AppCommand::QuickMark {
        id: id.to_owned(),
        level: Some(Level::Weak),
    });
    h.run();
}

fn marks_on_disk(path: &Path) -> Vec<String> {
    let loaded = storage::load(path).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let mut ids: Vec<String> = loaded.store.marks.keys().cloned().collect();
    ids.sort();
    ids
}

fn has_message(h: &Harness<'static, Explorer>, text: &str) -> bool {
    h.state().messages.iter().any(|m| m.contains(text))
}

/// Disk full (ENOSPC part way through the write) while marking topics and pinning a node: the
/// app says so, keeps everything in memory, the files on disk stay as they were, and the next
/// save once space is back writes everything.
#[test]
fn disk_full_is_reported_nothing_is_overwritten_and_the_next_save_writes_everything() {
    let notes = Dir::new();
    let file = notes.create("notes.txt", NOTES);
    let data = Dir::new();
    let mut h = open_app(&file, data.path(), false);
    mark(&mut h, "s3");
    assert!(h.state().study.flush());
    h.state_mut().save_state();
    let study_file = h.state().study.path.clone().unwrap();
    let state_file = data.path().join("state.ron");
    let study_before = std::fs::read(&study_file).unwrap();
    let state_before = std::fs::read(&state_file).unwrap();

    let full = fault::inject(
        data.path(),
        fault::ENOSPC,
        fault::Stage::Write { after: 64 },
    );
    mark(&mut h, "lambda");
    assert!(
        !h.state().study.flush(),
        "the save must fail on a full disk"
    );
    h.run();
    h.get_by_label_contains("Weak topics could not be saved: the disk is full");
    h.state_mut()
        .run_command(AppCommand::TogglePin("dynamodb".to_owned()));
    h.run();
    h.get_by_label_contains("Could not save the map state: the disk is full");
    // In memory: both marks and the pin. On disk: exactly what was saved before.
    assert!(h.state().study.store.get("lambda").is_some());
    assert_eq!(std::fs::read(&study_file).unwrap(), study_before);
    assert_eq!(std::fs::read(&state_file).unwrap(), state_before);
    assert_eq!(temps_in(study_file.parent().unwrap()), 0);
    assert_eq!(temps_in(data.path()), 0);
    assert!(h.state().study.save_problem().is_some());

    drop(full); // space is back
    mark(&mut h, "dynamodb");
    assert!(h.state().study.flush());
    h.run();
    assert_eq!(marks_on_disk(&study_file), ["dynamodb", "lambda", "s3"]);
    assert!(!has_message(&h, "Weak topics could not be saved"));
    h.get_by_label_contains("Weak topics are saved again");
    h.state_mut().save_state();
    h.run();
    let state: SavedState = ron::from_str(&std::fs::read_to_string(&state_file).unwrap()).unwrap();
    assert!(
        state
            .collections
            .values()
            .any(|c| c.pins.contains_key("dynamodb"))
    );
    assert!(!has_message(&h, "Could not save the map state"));
    h.get_by_label_contains("The map state is saved again");
}

/// A read-only data folder (EROFS when creating the temporary file): reported, kept in memory,
/// and written when the app quits once the folder is writable again.
#[test]
fn read_only_data_folder_is_reported_and_the_marks_are_written_at_quit() {
    let notes = Dir::new();
    let file = notes.create("notes.txt", NOTES);
    let data = Dir::new();
    let study_file;
    {
        let mut h = open_app(&file, data.path(), false);
        study_file = h.state().study.path.clone().unwrap();
        let read_only = fault::inject(data.path(), fault::EROFS, fault::Stage::Create);
        mark(&mut h, "s3");
        mark(&mut h, "lambda");
        assert!(!h.state().study.flush());
        h.run();
        h.get_by_label_contains("read-only");
        assert!(!study_file.exists());
        drop(read_only);
    } // quitting: the saver tries once more
    assert_eq!(marks_on_disk(&study_file), ["lambda", "s3"]);
}

/// A data folder without write permission (a real chmod; skipped when running as root, which
/// ignores permissions — the EACCES seam below covers it there).
#[test]
fn unwritable_data_folder_is_reported() {
    use std::os::unix::fs::PermissionsExt as _;
    let notes = Dir::new();
    let file = notes.create("notes.txt", NOTES);
    let data = Dir::new();
    let mut h = open_app(&file, data.path(), false);
    mark(&mut h, "s3");
    assert!(h.state().study.flush());
    let study_file = h.state().study.path.clone().unwrap();
    let dir = study_file.parent().unwrap().to_path_buf();
    let before = std::fs::read(&study_file).unwrap();

    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    let privileged = std::fs::write(dir.join("probe"), "x").is_ok();
    let _guard = if privileged {
        let _ = std::fs::remove_file(dir.join("probe"));
        eprintln!("running as root: chmod does not stop writes; using the EACCES seam");
        Some(fault::inject(&dir, fault::EACCES, fault::Stage::Create))
    } else {
        None
    };
    mark(&mut h, "lambda");
    let saved = h.state().study.flush();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert!(!saved);
    h.run();
    h.get_by_label_contains("no permission to write");
    assert_eq!(std::fs::read(&study_file).unwrap(), before);
}

/// A study file from a newer cloudatlas, and one that cannot be read: the app starts with an
/// empty store and says so, and never replaces the file with less, however much is marked.
#[test]
fn a_study_file_that_cannot_be_read_is_never_overwritten() {
    let notes = Dir::new();
    let file = notes.create("notes.txt", NOTES);
    let data = Dir::new();
    let key = storage::collection_key(Some(&file));
    let study_file = data.path().join("collections").join(key).join("study.ron");
    std::fs::create_dir_all(study_file.parent().unwrap()).unwrap();
    let newer = "(version: 99, marks: {\"s3\": (id: \"s3\", level: weak)})\n";
    std::fs::write(&study_file, newer).unwrap();
    {
        let mut h = open_app(&file, data.path(), false);
        assert!(
            has_message(&h, "newer than this cloudatlas"),
            "{:?}",
            h.state().messages
        );
        mark(&mut h, "lambda");
        assert!(h.state().study.store.get("lambda").is_some());
        assert!(!h.state().study.flush());
        assert!(h.state().study.save_problem().is_some());
    }
    assert_eq!(std::fs::read_to_string(&study_file).unwrap(), newer);

    // Unreadable (a folder where the file should be: EISDIR, whoever runs the test).
    std::fs::remove_file(&study_file).unwrap();
    std::fs::create_dir(&study_file).unwrap();
    {
        let mut h = open_app(&file, data.path(), false);
        assert!(
            has_message(&h, "Weak topics not loaded"),
            "{:?}",
            h.state().messages
        );
        mark(&mut h, "lambda");
    }
    assert!(study_file.is_dir(), "left as it was");
}

/// The saved state likewise: unreadable means never overwritten, with a message.
#[test]
fn a_saved_state_that_cannot_be_read_is_never_overwritten() {
    let notes = Dir::new();
    let file = notes.create("notes.txt", NOTES);
    let data = Dir::new();
    let state_file = data.path().join("state.ron");
    std::fs::create_dir(&state_file).unwrap();
    std::fs::write(state_file.join("inside"), "precious").unwrap();
    {
        let mut h = open_app(&file, data.path(), false);
        assert!(has_message(&h, "Could not read the saved state"));
        h.state_mut()
            .run_command(AppCommand::TogglePin("s3".to_owned()));
        h.run();
    }
    assert!(state_file.is_dir());
    assert_eq!(
        std::fs::read_to_string(state_file.join("inside")).unwrap(),
        "precious"
    );
}

/// Real file systems, by hand as root: a 64 KiB tmpfs filled to the last byte, and a read-only
/// bind mount. `cargo test --test tests faults::real_ -- --ignored --nocapture`.
#[test]
#[ignore = "needs root: mounts a tmpfs and a read-only bind mount"]
fn real_tiny_tmpfs_and_read_only_bind_mount() {
    let mnt = Dir::new();
    let run = |args: &[&str]| {
        let status = Command::new(args[0]).args(&args[1..]).status().unwrap();
        assert!(status.success(), "{args:?}");
    };
    let m = mnt.path().to_str().unwrap().to_owned();
    run(&["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", &m]);
    let result = std::panic::catch_unwind(|| {
        let notes = Dir::new();
        let file = notes.create("notes.txt", NOTES);
        let data = mnt.path().join("data");
        std::fs::create_dir(&data).unwrap();
        let mut h = open_app(&file, &data, false);
        mark(&mut h, "s3");
        assert!(h.state().study.flush());
        let study_file = h.state().study.path.clone().unwrap();
        let before = std::fs::read(&study_file).unwrap();
        // Fill the file system to the last byte.
        let filler = mnt.path().join("filler");
        {
            use std::io::Write as _;
            let mut f = std::fs::File::create(&filler).unwrap();
            let block = vec![b'x'; 4096];
            while f.write_all(&block).is_ok() {}
            while f.write_all(b"x").is_ok() {}
        }
        mark(&mut h, "lambda");
        assert!(!h.state().study.flush());
        h.run();
        h.get_by_label_contains("the disk is full");
        assert_eq!(std::fs::read(&study_file).unwrap(), before);
        assert_eq!(temps_in(study_file.parent().unwrap()), 0);
        std::fs::remove_file(&filler).unwrap();
        mark(&mut h, "dynamodb");
        assert!(h.state().study.flush());
        assert_eq!(marks_on_disk(&study_file), ["dynamodb", "lambda", "s3"]);
        eprintln!("tmpfs full: reported, file kept, everything written once space was back");

        // Read-only bind mount of the data folder.
        let d = data.to_str().unwrap().to_owned();
        run(&["mount", "--bind", &d, &d]);
        run(&["mount", "-o", "remount,ro,bind", &d]);
        mark(&mut h, "s3"); // already marked: a level change is still a change
        h.state_mut().run_command(AppCommand::QuickMark {
            id: "s3".to_owned(),
            level: Some(Level::Shaky),
        });
        let saved = h.state().study.flush();
        h.run();
        let shown = has_message(&h, "read-only");
        run(&["umount", &d]);
        assert!(!saved);
        assert!(shown, "{:?}", h.state().messages);
        h.state_mut().run_command(AppCommand::QuickMark {
            id: "lambda".to_owned(),
            level: Some(Level::Shaky),
        });
        assert!(h.state().study.flush());
        let loaded = storage::load(&study_file).unwrap().store;
        assert_eq!(loaded.get("s3").unwrap().level, Level::Shaky);
        eprintln!("read-only bind mount: reported, everything written once writable again");

        // The search index cache on a read-only mount: a good index is reopened as it is; a
        // damaged one cannot be replaced, so the index is built in memory, with a message.
        let (_notes, compiled) = notes_for_search();
        let expected = results(&SearchIndex::build(&compiled).unwrap());
        let cache = mnt.path().join("cache");
        let c = cache.to_str().unwrap().to_owned();
        let dir = SearchIndex::open_or_build(&compiled, &cache).unwrap().dir;
        run(&["mount", "--bind", &c, &c]);
        run(&["mount", "-o", "remount,ro,bind", &c]);
        // Opened indexes map their files: drop them before unmounting.
        let reopened = SearchIndex::open_or_build(&compiled, &cache)
            .map(|o| (o.status.clone(), results(&o.index)));
        run(&["umount", &c]);
        let (status, got) = reopened.unwrap();
        assert_eq!(status, CacheStatus::Reopened);
        assert_eq!(got, expected);
        let victim = data_files(&dir)[0].clone();
        std::fs::OpenOptions::new()
            .write(true)
            .open(&victim)
            .unwrap()
            .set_len(3)
            .unwrap();
        run(&["mount", "--bind", &c, &c]);
        run(&["mount", "-o", "remount,ro,bind", &c]);
        let fallback = SearchIndex::open_or_build(&compiled, &cache)
            .map(|o| (o.status.clone(), results(&o.index)));
        run(&["umount", &c]);
        let (status, got) = fallback.unwrap();
        assert_eq!(got, expected);
        let CacheStatus::InMemory { reason } = &status else {
            panic!("{status:?}");
        };
        eprintln!("read-only cache with a damaged index: in memory ({reason})");
    });
    let _ = Command::new("umount").arg("-R").arg(mnt.path()).status();
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}

// ---------------------------------------------------------------------------------------------
// The search index cache: damaged, from another version, locked, unwritable.

fn notes_for_search() -> (Dir, cloudatlas::Compiled) {
    let notes = Dir::new();
    notes.create(
        "compute.md",
        "# Auto Scaling\n\nAn ASG lifecycle hook pauses an instance while it launches.\n\n\
         # Lambda\n\nAWS Lambda scales by concurrency; reserved concurrency caps it.\n",
    );
    notes.create(
        "storage.md",
        "# Buckets\n\nAmazon S3 versioning keeps every version of an object.\n\n\
         # Tables\n\nDynamoDB streams feed Lambda with item changes.\n",
    );
    let compiled = cloudatlas::compile(notes.path()).unwrap();
    (notes, compiled)
}

const QUERIES: [&str; 5] = [
    "lifecycle hook",
    "concurrency",
    "versioning",
    "streams lambda",
    "\"reserved concurrency\"",
];

/// Results of a fresh in-memory build, the reference for every cache case.
fn results(index: &SearchIndex) -> Vec<Vec<cloudatlas::search::Hit>> {
    QUERIES
        .iter()
        .map(|q| index.search(q, 10).unwrap())
        .collect()
}

fn data_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            !name.ends_with(".json") && !name.starts_with('.')
        })
        .collect();
    files.sort();
    files
}

#[test]
fn truncated_index_files_are_rebuilt_and_results_stay_right() {
    let (_notes, compiled) = notes_for_search();
    let expected = results(&SearchIndex::build(&compiled).unwrap());
    let cache = Dir::new();
    let root = cache.path().join("search");
    let first = SearchIndex::open_or_build(&compiled, &root).unwrap();
    assert_eq!(results(&first.index), expected);
    let dir = first.dir.clone();
    drop(first);
    let n_files = data_files(&dir).len();
    assert!(n_files > 0);
    // Each data file in turn cut to half, then to nothing; then meta.json and the stamp cut
    // short. (A rebuild names its segment files anew: the k-th file is looked up each time.)
    let mut cases: Vec<(Option<usize>, &str, bool)> = Vec::new();
    for k in 0..n_files {
        cases.push((Some(k), "", true));
        cases.push((Some(k), "", false));
    }
    cases.push((None, "meta.json", true));
    cases.push((None, "cloudatlas-search.json", true));
    for (k, name, half) in cases {
        let opened = SearchIndex::open_or_build(&compiled, &root).unwrap();
        assert_eq!(opened.status, CacheStatus::Reopened);
        drop(opened);
        let path = match k {
            Some(k) => data_files(&dir)[k].clone(),
            None => dir.join(name),
        };
        let len = std::fs::metadata(&path).unwrap().len();
        let cut = if half { len / 2 } else { 0 };
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(cut)
            .unwrap();
        let opened = SearchIndex::open_or_build(&compiled, &root).unwrap();
        assert!(
            matches!(opened.status, CacheStatus::Rebuilt { .. }),
            "{name} cut from {len} to {cut} bytes: {:?}",
            opened.status
        );
        assert!(opened.status.message().unwrap().contains("rebuilt"));
        assert_eq!(results(&opened.index), expected, "{name} cut to {cut}");
    }
}

#[test]
fn an_index_of_another_version_is_rebuilt() {
    let (_notes, compiled) = notes_for_search();
    let expected = results(&SearchIndex::build(&compiled).unwrap());
    let cache = Dir::new();
    let root = cache.path().join("search");
    let dir = SearchIndex::open_or_build(&compiled, &root).unwrap().dir;

    // Our stamp says another index version.
    let stamp = dir.join("cloudatlas-search.json");
    let text = std::fs::read_to_string(&stamp).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["version"] = serde_json::json!(v["version"].as_u64().unwrap() + 1);
    std::fs::write(&stamp, v.to_string()).unwrap();
    let opened = SearchIndex::open_or_build(&compiled, &root).unwrap();
    let CacheStatus::Rebuilt { reason, .. } = &opened.status else {
        panic!("{:?}", opened.status);
    };
    assert!(reason.contains("version"), "{reason}");
    assert_eq!(results(&opened.index), expected);
    drop(opened);

    // tantivy's own format version, as every data file's footer records it: one this tantivy
    // does not support (same length, so only the version differs).
    let needle = b"\"index_format_version\":";
    let mut changed = 0;
    for path in data_files(&dir) {
        let mut bytes = std::fs::read(&path).unwrap();
        let Some(at) = bytes.windows(needle.len()).rposition(|w| w == needle) else {
            continue;
        };
        let digit = at + needle.len();
        assert!(bytes[digit].is_ascii_digit() && !bytes[digit + 1].is_ascii_digit());
        bytes[digit] = if bytes[digit] == b'9' { b'1' } else { b'9' };
        std::fs::write(&path, bytes).unwrap();
        changed += 1;
    }
    assert!(changed > 0);
    let opened = SearchIndex::open_or_build(&compiled, &root).unwrap();
    let CacheStatus::Rebuilt { reason, .. } = &opened.status else {
        panic!("{:?}", opened.status);
    };
    eprintln!("footer version changed: {reason}");
    assert_eq!(results(&opened.index), expected);
    drop(opened);

    // meta.json's copy of the version is not what tantivy checks (the footers are): an index
    // whose files are all current opens, and answers as a fresh build does.
    let meta = dir.join("meta.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&meta).unwrap()).unwrap();
    v["index_format_version"] = serde_json::json!(99);
    std::fs::write(&meta, v.to_string()).unwrap();
    let opened = SearchIndex::open_or_build(&compiled, &root).unwrap();
    assert_eq!(results(&opened.index), expected);
}

/// Runs `f` on a thread and fails if it takes longer than `limit` (a hang on a lock).
fn within<T: Send + 'static>(limit: Duration, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("within".to_owned())
        .spawn(move || {
            let _ = tx.send(f());
        })
        .unwrap();
    rx.recv_timeout(limit)
        .unwrap_or_else(|_| panic!("still waiting after {limit:?}: blocked on a lock?"))
}

/// Another process holds tantivy's lock files of the cached index (`flock`, as tantivy's writer
/// and readers take them): the index is opened read-only without waiting, results are right.
#[test]
fn another_process_holding_the_index_locks_does_not_block_search() {
    let (_notes, compiled) = notes_for_search();
    let expected = results(&SearchIndex::build(&compiled).unwrap());
    let cache = Dir::new();
    let root = cache.path().join("search");
    let dir = SearchIndex::open_or_build(&compiled, &root).unwrap().dir;
    let writer_lock = dir.join(".tantivy-writer.lock");
    let meta_lock = dir.join(".tantivy-meta.lock");
    // One process holding both locks the way tantivy takes them (flock), until it is killed.
    let script = format!(
        "exec 8>'{}' 9>'{}'; flock -x 8; flock -x 9; exec sleep 60",
        writer_lock.display(),
        meta_lock.display()
    );
    let mut holder = Command::new("sh")
        .args(["-c", &script])
        .spawn()
        .expect("sh and flock (util-linux)");
    // Wait until both locks are taken.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let busy = Command::new("flock")
            .args(["-n", "-x"])
            .arg(&meta_lock)
            .arg("true")
            .status()
            .unwrap();
        if !busy.success() {
            break;
        }
        assert!(Instant::now() < deadline, "the holder never took the lock");
        std::thread::sleep(Duration::from_millis(20));
    }
    let compiled2 = compiled.clone();
    let root2 = root.clone();
    let opened = within(Duration::from_secs(30), move || {
        SearchIndex::open_or_build(&compiled2, &root2)
            .map(|o| (o.status.clone(), results(&o.index)))
    });
    let _ = holder.kill();
    let _ = holder.wait();
    let (status, got) = opened.unwrap();
    assert_eq!(status, CacheStatus::Reopened);
    assert_eq!(got, expected);
}

/// A cache folder that cannot be created or written: the index is built in memory, with a
/// message, and search works.
#[test]
fn an_unwritable_cache_falls_back_to_memory() {
    let (_notes, compiled) = notes_for_search();
    let expected = results(&SearchIndex::build(&compiled).unwrap());
    let cache = Dir::new();
    // A file where the cache folder should be: ENOTDIR for every write, even as root.
    let blocker = cache.create("search", "not a folder");
    let opened = SearchIndex::open_or_build(&compiled, &blocker.join("inner")).unwrap();
    let CacheStatus::InMemory { reason } = &opened.status else {
        panic!("{:?}", opened.status);
    };
    assert!(!reason.is_empty());
    assert!(opened.status.message().unwrap().contains("in memory"));
    assert_eq!(results(&opened.index), expected);
}

/// Four processes start `cloudatlas search --cache` on the same notes at once: all succeed
/// with the same results, one index folder is left, and no build folder.
#[test]
fn concurrent_processes_share_the_index_cache() {
    let notes = Dir::new();
    notes.create(
        "ops.md",
        "# Deploy\n\nCodeDeploy runs lifecycle hooks from appspec.yml.\n\n# Logs\n\n\
         CloudWatch Logs keeps log groups; a metric filter counts matches.\n",
    );
    let cache = Dir::new();
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_cloudatlas"))
            .arg("search")
            .arg(notes.path())
            .args(["lifecycle hooks", "--cache", "--json"])
            .env("XDG_CACHE_HOME", cache.path())
            .env("RUST_LOG", "off")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let children: Vec<_> = (0..4).map(|_| spawn()).collect();
    let outputs: Vec<_> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    let hits = |out: &std::process::Output| -> serde_json::Value {
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["hits"].clone()
    };
    for out in &outputs {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(hits(out), hits(&outputs[0]));
    }
    assert!(hits(&outputs[0]).to_string().contains("Deploy"));
    let root = cache.path().join("cloudatlas/search");
    let names: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    // And a fifth run reopens it without a word.
    let out = spawn().wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(hits(&out), hits(&outputs[0]));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("warning"));
}

// ---------------------------------------------------------------------------------------------
// Notes edited, renamed and deleted under the running explorer (the real file watcher).

/// Steps the app until `done` holds (the watcher, the debounce and the background compile take
/// a moment), or fails after 20 s.
fn wait_for(h: &mut Harness<'static, Explorer>, what: &str, done: impl Fn(&Explorer) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done(h.state()) {
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}: {:?}",
            h.state().messages
        );
        h.step();
        std::thread::sleep(Duration::from_millis(25));
    }
    h.run();
}

fn orphaned(app: &Explorer, id: &str) -> Option<bool> {
    app.study.store.get(id).map(|m| m.orphaned_since.is_some())
}

fn section_of(app: &Explorer, file: &str) -> String {
    let col = app.collection.as_ref().unwrap();
    cloudatlas::study::live_ids(&col.compiled)
        .into_iter()
        .find(|id| id.starts_with(&format!("{file}#")))
        .unwrap_or_else(|| panic!("no section of {file}"))
}

#[test]
fn notes_edited_renamed_and_deleted_while_running_orphan_and_reattach_weak_topics() {
    let notes = Dir::new();
    notes.create(
        "storage.md",
        "# Buckets\n\nAmazon S3 keeps objects in buckets.\n",
    );
    let lambda_md = notes.create(
        "serverless.md",
        "# Functions\n\nAWS Lambda runs code when an event arrives.\n",
    );
    let data = Dir::new();
    let mut h = open_app(notes.path(), data.path(), true);
    let section = section_of(h.state(), "serverless.md");
    mark(&mut h, "lambda");
    mark(&mut h, &section);
    mark(&mut h, "s3");
    assert_eq!(orphaned(h.state(), "lambda"), Some(false));
    let study_file = h.state().study.path.clone().unwrap();

    // Edited in place: still attached, the new text is searchable.
    std::fs::write(
        &lambda_md,
        "# Functions\n\nAWS Lambda runs code when an event arrives; provisioned concurrency.\n",
    )
    .unwrap();
    wait_for(&mut h, "the edit", |app| {
        app.collection.as_ref().is_some_and(|c| {
            c.index
                .as_ref()
                .is_some_and(|i| !i.search("provisioned", 5).unwrap().is_empty())
        })
    });
    assert_eq!(orphaned(h.state(), "lambda"), Some(false));
    assert_eq!(orphaned(h.state(), &section), Some(false));

    // Deleted: Lambda and the section become orphans, kept with their history; S3 stays.
    std::fs::remove_file(&lambda_md).unwrap();
    wait_for(&mut h, "the delete", |app| {
        orphaned(app, "lambda") == Some(true)
    });
    assert_eq!(orphaned(h.state(), &section), Some(true));
    assert_eq!(orphaned(h.state(), "s3"), Some(false));
    assert!(h.state().study.flush());
    let on_disk = storage::load(&study_file).unwrap().store;
    assert!(
        on_disk.get("lambda").unwrap().orphaned_since.is_some(),
        "orphans are saved"
    );

    // Back, as an editor saves: write a temporary file and rename it over the name.
    let tmp = notes.path().join(".serverless.md.swp");
    std::fs::write(
        &tmp,
        "# Functions\n\nAWS Lambda runs code when an event arrives.\n",
    )
    .unwrap();
    std::fs::rename(&tmp, &lambda_md).unwrap();
    wait_for(&mut h, "the note coming back", |app| {
        orphaned(app, "lambda") == Some(false)
    });
    assert_eq!(orphaned(h.state(), &section), Some(false));

    // Renamed: the entity is still mentioned (attached), the section id names the old file.
    let renamed = notes.path().join("functions.md");
    std::fs::rename(&lambda_md, &renamed).unwrap();
    wait_for(&mut h, "the rename", |app| {
        orphaned(app, &section) == Some(true)
    });
    assert_eq!(orphaned(h.state(), "lambda"), Some(false));
    std::fs::rename(&renamed, &lambda_md).unwrap();
    wait_for(&mut h, "the rename back", |app| {
        orphaned(app, &section) == Some(false)
    });

    // Edited into something that is not text: a warning, no crash, the rest still there.
    std::fs::write(&lambda_md, b"\xff\xfe\x00binary\x00\xc3").unwrap();
    wait_for(&mut h, "the binary file", |app| {
        orphaned(app, "lambda") == Some(true)
    });
    assert_eq!(orphaned(h.state(), "s3"), Some(false));

    // The whole notes folder deleted: the map stays, the load error is shown, nothing is lost.
    let kept = notes.path().to_path_buf();
    std::fs::remove_dir_all(&kept).unwrap();
    wait_for(&mut h, "the folder going away", |app| {
        app.load_error.is_some()
    });
    assert!(h.state().collection.is_some());
    assert_eq!(h.state().study.store.marks.len(), 3);
    // Created again as a new folder: seen (the old watch died with the old folder).
    std::fs::create_dir(&kept).unwrap();
    notes.create(
        "storage.md",
        "# Buckets\n\nAmazon S3 keeps objects in buckets.\n",
    );
    notes.create("serverless.md", "# Functions\n\nAWS Lambda again.\n");
    wait_for(&mut h, "the folder coming back", |app| {
        app.load_error.is_none()
            && orphaned(app, "lambda") == Some(false)
            && orphaned(app, "s3") == Some(false)
    });
    // And watched again: an edit inside the new folder is seen.
    std::fs::write(&lambda_md, "# Functions\n\nNothing about that service.\n").unwrap();
    wait_for(&mut h, "an edit in the new folder", |app| {
        orphaned(app, "lambda") == Some(true)
    });
    std::fs::write(&lambda_md, "# Functions\n\nAWS Lambda, back.\n").unwrap();
    wait_for(&mut h, "the last edit", |app| {
        orphaned(app, "lambda") == Some(false)
    });
    assert!(h.state().study.flush());
    let on_disk = storage::load(&study_file).unwrap().store;
    assert!(on_disk.get("lambda").unwrap().orphaned_since.is_none());
    assert_eq!(on_disk.marks.len(), 3);
}

/// A single notes file saved the way editors do (a temporary file renamed over it), twice: both
/// saves are seen (a watch on the file alone dies with the first replaced file).
#[test]
fn a_notes_file_replaced_by_rename_is_still_watched() {
    let notes = Dir::new();
    let file = notes.create("notes.txt", NOTES);
    let data = Dir::new();
    let mut h = open_app(&file, data.path(), true);
    mark(&mut h, "lambda");
    let save_as_editor = |text: &str| {
        let tmp = notes.path().join(".notes.txt.tmp");
        std::fs::write(&tmp, text).unwrap();
        std::fs::rename(&tmp, &file).unwrap();
    };
    save_as_editor("Storage\n  Amazon S3 keeps objects in buckets.\n");
    wait_for(&mut h, "the first save", |app| {
        orphaned(app, "lambda") == Some(true)
    });
    save_as_editor(NOTES);
    wait_for(&mut h, "the second save", |app| {
        orphaned(app, "lambda") == Some(false)
    });
    std::fs::remove_file(&file).unwrap();
    wait_for(&mut h, "the delete", |app| app.load_error.is_some());
    save_as_editor(NOTES);
    wait_for(&mut h, "the file coming back", |app| {
        app.load_error.is_none()
    });
    assert_eq!(orphaned(h.state(), "lambda"), Some(false));
}
