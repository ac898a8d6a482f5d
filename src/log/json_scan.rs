//! The byte scanner under the JSON Lines reader: strings, numbers and
//! literals, validated without allocating.
//!
//! Everything here is on the per-attribute path of a log of millions of
//! lines, so it reports failures as a small copyable [`Fail`] (turned into a
//! message only for a bad line), finds the end of a string eight bytes at a
//! time, and refuses nested values at their first byte instead of
//! descending into them: no input can make it recurse.

/// What is wrong with a line's JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Syntax {
    Unterminated,
    Control,
    Escape,
    Surrogate,
    Value,
    EndsBeforeValue,
    Number,
    /// A nested object.
    Object,
    /// A nested array.
    Array,
}

impl Syntax {
    /// The reason, for a bad line.
    pub fn reason(self) -> &'static str {
        match self {
            Syntax::Unterminated => "invalid JSON: unterminated string",
            Syntax::Control => "invalid JSON: control character in a string; write it as an escape",
            Syntax::Escape => "invalid JSON: invalid escape in a string",
            Syntax::Surrogate => "invalid JSON: unpaired surrogate in a `\\u` escape",
            Syntax::Value => "invalid JSON: expected a value",
            Syntax::EndsBeforeValue => "invalid JSON: the line ends before the value",
            Syntax::Number => "invalid JSON: malformed number",
            Syntax::Object | Syntax::Array => "nested value",
        }
    }
}

/// A JSON failure at a byte offset of the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fail {
    pub at: usize,
    pub what: Syntax,
}

/// A value as found in the line: kind and byte range (inside the quotes for
/// strings).
#[derive(Debug, Clone, Copy)]
pub(crate) enum JVal {
    Str { start: usize, end: usize, escaped: bool },
    Num { start: usize, end: usize, int: bool },
    Bool(bool),
    Null,
}

/// A name's length with its first and last eight bytes: equal prints of
/// names up to sixteen bytes are equal names.
pub(crate) type Print = (usize, u64, u64);

/// The [`Print`] of a name, from whole loads (overlapping for short names).
#[inline]
pub(crate) fn fingerprint(name: &[u8]) -> Print {
    let n = name.len();
    let byte = |i: usize| u64::from(name.get(i).copied().unwrap_or(0));
    let word = |i: usize| name.get(i..i + 4).and_then(|w| <[u8; 4]>::try_from(w).ok()).map_or(0, u32::from_le_bytes);
    let long = |i: usize| name.get(i..i + 8).and_then(|w| <[u8; 8]>::try_from(w).ok()).map_or(0, u64::from_le_bytes);
    match n {
        0 => (0, 0, 0),
        1..=3 => (n, byte(0) | byte(n / 2) << (8 * (n / 2)) | byte(n - 1) << (8 * (n - 1)), 0),
        4..=7 => (n, u64::from(word(0)) | u64::from(word(n - 4)) << (8 * (n - 4)), 0),
        8 => (n, long(0), 0),
        _ => (n, long(0), long(n - 8)),
    }
}

/// A position in a line.
pub(crate) struct Cursor<'a> {
    pub s: &'a [u8],
    pub i: usize,
}

impl Cursor<'_> {
    #[inline(always)]
    pub fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    /// Skips blanks within the line (a line break ends the line).
    #[inline(always)]
    pub fn skip_ws(&mut self) {
        while matches!(self.s.get(self.i), Some(b' ' | b'\t' | b'\r')) {
            self.i += 1;
        }
    }

    /// A string at its opening quote: the index of its closing quote and
    /// whether it has escapes. The cursor moves past it.
    #[inline(always)]
    pub fn string(&mut self) -> Result<(usize, bool), Fail> {
        let open = self.i;
        let mut i = open + 1;
        let mut escaped = false;
        loop {
            let j = special(self.s, i);
            match self.s.get(j) {
                Some(b'"') => {
                    self.i = j + 1;
                    return Ok((j, escaped));
                }
                Some(b'\\') => {
                    escaped = true;
                    i = self.escape(j)?;
                }
                Some(_) => return Err(Fail { at: j, what: Syntax::Control }),
                None => return Err(Fail { at: open, what: Syntax::Unterminated }),
            }
        }
    }

    /// Validates the escape at `j` (a backslash); returns the index after it.
    fn escape(&self, j: usize) -> Result<usize, Fail> {
        let fail = |what| Fail { at: j, what };
        match self.s.get(j + 1) {
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => Ok(j + 2),
            Some(b'u') => {
                let code = self.hex(j + 2).ok_or(fail(Syntax::Escape))?;
                if (0xDC00..0xE000).contains(&code) {
                    return Err(fail(Syntax::Surrogate));
                }
                if (0xD800..0xDC00).contains(&code) {
                    let low = (self.s.get(j + 6..j + 8) == Some(b"\\u")).then(|| self.hex(j + 8)).flatten();
                    if !low.is_some_and(|l| (0xDC00..0xE000).contains(&l)) {
                        return Err(fail(Syntax::Surrogate));
                    }
                    return Ok(j + 12);
                }
                Ok(j + 6)
            }
            _ => Err(fail(Syntax::Escape)),
        }
    }

    fn hex(&self, at: usize) -> Option<u32> {
        let digits = self.s.get(at..at + 4)?;
        digits.iter().try_fold(0u32, |acc, &b| Some(acc * 16 + char::from(b).to_digit(16)?))
    }

    /// A value at the cursor (after the colon).
    #[inline(always)]
    pub fn value(&mut self) -> Result<JVal, Fail> {
        let at = self.i;
        match self.peek() {
            Some(b'"') => {
                let (end, escaped) = self.string()?;
                Ok(JVal::Str { start: at + 1, end, escaped })
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') => self.literal(b"true", JVal::Bool(true)),
            Some(b'f') => self.literal(b"false", JVal::Bool(false)),
            Some(b'n') => self.literal(b"null", JVal::Null),
            Some(b'{') => Err(Fail { at, what: Syntax::Object }),
            Some(b'[') => Err(Fail { at, what: Syntax::Array }),
            Some(_) => Err(Fail { at, what: Syntax::Value }),
            None => Err(Fail { at, what: Syntax::EndsBeforeValue }),
        }
    }

    fn literal(&mut self, word: &[u8], v: JVal) -> Result<JVal, Fail> {
        if self.s.get(self.i..self.i + word.len()) == Some(word) {
            self.i += word.len();
            Ok(v)
        } else {
            Err(Fail { at: self.i, what: Syntax::Value })
        }
    }

    /// A number: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    fn number(&mut self) -> Result<JVal, Fail> {
        let start = self.i;
        let fail = |at| Fail { at, what: Syntax::Number };
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(fail(self.i)),
        }
        let mut int = true;
        if self.peek() == Some(b'.') {
            self.i += 1;
            if !self.peek().is_some_and(|b| b.is_ascii_digit()) {
                return Err(fail(self.i));
            }
            self.digits();
            int = false;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if !self.peek().is_some_and(|b| b.is_ascii_digit()) {
                return Err(fail(self.i));
            }
            self.digits();
            int = false;
        }
        Ok(JVal::Num { start, end: self.i, int })
    }

    #[inline]
    fn digits(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.i += 1;
        }
    }
}

/// The index of the first `"`, `\` or control character of `s` at or
/// after `i` (or the length of `s`), eight bytes at a time.
#[inline(always)]
fn special(s: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = s.get(i..i + 8) {
        let Ok(bytes) = <[u8; 8]>::try_from(chunk) else { break };
        let w = u64::from_le_bytes(bytes);
        let quote = w ^ (ONES * u64::from(b'"'));
        let slash = w ^ (ONES * u64::from(b'\\'));
        // A byte is zero (or below 0x20) where the subtraction borrows into
        // its high bit; the lowest such byte is exact.
        let hits = ((quote.wrapping_sub(ONES) & !quote)
            | (slash.wrapping_sub(ONES) & !slash)
            | (w.wrapping_sub(ONES * 0x20) & !w))
            & HIGH;
        if hits != 0 {
            return i + (hits.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&b) = s.get(i) {
        if b == b'"' || b == b'\\' || b < 0x20 {
            return i;
        }
        i += 1;
    }
    s.len()
}

/// Decodes the escapes of a string already validated by [`Cursor::string`].
pub(crate) fn decode(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('u') => {
                let mut code = hex4(&mut chars);
                if (0xD800..0xDC00).contains(&code) {
                    chars.next();
                    chars.next();
                    let low = hex4(&mut chars);
                    code = 0x10000 + ((code - 0xD800) << 10) + (low.wrapping_sub(0xDC00) & 0x3FF);
                }
                out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

fn hex4(chars: &mut std::str::Chars<'_>) -> u32 {
    chars.by_ref().take(4).fold(0, |acc, c| acc * 16 + c.to_digit(16).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_finds_the_first_stop() {
        assert_eq!(special(b"abcdefghij\"", 0), 10);
        assert_eq!(special(b"ab\\cdefghij\"", 0), 2);
        assert_eq!(special(b"abcdefg\x01hij\"", 0), 7);
        assert_eq!(special("é€𝄞abcdefgh\"".as_bytes(), 0), 17);
        assert_eq!(special(b"abc", 0), 3);
    }

    #[test]
    fn prints_tell_names_apart() {
        let names: [&[u8]; 9] =
            [b"", b"a", b"ab", b"ba", b"case", b"cases", b"customer", b"customer_id", b"customer_ix"];
        for a in names {
            for b in names {
                assert_eq!(fingerprint(a) == fingerprint(b), a == b, "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn decodes_escapes() {
        assert_eq!(decode(r#"a\"b\\c\/d\n\u00e9\ud834\udd1e"#), "a\"b\\c/d\né𝄞");
    }
}
