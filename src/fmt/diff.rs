//! What formatting would change, as a unified diff (`tenet fmt --diff`).

use similar::TextDiff;

/// The unified diff from `old` to `new` (three lines of context), both
/// sides named `name`; empty when they are the same.
pub fn unified(old: &str, new: &str, name: &str) -> String {
    if old == new {
        return String::new();
    }
    TextDiff::from_lines(old, new).unified_diff().context_radius(3).header(name, name).to_string()
}

#[cfg(test)]
mod tests {
    use super::unified;

    #[test]
    fn a_changed_line_shows_with_its_context() {
        let diff = unified("a\nb  \nc\n", "a\nb\nc\n", "p.tenet");
        assert_eq!(diff, "--- p.tenet\n+++ p.tenet\n@@ -1,3 +1,3 @@\n a\n-b  \n+b\n c\n");
        assert_eq!(unified("x\n", "x\n", "p.tenet"), "");
    }
}
