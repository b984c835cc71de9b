//! Inline suppressions: a comment `keylint:allow RULE-ID[,RULE-ID] -- reason` on a finding's line
//! or the line above silences exactly those rules there. Markers users bring from other scanners
//! silence secret findings on their own line — gitleaks' `gitleaks:allow`, detect-secrets'
//! `pragma: allowlist secret` (and `pragma: allowlist nextline secret` for the next line) — and
//! so do the markers configured in `[rules] allow_markers` (e.g. hummingbot's `noqa: mock`).
//! Every silenced finding is counted in the summary's `suppressed`. A suppression that silences nothing
//! is itself reported (`unused-suppression`, a note: it never blocks a commit at the default
//! `--fail-on warning`), so stale ones get cleaned up.

use crate::decode::Document;
use crate::diagnostic::{fingerprint, Category, Finding, Severity};

const MARKER: &str = "keylint:allow";

/// One `keylint:allow` comment.
#[derive(Debug)]
struct Suppression {
    /// 1-based line of the comment.
    line: usize,
    rules: Vec<String>,
    start: usize,
    end: usize,
    used: bool,
}

fn parse(doc: &Document) -> Vec<Suppression> {
    let text = doc.text;
    memchr::memmem::find_iter(text.as_bytes(), MARKER.as_bytes())
        .map(|at| {
            let line_idx = doc.line_index(at);
            let (_, line_end) = doc.line_range(line_idx);
            let rest = &text[at + MARKER.len()..line_end];
            let ids = rest.split("--").next().unwrap_or("");
            let rules = ids
                .split(|c: char| c == ',' || c.is_whitespace())
                .map(|s| s.trim_matches(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_')))
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            Suppression { line: line_idx + 1, rules, start: at, end: line_end, used: false }
        })
        .collect()
}

/// Peer markers that silence the secret findings on their own line.
pub const PEER_MARKERS: &[&str] = &["gitleaks:allow", "pragma: allowlist secret"];
/// detect-secrets' marker for the line below it.
const NEXT_LINE_MARKER: &str = "pragma: allowlist nextline secret";

/// Drops secret findings on lines holding a peer or configured marker; returns how many.
fn apply_line_markers(doc: &Document, findings: &mut Vec<Finding>, extra: &[String]) -> u64 {
    let bytes = doc.text.as_bytes();
    let mut lines: Vec<usize> = Vec::new();
    let mut mark = |marker: &str, offset_lines: usize| {
        if marker.is_empty() {
            return;
        }
        for at in memchr::memmem::find_iter(bytes, marker.as_bytes()) {
            lines.push(doc.line_index(at) + 1 + offset_lines);
        }
    };
    for m in PEER_MARKERS {
        mark(m, 0);
    }
    for m in extra {
        mark(m, 0);
    }
    mark(NEXT_LINE_MARKER, 1);
    if lines.is_empty() {
        return 0;
    }
    let before = findings.len();
    findings.retain(|f| f.category != Category::Secret || !lines.contains(&f.start.line));
    (before - findings.len()) as u64
}

/// Drops suppressed findings; returns how many were dropped and appends `unused-suppression`
/// findings for `keylint:allow` comments that silenced nothing. `extra_markers` are the
/// configured `[rules] allow_markers`.
pub fn apply(path: &str, doc: &Document, findings: &mut Vec<Finding>, extra_markers: &[String]) -> u64 {
    let by_markers = apply_line_markers(doc, findings, extra_markers);
    if memchr::memmem::find(doc.text.as_bytes(), MARKER.as_bytes()).is_none() {
        return by_markers;
    }
    let mut suppressions = parse(doc);
    let before = findings.len();
    findings.retain(|f| {
        let line = f.start.line;
        let hit = suppressions
            .iter_mut()
            .find(|s| (s.line == line || s.line + 1 == line) && s.rules.iter().any(|r| r == &f.rule || r == "all"));
        match hit {
            Some(s) => {
                s.used = true;
                false
            }
            None => true,
        }
    });
    let suppressed = (before - findings.len()) as u64 + by_markers;
    for s in suppressions.iter().filter(|s| !s.used) {
        let span = doc.span(s.start, s.end);
        let listed = if s.rules.is_empty() { "no rule".to_string() } else { s.rules.join(", ") };
        findings.push(Finding {
            start: span.start,
            end: span.end,
            message: format!("this `keylint:allow` for {listed} silences nothing on this line or the next"),
            help: "remove the comment, or fix the rule id (see `keylint rules list`)".into(),
            fingerprint: fingerprint(&["unused-suppression", path, &doc.text[s.start..s.end]]),
            // Masked and clipped by the redact stage: the rest of the line may hold a secret.
            snippet: doc.text[s.start..s.end].to_string(),
            ..Finding::blank("unused-suppression", Category::Config, Severity::Note, path)
        });
    }
    suppressed
}
