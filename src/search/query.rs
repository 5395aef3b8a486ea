//! Parsing a search box query into words, phrases, exclusions and filters. Pure text work: no
//! index, no catalog. Never fails: anything it does not understand becomes plain words or is
//! dropped (stray punctuation, an unbalanced quote closes at the end of the query).

/// A word of the query outside quotes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryWord {
    /// As typed (case kept, for exact-case abbreviations).
    pub text: String,
    /// Lowercased.
    pub lower: String,
    /// Set when the word came from one chunk written without spaces (`leader_only`,
    /// `buildspec.yml`): the words of one chunk are also looked for as a phrase.
    pub chunk: Option<usize>,
    /// A question or filler word (`what`, `the`, `between`): dropped unless nothing else is left.
    pub stop: bool,
}

/// A filter written `name:value`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Filter {
    /// `in:SERVICE`: sections that mention an entity.
    In(String),
    /// `kind:KIND`: sections that mention an entity of a kind (`service`, `concept`, `tool`) or
    /// carry a marker of a kind (`important`, `uncertain`).
    Kind(String),
}

/// A parsed query.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParsedQuery {
    /// Free words in query order.
    pub words: Vec<QueryWord>,
    /// Quoted phrases (lowercased words), all required.
    pub phrases: Vec<Vec<String>>,
    /// Excluded words or phrases (lowercased words).
    pub excluded: Vec<Vec<String>>,
    pub filters: Vec<Filter>,
    /// The last free word may be an unfinished word (the query does not end with a space or a
    /// quote).
    pub last_is_prefix: bool,
}

impl ParsedQuery {
    /// Whether the query asks for anything at all.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
            && self.phrases.is_empty()
            && self.excluded.is_empty()
            && self.filters.is_empty()
    }

    /// The free words that carry meaning: stop words are left out unless they are all there is.
    pub fn content_words(&self) -> Vec<&QueryWord> {
        let content: Vec<&QueryWord> = self.words.iter().filter(|w| !w.stop).collect();
        if content.is_empty() {
            self.words.iter().collect()
        } else {
            content
        }
    }
}

/// Longest query we look at, in bytes; the rest is ignored (a pasted page is not a query).
pub const MAX_QUERY_BYTES: usize = 1024;
/// Most words we look at.
pub const MAX_WORDS: usize = 32;

/// Question and filler words. Short on purpose: only words that never decide which section is
/// meant. Words inside a chunk (`leader_only`) are never dropped.
const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "an",
    "and",
    "are",
    "as",
    "at",
    "be",
    "between",
    "by",
    "can",
    "could",
    "difference",
    "differences",
    "do",
    "does",
    "explain",
    "for",
    "from",
    "how",
    "i",
    "if",
    "in",
    "is",
    "it",
    "its",
    "me",
    "my",
    "of",
    "on",
    "or",
    "should",
    "the",
    "their",
    "there",
    "this",
    "to",
    "versus",
    "vs",
    "was",
    "we",
    "what",
    "whats",
    "when",
    "where",
    "which",
    "who",
    "why",
    "will",
    "with",
    "would",
    "you",
];

/// Whether a lowercase word is a question or filler word.
pub fn is_stop_word(lower: &str) -> bool {
    STOP_WORDS.binary_search(&lower).is_ok()
}

/// Splits text into lowercase words the way the index does (runs of letters and digits).
pub fn split_words(text: &str) -> Vec<&str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect()
}

/// Parses a query. Never fails.
pub fn parse(query: &str) -> ParsedQuery {
    let mut cut = query.len().min(MAX_QUERY_BYTES);
    while !query.is_char_boundary(cut) {
        cut -= 1;
    }
    let query = &query[..cut];
    let mut parsed = ParsedQuery::default();
    let mut chunk_id = 0usize;
    let mut rest = query;
    let mut ended_open = false;
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        let negated = rest.starts_with('-') && rest.len() > 1;
        let body = if negated { &rest[1..] } else { rest };
        if body.starts_with('-') || body.starts_with(char::is_whitespace) {
            // `--` or a lone `-`: punctuation, skip it.
            rest = &body[1..];
            continue;
        }
        if let Some(after) = body.strip_prefix('"') {
            let (inside, next, closed) = match after.find('"') {
                Some(end) => (&after[..end], &after[end + 1..], true),
                None => (after, "", false),
            };
            let words: Vec<String> = split_words(inside)
                .into_iter()
                .map(str::to_lowercase)
                .collect();
            if !words.is_empty() {
                if negated {
                    parsed.excluded.push(words);
                } else {
                    parsed.phrases.push(words);
                }
            }
            ended_open = false;
            let _ = closed;
            rest = next;
            continue;
        }
        let end = body
            .find(|c: char| c.is_whitespace() || c == '"')
            .unwrap_or(body.len());
        let chunk = &body[..end];
        rest = &body[end..];
        ended_open = rest.is_empty();
        if let Some((name, value)) = chunk.split_once(':') {
            let name = name.to_ascii_lowercase();
            let value = value.trim_matches(|c: char| !c.is_alphanumeric());
            if (name == "in" || name == "kind") && !negated {
                if !value.is_empty() {
                    let value = value.to_owned();
                    parsed.filters.push(if name == "in" {
                        Filter::In(value)
                    } else {
                        Filter::Kind(value.to_lowercase())
                    });
                }
                ended_open = false;
                continue;
            }
        }
        let words = split_words(chunk);
        if words.is_empty() {
            ended_open = false;
            continue;
        }
        if negated {
            parsed
                .excluded
                .push(words.iter().map(|w| w.to_lowercase()).collect());
            ended_open = false;
            continue;
        }
        let chunk = (words.len() > 1).then(|| {
            chunk_id += 1;
            chunk_id
        });
        for word in words {
            if parsed.words.len() >= MAX_WORDS {
                break;
            }
            let lower = word.to_lowercase();
            parsed.words.push(QueryWord {
                text: word.to_owned(),
                stop: chunk.is_none() && is_stop_word(&lower),
                lower,
                chunk,
            });
        }
    }
    parsed.last_is_prefix = ended_open && !parsed.words.is_empty();
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lowers(p: &ParsedQuery) -> Vec<&str> {
        p.words.iter().map(|w| w.lower.as_str()).collect()
    }

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        let mut sorted = STOP_WORDS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, STOP_WORDS);
    }

    #[test]
    fn words_phrases_exclusions_filters() {
        let p = parse(r#"what is "weighted routing" -lambda in:s3 kind:Service deploy"#);
        assert_eq!(lowers(&p), ["what", "is", "deploy"]);
        assert!(p.words[0].stop && p.words[1].stop && !p.words[2].stop);
        assert_eq!(p.phrases, vec![vec!["weighted", "routing"]]);
        assert_eq!(p.excluded, vec![vec!["lambda"]]);
        assert_eq!(
            p.filters,
            vec![Filter::In("s3".into()), Filter::Kind("service".into())]
        );
        assert!(p.last_is_prefix);
        assert_eq!(
            p.content_words()
                .iter()
                .map(|w| w.lower.as_str())
                .collect::<Vec<_>>(),
            ["deploy"]
        );
    }

    #[test]
    fn chunks_keep_their_words_together() {
        let p = parse("leader_only TRIM_HORIZON ");
        assert_eq!(lowers(&p), ["leader", "only", "trim", "horizon"]);
        assert_eq!(p.words[0].chunk, p.words[1].chunk);
        assert_ne!(p.words[1].chunk, p.words[2].chunk);
        assert!(
            !p.words[1].stop,
            "a word inside a chunk is never a stop word"
        );
        assert!(
            !p.last_is_prefix,
            "trailing space: the last word is finished"
        );
        assert_eq!(p.words[2].text, "TRIM");
    }

    #[test]
    fn bad_queries_parse_to_little_or_nothing() {
        for q in [
            "",
            "   ",
            "!!! ??? ...",
            ":",
            "::",
            "in:",
            "-",
            "--",
            "\"",
            "\"\"",
            "- -",
        ] {
            let p = parse(q);
            assert!(p.is_empty(), "{q:?} gave {p:?}");
        }
        let p = parse("\"unbalanced phrase");
        assert_eq!(p.phrases, vec![vec!["unbalanced", "phrase"]]);
        let p = parse("note: stray : colon");
        assert_eq!(lowers(&p), ["note", "stray", "colon"]);
        let long = "word ".repeat(2_000) + "é".repeat(3_000).as_str();
        let p = parse(&long);
        assert_eq!(p.words.len(), MAX_WORDS);
        let p = parse(&"é".repeat(10_000));
        assert_eq!(p.words.len(), 1);
    }

    #[test]
    fn content_words_fall_back_to_stop_words() {
        let p = parse("what is it");
        assert_eq!(p.content_words().len(), 3);
    }
}
