//! Base64 forms of a value (Kubernetes Secret `data:`, DER keys). Each returns `None` when the
//! value is not in that form. (String escapes and URL encoding are decoded where values are
//! bound: `bindings::lexer::unescape`, `bindings::code::url_decode`.)

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
        assert_eq!(base64_text("aGVsbG8gd29ybGQ=").as_deref(), Some("hello world"));
        assert_eq!(base64_text("not base64!"), None);
    }
}
