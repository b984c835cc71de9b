//! A panic inside a scan worker: the file becomes an `internal-error` finding, the other files
//! are still scanned, and neither the finding nor the panic hook prints the panic's message
//! (which, like a failed string slice, may quote the file).
//!
//! The scan runs in a child process (this test binary, re-run on one test) so that the hook's
//! stderr can be read.

use keylint::decode::Document;
use keylint::detect::DetectorSet;
use keylint::diagnostic::Finding;
use keylint::scan::{scan, DeclarationChecker, ScanContext};
use keylint::source::{Artifact, Content, Provenance};
use std::collections::BTreeSet;

const CHILD: &str = "KEYLINT_PANIC_TEST_CHILD";
const SECRET: &str = "9F3C27A0D1B84E65C0A7F2193E8D4B61";

/// Panics on `boom.env` with a message that quotes the file, as a slicing bug would.
struct PanickingChecker;

impl DeclarationChecker for PanickingChecker {
    fn wants(&self, _: &str, _: &[u8]) -> bool {
        true
    }
    fn check(&self, path: &str, doc: &Document, _bindings: &keylint::bindings::FileBindings) -> Vec<Finding> {
        if path == "boom.env" {
            panic!("byte index 3 is not a char boundary of `{}`", doc.text);
        }
        Vec::new()
    }
}

fn artifact(path: &str, text: String) -> Artifact {
    Artifact {
        path: path.into(),
        content: Content::Bytes(text.into_bytes()),
        provenance: Provenance::Stdin,
        changed_lines: None,
        revised: None,
        current: true,
    }
}

/// The child: installs keylint's hook, scans, prints the findings as JSON.
#[test]
fn child_scan_with_a_panicking_worker() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    keylint::cli::panic::install();
    let detectors = DetectorSet::load(&[], &BTreeSet::new()).expect("built-in rules load");
    let checker = PanickingChecker;
    let ctx = ScanContext::new(&detectors, Some(&checker), 1 << 20, false);
    let artifacts = vec![
        artifact("a.env", "OKX_SECRET_KEY=5B0E8C93A4F1D62E7B08C5A9F3D1E470\n".into()),
        artifact("boom.env", format!("OKX_SECRET_KEY={SECRET}\n")),
        artifact("c.txt", "nothing here\n".into()),
    ];
    let (findings, summary) = scan(&artifacts, &ctx);
    println!("{}", serde_json::json!({"findings": findings, "files_scanned": summary.files_scanned}));
}

#[test]
fn a_panic_in_a_worker_is_an_error_finding_and_never_prints_the_file() {
    let out = std::process::Command::new(std::env::current_exe().expect("test binary"))
        .args(["--exact", "child_scan_with_a_panicking_worker", "--nocapture", "--test-threads", "1"])
        .env(CHILD, "1")
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("child runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the scan survives the panic: {stderr}");
    for piece in (0..=SECRET.len() - 8).map(|i| &SECRET[i..i + 8]) {
        assert!(!stdout.contains(piece) && !stderr.contains(piece), "a piece of the file is printed");
    }
    assert!(stderr.contains("keylint: internal error at tests/panic.rs:"), "{stderr}");
    assert!(stderr.contains("its message is not shown because it may quote scanned content"), "{stderr}");
    // libtest prints `test … ... ` before the child's line on the same stdout line.
    let at = stdout.find("{\"files_scanned\"").expect("child printed its findings");
    let line = stdout[at..].lines().next().unwrap_or_default();
    let v: serde_json::Value = serde_json::from_str(line).expect("json");
    let found: Vec<(&str, &str)> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| (f["rule"].as_str().unwrap_or(""), f["path"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(found, vec![("okx-secret-key", "a.env"), ("internal-error", "boom.env")]);
    assert_eq!(
        v["findings"][1]["message"],
        "keylint failed on this file (an internal error) and did not finish scanning it"
    );
    assert_eq!(v["findings"][1]["severity"], "error");
}
