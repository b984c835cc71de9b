//! `--shard I/N`: which repositories one machine of a split sweep scans. The split is a hash
//! of the repository name (FNV-1a, 64 bit: fixed by its spec, so every version of keylint on
//! every platform puts a repository in the same shard), not of its position in the list, so a
//! repository added to the organisation does not move the others.

/// Shard `index` (0-based, like Kubernetes' `JOB_COMPLETION_INDEX` and GitHub's
/// `strategy.job-index`) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// `I/N` with `0 <= I < N`.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let bad = || format!("--shard `{text}` is not I/N with 0 <= I < N (e.g. 0/4 ... 3/4; I is 0-based)");
        let (i, n) = text.split_once('/').ok_or_else(bad)?;
        let index: u32 = i.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// A Kubernetes Indexed Job: `JOB_COMPLETION_INDEX` (set by Kubernetes) and
    /// `JOB_COMPLETIONS` (set in the pod template to the Job's `completions`). `None` when
    /// neither is set.
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Result<Option<Shard>, String> {
        match (get("JOB_COMPLETION_INDEX"), get("JOB_COMPLETIONS")) {
            (None, None) => Ok(None),
            (Some(i), Some(n)) => Shard::parse(&format!("{}/{}", i.trim(), n.trim()))
                .map(Some)
                .map_err(|_| format!("JOB_COMPLETION_INDEX `{i}` / JOB_COMPLETIONS `{n}` are not a shard I/N")),
            (Some(_), None) => Err("JOB_COMPLETION_INDEX is set but JOB_COMPLETIONS is not: set it in the pod \
                                    template to the Job's `completions`, or pass --shard I/N"
                .into()),
            (None, Some(_)) => Err("JOB_COMPLETIONS is set but JOB_COMPLETION_INDEX is not: pass --shard I/N".into()),
        }
    }

    /// Does this shard scan the repository called `name`?
    pub fn holds(&self, name: &str) -> bool {
        fnv1a64(name.as_bytes()) % u64::from(self.count) == u64::from(self.index)
    }
}

/// FNV-1a, 64 bit.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_matches_the_reference_vectors() {
        assert_eq!(fnv1a64(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x85944171f73967e8);
    }

    #[test]
    fn parse_accepts_zero_based_indices_only() {
        assert_eq!(Shard::parse("0/3"), Ok(Shard { index: 0, count: 3 }));
        assert_eq!(Shard::parse("2/3"), Ok(Shard { index: 2, count: 3 }));
        assert!(Shard::parse("3/3").is_err());
        assert!(Shard::parse("1/0").is_err());
        assert!(Shard::parse("x").is_err());
    }

    #[test]
    fn every_name_is_in_exactly_one_shard() {
        for n in 1..9 {
            for name in ["org/a", "org/b", "x", "deep/er/name"] {
                let holders = (0..n).filter(|&i| Shard { index: i, count: n }.holds(name)).count();
                assert_eq!(holders, 1);
            }
        }
    }

    #[test]
    fn env_needs_both_variables() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
        };
        assert_eq!(Shard::from_env(env(&[])), Ok(None));
        assert_eq!(
            Shard::from_env(env(&[("JOB_COMPLETION_INDEX", "2"), ("JOB_COMPLETIONS", "5")])),
            Ok(Some(Shard { index: 2, count: 5 }))
        );
        assert!(Shard::from_env(env(&[("JOB_COMPLETION_INDEX", "2")])).is_err());
    }
}
