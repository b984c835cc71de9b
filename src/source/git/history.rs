//! `--history`: every blob reachable from the selected commits, each scanned once (deduplicated
//! by blob id) and attributed to the oldest commit that introduced it, so a key that was
//! committed and deleted later is still found, with the commit to rotate it from.
//!
//! Commits are visited parents-first; for each commit, trees already visited are skipped whole
//! (every blob under a seen tree was seen), so the cost is one read per unique tree and blob,
//! not per commit × file.
//!
//! Secrets are searched for in every blob, but declaration policies only in blobs the tip of a
//! scanned ref still holds (`Artifact::current`): a manifest fixed since is not a violation.

use super::blobs::{self, BlobPolicy};
use super::{commit_tree, git_err, join, open, resolve_commit, walk_with, SourceError, TreeSource};
use crate::diagnostic::CommitInfo;
use crate::source::{Artifact, Content, Provenance};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::path::Path;

/// A set of object ids hashed by their first bytes (they are already uniformly random): the
/// walk checks every entry of every new tree against it.
type IdSet = gix::hashtable::HashSet<gix::ObjectId>;

/// What to walk.
#[derive(Debug, Clone, Default)]
pub struct HistoryOptions {
    /// Only commits after this revision (exclusive) or on/after this date (`YYYY-MM-DD`, UTC).
    pub since: Option<String>,
    /// Branches or other revisions to start from (default `HEAD`).
    pub branches: Vec<String>,
    /// Start from every reference instead.
    pub all: bool,
    /// Hand artifacts to the callback once their contents add up to this many bytes
    /// (default 32 MiB), so a large history never sits in memory whole.
    pub chunk_bytes: usize,
    /// Only blobs at these paths (empty: every path).
    pub paths: super::Pathspec,
    /// Size limit (checked on object headers) and partial-clone fetching.
    pub blobs: BlobPolicy,
}

/// Which side of `--since` a chunk of artifacts comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Blobs of the commits just before the range (only with `--since`): not to be reported,
    /// but a secret found in them was not introduced in the range either.
    BeforeRange,
    /// Blobs first introduced by a commit in the range.
    InRange,
}

/// Totals of a history walk, for the summary and the benchmark.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HistoryStats {
    pub commits: u64,
    pub blobs: u64,
    pub bytes: u64,
}

/// Every unique blob of the selected history, sorted by path then commit order.
pub fn history(
    repo_path: &Path,
    since: Option<&str>,
    branches: &[String],
    all: bool,
) -> Result<Vec<Artifact>, SourceError> {
    let options = HistoryOptions {
        since: since.map(str::to_string),
        branches: branches.to_vec(),
        all,
        chunk_bytes: usize::MAX,
        paths: Default::default(),
        blobs: BlobPolicy::default(),
    };
    let mut out = Vec::new();
    history_each(repo_path, &options, |chunk, origin| {
        if origin == Origin::InRange {
            out.extend(chunk)
        }
    })?;
    super::Revisions::default().revise(&mut out);
    // Stable: within a path, artifacts keep commit order.
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// Walks the history and hands artifacts to `sink` in chunks, oldest commit first. With
/// `--since`, the blobs of the commits just outside the range come first, as `BeforeRange`.
pub fn history_each(
    repo_path: &Path,
    options: &HistoryOptions,
    mut sink: impl FnMut(Vec<Artifact>, Origin),
) -> Result<HistoryStats, SourceError> {
    let mut repo = open(repo_path)?;
    // This handle walks the commits and the tips' trees; the tree walk has its own.
    repo.object_cache_size_if_unset(32 * 1024 * 1024);
    blobs::set_pack_cache(&mut repo);
    let repo = repo;
    // The packs are opened (their deltas counted) on a thread of their own while the commits
    // are listed: both are serial, and the workers have nothing to do until they are done.
    let loading = {
        let repo = repo.clone().into_sync();
        std::thread::spawn(move || blobs::ParallelReader::new(&repo.to_thread_local()))
    };

    let tips = tips(&repo, options)?;
    let current = tip_blobs(&repo, &tips, &options.paths);
    let (hidden, since_time) = match &options.since {
        None => (Vec::new(), None),
        Some(s) => match parse_date(s) {
            Some(t) => (Vec::new(), Some(t)),
            None => {
                let id = resolve_commit(&repo, s, "--since revision").map_err(|_| SourceError::BadSince(s.clone()))?;
                (vec![id], None)
            }
        },
    };

    let mut commits = Vec::new();
    // Time-ordered sorting is what makes gix fill in `commit_time` (needed for a date `--since`).
    let walk = repo
        .rev_walk(tips)
        .sorting(gix::revision::walk::Sorting::ByCommitTime(Default::default()))
        .with_hidden(hidden)
        .all()
        .map_err(git_err)?;
    // A commit the walk cannot read (a corrupt or incomplete clone) ends the walk there: what
    // was walked is still scanned, and the gap is reported as a finding, not a lost run.
    let mut broken: Option<String> = None;
    for info in walk {
        let info = match info {
            Ok(info) => info,
            Err(e) => {
                broken = Some(e.to_string());
                break;
            }
        };
        let time = info.commit_time.unwrap_or_default();
        if since_time.is_some_and(|since| time < since) {
            continue;
        }
        commits.push(Node { id: info.id, parents: info.parent_ids.to_vec(), time });
    }
    let order = parents_first(&commits);

    // Blobs that already existed just outside the selected range (the `--since` boundary) are
    // not new in it. They are handed over as `BeforeRange` so that a key they hold is not
    // reported when a later blob of the same file (an edit of another line) still has it.
    let selected: IdSet = commits.iter().map(|c| c.id).collect();
    let mut boundary: Vec<gix::ObjectId> =
        commits.iter().flat_map(|c| c.parents.iter().copied()).filter(|p| !selected.contains(p)).collect();
    boundary.sort();
    boundary.dedup();
    if options.since.is_none() {
        boundary.clear();
    }
    let range: Vec<gix::ObjectId> = order.iter().map(|&i| commits[i].id).collect();
    let chunk_bytes = if options.chunk_bytes == 0 { 32 << 20 } else { options.chunk_bytes };
    // Blobs just before the range only tell what is not new in it, declarations included (a
    // manifest's old violation is not the range's doing): all of them count as current.
    // One reader (pack indexes, handles with warm caches) for both sides of `--since`.
    let reader = std::sync::Arc::new(loading.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
    let mut before = Chunker::new(reader.clone(), chunk_bytes, Origin::BeforeRange, options, None);
    let packs = reader.packs();
    let mut in_range = Chunker::new(reader, chunk_bytes, Origin::InRange, options, Some(current));

    // The trees are walked on a thread of their own while the blobs found so far are read (on
    // the workers) and handed over: the walk is serial, and would otherwise leave them idle.
    let (send, receive) = std::sync::mpsc::sync_channel::<Walked>(WALK_AHEAD);
    let walker_repo = repo.clone().into_sync();
    let paths = &options.paths;
    std::thread::scope(|scope| -> Result<(), SourceError> {
        let walker = scope.spawn(move || walk_commits(walker_repo, packs, &boundary, &range, paths, send));
        let mut chunker = &mut before;
        let mut result = Ok(());
        for walked in receive.iter() {
            result = match walked {
                Walked::Blobs(new_blobs) => chunker.add(&repo, new_blobs, &mut sink),
                Walked::Unreadable(info, why) => {
                    chunker.unreadable_commit(info, &why);
                    Ok(())
                }
                Walked::BoundaryDone => {
                    let done = before.finish(&repo, &mut sink);
                    chunker = &mut in_range;
                    done
                }
            };
            if result.is_err() {
                break;
            }
        }
        // Hanging up stops the walker at its next send (after a failure here).
        drop(receive);
        // A panic of the walker goes on here.
        walker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        result
    })?;
    if let Some(why) = broken {
        let tip = order.last().map(|&i| commits[i].id);
        in_range.unreadable_history(tip, &why);
    }
    in_range.finish(&repo, &mut sink)?;
    Ok(HistoryStats { commits: order.len() as u64, ..in_range.stats })
}

/// What the tree walk hands to the reader, in commit order.
enum Walked {
    /// The blobs the next commits introduce.
    Blobs(Vec<Pending>),
    /// A commit whose tree (or part of it) cannot be read, and why.
    Unreadable(CommitInfo, String),
    /// The commits just before the `--since` range are walked; the range's come next.
    BoundaryDone,
}

/// Messages the walk may run ahead of the reader.
const WALK_AHEAD: usize = 64;
/// Blobs sent at once: a message per commit would wake the reader thousands of times.
const WALK_BATCH: usize = 512;

/// The sending end of the walk: blobs are sent in batches, everything else after the blobs
/// before it. A send fails only when the reader stopped (an error); then the walk stops too.
struct WalkSender {
    send: std::sync::mpsc::SyncSender<Walked>,
    blobs: Vec<Pending>,
}

impl WalkSender {
    fn blobs(&mut self, new_blobs: impl IntoIterator<Item = Pending>) -> bool {
        self.blobs.extend(new_blobs);
        self.blobs.len() < WALK_BATCH || self.flush()
    }

    fn flush(&mut self) -> bool {
        self.blobs.is_empty() || self.send.send(Walked::Blobs(std::mem::take(&mut self.blobs))).is_ok()
    }

    fn other(&mut self, walked: Walked) -> bool {
        self.flush() && self.send.send(walked).is_ok()
    }
}

/// Walks the trees of the `--since` boundary's commits, then of the range's, parents first,
/// and sends the blobs each commit introduces (those under trees not seen before).
fn walk_commits(
    repo: gix::ThreadSafeRepository,
    packs: std::sync::Arc<super::packs::Packs>,
    boundary: &[gix::ObjectId],
    range: &[gix::ObjectId],
    paths: &super::Pathspec,
    send: std::sync::mpsc::SyncSender<Walked>,
) {
    let mut repo = repo.to_thread_local();
    // Commits are parsed twice (walk, then attribution); keep them cached. Trees are deltas on
    // their other versions: without a pack cache, each would cost its whole chain.
    repo.object_cache_size_if_unset(32 * 1024 * 1024);
    blobs::set_pack_cache(&mut repo);
    let mut trees = WalkTrees { repo: &repo, chains: super::packs::ChainReader::new(packs, TREE_CHAIN_BYTES) };
    let mut seen_trees = IdSet::default();
    let mut seen_blobs = IdSet::default();
    let mut send = WalkSender { send, blobs: Vec::new() };
    for &parent in boundary {
        // In a shallow clone the parent may be absent; then there is nothing to exclude.
        if let Ok(tree) = commit_tree(&repo, parent) {
            if !walk_commit(&mut trees, parent, tree, paths, &mut seen_trees, &mut seen_blobs, &mut send) {
                return;
            }
        }
    }
    if !send.other(Walked::BoundaryDone) {
        return;
    }
    for &id in range {
        let sent = match commit_tree(&repo, id) {
            Ok(tree) => walk_commit(&mut trees, id, tree, paths, &mut seen_trees, &mut seen_blobs, &mut send),
            Err(e) => send.other(Walked::Unreadable(commit_info(&repo, id), format!("its tree cannot be read ({e})"))),
        };
        if !sent {
            return;
        }
    }
    send.flush();
}

/// Bytes of trees the walk keeps decoded (see `ChainReader`).
const TREE_CHAIN_BYTES: usize = 16 << 20;

/// The walk's trees: from the packs with the chains just decoded kept, else through gix.
struct WalkTrees<'r> {
    repo: &'r gix::Repository,
    chains: super::packs::ChainReader,
}

impl TreeSource for WalkTrees<'_> {
    fn tree(&mut self, id: &gix::oid, buf: &mut Vec<u8>) -> Result<(), SourceError> {
        match self.chains.object(id) {
            Some((gix::objs::Kind::Tree, bytes)) => {
                buf.clear();
                buf.extend_from_slice(&bytes);
                Ok(())
            }
            _ => { self.repo }.tree(id, buf),
        }
    }
}

/// Sends the blobs `commit` introduces; false if the reader stopped.
fn walk_commit(
    trees: &mut WalkTrees,
    commit: gix::ObjectId,
    tree: gix::ObjectId,
    paths: &super::Pathspec,
    seen_trees: &mut IdSet,
    seen_blobs: &mut IdSet,
    send: &mut WalkSender,
) -> bool {
    let mut new_blobs = Vec::new();
    let repo = trees.repo;
    let walked = walk_tree(trees, repo.object_hash(), tree, paths, seen_trees, seen_blobs, &mut |path, blob| {
        new_blobs.push((path, blob))
    });
    if let Err(e) = walked {
        // A missing subtree: what was walked is kept, the gap is reported on the commit.
        let why = format!("part of its tree cannot be read ({e})");
        if !send.other(Walked::Unreadable(commit_info(repo, commit), why)) {
            return false;
        }
    }
    if new_blobs.is_empty() {
        return true;
    }
    let info = std::sync::Arc::new(commit_info(repo, commit));
    send.blobs(new_blobs.into_iter().map(|(path, blob)| Pending { path, blob, commit: info.clone() }))
}

/// A blob to read: where it was first met.
struct Pending {
    path: String,
    blob: gix::ObjectId,
    commit: std::sync::Arc<CommitInfo>,
}

/// Blobs whose presence is checked (and, in a partial clone, fetched) at once.
const READ_BATCH: usize = 4096;

/// Collects the new blobs of commits, reads them in batches (fetching those a partial clone
/// lacks) and hands them over in chunks of about `limit` bytes.
struct Chunker {
    limit: usize,
    origin: Origin,
    blobs: BlobPolicy,
    pending: Vec<Pending>,
    chunk: Vec<Artifact>,
    size: usize,
    stats: HistoryStats,
    /// The blobs of the tips (`tip_blobs`): only these are `current`. `None`: every blob is.
    current: Option<IdSet>,
    /// Reads the blobs on every worker.
    reader: std::sync::Arc<blobs::ParallelReader>,
}

impl Chunker {
    fn new(
        reader: std::sync::Arc<blobs::ParallelReader>,
        limit: usize,
        origin: Origin,
        options: &HistoryOptions,
        current: Option<IdSet>,
    ) -> Chunker {
        Chunker {
            reader,
            limit,
            origin,
            blobs: options.blobs,
            pending: Vec::new(),
            chunk: Vec::new(),
            size: 0,
            stats: HistoryStats::default(),
            current,
        }
    }

    /// Adds the blobs a commit introduces, and reads them once there are enough.
    fn add(
        &mut self,
        repo: &gix::Repository,
        new_blobs: Vec<Pending>,
        sink: &mut impl FnMut(Vec<Artifact>, Origin),
    ) -> Result<(), SourceError> {
        self.pending.extend(new_blobs);
        if self.pending.len() >= READ_BATCH {
            self.read_pending(repo, sink)?;
        }
        Ok(())
    }

    /// Reads the pending blobs (after fetching those a partial clone lacks), checking each
    /// header's size before inflating it. Blobs are read in segments that fill the current
    /// chunk (by header sizes), each segment on all workers at once; they are then added in
    /// order, so chunks are cut exactly where a one-by-one read would cut them.
    fn read_pending(
        &mut self,
        repo: &gix::Repository,
        sink: &mut impl FnMut(Vec<Artifact>, Origin),
    ) -> Result<(), SourceError> {
        blobs::ensure_present(repo, self.pending.iter().map(|p| p.blob), &self.blobs)?;
        let pending = std::mem::take(&mut self.pending);
        let all: Vec<gix::ObjectId> = pending.iter().map(|p| p.blob).collect();
        let sizes = self.reader.sizes(&all);
        let mut start = 0;
        while start < pending.len() {
            let room = self.limit.saturating_sub(self.size);
            let mut end = start;
            let mut bytes = 0usize;
            while end < pending.len() && (end == start || bytes < room) {
                if let Some(size) = sizes[end].filter(|&s| s <= self.blobs.max_size) {
                    bytes = bytes.saturating_add(size as usize);
                }
                end += 1;
            }
            let ids: Vec<(gix::ObjectId, Option<u64>)> =
                pending[start..end].iter().zip(&sizes[start..end]).map(|(p, &size)| (p.blob, size)).collect();
            let contents = self.reader.contents(&ids, self.blobs.max_size);
            for (p, content) in pending[start..end].iter().zip(contents) {
                if let Some(bytes) = content.bytes() {
                    self.stats.blobs += 1;
                    self.stats.bytes += bytes.len() as u64;
                    self.size += bytes.len();
                }
                let provenance = Provenance::Commit(p.commit.clone());
                let current = self.current.as_ref().is_none_or(|tip| tip.contains(&p.blob));
                self.chunk.push(Artifact {
                    path: p.path.clone(),
                    content,
                    provenance,
                    changed_lines: None,
                    revised: None,
                    current,
                });
                if self.size >= self.limit {
                    self.emit(sink);
                }
            }
            start = end;
        }
        Ok(())
    }

    /// A commit whose tree (or part of it) cannot be read: one `io-error` on that commit.
    fn unreadable_commit(&mut self, info: CommitInfo, why: &str) {
        self.chunk.push(Artifact {
            path: ".".into(),
            content: Content::Unreadable(format!("commit {}: {why}; its files were not scanned", info.id)),
            provenance: Provenance::Commit(std::sync::Arc::new(info)),
            changed_lines: None,
            revised: None,
            current: false,
        });
    }

    /// The history walk stopped at an unreadable commit: one `io-error` saying so.
    fn unreadable_history(&mut self, tip: Option<gix::ObjectId>, why: &str) {
        let provenance = match tip {
            Some(id) => {
                Provenance::Commit(std::sync::Arc::new(CommitInfo { id: id.to_string(), author: None, date: None }))
            }
            None => Provenance::Index,
        };
        self.chunk.push(Artifact {
            path: ".".into(),
            content: Content::Unreadable(format!(
                "the history walk stopped at a commit that cannot be read ({why}); older commits were not scanned"
            )),
            provenance,
            changed_lines: None,
            revised: None,
            current: false,
        });
    }

    fn emit(&mut self, sink: &mut impl FnMut(Vec<Artifact>, Origin)) {
        if !self.chunk.is_empty() {
            sink(std::mem::take(&mut self.chunk), self.origin);
        }
        self.size = 0;
    }

    /// Reads what is pending and hands over the last chunk.
    fn finish(
        &mut self,
        repo: &gix::Repository,
        sink: &mut impl FnMut(Vec<Artifact>, Origin),
    ) -> Result<(), SourceError> {
        self.read_pending(repo, sink)?;
        self.emit(sink);
        Ok(())
    }
}

/// The commits to start from: `--all` refs, `--branch` revisions, or `HEAD`.
fn tips(repo: &gix::Repository, options: &HistoryOptions) -> Result<Vec<gix::ObjectId>, SourceError> {
    let mut tips = Vec::new();
    if options.all {
        let refs = repo.references().map_err(git_err)?;
        for reference in refs.all().map_err(git_err)? {
            let Ok(mut reference) = reference else {
                continue;
            };
            // Refs to non-commits (e.g. a tag of a blob) have no history to walk.
            if let Ok(commit) = reference.peel_to_commit() {
                tips.push(commit.id);
            }
        }
        if let Ok(id) = repo.head_id() {
            tips.push(id.detach());
        }
    } else if options.branches.is_empty() {
        match repo.head().map_err(git_err)?.id() {
            Some(id) => tips.push(id.detach()),
            None => return Ok(Vec::new()),
        }
    } else {
        for branch in &options.branches {
            tips.push(resolve_commit(repo, branch, "branch")?);
        }
    }
    tips.sort();
    tips.dedup();
    Ok(tips)
}

/// Every blob in the trees of `tips` (within the pathspec), each tree read once: the files as
/// they are at the scanned refs. At most as many ids as the walk's own `seen_blobs`.
///
/// Blob ids, not (path, blob) pairs: the walk scans each blob once, at the first path it met
/// it, so these are the same pairs except for a file renamed (or copied) since, unchanged —
/// whose one artifact must still be checked, or a renamed manifest would never be.
/// What cannot be read of a tip tree is left out here; the walk reports it as an `io-error`.
fn tip_blobs(repo: &gix::Repository, tips: &[gix::ObjectId], paths: &super::Pathspec) -> IdSet {
    let mut seen_trees = IdSet::default();
    let mut blobs = IdSet::default();
    for &tip in tips {
        if let Ok(tree) = commit_tree(repo, tip) {
            let _ =
                walk_tree(&mut { repo }, repo.object_hash(), tree, paths, &mut seen_trees, &mut blobs, &mut |_, _| {});
        }
    }
    blobs
}

struct Node {
    id: gix::ObjectId,
    parents: Vec<gix::ObjectId>,
    time: i64,
}

/// Indices of `commits` in an order where every parent comes before its children (Kahn's
/// algorithm), ties broken by commit time then id, so "first commit that introduced a blob"
/// is well defined even with clock skew between branches.
fn parents_first(commits: &[Node]) -> Vec<usize> {
    let index: HashMap<gix::ObjectId, usize> = commits.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
    let mut pending = vec![0usize; commits.len()];
    let mut children = vec![Vec::new(); commits.len()];
    for (i, c) in commits.iter().enumerate() {
        for p in &c.parents {
            // Parents outside the selection (shallow boundary, `--since`) do not block.
            if let Some(&pi) = index.get(p) {
                pending[i] += 1;
                children[pi].push(i);
            }
        }
    }
    let mut ready: BinaryHeap<Reverse<(i64, gix::ObjectId, usize)>> =
        commits.iter().enumerate().filter(|(i, _)| pending[*i] == 0).map(|(i, c)| Reverse((c.time, c.id, i))).collect();
    let mut order = Vec::with_capacity(commits.len());
    while let Some(Reverse((_, _, i))) = ready.pop() {
        order.push(i);
        for &child in &children[i] {
            pending[child] -= 1;
            if pending[child] == 0 {
                let c = &commits[child];
                ready.push(Reverse((c.time, c.id, child)));
            }
        }
    }
    order
}

/// Visits every blob under `tree` not seen before, skipping trees seen before. With a pathspec,
/// a blob counts as seen only once met at a matching path, and no tree is skipped (the same
/// tree may sit both outside and inside the pathspec).
fn walk_tree(
    trees: &mut dyn super::TreeSource,
    hash: gix::hash::Kind,
    tree: gix::ObjectId,
    paths: &super::Pathspec,
    seen_trees: &mut IdSet,
    seen_blobs: &mut IdSet,
    visit: &mut dyn FnMut(String, gix::ObjectId),
) -> Result<(), SourceError> {
    if !paths.is_everything() {
        return walk_with(trees, hash, tree, &mut |_| true, &mut |dir, name, blob| {
            let path = join(dir, name);
            if paths.matches(&path) && seen_blobs.insert(blob.to_owned()) {
                visit(path, blob.to_owned());
            }
        });
    }
    if !seen_trees.insert(tree) {
        return Ok(());
    }
    walk_with(trees, hash, tree, &mut |id| seen_trees.insert(id.to_owned()), &mut |dir, name, blob| {
        if seen_blobs.insert(blob.to_owned()) {
            visit(join(dir, name), blob.to_owned());
        }
    })
}

/// Commit id, author (`Name <email>`) and author date (ISO 8601) for `commit` in findings;
/// the id alone when the commit cannot be read.
fn commit_info(repo: &gix::Repository, id: gix::ObjectId) -> CommitInfo {
    let Ok(commit) = repo.find_commit(id) else {
        return CommitInfo { id: id.to_string(), author: None, date: None };
    };
    let (author, date) = match commit.author() {
        Ok(sig) => {
            let sig = sig.trim();
            let date = sig.time().ok().map(|t| t.format_or_unix(gix::date::time::format::ISO8601_STRICT));
            (Some(format!("{} <{}>", sig.name, sig.email)), date)
        }
        Err(_) => (None, None),
    };
    CommitInfo { id: id.to_string(), author, date }
}

/// `YYYY-MM-DD` as seconds since the epoch at 00:00 UTC.
fn parse_date(s: &str) -> Option<i64> {
    crate::date::parse_date(s).ok().map(|d| d.days_since_epoch() * 86_400)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_date_is_utc_midnight() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("2024-03-01"), Some(1_709_251_200));
        assert_eq!(parse_date("2024-13-01"), None);
        assert_eq!(parse_date("main"), None);
        assert_eq!(parse_date("2024-3-1"), None);
    }
}
