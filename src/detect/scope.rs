//! Which exchange a value belongs to when its key name does not say: the enclosing object
//! (found by indentation, which every config format and most code share), then the file path,
//! then the one exchange the file names.
//!
//! Walking up from the value's line, sibling lines (same indentation) and ancestor lines (less)
//! are in scope; deeper lines belong to an earlier sibling's children and are skipped. So in
//! freqtrade's `"exchange": {"name": "okx", "secret": …}` the `name` sibling counts, while an
//! `api_server.password` further down is not tied to the exchange block above it.

use crate::decode::Document;

/// How far the walk looks, in lines and in levels up.
const LINES_UP: usize = 40;
const LINES_DOWN: usize = 20;
const LEVELS_UP: usize = 2;
/// On lines longer than this (minified bundles) a same-line mention counts only within
/// `NEAR_BYTES` of the value, and the file-level fallbacks are off.
const LONG_LINE: usize = 1000;
const NEAR_BYTES: usize = 300;

pub struct Scope<'d, 'a> {
    doc: &'d Document<'a>,
    /// Exchange mentioned on each line (first mention wins), sorted by line.
    by_line: Vec<(usize, usize)>,
    /// (offset, exchange) of every mention, sorted.
    by_offset: Vec<(usize, usize)>,
    from_path: Option<usize>,
    /// The single exchange the file names, if it names exactly one.
    only: Option<usize>,
}

impl<'d, 'a> Scope<'d, 'a> {
    pub fn new(doc: &'d Document<'a>, mentions: &[(usize, usize, usize)], from_path: Option<usize>) -> Self {
        let mut by_line: Vec<(usize, usize)> = mentions.iter().map(|&(s, _, ex)| (doc.line_index(s), ex)).collect();
        by_line.sort();
        by_line.dedup_by_key(|(line, _)| *line);
        let mut exchanges: Vec<usize> = by_line.iter().map(|&(_, ex)| ex).collect();
        exchanges.sort_unstable();
        exchanges.dedup();
        let only = if exchanges.len() == 1 { Some(exchanges[0]) } else { None };
        let mut by_offset: Vec<(usize, usize)> = mentions.iter().map(|&(s, _, ex)| (s, ex)).collect();
        by_offset.sort_unstable();
        Scope { doc, by_line, by_offset, from_path, only }
    }

    fn mention_on(&self, line: usize) -> Option<usize> {
        self.by_line.binary_search_by_key(&line, |&(l, _)| l).ok().map(|i| self.by_line[i].1)
    }

    /// The exchange in scope at byte `offset`; `object_only` skips the path and sole-mention
    /// fallbacks (for generic names such as `password`).
    pub fn exchange_at(&self, offset: usize, object_only: bool) -> Option<usize> {
        let line = self.doc.line_index(offset);
        let (ls, le) = self.doc.line_range(line);
        if le - ls > LONG_LINE {
            // Minified code: only a mention right before (or just after) the value counts.
            let lo = offset.saturating_sub(NEAR_BYTES);
            return self
                .by_offset
                .iter()
                .filter(|&&(at, _)| at >= lo && at <= offset + NEAR_BYTES / 3)
                .min_by_key(|&&(at, _)| at.abs_diff(offset))
                .map(|&(_, ex)| ex);
        }
        let in_object = self.in_enclosing_object(line);
        if object_only {
            in_object
        } else {
            in_object.or(self.from_path).or(self.only)
        }
    }

    fn in_enclosing_object(&self, line: usize) -> Option<usize> {
        if self.by_line.is_empty() {
            return None;
        }
        if let Some(ex) = self.mention_on(line) {
            return Some(ex);
        }
        let base = indent(self.doc.line(line));
        let mut level = base;
        let mut ups = 0;
        for l in (line.saturating_sub(LINES_UP)..line).rev() {
            let text = self.doc.line(l);
            if text.trim().is_empty() {
                continue;
            }
            let ind = indent(text);
            if ind > level {
                continue;
            }
            if ind < level {
                level = ind;
                ups += 1;
                if ups > LEVELS_UP {
                    break;
                }
            }
            if let Some(ex) = self.mention_on(l) {
                return Some(ex);
            }
        }
        let last = (line + LINES_DOWN).min(self.doc.line_count());
        for l in line + 1..last {
            let text = self.doc.line(l);
            if text.trim().is_empty() {
                continue;
            }
            let ind = indent(text);
            if ind < base {
                break;
            }
            if ind == base {
                if let Some(ex) = self.mention_on(l) {
                    return Some(ex);
                }
            }
        }
        None
    }

    /// The key of the nearest enclosing line (`data` for values under a Kubernetes `data:` map).
    pub fn parent_key(&self, offset: usize) -> Option<String> {
        let line = self.doc.line_index(offset);
        let base = indent(self.doc.line(line));
        for l in (line.saturating_sub(LINES_UP)..line).rev() {
            let text = self.doc.line(l);
            if text.trim().is_empty() || indent(text) >= base {
                continue;
            }
            let key = text.trim().trim_start_matches("- ").split(':').next()?.trim().trim_matches('"');
            return Some(key.to_string());
        }
        None
    }
}

/// Leading whitespace width (a tab counts as 4), capped so a hostile line costs nothing.
fn indent(line: &str) -> usize {
    line.bytes().take(512).take_while(|b| matches!(b, b' ' | b'\t')).map(|b| if b == b'\t' { 4 } else { 1 }).sum()
}
