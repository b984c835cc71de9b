//! Reporters: one file per output format, each rendering the same `Report`.
//! Workers never print; the reporter runs once, after findings are sorted.

pub mod github;
pub mod sarif;
pub mod sweep_html;

use crate::diagnostic::{Finding, Severity};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// Totals printed at the end of a run (spec/output.md `summary`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub files_scanned: u64,
    pub bytes_scanned: u64,
    pub findings: u64,
    pub by_severity: BTreeMap<String, u64>,
    pub elapsed_ms: u64,
    /// Files not scanned, by reason (`binary`, `too-large`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub skipped: BTreeMap<String, u64>,
    /// The files behind `skipped`: (path, reason), for `-v`; not part of the JSON summary.
    #[serde(skip)]
    pub skipped_files: Vec<(String, String)>,
    /// Findings silenced by inline `keylint:allow` comments.
    #[serde(skip_serializing_if = "is_zero")]
    pub suppressed: u64,
    /// Findings hidden because their fingerprint is in the baseline.
    #[serde(skip_serializing_if = "is_zero")]
    pub baselined: u64,
    /// Baseline entries that matched no finding (the baseline can shrink).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stale_baseline: Vec<crate::filter::baseline::BaselineEntry>,
    /// With `--history`: commits walked.
    #[serde(skip_serializing_if = "is_zero")]
    pub commits_scanned: u64,
}

impl Summary {
    /// Adds what another scan of other files counted: files, bytes, suppressed and skipped
    /// (findings and the rest are counted once, at the end).
    pub fn add_scanned(&mut self, other: Summary) {
        self.files_scanned += other.files_scanned;
        self.bytes_scanned += other.bytes_scanned;
        self.suppressed += other.suppressed;
        for (reason, n) in other.skipped {
            *self.skipped.entry(reason).or_default() += n;
        }
        self.skipped_files.extend(other.skipped_files);
    }
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// What a reporter needs to know about a rule (SARIF `rules`, `explain`, `rules list`).
#[derive(Debug, Clone, Serialize)]
pub struct RuleInfo {
    pub id: String,
    /// `secret`, `policy`, `config`, `io`, `parse`.
    pub category: String,
    pub severity: Severity,
    pub exchange: Option<String>,
    pub description: String,
    pub help: String,
}

/// Everything a reporter renders.
pub struct Report<'a> {
    pub findings: &'a [Finding],
    pub summary: &'a Summary,
    pub rules: &'a [RuleInfo],
    /// Print secrets whole (`--show-secrets`): the reporters do not re-redact.
    pub show_secrets: bool,
    /// Use colour (human format on a terminal).
    pub color: bool,
    /// Columns the human format wraps at.
    pub width: usize,
}

/// The finding with terminal control characters in every text field (path, message, help,
/// snippet, excerpt, labels, commit author) replaced, for formats a terminal or a CI log shows
/// as is (human, github). Lengths are kept, so excerpt offsets stay valid.
pub fn terminal_safe(f: &Finding) -> std::borrow::Cow<'_, Finding> {
    use crate::redact::sanitize_terminal as clean;
    let dirty = |s: &str| matches!(clean(s), std::borrow::Cow::Owned(_));
    let any = dirty(&f.path)
        || dirty(&f.message)
        || dirty(&f.help)
        || dirty(&f.snippet)
        || dirty(&f.rule)
        || f.exchange.as_deref().is_some_and(dirty)
        || f.commit.as_ref().is_some_and(|c| c.author.as_deref().is_some_and(dirty))
        || f.excerpt.as_ref().is_some_and(|e| dirty(&e.text) || e.related.iter().any(|r| dirty(&r.2)));
    if !any {
        return std::borrow::Cow::Borrowed(f);
    }
    let mut f = f.clone();
    for s in [&mut f.path, &mut f.message, &mut f.help, &mut f.snippet, &mut f.rule] {
        *s = clean(s).into_owned();
    }
    if let Some(e) = &mut f.exchange {
        *e = clean(e).into_owned();
    }
    if let Some(a) = f.commit.as_mut().and_then(|c| c.author.as_mut()) {
        *a = clean(a).into_owned();
    }
    if let Some(ex) = &mut f.excerpt {
        ex.text = clean(&ex.text).into_owned();
        for r in &mut ex.related {
            r.2 = clean(&r.2).into_owned();
        }
    }
    std::borrow::Cow::Owned(f)
}

/// One output format.
pub trait Reporter {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()>;
}

pub mod human;
pub mod json;
pub mod jsonl;
