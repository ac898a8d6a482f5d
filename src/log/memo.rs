//! What a JSON Lines worker remembers from one line to the next.
//!
//! A log uses few distinct keys, written the same way on every line, and
//! consecutive times share their date and hour. Remembering each key as it
//! is written (`"case":`, with quotes and colon), filed by its first bytes,
//! lets the parser recognise a key by comparing two words instead of
//! scanning it, fingerprinting it and looking it up; a line whose keys were
//! all recognised needs no duplicate check beyond a bit set.

use super::json_scan::Print;
use super::seen::Met;
use super::time_parse::TimeMemo;
use smallvec::SmallVec;

/// Buckets of keys, by a hash of their first four bytes.
const BUCKETS: usize = 128;
/// Keys remembered per bucket.
const WAYS: usize = 4;
/// The longest `"key":` remembered.
const MEMO_LEN: usize = 32;

/// What a worker remembers from line to line: the keys seen, and the date
/// and hour of the last time.
#[derive(Debug, Default)]
pub(crate) struct Memo {
    /// Keys by bucket (empty until the first key is learned).
    buckets: Vec<SmallVec<[Known; WAYS]>>,
    /// Where the next key learned goes, per bucket.
    next_way: Vec<usize>,
    /// The patterns remembered, by id (at most 64, for a bit set per line).
    ids: Vec<Box<[u8]>>,
    /// The last time's date and hour.
    pub time: TimeMemo,
    /// The event types met.
    pub met: Met,
}

/// The bucket of the key written at `i` in `line`.
#[inline(always)]
fn bucket(line: &[u8], i: usize) -> Option<usize> {
    let head = line.get(i..i + 4).and_then(|w| <[u8; 4]>::try_from(w).ok()).map(u32::from_le_bytes)?;
    Some((head.wrapping_mul(0x9E37_79B1) >> 25) as usize)
}

/// What a key is to the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Time,
    Type,
    /// An attribute the reader looks at, by key id.
    Attr(u32),
    /// An attribute nobody uses.
    Skip,
}

/// A key as written in a line: `"case":`.
#[derive(Debug, Clone)]
pub(crate) struct Known {
    /// A number of its own among the keys remembered (by name), below 64.
    pub id: u32,
    pattern: [u8; MEMO_LEN],
    /// The length of `"key":`.
    pub len: usize,
    /// The pattern's first sixteen bytes as words, and masks of its length.
    words: [u64; 2],
    masks: [u64; 2],
    /// What the key is.
    pub role: Role,
    /// The key's fingerprint.
    pub print: Print,
}

impl Known {
    fn new(pattern: &[u8], id: u32, role: Role, print: Print) -> Option<Known> {
        let len = pattern.len();
        let mut bytes = [0u8; MEMO_LEN];
        bytes.get_mut(..len)?.copy_from_slice(pattern);
        let word =
            |i: usize| bytes.get(i..i + 8).and_then(|w| <[u8; 8]>::try_from(w).ok()).map_or(0, u64::from_le_bytes);
        let mask = |skip: usize| match len.saturating_sub(skip) {
            0 => 0,
            n if n >= 8 => u64::MAX,
            n => (1u64 << (8 * n)) - 1,
        };
        Some(Known { id, pattern: bytes, len, words: [word(0), word(8)], masks: [mask(0), mask(8)], role, print })
    }

    /// Whether `line` has this key at `i`.
    #[inline(always)]
    pub fn at(&self, line: &[u8], i: usize) -> bool {
        let word = |at: usize| line.get(at..at + 8).and_then(|w| <[u8; 8]>::try_from(w).ok()).map(u64::from_le_bytes);
        match (word(i), word(i + 8)) {
            (Some(a), Some(b)) if a & self.masks[0] == self.words[0] && b & self.masks[1] == self.words[1] => {
                self.len <= 16 || line.get(i + 16..i + self.len) == self.pattern.get(16..self.len)
            }
            (Some(_), Some(_)) => false,
            _ => line.get(i..i + self.len) == self.pattern.get(..self.len),
        }
    }
}

impl Memo {
    /// The key remembered that `line` has at `i`.
    #[inline(always)]
    pub fn recall(&self, line: &[u8], i: usize) -> Option<&Known> {
        self.buckets.get(bucket(line, i)?)?.iter().find(|known| known.at(line, i))
    }

    /// Remembers `pattern`, a key as written in a line.
    pub fn learn(&mut self, pattern: &[u8], role: Role, print: Print) {
        let Some(b) = bucket(pattern, 0) else { return };
        let id = match self.ids.iter().position(|p| **p == *pattern) {
            Some(id) => id,
            None if self.ids.len() < 64 => {
                self.ids.push(pattern.into());
                self.ids.len() - 1
            }
            None => return,
        };
        let Some(known) = Known::new(pattern, id as u32, role, print) else { return };
        if self.buckets.is_empty() {
            self.buckets.resize_with(BUCKETS, SmallVec::new);
            self.next_way.resize(BUCKETS, 0);
        }
        let (Some(ways), Some(next)) = (self.buckets.get_mut(b), self.next_way.get_mut(b)) else { return };
        if ways.len() < WAYS {
            ways.push(known);
        } else if let Some(slot) = ways.get_mut(*next) {
            *slot = known;
            *next = (*next + 1) % WAYS;
        }
    }
}
