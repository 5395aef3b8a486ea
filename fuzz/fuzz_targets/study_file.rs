//! The study-file loader: any bytes are refused (newer version, or corrupt with a reason) or give
//! a store that survives a save and a load unchanged, and that the scheduler and the date
//! display can use.
#![no_main]

use std::sync::OnceLock;

use cloudatlas::study::{Rating, Scheduler, Timestamp};
use libfuzzer_sys::fuzz_target;

#[path = "../../tests/fuzz/checks.rs"]
#[allow(dead_code)]
mod checks;

fn scheduler() -> &'static Scheduler {
    static SCHEDULER: OnceLock<Scheduler> = OnceLock::new();
    SCHEDULER.get_or_init(|| match Scheduler::new() {
        Ok(s) => s,
        Err(err) => panic!("no scheduler: {err}"),
    })
}

fuzz_target!(|data: &[u8]| {
    let store = match checks::check_study_bytes(data) {
        Ok(Some(store)) => store,
        Ok(None) => return,
        Err(problem) => panic!("{problem}"),
    };
    let now = Timestamp(1_795_979_672);
    for mark in store.marks.values().take(4) {
        let _ = (mark.is_due(now), mark.display_label());
        for t in [mark.created, mark.updated, mark.due] {
            let _ = (t.display_string(), t.compact_string(), t.days_since(now));
        }
        if let Err(err) = scheduler().preview(mark, now) {
            assert!(!err.to_string().is_empty());
        }
        let mut reviewed = mark.clone();
        if let Ok(outcome) = scheduler().review(&mut reviewed, Rating::Good, now) {
            assert!(outcome.entry.interval_days.is_finite(), "{outcome:?}");
        }
    }
});
