//! The session's policy: the files loaded plus the definitions typed.
//!
//! A definition typed in the REPL replaces the item of the same kind and
//! name where it stands (a rule keeps its file, so its jurisdiction), or is
//! appended to the draft: the first loaded file with a jurisdiction, or a
//! file of its own (`<repl>`) when none is loaded or a new jurisdiction is
//! typed. The texts are spliced in memory and checked as one workspace, and
//! every diagnostic inside a definition is moved back onto the REPL input it
//! came from (`<repl:3>`), so errors point at what the user typed.

use crate::check::{check_workspace, Analysis};
use crate::diagnostics::{Diagnostic, Related};
use crate::span::{FileId, SourceFile, Span};
use crate::syntax::ast::Item;
use crate::workspace::{normalize, FsLoader, Loader, Workspace};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The name of the draft file when no loaded file takes the definitions.
pub const DRAFT: &str = "<repl>";

/// The kinds of top-level items a definition can be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DefKind {
    /// `jurisdiction`
    Jurisdiction,
    /// `import`
    Import,
    /// `event`
    Event,
    /// `calendar`
    Calendar,
    /// `parameter`
    Parameter,
    /// `rule`
    Rule,
    /// `test`
    Test,
}

impl DefKind {
    /// The keyword of the kind.
    pub fn word(self) -> &'static str {
        match self {
            DefKind::Jurisdiction => "jurisdiction",
            DefKind::Import => "import",
            DefKind::Event => "event",
            DefKind::Calendar => "calendar",
            DefKind::Parameter => "parameter",
            DefKind::Rule => "rule",
            DefKind::Test => "test",
        }
    }
}

/// The kind and name of an item (None for a hole).
pub fn item_key(item: &Item) -> Option<(DefKind, String)> {
    Some(match item {
        Item::Jurisdiction(j) => (DefKind::Jurisdiction, j.name.text.clone()),
        Item::Import(i) => (DefKind::Import, i.path.value.clone()),
        Item::Event(e) => (DefKind::Event, e.name.text.clone()),
        Item::Calendar(c) => (DefKind::Calendar, c.name.text.clone()),
        Item::Parameter(d) => (DefKind::Parameter, d.name.text.clone()),
        Item::Rule(r) => (DefKind::Rule, r.name.text.clone()),
        Item::Test(t) => (DefKind::Test, t.name.value.clone()),
        Item::Error(_) => return None,
    })
}

/// One item typed in the REPL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    /// What it defines.
    pub kind: DefKind,
    /// Its name.
    pub name: String,
    /// Its text, as typed.
    pub text: String,
    /// The REPL input it came from (`<repl:N>`).
    pub entry: usize,
}

/// The checked policy of a session.
#[derive(Debug)]
pub struct Built {
    /// Files, definitions and diagnostics (moved onto REPL inputs).
    pub analysis: Analysis,
    /// The file that received new definitions, if any did.
    pub draft: Option<FileId>,
    /// The source of each REPL input that holds a definition, by entry.
    pub inputs: HashMap<usize, FileId>,
}

/// Where a definition ended up in a spliced text.
struct Region {
    span: Span,
    entry: usize,
}

/// Texts served instead of the disk's.
struct Overlay {
    texts: HashMap<PathBuf, String>,
}

impl Loader for Overlay {
    fn read(&self, path: &Path) -> Result<Vec<u8>, String> {
        match self.texts.get(&normalize(path)) {
            Some(t) => Ok(t.clone().into_bytes()),
            None => FsLoader.read(path),
        }
    }
}

/// Checks the files at `paths` with `defs` applied.
pub fn build(paths: &[PathBuf], defs: &[Definition]) -> Built {
    let disk = Workspace::load(paths, &FsLoader);
    // Where each definition goes: over an item of a loaded file, or appended.
    let mut splices: HashMap<FileId, Vec<(Span, &Definition)>> = HashMap::new();
    let mut appended: Vec<&Definition> = vec![];
    for d in defs {
        let target = disk.units.iter().find_map(|u| {
            u.ast
                .items
                .iter()
                .find(|i| item_key(i).is_some_and(|(k, n)| k == d.kind && n == d.name))
                .map(|i| (u.id, i.span()))
        });
        match target {
            Some((file, span)) => splices.entry(file).or_default().push((span, d)),
            None => appended.push(d),
        }
    }
    let new_jurisdiction = appended.iter().any(|d| d.kind == DefKind::Jurisdiction);
    let home = if appended.is_empty() || new_jurisdiction {
        None
    } else {
        disk.units
            .iter()
            .filter(|u| u.requested)
            .find(|u| u.ast.items.iter().any(|i| matches!(i, Item::Jurisdiction(_))))
            .map(|u| u.id)
    };
    let mut overlay = Overlay { texts: HashMap::new() };
    let mut regions: HashMap<PathBuf, Vec<Region>> = HashMap::new();
    let mut touched: Vec<FileId> = splices.keys().copied().collect();
    touched.extend(home);
    touched.sort();
    touched.dedup();
    for file in touched {
        let Some(source) = disk.sources.get(file) else { continue };
        let mut edits = splices.remove(&file).unwrap_or_default();
        edits.sort_by_key(|(span, _)| span.start);
        let adds: &[&Definition] = if Some(file) == home { &appended } else { &[] };
        let (text, spliced) = splice(&source.text, &edits, adds);
        let key = normalize(&source.path);
        overlay.texts.insert(key.clone(), text);
        regions.insert(key, spliced);
    }
    let mut ws = Workspace::load(paths, &overlay);
    let mut draft = home.and_then(|h| disk.sources.get(h)).and_then(|s| ws.sources.find(&s.path));
    if home.is_none() && !appended.is_empty() {
        // Appended definitions after a blank first line, as if in a file of their own.
        let (text, spliced) = splice("", &[], &appended);
        regions.insert(normalize(Path::new(DRAFT)), spliced);
        draft = Some(ws.add_text(DRAFT, text, &overlay));
    }
    let mut analysis = check_workspace(ws);
    let inputs = move_onto_inputs(&mut analysis, &regions, defs);
    Built { analysis, draft, inputs }
}

/// `text` with `edits` (sorted, not overlapping) replaced by their
/// definitions and `adds` appended, and where each definition now stands.
fn splice(text: &str, edits: &[(Span, &Definition)], adds: &[&Definition]) -> (String, Vec<Region>) {
    let mut out = String::with_capacity(text.len());
    let mut regions = vec![];
    let mut at = 0;
    for (span, d) in edits {
        if span.start < at {
            continue;
        }
        out.push_str(text.get(at..span.start).unwrap_or(""));
        regions.push(Region { span: Span::new(out.len(), out.len() + d.text.len()), entry: d.entry });
        out.push_str(&d.text);
        at = span.end;
    }
    out.push_str(text.get(at..).unwrap_or(""));
    for d in adds {
        if !out.is_empty() && !out.ends_with("\n\n") {
            out.push_str(if out.ends_with('\n') { "\n" } else { "\n\n" });
        }
        regions.push(Region { span: Span::new(out.len(), out.len() + d.text.len()), entry: d.entry });
        out.push_str(&d.text);
        out.push('\n');
    }
    (out, regions)
}

/// Moves every diagnostic (and related location) that lies inside a
/// definition onto the REPL input it was typed in; returns the sources
/// added for those inputs.
fn move_onto_inputs(
    analysis: &mut Analysis,
    regions: &HashMap<PathBuf, Vec<Region>>,
    defs: &[Definition],
) -> HashMap<usize, FileId> {
    let mut inputs = HashMap::new();
    for d in defs {
        let id = analysis.workspace.sources.add(SourceFile::new(format!("<repl:{}>", d.entry), d.text.clone()));
        inputs.insert(d.entry, id);
    }
    let by_file: HashMap<FileId, &Vec<Region>> =
        regions.iter().filter_map(|(path, r)| Some((analysis.workspace.sources.find(path)?, r))).collect();
    let place = |file: FileId, span: Span| -> Option<(FileId, Span)> {
        let r = by_file.get(&file)?.iter().find(|r| r.span.start <= span.start && span.end <= r.span.end)?;
        let input = *inputs.get(&r.entry)?;
        Some((input, Span::new(span.start - r.span.start, span.end - r.span.start)))
    };
    for diag in &mut analysis.diagnostics {
        relocate(diag, &place);
    }
    inputs
}

fn relocate(diag: &mut Diagnostic, place: &dyn Fn(FileId, Span) -> Option<(FileId, Span)>) {
    let Some(original) = diag.file else { return };
    if let Some((file, span)) = place(original, diag.span) {
        diag.file = Some(file);
        diag.span = span;
        if let Some(fix) = &mut diag.fix {
            if let Some((_, s)) = place(original, fix.span) {
                fix.span = s;
            }
        }
    }
    for Related { file, span, .. } in &mut diag.related {
        if let Some((f, s)) = place(*file, *span) {
            *file = f;
            *span = s;
        }
    }
}
