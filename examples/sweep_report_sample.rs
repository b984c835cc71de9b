//! Renders `report.html` from a sweep's `summary.json` and `findings.jsonl` with
//! `keylint::report::sweep_html::render`, without running a sweep — for the headless-browser
//! test (tests/sweep_report_browser.sh) and for looking at the page while changing it:
//! `cargo run --example sweep_report_sample -- SUMMARY.json FINDINGS.jsonl OUT.html [LINK_TEMPLATE]`.

use serde_json::Value;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if !(3..=4).contains(&args.len()) {
        eprintln!("usage: sweep_report_sample SUMMARY.json FINDINGS.jsonl OUT.html [LINK_TEMPLATE]");
        return ExitCode::from(2);
    }
    match run(&args[0], &args[1], &args[2], args.get(3).map(String::as_str)) {
        Ok(rows) => {
            eprintln!("wrote {} ({rows} findings)", args[2]);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("sweep_report_sample: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(summary: &str, findings: &str, out: &str, link_template: Option<&str>) -> Result<usize, String> {
    let read = |path: &str| std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"));
    let summary: Value = serde_json::from_str(&read(summary)?).map_err(|e| format!("{summary}: {e}"))?;
    let findings = read(findings)?
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| serde_json::from_str(line).map_err(|e| format!("line {}: {e}", i + 1)))
        .collect::<Result<Vec<Value>, String>>()?;
    let page = keylint::report::sweep_html::render(&summary, &findings, link_template);
    std::fs::write(out, page).map_err(|e| format!("{out}: {e}"))?;
    Ok(findings.len())
}
