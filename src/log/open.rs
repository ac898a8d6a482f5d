//! Opening the files of a log: each file's format from `--log-format` or
//! its extension, `.gz` decompressed, and `-` for standard input.
//!
//! A format is never guessed from the content: a file named `events.txt`
//! could hold any of the three, and a guess that reads CSV as JSON Lines
//! would report every line as bad. An unknown extension is an error naming
//! the way out instead.

use super::{Format, Input, LogFailure, ReadProgress};
use crate::workspace::io_reason;
use flate2::read::MultiGzDecoder;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// The path that stands for standard input.
pub const STDIN_PATH: &str = "-";

/// The name standard input goes by in messages.
pub const STDIN_NAME: &str = "<stdin>";

/// How the reason starts when a log's format is not known (its help then
/// names `--log-format`).
pub const UNKNOWN_FORMAT: &str = "unknown log format";

/// The format of a log file by its extension, after stripping `.gz`:
/// `.jsonl`, `.ndjson` and `.json` are JSON Lines, `.csv` CSV, `.xes` XES,
/// `.parquet` Parquet, `.arrow`, `.arrows`, `.ipc` and `.feather` Arrow IPC.
pub fn detect_format(path: &Path) -> Option<Format> {
    let path = if is_gz(path) { Path::new(path.file_stem()?) } else { path };
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "jsonl" | "ndjson" | "json" => Some(Format::Jsonl),
        "csv" => Some(Format::Csv),
        "xes" => Some(Format::Xes),
        "parquet" | "pq" => Some(Format::Parquet),
        "arrow" | "arrows" | "ipc" | "feather" => Some(Format::Arrow),
        _ => None,
    }
}

/// Every log file the paths name: a folder stands for the columnar files
/// (`.parquet`, `.arrow`, ...) directly in it, sorted by name; other
/// paths are kept as they are.
pub fn expand_folders(paths: &[PathBuf]) -> Result<Vec<PathBuf>, LogFailure> {
    let mut out = Vec::with_capacity(paths.len());
    for path in paths {
        if path == Path::new(STDIN_PATH) || !path.is_dir() {
            out.push(path.clone());
            continue;
        }
        let io = |e: std::io::Error| LogFailure::Io { path: path.clone(), reason: io_reason(&e) };
        let mut files = Vec::new();
        for entry in std::fs::read_dir(path).map_err(io)? {
            let entry = entry.map_err(io)?;
            let p = entry.path();
            let columnar = matches!(detect_format(&p), Some(Format::Parquet | Format::Arrow));
            if columnar && !is_gz(&p) && entry.file_type().map_err(io)?.is_file() {
                files.push(p);
            }
        }
        if files.is_empty() {
            let reason = "is a folder without a `.parquet` or `.arrow` file; a folder stands for the Parquet \
                          and Arrow files in it (give other logs by name)";
            return Err(LogFailure::Io { path: path.clone(), reason: reason.into() });
        }
        files.sort();
        out.extend(files);
    }
    Ok(out)
}

/// The scheme of a path that is an object store's URL (`s3://...`).
fn remote_scheme(path: &Path) -> Option<&str> {
    let text = path.to_str()?;
    let (scheme, _) = text.split_once("://")?;
    ["s3", "s3a", "gs", "gcs", "az", "abfs", "abfss", "azure", "http", "https", "hdfs"]
        .contains(&scheme.to_ascii_lowercase().as_str())
        .then_some(scheme)
}

/// Whether a file is gzip-compressed, by its extension.
pub(super) fn is_gz(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("gz"))
}

/// Opens `path` (`-`: standard input) to be read as `forced`, or else as
/// its extension says.
/// With `progress`, the bytes read from the file are counted there.
pub(super) fn open(
    path: &Path,
    forced: Option<Format>,
    progress: Option<&ReadProgress>,
) -> Result<Input<'static>, LogFailure> {
    if path == Path::new(STDIN_PATH) {
        return open_stdin(forced, progress);
    }
    let io = |e: std::io::Error| LogFailure::Io { path: path.to_path_buf(), reason: io_reason(&e) };
    if let Some(scheme) = remote_scheme(path) {
        let reason = format!(
            "`{scheme}://` names an object store, which tenet does not read; copy the file to local disk, or \
             stream it to standard input (`--events - --log-format ...`)"
        );
        return Err(LogFailure::Io { path: path.to_path_buf(), reason });
    }
    let Some(format) = forced.or_else(|| detect_format(path)) else {
        let reason = format!(
            "{UNKNOWN_FORMAT}: expected a `.jsonl`, `.ndjson`, `.json`, `.csv` or `.xes` file (optionally ending in \
             `.gz`), or a `.parquet` or `.arrow` file"
        );
        return Err(LogFailure::Io { path: path.to_path_buf(), reason });
    };
    supported(format, path)?;
    let file = std::fs::File::open(path).map_err(io)?;
    if file.metadata().map_err(io)?.is_dir() {
        return Err(LogFailure::Io { path: path.to_path_buf(), reason: "is a directory, not a log file".into() });
    }
    // A columnar file is read at its row groups' offsets, not as a stream.
    let random = format.is_columnar() && !is_gz(path);
    let file_for_columns = if random { Some(file.try_clone().map_err(io)?) } else { None };
    let read = counted(file, progress);
    let read: Box<dyn Read + Send> = if is_gz(path) { Box::new(MultiGzDecoder::new(read)) } else { read };
    Ok(Input { path: path.to_path_buf(), format, read, file: file_for_columns })
}

/// Standard input, which has no name to tell its format by: `forced` must
/// say it. Gzip-compressed input is recognised by its first bytes.
fn open_stdin(forced: Option<Format>, progress: Option<&ReadProgress>) -> Result<Input<'static>, LogFailure> {
    let name = PathBuf::from(STDIN_NAME);
    let Some(format) = forced else {
        let reason = format!("{UNKNOWN_FORMAT}: standard input has no file name to tell it by");
        return Err(LogFailure::Io { path: name, reason });
    };
    supported(format, &name)?;
    let mut input = BufReader::with_capacity(1 << 16, counted(std::io::stdin(), progress));
    let head = input.fill_buf().map_err(|e| LogFailure::Io { path: name.clone(), reason: io_reason(&e) })?;
    let read: Box<dyn Read + Send> =
        if head.starts_with(&[0x1f, 0x8b]) { Box::new(MultiGzDecoder::new(input)) } else { Box::new(input) };
    Ok(Input { path: name, format, read, file: None })
}

/// Fails when this build cannot read `format` (Parquet and Arrow need the
/// `parquet` cargo feature).
pub(super) fn supported(format: Format, path: &Path) -> Result<(), LogFailure> {
    if format.is_columnar() && !cfg!(feature = "parquet") {
        let reason = "this build of tenet reads no Parquet or Arrow log (it was built without the `parquet` \
                      feature); convert the log to JSON Lines or CSV, or use a build with the feature";
        return Err(LogFailure::Io { path: path.to_path_buf(), reason: reason.into() });
    }
    Ok(())
}

/// `read`, its bytes counted in `progress` if given.
fn counted<R: Read + Send + 'static>(read: R, progress: Option<&ReadProgress>) -> Box<dyn Read + Send> {
    match progress {
        Some(p) => Box::new(p.count(read)),
        None => Box::new(read),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_extension_names_the_option_that_gives_the_format() {
        let Err(failure) = open(Path::new("events.txt"), None, None) else { panic!("opened") };
        let help = failure.to_diagnostic().problem.help().unwrap_or_default();
        assert_eq!(help, "give the log's format with `--log-format jsonl|csv|xes|parquet|arrow`");
        // Given, the extension no longer matters (the file is then opened).
        let Err(LogFailure::Io { reason, .. }) = open(Path::new("no/such/events.txt"), Some(Format::Csv), None) else {
            panic!("opened")
        };
        assert_eq!(reason, "no such file or directory");
    }
}
