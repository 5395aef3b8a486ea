//! Headed topics that are not in the catalog: a section title that names a thing (`Data bags`,
//! `Lambda versioning & alias`, `DELEGATION`) becomes a node of kind topic. Conservative on
//! purpose: a generic heading (`Important components`, `other options are`, `To create a new
//! version of a lambda function`), a sentence, a question or a title that is just an entity's name
//! does not.

/// First words that make a heading generic or a sentence rather than a name.
const GENERIC_FIRST: &[&str] = &[
    "other",
    "important",
    "things",
    "thing",
    "how",
    "to",
    "when",
    "if",
    "the",
    "a",
    "an",
    "we",
    "for",
    "note",
    "notes",
    "e.g",
    "eg",
    "example",
    "examples",
    "use",
    "using",
    "in",
    "this",
    "that",
    "these",
    "those",
    "it",
    "its",
    "step",
    "steps",
    "overview",
    "sample",
    "practical",
    "what",
    "why",
    "once",
    "after",
    "before",
    "then",
    "also",
    "so",
    "here",
    "there",
    "create",
    "creating",
    "looking",
    "two",
    "three",
    "four",
    "five",
    "main",
    "major",
    "various",
    "some",
    "all",
    "each",
    "difference",
    "differences",
    "ways",
    "way",
    "refer",
    "reference",
    "see",
    "summary",
    "introduction",
    "intro",
    "misc",
    "miscellaneous",
    "todo",
    "questions",
    "question",
    "key",
    "points",
    "point",
    "more",
    "about",
    "general",
    "basics",
    "setting",
    "setup",
    "my",
    "our",
    "your",
    "new",
    "read",
    "remember",
    "following",
    "below",
    "above",
    "part",
    "chapter",
    "section",
    "lesson",
    "module",
    "week",
    "day",
    "aws",
    "amazon",
    "with",
    "without",
    "is",
    "are",
    "can",
    "do",
    "does",
    "and",
    "or",
    "but",
    "not",
    "no",
    "yes",
    "ok",
    "done",
    "first",
    "second",
    "next",
    "last",
    "finally",
    "important:",
    "exam",
    "tips",
    "tip",
    "mainly",
    "basically",
    "distributed",
];

/// Words that make a heading read as a sentence.
const SENTENCE_WORDS: &[&str] = &[
    "is", "are", "was", "were", "will", "would", "can", "could", "should", "must", "we", "you",
    "i", "they", "it", "has", "have", "does", "do", "be", "been", "which", "what", "how", "there",
];

/// Whether a section title names a topic worth a node. `residual` is the title with its catalog
/// mentions blanked out: a title that is only entity names is that entity, not a topic.
pub fn is_topic_title(title: &str, residual: &str) -> bool {
    let t = title.trim().trim_end_matches([':', '-', ' ', '.', '=']);
    if t.len() < 3 || t.len() > 60 || t.ends_with('?') || t.contains("http") {
        return false;
    }
    if t.starts_with(|c: char| !c.is_alphabetic()) {
        return false;
    }
    let words: Vec<String> = t
        .split(|c: char| c.is_whitespace() || c == '/' || c == ',')
        .filter(|w| !w.is_empty())
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_ascii_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() || words.len() > 6 {
        return false;
    }
    let Some(first) = words.first() else {
        return false;
    };
    if GENERIC_FIRST.contains(&first.as_str()) {
        return false;
    }
    if words.iter().any(|w| SENTENCE_WORDS.contains(&w.as_str())) {
        return false;
    }
    residual
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .any(|w| {
            let w = w.to_ascii_lowercase();
            !matches!(
                w.as_str(),
                "and" | "of" | "in" | "the" | "aws" | "amazon" | "vs" | "yay"
            )
        })
}

/// `topic:` plus a slug of the title.
pub fn topic_id(title: &str) -> String {
    format!("topic:{}", slug(title))
}

/// Lowercase ASCII words joined by `-`.
pub fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&word.to_ascii_lowercase());
    }
    out
}

/// The title as a label: decoration trimmed.
pub fn label(title: &str) -> String {
    title
        .trim()
        .trim_end_matches([':', '-', ' ', '.', '='])
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    macro_rules! topic {
        ($name:ident, $title:expr, $residual:expr, $want:expr) => {
            #[test]
            fn $name() {
                assert_eq!(is_topic_title($title, $residual), $want, "{:?}", $title);
            }
        };
    }

    topic!(named_thing, "Data bags", "Data bags", true);
    topic!(caps_word, "DELEGATION:", "DELEGATION:", true);
    topic!(
        entity_plus_words,
        "Lambda versioning & alias -",
        "       versioning & alias -",
        true
    );
    topic!(
        generic_components,
        "Important components :",
        "Important components :",
        false
    );
    topic!(
        generic_options,
        "other options are :",
        "other options are :",
        false
    );
    topic!(sentence, "The arn of lambdas are of two types", "x", false);
    topic!(
        how_to,
        "To create a new version of a lambda function",
        "x",
        false
    );
    topic!(question, "Why use tags?", "x", false);
    topic!(just_entity, "AWS CodeBuild", "             ", false);
    topic!(only_entities, "CI/CD :", "      :", false);
    topic!(
        entity_with_fun,
        "Elastic Container Service (yay!)",
        "                           (yay!)",
        false
    );
    topic!(numbered, "1) Create a new project", "x", false);
    topic!(too_long, "one two three four five six seven", "x", false);

    #[test]
    fn slugs() {
        assert_eq!(
            topic_id("Lambda versioning & alias"),
            "topic:lambda-versioning-alias"
        );
        assert_eq!(label("Data bags :"), "Data bags");
    }
}
