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

/// A synthetic 64-character alphanumeric value (the shape of a Binance API key), spread over
/// the whole alphabet so it has the entropy of a real one.
pub fn fake_binance_key(label: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let hex: String =
        (0..4).map(|i| keylint::diagnostic::fingerprint(&["synthetic-binance", label, &i.to_string()])).collect();
    hex.as_bytes()
        .chunks(2)
        .map(|pair| {
            let byte = u8::from_str_radix(std::str::from_utf8(pair).unwrap_or("00"), 16).unwrap_or(0);
            ALPHABET[usize::from(byte) % ALPHABET.len()] as char
        })
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
    assert!(out.status.success(), "git {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Path of a file in a directory, as a `PathBuf`.
pub fn join(dir: &Path, rel: &str) -> PathBuf {
    dir.join(rel)
}

/// A hand-built secret finding (for reporter tests); every field set, nothing secret in it.
pub fn finding(
    rule: &str,
    severity: keylint::diagnostic::Severity,
    path: &str,
    start: (usize, usize),
    end: (usize, usize),
) -> keylint::diagnostic::Finding {
    use keylint::diagnostic::{Category, Finding, Position};
    Finding {
        rule: rule.to_string(),
        category: Category::Secret,
        severity,
        exchange: Some("okx".into()),
        path: path.to_string(),
        start: Position { line: start.0, column: start.1, offset: start.0 * 100 + start.1 },
        end: Position { line: end.0, column: end.1, offset: end.0 * 100 + end.1 },
        message: "OKX API secret key committed in plain text".into(),
        help: "revoke it at OKX, then load it from your secret manager".into(),
        fingerprint: keylint::diagnostic::fingerprint(&[rule, path]),
        snippet: "OKX_SECRET_KEY=E9E6…A1F0".into(),
        commit: None,
        repository: None,
        part: Some("secret".into()),
        credential: None,
        related: Vec::new(),
        evidence: None,
        excerpt: None,
        sensitive: true,
        value_key: None,
        at_tip: true,
    }
}

/// Runs the keylint binary in `dir`; returns (exit code, stdout, stderr).
pub fn keylint(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_keylint"))
        .args(args)
        .current_dir(dir)
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .expect("run keylint");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
