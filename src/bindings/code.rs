//! The producer for source code and line-oriented configs (`.env`, shell, Makefile, Dockerfile,
//! systemd, INI/TOML/.properties, HTTP files and logs, JSON, HCL, SQL), over the tolerant lexer.
//!
//! Bindings come from: `name <sep> value` for every separator these languages use (`=`, `:`,
//! `:=`, `=>`, `?=`, `::=`) with type annotations skipped (`const k: string = …`,
//! `var k string = …`); string concatenation (`"a" + "b"`, `'a' . 'b'`, adjacent literals,
//! `.=`); keyword and positional call arguments; two-string calls (`define('K', 'v')`,
//! `System.setProperty("k", "v")`, `os.getenv("K", "default")`); literal defaults of env reads
//! (`$_ENV['K'] ?? 'v'`, `process.env.K || "v"`, `ENV.fetch("K") { "v" }`); SQL
//! `INSERT … (cols) VALUES (…)` rows; and, inside any literal value, URLs (query parameters and
//! `user:password@`) and `NAME=value` / `Header: value` pairs. Brackets open structures (objects,
//! lists, calls); `[section]` lines and blank-line-separated paragraphs group flat files.

use super::lexer::{self, Kind, Quote, Token};
use super::{Builder, Encoding, OffsetMap, Role, StructureKind};

/// The language (or config flavour) of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Env,
    Shell,
    Make,
    Ini,
    Http,
    Generic,
    Python,
    JavaScript,
    Go,
    Rust,
    Java,
    CSharp,
    Php,
    Ruby,
    Json,
    Hcl,
    Sql,
}

/// How to read a text.
#[derive(Debug, Clone, Copy)]
pub struct Mode {
    pub lang: Lang,
    /// Line-oriented config: unquoted values are literals, `Name: value` at line start binds.
    pub lines: bool,
    /// Unquoted values run to the end of the line (minus a comment) instead of to whitespace.
    pub value_to_eol: bool,
    pub lex: lexer::Options,
}

impl Mode {
    pub fn lines(lang: Lang) -> Mode {
        let shellish = matches!(lang, Lang::Env | Lang::Shell | Lang::Make);
        Mode {
            lang,
            lines: true,
            value_to_eol: matches!(lang, Lang::Env | Lang::Ini | Lang::Http),
            lex: lexer::Options {
                hash_comments: true,
                semicolon_line_comments: lang == Lang::Ini,
                single_quotes: Some(Quote::SingleRaw),
                double_quote: Some(if shellish { Quote::ShellDouble } else { Quote::Double }),
                triple_quotes: lang == Lang::Ini,
                prefixed_strings: lang == Lang::Shell || lang == Lang::Env,
                dash_in_words: true,
                heredocs: lang == Lang::Shell,
                ..lexer::Options::default()
            },
        }
    }

    pub fn code(lang: Lang) -> Mode {
        let mut lex = lexer::Options {
            double_quote: Some(Quote::Double),
            single_quotes: Some(Quote::SingleEscaped),
            ..lexer::Options::default()
        };
        match lang {
            Lang::Python => {
                lex.hash_comments = true;
                lex.triple_quotes = true;
                lex.prefixed_strings = true;
            }
            Lang::JavaScript => {
                lex.slash_comments = true;
                lex.backtick = Some(Quote::Template);
            }
            Lang::Go => {
                lex.slash_comments = true;
                lex.backtick = Some(Quote::Raw);
            }
            Lang::Rust => {
                lex.slash_comments = true;
                lex.single_quotes = None;
                lex.prefixed_strings = true;
            }
            Lang::Java => {
                lex.slash_comments = true;
                lex.triple_quotes = true;
            }
            Lang::CSharp => {
                lex.slash_comments = true;
                lex.prefixed_strings = true;
                lex.triple_quotes = true;
            }
            Lang::Php => {
                lex.slash_comments = true;
                lex.hash_comments = true;
                lex.single_quotes = Some(Quote::SingleMinimal);
            }
            Lang::Ruby => {
                lex.hash_comments = true;
                lex.single_quotes = Some(Quote::SingleMinimal);
                lex.heredocs = true;
            }
            Lang::Json => {
                lex.slash_comments = true;
                lex.single_quotes = None;
            }
            Lang::Hcl => {
                lex.slash_comments = true;
                lex.hash_comments = true;
                lex.single_quotes = None;
                lex.heredocs = true;
            }
            Lang::Sql => {
                lex.dash_comments = true;
                lex.hash_comments = false;
                lex.single_quotes = Some(Quote::SingleRaw);
                lex.backtick = Some(Quote::Raw);
            }
            _ => {
                lex.hash_comments = true;
            }
        }
        Mode { lang, lines: false, value_to_eol: false, lex }
    }
}

/// An element of an open call or group, as far as the binder cares.
#[derive(Debug, Clone)]
enum Arg {
    /// A literal: its decoded value and the binding made for it.
    Literal(String, usize),
    /// A bare word (`set(GEMINI_API_SECRET "…")`, Erlang `{api_key, "…"}`).
    Word(String),
    /// Anything else (it still takes its position).
    Other,
}

impl Arg {
    fn text(&self) -> &str {
        match self {
            Arg::Literal(v, _) | Arg::Word(v) => v,
            Arg::Other => "",
        }
    }
}

#[derive(Debug)]
struct Frame {
    structure: usize,
    opener: u8,
    /// `(` of a call (as opposed to grouping or a row).
    call: bool,
    callee: String,
    arg: u16,
    args: Vec<Option<Arg>>,
    /// `ENV.fetch("K") { "v" }`: a block whose lone literal is the default of env var `K`.
    default_of: Option<String>,
    /// Column names of an SQL `VALUES` row (or of the column list being read).
    columns: Option<Vec<String>>,
    /// Go `import ( … )` / a `require(…)` call: its literals are module names.
    imports: bool,
    /// The `(cols)` list of an SQL `INSERT`.
    column_list: bool,
    /// Words seen directly inside (column lists).
    words: Vec<String>,
}

/// SQL `INSERT INTO t (cols) VALUES (…), (…)` progress.
#[derive(Debug, Clone, PartialEq)]
enum Sql {
    Idle,
    Insert,
    Columns(Vec<String>),
    Rows(Vec<String>),
}

struct Parser<'t, 'b> {
    text: &'t str,
    mode: &'t Mode,
    toks: Vec<lexer::Packed>,
    b: &'b mut Builder,
    root: usize,
    frames: Vec<Frame>,
    /// `[section]` of a flat file, and the paragraph (blank-line-separated block) inside it.
    section: Option<usize>,
    paragraph: Option<usize>,
    blank_run: usize,
    sql: Sql,
    /// Names of literal bindings per structure, for `.=` / `+=` appends.
    last_literal: Option<(usize, String, usize)>,
    /// The call that just closed (for `ENV.fetch("K") { "v" }`).
    closed_call: Option<(usize, Option<String>)>,
    /// The name the next call's result is assigned to.
    assign_next_call: Option<String>,
}

/// Runs the producer over `text` (a whole file or a view), binding into `parent`.
pub fn produce(text: &str, mode: &Mode, b: &mut Builder, parent: usize) {
    let toks = lexer::lex_packed(text, &mode.lex);
    let mut p = Parser {
        text,
        mode,
        toks,
        b,
        root: parent,
        frames: Vec::new(),
        section: None,
        paragraph: None,
        blank_run: 0,
        sql: Sql::Idle,
        last_literal: None,
        closed_call: None,
        assign_next_call: None,
    };
    p.run();
}

/// Markdown and plain text: the line producer over the whole text (headings are `#` comments),
/// fenced code blocks also through their language's producer, and inline code spans read as
/// prose bindings named by the words before them.
pub fn produce_markdown(text: &str, b: &mut Builder, parent: usize) {
    produce(text, &Mode::lines(Lang::Http), b, parent);
    let mut offset = 0;
    let mut fence: Option<(usize, Option<super::family::Family>)> = None;
    // The previous line when it was plain text: a setext / reST underline makes it a heading.
    let mut text_line: Option<(usize, usize)> = None;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let prev_text = text_line.take();
        if fence.is_none() && line.starts_with('#') {
            b.heading(offset, offset + line.trim_end().len());
        } else if fence.is_none() && is_underline(line) {
            if let Some((s, e)) = prev_text {
                b.heading(s, e);
            }
        } else if fence.is_none() && is_prose(trimmed) {
            // A sentence right above a table or field list names what it holds, as a comment
            // would ("The shared Deribit account:").
            let end = offset + line.trim_end().len();
            b.comment(offset, end);
            text_line = Some((offset, end));
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            match fence.take() {
                Some((start, Some(family))) => {
                    let body = &text[start..offset];
                    b.with_view(OffsetMap::Shift(start), None, |b| {
                        super::family::produce_family(family, body, b, parent)
                    });
                }
                Some((_, None)) => {}
                None => {
                    let info = trimmed.trim_start_matches(['`', '~']).trim().to_ascii_lowercase();
                    let family = fence_family(info.split_whitespace().next().unwrap_or(""));
                    fence = Some((offset + line.len(), family));
                }
            }
        } else if fence.is_none() {
            prose_spans(line, offset, b, parent);
            field_list_item(line, offset, b, parent);
            list_item_field(line, offset, b, parent);
        }
        offset += line.len();
    }
    let bytes = text.as_bytes();
    if memchr::memchr(b'|', bytes).is_some() && memchr::memmem::find(bytes, b"--").is_some() {
        super::table::produce_pipe_tables(text, b, parent);
    }
    if memchr::memmem::find(bytes, b"<td").is_some() || memchr::memmem::find(bytes, b"<TD").is_some() {
        super::table::produce_html_tables(text, b, parent);
    }
}

/// `=====`, `-----`, `~~~~`: a setext (Markdown) or reStructuredText section underline.
fn is_underline(line: &str) -> bool {
    let t = line.trim_end();
    t.len() >= 3
        && !t.starts_with(' ')
        && t.bytes().all(|c| c == t.as_bytes()[0])
        && matches!(t.as_bytes()[0], b'=' | b'-' | b'~' | b'^' | b'*' | b'+')
}

/// A line of running text: not blank, not a table row, list marker line or field.
fn is_prose(trimmed: &str) -> bool {
    trimmed.len() > 2 && trimmed.as_bytes()[0].is_ascii_alphabetic() && !trimmed.contains('|')
}

/// A reStructuredText / Sphinx field list item: `:API secret: value` binds the value to the
/// field name.
fn field_list_item(line: &str, offset: usize, b: &mut Builder, parent: usize) {
    let lead = line.len() - line.trim_start().len();
    let Some(rest) = line[lead..].strip_prefix(':') else { return };
    let Some(close) = rest.find(": ").filter(|&c| c > 0 && c <= 64) else { return };
    let name = &rest[..close];
    if name.contains(['`', ':']) {
        return;
    }
    let after = &rest[close + 1..];
    let value = after.trim();
    if value.is_empty() || value.contains(' ') {
        return;
    }
    let start = offset + lead + 1 + close + 1 + (after.len() - after.trim_start().len());
    b.bind(
        name,
        offset + lead + 1,
        value.to_string(),
        start,
        start + value.len(),
        Encoding::Raw,
        true,
        Role::Named,
        parent,
    );
}

/// A Markdown list item naming its value: `` - `binance-rsa.pem`: value ``, `- **API key**: value`,
/// `* Secret: value` binds the value to the name (backticks and emphasis dropped).
fn list_item_field(line: &str, offset: usize, b: &mut Builder, parent: usize) {
    let lead = line.len() - line.trim_start().len();
    let Some(rest) = line[lead..].strip_prefix(['-', '*', '+']).filter(|r| r.starts_with(' ')) else { return };
    let item = lead + 1 + (rest.len() - rest.trim_start().len());
    let body = &line[item..];
    let Some(close) = body.find(": ").filter(|&c| c > 0 && c <= 80) else { return };
    let name = body[..close].trim_matches(['`', '*', '_']);
    if name.is_empty() || name.contains(['`', ':', '[', '(']) {
        return;
    }
    let after = &body[close + 1..];
    let value = after.trim().trim_matches('`');
    if value.len() < 8 || value.contains(char::is_whitespace) {
        return;
    }
    let start = offset + item + close + 1 + (after.len() - after.trim_start().len());
    let start = start + usize::from(after.trim_start().starts_with('`'));
    let name_start = offset + item + body[..close].find(name).unwrap_or(0);
    b.bind(name, name_start, value.to_string(), start, start + value.len(), Encoding::Raw, true, Role::Named, parent);
}

fn fence_family(info: &str) -> Option<super::family::Family> {
    use super::family::Family;
    Some(match info {
        "python" | "py" | "python3" | "ipython" => Family::Code(Lang::Python),
        "js" | "javascript" | "ts" | "typescript" | "jsx" | "tsx" | "node" => Family::Code(Lang::JavaScript),
        "go" | "golang" => Family::Code(Lang::Go),
        "rust" | "rs" => Family::Code(Lang::Rust),
        "java" | "kotlin" | "kt" | "c" | "cpp" | "swift" | "scala" => Family::Code(Lang::Java),
        "cs" | "csharp" | "c#" => Family::Code(Lang::CSharp),
        "php" => Family::Code(Lang::Php),
        "ruby" | "rb" => Family::Code(Lang::Ruby),
        "json" | "jsonc" | "json5" => Family::Code(Lang::Json),
        "hcl" | "terraform" | "tf" => Family::Code(Lang::Hcl),
        "sql" => Family::Code(Lang::Sql),
        "yaml" | "yml" => Family::Yaml,
        "xml" => Family::Xml,
        "toml" | "ini" => Family::Lines(Lang::Ini),
        _ => return None,
    })
}

/// Inline code spans in prose: `` Upbit access key `…` `` binds the span to the words before it.
fn prose_spans(line: &str, offset: usize, b: &mut Builder, parent: usize) {
    let bytes = line.as_bytes();
    let mut i = 0;
    while let Some(open) = memchr::memchr(b'`', &bytes[i..]).map(|p| i + p) {
        let Some(close) = memchr::memchr(b'`', &bytes[open + 1..]).map(|p| open + 1 + p) else { break };
        let value = &line[open + 1..close];
        i = close + 1;
        if value.len() < 8 || value.contains(' ') {
            continue;
        }
        let before = &line[..open];
        let words: Vec<&str> = before
            .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '.'))
            .filter(|w| !w.is_empty())
            .collect();
        let name = words[words.len().saturating_sub(6)..].join(" ");
        if name.is_empty() {
            continue;
        }
        b.bind(
            &name,
            offset,
            value.to_string(),
            offset + open + 1,
            offset + close,
            Encoding::Raw,
            true,
            Role::Prose,
            parent,
        );
    }
}

const SEPARATORS: &[&str] = &["=", ":", ":=", "=>", "?=", "::=", ":::=", ".=", "+="];

/// Words after which `(` is not a call.
const NOT_CALLEES: &[&str] = &[
    "if", "for", "while", "switch", "return", "catch", "elif", "and", "or", "not", "in", "print", "with", "when",
    "match",
];

impl Parser<'_, '_> {
    /// Token `k` (callers keep `k` in range).
    fn tok(&self, k: usize) -> Token {
        self.toks[k].unpack()
    }

    fn tok_get(&self, k: usize) -> Option<Token> {
        self.toks.get(k).map(|t| t.unpack())
    }

    fn run(&mut self) {
        let n = self.toks.len();
        let mut k = 0;
        while k < n {
            let t = self.tok(k);
            match t.kind {
                Kind::Comment => {
                    self.b.comment(t.start, t.end);
                    self.blank_run = 0;
                    self.commented_out(t);
                    k += 1;
                }
                Kind::Newline => {
                    self.blank_run += 1;
                    if self.blank_run >= 2 && self.frames.is_empty() {
                        self.close_paragraph(t.start);
                    }
                    k += 1;
                }
                _ => {
                    let at_line_start = self.blank_run > 0 || self.prev_sig(k).is_none();
                    self.blank_run = 0;
                    k = self.step(k, at_line_start);
                }
            }
        }
        let end = self.text.len();
        while let Some(f) = self.frames.pop() {
            self.b.close(f.structure, end);
        }
        self.close_paragraph(end);
        if let Some(s) = self.section.take() {
            self.b.close(s, end);
        }
    }

    /// A commented-out assignment is still a committed value: `# OKX_SECRET=…`,
    /// `// apiKey: "…"`. The comment's text (without its marker) is read as config lines.
    fn commented_out(&mut self, t: Token) {
        let text = t.text(self.text);
        if text.len() > 4096 || !(text.contains('=') || text.contains(": ")) || self.b.nesting() > 0 {
            return;
        }
        let body_off =
            text.find(|c: char| !matches!(c, '#' | '/' | '*' | '-' | ';' | '!' | '<' | ' ')).unwrap_or(text.len());
        let body = text[body_off..].trim_end_matches(['*', '/', '>', '-', ' ']).to_string();
        if body.is_empty() {
            return;
        }
        let parent =
            self.frames.last().map(|f| f.structure).or(self.paragraph).unwrap_or(self.section.unwrap_or(self.root));
        self.b.with_view(OffsetMap::Shift(t.start + body_off), None, |b| {
            produce(&body, &Mode::lines(Lang::Shell), b, parent);
        });
    }

    /// The structure new bindings go into.
    fn container(&mut self, at: usize) -> usize {
        if let Some(f) = self.frames.last() {
            return f.structure;
        }
        if let Some(p) = self.paragraph {
            return p;
        }
        let parent = self.section.unwrap_or(self.root);
        let p = self.b.open(StructureKind::Section, "", parent, at);
        self.paragraph = Some(p);
        p
    }

    fn close_paragraph(&mut self, at: usize) {
        if let Some(p) = self.paragraph.take() {
            self.b.close(p, at);
        }
    }

    /// Previous significant token (not a comment), on any line.
    fn prev_sig(&self, k: usize) -> Option<usize> {
        (0..k).rev().find(|&i| self.tok(i).kind != Kind::Comment).filter(|&i| self.tok(i).kind != Kind::Newline)
    }

    /// Previous token that is neither a comment nor a newline.
    fn prev_tok(&self, k: usize) -> Option<usize> {
        (0..k).rev().take(64).find(|&i| !matches!(self.tok(i).kind, Kind::Comment | Kind::Newline))
    }

    /// Next token that is neither a comment nor (if `lines` is false) a newline.
    fn next_tok(&self, k: usize, cross_lines: bool) -> Option<usize> {
        let mut i = k + 1;
        while i < self.toks.len() {
            match self.tok(i).kind {
                Kind::Comment => {}
                Kind::Newline if cross_lines => {}
                Kind::Newline => return None,
                _ => return Some(i),
            }
            i += 1;
        }
        None
    }

    fn punct(&self, k: usize) -> &str {
        let t = self.tok(k);
        if t.kind == Kind::Punct {
            t.text(self.text)
        } else {
            ""
        }
    }

    fn step(&mut self, k: usize, at_line_start: bool) -> usize {
        let t = self.tok(k);
        match t.kind {
            Kind::Punct => self.punctuation(k, at_line_start),
            Kind::Word => self.word(k, at_line_start),
            Kind::Str(_) => self.literal_token(k),
            _ => k + 1,
        }
    }

    fn word(&mut self, k: usize, at_line_start: bool) -> usize {
        let w = self.tok(k).text(self.text);
        // Keywords are short: lower-case only those (no allocation per word).
        let mut buf = [0u8; 16];
        let lower = if w.len() <= 16 {
            buf[..w.len()].copy_from_slice(w.as_bytes());
            buf[..w.len()].make_ascii_lowercase();
            std::str::from_utf8(&buf[..w.len()]).unwrap_or("")
        } else {
            ""
        };
        if self.mode.lang == Lang::Sql {
            if let Some(f) = self.frames.last_mut().filter(|f| f.column_list) {
                f.words.push(w.to_string());
                return k + 1;
            }
            match lower {
                "insert" | "replace" => self.sql = Sql::Insert,
                "values" => {
                    if let Sql::Columns(cols) = &self.sql {
                        self.sql = Sql::Rows(cols.clone());
                    }
                }
                _ => {}
            }
        }
        if !self.mode.lines
            && matches!(lower, "import" | "from" | "require" | "using" | "use" | "require_once" | "include_once")
        {
            return self.import(k);
        }
        // Dockerfile `ENV NAME value` (the legacy form without `=`).
        if self.mode.lines && at_line_start && (w == "ENV" || w == "ARG") {
            if let (Some(n), Some(v)) = (self.next_tok(k, false), self.next_tok(k + 1, false)) {
                let nt = self.tok(n);
                if nt.kind == Kind::Word && !self.tok(v).is_punct(self.text, "=") && nt.end < self.tok(v).start {
                    let name = nt.text(self.text).to_string();
                    return self.unquoted_value(v, &name, nt.start, true);
                }
            }
        }
        // netrc: `machine api.kraken.com` starts the entry its `login` and `password` belong to.
        if self.mode.lines && self.mode.lang == Lang::Ini && at_line_start && w == "machine" {
            if let Some(h) = self.next_tok(k, false) {
                let ht = self.tok(h);
                let host_end =
                    self.text[ht.start..].find(char::is_whitespace).map_or(self.text.len(), |p| ht.start + p);
                let host = self.text[ht.start..host_end].to_string();
                return self.open_section(&host, self.tok(k).start, host_end, k);
            }
        }
        // `set NAME "v"`, `setx NAME "v"`, `\set name 'v'`, `#define NAME "v"`,
        // `proxy_set_header API-Key "v";`, Elixir `@access_key "v"`.
        let statement_start = self.prev_tok(k).is_none_or(|p| {
            let t = self.tok(p);
            matches!(t.text(self.text), ";" | "{" | "}" | "#" | "\\")
                || self.text[t.end..self.tok(k).start].contains('\n')
        });
        if statement_start {
            if let Some(next) = self.setter(k, w) {
                return next;
            }
        }
        if let Some(next) = self.side_by_side(k, w) {
            return next;
        }
        // An element of a call or group: `set(NAME "v")`, Erlang `{api_key, "v"}`.
        if let Some(p) = self.prev_tok(k) {
            if matches!(self.punct(p), "(" | "," | "{" | "[") && !self.frames.is_empty() {
                let arg = self.frames.last().map_or(0, |f| f.arg);
                // Only a word that may name a credential is worth keeping.
                let elem = if super::names::could_name_credential(w) { Arg::Word(w.to_string()) } else { Arg::Other };
                self.note_element(arg, elem);
            }
        }
        k + 1
    }

    /// `SETTER NAME VALUE` on one line; returns the token after the value when it binds.
    fn setter(&mut self, k: usize, w: &str) -> Option<usize> {
        let v = super::names::Vocabulary::get();
        let elixir_attribute = w.starts_with('@') && !w.starts_with("@@") && w.len() > 2;
        let (name_tok, value_tok) = if elixir_attribute {
            (k, self.next_tok(k, false)?)
        } else if v.is_setter(w) {
            let n = self.next_tok(k, false)?;
            (n, self.next_tok(n, false)?)
        } else {
            return None;
        };
        let nt = self.tok(name_tok);
        if nt.kind != Kind::Word || matches!(self.tok(value_tok).kind, Kind::Punct) {
            return None;
        }
        let name = nt.text(self.text).trim_start_matches('@').to_string();
        let structure = self.container(nt.start);
        if let Kind::Str(_) = self.tok(value_tok).kind {
            let lit = self.literal(value_tok)?;
            self.bind_literal(&name, nt.start, &lit, Role::Named, structure);
            return Some(lit.next);
        }
        if self.mode.lines {
            return Some(self.unquoted_value(value_tok, &name, nt.start, false));
        }
        None
    }

    /// A name and its value side by side, with blanks between and no separator: a command-line
    /// flag (`--api-key VALUE`, `--secret-string '{…}'`, `--name /prod/okx/secret --value V`),
    /// an EDN/Clojure keyword (`:api-key "v"`), and in shell and INI-like lines a bare
    /// credential word (`HSET creds:kraken api_key V`, netrc `password V`). Returns the token
    /// after the value when it binds.
    fn side_by_side(&mut self, k: usize, w: &str) -> Option<usize> {
        let t = self.tok(k);
        let bytes = self.text.as_bytes();
        let mut s = t.start;
        while s > 0 && t.start - s < 2 && matches!(bytes[s - 1], b'-' | b':') {
            s -= 1;
        }
        if s > 0 && !matches!(bytes[s - 1], b' ' | b'\t' | b'\n' | b'{' | b'[' | b'(') {
            return None;
        }
        let prefix = &self.text[s..t.start];
        let shellish = self.mode.lines && matches!(self.mode.lang, Lang::Shell | Lang::Ini | Lang::Generic);
        let flag = prefix.starts_with('-') && shellish;
        let keyword = prefix == ":";
        // A lone generic word (`secret generic`, `key access` in prose) says too little on its
        // own, except in INI-like files (netrc `password V`).
        let bare = prefix.is_empty() && shellish;
        if !(flag || keyword || bare) || !super::names::could_name_credential(w) && !flag {
            return None;
        }
        let v = self.next_tok(k, false)?;
        let vt = self.tok(v);
        let gap = &self.text[t.end..vt.start];
        if gap.is_empty() || !gap.bytes().all(|c| c == b' ' || c == b'\t') {
            return None;
        }
        let vocab = super::names::Vocabulary::get();
        let info = vocab.classify(w);
        let names_part = info.part.is_some() && !info.excluded;
        // `--name X --value V` pairs up like any name/value object.
        let pair = flag && {
            let j = super::names::joined(w);
            vocab.is_pair_name(&j) || vocab.is_pair_value(&j)
        };
        if !(names_part || pair) || bare && info.weak && self.mode.lang != Lang::Ini {
            return None;
        }
        // `gh secret set NAME --body V`: a value flag takes the credential word before it.
        let name = match (pair, flag) {
            (true, true) if vocab.is_pair_value(&super::names::joined(w)) => {
                self.credential_word_before(k).unwrap_or_else(|| w.to_string())
            }
            _ => w.to_string(),
        };
        let w = name.as_str();
        let structure = self.container(t.start);
        match vt.kind {
            Kind::Str(_) => {
                let lit = self.literal(v)?;
                self.bind_literal(w, t.start, &lit, Role::Named, structure);
                Some(lit.next)
            }
            Kind::Word | Kind::Number if !keyword => Some(self.unquoted_value(v, w, t.start, false)),
            _ => None,
        }
    }

    /// In shell-like lines, the quoted value right after a quoted credential name (blanks only
    /// between them, same line).
    fn quoted_value_after(&mut self, name: &Literal) -> Option<Literal> {
        let shellish = self.mode.lines && matches!(self.mode.lang, Lang::Shell | Lang::Generic);
        if !shellish || name.value.len() > 64 || !names_a_credential(&name.value) {
            return None;
        }
        let vocab = super::names::Vocabulary::get();
        let info = vocab.classify(&name.value);
        if info.part.is_none() || info.excluded {
            return None;
        }
        let v = name.next;
        let vt = self.tok_get(v)?;
        let gap = self.text.get(self.tok(v.checked_sub(1)?).end..vt.start)?;
        if !matches!(vt.kind, Kind::Str(_)) || gap.is_empty() || !gap.bytes().all(|c| c == b' ' || c == b'\t') {
            return None;
        }
        self.literal(v)
    }

    /// The nearest word before `k` on its line that names a credential and is not a flag.
    fn credential_word_before(&self, k: usize) -> Option<String> {
        let vocab = super::names::Vocabulary::get();
        let bytes = self.text.as_bytes();
        let mut i = k;
        while i > 0 && k - i < 24 {
            i -= 1;
            let t = self.tok(i);
            if t.kind == Kind::Newline {
                return None;
            }
            let glued_flag = t.start > 0 && matches!(bytes[t.start - 1], b'-');
            if t.kind == Kind::Word && !glued_flag {
                let w = t.text(self.text);
                let info = vocab.classify(w);
                if info.part.is_some() && !info.excluded && (info.exchange.is_some() || w.contains('_')) {
                    return Some(w.to_string());
                }
            }
        }
        None
    }

    /// An import statement: records its modules and which names it brings in from which
    /// module (`from pybit.unified_trading import HTTP`, `import { RestClientV5 } from 'bybit-api'`,
    /// `import com.binance.connector.SpotClient;`).
    fn import(&mut self, k: usize) -> usize {
        let keyword = self.tok(k).text(self.text).to_ascii_lowercase();
        let mut words: Vec<String> = Vec::new();
        let mut strs: Vec<String> = Vec::new();
        let mut after_import: Vec<String> = Vec::new();
        let mut seen_import = keyword == "import";
        let mut i = k + 1;
        while i < self.toks.len() && i < k + 64 {
            let t = self.tok(i);
            match t.kind {
                Kind::Newline if !(keyword == "import" && words.is_empty() && strs.is_empty()) => break,
                Kind::Str(_) => strs.push(t.inner(self.text).to_string()),
                Kind::Word => {
                    let w = t.text(self.text);
                    match w {
                        "import" => seen_import = true,
                        "as" | "from" | "static" | "type" | "crate" | "self" | "super" | "typeof" => {}
                        _ if seen_import && keyword == "from" => after_import.push(w.to_string()),
                        _ => words.push(w.to_string()),
                    }
                }
                Kind::Punct if t.text(self.text) == ";" => break,
                Kind::Punct if t.text(self.text) == "(" && keyword != "from" => {
                    // Go `import ( … )`, `require("m")`: the frame collects the literals.
                    for w in &words {
                        self.b.import(w);
                    }
                    return i;
                }
                _ => {}
            }
            i += 1;
        }
        if keyword == "from" {
            // Python: `from MODULE import NAMES`.
            if let Some(module) = words.first() {
                self.b.import(module);
                for name in &after_import {
                    self.b.import_name(name, module);
                }
            }
        } else if let Some(module) = strs.first() {
            // JS/TS: `import NAMES from 'module'`.
            self.b.import(module);
            for name in &words {
                self.b.import_name(name, module);
            }
        } else {
            for w in &words {
                self.b.import(w);
                // Java/Kotlin/C#: the last segment is the name the code uses.
                if let Some(last) = w.rsplit(['.', ':']).next() {
                    self.b.import_name(last, w);
                }
            }
        }
        i
    }

    fn punctuation(&mut self, k: usize, at_line_start: bool) -> usize {
        let text = self.text;
        let p = self.tok(k).text(text);
        match p {
            "[" if self.mode.lines && at_line_start && self.frames.is_empty() => self.section_header(k),
            "{" | "[" | "(" => {
                self.open_frame(k, p);
                k + 1
            }
            "}" | "]" | ")" => {
                self.close_frame(k, p);
                k + 1
            }
            "," => {
                if let Some(f) = self.frames.last_mut() {
                    f.arg = f.arg.saturating_add(1);
                }
                k + 1
            }
            ";" => {
                // A SQL statement is a structure of its own: `SET exchange = 'okx'` says
                // nothing about the `password` of the next statement.
                if self.mode.lang == Lang::Sql {
                    self.sql = Sql::Idle;
                    if self.frames.is_empty() {
                        self.close_paragraph(self.tok(k).end);
                    }
                }
                k + 1
            }
            s if SEPARATORS.contains(&s) => self.separator(k, at_line_start),
            _ => k + 1,
        }
    }

    /// `[section]` / `[[table]]` at the start of a line of a flat file.
    fn section_header(&mut self, k: usize) -> usize {
        let t = self.tok(k);
        let line_end = memchr::memchr(b'\n', &self.text.as_bytes()[t.start..]).map_or(self.text.len(), |p| t.start + p);
        let line = &self.text[t.start..line_end];
        let Some(close) = line.rfind(']') else {
            self.open_frame(k, "[");
            return k + 1;
        };
        let name = line[..close].trim_matches(['[', ']', ' ', '"']).to_string();
        if name.is_empty()
            || name.len() > 200
            || line[close + 1..].trim().chars().next().is_some_and(|c| c != '#' && c != ';')
        {
            self.open_frame(k, "[");
            return k + 1;
        }
        self.open_section(&name, t.start, line_end, k)
    }

    /// Starts section `name` at `at` (ending the one before); returns the first token after
    /// `line_end`.
    fn open_section(&mut self, name: &str, at: usize, line_end: usize, k: usize) -> usize {
        self.close_paragraph(at);
        if let Some(s) = self.section.take() {
            self.b.close(s, at);
        }
        self.section = Some(self.b.open(StructureKind::Section, name, self.root, at));
        let mut i = k;
        while i < self.toks.len() && self.tok(i).start < line_end {
            i += 1;
        }
        i
    }

    fn open_frame(&mut self, k: usize, opener: &str) {
        let t = self.tok(k);
        let parent = self.container(t.start);
        let prev = self.prev_tok(k);
        let prev_text = prev.map(|i| self.tok(i).text(self.text).to_string()).unwrap_or_default();
        let prev_kind = prev.map(|i| self.tok(i).kind);
        let mut frame = Frame {
            structure: 0,
            opener: opener.as_bytes()[0],
            call: false,
            callee: String::new(),
            arg: 0,
            args: Vec::new(),
            default_of: None,
            columns: None,
            imports: false,
            column_list: false,
            words: Vec::new(),
        };
        let (kind, name) = match opener {
            "(" => {
                let sql_row = matches!(self.sql, Sql::Rows(_))
                    && (prev_text.eq_ignore_ascii_case("values") || prev_text == ",")
                    && self.frames.is_empty();
                if sql_row {
                    if let Sql::Rows(cols) = &self.sql {
                        frame.columns = Some(cols.clone());
                    }
                    (StructureKind::Row, String::new())
                } else if self.sql == Sql::Insert && prev_kind == Some(Kind::Word) && self.frames.is_empty() {
                    frame.column_list = true;
                    (StructureKind::Call, prev_text.clone())
                } else if prev_kind == Some(Kind::Word) && !NOT_CALLEES.contains(&prev_text.as_str()) {
                    frame.call = true;
                    frame.callee = prev_text.clone();
                    let lower = prev_text.to_ascii_lowercase();
                    frame.imports =
                        matches!(lower.as_str(), "require" | "import" | "__import__" | "importlib.import_module")
                            || lower == "import";
                    // `"https://www.bitstamp.net/…".format(key=…)`: the receiver names the call.
                    let mut callee = prev_text.clone();
                    if let Some(dot) =
                        prev.and_then(|i| self.prev_tok(i)).filter(|&d| self.tok(d).is_punct(self.text, "."))
                    {
                        if let Some(r) = self.prev_tok(dot).filter(|&r| matches!(self.tok(r).kind, Kind::Str(_))) {
                            let receiver = super::clip(self.tok(r).inner(self.text), 120);
                            callee = format!("{receiver} {callee}");
                        }
                    }
                    (StructureKind::Call, callee)
                } else if prev.is_some_and(|i| self.tok(i).is_punct(self.text, "<")) || prev_text == ">" {
                    // Generic call `new Foo<Bar>(…)`.
                    frame.call = true;
                    (StructureKind::Call, String::new())
                } else {
                    (StructureKind::Call, String::new())
                }
            }
            "{" => {
                if prev_text == ")" {
                    if let Some((_, Some(env))) = self.closed_call.take() {
                        frame.default_of = Some(env);
                    }
                }
                (StructureKind::Object, self.statement_head(k))
            }
            _ => (StructureKind::List, self.statement_head(k)),
        };
        // `import (` in Go.
        if opener == "(" && prev_text == "import" {
            frame.imports = true;
        }
        frame.structure = self.b.open(kind, &name, parent, t.start);
        if frame.call {
            if let Some(var) = self.assign_next_call.take() {
                self.b.assigned(frame.structure, &var);
            }
        }
        self.frames.push(frame);
    }

    /// What names a `{`/`[` opened at `k`: the key it is bound to (`"exchange": {`), the words
    /// before it on its line (`resource "aws_ssm_parameter" "okx" {`, `class OkxClient {`).
    fn statement_head(&self, k: usize) -> String {
        let mut parts: Vec<&str> = Vec::new();
        let mut i = k;
        let mut budget = 8;
        while i > 0 && budget > 0 {
            i -= 1;
            let t = self.tok(i);
            match t.kind {
                Kind::Newline | Kind::Comment => {
                    if !parts.is_empty() {
                        break;
                    }
                    continue;
                }
                Kind::Word | Kind::Number => parts.push(t.text(self.text)),
                Kind::Str(_) => parts.push(t.inner(self.text)),
                Kind::Punct => {
                    let p = t.text(self.text);
                    // `["gate.io"] = {`: a quoted key in brackets names the table.
                    if p == "]"
                        && i >= 2
                        && matches!(self.tok(i - 1).kind, Kind::Str(_))
                        && self.tok(i - 2).is_punct(self.text, "[")
                    {
                        parts.push(self.tok(i - 1).inner(self.text));
                        i -= 2;
                        budget -= 1;
                        continue;
                    }
                    if matches!(p, "{" | "}" | ";" | "(" | ")" | "[" | "]" | ",") {
                        break;
                    }
                    if !matches!(p, "=" | ":" | "=>" | ":=" | "<" | ">" | "." | "::" | "?" | "*" | "&" | "@" | "-") {
                        break;
                    }
                }
            }
            budget -= 1;
        }
        parts.reverse();
        super::clip(&parts.join(" "), 200).to_string()
    }

    fn close_frame(&mut self, k: usize, closer: &str) {
        let want = match closer {
            "}" => b'{',
            "]" => b'[',
            _ => b'(',
        };
        // Tolerant: an unmatched closer closes nothing; a missing one is closed here.
        let Some(pos) = self.frames.iter().rposition(|f| f.opener == want) else { return };
        let end = self.tok(k).end;
        while self.frames.len() > pos + 1 {
            if let Some(f) = self.frames.pop() {
                self.b.close(f.structure, end);
            }
        }
        let Some(f) = self.frames.pop() else { return };
        self.b.close(f.structure, end);
        self.closed_call = None;
        if f.opener == b'(' && f.column_list && self.sql == Sql::Insert {
            self.sql = Sql::Columns(f.words.clone());
        }
        self.finish_group(&f);
    }

    /// A call or group whose element names a credential binds the literal after it:
    /// `define('K', 'v')`, `System.setProperty("k", "v")`, `buildConfigField("String", "K", "v")`,
    /// `set(K "v")`, tuples `("k", "v")`, Erlang `{api_key, "v"}`.
    fn finish_group(&mut self, f: &Frame) {
        let pairs = f.call || f.args.len() == 2;
        if pairs {
            for w in f.args.windows(2) {
                if let (Some(name), Some(Arg::Literal(_, bi))) = (&w[0], &w[1]) {
                    let name = name.text().trim_start_matches(':');
                    if names_a_credential(name) {
                        if let Some(bind) = self.b.out.bindings.get_mut(*bi) {
                            bind.name = name.to_string();
                            bind.role = Role::Named;
                        }
                        break;
                    }
                }
            }
        }
        if f.call {
            // Words passed to a call (`User(kc_key, kc_secret)`, `Exchange(agent, …)`): where
            // variables flow, for the evidence of the client they configure.
            for arg in f.args.iter().flatten() {
                if let Arg::Word(w) = arg {
                    self.b.uses(w, f.structure);
                }
            }
            let env = match f.args.first() {
                Some(Some(Arg::Literal(n, _))) if names_a_credential(n) => Some(n.clone()),
                _ => None,
            };
            self.closed_call = Some((f.structure, env));
        }
    }

    /// Records a call or group element at the current argument position.
    fn note_element(&mut self, arg: u16, elem: Arg) {
        if let Some(f) = self.frames.last_mut() {
            let i = usize::from(arg);
            if i < 8 {
                if f.args.len() <= i {
                    f.args.resize(i + 1, None);
                }
                if f.args[i].is_none() {
                    f.args[i] = Some(elem);
                }
            }
        }
    }

    /// A string literal outside a `name = value` (a call argument, a list item, a row cell).
    fn literal_token(&mut self, k: usize) -> usize {
        if self.frames.last().is_some_and(|f| f.column_list) {
            let word = self.tok(k).inner(self.text).to_string();
            if let Some(f) = self.frames.last_mut() {
                f.words.push(word);
            }
            return k + 1;
        }
        // A literal followed by a separator is a key, handled at the separator.
        if let Some(n) = self.next_tok(k, true) {
            let p = self.punct(n);
            if SEPARATORS.contains(&p) && p != "+=" && p != ".=" {
                return k + 1;
            }
        }
        let Some(lit) = self.literal(k) else { return k + 1 };
        let next = lit.next;
        let Some(f) = self.frames.last() else {
            // `dotnet user-secrets set "Okx:ApiKey" "v"`, `redis-cli SET "okx:secret" "v"`: in a
            // command line, a quoted credential name followed by a quoted value binds it.
            if let Some(v) = self.quoted_value_after(&lit) {
                let name = lit.value.clone();
                let structure = self.container(self.tok(k).start);
                self.bind_literal(&name, lit.start, &v, Role::Named, structure);
                return v.next;
            }
            self.nested(&lit, "");
            return next;
        };
        let structure = f.structure;
        let prev = self.prev_tok(k).map(|i| self.punct(i).to_string()).unwrap_or_default();
        // A brace list's first element starts its arguments too: C# collection initializers
        // `{ "apiKey", "v" }`, C/Go struct rows `{ "gate", "k", "s" }`.
        let at_arg_start = prev == "(" || prev == "," || (prev == "[" && f.opener == b'[') || prev == "{";
        if f.imports {
            let v = lit.value.clone();
            self.b.import(&v);
            return next;
        }
        if let Some(env) = f.default_of.clone() {
            if prev == "{" {
                self.bind_literal(&env, self.tok(k).start, &lit, Role::Named, structure);
                return next;
            }
        }
        if !at_arg_start {
            // CMake `set(GEMINI_API_SECRET "v" CACHE STRING "")`: space-separated arguments.
            let setter_call = f.call && super::names::Vocabulary::get().is_setter(&f.callee.to_ascii_lowercase());
            if let Some(p) = self.prev_tok(k).filter(|&p| setter_call && self.tok(p).kind == Kind::Word) {
                let name = self.tok(p).text(self.text).to_string();
                if names_a_credential(&name) {
                    self.bind_literal(&name, self.tok(p).start, &lit, Role::Named, structure);
                    return next;
                }
            }
            // Scala `"k" -> "v"`, Kotlin `"k" to "v"`.
            if let Some(p) = self.prev_tok(k) {
                let pt = self.tok(p).text(self.text);
                if pt == "->" || pt == "to" {
                    if let Some(q) = self.prev_tok(p).filter(|&q| matches!(self.tok(q).kind, Kind::Str(_))) {
                        let name = self.tok(q).inner(self.text).to_string();
                        self.bind_literal(&name, self.tok(q).inner_start, &lit, Role::Named, structure);
                        return next;
                    }
                }
            }
            self.nested(&lit, "");
            return next;
        }
        let arg = f.arg;
        let role = match &f.columns {
            Some(cols) if !f.call => {
                let name = cols.get(usize::from(arg)).cloned().unwrap_or_default();
                self.bind_literal(&name, self.tok(k).start, &lit, Role::Column, structure);
                return next;
            }
            _ if f.opener == b'(' => Role::Positional(arg),
            _ => Role::Positional(arg),
        };
        let bi = self.bind_literal("", self.tok(k).start, &lit, role, structure);
        if let Some(bi) = bi {
            // Its text matters only as a possible name (`define('K', …)`).
            let text = if lit.value.len() <= 128 && super::names::could_name_credential(&lit.value) {
                lit.value.clone()
            } else {
                String::new()
            };
            self.note_element(arg, Arg::Literal(text, bi));
        }
        // A call's first argument, when it reads as a name, names the call too
        // (`new SecretVersion("kraken-funding", {…})`, `config("okx", {…})`).
        if arg == 0 && lit.value.len() <= 64 && super::names::is_name_like(&lit.value) {
            if let Some(st) = self.b.out.structures.get_mut(structure).filter(|s| s.kind == StructureKind::Call) {
                st.detail = lit.value.clone();
            }
        }
        next
    }

    /// `name <sep> value`.
    fn separator(&mut self, k: usize, _at_line_start: bool) -> usize {
        let text = self.text;
        let sep = self.tok(k).text(text);
        let Some((name, name_start, name_tok)) = self.name_before(k) else {
            return k + 1;
        };
        // A URL in plain text (`GET https://…?apikey=…`, a log line): its query parameters and
        // `user:password@` are bindings of their own.
        if sep == ":" && self.mode.lines && self.b.nesting() == 0 && self.text[self.tok(k).end..].starts_with("//") {
            let start = self.tok(name_tok).start;
            let rest = &self.text[start..];
            let len = rest
                .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`' | '<' | '>' | ')'))
                .unwrap_or(rest.len());
            let url = rest[..len].to_string();
            let parent = self.container(start);
            nested_value(&url, OffsetMap::Shift(start), "", parent, self.b);
            let mut next = k + 1;
            while next < self.toks.len() && self.tok(next).start < start + len {
                next += 1;
            }
            return next;
        }
        // `:` binds only where it means "key: value" (not ternaries, slices, labels, URLs).
        if sep == ":" && !self.colon_binds(k, name_tok) {
            return k + 1;
        }
        // `const k: string = "v"`: the `:` is a type annotation; `=` will bind. (A quoted key
        // is never annotated: `"apiKey": os.environ["K"]`.)
        if sep == ":" && self.tok(name_tok).kind == Kind::Word {
            if let Some(n) = self.next_tok(k, false) {
                if self.tok(n).kind == Kind::Word {
                    if let Some(m) = self.next_tok(n, false) {
                        if matches!(self.punct(m), "=" | "<" | "[") && !self.mode.lines {
                            return k + 1;
                        }
                    }
                }
            }
        }
        let structure = self.container(self.tok(k).start);
        if self.mode.lines {
            // Inside braces (`{ apiKey: …, secret: … }`) a value ends at its delimiter.
            // A glued `Name:value` (an HTTPie header argument) is one word.
            let glued = sep == ":" && self.tok_get(k + 1).is_some_and(|n| n.start == self.tok(k).end);
            let to_eol = self.frames.is_empty()
                && !glued
                && ((self.mode.value_to_eol && (sep != "=" || matches!(self.mode.lang, Lang::Env | Lang::Ini)))
                    || (sep == ":" && self.line_start_name(name_tok)));
            return self.lines_value(k, &name, name_start, structure, to_eol);
        }
        self.code_value(k, sep, &name, name_start, structure)
    }

    fn colon_binds(&self, k: usize, name_tok: usize) -> bool {
        let name = self.tok(name_tok);
        // URLs and times: `https://`, `12:30`.
        if let Some(n) = self.tok_get(k + 1) {
            if n.start == self.tok(k).end && n.kind == Kind::Punct && n.text(self.text) == "/" {
                return false;
            }
        }
        if self.mode.lines {
            // `Name: value` starts its line or sits inside braces; in HTTP files, logs and
            // values a header may follow other text (`… X-BAPI-API-KEY: …`). A space follows the
            // colon and the name is no number (`09:12:01`).
            let followed_by_space =
                self.text.as_bytes().get(self.tok(k).end).is_none_or(|c| matches!(c, b' ' | b'\t' | b'\r' | b'\n'));
            if name.text(self.text).starts_with(|c: char| c.is_ascii_digit()) {
                return false;
            }
            if !followed_by_space && self.frames.is_empty() {
                // HTTPie `Bitvavo-Access-Key:V`: glued, but the name is an exchange's header.
                if self.mode.lang != Lang::Shell {
                    return false;
                }
                let info = super::names::Vocabulary::get().classify(name.text(self.text));
                return info.part.is_some() && info.exchange.is_some();
            }
            return !self.frames.is_empty()
                || self.line_start_name(name_tok)
                || (followed_by_space
                    && (matches!(self.mode.lang, Lang::Http | Lang::Generic) || self.b.nesting() > 0));
        }
        if matches!(name.kind, Kind::Str(_)) {
            return true;
        }
        // Object literals, struct literals, named arguments.
        matches!(self.frames.last().map(|f| f.opener), Some(b'{') | Some(b'('))
            || matches!(self.mode.lang, Lang::Ruby | Lang::Python)
    }

    /// A name that starts its line (after `-`, `export`, `set`, `ENV`).
    fn line_start_name(&self, name_tok: usize) -> bool {
        match self.prev_sig(name_tok) {
            None => true,
            Some(p) => {
                let t = self.tok(p);
                matches!(t.text(self.text), "-" | "export" | "set" | "ENV" | "ARG" | "declare" | "readonly" | "local")
                    && self.prev_sig(p).is_none()
            }
        }
    }

    /// The name left of the separator at `k`: (name, offset, token index).
    fn name_before(&self, k: usize) -> Option<(String, usize, usize)> {
        let p = self.prev_tok(k)?;
        // In line mode the name must be on the separator's line.
        if self.mode.lines && self.text[self.tok(p).end..self.tok(k).start].contains('\n') {
            return None;
        }
        let t = self.tok(p);
        match t.kind {
            Kind::Word => {
                let w = t.text(self.text);
                if !self.mode.lines && self.punct(k) == "=" {
                    if let Some(found) = self.annotated_name(p) {
                        return Some(found);
                    }
                }
                // `.npmrc`-style scoped names: `//api.kraken.com/:_key=…` is one name.
                if self.mode.lines && t.start > 0 && matches!(self.text.as_bytes()[t.start - 1], b':' | b'/') {
                    let line_start = self.text[..t.start].rfind('\n').map_or(0, |p| p + 1);
                    let run_start = self.text[line_start..t.start]
                        .rfind(|c: char| c.is_whitespace() || matches!(c, '"' | '\''))
                        .map_or(line_start, |p| line_start + p + 1);
                    if run_start < t.start {
                        return Some((self.text[run_start..t.end].to_string(), run_start, p));
                    }
                }
                Some((w.trim_start_matches(':').to_string(), t.start, p))
            }
            Kind::Str(_) => Some((t.inner(self.text).to_string(), t.inner_start, p)),
            Kind::Punct if t.text(self.text) == "]" => self.subscript_name(p),
            Kind::Number if self.mode.lines => Some((t.text(self.text).to_string(), t.start, p)),
            _ => None,
        }
    }

    /// The declared name when the word before `=` is a type: `const k: &'static str = …`,
    /// `val k: String = …`, `var k string = …`, `x: str = …`.
    fn annotated_name(&self, word: usize) -> Option<(String, usize, usize)> {
        let mut i = word;
        for _ in 0..8 {
            let q = self.prev_tok(i)?;
            let t = self.tok(q);
            match t.kind {
                Kind::Punct if t.text(self.text) == ":" => {
                    let r = self.prev_tok(q)?;
                    let rt = self.tok(r);
                    return (rt.kind == Kind::Word).then(|| (rt.text(self.text).to_string(), rt.start, r));
                }
                Kind::Punct
                    if matches!(t.text(self.text), "&" | "'" | "<" | ">" | "*" | "[" | "]" | "?" | "." | "::") => {}
                Kind::Word if matches!(t.text(self.text), "static" | "mut" | "dyn") => {}
                Kind::Word if i == word && is_type_word(self.tok(word).text(self.text)) => {
                    if !is_decl_keyword(t.text(self.text)) {
                        return Some((t.text(self.text).to_string(), t.start, q));
                    }
                    return None;
                }
                _ => return None,
            }
            i = q;
        }
        None
    }

    /// `os.environ["K"]`, `$cfg['okx']['secret']`, `ENV['K']` → `os.environ.K`, `$cfg.okx.secret`.
    fn subscript_name(&self, close: usize) -> Option<(String, usize, usize)> {
        let mut keys: Vec<String> = Vec::new();
        let mut i = close;
        let mut first = close;
        loop {
            if !self.tok(i).is_punct(self.text, "]") {
                break;
            }
            let open = i.checked_sub(2)?;
            let key = self.tok(i - 1);
            if !self.tok(open).is_punct(self.text, "[") {
                return None;
            }
            keys.push(match key.kind {
                Kind::Str(_) => key.inner(self.text).to_string(),
                Kind::Word | Kind::Number => key.text(self.text).to_string(),
                _ => return None,
            });
            first = open;
            if open == 0 {
                break;
            }
            i = open - 1;
        }
        keys.reverse();
        let base = first.checked_sub(1).map(|j| self.tok(j)).filter(|t| t.kind == Kind::Word);
        let start = base.map(|t| t.start).unwrap_or(self.tok(first).start);
        let mut name = base.map(|t| t.text(self.text).to_string()).unwrap_or_default();
        for key in keys {
            if !name.is_empty() {
                name.push('.');
            }
            name.push_str(&key);
        }
        Some((name, start, close))
    }

    /// A value in code: literals (with concatenation and env defaults), or an expression.
    fn code_value(&mut self, k: usize, sep: &str, name: &str, name_start: usize, structure: usize) -> usize {
        let Some(mut j) = self.next_tok(k, true) else { return k + 1 };
        // If the value is a call, the call remembers the name its result is bound to
        // (`agent = Account.from_key(…)`); any other value clears this below.
        self.assign_next_call = Some(name.to_string());
        // `X = ( "…" )`, `new T("…")`, `SecretStr("…")`, `String::from("…")`: the literal of a
        // one-argument wrapper or a grouping; `after` is the token past its `)`.
        let mut after: Option<usize> = None;
        for _ in 0..3 {
            let t = self.tok(j);
            if t.kind == Kind::Word && matches!(t.text(self.text), "new" | "await" | "const" | "static") {
                j = match self.next_tok(j, true) {
                    Some(n) => n,
                    None => return k + 1,
                };
                continue;
            }
            let open = if t.is_punct(self.text, "(") {
                Some(j)
            } else if t.kind == Kind::Word {
                match self.next_tok(j, false) {
                    Some(n) if self.tok(n).is_punct(self.text, "(") => Some(n),
                    Some(_) | None => None,
                }
            } else {
                None
            };
            if let Some(open) = open {
                // A credential constructor (`new ethers.Wallet("0x…")`, `Credentials::new(…)`):
                // its frame binds the arguments by position.
                let v = super::names::Vocabulary::get();
                let callee = t.text(self.text);
                if t.kind == Kind::Word && (v.credential_call_parts(callee).is_some() || v.sdk_class(callee).is_some())
                {
                    return k + 1;
                }
                let inner = self.next_tok(open, true).filter(|&m| matches!(self.tok(m).kind, Kind::Str(_)));
                let lit_end = inner.and_then(|m| self.literal_in(m, true)).map(|l| l.next);
                let close =
                    lit_end.and_then(|e| self.next_tok(e - 1, true)).filter(|&c| self.tok(c).is_punct(self.text, ")"));
                // `ENV.fetch("K")`, `getenv("K")`: the argument names a variable; not a value.
                let names_var = inner.is_some_and(|m| names_a_credential(self.tok(m).inner(self.text)));
                match (inner, close) {
                    (Some(m), Some(c)) if !names_var => {
                        j = m;
                        after = Some(c + 1);
                    }
                    // An env read: its literal default may follow (`getenv("K") || "v"`).
                    (Some(_), Some(_)) => {}
                    // A call with other arguments: its own frame binds them, and the call
                    // remembers the name its result is bound to (`agent = Account.from_key(…)`).
                    _ => return k + 1,
                }
            }
            break;
        }
        // Rust `concat!("a", "b")`: one value in pieces.
        if self.tok(j).text(self.text) == "concat" {
            if let Some((lit, next)) = self.macro_concat(j) {
                self.bind_literal(name, name_start, &lit, Role::Named, structure);
                return next;
            }
        }
        let t = self.tok(j);
        match t.kind {
            Kind::Str(_) => {
                let Some(lit) = self.literal_in(j, after.is_some()) else { return k + 1 };
                if (sep == ".=" || sep == "+=") && self.append(name, structure, &lit) {
                    return after.unwrap_or(lit.next);
                }
                self.assign_next_call = None;
                let bi = self.bind_literal(name, name_start, &lit, Role::Named, structure);
                if let Some(bi) = bi {
                    self.last_literal = Some((structure, name.to_string(), bi));
                }
                after.unwrap_or(lit.next)
            }
            Kind::Word | Kind::Number => {
                // `REF ?? "v"`, `REF || "v"`, `REF or "v"`: the literal default.
                let mut i = j;
                for _ in 0..24 {
                    let Some(n) = self.next_tok(i, false) else { break };
                    let p = self.tok(n);
                    let ptext = p.text(self.text);
                    if matches!(ptext, "??" | "||" | "or" | "?:") {
                        if let Some(m) = self.next_tok(n, true) {
                            if matches!(self.tok(m).kind, Kind::Str(_)) {
                                if let Some(lit) = self.literal(m) {
                                    self.bind_literal(name, name_start, &lit, Role::Named, structure);
                                    return lit.next;
                                }
                            }
                        }
                        break;
                    }
                    if matches!(p.kind, Kind::Newline) || matches!(ptext, ";" | "," | "}" | "{" | "=") {
                        break;
                    }
                    i = n;
                }
                if !self.tok_get(j + 1).is_some_and(|n| n.is_punct(self.text, "(") || n.is_punct(self.text, ".")) {
                    self.assign_next_call = None;
                }
                // An expression: kept (not a literal) so declarations can see references
                // (`os.environ["K"]`, `process.env.K`, `config.secret`) — for credential names.
                if !super::names::could_name_credential(name) {
                    return j + 1;
                }
                let end = self.expression_end(j);
                let text = super::clip(&self.text[t.start..end], 200).to_string();
                self.b.bind(name, name_start, text, t.start, end, Encoding::Raw, false, Role::Named, structure);
                j + 1
            }
            _ => j,
        }
    }

    /// `concat!("a", "b", …)` at `j`: the joined literal and the token after `)`.
    fn macro_concat(&self, j: usize) -> Option<(Literal, usize)> {
        let bang = self.next_tok(j, false).filter(|&b| self.tok(b).is_punct(self.text, "!"))?;
        let open = self.next_tok(bang, false).filter(|&o| self.tok(o).is_punct(self.text, "("))?;
        let mut i = self.next_tok(open, true)?;
        let mut lit: Option<Literal> = None;
        for _ in 0..32 {
            let t = self.tok(i);
            let Kind::Str(style) = t.kind else { return None };
            let piece = self.literal_in(i, false)?;
            let piece_next = piece.next;
            match &mut lit {
                None => lit = Some(piece),
                Some(l) => {
                    let mut map = l.map.take().unwrap_or_else(|| (l.start..l.end).collect());
                    map.extend(lexer::decode_map(style, t.inner(self.text)).1.into_iter().map(|o| o + t.inner_start));
                    l.map = Some(map);
                    l.value.push_str(&piece.value);
                    l.end = piece.end;
                    l.encoding = Encoding::Concat;
                }
            }
            let n = self.next_tok(piece_next - 1, true)?;
            match self.punct(n) {
                "," => i = self.next_tok(n, true)?,
                ")" => return lit.map(|l| (l, n + 1)),
                _ => return None,
            }
        }
        None
    }

    /// End offset of the expression starting at token `j`: a word with its subscripts and call
    /// arguments, up to a delimiter at its own depth.
    fn expression_end(&self, j: usize) -> usize {
        let mut depth = 0i32;
        let mut end = self.tok(j).end;
        for i in j + 1..self.toks.len().min(j + 48) {
            let t = self.tok(i);
            match t.kind {
                Kind::Newline if depth == 0 => break,
                Kind::Comment => break,
                Kind::Punct => match t.text(self.text) {
                    "(" | "[" | "{" => depth += 1,
                    ")" | "]" | "}" => {
                        depth -= 1;
                        if depth < 0 {
                            break;
                        }
                    }
                    "," | ";" if depth == 0 => break,
                    _ if depth == 0 && t.start > end => break,
                    _ => {}
                },
                _ if depth == 0 && t.start > end => break,
                _ => {}
            }
            end = t.end;
        }
        end
    }

    /// Appends `.=` / `+=` literals to the binding of the same name.
    fn append(&mut self, name: &str, structure: usize, lit: &Literal) -> bool {
        let Some((s, n, bi)) = self.last_literal.clone() else { return false };
        if s != structure || n != name {
            return false;
        }
        let end = self.b.at(lit.end);
        let start = self.b.at(lit.start);
        if let Some(bind) = self.b.out.bindings.get_mut(bi) {
            // `$s = ''; $s .= '…';`: the value starts where its first text does.
            if bind.value.is_empty() {
                bind.start = start;
            }
            bind.value.push_str(&lit.value);
            bind.end = end.max(bind.end);
            bind.encoding = Encoding::Concat;
            return true;
        }
        false
    }

    /// A value in a line-oriented config: a literal or the unquoted rest.
    fn lines_value(&mut self, k: usize, name: &str, name_start: usize, structure: usize, to_eol: bool) -> usize {
        let Some(j) = self.next_tok(k, false) else { return k + 1 };
        let t = self.tok(j);
        if let Kind::Str(_) = t.kind {
            // A quoted value (possibly followed by more text on the line: `"abc"  # note`).
            if let Some(lit) = self.literal(j) {
                self.bind_literal(name, name_start, &lit, Role::Named, structure);
                return lit.next;
            }
        }
        if t.kind == Kind::Punct && matches!(t.text(self.text), "{" | "[" | "(" | "|" | ">" | "&" | "*" | "!") {
            return j;
        }
        self.unquoted_value(j, name, name_start, to_eol)
    }

    /// An unquoted config value starting at token `j`.
    fn unquoted_value(&mut self, j: usize, name: &str, name_start: usize, to_eol: bool) -> usize {
        let t = self.tok(j);
        let bytes = self.text.as_bytes();
        let line_end = memchr::memchr(b'\n', &bytes[t.start..]).map_or(bytes.len(), |p| t.start + p);
        let in_query = name_start > 0 && matches!(bytes.get(name_start.wrapping_sub(1)), Some(b'?' | b'&'));
        let mut end = t.start;
        if to_eol && !in_query {
            end = line_end;
            // An inline comment: ` #…` or ` ;…`.
            if let Some(c) =
                self.text[t.start..line_end].find(" #").or_else(|| self.text[t.start..line_end].find("\t#"))
            {
                end = t.start + c;
            }
        } else {
            let nested = self.b.nesting() > 0;
            while end < line_end {
                let c = bytes[end];
                let stop = matches!(
                    c,
                    b' ' | b'\t' | b'"' | b'\'' | b'`' | b',' | b';' | b'(' | b')' | b'{' | b'}' | b'[' | b']'
                ) || (in_query && c == b'&')
                    || (nested && c == b'\\');
                if stop {
                    break;
                }
                end += 1;
            }
        }
        while end > t.start && matches!(bytes[end - 1], b' ' | b'\t' | b'\r') {
            end -= 1;
        }
        let mut next = j;
        while next < self.toks.len() && self.tok(next).start < end {
            next += 1;
        }
        // `.properties` / INI: a value ending in `\` continues on the next line.
        if to_eol && self.text[t.start..end].ends_with('\\') {
            let (value, map, last) = self.continued_value(t.start, end);
            let mut next = j;
            while next < self.toks.len() && self.tok(next).start < last {
                next += 1;
            }
            let structure = self.container(t.start);
            self.b.bind(name, name_start, value, t.start, last, Encoding::Continuation, true, Role::Named, structure);
            let _ = map;
            return next;
        }
        // `--from-literal=NAME='v'`: the value is itself `NAME=` and a literal; read it as that.
        if !to_eol
            && matches!(bytes.get(end), Some(b'"' | b'\''))
            && self.text[t.start..end]
                .strip_suffix('=')
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_'))
        {
            return j;
        }
        if end > t.start {
            let raw = &self.text[t.start..end];
            let (value, enc) = match url_decode(raw) {
                Some(v) if in_query => (v, Encoding::Url),
                _ => (raw.to_string(), Encoding::Raw),
            };
            let structure = self.container(t.start);
            self.b.bind(name, name_start, value, t.start, end, enc, true, Role::Named, structure);
            if raw.contains("://") || raw.contains('?') || raw.contains('=') || raw.contains(": ") || raw.contains(" -")
            {
                let lit =
                    Literal { value: raw.to_string(), start: t.start, end, next, encoding: Encoding::Raw, map: None };
                self.nested(&lit, name);
            }
        }
        next
    }

    /// A value continued with trailing backslashes: its joined text (continuation lines lose
    /// their indentation), the offset of each byte, and where its text ends.
    fn continued_value(&self, start: usize, first_end: usize) -> (String, Vec<usize>, usize) {
        let mut value = String::new();
        let mut map = Vec::new();
        let (mut s, mut e) = (start, first_end);
        for _ in 0..64 {
            let piece = &self.text[s..e];
            let cont = piece.ends_with('\\');
            let piece = piece.trim_end_matches('\\');
            value.push_str(piece);
            map.extend(s..s + piece.len());
            if !cont || e >= self.text.len() {
                break;
            }
            let next_line = e + self.text[e..].find('\n').map_or(self.text.len() - e, |p| p + 1);
            if next_line >= self.text.len() {
                break;
            }
            let line_end = next_line + self.text[next_line..].find('\n').unwrap_or(self.text.len() - next_line);
            let body = self.text[next_line..line_end].trim_end_matches('\r');
            let lead = body.len() - body.trim_start().len();
            s = next_line + lead;
            e = next_line + body.trim_end().len();
            if s >= e {
                break;
            }
        }
        (value, map, e)
    }

    /// Reads the literal at `k` with any concatenation that follows.
    fn literal(&self, k: usize) -> Option<Literal> {
        let grouped = self.frames.last().is_some_and(|f| f.opener == b'(' && !f.call);
        self.literal_in(k, grouped)
    }

    /// `literal`, where `grouped` says the literal sits in parentheses (Python joins adjacent
    /// literals there across lines).
    fn literal_in(&self, k: usize, grouped: bool) -> Option<Literal> {
        let t = self.tok(k);
        let Kind::Str(style) = t.kind else { return None };
        let (value, decoded) = lexer::decode(style, t.inner(self.text));
        let mut lit = Literal {
            value,
            start: t.inner_start,
            end: t.inner_end,
            next: k + 1,
            encoding: match decoded {
                lexer::Decoded::Raw => Encoding::Raw,
                lexer::Decoded::Escaped => Encoding::Escaped,
                lexer::Decoded::Continuation => Encoding::Continuation,
            },
            map: None,
        };
        let piece_map = |t: &Token, style: Quote| -> Vec<usize> {
            lexer::decode_map(style, t.inner(self.text)).1.into_iter().map(|o| o + t.inner_start).collect()
        };
        if decoded != lexer::Decoded::Raw && (t.inner_end - t.inner_start) < 64 * 1024 {
            lit.map = Some(piece_map(&t, style));
        }
        let mut last = k;
        for _ in 0..64 {
            let Some(n) = self.next_tok(last, true) else { break };
            let nt = self.tok(n);
            let (piece, after) = if matches!(nt.kind, Kind::Str(_)) && self.implicit_concat(last, n, grouped) {
                (n, n)
            } else if nt.kind == Kind::Punct
                && (matches!(nt.text(self.text), "+" | "." | ".." | "~" | "&")
                    || (nt.text(self.text) == "\\" && !self.mode.lines))
            {
                match self.next_tok(n, true) {
                    Some(m) if matches!(self.tok(m).kind, Kind::Str(_)) => (m, m),
                    _ => break,
                }
            } else {
                break;
            };
            let pt = self.tok(piece);
            let Kind::Str(ps) = pt.kind else { break };
            if lit.value.len() + (pt.inner_end - pt.inner_start) > 64 * 1024 {
                break;
            }
            // The joined value maps byte by byte onto its pieces (for URLs inside it).
            let mut map = lit.map.take().unwrap_or_else(|| (lit.start..lit.end).collect());
            map.extend(piece_map(&pt, ps));
            lit.map = Some(map);
            lit.value.push_str(&lexer::decode(ps, pt.inner(self.text)).0);
            lit.end = pt.inner_end;
            lit.encoding = Encoding::Concat;
            lit.next = after + 1;
            last = after;
        }
        Some(lit)
    }

    /// Adjacent literals join in Python, C, shell (`"a""b"`) and, across lines, in parentheses.
    fn implicit_concat(&self, a: usize, b: usize, grouped: bool) -> bool {
        let (ta, tb) = (self.tok(a), self.tok(b));
        if ta.end == tb.start {
            return self.mode.lines || matches!(self.mode.lang, Lang::Python | Lang::Java);
        }
        if self.mode.lines || !matches!(self.mode.lang, Lang::Python | Lang::Java) {
            return false;
        }
        grouped || !self.text[ta.end..tb.start].contains('\n')
    }

    fn bind_literal(
        &mut self,
        name: &str,
        name_start: usize,
        lit: &Literal,
        role: Role,
        structure: usize,
    ) -> Option<usize> {
        let bi =
            self.b.bind(name, name_start, lit.value.clone(), lit.start, lit.end, lit.encoding, true, role, structure);
        self.nested(lit, name);
        bi
    }

    /// Bindings inside a literal value: URLs, `K=v` lists, `Header: value` lines.
    fn nested(&mut self, lit: &Literal, outer_name: &str) {
        let parent = self.container(lit.start);
        let map = match &lit.map {
            Some(m) => {
                let mut m = m.clone();
                m.push(lit.end);
                OffsetMap::Table(m)
            }
            None if lit.encoding == Encoding::Raw || lit.encoding == Encoding::Url => OffsetMap::Shift(lit.start),
            None => return,
        };
        nested_value(&lit.value, map, outer_name, parent, self.b);
    }
}

/// Bindings inside a literal value (URLs, `K=v` lists, `Header: value` lines); `map` places the
/// value's bytes in the current view.
pub fn nested_value(value: &str, map: OffsetMap, outer_name: &str, parent: usize, b: &mut Builder) {
    if value.len() < 8 || value.len() > 64 * 1024 {
        return;
    }
    let json = matches!(value.trim_start().as_bytes().first(), Some(b'{' | b'[')) && value.contains("\":");
    // A Go struct tag: `envconfig:"BFX_API_KEY" default:"…"`.
    let tag = !json && value.contains(":\"") && !value.contains(": ");
    let command = value.contains(" -");
    if !(json
        || tag
        || command
        || value.contains("://")
        || value.contains('=')
        || value.contains(": ")
        || value.contains('\n'))
    {
        return;
    }
    // Only values that can hold a credential: a URL or a credential word (format strings and
    // messages in code are left alone).
    if !value.contains("://") && !mentions_credential_word(value) {
        return;
    }
    let (start, end) = match &map {
        OffsetMap::Shift(s) => (*s, s + value.len()),
        OffsetMap::Table(t) => (t.first().copied().unwrap_or(0), t.last().copied().unwrap_or(0)),
    };
    // A URL's host names what the values inside it are for (`api.huobi.pro`).
    let host = value.find("://").map(|p| {
        let rest = &value[p + 3..];
        &rest[..rest.find(['/', '?', '#', ' ', '"', '\'']).unwrap_or(rest.len())]
    });
    let holder_name = match host {
        Some(h) => format!("{outer_name} {}", h.rsplit('@').next().unwrap_or(h)),
        None => outer_name.to_string(),
    };
    let holder = b.open(StructureKind::Value, &holder_name, parent, start);
    b.close(holder, end);
    b.with_view(map, None, |b| {
        urls(value, b, holder);
        if json {
            produce(value, &Mode::code(Lang::Json), b, holder);
        } else if tag {
            struct_tag(value, b, holder);
        } else if let Some(replacements) = sed_replacements(value) {
            produce(&replacements, &Mode::lines(Lang::Shell), b, holder);
        } else {
            produce(value, &Mode::lines(Lang::Shell), b, holder);
        }
    });
}

/// The `key:"value"` pairs of a Go struct tag, bound in `holder` (where `env:"NAME"` /
/// `envconfig:"NAME"` names the `default:"…"` beside it, as any name/value pair does).
fn struct_tag(value: &str, b: &mut Builder, holder: usize) {
    let mut rest = value;
    let mut off = 0;
    while let Some(q) = rest.find(":\"") {
        let key_start = rest[..q].rfind(|c: char| c.is_whitespace()).map_or(0, |p| p + 1);
        let key = &rest[key_start..q];
        let Some(close) = rest[q + 2..].find('"') else { break };
        let (vs, ve) = (off + q + 2, off + q + 2 + close);
        if !key.is_empty() && key.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-') {
            b.bind(key, off + key_start, value[vs..ve].to_string(), vs, ve, Encoding::Raw, true, Role::Named, holder);
        }
        off = ve + 1;
        rest = &value[off.min(value.len())..];
    }
}

/// `s/pattern/replacement/flags` expressions (sed, perl, vim; any of `/|#,@:` as delimiter;
/// several joined by `;`): only the replacements are text that lands in a file, so all else is
/// blanked out. Same length as `value`, so offsets stay right.
fn sed_replacements(value: &str) -> Option<String> {
    let b = value.as_bytes();
    let mut out = vec![b' '; b.len()];
    let mut i = 0;
    while i < b.len() {
        if matches!(b[i], b' ' | b'\t' | b';') {
            i += 1;
            continue;
        }
        let delim = *b.get(i + 1)?;
        if b[i] != b's' || !matches!(delim, b'/' | b'|' | b'#' | b',' | b'@' | b':') {
            return None;
        }
        let mut seps = [0usize; 2];
        let mut found = 0;
        let mut j = i + 2;
        while j < b.len() && found < 2 {
            if b[j] == b'\\' {
                j += 2;
                continue;
            }
            if b[j] == delim {
                seps[found] = j;
                found += 1;
            }
            j += 1;
        }
        if found < 2 {
            return None;
        }
        out[seps[0] + 1..seps[1]].copy_from_slice(&b[seps[0] + 1..seps[1]]);
        i = seps[1] + 1;
        while i < b.len() && b[i].is_ascii_alphanumeric() {
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A credential word anywhere in `value` (ASCII case-insensitive).
fn mentions_credential_word(value: &str) -> bool {
    // `client_id`: Deribit's key id (`line: "DERIBIT_CLIENT_ID=…"` in an Ansible task).
    const WORDS: &[&[u8]] = &[
        b"key",
        b"secret",
        b"pass",
        b"token",
        b"private",
        b"auth",
        b"access",
        b"sign",
        b"wallet",
        b"cred",
        b"client_id",
        b"clientid",
    ];
    let bytes = value.as_bytes();
    bytes.windows(3).enumerate().any(|(i, w)| {
        WORDS.iter().any(|word| {
            w[0].eq_ignore_ascii_case(&word[0])
                && bytes.get(i..i + word.len()).is_some_and(|s| s.eq_ignore_ascii_case(word))
        })
    })
}

/// `scheme://user:password@host` → the user and password as bindings of the URL.
fn urls(text: &str, b: &mut Builder, holder: usize) {
    let mut from = 0;
    while let Some(p) = text[from..].find("://") {
        let start = from + p + 3;
        from = start;
        let rest = &text[start..];
        let end =
            rest.find(|c: char| c.is_whitespace() || matches!(c, '/' | '"' | '\'' | '?' | '#')).unwrap_or(rest.len());
        let authority = &rest[..end];
        let Some(at) = authority.rfind('@') else { continue };
        let userinfo = &authority[..at];
        let Some(colon) = userinfo.find(':') else { continue };
        let host = &authority[at + 1..];
        let (user, pass) = (&userinfo[..colon], &userinfo[colon + 1..]);
        for (i, (piece, off)) in [(user, start), (pass, start + colon + 1)].into_iter().enumerate() {
            if piece.is_empty() {
                continue;
            }
            let (value, enc) = match url_decode(piece) {
                Some(v) => (v, Encoding::Url),
                None => (piece.to_string(), Encoding::Raw),
            };
            b.bind(host, start + at + 1, value, off, off + piece.len(), enc, true, Role::UrlUserinfo(i as u8), holder);
        }
    }
}

/// Decodes `%XX` sequences (`+` stays `+`: keys hold it); `None` when there are none.
pub fn url_decode(raw: &str) -> Option<String> {
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

/// A literal value with where it sits.
#[derive(Debug, Clone)]
struct Literal {
    value: String,
    /// Offsets (in the lexed text) of the value's text.
    start: usize,
    end: usize,
    /// Token after the literal (and its concatenation).
    next: usize,
    encoding: Encoding,
    /// Offset of every decoded byte in the lexed text, when decoding changed the text.
    map: Option<Vec<usize>>,
}

/// A string that reads as the name of a credential or of an exchange (`'UPBIT_ACCESS_KEY'`,
/// `"binance.api.key"`), not as data.
fn names_a_credential(s: &str) -> bool {
    if !super::names::is_name_like(s) || s.contains(' ') {
        return false;
    }
    let v = super::names::Vocabulary::get();
    let toks = super::names::tokens(s);
    v.classify_tokens(&toks).part.is_some() || v.exchange_in(&toks, false).is_some()
}

fn is_type_word(w: &str) -> bool {
    matches!(
        w,
        "string"
            | "String"
            | "str"
            | "char"
            | "int"
            | "bool"
            | "var"
            | "let"
            | "const"
            | "val"
            | "Str"
            | "dynamic"
            | "auto"
            | "SecretStr"
            | "std::string"
            | "QString"
            | "NSString"
    )
}

fn is_decl_keyword(w: &str) -> bool {
    matches!(
        w,
        "var"
            | "let"
            | "const"
            | "val"
            | "final"
            | "static"
            | "public"
            | "private"
            | "protected"
            | "readonly"
            | "export"
            | "pub"
            | "internal"
            | "def"
            | "mut"
    )
}
