//! Typing the numeric functions: `ceil`, `floor`, `round`, `min`, `max`.
//!
//! They keep the type of what they are given (money stays money in its
//! currency, a number stays a number), so an amount computed with them is
//! checked like any other amount.

use super::types::{expect, Ty};
use crate::diagnostics::{Diagnostic, Problem};
use crate::span::{FileId, Span};
use crate::syntax::ast::{Expr, Name};

/// The numeric functions' names.
pub const NAMES: &[&str] = &["ceil", "floor", "round", "min", "max"];

/// The type of a call to a numeric function, None when `func` is not one.
pub fn call(
    file: FileId,
    func: &Name,
    args: &[Expr],
    types: &[Ty],
    span: Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<Ty> {
    let count = |expected: usize, diags: &mut Vec<Diagnostic>| {
        let problem = Problem::ArgumentCount { name: func.text.clone(), expected, found: args.len() };
        diags.push(Diagnostic::new(problem, file, span));
        Some(Ty::Unknown)
    };
    match func.text.as_str() {
        "ceil" | "floor" => {
            if args.len() != 1 {
                return count(1, diags);
            }
            Some(amount(file, &types[0], args[0].span, diags))
        }
        "round" => {
            if !(2..=3).contains(&args.len()) {
                return count(2, diags);
            }
            let t = amount(file, &types[0], args[0].span, diags);
            let step = &types[1];
            let step_fits = match (&t, step) {
                (_, Ty::Unknown) | (Ty::Unknown, _) => true,
                (Ty::Money(a), Ty::Money(b)) => a.is_none() || b.is_none() || a == b,
                (Ty::Money(_), Ty::Int | Ty::Decimal) => true,
                (Ty::Int | Ty::Decimal | Ty::Percent, Ty::Int | Ty::Decimal) => true,
                _ => false,
            };
            if !step_fits {
                let problem = Problem::TypeMismatch { expected: format!("a step for {t}"), found: step.to_string() };
                diags.push(Diagnostic::new(problem, file, args[1].span));
            }
            if let Some(mode) = args.get(2) {
                expect(file, &Ty::Rounding, &types[2], mode.span, diags);
            }
            Some(t)
        }
        "min" | "max" => {
            if args.len() < 2 {
                return count(2, diags);
            }
            let mut result = Ty::Unknown;
            for (t, a) in types.iter().zip(args) {
                let t = amount(file, t, a.span, diags);
                result = match (&result, &t) {
                    (Ty::Unknown, _) => t,
                    (_, Ty::Unknown) => result,
                    (Ty::Money(Some(x)), Ty::Money(Some(y))) if x != y => {
                        let problem = Problem::CurrencyMismatch { left: x.clone(), right: y.clone() };
                        diags.push(Diagnostic::new(problem, file, a.span));
                        result
                    }
                    (Ty::Money(_), Ty::Money(_)) => result,
                    (Ty::Int | Ty::Decimal, Ty::Int | Ty::Decimal) => {
                        if result == Ty::Int && t == Ty::Int {
                            Ty::Int
                        } else {
                            Ty::Decimal
                        }
                    }
                    _ if result == t => result,
                    _ => {
                        let problem = Problem::CannotCompare { left: result.to_string(), right: t.to_string() };
                        diags.push(Diagnostic::new(problem, file, a.span));
                        result
                    }
                };
            }
            Some(result)
        }
        _ => None,
    }
}

/// A number, money or a duration; anything else is reported.
fn amount(file: FileId, t: &Ty, span: Span, diags: &mut Vec<Diagnostic>) -> Ty {
    match t {
        Ty::Int | Ty::Decimal | Ty::Percent | Ty::Money(_) | Ty::Duration | Ty::Unknown => t.clone(),
        other => {
            let problem = Problem::TypeMismatch { expected: "a number or an amount".into(), found: other.to_string() };
            diags.push(Diagnostic::new(problem, file, span));
            Ty::Unknown
        }
    }
}
