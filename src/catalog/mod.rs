//! The AWS catalog: services, concepts and tools with their aliases, categories, exams and known
//! relations. Written by us in `data/catalog.ron`, validated by `build.rs` (with [`validate`]) and
//! embedded in the binary, so the app needs no files around it.
//!
//! Owns: loading and indexing the catalog and answering "which entry is this name?". Leaves
//! finding names in text to `extract`.

mod schema;
pub mod validate;

pub use self::schema::{
    CATEGORIES, CatalogFile, CatalogRelation, Entry, EntryKind, Exam, RelationKind,
};

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

/// The catalog text, embedded at build time.
pub const CATALOG_RON: &str = include_str!("../../data/catalog.ron");

/// Why a catalog text could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// The text failed validation; each line is `data/catalog.ron:LINE: message`.
    #[error("invalid catalog:\n{}", .0.join("\n"))]
    Invalid(Vec<String>),
}

/// How a name matches text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NameMatch {
    /// Canonical name or alias: matched ignoring case.
    CaseInsensitive,
    /// Abbreviation: matched only with exactly this case.
    ExactCase,
}

/// One name of an entry, as the extractor should look for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EntryName<'a> {
    pub text: &'a str,
    pub matching: NameMatch,
}

/// Entries whose name without its `AWS `/`Amazon ` prefix is an ordinary word or phrase (`AWS
/// Config` → `Config`, `AWS Managed Services` → `Managed Services`): a matcher must not look for the
/// bare rest of their name. Every other prefixed entry lists its bare name as an alias already
/// (`AWS CodeBuild` → `CodeBuild`), so a matcher never needs to strip prefixes itself. Where the
/// capitalised word is still a safe signal it is an exact-case abbreviation (`Glue`, `Shield`).
pub const GENERIC_NAMES: &[&str] = &[
    "activate",
    "ami",
    "amplify",
    "artifact",
    "aws-cli",
    "aws-config",
    "aws-toolkit",
    "backup",
    "batch",
    "bedrock",
    "budgets",
    "chatbot",
    "chime",
    "comprehend",
    "connect",
    "copilot",
    "data-pipeline",
    "detective",
    "forecast",
    "glue",
    "inspector",
    "iq",
    "keyspaces",
    "lex",
    "managed-services",
    "marketplace",
    "mq",
    "neptune",
    "organizations",
    "personalize",
    "pinpoint",
    "professional-services",
    "proton",
    "sdk",
    "shield",
    "signer",
    "support",
    "transcribe",
    "translate",
    "wavelength",
    "workspaces",
];

impl Entry {
    /// Whether this entry is in [`GENERIC_NAMES`].
    pub fn has_generic_name(&self) -> bool {
        GENERIC_NAMES.contains(&self.id.as_str())
    }

    /// Every name of the entry: the canonical name, then aliases, then abbreviations.
    pub fn all_names(&self) -> Vec<EntryName<'_>> {
        let folded = std::iter::once(&self.name)
            .chain(&self.aliases)
            .map(|text| EntryName {
                text,
                matching: NameMatch::CaseInsensitive,
            });
        let exact = self.abbreviations.iter().map(|text| EntryName {
            text,
            matching: NameMatch::ExactCase,
        });
        folded.chain(exact).collect()
    }

    /// Whether an exam guide lists this entry.
    pub fn in_exam(&self, exam: Exam) -> bool {
        self.exams.contains(&exam)
    }
}

/// The loaded catalog with indexes by id and by name.
#[derive(Debug)]
pub struct Catalog {
    pub entries: Vec<Entry>,
    by_id: HashMap<String, usize>,
    /// Lowercased name or alias → entry index.
    by_folded_name: HashMap<String, usize>,
    /// Abbreviation (exact case) → entry index.
    by_abbreviation: HashMap<String, usize>,
}

impl Catalog {
    /// The built-in catalog, parsed once. `build.rs` has validated this exact text, so it cannot
    /// fail unless the binary is corrupt; if it ever did, the error is logged and the catalog is
    /// empty (compiles then find only topics, and the catalog tests fail loudly).
    pub fn builtin() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| {
            // Validated at build time, so only parse it here (validation would parse it twice).
            match ron::from_str::<CatalogFile>(CATALOG_RON) {
                Ok(file) => Catalog::new(file.entries),
                Err(err) => {
                    log::error!("built-in catalog: {err}");
                    Catalog::new(Vec::new())
                }
            }
        })
    }

    /// Parses and validates a catalog text (same rules as `build.rs`).
    pub fn from_ron(text: &str) -> Result<Catalog, CatalogError> {
        let errors = validate::validate(text);
        if !errors.is_empty() {
            return Err(CatalogError::Invalid(errors));
        }
        let file: CatalogFile = ron::from_str(text).map_err(|err| {
            CatalogError::Invalid(vec![format!(
                "{}:{}:{}: {}",
                validate::CATALOG_PATH,
                err.span.start.line,
                err.span.start.col,
                err.code
            )])
        })?;
        Ok(Catalog::new(file.entries))
    }

    /// A catalog from entries (tests use small ones). The first entry wins when names collide.
    pub fn new(entries: Vec<Entry>) -> Self {
        let mut by_id = HashMap::new();
        let mut by_folded_name = HashMap::new();
        let mut by_abbreviation = HashMap::new();
        for (i, entry) in entries.iter().enumerate() {
            by_id.entry(entry.id.clone()).or_insert(i);
            for name in entry.all_names() {
                match name.matching {
                    NameMatch::CaseInsensitive => {
                        by_folded_name.entry(name.text.to_lowercase()).or_insert(i);
                    }
                    NameMatch::ExactCase => {
                        by_abbreviation.entry(name.text.to_string()).or_insert(i);
                    }
                }
            }
        }
        Self {
            entries,
            by_id,
            by_folded_name,
            by_abbreviation,
        }
    }

    /// The entry with this id.
    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.by_id.get(id).and_then(|&i| self.entries.get(i))
    }

    /// The entry a piece of text names: an abbreviation with exactly this case, else a name or
    /// alias ignoring case (`EB`, `beanstalk` and `Elastic Beanstalk` all give Elastic Beanstalk;
    /// `eb` alone gives nothing).
    pub fn resolve(&self, text: &str) -> Option<&Entry> {
        let text = text.trim();
        self.by_abbreviation
            .get(text)
            .or_else(|| self.by_folded_name.get(&text.to_lowercase()))
            .and_then(|&i| self.entries.get(i))
    }

    /// Entries an exam guide lists, sorted by id.
    pub fn by_exam(&self, exam: Exam) -> Vec<&Entry> {
        self.sorted(|e| e.in_exam(exam))
    }

    /// Entries of one kind, sorted by id.
    pub fn by_kind(&self, kind: EntryKind) -> Vec<&Entry> {
        self.sorted(|e| e.kind == kind)
    }

    /// Entries of one category, sorted by id.
    pub fn by_category(&self, category: &str) -> Vec<&Entry> {
        self.sorted(|e| e.category == category)
    }

    /// How many entries each (kind, category) has, for reports and the legend.
    pub fn counts(&self) -> BTreeMap<(EntryKind, &str), usize> {
        let mut counts = BTreeMap::new();
        for entry in &self.entries {
            *counts
                .entry((entry.kind, entry.category.as_str()))
                .or_insert(0) += 1;
        }
        counts
    }

    fn sorted(&self, keep: impl Fn(&Entry) -> bool) -> Vec<&Entry> {
        let mut out: Vec<&Entry> = self.entries.iter().filter(|e| keep(e)).collect();
        out.sort_by(|a, b| a.id.cmp(&b.id));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin() -> &'static Catalog {
        let catalog = Catalog::builtin();
        assert!(
            !catalog.entries.is_empty(),
            "built-in catalog failed to load"
        );
        catalog
    }

    #[test]
    fn builtin_catalog_is_valid_and_large() {
        assert_eq!(validate::validate(CATALOG_RON), Vec::<String>::new());
        let catalog = builtin();
        let services = catalog.by_kind(EntryKind::Service).len();
        assert!(services >= 200, "only {services} services");
        assert!(catalog.by_kind(EntryKind::Concept).len() >= 150);
        assert!(catalog.by_kind(EntryKind::Tool).len() >= 30);
    }

    #[test]
    fn every_exam_lists_many_services() {
        let catalog = builtin();
        for exam in Exam::ALL {
            let services = catalog
                .by_exam(exam)
                .into_iter()
                .filter(|e| e.kind == EntryKind::Service)
                .count();
            assert!(
                services >= 40,
                "{} lists only {services} services",
                exam.name()
            );
        }
        let dop: Vec<&str> = catalog
            .by_exam(Exam::DOP)
            .iter()
            .map(|e| e.id.as_str())
            .collect();
        for id in [
            "codepipeline",
            "codedeploy",
            "cloudformation",
            "systems-manager",
            "opsworks",
        ] {
            assert!(dop.contains(&id), "DOP should list {id}");
        }
        let mut sorted = dop.clone();
        sorted.sort_unstable();
        assert_eq!(dop, sorted, "by_exam returns entries sorted by id");
    }

    #[test]
    fn ids_are_slugs_and_categories_known() {
        for entry in &builtin().entries {
            assert!(
                entry
                    .id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}",
                entry.id
            );
            assert!(
                CATEGORIES.contains(&entry.category.as_str()),
                "{}",
                entry.id
            );
        }
    }

    #[test]
    fn common_names_resolve_to_the_right_entry() {
        let catalog = builtin();
        let cases = [
            ("EB", "elastic-beanstalk"),
            ("beanstalk", "elastic-beanstalk"),
            ("ElasticBeanstalk", "elastic-beanstalk"),
            ("ASG", "auto-scaling"),
            ("autoscaling group", "auto-scaling"),
            ("SSM", "systems-manager"),
            ("Simple Systems Manager", "systems-manager"),
            ("CFN", "cloudformation"),
            ("Route53", "route53"),
            ("route 53", "route53"),
            ("s3", "s3"),
            ("Kinesis Data Streams", "kinesis-data-streams"),
            ("KDS", "kinesis-data-streams"),
            ("Kinesis Firehose", "kinesis-firehose"),
            ("CloudWatch Logs", "cloudwatch-logs"),
            ("Secrets Manager", "secrets-manager"),
            ("SG", "security-groups"),
            ("blue/green", "blue-green"),
            ("buildspec.yml", "buildspec"),
            ("AWS Config", "aws-config"),
            ("eb create", "eb-cli"),
            ("Jenkins", "jenkins"),
        ];
        for (text, id) in cases {
            assert_eq!(
                catalog.resolve(text).map(|e| e.id.as_str()),
                Some(id),
                "{text}"
            );
        }
    }

    #[test]
    fn every_name_resolves_to_its_own_entry() {
        let catalog = builtin();
        for entry in &catalog.entries {
            for name in entry.all_names() {
                let found = catalog.resolve(name.text).map(|e| e.id.as_str());
                assert_eq!(found, Some(entry.id.as_str()), "`{}`", name.text);
                if name.matching == NameMatch::CaseInsensitive {
                    let upper = name.text.to_uppercase();
                    let found = catalog.resolve(&upper).map(|e| e.id.as_str());
                    assert_eq!(found, Some(entry.id.as_str()), "`{upper}`");
                }
            }
        }
    }

    #[test]
    fn bare_names_are_aliases_except_generic_ones() {
        let catalog = builtin();
        for id in GENERIC_NAMES {
            assert!(
                catalog.get(id).is_some(),
                "GENERIC_NAMES lists unknown `{id}`"
            );
        }
        for entry in &catalog.entries {
            let Some(rest) = ["AWS ", "Amazon "]
                .iter()
                .find_map(|p| entry.name.strip_prefix(p))
            else {
                continue;
            };
            let bare = rest.split(" (").next().unwrap_or(rest).to_lowercase();
            let listed = entry.aliases.iter().any(|a| a.to_lowercase() == bare);
            assert_eq!(
                listed,
                !entry.has_generic_name(),
                "`{}`: bare name `{bare}` listed as alias: {listed}",
                entry.id
            );
        }
    }

    #[test]
    fn generic_words_and_wrong_case_abbreviations_do_not_resolve() {
        let catalog = builtin();
        for text in [
            "config", "Config", "batch", "backup", "connect", "eb", "cfn", "sg", "go",
        ] {
            assert!(
                catalog.resolve(text).is_none(),
                "`{text}` should not resolve"
            );
        }
    }

    #[test]
    fn all_names_lists_name_aliases_and_abbreviations() {
        let catalog = builtin();
        let eb = catalog.get("elastic-beanstalk").map(Entry::all_names);
        let names = eb.unwrap_or_default();
        assert_eq!(names.first().map(|n| n.text), Some("AWS Elastic Beanstalk"));
        assert!(names.contains(&EntryName {
            text: "EB",
            matching: NameMatch::ExactCase
        }));
        assert!(names.contains(&EntryName {
            text: "Beanstalk",
            matching: NameMatch::CaseInsensitive
        }));
    }

    #[test]
    fn catalog_relations_are_sparse() {
        let catalog = builtin();
        let edges: usize = catalog.entries.iter().map(|e| e.relations.len()).sum();
        let mean = 2.0 * edges as f64 / catalog.entries.len() as f64;
        assert!(mean <= 4.0, "mean catalog degree {mean:.2}");
        let pipeline = catalog.get("codepipeline").map(|e| e.relations.clone());
        assert!(pipeline.unwrap_or_default().contains(&CatalogRelation {
            kind: RelationKind::Orchestrates,
            target: "codebuild".into()
        }));
    }

    #[test]
    fn from_ron_reports_invalid_text() {
        let err = Catalog::from_ron("CatalogFile(entries: [").err();
        assert!(
            matches!(err, Some(CatalogError::Invalid(ref lines)) if lines[0].starts_with("data/catalog.ron:"))
        );
    }

    #[test]
    fn counts_cover_every_entry() {
        let catalog = builtin();
        let total: usize = catalog.counts().values().sum();
        assert_eq!(total, catalog.entries.len());
        assert!(!catalog.by_category("CI/CD").is_empty());
    }
}
