//! Detectors: find committed key material.
//!
//! Per file: one Aho-Corasick pass over the bytes finds every keyword (exchange names, header
//! names, distinctive prefixes); a file without one costs nothing more. Files with keywords get
//! the assignment scan (`assign`), exchange resolution by name, enclosing scope or path (`scope`),
//! and the active rules' value regexes; `ignore` drops placeholders and documentation examples.

pub mod assign;
pub mod decode_value;
pub mod ignore;
pub mod rules;
pub mod scope;

use crate::decode::Document;
use crate::exchanges::ExchangeTable;
use crate::rules_error::RuleError;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use ignore::IgnoreList;
use rules::{Detector, MatchMode, Part};
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
}

/// What a keyword stands for.
#[derive(Debug, Default, Clone)]
struct KeywordTarget {
    rules: Vec<usize>,
    /// The keyword names this exchange (used for scope and file context).
    exchange: Option<usize>,
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
}

impl Hits {
    pub fn any(&self) -> bool {
        self.any
    }
}

/// All detectors of a run, compiled once.
pub struct DetectorSet {
    pub exchanges: ExchangeTable,
    pub rules: Vec<Detector>,
    ignore: IgnoreList,
    keywords: AhoCorasick,
    targets: Vec<KeywordTarget>,
    /// Assignment rules per exchange index.
    by_exchange: Vec<Vec<usize>>,
    /// (normalised alias or header, exchange) for resolving an exchange from a key name.
    name_tokens: Vec<(String, usize)>,
    keyword_list: Vec<String>,
    /// Names of other services' secrets (`jwt_secret_key`, `db_password`).
    foreign_names: Option<regex_automata::meta::Regex>,
    /// Names too generic for file-level exchange context (`password`).
    weak_names: Option<regex_automata::meta::Regex>,
}

/// A rule file's text with where it came from.
pub struct RuleSource {
    pub origin: String,
    pub text: String,
}

impl DetectorSet {
    /// Built-in detectors plus user rule files (which add rules or replace built-ins by id).
    pub fn load(user_files: &[RuleSource], disabled: &BTreeSet<String>) -> Result<Self, RuleError> {
        let exchanges = ExchangeTable::builtin_checked()?;
        let parts_text = crate::rules_embedded::get("detectors/_parts.yaml").unwrap_or_default();
        let parts: PartsFile = crate::rules_embedded::parse("detectors/_parts.yaml")?;
        let ignore = IgnoreList::builtin()?;

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
                let default_names = parts.parts.get(spec.part.as_str()).map(String::as_str).unwrap_or("$^");
                let id = spec.id.clone();
                let detector = Detector::new(spec, exchange, origin.clone(), !is_user, default_names);
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
        // Matched against key names only: no literal prefilter (building one for `foreign`'s
        // alternation of ~60 words was 15% of start-up).
        let compile = |src: &Option<String>| -> Result<Option<regex_automata::meta::Regex>, RuleError> {
            src.as_ref()
                .map(|s| ignore::regex_set(std::slice::from_ref(s)))
                .transpose()
                .map_err(|e| RuleError::new("rules/detectors/_parts.yaml", parts_text, None, e.to_string()))
        };
        let foreign = compile(&parts.foreign)?;
        let weak = compile(&parts.weak)?;
        let mut set = Self::build(exchanges, rules, ignore);
        set.foreign_names = foreign;
        set.weak_names = weak;
        Ok(set)
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
                words.push(word.to_ascii_lowercase());
            }
        }
        let mut by_exchange = vec![Vec::new(); exchanges.exchanges.len()];
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
                words.push(word.to_ascii_lowercase());
            }
            if let (MatchMode::Assignment, Some(ex)) = (rule.spec.mode, rule.exchange) {
                by_exchange[ex].push(rule_idx);
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

        let mut name_tokens: Vec<(String, usize)> = Vec::new();
        for ex_idx in 0..exchanges.exchanges.len() {
            for alias in exchanges.bare_aliases(ex_idx) {
                name_tokens.push((alias, ex_idx));
            }
            for header in &exchanges.exchanges[ex_idx].headers {
                let h = assign::normalize_name(header);
                // `ok_access_key` → `ok_access`: the header family, whatever the credential part.
                let family = h.rsplit_once('_').map(|(f, _)| f.to_string()).unwrap_or(h);
                name_tokens.push((family, ex_idx));
            }
        }
        name_tokens.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.cmp(b)));
        name_tokens.dedup();
        DetectorSet {
            exchanges,
            rules,
            ignore,
            keywords,
            targets: ordered,
            by_exchange,
            name_tokens,
            keyword_list: words,
            foreign_names: None,
            weak_names: None,
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
            let Some(target) = self.targets.get(m.pattern().as_usize()) else { continue };
            if !hits.any {
                hits.any = true;
                hits.active = vec![false; self.rules.len()];
            }
            for &r in &target.rules {
                hits.active[r] = true;
                if self.rules[r].spec.mode == MatchMode::Line {
                    hits.line_hits.push((m.start(), r));
                }
            }
            if let Some(ex) = target.exchange {
                if on_word_boundary(bytes, m.start(), m.end()) {
                    hits.mentions.push((m.start(), m.end(), ex));
                }
            }
        }
        hits
    }

    /// Runs the active detectors over one document.
    pub fn detect(&self, path: &str, doc: &Document, hits: &Hits) -> Vec<Candidate> {
        if !hits.any {
            return Vec::new();
        }
        let mut found = Vec::new();
        let text = doc.text;
        let path_exchange = self.exchange_in_path(path);
        let scope = scope::Scope::new(doc, &hits.mentions, path_exchange);
        let code = is_code_file(path);

        if self.rules.iter().enumerate().any(|(i, r)| hits.active[i] && r.spec.mode == MatchMode::Assignment)
            || !hits.mentions.is_empty()
        {
            let k8s_secret = memchr::memmem::find(text.as_bytes(), b"kind: Secret").is_some();
            let mut assignments = Vec::new();
            for line in 0..doc.line_count() {
                let (start, end) = doc.line_range(line);
                assign::scan_line(&text[start..end], start, &mut assignments);
            }
            for a in &assignments {
                // In source code a literal is always quoted; `password: cfg.pass` or
                // `'Invalid key': AuthError` are references, not secrets.
                if code && !a.quoted {
                    continue;
                }
                self.match_assignment(doc, a, &scope, hits, k8s_secret, &mut found);
            }
        }
        for (idx, rule) in self.rules.iter().enumerate() {
            if !hits.active[idx] || rule.spec.mode != MatchMode::Bare {
                continue;
            }
            if let Some(re) = rule.value_re() {
                for caps in re.captures_iter(text) {
                    let Some(m) = caps.name("secret").or_else(|| caps.get(0)) else { continue };
                    let exchange = rule.exchange.or(path_exchange);
                    self.push_if_secret(idx, m.start(), m.end(), m.as_str(), exchange, &mut found);
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
                    let ex = self.rules[idx].exchange.or(path_exchange);
                    self.push_if_secret(idx, ls + m.start(), ls + m.end(), m.as_str(), ex, &mut found);
                }
            }
        }
        dedup_overlaps(found)
    }

    fn match_assignment(
        &self,
        doc: &Document,
        a: &assign::Assignment,
        scope: &scope::Scope,
        hits: &Hits,
        k8s_secret: bool,
        found: &mut Vec<Candidate>,
    ) {
        let raw = &doc.text[a.value_start..a.value_end];
        if raw.len() < 4 {
            return;
        }
        let named = self.exchange_in_name(&a.name);
        if named.is_none() && self.foreign_names.as_ref().is_some_and(|re| re.is_match(&a.name)) {
            return;
        }
        let weak = self.weak_names.as_ref().is_some_and(|re| re.is_match(&a.name));
        let Some(exchange) = named.or_else(|| scope.exchange_at(a.value_start, weak)) else {
            return;
        };
        let mut variants: Vec<String> = vec![raw.to_string()];
        if let Some(v) = decode_value::unescape(raw) {
            variants.push(v);
        }
        if let Some(v) = decode_value::percent_decode(raw) {
            variants.push(v);
        }
        if k8s_secret && scope.parent_key(a.value_start).as_deref() == Some("data") {
            if let Some(v) = decode_value::base64_text(raw) {
                variants.push(v);
            }
        }
        let mut best: Option<(usize, usize, &String)> = None; // (name match len, rule, value)
        for &idx in &self.by_exchange[exchange] {
            if !hits.active[idx] {
                continue;
            }
            let rule = &self.rules[idx];
            let Some(name_len) = rule.names_re().and_then(|re| re.find(&a.name)).map(|m| m.len()) else { continue };
            if best.is_some_and(|(len, _, _)| len >= name_len) {
                continue;
            }
            let Some(re) = rule.value_re() else { continue };
            if let Some(v) = variants.iter().find(|v| re.is_match(v)) {
                best = Some((name_len, idx, v));
            }
        }
        if let Some((_, idx, value)) = best {
            self.push_if_secret(idx, a.value_start, a.value_end, value, Some(exchange), found);
        }
    }

    fn push_if_secret(
        &self,
        rule: usize,
        start: usize,
        end: usize,
        value: &str,
        exchange: Option<usize>,
        out: &mut Vec<Candidate>,
    ) {
        let spec = &self.rules[rule].spec;
        if self.ignore.reason(value).is_some() {
            return;
        }
        if spec.min_entropy.is_some_and(|min| ignore::entropy(value) < min) {
            return;
        }
        out.push(Candidate { rule, start, end, value: value.to_string(), exchange });
    }

    /// The exchange a key name itself names (`OKX_SECRET_KEY`, `binance_api_key`, `OK-ACCESS-KEY`).
    fn exchange_in_name(&self, name: &str) -> Option<usize> {
        self.name_tokens.iter().find(|(token, _)| contains_token(name, token)).map(|(_, ex)| *ex)
    }

    fn exchange_in_path(&self, path: &str) -> Option<usize> {
        let normalized = assign::normalize_name(&path.to_ascii_lowercase());
        self.exchange_in_name(&normalized)
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
        self.detect(path, &doc, &hits)
    }
}

/// Source files by extension: their string literals are quoted, unlike config values.
fn is_code_file(path: &str) -> bool {
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    matches!(
        ext.as_str(),
        "py" | "js"
            | "mjs"
            | "cjs"
            | "jsx"
            | "ts"
            | "tsx"
            | "go"
            | "rb"
            | "java"
            | "kt"
            | "kts"
            | "rs"
            | "php"
            | "cs"
            | "swift"
            | "scala"
            | "c"
            | "h"
            | "cc"
            | "cpp"
            | "hpp"
            | "m"
            | "lua"
            | "dart"
            | "groovy"
    )
}

fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or("");
    crate::diagnostic::redact_line(line)
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PartsFile {
    parts: HashMap<String, String>,
    foreign: Option<String>,
    weak: Option<String>,
}

/// `token` occurs in `name` between `_` boundaries (or the ends).
fn contains_token(name: &str, token: &str) -> bool {
    let mut from = 0;
    // memmem::find on short haystacks is a Rabin-Karp loop; str::find builds a Two-Way
    // searcher per call, and this runs for every token on every assignment name.
    while let Some(pos) = memchr::memmem::find(&name.as_bytes()[from..], token.as_bytes()) {
        let s = from + pos;
        let e = s + token.len();
        let left = s == 0 || name.as_bytes()[s - 1] == b'_';
        let right = e == name.len() || name.as_bytes()[e] == b'_' || name.as_bytes()[e].is_ascii_digit();
        if left && right {
            return true;
        }
        from = s + 1;
    }
    false
}

/// A keyword names an exchange only as a word: `okx` in `OKX_KEY`, `ccxt.okx`, `okxApiKey`,
/// but not in `bokxy`.
fn on_word_boundary(bytes: &[u8], start: usize, end: usize) -> bool {
    let first = bytes[start];
    let last = bytes[end - 1];
    let left = start == 0 || {
        let p = bytes[start - 1];
        !p.is_ascii_alphanumeric() || ((p.is_ascii_lowercase() || p.is_ascii_digit()) && first.is_ascii_uppercase())
    };
    let right = end == bytes.len() || {
        let n = bytes[end];
        !n.is_ascii_alphanumeric()
            || n.is_ascii_digit()
            || ((last.is_ascii_lowercase() || last.is_ascii_digit()) && n.is_ascii_uppercase())
    };
    left && right
}

/// Keeps one candidate per overlapping region: the one tied to an exchange, then the longer.
fn dedup_overlaps(mut found: Vec<Candidate>) -> Vec<Candidate> {
    found.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)).then(a.rule.cmp(&b.rule)));
    let mut out: Vec<Candidate> = Vec::with_capacity(found.len());
    for c in found {
        if let Some(last) = out.last_mut() {
            if c.start < last.end {
                let better = (c.exchange.is_some() && last.exchange.is_none())
                    || (c.exchange.is_some() == last.exchange.is_some() && c.end - c.start > last.end - last.start);
                if better {
                    *last = c;
                }
                continue;
            }
        }
        out.push(c);
    }
    out
}
