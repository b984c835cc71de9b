//! The format-neutral finding every stage produces and every reporter renders.
//!
//! A `Finding` never holds a whole secret: the snippet and the source excerpt are redacted when
//! the finding is built (see `redact`), so no reporter can leak one by accident.

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
/// unknown, e.g. a rule's examples): runs of 12+ key-like characters keep 4 at each end. Names
/// stay readable: `=` and `:` end a token unless they are trailing padding (`…==`), and a token
/// without digits made of word-shaped parts (`OKX_SECRET_KEY`, `apiSecretKey`) is a name.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_keeps_at_most_four_each_side() {
        assert_eq!(redact("E9E6B1C2D3E4F5A6B7C8D9E0F1A2A1F0", false), "E9E6…A1F0");
        assert_eq!(redact("abcdefghijkl", false), "ab…kl");
        assert_eq!(redact("short", false), "****");
        assert_eq!(redact("my passphrase", true), "****");
    }

    #[test]
    fn redact_line_keeps_names_and_masks_values() {
        assert_eq!(redact_line("OKX_SECRET_KEY=35C5A1B2C3D4E5F60718293A4B5CE8BD"), "OKX_SECRET_KEY=35C5…E8BD");
        assert_eq!(redact_line("api_secret_key=\"A56A0B1C2D3E4F5A6B7C8D9E0F1A9F13\""), "api_secret_key=\"A56A…9F13\"");
        assert_eq!(redact_line("OKX_PASSPHRASE=${OKX_PASSPHRASE}"), "OKX_PASSPHRASE=${OKX_PASSPHRASE}");
        assert_eq!(redact_line("walletAddress: dGhpcyBpcyBhIHRlc3Qga2V5Zg=="), "walletAddress: dGhp…Zg==");
        assert_eq!(redact_line("key: aBcDeFgHiJkLmNoP"), "key: aBc…NoP");
    }

    #[test]
    fn fingerprint_depends_on_every_part_and_their_boundaries() {
        assert_ne!(fingerprint(&["ab", "c"]), fingerprint(&["a", "bc"]));
        assert_eq!(fingerprint(&["x", "y"]), fingerprint(&["x", "y"]));
        assert_eq!(fingerprint(&["x"]).len(), 32);
    }
}
