//! Events as the evaluator sees them, and the projection that decides what
//! a reader keeps of each log line.
//!
//! A policy uses a handful of event types and attributes; everything else in
//! the log is validated and skipped without allocating. Types and attribute
//! names the policy uses are interned to small integers once, when the
//! projection is built, so the hot loop compares integers, never strings.

use crate::time::Micros;
use crate::value::Val;
use rustc_hash::FxHashMap;
use smallvec::SmallVec;

/// An interned event type or attribute name.
pub type Sym = u32;

/// The type of events the policy does not mention.
pub const OTHER: Sym = u32::MAX;

/// Where an event was read: file index (in the order given) and 1-based
/// line (for XES, the line of the `<event>` element), or for a columnar
/// file (Parquet, Arrow) the 1-based row, marked by [`Loc::ROW`] in `line`
/// (a file has lines or rows, never both, so order within a file holds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Loc {
    /// Index of the log file.
    pub file: u32,
    /// 1-based line.
    pub line: u64,
}

impl Loc {
    /// The bit of [`Loc::line`] that marks a row number of a columnar file.
    pub const ROW: u64 = 1 << 63;

    /// Row `row` (1-based) of file `file`.
    pub fn row(file: u32, row: u64) -> Loc {
        Loc { file, line: row | Loc::ROW }
    }

    /// Whether this is a row of a columnar file rather than a line.
    pub fn is_row(&self) -> bool {
        is_row(self.line)
    }

    /// The 1-based line or row number.
    pub fn number(&self) -> u64 {
        number(self.line)
    }
}

/// Whether a `line` value (of a [`Loc`], a bad line or an out-of-order
/// failure) is a row of a columnar file.
pub fn is_row(line: u64) -> bool {
    line & Loc::ROW != 0
}

/// The 1-based line or row number of a `line` value.
pub fn number(line: u64) -> u64 {
    line & !Loc::ROW
}

/// `file:12` for a line, `file row 12` for a row.
pub fn place(file: &str, line: u64) -> String {
    if is_row(line) {
        format!("{file} row {}", number(line))
    } else {
        format!("{file}:{line}")
    }
}

/// One event of the log, reduced to what the policy needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// When it happened.
    pub time: Micros,
    /// Its type, or [`OTHER`].
    pub kind: Sym,
    /// The attributes the policy uses that the event has, by key.
    pub attrs: SmallVec<[(Sym, Val); 4]>,
    /// Where it was read.
    pub loc: Loc,
}

impl Event {
    /// The value of attribute `key` (Null when absent).
    pub fn get(&self, key: Sym) -> &Val {
        static NULL: Val = Val::Null;
        self.attrs.iter().find(|(k, _)| *k == key).map_or(&NULL, |(_, v)| v)
    }
}

/// The declared type of an attribute, for checking log values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldKind {
    /// A string, or a number taken as its decimal text.
    Id,
    /// A string.
    Text,
    /// A whole number.
    Int,
    /// A number.
    Decimal,
    /// A number (in the currency given, if any) or a string `"10.34 GBP"`.
    Money(Option<String>),
    /// `true` or `false`.
    Bool,
    /// A number of seconds.
    Duration,
    /// An RFC 3339 time with offset.
    Time,
    /// A calendar date, `"2026-03-02"`.
    Date,
}

/// What a reader keeps: the event types and attributes the policy uses, and
/// the declared schema to check values against.
#[derive(Debug, Clone, Default)]
pub struct Projection {
    /// Event type name to symbol.
    pub types: FxHashMap<Box<str>, Sym>,
    /// Attribute name to symbol.
    pub keys: FxHashMap<Box<str>, Sym>,
    /// Names by symbol (types and keys share one numbering).
    pub names: Vec<Box<str>>,
    /// Declared field kinds: (event type name, attribute name) to kind.
    pub schema: FxHashMap<(Box<str>, Box<str>), FieldKind>,
}

impl Projection {
    /// Interns a name (type or key) and returns its symbol.
    pub fn intern(&mut self, name: &str) -> Sym {
        if let Some(&s) = self.types.get(name).or_else(|| self.keys.get(name)) {
            return s;
        }
        let sym = self.names.len() as Sym;
        self.names.push(name.into());
        sym
    }

    /// Registers an event type the policy uses.
    pub fn add_type(&mut self, name: &str) -> Sym {
        let sym = self.intern(name);
        self.types.insert(name.into(), sym);
        sym
    }

    /// Registers an attribute the policy uses.
    pub fn add_key(&mut self, name: &str) -> Sym {
        let sym = self.intern(name);
        self.keys.insert(name.into(), sym);
        sym
    }

    /// The name of a symbol.
    pub fn name(&self, sym: Sym) -> &str {
        self.names.get(sym as usize).map_or("?", |n| n)
    }
}
