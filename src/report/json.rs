//! `--format json`: one object with tool, findings and summary (spec/output.md).

use super::{Report, Reporter};
use serde::Serialize;
use std::io::{self, Write};

pub struct JsonReporter;

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Document<'a> {
    tool: Tool,
    findings: &'a [crate::diagnostic::Finding],
    summary: &'a super::Summary,
}

impl Reporter for JsonReporter {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let doc = Document {
            tool: Tool { name: "keylint", version: env!("CARGO_PKG_VERSION") },
            findings: report.findings,
            summary: report.summary,
        };
        serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::other)?;
        writeln!(out)
    }
}
