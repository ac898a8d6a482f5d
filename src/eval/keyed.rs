//! Values by correlation key, in the order keys were first seen: the state
//! of a per-key aggregate, which a log may give millions of keys (cases).
//!
//! A hash map of keys to values keeps each (key, value) in a bucket of a
//! table at most 7/8 full that doubles as it grows (and holds both tables
//! while it does), so a key costs twice its size or more. Here the table
//! holds only an index (8 bytes a bucket) into the records, and the records
//! live in fixed-size chunks that never move: a key costs its record plus
//! about 12 bytes, and growing copies nothing. Written here because the
//! crates that keep insertion order (`indexmap`) keep the records in one
//! vector that doubles.

use super::keys::Key;
use hashbrown::HashTable;
use std::hash::BuildHasher;

/// Records a chunk holds: big enough that chunks are few, small enough that
/// the last one wastes little.
const CHUNK: usize = 1 << 14;

/// Values of type `T` by key, in first-seen order.
pub struct Keyed<T> {
    table: HashTable<usize>,
    chunks: Vec<Vec<(Key, T)>>,
    len: usize,
}

impl<T> Default for Keyed<T> {
    fn default() -> Self {
        Keyed { table: HashTable::new(), chunks: Vec::new(), len: 0 }
    }
}

impl<T> Keyed<T> {
    /// The value of `key`, made by `make` when the key is new (always
    /// Some: the index found or pushed points at its record).
    pub fn get_or_insert_with(&mut self, key: Key, make: impl FnOnce() -> T) -> Option<&mut T> {
        self.position_or_insert_with(key, make).map(|(_, value)| value)
    }

    /// [`Keyed::get_or_insert_with`], with the key's position in first-seen
    /// order (0 for the first key).
    pub fn position_or_insert_with(&mut self, key: Key, make: impl FnOnce() -> T) -> Option<(usize, &mut T)> {
        let hash = rustc_hash::FxBuildHasher.hash_one(&key);
        let chunks = &self.chunks;
        let found = self.table.find(hash, |&i| record(chunks, i).is_some_and(|(k, _)| *k == key)).copied();
        let at = match found {
            Some(at) => at,
            None => {
                let at = self.len;
                if self.chunks.last().is_none_or(|c| c.len() == CHUNK) {
                    self.chunks.push(Vec::with_capacity(CHUNK));
                }
                if let Some(chunk) = self.chunks.last_mut() {
                    chunk.push((key, make()));
                }
                self.len += 1;
                let chunks = &self.chunks;
                self.table.insert_unique(hash, at, |&i| {
                    record(chunks, i).map_or(0, |(k, _)| rustc_hash::FxBuildHasher.hash_one(k))
                });
                at
            }
        };
        let (chunk, offset) = (at / CHUNK, at % CHUNK);
        self.chunks.get_mut(chunk).and_then(|c| c.get_mut(offset)).map(|(_, value)| (at, value))
    }

    /// How many keys.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.len
    }

    /// The keys and values in first-seen order; each chunk is freed as
    /// soon as it is read.
    pub fn into_ordered(self) -> Ordered<T> {
        Ordered { chunks: self.chunks.into_iter(), current: Vec::new().into_iter(), left: self.len }
    }
}

/// The record at index `i`.
fn record<T>(chunks: &[Vec<(Key, T)>], i: usize) -> Option<&(Key, T)> {
    chunks.get(i / CHUNK).and_then(|c| c.get(i % CHUNK))
}

/// The records of a [`Keyed`] in order.
pub struct Ordered<T> {
    chunks: std::vec::IntoIter<Vec<(Key, T)>>,
    current: std::vec::IntoIter<(Key, T)>,
    left: usize,
}

impl<T> Iterator for Ordered<T> {
    type Item = (Key, T);

    fn next(&mut self) -> Option<(Key, T)> {
        loop {
            if let Some(item) = self.current.next() {
                self.left -= 1;
                return Some(item);
            }
            self.current = self.chunks.next()?.into_iter();
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl<T> ExactSizeIterator for Ordered<T> {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::{Event, Loc};
    use crate::value::Val;

    fn key(i: usize) -> Key {
        let attrs = [(0, Val::Str(format!("C-{i}").into()))].into_iter().collect();
        let e = Event { time: 0, kind: 0, attrs, loc: Loc { file: 0, line: 1 } };
        super::super::keys::key_of(&e, [0].into_iter()).expect("the event has the key")
    }

    #[test]
    fn keeps_first_seen_order_across_chunks_and_finds_every_key() {
        let mut keyed: Keyed<u64> = Keyed::default();
        let n = CHUNK * 2 + 17;
        // Keys seen in a scrambled order, each several times.
        let order: Vec<usize> = (0..n).map(|i| (i * 7919) % n).collect();
        for round in 0..3 {
            for &i in &order {
                *keyed.get_or_insert_with(key(i), || 0).expect("a record") += 1;
                assert!(round > 0 || keyed.len() <= n);
            }
        }
        assert_eq!(keyed.len(), n);
        let all: Vec<(Key, u64)> = keyed.into_ordered().collect();
        assert_eq!(all.len(), n);
        for (pos, (k, count)) in all.iter().enumerate() {
            assert_eq!(*k, key(order[pos]), "position {pos}");
            assert_eq!(*count, 3);
        }
    }
}
