//! `.keylint.toml`: found by walking up from the scan root (or `--config FILE`). Every field is
//! optional; the plan layers defaults ◁ file ◁ command line.

use crate::rules_error::RuleError;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = ".keylint.toml";

/// `.keylint.toml`: keylint's configuration (every field optional; command-line flags win).
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "keylint configuration (.keylint.toml)")]
pub struct Config {
    /// What is scanned.
    #[serde(default)]
    pub scan: ScanConfig,
    /// Rule directories, rules turned off, severities, extra suppression markers.
    #[serde(default)]
    pub rules: RulesConfig,
    /// The `[policy]` table, read by the policy layer.
    #[serde(default)]
    #[schemars(with = "Option<crate::policy::PolicyConfig>")]
    pub policy: Option<toml::Table>,
    /// Exit threshold and baseline.
    #[serde(default)]
    pub output: OutputConfig,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScanConfig {
    /// Glob patterns of files never scanned, matched against the path as printed (relative to
    /// the repository root, or to the directory scanned outside git).
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Files larger than this many bytes are skipped and counted (default 10 MiB).
    pub max_file_size: Option<u64>,
    /// Scan hidden files and directories (default true: `.env` is where keys leak).
    pub hidden: Option<bool>,
    /// Do not respect `.gitignore` / `.ignore` files (default false).
    pub no_ignore: Option<bool>,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RulesConfig {
    /// Extra rule directories, relative to the config file.
    #[serde(default)]
    pub dirs: Vec<PathBuf>,
    /// Rule ids (detectors or policies) turned off.
    #[serde(default)]
    pub disable: Vec<String>,
    /// Severity per rule id.
    #[serde(default)]
    pub severity: BTreeMap<String, crate::diagnostic::Severity>,
    /// Inline markers that silence secret findings on their line, besides `keylint:allow`,
    /// `gitleaks:allow` and `pragma: allowlist secret` (e.g. `noqa: mock`).
    #[serde(default)]
    pub allow_markers: Vec<String>,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutputConfig {
    /// Lowest severity that makes the exit code 1 (default `warning`).
    #[schemars(with = "Option<crate::diagnostic::Severity>")]
    pub fail_on: Option<String>,
    /// Baseline file (relative to the config file); `--baseline` wins.
    pub baseline: Option<PathBuf>,
}

impl Config {
    /// Parses the text of a `.keylint.toml` (`origin` names it in errors).
    pub fn parse(origin: &str, text: &str) -> Result<Config, RuleError> {
        toml::from_str(text).map_err(|e| RuleError::from_toml(origin, text, &e))
    }
}

/// A loaded config and the directory its relative paths are resolved against.
#[derive(Debug, Default)]
pub struct LoadedConfig {
    pub config: Config,
    pub path: Option<PathBuf>,
    pub base_dir: PathBuf,
}

impl LoadedConfig {
    /// `explicit` (`--config`) or the nearest `.keylint.toml` at or above `start`; none at all
    /// when `isolated` (`--isolated`).
    pub fn load_with(explicit: Option<&Path>, start: &Path, isolated: bool) -> Result<Self, RuleError> {
        if isolated {
            return Ok(LoadedConfig { base_dir: start.to_path_buf(), ..Default::default() });
        }
        Self::load(explicit, start)
    }

    /// `explicit` (`--config`) or the nearest `.keylint.toml` at or above `start`.
    pub fn load(explicit: Option<&Path>, start: &Path) -> Result<Self, RuleError> {
        let path = match explicit {
            Some(p) => Some(p.to_path_buf()),
            None => find_upwards(start),
        };
        let Some(path) = path else {
            return Ok(LoadedConfig { base_dir: start.to_path_buf(), ..Default::default() });
        };
        let origin = path.display().to_string();
        let text = crate::source::file::read_text(&path, crate::source::file::CONFIG_MAX)
            .map_err(|e| RuleError::new(&origin, "", None, format!("this config file {e}")))?;
        let config = Config::parse(&origin, &text)?;
        let base_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Ok(LoadedConfig { config, path: Some(path), base_dir })
    }

    /// Rule directories resolved against the config file's directory.
    pub fn rule_dirs(&self) -> Vec<PathBuf> {
        self.config.rules.dirs.iter().map(|d| self.base_dir.join(d)).collect()
    }
}

fn find_upwards(start: &Path) -> Option<PathBuf> {
    let start = start.canonicalize().ok()?;
    let mut dir = if start.is_dir() { Some(start.as_path()) } else { start.parent() };
    while let Some(d) = dir {
        let candidate = d.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        dir = d.parent();
    }
    None
}

/// The JSON Schema of `.keylint.toml` (draft-07, which Taplo / Even Better TOML read), as
/// committed in `docs/keylint.schema.json`.
pub fn json_schema() -> String {
    let schema = schemars::generate::SchemaSettings::draft07().into_generator().into_root_schema_for::<Config>();
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
