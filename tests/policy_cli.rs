//! The policy layer through the real binary: scan output, `.keylint.toml [policy]`, user policy
//! files in rule directories, `--today`, `--no-policies`, `rules list/test`, `explain`, exit 2.

mod common;
use common::*;

const MANIFEST: &str = "keys:\n  - name: okx-mm\n    exchange: okx\n    environment: prod\n    permissions: [read, trade, withdraw]\n    ip_allowlist: [10.0.3.7]\n    secret_ref: vault:kv/okx-mm\n    rotated: 2026-08-23\n";

fn locs(v: &serde_json::Value) -> Vec<(String, String, u64, u64)> {
    let mut l = locations(v);
    l.retain(|(rule, ..)| !rule.starts_with("okx-"));
    l
}

fn owned(list: &[(&str, &str, u64, u64)]) -> Vec<(String, String, u64, u64)> {
    list.iter().map(|(r, p, l, c)| (r.to_string(), p.to_string(), *l, *c)).collect()
}

#[test]
fn scan_reports_policy_findings_with_exact_locations() {
    let dir = tree(&[("deploy/exchange-keys.yaml", MANIFEST)]);
    let p = "deploy/exchange-keys.yaml";
    let out = run(dir.path(), &["scan", "--format", "json", "--today", "2026-11-22"], None);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(
        locs(&v),
        owned(&[
            // No code in the tree uses the key: its privileges cannot be judged (a note).
            ("key-usage-unknown", p, 2, 11),
            ("key-allows-withdraw", p, 5, 32),
            ("ip-allowlist-not-public", p, 6, 20),
            ("key-rotation-overdue", p, 8, 14),
        ])
    );
    assert_eq!(v["findings"][0]["category"], "policy");
    assert_eq!(v["findings"][0]["exchange"], "okx");

    // One day earlier the key is exactly 90 days old: no rotation finding.
    let out = run(dir.path(), &["scan", "--format", "json", "--today", "2026-11-21"], None);
    assert!(locs(&json(&out)).iter().all(|(r, ..)| r != "key-rotation-overdue"));

    // --no-policies: secrets only.
    let out = run(dir.path(), &["scan", "--format", "json", "--no-policies"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(locs(&json(&out)).is_empty());
}

#[test]
fn policy_config_and_user_policy_files_apply() {
    let user_policy = "id: prod-needs-owner\ndescription: Production keys name an owner.\nseverity: warning\nwhen:\n  environment: {equals: prod}\n  owner: {present: false}\nat: name\nmessage: \"production key `{name}` has no owner\"\nhelp: \"add `owner:` with the accountable team\"\nexamples:\n  - manifest: |\n      keys:\n        - name: a\n          exchange: okx\n          environment: prod\n          permissions: [read]\n    expect: [\"2:11\"]\n";
    let dir = tree(&[
        ("exchange-keys.yaml", MANIFEST),
        (
            ".keylint.toml",
            "[rules]\ndirs = [\"keylint-rules\"]\n[policy]\nmax_age_days = 120\ndisabled = [\"key-allows-withdraw\"]\n[policy.severity]\nip-allowlist-not-public = \"error\"\n",
        ),
        ("keylint-rules/prod-needs-owner.yaml", user_policy),
    ]);
    let p = "exchange-keys.yaml";
    let out = run(dir.path(), &["scan", "--format", "json", "--today", "2026-11-22"], None);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(
        locs(&v),
        owned(&[
            // key-allows-withdraw is disabled; 91 days is within max_age_days = 120.
            ("key-usage-unknown", p, 2, 11),
            ("prod-needs-owner", p, 2, 11),
            ("ip-allowlist-not-public", p, 6, 20),
        ])
    );
    assert_eq!(v["findings"][2]["severity"], "error");
    assert_eq!(v["findings"][1]["message"], "production key `okx-mm` has no owner");

    let out = run(dir.path(), &["rules", "list"], None);
    assert!(stdout(&out).contains("prod-needs-owner"), "{}", stdout(&out));
    assert!(stdout(&out).contains("key-allows-withdraw"));

    let out = run(dir.path(), &["explain", "key-rotation-overdue"], None);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("max_age_days"), "{}", stdout(&out));

    let out = run(dir.path(), &["rules", "test", "keylint-rules"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn invalid_policy_inputs_exit_2_with_a_pointed_error() {
    let bad_policy =
        "id: broken\ndescription: d\nseverity: error\nwhen:\n  permisions: {any_of: [withdraw]}\nmessage: m\nhelp: h\n";
    let dir = tree(&[("exchange-keys.yaml", MANIFEST), ("rules/broken.yaml", bad_policy)]);
    let out = run(dir.path(), &["scan", "--rules", "rules"], None);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("unknown subject `permisions`"), "{err}");
    assert!(err.contains("broken.yaml:5:"), "{err}");

    let dir = tree(&[("exchange-keys.yaml", MANIFEST), (".keylint.toml", "[policy]\nmax_age_dayz = 3\n")]);
    let out = run(dir.path(), &["scan"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("max_age_dayz"), "{}", stderr(&out));

    let out = run(dir.path(), &["scan", "--today", "2026-02-30"], None);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn invalid_manifests_are_findings_not_failures() {
    let dir = tree(&[
        ("a/exchange-keys.json", "{\"keys\": [{\"name\": \"x\""),
        (
            "b/exchange-keys.yaml",
            "keys:\n  - name: x\n    exchange: okx\n    permissions: [read]\n    ip_alowlist: []\n",
        ),
    ]);
    let out = run(dir.path(), &["scan", "--format", "json"], None);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(
        locs(&v),
        owned(&[
            ("manifest-invalid", "a/exchange-keys.json", 1, 23),
            ("key-usage-unknown", "b/exchange-keys.yaml", 2, 11),
            ("manifest-invalid", "b/exchange-keys.yaml", 5, 5)
        ])
    );
    assert_eq!(v["findings"][0]["category"], "parse");
    assert_eq!(v["findings"][2]["category"], "config");
    assert_eq!(v["findings"][2]["severity"], "warning");
}

#[test]
fn secret_inline_is_redacted_in_every_format() {
    let secret = "9C0D3E8F1A2B4C5D6E7F8091A2B3C4D5";
    let manifest =
        format!("keys:\n  - name: leaky\n    exchange: okx\n    permissions: [read]\n    secret_ref: {secret}\n");
    let dir = tree(&[("exchange-keys.yaml", &manifest)]);
    for format in ["human", "json", "jsonl"] {
        let out = run(dir.path(), &["scan", "--format", format], None);
        assert_eq!(out.status.code(), Some(1));
        let text = stdout(&out) + &stderr(&out);
        assert!(text.contains("secret-inline"), "{format}: {text}");
        assert!(!text.contains(secret), "{format} leaked the secret: {text}");
    }
}

#[test]
fn duplicate_key_names_across_manifests() {
    let a = "keys:\n  - name: okx-mm\n    exchange: okx\n    permissions: [read]\n";
    let b = "[[keys]]\nname = \"okx-mm\"\nexchange = \"okx\"\npermissions = [\"read\"]\n\n[[keys]]\nname = \"solo\"\nexchange = \"okx\"\npermissions = [\"read\"]\n\n[[keys]]\nname = \"solo\"\nexchange = \"okx\"\npermissions = [\"read\"]\n";
    let dir = tree(&[("a/exchange-keys.yaml", a), ("b/exchange-keys.toml", b), ("c/.env", "OKX_SECRET_KEY=${X}\n")]);
    let out = run(dir.path(), &["scan", "--format", "json", "-j", "2"], None);
    let v = json(&out);
    assert_eq!(
        locs(&v),
        owned(&[
            ("key-usage-unknown", "a/exchange-keys.yaml", 2, 11),
            ("key-name-duplicate", "b/exchange-keys.toml", 2, 8),
            ("key-usage-unknown", "b/exchange-keys.toml", 2, 8),
            ("key-usage-unknown", "b/exchange-keys.toml", 7, 8),
            ("key-name-duplicate", "b/exchange-keys.toml", 12, 8),
            ("key-usage-unknown", "b/exchange-keys.toml", 12, 8)
        ])
    );
    assert_eq!(v["findings"][1]["message"], "key name `okx-mm` is already used at a/exchange-keys.yaml:2");
    assert_eq!(v["findings"][4]["message"], "key name `solo` is already used at b/exchange-keys.toml:7");
    // Identical output with one thread.
    let one = run(dir.path(), &["scan", "--format", "json", "-j", "1"], None);
    assert_eq!(locs(&json(&one)), locs(&v));
}
