//! Compiling expressions: names resolved to the event they are read from
//! (or to a dated parameter), correlations split into hash keys and a
//! residual, literals turned into runtime values.

use super::*;

impl Compiler<'_> {
    /// Compiles an expression where `current` names the event being
    /// matched and `anchor` the trigger.
    pub(super) fn expr(&mut self, e: &Expr, current: Option<&str>, anchor: Option<&str>) -> CExpr {
        let slot_of = |name: &str| {
            if Some(name) == current {
                Some(Slot::Current)
            } else if Some(name) == anchor {
                Some(Slot::Anchor)
            } else {
                None
            }
        };
        let b = |x: CExpr| Box::new(x);
        match &e.kind {
            ExprKind::Lit(l) => CExpr::Lit(literal(l)),
            ExprKind::Paren(inner) => self.expr(inner, current, anchor),
            ExprKind::Name(n) => match (slot_of(&n.text), n.text.as_str()) {
                (Some(slot), _) => CExpr::Time(slot),
                (None, "time") => CExpr::Time(Slot::Current),
                (None, "type") => CExpr::Type(Slot::Current),
                (None, name) => match self.params.and_then(|p| p.get(name)) {
                    Some(p) => CExpr::Param(Box::new(schedule(&p.decl))),
                    None => CExpr::Attr(Slot::Current, self.proj.add_key(name)),
                },
            },
            ExprKind::Member(base, field) => {
                let slot = slot_of(&base.text).unwrap_or(Slot::Current);
                match field.text.as_str() {
                    "time" => CExpr::Time(slot),
                    "type" => CExpr::Type(slot),
                    f => CExpr::Attr(slot, self.proj.add_key(f)),
                }
            }
            ExprKind::Call(f, args) if crate::eval::numeric::NumFunc::parse(&f.text).is_some() => {
                let func = crate::eval::numeric::NumFunc::parse(&f.text).unwrap_or(crate::eval::numeric::NumFunc::Ceil);
                let mode = match args.get(2).map(|a| &a.kind) {
                    Some(ExprKind::Lit(Literal::Rounding(m))) => *m,
                    _ => ast::RoundMode::HalfUp,
                };
                let args = args
                    .iter()
                    .filter(|a| !matches!(a.kind, ExprKind::Lit(Literal::Rounding(_))))
                    .map(|a| self.expr(a, current, anchor))
                    .collect();
                CExpr::Num(func, mode, args)
            }
            ExprKind::Call(f, args) => {
                let mut args = args.iter().map(|a| self.expr(a, current, anchor));
                let arg = args.next().unwrap_or(CExpr::Lit(Val::Null));
                match Func::named(&f.text) {
                    Some(func) => CExpr::Func(func, b(arg)),
                    None => CExpr::BusinessDaysBetween(b(arg), b(args.next().unwrap_or(CExpr::Lit(Val::Null)))),
                }
            }
            ExprKind::Binary(op @ (ast::BinOp::Add | ast::BinOp::Sub), l, r) if calendar_literal(r).is_some() => {
                let (n, unit) = calendar_literal(r).unwrap_or((0, ast::DurationUnit::CalendarDay));
                let n = if *op == ast::BinOp::Sub { n.checked_neg() } else { Some(n) };
                match n {
                    Some(n) => CExpr::Shift(b(self.expr(l, current, anchor)), n, unit),
                    None => CExpr::Lit(Val::Null),
                }
            }
            ExprKind::Binary(ast::BinOp::Add, l, r) if calendar_literal(l).is_some() => {
                let (n, unit) = calendar_literal(l).unwrap_or((0, ast::DurationUnit::CalendarDay));
                CExpr::Shift(b(self.expr(r, current, anchor)), n, unit)
            }
            ExprKind::Unary(UnOp::Not, x) => CExpr::Not(b(self.expr(x, current, anchor))),
            ExprKind::Unary(UnOp::Neg, x) => CExpr::Neg(b(self.expr(x, current, anchor))),
            ExprKind::Binary(op, l, r) => {
                let (l, r) = (self.expr(l, current, anchor), self.expr(r, current, anchor));
                match op {
                    ast::BinOp::And => CExpr::And(b(l), b(r)),
                    ast::BinOp::Or => CExpr::Or(b(l), b(r)),
                    ast::BinOp::Cmp(c) => CExpr::Cmp(*c, b(l), b(r)),
                    other => CExpr::Arith(*other, b(l), b(r)),
                }
            }
            ExprKind::In { value, list, negated } => {
                let v = self.expr(value, current, anchor);
                let items = list.iter().map(|x| self.expr(x, current, anchor)).collect();
                CExpr::In(b(v), items, *negated)
            }
            ExprKind::During(value, spans) => CExpr::During(b(self.expr(value, current, anchor)), spans.clone()),
        }
    }
}

/// Splits a condition into hash-key equalities and a residual.
pub(super) fn split(e: CExpr) -> Corr {
    let mut conjuncts = vec![];
    flatten(e, &mut conjuncts);
    let mut corr = Corr::default();
    for c in conjuncts {
        match c {
            CExpr::Cmp(ast::CmpOp::Eq, ref l, ref r) => match (l.as_ref(), r.as_ref()) {
                (CExpr::Attr(Slot::Current, k1), CExpr::Attr(Slot::Anchor, k2))
                | (CExpr::Attr(Slot::Anchor, k2), CExpr::Attr(Slot::Current, k1)) => corr.pairs.push((*k1, *k2)),
                _ => corr.residual = Some(and(corr.residual.take(), c)),
            },
            other => corr.residual = Some(and(corr.residual.take(), other)),
        }
    }
    corr
}

fn flatten(e: CExpr, out: &mut Vec<CExpr>) {
    match e {
        CExpr::And(a, b) => {
            flatten(*a, out);
            flatten(*b, out);
        }
        other => out.push(other),
    }
}

fn and(acc: Option<CExpr>, next: CExpr) -> CExpr {
    match acc {
        Some(a) => CExpr::And(Box::new(a), Box::new(next)),
        None => next,
    }
}

/// The value of a constant expression (a bound).
pub(super) fn constant(e: &CExpr) -> Val {
    let calendar = Calendar::weekends_only();
    let ctx =
        crate::eval::expr::Ctx { current: None, anchor: None, tz: chrono_tz::UTC, calendar: &calendar, names: &[] };
    e.eval(&ctx)
}

/// `N unit` for a calendar unit (possibly bracketed or negated), which only
/// moves a time: `t + 1 month`.
pub fn calendar_literal(e: &Expr) -> Option<(i64, ast::DurationUnit)> {
    match &e.kind {
        ExprKind::Lit(Literal::Duration(n, unit)) if unit.is_calendar() => Some((*n, *unit)),
        ExprKind::Paren(inner) => calendar_literal(inner),
        ExprKind::Unary(UnOp::Neg, inner) => calendar_literal(inner).and_then(|(n, u)| Some((n.checked_neg()?, u))),
        _ => None,
    }
}

/// A literal as a runtime value. A calendar duration (days counted on the
/// calendar, months, years) has no fixed length: alone it is Null (the
/// checker rejects it), and `t ± N unit` compiles to [`CExpr::Shift`].
pub fn literal(l: &Literal) -> Val {
    match l {
        Literal::Str(s) => Val::Str(s.as_str().into()),
        Literal::Int(i) => Val::Int(*i),
        Literal::Decimal(d) => Val::Dec(*d),
        Literal::Percent(p) => Val::Percent(*p),
        Literal::Money(d, c) => Val::Money(*d, c.as_str().into()),
        Literal::Duration(n, unit) => {
            let size = match unit {
                ast::DurationUnit::Second => SECOND,
                ast::DurationUnit::Minute => MINUTE,
                ast::DurationUnit::Hour => HOUR,
                ast::DurationUnit::Week => WEEK,
                ast::DurationUnit::Day => DAY,
                _ => return Val::Null,
            };
            n.checked_mul(size).map_or(Val::Null, Val::Dur)
        }
        Literal::Bool(b) => Val::Bool(*b),
        Literal::Date(d) => Val::Date(*d),
        Literal::DateTime(t) => Val::Time(crate::time::to_micros(*t)),
        Literal::Rounding(_) => Val::Null,
    }
}
