//! The repositories of a sweep: the clones found under a directory, or the lines of a
//! `--repos` file (local paths and git URLs).

use super::{Location, RepoSpec};
use std::path::{Path, PathBuf};

/// Is `dir` a git repository: a working tree (`.git` directory or file) or a bare clone
/// (`HEAD`, `objects/`, `refs/`)?
pub fn is_repository(dir: &Path) -> bool {
    dir.join(".git").exists()
        || (dir.join("HEAD").is_file() && dir.join("objects").is_dir() && dir.join("refs").is_dir())
}

/// Every repository under `root`, found recursively; a repository is not descended into (its
/// submodules and vendored clones belong to it). Symbolic links are not followed. Directories
/// that cannot be listed are returned in `unreadable` (they may hold repositories).
pub fn under_root(root: &Path) -> Result<(Vec<RepoSpec>, Vec<PathBuf>), String> {
    if !root.is_dir() {
        return Err(format!("`{}` is not a directory", crate::source::path::path_text(root)));
    }
    let mut repos = Vec::new();
    let mut unreadable = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        if is_repository(&dir) {
            repos.push(RepoSpec { name: name_under(root, &dir), location: Location::Local(dir) });
            continue;
        }
        let Ok(entries) = std::fs::read_dir(&dir) else {
            unreadable.push(dir);
            continue;
        };
        for entry in entries.flatten() {
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(entry.path());
            }
        }
    }
    unreadable.sort();
    Ok((repos, unreadable))
}

/// `org/repo` for `ROOT/org/repo` or `ROOT/org/repo.git`; the directory's own name when the
/// root is itself a repository.
fn name_under(root: &Path, dir: &Path) -> String {
    let rel = dir.strip_prefix(root).unwrap_or(dir);
    let text = crate::source::path::path_text(rel);
    let text = if text.is_empty() || text == "." {
        let absolute = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        absolute
            .file_name()
            .map(|n| crate::source::path::path_text(Path::new(n)))
            .unwrap_or_else(|| "repository".into())
    } else {
        text
    };
    strip_git(&text).to_string()
}

fn strip_git(name: &str) -> &str {
    let name = name.trim_end_matches('/');
    match name.strip_suffix(".git") {
        Some(stem) if !stem.is_empty() && !stem.ends_with('/') => stem,
        _ => name,
    }
}

/// Is this line a URL rather than a local path? `scheme://…` or scp-like `user@host:path`.
fn is_url(line: &str) -> bool {
    if line.contains("://") {
        return true;
    }
    match (line.find('@'), line.find(':'), line.find('/')) {
        (Some(at), Some(colon), slash) => at < colon && slash.is_none_or(|s| colon < s),
        _ => false,
    }
}

/// `owner/name` of a git URL: its last two path segments, `.git` dropped.
pub fn url_name(url: &str) -> String {
    let path = match url.split_once("://") {
        // `file:///srv/git/org/repo.git`, `https://host/org/repo.git`: drop the authority.
        Some((_, rest)) => rest.split_once('/').map_or("", |(_, path)| path),
        // `git@github.com:org/repo.git`
        None => url.split_once(':').map_or(url, |(_, path)| path),
    };
    last_two(path.split(['?', '#']).next().unwrap_or(""))
}

/// The repositories of a `--repos` file: one local path or git URL a line; blank lines and
/// lines starting with `#` are skipped. Relative paths are relative to the file's directory.
/// Both are named `owner/name` by their last two path segments (`.git` dropped), so that a
/// URL and a clone of it on disk get the same name.
pub fn from_list(file: &Path) -> Result<Vec<RepoSpec>, String> {
    let text = crate::source::file::read_text(file, crate::source::file::CONFIG_MAX)
        .map_err(|e| format!("--repos `{}` {e}", crate::source::path::path_text(file)))?;
    let base = file.parent().unwrap_or(Path::new("."));
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|line| {
            if is_url(line) {
                RepoSpec { name: url_name(line), location: Location::Url(line.to_string()) }
            } else {
                let path = base.join(line);
                // `..` and `.` say nothing about the repository: the last two real segments.
                let absolute = std::path::absolute(&path).unwrap_or_else(|_| path.clone());
                let text = crate::source::path::path_text(&absolute);
                RepoSpec { name: last_two(&text), location: Location::Local(path) }
            }
        })
        .collect())
}

/// The last two `/`-separated segments of a path, `.git` dropped, `.` and `..` resolved.
fn last_two(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for s in strip_git(path).split('/') {
        match s {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    let start = segments.len().saturating_sub(2);
    let name = segments[start..].join("/");
    if name.is_empty() {
        "repository".into()
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_names_are_owner_and_repository() {
        assert_eq!(url_name("https://github.com/org/repo.git"), "org/repo");
        assert_eq!(url_name("https://token@github.com/org/repo"), "org/repo");
        assert_eq!(url_name("git@github.com:org/repo.git"), "org/repo");
        assert_eq!(url_name("ssh://git@host:22/srv/org/repo.git/"), "org/repo");
        assert_eq!(url_name("file:///tmp/x/org/repo.git"), "org/repo");
        assert_eq!(url_name("file:///repo.git"), "repo");
    }

    #[test]
    fn urls_and_paths_are_told_apart() {
        assert!(is_url("https://github.com/a/b"));
        assert!(is_url("file:///tmp/a"));
        assert!(is_url("git@github.com:a/b.git"));
        assert!(!is_url("org/repo"));
        assert!(!is_url("./we@ird/x:y"));
    }

    #[test]
    fn local_paths_are_named_by_their_last_two_segments() {
        assert_eq!(last_two("/srv/git/team/api.git"), "team/api");
        assert_eq!(last_two("/work/../org/special/./configured/"), "special/configured");
        assert_eq!(last_two("/repo"), "repo");
    }

    #[test]
    fn names_drop_the_git_suffix() {
        assert_eq!(strip_git("org/repo.git"), "org/repo");
        assert_eq!(strip_git("org/.git"), "org/.git");
        assert_eq!(strip_git("repo"), "repo");
    }
}
