//! freqtrade `config.json`: the `exchange` block (`name`, `key`, `secret`, `password`, and
//! `ccxt_config` overrides). An empty secret means the `FREQTRADE__EXCHANGE__SECRET` env override.

use super::{Declaration, Extraction, Spanned, INFERRED_KNOWN};
use crate::exchanges::ExchangeTable;
use crate::syntax::{self, Format, Kind};

pub fn extract(text: &str, table: &ExchangeTable, out: &mut Extraction) {
    if !text.contains("\"exchange\"") {
        return;
    }
    let Ok(docs) = syntax::parse(Format::Json, text) else {
        return;
    };
    let Some(exchange) = docs.first().and_then(|d| d.get("exchange")) else {
        return;
    };
    let Some(name) = exchange.get("name").filter(|n| matches!(n.kind, Kind::Str(_))) else {
        return;
    };
    let name_text = name.as_str().unwrap_or("").trim();
    // freqtrade's template (`"name": ""`) and placeholders declare no key.
    if name_text.is_empty() || super::is_placeholder(name_text) {
        return;
    }
    let mut d = Declaration::new("freqtrade", exchange.start, exchange.end, INFERRED_KNOWN);
    // Keep the written name: `exchange-unknown` must see a venue the table does not know.
    let slug = table.resolve(name_text).unwrap_or(name_text);
    d.set_str("exchange", slug.to_string(), name.start, name.end);
    d.set_str("name", format!("freqtrade:{name_text}"), name.start, name.end);
    let secret = exchange.get("secret").or_else(|| exchange.get("ccxt_config").and_then(|c| c.get("secret")));
    if let Some(s) = secret {
        match s.as_str().and_then(|v| super::classify_secret(v, "secret")) {
            Some((r, source)) => {
                d.set_str("secret_ref", r, s.start, s.end);
                d.set_str("secret_source", source.to_string(), s.start, s.end);
                d.strings.push(("secret".into(), Spanned::new(s.as_str().unwrap_or("").to_string(), s.start, s.end)));
            }
            None => {
                d.set_str("secret_ref", "env:FREQTRADE__EXCHANGE__SECRET".into(), s.start, s.end);
                d.set_str("secret_source", "reference".into(), s.start, s.end);
            }
        }
    }
    out.declarations.push(d);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_exchange_block() {
        let text = r#"{"max_open_trades": 3, "exchange": {"name": "okx", "key": "", "secret": "", "password": ""}}"#;
        let mut out = Extraction::default();
        extract(text, &ExchangeTable::builtin(), &mut out);
        let d = &out.declarations[0];
        assert_eq!(d.str("exchange").unwrap().value, "okx");
        assert_eq!(d.str("secret_source").unwrap().value, "reference");
        let e = d.str("exchange").unwrap();
        assert_eq!(&text[e.start..e.end], "\"okx\"");
    }
}
