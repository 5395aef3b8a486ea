//! Markdown notes with pulldown-cmark: ATX and setext headings, front matter, `[[wikilinks]]`,
//! `#tags`, code fences.

use super::{FrontMatter, Section, Warning, WikiLink};

/// What a Markdown note holds besides its text.
pub struct Parsed {
    pub sections: Vec<Section>,
    pub front_matter: FrontMatter,
    pub links: Vec<WikiLink>,
    pub tags: Vec<String>,
}

/// Parses a Markdown note.
// TODO(notes): headings, front matter, links and tags.
pub fn parse(file: &str, text: &str, _warnings: &mut Vec<Warning>) -> Parsed {
    Parsed {
        sections: super::load::whole_file_section(file, text),
        front_matter: FrontMatter::default(),
        links: Vec::new(),
        tags: Vec::new(),
    }
}
