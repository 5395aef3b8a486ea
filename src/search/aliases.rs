//! AWS-aware query expansion: the catalog's names, aliases and abbreviations, looked up by the
//! words of a query, give every other way the notes may write the same service or concept.

use std::collections::HashMap;

use crate::catalog::Catalog;

use super::query::split_words;

/// Longest name, in words, that is looked up.
const MAX_NAME_WORDS: usize = 5;

/// One catalog entry as the search sees it.
#[derive(Clone, Debug)]
pub struct AliasEntry {
    pub id: String,
    /// Every name of the entry (canonical name without `AWS`/`Amazon`, aliases, abbreviations),
    /// each as lowercase words, deduplicated.
    pub names: Vec<Vec<String>>,
}

/// Looks up catalog entries by the words of a query.
#[derive(Clone, Debug, Default)]
pub struct AliasTable {
    pub entries: Vec<AliasEntry>,
    /// Lowercase words of a name or alias → entries.
    by_words: HashMap<Vec<String>, Vec<usize>>,
    /// Id, canonical name, alias or abbreviation (lowercase, as one string) → entries; for
    /// `in:`.
    by_name: HashMap<String, Vec<usize>>,
}

/// A run of query words that names catalog entries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AliasMatch {
    /// Index of the first word and number of words, in the list that was matched.
    pub start: usize,
    pub len: usize,
    /// Indexes into [`AliasTable::entries`].
    pub entries: Vec<usize>,
}

fn lower_words(text: &str) -> Vec<String> {
    split_words(text)
        .into_iter()
        .map(str::to_lowercase)
        .collect()
}

impl AliasTable {
    /// The table of a catalog.
    pub fn new(catalog: &Catalog) -> Self {
        let mut table = AliasTable::default();
        for entry in &catalog.entries {
            let index = table.entries.len();
            let mut names: Vec<Vec<String>> = Vec::new();
            let mut push = |words: Vec<String>| {
                if !words.is_empty() && !names.contains(&words) {
                    names.push(words);
                }
            };
            let full = lower_words(&entry.name);
            let short: Vec<String> = full
                .iter()
                .skip_while(|w| *w == "aws" || *w == "amazon")
                .cloned()
                .collect();
            push(short);
            push(full);
            for alias in &entry.aliases {
                push(lower_words(alias));
            }
            for abbreviation in &entry.abbreviations {
                push(lower_words(abbreviation));
            }
            for words in &names {
                if words.len() <= MAX_NAME_WORDS {
                    let list = table.by_words.entry(words.clone()).or_default();
                    if !list.contains(&index) {
                        list.push(index);
                    }
                }
                let joined = words.join(" ");
                let list = table.by_name.entry(joined).or_default();
                if !list.contains(&index) {
                    list.push(index);
                }
            }
            let list = table.by_name.entry(entry.id.to_lowercase()).or_default();
            if !list.contains(&index) {
                list.push(index);
            }
            table.entries.push(AliasEntry {
                id: entry.id.clone(),
                names,
            });
        }
        table
    }

    /// Finds names in a list of lowercase words, longest first, left to right, without overlap.
    /// Abbreviations are matched whatever their case: in a search box people type `ssm`.
    pub fn find(&self, words: &[&str]) -> Vec<AliasMatch> {
        let mut found = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let mut matched = None;
            for len in (1..=MAX_NAME_WORDS.min(words.len() - i)).rev() {
                let key: Vec<String> = words[i..i + len].iter().map(|w| (*w).to_owned()).collect();
                if let Some(entries) = self.by_words.get(&key) {
                    matched = Some(AliasMatch {
                        start: i,
                        len,
                        entries: entries.clone(),
                    });
                    break;
                }
            }
            match matched {
                Some(m) => {
                    i += m.len;
                    found.push(m);
                }
                None => i += 1,
            }
        }
        found
    }

    /// The entry ids a name written in an `in:` filter stands for (id, name, alias or
    /// abbreviation, any case), sorted.
    pub fn resolve(&self, name: &str) -> Vec<String> {
        let key = lower_words(name).join(" ");
        let mut ids: Vec<String> = self
            .by_name
            .get(&key)
            .or_else(|| self.by_name.get(&name.to_lowercase()))
            .map(|list| list.iter().map(|&i| self.entries[i].id.clone()).collect())
            .unwrap_or_default();
        ids.sort();
        ids.dedup();
        ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Entry, EntryKind};

    pub(crate) fn entry(id: &str, name: &str, aliases: &[&str], abbreviations: &[&str]) -> Entry {
        Entry {
            id: id.to_owned(),
            kind: EntryKind::Service,
            name: name.to_owned(),
            aliases: aliases.iter().map(|s| (*s).to_owned()).collect(),
            abbreviations: abbreviations.iter().map(|s| (*s).to_owned()).collect(),
            category: "Compute".to_owned(),
            exams: Vec::new(),
            description: String::new(),
            relations: Vec::new(),
        }
    }

    #[test]
    fn finds_longest_names_and_abbreviations() {
        let catalog = Catalog::new(vec![
            entry(
                "auto-scaling",
                "Amazon EC2 Auto Scaling",
                &["Auto Scaling", "AutoScaling"],
                &["ASG"],
            ),
            entry(
                "systems-manager",
                "AWS Systems Manager",
                &["Simple Systems Manager"],
                &["SSM"],
            ),
        ]);
        let table = AliasTable::new(&catalog);
        let found = table.find(&["asg", "lifecycle", "simple", "systems", "manager"]);
        assert_eq!(found.len(), 2);
        assert_eq!((found[0].start, found[0].len), (0, 1));
        assert_eq!((found[1].start, found[1].len), (2, 3));
        let ssm = &table.entries[found[1].entries[0]];
        assert_eq!(ssm.id, "systems-manager");
        assert!(ssm.names.contains(&vec!["ssm".to_owned()]));
        assert_eq!(table.resolve("SSM"), ["systems-manager"]);
        assert_eq!(table.resolve("auto-scaling"), ["auto-scaling"]);
        assert!(table.resolve("nothing").is_empty());
    }
}
