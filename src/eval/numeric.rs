//! The numeric functions (`ceil`, `floor`, `round`, `min`, `max`) and the
//! rounding of amounts owed.
//!
//! All arithmetic is decimal (28 significant digits, never binary floating
//! point). Rounding happens only where a rule writes it, and once more when
//! an amount is owed: to the currency's minor unit (ISO 4217: 2 digits for
//! GBP, 0 for JPY, 3 for KWD), half away from zero.

use crate::syntax::ast::RoundMode;
use crate::value::Val;
use rust_decimal::{Decimal, RoundingStrategy};

/// A numeric function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumFunc {
    /// Smallest whole number at or above.
    Ceil,
    /// Largest whole number at or below.
    Floor,
    /// To a multiple of a step.
    Round,
    /// The smallest argument.
    Min,
    /// The largest argument.
    Max,
}

impl NumFunc {
    /// The function named `name`, if it is one.
    pub fn parse(name: &str) -> Option<NumFunc> {
        Some(match name {
            "ceil" => NumFunc::Ceil,
            "floor" => NumFunc::Floor,
            "round" => NumFunc::Round,
            "min" => NumFunc::Min,
            "max" => NumFunc::Max,
            _ => return None,
        })
    }

    /// Applies the function; Null when an argument is absent, of the wrong
    /// type or of another currency, or when the result overflows.
    pub fn apply(self, mode: RoundMode, args: &[Val]) -> Val {
        match (self, args) {
            (NumFunc::Ceil, [x]) => map(x, |d| Some(d.ceil())),
            (NumFunc::Floor, [x]) => map(x, |d| Some(d.floor())),
            (NumFunc::Round, [x, step]) => {
                let Some(step) = step.as_fraction().filter(|s| !s.is_zero()) else { return Val::Null };
                if let (Val::Money(_, a), Val::Money(_, b)) = (x, &args[1]) {
                    if a != b {
                        return Val::Null;
                    }
                }
                map(x, |d| d.checked_div(step)?.round_dp_with_strategy(0, strategy(mode)).checked_mul(step))
            }
            (NumFunc::Min | NumFunc::Max, [first, rest @ ..]) => {
                let mut best = first.clone();
                for v in rest {
                    match v.compare(&best) {
                        Some(std::cmp::Ordering::Less) if self == NumFunc::Min => best = v.clone(),
                        Some(std::cmp::Ordering::Greater) if self == NumFunc::Max => best = v.clone(),
                        Some(_) => {}
                        None => return Val::Null,
                    }
                }
                best
            }
            _ => Val::Null,
        }
    }
}

fn strategy(mode: RoundMode) -> RoundingStrategy {
    match mode {
        RoundMode::HalfUp => RoundingStrategy::MidpointAwayFromZero,
        RoundMode::HalfEven => RoundingStrategy::MidpointNearestEven,
    }
}

/// `f` on the amount of a number or money, keeping its kind.
fn map(x: &Val, f: impl Fn(Decimal) -> Option<Decimal>) -> Val {
    match x {
        Val::Int(i) => f(Decimal::from(*i)).map_or(Val::Null, |d| i64::try_from(d).map_or(Val::Dec(d), Val::Int)),
        Val::Dec(d) => f(*d).map_or(Val::Null, Val::Dec),
        Val::Percent(p) => f(*p).map_or(Val::Null, Val::Percent),
        Val::Money(d, c) => f(*d).map_or(Val::Null, |r| Val::Money(r, *c)),
        _ => Val::Null,
    }
}

/// An amount owed, rounded to the minor unit of its currency, half away
/// from zero (an unknown code keeps two digits).
pub fn round_owed(amount: Decimal, currency: &str) -> Decimal {
    let digits = iso_currency::Currency::from_code(currency).and_then(|c| c.exponent()).unwrap_or(2);
    amount.round_dp_with_strategy(u32::from(digits), RoundingStrategy::MidpointAwayFromZero)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap_or_default()
    }

    fn money(s: &str) -> Val {
        Val::Money(d(s), "GBP".into())
    }

    #[test]
    fn round_to_a_step_half_up_and_half_even() {
        let up = NumFunc::Round.apply(RoundMode::HalfUp, &[money("2.345"), Val::Dec(d("0.01"))]);
        let even = NumFunc::Round.apply(RoundMode::HalfEven, &[money("2.345"), Val::Dec(d("0.01"))]);
        assert_eq!((up, even), (money("2.35"), money("2.34")));
        let neg = NumFunc::Round.apply(RoundMode::HalfUp, &[money("-2.5"), Val::Dec(d("1"))]);
        assert_eq!(neg, money("-3"));
        let fives = NumFunc::Round.apply(RoundMode::HalfUp, &[Val::Int(12), Val::Int(5)]);
        assert_eq!(fives, Val::Int(10));
        assert_eq!(NumFunc::Round.apply(RoundMode::HalfUp, &[Val::Int(12), Val::Int(0)]), Val::Null);
    }

    #[test]
    fn ceil_floor_min_max_keep_the_kind() {
        assert_eq!(NumFunc::Ceil.apply(RoundMode::HalfUp, &[Val::Dec(d("1.0001"))]), Val::Dec(d("2")));
        assert_eq!(NumFunc::Floor.apply(RoundMode::HalfUp, &[money("9.99")]), money("9"));
        assert_eq!(NumFunc::Max.apply(RoundMode::HalfUp, &[money("1"), money("3"), money("2")]), money("3"));
        assert_eq!(NumFunc::Min.apply(RoundMode::HalfUp, &[Val::Int(4), Val::Dec(d("2.5"))]), Val::Dec(d("2.5")));
        let other = Val::Money(d("1"), "EUR".into());
        assert_eq!(NumFunc::Min.apply(RoundMode::HalfUp, &[money("1"), other]), Val::Null);
    }

    #[test]
    fn owed_amounts_round_to_the_minor_unit() {
        assert_eq!(round_owed(d("10.345"), "GBP"), d("10.35"));
        assert_eq!(round_owed(d("-10.345"), "GBP"), d("-10.35"));
        assert_eq!(round_owed(d("100.5"), "JPY"), d("101"));
        assert_eq!(round_owed(d("1.2345"), "KWD"), d("1.235"));
    }
}
