//! Moving a parsed tree to another place in the text: every span of every
//! node, by the same number of bytes. A chunk parsed once is reused at
//! whatever offset it has moved to.

use tenet::diagnostics::Diagnostic;
use tenet::span::{Span, Spanned};
use tenet::syntax::ast::*;

/// Something holding spans.
pub trait Shift {
    /// Moves every span right by `by` bytes.
    fn move_by(&mut self, by: usize);
}

impl Shift for Span {
    fn move_by(&mut self, by: usize) {
        *self = Span::new(self.start + by, self.end + by);
    }
}

impl<T: Shift> Shift for Option<T> {
    fn move_by(&mut self, by: usize) {
        if let Some(x) = self {
            x.move_by(by);
        }
    }
}

impl<T: Shift> Shift for Vec<T> {
    fn move_by(&mut self, by: usize) {
        for x in self {
            x.move_by(by);
        }
    }
}

impl<A: Shift, B: Shift> Shift for (A, B) {
    fn move_by(&mut self, by: usize) {
        self.0.move_by(by);
        self.1.move_by(by);
    }
}

impl<T: Shift> Shift for Box<T> {
    fn move_by(&mut self, by: usize) {
        (**self).move_by(by);
    }
}

impl<T> Shift for Spanned<T> {
    fn move_by(&mut self, by: usize) {
        self.span.move_by(by);
    }
}

impl Shift for Diagnostic {
    fn move_by(&mut self, by: usize) {
        self.span.move_by(by);
        for r in &mut self.related {
            r.span.move_by(by);
        }
        if let Some(f) = &mut self.fix {
            f.span.move_by(by);
        }
    }
}

/// `impl Shift` for structs: the listed fields are shifted.
macro_rules! shift_fields {
    ($($ty:ty => $($field:ident),*;)*) => {
        $(impl Shift for $ty {
            fn move_by(&mut self, by: usize) {
                $(self.$field.move_by(by);)*
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
    When => event, alias, condition, priors, span;
    PriorCondition => event, within, span;
    Extend => amount, event, span;
    ByDate => expr, whichever, span;
    Roll => span;
    Require => events, alias, condition, within, within_param, by, roll, before, every, span;
    Every => every, until, span;
    Before => event, condition, span;
    Unless => kind, span;
    EventMatch => event, alias, condition;
    Forbid => event, priors, within, span;
    Remedy => terms, cap, span;
    RemedyTerm => amount, per, tiers, span;
    RemedyTier => after, amount, per, span;
    ParameterDecl => name, title, cites, legal_text, entries, span;
    ParamEntry => value_span, from, until, span;
    Money => span;
    Aggregate => group, measure, more, op, bound, span;
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
    fn move_by(&mut self, by: usize) {
        match self {
            Item::Jurisdiction(x) => x.move_by(by),
            Item::Import(x) => x.move_by(by),
            Item::Event(x) => x.move_by(by),
            Item::Calendar(x) => x.move_by(by),
            Item::Parameter(x) => x.move_by(by),
            Item::Rule(x) => x.move_by(by),
            Item::Test(x) => x.move_by(by),
            Item::Error(s) => s.move_by(by),
        }
    }
}

impl Shift for Clause {
    fn move_by(&mut self, by: usize) {
        match self {
            Clause::When(x) => x.move_by(by),
            Clause::Require(x) => x.move_by(by),
            Clause::Unless(x) => x.move_by(by),
            Clause::Forbid(x) => x.move_by(by),
            Clause::Remedy(x) => x.move_by(by),
            Clause::Aggregate(x) => x.move_by(by),
            Clause::Extend(x) => x.move_by(by),
        }
    }
}

impl Shift for UnlessKind {
    fn move_by(&mut self, by: usize) {
        match self {
            UnlessKind::Condition(e) => e.move_by(by),
            UnlessKind::Event(m) => m.move_by(by),
            UnlessKind::Prior(m, d) => {
                m.move_by(by);
                d.move_by(by);
            }
        }
    }
}

impl Shift for Group {
    fn move_by(&mut self, by: usize) {
        match self {
            Group::Keys(k) => k.move_by(by),
            Group::Period(p) => p.move_by(by),
        }
    }
}

impl Shift for Measure {
    fn move_by(&mut self, by: usize) {
        match self {
            Measure::Rate { rule, span } => {
                rule.move_by(by);
                span.move_by(by);
            }
            Measure::Delay { func, percentile, from, to, to_condition, span } => {
                func.move_by(by);
                percentile.move_by(by);
                from.move_by(by);
                to.move_by(by);
                to_condition.move_by(by);
                span.move_by(by);
            }
            Measure::Share { event, span } => {
                event.move_by(by);
                span.move_by(by);
            }
            Measure::Events { func, percentile, event, field, span } => {
                func.move_by(by);
                percentile.move_by(by);
                event.move_by(by);
                field.move_by(by);
                span.move_by(by);
            }
        }
    }
}

impl Shift for ExpectKind {
    fn move_by(&mut self, by: usize) {
        match self {
            ExpectKind::Verdict { count, verdict } => {
                count.move_by(by);
                verdict.move_by(by);
            }
            ExpectKind::Remedy(m) => m.move_by(by),
        }
    }
}

impl Shift for ExprKind {
    fn move_by(&mut self, by: usize) {
        match self {
            ExprKind::Lit(_) => {}
            ExprKind::Name(n) => n.move_by(by),
            ExprKind::Member(a, f) => {
                a.move_by(by);
                f.move_by(by);
            }
            ExprKind::Call(f, args) => {
                f.move_by(by);
                args.move_by(by);
            }
            ExprKind::Unary(_, e) | ExprKind::Paren(e) => e.move_by(by),
            ExprKind::Binary(_, l, r) => {
                l.move_by(by);
                r.move_by(by);
            }
            ExprKind::In { value, list, .. } => {
                value.move_by(by);
                list.move_by(by);
            }
            ExprKind::During(e, spans) => {
                e.move_by(by);
                spans.move_by(by);
            }
        }
    }
}
