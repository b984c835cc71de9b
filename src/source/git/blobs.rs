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

/// Reads blobs on every rayon worker at once, each worker with its own repository handle and
/// delta-base cache (a gix handle is not `Sync`). History scans are bound by inflating and
/// applying deltas; one thread doing it for all would leave the other cores idle.
pub(crate) struct ParallelReader {
    repo: gix::ThreadSafeRepository,
    /// Handles with warm caches and their decode buffers, handed to whichever task runs next
    /// (at most one per worker).
    handles: std::sync::Mutex<Vec<(gix::Repository, Vec<u8>)>>,
    /// The pack files, read directly where they can be (each delta base decoded once).
    packs: std::sync::Arc<super::packs::Packs>,
}

/// Objects kept per worker: the blobs just read, so the next one, when it is a delta on one of
/// them, costs one delta and not its whole chain (up to 50 deltas in a packed history).
const PACK_CACHE_BYTES: usize = 16 << 20;

/// Decode buffers larger than this are released after their run (bounds RSS per worker).
const SCRATCH_KEEP: usize = 64 << 20;

/// Gives `repo` a delta-base cache of `PACK_CACHE_BYTES` (gix sets none without its
/// `max-performance` feature).
pub(crate) fn set_pack_cache(repo: &mut gix::Repository) {
    repo.objects.set_pack_cache(|| Box::new(gix::odb::pack::cache::lru::MemoryCappedHashmap::new(PACK_CACHE_BYTES)));
}

impl ParallelReader {
    pub(crate) fn new(repo: &gix::Repository) -> ParallelReader {
        ParallelReader {
            repo: repo.clone().into_sync(),
            handles: std::sync::Mutex::new(Vec::new()),
            packs: std::sync::Arc::new(super::packs::Packs::load(repo)),
        }
    }

    /// The packs, for reading trees beside the blobs.
    pub(crate) fn packs(&self) -> std::sync::Arc<super::packs::Packs> {
        self.packs.clone()
    }

    fn handle(&self) -> (gix::Repository, Vec<u8>) {
        let pooled = self.handles.lock().ok().and_then(|mut h| h.pop());
        pooled.unwrap_or_else(|| {
            let mut repo = self.repo.to_thread_local();
            set_pack_cache(&mut repo);
            (repo, Vec::new())
        })
    }

    fn give_back(&self, mut repo: (gix::Repository, Vec<u8>)) {
        // A buffer grown for one huge blob is not kept.
        if repo.1.capacity() > SCRATCH_KEEP {
            repo.1 = Vec::new();
        }
        if let Ok(mut h) = self.handles.lock() {
            h.push(repo);
        }
    }

    /// The sizes of `ids` from their headers (`size`), in order.
    pub(crate) fn sizes(&self, ids: &[gix::ObjectId]) -> Vec<Option<u64>> {
        use rayon::prelude::*;
        let run = ids.len().div_ceil(rayon::current_num_threads().max(1) * 2).max(1);
        let runs: Vec<Vec<Option<u64>>> = ids
            .par_chunks(run)
            .map(|run| {
                let repo = self.handle();
                let out = run.iter().map(|&id| size(&repo.0, id)).collect();
                self.give_back(repo);
                out
            })
            .collect();
        runs.into_iter().flatten().collect()
    }

    /// The contents of `ids` (with their sizes from `sizes`), in order (as `content` gives
    /// them).
    pub(crate) fn contents(&self, ids: &[(gix::ObjectId, Option<u64>)], max_size: u64) -> Vec<Content> {
        use rayon::prelude::*;
        let wanted: Vec<Option<super::packs::Position>> = ids
            .par_iter()
            .map(|&(id, size)| size.filter(|&s| s <= max_size).and_then(|_| self.packs.position(&id)))
            .collect();
        let mut read: Vec<Option<std::sync::Arc<Vec<u8>>>> = self.packs.read(&wanted);
        // The rest through gix, in pack order (bases before their deltas), one contiguous run per
        // worker so a run stays on one handle's cache.
        let mut rest: Vec<usize> = (0..ids.len()).filter(|&i| read[i].is_none()).collect();
        rest.sort_by_key(|&i| wanted[i].unwrap_or((usize::MAX, 0)));
        let run = rest.len().div_ceil(rayon::current_num_threads().max(1)).max(1);
        let runs: Vec<Vec<(usize, Content)>> = rest
            .par_chunks(run)
            .map(|run| {
                let mut repo = self.handle();
                let (handle, scratch) = (&repo.0, &mut repo.1);
                let out = run.iter().map(|&i| (i, read_content(handle, ids[i], max_size, scratch))).collect();
                self.give_back(repo);
                out
            })
            .collect();
        let mut contents: Vec<Option<Content>> = read.iter_mut().map(|r| r.take().map(Content::Shared)).collect();
        for (i, content) in runs.into_iter().flatten() {
            contents[i] = Some(content);
        }
        contents.into_iter().map(|c| c.unwrap_or_else(|| Content::Unreadable("blob not read".into()))).collect()
    }
}

/// Reads one blob through gix (its size known from its header).
fn read_content(
    repo: &gix::Repository,
    (id, size): (gix::ObjectId, Option<u64>),
    max_size: u64,
    scratch: &mut Vec<u8>,
) -> Content {
    match size {
        // The header lookup failed before: once more, for its message.
        None => content(repo, id, max_size),
        Some(size) if size > max_size => Content::Skipped("too-large"),
        Some(_) => match super::read_blob_with(repo, id, scratch) {
            Ok(bytes) => Content::Bytes(bytes),
            Err(e) => Content::Unreadable(e),
        },
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
    // Outside a partial clone there is nothing to fetch: no lookups.
    let Some(remote) = promisor_remote(repo) else { return Ok(0) };
    let mut missing: Vec<gix::ObjectId> = ids.into_iter().filter(|id| !repo.has_object(id)).collect();
    if missing.is_empty() {
        return Ok(0);
    }
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
