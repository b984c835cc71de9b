use super::*;
use serde_json::json;

const HOSTILE: &str = "</script><img src=x onerror=alert(1)>";
const GITHUB: &str = "https://github.com/{repository}/blob/{commit}/{path}#L{line}";

fn finding(repository: &str, path: &str, line: u64, severity: &str, exchange: Option<&str>) -> Value {
    let mut f = json!({
        "rule": "okx-secret-key", "category": "secret", "severity": severity,
        "path": path, "start": {"line": line, "column": 5, "offset": 40},
        "end": {"line": line, "column": 20, "offset": 55},
        "message": "OKX API secret key in plain text, in the working tree",
        "help": "move it", "fingerprint": "f1", "snippet": "OKX_SECRET_KEY=E9E6…A1F0",
        "commit": null, "part": "secret", "credential": "c1",
        "repository": repository, "present_at_head": true, "other_locations": []
    });
    if let Some(e) = exchange {
        f["exchange"] = json!(e);
    }
    f
}

fn summary() -> Value {
    json!({
        "tool": {"name": "keylint", "version": "0.1.0"}, "mode": "tree",
        "totals": {"repositories": 2, "errors": 1, "files": 1234567, "bytes": 99, "commits": 0, "findings": 3,
                   "by_severity": {"error": 2, "warning": 1, "note": 0},
                   "credentials_at_head": 2, "credentials_history_only": 1},
        "repositories": [
            {"repository": "org/a", "files": 10, "bytes": 999, "commits": 0, "findings": 3,
             "by_severity": {"error": 2, "warning": 1, "note": 0}, "at_head": 2, "history_only": 1, "error": null},
            {"repository": "org/broken", "files": 0, "bytes": 0, "commits": 0, "findings": 0,
             "by_severity": {"error": 0, "warning": 0, "note": 0}, "at_head": 0, "history_only": 0,
             "error": "could not open: not a git repository"}
        ],
        "exchanges": [{"exchange": "okx", "findings": 20, "repositories": 5},
                      {"exchange": "binance", "findings": 10, "repositories": 2},
                      {"exchange": "bybit", "findings": 5, "repositories": 1}],
        "rules": [{"rule": "okx-secret-key", "findings": 3}],
        "top_repositories": [{"repository": "org/a", "findings": 3}]
    })
}

fn finding_rows(page: &str) -> usize {
    page.matches("<tr class=\"sev-").count()
}

#[test]
fn hostile_strings_are_escaped_in_text_attributes_and_script_json() {
    let mut f = finding(HOSTILE, &format!("dir/{HOSTILE}.env"), 3, "error", Some(HOSTILE));
    f["snippet"] = json!(format!("KEY=\"{HOSTILE}\" 'x' & y"));
    f["message"] = json!(format!("in \"{HOSTILE}\""));
    let mut s = summary();
    s["repositories"][0]["repository"] = json!(HOSTILE);
    s["repositories"][1]["error"] = json!(HOSTILE);
    let page = render(&s, &[f], Some(GITHUB));

    // The only elements are the page's own: one <style>, two <script>s, no <img>.
    assert_eq!(page.matches("<img").count(), 0);
    assert_eq!(page.matches("<script").count(), 2);
    assert_eq!(page.matches("</script>").count(), 2);
    assert_eq!(page.matches("onerror=alert(1)&gt;").count(), 9, "every text and attribute copy is escaped");
    assert!(page.contains("<td>&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;</td>"));
    assert!(page.contains(
        "<td class=\"snippet\"><code>KEY=&quot;&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&quot; &#39;x&#39; &amp; y</code></td>"
    ));
    assert!(page.contains("<td title=\"in &quot;&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&quot;\">"));
    // In a link, the value is percent-encoded before it is attribute-escaped.
    assert!(page.contains(
        "href=\"https://github.com/%3C/script%3E%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E/blob/HEAD/dir/%3C/script%3E%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E.env#L3\""
    ));
    // The data block holds the summary with `<` and `>` as JSON escapes.
    let block = page.split("<script type=\"application/json\" id=\"report-data\">").nth(1).unwrap();
    let block = &block[..block.find("</script>").unwrap()];
    assert!(block.contains("\"repository\":\"\\u003c/script\\u003e\\u003cimg src=x onerror=alert(1)\\u003e\""));
    let parsed: Value = serde_json::from_str(block).unwrap();
    assert_eq!(parsed["summary"]["repositories"][0]["repository"], HOSTILE);
    assert_eq!(parsed["findings"], 1);
}

#[test]
fn script_json_escapes_what_could_end_or_change_the_block() {
    let v = json!({"a": "</script><!-- & \u{2028}"});
    assert_eq!(script_json(&v), "{\"a\":\"\\u003c/script\\u003e\\u003c!-- \\u0026 \\u2028\"}");
}

#[test]
fn terminal_escape_sequences_never_reach_the_page() {
    let mut f = finding("org/a", "a\x1b[31mred\x1b]0;title\x07.env", 1, "warning", None);
    f["snippet"] = json!("K=\u{9b}2J…");
    let page = render(&summary(), &[f], None);
    assert!(!page.contains('\x1b'));
    assert!(!page.contains('\x07'));
    assert!(!page.contains('\u{9b}'));
    assert!(page.contains("<td class=\"path\">a?[31mred?]0;title?.env</td>"));
    assert!(page.contains("<td class=\"snippet\"><code>K=¿2J…</code></td>"));
}

#[test]
fn links_fill_every_placeholder_and_encode_path_segments() {
    assert_eq!(
        fill_link(GITHUB, "org/my repo", None, "dir/a b#c?.env", Some(7)),
        "https://github.com/org/my%20repo/blob/HEAD/dir/a%20b%23c%3F.env#L7"
    );
    assert_eq!(
        fill_link("{commit}|{line}|{unknown}|{path", "r", Some("0123abcd"), "p", None),
        "0123abcd|1|{unknown}|{path"
    );
    assert_eq!(fill_link("x/{path}", "r", None, "ünï/%", Some(1)), "x/%C3%BCn%C3%AF/%25");

    let mut f = finding("org/a", "src/.env", 12, "error", Some("okx"));
    f["commit"] = json!({"id": "0123456789abcdef0123456789abcdef01234567", "author": "dev"});
    f["other_locations"] =
        json!([{"path": "gh-pages/.env", "start": {"line": 4, "column": 1, "offset": 9}, "commit": null}]);
    let page = render(&summary(), &[f], Some("https://git.example/{repository}?a=1&file={path}&l={line}&c={commit}"));
    assert!(page.contains(
        "<td class=\"path\"><a href=\"https://git.example/org/a?a=1&amp;file=src/.env&amp;l=12&amp;c=0123456789abcdef0123456789abcdef01234567\" rel=\"noopener noreferrer\">src/.env</a></td>"
    ));
    assert!(page.contains(
        "<td class=\"num\" data-sort=\"1\"><details><summary>1</summary><ul><li><a href=\"https://git.example/org/a?a=1&amp;file=gh-pages/.env&amp;l=4&amp;c=HEAD\" rel=\"noopener noreferrer\">gh-pages/.env:4</a></li></ul></details></td>"
    ));
    assert!(page.contains(
        "<td data-sort=\"0123456789abcdef0123456789abcdef01234567\"><code title=\"0123456789abcdef0123456789abcdef01234567\">0123456789ab</code></td>"
    ));
    // Without a template: no links at all.
    let plain = render(&summary(), &[finding("org/a", "src/.env", 12, "error", Some("okx"))], None);
    assert!(!plain.contains("<a "));
    assert!(plain.contains("<td class=\"path\">src/.env</td>"));
}

#[test]
fn one_row_per_finding_with_filters_built_from_the_findings() {
    let findings = [
        finding("org/b", "x.env", 3, "error", Some("okx")),
        finding("org/a", "y.env", 1, "warning", None),
        finding("org/a", "z.env", 2, "error", Some("binance")),
    ];
    let page = render(&summary(), &findings, None);
    assert_eq!(finding_rows(&page), 3);
    // The snippet exactly as the finding holds it (already redacted), once per row.
    assert_eq!(page.matches("<td class=\"snippet\"><code>OKX_SECRET_KEY=E9E6…A1F0</code></td>").count(), 3);
    assert!(page.contains("<span id=\"shown\">3 of 3 findings shown</span>"));
    assert!(page.contains(
        "<tr class=\"sev-error\" data-i=\"0\" data-severity=\"error\" data-exchange=\"2\" data-repository=\"2\"><td class=\"sev\" data-sort=\"0\">error</td><td>org/b</td><td class=\"path\">x.env</td><td class=\"num\" data-sort=\"3\">3</td>"
    ));
    assert!(page.contains(
        "<tr class=\"sev-warning\" data-i=\"1\" data-severity=\"warning\" data-exchange=\"0\" data-repository=\"1\">"
    ));
    assert!(page.contains(
        "<select id=\"filter-exchange\" aria-label=\"All exchanges\"><option value=\"\">All exchanges</option><option value=\"0\">(none)</option><option value=\"1\">binance</option><option value=\"2\">okx</option></select>"
    ));
    assert!(page.contains(
        "<select id=\"filter-severity\" aria-label=\"Severity\"><option value=\"\">All severities</option><option value=\"error\">error</option><option value=\"warning\">warning</option></select>"
    ));
    // The repository with an error is marked, and totals are grouped.
    assert!(page.contains("<tr class=\"repo-error\" data-i=\"1\"><td>org/broken</td>"));
    assert!(page.contains("<tr><th>Files</th><td class=\"num\">1,234,567</td></tr>"));
    assert!(page.contains("<p class=\"muted\">2 repositories, 1 could not be read.</p>"));
}

#[test]
fn chart_bars_are_proportional_whole_pixels() {
    let page = render(&summary(), &[], None);
    let chart = page.split("<svg class=\"chart\" id=\"chart-exchanges\"").nth(1).unwrap();
    let chart = &chart[..chart.find("</svg>").unwrap()];
    assert_eq!(chart.matches("<rect class=\"bar exchange\"").count(), 3);
    assert!(chart.contains(
        "<g><title>okx (20)</title><text x=\"242\" y=\"19\" text-anchor=\"end\">okx</text><rect class=\"bar exchange\" x=\"250\" y=\"7\" width=\"420\" height=\"16\"></rect><text class=\"value\" x=\"676\" y=\"19\">20</text></g>"
    ));
    assert!(chart.contains("<rect class=\"bar exchange\" x=\"250\" y=\"29\" width=\"210\" height=\"16\"></rect>"));
    assert!(chart.contains("<rect class=\"bar exchange\" x=\"250\" y=\"51\" width=\"105\" height=\"16\"></rect>"));
    let repos = page.split("<svg class=\"chart\" id=\"chart-repositories\"").nth(1).unwrap();
    assert_eq!(repos[..repos.find("</svg>").unwrap()].matches("<rect").count(), 1);
}

#[test]
fn chart_counts_from_findings_when_the_summary_has_no_arrays_and_cuts_long_labels() {
    let long = "org/a-repository-with-a-very-long-name-indeed";
    let findings = [
        finding(long, "a", 1, "error", Some("okx")),
        finding(long, "b", 1, "error", Some("okx")),
        finding("o/b", "c", 1, "note", None),
    ];
    let page = render(&json!({}), &findings, None);
    let repos = page.split("id=\"chart-repositories\"").nth(1).unwrap();
    let repos = &repos[..repos.find("</svg>").unwrap()];
    assert!(repos.contains("<title>org/a-repository-with-a-very-long-name-indeed (2)</title>"));
    assert!(repos.contains(">org/a-repository-with-a-very-long-n…</text>"));
    assert!(repos.contains("width=\"420\""));
    assert!(repos.contains("width=\"210\""));
}

#[test]
fn zero_findings_and_missing_fields_render() {
    let page = render(&json!({}), &[], None);
    assert_eq!(finding_rows(&page), 0);
    assert!(page.contains("<p class=\"muted\" id=\"no-findings\">No findings.</p>"));
    assert!(page.contains("<span id=\"shown\">0 of 0 findings shown</span>"));
    assert!(page.contains("<tbody>\n</tbody>\n</table>\n</div>\n</section>"));

    let page = render(&json!({"totals": "nonsense", "repositories": [1, {}]}), &[json!({}), json!(7)], None);
    assert_eq!(finding_rows(&page), 2);
    assert!(page.contains(
        "<tr class=\"sev-other\" data-i=\"0\" data-severity=\"\" data-exchange=\"0\" data-repository=\"0\"><td class=\"sev\" data-sort=\"3\"></td><td></td><td class=\"path\"></td><td class=\"num\" data-sort=\"0\"></td><td title=\"\"></td><td></td><td class=\"snippet\"></td><td data-sort=\"\"></td><td></td><td class=\"num\" data-sort=\"0\">0</td></tr>"
    ));
}

#[test]
fn same_input_same_bytes_and_the_csp_hashes_match_the_inline_blocks() {
    let findings = [finding("org/a", "x", 1, "error", Some("okx"))];
    let a = render(&summary(), &findings, Some(GITHUB));
    assert_eq!(a, render(&summary(), &findings, Some(GITHUB)));
    let style = a.split("<style>").nth(1).unwrap();
    let style = &style[..style.find("</style>").unwrap()];
    let script = a.rsplit("<script>").next().unwrap();
    let script = &script[..script.find("</script>").unwrap()];
    assert_eq!(style, STYLE);
    assert_eq!(script, SCRIPT);
    assert!(a.contains(&format!(
        "content=\"default-src 'none'; style-src '{}'; script-src '{}'; base-uri 'none'; form-action 'none'\"",
        csp_hash(STYLE),
        csp_hash(SCRIPT)
    )));
    // No external resource of any kind.
    for needle in ["src=\"", "href=\"http", "@import", "url("] {
        assert!(!render(&summary(), &findings, None).contains(needle), "{needle}");
    }
}

#[test]
fn small_helpers() {
    assert_eq!(base64(b""), "");
    assert_eq!(base64(b"f"), "Zg==");
    assert_eq!(base64(b"fo"), "Zm8=");
    assert_eq!(base64(b"foo"), "Zm9v");
    assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    assert_eq!(csp_hash(""), "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    assert_eq!(csp_hash("foobar"), "sha256-w6uP8Tcg6K2QR905Rms8iXTlksL6OD1KOWBxTK7wxPI=");
    assert_eq!(group(0), "0");
    assert_eq!(group(999), "999");
    assert_eq!(group(1000), "1,000");
    assert_eq!(group(1234567), "1,234,567");
    assert_eq!(cut("abcdef", 4), "abc…");
    assert_eq!(cut("abcd", 4), "abcd");
    assert_eq!(esc("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
}
