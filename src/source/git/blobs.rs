//! Reading blobs with bounded memory, and the blobs a partial clone lacks.
//!
//! The object header gives a blob's size without inflating it, so a 1 GB blob that packs to
//! 1 MB is skipped as `too-large` at the cost of a few bytes of zlib. In a partial clone
//! (`git clone --filter=blob:none`) most historical blobs are absent: they are fetched from the
//! promisor remote with `git fetch` in batches, the way git's own lazy fetch does it, but for
//! thousands of blobs at once. This is the one case keylint runs `git fetch`; `--no-fetch`
//! turns it off, and the scan then fails once with an instruction instead of reporting an
//! `io-error` per missing blob.

use super::SourceError;
use crate::source::Content;
use std::io::Write;
use std::process::{Command, Stdio};

/// How git sources read blobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlobPolicy {
    /// Blobs larger than this (by their header) are never inflated: `too-large`.
    pub max_size: u64,
    /// Fetch the blobs a partial clone lacks from its promisor remote.
    pub fetch_missing: bool,
}

impl Default for BlobPolicy {
    fn default() -> Self {
        BlobPolicy { max_size: u64::MAX, fetch_missing: true }
    }
}

/// Object ids given to one `git fetch`.
const FETCH_BATCH: usize = 4096;

/// A blob as the pipeline gets it: its bytes, or why not.
pub(crate) fn content(repo: &gix::Repository, id: gix::ObjectId, max_size: u64) -> Content {
    match repo.try_find_header(id) {
        Ok(None) => Content::Unreadable(format!("blob {id} is missing from the object database")),
        Ok(Some(header)) if header.size() > max_size => Content::Skipped("too-large"),
        Ok(Some(_)) => match super::read_blob(repo, id) {
            Ok(bytes) => Content::Bytes(bytes),
            Err(e) => Content::Unreadable(e),
        },
        Err(e) => Content::Unreadable(format!("cannot read blob {id}: {e}")),
    }
}

/// The size of a blob from its header, if it can be read.
pub(crate) fn size(repo: &gix::Repository, id: gix::ObjectId) -> Option<u64> {
    repo.try_find_header(id).ok().flatten().map(|h| h.size())
}

/// The promisor remote of a partial clone (`extensions.partialClone`, or a remote with
/// `promisor = true`).
pub(crate) fn promisor_remote(repo: &gix::Repository) -> Option<String> {
    let config = repo.config_snapshot();
    if let Some(name) = config.string("extensions.partialClone") {
        return Some(name.to_string());
    }
    repo.remote_names()
        .into_iter()
        .map(|name| name.to_string())
        .find(|name| config.boolean(format!("remote.{name}.promisor").as_str()) == Some(true))
}

/// Makes `ids` present before they are read: in a partial clone the missing ones are fetched
/// from the promisor remote (or, with `--no-fetch`, the scan stops with an instruction).
/// Elsewhere a missing blob stays missing and becomes an `io-error` when read.
pub(crate) fn ensure_present(
    repo: &gix::Repository,
    ids: impl IntoIterator<Item = gix::ObjectId>,
    policy: &BlobPolicy,
) -> Result<usize, SourceError> {
    let mut missing: Vec<gix::ObjectId> = ids.into_iter().filter(|id| !repo.has_object(id)).collect();
    if missing.is_empty() {
        return Ok(0);
    }
    let Some(remote) = promisor_remote(repo) else { return Ok(0) };
    missing.sort_unstable();
    missing.dedup();
    if !policy.fetch_missing {
        return Err(SourceError::PartialClone { missing: missing.len(), remote });
    }
    for batch in missing.chunks(FETCH_BATCH) {
        fetch(repo, &remote, batch)?;
    }
    Ok(missing.len())
}

/// `git fetch` of exactly these objects from `remote`, as git's lazy fetch does it (no
/// negotiation, no tags, no FETCH_HEAD, no submodules; the ids on standard input).
fn fetch(repo: &gix::Repository, remote: &str, ids: &[gix::ObjectId]) -> Result<(), SourceError> {
    let failed = |why: String| SourceError::FetchFailed { missing: ids.len(), remote: remote.to_string(), why };
    let mut child = Command::new("git")
        .arg("--git-dir")
        .arg(repo.git_dir())
        .args(["-c", "fetch.negotiationAlgorithm=noop", "fetch", "--quiet", remote])
        .args(["--no-tags", "--no-write-fetch-head", "--recurse-submodules=no", "--filter=blob:none", "--stdin"])
        .env_remove("GIT_INDEX_FILE")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| failed(format!("cannot run git: {e}")))?;
    if let Some(mut stdin) = child.stdin.take() {
        let list: String = ids.iter().map(|id| format!("{id}\n")).collect();
        stdin.write_all(list.as_bytes()).map_err(|e| failed(format!("cannot talk to git: {e}")))?;
    }
    let out = child.wait_with_output().map_err(|e| failed(format!("git did not finish: {e}")))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("no message");
        return Err(failed(format!("git fetch failed: {}", crate::redact::sanitize_terminal(last.trim()))));
    }
    Ok(())
}
