//! Jupyter notebooks: each cell's source (a JSON list of escaped lines) is decoded into one
//! text, with the file offset of every decoded byte, and read by the producer of its language
//! (code cells: the kernel's language, Python by default; markdown cells; text outputs), so a
//! literal inside a cell reports its position in the notebook file.

use super::code::{self, Lang, Mode};
use super::lexer::{self, Kind, Quote, Token};
use super::{Builder, Encoding, OffsetMap};

pub fn produce(text: &str, b: &mut Builder, parent: usize) {
    let opts = lexer::Options { double_quote: Some(Quote::Double), ..lexer::Options::default() };
    let toks: Vec<Token> = lexer::lex(text, &opts).into_iter().filter(|t| t.kind != Kind::Newline).collect();
    let lang = kernel_language(text, &toks);
    let mut cell_type = "code".to_string();
    let mut k = 0;
    while k + 2 < toks.len() {
        let t = toks[k];
        let is_key = matches!(t.kind, Kind::Str(_)) && toks[k + 1].is_punct(text, ":");
        if !is_key {
            k += 1;
            continue;
        }
        let key = t.inner(text);
        match key {
            "cell_type" => {
                if matches!(toks[k + 2].kind, Kind::Str(_)) {
                    cell_type = toks[k + 2].inner(text).to_string();
                }
                k += 3;
            }
            "source" | "text" => {
                let (view, map, next) = joined_strings(text, &toks, k + 2);
                k = next;
                if view.is_empty() {
                    continue;
                }
                let family = match (key, cell_type.as_str()) {
                    ("text", _) => None,
                    (_, "markdown") => Some(super::family::Family::Markdown),
                    (_, "raw") => None,
                    _ => Some(lang),
                };
                b.with_view(OffsetMap::Table(map), Some(Encoding::Escaped), |b| {
                    if let Some((magic_family, body)) = cell_magic(&view).filter(|_| family == Some(lang)) {
                        // `%%writefile .env`, `%%bash`: the cell's body is that file or script.
                        let skip = view.len() - body.len();
                        b.with_view(OffsetMap::Shift(skip), None, |b| {
                            super::family::produce_family(magic_family, body, b, parent)
                        });
                        return;
                    }
                    match family {
                        Some(f) => super::family::produce_family(f, &view, b, parent),
                        None => code::produce(&view, &Mode::lines(Lang::Http), b, parent),
                    }
                    // IPython magics and shell escapes (`%env K=v`, `!export K=v`) are shell lines.
                    if family.is_some_and(|f| matches!(f, super::family::Family::Code(_))) {
                        magic_lines(&view, b, parent);
                    }
                });
            }
            _ => k += 2,
        }
    }
}

/// A cell magic on a code cell's first line and the body it applies to: `%%writefile PATH`
/// (the body is a file of PATH's family), `%%bash` / `%%sh` / `%%script bash` (shell).
fn cell_magic(view: &str) -> Option<(super::family::Family, &str)> {
    let rest = view.trim_start().strip_prefix("%%")?;
    let (first, body) = rest.split_once('\n').unwrap_or((rest, ""));
    let mut words = first.split_whitespace();
    let family = match words.next()? {
        "writefile" | "file" => {
            let path = words.find(|w| !w.starts_with('-'))?;
            super::family::of(path.trim_matches(['"', '\'']))
        }
        "bash" | "sh" | "script" | "system" => super::family::Family::Lines(Lang::Shell),
        "javascript" | "js" => super::family::Family::Code(Lang::JavaScript),
        _ => return None,
    };
    Some((family, body))
}

/// `%env NAME=value`, `%set_env`, `!VAR=value cmd` lines of a code cell, read as shell.
fn magic_lines(view: &str, b: &mut Builder, parent: usize) {
    let mut off = 0;
    for line in view.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let lead = line.len() - trimmed.len();
        let skip = ["%env ", "%set_env ", "!export ", "!"].iter().find(|m| trimmed.starts_with(**m)).map(|m| m.len());
        if let Some(skip) = skip {
            let body = &trimmed[skip..];
            b.with_view(OffsetMap::Shift(off + lead + skip), None, |b| {
                code::produce(body, &Mode::lines(Lang::Shell), b, parent)
            });
        }
        off += line.len();
    }
}

/// The strings of a `[ "…", "…" ]` list (or one string) at `k`, decoded and joined, with the
/// file offset of each byte (plus one past the end) and the token after the value.
fn joined_strings(text: &str, toks: &[Token], mut k: usize) -> (String, Vec<usize>, usize) {
    let mut view = String::new();
    let mut map: Vec<usize> = Vec::new();
    let push = |t: &Token, view: &mut String, map: &mut Vec<usize>| {
        let (v, m) = lexer::decode_map(Quote::Double, t.inner(text));
        view.push_str(&v);
        map.extend(m.into_iter().map(|o| o + t.inner_start));
    };
    if matches!(toks.get(k).map(|t| t.kind), Some(Kind::Str(_))) {
        push(&toks[k], &mut view, &mut map);
        map.push(toks[k].inner_end);
        return (view, map, k + 1);
    }
    if !toks.get(k).is_some_and(|t| t.is_punct(text, "[")) {
        return (view, map, k + 1);
    }
    k += 1;
    let mut last_end = 0;
    while k < toks.len() {
        let t = toks[k];
        match t.kind {
            Kind::Str(_) => {
                push(&t, &mut view, &mut map);
                last_end = t.inner_end;
            }
            Kind::Punct if t.text(text) == "]" => break,
            Kind::Punct if t.text(text) == "," => {}
            _ => break,
        }
        k += 1;
    }
    map.push(last_end);
    (view, map, k + 1)
}

fn kernel_language(text: &str, toks: &[Token]) -> super::family::Family {
    for w in toks.windows(3) {
        if matches!(w[0].kind, Kind::Str(_)) && w[0].inner(text) == "language" && matches!(w[2].kind, Kind::Str(_)) {
            let lang = w[2].inner(text).to_ascii_lowercase();
            return match lang.as_str() {
                "javascript" | "typescript" => super::family::Family::Code(Lang::JavaScript),
                "go" => super::family::Family::Code(Lang::Go),
                "rust" => super::family::Family::Code(Lang::Rust),
                "scala" | "java" | "kotlin" | "c++" => super::family::Family::Code(Lang::Java),
                "csharp" | "c#" => super::family::Family::Code(Lang::CSharp),
                "ruby" => super::family::Family::Code(Lang::Ruby),
                _ => super::family::Family::Code(Lang::Python),
            };
        }
    }
    super::family::Family::Code(Lang::Python)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_literals_point_into_the_file() {
        let t = r#"{"cells": [{"cell_type": "code", "source": ["import ccxt\n", "key = \"abc\\\"123\"\n"]}]}"#;
        let mut b = Builder::new(t.len());
        produce(t, &mut b, 0);
        let fb = b.finish();
        let k = fb.bindings.iter().find(|x| x.name == "key").expect("key bound");
        assert_eq!(k.value, "abc\"123");
        assert_eq!(&t[k.start..k.end], "abc\\\\\\\"123");
        assert_eq!(k.encoding, Encoding::DoubleEscaped);
        assert_eq!(fb.imports, vec!["ccxt".to_string()]);
    }
}
