//! Shared by both parsers: a line table over a note's text and the step that turns a list of
//! headings into [`Section`]s with heading paths, content-derived ids and line/byte ranges.

use std::sync::Arc;

use hashbrown::HashTable;

use super::{Section, section_id};

/// Byte ranges of every line of a text: `start..end` excludes the line terminator (`\n` or
/// `\r\n`). A text ending in a newline has no empty last line; an empty text has no lines.
#[derive(Clone, Debug, Default)]
pub struct Lines {
    /// `(start, end)` of each line's content (u32: a note of a million short lines is common
    /// among hostile inputs, and notes are far below 4 GiB).
    spans: Vec<(u32, u32)>,
}

impl Lines {
    /// Indexes `text` in one pass (memchr over `\n`).
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let at = |b: usize| u32::try_from(b).unwrap_or(u32::MAX);
        let mut spans = Vec::with_capacity(bytes.len() / 40 + 1);
        let mut start = 0;
        for nl in memchr::memchr_iter(b'\n', bytes) {
            let end = if nl > start && bytes[nl - 1] == b'\r' {
                nl - 1
            } else {
                nl
            };
            spans.push((at(start), at(end)));
            start = nl + 1;
        }
        if start < bytes.len() {
            let mut end = bytes.len();
            if bytes[end - 1] == b'\r' {
                end -= 1;
            }
            spans.push((at(start), at(end)));
        }
        spans.shrink_to_fit();
        Self { spans }
    }

    /// Number of lines.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// `true` when the text has no lines.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Byte range of line `i` (0-based), without its terminator.
    pub fn span(&self, i: usize) -> (usize, usize) {
        self.spans
            .get(i)
            .map_or((0, 0), |&(s, e)| (s as usize, e as usize))
    }

    /// Text of line `i` (0-based), without its terminator.
    pub fn get<'t>(&self, text: &'t str, i: usize) -> &'t str {
        let (s, e) = self.span(i);
        text.get(s..e).unwrap_or("")
    }

    /// 0-based line that holds byte `offset` (the last line for offsets past the end).
    pub fn line_of(&self, offset: usize) -> usize {
        match self
            .spans
            .binary_search_by(|&(s, _)| (s as usize).cmp(&offset))
        {
            Ok(i) => i,
            Err(0) => 0,
            Err(i) => i - 1,
        }
    }
}

/// A heading found by a parser: 0-based line, level (1..), cleaned title.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heading {
    pub line: usize,
    pub level: u8,
    pub title: String,
}

/// Converts a 0-based index to a 1-based `u32` line number.
pub fn line_no(i: usize) -> u32 {
    u32::try_from(i + 1).unwrap_or(u32::MAX)
}

/// Builds sections from headings sorted by line (one heading per line at most). Text before the
/// first heading becomes a level-0 section when it holds anything but blank lines and
/// `skip_blank` lines. Each section runs to the line before the next heading of the same or a
/// higher level; trailing lines for which `is_filler` holds (blank lines, separators) are trimmed.
pub fn build_sections(
    file: &str,
    text: &str,
    lines: &Lines,
    headings: &[Heading],
    is_filler: &dyn Fn(&str) -> bool,
    preamble_from: usize,
) -> Vec<Section> {
    let n = lines.len();
    let mut out = Vec::with_capacity(headings.len() + 1);
    // Slugs used so far, with their count: a repeated path gets `~N`. The text before the first
    // heading has the empty slug, which a heading without letters or digits (`# ---`) has too.
    // The table holds (index in `out` of the first section with the slug, count): the slug is
    // made again from that section's heading path when a hash matches, so no slug is kept.
    let mut seen: HashTable<(u32, u32)> = HashTable::with_capacity(headings.len() + 1);
    let prefix = file.len() + 1;
    // The heading path slug of a section already made: its id after `file#`.
    let path_of = |out: &[Section], ix: u32| -> String {
        let id = out.get(ix as usize).map(|s| section_id(out, s));
        id.and_then(|id| id.get(prefix..).map(str::to_owned))
            .unwrap_or_default()
    };
    // One copy of the file name for every section of the note.
    let shared_file: Arc<str> = Arc::from(file);
    let first = headings.first().map_or(n, |h| h.line.min(n));
    if preamble_from < first {
        let has_content = (preamble_from..first).any(|i| !is_filler(lines.get(text, i)));
        if has_content {
            let end = trim_end(text, lines, preamble_from, first - 1, is_filler);
            let stem: Arc<str> = std::path::Path::new(file)
                .file_stem()
                .map_or_else(|| Arc::from(file), |s| Arc::from(s.to_string_lossy()));
            out.push(make_section(
                &shared_file,
                text,
                lines,
                stem,
                None,
                0,
                preamble_from,
                end.max(preamble_from),
                1,
            ));
            seen.insert_unique(fnv(""), (0, 1), |&(ix, _)| fnv(&path_of(&out, ix)));
        }
    }
    // For each heading, the line of the next heading of the same or a higher level: one pass
    // from the end, remembering the next line seen at each level.
    let max_level = headings
        .iter()
        .map(|h| usize::from(h.level))
        .max()
        .unwrap_or(0);
    let mut next_at = vec![n; max_level + 1];
    let mut ends = vec![n; headings.len()];
    for (k, h) in headings.iter().enumerate().rev() {
        let level = usize::from(h.level);
        ends[k] = next_at[..=level].iter().copied().min().unwrap_or(n);
        next_at[level] = h.line.min(n);
    }
    // (level, index in `out`, slug of the path up to and including this heading)
    let mut stack: Vec<(u8, u32, String)> = Vec::new();
    for (k, h) in headings.iter().enumerate() {
        if h.line >= n {
            continue;
        }
        // The section ends before the next heading of the same or a higher level.
        let next = ends[k];
        let last = next.saturating_sub(1).max(h.line);
        let end = trim_end(text, lines, h.line, last, is_filler);
        while stack.last().is_some_and(|(lvl, _, _)| *lvl >= h.level) {
            stack.pop();
        }
        let own = crate::util::slug(&h.title);
        let slug = match stack.last() {
            Some((_, _, parent)) => format!("{parent}/{own}"),
            None => own,
        };
        let title: Arc<str> = Arc::from(h.title.as_str());
        let parent = stack.last().map(|&(_, ix, _)| ix);
        let ix = u32::try_from(out.len()).unwrap_or(u32::MAX);
        stack.push((h.level, ix, slug.clone()));
        let hash = fnv(&slug);
        let first_with = |&(first, _): &(u32, u32)| path_of(&out, first) == slug;
        let count = match seen.find_mut(hash, first_with) {
            Some((_, count)) => {
                *count += 1;
                *count
            }
            None => {
                seen.insert_unique(hash, (ix, 1), |&(first, _)| fnv(&path_of(&out, first)));
                1
            }
        };
        out.push(make_section(
            &shared_file,
            text,
            lines,
            title,
            parent,
            h.level,
            h.line,
            end,
            count,
        ));
    }
    out
}

fn trim_end(
    text: &str,
    lines: &Lines,
    start: usize,
    mut end: usize,
    is_filler: &dyn Fn(&str) -> bool,
) -> usize {
    while end > start && is_filler(lines.get(text, end)) {
        end -= 1;
    }
    end
}

#[allow(clippy::too_many_arguments)]
fn make_section(
    file: &Arc<str>,
    text: &str,
    lines: &Lines,
    title: Arc<str>,
    parent: Option<u32>,
    level: u8,
    start: usize,
    end: usize,
    repeat: u32,
) -> Section {
    let byte_start = lines.span(start).0;
    let byte_end = lines.span(end).1.max(byte_start).min(text.len());
    Section {
        file: Arc::clone(file),
        title,
        parent,
        level,
        repeat,
        line_start: line_no(start),
        line_end: line_no(end),
        byte_start: u32::try_from(byte_start).unwrap_or(u32::MAX),
        byte_end: u32::try_from(byte_end).unwrap_or(u32::MAX),
    }
}

/// FNV-1a of a slug: slugs are short strings hashed once each; SipHash's DoS resistance buys
/// nothing here.
fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// `true` for a line that is empty or only whitespace.
pub fn is_blank(line: &str) -> bool {
    line.bytes().all(|b| b == b' ' || b == b'\t' || b == b'\r')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_handle_crlf_and_missing_final_newline() {
        let text = "a\r\nbc\n\r\nd";
        let lines = Lines::new(text);
        assert_eq!(lines.len(), 4);
        assert_eq!(lines.get(text, 0), "a");
        assert_eq!(lines.get(text, 1), "bc");
        assert_eq!(lines.get(text, 2), "");
        assert_eq!(lines.get(text, 3), "d");
        assert_eq!(lines.line_of(0), 0);
        assert_eq!(lines.line_of(3), 1);
        assert_eq!(lines.line_of(9), 3);
        assert!(Lines::new("").is_empty());
        assert_eq!(Lines::new("x\n").len(), 1);
    }

    #[test]
    fn sections_nest_and_repeat_ids() {
        let text = "intro\n\nA\nx\nB\ny\n\nA\nz\n\n";
        let lines = Lines::new(text);
        let h = |line, level, t: &str| Heading {
            line,
            level,
            title: t.to_owned(),
        };
        let heads = [h(2, 1, "A"), h(4, 2, "B"), h(7, 1, "A")];
        let s = build_sections("n.txt", text, &lines, &heads, &is_blank, 0);
        let ids: Vec<String> = s.iter().map(|x| section_id(&s, x)).collect();
        let got: Vec<(u8, u32, u32, &str)> = s
            .iter()
            .zip(&ids)
            .map(|(s, id)| (s.level, s.line_start, s.line_end, id.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (0, 1, 1, "n.txt#"),
                (1, 3, 6, "n.txt#a"),
                (2, 5, 6, "n.txt#a/b"),
                (1, 8, 9, "n.txt#a~2"),
            ]
        );
        assert_eq!(&text[s[2].byte_range()], "B\ny");
    }
}
