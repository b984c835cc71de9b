//! The built-in policies: every `rules/policies/*.yaml`, embedded by build.rs with the other
//! rule files, so adding a built-in policy is adding a file.

/// (origin, text) of every built-in policy file, in path order.
pub fn policies() -> Vec<(String, &'static str)> {
    crate::rules_embedded::RULE_FILES
        .iter()
        .filter(|(path, _)| path.starts_with("policies/"))
        .map(|(path, text)| (format!("rules/{path}"), *text))
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
        let embedded: Vec<String> = super::policies().into_iter().map(|(o, _)| o).collect();
        assert_eq!(on_disk, embedded);
        assert_eq!(embedded.len(), 19);
    }
}
