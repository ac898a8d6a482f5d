//! Moving a parsed tree to another place in the text: every span of every
//! node, by the same number of bytes. A chunk parsed once is reused at
//! whatever offset it has moved to.

use tenet::diagnostics::Diagnostic;
use tenet::span::{Span, Spanned};
use tenet::syntax::ast::*;

/// Something holding spans.
pub trait Shift {
    /// Moves every span right by `by` bytes.
    fn shift(&mut self, by: usize);
}

impl Shift for Span {
    fn shift(&mut self, by: usize) {
        *self = Span::new(self.start + by, self.end + by);
    }
}

impl<T: Shift> Shift for Option<T> {
    fn shift(&mut self, by: usize) {
        if let Some(x) = self {
            x.shift(by);
        }
    }
}

impl<T: Shift> Shift for Vec<T> {
    fn shift(&mut self, by: usize) {
        for x in self {
            x.shift(by);
        }
    }
}

impl<T: Shift> Shift for Box<T> {
    fn shift(&mut self, by: usize) {
        (**self).shift(by);
    }
}

impl<T> Shift for Spanned<T> {
    fn shift(&mut self, by: usize) {
        self.span.shift(by);
    }
}

impl Shift for Diagnostic {
    fn shift(&mut self, by: usize) {
        self.span.shift(by);
        for r in &mut self.related {
            r.span.shift(by);
        }
        if let Some(f) = &mut self.fix {
            f.span.shift(by);
        }
    }
}

/// `impl Shift` for structs: the listed fields are shifted.
macro_rules! shift_fields {
    ($($ty:ty => $($field:ident),*;)*) => {
        $(impl Shift for $ty {
            fn shift(&mut self, by: usize) {
                $(self.$field.shift(by);)*
            }
        })*
    };
}

shift_fields! {
    File => items, comments;
    Comment => span;
    Name => span;
    Text => span;
    InForce => from, until, span;
    DateLit => span;
    Jurisdiction => name, title, extends, timezone, calendar, in_force, span;
    Import => path, span;
    EventDecl => name, description, fields, span;
    FieldDecl => name, ty, span;
    TypeName => span;
    CalendarDecl => name, title, extends, weekends, holidays, span;
    Holiday => date, name, span;
    RuleDecl => name, title, cites, legal_text, in_force, clauses, span;
    When => event, alias, condition, span;
    Require => events, alias, condition, within, before, span;
    Before => event, condition, span;
    Unless => kind, span;
    EventMatch => event, alias, condition;
    Forbid => event, within, span;
    Remedy => terms, cap, span;
    RemedyTerm => amount, per, span;
    Money => span;
    Aggregate => group, measure, op, bound, span;
    DurationLit => span;
    TestDecl => name, given, as_of, expects, span;
    DateTimeLit => span;
    GivenEvent => time, event, fields, span;
    GivenField => name, span;
    Expectation => kind, rule, key, span;
    Expr => kind, span;
    HoursSpan => span;
}

impl Shift for Item {
    fn shift(&mut self, by: usize) {
        match self {
            Item::Jurisdiction(x) => x.shift(by),
            Item::Import(x) => x.shift(by),
            Item::Event(x) => x.shift(by),
            Item::Calendar(x) => x.shift(by),
            Item::Rule(x) => x.shift(by),
            Item::Test(x) => x.shift(by),
            Item::Error(s) => s.shift(by),
        }
    }
}

impl Shift for Clause {
    fn shift(&mut self, by: usize) {
        match self {
            Clause::When(x) => x.shift(by),
            Clause::Require(x) => x.shift(by),
            Clause::Unless(x) => x.shift(by),
            Clause::Forbid(x) => x.shift(by),
            Clause::Remedy(x) => x.shift(by),
            Clause::Aggregate(x) => x.shift(by),
        }
    }
}

impl Shift for UnlessKind {
    fn shift(&mut self, by: usize) {
        match self {
            UnlessKind::Condition(e) => e.shift(by),
            UnlessKind::Event(m) => m.shift(by),
            UnlessKind::Prior(m, d) => {
                m.shift(by);
                d.shift(by);
            }
        }
    }
}

impl Shift for Group {
    fn shift(&mut self, by: usize) {
        match self {
            Group::Keys(k) => k.shift(by),
            Group::Period(p) => p.shift(by),
        }
    }
}

impl Shift for Measure {
    fn shift(&mut self, by: usize) {
        match self {
            Measure::Rate { rule, span } => {
                rule.shift(by);
                span.shift(by);
            }
            Measure::Delay { func, percentile, from, to, to_condition, span } => {
                func.shift(by);
                percentile.shift(by);
                from.shift(by);
                to.shift(by);
                to_condition.shift(by);
                span.shift(by);
            }
            Measure::Events { func, event, field, span } => {
                func.shift(by);
                event.shift(by);
                field.shift(by);
                span.shift(by);
            }
        }
    }
}

impl Shift for ExpectKind {
    fn shift(&mut self, by: usize) {
        match self {
            ExpectKind::Verdict { count, verdict } => {
                count.shift(by);
                verdict.shift(by);
            }
            ExpectKind::Remedy(m) => m.shift(by),
        }
    }
}

impl Shift for ExprKind {
    fn shift(&mut self, by: usize) {
        match self {
            ExprKind::Lit(_) => {}
            ExprKind::Name(n) => n.shift(by),
            ExprKind::Member(a, f) => {
                a.shift(by);
                f.shift(by);
            }
            ExprKind::Call(f, args) => {
                f.shift(by);
                args.shift(by);
            }
            ExprKind::Unary(_, e) | ExprKind::Paren(e) => e.shift(by),
            ExprKind::Binary(_, l, r) => {
                l.shift(by);
                r.shift(by);
            }
            ExprKind::In { value, list, .. } => {
                value.shift(by);
                list.shift(by);
            }
            ExprKind::During(e, spans) => {
                e.shift(by);
                spans.shift(by);
            }
        }
    }
}
