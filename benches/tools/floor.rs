//! The floor of the benchmark: the least work any reader of a log must do,
//! on one thread.
//!
//! For JSON Lines, each line is read and parsed with
//! `serde_json::from_str::<serde_json::Value>`; for CSV, each record is split
//! into its cells by a simple parser (quoted cells with doubled quotes, no
//! line breaks inside cells). Nothing else is done with the result, except
//! counting, so that the work cannot be optimised away.
//!
//! ```sh
//! cargo build --release --example floor
//! target/release/examples/floor LOG.jsonl   # or LOG.csv
//! ```
//!
//! Prints the number of records (and for CSV the number of non-empty cells).

use std::io::{BufRead, BufReader};
use std::process::ExitCode;

/// Splits a CSV record into its cells (byte ranges of their text), reusing
/// `cells`.
fn split(line: &str, cells: &mut Vec<(usize, usize)>) {
    cells.clear();
    let b = line.as_bytes();
    let mut i = 0;
    loop {
        if b.get(i) == Some(&b'"') {
            let start = i + 1;
            let mut j = start;
            while j < b.len() {
                if b[j] == b'"' {
                    if b.get(j + 1) == Some(&b'"') {
                        j += 2;
                        continue;
                    }
                    break;
                }
                j += 1;
            }
            cells.push((start, j));
            i = j + 1;
            if i >= b.len() {
                return;
            }
            i += 1;
        } else {
            let end = b[i..].iter().position(|&c| c == b',').map_or(b.len(), |k| i + k);
            cells.push((i, end));
            if end >= b.len() {
                return;
            }
            i = end + 1;
        }
    }
}

fn run(path: &str) -> std::io::Result<(u64, u64)> {
    let csv = path.ends_with(".csv");
    let mut reader = BufReader::with_capacity(1 << 20, std::fs::File::open(path)?);
    let mut line = String::new();
    let mut cells: Vec<(usize, usize)> = Vec::with_capacity(16);
    let (mut records, mut parts) = (0u64, 0u64);
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            break;
        }
        let text = line.strip_suffix('\n').unwrap_or(&line);
        let text = text.strip_suffix('\r').unwrap_or(text);
        if csv {
            split(text, &mut cells);
            parts += cells.iter().filter(|(s, e)| text.get(*s..*e).is_some_and(|c| !c.is_empty())).count() as u64;
        } else {
            let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
                std::io::Error::new(std::io::ErrorKind::InvalidData, format!("line {}: {e}", records + 1))
            })?;
            parts += u64::from(value.is_object());
        }
        records += 1;
    }
    Ok((records, parts))
}

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: floor LOG.jsonl|LOG.csv");
        return ExitCode::from(2);
    };
    match run(&path) {
        Ok((records, parts)) => {
            println!(
                "{records} records, {parts} {}",
                if path.ends_with(".csv") { "non-empty cells" } else { "objects" }
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("floor: {path}: {e}");
            ExitCode::from(1)
        }
    }
}
