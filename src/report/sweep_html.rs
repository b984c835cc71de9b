//! `report.html` of a sweep: one self-contained page (inline CSS, inline JS, inline SVG charts;
//! no network, no external assets) from `summary.json` and the lines of `findings.jsonl`
//! (docs/sweeps.md). Snippets are shown as the findings hold them (already redacted); every
//! string from the data is HTML-escaped, stripped of terminal control characters, and only ever
//! read back by the script through `textContent`/attributes. A Content-Security-Policy that
//! allows only this page's own style and script (by hash) keeps an escaping mistake from running.
//! Same input, same bytes: no clock, no hash-map order.

use crate::redact::sanitize_terminal;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt::Write;

const STYLE: &str = include_str!("sweep_html/style.css");
const SCRIPT: &str = include_str!("sweep_html/app.js");

/// Bars wider than this many pixels are never drawn; the longest bar is this wide.
const BAR_WIDTH: u64 = 420;
/// Chart labels longer than this many characters are cut (the whole name is the bar's tooltip).
const LABEL_CHARS: usize = 36;
/// At most this many bars per chart (the rest are counted in a note).
const CHART_BARS: usize = 20;

/// The whole page. `summary` is `summary.json`, `findings` the lines of `findings.jsonl` in
/// their order; `link_template` fills `{repository}`, `{commit}`, `{path}`, `{line}`.
/// Missing fields render as empty cells or zeros, never as a panic.
pub fn render(summary: &Value, findings: &[Value], link_template: Option<&str>) -> String {
    let mut body = String::new();
    header(&mut body, summary, findings);
    totals(&mut body, summary, findings);
    charts(&mut body, summary, findings);
    breakdowns(&mut body, summary);
    repositories(&mut body, summary);
    finding_list(&mut body, findings, link_template);

    let data = serde_json::json!({"findings": findings.len(), "summary": summary});
    let mut page = String::with_capacity(body.len() + STYLE.len() + SCRIPT.len() + 1024);
    page.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    page.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(
        page,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src '{}'; script-src '{}'; base-uri 'none'; form-action 'none'\">",
        csp_hash(STYLE),
        csp_hash(SCRIPT)
    );
    page.push_str("<meta name=\"referrer\" content=\"no-referrer\">\n<title>keylint sweep report</title>\n");
    let _ = write!(page, "<style>{STYLE}</style>\n</head>\n<body>\n");
    page.push_str(&body);
    let _ = writeln!(page, "<pre id=\"selftest\"></pre>");
    let _ = writeln!(page, "<script type=\"application/json\" id=\"report-data\">{}</script>", script_json(&data));
    let _ = write!(page, "<script>{SCRIPT}</script>\n</body>\n</html>\n");
    page
}

fn header(out: &mut String, summary: &Value, findings: &[Value]) {
    let version = summary.pointer("/tool/version").and_then(Value::as_str).unwrap_or("");
    let mode = str_at(summary, "/mode").unwrap_or("tree");
    let repositories = u64_at(summary, "/totals/repositories");
    let _ = writeln!(out, "<header>\n<h1>keylint sweep</h1>");
    let _ = writeln!(
        out,
        "<p class=\"subtitle\">{} findings in {} repositories &middot; {} &middot; keylint {}</p>\n</header>",
        group(u64_at(summary, "/totals/findings").max(findings.len() as u64)),
        group(repositories),
        if mode == "history" { "git history" } else { "working trees" },
        esc(version)
    );
}

fn totals(out: &mut String, summary: &Value, findings: &[Value]) {
    let _ = writeln!(out, "<section id=\"totals\">\n<h2>Totals</h2>\n<div class=\"grid\">\n<div>");
    out.push_str("<table class=\"totals\">\n<tbody>\n");
    let rows = [
        ("Repositories", "/totals/repositories"),
        ("Repositories with errors", "/totals/errors"),
        ("Files", "/totals/files"),
        ("Bytes", "/totals/bytes"),
        ("Commits", "/totals/commits"),
        ("Findings", "/totals/findings"),
        ("Errors", "/totals/by_severity/error"),
        ("Warnings", "/totals/by_severity/warning"),
        ("Notes", "/totals/by_severity/note"),
    ];
    for (label, pointer) in rows {
        let value = if pointer == "/totals/findings" && summary.pointer(pointer).is_none() {
            findings.len() as u64
        } else {
            u64_at(summary, pointer)
        };
        let _ = writeln!(out, "<tr><th>{label}</th><td class=\"num\">{}</td></tr>", group(value));
    }
    out.push_str("</tbody>\n</table>\n</div>\n<div>\n<h3>Credentials</h3>\n");
    out.push_str("<table class=\"credentials\">\n<thead><tr><th>Where</th><th class=\"num\">Credentials</th></tr></thead>\n<tbody>\n");
    let _ = writeln!(
        out,
        "<tr><td>Still present at HEAD</td><td class=\"num\">{}</td></tr>",
        group(u64_at(summary, "/totals/credentials_at_head"))
    );
    let _ = writeln!(
        out,
        "<tr><td>Only in history (rotate them all the same)</td><td class=\"num\">{}</td></tr>",
        group(u64_at(summary, "/totals/credentials_history_only"))
    );
    out.push_str("</tbody>\n</table>\n</div>\n</div>\n</section>\n");
}

/// (label, findings) pairs of a summary array, or counted from the findings when the summary
/// lacks it; at most `CHART_BARS`, findings descending then label.
fn counts(summary: &Value, array: &str, key: &str, findings: &[Value], finding_key: &str) -> Vec<(String, u64)> {
    let mut pairs: Vec<(String, u64)> = match summary.get(array).and_then(Value::as_array) {
        Some(items) => items
            .iter()
            .map(|item| (str_at(item, &format!("/{key}")).unwrap_or("").to_string(), u64_at(item, "/findings")))
            .collect(),
        None => {
            let mut by: BTreeMap<String, u64> = BTreeMap::new();
            for f in findings {
                if let Some(name) = f.get(finding_key).and_then(Value::as_str) {
                    *by.entry(name.to_string()).or_default() += 1;
                }
            }
            by.into_iter().collect()
        }
    };
    pairs.retain(|(_, n)| *n > 0);
    pairs.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    pairs
}

fn charts(out: &mut String, summary: &Value, findings: &[Value]) {
    out.push_str("<section id=\"charts\">\n<h2>Findings per exchange and per repository</h2>\n<div class=\"grid\">\n");
    let exchanges = counts(summary, "exchanges", "exchange", findings, "exchange");
    let repositories = counts(summary, "top_repositories", "repository", findings, "repository");
    out.push_str("<div>\n<h3>Per exchange</h3>\n");
    bar_chart(out, "chart-exchanges", "exchange", &exchanges);
    out.push_str("</div>\n<div>\n<h3>Per repository (top)</h3>\n");
    bar_chart(out, "chart-repositories", "repository", &repositories);
    out.push_str("</div>\n</div>\n</section>\n");
}

/// A horizontal bar chart as inline SVG; widths in whole pixels, so the bytes are stable.
fn bar_chart(out: &mut String, id: &str, class: &str, bars: &[(String, u64)]) {
    if bars.is_empty() {
        out.push_str("<p class=\"muted\">No findings.</p>\n");
        return;
    }
    let shown = &bars[..bars.len().min(CHART_BARS)];
    let max = shown.iter().map(|b| b.1).max().unwrap_or(1).max(1);
    let (label_width, row, top) = (250u64, 22u64, 4u64);
    let width = label_width + BAR_WIDTH + 60;
    let height = top * 2 + row * shown.len() as u64;
    let _ = writeln!(
        out,
        "<svg class=\"chart\" id=\"{id}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\">"
    );
    for (i, (label, n)) in shown.iter().enumerate() {
        let y = top + row * i as u64;
        // Rounded to the nearest pixel, at least 1 so a bar is never invisible.
        let w = ((n * BAR_WIDTH + max / 2) / max).max(1);
        let _ = writeln!(
            out,
            "<g><title>{} ({})</title><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><rect class=\"bar {class}\" x=\"{label_width}\" y=\"{}\" width=\"{w}\" height=\"{}\"></rect><text class=\"value\" x=\"{}\" y=\"{}\">{}</text></g>",
            esc(label),
            n,
            label_width - 8,
            y + 15,
            esc(&cut(label, LABEL_CHARS)),
            y + 3,
            row - 6,
            label_width + w + 6,
            y + 15,
            n
        );
    }
    out.push_str("</svg>\n");
    if bars.len() > shown.len() {
        let _ = writeln!(out, "<p class=\"muted\">and {} more</p>", bars.len() - shown.len());
    }
}

/// A table column: header, the field it shows, numeric (right-aligned, sorted as a number).
type Column = (&'static str, &'static str, bool);

fn breakdowns(out: &mut String, summary: &Value) {
    out.push_str("<section id=\"breakdowns\">\n<h2>Exchanges, rules and top repositories</h2>\n<div class=\"grid\">\n");
    let tables: [(&str, &str, &[Column]); 3] = [
        (
            "exchanges",
            "Per exchange",
            &[("Exchange", "exchange", false), ("Findings", "findings", true), ("Repositories", "repositories", true)],
        ),
        ("rules", "Per rule", &[("Rule", "rule", false), ("Findings", "findings", true)]),
        (
            "top_repositories",
            "Top repositories",
            &[("Repository", "repository", false), ("Findings", "findings", true)],
        ),
    ];
    for (key, title, columns) in tables {
        let items = summary.get(key).and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
        let _ = writeln!(out, "<div>\n<h3>{title}</h3>");
        if items.is_empty() {
            out.push_str("<p class=\"muted\">None.</p>\n</div>\n");
            continue;
        }
        let _ = write!(out, "<table class=\"sortable\" id=\"table-{}\">\n<thead><tr>", key.replace('_', "-"));
        for (label, _, numeric) in columns.iter() {
            let _ = write!(out, "<th{}>{label}</th>", if *numeric { " class=\"num\"" } else { "" });
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for (i, item) in items.iter().enumerate() {
            let _ = write!(out, "<tr data-i=\"{i}\">");
            for (_, field, numeric) in columns.iter() {
                if *numeric {
                    let n = u64_at(item, &format!("/{field}"));
                    let _ = write!(out, "<td class=\"num\" data-sort=\"{n}\">{}</td>", group(n));
                } else {
                    let _ = write!(out, "<td>{}</td>", esc(str_at(item, &format!("/{field}")).unwrap_or("")));
                }
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table>\n</div>\n");
    }
    out.push_str("</div>\n</section>\n");
}

fn repositories(out: &mut String, summary: &Value) {
    let items = summary.get("repositories").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
    let errors = items.iter().filter(|r| r.get("error").is_some_and(|e| !e.is_null())).count();
    let _ = writeln!(
        out,
        "<section id=\"repositories\">\n<h2>Repositories</h2>\n<p class=\"muted\">{} repositories, {} could not be read.</p>",
        group(items.len() as u64),
        group(errors as u64)
    );
    if items.is_empty() {
        out.push_str("</section>\n");
        return;
    }
    let timed = items.iter().any(|r| r.get("elapsed_ms").is_some());
    let numeric: &[(&str, &str)] = &[
        ("Files", "/files"),
        ("Bytes", "/bytes"),
        ("Commits", "/commits"),
        ("Findings", "/findings"),
        ("Errors", "/by_severity/error"),
        ("Warnings", "/by_severity/warning"),
        ("Notes", "/by_severity/note"),
        ("At HEAD", "/at_head"),
        ("History only", "/history_only"),
        ("ms", "/elapsed_ms"),
    ];
    let numeric = if timed { numeric } else { &numeric[..numeric.len() - 1] };
    out.push_str(
        "<div class=\"scroll\">\n<table class=\"sortable\" id=\"table-repositories\">\n<thead><tr><th>Repository</th>",
    );
    for (label, _) in numeric {
        let _ = write!(out, "<th class=\"num\">{label}</th>");
    }
    out.push_str("<th>Error</th></tr></thead>\n<tbody>\n");
    for (i, repo) in items.iter().enumerate() {
        let error = repo.get("error").filter(|e| !e.is_null()).map(|e| match e.as_str() {
            Some(s) => s.to_string(),
            None => e.to_string(),
        });
        let class = if error.is_some() { " class=\"repo-error\"" } else { "" };
        let _ = write!(out, "<tr{class} data-i=\"{i}\"><td>{}</td>", esc(str_at(repo, "/repository").unwrap_or("")));
        for (_, pointer) in numeric {
            let n = u64_at(repo, pointer);
            let _ = write!(out, "<td class=\"num\" data-sort=\"{n}\">{}</td>", group(n));
        }
        let _ = writeln!(out, "<td>{}</td></tr>", esc(error.as_deref().unwrap_or("")));
    }
    out.push_str("</tbody>\n</table>\n</div>\n</section>\n");
}

/// Severity order for sorting: most severe first.
fn severity_rank(severity: &str) -> u8 {
    match severity {
        "error" => 0,
        "warning" => 1,
        "note" => 2,
        _ => 3,
    }
}

fn finding_list(out: &mut String, findings: &[Value], link_template: Option<&str>) {
    // Select options index into these sorted lists (value 0 = none), so no data string is ever
    // compared or stored as an option value.
    let distinct = |key: &str| -> Vec<String> {
        let mut values: Vec<String> =
            findings.iter().filter_map(|f| f.get(key).and_then(Value::as_str)).map(str::to_string).collect();
        values.sort();
        values.dedup();
        values
    };
    let exchanges = distinct("exchange");
    let repositories = distinct("repository");
    let index_of = |list: &[String], value: Option<&str>| -> usize {
        value.and_then(|v| list.binary_search_by(|x| x.as_str().cmp(v)).ok()).map_or(0, |i| i + 1)
    };
    let none_exchange = findings.iter().any(|f| f.get("exchange").and_then(Value::as_str).is_none());
    let none_repository = findings.iter().any(|f| f.get("repository").and_then(Value::as_str).is_none());

    let _ = writeln!(out, "<section id=\"findings\">\n<h2>Findings</h2>");
    out.push_str("<div class=\"controls\">\n<input type=\"search\" id=\"filter-text\" placeholder=\"Filter: path, rule, snippet…\" aria-label=\"Filter findings by text\">\n");
    out.push_str("<select id=\"filter-severity\" aria-label=\"Severity\"><option value=\"\">All severities</option>");
    for severity in ["error", "warning", "note"] {
        if findings.iter().any(|f| f.get("severity").and_then(Value::as_str) == Some(severity)) {
            let _ = write!(out, "<option value=\"{severity}\">{severity}</option>");
        }
    }
    out.push_str("</select>\n");
    for (id, label, list, none) in [
        ("filter-exchange", "All exchanges", &exchanges, none_exchange),
        ("filter-repository", "All repositories", &repositories, none_repository),
    ] {
        let _ = write!(out, "<select id=\"{id}\" aria-label=\"{label}\"><option value=\"\">{label}</option>");
        if none {
            out.push_str("<option value=\"0\">(none)</option>");
        }
        for (i, value) in list.iter().enumerate() {
            let _ = write!(out, "<option value=\"{}\">{}</option>", i + 1, esc(value));
        }
        out.push_str("</select>\n");
    }
    let _ = writeln!(out, "<span id=\"shown\">{0} of {0} findings shown</span>\n</div>", findings.len());
    if findings.is_empty() {
        out.push_str("<p class=\"muted\" id=\"no-findings\">No findings.</p>\n");
    }
    // Wide tables scroll inside their section instead of widening the page.
    out.push_str("<div class=\"scroll\">\n<table class=\"sortable\" id=\"findings-table\">\n<thead><tr>");
    for (label, column, numeric) in [
        ("Severity", "severity", true),
        ("Repository", "repository", false),
        ("Path", "path", false),
        ("Line", "line", true),
        ("Rule", "rule", false),
        ("Exchange", "exchange", false),
        ("Snippet (redacted)", "snippet", false),
        ("Commit", "commit", false),
        ("At HEAD", "head", false),
        ("Other locations", "others", true),
    ] {
        let class = if numeric { " class=\"num\"" } else { "" };
        let _ = write!(out, "<th{class} data-column=\"{column}\">{label}</th>");
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for (i, f) in findings.iter().enumerate() {
        finding_row(out, i, f, link_template, index_of(&exchanges, f.get("exchange").and_then(Value::as_str)), {
            index_of(&repositories, f.get("repository").and_then(Value::as_str))
        });
    }
    out.push_str("</tbody>\n</table>\n</div>\n</section>\n");
}

fn finding_row(out: &mut String, i: usize, f: &Value, link_template: Option<&str>, exchange: usize, repository: usize) {
    let severity = str_at(f, "/severity").unwrap_or("");
    let class = match severity {
        "error" | "warning" | "note" => severity,
        _ => "other",
    };
    let line = f.pointer("/start/line").and_then(Value::as_u64);
    let path = str_at(f, "/path").unwrap_or("");
    let commit = commit_id(f);
    let _ = write!(
        out,
        "<tr class=\"sev-{class}\" data-i=\"{i}\" data-severity=\"{}\" data-exchange=\"{exchange}\" data-repository=\"{repository}\">",
        esc(severity)
    );
    let _ = write!(out, "<td class=\"sev\" data-sort=\"{}\">{}</td>", severity_rank(severity), esc(severity));
    let _ = write!(out, "<td>{}</td>", esc(str_at(f, "/repository").unwrap_or("")));
    match link_template {
        Some(template) => {
            let href = fill_link(template, str_at(f, "/repository").unwrap_or(""), commit, path, line);
            let _ = write!(
                out,
                "<td class=\"path\"><a href=\"{}\" rel=\"noopener noreferrer\">{}</a></td>",
                esc(&href),
                esc(path)
            );
        }
        None => {
            let _ = write!(out, "<td class=\"path\">{}</td>", esc(path));
        }
    }
    let _ = write!(
        out,
        "<td class=\"num\" data-sort=\"{}\">{}</td>",
        line.unwrap_or(0),
        line.map(|l| l.to_string()).unwrap_or_default()
    );
    let _ = write!(
        out,
        "<td title=\"{}\">{}</td>",
        esc(str_at(f, "/message").unwrap_or("")),
        esc(str_at(f, "/rule").unwrap_or(""))
    );
    let _ = write!(out, "<td>{}</td>", esc(str_at(f, "/exchange").unwrap_or("")));
    match str_at(f, "/snippet") {
        Some(snippet) if !snippet.is_empty() => {
            let _ = write!(out, "<td class=\"snippet\"><code>{}</code></td>", esc(snippet));
        }
        _ => out.push_str("<td class=\"snippet\"></td>"),
    }
    match commit {
        Some(id) => {
            let _ = write!(
                out,
                "<td data-sort=\"{}\"><code title=\"{}\">{}</code></td>",
                esc(id),
                esc(id),
                esc(&short_commit(id))
            );
        }
        None => out.push_str("<td data-sort=\"\"></td>"),
    }
    let head = match f.get("present_at_head").and_then(Value::as_bool) {
        Some(true) => "yes",
        Some(false) => "history only",
        None => "",
    };
    let _ = write!(out, "<td>{head}</td>");
    let others = f.get("other_locations").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
    if others.is_empty() {
        out.push_str("<td class=\"num\" data-sort=\"0\">0</td>");
    } else {
        let _ = write!(out, "<td class=\"num\" data-sort=\"{0}\"><details><summary>{0}</summary><ul>", others.len());
        for other in others {
            let other_path = str_at(other, "/path").unwrap_or("");
            let other_line = other.pointer("/start/line").and_then(Value::as_u64);
            let other_commit = commit_id(other);
            let place = match other_line {
                Some(l) => format!("{other_path}:{l}"),
                None => other_path.to_string(),
            };
            let at = other_commit.map(|c| format!(" @ {}", short_commit(c))).unwrap_or_default();
            match link_template {
                Some(template) => {
                    let href = fill_link(
                        template,
                        str_at(f, "/repository").unwrap_or(""),
                        other_commit,
                        other_path,
                        other_line,
                    );
                    let _ = write!(
                        out,
                        "<li><a href=\"{}\" rel=\"noopener noreferrer\">{}</a>{}</li>",
                        esc(&href),
                        esc(&place),
                        esc(&at)
                    );
                }
                None => {
                    let _ = write!(out, "<li>{}{}</li>", esc(&place), esc(&at));
                }
            }
        }
        out.push_str("</ul></details></td>");
    }
    out.push_str("</tr>\n");
}

/// The commit id of a finding or location: `commit.id` (or `commit` as a plain string).
fn commit_id(v: &Value) -> Option<&str> {
    match v.get("commit") {
        Some(Value::String(s)) if !s.is_empty() => Some(s),
        Some(c) => c.get("id").and_then(Value::as_str).filter(|s| !s.is_empty()),
        None => None,
    }
}

/// `link_template` with its placeholders filled: `{repository}` and `{path}` percent-encoded
/// segment by segment (the `/` between segments kept), `{commit}` (`HEAD` when the finding has
/// none) and `{line}` (`1` when unknown) encoded whole. The result is escaped by the caller.
pub fn fill_link(template: &str, repository: &str, commit: Option<&str>, path: &str, line: Option<u64>) -> String {
    let mut out = String::with_capacity(template.len() + path.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open..];
        let filled = [
            ("{repository}", encode_segments(repository)),
            ("{commit}", encode_component(commit.unwrap_or("HEAD"))),
            ("{path}", encode_segments(path)),
            ("{line}", line.unwrap_or(1).to_string()),
        ]
        .into_iter()
        .find(|(placeholder, _)| after.starts_with(placeholder));
        match filled {
            Some((placeholder, value)) => {
                out.push_str(&value);
                rest = &after[placeholder.len()..];
            }
            None => {
                out.push('{');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn encode_segments(value: &str) -> String {
    value.split('/').map(encode_component).collect::<Vec<_>>().join("/")
}

/// RFC 3986 percent-encoding of everything but the unreserved characters.
fn encode_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Text for HTML content and quoted attributes: terminal control characters replaced (they
/// mean nothing in a page and must not reach a terminal that `cat`s it), then `& < > " '`.
pub fn esc(text: &str) -> String {
    let clean = sanitize_terminal(text);
    let mut out = String::with_capacity(clean.len() + 16);
    for c in clean.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// JSON for a `<script type="application/json">` block: `<`, `>`, `&` as `\u00XX` escapes
/// (valid JSON inside strings, where alone they can occur), so no `</script>` or `<!--` can
/// end or change the block; U+2028/2029 too, for older parsers.
pub fn script_json(value: &Value) -> String {
    let json = value.to_string();
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// `sha256-BASE64` of an inline block, for the Content-Security-Policy.
fn csp_hash(block: &str) -> String {
    let digest = Sha256::digest(block.as_bytes());
    format!("sha256-{}", base64(&digest))
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn str_at<'a>(v: &'a Value, pointer: &str) -> Option<&'a str> {
    v.pointer(pointer).and_then(Value::as_str)
}

fn u64_at(v: &Value, pointer: &str) -> u64 {
    v.pointer(pointer).and_then(Value::as_u64).unwrap_or(0)
}

/// `1234567` -> `1,234,567`.
fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The first 12 characters of a commit id (what the commit column shows; the title has all).
fn short_commit(id: &str) -> String {
    id.chars().take(12).collect()
}

/// At most `max` characters, the last one `…` when cut.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests;
