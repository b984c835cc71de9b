//! `--history` reads a later version of a file only around its new lines that could start a
//! finding (`Artifact::revised`): keys filled in on lines that name no exchange, and keys in a
//! large file edited in many commits, are still found once, at the commit that added them.

mod common;
mod gitutil;

use common::locations;
use gitutil::{fake_binance_key, keylint, Repo};
use serde_json::Value;

fn history_json(dir: &std::path::Path) -> (i32, Value, String) {
    let (code, stdout, stderr) = keylint(dir, &["scan", "--format", "json", "--history"]);
    (code, serde_json::from_str(&stdout).unwrap_or(Value::Null), stderr)
}

fn loc(rule: &str, path: &str, line: u64, col: u64) -> (String, String, u64, u64) {
    (rule.to_string(), path.to_string(), line, col)
}

fn config(key: &str, secret: &str, trades: u32) -> String {
    format!(
        "{{\n    \"max_open_trades\": {trades},\n    \"exchange\": {{\n        \"name\": \"binance\",\n        \
         \"key\": \"{key}\",\n        \"secret\": \"{secret}\",\n        \"pair_whitelist\": [\"BTC/USDT\"]\n    }}\n}}\n"
    )
}

#[test]
fn keys_filled_in_beside_an_old_exchange_name_are_found_at_that_commit() {
    let (key, secret) = (fake_binance_key("revised-key"), fake_binance_key("revised-secret"));
    let mut repo = Repo::new();
    repo.write("user_data/config.json", &config("", "", 3));
    repo.commit("empty config");
    repo.write("user_data/config.json", &config("", "", 4));
    repo.commit("more trades");
    // The new lines name no exchange ("binance" is on an unchanged line above them).
    repo.write("user_data/config.json", &config(&key, &secret, 4));
    let filled = repo.commit("live keys");
    repo.write("user_data/config.json", &config(&key, &secret, 5));
    repo.commit("even more trades");

    let (code, json, stderr) = history_json(repo.path());
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        locations(&json),
        vec![
            loc("binance-api-key", "user_data/config.json", 5, 17),
            loc("binance-secret-key", "user_data/config.json", 6, 20),
        ]
    );
    for f in json["findings"].as_array().unwrap() {
        assert_eq!(f["commit"]["id"], filled.as_str());
    }
    let text = serde_json::to_string(&json).unwrap();
    assert!(!text.contains(&key) && !text.contains(&secret));
}

/// A Python module of about 120 KB that names an exchange here and there, with `edit` changing
/// one line far from the top and `keys` put under the first line.
fn module(edit: u32, keys: Option<(&str, &str)>) -> String {
    let mut out = String::from("# exchange client\n");
    if let Some((key, secret)) = keys {
        out.push_str(&format!("BINANCE_API_KEY = \"{key}\"\nBINANCE_SECRET_KEY = \"{secret}\"\n"));
    }
    for i in 0..3000u32 {
        if i % 150 == 0 {
            out.push_str("# binance returns the order book in levels\n");
        }
        if i == 2500 {
            out.push_str(&format!("LIMIT = {edit}\n"));
        }
        out.push_str(&format!("def fetch_order_{i}(self):\n    return self.request({i})\n"));
    }
    out
}

#[test]
fn keys_in_a_large_file_edited_in_many_commits_are_found_once() {
    let (key, secret) = (fake_binance_key("large-key"), fake_binance_key("large-secret"));
    let mut repo = Repo::new();
    repo.write("src/client.py", &module(0, None));
    repo.commit("client");
    assert!(module(0, None).len() > 100_000);
    repo.write("src/client.py", &module(1, Some((&key, &secret))));
    let added = repo.commit("hard-coded keys");
    for edit in 2..6 {
        repo.write("src/client.py", &module(edit, Some((&key, &secret))));
        repo.commit("tune the limit");
    }
    repo.write("src/client.py", &module(6, None));
    repo.commit("keys out");

    let (code, json, stderr) = history_json(repo.path());
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        locations(&json),
        vec![loc("binance-api-key", "src/client.py", 2, 20), loc("binance-secret-key", "src/client.py", 3, 23)]
    );
    for f in json["findings"].as_array().unwrap() {
        assert_eq!(f["commit"]["id"], added.as_str());
    }
    assert_eq!(json["summary"]["commits_scanned"], 7);
    // Every version was read (counted), the later ones only around their new lines.
    assert_eq!(json["summary"]["files_scanned"], 7);
}

/// A module of about 100 KB that names no exchange, with keys at lines 1502-1503 and
/// `comments` (line, text) put in.
fn unnamed_module(key: &str, secret: &str, comments: &[(u32, &str)]) -> String {
    let mut out = String::new();
    for i in 0..3000u32 {
        if let Some((_, text)) = comments.iter().find(|(at, _)| *at == i) {
            out.push_str(&format!("# {text}\n"));
        }
        if i == 1500 {
            out.push_str(&format!("API_KEY = \"{key}\"\nAPI_SECRET = \"{secret}\"\n"));
        }
        out.push_str(&format!("def fetch_order_{i}(self):\n    return self.request({i})\n"));
    }
    out
}

/// A later version of a large file is read again only near its new lines, and a new line that
/// only names an exchange only where a value lies within that reach: an exchange named above
/// old keys makes them findings at that commit; one named far from every value reads nothing.
#[test]
fn an_exchange_named_beside_old_keys_in_a_large_file_is_found_at_that_commit() {
    let (key, secret) = (fake_binance_key("unnamed-key"), fake_binance_key("unnamed-secret"));
    let mut repo = Repo::new();
    repo.write("src/client.py", &unnamed_module(&key, &secret, &[]));
    repo.commit("client");
    assert!(unnamed_module(&key, &secret, &[]).len() > 64 * 1024);
    repo.write("src/client.py", &unnamed_module(&key, &secret, &[(100, "kraken returns levels")]));
    repo.commit("a far comment");
    repo.write("src/client.py", &unnamed_module(&key, &secret, &[(100, "kraken returns levels"), (1500, "binance")]));
    let named = repo.commit("name the exchange");

    let (code, json, stderr) = history_json(repo.path());
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        locations(&json),
        vec![loc("binance-api-key", "src/client.py", 3003, 12), loc("binance-secret-key", "src/client.py", 3004, 15)]
    );
    for f in json["findings"].as_array().unwrap() {
        assert_eq!(f["commit"]["id"], named.as_str());
    }
    assert_eq!(json["summary"]["files_scanned"], 3);
}

/// Blobs are read in pack order (each delta after its base) whatever order the pack was
/// written in: the same history gives the same findings with loose objects, in a pack git wrote
/// (newer versions whole, older ones deltas on them) and in a pack `git fast-import` wrote
/// (older versions whole, newer ones deltas on them), with delta chains 30 versions deep.
#[test]
fn findings_do_not_depend_on_how_the_history_is_packed() {
    let (key, secret) = (fake_binance_key("packed-key"), fake_binance_key("packed-secret"));
    let mut repo = Repo::new();
    let mut added = String::new();
    for edit in 0..32u32 {
        let keys = (10..20).contains(&edit).then_some((key.as_str(), secret.as_str()));
        repo.write("src/client.py", &module(edit, keys));
        repo.write("user_data/config.json", &config("", "", edit));
        let id = repo.commit("tune the limit");
        if edit == 10 {
            added = id;
        }
    }
    let (code, loose, stderr) = history_json(repo.path());
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        locations(&loose),
        vec![loc("binance-api-key", "src/client.py", 2, 20), loc("binance-secret-key", "src/client.py", 3, 23)]
    );
    for f in loose["findings"].as_array().unwrap() {
        assert_eq!(f["commit"]["id"], added.as_str());
    }
    assert_eq!(loose["summary"]["files_scanned"], 64);

    repo.git(&["repack", "-a", "-d", "-f", "-q", "--depth=50", "--window=50"]);
    let packed = |dir: &std::path::Path| {
        let counts = gitutil::git_in(dir, &["count-objects", "-v"], 0);
        counts.lines().any(|l| l == "count: 0") && counts.lines().any(|l| l == "packs: 1")
    };
    assert!(packed(repo.path()));
    let (code, repacked, stderr) = history_json(repo.path());
    assert_eq!(code, 1, "{stderr}");

    let imported = tempfile::tempdir().expect("tempdir");
    gitutil::git_in(imported.path(), &["init", "-q", "-b", "main"], 0);
    let export = std::process::Command::new("git")
        .args(["fast-export", "--all"])
        .current_dir(repo.path())
        .output()
        .expect("git fast-export");
    assert!(export.status.success());
    let mut import = std::process::Command::new("git")
        .args(["fast-import", "--quiet", "--depth=50"])
        .current_dir(imported.path())
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("git fast-import");
    use std::io::Write;
    import.stdin.take().expect("stdin").write_all(&export.stdout).expect("feed fast-import");
    assert!(import.wait().expect("fast-import ends").success());
    assert_eq!(gitutil::git_in(imported.path(), &["rev-parse", "main"], 0).trim(), repo.head());
    assert!(packed(imported.path()));
    let (code, fast_imported, stderr) = history_json(imported.path());
    assert_eq!(code, 1, "{stderr}");

    for other in [&repacked, &fast_imported] {
        assert_eq!(other["findings"], loose["findings"]);
        assert_eq!(other["summary"]["files_scanned"], loose["summary"]["files_scanned"]);
        assert_eq!(other["summary"]["bytes_scanned"], loose["summary"]["bytes_scanned"]);
    }
}
