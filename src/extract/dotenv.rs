//! `.env` files: `EXCHANGE_API_SECRET=value` lines (optionally `export`-prefixed).

use super::{push_assignment, Extraction};
use crate::exchanges::ExchangeTable;

/// `.env`, `.env.production`, `prod.env`.
pub fn is_dotenv(file: &str) -> bool {
    file == ".env" || file.starts_with(".env.") || file.ends_with(".env")
}

pub fn extract(text: &str, table: &ExchangeTable, out: &mut Extraction) {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let trimmed = body.trim_start();
        if !trimmed.starts_with('#') {
            let lead = body.len() - trimmed.len();
            let (body, lead) = match trimmed.strip_prefix("export ") {
                Some(rest) => (rest, lead + 7),
                None => (trimmed, lead),
            };
            push_assignment(out, "dotenv", table, body, offset + lead);
        }
        offset += line.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn infers_exchange_and_secret_location() {
        let text = "# bot\nexport BINANCE_API_KEY=${BINANCE_KEY}\nBINANCE_API_SECRET=\"abc123\"\nLOG=1\n";
        let mut out = Extraction::default();
        extract(text, &ExchangeTable::builtin(), &mut out);
        assert_eq!(out.declarations.len(), 1);
        let d = &out.declarations[0];
        assert_eq!(d.str("secret_source").unwrap().value, "literal");
        let s = d.str("secret_ref").unwrap();
        assert_eq!(&text[s.start..s.end], "abc123");
        assert_eq!(d.str("exchange").unwrap().value, "binance");
        assert!(!d.is_known("permissions"));
    }
}
