//! The built-in policies, embedded so the binary works alone. One entry per file in
//! `rules/policies/`; a unit test checks the list matches the directory.

macro_rules! policies {
    ($($id:literal),* $(,)?) => {
        /// (origin, text) of every built-in policy file.
        pub const POLICIES: &[(&str, &str)] = &[
            $((concat!("rules/policies/", $id, ".yaml"), include_str!(concat!("../../rules/policies/", $id, ".yaml")))),*
        ];
    };
}

policies!(
    "excess-permission",
    "exchange-unknown",
    "ip-allowlist-duplicate",
    "ip-allowlist-invalid",
    "ip-allowlist-not-public",
    "ip-allowlist-open",
    "ip-allowlist-over-limit",
    "ip-allowlist-unapproved",
    "key-allows-transfer",
    "key-allows-withdraw",
    "key-expired",
    "key-name-duplicate",
    "key-rotation-overdue",
    "key-rotation-unknown",
    "key-without-ip-allowlist",
    "manifest-invalid",
    "permission-unknown",
    "secret-inline",
    "waiver-without-reason",
);

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
        let mut embedded: Vec<String> =
            super::POLICIES.iter().map(|(o, _)| o.to_string()).collect();
        embedded.sort();
        assert_eq!(on_disk, embedded);
    }
}
