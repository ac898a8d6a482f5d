//! Where `tenet check` writes its report: standard output, or with
//! `--output PATH` a file, which is replaced whole once the report is
//! complete (a run that stops part way leaves the old file as it was).

use std::io::{self, Write};
use std::path::Path;
use tenet::atomic_file::AtomicFile;
use tenet::workspace::io_reason;
use tenet::{Diagnostic, Problem};

/// The destination of a report, whether anything was written to it, and
/// the first write error (the report is then incomplete).
pub struct Output {
    dest: Dest,
    written: bool,
    error: Option<io::Error>,
}

enum Dest {
    Stdout(io::Stdout),
    File(AtomicFile),
}

impl Output {
    /// Standard output, or the file `path` (its temporary file is created
    /// now, so that a folder that is missing or cannot be written to is
    /// said before the log is read).
    pub fn open(path: Option<&Path>) -> io::Result<Output> {
        let dest = match path {
            None => Dest::Stdout(io::stdout()),
            Some(path) => Dest::File(AtomicFile::create(path)?),
        };
        Ok(Output { dest, written: false, error: None })
    }

    /// True when the report goes to a file.
    pub fn is_file(&self) -> bool {
        matches!(self.dest, Dest::File(_))
    }

    /// Ends the report. A file replaces the one it names, unless no report
    /// was written (an HTML run that failed, a static check in the human
    /// format): the file is then left as it was. After a write error the
    /// report is incomplete: a file is left as it was, and the error is
    /// returned.
    pub fn finish(self) -> io::Result<()> {
        if let Some(e) = self.error {
            return Err(e);
        }
        match self.dest {
            Dest::Stdout(mut s) => s.flush(),
            // Dropped uncommitted: its temporary file goes.
            Dest::File(_) if !self.written => Ok(()),
            Dest::File(f) => f.commit(),
        }
    }
}

impl Output {
    /// Keeps the first error of `result` (an interrupted call is tried
    /// again by the caller: no error).
    fn kept<T>(&mut self, result: io::Result<T>) -> io::Result<T> {
        if let (Err(e), None) = (&result, &self.error) {
            if e.kind() != io::ErrorKind::Interrupted {
                self.error = Some(io::Error::new(e.kind(), e.to_string()));
            }
        }
        result
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.written |= !buf.is_empty();
        let result = match &mut self.dest {
            Dest::Stdout(s) => s.write(buf),
            Dest::File(f) => f.write(buf),
        };
        self.kept(result)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.written |= !buf.is_empty();
        let result = match &mut self.dest {
            Dest::Stdout(s) => s.write_all(buf),
            Dest::File(f) => f.write_all(buf),
        };
        self.kept(result)
    }

    fn flush(&mut self) -> io::Result<()> {
        let result = match &mut self.dest {
            Dest::Stdout(s) => s.flush(),
            Dest::File(f) => f.flush(),
        };
        self.kept(result)
    }
}

/// The diagnostic of a report that could not be written to `path`.
pub fn cannot_write(path: &Path, e: &io::Error) -> Diagnostic {
    Diagnostic::global(Problem::CannotWrite { path: tenet::span::display_path(path), reason: io_reason(e) })
}
