//! Detector rule files (`rules/detectors/*.yaml`): their serde schema, loading, and compilation.
//! See rules/README.md for the language.

use crate::diagnostic::Severity;
use crate::rules_error::RuleError;
use regex::Regex;
use serde::Deserialize;
use std::sync::OnceLock;

pub use crate::part::Part;

/// How a detector finds its value (rules/README.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MatchMode {
    /// A value bound to a credential name (or passed where a credential goes) that the
    /// evidence ties to the rule's exchange. `binding` is the current spelling.
    #[default]
    #[serde(alias = "binding")]
    Assignment,
    Bare,
    Line,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DetectorFile {
    pub exchange: Option<String>,
    pub rules: Vec<DetectorSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DetectorSpec {
    pub id: String,
    pub exchange: Option<String>,
    pub part: Part,
    pub description: String,
    #[serde(default = "default_severity")]
    pub severity: Severity,
    #[serde(default, rename = "match")]
    pub mode: MatchMode,
    pub value: String,
    pub names: Option<String>,
    pub keywords: Option<Vec<String>>,
    pub min_entropy: Option<f64>,
    pub help: String,
    #[serde(default)]
    pub examples: Vec<Example>,
    #[serde(default)]
    pub negative_examples: Vec<NegativeExample>,
}

fn default_severity() -> Severity {
    Severity::Error
}

/// A snippet the rule must find; `value` is the exact secret text expected.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub text: String,
    pub value: String,
    /// File name the snippet is scanned as (default `example.txt`).
    pub path: Option<String>,
}

/// A snippet the rule must not find: a bare string, or text plus a file name.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum NegativeExample {
    Text(String),
    WithPath { text: String, path: String },
}

impl NegativeExample {
    pub fn text(&self) -> &str {
        match self {
            NegativeExample::Text(t) | NegativeExample::WithPath { text: t, .. } => t,
        }
    }
    pub fn path(&self) -> &str {
        match self {
            NegativeExample::Text(_) => "example.txt",
            NegativeExample::WithPath { path, .. } => path,
        }
    }
}

/// A detector ready to run. Regexes compile on first use, so start-up stays cheap when a run
/// never needs most rules (pre-commit on a few files).
#[derive(Debug)]
pub struct Detector {
    pub spec: DetectorSpec,
    /// Index into the exchange table.
    pub exchange: Option<usize>,
    /// Where the rule came from (`rules/detectors/okx.yaml` or a user path), for errors.
    pub origin: String,
    /// Shipped in the binary (as opposed to a user rule directory).
    pub builtin: bool,
    value_re: OnceLock<Option<Regex>>,
    /// Matched against key names only (short): compiled without a literal prefilter.
    names_re: OnceLock<Option<regex_automata::meta::Regex>>,
}

impl Detector {
    pub fn new(spec: DetectorSpec, exchange: Option<usize>, origin: String, builtin: bool) -> Self {
        Detector { spec, exchange, origin, builtin, value_re: OnceLock::new(), names_re: OnceLock::new() }
    }

    /// Compiles both regexes now; used at load time for user rules and in tests.
    pub fn validate(&self) -> Result<(), String> {
        compile_value(&self.spec)?;
        if let Some(names) = &self.spec.names {
            Regex::new(names).map_err(|e| format!("`names` does not compile: {e}"))?;
        }
        Ok(())
    }

    /// A rule's own `names` pattern (over the `_`-joined name tokens) narrows the names it
    /// accepts; without one, the vocabulary's credential parts decide.
    pub fn names_match(&self, joined_name: &str) -> bool {
        match &self.spec.names {
            None => true,
            Some(_) => self.names_re().is_some_and(|re| re.is_match(joined_name)),
        }
    }

    /// The value regex: anchored for assignments, free for bare/line matching.
    pub fn value_re(&self) -> Option<&Regex> {
        self.value_re.get_or_init(|| compile_value(&self.spec).ok()).as_ref()
    }

    pub fn names_re(&self) -> Option<&regex_automata::meta::Regex> {
        self.names_re
            .get_or_init(|| {
                let src = self.spec.names.clone().unwrap_or_default();
                super::ignore::regex_set(std::slice::from_ref(&src)).ok()
            })
            .as_ref()
    }
}

fn compile_value(spec: &DetectorSpec) -> Result<Regex, String> {
    let src = match spec.mode {
        MatchMode::Assignment => format!("^(?:{})$", spec.value),
        MatchMode::Bare | MatchMode::Line => ascii_word_boundaries(&spec.value),
    };
    Regex::new(&src).map_err(|e| format!("`value` does not compile: {e}"))
}

/// Rewrites `\b` to `(?-u:\b)`. Key formats are ASCII, and a Unicode word boundary makes the
/// regex crate give up its lazy DFA on any non-ASCII haystack and run the PikeVM over the whole
/// text: on a 5.8 MB minified bundle that was ~45% of the file's scan time.
fn ascii_word_boundaries(re: &str) -> String {
    let mut out = String::with_capacity(re.len() + 16);
    let mut chars = re.chars();
    let mut in_class = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('b') if in_class == 0 => out.push_str("(?-u:\\b)"),
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                None => out.push('\\'),
            },
            '[' => {
                in_class += 1;
                out.push(c);
            }
            ']' if in_class > 0 => {
                in_class -= 1;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// Finds the 0-based byte offset of `id: <id>` in a rule file, to point errors at the rule.
pub fn locate_rule(text: &str, id: &str) -> Option<usize> {
    let needle = format!("id: {id}");
    text.find(&needle)
}

/// Parses a detector file; errors carry the file text and location for a miette report.
pub fn parse_file(origin: &str, text: &str) -> Result<DetectorFile, RuleError> {
    serde_yaml::from_str(text).map_err(|e| RuleError::from_yaml(origin, text, &e))
}

#[cfg(test)]
mod word_boundary_tests {
    use super::ascii_word_boundaries;

    #[test]
    fn rewrites_word_boundaries_outside_classes_only() {
        assert_eq!(ascii_word_boundaries(r"\bmx0v[A-Za-z0-9]{12}\b"), r"(?-u:\b)mx0v[A-Za-z0-9]{12}(?-u:\b)");
        assert_eq!(ascii_word_boundaries(r"a\\b[\b]\B\d"), r"a\\b[\b]\B\d");
        let re = regex::Regex::new(&ascii_word_boundaries(r"\b(?:0x)?[0-9a-f]{4}\b")).unwrap();
        assert!(re.is_match("é 0xbeef é"));
        assert!(!re.is_match("x0xbeefy"));
    }
}
