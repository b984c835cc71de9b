//! ccxt constructors in Python / JavaScript / TypeScript:
//! `ccxt.binance({'apiKey': …, 'secret': …})`, `new ccxt.pro.okx({ secret: process.env.X })`.

use super::{classify_secret, Part};
use super::{push_classified, Extraction, Spanned};
use crate::exchanges::ExchangeTable;
use regex::Regex;
use std::sync::OnceLock;

/// Source files that may construct ccxt exchanges.
pub fn matches(file: &str) -> bool {
    [".py", ".js", ".ts", ".mjs", ".cjs"].iter().any(|e| file.ends_with(e))
}

fn constructor() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"ccxt(?:\.pro|\.async_support)?\.([a-z0-9_]+)\s*\(\s*\{").expect("constant pattern"))
}

fn field() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r#"["']?(apiKey|secret|password|privateKey)["']?\s*:\s*"#).expect("constant pattern"))
}

/// Longest object literal looked at, so a missing `}` cannot make the scan quadratic.
const MAX_OBJECT: usize = 4096;

pub fn extract(text: &str, table: &ExchangeTable, out: &mut Extraction) {
    if !text.contains("ccxt") {
        return;
    }
    for cap in constructor().captures_iter(text) {
        let (Some(id), Some(whole)) = (cap.get(1), cap.get(0)) else {
            continue;
        };
        let Some(slug) = table.resolve(id.as_str()).map(str::to_string) else {
            continue;
        };
        let body_start = whole.end();
        let body = object_body(&text[body_start..]);
        for f in field().captures_iter(body) {
            let (Some(name), Some(m)) = (f.get(1), f.get(0)) else {
                continue;
            };
            let part = match name.as_str() {
                "apiKey" => Part::ApiKey,
                "password" => Part::Passphrase,
                _ => Part::Secret,
            };
            let rest = &body[m.end()..];
            let expr_len = rest.find([',', '}', '\n']).unwrap_or(rest.len());
            let expr = rest[..expr_len].trim_end();
            let (value, vs, ve) = match expr.chars().next() {
                Some(q @ ('"' | '\'' | '`')) => {
                    let inner = &expr[1..];
                    let end = inner.find(q).unwrap_or(inner.len());
                    (inner[..end].to_string(), m.end() + 1, m.end() + 1 + end)
                }
                _ => (expr.to_string(), m.end(), m.end() + expr.len()),
            };
            if classify_secret(&value, name.as_str()).is_none() {
                continue;
            }
            // An unquoted value is code (`config.secret`, `settings.KEY`): the secret is elsewhere.
            let quoted = expr.starts_with(['"', '\'', '`']);
            let class = if quoted || super::env_reference(&value).is_some() {
                classify_secret(&value, name.as_str())
            } else {
                Some((format!("code:{value}"), "reference"))
            };
            let var = Spanned::new(
                format!("ccxt.{}.{}", id.as_str(), name.as_str()),
                body_start + name.start(),
                body_start + name.end(),
            );
            let value = Spanned::new(value, body_start + vs, body_start + ve);
            if let Some(class) = class {
                push_classified(out, "ccxt", &slug, part, var, value, class);
            }
        }
    }
}

/// The text up to the `}` that closes the constructor's object literal (nesting-aware).
fn object_body(text: &str) -> &str {
    let limit = text.len().min(MAX_OBJECT);
    let mut depth = 0usize;
    for (i, b) in text.as_bytes()[..limit].iter().enumerate() {
        match b {
            b'{' => depth += 1,
            b'}' if depth == 0 => return &text[..i],
            b'}' => depth -= 1,
            _ => {}
        }
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_and_js_constructors() {
        let py = "import ccxt, os\nex = ccxt.binance({'apiKey': os.environ['BINANCE_KEY'], 'secret': os.environ[\"BINANCE_SECRET\"]})\n";
        let mut out = Extraction::default();
        extract(py, &ExchangeTable::builtin(), &mut out);
        assert_eq!(out.declarations.len(), 1);
        assert_eq!(out.declarations[0].str("secret_ref").unwrap().value, "env:BINANCE_SECRET");
        let js = "const ex = new ccxt.pro.okx({\n  apiKey: 'k',\n  secret: 'literalsecret',\n})\n";
        let mut out = Extraction::default();
        extract(js, &ExchangeTable::builtin(), &mut out);
        let s = out.declarations[0].str("secret_ref").unwrap();
        assert_eq!(&js[s.start..s.end], "literalsecret");
        assert_eq!(out.declarations[0].str("secret_source").unwrap().value, "literal");
    }
}
