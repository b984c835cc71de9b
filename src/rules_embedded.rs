//! The rule files under `rules/`, embedded at build time (see build.rs): each as its YAML text
//! (for `explain` and error messages) and as JSON (parsed at start-up, several times faster).

include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));

/// YAML text of one embedded rule file, by its path relative to `rules/`.
pub fn get(path: &str) -> Option<&'static str> {
    RULE_FILES.iter().find(|(p, _, _)| *p == path).map(|(_, text, _)| *text)
}

/// JSON form of one embedded rule file.
pub fn get_json(path: &str) -> Option<&'static str> {
    RULE_FILES.iter().find(|(p, _, _)| *p == path).map(|(_, _, json)| *json)
}

/// Deserializes a built-in rule file from its JSON form; the YAML text locates errors.
pub fn parse<T: serde::de::DeserializeOwned>(path: &str) -> Result<T, crate::rules_error::RuleError> {
    let origin = format!("rules/{path}");
    let json = get_json(path).ok_or_else(|| crate::rules_error::RuleError::new(&origin, "", None, "missing"))?;
    serde_json::from_str(json).map_err(|e| {
        let yaml = get(path).unwrap_or_default();
        crate::rules_error::RuleError::new(&origin, yaml, None, e.to_string())
    })
}
