//! Columnar logs: Parquet files and Arrow IPC files and streams.
//!
//! A columnar file is read a unit at a time (a Parquet row group; an Arrow
//! IPC file or stream is one unit, read in order), only the columns the
//! policy reads or declares (a Parquet projection), in batches of
//! [`BATCH`] rows turned into events as JSON Lines lines are
//! ([`rows`]). Units are decoded on worker threads ahead of delivery, as
//! the blocks of a JSON Lines file are: each file keeps a few units in
//! flight, each unit hands its events over through a small bounded
//! channel, and a unit no worker has started when the calling thread needs
//! it is decoded by the calling thread itself, lazily. So memory stays
//! bounded by units in flight times a few batches, whatever the row-group
//! size, and no wait can be circular (a worker waits only for room in a
//! channel the calling thread drains before anything else it waits for).
//!
//! Rows of types the policy does not name are still events (they count,
//! set the horizon and are checked for order, as in a JSON Lines log), but
//! their attribute columns are never looked at. Row groups are not skipped
//! by their statistics for the same reason: every row's time and type is
//! part of what a run reports.

mod cols;
mod rows;
mod units;

use units::Run;
pub(crate) use units::{run_worker, Control, RowStream};

use super::failure::LogFailure;
use super::plan::Plan;
use super::seen::Met;
use super::time_parse::TimeMemo;
use super::{Format, Input};
use crate::workspace::io_reason;
use arrow_array::RecordBatch;
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use bytes::Bytes;
use chrono_tz::Tz;
use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder};
use parquet::arrow::ProjectionMask;
use rows::{check_schema, Rows};
use std::io::{BufRead, BufReader, Read, Seek};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Rows per batch handed over.
pub(crate) const BATCH: usize = 8192;
/// The magic number an Arrow IPC file starts with (a stream has none).
const ARROW_FILE_MAGIC: &[u8] = b"ARROW1";

/// A columnar file opened and checked against the policy.
pub(crate) struct Source<'a> {
    path: PathBuf,
    /// Index of the file in the log.
    index: u32,
    tz: Option<Tz>,
    body: Body<'a>,
}

enum Body<'a> {
    Parquet {
        data: Data,
        meta: ArrowReaderMetadata,
        mask: ProjectionMask,
        /// First row (0-based) of each row group.
        starts: Vec<u64>,
    },
    /// An Arrow IPC file or stream, read once, in order.
    Ipc(Mutex<Option<Batches<'a>>>),
}

/// Where a Parquet file's bytes are.
#[derive(Clone)]
enum Data {
    /// A file on disk, opened anew by each unit (each with its own offset).
    File(PathBuf),
    /// Bytes in memory (standard input, a compressed file).
    Bytes(Bytes),
}

/// Runs `f`, a panic in the decoders becoming a failure of the file: a
/// file no decoder expected must not take the process down.
fn guarded<T>(path: &Path, f: impl FnOnce() -> Result<T, LogFailure>) -> Result<T, LogFailure> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|_| Err(internal(path)))
}

/// The failure a panic while decoding becomes.
fn internal(path: &Path) -> LogFailure {
    let reason = "cannot decode the file (the decoder failed on it; please report it)".to_string();
    LogFailure::Io { path: path.to_path_buf(), reason }
}

fn io_failure(path: &Path, e: &std::io::Error) -> LogFailure {
    LogFailure::Io { path: path.to_path_buf(), reason: io_reason(e) }
}

/// Opens a columnar input and checks its schema.
pub(crate) fn open<'a>(
    input: Input<'a>,
    index: u32,
    plan: &Plan<'_>,
    tz: Option<Tz>,
) -> Result<Source<'a>, LogFailure> {
    let Input { path, format, read, file } = input;
    let body = guarded(&path, || match format {
        Format::Parquet => {
            let data = match file {
                Some(_) => Data::File(path.clone()),
                None => Data::Bytes(read_all(read, &path)?),
            };
            open_parquet(data, &path, plan, tz)
        }
        _ => open_ipc(read, file, &path, plan, tz),
    })?;
    Ok(Source { path, index, tz, body })
}

fn read_all(mut read: Box<dyn Read + Send + '_>, path: &Path) -> Result<Bytes, LogFailure> {
    let mut bytes = Vec::new();
    read.read_to_end(&mut bytes).map_err(|e| io_failure(path, &e))?;
    Ok(Bytes::from(bytes))
}

fn not_parquet(path: &Path, e: impl std::fmt::Display) -> LogFailure {
    LogFailure::Io { path: path.to_path_buf(), reason: format!("not a readable Parquet file: {e}") }
}

fn open_parquet<'a>(data: Data, path: &Path, plan: &Plan<'_>, tz: Option<Tz>) -> Result<Body<'a>, LogFailure> {
    let load = |options: ArrowReaderOptions| match &data {
        Data::File(p) => {
            let f = std::fs::File::open(p).map_err(|e| io_failure(path, &e))?;
            ArrowReaderMetadata::load(&f, options).map_err(|e| not_parquet(path, e))
        }
        Data::Bytes(b) => ArrowReaderMetadata::load(b, options).map_err(|e| not_parquet(path, e)),
    };
    let meta = load(ArrowReaderOptions::new())?;
    let wanted = check_schema(meta.schema(), plan, tz, path)?;
    // The type column read as a dictionary: each distinct type is looked
    // up once per batch instead of once per row.
    let meta = match dictionary_type(meta.schema()) {
        Some(hinted) => load(ArrowReaderOptions::new().with_schema(hinted)).unwrap_or(meta),
        None => meta,
    };
    let roots: Vec<usize> =
        meta.schema().fields().iter().enumerate().filter(|(_, f)| wanted.contains(f.name())).map(|(i, _)| i).collect();
    let mask = ProjectionMask::roots(meta.parquet_schema(), roots);
    let mut starts = Vec::with_capacity(meta.metadata().num_row_groups());
    let mut row = 0u64;
    for rg in meta.metadata().row_groups() {
        starts.push(row);
        row += u64::try_from(rg.num_rows()).unwrap_or(0);
    }
    Ok(Body::Parquet { data, meta, mask, starts })
}

/// The schema with a string `type` column as a dictionary, if it is not one.
fn dictionary_type(schema: &SchemaRef) -> Option<SchemaRef> {
    let fields: Vec<Field> = schema
        .fields()
        .iter()
        .map(|f| match (f.name().as_str(), f.data_type()) {
            ("type", DataType::Utf8) => f
                .as_ref()
                .clone()
                .with_data_type(DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8))),
            _ => f.as_ref().clone(),
        })
        .collect();
    let changed = fields.iter().zip(schema.fields()).any(|(a, b)| a.data_type() != b.data_type());
    changed.then(|| Arc::new(Schema::new_with_metadata(fields, schema.metadata().clone())))
}

/// A reader that can seek, for an Arrow IPC file.
trait ReadSeek: Read + Seek + Send {}
impl<T: Read + Seek + Send> ReadSeek for T {}

/// The batches of an Arrow IPC file or stream.
type Batches<'a> = Box<dyn Iterator<Item = Result<RecordBatch, String>> + Send + 'a>;

/// Row group `unit` of a Parquet file read from `source`: the columns of
/// `mask`, in batches.
fn row_group<'a, R: parquet::file::reader::ChunkReader + 'static>(
    source: R,
    meta: &ArrowReaderMetadata,
    mask: &ProjectionMask,
    unit: usize,
) -> Result<Batches<'a>, parquet::errors::ParquetError> {
    let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(source, meta.clone())
        .with_projection(mask.clone())
        .with_row_groups(vec![unit])
        .with_batch_size(BATCH)
        .build()?;
    Ok(Box::new(reader.map(|b| b.map_err(|e| e.to_string()))))
}

/// Opens an Arrow IPC file (by its magic number) or stream. Every column
/// is read: IPC batches are not compressed column by column as Parquet's,
/// so a projection saves little.
fn open_ipc<'a>(
    read: Box<dyn Read + Send + 'a>,
    file: Option<std::fs::File>,
    path: &Path,
    plan: &Plan<'_>,
    tz: Option<Tz>,
) -> Result<Body<'a>, LogFailure> {
    let not_arrow = |e: arrow_schema::ArrowError| LogFailure::Io {
        path: path.to_path_buf(),
        reason: format!("not a readable Arrow IPC file or stream: {e}"),
    };
    let mut read: Box<dyn BufRead + Send + 'a> = match file {
        Some(f) => Box::new(BufReader::with_capacity(1 << 16, f)),
        None => Box::new(BufReader::with_capacity(1 << 16, read)),
    };
    let head = read.fill_buf().map_err(|e| io_failure(path, &e))?;
    let batches: Batches<'a> = if head.starts_with(ARROW_FILE_MAGIC) {
        // A file's footer is at its end: it is read whole.
        let mut bytes = Vec::new();
        read.read_to_end(&mut bytes).map_err(|e| io_failure(path, &e))?;
        let cursor: Box<dyn ReadSeek> = Box::new(std::io::Cursor::new(bytes));
        let reader = arrow_ipc::reader::FileReader::try_new(cursor, None).map_err(not_arrow)?;
        check_schema(&reader.schema(), plan, tz, path)?;
        Box::new(reader.map(|b| b.map_err(|e| e.to_string())))
    } else {
        let reader = arrow_ipc::reader::StreamReader::try_new(read, None).map_err(not_arrow)?;
        check_schema(&reader.schema(), plan, tz, path)?;
        Box::new(reader.map(|b| b.map_err(|e| e.to_string())))
    };
    Ok(Body::Ipc(Mutex::new(Some(batches))))
}

impl Source<'_> {
    /// The units the file is read in.
    fn units(&self) -> usize {
        match &self.body {
            Body::Parquet { starts, .. } => starts.len(),
            Body::Ipc(_) => 1,
        }
    }

    /// Starts reading unit `unit`.
    fn run<'s, 'p>(&'s self, unit: usize, plan: &'s Plan<'p>, ctl: &'s Control) -> Result<Run<'s, 'p>, LogFailure> {
        let (batches, first): (Batches<'s>, u64) = match &self.body {
            Body::Parquet { data, meta, mask, starts } => {
                let first = starts.get(unit).copied().unwrap_or(0);
                let fail = |e: parquet::errors::ParquetError| not_parquet(&self.path, e);
                let batches: Batches<'s> = match data {
                    Data::File(p) => {
                        let f = std::fs::File::open(p).map_err(|e| io_failure(&self.path, &e))?;
                        row_group(f, meta, mask, unit).map_err(fail)?
                    }
                    Data::Bytes(b) => row_group(b.clone(), meta, mask, unit).map_err(fail)?,
                };
                (batches, first)
            }
            Body::Ipc(once) => {
                let taken = once.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
                let batches: Batches<'s> = match taken {
                    Some(b) => b,
                    None => Box::new(std::iter::empty()),
                };
                (batches, 0)
            }
        };
        let bytes = match &self.body {
            Body::Parquet { meta, data: Data::File(_), .. } => {
                meta.metadata().row_groups().get(unit).map_or(0, |rg| u64::try_from(rg.compressed_size()).unwrap_or(0))
            }
            _ => 0,
        };
        let rows = Rows {
            plan,
            tz: self.tz,
            file: self.index,
            path: &self.path,
            time_memo: TimeMemo::default(),
            met: Met::default(),
        };
        Ok(Run { batches, current: None, next_row: first + 1, rows, ctl, bytes })
    }
}
