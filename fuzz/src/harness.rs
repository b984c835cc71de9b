//! What each fuzz target checks, shared with `tests/fuzz_regressions.rs` (which replays the
//! committed crash inputs under `fuzz/regressions/<target>/`). Every function panics on a
//! broken invariant, which is what the fuzzer reports.

use keylint::detect::{DetectorSet, RuleSource};
use keylint::diagnostic::Finding;
use keylint::policy::{Date, Policy, PolicyChecker, PolicyConfig, PolicySet};
use keylint::report::{
    github::Github, human::HumanReporter, json::JsonReporter, jsonl::JsonlReporter, sarif::Sarif, Report, Reporter,
    Summary,
};
use keylint::scan::{scan, ScanContext};
use keylint::source::{Artifact, Content, Provenance};
use keylint::syntax::{Format, Kind, Node};
use std::collections::BTreeSet;
use std::sync::OnceLock;

/// A synthetic secret (random hex of an OKX secret's shape) planted in every pipeline input.
pub const PLANTED: &str = "5B0E8C93A4F1D62E7B08C5A9F3D1E470";

/// Where in its input the fuzzer puts the planted secret: every `$S` becomes it.
const MARKER: &[u8] = b"$S";

/// File names the pipeline input is scanned as (the first byte picks one): each reaches a
/// different part of detection and extraction.
const PATHS: [&str; 12] = [
    ".env",
    "deploy/exchange-keys.yaml",
    "keys.exchange-keys.toml",
    "exchange-keys.json",
    "user_data/config.json",
    "bot/ccxt_bot.py",
    "k8s/secret.yaml",
    "docker-compose.yml",
    ".github/workflows/deploy.yml",
    "charts/bot/values.yaml",
    "conf/okx.toml",
    "notes.txt",
];

fn detectors() -> &'static DetectorSet {
    static SET: OnceLock<DetectorSet> = OnceLock::new();
    SET.get_or_init(|| DetectorSet::load(&[], &BTreeSet::new()).expect("built-in rules load"))
}

fn policies() -> &'static PolicySet {
    static SET: OnceLock<PolicySet> = OnceLock::new();
    SET.get_or_init(|| PolicySet::load(&[], &PolicyConfig::default()).expect("built-in policies load"))
}

fn today() -> Date {
    keylint::policy::parse_date("2026-11-22").expect("a date")
}

/// One pipeline context for the process, as in a real run (its token patterns compile once;
/// the checker's repo-wide state is drained by every scan).
fn context() -> &'static ScanContext<'static> {
    static CHECKER: OnceLock<PolicyChecker<'static>> = OnceLock::new();
    static CTX: OnceLock<ScanContext<'static>> = OnceLock::new();
    let checker = CHECKER.get_or_init(|| PolicyChecker::new(policies(), today()));
    CTX.get_or_init(|| ScanContext::new(detectors(), Some(checker), 10 << 20, false))
}

/// A span parser: no panic; every node and key span ordered, inside the text, on char
/// boundaries.
pub fn syntax(format: Format, data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(docs) = keylint::syntax::parse(format, &text) {
        for doc in &docs {
            check_node(&text, doc);
        }
    }
}

fn check_span(text: &str, start: usize, end: usize, what: &str) {
    assert!(start <= end && end <= text.len(), "{what} span {start}..{end} in {} bytes", text.len());
    assert!(text.is_char_boundary(start) && text.is_char_boundary(end), "{what} span {start}..{end} cuts a char");
}

fn check_node(text: &str, node: &Node) {
    check_span(text, node.start, node.end, "node");
    match &node.kind {
        Kind::Map(entries) => {
            for e in entries {
                check_span(text, e.key_start, e.key_end, "key");
                check_node(text, &e.value);
            }
        }
        Kind::Seq(items) => items.iter().for_each(|n| check_node(text, n)),
        _ => {}
    }
}

/// One file through the pipeline and every reporter: no panic, spans ordered and inside the
/// file, and no 8-character piece of the planted secret in any output whenever keylint found
/// it as a secret (then it must be masked everywhere it is shown). Returns whether that leak
/// check ran.
pub fn pipeline(data: &[u8]) -> bool {
    let Some((selector, body)) = data.split_first() else { return false };
    let path = PATHS[usize::from(*selector) % PATHS.len()];
    let mut bytes = Vec::with_capacity(body.len() + 64);
    let mut rest = body;
    while let Some(at) = rest.windows(MARKER.len()).position(|w| w == MARKER) {
        bytes.extend_from_slice(&rest[..at]);
        bytes.extend_from_slice(PLANTED.as_bytes());
        rest = &rest[at + MARKER.len()..];
    }
    bytes.extend_from_slice(rest);
    bytes.extend_from_slice(format!("\nOKX_SECRET_KEY=\"{PLANTED}\"\n").as_bytes());

    let artifact = Artifact {
        path: path.into(),
        content: Content::Bytes(bytes.clone()),
        provenance: Provenance::Stdin,
        changed_lines: None,
        revised: None,
        current: true,
    };
    let (findings, summary) = scan(std::slice::from_ref(&artifact), context());
    for f in &findings {
        check_finding(f, bytes.len());
    }
    let output = render_all(&findings, &summary);
    // Found as a secret anywhere in the file (what the scan itself decodes and detects)?
    let found = keylint::decode::decode(&bytes)
        .is_some_and(|d| detectors().scan_snippet(path, &d.text).iter().any(|c| c.value == PLANTED));
    if found {
        for i in 0..=PLANTED.len() - 8 {
            let piece = &PLANTED[i..i + 8];
            assert!(!output.contains(piece), "a piece of the planted secret is printed: …{piece}…");
        }
    }
    found
}

fn check_finding(f: &Finding, len: usize) {
    let ordered = |s: &keylint::diagnostic::Position, e: &keylint::diagnostic::Position, what: &str| {
        assert!(
            s.offset <= e.offset && e.offset <= len,
            "{what} {}..{} in {len} bytes ({})",
            s.offset,
            e.offset,
            f.rule
        );
        assert!((s.line, s.column) <= (e.line, e.column), "{what} ends before it starts ({})", f.rule);
    };
    ordered(&f.start, &f.end, "finding");
    for r in &f.related {
        ordered(&r.start, &r.end, "related span");
    }
    if let Some(ex) = &f.excerpt {
        assert!(ex.primary.0 <= ex.primary.1 && ex.primary.1 <= ex.text.len(), "excerpt label outside the excerpt");
    }
}

/// Every output format, the job summary and a baseline, concatenated.
fn render_all(findings: &[Finding], summary: &Summary) -> String {
    let report = Report { findings, summary, rules: &[], show_secrets: false, color: false, width: 100 };
    let reporters: [&dyn Reporter; 5] =
        [&HumanReporter { summary: true }, &JsonReporter, &JsonlReporter, &Sarif, &Github];
    let mut out = Vec::new();
    for r in reporters {
        r.write(&report, &mut out).expect("writing to memory cannot fail");
    }
    keylint::report::github::write_step_summary(&report, &mut out).expect("writing to memory cannot fail");
    out.extend_from_slice(keylint::filter::baseline::Baseline::create(findings).to_json().as_bytes());
    String::from_utf8_lossy(&out).into_owned()
}

/// A rule file, as a detector file and as a policy file: no panic; an error renders (bounded).
pub fn rules(data: &[u8]) {
    let text = String::from_utf8_lossy(data).into_owned();
    let origin = "rules/fuzz.yaml";
    // The CLI's guard before any YAML parser sees a rule file.
    if let Err(e) = keylint::rules_error::check_yaml_nesting(origin, &text) {
        render_error(&e);
        return;
    }
    // The user-file part of the loader first (cheap); the whole loader, built-in rules and
    // all, only for files that parse.
    match keylint::detect::rules::parse_file(origin, &text) {
        Err(e) => render_error(&e),
        Ok(_) => match DetectorSet::load(&[RuleSource { origin: origin.into(), text: text.clone() }], &BTreeSet::new())
        {
            Ok(set) => {
                let _ = set.run_examples(true);
            }
            Err(e) => render_error(&e),
        },
    }
    if let Err(e) = Policy::compile(origin, &text) {
        render_error(&e);
    }
}

/// A `.keylint.toml`: no panic; an error renders (bounded); `[policy]` and globs resolve.
pub fn config(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    match keylint::config::Config::parse(".keylint.toml", &text) {
        Ok(config) => {
            if let Some(table) = &config.policy {
                let _ = PolicyConfig::from_table(table);
            }
            for pattern in &config.scan.exclude {
                let _ = globset::Glob::new(pattern);
            }
            if let Some(fail_on) = &config.output.fail_on {
                let _ = fail_on.parse::<keylint::diagnostic::Severity>();
            }
        }
        Err(e) => render_error(&e),
    }
}

fn render_error(e: &keylint::rules_error::RuleError) {
    let handler = miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor());
    let mut out = String::new();
    handler.render_report(&mut out, e).expect("an error renders");
    assert!(out.len() < 64 * 1024, "an error message of {} bytes", out.len());
}
