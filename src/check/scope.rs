//! The checker's tables: who declares what, and what each file sees.
//!
//! Events are scoped per file: a file sees its own declarations, those of
//! the files it imports, and those of the file of the jurisdiction it
//! extends, transitively. Jurisdictions and calendars are global to the
//! workspace (a jurisdiction is found by name, so `FR extends EU` works when
//! the EU file is loaded or imported).

use super::calendars;
use super::suggest::closest;
use crate::diagnostics::{Diagnostic, Problem};
use crate::span::{FileId, Span};
use crate::syntax::ast::{self, Item};
use crate::workspace::Workspace;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

/// A declared event type.
#[derive(Debug, Clone)]
pub struct EventInfo {
    /// The file declaring it.
    pub file: FileId,
    /// The declaration.
    pub decl: ast::EventDecl,
}

impl EventInfo {
    /// The declaration of a field, if any.
    pub fn field(&self, name: &str) -> Option<&ast::FieldDecl> {
        self.decl.fields.iter().find(|f| f.name.text == name)
    }
}

/// A jurisdiction and its own rules.
#[derive(Debug, Clone)]
pub struct JurisdictionInfo {
    /// The file holding its header.
    pub file: FileId,
    /// The header.
    pub decl: ast::Jurisdiction,
    /// Its own rules by name (not the inherited ones).
    pub rules: BTreeMap<String, (FileId, ast::RuleDecl)>,
}

/// A declared dated parameter.
#[derive(Debug, Clone)]
pub struct ParamInfo {
    /// The file declaring it.
    pub file: FileId,
    /// The declaration.
    pub decl: ast::ParameterDecl,
}

/// A calendar known by name.
#[derive(Debug, Clone)]
pub struct CalendarInfo {
    /// The declaring file, None for a shipped calendar.
    pub file: Option<FileId>,
    /// The declaration.
    pub decl: ast::CalendarDecl,
}

/// Everything the checker knows about names.
#[derive(Debug, Default)]
pub struct Scope {
    /// Events visible in each file.
    pub events: HashMap<FileId, BTreeMap<String, EventInfo>>,
    /// Parameters visible in each file (scoped as events are).
    pub params: HashMap<FileId, BTreeMap<String, ParamInfo>>,
    /// Jurisdictions by name.
    pub jurisdictions: BTreeMap<String, JurisdictionInfo>,
    /// The jurisdiction of each file that has a header.
    pub file_jurisdiction: HashMap<FileId, String>,
    /// Files whose jurisdiction header was rejected (a duplicate): their
    /// rules and tests are not reported again.
    pub rejected_headers: HashSet<FileId>,
    /// Calendars by name (shipped and declared).
    pub calendars: BTreeMap<String, CalendarInfo>,
    /// Event declarations used by some rule or test: (file, name).
    used: RefCell<HashSet<(FileId, String)>>,
}

impl Scope {
    /// Builds the tables, reporting duplicate declarations.
    pub fn build(ws: &Workspace, diags: &mut Vec<Diagnostic>) -> Scope {
        let mut scope = Scope::default();
        for cal in calendars::builtin() {
            scope.calendars.insert(cal.name.text.clone(), CalendarInfo { file: None, decl: cal.clone() });
        }
        let mut own_events: HashMap<FileId, BTreeMap<String, EventInfo>> = HashMap::new();
        let mut own_params: HashMap<FileId, BTreeMap<String, ParamInfo>> = HashMap::new();

        for unit in &ws.units {
            let mut seen_rules: HashMap<String, Span> = HashMap::new();
            let mut seen_tests: HashMap<String, Span> = HashMap::new();
            let own = own_events.entry(unit.id).or_default();
            for item in &unit.ast.items {
                match item {
                    Item::Jurisdiction(j) => {
                        if let Some(first) = scope.file_jurisdiction.get(&unit.id) {
                            let mut d = Diagnostic::new(Problem::SecondJurisdiction, unit.id, j.name.span);
                            if let Some(info) = scope.jurisdictions.get(first) {
                                d = d.with_related(unit.id, info.decl.name.span, "the file's first header");
                            }
                            diags.push(d);
                            continue;
                        }
                        if let Some(prev) = scope.jurisdictions.get(&j.name.text) {
                            diags.push(duplicate("jurisdiction", &j.name, unit.id, prev.file, prev.decl.name.span));
                            scope.rejected_headers.insert(unit.id);
                            continue;
                        }
                        scope.file_jurisdiction.insert(unit.id, j.name.text.clone());
                        scope.jurisdictions.insert(
                            j.name.text.clone(),
                            JurisdictionInfo { file: unit.id, decl: j.clone(), rules: BTreeMap::new() },
                        );
                    }
                    Item::Event(e) => {
                        if let Some(prev) = own.get(&e.name.text) {
                            diags.push(duplicate("event", &e.name, unit.id, prev.file, prev.decl.name.span));
                            continue;
                        }
                        let mut fields: HashMap<&str, Span> = HashMap::new();
                        for f in &e.fields {
                            if let Some(prev) = fields.insert(&f.name.text, f.name.span) {
                                diags.push(duplicate("field", &f.name, unit.id, unit.id, prev));
                            }
                        }
                        own.insert(e.name.text.clone(), EventInfo { file: unit.id, decl: e.clone() });
                    }
                    Item::Calendar(c) => {
                        // Checking the shipped calendar files themselves is no clash.
                        let shipped = scope
                            .calendars
                            .get(&c.name.text)
                            .is_some_and(|prev| prev.file.is_none() && ast::same_modulo_spans(&prev.decl, c));
                        if shipped {
                            continue;
                        }
                        if let Some(prev) = scope.calendars.get(&c.name.text) {
                            let d = match prev.file {
                                Some(f) => duplicate("calendar", &c.name, unit.id, f, prev.decl.name.span),
                                None => Diagnostic::new(
                                    Problem::Duplicate { kind: "calendar", name: c.name.text.clone() },
                                    unit.id,
                                    c.name.span,
                                )
                                .with_label("a shipped calendar has this name; use `extends` to add to it"),
                            };
                            diags.push(d);
                            continue;
                        }
                        scope
                            .calendars
                            .insert(c.name.text.clone(), CalendarInfo { file: Some(unit.id), decl: c.clone() });
                    }
                    Item::Parameter(d) => {
                        let params = own_params.entry(unit.id).or_default();
                        if let Some(prev) = params.get(&d.name.text) {
                            diags.push(duplicate("parameter", &d.name, unit.id, prev.file, prev.decl.name.span));
                            continue;
                        }
                        params.insert(d.name.text.clone(), ParamInfo { file: unit.id, decl: d.clone() });
                    }
                    Item::Rule(r) => {
                        if let Some(prev) = seen_rules.insert(r.name.text.clone(), r.name.span) {
                            diags.push(duplicate("rule", &r.name, unit.id, unit.id, prev));
                        }
                    }
                    Item::Test(t) => {
                        if let Some(prev) = seen_tests.insert(t.name.value.clone(), t.name.span) {
                            let name = ast::Name { text: t.name.value.clone(), quoted: true, span: t.name.span };
                            diags.push(duplicate("test", &name, unit.id, unit.id, prev));
                        }
                    }
                    Item::Import(_) | Item::Error(_) => {}
                }
            }
        }
        // Rules join the jurisdiction of their file.
        for unit in &ws.units {
            let jur = scope.file_jurisdiction.get(&unit.id).cloned();
            for item in &unit.ast.items {
                let Item::Rule(r) = item else { continue };
                match jur.as_ref().and_then(|j| scope.jurisdictions.get_mut(j)) {
                    Some(info) => {
                        info.rules.entry(r.name.text.clone()).or_insert_with(|| (unit.id, r.clone()));
                    }
                    None if scope.rejected_headers.contains(&unit.id) => {}
                    None => diags.push(Diagnostic::new(
                        Problem::RuleOutsideJurisdiction { rule: r.name.text.clone() },
                        unit.id,
                        r.name.span,
                    )),
                }
            }
        }
        // Visible events and parameters: own, then breadth-first through
        // imports and parents.
        for unit in &ws.units {
            let mut visible: BTreeMap<String, EventInfo> = BTreeMap::new();
            let mut visible_params: BTreeMap<String, ParamInfo> = BTreeMap::new();
            let mut queue = VecDeque::from([unit.id]);
            let mut seen = HashSet::new();
            while let Some(f) = queue.pop_front() {
                if !seen.insert(f) {
                    continue;
                }
                for (name, info) in own_events.get(&f).into_iter().flatten() {
                    visible.entry(name.clone()).or_insert_with(|| info.clone());
                }
                for (name, info) in own_params.get(&f).into_iter().flatten() {
                    visible_params.entry(name.clone()).or_insert_with(|| info.clone());
                }
                if let Some(u) = ws.unit(f) {
                    queue.extend(u.imports.iter().filter_map(|(_, id)| *id));
                }
                if let Some(parent) = scope.parent_of_file(f) {
                    queue.push_back(parent.file);
                }
            }
            scope.events.insert(unit.id, visible);
            scope.params.insert(unit.id, visible_params);
        }
        scope
    }

    /// The jurisdiction a file's jurisdiction extends.
    fn parent_of_file(&self, file: FileId) -> Option<&JurisdictionInfo> {
        let name = self.file_jurisdiction.get(&file)?;
        let parent = self.jurisdictions.get(name)?.decl.extends.as_ref()?;
        self.jurisdictions.get(&parent.text)
    }

    /// The chain of ancestors of a jurisdiction, nearest first (stops at a
    /// cycle or a missing parent).
    pub fn ancestors(&self, name: &str) -> Vec<&JurisdictionInfo> {
        let mut out: Vec<&JurisdictionInfo> = vec![];
        let mut current = self.jurisdictions.get(name);
        while let Some(parent) =
            current.and_then(|j| j.decl.extends.as_ref()).and_then(|p| self.jurisdictions.get(&p.text))
        {
            if parent.decl.name.text == name || out.iter().any(|j| j.decl.name.text == parent.decl.name.text) {
                break;
            }
            out.push(parent);
            current = Some(parent);
        }
        out
    }

    /// The rule `name` as seen from jurisdiction `jur`: its own, else the
    /// nearest ancestor's.
    pub fn find_rule(&self, jur: &str, name: &str) -> Option<&(FileId, ast::RuleDecl)> {
        let own = self.jurisdictions.get(jur)?;
        own.rules.get(name).or_else(|| self.ancestors(jur).into_iter().find_map(|j| j.rules.get(name)))
    }

    /// Names of every rule visible from jurisdiction `jur`.
    pub fn rule_names(&self, jur: &str) -> Vec<&str> {
        let mut out: Vec<&str> = vec![];
        if let Some(j) = self.jurisdictions.get(jur) {
            out.extend(j.rules.keys().map(String::as_str));
        }
        for a in self.ancestors(jur) {
            out.extend(a.rules.keys().map(String::as_str));
        }
        out
    }

    /// True when file `file` sees at least one event declaration, which
    /// makes the schema enforced there.
    pub fn schema_enforced(&self, file: FileId) -> bool {
        self.events.get(&file).is_some_and(|e| !e.is_empty())
    }

    /// Resolves an event type seen from `file`, recording the use. Reports
    /// an unknown type when the schema is enforced.
    pub fn event(&self, file: FileId, name: &ast::Name, diags: &mut Vec<Diagnostic>) -> Option<&EventInfo> {
        let events = self.events.get(&file)?;
        match events.get(&name.text) {
            Some(info) => {
                self.used.borrow_mut().insert((info.file, name.text.clone()));
                Some(info)
            }
            None if !events.is_empty() => {
                let suggestion = closest(&name.text, events.keys().map(String::as_str));
                let d = Diagnostic::new(
                    Problem::UnknownEvent { name: name.text.clone(), suggestion: suggestion.clone() },
                    file,
                    name.span,
                )
                .with_suggested(name.span, suggestion);
                diags.push(d);
                None
            }
            None => None,
        }
    }

    /// Warns about events declared in policy files and never used.
    pub fn warn_unused_events(&self, ws: &Workspace, diags: &mut Vec<Diagnostic>) {
        let used = self.used.borrow();
        for unit in &ws.units {
            // Pure schema files declare a vocabulary for others: not warned.
            if !self.file_jurisdiction.contains_key(&unit.id) {
                continue;
            }
            // A rule that did not parse may be the one using the event.
            if unit.ast.items.iter().any(|i| matches!(i, Item::Error(_))) {
                continue;
            }
            for item in &unit.ast.items {
                if let Item::Event(e) = item {
                    if !used.contains(&(unit.id, e.name.text.clone())) {
                        diags.push(Diagnostic::new(
                            Problem::UnusedEvent { name: e.name.text.clone() },
                            unit.id,
                            e.name.span,
                        ));
                    }
                }
            }
        }
    }
}

/// "X is declared twice", pointing at the first declaration too.
pub fn duplicate(kind: &'static str, name: &ast::Name, file: FileId, prev_file: FileId, prev: Span) -> Diagnostic {
    Diagnostic::new(Problem::Duplicate { kind, name: name.text.clone() }, file, name.span).with_related(
        prev_file,
        prev,
        "first declared here",
    )
}
