//! `--history` and `--commits`: secrets are searched for in every blob of history, declaration
//! policies (key manifests, configs) only in the files as they are at the tips of the scanned
//! refs — a manifest fixed since does not keep reporting its old versions.

mod common;
mod gitutil;

use common::locations;
use gitutil::{fake_okx_secret, keylint, Repo};
use serde_json::Value;

/// A fixed date, so rotation policies do not depend on the day the test runs.
const TODAY: &str = "2026-11-22";
const MANIFEST_PATH: &str = "deploy/exchange-keys.yaml";

/// A manifest with two violations: `withdraw` (line 5, column 32) and an allowlist open to the
/// whole internet (line 6, column 20).
const BAD_MANIFEST: &str = "keys:\n  - name: okx-mm\n    exchange: okx\n    environment: prod\n    permissions: [read, trade, withdraw]\n    ip_allowlist: [0.0.0.0/0]\n    secret_ref: vault:kv/okx-mm\n    rotated: 2026-10-01\n    used_by: []\n";

/// The same key, fixed: no policy finding.
const GOOD_MANIFEST: &str = "keys:\n  - name: okx-mm\n    exchange: okx\n    environment: prod\n    permissions: [read, trade]\n    ip_allowlist: [52.28.4.10]\n    secret_ref: vault:kv/okx-mm\n    rotated: 2026-10-01\n    used_by: []\n";

fn scan_json(dir: &std::path::Path, extra: &[&str]) -> (i32, Value, String) {
    let mut args = vec!["scan", "--format", "json", "--today", TODAY];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = keylint(dir, &args);
    let json = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    (code, json, stderr)
}

fn loc(rule: &str, path: &str, line: u64, col: u64) -> (String, String, u64, u64) {
    (rule.to_string(), path.to_string(), line, col)
}

/// The commit id of every finding, in output order.
fn commits(json: &Value) -> Vec<String> {
    json["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| f["commit"]["id"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The bad manifest's violations at `path`, attributed to one commit.
fn bad_manifest_findings(path: &str) -> Vec<(String, String, u64, u64)> {
    vec![loc("key-allows-withdraw", path, 5, 32), loc("ip-allowlist-open", path, 6, 20)]
}

#[test]
fn history_checks_declarations_only_on_the_files_at_the_tip() {
    let key = fake_okx_secret("history-declarations-old");
    let mut repo = Repo::new();
    repo.write("README.md", "bot\n");
    let base = repo.commit("initial");
    repo.write(MANIFEST_PATH, BAD_MANIFEST);
    repo.write("conf/live.env", &format!("MODE=live\nOKX_SECRET_KEY={key}\n"));
    let added = repo.commit("add the market-maker key and its config");
    repo.write(MANIFEST_PATH, GOOD_MANIFEST);
    repo.write("conf/live.env", "MODE=live\nOKX_SECRET_KEY=${OKX_SECRET_KEY}\n");
    let fixed = repo.commit("drop withdraw, pin the allowlist, read the key from the environment");

    // The working tree is clean.
    let (code, json, stderr) = scan_json(repo.path(), &["--hidden"]);
    assert_eq!((code, locations(&json)), (0, vec![]), "{stderr}");

    // History: the key committed in the old version is still found; the old manifest's
    // violations, fixed since, are not reported.
    let expected_secret = vec![loc("okx-secret-key", "conf/live.env", 2, 16)];
    let (code, json, stderr) = scan_json(repo.path(), &["--history"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(locations(&json), expected_secret, "{json}");
    assert_eq!(commits(&json), vec![added.clone()]);
    assert_eq!(json["summary"]["commits_scanned"], 3);
    assert!(!serde_json::to_string(&json).unwrap().contains(&key));

    // The same for the commits of a pull request that added and then fixed both.
    let (code, json, stderr) = scan_json(repo.path(), &["--commits", &format!("{base}..{fixed}")]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(locations(&json), expected_secret, "{json}");
    assert_eq!(commits(&json), vec![added.clone()]);

    // Scanning from the old commit, the bad manifest is the file at the tip: reported.
    let (code, json, stderr) = scan_json(repo.path(), &["--history", "--branch", &added]);
    assert_eq!(code, 1, "{stderr}");
    // Sorted by path: `conf/` before `deploy/`.
    let mut expected = expected_secret.clone();
    expected.extend(bad_manifest_findings(MANIFEST_PATH));
    assert_eq!(locations(&json), expected, "{json}");
    assert_eq!(commits(&json), vec![added.clone(); 3]);

    // So it is when another ref still points at it (`--all` scans every ref's tip), and the
    // output does not depend on the order of the refs.
    repo.git(&["branch", "old-config", &added]);
    let (code, json, stderr) = scan_json(repo.path(), &["--history", "--all"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(locations(&json), expected, "{json}");
    assert_eq!(commits(&json), vec![added.clone(); 3]);
    let (_, again, _) = scan_json(repo.path(), &["--history", "--branch", "old-config", "--branch", "main"]);
    assert_eq!(again["findings"], json["findings"]);

    // Only the scanned refs count: from main alone, the old manifest is history.
    let (_, json, stderr) = scan_json(repo.path(), &["--history", "--branch", "main"]);
    assert_eq!(locations(&json), expected_secret, "{stderr}");
}

#[test]
fn history_reports_a_declaration_still_at_the_tip_where_it_is_now() {
    let mut repo = Repo::new();
    repo.write(MANIFEST_PATH, BAD_MANIFEST);
    let added = repo.commit("add the market-maker key");
    // A later commit fixes the allowlist but keeps `withdraw`, one line further down.
    let edited = BAD_MANIFEST.replace("0.0.0.0/0", "52.28.4.10");
    repo.write(MANIFEST_PATH, &format!("# market maker\n{edited}"));
    let edit = repo.commit("comment, pin the allowlist");

    // What the working tree shows, history shows: the tip version, at the commit that made it.
    let (code, json, stderr) = scan_json(repo.path(), &["--hidden"]);
    assert_eq!(code, 1, "{stderr}");
    let expected = vec![loc("key-allows-withdraw", MANIFEST_PATH, 6, 32)];
    assert_eq!(locations(&json), expected, "{json}");
    let (code, json, stderr) = scan_json(repo.path(), &["--history"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(locations(&json), expected, "{json}");
    assert_eq!(commits(&json), vec![edit.clone()]);
    assert_ne!(edit, added);
}

#[test]
fn history_reports_an_unchanged_manifest_at_the_commit_that_added_it() {
    let mut repo = Repo::new();
    repo.write(MANIFEST_PATH, BAD_MANIFEST);
    let added = repo.commit("add the market-maker key");
    repo.write("README.md", "bot\n");
    repo.commit("readme");

    let (code, json, stderr) = scan_json(repo.path(), &["--history"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(locations(&json), bad_manifest_findings(MANIFEST_PATH), "{json}");
    assert_eq!(commits(&json), vec![added.clone(); 2]);

    // Moved without a change, it is the same blob, scanned once where it was first met (as its
    // secrets would be): still checked, since the tip holds it.
    repo.write("config/exchange-keys.yaml", BAD_MANIFEST);
    std::fs::remove_file(repo.path().join(MANIFEST_PATH)).unwrap();
    repo.commit("move the manifest");
    let (code, json, stderr) = scan_json(repo.path(), &["--history"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(locations(&json), bad_manifest_findings(MANIFEST_PATH), "{json}");
    assert_eq!(commits(&json), vec![added; 2]);
}

#[test]
fn commits_mode_leaves_out_a_violation_the_base_already_had() {
    let mut repo = Repo::new();
    repo.write(MANIFEST_PATH, BAD_MANIFEST);
    let base = repo.commit("base (already grants withdraw: not this PR's doing)");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    // The pull request edits the manifest elsewhere; the violations stay as they were.
    repo.write(MANIFEST_PATH, &BAD_MANIFEST.replace("environment: prod", "environment: staging"));
    repo.commit("staging");

    let (code, json, stderr) = scan_json(repo.path(), &["--commits", &format!("{base}..HEAD")]);
    assert_eq!((code, locations(&json)), (0, vec![]), "{stderr}");
}
