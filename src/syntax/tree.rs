//! The format-neutral document tree: every node and every map key keeps its byte range in the
//! source, so a diagnostic can point at one item of a flow list.

/// Nesting deeper than this is rejected: hostile input must never overflow the stack, and no
/// real manifest or config nests anywhere near it.
pub const MAX_DEPTH: usize = 64;

/// Files larger than this are not parsed into a tree (declarations live in small files).
pub const MAX_TREE_BYTES: usize = 4 * 1024 * 1024;

/// What a node holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Map(Vec<Entry>),
    Seq(Vec<Node>),
    Str(String),
    /// Number as written (kept as text: policies compare counts, never floats).
    Number(String),
    Bool(bool),
    Null,
    /// A date `YYYY-MM-DD` (TOML local date, YAML plain scalar of that shape).
    Date(String),
}

/// One value with its byte range `start..end` in the source text.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
}

/// One map entry: the key text, the key's byte range, and the value.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_start: usize,
    pub key_end: usize,
    pub value: Node,
}

/// A syntax error at a byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub offset: usize,
}

impl SyntaxError {
    pub fn new(message: impl Into<String>, offset: usize) -> Self {
        SyntaxError { message: message.into(), offset }
    }
}

/// The three structured formats that can hold declarations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Json,
    Toml,
}

impl Format {
    /// Format from a file name's extension.
    pub fn from_path(path: &str) -> Option<Format> {
        let lower = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
        if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            Some(Format::Yaml)
        } else if lower.ends_with(".json") {
            Some(Format::Json)
        } else if lower.ends_with(".toml") {
            Some(Format::Toml)
        } else {
            None
        }
    }
}

/// Parses `text` into one tree per document (YAML may hold several, `---`-separated).
pub fn parse(format: Format, text: &str) -> Result<Vec<Node>, SyntaxError> {
    if text.len() > MAX_TREE_BYTES {
        return Err(SyntaxError::new(format!("file larger than {MAX_TREE_BYTES} bytes is not parsed"), 0));
    }
    let mut docs = match format {
        Format::Yaml => super::yaml::parse(text)?,
        Format::Json => vec![super::json::parse(text)?],
        Format::Toml => vec![super::toml::parse(text)?],
    };
    // Spans come from three parsers' markers: whatever they report, every span a caller slices
    // with is inside the text and on char boundaries.
    for doc in &mut docs {
        clamp_spans(doc, text);
    }
    Ok(docs)
}

fn clamp_spans(node: &mut Node, text: &str) {
    let (start, end) = clamp(text, node.start, node.end);
    (node.start, node.end) = (start, end);
    match &mut node.kind {
        Kind::Map(entries) => {
            for e in entries {
                (e.key_start, e.key_end) = clamp(text, e.key_start, e.key_end);
                clamp_spans(&mut e.value, text);
            }
        }
        Kind::Seq(items) => items.iter_mut().for_each(|n| clamp_spans(n, text)),
        _ => {}
    }
}

fn clamp(text: &str, start: usize, end: usize) -> (usize, usize) {
    let mut s = start.min(text.len());
    while !text.is_char_boundary(s) {
        s -= 1;
    }
    let mut e = end.clamp(s, text.len());
    while !text.is_char_boundary(e) {
        e += 1;
    }
    (s, e)
}

impl Node {
    /// A node never ends before it starts (an empty implicit map in `[:]` is reported by
    /// the parser with its end before its start).
    pub fn new(kind: Kind, start: usize, end: usize) -> Self {
        Node { kind, start, end: end.max(start) }
    }

    /// The entry for `key` in a map.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.kind {
            Kind::Map(entries) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    /// The value for `key` in a map.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    pub fn entries(&self) -> &[Entry] {
        match &self.kind {
            Kind::Map(entries) => entries,
            _ => &[],
        }
    }

    pub fn items(&self) -> &[Node] {
        match &self.kind {
            Kind::Seq(items) => items,
            _ => &[],
        }
    }

    /// Text of a string-like scalar (string, date, number, bool as written).
    pub fn scalar_text(&self) -> Option<String> {
        match &self.kind {
            Kind::Str(s) | Kind::Number(s) | Kind::Date(s) => Some(s.clone()),
            Kind::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The type name used in `expected string, found list` messages.
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            Kind::Map(_) => "map",
            Kind::Seq(_) => "list",
            Kind::Str(_) => "string",
            Kind::Number(_) => "number",
            Kind::Bool(_) => "bool",
            Kind::Null => "null",
            Kind::Date(_) => "date",
        }
    }
}

/// Resolves an untagged plain YAML scalar to its kind (YAML 1.2 core schema plus dates).
pub fn plain_scalar_kind(text: &str) -> Kind {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Kind::Null,
        "true" | "True" | "TRUE" => return Kind::Bool(true),
        "false" | "False" | "FALSE" => return Kind::Bool(false),
        _ => {}
    }
    if is_date(text) {
        return Kind::Date(text.to_string());
    }
    if is_number(text) {
        return Kind::Number(text.to_string());
    }
    Kind::Str(text.to_string())
}

/// `YYYY-MM-DD` exactly.
pub fn is_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

fn is_number(text: &str) -> bool {
    let t = text.strip_prefix(['-', '+']).unwrap_or(text);
    if t.is_empty() {
        return false;
    }
    let mut seen_digit = false;
    let mut seen_dot = false;
    for c in t.chars() {
        match c {
            '0'..='9' => seen_digit = true,
            '.' if !seen_dot => seen_dot = true,
            _ => return false,
        }
    }
    seen_digit
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_scalars_resolve_like_yaml_core_schema() {
        assert_eq!(plain_scalar_kind("2026-01-02"), Kind::Date("2026-01-02".into()));
        assert_eq!(plain_scalar_kind("42"), Kind::Number("42".into()));
        assert_eq!(plain_scalar_kind("true"), Kind::Bool(true));
        assert_eq!(plain_scalar_kind("~"), Kind::Null);
        assert_eq!(plain_scalar_kind("10.0.0.1"), Kind::Str("10.0.0.1".into()));
        assert_eq!(plain_scalar_kind("2026-1-02"), Kind::Str("2026-1-02".into()));
    }

    #[test]
    fn format_follows_extension() {
        assert_eq!(Format::from_path("a/b/exchange-keys.YML"), Some(Format::Yaml));
        assert_eq!(Format::from_path("x.toml"), Some(Format::Toml));
        assert_eq!(Format::from_path("x.env"), None);
    }
}

#[cfg(test)]
mod bom_tests {
    use super::*;

    #[test]
    fn a_byte_order_mark_is_not_a_syntax_error() {
        for (format, text) in [
            (Format::Json, "\u{feff}{\"keys\": [\"a\"]}"),
            (Format::Yaml, "\u{feff}keys: [a]\n"),
            (Format::Toml, "\u{feff}keys = [\"a\"]\n"),
        ] {
            let docs = parse(format, text).unwrap_or_else(|e| panic!("{format:?}: {e:?}"));
            let a = &docs[0].get("keys").unwrap_or_else(|| panic!("{format:?}: {docs:?}")).items()[0];
            assert_eq!(text[a.start..a.end].trim_matches('"'), "a", "{format:?}");
        }
    }
}
