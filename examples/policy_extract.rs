//! Prints the declarations keylint reads from files: `cargo run --example policy_extract -- ROOT REL...`.
use keylint::policy::{PolicyConfig, PolicySet};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Ok(set) = PolicySet::load(&[], &PolicyConfig::default()) else { return };
    let Some(root) = args.first() else { return };
    for rel in &args[1..] {
        let Ok(text) = std::fs::read_to_string(format!("{root}/{rel}")) else { continue };
        let ex = set.extract(rel, &text);
        for d in &ex.declarations {
            let field = |f: &str| d.str(f).map(|s| s.value.clone()).unwrap_or_default();
            let secret = d.str("secret_ref").map(|s| &text[s.start..s.end]).unwrap_or("");
            let shown = if field("secret_source") == "literal" {
                keylint::diagnostic::redact(secret, false)
            } else {
                secret.to_string()
            };
            println!(
                "{rel}: {} {} name={} secret_source={} at {}",
                d.source,
                field("exchange"),
                field("name"),
                field("secret_source"),
                shown
            );
        }
        for p in &ex.problems {
            println!("{rel}: problem {} {}", p.kind, p.message);
        }
    }
}
