use super::text;
use super::*;
use crate::syntax::ast::*;

fn e(kind: ExprKind) -> Expr {
    Expr { kind, span: Span::default() }
}

fn var(s: &str) -> Expr {
    e(ExprKind::Name(Name { text: s.into(), quoted: false, span: Span::default() }))
}

fn bin(op: BinOp, l: Expr, r: Expr) -> Expr {
    e(ExprKind::Binary(op, Box::new(l), Box::new(r)))
}

#[test]
fn strings_are_re_escaped() {
    assert_eq!(text::quote("a\"b\\c\nd\te"), r#""a\"b\\c\nd\te""#);
}

#[test]
fn names_are_bare_only_when_they_can_be() {
    let n = |t: &str, quoted| Name { text: t.into(), quoted, span: Span::default() };
    assert_eq!(text::name(&n("case", false)), "case");
    assert_eq!(text::name(&n("case", true)), "\"case\"");
    assert_eq!(text::name(&n("org:resource", false)), "\"org:resource\"");
    assert_eq!(text::name(&n("text", false)), "\"text\"");
    assert_eq!(text::name(&n("", false)), "\"\"");
}

#[test]
fn operands_are_bracketed_only_when_the_tree_needs_it() {
    let one = || e(ExprKind::Lit(Literal::Int(1)));
    let sum = bin(BinOp::Add, var("a"), one());
    assert_eq!(text::expr(&bin(BinOp::Mul, sum.clone(), var("b")), ""), "(a + 1) * b");
    assert_eq!(text::expr(&bin(BinOp::Sub, var("b"), sum.clone()), ""), "b - (a + 1)");
    assert_eq!(text::expr(&bin(BinOp::Add, sum.clone(), var("b")), ""), "a + 1 + b");
    let and = bin(BinOp::And, var("x"), var("y"));
    assert_eq!(text::expr(&e(ExprKind::Unary(UnOp::Not, Box::new(and.clone()))), ""), "not (x and y)");
    assert_eq!(text::expr(&bin(BinOp::Or, and.clone(), var("z")), ""), "x and y or z");
    assert_eq!(text::expr(&bin(BinOp::And, var("z"), bin(BinOp::Or, var("x"), var("y"))), ""), "z and (x or y)");
    let cmp = bin(BinOp::Cmp(CmpOp::Eq), var("a"), var("b"));
    assert_eq!(text::expr(&bin(BinOp::Cmp(CmpOp::Ne), cmp, var("c")), ""), "(a == b) != c");
    let neg = e(ExprKind::Unary(UnOp::Neg, Box::new(e(ExprKind::Unary(UnOp::Neg, Box::new(var("a")))))));
    assert_eq!(text::expr(&neg, ""), "--a");
    let paren = e(ExprKind::Paren(Box::new(e(ExprKind::Paren(Box::new(var("a")))))));
    assert_eq!(text::expr(&paren, ""), "((a))");
}

#[test]
fn long_operator_chains_do_not_recurse_per_operand() {
    let mut x = var("a");
    for _ in 0..100_000 {
        x = e(ExprKind::Unary(UnOp::Not, Box::new(x)));
    }
    assert_eq!(text::expr(&x, "").len(), 100_000 * 4 + 1);
    let mut y = var("a");
    for _ in 0..100_000 {
        y = bin(BinOp::Add, y, var("b"));
    }
    assert!(text::expr(&y, "").ends_with("+ b"));
    // Dropping such deep trees recurses; let them leak instead.
    std::mem::forget(x);
    std::mem::forget(y);
}

#[test]
fn an_empty_or_mismatched_tree_prints_without_panicking() {
    assert_eq!(format(&File { items: vec![], comments: vec![] }, ""), "");
    let src = "// a\nrule r { when x as c where c.n == 1 // b\n }\n/* c */\n";
    let parsed = crate::syntax::parse(src, FileId(0));
    for other in ["", "x", "\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n", "é\u{1F600}é"] {
        let out = format(&parsed.file, other);
        for c in &parsed.file.comments {
            assert_eq!(out.matches(c.text.as_str()).count(), 1, "{out}");
        }
        assert!(out.contains("when x as c where c.n == 1"), "{out}");
    }
}

#[test]
fn unparsable_items_are_printed_as_written_and_refused_by_format_source() {
    let src = "event a { x: id }\nrule broken { when }\n// kept\n";
    let parsed = crate::syntax::parse(src, FileId(0));
    assert!(parsed.file.items.iter().any(|i| matches!(i, Item::Error(_))));
    let out = format(&parsed.file, src);
    assert!(out.contains("rule broken { when }"), "{out}");
    assert_eq!(out.matches("// kept").count(), 1, "{out}");
    assert!(format_source(src).is_err());
    assert!(format_source("").is_err());
}

#[test]
fn clocks_and_timestamps_keep_their_meaning() {
    let src = "rule r { when a where t during mon-fri 08:00-24:00, sat 09:00:30-13:00 }\n\
               test \"t\" { given { 2026-03-02T09:00:00Z a { at: 2026-03-02T09:00:00.5-03:00 } } \
               as of 2026-03-03T00:00:00+00:00 }\n";
    let out = format_source(src).unwrap_or_default();
    assert!(out.contains("t during mon-fri 08:00-24:00, sat 09:00:30-13:00"), "{out}");
    assert!(out.contains("2026-03-02T09:00:00Z a { at: 2026-03-02T09:00:00.5-03:00 }"), "{out}");
    assert!(out.contains("as of 2026-03-03T00:00:00+00:00"), "{out}");
}

#[test]
fn calendar_workdays_print_back_in_place() {
    let src = "calendar X extends CN {\n  holiday 2026-02-13 \"a\"\n  // worked\n  workday 2026-02-14 \"b\"\n  workday 2026-02-28\n  holiday 2026-03-02\n}\n";
    let parsed = crate::syntax::parse(src, FileId(0));
    assert!(parsed.diagnostics.is_empty(), "{:#?}", parsed.diagnostics);
    assert_eq!(format(&parsed.file, src), src);
}
