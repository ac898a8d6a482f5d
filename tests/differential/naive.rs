//! A deliberately naive evaluator: the language's semantics written down
//! as directly as possible, over a plain slice of events in log order.
//!
//! Every instance is recomputed from scratch by scanning the whole log
//! (quadratic, no indexes, no incremental state), so that each rule reads
//! like the sentence of the language brief it implements:
//!
//! - an obligation opened by trigger `i` is closed by the first event after
//!   `i` (log order) that plays one of its closing roles; when one event
//!   plays several, the awaited event wins, then `before`, then `unless`,
//!   then `forbid ... while open`;
//! - an awaited event is on time iff its time is at or before the deadline;
//!   an obligation never closed is violated iff its deadline is at or before
//!   the horizon, else pending;
//! - a look-back (`require prior`, `unless prior`) finds an event strictly
//!   earlier in log order, and with a window `within D` only one whose
//!   deadline `D` after it is at or after the trigger;
//! - deadlines, local dates and periods are computed here, with chrono-tz
//!   and the GB holidays listed in `model.rs`, not with `tenet::time`;
//!   month arithmetic (clamped to the month's end) is written out here;
//! - `by a.d` ends at the end of that local day; with `whichever`, the later
//!   or earlier of the two, or `within` alone when the trigger lacks `d`;
//!   the roll moves a deadline whose local day is not a business day to the
//!   end of the next one, after `whichever` and after each extension;
//! - an extension applies, once per clause, when its event comes while the
//!   obligation is open and on time: the new deadline is the clause's
//!   duration after the old one;
//! - `where [not] prior B` keeps a trigger (a forbidden event) only when a
//!   matching earlier event exists (none does);
//! - a recurring duty is replayed window by window: each window ends D
//!   after its start (the trigger, the awaited event that met the window
//!   before, or the end of a missed one); the `until` event drops the window
//!   in progress;
//! - a violation owes its remedy computed exactly (rationals, not decimals):
//!   units late are counted here from the first late instant, tiers cover
//!   ranges of those units, the cap applies to the sum, and the total alone
//!   is rounded to the penny, half away from zero.
//!
//! Where the brief leaves a detail open (evidence of aggregates, period
//! standards), this follows the engine's documented choice, so that a
//! disagreement always means one of the two is wrong.

use super::model::*;
use chrono::{Datelike, NaiveDate, TimeZone, Timelike};

/// `d` moved by `n` months, on the same day of the month or the month's
/// last day when it is shorter.
fn add_months(d: NaiveDate, n: i64) -> NaiveDate {
    let total = i64::from(d.year()) * 12 + i64::from(d.month0()) + n;
    let (year, month) = (total.div_euclid(12) as i32, total.rem_euclid(12) as u32 + 1);
    (28..=d.day().max(28)).rev().find_map(|day| NaiveDate::from_ymd_opt(year, month, day.min(d.day()))).unwrap_or(d)
}
use chrono_tz::Tz;

/// A verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    /// Met, or nothing forbidden happened.
    Satisfied,
    /// Missed, or something forbidden happened.
    Violated,
    /// Not decided at the horizon.
    Pending,
}

/// What is compared between the engine and this evaluator, per instance.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Out {
    /// The rule's name.
    pub rule: String,
    /// Its verdict.
    pub verdict: Verdict,
    /// The log line of the trigger (offending, first) event.
    pub trigger: Option<u64>,
    /// The log line of the fulfilling, ending or offending event.
    pub evidence: Option<u64>,
    /// The period, for period standards.
    pub period: Option<String>,
    /// The remedy owed: the amount as a plain decimal (`12.5`) and its
    /// currency; None when there is none or it cannot be computed.
    pub remedy: Option<(String, String)>,
    /// What a period standard measured: `value op bound unit`, the value
    /// rounded to 4 places, half away from zero (see [`measured`]); None
    /// for other rules and while nothing is measured.
    pub measured: Option<String>,
}

/// What a period standard measured, as [`Out::measured`] writes it: units
/// `%` (rates and shares), `count`, `number` (a statistic of a field) and
/// `µs` (delays).
fn measured(value: Q, op: Op, bound: i64, unit: &str) -> Option<String> {
    Some(format!("{} {} {bound} {unit}", value.text4(), op.text()))
}

/// One instance, with event indexes rather than lines.
#[derive(Debug, Clone)]
struct Inst {
    verdict: Verdict,
    trigger: Option<usize>,
    evidence: Option<usize>,
    period: Option<String>,
    /// For a violation that owes the rule's remedy: the deadline its rates
    /// per unit late count from (None: no lateness) and when it was decided.
    owes: Option<(Option<i64>, i64)>,
    /// What a period standard measured.
    measured: Option<String>,
}

impl Inst {
    fn new(verdict: Verdict, trigger: usize, evidence: Option<usize>) -> Inst {
        Inst { verdict, trigger: Some(trigger), evidence, period: None, owes: None, measured: None }
    }

    /// A violation owing the remedy with lateness after `due` at `at`.
    fn owing(mut self, due: Option<i64>, at: i64) -> Inst {
        self.owes = Some((due, at));
        self
    }
}

/// A runtime value.
#[derive(Debug, Clone, PartialEq)]
enum V {
    Null,
    S(&'static str),
    I(i64),
    B(bool),
    /// An instant.
    T(i64),
    /// A duration.
    D(i64),
}

/// Evaluates `policy` over `events` (in log order) with horizon `as_of`
/// (default: the last event's time).
pub fn evaluate(policy: &Policy, events: &[Ev], as_of: Option<i64>) -> Vec<Out> {
    let horizon = as_of.or(events.last().map(|e| e.time)).unwrap_or(0);
    let n = Naive { policy, events, horizon, tz: policy.zone.tz() };
    let mut per_rule: Vec<Vec<Inst>> = vec![];
    for (i, rule) in policy.rules.iter().enumerate() {
        let insts = match &rule.kind {
            Kind::Obligation(o) => n.obligation(rule, o),
            Kind::Precedence(p) => n.precedence(rule, p),
            Kind::Prohibition(p) => n.prohibition(rule, p),
            Kind::Aggregate(a) => n.aggregate(rule, a),
            Kind::PeriodCount { period, event, filter, op, bound } => {
                n.period_count(rule, *period, *event, filter.as_ref(), *op, *bound)
            }
            // Rates are computed below, from the instances of their target.
            Kind::Rate { .. } => vec![],
            Kind::PeriodField { period, stat, event, filter, op, bound } => {
                n.period_field(rule, *period, *stat, *event, filter.as_ref(), *op, *bound)
            }
            Kind::Share { period, event, terms, op, bound } => n.share(rule, *period, *event, terms, *op, *bound),
            Kind::Delay { period, stat, from, from_cond, to, op, hours } => {
                n.delay(rule, *period, *stat, *from, from_cond.as_ref(), to, *op, *hours)
            }
            Kind::Recurring(r) => n.recurring(rule, r),
        };
        debug_assert_eq!(per_rule.len(), i);
        per_rule.push(insts);
    }
    for (i, rule) in policy.rules.iter().enumerate() {
        if let Kind::Rate { period, target, op, bound } = &rule.kind {
            let target = per_rule.get(*target).cloned().unwrap_or_default();
            per_rule[i] = n.rate(*period, &target, *op, *bound);
        }
    }
    let mut out = vec![];
    for (i, insts) in per_rule.into_iter().enumerate() {
        let rule = &policy.rules[i];
        for inst in insts {
            let remedy = match (&rule.remedy, inst.owes, inst.trigger) {
                (Some(r), Some((due, at)), Some(t)) if inst.verdict == Verdict::Violated && !rule.measure => {
                    n.owed(r, &events[t], due, at).map(|(q, c)| (q.text(), c.to_string()))
                }
                _ => None,
            };
            out.push(Out {
                rule: rule_name(i),
                verdict: inst.verdict,
                trigger: inst.trigger.map(|t| t as u64 + 1),
                evidence: inst.evidence.map(|t| t as u64 + 1),
                period: inst.period,
                remedy,
                measured: inst.measured,
            });
        }
    }
    out.sort();
    out
}

struct Naive<'a> {
    policy: &'a Policy,
    events: &'a [Ev],
    horizon: i64,
    tz: Tz,
}

impl Naive<'_> {
    // ------------------------------------------------------------ time

    /// True when `rule` is in force on the local date of `t`.
    fn in_force(&self, rule: &Rule, t: i64) -> bool {
        let date = local_date(t, self.tz);
        if self.policy.jur_from.is_some_and(|f| date < f) {
            return false;
        }
        match rule.in_force {
            None => true,
            Some((from, until)) => date >= from && until.is_none_or(|u| date < u),
        }
    }

    fn is_business_day(&self, d: NaiveDate) -> bool {
        let wd = d.weekday().num_days_from_monday();
        let gb = |d: NaiveDate| GB_HOLIDAYS.iter().any(|&(y, m, dd)| NaiveDate::from_ymd_opt(y, m, dd) == Some(d));
        match &self.policy.cal {
            Cal::None => wd < 5,
            Cal::Gb => wd < 5 && !gb(d),
            Cal::Mine { holiday, fri_sat } => {
                let weekend = if *fri_sat { wd == 4 || wd == 5 } else { wd >= 5 };
                !weekend && !gb(d) && d != *holiday
            }
        }
    }

    /// The last instant of local day `d`.
    fn end_of(&self, d: NaiveDate) -> i64 {
        start_of_day(d + chrono::Days::new(1), self.tz) - 1
    }

    /// The first business day after `d`.
    fn next_business_day(&self, d: NaiveDate) -> NaiveDate {
        let mut day = d + chrono::Days::new(1);
        while !self.is_business_day(day) {
            day = day + chrono::Days::new(1);
        }
        day
    }

    /// Where an extension counts from: a rolled deadline counts from the
    /// end of the local day it was rolled off, an unrolled one from itself.
    fn unrolled(&self, before_roll: i64) -> i64 {
        let day = local_date(before_roll, self.tz);
        if self.is_business_day(day) {
            before_roll
        } else {
            self.end_of(day)
        }
    }

    /// `due` rolled off a day that is not a business day.
    fn roll(&self, due: i64) -> i64 {
        let day = local_date(due, self.tz);
        if self.is_business_day(day) {
            due
        } else {
            self.end_of(self.next_business_day(day))
        }
    }

    /// The local date `d` moved by a calendar unit.
    fn move_date(&self, d: NaiveDate, by: Dur) -> NaiveDate {
        match by {
            Dur::CalDays(n) => d + chrono::Days::new(n as u64),
            Dur::BizDays(n) => (0..n).fold(d, |day, _| self.next_business_day(day)),
            Dur::Months(n) => add_months(d, n),
            Dur::Years(n) => add_months(d, 12 * n),
            _ => d,
        }
    }

    /// `t` moved by a calendar unit, keeping its local time of day.
    fn shift(&self, t: i64, by: Dur) -> i64 {
        let Some(local) = chrono::DateTime::from_timestamp_micros(t).map(|d| d.with_timezone(&self.tz)) else {
            return t;
        };
        let date = self.move_date(local.date_naive(), by);
        let at = date.and_time(local.time());
        // A local time skipped by a clock change: the first minute after the gap
        // (gaps begin and end on whole minutes).
        if matches!(self.tz.from_local_datetime(&at), chrono::LocalResult::None) {
            let minute = at.with_second(0).and_then(|m| m.with_nanosecond(0)).unwrap_or(at);
            return local_instant(minute, self.tz);
        }
        local_instant(at, self.tz)
    }

    /// The last on-time instant of `d` after `t`.
    fn deadline(&self, t: i64, d: Dur) -> i64 {
        match d {
            Dur::Months(_) | Dur::Years(_) => self.end_of(self.move_date(local_date(t, self.tz), d)),
            Dur::Hours(n) => t + n * HOUR,
            Dur::Days(n) => t + n * DAY,
            Dur::Weeks(n) => t + n * 7 * DAY,
            Dur::CalDays(n) => {
                let last = local_date(t, self.tz) + chrono::Days::new(n as u64);
                start_of_day(last + chrono::Days::new(1), self.tz) - 1
            }
            Dur::BizDays(n) => {
                let mut day = local_date(t, self.tz);
                let mut left = n;
                while left > 0 {
                    day = day + chrono::Days::new(1);
                    if self.is_business_day(day) {
                        left -= 1;
                    }
                }
                start_of_day(day + chrono::Days::new(1), self.tz) - 1
            }
        }
    }

    fn period_of(&self, t: i64, p: Period) -> (String, i64) {
        let d = local_date(t, self.tz);
        let (name, next) = match p {
            Period::Month => {
                let next = if d.month() == 12 { (d.year() + 1, 1) } else { (d.year(), d.month() + 1) };
                (format!("{:04}-{:02}", d.year(), d.month()), next)
            }
            Period::Quarter => {
                let q = (d.month() - 1) / 3 + 1;
                let next = if q == 4 { (d.year() + 1, 1) } else { (d.year(), q * 3 + 1) };
                (format!("{:04}-Q{q}", d.year()), next)
            }
            Period::Year => (format!("{:04}", d.year()), (d.year() + 1, 1)),
        };
        let first = NaiveDate::from_ymd_opt(next.0, next.1, 1).unwrap_or(NaiveDate::MAX);
        (name, start_of_day(first, self.tz))
    }

    // ------------------------------------------------------------ expressions

    fn field(e: &Ev, f: &str) -> V {
        match f {
            "k" => e.k.map_or(V::Null, V::S),
            "j" => e.j.map_or(V::Null, V::S),
            "amount" => e.amount.map_or(V::Null, V::I),
            _ => V::Null,
        }
    }

    fn eval(&self, x: &Ex, cur: &Ev, anc: Option<&Ev>) -> V {
        let local = || chrono::DateTime::from_timestamp_micros(cur.time).map(|d| d.with_timezone(&self.tz));
        match x {
            Ex::Cur(f) => Self::field(cur, f),
            Ex::Anc(f) => anc.map_or(V::Null, |a| Self::field(a, f)),
            Ex::Str(s) => V::S(s),
            Ex::Int(i) => V::I(*i),
            Ex::Cmp(op, l, r) => {
                let ord = match (self.eval(l, cur, anc), self.eval(r, cur, anc)) {
                    (V::S(a), V::S(b)) => a.cmp(b),
                    (V::I(a), V::I(b)) => a.cmp(&b),
                    (V::B(a), V::B(b)) => a.cmp(&b),
                    (V::T(a), V::T(b)) | (V::D(a), V::D(b)) => a.cmp(&b),
                    // An absent value compares false with everything.
                    _ => return V::B(false),
                };
                V::B(op.test(ord))
            }
            Ex::And(l, r) => V::B(self.holds(l, cur, anc) && self.holds(r, cur, anc)),
            Ex::Or(l, r) => V::B(self.holds(l, cur, anc) || self.holds(r, cur, anc)),
            Ex::Not(e) => match self.eval(e, cur, anc) {
                V::B(b) => V::B(!b),
                _ => V::Null,
            },
            Ex::Hour => local().map_or(V::Null, |d| V::I(i64::from(d.hour()))),
            Ex::Weekday => local().map_or(V::Null, |d| V::S(weekday_name(d.weekday().num_days_from_monday()))),
            Ex::In(e, list) => match self.eval(e, cur, anc) {
                V::S(s) => V::B(list.contains(&s)),
                _ => V::B(false),
            },
            Ex::During(from, to, clock) => {
                let Some(d) = local() else { return V::B(false) };
                let day = d.weekday().num_days_from_monday();
                let covers = if from <= to { *from <= day && day <= *to } else { day >= *from || day <= *to };
                let in_hours = clock.is_none_or(|(h1, h2)| h1 <= d.hour() && d.hour() < h2);
                V::B(covers && in_hours)
            }
            Ex::Time => V::T(cur.time),
            Ex::AncTime => anc.map_or(V::Null, |a| V::T(a.time)),
            Ex::Sub(l, r) => match (self.eval(l, cur, anc), self.eval(r, cur, anc)) {
                (V::T(a), V::T(b)) => V::D(a - b),
                _ => V::Null,
            },
            Ex::Hours(n) => V::D(n * HOUR),
            Ex::AncShift(d) => anc.map_or(V::Null, |a| V::T(self.shift(a.time, *d))),
        }
    }

    fn holds(&self, x: &Ex, cur: &Ev, anc: Option<&Ev>) -> bool {
        self.eval(x, cur, anc) == V::B(true)
    }

    /// True when `e` is of a type of `m` and satisfies its condition with
    /// `anchor` as the trigger `a`.
    fn matches(&self, m: &Matcher, e: &Ev, anchor: &Ev) -> bool {
        e.ty.is_some_and(|t| m.types.contains(&t)) && m.cond.as_ref().is_none_or(|c| self.holds(c, e, Some(anchor)))
    }

    /// The latest event strictly before `i` matching `m` (with `events[i]`
    /// as the trigger) whose window, if any, still covers the trigger.
    fn prior(&self, i: usize, m: &Matcher, window: Option<Dur>) -> Option<usize> {
        let anchor = &self.events[i];
        (0..i).rev().find(|&j| {
            let e = &self.events[j];
            self.matches(m, e, anchor) && window.is_none_or(|w| anchor.time <= self.deadline(e.time, w))
        })
    }

    /// True when trigger `i` is exempt by an `unless cond` or an `unless prior`.
    fn exempt(&self, i: usize, conds: &[Ex], priors: &[(Matcher, Option<Dur>)]) -> bool {
        let t = &self.events[i];
        conds.iter().any(|c| self.holds(c, t, None)) || priors.iter().any(|(m, w)| self.prior(i, m, *w).is_some())
    }

    /// The indexes of the events of type `ty` that open instances of `rule`:
    /// in force and satisfying `cond` (evaluated on the event itself).
    fn triggers(&self, rule: &Rule, ty: usize, cond: Option<&Ex>) -> Vec<usize> {
        (0..self.events.len())
            .filter(|&i| {
                let e = &self.events[i];
                e.ty == Some(ty) && self.in_force(rule, e.time) && cond.is_none_or(|c| self.holds(c, e, None))
            })
            .collect()
    }

    /// True when every `where [not] prior ...` holds for event `i`.
    fn priors_hold(&self, i: usize, priors: &[PriorC]) -> bool {
        priors.iter().all(|p| self.prior(i, &p.matcher, p.within).is_some() != p.negated)
    }

    /// The deadline obligation `o` gets at trigger `t`, before any roll.
    fn opening_due(&self, o: &Obligation, t: &Ev) -> Option<i64> {
        let window = if o.within_param {
            // `w`'s value on the trigger's local day: the last entry from
            // that day or earlier.
            let day = local_date(t.time, self.tz);
            self.policy.windows.iter().rev().find(|(from, _)| *from <= day).map(|(_, d)| *d)
        } else {
            o.within
        };
        let within = window.map(|d| self.deadline(t.time, d));
        let by = o.by.and_then(|_| t.d.map(|d| self.end_of(d)));
        match (within, by, o.by) {
            (Some(w), Some(b), Some(By::Later)) => Some(w.max(b)),
            (Some(w), Some(b), _) => Some(w.min(b)),
            (w, b, _) => w.or(b),
        }
    }

    // ------------------------------------------------------------ rules

    fn obligation(&self, rule: &Rule, o: &Obligation) -> Vec<Inst> {
        #[derive(PartialEq)]
        enum Role {
            Fulfils,
            Ends,
            Exempts,
            Forbidden,
        }
        let mut out = vec![];
        for i in self.triggers(rule, o.trigger, o.cond.as_ref()) {
            if !self.priors_hold(i, &o.priors) || self.exempt(i, &o.unless_cond, &o.unless_prior) {
                continue;
            }
            let t = &self.events[i];
            // Only the final deadline rolls: extensions count from the one
            // before its roll.
            let mut base = self.opening_due(o, t);
            let roll = |d: i64| if o.roll { self.roll(d) } else { d };
            let mut due = base.map(roll);
            let mut applied = vec![false; o.extensions.len()];
            let role = |e: &Ev, due: Option<i64>| {
                let in_window = |e: &Ev| due.is_none_or(|d| e.time <= d);
                if self.matches(&o.awaited, e, t) {
                    Some(Role::Fulfils)
                } else if o.before.as_ref().is_some_and(|m| self.matches(m, e, t)) {
                    Some(Role::Ends)
                } else if !in_window(e) {
                    // Past the deadline the obligation is already broken:
                    // exceptions and window prohibitions no longer apply.
                    None
                } else if o.unless_event.iter().any(|m| self.matches(m, e, t)) {
                    Some(Role::Exempts)
                } else if o.forbid.iter().any(|m| self.matches(m, e, t)) {
                    Some(Role::Forbidden)
                } else {
                    None
                }
            };
            let mut closing = None;
            for j in i + 1..self.events.len() {
                let e = &self.events[j];
                if let Some(r) = role(e, due) {
                    closing = Some((j, r));
                    break;
                }
                // Extensions, in clause order, each once, while on time.
                for (x, (d, m)) in o.extensions.iter().enumerate() {
                    if due.is_some_and(|old| !applied[x] && e.time <= old && self.matches(m, e, t)) {
                        let from = base.map(|b| if o.roll { self.unrolled(b) } else { b });
                        let moved = from.map(|f| self.deadline(f, *d));
                        base = moved;
                        due = moved.map(roll);
                        applied[x] = true;
                    }
                }
            }
            match closing {
                Some((_, Role::Exempts)) => {}
                Some((j, Role::Fulfils)) => {
                    let at = self.events[j].time;
                    let on_time = due.is_none_or(|d| at <= d);
                    let v = if on_time { Verdict::Satisfied } else { Verdict::Violated };
                    out.push(Inst::new(v, i, Some(j)).owing(due, at));
                }
                Some((j, _)) => {
                    // Ended or broken while on time: no lateness to pay for.
                    let at = self.events[j].time;
                    let late = due.filter(|d| at > *d);
                    out.push(Inst::new(Verdict::Violated, i, Some(j)).owing(late, at));
                }
                None => {
                    let v = if due.is_some_and(|d| d <= self.horizon) { Verdict::Violated } else { Verdict::Pending };
                    out.push(Inst::new(v, i, None).owing(due, self.horizon));
                }
            }
        }
        out
    }

    /// Each duty replayed window by window from its trigger.
    fn recurring(&self, rule: &Rule, r: &Recurring) -> Vec<Inst> {
        let mut out = vec![];
        for i in self.triggers(rule, r.trigger, r.cond.as_ref()) {
            if !self.priors_hold(i, &r.priors) || self.exempt(i, &r.unless_cond, &r.unless_prior) {
                continue;
            }
            let t = &self.events[i];
            // The last on-time instant of the window in progress.
            let mut end = self.deadline(t.time, r.every);
            let mut ended = false;
            for j in i + 1..self.events.len() {
                let e = &self.events[j];
                let (meets, stops) = (self.matches(&r.awaited, e, t), self.matches(&r.until, e, t));
                if !meets && !stops {
                    continue;
                }
                // Windows over before `e` passed without an awaited event.
                while end < e.time {
                    out.push(Inst::new(Verdict::Violated, i, None).owing(Some(end), end));
                    end = self.deadline(end, r.every);
                }
                if meets {
                    out.push(Inst::new(Verdict::Satisfied, i, Some(j)));
                    end = self.deadline(e.time, r.every);
                }
                if stops {
                    // The window in progress ends with the duty: no instance.
                    ended = true;
                    break;
                }
            }
            if !ended {
                while end <= self.horizon {
                    out.push(Inst::new(Verdict::Violated, i, None).owing(Some(end), end));
                    end = self.deadline(end, r.every);
                }
                out.push(Inst::new(Verdict::Pending, i, None));
            }
        }
        out
    }

    // ------------------------------------------------------------ remedies

    /// The value of `p` on the local day of `t`: the last value from a day
    /// at or before it.
    fn param(&self, t: i64) -> Option<Q> {
        let day = local_date(t, self.tz);
        self.policy
            .param
            .iter()
            .filter(|(from, _)| *from <= day)
            .max_by_key(|(from, _)| *from)
            .map(|(_, v)| Q::milli(*v))
    }

    /// An amount read from event `e`; None when a value is absent.
    fn amount(&self, a: &Amt, e: &Ev) -> Option<Q> {
        Some(match a {
            Amt::Gbp(v) => Q::milli(*v),
            Amt::Fee => Q::new(i128::from(e.fee?), 100),
            Amt::Param => self.param(e.time)?,
            Amt::Times(n, x) => Q::int(*n).mul(self.amount(x, e)?),
            Amt::Pct(x, p) => self.amount(x, e)?.mul(Q::new(i128::from(*p), 100)),
            Amt::Div(x, n) => self.amount(x, e)?.mul(Q::new(1, i128::from(*n))),
            Amt::Ceil(x) => self.amount(x, e)?.ceil(),
            Amt::Floor(x) => self.amount(x, e)?.floor(),
            Amt::Round(x, step, even) => self.amount(x, e)?.round(Q::milli(*step), *even),
            Amt::Min(x, y) => self.amount(x, e)?.min(self.amount(y, e)?),
            Amt::Max(x, y) => self.amount(x, e)?.max(self.amount(y, e)?),
        })
    }

    /// How many `unit`s late an event at `at` is for a deadline whose last
    /// on-time instant is `due`, counted from the first late instant.
    fn units_late(&self, due: i64, at: i64, unit: Unit) -> i64 {
        if at <= due {
            return 0;
        }
        let first = due + 1;
        // Units of elapsed time: those that started at or before `at`.
        let started = |len: i64| (0..).take_while(|k| first + k * len <= at).count() as i64;
        let days = |business: bool| {
            let (mut day, last) = (local_date(first, self.tz), local_date(at, self.tz));
            let mut n = 0;
            while day <= last {
                n += i64::from(!business || self.is_business_day(day));
                day = day + chrono::Days::new(1);
            }
            n
        };
        match unit {
            Unit::Hour => started(HOUR),
            Unit::Day => started(DAY),
            Unit::Week => started(7 * DAY),
            Unit::CalDay => days(false),
            Unit::BizDay => days(true),
        }
    }

    /// What remedy `r` owes for the instance about event `e`, late after
    /// `due` (if any) and decided at `at`: None when an amount it needs is
    /// absent. With nothing owed (no unit late), zero in the currency of the
    /// first amount or the cap, or none when those are absent too.
    fn owed(&self, r: &Remedy, e: &Ev, due: Option<i64>, at: i64) -> Option<(Q, &'static str)> {
        let mut total: Option<Q> = None;
        let mut add = |q: Q| total = Some(total.map_or(q, |t| t.add(q)));
        for term in &r.terms {
            let Some(unit) = term.per else {
                add(self.amount(&term.rate, e)?);
                continue;
            };
            let late = due.map_or(0, |d| self.units_late(d, at, unit));
            // Rate k covers units (from_k, to_k]: the first from 0, each
            // next from the limit of the one before, the last without end.
            let mut from = 0;
            let rates = std::iter::once(&term.rate).chain(term.tiers.iter().map(|(_, a)| a));
            let limits = term.tiers.iter().map(|(n, _)| Some(*n as i64)).chain(std::iter::once(None));
            for (rate, to) in rates.zip(limits) {
                let covered = to.map_or(late, |to| late.min(to)) - from;
                if covered > 0 {
                    add(self.amount(rate, e)?.mul(Q::int(covered)));
                }
                from = to.unwrap_or(from);
            }
        }
        let currency = match (total, r.terms.first()) {
            (Some(_), _) => "GBP",
            (None, Some(first)) if self.amount(&first.rate, e).is_some() => "GBP",
            _ => "",
        };
        let mut sum = total.unwrap_or(Q::int(0));
        if let Some(cap) = &r.cap {
            sum = sum.min(self.amount(cap, e)?);
        }
        let currency = if currency.is_empty() && r.cap.is_some() { "GBP" } else { currency };
        if currency.is_empty() {
            return None;
        }
        Some((sum.round(Q::new(1, 100), false), currency))
    }

    fn precedence(&self, rule: &Rule, p: &Precedence) -> Vec<Inst> {
        let mut out = vec![];
        for i in self.triggers(rule, p.trigger, p.cond.as_ref()) {
            if !self.priors_hold(i, &p.priors) || self.exempt(i, &p.unless_cond, &p.unless_prior) {
                continue;
            }
            out.push(match self.prior(i, &p.required, p.within) {
                Some(j) => Inst::new(Verdict::Satisfied, i, Some(j)),
                // The evidence of a missing precedent is the trigger itself.
                None => Inst::new(Verdict::Violated, i, Some(i)).owing(None, self.events[i].time),
            });
        }
        out
    }

    fn prohibition(&self, rule: &Rule, p: &Prohibition) -> Vec<Inst> {
        let mut out = vec![];
        for i in self.triggers(rule, p.event, None) {
            let e = &self.events[i];
            let forbidden = p.cond.as_ref().is_none_or(|c| self.holds(c, e, None)) && self.priors_hold(i, &p.priors);
            if !forbidden {
                out.push(Inst::new(Verdict::Satisfied, i, None));
            } else if !self.exempt(i, &p.unless_cond, &p.unless_prior) {
                out.push(Inst::new(Verdict::Violated, i, Some(i)).owing(None, e.time));
            }
            // An exempt event is no instance at all, like an exempt obligation.
        }
        out
    }

    /// One instance per key value, named by its first event; violated when
    /// the final value fails the bound. The evidence of an upper bound is
    /// the first event after which the running value failed it; of any
    /// other bound, the key's last event (the final value is what failed).
    fn aggregate(&self, rule: &Rule, a: &Aggregate) -> Vec<Inst> {
        let counted: Vec<usize> = self
            .triggers(rule, a.event, a.filter.as_ref())
            .into_iter()
            .filter(|&i| {
                let e = &self.events[i];
                let keyed = a.keys.iter().all(|k| Self::field(e, k) != V::Null);
                keyed && a.field().is_none_or(|f| Self::field(e, f) != V::Null)
            })
            .collect();
        let key = |i: usize| -> Vec<V> { a.keys.iter().map(|k| Self::field(&self.events[i], k)).collect() };
        // Groups in first-seen order, found by scanning.
        let mut firsts: Vec<usize> = vec![];
        for &i in &counted {
            if !firsts.iter().any(|&f| key(f) == key(i)) {
                firsts.push(i);
            }
        }
        let mut out = vec![];
        for first in firsts {
            let members: Vec<usize> = counted.iter().copied().filter(|&i| key(i) == key(first)).collect();
            let value_of = |prefix: &[usize]| -> i64 {
                let values: Vec<V> =
                    prefix.iter().map(|&i| Self::field(&self.events[i], a.field().unwrap_or("k"))).collect();
                let ints = || values.iter().filter_map(|v| if let V::I(x) = v { Some(*x) } else { None });
                match a.func {
                    Func::Count => prefix.len() as i64,
                    Func::Distinct => (0..values.len()).filter(|&x| !values[..x].contains(&values[x])).count() as i64,
                    Func::Sum => ints().sum(),
                    Func::Min => ints().min().unwrap_or(0),
                    Func::Max => ints().max().unwrap_or(0),
                }
            };
            let ok = |n: usize| a.op.test(value_of(&members[..n]).cmp(&a.bound));
            if ok(members.len()) {
                out.push(Inst::new(Verdict::Satisfied, first, None));
            } else {
                let upper = matches!(a.op, crate::model::Op::Lt | crate::model::Op::Le);
                let breach = if upper {
                    (1..=members.len()).find(|&n| !ok(n)).map(|n| members[n - 1])
                } else {
                    members.last().copied()
                };
                out.push(Inst::new(Verdict::Violated, first, breach));
            }
        }
        out
    }

    /// The instance of period `name` ending at `end`: pending while the
    /// period is not over at the horizon, else whether the bound `holds`;
    /// it measured `measured`.
    fn period_verdict(&self, name: String, end: i64, holds: bool, measured: Option<String>) -> Inst {
        let verdict = if end > self.horizon {
            Verdict::Pending
        } else if holds {
            Verdict::Satisfied
        } else {
            Verdict::Violated
        };
        Inst { verdict, trigger: None, evidence: None, period: Some(name), owes: None, measured }
    }

    /// The distinct periods of instants `times` (name, end), in first-seen
    /// order.
    fn periods_of(&self, times: impl Iterator<Item = i64>, p: Period) -> Vec<(String, i64)> {
        let mut periods: Vec<(String, i64)> = vec![];
        for t in times {
            let per = self.period_of(t, p);
            if !periods.contains(&per) {
                periods.push(per);
            }
        }
        periods
    }

    /// Per period with events: an upper bound already exceeded is violated
    /// at once; otherwise a period not over at the horizon is pending.
    fn period_count(&self, rule: &Rule, p: Period, ty: usize, filter: Option<&Ex>, op: Op, bound: i64) -> Vec<Inst> {
        let counted = self.triggers(rule, ty, filter);
        let periods = self.periods_of(counted.iter().map(|&i| self.events[i].time), p);
        let mut out = vec![];
        for (name, end) in periods {
            let members: Vec<usize> =
                counted.iter().copied().filter(|&i| self.period_of(self.events[i].time, p).0 == name).collect();
            let ok = |n: usize| op.test((n as i64).cmp(&bound));
            let upper = matches!(op, Op::Le | Op::Lt);
            let complete = end <= self.horizon;
            let verdict = match (ok(members.len()), complete) {
                (false, _) if upper => Verdict::Violated,
                (_, false) => Verdict::Pending,
                (true, true) => Verdict::Satisfied,
                (false, true) => Verdict::Violated,
            };
            let evidence = match verdict {
                Verdict::Violated => (1..=members.len()).find(|&n| !ok(n)).map(|n| members[n - 1]),
                _ => None,
            };
            let measured = measured(Q::int(members.len() as i64), op, bound, "count");
            out.push(Inst { verdict, trigger: None, evidence, period: Some(name), owes: None, measured });
        }
        out
    }

    /// Per period with at least one event carrying the field: the statistic
    /// of the values (events lacking the field are not counted) against the
    /// bound, exactly; pending while the period is not over.
    #[expect(clippy::too_many_arguments, reason = "the parts of one rule kind")]
    fn period_field(
        &self,
        rule: &Rule,
        p: Period,
        stat: FieldStat,
        ty: usize,
        filter: Option<&Ex>,
        op: Op,
        bound: i64,
    ) -> Vec<Inst> {
        let field = if stat == FieldStat::Distinct { "j" } else { "amount" };
        let mut periods: Vec<(String, i64)> = vec![];
        let mut values: Vec<(String, V)> = vec![];
        for i in self.triggers(rule, ty, filter) {
            let v = Self::field(&self.events[i], field);
            if v == V::Null {
                continue;
            }
            let per = self.period_of(self.events[i].time, p);
            if !periods.contains(&per) {
                periods.push(per.clone());
            }
            values.push((per.0, v));
        }
        let mut out = vec![];
        for (name, end) in periods {
            let vs: Vec<&V> = values.iter().filter(|(n, _)| *n == name).map(|(_, v)| v).collect();
            let mut ints: Vec<i128> =
                vs.iter().filter_map(|v| if let V::I(x) = v { Some(i128::from(*x)) } else { None }).collect();
            ints.sort();
            let n = vs.len() as i128;
            let b = i128::from(bound);
            let sum = ints.iter().sum::<i128>();
            let (ord, value) = match stat {
                FieldStat::Sum => (sum.cmp(&b), Q::new(sum, 1)),
                FieldStat::Min => (ints[0].cmp(&b), Q::new(ints[0], 1)),
                FieldStat::Max => (ints[ints.len() - 1].cmp(&b), Q::new(ints[ints.len() - 1], 1)),
                FieldStat::Average => (sum.cmp(&(b * n)), Q::new(sum, n)),
                FieldStat::Percentile(pc) => {
                    let rank = (1..=ints.len()).find(|&r| (r as i128) * 100 >= i128::from(pc) * n);
                    let v = ints[rank.unwrap_or(ints.len()) - 1];
                    (v.cmp(&b), Q::new(v, 1))
                }
                FieldStat::Distinct => {
                    let distinct = (0..vs.len()).filter(|&x| !vs[..x].contains(&vs[x])).count() as i128;
                    (distinct.cmp(&b), Q::new(distinct, 1))
                }
            };
            let unit = if stat == FieldStat::Distinct { "count" } else { "number" };
            out.push(self.period_verdict(name, end, op.test(ord), measured(value, op, bound, unit)));
        }
        out
    }

    /// Per period with events of the type: Σ ±(events meeting the term's
    /// condition) · 100 / (events of the type) against the bound, exactly.
    fn share(&self, rule: &Rule, p: Period, ty: usize, terms: &[ShareTerm], op: Op, bound: i64) -> Vec<Inst> {
        let all = self.triggers(rule, ty, None);
        let periods = self.periods_of(all.iter().map(|&i| self.events[i].time), p);
        let mut out = vec![];
        for (name, end) in periods {
            let members: Vec<usize> =
                all.iter().copied().filter(|&i| self.period_of(self.events[i].time, p).0 == name).collect();
            let total = members.len() as i64;
            let mut sum = 0i64;
            for t in terms {
                let met = members.iter().filter(|&&i| self.holds(&t.cond, &self.events[i], None)).count() as i64;
                sum += if t.minus { -met * 100 } else { met * 100 };
            }
            let value = measured(Q::new(i128::from(sum), i128::from(total)), op, bound, "%");
            out.push(self.period_verdict(name, end, op.test(sum.cmp(&(bound * total))), value));
        }
        out
    }

    /// Per period of the measured instances' triggers: pending while one is
    /// pending, none is decided, or the period is not over.
    fn rate(&self, p: Period, target: &[Inst], op: Op, bound: i64) -> Vec<Inst> {
        let period = |inst: &Inst| inst.trigger.map(|t| self.period_of(self.events[t].time, p));
        let periods = self.periods_of(target.iter().filter_map(|i| i.trigger).map(|t| self.events[t].time), p);
        let mut out = vec![];
        for (name, end) in periods {
            let of = |v: Verdict| {
                target.iter().filter(|i| i.verdict == v && period(i).is_some_and(|x| x.0 == name)).count() as i64
            };
            let (sat, vio, pend) = (of(Verdict::Satisfied), of(Verdict::Violated), of(Verdict::Pending));
            let verdict = if sat + vio == 0 || pend > 0 || end > self.horizon {
                Verdict::Pending
            } else if op.test((sat * 100).cmp(&(bound * (sat + vio)))) {
                Verdict::Satisfied
            } else {
                Verdict::Violated
            };
            // The rate so far, once an instance is decided.
            let measured = (sat + vio > 0)
                .then(|| measured(Q::new(i128::from(sat * 100), i128::from(sat + vio)), op, bound, "%"))
                .flatten();
            out.push(Inst { verdict, trigger: None, evidence: None, period: Some(name), owes: None, measured });
        }
        out
    }

    /// Each start is measured to the first matching end after it; per period
    /// of the starts, the statistic against the bound once the period is over.
    #[expect(clippy::too_many_arguments, reason = "the parts of one rule kind")]
    fn delay(
        &self,
        rule: &Rule,
        p: Period,
        stat: Stat,
        from: usize,
        from_cond: Option<&Ex>,
        to: &Matcher,
        op: Op,
        hours: i64,
    ) -> Vec<Inst> {
        let mut delays: Vec<(String, i64, i64)> = vec![];
        for i in self.triggers(rule, from, from_cond) {
            let start = &self.events[i];
            if let Some(j) = (i + 1..self.events.len()).find(|&j| self.matches(to, &self.events[j], start)) {
                let (name, end) = self.period_of(start.time, p);
                delays.push((name, end, self.events[j].time - start.time));
            }
        }
        let mut periods: Vec<(String, i64)> = vec![];
        for (name, end, _) in &delays {
            if !periods.iter().any(|(n, _)| n == name) {
                periods.push((name.clone(), *end));
            }
        }
        let bound = i128::from(hours * HOUR);
        let mut out = vec![];
        for (name, end) in periods {
            let mut values: Vec<i128> =
                delays.iter().filter(|(n, ..)| *n == name).map(|(.., d)| i128::from(*d)).collect();
            values.sort();
            let n = values.len() as i128;
            // Compares the statistic with the bound exactly (the average as
            // the fraction sum / n).
            let sum = values.iter().sum::<i128>();
            let (ord, value) = match stat {
                // Measured in whole microseconds, the average rounded toward
                // zero.
                Stat::Average => (sum.cmp(&(bound * n)), sum / n),
                Stat::Min => (values[0].cmp(&bound), values[0]),
                Stat::Max => (values[values.len() - 1].cmp(&bound), values[values.len() - 1]),
                Stat::Percentile(pc) => {
                    // Nearest rank: the smallest value with at least pc% of
                    // the values at or below it.
                    let rank = (1..=values.len()).find(|&r| (r as i128) * 100 >= i128::from(pc) * n);
                    let v = values[rank.unwrap_or(values.len()) - 1];
                    (v.cmp(&bound), v)
                }
            };
            let value = measured(Q::new(value, 1), op, hours * HOUR, "µs");
            out.push(self.period_verdict(name, end, op.test(ord), value));
        }
        out
    }
}

/// An exact rational number: amounts are computed here without rounding
/// except where a rule writes it and once at the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Q {
    n: i128,
    d: i128,
}

impl Q {
    fn new(n: i128, d: i128) -> Q {
        let (mut a, mut b) = (n.abs(), d.abs());
        while b != 0 {
            (a, b) = (b, a % b);
        }
        let g = a.max(1) * d.signum();
        Q { n: n / g, d: d / g }
    }

    fn int(n: i64) -> Q {
        Q::new(i128::from(n), 1)
    }

    /// A value given in thousandths.
    fn milli(v: i64) -> Q {
        Q::new(i128::from(v), 1000)
    }

    fn add(self, o: Q) -> Q {
        Q::new(self.n * o.d + o.n * self.d, self.d * o.d)
    }

    fn mul(self, o: Q) -> Q {
        Q::new(self.n * o.n, self.d * o.d)
    }

    fn floor(self) -> Q {
        Q::new(self.n.div_euclid(self.d), 1)
    }

    fn ceil(self) -> Q {
        Q::new(-(-self.n).div_euclid(self.d), 1)
    }

    fn min(self, o: Q) -> Q {
        if o < self {
            o
        } else {
            self
        }
    }

    fn max(self, o: Q) -> Q {
        if o > self {
            o
        } else {
            self
        }
    }

    /// To a multiple of `step`: the nearest, and at the midpoint the one
    /// away from zero, or the even multiple when `even`.
    fn round(self, step: Q, even: bool) -> Q {
        let x = self.mul(Q::new(step.d, step.n));
        let below = x.floor().n;
        let rest = x.add(Q::new(-below, 1));
        let k = match rest.cmp(&Q::new(1, 2)) {
            std::cmp::Ordering::Less => below,
            std::cmp::Ordering::Greater => below + 1,
            std::cmp::Ordering::Equal if even => below + below.rem_euclid(2),
            std::cmp::Ordering::Equal => below + i128::from(x.n > 0),
        };
        Q::new(k, 1).mul(step)
    }

    /// A whole number of pence as a plain decimal: `12.5`, `0.05`, `3`.
    /// Rounded to 4 decimal places, half away from zero, without trailing
    /// zeros (`33.3333`, `50`, `-0.5`).
    fn text4(self) -> String {
        let (n, d) = (self.n.abs(), self.d.abs());
        let scaled = (n * 20_000 + d) / (2 * d);
        let sign = if scaled != 0 && (self.n < 0) != (self.d < 0) { "-" } else { "" };
        let (whole, frac) = (scaled / 10_000, scaled % 10_000);
        let frac = format!("{frac:04}");
        let frac = frac.trim_end_matches('0');
        if frac.is_empty() {
            format!("{sign}{whole}")
        } else {
            format!("{sign}{whole}.{frac}")
        }
    }

    fn text(self) -> String {
        let pence = self.n * 100 / self.d;
        let sign = if pence < 0 { "-" } else { "" };
        let (pounds, rest) = (pence.abs() / 100, pence.abs() % 100);
        match rest {
            0 => format!("{sign}{pounds}"),
            r if r % 10 == 0 => format!("{sign}{pounds}.{}", r / 10),
            r => format!("{sign}{pounds}.{r:02}"),
        }
    }
}

impl PartialOrd for Q {
    fn partial_cmp(&self, o: &Q) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}

impl Ord for Q {
    fn cmp(&self, o: &Q) -> std::cmp::Ordering {
        (self.n * o.d).cmp(&(o.n * self.d))
    }
}
