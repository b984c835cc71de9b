//! The CLI conventions users bring from ruff, typos and gitleaks: shell completions and a man
//! page, colour control, `--isolated`, `--exclude`, `-v`, config errors with did-you-mean,
//! peer suppression markers, `explain` masking.

mod common;
use common::*;

#[test]
fn completions_for_every_shell_and_a_man_page() {
    let dir = tree(&[]);
    for (shell, marker) in [
        ("bash", "_keylint()"),
        ("zsh", "#compdef keylint"),
        ("fish", "complete -c keylint"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = run(dir.path(), &["completions", shell], None);
        assert_eq!(out.status.code(), Some(0), "{shell}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(text.contains(marker), "{shell}: {}", &text[..text.len().min(200)]);
        assert!(text.contains("staged") && text.contains("commits"), "{shell} completes scan's flags");
    }
    let out = run(dir.path(), &["completions", "tcsh"], None);
    assert_eq!(out.status.code(), Some(2), "an unknown shell is a usage error");

    let out = run(dir.path(), &["man"], None);
    assert_eq!(out.status.code(), Some(0));
    let page = stdout(&out);
    assert!(page.contains(&format!(".TH keylint 1  \"keylint {}\"", env!("CARGO_PKG_VERSION"))), "{page}");
    assert!(page.contains(".SH SUBCOMMANDS"), "{page}");
}

/// Runs `keylint args` in `dir` under a pseudo-terminal (Python's `pty`), with `env` set;
/// returns what the terminal showed.
fn under_pty(dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let script = "import os, pty, sys\nos.environ.pop('NO_COLOR', None)\nos.environ.pop('FORCE_COLOR', None)\n\
                  for kv in sys.argv[1].split('\\0'):\n    k, _, v = kv.partition('=')\n    if k: os.environ[k] = v\n\
                  out = bytearray()\ndef read(fd):\n    data = os.read(fd, 65536)\n    out.extend(data)\n    return data\n\
                  pty.spawn(sys.argv[2:], read)\nsys.stdout.buffer.write(bytes(out))\n";
    let vars: Vec<String> = env.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(vars.join("\0"))
        .arg(env!("CARGO_BIN_EXE_keylint"))
        .args(args)
        .current_dir(dir)
        .env("COLUMNS", "100")
        .output()
        .expect("python3 runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A file with one synthetic OKX secret (random upper-case hex, not a real key).
fn okx_tree() -> tempfile::TempDir {
    tree(&[("bot.env", "OKX_SECRET_KEY=3F2A9C1D7E5B8A0F6C4D2E9B1A7F3C5E\n")])
}

const ESC: &str = "\u{1b}[";

#[test]
fn colour_on_a_terminal_unless_no_color_or_never_and_forced_without_one() {
    let dir = okx_tree();
    let plain = under_pty(dir.path(), &["scan"], &[]);
    assert!(plain.contains("okx-secret-key"), "{plain}");
    assert!(plain.contains(ESC), "a terminal gets colour: {plain}");
    assert!(!under_pty(dir.path(), &["scan"], &[("NO_COLOR", "1")]).contains(ESC), "NO_COLOR");
    assert!(!under_pty(dir.path(), &["scan", "--color", "never"], &[]).contains(ESC), "--color never");
    assert!(under_pty(dir.path(), &["scan", "--color", "always"], &[("NO_COLOR", "1")]).contains(ESC));
    assert!(!under_pty(dir.path(), &["scan"], &[("FORCE_COLOR", "0")]).contains("\u{1b}[1m"));

    // Not a terminal: no colour, unless forced.
    let piped = run(dir.path(), &["scan"], None);
    assert!(!stdout(&piped).contains(ESC));
    let mut forced = keylint();
    forced.current_dir(dir.path()).args(["scan"]).env("FORCE_COLOR", "1").env_remove("NO_COLOR");
    assert!(String::from_utf8_lossy(&forced.output().unwrap().stdout).contains(ESC), "FORCE_COLOR");
    let mut both = keylint();
    both.current_dir(dir.path()).args(["scan"]).env("FORCE_COLOR", "1").env("NO_COLOR", "1");
    assert!(!String::from_utf8_lossy(&both.output().unwrap().stdout).contains(ESC), "NO_COLOR wins");
}

#[test]
fn help_text_wraps_at_the_width_without_splitting_urls() {
    let dir = okx_tree();
    for columns in ["60", "100", "200"] {
        let mut cmd = keylint();
        cmd.current_dir(dir.path())
            .args(["scan"])
            .env("COLUMNS", columns)
            .env_remove("NO_COLOR")
            .env_remove("FORCE_COLOR");
        let text = String::from_utf8_lossy(&cmd.output().unwrap().stdout).into_owned();
        let help: Vec<&str> = text
            .lines()
            .skip_while(|l| !l.trim_start().starts_with("help:"))
            .take_while(|l| !l.starts_with("scanned"))
            .collect();
        assert!(!help.is_empty(), "{text}");
        let width: usize = columns.parse().unwrap();
        for line in &help {
            let url = line.contains("https://");
            assert!(line.chars().count() <= width || url, "COLUMNS={columns}: {line:?} is wider");
            if let Some(at) = line.find("https://") {
                let url: String = line[at..].chars().take_while(|c| !c.is_whitespace()).collect();
                assert!(url.len() > "https://".len() + 3, "COLUMNS={columns}: the URL was split: {line:?}");
            }
        }
        if columns == "60" {
            assert!(help.len() >= 3, "narrow output wraps: {help:#?}");
        }
    }
}

#[test]
fn unknown_rule_ids_in_the_config_are_errors_with_did_you_mean() {
    for (config, message, hint) in [
        (
            "[rules]\ndisable = [\"okx-secret-kye\"]\n",
            "unknown rule id `okx-secret-kye` in [rules]",
            "did you mean `okx-secret-key`?",
        ),
        (
            "[rules.severity]\nkey-allows-withdrawal = \"note\"\n",
            "unknown rule id `key-allows-withdrawal` in [rules.severity]",
            "did you mean `key-allows-withdraw`?",
        ),
        ("[scan]\nexclud = [\"x\"]\n", "unknown field `exclud`, expected one of `exclude`", ""),
        // A usage file's id (rules/usage/ccxt.yaml) is no rule.
        ("[rules]\ndisable = [\"ccxt\"]\n", "unknown rule id `ccxt` in [rules]", ""),
    ] {
        let dir = tree(&[(".keylint.toml", config), ("a.env", "X=1\n")]);
        let out = run(dir.path(), &["scan", "--color", "never"], None);
        assert_eq!(out.status.code(), Some(2), "{config}");
        let err = stderr(&out).replace(['│', '\n'], " ").split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(err.contains(message), "{err}");
        assert!(err.contains(hint), "{err}");
        // --isolated ignores the config file altogether.
        let out = run(dir.path(), &["scan", "--isolated"], None);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    // Known ids (detectors, policies, pipeline diagnostics) and one spelling in both tables.
    let dir = tree(&[
        (
            ".keylint.toml",
            "[rules]\ndisable = [\"okx-secret-key\", \"unused-suppression\"]\n[rules.severity]\nkey-allows-withdraw = \"note\"\n[policy]\ndisable = [\"key-allows-transfer\"]\n",
        ),
        ("a.env", "X=1\n"),
    ]);
    let out = run(dir.path(), &["scan"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn exclude_on_the_command_line_adds_to_the_config_and_baseline_comes_from_it() {
    let secret = "OKX_SECRET_KEY=3F2A9C1D7E5B8A0F6C4D2E9B1A7F3C5E\n";
    let dir = tree(&[
        (".keylint.toml", "[scan]\nexclude = [\"vendor/**\"]\n"),
        ("vendor/a.env", secret),
        ("gen/b.env", secret),
        ("app/c.env", secret),
    ]);
    let paths = |args: &[&str]| -> Vec<String> {
        let out = run(dir.path(), args, None);
        locations(&json(&out)).into_iter().map(|l| l.1).collect()
    };
    assert_eq!(paths(&["scan", "--format", "json"]), ["app/c.env", "gen/b.env"]);
    assert_eq!(paths(&["scan", "--format", "json", "--exclude", "gen/**"]), ["app/c.env"]);
    assert_eq!(
        paths(&["scan", "--format", "json", "--exclude", "gen/**", "--exclude", "**/c.env"]),
        Vec::<String>::new()
    );
    assert_eq!(paths(&["scan", "--format", "json", "--isolated"]), ["app/c.env", "gen/b.env", "vendor/a.env"]);

    // `[output] baseline` (relative to the config file) is used without --baseline.
    let out = run(dir.path(), &["baseline", "create", "-o", "keys.baseline.json"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    std::fs::write(
        dir.path().join(".keylint.toml"),
        "[scan]\nexclude = [\"vendor/**\"]\n[output]\nbaseline = \"keys.baseline.json\"\n",
    )
    .unwrap();
    let out = run(dir.path(), &["scan", "--format", "json"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(json(&out)["summary"]["baselined"], 2);
}

#[test]
fn markers_from_other_scanners_and_configured_ones_suppress_and_are_counted() {
    // Synthetic random upper-case hex values, not real keys.
    let text = "OKX_SECRET_KEY=8D41C7A2E95B03F6D1287AC4B9E0F35D # gitleaks:allow\n\
                OKX_SECRET_KEY=2B7E9F14C06AD835E1F4972BC08D6A3E # pragma: allowlist secret\n\
                # pragma: allowlist nextline secret\n\
                OKX_SECRET_KEY=C5A03E8B71F94D26A0B7E31C9F58D42A\n\
                OKX_SECRET_KEY=6F1D94B2A7C08E35F2D6A19B4C73E08F # noqa: mock\n\
                OKX_SECRET_KEY=E0B4C7193A6F25D8B1E0947C2A5D3F86\n";
    let dir = tree(&[("bot.env", text)]);
    let out = run(dir.path(), &["scan", "--format", "json"], None);
    let v = json(&out);
    let lines: Vec<u64> = locations(&v).into_iter().map(|l| l.2).collect();
    assert_eq!(lines, [5, 6]);
    assert_eq!(v["summary"]["suppressed"], 3);

    std::fs::write(dir.path().join(".keylint.toml"), "[rules]\nallow_markers = [\"noqa: mock\"]\n").unwrap();
    let out = run(dir.path(), &["scan", "--format", "json"], None);
    let v = json(&out);
    let lines: Vec<u64> = locations(&v).into_iter().map(|l| l.2).collect();
    assert_eq!(lines, [6]);
    assert_eq!(v["summary"]["suppressed"], 4);
    let out = run(dir.path(), &["scan"], None);
    assert!(stdout(&out).contains("; 4 suppressed inline"), "{}", stdout(&out));
}

#[test]
fn explain_masks_example_values_but_keeps_the_names() {
    // A user rule replacing the built-in one, so the expected text does not depend on it.
    let rule = "exchange: okx\nrules:\n  - id: okx-secret-key\n    part: secret\n    description: OKX secret (test rule)\n    value: '[0-9A-F]{32}'\n    help: revoke it\n    examples:\n      - text: 'OKX_SECRET_KEY=08CBA24E1082BC6888E8AA844A65B862'\n        value: 08CBA24E1082BC6888E8AA844A65B862\n    negative_examples:\n      - 'OKX_SECRET_KEY=${OKX_SECRET_KEY}'\n  - id: okx-passphrase\n    part: passphrase\n    description: OKX passphrase (test rule)\n    value: '[A-Za-z]{10,}'\n    names: passphrase$\n    help: change it\n    examples:\n      - text: 'OKX_PASSPHRASE=CorrectHorseBattery'\n        value: CorrectHorseBattery\n";
    let dir = tree(&[("rules/okx.yaml", rule)]);
    let out = run(dir.path(), &["explain", "okx-secret-key", "--rules", "rules"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("\n    OKX_SECRET_KEY=08CB…B862\n"), "{text}");
    assert!(text.contains("\n    OKX_SECRET_KEY=${OKX_SECRET_KEY}\n"), "{text}");
    let out = run(dir.path(), &["explain", "okx-passphrase", "--rules", "rules"], None);
    let text = stdout(&out);
    assert!(text.contains("\n    OKX_PASSPHRASE=****\n"), "a word-like passphrase is masked too: {text}");
    assert!(!text.contains("CorrectHorseBattery"));
}

#[test]
fn baseline_create_refuses_report_flags() {
    let dir = tree(&[("a.env", "X=1\n")]);
    for flag in [&["--format", "json"][..], &["--fail-on", "error"], &["--show-secrets"], &["--sarif-output", "x"]] {
        let mut args = vec!["baseline", "create"];
        args.extend_from_slice(flag);
        let out = run(dir.path(), &args, None);
        assert_eq!(out.status.code(), Some(2), "{flag:?}");
        assert!(stderr(&out).contains(&format!("unexpected argument '{}'", flag[0])), "{}", stderr(&out));
    }
    let out = run(dir.path(), &["baseline", "create", "-o", "b.json", "--exclude", "x/**", "--no-policies"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "keylint: wrote 0 baseline entries to b.json\n");
}

#[test]
fn verbose_lists_every_skipped_file_with_its_reason() {
    let dir = tree(&[
        (".ignore", "build/\n"),
        ("build/out.env", "X=1\n"),
        (".hidden/a.env", "X=1\n"),
        ("vendor/lib.env", "X=1\n"),
        ("big.env", &"X=1\n".repeat(100)),
        ("app.env", "X=1\n"),
    ]);
    std::fs::write(dir.path().join("logo.png"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0").unwrap();
    let out = run(dir.path(), &["scan", "-v", "--no-hidden", "--exclude", "vendor/**", "--max-file-size", "100"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "keylint: skipped .hidden/a.env (hidden)\n\
         keylint: skipped .ignore (hidden)\n\
         keylint: skipped big.env (too-large)\n\
         keylint: skipped build/out.env (ignored by .gitignore/.ignore)\n\
         keylint: skipped logo.png (binary)\n\
         keylint: skipped vendor/lib.env (excluded)\n"
    );
    // Without -v: silence on stderr.
    let out = run(dir.path(), &["scan", "--no-hidden", "--exclude", "vendor/**", "--max-file-size", "100"], None);
    assert_eq!(stderr(&out), "");
}

#[test]
fn a_progress_line_on_a_terminal_only() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..4000 {
        std::fs::write(dir.path().join(format!("f{i}.env")), "OKX_SECRET_KEY=${OKX_SECRET_KEY}\n").unwrap();
    }
    // The delay is 1 s normally; 0 here so that a scan of a few hundred milliseconds shows it.
    let shown = under_pty(dir.path(), &["scan", "-j", "1"], &[("KEYLINT_PROGRESS_AFTER_MS", "0")]);
    assert!(shown.contains("\r\u{1b}[2Kkeylint: "), "{shown:?}");
    assert!(shown.contains(" files, ") && shown.contains(" findings so far"), "{shown:?}");
    assert!(shown.contains("scanned 4000 files"), "the summary follows: {shown:?}");
    // Not a terminal: nothing on stderr.
    let mut cmd = keylint();
    cmd.current_dir(dir.path()).args(["scan", "-j", "1"]).env("KEYLINT_PROGRESS_AFTER_MS", "0");
    let out = cmd.output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}
