//! Links written in notes (`[text](target)`, `<https://…>`, bare `https://…`) and the one rule for
//! what a click on one may open: [`link_target`].
//!
//! Notes are never executed or fetched: nothing here opens anything, and the window opens a link
//! only when the user clicks it, after [`link_target`] has allowed it. Allowed are `http` and
//! `https` URLs (handed to the web browser) and existing notes, PDFs and raster pictures inside
//! the notes folder. Refused, each with its own [`LinkError`]: every other scheme (`file:`,
//! `javascript:`, `data:`, …), anything with control characters, absolute paths (Unix, Windows
//! drive and UNC paths, `~`), paths that leave the folder with `..` (also percent-encoded or with
//! `\`), links to files outside the folder through a symlink, and other kinds of file (HTML,
//! scripts, `.desktop` files, SVG: the desktop could run them).

use std::path::{Path, PathBuf};

use super::images::{is_absolute, percent_decode};
use super::resolve::{folder_of, join};

/// A link found in the text of a note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawLink {
    /// 1-based line of the text it was found in.
    pub line: u32,
    /// The text shown for it (the target itself for a bare URL).
    pub text: String,
    /// The target as written.
    pub target: String,
}

/// What a click on a link opens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkTarget {
    /// An `http` or `https` URL, for the web browser.
    Web(String),
    /// The canonical path of a file inside the notes folder.
    File(PathBuf),
}

/// Why a link is not opened.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("empty link")]
    Empty,
    #[error("link {0:?} holds control characters; not opened")]
    ControlCharacters(String),
    #[error("link {0:?} uses the `{1}:` scheme; only http and https links are opened")]
    Scheme(String, String),
    #[error("link {0:?} is not a complete http(s) address")]
    BadUrl(String),
    #[error("link {0:?} is an absolute path; only files inside the notes folder are opened")]
    Absolute(String),
    #[error("link {0:?} leaves the notes folder; not opened")]
    LeavesFolder(String),
    #[error("link {0:?} points through a symlink to a file outside the notes folder; not opened")]
    SymlinkOut(String),
    #[error("link {0:?}: no such file in the notes folder")]
    NotFound(String),
    #[error("link {0:?}: these notes have no folder, so no local file is opened")]
    NoFolder(String),
    #[error("link {0:?} is not a note, a PDF or a picture; not opened")]
    Kind(String),
}

/// File extensions a local link may open: notes, PDFs and raster pictures (no SVG: it can hold
/// scripts).
pub const OPENABLE_EXTENSIONS: &[&str] = &[
    "md", "markdown", "txt", "pdf", "png", "jpg", "jpeg", "gif", "bmp", "webp", "avif", "tif",
    "tiff", "ico",
];

/// Decides what a click on the link `target`, written in the note `note` (path relative to the
/// notes folder), may open. `notes_root` is what the notes were loaded from: a folder, or a single
/// notes file whose folder is then the notes folder; `None` for the built-in notes. The only place
/// that decides it: the window calls it when the link is clicked, never before.
pub fn link_target(
    notes_root: Option<&Path>,
    note: &str,
    target: &str,
) -> Result<LinkTarget, LinkError> {
    let target = target.trim();
    let target = target
        .strip_prefix('<')
        .and_then(|t| t.strip_suffix('>'))
        .unwrap_or(target);
    if target.is_empty() {
        return Err(LinkError::Empty);
    }
    // Browsers drop tabs and line breaks inside URLs (`java\tscript:`): refuse them all.
    if target.chars().any(char::is_control) {
        return Err(LinkError::ControlCharacters(target.to_owned()));
    }
    if let Some(scheme) = scheme(target) {
        let lower = scheme.to_ascii_lowercase();
        if lower != "http" && lower != "https" {
            return Err(LinkError::Scheme(target.to_owned(), lower));
        }
        let rest = &target[scheme.len() + 1..];
        let host = rest
            .strip_prefix("//")
            .map(|r| r.split(['/', '?', '#']).next().unwrap_or(""))
            .unwrap_or("");
        if host.is_empty() || target.chars().any(char::is_whitespace) || rest.contains('\\') {
            return Err(LinkError::BadUrl(target.to_owned()));
        }
        return Ok(LinkTarget::Web(target.to_owned()));
    }
    // A local file: the path without `#heading` or `?query`, percent-decoded (`my%20notes.md`).
    let path = target.split(['#', '?']).next().unwrap_or("");
    if path.is_empty() {
        // `#heading`: a place in this note, nothing to open.
        return Err(LinkError::Empty);
    }
    let path = percent_decode(path);
    if path.chars().any(char::is_control) {
        return Err(LinkError::ControlCharacters(target.to_owned()));
    }
    if is_absolute(&path) || scheme(&path).is_some() {
        return Err(LinkError::Absolute(target.to_owned()));
    }
    let Some(rel) = join(folder_of(note), &path) else {
        return Err(LinkError::LeavesFolder(target.to_owned()));
    };
    let Some(root) = notes_root.and_then(notes_folder) else {
        return Err(LinkError::NoFolder(target.to_owned()));
    };
    let extension = rel
        .rsplit('/')
        .next()
        .and_then(|name| name.rsplit_once('.'))
        .map(|(_, ext)| ext.to_ascii_lowercase());
    if !extension.is_some_and(|e| OPENABLE_EXTENSIONS.contains(&e.as_str())) {
        return Err(LinkError::Kind(target.to_owned()));
    }
    let canonical = root
        .join(&rel)
        .canonicalize()
        .map_err(|_| LinkError::NotFound(target.to_owned()))?;
    if !canonical.starts_with(&root) {
        return Err(LinkError::SymlinkOut(target.to_owned()));
    }
    // The file the symlink names must be an openable kind too.
    let real_ext = canonical
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    if !canonical.is_file() || !real_ext.is_some_and(|e| OPENABLE_EXTENSIONS.contains(&e.as_str()))
    {
        return Err(LinkError::Kind(target.to_owned()));
    }
    Ok(LinkTarget::File(canonical))
}

/// The canonical notes folder of a load root (the folder a single notes file is in).
fn notes_folder(root: &Path) -> Option<PathBuf> {
    let dir = if root.is_file() { root.parent()? } else { root };
    dir.canonicalize().ok()
}

/// The scheme of a URL (`https` in `https://…`): letters, digits, `+`, `-`, `.` before a `:`,
/// starting with a letter, at least two characters long (`C:` is a Windows drive).
fn scheme(target: &str) -> Option<&str> {
    let colon = target.find(':')?;
    let scheme = &target[..colon];
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && scheme.len() >= 2
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then_some(scheme)
}

/// Finds the links of a note's text: `[text](target)` (not pictures), `<scheme:…>` autolinks and
/// bare `http://` / `https://` URLs, outside code fences and inline code; `line_offset` is added
/// to the 1-based line numbers (for the text of a section). In text order.
pub fn scan(text: &str, line_offset: u32) -> Vec<RawLink> {
    let mut out = Vec::new();
    let mut fence: Option<&str> = None;
    for (ix, raw_line) in text.lines().enumerate() {
        let line = line_offset.saturating_add(u32::try_from(ix + 1).unwrap_or(u32::MAX));
        let trimmed = raw_line.trim_start();
        if let Some(marker) = fence {
            if trimmed.starts_with(marker) {
                fence = None;
            }
            continue;
        }
        if let Some(marker) = ["```", "~~~"].into_iter().find(|m| trimmed.starts_with(m)) {
            fence = Some(marker);
            continue;
        }
        if !raw_line.contains("](") && !raw_line.contains("://") && !raw_line.contains('<') {
            continue;
        }
        scan_line(&blank_inline_code(raw_line), line, &mut out);
    }
    out
}

/// The line with `` `inline code` `` blanked out (same byte offsets).
fn blank_inline_code(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_code = false;
    for ch in line.chars() {
        if ch == '`' {
            in_code = !in_code;
        }
        if in_code || ch == '`' {
            out.extend(std::iter::repeat_n(' ', ch.len_utf8()));
        } else {
            out.push(ch);
        }
    }
    out
}

fn scan_line(line: &str, line_no: u32, out: &mut Vec<RawLink>) {
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'[' if i == 0 || bytes[i - 1] != b'!' => {
                if let Some((text, target, end)) = markdown_link(line, i) {
                    out.push(RawLink {
                        line: line_no,
                        text: text.to_owned(),
                        target: target.to_owned(),
                    });
                    i = end;
                    continue;
                }
            }
            b'<' => {
                if let Some(len) = line[i + 1..].find('>') {
                    let inner = &line[i + 1..i + 1 + len];
                    if scheme(inner).is_some() && !inner.contains(char::is_whitespace) {
                        out.push(RawLink {
                            line: line_no,
                            text: inner.to_owned(),
                            target: inner.to_owned(),
                        });
                        i += len + 2;
                        continue;
                    }
                }
            }
            b'h' | b'H' => {
                let rest = &line[i..];
                let lower = rest.get(..8).unwrap_or(rest).to_ascii_lowercase();
                let glued = i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'/');
                if !glued && (lower.starts_with("http://") || lower.starts_with("https://")) {
                    let end = rest
                        .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"'))
                        .unwrap_or(rest.len());
                    let url = rest[..end].trim_end_matches(['.', ',', ';', ':', ')', '!', '?']);
                    out.push(RawLink {
                        line: line_no,
                        text: url.to_owned(),
                        target: url.to_owned(),
                    });
                    i += url.len().max(1);
                    continue;
                }
            }
            _ => {}
        }
        i += line[i..].chars().next().map_or(1, char::len_utf8);
    }
}

/// `[text](target "title")` starting at byte `open` of `line`: text, target, end byte.
fn markdown_link(line: &str, open: usize) -> Option<(&str, &str, usize)> {
    let after = &line[open + 1..];
    let close = after.find("](")?;
    let text = &after[..close];
    if text.contains('[') {
        return None;
    }
    let inner_start = open + 1 + close + 2;
    let inner = &line[inner_start..];
    let (target, len) = if let Some(stripped) = inner.strip_prefix('<') {
        let end = stripped.find('>')?;
        (&stripped[..end], stripped[end..].find(')')? + end + 2)
    } else {
        let mut depth = 0usize;
        let mut end = None;
        for (k, ch) in inner.char_indices() {
            match ch {
                '(' => depth += 1,
                ')' if depth == 0 => {
                    end = Some(k);
                    break;
                }
                ')' => depth -= 1,
                _ => {}
            }
        }
        let end = end?;
        (
            inner[..end].split_whitespace().next().unwrap_or(""),
            end + 1,
        )
    };
    if target.is_empty() {
        return None;
    }
    Some((text.trim(), target.trim(), inner_start + len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_links_outside_code() {
        let text = "See [the guide](https://docs.aws.amazon.com/x \"t\") and ![pic](a.png)\n\
                    ```\n[no](https://in.code)\n```\n\
                    `[no](x.md)` <https://a.example/b> bare https://b.example/c, end.\n\
                    [local](<my notes/ec2.md>) [js](javascript:alert(1))\n";
        let found: Vec<(u32, String, String)> = scan(text, 10)
            .into_iter()
            .map(|l| (l.line, l.text, l.target))
            .collect();
        let want = [
            (11, "the guide", "https://docs.aws.amazon.com/x"),
            (15, "https://a.example/b", "https://a.example/b"),
            (15, "https://b.example/c", "https://b.example/c"),
            (16, "local", "my notes/ec2.md"),
            (16, "js", "javascript:alert(1)"),
        ];
        let want: Vec<(u32, String, String)> = want
            .iter()
            .map(|(l, a, b)| (*l, (*a).to_owned(), (*b).to_owned()))
            .collect();
        assert_eq!(found, want);
    }

    #[test]
    fn schemes() {
        assert_eq!(scheme("https://x"), Some("https"));
        assert_eq!(scheme("JavaScript:alert(1)"), Some("JavaScript"));
        assert_eq!(scheme("C:\\x.md"), None, "a drive letter");
        assert_eq!(scheme("notes.md"), None);
        assert_eq!(scheme("a b:c"), None);
    }

    #[test]
    fn web_links_and_refused_schemes_need_no_folder() {
        let web = |t: &str| link_target(None, "a.md", t);
        assert_eq!(
            web("https://aws.amazon.com/codedeploy/"),
            Ok(LinkTarget::Web(
                "https://aws.amazon.com/codedeploy/".to_owned()
            ))
        );
        assert_eq!(
            web("<HTTP://example.com>"),
            Ok(LinkTarget::Web("HTTP://example.com".to_owned()))
        );
        for bad in [
            "file:///etc/passwd",
            "FILE:notes.md",
            "javascript:alert(1)",
            " JaVaScRiPt:alert(1)",
            "data:text/html,<script>x</script>",
            "vbscript:x",
            "mailto:a@b.c",
            "ftp://host/x",
            "smb://host/share",
        ] {
            assert!(
                matches!(web(bad), Err(LinkError::Scheme(..))),
                "{bad}: {:?}",
                web(bad)
            );
        }
        for bad in [
            "java\tscript:alert(1)",
            "https://a.example/\nx",
            "a\u{0}.md",
        ] {
            assert!(
                matches!(web(bad), Err(LinkError::ControlCharacters(_))),
                "{bad:?}"
            );
        }
        for bad in [
            "https://",
            "http:/x",
            "https:x",
            "https://a b",
            "http:\\\\host\\x",
        ] {
            assert!(matches!(web(bad), Err(LinkError::BadUrl(_))), "{bad}");
        }
        assert_eq!(web(""), Err(LinkError::Empty));
        assert_eq!(web("#heading"), Err(LinkError::Empty));
        assert!(matches!(web("notes.md"), Err(LinkError::NoFolder(_))));
    }
}
