//! Policy diagnostics on the mini repos under fixtures/manifests: exact rule, path, line and
//! column of every finding (and nothing else), evaluated on 2026-11-22.

use keylint::decode::Document;
use keylint::diagnostic::{Category, Finding, Severity};
use keylint::policy::{parse_date, PolicyConfig, PolicySet};
use std::path::Path;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/manifests");

fn builtin() -> PolicySet {
    PolicySet::load(&[], &PolicyConfig::default()).expect("built-in policies compile")
}

/// Runs `check` on `ROOT/<rel>` with the path relative to the fixture repo `repo`.
fn check(set: &PolicySet, repo: &str, rel: &str) -> Vec<Finding> {
    let text = std::fs::read_to_string(Path::new(ROOT).join(repo).join(rel)).expect("fixture exists");
    let doc = Document::new(&text);
    let findings = set.check(rel, &doc, parse_date("2026-11-22").expect("date"));
    for f in &findings {
        // Spans must slice the text on char boundaries and agree with line/column.
        assert!(f.start.offset <= f.end.offset && f.end.offset <= text.len(), "{f:?}");
        assert_eq!(doc.position(f.start.offset), f.start);
        assert!(f.excerpt.is_none() && f.commit.is_none());
    }
    findings
}

fn summary(findings: &[Finding]) -> Vec<(String, String, usize, usize)> {
    findings.iter().map(|f| (f.rule.clone(), f.path.clone(), f.start.line, f.start.column)).collect()
}

fn expect(list: &[(&str, &str, usize, usize)]) -> Vec<(String, String, usize, usize)> {
    list.iter().map(|(r, p, l, c)| (r.to_string(), p.to_string(), *l, *c)).collect()
}

fn text_at<'a>(text: &'a str, f: &Finding) -> &'a str {
    &text[f.start.offset..f.end.offset]
}

#[test]
fn permissions_canonical_and_native() {
    let p = "exchange-keys.yaml";
    let findings = check(&builtin(), "permissions", p);
    assert_eq!(
        summary(&findings),
        expect(&[
            ("excess-permission", p, 7, 37),
            ("key-allows-withdraw", p, 7, 37),
            ("excess-permission", p, 16, 9),
            ("excess-permission", p, 17, 9),
            ("key-allows-transfer", p, 17, 9),
            ("permission-unknown", p, 31, 30),
            ("exchange-unknown", p, 35, 15),
        ])
    );
    let withdraw = &findings[1];
    assert_eq!(withdraw.snippet, "withdraw");
    assert_eq!(withdraw.category, Category::Policy);
    assert_eq!(withdraw.severity, Severity::Error);
    assert_eq!(withdraw.exchange.as_deref(), Some("okx"));
    assert!(withdraw.help.contains("OKX's API-management page"), "{}", withdraw.help);
    assert_eq!(findings[4].severity, Severity::Warning);
    // The waived treasury key with a reason yields neither key-allows-withdraw nor waiver-without-reason.
    assert!(findings.iter().all(|f| !f.message.contains("binance-treasury")));
    assert!(findings[6].help.starts_with("did you mean `binance`? "), "{}", findings[6].help);
    assert!(findings[5].help.ends_with("(closest known name: Withdraw)"), "{}", findings[5].help);
}

#[test]
fn ip_allowlist_boundaries_classes_and_limits() {
    let p = "ops/exchange-keys.yml";
    let text = std::fs::read_to_string(Path::new(ROOT).join("ip-allowlists").join(p)).unwrap();
    let findings = check(&builtin(), "ip-allowlists", p);
    assert_eq!(
        summary(&findings),
        expect(&[
            // /23 fires, /24 does not; IPv6 /47 fires, /48 does not.
            ("ip-allowlist-open", p, 5, 20),
            ("ip-allowlist-open", p, 5, 50),
            ("ip-allowlist-open", p, 10, 20),
            ("ip-allowlist-open", p, 10, 31),
            // The CGNAT block itself: not public and far too wide.
            ("ip-allowlist-not-public", p, 15, 20),
            ("ip-allowlist-open", p, 15, 20),
            // 10.0.3.7, both CGNAT edges; 100.128.0.1 (line 24) is public; documentation range.
            ("ip-allowlist-not-public", p, 21, 9),
            ("ip-allowlist-not-public", p, 22, 9),
            ("ip-allowlist-not-public", p, 23, 9),
            ("ip-allowlist-not-public", p, 25, 9),
            // Host bits set (also private), `*`, a repeated and a covered entry.
            ("ip-allowlist-invalid", p, 30, 20),
            ("ip-allowlist-not-public", p, 30, 20),
            ("ip-allowlist-invalid", p, 30, 33),
            ("ip-allowlist-duplicate", p, 30, 38),
            ("ip-allowlist-duplicate", p, 30, 51),
            // Upbit: the 11th entry, and a CIDR block.
            ("ip-allowlist-over-limit", p, 35, 141),
            ("ip-allowlist-over-limit", p, 39, 20),
        ])
    );
    let spans: Vec<&str> = findings.iter().map(|f| text_at(&text, f)).collect();
    assert_eq!(spans[0], "11.22.32.0/23");
    assert_eq!(spans[2], "0.0.0.0/0");
    assert_eq!(spans[4], "100.64.0.0/10");
    assert_eq!(spans[12], "\"*\"");
    assert_eq!(spans[15], "11.22.35.11");
    assert!(findings[6]
        .help
        .starts_with("10.0.3.7 is a private address; exchanges see your NAT gateway's public address"));
    assert!(findings[10].help.contains("`10.0.0.0/24`"), "{}", findings[10].help);
    assert!(findings[13].message.contains("covered by `11.22.33.0/25`"), "{}", findings[13].message);
}

#[test]
fn approved_egress_from_the_fixture_config() {
    let cfg_text = std::fs::read_to_string(Path::new(ROOT).join("approved-egress/.keylint.toml")).unwrap();
    let table: toml::Table = toml::from_str(&cfg_text).unwrap();
    let cfg = PolicyConfig::from_toml(&toml::to_string(&table["policy"]).unwrap()).unwrap();
    let set = PolicySet::load(&[], &cfg).unwrap();
    let p = "exchange-keys.yaml";
    assert_eq!(
        summary(&check(&set, "approved-egress", p)),
        expect(&[("ip-allowlist-unapproved", p, 5, 51), ("ip-allowlist-unapproved", p, 5, 64)])
    );
    // Without approved ranges the policy is silent.
    assert!(check(&builtin(), "approved-egress", p).is_empty());
}

#[test]
fn rotation_boundaries_in_toml() {
    let p = "exchange-keys.toml";
    let findings = check(&builtin(), "rotation", p);
    assert_eq!(
        summary(&findings),
        expect(&[
            // day-90 (line 7) does not fire; day-91 does.
            ("key-rotation-overdue", p, 14, 11),
            ("key-rotation-overdue", p, 21, 11),
            ("key-rotation-unknown", p, 24, 8),
            ("key-expired", p, 34, 11),
        ])
    );
    assert_eq!(findings[0].message, "key `day-91` was rotated 2026-08-23, 91 days ago (limit 90)");
    assert!(findings[1].message.contains("was created 2026-01-10, 316 days ago"));
    assert!(findings[2].message.contains("trade rights"), "{}", findings[2].message);

    // A per-environment limit lifts the dev key out; an org-wide 30 days catches day-90 too.
    let cfg = PolicyConfig::from_toml("max_age_days = 30\n[max_age_days_by_environment]\ndev = 365\n").unwrap();
    let set = PolicySet::load(&[], &cfg).unwrap();
    let overdue: Vec<usize> =
        check(&set, "rotation", p).iter().filter(|f| f.rule == "key-rotation-overdue").map(|f| f.start.line).collect();
    assert_eq!(overdue, [7, 14]);
}

#[test]
fn waivers_duplicates_and_inline_secret_in_json() {
    let p = "svc.exchange-keys.json";
    let findings = check(&builtin(), "waivers", p);
    assert_eq!(
        summary(&findings),
        expect(&[("key-name-duplicate", p, 6, 14), ("waiver-without-reason", p, 8, 15), ("secret-inline", p, 9, 81),])
    );
    assert_eq!(findings[0].message, "key name `hot-wallet` is already used at line 3");
    let secret = &findings[2];
    assert_eq!(secret.snippet, "9C0D…C4D5");
    for f in &findings {
        for s in [&f.message, &f.help, &f.snippet] {
            assert!(!s.contains("9C0D3E8F1A2B4C5D6E7F8091A2B3C4D5"), "secret leaked: {s}");
        }
    }
}

#[test]
fn invalid_manifests_are_diagnostics() {
    let p = "exchange-keys.yaml";
    let findings = check(&builtin(), "invalid", p);
    assert_eq!(
        summary(&findings),
        expect(&[
            ("manifest-invalid", p, 6, 5),
            ("manifest-invalid", p, 12, 18),
            ("manifest-invalid", p, 13, 14),
            ("manifest-invalid", p, 14, 5),
            ("manifest-invalid", p, 15, 25),
        ])
    );
    assert_eq!(findings[0].severity, Severity::Warning);
    assert!(findings[0].help.starts_with("did you mean `ip_allowlist`?"));
    assert_eq!(findings[1].message, "field `permissions` must be a list of strings, found string");
    assert_eq!(findings[3].message, "key entry lacks the required field `name`");
    assert!(findings.iter().skip(1).all(|f| f.severity == Severity::Error && f.category == Category::Config));

    let broken = check(&builtin(), "broken", "exchange-keys.json");
    assert_eq!(summary(&broken), expect(&[("manifest-invalid", "exchange-keys.json", 3, 1)]));
    assert_eq!(broken[0].category, Category::Parse);
}

#[test]
fn compliant_manifest_has_no_findings() {
    assert_eq!(summary(&check(&builtin(), "clean", "exchange-keys.yaml")), expect(&[]));
}

#[test]
fn inferred_declarations_carry_exchange_and_secret_location() {
    let set = builtin();
    let cases = [
        (".env", "dotenv", "binance", "env:BINANCE_API_SECRET", "reference", "${BINANCE_API_SECRET}"),
        ("docker-compose.yml", "compose", "okx", "env:OKX_SECRET_KEY", "reference", "${OKX_SECRET_KEY}"),
        (
            ".github/workflows/backtest.yml",
            "github-actions",
            "bybit",
            "env:BYBIT_API_SECRET",
            "reference",
            "${{ secrets.BYBIT_API_SECRET }}",
        ),
        (
            "k8s/secret.yaml",
            "kubernetes",
            "kucoin",
            "vault:kv/trading/kucoin-bot",
            "reference",
            "kv/trading/kucoin-bot",
        ),
        (
            "conf/connectors/gate_io.yml",
            "hummingbot",
            "gate",
            "encrypted:gate_io_secret_key",
            "encrypted",
            "7b2263727970746f223a7b22636970686572223a22616573",
        ),
        (
            "chart/values.yaml",
            "helm",
            "bitget",
            "{{ .Values.global.bitgetSecret }}",
            "reference",
            "{{ .Values.global.bitgetSecret }}",
        ),
        ("bots/arb.py", "ccxt", "kraken", "env:KRAKEN_API_SECRET", "reference", "os.environ[\"KRAKEN_API_SECRET\"]"),
    ];
    for (rel, source, exchange, secret_ref, secret_source, span_text) in cases {
        let path = Path::new(ROOT).join("inferred").join(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(set.wants(rel, text.as_bytes()), "{rel} should be wanted");
        let ex = set.extract(rel, &text);
        assert_eq!(ex.declarations.len(), 1, "{rel}: {ex:?}");
        let d = &ex.declarations[0];
        assert_eq!(d.source, source, "{rel}");
        assert_eq!(d.str("exchange").unwrap().value, exchange, "{rel}");
        let r = d.str("secret_ref").unwrap();
        assert_eq!(r.value, secret_ref, "{rel}");
        assert_eq!(d.str("secret_source").unwrap().value, secret_source, "{rel}");
        assert_eq!(&text[r.start..r.end], span_text, "{rel}");
        // Inferred declarations know nothing about permissions: permission policies stay silent.
        assert!(!d.is_known("permissions"));
        assert!(check(&set, "inferred", rel).is_empty(), "{rel}");
    }
    // An inferred declaration still knows its exchange: a real venue outside the table is a
    // note (bitpanda), a misspelling a warning with a suggestion.
    let p = "freqtrade/config.json";
    assert_eq!(summary(&check(&set, "inferred", p)), expect(&[("exchange-unsupported", p, 4, 13)]));
    assert_eq!(check(&set, "inferred", p)[0].severity, Severity::Note);
}

#[test]
fn wants_is_a_cheap_filter() {
    let set = builtin();
    assert!(set.wants("deploy/exchange-keys.yaml", b"anything"));
    assert!(set.wants("svc.exchange-keys.json", b"{}"));
    assert!(set.wants("config/.env.production", b""));
    assert!(!set.wants("drivers/clk/clk.c", b"okx binance exchange"));
    assert!(!set.wants("Documentation/devicetree/bindings/clock/x.yaml", b"compatible: foo\nclocks: 2\n"));
    assert!(set.wants("ops/keys.yaml", b"keys:\n  - exchange: okx\n"));
    assert!(!set.wants("src/app.py", b"import requests\n"));
    assert!(set.wants("src/app.py", b"import ccxt\n"));
}

#[test]
fn fingerprints_ignore_line_numbers() {
    let set = builtin();
    let text = "keys:\n  - name: a\n    exchange: okx\n    permissions: [read, withdraw]\n";
    let shifted = format!("# a comment\n\n{text}");
    let today = parse_date("2026-11-22").unwrap();
    let a = set.check("exchange-keys.yaml", &Document::new(text), today);
    let b = set.check("exchange-keys.yaml", &Document::new(&shifted), today);
    let fa: Vec<&str> = a.iter().map(|f| f.fingerprint.as_str()).collect();
    let fb: Vec<&str> = b.iter().map(|f| f.fingerprint.as_str()).collect();
    assert!(!fa.is_empty());
    assert_eq!(fa, fb);
    assert_ne!(a[0].start.line, b[0].start.line);
}

#[test]
fn hostile_manifests_never_panic() {
    let set = builtin();
    let today = parse_date("2026-11-22").unwrap();
    let deep = format!("keys: {}{}", "[".repeat(50_000), "]".repeat(50_000));
    let nasty = [
        deep.as_str(),
        "keys:\n  - &a {name: x, exchange: okx, permissions: *a}\n",
        "keys: [{name: 1, exchange: [], permissions: {a: b}, ip_allowlist: [[1]], rotated: 99999-01-01}]",
        "\u{feff}keys:\n  - name: é\n    exchange: ökx\n    permissions: [réad]\n    ip_allowlist: [\"1.2.3.4/\"]\n",
        "keys:\n  - ? [complex]\n    : value\n",
        "{\"keys\": [\"\\ud800\"]}",
    ];
    for (i, text) in nasty.iter().enumerate() {
        for path in ["exchange-keys.yaml", "exchange-keys.json", "exchange-keys.toml"] {
            let findings = set.check(path, &Document::new(text), today);
            assert!(findings.iter().all(|f| f.end.offset <= text.len()), "case {i} {path}");
        }
    }
}

/// Every prefix of every fixture (a cheap fuzz: unterminated strings, half lists, cut dates)
/// through `check` under its own path and under each manifest format: never a panic, spans in range.
#[test]
fn truncated_fixtures_never_panic() {
    let set = builtin();
    let today = parse_date("2026-11-22").unwrap();
    let files = [
        ("permissions", "exchange-keys.yaml"),
        ("ip-allowlists", "ops/exchange-keys.yml"),
        ("rotation", "exchange-keys.toml"),
        ("waivers", "svc.exchange-keys.json"),
        ("invalid", "exchange-keys.yaml"),
        ("inferred", "docker-compose.yml"),
        ("inferred", "k8s/secret.yaml"),
        ("inferred", "bots/arb.py"),
        ("inferred", ".env"),
        ("inferred", "freqtrade/config.json"),
    ];
    for (repo, rel) in files {
        let text = std::fs::read_to_string(Path::new(ROOT).join(repo).join(rel)).unwrap();
        for cut in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
            let prefix = &text[..cut];
            for path in [rel, "exchange-keys.json", "exchange-keys.toml"] {
                for f in set.check(path, &Document::new(prefix), today) {
                    assert!(f.start.offset <= f.end.offset && f.end.offset <= prefix.len(), "{rel} cut {cut}: {f:?}");
                }
            }
        }
    }
}

#[test]
fn pem_in_a_block_scalar_is_secret_inline_and_redacted() {
    let body = "MC4CAQAwBQYDK2VwBCIEIJ7qL3xN4m0d8Zk2Qh5vYwT1sR9aPbCdEfGhIjKlMnOp";
    let text = format!(
        "keys:\n  - name: binance-ed25519\n    exchange: binance\n    permissions: [read]\n    secret_ref: |\n      -----BEGIN PRIVATE KEY-----\n      {body}\n      -----END PRIVATE KEY-----\n    owner: infra\n"
    );
    let findings = builtin().check("exchange-keys.yaml", &Document::new(&text), parse_date("2026-11-22").unwrap());
    assert_eq!(summary(&findings), expect(&[("secret-inline", "exchange-keys.yaml", 6, 7)]));
    let f = &findings[0];
    assert!(text[f.end.offset..].starts_with("\n    owner"), "span ends after the block: {:?}", &text[f.end.offset..]);
    for s in [&f.message, &f.help, &f.snippet] {
        assert!(!s.contains(body) && !s.contains(&body[..20]), "leaked: {s}");
    }
}

/// Sizes at which a quadratic check would take minutes: many keys sharing names, a huge list.
#[test]
fn large_manifests_stay_fast() {
    let set = builtin();
    let today = parse_date("2026-11-22").unwrap();
    let mut text = String::from("keys:\n");
    for i in 0..20_000 {
        text.push_str(&format!(
            "  - name: k{}\n    exchange: okx\n    permissions: [read, trade]\n    ip_allowlist: [11.22.{}.{}]\n    rotated: 2026-11-01\n",
            i % 10,
            i % 200,
            i % 250
        ));
    }
    let ips: Vec<String> =
        (0..50_000).map(|i| format!("11.{}.{}.{}", i / 65536 % 256, i / 256 % 256, i % 256)).collect();
    text.push_str(&format!(
        "  - name: huge\n    exchange: okx\n    permissions: [read]\n    ip_allowlist: [{}]\n",
        ips.join(", ")
    ));
    let findings = set.check("exchange-keys.yaml", &Document::new(&text), today);
    let dups = findings.iter().filter(|f| f.rule == "key-name-duplicate").count();
    assert_eq!(dups, 20_000 - 10);
    let too_long: Vec<_> = findings.iter().filter(|f| f.rule == "manifest-invalid").collect();
    assert_eq!(too_long.len(), 1);
    assert!(too_long[0].message.contains("50000 items"), "{}", too_long[0].message);
}
