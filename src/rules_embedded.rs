//! The rule files under `rules/`, embedded at build time (see build.rs).

include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));

/// Contents of one embedded rule file, by its path relative to `rules/`.
pub fn get(path: &str) -> Option<&'static str> {
    RULE_FILES.iter().find(|(p, _)| *p == path).map(|(_, text)| *text)
}
