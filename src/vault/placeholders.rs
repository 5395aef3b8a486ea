//! "Missing picture" markers: plain-text placeholders where the author meant a picture that the
//! notes do not hold (`[REFER SCREENSHOT]`, `(ref. attached image)`, `refer attached images`,
//! `see diagram`).
//!
//! A line is a marker when a pointing word (`refer`, `ref`, `see`, `attached`, …) is followed within
//! a few words by a picture word (`screenshot`, `image`, `picture`, `diagram`, …), or when a
//! bracketed placeholder holds nothing but such words (`[SCREENSHOT]`, `(image)`). "docker image"
//! or "AMI image id" are not markers: no pointing word comes before them.

/// Words that point at something elsewhere.
const POINTERS: &[&str] = &[
    "refer", "ref", "see", "attached", "attach", "insert", "paste", "add", "view", "look", "as",
    "per",
];

/// Words that name a picture.
const PICTURES: &[&str] = &[
    "screenshot",
    "screenshots",
    "screen-shot",
    "screenshoot",
    "image",
    "images",
    "img",
    "picture",
    "pictures",
    "pic",
    "pics",
    "diagram",
    "diagrams",
    "figure",
    "fig",
    "photo",
    "snip",
];

/// A picture word followed by one of these names a thing, not a picture ("EC2 Image Builder",
/// "image id", "image tag").
const NOT_PICTURES_AFTER: &[&str] = &[
    "builder",
    "id",
    "ids",
    "uri",
    "tag",
    "tags",
    "name",
    "scanning",
    "repository",
    "pipeline",
    "version",
    "digest",
];

/// Words allowed between a pointer and a picture word (`refer the attached comparison image`).
const MAX_GAP: usize = 5;

/// Whether `line` is a missing-picture placeholder.
pub fn is_placeholder(line: &str) -> bool {
    // Most lines name no picture at all: one scan for the stems of every picture word first.
    if let Some(prefilter) = prefilter()
        && !prefilter.is_match(line)
    {
        return false;
    }
    // A real picture on the line is not a placeholder.
    if line.contains("![") || line.to_ascii_lowercase().contains("<img") {
        return false;
    }
    let line = &without_links(line);
    let words = words(line);
    for (i, word) in words.iter().enumerate() {
        if POINTERS.contains(&word.as_str()) {
            let end = (i + 1 + MAX_GAP + 1).min(words.len());
            let picture_at = (i + 1..end).find(|&j| {
                PICTURES.contains(&words[j].as_str())
                    && !words
                        .get(j + 1)
                        .is_some_and(|next| NOT_PICTURES_AFTER.contains(&next.as_str()))
            });
            if picture_at.is_some() {
                // `as` and `per` only point in "as per image"/"as shown in the diagram" forms,
                // which the loop finds through `per`/`see`; a lone `as` must be next to the word.
                if (word == "as" || word == "add" || word == "view" || word == "look")
                    && !words
                        .get(i + 1..(i + 3).min(words.len()))
                        .is_some_and(|next| next.iter().any(|w| PICTURES.contains(&w.as_str())))
                {
                    continue;
                }
                return true;
            }
        }
    }
    bracketed_only_pictures(line)
}

/// The line without `[[wikilinks]]`, Markdown link targets `](…)`, URLs and `inline code`:
/// "see [[Image Builder]]" names a note, not a picture.
fn without_links(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    loop {
        let next = [
            rest.find("[["),
            rest.find("]("),
            rest.find('`'),
            rest.find("://"),
        ]
        .into_iter()
        .flatten()
        .min();
        let Some(start) = next else {
            out.push_str(rest);
            break;
        };
        let tail = &rest[start..];
        let (keep, skip) = if tail.starts_with("[[") {
            (start, tail.find("]]").map_or(tail.len(), |e| e + 2))
        } else if tail.starts_with("](") {
            // Keep the `]` so a bracket before it still closes.
            (start + 1, tail.find(')').map_or(tail.len(), |e| e + 1))
        } else if let Some(code) = tail.strip_prefix('`') {
            (start, code.find('`').map_or(tail.len(), |e| e + 2))
        } else {
            // A URL: drop back to its scheme and up to the next space.
            let scheme_start = rest[..start]
                .rfind(|c: char| !c.is_ascii_alphanumeric())
                .map_or(0, |i| i + 1);
            out.push_str(&rest[..scheme_start]);
            let end = tail.find(char::is_whitespace).unwrap_or(tail.len());
            out.push(' ');
            rest = &tail[end..];
            continue;
        };
        out.push_str(&rest[..keep]);
        out.push(' ');
        rest = tail.get(skip..).unwrap_or("");
    }
    out
}

/// An automaton over the stems of [`PICTURES`] (every picture word contains one of them).
fn prefilter() -> Option<&'static aho_corasick::AhoCorasick> {
    static PREFILTER: std::sync::OnceLock<Option<aho_corasick::AhoCorasick>> =
        std::sync::OnceLock::new();
    PREFILTER
        .get_or_init(|| {
            aho_corasick::AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build([
                    "screen", "image", "img", "pic", "diagram", "fig", "photo", "snip",
                ])
                .ok()
        })
        .as_ref()
}

/// Lowercase words of a line (letters, digits and `-`).
fn words(line: &str) -> Vec<String> {
    line.split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// `[SCREENSHOT]`, `(image)`, `[diagram here]`: a bracket holding a picture word and at most two
/// other short words.
fn bracketed_only_pictures(line: &str) -> bool {
    for (open, close) in [('[', ']'), ('(', ')'), ('<', '>'), ('{', '}')] {
        let mut rest = line;
        while let Some(start) = rest.find(open) {
            let after = &rest[start + open.len_utf8()..];
            let Some(end) = after.find(close) else { break };
            let inner = words(&after[..end]);
            let pictures = inner
                .iter()
                .filter(|w| PICTURES.contains(&w.as_str()))
                .count();
            if pictures > 0 && inner.len() <= pictures + 2 && !after[..end].contains('/') {
                return true;
            }
            rest = &after[end..];
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_placeholders() {
        for line in [
            "Lambda @ Edge - [REFER SCREENSHOT]",
            "restart the agent. [REFER ATTACHED SCREENSHOT]",
            "policies  -  [REFER COMPARISON OF DEPLOYMENT POLICIES SCREENSHOTS]",
            "- the flow log format (ref. attached image)",
            "Integration tests - refer attached images /* IMPORTANT */",
            "Refer image related to pipeline stages.",
            "Cross region copies [REFER IMAGE] - with KMS",
            "(image)",
            "see the diagram below",
            "As per the diagram, traffic goes through the NAT",
        ] {
            assert!(is_placeholder(line), "{line}");
        }
    }

    #[test]
    fn every_picture_word_passes_the_prefilter() {
        let prefilter = prefilter().unwrap();
        for word in PICTURES {
            assert!(prefilter.is_match(&word.to_uppercase()), "{word}");
        }
    }

    #[test]
    fn ignores_ordinary_picture_words() {
        for line in [
            "docker build an image from the Dockerfile",
            "list images command : docker images",
            "the container definition says which image to use",
            "- New image",
            "ImageId : ami-1234",
            "a reference to the vpc id",
            "we prefer tasks for batch jobs",
            "Reference link : https://example.com/watch",
            "![diagram](img/flow.png) see diagram",
            "push the image (tag it first) to the repo",
            "[docker/image](https://hub.docker.com)",
            "- hooks first. See [[ec2-image-builder-patterns|EC2 Image Builder]].",
            "see `docker image ls` output",
            "see the EC2 Image Builder pipeline",
            "refer the image tag in the task definition",
            "see https://example.com/images/arch.png for details",
        ] {
            assert!(!is_placeholder(line), "{line}");
        }
    }
}
