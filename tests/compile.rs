//! The whole compile pipeline on fixtures we write.

use crate::util::Dir;

#[test]
fn compiles_a_folder_and_skips_other_files() {
    let dir = Dir::new();
    dir.create("a.txt", "AWS CodeBuild\n\n - builds code\n");
    dir.create("sub/b.md", "# S3\n\nBuckets.\n");
    dir.create("image.png", [0u8, 1, 2]);
    let compiled = cloudatlas::compile(dir.path()).unwrap();
    assert_eq!(compiled.notes.notes.len(), 2);
    assert_eq!(compiled.notes.skipped_files, 1);
    let files: Vec<&str> = compiled
        .notes
        .notes
        .iter()
        .map(|n| n.file.as_str())
        .collect();
    assert_eq!(files, ["a.txt", "sub/b.md"]);
}

#[test]
fn builtin_notes_compile() {
    let compiled = cloudatlas::compile_builtin();
    assert!(!compiled.notes.notes.is_empty());
    assert!(!compiled.sections.is_empty());
}
