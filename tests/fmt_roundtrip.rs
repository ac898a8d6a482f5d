//! The formatter's guarantees: formatting is idempotent, keeps the meaning
//! of the file (the tree modulo spans, every comment once and in order, the
//! doc strings), and lays files out canonically.

// Helpers shared by the tests fail the test the way the tests themselves do.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use proptest::prelude::*;
use std::path::{Path, PathBuf};
use tenet::fmt::{format, format_source};
use tenet::syntax::{ast::File, parse};
use tenet::FileId;

#[path = "common/meaning.rs"]
mod meaning;
use meaning::meaning;

// ---------------------------------------------------------------- helpers

/// Parses `text`, failing on any error diagnostic.
fn parse_ok(text: &str) -> File {
    let parsed = parse(text, FileId(0));
    let errors: Vec<_> = parsed.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "parse errors {errors:#?} in:\n{text}");
    parsed.file
}

/// The doc strings of the items, in order.
fn docs(file: &File) -> Vec<Option<String>> {
    use tenet::syntax::ast::Item;
    file.items
        .iter()
        .map(|i| match i {
            Item::Jurisdiction(x) => x.doc.clone(),
            Item::Event(x) => x.doc.clone(),
            Item::Calendar(x) => x.doc.clone(),
            Item::Rule(x) => x.doc.clone(),
            Item::Parameter(x) => x.doc.clone(),
            Item::Test(x) => x.doc.clone(),
            Item::Import(_) | Item::Error(_) => None,
        })
        .collect()
}

/// Checks guarantees 1 and 2 on `text`, the layout basics, and that
/// `format_source` agrees; returns the formatted text.
fn roundtrip(text: &str) -> String {
    let once = check(text);
    assert_eq!(format_source(text).ok().as_deref(), Some(once.as_str()));
    once
}

/// Checks guarantees 1 and 2 on `text` and the layout basics; returns the
/// formatted text.
fn check(text: &str) -> String {
    let file = parse_ok(text);
    let once = format(&file, text);
    let again_file = parse_ok(&once);
    let (items, comments) = meaning(&file);
    let (items2, comments2) = meaning(&again_file);
    assert_eq!(comments, comments2, "comments changed; formatted:\n{once}");
    assert_eq!(docs(&file), docs(&again_file), "doc strings changed; formatted:\n{once}");
    if items != items2 {
        let a = serde_json::to_string_pretty(&items).unwrap_or_default();
        let b = serde_json::to_string_pretty(&items2).unwrap_or_default();
        let at = a.lines().zip(b.lines()).position(|(x, y)| x != y).unwrap_or(0);
        let context = |s: &str| s.lines().skip(at.saturating_sub(8)).take(16).collect::<Vec<_>>().join("\n");
        panic!("meaning changed; formatted:\n{once}\nbefore:\n{}\nafter:\n{}", context(&a), context(&b));
    }
    let twice = format(&again_file, &once);
    assert_eq!(once, twice, "not idempotent; input:\n{text}");
    check_layout(&once, &file);
    once
}

/// Layout properties every output has.
fn check_layout(out: &str, file: &File) {
    if out.is_empty() {
        return;
    }
    assert!(out.ends_with('\n') && !out.ends_with("\n\n"), "must end with one newline:\n{out}");
    assert!(!out.starts_with('\n'), "must not start with a blank line:\n{out}");
    assert!(!out.contains("\n\n\n"), "at most one blank line in a row:\n{out}");
    // Lines inside block comments are the comment's own text.
    let in_block = |line: &str| file.comments.iter().any(|c| c.text.starts_with("/*") && c.text.contains(line.trim()));
    for line in out.lines() {
        if in_block(line) {
            continue;
        }
        assert!(!line.ends_with(' ') && !line.ends_with('\t'), "trailing blank in {line:?}");
        let indent = line.len() - line.trim_start().len();
        assert!(indent % 2 == 0 && !line[..indent].contains('\t'), "bad indentation in {line:?}");
    }
}

fn tenet_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            tenet_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "tenet") {
            out.push(path);
        }
    }
}

// ---------------------------------------------------------------- corpus

#[test]
fn every_policy_and_fixture_round_trips() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![];
    tenet_files(&root.join("policies"), &mut files);
    tenet_files(&root.join("tests/fixtures"), &mut files);
    files.sort();
    let mut checked = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).expect("readable fixture");
        if parse(&text, FileId(0)).diagnostics.iter().any(|d| d.is_error()) {
            continue;
        }
        let out = std::panic::catch_unwind(|| roundtrip(&text));
        assert!(out.is_ok(), "formatting {} broke a guarantee", path.display());
        checked += 1;
    }
    assert!(checked > 0, "no policy parsed among {files:?}");
}

// ---------------------------------------------------------------- a rich file

const RICH: &str = r#"// Header comment of the file.

/* A block comment
   over two lines. */
/// The jurisdiction.
jurisdiction UK "United Kingdom"   // trailing on the header
  // between header clauses
  extends EU
  timezone "Europe/London"
  /* before calendar */ calendar UK


  in force from 2026-01-01 until 2027-01-01 // last clause
import "../common/events.tenet"
event "Take in charge ticket" "A ticket is taken" { case: id, "org:resource": text?, amount: money(GBP), }
event complaint_received "A complaint arrives" { case: id, customer: id, channel: text, // the channel
  at: time }
event long_event "A rather long description that pushes this declaration well past the limit" { case: id, customer: id }
event e{}
calendar UK "England and Wales" extends EU {
  weekend sat, sun
  holiday 2026-12-25 "Christmas Day" // trailing
  // own line
  holiday 2026-12-26
}
calendar EMPTY {}
/// Doc line one.
/// Doc line two.
override rule answer "Answer within seven days."
  cites "Ofcom GC C4.2"
  text "Providers must \"answer\" quickly.\nSecond line."
  in force from 2026-01-01
{ // after the brace
  when complaint_received as c where c.channel in ["phone", "chat"] and not (c.vip == true)
  require prior complaint_logged or complaint_triaged as t where t.case == c.case within 7 days or before case_closed where case == c.case
  unless c.channel not in ["post"]
  unless complaint_withdrawn as w where w.case == c.case
  unless prior fault_reported as f where f.customer == c.customer within 24 hours
  forbid call_dropped where case == c.case within 1 hour while open

  remedy 10 GBP + 5.50 GBP per day late, max 100.00 GBP
  /// not a doc: inside the body
  remedy 2 GBP per business day late + 1 GBP per calendar day late + 3 GBP per hour late + 4 GBP per week late
}
rule timing { when call as c where c.at during mon-fri 08:00-20:00, sat 09:00-24:00, sun and ((c.x + 1) * 2 - -3 > 4 / (2)) /* inline */
  require answered where case == /* mid-expression */ c.case
    and hour(c.at) >= 8 // trailing after a wrapped condition
  within 2 business days }
rule aggregates {
  per case: count(call_transferred where reason != "none") <= 2
  per customer, "org:resource": sum(payment.amount) <= 500 GBP
  per month: rate(answer) >= 95%
  per quarter: average(delay from call as c where c.kind == "x" to answered or abandoned where case == c.case) <= 60 seconds
  per year: percentile(90.5, delay from call to answered) < 30 seconds
  per case: distinct(call.agent as x) >= 1
}
test "late answer" {
  // before given
  given {
    2026-03-02T09:00:00Z complaint_received { case: "A", customer: "K1", channel: "phone", amount: -10.50 GBP }
    2026-03-02T10:00:00+01:00 ping
    2026-03-10T09:00:00.250-03:00 complaint_resolved { case: "A", delta: -3, ratio: -0.50, share: 12.5%, wait: 1 day, on: 2026-03-02, ok: true } // trailing given
  } // after given
  as of 2026-04-01T00:00:00Z
  expect 2 violated answer for case "A", customer "K1"
  expect satisfied timing
  expect pending aggregates for "org:resource" "x"
  expect remedy answer 20.68 GBP for customer "K1"
}
// end of file
"#;

#[test]
fn a_rich_file_formats_canonically() {
    let out = roundtrip(RICH);
    insta::assert_snapshot!("rich", out);
}

// ---------------------------------------------------------------- tricky cases

#[test]
fn comments_keep_their_place() {
    let src = "// first\n\n\n\n/// doc\nevent a { x: id } // after a\n// before b\nevent b { y: id }\n/* end */";
    let out = roundtrip(src);
    assert_eq!(out, "// first\n\n/// doc\nevent a { x: id } // after a\n\n// before b\nevent b { y: id }\n/* end */\n");
}

#[test]
fn a_comment_inside_an_expression_moves_to_a_line_boundary() {
    let src = "rule r {\n  when a as c where c.x == 1 /* one */ and // two\n    c.y == 2 // three\n  require b\n}\n";
    let out = roundtrip(src);
    assert_eq!(
        out,
        "rule r {\n  /* one */\n  // two\n  when a as c where c.x == 1 and c.y == 2 // three\n  require b\n}\n"
    );
}

#[test]
fn a_comment_never_swallows_code() {
    // Everything on one line: each comment must end up where no code follows it.
    let src = "rule r { when a /* x */ require b // y\n unless c }";
    let out = roundtrip(src);
    assert_eq!(out, "rule r {\n  when a /* x */\n  require b // y\n  unless c\n}\n");
}

#[test]
fn a_doc_comment_inside_an_item_does_not_become_a_doc() {
    for src in [
        "jurisdiction /// x\n BR \"t\"\nevent e { a: id }\n",
        "jurisdiction BR /// x\n \"t\"\nrule r { when e }\n",
        "jurisdiction BR\n  timezone /// x\n \"UTC\"\nevent e { a: id }\n",
        "import /// x\n \"p\"\nevent e { a: id }\n",
        "event /// x\n e { a: id }\nevent f { a: id }\n",
        "rule r { when e where /// x\n a == 1 }\nrule s { when e }\n",
    ] {
        roundtrip(src);
    }
}

#[test]
fn blank_lines_collapse_and_items_are_separated_by_one() {
    let src = "event a { x: id }event b { x: id }\n\n\n\nrule r {\n\n  when a\n\n\n  require b\n\n}\n";
    assert_eq!(roundtrip(src), "event a { x: id }\n\nevent b { x: id }\n\nrule r {\n  when a\n\n  require b\n}\n");
}

#[test]
fn crlf_and_tabs_are_normalised() {
    let src = "rule r {\r\n\twhen a // c\r\n\trequire b within 1 day\r\n}\r\n";
    assert_eq!(roundtrip(src), "rule r {\n  when a // c\n  require b within 1 day\n}\n");
}

#[test]
fn quoted_names_and_strings_are_re_escaped() {
    let src = r#"event "Take in charge ticket" { "org:resource": text, "a \"b\"": id }
rule r "say \"hi\"\tnow" { when "Take in charge ticket" as t where t."org:resource" == "x\\y" }"#;
    let out = roundtrip(src);
    assert!(out.contains(r#"event "Take in charge ticket" { "org:resource": text, "a \"b\"": id }"#), "{out}");
    assert!(out.contains(r#"rule r "say \"hi\"\tnow" {"#), "{out}");
    assert!(out.contains(r#"when "Take in charge ticket" as t where t."org:resource" == "x\\y""#), "{out}");
}

#[test]
fn expressions_keep_their_brackets_and_operators() {
    let src =
        "rule r { when a as c where not (c.x in [1, 2]) and (((c.y))) not in [] or -(-c.z) * (2 + 3) / 4 - 5 >= 1 }";
    let out = roundtrip(src);
    assert!(
        out.contains("where not (c.x in [1, 2]) and (((c.y))) not in [] or -(-c.z) * (2 + 3) / 4 - 5 >= 1\n"),
        "{out}"
    );
    let src =
        "rule r { when a as c where c.t during mon-fri 08:00-24:00, sat, sun 10:00:30-12:00 and hour(c.t, 2) < 3 }";
    let out = roundtrip(src);
    assert!(out.contains("c.t during mon-fri 08:00-24:00, sat, sun 10:00:30-12:00 and hour(c.t, 2) < 3"), "{out}");
}

#[test]
fn literals_keep_their_meaning_and_scale() {
    let src = "rule r { when a as c where c.m == 10.50GBP and c.d == 1.0 and c.p < 99.50% and c.w > 1 working day \
               and c.h < 1 hours and c.q > 2026-03-02 remedy 0.10 GBP per working day late, max 1000.000 BRL }";
    let out = roundtrip(src);
    assert!(out.contains("c.m == 10.50 GBP and c.d == 1.0 and c.p < 99.50% and c.w > 1 business day"), "{out}");
    assert!(out.contains("c.h < 1 hour and c.q > 2026-03-02"), "{out}");
    assert!(out.contains("remedy 0.10 GBP per business day late, max 1000.000 BRL"), "{out}");
}

#[test]
fn negative_values_in_tests_and_deadlines() {
    let src = "rule r { when a require b within -3 days }\ntest \"t\" { given { 2026-03-02T09:00:00-03:00 a \
               { n: -3, d: - 0.50, m: -10.00 GBP, p: -5%, w: -1 week } } expect remedy r 0 GBP for n -3 }";
    let out = roundtrip(src);
    assert!(out.contains("require b within -3 days"), "{out}");
    assert!(out.contains("a { n: -3, d: -0.50, m: -10.00 GBP, p: -5%, w: -1 week }"), "{out}");
    assert!(out.contains("expect remedy r 0 GBP for n -3"), "{out}");
}

#[test]
fn rule_headers() {
    assert_eq!(roundtrip("override rule r \"t\" { when a }"), "override rule r \"t\" {\n  when a\n}\n");
    assert_eq!(
        roundtrip("rule r in force from 2026-01-01 cites \"c\" { when a }"),
        "rule r\n  in force from 2026-01-01\n  cites \"c\"\n{\n  when a\n}\n"
    );
    assert_eq!(roundtrip("rule r {}"), "rule r {\n}\n");
}

#[test]
fn calendars_and_jurisdictions() {
    let src =
        "jurisdiction BR calendar BR timezone \"America/Sao_Paulo\"\ncalendar BR \"Brasil\" { holiday 2026-01-01 \
               weekend sat, sun holiday 2026-04-21 \"Tiradentes\" }\ncalendar X extends BR {}";
    assert_eq!(
        roundtrip(src),
        "jurisdiction BR\n  calendar BR\n  timezone \"America/Sao_Paulo\"\n\ncalendar BR \"Brasil\" {\n  holiday 2026-01-01\n  \
         weekend sat, sun\n  holiday 2026-04-21 \"Tiradentes\"\n}\n\ncalendar X extends BR {}\n"
    );
}

#[test]
fn every_clause_and_measure_form() {
    let src = "rule r {
      when a as x where x.k == 1
      require b
      require prior b or c as y where y.k == x.k within 2 business days or before d where k == x.k
      require b before d
      unless x.k > 2
      unless e as z where z.k == x.k
      unless prior f within 3 calendar days
      unless (g)
      forbid h while open
      remedy 1 GBP
      per case, customer: count(a) < 3
      per month: min(delay from a to b) <= 1 minute
      per quarter: max(a.amount where amount > 0) != 0 GBP
      per year: average(delay from a as s where s.k == 1 to b or c where k == s.k) == 2 weeks
    }";
    let out = roundtrip(src);
    for line in [
        "  require prior b or c as y where y.k == x.k within 2 business days or before d where k == x.k\n",
        "  require b before d\n",
        "  unless prior f within 3 calendar days\n",
        "  unless (g)\n",
        "  per case, customer: count(a) < 3\n",
        "  per month: min(delay from a to b) <= 1 minute\n",
        "  per quarter: max(a.amount where amount > 0) != 0 GBP\n",
        "  per year: average(delay from a as s where s.k == 1 to b or c where k == s.k) == 2 weeks\n",
    ] {
        assert!(out.contains(line), "missing {line:?} in\n{out}");
    }
}

#[test]
fn long_event_declarations_break_one_field_per_line() {
    let fields: Vec<String> = (0..12).map(|i| format!("field_{i}: text")).collect();
    let src = format!("event e {{ {} }}", fields.join(", "));
    let out = roundtrip(&src);
    assert!(out.starts_with("event e {\n  field_0: text,\n"), "{out}");
    assert!(out.ends_with("  field_11: text,\n}\n"), "{out}");
    assert!(out.lines().all(|l| l.chars().count() <= 100));
}

#[test]
fn files_that_do_not_parse_are_refused() {
    assert!(format_source("rule r { when }").is_err());
    assert!(format_source("rule r { when a }\nrule s {").is_err());
    assert!(format_source("event e { a: id } \"unterminated").is_err());
    assert!(format_source("// only a comment").is_err());
}

// ---------------------------------------------------------------- random policies

/// Separators between tokens: mostly blanks, sometimes comments.
const SEPARATORS: &[&str] = &[
    " ",
    " ",
    " ",
    " ",
    " ",
    " ",
    " ",
    " ",
    "\n",
    "\n  ",
    "\n\n",
    "\t",
    "\r\n",
    " // note\n",
    " /* b */ ",
    "\n/* two\n   lines */\n",
    "\n/// doc\n",
    "\n//\n",
];

const IDENTS: &[&str] = &["a", "case", "customer", "x1", "_tmp", "ação", "amount", "agent", "k"];
const QUOTED: &[&str] = &[r#""Take in charge""#, r#""org:resource""#, r#""q\"uote""#, r#""tab\tslash\\""#];
const STRINGS: &[&str] = &[r#""""#, r#""phone""#, r#""a // not a comment""#, r#""x\ny""#];

type Tokens = BoxedStrategy<Vec<String>>;

fn pick(list: &'static [&'static str]) -> Tokens {
    prop::sample::select(list).prop_map(|s| vec![s.to_string()]).boxed()
}

fn ident() -> Tokens {
    pick(IDENTS)
}

fn name() -> Tokens {
    prop_oneof![3 => pick(IDENTS), 1 => pick(QUOTED)].boxed()
}

fn string() -> Tokens {
    pick(STRINGS)
}

fn opt(s: Tokens) -> Tokens {
    prop::option::of(s).prop_map(Option::unwrap_or_default).boxed()
}

fn seq(parts: Vec<Tokens>) -> Tokens {
    parts.prop_map(|v| v.concat()).boxed()
}

fn kw(s: &'static str) -> Tokens {
    Just(vec![s.to_string()]).boxed()
}

/// `a, b, c` with `sep` between items.
fn list(item: Tokens, sep: &'static str, min: usize, max: usize) -> Tokens {
    prop::collection::vec(item, min..=max)
        .prop_map(move |items| {
            let mut out = vec![];
            for (i, it) in items.into_iter().enumerate() {
                if i > 0 {
                    out.push(sep.to_string());
                }
                out.extend(it);
            }
            out
        })
        .boxed()
}

fn duration() -> Tokens {
    (
        0u32..40,
        prop::sample::select(
            &[
                "day",
                "days",
                "hours",
                "minute",
                "calendar days",
                "business day",
                "working days",
                "weeks",
                "months",
                "seconds",
            ][..],
        ),
    )
        .prop_map(|(n, u)| vec![format!("{n} {u}")])
        .boxed()
}

fn money() -> Tokens {
    (0u32..1000, prop::option::of(0u32..100), prop::sample::select(&[" GBP", "BRL", "  EUR"][..]))
        .prop_map(|(n, frac, cur)| vec![format!("{n}{}{cur}", frac.map(|f| format!(".{f:02}")).unwrap_or_default())])
        .boxed()
}

fn date() -> Tokens {
    (2020u32..2030, 1u32..13, 1u32..29).prop_map(|(y, m, d)| vec![format!("{y}-{m:02}-{d:02}")]).boxed()
}

fn datetime() -> Tokens {
    (1u32..29, 0u32..24, prop::sample::select(&["Z", "-03:00", "+01:00", ".5Z", ".250+05:30"][..]))
        .prop_map(|(d, h, tail)| vec![format!("2026-03-{d:02}T{h:02}:00:00{tail}")])
        .boxed()
}

fn literal() -> Tokens {
    prop_oneof![
        (0u32..100).prop_map(|n| vec![n.to_string()]),
        (0u32..100, 0u32..100).prop_map(|(a, b)| vec![format!("{a}.{b:02}")]),
        (0u32..100).prop_map(|n| vec![format!("{n}.5%")]),
        money(),
        duration(),
        string(),
        pick(&["true", "false"]),
        date(),
        datetime(),
    ]
    .boxed()
}

/// An expression following the grammar's levels, with `primary` at the bottom.
fn expr_over(primary: Tokens) -> Tokens {
    let unary = (0usize..3, primary).prop_map(|(n, p)| [vec!["-".to_string(); n], p].concat()).boxed();
    let product = list(unary, "*", 1, 2);
    let sum = (product.clone(), opt(seq(vec![pick(&["+", "-", "/"]).boxed(), product])))
        .prop_map(|(a, b)| [a, b].concat())
        .boxed();
    let tail = prop_oneof![
        seq(vec![pick(&["==", "!=", "<", "<=", ">", ">="]).boxed(), sum.clone()]),
        seq(vec![opt(kw("not")).boxed(), kw("in"), kw("["), list(literal(), ",", 0, 3), kw("]")]),
        seq(vec![kw("during"), pick(&["mon-fri 08:00-24:00, sat", "sun", "tue-thu 09:00:30-10:00"]).boxed()]),
    ];
    let cmp = (sum, opt(tail.boxed())).prop_map(|(a, b)| [a, b].concat()).boxed();
    let not = (0usize..3, cmp).prop_map(|(n, c)| [vec!["not".to_string(); n], c].concat()).boxed();
    list(list(not, "and", 1, 2), "or", 1, 2)
}

fn expr() -> Tokens {
    let atom = prop_oneof![
        3 => ident(),
        3 => literal(),
        2 => seq(vec![ident().boxed(), kw("."), name().boxed()]),
    ]
    .boxed();
    let primary = atom.prop_recursive(1, 8, 2, |inner| {
        let e = expr_over(inner);
        prop_oneof![
            seq(vec![kw("("), e.clone(), kw(")")]),
            seq(vec![pick(&["hour", "weekday", "date"]).boxed(), kw("("), list(e, ",", 0, 2), kw(")")]),
        ]
    });
    expr_over(primary.boxed())
}

fn alias_where() -> Tokens {
    seq(vec![opt(seq(vec![kw("as"), ident().boxed()])).boxed(), opt(seq(vec![kw("where"), expr()])).boxed()])
}

fn within() -> Tokens {
    seq(vec![kw("within"), opt(kw("-")).boxed(), duration()])
}

fn clause() -> Tokens {
    let before = seq(vec![kw("before"), name().boxed(), opt(seq(vec![kw("where"), expr()])).boxed()]);
    let deadline = prop_oneof![within(), before.clone(), seq(vec![within(), kw("or"), before])];
    let group = prop_oneof![pick(&["month", "quarter", "year"]).boxed(), list(name().boxed(), ",", 1, 2)];
    let func = pick(&["count", "distinct", "sum", "min", "max", "average", "percentile"]).boxed();
    let measure = prop_oneof![
        seq(vec![kw("rate"), kw("("), ident().boxed(), kw(")")]),
        seq(vec![
            func.clone(),
            kw("("),
            opt(pick(&["90,", "99.5,"])).boxed(),
            kw("delay"),
            kw("from"),
            name().boxed(),
            alias_where(),
            kw("to"),
            list(name().boxed(), "or", 1, 2),
            opt(seq(vec![kw("where"), expr()])).boxed(),
            kw(")"),
        ]),
        seq(vec![
            func,
            kw("("),
            name().boxed(),
            opt(seq(vec![kw("."), name().boxed()])).boxed(),
            alias_where(),
            kw(")")
        ]),
    ];
    let term = seq(vec![
        money(),
        opt(seq(vec![
            kw("per"),
            pick(&["day", "hour", "week", "calendar day", "business day", "working day"]).boxed(),
            kw("late"),
        ]))
        .boxed(),
    ]);
    prop_oneof![
        seq(vec![kw("when"), name().boxed(), alias_where()]),
        seq(vec![
            kw("require"),
            opt(kw("prior")).boxed(),
            list(name().boxed(), "or", 1, 3),
            alias_where(),
            opt(deadline.boxed()),
        ]),
        seq(vec![kw("unless"), expr()]),
        seq(vec![kw("unless"), name().boxed(), alias_where()]),
        seq(vec![kw("unless"), kw("prior"), name().boxed(), alias_where(), opt(within()).boxed()]),
        seq(vec![
            kw("forbid"),
            name().boxed(),
            alias_where(),
            opt(within()).boxed(),
            opt(pick(&["while open"])).boxed()
        ]),
        seq(vec![
            kw("remedy"),
            list(term, "+", 1, 3),
            opt(seq(vec![opt(kw(",")).boxed(), kw("max"), money()])).boxed()
        ]),
        seq(vec![kw("per"), group.boxed(), kw(":"), measure.boxed(), pick(&["<=", ">=", "<", "=="]).boxed(), expr()]),
    ]
    .boxed()
}

fn given_value() -> Tokens {
    seq(vec![opt(kw("-")).boxed(), literal()])
}

fn item() -> Tokens {
    let field = seq(vec![
        name().boxed(),
        kw(":"),
        pick(&["id", "text", "time", "number", "money(GBP)"]).boxed(),
        opt(kw("?")).boxed(),
    ]);
    let event = seq(vec![kw("event"), name().boxed(), opt(string()).boxed(), kw("{"), list(field, ",", 0, 4), kw("}")]);
    let weekend = seq(vec![kw("weekend"), list(pick(&["sat", "sun", "fri"]).boxed(), ",", 1, 2)]);
    let holiday = seq(vec![kw("holiday"), date(), opt(string()).boxed()]);
    let calendar = seq(vec![
        kw("calendar"),
        ident().boxed(),
        opt(string()).boxed(),
        opt(seq(vec![kw("extends"), ident().boxed()])).boxed(),
        kw("{"),
        prop::collection::vec(prop_oneof![weekend, holiday], 0..3).prop_map(|v| v.concat()).boxed(),
        kw("}"),
    ]);
    let in_force = seq(vec![kw("in force from"), date(), opt(seq(vec![kw("until"), date()])).boxed()]);
    // Each metadata clause at most once, in any order.
    let meta = (opt(seq(vec![kw("cites"), string()])), opt(seq(vec![kw("text"), string()])), opt(in_force))
        .prop_map(|(a, b, c)| vec![a, b, c])
        .prop_shuffle()
        .prop_map(|v| v.concat());
    let rule = seq(vec![
        opt(kw("override")).boxed(),
        kw("rule"),
        ident().boxed(),
        opt(string()).boxed(),
        meta.boxed(),
        kw("{"),
        prop::collection::vec(clause(), 0..4).prop_map(|v| v.concat()).boxed(),
        kw("}"),
    ]);
    let given_event = seq(vec![
        datetime(),
        name().boxed(),
        opt(seq(vec![kw("{"), list(seq(vec![name().boxed(), kw(":"), given_value()]), ",", 0, 3), kw("}")])).boxed(),
    ]);
    let key = opt(seq(vec![kw("for"), list(seq(vec![name().boxed(), given_value()]), ",", 1, 2)]));
    let expectation = prop_oneof![
        seq(vec![
            kw("expect"),
            opt(pick(&["2"])).boxed(),
            pick(&["satisfied", "violated", "pending"]).boxed(),
            ident().boxed(),
            key.clone().boxed()
        ]),
        seq(vec![kw("expect"), kw("remedy"), ident().boxed(), money(), key.boxed()]),
    ];
    let test = seq(vec![
        kw("test"),
        string(),
        kw("{"),
        opt(seq(vec![
            kw("given"),
            kw("{"),
            prop::collection::vec(given_event, 0..3).prop_map(|v| v.concat()).boxed(),
            kw("}"),
        ]))
        .boxed(),
        opt(seq(vec![kw("as of"), datetime()])).boxed(),
        prop::collection::vec(expectation, 0..3).prop_map(|v| v.concat()).boxed(),
        kw("}"),
    ]);
    prop_oneof![2 => event, 1 => calendar, 3 => rule, 1 => test, 1 => seq(vec![kw("import"), string()])].boxed()
}

fn jurisdiction() -> Tokens {
    // `calendar X` may not be followed by `extends`: it would read as a calendar declaration.
    const CLAUSES: &[&[&str]] = &[
        &["extends EU", "timezone \"UTC\"", "calendar BR", "in force from 2026-01-01"],
        &["calendar BR", "in force from 2026-01-01 until 2027-01-01", "timezone \"UTC\""],
        &["timezone \"Europe/London\""],
        &[],
    ];
    let clauses = prop::sample::select(CLAUSES).prop_map(|c| c.iter().map(|s| s.to_string()).collect()).boxed();
    seq(vec![kw("jurisdiction"), pick(&["BR", "UK"]), opt(string()), clauses])
}

/// A random policy: its tokens joined by random separators.
fn policy() -> impl Strategy<Value = String> {
    let items =
        (opt(jurisdiction()), prop::collection::vec(item(), 1..4)).prop_map(|(j, items)| [j, items.concat()].concat());
    (items, prop::collection::vec(0..SEPARATORS.len(), 64)).prop_map(|(tokens, seps)| {
        let mut text = String::new();
        for (i, token) in tokens.iter().enumerate() {
            if i > 0 {
                text.push_str(SEPARATORS[seps[i % seps.len()]]);
            }
            text.push_str(token);
        }
        text
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_policies_round_trip(text in policy()) {
        check(&text);
    }
}

#[test]
fn measures_field_aggregates_and_shares_print_back() {
    let src = "measure m \"t\" cites \"c\" { when a as x require b where k == x.k within 1 day }\n\
               rule r { per quarter:percentile( 90 ,s.score as v where v.score>1)<=9 }\n\
               rule n { per month: share(s as v where v.score >= 9)-share(s as v where v.score <= 6)+share(s where score == 7) >= 30% }";
    let out = roundtrip(src);
    assert!(out.contains("measure m \"t\"\n"), "{out}");
    assert!(out.contains("per quarter: percentile(90, s.score as v where v.score > 1) <= 9\n"), "{out}");
    assert!(
        out.contains(
            "per month: share(s as v where v.score >= 9) - share(s as v where v.score <= 6) + share(s where score == 7) >= 30%\n"
        ),
        "{out}"
    );
}

#[test]
fn deadlines_from_dates_rolls_extensions_and_prior_conditions_print_back() {
    let src = "rule r { when a as r where r.x > 0 and prior b where customer == r.customer within 30 days and not prior c
      require d where k == r.k within 10 calendar days or by r.due, whichever is later, ending on a business day or before e where k == r.k
      extended by 30 days when f as x where k == r.k
      extended by 2 business days when g }
    rule s { when a as r where prior b require d by r.at }
    rule t { when a as r where (r.x or r.y) and prior b require d within 1 year, ending on a business day }
    rule u { forbid a as x where not prior b where k == x.k within 2 months }
    rule v { forbid a where time < since + 1 month and business_days_between(since, time) > next_business_day(time) - 3 business days }";
    let out = roundtrip(src);
    for line in [
        "when a as r where r.x > 0 and prior b where customer == r.customer within 30 days and not prior c\n",
        "require d where k == r.k within 10 calendar days or by r.due, whichever is later, ending on a business day or before e where k == r.k\n",
        "extended by 30 days when f as x where k == r.k\n",
        "extended by 2 business days when g\n",
        "when a as r where prior b\n",
        "require d by r.at\n",
        "when a as r where (r.x or r.y) and prior b\n",
        "require d within 1 year, ending on a business day\n",
        "forbid a as x where not prior b where k == x.k within 2 months\n",
        "where time < since + 1 month and business_days_between(since, time) > next_business_day(time) - 3 business days\n",
    ] {
        assert!(out.contains(line), "missing {line:?} in:\n{out}");
    }
}
