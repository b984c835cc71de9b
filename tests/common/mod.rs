//! Helpers shared by the integration tests: temporary git repositories built with the git CLI
//! (fixed identities and dates, so commit ids are reproducible) and synthetic key values.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// A synthetic, randomly derived value: 32 upper-case hex characters (the shape of an OKX
/// secret key). Derived from `label` so tests are reproducible; never a real key.
pub fn fake_okx_secret(label: &str) -> String {
    keylint::diagnostic::fingerprint(&["synthetic-okx", label]).to_uppercase()
}

/// A synthetic 64-character alphanumeric value (the shape of a Binance API key).
pub fn fake_binance_key(label: &str) -> String {
    let a = keylint::diagnostic::fingerprint(&["synthetic-binance-a", label]);
    let b = keylint::diagnostic::fingerprint(&["synthetic-binance-b", label]).to_uppercase();
    // Mix cases so it is alphanumeric, not just hex.
    a.chars()
        .zip(b.chars())
        .flat_map(|(x, y)| [x, y])
        .map(|c| if c == '0' { 'z' } else { c })
        .collect()
}

/// A throwaway git repository.
pub struct Repo {
    pub dir: tempfile::TempDir,
    tick: u32,
}

impl Repo {
    pub fn new() -> Repo {
        let dir = tempfile::tempdir().expect("tempdir");
        let repo = Repo { dir, tick: 0 };
        repo.git(&["init", "-q", "-b", "main"]);
        repo
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs git in the repository with a fixed identity and clock; panics on failure.
    pub fn git(&self, args: &[&str]) -> String {
        git_in(self.path(), args, self.tick)
    }

    pub fn write(&self, path: &str, content: &str) {
        let full = self.path().join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(full, content).expect("write");
    }

    /// Stages everything and commits; returns the new commit id.
    pub fn commit(&mut self, message: &str) -> String {
        self.tick += 1;
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", message]);
        self.head()
    }

    pub fn head(&self) -> String {
        self.git(&["rev-parse", "HEAD"]).trim().to_string()
    }
}

/// Runs git in `dir` with a fixed identity and a date `tick` minutes after a fixed epoch.
pub fn git_in(dir: &Path, args: &[&str], tick: u32) -> String {
    let date = format!("2024-01-01T00:{:02}:00Z", tick % 60);
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Ada Tester")
        .env("GIT_AUTHOR_EMAIL", "ada@example.invalid")
        .env("GIT_COMMITTER_NAME", "Ada Tester")
        .env("GIT_COMMITTER_EMAIL", "ada@example.invalid")
        .env("GIT_AUTHOR_DATE", &date)
        .env("GIT_COMMITTER_DATE", &date)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_WORK_TREE")
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Path of a file in a directory, as a `PathBuf`.
pub fn join(dir: &Path, rel: &str) -> PathBuf {
    dir.join(rel)
}
