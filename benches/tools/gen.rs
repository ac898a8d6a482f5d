//! Writes a synthetic log for the reference policy to standard output.
//!
//! ```sh
//! cargo run --release --example gen -- --events 1000000 --format jsonl --seed 42 > /tmp/log.jsonl
//! ```
//!
//! Options: `--events N` (default 1000000), `--format
//! jsonl|csv|parquet|arrow|arrows` (default jsonl; `arrow` is an Arrow IPC
//! file, `arrows` an Arrow IPC stream; the last three need the `parquet`
//! feature, on by default), `--seed S` (default 42), `--gap SECONDS` (mean gap between
//! spontaneous events, default 5), `--customers N` (default 1000000). The
//! same options always give the same bytes.

#[path = "../generator.rs"]
mod generator;

#[cfg(feature = "parquet")]
#[path = "columnar.rs"]
mod columnar;

use generator::{write_log, Config, Format};
use std::io::Write;
use std::process::ExitCode;

fn usage(problem: &str) -> ExitCode {
    eprintln!("gen: {problem}");
    eprintln!(
        "usage: gen [--events N] [--format jsonl|csv|parquet|arrow|arrows] [--seed S] [--gap SECONDS] [--customers N]"
    );
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let mut cfg = Config::new(1_000_000, 42);
    let mut format = Format::Jsonl;
    let mut columnar_format: Option<&str> = None;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let Some(value) = args.next() else { return usage(&format!("`{flag}` needs a value")) };
        let num = || value.replace('_', "").parse::<u64>().ok();
        match (flag.as_str(), num()) {
            ("--events", Some(n)) => cfg.events = n,
            ("--seed", Some(n)) => cfg.seed = n,
            ("--gap", Some(n)) => match u32::try_from(n) {
                Ok(g) if g > 0 => cfg.mean_gap = g,
                _ => return usage("`--gap` must be between 1 and 4294967295"),
            },
            ("--customers", Some(n)) => match u32::try_from(n) {
                Ok(c) if c > 0 => cfg.customers = c.min(9_999_999),
                _ => return usage("`--customers` must be between 1 and 9999999"),
            },
            ("--format", _) => {
                format = match value.as_str() {
                    "jsonl" => Format::Jsonl,
                    "csv" => Format::Csv,
                    "parquet" => {
                        columnar_format = Some("parquet");
                        Format::Jsonl
                    }
                    "arrow" => {
                        columnar_format = Some("arrow");
                        Format::Jsonl
                    }
                    "arrows" => {
                        columnar_format = Some("arrows");
                        Format::Jsonl
                    }
                    other => return usage(&format!("unknown format `{other}`")),
                }
            }
            ("--events" | "--seed" | "--gap" | "--customers", None) => {
                return usage(&format!("`{flag}` needs a whole number, found `{value}`"))
            }
            _ => return usage(&format!("unknown option `{flag}`")),
        }
    }
    if let Some(name) = columnar_format {
        return write_columnar(cfg, name);
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match write_log(cfg, format, &mut out).and_then(|_| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen: cannot write the log: {e}");
            ExitCode::from(1)
        }
    }
}

/// Writes the log as Parquet or Arrow IPC to standard output.
#[cfg(feature = "parquet")]
fn write_columnar(cfg: Config, name: &str) -> ExitCode {
    use columnar::Columnar;
    let format = match name {
        "parquet" => Columnar::Parquet,
        "arrow" => Columnar::ArrowFile,
        _ => Columnar::ArrowStream,
    };
    let out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout());
    match columnar::write_generated(generator::Generator::new(cfg), format, out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen: cannot write the log: {e}");
            ExitCode::from(1)
        }
    }
}

/// Without the `parquet` feature there is no columnar writer.
#[cfg(not(feature = "parquet"))]
fn write_columnar(_cfg: Config, name: &str) -> ExitCode {
    usage(&format!("`--format {name}` needs the `parquet` feature"))
}
