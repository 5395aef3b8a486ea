//! Checks the text of `data/catalog.ron` and reports every problem as
//! `data/catalog.ron:LINE: message`. Used by `build.rs` (through `#[path]`, so this file may only
//! use its sibling `schema` module and the standard library) and by [`super::Catalog::from_ron`].
//!
//! Checked: the RON parses; ids are unique lowercase slugs; categories are known; descriptions
//! are present; aliases and abbreviations are not empty or padded; every name resolves to one
//! entry (names and aliases case-insensitively, abbreviations exactly, and an alias may not
//! equal another entry's abbreviation ignoring case, since it would match the same text);
//! services list at least one exam; relations point at known ids other than their own entry, are
//! not repeated, are at most [`MAX_RELATIONS`] per entry, and are not of the kinds only notes
//! produce (`links_to`, `tagged_with`).

use std::collections::{HashMap, HashSet};

use super::schema::{CATEGORIES, CatalogFile, Entry, EntryKind, RelationKind};

/// The path errors are reported against.
pub const CATALOG_PATH: &str = "data/catalog.ron";

/// Most relations one entry may declare: the catalog's edges join the map, which must stay
/// readable.
pub const MAX_RELATIONS: usize = 5;

/// Validates a catalog text. Returns the errors in file order (empty when the catalog is good).
pub fn validate(text: &str) -> Vec<String> {
    let file: CatalogFile = match ron::from_str(text) {
        Ok(file) => file,
        Err(err) => {
            return vec![format!(
                "{CATALOG_PATH}:{}:{}: {}",
                err.span.start.line, err.span.start.col, err.code
            )];
        }
    };
    validate_entries(&file.entries, &locate(text))
}

/// Where the parts of one entry are in the text (1-based lines).
#[derive(Debug, Default)]
struct EntryLines {
    /// The line of `id: "…"`.
    id: usize,
    /// The lines of the string values of each field, in order (`aliases` → one line per alias).
    fields: HashMap<String, Vec<usize>>,
}

impl EntryLines {
    /// Line of the `n`-th string of `field`, or the id line when not found.
    fn of(&self, field: &str, n: usize) -> usize {
        self.fields
            .get(field)
            .and_then(|lines| lines.get(n))
            .copied()
            .unwrap_or(self.id)
    }
}

/// A token of the RON text that matters for locating fields.
enum Token {
    /// An identifier followed by `:` (a field name).
    Field(String),
    /// A string literal (its content is not needed, only its position).
    Str,
}

/// Splits the text into field names and string literals with their lines, skipping comments.
fn tokens(text: &str) -> Vec<(Token, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'\n' => {
                line += 1;
                i += 1;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    if bytes[i] == b'\n' {
                        line += 1;
                    }
                    i += 1;
                }
                i += 2;
            }
            b'"' => {
                out.push((Token::Str, line));
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    if bytes.get(i) == Some(&b'\n') {
                        line += 1;
                    }
                    i += 1;
                }
                i += 1;
            }
            _ if b.is_ascii_alphabetic() || b == b'_' => {
                let start = i;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                let mut j = i;
                while j < bytes.len() && (bytes[j] == b' ' || bytes[j] == b'\t') {
                    j += 1;
                }
                if bytes.get(j) == Some(&b':') {
                    out.push((Token::Field(text[start..i].to_string()), line));
                }
            }
            _ => i += 1,
        }
    }
    out
}

/// The lines of every entry, in file order: a new entry starts at each `id:` field.
fn locate(text: &str) -> Vec<EntryLines> {
    let mut entries: Vec<EntryLines> = Vec::new();
    let mut field: Option<String> = None;
    for (token, line) in tokens(text) {
        match token {
            Token::Field(name) => {
                if name == "id" {
                    entries.push(EntryLines {
                        id: line,
                        fields: HashMap::new(),
                    });
                }
                field = Some(name);
            }
            Token::Str => {
                if let (Some(entry), Some(name)) = (entries.last_mut(), &field) {
                    entry.fields.entry(name.clone()).or_default().push(line);
                }
            }
        }
    }
    entries
}

fn is_slug(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && !id.ends_with('-')
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// One name of an entry and where it is.
struct NameAt<'a> {
    text: &'a str,
    /// `name`, `aliases` or `abbreviations`.
    field: &'static str,
    line: usize,
}

fn names_of<'a>(entry: &'a Entry, lines: &EntryLines) -> Vec<NameAt<'a>> {
    let mut names = vec![NameAt {
        text: &entry.name,
        field: "name",
        line: lines.of("name", 0),
    }];
    for (n, alias) in entry.aliases.iter().enumerate() {
        names.push(NameAt {
            text: alias,
            field: "aliases",
            line: lines.of("aliases", n),
        });
    }
    for (n, abbreviation) in entry.abbreviations.iter().enumerate() {
        names.push(NameAt {
            text: abbreviation,
            field: "abbreviations",
            line: lines.of("abbreviations", n),
        });
    }
    names
}

fn validate_entries(entries: &[Entry], located: &[EntryLines]) -> Vec<String> {
    let fallback = EntryLines::default();
    let mut errors: Vec<(usize, String)> = Vec::new();
    let ids: HashSet<&str> = entries.iter().map(|e| e.id.as_str()).collect();
    let mut seen_ids: HashMap<&str, usize> = HashMap::new();
    // Case-insensitive names (name + aliases) and exact abbreviations, to the entry that owns them.
    let mut folded: HashMap<String, &str> = HashMap::new();
    let mut exact: HashMap<&str, &str> = HashMap::new();
    for (index, entry) in entries.iter().enumerate() {
        let lines = located.get(index).unwrap_or(&fallback);
        let id = entry.id.as_str();
        if let Some(first) = seen_ids.get(id) {
            errors.push((
                lines.id,
                format!("duplicate id `{id}` (first defined on line {first})"),
            ));
            continue;
        }
        seen_ids.insert(id, lines.id);
        if !is_slug(id) {
            errors.push((
                lines.id,
                format!("id `{id}` must be a lowercase slug (a-z, 0-9, inner -)"),
            ));
        }
        if !CATEGORIES.contains(&entry.category.as_str()) {
            errors.push((
                lines.of("category", 0),
                format!("`{id}` has unknown category `{}`", entry.category),
            ));
        }
        if entry.description.trim().is_empty() {
            errors.push((
                lines.of("description", 0),
                format!("`{id}` has no description"),
            ));
        }
        if entry.kind == EntryKind::Service && entry.exams.is_empty() {
            errors.push((lines.id, format!("service `{id}` lists no exam guide")));
        }
        let names = names_of(entry, lines);
        for name in &names {
            if name.text.trim().is_empty() {
                errors.push((
                    name.line,
                    format!("`{id}` has an empty entry in {}", name.field),
                ));
            } else if name.text.trim() != name.text {
                errors.push((
                    name.line,
                    format!(
                        "`{id}`: `{}` in {} has leading or trailing spaces",
                        name.text, name.field
                    ),
                ));
            }
        }
        // Collisions with entries defined earlier.
        for name in names.iter().filter(|n| !n.text.trim().is_empty()) {
            let lower = name.text.to_lowercase();
            if name.field == "abbreviations" {
                if let Some(other) = exact.get(name.text).filter(|o| **o != id) {
                    errors.push((
                        name.line,
                        format!(
                            "abbreviation `{}` of `{id}` is also an abbreviation of `{other}`",
                            name.text
                        ),
                    ));
                } else if let Some(other) = folded.get(&lower).filter(|o| **o != id) {
                    errors.push((
                        name.line,
                        format!(
                            "abbreviation `{}` of `{id}` is also a name or alias of `{other}` \
                             (ignoring case), so that text would be ambiguous",
                            name.text
                        ),
                    ));
                }
            } else if let Some(other) = folded.get(&lower).filter(|o| **o != id) {
                errors.push((
                    name.line,
                    format!(
                        "{} `{}` of `{id}` is also a name or alias of `{other}`",
                        if name.field == "name" {
                            "name"
                        } else {
                            "alias"
                        },
                        name.text
                    ),
                ));
            } else if let Some(other) = exact
                .iter()
                .find(|(abbreviation, owner)| **owner != id && abbreviation.to_lowercase() == lower)
                .map(|(_, owner)| *owner)
            {
                errors.push((
                    name.line,
                    format!(
                        "alias `{}` of `{id}` equals an abbreviation of `{other}` ignoring case, \
                         so that text would be ambiguous",
                        name.text
                    ),
                ));
            }
        }
        for name in names.iter().filter(|n| !n.text.trim().is_empty()) {
            if name.field == "abbreviations" {
                exact.entry(name.text).or_insert(id);
            } else {
                folded.entry(name.text.to_lowercase()).or_insert(id);
            }
        }
        // Relations.
        if entry.relations.len() > MAX_RELATIONS {
            errors.push((
                lines.of("target", MAX_RELATIONS),
                format!(
                    "`{id}` has {} relations; keep at most {MAX_RELATIONS} so the map stays readable",
                    entry.relations.len()
                ),
            ));
        }
        let mut seen_relations = HashSet::new();
        for (n, relation) in entry.relations.iter().enumerate() {
            let line = lines.of("target", n);
            let target = relation.target.as_str();
            if matches!(
                relation.kind,
                RelationKind::LinksTo | RelationKind::TaggedWith
            ) {
                errors.push((
                    line,
                    format!(
                        "`{id}`: {} relations come from notes, not from the catalog",
                        relation.kind.as_str()
                    ),
                ));
            }
            if target == id {
                errors.push((line, format!("`{id}` relates to itself")));
            } else if !ids.contains(target) {
                errors.push((line, format!("`{id}` relates to unknown id `{target}`")));
            }
            if !seen_relations.insert((relation.kind, target)) {
                errors.push((
                    line,
                    format!(
                        "`{id}` repeats the relation {} `{target}`",
                        relation.kind.as_str()
                    ),
                ));
            }
        }
    }
    errors.sort_by_key(|(line, _)| *line);
    errors
        .into_iter()
        .map(|(line, message)| format!("{CATALOG_PATH}:{line}: {message}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A catalog of two good entries (lines 3–10 and 11–19); tests append or alter lines.
    const GOOD: &str = r#"// test catalog
CatalogFile(entries: [
    Entry(
        id: "s3",
        kind: Service,
        name: "Amazon S3",
        aliases: ["S3", "Simple Storage Service"],
        category: "Storage", exams: [CLF],
        description: "Object storage.",
    ),
    Entry(
        id: "cloudtrail",
        kind: Service,
        name: "AWS CloudTrail",
        abbreviations: ["CT"],
        category: "Monitoring", exams: [SOA],
        description: "API call history.",
        relations: [(kind: stores_in, target: "s3")],
    ),
"#;

    fn catalog(extra: &str) -> String {
        format!("{GOOD}{extra}])\n")
    }

    fn entry(id: &str, line_items: &str) -> String {
        format!(
            "    Entry(\n        id: \"{id}\",\n        kind: Concept,\n        name: \"Name of {id}\",\n{line_items}        category: \"Other\",\n        description: \"Something.\",\n    ),\n"
        )
    }

    #[test]
    fn good_catalog_has_no_errors() {
        assert_eq!(validate(&catalog("")), Vec::<String>::new());
    }

    #[test]
    fn reports_syntax_errors_with_line_and_column() {
        let errors = validate("CatalogFile(entries: [\n  Entry(id: 3)\n])");
        assert_eq!(errors.len(), 1);
        assert!(errors[0].starts_with("data/catalog.ron:2:"), "{errors:?}");
    }

    #[test]
    fn table_of_bad_catalogs_names_the_right_line() {
        // (what is wrong, extra entries appended after line 19, expected line, expected words)
        let cases: Vec<(&str, String, usize, &str)> = vec![
            ("duplicate id", entry("s3", ""), 21, "duplicate id `s3`"),
            (
                "colliding alias",
                entry(
                    "other",
                    "        aliases: [\"x\", \"simple storage service\"],\n",
                ),
                24,
                "also a name or alias of `s3`",
            ),
            (
                "unknown relation target",
                entry(
                    "other",
                    "        relations: [\n            (kind: uses, target: \"s3\"),\n            (kind: uses, target: \"nowhere\"),\n        ],\n",
                ),
                26,
                "unknown id `nowhere`",
            ),
            (
                "relation to self",
                entry(
                    "other",
                    "        relations: [(kind: uses, target: \"other\")],\n",
                ),
                24,
                "relates to itself",
            ),
            ("bad id", entry("Not_A_Slug", ""), 21, "lowercase slug"),
            (
                "empty alias",
                entry(
                    "other",
                    "        aliases: [\"fine\",\n            \"  \"],\n",
                ),
                25,
                "empty entry in aliases",
            ),
            (
                "alias equal to another entry's abbreviation",
                entry("other", "        aliases: [\"ct\"],\n"),
                24,
                "equals an abbreviation of `cloudtrail`",
            ),
            (
                "abbreviation equal to another entry's alias",
                entry("other", "        abbreviations: [\"S3\"],\n"),
                24,
                "abbreviation `S3` of `other` is also a name or alias of `s3`",
            ),
            (
                "relation kind that only notes produce",
                entry(
                    "other",
                    "        relations: [(kind: links_to, target: \"s3\")],\n",
                ),
                24,
                "come from notes",
            ),
            (
                "repeated abbreviation",
                entry("other", "        abbreviations: [\"CT\"],\n"),
                24,
                "also an abbreviation of `cloudtrail`",
            ),
        ];
        for (what, extra, line, words) in cases {
            let errors = validate(&catalog(&extra));
            assert_eq!(errors.len(), 1, "{what}: {errors:?}");
            assert!(
                errors[0].starts_with(&format!("data/catalog.ron:{line}: ")),
                "{what}: expected line {line}: {errors:?}"
            );
            assert!(errors[0].contains(words), "{what}: {errors:?}");
        }
    }

    #[test]
    fn unknown_category_points_at_the_category_line() {
        let text = catalog("").replace("\"Monitoring\"", "\"Monitors\"");
        let errors = validate(&text);
        assert_eq!(
            errors,
            vec!["data/catalog.ron:16: `cloudtrail` has unknown category `Monitors`".to_string()]
        );
    }

    #[test]
    fn service_without_exam_and_empty_description_are_errors() {
        let text = catalog("")
            .replace("exams: [SOA],", "")
            .replace("\"API call history.\"", "\" \"");
        let errors = validate(&text);
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].starts_with("data/catalog.ron:12: service `cloudtrail` lists no exam"));
        assert!(errors[1].starts_with("data/catalog.ron:17: `cloudtrail` has no description"));
    }

    #[test]
    fn same_entry_may_repeat_a_name_in_other_case_and_as_abbreviation() {
        let extra = entry(
            "other",
            "        aliases: [\"Name of other\", \"OTH\"],\n        abbreviations: [\"OTH\"],\n",
        );
        assert_eq!(validate(&catalog(&extra)), Vec::<String>::new());
    }

    #[test]
    fn too_many_and_repeated_relations_are_errors() {
        let many: String = (0..=MAX_RELATIONS)
            .map(|_| "            (kind: uses, target: \"s3\"),\n")
            .collect();
        let extra = entry(
            "other",
            &format!("        relations: [\n{many}        ],\n"),
        );
        let errors = validate(&catalog(&extra));
        assert!(
            errors.iter().any(|e| e.contains("keep at most")),
            "{errors:?}"
        );
        assert_eq!(
            errors
                .iter()
                .filter(|e| e.contains("repeats the relation uses `s3`"))
                .count(),
            MAX_RELATIONS
        );
    }

    #[test]
    fn comments_and_escaped_quotes_do_not_shift_lines() {
        let text = catalog("").replace(
            "// test catalog",
            "// a comment with id: \"s3\" in it\n/* block\n comment */",
        );
        let text = text.replace("\"Object storage.\"", "\"Object \\\"storage\\\".\"");
        let text = text.replace("target: \"s3\"", "target: \"s4\"");
        let errors = validate(&text);
        assert_eq!(
            errors,
            vec!["data/catalog.ron:20: `cloudtrail` relates to unknown id `s4`".to_string()]
        );
    }
}
