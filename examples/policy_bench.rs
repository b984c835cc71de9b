//! Measures the policy stage's cost on a source tree: `wants` on every file, `check` on the
//! wanted ones. `cargo run --release --example policy_bench -- DIR`.

use keylint::decode::{is_binary, Document};
use keylint::policy::{PolicyConfig, PolicySet};
use std::time::{Duration, Instant};

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| ".".into());
    let set = PolicySet::load(&[], &PolicyConfig::default()).expect("built-in policies");
    let today = keylint::policy::Date::today();
    let (mut files, mut bytes, mut wanted, mut findings) = (0u64, 0u64, 0u64, 0u64);
    let (mut t_wants, mut t_check) = (Duration::ZERO, Duration::ZERO);
    let walk = ignore::WalkBuilder::new(&dir).hidden(false).git_ignore(false).build();
    for entry in walk.flatten() {
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let Ok(data) = std::fs::read(entry.path()) else { continue };
        if is_binary(&data) {
            continue;
        }
        let Ok(text) = std::str::from_utf8(&data) else { continue };
        let rel = entry.path().strip_prefix(&dir).unwrap_or(entry.path()).to_string_lossy().replace('\\', "/");
        files += 1;
        bytes += data.len() as u64;
        let t = Instant::now();
        let want = set.wants(&rel, &data);
        t_wants += t.elapsed();
        if want {
            wanted += 1;
            let t = Instant::now();
            findings += set.check(&rel, &Document::new(text), today).len() as u64;
            t_check += t.elapsed();
        }
    }
    println!(
        "{files} files, {} MB; wanted {wanted}; findings {findings}; wants {:?}; check {:?}",
        bytes / 1_000_000,
        t_wants,
        t_check
    );
}
