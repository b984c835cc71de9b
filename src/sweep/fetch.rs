//! Clones of the URLs of a `--repos` list, kept in a cache directory between sweeps.
//!
//! The clones are bare and blobless (`git clone --bare --filter=blob:none`): refs, commits and
//! trees only. The blobs a scan reads are fetched afterwards, in batches, by the partial-clone
//! support of the git sources (`source::git::blobs`), and only those under the size limit. A
//! clone already in the cache is updated with `git fetch`. This runs the `git` command, as the
//! partial-clone fetch does: gix is built without its network transports (an HTTP and TLS
//! stack for one command), and git brings the user's credential helpers, SSH config and
//! proxies with it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The default cache: `$XDG_CACHE_HOME/keylint/repos`, else `~/.cache/keylint/repos`
/// (`%LOCALAPPDATA%\keylint\repos` on Windows).
pub fn default_cache(get: impl Fn(&str) -> Option<String>) -> PathBuf {
    let base = get("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| get("LOCALAPPDATA").filter(|v| !v.is_empty()).map(PathBuf::from))
        .or_else(|| get("HOME").filter(|v| !v.is_empty()).map(|h| Path::new(&h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("keylint").join("repos")
}

/// The cache directory of one URL: readable (`org+repo`) and unique (a hash of the URL).
pub fn cache_dir(cache: &Path, name: &str, url: &str) -> PathBuf {
    let readable: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.".contains(c) { c } else { '+' }).collect();
    cache.join(format!("{readable}-{:016x}.git", super::shard::fnv1a64(url.as_bytes())))
}

/// The URL without user-info (`https://user:token@host/…` → `https://host/…`), for messages.
pub fn display_url(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://") {
        let (authority, path) = rest.split_once('/').map_or((rest, ""), |(a, p)| (a, p));
        if let Some((_, host)) = authority.rsplit_once('@') {
            return format!("{scheme}://{host}/{path}");
        }
    }
    url.to_string()
}

/// Clones `url` into the cache, or updates the clone already there; returns its directory.
/// The error is one line, with no user-info of the URL in it.
pub fn ensure_clone(url: &str, dir: &Path) -> Result<PathBuf, String> {
    if super::discover::is_repository(dir) {
        // Every branch and tag as the remote has them now (a force-push replaces, a deleted
        // branch goes).
        git(
            Some(dir),
            &["fetch", "--quiet", "--prune", "--no-write-fetch-head", "origin"],
            &["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"],
            url,
        )
        .map_err(|e| format!("cannot update the cached clone of {}: {e}", display_url(url)))?;
        return Ok(dir.to_path_buf());
    }
    if let Some(parent) = dir.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("cannot create the cache {}: {e}", parent.display()))?;
    }
    // Cloned beside its final place and renamed: an interrupted clone is never mistaken for a
    // complete one, and two shards sharing a cache do not clone into one directory.
    let partial = dir.with_extension(format!("partial-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&partial);
    let target = partial.as_os_str().to_string_lossy().into_owned();
    let cloned = git(None, &["clone", "--bare", "--quiet", "--filter=blob:none", "--"], &[url, &target], url);
    if let Err(e) = cloned {
        let _ = std::fs::remove_dir_all(&partial);
        return Err(format!("cannot clone {}: {e}", display_url(url)));
    }
    match std::fs::rename(&partial, dir) {
        Ok(()) => Ok(dir.to_path_buf()),
        // Another process finished the same clone first: use that one.
        Err(_) if super::discover::is_repository(dir) => {
            let _ = std::fs::remove_dir_all(&partial);
            Ok(dir.to_path_buf())
        }
        Err(e) => Err(format!("cannot move the clone of {} into the cache: {e}", display_url(url))),
    }
}

/// Runs git without a terminal prompt; the error is git's last line of stderr.
fn git(git_dir: Option<&Path>, args: &[&str], more: &[&str], url: &str) -> Result<(), String> {
    let mut command = Command::new("git");
    if let Some(dir) = git_dir {
        command.arg("--git-dir").arg(dir);
    }
    let out = command
        .args(args)
        .args(more)
        // Never wait for a password nobody will type.
        .env("GIT_TERMINAL_PROMPT", "0")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("no message").trim();
    // git may echo the URL, user-info included.
    let last = last.replace(url, &display_url(url));
    Err(crate::redact::sanitize_terminal(&last).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_info_never_shows() {
        assert_eq!(display_url("https://x:tok@github.com/o/r.git"), "https://github.com/o/r.git");
        assert_eq!(display_url("file:///srv/o/r.git"), "file:///srv/o/r.git");
        assert_eq!(display_url("git@github.com:o/r.git"), "git@github.com:o/r.git");
    }

    #[test]
    fn cache_dirs_are_readable_and_unique() {
        let a = cache_dir(Path::new("/c"), "org/repo", "https://h/org/repo");
        let b = cache_dir(Path::new("/c"), "org/repo", "https://other/org/repo");
        assert!(a.to_string_lossy().starts_with("/c/org+repo-"));
        assert_ne!(a, b);
    }

    #[test]
    fn default_cache_follows_xdg() {
        let env = |k: &str| (k == "XDG_CACHE_HOME").then(|| "/xdg".to_string());
        assert_eq!(default_cache(env), PathBuf::from("/xdg/keylint/repos"));
        let home = |k: &str| (k == "HOME").then(|| "/home/u".to_string());
        assert_eq!(default_cache(home), PathBuf::from("/home/u/.cache/keylint/repos"));
    }
}
