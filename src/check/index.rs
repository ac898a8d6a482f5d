//! Who refers to what: every name of a workspace, resolved to the thing it
//! declares or names.
//!
//! Editors need "what is under the cursor", "where is it declared" and
//! "where is it used" for every file at once. [`SymbolIndex::build`] walks
//! the trees after the checker built its [`Scope`] and records one
//! [`Occurrence`] per name written, with a [`SymbolKey`] that is the same for
//! a declaration and all its uses, across files. It resolves names the way
//! the checker does (events through the file's visible schema, rules through
//! the jurisdiction and its ancestors, fields through the event a clause
//! matches, aliases within their rule) but reports nothing: a name that does
//! not resolve is simply not recorded.

use super::scope::Scope;
use crate::span::{FileId, Span};
use crate::syntax::ast::{self, Clause, Expr, ExprKind, Item, Measure, Name, UnlessKind};
use crate::workspace::Workspace;

/// What a name stands for, the same for its declaration and its uses.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SymbolKey {
    /// A jurisdiction, by name (global to the workspace).
    Jurisdiction(String),
    /// A calendar, by name (global; shipped ones have no declaration here).
    Calendar(String),
    /// An event type declared in `file`.
    Event {
        /// The declaring file.
        file: FileId,
        /// The event type.
        name: String,
    },
    /// A field of an event type declared in `file`.
    Field {
        /// The file declaring the event.
        file: FileId,
        /// The event type.
        event: String,
        /// The field.
        name: String,
    },
    /// A rule, named after the jurisdiction that first declares it: an
    /// `override` in a child jurisdiction is the same rule.
    Rule {
        /// The jurisdiction declaring it first, up the `extends` chain.
        jurisdiction: String,
        /// The rule's name.
        name: String,
    },
    /// A dated parameter declared in `file`.
    Parameter {
        /// The declaring file.
        file: FileId,
        /// Its name.
        name: String,
    },
    /// An alias (`as c`), scoped to one rule.
    Alias {
        /// The file of the rule.
        file: FileId,
        /// Where the rule's name is written (identifies the rule).
        rule: Span,
        /// The alias.
        name: String,
    },
    /// An inline test of `file`.
    Test {
        /// The file holding it.
        file: FileId,
        /// Its name.
        name: String,
    },
    /// A whole file, named by an `import`.
    File(FileId),
}

/// One name as written in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    /// The file it is written in.
    pub file: FileId,
    /// Where (quotes included for a quoted name).
    pub span: Span,
    /// What it stands for.
    pub key: SymbolKey,
    /// True for the declaration itself.
    pub decl: bool,
}

/// Every resolved name of a workspace.
#[derive(Debug, Default, Clone)]
pub struct SymbolIndex {
    /// The occurrences, sorted by file and position.
    pub occurrences: Vec<Occurrence>,
}

impl SymbolIndex {
    /// Indexes every file of `ws` against the checker's tables.
    pub fn build(ws: &Workspace, scope: &Scope) -> SymbolIndex {
        let mut b = Builder { scope, out: vec![] };
        for unit in &ws.units {
            b.file(unit.id, &unit.ast, &unit.imports);
        }
        let mut occurrences = b.out;
        occurrences.sort_by_key(|o| (o.file, o.span.start, o.span.end));
        occurrences.dedup();
        SymbolIndex { occurrences }
    }

    /// The occurrence at byte `offset` of `file` (a cursor right after a
    /// name still counts), the innermost one when several cover it.
    pub fn at(&self, file: FileId, offset: usize) -> Option<&Occurrence> {
        let from = self.occurrences.partition_point(|o| o.file < file);
        self.occurrences[from..]
            .iter()
            .take_while(|o| o.file == file && o.span.start <= offset)
            .filter(|o| o.span.contains(offset))
            .min_by_key(|o| o.span.len())
    }

    /// The occurrences of one file, in order.
    pub fn in_file(&self, file: FileId) -> &[Occurrence] {
        let from = self.occurrences.partition_point(|o| o.file < file);
        let to = self.occurrences.partition_point(|o| o.file <= file);
        &self.occurrences[from..to]
    }

    /// The declarations of `key` (an overridden rule has several).
    pub fn declarations<'a>(&'a self, key: &'a SymbolKey) -> impl Iterator<Item = &'a Occurrence> + 'a {
        self.occurrences.iter().filter(move |o| o.decl && o.key == *key)
    }

    /// Every occurrence of `key`, declarations included.
    pub fn references<'a>(&'a self, key: &'a SymbolKey) -> impl Iterator<Item = &'a Occurrence> + 'a {
        self.occurrences.iter().filter(move |o| o.key == *key)
    }
}

/// What names mean inside one rule.
#[derive(Default, Clone)]
struct RuleEnv {
    /// Aliases: (alias, its key, the key of its event type when known).
    aliases: Vec<(String, SymbolKey, Option<SymbolKey>)>,
}

struct Builder<'a> {
    scope: &'a Scope,
    out: Vec<Occurrence>,
}

impl Builder<'_> {
    fn push(&mut self, file: FileId, name: &Name, key: SymbolKey, decl: bool) {
        if !name.text.is_empty() {
            self.out.push(Occurrence { file, span: name.span, key, decl });
        }
    }

    fn file(&mut self, file: FileId, tree: &ast::File, imports: &[(ast::Import, Option<FileId>)]) {
        for (imp, target) in imports {
            if let Some(t) = target {
                self.out.push(Occurrence { file, span: imp.path.span, key: SymbolKey::File(*t), decl: false });
            }
        }
        let jur = self.scope.file_jurisdiction.get(&file).cloned();
        for item in &tree.items {
            match item {
                Item::Jurisdiction(j) => {
                    self.push(file, &j.name, SymbolKey::Jurisdiction(j.name.text.clone()), true);
                    if let Some(p) = &j.extends {
                        self.push(file, p, SymbolKey::Jurisdiction(p.text.clone()), false);
                    }
                    if let Some(c) = &j.calendar {
                        self.push(file, c, SymbolKey::Calendar(c.text.clone()), false);
                    }
                }
                Item::Calendar(c) => {
                    self.push(file, &c.name, SymbolKey::Calendar(c.name.text.clone()), true);
                    if let Some(p) = &c.extends {
                        self.push(file, p, SymbolKey::Calendar(p.text.clone()), false);
                    }
                }
                Item::Event(e) => {
                    self.push(file, &e.name, SymbolKey::Event { file, name: e.name.text.clone() }, true);
                    for f in &e.fields {
                        let key = SymbolKey::Field { file, event: e.name.text.clone(), name: f.name.text.clone() };
                        self.push(file, &f.name, key, true);
                    }
                }
                Item::Parameter(d) => {
                    self.push(file, &d.name, SymbolKey::Parameter { file, name: d.name.text.clone() }, true);
                }
                Item::Rule(r) => self.rule(file, jur.as_deref(), r),
                Item::Test(t) => self.test(file, jur.as_deref(), t),
                Item::Import(_) | Item::Error(_) => {}
            }
        }
    }

    /// The key of a rule named `name` as seen from jurisdiction `jur`.
    fn rule_key(&self, jur: Option<&str>, name: &str) -> Option<SymbolKey> {
        let jur = jur?;
        let own = self.scope.jurisdictions.get(jur)?;
        let mut origin = own.rules.contains_key(name).then(|| jur.to_string());
        for a in self.scope.ancestors(jur) {
            if a.rules.contains_key(name) {
                origin = Some(a.decl.name.text.clone());
            }
        }
        origin.map(|jurisdiction| SymbolKey::Rule { jurisdiction, name: name.to_string() })
    }

    fn event_key(&self, file: FileId, name: &str) -> Option<SymbolKey> {
        let info = self.scope.events.get(&file)?.get(name)?;
        Some(SymbolKey::Event { file: info.file, name: name.to_string() })
    }

    fn event_ref(&mut self, file: FileId, name: &Name) -> Option<SymbolKey> {
        let key = self.event_key(file, &name.text)?;
        self.push(file, name, key.clone(), false);
        Some(key)
    }

    /// The key of field `field` of the event `event` (an event key).
    fn field_key(&self, file: FileId, event: &SymbolKey, field: &str) -> Option<SymbolKey> {
        let SymbolKey::Event { name, .. } = event else { return None };
        let info = self.scope.events.get(&file)?.get(name)?;
        info.field(field)?;
        Some(SymbolKey::Field { file: info.file, event: name.clone(), name: field.to_string() })
    }

    fn test(&mut self, file: FileId, jur: Option<&str>, t: &ast::TestDecl) {
        let name = Name { text: t.name.value.clone(), quoted: true, span: t.name.span };
        self.push(file, &name, SymbolKey::Test { file, name: t.name.value.clone() }, true);
        for g in &t.given {
            let event = self.event_ref(file, &g.event);
            for f in &g.fields {
                if let Some(key) = event.as_ref().and_then(|e| self.field_key(file, e, &f.name.text)) {
                    self.push(file, &f.name, key, false);
                }
            }
        }
        for e in &t.expects {
            if let Some(key) = self.rule_key(jur, &e.rule.text) {
                self.push(file, &e.rule, key, false);
            }
        }
    }

    fn rule(&mut self, file: FileId, jur: Option<&str>, r: &ast::RuleDecl) {
        let key = self.rule_key(jur, &r.name.text).unwrap_or_else(|| SymbolKey::Rule {
            jurisdiction: jur.unwrap_or_default().to_string(),
            name: r.name.text.clone(),
        });
        self.push(file, &r.name, key, true);
        // Every alias of the rule is visible in all its clauses: a misshapen
        // rule still resolves as much as it can.
        let mut env = RuleEnv::default();
        for c in &r.clauses {
            for m in matches_of(c) {
                let event = self.event_ref(file, m.0);
                if let Some(a) = m.1 {
                    let key = SymbolKey::Alias { file, rule: r.name.span, name: a.text.clone() };
                    self.push(file, a, key.clone(), true);
                    env.aliases.push((a.text.clone(), key, event));
                }
            }
        }
        for c in &r.clauses {
            self.clause(file, jur, c, &env);
        }
    }

    fn clause(&mut self, file: FileId, jur: Option<&str>, c: &Clause, env: &RuleEnv) {
        let events = |b: &Self, names: &[&Name]| -> Vec<SymbolKey> {
            names.iter().filter_map(|n| b.event_key(file, &n.text)).collect()
        };
        match c {
            Clause::When(w) => {
                let cur = events(self, &[&w.event]);
                self.expr_opt(file, &w.condition, env, &cur);
                for p in &w.priors {
                    let cur = events(self, &[&p.event.event]);
                    self.expr_opt(file, &p.event.condition, env, &cur);
                }
            }
            Clause::Extend(x) => {
                let cur = events(self, &[&x.event.event]);
                self.expr_opt(file, &x.event.condition, env, &cur);
            }
            Clause::Require(q) => {
                let names: Vec<&Name> = q.events.iter().collect();
                let cur = events(self, &names);
                self.expr_opt(file, &q.condition, env, &cur);
                if let Some(b) = &q.before {
                    let cur = events(self, &[&b.event]);
                    self.expr_opt(file, &b.condition, env, &cur);
                }
                if let Some(b) = q.every.as_ref().map(|e| &e.until) {
                    let cur = events(self, &[&b.event]);
                    self.expr_opt(file, &b.condition, env, &cur);
                }
                if let Some(p) = q.within_param.as_ref().and_then(|n| self.scope.params.get(&file)?.get(&n.text)) {
                    if let Some(n) = &q.within_param {
                        self.push(file, n, SymbolKey::Parameter { file: p.file, name: n.text.clone() }, false);
                    }
                }
                if let Some(b) = &q.by {
                    let trigger: Vec<SymbolKey> = env.aliases.iter().filter_map(|a| a.2.clone()).take(1).collect();
                    self.expr(file, &b.expr, env, &trigger);
                }
            }
            Clause::Unless(u) => match &u.kind {
                UnlessKind::Condition(e) => {
                    let trigger: Vec<SymbolKey> = env.aliases.iter().filter_map(|a| a.2.clone()).take(1).collect();
                    self.expr(file, e, env, &trigger);
                }
                UnlessKind::Event(m) | UnlessKind::Prior(m, _) => {
                    let cur = events(self, &[&m.event]);
                    self.expr_opt(file, &m.condition, env, &cur);
                }
            },
            Clause::Forbid(f) => {
                let cur = events(self, &[&f.event.event]);
                self.expr_opt(file, &f.event.condition, env, &cur);
                for p in &f.priors {
                    let cur = events(self, &[&p.event.event]);
                    self.expr_opt(file, &p.event.condition, env, &cur);
                }
            }
            Clause::Remedy(m) => {
                // Amounts read the instance's event: the trigger, or the forbidden event.
                let subject: Vec<SymbolKey> = env.aliases.iter().filter_map(|a| a.2.clone()).take(1).collect();
                let amounts =
                    m.terms.iter().flat_map(|t| std::iter::once(&t.amount).chain(t.tiers.iter().map(|x| &x.amount)));
                for e in amounts.chain(m.cap.as_ref()) {
                    self.expr(file, e, env, &subject);
                }
            }
            Clause::Aggregate(a) => {
                for m in a.measures() {
                    self.measure(file, jur, env, m);
                }
                self.expr(file, &a.bound, env, &[]);
            }
        }
    }

    /// Records the names a measure uses.
    fn measure(&mut self, file: FileId, jur: Option<&str>, env: &RuleEnv, m: &Measure) {
        let events = |b: &Self, names: &[&Name]| -> Vec<SymbolKey> {
            names.iter().filter_map(|n| b.event_key(file, &n.text)).collect()
        };
        match m {
            Measure::Rate { rule, .. } => {
                if let Some(key) = self.rule_key(jur, &rule.text) {
                    self.push(file, rule, key, false);
                }
            }
            Measure::Delay { from, to, to_condition, .. } => {
                let cur = events(self, &[&from.event]);
                self.expr_opt(file, &from.condition, env, &cur);
                let names: Vec<&Name> = to.iter().collect();
                let cur = events(self, &names);
                self.expr_opt(file, to_condition, env, &cur);
            }
            Measure::Events { event, field, .. } => {
                let cur = events(self, &[&event.event]);
                self.expr_opt(file, &event.condition, env, &cur);
                if let Some(f) = field {
                    self.field_ref(file, f, &cur);
                }
            }
            Measure::Share { event, .. } => {
                let cur = events(self, &[&event.event]);
                self.expr_opt(file, &event.condition, env, &cur);
            }
        }
    }

    /// Records `name` as a field of the first of `events` that has it.
    fn field_ref(&mut self, file: FileId, name: &Name, events: &[SymbolKey]) {
        if let Some(key) = events.iter().find_map(|e| self.field_key(file, e, &name.text)) {
            self.push(file, name, key, false);
        }
    }

    fn expr_opt(&mut self, file: FileId, e: &Option<Expr>, env: &RuleEnv, current: &[SymbolKey]) {
        if let Some(e) = e {
            self.expr(file, e, env, current);
        }
    }

    fn expr(&mut self, file: FileId, e: &Expr, env: &RuleEnv, current: &[SymbolKey]) {
        match &e.kind {
            ExprKind::Lit(_) => {}
            ExprKind::Name(n) => match env.aliases.iter().find(|a| a.0 == n.text) {
                Some((_, key, _)) => self.push(file, n, key.clone(), false),
                None => match self.scope.params.get(&file).and_then(|p| p.get(&n.text)) {
                    Some(p) => {
                        let key = SymbolKey::Parameter { file: p.file, name: n.text.clone() };
                        self.push(file, n, key, false);
                    }
                    None => self.field_ref(file, n, current),
                },
            },
            ExprKind::Member(a, f) => {
                if let Some((_, key, event)) = env.aliases.iter().find(|x| x.0 == a.text) {
                    self.push(file, a, key.clone(), false);
                    if let Some(ev) = event {
                        self.field_ref(file, f, std::slice::from_ref(ev));
                    }
                }
            }
            ExprKind::Call(_, args) => {
                for x in args {
                    self.expr(file, x, env, current);
                }
            }
            ExprKind::Unary(_, x) | ExprKind::Paren(x) | ExprKind::During(x, _) => self.expr(file, x, env, current),
            ExprKind::Binary(_, l, r) => {
                self.expr(file, l, env, current);
                self.expr(file, r, env, current);
            }
            ExprKind::In { value, list, .. } => {
                self.expr(file, value, env, current);
                for x in list {
                    self.expr(file, x, env, current);
                }
            }
        }
    }
}

/// The event matches of a clause that may bind an alias: (event, alias).
/// The event types a rule names (each as written, in clause order).
pub fn event_names(r: &ast::RuleDecl) -> impl Iterator<Item = &Name> {
    r.clauses.iter().flat_map(|c| matches_of(c).into_iter().map(|(name, _)| name))
}

fn matches_of(c: &Clause) -> Vec<(&Name, Option<&Name>)> {
    match c {
        Clause::When(w) => {
            let mut v = vec![(&w.event, w.alias.as_ref())];
            v.extend(w.priors.iter().map(|p| (&p.event.event, p.event.alias.as_ref())));
            v
        }
        Clause::Extend(x) => vec![(&x.event.event, x.event.alias.as_ref())],
        Clause::Require(q) => {
            let mut v: Vec<(&Name, Option<&Name>)> = q.events.iter().map(|e| (e, None)).collect();
            if let Some(first) = v.first_mut() {
                first.1 = q.alias.as_ref();
            }
            v.extend(q.before.iter().map(|b| (&b.event, None)));
            v.extend(q.every.iter().map(|e| (&e.until.event, None)));
            v
        }
        Clause::Unless(u) => match &u.kind {
            UnlessKind::Event(m) | UnlessKind::Prior(m, _) => vec![(&m.event, m.alias.as_ref())],
            UnlessKind::Condition(_) => vec![],
        },
        Clause::Forbid(f) => {
            let mut v = vec![(&f.event.event, f.event.alias.as_ref())];
            v.extend(f.priors.iter().map(|p| (&p.event.event, p.event.alias.as_ref())));
            v
        }
        Clause::Remedy(_) => vec![],
        Clause::Aggregate(a) => a
            .measures()
            .flat_map(|m| match m {
                Measure::Rate { .. } => vec![],
                Measure::Delay { from, to, .. } => {
                    let mut v = vec![(&from.event, from.alias.as_ref())];
                    v.extend(to.iter().map(|t| (t, None)));
                    v
                }
                Measure::Events { event, .. } | Measure::Share { event, .. } => {
                    vec![(&event.event, event.alias.as_ref())]
                }
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::{SymbolIndex, SymbolKey};
    use crate::workspace::MemoryLoader;

    /// Each occurrence as `text kind decl?`, in order.
    fn names(files: &[(&str, &str)]) -> Vec<String> {
        let mut loader = MemoryLoader::new();
        for (path, text) in files {
            loader.insert(*path, text.as_bytes());
        }
        let analysis = crate::check::analyze_with(&[files[0].0.into()], &loader);
        let index = SymbolIndex::build(&analysis.workspace, &analysis.scope);
        index
            .occurrences
            .iter()
            .map(|o| {
                let text = analysis.sources().get(o.file).map_or("", |f| f.slice(o.span));
                let kind = match &o.key {
                    SymbolKey::Jurisdiction(_) => "jurisdiction",
                    SymbolKey::Calendar(_) => "calendar",
                    SymbolKey::Event { .. } => "event",
                    SymbolKey::Field { event, .. } => event.as_str(),
                    SymbolKey::Rule { jurisdiction, .. } => jurisdiction.as_str(),
                    SymbolKey::Alias { .. } => "alias",
                    SymbolKey::Test { .. } => "test",
                    SymbolKey::Parameter { .. } => "parameter",
                    SymbolKey::File(_) => "file",
                };
                format!("{text} {kind}{}", if o.decl { " decl" } else { "" })
            })
            .collect()
    }

    #[test]
    fn names_resolve_across_files() {
        let schema = "event asked { case: id }\nevent answered { case: id, by: id }\n";
        let policy = "jurisdiction X \"x\"\n  timezone \"UTC\"\n  calendar BR\n\nimport \"s.tenet\"\n\n\
                      rule r cites \"a\" {\n  when asked as a\n  require answered where case == a.case within 1 day\n}\n\n\
                      test \"t\" {\n  given {\n    2026-01-01T00:00:00Z asked { case: \"A\" }\n  }\n  expect pending r\n}\n";
        let found = names(&[("/p/p.tenet", policy), ("/p/s.tenet", schema)]);
        assert_eq!(
            found,
            [
                "X jurisdiction decl",
                "BR calendar",
                "\"s.tenet\" file",
                "r X decl",
                "asked event",
                "a alias decl",
                "answered event",
                "case answered",
                "a alias",
                "case asked",
                "\"t\" test decl",
                "asked event",
                "case asked",
                "r X",
                "asked event decl",
                "case asked decl",
                "answered event decl",
                "case answered decl",
                "by answered decl",
            ]
        );
    }

    #[test]
    fn an_override_is_the_rule_of_the_parent() {
        let parent = "jurisdiction EU \"e\"\n  timezone \"UTC\"\n\nrule r cites \"a\" {\n  forbid x\n}\n";
        let child = "jurisdiction FR \"f\"\n  extends EU\n  timezone \"UTC\"\n\nimport \"eu.tenet\"\n\n\
                     override rule r cites \"b\" {\n  forbid y\n}\n";
        let found = names(&[("/p/fr.tenet", child), ("/p/eu.tenet", parent)]);
        assert_eq!(
            found,
            [
                "FR jurisdiction decl",
                "EU jurisdiction",
                "\"eu.tenet\" file",
                "r EU decl",
                "EU jurisdiction decl",
                "r EU decl"
            ]
        );
    }
}
