//! The author's markers: lines flagged as important and lines where the author is unsure.
//!
//! Important: `IMPORTANT` in capitals, `very important`, `// important`, `/* important */`,
//! `EXAM PERSPECTIVE`, `… for exam`, `!!` or more, `Importance of …`, `be aware of`,
//! `understand the …`, `note the difference`, `keep in mind`, `things to remember`.
//! Uncertain: `I think`, `not sure`, `I presume`, `I assume`, `I guess`, `I believe`,
//! `check before exam`, `my theory`, `for some reason`, `sold on this`, a bracketed guess ending in
//! `?` (`[key management service?]`), `why not …?`.
//! A plain `NOTE :`, a rhetorical question line, or the word `important` inside a sentence
//! (`it is important to …`) is not a marker: authors use them for ordinary prose.

use super::MarkerKind;

/// Phrases (lowercase) that flag a line as important wherever they occur.
const IMPORTANT_PHRASES: &[&str] = &[
    "very important",
    "exam perspective",
    "for exam",
    "for the exam",
    "exam tip",
    "// important",
    "//important",
    "/* important",
    "/*important",
    "important note",
    "be aware of",
    "note the difference",
    "keep in mind",
    "must remember",
    "must know",
];

/// Phrases (lowercase) that flag a line as important when they start it (after a bullet).
const IMPORTANT_OPENERS: &[&str] = &[
    "importance of",
    "understand the",
    "understand how",
    "remember",
    "important:",
    "important :",
    "important -",
];

/// Phrases (lowercase) that mark the author as unsure.
const UNCERTAIN_PHRASES: &[&str] = &[
    "i think",
    "not sure",
    "i presume",
    "i assume",
    "i guess",
    "i believe",
    "i suppose",
    "check before exam",
    "check before the exam",
    "to be checked",
    "need to check",
    "needs checking",
    "my theory",
    "for some reason",
    "sold on this",
    "not certain",
    "unsure",
    "no idea",
    "not clear to me",
    "dont know",
    "don't know",
    "why not ",
];

/// Classifies one line; `None` when it carries no marker. Important wins when both apply only if
/// the line has no uncertain cue: an unsure line is what the weak-topic list most needs to see.
pub fn classify(line: &str) -> Option<MarkerKind> {
    let trimmed = line.trim();
    if trimmed.is_empty() || !maybe_marked(trimmed) {
        return None;
    }
    let lower = trimmed.to_ascii_lowercase();
    if is_uncertain(trimmed, &lower) {
        return Some(MarkerKind::Uncertain);
    }
    if is_important(trimmed, &lower) {
        return Some(MarkerKind::Important);
    }
    None
}

/// One case-insensitive pass over the line for anything a marker could start with: most lines
/// have none, and the phrase checks below are then skipped.
fn maybe_marked(line: &str) -> bool {
    use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
    use std::sync::OnceLock;
    static QUICK: OnceLock<Option<AhoCorasick>> = OnceLock::new();
    let quick = QUICK.get_or_init(|| {
        let mut needles: Vec<&str> = Vec::new();
        needles.extend(IMPORTANT_PHRASES);
        needles.extend(UNCERTAIN_PHRASES);
        needles.extend(IMPORTANT_OPENERS);
        needles.extend(["important", "!!", "?"]);
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostFirst)
            .build(needles)
            .ok()
    });
    quick.as_ref().is_none_or(|ac| ac.is_match(line))
}

fn is_uncertain(line: &str, lower: &str) -> bool {
    if UNCERTAIN_PHRASES.iter().any(|p| contains_phrase(lower, p)) {
        return true;
    }
    bracketed_guess(line)
}

/// `[key management service?]`, `(Aurora too ?)`: a short bracketed text ending in `?`.
fn bracketed_guess(line: &str) -> bool {
    let bytes = line.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b != b'?' {
            continue;
        }
        let rest = bytes.get(i + 1..).unwrap_or(&[]);
        let next = rest.iter().copied().find(|c| !c.is_ascii_whitespace());
        if matches!(next, Some(b']' | b')')) {
            let open = bytes
                .get(..i)
                .and_then(|head| head.iter().rposition(|&c| c == b'[' || c == b'('));
            if let Some(open) = open
                && i - open <= 80
            {
                return true;
            }
        }
    }
    false
}

fn is_important(line: &str, lower: &str) -> bool {
    if has_word(line, "IMPORTANT") {
        return true;
    }
    if line.contains("!!") {
        return true;
    }
    if IMPORTANT_PHRASES.iter().any(|p| contains_phrase(lower, p)) {
        return true;
    }
    let body = strip_bullet(lower);
    IMPORTANT_OPENERS.iter().any(|p| body.starts_with(p))
}

/// The line without a leading bullet (`-`, `*`, `->`, `1)`, `2.`).
pub(crate) fn strip_bullet(line: &str) -> &str {
    let mut s = line.trim_start();
    loop {
        let before = s.len();
        s = s
            .trim_start_matches(['-', '*', '•', '>', '=', '+', '~'])
            .trim_start();
        let digits = s.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0
            && digits <= 3
            && let Some(rest) = s.get(digits..)
            && (rest.starts_with(')') || rest.starts_with(". ") || rest.starts_with(':'))
        {
            s = rest.get(1..).unwrap_or("").trim_start();
        }
        if s.len() == before {
            return s;
        }
    }
}

/// `phrase` occurs in `haystack` starting at a word boundary.
fn contains_phrase(haystack: &str, phrase: &str) -> bool {
    let bytes = haystack.as_bytes();
    let first_is_word = phrase
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphanumeric());
    let mut from = 0;
    while let Some(pos) = haystack.get(from..).and_then(|h| h.find(phrase)) {
        let at = from + pos;
        let ok_left = !first_is_word
            || at == 0
            || bytes
                .get(at - 1)
                .is_some_and(|b| !b.is_ascii_alphanumeric());
        if ok_left {
            return true;
        }
        from = at + 1;
    }
    false
}

/// `word` occurs with exactly this case on word boundaries.
fn has_word(line: &str, word: &str) -> bool {
    let bytes = line.as_bytes();
    let mut from = 0;
    while let Some(pos) = line.get(from..).and_then(|h| h.find(word)) {
        let at = from + pos;
        let end = at + word.len();
        let left = at == 0
            || bytes
                .get(at - 1)
                .is_some_and(|b| !b.is_ascii_alphanumeric());
        let right = bytes.get(end).is_none_or(|b| !b.is_ascii_alphanumeric());
        if left && right {
            return true;
        }
        from = end;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    macro_rules! marker {
        ($name:ident, $line:expr, $want:expr) => {
            #[test]
            fn $name() {
                assert_eq!(classify($line), $want, "line: {:?}", $line);
            }
        };
    }

    const I: Option<MarkerKind> = Some(MarkerKind::Important);
    const U: Option<MarkerKind> = Some(MarkerKind::Uncertain);
    const N: Option<MarkerKind> = None;

    marker!(
        caps_important,
        "  - IMPORTANT - the log format of flow logs",
        I
    );
    marker!(bangs, "-> WATCH THE QUOTA!!", I);
    marker!(single_bang_is_plain, "done!", N);
    marker!(
        exam_perspective,
        "EXAM PERSPECTIVE : know when hooks run",
        I
    );
    marker!(slash_comment, "Hooks order //very important", I);
    marker!(c_comment, "Test stages /* IMPORTANT */", I);
    marker!(points_for_exam, "KEY POINTS FOR EXAM:", I);
    marker!(importance_of, "- Importance of code review", I);
    marker!(be_aware, "- be aware of the limits of the service.", I);
    marker!(
        understand_the,
        "- understand the need for a VPC endpoint",
        I
    );
    marker!(prose_important, "it is important to check auth first", N);
    marker!(plain_note, "NOTE : the agent runs on port 80", N);
    marker!(i_think, "the alias I think points at a version", U);
    marker!(not_sure, "encrypted (or signed - not sure which)", U);
    marker!(presume, "[which creates the resource I presume]", U);
    marker!(check_before_exam, "Aurora too ? - check before exam", U);
    marker!(bracket_guess, "we can use KMS [key management service?]", U);
    marker!(my_theory, "probably slower - just my theory", U);
    marker!(
        rhetorical_question,
        "- how do we give the app its settings ?",
        N
    );
    marker!(thinking_word, "rethink the design", N);
    marker!(i_guess, "the agent is stored there, i guess.", U);

    #[test]
    fn strips_bullets() {
        assert_eq!(strip_bullet("  --> 1) Importance"), "Importance");
        assert_eq!(strip_bullet("2. text"), "text");
        assert_eq!(strip_bullet("-text"), "text");
    }
}
