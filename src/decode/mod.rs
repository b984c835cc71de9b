//! Decoding: bytes become a `Document` with a line index, so any stage can turn byte offsets
//! into 1-based lines and Unicode columns.

use crate::diagnostic::{Position, Span};

/// How many leading bytes are sniffed for a NUL to call a file binary.
pub const BINARY_SNIFF_LEN: usize = 8 * 1024;

/// True when the first 8 KiB hold a NUL byte.
pub fn is_binary(bytes: &[u8]) -> bool {
    memchr::memchr(0, &bytes[..bytes.len().min(BINARY_SNIFF_LEN)]).is_some()
}

/// How a file's bytes became text, to map offsets in the text back to offsets in the file
/// (spec/output.md: `offset` counts bytes of the file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OffsetMap {
    /// Valid UTF-8: offsets are the file's.
    Identity,
    /// UTF-8 with invalid sequences, each replaced by U+FFFD: (text offset, file offset) at the
    /// start of every valid run after a replacement.
    Repaired(Vec<(usize, usize)>),
    /// UTF-16 (after a BOM of 2 bytes): a character is 2 or 4 bytes of the file.
    Utf16,
}

/// Starts with a UTF-16 byte order mark (LE or BE).
pub fn has_utf16_bom(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF])
}

/// An artifact's bytes as text.
pub struct Decoded<'a> {
    pub text: std::borrow::Cow<'a, str>,
    pub map: OffsetMap,
}

/// Decodes an artifact: UTF-16 with a BOM (LE or BE), else UTF-8 with invalid sequences
/// repaired (a Latin-1 config is scanned rather than skipped). `None` for binary content.
pub fn decode(bytes: &[u8]) -> Option<Decoded<'_>> {
    let utf16 = match bytes {
        [0xFF, 0xFE, rest @ ..] => Some((rest, u16::from_le_bytes as fn([u8; 2]) -> u16)),
        [0xFE, 0xFF, rest @ ..] => Some((rest, u16::from_be_bytes as fn([u8; 2]) -> u16)),
        _ => None,
    };
    if let Some((rest, unit)) = utf16 {
        // An odd trailing byte is not a character: left out.
        let units: Vec<u16> = rest.chunks_exact(2).map(|p| unit([p[0], p[1]])).collect();
        let text = String::from_utf16_lossy(&units);
        if is_binary(text.as_bytes()) {
            return None;
        }
        return Some(Decoded { text: std::borrow::Cow::Owned(text), map: OffsetMap::Utf16 });
    }
    if is_binary(bytes) {
        return None;
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Some(Decoded { text: std::borrow::Cow::Borrowed(text), map: OffsetMap::Identity }),
        Err(_) => {
            let mut text = String::with_capacity(bytes.len() + 16);
            let mut anchors = Vec::new();
            let mut file = 0;
            for chunk in bytes.utf8_chunks() {
                anchors.push((text.len(), file));
                text.push_str(chunk.valid());
                file += chunk.valid().len();
                if !chunk.invalid().is_empty() {
                    text.push(char::REPLACEMENT_CHARACTER);
                    file += chunk.invalid().len();
                }
            }
            Some(Decoded { text: std::borrow::Cow::Owned(text), map: OffsetMap::Repaired(anchors) })
        }
    }
}

impl OffsetMap {
    /// The file offsets of `offsets` (text offsets at char boundaries, sorted ascending), in
    /// one pass over the text.
    pub fn to_file(&self, text: &str, offsets: &[usize]) -> Vec<usize> {
        match self {
            OffsetMap::Identity => offsets.to_vec(),
            OffsetMap::Repaired(anchors) => offsets
                .iter()
                .map(|&t| {
                    let i = anchors.partition_point(|a| a.0 <= t).saturating_sub(1);
                    let (at, file) = anchors.get(i).copied().unwrap_or((0, 0));
                    // Inside a replacement character (never at a char boundary): its start.
                    file + t.saturating_sub(at).min(text.len())
                })
                .collect(),
            OffsetMap::Utf16 => {
                let (mut at, mut units) = (0usize, 0usize);
                offsets
                    .iter()
                    .map(|&t| {
                        let t = t.min(text.len()).max(at);
                        units += text.get(at..t).map_or(0, |s| s.encode_utf16().count());
                        at = t;
                        2 + 2 * units
                    })
                    .collect()
            }
        }
    }
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
    fn utf16_with_a_bom_is_decoded_and_offsets_map_back_to_the_file() {
        let text = "a=é\nk=𝄞x";
        for (bom, le) in [([0xFF, 0xFE], true), ([0xFE, 0xFF], false)] {
            let mut bytes = bom.to_vec();
            for u in text.encode_utf16() {
                bytes.extend(if le { u.to_le_bytes() } else { u.to_be_bytes() });
            }
            let d = decode(&bytes).expect("text");
            assert_eq!(d.text, text);
            // `é` is 2 bytes of text and 2 of the file; `𝄞` 4 and 4; `x` after it.
            let x = text.find('x').unwrap_or(0);
            assert_eq!(d.map.to_file(&d.text, &[0, 2, 5, x]), vec![2, 6, 10, 2 + 2 * 8]);
        }
        assert!(decode(b"ab\0c").is_none());
    }

    #[test]
    fn repaired_utf8_offsets_count_the_files_bytes() {
        let d = decode(b"a\xe9\xe9b\xffcd").expect("text");
        assert_eq!(d.text, "a\u{fffd}\u{fffd}b\u{fffd}cd");
        // a=0, the replacements are 3 bytes of text each but 1 of the file.
        let b = d.text.find('b').unwrap_or(0);
        let c = d.text.find('c').unwrap_or(0);
        assert_eq!(d.map.to_file(&d.text, &[0, 1, 4, b, c]), vec![0, 1, 2, 3, 5]);
    }

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
