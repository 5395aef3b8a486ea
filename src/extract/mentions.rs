//! Finding mentions of catalog entities in text.
//!
//! One Aho-Corasick automaton holds every name, alias and abbreviation of the catalog plus cheap
//! spelling variants (`Auto Scaling` / `auto-scaling` / `autoscaling`, the name without its
//! `AWS `/`Amazon ` prefix, the name without a trailing `(ABBR)`). Candidates are found with an
//! overlapping search and then filtered by rules:
//!
//! - names and aliases match case-insensitively; abbreviations (`EB`, `ASG`) match their exact
//!   case, and abbreviations of three or more letters also match all-lowercase (`asg`, `ecr`);
//!   abbreviations with a digit (`S3`, `EC2`) match in any case;
//! - a single common English word used as a name (`Config`, `Batch`) must be capitalised as written;
//! - ASCII word boundaries on both sides, with an optional plural `s`/`es`/`'s`;
//! - nothing inside a URL (except an `s3://` scheme, which names the service), an ARN, a file path
//!   or a dotted file/host name (`config.yml`, `foo.s3.json`, `s3.amazonaws.com`);
//! - a lowercase abbreviation followed by a command word (`eb create`, `eb deploy`) is the
//!   entity's command-line tool (`EB CLI`) when the catalog has one, else not a mention;
//! - overlapping candidates: the longest wins (`CloudWatch Logs` over `CloudWatch`).

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use crate::catalog::Catalog;

/// Errors while building a matcher.
#[derive(Debug, thiserror::Error)]
pub enum MatcherError {
    /// The automaton could not be built (too many or too long patterns).
    #[error("cannot build the mention matcher: {0}")]
    Build(#[from] aho_corasick::BuildError),
}

/// How the case of a candidate must match its pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CaseRule {
    /// Any case (names, aliases, abbreviations with a digit).
    Any,
    /// Exactly as written (two-letter abbreviations).
    Exact,
    /// Exactly as written or all lowercase (`ASG`, `asg`).
    ExactOrLower,
    /// First letter as written, rest any case (`Config` but not `config`).
    Capitalised,
}

/// One surface form that points at an entity.
#[derive(Clone, Debug)]
struct Form {
    /// Index into the catalog's entries.
    entry: usize,
    /// The form as written in the catalog (for case checks).
    text: String,
    case: CaseRule,
    /// An abbreviation (plural only `s`).
    abbreviation: bool,
}

/// A raw mention found in a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RawMention {
    /// Index into the catalog's entries.
    pub entry: usize,
    /// Byte range in the searched text (including a plural suffix).
    pub start: usize,
    pub end: usize,
}

/// Finds mentions of catalog entities; build once per catalog and reuse.
#[derive(Debug)]
pub struct MentionMatcher {
    /// Leftmost-longest DFA for the main sweep.
    leftmost: AhoCorasick,
    /// Every pattern, for overlapping search in small windows.
    overlapping: AhoCorasick,
    /// Per automaton pattern: the forms that share its folded text.
    forms: Vec<Vec<Form>>,
    /// Lowercase abbreviation → the entry of its command-line tool (`eb` → `EB CLI`).
    cli_of: HashMap<String, usize>,
}

/// Common English words: a single-word name that is one of these must be capitalised to count.
const ENGLISH_WORDS: &[&str] = &[
    "config",
    "batch",
    "glue",
    "shield",
    "inspector",
    "pipeline",
    "connect",
    "backup",
    "translate",
    "comprehend",
    "forecast",
    "personalize",
    "detective",
    "outposts",
    "organizations",
    "organization",
    "artifact",
    "artifacts",
    "budgets",
    "chatbot",
    "proton",
    "amplify",
    "transcribe",
    "snowball",
    "route",
    "storage",
    "events",
    "logs",
    "trail",
    "registry",
    "activation",
    "traces",
    "source",
    "build",
    "deploy",
    "commit",
    "rolling",
    "immutable",
    "canary",
    "linear",
    "subnet",
    "subnets",
    "stack",
    "stacks",
    "layer",
    "layers",
    "recipes",
    "parameters",
    "outputs",
    "resources",
    "mappings",
    "conditions",
    "secrets",
    "tasks",
    "service",
    "services",
    "cluster",
    "clusters",
    "instance",
    "instances",
    "image",
    "images",
    "bucket",
    "buckets",
    "function",
    "functions",
    "table",
    "tables",
    "queue",
    "queues",
    "topic",
    "topics",
    "stream",
    "streams",
    "alias",
    "aliases",
    "version",
    "versions",
    "tier",
    "tiers",
    "policy",
    "policies",
    "role",
    "roles",
    "user",
    "users",
    "group",
    "groups",
    "health",
    "monitoring",
    "testing",
    "tests",
    "setup",
    "configure",
    "shutdown",
    "undeploy",
    "deployment",
    "deployments",
    "workspaces",
    "chime",
    "go",
    "support",
    "console",
    "dashboard",
    "dashboards",
    "tagging",
    "rust",
    "swift",
    "node",
    "salt",
    "neptune",
    "artillery",
];

/// Abbreviations that are everyday computing words: never matched lowercase, and matched in
/// exact case only after `AWS ` (`AWS RAM`), since `RAM & CPU` is memory.
const GENERIC_ABBREVIATIONS: &[&str] = &["RAM", "CPU", "API", "DNS", "SSH", "SQL", "OS", "IP"];

/// Lowercase words that never count as a lowercase abbreviation (names, commands, words).
const LOWERCASE_STOP: &[&str] = &[
    "sam", "ram", "scp", "cur", "ace", "bat", "can", "cli", "api", "dms", "sso", "mq", "nat",
    "ses", "sts", "amp", "fis", "mgn", "arc", "cdk", "ide",
];

/// Words that make `abbr WORD` a command line (`eb create`) rather than a mention.
const COMMAND_WORDS: &[&str] = &[
    "init",
    "create",
    "deploy",
    "delete",
    "list",
    "describe",
    "get",
    "put",
    "update",
    "status",
    "health",
    "terminate",
    "package",
    "build",
    "run",
    "push",
    "pull",
    "start",
    "stop",
    "logs",
    "ssh",
    "swap",
    "open",
    "validate",
    "config",
    "console",
    "events",
    "printenv",
    "setenv",
    "scale",
    "use",
    "clone",
    "restore",
    "abort",
    "upgrade",
    "platform",
    "local",
    "labs",
    "tags",
    "appversion",
    "codesource",
    "local",
    "sync",
    "cp",
    "mv",
    "rm",
    "ls",
    "mb",
    "rb",
    "invoke",
    "publish",
    "login",
    "logout",
    "configure",
    "help",
];

impl MentionMatcher {
    /// Builds the matcher for a catalog.
    pub fn new(catalog: &Catalog) -> Result<Self, MatcherError> {
        let mut by_text: HashMap<Vec<u8>, usize> = HashMap::new();
        let mut patterns: Vec<Vec<u8>> = Vec::new();
        let mut forms: Vec<Vec<Form>> = Vec::new();
        let mut add = |text: &str, form: Form| {
            if text.trim().len() < 2 {
                return;
            }
            // Searched in the folded form of the text (see [`fold_into`]), after a boundary.
            let mut key = vec![SEP];
            fold_into(text.trim().as_bytes(), &mut key);
            let ix = *by_text.entry(key.clone()).or_insert_with(|| {
                patterns.push(key);
                forms.push(Vec::new());
                patterns.len() - 1
            });
            if let Some(list) = forms.get_mut(ix) {
                let dup = list
                    .iter()
                    .any(|f| f.entry == form.entry && f.case == form.case && f.text == form.text);
                if !dup {
                    list.push(form);
                }
            }
        };
        let mut cli_of = HashMap::new();
        for (entry_ix, entry) in catalog.entries.iter().enumerate() {
            let mut names: Vec<&str> = vec![entry.name.as_str()];
            names.extend(entry.aliases.iter().map(String::as_str));
            for name in names {
                if looks_like_abbreviation(name) {
                    add(name, abbreviation_form(entry_ix, name));
                    continue;
                }
                for variant in name_variants(name) {
                    if looks_like_abbreviation(&variant) {
                        add(&variant, abbreviation_form(entry_ix, &variant));
                        continue;
                    }
                    let case = name_case(&variant);
                    add(
                        &variant,
                        Form {
                            entry: entry_ix,
                            text: variant.clone(),
                            case,
                            abbreviation: false,
                        },
                    );
                }
                // `… (ECR)` in a name: the part in brackets is an abbreviation.
                if let Some(abbr) = bracketed_abbreviation(name) {
                    add(&abbr, abbreviation_form(entry_ix, &abbr));
                }
            }
            for abbr in &entry.abbreviations {
                add(abbr, abbreviation_form(entry_ix, abbr));
            }
        }
        // Command-line tools: an entry with an alias `X CLI` is the CLI of abbreviation `X`.
        for (entry_ix, entry) in catalog.entries.iter().enumerate() {
            for name in std::iter::once(&entry.name).chain(entry.aliases.iter()) {
                let lower = name.to_ascii_lowercase();
                if let Some(abbr) = lower.strip_suffix(" cli")
                    && !abbr.contains(' ')
                    && abbr.len() >= 2
                {
                    cli_of.entry(abbr.to_owned()).or_insert(entry_ix);
                }
            }
        }
        // A DFA: the leftmost-longest sweep over every note is the hot loop of a compile.
        let leftmost = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(&patterns)?;
        let overlapping = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(&patterns)?;
        Ok(Self {
            leftmost,
            overlapping,
            forms,
            cli_of,
        })
    }

    /// All mentions in `text`, sorted by start, non-overlapping (longest wins).
    ///
    /// A leftmost-longest pass finds the usual mention in one sweep; only where that match fails
    /// a rule (case, boundary, URL, …) is its span searched again for shorter candidates.
    pub fn find(&self, text: &str, catalog: &Catalog) -> Vec<RawMention> {
        let mut all = Vec::new();
        self.find_by_line(text, catalog, |_, _, line| all.extend_from_slice(line));
        all
    }

    /// [`MentionMatcher::find`] one line at a time: calls `each(line index, line start, mentions)`
    /// with the mentions of each line in order (mentions never cross a line break), so a caller
    /// can keep its own compact form instead of one list of the whole text. A long line is read
    /// in segments of [`SEGMENT`] bytes and may take several calls.
    pub fn find_by_line(
        &self,
        text: &str,
        catalog: &Catalog,
        each: impl FnMut(usize, usize, &[RawMention]),
    ) {
        self.find_by_line_with(text, catalog, &mut LineScratch::default(), each);
    }

    /// [`MentionMatcher::find_by_line`] with buffers kept from call to call (a caller that reads
    /// a note one line at a time).
    pub fn find_by_line_with(
        &self,
        text: &str,
        catalog: &Catalog,
        scratch: &mut LineScratch,
        mut each: impl FnMut(usize, usize, &[RawMention]),
    ) {
        let LineScratch {
            candidates,
            resolved,
            cluster,
            folded,
        } = scratch;
        candidates.clear();
        let longest = self.leftmost.max_pattern_len();
        for (li, (line_start, line)) in lines_with_offsets(text).enumerate() {
            let bytes = line.as_bytes();
            // The scan goes on at line offset `from`: a match there is a word that starts at
            // `from` (its separator is the byte before).
            let mut from = 0;
            loop {
                // Matches that start before `seg_end` are taken; the window holds all of them.
                let seg_end = (from + SEGMENT).min(bytes.len());
                let window_end = (seg_end + longest).min(bytes.len());
                folded.clear();
                if from == 0 {
                    folded.push(SEP);
                    fold_into(bytes.get(..window_end).unwrap_or(&[]), folded);
                } else {
                    fold_into(bytes.get(from - 1..window_end).unwrap_or(&[]), folded);
                }
                // A pattern `SEP word…` at folded offset `i` is the word at line offset
                // `from + i`.
                let mut next = seg_end;
                for m in self.leftmost.find_iter(&**folded) {
                    if from + m.start() >= seg_end {
                        break;
                    }
                    next = next.max(from + m.end());
                    let start = line_start + from + m.start();
                    let end = line_start + from + m.end() - 1;
                    if self.check(
                        text,
                        start,
                        end,
                        m.pattern().as_usize(),
                        catalog,
                        candidates,
                    ) {
                        continue;
                    }
                    let Some(window) = folded.get(m.start()..m.end()) else {
                        continue;
                    };
                    for inner in self.overlapping.find_overlapping_iter(window) {
                        let len = inner.end() - inner.start();
                        if len < m.end() - m.start() {
                            let start = start + inner.start();
                            self.check(
                                text,
                                start,
                                start + len - 1,
                                inner.pattern().as_usize(),
                                catalog,
                                candidates,
                            );
                        }
                    }
                }
                // Later matches start at or after `next`: what ends before it is final.
                let done = next >= bytes.len();
                let settled = candidates.iter().all(|c| c.end <= line_start + next);
                if !candidates.is_empty() && (done || settled) {
                    resolve_overlaps(candidates, cluster, resolved);
                    candidates.clear();
                    each(li, line_start, resolved);
                }
                if done {
                    break;
                }
                from = next;
            }
        }
    }

    /// Every valid candidate in `text`, overlapping ones included, unsorted.
    pub fn candidates(&self, text: &str, catalog: &Catalog) -> Vec<RawMention> {
        let mut candidates: Vec<RawMention> = Vec::new();
        let mut folded: Vec<u8> = Vec::new();
        for (line_start, line) in lines_with_offsets(text) {
            folded.clear();
            folded.push(SEP);
            fold_into(line.as_bytes(), &mut folded);
            for m in self.overlapping.find_overlapping_iter(&folded) {
                let (start, end) = (line_start + m.start(), line_start + m.end() - 1);
                self.check(
                    text,
                    start,
                    end,
                    m.pattern().as_usize(),
                    catalog,
                    &mut candidates,
                );
            }
        }
        candidates
    }

    /// Applies the rules to one automaton match; pushes the mention and returns `true` if one of
    /// the pattern's forms accepts it.
    fn check(
        &self,
        text: &str,
        start: usize,
        match_end: usize,
        pattern: usize,
        catalog: &Catalog,
        out: &mut Vec<RawMention>,
    ) -> bool {
        let bytes = text.as_bytes();
        let Some(forms) = self.forms.get(pattern) else {
            return false;
        };
        if !left_boundary(bytes, start) {
            return false;
        }
        let Some(surface) = text.get(start..match_end) else {
            return false;
        };
        for form in forms {
            let Some(end) = right_boundary(bytes, match_end, form.abbreviation) else {
                continue;
            };
            let lowercase = surface.bytes().all(|b| !b.is_ascii_uppercase());
            if form.abbreviation && lowercase && followed_by_command(text, match_end) {
                // `eb create`: the command-line tool of `EB`, if the catalog has one.
                if let Some(&cli) = self.cli_of.get(&surface.to_ascii_lowercase()) {
                    out.push(RawMention {
                        entry: cli,
                        start,
                        end,
                    });
                    return true;
                }
                continue;
            }
            if !case_ok(form, surface, text, start) || in_excluded_token(text, start, end) {
                continue;
            }
            if catalog.entries.get(form.entry).is_none() {
                continue;
            }
            out.push(RawMention {
                entry: form.entry,
                start,
                end,
            });
            return true;
        }
        false
    }
}

/// A long line is searched this many bytes at a time (plus the longest pattern), so its folded
/// copy and its pending candidates stay small.
const SEGMENT: usize = 64 << 10;

/// The byte every non-word byte folds to.
const SEP: u8 = 0;

/// Folds text for matching: ASCII letters to lowercase, letters/digits/`_` kept, every other byte
/// (spaces, `-`, `/`, `.`, non-ASCII) to [`SEP`]. Offsets are kept byte for byte, so `Auto
/// Scaling`, `auto-scaling` and `auto/scaling` fold alike, and a pattern that starts with `SEP`
/// can only match where a word starts.
fn fold_into(bytes: &[u8], out: &mut Vec<u8>) {
    out.extend(bytes.iter().map(|&b| {
        if b.is_ascii_alphanumeric() || b == b'_' {
            b.to_ascii_lowercase()
        } else {
            SEP
        }
    }));
}

/// Lines of a text with the byte offset of each.
fn lines_with_offsets(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = 0;
    text.split_inclusive('\n').map(move |line| {
        let start = offset;
        offset += line.len();
        (start, line)
    })
}

/// Buffers of [`MentionMatcher::find_by_line_with`].
#[derive(Default)]
pub struct LineScratch {
    candidates: Vec<RawMention>,
    resolved: Vec<RawMention>,
    cluster: Vec<RawMention>,
    folded: Vec<u8>,
}

/// An alias written like an abbreviation (`RAM`, `S3`, `EC2`): matched by the abbreviation rules.
fn looks_like_abbreviation(name: &str) -> bool {
    let n = name.trim();
    (2..=5).contains(&n.len())
        && n.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        && n.bytes().any(|b| b.is_ascii_uppercase())
}

fn abbreviation_form(entry: usize, abbr: &str) -> Form {
    let has_digit = abbr.bytes().any(|b| b.is_ascii_digit());
    let letters = abbr.bytes().filter(u8::is_ascii_alphabetic).count();
    let lower = abbr.to_ascii_lowercase();
    let case = if has_digit {
        CaseRule::Any
    } else if letters >= 3
        && !LOWERCASE_STOP.contains(&lower.as_str())
        && !GENERIC_ABBREVIATIONS.contains(&abbr)
    {
        CaseRule::ExactOrLower
    } else {
        CaseRule::Exact
    };
    Form {
        entry,
        text: abbr.to_owned(),
        case,
        abbreviation: true,
    }
}

/// Case rule for a name or alias variant.
fn name_case(variant: &str) -> CaseRule {
    let lower = variant.to_ascii_lowercase();
    let single_word = !lower.contains([' ', '-', '/']);
    if single_word && ENGLISH_WORDS.contains(&lower.as_str()) {
        let first_upper = variant
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_uppercase());
        if first_upper {
            return CaseRule::Capitalised;
        }
    }
    CaseRule::Any
}

/// `Amazon Elastic Container Registry (ECR)` → `ECR`.
fn bracketed_abbreviation(name: &str) -> Option<String> {
    let open = name.rfind('(')?;
    let inner = name.get(open + 1..)?.strip_suffix(')')?.trim();
    let ok = inner.len() >= 2
        && inner.len() <= 8
        && inner
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        && inner.bytes().any(|b| b.is_ascii_uppercase());
    ok.then(|| inner.to_owned())
}

/// Spelling variants of a name: as written, without `(…)`, without an `AWS `/`Amazon ` prefix,
/// and with its word separators as space, hyphen or nothing (`Auto Scaling`, `auto-scaling`,
/// `autoscaling`) when every word has at least three letters.
pub(crate) fn name_variants(name: &str) -> Vec<String> {
    let mut bases: Vec<String> = Vec::new();
    let trimmed = name.trim();
    bases.push(trimmed.to_owned());
    if let Some(open) = trimmed.rfind(" (")
        && trimmed.ends_with(')')
        && let Some(head) = trimmed.get(..open)
    {
        bases.push(head.trim().to_owned());
    }
    for base in bases.clone() {
        for prefix in ["AWS ", "Amazon ", "aws ", "amazon "] {
            // Only a proper name survives without its prefix: `AWS CodeBuild` → `CodeBuild`,
            // but `aws configure` stays whole.
            if let Some(rest) = base.strip_prefix(prefix)
                && rest.trim().len() >= 2
                && rest
                    .bytes()
                    .any(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            {
                bases.push(rest.trim().to_owned());
            }
        }
    }
    let mut out: Vec<String> = Vec::new();
    for base in bases {
        let words: Vec<&str> = base.split([' ', '-']).filter(|w| !w.is_empty()).collect();
        out.push(base.clone());
        if (2..=4).contains(&words.len())
            && words
                .iter()
                .all(|w| w.len() >= 3 && w.bytes().all(|b| b.is_ascii_alphanumeric()))
        {
            out.push(words.join(" "));
            out.push(words.join("-"));
            out.push(words.concat());
        }
    }
    out.sort();
    out.dedup();
    out
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn left_boundary(bytes: &[u8], start: usize) -> bool {
    match start.checked_sub(1).and_then(|i| bytes.get(i)) {
        None => true,
        Some(&b) => !is_word_byte(b),
    }
}

/// The end of the mention (after an optional plural) if a word boundary follows.
fn right_boundary(bytes: &[u8], end: usize, abbreviation: bool) -> Option<usize> {
    let at = |i: usize| bytes.get(i).copied();
    let boundary = |i: usize| at(i).is_none_or(|b| !is_word_byte(b));
    if boundary(end) {
        return Some(end);
    }
    let last_is_letter = end
        .checked_sub(1)
        .and_then(|i| bytes.get(i))
        .is_some_and(u8::is_ascii_alphabetic);
    if !last_is_letter {
        return None;
    }
    let suffixes: &[&[u8]] = if abbreviation {
        &[b"s"]
    } else {
        &[b"es", b"s"]
    };
    for suffix in suffixes {
        let stop = end + suffix.len();
        // An abbreviation's plural is a lowercase `s` (`ASGs`), never a capital (`EBS`).
        if bytes.get(end..stop).is_some_and(|s| {
            if abbreviation {
                s == *suffix
            } else {
                s.eq_ignore_ascii_case(suffix)
            }
        }) && boundary(stop)
        {
            return Some(stop);
        }
    }
    None
}

fn case_ok(form: &Form, surface: &str, text: &str, start: usize) -> bool {
    match form.case {
        CaseRule::Any => true,
        CaseRule::Exact => {
            surface == form.text
                && (!GENERIC_ABBREVIATIONS.contains(&form.text.as_str())
                    || text.get(..start).is_some_and(|t| t.ends_with("AWS ")))
        }
        CaseRule::ExactOrLower => {
            surface == form.text || surface.bytes().all(|b| !b.is_ascii_uppercase())
        }
        CaseRule::Capitalised => {
            // Capitalised, and not merely because it starts a line or a sentence.
            let want = form.text.bytes().next();
            let got = surface.bytes().next();
            want == got && !starts_sentence(text, start) && !in_title_case_phrase(text, start)
        }
    }
}

/// The text before `start` on its line is only whitespace and bullet marks, or ends a sentence.
fn starts_sentence(text: &str, start: usize) -> bool {
    let head = text.get(..start).unwrap_or("");
    let line = head.rsplit('\n').next().unwrap_or(head);
    let lead = line.trim_end();
    lead.chars()
        .all(|c| c.is_whitespace() || matches!(c, '-' | '*' | '>' | '=' | '•' | '(' | '['))
        || lead.ends_with(['.', '!', '?', ':', '>'])
}

/// The word before `start` is capitalised too (`Custom Resource Support`): a title-case phrase,
/// where a capital letter says nothing about a name.
fn in_title_case_phrase(text: &str, start: usize) -> bool {
    let head = text.get(..start).unwrap_or("");
    let Some(head) = head.strip_suffix(' ') else {
        return false;
    };
    let word = head.rsplit([' ', '\t', '\n']).next().unwrap_or("");
    word.bytes().next().is_some_and(|b| b.is_ascii_uppercase()) && !matches!(word, "AWS" | "Amazon")
}

/// `eb create`, `eb deploy`: a command word follows after one space.
fn followed_by_command(text: &str, end: usize) -> bool {
    let Some(rest) = text.get(end..) else {
        return false;
    };
    let Some(rest) = rest.strip_prefix(' ') else {
        return false;
    };
    let word: String = rest
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-')
        .map(char::from)
        .collect();
    COMMAND_WORDS.contains(&word.as_str())
}

/// Inside a URL, an ARN, a file path or a dotted file or host name.
fn in_excluded_token(text: &str, start: usize, end: usize) -> bool {
    let bytes = text.as_bytes();
    // Dotted names: `config.yml`, `foo.s3.json`, `s3.amazonaws.com`.
    let before_dot = start >= 2
        && bytes.get(start - 1) == Some(&b'.')
        && bytes.get(start - 2).is_some_and(|b| is_word_byte(*b));
    let after_dot = bytes.get(end) == Some(&b'.')
        && bytes
            .get(end + 1)
            .is_some_and(|b| b.is_ascii_alphanumeric());
    if before_dot || after_dot {
        return true;
    }
    let token_start = text
        .get(..start)
        .and_then(|t| t.rfind(char::is_whitespace).map(|i| i + 1))
        .unwrap_or(0);
    let token_end = text
        .get(end..)
        .and_then(|t| t.find(char::is_whitespace).map(|i| end + i))
        .unwrap_or(text.len());
    let Some(token) = text.get(token_start..token_end) else {
        return false;
    };
    let lead = token.len()
        - token
            .trim_start_matches(['"', '\'', '(', '[', '{', '<', '`'])
            .len();
    let token_start = token_start + lead;
    let Some(token) = text.get(token_start..token_end) else {
        return false;
    };
    let lower = token.to_ascii_lowercase();
    if lower.starts_with("arn:") || lower.contains(":arn:") {
        return true;
    }
    if lower.contains("://") {
        // `s3://bucket` names the service by its scheme.
        let scheme_is_match =
            token_start == start && text.get(end..).is_some_and(|r| r.starts_with("://"));
        return !scheme_is_match;
    }
    if lower.starts_with("www.") {
        return true;
    }
    let path_like = lower.starts_with('/') || lower.starts_with("~/") || lower.starts_with("./");
    path_like && lower.len() > 1 && lower.get(1..).is_some_and(|r| r.contains('/'))
}

/// Keeps the longest of overlapping candidates (then the leftmost), sorted by start, in `out`
/// (cleared first; `cluster` is scratch space).
fn resolve_overlaps(
    candidates: &mut [RawMention],
    cluster: &mut Vec<RawMention>,
    out: &mut Vec<RawMention>,
) {
    candidates.sort_by_key(|m| (m.start, std::cmp::Reverse(m.end), m.entry));
    out.clear();
    cluster.clear();
    let mut cluster_end = 0;
    for &cand in candidates.iter() {
        if !cluster.is_empty() && cand.start >= cluster_end {
            pick_longest(cluster, out);
        }
        cluster_end = if cluster.is_empty() {
            cand.end
        } else {
            cluster_end.max(cand.end)
        };
        cluster.push(cand);
    }
    pick_longest(cluster, out);
    out.sort_by_key(|m| (m.start, m.end));
}

/// Greedy choice inside one cluster of overlapping candidates: longest first.
fn pick_longest(cluster: &mut Vec<RawMention>, out: &mut Vec<RawMention>) {
    cluster.sort_by_key(|m| (std::cmp::Reverse(m.end - m.start), m.start, m.entry));
    let first = out.len();
    for cand in cluster.drain(..) {
        let free = out
            .get(first..)
            .unwrap_or(&[])
            .iter()
            .all(|t| cand.end <= t.start || cand.start >= t.end);
        if free {
            out.push(cand);
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::catalog::{CatalogRelation, Entry, EntryKind, RelationKind};

    #[test]
    fn built_in_names_fit_a_unit() {
        // A mention keeps its length in 8 bits; a longer one would be cut.
        let matcher = MentionMatcher::new(Catalog::builtin()).unwrap();
        assert!(matcher.leftmost.max_pattern_len() <= crate::extract::MAX_MENTION_LEN);
    }

    fn entry(
        id: &str,
        kind: EntryKind,
        name: &str,
        aliases: &[&str],
        abbreviations: &[&str],
    ) -> Entry {
        Entry {
            id: id.to_owned(),
            kind,
            name: name.to_owned(),
            aliases: aliases.iter().map(|s| (*s).to_owned()).collect(),
            abbreviations: abbreviations.iter().map(|s| (*s).to_owned()).collect(),
            category: "Other".to_owned(),
            exams: Vec::new(),
            description: String::new(),
            relations: Vec::new(),
        }
    }

    /// A small catalog for the extraction tests.
    pub(crate) fn test_catalog() -> Catalog {
        let mut sam = entry(
            "sam",
            EntryKind::Service,
            "AWS Serverless Application Model",
            &["SAM"],
            &[],
        );
        sam.relations.push(CatalogRelation {
            kind: RelationKind::TranslatesTo,
            target: "cloudformation".to_owned(),
        });
        Catalog::new(vec![
            entry(
                "elastic-beanstalk",
                EntryKind::Service,
                "AWS Elastic Beanstalk",
                &["Beanstalk"],
                &["EB"],
            ),
            entry("eb-cli", EntryKind::Concept, "EB CLI", &["awsebcli"], &[]),
            entry("aws-config", EntryKind::Service, "AWS Config", &[], &[]),
            entry(
                "s3",
                EntryKind::Service,
                "Amazon S3",
                &["S3", "Simple Storage Service"],
                &[],
            ),
            entry(
                "cloudwatch",
                EntryKind::Service,
                "Amazon CloudWatch",
                &[],
                &[],
            ),
            entry(
                "cloudwatch-logs",
                EntryKind::Service,
                "Amazon CloudWatch Logs",
                &[],
                &[],
            ),
            entry(
                "auto-scaling",
                EntryKind::Service,
                "Amazon EC2 Auto Scaling",
                &["Auto Scaling"],
                &["ASG"],
            ),
            entry(
                "ecr",
                EntryKind::Service,
                "Amazon Elastic Container Registry (ECR)",
                &[],
                &[],
            ),
            entry(
                "ram",
                EntryKind::Service,
                "AWS Resource Access Manager",
                &["AWS RAM"],
                &[],
            ),
            entry("lambda", EntryKind::Service, "AWS Lambda", &[], &[]),
            entry(
                "cloudformation",
                EntryKind::Service,
                "AWS CloudFormation",
                &[],
                &["CFN"],
            ),
            entry("codebuild", EntryKind::Service, "AWS CodeBuild", &[], &[]),
            entry("codecommit", EntryKind::Service, "AWS CodeCommit", &[], &[]),
            entry(
                "codepipeline",
                EntryKind::Service,
                "AWS CodePipeline",
                &[],
                &[],
            ),
            entry("jenkins", EntryKind::Tool, "Jenkins", &[], &[]),
            entry(
                "in-place",
                EntryKind::Concept,
                "In-place deployment",
                &["in-place"],
                &[],
            ),
            entry(
                "blue-green",
                EntryKind::Concept,
                "Blue/green deployment",
                &["blue/green", "blue-green"],
                &[],
            ),
            entry(
                "global-tables",
                EntryKind::Concept,
                "DynamoDB global tables",
                &["global table"],
                &[],
            ),
            entry("dynamodb", EntryKind::Service, "Amazon DynamoDB", &[], &[]),
            entry(
                "ebextensions",
                EntryKind::Concept,
                ".ebextensions",
                &["ebextensions"],
                &[],
            ),
            entry("support", EntryKind::Service, "AWS Support", &[], &[]),
            sam,
        ])
    }

    #[test]
    fn a_line_longer_than_a_segment_finds_what_its_pieces_find() {
        let catalog = test_catalog();
        let matcher = MentionMatcher::new(&catalog).unwrap();
        // 61 bytes: segment edges fall inside words and names of every kind.
        let unit = "Elastic Beanstalk and S3 buckets; eb create, AWS Config, EB. ";
        let one = matcher.find(unit, &catalog);
        assert!(one.len() >= 4, "{one:?}");
        let copies = 3 * SEGMENT / unit.len() + 7;
        let long = unit.repeat(copies);
        let got = matcher.find(&long, &catalog);
        let want: Vec<RawMention> = (0..copies)
            .flat_map(|k| {
                one.iter().map(move |m| RawMention {
                    start: m.start + k * unit.len(),
                    end: m.end + k * unit.len(),
                    ..*m
                })
            })
            .collect();
        assert_eq!(got.len(), want.len());
        assert_eq!(got, want);
        // Several calls for the one line, in order.
        let mut calls = Vec::new();
        matcher.find_by_line(&long, &catalog, |li, start, found| {
            calls.push((li, start, found.len()));
        });
        assert!(calls.len() > 1 && calls.iter().all(|&(li, start, _)| li == 0 && start == 0));
    }

    fn ids(text: &str) -> Vec<String> {
        let catalog = test_catalog();
        let matcher = MentionMatcher::new(&catalog).unwrap();
        matcher
            .find(text, &catalog)
            .into_iter()
            .map(|m| {
                let id = &catalog.entries[m.entry].id;
                format!("{id}={}", &text[m.start..m.end])
            })
            .collect()
    }

    macro_rules! mentions {
        ($name:ident, $text:expr, [$($want:expr),* $(,)?]) => {
            #[test]
            fn $name() {
                let want: Vec<&str> = vec![$($want),*];
                assert_eq!(ids($text), want, "text: {:?}", $text);
            }
        };
    }

    mentions!(
        generic_word_in_title_case_phrase,
        "Custom Resource Support; ask Support or AWS Support",
        ["support=Support", "support=AWS Support"]
    );
    mentions!(
        eb_abbreviation,
        "EB deploys the app",
        ["elastic-beanstalk=EB"]
    );
    mentions!(eb_create_is_cli, "then run eb create", ["eb-cli=eb"]);
    mentions!(eb_deploy_is_cli, "eb deploy --staged", ["eb-cli=eb"]);
    mentions!(eb_lowercase_word_is_nothing, "the eb environment", []);
    mentions!(
        aws_config,
        "AWS Config records changes",
        ["aws-config=AWS Config"]
    );
    mentions!(config_yml_is_not, "a config.yml file and a config file", []);
    mentions!(
        config_capitalised_mid_sentence,
        "rules of Config apply",
        ["aws-config=Config"]
    );
    mentions!(config_at_line_start_is_not, "Config values go here", []);
    mentions!(s3_any_case, "upload to s3 or S3", ["s3=s3", "s3=S3"]);
    mentions!(s3_not_in_url, "see https://s3.amazonaws.com/bucket/key", []);
    mentions!(s3_not_in_host, "s3.amazonaws.com is the host", []);
    mentions!(
        s3_scheme_is_mention,
        "copy to s3://my-bucket/key",
        ["s3=s3"]
    );
    mentions!(s3_not_in_arn, "arn:aws:s3:::bucket-name", []);
    mentions!(s3_not_in_file_name, "edit foo.s3.json now", []);
    mentions!(not_in_path, "logs in /aws/CodeBuild/project", []);
    mentions!(
        longest_match,
        "CloudWatch Logs and CloudWatch",
        ["cloudwatch-logs=CloudWatch Logs", "cloudwatch=CloudWatch"]
    );
    mentions!(
        spacing_variants,
        "autoscaling, auto-scaling and Auto Scaling",
        [
            "auto-scaling=autoscaling",
            "auto-scaling=auto-scaling",
            "auto-scaling=Auto Scaling"
        ]
    );
    mentions!(
        plural,
        "two global tables and ASGs",
        ["global-tables=global tables", "auto-scaling=ASGs"]
    );
    mentions!(asg_lowercase, "the asg replaces it", ["auto-scaling=asg"]);
    mentions!(word_boundary, "EBS volumes and PEB", []);
    mentions!(bracket_abbreviation, "push to ECR", ["ecr=ECR"]);
    mentions!(generic_ram_is_memory, "amount of RAM & CPU", []);
    mentions!(aws_ram_is_service, "share with AWS RAM", ["ram=AWS RAM"]);
    mentions!(lowercase_name, "a lambda function", ["lambda=lambda"]);
    mentions!(
        dotted_folder,
        "inside the .ebextensions folder",
        ["ebextensions=.ebextensions"]
    );

    #[test]
    fn name_variants_cover_spacing_and_prefix() {
        let v = name_variants("Amazon EC2 Auto Scaling");
        assert!(v.contains(&"EC2 Auto Scaling".to_owned()));
        assert!(v.contains(&"Auto Scaling".to_owned()) || v.contains(&"EC2AutoScaling".to_owned()));
        let v = name_variants("Amazon Elastic Container Registry (ECR)");
        assert!(v.contains(&"Elastic Container Registry".to_owned()));
        assert!(v.contains(&"ElasticContainerRegistry".to_owned()));
    }
}
