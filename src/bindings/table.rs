//! Tables with a header row (CSV, TSV, Markdown pipe tables, HTML tables): every cell binds to
//! its column's name, inside a row structure, so an `exchange` column is the context of the
//! `api_key` cell beside it. SQL `INSERT … (cols) VALUES (…)` rows are read the same way by the
//! code producer.

use super::{Builder, Encoding, Role, StructureKind};

/// Longest header kept (columns).
const MAX_COLUMNS: usize = 256;

pub fn produce_csv(text: &str, sep: u8, b: &mut Builder, parent: usize) {
    let mut header: Option<Vec<String>> = None;
    let mut off = 0;
    for line in text.split_inclusive('\n') {
        let start = off;
        off += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        if body.trim().is_empty() || body.starts_with('#') {
            continue;
        }
        let cells = split_row(body, sep);
        let Some(cols) = &header else {
            header = Some(cells.iter().take(MAX_COLUMNS).map(|c| c.2.clone()).collect());
            continue;
        };
        let cells = cells.into_iter().map(|(s, e, value, quoted)| {
            let enc = if quoted && value.len() != e - s { Encoding::Escaped } else { Encoding::Raw };
            (start + s, start + e, value, enc)
        });
        bind_row(b, parent, (start, start + body.len()), cols, cells);
    }
}

/// PostgreSQL dumps: `COPY table (col, …) FROM stdin;` then tab-separated rows up to `\.`.
pub fn produce_copy(text: &str, b: &mut Builder, parent: usize) {
    let mut off = 0;
    let mut columns: Option<Vec<String>> = None;
    for line in text.split_inclusive('\n') {
        let start = off;
        off += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        if let Some(cols) = &columns {
            if body == "\\." {
                columns = None;
                continue;
            }
            // `\N` is SQL NULL.
            let cells = split_row(body, b'\t').into_iter().map(|(s, e, value, _)| {
                (start + s, start + e, if value == "\\N" { String::new() } else { value }, Encoding::Raw)
            });
            bind_row(b, parent, (start, start + body.len()), cols, cells);
            continue;
        }
        let upper = body.trim_start().to_ascii_uppercase();
        if upper.starts_with("COPY ") && upper.contains("FROM STDIN") {
            let (Some(open), Some(close)) = (body.find('('), body.find(')')) else { continue };
            if close > open {
                let cols = body[open + 1..close].split(',').map(|c| c.trim().trim_matches('"').to_string()).collect();
                columns = Some(cols);
            }
        }
    }
}

/// Markdown pipe tables: a header row, a `|---|:--:|` delimiter row, then body rows up to the
/// first line without a `|`. Cells wrapped in backticks bind their inside. Fenced code is skipped
/// (its own producer reads it).
pub fn produce_pipe_tables(text: &str, b: &mut Builder, parent: usize) {
    let mut header: Option<Vec<String>> = None;
    let mut pending: Option<Vec<String>> = None;
    let mut in_fence = false;
    let mut off = 0;
    for line in text.split_inclusive('\n') {
        let start = off;
        off += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let trimmed = body.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
            header = None;
            pending = None;
            continue;
        }
        if in_fence || !body.contains('|') {
            header = None;
            pending = None;
            continue;
        }
        let cells = pipe_cells(body);
        if let Some(cols) = &header {
            let cells = cells.into_iter().map(|(s, e)| {
                let (s, e) = unwrap_code_span(body, s, e);
                (start + s, start + e, body[s..e].to_string(), Encoding::Raw)
            });
            bind_row(b, parent, (start, start + body.len()), cols, cells);
        } else if pending.is_some() && is_delimiter_row(body) {
            header = pending.take();
        } else {
            let names = cells.iter().take(MAX_COLUMNS).map(|&(s, e)| header_name(&body[s..e])).collect();
            pending = Some(names);
        }
    }
}

/// One table row: each non-empty cell (absolute start, end, value, encoding) binds to its
/// column's name, inside a row structure spanning `span`.
fn bind_row(
    b: &mut Builder,
    parent: usize,
    span: (usize, usize),
    cols: &[String],
    cells: impl Iterator<Item = (usize, usize, String, Encoding)>,
) {
    let row = b.open(StructureKind::Row, "", parent, span.0);
    for ((s, e, value, enc), name) in cells.zip(cols) {
        if !value.is_empty() && !name.is_empty() {
            b.bind(name, s, value, s, e, enc, true, Role::Column, row);
        }
    }
    b.close(row, span.1);
}

/// `|---|:---:|`: only pipes, dashes, colons and blanks, with at least one run of dashes.
fn is_delimiter_row(line: &str) -> bool {
    line.contains("--") && line.bytes().all(|c| matches!(c, b'|' | b'-' | b':' | b' ' | b'\t'))
}

/// Cell spans of a pipe-table row (trimmed, relative to the line): `|` separates cells except
/// escaped (`\|`) or inside a code span; the outer pipes are optional.
fn pipe_cells(line: &str) -> Vec<(usize, usize)> {
    let bytes = line.as_bytes();
    let mut bounds = Vec::new();
    let mut in_code = false;
    for (i, &c) in bytes.iter().enumerate() {
        match c {
            b'`' => in_code = !in_code,
            b'|' if !in_code && (i == 0 || bytes[i - 1] != b'\\') => bounds.push(i),
            _ => {}
        }
    }
    let mut cells = Vec::new();
    let mut from = 0;
    for (n, &p) in bounds.iter().chain(std::iter::once(&bytes.len())).enumerate() {
        let raw = &line[from..p];
        let lead = raw.len() - raw.trim_start().len();
        let (s, e) = (from + lead, from + lead + raw.trim().len());
        // The empty text before a leading pipe and after a trailing one is no cell.
        let outer = (n == 0 && p < bytes.len() && s == e) || (p == bytes.len() && s == e && n > 0);
        if !outer {
            cells.push((s, e));
        }
        from = p + 1;
        if cells.len() > MAX_COLUMNS {
            break;
        }
    }
    cells
}

/// A cell that is one code span (`` `v` ``) binds what is inside it.
fn unwrap_code_span(line: &str, s: usize, e: usize) -> (usize, usize) {
    let cell = &line[s..e];
    if cell.len() >= 2 && cell.starts_with('`') && cell.ends_with('`') && !cell[1..cell.len() - 1].contains('`') {
        (s + 1, e - 1)
    } else {
        (s, e)
    }
}

/// A header cell's name without Markdown emphasis and code marks.
fn header_name(cell: &str) -> String {
    cell.trim_matches(|c: char| matches!(c, '*' | '_' | '`') || c.is_whitespace()).to_string()
}

/// HTML tables (Confluence exports, docs, Markdown with inline HTML): the first row names the
/// columns (`<th>` cells, or the first row when there are none), later rows' `<td>` cells bind
/// to them. Cells holding markup other than one wrapping element, or entities, are skipped.
pub fn produce_html_tables(text: &str, b: &mut Builder, parent: usize) {
    let lower = text.to_ascii_lowercase();
    let mut header: Option<Vec<String>> = None;
    let mut pos = 0;
    while let Some(tr) = lower[pos..].find("<tr").map(|p| pos + p) {
        let row_end = lower[tr + 3..].find("<tr").map_or(lower.len(), |p| tr + 3 + p);
        let table_end = lower[tr..row_end].find("</table").map_or(row_end, |p| tr + p);
        let cells = html_cells(text, &lower, tr, table_end);
        pos = row_end;
        if cells.is_empty() {
            continue;
        }
        match &header {
            None => header = Some(cells.iter().take(MAX_COLUMNS).map(|&(s, e)| header_name(&text[s..e])).collect()),
            Some(cols) => {
                // Markup or entities inside a cell: not a plain value.
                let cells = cells.iter().map(|&(s, e)| {
                    let value = &text[s..e];
                    (s, e, if value.contains(['<', '&']) { String::new() } else { value.to_string() }, Encoding::Raw)
                });
                bind_row(b, parent, (tr, table_end), cols, cells);
            }
        }
        if table_end < row_end {
            header = None;
        }
    }
}

/// Content spans of the `<th>`/`<td>` cells between `from` and `to`, trimmed, with one wrapping
/// element (`<code>…</code>`) removed.
fn html_cells(text: &str, lower: &str, from: usize, to: usize) -> Vec<(usize, usize)> {
    let mut cells = Vec::new();
    let mut i = from;
    while let Some(p) = lower[i..to].find("<t").map(|p| i + p) {
        let kind = lower.as_bytes().get(p + 2).copied();
        i = p + 2;
        if !matches!(kind, Some(b'd' | b'h'))
            || !matches!(lower.as_bytes().get(p + 3), Some(b'>' | b' ' | b'\t' | b'\n'))
        {
            continue;
        }
        let Some(open_end) = lower[p..to].find('>').map(|q| p + q + 1) else { break };
        // Each search stops at the next cell's start, so a row is read once.
        let next_cell = lower[open_end..to].find("<t").map_or(to, |q| open_end + q);
        let close = lower[open_end..next_cell].find("</t").map_or(next_cell, |q| open_end + q);
        let (mut s, mut e) = (open_end, close);
        for _ in 0..2 {
            let inner = &text[s..e];
            let lead = inner.len() - inner.trim_start().len();
            s += lead;
            e = s + inner.trim().len();
            let cell = &text[s..e];
            if cell.starts_with('<') && cell.ends_with('>') {
                if let (Some(a), Some(z)) = (cell.find('>'), cell.rfind("</")) {
                    if a < z {
                        e = s + z;
                        s += a + 1;
                    }
                }
            }
        }
        cells.push((s, e));
        i = next_cell.max(i);
        if cells.len() > MAX_COLUMNS {
            break;
        }
    }
    cells
}

/// Cells of one row: (start, end, value, quoted), offsets relative to the line.
fn split_row(line: &str, sep: u8) -> Vec<(usize, usize, String, bool)> {
    let bytes = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        while i < bytes.len() && bytes[i] == b' ' && sep != b' ' {
            i += 1;
        }
        if bytes.get(i) == Some(&b'"') {
            let s = i + 1;
            let mut e = s;
            let mut value = String::new();
            while e < bytes.len() {
                if bytes[e] == b'"' {
                    if bytes.get(e + 1) == Some(&b'"') {
                        value.push('"');
                        e += 2;
                        continue;
                    }
                    break;
                }
                let len = line[e..].chars().next().map_or(1, char::len_utf8);
                value.push_str(&line[e..e + len]);
                e += len;
            }
            out.push((s, e, value, true));
            i = e + 1;
            while i < bytes.len() && bytes[i] != sep {
                i += 1;
            }
        } else {
            let s = i;
            while i < bytes.len() && bytes[i] != sep {
                i += 1;
            }
            let cell = line[s..i].trim_end();
            out.push((s, s + cell.len(), cell.to_string(), false));
        }
        if i >= bytes.len() || out.len() > MAX_COLUMNS {
            break;
        }
        i += 1;
        if i == bytes.len() {
            out.push((i, i, String::new(), false));
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_bind_to_their_column() {
        let t = "exchange,api_key,label\nokx,\"k,1\",x\n";
        let mut b = Builder::new(t.len());
        produce_csv(t, b',', &mut b, 0);
        let fb = b.finish();
        let got: Vec<(&str, &str, usize)> =
            fb.bindings.iter().map(|x| (x.name.as_str(), x.value.as_str(), x.start)).collect();
        assert_eq!(got, vec![("exchange", "okx", 23), ("api_key", "k,1", 28), ("label", "x", 33)]);
        assert_eq!(fb.bindings[0].structure, fb.bindings[1].structure);
    }
}
