//! The `[policy]` table of `.keylint.toml`. All fields are optional so layers (defaults ◁ file
//! ◁ CLI) merge with `update`; unknown fields are errors so a typo cannot disable a check.

use crate::diagnostic::Severity;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Policy settings from `.keylint.toml` `[policy]`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyConfig {
    /// The organisation's egress CIDRs; `ip-allowlist-unapproved` fires only when set.
    pub approved_egress: Option<Vec<String>>,
    /// Maximum key age in days (`key-rotation-overdue`; default 90).
    pub max_age_days: Option<i64>,
    /// Per-environment overrides of `max_age_days`, e.g. `{ dev = 365, prod = 30 }`.
    pub max_age_days_by_environment: Option<BTreeMap<String, i64>>,
    /// Shortest IPv4 prefix accepted in an allowlist (`ip-allowlist-open`; default 24).
    pub min_prefix_v4: Option<i64>,
    /// Shortest IPv6 prefix accepted in an allowlist (default 48).
    pub min_prefix_v6: Option<i64>,
    /// Severity overrides by policy id.
    pub severity: Option<BTreeMap<String, Severity>>,
    /// Policy ids turned off for the whole repo: `disable`, as in `[rules]` (`disabled`, the old
    /// spelling, is still read).
    #[serde(rename = "disable", alias = "disabled")]
    pub disabled: Option<Vec<String>>,
    /// Directories of user policy files (relative to the config file).
    pub dirs: Option<Vec<PathBuf>>,
    /// Globs that name key manifests (default: docs/manifest.md).
    pub manifest_globs: Option<Vec<String>>,
}

impl PolicyConfig {
    /// Overlays `other` on `self`: every field `other` sets wins.
    pub fn update(&mut self, other: PolicyConfig) {
        macro_rules! take {
            ($($f:ident),*) => { $( if other.$f.is_some() { self.$f = other.$f; } )* };
        }
        take!(
            approved_egress,
            max_age_days,
            max_age_days_by_environment,
            min_prefix_v4,
            min_prefix_v6,
            severity,
            disabled,
            dirs,
            manifest_globs
        );
    }

    /// Reads the `[policy]` table as the config loader hands it over.
    pub fn from_table(table: &toml::Table) -> Result<PolicyConfig, String> {
        PolicyConfig::deserialize(toml::Value::Table(table.clone())).map_err(|e| format!("[policy]: {e}"))
    }

    /// Parses a `[policy]` table given as TOML text (the table's body).
    pub fn from_toml(text: &str) -> Result<PolicyConfig, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_layers_and_rejects_typos() {
        let mut base = PolicyConfig::from_toml("max_age_days = 90\ndisabled = [\"key-allows-transfer\"]\n[max_age_days_by_environment]\ndev = 365\n[severity]\nip-allowlist-duplicate = \"error\"\n").unwrap();
        assert_eq!(base.severity.as_ref().unwrap()["ip-allowlist-duplicate"], Severity::Error);
        base.update(PolicyConfig { max_age_days: Some(30), ..Default::default() });
        assert_eq!(base.max_age_days, Some(30));
        assert_eq!(base.disabled.as_deref(), Some(&["key-allows-transfer".to_string()][..]));
        assert!(PolicyConfig::from_toml("max_age_day = 3").unwrap_err().contains("unknown field"));
        let table: toml::Table = toml::from_str("approved_egress = [\"11.22.33.0/24\"]").unwrap();
        assert_eq!(PolicyConfig::from_table(&table).unwrap().approved_egress.unwrap(), ["11.22.33.0/24"]);
        let table: toml::Table = toml::from_str("disabled = 3").unwrap();
        assert!(PolicyConfig::from_table(&table).is_err());
    }
}
