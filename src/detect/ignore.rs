//! Values never reported: placeholders, references and public documentation examples
//! (`rules/detectors/_ignore.yaml`), plus low-entropy and repeated/sequential strings.

use crate::rules_error::RuleError;
use regex::Regex;
use regex_automata::meta::Regex as RegexSet;
use serde::Deserialize;
use std::collections::HashSet;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IgnoreFile {
    #[serde(default)]
    placeholders: Vec<String>,
    #[serde(default)]
    references: Vec<String>,
    #[serde(default)]
    examples: Vec<String>,
}

/// The compiled ignore lists.
#[derive(Debug)]
pub struct IgnoreList {
    placeholders: RegexSet,
    references: RegexSet,
    examples: HashSet<String>,
}

impl IgnoreList {
    /// The built-in lists (`rules/detectors/_ignore.yaml`).
    pub fn builtin() -> Result<Self, RuleError> {
        let file: IgnoreFile = crate::rules_embedded::parse("detectors/_ignore.yaml")?;
        let text = crate::rules_embedded::get("detectors/_ignore.yaml").unwrap_or_default();
        Self::compile("rules/detectors/_ignore.yaml", text, file)
    }

    pub fn parse(origin: &str, text: &str) -> Result<Self, RuleError> {
        let file: IgnoreFile = serde_yaml::from_str(text).map_err(|e| RuleError::from_yaml(origin, text, &e))?;
        Self::compile(origin, text, file)
    }

    fn compile(origin: &str, text: &str, file: IgnoreFile) -> Result<Self, RuleError> {
        let anchored: Vec<String> = file.placeholders.iter().map(|p| format!("(?i)^(?:{p})$")).collect();
        let placeholders =
            regex_set(&anchored).map_err(|e| RuleError::new(origin, text, None, format!("placeholder regex: {e}")))?;
        let references = regex_set(&file.references)
            .map_err(|e| RuleError::new(origin, text, None, format!("reference regex: {e}")))?;
        Ok(IgnoreList { placeholders, references, examples: file.examples.into_iter().collect() })
    }

    /// Why a value is not a leak, or `None` when it may be one.
    pub fn reason(&self, value: &str) -> Option<&'static str> {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            return Some("empty");
        }
        let bare = trimmed.strip_prefix("0x").unwrap_or(trimmed);
        if self.examples.contains(trimmed)
            || self.examples.contains(bare)
            || self.examples.contains(&format!("0x{bare}"))
        {
            return Some("documentation example");
        }
        if self.references.is_match(trimmed) {
            return Some("reference");
        }
        if self.placeholders.is_match(trimmed) {
            return Some("placeholder");
        }
        if is_trivial(trimmed) {
            return Some("repeated or sequential");
        }
        None
    }
}

/// One regex matching any of `patterns`, compiled without a literal prefilter: these run on
/// short candidate values only, where a prefilter never pays, and building one (an Aho-Corasick
/// DFA over the case-folded literal alternations) was a quarter of keylint's start-up.
pub(crate) fn regex_set(patterns: &[String]) -> Result<RegexSet, Box<regex_automata::meta::BuildError>> {
    RegexSet::builder().configure(RegexSet::config().auto_prefilter(false)).build_many(patterns).map_err(Box::new)
}

/// Shannon entropy in bits per character.
pub fn entropy(value: &str) -> f64 {
    let mut counts = [0u32; 256];
    let mut total = 0u32;
    for b in value.bytes() {
        counts[b as usize] += 1;
        total += 1;
    }
    if total == 0 {
        return 0.0;
    }
    let n = f64::from(total);
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

/// Few distinct characters, or mostly runs of consecutive characters (`abcdef`, `123456`), or
/// groups that each repeat one character (`11111111-2222-3333-4444-555555555555`).
fn is_trivial(value: &str) -> bool {
    let bytes = value.as_bytes();
    if bytes.len() < 8 {
        return false;
    }
    let groups: Vec<&str> = value.split(['-', '_', '.', ':']).filter(|g| !g.is_empty()).collect();
    if groups.len() >= 3 && groups.iter().all(|g| g.bytes().all(|c| c == g.as_bytes()[0])) {
        return true;
    }
    let distinct: HashSet<u8> = bytes.iter().copied().collect();
    if distinct.len() <= 3 {
        return true;
    }
    let steps = bytes.windows(2).filter(|w| w[1] == w[0].wrapping_add(1) || w[1] == w[0]).count();
    steps * 10 >= (bytes.len() - 1) * 8
}

/// Compiles a regex given as data, for callers that already validated it.
pub fn compile(src: &str) -> Option<Regex> {
    Regex::new(src).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin() -> IgnoreList {
        IgnoreList::builtin().expect("built-in ignore list parses")
    }

    #[test]
    fn placeholders_references_and_examples_are_ignored() {
        let list = builtin();
        for v in [
            "YOUR_API_KEY",
            "<secret>",
            "xxxx",
            "changeme",
            "****",
            "${OKX_API_KEY}",
            "{{ .Values.okx.secret }}",
            "os.environ[\"OKX_SECRET_KEY\"]",
            "process.env.BINANCE_API_SECRET",
            "vault:kv/trading/okx",
            "abcdefghijklmnop",
            "1111111111111111",
            "af8ddd35195e9dc500b9a6f799f6f5c93d89193b",
            "your_exchange_key",
        ] {
            assert!(list.reason(v).is_some(), "{v} should be ignored");
        }
        for v in ["9F3B7C1D2E4A6B8C0D1E2F3A4B5C6D7E", "c0ffee12-9a7b-4c3d-8e1f-0a2b3c4d5e6f", "tr4d1ngB0t!"] {
            assert_eq!(list.reason(v), None, "{v} should not be ignored");
        }
    }

    #[test]
    fn entropy_is_higher_for_random_strings() {
        assert!(entropy("aaaaaaaa") < 0.01);
        assert!(entropy("9F3B7C1D2E4A6B8C0D1E2F3A4B5C6D7E") > 3.5);
    }
}
