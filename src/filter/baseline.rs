//! Baselines: a file of accepted findings, by fingerprint, so that a scan reports only new ones.
//!
//! The file is sorted, has no timestamps and no line numbers in its identity (the line is a hint
//! for humans), so it does not churn or conflict in merges. Entries that no longer match any
//! finding are reported as stale so the baseline can shrink.

use crate::diagnostic::Finding;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

/// The format version written in every baseline file.
pub const VERSION: u32 = 1;

/// How the fingerprints were computed; a different algorithm would make every entry stale.
pub const FINGERPRINT_ALGORITHM: &str = "keylint/v1";

/// The default file name for `keylint baseline create`.
pub const DEFAULT_PATH: &str = ".keylint-baseline.json";

/// A baseline file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub fingerprint_algorithm: String,
    pub entries: Vec<BaselineEntry>,
}

/// One accepted finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineEntry {
    pub path: String,
    pub rule: String,
    pub fingerprint: String,
    /// Where it was when the baseline was made; informational only.
    #[serde(default)]
    pub line: usize,
}

/// A baseline file that cannot be used: exit 2.
#[derive(Debug)]
pub enum BaselineError {
    Read { path: PathBuf, error: std::io::Error },
    Parse { path: PathBuf, error: String },
    Version { path: PathBuf, found: String },
    Write { path: PathBuf, error: std::io::Error },
}

impl fmt::Display for BaselineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BaselineError::Read { path, error } => {
                write!(f, "cannot read baseline `{}`: {error}", path.display())
            }
            BaselineError::Parse { path, error } => {
                write!(f, "baseline `{}` is not a keylint baseline: {error}", path.display())
            }
            BaselineError::Version { path, found } => write!(
                f,
                "baseline `{}` was written by an incompatible keylint ({found}); recreate it with `keylint baseline create`",
                path.display()
            ),
            BaselineError::Write { path, error } => {
                write!(f, "cannot write baseline `{}`: {error}", path.display())
            }
        }
    }
}

impl std::error::Error for BaselineError {}

impl Baseline {
    /// A baseline accepting every finding in `findings` (deduplicated, sorted).
    pub fn create(findings: &[Finding]) -> Baseline {
        let mut by_fp: BTreeMap<&str, BaselineEntry> = BTreeMap::new();
        for f in findings {
            by_fp.entry(&f.fingerprint).or_insert_with(|| BaselineEntry {
                path: f.path.clone(),
                rule: f.rule.clone(),
                fingerprint: f.fingerprint.clone(),
                line: f.start.line,
            });
        }
        let mut entries: Vec<BaselineEntry> = by_fp.into_values().collect();
        entries.sort();
        Baseline { version: VERSION, fingerprint_algorithm: FINGERPRINT_ALGORITHM.into(), entries }
    }

    /// Parses a baseline file's text.
    pub fn parse(text: &str, path: &Path) -> Result<Baseline, BaselineError> {
        let baseline: Baseline = serde_json::from_str(text)
            .map_err(|e| BaselineError::Parse { path: path.to_path_buf(), error: e.to_string() })?;
        if baseline.version != VERSION || baseline.fingerprint_algorithm != FINGERPRINT_ALGORITHM {
            return Err(BaselineError::Version {
                path: path.to_path_buf(),
                found: format!("version {}, fingerprints {}", baseline.version, baseline.fingerprint_algorithm),
            });
        }
        Ok(baseline)
    }

    /// Reads a baseline file.
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let text = crate::source::file::read_text(path, crate::source::file::BASELINE_MAX).map_err(|e| {
            let error = match e {
                crate::source::file::ReadError::Io(error) => error,
                other => std::io::Error::other(format!("it {other}")),
            };
            BaselineError::Read { path: path.to_path_buf(), error }
        })?;
        Baseline::parse(&text, path)
    }

    /// The file's text: pretty JSON with a final newline, stable for a given set of findings.
    pub fn to_json(&self) -> String {
        // Serializing plain structs of strings and integers cannot fail.
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Writes the file atomically (temp file + rename), so an interrupted run never leaves a
    /// truncated baseline behind.
    pub fn save(&self, path: &Path) -> Result<(), BaselineError> {
        let err = |error| BaselineError::Write { path: path.to_path_buf(), error };
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(".tmp");
        let tmp = PathBuf::from(tmp);
        std::fs::write(&tmp, self.to_json()).map_err(err)?;
        std::fs::rename(&tmp, path).map_err(err)
    }
}

/// Findings not in the baseline, and the baseline entries that matched none of `findings`.
pub fn apply(findings: Vec<Finding>, baseline: &Baseline) -> (Vec<Finding>, Vec<BaselineEntry>) {
    let accepted: HashSet<&str> = baseline.entries.iter().map(|e| e.fingerprint.as_str()).collect();
    let present: HashSet<&str> = findings.iter().map(|f| f.fingerprint.as_str()).collect();
    let stale: Vec<BaselineEntry> =
        baseline.entries.iter().filter(|e| !present.contains(e.fingerprint.as_str())).cloned().collect();
    let kept = findings.into_iter().filter(|f| !accepted.contains(f.fingerprint.as_str())).collect();
    (kept, stale)
}
