//! hummingbot connector files `conf/connectors/<connector>.yml`: `<connector>_api_key`,
//! `<connector>_secret_key` / `_api_secret`. Encrypted values (hex of a V3 keystore JSON) are
//! "encrypted", plaintext values are literals.

use super::{push_inferred, Extraction, Part, Spanned};
use crate::exchanges::ExchangeTable;
use crate::syntax::{self, Format, Kind};

pub fn matches(path: &str) -> bool {
    path.contains("conf/connectors/") && (path.ends_with(".yml") || path.ends_with(".yaml"))
}

pub fn extract(path: &str, text: &str, table: &ExchangeTable, out: &mut Extraction) {
    let file = path.rsplit('/').next().unwrap_or(path);
    let stem = file.split('.').next().unwrap_or(file);
    let vocab = crate::bindings::names::Vocabulary::get();
    let Some(slug) = vocab
        .exchange_in(&crate::bindings::names::tokens(stem), false)
        .map(|e| vocab.exchanges.exchanges[e].slug.clone())
    else {
        return;
    };
    let slug = table.resolve(&slug).unwrap_or(&slug).to_string();
    let Ok(docs) = syntax::parse(Format::Yaml, text) else {
        return;
    };
    for doc in &docs {
        for e in doc.entries() {
            let Kind::Str(v) = &e.value.kind else {
                continue;
            };
            let part = match vocab.classify(&e.key).part {
                Some(crate::part::Part::ApiKey) => Part::ApiKey,
                Some(crate::part::Part::Passphrase) => Part::Passphrase,
                Some(_) => Part::Secret,
                None => continue,
            };
            let var = Spanned::new(e.key.clone(), e.key_start, e.key_end);
            push_inferred(out, "hummingbot", &slug, part, var, Spanned::new(v.clone(), e.value.start, e.value.end));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encrypted_values_are_not_literals() {
        let text = "connector: gate_io\ngate_io_api_key: 7b2263727970746f223a7b\ngate_io_secret_key: 7b2263727970746f223a7b7d\n";
        let mut out = Extraction::default();
        extract("bot/conf/connectors/gate_io.yml", text, &ExchangeTable::builtin(), &mut out);
        assert_eq!(out.declarations.len(), 1);
        assert_eq!(out.declarations[0].str("exchange").unwrap().value, "gate");
        assert_eq!(out.declarations[0].str("secret_source").unwrap().value, "encrypted");
    }
}
