//! The real binary on temporary git repositories: staged vs working tree, a pull-request diff,
//! a key added then deleted found in history, a shallow clone, and stdin.

mod common;
mod gitutil;

use common::locations;
use gitutil::{fake_binance_key, fake_okx_secret, git_in, keylint, Repo};
use serde_json::Value;
use std::io::Write;
use std::process::{Command, Stdio};

fn scan_json(dir: &std::path::Path, extra: &[&str]) -> (i32, Value, String) {
    let mut args = vec!["scan", "--format", "json"];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = keylint(dir, &args);
    let json = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    (code, json, stderr)
}

fn loc(rule: &str, path: &str, line: u64, col: u64) -> (String, String, u64, u64) {
    (rule.to_string(), path.to_string(), line, col)
}

#[test]
fn staged_scans_what_will_be_committed_not_the_working_tree() {
    let staged_key = fake_okx_secret("e2e-staged");
    let worktree_key = fake_binance_key("e2e-worktree");
    let mut repo = Repo::new();
    repo.write("app/.env", "DEBUG=1\n");
    repo.commit("initial");
    repo.write("app/.env", &format!("DEBUG=1\nOKX_SECRET_KEY={staged_key}\n"));
    repo.git(&["add", "app/.env"]);
    // Fixed in the working tree but not re-staged: the commit would still leak the key.
    repo.write("app/.env", &format!("DEBUG=1\nBINANCE_API_KEY={worktree_key}\n"));

    let (code, json, stderr) = scan_json(repo.path(), &["--staged"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(locations(&json), vec![loc("okx-secret-key", "app/.env", 2, 16)]);
    assert_eq!(json["findings"][0]["commit"], Value::Null);
    assert_eq!(json["findings"][0]["message"], "OKX API secret key in plain text, staged for commit");
    assert!(
        json["findings"][0]["help"].as_str().is_some_and(|h| h
            .ends_with("; it is not committed yet: unstage it with `git restore --staged <file>` before committing")),
        "{}",
        json["findings"][0]["help"]
    );

    // The plain working-tree scan sees the other key instead.
    let (_, json, _) = scan_json(repo.path(), &["--hidden"]);
    assert_eq!(locations(&json), vec![loc("binance-api-key", "app/.env", 2, 17)]);
    assert_eq!(json["findings"][0]["message"], "Binance API key in plain text, in the working tree");

    // Stage the working tree version without any key: the commit is clean.
    repo.write("app/.env", "DEBUG=1\nOKX_SECRET_KEY=${OKX_SECRET_KEY}\n");
    repo.git(&["add", "app/.env"]);
    let (code, json, stderr) = scan_json(repo.path(), &["--staged"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(json["summary"]["files_scanned"], 1);
}

#[test]
fn staged_follows_git_index_file_like_git_commit_with_paths() {
    let key = fake_okx_secret("e2e-index-file");
    let mut repo = Repo::new();
    repo.write("a.env", "A=1\n");
    repo.commit("initial");
    repo.write("a.env", &format!("OKX_SECRET_KEY={key}\n"));
    let index = repo.path().join(".git/next-index");
    let ok = Command::new("git")
        .args(["add", "a.env"])
        .current_dir(repo.path())
        .env("GIT_INDEX_FILE", &index)
        .status()
        .unwrap();
    assert!(ok.success());
    let out = Command::new(env!("CARGO_BIN_EXE_keylint"))
        .args(["scan", "--staged", "--format", "json"])
        .current_dir(repo.path())
        .env("GIT_INDEX_FILE", &index)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(locations(&json), vec![loc("okx-secret-key", "a.env", 1, 16)]);
}

/// A pull request: base has an old key in `bot/.env`; the PR edits another line and adds a new
/// key further down the same file.
fn pull_request() -> (Repo, String, String, String) {
    let old_key = fake_okx_secret("e2e-old");
    let new_key = fake_binance_key("e2e-new");
    let mut repo = Repo::new();
    repo.write("bot/.env", &format!("# bot\nOKX_SECRET_KEY={old_key}\nMODE=paper\n"));
    let base = repo.commit("base");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("bot/.env", &format!("# bot\nOKX_SECRET_KEY={old_key}\nMODE=live\nBINANCE_API_KEY={new_key}\n"));
    let head = repo.commit("feature");
    (repo, base, head, old_key)
}

#[test]
fn pr_diff_reports_the_new_key_but_not_the_old_one_in_the_same_file() {
    let (repo, base, head, _) = pull_request();
    let (code, json, stderr) = scan_json(repo.path(), &["--diff", &format!("{base}..{head}")]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(locations(&json), vec![loc("binance-api-key", "bot/.env", 4, 17)]);

    // `main...HEAD` (merge-base form) and the default head agree.
    let (_, json3, _) = scan_json(repo.path(), &["--diff", "main...HEAD"]);
    assert_eq!(locations(&json3), locations(&json));
    let (_, json1, _) = scan_json(repo.path(), &["--diff", "main"]);
    assert_eq!(locations(&json1), locations(&json));

    // A full scan of the same tree reports both keys.
    let (_, full, _) = scan_json(repo.path(), &["--hidden"]);
    assert_eq!(full["findings"].as_array().map(Vec::len), Some(2));
}

#[test]
fn pr_diff_in_a_shallow_clone_needs_only_the_base_commit() {
    let (origin, base, head, old_key) = pull_request();
    let parent = tempfile::tempdir().unwrap();
    let url = format!("file://{}", origin.path().display());
    git_in(parent.path(), &["clone", "-q", "--depth=1", "--branch", "feature", &url, "pr"], 0);
    let clone = parent.path().join("pr");

    let (code, _, stderr) = scan_json(&clone, &["--diff", &format!("{base}..HEAD")]);
    assert_eq!(code, 2, "missing base is a usage error");
    assert!(
        stderr.contains(&format!(
            "base `{base}` is not in this clone: fetch it with `git fetch --depth=1 origin {base}`"
        )),
        "{stderr}"
    );
    let (code, _, stderr) = scan_json(&clone, &["--diff", "origin/main"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("fetch it with `git fetch --depth=1 origin main`"), "{stderr}");

    git_in(&clone, &["fetch", "-q", "--depth=1", "origin", &base], 0);
    let (code, json, stderr) = scan_json(&clone, &["--diff", &format!("{base}..HEAD")]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(locations(&json), vec![loc("binance-api-key", "bot/.env", 4, 17)]);
    assert_eq!(git_in(&clone, &["rev-parse", "HEAD"], 0).trim(), head);
    let text = serde_json::to_string(&json).unwrap();
    assert!(!text.contains(&old_key));
}

#[test]
fn history_finds_a_key_added_then_deleted_with_its_commit() {
    let key = fake_okx_secret("e2e-history");
    let mut repo = Repo::new();
    repo.write("README.md", "bot\n");
    repo.commit("initial");
    repo.write("conf/live.env", &format!("MODE=live\nOKX_SECRET_KEY={key}\n"));
    let added = repo.commit("add live config");
    // Editing another line creates a new blob with the same key: still one finding.
    repo.write("conf/live.env", &format!("MODE=paper\nOKX_SECRET_KEY={key}\n"));
    repo.commit("paper mode");
    std::fs::remove_file(repo.path().join("conf/live.env")).unwrap();
    repo.commit("remove live config");

    // The working tree is clean.
    let (code, _, _) = scan_json(repo.path(), &["--hidden"]);
    assert_eq!(code, 0);

    let (code, json, stderr) = scan_json(repo.path(), &["--history"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(locations(&json), vec![loc("okx-secret-key", "conf/live.env", 2, 16)]);
    let commit = &json["findings"][0]["commit"];
    assert_eq!(commit["id"], added.as_str());
    assert_eq!(commit["author"], "Ada Tester <ada@example.invalid>");
    assert_eq!(commit["date"], "2024-01-01T00:02:00+00:00");
    assert_eq!(
        json["findings"][0]["message"],
        format!("OKX API secret key in plain text, in commit {}", &added[..7]).as_str()
    );
    assert_eq!(json["summary"]["commits_scanned"], 4);
    assert!(!serde_json::to_string(&json).unwrap().contains(&key));

    // --since the commit that added it: nothing new after that.
    let (code, json, _) = scan_json(repo.path(), &["--history", "--since", &added]);
    assert_eq!(code, 0, "{json}");
}

#[test]
fn stdin_is_scanned_under_its_given_name() {
    let key = fake_okx_secret("e2e-stdin");
    let mut child = Command::new(env!("CARGO_BIN_EXE_keylint"))
        .args(["scan", "-", "--stdin-filename", "deploy/.env", "--format", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(format!("X=1\nOKX_SECRET_KEY={key}\n").as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(locations(&json), vec![loc("okx-secret-key", "deploy/.env", 2, 16)]);
}

#[test]
fn git_modes_outside_a_repository_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    for mode in [&["--staged"][..], &["--history"], &["--diff", "main"]] {
        let (code, _, stderr) = scan_json(dir.path(), mode);
        assert_eq!(code, 2, "{mode:?}");
        assert!(stderr.contains("is not inside a git repository"), "{stderr}");
    }
}

#[test]
fn paths_limit_git_scans_like_a_pathspec() {
    let app_key = fake_okx_secret("e2e-pathspec-app");
    let ops_key = fake_okx_secret("e2e-pathspec-ops");
    let mut repo = Repo::new();
    repo.write("README.md", "bot\n");
    repo.commit("initial");
    repo.write("app/.env", &format!("OKX_SECRET_KEY={app_key}\n"));
    repo.write("ops/.env", &format!("OKX_SECRET_KEY={ops_key}\n"));
    repo.write("app2/.env", &format!("OKX_SECRET_KEY={ops_key}\n"));
    repo.git(&["add", "."]);

    // No path: the whole index, even from a subdirectory (as `git diff` does).
    let (_, json, stderr) = scan_json(&repo.path().join("app"), &["--staged"]);
    assert!(json.is_object(), "{stderr}");
    let paths: Vec<String> = locations(&json).into_iter().map(|l| l.1).collect();
    assert_eq!(paths, vec!["app/.env", "app2/.env", "ops/.env"], "{stderr}");

    // A path limits the scan to that directory (not to siblings sharing its prefix).
    let (_, json, stderr) = scan_json(repo.path(), &["--staged", "app"]);
    assert_eq!(locations(&json), vec![loc("okx-secret-key", "app/.env", 1, 16)], "{stderr}");
    repo.commit("add envs");
    let (_, json, stderr) = scan_json(repo.path(), &["--history", "ops/.env"]);
    assert_eq!(locations(&json), vec![loc("okx-secret-key", "ops/.env", 1, 16)], "{stderr}");

    // A path outside the repository is an error, not a silent empty scan.
    let outside = tempfile::tempdir().expect("tmp");
    let (code, _, stderr) = keylint(repo.path(), &["scan", "--staged", &outside.path().display().to_string()]);
    assert_eq!(code, 2, "{stderr}");
}

/// A pull request whose second commit removes the key its first commit added: the final diff
/// is clean, the PR's commits are not.
#[test]
fn commits_mode_finds_a_key_added_and_removed_inside_the_range_with_its_commit() {
    let old_key = fake_okx_secret("e2e-commits-old");
    let key = fake_binance_key("e2e-commits-new");
    let main_key = fake_okx_secret("e2e-commits-main");
    let mut repo = Repo::new();
    repo.write("bot/.env", &format!("MODE=paper\nOKX_SECRET_KEY={old_key}\n"));
    let base = repo.commit("base (already has a key: not this PR's doing)");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("bot/live.env", &format!("MODE=live\nBINANCE_API_KEY={key}\n"));
    let added = repo.commit("add live config");
    repo.write("bot/live.env", "MODE=live\nBINANCE_API_KEY=${BINANCE_API_KEY}\n");
    let head = repo.commit("read the key from the environment");
    // main moves on with its own key; it is not part of the pull request.
    repo.git(&["checkout", "-q", "main"]);
    repo.write("ops/.env", &format!("OKX_SECRET_KEY={main_key}\n"));
    repo.commit("ops");
    repo.git(&["checkout", "-q", "feature"]);

    // The final diff of the PR shows nothing.
    let (code, json, stderr) = scan_json(repo.path(), &["--diff", &format!("{base}..{head}")]);
    assert_eq!((code, locations(&json)), (0, vec![]), "{stderr}");

    for range in [format!("{base}..{head}"), format!("{base}..HEAD"), base.clone(), "main...feature".to_string()] {
        let (code, json, stderr) = scan_json(repo.path(), &["--commits", &range]);
        assert_eq!(code, 1, "{range}: {stderr}");
        assert_eq!(locations(&json), vec![loc("binance-api-key", "bot/live.env", 2, 17)], "{range}");
        let f = &json["findings"][0];
        assert_eq!(f["commit"]["id"], added.as_str());
        assert_eq!(f["message"], format!("Binance API key in plain text, in commit {}", &added[..7]).as_str());
        assert_eq!(json["summary"]["commits_scanned"], 2, "{range}");
        let text = serde_json::to_string(&json).unwrap();
        assert!(!text.contains(&key) && !text.contains(&old_key) && !text.contains(&main_key));
    }

    // An empty range (head is the base) scans nothing.
    let (code, json, _) = scan_json(repo.path(), &["--commits", &format!("{head}..{head}")]);
    assert_eq!((code, json["summary"]["commits_scanned"].as_u64()), (0, None));

    // A base this clone does not have is a usage error that says how to fetch it.
    let (code, _, stderr) = scan_json(repo.path(), &["--commits", "origin/main..HEAD"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("base `origin/main` is not in this clone"), "{stderr}");
}
