//! The redact stage: every piece of file text that leaves keylint (snippets, source excerpts,
//! messages, help, error excerpts) passes through here, masked by value.
//!
//! Two things are masked, wherever they appear in shown text:
//! - every value keylint found as a secret anywhere in the file (as written and as decoded),
//!   whatever finding the text belongs to: the api-key finding's line must not show the secret
//!   found on the line above;
//! - any token that a detector's value pattern would accept (`TokenPatterns`): key material
//!   keylint did not report (a comment, a line of a manifest that does not parse) is still key
//!   material.
//!
//! A mask shows at most the first and last 4 characters (`redact`); passphrases show as `****`.
//! With `--show-secrets` nothing is masked.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::{RegexSet, RegexSetBuilder};

/// Redacts key material: at most the first and last 4 characters survive, fewer for short
/// values; passphrases become `****`.
pub fn redact(value: &str, is_passphrase: bool) -> String {
    if is_passphrase {
        return "****".to_string();
    }
    let chars: Vec<char> = value.chars().collect();
    let keep = match chars.len() {
        0..=8 => 0,
        9..=15 => 2,
        16..=23 => 3,
        _ => 4,
    };
    if keep == 0 {
        return "****".to_string();
    }
    let head: String = chars[..keep].iter().collect();
    let tail: String = chars[chars.len() - keep..].iter().collect();
    format!("{head}…{tail}")
}

/// Redacts every long token on a line (for messages about a line whose secret spans are
/// unknown, e.g. a failing rule example): runs of 12+ key-like characters keep 4 at each end.
pub fn redact_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut token = String::new();
    let flush = |token: &mut String, out: &mut String| {
        if token.chars().count() >= 12 && !looks_like_name(token) {
            out.push_str(&redact(token, false));
        } else {
            out.push_str(token);
        }
        token.clear();
    };
    let chars: Vec<char> = line.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let key_char = c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '-' | '_');
        // `=` is base64 padding only at the end of a value (`…Zg==`), else a separator.
        let padding = c == '='
            && !token.is_empty()
            && !looks_like_name(&token)
            && !chars.get(i + 1).is_some_and(|n| n.is_ascii_alphanumeric());
        if key_char || padding {
            token.push(c);
        } else {
            flush(&mut token, &mut out);
            out.push(c);
        }
    }
    flush(&mut token, &mut out);
    out
}

/// `OKX_SECRET_KEY`, `api-secret`, `walletAddress`: no digits, and every `_`/`-` part is an
/// upper-case run followed by lower-case words (`OKX`, `secret`, `Values`, `apiSecretKey`).
fn looks_like_name(token: &str) -> bool {
    if token.bytes().any(|b| b.is_ascii_digit() || matches!(b, b'+' | b'/' | b'=')) {
        return false;
    }
    token.split(['_', '-']).all(|part| {
        let b = part.as_bytes();
        let mut i = b.iter().take_while(|c| c.is_ascii_uppercase()).count();
        // An upper-case run may end with the first letter of a camel-case word (`HTTPServer`).
        i -= usize::from(i > 1 && b.get(i).is_some_and(u8::is_ascii_lowercase));
        while i < b.len() {
            i += usize::from(b[i].is_ascii_uppercase());
            let lower = b[i..].iter().take_while(|c| c.is_ascii_lowercase()).count();
            if lower == 0 {
                // An upper-case letter not followed by lower case (`aBCd`) is not a word.
                return false;
            }
            i += lower;
        }
        true
    })
}

/// Shortest token checked against the value patterns (shorter ones redact to `****` anyway
/// and no key format is that short).
const MIN_TOKEN: usize = 8;
/// Longest token checked; longer runs are no key format (the longest is 128 hex characters).
const MAX_TOKEN: usize = 1024;

/// Characters of a token: what key formats are made of (base64, base64url, hex, UUIDs, key
/// names like `organizations/…/apiKeys/…`). A run may end in `=` padding.
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'_' | b'-')
}

/// Distinct value patterns compiled into the token set. Built-in detectors come first; a rule
/// directory with thousands of distinct patterns still gets its found values masked.
const MAX_PATTERNS: usize = 1024;

/// The detectors' value patterns, compiled once per run to recognise key material in shown
/// text that no finding covers.
pub struct TokenPatterns {
    set: Option<RegexSet>,
    /// Minimum entropy of each pattern in `set` (0 when the rule has none).
    min_entropy: Vec<f64>,
}

impl TokenPatterns {
    /// From (value regex, minimum entropy) pairs. Patterns that do not compile are left out
    /// (user rules are validated when they load; a bad one must not disable redaction).
    pub fn new<'a>(patterns: impl IntoIterator<Item = (&'a str, Option<f64>)>) -> Self {
        let mut sources: Vec<String> = Vec::new();
        let mut min_entropy = Vec::new();
        for (pattern, entropy) in patterns {
            let anchored = format!("^(?:{pattern})$");
            if sources.contains(&anchored) {
                // Same pattern, several rules: the lowest threshold decides.
                if let Some(i) = sources.iter().position(|s| s == &anchored) {
                    min_entropy[i] = f64::min(min_entropy[i], entropy.unwrap_or(0.0));
                }
                continue;
            }
            if sources.len() >= MAX_PATTERNS || regex::Regex::new(&anchored).is_err() {
                continue;
            }
            sources.push(anchored);
            min_entropy.push(entropy.unwrap_or(0.0));
        }
        let set = RegexSetBuilder::new(&sources).size_limit(64 << 20).build().ok();
        TokenPatterns { set, min_entropy }
    }

    /// Any long high-entropy token of letters and digits: for text shown before detectors are
    /// loaded (config and rule file errors).
    pub fn generic() -> Self {
        TokenPatterns::new([("[A-Za-z0-9+/_-]{16,}={0,2}", Some(3.0))])
    }

    /// No patterns: only found values are masked.
    pub fn empty() -> Self {
        TokenPatterns { set: None, min_entropy: Vec::new() }
    }

    /// Would a detector accept `token` as key material? Identifiers (`OKX_SECRET_KEY`) and
    /// plain numbers (order ids, timestamps) are not: a key has letters and digits.
    pub fn accepts(&self, token: &str) -> bool {
        let Some(set) = &self.set else { return false };
        if token.len() < MIN_TOKEN || token.len() > MAX_TOKEN {
            return false;
        }
        let bytes = token.as_bytes();
        if !bytes.iter().any(u8::is_ascii_digit) || !bytes.iter().any(u8::is_ascii_alphabetic) {
            return false;
        }
        let matches = set.matches(token);
        if !matches.matched_any() {
            return false;
        }
        let entropy = crate::detect::ignore::entropy(token);
        matches.iter().any(|i| self.min_entropy.get(i).is_some_and(|&min| entropy >= min))
    }

    /// Does `token` or one of its `/ + _ -` separated pieces hold key material?
    pub fn holds_key_material(&self, token: &str) -> bool {
        let mut masks = Vec::new();
        self.masks_in(token, &mut masks);
        !masks.is_empty()
    }

    /// Does `token` or one of its `/ + _ -` separated pieces hold key material? Returns the
    /// byte ranges (relative to `token`) to mask.
    fn masks_in(&self, token: &str, out: &mut Vec<(usize, usize)>) {
        if self.accepts(token) {
            out.push((0, token.len()));
            return;
        }
        let mut start = 0;
        for (i, b) in token.bytes().enumerate().chain(std::iter::once((token.len(), b'/'))) {
            if matches!(b, b'/' | b'+' | b'_' | b'-') {
                if i > start && self.accepts(&token[start..i]) {
                    out.push((start, i));
                }
                start = i + 1;
            }
        }
    }
}

/// A masked range of text: `[start, end)` and whether it is a passphrase (`****`).
type Mask = (usize, usize, bool);

/// How far around a shown window found values are searched (a value reaching into the window
/// from outside is masked whole). Longer values (PEM keys) are located once in the whole text
/// instead (`Redactor::with_text`), so a file with many findings stays linear.
const VALUE_REACH: usize = 4096;

/// Characters in a piece of key material that is masked wherever it appears (the spec lets at
/// most 4 + 4 characters of a key show; 8 in a row is a piece of it).
const PIECE: usize = 8;

/// The redact stage for one file (or one error message): the file's found secret values, the
/// spans where they were found, and the run's token patterns.
pub struct Redactor<'p> {
    tokens: &'p TokenPatterns,
    show: bool,
    /// Found values (deduplicated) and whether each is a passphrase.
    values: Vec<(String, bool)>,
    finder: Option<AhoCorasick>,
    /// Every 8-character piece of the found key material (not passphrases: words): a fragment
    /// of a key pasted elsewhere (a comment quoting its start) is masked too.
    pieces: Option<AhoCorasick>,
    longest_value: usize,
    /// Known secret spans in the file, sorted and disjoint.
    spans: Vec<Mask>,
}

/// The text of `from..to` with masks applied (see `Redactor::region`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub text: String,
    /// The range actually shown: widened so that no mask is cut by the window.
    pub from: usize,
    pub to: usize,
    /// Each tracked offset mapped into `text`.
    pub mapped: Vec<usize>,
}

impl<'p> Redactor<'p> {
    /// The stage for one file: `values` are every secret found in it, as written and as decoded,
    /// each with whether it is a passphrase. With `show` (`--show-secrets`) nothing is masked.
    pub fn new(tokens: &'p TokenPatterns, show: bool, values: impl IntoIterator<Item = (String, bool)>) -> Self {
        let mut values: Vec<(String, bool)> = values.into_iter().filter(|(v, _)| !v.is_empty()).collect();
        // Duplicates keep one entry; a value found as a passphrase anywhere stays `****`.
        values.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        values.dedup_by(|a, b| a.0 == b.0);
        let longest_value = values.iter().map(|(v, _)| v.len()).max().unwrap_or(0);
        let finder = if values.is_empty() || show {
            None
        } else {
            AhoCorasickBuilder::new().match_kind(MatchKind::Standard).build(values.iter().map(|(v, _)| v)).ok()
        };
        let mut pieces: Vec<&str> = Vec::new();
        if !show {
            for (value, _) in values.iter().filter(|(v, pass)| !pass && v.len() <= VALUE_REACH) {
                let bounds: Vec<usize> = value.char_indices().map(|(i, _)| i).chain([value.len()]).collect();
                pieces.extend(bounds.windows(PIECE + 1).map(|w| &value[w[0]..w[PIECE]]).filter(|p| is_key_piece(p)));
            }
        }
        pieces.sort_unstable();
        pieces.dedup();
        let pieces = if pieces.is_empty() {
            None
        } else {
            AhoCorasickBuilder::new().match_kind(MatchKind::Standard).build(&pieces).ok()
        };
        Redactor { tokens, show, values, finder, pieces, longest_value, spans: Vec::new() }
    }

    /// Adds the spans (byte ranges in the file's text) where secrets were found: masked in
    /// excerpts even where their text differs from the decoded value.
    pub fn with_spans(mut self, spans: impl IntoIterator<Item = Mask>) -> Self {
        let mut spans: Vec<Mask> = spans.into_iter().filter(|s| s.0 < s.1).collect();
        spans.sort_unstable();
        self.spans = merge(spans);
        self
    }

    /// Locates the values longer than the search reach everywhere in `text` (the file the
    /// redactor is for), once: their occurrences are masked like the known spans.
    pub fn with_text(mut self, text: &str) -> Self {
        if self.show {
            return self;
        }
        let mut added = false;
        for (value, pass) in self.values.iter().filter(|(v, _)| v.len() > VALUE_REACH) {
            for at in memchr::memmem::find_iter(text.as_bytes(), value.as_bytes()) {
                self.spans.push((at, at + value.len(), *pass));
                added = true;
            }
        }
        if added {
            let mut spans = std::mem::take(&mut self.spans);
            spans.sort_unstable();
            self.spans = merge(spans);
        }
        self
    }

    /// `text` (a message, a snippet, a line of an error) with every found value and every
    /// accepted token masked.
    pub fn mask(&self, text: &str) -> String {
        if self.show {
            return text.to_string();
        }
        let mut masks = Vec::new();
        self.value_masks(text, 0, text.len(), &mut masks);
        self.token_masks(text, 0, text.len(), &mut masks);
        masks.sort_unstable();
        apply(text, 0, text.len(), &merge(masks), &[], None).0
    }

    /// `text[from..to]` with masks applied, offsets in `track` mapped into the result. The
    /// window widens so that a mask is never cut (a cut secret would show more than 4 + 4
    /// characters of itself). With `keep_lines_except`, multi-line masks keep their line breaks
    /// as `…` lines (an excerpt's later lines stay beside their real numbers), except the one
    /// covering that offset (the primary span, labelled as one range); without, every mask is
    /// one line (snippets).
    pub fn region(
        &self,
        text: &str,
        from: usize,
        to: usize,
        track: &[usize],
        keep_lines_except: Option<usize>,
    ) -> Region {
        let from = floor_boundary(text, from.min(text.len()));
        let to = ceil_boundary(text, to.clamp(from, text.len()));
        if self.show {
            let (out, mapped) = apply(text, from, to, &[], track, None);
            return Region { text: out, from, to, mapped };
        }
        let mut masks: Vec<Mask> = Vec::new();
        let lo = self.spans.partition_point(|s| s.1 <= from);
        masks.extend(self.spans[lo..].iter().take_while(|s| s.0 < to).copied());
        self.value_masks(text, from, to, &mut masks);
        self.token_masks(text, from, to, &mut masks);
        masks.sort_unstable();
        let masks = merge(masks);
        let from = masks.first().map_or(from, |m| m.0.min(from));
        let to = masks.last().map_or(to, |m| m.1.max(to));
        let (out, mapped) = apply(text, from, to, &masks, track, keep_lines_except);
        Region { text: out, from, to, mapped }
    }

    /// Occurrences of found values overlapping `from..to`.
    fn value_masks(&self, text: &str, from: usize, to: usize, out: &mut Vec<Mask>) {
        if self.values.is_empty() {
            return;
        }
        let reach = self.longest_value.min(VALUE_REACH).saturating_sub(1);
        let lo = floor_boundary(text, from.saturating_sub(reach));
        let hi = ceil_boundary(text, to.saturating_add(reach).min(text.len()));
        let hay = &text[lo..hi];
        let mut push = |s: usize, e: usize, pass: bool| {
            let (s, e) = (lo + s, lo + e);
            if s < to && e > from {
                out.push((s, e, pass));
            }
        };
        if let Some(ac) = &self.pieces {
            // Consecutive pieces overlap and merge into one mask over the whole fragment.
            for m in ac.find_overlapping_iter(hay) {
                push(m.start(), m.end(), false);
            }
        }
        match &self.finder {
            Some(ac) => {
                for m in ac.find_overlapping_iter(hay) {
                    let pass = self.values.get(m.pattern().as_usize()).is_some_and(|v| v.1);
                    push(m.start(), m.end(), pass);
                }
            }
            None => {
                for (value, pass) in &self.values {
                    for (at, _) in hay.match_indices(value.as_str()) {
                        push(at, at + value.len(), *pass);
                    }
                }
            }
        }
    }

    /// Tokens overlapping `from..to` that a detector's value pattern accepts.
    fn token_masks(&self, text: &str, from: usize, to: usize, out: &mut Vec<Mask>) {
        if self.tokens.set.is_none() {
            return;
        }
        let bytes = text.as_bytes();
        // Widen to whole tokens (bounded: longer runs are no key format).
        let mut lo = from;
        while lo > 0 && from - lo <= MAX_TOKEN && is_token_byte(bytes[lo - 1]) {
            lo -= 1;
        }
        let mut hi = to;
        while hi < bytes.len() && hi - to <= MAX_TOKEN && (is_token_byte(bytes[hi]) || bytes[hi] == b'=') {
            hi += 1;
        }
        let mut i = lo;
        let mut pieces = Vec::new();
        while i < hi {
            if !is_token_byte(bytes[i]) {
                i += 1;
                continue;
            }
            let start = i;
            while i < hi && is_token_byte(bytes[i]) {
                i += 1;
            }
            while i < hi && bytes[i] == b'=' {
                i += 1;
            }
            if i - start < MIN_TOKEN || start >= to || i <= from {
                continue;
            }
            // Token bytes are ASCII: always a valid str slice.
            let Some(token) = text.get(start..i) else { continue };
            pieces.clear();
            self.tokens.masks_in(token, &mut pieces);
            // Only masks that overlap the window: the window widens to whole masks, and a mask
            // beside it would widen it over text nobody checked.
            out.extend(
                pieces.iter().map(|&(s, e)| (start + s, start + e, false)).filter(|&(s, e, _)| s < to && e > from),
            );
        }
    }
}

/// A piece worth masking wherever it appears: key characters only (not a PEM armor line's
/// dashes and spaces, not a UUID's separator) and not a run like `AAAAAAAA`.
fn is_key_piece(piece: &str) -> bool {
    let bytes = piece.as_bytes();
    if !bytes.iter().all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'_')) {
        return false;
    }
    let mut distinct = [false; 128];
    bytes.iter().for_each(|&b| distinct[usize::from(b & 0x7f)] = true);
    distinct.iter().filter(|&&d| d).count() >= 4
}

/// Merges overlapping masks of a sorted list (a merged mask is a passphrase if any part was).
fn merge(sorted: Vec<Mask>) -> Vec<Mask> {
    let mut out: Vec<Mask> = Vec::with_capacity(sorted.len());
    for m in sorted {
        match out.last_mut() {
            Some(last) if m.0 < last.1 => {
                last.1 = last.1.max(m.1);
                last.2 |= m.2;
            }
            _ => out.push(m),
        }
    }
    out
}

/// Copies `text[from..to]` replacing each mask (sorted, disjoint, inside the range) by its
/// redaction, and maps the byte offsets in `track` to offsets in the result: an offset inside
/// a mask maps to the mask's end, one at its start to its start.
fn apply(
    text: &str,
    from: usize,
    to: usize,
    masks: &[Mask],
    track: &[usize],
    keep_lines_except: Option<usize>,
) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(to.saturating_sub(from));
    let mut mapped = vec![usize::MAX; track.len()];
    let mut pos = from;
    let map_plain = |pos: usize, limit: usize, out_len: usize, mapped: &mut Vec<usize>| {
        for (k, &t) in track.iter().enumerate() {
            if mapped[k] == usize::MAX && t >= pos && t <= limit {
                mapped[k] = out_len + (t - pos);
            }
        }
    };
    for &(s, e, pass) in masks {
        let (s, e) = (s.max(pos), e.min(to));
        if s >= e {
            continue;
        }
        map_plain(pos, s, out.len(), &mut mapped);
        out.push_str(&text[pos..s]);
        let secret = &text[s..e];
        let mut replacement = redact(secret, pass);
        if keep_lines_except.is_some_and(|k| k < s || k >= e) {
            // Keep the line count: later lines of an excerpt stay beside their real numbers.
            for _ in 0..secret.bytes().filter(|&b| b == b'\n').count() {
                replacement.push_str("\n…");
            }
        }
        for (k, &t) in track.iter().enumerate() {
            if t == e || (t > s && t < e && mapped[k] == usize::MAX) {
                mapped[k] = out.len() + replacement.len();
            }
        }
        out.push_str(&replacement);
        pos = e;
    }
    if pos < to {
        map_plain(pos, to, out.len(), &mut mapped);
        out.push_str(&text[pos..to]);
    }
    for m in &mut mapped {
        if *m == usize::MAX {
            *m = out.len();
        }
    }
    (out, mapped)
}

pub(crate) fn floor_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

pub(crate) fn ceil_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Replaces terminal control characters (ESC, CSI, BEL, backspace, a lone CR…) by characters
/// of the same UTF-8 length, so file contents and names cannot drive the terminal, and byte
/// offsets and columns into the text stay valid. Tabs and line feeds are kept.
pub fn sanitize_terminal(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    let dangerous = |i: usize, c: char| -> bool {
        match c {
            '\t' | '\n' => false,
            '\r' => bytes.get(i + 1) != Some(&b'\n'),
            c => c.is_control(),
        }
    };
    if !text.char_indices().any(|(i, c)| dangerous(i, c)) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        if dangerous(i, c) {
            // C0 and DEL are one byte, C1 controls two: `?` and `¿` keep the length.
            out.push(if c.len_utf8() == 1 { '?' } else { '¿' });
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_line_keeps_names_and_masks_values() {
        assert_eq!(redact_line("OKX_SECRET_KEY=35C5A1B2C3D4E5F60718293A4B5CE8BD"), "OKX_SECRET_KEY=35C5…E8BD");
        assert_eq!(redact_line("api_secret_key=\"A56A0B1C2D3E4F5A6B7C8D9E0F1A9F13\""), "api_secret_key=\"A56A…9F13\"");
        assert_eq!(redact_line("OKX_PASSPHRASE=${OKX_PASSPHRASE}"), "OKX_PASSPHRASE=${OKX_PASSPHRASE}");
        assert_eq!(redact_line("walletAddress: dGhpcyBpcyBhIHRlc3Qga2V5Zg=="), "walletAddress: dGhp…Zg==");
        assert_eq!(redact_line("key: aBcDeFgHiJkLmNoP"), "key: aBc…NoP");
    }

    const HEX32: &str = "9C0D3E8F1A2B4C5D6E7F8091A2B3C4D5";

    fn patterns() -> TokenPatterns {
        TokenPatterns::new([("[0-9A-F]{32}", Some(2.8)), ("[A-Za-z0-9_-]{8,16}", Some(2.5))])
    }

    #[test]
    fn redact_keeps_at_most_four_each_side() {
        assert_eq!(redact("E9E6B1C2D3E4F5A6B7C8D9E0F1A2A1F0", false), "E9E6…A1F0");
        assert_eq!(redact("abcdefghijkl", false), "ab…kl");
        assert_eq!(redact("short", false), "****");
        assert_eq!(redact("my passphrase", true), "****");
    }

    #[test]
    fn found_values_are_masked_anywhere_and_tokens_only_when_a_pattern_accepts_them() {
        let tokens = patterns();
        let r = Redactor::new(&tokens, false, [("hunter2hunter2".to_string(), true)]);
        assert_eq!(
            r.mask(&format!("OKX_SECRET_KEY={HEX32} # pass hunter2hunter2, id 2026-11-22, order 123456789012")),
            "OKX_SECRET_KEY=9C0D…C4D5 # pass ****, id 2026-11-22, order 123456789012"
        );
        // A fragment of a found key is masked too.
        let key = Redactor::new(&tokens, false, [(HEX32.to_string(), false)]);
        assert_eq!(key.mask("old one began 9C0D3E8F1A2B, see"), "old one began 9C…2B, see");
        assert_eq!(key.mask("9C0D3E8 is not 8 long"), "9C0D3E8 is not 8 long");
        // Pieces of a path-like token are checked too; identifiers are never masked.
        assert_eq!(r.mask(&format!("vault/{HEX32}/okx_mm_prod")), "vault/9C0D…C4D5/okx_mm_prod");
        let shown = Redactor::new(&tokens, true, [("hunter2hunter2".to_string(), true)]);
        assert_eq!(shown.mask("pass hunter2hunter2"), "pass hunter2hunter2");
    }

    #[test]
    fn region_widens_to_whole_masks_and_maps_offsets() {
        let tokens = TokenPatterns::empty();
        let text = format!("A={HEX32} B=pass1234");
        let r = Redactor::new(&tokens, false, [(HEX32.to_string(), false)]).with_spans([(37, 45, true)]);
        // The window starts inside the secret: the whole secret is masked, not its visible tail.
        let region = r.region(&text, 10, text.len(), &[2, 34, 37, 45], None);
        assert_eq!(region.text, "9C0D…C4D5 B=****");
        assert_eq!(region.from, 2);
        assert_eq!(&region.text[region.mapped[0]..region.mapped[1]], "9C0D…C4D5");
        assert_eq!(&region.text[region.mapped[2]..region.mapped[3]], "****");
    }

    #[test]
    fn a_value_longer_than_the_reach_is_located_in_the_whole_text() {
        let tokens = TokenPatterns::empty();
        let long: String = (0..6000).map(|i| (b'A' + (i % 26) as u8) as char).collect();
        let text = format!("key: {long}\ncopy: {long} end\n");
        let r = Redactor::new(&tokens, false, [(long.clone(), false)]).with_text(&text);
        // A window over the end of the copy only: the copy is masked whole.
        let end = text.rfind(" end").unwrap_or(0);
        let region = r.region(&text, end - 10, text.len(), &[], None);
        assert_eq!(region.text, "ABCD…QRST end\n");
        assert_eq!(region.from, end - 6000);
    }

    #[test]
    fn a_window_never_widens_over_text_it_did_not_mask() {
        // Found by the pipeline fuzz target: a key piece outside the window (`2f5c178e`) widened
        // it over a fragment of a found key that had been checked against the window only.
        let tokens = TokenPatterns::new([("[A-Za-z0-9_-]{8,16}", Some(2.5))]);
        let text = format!("2f5c178e-9a1{} '{HEX32}'", &HEX32[10..19]);
        let r = Redactor::new(&tokens, false, [(HEX32.to_string(), false)]);
        let from = text.find(" '").unwrap_or(0);
        let region = r.region(&text, from, text.len(), &[], None);
        assert_eq!(region.text, " '9C0D…C4D5'");
        let whole = r.region(&text, 0, text.len(), &[], None);
        assert_eq!(whole.text, "****-9a…E7 '9C0D…C4D5'");
    }

    #[test]
    fn multi_line_masks_keep_their_line_count_unless_labelled_whole() {
        let tokens = TokenPatterns::empty();
        let pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----";
        let text = format!("a: 1\nkey: |\n{pem}\nb: 2\n");
        let r = Redactor::new(&tokens, false, [(pem.to_string(), false)]);
        let region = r.region(&text, 0, text.len(), &[], Some(0));
        assert_eq!(region.text, "a: 1\nkey: |\n----…----\n…\n…\nb: 2\n");
        let start = text.find("-----BEGIN").unwrap_or(0);
        let whole = r.region(&text, 0, text.len(), &[], Some(start));
        assert_eq!(whole.text, "a: 1\nkey: |\n----…----\nb: 2\n");
        assert_eq!(r.region(&text, 0, text.len(), &[], None).text, whole.text);
    }

    #[test]
    fn terminal_controls_are_replaced_length_for_length() {
        assert_eq!(sanitize_terminal("a\x1b[31mb\tc\r\nd\re\u{9b}f"), "a?[31mb\tc\r\nd?e¿f");
        assert!(matches!(sanitize_terminal("plain\n"), std::borrow::Cow::Borrowed(_)));
    }
}
