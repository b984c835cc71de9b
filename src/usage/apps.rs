//! Known applications (`rules/usage/applications.yaml`): a Freqtrade `config.json` or a
//! Hummingbot connector file linked to a key says what the key needs, from the application's
//! documented needs in the mode its config selects.

use super::rules::Application;

/// A linked file recognised as an application's config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppUse {
    /// `Freqtrade (dry_run: true)`: the application and the mode that matched.
    pub label: String,
    pub needs: Vec<String>,
    pub source: String,
    /// The span shown for the application's needs: the file's first line.
    pub start: usize,
    pub end: usize,
}

/// The first application whose config paths and markers match `path` and `text`.
pub fn recognise(path: &str, text: &str, apps: &[Application]) -> Option<AppUse> {
    let app = apps.iter().find(|a| {
        a.config.as_ref().is_some_and(|c| {
            super::used_by_matches(&c.paths, path) && c.contains.iter().all(|m| text.contains(m.as_str()))
        })
    })?;
    let mode =
        app.modes.iter().find(|m| m.when.iter().all(|(k, v)| config_value(text, k).as_deref() == Some(&scalar(v))))?;
    let when: Vec<String> = mode.when.iter().map(|(k, v)| format!("{k}: {}", scalar(v))).collect();
    let label = if when.is_empty() { app.name.clone() } else { format!("{} ({})", app.name, when.join(", ")) };
    let end = text.find('\n').unwrap_or(text.len());
    Some(AppUse { label, needs: mode.needs.clone(), source: app.source.clone(), start: 0, end })
}

/// A YAML scalar as config text writes it (`true`, `futures`, `3`).
fn scalar(v: &serde_yaml::Value) -> String {
    match v {
        serde_yaml::Value::Bool(b) => b.to_string(),
        serde_yaml::Value::Number(n) => n.to_string(),
        serde_yaml::Value::String(s) => s.clone(),
        _ => String::new(),
    }
}

/// The first value of `key` in a JSON or YAML config (`"dry_run": true`, `trading_mode: futures`),
/// unquoted; `None` when the key is not set.
pub fn config_value(text: &str, key: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(p) = text[from..].find(key).map(|p| from + p) {
        from = p + key.len();
        let before = p.checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(from).copied();
        let quoted = before == Some(b'"') && after == Some(b'"');
        let bare = before.is_none_or(|c| c == b' ' || c == b'\n' || c == b'\t') && after == Some(b':');
        if !quoted && !bare {
            continue;
        }
        let rest = text[from..].trim_start_matches('"').trim_start();
        let Some(rest) = rest.strip_prefix(':') else { continue };
        let value: String =
            rest.trim_start().chars().take_while(|c| !matches!(c, ',' | '}' | '\n' | '\r' | '#')).take(64).collect();
        return Some(value.trim().trim_matches(['"', '\'']).to_string());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_values_from_json_and_yaml() {
        let json = "{\n  \"dry_run\": true,\n  \"trading_mode\": \"futures\",\n  \"exchange\": {}\n}";
        assert_eq!(config_value(json, "dry_run").as_deref(), Some("true"));
        assert_eq!(config_value(json, "trading_mode").as_deref(), Some("futures"));
        assert_eq!(config_value(json, "stake_amount"), None);
        // A key inside another word is not the key.
        assert_eq!(config_value("{\"not_dry_run\": false}", "dry_run"), None);
        assert_eq!(config_value("mode: spot\ndry_run: false # live\n", "dry_run").as_deref(), Some("false"));
    }

    #[test]
    fn freqtrade_modes_from_the_builtin_table() {
        let table = crate::exchanges::ExchangeTable::builtin();
        let rules = crate::usage::rules::UsageRules::load(&[], &table).expect("built-in usage rules load");
        let live =
            "{\n  \"stake_currency\": \"USDT\",\n  \"dry_run\": false,\n  \"exchange\": {\"name\": \"binance\"}\n}\n";
        let got = recognise("bots/ft/config.json", live, &rules.applications).expect("a Freqtrade config");
        assert_eq!(got.needs, vec!["read", "trade"]);
        assert_eq!((got.start, got.end), (0, 1));
        let dry = live.replace("\"dry_run\": false", "\"dry_run\": true");
        let got = recognise("bots/ft/config.json", &dry, &rules.applications).expect("a Freqtrade config");
        assert_eq!(got.needs, vec!["read"]);
        assert_eq!(got.label, "Freqtrade (dry_run: true)");
        // Any other JSON file is no application's config.
        assert_eq!(recognise("bots/ft/package.json", "{\"name\": \"x\"}", &rules.applications), None);
    }
}
