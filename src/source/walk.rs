//! The working-tree source: a parallel directory walk (ignore crate: .gitignore, .ignore,
//! hidden files), sorted so that output never depends on thread scheduling.

use super::{Artifact, Content, Provenance};
use globset::GlobSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub struct WalkOptions<'a> {
    pub hidden: bool,
    pub no_ignore: bool,
    pub exclude: &'a GlobSet,
    pub threads: usize,
}

/// Every file under `roots`, as lazily-read artifacts with paths relative to `base`.
pub fn walk(roots: &[PathBuf], base: &Path, opts: &WalkOptions) -> Vec<Artifact> {
    let found: Mutex<Vec<(String, PathBuf, Content)>> = Mutex::new(Vec::new());
    for root in roots {
        if root.is_file() {
            let rel = display_path(root, base);
            let content = match std::fs::metadata(root) {
                Ok(m) => Content::OnDisk { size: m.len() },
                Err(e) => Content::Unreadable(e.to_string()),
            };
            if let Ok(mut f) = found.lock() {
                f.push((rel, root.clone(), content));
            }
            continue;
        }
        let mut builder = ignore::WalkBuilder::new(root);
        builder
            .hidden(!opts.hidden)
            .git_ignore(!opts.no_ignore)
            .git_global(!opts.no_ignore)
            .git_exclude(!opts.no_ignore)
            .ignore(!opts.no_ignore)
            .parents(!opts.no_ignore)
            .threads(opts.threads)
            .filter_entry(|e| e.file_name() != ".git");
        builder.build_parallel().run(|| {
            Box::new(|entry| {
                let item = match entry {
                    Ok(e) if e.file_type().is_some_and(|t| !t.is_dir()) => {
                        let path = e.path().to_path_buf();
                        let rel = display_path(&path, base);
                        if opts.exclude.is_match(&rel) {
                            return ignore::WalkState::Continue;
                        }
                        let content = match e.file_type() {
                            // Not followed (a loop, `/dev/zero`, a file outside the tree): counted.
                            Some(t) if t.is_symlink() => Content::Skipped("symlink"),
                            Some(t) if !t.is_file() => Content::Skipped("special-file"),
                            _ => match e.metadata() {
                                Ok(m) => Content::OnDisk { size: m.len() },
                                Err(err) => Content::Unreadable(err.to_string()),
                            },
                        };
                        Some((rel, path, content))
                    }
                    Ok(_) => None,
                    Err(err) => {
                        // An unreadable directory entry still becomes an io-error finding.
                        let path = error_path(&err).unwrap_or_else(|| root.clone());
                        Some((display_path(&path, base), path, Content::Unreadable(err.to_string())))
                    }
                };
                if let Some(item) = item {
                    if let Ok(mut f) = found.lock() {
                        f.push(item);
                    }
                }
                ignore::WalkState::Continue
            })
        });
    }
    let mut files = found.into_inner().unwrap_or_default();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files.dedup_by(|a, b| a.0 == b.0);
    files
        .into_iter()
        .map(|(path, abs, content)| Artifact {
            path,
            content,
            provenance: Provenance::File(abs),
            changed_lines: None,
            revised: None,
            current: true,
        })
        .collect()
}

fn error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => error_path(err),
        _ => None,
    }
}

/// Path relative to `base` with `/` separators (the path as given when it is not under
/// `base`), escaped so that distinct names stay distinct (`source::path`).
pub fn display_path(path: &Path, base: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    let s = super::path::path_text(rel);
    let s = s.strip_prefix("./").unwrap_or(&s).to_string();
    if s.is_empty() {
        path.file_name().map(|n| super::path::path_text(Path::new(n))).unwrap_or_default()
    } else {
        s
    }
}
