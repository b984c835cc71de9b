//! `--format jsonl`: one finding per line, for sweeps that merge many repositories.

use super::{Report, Reporter};
use std::io::{self, Write};

pub struct JsonlReporter;

impl Reporter for JsonlReporter {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        for finding in report.findings {
            serde_json::to_writer(&mut *out, finding).map_err(io::Error::other)?;
            writeln!(out)?;
        }
        Ok(())
    }
}
