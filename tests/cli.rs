//! End-to-end behaviour of `keylint scan` that does not depend on the built-in detector set:
//! exit codes, config and rule-file errors, user rules, stdin, redaction, determinism.
//! Uses a user rule directory with a synthetic detector so the assertions stay exact.

mod common;
use common::*;

// Synthetic values generated for these tests (uuid4 / random upper hex), not real keys.
const KEY: &str = "b4de08ae-a8e6-4acc-8aeb-d21d7f4f42ef";
const SECRET: &str = "08CBA24E1082BC6888E8AA844A65B862";
const SECRET2: &str = "E070FA7C3900B5BFCBFB01E08682F96A";

const USER_RULE: &str = r#"exchange: okx
rules:
  - id: okx-secret-key
    part: secret
    description: OKX secret (test rule)
    value: '[0-9A-F]{32}'
    help: revoke it
    examples:
      - text: 'OKX_SECRET_KEY=08CBA24E1082BC6888E8AA844A65B862'
        value: 08CBA24E1082BC6888E8AA844A65B862
  - id: okx-api-key
    part: api-key
    description: OKX key (test rule)
    value: '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
    help: revoke it
    examples:
      - text: 'OKX_API_KEY=b4de08ae-a8e6-4acc-8aeb-d21d7f4f42ef'
        value: b4de08ae-a8e6-4acc-8aeb-d21d7f4f42ef
"#;

fn bot_tree() -> tempfile::TempDir {
    let env = format!("OKX_API_KEY={KEY}\nOKX_SECRET_KEY={SECRET}\n");
    let json = format!("{{\n  \"exchange\": {{\n    \"name\": \"okx\",\n    \"secret\": \"{SECRET2}\"\n  }}\n}}\n");
    tree(&[
        ("rules/okx.yaml", USER_RULE),
        ("bot/.env", &env),
        ("bot/config.json", &json),
        ("bot/blob.bin", "OKX_SECRET_KEY=\0binary"),
    ])
}

#[test]
fn user_rules_find_exact_locations_and_exit_1() {
    let dir = bot_tree();
    let out = run(dir.path(), &["scan", "bot", "--hidden", "--rules", "rules", "--format", "json"], None);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(
        locations(&v),
        vec![
            ("okx-api-key".into(), ".env".into(), 1, 13),
            ("okx-secret-key".into(), ".env".into(), 2, 16),
            ("okx-secret-key".into(), "config.json".into(), 4, 16),
        ]
    );
    let f = &v["findings"][1];
    assert_eq!(f["snippet"], "OKX_SECRET_KEY=08CB…B862");
    assert_eq!(f["exchange"], "okx");
    assert_eq!(f["start"]["offset"], 64);
    assert_eq!(f["end"]["column"], 48);
    // Key and secret in one .env are one credential; the JSON secret is another.
    assert_eq!(v["findings"][0]["credential"], v["findings"][1]["credential"]);
    assert_ne!(v["findings"][1]["credential"], v["findings"][2]["credential"]);
    assert_eq!(v["summary"]["skipped"]["binary"], 1);
    assert_eq!(v["summary"]["files_scanned"], 2);
}

#[test]
fn no_output_format_prints_a_whole_secret_unless_asked() {
    let dir = bot_tree();
    for format in ["human", "json", "jsonl"] {
        let out = run(dir.path(), &["scan", "bot", "--hidden", "--rules", "rules", "--format", format], None);
        let all = stdout(&out) + &stderr(&out);
        for secret in [KEY, SECRET, SECRET2] {
            assert!(!all.contains(secret), "{format} output leaks {}…", &secret[..4]);
        }
        assert!(all.contains("08CB…B862"), "{format} output shows the redacted secret");
    }
    let out =
        run(dir.path(), &["scan", "bot", "--hidden", "--rules", "rules", "--show-secrets", "--format", "json"], None);
    assert!(stdout(&out).contains(SECRET));
}

#[test]
fn output_is_identical_with_one_and_many_threads() {
    let dir = bot_tree();
    let args = |j: &'static str, format: &'static str| {
        ["scan", "bot", "--hidden", "--rules", "rules", "-j", j, "--format", format].map(str::to_string)
    };
    let run_with = |j, format| {
        let a = args(j, format);
        let refs: Vec<&str> = a.iter().map(String::as_str).collect();
        run(dir.path(), &refs, None)
    };
    assert_eq!(run_with("1", "jsonl").stdout, run_with("4", "jsonl").stdout);
    // JSON is identical but for the elapsed time.
    let mut one = json(&run_with("1", "json"));
    let mut many = json(&run_with("4", "json"));
    one["summary"]["elapsed_ms"] = 0.into();
    many["summary"]["elapsed_ms"] = 0.into();
    assert_eq!(one, many);
}

#[test]
fn stdin_is_scanned_under_its_given_name() {
    let dir = bot_tree();
    let input = format!("# bot\nOKX_SECRET_KEY={SECRET}\n");
    let out = run(
        dir.path(),
        &["scan", "-", "--stdin-filename", "deploy/.env", "--rules", "rules", "--format", "json"],
        Some(&input),
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(locations(&json(&out)), vec![("okx-secret-key".into(), "deploy/.env".into(), 2, 16)]);
}

#[test]
fn thresholds_and_exit_zero() {
    let dir = bot_tree();
    std::fs::write(
        dir.path().join("sev.toml"),
        "[rules.severity]\nokx-secret-key = \"note\"\nokx-api-key = \"note\"\n",
    )
    .expect("write config");
    let base = ["scan", "bot", "--hidden", "--rules", "rules", "--config", "sev.toml", "-q"];
    let out = run(dir.path(), &base, None);
    assert_eq!(out.status.code(), Some(0), "notes are below the default threshold (warning)");
    let out = run(dir.path(), &[&base[..], &["--fail-on", "note"]].concat(), None);
    assert_eq!(out.status.code(), Some(1));
    let out = run(dir.path(), &[&base[..], &["--fail-on", "note", "--exit-zero"]].concat(), None);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn inline_suppression_silences_one_rule_and_stale_ones_are_reported() {
    let env = format!(
        "# keylint:allow okx-secret-key -- rotated test account\nOKX_SECRET_KEY={SECRET}\nOKX_API_KEY={KEY} # keylint:allow okx-secret-key\n"
    );
    let dir = tree(&[("rules/okx.yaml", USER_RULE), ("bot/app.env", &env)]);
    let out = run(dir.path(), &["scan", "bot", "--rules", "rules", "--format", "json"], None);
    let v = json(&out);
    assert_eq!(
        locations(&v),
        vec![("okx-api-key".into(), "app.env".into(), 3, 13), ("unused-suppression".into(), "app.env".into(), 3, 52)]
    );
    assert_eq!(v["summary"]["suppressed"], 1);
}

#[test]
fn bad_input_to_the_cli_exits_2_with_a_pointed_error() {
    let dir = bot_tree();
    let out = run(dir.path(), &["scan", "no-such-dir"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("`no-such-dir` does not exist"));

    std::fs::write(dir.path().join("bad.toml"), "[scan]\nexclude = [\"a\"]\nmax_file_sise = 3\n").expect("write");
    let out = run(dir.path(), &["scan", "bot", "--config", "bad.toml"], None);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("unknown field `max_file_sise`"), "{err}");
    assert!(err.contains("bad.toml:3:1"), "miette points at line 3: {err}");

    let bad_rule = USER_RULE.replace("'[0-9A-F]{32}'", "'[0-9A-F{32}'");
    std::fs::write(dir.path().join("rules/okx.yaml"), bad_rule).expect("write");
    let out = run(dir.path(), &["scan", "bot", "--rules", "rules"], None);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("rule `okx-secret-key`: `value` does not compile"), "{err}");
    assert!(err.contains("okx.yaml:3:"), "points at the rule: {err}");

    let out = run(dir.path(), &["scan", "bot", "--today", "2026-13-01"], None);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn config_is_found_walking_up_and_excludes_apply() {
    let dir = bot_tree();
    std::fs::write(
        dir.path().join(".keylint.toml"),
        "[scan]\nexclude = [\"config.json\"]\n[rules]\ndirs = [\"rules\"]\n",
    )
    .expect("write config");
    let out = run(&dir.path().join("bot"), &["scan", ".", "--hidden", "--format", "json"], None);
    let paths: Vec<String> = locations(&json(&out)).into_iter().map(|l| l.1).collect();
    assert_eq!(paths, vec![".env", ".env"]);
}

#[test]
fn rules_test_runs_user_examples() {
    let dir = bot_tree();
    let out = run(dir.path(), &["rules", "test", "rules"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("2 rules tested, 0 failures"));
    let broken =
        USER_RULE.replace("value: 08CBA24E1082BC6888E8AA844A65B862", "value: 08CBA24E1082BC6888E8AA844A65B863");
    std::fs::write(dir.path().join("rules/okx.yaml"), broken).expect("write");
    let out = run(dir.path(), &["rules", "test", "rules"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("FAIL okx-secret-key: example not found"));
    assert!(!stdout(&out).contains(SECRET), "failure messages redact example values");
}

#[test]
fn quiet_drops_the_summary_line_only() {
    let dir = bot_tree();
    let loud = stdout(&run(dir.path(), &["scan", "bot", "--rules", "rules"], None));
    let quiet = stdout(&run(dir.path(), &["scan", "bot", "--rules", "rules", "-q"], None));
    assert!(loud.contains("scanned 2 files"), "{loud}");
    assert!(!quiet.contains("scanned 2 files"));
    assert!(quiet.contains("okx-secret-key"), "findings are still printed");
}

#[test]
fn repository_name_tags_every_jsonl_line_for_org_sweeps() {
    let dir = bot_tree();
    let out =
        run(dir.path(), &["scan", "bot", "--rules", "rules", "--format", "jsonl", "--repository", "acme/bot"], None);
    let lines: Vec<serde_json::Value> =
        stdout(&out).lines().map(|l| serde_json::from_str(l).expect("one JSON object per line")).collect();
    assert_eq!(lines.len(), 3);
    assert!(lines.iter().all(|f| f["repository"] == "acme/bot"));
    // Without the flag the field is absent, as before.
    let out = run(dir.path(), &["scan", "bot", "--rules", "rules", "--format", "jsonl"], None);
    assert!(!stdout(&out).contains("\"repository\""));
}
