//! `--format github`: workflow-command annotations with escaped properties, GitHub's per-level
//! cap, the job summary, and never a whole secret.

mod gitutil;

use gitutil::{fake_okx_secret, finding, keylint, Repo};
use keylint::diagnostic::Severity;
use keylint::report::github::{self, annotation, Github};
use keylint::report::{Report, Reporter, Summary};

fn render(findings: &[keylint::diagnostic::Finding]) -> String {
    let summary = Summary { findings: findings.len() as u64, files_scanned: 3, ..Default::default() };
    let report = Report { findings, summary: &summary, rules: &[], show_secrets: false, color: false, width: 100 };
    let mut out = Vec::new();
    Github.write(&report, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn single_line_annotation_has_every_property() {
    let f = finding("okx-secret-key", Severity::Error, "deploy/bot/.env", (4, 16), (4, 48));
    assert_eq!(
        annotation(&f),
        "::error file=deploy/bot/.env,line=4,endLine=4,col=16,endColumn=48,title=keylint okx-secret-key::\
         OKX API secret key committed in plain text (OKX_SECRET_KEY=E9E6…A1F0)%0A\
         help: revoke it at OKX, then load it from your secret manager"
    );
}

#[test]
fn multi_line_annotation_drops_columns_and_levels_map_to_commands() {
    let f = finding("okx-secret-key", Severity::Warning, "a.yaml", (2, 3), (5, 1));
    let line = annotation(&f);
    assert!(line.starts_with("::warning file=a.yaml,line=2,endLine=5,title=keylint okx-secret-key::"), "{line}");
    assert!(!line.contains("col="));
    let n = finding("okx-secret-key", Severity::Note, "a.yaml", (1, 1), (1, 2));
    assert!(annotation(&n).starts_with("::notice "));
}

#[test]
fn properties_and_message_are_escaped() {
    let mut f = finding("okx-secret-key", Severity::Error, "dir,with:odd%name/.env", (1, 1), (1, 5));
    f.message = "100% bad\r\nreally".into();
    let line = annotation(&f);
    assert!(line.contains("file=dir%2Cwith%3Aodd%25name/.env,"), "{line}");
    assert!(line.contains("::100%25 bad%0D%0Areally (OKX_SECRET_KEY=E9E6…A1F0)%0Ahelp: "), "{line}");
    assert_eq!(line.lines().count(), 1, "one command per line");
}

#[test]
fn at_most_ten_annotations_per_level_then_plain_lines() {
    let mut findings = Vec::new();
    for i in 0..12 {
        findings.push(finding("okx-secret-key", Severity::Error, &format!("e{i:02}.env"), (1, 1), (1, 2)));
    }
    for i in 0..3 {
        findings.push(finding("okx-secret-key", Severity::Warning, &format!("w{i}.env"), (1, 1), (1, 2)));
    }
    let out = render(&findings);
    assert_eq!(out.lines().filter(|l| l.starts_with("::error ")).count(), 10);
    assert_eq!(out.lines().filter(|l| l.starts_with("::warning ")).count(), 3);
    assert!(out.contains("keylint: 2 more finding(s) not annotated"), "{out}");
    assert!(out.contains("\ne10.env:1:1: error okx-secret-key: OKX API secret key committed in plain text\n"));
    assert!(out.contains("\ne11.env:1:1: error okx-secret-key:"));
}

#[test]
fn job_summary_is_a_markdown_table_with_every_finding() {
    let mut findings = Vec::new();
    for i in 0..15 {
        findings.push(finding("okx-secret-key", Severity::Error, &format!("a|b{i:02}.env"), (2, 5), (2, 9)));
    }
    let summary = Summary { findings: 15, files_scanned: 15, ..Default::default() };
    let report =
        Report { findings: &findings, summary: &summary, rules: &[], show_secrets: false, color: false, width: 100 };
    let mut out = Vec::new();
    github::write_step_summary(&report, &mut out).unwrap();
    let md = String::from_utf8(out).unwrap();
    assert!(md.starts_with("## keylint\n\n**15 finding(s)**"), "{md}");
    assert_eq!(md.lines().filter(|l| l.starts_with("| error |")).count(), 15);
    assert!(md.contains("| error | `okx-secret-key` | `a\\|b14.env:2:5` | OKX API secret key committed in plain text `OKX_SECRET_KEY=E9E6…A1F0` |"), "{md}");
}

#[test]
fn end_to_end_annotations_and_job_summary_never_hold_the_secret() {
    let key = fake_okx_secret("github-format");
    let mut repo = Repo::new();
    repo.write("svc/.env", &format!("X=1\nOKX_SECRET_KEY={key}\n"));
    repo.commit("add");
    let summary_file = repo.path().join("step-summary.md");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_keylint"))
        .args(["scan", "svc", "--hidden", "--format", "github"])
        .current_dir(repo.path())
        .env("GITHUB_STEP_SUMMARY", &summary_file)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        stdout.starts_with("::error file=svc/.env,line=2,endLine=2,col=16,endColumn=48,title=keylint okx-secret-key::"),
        "{stdout}"
    );
    let md = std::fs::read_to_string(&summary_file).unwrap();
    assert!(
        md.contains("| error | `okx-secret-key` | `svc/.env:2:16` |"),
        "paths relative to the repository root: {md}"
    );
    assert!(!stdout.contains(&key) && !md.contains(&key), "a whole secret leaked");
    // Without GITHUB_STEP_SUMMARY nothing else is written.
    let (code, _, _) = keylint(repo.path(), &["scan", "svc", "--hidden", "--format", "github"]);
    assert_eq!(code, 1);
}
