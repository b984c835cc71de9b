//! Pipeline behaviour reached through the library: unreadable and oversized artifacts.

use keylint::detect::DetectorSet;
use keylint::scan::{scan, ScanContext};
use keylint::source::{Artifact, Content, Provenance};
use std::collections::BTreeSet;

#[test]
fn unreadable_and_oversized_files_never_stop_the_scan() {
    let detectors = DetectorSet::load(&[], &BTreeSet::new()).expect("built-in rules load");
    let ctx = ScanContext::new(&detectors, None, 16, false);
    let artifacts = vec![
        Artifact {
            path: "a/locked.env".into(),
            content: Content::Unreadable("Permission denied (os error 13)".into()),
            provenance: Provenance::Stdin,
            changed_lines: None,
            revised: None,
            current: true,
        },
        Artifact {
            path: "b/huge.txt".into(),
            content: Content::Bytes(vec![b'x'; 17]),
            provenance: Provenance::Stdin,
            changed_lines: None,
            revised: None,
            current: true,
        },
        Artifact {
            path: "c/ok.txt".into(),
            content: Content::Bytes(b"hello".to_vec()),
            provenance: Provenance::Stdin,
            changed_lines: None,
            revised: None,
            current: true,
        },
    ];
    let (findings, summary) = scan(&artifacts, &ctx);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].rule, "io-error");
    assert_eq!(findings[0].path, "a/locked.env");
    assert!(findings[0].message.contains("Permission denied"));
    assert_eq!(summary.files_scanned, 1);
    assert_eq!(summary.skipped.get("too-large"), Some(&1));
}

#[test]
fn every_builtin_rule_passes_its_examples() {
    let detectors = DetectorSet::load(&[], &BTreeSet::new()).expect("built-in rules load");
    let failures = detectors.run_examples(false);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Every exchange in the table has detectors.
    for (idx, ex) in detectors.exchanges.exchanges.iter().enumerate() {
        assert!(detectors.rules.iter().any(|r| r.exchange == Some(idx)), "no detector for {}", ex.slug);
    }
}
