//! Usage rule files (`rules/usage/*.yaml`, user rule dirs' `usage/`): which calls, REST paths and
//! WebSocket channels need which canonical permission, per library or exchange, and how code
//! makes a client that holds a key. The schema is fixed (docs/writing-rules.md, "Usage files").

use crate::exchanges::ExchangeTable;
use crate::rules_error::RuleError;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The permissions an operation can need: the canonical ones plus `none` (public endpoints).
pub const USAGE_PERMISSIONS: &[&str] = &["read", "trade", "withdraw", "transfer", "none"];

/// One usage file as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsageFile {
    pub id: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub languages: Vec<String>,
    /// `None`: the exchange comes from the client constructor (`{exchange}`).
    #[serde(default)]
    pub exchange: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub clients: Vec<ClientSpec>,
    #[serde(default)]
    pub operations: Vec<OperationSpec>,
    #[serde(default)]
    pub examples: Vec<UsageExample>,
    #[serde(default)]
    pub negative_examples: Vec<UsageExample>,
}

/// How code makes a client object that holds a key.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientSpec {
    /// Import name (`ccxt`, `okx.Trade`, `binance.spot`, `@binance/connector`).
    pub module: String,
    /// Callee text; `{exchange}` = an exchange alias, `*` = any identifier.
    pub constructor: String,
    #[serde(default)]
    pub example: Option<String>,
}

/// One call, REST path or channel and the permission it needs.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperationSpec {
    #[serde(default)]
    pub method: Option<String>,
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub method_http: Option<String>,
    #[serde(default)]
    pub channel: Option<String>,
    pub permission: String,
    #[serde(default)]
    pub source: Option<String>,
}

/// An executed example: a snippet and exactly the permissions it implies.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsageExample {
    pub language: String,
    pub code: String,
    #[serde(default)]
    pub needs: Vec<String>,
}

/// `rules/usage/applications.yaml`: what known bots need in each mode.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ApplicationsFile {
    #[serde(default)]
    pub applications: Vec<Application>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Application {
    pub id: String,
    pub name: String,
    pub source: String,
    #[serde(default)]
    pub recognised_by: Option<String>,
    #[serde(default)]
    pub modes: Vec<ApplicationMode>,
    #[serde(default)]
    pub never: Vec<String>,
    /// How keylint recognises the application's config file among the files linked to a key.
    #[serde(default)]
    pub config: Option<AppConfig>,
}

/// An application's config file: its path (globs) and strings its text holds.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppConfig {
    pub paths: Vec<String>,
    #[serde(default)]
    pub contains: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplicationMode {
    #[serde(default)]
    pub when: BTreeMap<String, serde_yaml::Value>,
    pub needs: Vec<String>,
}

/// What kind of operation an entry describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpKind {
    Method,
    Path,
    Channel,
}

/// Every usage file, checked, with the known applications.
#[derive(Debug, Clone, Default)]
pub struct UsageRules {
    pub files: Vec<UsageFile>,
    /// Where each file came from (`rules/usage/ccxt.yaml` or a user path).
    pub origins: Vec<String>,
    /// Shipped with keylint (not from a user rule directory), per file.
    pub builtin: Vec<bool>,
    pub applications: Vec<Application>,
}

/// Method names compare case- and underscore-insensitively (`fetchBalance` == `fetch_balance`).
pub fn normalize_method(name: &str) -> String {
    name.chars().filter(|c| *c != '_').map(|c| c.to_ascii_lowercase()).collect()
}

/// `*` matches any run of characters (including none); everything else literally.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(p) => rest = &rest[p + mid.len()..],
            None => return false,
        }
    }
    true
}

impl UsageRules {
    /// The built-in usage files plus those under `usage/` in each user rule directory (a user
    /// file with a built-in's id replaces it).
    pub fn load(user_dirs: &[PathBuf], table: &ExchangeTable) -> Result<UsageRules, RuleError> {
        let mut by_id: BTreeMap<String, (String, bool, UsageFile)> = BTreeMap::new();
        let mut applications = Vec::new();
        for (path, text, json) in crate::rules_embedded::RULE_FILES.iter().filter(|(p, _, _)| p.starts_with("usage/")) {
            let origin = format!("rules/{path}");
            if *path == "usage/applications.yaml" {
                let apps: ApplicationsFile =
                    serde_json::from_str(json).map_err(|e| RuleError::new(&origin, text, None, e.to_string()))?;
                applications.extend(apps.applications);
                continue;
            }
            let file: UsageFile =
                serde_json::from_str(json).map_err(|e| RuleError::new(&origin, text, None, e.to_string()))?;
            check_file(&origin, text, path, &file, table)?;
            by_id.insert(file.id.clone(), (origin, true, file));
        }
        for dir in user_dirs {
            for path in user_usage_files(&dir.join("usage")) {
                let origin = path.display().to_string();
                let text = crate::source::file::read_text(&path, crate::source::file::RULE_FILE_MAX)
                    .map_err(|e| RuleError::new(&origin, "", None, format!("this usage file {e}")))?;
                crate::rules_error::check_yaml_nesting(&origin, &text)?;
                if path.file_stem().is_some_and(|s| s == "applications") {
                    let apps: ApplicationsFile =
                        serde_yaml::from_str(&text).map_err(|e| RuleError::from_yaml(&origin, &text, &e))?;
                    applications.extend(apps.applications);
                    continue;
                }
                let file: UsageFile = serde_yaml::from_str(&text).map_err(|e| {
                    RuleError::from_yaml(&origin, &text, &e).with_help("see docs/writing-rules.md, usage files")
                })?;
                let rel = path.file_name().map(|n| format!("usage/{}", n.to_string_lossy())).unwrap_or_default();
                check_file(&origin, &text, &rel, &file, table)?;
                by_id.insert(file.id.clone(), (origin, false, file));
            }
        }
        let mut rules = UsageRules { applications, ..UsageRules::default() };
        for (origin, builtin, file) in by_id.into_values() {
            rules.origins.push(origin);
            rules.builtin.push(builtin);
            rules.files.push(file);
        }
        Ok(rules)
    }

    /// Usage files that apply to code in `lang` (`python`, `javascript`, …).
    pub fn for_language<'a>(&'a self, lang: &'a str) -> impl Iterator<Item = (usize, &'a UsageFile)> + 'a {
        self.files
            .iter()
            .enumerate()
            .filter(move |(_, f)| f.languages.is_empty() || f.languages.iter().any(|l| language_matches(l, lang)))
    }

    /// The operation entry of file `file` for a method called on its client: the most specific
    /// (no glob) first, then the first in file order.
    pub fn method_op(&self, file: usize, method: &str) -> Option<usize> {
        let f = self.files.get(file)?;
        let norm = normalize_method(method);
        let candidates = f.operations.iter().enumerate().filter_map(|(i, o)| o.method.as_ref().map(|m| (i, m)));
        best(candidates.filter(|(_, m)| glob_match(&normalize_method(m), &norm)))
    }

    /// Operation entries for a REST path literal of `exchange` (any file whose `exchange` is it):
    /// (file, entry). `http`: the HTTP method written near the literal, if any.
    pub fn path_op(&self, exchange: &str, path: &str, http: Option<&str>) -> Option<(usize, usize)> {
        // Rank: exact path before glob; then, with the HTTP method known, an entry naming it
        // before one that names none; without it, an entry naming none first. Then file order.
        let mut best: Option<((u8, u8), (usize, usize))> = None;
        for (fi, f) in self.files.iter().enumerate() {
            if f.exchange.as_deref() != Some(exchange) {
                continue;
            }
            for (oi, o) in f.operations.iter().enumerate() {
                let Some(p) = &o.path else { continue };
                if !glob_match(p, path) {
                    continue;
                }
                let method_rank = match (&o.method_http, http) {
                    (Some(want), Some(got)) if want.eq_ignore_ascii_case(got) => 0,
                    (Some(_), Some(_)) => continue,
                    (None, Some(_)) => 1,
                    (None, None) => 0,
                    (Some(_), None) => 1,
                };
                let rank = (u8::from(p.contains('*')), method_rank);
                if best.is_none_or(|(r, _)| rank < r) {
                    best = Some((rank, (fi, oi)));
                }
            }
        }
        best.map(|(_, at)| at)
    }

    /// Channel entries of `exchange`.
    pub fn channel_op(&self, exchange: &str, channel: &str) -> Option<(usize, usize)> {
        for (fi, f) in self.files.iter().enumerate() {
            if f.exchange.as_deref() != Some(exchange) {
                continue;
            }
            for (oi, o) in f.operations.iter().enumerate() {
                if o.channel.as_deref().is_some_and(|c| glob_match(c, channel)) {
                    return Some((fi, oi));
                }
            }
        }
        None
    }

    /// Does any file of `exchange` describe REST paths or channels?
    pub fn has_raw_ops(&self, exchange: &str) -> bool {
        self.files
            .iter()
            .any(|f| f.exchange.as_deref() == Some(exchange) && f.operations.iter().any(|o| o.method.is_none()))
    }
}

fn best<'a>(mut candidates: impl Iterator<Item = (usize, &'a String)>) -> Option<usize> {
    let mut first_glob = None;
    for (i, m) in candidates.by_ref() {
        if !m.contains('*') {
            return Some(i);
        }
        first_glob.get_or_insert(i);
    }
    first_glob
}

/// `javascript` covers TypeScript files (one lexer for both) and vice versa.
pub fn language_matches(declared: &str, lang: &str) -> bool {
    fn norm(l: &str) -> &str {
        match l {
            "typescript" | "ts" | "js" | "javascript" | "node" => "javascript",
            "py" | "python" => "python",
            other => other,
        }
    }
    norm(&declared.to_ascii_lowercase()) == norm(lang)
}

fn user_usage_files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
            .collect(),
        Err(_) => Vec::new(),
    };
    out.sort();
    out
}

/// The schema's rules a file must keep: id equals the file stem, one of method/path/channel per
/// operation, known permissions and exchanges, a `{exchange}` constructor only without `exchange`.
fn check_file(origin: &str, text: &str, rel: &str, f: &UsageFile, table: &ExchangeTable) -> Result<(), RuleError> {
    let fail = |msg: String, needle: &str| {
        let at = if needle.is_empty() { None } else { text.find(needle) };
        Err(RuleError::new(origin, text, at, msg).with_help("see docs/writing-rules.md, usage files"))
    };
    let stem = rel.rsplit('/').next().unwrap_or(rel).trim_end_matches(".yaml").trim_end_matches(".yml");
    if f.id != stem {
        return fail(format!("usage file id `{}` must equal the file name `{stem}`", f.id), &f.id);
    }
    if let Some(ex) = &f.exchange {
        if table.resolve(ex) != Some(ex.as_str()) {
            return fail(format!("`exchange: {ex}` is not a slug of rules/exchanges.yaml"), ex);
        }
    }
    for c in &f.clients {
        if c.constructor.contains("{exchange}") && f.exchange.is_some() {
            return fail(
                format!("constructor `{}` names `{{exchange}}` but the file sets `exchange`", c.constructor),
                &c.constructor,
            );
        }
    }
    for o in &f.operations {
        let kinds = [o.method.is_some(), o.path.is_some(), o.channel.is_some()].iter().filter(|b| **b).count();
        let label = o.method.as_deref().or(o.path.as_deref()).or(o.channel.as_deref()).unwrap_or("");
        if kinds != 1 {
            return fail("an operation needs exactly one of `method`, `path`, `channel`".into(), label);
        }
        if !USAGE_PERMISSIONS.contains(&o.permission.as_str()) {
            return fail(
                format!("unknown permission `{}` (use read, trade, withdraw, transfer or none)", o.permission),
                &o.permission,
            );
        }
        if (o.path.is_some() || o.channel.is_some()) && f.exchange.is_none() {
            return fail("a `path` or `channel` entry needs the file's `exchange`".into(), label);
        }
    }
    for e in f.examples.iter().chain(&f.negative_examples) {
        for n in &e.needs {
            if !USAGE_PERMISSIONS.contains(&n.as_str()) {
                return fail(format!("unknown permission `{n}` in an example's `needs`"), n);
            }
        }
    }
    Ok(())
}

impl OperationSpec {
    pub fn kind(&self) -> OpKind {
        if self.method.is_some() {
            OpKind::Method
        } else if self.path.is_some() {
            OpKind::Path
        } else {
            OpKind::Channel
        }
    }
}
