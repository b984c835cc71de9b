//! YAML → span tree, built from yaml-rust2's event stream.
//!
//! yaml-rust2 gives each event a start marker only, and its `index()` counts *characters*
//! (despite its doc comment), so markers are converted to byte offsets here and scalar ends are
//! recovered from the source text by scalar style. Aliases are not expanded (no billion laughs).

use super::tree::{plain_scalar_kind, Entry, Kind, Node, SyntaxError, MAX_DEPTH};
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::TScalarStyle;

/// Char index → byte offset for non-ASCII text (identity for ASCII, the common case).
struct ByteIndex<'a> {
    text: &'a str,
    offsets: Option<Vec<usize>>,
}

impl<'a> ByteIndex<'a> {
    fn new(text: &'a str) -> Self {
        let offsets = if text.is_ascii() {
            None
        } else {
            let mut v: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
            v.push(text.len());
            Some(v)
        };
        ByteIndex { text, offsets }
    }

    fn byte(&self, char_index: usize) -> usize {
        match &self.offsets {
            None => char_index.min(self.text.len()),
            Some(v) => v.get(char_index).copied().unwrap_or(self.text.len()),
        }
    }
}

enum Frame {
    Seq { start: usize, anchor: usize, items: Vec<Node> },
    Map { start: usize, anchor: usize, entries: Vec<Entry>, key: Option<(String, usize, usize)> },
}

/// Most nodes aliases may copy in one stream: `*anchor` is expanded (merge keys `<<: *defaults`
/// are common in manifests), but a billion-laughs document must not blow up memory.
const MAX_ALIAS_NODES: usize = 10_000;

fn node_count(n: &Node) -> usize {
    1 + match &n.kind {
        Kind::Map(entries) => entries.iter().map(|e| node_count(&e.value)).sum(),
        Kind::Seq(items) => items.iter().map(node_count).sum(),
        _ => 0,
    }
}

/// Parses every document of a YAML stream.
pub fn parse(text: &str) -> Result<Vec<Node>, SyntaxError> {
    // yaml-rust2 keeps a byte order mark in the first scalar: parse after it, shift spans back.
    let Some(body) = text.strip_prefix('\u{feff}') else { return parse_body(text) };
    let shift = text.len() - body.len();
    let mut docs = parse_body(body).map_err(|e| SyntaxError::new(e.message, e.offset + shift))?;
    for d in &mut docs {
        shift_spans(d, shift);
    }
    Ok(docs)
}

fn shift_spans(node: &mut Node, by: usize) {
    node.start += by;
    node.end += by;
    match &mut node.kind {
        Kind::Map(entries) => {
            for e in entries {
                e.key_start += by;
                e.key_end += by;
                shift_spans(&mut e.value, by);
            }
        }
        Kind::Seq(items) => items.iter_mut().for_each(|i| shift_spans(i, by)),
        _ => {}
    }
}

fn parse_body(text: &str) -> Result<Vec<Node>, SyntaxError> {
    let index = ByteIndex::new(text);
    let mut parser = Parser::new_from_str(text);
    let mut docs = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<Node> = None;
    let mut anchors: std::collections::HashMap<usize, Node> = std::collections::HashMap::new();
    let mut alias_budget = MAX_ALIAS_NODES;
    loop {
        let (event, mark) = match parser.next_token() {
            Ok(ev) => ev,
            Err(e) => return Err(SyntaxError::new(e.info().to_string(), index.byte(e.marker().index()))),
        };
        let at = index.byte(mark.index());
        let mut anchor = 0;
        let node = match event {
            Event::StreamEnd => break,
            Event::DocumentEnd => {
                if let Some(node) = root.take() {
                    docs.push(node);
                }
                continue;
            }
            Event::Nothing | Event::StreamStart | Event::DocumentStart => continue,
            Event::SequenceStart(id, _) | Event::MappingStart(id, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(SyntaxError::new(format!("nesting deeper than {MAX_DEPTH} levels"), at));
                }
                stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq { start: at, anchor: id, items: Vec::new() }
                } else {
                    Frame::Map { start: at, anchor: id, entries: Vec::new(), key: None }
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let closer = if matches!(event, Event::SequenceEnd) { b']' } else { b'}' };
                let flow_end = (text.as_bytes().get(at) == Some(&closer)).then_some(at + 1);
                match stack.pop() {
                    Some(Frame::Seq { start, anchor: id, items }) => {
                        anchor = id;
                        let end = flow_end.or(items.last().map(|n| n.end)).unwrap_or(start);
                        Node::new(Kind::Seq(items), start, end)
                    }
                    Some(Frame::Map { start, anchor: id, entries, .. }) => {
                        anchor = id;
                        let end = flow_end.or(entries.last().map(|e| e.value.end)).unwrap_or(start);
                        Node::new(Kind::Map(entries), start, end)
                    }
                    None => return Err(SyntaxError::new("unbalanced collection end", at)),
                }
            }
            // The copy keeps the anchored node's spans: that is where the value is written.
            Event::Alias(id) => match anchors.get(&id) {
                Some(n) if node_count(n) <= alias_budget => {
                    alias_budget -= node_count(n);
                    n.clone()
                }
                // An unknown (or still open, self-referencing) anchor: the `*` itself.
                _ => Node::new(
                    Kind::Null,
                    at,
                    at + text.get(at..).and_then(|r| r.chars().next()).map_or(0, char::len_utf8),
                ),
            },
            Event::Scalar(value, style, id, tag) => {
                anchor = id;
                let end = scalar_end(text, at, &value, style);
                let kind = if style == TScalarStyle::Plain && tag.is_none() {
                    plain_scalar_kind(&value)
                } else {
                    Kind::Str(value)
                };
                let end = if kind == Kind::Null && end == at { at } else { end };
                Node::new(kind, at, end)
            }
        };
        if anchor != 0 {
            anchors.insert(anchor, node.clone());
        }
        match stack.last_mut() {
            None => root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => {
                    // Complex (non-scalar) keys have no text; keep them addressable as "".
                    let text = node.scalar_text().unwrap_or_default();
                    *key = Some((text, node.start, node.end));
                }
                Some((k, ks, ke)) => entries.push(Entry { key: k, key_start: ks, key_end: ke, value: node }),
            },
        }
    }
    if let Some(node) = root.take() {
        docs.push(node);
    }
    Ok(docs)
}

/// End byte of a scalar that starts at byte `start`, recovered from the source text.
fn scalar_end(text: &str, start: usize, value: &str, style: TScalarStyle) -> usize {
    let bytes = text.as_bytes();
    let rest = text.get(start..).unwrap_or("");
    match style {
        TScalarStyle::SingleQuoted => {
            let mut i = start + 1;
            while i < bytes.len() {
                if bytes[i] == b'\'' {
                    if bytes.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    return i + 1;
                }
                i += 1;
            }
            text.len()
        }
        TScalarStyle::DoubleQuoted => {
            let mut i = start + 1;
            while i < bytes.len() {
                match bytes[i] {
                    b'\\' => i += 2,
                    b'"' => return i + 1,
                    _ => i += 1,
                }
            }
            text.len()
        }
        TScalarStyle::Plain => {
            if value.is_empty() {
                start
            } else if rest.starts_with(value) {
                start + value.len()
            } else {
                // Multi-line plain scalar: end at its last word.
                last_word_end(rest, value).map(|e| start + e).unwrap_or_else(|| line_end(text, start))
            }
        }
        _ => {
            // Block scalar (`|`, `>`): end after the last content line.
            let last = value.trim_end().lines().last().unwrap_or("");
            if last.is_empty() {
                line_end(text, start)
            } else {
                rest.find(last.trim()).map(|p| start + p + last.trim().len()).unwrap_or_else(|| line_end(text, start))
            }
        }
    }
}

fn last_word_end(rest: &str, value: &str) -> Option<usize> {
    let last = value.split_whitespace().last()?;
    // Search within a window proportional to the value so a later repeat is not picked.
    let window = rest.get(..(value.len() * 2 + 64).min(rest.len())).unwrap_or(rest);
    window.rfind(last).map(|p| p + last.len())
}

fn line_end(text: &str, start: usize) -> usize {
    let rest = text.get(start..).unwrap_or("");
    let len = rest.find('\n').unwrap_or(rest.len());
    start + rest[..len].trim_end().len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice<'a>(text: &'a str, n: &Node) -> &'a str {
        &text[n.start..n.end]
    }

    #[test]
    fn a_self_referencing_alias_after_invalid_text_stays_inside_the_text() {
        // Found by the syntax_yaml fuzz target (fuzz/regressions/syntax_yaml/).
        let text = String::from_utf8_lossy(b": |\n \xe0\x9d\xdb\n: &a[*a]").into_owned();
        for doc in parse(&text).unwrap_or_default() {
            assert!(doc.start <= doc.end && doc.end <= text.len(), "{doc:?}");
        }
    }

    #[test]
    fn an_empty_implicit_map_in_a_flow_list_never_ends_before_it_starts() {
        let text = "permissions: [:]\n";
        let docs = parse(text).expect("parses");
        let list = docs[0].get("permissions").expect("list");
        let map = &list.items()[0];
        assert!(map.start <= map.end && list.start <= list.end, "{list:?}");
        assert_eq!(&text[list.start..list.end], "[:]");
    }

    #[test]
    fn flow_list_items_keep_their_spans() {
        let text = "keys:\n  - name: a\n    permissions: [read, trade, 'withdraw']\n    ip: \"0.0.0.0/0\"\n";
        let docs = parse(text).unwrap();
        let key = &docs[0].get("keys").unwrap().items()[0];
        let perms = key.get("permissions").unwrap();
        assert_eq!(slice(text, perms), "[read, trade, 'withdraw']");
        let items: Vec<&str> = perms.items().iter().map(|n| slice(text, n)).collect();
        assert_eq!(items, ["read", "trade", "'withdraw'"]);
        assert_eq!(slice(text, key.get("ip").unwrap()), "\"0.0.0.0/0\"");
        let e = key.entry("permissions").unwrap();
        assert_eq!(&text[e.key_start..e.key_end], "permissions");
    }

    #[test]
    fn multi_document_and_non_ascii_offsets_are_bytes() {
        let text = "owner: é\n---\nkeys: [x]\n";
        let docs = parse(text).unwrap();
        assert_eq!(docs.len(), 2);
        let x = &docs[1].get("keys").unwrap().items()[0];
        assert_eq!(slice(text, x), "x");
        assert_eq!(slice(text, docs[0].get("owner").unwrap()), "é");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(10_000);
        assert!(parse(&text).is_err());
        let text = format!("{}1{}", "[".repeat(100), "]".repeat(100));
        assert!(parse(&text).unwrap_err().message.contains("nesting"));
    }

    #[test]
    fn aliases_expand_within_a_budget() {
        let text = "base: &b {exchange: okx}\nkeys:\n  - <<: *b\n    name: x\n";
        let docs = parse(text).unwrap();
        let merged = docs[0].get("keys").unwrap().items()[0].get("<<").unwrap();
        let ex = merged.get("exchange").unwrap();
        assert_eq!(&text[ex.start..ex.end], "okx");
        // Billion laughs: nine levels of ten aliases each stay bounded.
        let mut lol = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (i, c) in "bcdefghij".chars().enumerate() {
            let prev = (b'a' + i as u8) as char;
            lol.push_str(&format!("{c}: &{c} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        let docs = parse(&lol).unwrap();
        assert!(node_count(&docs[0]) < 2 * MAX_ALIAS_NODES);
    }

    #[test]
    fn dates_and_block_sequences() {
        let text = "rotated: 2026-01-01\nlist:\n  - 10.0.0.1\n  - b\n";
        let docs = parse(text).unwrap();
        assert_eq!(docs[0].get("rotated").unwrap().kind, Kind::Date("2026-01-01".into()));
        let list = docs[0].get("list").unwrap();
        assert_eq!(slice(text, &list.items()[0]), "10.0.0.1");
    }
}
