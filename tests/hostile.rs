//! Hostile and malformed input: never a crash, never a lost finding, and no quadratic blow-up
//! (each case would take minutes if the scan were quadratic in line length).

mod common;
use common::*;

/// Deterministic synthetic 32-char upper-hex values (an LCG, not a real key source).
fn synthetic_hex32(seed: u64) -> String {
    let mut x = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (0..32)
        .map(|_| {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            b"0123456789ABCDEF"[(x >> 60) as usize] as char
        })
        .collect()
}

#[test]
fn one_huge_line_with_thousands_of_secrets_reports_each_at_its_column() {
    let n = 5_000;
    let mut line = String::from("{");
    let mut columns = Vec::new();
    for i in 0..n {
        let prefix = format!("\"okx_secret_key_{i}\": \"");
        columns.push(line.len() + prefix.len() + 1);
        line.push_str(&prefix);
        line.push_str(&synthetic_hex32(i));
        line.push_str("\", ");
    }
    line.push_str("}\n");
    let dir = tree(&[("bundle.min.json", &line)]);
    let out = run(dir.path(), &["scan", ".", "--format", "json"], None);
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    let findings = v["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), n as usize);
    for (f, col) in findings.iter().zip(&columns) {
        assert_eq!(f["rule"], "okx-secret-key");
        assert_eq!(f["start"]["line"], 1);
        assert_eq!(f["start"]["column"].as_u64(), Some(*col as u64));
        assert!(f["snippet"].as_str().is_some_and(|s| s.len() < 200), "snippets of long lines are windowed");
    }
    // The human format windows the excerpt too, and keeps real columns in its header.
    let out = run(dir.path(), &["scan", ".", "--format", "human"], None);
    let human = stdout(&out);
    assert!(human.contains(&format!("bundle.min.json:1:{}]", columns[n as usize - 1])), "header shows the real column");
    assert!(human.len() < 6_000 * 1_500, "excerpts are windows, not the whole line ({} bytes)", human.len());
}

#[test]
fn pathological_separators_and_unterminated_quotes_finish() {
    let noise = "]=".repeat(400_000) + &"=\"".repeat(200_000) + &"'okx':".repeat(100_000);
    let dir = tree(&[("noise.txt", &noise)]);
    let out = run(dir.path(), &["scan", ".", "--format", "json"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out)["summary"]["files_scanned"], 1);
}

#[test]
fn invalid_utf8_is_scanned_not_skipped() {
    let secret = synthetic_hex32(42);
    let mut bytes = b"# caf\xe9 config (latin-1)\n".to_vec();
    bytes.extend_from_slice(format!("OKX_SECRET_KEY={secret}\n").as_bytes());
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(dir.path().join("latin1.env"), &bytes).expect("write");
    let out = run(dir.path(), &["scan", ".", "--format", "json"], None);
    let v = json(&out);
    assert_eq!(locations(&v), vec![("okx-secret-key".into(), "latin1.env".into(), 2, 16)]);
    // `offset` counts bytes of the file (the repaired text has 2 more: U+FFFD is 3 bytes).
    let at = bytes.windows(secret.len()).position(|w| w == secret.as_bytes()).expect("planted");
    assert_eq!(v["findings"][0]["start"]["offset"].as_u64(), Some(at as u64));
    assert_eq!(v["findings"][0]["end"]["offset"].as_u64(), Some((at + 32) as u64));
}

#[test]
fn utf16_files_with_a_bom_are_decoded_and_offsets_count_the_files_bytes() {
    let secret = synthetic_hex32(43);
    let text = format!("# clé de test\r\nOKX_SECRET_KEY={secret}\r\n");
    let dir = tempfile::tempdir().expect("tmp");
    for (name, bom, le) in [("le.env", [0xFF, 0xFE], true), ("be.env", [0xFE, 0xFF], false)] {
        let mut bytes = bom.to_vec();
        for unit in text.encode_utf16() {
            bytes.extend(if le { unit.to_le_bytes() } else { unit.to_be_bytes() });
        }
        std::fs::write(dir.path().join(name), bytes).expect("write");
    }
    let out = run(dir.path(), &["scan", ".", "--format", "json"], None);
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    assert_eq!(
        locations(&v),
        vec![("okx-secret-key".into(), "be.env".into(), 2, 16), ("okx-secret-key".into(), "le.env".into(), 2, 16)]
    );
    // BOM (2) + the 30 characters before the secret (`# clé de test`, CRLF, the name), 2 bytes each.
    let start = 2 + 2 * 30;
    assert_eq!(text.find(&secret).map(|i| text[..i].chars().count()), Some(30));
    for f in v["findings"].as_array().expect("findings") {
        assert_eq!(f["start"]["offset"].as_u64(), Some(start));
        assert_eq!(f["end"]["offset"].as_u64(), Some(start + 64));
        assert_eq!(f["snippet"].as_str(), Some(format!("OKX_SECRET_KEY={}…{}", &secret[..4], &secret[28..]).as_str()));
    }
    assert_eq!(v["summary"]["bytes_scanned"].as_u64(), Some(2 * (2 + 2 * text.chars().count() as u64)));
}

#[test]
fn size_limit_is_exact_and_skips_are_counted() {
    let secret = synthetic_hex32(7);
    let content = format!("OKX_SECRET_KEY={secret}\n");
    let dir = tree(&[("a.env", &content), ("b/big.env", &format!("{content}#"))]);
    let limit = content.len().to_string();
    let out = run(dir.path(), &["scan", ".", "--format", "json", "--max-file-size", &limit], None);
    let v = json(&out);
    assert_eq!(locations(&v), vec![("okx-secret-key".into(), "a.env".into(), 1, 16)]);
    assert_eq!(v["summary"]["skipped"]["too-large"], 1);
}

// ---- config and rule files ---------------------------------------------------------------

#[test]
fn config_errors_exit_2_with_a_readable_message_never_a_panic_or_an_unbounded_read() {
    let secret = synthetic_hex32(11);
    let dir = tree(&[(".env", &format!("OKX_SECRET_KEY={secret}\n"))]);
    // An error past column 65,535 (miette panicked there): a window of the line, real column.
    let long = format!("[scan]\nexclude = [{} 5x ]\n", "\"a\",".repeat(20_000));
    std::fs::write(dir.path().join("long.toml"), long).expect("write");
    let out = run(dir.path(), &["scan", ".", "--config", "long.toml"], None);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("[long.toml:2:80014]"), "{err}");
    assert!(err.len() < 2_000, "the line is clipped ({} bytes)", err.len());
    // A device or a FIFO is refused without reading it.
    let out = run(dir.path(), &["scan", ".", "--config", "/dev/zero"], None);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr(&out).lines().nth(2), Some("  × /dev/zero: this config file is a device, not a regular file"));
    // An oversized config (a 2 MB line) is refused, not echoed.
    std::fs::write(dir.path().join("huge.toml"), format!("[scan]\nexclude = \"{}\n", "x".repeat(2 << 20)))
        .expect("write");
    let out = run(dir.path(), &["scan", ".", "--config", "huge.toml"], None);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr(&out).lines().nth(2), Some("  × huge.toml: this config file is larger than 1048576 bytes"));
}

// ---- names and special files -------------------------------------------------------------

#[cfg(unix)]
#[test]
fn names_that_differ_only_in_invalid_bytes_are_two_files_in_a_stable_order() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().expect("tmp");
    for (i, name) in [&b"caf\xe9.env"[..], &b"caf\xe8.env"[..], &b"caf\xef\xbf\xbd.env"[..]].iter().enumerate() {
        let path = dir.path().join(std::ffi::OsStr::from_bytes(name));
        std::fs::write(path, format!("OKX_SECRET_KEY={}\n", synthetic_hex32(100 + i as u64))).expect("write");
    }
    let paths = |j: &str| -> Vec<String> {
        let out = run(dir.path(), &["scan", ".", "--format", "json", "-j", j], None);
        json(&out)["findings"].as_array().expect("findings").iter().map(|f| f["path"].to_string()).collect()
    };
    let expected = vec![r#""caf\\xE8.env""#.to_string(), r#""caf\\xE9.env""#.into(), "\"caf\u{fffd}.env\"".into()];
    assert_eq!(paths("1"), expected);
    for _ in 0..3 {
        assert_eq!(paths("8"), expected, "same output whatever the thread timing");
    }
}

#[cfg(unix)]
#[test]
fn fifos_devices_and_symlinks_are_refused_or_counted_never_read() {
    let secret = synthetic_hex32(21);
    let dir = tree(&[("ok.env", &format!("OKX_SECRET_KEY={secret}\n"))]);
    let mkfifo = |p: &std::path::Path| {
        let status = std::process::Command::new("mkfifo").arg(p).status().expect("mkfifo runs");
        assert!(status.success());
    };
    mkfifo(&dir.path().join(".env"));
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.env")).expect("symlink");
    std::os::unix::fs::symlink("loop", dir.path().join("loop")).expect("symlink");
    std::os::unix::fs::symlink(".", dir.path().join("self")).expect("symlink");
    let out = run(dir.path(), &["scan", ".", "--format", "json"], None);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(locations(&v), vec![("okx-secret-key".into(), "ok.env".into(), 1, 16)]);
    assert_eq!(v["summary"]["skipped"], serde_json::json!({"special-file": 1, "symlink": 3}));
    // Named on the command line, a FIFO or a device is an error, not an empty scan.
    for path in [".env", "zero.env", "/dev/null"] {
        let out = run(dir.path(), &["scan", path], None);
        assert_eq!(out.status.code(), Some(2), "{path}");
        assert!(stderr(&out).starts_with(&format!("error: `{path}` is a ")), "{}", stderr(&out));
    }
}

#[test]
fn terminal_escapes_in_contents_and_names_never_reach_the_terminal() {
    let secret = synthetic_hex32(31);
    let name = if cfg!(unix) { "evil\x1b]0;pwned\x07.env" } else { "evil.env" };
    let dir = tree(&[(name, &format!("OKX_SECRET_KEY={secret} # \x1b[2J\x1b[31mred\u{9b}1m\rhidden\n"))]);
    for format in ["human", "github"] {
        let out = run(dir.path(), &["scan", ".", "--format", format], None);
        assert_eq!(out.status.code(), Some(1));
        let text = stdout(&out);
        assert!(!text.contains('\x1b') && !text.contains('\x07') && !text.contains('\u{9b}'), "{format}: {text:?}");
        assert!(!text.contains("\rhidden"), "{format}: a lone CR is replaced");
    }
    let out = run(dir.path(), &["scan", ".", "--format", "json"], None);
    let v = json(&out);
    if cfg!(unix) {
        assert_eq!(v["findings"][0]["path"], "evil\\x1B]0;pwned\\x07.env");
    }
    // JSON keeps the (masked) text as it is: its escaping makes it inert.
    let expected = format!("OKX_SECRET_KEY={}…{} # \x1b[2J\x1b[31mred\u{9b}1m\rhidden", &secret[..4], &secret[28..]);
    assert_eq!(v["findings"][0]["snippet"], expected.as_str());
}

#[test]
fn odd_manifest_syntax_never_yields_a_span_ending_before_it_starts() {
    let repro = "keys:\n  - name: okx-mm\n    exchange: okx\n    permissions: [:]\n    secret_ref: vault:kv/x\n";
    let odd = "keys:\n  - name: [{}]\n    exchange: {? : }\n    permissions: [[], {:}, ? ]\n";
    let dir = tree(&[("a/exchange-keys.yaml", repro), ("b/exchange-keys.yaml", odd)]);
    let out = run(dir.path(), &["scan", ".", "--format", "json", "--today", "2026-11-22"], None);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json(&out);
    let findings = v["findings"].as_array().expect("findings");
    assert!(findings.iter().any(|f| f["rule"] == "manifest-invalid" && f["path"] == "a/exchange-keys.yaml"));
    assert!(findings.iter().any(|f| f["path"] == "b/exchange-keys.yaml"));
    for f in findings {
        let (s, e) = (&f["start"], &f["end"]);
        assert!(s["offset"].as_u64() <= e["offset"].as_u64(), "{f}");
        assert!((s["line"].as_u64(), s["column"].as_u64()) <= (e["line"].as_u64(), e["column"].as_u64()), "{f}");
    }
}

#[test]
fn a_secret_in_a_manifest_that_does_not_parse_is_still_reported() {
    let secret = synthetic_hex32(51);
    let manifest = format!(
        "keys:\n  - name: okx-mm\n    exchange: okx\n    ip_allowlist: [11.22.33.10, \"2a05:d014::/47\"]\n    secret_ref: {secret}\n    permissions: [read_only\n"
    );
    let dir = tree(&[("exchange-keys.yaml", &manifest)]);
    let out = run(dir.path(), &["scan", ".", "--format", "json", "--today", "2026-11-22"], None);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(
        locations(&v),
        vec![
            ("secret-inline".into(), "exchange-keys.yaml".into(), 5, 17),
            ("manifest-invalid".into(), "exchange-keys.yaml".into(), 7, 1),
        ]
    );
    assert_eq!(v["findings"][0]["severity"], "error");
    assert_eq!(v["findings"][0]["snippet"], format!("{}…{}", &secret[..4], &secret[28..]));
    assert_eq!(v["findings"][1]["category"], "parse");
}

// ---- linear time: a long line costs about what the same bytes cost on many lines ----------

/// Scans `dir` (json format) and returns how long it took, or `None` when it was still running
/// at `deadline` (then it is killed: a quadratic scan must fail the test, not hang it).
fn timed_scan(dir: &std::path::Path, deadline: std::time::Duration) -> Option<std::time::Duration> {
    let started = std::time::Instant::now();
    let mut child = keylint()
        .current_dir(dir)
        .args(["scan", ".", "--format", "json", "--no-policies"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("keylint runs");
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            assert!(status.code().is_some_and(|c| c <= 1), "exit {status:?}");
            return Some(started.elapsed());
        }
        if started.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// The single-line file may take at most this many times the multi-line one (plus a fixed
/// slack for start-up and a busy machine).
const LINEAR_RATIO: u32 = 4;
const LINEAR_SLACK: std::time::Duration = std::time::Duration::from_secs(3);

/// `records` joined on one line and one a line (10 MB each), scanned; panics if the one-line
/// scan is slower than `LINEAR_RATIO` × the multi-line one.
fn assert_linear(name: &str, records: &[String], separator: &str) {
    let one = records.join(separator) + "\n";
    let many = records.join(&format!("{separator}\n")) + "\n";
    let (d1, d2) = (tree(&[(name, &one)]), tree(&[(name, &many)]));
    let multi = timed_scan(d2.path(), std::time::Duration::from_secs(600)).expect("multi-line scan finishes");
    let limit = multi * LINEAR_RATIO + LINEAR_SLACK;
    match timed_scan(d1.path(), limit) {
        Some(single) => assert!(single <= limit, "one line: {single:?}, many lines: {multi:?}"),
        None => panic!("one 10 MB line took over {limit:?} (many lines: {multi:?}): not linear"),
    }
}

/// 10 MB of records, the shape of an exchange order log.
fn order_records() -> Vec<String> {
    let mut out = Vec::new();
    let mut size = 0;
    let mut n = 0u64;
    while size < 10_000_000 {
        let r = format!(r#"{{"exchange":"okx","key":"order-{n}","price":{}.{}}}"#, 60_000 + n % 5_000, n % 100);
        size += r.len() + 1;
        out.push(r);
        n += 1;
    }
    out
}

// The exchange context of each value is found with bounded lookups (siblings nearby, holders by
// binary search), so one 10 MB line of records costs what the same records on many lines cost.
#[test]
fn a_10mb_one_line_order_log_scans_in_linear_time() {
    assert_linear("orders.json", &order_records(), ",");
}

#[test]
fn a_10mb_line_of_separator_noise_scans_in_linear_time() {
    let unit = format!("{}{}\"okx\":", "]=".repeat(5), "=\"".repeat(5));
    let records: Vec<String> = (0..10_000_000 / (unit.len() * 4)).map(|_| unit.repeat(4)).collect();
    assert_linear("noise.txt", &records, "");
}

// ---- the hostile-input list: each case beside a normal file whose key must still be found ----

const LIMIT: std::time::Duration = std::time::Duration::from_secs(180);
/// Peak memory any hostile case may use (the largest reads a 100 MB file on purpose).
const MAX_RSS_KB: u64 = 512 * 1024;

/// A tree holding `normal.env` with a synthetic key.
fn beside_a_key(seed: u64) -> tempfile::TempDir {
    tree(&[("normal.env", &format!("OKX_SECRET_KEY={}\n", synthetic_hex32(seed)))])
}

/// Scans `dir` as JSON with limits; the run must finish with `code`, without a panic, within
/// time and memory, and still find the key of `normal.env`.
fn scan_hostile(dir: &std::path::Path, extra: &[&str], code: i32) -> serde_json::Value {
    let mut args = vec!["scan", ".", "--format", "json", "--today", "2026-11-22"];
    args.extend_from_slice(extra);
    let b = run_bounded(dir, &args, LIMIT);
    assert_eq!(b.code, Some(code), "{args:?}: {}", b.stderr);
    assert!(!b.stderr.contains("panicked") && !b.stderr.contains("internal error"), "{}", b.stderr);
    assert!(b.peak_kb < MAX_RSS_KB, "{args:?}: peak RSS {} KiB", b.peak_kb);
    let v = b.json();
    let normal = ("okx-secret-key".to_string(), "normal.env".to_string(), 1, 16);
    assert!(locations(&v).contains(&normal), "the key beside it is found: {:?}", locations(&v));
    v
}

fn skipped(v: &serde_json::Value, reason: &str) -> u64 {
    v["summary"]["skipped"][reason].as_u64().unwrap_or(0)
}

#[test]
fn nul_bytes_make_a_file_binary_only_in_its_first_8_kib() {
    let dir = beside_a_key(60);
    std::fs::write(dir.path().join("blob.env"), b"OKX_SECRET_KEY=\0\0\0").expect("write");
    let mut late = format!("OKX_SECRET_KEY={}\n", synthetic_hex32(61)).into_bytes();
    late.extend(std::iter::repeat_n(b'#', 9000));
    late.extend(b"\0\0\n");
    std::fs::write(dir.path().join("late.env"), late).expect("write");
    let v = scan_hostile(dir.path(), &[], 1);
    assert_eq!(skipped(&v, "binary"), 1);
    assert!(locations(&v).contains(&("okx-secret-key".into(), "late.env".into(), 1, 16)));
}

#[test]
fn a_sparse_1_gb_file_is_skipped_without_being_read() {
    let dir = beside_a_key(62);
    let f = std::fs::File::create(dir.path().join("sparse.env")).expect("create");
    f.set_len(1 << 30).expect("sparse");
    let v = scan_hostile(dir.path(), &[], 1);
    assert_eq!(skipped(&v, "too-large"), 1);
}

#[test]
fn a_100_mb_single_line_is_skipped_by_default_and_scanned_when_allowed() {
    let dir = beside_a_key(63);
    let mut line = vec![b'x'; 100 << 20];
    line.push(b'\n');
    std::fs::write(dir.path().join("one-line.txt"), &line).expect("write");
    drop(line);
    let v = scan_hostile(dir.path(), &[], 1);
    assert_eq!(skipped(&v, "too-large"), 1);
    let v = scan_hostile(dir.path(), &["--max-file-size", "200000000"], 1);
    assert_eq!(v["summary"]["files_scanned"], 2);
}

#[test]
fn yaml_alias_bombs_stay_within_budget_in_manifests_and_rule_files() {
    let mut bomb = String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for i in 1..12u8 {
        let (p, c) = ((b'a' + i - 1) as char, (b'a' + i) as char);
        bomb.push_str(&format!("{c}: &{c} [{}]\n", vec![format!("*{p}"); 9].join(",")));
    }
    let dir = beside_a_key(64);
    std::fs::write(dir.path().join("exchange-keys.yaml"), format!("{bomb}keys: *l\n")).expect("write");
    std::fs::write(dir.path().join("values.yaml"), format!("{bomb}okx: {{api_key: *l}}\n")).expect("write");
    scan_hostile(dir.path(), &[], 1);
    // In a rule file it is an invalid rule file: exit 2, pointed at.
    let rules = tempfile::tempdir().expect("tmp");
    std::fs::write(rules.path().join("bomb.yaml"), format!("{bomb}rules: []\n")).expect("write");
    let b = run_bounded(dir.path(), &["scan", ".", "--rules", &rules.path().to_string_lossy()], LIMIT);
    assert_eq!(b.code, Some(2), "{}", b.stderr);
    assert!(b.stderr.contains("bomb.yaml"), "{}", b.stderr);
}

#[test]
fn deep_nesting_in_manifests_is_a_diagnostic_and_in_config_or_rules_exit_2() {
    let n = 100_000;
    let dir = beside_a_key(65);
    let nest = |open: &str, inner: &str, close: &str| format!("{}{inner}{}", open.repeat(n), close.repeat(n));
    let files = [
        ("a/exchange-keys.yaml", format!("keys: {}\n", nest("[", "", "]"))),
        ("b/exchange-keys.yaml", format!("keys: {}\n", nest("{a: ", "1", "}"))),
        ("c/exchange-keys.json", format!("{{\"keys\": {}}}\n", nest("[", "", "]"))),
        ("d/exchange-keys.json", format!("{{\"keys\": {}}}\n", nest("{\"a\": ", "1", "}"))),
        ("e/exchange-keys.toml", format!("keys = {}\n", nest("[", "", "]"))),
        ("f/exchange-keys.toml", format!("keys = {}\n", nest("{a=", "1", "}"))),
    ];
    for (path, text) in &files {
        std::fs::create_dir_all(dir.path().join(path).parent().expect("parent")).expect("mkdir");
        std::fs::write(dir.path().join(path), text).expect("write");
    }
    let v = scan_hostile(dir.path(), &[], 1);
    let invalid: Vec<String> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "manifest-invalid")
        .map(|f| f["path"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(invalid, files.iter().map(|f| f.0.to_string()).collect::<Vec<_>>());
    // A deep `.keylint.toml` or rule file stops the run with exit 2 and a pointed error.
    let other = tempfile::tempdir().expect("tmp");
    std::fs::write(other.path().join("deep.toml"), format!("[scan]\nexclude = {}\n", nest("[", "", "]")))
        .expect("write");
    std::fs::write(other.path().join("deep.yaml"), format!("rules: {}\n", nest("[", "", "]"))).expect("write");
    let config = other.path().join("deep.toml").to_string_lossy().into_owned();
    let rules = other.path().to_string_lossy().into_owned();
    for (args, message) in [
        (vec!["scan", ".", "--config", &config], "deep.toml: recursion limit exceeded"),
        (vec!["scan", ".", "--rules", &rules], "deep.yaml: flow collections nested deeper than 128 levels"),
    ] {
        let b = run_bounded(dir.path(), &args, LIMIT);
        assert_eq!(b.code, Some(2), "{args:?}: {}", b.stderr);
        assert!(b.stderr.contains(message), "{}", b.stderr);
        assert!(b.stderr.len() < 3_000, "the deep line is clipped: {} bytes", b.stderr.len());
    }
}

#[test]
fn a_10_mb_base64_blob_in_a_kubernetes_secret_finishes() {
    let dir = beside_a_key(66);
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let blob: String = (0..9_500_000u64).map(|i| alphabet[(i * 7 + i / 64) as usize % 64] as char).collect();
    let secret = format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: okx\ndata:\n  OKX_API_KEY: {blob}\n  OKX_SECRET_KEY: {blob}\n"
    );
    std::fs::write(dir.path().join("secret.yaml"), secret).expect("write");
    let v = scan_hostile(dir.path(), &["--max-file-size", "20000000"], 1);
    assert_eq!(v["summary"]["files_scanned"], 2);
}

#[cfg(unix)]
#[test]
fn unreadable_files_and_directories_are_io_errors() {
    use std::os::unix::fs::PermissionsExt;
    let dir = beside_a_key(67);
    std::fs::write(dir.path().join("locked.env"), "OKX_SECRET_KEY=x\n").expect("write");
    std::fs::create_dir(dir.path().join("locked")).expect("mkdir");
    std::fs::write(dir.path().join("locked/inner.env"), "x\n").expect("write");
    for p in ["locked.env", "locked"] {
        std::fs::set_permissions(dir.path().join(p), std::fs::Permissions::from_mode(0o000)).expect("chmod");
    }
    // Root reads anything: then the files are simply scanned.
    // SAFETY: geteuid has no preconditions and cannot fail.
    let root = unsafe { libc::geteuid() } == 0;
    let v = scan_hostile(dir.path(), &[], 1);
    let io: Vec<String> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "io-error")
        .map(|f| f["path"].as_str().unwrap_or("").to_string())
        .collect();
    if root {
        assert_eq!(io, Vec::<String>::new());
    } else {
        assert_eq!(io, vec!["locked".to_string(), "locked.env".to_string()]);
    }
    for p in ["locked.env", "locked"] {
        std::fs::set_permissions(dir.path().join(p), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
}

#[test]
fn two_hundred_thousand_empty_files() {
    let dir = beside_a_key(68);
    for d in 0..200 {
        let sub = dir.path().join(format!("d{d:03}"));
        std::fs::create_dir(&sub).expect("mkdir");
        for f in 0..1_000 {
            std::fs::File::create(sub.join(format!("{f}.txt"))).expect("create");
        }
    }
    let v = scan_hostile(dir.path(), &[], 1);
    assert_eq!(v["summary"]["files_scanned"], 200_001);
}

/// Creates `depth` nested directories `d/d/…` under `root` with `file` at the bottom, through
/// directory descriptors: the full path is far longer than PATH_MAX.
#[cfg(target_os = "linux")]
fn deep_directories(root: &std::path::Path, depth: usize, file: &str, content: &str) {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let root = CString::new(root.as_os_str().as_bytes()).expect("no NUL in a temp path");
    let name = CString::new("d").expect("literal");
    let file = CString::new(file).expect("literal");
    // SAFETY: plain POSIX calls on descriptors this function opens and closes; every result is
    // checked before use.
    unsafe {
        let mut fd = libc::open(root.as_ptr(), libc::O_RDONLY | libc::O_DIRECTORY);
        assert!(fd >= 0, "open root");
        for _ in 0..depth {
            assert_eq!(libc::mkdirat(fd, name.as_ptr(), 0o755), 0, "mkdirat");
            let next = libc::openat(fd, name.as_ptr(), libc::O_RDONLY | libc::O_DIRECTORY);
            assert!(next >= 0, "openat");
            libc::close(fd);
            fd = next;
        }
        let f = libc::openat(fd, file.as_ptr(), libc::O_WRONLY | libc::O_CREAT, 0o644);
        assert!(f >= 0, "create file");
        let written = libc::write(f, content.as_ptr().cast(), content.len());
        assert_eq!(written, content.len() as isize);
        libc::close(f);
        libc::close(fd);
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_5000_level_directory_is_a_diagnostic_not_a_crash() {
    let dir = beside_a_key(69);
    deep_directories(dir.path(), 5_000, "deep.env", &format!("OKX_SECRET_KEY={}\n", synthetic_hex32(70)));
    let v = scan_hostile(dir.path(), &[], 1);
    let io: Vec<&serde_json::Value> =
        v["findings"].as_array().expect("findings").iter().filter(|f| f["rule"] == "io-error").collect();
    assert_eq!(io.len(), 1, "one diagnostic where the path gets too long");
    assert!(io[0]["message"].as_str().is_some_and(|m| m.chars().count() <= 1001), "messages are clipped");
}

#[cfg(unix)]
#[test]
fn names_with_newlines_invalid_utf8_and_a_leading_dash_are_scanned_and_printed_escaped() {
    use std::os::unix::ffi::OsStrExt;
    let dir = beside_a_key(71);
    let names: [&[u8]; 3] = [b"a\nb.env", b"caf\xe9.env", b"-n.env"];
    for (i, name) in names.iter().enumerate() {
        let path = dir.path().join(std::ffi::OsStr::from_bytes(name));
        std::fs::write(path, format!("OKX_SECRET_KEY={}\n", synthetic_hex32(72 + i as u64))).expect("write");
    }
    let v = scan_hostile(dir.path(), &[], 1);
    let paths: Vec<String> = locations(&v).into_iter().map(|l| l.1).collect();
    assert_eq!(paths, vec!["-n.env", "a\\x0Ab.env", "caf\\xE9.env", "normal.env"]);
    // A leading dash is a path after `--`, as for any command.
    let b = run_bounded(dir.path(), &["scan", "--format", "json", "--", "-n.env"], LIMIT);
    assert_eq!(b.code, Some(1), "{}", b.stderr);
    assert_eq!(locations(&b.json()), vec![("okx-secret-key".into(), "-n.env".into(), 1, 16)]);
}

/// A file that changed size between the walk and the read: scanned as it is when read.
#[test]
fn a_file_truncated_or_grown_during_the_scan_is_read_as_it_is() {
    use keylint::detect::DetectorSet;
    use keylint::scan::{scan, ScanContext};
    use keylint::source::{Artifact, Content, Provenance};
    let dir = beside_a_key(73);
    let detectors = DetectorSet::load(&[], &Default::default()).expect("built-in rules load");
    let ctx = ScanContext::new(&detectors, None, 1_000, false);
    std::fs::write(dir.path().join("grown.env"), "#".repeat(2_000)).expect("write");
    let artifact = |name: &str, size: u64| Artifact {
        path: name.into(),
        content: Content::OnDisk { size },
        provenance: Provenance::File(dir.path().join(name)),
        changed_lines: None,
        revised: None,
        current: true,
    };
    // The walk saw 900 bytes (the file was truncated since) / 10 bytes (it grew past the limit).
    let (findings, summary) = scan(&[artifact("normal.env", 900), artifact("grown.env", 10)], &ctx);
    assert_eq!(
        findings.iter().map(|f| (f.rule.as_str(), f.path.as_str())).collect::<Vec<_>>(),
        vec![("okx-secret-key", "normal.env")]
    );
    assert_eq!(summary.skipped.get("too-large"), Some(&1));
}

#[test]
fn a_malformed_keylint_toml_found_by_walking_up_exits_2() {
    let dir = beside_a_key(74);
    std::fs::write(dir.path().join(".keylint.toml"), "[scan\nexclude = [\"vendor/**\"]\n").expect("write");
    let b = run_bounded(dir.path(), &["scan", "."], LIMIT);
    assert_eq!(b.code, Some(2));
    assert!(b.stderr.contains(".keylint.toml"), "{}", b.stderr);
    assert!(b.stderr.contains("[.keylint.toml:1:6]") || b.stderr.contains(".keylint.toml:1:"), "{}", b.stderr);
}

#[test]
fn a_rule_with_an_invalid_regex_exits_2_naming_the_rule() {
    let dir = beside_a_key(75);
    let rules = tempfile::tempdir().expect("tmp");
    std::fs::write(
        rules.path().join("bad.yaml"),
        "exchange: okx\nrules:\n  - id: acme-secret\n    part: secret\n    description: d\n    value: '[0-9A-F{32}'\n    help: h\n",
    )
    .expect("write");
    let b = run_bounded(dir.path(), &["scan", ".", "--rules", &rules.path().to_string_lossy()], LIMIT);
    assert_eq!(b.code, Some(2));
    assert!(b.stderr.contains("rule `acme-secret`: `value` does not compile"), "{}", b.stderr);
    assert!(b.stderr.contains("bad.yaml:3:"), "points at the rule: {}", b.stderr);
}

#[test]
fn a_rule_file_with_10k_rules_loads_and_scans() {
    let dir = beside_a_key(76);
    let rules = tempfile::tempdir().expect("tmp");
    let mut text = String::from("exchange: okx\nrules:\n");
    for i in 0..10_000 {
        text.push_str(&format!(
            "  - id: acme-{i}-secret\n    part: secret\n    description: ACME {i} secret\n    value: '[0-9A-F]{{{}}}'\n    names: '(?i)acme_{i}_secret'\n    keywords: [acme-{i}]\n    help: rotate it\n",
            32 + i % 3
        ));
    }
    std::fs::write(rules.path().join("many.yaml"), text).expect("write");
    std::fs::write(dir.path().join("acme.env"), format!("# acme-9999\nOKX_ACME_9999_SECRET={}\n", synthetic_hex32(77)))
        .expect("write");
    // Exit 1, not 2: the loader accepted all 10,000 rules. Which rule reports the key (the user
    // rule or the built-in okx-secret-key) is the detection engine's choice.
    let v = scan_hostile(dir.path(), &["--rules", &rules.path().to_string_lossy()], 1);
    let at = locations(&v).into_iter().find(|l| (l.1.as_str(), l.2, l.3) == ("acme.env", 2, 22));
    assert!(at.is_some_and(|l| l.0 == "acme-9999-secret" || l.0 == "okx-secret-key"), "{:?}", locations(&v));
}
