//! The plain-text outline parser: any bytes (decoded as the loader does) give sections that pass
//! `check_note`, and the same sections every time.
#![no_main]

use cloudatlas::notes::{NoteFormat, parse_note};
use libfuzzer_sys::fuzz_target;

#[path = "../../tests/fuzz/checks.rs"]
#[allow(dead_code)]
mod checks;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let mut warnings = Vec::new();
    let note = parse_note(
        "notes/outline.txt",
        NoteFormat::Plain,
        text.clone(),
        &mut warnings,
    );
    if let Err(problem) = checks::check_note(&note) {
        panic!("{problem}");
    }
    let again = parse_note(
        "notes/outline.txt",
        NoteFormat::Plain,
        text,
        &mut Vec::new(),
    );
    assert_eq!(note.sections, again.sections, "parsing twice differs");
});
