//! Errors in rule, policy and config files: a miette diagnostic pointing at the bad line.
//! They stop the run with exit 2 (spec/output.md).

use miette::{Diagnostic, NamedSource, SourceSpan};

#[derive(Debug, Diagnostic)]
#[diagnostic(code(keylint::invalid_rule_file))]
pub struct RuleError {
    pub message: String,
    #[source_code]
    pub src: NamedSource<String>,
    #[label("here")]
    pub span: Option<SourceSpan>,
    #[help]
    pub help: Option<String>,
}

impl std::fmt::Display for RuleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.src.name(), self.message)
    }
}

impl std::error::Error for RuleError {}

impl RuleError {
    pub fn new(origin: &str, text: &str, offset: Option<usize>, message: impl Into<String>) -> Self {
        let span = offset.map(|o| {
            let o = o.min(text.len());
            let end = text[o..].find('\n').map(|n| o + n).unwrap_or(text.len());
            SourceSpan::from((o, end.saturating_sub(o).max(1).min(text.len().saturating_sub(o))))
        });
        RuleError { message: message.into(), src: NamedSource::new(origin, text.to_string()), span, help: None }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
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
