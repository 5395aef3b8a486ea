//! The cue words that name a relation in a sentence, with the direction they imply.
//!
//! A cue is matched case-insensitively where a word starts; a cue ending in `*` is a stem
//! (`integrat*` matches `integrates`, `integrating`, `integration`), any other cue must also end
//! on a word boundary.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::catalog::RelationKind;

/// How the entities around a cue take part in the relation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// `A cue B` → `A kind B` (`A integrates B`, `A is part of B`).
    Forward,
    /// `A cue B` → `B kind A` (`A consists of B` → `B part_of A`; `metrics from B` → `B monitors A`).
    Reverse,
    /// Either way (`A vs B`, `A instead of B`).
    Symmetric,
}

/// One cue of the lexicon.
#[derive(Clone, Copy, Debug)]
pub struct Cue {
    pub phrase: &'static str,
    pub kind: RelationKind,
    pub direction: Direction,
}

const fn cue(phrase: &'static str, kind: RelationKind, direction: Direction) -> Cue {
    Cue {
        phrase,
        kind,
        direction,
    }
}

use Direction::{Forward, Reverse, Symmetric};
use RelationKind as K;

/// The lexicon. Order does not matter: overlapping cues resolve to the longest.
pub const CUES: &[Cue] = &[
    // integrates
    cue("integrat*", K::Integrates, Forward),
    cue("works with", K::Integrates, Forward),
    cue("work with", K::Integrates, Forward),
    cue("connects to", K::Integrates, Forward),
    cue("connect to", K::Integrates, Forward),
    cue("plugin for", K::Integrates, Reverse),
    cue("plugin with", K::Integrates, Forward),
    cue("send metrics to", K::Integrates, Forward),
    cue("sends metrics to", K::Integrates, Forward),
    // orchestrates
    cue("orchestrat*", K::Orchestrates, Forward),
    // uses
    cue("uses", K::Uses, Forward),
    cue("use", K::Uses, Forward),
    cue("using", K::Uses, Forward),
    cue("used with", K::Uses, Forward),
    cue("make use of", K::Uses, Forward),
    cue("makes use of", K::Uses, Forward),
    cue("based on", K::Uses, Forward),
    cue("based off", K::Uses, Forward),
    cue("backed by", K::Uses, Forward),
    cue("via", K::Uses, Forward),
    cue("leverag*", K::Uses, Forward),
    cue("relies on", K::Uses, Forward),
    cue("rely on", K::Uses, Forward),
    cue("requires", K::Uses, Forward),
    cue("built on", K::Uses, Forward),
    cue("runs on", K::Uses, Forward),
    cue("run on", K::Uses, Forward),
    cue("hosts", K::Uses, Forward),
    cue("-based", K::Uses, Reverse),
    cue("managed instances of", K::Uses, Forward),
    cue("build from", K::Uses, Forward),
    cue("source for", K::Uses, Reverse),
    cue("could be from", K::Uses, Forward),
    cue("location of", K::Uses, Forward),
    cue("location (", K::Uses, Forward),
    cue("supports", K::Uses, Forward),
    cue("with the help of", K::Uses, Forward),
    cue("to split traffic", K::Uses, Forward),
    // part of
    cue("part of", K::PartOf, Forward),
    cue("component of", K::PartOf, Forward),
    cue("components of", K::PartOf, Forward),
    cue("belongs to", K::PartOf, Forward),
    cue("belong to", K::PartOf, Forward),
    cue("come under", K::PartOf, Forward),
    cue("comes under", K::PartOf, Forward),
    cue("feature of", K::PartOf, Forward),
    cue("consists of", K::PartOf, Reverse),
    cue("consist of", K::PartOf, Reverse),
    cue("comprises", K::PartOf, Reverse),
    cue("contains", K::PartOf, Reverse),
    cue("components", K::PartOf, Reverse),
    cue("types of", K::PartOf, Reverse),
    cue("kinds of", K::PartOf, Reverse),
    cue("has two", K::PartOf, Reverse),
    cue("has 2", K::PartOf, Reverse),
    cue("has 3", K::PartOf, Reverse),
    cue("has 4", K::PartOf, Reverse),
    cue("has 5", K::PartOf, Reverse),
    cue("has three", K::PartOf, Reverse),
    cue("has four", K::PartOf, Reverse),
    cue("has five", K::PartOf, Reverse),
    cue("events of", K::PartOf, Forward),
    // alternative to
    cue("alternative*", K::AlternativeTo, Symmetric),
    cue("instead of", K::AlternativeTo, Symmetric),
    cue("replacement", K::AlternativeTo, Symmetric),
    cue("replaces", K::AlternativeTo, Symmetric),
    cue("rather than", K::AlternativeTo, Symmetric),
    cue("as opposed to", K::AlternativeTo, Symmetric),
    cue("can handle", K::AlternativeTo, Symmetric),
    cue("over", K::AlternativeTo, Symmetric),
    // compared with
    cue("vs", K::ComparedWith, Symmetric),
    cue("vs.", K::ComparedWith, Symmetric),
    cue("versus", K::ComparedWith, Symmetric),
    cue("compared to", K::ComparedWith, Symmetric),
    cue("compared with", K::ComparedWith, Symmetric),
    cue("compare*", K::ComparedWith, Symmetric),
    cue("unlike", K::ComparedWith, Symmetric),
    cue("similar to", K::ComparedWith, Symmetric),
    cue("similar functionality", K::ComparedWith, Symmetric),
    cue("differs", K::ComparedWith, Symmetric),
    cue("differ from", K::ComparedWith, Symmetric),
    cue("difference between", K::ComparedWith, Symmetric),
    cue("differences between", K::ComparedWith, Symmetric),
    cue("same as", K::ComparedWith, Symmetric),
    // passive forms: the agent follows the cue
    cue("triggered by", K::Triggers, Reverse),
    cue("invoked by", K::Triggers, Reverse),
    cue("monitored by", K::Monitors, Reverse),
    cue("used by", K::Uses, Reverse),
    cue("configured by", K::Configures, Reverse),
    cue("replaced by", K::AlternativeTo, Symmetric),
    cue("deployed by", K::DeploysTo, Reverse),
    cue("orchestrated by", K::Orchestrates, Reverse),
    cue("replicated by", K::ReplicatesTo, Reverse),
    // triggers
    cue("trigger*", K::Triggers, Forward),
    cue("invoke*", K::Triggers, Forward),
    cue("invoking", K::Triggers, Forward),
    cue("kicks off", K::Triggers, Forward),
    cue("fires", K::Triggers, Forward),
    cue("notif*", K::Triggers, Forward),
    cue("events can be pushed to", K::Triggers, Forward),
    cue("event notification", K::Triggers, Forward),
    // deploys to
    cue("deploys to", K::DeploysTo, Forward),
    cue("deploy to", K::DeploysTo, Forward),
    cue("deployed to", K::DeploysTo, Forward),
    cue("deploying to", K::DeploysTo, Forward),
    cue("deployments to", K::DeploysTo, Forward),
    cue("deployment to", K::DeploysTo, Forward),
    cue("deploys on", K::DeploysTo, Forward),
    cue("deployed on", K::DeploysTo, Forward),
    cue("deploy into", K::DeploysTo, Forward),
    cue("deployed into", K::DeploysTo, Forward),
    cue("installed into", K::DeploysTo, Forward),
    cue("installed on", K::DeploysTo, Forward),
    cue("deploy stacks", K::DeploysTo, Forward),
    cue("compute platform", K::DeploysTo, Forward),
    // stores in
    cue("stored in", K::StoresIn, Forward),
    cue("store in", K::StoresIn, Forward),
    cue("stores in", K::StoresIn, Forward),
    cue("stored on", K::StoresIn, Forward),
    cue("stored to", K::StoresIn, Forward),
    cue("saved in", K::StoresIn, Forward),
    cue("saved to", K::StoresIn, Forward),
    cue("save to", K::StoresIn, Forward),
    cue("uploaded to", K::StoresIn, Forward),
    cue("upload to", K::StoresIn, Forward),
    cue("pushed to", K::StoresIn, Forward),
    cue("push to", K::StoresIn, Forward),
    cue("stream logs to", K::StoresIn, Forward),
    cue("logs to", K::StoresIn, Forward),
    cue("delivered to", K::StoresIn, Forward),
    cue("delivers to", K::StoresIn, Forward),
    cue("deliver to", K::StoresIn, Forward),
    cue("loads into", K::StoresIn, Forward),
    cue("written to", K::StoresIn, Forward),
    cue("write to", K::StoresIn, Forward),
    cue("archived to", K::StoresIn, Forward),
    cue("backed up to", K::StoresIn, Forward),
    cue("store credentials for", K::StoresIn, Reverse),
    cue("put the built artifacts", K::StoresIn, Forward),
    // replicates to
    cue("replicat*", K::ReplicatesTo, Forward),
    cue("copied to", K::ReplicatesTo, Forward),
    cue("copies to", K::ReplicatesTo, Forward),
    cue("copy to", K::ReplicatesTo, Forward),
    // monitors
    cue("monitor*", K::Monitors, Forward),
    cue("detect*", K::Monitors, Forward),
    cue("track*", K::Monitors, Forward),
    cue("observ*", K::Monitors, Forward),
    cue("audit*", K::Monitors, Forward),
    cue("metrics from", K::Monitors, Reverse),
    cue("logs from", K::Monitors, Reverse),
    // configures
    cue("configur*", K::Configures, Forward),
    cue("customi*", K::Configures, Forward),
    cue("provide info to", K::Configures, Forward),
    cue("provides info to", K::Configures, Forward),
    cue("defines", K::Configures, Forward),
    cue("define", K::Configures, Forward),
    cue("use it for", K::Configures, Forward),
    cue("settings for", K::Configures, Forward),
    // translates to
    cue("translat*", K::TranslatesTo, Forward),
    cue("transform*", K::TranslatesTo, Forward),
    cue("convert*", K::TranslatesTo, Forward),
    cue("compiles to", K::TranslatesTo, Forward),
    cue("compiled to", K::TranslatesTo, Forward),
    cue("expands to", K::TranslatesTo, Forward),
    cue("compatible with", K::TranslatesTo, Forward),
];

/// A cue found in a text.
#[derive(Clone, Copy, Debug)]
pub struct CueMatch {
    pub cue: &'static Cue,
    pub start: usize,
    pub end: usize,
}

/// Finds cues in sentences; build once and reuse.
#[derive(Debug)]
pub struct CueMatcher {
    automaton: AhoCorasick,
}

impl CueMatcher {
    /// Builds the matcher over [`CUES`].
    pub fn new() -> Result<Self, aho_corasick::BuildError> {
        let patterns: Vec<&str> = CUES
            .iter()
            .map(|c| c.phrase.trim_end_matches('*'))
            .collect();
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(patterns)?;
        Ok(Self { automaton })
    }

    /// Cues in `text`, in order.
    pub fn find(&self, text: &str) -> Vec<CueMatch> {
        self.find_iter(text).collect()
    }

    /// Cues in `text`, in order, one at a time (a clause of a megabyte line holds millions).
    pub fn find_iter<'t>(&'t self, text: &'t str) -> impl Iterator<Item = CueMatch> + 't {
        let bytes = text.as_bytes();
        let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        self.automaton.find_iter(text).filter_map(move |m| {
            let cue = CUES.get(m.pattern().as_usize())?;
            let first_is_word = cue.phrase.bytes().next().is_some_and(word);
            let left_ok = !first_is_word
                || m.start() == 0
                || bytes.get(m.start() - 1).is_some_and(|&b| !word(b));
            let stem = cue.phrase.ends_with('*');
            let last_is_word = cue
                .phrase
                .trim_end_matches('*')
                .bytes()
                .last()
                .is_some_and(word);
            let mut end = m.end();
            if stem {
                while bytes.get(end).is_some_and(|&b| b.is_ascii_alphabetic()) {
                    end += 1;
                }
            }
            let right_ok = stem || !last_is_word || bytes.get(end).is_none_or(|&b| !word(b));
            (left_ok && right_ok).then_some(CueMatch {
                cue,
                start: m.start(),
                end,
            })
        })
    }
}
