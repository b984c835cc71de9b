//! The exchange table (`rules/exchanges.yaml`): slugs, aliases, header names, docs.

use crate::rules_error::RuleError;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Exchange {
    pub slug: String,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub headers: Vec<String>,
    #[serde(default)]
    pub docs: Option<String>,
    /// Policy fields (permissions, IP limits) are read by the policy layer from the same file.
    #[serde(flatten)]
    pub extra: serde_yaml::Mapping,
}

#[derive(Debug, Deserialize)]
struct ExchangeFile {
    exchanges: Vec<Exchange>,
}

#[derive(Debug, Clone)]
pub struct ExchangeTable {
    pub exchanges: Vec<Exchange>,
}

impl ExchangeTable {
    pub fn parse(origin: &str, text: &str) -> Result<Self, RuleError> {
        let file: ExchangeFile = serde_yaml::from_str(text).map_err(|e| RuleError::from_yaml(origin, text, &e))?;
        Ok(ExchangeTable { exchanges: file.exchanges })
    }

    /// The built-in table.
    pub fn builtin() -> Result<Self, RuleError> {
        let file: ExchangeFile = crate::rules_embedded::parse("exchanges.yaml")?;
        Ok(ExchangeTable { exchanges: file.exchanges })
    }

    pub fn index_of(&self, slug: &str) -> Option<usize> {
        self.exchanges.iter().position(|e| e.slug == slug)
    }

    /// Alias words as they appear inside identifiers (`"gate"`, `ccxt.gate` → `gate`).
    pub fn bare_aliases(&self, idx: usize) -> Vec<String> {
        let ex = &self.exchanges[idx];
        let mut words: Vec<String> =
            std::iter::once(ex.slug.clone())
                .chain(ex.aliases.iter().map(|a| {
                    a.trim_matches(|c| c == '"' || c == '\'').trim_start_matches("ccxt.").to_ascii_lowercase()
                }))
                .map(|a| crate::detect::assign::normalize_name(&a))
                .filter(|a| !a.is_empty())
                .collect();
        words.sort();
        words.dedup();
        words
    }
}
