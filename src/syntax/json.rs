//! JSON → span tree. A small recursive-descent parser (serde_json keeps no spans); recursion is
//! bounded by `MAX_DEPTH`. Accepts strict JSON only.

use super::tree::{Entry, Kind, Node, SyntaxError, MAX_DEPTH};

/// Parses one JSON value (the whole text).
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    // A UTF-8 byte order mark (Windows editors) is not part of the value.
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut p = JsonParser { text, bytes: text.as_bytes(), pos: start };
    p.skip_ws();
    let node = p.value(0)?;
    p.skip_ws();
    if p.pos != p.bytes.len() {
        return Err(p.error("trailing characters after the JSON value"));
    }
    Ok(node)
}

struct JsonParser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl JsonParser<'_> {
    fn error(&self, msg: &str) -> SyntaxError {
        SyntaxError::new(msg, self.pos.min(self.bytes.len()))
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node, SyntaxError> {
        if depth >= MAX_DEPTH {
            return Err(self.error("nesting too deep"));
        }
        let start = self.pos;
        match self.bytes.get(self.pos) {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => {
                let s = self.string()?;
                Ok(Node::new(Kind::Str(s), start, self.pos))
            }
            Some(b't') => self.literal("true", Kind::Bool(true)),
            Some(b'f') => self.literal("false", Kind::Bool(false)),
            Some(b'n') => self.literal("null", Kind::Null),
            Some(b'-' | b'0'..=b'9') => {
                while let Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') = self.bytes.get(self.pos) {
                    self.pos += 1;
                }
                Ok(Node::new(Kind::Number(self.text[start..self.pos].to_string()), start, self.pos))
            }
            Some(_) => Err(self.error("expected a JSON value")),
            None => Err(self.error("unexpected end of input")),
        }
    }

    fn literal(&mut self, word: &str, kind: Kind) -> Result<Node, SyntaxError> {
        let start = self.pos;
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(Node::new(kind, start, self.pos))
        } else {
            Err(self.error("invalid literal"))
        }
    }

    fn object(&mut self, depth: usize) -> Result<Node, SyntaxError> {
        let start = self.pos;
        self.pos += 1;
        let mut entries = Vec::new();
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            return Ok(Node::new(Kind::Map(entries), start, self.pos));
        }
        loop {
            self.skip_ws();
            if self.bytes.get(self.pos) != Some(&b'"') {
                return Err(self.error("expected a string key"));
            }
            let key_start = self.pos;
            let key = self.string()?;
            let key_end = self.pos;
            self.skip_ws();
            if self.bytes.get(self.pos) != Some(&b':') {
                return Err(self.error("expected `:`"));
            }
            self.pos += 1;
            self.skip_ws();
            let value = self.value(depth + 1)?;
            entries.push(Entry { key, key_start, key_end, value });
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Node::new(Kind::Map(entries), start, self.pos));
                }
                _ => return Err(self.error("expected `,` or `}`")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Node, SyntaxError> {
        let start = self.pos;
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b']') {
            self.pos += 1;
            return Ok(Node::new(Kind::Seq(items), start, self.pos));
        }
        loop {
            self.skip_ws();
            items.push(self.value(depth + 1)?);
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Node::new(Kind::Seq(items), start, self.pos));
                }
                _ => return Err(self.error("expected `,` or `]`")),
            }
        }
    }

    /// Reads a string starting at the opening quote; leaves `pos` after the closing quote.
    fn string(&mut self) -> Result<String, SyntaxError> {
        self.pos += 1;
        let mut out = String::new();
        let mut run = self.pos;
        while let Some(&b) = self.bytes.get(self.pos) {
            match b {
                b'"' => {
                    out.push_str(&self.text[run..self.pos]);
                    self.pos += 1;
                    return Ok(out);
                }
                b'\\' => {
                    out.push_str(&self.text[run..self.pos]);
                    let esc = self.bytes.get(self.pos + 1).copied();
                    self.pos += 2;
                    match esc {
                        Some(b'n') => out.push('\n'),
                        Some(b't') => out.push('\t'),
                        Some(b'r') => out.push('\r'),
                        Some(b'b') => out.push('\u{8}'),
                        Some(b'f') => out.push('\u{c}'),
                        Some(b'u') => {
                            let hex =
                                self.text.get(self.pos..self.pos + 4).ok_or_else(|| self.error("bad \\u escape"))?;
                            let code = u32::from_str_radix(hex, 16).map_err(|_| self.error("bad \\u escape"))?;
                            // Surrogate halves are replaced, not decoded: spans matter here, not text fidelity.
                            out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                            self.pos += 4;
                        }
                        Some(c @ (b'"' | b'\\' | b'/')) => out.push(c as char),
                        _ => return Err(self.error("invalid escape")),
                    }
                    run = self.pos;
                }
                b'\n' => return Err(self.error("unterminated string")),
                _ => self.pos += 1,
            }
        }
        Err(self.error("unterminated string"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_point_at_values_and_keys() {
        let text = r#"{"keys": [{"name": "a\"b", "ips": ["0.0.0.0/0", 3]}]}"#;
        let root = parse(text).unwrap();
        let key = &root.get("keys").unwrap().items()[0];
        let name = key.get("name").unwrap();
        assert_eq!(&text[name.start..name.end], r#""a\"b""#);
        assert_eq!(name.as_str(), Some("a\"b"));
        let ip = &key.get("ips").unwrap().items()[0];
        assert_eq!(&text[ip.start..ip.end], "\"0.0.0.0/0\"");
        let e = key.entry("ips").unwrap();
        assert_eq!(&text[e.key_start..e.key_end], "\"ips\"");
    }

    #[test]
    fn hostile_input_errors() {
        assert!(parse(&"[".repeat(100_000)).is_err());
        assert!(parse("{\"a\": 1,}").is_err());
        assert!(parse("\"\\u12\"").is_err());
        assert!(parse("").is_err());
        assert!(parse("[1] x").is_err());
    }
}
