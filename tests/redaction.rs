//! Redaction by value: synthetic keys planted in every position keylint may show text from
//! (a comment beside another finding, between the parts of one credential, a suppression, a
//! manifest field, a manifest that does not parse, history, the index, stdin, config and rule
//! errors); every output format, the job summary, the baseline file and stderr are searched
//! for any 8-character piece of each planted value.

mod gitutil;

use gitutil::fake_okx_secret;
use std::path::Path;
use std::process::{Command, Stdio};

/// A synthetic lower-case UUID (the shape of an OKX api key), derived from `label`.
fn fake_uuid(label: &str) -> String {
    let h = keylint::diagnostic::fingerprint(&["synthetic-uuid", label]);
    format!("{}-{}-4{}-a{}-{}", &h[0..8], &h[8..12], &h[13..16], &h[17..20], &h[20..32])
}

/// The shown form of a value: first and last 4 characters.
fn shown(value: &str) -> String {
    format!("{}…{}", &value[..4], &value[value.len() - 4..])
}

/// Runs keylint in `dir` with `args` (and `stdin`), returns (code, stdout + stderr).
fn keylint(dir: &Path, args: &[&str], stdin: Option<&str>, env: &[(&str, &Path)]) -> (i32, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_keylint"));
    cmd.args(args).current_dir(dir).env_remove("GITHUB_STEP_SUMMARY").env_remove("GIT_INDEX_FILE");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("keylint runs");
    if let Some(input) = stdin {
        use std::io::Write;
        child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write stdin");
    }
    let out = child.wait_with_output().expect("keylint finishes");
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

/// Every 8-character window of `value`.
fn pieces(value: &str) -> Vec<&str> {
    (0..=value.len().saturating_sub(8)).map(|i| &value[i..i + 8]).collect()
}

fn assert_no_piece(what: &str, output: &str, planted: &[(&str, String)]) {
    for (position, value) in planted {
        for piece in pieces(value) {
            assert!(
                !output.contains(piece),
                "{what}: a piece of the value planted in {position} ({}) is printed",
                shown(value)
            );
        }
    }
}

/// The exact repro of the issue: the api-key finding's snippet showed the secret found on the
/// line above, whole, because the comment is not part of any finding's span.
#[test]
fn a_secret_repeated_in_a_comment_is_masked_in_every_snippet() {
    let secret = fake_okx_secret("comment-repro");
    let key = fake_uuid("comment-repro");
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join(".env"),
        format!("OKX_SECRET_KEY={secret}\nOKX_API_KEY={key}  # pairs with secret {secret}\n"),
    )
    .expect("write");
    let (code, out) = keylint(dir.path(), &["scan", ".", "--format", "json", "--no-policies"], None, &[]);
    assert_eq!(code, 1, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let snippets: Vec<&str> =
        v["findings"].as_array().expect("findings").iter().map(|f| f["snippet"].as_str().unwrap_or("")).collect();
    assert_eq!(
        snippets,
        vec![
            format!("OKX_SECRET_KEY={}", shown(&secret)),
            format!("OKX_API_KEY={}  # pairs with secret {}", shown(&key), shown(&secret)),
        ]
    );
}

/// A secret in a comment between two parts of one credential, not found as a secret itself
/// (a comment has no name), is masked in the human excerpt because the okx secret pattern
/// accepts it.
#[test]
fn an_unreported_secret_between_two_parts_is_masked_in_the_excerpt() {
    let old = fake_okx_secret("between-old");
    let secret = fake_okx_secret("between-new");
    let key = fake_uuid("between");
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join(".env"),
        format!("OKX_API_KEY={key}\n# rotated 2026-03, old one was {old}\nOKX_SECRET_KEY={secret}\n"),
    )
    .expect("write");
    let (_, out) = keylint(dir.path(), &["scan", ".", "--no-policies", "-q"], None, &[]);
    assert!(out.contains(&format!(" 2 │ # rotated 2026-03, old one was {}\n", shown(&old))), "{out}");
    assert_no_piece("human", &out, &[("a comment", old), ("a value", secret), ("a value", key)]);
}

#[test]
fn suppression_and_manifest_snippets_are_masked() {
    let in_suppression = fake_okx_secret("suppression");
    let in_manifest = fake_okx_secret("manifest-list");
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join(".env"),
        format!("# keylint:allow okx-passphrase -- rotated, was {in_suppression}\nLOG_LEVEL=info\n"),
    )
    .expect("write");
    std::fs::write(
        dir.path().join("exchange-keys.yaml"),
        format!(
            "keys:\n  - name: okx-mm\n    exchange: okx\n    permissions: [read_only]\n    ip_allowlist: [11.22.33.10]\n    secret_ref: [\"{in_manifest}\"]\n    rotated: 2026-10-01\n"
        ),
    )
    .expect("write");
    let (_, out) = keylint(dir.path(), &["scan", ".", "--format", "json", "--today", "2026-11-22"], None, &[]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let by_rule = |rule: &str| -> Vec<String> {
        v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["rule"] == rule)
            .map(|f| f["snippet"].as_str().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(
        by_rule("unused-suppression"),
        vec![format!("keylint:allow okx-passphrase -- rotated, was {}", shown(&in_suppression))]
    );
    assert_eq!(by_rule("manifest-invalid"), vec![format!("[\"{}\"]", shown(&in_manifest))]);
    assert_no_piece("json", &out, &[("a suppression", in_suppression), ("a manifest list", in_manifest)]);
}
