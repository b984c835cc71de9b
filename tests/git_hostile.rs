//! Git sources on broken and incomplete repositories: a missing commit or blob is a finding on
//! that commit and the scan goes on; a blobless partial clone is fetched from, never reported as
//! hundreds of io-errors.

mod gitutil;

use gitutil::{fake_okx_secret, git_in, keylint, Repo};
use serde_json::Value;
use std::path::Path;

fn scan_json(dir: &Path, extra: &[&str]) -> (i32, Value, String) {
    let mut args = vec!["scan", ".", "--format", "json"];
    args.extend_from_slice(extra);
    let (code, out, err) = keylint(dir, &args);
    let v = serde_json::from_str(&out).unwrap_or(Value::Null);
    (code, v, err)
}

/// (rule, path, commit) of every finding.
fn found(v: &Value) -> Vec<(String, String, String)> {
    v["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| {
                    (
                        f["rule"].as_str().unwrap_or("").to_string(),
                        f["path"].as_str().unwrap_or("").to_string(),
                        f["commit"]["id"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Removes a loose object (test repositories are never packed).
fn delete_object(repo: &Repo, id: &str) {
    let path = repo.path().join(".git/objects").join(&id[..2]).join(&id[2..]);
    std::fs::remove_file(&path).unwrap_or_else(|e| panic!("remove {}: {e}", path.display()));
}

/// Three commits, each adding one `.env` with its own key.
fn three_commits() -> (Repo, Vec<String>) {
    let mut repo = Repo::new();
    let mut commits = Vec::new();
    for i in 1..=3 {
        repo.write(&format!("f{i}.env"), &format!("OKX_SECRET_KEY={}\n", fake_okx_secret(&format!("commit-{i}"))));
        commits.push(repo.commit(&format!("c{i}")));
    }
    (repo, commits)
}

#[test]
fn a_missing_commit_is_one_finding_and_what_was_walked_is_still_scanned() {
    let (repo, commits) = three_commits();
    delete_object(&repo, &commits[1]);
    let (code, v, err) = scan_json(repo.path(), &["--history"]);
    assert_eq!(code, 1, "{err}");
    let head = commits[2].clone();
    assert_eq!(
        found(&v),
        vec![
            ("io-error".into(), ".".into(), head.clone()),
            ("okx-secret-key".into(), "f1.env".into(), head.clone()),
            ("okx-secret-key".into(), "f2.env".into(), head.clone()),
            ("okx-secret-key".into(), "f3.env".into(), head),
        ]
    );
    let message = v["findings"][0]["message"].as_str().unwrap_or("");
    assert!(message.starts_with("the history walk stopped at a commit that cannot be read ("), "{message}");
    assert!(message.contains(&commits[1]), "names the missing commit: {message}");
}

#[test]
fn io_errors_from_history_carry_their_commit() {
    let (repo, commits) = three_commits();
    let blob = git_in(repo.path(), &["rev-parse", "HEAD~1:f2.env"], 0).trim().to_string();
    delete_object(&repo, &blob);
    let (code, v, err) = scan_json(repo.path(), &["--history"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        found(&v),
        vec![
            ("okx-secret-key".into(), "f1.env".into(), commits[0].clone()),
            ("io-error".into(), "f2.env".into(), commits[1].clone()),
            ("okx-secret-key".into(), "f3.env".into(), commits[2].clone()),
        ]
    );
    // The message names the blob, then (like every finding from history) the commit.
    assert_eq!(
        v["findings"][1]["message"].as_str(),
        Some(
            format!(
                "cannot read this file: blob {blob} is missing from the object database, in commit {}",
                &commits[1][..7]
            )
            .as_str()
        )
    );
}

/// A blobless clone (`--filter=blob:none`) of a repository with `n` commits, each adding a key.
fn blobless_clone(n: usize) -> (Repo, tempfile::TempDir) {
    let mut origin = Repo::new();
    for i in 0..n {
        origin.write(&format!("svc{i}/.env"), &format!("OKX_SECRET_KEY={}\n", fake_okx_secret(&format!("pc-{i}"))));
        origin.commit(&format!("c{i}"));
    }
    origin.git(&["config", "uploadpack.allowFilter", "true"]);
    origin.git(&["config", "uploadpack.allowAnySHA1InWant", "true"]);
    let clone = tempfile::tempdir().expect("tmp");
    let url = format!("file://{}", origin.path().display());
    git_in(clone.path(), &["clone", "-q", "--filter=blob:none", "--no-checkout", &url, "c"], 0);
    (origin, clone)
}

fn missing_blobs(dir: &Path) -> usize {
    git_in(dir, &["rev-list", "--objects", "--all", "--missing=print"], 0)
        .lines()
        .filter(|l| l.starts_with('?'))
        .count()
}

#[test]
fn a_blobless_clone_fetches_the_missing_blobs_and_finds_every_key() {
    let (_origin, clone) = blobless_clone(30);
    let dir = clone.path().join("c");
    assert_eq!(missing_blobs(&dir), 30, "the clone starts without blobs");
    let (code, v, err) = scan_json(&dir, &["--history"]);
    assert_eq!(code, 1, "{err}");
    let rules: Vec<String> = found(&v).into_iter().map(|f| f.0).collect();
    assert_eq!(rules, vec!["okx-secret-key".to_string(); 30], "no io-error, every key: {err}");
    assert_eq!(missing_blobs(&dir), 0, "fetched once, kept in the clone");
}

#[test]
fn no_fetch_fails_once_with_an_instruction_instead_of_an_io_error_per_blob() {
    let (_origin, clone) = blobless_clone(5);
    let dir = clone.path().join("c");
    let (code, out, err) = keylint(&dir, &["scan", ".", "--history", "--no-fetch", "--format", "json"]);
    assert_eq!(code, 2);
    assert_eq!(out, "");
    assert_eq!(
        err,
        "error: 5 blob(s) to scan are not in this partial clone (promisor remote `origin`) and --no-fetch was \
         given: run without --no-fetch to let keylint fetch exactly those blobs with `git fetch`, or scan a clone \
         made without --filter\n"
    );
    assert_eq!(missing_blobs(&dir), 5, "nothing was fetched");
}

#[test]
fn a_diff_in_a_blobless_clone_reads_both_sides() {
    let (_origin, clone) = blobless_clone(3);
    let dir = clone.path().join("c");
    let (code, v, err) = scan_json(&dir, &["--diff", "HEAD~1"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(found(&v), vec![("okx-secret-key".into(), "svc2/.env".into(), String::new())]);
}
