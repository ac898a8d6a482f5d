//! Text from policies and logs put into the page: every character HTML
//! gives a meaning to is escaped, in text and in quoted attribute values
//! alike, so a hostile log (a case id `<script>...`) shows as text and can
//! never add markup.

use std::fmt::{self, Display};

/// Displays its text escaped for HTML text and quoted attribute values.
pub struct Esc<'a>(pub &'a str);

impl Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(at) = rest.find(['&', '<', '>', '"', '\'']) {
            f.write_str(&rest[..at])?;
            let entity = match rest.as_bytes()[at] {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                _ => "&#39;",
            };
            f.write_str(entity)?;
            rest = &rest[at + 1..];
        }
        f.write_str(rest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_text_becomes_text() {
        let hostile = r#"<script>alert("x")</script> & 'quoted' é"#;
        assert_eq!(
            Esc(hostile).to_string(),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39; é"
        );
        assert_eq!(Esc("").to_string(), "");
    }
}
