//! Bindings from each syntax family: names, values and exact value spans.

use super::*;

/// (name, value, value text in the file) of every literal binding.
fn bound(path: &str, text: &str) -> Vec<(String, String, String)> {
    let fb = collect(path, text);
    fb.bindings
        .iter()
        .filter(|b| b.literal)
        .map(|b| (b.name.clone(), b.value.clone(), text[b.start..b.end].to_string()))
        .collect()
}

fn has(got: &[(String, String, String)], name: &str, value: &str) -> bool {
    got.iter().any(|(n, v, _)| n == name && v == value)
}

#[test]
fn env_shell_and_make() {
    let got = bound(".env", "export OKX_KEY=\"abc\"  # note\nOKX_SECRET=def ghi # c\n");
    assert!(has(&got, "OKX_KEY", "abc"), "{got:?}");
    assert!(has(&got, "OKX_SECRET", "def ghi"), "{got:?}");
    let got = bound("run.sh", "docker run -e BYBIT_KEY=k1 -e BYBIT_SECRET=s1 img\nX=${Y:-lit}\n");
    assert!(has(&got, "BYBIT_KEY", "k1") && has(&got, "BYBIT_SECRET", "s1"), "{got:?}");
    let got = bound("Makefile", "KEY ?= v1\nSECRET := v2\nLDFLAGS = \"-X main.okxKey=v3 -X main.okxSecret=v4\"\n");
    assert!(has(&got, "KEY", "v1") && has(&got, "SECRET", "v2"), "{got:?}");
    assert!(has(&got, "main.okxKey", "v3") && has(&got, "main.okxSecret", "v4"), "{got:?}");
    let got = bound("Dockerfile", "ENV OKX_KEY abc123\nARG OKX_SECRET=def\n");
    assert!(has(&got, "OKX_KEY", "abc123") && has(&got, "OKX_SECRET", "def"), "{got:?}");
    let got = bound("bot.service", "Environment=\"HL_KEY=0xabc\" \"HL_SECRET=0xdef\"\n");
    assert!(has(&got, "HL_KEY", "0xabc") && has(&got, "HL_SECRET", "0xdef"), "{got:?}");
}

#[test]
fn ini_sections_group_their_keys() {
    let text = "[bfx_makers:vars]\nbfx_key=abc\n\n[other]\nkey = v ; c\n";
    let fb = collect("hosts.ini", text);
    let k = fb.bindings.iter().find(|b| b.name == "bfx_key").expect("bound");
    let names: Vec<&str> = fb.ancestors(k.structure).map(|s| s.name.as_str()).collect();
    assert!(names.contains(&"bfx_makers:vars"), "{names:?}");
}

#[test]
fn code_assignments_in_many_languages() {
    let cases: &[(&str, &str, &str, &str)] = &[
        ("a.ts", "const apiKey: string = \"k1\";", "apiKey", "k1"),
        ("a.go", "var accessKey string = \"k2\"", "accessKey", "k2"),
        ("a.go", "key := \"k3\"", "key", "k3"),
        ("a.rs", "const API_KEY: &'static str = \"k4\";", "API_KEY", "k4"),
        ("a.kt", "val secretKey: String = \"k5\"", "secretKey", "k5"),
        ("a.java", "private static final String API_KEY = \"k6\";", "API_KEY", "k6"),
        ("a.cs", "public const string Secret = @\"k7\";", "Secret", "k7"),
        ("a.php", "define('UPBIT_ACCESS_KEY', 'k8');", "UPBIT_ACCESS_KEY", "k8"),
        ("a.php", "$secret = $_ENV['MEXC_SECRET'] ?? 'k9';", "$secret", "k9"),
        ("a.rb", "SECRET = ENV.fetch(\"GEMINI_SECRET\") { \"k10\" }", "GEMINI_SECRET", "k10"),
        ("a.java", "System.setProperty(\"binance.api.key\", \"k11\");", "binance.api.key", "k11"),
        ("a.py", "KEY = \"\"\"k12\"\"\"", "KEY", "k12"),
        ("a.py", "PASS = (\n    \"k13\"\n)", "PASS", "k13"),
        ("a.py", "c = Client(api_key=\"k14\")", "api_key", "k14"),
        ("a.js", "const s = 'k15' +\n  'x';", "s", "k15x"),
        ("a.php", "$s = 'k16' . 'y';", "$s", "k16y"),
        ("a.py", "os.environ[\"OKX_SECRET\"] = \"k17\"", "os.environ.OKX_SECRET", "k17"),
        ("a.js", "const x = process.env.BN_KEY || \"k18\";", "x", "k18"),
        ("a.py", "s = os.getenv(\"KC_SECRET\", \"k19\")", "KC_SECRET", "k19"),
        ("a.rs", "let s = r#\"k20\"#;", "s", "k20"),
        ("a.tf", "resource \"x\" \"y\" {\n  value = \"k21\"\n}", "value", "k21"),
        ("a.json", "{\"exchange\": {\"secret\": \"k22\"}}", "secret", "k22"),
    ];
    for (path, text, name, value) in cases {
        let got = bound(path, text);
        assert!(has(&got, name, value), "{path}: {text}: {got:?} / {:?}", collect(path, text).bindings);
    }
}

#[test]
fn positional_arguments_of_calls() {
    let text = "let c = Credentials::new(\"k1\", \"s1\");";
    let fb = collect("a.rs", text);
    let pos: Vec<(Role, &str)> = fb.bindings.iter().map(|b| (b.role, b.value.as_str())).collect();
    assert_eq!(pos, vec![(Role::Positional(0), "k1"), (Role::Positional(1), "s1")]);
    let call = &fb.structures[fb.bindings[0].structure];
    assert_eq!((call.kind, call.name.as_str()), (StructureKind::Call, "Credentials::new"));
}

#[test]
fn sql_rows_and_urls() {
    let text = "INSERT INTO creds (exchange, api_key) VALUES\n ('okx', 'k1'),\n ('kucoin', 'k2');\n";
    let got = bound("seed.sql", text);
    assert!(has(&got, "exchange", "okx") && has(&got, "api_key", "k1") && has(&got, "api_key", "k2"), "{got:?}");
    let text =
        "U = \"https://relay/x?access_key=a%2Bb&secret_key=c\"\nP = \"https://us%2Fer:pa%3Dss@kraken-proxy:8443/0\"\n";
    let got = bound("s.py", text);
    assert!(has(&got, "access_key", "a+b") && has(&got, "secret_key", "c"), "{got:?}");
    assert!(has(&got, "kraken-proxy:8443", "us/er") && has(&got, "kraken-proxy:8443", "pa=ss"), "{got:?}");
}

#[test]
fn name_value_pairs() {
    let text = r#"{"values": [{"key": "okx_api_key", "value": "k1", "type": "secret"}]}"#;
    let got = bound("env.postman_environment.json", text);
    assert!(has(&got, "okx_api_key", "k1"), "{got:?}");
    let text = "environment = [\n  { name = \"UPBIT_ACCESS_KEY\", value = \"k2\" },\n]\n";
    let got = bound("main.tf", text);
    assert!(has(&got, "UPBIT_ACCESS_KEY", "k2"), "{got:?}");
}

#[test]
fn headers_in_http_files_and_logs() {
    let got = bound("a.http", "GET https://x/api\nX-BAPI-API-KEY: k1\nX-Auth: BITSTAMP k2\n");
    assert!(has(&got, "X-BAPI-API-KEY", "k1") && has(&got, "X-Auth", "BITSTAMP k2"), "{got:?}");
    let got = bound("w.jsonl", "{\"msg\": \"GET /x\\r\\nCB-ACCESS-KEY: k3\\r\\n\"}\n");
    assert!(has(&got, "CB-ACCESS-KEY", "k3"), "{got:?}");
    let got = bound("curl.sh", "curl -H \"OK-ACCESS-KEY: k4\" https://x\n");
    assert!(has(&got, "OK-ACCESS-KEY", "k4"), "{got:?}");
}

#[test]
fn markdown_prose_and_fences() {
    let text = "# Keys\n\n- Upbit access key `59J58re68PVKUANsQoJo`, rotated.\n\n```python\nkey = \"k1\"\n```\n";
    let got = bound("REPORT.md", text);
    assert!(got.iter().any(|(n, v, _)| n.ends_with("Upbit access key") && v == "59J58re68PVKUANsQoJo"), "{got:?}");
    assert!(has(&got, "key", "k1"), "{got:?}");
}

/// Prints the bindings of `KEYLINT_DEBUG_FILE` (a development aid: `cargo test debug_bindings -- --ignored --nocapture`).
#[test]
#[ignore]
fn debug_bindings() {
    let Ok(path) = std::env::var("KEYLINT_DEBUG_FILE") else { return };
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let fb = collect(&path, &text);
    for (i, s) in fb.structures.iter().enumerate() {
        eprintln!("S{i} {:?} {:?} parent={:?}", s.kind, s.name, s.parent);
    }
    for b in &fb.bindings {
        eprintln!(
            "S{} {:?} {:?} = {:?} [{}..{}] {:?} lit={}",
            b.structure, b.role, b.name, b.value, b.start, b.end, b.encoding, b.literal
        );
    }
    eprintln!("imports {:?}", fb.imports);
}

/// Names and values side by side, inside commands and foreign syntaxes in a value.
#[test]
fn command_lines_and_embedded_syntaxes() {
    let span = |got: &[(String, String, String)], name: &str| {
        got.iter().find(|(n, _, _)| n == name).map(|(_, v, t)| (v.clone(), t.clone()))
    };
    // Flags with a blank before the value, quoted or not; a number-looking value too.
    let got = bound("Procfile", "w: python -m bot --api-key 4f3e-a1 --api-secret 'q/w=' --workers 2\n");
    assert_eq!(span(&got, "api-key"), Some(("4f3e-a1".into(), "4f3e-a1".into())), "{got:?}");
    assert_eq!(span(&got, "api-secret"), Some(("q/w=".into(), "q/w=".into())), "{got:?}");
    assert!(span(&got, "workers").is_none(), "{got:?}");
    // `--opt=NAME='v'` and `--body V` named by the credential word before it.
    let got = bound("s.sh", "kubectl create secret generic x --from-literal=KRAKEN_API_KEY='k/1+'\n");
    assert_eq!(span(&got, "KRAKEN_API_KEY"), Some(("k/1+".into(), "k/1+".into())), "{got:?}");
    let got = bound("s.sh", "gh secret set MEXC_SECRET_KEY --repo a/b --body \"s3\"\n");
    assert_eq!(span(&got, "MEXC_SECRET_KEY"), Some(("s3".into(), "s3".into())), "{got:?}");
    // JSON inside a shell argument keeps exact spans.
    let got = bound(
        "s.sh",
        "aws secretsmanager create-secret --secret-string '{\"api_key\":\"bg_1\",\"passphrase\":\"p#2\"}'\n",
    );
    assert_eq!(span(&got, "api_key"), Some(("bg_1".into(), "bg_1".into())), "{got:?}");
    assert_eq!(span(&got, "passphrase"), Some(("p#2".into(), "p#2".into())), "{got:?}");
    // sed: only the replacement is text; the pattern's `.*` is not part of the value.
    let got = bound("s.sh", "sed -i \"s/^OKX_KEY=.*/OKX_KEY=abc123/\" .env\n");
    assert_eq!(span(&got, "OKX_KEY"), Some(("abc123".into(), "abc123".into())), "{got:?}");
    // Redis `HSET h field value`, netrc entries under their machine, EDN keywords, Go tags.
    let got = bound("seed.sh", "redis-cli HSET creds:x api_key 99ab api_secret \"cd\"\n");
    assert!(has(&got, "api_key", "99ab") && has(&got, "api_secret", "cd"), "{got:?}");
    let fb = collect(".netrc", "machine api.kraken.com\n  login L1\n  password P2\n");
    let p = fb.bindings.iter().find(|b| b.name == "password").expect("password bound");
    assert_eq!(p.value, "P2");
    let names: Vec<&str> = fb.ancestors(p.structure).map(|s| s.name.as_str()).collect();
    assert!(names.contains(&"api.kraken.com"), "{names:?}");
    let got = bound("config.edn", "{:kraken {:api-key \"k1\" :base-url \"https://x\"}}\n");
    assert!(has(&got, "api-key", "k1"), "{got:?}");
    let got = bound("c.go", "type C struct {\n\tKey string `envconfig:\"BFX_API_KEY\" default:\"v1\"`\n}\n");
    assert_eq!(span(&got, "BFX_API_KEY"), Some(("v1".into(), "v1".into())), "{got:?}");
    // A lone generic word in shell prose binds nothing.
    let got = bound("s.sh", "kubectl create secret generic x\n");
    assert!(span(&got, "secret").is_none(), "{got:?}");
}

#[test]
fn notebook_cell_magics_read_the_cell_as_its_file() {
    let t = r#"{"cells": [{"cell_type": "code", "source": ["%%writefile .env\n", "OKX_KEY=abc\n"]}]}"#;
    let got = bound("n.ipynb", t);
    assert_eq!(
        got.iter().find(|(n, _, _)| n == "OKX_KEY").map(|(_, v, s)| (v.as_str(), s.as_str())),
        Some(("abc", "abc"))
    );
}

#[test]
fn documentation_tables_fields_and_headings() {
    // Pipe table: cells bind to headers; a code span binds its inside; the delimiter row binds nothing.
    let text = "Intro\n\n| Venue | API key |\n|---|:-:|\n| Gate | `k1\\|x` |\n";
    let got = bound("a.md", text);
    assert!(has(&got, "Venue", "Gate"), "{got:?}");
    assert!(got.iter().any(|(n, v, raw)| n == "API key" && v == "k1\\|x" && raw == "k1\\|x"), "{got:?}");
    assert!(!got.iter().any(|(_, v, _)| v.contains("---")), "{got:?}");
    // HTML table with a wrapping <code> element; entity cells are skipped.
    let text = "<table><tr><th>Venue</th><th>Secret</th></tr>\n<tr><td>Gate</td><td> <code>s1</code> </td></tr>\n<tr><td>X</td><td>&lt;s&gt;</td></tr></table>";
    let got = bound("k.html", text);
    assert!(got.iter().any(|(n, v, raw)| n == "Secret" && v == "s1" && raw == "s1"), "{got:?}");
    assert!(!got.iter().any(|(_, v, _)| v.contains("&lt;")), "{got:?}");
    // reST field list under an underlined title; the sentence above is a comment.
    let text = "Deribit account\n===============\n\nThe shared Deribit account:\n\n:Client ID: abc123\n";
    let fb = collect("a.rst", text);
    assert_eq!(fb.headings, vec![(0, 15)]);
    assert!(fb.comments.contains(&(33, 60)), "{:?}", fb.comments);
    let b = fb.bindings.iter().find(|b| b.name == "Client ID").expect("field bound");
    assert_eq!(&text[b.start..b.end], "abc123");
}

#[test]
fn name_value_rows_and_postman_apikey_items_pair_up() {
    let got = bound("vars.md", "| Variable | Value |\n|---|---|\n| `OKX_SECRET` | `v1` |\n");
    assert!(has(&got, "OKX_SECRET", "v1"), "{got:?}");
    let text = r#"{"auth": {"type": "apikey", "apikey": [{"key": "value", "value": "v2"}, {"key": "key", "value": "OK-ACCESS-KEY"}]}}"#;
    let got = bound("c.postman_collection.json", text);
    assert!(has(&got, "OK-ACCESS-KEY", "v2"), "{got:?}");
    let got = bound("V.cs", r#"var d = new Dictionary<string, object>() { { "apiKey", "v3" }, { "secret", "v4" } };"#);
    assert!(has(&got, "apiKey", "v3") && has(&got, "secret", "v4"), "{got:?}");
}

#[test]
fn url_encoding_decodes_percent_escapes_only() {
    use super::code::url_decode;
    assert_eq!(url_decode("ab%2Bc%3D").as_deref(), Some("ab+c="));
    // `+` is kept (keys hold it); a truncated escape stays as written; no `%`, no decoding.
    assert_eq!(url_decode("a+b%2F").as_deref(), Some("a+b/"));
    assert_eq!(url_decode("ab%2").as_deref(), Some("ab%2"));
    assert_eq!(url_decode("plain"), None);
}
