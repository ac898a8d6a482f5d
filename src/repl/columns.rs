//! Columns of the event store that take less room than their type: whole
//! numbers that almost always fit in 32 bits (line numbers, attribute
//! offsets), and values that change rarely from one event to the next (the
//! file an event was read from), and values repeated across events.

use crate::value::Val;
use hashbrown::HashTable;
use rustc_hash::FxHasher;
use std::hash::{Hash, Hasher};

/// Numbers kept in 32 bits each; the rare larger one is kept exactly in a
/// list on the side.
#[derive(Debug, Default)]
pub struct Narrow {
    low: Vec<u32>,
    /// (position, value) of every value of `u32::MAX` or more, by position.
    wide: Vec<(usize, u64)>,
}

impl Narrow {
    pub fn push(&mut self, value: u64) {
        match u32::try_from(value) {
            Ok(v) if v != u32::MAX => self.low.push(v),
            _ => {
                self.wide.push((self.low.len(), value));
                self.low.push(u32::MAX);
            }
        }
    }

    pub fn get(&self, index: usize) -> Option<u64> {
        match *self.low.get(index)? {
            u32::MAX => {
                self.wide.binary_search_by_key(&index, |w| w.0).ok().and_then(|n| self.wide.get(n)).map(|w| w.1)
            }
            v => Some(u64::from(v)),
        }
    }

    /// How many values are kept on the side.
    #[cfg(test)]
    pub fn wide_len(&self) -> usize {
        self.wide.len()
    }

    pub fn shrink_to_fit(&mut self) {
        self.low.shrink_to_fit();
        self.wide.shrink_to_fit();
    }
}

/// Values kept once per run of equal values.
#[derive(Debug, Default)]
pub struct Runs {
    /// (position where the run starts, value), by position.
    starts: Vec<(usize, u32)>,
    len: usize,
}

impl Runs {
    pub fn push(&mut self, value: u32) {
        if self.starts.last().is_none_or(|r| r.1 != value) {
            self.starts.push((self.len, value));
        }
        self.len += 1;
    }

    pub fn get(&self, index: usize) -> Option<u32> {
        if index >= self.len {
            return None;
        }
        let run = self.starts.partition_point(|r| r.0 <= index).checked_sub(1)?;
        self.starts.get(run).map(|r| r.1)
    }

    pub fn shrink_to_fit(&mut self) {
        self.starts.shrink_to_fit();
    }
}

/// Values kept once each: a log repeats its case and customer ids from
/// event to event, so a value is a 4-byte number into a list of the
/// distinct ones (found through a table while the log is read).
#[derive(Debug, Default)]
pub struct Dictionary {
    ids: Vec<u32>,
    distinct: Vec<Val>,
    /// Positions in `distinct`, by the value's hash; dropped by `shrink_to_fit`.
    table: HashTable<u32>,
}

impl Dictionary {
    pub fn push(&mut self, value: &Val) {
        let h = hash(value);
        let distinct = &mut self.distinct;
        let id = match self.table.find(h, |&id| distinct.get(id as usize) == Some(value)) {
            Some(&id) => id,
            None => {
                // Past 2^32 - 1 distinct values, the rest are kept as they come.
                let id = u32::try_from(distinct.len()).unwrap_or(u32::MAX);
                distinct.push(value.clone());
                if id < u32::MAX {
                    let d = &self.distinct;
                    self.table.insert_unique(h, id, |&id| d.get(id as usize).map_or(0, hash));
                }
                id
            }
        };
        self.ids.push(id);
    }

    pub fn get(&self, index: usize) -> Option<&Val> {
        self.distinct.get(*self.ids.get(index)? as usize)
    }

    pub fn shrink_to_fit(&mut self) {
        self.ids.shrink_to_fit();
        self.distinct.shrink_to_fit();
        self.table = HashTable::new();
    }
}

fn hash(value: &Val) -> u64 {
    let mut h = FxHasher::default();
    value.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrow_keeps_every_value_exactly() {
        let values = [0, 1, u64::from(u32::MAX) - 1, u64::from(u32::MAX), u64::MAX, 7, 1 << 40];
        let mut n = Narrow::default();
        values.iter().for_each(|v| n.push(*v));
        assert_eq!((0..values.len()).map(|i| n.get(i)).collect::<Vec<_>>(), values.map(Some));
        assert_eq!(n.get(values.len()), None);
        assert_eq!(n.wide.len(), 3, "only the large ones on the side");
    }

    #[test]
    fn runs_give_back_each_position() {
        let values = [3, 3, 0, 0, 0, 3, 9];
        let mut r = Runs::default();
        values.iter().for_each(|v| r.push(*v));
        assert_eq!((0..values.len()).map(|i| r.get(i)).collect::<Vec<_>>(), values.map(Some));
        assert_eq!(r.get(values.len()), None);
        assert_eq!(r.starts.len(), 4);
    }

    #[test]
    fn a_dictionary_keeps_each_value_once() {
        let values = [Val::Int(1), Val::Str("C-1".into()), Val::Int(1), Val::Str("1".into()), Val::Str("C-1".into())];
        let mut d = Dictionary::default();
        values.iter().for_each(|v| d.push(v));
        d.shrink_to_fit();
        assert_eq!(d.get(values.len()), None);
        assert_eq!((0..values.len()).map(|i| d.get(i).cloned()).collect::<Vec<_>>(), values.map(Some));
        assert_eq!(d.distinct.len(), 3);
    }
}
