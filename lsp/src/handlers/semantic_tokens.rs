//! Semantic tokens, full and delta.
//!
//! A small lexer finds comments, strings, numbers and keywords; names take
//! their type from the symbol index (event, field, rule, alias, jurisdiction,
//! calendar), so a misspelled event is not coloured as one. Tokens never
//! span lines: a block comment is sent line by line.

use super::{Document, Engine};
use tenet::check::index::{Occurrence, SymbolKey};
use tower_lsp_server::ls_types::{
    SemanticToken, SemanticTokenModifier, SemanticTokenType, SemanticTokens, SemanticTokensDelta,
    SemanticTokensDeltaParams, SemanticTokensEdit, SemanticTokensFullDeltaResult, SemanticTokensLegend,
    SemanticTokensParams, SemanticTokensResult,
};

/// Token types, in legend order.
pub const TYPES: &[SemanticTokenType] = &[
    SemanticTokenType::KEYWORD,
    SemanticTokenType::STRING,
    SemanticTokenType::NUMBER,
    SemanticTokenType::COMMENT,
    SemanticTokenType::TYPE,
    SemanticTokenType::PROPERTY,
    SemanticTokenType::FUNCTION,
    SemanticTokenType::VARIABLE,
    SemanticTokenType::NAMESPACE,
    SemanticTokenType::ENUM_MEMBER,
];

/// The legend advertised at initialisation.
pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend { token_types: TYPES.to_vec(), token_modifiers: vec![SemanticTokenModifier::DECLARATION] }
}

const KEYWORD: u32 = 0;
const STRING: u32 = 1;
const NUMBER: u32 = 2;
const COMMENT: u32 = 3;

/// One token before encoding: byte span, type index, declaration flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// First byte.
    pub start: usize,
    /// One past the last byte (on the same line).
    pub end: usize,
    /// Index into [`TYPES`].
    pub ty: u32,
    /// True on a declaration.
    pub decl: bool,
}

/// Answers `textDocument/semanticTokens/full`.
pub fn full(engine: &mut Engine, params: &SemanticTokensParams) -> Option<SemanticTokensResult> {
    let doc = engine.doc_mut(&params.text_document.uri)?;
    let data = encode(doc, &tokens(doc));
    let id = next_id(doc);
    doc.last_tokens = Some((id.clone(), flatten(&data)));
    Some(SemanticTokensResult::Tokens(SemanticTokens { result_id: Some(id), data }))
}

/// Answers `textDocument/semanticTokens/full/delta`: one edit replacing
/// what changed since the result the client holds, or everything when the
/// server no longer has that result.
pub fn delta(engine: &mut Engine, params: &SemanticTokensDeltaParams) -> Option<SemanticTokensFullDeltaResult> {
    let doc = engine.doc_mut(&params.text_document.uri)?;
    let data = encode(doc, &tokens(doc));
    let flat = flatten(&data);
    let id = next_id(doc);
    let previous = doc.last_tokens.take().filter(|(prev, _)| *prev == params.previous_result_id);
    doc.last_tokens = Some((id.clone(), flat.clone()));
    let Some((_, old)) = previous else {
        return Some(SemanticTokensFullDeltaResult::Tokens(SemanticTokens { result_id: Some(id), data }));
    };
    let prefix = old.iter().zip(&flat).take_while(|(a, b)| a == b).count() / 5 * 5;
    let suffix =
        old[prefix..].iter().rev().zip(flat[prefix..].iter().rev()).take_while(|(a, b)| a == b).count() / 5 * 5;
    let edits = if old == flat {
        vec![]
    } else {
        let inserted = &flat[prefix..flat.len() - suffix];
        vec![SemanticTokensEdit {
            start: to_u32(prefix),
            delete_count: to_u32(old.len() - suffix - prefix),
            data: Some(inserted.chunks(5).map(unflatten).collect()),
        }]
    };
    Some(SemanticTokensFullDeltaResult::TokensDelta(SemanticTokensDelta { result_id: Some(id), edits }))
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn next_id(doc: &Document) -> String {
    let n = doc.last_tokens.as_ref().and_then(|(id, _)| id.rsplit('.').next()?.parse::<u64>().ok()).unwrap_or(0);
    format!("{}.{}", doc.version, n + 1)
}

fn flatten(data: &[SemanticToken]) -> Vec<u32> {
    data.iter().flat_map(|t| [t.delta_line, t.delta_start, t.length, t.token_type, t.token_modifiers_bitset]).collect()
}

fn unflatten(c: &[u32]) -> SemanticToken {
    let at = |i: usize| c.get(i).copied().unwrap_or(0);
    SemanticToken {
        delta_line: at(0),
        delta_start: at(1),
        length: at(2),
        token_type: at(3),
        token_modifiers_bitset: at(4),
    }
}

/// The tokens of a document, in order.
pub fn tokens(doc: &Document) -> Vec<Token> {
    let text = doc.text.as_str();
    let occurrences: &[Occurrence] = doc.file.map_or(&[], |f| doc.snapshot.symbols().in_file(f));
    let mut next_occ = 0usize;
    let mut occ_at = |start: usize, end: usize| -> Option<&Occurrence> {
        while next_occ < occurrences.len() && occurrences[next_occ].span.start < start {
            next_occ += 1;
        }
        occurrences.get(next_occ).filter(|o| o.span.start == start && o.span.end == end)
    };
    let bytes = text.as_bytes();
    let mut out = vec![];
    let mut i = 0usize;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'/' && bytes.get(i + 1) == Some(&b'/') {
            let end = text[i..].find('\n').map_or(text.len(), |n| i + n);
            out.push(Token { start: i, end, ty: COMMENT, decl: false });
            i = end;
        } else if c == b'/' && bytes.get(i + 1) == Some(&b'*') {
            let end = text[i + 2..].find("*/").map_or(text.len(), |n| i + 2 + n + 2);
            split_lines(text, i, end, COMMENT, &mut out);
            i = end;
        } else if c == b'"' {
            let mut j = i + 1;
            while j < bytes.len() && bytes[j] != b'"' && bytes[j] != b'\n' {
                j += if bytes[j] == b'\\' { 2 } else { 1 };
            }
            let end = if j < bytes.len() && bytes[j] == b'"' { j + 1 } else { j.min(bytes.len()) };
            let end = super::lookup::floor(text, end);
            match occ_at(i, end) {
                Some(o) => out.push(Token { start: i, end, ty: symbol_type(&o.key), decl: o.decl }),
                None => out.push(Token { start: i, end, ty: STRING, decl: false }),
            }
            i = end.max(i + 1);
        } else if c.is_ascii_digit() {
            let mut j = i;
            while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || b":.-+%".contains(&bytes[j])) {
                j += 1;
            }
            out.push(Token { start: i, end: j, ty: NUMBER, decl: false });
            i = j;
        } else if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 {
            let rest = &text[i..];
            let len = rest
                .char_indices()
                .find(|(_, ch)| !(ch.is_alphanumeric() || *ch == '_'))
                .map_or(rest.len(), |(n, _)| n);
            if len == 0 {
                // A non-word character outside ASCII: skip it whole.
                i += rest.chars().next().map_or(1, char::len_utf8);
                continue;
            }
            let word = &rest[..len];
            if let Some(o) = occ_at(i, i + len) {
                out.push(Token { start: i, end: i + len, ty: symbol_type(&o.key), decl: o.decl });
            } else if tenet::syntax::KEYWORDS.contains(&word) || EXTRA_KEYWORDS.contains(&word) {
                out.push(Token { start: i, end: i + len, ty: KEYWORD, decl: false });
            }
            i += len;
        } else {
            i += 1;
        }
    }
    out
}

/// Words the grammar treats as keywords in places but does not reserve:
/// aggregate functions and the units of durations.
const EXTRA_KEYWORDS: &[&str] = &[
    "timezone",
    "parameter",
    "ceil",
    "floor",
    "round",
    "measure",
    "share",
    "rate",
    "count",
    "distinct",
    "sum",
    "min",
    "max",
    "average",
    "percentile",
    "business",
    "second",
    "seconds",
    "minute",
    "minutes",
    "hour",
    "hours",
    "day",
    "days",
    "week",
    "weeks",
    "month",
    "months",
    "quarter",
    "year",
];

fn symbol_type(key: &SymbolKey) -> u32 {
    match key {
        SymbolKey::Event { .. } => 4,
        SymbolKey::Field { .. } => 5,
        SymbolKey::Rule { .. } => 6,
        SymbolKey::Alias { .. } | SymbolKey::Parameter { .. } => 7,
        SymbolKey::Jurisdiction(_) => 8,
        SymbolKey::Calendar(_) => 9,
        SymbolKey::Test { .. } | SymbolKey::File(_) => STRING,
    }
}

fn split_lines(text: &str, start: usize, end: usize, ty: u32, out: &mut Vec<Token>) {
    let mut s = start;
    while s < end {
        let e = text[s..end].find('\n').map_or(end, |n| s + n);
        if e > s {
            out.push(Token { start: s, end: e, ty, decl: false });
        }
        s = e + 1;
    }
}

/// Encodes tokens relative to each other, in UTF-16 units.
pub fn encode(doc: &Document, tokens: &[Token]) -> Vec<SemanticToken> {
    let mut out = Vec::with_capacity(tokens.len());
    let (mut line, mut col) = (0u32, 0u32);
    for t in tokens {
        let start = doc.index.position(&doc.text, t.start);
        let end = doc.index.position(&doc.text, t.end);
        let length = if end.line == start.line { end.character - start.character } else { 0 };
        if length == 0 {
            continue;
        }
        let delta_line = start.line - line;
        let delta_start = if delta_line == 0 { start.character - col } else { start.character };
        out.push(SemanticToken {
            delta_line,
            delta_start,
            length,
            token_type: t.ty,
            token_modifiers_bitset: u32::from(t.decl),
        });
        line = start.line;
        col = start.character;
    }
    out
}
