//! The search query parser and the query built from it: any text parses to a query that passes
//! `check_query`, and searching the built-in notes with it gives hits that pass `check_hits`
//! or a clear error, never a panic.
#![no_main]

use std::sync::OnceLock;

use cloudatlas::search::{SearchIndex, query};
use libfuzzer_sys::fuzz_target;

#[path = "../../tests/fuzz/checks.rs"]
#[allow(dead_code)]
mod checks;

fn index() -> &'static SearchIndex {
    static INDEX: OnceLock<SearchIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let compiled = cloudatlas::compile_builtin();
        match SearchIndex::build(&compiled) {
            Ok(index) => index,
            Err(err) => panic!("cannot index the built-in notes: {err}"),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = query::parse(text);
    if let Err(problem) = checks::check_query(text, &parsed) {
        panic!("{problem}");
    }
    assert_eq!(parsed, query::parse(text), "parsing twice differs");
    match index().search(text, 10) {
        Ok(hits) => {
            if let Err(problem) = checks::check_hits(&hits, 10) {
                panic!("{problem}");
            }
        }
        Err(err) => assert!(!err.to_string().is_empty(), "an error without a message"),
    }
});
