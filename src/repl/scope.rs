//! `--jurisdiction CODE` and `--rule NAME|GLOB` in the REPL.
//!
//! Given to `tenet repl`, they are the session's scope: what `:check`,
//! `:explain`, `:diff` and `:test` judge. Given to `:check` or `:test`,
//! they replace the session's option of the same name for that command
//! alone (`:check --rule 'answer_*'` keeps the session's jurisdictions), as
//! a user who narrowed the session and then asks for something else
//! expects. The words are those of `tenet check` and `tenet test`.

use crate::diagnostics::Diagnostic;
use crate::select::Selection;

/// The jurisdictions and rules judged (none given: all).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// `--jurisdiction` codes.
    pub jurisdictions: Vec<String>,
    /// `--rule` names or globs.
    pub rules: Vec<String>,
}

/// The options of one `:check` or `:test`, and what follows them.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Options<'a> {
    /// `--all` was given.
    pub all: bool,
    /// `--jurisdiction` and `--rule` given to the command.
    pub scope: Scope,
    /// The text after the options (a rule or test name).
    pub rest: &'a str,
}

impl Scope {
    /// The selection to compile; an invalid glob is an error.
    pub fn selection(&self) -> Result<Selection, Vec<Diagnostic>> {
        Selection::new(&self.jurisdictions, &self.rules)
    }

    /// This scope with the options given to one command in place of its own.
    pub fn with(&self, given: &Scope) -> Scope {
        let pick = |given: &Vec<String>, own: &Vec<String>| if given.is_empty() { own.clone() } else { given.clone() };
        Scope { jurisdictions: pick(&given.jurisdictions, &self.jurisdictions), rules: pick(&given.rules, &self.rules) }
    }

    /// Whether nothing narrows the run.
    pub fn is_empty(&self) -> bool {
        self.jurisdictions.is_empty() && self.rules.is_empty()
    }

    /// How the scope reads in a message: `--jurisdiction BR --rule 'a*'`.
    pub fn describe(&self) -> String {
        let j = self.jurisdictions.iter().map(|j| format!("--jurisdiction {j}"));
        let r = self.rules.iter().map(|r| format!("--rule {r}"));
        j.chain(r).collect::<Vec<_>>().join(" ")
    }
}

/// Reads the options at the start of `arg`: `--all` (when `all` is
/// allowed), `--jurisdiction CODE`, `--rule NAME|GLOB` (also with `=`),
/// repeated in any order; an error names an option that is unknown or
/// has no value.
pub fn options(arg: &str, all: bool) -> Result<Options<'_>, String> {
    let mut out = Options::default();
    let mut rest = arg.trim_start();
    while rest.starts_with("--") {
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let (word, after) = rest.split_at(end);
        let (name, inline) = match word.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (word, None),
        };
        if name == "--all" && all && inline.is_none() {
            out.all = true;
            rest = after.trim_start();
            continue;
        }
        let list = match name {
            "--jurisdiction" => &mut out.scope.jurisdictions,
            "--rule" => &mut out.scope.rules,
            _ => return Err(format!("unknown option `{word}`")),
        };
        let (value, after) = match inline {
            Some(v) => (v, after),
            None => {
                let after = after.trim_start();
                let end = after.find(char::is_whitespace).unwrap_or(after.len());
                after.split_at(end)
            }
        };
        // A glob may be quoted, as on the command line.
        let value = value.trim_matches(|c| c == '\'' || c == '"');
        if value.is_empty() {
            return Err(format!("`{name}` needs a value"));
        }
        list.push(value.to_string());
        rest = after.trim_start();
    }
    out.rest = rest.trim_end();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_options_then_the_rest() {
        let o = options("--all --rule 'answer_*' --jurisdiction=BR cancel", true).unwrap_or_default();
        assert!(o.all);
        assert_eq!(o.scope.rules, ["answer_*"]);
        assert_eq!(o.scope.jurisdictions, ["BR"]);
        assert_eq!(o.rest, "cancel");
        assert_eq!(options("plain name", false).map(|o| o.rest), Ok("plain name"));
        assert!(options("--all", false).is_err());
        assert!(options("--rule", true).is_err());
        assert!(options("--ruel x", true).is_err());
    }

    #[test]
    fn given_options_replace_the_sessions_of_the_same_name() {
        let session = Scope { jurisdictions: vec!["BR".into()], rules: vec!["a*".into()] };
        let given = Scope { jurisdictions: vec![], rules: vec!["b".into()] };
        assert_eq!(session.with(&given), Scope { jurisdictions: vec!["BR".into()], rules: vec!["b".into()] });
        assert_eq!(session.describe(), "--jurisdiction BR --rule a*");
    }
}
