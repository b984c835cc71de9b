//! Errors in rule, policy and config files: a miette diagnostic pointing at the bad line.
//! They stop the run with exit 2 (spec/output.md).
//!
//! The error keeps only a window of the offending line, masked by the redact stage: a config
//! line may be a gigabyte long or hold a pasted secret, and miette panics on columns past
//! 65,535. The window is shown with the line's real number and column.

use crate::redact::{Redactor, TokenPatterns};
use miette::{Diagnostic, LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};
use std::fmt;
use std::sync::OnceLock;

/// Characters of the offending line shown on each side of the error.
const WINDOW: usize = 120;

/// An invalid rule, policy or config file. Boxed: it travels through many `Result`s.
#[derive(Debug)]
pub struct RuleError(Box<Inner>);

#[derive(Debug)]
struct Inner {
    message: String,
    origin: String,
    excerpt: Option<LineWindow>,
    help: Option<String>,
}

/// The window of the offending line that the error shows.
#[derive(Debug)]
struct LineWindow {
    origin: String,
    /// Masked text of the window (one line).
    text: String,
    /// 0-based line of the window in the file.
    line: usize,
    /// Characters of the line cut off before `text`.
    first_column: usize,
    /// The labelled range inside `text`.
    span: (usize, usize),
    /// Offsets miette sees are `base + index into text`: the label starts at the error's
    /// offset in the file, so callers can still tell which line it points at.
    base: usize,
    /// 0-based column of the error in the file's line.
    column: usize,
}

impl SourceCode for LineWindow {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let start = span.offset().saturating_sub(self.base).min(self.text.len());
        let local = SourceSpan::from((start, span.len().min(self.text.len() - start)));
        let inner = self.text.read_span(&local, before, after)?;
        // The header position (miette asks for the primary span with no context) is the real
        // one; the body is the window, numbered with the real line.
        let column = if before == 0 && after == 0 && start == self.span.0 {
            self.column
        } else {
            inner.column() + self.first_column
        };
        let shown = SourceSpan::from((inner.span().offset() + self.base, inner.span().len()));
        Ok(Box::new(MietteSpanContents::new_named(
            self.origin.clone(),
            inner.data(),
            shown,
            inner.line() + self.line,
            column,
            inner.line_count(),
        )))
    }
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.0.origin, self.0.message)
    }
}

impl std::error::Error for RuleError {}

impl Diagnostic for RuleError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("keylint::invalid-rule-file"))
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.0.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.0.excerpt.as_ref().map(|e| e as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let w = self.0.excerpt.as_ref()?;
        let span = SourceSpan::from((w.base + w.span.0, w.span.1.saturating_sub(w.span.0)));
        Some(Box::new(std::iter::once(LabeledSpan::new_primary_with_span(Some("here".into()), span))))
    }
}

/// Key-like tokens in config and rule files: no detector is loaded yet when they fail.
fn generic_tokens() -> &'static TokenPatterns {
    static TOKENS: OnceLock<TokenPatterns> = OnceLock::new();
    TOKENS.get_or_init(TokenPatterns::generic)
}

/// Masks key-like tokens in text from a config or rule file (error messages quote it).
pub fn mask(text: &str) -> String {
    Redactor::new(generic_tokens(), false, Vec::new()).mask(text)
}

/// Longest error message shown (parser messages may quote a whole value).
const MESSAGE_MAX_CHARS: usize = 2000;

fn clip(text: &str) -> String {
    match text.char_indices().nth(MESSAGE_MAX_CHARS) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

impl RuleError {
    pub fn new(origin: &str, text: &str, offset: Option<usize>, message: impl Into<String>) -> Self {
        let origin = crate::redact::sanitize_terminal(origin).into_owned();
        let excerpt = offset.map(|o| window(&origin, text, o));
        RuleError(Box::new(Inner { message: clip(&mask(&message.into())), origin, excerpt, help: None }))
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.0.help = Some(mask(&help.into()));
        self
    }

    pub fn message(&self) -> &str {
        &self.0.message
    }

    pub fn from_yaml(origin: &str, text: &str, err: &serde_yaml::Error) -> Self {
        let offset = err.location().map(|l| l.index());
        RuleError::new(origin, text, offset, err.to_string())
    }

    pub fn from_toml(origin: &str, text: &str, err: &toml::de::Error) -> Self {
        let offset = err.span().map(|s| s.start);
        RuleError::new(origin, text, offset, err.message().to_string())
    }
}

/// Deepest flow nesting (`[`, `{`) accepted in a YAML rule or policy file.
pub const MAX_YAML_NESTING: usize = 128;

/// Refuses YAML with flow collections nested deeper than `MAX_YAML_NESTING` before serde_yaml
/// sees it: libyaml's scanner is quadratic in the nesting depth (a 200 KB file of `[` took a
/// minute) and no rule file nests more than a few levels.
pub fn check_yaml_nesting(origin: &str, text: &str) -> Result<(), RuleError> {
    let bytes = text.as_bytes();
    let (mut depth, mut i) = (0usize, 0usize);
    let mut line_start = true;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            // A quote opens a scalar only where a scalar can start (`don't` is plain text).
            b'\'' | b'"' if i == 0 || b" \t\n[{,:-".contains(&bytes[i - 1]) => {
                // Skip the quoted scalar ('' and \" are escapes inside).
                i += 1;
                while i < bytes.len() {
                    if bytes[i] == b && !(b == b'\'' && bytes.get(i + 1) == Some(&b'\'')) {
                        break;
                    }
                    i += if bytes[i] == b'\\' && b == b'"' || bytes[i] == b'\'' && b == b'\'' { 2 } else { 1 };
                }
            }
            b'#' if line_start || i > 0 && bytes[i - 1].is_ascii_whitespace() => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_YAML_NESTING {
                    return Err(RuleError::new(
                        origin,
                        text,
                        Some(i),
                        format!("flow collections nested deeper than {MAX_YAML_NESTING} levels"),
                    ));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        line_start = b == b'\n';
        i += 1;
    }
    Ok(())
}

/// The masked window of the line holding `offset`, with the error labelled to the line's end
/// (or the window's).
fn window(origin: &str, text: &str, offset: usize) -> LineWindow {
    let offset = crate::redact::floor_boundary(text, offset);
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line_end = if text[..line_end].ends_with('\r') { line_end - 1 } else { line_end }.max(offset);
    let line = text.as_bytes()[..line_start].iter().filter(|&&b| b == b'\n').count();
    let before = &text[line_start..offset];
    let column = before.chars().count();
    let from = before.char_indices().rev().nth(WINDOW - 1).map_or(line_start, |(i, _)| line_start + i);
    let after = &text[offset..line_end];
    let to = after.char_indices().nth(WINDOW).map_or(line_end, |(i, _)| offset + i);
    let region = Redactor::new(generic_tokens(), false, Vec::new()).region(text, from, to, &[offset, to], None);
    let shown = crate::redact::sanitize_terminal(&region.text).into_owned();
    let first_column = text[line_start..region.from].chars().count();
    LineWindow {
        origin: origin.to_string(),
        text: shown,
        line,
        first_column,
        span: (region.mapped[0], region.mapped[1]),
        base: offset.saturating_sub(region.mapped[0]),
        column,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(e: &RuleError) -> String {
        let handler = miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor());
        let mut out = String::new();
        handler.render_report(&mut out, e).expect("renders");
        out
    }

    #[test]
    fn an_error_far_into_a_long_line_shows_a_window_with_the_real_position() {
        let text = format!("[scan]\nexclude = [{} 5x ]\n", "\"a\",".repeat(20_000));
        let offset = text.find("5x").unwrap_or(0);
        let e = RuleError::new("long.toml", &text, Some(offset), "expected `]`");
        let out = render(&e);
        assert!(out.contains("[long.toml:2:80013]"), "{out}");
        assert!(out.lines().all(|l| l.chars().count() < 400), "{out}");
        assert!(out.contains("5x ]"), "{out}");
    }

    #[test]
    fn deep_flow_nesting_is_refused_but_brackets_in_quotes_and_comments_are_not_counted() {
        let deep = format!("rules: {}{}\n", "[".repeat(200), "]".repeat(200));
        let e = check_yaml_nesting("deep.yaml", &deep).err().map(|e| e.to_string());
        assert_eq!(e.as_deref(), Some("deep.yaml: flow collections nested deeper than 128 levels"));
        assert!(check_yaml_nesting("x.yaml", &format!("x: don't {}", "[".repeat(200))).is_err());
        let fine = format!(
            "value: '{}' # {}\nother: \"{}\\\"\"\nlist: [[a], {{b: [c]}}]\n",
            "[".repeat(300),
            "{".repeat(300),
            "[".repeat(300)
        );
        assert!(check_yaml_nesting("fine.yaml", &fine).is_ok());
    }

    #[test]
    fn key_material_in_the_line_and_the_message_is_masked() {
        let secret = "9C0D3E8F1A2B4C5D6E7F8091A2B3C4D5";
        let text = format!("[scan]\nmax_file_size = \"{secret}\"\n");
        let offset = text.find('"').unwrap_or(0);
        let e = RuleError::new("bad.toml", &text, Some(offset), format!("invalid type: string \"{secret}\""));
        let out = render(&e);
        assert!(!out.contains("3E8F1A2B"), "{out}");
        assert!(out.contains("max_file_size = \"9C0D…C4D5\""), "{out}");
        assert_eq!(e.message(), "invalid type: string \"9C0D…C4D5\"");
    }
}
