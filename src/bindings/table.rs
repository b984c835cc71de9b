//! Tables with a header row (CSV, TSV): every cell binds to its column's name, inside a row
//! structure, so an `exchange` column is the context of the `api_key` cell beside it. SQL
//! `INSERT … (cols) VALUES (…)` rows are read the same way by the code producer.

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
        let row = b.open(StructureKind::Row, "", parent, start);
        for (i, (s, e, value, quoted)) in cells.into_iter().enumerate() {
            let Some(name) = cols.get(i) else { break };
            if value.is_empty() {
                continue;
            }
            let enc = if quoted && value.len() != e - s { Encoding::Escaped } else { Encoding::Raw };
            b.bind(name, start + s, value, start + s, start + e, enc, true, Role::Column, row);
        }
        b.close(row, start + body.len());
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
            let row = b.open(StructureKind::Row, "", parent, start);
            for (i, (s, e, value, _)) in split_row(body, b'\t').into_iter().enumerate() {
                let Some(name) = cols.get(i) else { break };
                if value.is_empty() || value == "\\N" {
                    continue;
                }
                b.bind(name, start + s, value, start + s, start + e, Encoding::Raw, true, Role::Column, row);
            }
            b.close(row, start + body.len());
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
