//! Baselines: `baseline create` records fingerprints; `scan --baseline` hides them, reports new
//! findings, and lists entries that no longer match.

mod gitutil;

use gitutil::{fake_okx_secret, finding, keylint, Repo};
use keylint::diagnostic::Severity;
use keylint::filter::baseline::{self, Baseline, BaselineError};
use std::path::Path;

#[test]
fn create_is_sorted_deduplicated_and_timestamp_free() {
    let a = finding("okx-secret-key", Severity::Error, "b/.env", (3, 1), (3, 9));
    let b = finding("okx-secret-key", Severity::Error, "a/.env", (7, 1), (7, 9));
    let dup = a.clone();
    let created = Baseline::create(&[a.clone(), b.clone(), dup]);
    assert_eq!(created.entries.len(), 2);
    assert_eq!(created.entries[0].path, "a/.env");
    assert_eq!(created.entries[0].line, 7);
    assert_eq!(created, Baseline::create(&[b, a]), "order of findings does not matter");
    let json = created.to_json();
    assert!(
        json.starts_with("{\n  \"version\": 1,\n  \"fingerprint_algorithm\": \"keylint/v1\",\n  \"entries\": ["),
        "{json}"
    );
    assert_eq!(Baseline::parse(&json, Path::new("b.json")).unwrap(), created);
}

#[test]
fn apply_keeps_new_findings_and_lists_stale_entries() {
    let old = finding("okx-secret-key", Severity::Error, "old/.env", (1, 1), (1, 9));
    let fixed = finding("okx-secret-key", Severity::Error, "fixed/.env", (1, 1), (1, 9));
    let new = finding("okx-secret-key", Severity::Error, "new/.env", (1, 1), (1, 9));
    let base = Baseline::create(&[old.clone(), fixed.clone()]);
    // The old finding moved to another line: fingerprints are position-free, still accepted.
    let mut moved = old.clone();
    moved.start.line = 40;
    let (kept, stale) = baseline::apply(vec![moved, new.clone()], &base);
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].path, "new/.env");
    assert_eq!(stale.len(), 1);
    assert_eq!(stale[0].path, "fixed/.env");
}

#[test]
fn bad_baselines_are_clear_errors() {
    let p = Path::new("x.json");
    assert!(matches!(Baseline::parse("{", p), Err(BaselineError::Parse { .. })));
    let future = r#"{"version": 9, "fingerprint_algorithm": "keylint/v1", "entries": []}"#;
    let err = Baseline::parse(future, p).unwrap_err();
    assert!(err.to_string().contains("recreate it with `keylint baseline create`"), "{err}");
}

#[test]
fn end_to_end_create_then_scan_reports_only_new_findings_and_stale_entries() {
    let old_key = fake_okx_secret("baseline-old");
    let gone_key = fake_okx_secret("baseline-gone");
    let new_key = fake_okx_secret("baseline-new");
    let repo = Repo::new();
    repo.write("svc/app.env", &format!("OKX_SECRET_KEY={old_key}\n"));
    repo.write("svc/gone.env", &format!("OKX_SECRET_KEY={gone_key}\n"));

    let (code, _, stderr) = keylint(repo.path(), &["baseline", "create"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("wrote 2 baseline entries to .keylint-baseline.json"), "{stderr}");
    let text = std::fs::read_to_string(repo.path().join(".keylint-baseline.json")).unwrap();
    assert!(!text.contains(&old_key) && !text.contains(&gone_key), "a baseline never stores secrets");

    // Nothing new: clean exit.
    let (code, stdout, stderr) =
        keylint(repo.path(), &["scan", "--baseline", ".keylint-baseline.json", "--format", "json"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["summary"]["baselined"], 2);

    // One fixed (stale), one new, the old one moved down a line (still baselined).
    std::fs::remove_file(repo.path().join("svc/gone.env")).unwrap();
    repo.write("svc/app.env", &format!("# moved\nOKX_SECRET_KEY={old_key}\n"));
    repo.write("svc/new.env", &format!("OKX_SECRET_KEY={new_key}\n"));
    let (code, stdout, stderr) =
        keylint(repo.path(), &["scan", "--baseline", ".keylint-baseline.json", "--format", "json"]);
    assert_eq!(code, 1, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["path"], "svc/new.env");
    assert_eq!(json["summary"]["baselined"], 1);
    assert_eq!(json["summary"]["stale_baseline"][0]["path"], "svc/gone.env");
    assert!(stderr.contains("1 baseline entry no longer matches any finding; remove it"), "{stderr}");
    assert!(stderr.contains("  svc/gone.env:1: okx-secret-key ("), "{stderr}");

    // A missing baseline file is a usage error, not a crash.
    let (code, _, stderr) = keylint(repo.path(), &["scan", "--baseline", "nope.json"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot read baseline `nope.json`"), "{stderr}");
}
