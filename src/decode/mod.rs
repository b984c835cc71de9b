//! Decoding: bytes become a `Document` with a line index, so any stage can turn byte offsets
//! into 1-based lines and Unicode columns.

use crate::diagnostic::{Position, Span};

/// How many leading bytes are sniffed for a NUL to call a file binary.
pub const BINARY_SNIFF_LEN: usize = 8 * 1024;

/// True when the first 8 KiB hold a NUL byte.
pub fn is_binary(bytes: &[u8]) -> bool {
    memchr::memchr(0, &bytes[..bytes.len().min(BINARY_SNIFF_LEN)]).is_some()
}

/// Decoded text of one artifact with the byte offset of every line start.
pub struct Document<'a> {
    pub text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> Document<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut line_starts = Vec::with_capacity(text.len() / 32 + 1);
        line_starts.push(0);
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Document { text, line_starts }
    }

    /// Byte offset of every line start.
    pub fn line_starts(&self) -> &[usize] {
        &self.line_starts
    }

    /// Number of lines (a trailing newline does not start a new line).
    pub fn line_count(&self) -> usize {
        let n = self.line_starts.len();
        if n > 1 && self.line_starts[n - 1] == self.text.len() {
            n - 1
        } else {
            n
        }
    }

    /// 0-based line index holding `offset`.
    pub fn line_index(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// Byte range of 0-based line `idx`, without its line terminator.
    pub fn line_range(&self, idx: usize) -> (usize, usize) {
        let start = self.line_starts.get(idx).copied().unwrap_or(self.text.len());
        let mut end = self.line_starts.get(idx + 1).map(|e| e - 1).unwrap_or(self.text.len());
        if end > start && self.text.as_bytes()[end - 1] == b'\r' {
            end -= 1;
        }
        (start, end.max(start))
    }

    /// Text of 0-based line `idx`.
    pub fn line(&self, idx: usize) -> &'a str {
        let (s, e) = self.line_range(idx);
        &self.text[s..e]
    }

    /// Position of a byte offset (clamped to a char boundary at or before it).
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_index(offset);
        let line_start = self.line_starts[line];
        let column = self.text[line_start..offset].chars().count() + 1;
        Position { line: line + 1, column, offset }
    }

    /// Positions of many offsets in one pass (sorts `offsets`): linear in the text even when a
    /// single long line holds thousands of them.
    pub fn positions(&self, offsets: &mut [usize]) -> std::collections::HashMap<usize, Position> {
        offsets.sort_unstable();
        let mut out = std::collections::HashMap::with_capacity(offsets.len());
        let (mut at, mut line, mut column) = (0usize, 0usize, 1usize);
        for &target in offsets.iter() {
            let mut target = target.min(self.text.len());
            while !self.text.is_char_boundary(target) {
                target -= 1;
            }
            let target_line = self.line_index(target);
            if target_line != line || at < self.line_starts[target_line] {
                line = target_line;
                at = self.line_starts[line];
                column = 1;
            }
            column += self.text[at..target].chars().count();
            at = target;
            out.insert(target, Position { line: line + 1, column, offset: target });
        }
        out
    }

    pub fn span(&self, start: usize, end: usize) -> Span {
        Span { start: self.position(start), end: self.position(end) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_unicode_columns_and_bytes() {
        let doc = Document::new("a=1\nkey: \"é9\"\r\nlast");
        let p = doc.position(10);
        assert_eq!((p.line, p.column, p.offset), (2, 7, 10));
        let p = doc.position(12); // after the 2-byte é
        assert_eq!((p.line, p.column), (2, 8));
        assert_eq!(doc.line(1), "key: \"é9\"");
        assert_eq!(doc.line_count(), 3);
        let mut offs = [12, 0, 10];
        let many = doc.positions(&mut offs);
        assert_eq!(many[&12], doc.position(12));
        assert_eq!(many[&10], doc.position(10));
        assert_eq!(many[&0], doc.position(0));
        assert!(is_binary(b"ab\0c"));
        assert!(!is_binary(b"abc"));
    }
}
