//! The built-in policies: every `rules/policies/*.yaml`, embedded by build.rs with the other
//! rule files, so adding a built-in policy is adding a file.

/// (origin, YAML text, JSON form) of every built-in policy file, in path order. Start-up parses
/// the JSON form (faster); the YAML text serves `explain` and error locations.
pub fn policies() -> Vec<(String, &'static str, &'static str)> {
    crate::rules_embedded::RULE_FILES
        .iter()
        .filter(|(path, _, _)| path.starts_with("policies/"))
        .map(|(path, text, json)| (format!("rules/{path}"), *text, *json))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_policy_file_is_embedded() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/rules/policies");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| format!("rules/policies/{}", e.file_name().to_string_lossy()))
            .filter(|n| n.ends_with(".yaml"))
            .collect();
        on_disk.sort();
        let embedded: Vec<String> = super::policies().into_iter().map(|(o, _, _)| o).collect();
        assert_eq!(on_disk, embedded);
        assert_eq!(embedded.len(), 23);
    }
}
