//! The business calendars shipped with Tenet.
//!
//! They are ordinary `calendar` declarations in `calendars/*.tenet`, compiled
//! into the binary, so users can read them, copy them and extend them
//! (`calendar MINE extends BR { holiday ... }`).

use crate::span::FileId;
use crate::syntax::{self, ast};

/// The shipped calendar files: (file name, text).
pub const SHIPPED: &[(&str, &str)] = &[
    ("calendars/au.tenet", include_str!("../../calendars/au.tenet")),
    ("calendars/br.tenet", include_str!("../../calendars/br.tenet")),
    ("calendars/cn.tenet", include_str!("../../calendars/cn.tenet")),
    ("calendars/fr.tenet", include_str!("../../calendars/fr.tenet")),
    ("calendars/gb.tenet", include_str!("../../calendars/gb.tenet")),
    ("calendars/ie.tenet", include_str!("../../calendars/ie.tenet")),
    ("calendars/in.tenet", include_str!("../../calendars/in.tenet")),
    ("calendars/us.tenet", include_str!("../../calendars/us.tenet")),
    ("calendars/za.tenet", include_str!("../../calendars/za.tenet")),
];

/// The shipped calendar declarations, parsed once per process.
pub fn builtin() -> &'static [ast::CalendarDecl] {
    static PARSED: std::sync::OnceLock<Vec<ast::CalendarDecl>> = std::sync::OnceLock::new();
    PARSED.get_or_init(|| {
        SHIPPED
            .iter()
            .flat_map(|(_, text)| syntax::parse(text, FileId(usize::MAX)).file.items)
            .filter_map(|item| match item {
                ast::Item::Calendar(c) => Some(c),
                _ => None,
            })
            .collect()
    })
}

/// Names of the shipped calendars.
pub fn builtin_calendar_names() -> Vec<String> {
    builtin().iter().map(|c| c.name.text.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_calendars_parse_cleanly() {
        for (name, text) in SHIPPED {
            let parsed = syntax::parse(text, FileId(0));
            assert!(parsed.diagnostics.is_empty(), "{name}: {:#?}", parsed.diagnostics);
        }
        let names = builtin_calendar_names();
        for code in ["AU", "BR", "CN", "FR", "GB", "IE", "IN", "US", "ZA"] {
            assert!(names.iter().any(|n| n == code), "missing calendar {code}");
        }
    }
}
