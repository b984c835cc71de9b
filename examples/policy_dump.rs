//! Prints the policy findings for files: `cargo run --example policy_dump -- ROOT REL...`.
use keylint::decode::Document;
use keylint::policy::{parse_date, PolicyConfig, PolicySet};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let set = PolicySet::load(&[], &PolicyConfig::default()).expect("load");
    let today = parse_date("2026-11-22").expect("date");
    for rel in &args[1..] {
        let text = std::fs::read_to_string(format!("{}/{rel}", args[0])).expect("read");
        let doc = Document::new(&text);
        for f in set.check(rel, &doc, today) {
            let snippet = &text[f.start.offset..f.end.offset];
            println!("{} {:?} {}:{}:{} [{}] {} | {} | {}", f.rule, f.severity, f.path, f.start.line, f.start.column, snippet, f.message, f.help, f.snippet);
        }
    }
}
