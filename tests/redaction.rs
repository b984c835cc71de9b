//! Redaction by value: synthetic keys planted in every position keylint may show text from
//! (a comment beside another finding, between the parts of one credential, a suppression, a
//! manifest field, a manifest that does not parse, history, the index, stdin, config and rule
//! errors); every output format, the job summary, the baseline file and stderr are searched
//! for any 8-character piece of each planted value.

mod gitutil;

use gitutil::{fake_okx_secret, Repo};
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

/// Every position, every format, the baseline, the job summary and stderr.
#[test]
fn no_planted_value_leaves_keylint_in_any_output() {
    let mut planted: Vec<(&str, String)> = Vec::new();
    let mut plant = |position: &'static str, value: String| -> String {
        planted.push((position, value.clone()));
        value
    };
    let s_env = plant("a .env value", fake_okx_secret("all-env"));
    let u_env = plant("a .env api key", fake_uuid("all-env"));
    let u_pair = plant("the api key beside a comment", fake_uuid("all-pair"));
    let s_between = plant("a comment between two parts", fake_okx_secret("all-between"));
    let u_part = plant("the first part", fake_uuid("all-part"));
    let s_part = plant("the second part", fake_okx_secret("all-part"));
    let s_suppr = plant("a suppression comment", fake_okx_secret("all-suppression"));
    let s_list = plant("a manifest list", fake_okx_secret("all-list"));
    let s_name = plant("a manifest key name", fake_okx_secret("all-name"));
    let s_broken = plant("a manifest that does not parse", fake_okx_secret("all-broken"));
    let s_history = plant("a file deleted from history", fake_okx_secret("all-history"));
    let s_staged = plant("a staged file", fake_okx_secret("all-staged"));
    let s_stdin = plant("stdin", fake_okx_secret("all-stdin"));
    let s_config = plant("an invalid .keylint.toml", fake_okx_secret("all-config"));
    let s_rule = plant("an invalid rule file", fake_okx_secret("all-rule"));

    let mut repo = Repo::new();
    repo.write("old/.env", &format!("OKX_SECRET_KEY={s_history}\n"));
    repo.commit("add old");
    repo.git(&["rm", "-q", "old/.env"]);
    repo.write("app/.env", &format!("OKX_SECRET_KEY={s_env}\nOKX_API_KEY={u_env}\n"));
    repo.write("app/pair.env", &format!("OKX_SECRET_KEY={s_env}\nOKX_API_KEY={u_pair}  # pairs with secret {s_env}\n"));
    repo.write(
        "svc/.env",
        &format!("OKX_API_KEY={u_part}\n# the old secret was {s_between}, rotated\nOKX_SECRET_KEY={s_part}\n"),
    );
    repo.write("ops/.env", &format!("# keylint:allow okx-passphrase -- rotated, was {s_suppr}\nLOG_LEVEL=info\n"));
    repo.write(
        "keys/exchange-keys.yaml",
        &format!(
            "keys:\n  - name: okx-mm\n    exchange: okx\n    permissions: [read_only]\n    ip_allowlist: [11.22.33.10]\n    secret_ref: [\"{s_list}\"]\n    rotated: 2026-10-01\n  - name: {s_name}\n    exchange: okx\n    permissions: [read_only, withdraw]\n    secret_ref: vault:kv/okx\n"
        ),
    );
    repo.write(
        "broken/exchange-keys.yaml",
        &format!(
            "keys:\n  - name: okx-bad\n    exchange: okx\n    secret_ref: {s_broken}\n    permissions: [read_only\n"
        ),
    );
    repo.commit("tree");
    repo.write("new/.env", &format!("OKX_SECRET_KEY={s_staged}\n"));
    repo.git(&["add", "new/.env"]);
    let dir = repo.path();
    let summary = dir.join("summary.md");
    let sarif_file = dir.join("side.sarif");

    let mut all = String::new();
    let modes: [&[&str]; 4] =
        [&["scan", "."], &["scan", ".", "--history"], &["scan", ".", "--staged"], &["scan", ".", "--diff", "HEAD~1"]];
    for mode in modes {
        for format in ["human", "json", "jsonl", "sarif", "github"] {
            let mut args = mode.to_vec();
            args.extend(["--format", format, "--today", "2026-11-22"]);
            let sarif = sarif_file.to_string_lossy().into_owned();
            args.extend(["--sarif-output", &sarif]);
            let (code, out) = keylint(dir, &args, None, &[("GITHUB_STEP_SUMMARY", &summary)]);
            assert_eq!(code, 1, "{mode:?} {format} finds something: {out}");
            assert_no_piece(&format!("{mode:?} --format {format}"), &out, &planted);
            all.push_str(&out);
            all.push_str(&std::fs::read_to_string(&sarif_file).unwrap_or_default());
        }
    }
    let (code, out) = keylint(
        dir,
        &["scan", "-", "--stdin-filename", "deploy/.env", "--format", "json"],
        Some(&format!("OKX_SECRET_KEY={s_stdin}\n# copy: {s_stdin}\n")),
        &[],
    );
    assert_eq!(code, 1, "{out}");
    all.push_str(&out);
    let baseline = dir.join("baseline.json");
    let (code, out) = keylint(dir, &["baseline", "create", "-o", &baseline.to_string_lossy()], None, &[]);
    assert_eq!(code, 0, "{out}");
    all.push_str(&out);
    all.push_str(&std::fs::read_to_string(&baseline).expect("baseline written"));
    all.push_str(&std::fs::read_to_string(&summary).expect("job summary written"));

    std::fs::write(dir.join("bad.toml"), format!("[scan]\nmax_file_size = \"{s_config}\"\n")).expect("write");
    let (code, out) = keylint(dir, &["scan", ".", "--config", "bad.toml"], None, &[]);
    assert_eq!(code, 2, "{out}");
    all.push_str(&out);
    std::fs::create_dir_all(dir.join("rules")).expect("mkdir");
    std::fs::write(
        dir.join("rules/bad.yaml"),
        format!("rules:\n  - id: x\n    part: secret\n    description: d\n    value: '[{s_rule}'\n    help: h\n"),
    )
    .expect("write");
    let (code, out) = keylint(dir, &["scan", ".", "--rules", "rules"], None, &[]);
    assert_eq!(code, 2, "{out}");
    all.push_str(&out);

    assert_no_piece("some output", &all, &planted);
    // The search is meaningful: the shown forms are there, and --show-secrets prints values.
    assert!(all.contains(&shown(&s_env)) && all.contains(&shown(&s_between)), "redacted forms are shown");
    let (_, out) = keylint(dir, &["scan", ".", "--show-secrets"], None, &[]);
    assert!(out.contains(&s_env) && out.contains(&s_between));
}
