//! Git sources read through gix (no `git` process, no text parsing of `git log -p`):
//! the index (`--staged`), a commit range (`--diff`) and the whole history (`--history`).
//!
//! Every function returns artifacts with paths relative to the repository root, `/`-separated,
//! sorted by path (then commit order), so a scan of the same repository is deterministic.

mod blobs;
mod diff;
mod history;
mod packs;
mod revisions;
mod staged;
mod tree;

pub use blobs::BlobPolicy;
pub use diff::{changed_lines, diff, diff_range, diff_range_with, DiffRange};
pub use history::{history, history_each, HistoryOptions, HistoryStats, Origin};
pub use revisions::Revisions;
pub use staged::{staged, staged_from, staged_with};
pub use tree::{check_repository, head_file, head_tree};

use gix::prelude::FindExt;
use std::fmt;
use std::path::Path;

/// Why a git source could not be read; the CLI prints it and exits 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceError {
    /// The path is not inside a git repository.
    NotARepository { path: String, reason: String },
    /// A revision given on the command line does not resolve in this clone (typically a shallow
    /// CI checkout without the base fetched).
    MissingRevision { role: &'static str, spec: String },
    /// `BASE...HEAD` asked for a merge base that this clone cannot compute.
    NoMergeBase { base: String, head: String },
    /// `--since` is neither a date (`YYYY-MM-DD`) nor a revision.
    BadSince(String),
    /// Reading the object database or the index failed.
    Git(String),
    /// Reading standard input failed.
    Stdin(String),
    /// A partial clone lacks blobs and `--no-fetch` forbids fetching them.
    PartialClone { missing: usize, remote: String },
    /// Fetching the blobs a partial clone lacks failed.
    FetchFailed { missing: usize, remote: String, why: String },
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceError::NotARepository { path, reason } => {
                write!(f, "`{path}` is not inside a git repository ({reason})")
            }
            SourceError::MissingRevision { role, spec } => {
                write!(f, "{role} `{spec}` is not in this clone: fetch it with `{}`", fetch_hint(spec))
            }
            SourceError::NoMergeBase { base, head } => write!(
                f,
                "no merge base between `{base}` and `{head}` in this clone (shallow?): deepen it \
                 with `git fetch --deepen=100 origin`, or compare the trees directly with `{base}..{head}`"
            ),
            SourceError::BadSince(s) => {
                write!(f, "--since `{s}` is neither a date (YYYY-MM-DD) nor a revision in this repository")
            }
            SourceError::Git(msg) => write!(f, "git: {msg}"),
            SourceError::Stdin(msg) => write!(f, "cannot read standard input: {msg}"),
            SourceError::PartialClone { missing, remote } => write!(
                f,
                "{missing} blob(s) to scan are not in this partial clone (promisor remote `{remote}`) and --no-fetch \
                 was given: run without --no-fetch to let keylint fetch exactly those blobs with `git fetch`, or scan \
                 a clone made without --filter"
            ),
            SourceError::FetchFailed { missing, remote, why } => write!(
                f,
                "{missing} blob(s) to scan are not in this partial clone and fetching them from promisor remote \
                 `{remote}` failed ({why}): check the remote is reachable, or scan a clone made without --filter"
            ),
        }
    }
}

impl std::error::Error for SourceError {}

/// The command that fetches a missing revision into a shallow clone.
fn fetch_hint(spec: &str) -> String {
    // `origin/main` → fetch `main` from `origin`; a bare branch or SHA → from `origin`.
    match spec.split_once('/') {
        Some((remote, branch)) if !remote.is_empty() && !branch.is_empty() && !is_hex(spec) => {
            format!("git fetch --depth=1 {remote} {branch}")
        }
        _ => format!("git fetch --depth=1 origin {spec}"),
    }
}

fn is_hex(s: &str) -> bool {
    s.len() >= 7 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

pub(crate) fn git_err(e: impl fmt::Display) -> SourceError {
    SourceError::Git(e.to_string())
}

/// The directory to discover the repository from: a file's parent (`.` for a bare name).
pub fn repo_dir(path: &Path) -> &Path {
    if path.is_file() {
        path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
    } else {
        path
    }
}

/// Opens the repository containing `path`.
pub(crate) fn open(path: &Path) -> Result<gix::Repository, SourceError> {
    let repo = gix::discover(path)
        .map_err(|e| SourceError::NotARepository { path: path.display().to_string(), reason: e.to_string() })?;
    Ok(repo)
}

/// Limits a git scan to the paths given on the command line: each becomes a repository-relative
/// prefix (`src/`, `deploy/.env`); a path at the repository root means everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pathspec {
    prefixes: Vec<String>,
}

impl Pathspec {
    /// Resolves `paths` against the work tree of the repository that contains the first one.
    pub fn new(paths: &[std::path::PathBuf]) -> Result<Pathspec, SourceError> {
        let Some(first) = paths.first() else { return Ok(Pathspec::default()) };
        let repo = open(repo_dir(first))?;
        let Some(workdir) = repo.workdir() else { return Ok(Pathspec::default()) };
        let canonical = |p: &Path| p.canonicalize().map_err(|e| SourceError::Git(format!("{}: {e}", p.display())));
        let workdir = canonical(workdir)?;
        let mut prefixes = Vec::new();
        for path in paths {
            let rel = canonical(path)?;
            let rel = rel.strip_prefix(&workdir).map_err(|_| SourceError::NotARepository {
                path: path.display().to_string(),
                reason: format!("outside the repository at {}", workdir.display()),
            })?;
            let rel = crate::source::path::path_text(rel);
            if rel.is_empty() {
                return Ok(Pathspec::default());
            }
            prefixes.push(rel);
        }
        Ok(Pathspec { prefixes })
    }

    /// True when no path was given: everything matches.
    pub fn is_everything(&self) -> bool {
        self.prefixes.is_empty()
    }

    /// Does a repository-relative path fall under the pathspec?
    pub fn matches(&self, path: &str) -> bool {
        self.prefixes.is_empty()
            || self
                .prefixes
                .iter()
                .any(|p| path == p || (path.starts_with(p.as_str()) && path[p.len()..].starts_with('/')))
    }
}

/// Resolves `spec` to a commit id, with a clear error when it is not in this clone.
pub(crate) fn resolve_commit(
    repo: &gix::Repository,
    spec: &str,
    role: &'static str,
) -> Result<gix::ObjectId, SourceError> {
    let missing = || SourceError::MissingRevision { role, spec: spec.to_string() };
    let id = repo.rev_parse_single(spec).map_err(|_| missing())?;
    let object = id.object().map_err(|_| missing())?;
    let commit = object.peel_to_kind(gix::object::Kind::Commit).map_err(|_| missing())?;
    Ok(commit.id)
}

/// The tree of a commit.
pub(crate) fn commit_tree(repo: &gix::Repository, commit: gix::ObjectId) -> Result<gix::ObjectId, SourceError> {
    let commit = repo.find_commit(commit).map_err(git_err)?;
    commit.tree_id().map(|id| id.detach()).map_err(git_err)
}

/// One file of a tree: its path from the root and its blob id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TreeFile {
    pub path: String,
    pub blob: gix::ObjectId,
}

/// Every regular (or executable) file under `tree`, in git's tree order. Symlinks and
/// submodules are skipped: a symlink's blob is a path, a submodule is another repository.
pub(crate) fn tree_files(repo: &gix::Repository, tree: gix::ObjectId) -> Result<Vec<TreeFile>, SourceError> {
    let mut out = Vec::new();
    walk(repo, tree, &mut |_| true, &mut |dir, name, blob| {
        out.push(TreeFile { path: join(dir, name), blob: blob.to_owned() })
    })?;
    Ok(out)
}

/// Where `walk` reads trees from.
pub(crate) trait TreeSource {
    /// Puts the raw bytes of tree `id` in `buf`.
    fn tree(&mut self, id: &gix::oid, buf: &mut Vec<u8>) -> Result<(), SourceError>;
}

impl TreeSource for &gix::Repository {
    fn tree(&mut self, id: &gix::oid, buf: &mut Vec<u8>) -> Result<(), SourceError> {
        if id == gix::ObjectId::empty_tree(id.kind()) {
            // gix answers the empty tree without reading (or writing) anything.
            buf.clear();
            return Ok(());
        }
        self.objects.find_tree(id, buf).map(|_| ()).map_err(git_err)
    }
}

/// Depth-first walk of `tree` in tree order: descends into a subtree only if `enter` says so
/// and calls `file` for every regular or executable file with its directory and name (joined
/// by the caller only when needed: most files of a history walk were seen before).
pub(crate) fn walk(
    repo: &gix::Repository,
    tree: gix::ObjectId,
    enter: &mut dyn FnMut(&gix::oid) -> bool,
    file: &mut dyn FnMut(&str, &gix::bstr::BStr, &gix::oid),
) -> Result<(), SourceError> {
    walk_with(&mut { repo }, repo.object_hash(), tree, enter, file)
}

/// `walk`, reading trees from `trees`.
pub(crate) fn walk_with(
    trees: &mut dyn TreeSource,
    hash: gix::hash::Kind,
    tree: gix::ObjectId,
    enter: &mut dyn FnMut(&gix::oid) -> bool,
    file: &mut dyn FnMut(&str, &gix::bstr::BStr, &gix::oid),
) -> Result<(), SourceError> {
    let mut stack = vec![(tree, String::new())];
    let mut buf = Vec::new();
    while let Some((id, prefix)) = stack.pop() {
        trees.tree(&id, &mut buf)?;
        let tree = gix::objs::TreeRef::from_bytes(&buf, hash).map_err(|e| git_err(format!("tree {id}: {e}")))?;
        let mut subtrees = Vec::new();
        for entry in &tree.entries {
            if entry.mode.is_tree() {
                if enter(entry.oid) {
                    subtrees.push((entry.oid.to_owned(), join(&prefix, entry.filename)));
                }
            } else if entry.mode.is_blob() {
                file(&prefix, entry.filename, entry.oid);
            }
        }
        // Reverse so that popping visits subtrees in tree order.
        stack.extend(subtrees.into_iter().rev());
    }
    Ok(())
}

/// `prefix/name` with `/` separators; names are escaped (`source::path`), so distinct names
/// stay distinct.
pub(crate) fn join(prefix: &str, name: &gix::bstr::BStr) -> String {
    let name = crate::source::path::escape_bytes(name);
    if prefix.is_empty() {
        name
    } else {
        format!("{prefix}/{name}")
    }
}

/// Reads a blob's bytes.
pub(crate) fn read_blob(repo: &gix::Repository, id: gix::ObjectId) -> Result<Vec<u8>, String> {
    read_blob_with(repo, id, &mut Vec::new())
}

/// `read_blob` decoding in `scratch`, kept between calls: gix needs room for two versions of
/// the blob plus its deltas, and a fresh buffer each time is that much memory zeroed and
/// page-faulted in again. The blob is then copied out at its exact size.
pub(crate) fn read_blob_with(
    repo: &gix::Repository,
    id: gix::ObjectId,
    scratch: &mut Vec<u8>,
) -> Result<Vec<u8>, String> {
    let blob = repo.objects.find_blob(&id, scratch).map_err(|e| format!("cannot read blob {id}: {e}"))?;
    Ok(blob.data.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fetch_hint_names_remote_and_branch() {
        assert_eq!(fetch_hint("origin/main"), "git fetch --depth=1 origin main");
        assert_eq!(fetch_hint("main"), "git fetch --depth=1 origin main");
        assert_eq!(fetch_hint("0123abcd"), "git fetch --depth=1 origin 0123abcd");
    }

    #[test]
    fn missing_base_message_is_actionable() {
        let e = SourceError::MissingRevision { role: "base", spec: "origin/main".into() };
        assert_eq!(
            e.to_string(),
            "base `origin/main` is not in this clone: fetch it with `git fetch --depth=1 origin main`"
        );
    }
}
