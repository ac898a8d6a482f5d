//! What a policy file means, for comparing a file with its formatting.

use serde_json::Value;
use tenet::syntax::ast::File;

/// A serialised tree with every `span` key removed.
fn without_spans(v: Value) -> Value {
    match v {
        Value::Object(map) => {
            Value::Object(map.into_iter().filter(|(k, _)| k != "span").map(|(k, v)| (k, without_spans(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(without_spans).collect()),
        other => other,
    }
}

/// What a file means: its items without spans, and its comments' texts.
pub fn meaning(file: &File) -> (Value, Vec<String>) {
    let items = without_spans(serde_json::to_value(&file.items).expect("the tree serialises"));
    (items, file.comments.iter().map(|c| c.text.clone()).collect())
}
