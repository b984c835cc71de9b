//! The files of a sweep's `--out DIR` (docs/sweeps.md, contract in spec/sweep):
//!
//! - `findings.jsonl`: the findings, one per line, sorted by repository, path, offset, rule;
//! - `repositories.jsonl`: one line of statistics per repository (what `merge` needs besides
//!   the findings);
//! - `sweep.json`: the mode and the shard, so that `merge` can check its inputs;
//! - `summary.json`, `summary.md`, `report.html`: rendered from the three above only, by one
//!   function (`write_reports`), so that `merge` writes the same bytes as a single sweep.

use crate::diagnostic::{Finding, Position, Severity};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{self, BufRead, BufWriter, Write};
use std::path::Path;

pub const FINDINGS: &str = "findings.jsonl";
pub const REPOSITORIES: &str = "repositories.jsonl";
pub const META: &str = "sweep.json";
pub const SUMMARY_JSON: &str = "summary.json";
pub const SUMMARY_MD: &str = "summary.md";
pub const REPORT_HTML: &str = "report.html";

/// Another place of the same value (same rule, same secret) in the same repository.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OtherLocation {
    pub path: String,
    pub start: Position,
    pub commit: Option<String>,
}

/// A finding as `findings.jsonl` writes it: the JSONL finding of docs/output.md, then the
/// sweep's fields.
#[derive(Debug, Serialize)]
pub struct SweepFinding {
    #[serde(flatten)]
    pub finding: Finding,
    pub present_at_head: bool,
    pub other_locations: Vec<OtherLocation>,
}

/// One value found at many paths or commits of a repository becomes one finding (the first in
/// sort order) listing the others. `findings` must be sorted (`scan::sort_findings`); only
/// secret findings (those with a `value_key`) are merged.
pub fn dedup(findings: Vec<Finding>) -> Vec<SweepFinding> {
    let mut out: Vec<SweepFinding> = Vec::with_capacity(findings.len());
    let mut first: HashMap<String, usize> = HashMap::new();
    for f in findings {
        if let Some(key) = &f.value_key {
            if let Some(&i) = first.get(key) {
                let kept = &mut out[i];
                kept.present_at_head |= f.at_tip;
                kept.other_locations.push(OtherLocation {
                    path: f.path,
                    start: f.start,
                    commit: f.commit.map(|c| c.id),
                });
                continue;
            }
            first.insert(key.clone(), out.len());
        }
        let present_at_head = f.at_tip;
        out.push(SweepFinding { finding: f, present_at_head, other_locations: Vec::new() });
    }
    out
}

/// Findings by severity, in the contract's key order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BySeverity {
    pub error: u64,
    pub warning: u64,
    pub note: u64,
}

impl BySeverity {
    pub fn add(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.error += 1,
            Severity::Warning => self.warning += 1,
            Severity::Note => self.note += 1,
        }
    }

    fn sum(&mut self, other: &BySeverity) {
        self.error += other.error;
        self.warning += other.warning;
        self.note += other.note;
    }
}

/// One repository's line of `summary.json` `repositories` (and of `repositories.jsonl`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepoStats {
    pub repository: String,
    pub files: u64,
    pub bytes: u64,
    pub commits: u64,
    pub findings: u64,
    pub by_severity: BySeverity,
    /// Secret findings whose value the default branch's tip still holds.
    pub at_head: u64,
    /// Secret findings whose value is only in history.
    pub history_only: u64,
    /// Absent with `--reproducible`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub elapsed_ms: Option<u64>,
    /// Why the repository could not be read or cloned (one line), else null.
    pub error: Option<String>,
}

impl RepoStats {
    /// Counts the findings written for this repository.
    pub fn count(&mut self, findings: &[SweepFinding]) {
        for f in findings {
            self.findings += 1;
            self.by_severity.add(f.finding.severity);
            if f.finding.category == crate::diagnostic::Category::Secret {
                if f.present_at_head {
                    self.at_head += 1;
                } else {
                    self.history_only += 1;
                }
            }
        }
    }
}

/// A line of `repositories.jsonl`: the statistics, and whether a finding reached the
/// repository's `--fail-on` threshold (its config may set its own).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RepoLine {
    #[serde(flatten)]
    pub stats: RepoStats,
    pub fails: bool,
}

/// `sweep.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    pub mode: String,
    /// The shard this directory holds; null for a whole sweep or a merge.
    pub shard: Option<super::shard::Shard>,
    /// Repositories of the whole (unsharded) list, so that `merge` can tell a missing shard.
    pub total_repositories: u64,
}

#[derive(Debug, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Debug, Default, Serialize)]
pub struct Totals {
    pub repositories: u64,
    pub errors: u64,
    pub files: u64,
    pub bytes: u64,
    pub commits: u64,
    pub findings: u64,
    pub by_severity: BySeverity,
    pub credentials_at_head: u64,
    pub credentials_history_only: u64,
}

#[derive(Debug, Serialize)]
pub struct ExchangeCount {
    pub exchange: String,
    pub findings: u64,
    pub repositories: u64,
}

#[derive(Debug, Serialize)]
pub struct RuleCount {
    pub rule: String,
    pub findings: u64,
}

#[derive(Debug, Serialize)]
pub struct TopRepository {
    pub repository: String,
    pub findings: u64,
}

/// `summary.json`, keys in the contract's order.
#[derive(Debug, Serialize)]
pub struct SweepSummary {
    pub tool: Tool,
    pub mode: String,
    pub totals: Totals,
    pub repositories: Vec<RepoStats>,
    pub exchanges: Vec<ExchangeCount>,
    pub rules: Vec<RuleCount>,
    pub top_repositories: Vec<TopRepository>,
}

/// The fields of a `findings.jsonl` line the summary counts.
#[derive(Debug, Deserialize)]
struct Counted {
    repository: String,
    rule: String,
    category: String,
    exchange: Option<String>,
    fingerprint: String,
    credential: Option<String>,
    present_at_head: bool,
}

/// The first line of a `findings.jsonl` line: its repository (for merging shards in order).
#[derive(Debug, Deserialize)]
pub struct LineRepository {
    pub repository: String,
}

/// Reads `findings.jsonl` line by line (never whole) and counts per exchange, per rule and
/// credential; the per-repository numbers come from `repos`.
pub fn summarize(mode: &str, repos: Vec<RepoStats>, findings: &Path) -> io::Result<SweepSummary> {
    let mut totals = Totals { repositories: repos.len() as u64, ..Totals::default() };
    for r in &repos {
        totals.errors += u64::from(r.error.is_some());
        totals.files += r.files;
        totals.bytes += r.bytes;
        totals.commits += r.commits;
        totals.findings += r.findings;
        totals.by_severity.sum(&r.by_severity);
    }
    let mut exchanges: BTreeMap<String, (u64, BTreeSet<String>)> = BTreeMap::new();
    let mut rules: BTreeMap<String, u64> = BTreeMap::new();
    // (repository, credential) → still at HEAD. Memory grows with distinct credentials found,
    // not with the repositories swept.
    let mut credentials: BTreeMap<(String, String), bool> = BTreeMap::new();
    for line in io::BufReader::new(std::fs::File::open(findings)?).lines() {
        let line = line?;
        let f: Counted = serde_json::from_str(&line).map_err(io::Error::other)?;
        *rules.entry(f.rule).or_default() += 1;
        if let Some(ex) = f.exchange {
            let e = exchanges.entry(ex).or_default();
            e.0 += 1;
            e.1.insert(f.repository.clone());
        }
        if f.category == "secret" {
            let id = f.credential.unwrap_or(f.fingerprint);
            *credentials.entry((f.repository, id)).or_default() |= f.present_at_head;
        }
    }
    totals.credentials_at_head = credentials.values().filter(|&&h| h).count() as u64;
    totals.credentials_history_only = credentials.values().filter(|&&h| !h).count() as u64;
    let mut exchanges: Vec<ExchangeCount> = exchanges
        .into_iter()
        .map(|(exchange, (findings, repos))| ExchangeCount { exchange, findings, repositories: repos.len() as u64 })
        .collect();
    exchanges.sort_by(|a, b| b.findings.cmp(&a.findings).then_with(|| a.exchange.cmp(&b.exchange)));
    let mut rules: Vec<RuleCount> = rules.into_iter().map(|(rule, findings)| RuleCount { rule, findings }).collect();
    rules.sort_by(|a, b| b.findings.cmp(&a.findings).then_with(|| a.rule.cmp(&b.rule)));
    let mut top: Vec<TopRepository> = repos
        .iter()
        .filter(|r| r.findings > 0)
        .map(|r| TopRepository { repository: r.repository.clone(), findings: r.findings })
        .collect();
    top.sort_by(|a, b| b.findings.cmp(&a.findings).then_with(|| a.repository.cmp(&b.repository)));
    top.truncate(10);
    Ok(SweepSummary {
        tool: Tool { name: "keylint", version: env!("CARGO_PKG_VERSION") },
        mode: mode.to_string(),
        totals,
        repositories: repos,
        exchanges,
        rules,
        top_repositories: top,
    })
}

/// Writes `summary.json`, `summary.md` and `report.html` from `findings.jsonl` and the
/// per-repository statistics already in `out`. The HTML report lists every finding, so the
/// findings are read into memory for it (and only for it).
pub fn write_reports(
    out: &Path,
    mode: &str,
    repos: Vec<RepoStats>,
    link_template: Option<&str>,
) -> io::Result<SweepSummary> {
    let findings_path = out.join(FINDINGS);
    let summary = summarize(mode, repos, &findings_path)?;
    let mut json = serde_json::to_vec_pretty(&summary).map_err(io::Error::other)?;
    json.push(b'\n');
    std::fs::write(out.join(SUMMARY_JSON), json)?;
    std::fs::write(out.join(SUMMARY_MD), markdown(&summary))?;
    let summary_value = serde_json::to_value(&summary).map_err(io::Error::other)?;
    let mut findings = Vec::new();
    for line in io::BufReader::new(std::fs::File::open(&findings_path)?).lines() {
        findings.push(serde_json::from_str::<serde_json::Value>(&line?).map_err(io::Error::other)?);
    }
    let html = crate::report::sweep_html::render(&summary_value, &findings, link_template);
    std::fs::write(out.join(REPORT_HTML), html)?;
    Ok(summary)
}

/// Writes `repositories.jsonl` and `sweep.json`.
pub fn write_index(out: &Path, lines: &[RepoLine], meta: &Meta) -> io::Result<()> {
    let mut w = BufWriter::new(std::fs::File::create(out.join(REPOSITORIES))?);
    for line in lines {
        serde_json::to_writer(&mut w, line).map_err(io::Error::other)?;
        writeln!(w)?;
    }
    w.flush()?;
    let mut json = serde_json::to_vec_pretty(meta).map_err(io::Error::other)?;
    json.push(b'\n');
    std::fs::write(out.join(META), json)
}

/// A Markdown table cell: no line breaks, no column separators.
fn cell(text: &str) -> String {
    text.replace(['\n', '\r'], " ").replace('|', "\\|")
}

/// `summary.md`: the summary as Markdown tables (for `$GITHUB_STEP_SUMMARY`).
pub fn markdown(s: &SweepSummary) -> String {
    let t = &s.totals;
    let mut md = String::new();
    md.push_str(&format!("# keylint sweep ({} mode)\n\n", s.mode));
    md.push_str("| Repositories | Errors | Files | Bytes | Commits | Findings | Error | Warning | Note | Credentials at HEAD | Credentials only in history |\n");
    md.push_str("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    md.push_str(&format!(
        "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n\n",
        t.repositories,
        t.errors,
        t.files,
        t.bytes,
        t.commits,
        t.findings,
        t.by_severity.error,
        t.by_severity.warning,
        t.by_severity.note,
        t.credentials_at_head,
        t.credentials_history_only
    ));
    if !s.top_repositories.is_empty() {
        md.push_str("## Top repositories\n\n| Repository | Findings |\n|---|---:|\n");
        for r in &s.top_repositories {
            md.push_str(&format!("| {} | {} |\n", cell(&r.repository), r.findings));
        }
        md.push('\n');
    }
    if !s.exchanges.is_empty() {
        md.push_str("## Exchanges\n\n| Exchange | Findings | Repositories |\n|---|---:|---:|\n");
        for e in &s.exchanges {
            md.push_str(&format!("| {} | {} | {} |\n", cell(&e.exchange), e.findings, e.repositories));
        }
        md.push('\n');
    }
    if !s.rules.is_empty() {
        md.push_str("## Rules\n\n| Rule | Findings |\n|---|---:|\n");
        for r in &s.rules {
            md.push_str(&format!("| `{}` | {} |\n", cell(&r.rule), r.findings));
        }
        md.push('\n');
    }
    let timed = s.repositories.iter().any(|r| r.elapsed_ms.is_some());
    md.push_str("## Repositories\n\n| Repository | Files | Bytes | Commits | Findings | Error | Warning | Note | At HEAD | History only |");
    md.push_str(if timed { " Time (ms) | Problem |\n" } else { " Problem |\n" });
    md.push_str("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    md.push_str(if timed { "---:|---|\n" } else { "---|\n" });
    for r in &s.repositories {
        md.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            cell(&r.repository),
            r.files,
            r.bytes,
            r.commits,
            r.findings,
            r.by_severity.error,
            r.by_severity.warning,
            r.by_severity.note,
            r.at_head,
            r.history_only
        ));
        if timed {
            md.push_str(&format!(" {} |", r.elapsed_ms.unwrap_or(0)));
        }
        md.push_str(&format!(" {} |\n", r.error.as_deref().map(cell).unwrap_or_default()));
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Category, CommitInfo};

    fn secret(path: &str, line: usize, value: &str, at_tip: bool, commit: Option<&str>) -> Finding {
        Finding {
            start: Position { line, column: 1, offset: line * 10 },
            value_key: Some(value.to_string()),
            at_tip,
            commit: commit.map(|id| CommitInfo { id: id.into(), author: None, date: None }),
            ..Finding::blank("okx-secret-key", Category::Secret, Severity::Error, path)
        }
    }

    #[test]
    fn one_value_at_many_places_is_one_finding_listing_the_others() {
        let findings = vec![
            secret("a.env", 1, "v1", false, Some("c1")),
            secret("b.env", 2, "v2", true, None),
            secret("vendor/a.env", 3, "v1", true, Some("c2")),
            Finding::blank("parse-error", Category::Parse, Severity::Error, "x.json"),
            Finding::blank("parse-error", Category::Parse, Severity::Error, "y.json"),
        ];
        let out = dedup(findings);
        assert_eq!(out.len(), 4);
        assert_eq!(out[0].finding.path, "a.env");
        // Still at the tip through its other location.
        assert!(out[0].present_at_head);
        assert_eq!(
            out[0].other_locations,
            vec![OtherLocation {
                path: "vendor/a.env".into(),
                start: Position { line: 3, column: 1, offset: 30 },
                commit: Some("c2".into())
            }]
        );
        assert!(out[1].other_locations.is_empty());
        // Findings without a value (not secrets) are never merged.
        assert_eq!((out[2].finding.path.as_str(), out[3].finding.path.as_str()), ("x.json", "y.json"));
        let mut stats = RepoStats::default();
        stats.count(&out);
        assert_eq!((stats.findings, stats.at_head, stats.history_only, stats.by_severity.error), (4, 2, 0, 4));
    }

    #[test]
    fn markdown_cells_cannot_break_the_table() {
        assert_eq!(cell("a|b\nc"), "a\\|b c");
    }
}
