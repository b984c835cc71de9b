//! Encoded forms of a value: JSON/source string escapes, URL encoding, base64 (Kubernetes
//! Secret `data:`). Each returns `None` when the value is not in that form.

/// Resolves backslash escapes (`\"`, `\/`, `\n`, `\uXXXX`).
pub fn unescape(raw: &str) -> Option<String> {
    if !raw.contains('\\') {
        return None;
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'u' => {
                let hex: String = chars.by_ref().take(4).collect();
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
            }
            other => out.push(other),
        }
    }
    Some(out)
}

/// Decodes `%XX` sequences (and `+` as space is deliberately not applied: keys hold `+`).
pub fn percent_decode(raw: &str) -> Option<String> {
    if !raw.contains('%') {
        return None;
    }
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Decodes standard base64 to printable text.
pub fn base64_text(raw: &str) -> Option<String> {
    let raw = raw.trim();
    if raw.len() < 8 || raw.len() % 4 != 0 {
        return None;
    }
    let out = base64_bytes(raw)?;
    let text = String::from_utf8(out).ok()?;
    let text = text.trim_end_matches(['\n', '\r']).to_string();
    if text.chars().all(|c| !c.is_control() || c == '\n') {
        Some(text)
    } else {
        None
    }
}

/// Decodes standard base64 (padding optional) to bytes.
pub fn base64_bytes(raw: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(raw.len() / 4 * 3);
    let mut buf = 0u32;
    let mut bits = 0;
    for &b in raw.as_bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            _ => return None,
        };
        buf = (buf << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_each_form() {
        assert_eq!(unescape(r#"a\/b\"c\u0041"#).as_deref(), Some("a/b\"cA"));
        assert_eq!(unescape("plain"), None);
        assert_eq!(percent_decode("ab%2Bc%3D").as_deref(), Some("ab+c="));
        assert_eq!(percent_decode("ab%2"), Some("ab%2".to_string()));
        assert_eq!(base64_text("aGVsbG8gd29ybGQ=").as_deref(), Some("hello world"));
        assert_eq!(base64_text("not base64!"), None);
    }
}
