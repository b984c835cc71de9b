//! Declarations: what a repo says about its exchange keys, read from key manifests and inferred
//! from configs keylint understands. Every field keeps the byte span of its value (and list items
//! theirs), so a policy can point at `withdraw` inside `[read, trade, withdraw]`.
//!
//! A declaration is a bag of named fields (the manifest schema's names) plus the set of fields
//! its source can tell at all: a policy that reads a field the source cannot know (permissions of
//! a `.env` key) evaluates to "unknown" and does not fire.

pub mod freqtrade;
pub mod hummingbot;
pub mod inferred;
pub mod kubernetes;
pub mod manifest;

use crate::exchanges::ExchangeTable;
use std::collections::BTreeMap;

/// A value with its byte range in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub start: usize,
    pub end: usize,
}

impl<T> Spanned<T> {
    pub fn new(value: T, start: usize, end: usize) -> Self {
        Spanned { value, start, end }
    }
}

/// One field's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldValue {
    Str(Spanned<String>),
    List(Spanned<Vec<Spanned<String>>>),
}

impl FieldValue {
    pub fn span(&self) -> (usize, usize) {
        match self {
            FieldValue::Str(s) => (s.start, s.end),
            FieldValue::List(l) => (l.start, l.end),
        }
    }
}

/// Where a declaration comes from: `manifest` or the dialect it was inferred from.
pub type Source = &'static str;

/// Type of a declaration field, as policies see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Str,
    List,
    Date,
}

/// Every field a declaration can carry (the manifest schema, spec/manifest.md), with its type.
/// `secret_source` is inferred-only: `literal`, `reference`, `encrypted` or `placeholder`.
pub const FIELDS: &[(&str, FieldType)] = &[
    ("name", FieldType::Str),
    ("exchange", FieldType::Str),
    ("account", FieldType::Str),
    ("purpose", FieldType::Str),
    ("environment", FieldType::Str),
    ("permissions", FieldType::List),
    ("ip_allowlist", FieldType::List),
    ("secret_ref", FieldType::Str),
    ("created", FieldType::Date),
    ("rotated", FieldType::Date),
    ("expires", FieldType::Date),
    ("owner", FieldType::Str),
    ("used_by", FieldType::List),
    ("allow", FieldType::List),
    ("reason", FieldType::Str),
    ("secret_source", FieldType::Str),
];

/// Fields that must be present in a manifest entry.
pub const REQUIRED_FIELDS: &[&str] = &["name", "exchange", "permissions"];

/// The type of a declaration field by name.
pub fn field_type(name: &str) -> Option<FieldType> {
    FIELDS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// One declared (or inferred) exchange key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declaration {
    pub source: Source,
    /// Byte range of the whole entry (the manifest list item, the config block).
    pub start: usize,
    pub end: usize,
    pub fields: BTreeMap<&'static str, FieldValue>,
    /// Fields this source can tell (present or deliberately absent). Others are unknown.
    pub known: Vec<&'static str>,
    /// Every string scalar of the entry with its field name, for checks over "any field".
    pub strings: Vec<(String, Spanned<String>)>,
}

impl Declaration {
    pub fn new(source: Source, start: usize, end: usize, known: &[&'static str]) -> Self {
        Declaration { source, start, end, fields: BTreeMap::new(), known: known.to_vec(), strings: Vec::new() }
    }

    pub fn is_known(&self, field: &str) -> bool {
        self.known.contains(&field)
    }

    /// Marks a field unknown (e.g. it had the wrong type: policies must not guess).
    pub fn forget(&mut self, field: &str) {
        self.known.retain(|f| *f != field);
        self.fields.remove(field);
    }

    pub fn str(&self, field: &str) -> Option<&Spanned<String>> {
        match self.fields.get(field) {
            Some(FieldValue::Str(s)) => Some(s),
            _ => None,
        }
    }

    pub fn list(&self, field: &str) -> Option<&Spanned<Vec<Spanned<String>>>> {
        match self.fields.get(field) {
            Some(FieldValue::List(l)) => Some(l),
            _ => None,
        }
    }

    pub fn set_str(&mut self, field: &'static str, value: String, start: usize, end: usize) {
        self.fields.insert(field, FieldValue::Str(Spanned::new(value, start, end)));
    }

    /// The declaration's name for messages and fingerprints (`name` or the exchange).
    pub fn label(&self) -> String {
        self.str("name").or(self.str("exchange")).map(|s| s.value.clone()).unwrap_or_default()
    }
}

/// A problem with a manifest itself (`manifest-invalid`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// `syntax`, `missing-field`, `wrong-type`, `unknown-field`, `bad-value`.
    pub kind: &'static str,
    /// The field concerned (empty for file-level problems).
    pub field: String,
    /// The key name of the entry, when known.
    pub key: String,
    /// One sentence describing the problem.
    pub message: String,
    /// How to fix it.
    pub help: String,
    pub start: usize,
    pub end: usize,
}

/// What one file declares.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extraction {
    pub declarations: Vec<Declaration>,
    pub problems: Vec<Problem>,
}

/// What an inferred declaration can know: where its secret is, for which exchange.
pub const INFERRED_KNOWN: &[&str] = &["name", "exchange", "secret_ref", "secret_source"];

/// The credential part a variable or key name stands for, if it names one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    ApiKey,
    Secret,
    Passphrase,
}

/// The credential part and exchange a variable or key name stands for (`BINANCE_API_SECRET`,
/// `okxApiKey`), read with the detectors' vocabulary (rules/vocabulary.yaml).
pub fn exchange_in_name(table: &ExchangeTable, name: &str) -> Option<(String, Part)> {
    let info = crate::bindings::names::Vocabulary::get().classify(name);
    if info.excluded || info.foreign {
        return None;
    }
    let part = match info.part? {
        crate::part::Part::ApiKey => Part::ApiKey,
        crate::part::Part::Passphrase => Part::Passphrase,
        crate::part::Part::Secret | crate::part::Part::PrivateKey => Part::Secret,
    };
    let slug = crate::bindings::names::Vocabulary::get().exchanges.exchanges.get(info.exchange?)?.slug.clone();
    Some((table.resolve(&slug).unwrap_or(&slug).to_string(), part))
}

/// Classifies a secret value found in a config: a reference to elsewhere, an encrypted blob, or
/// a literal. Returns (`secret_ref` text, `secret_source`). Empty values are not declarations.
pub fn classify_secret(value: &str, var_name: &str) -> Option<(String, &'static str)> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    // `${VAR}`, `$VAR`, `${{ secrets.X }}`, `{{ .Values.x }}`, `os.environ[...]`, `process.env.X`.
    if let Some(name) = env_reference(v) {
        return Some((format!("env:{name}"), "reference"));
    }
    if v.contains("{{") || crate::policy::eval::is_reference(v) || v.contains("secretKeyRef") {
        return Some((v.to_string(), "reference"));
    }
    if v.starts_with("7b2263727970746f223a") {
        return Some((format!("encrypted:{var_name}"), "encrypted"));
    }
    if is_placeholder(v) {
        return Some((v.to_string(), "placeholder"));
    }
    Some((v.to_string(), "literal"))
}

/// `<secret>`, `your_api_secret`, `xxxxxxxx`, `****`, `changeme`, `AAAA…`, `01230123…`: a value
/// nobody can log in with. Inferred keys report it as `secret_source: placeholder`.
pub fn is_placeholder(v: &str) -> bool {
    let lower = v.to_ascii_lowercase();
    if (v.starts_with('<') && v.ends_with('>'))
        || ["your", "changeme", "change_me", "replace", "placeholder", "example", "xxxx", "****", "dummy", "redacted"]
            .iter()
            .any(|w| lower.contains(w))
    {
        return true;
    }
    // A short pattern repeated over the whole value (`AAAA…`, `0123456789abcdef0123…`, `0x0000…`).
    let b = v.strip_prefix("0x").unwrap_or(v).as_bytes();
    (1..=16).any(|p| b.len() >= 2 * p && b.iter().enumerate().all(|(i, c)| *c == b[i % p]))
}

/// The variable a `${VAR}` / `$VAR` / `os.environ["VAR"]` / `process.env.VAR` expression reads.
pub fn env_reference(v: &str) -> Option<String> {
    let ident = |s: &str| -> Option<String> {
        let name: String = s.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        (!name.is_empty()).then_some(name)
    };
    if let Some(rest) = v.strip_prefix("${") {
        return ident(rest.trim_start_matches('{').trim().trim_start_matches("secrets.").trim_start_matches("env."));
    }
    if let Some(rest) = v.strip_prefix('$') {
        return ident(rest);
    }
    for prefix in ["os.environ.get(", "os.environ[", "os.getenv(", "process.env.", "process.env["] {
        if let Some(pos) = v.find(prefix) {
            return ident(v[pos + prefix.len()..].trim_start_matches(['"', '\'']));
        }
    }
    None
}

/// Runs every extractor that recognises `path`; `text` is the whole file, `bindings` its
/// bindings when the caller has them already.
pub fn extract(
    path: &str,
    text: &str,
    bindings: Option<&crate::bindings::FileBindings>,
    table: &ExchangeTable,
    globs: &manifest::ManifestGlobs,
) -> Extraction {
    let mut out = Extraction::default();
    if manifest::extract(path, text, globs, &mut out) {
        return out;
    }
    let lower = path.to_ascii_lowercase();
    let file = lower.rsplit('/').next().unwrap_or(&lower);
    if hummingbot::matches(&lower) {
        hummingbot::extract(path, text, table, &mut out);
        return out;
    }
    if (file.ends_with(".yaml") || file.ends_with(".yml")) && kubernetes::extract(text, table, &mut out) {
        return out;
    }
    if file.ends_with(".json") {
        freqtrade::extract(text, table, &mut out);
        if !out.declarations.is_empty() {
            return out;
        }
    }
    let owned;
    let fb = match bindings {
        Some(fb) => fb,
        None => {
            owned = crate::bindings::collect(path, text);
            &owned
        }
    };
    inferred::extract(path, text, fb, &mut out);
    out
}

/// Records an inferred declaration: `var` names the credential (and the exchange), `value` is
/// what the config holds for it. One declaration per exchange and file: the secret part wins
/// over the key id, since it is what policies about secret storage look at.
pub fn push_inferred(
    out: &mut Extraction,
    source: Source,
    slug: &str,
    part: Part,
    var: Spanned<String>,
    value: Spanned<String>,
) {
    if let Some(class) = classify_secret(&value.value, &var.value) {
        push_classified(out, source, slug, part, var, value, class);
    }
}

/// `push_inferred` with the secret already classified as (`secret_ref`, `secret_source`).
pub fn push_classified(
    out: &mut Extraction,
    source: Source,
    slug: &str,
    part: Part,
    var: Spanned<String>,
    value: Spanned<String>,
    (secret_ref, secret_source): (String, &'static str),
) {
    let existing =
        out.declarations.iter().position(|d| d.source == source && d.str("exchange").is_some_and(|e| e.value == slug));
    if let Some(i) = existing {
        if part != Part::Secret {
            return;
        }
        // Replace a key-id declaration with the secret's, which carries more.
        if out.declarations[i].strings.first().is_some_and(|(f, _)| f == "secret") {
            return;
        }
        out.declarations.remove(i);
    }
    let mut d = Declaration::new(source, var.start.min(value.start), var.end.max(value.end), INFERRED_KNOWN);
    d.set_str("name", var.value.clone(), var.start, var.end);
    d.set_str("exchange", slug.to_string(), var.start, var.end);
    d.set_str("secret_ref", secret_ref, value.start, value.end);
    d.set_str("secret_source", secret_source.to_string(), value.start, value.end);
    let part_name = if part == Part::Secret { "secret" } else { "credential" };
    d.strings.push((part_name.to_string(), value));
    out.declarations.push(d);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_give_exchange_and_part() {
        let t = ExchangeTable::builtin();
        assert_eq!(exchange_in_name(&t, "BINANCE_API_SECRET"), Some(("binance".into(), Part::Secret)));
        assert_eq!(exchange_in_name(&t, "okxApiKey"), Some(("okx".into(), Part::ApiKey)));
        assert_eq!(exchange_in_name(&t, "jwt_secret"), None);
    }

    #[test]
    fn secrets_are_classified() {
        assert_eq!(classify_secret("${OKX_SECRET}", "X"), Some(("env:OKX_SECRET".into(), "reference")));
        assert_eq!(
            classify_secret("${{ secrets.BINANCE_SECRET }}", "X"),
            Some(("env:BINANCE_SECRET".into(), "reference"))
        );
        assert_eq!(classify_secret("os.environ[\"K\"]", "X"), Some(("env:K".into(), "reference")));
        assert_eq!(classify_secret("abc", "X").map(|v| v.1), Some("literal"));
        assert_eq!(classify_secret("  ", "X"), None);
        for p in [
            "<secret>",
            "your_exchange_secret",
            "xxxxxxxxxxxx",
            "****",
            "AAAAAAAAAAAAAAAA",
            "0123456789abcdef0123456789abcdef",
        ] {
            assert_eq!(classify_secret(p, "X").map(|v| v.1), Some("placeholder"), "{p}");
        }
        assert_eq!(classify_secret("aws-sm:prod/mm", "X").map(|v| v.1), Some("reference"));
        assert_eq!(classify_secret("9C0D3E8F1A2B4C5D6E7F8091A2B3C4D5", "X").map(|v| v.1), Some("literal"));
    }
}
