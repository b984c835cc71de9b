//! TOML → span tree via toml_edit, which keeps byte spans of keys and values when parsed
//! (`ImDocument`); the `toml` crate used for typed config drops them. It is the parser `toml`
//! itself uses, so it adds no new dependency, and it bounds recursion on its own.

use super::tree::{is_date, Entry, Kind, Node, SyntaxError, MAX_DEPTH};
use toml_edit::{ImDocument, Item, Table, Value};

/// Parses a TOML document into a map node.
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    let doc = ImDocument::parse(text).map_err(|e| {
        let offset = e.span().map(|r| r.start).unwrap_or(0);
        SyntaxError::new(e.message().trim().to_string(), offset)
    })?;
    let mut root = table(doc.as_table(), 0)?;
    root.start = 0;
    root.end = text.len();
    Ok(root)
}

fn table(t: &Table, depth: usize) -> Result<Node, SyntaxError> {
    if depth >= MAX_DEPTH {
        return Err(SyntaxError::new("nesting too deep", t.span().map(|r| r.start).unwrap_or(0)));
    }
    let mut entries = Vec::new();
    for (key, item) in t.iter() {
        let value = match item_node(item, depth + 1)? {
            Some(v) => v,
            None => continue,
        };
        let (key_start, key_end) =
            t.key(key).and_then(|k| k.span()).map(|r| (r.start, r.end)).unwrap_or((value.start, value.start));
        entries.push(Entry { key: key.to_string(), key_start, key_end, value });
    }
    // toml_edit keeps entries in document order only per table; sort by position for determinism.
    entries.sort_by_key(|e| e.key_start);
    let header = t.span().map(|r| (r.start, r.end));
    let start = header.map(|h| h.0).or(entries.first().map(|e| e.key_start)).unwrap_or(0);
    let end = entries.iter().map(|e| e.value.end).max().or(header.map(|h| h.1)).unwrap_or(start);
    Ok(Node::new(Kind::Map(entries), start, end.max(start)))
}

fn item_node(item: &Item, depth: usize) -> Result<Option<Node>, SyntaxError> {
    Ok(match item {
        Item::None => None,
        Item::Value(v) => Some(value(v, depth)?),
        Item::Table(t) => Some(table(t, depth)?),
        Item::ArrayOfTables(arr) => {
            let mut items = Vec::new();
            for t in arr.iter() {
                items.push(table(t, depth + 1)?);
            }
            let start = items.first().map(|n| n.start).unwrap_or(0);
            let end = items.last().map(|n| n.end).unwrap_or(start);
            Some(Node::new(Kind::Seq(items), start, end))
        }
    })
}

fn value(v: &Value, depth: usize) -> Result<Node, SyntaxError> {
    let (start, end) = v.span().map(|r| (r.start, r.end)).unwrap_or((0, 0));
    if depth >= MAX_DEPTH {
        return Err(SyntaxError::new("nesting too deep", start));
    }
    let kind = match v {
        Value::String(s) => Kind::Str(s.value().clone()),
        Value::Integer(i) => Kind::Number(i.value().to_string()),
        Value::Float(f) => Kind::Number(f.value().to_string()),
        Value::Boolean(b) => Kind::Bool(*b.value()),
        Value::Datetime(d) => {
            let text = d.value().to_string();
            if is_date(&text) {
                Kind::Date(text)
            } else {
                Kind::Str(text)
            }
        }
        Value::Array(a) => {
            let mut items = Vec::new();
            for item in a.iter() {
                items.push(value(item, depth + 1)?);
            }
            Kind::Seq(items)
        }
        Value::InlineTable(t) => {
            let mut entries = Vec::new();
            for (key, item) in t.iter() {
                let node = value(item, depth + 1)?;
                let (ks, ke) =
                    t.key(key).and_then(|k| k.span()).map(|r| (r.start, r.end)).unwrap_or((node.start, node.start));
                entries.push(Entry { key: key.to_string(), key_start: ks, key_end: ke, value: node });
            }
            Kind::Map(entries)
        }
    };
    Ok(Node::new(kind, start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn array_of_tables_items_and_values_have_spans() {
        let text = "[[keys]]\nname = \"bybit-data\"\npermissions = [\"read\", \"withdraw\"]\nrotated = 2026-08-01\n";
        let root = parse(text).unwrap();
        let key = &root.get("keys").unwrap().items()[0];
        let perms = key.get("permissions").unwrap();
        let w = &perms.items()[1];
        assert_eq!(&text[w.start..w.end], "\"withdraw\"");
        assert_eq!(key.get("rotated").unwrap().kind, Kind::Date("2026-08-01".into()));
        let e = key.entry("name").unwrap();
        assert_eq!(&text[e.key_start..e.key_end], "name");
    }

    #[test]
    fn errors_carry_offsets() {
        let err = parse("a = \nb = 1").unwrap_err();
        assert!(err.offset <= 5);
        assert!(parse(&format!("a = {}1{}", "[".repeat(5000), "]".repeat(5000))).is_err());
    }
}
