//! Markdown vaults (Obsidian, Foam, Logseq-style folders): `[[wikilinks]]` resolved into edges
//! between note nodes, `#tags` and front-matter tags as tag nodes, pictures resolved to files
//! inside the notes folder, and "missing picture" placeholders.
//!
//! Owns: link resolution (by file name anywhere in the vault, case-insensitive, shortest path when
//! ambiguous, front-matter aliases), picture path safety (nothing outside the notes folder is ever
//! read: `..`, absolute paths and symlinks out are refused), placeholder detection, and the one
//! rule for what a clicked link in a note may open ([`links::link_target`]). Leaves
//! parsing the Markdown (links, tags, front matter) to [`crate::notes`], and mentions of AWS
//! entities to [`crate::extract`].
//!
//! Nothing here fails: every problem is a [`Warning`] naming the file and line.

mod images;
pub mod links;
mod placeholders;
mod resolve;

pub use self::images::{Folder, IMAGE_EXTENSIONS, ImageError, is_image};
pub use self::links::{LinkError, LinkTarget, link_target};
pub use self::placeholders::is_placeholder;
pub use self::resolve::{NoteResolver, PathIndex};

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

use crate::graph::{Entity, EntityKind, Evidence, KnowledgeGraph, Relation, RelationKind};
use crate::notes::{LoadedNotes, Note, NoteFormat, Warning};
use crate::util::slug;

/// Link targets with these extensions are attachments, neither notes nor pictures: not resolved,
/// not warned about.
const ATTACHMENT_EXTENSIONS: &[&str] = &[
    "pdf",
    "mp3",
    "mp4",
    "webm",
    "ogg",
    "wav",
    "m4a",
    "mov",
    "csv",
    "zip",
    "canvas",
    "excalidraw",
];

/// A `[[wikilink]]` resolved to a note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedLink {
    /// The linking note's path.
    pub from: String,
    /// The linked note's path.
    pub to: String,
    /// 1-based line of the link.
    pub line: u32,
    /// The heading part, when the link names one.
    pub heading: Option<String>,
}

/// A tag on a note (body `#tag` or front-matter `tags`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagUse {
    pub file: String,
    /// As written, without `#`.
    pub tag: String,
    /// 1-based line where it is written (1 when it cannot be found).
    pub line: u32,
}

/// A picture of a note, resolved to a file inside the notes folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef {
    /// The note's path.
    pub file: String,
    pub line: u32,
    /// The path as written.
    pub target: String,
    /// Canonical path of the picture file (always inside the notes folder).
    pub path: PathBuf,
}

/// A plain-text placeholder where a picture is missing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MissingPicture {
    pub file: String,
    pub line: u32,
    /// The line, trimmed.
    pub text: String,
}

/// What the vault pass found. Every list is in note order, then line order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Vault {
    pub links: Vec<ResolvedLink>,
    pub tags: Vec<TagUse>,
    pub images: Vec<ImageRef>,
    pub missing_pictures: Vec<MissingPicture>,
    /// Unresolved links, missing headings, refused or missing pictures.
    pub warnings: Vec<Warning>,
}

impl Vault {
    /// Pictures of one note.
    pub fn images_of<'a>(&'a self, file: &'a str) -> impl Iterator<Item = &'a ImageRef> + 'a {
        self.images.iter().filter(move |i| i.file == file)
    }
}

/// Resolves links, tags, pictures and placeholders of `notes`, adds note and tag nodes with their
/// edges to `graph`, and appends the warnings (missing pictures included) to `warnings`. This is
/// the one call [`crate::compile`] makes.
pub fn apply(
    notes: &LoadedNotes,
    graph: &mut KnowledgeGraph,
    warnings: &mut Vec<Warning>,
) -> Vault {
    let folder = Folder::new(notes.root.as_deref());
    apply_with(notes, &folder, graph, warnings)
}

/// [`apply`] with a folder scan already made (the incremental recompile reuses it).
pub fn apply_with(
    notes: &LoadedNotes,
    folder: &Folder,
    graph: &mut KnowledgeGraph,
    warnings: &mut Vec<Warning>,
) -> Vault {
    let vault = analyse(notes, folder);
    finish(notes, &vault, graph, warnings);
    vault
}

/// Adds what [`analyse`] found to `graph` and appends its warnings (missing pictures included)
/// to `warnings`: the second half of [`apply_with`], also run by the incremental recompile on the
/// per-note results joined with [`Vault::join`].
pub fn finish(
    notes: &LoadedNotes,
    vault: &Vault,
    graph: &mut KnowledgeGraph,
    warnings: &mut Vec<Warning>,
) {
    add_to_graph(notes, vault, graph);
    warnings.extend(vault.warnings.iter().cloned());
    warnings.extend(vault.missing_pictures.iter().map(|m| {
        Warning::new(
            m.file.clone(),
            Some(m.line),
            format!("missing picture: {}", m.text),
        )
    }));
}

/// Resolves links, tags, pictures and placeholders without touching a graph.
pub fn analyse(notes: &LoadedNotes, folder: &Folder) -> Vault {
    let resolver = NoteResolver::new(notes);
    let mut vault = Vault::default();
    for note in &notes.notes {
        analyse_note(notes, note, &resolver, folder, &mut vault);
    }
    vault
}

/// [`analyse`] of one note, `notes.notes[ix]` (the incremental recompile keeps one result per
/// note and analyses again only the notes a change can affect).
pub fn analyse_one(
    notes: &LoadedNotes,
    ix: usize,
    resolver: &NoteResolver,
    folder: &Folder,
) -> Vault {
    let mut vault = Vault::default();
    if let Some(note) = notes.notes.get(ix) {
        analyse_note(notes, note, resolver, folder, &mut vault);
    }
    vault
}

/// The lookup keys a note's `[[links]]` resolve by: the key of each target's file name and of the
/// whole target (front-matter aliases), sorted and deduplicated. A note whose keys meet
/// [`note_keys`] of a changed note may resolve its links differently after that change.
pub fn link_keys(note: &Note) -> Vec<String> {
    let mut keys = Vec::new();
    for link in &note.links {
        let bare = resolve::strip_note_ext(link.target.trim());
        let bare = bare.trim();
        if bare.is_empty() {
            continue;
        }
        let path = resolve::strip_note_ext(bare.trim_start_matches('/'));
        keys.push(resolve::key(path.rsplit('/').next().unwrap_or(path)));
        keys.push(resolve::key(bare));
    }
    keys.sort();
    keys.dedup();
    keys
}

/// The names other notes can link to `note` by: the key of its file name and, for Markdown, of
/// each front-matter alias; sorted and deduplicated.
pub fn note_keys(note: &Note) -> Vec<String> {
    let bare = resolve::strip_note_ext(&note.file);
    let mut keys = vec![resolve::key(bare.rsplit('/').next().unwrap_or(bare))];
    if note.format == NoteFormat::Markdown {
        keys.extend(
            note.front_matter
                .aliases
                .iter()
                .map(|a| resolve::key(a.trim()))
                .filter(|k| !k.is_empty()),
        );
    }
    keys.sort();
    keys.dedup();
    keys
}

impl Vault {
    /// The per-note results of [`analyse_one`], in note order, as one [`Vault`] (the same as
    /// [`analyse`] of the whole collection).
    pub fn join<'a>(parts: impl IntoIterator<Item = &'a Vault>) -> Vault {
        let mut out = Vault::default();
        for part in parts {
            out.links.extend(part.links.iter().cloned());
            out.tags.extend(part.tags.iter().cloned());
            out.images.extend(part.images.iter().cloned());
            out.missing_pictures
                .extend(part.missing_pictures.iter().cloned());
            out.warnings.extend(part.warnings.iter().cloned());
        }
        out
    }
}

fn extension(target: &str) -> Option<String> {
    let name = target.rsplit('/').next().unwrap_or(target);
    name.rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .filter(|ext| !ext.is_empty() && !ext.contains(' '))
}

fn analyse_note(
    notes: &LoadedNotes,
    note: &Note,
    resolver: &NoteResolver,
    folder: &Folder,
    vault: &mut Vault,
) {
    let file = note.file.as_str();
    let mut warnings = Vec::new();
    let mut images: Vec<(u32, String, Result<PathBuf, ImageError>)> = Vec::new();
    for link in &note.links {
        let target = link.target.trim();
        if target.is_empty() {
            // `[[#heading]]`: a link inside the same note.
            if let Some(heading) = &link.heading
                && !has_heading(note, heading)
            {
                warnings.push(Warning::new(
                    file,
                    Some(link.line),
                    format!("link [[#{heading}]]: this note has no such heading"),
                ));
            }
            continue;
        }
        if is_image(target) {
            images.push((
                link.line,
                target.to_owned(),
                folder.resolve_embed(file, target),
            ));
            continue;
        }
        if extension(target).is_some_and(|ext| ATTACHMENT_EXTENSIONS.contains(&ext.as_str())) {
            continue;
        }
        let Some(ix) = resolver.resolve(file, target) else {
            warnings.push(Warning::new(
                file,
                Some(link.line),
                format!("unresolved link [[{target}]]: no note of that name in the notes folder"),
            ));
            continue;
        };
        let Some(to) = notes.notes.get(ix) else {
            continue;
        };
        if let Some(heading) = &link.heading
            && !heading.starts_with('^')
            && !has_heading(to, heading)
        {
            warnings.push(Warning::new(
                file,
                Some(link.line),
                format!(
                    "link [[{target}#{heading}]]: {} has no such heading",
                    to.file
                ),
            ));
        }
        vault.links.push(ResolvedLink {
            from: file.to_owned(),
            to: to.file.clone(),
            line: link.line,
            heading: link.heading.clone(),
        });
    }
    if note.format == NoteFormat::Markdown {
        for raw in images::scan(&note.text) {
            if images::is_remote(&raw.target) {
                continue;
            }
            let resolved = folder.resolve_path(file, &raw.target);
            images.push((raw.line, raw.target, resolved));
        }
    }
    images.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    for (line, target, resolved) in images {
        match resolved {
            Ok(path) => vault.images.push(ImageRef {
                file: file.to_owned(),
                line,
                target,
                path,
            }),
            Err(err) => warnings.push(Warning::new(file, Some(line), err.to_string())),
        }
    }
    let mut seen = HashSet::new();
    let lower_text = if note.tags.is_empty() && note.front_matter.tags.is_empty() {
        String::new()
    } else {
        note.text.to_lowercase()
    };
    for tag in note
        .tags
        .iter()
        .chain(&note.front_matter.tags)
        .map(|t| t.trim().trim_start_matches('#'))
    {
        if tag.is_empty() || !seen.insert(resolve::key(tag)) {
            continue;
        }
        vault.tags.push(TagUse {
            file: file.to_owned(),
            tag: tag.to_owned(),
            line: tag_line(&lower_text, tag),
        });
    }
    let mut fence = false;
    for (ix, line) in note.text.lines().enumerate() {
        let trimmed = line.trim();
        if note.format == NoteFormat::Markdown
            && (trimmed.starts_with("```") || trimmed.starts_with("~~~"))
        {
            fence = !fence;
            continue;
        }
        if !fence && is_placeholder(trimmed) {
            vault.missing_pictures.push(MissingPicture {
                file: file.to_owned(),
                line: u32::try_from(ix + 1).unwrap_or(u32::MAX),
                text: trimmed.to_owned(),
            });
        }
    }
    warnings.sort_by_key(|w| w.line);
    vault.warnings.extend(warnings);
}

/// Whether `note` has a heading whose slug matches `heading`'s (Obsidian matches headings
/// ignoring case and punctuation).
fn has_heading(note: &Note, heading: &str) -> bool {
    let wanted = slug(heading);
    note.sections.iter().any(|s| slug(&s.title) == wanted)
}

/// The 1-based line where `#tag` (or, in front matter, the bare tag) is written in `lower` (the
/// note's text, lowercased once per note); 1 if not found.
fn tag_line(lower: &str, tag: &str) -> u32 {
    let tag = tag.to_lowercase();
    let wanted = format!("#{tag}");
    let mut front = false;
    for (ix, line) in lower.lines().enumerate() {
        let number = u32::try_from(ix + 1).unwrap_or(u32::MAX);
        if ix == 0 && line.trim() == "---" {
            front = true;
            continue;
        }
        if front {
            if line.trim() == "---" || line.trim() == "..." {
                front = false;
            } else if line.contains(&tag) {
                return number;
            }
            continue;
        }
        let mut from = 0;
        while let Some(pos) = line[from..].find(&wanted) {
            let end = from + pos + wanted.len();
            let boundary = line[end..]
                .chars()
                .next()
                .is_none_or(|c| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '/')));
            if boundary {
                return number;
            }
            from = end;
        }
    }
    1
}

fn note_id(file: &str) -> String {
    format!("note:{file}")
}

fn tag_id(tag: &str) -> String {
    format!("tag:{}", resolve::key(tag))
}

fn relation(kind: RelationKind, file: &str, line: u32) -> Relation {
    Relation {
        kind,
        weight: 1.0,
        evidence: vec![Evidence {
            file: file.into(),
            line,
        }],
        from_catalog: false,
    }
}

/// Adds a node per Markdown note (and per linked note of any format), a node per tag, `links_to`
/// edges between notes, `tagged_with` edges from notes to tags and `part_of` edges from nested
/// tags (`aws/compute`) to their parents. Node `mentions` count backlinks (notes) and tagged
/// notes (tags).
pub fn add_to_graph(notes: &LoadedNotes, vault: &Vault, graph: &mut KnowledgeGraph) {
    let mut backlinks: HashMap<&str, u32> = HashMap::new();
    for link in &vault.links {
        if link.from != link.to {
            *backlinks.entry(link.to.as_str()).or_default() += 1;
        }
    }
    let linked: HashSet<&str> = vault
        .links
        .iter()
        .flat_map(|l| [l.from.as_str(), l.to.as_str()])
        .collect();
    for note in &notes.notes {
        if note.format != NoteFormat::Markdown && !linked.contains(note.file.as_str()) {
            continue;
        }
        graph.add_entity(Entity {
            id: note_id(&note.file),
            label: note.title.clone(),
            kind: EntityKind::Note,
            category: resolve::folder_of(&note.file).to_owned().into(),
            aliases: note.front_matter.aliases.clone(),
            mentions: backlinks.get(note.file.as_str()).copied().unwrap_or(0),
            description: String::new(),
            exams: Vec::new(),
        });
    }
    for link in &vault.links {
        if link.from == link.to {
            continue;
        }
        if let (Some(a), Some(b)) = (
            graph.node(&note_id(&link.from)),
            graph.node(&note_id(&link.to)),
        ) {
            graph.add_relation(a, b, relation(RelationKind::LinksTo, &link.from, link.line));
        }
    }
    // Tags: label from the first spelling in note order; parents of nested tags too.
    let mut labels: BTreeMap<String, String> = BTreeMap::new();
    let mut counts: HashMap<String, u32> = HashMap::new();
    for use_ in &vault.tags {
        let mut path = String::new();
        for part in use_.tag.split('/').filter(|p| !p.is_empty()) {
            if !path.is_empty() {
                path.push('/');
            }
            path.push_str(part);
            labels
                .entry(tag_id(&path))
                .or_insert_with(|| format!("#{path}"));
        }
        *counts.entry(tag_id(&use_.tag)).or_default() += 1;
    }
    for (id, label) in &labels {
        graph.add_entity(Entity {
            id: id.clone(),
            label: label.clone(),
            kind: EntityKind::Tag,
            category: std::borrow::Cow::Borrowed(""),
            aliases: Vec::new(),
            mentions: counts.get(id).copied().unwrap_or(0),
            description: String::new(),
            exams: Vec::new(),
        });
    }
    let mut parents_done = HashSet::new();
    for use_ in &vault.tags {
        let id = tag_id(&use_.tag);
        if let (Some(a), Some(b)) = (graph.node(&note_id(&use_.file)), graph.node(&id)) {
            graph.add_relation(
                a,
                b,
                relation(RelationKind::TaggedWith, &use_.file, use_.line),
            );
        }
        let trimmed = use_.tag.trim_matches('/');
        let mut child = trimmed;
        while let Some((parent, _)) = child.rsplit_once('/') {
            let (child_id, parent_id) = (tag_id(child), tag_id(parent));
            if parents_done.insert(child_id.clone())
                && let (Some(a), Some(b)) = (graph.node(&child_id), graph.node(&parent_id))
            {
                graph.add_relation(a, b, relation(RelationKind::PartOf, &use_.file, use_.line));
            }
            child = parent;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notes::{FrontMatter, Section, WikiLink};

    fn link(target: &str, heading: Option<&str>, line: u32) -> WikiLink {
        WikiLink {
            target: target.to_owned(),
            heading: heading.map(str::to_owned),
            alias: None,
            line,
            embed: false,
        }
    }

    fn note(file: &str, headings: &[&str], links: Vec<WikiLink>, tags: &[&str]) -> Note {
        let text = headings
            .iter()
            .map(|h| format!("# {h}\n"))
            .chain(tags.iter().map(|t| format!("text #{t}\n")))
            .collect::<String>();
        Note {
            file: file.to_owned(),
            format: NoteFormat::Markdown,
            title: headings.first().map_or(file, |h| h).to_owned(),
            front_matter: FrontMatter::default(),
            sections: headings
                .iter()
                .enumerate()
                .map(|(i, h)| Section {
                    file: file.into(),
                    title: (*h).into(),
                    parent: None,
                    level: 1,
                    repeat: 1,
                    line_start: u32::try_from(i + 1).unwrap(),
                    line_end: u32::try_from(i + 1).unwrap(),
                    byte_start: 0,
                    byte_end: 0,
                })
                .collect(),
            links,
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            text,
        }
    }

    fn loaded(notes: Vec<Note>) -> LoadedNotes {
        LoadedNotes {
            notes,
            ..LoadedNotes::default()
        }
    }

    #[test]
    fn links_aliases_headings_and_tags() {
        let mut vpc = note(
            "net/VPC.md",
            &["VPC", "Subnets"],
            vec![],
            &["aws/networking"],
        );
        vpc.front_matter.aliases = vec!["Virtual Private Cloud".into()];
        vpc.front_matter.tags = vec!["exam".into(), "AWS/Networking".into()];
        let index = note(
            "index.md",
            &["Index"],
            vec![
                link("vpc", Some("subnets"), 3),
                link("Virtual Private Cloud", None, 4),
                link("net/vpc.md", Some("No Such"), 5),
                link("nowhere", None, 6),
                link("", Some("Index"), 7),
                link("report.pdf", None, 8),
            ],
            &["Exam"],
        );
        let notes = loaded(vec![index, vpc]);
        let mut graph = KnowledgeGraph::new();
        let mut warnings = Vec::new();
        let vault = apply(&notes, &mut graph, &mut warnings);
        assert_eq!(vault.links.len(), 3);
        assert!(vault.links.iter().all(|l| l.to == "net/VPC.md"));
        let messages: Vec<String> = warnings.iter().map(ToString::to_string).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages[0].starts_with("index.md:5: link [[net/vpc.md#No Such]]"));
        assert!(messages[1].starts_with("index.md:6: unresolved link [[nowhere]]"));
        // One merged edge with the three pieces of evidence.
        let a = graph.node("note:index.md").unwrap();
        let b = graph.node("note:net/VPC.md").unwrap();
        let edge = graph.graph.find_edge(a, b).unwrap();
        let rel = &graph.graph[edge];
        assert_eq!(rel.kind, RelationKind::LinksTo);
        assert_eq!(rel.evidence.len(), 3);
        assert_eq!(graph.entity("note:net/VPC.md").unwrap().mentions, 3);
        assert_eq!(graph.entity("note:net/VPC.md").unwrap().category, "net");
        // Tags: case-insensitive ids, nested parents, counts.
        assert_eq!(graph.entity("tag:exam").unwrap().mentions, 2);
        assert_eq!(graph.entity("tag:aws/networking").unwrap().mentions, 1);
        assert_eq!(graph.entity("tag:aws").unwrap().label, "#aws");
        let child = graph.node("tag:aws/networking").unwrap();
        let parent = graph.node("tag:aws").unwrap();
        assert_eq!(
            graph.graph[graph.graph.find_edge(child, parent).unwrap()].kind,
            RelationKind::PartOf
        );
        let tagged = graph.graph.find_edge(b, child).unwrap();
        assert_eq!(graph.graph[tagged].kind, RelationKind::TaggedWith);
        assert_eq!(graph.graph[tagged].evidence[0].line, 3);
    }

    #[test]
    fn tag_lines() {
        let text = "---\ntags: [exam, ops]\n---\n# T\nsee #ops-notes and #Ops.\n".to_lowercase();
        assert_eq!(tag_line(&text, "exam"), 2);
        assert_eq!(tag_line("# t\nsee #ops-notes\nand #ops.\n", "Ops"), 3);
        assert_eq!(tag_line("a\nb #ops-x #ops\n", "ops"), 2);
        assert_eq!(tag_line("nothing", "x"), 1);
    }

    #[test]
    fn placeholders_outside_fences_become_warnings() {
        let mut n = note("a.md", &["A"], vec![], &[]);
        n.text = "# A\n[REFER SCREENSHOT]\n```\n[image]\n```\nsee attached image\n".into();
        let mut graph = KnowledgeGraph::new();
        let mut warnings = Vec::new();
        let vault = apply(&loaded(vec![n]), &mut graph, &mut warnings);
        let lines: Vec<u32> = vault.missing_pictures.iter().map(|m| m.line).collect();
        assert_eq!(lines, [2, 6]);
        assert!(
            warnings
                .iter()
                .any(|w| w.message.starts_with("missing picture:"))
        );
    }
}
