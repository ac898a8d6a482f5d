//! The deadline of an obligation when it opens: `within D`, `by x.date`,
//! both with `whichever is later|earlier`, rolled to a business day when
//! the rule asks, and moved by `extended by D when E`.

use super::engine::RuleEnv;
use super::ir::{Obligation, Window};
use crate::log::Event;
use crate::syntax::ast::Whichever;
use crate::time::{self, Due};
use crate::value::Val;

/// The deadline an obligation gets at its trigger.
pub struct Opening {
    /// The deadline; None when the rule has none to give (only `before E`,
    /// or `by` alone on a trigger lacking the date).
    pub due: Option<Due>,
    /// True when the rule has `by` and the trigger lacks a usable date.
    pub no_date: bool,
}

/// The deadline of `o` opened by trigger `e`.
///
/// With `within D or by x.f, whichever is later|earlier`, the later or
/// earlier of the two candidates; when the trigger lacks the date, the
/// other candidate alone. The roll (`ending on a business day`) applies to
/// the result.
pub fn opening(env: &RuleEnv, o: &Obligation, e: &Event) -> Opening {
    let (tz, cal) = (env.jur.tz, &env.jur.calendar);
    let window = o.window_at(e.time, tz);
    let within = window.and_then(|w| time::due(e.time, w.amount, w.unit, tz, cal));
    let by = o.by.as_ref().map(|b| date_due(&b.value.eval(&env.ctx(Some(e), None)), env));
    let no_date = matches!(by, Some(None));
    let due = match (within, by.flatten()) {
        (Some(w), Some(b)) => {
            let later = o.by.as_ref().and_then(|b| b.whichever) == Some(Whichever::Later);
            Some(if (b.last_on_time > w.last_on_time) == later { b } else { w })
        }
        (w, b) => w.or(b),
    };
    let due = if o.roll { due.and_then(|d| time::roll(d, tz, cal)) } else { due };
    Opening { due, no_date }
}

/// The deadline a date or time value gives: the end of a date's local day,
/// a time exactly. A string is read as either, for logs without a schema.
fn date_due(v: &Val, env: &RuleEnv) -> Option<Due> {
    match v {
        Val::Date(d) => time::end_of_local_day(*d, env.jur.tz),
        Val::Time(t) => Some(Due::exact(*t)),
        Val::Str(s) => match s.parse::<chrono::NaiveDate>() {
            Ok(d) => time::end_of_local_day(d, env.jur.tz),
            Err(_) => time::parse_instant(s).map(Due::exact),
        },
        _ => None,
    }
}

/// `due` extended by `w`, counted from the old deadline as it was before
/// any roll (for day units, from its local day), then rolled when the rule
/// asks: only the final deadline rolls (Regulation 1182/71, art. 3(4)).
pub fn extend(env: &RuleEnv, o: &Obligation, due: Due, w: Window) -> Option<Due> {
    let (tz, cal) = (env.jur.tz, &env.jur.calendar);
    let base = match due.rolled_from {
        Some(day) => time::end_of_local_day(day, tz)?,
        None => due,
    };
    let moved = time::due(base.last_on_time, w.amount, w.unit, tz, cal)?;
    if o.roll {
        time::roll(moved, tz, cal)
    } else {
        Some(moved)
    }
}
