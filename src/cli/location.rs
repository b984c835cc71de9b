//! Where a reported secret is: "staged for commit", "in commit abc1234", "in the working tree".
//!
//! The detectors' messages and help say what was found and how to revoke it; only the scan mode
//! knows where it sits, so the phrase is added here, once, after the scan.

use super::plan::SourceMode;
use crate::diagnostic::{Category, Finding};

/// Commit ids in messages are shortened like `git log --oneline` does (7 hex digits).
const SHORT_ID: usize = 7;

/// Where the findings of one scan mode sit.
fn phrase(source: &SourceMode, finding: &Finding) -> Option<String> {
    if let Some(c) = &finding.commit {
        return Some(format!("in commit {}", c.id.get(..SHORT_ID).unwrap_or(&c.id)));
    }
    Some(match source {
        SourceMode::Tree => "in the working tree".to_string(),
        SourceMode::HeadTree => "at HEAD".to_string(),
        SourceMode::Stdin { .. } => "in standard input".to_string(),
        SourceMode::Staged => "staged for commit".to_string(),
        SourceMode::Diff { range } => format!("added in `{range}`"),
        // History findings always carry their commit.
        SourceMode::History { .. } | SourceMode::Commits { .. } => return None,
    })
}

/// What to do beyond the detector's own help, given where the secret is.
fn advice(source: &SourceMode, finding: &Finding) -> Option<&'static str> {
    if finding.category != Category::Secret && !finding.sensitive {
        return None;
    }
    if finding.commit.is_some() {
        return Some("it stays in git history even if a later commit deletes it");
    }
    match source {
        SourceMode::Staged => {
            Some("it is not committed yet: unstage it with `git restore --staged <file>` before committing")
        }
        _ => None,
    }
}

/// Appends the location phrase to the message (and advice to the help) of every finding about
/// key material — secret detectors and policy findings whose span is a secret (`secret-inline`)
/// — and the commit to every finding from git history.
pub fn add_location(source: &SourceMode, findings: &mut [Finding]) {
    for f in findings {
        if f.category != Category::Secret && !f.sensitive && f.commit.is_none() {
            continue;
        }
        if let Some(place) = phrase(source, f) {
            f.message = format!("{}, {place}", f.message);
        }
        if let Some(more) = advice(source, f) {
            f.help = if f.help.is_empty() { more.to_string() } else { format!("{}; {more}", f.help) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{CommitInfo, Severity};

    fn secret() -> Finding {
        Finding {
            message: "OKX API secret key in plain text".into(),
            help: "revoke it at OKX".into(),
            ..Finding::blank("okx-secret-key", Category::Secret, Severity::Error, "bot.env")
        }
    }

    #[test]
    fn each_mode_names_where_the_secret_is() {
        let cases = [
            (SourceMode::Tree, "OKX API secret key in plain text, in the working tree", "revoke it at OKX"),
            (
                SourceMode::Staged,
                "OKX API secret key in plain text, staged for commit",
                "revoke it at OKX; it is not committed yet: unstage it with `git restore --staged <file>` before committing",
            ),
            (
                SourceMode::Diff { range: "origin/main...HEAD".into() },
                "OKX API secret key in plain text, added in `origin/main...HEAD`",
                "revoke it at OKX",
            ),
            (SourceMode::Stdin { name: "x".into() }, "OKX API secret key in plain text, in standard input", "revoke it at OKX"),
        ];
        for (mode, message, help) in cases {
            let mut f = [secret()];
            add_location(&mode, &mut f);
            assert_eq!((f[0].message.as_str(), f[0].help.as_str()), (message, help));
        }
    }

    #[test]
    fn history_findings_name_their_commit_and_other_policy_findings_are_left_alone() {
        let mut f = secret();
        f.commit = Some(CommitInfo { id: "0123456789abcdef".into(), author: None, date: None });
        let policy = Finding {
            message: "key `x` allows withdrawals".into(),
            ..Finding::blank("key-allows-withdraw", Category::Policy, Severity::Error, "keys.yaml")
        };
        let mut all = [f, policy];
        add_location(&SourceMode::History { since: None, branches: vec![], all: false }, &mut all);
        assert_eq!(all[0].message, "OKX API secret key in plain text, in commit 0123456");
        assert_eq!(all[0].help, "revoke it at OKX; it stays in git history even if a later commit deletes it");
        assert_eq!(all[1].message, "key `x` allows withdrawals");
    }
}
