//! Plain-text outlines: headings written as short lines (`AWS CodeBuild`, `CodeDeploy -`,
//! `Elastic Beanstalk :`), `====` separators, indented bullets and verbatim snippets.

use super::{Section, Warning};

/// Splits a plain-text note into sections.
// TODO(notes): the real outline parser.
pub fn sections(file: &str, text: &str, _warnings: &mut Vec<Warning>) -> Vec<Section> {
    super::load::whole_file_section(file, text)
}
