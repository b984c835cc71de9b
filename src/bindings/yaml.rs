//! YAML by indentation: mappings, sequence items, block scalars (`|`, `>-`), quoted scalars over
//! several lines, flow collections. It reads templates that no YAML parser accepts (Helm,
//! Jinja) and never fails; anchors and aliases are not expanded (a value behind `*alias` is
//! found where it is written).

use super::code::{self, Lang, Mode};
use super::{Builder, Encoding, OffsetMap, Role, StructureKind};

struct Frame {
    indent: usize,
    structure: usize,
    item: bool,
}

/// Longest block or flow value followed (bytes).
const MAX_VALUE: usize = 256 * 1024;

pub fn produce(text: &str, b: &mut Builder, parent: usize) {
    let lines: Vec<(usize, &str)> = {
        let mut v = Vec::new();
        let mut off = 0;
        for l in text.split_inclusive('\n') {
            v.push((off, l.trim_end_matches(['\n', '\r'])));
            off += l.len();
        }
        v
    };
    let mut frames: Vec<Frame> = Vec::new();
    // `&anchor` names → the structure they label.
    let mut anchors: Vec<(String, usize)> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let (off, line) = lines[i];
        i += 1;
        let indent = line.bytes().take_while(|&c| c == b' ').count();
        let content = &line[indent..];
        if content.is_empty() {
            continue;
        }
        if content.starts_with('#') {
            b.comment(off + indent, off + line.len());
            continue;
        }
        if indent == 0 && (content.starts_with("---") || content.starts_with("...")) {
            close_all(&mut frames, b, off);
            continue;
        }
        // Sequence items open an item structure each; `- - x` nests.
        let mut col = indent;
        let mut rest = content;
        let mut first = true;
        while rest == "-" || rest.starts_with("- ") {
            pop(&mut frames, b, col, true, off);
            let container = frames.last().map_or(parent, |f| f.structure);
            let s = b.open(StructureKind::Item, "", container, off + col);
            frames.push(Frame { indent: col, structure: s, item: true });
            let skip = 1 + rest[1..].bytes().take_while(|&c| c == b' ').count();
            col += skip;
            rest = &rest[skip.min(rest.len())..];
            first = false;
        }
        if first {
            pop(&mut frames, b, col, false, off);
        }
        if rest.is_empty() {
            continue;
        }
        let container = frames.last().map_or(parent, |f| f.structure);
        let Some((key, key_off, after)) = split_key(rest) else {
            // A flow mapping as an item: `- {exchange: okx, key: …}`.
            if !first && (rest.starts_with('{') || rest.starts_with('[')) {
                let item = &line[col..];
                b.with_view(OffsetMap::Shift(off + col), None, |b| {
                    code::produce(item, &Mode::lines(Lang::Generic), b, container)
                });
                continue;
            }
            // A scalar item: `- KEY=value` (compose environment lists) and the like.
            if !first && rest.contains('=') {
                let item = &line[col..];
                b.with_view(OffsetMap::Shift(off + col), None, |b| {
                    code::produce(item, &Mode::lines(Lang::Env), b, container)
                });
            }
            continue;
        };
        let key_start = off + col + key_off;
        let value_col = col + after;
        let raw = &line[value_col.min(line.len())..];
        let (value, value_off, anchor) = strip_props(raw);
        let value_col = value_col + value_off;
        if value.is_empty() || value.starts_with('#') {
            // A mapping or sequence follows, indented (or a sequence at the same indent).
            let s = b.open(StructureKind::Object, &key, container, off + col);
            if let Some(a) = anchor {
                b.detail(s, a);
                anchors.push((a.to_string(), s));
            }
            frames.push(Frame { indent: col, structure: s, item: false });
            continue;
        }
        // `okx: *okx_main`: the anchored mapping is also what this key names.
        if let Some(alias) = value.strip_prefix('*') {
            let alias = alias.split_whitespace().next().unwrap_or("");
            if let Some(&(_, s)) = anchors.iter().rev().find(|(a, _)| a == alias) {
                b.detail(s, &key);
            }
            continue;
        }
        let first_char = value.as_bytes()[0];
        match first_char {
            b'|' | b'>' if is_block_indicator(value) => {
                i = block_scalar(&lines, i, col, first_char == b'>', &key, key_start, container, b);
            }
            b'"' | b'\'' => {
                i = quoted_scalar(&lines, i - 1, value_col, first_char, &key, key_start, container, b);
            }
            b'{' | b'[' => {
                // Flow collection: through the code producer, which binds `k: v` inside braces.
                let mut flow = String::new();
                let start = off + value_col;
                let mut depth = 0i32;
                let mut j = i - 1;
                let mut col0 = value_col;
                let mut map: Vec<usize> = Vec::new();
                loop {
                    let (lo, l) = lines[j];
                    let part = &l[col0.min(l.len())..];
                    for (k, ch) in part.char_indices() {
                        if ch == '{' || ch == '[' {
                            depth += 1;
                        } else if ch == '}' || ch == ']' {
                            depth -= 1;
                        }
                        let _ = k;
                    }
                    map.extend((0..part.len()).map(|k| lo + col0 + k));
                    flow.push_str(part);
                    j += 1;
                    if depth <= 0 || j >= lines.len() || flow.len() > MAX_VALUE {
                        break;
                    }
                    flow.push('\n');
                    map.push(lo + l.len());
                    col0 = 0;
                }
                map.push(map.last().map_or(start, |&m| m + 1));
                let s = b.open(StructureKind::Object, &key, container, start);
                b.with_view(OffsetMap::Table(map), None, |b| code::produce(&flow, &Mode::lines(Lang::Generic), b, s));
                i = j.max(i);
            }
            b'*' => {}
            _ => {
                // A plain scalar; a ` #` starts a comment.
                let v = match value.find(" #") {
                    Some(c) => value[..c].trim_end(),
                    None => value.trim_end(),
                };
                let start = off + value_col;
                b.bind(
                    &key,
                    key_start,
                    v.to_string(),
                    start,
                    start + v.len(),
                    Encoding::Raw,
                    true,
                    Role::Named,
                    container,
                );
                code::nested_value(v, OffsetMap::Shift(start), &key, container, b);
            }
        }
    }
    close_all(&mut frames, b, text.len());
}

fn close_all(frames: &mut Vec<Frame>, b: &mut Builder, at: usize) {
    while let Some(f) = frames.pop() {
        b.close(f.structure, at);
    }
}

/// Pops the frames a line at `col` leaves. A sequence item at the indent of its parent key
/// (`env:\n- name: x`) stays inside that key.
fn pop(frames: &mut Vec<Frame>, b: &mut Builder, col: usize, item: bool, at: usize) {
    while let Some(f) = frames.last() {
        let leave = f.indent > col || (f.indent == col && (!item || f.item));
        if !leave {
            break;
        }
        b.close(f.structure, at);
        frames.pop();
    }
}

/// `key: rest` → (key, key offset, offset of rest). Quoted keys keep their content.
fn split_key(s: &str) -> Option<(String, usize, usize)> {
    let bytes = s.as_bytes();
    let (key, key_off, mut i) = match bytes[0] {
        q @ (b'"' | b'\'') => {
            let close = s[1..].find(q as char)? + 1;
            (s[1..close].to_string(), 1, close + 1)
        }
        b'{' | b'[' | b'&' | b'*' | b'!' | b'|' | b'>' | b'%' | b'@' | b'`' => return None,
        _ => {
            // A plain key ends at `: ` or `:` at the end; `http://x` is not a key.
            let mut e = 0;
            loop {
                let p = s[e..].find(':')? + e;
                let next = bytes.get(p + 1);
                if next.is_none() || next == Some(&b' ') || next == Some(&b'\t') {
                    break (s[..p].trim_end().to_string(), 0, p);
                }
                e = p + 1;
            }
        }
    };
    while i < bytes.len() && bytes[i] == b' ' {
        i += 1;
    }
    if bytes.get(i) != Some(&b':') {
        return None;
    }
    if key.is_empty() || key.contains(" #") {
        return None;
    }
    i += 1;
    while i < bytes.len() && matches!(bytes[i], b' ' | b'\t') {
        i += 1;
    }
    Some((key, key_off, i))
}

/// Drops `&anchor` and `!tag` before a value; returns the value, how much was dropped and the
/// anchor's name.
fn strip_props(raw: &str) -> (&str, usize, Option<&str>) {
    let mut v = raw;
    let mut off = 0;
    let mut anchor = None;
    for _ in 0..2 {
        if v.starts_with('&') || (v.starts_with('!') && !v.starts_with("!vault")) {
            let end = v.find(' ').unwrap_or(v.len());
            if v.starts_with('&') {
                anchor = Some(&v[1..end]);
            }
            let rest = &v[end..];
            let trimmed = rest.trim_start();
            off += end + (rest.len() - trimmed.len());
            v = trimmed;
        }
    }
    (v.trim_end(), off, anchor)
}

fn is_block_indicator(v: &str) -> bool {
    let head = v.split(" #").next().unwrap_or("").trim_end();
    head.len() <= 4 && head[1..].chars().all(|c| c == '-' || c == '+' || c.is_ascii_digit())
}

/// A block scalar after the line `lines[i - 1]`; returns the index of the first line after it.
#[allow(clippy::too_many_arguments)]
fn block_scalar(
    lines: &[(usize, &str)],
    mut i: usize,
    key_col: usize,
    folded: bool,
    key: &str,
    key_start: usize,
    container: usize,
    b: &mut Builder,
) -> usize {
    let mut block_indent: Option<usize> = None;
    let mut value = String::new();
    let mut map: Vec<usize> = Vec::new();
    let mut start = None;
    let mut end = 0;
    let mut pending_blank = 0;
    while i < lines.len() {
        let (off, line) = lines[i];
        let ind = line.bytes().take_while(|&c| c == b' ').count();
        if line.trim().is_empty() {
            pending_blank += 1;
            i += 1;
            continue;
        }
        if ind <= key_col {
            break;
        }
        let bi = *block_indent.get_or_insert(ind);
        if ind < bi {
            break;
        }
        if value.len() > MAX_VALUE {
            i += 1;
            continue;
        }
        if start.is_some() {
            let sep = if pending_blank > 0 {
                "\n".repeat(pending_blank)
            } else if folded && ind == bi {
                " ".into()
            } else {
                "\n".into()
            };
            for _ in 0..sep.len() {
                map.push(end);
            }
            value.push_str(&sep);
        }
        pending_blank = 0;
        let body = &line[bi..];
        start.get_or_insert(off + bi);
        value.push_str(body);
        map.extend((0..body.len()).map(|k| off + bi + k));
        end = off + line.len();
        i += 1;
    }
    let Some(start) = start else { return i };
    map.push(end);
    b.bind(key, key_start, value.clone(), start, end, Encoding::YamlBlock, true, Role::Named, container);
    if value.contains(['=', ':', '\n']) {
        // Scripts (`run: |`), embedded files (`.env: |`, `config.json: |`) hold bindings too.
        let holder = b.open(StructureKind::Value, key, container, start);
        b.close(holder, end);
        let family = match super::family::of(key) {
            super::family::Family::Lines(Lang::Generic) => super::family::Family::Lines(Lang::Shell),
            f => f,
        };
        b.with_view(OffsetMap::Table(map), None, |b| super::family::produce_family(family, &value, b, holder));
    }
    i
}

/// A quoted scalar starting at column `col` of `lines[i]`, possibly over several lines.
#[allow(clippy::too_many_arguments)]
fn quoted_scalar(
    lines: &[(usize, &str)],
    i: usize,
    col: usize,
    quote: u8,
    key: &str,
    key_start: usize,
    container: usize,
    b: &mut Builder,
) -> usize {
    let mut value = String::new();
    let mut map: Vec<usize> = Vec::new();
    let mut encoding = Encoding::Raw;
    let (off0, _) = lines[i];
    let start = off0 + col + 1;
    let mut j = i;
    let mut c0 = col + 1;
    let mut end = start;
    let mut closed = false;
    while j < lines.len() && !closed {
        let (off, line) = lines[j];
        let bytes = line.as_bytes();
        let mut k = c0.min(bytes.len());
        if j > i {
            // Continuation lines: leading spaces fold away.
            while k < bytes.len() && bytes[k] == b' ' {
                k += 1;
            }
        }
        let mut escaped_newline = false;
        while k < bytes.len() {
            let c = bytes[k];
            if c == quote {
                if quote == b'\'' && bytes.get(k + 1) == Some(&b'\'') {
                    value.push('\'');
                    map.push(off + k);
                    k += 2;
                    encoding = Encoding::Escaped;
                    continue;
                }
                closed = true;
                end = off + k;
                break;
            }
            if c == b'\\' && quote == b'"' {
                if k + 1 >= bytes.len() {
                    escaped_newline = true;
                    encoding = Encoding::Continuation;
                    k += 1;
                    break;
                }
                let rest = &line[k..];
                let two: String = rest.chars().take(2).collect();
                let (dec, _) = super::lexer::unescape(&two);
                value.push_str(&dec);
                map.extend(std::iter::repeat_n(off + k, dec.len()));
                k += two.len();
                if encoding == Encoding::Raw {
                    encoding = Encoding::Escaped;
                }
                continue;
            }
            let ch_len = line[k..].chars().next().map_or(1, char::len_utf8);
            value.push_str(&line[k..k + ch_len]);
            map.extend((0..ch_len).map(|x| off + k + x));
            k += ch_len;
        }
        if closed || value.len() > MAX_VALUE {
            break;
        }
        if !escaped_newline {
            value.push(' ');
            map.push(off + line.len());
        }
        j += 1;
        c0 = 0;
    }
    if !closed {
        return i + 1;
    }
    map.push(end);
    if j > i && encoding == Encoding::Raw {
        encoding = Encoding::Continuation;
    }
    b.bind(key, key_start, value.clone(), start, end, encoding, true, Role::Named, container);
    code::nested_value(&value, OffsetMap::Table(map), key, container, b);
    j + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str) -> Vec<(String, String, usize)> {
        let mut b = Builder::new(text.len());
        produce(text, &mut b, 0);
        let fb = b.finish();
        fb.bindings.iter().map(|x| (x.name.clone(), x.value.clone(), x.start)).collect()
    }

    #[test]
    fn mappings_items_and_scalars() {
        let t = "okx:\n  api_key: abc123 # note\n  secret: \"s\\\"q\"\nenv:\n- name: K\n  value: v1\n";
        let p = pairs(t);
        assert!(p.contains(&("api_key".into(), "abc123".into(), t.find("abc123").unwrap())));
        assert!(p.contains(&("secret".into(), "s\"q".into(), t.find("s\\\"q").unwrap())));
        assert!(p.iter().any(|(n, v, _)| n == "K" && v == "v1"));
    }

    #[test]
    fn block_scalars_start_on_the_next_line() {
        let t = "secret: >-\n  abcdef\n  ghij\nnext_key: 1\n";
        let p = pairs(t);
        assert_eq!(p[0], ("secret".into(), "abcdef ghij".into(), t.find("abcdef").unwrap()));
        assert_eq!(p[1].0, "next_key");
    }

    #[test]
    fn compose_env_lists_and_scripts() {
        let t = "environment:\n  - OKX_KEY=abc\nrun: |\n  export BYBIT_SECRET=\"xyz\"\n";
        let p = pairs(t);
        assert!(p.iter().any(|(n, v, s)| n == "OKX_KEY" && v == "abc" && *s == t.find("abc").unwrap()));
        assert!(p.iter().any(|(n, v, s)| n == "BYBIT_SECRET" && v == "xyz" && *s == t.find("xyz").unwrap()));
    }
}
