//! The format-neutral finding every stage produces and every reporter renders.
//!
//! A `Finding` never holds a whole secret: its snippet, excerpt, message and help pass the redact
//! stage (`crate::redact`) before any reporter sees them, so no reporter can leak one by accident.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// How serious a finding is; ordered so that `Error > Warning > Note`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl std::str::FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "note" | "info" => Ok(Severity::Note),
            "warning" | "warn" => Ok(Severity::Warning),
            "error" => Ok(Severity::Error),
            other => Err(format!("unknown severity `{other}` (expected error, warning or note)")),
        }
    }
}

/// What kind of problem a finding is (spec/output.md `category`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Secret,
    Policy,
    Config,
    Io,
    Parse,
}

/// A 1-based line and column (Unicode scalar values) plus a 0-based byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    pub offset: usize,
}

/// A half-open source range: `end` is exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
pub struct Span {
    pub start: Position,
    pub end: Position,
}

/// Where a finding from git history was introduced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommitInfo {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}

/// A secondary span shown beside the primary one (e.g. the sibling parts of one credential).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Related {
    pub label: String,
    pub start: Position,
    pub end: Position,
    /// The file of a related span in another file than the finding's (e.g. the call that uses
    /// a key, for a finding in its manifest); absent: the finding's own file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// The source lines around a finding, already redacted, with label ranges relative to `text`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Excerpt {
    /// Redacted text of the lines `first_line..` covering the primary and related spans.
    pub text: String,
    pub first_line: usize,
    /// Characters of the first line cut off before `text` (long lines are windowed).
    pub first_column: usize,
    /// Byte range of the primary span inside `text`.
    pub primary: (usize, usize),
    /// Byte ranges and labels of related spans inside `text`.
    pub related: Vec<(usize, usize, String)>,
}

/// One diagnostic: a committed secret, a broken policy, a config problem or an unreadable file.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub rule: String,
    pub category: Category,
    pub severity: Severity,
    pub exchange: Option<String>,
    pub path: String,
    pub start: Position,
    pub end: Position,
    pub message: String,
    pub help: String,
    pub fingerprint: String,
    /// Redacted text of the finding (e.g. `OKX_SECRET_KEY=E9E6…A1F0`).
    pub snippet: String,
    pub commit: Option<CommitInfo>,
    /// The repository name given with `--repository` (org sweeps merge many repos' output).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    /// Credential part (`api-key`, `secret`, `passphrase`, `private-key`) for secret findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<String>,
    /// Shared by the parts of one credential found together (same object or file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
    /// Why a secret was reported: its name, binding, and what decided its part and exchange.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<crate::detect::Evidence>,
    /// Rendering aid for the human reporter; never serialized.
    #[serde(skip)]
    pub excerpt: Option<Excerpt>,
    /// The span itself is key material: excerpts redact it (e.g. `secret-inline`).
    #[serde(skip)]
    pub sensitive: bool,
    /// Secret findings: a hash of rule and value without the path, so that `sweep` can report
    /// one value found at many paths or commits once. Never serialized.
    #[serde(skip)]
    pub value_key: Option<String>,
    /// Found in a blob that the tip of a scanned ref still holds (always true outside history).
    #[serde(skip)]
    pub at_tip: bool,
}

impl Finding {
    /// A finding with only its identity set; callers fill the rest with struct-update syntax
    /// (`Finding { start, end, message, ..Finding::blank(…) }`).
    pub fn blank(rule: &str, category: Category, severity: Severity, path: &str) -> Self {
        Finding {
            rule: rule.to_string(),
            category,
            severity,
            exchange: None,
            path: path.to_string(),
            start: Position::default(),
            end: Position::default(),
            message: String::new(),
            help: String::new(),
            fingerprint: String::new(),
            snippet: String::new(),
            commit: None,
            repository: None,
            part: None,
            credential: None,
            related: Vec::new(),
            evidence: None,
            excerpt: None,
            sensitive: false,
            value_key: None,
            at_tip: true,
        }
    }

    /// The sort key that makes output deterministic: path, then offset, then rule.
    pub fn sort_key(&self) -> (&str, usize, &str, usize) {
        (&self.path, self.start.offset, &self.rule, self.end.offset)
    }

    pub fn span(&self) -> Span {
        Span { start: self.start, end: self.end }
    }
}

/// Stable fingerprint from the parts that identify a finding independently of its line number.
pub fn fingerprint(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    let digest = hasher.finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// Redaction lives in the redact stage; re-exported here for the stages that build findings.
pub use crate::redact::{redact, redact_line};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_depends_on_every_part_and_their_boundaries() {
        assert_ne!(fingerprint(&["ab", "c"]), fingerprint(&["a", "bc"]));
        assert_eq!(fingerprint(&["x", "y"]), fingerprint(&["x", "y"]));
        assert_eq!(fingerprint(&["x"]).len(), 32);
    }
}
