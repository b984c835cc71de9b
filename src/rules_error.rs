//! Errors in rule, policy and config files: a miette diagnostic pointing at the bad line.
//! They stop the run with exit 2 (spec/output.md).

use miette::{Diagnostic, LabeledSpan, NamedSource, SourceCode, SourceSpan};
use std::fmt;

/// An invalid rule, policy or config file. Boxed: it travels through many `Result`s.
#[derive(Debug)]
pub struct RuleError(Box<Inner>);

#[derive(Debug)]
struct Inner {
    message: String,
    src: NamedSource<String>,
    span: Option<SourceSpan>,
    help: Option<String>,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.0.src.name(), self.0.message)
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
        Some(&self.0.src)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.0.span?;
        Some(Box::new(std::iter::once(LabeledSpan::new_primary_with_span(Some("here".into()), span))))
    }
}

impl RuleError {
    pub fn new(origin: &str, text: &str, offset: Option<usize>, message: impl Into<String>) -> Self {
        let span = offset.map(|o| {
            let o = o.min(text.len());
            let end = text[o..].find('\n').map(|n| o + n).unwrap_or(text.len());
            SourceSpan::from((o, end.saturating_sub(o)))
        });
        RuleError(Box::new(Inner {
            message: message.into(),
            src: NamedSource::new(origin, text.to_string()),
            span,
            help: None,
        }))
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.0.help = Some(help.into());
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
