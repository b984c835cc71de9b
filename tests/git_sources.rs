//! Git sources at the library level: temporary repositories built with the git CLI, read back
//! through `keylint::source::git` (gix).

mod gitutil;

use gitutil::{fake_okx_secret, git_in, Repo};
use keylint::source::git::{self, HistoryOptions, SourceError};
use keylint::source::{Artifact, Content, Provenance};

fn text(a: &Artifact) -> String {
    match &a.content {
        Content::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        other => panic!("{}: expected bytes, got {other:?}", a.path),
    }
}

fn paths(artifacts: &[Artifact]) -> Vec<&str> {
    artifacts.iter().map(|a| a.path.as_str()).collect()
}

#[test]
fn staged_reads_the_index_not_the_working_tree() {
    let staged_key = fake_okx_secret("staged");
    let worktree_key = fake_okx_secret("worktree");
    let mut repo = Repo::new();
    repo.write("README.md", "hello\n");
    repo.write("config/.env", "DEBUG=1\n");
    repo.commit("initial");

    repo.write("config/.env", &format!("DEBUG=1\nOKX_SECRET_KEY={staged_key}\n"));
    repo.write("new file.txt", "new\n");
    repo.git(&["add", "config/.env", "new file.txt"]);
    // The working tree moves on after staging; the commit would still record the staged key.
    repo.write("config/.env", &format!("OKX_SECRET_KEY={worktree_key}\n"));
    // Unstaged, untracked: not part of the commit.
    repo.write("untracked.env", &format!("OKX_SECRET_KEY={worktree_key}\n"));

    let artifacts = git::staged(repo.path()).unwrap();
    assert_eq!(paths(&artifacts), vec!["config/.env", "new file.txt"]);
    let env = &artifacts[0];
    assert_eq!(text(env), format!("DEBUG=1\nOKX_SECRET_KEY={staged_key}\n"));
    assert!(matches!(env.provenance, Provenance::Index));
    assert_eq!(env.changed_lines, None);
}

#[test]
fn staged_in_a_repository_without_commits_returns_every_staged_file() {
    let repo = Repo::new();
    repo.write("b.txt", "b\n");
    repo.write("a/.env", "A=1\n");
    repo.git(&["add", "."]);
    let artifacts = git::staged(repo.path()).unwrap();
    assert_eq!(paths(&artifacts), vec!["a/.env", "b.txt"]);
}

#[test]
fn staged_honours_git_index_file() {
    // `git commit <path>` runs hooks against a temporary index named by GIT_INDEX_FILE.
    let mut repo = Repo::new();
    repo.write("x.txt", "1\n");
    repo.commit("initial");
    repo.write("x.txt", "2\n");
    let tmp_index = repo.path().join(".git/other-index");
    let status = std::process::Command::new("git")
        .args(["add", "x.txt"])
        .current_dir(repo.path())
        .env("GIT_INDEX_FILE", &tmp_index)
        .status()
        .unwrap();
    assert!(status.success());
    // The default index still has x.txt at "1", so without GIT_INDEX_FILE nothing is staged.
    assert!(git::staged(repo.path()).unwrap().is_empty());
    // `staged` passes $GIT_INDEX_FILE here (tested end to end through the binary).
    let artifacts = git::staged_from(repo.path(), Some(".git/other-index".into())).unwrap();
    assert_eq!(paths(&artifacts), vec!["x.txt"]);
    assert_eq!(text(&artifacts[0]), "2\n");
}

/// A base commit with an old key, and a head commit that adds a new key further down, edits
/// one line, deletes a file and adds a file.
fn pr_repo() -> (Repo, String, String) {
    let old_key = fake_okx_secret("old");
    let new_key = fake_okx_secret("new");
    let mut repo = Repo::new();
    repo.write("deploy/.env", &format!("# bot config\nOKX_SECRET_KEY={old_key}\nA=1\nB=2\n"));
    repo.write("gone.txt", "bye\n");
    repo.write("same.txt", "unchanged\n");
    let base = repo.commit("base");
    repo.write(
        "deploy/.env",
        &format!("# bot config\nOKX_SECRET_KEY={old_key}\nA=changed\nB=2\nOKX_SECRET_KEY={new_key}\n"),
    );
    std::fs::remove_file(repo.path().join("gone.txt")).unwrap();
    repo.write("added.txt", "x\ny\n");
    let head = repo.commit("head");
    (repo, base, head)
}

#[test]
fn diff_returns_whole_new_files_with_only_changed_lines_marked() {
    let (repo, base, head) = pr_repo();
    let artifacts = git::diff(repo.path(), &base, Some(&head)).unwrap();
    assert_eq!(paths(&artifacts), vec!["added.txt", "deploy/.env"]);
    assert_eq!(artifacts[0].changed_lines, Some(vec![(1, 2)]));
    let env = &artifacts[1];
    // Line 2 (the old key) is untouched; lines 3 (edited) and 5 (new key) changed.
    assert_eq!(env.changed_lines, Some(vec![(3, 3), (5, 5)]));
    assert!(text(env).starts_with("# bot config\nOKX_SECRET_KEY="), "whole file, not a hunk");

    // HEAD is the default head, and the `..` / `...` spellings agree on a linear history.
    let default_head = git::diff(repo.path(), &base, None).unwrap();
    assert_eq!(paths(&default_head), paths(&artifacts));
    let two_dots = git::diff_range(repo.path(), &format!("{base}..{head}")).unwrap();
    let three_dots = git::diff_range(repo.path(), &format!("{base}...HEAD")).unwrap();
    assert_eq!(two_dots[1].changed_lines, env.changed_lines);
    assert_eq!(three_dots[1].changed_lines, env.changed_lines);
}

#[test]
fn diff_with_a_missing_base_says_how_to_fetch_it() {
    let (repo, _, _) = pr_repo();
    let err = git::diff(repo.path(), "origin/main", None).unwrap_err();
    assert_eq!(err, SourceError::MissingRevision { role: "base", spec: "origin/main".into() });
    assert_eq!(
        err.to_string(),
        "base `origin/main` is not in this clone: fetch it with `git fetch --depth=1 origin main`"
    );
}

#[test]
fn outside_a_repository_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = git::staged(dir.path()).unwrap_err();
    assert!(matches!(err, SourceError::NotARepository { .. }), "{err:?}");
}

#[test]
fn diff_works_in_a_shallow_clone_once_the_base_is_fetched() {
    let (origin, base, head) = pr_repo();
    let clone_parent = tempfile::tempdir().unwrap();
    let url = format!("file://{}", origin.path().display());
    git_in(clone_parent.path(), &["clone", "-q", "--depth=1", &url, "clone"], 0);
    let clone = clone_parent.path().join("clone");
    assert_eq!(git_in(&clone, &["rev-parse", "--is-shallow-repository"], 0).trim(), "true");

    // GitHub's default checkout: the base commit is not there.
    let err = git::diff(&clone, &base, None).unwrap_err();
    assert!(matches!(err, SourceError::MissingRevision { role: "base", .. }), "{err:?}");
    assert!(err.to_string().contains(&format!("git fetch --depth=1 origin {base}")));

    // What the action does: fetch just the base, at depth 1.
    git_in(&clone, &["fetch", "-q", "--depth=1", "origin", &base], 0);
    let artifacts = git::diff(&clone, &base, None).unwrap();
    assert_eq!(paths(&artifacts), vec!["added.txt", "deploy/.env"]);
    assert_eq!(artifacts[1].changed_lines, Some(vec![(3, 3), (5, 5)]));
    assert_eq!(git_in(&clone, &["rev-parse", "HEAD"], 0).trim(), head);

    // History in a shallow clone stops at the shallow boundary instead of failing.
    let history = git::history(&clone, None, &[], false).unwrap();
    assert!(history.iter().any(|a| a.path == "deploy/.env"));
}

/// commit 1 adds a file, commit 2 adds a key, commit 3 deletes it, commit 4 renames a file.
fn history_repo() -> (Repo, Vec<String>, String) {
    let key = fake_okx_secret("history");
    let mut repo = Repo::new();
    let mut ids = Vec::new();
    repo.write("app.py", "print('hi')\n");
    ids.push(repo.commit("initial"));
    repo.write("bot/.env", &format!("OKX_SECRET_KEY={key}\n"));
    ids.push(repo.commit("add key"));
    std::fs::remove_file(repo.path().join("bot/.env")).unwrap();
    ids.push(repo.commit("remove key"));
    repo.git(&["mv", "app.py", "main.py"]);
    ids.push(repo.commit("rename"));
    (repo, ids, key)
}

#[test]
fn history_finds_a_deleted_key_and_attributes_it_to_the_commit_that_added_it() {
    let (repo, ids, key) = history_repo();
    let artifacts = git::history(repo.path(), None, &[], false).unwrap();
    // One artifact per unique blob: the renamed file keeps its first path.
    assert_eq!(paths(&artifacts), vec!["app.py", "bot/.env"]);
    let env = &artifacts[1];
    assert_eq!(text(env), format!("OKX_SECRET_KEY={key}\n"));
    let Provenance::Commit(info) = &env.provenance else { panic!("{:?}", env.provenance) };
    assert_eq!(info.id, ids[1]);
    assert_eq!(info.author.as_deref(), Some("Ada Tester <ada@example.invalid>"));
    assert_eq!(info.date.as_deref(), Some("2024-01-01T00:02:00+00:00"));
    let Provenance::Commit(first) = &artifacts[0].provenance else { panic!() };
    assert_eq!(first.id, ids[0]);
}

#[test]
fn history_since_a_revision_skips_blobs_that_existed_before_it() {
    let (repo, ids, _) = history_repo();
    // After "add key": nothing new was introduced (a deletion and a rename of an old blob).
    let after_key = git::history(repo.path(), Some(&ids[1]), &[], false).unwrap();
    assert!(after_key.is_empty(), "{:?}", paths(&after_key));
    let after_initial = git::history(repo.path(), Some(&ids[0]), &[], false).unwrap();
    assert_eq!(paths(&after_initial), vec!["bot/.env"]);
    // A date before every commit includes everything; one after excludes everything.
    assert_eq!(git::history(repo.path(), Some("2023-12-31"), &[], false).unwrap().len(), 2);
    assert!(git::history(repo.path(), Some("2024-01-02"), &[], false).unwrap().is_empty());
    let err = git::history(repo.path(), Some("not-a-ref"), &[], false).unwrap_err();
    assert_eq!(err, SourceError::BadSince("not-a-ref".into()));
}

#[test]
fn history_branches_and_all_refs() {
    let (mut repo, ids, _) = history_repo();
    let side_key = fake_okx_secret("side");
    repo.git(&["checkout", "-q", "-b", "side", &ids[0]]);
    repo.write("side.env", &format!("OKX_SECRET_KEY={side_key}\n"));
    let side = repo.commit("side branch key");
    repo.git(&["checkout", "-q", "main"]);

    let head_only = git::history(repo.path(), None, &[], false).unwrap();
    assert!(!paths(&head_only).contains(&"side.env"));
    let side_only = git::history(repo.path(), None, &["side".to_string()], false).unwrap();
    assert_eq!(paths(&side_only), vec!["app.py", "side.env"]);
    let all = git::history(repo.path(), None, &[], true).unwrap();
    assert_eq!(paths(&all), vec!["app.py", "bot/.env", "side.env"]);
    let Provenance::Commit(info) = &all[2].provenance else { panic!() };
    assert_eq!(info.id, side);
    let err = git::history(repo.path(), None, &["nope".to_string()], false).unwrap_err();
    assert_eq!(err, SourceError::MissingRevision { role: "branch", spec: "nope".into() });
}

#[test]
fn history_in_chunks_yields_the_same_blobs_without_holding_them_all() {
    let mut repo = Repo::new();
    for i in 0..20 {
        repo.write(&format!("f{i}.txt"), &format!("{i}\n").repeat(100));
        repo.commit(&format!("c{i}"));
    }
    let options = HistoryOptions { chunk_bytes: 500, ..Default::default() };
    let mut chunks = Vec::new();
    let stats = git::history_each(repo.path(), &options, |c, _| chunks.push(c.len())).unwrap();
    assert_eq!(stats.commits, 20);
    assert_eq!(stats.blobs, 20);
    assert!(chunks.len() > 1, "{chunks:?}");
    assert_eq!(chunks.iter().sum::<usize>(), 20);
    let whole = git::history(repo.path(), None, &[], false).unwrap();
    assert_eq!(whole.len(), 20);
}
