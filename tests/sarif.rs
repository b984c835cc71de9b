//! `--format sarif`: valid against the official SARIF 2.1.0 schema (fixtures/sarif/), plus the
//! extra properties GitHub code scanning requires, and never a whole secret.

mod gitutil;

use gitutil::{fake_binance_key, fake_okx_secret, finding, keylint, Repo};
use keylint::diagnostic::{Category, CommitInfo, Position, Related, Severity};
use keylint::report::sarif::{self, Sarif};
use keylint::report::{Report, Reporter, RuleInfo, Summary};
use serde_json::Value;

fn schema_validator() -> jsonschema::Validator {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/sarif/sarif-schema-2.1.0.json");
    let mut schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    // The official file's `language` patterns (run, toolComponent) has a stray `]`, which is a literal in PCRE but
    // invalid ECMA-262, so meta-validation refuses the schema. Escape it (same meaning) in
    // memory; the vendored file stays byte-identical to the published one. keylint never
    // emits `language`.
    for object in ["run", "toolComponent"] {
        let pattern = &mut schema["definitions"][object]["properties"]["language"]["pattern"];
        assert_eq!(pattern, "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$");
        *pattern = Value::from("^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$");
    }
    jsonschema::validator_for(&schema).expect("the SARIF schema compiles")
}

/// Schema validation plus GitHub's ingestion requirements (SARIF support for code scanning).
fn assert_valid_for_github(log: &Value) {
    let validator = schema_validator();
    let errors: Vec<String> = validator.iter_errors(log).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "schema errors: {errors:#?}");

    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let mut ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let n = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), n, "duplicate rule ids");
    for r in rules {
        for field in ["shortDescription", "fullDescription", "help"] {
            let text = r[field]["text"].as_str().unwrap_or_default();
            assert!(!text.trim().is_empty(), "rule {} has empty {field}", r["id"]);
            assert!(text.chars().count() <= 1024);
        }
        // A PascalCase name, and markdown help that says more than the plain text.
        let name = r["name"].as_str().unwrap();
        assert!(
            name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                && name.chars().all(|c| c.is_ascii_alphanumeric()),
            "{name}"
        );
        let markdown = r["help"]["markdown"].as_str().unwrap();
        assert!(
            markdown.len() > r["help"]["text"].as_str().unwrap().len() && markdown.contains("keylint:allow"),
            "{markdown}"
        );
        assert!(!r["help"]["text"].as_str().unwrap().contains('<'), "placeholders left in {}", r["id"]);
    }
    for result in run["results"].as_array().unwrap() {
        assert!(!result["message"]["text"].as_str().unwrap().is_empty());
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"], "ruleIndex points at the rule");
        let loc = &result["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
        assert!(!uri.starts_with('/') && !uri.contains("://"), "relative uri: {uri}");
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        for k in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(loc["region"][k].as_u64().unwrap() >= 1, "{k}");
        }
        assert_eq!(result["partialFingerprints"][sarif::FINGERPRINT_KEY].as_str().unwrap().len(), 32);
    }
}

fn render(findings: &[keylint::diagnostic::Finding], rules: &[RuleInfo]) -> (String, Value) {
    let summary = Summary::default();
    let report = Report { findings, summary: &summary, rules, show_secrets: false, color: false, width: 100 };
    let mut out = Vec::new();
    Sarif.write(&report, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let value = serde_json::from_str(&text).unwrap();
    (text, value)
}

fn rule_info(id: &str, category: &str, severity: Severity) -> RuleInfo {
    RuleInfo {
        id: id.into(),
        category: category.into(),
        severity,
        exchange: Some("okx".into()),
        description: format!("{id} description"),
        help: format!("{id} help"),
    }
}

#[test]
fn hand_built_findings_give_schema_valid_github_ready_sarif() {
    let mut a = finding("okx-secret-key", Severity::Error, "deploy/bot 1/.env", (4, 16), (4, 48));
    a.related.push(Related {
        label: "api key of the same credential".into(),
        start: Position { line: 3, column: 13, offset: 40 },
        end: Position { line: 3, column: 49, offset: 76 },
        path: None,
    });
    let mut b = finding("okx-secret-key", Severity::Warning, "ü/config.yaml", (2, 3), (3, 5));
    b.commit = Some(CommitInfo {
        id: "0123456789abcdef0123456789abcdef01234567".into(),
        author: Some("Ada <ada@example.invalid>".into()),
        date: Some("2024-01-01T00:00:00+00:00".into()),
    });
    // A file-level diagnostic with no position, from a rule the registry does not list.
    let mut c = finding("io-error", Severity::Error, "unreadable.env", (0, 0), (0, 0));
    c.category = Category::Io;
    c.snippet = String::new();
    let rules = vec![
        rule_info("okx-secret-key", "secret", Severity::Error),
        rule_info("key-allows-withdraw", "policy", Severity::Warning),
        rule_info("okx-secret-key", "secret", Severity::Error),
    ];
    let (_, log) = render(&[a, b, c], &rules);
    assert_valid_for_github(&log);

    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["io-error", "key-allows-withdraw", "okx-secret-key"]);
    let okx = &rules[2];
    assert_eq!(okx["properties"]["security-severity"], "8.0");
    assert_eq!(okx["properties"]["tags"][0], "security");
    assert_eq!(rules[1]["properties"]["security-severity"], "5.0");
    assert!(rules[0]["properties"].get("security-severity").is_none(), "io-error is not a security rule");

    let results = run["results"].as_array().unwrap();
    let r0 = &results[0];
    assert_eq!(r0["ruleId"], "okx-secret-key");
    assert_eq!(r0["level"], "error");
    assert_eq!(r0["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "deploy/bot%201/.env");
    assert_eq!(
        r0["locations"][0]["physicalLocation"]["region"],
        serde_json::json!({"startLine": 4, "startColumn": 16, "endLine": 4, "endColumn": 48})
    );
    assert_eq!(r0["relatedLocations"][0]["physicalLocation"]["region"]["startLine"], 3);
    assert_eq!(r0["message"]["text"], "OKX API secret key committed in plain text (`OKX_SECRET_KEY=E9E6…A1F0`).");
    assert_eq!(results[1]["level"], "warning");
    assert_eq!(results[1]["properties"]["commit"]["id"], "0123456789abcdef0123456789abcdef01234567");
    assert_eq!(results[2]["locations"][0]["physicalLocation"]["region"]["startLine"], 1);
}

#[test]
fn output_is_byte_identical_across_runs() {
    let f = vec![finding("okx-secret-key", Severity::Error, "a/.env", (1, 16), (1, 48))];
    let rules = vec![rule_info("okx-secret-key", "secret", Severity::Error)];
    assert_eq!(render(&f, &rules).0, render(&f, &rules).0);
}

#[test]
fn results_beyond_githubs_limit_keep_the_most_severe() {
    let mut findings = Vec::new();
    for i in 0..sarif::MAX_RESULTS {
        findings.push(finding("okx-secret-key", Severity::Note, &format!("n{i:05}.env"), (1, 1), (1, 2)));
    }
    findings.push(finding("okx-secret-key", Severity::Error, "z.env", (1, 1), (1, 2)));
    let (_, log) = render(&findings, &[]);
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), sarif::MAX_RESULTS);
    assert_eq!(results.last().unwrap()["level"], "error", "the error survives the cut");
    assert_eq!(log["runs"][0]["properties"]["keylint/droppedResults"], 1);
}

#[test]
fn end_to_end_sarif_from_a_git_history_scan_is_valid_and_redacted() {
    let okx = fake_okx_secret("sarif");
    let binance = fake_binance_key("sarif");
    let mut repo = Repo::new();
    repo.write("bot/.env", &format!("OKX_SECRET_KEY={okx}\nBINANCE_API_KEY={binance}\n"));
    repo.commit("add keys");
    std::fs::remove_file(repo.path().join("bot/.env")).unwrap();
    repo.commit("remove keys");
    let (code, stdout, stderr) = keylint(repo.path(), &["scan", "--history", "--format", "sarif"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(!stdout.contains(&okx) && !stdout.contains(&binance), "a whole secret leaked into SARIF");
    let log: Value = serde_json::from_str(&stdout).unwrap();
    assert_valid_for_github(&log);
    let results = log["runs"][0]["results"].as_array().unwrap();
    let ids: Vec<&str> = results.iter().map(|r| r["ruleId"].as_str().unwrap()).collect();
    assert_eq!(ids, ["okx-secret-key", "binance-api-key"]);
    assert_eq!(results[1]["locations"][0]["physicalLocation"]["region"]["startLine"], 2);
    assert_eq!(results[1]["locations"][0]["physicalLocation"]["region"]["startColumn"], 17);
}

#[test]
fn the_schema_check_is_not_vacuous() {
    let f = vec![finding("okx-secret-key", Severity::Error, "a/.env", (1, 16), (1, 48))];
    let (_, mut log) = render(&f, &[]);
    assert!(schema_validator().is_valid(&log));
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0.into();
    assert!(!schema_validator().is_valid(&log), "startLine 0 must be rejected");
    let (_, mut log) = render(&f, &[]);
    log["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!schema_validator().is_valid(&log), "unknown level must be rejected");
}
