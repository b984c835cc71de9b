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

// enable after detection rewrite (issue 7): the exchange-context lookup in src/detect/scope.rs
// scans every mention for every value, so this line takes minutes (it is killed at the limit).
#[test]
#[ignore]
fn a_10mb_one_line_order_log_scans_in_linear_time() {
    assert_linear("orders.json", &order_records(), ",");
}

#[test]
fn a_10mb_line_of_separator_noise_scans_in_linear_time() {
    let unit = format!("{}{}\"okx\":", "]=".repeat(5), "=\"".repeat(5));
    let records: Vec<String> = (0..10_000_000 / (unit.len() * 4)).map(|_| unit.repeat(4)).collect();
    assert_linear("noise.txt", &records, "");
}
