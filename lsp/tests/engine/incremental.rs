//! Re-parsing piece by piece gives the tree and the diagnostics of a parse
//! of the whole file.

use tenet::syntax;
use tenet::FileId;
use tenet_lsp::incremental::ParseCache;

fn policy_files() -> Vec<std::path::PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut out = vec![];
    for dir in ["policies", "examples", "calendars", "benches", "lsp/tests/fixtures", "tests/fixtures/errors"] {
        out.extend(tenet::workspace::policy_files(&root.join(dir)).unwrap_or_default());
    }
    assert!(out.len() > 10);
    out
}

#[test]
fn pieces_parse_like_the_whole_file() {
    for path in policy_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        let whole = syntax::parse(&text, FileId(0));
        let mut cache = ParseCache::default();
        let pieces = cache.parse(&text);
        assert_eq!(format!("{:#?}", pieces.file), format!("{:#?}", whole.file), "{}", path.display());
        assert_eq!(pieces.diagnostics, whole.diagnostics, "{}", path.display());
        // Again, from the cache.
        assert_eq!(cache.parse(&text).file, whole.file, "{}", path.display());
    }
}

#[test]
fn a_rule_left_open_gives_the_same_first_error() {
    let rule = "rule unclosed \"t\" cites \"c\" {\n  when e as c\n  require e within 7 days\n";
    for next in ["\nrule next \"t\" cites \"c\" {\n  when e as c\n  require e within 1 day\n}\n", "", "\n"] {
        for comments in ["", "// The next rule.\n/// Its doc.\n"] {
            let next = if next.is_empty() { String::new() } else { format!("\n{comments}{next}") };
            let text = format!("jurisdiction X \"x\"\n  timezone \"UTC\"\n\nevent e {{ case: id }}\n\n{rule}{next}");
            let whole = syntax::parse(&text, FileId(0));
            let pieces = ParseCache::default().parse(&text);
            assert_eq!(pieces.diagnostics, whole.diagnostics, "{text}");
            assert_eq!(format!("{:#?}", pieces.file), format!("{:#?}", whole.file), "{text}");
            let first = &whole.diagnostics[0];
            let at = text.find("7 days").unwrap() + "7 days".len();
            assert_eq!((first.problem.code(), first.span.start), ("tenet::syntax", at), "{text}");
        }
    }
}

#[test]
fn an_edited_piece_is_parsed_again_and_the_others_move() {
    let text = include_str!("../fixtures/policy.tenet");
    let mut cache = ParseCache::default();
    cache.parse(text);
    for edited in [
        text.replace("within 7 business days", "within 10 business days"),
        text.replace("when complaint_received", "when complaint_recieved"),
        text.replace("  forbid", "  forbd"),
        text.replace("rule cancel", "// a comment\nrule cancel"),
        text.replace("test \"uma", "tst \"uma"),
    ] {
        let whole = syntax::parse(&edited, FileId(0));
        let pieces = cache.parse(&edited);
        assert_eq!(format!("{:#?}", pieces.file), format!("{:#?}", whole.file), "{edited}");
        assert_eq!(pieces.diagnostics, whole.diagnostics, "{edited}");
    }
}

#[test]
fn the_cuts_fall_on_item_lines_only() {
    let text = "jurisdiction X \"x\"\ncalendar BR\n\n/// doc\nrule a {\n}\n// c\n\ntest \"t\" {\n}\n";
    let cuts = tenet_lsp::incremental::cuts(text).unwrap();
    let pieces: Vec<&str> = cuts.iter().map(|(s, e)| &text[*s..*e]).collect();
    assert_eq!(
        pieces,
        ["jurisdiction X \"x\"\ncalendar BR\n\n", "/// doc\nrule a {\n}\n// c\n\n", "test \"t\" {\n}\n"]
    );
    assert_eq!(tenet_lsp::incremental::cuts("/* x */\nrule a {}\nrule b {}\n"), None);
}
