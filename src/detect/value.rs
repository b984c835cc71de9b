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

/// A PEM private key worth reporting: unencrypted, with a body that decodes to DER (a
/// SEQUENCE whose length matches) or to an OpenSSH key (`openssh-key-v1`). A truncated dummy
/// (`MIIEvQ…` cut to one line) or an encrypted key (`ENCRYPTED`, `Proc-Type: 4,ENCRYPTED`) is not.
pub fn valid_pem_private_key(text: &str) -> bool {
    let text = text.replace("\\n", "\n").replace("\\r", "");
    let Some(begin) = text.find("-----BEGIN ") else { return false };
    let rest = &text[begin + 11..];
    let Some(label_end) = rest.find("-----") else { return false };
    let label = &rest[..label_end];
    if label.contains("ENCRYPTED") || !label.ends_with("PRIVATE KEY") {
        return false;
    }
    let body_start = begin + 11 + label_end + 5;
    let Some(end) = text[body_start..].find("-----END") else { return false };
    let body = &text[body_start..body_start + end];
    if body.contains("Proc-Type") && body.contains("ENCRYPTED") {
        return false;
    }
    let b64: String = body.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=')).collect();
    let Some(der) = crate::detect::decode_value::base64_bytes(&b64) else { return false };
    if label.contains("OPENSSH") {
        return der.starts_with(b"openssh-key-v1\0") && der.len() >= 64;
    }
    // DER: SEQUENCE, then a definite length that covers the rest.
    if der.len() < 32 || der[0] != 0x30 {
        return false;
    }
    let (len, header) = match der[1] {
        n if n < 0x80 => (usize::from(n), 2),
        0x81 => (usize::from(der[2]), 3),
        0x82 => ((usize::from(der[2]) << 8) | usize::from(der[3]), 4),
        0x83 => ((usize::from(der[2]) << 16) | (usize::from(der[3]) << 8) | usize::from(der[4]), 5),
        _ => return false,
    };
    header + len == der.len()
}

/// An identifier made of words (`triggerDirection`, `order_link_id`): a field or parameter
/// name used as a value, never key material.
pub fn looks_like_identifier(v: &str) -> bool {
    if !v.chars().all(|c| c.is_ascii_alphabetic() || c == '_' || c == '-' || c == '.') {
        return false;
    }
    // Split as written (keeping case): every piece must read as a word or a short acronym.
    let mut pieces: Vec<String> = Vec::new();
    for part in v.split(['_', '-', '.']).filter(|p| !p.is_empty()) {
        let mut cur = String::new();
        let chars: Vec<char> = part.chars().collect();
        for (i, &c) in chars.iter().enumerate() {
            let boundary = c.is_uppercase()
                && i > 0
                && (chars[i - 1].is_lowercase() || chars.get(i + 1).is_some_and(|n| n.is_lowercase()));
            if boundary && !cur.is_empty() {
                pieces.push(std::mem::take(&mut cur));
            }
            cur.push(c);
        }
        if !cur.is_empty() {
            pieces.push(cur);
        }
    }
    let wordlike = |p: &String| {
        let lower_rest = p.chars().skip(1).all(|c| c.is_lowercase());
        let acronym = p.len() <= 4 && p.chars().all(|c| c.is_uppercase());
        let vowel = p.chars().any(|c| "aeiouyAEIOUY".contains(c));
        (lower_rest && (vowel || p.len() <= 3)) || acronym
    };
    !pieces.is_empty()
        && pieces.len() <= 4
        && pieces.iter().all(|p| p.len() >= 2 && wordlike(p))
        && pieces.iter().any(|p| p.len() >= 4)
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
/// A stored password hash, not a password: modular crypt (`$2b$12$…` bcrypt, `$argon2id$…`,
/// `$6$…`), Django/passlib (`pbkdf2_sha256$600000$…$…`), LDAP (`{SSHA}…`).
pub fn is_password_hash(v: &str) -> bool {
    let scheme = |s: &str| {
        !s.is_empty() && s.len() <= 20 && s.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
    };
    let n = v.len();
    if let Some(rest) = v.strip_prefix('$') {
        return n >= 30 && rest.split_once('$').is_some_and(|(id, _)| scheme(id));
    }
    if let Some(rest) = v.strip_prefix('{') {
        return rest.split_once('}').is_some_and(|(id, body)| {
            scheme(id)
                && id.bytes().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'-')
                && body.len() >= 16
        });
    }
    n >= 40
        && v.matches('$').count() >= 3
        && v.split_once('$').is_some_and(|(id, _)| scheme(id) && id.bytes().any(|c| c.is_ascii_lowercase()))
}

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
    if is_password_hash(v) {
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
    fn password_hashes_are_not_passphrases() {
        // Shapes of stored hashes (random bodies), each otherwise a plausible passphrase.
        for v in [
            "$2b$12$Qm3vN8xK2pL7wR4tY6uZ1eOaBcDeFgHiJkLmNoPqRsTuVwXyZ0123",
            "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$Zm9vYmFyYmF6cXV4",
            "pbkdf2_sha256$600000$Xy7pQ2rS$Qm3vN8xK2pL7wR4tY6uZ1eOaBcDeF=",
            "{SSHA}Qm3vN8xK2pL7wR4tY6uZ1eOaBc==",
        ] {
            assert!(is_password_hash(v), "{v}");
            assert!(!plausible_passphrase(v), "{v}");
        }
        for v in ["pa$$w0rd!Maple", "$ecretMaple42!", "Birch$Fjord$77$x"] {
            assert!(!is_password_hash(v), "{v}");
        }
    }

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
        assert!(!looks_like_identifier("vxyENGYS"));
        assert!(looks_like_identifier("OrderLinkID"));
    }
}
