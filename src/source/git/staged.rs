//! `--staged`: the index content of files that differ from `HEAD`, i.e. what `git commit` would
//! record, regardless of what the working tree holds now.

use super::blobs::{self, BlobPolicy};
use super::{commit_tree, git_err, open, tree_files, SourceError};
use crate::source::{Artifact, Provenance};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Staged files (added or modified in the index relative to `HEAD`), read from the index.
///
/// Files are returned whole so that structure and context work; spans refer to the staged
/// content. Deleted files, symlinks, submodules and unmerged entries are not scanned.
///
/// `git commit <paths>` and `git commit -a` run hooks with `GIT_INDEX_FILE` pointing at a
/// temporary index; that one, not `.git/index`, is what will be committed, so it is honoured.
pub fn staged(repo_path: &Path) -> Result<Vec<Artifact>, SourceError> {
    staged_from(repo_path, std::env::var_os("GIT_INDEX_FILE").map(PathBuf::from))
}

/// Like `staged`, reading the index file `index` (relative to the working tree) if given.
pub fn staged_from(repo_path: &Path, index: Option<PathBuf>) -> Result<Vec<Artifact>, SourceError> {
    staged_with(repo_path, index, &BlobPolicy::default())
}

/// Like `staged_from`, reading blobs by `policy` (size limit on the header, partial clones).
pub fn staged_with(
    repo_path: &Path,
    index: Option<PathBuf>,
    policy: &BlobPolicy,
) -> Result<Vec<Artifact>, SourceError> {
    let repo = open(repo_path)?;
    let index = open_index(&repo, index)?;

    // An unborn HEAD (first commit) means everything in the index is new.
    let head: HashMap<String, gix::ObjectId> = match repo.head().map_err(git_err)?.id() {
        Some(id) => {
            let tree = commit_tree(&repo, id.detach())?;
            tree_files(&repo, tree)?.into_iter().map(|f| (f.path, f.blob)).collect()
        }
        None => HashMap::new(),
    };

    let mut selected = Vec::new();
    for entry in index.entries() {
        // Stage 0 only: entries in stages 1-3 are merge conflicts, not something to commit.
        if entry.stage_raw() != 0 {
            continue;
        }
        let mode = entry.mode;
        if !(mode == gix::index::entry::Mode::FILE || mode == gix::index::entry::Mode::FILE_EXECUTABLE) {
            continue;
        }
        let path = crate::source::path::escape_bytes(entry.path(&index));
        if head.get(&path) == Some(&entry.id) {
            continue;
        }
        selected.push((path, entry.id));
    }
    blobs::ensure_present(&repo, selected.iter().map(|s| s.1), policy)?;
    let mut out = Vec::with_capacity(selected.len());
    for (path, id) in selected {
        let content = blobs::content(&repo, id, policy.max_size);
        out.push(Artifact {
            path,
            content,
            provenance: Provenance::Index,
            changed_lines: None,
            revised: None,
            current: true,
        });
    }
    // The index is sorted by git's byte order; sort by our path string for determinism.
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// The index git is about to commit from: `path` if given, else the repository's own.
fn open_index(repo: &gix::Repository, path: Option<PathBuf>) -> Result<gix::index::File, SourceError> {
    if let Some(path) = path {
        // Relative paths are relative to the repository's working tree (where hooks run).
        let path = match repo.workdir() {
            Some(root) if path.is_relative() => root.join(path),
            _ => path,
        };
        return gix::index::File::at(path, repo.object_hash(), false, Default::default()).map_err(git_err);
    }
    let index = repo.index_or_empty().map_err(git_err)?;
    // The shared snapshot is reference-counted; one copy per run is cheap next to reading blobs.
    Ok(gix::index::File::clone(&index))
}
