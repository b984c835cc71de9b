//! Finds `name <sep> value` pairs in any text format without parsing it: `.env` lines,
//! YAML/JSON/TOML/INI keys, keyword arguments and object literals in code, HTTP headers.
//! One hand-written pass per line; it runs only on files that passed the keyword prefilter.

/// One `name = value` pair; offsets are absolute byte offsets into the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// Normalised snake-case name (`apiKey` → `api_key`).
    pub name: String,
    pub value_start: usize,
    pub value_end: usize,
    pub quoted: bool,
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'$' | b'@')
}

/// Longest name and quoted value looked at: bounds the work per separator, so a hostile line
/// (megabytes of `]=` or `="`) stays linear.
const MAX_NAME: usize = 128;
const MAX_QUOTED_VALUE: usize = 8 * 1024;

fn is_quote(b: u8) -> bool {
    matches!(b, b'"' | b'\'' | b'`')
}

/// Appends the assignments of one line (`line_start` is its absolute offset).
pub fn scan_line(line: &str, line_start: usize, out: &mut Vec<Assignment>) {
    let bytes = line.as_bytes();
    let mut i = 0;
    while let Some(rel) = memchr::memchr2(b'=', b':', &bytes[i..]) {
        let sep = i + rel;
        let next = bytes.get(sep + 1).copied();
        let prev = if sep > 0 { Some(bytes[sep - 1]) } else { None };
        let mut sep_end = sep + 1;
        match (bytes[sep], next) {
            (b':', Some(b':')) | (b'=', Some(b'=')) => {
                i = sep + 2;
                continue;
            }
            (b':', Some(b'/')) if bytes.get(sep + 2) == Some(&b'/') => {
                i = sep + 3;
                continue;
            }
            (b'=', _) if matches!(prev, Some(b'!' | b'<' | b'>' | b'=' | b'+' | b'-' | b'*' | b'/' | b'|' | b'&')) => {
                i = sep + 1;
                continue;
            }
            (b'=', Some(b'>')) | (b':', Some(b'=')) => sep_end = sep + 2,
            _ => {}
        }
        let name = name_before(bytes, sep);
        // A query parameter (`?key=…&next=…`) ends at the next `&`.
        let in_query = name.is_some_and(|(start, _)| start > 0 && matches!(bytes[start - 1], b'?' | b'&'));
        let value = value_after(bytes, sep_end, in_query);
        i = sep_end;
        if let (Some((_, name)), Some((vs, ve, quoted))) = (name, value) {
            let normalized = normalize_name(name);
            if !normalized.is_empty() && ve > vs {
                out.push(Assignment {
                    name: normalized,
                    value_start: line_start + vs,
                    value_end: line_start + ve,
                    quoted,
                });
            }
            // Values are not skipped: a URL value can hold `?api_key=…` pairs of its own.
        }
        if i >= bytes.len() {
            break;
        }
    }
}

/// The raw name left of a separator (an identifier, a quoted key, or a `["subscript"]`) and
/// where it starts.
fn name_before(bytes: &[u8], sep: usize) -> Option<(usize, &str)> {
    let floor = sep.saturating_sub(MAX_NAME + 16);
    let mut end = sep;
    while end > floor && matches!(bytes[end - 1], b' ' | b'\t') {
        end -= 1;
    }
    if end <= floor {
        return None;
    }
    let last = bytes[end - 1];
    let (start, stop) = if is_quote(last) {
        let open = floor + bytes[floor..end - 1].iter().rposition(|&b| b == last)?;
        (open + 1, end - 1)
    } else if last == b']' {
        let open = floor + bytes[floor..end - 1].iter().rposition(|&b| b == b'[')?;
        let inner = &bytes[open + 1..end - 1];
        let trim = |b: &u8| is_quote(*b);
        let s = open + 1 + inner.iter().position(|b| !trim(b))?;
        let e = open + 1 + inner.iter().rposition(|b| !trim(b))? + 1;
        (s, e)
    } else {
        let mut s = end;
        while s > floor && is_name_byte(bytes[s - 1]) {
            s -= 1;
        }
        (s, end)
    };
    if stop <= start || stop - start > MAX_NAME {
        return None;
    }
    let raw_start =
        if start > 0 && (is_quote(bytes[start - 1]) || bytes[start - 1] == b'[') { start - 1 } else { start };
    std::str::from_utf8(&bytes[start..stop]).ok().map(|name| (raw_start, name))
}

/// The scalar value right of a separator: `(start, end, quoted)` relative to the line.
fn value_after(bytes: &[u8], from: usize, in_query: bool) -> Option<(usize, usize, bool)> {
    let mut s = from;
    while s < bytes.len() && matches!(bytes[s], b' ' | b'\t') {
        s += 1;
    }
    let first = *bytes.get(s)?;
    if is_quote(first) {
        let limit = bytes.len().min(s + 1 + MAX_QUOTED_VALUE);
        let mut e = s + 1;
        while e < limit && bytes[e] != first {
            e += if bytes[e] == b'\\' { 2 } else { 1 };
        }
        if e >= limit && limit < bytes.len() {
            return None;
        }
        return Some((s + 1, e.min(bytes.len()), true));
    }
    if matches!(first, b'{' | b'[' | b'(' | b'|' | b'>' | b'&' | b'*' | b'!' | b'#') {
        return None;
    }
    let mut e = s;
    while e < bytes.len()
        && !matches!(bytes[e], b' ' | b'\t' | b',' | b';' | b')' | b'}' | b']' | b'"' | b'\'' | b'`')
        && !(in_query && bytes[e] == b'&')
    {
        e += 1;
    }
    // `x = make_client(` or `x = a[` is code, not a scalar value.
    if matches!(bytes.get(e), Some(b'(' | b'[' | b'{')) || bytes[s..e].iter().any(|&b| matches!(b, b'(' | b'{')) {
        return None;
    }
    Some((s, e, false))
}

/// Normalises a key name to snake case: `apiKey`, `API-Key`, `X-MBX-APIKEY`, `self.api_key`
/// become `api_key`, `api_key`, `x_mbx_apikey`, `self_api_key`.
pub fn normalize_name(raw: &str) -> String {
    let trimmed = raw.trim_matches(|c: char| matches!(c, '"' | '\'' | '`' | '-' | '$' | '@' | '.' | ' '));
    let chars: Vec<char> = trimmed.chars().collect();
    let mut out = String::with_capacity(chars.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if matches!(c, '-' | '.' | ' ' | '/' | ':' | '_') {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
        } else if c.is_ascii_uppercase() {
            let prev = if i > 0 { chars[i - 1] } else { '_' };
            let next = chars.get(i + 1).copied().unwrap_or('_');
            let boundary = prev.is_ascii_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_ascii_uppercase() && next.is_ascii_lowercase());
            if boundary && !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(line: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        scan_line(line, 0, &mut out);
        out.into_iter().map(|a| (a.name, line[a.value_start..a.value_end].to_string())).collect()
    }

    #[test]
    fn finds_pairs_in_many_syntaxes() {
        assert_eq!(pairs("OKX_SECRET_KEY=ABC123"), vec![("okx_secret_key".into(), "ABC123".into())]);
        assert_eq!(pairs("export OKX_API_KEY=\"abc\""), vec![("okx_api_key".into(), "abc".into())]);
        assert_eq!(pairs("  \"secret\": \"s3cr\\\"et\","), vec![("secret".into(), "s3cr\\\"et".into())]);
        assert_eq!(
            pairs("ex = ccxt.okx({'apiKey': 'k1', 'secret': 's1'})"),
            vec![("api_key".into(), "k1".into()), ("secret".into(), "s1".into())]
        );
        assert_eq!(pairs("curl -H \"OK-ACCESS-KEY: k-9\" https://x"), vec![("ok_access_key".into(), "k-9".into())]);
        assert_eq!(pairs("os.environ[\"OKX_SECRET\"] = \"v\""), vec![("okx_secret".into(), "v".into())]);
        assert_eq!(pairs("Client(api_key=\"a\", api_secret=\"b\")").len(), 2);
        assert_eq!(pairs("if a == b and c != d:"), vec![]);
        assert_eq!(pairs("url: https://api.okx.com/x"), vec![("url".into(), "https://api.okx.com/x".into())]);
        assert_eq!(pairs("APIKey := \"z\""), vec![("api_key".into(), "z".into())]);
        assert_eq!(
            pairs("curl https://x/api?key=k%2B1&timeout=5"),
            vec![("key".into(), "k%2B1".into()), ("timeout".into(), "5".into())]
        );
    }

    #[test]
    fn normalises_names_to_snake_case() {
        assert_eq!(normalize_name("apiKey"), "api_key");
        assert_eq!(normalize_name("APIKey"), "api_key");
        assert_eq!(normalize_name("X-MBX-APIKEY"), "x_mbx_apikey");
        assert_eq!(normalize_name("OKX_SECRET_KEY"), "okx_secret_key");
        assert_eq!(normalize_name("okxApiKey"), "okx_api_key");
        assert_eq!(normalize_name("--api-key"), "api_key");
        assert_eq!(normalize_name("FREQTRADE__EXCHANGE__SECRET"), "freqtrade_exchange_secret");
    }
}
