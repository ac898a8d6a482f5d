//! Document symbols (the outline: jurisdiction, then its rules, events and
//! tests) and workspace symbols.

use super::{Document, Engine, LineIndex};
use tenet::check::index::SymbolKey;
use tenet::syntax::ast::Item;
use tower_lsp_server::ls_types::{
    DocumentSymbol, DocumentSymbolParams, DocumentSymbolResponse, Location, OneOf, SymbolKind, WorkspaceSymbol,
    WorkspaceSymbolParams, WorkspaceSymbolResponse,
};

/// Answers `textDocument/documentSymbol`.
pub fn document(engine: &Engine, params: &DocumentSymbolParams) -> Option<DocumentSymbolResponse> {
    let doc = engine.doc(&params.text_document.uri)?;
    Some(DocumentSymbolResponse::Nested(outline(doc)))
}

/// The outline of a document.
pub fn outline(doc: &Document) -> Vec<DocumentSymbol> {
    let Some(file) = doc.file else { return vec![] };
    let items = super::lookup::items(&doc.snapshot, file);
    let mut header: Option<DocumentSymbol> = None;
    let mut children = vec![];
    for item in items {
        let sym = |name: &str, detail: Option<String>, kind: SymbolKind, span: tenet::Span, sel: tenet::Span| {
            #[expect(deprecated, reason = "the field must be written, and is deprecated in the protocol")]
            DocumentSymbol {
                name: if name.is_empty() { "?".to_string() } else { name.to_string() },
                detail,
                kind,
                tags: None,
                deprecated: None,
                range: doc.range(span.start, span.end),
                selection_range: doc.range(sel.start, sel.end),
                children: None,
            }
        };
        match item {
            Item::Jurisdiction(j) => {
                let title = j.title.as_ref().map(|t| t.value.clone());
                // The header holds the whole file below it.
                let span = tenet::Span::new(j.span.start, doc.text.len());
                header = Some(sym(&j.name.text, title, SymbolKind::NAMESPACE, span, j.name.span));
            }
            Item::Event(e) => {
                let mut s = sym(
                    &e.name.text,
                    e.description.as_ref().map(|d| d.value.clone()),
                    SymbolKind::STRUCT,
                    e.span,
                    e.name.span,
                );
                let fields: Vec<DocumentSymbol> = e
                    .fields
                    .iter()
                    .map(|f| sym(&f.name.text, Some(f.ty.name.clone()), SymbolKind::FIELD, f.span, f.name.span))
                    .collect();
                s.children = (!fields.is_empty()).then_some(fields);
                children.push(s);
            }
            Item::Rule(r) => {
                children.push(sym(
                    &r.name.text,
                    r.title.as_ref().map(|t| t.value.clone()),
                    SymbolKind::FUNCTION,
                    r.span,
                    r.name.span,
                ));
            }
            Item::Test(t) => children.push(sym(&t.name.value, None, SymbolKind::METHOD, t.span, t.name.span)),
            Item::Calendar(c) => {
                children.push(sym(
                    &c.name.text,
                    c.title.as_ref().map(|t| t.value.clone()),
                    SymbolKind::ENUM,
                    c.span,
                    c.name.span,
                ));
            }
            Item::Parameter(d) => children.push(sym(
                &d.name.text,
                d.title.as_ref().map(|t| t.value.clone()),
                SymbolKind::CONSTANT,
                d.span,
                d.name.span,
            )),
            Item::Import(i) => children.push(sym(&i.path.value, None, SymbolKind::FILE, i.span, i.path.span)),
            Item::Error(_) => {}
        }
    }
    match header {
        Some(mut h) => {
            // Items written above the header stay at the top level.
            let (inside, outside): (Vec<_>, Vec<_>) =
                children.into_iter().partition(|c| c.range.start >= h.range.start);
            h.children = Some(inside);
            let mut out = outside;
            out.push(h);
            out
        }
        None => children,
    }
}

/// Answers `workspace/symbol`: declarations whose name contains the query.
pub fn workspace(engine: &mut Engine, params: &WorkspaceSymbolParams) -> Option<WorkspaceSymbolResponse> {
    let query = params.query.to_lowercase();
    engine.workspace();
    let engine: &Engine = engine;
    let snap = engine.cached_workspace()?;
    let mut out = vec![];
    for o in snap.symbols().occurrences.iter().filter(|o| o.decl) {
        let (name, kind, container) = match &o.key {
            SymbolKey::Jurisdiction(n) => (n.clone(), SymbolKind::NAMESPACE, None),
            SymbolKey::Calendar(n) => (n.clone(), SymbolKind::ENUM, None),
            SymbolKey::Event { name, .. } => (name.clone(), SymbolKind::STRUCT, None),
            SymbolKey::Field { event, name, .. } => (name.clone(), SymbolKind::FIELD, Some(event.clone())),
            SymbolKey::Rule { jurisdiction, name } => (name.clone(), SymbolKind::FUNCTION, Some(jurisdiction.clone())),
            SymbolKey::Test { name, .. } => (name.clone(), SymbolKind::METHOD, None),
            SymbolKey::Parameter { name, .. } => (name.clone(), SymbolKind::CONSTANT, None),
            SymbolKey::Alias { .. } | SymbolKey::File(_) => continue,
        };
        if !name.to_lowercase().contains(&query) {
            continue;
        }
        let Some(source) = snap.analysis.sources().get(o.file) else { continue };
        let Some(uri) = engine.uri_of(&source.path) else { continue };
        let range = LineIndex::new(&source.text).range(&source.text, o.span.start, o.span.end);
        out.push(WorkspaceSymbol {
            name,
            kind,
            tags: None,
            container_name: container,
            location: OneOf::Left(Location { uri, range }),
            data: None,
        });
    }
    Some(WorkspaceSymbolResponse::Nested(out))
}
