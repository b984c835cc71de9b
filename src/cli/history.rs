//! `scan --history`: scan git history chunk by chunk and keep each secret once, at the commit
//! that introduced it.

use super::run::Failure;
use crate::diagnostic::Finding;
use crate::report::Summary;
use crate::scan::{scan, sort_findings, ScanContext};
use crate::source::git::{self, DiffRange, HistoryOptions, Origin, SourceError};
use crate::source::{Artifact, Provenance};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// Scans history chunk by chunk (files matching `exclude` left out), so only one chunk of blobs is in memory at a time, then keeps
/// each secret once: at the oldest commit that introduced it (a later blob of the same file
/// still holding the same key is the same leak, not a new one). With `--since`, secrets already
/// present just before the range are not new in it and are dropped.
pub fn scan_history(
    repo: &Path,
    options: &HistoryOptions,
    exclude: &globset::GlobSet,
    ctx: &ScanContext,
) -> Result<(Vec<Finding>, Summary), Failure> {
    let mut findings = Vec::new();
    let mut summary = Summary::default();
    let mut commit_order: HashMap<String, usize> = HashMap::new();
    let mut before_range: HashSet<String> = HashSet::new();
    // The commits before `--since` and those in its range each have their own.
    let mut revisions: [git::Revisions; 2] = Default::default();
    let mut scan_chunk = |mut chunk: Vec<Artifact>, origin: Origin| {
        // `[scan] exclude` / `--exclude`: never scanned, as in the working tree.
        if !exclude.is_empty() {
            chunk.retain(|a| !exclude.is_match(&a.path));
        }
        // What is new in each later version of a file: done here, beside the reading of the
        // next chunk, rather than there, ahead of this one's scan.
        revisions[usize::from(origin == Origin::InRange)].revise(&mut chunk);
        if origin == Origin::BeforeRange {
            before_range.extend(scan(&chunk, ctx).0.into_iter().map(|f| f.fingerprint));
            return;
        }
        for a in &chunk {
            if let Provenance::Commit(c) = &a.provenance {
                if !commit_order.contains_key(&c.id) {
                    commit_order.insert(c.id.clone(), commit_order.len());
                }
            }
        }
        crate::progress::commits_done(commit_order.len() as u64);
        let (f, s) = scan(&chunk, ctx);
        findings.extend(f);
        summary.add_scanned(s);
    };
    let stats = if rayon::current_thread_index().is_some() {
        // On a worker (a sweep scans repositories in parallel), waiting for another thread
        // would hold a worker that thread may need: each chunk is scanned as it is read.
        git::history_each(repo, options, scan_chunk)
    } else {
        // The history is read on a thread of its own while the chunk before is scanned: its
        // serial parts then overlap the scan instead of idling the workers. One chunk waits at
        // most, so memory stays bounded; chunks are scanned in the order they were read.
        let (send, receive) = std::sync::mpsc::sync_channel::<(Vec<Artifact>, Origin)>(0);
        std::thread::scope(|scope| {
            let reader = scope.spawn(move || {
                git::history_each(repo, options, |chunk, origin| {
                    // The receiver only hangs up after the walk ends.
                    let _ = send.send((chunk, origin));
                })
            });
            for (chunk, origin) in receive {
                scan_chunk(chunk, origin);
            }
            reader.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
    }
    .map_err(|e| Failure::Usage(e.to_string()))?;
    summary.commits_scanned = stats.commits;
    let order = |f: &Finding| f.commit.as_ref().and_then(|c| commit_order.get(&c.id).copied()).unwrap_or(usize::MAX);
    let mut first: HashMap<String, usize> = HashMap::new();
    for f in &findings {
        let o = order(f);
        first.entry(f.fingerprint.clone()).and_modify(|best| *best = (*best).min(o)).or_insert(o);
    }
    // A secret kept at its oldest commit is still at a tip if any later blob holding it is.
    let at_tip: HashSet<String> = findings.iter().filter(|f| f.at_tip).map(|f| f.fingerprint.clone()).collect();
    findings.retain(|f| first.get(&f.fingerprint) == Some(&order(f)) && !before_range.contains(&f.fingerprint));
    for f in &mut findings {
        f.at_tip = at_tip.contains(&f.fingerprint);
    }
    sort_findings(&mut findings);
    Ok((findings, summary))
}

/// Resolves `--commits BASE[..HEAD]` (or `BASE...HEAD`, the same here: the commits reachable
/// from HEAD and not from BASE) to two commit ids, with an actionable error when one is not in
/// this clone.
pub fn commit_range(repo: &Path, spec: &str) -> Result<(String, String), Failure> {
    let range = DiffRange::parse(spec);
    let failure = |e: SourceError| Failure::Usage(e.to_string());
    let repository = git::open(repo).map_err(failure)?;
    let base = git::resolve_commit(&repository, &range.base, "base").map_err(failure)?;
    let head = git::resolve_commit(&repository, range.head.as_deref().unwrap_or("HEAD"), "head").map_err(failure)?;
    Ok((base.to_string(), head.to_string()))
}
