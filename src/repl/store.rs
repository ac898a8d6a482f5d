//! The events of a run, kept for `:explain`, column by column.
//!
//! An [`Event`] is laid out for the engine's hot loop: its attributes sit
//! inline for four of them, so every event takes about 170 bytes whatever
//! it holds. The REPL keeps millions of them between commands, so it keeps
//! each field in a column of its own and the attributes side by side in two
//! more: an event with two attributes then takes about 80 bytes (its file
//! is kept once per run of events from one file, its line and where its
//! attributes start in 32 bits), and the columns are trimmed to their
//! length once the log is read.

use super::columns::{Dictionary, Narrow, Runs};
use crate::log::{Event, Loc, Sym};
use crate::time::Micros;
use crate::value::Val;

/// Events in log order, stored compactly.
#[derive(Debug, Default)]
pub struct EventStore {
    times: Vec<Micros>,
    kinds: Vec<Sym>,
    files: Runs,
    /// 1 where the event is a row of a Parquet or Arrow file (as files, in runs).
    rows: Runs,
    /// The line (or row) number, without [`Loc::ROW`].
    lines: Narrow,
    /// Where each event's attributes start in `keys` and `vals`.
    starts: Narrow,
    keys: Vec<Sym>,
    vals: Dictionary,
}

/// One stored event, borrowed.
#[derive(Debug, Clone, Copy)]
pub struct StoredEvent<'s> {
    /// When it happened.
    pub time: Micros,
    /// Its type.
    pub kind: Sym,
    /// Where it was read.
    pub loc: Loc,
    /// Its attributes' keys, and where the first is in the store's values.
    keys: &'s [Sym],
    start: usize,
    vals: &'s Dictionary,
}

impl<'s> StoredEvent<'s> {
    /// Its attributes, by key.
    pub fn attrs(&self) -> impl Iterator<Item = (Sym, &'s Val)> + 's {
        let (start, vals) = (self.start, self.vals);
        self.keys.iter().enumerate().filter_map(move |(n, k)| Some((*k, vals.get(start + n)?)))
    }
}

impl EventStore {
    /// Appends an event (in log order).
    pub fn push(&mut self, e: &Event) {
        self.times.push(e.time);
        self.kinds.push(e.kind);
        self.files.push(e.loc.file);
        self.rows.push(u32::from(e.loc.is_row()));
        self.lines.push(e.loc.number());
        self.starts.push(self.keys.len() as u64);
        for (k, v) in &e.attrs {
            self.keys.push(*k);
            self.vals.push(v);
        }
    }

    /// Gives back the room the columns grew into but do not use.
    pub fn trim(&mut self) {
        self.times.shrink_to_fit();
        self.kinds.shrink_to_fit();
        self.files.shrink_to_fit();
        self.rows.shrink_to_fit();
        self.lines.shrink_to_fit();
        self.starts.shrink_to_fit();
        self.keys.shrink_to_fit();
        self.vals.shrink_to_fit();
    }

    /// The number of events.
    pub fn len(&self) -> usize {
        self.times.len()
    }

    /// The event at `index`.
    pub fn get(&self, index: usize) -> Option<StoredEvent<'_>> {
        let start = usize::try_from(self.starts.get(index)?).ok()?;
        let end = self.starts.get(index + 1).and_then(|e| usize::try_from(e).ok()).unwrap_or(self.keys.len());
        Some(StoredEvent {
            time: *self.times.get(index)?,
            kind: *self.kinds.get(index)?,
            loc: Loc {
                file: self.files.get(index)?,
                line: self.lines.get(index)? | if self.rows.get(index)? == 1 { Loc::ROW } else { 0 },
            },
            keys: self.keys.get(start..end)?,
            start,
            vals: &self.vals,
        })
    }

    /// Every event, in log order.
    pub fn iter(&self) -> impl Iterator<Item = StoredEvent<'_>> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// The event read at `loc` at `time` (events are in time order, so the
    /// search is among those of that instant).
    pub fn find(&self, time: Micros, loc: Loc) -> Option<StoredEvent<'_>> {
        let first = self.times.partition_point(|t| *t < time);
        (first..self.len()).map_while(|i| self.get(i).filter(|e| e.time == time)).find(|e| e.loc == loc)
    }

    /// The time of the first and of the last event.
    pub fn span(&self) -> (Option<Micros>, Option<Micros>) {
        (self.times.first().copied(), self.times.last().copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use smallvec::smallvec;

    fn event(time: Micros, line: u64, attrs: &[(Sym, i64)]) -> Event {
        let attrs = attrs.iter().map(|(k, v)| (*k, Val::Int(*v))).collect();
        Event { time, kind: 7, attrs, loc: Loc { file: 0, line } }
    }

    #[test]
    fn gives_back_what_was_pushed() {
        let mut store = EventStore::default();
        store.push(&event(1, 1, &[(1, 10), (2, 20)]));
        store.push(&event(2, 2, &[]));
        store.push(&Event { attrs: smallvec![(3, Val::Bool(true))], ..event(2, 3, &[]) });
        store.push(&event(3, 4 | Loc::ROW, &[]));
        store.trim();
        assert_eq!(store.len(), 4);
        assert_eq!(store.get(3).map(|e| e.loc), Some(Loc { file: 0, line: 4 | Loc::ROW }));
        assert_eq!(store.lines.wide_len(), 0, "a row's number fits in 32 bits");
        let first = store.get(0).map(|e| e.attrs().map(|(k, v)| (k, v.clone())).collect::<Vec<_>>());
        assert_eq!(first, Some(vec![(1, Val::Int(10)), (2, Val::Int(20))]));
        assert_eq!(store.get(1).map(|e| e.attrs().count()), Some(0));
        assert_eq!(store.find(2, Loc { file: 0, line: 3 }).map(|e| e.attrs().count()), Some(1));
        assert!(store.find(2, Loc { file: 0, line: 1 }).is_none());
        assert_eq!(store.span(), (Some(1), Some(3)));
        assert!(store.get(4).is_none());
    }
}
