//! Replays the fuzz targets' seeds and committed crash inputs (`fuzz/seeds/<target>/`,
//! `fuzz/regressions/<target>/`) through the targets' own checks, so `cargo test` keeps every
//! fixed crash fixed without a nightly toolchain.

#[path = "../fuzz/src/harness.rs"]
mod harness;

use keylint::syntax::Format;
use std::path::PathBuf;

/// Every input file for `target`, sorted.
fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut out = Vec::new();
    for dir in [root.join("seeds").join(target), root.join("regressions").join(target)] {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_file() {
                let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                out.push((path, bytes));
            }
        }
    }
    out.sort();
    out
}

fn replay(target: &str, check: impl Fn(&[u8]), at_least: usize) {
    let inputs = inputs(target);
    assert!(inputs.len() >= at_least, "{target}: {} inputs", inputs.len());
    for (path, bytes) in inputs {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&bytes)));
        assert!(outcome.is_ok(), "{target} fails on {}", path.display());
    }
}

#[test]
fn syntax_targets() {
    replay("syntax_yaml", |d| harness::syntax(Format::Yaml, d), 5);
    replay("syntax_json", |d| harness::syntax(Format::Json, d), 2);
    replay("syntax_toml", |d| harness::syntax(Format::Toml, d), 2);
}

#[test]
fn pipeline_target() {
    replay(
        "pipeline",
        |d| {
            harness::pipeline(d);
        },
        10,
    );
    // The leak check is not vacuous: the planted secret is found (and so must be masked) in
    // almost every seed; only the UTF-16 one turns the appended ASCII line into other text.
    let checked = inputs("pipeline").iter().filter(|(_, bytes)| harness::pipeline(bytes)).count();
    assert!(checked >= 12, "the leak check ran on {checked} seeds");
}

#[test]
fn rule_loader_target() {
    replay("rule_loader", harness::rules, 2);
}

#[test]
fn config_loader_target() {
    replay("config_loader", harness::config, 1);
}
