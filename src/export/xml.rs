//! XML text and attribute escaping shared by the GraphML and GEXF writers.

/// Whether XML 1.0 allows this character at all (control characters other than tab, newline and
/// carriage return, and the non-characters U+FFFE/U+FFFF, are not).
fn allowed(ch: char) -> bool {
    matches!(ch, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Escapes `text` for use in element content or a double- or single-quoted attribute value.
/// Characters XML cannot hold are dropped; tab, newline and carriage return become character
/// references so attribute-value normalisation keeps them.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            ch if allowed(ch) => out.push(ch),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_controls() {
        assert_eq!(
            escape("a&b<c>\"d\"'e'\u{0}\u{1b}\u{FFFE}é\n"),
            "a&amp;b&lt;c&gt;&quot;d&quot;&apos;e&apos;é&#10;"
        );
    }
}
