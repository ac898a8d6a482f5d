//! Open obligations by primary key, in bounded space per obligation.
//!
//! A hash map of keys to lists keeps each (key, list) in a bucket of a table
//! at most 7/8 full that doubles as it grows (and holds both tables while it
//! does): with about a hundred bytes per entry, a key costs twice that and
//! more at the moment of growing, and the obligations past their deadline
//! (hundreds of thousands on a large log) are most of the memory of a run.
//! Here the table holds only a position (8 bytes a bucket) into slots that
//! live in fixed-size chunks and never move; a slot emptied by a removal is
//! reused by the next insertion. Written here for the same reason as
//! [`super::super::keyed`]: no crate keeps records out of the table with
//! removal and reuse.

use super::{Open, Opens};
use crate::eval::keys::Key;
use hashbrown::HashTable;
use std::hash::BuildHasher;

/// Slots a chunk holds.
const CHUNK: usize = 1 << 12;

/// Lists of open obligations by key; an empty list is a free slot.
#[derive(Default)]
pub(super) struct ByKey {
    table: HashTable<usize>,
    chunks: Vec<Vec<(Key, Opens)>>,
    /// Positions of emptied slots.
    free: Vec<usize>,
}

fn hash(key: &Key) -> u64 {
    rustc_hash::FxBuildHasher.hash_one(key)
}

impl ByKey {
    /// Whether no key has obligations.
    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    /// The obligations of `key`.
    pub fn get(&self, key: &Key) -> Option<&Opens> {
        let chunks = &self.chunks;
        let at = *self.table.find(hash(key), |&i| slot(chunks, i).is_some_and(|(k, _)| k == key))?;
        slot(chunks, at).map(|(_, list)| list)
    }

    /// The obligations of `key`, to change in place (not to empty: use
    /// [`ByKey::remove`]).
    pub fn get_mut(&mut self, key: &Key) -> Option<&mut Opens> {
        let chunks = &self.chunks;
        let at = *self.table.find(hash(key), |&i| slot(chunks, i).is_some_and(|(k, _)| k == key))?;
        self.chunks.get_mut(at / CHUNK).and_then(|c| c.get_mut(at % CHUNK)).map(|(_, list)| list)
    }

    /// Takes the obligations of `key` out.
    pub fn remove(&mut self, key: &Key) -> Option<Opens> {
        let chunks = &self.chunks;
        let entry = self.table.find_entry(hash(key), |&i| slot(chunks, i).is_some_and(|(k, _)| k == key)).ok()?;
        let (at, _) = entry.remove();
        let (_, list) = self.chunks.get_mut(at / CHUNK).and_then(|c| c.get_mut(at % CHUNK))?;
        let list = std::mem::take(list);
        self.free.push(at);
        Some(list)
    }

    /// Sets the obligations of `key`, which has none (a non-empty list).
    pub fn insert(&mut self, key: Key, list: Opens) {
        let h = hash(&key);
        let at = match self.free.pop() {
            Some(at) => {
                if let Some(place) = self.chunks.get_mut(at / CHUNK).and_then(|c| c.get_mut(at % CHUNK)) {
                    *place = (key, list);
                }
                at
            }
            None => {
                if self.chunks.last().is_none_or(|c| c.len() == CHUNK) {
                    // Grown as filled: thousands of rules may each hold one obligation.
                    self.chunks.push(Vec::new());
                }
                let at = (self.chunks.len() - 1) * CHUNK + self.chunks.last().map_or(0, Vec::len);
                if let Some(chunk) = self.chunks.last_mut() {
                    chunk.push((key, list));
                }
                at
            }
        };
        let chunks = &self.chunks;
        self.table.insert_unique(h, at, |&i| slot(chunks, i).map_or(0, |(k, _)| hash(k)));
    }

    /// Adds `open` to the obligations of `key`, in the order of serials.
    pub fn add(&mut self, key: Key, open: Open) {
        match self.get_mut(&key) {
            Some(list) => {
                let at = list.partition_point(|o| o.serial < open.serial);
                list.insert(at, open);
            }
            None => self.insert(key, std::iter::once(open).collect()),
        }
    }

    /// Every open obligation, emptying the map; each chunk is freed as soon
    /// as it is read.
    pub fn drain(&mut self) -> impl Iterator<Item = Open> {
        self.table = HashTable::new();
        self.free = Vec::new();
        std::mem::take(&mut self.chunks).into_iter().flatten().flat_map(|(_, list)| list)
    }

    /// How many obligations are open.
    #[cfg(test)]
    pub fn count(&self) -> usize {
        self.chunks.iter().flatten().map(|(_, list)| list.len()).sum()
    }
}

/// The slot at position `i`.
fn slot(chunks: &[Vec<(Key, Opens)>], i: usize) -> Option<&(Key, Opens)> {
    chunks.get(i / CHUNK).and_then(|c| c.get(i % CHUNK))
}
