//! Helm values files: credential keys under a key that names the exchange
//! (`binance: {apiSecret: …}`) or naming it themselves (`okxSecretKey: …`).

use super::{walk_credentials, Extraction};
use crate::exchanges::ExchangeTable;
use crate::syntax::{self, Format};

/// `values.yaml`, `values-prod.yaml`, `values.prod.yml`.
pub fn matches(file: &str) -> bool {
    file.starts_with("values") && (file.ends_with(".yaml") || file.ends_with(".yml"))
}

pub fn extract(text: &str, table: &ExchangeTable, out: &mut Extraction) {
    let Ok(docs) = syntax::parse(Format::Yaml, text) else {
        return;
    };
    for doc in &docs {
        walk_credentials(doc, table, "helm", &mut Vec::new(), 0, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_exchange_keys() {
        let text = "bot:\n  exchanges:\n    binance:\n      apiKey: \"\"\n      apiSecret: \"{{ .Values.secret }}\"\n";
        let mut out = Extraction::default();
        extract(text, &ExchangeTable::builtin(), &mut out);
        assert_eq!(out.declarations.len(), 1);
        assert_eq!(out.declarations[0].str("secret_source").unwrap().value, "reference");
    }
}
