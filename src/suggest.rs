//! "Did you mean …?" for misspelt rule ids, manifest fields, exchanges and permissions.

/// Levenshtein distance between two strings (by characters).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The candidate nearest to `word`, if within `max_distance(candidate)` edits (ties: the
/// smallest candidate, so suggestions are deterministic).
pub fn closest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    max_distance: impl Fn(&str) -> usize,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, c)| *d <= max_distance(c))
        .min()
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_nearest_candidate_within_reach() {
        assert_eq!(edit_distance("ip_alowlist", "ip_allowlist"), 1);
        assert_eq!(closest("okx-secrt-key", ["okx-api-key", "okx-secret-key"], |_| 2), Some("okx-secret-key"));
        assert_eq!(closest("zzz", ["okx-api-key"], |_| 2), None);
    }
}
