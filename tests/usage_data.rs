//! Schema check of the usage data in rules/usage/ (the contract in docs/usage-rules.md): every
//! library/REST file and the known-applications table. This checks the data's shape and sources;
//! the least-privilege engine runs the files' examples.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_yaml::{Mapping, Value};

/// Permissions an operation may need; `none` marks public endpoints.
const OPERATION_PERMISSIONS: &[&str] = &["read", "trade", "withdraw", "transfer", "none"];
/// Permissions an example or application mode may need (`none` is the absence of a need).
const NEEDS: &[&str] = &["read", "trade", "withdraw", "transfer"];
const LANGUAGES: &[&str] = &[
    "python",
    "javascript",
    "typescript",
    "go",
    "rust",
    "java",
    "kotlin",
    "php",
    "ruby",
    "csharp",
    "swift",
    "c",
    "cpp",
    "shell",
];
const HTTP_METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE"];
const FILE_KEYS: &[&str] =
    &["id", "description", "languages", "exchange", "source", "clients", "operations", "examples", "negative_examples"];

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Exchange slugs of rules/exchanges.yaml.
fn exchange_slugs() -> BTreeSet<String> {
    let text = std::fs::read_to_string(repo().join("rules/exchanges.yaml")).expect("read rules/exchanges.yaml");
    let doc: Value = serde_yaml::from_str(&text).expect("rules/exchanges.yaml parses");
    doc.get("exchanges")
        .and_then(Value::as_sequence)
        .expect("exchanges list")
        .iter()
        .filter_map(|e| e.get("slug").and_then(Value::as_str).map(str::to_string))
        .collect()
}

fn str_field<'a>(map: &'a Mapping, key: &str) -> Option<&'a str> {
    map.get(key).and_then(Value::as_str)
}

fn is_https_url(s: &str) -> bool {
    s.strip_prefix("https://").is_some_and(|rest| rest.contains('.') && !rest.contains(char::is_whitespace))
}

/// The operation's match key: method names compare case- and underscore-insensitively.
fn operation_key(op: &Mapping) -> Option<String> {
    let http = str_field(op, "method_http").unwrap_or("");
    if let Some(m) = str_field(op, "method") {
        return Some(format!("method:{}:{http}", m.replace('_', "").to_ascii_lowercase()));
    }
    if let Some(p) = str_field(op, "path") {
        return Some(format!("path:{p}:{http}"));
    }
    str_field(op, "channel").map(|c| format!("channel:{c}:{http}"))
}

/// A run of 20+ ASCII letters and digits mixing upper case, lower case and digits looks like a
/// real key: examples must use synthetic values or environment lookups.
fn key_like_token(code: &str) -> Option<String> {
    code.split(|c: char| !c.is_ascii_alphanumeric())
        .find(|t| {
            t.len() >= 20
                && t.chars().any(|c| c.is_ascii_uppercase())
                && t.chars().any(|c| c.is_ascii_lowercase())
                && t.chars().any(|c| c.is_ascii_digit())
        })
        .map(|t| format!("{}…", &t[..4]))
}

/// The `needs` list, or `None` (after reporting) when it is missing or not a list.
fn check_needs(value: Option<&Value>, allowed: &[&str], at: &str, errors: &mut Vec<String>) -> Option<Vec<String>> {
    let Some(list) = value.and_then(Value::as_sequence) else {
        errors.push(format!("{at}: `needs` must be a list"));
        return None;
    };
    let mut out = Vec::new();
    for item in list {
        match item.as_str() {
            Some(p) if allowed.contains(&p) => {
                if out.iter().any(|o| o == p) {
                    errors.push(format!("{at}: `{p}` twice in `needs`"));
                }
                out.push(p.to_string());
            }
            Some(p) => errors.push(format!("{at}: `{p}` is not one of {allowed:?}")),
            None => errors.push(format!("{at}: `needs` items must be strings")),
        }
    }
    Some(out)
}

fn check_examples(
    file: &Mapping,
    key: &str,
    languages: &BTreeSet<String>,
    negative: bool,
    errors: &mut Vec<String>,
) -> usize {
    let Some(list) = file.get(key) else {
        return 0;
    };
    let Some(list) = list.as_sequence() else {
        errors.push(format!("`{key}` must be a list"));
        return 0;
    };
    for (i, ex) in list.iter().enumerate() {
        let at = format!("{key}[{i}]");
        let Some(ex) = ex.as_mapping() else {
            errors.push(format!("{at}: must be a mapping"));
            continue;
        };
        match str_field(ex, "language") {
            Some(l) if languages.contains(l) => {}
            Some(l) => errors.push(format!("{at}: language `{l}` is not in the file's `languages`")),
            None => errors.push(format!("{at}: missing `language`")),
        }
        match str_field(ex, "code") {
            Some(code) if !code.trim().is_empty() => {
                if let Some(token) = key_like_token(code) {
                    errors
                        .push(format!("{at}: `{token}` looks like a real key; use a synthetic value or an env lookup"));
                }
            }
            _ => errors.push(format!("{at}: missing `code`")),
        }
        let Some(needs) = check_needs(ex.get("needs"), NEEDS, &at, errors) else {
            continue;
        };
        if negative && !needs.is_empty() {
            errors.push(format!("{at}: a negative example needs nothing (`needs: []`)"));
        }
        if !negative && needs.is_empty() {
            errors.push(format!("{at}: an example needs at least one permission (else make it negative)"));
        }
    }
    list.len()
}

/// Every schema violation of one library/REST usage file, in file order.
fn check_usage_file(stem: &str, text: &str, slugs: &BTreeSet<String>) -> Vec<String> {
    let mut errors = Vec::new();
    let doc: Value = match serde_yaml::from_str(text) {
        Ok(doc) => doc,
        Err(err) => return vec![format!("not valid YAML: {err}")],
    };
    let Some(file) = doc.as_mapping() else {
        return vec!["the file must be a mapping".to_string()];
    };
    for key in file.keys() {
        let key = key.as_str().unwrap_or("?");
        if !FILE_KEYS.contains(&key) {
            errors.push(format!("unknown key `{key}`"));
        }
    }
    if str_field(file, "id") != Some(stem) {
        errors.push(format!("`id` must equal the file stem `{stem}`"));
    }
    if str_field(file, "description").is_none_or(|d| d.trim().is_empty()) {
        errors.push("missing `description`".to_string());
    }
    if !str_field(file, "source").is_some_and(is_https_url) {
        errors.push("the file's `source` must be an https URL".to_string());
    }
    let exchange = file.get("exchange");
    match exchange {
        Some(Value::Null) => {}
        Some(Value::String(slug)) if slugs.contains(slug) => {}
        Some(Value::String(slug)) => errors.push(format!("exchange `{slug}` is not a slug of rules/exchanges.yaml")),
        _ => errors.push("`exchange` must be null or an exchange slug".to_string()),
    }
    let mut languages = BTreeSet::new();
    match file.get("languages").and_then(Value::as_sequence) {
        Some(list) if !list.is_empty() => {
            for l in list {
                match l.as_str() {
                    Some(l) if LANGUAGES.contains(&l) => {
                        languages.insert(l.to_string());
                    }
                    other => errors.push(format!("language {other:?} is not one of {LANGUAGES:?}")),
                }
            }
        }
        _ => errors.push("`languages` must be a non-empty list".to_string()),
    }
    match file.get("clients").and_then(Value::as_sequence) {
        Some(clients) => {
            for (i, client) in clients.iter().enumerate() {
                let Some(client) = client.as_mapping() else {
                    errors.push(format!("clients[{i}]: must be a mapping"));
                    continue;
                };
                for key in ["module", "constructor", "example"] {
                    if str_field(client, key).is_none_or(|v| v.trim().is_empty()) {
                        errors.push(format!("clients[{i}]: missing `{key}`"));
                    }
                }
                // Without a fixed exchange the constructor must name it.
                if matches!(exchange, Some(Value::Null))
                    && !str_field(client, "constructor").is_some_and(|c| c.contains("{exchange}"))
                {
                    errors.push(format!("clients[{i}]: `exchange: null` needs `{{exchange}}` in the constructor"));
                }
                if let Some(token) = str_field(client, "example").and_then(key_like_token) {
                    errors.push(format!("clients[{i}]: `{token}` looks like a real key"));
                }
            }
        }
        None => errors.push("`clients` must be a list (`[]` for raw REST paths)".to_string()),
    }
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    match file.get("operations").and_then(Value::as_sequence) {
        Some(ops) if !ops.is_empty() => {
            for (i, op) in ops.iter().enumerate() {
                let at = format!("operations[{i}]");
                let Some(op) = op.as_mapping() else {
                    errors.push(format!("{at}: must be a mapping"));
                    continue;
                };
                for key in op.keys() {
                    let key = key.as_str().unwrap_or("?");
                    if !["method", "path", "channel", "method_http", "permission", "source"].contains(&key) {
                        errors.push(format!("{at}: unknown key `{key}`"));
                    }
                }
                let kinds: Vec<&str> =
                    ["method", "path", "channel"].into_iter().filter(|k| str_field(op, k).is_some()).collect();
                if kinds.len() != 1 {
                    errors.push(format!("{at}: exactly one of method / path / channel, found {kinds:?}"));
                }
                if let Some(p) = str_field(op, "path") {
                    if !p.starts_with('/') && !p.starts_with('*') {
                        errors.push(format!("{at}: path `{p}` must start with `/` (or a `*` glob)"));
                    }
                }
                if let Some(http) = op.get("method_http") {
                    if !http.as_str().is_some_and(|h| HTTP_METHODS.contains(&h)) {
                        errors.push(format!("{at}: method_http {http:?} is not one of {HTTP_METHODS:?}"));
                    }
                    if str_field(op, "path").is_none() {
                        errors.push(format!("{at}: method_http belongs to a path"));
                    }
                }
                match str_field(op, "permission") {
                    Some(p) if OPERATION_PERMISSIONS.contains(&p) => {}
                    other => errors.push(format!("{at}: permission {other:?} is not one of {OPERATION_PERMISSIONS:?}")),
                }
                if !str_field(op, "source").is_some_and(is_https_url) {
                    errors.push(format!("{at}: `source` must be an https URL"));
                }
                if let Some(key) = operation_key(op) {
                    if let Some(first) = seen.insert(key.clone(), i) {
                        errors.push(format!("{at}: duplicate of operations[{first}] ({key})"));
                    }
                }
            }
        }
        _ => errors.push("`operations` must be a non-empty list".to_string()),
    }
    if check_examples(file, "examples", &languages, false, &mut errors) == 0 {
        errors.push("at least one example is required".to_string());
    }
    check_examples(file, "negative_examples", &languages, true, &mut errors);
    errors
}

/// Every schema violation of rules/usage/applications.yaml.
fn check_applications(text: &str) -> Vec<String> {
    let mut errors = Vec::new();
    let doc: Value = match serde_yaml::from_str(text) {
        Ok(doc) => doc,
        Err(err) => return vec![format!("not valid YAML: {err}")],
    };
    let Some(apps) = doc.get("applications").and_then(Value::as_sequence) else {
        return vec!["`applications` must be a list".to_string()];
    };
    let mut ids = BTreeSet::new();
    for (i, app) in apps.iter().enumerate() {
        let Some(app) = app.as_mapping() else {
            errors.push(format!("applications[{i}]: must be a mapping"));
            continue;
        };
        let id = str_field(app, "id").unwrap_or("");
        let at = format!("applications[{i}] ({id})");
        if id.is_empty() || !ids.insert(id.to_string()) {
            errors.push(format!("{at}: `id` missing or repeated"));
        }
        for key in ["name", "recognised_by"] {
            if str_field(app, key).is_none_or(|v| v.trim().is_empty()) {
                errors.push(format!("{at}: missing `{key}`"));
            }
        }
        if !str_field(app, "source").is_some_and(is_https_url) {
            errors.push(format!("{at}: `source` must be an https URL"));
        }
        match app.get("modes").and_then(Value::as_sequence) {
            Some(modes) if !modes.is_empty() => {
                for (j, mode) in modes.iter().enumerate() {
                    let mat = format!("{at} modes[{j}]");
                    if !mode.get("when").is_some_and(Value::is_mapping) {
                        errors.push(format!("{mat}: `when` must be a mapping (`{{}}` matches any config)"));
                    }
                    check_needs(mode.get("needs"), NEEDS, &mat, &mut errors);
                }
                // First match wins: the last mode is the catch-all.
                if !modes.last().and_then(|m| m.get("when")).and_then(Value::as_mapping).is_some_and(Mapping::is_empty)
                {
                    errors.push(format!("{at}: the last mode must be `when: {{}}`"));
                }
            }
            _ => errors.push(format!("{at}: `modes` must be a non-empty list")),
        }
        if let Some(never) = app.get("never") {
            let never = check_needs(Some(never), NEEDS, &format!("{at} never"), &mut errors).unwrap_or_default();
            for mode in app.get("modes").and_then(Value::as_sequence).into_iter().flatten() {
                for need in mode.get("needs").and_then(Value::as_sequence).into_iter().flatten() {
                    if need.as_str().is_some_and(|n| never.iter().any(|v| v == n)) {
                        errors.push(format!(
                            "{at}: a mode needs `{}` that `never` excludes",
                            need.as_str().unwrap_or("")
                        ));
                    }
                }
            }
        }
    }
    errors
}

fn usage_files() -> Vec<(String, PathBuf)> {
    let dir = repo().join("rules/usage");
    let mut files: Vec<(String, PathBuf)> = std::fs::read_dir(&dir)
        .expect("rules/usage exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .filter_map(|p| Some((p.file_stem()?.to_str()?.to_string(), p)))
        .collect();
    files.sort();
    files
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

#[test]
fn every_usage_file_follows_the_schema() {
    let slugs = exchange_slugs();
    let mut report = Vec::new();
    for (stem, path) in usage_files() {
        let text = read(&path);
        let errors =
            if stem == "applications" { check_applications(&text) } else { check_usage_file(&stem, &text, &slugs) };
        report.extend(errors.into_iter().map(|e| format!("rules/usage/{stem}.yaml: {e}")));
    }
    assert!(report.is_empty(), "{}", report.join("\n"));
}

#[test]
fn the_usage_data_covers_ccxt_the_official_sdks_raw_rest_and_applications() {
    let stems: BTreeSet<String> = usage_files().into_iter().map(|(s, _)| s).collect();
    for expected in [
        "applications",
        "ccxt",
        "python-okx",
        "binance-connector",
        "python-binance",
        "pybit",
        "bybit-api",
        "kucoin-python",
        "gate-api",
        "coinbase-advanced-py",
        "okx-rest",
        "binance-rest",
        "bybit-rest",
    ] {
        assert!(stems.contains(expected), "rules/usage/{expected}.yaml is missing");
    }
    // The issue's headline mappings, read from the data itself.
    let op = |stem: &str, kind: &str, name: &str| -> Vec<String> {
        let doc: Value = serde_yaml::from_str(&read(&repo().join(format!("rules/usage/{stem}.yaml")))).expect("parses");
        doc["operations"]
            .as_sequence()
            .expect("operations")
            .iter()
            .filter(|o| o.get(kind).and_then(Value::as_str) == Some(name))
            .filter_map(|o| o.get("permission").and_then(Value::as_str).map(str::to_string))
            .collect()
    };
    assert_eq!(op("ccxt", "method", "fetch_*"), ["read"]);
    assert_eq!(op("ccxt", "method", "fetch_ticker"), ["none"]);
    assert_eq!(op("ccxt", "method", "create_order"), ["trade"]);
    assert_eq!(op("ccxt", "method", "withdraw"), ["withdraw"]);
    assert_eq!(op("ccxt", "method", "transfer"), ["transfer"]);
    assert_eq!(op("okx-rest", "path", "/api/v5/trade/*"), ["trade"]);
    assert_eq!(op("okx-rest", "path", "/api/v5/asset/withdrawal"), ["withdraw"]);
    assert_eq!(op("binance-rest", "path", "/api/v3/order"), ["trade", "trade", "read"]);
    assert_eq!(op("binance-rest", "path", "/sapi/v1/capital/withdraw/apply"), ["withdraw"]);
    assert_eq!(op("bybit-rest", "path", "/v5/asset/withdraw/create"), ["withdraw"]);
    assert_eq!(op("bybit-rest", "path", "/v5/asset/transfer/inter-transfer"), ["transfer"]);
}

/// A valid file, edited per case below: each edit must produce exactly the expected complaint.
const VALID: &str = r#"
id: wrapper
description: in-house wrapper
languages: [python]
exchange: okx
source: https://example.com/wrapper
clients:
  - {module: wrapper, constructor: "Wrapper", example: "w = Wrapper(os.environ['OKX_API_KEY'])"}
operations:
  - {method: buy, permission: trade, source: "https://example.com/wrapper#buy"}
  - {method: balance, permission: read, source: "https://example.com/wrapper#balance"}
examples:
  - language: python
    code: |
      w = Wrapper(os.environ["OKX_API_KEY"])
      w.buy("BTC-USDT", 1)
    needs: [trade]
negative_examples:
  - language: python
    code: "w.quote()"
    needs: []
"#;

#[test]
fn the_checker_accepts_the_valid_sample() {
    assert_eq!(check_usage_file("wrapper", VALID, &exchange_slugs()), Vec::<String>::new());
}

#[test]
fn the_checker_reports_each_schema_violation() {
    let slugs = exchange_slugs();
    let cases: &[(&str, &str, &str)] = &[
        ("id: wrapper", "id: other", "`id` must equal the file stem `wrapper`"),
        ("exchange: okx", "exchange: okex-spot", "exchange `okex-spot` is not a slug of rules/exchanges.yaml"),
        ("languages: [python]", "languages: [python, cobol]", "language Some(\"cobol\") is not one of"),
        (
            "{method: buy, permission: trade,",
            "{method: buy, path: /buy, permission: trade,",
            "operations[0]: exactly one of method / path / channel, found [\"method\", \"path\"]",
        ),
        (
            "{method: balance, permission: read,",
            "{method: balance, permission: admin,",
            "operations[1]: permission Some(\"admin\") is not one of",
        ),
        (
            "\"https://example.com/wrapper#buy\"",
            "\"http://example.com/wrapper#buy\"",
            "operations[0]: `source` must be an https URL",
        ),
        (
            "{method: balance, permission: read,",
            "{method: Bu_Y, permission: read,",
            "operations[1]: duplicate of operations[0] (method:buy:)",
        ),
        ("    needs: [trade]", "    needs: [trade, admin]", "examples[0]: `admin` is not one of"),
        ("    needs: [trade]\n", "", "examples[0]: `needs` must be a list"),
        (
            "  - language: python\n    code: |",
            "  - language: go\n    code: |",
            "examples[0]: language `go` is not in the file's `languages`",
        ),
        ("    needs: []", "    needs: [read]", "negative_examples[0]: a negative example needs nothing"),
        (
            "w.buy(\"BTC-USDT\", 1)",
            "w.buy(\"BTC-USDT\", 1, \"AbCdEfGh1234567890XyZ9\")",
            "examples[0]: `AbCd…` looks like a real key",
        ),
    ];
    for (from, to, expected) in cases {
        assert!(VALID.contains(from), "case text `{from}` not in the sample");
        let text = VALID.replacen(from, to, 1);
        let errors = check_usage_file("wrapper", &text, &slugs);
        assert!(
            errors.len() == 1 && errors[0].starts_with(expected),
            "edit `{from}` -> `{to}`: expected one error starting with `{expected}`, got {errors:#?}"
        );
    }
}

#[test]
fn the_checker_reports_application_violations() {
    let valid = "applications:\n  - id: bot\n    name: Bot\n    source: https://example.com/bot\n    recognised_by: config.json\n    modes:\n      - when: {dry_run: true}\n        needs: [read]\n      - when: {}\n        needs: [read, trade]\n    never: [withdraw]\n";
    assert_eq!(check_applications(valid), Vec::<String>::new());
    let needs_withdraw = valid.replace("needs: [read, trade]", "needs: [read, withdraw]");
    assert_eq!(
        check_applications(&needs_withdraw),
        ["applications[0] (bot): a mode needs `withdraw` that `never` excludes"]
    );
    let no_catch_all = valid.replace("when: {}", "when: {trading_mode: spot}");
    assert_eq!(check_applications(&no_catch_all), ["applications[0] (bot): the last mode must be `when: {}`"]);
}
