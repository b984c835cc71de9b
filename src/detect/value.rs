//! Judging a bound value before its format is checked: trimming and auth schemes, and whether a
//! passphrase-named value reads like a passphrase at all.

/// The value without padding and without an auth scheme (`Bearer …`, `BITSTAMP …`), and how
/// many bytes were dropped in front.
pub fn normalize(raw: &str) -> (&str, usize) {
    let mut v = raw.trim();
    // Quotes inside quotes (`KEY='"…"'`): the inner pair is part of the text, not the key.
    for q in ['"', '\''] {
        if v.len() >= 2 && v.starts_with(q) && v.ends_with(q) {
            v = v[1..v.len() - 1].trim();
        }
    }
    for scheme in ["Bearer ", "BITSTAMP ", "Token ", "token ", "ApiKey ", "HMAC "] {
        if let Some(rest) = v.strip_prefix(scheme) {
            v = rest.trim_start();
            break;
        }
    }
    // `v` is a subslice of `raw`: its offset is the distance between their starts.
    (v, v.as_ptr() as usize - raw.as_ptr() as usize)
}

/// An identifier made of words (`triggerDirection`, `order_link_id`): a field or parameter
/// name used as a value, never key material.
pub fn looks_like_identifier(v: &str) -> bool {
    if !v.chars().all(|c| c.is_ascii_alphabetic() || c == '_' || c == '-' || c == '.') {
        return false;
    }
    let toks = crate::bindings::names::tokens(v);
    !toks.is_empty() && toks.len() <= 4 && toks.iter().all(|t| t.len() >= 2) && toks.iter().any(|t| t.len() >= 4)
}

/// Words that make a passphrase-named value a placeholder, a field name or a test string.
const NOT_A_PASSPHRASE: &[&str] = &[
    "pass",
    "secret",
    "test",
    "example",
    "sample",
    "demo",
    "your",
    "change",
    "dummy",
    "fake",
    "mock",
    "placeholder",
    "xxx",
    "todo",
    "default",
    "none",
    "null",
    "access",
    "sign",
    "header",
    "key",
    "phrase",
    "redacted",
    "hidden",
    "env",
    "vault",
    "insert",
    "replace",
    "fixme",
    "foobar",
    "qwerty",
    "letmein",
    "admin",
    "abc123",
];

/// A user-chosen passphrase has no format, so only values that look chosen count: 6 to 64
/// characters without spaces, with a digit or a symbol besides letters, that are not an
/// identifier, a header name, a placeholder word or a base64 HMAC (KuCoin v2 sends the
/// passphrase's HMAC in its header).
pub fn plausible_passphrase(v: &str) -> bool {
    let n = v.chars().count();
    if !(6..=64).contains(&n) || v.chars().any(char::is_whitespace) {
        return false;
    }
    let lower = v.to_ascii_lowercase();
    if NOT_A_PASSPHRASE.iter().any(|w| lower.contains(w)) {
        return false;
    }
    let digit = v.chars().any(|c| c.is_ascii_digit());
    let upper = v.chars().any(|c| c.is_uppercase());
    let lowercase = v.chars().any(|c| c.is_lowercase());
    let symbol = v.chars().any(|c| !c.is_alphanumeric());
    if usize::from(digit) + usize::from(upper) + usize::from(lowercase) + usize::from(symbol) < 2 {
        return false;
    }
    // Letters only: a random mix (`ElOOPsFBQWNetH`) counts, a camelCase word (`someValue`) not.
    if !(digit || symbol) && crate::bindings::names::tokens(v).len() < 4 {
        return false;
    }
    // `OK-ACCESS-PASSPHRASE`, `api_passphrase`, `kc.api.pass`: names, not values.
    if v.chars().all(|c| c.is_ascii_uppercase() || c == '-' || c == '_')
        || v.chars().all(|c| c.is_ascii_lowercase() || c == '_' || c == '.')
    {
        return false;
    }
    // A base64 digest (SHA-256: 44 characters ending in `=`).
    let b64 = v.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='));
    if b64 && v.ends_with('=') && (n == 44 || n == 88 || n == 64) {
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passphrases_that_look_chosen() {
        for v in [
            "Maple!Basalt5990*",
            "6wedJcxHpP",
            "ElOOPsFBQWNetH",
            "Sierra-Maple5978",
            "PX~w!nMGq5lNwQ",
            "Harbor&Orbit1710*",
            "tr4d1ngB0t!",
        ] {
            assert!(plausible_passphrase(v), "{v}");
        }
        for v in [
            "testPassphrase",
            "somePassPhrase",
            "password1234",
            "api_passphrase",
            "OK-ACCESS-PASSPHRASE",
            "changeme",
            "pending",
            "hunter",
            "Zq3P0vJ1lK9xR2m5N8bT4wY7cF6hG0aS1dE3uI5oL8k=",
        ] {
            assert!(!plausible_passphrase(v), "{v}");
        }
    }

    #[test]
    fn normalizes_padding_and_schemes() {
        assert_eq!(normalize("  abc  "), ("abc", 2));
        assert_eq!(normalize("BITSTAMP k1"), ("k1", 9));
        assert_eq!(normalize("\"k2\""), ("k2", 1));
    }

    #[test]
    fn identifiers_are_not_keys() {
        assert!(looks_like_identifier("triggerDirection"));
        assert!(looks_like_identifier("order_link_id"));
        assert!(!looks_like_identifier("yAcksAcjAkPtli0e4e"));
        assert!(!looks_like_identifier("ElOOPsFBQWNetHkLmQ"));
    }
}
