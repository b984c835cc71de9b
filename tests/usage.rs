//! Least privilege from usage (issue 11) on fixtures/usage: exact (rule, path, line, column) of
//! the usage policies in every output format, `keylint usage` (human, JSON, --suggest-manifest),
//! and indirect calls that must never yield `permission-unused`.

mod common;

use common::{json, locations, run, stdout, tree};
use std::path::PathBuf;

/// Paths are shown from the repository root.
const F: &str = "fixtures/usage/";

fn fixture() -> PathBuf {
    common::repo_root().join("fixtures/usage")
}

const SCAN: &[&str] = &["scan", ".", "--isolated", "--today", "2026-11-22", "--format", "json"];

fn loc(list: &[(&str, &str, u64, u64)]) -> Vec<(String, String, u64, u64)> {
    list.iter().map(|(r, p, l, c)| (r.to_string(), p.to_string(), *l, *c)).collect()
}

#[test]
fn scan_reports_unused_missing_and_unknown_usage_exactly() {
    let out = run(&fixture(), SCAN, None);
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
    let v = json(&out);
    assert_eq!(
        locations(&v),
        loc(&[
            // okx-mm grants withdraw; bot.py (Python, client on self and passed to a function) and
            // report.ts (TypeScript) together need read + trade.
            ("permission-unused", "fixtures/usage/exchange-keys.yaml", 5, 32),
            // okx-dyn: `getattr(exchange, job["method"])` — unknown, never unused.
            ("key-usage-unknown", "fixtures/usage/exchange-keys.yaml", 29, 11),
            // gate-orphan: nothing reads GATE_API_KEY.
            ("key-usage-unknown", "fixtures/usage/exchange-keys.yaml", 43, 11),
            // binance-spot grants only enableReading; binance-connector's new_order needs trade.
            ("permission-missing", "fixtures/usage/services/spot/spot.py", 10, 12),
        ])
    );
    let f = &v["findings"];
    assert_eq!(f[0]["severity"], "warning");
    assert_eq!(f[1]["severity"], "note");
    assert_eq!(f[3]["severity"], "error");
    assert_eq!(
        f[0]["message"],
        "key `okx-mm` grants `withdraw`, but the code that uses it (fixtures/usage/services/mm/bot.py, fixtures/usage/services/reporter/report.ts) needs only read, trade"
    );
    assert_eq!(f[3]["message"], "`client.new_order` needs `trade`, which key `binance-spot` does not grant");
    assert_eq!(
        f[1]["message"],
        "keylint cannot judge the permissions of key `okx-dyn`: fixtures/usage/services/dyn/runner.py:13: `getattr(exchange, …)` calls a method whose name keylint cannot read"
    );
    // Related: where okx-mm is used (both services), and the permission list of binance-spot.
    let related: Vec<(String, u64, u64)> = f[0]["related"]
        .as_array()
        .expect("related")
        .iter()
        .map(|r| {
            (
                r["path"].as_str().unwrap_or_default().trim_start_matches(F).to_string(),
                r["start"]["line"].as_u64().unwrap_or(0),
                r["start"]["column"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        related,
        vec![
            ("services/mm/bot.py".to_string(), 8, 18),
            ("services/mm/bot.py".to_string(), 22, 23),
            ("services/reporter/report.ts".to_string(), 10, 29),
            ("services/reporter/report.ts".to_string(), 11, 28),
        ]
    );
    assert_eq!(f[3]["related"][0]["path"], "fixtures/usage/exchange-keys.yaml");
    assert_eq!(f[3]["related"][0]["start"]["line"], 13);
    assert_eq!(f[3]["related"][0]["label"], "permissions of key `binance-spot` (fixtures/usage/exchange-keys.yaml:13)");
}

#[test]
fn usage_findings_appear_in_every_format() {
    let base = ["scan", ".", "--isolated", "--today", "2026-11-22", "--color", "never"];
    let human = stdout(&run(&fixture(), &base, None));
    assert!(human.contains("fixtures/usage/exchange-keys.yaml:5:32]"), "{human}");
    assert!(
        human.contains("  related: `exchange.create_order` needs trade (fixtures/usage/services/mm/bot.py:8)\n"),
        "{human}"
    );
    assert!(human.contains("fixtures/usage/services/spot/spot.py:10:12]"), "{human}");
    assert!(human.contains("(1 error, 1 warning, 2 notes)"), "{human}");
    let mut args = base.to_vec();
    args.extend(["--format", "github"]);
    let github = stdout(&run(&fixture(), &args, None));
    assert!(github.contains("::warning file=fixtures/usage/exchange-keys.yaml,line=5,endLine=5,col=32,endColumn=40,title=keylint permission-unused::"), "{github}");
    assert!(github.contains("::error file=fixtures/usage/services/spot/spot.py,line=10,endLine=10,col=12,endColumn=21,title=keylint permission-missing::"), "{github}");
    assert_eq!(github.matches("title=keylint key-usage-unknown::").count(), 2, "{github}");
    let mut args = base.to_vec();
    args.extend(["--format", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_str(&stdout(&run(&fixture(), &args, None))).expect("sarif");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let ids: Vec<&str> = results.iter().map(|r| r["ruleId"].as_str().unwrap_or("")).collect();
    assert_eq!(ids, vec!["permission-unused", "key-usage-unknown", "key-usage-unknown", "permission-missing"]);
    let rel = &results[0]["relatedLocations"][0]["physicalLocation"];
    assert_eq!(rel["artifactLocation"]["uri"], "fixtures/usage/services/mm/bot.py");
    assert_eq!(rel["region"]["startLine"], 8);
    let rules: Vec<&str> = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    for id in ["permission-unused", "permission-missing", "key-usage-unknown"] {
        assert!(rules.contains(&id), "{id} missing from SARIF rules");
    }
}

/// (status, needs, granted, unused, missing) of one key in `keylint usage --format json`.
fn key<'a>(v: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    v["keys"].as_array().expect("keys").iter().find(|k| k["name"] == name).unwrap_or_else(|| panic!("no key {name}"))
}

fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array().map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_string)).collect()).unwrap_or_default()
}

fn ops(v: &serde_json::Value) -> Vec<(String, u64, String, String)> {
    v["operations"]
        .as_array()
        .expect("operations")
        .iter()
        .map(|o| {
            (
                o["path"].as_str().unwrap_or_default().to_string(),
                o["start"]["line"].as_u64().unwrap_or(0),
                o["text"].as_str().unwrap_or_default().to_string(),
                o["permission"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn op(path: &str, line: u64, text: &str, perm: &str) -> (String, u64, String, String) {
    (format!("{F}{path}"), line, text.to_string(), perm.to_string())
}

#[test]
fn usage_command_json_per_key() {
    let out = run(&fixture(), &["usage", ".", "--isolated", "--format", "json"], None);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let v = json(&out);
    let names: Vec<&str> = v["keys"].as_array().expect("keys").iter().filter_map(|k| k["name"].as_str()).collect();
    assert_eq!(
        names,
        vec![
            "okx-mm",
            "binance-spot",
            "bybit-data",
            "okx-rest",
            "okx-dyn",
            "binance-arb",
            "gate-orphan",
            "kraken-ext",
            "okx-hedge"
        ]
    );

    // A key used by two services: the union of both.
    let mm = key(&v, "okx-mm");
    assert_eq!(mm["status"], "resolved");
    assert_eq!(
        strings(&mm["files"]),
        vec![format!("{F}services/mm/bot.py"), format!("{F}services/reporter/report.ts")]
    );
    assert_eq!(
        ops(mm),
        vec![
            op("services/mm/bot.py", 8, "exchange.create_order", "trade"),
            op("services/mm/bot.py", 20, "self.exchange.fetch_order_book", "none"),
            op("services/mm/bot.py", 22, "self.exchange.cancel_order", "trade"),
            op("services/reporter/report.ts", 10, "okx.fetchBalance", "read"),
            op("services/reporter/report.ts", 11, "okx.fetchMyTrades", "read"),
        ]
    );
    assert_eq!(strings(&mm["needs"]), vec!["read", "trade"]);
    assert_eq!(strings(&mm["granted"]), vec!["read", "trade", "withdraw"]);
    assert_eq!(strings(&mm["unused"]), vec!["withdraw"]);
    assert!(strings(&mm["missing"]).is_empty());

    let spot = key(&v, "binance-spot");
    assert_eq!(
        ops(spot),
        vec![
            op("services/spot/spot.py", 9, "client.account", "read"),
            op("services/spot/spot.py", 10, "client.new_order", "trade")
        ]
    );
    assert_eq!(strings(&spot["missing"]), vec!["trade"]);
    assert!(strings(&spot["unused"]).is_empty());

    // Linked by `used_by` alone (the secret is in vault): pybit.
    let data = key(&v, "bybit-data");
    assert_eq!(data["status"], "resolved");
    assert_eq!(strings(&data["needs"]), vec!["read"]);
    assert_eq!(ops(data)[1], op("services/data/collector.py", 10, "session.get_wallet_balance", "read"));

    // Raw REST signing: path literals, the HTTP method unknown on the literal's line.
    let rest = key(&v, "okx-rest");
    assert_eq!(
        ops(rest),
        vec![
            op("services/rest/signer.py", 28, "/api/v5/account/balance", "read"),
            op("services/rest/signer.py", 33, "/api/v5/trade/order", "trade"),
        ]
    );
    assert!(strings(&rest["unused"]).is_empty() && strings(&rest["missing"]).is_empty());

    // TypeScript: `this.exchange`, passed to a function as `ex`.
    let arb = key(&v, "binance-arb");
    assert_eq!(
        ops(arb),
        vec![
            op("services/arb/arb.ts", 14, "this.exchange.fetchOrderBook", "none"),
            op("services/arb/arb.ts", 20, "ex.createOrder", "trade"),
            op("services/arb/arb.ts", 21, "ex.fetchOpenOrders", "read"),
        ]
    );

    // Dynamic call: unresolved, so no `unused` at all.
    let dyn_key = key(&v, "okx-dyn");
    assert_eq!(dyn_key["status"], "unresolved");
    assert!(dyn_key.get("unused").is_none());
    assert_eq!(dyn_key["reasons"][0]["line"], 13);

    assert_eq!(key(&v, "gate-orphan")["status"], "unlinked");
    assert_eq!(key(&v, "kraken-ext")["status"], "external");

    // python-okx, no manifest entry: found in code.
    let hedge = key(&v, "okx-hedge");
    assert_eq!(hedge["declared_in"], "code");
    assert_eq!(hedge["secret_ref"], "env:OKX_HEDGE_API_KEY");
    assert_eq!(
        ops(hedge),
        vec![
            op("services/hedge/hedge.py", 16, "accountAPI.get_positions", "read"),
            op("services/hedge/hedge.py", 18, "tradeAPI.place_order", "trade")
        ]
    );
}

#[test]
fn suggest_manifest_prints_minimal_entries_for_keys_found_in_code() {
    let out = run(&fixture(), &["usage", ".", "--isolated", "--suggest-manifest"], None);
    assert_eq!(
        stdout(&out),
        "# keylint usage --suggest-manifest: keys found in code with no manifest entry.\n\
         # Permissions are the least the code needs; create the keys with exactly these.\n\
         keys:\n  - name: okx-hedge\n    exchange: okx\n    permissions: [read, trade]\n    \
         secret_ref: env:OKX_HEDGE_API_KEY\n    used_by: [services/hedge/hedge.py]\n"
    );
}

const MANIFEST: &str = "keys:\n  - name: okx-bot\n    exchange: okx\n    permissions: [read, trade, withdraw]\n    secret_ref: env:OKX_API_KEY\n    ip_allowlist: [52.58.10.11]\n    rotated: 2026-11-01\n    allow: [key-allows-withdraw]\n    reason: test\n";

/// Rules of the usage policies a tree yields.
fn usage_rules(files: &[(&str, &str)]) -> Vec<(String, String, u64, u64)> {
    let dir = tree(files);
    let out = run(dir.path(), SCAN, None);
    locations(&json(&out))
        .into_iter()
        .filter(|(r, _, _, _)| matches!(r.as_str(), "permission-unused" | "permission-missing" | "key-usage-unknown"))
        .collect()
}

#[test]
fn indirect_calls_are_unknown_never_unused() {
    let head = "import os\nimport ccxt\nex = ccxt.okx({'apiKey': os.environ['OKX_API_KEY']})\nex.fetch_balance()\n";
    let cases = [
        ("bot.py", format!("{head}getattr(ex, name)()\n")),
        ("bot.py", format!("{head}import json\ncfg = json.load(open('c.json'))\ngetattr(ex, cfg['method'])(*cfg['args'])\n")),
        ("bot.py", format!("{head}from strategies import run\nrun(ex)\n")),
        ("bot.py", format!("{head}ex.some_private_endpoint()\n")),
        ("bot.js", "const ccxt = require('ccxt')\nconst ex = new ccxt.okx({ apiKey: process.env.OKX_API_KEY })\nawait ex.fetchBalance()\nawait ex[config.method](...config.args)\n".to_string()),
        ("bot.ts", "import ccxt from 'ccxt'\nconst ex = new ccxt.okx({ apiKey: process.env['OKX_API_KEY'] })\nconst method: string = process.argv[2]\nawait ex[method]()\n".to_string()),
        // Reads the key but hands it on: nothing keylint can follow.
        ("config.py", "import os\nOKX = os.getenv('OKX_API_KEY')\n".to_string()),
    ];
    for (path, code) in &cases {
        let got = usage_rules(&[("exchange-keys.yaml", MANIFEST), (path, code)]);
        assert_eq!(got, loc(&[("key-usage-unknown", "exchange-keys.yaml", 2, 11)]), "{path}:\n{code}");
    }
    // The same file without the indirect call: the unused permissions are reported.
    let got = usage_rules(&[("exchange-keys.yaml", MANIFEST), ("bot.py", head)]);
    assert_eq!(
        got,
        loc(&[("permission-unused", "exchange-keys.yaml", 4, 25), ("permission-unused", "exchange-keys.yaml", 4, 32)])
    );
}

#[test]
fn factory_functions_and_string_method_names_are_followed() {
    let code = "import os\nimport ccxt\n\n\ndef make():\n    return ccxt.okx({'apiKey': os.environ['OKX_API_KEY']})\n\n\nex = make()\ngetattr(ex, 'create_order')('BTC/USDT', 'market', 'buy', 1)\nex.withdraw('USDT', 1, 'addr')\n";
    let got = usage_rules(&[("exchange-keys.yaml", MANIFEST), ("bot.py", code)]);
    assert!(got.is_empty(), "{got:?}");
}

#[test]
fn used_by_empty_is_silent_and_used_by_links_without_env() {
    let m = "keys:\n  - name: okx-bot\n    exchange: okx\n    permissions: [read]\n    secret_ref: vault:kv/okx\n    used_by: []\n";
    assert!(usage_rules(&[("exchange-keys.yaml", m)]).is_empty());
    let m = "keys:\n  - name: okx-bot\n    exchange: okx\n    permissions: [read]\n    secret_ref: vault:kv/okx\n    used_by: [svc/**]\n";
    let code = "import ccxt\nex = ccxt.okx(load_secret())\nex.create_order('BTC/USDT', 'market', 'buy', 1)\n";
    assert_eq!(
        usage_rules(&[("exchange-keys.yaml", m), ("svc/bot.py", code)]),
        loc(&[("permission-missing", "svc/bot.py", 3, 4)])
    );
}

#[test]
fn linked_code_without_calls_is_unknown_not_unused() {
    let m = "keys:\n  - name: okx-bot\n    exchange: okx\n    permissions: [read, trade]\n    secret_ref: vault:kv/okx\n    used_by: [svc/**]\n";
    assert_eq!(
        usage_rules(&[("exchange-keys.yaml", m), ("svc/util.py", "def helper():\n    return 1\n")]),
        loc(&[("key-usage-unknown", "exchange-keys.yaml", 2, 11)])
    );
}

#[test]
fn a_user_usage_file_maps_an_in_house_wrapper() {
    let wrapper = "id: acme\ndescription: in-house OKX wrapper\nlanguages: [python]\nexchange: okx\nsource: https://example.invalid/acme\nclients:\n  - module: acme_okx\n    constructor: AcmeClient\noperations:\n  - method: buy\n    permission: trade\nexamples:\n  - language: python\n    code: |\n      from acme_okx import AcmeClient\n      c = AcmeClient(k)\n      c.buy(1)\n    needs: [trade]\n";
    let code = "import os\nfrom acme_okx import AcmeClient\nc = AcmeClient(os.environ['OKX_API_KEY'])\nc.buy(1)\n";
    let m = "keys:\n  - name: okx-bot\n    exchange: okx\n    permissions: [read]\n    secret_ref: env:OKX_API_KEY\n";
    let dir = tree(&[("exchange-keys.yaml", m), ("bot.py", code), ("rules/usage/acme.yaml", wrapper)]);
    let out = run(
        dir.path(),
        &["scan", ".", "--isolated", "--rules", "rules", "--today", "2026-11-22", "--format", "json"],
        None,
    );
    let got: Vec<_> = locations(&json(&out)).into_iter().filter(|(r, _, _, _)| r.starts_with("permission-")).collect();
    assert_eq!(got, loc(&[("permission-missing", "bot.py", 4, 3)]));
    let tested = run(dir.path(), &["rules", "test", "rules"], None);
    assert_eq!(tested.status.code(), Some(0), "{}", stdout(&tested));
    assert_eq!(stdout(&tested), "1 rules tested, 0 failures\n");
}

#[test]
fn usage_policies_stay_quiet_outside_a_tree_scan() {
    // stdin: one file, no repository to find the key's code in.
    let out = run(
        &fixture(),
        &[
            "scan",
            "-",
            "--stdin-filename",
            "exchange-keys.yaml",
            "--isolated",
            "--today",
            "2026-11-22",
            "--format",
            "json",
        ],
        Some(MANIFEST),
    );
    let rules: Vec<String> = locations(&json(&out)).into_iter().map(|(r, _, _, _)| r).collect();
    assert!(!rules.iter().any(|r| r.starts_with("permission-") || r == "key-usage-unknown"), "{rules:?}");
}

/// A key linked by `used_by` to a known application's config needs what the application needs
/// in the configured mode (rules/usage/applications.yaml): Freqtrade live = read + trade,
/// dry run = read.
#[test]
fn known_application_configs_give_their_needs() {
    let dir = common::repo_root().join("fixtures/usage-apps");
    let out = run(&dir, SCAN, None);
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
    let v = json(&out);
    assert_eq!(
        locations(&v),
        loc(&[
            // ft-binance: `enableWithdrawals` (Freqtrade never withdraws).
            ("permission-unused", "fixtures/usage-apps/exchange-keys.yaml", 5, 62),
            // ft-paper: `trade` on a dry-run bot.
            ("permission-unused", "fixtures/usage-apps/exchange-keys.yaml", 14, 25),
        ])
    );
    let out = run(&dir, &["usage", ".", "--isolated", "--format", "json"], None);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let v = json(&out);
    let live = key(&v, "ft-binance");
    assert_eq!(
        ops(live),
        vec![
            app_op("bots/freqtrade/config.json", 1, "Freqtrade", "read"),
            app_op("bots/freqtrade/config.json", 1, "Freqtrade", "trade"),
        ]
    );
    let paper = key(&v, "ft-paper");
    assert_eq!(ops(paper), vec![app_op("bots/paper/config.json", 1, "Freqtrade (dry_run: true)", "read")]);
    assert_eq!(strings(&paper["needs"]), vec!["read"]);
    assert_eq!(strings(&live["unused"]), vec!["withdraw"]);
}

fn app_op(path: &str, line: u64, text: &str, perm: &str) -> (String, u64, String, String) {
    (format!("fixtures/usage-apps/{path}"), line, text.to_string(), perm.to_string())
}
