//! XML by a tolerant tag scanner: elements, attributes, text content, CDATA and comments.
//! `<kucoin.api.key>…</kucoin.api.key>` binds the text to the tag (in the parent element, so
//! sibling elements such as `<id>kucoin-live</id>` are its context); attributes bind inside
//! their element (`<add key="X" value="…"/>` becomes a name/value pair).

use super::{Builder, Encoding, Role, StructureKind};

struct Open {
    tag: String,
    /// What the element's own attributes call it (`<string name="binance_api_key">`).
    label: Option<String>,
    structure: usize,
    parent: usize,
    /// Where the element's text starts, and whether a child element interrupted it.
    text_start: usize,
    has_children: bool,
}

/// Deepest nesting followed; deeper elements bind into the last open one.
const MAX_DEPTH: usize = 256;

pub fn produce(text: &str, b: &mut Builder, parent: usize) {
    let bytes = text.as_bytes();
    let mut stack: Vec<Open> = Vec::new();
    let mut plist_keys: std::collections::HashMap<usize, String> = std::collections::HashMap::new();
    let mut i = 0;
    while let Some(p) = memchr::memchr(b'<', &bytes[i..]) {
        let lt = i + p;
        let rest = &text[lt..];
        if rest.starts_with("<!--") {
            let end = rest.find("-->").map_or(text.len(), |e| lt + e + 3);
            b.comment(lt, end);
            i = end;
            continue;
        }
        if rest.starts_with("<![CDATA[") {
            let end = rest.find("]]>").map_or(text.len(), |e| lt + e + 3);
            i = end;
            continue;
        }
        if rest.starts_with("<?") || rest.starts_with("<!") {
            i = rest.find('>').map_or(text.len(), |e| lt + e + 1);
            continue;
        }
        let Some(gt) = find_tag_end(bytes, lt + 1) else { break };
        if rest.starts_with("</") {
            let tag = text[lt + 2..gt].trim();
            if let Some(pos) = stack.iter().rposition(|o| o.tag == tag) {
                while stack.len() > pos + 1 {
                    if let Some(o) = stack.pop() {
                        b.close(o.structure, lt);
                    }
                }
                if let Some(o) = stack.pop() {
                    if !o.has_children {
                        // plist `<key>Name</key><string>value</string>`: the key names the next value.
                        let name =
                            o.label.clone().or_else(|| plist_keys.remove(&o.parent)).unwrap_or_else(|| o.tag.clone());
                        if o.tag == "key" {
                            let t = text[o.text_start..lt].trim();
                            if !t.is_empty() && t.len() <= 128 {
                                plist_keys.insert(o.parent, t.to_string());
                            }
                        } else {
                            bind_text(text, o.text_start, lt, &name, o.parent, b);
                        }
                    }
                    b.close(o.structure, gt + 1);
                }
            }
            i = gt + 1;
            continue;
        }
        let inner = &text[lt + 1..gt];
        let self_closing = inner.ends_with('/');
        let inner = inner.trim_end_matches('/');
        let name_end = inner.find(|c: char| c.is_whitespace()).unwrap_or(inner.len());
        let tag = &inner[..name_end];
        if tag.is_empty() || !tag.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_') {
            i = lt + 1;
            continue;
        }
        let container = stack.last().map_or(parent, |o| o.structure);
        if let Some(o) = stack.last_mut() {
            o.has_children = true;
        }
        let structure = b.open(StructureKind::Element, tag, container, lt);
        let first_binding = b.out.bindings.len();
        attributes(text, lt + 1 + name_end, gt, structure, b);
        let label = b.out.bindings[first_binding.min(b.out.bindings.len())..]
            .iter()
            .find(|x| matches!(x.name.as_str(), "name" | "key" | "id" | "property"))
            .map(|x| x.value.clone())
            .filter(|v| super::names::is_name_like(v));
        if self_closing || stack.len() >= MAX_DEPTH {
            b.close(structure, gt + 1);
        } else {
            stack.push(Open {
                tag: tag.to_string(),
                label,
                structure,
                parent: container,
                text_start: gt + 1,
                has_children: false,
            });
        }
        i = gt + 1;
    }
    while let Some(o) = stack.pop() {
        b.close(o.structure, text.len());
    }
}

/// The `>` closing a tag that starts at `from`, skipping quoted attribute values.
fn find_tag_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut quote = None;
    let limit = bytes.len().min(from + 64 * 1024);
    for (k, &c) in bytes[from..limit].iter().enumerate() {
        match (quote, c) {
            (None, b'"' | b'\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, b'>') => return Some(from + k),
            (None, b'<') => return None,
            _ => {}
        }
    }
    None
}

fn attributes(text: &str, from: usize, to: usize, structure: usize, b: &mut Builder) {
    let s = &text[from..to];
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        let ns = i;
        while i < bytes.len() && !matches!(bytes[i], b'=' | b' ' | b'\t' | b'\n' | b'\r' | b'/') {
            i += 1;
        }
        let name = &s[ns..i];
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if bytes.get(i) != Some(&b'=') {
            if i == ns {
                i += 1;
            }
            continue;
        }
        i += 1;
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let Some(&q) = bytes.get(i).filter(|&&c| c == b'"' || c == b'\'') else { continue };
        let vs = i + 1;
        let Some(ve) = s[vs..].find(q as char).map(|e| vs + e) else { break };
        let raw = &s[vs..ve];
        let (value, enc) = decode_entities(raw);
        b.bind(name, from + ns, value, from + vs, from + ve, enc, true, Role::Named, structure);
        i = ve + 1;
    }
}

fn bind_text(text: &str, start: usize, end: usize, tag: &str, structure: usize, b: &mut Builder) {
    let raw = &text[start..end];
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return;
    }
    let lead = raw.len() - raw.trim_start().len();
    let (s, e) = (start + lead, start + lead + trimmed.len());
    let body = trimmed.strip_prefix("<![CDATA[").and_then(|x| x.strip_suffix("]]>"));
    let (value, enc) = match body {
        Some(inner) => (inner.to_string(), Encoding::Raw),
        None => decode_entities(trimmed),
    };
    b.bind(tag, start, value, s, e, enc, true, Role::Named, structure);
}

/// Decodes the five named entities and numeric character references.
pub fn decode_entities(raw: &str) -> (String, Encoding) {
    if !raw.contains('&') {
        return (raw.to_string(), Encoding::Raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        let Some(semi) = rest[..rest.len().min(12)].find(';') else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let ent = &rest[1..semi];
        let ch = match ent {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => ent
                .strip_prefix("#x")
                .or_else(|| ent.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| ent.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match ch {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    (out, Encoding::Xml)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_attributes_and_entities() {
        let t = r#"<p><id>kucoin-live</id><properties><kucoin.api.passphrase>a&amp;b</kucoin.api.passphrase></properties><add key="K" value="V"/></p>"#;
        let mut b = Builder::new(t.len());
        produce(t, &mut b, 0);
        let fb = b.finish();
        let got: Vec<(&str, &str)> = fb.bindings.iter().map(|x| (x.name.as_str(), x.value.as_str())).collect();
        assert!(got.contains(&("id", "kucoin-live")));
        assert!(got.contains(&("kucoin.api.passphrase", "a&b")));
        assert!(got.contains(&("K", "V")), "{got:?}");
        let pass = fb.bindings.iter().find(|x| x.name == "kucoin.api.passphrase").unwrap();
        assert_eq!(&t[pass.start..pass.end], "a&amp;b");
        assert_eq!(pass.encoding, Encoding::Xml);
        let t = r#"<resources><string name="okx_api_key" translatable="false">k1</string></resources><dict><key>OkxSecret</key><string>s1</string></dict>"#;
        let mut b = Builder::new(t.len());
        produce(t, &mut b, 0);
        let fb = b.finish();
        let got: Vec<(&str, &str)> = fb.bindings.iter().map(|x| (x.name.as_str(), x.value.as_str())).collect();
        assert!(got.contains(&("okx_api_key", "k1")) && got.contains(&("OkxSecret", "s1")), "{got:?}");
    }
}
