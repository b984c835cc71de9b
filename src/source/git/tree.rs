//! The tree of `HEAD` read from the object database: what `sweep` scans in a bare clone (no
//! working tree to walk). In a partial clone the blobs are fetched first, like in history.

use super::blobs::{self, BlobPolicy};
use super::{commit_tree, git_err, open, tree_files, SourceError};
use crate::source::{Artifact, Provenance};
use std::path::Path;

/// Every file of `HEAD`'s tree, sorted by path; an unborn `HEAD` (no commit yet) has none.
pub fn head_tree(repo_path: &Path, policy: &BlobPolicy) -> Result<Vec<Artifact>, SourceError> {
    let repo = open(repo_path)?;
    let Some(head) = repo.head().map_err(git_err)?.id() else { return Ok(Vec::new()) };
    let tree = commit_tree(&repo, head.detach())?;
    let mut files = tree_files(&repo, tree)?;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    blobs::ensure_present(&repo, files.iter().map(|f| f.blob), policy)?;
    Ok(files
        .into_iter()
        .map(|f| Artifact {
            content: blobs::content(&repo, f.blob, policy.max_size),
            path: f.path,
            // The current tree, like a working tree: no commit attached, declarations checked.
            provenance: Provenance::Index,
            changed_lines: None,
            current: true,
            revised: None,
        })
        .collect())
}

/// Opens the repository at exactly `path` (never a parent's) and reads its `HEAD`: is it
/// readable at all, and is it bare? `sweep` reports a repository that fails here as an error
/// entry instead of scanning around it.
pub fn check_repository(path: &Path) -> Result<bool, SourceError> {
    let repo = gix::open(path)
        .map_err(|e| SourceError::NotARepository { path: path.display().to_string(), reason: e.to_string() })?;
    let head = repo.head().map_err(git_err)?;
    if let Some(id) = head.id() {
        commit_tree(&repo, id.detach())?;
    }
    Ok(repo.workdir().is_none())
}

/// The bytes of one file at the root of `HEAD`'s tree (e.g. `.keylint.toml` of a bare clone), if present.
pub fn head_file(repo_path: &Path, path: &str) -> Option<Vec<u8>> {
    let repo = open(repo_path).ok()?;
    let head = repo.head().ok()?.id()?;
    let tree = commit_tree(&repo, head.detach()).ok()?;
    // Only the root tree is read: `path` is a top-level file.
    let mut found = None;
    super::walk(&repo, tree, &mut |_| false, &mut |_, name, blob| {
        if name == path.as_bytes() {
            found = Some(blob.to_owned());
        }
    })
    .ok()?;
    let blob = found?;
    blobs::ensure_present(&repo, [blob], &BlobPolicy::default()).ok()?;
    super::read_blob(&repo, blob).ok()
}
