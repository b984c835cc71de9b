//! SARIF 2.1.0 for GitHub code scanning (`github/codeql-action/upload-sarif`) and other SARIF
//! consumers. GitHub only reads a subset of SARIF; every field it requires is always present and
//! non-empty, and the log validates against the official schema (tests/sarif.rs).

use super::{Report, Reporter, RuleInfo};
use crate::diagnostic::{Category, Finding, Position, Severity};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// GitHub keeps at most 25,000 results per run; beyond that the upload is rejected, so we keep the
/// most severe ones (deterministically) and say how many were dropped.
pub const MAX_RESULTS: usize = 25_000;

/// The key under `partialFingerprints`; bump the version if the fingerprint recipe changes.
pub const FINGERPRINT_KEY: &str = "keylint/v1";

/// keylint's repository (`repository` in Cargo.toml): the tool's `informationUri`, and the base
/// of each rule's `helpUri` (its definition file, which is its documentation). Both are left
/// out while it is not set.
pub const REPOSITORY: Option<&str> = match env!("CARGO_PKG_REPOSITORY").as_bytes() {
    [] => None,
    _ => Some(env!("CARGO_PKG_REPOSITORY")),
};

/// Renders a `Report` as one SARIF log with a single run.
pub struct Sarif;

impl Reporter for Sarif {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let log = to_value(report);
        serde_json::to_writer_pretty(&mut *out, &log)?;
        out.write_all(b"\n")
    }
}

/// Builds the SARIF log as a JSON value (kept separate from `write` so tests can inspect it).
pub fn to_value(report: &Report) -> Value {
    let rules = collect_rules(report.rules, report.findings);
    let index: BTreeMap<&str, usize> = rules.iter().enumerate().map(|(i, r)| (r.id.as_str(), i)).collect();

    let (kept, dropped) = select_results(report.findings);
    let results: Vec<Value> = kept.iter().map(|f| result(f, index.get(f.rule.as_str()).copied())).collect();

    let mut driver = json!({
        "name": "keylint",
        "semanticVersion": env!("CARGO_PKG_VERSION"),
        "rules": rules.iter().map(|r| rule(r, REPOSITORY)).collect::<Vec<_>>(),
    });
    if let Some(repo) = REPOSITORY {
        driver["informationUri"] = Value::from(repo);
    }
    let mut run = json!({
        "tool": {"driver": driver},
        // Columns count Unicode scalar values (docs/output.md), not UTF-16 code units: say so
        // rather than let consumers assume the SARIF default.
        "columnKind": "unicodeCodePoints",
        "originalUriBaseIds": {
            // No `uri`: the checkout location is not known when the log is written; GitHub
            // resolves relative URIs against the checkout itself.
            "%SRCROOT%": {"description": {"text": "The root of the scanned repository or directory."}}
        },
        "results": results,
    });
    if dropped > 0 {
        run["properties"] = json!({ "keylint/droppedResults": dropped });
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    })
}

/// The rules to list: every known rule once (sorted by id), plus a synthetic entry for any rule a
/// finding names that the registry does not (e.g. `io-error`), so every `ruleIndex` resolves.
fn collect_rules(rules: &[RuleInfo], findings: &[Finding]) -> Vec<RuleInfo> {
    let mut by_id: BTreeMap<String, RuleInfo> = BTreeMap::new();
    for r in rules {
        by_id.entry(r.id.clone()).or_insert_with(|| r.clone());
    }
    for f in findings {
        by_id.entry(f.rule.clone()).or_insert_with(|| RuleInfo {
            id: f.rule.clone(),
            category: category_name(f.category).to_string(),
            severity: f.severity,
            exchange: f.exchange.clone(),
            description: f.message.clone(),
            help: f.help.clone(),
        });
    }
    by_id.into_values().collect()
}

fn category_name(c: Category) -> &'static str {
    match c {
        Category::Secret => "secret",
        Category::Policy => "policy",
        Category::Config => "config",
        Category::Io => "io",
        Category::Parse => "parse",
    }
}

/// Keeps at most `MAX_RESULTS` findings, preferring higher severity, in their original order.
fn select_results(findings: &[Finding]) -> (Vec<&Finding>, usize) {
    if findings.len() <= MAX_RESULTS {
        return (findings.iter().collect(), 0);
    }
    let mut order: Vec<usize> = (0..findings.len()).collect();
    // Stable sort: within a severity the (already deterministic) input order decides.
    order.sort_by_key(|&i| std::cmp::Reverse(findings[i].severity));
    let mut keep = order[..MAX_RESULTS].to_vec();
    keep.sort_unstable();
    (keep.into_iter().map(|i| &findings[i]).collect(), findings.len() - MAX_RESULTS)
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// GitHub's `security-severity` buckets: >= 7 high, 4-6.9 medium, < 4 low.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "8.0",
        Severity::Warning => "5.0",
        Severity::Note => "2.0",
    }
}

/// GitHub rejects empty strings where it requires text.
fn non_empty<'a>(text: &'a str, fallback: &'a str) -> &'a str {
    if text.trim().is_empty() {
        fallback
    } else {
        text
    }
}

/// `okx-secret-key` → `OkxSecretKey` (SARIF `name`: a readable, identifier-shaped rule name).
pub fn pascal_case(id: &str) -> String {
    id.split(['-', '_'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect()
}

/// Where a rule is documented: its definition file (detectors: the exchange's file; policies:
/// one file per id; diagnostics keylint emits itself: the output contract).
pub fn help_uri(repository: &str, r: &RuleInfo) -> String {
    let tree = format!("{repository}/blob/v{}", env!("CARGO_PKG_VERSION"));
    match (r.category.as_str(), &r.exchange) {
        ("secret", Some(exchange)) => format!("{tree}/rules/detectors/{exchange}.yaml"),
        ("secret", None) => format!("{tree}/rules/detectors/generic.yaml"),
        ("policy", _) | ("config", _) if r.id != "unused-suppression" => format!("{tree}/rules/policies/{}.yaml", r.id),
        _ => format!("{tree}/docs/output.md#{}", r.id),
    }
}

/// Markdown help: what the rule finds, how to fix it, and how to silence or explain it.
fn help_markdown(r: &RuleInfo, description: &str, help: &str) -> String {
    let mut md = format!("**{description}**\n\n");
    if let Some(exchange) = &r.exchange {
        md.push_str(&format!("Exchange: `{exchange}` · category: {}\n\n", r.category));
    } else {
        md.push_str(&format!("Category: {}\n\n", r.category));
    }
    md.push_str(&format!("**Fix:** {help}\n\n"));
    md.push_str(&format!(
        "Silence one occurrence with a comment on its line or the line above: `keylint:allow {} -- reason`. \
         Details and examples: `keylint explain {}`.",
        r.id, r.id
    ));
    md
}

fn rule(r: &RuleInfo, repository: Option<&str>) -> Value {
    let description = non_empty(&r.description, &r.id);
    let help = non_empty(&r.help, description);
    let mut properties = Map::new();
    // Secrets and broken key policies are security problems (GitHub lists them as security
    // alerts with a severity); config/io/parse diagnostics are plain problems.
    let security = matches!(r.category.as_str(), "secret" | "policy");
    let mut tags = vec![Value::from(r.category.clone())];
    if security {
        tags.insert(0, Value::from("security"));
        properties.insert("security-severity".into(), security_severity(r.severity).into());
        properties.insert("precision".into(), "high".into());
    } else {
        properties.insert("problem.severity".into(), level(r.severity).into());
    }
    if let Some(exchange) = &r.exchange {
        tags.push(Value::from(exchange.clone()));
    }
    properties.insert("tags".into(), Value::Array(tags));
    let mut value = json!({
        "id": r.id,
        "name": pascal_case(&r.id),
        "shortDescription": {"text": truncate(description, 1024)},
        "fullDescription": {"text": truncate(description, 1024)},
        "help": {"text": help, "markdown": help_markdown(r, description, help)},
        "defaultConfiguration": {"level": level(r.severity)},
        "properties": properties,
    });
    if let Some(repo) = repository {
        value["helpUri"] = Value::from(help_uri(repo, r));
    }
    value
}

fn truncate(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let mut s: String = text.chars().take(max_chars - 1).collect();
    s.push('…');
    s
}

/// The user-visible text of a result: message (which names the commit in git modes) plus the
/// redacted snippet, never the raw value.
pub fn result_message(f: &Finding) -> String {
    let mut text = f.message.clone();
    if !f.snippet.is_empty() {
        text.push_str(&format!(" (`{}`)", f.snippet));
    }
    text.push('.');
    text
}

fn region(start: Position, end: Position) -> Value {
    // SARIF positions are 1-based and the schema rejects 0: file-level diagnostics (line 0)
    // point at the first character instead.
    let start_line = start.line.max(1);
    let start_col = start.column.max(1);
    let end_line = end.line.max(start_line);
    let end_col = if end_line == start_line { end.column.max(start_col) } else { end.column.max(1) };
    json!({
        "startLine": start_line,
        "startColumn": start_col,
        "endLine": end_line,
        "endColumn": end_col,
    })
}

fn physical_location(path: &str, start: Position, end: Position) -> Value {
    json!({
        "artifactLocation": {"uri": uri_path(path), "uriBaseId": "%SRCROOT%"},
        "region": region(start, end),
    })
}

fn result(f: &Finding, rule_index: Option<usize>) -> Value {
    let mut r = json!({
        "ruleId": f.rule,
        "level": level(f.severity),
        "message": {"text": result_message(f)},
        "locations": [{"physicalLocation": physical_location(&f.path, f.start, f.end)}],
        "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
    });
    if let Some(i) = rule_index {
        r["ruleIndex"] = i.into();
    }
    if !f.related.is_empty() {
        r["relatedLocations"] = f
            .related
            .iter()
            .enumerate()
            .map(|(i, rel)| {
                json!({
                    "id": i,
                    "message": {"text": non_empty(&rel.label, "related")},
                    "physicalLocation": physical_location(rel.path.as_deref().unwrap_or(&f.path), rel.start, rel.end),
                })
            })
            .collect();
    }
    if let Some(c) = &f.commit {
        r["properties"] = json!({ "commit": c });
    }
    r
}

/// Percent-encodes a relative path for a URI reference, keeping `/` and the unreserved set.
pub fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for &b in path.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_path_encodes_spaces_and_non_ascii_but_keeps_slashes() {
        assert_eq!(uri_path("deploy/bot/.env"), "deploy/bot/.env");
        assert_eq!(uri_path("a b/ü%.txt"), "a%20b/%C3%BC%25.txt");
    }

    #[test]
    fn region_never_has_zero_coordinates() {
        let zero = Position::default();
        assert_eq!(region(zero, zero), json!({"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1}));
    }

    #[test]
    fn rule_names_help_uris_and_markdown() {
        assert_eq!(pascal_case("okx-secret-key"), "OkxSecretKey");
        assert_eq!(pascal_case("io-error"), "IoError");
        let info = |id: &str, category: &str, exchange: Option<&str>| RuleInfo {
            id: id.into(),
            category: category.into(),
            severity: Severity::Error,
            exchange: exchange.map(str::to_string),
            description: "OKX API secret key".into(),
            help: "revoke it".into(),
        };
        let v = env!("CARGO_PKG_VERSION");
        let repo = "https://example.invalid/keylint";
        assert_eq!(
            help_uri(repo, &info("okx-secret-key", "secret", Some("okx"))),
            format!("{repo}/blob/v{v}/rules/detectors/okx.yaml")
        );
        assert_eq!(
            help_uri(repo, &info("key-allows-withdraw", "policy", None)),
            format!("{repo}/blob/v{v}/rules/policies/key-allows-withdraw.yaml")
        );
        assert_eq!(help_uri(repo, &info("io-error", "io", None)), format!("{repo}/blob/v{v}/docs/output.md#io-error"));
        let r = rule(&info("okx-secret-key", "secret", Some("okx")), Some(repo));
        assert_eq!(r["name"], "OkxSecretKey");
        assert_eq!(r["helpUri"], format!("{repo}/blob/v{v}/rules/detectors/okx.yaml"));
        assert_eq!(
            r["help"]["markdown"],
            "**OKX API secret key**\n\nExchange: `okx` · category: secret\n\n**Fix:** revoke it\n\nSilence one occurrence with a comment on its line or the line above: `keylint:allow okx-secret-key -- reason`. Details and examples: `keylint explain okx-secret-key`."
        );
        assert!(rule(&info("okx-secret-key", "secret", Some("okx")), None).get("helpUri").is_none());
    }

    #[test]
    fn truncate_respects_char_limit() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
    }
}
