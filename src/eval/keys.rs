//! Correlation keys: the attribute values that tie an awaited event to its
//! trigger, normalised so that `42` and `"42"` hash alike.
//!
//! A key is kept as one compact string (inline up to 24 bytes, so the case
//! and customer ids of a log cost no allocation): hashing and comparing it
//! touches a few bytes, and the maps keyed by it stay small even with
//! millions of keys. The encoding is injective, so two keys are equal
//! exactly when their normalised values are, and [`Key::values`] gives the
//! values back.

use crate::log::{Event, Sym};
use crate::value::Val;
use compact_str::CompactString;
use rust_decimal::Decimal;
use smallvec::SmallVec;
use std::fmt::Write;
use std::str::FromStr;

/// Starts the encoding of a value that is not text.
const TAGGED: char = '\u{1}';
/// Starts text that would otherwise begin with a marker.
const ESCAPED: char = '\u{2}';

/// The normalised values of a correlation, in the order of its key list.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key(CompactString);

impl Key {
    /// The normalised encoding: equal keys have equal bytes, which is what
    /// a stable routing hash reads.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The values of the key, as normalised (numbers as their decimal text).
    pub fn values(&self, arity: usize) -> SmallVec<[Val; 2]> {
        if arity == 0 {
            return SmallVec::new();
        }
        if arity == 1 {
            return decode(&self.0).into_iter().collect();
        }
        let mut out = SmallVec::new();
        let mut rest = self.0.as_str();
        while let Some((len, tail)) = rest.split_once(':') {
            let Ok(len) = len.parse::<usize>() else { break };
            let (Some(part), Some(after)) = (tail.get(..len), tail.get(len..)) else { break };
            out.extend(decode(part));
            rest = after;
        }
        out
    }
}

/// The normal form of a key value: numbers as their decimal text (ids are
/// written either way in real logs); None for an absent value. The
/// encoding below hashes exactly these values.
#[cfg(test)]
fn normal(v: &Val) -> Option<Val> {
    match v {
        Val::Null => None,
        Val::Int(i) => Some(Val::Str(i.to_string().into())),
        Val::Dec(d) => Some(Val::Str(d.normalize().to_string().into())),
        other => Some(other.clone()),
    }
}

/// Appends the encoding of one present value.
fn encode(v: &Val, out: &mut CompactString) {
    // Writing to a CompactString cannot fail.
    let _ = match v {
        Val::Str(s) => {
            if s.starts_with([TAGGED, ESCAPED]) {
                out.push(ESCAPED);
            }
            out.push_str(s);
            Ok(())
        }
        Val::Int(i) => write!(out, "{i}"),
        Val::Dec(d) => write!(out, "{}", d.normalize()),
        Val::Null => Ok(()),
        Val::Bool(b) => write!(out, "{TAGGED}b{}", u8::from(*b)),
        Val::Time(t) => write!(out, "{TAGGED}t{t}"),
        Val::Dur(d) => write!(out, "{TAGGED}d{d}"),
        Val::Date(d) => write!(out, "{TAGGED}D{d}"),
        Val::Percent(p) => write!(out, "{TAGGED}p{}", p.normalize()),
        Val::Money(d, c) => write!(out, "{TAGGED}m{} {c}", d.normalize()),
    };
}

/// The value one encoding stands for.
fn decode(s: &str) -> Option<Val> {
    if let Some(text) = s.strip_prefix(ESCAPED) {
        return Some(Val::Str(text.into()));
    }
    let Some(tagged) = s.strip_prefix(TAGGED) else { return Some(Val::Str(s.into())) };
    let mut chars = tagged.chars();
    let tag = chars.next()?;
    let body = chars.as_str();
    match tag {
        'b' => Some(Val::Bool(body == "1")),
        't' => body.parse().ok().map(Val::Time),
        'd' => body.parse().ok().map(Val::Dur),
        'D' => body.parse().ok().map(Val::Date),
        'p' => Decimal::from_str(body).ok().map(Val::Percent),
        'm' => {
            let (amount, currency) = body.split_once(' ')?;
            Decimal::from_str(amount).ok().map(|d| Val::Money(d, currency.into()))
        }
        _ => None,
    }
}

/// The key of `event` over `keys`; None when one is absent (such an event
/// correlates with nothing).
pub fn key_of(event: &Event, keys: impl ExactSizeIterator<Item = Sym>) -> Option<Key> {
    let arity = keys.len();
    let mut out = CompactString::default();
    for k in keys {
        let v = event.get(k);
        if matches!(v, Val::Null) {
            return None;
        }
        if arity == 1 {
            if let Val::Str(s) = v {
                if !s.starts_with([TAGGED, ESCAPED]) {
                    // The common case: one id, kept as it is.
                    return Some(Key(s.clone()));
                }
            }
            encode(v, &mut out);
        } else {
            let mut part = CompactString::default();
            encode(v, &mut part);
            let _ = write!(out, "{}:{part}", part.len());
        }
    }
    Some(Key(out))
}

/// The normalised values of `event` over `keys`, as [`key_of`] sees them.
#[cfg(test)]
fn normal_values(event: &Event, keys: &[Sym]) -> Option<Vec<Val>> {
    keys.iter().map(|k| normal(event.get(*k))).collect()
}

/// The candidate-side keys of correlation pairs.
pub fn candidate_keys(pairs: &[(Sym, Sym)]) -> impl ExactSizeIterator<Item = Sym> + '_ {
    pairs.iter().map(|(c, _)| *c)
}

/// The anchor-side keys of correlation pairs.
pub fn anchor_keys(pairs: &[(Sym, Sym)]) -> impl ExactSizeIterator<Item = Sym> + '_ {
    pairs.iter().map(|(_, a)| *a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::Loc;
    use chrono::NaiveDate;

    fn event(vals: &[Val]) -> Event {
        let attrs = vals.iter().enumerate().map(|(i, v)| (i as Sym, v.clone())).collect();
        Event { time: 0, kind: 0, attrs, loc: Loc::default() }
    }

    fn key(vals: &[Val]) -> Option<Key> {
        key_of(&event(vals), 0..vals.len() as Sym)
    }

    fn samples() -> Vec<Val> {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        vec![
            Val::Str("C-1".into()),
            Val::Str("".into()),
            Val::Str("\u{1}b1".into()),
            Val::Str("\u{2}x".into()),
            Val::Str("3:ab".into()),
            Val::Str("a very long identifier that does not fit inline".into()),
            Val::Int(42),
            Val::Int(-7),
            Val::Dec(d("1.50")),
            Val::Bool(true),
            Val::Bool(false),
            Val::Time(1_700_000_000_000_000),
            Val::Dur(-5),
            Val::Date(NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()),
            Val::Percent(d("95.0")),
            Val::Money(d("10.30"), "GBP".into()),
            Val::Money(d("10.3"), "".into()),
        ]
    }

    #[test]
    fn keys_are_equal_exactly_when_normal_values_are() {
        let vals = samples();
        for a in &vals {
            for b in &vals {
                for c in &vals {
                    let (x, y) = (event(&[a.clone(), c.clone()]), event(&[b.clone(), c.clone()]));
                    let same = normal_values(&x, &[0, 1]) == normal_values(&y, &[0, 1]);
                    assert_eq!(key_of(&x, 0..2) == key_of(&y, 0..2), same, "{a:?} {b:?} {c:?}");
                }
                assert_eq!(
                    key(std::slice::from_ref(a)) == key(std::slice::from_ref(b)),
                    normal(a) == normal(b),
                    "{a:?} {b:?}"
                );
            }
        }
        assert_eq!(key(&[Val::Int(42)]), key(&[Val::Str("42".into())]));
        assert_eq!(key(&[Val::Null]), None);
        assert_eq!(key(&[Val::Str("a".into()), Val::Null]), None);
    }

    #[test]
    fn values_come_back_normalised() {
        for a in samples() {
            let k = key(std::slice::from_ref(&a)).unwrap();
            assert_eq!(k.values(1).to_vec(), vec![normal(&a).unwrap()], "{a:?}");
            for b in samples() {
                let k = key(&[a.clone(), b.clone()]).unwrap();
                assert_eq!(k.values(2).to_vec(), vec![normal(&a).unwrap(), normal(&b).unwrap()]);
            }
        }
    }
}
