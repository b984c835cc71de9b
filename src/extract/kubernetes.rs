//! Kubernetes manifests: `Secret` data, `ExternalSecret` mappings, and container `env` entries
//! with `value` or `valueFrom.secretKeyRef`.

use super::{classify_secret, exchange_in_name, push_classified, push_inferred, Extraction, Spanned};
use crate::exchanges::ExchangeTable;
use crate::syntax::{self, Format, Kind, Node};

/// Returns true when the file is a Kubernetes manifest (so other YAML dialects are not tried).
pub fn extract(text: &str, table: &ExchangeTable, out: &mut Extraction) -> bool {
    if !text.contains("apiVersion") {
        return false;
    }
    let Ok(docs) = syntax::parse(Format::Yaml, text) else {
        return false;
    };
    let mut any = false;
    for doc in &docs {
        let (Some(kind), Some(_)) = (doc.get("kind").and_then(|k| k.as_str()), doc.get("apiVersion")) else {
            continue;
        };
        any = true;
        let namespace =
            doc.get("metadata").and_then(|m| m.get("namespace")).and_then(|n| n.as_str()).unwrap_or("default");
        match kind {
            "Secret" => {
                for field in ["data", "stringData"] {
                    for e in doc.get(field).map(|d| d.entries()).unwrap_or(&[]) {
                        if let (Kind::Str(v), Some((slug, part))) = (&e.value.kind, exchange_in_name(table, &e.key)) {
                            let var = Spanned::new(e.key.clone(), e.key_start, e.key_end);
                            // `data` values are base64: classify what they decode to.
                            let decoded =
                                if field == "data" { crate::detect::decode_value::base64_text(v) } else { None };
                            let class = classify_secret(decoded.as_deref().unwrap_or(v), &e.key);
                            let value = Spanned::new(v.clone(), e.value.start, e.value.end);
                            if let Some(class) = class {
                                push_classified(out, "kubernetes", &slug, part, var, value, class);
                            }
                        }
                    }
                }
            }
            "ExternalSecret" => {
                for item in doc.get("spec").and_then(|s| s.get("data")).map(|d| d.items()).unwrap_or(&[]) {
                    let (Some(key), Some(remote)) =
                        (item.entry("secretKey"), item.get("remoteRef").and_then(|r| r.get("key")))
                    else {
                        continue;
                    };
                    let (Some(name), Some(remote_key)) = (key.value.as_str(), remote.as_str()) else {
                        continue;
                    };
                    if let Some((slug, part)) = exchange_in_name(table, name) {
                        let var = Spanned::new(name.to_string(), key.value.start, key.value.end);
                        let value = Spanned::new(format!("vault:{remote_key}"), remote.start, remote.end);
                        push_inferred(out, "kubernetes", &slug, part, var, value);
                    }
                }
            }
            _ => container_env(doc, table, namespace, 0, out),
        }
    }
    any
}

/// `env: [{name: X, value: …}]` and `{name: X, valueFrom: {secretKeyRef: {name, key}}}` anywhere.
fn container_env(node: &Node, table: &ExchangeTable, namespace: &str, depth: usize, out: &mut Extraction) {
    if depth > syntax::MAX_DEPTH {
        return;
    }
    for item in node.items() {
        if let Some(name) =
            item.entry("name").filter(|_| item.entry("value").is_some() || item.entry("valueFrom").is_some())
        {
            let Some(var) = name.value.as_str() else {
                continue;
            };
            let Some((slug, part)) = exchange_in_name(table, var) else {
                continue;
            };
            let var = Spanned::new(var.to_string(), name.value.start, name.value.end);
            if let Some(v) = item.get("value") {
                if let Kind::Str(s) = &v.kind {
                    push_inferred(out, "kubernetes", &slug, part, var, Spanned::new(s.clone(), v.start, v.end));
                }
            } else if let Some(r) = item.get("valueFrom").and_then(|v| v.get("secretKeyRef")) {
                let secret = r.get("name").and_then(|n| n.as_str()).unwrap_or("");
                let key = r.get("key").and_then(|n| n.as_str()).unwrap_or("");
                push_inferred(
                    out,
                    "kubernetes",
                    &slug,
                    part,
                    var,
                    Spanned::new(format!("k8s:{namespace}/{secret}#{key}"), r.start, r.end),
                );
            }
        }
    }
    for child in node.entries().iter().map(|e| &e.value).chain(node.items()) {
        container_env(child, table, namespace, depth + 1, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_external_secrets_and_env_refs() {
        let text = "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData:\n  OKX_SECRET_KEY: plain\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: bots}\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          env:\n            - name: BYBIT_API_SECRET\n              valueFrom:\n                secretKeyRef: {name: bybit, key: secret}\n";
        let mut out = Extraction::default();
        assert!(extract(text, &ExchangeTable::builtin(), &mut out));
        assert_eq!(out.declarations.len(), 2);
        assert_eq!(out.declarations[0].str("secret_source").unwrap().value, "literal");
        assert_eq!(out.declarations[1].str("secret_ref").unwrap().value, "k8s:bots/bybit#secret");
    }
}
