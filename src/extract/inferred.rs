//! Declarations inferred from bindings: any credential-named value whose exchange its own name
//! or its structure tells (`.env` and compose `OKX_SECRET_KEY=…`, GitHub Actions `env:`, Helm
//! values `binance: {apiSecret: …}`, TOML `[exchange.gemini]`, `ccxt.okx({secret: …})` in code)
//! becomes an inferred key that knows its exchange and where its secret sits. The same bindings
//! and the same evidence as the detectors, restricted to structural evidence: a comment or a
//! path is not enough to declare a key.

use super::{classify_secret, env_reference, push_classified, Extraction, Part, Source, Spanned};
use crate::bindings::names::{self, Vocabulary};
use crate::bindings::{FileBindings, Role};
use crate::decode::Document;
use crate::detect::evidence::{FileEvidence, Source as Evidence};

/// `.env`, `.env.production`, `prod.env`.
pub fn is_dotenv(file: &str) -> bool {
    file == ".env" || file.starts_with(".env.") || file.ends_with(".env")
}

/// The dialect label of a file's inferred declarations.
pub fn source_of(path: &str) -> Source {
    let lower = path.to_ascii_lowercase();
    let file = lower.rsplit('/').next().unwrap_or(&lower);
    if is_dotenv(file) {
        "dotenv"
    } else if lower.contains(".github/workflows/") {
        "github-actions"
    } else if (file.starts_with("docker-compose") || file.starts_with("compose"))
        && (file.ends_with(".yml") || file.ends_with(".yaml"))
    {
        "compose"
    } else if file.starts_with("values") && (file.ends_with(".yaml") || file.ends_with(".yml")) {
        "helm"
    } else if [".py", ".js", ".ts", ".mjs", ".cjs"].iter().any(|e| file.ends_with(e)) {
        "ccxt"
    } else {
        "config"
    }
}

pub fn extract(path: &str, text: &str, fb: &FileBindings, out: &mut Extraction) {
    let v = Vocabulary::get();
    let doc = Document::new(text);
    let fe = FileEvidence::new(fb, text, doc.line_starts(), path, &[], None);
    let source = source_of(path);
    for (bi, b) in fb.bindings.iter().enumerate() {
        if !matches!(b.role, Role::Named | Role::Column) {
            continue;
        }
        let info = v.classify(&b.name);
        let (Some(part), false, false) = (info.part, info.excluded, info.foreign) else { continue };
        let Some(a) = fe.attribute(bi, info.exchange, info.weak) else { continue };
        if !matches!(a.source, Evidence::Name | Evidence::Sibling | Evidence::Parent | Evidence::Callee) {
            continue;
        }
        let part = match part {
            crate::part::Part::ApiKey => Part::ApiKey,
            crate::part::Part::Passphrase => Part::Passphrase,
            crate::part::Part::Secret | crate::part::Part::PrivateKey => Part::Secret,
        };
        let class = if b.literal {
            classify_secret(&b.value, &b.name)
        } else {
            // An expression in code: an environment read, or code that holds the secret elsewhere.
            match env_reference(&b.value) {
                Some(var) => Some((format!("env:{var}"), "reference")),
                None => Some((format!("code:{}", names::clip_name(&b.value)), "reference")),
            }
        };
        let Some(class) = class else { continue };
        let slug = v.exchanges.exchanges[a.exchange].slug.clone();
        let var = Spanned::new(b.name.clone(), b.name_start, b.name_start + b.name.len());
        let value = Spanned::new(b.value.clone(), b.start, b.end);
        push_classified(out, source, &slug, part, var, value, class);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn infer(path: &str, text: &str) -> Extraction {
        let fb = crate::bindings::collect(path, text);
        let mut out = Extraction::default();
        extract(path, text, &fb, &mut out);
        out
    }

    #[test]
    fn dotenv_and_compose() {
        let text = "# bot\nexport BINANCE_API_KEY=${BINANCE_KEY}\nBINANCE_API_SECRET=\"abc123\"\nLOG=1\n";
        let out = infer(".env", text);
        assert_eq!(out.declarations.len(), 1);
        let d = &out.declarations[0];
        assert_eq!(d.source, "dotenv");
        assert_eq!(d.str("secret_source").unwrap().value, "literal");
        let s = d.str("secret_ref").unwrap();
        assert_eq!(&text[s.start..s.end], "abc123");
        assert_eq!(d.str("exchange").unwrap().value, "binance");
        let text = "services:\n  bot:\n    environment:\n      - OKX_SECRET_KEY=${OKX_SECRET_KEY}\n  mm:\n    environment:\n      BYBIT_API_SECRET: hardcoded\n";
        let out = infer("docker-compose.yml", text);
        assert_eq!(out.declarations.len(), 2);
        assert_eq!(out.declarations[0].str("secret_ref").unwrap().value, "env:OKX_SECRET_KEY");
        assert_eq!(out.declarations[1].str("secret_source").unwrap().value, "literal");
    }

    #[test]
    fn structure_names_the_exchange() {
        let text = "bot:\n  exchanges:\n    binance:\n      apiKey: \"\"\n      apiSecret: \"{{ .Values.secret }}\"\n";
        let out = infer("values.yaml", text);
        assert_eq!(out.declarations.len(), 1, "{out:?}");
        assert_eq!(out.declarations[0].str("secret_source").unwrap().value, "reference");
        let js = "const ex = new ccxt.pro.okx({\n  apiKey: 'k',\n  secret: process.env.OKX_SECRET,\n})\n";
        let out = infer("bot.js", js);
        assert_eq!(out.declarations[0].str("secret_ref").unwrap().value, "env:OKX_SECRET");
        // A comment is not enough to declare a key.
        let out = infer("cfg.toml", "# okx account\nsecret = \"abc\"\n");
        assert!(out.declarations.is_empty());
    }
}
