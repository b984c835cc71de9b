//! A tolerant lexer for code and line-oriented config text: words, string literals of every
//! quoting style keylint has met (single, double, backtick, triple, raw, verbatim, `$'…'`),
//! punctuation, comments and newlines. It never fails: text it does not understand becomes
//! punctuation, and every byte is looked at a bounded number of times, so a hostile file stays
//! linear (an unterminated multi-line quote is remembered, not searched for again).

/// How a string literal was written; decides how its content is decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quote {
    /// `"…"` with backslash escapes (C family, JSON, Python, JS, Go, Rust, Java, C#, PHP, Ruby).
    Double,
    /// `'…'` with backslash escapes (Python, JS).
    SingleEscaped,
    /// `'…'` without escapes but `''` for a quote (SQL, YAML) or none at all (shell).
    SingleRaw,
    /// `'…'` where only `\'` and `\\` are escapes (PHP, Ruby).
    SingleMinimal,
    /// `"…"` in shell: `\"`, `\\`, `\$`, `` \` `` and backslash-newline only.
    ShellDouble,
    /// `$'…'` (bash ANSI-C quoting).
    DollarSingle,
    /// `` `…` `` with escapes (JS template literal).
    Template,
    /// `` `…` `` / `r"…"` / `r#"…"#` / `'''…'''` raw: no escapes.
    Raw,
    /// `"""…"""` / `'''…'''` with escapes (Python, Kotlin, Julia).
    Triple,
    /// `@"…"` (C# verbatim: `""` is a quote).
    Verbatim,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An identifier or bare word (may hold `.`, `::`, `->`, `$`, `@`; in config mode also `-`).
    Word,
    /// A number.
    Number,
    /// A string literal; `inner` is its content range.
    Str(Quote),
    /// One punctuation character, or a two/three-character operator (see `op`).
    Punct,
    Comment,
    Newline,
}

/// One token; offsets are byte offsets into the lexed text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
    /// Content range of a string literal (without quotes); the token range otherwise.
    pub inner_start: usize,
    pub inner_end: usize,
}

impl Token {
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.start..self.end).unwrap_or("")
    }
    pub fn inner<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.inner_start..self.inner_end).unwrap_or("")
    }
    pub fn is_punct(&self, text: &str, p: &str) -> bool {
        self.kind == Kind::Punct && self.text(text) == p
    }
}

/// A token stored compactly (offsets as `u32`; files are far below 4 GiB): half the memory of
/// `Token`, which matters for a 10 MB one-line JSON file of two million tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Packed {
    kind: Kind,
    start: u32,
    end: u32,
    inner_start: u32,
    inner_end: u32,
}

impl Packed {
    fn new(t: Token) -> Self {
        let c = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        Packed {
            kind: t.kind,
            start: c(t.start),
            end: c(t.end),
            inner_start: c(t.inner_start),
            inner_end: c(t.inner_end),
        }
    }

    pub fn unpack(self) -> Token {
        Token {
            kind: self.kind,
            start: self.start as usize,
            end: self.end as usize,
            inner_start: self.inner_start as usize,
            inner_end: self.inner_end as usize,
        }
    }
}

/// What the text's language allows.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// `#` starts a comment (at line start or after whitespace).
    pub hash_comments: bool,
    /// `//` and `/* */`.
    pub slash_comments: bool,
    /// `--` (SQL, Lua).
    pub dash_comments: bool,
    /// `;` and `!` at line start (INI, .properties).
    pub semicolon_line_comments: bool,
    /// `'` delimits strings (off in Rust, where it is a lifetime or a char).
    pub single_quotes: Option<Quote>,
    pub double_quote: Option<Quote>,
    /// `` ` `` delimits strings.
    pub backtick: Option<Quote>,
    pub triple_quotes: bool,
    /// Rust `r"…"` / `r#"…"#`, Python `r'…'`, C# `@"…"`, bash `$'…'`.
    pub prefixed_strings: bool,
    /// Config text: `-` belongs to words (`OK-ACCESS-KEY`, `api-key`).
    pub dash_in_words: bool,
    /// `<<EOF … EOF` heredocs (shell, HCL, Ruby) are one raw literal.
    pub heredocs: bool,
}

/// Longest string literal followed (bytes): bounds work per quote on hostile input.
const MAX_LITERAL: usize = 64 * 1024;

/// Splits `text` into tokens.
pub fn lex(text: &str, opts: &Options) -> Vec<Token> {
    lex_packed(text, opts).into_iter().map(Packed::unpack).collect()
}

/// `lex`, stored compactly.
pub fn lex_packed(text: &str, opts: &Options) -> Vec<Packed> {
    let b = text.as_bytes();
    let mut out = PackedVec(Vec::with_capacity(b.len() / 6 + 4));
    let mut i = 0;
    // Per opener kind, the offset up to which no terminator exists (see module docs).
    let mut no_close: [usize; 6] = [0; 6];
    let mut line_start = true;
    while i < b.len() {
        let c = b[i];
        let at_line_start = line_start;
        line_start = false;
        match c {
            b'\n' => {
                out.push(tok(Kind::Newline, i, i + 1));
                i += 1;
                line_start = true;
                continue;
            }
            b' ' | b'\t' | b'\r' | 0x0c => {
                i += 1;
                line_start = at_line_start;
                continue;
            }
            _ => {}
        }
        // Comments.
        let prev_space = i == 0 || matches!(b[i - 1], b' ' | b'\t' | b'\n' | b'\r' | b';' | b'{' | b'}' | b',');
        if (opts.hash_comments && c == b'#' && prev_space)
            || (opts.semicolon_line_comments && at_line_start && (c == b';' || c == b'!'))
            || (opts.dash_comments && c == b'-' && b.get(i + 1) == Some(&b'-'))
            || (opts.slash_comments && c == b'/' && b.get(i + 1) == Some(&b'/') && !after_colon(b, i))
        {
            let end = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |p| i + p);
            out.push(tok(Kind::Comment, i, end));
            i = end;
            continue;
        }
        if opts.slash_comments && c == b'/' && b.get(i + 1) == Some(&b'*') {
            let end = memchr::memmem::find(&b[i + 2..], b"*/").map_or(b.len(), |p| i + 2 + p + 2);
            out.push(tok(Kind::Comment, i, end));
            i = end;
            continue;
        }
        if c == b'<' && b[i..].starts_with(b"<!--") {
            let end = memchr::memmem::find(&b[i + 4..], b"-->").map_or(b.len(), |p| i + 4 + p + 3);
            out.push(tok(Kind::Comment, i, end));
            i = end;
            continue;
        }
        if opts.heredocs && c == b'<' && b.get(i + 1) == Some(&b'<') {
            if let Some((t, next)) = heredoc(b, i) {
                out.push(t);
                i = next;
                continue;
            }
        }
        // Objective-C `@"…"`: the `@` marks an NSString literal; the string is what matters.
        if c == b'@' && b.get(i + 1) == Some(&b'"') && !opts.prefixed_strings {
            i += 1;
            continue;
        }
        // String literals, prefixed forms first.
        if let Some((t, next)) = string_at(b, i, opts, &mut no_close) {
            out.push(t);
            i = next;
            continue;
        }
        if is_word_start(c) {
            let mut e = i + 1;
            while e < b.len() {
                let x = b[e];
                // `-` (config words), `.`, `::` and `->` join words (`OK-ACCESS-KEY`,
                // `ccxt.okx`, `Credentials::new`, `$this->apiKey`).
                let next_starts = |k: usize| b.get(e + k).is_some_and(|&n| is_word_start(n));
                let joined = is_word_byte(x)
                    || (opts.dash_in_words && x == b'-' && e + 1 < b.len() && is_word_byte(b[e + 1]))
                    || (x == b'.' && next_starts(1));
                let joined2 = (x == b':' && b.get(e + 1) == Some(&b':') || x == b'-' && b.get(e + 1) == Some(&b'>'))
                    && next_starts(2);
                if joined {
                    e += 1;
                } else if joined2 {
                    e += 2;
                } else {
                    break;
                }
            }
            let kind = if c.is_ascii_digit() { Kind::Number } else { Kind::Word };
            out.push(tok(kind, i, e));
            i = e;
            continue;
        }
        // Operators that matter to the binder.
        let next = b.get(i + 1).copied().unwrap_or(0);
        let len = match (c, next) {
            (b':', b':') if b[i..].starts_with(b":::=") => 4,
            (b':', b':') if b.get(i + 2) == Some(&b'=') => 3,
            (b'=', b'>' | b'=')
            | (b':', b'=' | b':')
            | (b'?', b'=' | b'?')
            | (b'+' | b'.' | b'!' | b'<' | b'>', b'=')
            | (b'|', b'|')
            | (b'&', b'&')
            | (b'-', b'>')
            | (b'.', b'.') => 2,
            _ => 1,
        };
        // Keep UTF-8 sequences whole.
        let len = if c >= 0x80 { utf8_len(c).min(b.len() - i) } else { len };
        out.push(tok(Kind::Punct, i, i + len));
        i += len;
    }
    out.0
}

/// `<<EOF`, `<<-EOF`, `<<~EOF`, `<<'EOF'`, `<<"EOF"` at `i`: the body (from the next line to
/// the terminator line) as a raw literal.
fn heredoc(b: &[u8], i: usize) -> Option<(Token, usize)> {
    let mut j = i + 2;
    if matches!(b.get(j), Some(b'-' | b'~')) {
        j += 1;
    }
    let quote = b.get(j).copied().filter(|c| matches!(c, b'\'' | b'"'));
    if quote.is_some() {
        j += 1;
    }
    let name_start = j;
    while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
        j += 1;
    }
    let name = &b[name_start..j];
    if name.is_empty() || name.len() > 32 {
        return None;
    }
    if let Some(q) = quote {
        if b.get(j) != Some(&q) {
            return None;
        }
    }
    let body_start = j + memchr::memchr(b'\n', &b[j..])? + 1;
    let limit = b.len().min(body_start + MAX_LITERAL);
    let mut line = body_start;
    while line < limit {
        let line_end = memchr::memchr(b'\n', &b[line..]).map_or(b.len(), |p| line + p);
        let content = &b[line..line_end];
        let trimmed: &[u8] = {
            let s = content.iter().position(|c| !matches!(c, b' ' | b'\t')).unwrap_or(content.len());
            let e = content.iter().rposition(|c| !matches!(c, b' ' | b'\t' | b'\r')).map_or(s, |p| p + 1);
            &content[s..e.max(s)]
        };
        if trimmed == name {
            let body_end = line.saturating_sub(1).max(body_start);
            let t = Token {
                kind: Kind::Str(Quote::Raw),
                start: i,
                end: line_end,
                inner_start: body_start,
                inner_end: body_end,
            };
            return Some((t, line_end));
        }
        line = line_end + 1;
    }
    None
}

/// The lexer's output buffer: pushes `Token`s, stores `Packed` ones.
struct PackedVec(Vec<Packed>);

impl PackedVec {
    fn push(&mut self, t: Token) {
        self.0.push(Packed::new(t));
    }
}

fn tok(kind: Kind, start: usize, end: usize) -> Token {
    Token { kind, start, end, inner_start: start, inner_end: end }
}

fn utf8_len(c: u8) -> usize {
    match c {
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf7 => 4,
        _ => 1,
    }
}

/// `//` right after `:` is a URL (`https://…`), not a comment.
fn after_colon(b: &[u8], i: usize) -> bool {
    i > 0 && b[i - 1] == b':'
}

pub fn is_word_start(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'$' | b'@') || c >= 0x80
}

fn is_word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'$' | b'@') || c >= 0x80
}

/// A string literal starting at `i`, with the offset after it.
fn string_at(b: &[u8], i: usize, opts: &Options, no_close: &mut [usize; 6]) -> Option<(Token, usize)> {
    let c = b[i];
    if opts.prefixed_strings {
        // Rust raw strings `r"…"`, `r#"…"#`, `br"…"`.
        let p = if c == b'b' && b.get(i + 1) == Some(&b'r') { i + 1 } else { i };
        if b[p] == b'r' && (p == 0 || !is_word_byte(b[p.saturating_sub(1)]) || p > i) {
            let mut q = p + 1;
            while q < b.len() && b[q] == b'#' && q - p <= 8 {
                q += 1;
            }
            if b.get(q) == Some(&b'"') {
                let hashes = q - p - 1;
                let mut close = vec![b'"'];
                close.extend(std::iter::repeat_n(b'#', hashes));
                if let Some(end) = find_close(b, q + 1, &close, 0, no_close) {
                    return Some((lit(Quote::Raw, i, q + 1, end, end + close.len()), end + close.len()));
                }
            }
        }
        // C# verbatim `@"…"` and interpolated verbatim `$@"…"` / `@$"…"`.
        if c == b'@' || (c == b'$' && b.get(i + 1) == Some(&b'@')) {
            let q = if c == b'$' || b.get(i + 1) == Some(&b'$') { i + 2 } else { i + 1 };
            if b.get(q) == Some(&b'"') {
                let mut e = q + 1;
                let limit = b.len().min(q + 1 + MAX_LITERAL);
                while e < limit {
                    if b[e] == b'"' {
                        if b.get(e + 1) == Some(&b'"') {
                            e += 2;
                            continue;
                        }
                        return Some((lit(Quote::Verbatim, i, q + 1, e, e + 1), e + 1));
                    }
                    e += 1;
                }
            }
        }
        // bash `$'…'` (backslash escapes, one line).
        if c == b'$' && b.get(i + 1) == Some(&b'\'') {
            let mut e = i + 2;
            let limit = b.len().min(i + 2 + MAX_LITERAL);
            while e < limit && b[e] != b'\'' && b[e] != b'\n' {
                e += if b[e] == b'\\' { 2 } else { 1 };
            }
            if b.get(e) == Some(&b'\'') {
                return Some((lit(Quote::DollarSingle, i, i + 2, e, e + 1), e + 1));
            }
        }
        // Python string prefixes (`f"…"`, `rb'…'`, `u"…"`): lex as the quote that follows.
        if matches!(c, b'f' | b'F' | b'u' | b'U' | b'b' | b'B' | b'r' | b'R') && (i == 0 || !is_word_byte(b[i - 1])) {
            let mut q = i + 1;
            if q < b.len() && matches!(b[q], b'r' | b'R' | b'b' | b'B' | b'f' | b'F') {
                q += 1;
            }
            if q < b.len() && matches!(b[q], b'"' | b'\'') && q - i <= 2 {
                let raw = b[i..q].iter().any(|x| matches!(x, b'r' | b'R'));
                if let Some((mut t, next)) = quoted(b, q, opts, no_close) {
                    t.start = i;
                    if raw {
                        t.kind = Kind::Str(Quote::Raw);
                    }
                    return Some((t, next));
                }
            }
        }
    }
    quoted(b, i, opts, no_close)
}

fn quoted(b: &[u8], i: usize, opts: &Options, no_close: &mut [usize; 6]) -> Option<(Token, usize)> {
    let c = b[i];
    if opts.triple_quotes && (c == b'"' || c == b'\'') && b[i..].starts_with(&[c, c, c]) {
        let close = [c, c, c];
        let slot = if c == b'"' { 2 } else { 3 };
        if let Some(end) = find_close(b, i + 3, &close, slot, no_close) {
            return Some((lit(Quote::Triple, i, i + 3, end, end + 3), end + 3));
        }
    }
    let style = match c {
        b'"' => opts.double_quote?,
        b'\'' => opts.single_quotes?,
        b'`' => opts.backtick?,
        _ => return None,
    };
    let multiline = matches!(style, Quote::ShellDouble | Quote::Template | Quote::Raw | Quote::SingleRaw)
        || (style == Quote::Double && c == b'`');
    let escapes = !matches!(style, Quote::Raw | Quote::SingleRaw | Quote::Verbatim);
    let limit = b.len().min(i + 1 + MAX_LITERAL);
    let slot = match c {
        b'`' => 4,
        b'\'' => 5,
        _ => 0,
    };
    if multiline && no_close[slot] > i {
        return None;
    }
    let mut e = i + 1;
    while e < limit {
        let x = b[e];
        if x == c {
            if style == Quote::SingleRaw && c == b'\'' && b.get(e + 1) == Some(&b'\'') {
                // SQL/YAML: `''` is a quote inside the literal (in shell it joins two literals).
                e += 2;
                continue;
            }
            return Some((lit(style, i, i + 1, e, e + 1), e + 1));
        }
        if x == b'\\' && escapes {
            e += 2;
            continue;
        }
        if x == b'\n' && !multiline {
            // A quote not closed on its line is not a string (an apostrophe in prose).
            return None;
        }
        e += 1;
    }
    if multiline {
        no_close[slot] = limit;
    }
    None
}

/// Finds `close` from `from`, or remembers (per `slot`) that it is not there.
fn find_close(b: &[u8], from: usize, close: &[u8], slot: usize, no_close: &mut [usize; 6]) -> Option<usize> {
    if no_close[slot] > from {
        return None;
    }
    let limit = b.len().min(from + MAX_LITERAL);
    match memchr::memmem::find(&b[from.min(limit)..limit], close) {
        Some(p) => Some(from + p),
        None => {
            no_close[slot] = limit;
            None
        }
    }
}

fn lit(style: Quote, start: usize, inner_start: usize, inner_end: usize, end: usize) -> Token {
    Token { kind: Kind::Str(style), start, end, inner_start, inner_end }
}

/// What decoding changed, for the finding's evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decoded {
    Raw,
    Escaped,
    Continuation,
}

/// The value a literal stands for.
pub fn decode(style: Quote, inner: &str) -> (String, Decoded) {
    let (value, kind, _) = decode_impl(style, inner, false);
    (value, kind)
}

/// `decode` plus the offset (into `inner`) of every byte of the value, for nested producers.
pub fn decode_map(style: Quote, inner: &str) -> (String, Vec<usize>) {
    let (value, _, map) = decode_impl(style, inner, true);
    (value, map)
}

/// Resolves backslash escapes the way a double-quoted JSON / source string does.
pub fn unescape(inner: &str) -> (String, Decoded) {
    decode(Quote::Double, inner)
}

fn decode_impl(style: Quote, inner: &str, want_map: bool) -> (String, Decoded, Vec<usize>) {
    let plain = match style {
        Quote::Raw => true,
        Quote::SingleRaw => !inner.contains("''"),
        Quote::Verbatim => !inner.contains("\"\""),
        _ => !inner.contains('\\'),
    };
    if plain {
        let map = if want_map { (0..inner.len()).collect() } else { Vec::new() };
        return (inner.to_string(), Decoded::Raw, map);
    }
    let mut out = String::with_capacity(inner.len());
    let mut map: Vec<usize> = Vec::new();
    let mut kind = Decoded::Escaped;
    let push = |out: &mut String, map: &mut Vec<usize>, c: char, at: usize| {
        out.push(c);
        if want_map {
            map.extend(std::iter::repeat_n(at, c.len_utf8()));
        }
    };
    let chars: Vec<(usize, char)> = inner.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        let next = chars.get(i + 1).map(|&(_, n)| n);
        match style {
            Quote::SingleRaw if c == '\'' && next == Some('\'') => {
                push(&mut out, &mut map, '\'', at);
                i += 2;
                continue;
            }
            Quote::Verbatim if c == '"' && next == Some('"') => {
                push(&mut out, &mut map, '"', at);
                i += 2;
                continue;
            }
            Quote::SingleRaw | Quote::Verbatim | Quote::Raw => {
                push(&mut out, &mut map, c, at);
                i += 1;
                continue;
            }
            _ => {}
        }
        if c != '\\' {
            push(&mut out, &mut map, c, at);
            i += 1;
            continue;
        }
        let Some(n) = next else {
            push(&mut out, &mut map, c, at);
            break;
        };
        i += 2;
        match style {
            Quote::SingleMinimal => {
                if n == '\'' || n == '\\' {
                    push(&mut out, &mut map, n, at);
                } else {
                    push(&mut out, &mut map, '\\', at);
                    push(&mut out, &mut map, n, at + 1);
                }
                continue;
            }
            Quote::ShellDouble => {
                match n {
                    '\n' => kind = Decoded::Continuation,
                    '"' | '\\' | '$' | '`' => push(&mut out, &mut map, n, at),
                    _ => {
                        push(&mut out, &mut map, '\\', at);
                        push(&mut out, &mut map, n, at + 1);
                    }
                }
                continue;
            }
            _ => {}
        }
        match n {
            'n' => push(&mut out, &mut map, '\n', at),
            't' => push(&mut out, &mut map, '\t', at),
            'r' => push(&mut out, &mut map, '\r', at),
            '0' => push(&mut out, &mut map, '\0', at),
            '\n' => kind = Decoded::Continuation,
            '\r' => {
                kind = Decoded::Continuation;
                if chars.get(i).map(|&(_, x)| x) == Some('\n') {
                    i += 1;
                }
            }
            'u' | 'x' => {
                let len = if n == 'u' { 4 } else { 2 };
                let hex: String = chars.iter().skip(i).take(len).map(|&(_, x)| x).collect();
                let ch = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32).filter(|_| hex.len() == len);
                match ch {
                    Some(ch) if n == 'u' || ch.is_ascii() => {
                        push(&mut out, &mut map, ch, at);
                        i += len;
                    }
                    _ => push(&mut out, &mut map, n, at),
                }
            }
            other => push(&mut out, &mut map, other, at),
        }
    }
    (out, kind, map)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code() -> Options {
        Options {
            hash_comments: true,
            slash_comments: true,
            single_quotes: Some(Quote::SingleEscaped),
            double_quote: Some(Quote::Double),
            backtick: Some(Quote::Template),
            triple_quotes: true,
            prefixed_strings: true,
            ..Options::default()
        }
    }

    fn kinds(text: &str, opts: &Options) -> Vec<(Kind, String)> {
        lex(text, opts).into_iter().map(|t| (t.kind, t.inner(text).to_string())).collect()
    }

    #[test]
    fn lexes_strings_of_every_style() {
        let k = kinds(r##"a = """x"y""" b = r#"q"q"# c = @"v""w" d = $'e\'f'"##, &code());
        let strs: Vec<&str> =
            k.iter().filter(|(kind, _)| matches!(kind, Kind::Str(_))).map(|(_, s)| s.as_str()).collect();
        assert_eq!(strs, vec!["x\"y", "q\"q", "v\"\"w", "e\\'f"]);
    }

    #[test]
    fn words_keep_dots_and_paths() {
        let k = kinds("ccxt.okx({x}) Credentials::new(a) $this->apiKey", &code());
        let words: Vec<&str> = k.iter().filter(|(kind, _)| *kind == Kind::Word).map(|(_, s)| s.as_str()).collect();
        assert_eq!(words, vec!["ccxt.okx", "x", "Credentials::new", "a", "$this->apiKey"]);
    }

    #[test]
    fn urls_are_not_comments_and_apostrophes_are_not_strings() {
        let k = kinds("u = \"https://x\" // c\nit's fine", &code());
        assert!(k.iter().any(|(kind, s)| *kind == Kind::Comment && s == "// c"));
        assert!(!k.iter().any(|(kind, s)| matches!(kind, Kind::Str(_)) && s.contains("s fine")));
    }

    #[test]
    fn unterminated_multiline_quotes_stay_linear() {
        let text = "`".repeat(200_000);
        let t = std::time::Instant::now();
        let toks = lex(&text, &code());
        assert_eq!(toks.len(), 100_000);
        assert!(t.elapsed().as_secs() < 5);
    }

    #[test]
    fn decodes_escapes() {
        assert_eq!(decode(Quote::Double, r#"a\/b\"c\u0041\x42"#).0, "a/b\"cAB");
        assert_eq!(decode(Quote::ShellDouble, "ab\\\ncd").0, "abcd");
        assert_eq!(decode(Quote::ShellDouble, "ab\\\ncd").1, Decoded::Continuation);
        assert_eq!(decode(Quote::SingleRaw, "it''s").0, "it's");
        assert_eq!(decode(Quote::Verbatim, "a\"\"b").0, "a\"b");
    }
}
