//! The plan as a document (`tenet plan`): which rules each group of slices
//! holds, how each event type is routed, and which rules stay at the merge
//! and why. Versioned: a reader checks `"version": 1`.

use super::plan::{Plan, Route, Treatment};
use crate::eval::Program;
use serde_json::{json, Value};

/// The version of the plan document.
pub const PLAN_VERSION: u64 = 1;

/// The plan of `program` in `slices` slices, as JSON.
pub fn plan_json(program: &Program, plan: &Plan, slices: usize) -> Value {
    let name = |sym: u32| program.proj.names.get(sym as usize).map_or_else(|| format!("#{sym}"), |n| n.to_string());
    let rule_ref = |i: usize| {
        let rule = program.rules.get(i);
        let jurisdiction = rule.and_then(|r| program.jurisdictions.get(r.jurisdiction)).map(|j| j.name.clone());
        json!({ "rule": rule.map(|r| r.name.clone()), "jurisdiction": jurisdiction })
    };
    let groups: Vec<Value> = plan
        .groups
        .iter()
        .enumerate()
        .map(|(g, group)| {
            let routes: Vec<Value> = group
                .routes
                .iter()
                .map(|(t, route)| match route {
                    Route::Key(attrs) => json!({
                        "event": name(*t),
                        "route": "key",
                        "key": attrs.iter().map(|a| name(*a)).collect::<Vec<_>>(),
                    }),
                    Route::Copy => json!({ "event": name(*t), "route": "copy to every slice" }),
                    Route::Spread => json!({ "event": name(*t), "route": "spread by position" }),
                })
                .collect();
            json!({
                "group": g,
                "rules": group.rules.iter().map(|&i| rule_ref(i)).collect::<Vec<_>>(),
                "routes": routes,
            })
        })
        .collect();
    let merge: Vec<Value> = plan
        .treatments
        .iter()
        .enumerate()
        .filter_map(|(i, t)| match t {
            Treatment::Merge { reason } => {
                let mut r = rule_ref(i);
                if let Some(o) = r.as_object_mut() {
                    o.insert("reason".into(), json!(reason));
                }
                Some(r)
            }
            Treatment::Sliced { .. } => None,
        })
        .collect();
    json!({
        "version": PLAN_VERSION,
        "slices": slices,
        "hash": "FNV-1a 64 of the normalised key value, modulo the number of slices; an event without its key goes to slice 0",
        "order": "each slice reads its events in log order (time, then file, then line)",
        "groups": groups,
        "merge": merge,
    })
}
