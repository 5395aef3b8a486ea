//! Hostile input, each case with our own fixtures: search queries nobody would type, broken graph
//! and positions JSON for `cloudatlas layout`, and links in notes that try to reach outside the
//! notes folder or run something. See RELIABILITY.md.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use cloudatlas::search::{SearchError, SearchIndex};
use cloudatlas::vault::{Folder, LinkError, LinkTarget, link_target};

use crate::fuzz::checks::check_hits;
use crate::util::Dir;

// ---------------------------------------------------------------------------------------------
// Search queries

/// The built-in notes, indexed once for every query test.
fn index() -> &'static SearchIndex {
    static INDEX: OnceLock<SearchIndex> = OnceLock::new();
    INDEX.get_or_init(|| SearchIndex::build(&cloudatlas::compile_builtin()).unwrap())
}

/// Runs `query`: hits that pass `check_hits`, or a query error with a message; never a panic or
/// an index error. Returns the number of hits.
fn run_query(query: &str) -> usize {
    match index().search(query, 10) {
        Ok(hits) => {
            check_hits(&hits, 10).unwrap_or_else(|p| panic!("{:?}: {p}", short(query)));
            hits.len()
        }
        Err(SearchError::Query(message)) => {
            assert!(!message.is_empty());
            0
        }
        Err(e) => panic!("{:?}: {e}", short(query)),
    }
}

fn short(q: &str) -> String {
    q.chars().take(60).collect()
}

/// The text of every built-in note file (data/notes), whole, as queries.
fn note_texts() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/notes");
    let mut texts = Vec::new();
    for dir in [root.clone(), root.join("topics")] {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file())
            .collect();
        entries.sort();
        for path in entries {
            texts.push(std::fs::read_to_string(path).unwrap());
        }
    }
    assert!(texts.len() >= 2);
    texts
}

#[test]
fn a_whole_notes_file_pasted_as_a_query() {
    for text in note_texts() {
        assert!(text.len() > 1_000);
        // The words of the first kilobyte are the query: they come from the notes, so some
        // section holds them.
        assert!(run_query(&text) > 0, "{}", short(&text));
        // Every line break turned into a space, and as one quoted phrase.
        run_query(&text.replace('\n', " "));
        run_query(&format!("\"{text}\""));
        run_query(&format!("-\"{text}\""));
    }
}

#[test]
fn unbalanced_quotes() {
    for q in [
        "\"blue green",
        "blue green\"",
        "\"a\" \"b",
        "\"\"\"",
        "\"\"\"\"\"",
        "\"\\\"",
        "-\"rolling",
        "in:\"s3",
        "\"deploy\" \"",
        "'single quoted",
        "“curly quotes”",
        "«guillemets",
    ] {
        run_query(q);
    }
    assert!(
        run_query("\"rolling update") > 0,
        "an open quote closes at the end"
    );
}

#[test]
fn only_operators() {
    let ops = [
        "AND", "OR", "NOT", "(", ")", "\"", "*", "~", "^", ":", "+", "-",
    ];
    for op in ops {
        run_query(op);
        run_query(&format!("{op}{op}{op}"));
        run_query(&vec![op; 1_000].join(" "));
        run_query(&format!("deploy {op} lambda"));
    }
    run_query(&ops.join(" "));
    run_query(&ops.concat());
    run_query("+-+-~^*:()\"\"()::");
    run_query("NOT NOT NOT");
    run_query("title:x body:y in: kind: in:in:in kind:kind:");
    run_query("deploy^100 lambda~2 s3* \"x\"~5 (a OR b) AND NOT c");
    // Boolean words are words here, not operators: a query of them finds nothing special.
    assert_eq!(run_query("AND OR NOT"), run_query("and or not"));
}

#[test]
fn control_characters() {
    let all: String = (0u32..0x20)
        .chain([0x7f, 0x85, 0x200b, 0x200e, 0x202e, 0xfeff, 0xfffd])
        .filter_map(char::from_u32)
        .collect();
    run_query(&all);
    run_query(&all.repeat(100));
    for c in all.chars() {
        run_query(&format!("code{c}deploy"));
        run_query(&format!("{c}lambda{c}"));
    }
    assert!(
        run_query("\u{0}codedeploy\u{7}") > 0,
        "the word is still found"
    );
    run_query("\r\n\t\u{b}\u{c}");
}

#[test]
fn ten_thousand_terms() {
    let distinct: Vec<String> = (0..10_000).map(|i| format!("w{i}")).collect();
    run_query(&distinct.join(" "));
    run_query(&"deploy ".repeat(10_000));
    run_query(&"lambda".repeat(10_000));
    run_query(&(0..10_000).map(|i| format!("\"w{i}\"")).collect::<String>());
    run_query(&(0..10_000).map(|i| format!("-w{i} ")).collect::<String>());
    run_query(&(0..10_000).map(|i| format!("in:s{i} ")).collect::<String>());
    run_query(&format!("\"{}\"", distinct.join(" ")));
    run_query(&"a_b_c_d_e_".repeat(2_000));
    run_query(&"codedeploy~ ".repeat(10_000));
    assert!(run_query(&format!("codedeploy {}", "x ".repeat(10_000))) > 0);
}

// ---------------------------------------------------------------------------------------------
// Layout input

fn layout(
    dir: &Dir,
    graph: &str,
    extra: &[&str],
) -> (bool, String, Option<HashMap<String, [f64; 2]>>) {
    let graph = dir.create("graph.json", graph);
    let out = dir.path().join("positions.json");
    let _ = std::fs::remove_file(&out);
    let run = Command::new(env!("CARGO_BIN_EXE_cloudatlas"))
        .arg("layout")
        .arg(&graph)
        .args(["--ticks", "60", "--out"])
        .arg(&out)
        .args(extra)
        .env("RUST_LOG", "off")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    let positions = std::fs::read_to_string(&out)
        .ok()
        .map(|t| serde_json::from_str(&t).unwrap_or_else(|e| panic!("{e}: {t}")));
    (run.status.success(), stderr, positions)
}

/// The run failed with a message naming the file and saying `what`.
fn refused(dir: &Dir, graph: &str, extra: &[&str], what: &str) {
    let (ok, stderr, _) = layout(dir, graph, extra);
    assert!(!ok, "{graph} was accepted");
    assert!(
        stderr.contains(what),
        "{graph}: wanted {what:?} in {stderr}"
    );
}

/// The run succeeded with a finite position for every one of `nodes` nodes.
fn finite_layout(dir: &Dir, graph: &str, extra: &[&str], nodes: usize) {
    let (ok, stderr, positions) = layout(dir, graph, extra);
    assert!(ok, "{}: {stderr}", short(graph));
    let positions = positions.unwrap();
    assert_eq!(positions.len(), nodes);
    assert!(
        positions.values().flatten().all(|v| v.is_finite()),
        "{positions:?}"
    );
}

#[test]
fn layout_refuses_broken_graphs_naming_what_is_wrong() {
    let dir = Dir::new();
    let cases = [
        (r#"{"links":[]}"#, "missing field `nodes`"),
        (r#"{"nodes":[{"x":1,"y":2}]}"#, "missing field `id`"),
        (
            r#"{"nodes":[{"id":"a"}],"links":[{"target":"a"}]}"#,
            "missing field `source`",
        ),
        (r#"{"nodes":{"id":"a"}}"#, "invalid type"),
        (r#"{"nodes":[{"id":null}]}"#, "did not match any variant"),
        (
            r#"{"nodes":[{"id":"a"}],"links":[{"source":"a","target":"ghost"}]}"#,
            "unknown node id \"ghost\"",
        ),
        (
            r#"{"nodes":[{"id":1}],"links":[{"source":1,"target":2}]}"#,
            "unknown node id \"2\"",
        ),
        (
            r#"{"nodes":[{"id":"a","x":NaN,"y":0}]}"#,
            "not a node-link graph",
        ),
        (r#"{"nodes":[{"id":"a","x":"NaN","y":0}]}"#, "invalid type"),
        (r#"{"nodes":[{"id":"a","x":1e39,"y":0}]}"#, "out of range"),
        (
            r#"{"nodes":[{"id":"a","x":1e400,"y":0}]}"#,
            "not a node-link graph",
        ),
        (r#"{"nodes":[{"id":"a","x":-1e300,"y":5}]}"#, "out of range"),
        (
            r#"{"nodes":[{"id":"a"}],"links":[{"source":"a","target":"a","weight":-1}]}"#,
            "weight -1",
        ),
        (
            r#"{"nodes":[{"id":"a"}],"links":[{"source":"a","target":"a","weight":1e300}]}"#,
            "not a usable number",
        ),
        ("", "not a node-link graph"),
        ("\u{0}\u{1}binary", "not a node-link graph"),
        (r#"{"nodes":[{"id":"a"},{"id":"a"}]}"#, "duplicate id"),
    ];
    for (graph, what) in cases {
        refused(&dir, graph, &[], what);
        refused(&dir, graph, &[], "graph.json");
    }
}

#[test]
fn layout_positions_files_with_bad_values() {
    let dir = Dir::new();
    let graph = r#"{"nodes":[{"id":"a"},{"id":"b"}],"links":[{"source":"a","target":"b"}]}"#;
    let init = |text: &str| {
        let p = dir.create("init.json", text);
        p.to_str().unwrap().to_owned()
    };
    for (text, what) in [
        (r#"{"a":[1e39,0]}"#, "out of range"),
        (r#"{"a":[NaN,0]}"#, "expected {\"id\": [x, y], ...}"),
        (r#"{"a":[1]}"#, "expected {\"id\": [x, y], ...}"),
        (r#"{"a":"here"}"#, "expected {\"id\": [x, y], ...}"),
        ("[]", "expected {\"id\": [x, y], ...}"),
    ] {
        let path = init(text);
        refused(&dir, graph, &["--init", &path], what);
        refused(&dir, graph, &["--init", &path], "init.json");
    }
    // Unknown ids in a positions file place nothing; the rest is laid out.
    let path = init(r#"{"ghost":[1,2],"a":[0.5,0.5]}"#);
    finite_layout(&dir, graph, &["--init", &path], 2);
    // Huge but allowed start positions, all on one point, come back finite.
    let path = init(r#"{"a":[1e9,-1e9],"b":[1e9,-1e9]}"#);
    finite_layout(&dir, graph, &["--init", &path], 2);
}

#[test]
fn layout_of_odd_but_valid_graphs_is_finite() {
    let dir = Dir::new();
    finite_layout(&dir, r#"{"nodes":[]}"#, &[], 0);
    finite_layout(&dir, r#"{"nodes":[{"id":"solo"}]}"#, &[], 1);
    // Every node at the same huge coordinate.
    let same: Vec<String> = (0..50)
        .map(|i| format!(r#"{{"id":"n{i}","x":1e9,"y":1e9}}"#))
        .collect();
    finite_layout(
        &dir,
        &format!(r#"{{"nodes":[{}]}}"#, same.join(",")),
        &[],
        50,
    );
    // Opposite extremes.
    finite_layout(
        &dir,
        r#"{"nodes":[{"id":"a","x":-1e9,"y":-1e9},{"id":"b","x":1e9,"y":1e9},{"id":"c","x":0,"y":1e-40}],
            "links":[{"source":"a","target":"b","weight":0},{"source":"b","target":"c","weight":3e38}]}"#,
        &[],
        3,
    );
    // Cycles: a ring of 1,000, a 2-cycle in both directions, a triangle with parallel edges.
    let ring: Vec<String> = (0..1000)
        .map(|i| format!(r#"{{"source":{i},"target":{}}}"#, (i + 1) % 1000))
        .collect();
    let nodes: Vec<String> = (0..1000).map(|i| format!(r#"{{"id":{i}}}"#)).collect();
    finite_layout(
        &dir,
        &format!(
            r#"{{"nodes":[{}],"links":[{}]}}"#,
            nodes.join(","),
            ring.join(",")
        ),
        &[],
        1000,
    );
    finite_layout(
        &dir,
        r#"{"nodes":[{"id":"a"},{"id":"b"},{"id":"c"}],"links":[
            {"source":"a","target":"b"},{"source":"b","target":"a"},{"source":"b","target":"c"},
            {"source":"c","target":"a"},{"source":"c","target":"a"},{"source":"c","target":"a"}]}"#,
        &[],
        3,
    );
    // 100,000 self-loops on every node of a small graph.
    let mut loops = Vec::with_capacity(100_000);
    for i in 0..100_000 {
        loops.push(format!(
            r#"{{"source":"n{}","target":"n{}"}}"#,
            i % 10,
            i % 10
        ));
    }
    let nodes: Vec<String> = (0..10).map(|i| format!(r#"{{"id":"n{i}"}}"#)).collect();
    finite_layout(
        &dir,
        &format!(
            r#"{{"nodes":[{}],"links":[{}]}}"#,
            nodes.join(","),
            loops.join(",")
        ),
        &[],
        10,
    );
}

#[test]
fn layout_settings_out_of_range_are_refused_or_tamed() {
    let dir = Dir::new();
    let graph = r#"{"nodes":[{"id":"a"},{"id":"b"},{"id":"c"}],
                   "links":[{"source":"a","target":"b"},{"source":"b","target":"c"}]}"#;
    for extra in [
        &["--theta", "NaN"][..],
        &["--theta=-inf"],
        &["--link-length", "inf"],
        &["--link-length", "0"],
        &["--link-length=-5"],
        &[
            "--tuning",
            r#"{"gravity":1e308,"repulsion":-1e308,"velocity_decay":0}"#,
        ],
        &[
            "--tuning",
            r#"{"settle_ticks":0,"alpha_min":0,"cold_alpha":1e30}"#,
        ],
        &["--seed", "18446744073709551615"],
    ] {
        finite_layout(&dir, graph, extra, 3);
    }
    refused(&dir, graph, &["--tuning", "{\"gravity\":"], "--tuning");
}

// ---------------------------------------------------------------------------------------------
// Links, images and what notes can reach

#[test]
fn links_open_only_web_pages_and_files_inside_the_notes_folder() {
    let outside = Dir::new();
    outside.create("secret.md", "not yours");
    outside.create("secret.png", "x");
    let notes = Dir::new();
    notes.create("ec2.md", "# EC2\n");
    notes.create("sub/lambda.md", "# Lambda\n");
    notes.create("img/arch.png", "x");
    notes.create("docs/guide.pdf", "%PDF");
    notes.create("my notes/s3.md", "# S3\n");
    notes.create("run.sh", "#!/bin/sh\nrm -rf ~\n");
    notes.create("page.html", "<script>alert(1)</script>");
    notes.create("launch.desktop", "[Desktop Entry]\nExec=xterm\n");
    notes.create("drawing.svg", "<svg onload='alert(1)'/>");
    std::fs::create_dir_all(notes.path().join("folder.md")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        symlink(
            outside.path().join("secret.md"),
            notes.path().join("out.md"),
        )
        .unwrap();
        symlink(outside.path(), notes.path().join("outdir")).unwrap();
        symlink(notes.path().join("run.sh"), notes.path().join("script.md")).unwrap();
        symlink(notes.path().join("ec2.md"), notes.path().join("alias.md")).unwrap();
    }
    let root = notes.path().canonicalize().unwrap();
    let open = |note: &str, target: &str| link_target(Some(notes.path()), note, target);
    let file = |rel: &str| Ok(LinkTarget::File(root.join(rel)));

    // Allowed.
    assert_eq!(open("ec2.md", "sub/lambda.md"), file("sub/lambda.md"));
    assert_eq!(open("sub/lambda.md", "../ec2.md"), file("ec2.md"));
    assert_eq!(
        open("sub/lambda.md", "./../ec2.md#instances"),
        file("ec2.md")
    );
    assert_eq!(open("ec2.md", "my%20notes/s3.md"), file("my notes/s3.md"));
    assert_eq!(open("ec2.md", "<my notes/s3.md>"), file("my notes/s3.md"));
    assert_eq!(open("ec2.md", "img\\arch.png"), file("img/arch.png"));
    assert_eq!(
        open("ec2.md", "docs/guide.pdf?page=2"),
        file("docs/guide.pdf")
    );
    assert_eq!(
        open("ec2.md", "https://docs.aws.amazon.com/ec2/"),
        Ok(LinkTarget::Web(
            "https://docs.aws.amazon.com/ec2/".to_owned()
        ))
    );
    #[cfg(unix)]
    assert_eq!(
        open("ec2.md", "alias.md"),
        file("ec2.md"),
        "a symlink inside"
    );

    let refused = |note: &str, target: &str| match open(note, target) {
        Ok(t) => panic!("{target:?} from {note} opened {t:?}"),
        Err(e) => {
            assert!(
                e.to_string().contains(&format!("{:?}", target.trim())),
                "{e}"
            );
            e
        }
    };
    // Leaving the folder: `..`, percent-encoded `..`, Windows separators.
    for target in [
        "../secret.md",
        "sub/../../secret.md",
        "%2e%2e/secret.md",
        "%2E%2E%2Fsecret.md",
        "..%2fsecret.md",
        "..\\secret.md",
        "sub\\..\\..\\secret.md",
        "img/../../secret.png",
    ] {
        assert!(
            matches!(refused("ec2.md", target), LinkError::LeavesFolder(_)),
            "{target}"
        );
    }
    assert!(matches!(
        refused("sub/lambda.md", "../../secret.md"),
        LinkError::LeavesFolder(_)
    ));
    // Absolute paths, Unix and Windows, and the home folder.
    for target in [
        "/etc/passwd",
        "//evil.example/x.md",
        "C:\\Windows\\win.ini",
        "c:/Users/me/notes.md",
        "\\\\server\\share\\x.md",
        "~/secret.md",
        "%2Fetc%2Fpasswd.md",
        "%5C%5Cserver%5Cshare%5Cx.md",
    ] {
        assert!(
            matches!(refused("ec2.md", target), LinkError::Absolute(_)),
            "{target}"
        );
    }
    // Schemes other than http(s).
    for target in [
        "file:///etc/passwd",
        "file:secret.md",
        "javascript:alert(1)",
        "JAVASCRIPT:alert(document.cookie)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox",
        "mailto:me@example.com",
        "ssh://host",
    ] {
        assert!(
            matches!(refused("ec2.md", target), LinkError::Scheme(..)),
            "{target}"
        );
    }
    assert!(matches!(
        refused("ec2.md", "java\tscript:alert(1)"),
        LinkError::ControlCharacters(_)
    ));
    assert!(matches!(
        refused("ec2.md", "%00.md"),
        LinkError::ControlCharacters(_)
    ));
    // Files the desktop could run, or not files at all.
    for target in [
        "run.sh",
        "page.html",
        "launch.desktop",
        "drawing.svg",
        "folder.md",
        "img",
    ] {
        assert!(
            matches!(refused("ec2.md", target), LinkError::Kind(_)),
            "{target}"
        );
    }
    assert!(matches!(
        refused("ec2.md", "missing.md"),
        LinkError::NotFound(_)
    ));
    #[cfg(unix)]
    {
        assert!(matches!(
            refused("ec2.md", "out.md"),
            LinkError::SymlinkOut(_)
        ));
        assert!(matches!(
            refused("ec2.md", "outdir/secret.md"),
            LinkError::SymlinkOut(_)
        ));
        assert!(
            matches!(refused("ec2.md", "script.md"), LinkError::Kind(_)),
            "a note name that is a link to a script"
        );
    }
    // A single notes file: its folder is the notes folder.
    let single = notes.path().join("ec2.md");
    assert_eq!(
        link_target(Some(&single), "ec2.md", "sub/lambda.md"),
        Ok(LinkTarget::File(root.join("sub/lambda.md")))
    );
    // The built-in notes have no folder: web links only.
    assert!(matches!(
        link_target(None, "a.md", "ec2.md"),
        Err(LinkError::NoFolder(_))
    ));
}

#[test]
fn pictures_cannot_be_read_from_outside_the_notes_folder() {
    let outside = Dir::new();
    outside.create("secret.png", "x");
    let notes = Dir::new();
    notes.create("img/ok.png", "x");
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        outside.path().join("secret.png"),
        notes.path().join("img/out.png"),
    )
    .unwrap();
    let folder = Folder::new(Some(notes.path()));
    assert!(folder.resolve_path("a.md", "img/ok.png").is_ok());
    for target in [
        "../secret.png",
        "%2e%2e/secret.png",
        "..\\secret.png",
        "/etc/secret.png",
        "C:\\secret.png",
        "\\\\server\\share\\secret.png",
        "file:///etc/secret.png",
        "~/secret.png",
        "img/out.png",
    ] {
        // Pictures are percent-decoded when the note is scanned; decode the same way here.
        let decoded = target.replace("%2e", ".");
        let path = folder.resolve_path("a.md", &decoded);
        assert!(path.is_err(), "{target}: {path:?}");
        let path = folder.resolve_embed("a.md", &decoded);
        assert!(path.is_err(), "embed {target}: {path:?}");
    }
}

#[test]
fn remote_pictures_and_links_are_never_fetched() {
    let notes = Dir::new();
    notes.create(
        "web.md",
        "# Web\n![diagram](https://example.invalid/d.png) <img src=\"http://example.invalid/x.gif\">\n\
         [page](https://example.invalid/p)\n",
    );
    let compiled = cloudatlas::compile(notes.path()).unwrap();
    // Not resolved, not warned about: remote pictures are skipped, links are only listed.
    assert!(
        compiled
            .warnings
            .iter()
            .all(|w| !w.message.contains("example.invalid")),
        "{:?}",
        compiled.warnings
    );
    // Nothing in the build can fetch: no HTTP client crate is linked (the browser is only
    // launched for a clicked link, through egui's `open_url`).
    let lock =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock")).unwrap();
    for client in [
        "reqwest",
        "ureq",
        "hyper",
        "curl",
        "isahc",
        "attohttpc",
        "surf",
    ] {
        assert!(
            !lock.contains(&format!("name = \"{client}\"")),
            "{client} is in Cargo.lock"
        );
    }
}
