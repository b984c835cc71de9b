//! The credential parts keylint tells apart, shared by the name vocabulary, the detectors and
//! the declaration extractors.

use serde::Deserialize;

/// Credential part a value is (or a name stands for).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Part {
    ApiKey,
    Secret,
    Passphrase,
    PrivateKey,
}

impl Part {
    pub fn as_str(self) -> &'static str {
        match self {
            Part::ApiKey => "api-key",
            Part::Secret => "secret",
            Part::Passphrase => "passphrase",
            Part::PrivateKey => "private-key",
        }
    }
}
