//! Markdown vault fixtures we write: links, aliases, headings, tags, pictures, a picture path out
//! of the vault, a symlink out, an unresolved link and missing-picture placeholders.

use cloudatlas::graph::{EntityKind, RelationKind};
use cloudatlas::notes::{LoadOptions, load};
use cloudatlas::vault::{self, Folder};

use crate::util::Dir;

/// The vault lives in `<tmp>/vault`; `<tmp>/secret.png` is outside it.
fn fixture() -> Dir {
    let dir = Dir::new();
    dir.create("secret.png", b"not yours");
    dir.create(
        "vault/index.md",
        "---\n\
         title: Study index\n\
         aliases: [Start]\n\
         tags: [exam]\n\
         ---\n\
         # Index\n\
         Networking starts at [[VPC]] and [[vpc#Subnets|its subnets]].\n\
         Also see [[Virtual Private Cloud]] and [[nowhere else]].\n\
         ![[diagram.png]]\n\
         ![flow](images/flow.png)\n\
         ![bad](../secret.png) ![abs](/etc/hosts.png)\n\
         ![link](images/escape.png)\n\
         Lambda @ Edge - [REFER SCREENSHOT]\n\
         #review\n",
    );
    dir.create(
        "vault/networking/VPC.md",
        "---\naliases:\n  - Virtual Private Cloud\n---\n# VPC\n\nPrivate network. #aws/networking\n\n## Subnets\n\nPublic and private (ref. attached image)\n",
    );
    dir.create(
        "vault/archive/old/deep/vpc.md",
        "# Old VPC notes\n\nBack to [[index]].\n",
    );
    dir.create("vault/images/flow.png", [137u8, 80, 78, 71]);
    dir.create("vault/assets/diagram.png", [137u8, 80, 78, 71]);
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        dir.path().join("secret.png"),
        dir.path().join("vault/images/escape.png"),
    )
    .unwrap();
    dir
}

fn messages(warnings: &[cloudatlas::notes::Warning]) -> Vec<String> {
    warnings.iter().map(ToString::to_string).collect()
}

#[test]
fn pictures_resolve_inside_the_vault_and_escapes_are_refused() {
    let dir = fixture();
    let root = dir.path().join("vault");
    let notes = load(&root, &LoadOptions::default()).unwrap();
    let folder = Folder::new(Some(&root));
    let found = vault::analyse(&notes, &folder);
    let flow: Vec<&vault::ImageRef> = found.images_of("index.md").collect();
    assert!(
        flow.iter()
            .any(|i| i.target == "images/flow.png" && i.line == 10),
        "{flow:?}"
    );
    let canonical_root = root.canonicalize().unwrap();
    for image in &found.images {
        assert!(image.path.starts_with(&canonical_root), "{image:?}");
    }
    let all = messages(&found.warnings);
    assert!(
        all.iter().any(|m| m
            .starts_with("index.md:11: picture path \"../secret.png\" leaves the notes folder")),
        "{all:?}"
    );
    assert!(
        all.iter()
            .any(|m| m.starts_with("index.md:11: picture path \"/etc/hosts.png\" is absolute")),
        "{all:?}"
    );
    #[cfg(unix)]
    assert!(
        all.iter().any(|m| m
            .starts_with("index.md:12: picture \"images/escape.png\" is a link to a file outside")),
        "{all:?}"
    );
    assert!(
        !found
            .images
            .iter()
            .any(|i| i.target.contains("secret") || i.target.contains("escape"))
    );
}

#[test]
fn missing_pictures_are_listed_with_file_and_line() {
    let dir = fixture();
    let compiled = cloudatlas::compile(&dir.path().join("vault")).unwrap();
    let all = messages(&compiled.warnings);
    assert!(
        all.contains(
            &"index.md:13: missing picture: Lambda @ Edge - [REFER SCREENSHOT]".to_owned()
        ),
        "{all:?}"
    );
    assert!(
        all.contains(
            &"networking/VPC.md:11: missing picture: Public and private (ref. attached image)"
                .to_owned()
        ),
        "{all:?}"
    );
    // Every Markdown note is a node of the graph.
    for file in ["index.md", "networking/VPC.md", "archive/old/deep/vpc.md"] {
        let entity = compiled
            .graph
            .entity(&format!("note:{file}"))
            .unwrap_or_else(|| panic!("note:{file}"));
        assert_eq!(entity.kind, EntityKind::Note);
    }
}

#[test]
fn wikilinks_tags_and_embeds_resolve_like_obsidian() {
    let dir = fixture();
    let compiled = cloudatlas::compile(&dir.path().join("vault")).unwrap();
    let g = &compiled.graph;
    let index = g.node("note:index.md").unwrap();
    let vpc = g.node("note:networking/VPC.md").unwrap();
    let old = g.node("note:archive/old/deep/vpc.md").unwrap();
    // [[VPC]], [[vpc#Subnets|…]] and the alias all go to the shortest path.
    let edge = g.graph.find_edge(index, vpc).expect("index -> VPC");
    assert_eq!(g.graph[edge].kind, RelationKind::LinksTo);
    let lines: Vec<u32> = g.graph[edge].evidence.iter().map(|e| e.line).collect();
    // Evidence is one per line; the weight counts every link.
    assert_eq!(lines, [7, 8]);
    assert_eq!(g.graph[edge].weight, 3.0);
    assert!(g.graph.find_edge(index, old).is_none());
    assert!(g.graph.find_edge(old, index).is_some(), "back link");
    let all = messages(&compiled.warnings);
    assert!(
        all.iter()
            .any(|m| m.starts_with("index.md:8: unresolved link [[nowhere else]]")),
        "{all:?}"
    );
    assert!(
        !all.iter()
            .any(|m| m.contains("[[VPC]]") || m.contains("Subnets"))
    );
    // Tags from the body and the front matter, nested tags with their parent.
    let exam = g.node("tag:exam").unwrap();
    assert!(g.graph.find_edge(index, exam).is_some());
    assert!(g.node("tag:review").is_some());
    let nested = g.node("tag:aws/networking").unwrap();
    let parent = g.node("tag:aws").unwrap();
    assert_eq!(
        g.graph[g.graph.find_edge(vpc, nested).unwrap()].kind,
        RelationKind::TaggedWith
    );
    assert_eq!(
        g.graph[g.graph.find_edge(nested, parent).unwrap()].kind,
        RelationKind::PartOf
    );
    // The embed ![[diagram.png]] found by file name in another folder.
    let root = dir.path().join("vault");
    let found = vault::analyse(&compiled.notes, &Folder::new(Some(&root)));
    assert!(
        found
            .images_of("index.md")
            .any(|i| i.target == "diagram.png" && i.path.ends_with("assets/diagram.png"))
    );
}
