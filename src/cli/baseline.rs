//! `keylint baseline create` and `scan --baseline FILE`.

use super::plan::{ScanPlan, SourceMode};
use super::run::Failure;
use crate::diagnostic::Finding;
use crate::filter::baseline::{self, Baseline, BaselineEntry};
use crate::report::Summary;
use std::io::Write;
use std::path::PathBuf;

/// Writes every finding's fingerprint to the baseline file (`--output`, default
/// `.keylint-baseline.json`).
pub fn create(plan: &ScanPlan, findings: &[Finding]) -> Result<(), Failure> {
    let created = Baseline::create(findings);
    let path = plan.output.clone().unwrap_or_else(|| PathBuf::from(baseline::DEFAULT_PATH));
    created.save(&path).map_err(|e| Failure::Usage(e.to_string()))?;
    if !plan.quiet {
        eprintln!("keylint: wrote {} baseline entries to {}", created.entries.len(), path.display());
    }
    Ok(())
}

/// Drops findings accepted by the plan's baseline (if any); counts them and records stale
/// entries in the summary, and lists the stale entries on stderr.
pub fn apply(plan: &ScanPlan, findings: &mut Vec<Finding>, summary: &mut Summary) -> Result<(), Failure> {
    let Some(path) = &plan.baseline else { return Ok(()) };
    let loaded = Baseline::load(path).map_err(|e| Failure::Usage(e.to_string()))?;
    let before = findings.len();
    let (kept, stale) = baseline::apply(std::mem::take(findings), &loaded);
    summary.baselined = (before - kept.len()) as u64;
    *findings = kept;
    // A diff, a commit range or the index holds only part of the tree: entries for files
    // outside it are not stale, just not looked at.
    if matches!(plan.source, SourceMode::Tree | SourceMode::History { .. }) {
        if !plan.quiet {
            report_stale(&stale);
        }
        summary.stale_baseline = stale;
    }
    Ok(())
}

fn report_stale(stale: &[BaselineEntry]) {
    if stale.is_empty() {
        return;
    }
    let mut err = std::io::stderr().lock();
    let one = stale.len() == 1;
    let _ = writeln!(
        err,
        "keylint: {} no longer {} any finding; remove {} or recreate the baseline with `keylint baseline create`:",
        if one { "1 baseline entry".to_string() } else { format!("{} baseline entries", stale.len()) },
        if one { "matches" } else { "match" },
        if one { "it" } else { "them" },
    );
    for e in stale {
        let _ = writeln!(err, "  {}:{}: {} ({})", e.path, e.line, e.rule, e.fingerprint);
    }
}
