//! End-to-end tests over the fixture repos, running the real binary.
//!
//! - `fixtures/trading-bot/`: every planted secret is reported at its exact position, by the
//!   right rule, and nothing else is; the suppressed one is not; the stale suppression is.
//! - `fixtures/decoy/`: placeholders, references, documentation examples and look-alikes give
//!   zero findings.
//! - `fixtures/demo/`: the README's first command.
//! - No output format prints a planted secret whole.
//!
//! The fixtures are rendered by `tests/gen_fixture_keys.py` from `tests/fixture_templates/`;
//! every token kind has a fixed length, so re-rendering keeps the positions below valid.

use keylint::detect::decode_value;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name)
}

fn keylint(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_keylint")).args(args).arg(dir).output().expect("keylint binary runs")
}

fn scan_json(dir: &Path) -> (i32, Value) {
    // A fixed evaluation date keeps rotation policies stable as the calendar moves on.
    let out = keylint(&["scan", "--format", "json", "--today", "2026-11-22"], dir);
    let stdout = String::from_utf8(out.stdout).expect("json output is UTF-8");
    let mut json: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("json output parses ({e}); stderr: {}", String::from_utf8_lossy(&out.stderr)));
    // Paths are relative to the repository root (this repository); the expectations below are
    // relative to the fixture.
    let prefix = format!("{}/", dir.strip_prefix(env!("CARGO_MANIFEST_DIR")).expect("fixture in the repo").display());
    for f in json["findings"].as_array_mut().into_iter().flatten() {
        let path = f["path"].as_str().expect("path");
        let rel = path.strip_prefix(&prefix).unwrap_or_else(|| panic!("{path} is not relative to the repository root"));
        f["path"] = Value::from(rel);
    }
    (out.status.code().unwrap_or(-1), json)
}

/// (path, line, column, rule) of every finding, in output order.
fn positions(json: &Value) -> Vec<(String, usize, usize, String)> {
    json["findings"]
        .as_array()
        .expect("`findings` is an array")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().expect("path").to_string(),
                f["start"]["line"].as_u64().expect("start.line") as usize,
                f["start"]["column"].as_u64().expect("start.column") as usize,
                f["rule"].as_str().expect("rule").to_string(),
            )
        })
        .collect()
}

type Expected = (&'static str, usize, usize, &'static str);

/// Every finding `keylint scan fixtures/trading-bot` must report: (path, line, column, rule).
/// Sorted by path, then position. `.github/workflows/deploy.yml` only holds `${{ secrets.X }}`
/// references and `conf/connectors/okx.yml` only encrypted (hummingbot keystore) values.
const TRADING_BOT: &[Expected] = &[
    // .env: the file every bot has; hidden, but it is where keys are committed most.
    (".env", 4, 13, "okx-api-key"),
    (".env", 5, 16, "okx-secret-key"),
    (".env", 6, 16, "okx-passphrase"),
    (".env", 7, 17, "binance-api-key"),
    (".env", 8, 20, "binance-secret-key"),
    (".env", 9, 14, "mexc-api-key"), // bare `mx0v…` prefix
    (".env", 10, 17, "mexc-secret-key"),
    // curl with OK-ACCESS-* headers in a README code block
    ("README.md", 9, 22, "okx-api-key"),
    ("README.md", 12, 29, "okx-passphrase"),
    // new ccxt.bitget({...}) / new ccxt.hyperliquid({...}) in TypeScript; walletAddress is public
    ("bot/arb.ts", 5, 12, "bitget-api-key"),
    ("bot/arb.ts", 6, 12, "bitget-secret-key"),
    ("bot/arb.ts", 7, 14, "bitget-passphrase"),
    ("bot/arb.ts", 12, 16, "hyperliquid-private-key"),
    // ccxt.kraken({...}) in Python; line 6 is a stale `keylint:allow`; the bybit testnet secret on
    // line 22 is silenced by its `keylint:allow bybit-secret-key`, its key on line 21 is not.
    ("bot/ccxt_bot.py", 6, 29, "unused-suppression"),
    ("bot/ccxt_bot.py", 9, 16, "kraken-api-key"),
    ("bot/ccxt_bot.py", 10, 16, "kraken-private-key"),
    ("bot/ccxt_bot.py", 21, 16, "bybit-api-key"),
    // JSON-escaped value (`\/`), reported at the raw token
    ("bot/settings.json", 1, 57, "kraken-private-key"),
    // hummingbot connector file in plain text (conf/connectors/okx.yml is encrypted: no finding)
    ("conf/connectors/binance.yml", 7, 18, "binance-api-key"),
    ("conf/connectors/binance.yml", 9, 21, "binance-secret-key"),
    // docker compose `environment:` as a list and as a map
    ("docker-compose.yml", 7, 24, "kucoin-api-key"),
    ("docker-compose.yml", 8, 27, "kucoin-secret-key"),
    ("docker-compose.yml", 9, 31, "kucoin-passphrase"),
    ("docker-compose.yml", 16, 22, "gate-api-key"),
    ("docker-compose.yml", 17, 25, "gate-secret-key"),
    // Terraform variables named after the venue
    ("infra/terraform.tfvars", 4, 23, "htx-api-key"),
    ("infra/terraform.tfvars", 5, 23, "htx-secret-key"),
    ("infra/terraform.tfvars", 6, 23, "bitvavo-api-key"),
    ("infra/terraform.tfvars", 7, 23, "bitvavo-secret-key"),
    ("infra/terraform.tfvars", 8, 26, "cryptocom-api-key"),
    ("infra/terraform.tfvars", 9, 26, "cryptocom-secret-key"),
    // Kubernetes Secret: `stringData:` plain text, `data:` base64 (reported at the base64 token)
    ("k8s/secret.yaml", 8, 19, "bybit-api-key"),
    ("k8s/secret.yaml", 9, 22, "bybit-secret-key"),
    ("k8s/secret.yaml", 11, 19, "bitget-api-key"),
    ("k8s/secret.yaml", 12, 22, "bitget-secret-key"),
    ("k8s/secret.yaml", 13, 22, "bitget-passphrase"),
    // TOML sections name the venue; `[reporting]` has no credentials
    ("config/venues.toml", 3, 12, "bitfinex-api-key"),
    ("config/venues.toml", 4, 15, "bitfinex-secret-key"),
    ("config/venues.toml", 7, 14, "deribit-client-id"),
    ("config/venues.toml", 8, 18, "deribit-client-secret"),
    ("config/venues.toml", 11, 12, "bitmex-api-key"),
    ("config/venues.toml", 12, 15, "bitmex-secret-key"),
    ("keys/bybit-rsa-private.pem", 1, 1, "generic-private-key"),
    // Coinbase CDP key JSON: key name, and the EC key's body inside the JSON-escaped PEM
    ("keys/cdp_api_key.json", 2, 13, "coinbase-cdp-key-name"),
    ("keys/cdp_api_key.json", 3, 19, "coinbase-private-key"),
    // URL-encoded value in a query string (`%2F`, `%2B`), followed by `&timeout=5`
    ("scripts/healthcheck.sh", 4, 80, "kraken-api-key"),
    // Gemini key found by its `account-` prefix; its secret by the GEMINI_ name
    ("strategies/gemini_twap.py", 3, 15, "gemini-api-key"),
    ("strategies/gemini_twap.py", 4, 18, "gemini-secret-key"),
    // Python constants named after the venue, and ccxt.bitstamp({...}) with single quotes
    ("strategies/kimchi_premium.py", 4, 21, "upbit-access-key"),
    ("strategies/kimchi_premium.py", 5, 21, "upbit-secret-key"),
    ("strategies/kimchi_premium.py", 8, 16, "bitstamp-api-key"),
    ("strategies/kimchi_premium.py", 9, 16, "bitstamp-secret-key"),
    // freqtrade: `"name": "okx"` two lines above key/secret/password. `api_server.password` and
    // `jwt_secret_key` (lines 22-23) belong to freqtrade's own API server, not to OKX.
    ("user_data/config.json", 11, 17, "okx-api-key"),
    ("user_data/config.json", 12, 20, "okx-secret-key"),
    ("user_data/config.json", 13, 22, "okx-passphrase"),
];

/// Planted but silenced by an inline suppression: never reported, never printed.
const SUPPRESSED: &[(&str, usize, usize)] = &[("bot/ccxt_bot.py", 22, 16)];

const DEMO: &[Expected] = &[
    ("cdp_api_key.json", 2, 13, "coinbase-cdp-key-name"),
    ("cdp_api_key.json", 3, 19, "coinbase-private-key"),
    ("config.json", 6, 17, "binance-api-key"),
    ("config.json", 7, 20, "binance-secret-key"),
    ("deploy/prod.env", 1, 13, "okx-api-key"),
    ("deploy/prod.env", 2, 16, "okx-secret-key"),
    ("deploy/prod.env", 3, 16, "okx-passphrase"),
    // the manifest: withdraw on a market-making key, a private address, a stale rotation,
    // trading on a market-data key and an allowlist open to the world
    ("exchange-keys.yaml", 7, 32, "excess-permission"),
    ("exchange-keys.yaml", 7, 32, "key-allows-withdraw"),
    ("exchange-keys.yaml", 8, 33, "ip-allowlist-not-public"),
    ("exchange-keys.yaml", 10, 14, "key-rotation-overdue"),
    ("exchange-keys.yaml", 15, 34, "excess-permission"),
    ("exchange-keys.yaml", 16, 20, "ip-allowlist-open"),
    // least privilege from usage: bot.py reads OKX_SECRET_KEY and only fetches the balance, so
    // `trade` and `withdraw` are unused; nothing uses binance-data (vault, no `used_by`)
    ("exchange-keys.yaml", 7, 25, "permission-unused"),
    ("exchange-keys.yaml", 7, 32, "permission-unused"),
    ("exchange-keys.yaml", 12, 11, "key-usage-unknown"),
];

fn owned(expected: &[Expected]) -> Vec<(String, usize, usize, String)> {
    expected.iter().map(|&(p, l, c, r)| (p.to_string(), l, c, r.to_string())).collect()
}

/// Compares as sorted lists and fails with the missing and unexpected entries spelled out.
fn assert_same_findings(tree: &str, got: &[(String, usize, usize, String)], expected: &[Expected]) {
    let mut got_sorted = got.to_vec();
    got_sorted.sort();
    let mut want = owned(expected);
    want.sort();
    if got_sorted != want {
        let missing: Vec<_> = want.iter().filter(|w| !got_sorted.contains(w)).collect();
        let unexpected: Vec<_> = got_sorted.iter().filter(|g| !want.contains(g)).collect();
        panic!(
            "{tree}: findings differ\n  missing ({}): {missing:#?}\n  unexpected ({}): {unexpected:#?}",
            missing.len(),
            unexpected.len()
        );
    }
}

#[test]
fn trading_bot_reports_exactly_the_planted_secrets() {
    let (code, json) = scan_json(&fixture("trading-bot"));
    assert_same_findings("fixtures/trading-bot", &positions(&json), TRADING_BOT);
    assert_eq!(code, 1, "findings exit 1");
}

#[test]
fn trading_bot_findings_have_the_output_contract_shape() {
    let root = fixture("trading-bot");
    let (_, json) = scan_json(&root);
    let findings = json["findings"].as_array().expect("findings");
    assert!(!findings.is_empty());
    let mut previous: Option<(String, u64)> = None;
    for f in findings {
        let rule = f["rule"].as_str().expect("rule");
        let path = f["path"].as_str().expect("path");
        for key in ["rule", "category", "severity", "path", "start", "end", "message", "help", "fingerprint", "snippet"]
        {
            assert!(!f[key].is_null(), "{rule} at {path}: missing `{key}`");
        }
        // line/column agree with the byte offset, computed independently from the file
        let text = std::fs::read_to_string(root.join(path)).expect("finding path exists under the scan root");
        for end in ["start", "end"] {
            let offset = f[end]["offset"].as_u64().expect("offset") as usize;
            let before = &text[..offset];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
            assert_eq!(
                (f[end]["line"].as_u64().unwrap() as usize, f[end]["column"].as_u64().unwrap() as usize),
                (line, column),
                "{rule} at {path}: `{end}` line/column do not match its offset"
            );
        }
        // sorted by path, then offset
        let key = (path.to_string(), f["start"]["offset"].as_u64().unwrap());
        if let Some(prev) = &previous {
            assert!(prev <= &key, "findings are not sorted by path, then offset: {prev:?} before {key:?}");
        }
        previous = Some(key);
        if f["category"] == "secret" {
            assert!(f["exchange"].is_string() || rule.starts_with("generic-"), "{rule} at {path}: no exchange");
            assert!(f["credential"].is_string(), "{rule} at {path}: no `credential`");
        }
    }
    // parts found together share one credential id: the freqtrade okx block (lines 11-13)
    let ids: Vec<&str> = findings
        .iter()
        .filter(|f| f["path"] == "user_data/config.json" && f["category"] == "secret")
        .filter(|f| (11..=13).contains(&f["start"]["line"].as_u64().unwrap()))
        .map(|f| f["credential"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 3);
    assert!(ids.iter().all(|id| *id == ids[0]), "okx key, secret and passphrase share a credential id");
}

#[test]
fn passphrases_are_shown_as_stars_only() {
    let (_, json) = scan_json(&fixture("trading-bot"));
    for f in json["findings"].as_array().expect("findings") {
        if f["rule"].as_str().is_some_and(|r| r.ends_with("-passphrase")) {
            let snippet = f["snippet"].as_str().unwrap();
            assert!(snippet.contains("****"), "{snippet}");
        }
    }
}

#[test]
fn decoy_tree_has_no_findings_and_exits_0() {
    let (code, json) = scan_json(&fixture("decoy"));
    assert_same_findings("fixtures/decoy", &positions(&json), &[]);
    assert_eq!(code, 0, "no findings exit 0");
}

#[test]
fn decoy_tree_has_no_findings_with_hidden_files_either() {
    // `.env.example` holds only placeholders
    let out = keylint(&["scan", "--format", "json", "--hidden"], &fixture("decoy"));
    let json: Value = serde_json::from_slice(&out.stdout).expect("json output");
    assert_same_findings("fixtures/decoy (--hidden)", &positions(&json), &[]);
}

#[test]
fn demo_tree_findings() {
    let (code, json) = scan_json(&fixture("demo"));
    assert_same_findings("fixtures/demo", &positions(&json), DEMO);
    assert_eq!(code, 1);
}

// ---- no output format prints a planted secret whole ----------------------------------------

/// The token starting at (line, column): up to the next quote, whitespace, `&` or `,`.
fn token_at(text: &str, line: usize, column: usize) -> String {
    let line_text = text.split('\n').nth(line - 1).expect("line exists");
    line_text.chars().skip(column - 1).take_while(|c| !matches!(c, '"' | '\'' | '`' | ' ' | '\t' | '&' | ',')).collect()
}

/// Every planted secret of the trading-bot tree, read from the files at the expected positions,
/// in each form it could be printed in (raw, JSON-unescaped, URL-decoded, base64-decoded, and
/// each line of a PEM body).
fn planted_secrets(root: &Path) -> Vec<String> {
    let mut secrets = Vec::new();
    let spots = TRADING_BOT
        .iter()
        .filter(|e| e.3 != "unused-suppression")
        .map(|&(p, l, c, _)| (p, l, c))
        .chain(SUPPRESSED.iter().copied());
    for (path, line, column) in spots {
        let text = std::fs::read_to_string(root.join(path)).expect("fixture file");
        let raw = token_at(&text, line, column);
        // The engine's own decoders: the forms in which a planted secret could be printed.
        let mut forms = vec![raw.clone(), raw.replace("\\/", "/")];
        forms.extend(keylint::bindings::code::url_decode(&raw));
        if path.starts_with("k8s/") {
            forms.extend(decode_value::base64_text(&raw));
        }
        for form in forms {
            for piece in form.split("\\n") {
                if piece.len() >= 12 && !piece.starts_with("-----") {
                    secrets.push(piece.to_string());
                }
            }
        }
    }
    // the PEM file: every base64 line of the key
    let pem = std::fs::read_to_string(root.join("keys/bybit-rsa-private.pem")).expect("pem");
    secrets.extend(pem.lines().filter(|l| !l.starts_with("-----") && l.len() >= 12).map(str::to_string));
    secrets.sort();
    secrets.dedup();
    secrets
}

#[test]
fn no_output_format_prints_a_planted_secret() {
    let root = fixture("trading-bot");
    let secrets = planted_secrets(&root);
    assert!(secrets.len() >= 55, "collected {} planted secrets", secrets.len());
    for format in ["json", "jsonl", "human"] {
        let out = keylint(&["scan", "--format", format], &root);
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(!text.trim().is_empty(), "{format}: no output");
        let leaked: Vec<&String> = secrets.iter().filter(|s| text.contains(s.as_str())).collect();
        assert!(leaked.is_empty(), "{format} output contains {} planted secret(s) in full", leaked.len());
    }
}

#[test]
fn show_secrets_prints_them_so_the_leak_check_is_meaningful() {
    // Control for the test above: with --show-secrets the same extraction does find secrets.
    let root = fixture("trading-bot");
    let secrets = planted_secrets(&root);
    let out = keylint(&["scan", "--format", "json", "--show-secrets"], &root);
    let text = String::from_utf8_lossy(&out.stdout);
    let shown = secrets.iter().filter(|s| text.contains(s.as_str())).count();
    assert!(shown >= 10, "--show-secrets printed only {shown} planted secrets");
}

/// Every source line the human format shows sits beside its real line number: the text up to
/// the first redaction (all of it when there is none) is that line of the file.
#[test]
fn human_excerpts_show_real_line_numbers() {
    let out = keylint(&["scan", "--today", "2026-11-22"], &fixture("trading-bot"));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut path: Option<String> = None;
    let mut checked = 0;
    for line in text.lines() {
        if let Some(rest) = line.trim_start().strip_prefix("╭─[") {
            path = rest.split(':').next().map(str::to_string);
            continue;
        }
        let Some((number, source)) = line.split_once(" │ ") else { continue };
        let Ok(number) = number.trim().parse::<usize>() else { continue };
        let Some(p) = &path else { continue };
        assert!(p.starts_with("fixtures/trading-bot/"), "{p} is relative to the repository root");
        let file = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(p)).expect("finding path exists");
        let real = file.split('\n').nth(number - 1).unwrap_or_default().trim_end_matches('\r');
        let cut = [source.find('…'), source.find("****")].into_iter().flatten().min();
        match cut {
            Some(at) => assert!(real.starts_with(&source[..at]), "{p}:{number} shows another line: {source}"),
            None => assert_eq!(source.trim_end(), real.trim_end(), "{p}:{number} shows another line"),
        }
        checked += 1;
    }
    assert!(checked >= 50, "only {checked} excerpt lines checked");
}
