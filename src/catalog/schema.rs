//! The shape of `data/catalog.ron`. This file is also compiled into `build.rs` (with `#[path]`),
//! which validates the catalog, so it must not refer to anything else in the crate.

use serde::{Deserialize, Serialize};

/// The whole catalog.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CatalogFile {
    /// Services, concepts and tools.
    pub entries: Vec<Entry>,
}

/// What kind of thing an entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EntryKind {
    /// An AWS service (`Amazon S3`, `AWS CodeDeploy`).
    Service,
    /// Something a student must know that is not a service (`Blue/green deployment`, `RPO`).
    Concept,
    /// A tool or product that is not AWS (`Jenkins`, `Terraform`, `Docker`).
    Tool,
}

/// The certification exams whose guides list an entry (named by their exam codes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[allow(clippy::upper_case_acronyms)]
pub enum Exam {
    /// Cloud Practitioner (CLF-C02).
    CLF,
    /// Developer – Associate (DVA-C02).
    DVA,
    /// SysOps Administrator / CloudOps Engineer – Associate (SOA).
    SOA,
    /// Solutions Architect – Associate (SAA-C03).
    SAA,
    /// DevOps Engineer – Professional (DOP-C02).
    DOP,
}

impl Exam {
    pub const ALL: [Exam; 5] = [Exam::CLF, Exam::DVA, Exam::SOA, Exam::SAA, Exam::DOP];

    pub fn name(self) -> &'static str {
        match self {
            Exam::CLF => "Cloud Practitioner",
            Exam::DVA => "Developer – Associate",
            Exam::SOA => "SysOps Administrator – Associate",
            Exam::SAA => "Solutions Architect – Associate",
            Exam::DOP => "DevOps Engineer – Professional",
        }
    }
}

/// How two entities are related.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RelationKind {
    Integrates,
    Uses,
    PartOf,
    AlternativeTo,
    ComparedWith,
    Triggers,
    DeploysTo,
    StoresIn,
    ReplicatesTo,
    Monitors,
    Configures,
    TranslatesTo,
    Orchestrates,
    /// A `[[wikilink]]` from one note to another.
    LinksTo,
    /// A note or section tagged with a tag.
    TaggedWith,
    /// Related in a way none of the above says.
    Other,
}

impl RelationKind {
    /// The snake_case name used in JSON and the UI.
    pub fn as_str(self) -> &'static str {
        match self {
            RelationKind::Integrates => "integrates",
            RelationKind::Uses => "uses",
            RelationKind::PartOf => "part_of",
            RelationKind::AlternativeTo => "alternative_to",
            RelationKind::ComparedWith => "compared_with",
            RelationKind::Triggers => "triggers",
            RelationKind::DeploysTo => "deploys_to",
            RelationKind::StoresIn => "stores_in",
            RelationKind::ReplicatesTo => "replicates_to",
            RelationKind::Monitors => "monitors",
            RelationKind::Configures => "configures",
            RelationKind::TranslatesTo => "translates_to",
            RelationKind::Orchestrates => "orchestrates",
            RelationKind::LinksTo => "links_to",
            RelationKind::TaggedWith => "tagged_with",
            RelationKind::Other => "other",
        }
    }

    /// Whether `a kind b` means the same as `b kind a`.
    pub fn is_symmetric(self) -> bool {
        matches!(
            self,
            RelationKind::AlternativeTo | RelationKind::ComparedWith | RelationKind::Other
        )
    }
}

/// A relation the catalog knows, from the entry it is written in to `target`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogRelation {
    pub kind: RelationKind,
    /// The id of another entry.
    pub target: String,
}

/// One service, concept or tool.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Entry {
    /// Stable id, a lowercase slug (`elastic-beanstalk`, `auto-scaling`, `blue-green`).
    pub id: String,
    pub kind: EntryKind,
    /// Canonical name (`AWS Elastic Beanstalk`).
    pub name: String,
    /// Other names, matched case-insensitively on word boundaries (`Elastic Beanstalk`,
    /// `ElasticBeanstalk`, `beanstalk`, `Simple Systems Manager`).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Abbreviations, matched only with this exact case (`EB`, `ASG`, `SG`, `CFN`): `EB` is the
    /// service but `eb create` is not.
    #[serde(default)]
    pub abbreviations: Vec<String>,
    /// One of [`CATEGORIES`].
    pub category: String,
    /// Exam guides that list this entry.
    #[serde(default)]
    pub exams: Vec<Exam>,
    /// One line in our own words.
    pub description: String,
    /// Relations from this entry to others.
    #[serde(default)]
    pub relations: Vec<CatalogRelation>,
}

/// The categories an entry may have, in the order the legend shows them.
pub const CATEGORIES: &[&str] = &[
    "Compute",
    "Containers",
    "Serverless",
    "Storage",
    "Database",
    "Networking",
    "Content Delivery",
    "Security",
    "Identity",
    "Management",
    "Monitoring",
    "Developer Tools",
    "CI/CD",
    "Analytics",
    "Streaming",
    "Application Integration",
    "Machine Learning",
    "Migration",
    "Cost Management",
    "End User Computing",
    "IoT",
    "Media",
    "Business Applications",
    "Frontend and Mobile",
    "Deployment",
    "Resilience",
    "Architecture",
    "Tools",
    "Languages",
    "Other",
];
