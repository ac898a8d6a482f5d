//! Reading the log for the slices: each chunk routed once, then shared
//! (not copied) by the merging thread and every worker, and taken back to
//! reuse once all are done with it.

use super::plan::Plan;
use super::route::{route, Routed};
use crate::log::{Chunks, Event};
use crate::time::Micros;
use crossbeam_channel::{Receiver, Sender};
use std::sync::Arc;

/// A chunk of the log with its routes.
pub(super) struct Chunk {
    /// The events, in log order.
    pub events: Vec<Event>,
    /// Per slice: the events routed to it, with their groups.
    pub routed: Routed,
}

/// What a thread receives.
pub(super) enum Feed {
    Chunk(Arc<Chunk>),
    /// The log is over: Some(horizon) when it was read whole, None when
    /// reading failed.
    End(Option<Micros>),
}

/// Reads the log for the slices: routes each chunk and hands it to every
/// thread, and takes chunks back to reuse.
pub(super) struct Feeder<'a> {
    pub plan: &'a Plan,
    pub slices: usize,
    /// The merging thread's, then each worker's.
    pub txs: Vec<Sender<Feed>>,
    pub spent: Receiver<Arc<Chunk>>,
    pub spare: Vec<Vec<Event>>,
    pub as_of: Option<Micros>,
    /// Events later than `as_of`.
    pub after: u64,
    /// Events routed so far.
    pub seen: u64,
    /// The last event's time.
    pub last: Option<Micros>,
}

impl Feeder<'_> {
    pub fn end(&self, horizon: Option<Micros>) {
        for tx in &self.txs {
            let _ = tx.send(Feed::End(horizon));
        }
    }
}

impl Chunks for Feeder<'_> {
    fn chunk(&mut self, mut events: Vec<Event>) {
        if let Some(h) = self.as_of {
            let before = events.len();
            events.retain(|e| e.time <= h);
            self.after += (before - events.len()) as u64;
        }
        if events.is_empty() {
            self.spare.push(events);
            return;
        }
        for e in &events {
            self.last = Some(self.last.map_or(e.time, |t| t.max(e.time)));
        }
        let mut routed = vec![];
        route(self.plan, self.slices, &events, self.seen, &mut routed);
        self.seen += events.len() as u64;
        let chunk = Arc::new(Chunk { events, routed });
        for tx in &self.txs {
            let _ = tx.send(Feed::Chunk(chunk.clone()));
        }
    }

    fn spent(&mut self) -> Option<Vec<Event>> {
        if let Some(v) = self.spare.pop() {
            return Some(v);
        }
        // Each thread gives its share back; the last one frees the chunk.
        while let Ok(chunk) = self.spent.try_recv() {
            if let Ok(chunk) = Arc::try_unwrap(chunk) {
                return Some(chunk.events);
            }
        }
        None
    }
}
