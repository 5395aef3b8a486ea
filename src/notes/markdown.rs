//! Markdown notes with pulldown-cmark: ATX and setext headings, front matter, `[[wikilinks]]`,
//! `#tags`, code fences.
//!
//! pulldown-cmark finds the headings and the code (fenced and indented blocks, inline code);
//! wikilinks and tags are then read from the raw text outside code, so `[[x]]` and `#tag` in a
//! code sample are left alone. The YAML front matter block (`---` … `---` on the first line) is
//! read by a small parser that knows the three keys cloudatlas uses.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::outline::{Heading, Lines, build_sections, is_blank, line_no};
use super::{FrontMatter, Section, Warning, WikiLink};

/// What a Markdown note holds besides its text.
#[derive(Clone, Debug, Default)]
pub struct Parsed {
    pub sections: Vec<Section>,
    pub front_matter: FrontMatter,
    pub links: Vec<WikiLink>,
    /// Body and front-matter tags without `#`, sorted, without duplicates (case-insensitive).
    pub tags: Vec<String>,
}

/// Parses a Markdown note.
pub fn parse(file: &str, text: &str, warnings: &mut Vec<Warning>) -> Parsed {
    parse_in_chunks(file, text, warnings, CHUNK_BYTES, HARD_CHUNK_BYTES)
}

/// pulldown-cmark builds a tree of the whole input before the first event; a huge note is cut
/// into pieces of about this size at headings (or paragraph starts), so memory stays bounded.
/// The tree can take 30 bytes per byte of input (a paragraph of a million `[[`: 58 MB for a
/// 2 MB piece), so pieces are kept small; parsing many pieces costs no more than one.
const CHUNK_BYTES: usize = 256 << 10;

/// A piece with no heading or paragraph start to cut at is cut at any line past this size
/// (outside code and comments): a paragraph this long may then be parsed as two.
const HARD_CHUNK_BYTES: usize = 512 << 10;

/// Lines longer than this (bytes) are given to pulldown-cmark with their ASCII punctuation after
/// the first [`LINE_HEAD`] bytes masked (see [`mask_long_lines`]).
const LONG_LINE: usize = 8 << 10;
const LINE_HEAD: usize = 64;

/// pulldown-cmark spends a tree node on every `[`, `*`, `` ` ``, `<` … of a line and on every level
/// of list or quote nesting: a line of a million `[[` costs it a hundred megabytes, and so do a
/// few hundred lines nested 10,000 levels deep. We read only headings and code from it, so in a
/// line longer than [`LONG_LINE`] that is not an ATX heading, ASCII punctuation after the line's
/// block markers ([`LINE_HEAD`] bytes) becomes `x` (same length, offsets unchanged). Inline code
/// and HTML inside such a line are then not seen as code.
fn mask_long_lines(piece: &str) -> std::borrow::Cow<'_, str> {
    let bytes = piece.as_bytes();
    let mut masked: Option<Vec<u8>> = None;
    let mut pos = 0;
    while pos < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |e| pos + e);
        if end - pos > LONG_LINE && bytes.get(pos) != Some(&b'#') {
            let out = masked.get_or_insert_with(|| bytes.to_vec());
            for b in out.get_mut(pos + LINE_HEAD..end).unwrap_or(&mut []) {
                if b.is_ascii_punctuation() {
                    *b = b'x';
                }
            }
        }
        pos = end + 1;
    }
    match masked.map(String::from_utf8) {
        // Only ASCII bytes were replaced by ASCII: still UTF-8.
        Some(Ok(text)) => std::borrow::Cow::Owned(text),
        _ => std::borrow::Cow::Borrowed(piece),
    }
}

fn parse_in_chunks(
    file: &str,
    text: &str,
    warnings: &mut Vec<Warning>,
    chunk_bytes: usize,
    hard_chunk_bytes: usize,
) -> Parsed {
    let lines = Lines::new(text);
    let (front_matter, body_line) = front_matter(file, text, &lines, warnings);
    let body_start = if body_line < lines.len() {
        lines.span(body_line).0
    } else {
        text.len()
    };
    let body = text.get(body_start..).unwrap_or("");

    let mut headings = Vec::new();
    let mut code: Vec<(usize, usize)> = Vec::new();
    let pieces = chunks(body, chunk_bytes, hard_chunk_bytes);
    let mut next = 0;
    while let Some(&(from, first_to)) = pieces.get(next) {
        // A piece whose last block is still open at its end (a fence or an HTML block the cut
        // went through) is parsed again with the next piece joined to it.
        let mut to = first_to;
        next += 1;
        loop {
            let piece = mask_long_lines(body.get(from..to).unwrap_or(""));
            let read = read_piece(&piece, from + body_start, &lines);
            match pieces.get(next) {
                Some(&(_, further)) if !read.ends_cleanly => {
                    to = further;
                    next += 1;
                }
                _ => {
                    headings.extend(read.headings);
                    code.extend(read.code);
                    break;
                }
            }
        }
    }
    code.sort_unstable();
    headings.dedup_by_key(|h| h.line);

    let (links, mut tags) = links_and_tags(text, &lines, body_start, &code);
    tags.extend(front_matter.tags.iter().cloned());
    let tags = dedup_tags(tags);
    let sections = build_sections(file, text, &lines, &headings, &is_blank, body_line);
    Parsed {
        sections,
        front_matter,
        links,
        tags,
    }
}

/// What one piece of a Markdown body holds for us.
struct PieceRead {
    headings: Vec<Heading>,
    /// Byte ranges of code and HTML, in the note's text.
    code: Vec<(usize, usize)>,
    /// The piece's last block ends inside it: a cut at its end reads as the whole note would.
    ends_cleanly: bool,
}

/// Parses one piece (`offset` is its start in the note's text): headings, code and HTML ranges,
/// and whether its last top-level block is closed (see [`PieceRead::ends_cleanly`]).
fn read_piece(piece: &str, offset: usize, lines: &Lines) -> PieceRead {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut headings = Vec::new();
    let mut code = Vec::new();
    let mut current: Option<(usize, u8, String)> = None;
    let mut depth = 0usize;
    // The last top-level block: fenced code or HTML (which may run on past a cut), and its range.
    let mut last: Option<(bool, std::ops::Range<usize>)> = None;
    for (event, range) in Parser::new_ext(piece, options).into_offset_iter() {
        let (start, end) = (range.start + offset, range.end + offset);
        match &event {
            Event::Start(tag) => {
                if depth == 0 {
                    let open_ended = matches!(
                        tag,
                        Tag::CodeBlock(pulldown_cmark::CodeBlockKind::Fenced(_)) | Tag::HtmlBlock
                    );
                    last = Some((open_ended, range.clone()));
                }
                depth += 1;
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            _ if depth == 0 => last = Some((false, range.clone())),
            _ => {}
        }
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                current = Some((start, heading_level(level), String::new()));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((at, level, title)) = current.take() {
                    let title = clean_heading(&title);
                    if !title.is_empty() {
                        headings.push(Heading {
                            line: lines.line_of(at),
                            level,
                            title,
                        });
                    }
                }
            }
            Event::Start(Tag::CodeBlock(_)) => code.push((start, end)),
            Event::Code(ref t) => {
                code.push((start, end));
                if let Some((_, _, title)) = current.as_mut() {
                    title.push_str(t);
                }
            }
            Event::Html(_) | Event::InlineHtml(_) => code.push((start, end)),
            Event::Text(ref t) => {
                if let Some((_, _, title)) = current.as_mut() {
                    title.push_str(t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some((_, _, title)) = current.as_mut() {
                    title.push(' ');
                }
            }
            _ => {}
        }
    }
    let ends_cleanly = match last {
        Some((true, range)) if range.end >= piece.trim_end().len() => {
            closes_its_fence(piece.get(range).unwrap_or(""))
        }
        _ => true,
    };
    PieceRead {
        headings,
        code,
        ends_cleanly,
    }
}

/// `true` when `block` (a fenced code block's text, or an HTML block's) ends with a fence that
/// closes its opening one. An HTML block that reaches the end of its piece is never closed: it
/// may go on past the cut.
fn closes_its_fence(block: &str) -> bool {
    let mut lines = block.lines();
    let Some(open) = lines.next().map(str::trim_start) else {
        return false;
    };
    let Some(mark) = open.bytes().next().filter(|b| matches!(b, b'`' | b'~')) else {
        return false;
    };
    let run = open.bytes().take_while(|&b| b == mark).count();
    let Some(close) = lines.rfind(|l| !l.trim().is_empty()).map(str::trim) else {
        return false;
    };
    close.len() >= run && close.bytes().all(|b| b == mark)
}

/// Cuts `body` into `(start, end)` pieces of at least `target` bytes, each (but the first)
/// starting outside fenced code and HTML comments at an ATX heading at the left margin, or at a
/// line that starts with a letter after a blank line: places where CommonMark starts a new
/// block whatever came before. A piece that reaches `hard` bytes without such a place is cut
/// at the next line.
fn chunks(body: &str, target: usize, hard: usize) -> Vec<(usize, usize)> {
    let bytes = body.as_bytes();
    if bytes.len() <= target {
        return vec![(0, bytes.len())];
    }
    let mut out = Vec::new();
    let mut start = 0;
    // The block the scan is in; a cut is made only at the top level.
    let mut block = Block::Top;
    let mut prev_blank = false;
    let mut pos = 0;
    while pos < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |e| pos + e + 1);
        let line = &bytes[pos..end];
        let blank = line.iter().all(u8::is_ascii_whitespace);
        let has = |mark: &[u8]| {
            line.windows(mark.len())
                .any(|w| w.eq_ignore_ascii_case(mark))
        };
        // An HTML block of the ends-at-a-blank-line kind is over at this line.
        if block == Block::Html && blank {
            block = Block::Top;
        }
        let is_atx = line.first() == Some(&b'#') && {
            let hashes = line.iter().take_while(|&&b| b == b'#').count();
            hashes <= 6 && matches!(line.get(hashes), None | Some(b' ' | b'\t' | b'\r' | b'\n'))
        };
        let starts_paragraph = prev_blank && line.first().is_some_and(u8::is_ascii_alphabetic);
        let len = pos - start;
        if block == Block::Top
            && len > 0
            && (((is_atx || starts_paragraph) && len >= target) || len >= hard)
        {
            out.push((start, pos));
            start = pos;
        }
        prev_blank = blank;
        let lead = line.iter().take_while(|&&b| b == b' ').count();
        let rest = line.get(lead..).unwrap_or(&[]);
        let fence_run = |m: u8| rest.iter().take_while(|&&b| b == m).count();
        block = match block {
            Block::Fence(m, n) => {
                let run = fence_run(m);
                let closes = lead <= 3
                    && run >= n
                    && rest
                        .get(run..)
                        .unwrap_or(&[])
                        .iter()
                        .all(u8::is_ascii_whitespace);
                if closes { Block::Top } else { block }
            }
            Block::Comment => {
                if has(b"-->") {
                    Block::Top
                } else {
                    block
                }
            }
            Block::Raw(close) => {
                if has(close) {
                    Block::Top
                } else {
                    block
                }
            }
            Block::Html => Block::Html,
            Block::Top => {
                let mark = rest.first().copied().filter(|b| matches!(b, b'`' | b'~'));
                let raw = RAW_HTML.iter().find(|(open, _)| {
                    let tag = open.last().is_some_and(u8::is_ascii_alphabetic);
                    rest.get(..open.len())
                        .is_some_and(|w| w.eq_ignore_ascii_case(open))
                        && (!tag
                            || matches!(
                                rest.get(open.len()),
                                None | Some(b' ' | b'\t' | b'>' | b'\r' | b'\n')
                            ))
                });
                let html = rest.first() == Some(&b'<')
                    && rest.get(1).is_some_and(|&b| {
                        b.is_ascii_alphabetic() || matches!(b, b'/' | b'?' | b'!')
                    });
                match (lead <= 3, mark) {
                    (true, Some(m)) if fence_run(m) >= 3 => Block::Fence(m, fence_run(m)),
                    _ => {
                        if let Some(open) = memchr::memmem::find(line, b"<!--") {
                            // A comment anywhere on the line (also inline): no cut until it ends.
                            let closed = memchr::memmem::find(&line[open..], b"-->").is_some();
                            if closed { Block::Top } else { Block::Comment }
                        } else if let (true, Some(&(_, close))) = (lead <= 3, raw) {
                            if has(close) {
                                Block::Top
                            } else {
                                Block::Raw(close)
                            }
                        } else if lead <= 3 && html {
                            Block::Html
                        } else {
                            Block::Top
                        }
                    }
                }
            }
        };
        pos = end;
    }
    out.push((start, bytes.len()));
    out
}

/// Where [`chunks`] is while it scans: only at the top level may a piece start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Block {
    Top,
    /// A fenced code block: its mark and the length of its opening run.
    Fence(u8, usize),
    /// An HTML comment not closed yet.
    Comment,
    /// `<pre>`, `<script>`, `<style>`, `<textarea>`, `<?`, `<![CDATA[`: until the closing mark.
    Raw(&'static [u8]),
    /// Any other HTML block: until a blank line.
    Html,
}

/// HTML blocks that CommonMark ends only at their closing mark, blank lines included (comments
/// are followed on their own).
const RAW_HTML: [(&[u8], &[u8]); 6] = [
    (b"<pre", b"</pre>"),
    (b"<script", b"</script>"),
    (b"<style", b"</style>"),
    (b"<textarea", b"</textarea>"),
    (b"<?", b"?>"),
    (b"<![CDATA[", b"]]>"),
];

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Collapses whitespace and shows `[[a|b]]` as `b` and `[[a]]` as `a`.
fn clean_heading(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(open) = rest.find("[[") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        match after.find("]]") {
            Some(close) => {
                let inner = &after[..close];
                let shown = inner.rsplit('|').next().unwrap_or(inner);
                out.push_str(shown);
                rest = &after[close + 2..];
            }
            None => {
                // No `]]` after this one, so none after any later `[[` either.
                break;
            }
        }
    }
    out.push_str(rest);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Reads a `---` YAML block on the first line. Returns it and the 0-based first body line.
fn front_matter(
    file: &str,
    text: &str,
    lines: &Lines,
    warnings: &mut Vec<Warning>,
) -> (FrontMatter, usize) {
    let mut fm = FrontMatter::default();
    if lines.is_empty() || lines.get(text, 0).trim_start_matches('\u{feff}').trim_end() != "---" {
        return (fm, 0);
    }
    let Some(close) =
        (1..lines.len()).find(|&i| matches!(lines.get(text, i).trim_end(), "---" | "..."))
    else {
        // A `---` on the first line with no closing line is a thematic break.
        return (fm, 0);
    };
    // The key whose `- item` lines follow.
    let mut list_key: Option<&str> = None;
    for i in 1..close {
        let line = lines.get(text, i);
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if let Some(item) =
            trimmed
                .strip_prefix("- ")
                .or(if trimmed == "-" { Some("") } else { None })
            && line.starts_with([' ', '\t', '-'])
        {
            if let Some(key) = list_key {
                push_value(&mut fm, key, unquote(item.trim()));
            }
            continue;
        }
        if line.starts_with([' ', '\t']) {
            continue;
        }
        let Some((key, value)) = trimmed.split_once(':') else {
            warnings.push(Warning::new(
                file,
                Some(line_no(i)),
                "front matter line is not `key: value`; ignored",
            ));
            continue;
        };
        let key = key.trim();
        let value = value.trim();
        list_key = None;
        let key = match key.to_ascii_lowercase().as_str() {
            "title" => "title",
            "aliases" | "alias" => "aliases",
            "tags" | "tag" => "tags",
            _ => continue,
        };
        if value.is_empty() {
            list_key = Some(key);
        } else if key == "title" {
            let title = unquote(value);
            if !title.is_empty() {
                fm.title = Some(title.to_owned());
            }
        } else if let Some(inner) = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
            for item in inner.split(',') {
                push_value(&mut fm, key, unquote(item.trim()));
            }
        } else {
            // `tags: aws, storage` or `tags: aws storage` (tags only split on spaces).
            let sep: &[char] = if key == "tags" { &[',', ' '] } else { &[','] };
            for item in value.split(sep) {
                push_value(&mut fm, key, unquote(item.trim()));
            }
        }
    }
    (fm, close + 1)
}

fn push_value(fm: &mut FrontMatter, key: &str, value: &str) {
    if value.is_empty() {
        return;
    }
    match key {
        "aliases" => fm.aliases.push(value.to_owned()),
        "tags" => fm.tags.push(value.trim_start_matches('#').to_owned()),
        "title" => fm.title = Some(value.to_owned()),
        _ => {}
    }
}

fn unquote(v: &str) -> &str {
    let v = v.trim();
    for q in ['"', '\''] {
        if let Some(inner) = v.strip_prefix(q).and_then(|x| x.strip_suffix(q)) {
            return inner.trim();
        }
    }
    v
}

fn dedup_tags(mut tags: Vec<String>) -> Vec<String> {
    tags.retain(|t| !t.is_empty());
    tags.sort_by_cached_key(|t| (t.to_lowercase(), t.clone()));
    tags.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    tags
}

/// Wikilinks and `#tags` in the text from `from` on, outside the `code` ranges (sorted).
fn links_and_tags(
    text: &str,
    lines: &Lines,
    from: usize,
    code: &[(usize, usize)],
) -> (Vec<WikiLink>, Vec<String>) {
    let bytes = text.as_bytes();
    let mut links = Vec::new();
    let mut tags = Vec::new();
    let mut code_at = 0;
    let mut skip_to = from;
    // The last search for `]]`: (searched from, line end, first `]]` at or after that on the
    // line). A later `[[` on the same line reuses it, so a line of a million `[[` without `]]`
    // is searched once, not a million times.
    let mut last_close: Option<(usize, usize, Option<usize>)> = None;
    for p in memchr::memchr2_iter(b'[', b'#', bytes.get(from..).unwrap_or(&[])) {
        let p = p + from;
        if p < skip_to {
            continue;
        }
        // Advance past code ranges that end before `p` (ranges sorted by start).
        while code_at < code.len() && code[code_at].1 <= p {
            code_at += 1;
        }
        if code[code_at..]
            .iter()
            .take_while(|(s, _)| *s <= p)
            .any(|(s, e)| *s <= p && p < *e)
        {
            continue;
        }
        if bytes[p] == b'[' {
            if bytes.get(p + 1) != Some(&b'[') {
                continue;
            }
            let close = match last_close {
                Some((searched, line_end, close))
                    if searched <= p + 2 && p < line_end && close.is_none_or(|c| p + 2 <= c) =>
                {
                    close
                }
                _ => {
                    let line_end =
                        memchr::memchr(b'\n', &bytes[p..]).map_or(bytes.len(), |e| p + e);
                    let close = text
                        .get(p + 2..line_end)
                        .and_then(|s| s.find("]]"))
                        .map(|c| p + 2 + c);
                    last_close = Some((p + 2, line_end, close));
                    close
                }
            };
            let Some(close) = close else {
                continue;
            };
            // `[[[[x]]`: the link opens at the last `[[` before its `]]`.
            let open = text
                .get(p + 2..close)
                .and_then(|s| s.rfind("[["))
                .map_or(p, |k| p + 2 + k);
            let inner = &text[open + 2..close];
            skip_to = close + 2;
            if let Some(link) = wikilink(
                inner,
                line_no(lines.line_of(open)),
                open > 0 && bytes[open - 1] == b'!',
            ) {
                links.push(link);
            }
        } else if let Some(tag) = tag_at(text, p) {
            skip_to = p + 1 + tag.len();
            tags.push(tag.to_owned());
        }
    }
    (links, tags)
}

fn wikilink(inner: &str, line: u32, embed: bool) -> Option<WikiLink> {
    let (target_part, alias) = match inner.split_once('|') {
        Some((t, a)) => (t, Some(a.trim().to_owned()).filter(|a| !a.is_empty())),
        None => (inner, None),
    };
    let (target, heading) = match target_part.split_once('#') {
        Some((t, h)) => (
            t.trim(),
            Some(h.trim().to_owned()).filter(|h| !h.is_empty()),
        ),
        None => (target_part.trim(), None),
    };
    if target.is_empty() && heading.is_none() {
        return None;
    }
    Some(WikiLink {
        target: target.to_owned(),
        heading,
        alias,
        line,
        embed,
    })
}

/// A `#tag` starting at byte `p` (which holds `#`): after a line start, whitespace or `(`;
/// letters, digits, `_`, `-`, `/`; not only digits (`#1` is an issue number).
fn tag_at(text: &str, p: usize) -> Option<&str> {
    let bytes = text.as_bytes();
    if p > 0 && !matches!(bytes[p - 1], b' ' | b'\t' | b'\n' | b'\r' | b'(' | b',') {
        return None;
    }
    let rest = text.get(p + 1..)?;
    let len = rest
        .char_indices()
        .find(|&(_, c)| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '/')))
        .map_or(rest.len(), |(i, _)| i);
    let tag = rest[..len].trim_end_matches(['-', '/']);
    if tag.is_empty() || tag.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Parsed {
        let mut w = Vec::new();
        parse("n.md", text, &mut w)
    }

    fn heads(p: &Parsed) -> Vec<(u8, u32, u32, String)> {
        p.sections
            .iter()
            .map(|s| (s.level, s.line_start, s.line_end, s.title.to_string()))
            .collect()
    }

    #[test]
    fn atx_and_setext_headings() {
        let p =
            parse_str("# S3\n\nbuckets\n\nVersioning\n----------\n\ntext\n\n## MFA delete ##\nx\n");
        assert_eq!(
            heads(&p),
            [
                (1, 1, 11, "S3".to_owned()),
                (2, 5, 8, "Versioning".to_owned()),
                (2, 10, 11, "MFA delete".to_owned()),
            ]
        );
        assert_eq!(
            crate::notes::heading_path(&p.sections, &p.sections[1]),
            ["S3", "Versioning"]
        );
        assert_eq!(
            crate::notes::section_id(&p.sections, &p.sections[1]),
            "n.md#s3/versioning"
        );
    }

    #[test]
    fn headings_inside_fences_are_not_headings() {
        let p = parse_str(
            "# Real\n\n```bash\n# not a heading\necho [[no]] #notag\n```\n\n    # indented code\n",
        );
        assert_eq!(heads(&p), [(1, 1, 8, "Real".to_owned())]);
        assert!(p.links.is_empty());
        assert!(p.tags.is_empty());
    }

    #[test]
    fn crlf_lines_are_counted_right() {
        let p = parse_str("intro\r\n\r\n# A\r\ntext [[B]]\r\n\r\n# C\r\n");
        assert_eq!(
            heads(&p),
            [
                (0, 1, 1, "n".to_owned()),
                (1, 3, 4, "A".to_owned()),
                (1, 6, 6, "C".to_owned())
            ]
        );
        assert_eq!(p.links[0].line, 4);
        let text = "intro\r\n\r\n# A\r\ntext [[B]]\r\n\r\n# C\r\n";
        assert_eq!(&text[p.sections[1].byte_range()], "# A\r\ntext [[B]]");
    }

    #[test]
    fn front_matter_forms() {
        type Case<'a> = (&'a str, Option<&'a str>, &'a [&'a str], &'a [&'a str]);
        let cases: &[Case<'_>] = &[
            (
                "---\ntitle: Amazon S3\naliases: [S3, \"Simple Storage\"]\ntags: [aws, storage]\n---\n# x\n",
                Some("Amazon S3"),
                &["S3", "Simple Storage"],
                &["aws", "storage"],
            ),
            (
                "---\ntitle: 'Lambda'\naliases:\n  - λ\n  - functions\ntags:\n  - serverless\n---\n",
                Some("Lambda"),
                &["λ", "functions"],
                &["serverless"],
            ),
            (
                "---\ntags: aws, iam\nalias: IAM\n---\n",
                None,
                &["IAM"],
                &["aws", "iam"],
            ),
            ("---\ntags: aws #exam\n---\n", None, &[], &["aws", "exam"]),
            // Not front matter: not on the first line, or never closed.
            ("\n---\ntitle: x\n---\n", None, &[], &[]),
            ("---\ntitle: x\n", None, &[], &[]),
        ];
        for (text, title, aliases, tags) in cases {
            let p = parse_str(text);
            assert_eq!(p.front_matter.title.as_deref(), *title, "{text:?}");
            assert_eq!(p.front_matter.aliases, *aliases, "{text:?}");
            assert_eq!(p.front_matter.tags, *tags, "{text:?}");
        }
    }

    #[test]
    fn front_matter_is_not_a_section_or_tags_source_twice() {
        let p = parse_str("---\ntitle: T\ntags: [a]\n---\n\n# H\nbody #a #b\n");
        assert_eq!(heads(&p), [(1, 6, 7, "H".to_owned())]);
        assert_eq!(p.tags, ["a", "b"]);
    }

    #[test]
    fn wikilink_forms() {
        let p = parse_str(
            "See [[S3]], [[IAM|roles]] and [[VPC#Subnets]].\n![[diagram.png]]\n[[#Local]] [[]] [not]\n",
        );
        type Link<'a> = (&'a str, Option<&'a str>, Option<&'a str>, u32, bool);
        let got: Vec<Link<'_>> = p
            .links
            .iter()
            .map(|l| {
                (
                    l.target.as_str(),
                    l.heading.as_deref(),
                    l.alias.as_deref(),
                    l.line,
                    l.embed,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("S3", None, None, 1, false),
                ("IAM", None, Some("roles"), 1, false),
                ("VPC", Some("Subnets"), None, 1, false),
                ("diagram.png", None, None, 2, true),
                ("", Some("Local"), None, 3, false),
            ]
        );
    }

    #[test]
    fn tag_forms() {
        let cases: &[(&str, &[&str])] = &[
            ("text #aws and #exam/dva-c02\n", &["aws", "exam/dva-c02"]),
            ("# Heading\n", &[]),
            ("#1 is an issue, #tag\n", &["tag"]),
            ("https://x.com/page#frag and a&#39;b\n", &[]),
            ("`#code` #Real #real\n", &["Real"]),
            ("(#inparens)\n", &["inparens"]),
        ];
        for (text, want) in cases {
            assert_eq!(parse_str(text).tags, *want, "{text:?}");
        }
    }

    #[test]
    fn chunked_parse_equals_whole_parse() {
        let doc = "---\ntitle: T\n---\n# One\ntext [[A]] #x\n\n```md\n# fenced heading\n[[no]]\n```\n\n## Two\n- item\n<!--\n# commented\n-->\n\nSet\n===\n\n<PRE class=x>\n\nraw [[no2]] #no\n\n# not a heading\n</pre>\n\n~~~~\n# tilde fence\n~~~\n~~~~\n# Three\n\n    # indented code\n#tag [[B|b]]\n";
        let mut w1 = Vec::new();
        let whole = parse_in_chunks("d.md", doc, &mut w1, usize::MAX, usize::MAX);
        for target in [0, 1, 10, 40] {
            let mut w2 = Vec::new();
            let split = parse_in_chunks("d.md", doc, &mut w2, target, usize::MAX);
            assert_eq!(split.sections, whole.sections, "target {target}");
            assert_eq!(split.links, whole.links);
            assert_eq!(split.tags, whole.tags);
        }
        let titles: Vec<&str> = whole.sections.iter().map(|s| &*s.title).collect();
        assert_eq!(titles, ["One", "Two", "Set", "Three"]);
        assert!(chunks(doc, 1, usize::MAX).len() >= 3);
    }

    #[test]
    fn a_long_line_of_markup_is_masked_but_headings_code_and_links_stay() {
        let long = "[[*`<&".repeat(LONG_LINE / 6 + 10);
        let deep = format!(
            "{}item\n\n{}quote",
            "- ".repeat(LONG_LINE),
            ">".repeat(LONG_LINE)
        );
        let doc = format!(
            "# One\n{long}\n\n{deep}\n\n```\n[[in code]]\n```\n## Two [[S3]]\nafter [[IAM]] `[[tick]]`\n"
        );
        assert!(matches!(mask_long_lines(&doc), std::borrow::Cow::Owned(_)));
        assert!(matches!(
            mask_long_lines("# short\n[[x]]\n"),
            std::borrow::Cow::Borrowed(_)
        ));
        let p = parse_str(&doc);
        let titles: Vec<&str> = p.sections.iter().map(|s| &*s.title).collect();
        assert_eq!(titles, ["One", "Two S3"]);
        let targets: Vec<&str> = p.links.iter().map(|l| l.target.as_str()).collect();
        assert!(
            targets.contains(&"S3") && targets.contains(&"IAM"),
            "{targets:?}"
        );
        assert!(!targets.contains(&"in code") && !targets.contains(&"tick"));
    }

    #[test]
    fn a_piece_with_no_place_to_cut_is_cut_at_the_hard_size() {
        let doc: String = (0..300).map(|i| format!("line {i} [[x{i}]]\n")).collect();
        let pieces = chunks(&doc, 10, 600);
        assert!(pieces.len() > 5, "{pieces:?}");
        assert_eq!(pieces.first().map(|p| p.0), Some(0));
        assert_eq!(pieces.last().map(|p| p.1), Some(doc.len()));
        for pair in pieces.windows(2) {
            assert_eq!(pair[0].1, pair[1].0);
        }
        // At most one line past the hard size.
        assert!(pieces.iter().all(|(a, b)| b - a <= 600 + 20));
        let mut w = Vec::new();
        let split = parse_in_chunks("d.md", &doc, &mut w, 10, 600);
        assert_eq!(split.links.len(), 300);
    }

    #[test]
    fn a_paragraph_after_a_blank_line_is_a_place_to_cut() {
        let doc = "intro\n- item\n\n    more of the item\n\nNext paragraph\n";
        let cuts: Vec<usize> = chunks(doc, 1, usize::MAX).iter().map(|p| p.0).collect();
        let next = doc.find("Next").unwrap();
        // Not before the indented continuation, but before the new paragraph.
        assert_eq!(cuts, [0, next]);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]
        /// Wherever the pieces are cut, the note reads the same as in one piece.
        #[test]
        fn any_cut_reads_like_the_whole(
            picks in proptest::collection::vec(0usize..LINES.len(), 0..40),
            target in 0usize..60,
        ) {
            let doc: String = picks.iter().map(|&i| LINES[i]).collect();
            let mut w = Vec::new();
            let whole = parse_in_chunks("d.md", &doc, &mut w, usize::MAX, usize::MAX);
            let split = parse_in_chunks("d.md", &doc, &mut w, target, usize::MAX);
            proptest::prop_assert_eq!(&split.sections, &whole.sections, "{:?}", doc);
            proptest::prop_assert_eq!(&split.links, &whole.links, "{:?}", doc);
            proptest::prop_assert_eq!(&split.tags, &whole.tags, "{:?}", doc);
        }
    }

    /// Lines the cutting property test builds notes from: every block kind a cut must respect.
    const LINES: &[&str] = &[
        "# Head [[h]]\n",
        "## Sub\n",
        "text [[a]] #t\n",
        "\n",
        "Word [[w]] #w\n",
        "- item [[i]]\n",
        "  - sub #s\n",
        "    code [[c]]\n",
        "```\n",
        "~~~\n",
        "<!--\n",
        "-->\n",
        "<pre>\n",
        "</pre>\n",
        "> quote [[q]]\n",
        "Set\n",
        "===\n",
        "---\n",
        "a | b\n",
        "--|--\n",
        "1. one\n",
        "<div>\n",
        "</div>\n",
        "Term\n",
        ": def\n",
        "<?x\n",
        "?>\n",
        "<br/>\n",
    ];

    #[test]
    fn heading_with_link_and_code() {
        let p = parse_str("## Using [[KMS|keys]] with `aws kms`\n");
        assert_eq!(&*p.sections[0].title, "Using keys with aws kms");
    }
}
