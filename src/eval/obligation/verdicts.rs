//! The verdicts of obligations: the instance an obligation closed by an
//! event becomes, the note saying why (with the extensions applied), the
//! keys naming it and the remedy it owes.

use super::*;

/// `note`, followed by the extensions that moved the deadline and, when the
/// trigger lacked the `by` date, that it did.
pub(super) fn with_extensions(env: &RuleEnv, open: &Open, note: &'static str) -> Cow<'static, str> {
    let crate::eval::ir::Kind::Obligation(o) = &env.rule.kind else { return note.into() };
    if open.extended == 0 && !open.no_date {
        return note.into();
    }
    let mut out = String::from(note);
    if open.extended != 0 {
        let applied: Vec<String> = o
            .extensions
            .iter()
            .enumerate()
            .filter(|(i, _)| open.extended & (1 << i) != 0)
            .map(|(_, x)| {
                let w = x.window;
                let name = x.matcher.types.first().and_then(|t| env.names.get(*t as usize)).map_or("?", |n| n);
                format!("{} {} ({name})", w.amount, w.unit.as_str(w.amount != 1))
            })
            .collect();
        out = format!("{out}; deadline extended by {}", applied.join(" and "));
    }
    if let (true, Some(d)) = (open.no_date, o.by.as_ref()) {
        let then = if o.within.is_some() || o.within_param.is_some() {
            "only the other deadline applies"
        } else {
            "it had no deadline"
        };
        out = format!("{out}; the trigger has no `{}`, so {then}", d.field);
    }
    if out.len() == note.len() {
        note.into()
    } else {
        out.into()
    }
}

/// A note about a trigger lacking its `by` date, naming the field.
pub(super) fn no_date_note(env: &RuleEnv, note: &'static str) -> Cow<'static, str> {
    match &env.rule.kind {
        crate::eval::ir::Kind::Obligation(o) => match &o.by {
            Some(b) => format!("the trigger has no `{}` for its deadline (`by`): it stays pending", b.field).into(),
            None => note.into(),
        },
        _ => note.into(),
    }
}

/// The keys that name an instance: the trigger's side of the awaited
/// correlation, plus customer and case when present.
pub(in crate::eval) fn display_keys(env: &RuleEnv, trigger: &[(Sym, Val)]) -> Vec<Sym> {
    let mut keys: Vec<Sym> = match &env.rule.kind {
        crate::eval::ir::Kind::Obligation(o) => anchor_keys(&o.awaited.corr.pairs).collect(),
        _ => vec![],
    };
    for name in ["case", "customer"] {
        if let Some(pos) = env.names.iter().position(|n| n.as_ref() == name) {
            let sym = pos as Sym;
            if !keys.contains(&sym) && !matches!(get(trigger, sym), Val::Null) {
                keys.push(sym);
            }
        }
    }
    keys
}

/// The attributes of its trigger an obligation past its deadline still
/// needs: the keys and customer its violation shows, and what its remedy
/// and the correlations that may still close it (the awaited event, the
/// `before` event) read. Exceptions and extensions no longer apply then.
pub(super) fn kept_when_overdue(env: &RuleEnv) -> Box<[Sym]> {
    let crate::eval::ir::Kind::Obligation(o) = &env.rule.kind else { return Box::default() };
    let named = ["case", "customer"].into_iter().filter_map(|n| env.names.iter().position(|x| x.as_ref() == n));
    let mut kept: Vec<Sym> = anchor_keys(&o.awaited.corr.pairs).chain(named.map(|p| p as Sym)).collect();
    kept.extend(env.customer);
    kept.extend(env.rule.remedy.iter().flat_map(|r| r.attrs()));
    for m in std::iter::once(&o.awaited).chain(&o.before) {
        kept.extend(m.corr.residual.iter().flat_map(|r| r.attrs()));
    }
    kept.sort_unstable();
    kept.dedup();
    kept.into()
}

/// The verdict of an obligation closed by `e`; None when exempted.
pub(super) fn decide(env: &RuleEnv, open: &Open, how: &Close, e: &Event) -> Option<Instance> {
    let on_time = open.due.is_none_or(|d| d.is_on_time(e.time));
    let (verdict, note) = match how {
        Close::Exempted | Close::Extend(_) => return None,
        Close::Fulfilled if on_time => (Verdict::Satisfied, "met in time"),
        Close::Fulfilled => (Verdict::Violated, "met late"),
        Close::EndedBy => (Verdict::Violated, "the window ended before the obligation was met"),
        Close::Forbidden => (Verdict::Violated, "a forbidden event happened while the obligation was open"),
    };
    let keys = if verdict == Verdict::Violated || env.detailed { display_keys(env, open.attrs()) } else { vec![] };
    let mut inst = instance_at(env, verdict, Some(open.at), open.attrs(), &keys, with_extensions(env, open, note));
    inst.evidence = Some(EventRef::from(e));
    // The deadline that applied: the duration's, unless the window ended
    // first (`before E`) or the obligation was broken while still on time.
    let due = match how {
        Close::EndedBy | Close::Forbidden if on_time => None,
        _ => open.due,
    };
    inst.deadline = match how {
        Close::EndedBy if on_time => Some(Due::exact(e.time)),
        _ => open.due,
    };
    if verdict == Verdict::Violated {
        inst.lateness = due.map(|d| lateness(&d, e.time));
        owe_open(&mut inst, env, due.as_ref(), e.time, open);
    }
    Some(inst)
}

/// [`owe`] for an obligation decided at `at`: the trigger, as far as it is
/// kept, is rebuilt only when the rule has a remedy to read it.
pub(super) fn owe_open(inst: &mut Instance, env: &RuleEnv, due: Option<&Due>, at: Micros, open: &Open) {
    if env.rule.remedy.is_some() {
        owe(inst, env, due, at, Some(&open.trigger(trigger_type(env))));
    }
}

/// The rule's trigger type (what `type` reads of a kept trigger).
pub(in crate::eval) fn trigger_type(env: &RuleEnv) -> Sym {
    match &env.rule.kind {
        crate::eval::ir::Kind::Obligation(o) => o.trigger,
        _ => crate::log::OTHER,
    }
}
