//! Writing a file so that readers see either the old one or the new one
//! whole, never a part: the text goes to a temporary file beside it (same
//! folder, so the same file system), which is flushed to disk and renamed
//! over it once complete. A report written while a long log is read can
//! thus replace yesterday's report without ever leaving half of one, and a
//! run that fails leaves the old file as it was.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// A file being written; it replaces its target on [`AtomicFile::commit`],
/// and is removed if dropped before.
pub struct AtomicFile {
    target: PathBuf,
    temp: PathBuf,
    /// None once committed.
    file: Option<File>,
}

impl AtomicFile {
    /// Starts writing `target`: creates the temporary file beside it (which
    /// fails at once when the folder is missing or not writable).
    pub fn create(target: &Path) -> io::Result<AtomicFile> {
        // Renaming over a folder would fail only once the text is written.
        if target.is_dir() {
            return Err(io::Error::new(io::ErrorKind::IsADirectory, "is a directory"));
        }
        let dir = target.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let file = File::create(&temp)?;
        Ok(AtomicFile { target: target.to_path_buf(), temp, file: Some(file) })
    }

    /// The file it replaces.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Flushes the text to disk and renames it over the target (keeping the
    /// permissions of a file replaced).
    pub fn commit(mut self) -> io::Result<()> {
        let Some(file) = self.file.take() else { return Ok(()) };
        let done = file.sync_all().and_then(|()| {
            drop(file);
            if let Ok(meta) = std::fs::metadata(&self.target) {
                std::fs::set_permissions(&self.temp, meta.permissions())?;
            }
            std::fs::rename(&self.temp, &self.target)
        });
        if done.is_err() {
            let _ = std::fs::remove_file(&self.temp);
        }
        done
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.file {
            Some(f) => f.write(buf),
            None => Err(io::Error::other("the file is already committed")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.as_mut().map_or(Ok(()), Write::flush)
    }
}

impl Drop for AtomicFile {
    /// Not committed: the temporary file goes, the target stays as it was.
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

/// Writes `bytes` to `path` whole (see the module): a crash or a full disk
/// mid-write leaves the old file untouched.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = AtomicFile::create(path)?;
    file.write_all(bytes)?;
    file.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .map(|d| d.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
            .unwrap_or_default();
        names.sort();
        names
    }

    #[test]
    fn a_committed_file_replaces_the_target_and_a_dropped_one_leaves_it() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("report.html");
        std::fs::write(&path, "old").unwrap_or_else(|e| panic!("{e}"));
        let mut unfinished = AtomicFile::create(&path).unwrap_or_else(|e| panic!("{e}"));
        unfinished.write_all(b"half").unwrap_or_else(|e| panic!("{e}"));
        drop(unfinished);
        assert_eq!(std::fs::read_to_string(&path).ok().as_deref(), Some("old"));
        assert_eq!(names(dir.path()), ["report.html"]);
        let mut file = AtomicFile::create(&path).unwrap_or_else(|e| panic!("{e}"));
        file.write_all(b"new").unwrap_or_else(|e| panic!("{e}"));
        file.commit().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(std::fs::read_to_string(&path).ok().as_deref(), Some("new"));
        assert_eq!(names(dir.path()), ["report.html"]);
    }

    #[test]
    fn a_missing_folder_or_a_folder_in_the_way_fails_at_once() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let err = AtomicFile::create(&dir.path().join("no/such/report.html")).err();
        assert_eq!(err.map(|e| e.kind()), Some(io::ErrorKind::NotFound));
        let err = AtomicFile::create(dir.path()).err();
        assert_eq!(err.map(|e| e.kind()), Some(io::ErrorKind::IsADirectory));
    }
}
