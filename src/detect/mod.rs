//! Detectors: find committed key material.
//!
//! Per file: one Aho-Corasick pass over the bytes finds every keyword (exchange names, header
//! names, distinctive prefixes, abbreviated credential names); a file without one, and without
//! an exchange in its path or repository, costs nothing more. The others become bindings
//! (`crate::bindings`); each literal bound to a credential name (or passed where a credential
//! goes) is tied to an exchange by the evidence around it (`evidence`) and matched against that
//! exchange's value formats (`rules`); `ignore` drops placeholders and documentation examples,
//! `value` judges passphrases. Rules with distinctive shapes (PEM blocks, CDP key names, `mx0v…`)
//! also match the bare text.

pub mod decode_value;
pub mod evidence;
pub mod ignore;
pub mod project;
pub mod rules;
pub mod value;

use crate::bindings::names::Vocabulary;
use crate::bindings::{self, Encoding, FileBindings, Role, StructureKind};
use crate::decode::Document;
use crate::exchanges::ExchangeTable;
use crate::rules_error::RuleError;
use crate::source::lines::Lines;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use evidence::{Attribution, FileEvidence};
use ignore::IgnoreList;
use rules::{Detector, MatchMode, Part};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// A secret found in a document, before it becomes a `Finding`.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Index into `DetectorSet::rules`.
    pub rule: usize,
    pub start: usize,
    pub end: usize,
    /// The secret as matched (decoded when the source text was escaped or base64).
    pub value: String,
    pub exchange: Option<usize>,
    /// Why it was reported.
    pub evidence: Evidence,
}

/// Why a value was reported: the name it is bound to, how it is bound, and what decided its
/// credential part and exchange (JSON output `evidence`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Evidence {
    /// The name the value is bound to (empty for a bare pattern or a positional argument).
    pub name: String,
    /// `assignment`, `argument N of CALLEE`, `column`, `url-userinfo`, `prose` or `pattern`.
    pub binding: String,
    /// What gave the credential part: `name`, `position` or `value`.
    pub part: &'static str,
    /// What gave the exchange: a `evidence::Source` name, or `none`.
    pub exchange: &'static str,
    /// The word that named the exchange (a sibling's value, a section, a callee, a path segment).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub context: String,
    /// How the file text decodes to the value (`raw`, `escaped`, `base64`, …).
    pub encoding: &'static str,
}

/// What a keyword stands for.
#[derive(Debug, Default, Clone)]
struct KeywordTarget {
    rules: Vec<usize>,
    /// The keyword names this exchange (used for scope and file context).
    exchange: Option<usize>,
    /// The keyword makes the file's bindings worth reading (an exchange name, an abbreviated
    /// credential name, a binding rule's keyword). Keywords of bare patterns only (`master-`,
    /// `PRIVATE KEY-----`) do not: their pattern must match first.
    bindings: bool,
    /// An abbreviation counts only at the start of a word (`BFX_API_KEY`, `bfxApiKey`; not
    /// `libkcapi` or `GHCB_ACCESS`).
    word_start: bool,
}

/// Keyword hits of one file.
#[derive(Debug, Default)]
pub struct Hits {
    /// Rules whose keywords occur.
    active: Vec<bool>,
    /// (start, end, exchange) of exchange mentions on word boundaries.
    mentions: Vec<(usize, usize, usize)>,
    /// (start, rule) for `match: line` rules.
    line_hits: Vec<(usize, usize)>,
    any: bool,
    bindings: bool,
    /// Offsets of the keywords that make bindings worth reading (see `windows`).
    binding_hits: Vec<usize>,
}

/// Keyword hits remembered for windows; a file with more is read whole.
const MAX_WINDOW_HITS: usize = 4096;
/// Files up to this size are always read whole.
const WINDOW_MIN_FILE: usize = 64 * 1024;
/// Lines read above and below each keyword in a large file.
const WINDOW_LINES: usize = 40;

impl Hits {
    pub fn any(&self) -> bool {
        self.any
    }

    /// For a large file, the byte ranges around its keywords worth reading (each a run of
    /// whole lines): values far from every exchange word in a big source file can only be
    /// tied to an exchange by the file as a whole, which is no evidence there. `None`: read
    /// the whole file.
    pub fn windows(&self, doc: &Document) -> Option<Vec<(usize, usize)>> {
        if doc.text.len() <= WINDOW_MIN_FILE
            || self.binding_hits.is_empty()
            || self.binding_hits.len() >= MAX_WINDOW_HITS
        {
            return None;
        }
        let ranges = windows_around(doc, &self.binding_hits);
        let covered: usize = ranges.iter().map(|(a, b)| b - a).sum();
        (covered * 2 < doc.text.len()).then_some(ranges)
    }
}

/// Is a file of `len` bytes large enough to be read in windows (around keywords, or around the
/// new lines of a later version in history) rather than whole?
pub fn reads_in_windows(len: usize) -> bool {
    len > WINDOW_MIN_FILE
}

/// The byte range of the whole lines within `WINDOW_LINES` lines of `offset` (as
/// `windows_around` reads them), found in the bytes themselves.
pub fn window_of(bytes: &[u8], offset: usize) -> (usize, usize) {
    let offset = offset.min(bytes.len());
    let start = memchr::memrchr_iter(b'\n', &bytes[..offset]).nth(WINDOW_LINES).map_or(0, |nl| nl + 1);
    let end = memchr::memchr_iter(b'\n', &bytes[offset..]).nth(WINDOW_LINES).map_or(bytes.len(), |nl| offset + nl + 1);
    (start, end)
}

/// The runs of whole lines within `WINDOW_LINES` lines of any of `offsets`, merged, in order.
pub fn windows_around(doc: &Document, offsets: &[usize]) -> Vec<(usize, usize)> {
    let mut lines: Vec<usize> = offsets.iter().map(|&o| doc.line_index(o)).collect();
    lines.sort_unstable();
    lines.dedup();
    let mut out: Vec<(usize, usize)> = Vec::new();
    for l in lines {
        let (lo, hi) = (l.saturating_sub(WINDOW_LINES), (l + WINDOW_LINES).min(doc.line_count().saturating_sub(1)));
        match out.last_mut() {
            Some(last) if lo <= last.1 + 1 => last.1 = hi,
            _ => out.push((lo, hi)),
        }
    }
    out.into_iter().map(|(a, b)| (doc.line_range(a).0, doc.line_range(b).1)).collect()
}

/// The parts of `a` that `b` also covers (both sorted, non-overlapping byte ranges).
pub fn intersect_ranges(a: &[(usize, usize)], b: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() && j < b.len() {
        let (lo, hi) = (a[i].0.max(b[j].0), a[i].1.min(b[j].1));
        if lo < hi {
            out.push((lo, hi));
        }
        if a[i].1 < b[j].1 {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// A value read from a binding, ready for the format checks.
struct Reading<'v> {
    value: std::borrow::Cow<'v, str>,
    start: usize,
    end: usize,
    encoding: Encoding,
}

/// All detectors of a run, compiled once.
pub struct DetectorSet {
    pub exchanges: ExchangeTable,
    pub rules: Vec<Detector>,
    ignore: IgnoreList,
    keywords: AhoCorasick,
    targets: Vec<KeywordTarget>,
    /// Binding rules per exchange index, and those of no exchange (generic private keys).
    by_exchange: Vec<Vec<usize>>,
    generic: Vec<usize>,
    keyword_list: Vec<String>,
    /// Words of credential names, for files that only their path or repository ties to an
    /// exchange (`src/venues/upbit.js` holding `accessKey = "…"`).
    credential_words: AhoCorasick,
    /// Exchange names as they appear in paths (`gate.env`, `venues/upbit.js`): a cheap test
    /// before the path is read word by word.
    path_words: AhoCorasick,
    /// A keyword holds a line break (a user rule's): matches are not line by line.
    keyword_spans_lines: bool,
}

/// A keyword match within a line: (start, end, keyword).
type LineMatch = (u32, u32, u32);

/// The keyword matches of lines, by line hash and length, shared by the workers of one scan:
/// the versions of a file in history mostly repeat the lines of the one before. Bounded: a
/// shard that grows past its share starts over (and its lines are matched again).
pub struct LineKeywords {
    shards: Vec<std::sync::Mutex<HashMap<u64, Box<[LineMatch]>>>>,
}

/// Lines remembered at most (about 40 bytes each).
const LINE_KEYWORDS_MAX: usize = 1 << 20;
const LINE_KEYWORDS_SHARDS: usize = 16;

impl Default for LineKeywords {
    fn default() -> Self {
        LineKeywords { shards: (0..LINE_KEYWORDS_SHARDS).map(|_| Default::default()).collect() }
    }
}

impl LineKeywords {
    /// The matches of the line with this hash and length, into `out`: remembered, or found by
    /// `find` and remembered.
    fn matches(&self, hash: u64, len: usize, out: &mut Vec<LineMatch>, find: impl FnOnce() -> Vec<LineMatch>) {
        let key = hash ^ (len as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let shard = &self.shards[(key >> 59) as usize % LINE_KEYWORDS_SHARDS];
        out.clear();
        if let Ok(lines) = shard.lock() {
            if let Some(found) = lines.get(&key) {
                out.extend_from_slice(found);
                return;
            }
        }
        out.extend(find());
        if let Ok(mut lines) = shard.lock() {
            if lines.len() >= LINE_KEYWORDS_MAX / LINE_KEYWORDS_SHARDS {
                lines.clear();
            }
            lines.insert(key, out.as_slice().into());
        }
    }
}

/// A rule file's text with where it came from.
pub struct RuleSource {
    pub origin: String,
    pub text: String,
}

/// Credential words looked for in files without an exchange keyword.
const CREDENTIAL_WORDS: &[&str] = &["key", "secret", "pass", "pwd", "token", "private", "credential", "auth"];

/// Suffixes that make an abbreviation (`bfx`, `kc`, `hl`) a credential name worth a keyword.
const SHORT_FORM_SUFFIXES: &[&str] = &[
    "_key", "_secret", "_sk", "_pass", "_api", "_access", "_private", "-key", "-secret", "-api", "key", "secret", "api",
];

impl DetectorSet {
    /// Built-in detectors plus user rule files (which add rules or replace built-ins by id).
    pub fn load(user_files: &[RuleSource], disabled: &BTreeSet<String>) -> Result<Self, RuleError> {
        let exchanges = ExchangeTable::builtin_checked()?;
        let ignore = IgnoreList::builtin()?;
        // The vocabulary is built-in data; a broken one is reported like a broken rule file.
        Vocabulary::load()?;

        // Built-in files come pre-converted to JSON (cheap to parse); user files are YAML.
        let mut sources: Vec<(String, &str, Option<&str>)> = crate::rules_embedded::RULE_FILES
            .iter()
            .filter(|(p, _, _)| p.starts_with("detectors/") && !p.rsplit('/').next().unwrap_or("").starts_with('_'))
            .map(|(p, text, json)| (format!("rules/{p}"), *text, Some(*json)))
            .collect();
        sources.extend(user_files.iter().map(|s| (s.origin.clone(), s.text.as_str(), None)));

        let mut rules: Vec<Detector> = Vec::new();
        let mut by_id: HashMap<String, usize> = HashMap::new();
        for (origin, text, json) in &sources {
            let is_user = json.is_none();
            let file = match json {
                Some(json) => {
                    serde_json::from_str(json).map_err(|e| RuleError::new(origin, text, None, e.to_string()))?
                }
                None => rules::parse_file(origin, text)?,
            };
            for spec in file.rules {
                let slug = spec.exchange.clone().or_else(|| file.exchange.clone());
                let exchange = match &slug {
                    Some(s) => Some(exchanges.index_of(s).ok_or_else(|| {
                        RuleError::new(
                            origin,
                            text,
                            rules::locate_rule(text, &spec.id),
                            format!("unknown exchange `{s}` in rule `{}`", spec.id),
                        )
                        .with_help("use a slug from rules/exchanges.yaml")
                    })?),
                    None => None,
                };
                let id = spec.id.clone();
                let detector = Detector::new(spec, exchange, origin.clone(), !is_user);
                if is_user {
                    detector.validate().map_err(|msg| {
                        RuleError::new(origin, text, rules::locate_rule(text, &id), format!("rule `{id}`: {msg}"))
                    })?;
                }
                match by_id.get(&id) {
                    Some(&i) => rules[i] = detector,
                    None => {
                        by_id.insert(id, rules.len());
                        rules.push(detector);
                    }
                }
            }
        }
        rules.retain(|r| !disabled.contains(&r.spec.id));
        Ok(Self::build(exchanges, rules, ignore))
    }

    fn build(exchanges: ExchangeTable, rules: Vec<Detector>, ignore: IgnoreList) -> Self {
        let mut targets: Vec<KeywordTarget> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut target_of = |word: &str, targets: &mut Vec<KeywordTarget>| -> usize {
            let key = word.to_ascii_lowercase();
            *index.entry(key).or_insert_with(|| {
                targets.push(KeywordTarget::default());
                targets.len() - 1
            })
        };
        let mut words: Vec<String> = Vec::new();
        for (ex_idx, ex) in exchanges.exchanges.iter().enumerate() {
            for word in ex.aliases.iter().chain(ex.headers.iter()) {
                let t = target_of(word, &mut targets);
                targets[t].exchange = Some(ex_idx);
                targets[t].bindings = true;
                words.push(word.to_ascii_lowercase());
            }
        }
        // `gate` alone is an English word, so it is no keyword; `GATE_KEY`, `gateSecret` are.
        for short in Vocabulary::get().short_forms().into_iter().chain(["gate"]) {
            for suffix in SHORT_FORM_SUFFIXES {
                let word = format!("{short}{suffix}");
                let t = target_of(&word, &mut targets);
                targets[t].bindings = true;
                targets[t].word_start = targets[t].exchange.is_none() && targets[t].rules.is_empty();
                words.push(word);
            }
        }
        let mut by_exchange = vec![Vec::new(); exchanges.exchanges.len()];
        let mut generic = Vec::new();
        for (rule_idx, rule) in rules.iter().enumerate() {
            let keywords: Vec<String> = match (&rule.spec.keywords, rule.exchange) {
                (Some(k), _) => k.clone(),
                (None, Some(ex)) => {
                    let e = &exchanges.exchanges[ex];
                    e.aliases.iter().chain(e.headers.iter()).cloned().collect()
                }
                (None, None) => Vec::new(),
            };
            for word in keywords {
                let t = target_of(&word, &mut targets);
                targets[t].rules.push(rule_idx);
                targets[t].word_start = false;
                targets[t].bindings |= rule.spec.mode != MatchMode::Bare;
                words.push(word.to_ascii_lowercase());
            }
            if rule.spec.mode == MatchMode::Assignment {
                match rule.exchange {
                    Some(ex) => by_exchange[ex].push(rule_idx),
                    None => generic.push(rule_idx),
                }
            }
        }
        words.sort();
        words.dedup();
        // Pattern ids must line up with `targets`: rebuild targets in `words` order.
        let ordered: Vec<KeywordTarget> = words.iter().map(|w| targets[*index.get(w).unwrap_or(&0)].clone()).collect();
        // A DFA costs ~3 ms to build but searches twice as fast as a contiguous NFA on the Linux
        // tree (measured: 2.2 s vs 4.6 s user time): throughput wins over start-up here.
        let keywords = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(&words)
            .unwrap_or_else(|_| AhoCorasick::new(Vec::<String>::new()).unwrap_or_else(|_| unreachable!()));
        let credential_words = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .build(CREDENTIAL_WORDS)
            .unwrap_or_else(|_| AhoCorasick::new(Vec::<String>::new()).unwrap_or_else(|_| unreachable!()));
        let mut path_words: Vec<String> =
            (0..exchanges.exchanges.len()).flat_map(|i| exchanges.bare_aliases(i)).filter(|a| a.len() >= 3).collect();
        path_words.sort();
        path_words.dedup();
        let path_words = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .build(&path_words)
            .unwrap_or_else(|_| AhoCorasick::new(Vec::<String>::new()).unwrap_or_else(|_| unreachable!()));
        let keyword_spans_lines = words.iter().any(|w| w.contains('\n'));
        DetectorSet {
            keyword_spans_lines,
            path_words,
            exchanges,
            rules,
            ignore,
            keywords,
            targets: ordered,
            by_exchange,
            generic,
            keyword_list: words,
            credential_words,
        }
    }

    /// Every prefilter keyword (lower case, sorted), for the benchmark's `rg` comparison.
    pub fn keywords(&self) -> &[String] {
        &self.keyword_list
    }

    /// The keyword pass: cheap, runs on every file.
    pub fn prefilter(&self, bytes: &[u8]) -> Hits {
        let mut hits = Hits::default();
        for m in self.keywords.find_iter(bytes) {
            self.record(&mut hits, bytes, m.start(), m.end(), m.pattern().as_usize());
        }
        hits
    }

    /// `prefilter` of a file with these `lines` (as `source::lines` splits and hashes them),
    /// reusing the matches of lines met before in `memory`: no keyword spans a line, so a line's
    /// matches do not depend on the lines around it.
    pub fn prefilter_lines(&self, bytes: &[u8], lines: &Lines, memory: &LineKeywords) -> Hits {
        if self.keyword_spans_lines || !lines.fit(bytes) {
            return self.prefilter(bytes);
        }
        let mut hits = Hits::default();
        let mut matches: Vec<LineMatch> = Vec::new();
        for ((start, end), hash) in lines.iter() {
            let line = &bytes[start..end];
            memory.matches(hash, line.len(), &mut matches, || {
                self.keywords
                    .find_iter(line)
                    .map(|m| (m.start() as u32, m.end() as u32, m.pattern().as_u32()))
                    .collect()
            });
            for &(s, e, pattern) in &matches {
                self.record(&mut hits, bytes, start + s as usize, start + e as usize, pattern as usize);
            }
        }
        hits
    }

    /// Adds one keyword match (`bytes[start..end]`, keyword `pattern`) to `hits`.
    fn record(&self, hits: &mut Hits, bytes: &[u8], start: usize, end: usize, pattern: usize) {
        let Some(target) = self.targets.get(pattern) else { return };
        if target.word_start && !starts_word(bytes, start) {
            return;
        }
        if !hits.any {
            hits.any = true;
            hits.active = vec![false; self.rules.len()];
        }
        hits.bindings |= target.bindings;
        if target.bindings && hits.binding_hits.len() < MAX_WINDOW_HITS {
            hits.binding_hits.push(start);
        }
        for &r in &target.rules {
            hits.active[r] = true;
            if self.rules[r].spec.mode == MatchMode::Line {
                hits.line_hits.push((start, r));
            }
        }
        if let Some(ex) = target.exchange {
            if on_word_boundary(bytes, start, end) {
                hits.mentions.push((start, end, ex));
            }
        }
    }

    /// Whether a file needs detection: it holds a keyword, or its path or repository ties it to
    /// an exchange and it holds a credential word at all.
    pub fn wants(&self, path: &str, hits: &Hits, in_exchange_project: bool, bytes: &[u8]) -> bool {
        hits.bindings
            || ((in_exchange_project
                // The keyword automaton first: most paths name no exchange at all.
                || (self.path_words.is_match(path.as_bytes()) && evidence::path_exchange(path).is_some()))
                && (self.credential_words.is_match(bytes) || self.credential_words.is_match(path)))
    }

    /// Offsets in `bytes` where a finding could start that an earlier version of the file did
    /// not have, when `bytes` are lines new in this version: keywords (a key's name) and
    /// credential words (`key`, `secret`, `pass`, ...) into `values`; words that only name an
    /// exchange into `names` (they tie a value near them to it, so they count only where one
    /// is, see `could_hold_value`). Tokens shaped like key material are the caller's check
    /// (the redact stage's patterns).
    pub fn revision_triggers(&self, bytes: &[u8], base: usize, values: &mut Vec<usize>, names: &mut Vec<usize>) {
        for m in self.keywords.find_iter(bytes) {
            let Some(target) = self.targets.get(m.pattern().as_usize()) else { continue };
            if target.word_start && !starts_word(bytes, m.start()) {
                continue;
            }
            match target.exchange {
                Some(_) => names.push(base + m.start()),
                None => values.push(base + m.start()),
            }
        }
        values.extend(self.credential_words.find_iter(bytes).map(|m| base + m.start()));
    }

    /// The offsets of the credential words in `bytes`.
    pub fn credential_words<'a>(&'a self, bytes: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
        self.credential_words.find_iter(bytes).map(|m| m.start())
    }

    /// A file whose only keywords belong to bare patterns (`master-`, `PRIVATE KEY-----`) needs
    /// its bindings only when one of those patterns matches.
    pub fn bare_match(&self, hits: &Hits, text: &str) -> bool {
        hits.any
            && self.rules.iter().enumerate().any(|(i, r)| {
                hits.active.get(i).copied().unwrap_or(false)
                    && r.spec.mode != MatchMode::Assignment
                    && r.value_re().is_some_and(|re| re.is_match(text))
            })
    }

    /// Runs the detectors over one document and its bindings. `project`: the exchange the
    /// file's repository names (its SDK dependencies or README), with what named it.
    pub fn detect(
        &self,
        path: &str,
        doc: &Document,
        hits: &Hits,
        fb: &FileBindings,
        project: Option<(usize, String)>,
    ) -> Vec<Candidate> {
        let active = |i: usize| hits.active.get(i).copied().unwrap_or(false);
        let text = doc.text;
        let mentions: Vec<(usize, usize)> = hits.mentions.iter().map(|m| (m.0, m.2)).collect();
        let fe = FileEvidence::new(fb, text, doc.line_starts(), path, &mentions, project);
        let k8s_secret = memchr::memmem::find(text.as_bytes(), b"kind: Secret").is_some();
        let mut found = Vec::new();
        let mut passphrases = Vec::new();
        let mut orphans = Vec::new();
        for bi in 0..fb.bindings.len() {
            if fb.bindings[bi].literal {
                self.match_binding(&fe, bi, k8s_secret, &mut found, &mut passphrases, &mut orphans);
            }
        }
        self.gate_passphrases(&fe, passphrases, orphans, &mut found);
        self.companion_ids(&fe, &mut found);
        for (idx, rule) in self.rules.iter().enumerate() {
            if !active(idx) || rule.spec.mode != MatchMode::Bare {
                continue;
            }
            if let Some(re) = rule.value_re() {
                for caps in re.captures_iter(text) {
                    let Some(m) = caps.name("secret").or_else(|| caps.get(0)) else { continue };
                    self.push_pattern(&fe, idx, m.start(), m.end(), m.as_str(), &mut found);
                }
            }
        }
        // Bare patterns inside escaped literals (`organizations\/…\/apiKeys\/…` in JSON).
        for (bi, b) in fb.bindings.iter().enumerate() {
            if !b.literal || matches!(b.encoding, Encoding::Raw | Encoding::YamlBlock) || b.value.len() > 16 * 1024 {
                continue;
            }
            // The innermost value: a PEM in JSON in a string is placed on the JSON field.
            if fe.holds_values(bi) {
                continue;
            }
            for (idx, rule) in self.rules.iter().enumerate() {
                if !active(idx) || rule.spec.mode != MatchMode::Bare {
                    continue;
                }
                let Some(re) = rule.value_re() else { continue };
                // Only what the escapes hid: a match in the raw text is found by the text pass.
                if re.is_match(text.get(b.start..b.end).unwrap_or("")) {
                    continue;
                }
                if let Some(m) = re.find(&b.value) {
                    self.push_pattern(&fe, idx, b.start, b.end, m.as_str(), &mut found);
                }
            }
        }
        let mut seen_lines: BTreeSet<(usize, usize)> = BTreeSet::new();
        for &(offset, idx) in &hits.line_hits {
            let line = doc.line_index(offset);
            if !seen_lines.insert((line, idx)) {
                continue;
            }
            let (ls, le) = doc.line_range(line);
            if let Some(re) = self.rules[idx].value_re() {
                for caps in re.captures_iter(&text[ls..le]) {
                    let Some(m) = caps.name("secret").or_else(|| caps.get(0)) else { continue };
                    self.push_pattern(&fe, idx, ls + m.start(), ls + m.end(), m.as_str(), &mut found);
                }
            }
        }
        dedup_overlaps(found)
    }

    /// A bare pattern match: its exchange comes from the binding that holds it, or from the
    /// file's path, sole exchange or repository.
    fn push_pattern(
        &self,
        fe: &FileEvidence,
        idx: usize,
        start: usize,
        end: usize,
        value: &str,
        out: &mut Vec<Candidate>,
    ) {
        let rule = &self.rules[idx];
        if value.contains("PRIVATE KEY-----") && !value::valid_pem_private_key(value) {
            return;
        }
        let holder =
            fe.holder_of(start).map(|i| (i, &fe.fb.bindings[i])).filter(|(_, b)| end <= b.end.max(b.start + 1) + 64);
        let attribution = match rule.exchange {
            Some(ex) => Some(Attribution { exchange: ex, source: evidence::Source::Shape, context: String::new() }),
            None => match holder {
                Some((bi, b)) => {
                    let info = Vocabulary::get().classify(&b.name);
                    fe.attribute(bi, info.exchange, false)
                }
                None => fe.attribute_at(start),
            },
        };
        let evidence = Evidence {
            name: holder.map(|(_, b)| crate::bindings::names::clip_name(&b.name)).unwrap_or_default(),
            binding: "pattern".into(),
            part: "value",
            exchange: attribution.as_ref().map_or("none", |a| a.source.as_str()),
            context: attribution.as_ref().map(|a| a.context.clone()).unwrap_or_default(),
            encoding: holder.map_or("raw", |(_, b)| b.encoding.as_str()),
        };
        let exchange = attribution.map(|a| a.exchange);
        self.push_if_secret(idx, start, end, value, exchange, evidence, out);
    }

    /// Matches one literal binding against the rules of the exchange the evidence names.
    fn match_binding(
        &self,
        fe: &FileEvidence,
        bi: usize,
        k8s_secret: bool,
        found: &mut Vec<Candidate>,
        passphrases: &mut Vec<(usize, Candidate, bool)>,
        orphans: &mut Vec<usize>,
    ) {
        let v = Vocabulary::get();
        let b = &fe.fb.bindings[bi];
        if b.value.trim().len() < 4 || b.value.len() > 16 * 1024 || fe.holds_values(bi) {
            return;
        }
        // Key material has no inner spaces (a PEM block has line breaks; `Bearer …`-style auth
        // values have one): prose, messages and format strings are skipped before any lookup.
        let inner = b.value.trim();
        if inner.contains(' ') && !inner.contains("PRIVATE KEY") && inner.matches(' ').count() > 1 {
            return;
        }
        let structure = fe.fb.structures.get(b.structure);
        let callee = structure.filter(|s| s.kind == StructureKind::Call).map(|s| s.name.as_str()).unwrap_or("");
        let (mut info, part_from, binding) = match b.role {
            // A spaced name is prose or a message (`'Invalid Passphrase' => …`), except a short
            // table header, or field name outside any object (`API key`, `:API secret:`).
            Role::Named | Role::Column
                if b.name.trim().contains(' ')
                    && !(is_short_label(&b.name)
                        && (b.role == Role::Column
                            || structure
                                .is_none_or(|s| matches!(s.kind, StructureKind::File | StructureKind::Section)))) =>
            {
                return
            }
            Role::Named | Role::Column
                if !crate::bindings::names::could_name_credential(&b.name)
                    && !b.value.contains("PRIVATE KEY")
                    && !b.value.starts_with("LS0tLS1CRUdJTi")
                    && structure.is_none_or(|s| s.name.is_empty()) =>
            {
                return
            }
            Role::Named | Role::Column | Role::Prose => {
                let mut info = v.classify(&b.name);
                // `variable "bitfinex_api_key" { default = "…" }`, `okx_secret: {value: …}`:
                // a generic value field takes the name of the structure it is in.
                let joined = crate::bindings::names::joined(&b.name);
                if info.part.is_none() && v.is_pair_value(&joined) {
                    if let Some(s) = structure.filter(|s| !s.name.is_empty()) {
                        info = v.classify(&s.name);
                    }
                }
                // `X-Auth: BITSTAMP <key>`, `Authorization: KRAKEN <key>`: the auth scheme
                // names the exchange and the rest is the key.
                if info.part.is_none() && (joined.ends_with("auth") || joined.ends_with("authorization")) {
                    let scheme = b.value.split_whitespace().next().unwrap_or("");
                    if scheme.len() >= 3 && b.value.trim().len() > scheme.len() {
                        if let Some(ex) = v.exchange_in(&crate::bindings::names::tokens(scheme), false) {
                            info.part = Some(Part::ApiKey);
                            info.exchange = Some(ex);
                        }
                    }
                }
                let binding = match b.role {
                    Role::Column => "column".to_string(),
                    Role::Prose => "prose".to_string(),
                    _ => "assignment".to_string(),
                };
                (info, "name", binding)
            }
            // An element of a list bound to a credential name (`"api_key": ["…", "…"]`).
            Role::Positional(_)
                if structure.is_some_and(|s| s.kind == StructureKind::List && !s.name.contains(' ')) =>
            {
                let name = structure.map(|s| s.name.as_str()).unwrap_or("");
                let info = v.classify(name);
                if info.part.is_none() {
                    return;
                }
                (info, "name", "list element".to_string())
            }
            Role::Positional(i) => {
                let parts = v
                    .credential_call_parts(callee)
                    .map(|p| p.to_vec())
                    .or_else(|| v.sdk_class(callee).map(|_| vec![Part::ApiKey, Part::Secret, Part::Passphrase]));
                let Some(part) = parts.and_then(|p| p.get(usize::from(i)).copied()) else { return };
                let info = crate::bindings::names::NameInfo { part: Some(part), ..Default::default() };
                let binding = format!("argument {} of {}", i + 1, crate::bindings::names::clip_name(callee));
                (info, "position", binding)
            }
            Role::UrlUserinfo(i) => {
                let mut info = v.classify("");
                info.part = Some(if i == 0 { Part::ApiKey } else { Part::Secret });
                info.exchange = v.exchange_in(&crate::bindings::names::tokens(&b.name), false);
                (info, "position", "url-userinfo".to_string())
            }
        };
        if info.excluded || info.foreign {
            return;
        }
        // A key inside a `partner` / `broker` / `mock` object is not the user's credential
        // (ccxt's KuCoin partner keys, hummingbot's broker ids, test mocks).
        let not_users = fe.fb.ancestors(b.structure).take(3).any(|s| {
            !s.name.is_empty()
                && crate::bindings::names::tokens(&s.name).iter().any(|t| {
                    matches!(
                        t.as_str(),
                        "partner"
                            | "partners"
                            | "broker"
                            | "brokers"
                            | "affiliate"
                            | "referral"
                            | "mock"
                            | "mocks"
                            | "fake"
                            | "dummy"
                            | "placeholder"
                    )
                })
        });
        if not_users {
            return;
        }
        // A PEM private key says what it is whatever its name (`data = <<EOT …`).
        if info.part.is_none() && !(b.value.contains("PRIVATE KEY-----") || b.value.starts_with("LS0tLS1CRUdJTi")) {
            return;
        }
        let readings = self.readings(fe, b, k8s_secret);
        if info.part.is_none() && readings.iter().any(|r| value::valid_pem_private_key(&r.value)) {
            info.part = Some(Part::PrivateKey);
        }
        let Some(named_part) = info.part else { return };
        let pem = readings.iter().any(|r| r.value.contains("PRIVATE KEY-----"));
        if pem && !readings.iter().any(|r| value::valid_pem_private_key(&r.value)) {
            return;
        }
        if pem {
            info.part = Some(Part::PrivateKey);
        }
        let attribution = fe.attribute(bi, info.exchange, info.weak);
        // A passphrase nothing attributes may still sit beside its key: decided later.
        if attribution.is_none() && info.part == Some(Part::Passphrase) {
            orphans.push(bi);
            return;
        }
        let part =
            remap_part(&self.exchanges, attribution.as_ref().map(|a| a.exchange), info.part.unwrap_or(named_part));
        let evidence = |part_from: &'static str, reading: &Reading| Evidence {
            name: crate::bindings::names::clip_name(&b.name),
            binding: binding.clone(),
            part: part_from,
            exchange: attribution.as_ref().map_or("none", |a| a.source.as_str()),
            context: attribution.as_ref().map(|a| a.context.clone()).unwrap_or_default(),
            encoding: reading.encoding.as_str(),
        };
        let rules_of: &[usize] = match &attribution {
            Some(a) => &self.by_exchange[a.exchange],
            None => &[],
        };
        // The named part first; then, for keys and secrets, the exchange's other formats.
        let mut order: Vec<(Part, &'static str)> = vec![(part, if pem { "value" } else { part_from })];
        // A `password` is ccxt's passphrase but the secret in netrc, Airflow connections and
        // HTTP basic auth: the exchange's secret format decides, then any text is a passphrase.
        let password = part == Part::Passphrase
            && crate::bindings::names::tokens(&b.name)
                .last()
                .is_some_and(|t| matches!(t.as_str(), "password" | "passwd" | "pwd" | "pass"));
        if password {
            order.insert(0, (Part::Secret, "value"));
        }
        if part != Part::Passphrase {
            for p in [Part::ApiKey, Part::Secret, Part::PrivateKey] {
                if p != part {
                    order.push((p, "value"));
                }
            }
        }
        let structural = attribution.as_ref().is_some_and(|a| {
            matches!(
                a.source,
                evidence::Source::Name
                    | evidence::Source::Sibling
                    | evidence::Source::Parent
                    | evidence::Source::Callee
            )
        });
        for (want, from) in order {
            // Rules of no exchange (raw wallet keys) only for what the name itself says.
            let generic: &[usize] = if want == part { &self.generic } else { &[] };
            let candidates = rules_of.iter().chain(generic.iter()).copied().filter(|&i| {
                let r = &self.rules[i];
                r.spec.part == want && (r.builtin || r.names_match(&crate::bindings::names::joined(&b.name)))
            });
            for idx in candidates {
                let Some(re) = self.rules[idx].value_re() else { continue };
                for reading in &readings {
                    if !re.is_match(&reading.value) {
                        continue;
                    }
                    // A generic format keeps the attribution only when the structure gave it: a
                    // path or an import does not make a raw wallet key that exchange's.
                    let exchange = match self.rules[idx].exchange {
                        Some(ex) => Some(ex),
                        None if structural => attribution.as_ref().map(|a| a.exchange),
                        None => None,
                    };
                    let c = Candidate {
                        rule: idx,
                        start: reading.start,
                        end: reading.end,
                        value: reading.value.to_string(),
                        exchange,
                        evidence: evidence(from, reading),
                    };
                    if want == Part::Passphrase {
                        // Structural evidence (its own name, an exchange field beside it, the
                        // object or call it is in) is enough; weaker evidence needs a partner.
                        if self.passes_ignore(&c) && value::plausible_passphrase(&c.value) {
                            passphrases.push((bi, c, structural));
                        }
                        return;
                    }
                    let before = found.len();
                    self.push_if_secret(idx, c.start, c.end, &c.value, c.exchange, c.evidence, found);
                    if found.len() > before {
                        return;
                    }
                }
            }
        }
    }

    /// The forms of a binding's value worth matching: as written (trimmed, without an auth
    /// scheme such as `Bearer`), and base64-decoded where the context says it is base64.
    fn readings<'b>(&self, fe: &FileEvidence, b: &'b bindings::Binding, k8s_secret: bool) -> Vec<Reading<'b>> {
        let mut out = Vec::new();
        let (value, lead) = value::normalize(&b.value);
        let exact = b.encoding == Encoding::Raw && b.end - b.start == b.value.len();
        let (start, end) = if exact { (b.start + lead, b.start + lead + value.len()) } else { (b.start, b.end) };
        out.push(Reading { value: std::borrow::Cow::Borrowed(value), start, end, encoding: b.encoding });
        let names_base64 = {
            let t = crate::bindings::names::tokens(&b.name);
            t.iter().any(|w| w == "b64" || w == "base64")
        };
        let in_secret_data =
            k8s_secret && fe.fb.structures.get(b.structure).is_some_and(|s| s.name == "data" || s.name == "binaryData");
        if names_base64 || in_secret_data || value.starts_with("LS0tLS1CRUdJTi") {
            if let Some(decoded) = decode_value::base64_text(value) {
                let reading = Reading {
                    value: std::borrow::Cow::Owned(decoded),
                    start: b.start,
                    end: b.end,
                    encoding: Encoding::Base64,
                };
                // Where the context says base64, the decoded text is what the value is: a
                // passphrase (any text) is judged decoded (`Y2hhbmdlbWU=` is `changeme`).
                if names_base64 || in_secret_data {
                    out.insert(0, reading);
                } else {
                    out.push(reading);
                }
            }
        }
        out
    }

    /// A passphrase counts when its own name names the exchange, or when a key or secret of
    /// the same exchange is bound in the same structure: a user-chosen passphrase has no
    /// format, so a word next to a generic `password` is not enough.
    fn gate_passphrases(
        &self,
        fe: &FileEvidence,
        pending: Vec<(usize, Candidate, bool)>,
        orphans: Vec<usize>,
        found: &mut Vec<Candidate>,
    ) {
        // Literals of one statement sit in value holders of their own (`-H "KEY: …" -H "PASS: …"`):
        // compare the statement, not the holder.
        let fb = fe.fb;
        let group = |mut s: usize| {
            // Up through value holders and the paragraphs opened inside them, and from a list's
            // item to the list (Helm `parameters: [{name: apiKey, value: …}, …]`).
            for _ in 0..8 {
                match fb.structures.get(s) {
                    Some(st) if st.kind == StructureKind::Value => s = st.parent.unwrap_or(s),
                    Some(st)
                        if st.kind == StructureKind::Item
                            || st.kind == StructureKind::Object
                                && st
                                    .parent
                                    .and_then(|p| fb.structures.get(p))
                                    .is_some_and(|p| p.kind == StructureKind::List) =>
                    {
                        s = st.parent.unwrap_or(s)
                    }
                    Some(st)
                        if st.kind == StructureKind::Section
                            && st.name.is_empty()
                            && st
                                .parent
                                .and_then(|p| fb.structures.get(p))
                                .is_some_and(|p| p.kind == StructureKind::Value) =>
                    {
                        s = st.parent.unwrap_or(s)
                    }
                    _ => break,
                }
            }
            s
        };
        // The keys and secrets found, by (exchange, statement): one lookup per passphrase.
        let mut keys: std::collections::HashSet<(Option<usize>, usize)> = std::collections::HashSet::new();
        let mut keys_by_group: HashMap<usize, Vec<(usize, usize)>> = HashMap::new();
        for o in found.iter().filter(|o| self.part(o.rule) != Part::Passphrase) {
            if let Some(h) = fe.holder_of(o.start) {
                let g = group(fb.bindings[h].structure);
                keys.insert((o.exchange, g));
                if let Some(ex) = o.exchange {
                    keys_by_group.entry(g).or_default().push((ex, o.rule));
                }
            }
        }

        for (bi, c, named) in pending {
            let b = &fb.bindings[bi];
            let partner = keys.contains(&(c.exchange, group(b.structure)));
            if named || partner {
                self.push_if_secret(c.rule, c.start, c.end, &c.value, c.exchange, c.evidence, found);
            }
        }
        // An unattributed passphrase takes the exchange of the one key or secret beside it
        // (`class OKExConfig: api_key = …; secret_key = …; passphrase = …`).
        let mut extra = Vec::new();
        for bi in orphans {
            let b = &fb.bindings[bi];
            let mut partners: Vec<(usize, usize)> = keys_by_group.get(&group(b.structure)).cloned().unwrap_or_default();
            partners.sort_unstable();
            partners.dedup_by_key(|p| p.0);
            let [(ex, partner_rule)] = partners.as_slice() else { continue };
            let (value, lead) = value::normalize(&b.value);
            let exact = b.encoding == Encoding::Raw && b.end - b.start == b.value.len();
            let (start, end) = if exact { (b.start + lead, b.start + lead + value.len()) } else { (b.start, b.end) };
            let Some(idx) = self.by_exchange[*ex].iter().copied().find(|&i| {
                self.rules[i].spec.part == Part::Passphrase
                    && self.rules[i].value_re().is_some_and(|re| re.is_match(value))
            }) else {
                continue;
            };
            if !value::plausible_passphrase(value) {
                continue;
            }
            let evidence = Evidence {
                name: crate::bindings::names::clip_name(&b.name),
                binding: "assignment".into(),
                part: "name",
                exchange: "sibling",
                context: self.rules[*partner_rule].spec.id.clone(),
                encoding: b.encoding.as_str(),
            };
            extra.push((idx, start, end, value.to_string(), *ex, evidence));
        }
        for (idx, start, end, value, ex, evidence) in extra {
            self.push_if_secret(idx, start, end, &value, Some(ex), evidence, found);
        }
    }

    /// The key id of a credential found beside its secret under a generic field name
    /// (Coinbase's `{"id": "<uuid>", "privateKey": "…"}`): an `id`/`name` sibling in the same
    /// structure that has the exchange's key-id format.
    fn companion_ids(&self, fe: &FileEvidence, found: &mut Vec<Candidate>) {
        let mut extra = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for c in found.iter().filter(|c| matches!(self.part(c.rule), Part::Secret | Part::PrivateKey)) {
            let Some(ex) = c.exchange else { continue };
            let Some(holder) = fe.holder_of(c.start).map(|i| &fe.fb.bindings[i]) else {
                continue;
            };
            // Each structure once: a line of 5,000 secrets must not cost 5,000 × its members.
            if !seen.insert((holder.structure, ex)) {
                continue;
            }
            for &mi in fe.members.get(holder.structure).into_iter().flatten().take(64) {
                let m = &fe.fb.bindings[mi];
                let id_name = m.name.len() <= 8
                    && matches!(
                        m.name.to_ascii_lowercase().as_str(),
                        "id" | "name" | "key_id" | "keyid" | "uid" | "key_name" | "keyname"
                    );
                if !m.literal || !id_name {
                    continue;
                }
                let rule = self.by_exchange[ex].iter().copied().find(|&i| {
                    self.rules[i].spec.part == Part::ApiKey
                        && self.rules[i].value_re().is_some_and(|re| re.is_match(m.value.trim()))
                });
                if let Some(idx) = rule {
                    let evidence = Evidence {
                        name: crate::bindings::names::clip_name(&m.name),
                        binding: "assignment".into(),
                        part: "value",
                        exchange: "sibling",
                        context: self.rules[c.rule].spec.id.clone(),
                        encoding: m.encoding.as_str(),
                    };
                    extra.push((idx, m.start, m.end, m.value.clone(), ex, evidence));
                }
            }
        }
        let mut taken: Vec<(usize, usize)> = found.iter().map(|c| (c.start, c.end)).collect();
        taken.sort_unstable();
        for (idx, start, end, value, ex, evidence) in extra {
            // Already reported there (by start order, the only overlaps possible are neighbours).
            let at = taken.partition_point(|&(s, _)| s < end);
            let overlaps = taken[at.saturating_sub(8)..at].iter().any(|&(s, e)| s < end && start < e);
            if !overlaps {
                self.push_if_secret(idx, start, end, &value, Some(ex), evidence, found);
            }
        }
    }

    fn passes_ignore(&self, c: &Candidate) -> bool {
        let spec = &self.rules[c.rule].spec;
        self.ignore.reason(&c.value).is_none() && !spec.min_entropy.is_some_and(|min| ignore::entropy(&c.value) < min)
    }

    #[allow(clippy::too_many_arguments)]
    fn push_if_secret(
        &self,
        rule: usize,
        start: usize,
        end: usize,
        value: &str,
        exchange: Option<usize>,
        evidence: Evidence,
        out: &mut Vec<Candidate>,
    ) {
        let spec = &self.rules[rule].spec;
        if self.ignore.reason(value).is_some() {
            return;
        }
        if matches!(spec.part, Part::ApiKey | Part::Secret) && value::looks_like_identifier(value) {
            return;
        }
        if spec.min_entropy.is_some_and(|min| ignore::entropy(value) < min) {
            return;
        }
        out.push(Candidate { rule, start, end, value: value.to_string(), exchange, evidence });
    }

    pub fn part(&self, rule: usize) -> Part {
        self.rules[rule].spec.part
    }

    /// Runs the rules' examples (only user rules' with `user_only`); returns one line per failure.
    pub fn run_examples(&self, user_only: bool) -> Vec<String> {
        let mut failures = Vec::new();
        for (idx, rule) in self.rules.iter().enumerate() {
            if user_only && rule.builtin {
                continue;
            }
            let id = &rule.spec.id;
            if let Err(e) = rule.validate() {
                failures.push(format!("{id}: {e}"));
                continue;
            }
            if rule.spec.examples.is_empty() {
                failures.push(format!("{id}: has no examples"));
            }
            for ex in &rule.spec.examples {
                let found = self.scan_snippet(ex.path.as_deref().unwrap_or("example.txt"), &ex.text);
                let hit = found.iter().any(|c| c.rule == idx && ex.text.get(c.start..c.end) == Some(ex.value.as_str()));
                if !hit {
                    let got: Vec<String> = found
                        .iter()
                        .map(|c| format!("{}@{}..{}", self.rules[c.rule].spec.id, c.start, c.end))
                        .collect();
                    failures.push(format!(
                        "{id}: example not found: {:?} (expected value at its span; got [{}])",
                        first_line(&ex.text),
                        got.join(", ")
                    ));
                }
            }
            for neg in &rule.spec.negative_examples {
                let found = self.scan_snippet(neg.path(), neg.text());
                if found.iter().any(|c| c.rule == idx) {
                    failures.push(format!("{id}: negative example matched: {:?}", first_line(neg.text())));
                }
            }
        }
        failures
    }

    /// Prefilter + detect on an in-memory snippet (rule examples, tests).
    pub fn scan_snippet(&self, path: &str, text: &str) -> Vec<Candidate> {
        let doc = Document::new(text);
        let hits = self.prefilter(text.as_bytes());
        if !self.wants(path, &hits, false, text.as_bytes()) && !self.bare_match(&hits, text) {
            return Vec::new();
        }
        let fb = bindings::collect(path, text);
        self.detect(path, &doc, &hits, &fb, None)
    }
}

/// Exchange-specific names for parts: Kraken calls its API secret the "private key";
/// Hyperliquid has no API secret, so a `secret_key` is the wallet's private key.
fn remap_part(exchanges: &ExchangeTable, exchange: Option<usize>, part: Part) -> Part {
    let slug = exchange.and_then(|e| exchanges.exchanges.get(e)).map(|e| e.slug.as_str());
    match (slug, part) {
        (Some("kraken"), Part::PrivateKey) => Part::Secret,
        (Some("hyperliquid"), Part::Secret) => Part::PrivateKey,
        _ => part,
    }
}

fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or("");
    crate::diagnostic::redact_line(line)
}

/// Whether `start` begins a word: after a non-alphanumeric byte, or a camelCase hump.
fn starts_word(bytes: &[u8], start: usize) -> bool {
    start == 0 || {
        let p = bytes[start - 1];
        !p.is_ascii_alphanumeric()
            || ((p.is_ascii_lowercase() || p.is_ascii_digit()) && bytes[start].is_ascii_uppercase())
    }
}

/// A keyword names an exchange only as a word: `okx` in `OKX_KEY`, `ccxt.okx`, `okxApiKey`,
/// but not in `bokxy`.
fn on_word_boundary(bytes: &[u8], start: usize, end: usize) -> bool {
    let last = bytes[end - 1];
    let left = starts_word(bytes, start);
    let right = end == bytes.len() || {
        let n = bytes[end];
        !n.is_ascii_alphanumeric()
            || n.is_ascii_digit()
            || ((last.is_ascii_lowercase() || last.is_ascii_digit()) && n.is_ascii_uppercase())
    };
    left && right
}

/// `API key`, `Secret Key`, `Access key ID`: at most three plain words.
fn is_short_label(name: &str) -> bool {
    let words: Vec<&str> = name.split_whitespace().collect();
    words.len() <= 3
        && words.iter().all(|w| w.len() <= 16 && w.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-'))
}

/// Keeps one candidate per overlapping region: the one tied to an exchange, then the one bound
/// to a name, then the longer.
fn dedup_overlaps(mut found: Vec<Candidate>) -> Vec<Candidate> {
    found.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)).then(a.rule.cmp(&b.rule)));
    let mut out: Vec<Candidate> = Vec::with_capacity(found.len());
    let rank = |c: &Candidate| (c.exchange.is_some(), c.evidence.binding != "pattern", c.end - c.start);
    for c in found {
        if let Some(last) = out.last_mut() {
            if c.start < last.end {
                if rank(&c) > rank(last) {
                    *last = c;
                }
                continue;
            }
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Matching line by line, with matches remembered across files, finds exactly what one
    /// pass over the file finds: word starts and boundaries are judged in the whole file.
    #[test]
    fn keyword_matches_by_line_are_the_whole_files() {
        let detectors = DetectorSet::load(&[], &BTreeSet::new()).unwrap_or_else(|e| panic!("rules: {e}"));
        let memory = LineKeywords::default();
        let first = "binance:\n  apiKey: x\nokx_secret = 1\nxbinance BinanceKey bybit\n\nkraken";
        let versions = [
            first.to_string(),
            format!("{first}\n"),
            format!("# new\n{first}\nCOINBASE_API_SECRET=2\n"),
            "no keywords here\n\n".to_string(),
            String::new(),
            format!("kucoin{first}"),
        ];
        for (i, text) in versions.iter().enumerate() {
            let bytes = text.as_bytes();
            let whole = format!("{:?}", detectors.prefilter(bytes));
            let by_line =
                format!("{:?}", detectors.prefilter_lines(bytes, &Lines::of(bytes).unwrap_or_default(), &memory));
            assert_eq!(by_line, whole, "version {i}");
            assert_eq!(whole.contains("any: true"), i != 3 && i != 4, "version {i}: {whole}");
        }
        // Lines that do not fit the text (another file's): the whole file is matched.
        let bytes = first.as_bytes();
        let whole = format!("{:?}", detectors.prefilter(bytes));
        let other = Lines::of(b"binance\n").unwrap_or_default();
        assert_eq!(format!("{:?}", detectors.prefilter_lines(bytes, &other, &memory)), whole);
    }
}
