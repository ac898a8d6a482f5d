//! A streamed report written on a thread of its own: the engine hands each
//! violation over (in batches, to keep the hand-over cheap) and goes on
//! with the log while the writer formats and prints. On a long log the
//! formatting of hundreds of thousands of violations then costs no time
//! on the evaluating thread.

use super::Streaming;
use crate::eval::Instance;
use std::io;
use std::sync::mpsc::{sync_channel, SyncSender};
use std::thread::{Scope, ScopedJoinHandle};

/// Violations per hand-over.
const BATCH: usize = 256;

/// Batches waiting for the writer at most: the engine waits when the
/// writer falls this far behind, so memory stays bounded.
const QUEUED: usize = 16;

/// The engine's end of a report written on another thread.
pub struct Handoff {
    batch: Vec<Instance>,
    /// None once the writer has stopped (a write error).
    to_writer: Option<SyncSender<Vec<Instance>>>,
}

/// The writer thread; joined, it gives the report back to be finished.
pub type Writer<'scope, 'w> = ScopedJoinHandle<'scope, Streaming<'w>>;

/// Starts writing `stream` on a thread of `scope`. `on_error` is called on
/// that thread with the first write error (a closed pipe), after which
/// nothing more is written.
pub fn start<'scope, 'w: 'scope>(
    scope: &'scope Scope<'scope, '_>,
    mut stream: Streaming<'w>,
    on_error: fn(&io::Error),
) -> (Handoff, Writer<'scope, 'w>) {
    let (to_writer, batches) = sync_channel::<Vec<Instance>>(QUEUED);
    let writer = scope.spawn(move || {
        'batches: for batch in batches {
            for v in &batch {
                stream.violation(v);
                if let Some(e) = stream.error() {
                    on_error(e);
                    break 'batches;
                }
            }
        }
        stream
    });
    (Handoff { batch: Vec::with_capacity(BATCH), to_writer: Some(to_writer) }, writer)
}

impl Handoff {
    /// Hands one violation over to be written.
    pub fn push(&mut self, v: Instance) {
        if self.to_writer.is_none() {
            return;
        }
        self.batch.push(v);
        if self.batch.len() >= BATCH {
            self.send();
        }
    }

    /// Hands over what is batched and tells the writer nothing more comes.
    pub fn close(mut self) {
        self.send();
    }

    fn send(&mut self) {
        if self.batch.is_empty() {
            return;
        }
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        // The writer stops only on a write error, which it reports itself.
        if self.to_writer.as_ref().is_some_and(|tx| tx.send(batch).is_err()) {
            self.to_writer = None;
        }
    }
}
