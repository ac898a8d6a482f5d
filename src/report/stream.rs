//! Writing one array of an indented JSON document item by item, while the
//! log is read: the text is the one `serde_json`'s pretty printer gives for
//! the whole document, without ever holding the array.

use serde::Serialize;
use std::io::{self, Write};

/// `value` printed as indented JSON, its lines after the first indented by
/// `indent` spaces (its place in a larger document).
pub(crate) fn pretty_at<T: Serialize + ?Sized>(value: &T, indent: usize) -> io::Result<Vec<u8>> {
    let text = serde_json::to_vec_pretty(value)?;
    let pad = " ".repeat(indent);
    let mut out = Vec::with_capacity(text.len() + text.len() / 8);
    // JSON text has no raw line break inside a string: each one is layout.
    for (i, line) in text.split(|&b| b == b'\n').enumerate() {
        if i > 0 {
            out.push(b'\n');
            out.extend_from_slice(pad.as_bytes());
        }
        out.extend_from_slice(line);
    }
    Ok(out)
}

/// Passes text on with `pad` after every line break: indented JSON from
/// the pretty printer, put at its place in a larger document as it is
/// printed (no copy of it is made).
struct Padded<'o> {
    out: &'o mut (dyn Write + Send),
    pad: &'o [u8],
}

impl Write for Padded<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    fn write_all(&mut self, mut buf: &[u8]) -> io::Result<()> {
        // JSON text has no raw line break inside a string: each one is layout.
        while let Some(at) = memchr::memchr(b'\n', buf) {
            self.out.write_all(&buf[..=at])?;
            self.out.write_all(self.pad)?;
            buf = &buf[at + 1..];
        }
        self.out.write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Spaces enough for any indentation of the reports.
const SPACES: &[u8; 32] = b"                                ";

/// An array being written, whose key has been written at `indent` spaces.
pub(crate) struct ArrayWriter<'w> {
    out: &'w mut (dyn Write + Send),
    indent: usize,
    items: u64,
    error: Option<io::Error>,
}

impl<'w> ArrayWriter<'w> {
    /// An array at `indent` spaces, written to `out` (the text before it is
    /// already there).
    pub fn new(out: &'w mut (dyn Write + Send), indent: usize) -> Self {
        ArrayWriter { out, indent, items: 0, error: None }
    }

    /// Appends one item. After a write error nothing more is written; the
    /// error is returned by [`ArrayWriter::finish`].
    pub fn item<T: Serialize>(&mut self, item: &T) {
        if self.error.is_some() {
            return;
        }
        let long_pad;
        let pad = match SPACES.get(..self.indent + 2) {
            Some(pad) => pad,
            None => {
                long_pad = vec![b' '; self.indent + 2];
                &long_pad[..]
            }
        };
        let open: &[u8] = if self.items == 0 { b"[\n" } else { b",\n" };
        let written = self.out.write_all(open).and_then(|()| {
            self.out.write_all(pad)?;
            let padded = Padded { out: &mut *self.out, pad };
            serde_json::to_writer_pretty(padded, item).map_err(io::Error::from)
        });
        self.items += 1;
        if let Err(e) = written {
            self.error = Some(e);
        }
    }

    /// Appends one item given as its text, whose lines after the first
    /// already carry their indentation (the item's at `indent() + 2`).
    pub fn item_text(&mut self, text: &[u8]) {
        if self.error.is_some() {
            return;
        }
        let open: &[u8] = if self.items == 0 { b"[\n" } else { b",\n" };
        let pad = self.indent + 2;
        let written = self.out.write_all(open).and_then(|()| {
            for _ in 0..pad / SPACES.len() {
                self.out.write_all(SPACES)?;
            }
            self.out.write_all(&SPACES[..pad % SPACES.len()])?;
            self.out.write_all(text)
        });
        self.items += 1;
        if let Err(e) = written {
            self.error = Some(e);
        }
    }

    /// The indentation of the array's key.
    pub fn indent(&self) -> usize {
        self.indent
    }

    /// Stops the array on a write error of the text around it.
    pub fn fail(&mut self, e: io::Error) {
        self.error.get_or_insert(e);
    }

    /// The write error that stopped the array, if any.
    pub fn error(&self) -> Option<&io::Error> {
        self.error.as_ref()
    }

    /// Closes the array; returns the output to go on with.
    pub fn finish(self) -> io::Result<&'w mut (dyn Write + Send)> {
        if let Some(e) = self.error {
            return Err(e);
        }
        if self.items == 0 {
            self.out.write_all(b"[]")?;
        } else {
            self.out.write_all(b"\n")?;
            self.out.write_all(" ".repeat(self.indent).as_bytes())?;
            self.out.write_all(b"]")?;
        }
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The streamed text is the pretty printer's, for empty and nested items.
    #[test]
    fn streamed_arrays_print_as_whole_documents_do() {
        let items = [json!({"a": [1, {"b": "x\ny"}], "c": {}}), json!([]), json!("é")];
        for n in 0..=items.len() {
            let whole = serde_json::to_string_pretty(&json!({"k": {"list": &items[..n]}})).unwrap();
            let mut out: Vec<u8> = b"{\n  \"k\": {\n    \"list\": ".to_vec();
            let mut array = ArrayWriter::new(&mut out, 4);
            for item in &items[..n] {
                array.item(item);
            }
            array.finish().unwrap().write_all(b"\n  }\n}").unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), whole, "{n} items");
        }
    }
}
