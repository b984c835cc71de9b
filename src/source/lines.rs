//! The lines of a file's version in git history: where each ends and a hash of its bytes, found
//! in one pass. The history source compares them with the previous version's to tell the new
//! lines; the keyword pass remembers the matches of lines by them (`detect::LineKeywords`).

use std::sync::Arc;

/// The lines of some bytes (split at `\n`; a last line without one counts, an empty end does
/// not): a hash of each line's bytes (without its `\n`) and where it ends (after its `\n`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lines {
    /// Shared with the history's memory of each file's last version.
    pub hashes: Arc<Vec<u64>>,
    ends: Vec<u32>,
}

const K: u64 = 0x9E37_79B9_7F4A_7C15;
const NEWLINES: u64 = 0x0a0a_0a0a_0a0a_0a0a;
const LOW_BITS: u64 = 0x0101_0101_0101_0101;
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

impl Lines {
    /// The lines of `bytes`; `None` for bytes too large for 32-bit offsets.
    pub fn of(bytes: &[u8]) -> Option<Lines> {
        u32::try_from(bytes.len()).ok()?;
        let mut hashes = Vec::with_capacity(bytes.len() / 32 + 1);
        let mut ends = Vec::with_capacity(bytes.len() / 32 + 1);
        let mut start = 0;
        while start < bytes.len() {
            let (hash, end) = hash_line_at(bytes, start);
            hashes.push(hash);
            ends.push(end as u32);
            start = end;
        }
        Some(Lines { hashes: Arc::new(hashes), ends })
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Each line's byte range (its `\n` included) and hash, in order.
    pub fn iter(&self) -> impl Iterator<Item = ((usize, usize), u64)> + '_ {
        let starts = std::iter::once(0).chain(self.ends.iter().map(|&e| e as usize));
        starts.zip(self.ends.iter().map(|&e| e as usize)).zip(self.hashes.iter().copied())
    }

    /// Do these lines describe `bytes` (the same length)? Guards against hashes of another file.
    pub fn fit(&self, bytes: &[u8]) -> bool {
        self.hashes.len() == self.ends.len()
            && self.ends.last().map_or(bytes.is_empty(), |&e| e as usize == bytes.len())
    }
}

/// The hash of the line starting at `start` and where it ends (after its `\n`, or at the end of
/// `bytes`). Eight bytes at a time, the line break found in each word without a call per line
/// (most lines are short). A function of the line's bytes alone: equal lines hash alike wherever
/// they are. Not for untrusted collisions: a clash only makes a new line look old, and a crafted
/// one gains nothing a deleted line would not.
fn hash_line_at(bytes: &[u8], start: usize) -> (u64, usize) {
    // Two lanes, alternate words: their multiplications do not wait on each other.
    let (mut even, mut odd) = (K, K.rotate_left(32));
    let mut at = start;
    loop {
        match word_at(bytes, at, start) {
            Ok(word) => even = (even ^ word).wrapping_mul(K).rotate_left(29),
            Err(end) => return end.finish(even, odd),
        }
        at += 8;
        match word_at(bytes, at, start) {
            Ok(word) => odd = (odd ^ word).wrapping_mul(K).rotate_left(29),
            Err(end) => return end.finish(even, odd),
        }
        at += 8;
    }
}

/// The last, partial word of a line: its bytes (zero-padded), the line's length and where it
/// ends.
struct LineEnd {
    tail: u64,
    len: usize,
    end: usize,
}

impl LineEnd {
    fn finish(self, even: u64, odd: u64) -> (u64, usize) {
        let h = even ^ odd.rotate_left(17) ^ self.tail ^ (self.len as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
        let h = h.wrapping_mul(K);
        (h ^ (h >> 32), self.end)
    }
}

/// The eight bytes at `at` of a line that starts at `start`, or, when the line ends in them (at
/// a `\n` or the end of `bytes`), how.
fn word_at(bytes: &[u8], at: usize, start: usize) -> Result<u64, LineEnd> {
    let rest = &bytes[at.min(bytes.len())..];
    let word = match rest.get(..8) {
        Some(eight) => u64::from_le_bytes(eight.try_into().unwrap_or_default()),
        None => {
            let mut padded = [0u8; 8];
            padded[..rest.len()].copy_from_slice(rest);
            u64::from_le_bytes(padded)
        }
    };
    // The lowest byte equal to `\n` (bytes above a true match may be false ones).
    let x = word ^ NEWLINES;
    let found = x.wrapping_sub(LOW_BITS) & !x & HIGH_BITS;
    let taken = if found == 0 { 8 } else { (found.trailing_zeros() / 8) as usize }.min(rest.len());
    if taken == 8 {
        return Ok(word);
    }
    let tail = if taken == 0 { 0 } else { word & (u64::MAX >> (64 - 8 * taken)) };
    let end = if taken < rest.len() { at + taken + 1 } else { bytes.len() };
    Err(LineEnd { tail, len: at + taken - start, end })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Line ranges and hashes agree with splitting at `\n`, and a line's hash depends on its
    /// bytes only (not on where it starts, its alignment or what follows it).
    #[test]
    fn lines_are_split_at_newlines_and_hashed_by_their_bytes() {
        let texts: [&[u8]; 8] = [
            b"",
            b"\n",
            b"a",
            b"abcdefgh",
            b"abcdefgh\nabcdefgh\n\n12345678901234567\nlast",
            b"x\nabcdefgh\nabcdefgh",
            b"\n\n\nabc\n",
            b"caf\xc3\xa9 \x00\x0a\xff\n\n",
        ];
        let mut by_line: std::collections::HashMap<Vec<u8>, u64> = Default::default();
        for text in texts {
            let lines = Lines::of(text).unwrap_or_default();
            assert!(lines.fit(text));
            let mut expected: Vec<&[u8]> = text.split(|&b| b == b'\n').collect();
            if text.is_empty() || text.last() == Some(&b'\n') {
                expected.pop();
            }
            assert_eq!(lines.len(), expected.len(), "{text:?}");
            let mut start = 0;
            for (((from, to), hash), line) in lines.iter().zip(expected) {
                assert_eq!(from, start);
                assert_eq!(&text[from..to], &text[start..(start + line.len() + 1).min(text.len())]);
                start = to;
                let seen = *by_line.entry(line.to_vec()).or_insert(hash);
                assert_eq!(seen, hash, "{line:?}");
            }
            assert_eq!(start, text.len());
        }
        // Different lines (lengths that differ by a zero byte, the same eight bytes) differ.
        let distinct = [&b""[..], b"\x00", b"ab", b"ab\x00", b"abcdefgh", b"abcdefgh\x00", b"abcdefgi"];
        let hashes: std::collections::HashSet<u64> =
            distinct.iter().map(|l| Lines::of(&[*l, b"\n"].concat()).unwrap_or_default().hashes[0]).collect();
        assert_eq!(hashes.len(), distinct.len());
        assert!(!Lines::of(b"ab\n").unwrap_or_default().fit(b"abc\n"));
    }
}
