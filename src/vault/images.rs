//! Pictures in notes: finding `![alt](path)` and `<img src="path">` in Markdown, and resolving a
//! picture path to a file inside the notes folder. A path that leaves the folder (`..`, an
//! absolute path, a `file:` URL, a symlink pointing out) is refused.

use std::path::{Path, PathBuf};

use super::resolve::{PathIndex, folder_of, join};

/// File extensions treated as pictures.
pub const IMAGE_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "bmp", "svg", "webp", "avif", "tif", "tiff", "ico",
];

/// Whether `target` names a picture by its extension.
pub fn is_image(target: &str) -> bool {
    let name = target.rsplit(['/', '\\']).next().unwrap_or(target);
    name.rsplit_once('.')
        .is_some_and(|(_, ext)| IMAGE_EXTENSIONS.iter().any(|e| e.eq_ignore_ascii_case(ext)))
}

/// A picture reference found in the text of a note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawImage {
    /// 1-based line.
    pub line: u32,
    /// The path or URL as written (angle brackets and title removed, `%20` decoded).
    pub target: String,
}

/// Why a picture path was refused or not found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImageError {
    #[error("picture path {0:?} is absolute; only paths inside the notes folder are shown")]
    Absolute(String),
    #[error("picture path {0:?} leaves the notes folder; refused")]
    LeavesFolder(String),
    #[error("picture {0:?} is a link to a file outside the notes folder; refused")]
    SymlinkOut(String),
    #[error("picture {0:?} not found in the notes folder")]
    NotFound(String),
    #[error("picture {0:?} cannot be shown: these notes have no folder")]
    NoFolder(String),
}

/// Finds `![alt](target "title")` and `<img src="target">` outside code fences and inline code.
pub fn scan(text: &str) -> Vec<RawImage> {
    let mut out = Vec::new();
    let mut fence: Option<&str> = None;
    for (ix, raw_line) in text.lines().enumerate() {
        let line_no = u32::try_from(ix + 1).unwrap_or(u32::MAX);
        let trimmed = raw_line.trim_start();
        if let Some(marker) = fence {
            if trimmed.starts_with(marker) {
                fence = None;
            }
            continue;
        }
        if trimmed.starts_with("```") {
            fence = Some("```");
            continue;
        }
        if trimmed.starts_with("~~~") {
            fence = Some("~~~");
            continue;
        }
        // Most lines hold no picture: skip them before any allocation.
        if !raw_line.contains("![") && !raw_line.contains('<') {
            continue;
        }
        let line = without_inline_code(raw_line);
        scan_markdown_images(&line, line_no, &mut out);
        scan_img_tags(&line, line_no, &mut out);
    }
    out
}

/// The line with `` `inline code` `` spans blanked out (same length).
fn without_inline_code(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_code = false;
    for ch in line.chars() {
        if ch == '`' {
            in_code = !in_code;
            out.push(' ');
        } else if in_code {
            out.push(' ');
        } else {
            out.push(ch);
        }
    }
    out
}

fn scan_markdown_images(line: &str, line_no: u32, out: &mut Vec<RawImage>) {
    let mut rest = line;
    while let Some(start) = rest.find("![") {
        let after = &rest[start + 2..];
        // `![[embed]]` is a wikilink embed, handled with the links.
        if let Some(embed) = after.strip_prefix('[') {
            rest = embed;
            continue;
        }
        let Some(close) = after.find("](") else { break };
        let inner = &after[close + 2..];
        let (target, consumed) = if let Some(stripped) = inner.strip_prefix('<') {
            match stripped.find('>') {
                Some(end) => (&stripped[..end], end + 2),
                None => break,
            }
        } else {
            let mut depth = 0usize;
            let mut end = inner.len();
            for (i, ch) in inner.char_indices() {
                match ch {
                    '(' => depth += 1,
                    ')' if depth == 0 => {
                        end = i;
                        break;
                    }
                    ')' => depth -= 1,
                    _ => {}
                }
            }
            let target = inner[..end].split_whitespace().next().unwrap_or("");
            (target, end)
        };
        let target = percent_decode(target.trim());
        if !target.is_empty() {
            out.push(RawImage {
                line: line_no,
                target,
            });
        }
        rest = inner.get(consumed..).unwrap_or("");
    }
}

fn scan_img_tags(line: &str, line_no: u32, out: &mut Vec<RawImage>) {
    let lower = line.to_ascii_lowercase();
    let mut from = 0;
    while let Some(pos) = lower[from..].find("<img") {
        let tag_start = from + pos;
        let tag_end = lower[tag_start..]
            .find('>')
            .map_or(lower.len(), |e| tag_start + e);
        let tag = &lower[tag_start..tag_end];
        if let Some(src) = tag.find("src=") {
            let value_start = tag_start + src + 4;
            let original = &line[value_start..tag_end];
            let value = match original.chars().next() {
                Some(q @ ('"' | '\'')) => original[1..].split(q).next().unwrap_or(""),
                _ => original.split_whitespace().next().unwrap_or(""),
            };
            let value = percent_decode(value.trim_end_matches('/').trim());
            if !value.is_empty() {
                out.push(RawImage {
                    line: line_no,
                    target: value,
                });
            }
        }
        from = tag_end.max(tag_start + 4);
        if from >= lower.len() {
            break;
        }
    }
}

/// Decodes `%XX` escapes (as Markdown editors write spaces in paths); invalid ones stay.
pub(crate) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = text.get(i + 1..i + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

/// Whether `target` is a remote URL (`http:`, `https:`, `data:`), which is not a file.
pub fn is_remote(target: &str) -> bool {
    let lower = target.to_ascii_lowercase();
    ["http://", "https://", "data:", "mailto:", "ftp://"]
        .iter()
        .any(|p| lower.starts_with(p))
}

pub(crate) fn is_absolute(target: &str) -> bool {
    let bytes = target.as_bytes();
    target.starts_with('/')
        || target.starts_with('\\')
        || target.to_ascii_lowercase().starts_with("file:")
        || target.starts_with('~')
        || (bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':')
}

/// The notes folder, canonicalised once, and the pictures in it.
#[derive(Debug)]
pub struct Folder {
    /// Canonical path of the notes folder; `None` for the built-in notes.
    pub root: Option<PathBuf>,
    /// Every non-hidden file under the folder that looks like a picture, vault-relative.
    pub pictures: PathIndex,
}

impl Folder {
    /// The folder of a load root: the folder itself, or the folder a single notes file is in.
    pub fn new(root: Option<&Path>) -> Self {
        let dir = root.map(|r| {
            if r.is_file() {
                r.parent()
                    .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
            } else {
                r.to_path_buf()
            }
        });
        let canonical = dir.and_then(|d| d.canonicalize().ok());
        let mut pictures = Vec::new();
        if let Some(root) = &canonical {
            collect_pictures(root, root, &mut pictures, 0);
        }
        pictures.sort();
        Self {
            root: canonical,
            pictures: PathIndex::new(pictures, false),
        }
    }

    /// Resolves a Markdown picture path written in `note` (vault-relative): relative to the
    /// note's folder, then to the vault root, then by file name like an embed.
    pub fn resolve_path(&self, note: &str, target: &str) -> Result<PathBuf, ImageError> {
        if is_absolute(target) {
            return Err(ImageError::Absolute(target.to_owned()));
        }
        let Some(root) = &self.root else {
            return Err(ImageError::NoFolder(target.to_owned()));
        };
        let rel = join(folder_of(note), target)
            .ok_or_else(|| ImageError::LeavesFolder(target.to_owned()))?;
        let candidates = [Some(rel), join("", target)];
        for rel in candidates.into_iter().flatten() {
            let full = root.join(&rel);
            if full.exists() {
                return self.inside(&full, target);
            }
        }
        self.resolve_embed(note, target)
    }

    /// Resolves an embed target (`![[x.png]]`, `![[img/x.png]]`) by file name anywhere in the
    /// folder.
    pub fn resolve_embed(&self, note: &str, target: &str) -> Result<PathBuf, ImageError> {
        if is_absolute(target) {
            return Err(ImageError::Absolute(target.to_owned()));
        }
        if target.split(['/', '\\']).any(|p| p == "..") && join(folder_of(note), target).is_none() {
            return Err(ImageError::LeavesFolder(target.to_owned()));
        }
        let Some(root) = &self.root else {
            return Err(ImageError::NoFolder(target.to_owned()));
        };
        match self.pictures.resolve(note, target) {
            Some(ix) => self.inside(&root.join(self.pictures.path(ix)), target),
            None => Err(ImageError::NotFound(target.to_owned())),
        }
    }

    /// Canonicalises `full` and checks that it is still inside the notes folder.
    fn inside(&self, full: &Path, target: &str) -> Result<PathBuf, ImageError> {
        let Some(root) = &self.root else {
            return Err(ImageError::NoFolder(target.to_owned()));
        };
        let canonical = full
            .canonicalize()
            .map_err(|_| ImageError::NotFound(target.to_owned()))?;
        if canonical.starts_with(root) {
            Ok(canonical)
        } else {
            Err(ImageError::SymlinkOut(target.to_owned()))
        }
    }
}

/// Depth limit for the picture walk (a symlink loop cannot recurse: links to folders are not
/// followed).
const MAX_DEPTH: usize = 64;

fn collect_pictures(root: &Path, dir: &Path, out: &mut Vec<String>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let Ok(file_type) = entry.file_type() else {
            continue;
        };
        let path = entry.path();
        if file_type.is_dir() {
            collect_pictures(root, &path, out, depth + 1);
        } else if (file_type.is_file() || file_type.is_symlink()) && is_image(&name) {
            let rel = path.strip_prefix(root).unwrap_or(&path);
            let rel: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.push(rel.join("/"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_markdown_and_html_pictures_outside_code() {
        let text = "intro ![a](img/x.png) and ![b](<my pics/y 1.png> \"t\")\n\
                    ```\n![c](no.png)\n```\n\
                    `![d](no2.png)` <IMG SRC=\"z%20z.gif\" alt=q>\n\
                    ![[embed.png]] ![e](https://example.com/r.png)\n";
        let found: Vec<(u32, String)> =
            scan(text).into_iter().map(|i| (i.line, i.target)).collect();
        let found: Vec<(u32, &str)> = found.iter().map(|(l, t)| (*l, t.as_str())).collect();
        assert_eq!(
            found,
            [
                (1, "img/x.png"),
                (1, "my pics/y 1.png"),
                (5, "z z.gif"),
                (6, "https://example.com/r.png")
            ]
        );
    }

    #[test]
    fn picture_names() {
        assert!(is_image("a/B.PNG"));
        assert!(!is_image("notes.md"));
        assert!(is_remote("HTTPS://x"));
        assert!(is_absolute("/etc/passwd"));
        assert!(is_absolute("C:\\x.png"));
        assert!(is_absolute("file:///etc/x.png"));
        assert!(!is_absolute("img/x.png"));
    }

    #[test]
    fn refuses_paths_out_of_the_folder() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.png"), b"x").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let vault = dir.path().join("vault");
        std::fs::create_dir_all(vault.join("img")).unwrap();
        std::fs::write(vault.join("img/ok.png"), b"x").unwrap();
        std::fs::write(dir.path().join("beside.png"), b"x").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(
            outside.path().join("secret.png"),
            vault.join("img/link.png"),
        )
        .unwrap();
        let folder = Folder::new(Some(&vault));
        let ok = folder.resolve_path("a.md", "img/ok.png").unwrap();
        assert!(ok.ends_with("img/ok.png"));
        assert_eq!(
            folder.resolve_embed("sub/a.md", "ok.png").unwrap(),
            ok,
            "embeds resolve by name"
        );
        assert!(matches!(
            folder.resolve_path("a.md", "../beside.png"),
            Err(ImageError::LeavesFolder(_))
        ));
        assert!(matches!(
            folder.resolve_path("a.md", "/etc/passwd.png"),
            Err(ImageError::Absolute(_))
        ));
        assert!(matches!(
            folder.resolve_path("a.md", "img/none.png"),
            Err(ImageError::NotFound(_))
        ));
        #[cfg(unix)]
        assert!(matches!(
            folder.resolve_path("a.md", "img/link.png"),
            Err(ImageError::SymlinkOut(_))
        ));
        assert!(matches!(
            Folder::new(None).resolve_path("a.md", "x.png"),
            Err(ImageError::NoFolder(_))
        ));
    }
}
