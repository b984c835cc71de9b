//! Issue 7, end to end on the real binary: every syntax family keylint must read produces the
//! exact secret findings planted in its mini tree, and every precision decoy produces none.
//!
//! - `fixtures/syntax/<family>/`: one tree per family of issue 7's "Syntaxes that must produce
//!   bindings" (env/shell, Makefile, Dockerfile, systemd, crontab, INI/properties, YAML, JSON,
//!   TOML, XML, HCL/Terraform, notebooks, Python, JS/TS, Go, Rust, Java/Kotlin, C#, PHP, Ruby,
//!   SQL, CSV/TSV, text). Each planted value is a fresh synthetic credential in its exchange's
//!   format; the scan must report exactly the set (path, line, column, rule, exchange) below,
//!   the column being where the value's text starts (a PEM's `-----BEGIN`, the line below a YAML
//!   `>-`/`|` key).
//! - `fixtures/decoys/<category>/`: one tree per item of its "Precision" section (placeholders,
//!   passphrase-like words, header names, listenKey / signatures / parameter names / identifiers,
//!   documentation examples, Hardhat/Anvil keys, encrypted values, references in every language,
//!   masked values, ids, hashes, public addresses), each beside an exchange name: no secret
//!   finding at all.
//!
//! The trees and the table between `@generated-begin` and `@generated-end` are written by
//! `tests/gen_syntax_fixtures.py` (values from Python's `secrets`; positions computed from the
//! templates, not from keylint). Re-run it rather than editing either by hand.

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// (path, line, column, rule, exchange)
type Expected = (&'static str, usize, usize, &'static str, &'static str);

/// A secret finding as reported: (path, line, column, rule, exchange), plus its evidence.
type Found = (String, usize, usize, String, String);

fn tree(kind: &str, name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(kind).join(name)
}

/// Runs `keylint scan --format json` on `dir`; returns the exit code and every secret finding
/// with its `evidence` object (for failure messages).
fn scan_secrets(dir: &Path) -> (i32, Vec<(Found, String)>) {
    assert!(dir.is_dir(), "{} is missing", dir.display());
    let out = Command::new(env!("CARGO_BIN_EXE_keylint"))
        .args(["scan", "--format", "json", "--today", "2026-11-22"])
        .arg(dir)
        .output()
        .expect("keylint binary runs");
    let stdout = String::from_utf8(out.stdout).expect("json output is UTF-8");
    let json: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!("{}: json output parses ({e}); stderr: {}", dir.display(), String::from_utf8_lossy(&out.stderr))
    });
    let findings = json["findings"]
        .as_array()
        .expect("`findings` is an array")
        .iter()
        .filter(|f| f["category"] == "secret")
        .map(|f| {
            // Paths are relative to the repository root (the keylint checkout): strip the tree.
            let prefix =
                format!("{}/", dir.strip_prefix(env!("CARGO_MANIFEST_DIR")).expect("fixture in the repo").display());
            let path = f["path"].as_str().expect("path");
            let found = (
                path.strip_prefix(&prefix).unwrap_or(path).to_string(),
                f["start"]["line"].as_u64().expect("start.line") as usize,
                f["start"]["column"].as_u64().expect("start.column") as usize,
                f["rule"].as_str().expect("rule").to_string(),
                f["exchange"].as_str().unwrap_or("-").to_string(),
            );
            (found, f["evidence"].to_string())
        })
        .collect();
    (out.status.code().unwrap_or(-1), findings)
}

fn show(f: &Found) -> String {
    format!("{}:{}:{} {} ({})", f.0, f.1, f.2, f.3, f.4)
}

/// The exact set of secret findings; on a difference, every missing and unexpected finding is
/// listed, and a finding at a planted position with another rule or exchange is shown as such.
fn check_family(family: &str, expected: &[Expected]) {
    let (code, got) = scan_secrets(&tree("syntax", family));
    let want: BTreeSet<Found> =
        expected.iter().map(|&(p, l, c, r, e)| (p.to_string(), l, c, r.to_string(), e.to_string())).collect();
    assert_eq!(want.len(), expected.len(), "{family}: duplicate expectations");
    let have: BTreeSet<Found> = got.iter().map(|(f, _)| f.clone()).collect();
    if want != have {
        let mut report = Vec::new();
        for w in want.difference(&have) {
            let same_spot: Vec<&(Found, String)> =
                got.iter().filter(|(g, _)| g.0 == w.0 && g.1 == w.1 && g.2 == w.2).collect();
            if same_spot.is_empty() {
                report.push(format!("  missing     {}", show(w)));
            } else {
                for (g, evidence) in same_spot {
                    report.push(format!("  wrong       {}  got {} ({})  evidence {evidence}", show(w), g.3, g.4));
                }
            }
        }
        for (g, evidence) in &got {
            if !want.contains(g) && !want.iter().any(|w| w.0 == g.0 && w.1 == g.1 && w.2 == g.2) {
                report.push(format!("  unexpected  {}  evidence {evidence}", show(g)));
            }
        }
        panic!(
            "fixtures/syntax/{family}: findings differ ({} expected, {} reported)\n{}",
            want.len(),
            have.len(),
            report.join("\n")
        );
    }
    assert_eq!(code, 1, "fixtures/syntax/{family}: findings exit 1");
}

fn check_decoys(category: &str) {
    let (_, got) = scan_secrets(&tree("decoys", category));
    let report: Vec<String> = got.iter().map(|(f, evidence)| format!("  {}  evidence {evidence}", show(f))).collect();
    assert!(
        report.is_empty(),
        "fixtures/decoys/{category}: {} secret finding(s) on decoys\n{}",
        report.len(),
        report.join("\n")
    );
}

fn subdirs(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("dir entry"))
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn every_tree_has_a_test() {
    let families: BTreeSet<String> = FAMILIES.iter().map(|(f, _)| f.to_string()).collect();
    assert_eq!(subdirs(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/syntax")), families);
    let decoys: BTreeSet<String> = DECOYS.iter().map(|(d, _)| d.to_string()).collect();
    assert_eq!(subdirs(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/decoys")), decoys);
    // every one of the 19 exchanges is planted somewhere
    let exchanges: BTreeSet<&str> = FAMILIES.iter().flat_map(|(_, rows)| rows.iter().map(|r| r.4)).collect();
    assert_eq!(exchanges.len(), 19, "{exchanges:?}");
}

/// The table itself: each expected position is inside its file, on a value's first character
/// (not a quote or blank) right after a boundary (not in the middle of a word).
#[test]
fn expected_positions_point_at_planted_values() {
    for (family, rows) in FAMILIES {
        for &(path, line, column, rule, _) in *rows {
            let file = tree("syntax", family).join(path);
            let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            let line_text = text.split('\n').nth(line - 1).unwrap_or_else(|| panic!("{path}:{line}: no such line"));
            let chars: Vec<char> = line_text.chars().collect();
            assert!(column <= chars.len(), "{family}/{path}:{line}:{column}: past the end of the line");
            let first = chars[column - 1];
            assert!(
                first.is_ascii_alphanumeric() || (first == '-' && rule.ends_with("private-key")),
                "{family}/{path}:{line}:{column} ({rule}) starts with {first:?}"
            );
            if column > 1 {
                let before = chars[column - 2];
                assert!(!before.is_alphanumeric(), "{family}/{path}:{line}:{column} ({rule}) is inside a word");
            }
        }
    }
}

// @generated-begin by tests/gen_syntax_fixtures.py: re-run it instead of editing by hand.
/// fixtures/syntax/env-shell: 11 planted values
const ENV_SHELL: &[Expected] = &[
    // deploy/.env: `.env` with `export`, bare, double- and single-quoted values
    ("deploy/.env", 2, 20, "okx-api-key", "okx"),
    ("deploy/.env", 3, 24, "okx-secret-key", "okx"),
    ("deploy/.env", 4, 24, "okx-passphrase", "okx"),
    // deploy/bitfinex.env: an abbreviated exchange in longer credential names (`BFX_API_KEY`, `bfx-api-secret`)
    ("deploy/bitfinex.env", 1, 13, "bitfinex-api-key", "bitfinex"),
    ("deploy/bitfinex.env", 2, 16, "bitfinex-secret-key", "bitfinex"),
    // scripts/start-hedger.sh: shell `${X:-literal}` defaults
    ("scripts/start-hedger.sh", 5, 33, "bybit-api-key", "bybit"),
    ("scripts/start-hedger.sh", 6, 39, "bybit-secret-key", "bybit"),
    // scripts/run-grid.sh: `docker run -e X=…` / `--env X=…`, continued lines and one line
    ("scripts/run-grid.sh", 3, 21, "kucoin-api-key", "kucoin"),
    ("scripts/run-grid.sh", 4, 24, "kucoin-secret-key", "kucoin"),
    ("scripts/run-grid.sh", 5, 29, "kucoin-passphrase", "kucoin"),
    ("scripts/run-grid.sh", 8, 45, "hyperliquid-private-key", "hyperliquid"),
];

/// fixtures/syntax/commands: 11 planted values
const COMMANDS: &[Expected] = &[
    // ops/provision.sh: values inside commands: `--flag value`, `--opt=NAME='v'`, `--body` after the name, JSON in an argument, sed replacements, Redis fields
    ("ops/provision.sh", 6, 34, "kraken-api-key", "kraken"),
    ("ops/provision.sh", 9, 55, "gate-secret-key", "gate"),
    ("ops/provision.sh", 12, 82, "bitget-api-key", "bitget"),
    ("ops/provision.sh", 12, 133, "bitget-passphrase", "bitget"),
    ("ops/provision.sh", 14, 49, "bybit-secret-key", "bybit"),
    ("ops/provision.sh", 17, 40, "gemini-secret-key", "gemini"),
    // Procfile: Procfile process lines with `--flag value` arguments
    ("Procfile", 2, 73, "hyperliquid-private-key", "hyperliquid"),
    // scripts/Init-DevSecrets.ps1: `dotnet user-secrets set "Name" "value"`: a quoted credential name, then its quoted value
    ("scripts/Init-DevSecrets.ps1", 3, 44, "bitfinex-api-key", "bitfinex"),
    // scripts/poke.sh: HTTPie header arguments `Name:value` (glued) on continued lines
    ("scripts/poke.sh", 3, 24, "bitvavo-api-key", "bitvavo"),
    // dotfiles/.netrc: netrc entries: `login` and `password` belong to their `machine`
    ("dotfiles/.netrc", 2, 9, "kraken-api-key", "kraken"),
    ("dotfiles/.netrc", 3, 12, "kraken-private-key", "kraken"),
];

/// fixtures/syntax/make: 6 planted values
const MAKE: &[Expected] = &[
    // Makefile: `=`, `?=`, `:=`, `::=` and `-X main.key=…` ldflags
    ("Makefile", 2, 16, "gate-api-key", "gate"),
    ("Makefile", 3, 20, "gate-secret-key", "gate"),
    ("Makefile", 4, 20, "bitvavo-api-key", "bitvavo"),
    ("Makefile", 5, 24, "bitvavo-secret-key", "bitvavo"),
    ("Makefile", 8, 64, "mexc-api-key", "mexc"),
    ("Makefile", 8, 106, "mexc-secret-key", "mexc"),
];

/// fixtures/syntax/docker: 5 planted values
const DOCKER: &[Expected] = &[
    // Dockerfile: `ARG K=V`, `ENV K V`, `ENV K=V \` continued
    ("Dockerfile", 3, 20, "bitget-api-key", "bitget"),
    ("Dockerfile", 4, 23, "bitget-secret-key", "bitget"),
    ("Dockerfile", 5, 23, "bitget-passphrase", "bitget"),
    // docker/kraken.Dockerfile: several `K=V` pairs on one `ENV` line, one quoted
    ("docker/kraken.Dockerfile", 2, 40, "kraken-api-key", "kraken"),
    ("docker/kraken.Dockerfile", 2, 117, "kraken-private-key", "kraken"),
];

/// fixtures/syntax/systemd: 4 planted values
const SYSTEMD: &[Expected] = &[
    // deploy/upbit-arb.service: `Environment=` single, and a quoted list
    ("deploy/upbit-arb.service", 7, 30, "upbit-access-key", "upbit"),
    ("deploy/upbit-arb.service", 8, 31, "upbit-secret-key", "upbit"),
    // deploy/mm.service: a quoted list holding both credentials
    ("deploy/mm.service", 2, 29, "htx-api-key", "htx"),
    ("deploy/mm.service", 2, 79, "htx-secret-key", "htx"),
];

/// fixtures/syntax/crontab: 4 planted values
const CRONTAB: &[Expected] = &[
    // crontab: variable line and a per-command assignment
    ("crontab", 3, 18, "bitstamp-api-key", "bitstamp"),
    ("crontab", 5, 33, "bitstamp-secret-key", "bitstamp"),
    // cron.d/sweep: /etc/cron.d format (user field), two assignments before the command
    ("cron.d/sweep", 2, 34, "gemini-api-key", "gemini"),
    ("cron.d/sweep", 2, 81, "gemini-secret-key", "gemini"),
];

/// fixtures/syntax/ini-properties: 10 planted values
const INI_PROPERTIES: &[Expected] = &[
    // config/exchanges.ini: INI sections name the exchange; `key = value`
    ("config/exchanges.ini", 3, 11, "binance-api-key", "binance"),
    ("config/exchanges.ini", 4, 14, "binance-secret-key", "binance"),
    ("config/exchanges.ini", 8, 13, "deribit-client-id", "deribit"),
    ("config/exchanges.ini", 9, 17, "deribit-client-secret", "deribit"),
    // bot.cfg: `.cfg` with `key: value`
    ("bot.cfg", 5, 6, "bitfinex-api-key", "bitfinex"),
    ("bot.cfg", 6, 9, "bitfinex-secret-key", "bitfinex"),
    // src/main/resources/application.properties: `.properties`: dotted and kebab names, `=` and `:` separators
    ("src/main/resources/application.properties", 2, 28, "cryptocom-api-key", "cryptocom"),
    ("src/main/resources/application.properties", 3, 31, "cryptocom-secret-key", "cryptocom"),
    ("src/main/resources/application.properties", 4, 17, "bitmex-api-key", "bitmex"),
    ("src/main/resources/application.properties", 5, 20, "bitmex-secret-key", "bitmex"),
];

/// fixtures/syntax/yaml: 16 planted values
const YAML: &[Expected] = &[
    // config/venues.yaml: anchor + alias, flow mapping, `>-` and `|` scalars (value on the next line), PEM in `|`
    ("config/venues.yaml", 4, 13, "okx-api-key", "okx"),
    ("config/venues.yaml", 5, 13, "okx-secret-key", "okx"),
    ("config/venues.yaml", 6, 16, "okx-passphrase", "okx"),
    ("config/venues.yaml", 10, 19, "bybit-api-key", "bybit"),
    ("config/venues.yaml", 10, 48, "bybit-secret-key", "bybit"),
    ("config/venues.yaml", 13, 7, "bitmex-api-key", "bitmex"),
    ("config/venues.yaml", 15, 7, "bitmex-secret-key", "bitmex"),
    ("config/venues.yaml", 17, 15, "coinbase-cdp-key-name", "coinbase"),
    ("config/venues.yaml", 19, 7, "coinbase-private-key", "coinbase"),
    // playbooks/roles/bot/tasks/main.yml: Ansible `lineinfile` lines and `blockinfile` blocks writing env files: `NAME=value` inside a YAML string
    ("playbooks/roles/bot/tasks/main.yml", 4, 30, "deribit-client-id", "deribit"),
    ("playbooks/roles/bot/tasks/main.yml", 11, 33, "deribit-client-secret", "deribit"),
    ("playbooks/roles/bot/tasks/main.yml", 16, 22, "kraken-api-key", "kraken"),
    ("playbooks/roles/bot/tasks/main.yml", 17, 26, "kraken-private-key", "kraken"),
    // docker-compose.yml: compose `environment:` list, bare and quoted items; the account address is public
    ("docker-compose.yml", 5, 33, "hyperliquid-private-key", "hyperliquid"),
    ("docker-compose.yml", 7, 23, "gate-api-key", "gate"),
    ("docker-compose.yml", 8, 26, "gate-secret-key", "gate"),
];

/// fixtures/syntax/json: 10 planted values
const JSON: &[Expected] = &[
    // config/accounts.json: sibling `exchange` field names the venue of generic `key`/`secret` names
    ("config/accounts.json", 6, 18, "bitvavo-api-key", "bitvavo"),
    ("config/accounts.json", 7, 21, "bitvavo-secret-key", "bitvavo"),
    ("config/accounts.json", 12, 15, "kucoin-api-key", "kucoin"),
    ("config/accounts.json", 13, 18, "kucoin-secret-key", "kucoin"),
    ("config/accounts.json", 14, 22, "kucoin-passphrase", "kucoin"),
    // postman/bitfinex.postman_environment.json: name/value pairs (`{"key": …, "value": …}`)
    ("postman/bitfinex.postman_environment.json", 5, 38, "bitfinex-api-key", "bitfinex"),
    ("postman/bitfinex.postman_environment.json", 6, 41, "bitfinex-secret-key", "bitfinex"),
    // keys/cdp_api_key.json: Coinbase CDP key file with `\/`-escaped name and a JSON-escaped PEM
    ("keys/cdp_api_key.json", 2, 13, "coinbase-cdp-key-name", "coinbase"),
    ("keys/cdp_api_key.json", 3, 19, "coinbase-private-key", "coinbase"),
    // postman/OKX private.postman_collection.json: Postman `apikey` auth: the `value` item is named by the `key` item beside it
    ("postman/OKX private.postman_collection.json", 6, 34, "okx-api-key", "okx"),
];

/// fixtures/syntax/toml: 7 planted values
const TOML: &[Expected] = &[
    // config/bot.toml: dotted table headers, basic/literal/multi-line strings, an inline table (its client_id is all letters)
    ("config/bot.toml", 5, 12, "bitstamp-api-key", "bitstamp"),
    ("config/bot.toml", 6, 15, "bitstamp-secret-key", "bitstamp"),
    ("config/bot.toml", 9, 15, "upbit-access-key", "upbit"),
    ("config/bot.toml", 10, 17, "upbit-secret-key", "upbit"),
    ("config/bot.toml", 13, 26, "deribit-client-id", "deribit"),
    ("config/bot.toml", 13, 54, "deribit-client-secret", "deribit"),
    ("config/bot.toml", 17, 15, "hyperliquid-private-key", "hyperliquid"),
];

/// fixtures/syntax/xml: 8 planted values
const XML: &[Expected] = &[
    // App.config: .NET `<add key=… value=…/>`
    ("App.config", 4, 37, "binance-api-key", "binance"),
    ("App.config", 5, 40, "binance-secret-key", "binance"),
    // settings.xml: Maven `settings.xml` profile properties
    ("settings.xml", 7, 24, "bybit-api-key", "bybit"),
    ("settings.xml", 8, 27, "bybit-secret-key", "bybit"),
    // config/exchanges.xml: attributes beside a `name` attribute; child elements of a named element
    ("config/exchanges.xml", 3, 35, "htx-api-key", "htx"),
    ("config/exchanges.xml", 3, 80, "htx-secret-key", "htx"),
    ("config/exchanges.xml", 5, 13, "gemini-api-key", "gemini"),
    ("config/exchanges.xml", 6, 16, "gemini-secret-key", "gemini"),
];

/// fixtures/syntax/hcl-terraform: 10 planted values
const HCL_TERRAFORM: &[Expected] = &[
    // infra/main.tf: `data = { K = "…" }` in a resource block; `{ name = …, value = … }` pairs
    ("infra/main.tf", 7, 26, "bitget-api-key", "bitget"),
    ("infra/main.tf", 8, 26, "bitget-secret-key", "bitget"),
    ("infra/main.tf", 18, 46, "cryptocom-api-key", "cryptocom"),
    ("infra/main.tf", 19, 49, "cryptocom-secret-key", "cryptocom"),
    // infra/variables.tf: `variable` defaults
    ("infra/variables.tf", 4, 16, "bitfinex-api-key", "bitfinex"),
    ("infra/variables.tf", 10, 16, "bitfinex-secret-key", "bitfinex"),
    // infra/prod.tfvars: `.tfvars` assignments
    ("infra/prod.tfvars", 2, 19, "okx-api-key", "okx"),
    ("infra/prod.tfvars", 3, 19, "okx-secret-key", "okx"),
    ("infra/prod.tfvars", 4, 19, "okx-passphrase", "okx"),
    // infra/terraform.tfstate: a state file's output value, named by its parent
    ("infra/terraform.tfstate", 7, 17, "deribit-client-secret", "deribit"),
];

/// fixtures/syntax/notebook: 6 planted values
const NOTEBOOK: &[Expected] = &[
    // notebooks/backtest.ipynb: code cells (a ccxt call; a doubly escaped PEM) and a stream output echoing an env file
    ("notebooks/backtest.ipynb", 19, 24, "binance-api-key", "binance"),
    ("notebooks/backtest.ipynb", 20, 24, "binance-secret-key", "binance"),
    ("notebooks/backtest.ipynb", 33, 20, "coinbase-cdp-key-name", "coinbase"),
    ("notebooks/backtest.ipynb", 34, 23, "coinbase-private-key", "coinbase"),
    ("notebooks/backtest.ipynb", 47, 23, "bitmex-api-key", "bitmex"),
    ("notebooks/backtest.ipynb", 48, 26, "bitmex-secret-key", "bitmex"),
];

/// fixtures/syntax/python: 7 planted values
const PYTHON: &[Expected] = &[
    // bot/venues.py: constants, implicit string concatenation, SDK client with keyword arguments, ccxt dict, `from_key`
    ("bot/venues.py", 7, 17, "gate-api-key", "gate"),
    ("bot/venues.py", 9, 6, "gate-secret-key", "gate"),
    ("bot/venues.py", 15, 14, "bybit-api-key", "bybit"),
    ("bot/venues.py", 16, 17, "bybit-secret-key", "bybit"),
    ("bot/venues.py", 20, 16, "kraken-api-key", "kraken"),
    ("bot/venues.py", 21, 16, "kraken-private-key", "kraken"),
    ("bot/venues.py", 24, 27, "hyperliquid-private-key", "hyperliquid"),
];

/// fixtures/syntax/js-ts: 9 planted values
const JS_TS: &[Expected] = &[
    // src/config.ts: `const x: string = …` with double, single and template quotes; SDK client; ccxt constructor
    ("src/config.ts", 4, 28, "okx-api-key", "okx"),
    ("src/config.ts", 5, 40, "okx-secret-key", "okx"),
    ("src/config.ts", 6, 32, "okx-passphrase", "okx"),
    ("src/config.ts", 9, 12, "bitget-api-key", "bitget"),
    ("src/config.ts", 10, 15, "bitget-secret-key", "bitget"),
    ("src/config.ts", 11, 13, "bitget-passphrase", "bitget"),
    ("src/config.ts", 15, 12, "kucoin-api-key", "kucoin"),
    ("src/config.ts", 16, 12, "kucoin-secret-key", "kucoin"),
    ("src/config.ts", 17, 14, "kucoin-passphrase", "kucoin"),
];

/// fixtures/syntax/go: 8 planted values
const GO: &[Expected] = &[
    // cmd/bot/main.go: `var x string = …`, `const`, struct literal of an exchange-named type, `:=`, `WithAuth("…", "…")`
    ("cmd/bot/main.go", 9, 29, "binance-api-key", "binance"),
    ("cmd/bot/main.go", 11, 27, "binance-secret-key", "binance"),
    ("cmd/bot/main.go", 20, 15, "kraken-api-key", "kraken"),
    ("cmd/bot/main.go", 21, 15, "kraken-private-key", "kraken"),
    ("cmd/bot/main.go", 23, 14, "gate-api-key", "gate"),
    ("cmd/bot/main.go", 24, 17, "gate-secret-key", "gate"),
    ("cmd/bot/main.go", 25, 40, "bybit-api-key", "bybit"),
    ("cmd/bot/main.go", 25, 62, "bybit-secret-key", "bybit"),
];

/// fixtures/syntax/rust: 7 planted values
const RUST: &[Expected] = &[
    // src/main.rs: `const X: &str`, `static`, a raw-string PEM, a struct literal with `.to_string()`/`.into()`
    ("src/main.rs", 3, 34, "deribit-client-id", "deribit"),
    ("src/main.rs", 4, 39, "deribit-client-secret", "deribit"),
    ("src/main.rs", 6, 46, "binance-private-key", "binance"),
    ("src/main.rs", 18, 19, "bitstamp-api-key", "bitstamp"),
    ("src/main.rs", 19, 22, "bitstamp-secret-key", "bitstamp"),
    // src/venues/upbit.rs: `Credentials::new("…", "…")` in a module that imports the exchange's SDK
    ("src/venues/upbit.rs", 4, 35, "upbit-access-key", "upbit"),
    ("src/venues/upbit.rs", 4, 79, "upbit-secret-key", "upbit"),
];

/// fixtures/syntax/java-kotlin: 6 planted values
const JAVA_KOTLIN: &[Expected] = &[
    // src/main/kotlin/com/acme/bot/HtxKeys.kt: Kotlin `val x: String = …`
    ("src/main/kotlin/com/acme/bot/HtxKeys.kt", 4, 33, "htx-api-key", "htx"),
    ("src/main/kotlin/com/acme/bot/HtxKeys.kt", 5, 33, "htx-secret-key", "htx"),
    // src/main/java/com/acme/bot/Main.java: `static final String` fields and `System.setProperty("NAME", "value")`
    ("src/main/java/com/acme/bot/Main.java", 4, 51, "gemini-api-key", "gemini"),
    ("src/main/java/com/acme/bot/Main.java", 5, 54, "gemini-secret-key", "gemini"),
    ("src/main/java/com/acme/bot/Main.java", 8, 49, "bitstamp-api-key", "bitstamp"),
    ("src/main/java/com/acme/bot/Main.java", 9, 52, "bitstamp-secret-key", "bitstamp"),
];

/// fixtures/syntax/csharp: 8 planted values
const CSHARP: &[Expected] = &[
    // src/Bot/Program.cs: `new ApiCredentials("…", "…")` inside exchange clients' options; a verbatim string
    ("src/Bot/Program.cs", 6, 31, "okx-secret-key", "okx"),
    ("src/Bot/Program.cs", 10, 50, "binance-api-key", "binance"),
    ("src/Bot/Program.cs", 10, 118, "binance-secret-key", "binance"),
    ("src/Bot/Program.cs", 15, 56, "kucoin-api-key", "kucoin"),
    ("src/Bot/Program.cs", 15, 84, "kucoin-secret-key", "kucoin"),
    ("src/Bot/Program.cs", 15, 124, "kucoin-passphrase", "kucoin"),
    // src/Desk.Api/Venues/CcxtVenues.cs: a ccxt C# client from a `Dictionary` collection initializer (`{ 'apiKey', '…' }` pairs)
    ("src/Desk.Api/Venues/CcxtVenues.cs", 9, 26, "kucoin-api-key", "kucoin"),
    ("src/Desk.Api/Venues/CcxtVenues.cs", 10, 26, "kucoin-secret-key", "kucoin"),
];

/// fixtures/syntax/php: 8 planted values
const PHP: &[Expected] = &[
    // config/exchanges.php: `$x = …`, `.=`, `define()`, `$_ENV['X'] ?? 'literal'`
    ("config/exchanges.php", 4, 19, "bitvavo-api-key", "bitvavo"),
    ("config/exchanges.php", 5, 22, "bitvavo-secret-key", "bitvavo"),
    ("config/exchanges.php", 7, 13, "gate-api-key", "gate"),
    ("config/exchanges.php", 9, 17, "gate-secret-key", "gate"),
    ("config/exchanges.php", 11, 25, "mexc-api-key", "mexc"),
    ("config/exchanges.php", 12, 28, "mexc-secret-key", "mexc"),
    ("config/exchanges.php", 14, 45, "htx-api-key", "htx"),
    ("config/exchanges.php", 15, 45, "htx-secret-key", "htx"),
];

/// fixtures/syntax/ruby: 7 planted values
const RUBY: &[Expected] = &[
    // config/initializers/exchanges.rb: symbol keys (`key:` and `:key =>`), `ENV.fetch("X") { "literal" }`
    ("config/initializers/exchanges.rb", 4, 13, "bitfinex-api-key", "bitfinex"),
    ("config/initializers/exchanges.rb", 5, 16, "bitfinex-secret-key", "bitfinex"),
    ("config/initializers/exchanges.rb", 8, 32, "coinbase-api-key", "coinbase"),
    ("config/initializers/exchanges.rb", 8, 79, "coinbase-secret-key", "coinbase"),
    ("config/initializers/exchanges.rb", 8, 186, "coinbase-passphrase", "coinbase"),
    ("config/initializers/exchanges.rb", 10, 43, "bybit-api-key", "bybit"),
    ("config/initializers/exchanges.rb", 11, 49, "bybit-secret-key", "bybit"),
];

/// fixtures/syntax/sql: 8 planted values
const SQL: &[Expected] = &[
    // db/seeds/001_accounts.sql: `INSERT … (cols) VALUES (…), (…)`: the column names the part, the `exchange` column the venue
    ("db/seeds/001_accounts.sql", 3, 20, "okx-api-key", "okx"),
    ("db/seeds/001_accounts.sql", 3, 60, "okx-secret-key", "okx"),
    ("db/seeds/001_accounts.sql", 3, 96, "okx-passphrase", "okx"),
    ("db/seeds/001_accounts.sql", 4, 24, "kucoin-api-key", "kucoin"),
    ("db/seeds/001_accounts.sql", 4, 52, "kucoin-secret-key", "kucoin"),
    ("db/seeds/001_accounts.sql", 4, 92, "kucoin-passphrase", "kucoin"),
    ("db/seeds/001_accounts.sql", 6, 99, "cryptocom-api-key", "cryptocom"),
    ("db/seeds/001_accounts.sql", 6, 125, "cryptocom-secret-key", "cryptocom"),
];

/// fixtures/syntax/csv-tsv: 8 planted values
const CSV_TSV: &[Expected] = &[
    // data/accounts.csv: header row with an `exchange` column
    ("data/accounts.csv", 2, 13, "bybit-api-key", "bybit"),
    ("data/accounts.csv", 2, 32, "bybit-secret-key", "bybit"),
    ("data/accounts.csv", 3, 14, "gate-api-key", "gate"),
    ("data/accounts.csv", 3, 47, "gate-secret-key", "gate"),
    // data/desks.tsv: TSV; a non-ASCII cell before the values (Unicode columns)
    ("data/desks.tsv", 2, 14, "upbit-access-key", "upbit"),
    ("data/desks.tsv", 2, 55, "upbit-secret-key", "upbit"),
    ("data/desks.tsv", 3, 10, "htx-api-key", "htx"),
    ("data/desks.tsv", 3, 43, "htx-secret-key", "htx"),
];

/// fixtures/syntax/text: 9 planted values
const TEXT: &[Expected] = &[
    // docs/RUNBOOK.md: a Markdown heading naming the venue above a fenced curl with `-H` headers
    ("docs/RUNBOOK.md", 9, 19, "bitget-api-key", "bitget"),
    ("docs/RUNBOOK.md", 12, 26, "bitget-passphrase", "bitget"),
    // requests/account.http: `.http` request file with a header
    ("requests/account.http", 3, 15, "binance-api-key", "binance"),
    // logs/gateway.log: a log echoing request headers (`\r\n`-separated in a bytes repr)
    ("logs/gateway.log", 2, 114, "coinbase-api-key", "coinbase"),
    ("logs/gateway.log", 2, 271, "coinbase-passphrase", "coinbase"),
    ("logs/gateway.log", 3, 129, "bybit-api-key", "bybit"),
    // docs/endpoints.txt: `https://id:secret@host` and URL query parameters (the `Signature` is not a credential)
    ("docs/endpoints.txt", 2, 9, "deribit-client-id", "deribit"),
    ("docs/endpoints.txt", 2, 18, "deribit-client-secret", "deribit"),
    ("docs/endpoints.txt", 5, 55, "htx-api-key", "htx"),
];

/// fixtures/syntax/docs-tables: 11 planted values
const DOCS_TABLES: &[Expected] = &[
    // docs/venues/credentials-matrix.md: a Markdown pipe table: cells bind to their column header; a `Venue` cell names the exchange
    ("docs/venues/credentials-matrix.md", 7, 28, "cryptocom-api-key", "cryptocom"),
    ("docs/venues/credentials-matrix.md", 7, 55, "cryptocom-secret-key", "cryptocom"),
    // docs/runbooks/keys.md: Markdown list items `- name: value` (name in backticks or bold) under a sentence naming the exchange; the name must say it is a key
    ("docs/runbooks/keys.md", 5, 22, "gate-api-key", "gate"),
    ("docs/runbooks/keys.md", 6, 15, "gate-secret-key", "gate"),
    ("docs/runbooks/keys.md", 7, 19, "bybit-api-key", "bybit"),
    // docs/deploy-vars.md: a `Variable | Value` table: the name cell names the value cell
    ("docs/deploy-vars.md", 5, 22, "bybit-api-key", "bybit"),
    ("docs/deploy-vars.md", 6, 25, "bybit-secret-key", "bybit"),
    // docs/source/integration-account.rst: a reStructuredText field list under a heading naming the venue
    ("docs/source/integration-account.rst", 4, 13, "deribit-client-id", "deribit"),
    ("docs/source/integration-account.rst", 5, 17, "deribit-client-secret", "deribit"),
    // confluence/Exchange-Keys.html: an HTML table (Confluence export): `<th>` names the columns, `<code>` wraps a cell
    ("confluence/Exchange-Keys.html", 6, 26, "gate-api-key", "gate"),
    ("confluence/Exchange-Keys.html", 7, 32, "gate-secret-key", "gate"),
];

const FAMILIES: &[(&str, &[Expected])] = &[
    ("env-shell", ENV_SHELL),
    ("commands", COMMANDS),
    ("make", MAKE),
    ("docker", DOCKER),
    ("systemd", SYSTEMD),
    ("crontab", CRONTAB),
    ("ini-properties", INI_PROPERTIES),
    ("yaml", YAML),
    ("json", JSON),
    ("toml", TOML),
    ("xml", XML),
    ("hcl-terraform", HCL_TERRAFORM),
    ("notebook", NOTEBOOK),
    ("python", PYTHON),
    ("js-ts", JS_TS),
    ("go", GO),
    ("rust", RUST),
    ("java-kotlin", JAVA_KOTLIN),
    ("csharp", CSHARP),
    ("php", PHP),
    ("ruby", RUBY),
    ("sql", SQL),
    ("csv-tsv", CSV_TSV),
    ("text", TEXT),
    ("docs-tables", DOCS_TABLES),
];

/// fixtures/decoys/<category>: (category, number of decoy values)
const DECOYS: &[(&str, usize)] = &[
    ("placeholders", 24),
    ("k8s-placeholders", 3),
    ("commands", 2),
    ("docs-tables", 2),
    ("other-services", 3),
    ("passphrase-words", 7),
    ("header-names", 11),
    ("non-credential-names", 14),
    ("doc-examples", 18),
    ("dev-wallets", 4),
    ("encrypted", 11),
    ("references", 63),
    ("masked", 7),
    ("ids-hashes-addresses", 18),
];

#[test]
fn syntax_env_shell() {
    check_family("env-shell", ENV_SHELL);
}

#[test]
fn syntax_commands() {
    check_family("commands", COMMANDS);
}

#[test]
fn syntax_make() {
    check_family("make", MAKE);
}

#[test]
fn syntax_docker() {
    check_family("docker", DOCKER);
}

#[test]
fn syntax_systemd() {
    check_family("systemd", SYSTEMD);
}

#[test]
fn syntax_crontab() {
    check_family("crontab", CRONTAB);
}

#[test]
fn syntax_ini_properties() {
    check_family("ini-properties", INI_PROPERTIES);
}

#[test]
fn syntax_yaml() {
    check_family("yaml", YAML);
}

#[test]
fn syntax_json() {
    check_family("json", JSON);
}

#[test]
fn syntax_toml() {
    check_family("toml", TOML);
}

#[test]
fn syntax_xml() {
    check_family("xml", XML);
}

#[test]
fn syntax_hcl_terraform() {
    check_family("hcl-terraform", HCL_TERRAFORM);
}

#[test]
fn syntax_notebook() {
    check_family("notebook", NOTEBOOK);
}

#[test]
fn syntax_python() {
    check_family("python", PYTHON);
}

#[test]
fn syntax_js_ts() {
    check_family("js-ts", JS_TS);
}

#[test]
fn syntax_go() {
    check_family("go", GO);
}

#[test]
fn syntax_rust() {
    check_family("rust", RUST);
}

#[test]
fn syntax_java_kotlin() {
    check_family("java-kotlin", JAVA_KOTLIN);
}

#[test]
fn syntax_csharp() {
    check_family("csharp", CSHARP);
}

#[test]
fn syntax_php() {
    check_family("php", PHP);
}

#[test]
fn syntax_ruby() {
    check_family("ruby", RUBY);
}

#[test]
fn syntax_sql() {
    check_family("sql", SQL);
}

#[test]
fn syntax_csv_tsv() {
    check_family("csv-tsv", CSV_TSV);
}

#[test]
fn syntax_text() {
    check_family("text", TEXT);
}

#[test]
fn syntax_docs_tables() {
    check_family("docs-tables", DOCS_TABLES);
}

#[test]
fn decoys_placeholders() {
    check_decoys("placeholders");
}

#[test]
fn decoys_k8s_placeholders() {
    check_decoys("k8s-placeholders");
}

#[test]
fn decoys_commands() {
    check_decoys("commands");
}

#[test]
fn decoys_docs_tables() {
    check_decoys("docs-tables");
}

#[test]
fn decoys_other_services() {
    check_decoys("other-services");
}

#[test]
fn decoys_passphrase_words() {
    check_decoys("passphrase-words");
}

#[test]
fn decoys_header_names() {
    check_decoys("header-names");
}

#[test]
fn decoys_non_credential_names() {
    check_decoys("non-credential-names");
}

#[test]
fn decoys_doc_examples() {
    check_decoys("doc-examples");
}

#[test]
fn decoys_dev_wallets() {
    check_decoys("dev-wallets");
}

#[test]
fn decoys_encrypted() {
    check_decoys("encrypted");
}

#[test]
fn decoys_references() {
    check_decoys("references");
}

#[test]
fn decoys_masked() {
    check_decoys("masked");
}

#[test]
fn decoys_ids_hashes_addresses() {
    check_decoys("ids-hashes-addresses");
}

// @generated-end
