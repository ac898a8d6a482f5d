//! The text of names, literals and expressions: always one line, no
//! comments, and re-parsing it gives back the same tree.

use crate::syntax::ast::{BinOp, DurationUnit, Expr, ExprKind, HoursSpan, Literal, Money, Name, UnOp};
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, SecondsFormat, Timelike};
use rust_decimal::Decimal;

// A name spelled like a keyword must be quoted.
use crate::syntax::KEYWORDS;

/// A string literal, re-escaped from its value.
pub(super) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A name where the grammar takes an identifier or a string: bare when it
/// was written bare, quoted otherwise (or when it could not be bare).
pub(super) fn name(n: &Name) -> String {
    if n.quoted || !can_be_bare(&n.text) {
        quote(&n.text)
    } else {
        n.text.clone()
    }
}

/// A name where the grammar takes only an identifier.
pub(super) fn ident(n: &Name) -> &str {
    &n.text
}

/// True when `s` reads back as the same identifier. Non-ASCII letters are
/// trusted: only the parser produces bare names, and it checked them.
fn can_be_bare(s: &str) -> bool {
    let word = |c: char| c == '_' || !c.is_ascii() || c.is_ascii_alphanumeric();
    s.chars().next().is_some_and(|c| word(c) && !c.is_ascii_digit()) && s.chars().all(word) && !KEYWORDS.contains(&s)
}

/// A number that must read back as a decimal, not an integer.
fn decimal(d: Decimal) -> String {
    if d.scale() == 0 {
        format!("{d}.0")
    } else {
        d.to_string()
    }
}

/// `10.50 GBP`: the amount keeps its written scale.
pub(super) fn money(m: &Money) -> String {
    format!("{} {}", m.amount, m.currency)
}

/// `1 day`, `7 days`, `2 business days`.
pub(super) fn duration(amount: i64, unit: DurationUnit) -> String {
    format!("{amount} {}", unit.as_str(amount.unsigned_abs() != 1))
}

/// `2026-03-02`.
pub(super) fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A timestamp: as written when `written` spells the same instant with the
/// same offset, else RFC 3339 (which keeps the offset too).
pub(super) fn datetime(t: &DateTime<FixedOffset>, written: Option<&str>) -> String {
    if let Some(w) = written {
        let shape = w.len() >= 20 && w.chars().all(|c| c.is_ascii_digit() || "-:T.Z+".contains(c));
        if shape && DateTime::parse_from_rfc3339(w).is_ok_and(|p| p == *t && p.offset() == t.offset()) {
            return w.to_string();
        }
    }
    t.to_rfc3339_opts(SecondsFormat::AutoSi, false)
}

/// A literal; `written` is its source text, used for timestamps only.
pub(super) fn literal(l: &Literal, written: Option<&str>) -> String {
    match l {
        Literal::Str(s) => quote(s),
        Literal::Int(i) => i.to_string(),
        Literal::Decimal(d) => decimal(*d),
        Literal::Percent(d) => format!("{d}%"),
        Literal::Money(d, c) => format!("{d} {c}"),
        Literal::Duration(n, u) => duration(*n, *u),
        Literal::Bool(b) => b.to_string(),
        Literal::Date(d) => date(*d),
        Literal::DateTime(t) => datetime(t, written),
        Literal::Rounding(m) => m.as_str().to_string(),
    }
}

/// A time of day; the end of the day (23:59:59) was written `24:00`.
fn clock(t: NaiveTime) -> String {
    match (t.hour(), t.minute(), t.second()) {
        (23, 59, 59) => "24:00".to_string(),
        (h, m, 0) => format!("{h:02}:{m:02}"),
        (h, m, s) => format!("{h:02}:{m:02}:{s:02}"),
    }
}

/// `mon-fri 08:00-20:00`, `sat`.
fn hours_span(h: &HoursSpan) -> String {
    let mut s = h.from_day.as_str().to_string();
    if h.to_day != h.from_day {
        s.push('-');
        s.push_str(h.to_day.as_str());
    }
    if let Some((open, close)) = h.clock {
        s.push(' ');
        s.push_str(&clock(open));
        s.push('-');
        s.push_str(&clock(close));
    }
    s
}

// ---------------------------------------------------------------- expressions
//
// Binding levels, loosest first, as in the grammar: or (1), and (2), not (3),
// comparisons, `in` and `during` (4), + - (5), * / (6), unary minus (7),
// everything else (8). An operand is bracketed only when its level is below
// what its position needs, which never happens in a tree from the parser:
// there, brackets are `Paren` nodes.

fn level(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::Binary(BinOp::Or, ..) => 1,
        ExprKind::Binary(BinOp::And, ..) => 2,
        ExprKind::Unary(UnOp::Not, _) => 3,
        ExprKind::Binary(BinOp::Cmp(_), ..) | ExprKind::In { .. } | ExprKind::During(..) => 4,
        ExprKind::Binary(BinOp::Add | BinOp::Sub, ..) => 5,
        ExprKind::Binary(BinOp::Mul | BinOp::Div, ..) => 6,
        ExprKind::Unary(UnOp::Neg, _) => 7,
        ExprKind::Lit(l) if is_negative(l) => 7,
        _ => 8,
    }
}

fn is_negative(l: &Literal) -> bool {
    match l {
        Literal::Int(i) => *i < 0,
        Literal::Decimal(d) | Literal::Percent(d) | Literal::Money(d, _) => d.is_sign_negative(),
        Literal::Duration(n, _) => *n < 0,
        _ => false,
    }
}

/// The text of an expression; `source` gives timestamps their spelling.
pub(super) fn expr(e: &Expr, source: &str) -> String {
    let mut out = String::new();
    write_expr(&mut out, e, 1, source);
    out
}

fn write_expr(out: &mut String, e: &Expr, min: u8, source: &str) {
    if level(e) < min {
        out.push('(');
        write_expr(out, e, 1, source);
        out.push(')');
        return;
    }
    match &e.kind {
        ExprKind::Lit(l) => out.push_str(&literal(l, source.get(e.span.start..e.span.end))),
        ExprKind::Name(n) => out.push_str(ident(n)),
        ExprKind::Member(base, field) => {
            out.push_str(ident(base));
            out.push('.');
            out.push_str(&name(field));
        }
        ExprKind::Call(func, args) => {
            out.push_str(ident(func));
            out.push('(');
            write_list(out, args, source);
            out.push(')');
        }
        ExprKind::Unary(..) => write_unary(out, e, source),
        ExprKind::Binary(..) => write_binary(out, e, source),
        ExprKind::In { value, list, negated } => {
            write_expr(out, value, 5, source);
            out.push_str(if *negated { " not in [" } else { " in [" });
            write_list(out, list, source);
            out.push(']');
        }
        ExprKind::During(value, spans) => {
            write_expr(out, value, 5, source);
            out.push_str(" during ");
            out.push_str(&spans.iter().map(hours_span).collect::<Vec<_>>().join(", "));
        }
        ExprKind::Paren(inner) => {
            out.push('(');
            write_expr(out, inner, 1, source);
            out.push(')');
        }
    }
}

fn write_list(out: &mut String, items: &[Expr], source: &str) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_expr(out, item, 1, source);
    }
}

/// A chain of `not` and `-`, iteratively (chains can be long).
fn write_unary(out: &mut String, e: &Expr, source: &str) {
    let mut cur = e;
    while let ExprKind::Unary(op, inner) = &cur.kind {
        let (prefix, min) = match op {
            UnOp::Not => ("not ", 3),
            UnOp::Neg => ("-", 7),
        };
        out.push_str(prefix);
        if matches!(inner.kind, ExprKind::Unary(..)) && level(inner) >= min {
            cur = inner;
        } else {
            write_expr(out, inner, min, source);
            return;
        }
    }
}

/// A left-associative chain `a op b op c` of one level, iteratively along its
/// left spine. Comparisons do not chain: both sides sit one level tighter.
fn write_binary(out: &mut String, e: &Expr, source: &str) {
    let lvl = level(e);
    let mut rights: Vec<(BinOp, &Expr)> = vec![];
    let mut cur = e;
    while let ExprKind::Binary(op, left, right) = &cur.kind {
        if level(cur) != lvl {
            break;
        }
        rights.push((*op, right));
        cur = left;
        if lvl == 4 {
            break;
        }
    }
    let (left_min, right_min) = if lvl == 4 { (5, 5) } else { (lvl, lvl + 1) };
    write_expr(out, cur, left_min, source);
    for (op, right) in rights.iter().rev() {
        out.push(' ');
        out.push_str(op.as_str());
        out.push(' ');
        write_expr(out, right, right_min, source);
    }
}

/// True for an expression `unless` would read as an event type.
pub(super) fn reads_as_event(e: &Expr) -> bool {
    matches!(e.kind, ExprKind::Name(_) | ExprKind::Lit(Literal::Str(_)))
}
