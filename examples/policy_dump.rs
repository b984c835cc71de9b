//! Prints the policy findings for files under ROOT, one line each, or rendered the way the
//! human reporter shows them (`--human`, via miette):
//! `cargo run --example policy_dump -- [--human] ROOT REL...` (evaluated on 2026-11-22).

use keylint::decode::Document;
use keylint::diagnostic::Finding;
use keylint::policy::{parse_date, PolicyConfig, PolicySet};
use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode};
use std::fmt;

/// A finding as a miette diagnostic (the lead's human reporter does the same for the real run).
#[derive(Debug)]
struct Rendered {
    finding: Finding,
    src: NamedSource<String>,
}

impl fmt::Display for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl std::error::Error for Rendered {}

impl Diagnostic for Rendered {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.finding.rule))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            keylint::diagnostic::Severity::Error => miette::Severity::Error,
            keylint::diagnostic::Severity::Warning => miette::Severity::Warning,
            keylint::diagnostic::Severity::Note => miette::Severity::Advice,
        })
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.finding.help))
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.src)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let (s, e) = (self.finding.start.offset, self.finding.end.offset);
        Some(Box::new(std::iter::once(LabeledSpan::new(Some("here".into()), s, e - s))))
    }
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let human = args.first().is_some_and(|a| a == "--human");
    if human {
        args.remove(0);
    }
    let set = match PolicySet::load(&[], &PolicyConfig::default()) {
        Ok(set) => set,
        Err(e) => {
            eprintln!("{:?}", miette::Report::new(e));
            std::process::exit(2);
        }
    };
    let today = parse_date("2026-11-22").expect("constant date");
    let Some(root) = args.first() else {
        eprintln!("usage: policy_dump [--human] ROOT REL...");
        std::process::exit(2);
    };
    for rel in &args[1..] {
        let Ok(text) = std::fs::read_to_string(format!("{root}/{rel}")) else {
            eprintln!("cannot read {rel}");
            continue;
        };
        let doc = Document::new(&text);
        for f in set.check(rel, &doc, today) {
            if human {
                let mut out = String::new();
                let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor());
                let r = Rendered { src: NamedSource::new(rel, text.clone()), finding: f };
                if handler.render_report(&mut out, &r).is_ok() {
                    println!("{out}");
                }
            } else {
                println!(
                    "{} {} {}:{}:{} {:?} | {} | {}",
                    f.rule,
                    f.severity.as_str(),
                    f.path,
                    f.start.line,
                    f.start.column,
                    f.snippet,
                    f.message,
                    f.help
                );
            }
        }
    }
}
