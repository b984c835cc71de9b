//! docker-compose files: `services.<name>.environment` as a map or a `NAME=value` list.

use super::{push_assignment, walk_credentials, Extraction};
use crate::exchanges::ExchangeTable;
use crate::syntax::{self, Format, Kind};

/// `docker-compose.yml`, `compose.prod.yaml`, …
pub fn matches(file: &str) -> bool {
    (file.starts_with("docker-compose") || file.starts_with("compose"))
        && (file.ends_with(".yml") || file.ends_with(".yaml"))
}

pub fn extract(text: &str, table: &ExchangeTable, out: &mut Extraction) {
    let Ok(docs) = syntax::parse(Format::Yaml, text) else {
        return;
    };
    for doc in &docs {
        for service in doc.get("services").map(|s| s.entries()).unwrap_or(&[]) {
            let Some(env) = service.value.get("environment") else {
                continue;
            };
            match &env.kind {
                Kind::Seq(items) => {
                    for item in items {
                        if let Kind::Str(s) = &item.kind {
                            // The item's text starts after an opening quote, if any.
                            let raw = &text[item.start..item.end];
                            let offset = item.start + usize::from(raw.starts_with(['"', '\'']));
                            push_assignment(out, "compose", table, s, offset);
                        }
                    }
                }
                Kind::Map(_) => walk_credentials(env, table, "compose", &mut super::words(&service.key), 0, out),
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_and_map_environments() {
        let text = "services:\n  bot:\n    environment:\n      - OKX_SECRET_KEY=${OKX_SECRET_KEY}\n  mm:\n    environment:\n      BYBIT_API_SECRET: hardcoded\n";
        let mut out = Extraction::default();
        extract(text, &ExchangeTable::builtin(), &mut out);
        assert_eq!(out.declarations.len(), 2);
        let okx = &out.declarations[0];
        assert_eq!(okx.str("secret_ref").unwrap().value, "env:OKX_SECRET_KEY");
        let s = okx.str("secret_ref").unwrap();
        assert_eq!(&text[s.start..s.end], "${OKX_SECRET_KEY}");
        assert_eq!(out.declarations[1].str("secret_source").unwrap().value, "literal");
    }
}
