//! User policies: written to a temp directory at test time and loaded without rebuilding;
//! invalid policy files are `RuleError`s pointing at the bad line.

use keylint::decode::Document;
use keylint::policy::{parse_date, PolicyConfig, PolicySet};
use miette::Diagnostic;

const USER_POLICY: &str = r#"id: prod-keys-in-vault
description: Production keys must live in Vault.
severity: error
when:
  environment: {equals: prod}
  secret_ref: {present: true}
  not: {secret_ref: {matches: '^vault:'}}
at: secret_ref
message: "production key `{name}` keeps its secret in `{secret_ref}`, not Vault"
help: "move the secret to Vault and set `secret_ref: vault:kv/{environment}/{name}`"
examples:
  - manifest: |
      keys:
        - name: okx-mm
          exchange: okx
          environment: prod
          permissions: [read]
          secret_ref: env:OKX_SECRET
    expect: ["6:17"]
negative_examples:
  - manifest: |
      keys:
        - name: okx-mm
          exchange: okx
          environment: staging
          permissions: [read]
          secret_ref: env:OKX_SECRET
"#;

const MANIFEST: &str = "keys:\n  - name: bybit-mm\n    exchange: bybit\n    environment: prod\n    permissions: [read]\n    secret_ref: aws-sm:prod/bybit-mm\n";

#[test]
fn a_user_policy_fires_without_rebuilding() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("prod-keys-in-vault.yaml"), USER_POLICY).unwrap();
    let today = parse_date("2026-11-22").unwrap();

    let without = PolicySet::load(&[], &PolicyConfig::default()).unwrap();
    assert!(without
        .check("exchange-keys.yaml", &Document::new(MANIFEST), today)
        .iter()
        .all(|f| f.rule != "prod-keys-in-vault"));

    let set = PolicySet::load(&[dir.path().to_path_buf()], &PolicyConfig::default()).unwrap();
    let findings: Vec<_> = set
        .check("exchange-keys.yaml", &Document::new(MANIFEST), today)
        .into_iter()
        .filter(|f| f.rule == "prod-keys-in-vault")
        .collect();
    assert_eq!(findings.len(), 1);
    let f = &findings[0];
    assert_eq!((f.path.as_str(), f.start.line, f.start.column), ("exchange-keys.yaml", 6, 17));
    assert_eq!(f.message, "production key `bybit-mm` keeps its secret in `aws-sm:prod/bybit-mm`, not Vault");
    assert_eq!(f.help, "move the secret to Vault and set `secret_ref: vault:kv/prod/bybit-mm`");
    // Its examples run like the built-ins' (`keylint rules test DIR`).
    assert_eq!(set.run_examples(), Vec::<String>::new());
    assert!(set.rule_infos().iter().any(|r| r.id == "prod-keys-in-vault"));
    assert!(set.explain("prod-keys-in-vault").unwrap().contains("Production keys must live in Vault."));
}

#[test]
fn config_dirs_disable_and_severity_apply() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.yml"), USER_POLICY).unwrap();
    let cfg = PolicyConfig {
        dirs: Some(vec![dir.path().to_path_buf()]),
        severity: Some([("prod-keys-in-vault".to_string(), keylint::diagnostic::Severity::Note)].into()),
        ..Default::default()
    };
    let set = PolicySet::load(&[], &cfg).unwrap();
    let today = parse_date("2026-11-22").unwrap();
    let f = set.check("exchange-keys.yaml", &Document::new(MANIFEST), today);
    assert_eq!(
        f.iter().find(|f| f.rule == "prod-keys-in-vault").map(|f| f.severity),
        Some(keylint::diagnostic::Severity::Note)
    );

    let cfg = PolicyConfig {
        dirs: Some(vec![dir.path().to_path_buf()]),
        disabled: Some(vec!["prod-keys-in-vault".into()]),
        ..Default::default()
    };
    let set = PolicySet::load(&[], &cfg).unwrap();
    assert!(set
        .check("exchange-keys.yaml", &Document::new(MANIFEST), today)
        .iter()
        .all(|f| f.rule != "prod-keys-in-vault"));

    let bad = PolicyConfig { disabled: Some(vec!["key-allows-withdrawal".into()]), ..Default::default() };
    assert!(PolicySet::load(&[], &bad).unwrap_err().to_string().contains("unknown policy id `key-allows-withdrawal`"));
}

/// The label's line (1-based) in the error's source.
fn label_line(err: &keylint::policy::RuleError, text: &str) -> usize {
    let label = err.labels().and_then(|mut l| l.next()).expect("error has a label");
    text[..label.offset()].matches('\n').count() + 1
}

#[test]
fn invalid_policy_files_point_at_the_bad_line() {
    let cases = [
        // Unknown subject on line 6.
        (
            USER_POLICY.replace("environment: {equals: prod}", "enviroment: {equals: prod}"),
            5,
            "unknown subject `enviroment`",
        ),
        // Unknown predicate.
        (USER_POLICY.replace("{equals: prod}", "{equal: prod}"), 5, "unknown predicate `equal`"),
        // Bad regex.
        (USER_POLICY.replace("'^vault:'", "'^(vault:'"), 7, "invalid regex"),
        // Unknown template variable.
        (
            USER_POLICY.replace("{secret_ref}`, not", "{secret_reff}`, not"),
            9,
            "unknown template variable `{secret_reff}`",
        ),
        // Unknown top-level field (serde, with its location).
        (USER_POLICY.replace("severity: error", "severity: error\nseverty: warning"), 4, "unknown field `severty`"),
    ];
    for (text, line, message) in cases {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("bad.yaml"), &text).unwrap();
        let err = PolicySet::load(&[dir.path().to_path_buf()], &PolicyConfig::default()).unwrap_err();
        assert!(err.to_string().contains(message), "{err}");
        assert!(err.to_string().contains("bad.yaml"), "{err}");
        assert_eq!(label_line(&err, &text), line, "{message}");
        assert_eq!(err.code().map(|c| c.to_string()).as_deref(), Some("keylint::invalid-rule-file"));
    }
    let missing = PolicySet::load(&[std::path::PathBuf::from("/nonexistent/policies")], &PolicyConfig::default());
    assert!(missing.is_err());
}

#[test]
fn failing_user_examples_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.yaml"), USER_POLICY.replace("[\"6:17\"]", "[\"6:18\"]")).unwrap();
    let set = PolicySet::load(&[dir.path().to_path_buf()], &PolicyConfig::default()).unwrap();
    let failures = set.run_examples();
    assert_eq!(failures, ["prod-keys-in-vault: example 1: expected diagnostics at [\"6:18\"], got [\"6:17\"]"]);
}

#[test]
fn shared_rule_dirs_skip_detector_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("team")).unwrap();
    std::fs::write(dir.path().join("team/prod-keys-in-vault.yaml"), USER_POLICY).unwrap();
    std::fs::write(dir.path().join("acme.yaml"), "exchange: okx\nrules:\n  - id: acme-key\n").unwrap();
    std::fs::write(dir.path().join("_parts.yaml"), "parts: {}\n").unwrap();
    let set = PolicySet::load(&[dir.path().to_path_buf()], &PolicyConfig::default()).unwrap();
    assert!(set.rule_infos().iter().any(|r| r.id == "prod-keys-in-vault"));
    assert!(set.rule_infos().iter().all(|r| r.id != "acme-key"));
}

#[test]
fn the_pipeline_adapter_fixes_the_date() {
    use keylint::scan::DeclarationChecker;
    let set = PolicySet::load(&[], &PolicyConfig::default()).unwrap();
    let text = "keys:\n  - name: a\n    exchange: okx\n    permissions: [read]\n    rotated: 2026-01-01\n";
    let early = keylint::policy::PolicyChecker::new(&set, parse_date("2026-02-01").unwrap());
    let late = keylint::policy::PolicyChecker::new(&set, parse_date("2026-06-01").unwrap());
    assert!(early.wants("exchange-keys.yaml", text.as_bytes()));
    assert!(early
        .check("exchange-keys.yaml", &Document::new(text), &keylint::bindings::collect("exchange-keys.yaml", text))
        .is_empty());
    let f =
        late.check("exchange-keys.yaml", &Document::new(text), &keylint::bindings::collect("exchange-keys.yaml", text));
    assert_eq!(f.iter().map(|f| f.rule.as_str()).collect::<Vec<_>>(), ["key-rotation-overdue"]);
}

#[test]
fn user_examples_run_alone() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.yaml"), USER_POLICY).unwrap();
    let set = PolicySet::load(&[dir.path().to_path_buf()], &PolicyConfig::default()).unwrap();
    assert_eq!(set.policies.iter().filter(|p| !p.builtin).count(), 1);
    assert_eq!(set.policies.iter().filter(|p| p.builtin).count(), 23);
    assert!(set.run_user_examples().is_empty());
}

/// List-level IP predicates (`contains`, `overlaps`, `within`, `count`) in a user policy.
#[test]
fn list_level_ip_predicates() {
    let policy = r#"id: no-office-ranges
description: Keys must not be bound to the office network, and prod lists stay short.
severity: warning
when:
  any:
    - ip_allowlist: {overlaps: [11.22.40.0/22]}
    - ip_allowlist: {contains: [11.22.50.7]}
    - all:
        - environment: {equals: prod}
        - ip_allowlist: {count: {gt: 2}}
    - not: {ip_allowlist: {within: [11.22.0.0/16, "2a05:d014::/32"]}}
at: ip_allowlist
message: "key `{name}` has {ip_allowlist.count} allowlist entries: {ip_allowlist}"
help: "bind it to the datacenter egress only"
examples:
  - manifest: |
      keys:
        - name: a
          exchange: okx
          permissions: [read]
          ip_allowlist: [11.22.41.9]
        - name: b
          exchange: okx
          permissions: [read]
          ip_allowlist: [11.22.50.0/24]
        - name: c
          exchange: okx
          environment: prod
          permissions: [read]
          ip_allowlist: [11.22.1.1, 11.22.1.2, 11.22.1.3]
        - name: d
          exchange: okx
          permissions: [read]
          ip_allowlist: [11.22.1.1, 11.23.0.1]
    expect: ["5:19", "9:19", "14:19", "18:19"]
negative_examples:
  - manifest: |
      keys:
        - name: ok
          exchange: okx
          environment: prod
          permissions: [read]
          ip_allowlist: [11.22.1.1, "2a05:d014::7"]
        - name: unbound
          exchange: okx
          permissions: [read]
"#;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("no-office-ranges.yaml"), policy).unwrap();
    let set = PolicySet::load(&[dir.path().to_path_buf()], &PolicyConfig::default()).unwrap();
    assert_eq!(set.run_user_examples(), Vec::<String>::new());
}

/// A user policy that quotes `secret_ref` and points at it never prints key material whole.
#[test]
fn user_templates_cannot_print_key_material() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.yaml"), USER_POLICY).unwrap();
    let set = PolicySet::load(&[dir.path().to_path_buf()], &PolicyConfig::default()).unwrap();
    let secret = "37c541a1-0a1b-4c2d-9e8f-10fe7a038418";
    let text = format!("keys:\n  - name: k\n    exchange: okx\n    environment: prod\n    permissions: [read]\n    secret_ref: {secret}\n");
    let findings = set.check("exchange-keys.yaml", &Document::new(&text), parse_date("2026-11-22").unwrap());
    let mine: Vec<_> = findings.iter().filter(|f| f.rule == "prod-keys-in-vault").collect();
    assert_eq!(mine.len(), 1);
    assert!(mine[0].sensitive);
    for f in &findings {
        for s in [&f.message, &f.help, &f.snippet] {
            assert!(!s.contains(secret), "{}: {s}", f.rule);
        }
    }
    assert!(mine[0].message.contains("37c5…8418"), "{}", mine[0].message);
}

/// Tree scans compare key names across files; history scans (many versions of one file) do not.
#[test]
fn repo_scope_across_files_but_not_across_versions() {
    use keylint::scan::DeclarationChecker;
    let set = PolicySet::load(&[], &PolicyConfig::default()).unwrap();
    let today = parse_date("2026-11-22").unwrap();
    let v1 = "keys:\n  - name: a\n    exchange: okx\n    permissions: [read]\n";
    let v2 = "keys:\n  - name: a\n    exchange: okx\n    permissions: [read]\n  - name: a\n    exchange: okx\n    permissions: [read]\n";
    let rules =
        |f: &[keylint::diagnostic::Finding]| f.iter().map(|f| (f.path.clone(), f.start.line)).collect::<Vec<_>>();

    // Tree: per-file checks hold repo-scoped policies back; finish reports across files.
    let tree = keylint::policy::PolicyChecker::new(&set, today);
    assert!(tree
        .check("x/exchange-keys.yaml", &Document::new(v1), &keylint::bindings::collect("x/exchange-keys.yaml", v1))
        .is_empty());
    assert!(tree
        .check("y/exchange-keys.yaml", &Document::new(v1), &keylint::bindings::collect("y/exchange-keys.yaml", v1))
        .is_empty());
    assert_eq!(rules(&tree.finish()), [("y/exchange-keys.yaml".to_string(), 2)]);

    // History: the same path twice is two versions, not two keys; a duplicate inside one version is.
    let history = keylint::policy::PolicyChecker::per_file(&set, today);
    assert!(history
        .check("exchange-keys.yaml", &Document::new(v1), &keylint::bindings::collect("exchange-keys.yaml", v1))
        .is_empty());
    assert_eq!(
        rules(&history.check(
            "exchange-keys.yaml",
            &Document::new(v2),
            &keylint::bindings::collect("exchange-keys.yaml", v2)
        )),
        [("exchange-keys.yaml".to_string(), 5)]
    );
    assert!(history.finish().is_empty());
    let files =
        vec![("exchange-keys.yaml".to_string(), v1.to_string()), ("exchange-keys.yaml".to_string(), v1.to_string())];
    assert!(set.check_repo(&files, today).is_empty());
}
