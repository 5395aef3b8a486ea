//! The Markdown parser (headings, front matter, wikilinks, tags, code): any bytes give a note
//! that passes `check_note`, and the same note every time.
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
        "vault/topic.md",
        NoteFormat::Markdown,
        text.clone(),
        &mut warnings,
    );
    if let Err(problem) = checks::check_note(&note) {
        panic!("{problem}");
    }
    for w in &warnings {
        assert_eq!(w.file, "vault/topic.md", "warning about another file: {w}");
    }
    let again = parse_note(
        "vault/topic.md",
        NoteFormat::Markdown,
        text,
        &mut Vec::new(),
    );
    assert_eq!(note.sections, again.sections, "parsing twice differs");
    assert_eq!(note.links, again.links, "parsing twice differs");
    assert_eq!(note.tags, again.tags, "parsing twice differs");
});
