//! `--diff BASE[..HEAD]`: the new side of every file added or modified between two commits,
//! whole (so structure and context work), with the added or changed lines attached so that only
//! findings touching them are reported.
//!
//! Only two trees are read, so this works in a shallow clone that has both commits (GitHub's
//! `fetch-depth: 1` checkout plus `git fetch --depth=1 origin <base>`).

use super::blobs::{self, BlobPolicy};
use super::{commit_tree, open, read_blob, resolve_commit, tree_files, SourceError};
use crate::source::{Artifact, Content, Provenance};
use imara_diff::{Algorithm, Diff, InternedInput};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A parsed `--diff` argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffRange {
    pub base: String,
    /// `None` means `HEAD`.
    pub head: Option<String>,
    /// `BASE...HEAD`: compare against the merge base of the two (what a pull request changed).
    pub merge_base: bool,
}

impl DiffRange {
    /// Parses `BASE`, `BASE..HEAD` or `BASE...HEAD`.
    pub fn parse(spec: &str) -> DiffRange {
        let (base, head, merge_base) = if let Some((b, h)) = spec.split_once("...") {
            (b, h, true)
        } else if let Some((b, h)) = spec.split_once("..") {
            (b, h, false)
        } else {
            (spec, "", false)
        };
        DiffRange {
            base: if base.is_empty() { "HEAD".into() } else { base.into() },
            head: (!head.is_empty()).then(|| head.to_string()),
            merge_base,
        }
    }
}

/// Resolves a `--diff` argument (including `...` merge-base semantics) and diffs it.
pub fn diff_range(repo_path: &Path, spec: &str) -> Result<Vec<Artifact>, SourceError> {
    diff_range_with(repo_path, spec, &BlobPolicy::default())
}

/// Like `diff_range`, reading blobs by `policy` (size limit on the header, partial clones).
pub fn diff_range_with(repo_path: &Path, spec: &str, policy: &BlobPolicy) -> Result<Vec<Artifact>, SourceError> {
    let range = DiffRange::parse(spec);
    if !range.merge_base {
        return diff_with(repo_path, &range.base, range.head.as_deref(), policy);
    }
    let repo = open(repo_path)?;
    let head_spec = range.head.clone().unwrap_or_else(|| "HEAD".into());
    let base = resolve_commit(&repo, &range.base, "base")?;
    let head = resolve_commit(&repo, &head_spec, "head")?;
    let no_base = || SourceError::NoMergeBase { base: range.base.clone(), head: head_spec.clone() };
    let merge_base = repo.merge_base(base, head).map_err(|_| no_base())?.ok_or_else(no_base)?;
    diff_with(repo_path, &merge_base.detach().to_string(), Some(&head.to_string()), policy)
}

/// Files added or modified from `base` to `head` (default `HEAD`), new side, with the 1-based
/// inclusive ranges of added or changed lines. Deleted files produce nothing.
pub fn diff(repo_path: &Path, base: &str, head: Option<&str>) -> Result<Vec<Artifact>, SourceError> {
    diff_with(repo_path, base, head, &BlobPolicy::default())
}

fn diff_with(
    repo_path: &Path,
    base: &str,
    head: Option<&str>,
    policy: &BlobPolicy,
) -> Result<Vec<Artifact>, SourceError> {
    let repo = open(repo_path)?;
    let base_commit = resolve_commit(&repo, base, "base")?;
    let head_commit = resolve_commit(&repo, head.unwrap_or("HEAD"), "head")?;
    let old: HashMap<String, gix::ObjectId> =
        tree_files(&repo, commit_tree(&repo, base_commit)?)?.into_iter().map(|f| (f.path, f.blob)).collect();
    let new = tree_files(&repo, commit_tree(&repo, head_commit)?)?;
    let root = repo.workdir().map(Path::to_path_buf).unwrap_or_default();

    let changed_files: Vec<(super::TreeFile, Option<gix::ObjectId>)> = new
        .into_iter()
        .filter_map(|file| {
            let old_blob = old.get(&file.path).copied();
            (old_blob != Some(file.blob)).then_some((file, old_blob))
        })
        .collect();
    blobs::ensure_present(&repo, changed_files.iter().flat_map(|(f, o)| [Some(f.blob), *o]).flatten(), policy)?;
    let mut out = Vec::new();
    for (file, old_blob) in changed_files {
        let (content, changed) = match blobs::content(&repo, file.blob, policy.max_size) {
            Content::Bytes(new_bytes) => {
                // Diffing huge or binary blobs line by line costs much and tells nothing: the
                // pipeline skips them, or scans them whole. The old side's size comes from its
                // header, so a huge old blob is never inflated.
                let old_bytes = old_blob
                    .filter(|&id| blobs::size(&repo, id).is_some_and(|n| n <= DIFF_MAX))
                    .and_then(|id| read_blob(&repo, id).ok());
                let changed = match old_bytes {
                    Some(old_bytes) if diffable(&old_bytes) && diffable(&new_bytes) => {
                        changed_lines(&old_bytes, &new_bytes)
                    }
                    // A new file (or an unreadable old side): every line is new.
                    _ => whole_file(&new_bytes),
                };
                (Content::Bytes(new_bytes), changed)
            }
            other => (other, Vec::new()),
        };
        out.push(Artifact {
            // In CI the head commit is the checkout, so the file on disk is this content.
            provenance: Provenance::File(root.join(PathBuf::from(&file.path))),
            path: file.path,
            content,
            changed_lines: Some(changed),
            revised: None,
            current: true,
        });
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// Largest blob diffed line by line.
const DIFF_MAX: u64 = 16 << 20;

/// Text small enough to diff line by line (git's binary heuristic: a NUL in the first 8000 bytes).
fn diffable(bytes: &[u8]) -> bool {
    bytes.len() as u64 <= DIFF_MAX && !bytes[..bytes.len().min(8000)].contains(&0)
}

/// All lines of a file as one range (empty for an empty file).
fn whole_file(bytes: &[u8]) -> Vec<(usize, usize)> {
    let lines = bytes.split(|&b| b == b'\n').count() - usize::from(bytes.ends_with(b"\n"));
    if bytes.is_empty() || lines == 0 {
        Vec::new()
    } else {
        vec![(1, lines)]
    }
}

/// The 1-based inclusive line ranges of `new` that are added or changed relative to `old`.
pub fn changed_lines(old: &[u8], new: &[u8]) -> Vec<(usize, usize)> {
    let input = InternedInput::new(old, new);
    let mut diff = Diff::compute(Algorithm::Histogram, &input);
    // Slide hunks to line-oriented boundaries, as `git diff` does, so an inserted block is
    // attributed to the lines a reviewer sees as new.
    diff.postprocess_lines(&input);
    diff.hunks().filter(|h| !h.after.is_empty()).map(|h| (h.after.start as usize + 1, h.after.end as usize)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_ranges() {
        assert_eq!(
            DiffRange::parse("origin/main"),
            DiffRange { base: "origin/main".into(), head: None, merge_base: false }
        );
        assert_eq!(DiffRange::parse("a..b"), DiffRange { base: "a".into(), head: Some("b".into()), merge_base: false });
        assert_eq!(DiffRange::parse("a...b"), DiffRange { base: "a".into(), head: Some("b".into()), merge_base: true });
        assert_eq!(DiffRange::parse("a..").head, None);
    }

    #[test]
    fn changed_lines_reports_added_and_modified_lines_of_the_new_side() {
        let old = b"a\nb\nc\nd\n";
        let new = b"a\nB\nc\nd\ne\nf\n";
        assert_eq!(changed_lines(old, new), vec![(2, 2), (5, 6)]);
        assert_eq!(changed_lines(b"a\nb\n", b"b\n"), Vec::<(usize, usize)>::new());
    }

    #[test]
    fn whole_file_counts_lines_with_and_without_final_newline() {
        assert_eq!(whole_file(b"x\ny\n"), vec![(1, 2)]);
        assert_eq!(whole_file(b"x\ny"), vec![(1, 2)]);
        assert_eq!(whole_file(b""), Vec::<(usize, usize)>::new());
    }
}
