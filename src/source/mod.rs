//! Sources: where the bytes to scan come from (working tree, git index, diff, history, stdin).
//! Each source yields `Artifact`s; only this stage and the reporters do I/O.

pub mod file;
pub mod git;
pub mod lines;
pub mod path;
pub mod stdin;
pub mod walk;

use crate::diagnostic::CommitInfo;
use std::path::PathBuf;

/// Where an artifact's bytes were read from.
#[derive(Debug, Clone)]
pub enum Provenance {
    /// A file in the working tree.
    File(PathBuf),
    /// Standard input.
    Stdin,
    /// A staged (index) blob.
    Index,
    /// A blob from git history, attributed to the commit that introduced it (shared by the
    /// commit's blobs).
    Commit(std::sync::Arc<CommitInfo>),
}

/// The content of one file to scan, with its display path relative to the scan root.
#[derive(Debug, Clone)]
pub struct Artifact {
    /// Relative path with `/` separators, escaped (`source::path`): one string per file name.
    pub path: String,
    pub content: Content,
    pub provenance: Provenance,
    /// When set (diff mode), only findings touching these 1-based line ranges are kept.
    pub changed_lines: Option<Vec<(usize, usize)>>,
    /// In git history, a later version of a file scanned before (same path). Only windows
    /// around its new lines that could start a finding are read again (the rest was searched
    /// in the earlier version); `None`: the whole file.
    pub revised: Option<Revision>,
    /// The file as it is now: in the working tree, the index, a diff's head, stdin, or, in git
    /// history, a blob that the tip of a scanned ref still holds. Declaration policies
    /// (manifests, configs) run only on current artifacts, so a manifest fixed since does not
    /// keep reporting its old versions; secrets are searched for in every artifact.
    pub current: bool,
}

/// What is new in a later version of a file in git history.
#[derive(Debug, Clone)]
pub struct Revision {
    /// The byte ranges of its lines that no earlier version had.
    pub new_lines: Vec<(usize, usize)>,
    /// Its lines: the keyword matches of lines met in earlier versions are remembered by their
    /// hashes (`detect::LineKeywords`).
    pub lines: lines::Lines,
}

/// What the source managed to read.
#[derive(Debug, Clone)]
pub enum Content {
    Bytes(Vec<u8>),
    /// Read lazily by the worker that scans it (keeps the walker and memory lean).
    OnDisk {
        size: u64,
    },
    /// Bytes shared with the reader: a history blob that later versions are decoded from.
    Shared(std::sync::Arc<Vec<u8>>),
    /// Could not be read: the error becomes an `io-error` finding.
    Unreadable(String),
    /// Not read on purpose, counted in the summary under this reason (`too-large` for a git
    /// blob whose header says it is over the limit, `special-file` for a FIFO, socket or
    /// device, `symlink`).
    Skipped(&'static str),
}

impl Content {
    /// The bytes, when read (owned or shared).
    pub fn bytes(&self) -> Option<&[u8]> {
        match self {
            Content::Bytes(b) => Some(b),
            Content::Shared(b) => Some(b),
            _ => None,
        }
    }
}
