//! The synthetic log of [`generator`](super::generator) as Parquet or
//! Arrow IPC: the columns of its CSV form (`time` as a UTC timestamp in
//! microseconds, `type`, `case`, `customer`, `reason` as strings,
//! `outage_minutes` as a 64-bit integer; an absent attribute is a null),
//! in batches of 65 536 rows. Parquet is Snappy-compressed, as Spark and
//! pyarrow write it, in row groups of 1 048 576 rows.
//!
//! Used by the benchmark's `gen --format parquet|arrow` and by
//! `tests/log_columnar.rs`, which include this file as a module next to
//! the generator.

#![allow(dead_code, reason = "each includer uses a different part of the module")]

use crate::generator::{Event, Generator};
use arrow_array::builder::{Int64Builder, StringBuilder, TimestampMicrosecondBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};
use std::io::Write;
use std::sync::Arc;

/// Rows per batch written.
const ROWS: usize = 1 << 16;

/// The columnar formats written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Columnar {
    /// Parquet, Snappy-compressed.
    Parquet,
    /// An Arrow IPC file.
    ArrowFile,
    /// An Arrow IPC stream.
    ArrowStream,
}

/// The schema of the log.
pub fn schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("time", DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())), false),
        Field::new("type", DataType::Utf8, false),
        Field::new("case", DataType::Utf8, true),
        Field::new("customer", DataType::Utf8, true),
        Field::new("reason", DataType::Utf8, true),
        Field::new("outage_minutes", DataType::Int64, true),
    ]))
}

/// One batch of events.
pub fn batch(events: &[Event]) -> std::io::Result<RecordBatch> {
    let mut time = TimestampMicrosecondBuilder::with_capacity(events.len()).with_timezone("UTC");
    let mut ty = StringBuilder::new();
    let (mut case, mut customer, mut reason) = (StringBuilder::new(), StringBuilder::new(), StringBuilder::new());
    let mut minutes = Int64Builder::with_capacity(events.len());
    for e in events {
        time.append_value(e.time * 1_000_000);
        ty.append_value(e.kind.name());
        case.append_option(e.case.map(|c| id('C', c)));
        customer.append_option(e.customer.map(|k| id('K', k)));
        reason.append_option(e.reason.map(|r| r.name()));
        minutes.append_option(e.outage_minutes.map(i64::from));
    }
    let columns: Vec<ArrayRef> = vec![
        Arc::new(time.finish()),
        Arc::new(ty.finish()),
        Arc::new(case.finish()),
        Arc::new(customer.finish()),
        Arc::new(reason.finish()),
        Arc::new(minutes.finish()),
    ];
    RecordBatch::try_new(schema(), columns).map_err(std::io::Error::other)
}

/// An id as the text formats write it (`C-0001234`).
fn id(prefix: char, n: u32) -> String {
    format!("{prefix}-{n:07}")
}

/// Writes the events in `format` to `w`.
pub fn write_columnar<W: Write + Send>(
    events: impl Iterator<Item = Event>,
    format: Columnar,
    w: W,
) -> std::io::Result<()> {
    let mut chunk = Vec::with_capacity(ROWS);
    let mut writer = Writer::new(format, w)?;
    for e in events {
        chunk.push(e);
        if chunk.len() == ROWS {
            writer.write(&batch(&chunk)?)?;
            chunk.clear();
        }
    }
    if !chunk.is_empty() {
        writer.write(&batch(&chunk)?)?;
    }
    writer.finish()
}

/// Writes the log of a generator.
pub fn write_generated<W: Write + Send>(g: Generator, format: Columnar, w: W) -> std::io::Result<()> {
    write_columnar(g, format, w)
}

/// A writer of one of the formats.
pub enum Writer<W: Write + Send> {
    Parquet(parquet::arrow::ArrowWriter<W>),
    File(arrow_ipc::writer::FileWriter<W>),
    Stream(arrow_ipc::writer::StreamWriter<W>),
}

impl<W: Write + Send> Writer<W> {
    /// A writer of the log's schema.
    pub fn new(format: Columnar, w: W) -> std::io::Result<Self> {
        Writer::with_schema(format, w, &schema())
    }

    /// A writer of batches of `schema`.
    pub fn with_schema(format: Columnar, w: W, schema: &SchemaRef) -> std::io::Result<Self> {
        Ok(match format {
            Columnar::Parquet => {
                let props = parquet::file::properties::WriterProperties::builder()
                    .set_compression(parquet::basic::Compression::SNAPPY)
                    .set_max_row_group_row_count(Some(1 << 20))
                    .build();
                Writer::Parquet(
                    parquet::arrow::ArrowWriter::try_new(w, schema.clone(), Some(props))
                        .map_err(std::io::Error::other)?,
                )
            }
            Columnar::ArrowFile => {
                Writer::File(arrow_ipc::writer::FileWriter::try_new(w, schema).map_err(std::io::Error::other)?)
            }
            Columnar::ArrowStream => {
                Writer::Stream(arrow_ipc::writer::StreamWriter::try_new(w, schema).map_err(std::io::Error::other)?)
            }
        })
    }

    /// Writes a batch.
    pub fn write(&mut self, batch: &RecordBatch) -> std::io::Result<()> {
        match self {
            Writer::Parquet(p) => p.write(batch).map_err(std::io::Error::other),
            Writer::File(f) => f.write(batch).map_err(std::io::Error::other),
            Writer::Stream(s) => s.write(batch).map_err(std::io::Error::other),
        }
    }

    /// Ends the file.
    pub fn finish(self) -> std::io::Result<()> {
        match self {
            Writer::Parquet(p) => p.close().map(|_| ()).map_err(std::io::Error::other),
            Writer::File(mut f) => f.finish().map_err(std::io::Error::other),
            Writer::Stream(mut s) => s.finish().map_err(std::io::Error::other),
        }
    }
}
