//! GitHub Actions workflow-command annotations (`::error file=…,line=…::message`) and the
//! Markdown job summary written to `$GITHUB_STEP_SUMMARY`.
//!
//! GitHub shows at most 10 annotations of each level per step; the rest would be dropped
//! silently, so we annotate the first 10 of each level and print the others as plain log lines.
//! The job summary and SARIF always hold the complete list.

use super::{Report, Reporter};
use crate::diagnostic::{Finding, Severity};
use std::io::{self, Write};

/// Annotations GitHub displays per level and step.
pub const ANNOTATIONS_PER_LEVEL: usize = 10;

/// GitHub aborts the upload of a step summary above 1 MiB; stay well below it.
pub const SUMMARY_BUDGET: usize = 900 * 1024;

/// Renders findings as workflow commands.
pub struct Github;

fn command(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    }
}

/// Escapes a workflow-command message (GitHub's `escapeData`).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a workflow-command property value (GitHub's `escapeProperty`): `:` and `,` would
/// otherwise end the property.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// One annotation line (without the trailing newline).
pub fn annotation(f: &Finding) -> String {
    let line = f.start.line.max(1);
    let end_line = f.end.line.max(line);
    let mut props = format!("file={},line={line},endLine={end_line}", escape_property(&f.path));
    // GitHub only honours columns on single-line annotations and misplaces the highlight
    // otherwise (ruff drops them for the same reason).
    if end_line == line && f.start.column > 0 {
        let end_col = f.end.column.max(f.start.column);
        props.push_str(&format!(",col={},endColumn={end_col}", f.start.column));
    }
    props.push_str(&format!(",title={}", escape_property(&format!("keylint {}", f.rule))));
    format!("::{} {props}::{}", command(f.severity), escape_data(&message(f)))
}

/// Message body: the finding's message (which names the commit in git modes), the redacted
/// snippet and the help.
fn message(f: &Finding) -> String {
    let mut text = f.message.clone();
    if !f.snippet.is_empty() {
        text.push_str(&format!(" ({})", f.snippet));
    }
    if !f.help.is_empty() {
        text.push_str("\nhelp: ");
        text.push_str(&f.help);
    }
    text
}

impl Reporter for Github {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let mut shown = [0usize; 3];
        let mut omitted = Vec::new();
        let safe: Vec<std::borrow::Cow<Finding>> = report.findings.iter().map(super::terminal_safe).collect();
        for f in safe.iter().map(|f| &**f) {
            let slot = &mut shown[f.severity as usize];
            if *slot < ANNOTATIONS_PER_LEVEL {
                *slot += 1;
                writeln!(out, "{}", annotation(f))?;
            } else {
                omitted.push(f);
            }
        }
        if !omitted.is_empty() {
            // Plain lines, not commands: GitHub would drop further annotations anyway.
            writeln!(
                out,
                "keylint: {} more finding(s) not annotated (GitHub shows {ANNOTATIONS_PER_LEVEL} per level); see the job summary or SARIF:",
                omitted.len()
            )?;
            for f in omitted {
                writeln!(
                    out,
                    "{}:{}:{}: {} {}: {}",
                    f.path,
                    f.start.line,
                    f.start.column,
                    f.severity.as_str(),
                    f.rule,
                    one_line(&f.message)
                )?;
            }
        }
        let s = report.summary;
        writeln!(out, "keylint: {} finding(s) in {} file(s) scanned", s.findings, s.files_scanned)
    }
}

fn one_line(s: &str) -> String {
    s.replace(['\r', '\n'], " ")
}

/// Makes text safe inside a Markdown table cell.
fn cell(s: &str) -> String {
    one_line(s).replace('|', "\\|").replace('`', "'")
}

/// Writes the job summary (GitHub-flavoured Markdown) for `$GITHUB_STEP_SUMMARY`, truncated
/// below GitHub's 1 MiB limit with a line saying how many findings were left out.
pub fn write_step_summary(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let s = report.summary;
    let mut text = String::from("## keylint\n\n");
    if report.findings.is_empty() {
        text.push_str(&format!("No findings in {} file(s) ({} bytes) scanned.\n", s.files_scanned, s.bytes_scanned));
        return out.write_all(text.as_bytes());
    }
    let by_sev: Vec<String> = s.by_severity.iter().map(|(k, v)| format!("{v} {k}")).collect();
    text.push_str(&format!(
        "**{} finding(s)** ({}) in {} file(s) scanned.\n\n",
        s.findings,
        by_sev.join(", "),
        s.files_scanned
    ));
    text.push_str("| Severity | Rule | Location | Message |\n|---|---|---|---|\n");
    for (i, f) in report.findings.iter().enumerate() {
        let f = &*super::terminal_safe(f);
        let mut location = format!("`{}:{}:{}`", cell(&f.path), f.start.line, f.start.column);
        if let Some(c) = &f.commit {
            location.push_str(&format!(" @ `{}`", c.id.get(..12).unwrap_or(&c.id)));
        }
        let mut msg = cell(&f.message);
        if !f.snippet.is_empty() {
            msg.push_str(&format!(" `{}`", cell(&f.snippet)));
        }
        let row = format!("| {} | `{}` | {} | {} |\n", f.severity.as_str(), cell(&f.rule), location, msg);
        if text.len() + row.len() > SUMMARY_BUDGET {
            text.push_str(&format!(
                "\n{} more finding(s) not listed here (summary size limit); see the SARIF file or the log.\n",
                report.findings.len() - i
            ));
            break;
        }
        text.push_str(&row);
    }
    out.write_all(text.as_bytes())
}

/// In GitHub Actions, appends the job summary to `$GITHUB_STEP_SUMMARY` and `findings=N` to
/// the step outputs in `$GITHUB_OUTPUT` (each only if its variable is set), so the action needs
/// no logic of its own to report them.
pub fn write_actions_files(report: &Report) -> io::Result<()> {
    append_to_env_file("GITHUB_STEP_SUMMARY", &mut |w| write_step_summary(report, w))?;
    append_to_env_file("GITHUB_OUTPUT", &mut |w| writeln!(w, "findings={}", report.findings.len()))
}

fn append_to_env_file(var: &str, write: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    let Some(path) = std::env::var_os(var).filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    let file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
    let mut w = io::BufWriter::new(file);
    write(&mut w)?;
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_escape_colon_and_comma_and_data_escapes_newlines() {
        assert_eq!(escape_property("a:b,c%d\ne"), "a%3Ab%2Cc%25d%0Ae");
        assert_eq!(escape_data("50% a:b,c\r\n"), "50%25 a:b,c%0D%0A");
    }
}
