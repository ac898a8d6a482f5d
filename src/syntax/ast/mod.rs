//! The typed syntax tree of a policy file.
//!
//! The tree mirrors the source closely (clauses stay in the order written) so
//! that the formatter can print it back and the language server can point at
//! any node; the checker turns it into resolved rules. Every node has a byte
//! [`Span`]. A part that did not parse is an [`Item::Error`] hole, so the rest
//! of the file is still analysed.

//!
//! One file per part: items and declarations here, rule bodies in
//! [`clauses`], inline tests in [`tests`], expressions in [`expr`].

mod clauses;
mod expr;
mod tests;

pub use clauses::*;
pub use expr::*;
pub use tests::*;

use crate::span::Span;
use chrono::NaiveDate;
use serde::Serialize;

/// One parsed `.tenet` file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct File {
    /// Top-level items in source order.
    pub items: Vec<Item>,
    /// Every comment of the file, in source order (doc comments included).
    pub comments: Vec<Comment>,
}

/// A `//`, `///` or `/* */` comment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comment {
    /// The comment's text including its delimiters.
    pub text: String,
    /// True for a `///` doc comment.
    pub doc: bool,
    /// Where it was written.
    pub span: Span,
}

/// A name: an identifier, or a quoted string where real logs need one
/// (`"Take in charge ticket"`, `"org:resource"`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Name {
    /// The name itself, without quotes.
    pub text: String,
    /// True when it was written quoted.
    pub quoted: bool,
    /// Where it was written.
    pub span: Span,
}

/// A string literal with its span.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Text {
    /// The unescaped value.
    pub value: String,
    /// Where it was written (quotes included).
    pub span: Span,
}

/// A top-level item.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Item {
    /// `jurisdiction BR "title" timezone ... calendar ...`
    Jurisdiction(Jurisdiction),
    /// `import "path"`
    Import(Import),
    /// `event name "description" { field: type, ... }`
    Event(EventDecl),
    /// `calendar NAME { weekend ...; holiday ... }`
    Calendar(CalendarDecl),
    /// `parameter name "title" { value from D ... }`
    Parameter(ParameterDecl),
    /// `rule name ... { clauses }`
    Rule(RuleDecl),
    /// `test "name" { given ...; expect ... }`
    Test(TestDecl),
    /// Text that did not parse (its error is reported separately).
    Error(Span),
}

impl Item {
    /// The span of the whole item.
    pub fn span(&self) -> Span {
        match self {
            Item::Jurisdiction(x) => x.span,
            Item::Import(x) => x.span,
            Item::Event(x) => x.span,
            Item::Calendar(x) => x.span,
            Item::Parameter(x) => x.span,
            Item::Rule(x) => x.span,
            Item::Test(x) => x.span,
            Item::Error(span) => *span,
        }
    }
}

/// `in force from D [until D']`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InForce {
    /// First day in force (local day of the jurisdiction).
    pub from: DateLit,
    /// First day no longer in force, if any.
    pub until: Option<DateLit>,
    /// Where it was written.
    pub span: Span,
}

/// A date literal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DateLit {
    /// The date.
    pub date: NaiveDate,
    /// Where it was written.
    pub span: Span,
}

/// The jurisdiction header of a file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Jurisdiction {
    /// `/// ...` lines written above it.
    pub doc: Option<String>,
    /// Its identifier (`BR`, `FR`).
    pub name: Name,
    /// Its title.
    pub title: Option<Text>,
    /// `extends EU`
    pub extends: Option<Name>,
    /// `timezone "America/Sao_Paulo"`
    pub timezone: Option<Text>,
    /// `calendar BR`
    pub calendar: Option<Name>,
    /// `in force from ...`
    pub in_force: Option<InForce>,
    /// Where it was written.
    pub span: Span,
}

/// `import "path"`: brings the declarations of another file into scope.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Import {
    /// The path, relative to the importing file.
    pub path: Text,
    /// Where it was written.
    pub span: Span,
}

/// An event type and its typed fields.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventDecl {
    /// `/// ...` lines written above it.
    pub doc: Option<String>,
    /// The event type.
    pub name: Name,
    /// One-line description.
    pub description: Option<Text>,
    /// Its fields.
    pub fields: Vec<FieldDecl>,
    /// Where it was written.
    pub span: Span,
}

/// `name: type` or `name: type?` (optional).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldDecl {
    /// The field name.
    pub name: Name,
    /// Its type as written.
    pub ty: TypeName,
    /// True when written with `?`.
    pub optional: bool,
    /// Where it was written.
    pub span: Span,
}

/// A field type as written: `id`, `text`, `money(BRL)`, ...
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TypeName {
    /// The type keyword.
    pub name: String,
    /// The currency of a `money(XXX)` type.
    pub currency: Option<String>,
    /// Where it was written.
    pub span: Span,
}

/// A business calendar: weekend days and holidays.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalendarDecl {
    /// `/// ...` lines written above it.
    pub doc: Option<String>,
    /// Its name.
    pub name: Name,
    /// Its title.
    pub title: Option<Text>,
    /// The calendar it extends.
    pub extends: Option<Name>,
    /// `weekend sat, sun` entries.
    pub weekends: Vec<Vec<Spanned<Weekday>>>,
    /// `holiday D "name"` entries.
    pub holidays: Vec<Holiday>,
    /// `workday D "name"` entries: make-up working days, business days even
    /// when they fall on a weekend day.
    pub workdays: Vec<Holiday>,
    /// Where it was written.
    pub span: Span,
}

pub use crate::span::Spanned;

/// One dated entry of a calendar: a holiday, or a make-up working day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Holiday {
    /// The day.
    pub date: DateLit,
    /// Its name.
    pub name: Option<Text>,
    /// Where it was written.
    pub span: Span,
}

/// A day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Weekday {
    /// Monday.
    Mon,
    /// Tuesday.
    Tue,
    /// Wednesday.
    Wed,
    /// Thursday.
    Thu,
    /// Friday.
    Fri,
    /// Saturday.
    Sat,
    /// Sunday.
    Sun,
}

impl Weekday {
    /// The keyword as written in policies.
    pub fn as_str(self) -> &'static str {
        match self {
            Weekday::Mon => "mon",
            Weekday::Tue => "tue",
            Weekday::Wed => "wed",
            Weekday::Thu => "thu",
            Weekday::Fri => "fri",
            Weekday::Sat => "sat",
            Weekday::Sun => "sun",
        }
    }

    /// Parses a keyword.
    pub fn parse(s: &str) -> Option<Weekday> {
        Some(match s {
            "mon" => Weekday::Mon,
            "tue" => Weekday::Tue,
            "wed" => Weekday::Wed,
            "thu" => Weekday::Thu,
            "fri" => Weekday::Fri,
            "sat" => Weekday::Sat,
            "sun" => Weekday::Sun,
            _ => return None,
        })
    }

    /// Monday = 0 ... Sunday = 6.
    pub fn index(self) -> u32 {
        self as u32
    }
}

/// A dated parameter: a named value whose amount changes on given dates
/// (amounts uprated every April, a deadline shortened by an amendment).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParameterDecl {
    /// `/// ...` lines written above it.
    pub doc: Option<String>,
    /// Its name, used bare in expressions.
    pub name: Name,
    /// What it is.
    pub title: Option<Text>,
    /// `cites "..."`
    pub cites: Option<Text>,
    /// `text "..."`
    pub legal_text: Option<Text>,
    /// The values by date, in source order.
    pub entries: Vec<ParamEntry>,
    /// Where it was written.
    pub span: Span,
}

/// `VALUE from D [until D']`: the value in force from local day `from`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParamEntry {
    /// The value.
    pub value: Literal,
    /// Where the value was written (left out when comparing trees, as
    /// every `span` is).
    #[serde(skip)]
    pub value_span: Span,
    /// First day in force.
    pub from: DateLit,
    /// First day no longer in force (default: the next entry's `from`).
    pub until: Option<DateLit>,
    /// Where it was written.
    pub span: Span,
}
