//! Lowering expressions: precedence levels, operators, time predicates.

use super::*;
use crate::span::Span;
use crate::syntax::Rule;

/// The most operators one chain may hold (`a + b + ...`, `not not ...`).
const MAX_CHAIN: usize = 256;

/// The deepest an expression tree may be, brackets and chains together:
/// every later pass (checking, formatting, evaluating) walks it recursively.
pub const MAX_EXPR_DEPTH: usize = 256;

impl Lowerer<'_> {
    /// An expression, bounded: a chain of more than [`MAX_CHAIN`] operators
    /// or a tree deeper than [`MAX_EXPR_DEPTH`] is reported and replaced by
    /// a neutral value, so no later pass recurses past the bound.
    pub(super) fn expr(&mut self, pair: P) -> Expr {
        let e = self.node(pair);
        if depth(&e) > MAX_EXPR_DEPTH {
            self.error(Problem::ExpressionTooDeep { limit: MAX_EXPR_DEPTH }, e.span);
            return Expr { kind: ExprKind::Lit(Literal::Bool(false)), span: e.span };
        }
        e
    }

    /// True (and reported) when a chain or a run of unary operators holds
    /// more than [`MAX_CHAIN`] operators.
    fn too_long(&mut self, operators: usize, span: Span) -> bool {
        if operators > MAX_CHAIN {
            self.error(Problem::ExpressionTooDeep { limit: MAX_EXPR_DEPTH }, span);
        }
        operators > MAX_CHAIN
    }

    // ------------------------------------------------------------ expressions

    /// One node of an expression and what is below it.
    fn node(&mut self, pair: P) -> Expr {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::expr => self.chain(pair, |_| Some(BinOp::Or)),
            Rule::and_expr => self.chain(pair, |_| Some(BinOp::And)),
            Rule::not_expr
                if self.too_long(pair.clone().into_inner().filter(|p| p.as_rule() == Rule::kw_not).count(), span) =>
            {
                Expr { kind: ExprKind::Lit(Literal::Bool(false)), span }
            }
            Rule::not_expr => {
                let mut nots = 0;
                let mut inner = None;
                for p in pair.into_inner() {
                    match p.as_rule() {
                        Rule::kw_not => nots += 1,
                        _ => inner = Some(self.node(p)),
                    }
                }
                let mut e = inner.unwrap_or(Expr { kind: ExprKind::Lit(Literal::Bool(false)), span });
                for _ in 0..nots {
                    e = Expr { kind: ExprKind::Unary(UnOp::Not, Box::new(e)), span };
                }
                e
            }
            Rule::cmp_expr => self.cmp_expr(pair, span),
            Rule::sum_expr | Rule::product => self.chain(pair, |p| {
                Some(if p.as_str() == "+" {
                    BinOp::Add
                } else if p.as_str() == "-" {
                    BinOp::Sub
                } else if p.as_str() == "*" {
                    BinOp::Mul
                } else {
                    BinOp::Div
                })
            }),
            Rule::unary
                if self.too_long(pair.clone().into_inner().filter(|p| p.as_rule() == Rule::neg).count(), span) =>
            {
                Expr { kind: ExprKind::Lit(Literal::Int(0)), span }
            }
            Rule::unary => {
                let mut negs = 0;
                let mut inner = None;
                for p in pair.into_inner() {
                    match p.as_rule() {
                        Rule::neg => negs += 1,
                        _ => inner = Some(self.node(p)),
                    }
                }
                let mut e = inner.unwrap_or(Expr { kind: ExprKind::Lit(Literal::Int(0)), span });
                for _ in 0..negs {
                    e = Expr { kind: ExprKind::Unary(UnOp::Neg, Box::new(e)), span };
                }
                e
            }
            Rule::primary => match pair.into_inner().next() {
                Some(p) => self.node(p),
                None => Expr { kind: ExprKind::Lit(Literal::Bool(false)), span },
            },
            Rule::paren => {
                let inner = kids(pair).into_iter().next().map(|p| self.node(p));
                let inner = inner.unwrap_or(Expr { kind: ExprKind::Lit(Literal::Bool(false)), span });
                Expr { kind: ExprKind::Paren(Box::new(inner)), span }
            }
            Rule::literal => Expr { kind: ExprKind::Lit(self.literal(pair)), span },
            Rule::call => {
                let mut parts = kids(pair).into_iter();
                let func = parts.next().map(|p| self.ident(&p));
                let args = parts.map(|p| self.call_arg(p)).collect();
                let func = func.unwrap_or(Name { text: String::new(), quoted: false, span });
                Expr { kind: ExprKind::Call(func, args), span }
            }
            Rule::member => {
                let mut parts = kids(pair).into_iter();
                let base = parts.next().map(|p| self.ident(&p));
                let field = parts.next().map(|p| self.name(p));
                match (base, field) {
                    (Some(b), Some(f)) => Expr { kind: ExprKind::Member(b, f), span },
                    _ => Expr { kind: ExprKind::Lit(Literal::Bool(false)), span },
                }
            }
            Rule::ident => Expr { kind: ExprKind::Name(self.ident(&pair)), span },
            _ => Expr { kind: ExprKind::Lit(Literal::Bool(false)), span },
        }
    }

    /// An argument of a call: an expression, or `round`'s mode.
    fn call_arg(&mut self, pair: P) -> Expr {
        if pair.as_rule() != Rule::rounding {
            return self.node(pair);
        }
        let span = self.span(&pair);
        let mode = if pair.as_str().ends_with("even") { RoundMode::HalfEven } else { RoundMode::HalfUp };
        Expr { kind: ExprKind::Lit(Literal::Rounding(mode)), span }
    }

    /// A left-associative chain `a op b op c` whose operators are either
    /// implied by the rule (`and`, `or`) or operator pairs.
    pub(super) fn chain(&mut self, pair: P, op_of: impl Fn(&P) -> Option<BinOp>) -> Expr {
        let span = self.span(&pair);
        let operands = pair
            .clone()
            .into_inner()
            .filter(|p| !matches!(p.as_rule(), Rule::add_op | Rule::mul_op) && !is_keyword(p.as_rule()))
            .count();
        if self.too_long(operands.saturating_sub(1), span) {
            // A neutral value of the chain's kind, so nothing else is reported.
            let numeric = matches!(pair.as_rule(), Rule::sum_expr | Rule::product);
            let lit = if numeric { Literal::Int(0) } else { Literal::Bool(false) };
            return Expr { kind: ExprKind::Lit(lit), span };
        }
        let mut acc: Option<Expr> = None;
        let mut pending_op = None;
        for p in kids(pair) {
            match p.as_rule() {
                Rule::add_op | Rule::mul_op => pending_op = op_of(&p),
                _ => {
                    let rhs = self.node(p.clone());
                    acc = Some(match acc {
                        None => rhs,
                        Some(lhs) => {
                            let op = pending_op.take().or_else(|| op_of(&p)).unwrap_or(BinOp::And);
                            let span = lhs.span.to(rhs.span);
                            Expr { kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)), span }
                        }
                    });
                }
            }
        }
        acc.unwrap_or(Expr { kind: ExprKind::Lit(Literal::Bool(false)), span: Span::default() })
    }

    pub(super) fn cmp_expr(&mut self, pair: P, span: Span) -> Expr {
        let mut lhs = None;
        let mut negated = false;
        let mut op = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::kw_not => negated = true,
                Rule::kw_in | Rule::kw_during => {}
                Rule::cmp_op => op = Some(cmp_op(p.as_str())),
                Rule::list => {
                    let list = kids(p).into_iter().map(|e| self.node(e)).collect();
                    let value =
                        Box::new(lhs.take().unwrap_or(Expr { kind: ExprKind::Lit(Literal::Bool(false)), span }));
                    return Expr { kind: ExprKind::In { value, list, negated }, span };
                }
                Rule::hours => {
                    let spans = kids(p).into_iter().map(|h| self.hours_span(h)).collect();
                    let value =
                        Box::new(lhs.take().unwrap_or(Expr { kind: ExprKind::Lit(Literal::Bool(false)), span }));
                    return Expr { kind: ExprKind::During(value, spans), span };
                }
                _ => {
                    let e = self.node(p);
                    lhs = Some(match (lhs.take(), op) {
                        (Some(l), Some(o)) => {
                            Expr { kind: ExprKind::Binary(BinOp::Cmp(o), Box::new(l), Box::new(e)), span }
                        }
                        _ => e,
                    });
                }
            }
        }
        lhs.unwrap_or(Expr { kind: ExprKind::Lit(Literal::Bool(false)), span })
    }

    pub(super) fn hours_span(&mut self, pair: P) -> HoursSpan {
        let span = self.span(&pair);
        let mut h = HoursSpan { from_day: Weekday::Mon, to_day: Weekday::Mon, clock: None, span };
        for p in kids(pair) {
            match p.as_rule() {
                Rule::day_range => {
                    let days: Vec<Weekday> = kids(p).iter().filter_map(|d| Weekday::parse(d.as_str())).collect();
                    h.from_day = days.first().copied().unwrap_or(Weekday::Mon);
                    h.to_day = days.last().copied().unwrap_or(h.from_day);
                }
                Rule::clock_range => {
                    let mut clocks = kids(p).into_iter();
                    let open = clocks.next().map(|c| self.clock(c)).unwrap_or_default();
                    let close = clocks.next().map(|c| self.clock(c)).unwrap_or_default();
                    h.clock = Some((open, close));
                }
                _ => {}
            }
        }
        h
    }
}

/// The depth of an expression tree, walked without recursion.
fn depth(e: &Expr) -> usize {
    let mut deepest = 0;
    let mut todo = vec![(e, 1usize)];
    while let Some((e, d)) = todo.pop() {
        deepest = deepest.max(d);
        match &e.kind {
            ExprKind::Lit(_) | ExprKind::Name(_) | ExprKind::Member(..) => {}
            ExprKind::Call(_, args) => todo.extend(args.iter().map(|a| (a, d + 1))),
            ExprKind::Unary(_, x) | ExprKind::Paren(x) | ExprKind::During(x, _) => todo.push((x, d + 1)),
            ExprKind::Binary(_, a, b) => {
                todo.push((a, d + 1));
                todo.push((b, d + 1));
            }
            ExprKind::In { value, list, .. } => {
                todo.push((value, d + 1));
                todo.extend(list.iter().map(|x| (x, d + 1)));
            }
        }
    }
    deepest
}
