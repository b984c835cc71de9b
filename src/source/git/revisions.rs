//! What is new in each version of a file in git history: the lines its previous version (the
//! one met before it, in commit order) lacked. Only windows around those are searched again
//! (`source::Revision`). Applied to each chunk of history as it is scanned, in order, so this
//! work is done beside the reading of the next chunk.

use crate::source::lines::Lines;
use crate::source::{Artifact, Revision};
use std::collections::HashMap;

/// Per path, the line hashes of the last version met, within a memory budget.
#[derive(Default)]
pub struct Revisions {
    by_path: HashMap<String, std::sync::Arc<Vec<u64>>>,
    hashes: usize,
}

/// Line hashes remembered at most (8 bytes each): past it, the memory starts over, and the next
/// version of each file is read whole.
const LINE_MEMORY_HASHES: usize = 2 << 20;

impl Revisions {
    /// Sets `revised` on each artifact of `chunk` (in commit order, after every chunk before
    /// it) that is a later version of a file met before; lines found on all workers.
    pub fn revise(&mut self, chunk: &mut [Artifact]) {
        use rayon::prelude::*;
        let lines: Vec<Option<Lines>> = chunk.par_iter().map(|a| a.content.bytes().and_then(Lines::of)).collect();
        let (read, versions): (Vec<usize>, Vec<_>) = chunk
            .iter()
            .zip(lines)
            .enumerate()
            .filter_map(|(k, (a, lines))| lines.map(|lines| (k, (a.path.as_str(), lines))))
            .unzip();
        let revisions = self.versions(versions);
        for (k, revision) in read.into_iter().zip(revisions) {
            if let Some(artifact) = chunk.get_mut(k) {
                artifact.revised = revision;
            }
        }
    }

    /// Remembers these versions of files (in commit order) and returns, for each, the byte
    /// ranges of its lines that the previous version of its file did not have (`None` for a
    /// first version). Files are compared in parallel, the versions of one file in order.
    fn versions(&mut self, versions: Vec<(&str, Lines)>) -> Vec<Option<Revision>> {
        use rayon::prelude::*;
        let incoming: usize = versions.iter().map(|v| v.1.len()).sum();
        if self.hashes + incoming > LINE_MEMORY_HASHES {
            self.by_path.clear();
            self.hashes = 0;
        }
        let count = versions.len();
        // Per file (in order of first appearance): its last version's lines, its new versions.
        type Hashes = std::sync::Arc<Vec<u64>>;
        type Versions = Vec<(usize, Lines)>;
        let mut files: Vec<(&str, Option<Hashes>, Versions)> = Vec::new();
        let mut index: HashMap<&str, usize> = HashMap::new();
        for (i, (path, lines)) in versions.into_iter().enumerate() {
            let file = *index.entry(path).or_insert_with(|| {
                files.push((path, None, Vec::new()));
                files.len() - 1
            });
            files[file].2.push((i, lines));
        }
        for (path, previous, _) in &mut files {
            *previous = self.by_path.remove(*path);
            self.hashes -= previous.as_ref().map_or(0, |p| p.len());
        }
        // Per file: its path, its last version's lines, and each version's new lines.
        type Revised<'a> = (&'a str, Hashes, Vec<(usize, Option<Revision>)>);
        let revised: Vec<Revised> = files
            .into_par_iter()
            .map(|(path, mut previous, versions)| {
                let mut out = Vec::with_capacity(versions.len());
                for (i, lines) in versions {
                    let hashes = lines.hashes.clone();
                    let revision =
                        previous.as_deref().map(|before| Revision { new_lines: new_lines(&lines, before), lines });
                    out.push((i, revision));
                    previous = Some(hashes);
                }
                (path, previous.unwrap_or_default(), out)
            })
            .collect();
        let mut result = vec![None; count];
        for (path, last, out) in revised {
            self.hashes += last.len();
            self.by_path.insert(path.to_string(), last);
            for (i, ranges) in out {
                result[i] = ranges;
            }
        }
        result
    }
}

/// The byte ranges of `lines` whose hash is not among `before` (the previous version's, in line
/// order), adjacent lines merged.
fn new_lines(lines: &Lines, before: &[u64]) -> Vec<(usize, usize)> {
    let mut before = PreviousLines::new(before);
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    let mut following = lines.hashes.iter().skip(1).copied();
    for ((start, end), h) in lines.iter() {
        if !before.has(h, following.next()) {
            match ranges.last_mut() {
                Some(last) if last.1 == start => last.1 = end,
                _ => ranges.push((start, end)),
            }
        }
    }
    ranges
}

/// The line hashes of a file's previous version, asked about in the order of the next
/// version's lines. Most lines come in the same order as before, so each is first compared
/// with the line after the last one found; only a line that differs is looked for among all
/// of them: by a linear search while that costs less than sorting, then in a sorted copy.
struct PreviousLines<'a> {
    ordered: &'a [u64],
    /// Where the next line is expected in `ordered`.
    next: usize,
    sorted: Option<Vec<u64>>,
    /// Hashes compared by linear searches so far, and how many a sort would cost.
    searched: usize,
    budget: usize,
}

/// How far ahead of the expected place a line is looked for (lines deleted since).
const RESYNC_LINES: usize = 8;

impl<'a> PreviousLines<'a> {
    fn new(ordered: &'a [u64]) -> Self {
        // A linear search compares several hashes a cycle; a sort spends more on each.
        let budget = 8 * ordered.len() * (usize::BITS - ordered.len().leading_zeros()) as usize;
        PreviousLines { ordered, next: 0, sorted: None, searched: 0, budget }
    }

    /// Did the previous version have a line with hash `h`? `following`: the hash of the line
    /// after it, to keep the place when `h` replaced a line.
    fn has(&mut self, h: u64, following: Option<u64>) -> bool {
        let ahead = self.ordered.get(self.next..).unwrap_or_default();
        if let Some(k) = ahead.iter().take(RESYNC_LINES + 1).position(|&x| x == h) {
            self.next += k + 1;
            return true;
        }
        let found = self.anywhere(h);
        // A changed line: the next one is expected after the line it replaced.
        if !found && following.is_some() && ahead.get(1).copied() == following {
            self.next += 1;
        }
        found
    }

    fn anywhere(&mut self, h: u64) -> bool {
        if self.sorted.is_none() && self.searched + self.ordered.len() <= self.budget {
            self.searched += self.ordered.len();
            return self.ordered.contains(&h);
        }
        let sorted = self.sorted.get_or_insert_with(|| {
            let mut sorted = self.ordered.to_vec();
            sorted.sort_unstable();
            sorted
        });
        sorted.binary_search(&h).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `new_lines` against the plain definition (a line is new if no line of the previous
    /// version has its hash) over edits of every kind: changed, inserted, deleted, moved and
    /// repeated lines, in files small enough for linear searches and large enough for a sort.
    #[test]
    fn new_lines_are_the_lines_the_previous_version_lacked() {
        let mut seed = 7u64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n.max(1) as u64) as usize
        };
        for (size, edits) in [(3, 1), (40, 3), (400, 5), (5000, 300), (5000, 4000)] {
            let mut lines: Vec<String> = (0..size).map(|i| format!("line {}", i % (size / 2 + 1))).collect();
            for _ in 0..6 {
                let before = lines.join("\n");
                for _ in 0..edits {
                    let k = next(lines.len());
                    match next(5) {
                        0 => lines[k] = format!("changed {}", next(1000)),
                        1 => lines.insert(k, format!("inserted {}", next(1000))),
                        2 if lines.len() > 1 => drop(lines.remove(k)),
                        3 => {
                            let moved = lines.remove(k);
                            let to = next(lines.len() + 1);
                            lines.insert(to, moved);
                        }
                        _ => lines.insert(k, lines[next(lines.len())].clone()),
                    }
                }
                let after = lines.join("\n");
                let (old, new) =
                    (Lines::of(before.as_bytes()).unwrap_or_default(), Lines::of(after.as_bytes()).unwrap_or_default());
                let mut expected: Vec<(usize, usize)> = Vec::new();
                let mut start = 0;
                for (line, h) in after.split_inclusive('\n').zip(new.hashes.iter()) {
                    if !old.hashes.contains(h) {
                        match expected.last_mut() {
                            Some(last) if last.1 == start => last.1 = start + line.len(),
                            _ => expected.push((start, start + line.len())),
                        }
                    }
                    start += line.len();
                }
                assert_eq!(new_lines(&new, &old.hashes), expected, "{size} lines, {edits} edits");
            }
        }
    }
}
