//! Snippets: the best few lines of a section for a query, with the byte ranges of every matched
//! word (exact, stemmed, corrected or completed) so the UI can highlight them.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;

use tantivy::tokenizer::TextAnalyzer;

use super::Snippet;

/// A snippet stops growing past this many bytes of whole lines...
const SNIPPET_TARGET: usize = 160;
/// ...and is never longer than this.
const SNIPPET_MAX: usize = 320;

/// The words to highlight.
#[derive(Clone, Debug, Default)]
pub struct Highlighter {
    /// Stems of the query's words and of the names they expand to.
    pub stems: HashSet<String>,
    /// Lowercase words found by typo correction or completion.
    pub words: HashSet<String>,
}

impl Highlighter {
    /// Byte ranges of the matched words in `text`, in order, each with a key telling distinct
    /// words apart.
    pub fn matches(&self, text: &str, stemmer: &mut TextAnalyzer) -> Vec<(Range<usize>, String)> {
        let mut found = Vec::new();
        if self.stems.is_empty() && self.words.is_empty() {
            return found;
        }
        // Stemming every word of every hit is the slow part of a search: only words that begin
        // like one of the stems are stemmed.
        let heads: HashSet<&str> = self.stems.iter().map(|s| head(s)).collect();
        let mut lower = String::new();
        let mut start = None;
        for (i, c) in text
            .char_indices()
            .chain(std::iter::once((text.len(), ' ')))
        {
            if c.is_alphanumeric() {
                start.get_or_insert(i);
                continue;
            }
            let Some(from) = start.take() else {
                continue;
            };
            let word = &text[from..i];
            lower.clear();
            lower.extend(word.chars().flat_map(char::to_lowercase));
            if self.words.contains(&lower) {
                found.push((from..i, lower.clone()));
            } else if heads.contains(head(&lower)) {
                let mut stream = stemmer.token_stream(&lower);
                if stream.advance() && self.stems.contains(&stream.token().text) {
                    found.push((from..i, stream.token().text.clone()));
                }
            }
        }
        found
    }

    /// The snippet of a section's text.
    pub fn snippet(&self, text: &str, stemmer: &mut TextAnalyzer) -> Snippet {
        let matches = self.matches(text, stemmer);
        // Score each line by the distinct words it holds, then by how many.
        let mut lines: BTreeMap<usize, (HashSet<&str>, usize)> = BTreeMap::new();
        for (range, key) in &matches {
            let line_start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
            let entry = lines.entry(line_start).or_default();
            entry.0.insert(key.as_str());
            entry.1 += 1;
        }
        let best = lines
            .iter()
            .max_by(|a, b| {
                (a.1.0.len(), a.1.1)
                    .cmp(&(b.1.0.len(), b.1.1))
                    // Earlier lines win ties.
                    .then(b.0.cmp(a.0))
            })
            .map(|(start, _)| *start);
        let start = match best {
            Some(start) => start,
            // Nothing to highlight (a filter or a heading match): the text after the heading.
            None => text
                .find('\n')
                .map(|i| i + 1)
                .filter(|&i| !text[i..].trim().is_empty())
                .unwrap_or(0),
        };
        let window = window(text, start);
        let highlights = matches
            .iter()
            .filter(|(r, _)| r.start >= window.start && r.end <= window.end)
            .map(|(r, _)| r.start - window.start..r.end - window.start)
            .collect();
        Snippet {
            text: text[window].to_owned(),
            highlights,
        }
    }
}

/// The first three characters of a word: a stem and its words begin alike.
fn head(word: &str) -> &str {
    let end = word.char_indices().nth(3).map_or(word.len(), |(i, _)| i);
    &word[..end]
}

/// Whole lines from `start` up to about [`SNIPPET_TARGET`] bytes, cut to [`SNIPPET_MAX`] at a
/// character boundary, leading and trailing blanks left out.
fn window(text: &str, start: usize) -> Range<usize> {
    let mut start = start.min(text.len());
    while start < text.len() && text[start..].starts_with(char::is_whitespace) {
        start += text[start..].chars().next().map_or(1, char::len_utf8);
    }
    let mut end = start;
    while end < text.len() && end - start < SNIPPET_TARGET {
        end = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
    }
    if end - start > SNIPPET_MAX {
        end = start + SNIPPET_MAX;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        if let Some(space) = text[start..end].rfind(char::is_whitespace)
            && space > SNIPPET_MAX / 2
        {
            end = start + space;
        }
    }
    let trimmed = text[start..end].trim_end().len();
    start..start + trimmed
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::tokenizer::TokenizerManager;

    fn stemmer() -> TextAnalyzer {
        TokenizerManager::default()
            .get("en_stem")
            .expect("en_stem is built in")
    }

    #[test]
    fn highlights_stems_and_corrected_words() {
        let hl = Highlighter {
            stems: ["hook".to_owned()].into_iter().collect(),
            words: ["lifecycle".to_owned()].into_iter().collect(),
        };
        let text = "Intro line\n\n  - LifeCycle Hooks pause an instance; a hook can wait.\nlast";
        let s = hl.snippet(text, &mut stemmer());
        assert!(s.text.starts_with("- LifeCycle Hooks"), "{:?}", s.text);
        let words: Vec<&str> = s.highlights.iter().map(|r| &s.text[r.clone()]).collect();
        assert_eq!(words, ["LifeCycle", "Hooks", "hook"]);
    }

    #[test]
    fn long_lines_are_cut_on_char_boundaries() {
        let hl = Highlighter {
            stems: ["ü".to_owned()].into_iter().collect(),
            words: HashSet::new(),
        };
        let text = format!("title\n{}", "ü é ".repeat(400));
        let s = hl.snippet(&text, &mut stemmer());
        assert!(s.text.len() <= SNIPPET_MAX);
        assert!(!s.highlights.is_empty());
        for r in &s.highlights {
            assert_eq!(&s.text[r.clone()], "ü");
        }
    }

    #[test]
    fn no_match_shows_the_text_after_the_heading() {
        let s = Highlighter::default().snippet("Heading\n  body text\n", &mut stemmer());
        assert_eq!(s.text, "body text");
        assert!(s.highlights.is_empty());
    }
}
