//! The default terminal format: miette diagnostics (source line, labelled span, help) and a
//! one-line summary. miette only renders: the source it sees is the finding's redacted excerpt.

use super::{Report, Reporter, Summary};
use crate::diagnostic::{Finding, Severity};
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents, SourceCode,
    SourceSpan, SpanContents,
};
use std::fmt;
use std::io::{self, Write};

pub struct HumanReporter {
    /// Print the one-line summary at the end (off with `-q`).
    pub summary: bool,
}

/// The excerpt text, shown with the file's real line numbers. Redaction shortens secrets, so
/// the header position (miette reads it from the primary span alone) comes from the finding.
struct Excerpt<'a> {
    name: &'a str,
    text: &'a str,
    first_line: usize,
    first_column: usize,
    primary: (usize, usize),
    real_start: (usize, usize),
}

impl SourceCode for Excerpt<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let inner = self.text.read_span(span, before, after)?;
        if before == 0 && after == 0 && span.offset() == self.primary.0 {
            let (line, column) = self.real_start;
            return Ok(Box::new(MietteSpanContents::new_named(
                self.name.to_string(),
                inner.data(),
                *inner.span(),
                line.saturating_sub(1),
                column.saturating_sub(1),
                inner.line_count(),
            )));
        }
        let column = if inner.line() == 0 { inner.column() + self.first_column } else { inner.column() };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_string(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line - 1,
            column,
            inner.line_count(),
        )))
    }
}

struct View<'a> {
    finding: &'a Finding,
    source: Option<Excerpt<'a>>,
}

impl fmt::Debug for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl fmt::Display for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl std::error::Error for View<'_> {}

impl Diagnostic for View<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.finding.rule))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        })
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        if self.finding.help.is_empty() {
            None
        } else {
            Some(Box::new(&self.finding.help))
        }
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let ex = self.finding.excerpt.as_ref()?;
        let label = match (&self.finding.exchange, &self.finding.part) {
            (Some(e), Some(p)) => format!("{e} {p}"),
            _ => self.finding.rule.clone(),
        };
        let primary =
            LabeledSpan::new_primary_with_span(Some(label), (ex.primary.0, ex.primary.1.saturating_sub(ex.primary.0)));
        let related =
            ex.related.iter().map(|(s, e, l)| LabeledSpan::new_with_span(Some(l.clone()), (*s, e.saturating_sub(*s))));
        Some(Box::new(std::iter::once(primary).chain(related)))
    }
}

impl Reporter for HumanReporter {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let theme = if report.color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
        // Words break only at spaces and never inside: a URL in help text stays one piece.
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_width(report.width)
            .with_context_lines(1)
            .with_word_separator(textwrap::WordSeparator::AsciiSpace)
            .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
            .with_break_words(false);
        for finding in report.findings {
            let finding = &*super::terminal_safe(finding);
            let source = finding.excerpt.as_ref().map(|ex| Excerpt {
                name: &finding.path,
                text: &ex.text,
                first_line: ex.first_line,
                first_column: ex.first_column,
                primary: ex.primary,
                real_start: (finding.start.line, finding.start.column),
            });
            let view = View { finding, source };
            let mut rendered = String::new();
            if handler.render_report(&mut rendered, &view).is_err() {
                rendered = format!("{}: {} [{}]\n", finding.path, finding.message, finding.rule);
            }
            if finding.excerpt.is_none() {
                // No source to show (unreadable file): say where.
                writeln!(out, "{}:{}:{}", finding.path, finding.start.line, finding.start.column)?;
            }
            write!(out, "{rendered}")?;
            // Related spans in other files (where a key is used, for a finding in its
            // manifest) have no place in the excerpt: one line each.
            for r in finding.related.iter().filter(|r| r.path.is_some()) {
                writeln!(out, "  related: {}", r.label)?;
            }
        }
        if self.summary {
            writeln!(out, "{}", summary_line(report.summary))?;
        }
        Ok(())
    }
}

/// `scanned 12 files (3.4 KB) in 5 ms: 7 findings (5 errors, 2 warnings)`.
pub fn summary_line(s: &Summary) -> String {
    let mut line = format!(
        "scanned {} file{} ({}) in {} ms: {} finding{}",
        s.files_scanned,
        if s.files_scanned == 1 { "" } else { "s" },
        human_bytes(s.bytes_scanned),
        s.elapsed_ms,
        s.findings,
        if s.findings == 1 { "" } else { "s" },
    );
    let parts: Vec<String> = ["error", "warning", "note"]
        .iter()
        .filter_map(|k| s.by_severity.get(*k).map(|n| format!("{n} {k}{}", if *n == 1 { "" } else { "s" })))
        .collect();
    if !parts.is_empty() {
        line.push_str(&format!(" ({})", parts.join(", ")));
    }
    let mut extra = Vec::new();
    for (reason, n) in &s.skipped {
        extra.push(format!("{n} skipped as {reason}"));
    }
    if s.suppressed > 0 {
        extra.push(format!("{} suppressed inline", s.suppressed));
    }
    if s.baselined > 0 {
        extra.push(format!("{} in baseline", s.baselined));
    }
    if !extra.is_empty() {
        line.push_str(&format!("; {}", extra.join(", ")));
    }
    line
}

fn human_bytes(n: u64) -> String {
    match n {
        0..=999 => format!("{n} B"),
        1_000..=999_999 => format!("{:.1} KB", n as f64 / 1e3),
        1_000_000..=999_999_999 => format!("{:.1} MB", n as f64 / 1e6),
        _ => format!("{:.2} GB", n as f64 / 1e9),
    }
}
