//! The single path from problems to what users see.
//!
//! Every stage (scanner, parser, checker, later the log reader and the
//! evaluator) reports a [`Diagnostic`]: plain data holding a [`Problem`]
//! (whose wording lives in its `#[error]` text and [`Problem::help`]), a file
//! and a span. The CLI renders it through miette ([`render_human`]), `--format
//! json` serialises [`JsonDiagnostic`], and the language server converts the
//! same value, so the three never disagree.

use crate::span::{FileId, LineCol, SourceFile, Span};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};
use serde::Serialize;
use std::fmt;

mod problem;
pub use problem::Problem;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Must be fixed: the policy is not evaluated.
    Error,
    /// Worth a look; the policy still runs.
    Warning,
}

/// A secondary location shown with a diagnostic ("first defined here").
#[derive(Debug, Clone, PartialEq)]
pub struct Related {
    /// The file of the location.
    pub file: FileId,
    /// The location.
    pub span: Span,
    /// What it shows.
    pub message: String,
}

/// A suggested edit: replace `span` with `replacement`.
#[derive(Debug, Clone, PartialEq)]
pub struct Fix {
    /// What to replace.
    pub span: Span,
    /// The new text.
    pub replacement: String,
}

/// One problem found in one place.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// What is wrong.
    pub problem: Problem,
    /// The file, when the problem is in one.
    pub file: Option<FileId>,
    /// Where in the file.
    pub span: Span,
    /// Text under the span (defaults to a short form of the problem).
    pub label: Option<String>,
    /// Other places that explain it.
    pub related: Vec<Related>,
    /// An edit that fixes it (did-you-mean).
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// A diagnostic at `span` of `file`.
    pub fn new(problem: Problem, file: FileId, span: Span) -> Self {
        Diagnostic { problem, file: Some(file), span, label: None, related: vec![], fix: None }
    }

    /// A diagnostic that belongs to no source text (I/O, usage).
    pub fn global(problem: Problem) -> Self {
        Diagnostic { problem, file: None, span: Span::default(), label: None, related: vec![], fix: None }
    }

    /// Sets the label under the span.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Adds a related location.
    pub fn with_related(mut self, file: FileId, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Related { file, span, message: message.into() });
        self
    }

    /// Attaches the did-you-mean fix, when there is a suggestion.
    pub fn with_suggested(self, span: Span, suggestion: Option<String>) -> Self {
        match suggestion {
            Some(s) => self.with_fix(span, s),
            None => self,
        }
    }

    /// Attaches a fix.
    pub fn with_fix(mut self, span: Span, replacement: impl Into<String>) -> Self {
        self.fix = Some(Fix { span, replacement: replacement.into() });
        self
    }

    /// The severity of its problem.
    pub fn severity(&self) -> Severity {
        self.problem.severity()
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity() == Severity::Error
    }
}

/// The set of source files diagnostics point into.
#[derive(Debug, Default, Clone)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    /// An empty set.
    pub fn new() -> Self {
        Sources::default()
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId(self.files.len() - 1)
    }

    /// The file with this id.
    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0)
    }

    /// The id of the file read from `path`, if any.
    pub fn find(&self, path: &std::path::Path) -> Option<FileId> {
        self.files.iter().position(|f| f.path == path).map(FileId)
    }

    /// All files with their ids.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate().map(|(i, f)| (FileId(i), f))
    }
}

/// Options of the human renderer.
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions {
    /// Use ANSI colours.
    pub color: bool,
    /// Wrap width ([`RenderOptions::UNWRAPPED`]: lines are never wrapped).
    pub width: usize,
}

impl RenderOptions {
    /// The width that wraps nothing: for output read by programs (a pipe, a
    /// file), where a path or a time cut in two breaks a search.
    pub const UNWRAPPED: usize = usize::MAX;
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions { color: false, width: 100 }
    }
}

/// Renders one diagnostic as miette's graphical report.
pub fn render_human(diag: &Diagnostic, sources: &Sources, opts: RenderOptions) -> String {
    let theme = if opts.color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme).with_context_lines(1).with_links(false);
    let handler = if opts.width == RenderOptions::UNWRAPPED {
        handler.with_wrap_lines(false)
    } else {
        handler.with_width(opts.width)
    };
    let report = Report { diag, file: diag.file.and_then(|f| sources.get(f)), sources };
    let mut out = String::new();
    if handler.render_report(&mut out, &report).is_err() {
        out = format!("{}: {}\n", severity_word(diag.severity()), diag.problem);
    }
    out
}

/// Renders several diagnostics followed by a one-line count.
pub fn render_all(diags: &[Diagnostic], sources: &Sources, opts: RenderOptions) -> String {
    let mut out = String::new();
    for d in diags {
        out.push_str(&render_human(d, sources, opts));
        out.push('\n');
    }
    out
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// A diagnostic as `--format json` prints it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct JsonDiagnostic {
    /// File path, or null for problems outside any file.
    pub file: Option<String>,
    /// 1-based line of the start; null with no file (a problem has no
    /// position outside a file, and 0 would read as one).
    pub line: Option<usize>,
    /// 1-based column (characters) of the start; null with no file.
    pub column: Option<usize>,
    /// 1-based line and column of the end; null with no file.
    pub end: Option<LineCol>,
    /// `error` or `warning`.
    pub severity: Severity,
    /// Stable code, e.g. `tenet::unknown_event`.
    pub code: String,
    /// The message.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
}

impl JsonDiagnostic {
    /// Converts a diagnostic, resolving its span to lines and columns.
    pub fn from_diagnostic(diag: &Diagnostic, sources: &Sources) -> Self {
        let file = diag.file.and_then(|f| sources.get(f));
        let start = file.map(|f| f.line_col(diag.span.start));
        JsonDiagnostic {
            file: file.map(SourceFile::name),
            line: start.map(|s| s.line),
            column: start.map(|s| s.column),
            end: file.map(|f| f.line_col(diag.span.end)),
            severity: diag.severity(),
            code: diag.problem.code().to_string(),
            message: diag.problem.to_string(),
            help: diag.problem.help(),
        }
    }
}

/// The bridge to miette: a diagnostic with its source text.
struct Report<'a> {
    diag: &'a Diagnostic,
    file: Option<&'a SourceFile>,
    sources: &'a Sources,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.diag, f)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.diag.problem, f)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.diag.problem.code()))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity() {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        // Related places in other files cannot be drawn: they are named here.
        let others: Vec<String> = self
            .diag
            .related
            .iter()
            .filter(|r| Some(r.file) != self.diag.file)
            .filter_map(|r| {
                let f = self.sources.get(r.file)?;
                let lc = f.line_col(r.span.start);
                Some(format!("{}: {}:{}:{}", r.message, f.name(), lc.line, lc.column))
            })
            .collect();
        let help = self.diag.problem.help().into_iter().chain(others).collect::<Vec<_>>().join("\n");
        (!help.is_empty()).then(|| Box::new(help) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.file.map(|f| f as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.file?;
        let label = self.diag.label.clone().unwrap_or_else(|| self.diag.problem.label());
        let mut labels = vec![LabeledSpan::new_primary_with_span(Some(label), self.diag.span)];
        // Related spans in the same file are drawn as secondary labels; those in
        // other files are named in the help text of `related()`.
        labels.extend(
            self.diag
                .related
                .iter()
                .filter(|r| Some(r.file) == self.diag.file)
                .map(|r| LabeledSpan::new_with_span(Some(r.message.clone()), r.span)),
        );
        Some(Box::new(labels.into_iter()))
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn miette::Diagnostic> + 'b>> {
        None
    }
}

/// Longest source line shown whole; longer lines are shown as a window
/// around the span so a 5 MB line does not become a 5 MB message.
const MAX_SHOWN_LINE: usize = 240;

impl SourceCode for SourceFile {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let start = span.offset().min(self.text.len());
        let end = (start + span.len()).min(self.text.len());
        let lc = self.line_col(start);
        let line_start = self.line_start(lc.line).unwrap_or(0);
        let line_end = self.text[start..].find('\n').map_or(self.text.len(), |i| start + i);
        if line_end - line_start > MAX_SHOWN_LINE && end <= line_end {
            let lo = floor_char(&self.text, start.saturating_sub(MAX_SHOWN_LINE / 2).max(line_start));
            let hi = floor_char(&self.text, (end + MAX_SHOWN_LINE / 2).min(line_end));
            let column = self.text[line_start..lo].chars().count();
            return Ok(Box::new(miette::MietteSpanContents::new_named(
                self.name(),
                &self.text.as_bytes()[lo..hi],
                (lo, hi - lo).into(),
                lc.line - 1,
                column,
                1,
            )));
        }
        if self.text.len() <= WHOLE_TEXT_BELOW {
            let inner = self.text.read_span(span, before, after)?;
            return Ok(Box::new(miette::MietteSpanContents::new_named(
                self.name(),
                inner.data(),
                *inner.span(),
                inner.line(),
                inner.column(),
                inner.line_count(),
            )));
        }
        // In a large file only the lines around the span are handed to
        // miette, which counts lines from the start of what it is given: the
        // whole file per diagnostic would make many diagnostics quadratic.
        // (Labels far apart are then drawn as separate snippets.)
        let first_line = lc.line.saturating_sub(before).max(1);
        let lo = self.line_start(first_line).unwrap_or(0);
        let mut hi = end;
        for _ in 0..=after {
            match self.text.as_bytes()[hi..].iter().position(|&b| b == b'\n') {
                Some(i) => hi += i + 1,
                None => {
                    hi = self.text.len();
                    break;
                }
            }
        }
        let window = &self.text[lo..hi];
        let local = miette::SourceSpan::from((start - lo, end - start));
        let inner = window.read_span(&local, before, after)?;
        let shifted = miette::SourceSpan::from((inner.span().offset() + lo, inner.span().len()));
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name(),
            inner.data(),
            shifted,
            inner.line() + first_line - 1,
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// Files up to this size are given to miette whole, which lets it draw
/// nearby labels in one snippet; larger ones a window at a time.
const WHOLE_TEXT_BELOW: usize = 64 * 1024;

/// The largest char boundary at or before `i`.
fn floor_char(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}
