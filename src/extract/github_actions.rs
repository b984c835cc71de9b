//! GitHub Actions workflows: `env` maps at workflow, job and step level.

use super::{Extraction, Spanned};
use crate::exchanges::ExchangeTable;
use crate::syntax::{self, Format, Kind, Node};

/// `.github/workflows/*.yml`
pub fn matches(path: &str) -> bool {
    path.contains(".github/workflows/") && (path.ends_with(".yml") || path.ends_with(".yaml"))
}

pub fn extract(text: &str, table: &ExchangeTable, out: &mut Extraction) {
    let Ok(docs) = syntax::parse(Format::Yaml, text) else {
        return;
    };
    for doc in &docs {
        visit(doc, table, 0, out);
    }
}

fn visit(node: &Node, table: &ExchangeTable, depth: usize, out: &mut Extraction) {
    if depth > syntax::MAX_DEPTH {
        return;
    }
    for e in node.entries() {
        if e.key == "env" {
            for var in e.value.entries() {
                if let (Kind::Str(v), Some((slug, part))) = (&var.value.kind, super::exchange_in_name(table, &var.key))
                {
                    let name = Spanned::new(var.key.clone(), var.key_start, var.key_end);
                    super::push_inferred(
                        out,
                        "github-actions",
                        &slug,
                        part,
                        name,
                        Spanned::new(v.clone(), var.value.start, var.value.end),
                    );
                }
            }
        } else {
            visit(&e.value, table, depth + 1, out);
        }
    }
    for item in node.items() {
        visit(item, table, depth + 1, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_at_any_level() {
        let text = "on: push\njobs:\n  t:\n    steps:\n      - run: x\n        env:\n          KUCOIN_API_SECRET: ${{ secrets.KUCOIN_API_SECRET }}\n";
        let mut out = Extraction::default();
        extract(text, &ExchangeTable::builtin(), &mut out);
        assert_eq!(out.declarations.len(), 1);
        assert_eq!(out.declarations[0].str("secret_ref").unwrap().value, "env:KUCOIN_API_SECRET");
        assert_eq!(out.declarations[0].source, "github-actions");
    }
}
