//! What one code file does with exchange clients, read lexically (the shared lexer of
//! `src/bindings/lexer.rs`; no parser): environment variables it reads, clients it constructs
//! (per the usage files' `clients`), the names those clients are stored in (variables,
//! `self.x` / `this.x` attributes, parameters of functions in the same file they are passed to,
//! variables assigned from a same-file factory function), the methods called on them, calls
//! keylint cannot name (`getattr(ex, name)()`, `ex[method]()`, a client handed to code outside
//! the file), and string literals that look like REST paths or WebSocket channels.

use super::rules::UsageRules;
use crate::bindings::code::{Lang, Mode};
use crate::bindings::family::{self, Family};
use crate::bindings::lexer::{self, Kind, Token};
use crate::exchanges::ExchangeTable;
use std::collections::{BTreeMap, BTreeSet};

/// An environment variable read: `os.environ["OKX_API_KEY"]`, `process.env.OKX_API_KEY`, …
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvRead {
    pub name: String,
    pub start: usize,
    pub end: usize,
}

/// A client construction matched by a usage file's `clients` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    /// Index into `UsageRules::files`.
    pub rules: usize,
    pub exchange: Option<String>,
    /// The callee as written (`ccxt.okx`, `Trade.TradeAPI`).
    pub callee: String,
    pub start: usize,
    pub end: usize,
    /// Environment variables its arguments read, directly or through variables.
    pub env: BTreeSet<String>,
}

/// A method called on a client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub client: usize,
    /// The call as written, receiver included (`self.exchange.create_order`).
    pub text: String,
    pub method: String,
    /// Span of the method name.
    pub start: usize,
    pub end: usize,
}

/// Something keylint cannot follow; the key's usage is then unresolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unresolved {
    pub client: usize,
    pub start: usize,
    pub end: usize,
    pub reason: String,
}

/// A string literal that may be a REST path or a WebSocket channel name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Literal {
    /// The path without scheme, host and query (`/api/v5/trade/order`), or the channel name.
    pub value: String,
    pub start: usize,
    pub end: usize,
    /// `GET`/`POST`/… written on the same line, if any.
    pub http: Option<String>,
    /// A channel name (`"channel": "orders"`), not a path.
    pub channel: bool,
}

/// Everything the usage analysis learnt from one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileUsage {
    pub path: String,
    pub env_reads: Vec<EnvRead>,
    pub clients: Vec<Client>,
    pub calls: Vec<Call>,
    pub unresolved: Vec<Unresolved>,
    pub literals: Vec<Literal>,
    /// Method calls on a client that its usage file does not map: (client, text, start, end).
    pub unmapped: Vec<Call>,
    /// A known application's config file (`rules/usage/applications.yaml`).
    pub application: Option<super::apps::AppUse>,
}

/// The usage-file language name of a code family (`python`, `javascript`, …); `None` for files
/// the analysis does not read.
pub fn language_of(path: &str) -> Option<&'static str> {
    match family::of(path) {
        Family::Code(Lang::Python) => Some("python"),
        Family::Code(Lang::JavaScript) => Some("javascript"),
        Family::Code(Lang::Go) => Some("go"),
        Family::Code(Lang::Rust) => Some("rust"),
        Family::Code(Lang::Java) => Some("java"),
        Family::Code(Lang::Ruby) => Some("ruby"),
        Family::Code(Lang::Php) => Some("php"),
        Family::Code(Lang::CSharp) => Some("csharp"),
        _ => None,
    }
}

/// Callees that read one environment variable named by their first (string) argument.
const ENV_CALLS: &[&str] = &[
    "os.getenv",
    "getenv",
    "os.environ.get",
    "environ.get",
    "os.environ.setdefault",
    "os.Getenv",
    "os.LookupEnv",
    "std::env::var",
    "env::var",
    "std::env::var_os",
    "env::var_os",
    "dotenvy::var",
    "System.getenv",
    "ENV.fetch",
    "Deno.env.get",
    "getEnv",
];
/// Objects indexed by an environment variable's name.
const ENV_MAPS: &[&str] = &["os.environ", "environ", "process.env", "ENV", "$_ENV", "$_SERVER"];
/// Prefixes of a word that ends in an environment variable's name.
const ENV_PREFIXES: &[&str] = &["process.env.", "import.meta.env.", "Bun.env."];
/// Functions a client can be handed to without anything being called on it.
const INERT_CALLS: &[&str] = &[
    "print",
    "len",
    "str",
    "repr",
    "id",
    "type",
    "isinstance",
    "hasattr",
    "getattr",
    "bool",
    "console.log",
    "console.error",
    "console.info",
    "console.debug",
    "JSON.stringify",
    "String",
    "typeof",
    "logging.info",
    "logging.debug",
    "logging.warning",
    "logging.error",
    "log.info",
    "log.debug",
    "logger.info",
    "logger.debug",
    "logger.warning",
    "logger.error",
    "fmt.Println",
    "fmt.Printf",
    "println",
];
/// Words that look like a function name before `(` but are not.
const KEYWORDS: &[&str] = &[
    "if", "for", "while", "switch", "catch", "return", "function", "def", "class", "await", "new", "with", "elif",
    "not", "and", "or", "in", "print", "async", "yield", "lambda", "typeof", "sizeof", "func", "fn", "match",
];

/// Functions and classes followed per file.
const MAX_DEFS: usize = 5_000;

/// A name a client is known by, valid in a byte range (a function body, or the whole file).
#[derive(Debug, Clone)]
struct Alias {
    name: String,
    client: usize,
    start: usize,
    end: usize,
}

/// A function (or class) defined in the file: its name, parameter names and body range.
#[derive(Debug, Clone)]
struct Def {
    name: String,
    params: Vec<String>,
    body: (usize, usize),
    is_class: bool,
}

struct Lexed<'t> {
    text: &'t str,
    toks: Vec<Token>,
    python: bool,
    /// For each opening bracket token, the index of its closing one (computed once: every walk
    /// below jumps over brackets, so a hostile nesting stays linear).
    closes: Vec<usize>,
    /// Byte offset of every line start, for line lookups without rescanning long lines.
    line_starts: Vec<usize>,
}

/// Index of the closing bracket of every opening one (`(`, `[`, `{`); unclosed ones close at the
/// last token; other tokens map to themselves.
fn match_brackets(text: &str, toks: &[Token]) -> Vec<usize> {
    let mut closes: Vec<usize> = (0..toks.len()).collect();
    let mut stack: Vec<usize> = Vec::new();
    for (k, t) in toks.iter().enumerate() {
        if t.kind != Kind::Punct {
            continue;
        }
        match t.text(text) {
            "(" | "[" | "{" => stack.push(k),
            ")" | "]" | "}" => {
                if let Some(open) = stack.pop() {
                    closes[open] = k;
                }
            }
            _ => {}
        }
    }
    let last = toks.len().saturating_sub(1);
    for open in stack {
        closes[open] = last;
    }
    closes
}

impl<'t> Lexed<'t> {
    fn word(&self, i: usize) -> Option<&'t str> {
        let t = self.toks.get(i)?;
        (t.kind == Kind::Word).then(|| t.text(self.text))
    }
    fn punct(&self, i: usize, p: &str) -> bool {
        self.toks.get(i).is_some_and(|t| t.is_punct(self.text, p))
    }
    fn str_inner(&self, i: usize) -> Option<&'t str> {
        let t = self.toks.get(i)?;
        matches!(t.kind, Kind::Str(_)).then(|| t.inner(self.text))
    }
    fn is_newline(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| t.kind == Kind::Newline)
    }
    /// Index of the bracket closing the one at `open` (or the last token).
    fn close_of(&self, open: usize) -> usize {
        self.closes.get(open).copied().unwrap_or(open)
    }
    fn is_open(&self, k: usize) -> bool {
        self.toks.get(k).is_some_and(|t| t.kind == Kind::Punct && matches!(t.text(self.text), "(" | "[" | "{"))
    }
    /// The end (exclusive token index) of the statement starting at `i`: a newline or `;` outside
    /// brackets.
    fn statement_end(&self, i: usize) -> usize {
        let mut k = i;
        while k < self.toks.len() {
            if self.is_open(k) {
                k = self.close_of(k).max(k) + 1;
                continue;
            }
            let t = &self.toks[k];
            match t.kind {
                Kind::Newline => return k,
                Kind::Punct if matches!(t.text(self.text), ")" | "]" | "}" | ";" | ",") => return k,
                _ => {}
            }
            k += 1;
        }
        self.toks.len()
    }
    /// Top-level comma-separated groups between bracket `open` and its close: token ranges.
    fn arg_groups(&self, open: usize) -> Vec<(usize, usize)> {
        let close = self.close_of(open);
        let mut out = Vec::new();
        let mut start = open + 1;
        let mut k = open + 1;
        while k < close {
            if self.is_open(k) {
                k = self.close_of(k).max(k) + 1;
                continue;
            }
            if self.punct(k, ",") {
                out.push((start, k));
                start = k + 1;
            }
            k += 1;
        }
        if start < close {
            out.push((start, close));
        }
        out.into_iter()
            .map(|(s, e)| {
                let mut s = s;
                let mut e = e;
                while s < e && self.is_newline(s) {
                    s += 1;
                }
                while e > s && self.is_newline(e - 1) {
                    e -= 1;
                }
                (s, e)
            })
            .filter(|(s, e)| s < e)
            .collect()
    }
    /// Indentation (bytes of leading blanks) of the line holding `offset`.
    fn indent_at(&self, offset: usize) -> usize {
        let line = self.line_starts.partition_point(|&s| s <= offset).saturating_sub(1);
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        self.text[start..].bytes().take_while(|b| *b == b' ' || *b == b'\t').count()
    }
    /// The body of a Python block whose header line holds `offset`: up to the next non-blank,
    /// non-comment line indented no deeper than the header.
    fn python_block(&self, header: usize) -> (usize, usize) {
        let indent = self.indent_at(header);
        let mut pos = self.text[header..].find('\n').map_or(self.text.len(), |p| header + p + 1);
        let body_start = pos;
        while pos < self.text.len() {
            let line_end = self.text[pos..].find('\n').map_or(self.text.len(), |p| pos + p);
            let line = &self.text[pos..line_end];
            let trimmed = line.trim_start();
            if !trimmed.is_empty() && !trimmed.starts_with('#') && line.len() - trimmed.len() <= indent {
                return (body_start, pos);
            }
            pos = line_end + 1;
        }
        (body_start, self.text.len())
    }
}

/// The env variable name read at token `i`, if any, and the index after the read.
fn env_read_at(lx: &Lexed, i: usize) -> Option<(String, usize, usize)> {
    let w = lx.word(i)?;
    let tok = lx.toks[i];
    for p in ENV_PREFIXES {
        if let Some(rest) = w.strip_prefix(p) {
            let name = rest.split('.').next().unwrap_or(rest);
            if !name.is_empty() {
                return Some((name.to_string(), tok.start, tok.start + p.len() + name.len()));
            }
        }
    }
    if ENV_MAPS.contains(&w) && lx.punct(i + 1, "[") {
        let name = lx.str_inner(i + 2)?;
        if lx.punct(i + 3, "]") {
            return Some((name.to_string(), tok.start, lx.toks[i + 3].end));
        }
    }
    if ENV_CALLS.contains(&w) && lx.punct(i + 1, "(") {
        let name = lx.str_inner(i + 2)?;
        return Some((name.to_string(), tok.start, lx.toks[i + 2].end));
    }
    None
}

/// Modules the file imports (`ccxt`, `okx.Trade`, `binance.spot`, `@binance/connector`).
fn imports(lx: &Lexed) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for i in 0..lx.toks.len() {
        match lx.word(i) {
            Some("import") => {
                if let Some(m) = lx.str_inner(i + 1) {
                    out.insert(m.to_string());
                }
                // `import a, b` / `import a.b as c` (Python, Java); the next words up to the end.
                let mut k = i + 1;
                while let Some(w) = lx.word(k) {
                    if w == "as" {
                        k += 2;
                        continue;
                    }
                    out.insert(w.trim_end_matches(".*").to_string());
                    if !lx.punct(k + 1, ",") {
                        break;
                    }
                    k += 2;
                }
            }
            Some("from") => {
                if let Some(m) = lx.word(i + 1).filter(|_| lx.word(i + 2) == Some("import")) {
                    out.insert(m.to_string());
                } else if let Some(m) = lx.str_inner(i + 1) {
                    out.insert(m.to_string());
                }
            }
            Some("require") | Some("require_once") if lx.punct(i + 1, "(") => {
                if let Some(m) = lx.str_inner(i + 2) {
                    out.insert(m.to_string());
                }
            }
            Some("use") | Some("extern") => {
                if let Some(m) = lx.word(i + 1) {
                    out.insert(m.replace("::", "."));
                }
            }
            _ => {}
        }
    }
    out
}

fn module_imported(imports: &BTreeSet<String>, module: &str) -> bool {
    imports.iter().any(|m| {
        m == module
            || m.starts_with(&format!("{module}."))
            || m.starts_with(&format!("{module}/"))
            || module.starts_with(&format!("{m}."))
    })
}

/// Does `callee` match a constructor pattern? The exchange slug a `{exchange}` matched.
fn constructor_match(pattern: &str, callee: &str, table: &ExchangeTable) -> Option<Option<String>> {
    // `new Spot` and `Spot` are the same constructor: the callee word never holds `new`.
    let pattern = pattern.strip_prefix("new ").unwrap_or(pattern).trim();
    let ident = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$');
    if let Some((pre, post)) = pattern.split_once("{exchange}") {
        let mid = callee.strip_prefix(pre)?.strip_suffix(post)?;
        if !ident(mid) {
            return None;
        }
        return table.resolve(mid).map(|s| Some(s.to_string()));
    }
    if let Some((pre, post)) = pattern.split_once('*') {
        let mid = callee.strip_prefix(pre)?.strip_suffix(post)?;
        return ident(mid).then_some(None);
    }
    (pattern == callee).then_some(None)
}

/// Reads one file. `text` is its decoded text.
pub fn analyze(path: &str, text: &str, rules: &UsageRules, table: &ExchangeTable) -> FileUsage {
    let mut fu = FileUsage { path: path.to_string(), ..Default::default() };
    let Some(lang) = language_of(path) else { return fu };
    let Family::Code(code_lang) = family::of(path) else { return fu };
    let mode = Mode::code(code_lang);
    let toks: Vec<Token> = lexer::lex(text, &mode.lex).into_iter().filter(|t| t.kind != Kind::Comment).collect();
    let closes = match_brackets(text, &toks);
    let line_starts: Vec<usize> = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
    let lx = Lexed { text, toks, python: lang == "python", closes, line_starts };
    let imported = imports(&lx);
    let n = lx.toks.len();

    // Environment reads, and the variables assigned from them (one hop through any variable).
    let mut env_at: BTreeMap<usize, String> = BTreeMap::new();
    for i in 0..n {
        if let Some((name, start, end)) = env_read_at(&lx, i) {
            env_at.insert(i, name.clone());
            fu.env_reads.push(EnvRead { name, start, end });
        }
    }
    let assignments = assignments(&lx);
    let mut var_env: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for _ in 0..3 {
        for (target, (rs, re)) in &assignments {
            let mut names: BTreeSet<String> = env_at.range(*rs..*re).map(|(_, v)| v.clone()).collect();
            for k in *rs..*re {
                if let Some(set) = lx.word(k).and_then(|w| var_env.get(w)) {
                    names.extend(set.iter().cloned());
                }
            }
            if !names.is_empty() {
                var_env.entry(target.clone()).or_default().extend(names);
            }
        }
    }

    let defs = definitions(&lx);
    let enclosing = |offset: usize| -> Option<&Def> {
        defs.iter()
            .filter(|d| !d.is_class && d.body.0 <= offset && offset < d.body.1)
            .min_by_key(|d| d.body.1 - d.body.0)
    };

    // Client constructions.
    let mut aliases: Vec<Alias> = Vec::new();
    let mut factories: BTreeMap<String, usize> = BTreeMap::new();
    let applicable: Vec<(usize, &super::rules::UsageFile)> = rules.for_language(lang).collect();
    for i in 0..n {
        let Some(callee) = lx.word(i) else { continue };
        if !lx.punct(i + 1, "(") {
            continue;
        }
        let found = applicable.iter().find_map(|(fi, f)| {
            f.clients.iter().find_map(|c| {
                if !module_imported(&imported, &c.module) {
                    return None;
                }
                constructor_match(&c.constructor, callee, table).map(|ex| (*fi, ex.or_else(|| f.exchange.clone())))
            })
        });
        let Some((fi, exchange)) = found else { continue };
        let close = lx.close_of(i + 1);
        let mut env: BTreeSet<String> = env_at.range(i..close).map(|(_, v)| v.clone()).collect();
        for k in i + 2..close {
            if let Some(set) = lx.word(k).and_then(|w| var_env.get(w)) {
                env.extend(set.iter().cloned());
            }
        }
        let tok = lx.toks[i];
        let client = fu.clients.len();
        fu.clients.push(Client {
            rules: fi,
            exchange,
            callee: callee.to_string(),
            start: tok.start,
            end: tok.end,
            env,
        });
        // Where it is stored: `x = …`, `self.x = …`, `const x: T = new …`, or returned.
        let mut b = i;
        while b > 0 && matches!(lx.word(b - 1), Some("new" | "await")) {
            b -= 1;
        }
        if b >= 2 && (lx.punct(b - 1, "=") || lx.punct(b - 1, ":=")) {
            // `name = …`, or `name: Type = …`
            let target = if b >= 4 && lx.punct(b - 3, ":") && lx.word(b - 4).is_some() { b - 4 } else { b - 2 };
            if let Some(name) = lx.word(target) {
                push_alias(&mut aliases, name, client, tok.start, &enclosing, text.len());
            }
        } else if b >= 1 && lx.word(b - 1) == Some("return") {
            if let Some(d) = enclosing(tok.start) {
                factories.insert(d.name.clone(), client);
            }
        }
    }
    if fu.clients.is_empty() {
        fu.literals = literals(&lx);
        return fu;
    }

    // Follow the clients through assignments, same-file functions and factories to a fixpoint.
    let mut escaped: BTreeSet<(usize, usize)> = BTreeSet::new();
    for _ in 0..6 {
        let before = aliases.len() + factories.len();
        for (target, (rs, re)) in &assignments {
            if re - rs == 1 || (re - rs == 2 && lx.word(*rs) == Some("await")) {
                let src = if re - rs == 2 { rs + 1 } else { *rs };
                if let Some(w) = lx.word(src) {
                    let off = lx.toks[src].start;
                    if let Some(a) = lookup(&aliases, w, off).cloned() {
                        let (s, e) = if target.contains('.') { (0, text.len()) } else { (a.start, a.end) };
                        add_alias(&mut aliases, target, a.client, s, e);
                    }
                }
            }
            // `x = make_exchange(…)` with a same-file factory.
            let mut k = *rs;
            while matches!(lx.word(k), Some("await" | "new")) {
                k += 1;
            }
            if let Some(w) = lx.word(k).filter(|_| lx.punct(k + 1, "(")) {
                let last = w.rsplit('.').next().unwrap_or(w);
                if let Some(&c) = factories.get(last) {
                    let off = lx.toks[k].start;
                    let scope = if target.contains('.') { None } else { enclosing(off).map(|d| d.body) };
                    let (s, e) = scope.unwrap_or((0, text.len()));
                    add_alias(&mut aliases, target, c, s, e);
                }
            }
        }
        for i in 0..n {
            let Some(w) = lx.word(i) else { continue };
            // `return ex` makes the enclosing function a factory.
            if w == "return" {
                if let Some(r) = lx.word(i + 1) {
                    if let Some(a) = lookup(&aliases, r, lx.toks[i + 1].start) {
                        let client = a.client;
                        if let Some(d) = enclosing(lx.toks[i].start) {
                            factories.entry(d.name.clone()).or_insert(client);
                        }
                    }
                }
                continue;
            }
            if !lx.punct(i + 1, "(") || KEYWORDS.contains(&w) || is_client_call(&aliases, w, lx.toks[i].start) {
                continue;
            }
            if i > 0 && matches!(lx.word(i - 1), Some("def" | "function" | "func" | "fn" | "class")) {
                continue;
            }
            for (pos, (gs, ge)) in lx.arg_groups(i + 1).into_iter().enumerate() {
                // `f(ex)` or `f(exchange=ex)`.
                let (kw, arg) = if ge - gs == 3 && lx.punct(gs + 1, "=") {
                    (lx.word(gs), gs + 2)
                } else if ge - gs == 1 {
                    (None, gs)
                } else {
                    continue;
                };
                let Some(a) = lx.word(arg).and_then(|aw| lookup(&aliases, aw, lx.toks[arg].start)) else { continue };
                let client = a.client;
                let last = w.rsplit('.').next().unwrap_or(w);
                let via_object = w.contains('.');
                let target = defs.iter().find(|d| !d.is_class && d.name == last).or_else(|| {
                    // `Bot(ex)` / `new Bot(ex)`: the class's `__init__` / `constructor`.
                    let class = defs.iter().find(|d| d.is_class && d.name == last)?;
                    defs.iter().find(|d| {
                        (d.name == "__init__" || d.name == "constructor")
                            && class.body.0 <= d.body.0
                            && d.body.1 <= class.body.1
                    })
                });
                match target {
                    Some(d) => {
                        let skip_self = d.params.first().is_some_and(|p| p == "self" || p == "cls")
                            && (via_object || d.name == "__init__");
                        let param = match kw {
                            Some(k) => d.params.iter().find(|p| p.as_str() == k),
                            None => d.params.get(pos + usize::from(skip_self)),
                        };
                        if let Some(p) = param {
                            add_alias(&mut aliases, p, client, d.body.0, d.body.1);
                        }
                    }
                    None if INERT_CALLS.contains(&w) => {}
                    None => {
                        if escaped.insert((client, i)) {
                            let t = lx.toks[i];
                            fu.unresolved.push(Unresolved {
                                client,
                                start: t.start,
                                end: t.end,
                                reason: format!(
                                    "the client is passed to `{w}()`, which is not defined in this file, so keylint cannot see what it calls"
                                ),
                            });
                        }
                    }
                }
            }
        }
        if aliases.len() + factories.len() == before {
            break;
        }
    }

    // Calls on the clients.
    for i in 0..n {
        let Some(w) = lx.word(i) else { continue };
        let tok = lx.toks[i];
        if w == "getattr" && lx.punct(i + 1, "(") {
            let Some(r) = lx.word(i + 2) else { continue };
            let Some(a) = lookup(&aliases, r, lx.toks[i + 2].start) else { continue };
            let client = a.client;
            if lx.punct(i + 3, ",") {
                if let (Some(m), true) = (lx.str_inner(i + 4), lx.punct(i + 5, ")") || lx.punct(i + 5, ",")) {
                    let t = lx.toks[i + 4];
                    record_call(&mut fu, rules, client, format!("{r}.{m}"), m, t.inner_start, t.inner_end);
                    continue;
                }
            }
            fu.unresolved.push(Unresolved {
                client,
                start: tok.start,
                end: tok.end,
                reason: format!("`getattr({r}, …)` calls a method whose name keylint cannot read"),
            });
            continue;
        }
        if lx.punct(i + 1, "[") {
            let Some(a) = lookup(&aliases, w, tok.start) else { continue };
            let client = a.client;
            let close = lx.close_of(i + 1);
            if !lx.punct(close + 1, "(") {
                continue;
            }
            match lx.str_inner(i + 2).filter(|_| close == i + 3) {
                Some(m) => {
                    let t = lx.toks[i + 2];
                    record_call(&mut fu, rules, client, format!("{w}.{m}"), m, t.inner_start, t.inner_end);
                }
                None => fu.unresolved.push(Unresolved {
                    client,
                    start: tok.start,
                    end: lx.toks[close].end,
                    reason: format!("`{w}[…]()` calls a method whose name keylint cannot read"),
                }),
            }
            continue;
        }
        if !lx.punct(i + 1, "(") {
            continue;
        }
        let Some((recv, method)) = w.rsplit_once('.') else { continue };
        if lookup(&aliases, recv, tok.start).is_none() {
            continue;
        }
        let client = lookup(&aliases, recv, tok.start).map(|a| a.client).unwrap_or(0);
        let mstart = tok.end - method.len();
        record_call(&mut fu, rules, client, w.to_string(), method, mstart, tok.end);
    }
    fu.literals = literals(&lx);
    fu
}

fn record_call(fu: &mut FileUsage, rules: &UsageRules, client: usize, text: String, method: &str, s: usize, e: usize) {
    let call = Call { client, text, method: method.to_string(), start: s, end: e };
    let rules_file = fu.clients.get(client).map(|c| c.rules).unwrap_or(0);
    if rules.method_op(rules_file, method).is_some() {
        fu.calls.push(call);
    } else {
        fu.unmapped.push(call);
    }
}

fn push_alias<'d>(
    aliases: &mut Vec<Alias>,
    name: &str,
    client: usize,
    at: usize,
    enclosing: &dyn Fn(usize) -> Option<&'d Def>,
    len: usize,
) {
    // Attributes (`self.exchange`) and module-level names hold for the whole file; a local
    // variable for its function's body.
    let (s, e) = if name.contains('.') { None } else { enclosing(at).map(|d| d.body) }.unwrap_or((0, len));
    add_alias(aliases, name, client, s, e);
}

fn add_alias(aliases: &mut Vec<Alias>, name: &str, client: usize, start: usize, end: usize) {
    if !aliases.iter().any(|a| a.name == name && a.client == client && a.start == start && a.end == end) {
        aliases.push(Alias { name: name.to_string(), client, start, end });
    }
}

/// The innermost alias `name` visible at `offset`.
fn lookup<'a>(aliases: &'a [Alias], name: &str, offset: usize) -> Option<&'a Alias> {
    aliases
        .iter()
        .filter(|a| a.name == name && a.start <= offset && offset < a.end.max(a.start + 1))
        .min_by_key(|a| a.end - a.start)
}

/// Is `word` a method call on a known client (`ex.create_order`)?
fn is_client_call(aliases: &[Alias], word: &str, offset: usize) -> bool {
    word.rsplit_once('.').is_some_and(|(recv, _)| lookup(aliases, recv, offset).is_some())
}

/// `name = …` statements: (target, right-hand-side token range), in file order.
fn assignments(lx: &Lexed) -> Vec<(String, (usize, usize))> {
    let mut out = Vec::new();
    for i in 0..lx.toks.len() {
        if !(lx.punct(i, "=") || lx.punct(i, ":=")) || i == 0 {
            continue;
        }
        // `x = …` or `x: T = …`
        let target = if lx.word(i - 1).is_some() && !(i >= 3 && lx.punct(i - 2, ":") && lx.word(i - 3).is_some()) {
            lx.word(i - 1)
        } else if i >= 3 && lx.punct(i - 2, ":") {
            lx.word(i - 3)
        } else {
            None
        };
        let Some(target) = target else { continue };
        // A keyword argument (`f(a=b)`) is no assignment: the token before the name is `(` or `,`.
        let name_at = if lx.word(i - 1) == Some(target) { i - 1 } else { i - 3 };
        if name_at > 0 && (lx.punct(name_at - 1, "(") || lx.punct(name_at - 1, ",")) {
            continue;
        }
        let end = lx.statement_end(i + 1);
        out.push((target.to_string(), (i + 1, end)));
    }
    out
}

/// Functions and classes defined in the file, with parameter names and body ranges.
fn definitions(lx: &Lexed) -> Vec<Def> {
    let mut out = Vec::new();
    let n = lx.toks.len();
    for i in 0..n {
        // Each Python body is found by scanning its lines: bounded work on a hostile file.
        if out.len() >= MAX_DEFS {
            break;
        }
        let Some(w) = lx.word(i) else { continue };
        let header = lx.toks[i].start;
        match w {
            "def" | "class" if lx.python => {
                let Some(name) = lx.word(i + 1) else { continue };
                let params = if lx.punct(i + 2, "(") && w == "def" { params_of(lx, i + 2) } else { Vec::new() };
                out.push(Def { name: name.to_string(), params, body: lx.python_block(header), is_class: w == "class" });
            }
            "function" | "func" | "fn" | "class" if !lx.python => {
                // `func (r *T) Name(…)`: skip a Go receiver.
                let mut k = i + 1;
                if lx.punct(k, "(") {
                    k = lx.close_of(k) + 1;
                }
                let Some(name) = lx.word(k) else { continue };
                let is_class = w == "class";
                let params = if lx.punct(k + 1, "(") { params_of(lx, k + 1) } else { Vec::new() };
                let Some(open) = (k..n.min(k + 400)).find(|&j| lx.punct(j, "{")) else { continue };
                let close = lx.close_of(open);
                out.push(Def {
                    name: name.to_string(),
                    params,
                    body: (lx.toks[open].start, lx.toks[close].end),
                    is_class,
                });
            }
            _ if !lx.python && lx.punct(i + 1, "(") && !KEYWORDS.contains(&w) && !w.contains('.') => {
                // A method (`name(a, b) {`) or `name = (a, b) => {` / `name = function (…) {`.
                let close = lx.close_of(i + 1);
                let mut k = close + 1;
                // TypeScript return type `): Promise<void> {`
                if lx.punct(k, ":") {
                    while k < n && k < close + 20 && !lx.punct(k, "{") {
                        k += 1;
                    }
                }
                if lx.punct(k, "{") && !(i > 0 && lx.punct(i - 1, ".")) {
                    let end = lx.close_of(k);
                    out.push(Def {
                        name: w.to_string(),
                        params: params_of(lx, i + 1),
                        body: (lx.toks[k].start, lx.toks[end].end),
                        is_class: false,
                    });
                }
            }
            _ if !lx.python && lx.punct(i + 1, "=") => {
                // `const name = (a, b) => {` / `= async (…) =>` / `= function (…) {`
                let mut k = i + 2;
                while matches!(lx.word(k), Some("async" | "function")) {
                    k += 1;
                }
                if !lx.punct(k, "(") {
                    continue;
                }
                let close = lx.close_of(k);
                let mut j = close + 1;
                if lx.punct(j, "=>") {
                    j += 1;
                }
                if lx.punct(j, "{") {
                    let end = lx.close_of(j);
                    out.push(Def {
                        name: w.to_string(),
                        params: params_of(lx, k),
                        body: (lx.toks[j].start, lx.toks[end].end),
                        is_class: false,
                    });
                }
            }
            _ => {}
        }
    }
    out
}

/// Parameter names between a bracket and its close: the first word of each group, skipping
/// TypeScript modifiers and Python `*`/`**`.
fn params_of(lx: &Lexed, open: usize) -> Vec<String> {
    lx.arg_groups(open)
        .into_iter()
        .filter_map(|(s, e)| {
            (s..e).filter_map(|k| lx.word(k)).find(|w| !matches!(*w, "public" | "private" | "protected" | "readonly"))
        })
        .map(str::to_string)
        .collect()
}

/// String literals that look like REST paths (`/api/v5/trade/order`, a full URL) or a
/// WebSocket channel (`"channel": "orders"`).
fn literals(lx: &Lexed) -> Vec<Literal> {
    let mut out = Vec::new();
    for i in 0..lx.toks.len() {
        let Some(inner) = lx.str_inner(i) else { continue };
        let t = lx.toks[i];
        if inner.len() > 300 || inner.contains(char::is_whitespace) {
            continue;
        }
        // `"channel": "orders"` / `channel: 'orders'` / `channel="orders"`
        let named_channel = (i >= 2
            && (lx.punct(i - 1, ":") || lx.punct(i - 1, "="))
            && (lx.str_inner(i - 2).or_else(|| lx.word(i - 2)) == Some("channel")))
            || in_subscription_list(lx, i);
        if named_channel {
            out.push(Literal {
                value: inner.to_string(),
                start: t.inner_start,
                end: t.inner_end,
                http: None,
                channel: true,
            });
            continue;
        }
        let path = match inner.find("://") {
            Some(p) => inner[p + 3..].find('/').map(|s| &inner[p + 3 + s..]),
            None => inner.starts_with('/').then_some(inner),
        };
        let Some(path) = path else { continue };
        let path = path.split(['?', '#']).next().unwrap_or(path);
        if path.len() < 2 || !path.as_bytes().get(1).is_some_and(|b| b.is_ascii_alphanumeric()) {
            continue;
        }
        out.push(Literal {
            value: path.to_string(),
            start: t.inner_start,
            end: t.inner_end,
            http: http_method_near(lx, i),
            channel: false,
        });
    }
    out
}

/// An element of a subscription list: Bybit `{"op": "subscribe", "args": ["order", …]}`,
/// Binance `{"method": "SUBSCRIBE", "params": [...]}`, `channels: [...]`, `topics: [...]`.
fn in_subscription_list(lx: &Lexed, i: usize) -> bool {
    let mut j = i;
    // Back over the list's earlier elements (bounded: subscription lists are short).
    for _ in 0..64 {
        if j == 0 {
            return false;
        }
        j -= 1;
        if lx.punct(j, ",") || lx.str_inner(j).is_some() {
            continue;
        }
        if !lx.punct(j, "[") || j < 2 || !(lx.punct(j - 1, ":") || lx.punct(j - 1, "=")) {
            return false;
        }
        let key = lx.str_inner(j - 2).or_else(|| lx.word(j - 2)).unwrap_or("");
        return matches!(key, "args" | "params" | "channels" | "topics" | "subscriptions");
    }
    false
}

/// An HTTP method written on the same line as token `i`: a `"POST"` literal or a `.post(` call.
fn http_method_near(lx: &Lexed, i: usize) -> Option<String> {
    let line = lx.line_starts.partition_point(|&s| s <= lx.toks[i].start).saturating_sub(1);
    let line_start = lx.line_starts.get(line).copied().unwrap_or(0);
    let line_end = lx.line_starts.get(line + 1).map_or(lx.text.len(), |&s| s.saturating_sub(1));
    const METHODS: &[&str] = &["GET", "POST", "PUT", "DELETE", "PATCH"];
    // The literal's line, at most `NEAR` tokens either side (a minified one-line file stays linear).
    const NEAR: usize = 40;
    let (from, to) = (i.saturating_sub(NEAR), (i + NEAR + 1).min(lx.toks.len()));
    for t in lx.toks[from..to].iter().filter(|t| t.start >= line_start && t.end <= line_end) {
        let word = match t.kind {
            Kind::Str(_) => t.inner(lx.text),
            Kind::Word => t.text(lx.text).rsplit('.').next().unwrap_or(""),
            _ => continue,
        };
        if let Some(m) = METHODS.iter().find(|m| m.eq_ignore_ascii_case(word)) {
            return Some(m.to_string());
        }
    }
    None
}
