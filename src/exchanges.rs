//! The exchange table (`rules/exchanges.yaml`), shared by every stage: slugs, aliases and
//! header names (detectors use them as keywords and for context), the permission vocabulary
//! (native name → canonical) and IP allowlist limits (policies), docs links (help texts).

use serde::Deserialize;
use std::collections::BTreeMap;

/// The canonical permission names (spec/manifest.md).
pub const CANONICAL_PERMISSIONS: &[&str] = &["read", "trade", "withdraw", "transfer"];

/// The built-in exchange table (embedded by build.rs, so the binary works alone).
pub fn builtin_text() -> &'static str {
    crate::rules_embedded::get("exchanges.yaml").unwrap_or("exchanges: []")
}

/// What an exchange accepts in a key's IP allowlist. `None` = not established (no check fires).
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct IpLimits {
    pub max_entries: Option<usize>,
    pub cidr: Option<bool>,
    pub ipv6: Option<bool>,
    /// Where the limits come from (shown in help texts).
    pub source: Option<String>,
}

/// One venue.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exchange {
    pub slug: String,
    pub name: String,
    /// Words that name the exchange in code and config; they double as detector keywords.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// HTTP header / request field names that carry this exchange's credentials.
    #[serde(default)]
    pub headers: Vec<String>,
    #[serde(default)]
    pub docs: Option<String>,
    /// Canonical permission → the exchange's own names for it.
    #[serde(default)]
    pub permissions: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub ip_allowlist: IpLimits,
}

#[derive(Deserialize)]
struct TableFile {
    exchanges: Vec<Exchange>,
    /// Real venues keylint has no entry for (ccxt ids, closed exchanges).
    #[serde(default)]
    other_venues: Vec<String>,
}

/// All venues, with a lookup by slug or alias.
#[derive(Debug, Clone)]
pub struct ExchangeTable {
    pub exchanges: Vec<Exchange>,
    by_name: BTreeMap<String, usize>,
    other_venues: std::collections::BTreeSet<String>,
}

/// Compares permission names loosely: `Withdraw Funds` = `withdraw_funds` = `withdrawFunds`.
pub fn normalize_permission(name: &str) -> String {
    name.chars().filter(|c| c.is_alphanumeric()).flat_map(|c| c.to_lowercase()).collect()
}

impl ExchangeTable {
    /// Parses the exchange table YAML.
    pub fn parse(text: &str) -> Result<ExchangeTable, serde_yaml::Error> {
        let file: TableFile = serde_yaml::from_str(text)?;
        Ok(ExchangeTable::from_file(file))
    }

    fn from_file(file: TableFile) -> ExchangeTable {
        let mut by_name = BTreeMap::new();
        for (i, ex) in file.exchanges.iter().enumerate() {
            by_name.insert(ex.slug.to_ascii_lowercase(), i);
            for alias in &ex.aliases {
                let alias = alias.trim_matches(['"', '\'']).to_ascii_lowercase();
                by_name.entry(alias).or_insert(i);
            }
        }
        let other_venues = file.other_venues.iter().map(|v| normalize_permission(v)).collect();
        ExchangeTable { exchanges: file.exchanges, by_name, other_venues }
    }

    /// The built-in table from its build-time JSON form.
    pub fn builtin_checked() -> Result<ExchangeTable, crate::rules_error::RuleError> {
        let file: TableFile = crate::rules_embedded::parse("exchanges.yaml")?;
        Ok(ExchangeTable::from_file(file))
    }

    /// The built-in table. It is checked by a unit test, so failure here is a build defect.
    pub fn builtin() -> ExchangeTable {
        ExchangeTable::builtin_checked().unwrap_or_else(|_| ExchangeTable {
            exchanges: Vec::new(),
            by_name: BTreeMap::new(),
            other_venues: Default::default(),
        })
    }

    /// Index of an exchange by its slug.
    pub fn index_of(&self, slug: &str) -> Option<usize> {
        self.exchanges.iter().position(|e| e.slug == slug)
    }

    /// Alias words as they appear inside identifiers (`"gate"`, `ccxt.gate` → `gate`), normalised
    /// like key names, for resolving an exchange from `GATE_API_KEY`.
    pub fn bare_aliases(&self, idx: usize) -> Vec<String> {
        let ex = &self.exchanges[idx];
        let mut words: Vec<String> =
            std::iter::once(ex.slug.clone())
                .chain(ex.aliases.iter().map(|a| {
                    a.trim_matches(|c| c == '"' || c == '\'').trim_start_matches("ccxt.").to_ascii_lowercase()
                }))
                .map(|a| crate::bindings::names::joined(&a))
                .filter(|a| !a.is_empty())
                .collect();
        words.sort();
        words.dedup();
        words
    }

    /// The slug for a slug or alias (case-insensitive).
    pub fn resolve(&self, name: &str) -> Option<&str> {
        self.get(name).map(|e| e.slug.as_str())
    }

    pub fn get(&self, name: &str) -> Option<&Exchange> {
        self.by_name.get(&name.trim().to_ascii_lowercase()).and_then(|&i| self.exchanges.get(i))
    }

    /// The slug closest to a misspelt exchange name (edit distance ≤ 2), for did-you-mean help.
    pub fn suggest(&self, name: &str) -> Option<&str> {
        // A real venue of its own is no misspelling (`ftx` is not `htx`, `bittrex` not `bitmex`).
        if self.is_other_venue(name) {
            return None;
        }
        crate::suggest::closest(&name.to_ascii_lowercase(), self.exchanges.iter().map(|e| e.slug.as_str()), |_| 2)
    }

    /// A real venue that is not in the table (`bingx`, `bitmart`, `phemex`, `ftx`).
    pub fn is_other_venue(&self, name: &str) -> bool {
        self.other_venues.contains(&normalize_permission(name))
    }

    /// The known permission name (canonical, or the exchange's own) closest to a misspelt one.
    pub fn suggest_permission(&self, exchange: Option<&str>, name: &str) -> Option<String> {
        let norm = normalize_permission(name);
        let natives = exchange.and_then(|e| self.get(e)).into_iter().flat_map(|e| e.permissions.values().flatten());
        CANONICAL_PERMISSIONS
            .iter()
            .map(|c| c.to_string())
            .chain(natives.cloned())
            .map(|n| (crate::suggest::edit_distance(&norm, &normalize_permission(&n)), n))
            .filter(|(d, _)| *d <= 2)
            .min()
            .map(|(_, n)| n)
    }

    /// The canonical name of a permission as written for `exchange`, if known.
    /// Canonical names win over an exchange's identically spelled native name.
    pub fn canonical_permission(&self, exchange: Option<&str>, permission: &str) -> Option<String> {
        let norm = normalize_permission(permission);
        if let Some(c) = CANONICAL_PERMISSIONS.iter().find(|c| **c == norm) {
            return Some(c.to_string());
        }
        let ex = self.get(exchange?)?;
        ex.permissions.iter().find_map(|(canonical, natives)| {
            natives.iter().any(|n| normalize_permission(n) == norm).then(|| canonical.clone())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_table_parses_and_maps_native_permissions() {
        let t = ExchangeTable::parse(builtin_text()).unwrap();
        assert!(t.exchanges.len() >= 19);
        assert_eq!(t.resolve("OKEX"), Some("okx"));
        assert_eq!(t.canonical_permission(Some("binance"), "enableWithdrawals").as_deref(), Some("withdraw"));
        assert_eq!(t.canonical_permission(Some("okx"), "read_only").as_deref(), Some("read"));
        assert_eq!(t.canonical_permission(Some("okx"), "enableWithdrawals"), None);
        assert_eq!(t.canonical_permission(None, "Trade").as_deref(), Some("trade"));
        assert_eq!(t.get("okx").unwrap().ip_allowlist.max_entries, Some(20));
        assert_eq!(t.suggest_permission(Some("bybit"), "Withdrawl").as_deref(), Some("Withdraw"));
        assert_eq!(t.suggest_permission(Some("binance"), "enableWithdrawal").as_deref(), Some("enableWithdrawals"));
        assert_eq!(t.suggest_permission(None, "xyzzy"), None);
    }
}
