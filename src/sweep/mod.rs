//! Org sweeps (`keylint sweep`, `keylint merge`): the repositories to scan, where their clones
//! live, which shard scans which, and the combined outputs. The per-repository scan itself is
//! the `scan` command's pipeline (`cli::sweep`); nothing here detects anything.

pub mod discover;
pub mod fetch;
pub mod merge;
pub mod output;
pub mod shard;

use std::path::PathBuf;

/// Where one repository of a sweep is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A clone on disk (bare or with a working tree).
    Local(PathBuf),
    /// A git URL (`https://`, `ssh://`, `file://`, `user@host:path`), cloned into the cache.
    Url(String),
}

/// One repository to sweep and the name its findings are reported under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoSpec {
    pub name: String,
    pub location: Location,
}

/// Sorts by name and refuses two repositories with one name (their findings could not be told
/// apart, and a shard split by name would put both in one shard anyway).
pub fn sorted_unique(mut repos: Vec<RepoSpec>) -> Result<Vec<RepoSpec>, String> {
    repos.sort_by(|a, b| a.name.cmp(&b.name));
    for pair in repos.windows(2) {
        if pair[0].name == pair[1].name {
            if pair[0].location == pair[1].location {
                continue;
            }
            return Err(format!(
                "two repositories are both named `{}` ({} and {}): list each once, or give them distinct paths",
                pair[0].name,
                describe(&pair[0].location),
                describe(&pair[1].location)
            ));
        }
    }
    repos.dedup_by(|a, b| a.name == b.name);
    Ok(repos)
}

/// A location for messages: URLs without their user-info (it may hold a token).
pub fn describe(location: &Location) -> String {
    match location {
        Location::Local(p) => crate::source::path::path_text(p),
        Location::Url(u) => fetch::display_url(u),
    }
}
