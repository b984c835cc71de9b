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
