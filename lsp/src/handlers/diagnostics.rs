//! The checker's diagnostics, converted for the protocol.
//!
//! The same `tenet::Diagnostic` values the CLI renders: the message is the
//! problem's text, the help follows it, related places become related
//! information, and a did-you-mean fix travels in `data` for the code action.

use super::{Document, Engine, LineIndex};
use tower_lsp_server::ls_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
};

/// The diagnostics of the document's own file.
pub fn of_document(engine: &Engine, doc: &Document) -> Vec<Diagnostic> {
    let Some(file) = doc.file else { return vec![] };
    let analysis = &doc.snapshot.analysis;
    analysis.diagnostics.iter().filter(|d| d.file == Some(file)).map(|d| convert(engine, doc, d)).collect()
}

/// One diagnostic of `doc`'s file, without related places (for code actions).
pub fn convert_plain(doc: &Document, d: &tenet::Diagnostic) -> Diagnostic {
    let mut plain = d.clone();
    plain.related.clear();
    convert_with(None, doc, &plain)
}

/// One diagnostic of `doc`'s file.
pub fn convert(engine: &Engine, doc: &Document, d: &tenet::Diagnostic) -> Diagnostic {
    convert_with(Some(engine), doc, d)
}

fn convert_with(engine: Option<&Engine>, doc: &Document, d: &tenet::Diagnostic) -> Diagnostic {
    let sources = doc.snapshot.analysis.sources();
    let related: Vec<DiagnosticRelatedInformation> = d
        .related
        .iter()
        .filter_map(|r| {
            let source = sources.get(r.file)?;
            let uri = engine?.uri_of(&source.path)?;
            let range = if Some(r.file) == doc.file {
                doc.range(r.span.start, r.span.end)
            } else {
                let index = LineIndex::new(&source.text);
                index.range(&source.text, r.span.start, r.span.end)
            };
            Some(DiagnosticRelatedInformation { location: Location { uri, range }, message: r.message.clone() })
        })
        .collect();
    let mut message = d.problem.to_string();
    if let Some(help) = d.problem.help() {
        message.push_str("\nhelp: ");
        message.push_str(&help);
    }
    let data = d
        .fix
        .as_ref()
        .map(|f| serde_json::json!({ "start": f.span.start, "end": f.span.end, "replacement": f.replacement }));
    Diagnostic {
        range: doc.range(d.span.start, d.span.end),
        severity: Some(match d.severity() {
            tenet::Severity::Error => DiagnosticSeverity::ERROR,
            tenet::Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.problem.code().to_string())),
        source: Some("tenet".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        data,
        ..Diagnostic::default()
    }
}
