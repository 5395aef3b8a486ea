//! Plain-text outlines: headings written as short lines (`AWS CodeBuild`, `CodeDeploy -`,
//! `Elastic Beanstalk :`), `====` separators, indented bullets and verbatim snippets.
//!
//! There is no syntax to rely on, so each line is judged by its shape and its neighbours:
//! a heading is short, starts with a capital or a digit, does not read like a sentence (no
//! closing period, no comma, no `is`/`can`/`will`), is not a bullet, a command or a YAML/JSON
//! line, stands after a blank line or a separator, and is followed by something that belongs
//! to it (an indented block, bullets, or a paragraph after a blank line). Decoration is
//! stripped from the title (`CodeDeploy -`, `Hooks //IMPORTANT`, `[REFER SCREENSHOT]`).
//!
//! Levels: a heading at the left margin is level 1 unless it reads as a part of the current
//! topic (it extends or shares a word with the topic's title, names one of the topic's bullet
//! items, opens like a sentence — `To create a service :` — or sits under an ALL-CAPS part
//! heading), which makes it level 2. A short bullet or indented line followed by a deeper
//! block (`\t-> Viewer request :`) is a level-2 heading inside a topic. A `====` separator
//! ends a part: the next heading is level 1. Plain-text notes get at most two levels.
//!
//! One pass over the lines, no allocation per line: titles are slices until a section is made.

use super::outline::{Heading, Lines, build_sections, is_blank};
use super::{Section, Warning};

/// Splits a plain-text note into sections.
pub fn sections(file: &str, text: &str, _warnings: &mut Vec<Warning>) -> Vec<Section> {
    let lines = Lines::new(text);
    let headings = headings(text, &lines);
    build_sections(file, text, &lines, &headings, &is_filler, 0)
}

/// Blank lines and separators are not content: trimmed from section ends.
fn is_filler(line: &str) -> bool {
    is_blank(line) || is_separator(line.trim())
}

/// Tab stop width used to compare indentation.
const TAB: usize = 4;

/// Indentation width (tabs to the next multiple of [`TAB`]) and the byte offset of the first
/// non-blank character.
fn indent(line: &str) -> (usize, usize) {
    let mut width = 0;
    for (i, b) in line.bytes().enumerate() {
        match b {
            b' ' => width += 1,
            b'\t' => width = (width / TAB + 1) * TAB,
            _ => return (width, i),
        }
    }
    (width, line.len())
}

/// `====`, `----`, `****`, `~~~~`, `____`, `####`: a run of one repeated symbol.
fn is_separator(trimmed: &str) -> bool {
    let bytes = trimmed.as_bytes();
    if bytes.len() < 3 {
        return false;
    }
    let first = bytes[0];
    b"=-*_~#+".contains(&first) && bytes.iter().all(|&b| b == first)
}

/// If `trimmed` starts with a bullet or a list number, the byte offset where its text starts.
fn bullet_text_start(trimmed: &str) -> Option<usize> {
    let bytes = trimmed.as_bytes();
    let followed_by_space = |i: usize| i >= bytes.len() || bytes[i] == b' ' || bytes[i] == b'\t';
    // Symbol bullets: -, --, ->, -->, ==>, =>, *, +, •, >
    let mut i = 0;
    while i < bytes.len() && matches!(bytes[i], b'-' | b'=' | b'>' | b'*' | b'+') {
        i += 1;
    }
    if i > 0 && i <= 4 {
        let run = &trimmed[..i];
        let is_bullet = matches!(
            run,
            "-" | "--" | "->" | "-->" | "--->" | "==>" | "=>" | "*" | "+" | ">"
        ) || (run.ends_with('>') && run.len() <= 4);
        // `->Text` is a bullet too when the arrow is glued to the text.
        if is_bullet && (followed_by_space(i) || run.ends_with('>')) {
            return Some(skip_spaces(bytes, i));
        }
        return None;
    }
    if let Some(rest) = trimmed.strip_prefix('•') {
        return Some(trimmed.len() - rest.len() + (rest.len() - rest.trim_start().len()));
    }
    // Numbered: 1) 1. 12) (i) (a) a) iv)
    let (open, start) = if bytes.first() == Some(&b'(') {
        (true, 1)
    } else {
        (false, 0)
    };
    let mut j = start;
    while j < bytes.len() && j - start < 4 && bytes[j].is_ascii_alphanumeric() {
        j += 1;
    }
    if j == start || j >= bytes.len() {
        return None;
    }
    let token = &trimmed[start..j];
    let numeric = token.bytes().all(|b| b.is_ascii_digit());
    let roman = token.bytes().all(|b| b"ivx".contains(&b));
    let letter = token.len() == 1 && token.as_bytes()[0].is_ascii_lowercase();
    if !(numeric || roman || letter) {
        return None;
    }
    let close = bytes[j];
    let ok = if open {
        close == b')'
    } else {
        close == b')' || (close == b'.' && numeric)
    };
    if ok && followed_by_space(j + 1) {
        Some(skip_spaces(bytes, j + 1))
    } else {
        None
    }
}

fn skip_spaces(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && (bytes[i] == b' ' || bytes[i] == b'\t') {
        i += 1;
    }
    i
}

/// Words that open a sentence rather than a title.
const SENTENCE_OPENERS: &[&str] = &[
    "after",
    "all",
    "also",
    "although",
    "and",
    "as",
    "basically",
    "because",
    "before",
    "both",
    "but",
    "check",
    "click",
    "e.g",
    "each",
    "eg",
    "even",
    "every",
    "go",
    "hence",
    "here",
    "however",
    "i",
    "i'm",
    "i.e",
    "ie",
    "if",
    "it",
    "it's",
    "its",
    "just",
    "let's",
    "lets",
    "like",
    "login",
    "maybe",
    "nb",
    "no",
    "not",
    "note",
    "now",
    "ok",
    "okay",
    "once",
    "only",
    "or",
    "otherwise",
    "please",
    "probably",
    "ps",
    "refer",
    "run",
    "same",
    "see",
    "since",
    "so",
    "still",
    "then",
    "there",
    "therefore",
    "these",
    "they",
    "this",
    "those",
    "though",
    "thus",
    "todo",
    "voila",
    "we",
    "we'll",
    "while",
    "yes",
    "you",
];

/// Words that make a line a sentence (a verb), unless it is a lead-in ending in `:`.
const VERBS: &[&str] = &[
    "are", "aren't", "be", "been", "being", "can", "can't", "cannot", "could", "did", "do", "does",
    "doesn't", "don't", "had", "has", "have", "is", "isn't", "may", "might", "must", "shall",
    "should", "was", "were", "will", "won't", "would",
];

/// Words that open a sub-heading of the current topic (`To create a service :`).
const SUB_OPENERS: &[&str] = &[
    "a",
    "an",
    "configuring",
    "creating",
    "difference",
    "differences",
    "example",
    "examples",
    "five",
    "for",
    "four",
    "how",
    "important",
    "other",
    "overview",
    "practical",
    "setting",
    "six",
    "some",
    "steps",
    "the",
    "things",
    "three",
    "to",
    "two",
    "types",
    "use",
    "using",
    "ways",
    "what",
    "when",
    "where",
    "which",
    "why",
];

/// Words that never link a sub-heading to its topic.
const STOP_STEMS: &[&str] = &[
    "amazon", "and", "are", "aws", "for", "from", "how", "into", "its", "new", "not", "our",
    "service", "the", "type", "use", "used", "using", "via", "vs", "what", "with", "your",
];

/// Marker words people append to headings; stripped from titles.
const DECORATION_WORDS: &[&str] = &[
    "important",
    "very important",
    "imp",
    "exam",
    "todo",
    "note",
    "!!!",
    "new",
];

fn first_word(title: &str) -> &str {
    title.split_whitespace().next().unwrap_or("")
}

/// Whether `word` (ASCII case-insensitive, trailing `:,.;` ignored) is in `list`, a sorted list
/// of lowercase words (checked by a test).
fn lower_in(word: &str, list: &[&str]) -> bool {
    let w = word.trim_end_matches([':', ',', '.', ';']).as_bytes();
    let mut buf = [0u8; 24];
    if w.is_empty() || w.len() > buf.len() {
        return false;
    }
    for (d, s) in buf.iter_mut().zip(w) {
        *d = s.to_ascii_lowercase();
    }
    let key = &buf[..w.len()];
    list.binary_search_by(|x| x.as_bytes().cmp(key)).is_ok()
}

/// The result of stripping a heading line of its decoration.
#[derive(Clone, Copy, Debug)]
struct Cleaned<'a> {
    /// The title, a slice of the line.
    title: &'a str,
    /// Ended with `:`, `-`, `--`, `;` (after other decoration): a lead-in.
    decorated: bool,
    /// Ended with `:` or `;` specifically.
    colon: bool,
    /// `Title - a longer description` was split: the line carries a description.
    described: bool,
}

/// Strips `//IMPORTANT`, `/* … */`, `[REFER …]`, `!!!`, trailing ` -`/` :` and splits off a
/// ` - long description` part.
fn clean(text: &str) -> Cleaned<'_> {
    let mut t = text.trim();
    // Symmetric decoration: `*** VPC ***`, `== S3 ==`, `__Title__`.
    if let Some(&first) = t.as_bytes().first()
        && b"*=~_".contains(&first)
        && t.len() > 2
        && t.as_bytes()[t.len() - 1] == first
    {
        let ch = first as char;
        t = t.trim_matches(ch).trim();
    }
    let mut decorated = false;
    let mut colon = false;
    loop {
        let before = t;
        // Trailing `// comment` (not a URL's `://`).
        if let Some(at) = t.rfind("//")
            && (at == 0 || t.as_bytes()[at - 1] != b':')
            && t[at + 2..].split_whitespace().count() <= 4
        {
            t = t[..at].trim_end();
        }
        if t.ends_with("*/")
            && let Some(at) = t.rfind("/*")
        {
            t = t[..at].trim_end();
        }
        if t.ends_with(']')
            && let Some(at) = t.rfind('[')
            && at > 0
        {
            t = t[..at].trim_end();
        }
        let trimmed = t.trim_end_matches(['!', '*', ' ', '\t']);
        if trimmed.len() != t.len() && !trimmed.is_empty() {
            t = trimmed;
        }
        for word in DECORATION_WORDS {
            if t.len() > word.len() + 2 {
                let split = t.len() - word.len();
                if t.is_char_boundary(split)
                    && t[split..].eq_ignore_ascii_case(word)
                    && matches!(t.as_bytes()[split - 1], b' ' | b'\t' | b':' | b'-' | b'(')
                    && t[..split].trim_end().ends_with([':', '-', '(', '/'])
                {
                    t = t[..split].trim_end().trim_end_matches('(').trim_end();
                }
            }
        }
        for deco in ["-->", "->", "=>", "--", "-", ":", ";", "="] {
            if let Some(rest) = t.strip_suffix(deco)
                && !rest.is_empty()
                && !rest.ends_with(['-', '>'])
            {
                decorated = true;
                if matches!(deco, ":" | ";") {
                    colon = true;
                }
                t = rest.trim_end();
                break;
            }
        }
        if t == before {
            break;
        }
    }
    // ` - description`: split when the description is long, a URL or a reference.
    let mut described = false;
    for sep in [" - ", " -- ", " – ", " — "] {
        if let Some(at) = t.find(sep) {
            let left = t[..at].trim_end();
            let right = t[at + sep.len()..].trim();
            let long = right.split_whitespace().count() >= 5;
            let reference = right.contains("://")
                || first_word(right).eq_ignore_ascii_case("refer")
                || first_word(right).eq_ignore_ascii_case("see")
                || first_word(right).eq_ignore_ascii_case("ref");
            if !left.is_empty() && (long || reference) {
                t = left.trim_end_matches([':', ' ']);
                described = true;
            }
            break;
        }
    }
    Cleaned {
        title: t,
        decorated,
        colon,
        described,
    }
}

/// Shape checks shared by all headings.
fn title_shape_ok(c: &Cleaned<'_>, max_words: usize) -> bool {
    let t = c.title;
    let Some(first) = t.chars().next() else {
        return false;
    };
    if !(first.is_uppercase() || first.is_ascii_digit()) {
        return false;
    }
    if t.chars().count() > 80 {
        return false;
    }
    let words = t.split_whitespace().count();
    if words == 0 || words > max_words {
        return false;
    }
    if t.ends_with(['.', ',', '?', '!', '(']) {
        return false;
    }
    if t.contains(", ") || t.contains("->") || t.contains("=>") || t.contains(" = ") {
        return false;
    }
    if t.contains("://") || t.contains(['{', '}', '$', '`', '"', '<', '>', '|']) {
        return false;
    }
    if t.matches('(').count() != t.matches(')').count() {
        return false;
    }
    // A period inside a title reads as a sentence or a file name (`ec2.tf`).
    if t.contains(". ") {
        return false;
    }
    if words == 1 && t.contains('.') && !t.ends_with('.') {
        return false;
    }
    if lower_in(first_word(t), SENTENCE_OPENERS) {
        return false;
    }
    // A bare marker (`IMPORTANT !!!`, `NOTE:`) flags the lines after it; it names no topic.
    const MARKERS: &[&str] = &[
        "important",
        "very important",
        "important note",
        "note",
        "notes",
        "todo",
        "warning",
        "imp",
        "remember",
        "tip",
        "tips",
        "exam tip",
        "update",
        "edit",
    ];
    !MARKERS.iter().any(|m| m.eq_ignore_ascii_case(t))
}

/// `true` when the title has a verb that makes it a sentence.
fn has_verb(t: &str) -> bool {
    t.split_whitespace().any(|w| lower_in(w, VERBS))
}

/// A `Key : value` definition rather than a title.
fn is_definition(t: &str) -> bool {
    match t.find(':') {
        Some(at) => !t[at + 1..].trim().is_empty() && !t[at + 1..].starts_with(':'),
        None => false,
    }
}

/// Lines that belong to a code, config or shell snippet.
fn is_code(trimmed: &str) -> bool {
    let b = trimmed.as_bytes();
    if b.is_empty() {
        return false;
    }
    if matches!(
        b[0],
        b'{' | b'}' | b'[' | b']' | b'<' | b'$' | b'"' | b'\'' | b'/' | b'!'
    ) {
        return true;
    }
    if trimmed.contains("::") || trimmed.contains("!Ref") || trimmed.contains("!GetAtt") {
        return true;
    }
    let first = first_word(trimmed);
    const DOCKER: &[&str] = &[
        "FROM",
        "RUN",
        "CMD",
        "EXPOSE",
        "COPY",
        "ADD",
        "ENV",
        "WORKDIR",
        "ENTRYPOINT",
        "ARG",
        "VOLUME",
        "LABEL",
    ];
    DOCKER.contains(&first) && trimmed.len() > first.len()
}

/// `Key:` with no space before the colon: a YAML/JSON key rather than a heading when the
/// next line is an indented `key: value` or `- item`.
fn is_yaml_key(trimmed: &str) -> bool {
    let Some(key) = trimmed.strip_suffix(':') else {
        return false;
    };
    let key = key.trim_end();
    !key.is_empty()
        && !key.contains(' ')
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'"'))
}

fn looks_like_yaml_entry(trimmed: &str) -> bool {
    if let Some(rest) = trimmed.strip_prefix("- ") {
        return rest.split_whitespace().count() <= 2;
    }
    match trimmed.find(':') {
        Some(at) => {
            let key = trimmed[..at].trim_end();
            !key.is_empty()
                && !key.contains(' ')
                && key
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'"'))
        }
        None => false,
    }
}

/// Lowercase word stems of a title, for comparing it with its topic's title.
fn stems(title: &str) -> impl Iterator<Item = &str> {
    title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() >= 3)
        .filter(|w| !STOP_STEMS.iter().any(|s| s.eq_ignore_ascii_case(w)))
}

fn stem_eq(a: &str, b: &str) -> bool {
    let strip = |w: &str| -> usize {
        let l = w.len();
        if l > 3 && w.ends_with(['s', 'S']) && !w.ends_with("ss") {
            l - 1
        } else {
            l
        }
    };
    a[..strip(a)].eq_ignore_ascii_case(&b[..strip(b)])
}

/// Whether `title` reads as a part of the topic `topic`.
fn relates_to_topic(title: &str, topic: &str) -> bool {
    // `AWS Kinesis` → `AWS Kinesis analytics`: the topic's title extended.
    if title.len() > topic.len()
        && title.is_char_boundary(topic.len())
        && title[..topic.len()].eq_ignore_ascii_case(topic)
        && !title.as_bytes()[topic.len()].is_ascii_alphanumeric()
    {
        return true;
    }
    // `CloudWatch Events` → `CloudWatch Logs`: siblings of one service, not parts.
    let first_t = stems(title).next();
    let first_p = stems(topic).next();
    if let (Some(a), Some(b)) = (first_t, first_p)
        && stem_eq(a, b)
    {
        return false;
    }
    // A shared capitalised word (`Distributed builds in Jenkins` under `Jenkins in AWS`), unless
    // the title is itself a full Title Case name (`Elastic Container Service` after `Elastic
    // Container Registry` is a new topic).
    if caps_ratio(title) >= 1.0 {
        return false;
    }
    let capital = |w: &&str| w.starts_with(char::is_uppercase);
    stems(title)
        .filter(capital)
        .any(|w| stems(topic).filter(capital).any(|p| stem_eq(w, p)))
}

/// Whether the title has a small function word (`a`, `the`, `of`, `to`, …): a phrase, not a name.
fn has_function_word(title: &str) -> bool {
    const FUNCTION: &[&str] = &[
        "a", "about", "an", "at", "between", "by", "for", "from", "in", "of", "on", "the", "to",
        "up", "while", "with",
    ];
    title.split_whitespace().any(|w| lower_in(w, FUNCTION))
}

/// Share of the significant words that start with a capital.
fn caps_ratio(title: &str) -> f32 {
    let mut total = 0u32;
    let mut caps = 0u32;
    for w in title.split_whitespace() {
        if w.len() < 3 || lower_in(w, STOP_STEMS) {
            continue;
        }
        let Some(c) = w.chars().next() else { continue };
        if !c.is_alphabetic() {
            continue;
        }
        total += 1;
        if c.is_uppercase() {
            caps += 1;
        }
    }
    if total == 0 {
        1.0
    } else {
        caps as f32 / total as f32
    }
}

/// A product-like word: `CodeDeploy`, `EB-extensions`, `ECS`, `X-Ray`.
fn product_like(word: &str) -> bool {
    let upper = word.chars().filter(|c| c.is_uppercase()).count();
    upper >= 2
}

/// ALL-CAPS heading of two or more words: a part that holds topics (`IMPORTANT POINTS FOR EXAM`).
fn is_part_heading(title: &str) -> bool {
    title.split_whitespace().count() >= 2
        && title.chars().any(|c| c.is_alphabetic())
        && !title.chars().any(|c| c.is_lowercase())
}

/// Where the current level-2 heading came from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Open {
    None,
    /// A heading at the margin.
    Margin,
    /// An indented heading or bullet at this indentation.
    Indented(usize),
}

/// Finds the outline's headings.
fn headings(text: &str, lines: &Lines) -> Vec<Heading> {
    let mut gaps = GapStats::default();
    let first = headings_pass(text, lines, false, &mut gaps);
    // An author who leaves two or more blank lines before most topics and one before a few
    // headings is using the single blank line for sub-headings: read it that way.
    if gaps.wide >= 4 && gaps.wide >= gaps.narrow && gaps.narrow > 0 {
        headings_pass(text, lines, true, &mut GapStats::default())
    } else {
        first
    }
}

/// How many level-1 headings (not right after a separator, not the first) follow two or more
/// blank lines (`wide`) or exactly one (`narrow`).
#[derive(Default)]
struct GapStats {
    wide: usize,
    narrow: usize,
}

fn headings_pass(text: &str, lines: &Lines, gap_style: bool, gaps: &mut GapStats) -> Vec<Heading> {
    let n = lines.len();
    let mut blank_run = 0usize;
    let mut out: Vec<Heading> = Vec::new();
    // Current level-1 topic: index into `out`, and the first line of its body.
    let mut topic: Option<usize> = None;
    let mut open = Open::None;
    let mut in_part = false;
    let mut topic_numbered = false;
    let mut after_separator = true;
    let mut prev_blank = true;
    let mut i = 0;
    while i < n {
        let line = lines.get(text, i);
        if is_blank(line) {
            prev_blank = true;
            blank_run += 1;
            i += 1;
            continue;
        }
        let trimmed = line.trim();
        if is_separator(trimmed) {
            after_separator = true;
            prev_blank = true;
            in_part = false;
            i += 1;
            continue;
        }
        let (ind, _) = indent(line);
        let was_blank = prev_blank;
        let blanks_before = blank_run;
        prev_blank = false;
        blank_run = 0;
        // The next non-blank line, and whether a blank line comes between.
        let mut j = i + 1;
        while j < n && is_blank(lines.get(text, j)) {
            j += 1;
        }
        let gap = j > i + 1;
        let next = (j < n).then(|| lines.get(text, j));
        let next_trim = next.map(str::trim).unwrap_or("");
        let next_ind = next.map_or(0, |l| indent(l).0);
        let next_sep = next.is_none() || is_separator(next_trim);
        let next_bullet = bullet_text_start(next_trim).is_some();

        let bullet = bullet_text_start(trimmed);
        let numbered = bullet.filter(|_| trimmed.starts_with(|ch: char| ch.is_ascii_digit()));
        let margin = if ind == 0 && (bullet.is_none() || numbered.is_some()) {
            margin_heading(
                trimmed,
                numbered,
                was_blank,
                gap,
                next_trim,
                next_ind,
                next_sep,
                next_bullet,
            )
        } else {
            None
        };
        if let Some(c) = margin {
            let title = c.title;
            let level = if after_separator || topic.is_none() || is_part_heading(title) {
                1
            } else if in_part {
                2
            } else {
                let topic_title = topic.map_or("", |k| out[k].title.as_str());
                let topic_line = topic.map_or(0, |k| out[k].line);
                let sub = relates_to_topic(title, topic_title)
                    || names_topic_item(text, lines, topic_line + 1, i, title)
                    || lower_in(first_word(title), SUB_OPENERS)
                    || first_word(title).starts_with(|ch: char| ch.is_ascii_digit())
                    || has_verb(title)
                    || (gap_style && blanks_before == 1)
                    || (numbered.is_some() && !topic_numbered)
                    || (c.colon
                        && !product_like(first_word(title))
                        && caps_ratio(title) < 0.5
                        && has_function_word(title));
                if sub { 2 } else { 1 }
            };
            if level == 1 && topic.is_some() && !after_separator {
                if blanks_before >= 2 {
                    gaps.wide += 1;
                } else {
                    gaps.narrow += 1;
                }
            }
            if level == 1 {
                topic = Some(out.len());
                topic_numbered = numbered.is_some();
                in_part = is_part_heading(title);
                open = Open::None;
            } else {
                open = Open::Margin;
            }
            out.push(Heading {
                line: i,
                level,
                title: title.to_owned(),
            });
            after_separator = false;
            i += 1;
            continue;
        }
        if topic.is_some() && !after_separator && (ind > 0 || bullet.is_some()) {
            let allowed = match open {
                Open::None => true,
                Open::Margin => false,
                Open::Indented(at) => ind <= at,
            };
            if allowed
                && let Some(title) =
                    indented_heading(trimmed, bullet, ind, next_trim, next_ind, next_bullet)
            {
                out.push(Heading {
                    line: i,
                    level: 2,
                    title: title.to_owned(),
                });
                open = Open::Indented(ind);
                i += 1;
                continue;
            }
        }
        // Ordinary content: the next heading is no longer right after a separator.
        after_separator = false;
        i += 1;
    }
    out
}

/// Judges a line at the left margin that is not a symbol bullet (`body` is the line without a
/// `#` or list-number prefix): the cleaned title when it is a heading.
#[allow(clippy::too_many_arguments)]
fn margin_heading<'a>(
    trimmed: &'a str,
    numbered: Option<usize>,
    was_blank: bool,
    gap: bool,
    next_trim: &str,
    next_ind: usize,
    next_sep: bool,
    next_bullet: bool,
) -> Option<Cleaned<'a>> {
    // Cheap shape checks first: most lines fail here without any searching.
    let first = trimmed.chars().next()?;
    if !was_blank
        || trimmed.len() > 160
        || !(first.is_uppercase() || first.is_ascii_digit() || "*=~_#".contains(first))
        || is_code(trimmed)
    {
        return None;
    }
    if let Some(rest) = trimmed.strip_prefix('#') {
        // `# Title` is a heading only when a blank line follows (a shell comment is followed
        // by its command).
        let rest = rest.trim_start_matches('#');
        let prose_next = next_ind == 0 && next_trim.starts_with(char::is_uppercase);
        if !rest.starts_with(' ') || !(gap || prose_next) {
            return None;
        }
        let c = clean(rest);
        return (title_shape_ok(&c, 10) && !has_verb(c.title)).then_some(c);
    }
    if is_yaml_key(trimmed) && next_ind > 0 && looks_like_yaml_entry(next_trim) {
        return None;
    }
    let body = match numbered {
        Some(at) => trimmed.get(at..)?,
        None => trimmed,
    };
    let c = clean(body);
    let max_words = match (numbered.is_some(), c.colon) {
        (true, _) => 8,
        (false, false) => 10,
        (false, true) => 12,
    };
    if !title_shape_ok(&c, max_words) {
        return None;
    }
    if numbered.is_some() {
        // `1. Networking` is a heading, `1) Create a project` followed by `2) …` a list step.
        let next_numbered = next_ind == 0
            && bullet_text_start(next_trim).is_some()
            && next_trim.starts_with(|ch: char| ch.is_ascii_digit());
        if next_numbered || has_verb(c.title) || is_definition(c.title) {
            return None;
        }
    }
    let isolated = next_sep;
    if is_definition(c.title) && !isolated {
        return None;
    }
    if has_verb(c.title) && !c.colon {
        return None;
    }
    if c.described {
        // `CloudWatch Events - used to …` needs an indented continuation or to stand alone.
        let continued = !gap && next_ind > 0;
        return (continued || isolated).then_some(c);
    }
    if isolated {
        return (c.title.split_whitespace().count() <= 6).then_some(c);
    }
    if gap || next_ind > 0 || next_bullet {
        return Some(c);
    }
    // Directly followed by a line at the same indentation: a lead-in (`Title :`), or a short
    // name over a paragraph that reads as prose (a full sentence or a long line).
    let prose = next_trim.ends_with(['.', '!']) || next_trim.split_whitespace().count() >= 8;
    let short = c.title.split_whitespace().count() <= 5;
    (c.decorated || (prose && short && !has_verb(c.title))).then_some(c)
}

/// Judges a bullet or indented line as a sub-heading: short, capitalised, no definition,
/// followed by a deeper block. Returns the title.
#[allow(clippy::too_many_arguments)]
fn indented_heading<'a>(
    trimmed: &'a str,
    bullet: Option<usize>,
    ind: usize,
    next_trim: &str,
    next_ind: usize,
    next_bullet: bool,
) -> Option<&'a str> {
    let body = match bullet {
        Some(at) => trimmed.get(at..)?,
        None => trimmed,
    };
    // Cheap checks first: a capital, a short line and a block that could belong to it.
    let first = body.chars().next()?;
    let deeper = next_ind > ind && !next_trim.is_empty();
    let could_lead = bullet.is_none() && next_bullet && next_ind >= ind;
    if !(first.is_uppercase() || first.is_ascii_digit())
        || body.len() > 100
        || !(deeper || could_lead)
        || is_code(trimmed)
        || trimmed.starts_with('#')
    {
        return None;
    }
    if is_yaml_key(body) && looks_like_yaml_entry(next_trim) {
        return None;
    }
    let c = clean(body);
    let max_words = match (bullet.is_some(), c.colon) {
        (true, _) => 6,
        (false, false) => 10,
        (false, true) => 12,
    };
    if !title_shape_ok(&c, max_words) || c.described || is_definition(c.title) {
        return None;
    }
    if has_verb(c.title) && (bullet.is_some() || !c.colon) {
        return None;
    }
    let lead_in = could_lead && c.decorated;
    if deeper && !is_code(next_trim) || lead_in {
        Some(c.title)
    } else {
        None
    }
}

/// Whether `title` repeats a short bullet item of the current topic's body
/// (`has two components: - Launch configuration` … `Launch configuration`).
fn names_topic_item(text: &str, lines: &Lines, from: usize, to: usize, title: &str) -> bool {
    // Bounded look-back keeps the pass linear on huge topics.
    let from = from.max(to.saturating_sub(200));
    (from..to).any(|k| {
        let t = lines.get(text, k).trim();
        bullet_text_start(t)
            .and_then(|at| t.get(at..))
            .is_some_and(|item| {
                item.trim_end_matches([':', ' '])
                    .eq_ignore_ascii_case(title)
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heads(text: &str) -> Vec<(usize, u8, String)> {
        let mut w = Vec::new();
        sections("t.txt", text, &mut w)
            .into_iter()
            .filter(|s| s.level > 0)
            .map(|s| (s.line_start as usize, s.level, s.title.to_string()))
            .collect()
    }

    #[test]
    fn word_lists_are_sorted_lowercase() {
        let lists: [&[&str]; 4] = [SENTENCE_OPENERS, VERBS, SUB_OPENERS, STOP_STEMS];
        for list in lists {
            assert!(list.windows(2).all(|w| w[0] < w[1]), "{list:?}");
            assert!(list.iter().all(|w| w.to_ascii_lowercase() == *w));
        }
        assert!(lower_in("So,", SENTENCE_OPENERS));
        assert!(lower_in("WHEN", SUB_OPENERS));
        assert!(!lower_in("Kinesis", SUB_OPENERS));
    }

    #[test]
    fn cleans_decorated_titles() {
        let cases = [
            ("CodeDeploy -", "CodeDeploy"),
            ("Elastic Beanstalk :", "Elastic Beanstalk"),
            ("EB-extensions - ", "EB-extensions"),
            (
                "AutoScaling - LifeCycle Hooks //IMPORTANT",
                "AutoScaling - LifeCycle Hooks",
            ),
            ("Lambda @ Edge - [REFER SCREENSHOT]", "Lambda @ Edge"),
            (
                "Automated tests - refer attached images /* IMPORTANT */",
                "Automated tests",
            ),
            ("Tools-", "Tools"),
            ("Queues : IMPORTANT", "Queues"),
            ("Caching layer !!!", "Caching layer"),
            (
                "CloudSearch - can be used to search words in documents",
                "CloudSearch",
            ),
            ("RDS - read replica", "RDS - read replica"),
            ("Links - https://example.com/a", "Links"),
        ];
        for (line, want) in cases {
            assert_eq!(clean(line).title, want, "{line:?}");
        }
    }

    #[test]
    fn bullets_and_numbers() {
        let cases = [
            ("- item", Some(2)),
            ("-> item", Some(3)),
            ("--> item", Some(4)),
            ("->item", Some(2)),
            ("* item", Some(2)),
            ("1) step", Some(3)),
            ("12. step", Some(4)),
            ("(iii) step", Some(6)),
            ("a) step", Some(3)),
            ("• dot", Some(4)),
            ("-3 degrees", None),
            ("Word", None),
            ("2019. was a year", Some(6)),
            ("v1.2 release", None),
        ];
        for (line, want) in cases {
            assert_eq!(bullet_text_start(line), want, "{line:?}");
        }
    }

    #[test]
    fn heading_shapes_table() {
        // (text, expected headings as (line, level, title))
        type Case<'a> = (&'a str, &'a [(usize, u8, &'a str)]);
        let cases: &[Case<'_>] = &[
            (
                "Amazon SQS\n\n - queues messages\n",
                &[(1, 1, "Amazon SQS")],
            ),
            ("intro line.\n\nSNS -\n- topics\n", &[(3, 1, "SNS")]),
            (
                "Step Functions :\n\tstate machines\n",
                &[(1, 1, "Step Functions")],
            ),
            (
                "Glue\n- crawlers\n\n=====\nAthena\n- queries S3\n",
                &[(1, 1, "Glue"), (5, 1, "Athena")],
            ),
            // A sentence is not a heading; neither is a YAML key or a command.
            ("This is a sentence.\n\n- x\n", &[]),
            ("Resources:\n  Bucket:\n    Type: x\n", &[]),
            ("We can do this :\n- x\n", &[]),
            ("aws s3 ls\n\nmore\n", &[]),
            // Markdown-style headings in a text file; shell comments are not headings.
            (
                "## Amazon MQ\nManaged brokers.\n\n# list queues\naws sqs list-queues\n",
                &[(1, 1, "Amazon MQ")],
            ),
            // Sub-heading opened like a sentence, and one that extends the topic's title.
            (
                "Amazon Kinesis\n- streams\n\nTo create a stream :\n\t- name it\n\nAmazon Kinesis Firehose:\n- delivery\n",
                &[
                    (1, 1, "Amazon Kinesis"),
                    (4, 2, "To create a stream"),
                    (7, 2, "Amazon Kinesis Firehose"),
                ],
            ),
            // Indented bullet sub-headings followed by deeper blocks.
            (
                "CloudFront\n- edge caching\n\t-> Viewer request :\n\t\truns first\n\t\tbefore cache\n\t-> Origin request :\n\t\ton a miss\n",
                &[
                    (1, 1, "CloudFront"),
                    (3, 2, "Viewer request"),
                    (6, 2, "Origin request"),
                ],
            ),
            // A bullet with a definition is not a heading.
            (
                "Route 53\n\t- Weighted : splits traffic\n\t\tby weight\n",
                &[(1, 1, "Route 53")],
            ),
            // `Name - description` with an indented continuation.
            (
                "CloudTrail - records every API call made in the account\n\t- kept 90 days\n",
                &[(1, 1, "CloudTrail")],
            ),
            // ALL-CAPS part heading holds level-2 topics until a separator.
            (
                "EXAM TIPS:\n\nSQS -\n- polling\n\nSNS -\n- fan out\n\n====\nVPC\n- subnets\n",
                &[
                    (1, 1, "EXAM TIPS"),
                    (3, 2, "SQS"),
                    (6, 2, "SNS"),
                    (10, 1, "VPC"),
                ],
            ),
            // A topic's bullet item repeated as a heading is its sub-heading.
            (
                "Auto Scaling -\n- has parts:\n\t- Launch template\n\nLaunch template\n- AMI\n",
                &[(1, 1, "Auto Scaling"), (5, 2, "Launch template")],
            ),
        ];
        for (text, want) in cases {
            let got = heads(text);
            let want: Vec<(usize, u8, String)> = want
                .iter()
                .map(|(l, lv, t)| (*l, *lv, (*t).to_owned()))
                .collect();
            assert_eq!(got, want, "{text:?}");
        }
    }

    #[test]
    fn wide_gaps_between_topics_make_single_gaps_sub_headings() {
        let mut text = String::new();
        for (k, topic) in [
            "Amazon SQS",
            "Amazon SNS",
            "AWS Glue",
            "Amazon Athena",
            "AWS Batch",
        ]
        .iter()
        .enumerate()
        {
            text.push_str(&format!("\n\n{topic}\n- what it does\n"));
            if k % 2 == 0 {
                text.push_str("\nLimits :\n- some\n");
            }
        }
        let got = heads(&text);
        let levels: Vec<u8> = got.iter().map(|h| h.1).collect();
        assert_eq!(levels, [1, 2, 1, 1, 2, 1, 1, 2], "{got:?}");
        // With one blank line everywhere there is no such signal: all topics stay level 1.
        let flat = "SQS -\n- queues\n\nSNS -\n- topics\n\nGlue -\n- crawlers\n";
        assert!(heads(flat).iter().all(|h| h.1 == 1));
    }

    #[test]
    fn sections_cover_lines_and_trim_blank_ends() {
        let text = "Study log\n\nIAM -\n- users\n\n\n====\nKMS :\n- keys\n";
        let mut w = Vec::new();
        let s = sections("n.txt", text, &mut w);
        let got: Vec<(u8, u32, u32)> = s
            .iter()
            .map(|s| (s.level, s.line_start, s.line_end))
            .collect();
        assert_eq!(got, [(1, 1, 1), (1, 3, 4), (1, 8, 9)]);
        assert_eq!(crate::notes::section_id(&s, &s[1]), "n.txt#iam");
        assert_eq!(crate::notes::heading_path(&s, &s[2]), ["KMS"]);
        assert_eq!(s[2].parent, None);
    }

    #[test]
    fn text_before_first_heading_is_level_zero() {
        let text = "just some words here and there.\n\nS3 -\n- buckets\n";
        let mut w = Vec::new();
        let s = sections("n.txt", text, &mut w);
        assert_eq!(s[0].level, 0);
        assert_eq!((s[0].line_start, s[0].line_end), (1, 1));
        assert_eq!(&*s[1].title, "S3");
    }

    #[test]
    fn empty_and_blank_files_have_no_sections() {
        let mut w = Vec::new();
        assert!(sections("e.txt", "", &mut w).is_empty());
        assert!(sections("e.txt", "\n\n  \n", &mut w).is_empty());
    }
}
