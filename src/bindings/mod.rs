//! Bindings: what a file binds to which name, and the structure around it.
//!
//! Every file becomes a list of `Binding`s (a name as written, a decoded value, the value's span
//! in the file) inside a tree of `Structure`s (file, section, object, list item, call, table
//! row, XML element), plus its comments and the modules it imports. One producer per syntax
//! family fills them (`code` for code and line-oriented configs, `yaml`, `xml`, `table` for CSV,
//! `notebook` for Jupyter cells); none of them can fail, so unparseable text still yields
//! bindings. Detectors read bindings to decide what a value is and whose it is; the vocabulary
//! that maps names to credential parts and exchanges is data (`names`, rules/vocabulary.yaml).

pub mod code;
pub mod family;
pub mod lexer;
pub mod names;
pub mod notebook;
pub mod table;
pub mod xml;
pub mod yaml;

use serde::Serialize;

/// How the file text of a value decodes to the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Encoding {
    Raw,
    /// Backslash escapes (JSON, source strings).
    Escaped,
    /// Escaped twice (a string inside code inside a notebook).
    DoubleEscaped,
    /// Percent-encoded (URL query or userinfo).
    Url,
    /// XML entities.
    Xml,
    Base64,
    /// A YAML block scalar (indentation stripped).
    YamlBlock,
    /// String concatenation.
    Concat,
    /// Backslash-newline continuation.
    Continuation,
}

impl Encoding {
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Raw => "raw",
            Encoding::Escaped => "escaped",
            Encoding::DoubleEscaped => "double-escaped",
            Encoding::Url => "url",
            Encoding::Xml => "xml",
            Encoding::Base64 => "base64",
            Encoding::YamlBlock => "yaml-block",
            Encoding::Concat => "concat",
            Encoding::Continuation => "continuation",
        }
    }
}

/// How the value is bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// `name = value`, `name: value`, a keyword argument, a header, an XML element or attribute.
    Named,
    /// The n-th argument of a call (`Credentials::new("…", "…")`).
    Positional(u16),
    /// A cell under a header (CSV, SQL `INSERT … (cols) VALUES …`).
    Column,
    /// `scheme://user:password@host`: 0 = user, 1 = password.
    UrlUserinfo(u8),
    /// A value in prose: the name is the words before it (`Upbit access key \`…\``).
    Prose,
}

/// One value bound to a name.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    /// The name as written, quotes stripped (`OKX_API_KEY`, `apiKey`, `$cfg['okx']['secret']`);
    /// empty for positional arguments.
    pub name: String,
    /// File offset of the name (of the value when there is none).
    pub name_start: usize,
    /// The decoded value.
    pub value: String,
    /// File byte range of the value's text (content of a literal, without quotes).
    pub start: usize,
    pub end: usize,
    pub encoding: Encoding,
    /// A literal (quoted, or an unquoted config value) as opposed to an expression in code.
    pub literal: bool,
    pub role: Role,
    /// Index into `FileBindings::structures`.
    pub structure: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StructureKind {
    File,
    /// `[section]` of INI/TOML, a paragraph of a flat file.
    Section,
    /// A map, object literal or block (`{…}`, a YAML mapping, an HCL block).
    Object,
    /// A list (`[…]`, a YAML sequence).
    List,
    /// One item of a YAML sequence.
    Item,
    /// A call's argument list; `name` is the callee.
    Call,
    /// A table row (CSV, SQL `VALUES (…)`).
    Row,
    /// An XML element; `name` is the tag.
    Element,
    /// A value that holds more bindings (a URL, a YAML block scalar, `Environment="A=b"`).
    Value,
}

/// A structure that contains bindings.
#[derive(Debug, Clone, PartialEq)]
pub struct Structure {
    pub kind: StructureKind,
    /// What names it: the key it is bound to, the callee, the section or tag name.
    pub name: String,
    /// More words that say what it is about without naming it: a call's first argument
    /// (`new SecretVersion("kraken-funding", …)`), a YAML anchor (`&okx_main`).
    pub detail: String,
    pub parent: Option<usize>,
    pub start: usize,
    pub end: usize,
}

/// Everything the producers found in one file.
#[derive(Debug, Default, Clone)]
pub struct FileBindings {
    pub bindings: Vec<Binding>,
    pub structures: Vec<Structure>,
    /// File byte ranges of comments (and Markdown headings / prose lines that act as comments).
    pub comments: Vec<(usize, usize)>,
    /// Modules the file imports (`pybit.unified_trading`, `github.com/adshao/go-binance/v2`).
    pub imports: Vec<String>,
    /// Names the file imports, with their module (`HTTP` → `pybit.unified_trading`).
    pub imported: Vec<(String, String)>,
    /// Markdown headings: they name what their whole section is about.
    pub headings: Vec<(usize, usize)>,
    /// Variables passed to calls: (variable, call structure).
    pub uses: Vec<(String, usize)>,
    /// Calls whose result is assigned: (call structure, variable).
    pub assigned: Vec<(usize, String)>,
}

impl FileBindings {
    /// Ancestors of a structure, nearest first (the structure itself included).
    pub fn ancestors(&self, structure: usize) -> impl Iterator<Item = &Structure> + '_ {
        self.ancestors_indexed(structure).map(|(_, s)| s)
    }

    /// `ancestors` with each structure's index.
    pub fn ancestors_indexed(&self, structure: usize) -> impl Iterator<Item = (usize, &Structure)> + '_ {
        let mut next = Some(structure);
        let mut guard = 0;
        std::iter::from_fn(move || {
            let i = next?;
            guard += 1;
            if guard > 256 {
                return None;
            }
            let s = self.structures.get(i)?;
            next = s.parent;
            Some((i, s))
        })
    }
}

/// Maps offsets of the text a producer reads (a decoded notebook cell, a fenced block) to
/// offsets in the file.
#[derive(Debug, Clone)]
pub enum OffsetMap {
    /// The text is a slice of the file starting at this offset.
    Shift(usize),
    /// File offset of every byte of the text, plus one past its end.
    Table(Vec<usize>),
}

impl OffsetMap {
    pub fn file_offset(&self, off: usize) -> usize {
        match self {
            OffsetMap::Shift(base) => base + off,
            OffsetMap::Table(t) => t.get(off).or(t.last()).copied().unwrap_or(0),
        }
    }
}

/// Collects bindings for the producers: maps view offsets to file offsets and keeps the
/// structure tree.
pub struct Builder {
    pub out: FileBindings,
    maps: Vec<(OffsetMap, Option<Encoding>)>,
    /// Values nested in values (a URL inside a string inside a notebook) stop here.
    depth: usize,
}

/// Most bindings kept per file: a generated file of millions of `k=v` pairs must not cost
/// unbounded memory (detection only needs the ones near exchange words).
const MAX_BINDINGS: usize = 200_000;
const MAX_NESTING: usize = 3;

impl Builder {
    pub fn new(len: usize) -> Self {
        let mut out = FileBindings::default();
        out.structures.push(Structure {
            kind: StructureKind::File,
            name: String::new(),
            detail: String::new(),
            parent: None,
            start: 0,
            end: len,
        });
        Builder { out, maps: vec![(OffsetMap::Shift(0), None)], depth: 0 }
    }

    fn map(&self) -> &OffsetMap {
        self.maps.last().map(|m| &m.0).unwrap_or(&OffsetMap::Shift(0))
    }

    /// File offset of an offset in the current view.
    pub fn at(&self, off: usize) -> usize {
        self.map().file_offset(off)
    }

    /// Runs `f` on a view of decoded text (`layer`: how the view itself is encoded in the file).
    pub fn with_view<R>(
        &mut self,
        map: OffsetMap,
        layer: Option<Encoding>,
        f: impl FnOnce(&mut Builder) -> R,
    ) -> Option<R> {
        if self.depth >= MAX_NESTING {
            return None;
        }
        let outer = self.maps.last().and_then(|m| m.1);
        let layer = match (outer, layer) {
            (Some(_), Some(Encoding::Escaped)) | (Some(Encoding::Escaped), Some(_)) => Some(Encoding::DoubleEscaped),
            (o, l) => l.or(o),
        };
        // Compose with the enclosing view: a view of a view maps through both.
        let composed = match (self.map(), map) {
            (OffsetMap::Shift(a), OffsetMap::Shift(b)) => OffsetMap::Shift(a + b),
            (outer, OffsetMap::Shift(b)) => match outer {
                OffsetMap::Table(t) => OffsetMap::Table(t.iter().skip(b).copied().collect()),
                OffsetMap::Shift(_) => OffsetMap::Shift(b),
            },
            (outer, OffsetMap::Table(t)) => OffsetMap::Table(t.into_iter().map(|o| outer.file_offset(o)).collect()),
        };
        self.maps.push((composed, layer));
        self.depth += 1;
        let r = f(self);
        self.depth -= 1;
        self.maps.pop();
        Some(r)
    }

    pub fn nesting(&self) -> usize {
        self.depth
    }

    /// Opens a structure; offsets are in the current view.
    pub fn open(&mut self, kind: StructureKind, name: &str, parent: usize, start: usize) -> usize {
        let start = self.at(start);
        self.out.structures.push(Structure {
            kind,
            name: clip(name, 256).to_string(),
            detail: String::new(),
            parent: Some(parent),
            start,
            end: start,
        });
        self.out.structures.len() - 1
    }

    /// Adds context words to a structure (see `Structure::detail`).
    pub fn detail(&mut self, structure: usize, words: &str) {
        if let Some(s) = self.out.structures.get_mut(structure) {
            if s.detail.len() < 200 {
                if !s.detail.is_empty() {
                    s.detail.push(' ');
                }
                s.detail.push_str(clip(words, 100));
            }
        }
    }

    pub fn close(&mut self, structure: usize, end: usize) {
        let end = self.at(end);
        if let Some(s) = self.out.structures.get_mut(structure) {
            s.end = end.max(s.start);
        }
    }

    pub fn comment(&mut self, start: usize, end: usize) {
        let (s, e) = (self.at(start), self.at(end));
        self.out.comments.push((s, e.max(s)));
    }

    pub fn heading(&mut self, start: usize, end: usize) {
        let (s, e) = (self.at(start), self.at(end));
        self.out.headings.push((s, e.max(s)));
    }

    /// Records that variable `var` is passed to the call `structure`.
    pub fn uses(&mut self, var: &str, structure: usize) {
        if self.out.uses.len() < 4096 && var.len() <= 128 {
            self.out.uses.push((var.to_string(), structure));
        }
    }

    /// Records that the result of call `structure` is assigned to `var`.
    pub fn assigned(&mut self, structure: usize, var: &str) {
        if self.out.assigned.len() < 4096 && var.len() <= 128 {
            self.out.assigned.push((structure, var.to_string()));
        }
    }

    pub fn import_name(&mut self, name: &str, module: &str) {
        if self.out.imported.len() < 512 && !name.is_empty() {
            self.out.imported.push((clip(name, 100).to_string(), clip(module, 200).to_string()));
        }
    }

    pub fn import(&mut self, module: &str) {
        if self.out.imports.len() < 256 && !module.is_empty() {
            self.out.imports.push(clip(module, 200).to_string());
        }
    }

    /// Adds a binding; `start..end` (value) and `name_start` are offsets in the current view.
    #[allow(clippy::too_many_arguments)]
    pub fn bind(
        &mut self,
        name: &str,
        name_start: usize,
        value: String,
        start: usize,
        end: usize,
        encoding: Encoding,
        literal: bool,
        role: Role,
        structure: usize,
    ) -> Option<usize> {
        if self.out.bindings.len() >= MAX_BINDINGS || !worth_keeping(name, &value, role) {
            return None;
        }
        let layer = self.maps.last().and_then(|m| m.1);
        let encoding = match (layer, encoding) {
            (None, e) => e,
            (Some(l), Encoding::Raw) => l,
            (Some(_), Encoding::Escaped) => Encoding::DoubleEscaped,
            (Some(_), e) => e,
        };
        let (s, e) = (self.at(start), self.at(end));
        // `${OKX_KEY:-literal}`, Spring `${okx.secret:literal}`: the default is a value of its own.
        let default = if literal && encoding == Encoding::Raw && value.len() == end.saturating_sub(start) {
            env_default(&value).map(|(var, off, len)| (var.to_string(), value[off..off + len].to_string(), off))
        } else {
            None
        };
        self.out.bindings.push(Binding {
            name: clip(name, 256).to_string(),
            name_start: self.at(name_start),
            value,
            start: s,
            end: e.max(s),
            encoding,
            literal,
            role,
            structure,
        });
        let index = self.out.bindings.len() - 1;
        if let Some((var, default, off)) = default {
            let (ds, de) = (self.at(start + off), self.at(start + off + default.len()));
            self.out.bindings.push(Binding {
                name: var,
                name_start: self.at(start),
                value: default,
                start: ds,
                end: de,
                encoding: Encoding::Raw,
                literal: true,
                role: Role::Named,
                structure,
            });
        }
        Some(index)
    }

    pub fn finish(mut self) -> FileBindings {
        pair_bindings(&mut self.out);
        self.out
    }
}

/// `${NAME:-default}` / `${NAME-default}` / `${NAME:=default}` / Spring `${name:default}`:
/// (the variable, the default's offset and length in `value`).
pub fn env_default(value: &str) -> Option<(&str, usize, usize)> {
    let inner = value.strip_prefix("${")?.strip_suffix('}')?;
    if inner.contains(['{', '}', '$']) {
        return None;
    }
    let name_len = inner.find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))?;
    let rest = &inner[name_len..];
    let sep = [":-", ":=", ":?", ":", "-", "="].iter().find(|s| rest.starts_with(**s))?;
    let default = &rest[sep.len()..];
    if default.is_empty() || *sep == ":?" {
        return None;
    }
    Some((&inner[..name_len], 2 + name_len + sep.len(), default.len()))
}

/// Whether a binding can matter to any stage: a credential name, a field that can name an
/// exchange or another value (`exchange`, `name`, `key`/`value` pairs, a URL), or a value that
/// says what it is (a URL, a PEM block, a CDP key name). A record's `price` or `qty` is dropped,
/// which keeps memory in proportion to what is worth looking at.
fn worth_keeping(name: &str, value: &str, role: Role) -> bool {
    const FIELDS: &[&str] = &[
        "exchange",
        "venue",
        "broker",
        "platform",
        "connector",
        "provider",
        "market",
        "name",
        "id",
        "label",
        "account",
        "service",
        "source",
        "type",
        "cex",
        "integration",
        "value",
        "default",
        "env",
        "envconfig",
        "var",
        "variable",
        "parameter",
        "param",
        "header",
        "field",
        "setting",
        "host",
        "url",
        "uri",
        "endpoint",
        "base",
    ];
    let self_describing = value.contains("://")
        || value.contains("PRIVATE KEY")
        || value.starts_with("organizations/")
        || value.starts_with("LS0tLS1CRUdJTi");
    if self_describing {
        return true;
    }
    match role {
        Role::Positional(_) => {
            // Keys, names and exchange words (a column of `["gemini", "bybit"]`); not prose.
            (value.len() >= 3 && !value.contains(char::is_whitespace))
                || (value.len() <= 128 && names::could_name_credential(value))
        }
        Role::UrlUserinfo(_) | Role::Prose => true,
        Role::Named | Role::Column => {
            if names::could_name_credential(name) {
                return true;
            }
            let lower = name.to_ascii_lowercase();
            let tail = lower.trim_end_matches(|c: char| !c.is_ascii_alphanumeric());
            FIELDS.iter().any(|f| tail.ends_with(f))
        }
    }
}

/// The longest prefix of `s` of at most `max` bytes that ends on a char boundary.
pub fn clip(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut i = max;
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    &s[..i]
}

/// Name/value pair objects (`{"key": "okx_api_key", "value": "…"}`, `{ name = "X", value = "…" }`,
/// `<add key="X" value="…"/>`, Kubernetes `env` items, `Name | Value` table rows): the value of the naming field becomes
/// the name of the value field.
fn pair_bindings(fb: &mut FileBindings) {
    let vocab = names::Vocabulary::get();
    let mut by_structure: std::collections::BTreeMap<usize, (Option<usize>, Option<usize>)> = Default::default();
    for (i, b) in fb.bindings.iter().enumerate() {
        // Columns too: a `| Variable | Value |` table row is a name/value pair.
        if !matches!(b.role, Role::Named | Role::Column) || !b.literal {
            continue;
        }
        let key = names::joined(&b.name);
        let slot = by_structure.entry(b.structure).or_default();
        if vocab.is_pair_name(&key) && slot.0.is_none() && names::is_name_like(&b.value) {
            slot.0 = Some(i);
        } else if vocab.is_pair_value(&key) && slot.1.is_none() {
            slot.1 = Some(i);
        }
    }
    // Postman `apikey` auth lists one level further: `[{"key": "key", "value": "OK-ACCESS-KEY"},
    // {"key": "value", "value": "…"}]`: the `value` item is named by the `key` item beside it.
    let mut named_key_items: std::collections::BTreeMap<usize, usize> = Default::default();
    for (&si, &(n, v)) in &by_structure {
        let (Some(n), Some(v)) = (n, v) else { continue };
        let parent = fb.structures.get(si).and_then(|s| s.parent);
        if let Some(parent) =
            parent.filter(|_| fb.bindings[n].value == "key" && names::is_name_like(&fb.bindings[v].value))
        {
            named_key_items.insert(parent, v);
        }
    }
    for (si, (n, v)) in by_structure {
        let (Some(n), Some(v)) = (n, v) else { continue };
        let mut name_from = n;
        if fb.bindings[n].value == "value" {
            let parent = fb.structures.get(si).and_then(|s| s.parent);
            if let Some(&k) = parent.and_then(|p| named_key_items.get(&p)) {
                name_from = k;
                fb.bindings[k].literal = false;
            }
        }
        let name = fb.bindings[name_from].value.clone();
        let name_start = fb.bindings[name_from].start;
        fb.bindings[v].name = name;
        fb.bindings[v].name_start = name_start;
        // The naming field holds a name, not a value.
        fb.bindings[n].literal = false;
    }
}

/// Produces the bindings of one file.
pub fn collect(path: &str, text: &str) -> FileBindings {
    let mut b = Builder::new(text.len());
    family::produce(path, text, &mut b, 0);
    whole_file_value(path, text, &mut b);
    b.finish()
}

/// The bindings of some byte ranges of a file only (each a run of whole lines): large files
/// are read around their exchange words.
pub fn collect_windows(path: &str, text: &str, windows: &[(usize, usize)]) -> FileBindings {
    let mut b = Builder::new(text.len());
    let family = family::of(path);
    for &(start, end) in windows {
        let Some(part) = text.get(start..end) else { continue };
        let section = b.open(StructureKind::Section, "", 0, start);
        b.close(section, end);
        b.with_view(OffsetMap::Shift(start), None, |b| family::produce_family(family, part, b, section));
    }
    b.finish()
}

/// A file that holds one value and nothing else (`secrets/htx-access-key.txt`, a Docker or
/// Kubernetes secret file): the file's name is the value's name.
fn whole_file_value(path: &str, text: &str, b: &mut Builder) {
    let value = text.trim();
    if value.len() < 8 || value.len() > 8192 || value.contains(char::is_whitespace) {
        return;
    }
    let file = path.rsplit('/').next().unwrap_or(path);
    let stem = file.split('.').next().unwrap_or(file);
    if names::Vocabulary::get().classify(stem).part.is_none() {
        return;
    }
    let start = text.len() - text.trim_start().len();
    b.bind(stem, 0, value.to_string(), start, start + value.len(), Encoding::Raw, true, Role::Named, 0);
}

#[cfg(test)]
mod tests;
