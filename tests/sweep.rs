//! `keylint sweep` and `keylint merge` end to end: 40 generated repositories (secrets at HEAD,
//! secrets only in history, bare clones, a config that disables a rule and excludes a path,
//! one value at two paths, one unreadable repository), swept in one process and in 1, 3 and 8
//! shards merged: the same bytes; the summary agrees with the findings.

mod gitutil;

use gitutil::{fake_binance_key, fake_okx_secret, git_in};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const OUTPUTS: [&str; 4] = ["findings.jsonl", "summary.json", "summary.md", "report.html"];

/// Runs keylint; returns (exit code, stderr).
fn keylint(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_keylint"))
        .args(args)
        .current_dir(dir)
        .env_remove("JOB_COMPLETION_INDEX")
        .env_remove("JOB_COMPLETIONS")
        .envs(env.iter().copied())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("run keylint");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// A repository at `dir` built from commits of (path, content or None to delete).
fn repo(dir: &Path, commits: &[&[(&str, Option<&str>)]]) {
    std::fs::create_dir_all(dir).unwrap();
    git_in(dir, &["init", "-q", "-b", "main"], 0);
    for (tick, files) in commits.iter().enumerate() {
        for (path, content) in files.iter() {
            let full = dir.join(path);
            match content {
                Some(text) => {
                    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
                    std::fs::write(&full, text).unwrap();
                }
                None => std::fs::remove_file(&full).unwrap(),
            }
        }
        git_in(dir, &["add", "-A"], tick as u32 + 1);
        git_in(dir, &["commit", "-q", "--allow-empty", "-m", &format!("commit {tick}")], tick as u32 + 1);
    }
}

struct Fixture {
    _dir: tempfile::TempDir,
    root: PathBuf,
    work: PathBuf,
}

/// The 40 repositories (36 generated in five shapes, four special).
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("org");
    let work = dir.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    for k in 0..36 {
        let name = format!("team{}/repo{k:02}", k % 4);
        let okx = fake_okx_secret(&format!("sweep-{k}"));
        let binance = fake_binance_key(&format!("sweep-{k}"));
        let readme = format!("# repo {k}\n");
        let at_head = format!("MODE=live\nOKX_SECRET_KEY={okx}\n");
        let settings = format!("BINANCE_API_KEY={binance}\n");
        match k % 5 {
            // A key at HEAD.
            0 => repo(&root.join(&name), &[&[("README.md", Some(&readme)), ("config/live.env", Some(&at_head))]]),
            // A key only in history: added, then deleted.
            1 => repo(
                &root.join(&name),
                &[
                    &[("README.md", Some(&readme))],
                    &[("config/live.env", Some(&at_head))],
                    &[("config/live.env", None)],
                ],
            ),
            // Clean.
            2 => repo(&root.join(&name), &[&[("README.md", Some(&readme))]]),
            // A Binance key in a nested file, changed since (history holds two values).
            3 => repo(
                &root.join(&name),
                &[
                    &[("README.md", Some(&readme)), ("app/settings.env", Some(&settings))],
                    &[(
                        "app/settings.env",
                        Some(&format!("BINANCE_API_KEY={}\n", fake_binance_key(&format!("sweep-new-{k}")))),
                    )],
                ],
            ),
            // A bare clone (`.git` suffix dropped from the name) of a repository with a key.
            _ => {
                let source = work.join(format!("source{k}"));
                repo(&source, &[&[("README.md", Some(&readme)), ("deploy/prod.env", Some(&at_head))]]);
                let bare = root.join(format!("{name}.git"));
                std::fs::create_dir_all(bare.parent().unwrap()).unwrap();
                git_in(&work, &["clone", "-q", "--bare", source.to_str().unwrap(), bare.to_str().unwrap()], 0);
            }
        }
    }
    // The same value at two paths (different files, so different blobs in history too).
    let dup = fake_okx_secret("sweep-dup");
    repo(
        &root.join("special/dup"),
        &[&[
            ("a.env", Some(&format!("OKX_SECRET_KEY={dup}\n"))),
            ("vendor/lib/b.env", Some(&format!("# vendored\nOKX_SECRET_KEY={dup}\n"))),
        ]],
    );
    // A config that disables a rule and excludes a path.
    repo(
        &root.join("special/configured"),
        &[&[
            (".keylint.toml", Some("[rules]\ndisable = [\"binance-api-key\", \"binance-secret-key\"]\n\n[scan]\nexclude = [\"fixtures/**\"]\n")),
            ("fixtures/test.env", Some(&format!("OKX_SECRET_KEY={}\n", fake_okx_secret("sweep-excluded")))),
            ("binance.env", Some(&format!("BINANCE_API_KEY={}\n", fake_binance_key("sweep-disabled")))),
            ("kept.env", Some(&format!("\nOKX_SECRET_KEY={}\n", fake_okx_secret("sweep-kept")))),
        ]],
    );
    // Not a repository any more: a `.git` whose HEAD is garbage.
    std::fs::create_dir_all(root.join("special/broken/.git")).unwrap();
    std::fs::write(root.join("special/broken/.git/HEAD"), "not a ref\n").unwrap();
    std::fs::write(
        root.join("special/broken/app.env"),
        format!("OKX_SECRET_KEY={}\n", fake_okx_secret("sweep-broken")),
    )
    .unwrap();
    // An empty repository (no commit yet).
    std::fs::create_dir_all(root.join("special/empty")).unwrap();
    git_in(&root.join("special/empty"), &["init", "-q", "-b", "main"], 0);
    Fixture { _dir: dir, root, work }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn lines(out: &Path) -> Vec<Value> {
    read(&out.join("findings.jsonl")).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn summary(out: &Path) -> Value {
    serde_json::from_str(&read(&out.join("summary.json"))).unwrap()
}

/// (rule, path, line, present_at_head) of one repository's findings.
fn of(findings: &[Value], repository: &str) -> Vec<(String, String, u64, bool)> {
    findings
        .iter()
        .filter(|f| f["repository"] == repository)
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["start"]["line"].as_u64().unwrap(),
                f["present_at_head"].as_bool().unwrap(),
            )
        })
        .collect()
}

fn at(rule: &str, path: &str, line: u64, head: bool) -> (String, String, u64, bool) {
    (rule.to_string(), path.to_string(), line, head)
}

/// Every count of summary.json agrees with the findings lines.
fn assert_summary_matches_findings(out: &Path) {
    let findings = lines(out);
    let s = summary(out);
    assert_eq!(s["totals"]["findings"], findings.len() as u64);
    for sev in ["error", "warning", "note"] {
        let n = findings.iter().filter(|f| f["severity"] == sev).count() as u64;
        assert_eq!(s["totals"]["by_severity"][sev], n, "{sev}");
    }
    let repos = s["repositories"].as_array().unwrap();
    for r in repos {
        let name = r["repository"].as_str().unwrap();
        let mine: Vec<&Value> = findings.iter().filter(|f| f["repository"] == name).collect();
        assert_eq!(r["findings"], mine.len() as u64, "{name}");
        let head = mine.iter().filter(|f| f["category"] == "secret" && f["present_at_head"] == true).count();
        let hist = mine.iter().filter(|f| f["category"] == "secret" && f["present_at_head"] == false).count();
        assert_eq!((r["at_head"].as_u64().unwrap(), r["history_only"].as_u64().unwrap()), (head as u64, hist as u64));
    }
    let sum = |key: &str| repos.iter().map(|r| r[key].as_u64().unwrap()).sum::<u64>();
    for key in ["files", "bytes", "commits", "findings"] {
        assert_eq!(s["totals"][key], sum(key), "{key}");
    }
    for rule in s["rules"].as_array().unwrap() {
        let n = findings.iter().filter(|f| f["rule"] == rule["rule"]).count() as u64;
        assert_eq!(rule["findings"], n);
    }
    let rules_total: u64 = s["rules"].as_array().unwrap().iter().map(|r| r["findings"].as_u64().unwrap()).sum();
    assert_eq!(rules_total, findings.len() as u64);
    // Sorted by repository, then path, then offset.
    let keys: Vec<(String, String, u64)> = findings
        .iter()
        .map(|f| {
            (
                f["repository"].as_str().unwrap().into(),
                f["path"].as_str().unwrap().into(),
                f["start"]["offset"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

#[test]
fn sweep_history_is_the_same_in_one_process_and_in_1_3_8_merged_shards() {
    let f = fixture();
    let root = f.root.to_str().unwrap();
    let whole = f.work.join("whole");
    let (code, stderr) = keylint(
        &f.work,
        &["sweep", root, "--history", "--reproducible", "--out", "whole", "--sarif-dir", "sarif"],
        &[],
    );
    assert_eq!(code, 1, "{stderr}");
    // Not a terminal: one line per repository.
    assert_eq!(stderr.lines().filter(|l| l.starts_with("keylint: [")).count(), 40, "{stderr}");

    let s = summary(&whole);
    assert_eq!(s["mode"], "history");
    assert_eq!(s["totals"]["repositories"], 40);
    assert_eq!(s["totals"]["errors"], 1);
    assert!(!read(&whole.join("summary.json")).contains("elapsed_ms"));
    let broken = s["repositories"].as_array().unwrap().iter().find(|r| r["repository"] == "special/broken").unwrap();
    assert!(broken["error"].as_str().unwrap().contains("special/broken"), "{broken}");
    assert_eq!(broken["findings"], 0);
    assert_summary_matches_findings(&whole);

    let findings = lines(&whole);
    assert_eq!(of(&findings, "team0/repo00"), vec![at("okx-secret-key", "config/live.env", 2, true)]);
    // Only in history: at the commit that added it, not present at HEAD.
    assert_eq!(of(&findings, "team1/repo01"), vec![at("okx-secret-key", "config/live.env", 2, false)]);
    let hist = findings.iter().find(|x| x["repository"] == "team1/repo01").unwrap();
    let added = git_in(&f.root.join("team1/repo01"), &["rev-parse", "HEAD~1"], 0);
    assert_eq!(hist["commit"]["id"], added.trim());
    assert!(of(&findings, "team2/repo02").is_empty());
    // The old value only in history, the new one at HEAD.
    assert_eq!(
        of(&findings, "team3/repo03"),
        // Same path, offset and rule: ordered by fingerprint.
        vec![at("binance-api-key", "app/settings.env", 1, true), at("binance-api-key", "app/settings.env", 1, false)]
    );
    // The bare clone, named without `.git`.
    assert_eq!(of(&findings, "team0/repo04"), vec![at("okx-secret-key", "deploy/prod.env", 2, true)]);
    // One value at two paths: one finding, the other place listed.
    assert_eq!(of(&findings, "special/dup"), vec![at("okx-secret-key", "a.env", 1, true)]);
    let dup = findings.iter().find(|x| x["repository"] == "special/dup").unwrap();
    assert_eq!(dup["other_locations"].as_array().unwrap().len(), 1, "{dup}");
    assert_eq!(dup["other_locations"][0]["path"], "vendor/lib/b.env");
    assert_eq!(dup["other_locations"][0]["start"]["line"], 2);
    assert_eq!(dup["other_locations"][0]["commit"], dup["commit"]["id"]);
    // Its .keylint.toml: the disabled rule and the excluded path are not reported.
    assert_eq!(of(&findings, "special/configured"), vec![at("okx-secret-key", "kept.env", 2, true)]);
    assert!(of(&findings, "special/empty").is_empty());
    // No secret in any output.
    let all: String = OUTPUTS.iter().map(|o| read(&whole.join(o))).collect();
    assert!(!all.contains(&fake_okx_secret("sweep-0")) && !all.contains(&fake_okx_secret("sweep-dup")));
    // SARIF, one per repository that could be read.
    let sarif: Value = serde_json::from_str(&read(&f.work.join("sarif/special__dup.sarif"))).unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 2);
    assert_eq!(std::fs::read_dir(f.work.join("sarif")).unwrap().count(), 39);

    for n in [1u32, 3, 8] {
        let mut dirs = Vec::new();
        let mut seen = 0;
        for i in 0..n {
            let dir = format!("shard-{n}-{i}");
            let shard = format!("{i}/{n}");
            // Shard 0 of 3 from the Kubernetes Indexed Job variables instead of --shard.
            let (code, stderr) = if n == 3 && i == 0 {
                let env = [("JOB_COMPLETION_INDEX", "0"), ("JOB_COMPLETIONS", "3")];
                keylint(&f.work, &["sweep", root, "--history", "--reproducible", "-q", "--out", &dir], &env)
            } else {
                // One thread for the single shard: the bytes do not depend on the thread count.
                let threads = if n == 1 { "1" } else { "2" };
                keylint(
                    &f.work,
                    &[
                        "sweep",
                        root,
                        "--history",
                        "--reproducible",
                        "-q",
                        "--out",
                        &dir,
                        "--shard",
                        &shard,
                        "-j",
                        threads,
                    ],
                    &[],
                )
            };
            assert!(code == 0 || code == 1, "{stderr}");
            assert!(stderr.is_empty(), "-q: {stderr}");
            seen += summary(&f.work.join(&dir))["totals"]["repositories"].as_u64().unwrap();
            dirs.push(dir);
        }
        assert_eq!(seen, 40, "every repository in exactly one of {n} shards");
        let merged = format!("merged-{n}");
        let mut args = vec!["merge", "--reproducible", "--out", merged.as_str()];
        args.extend(dirs.iter().map(String::as_str));
        let (code, stderr) = keylint(&f.work, &args, &[]);
        assert_eq!(code, 1, "{stderr}");
        for o in OUTPUTS {
            assert!(read(&whole.join(o)) == read(&f.work.join(&merged).join(o)), "{o} differs with {n} shards");
        }
        if n == 3 {
            // A missing shard is refused, not merged into a report that looks complete.
            let (code, stderr) = keylint(&f.work, &["merge", "--out", "partial", &dirs[0], &dirs[2]], &[]);
            assert_eq!(code, 2);
            assert!(stderr.contains("1/3"), "{stderr}");
        }
    }
}

#[test]
fn sweep_tree_mode_reads_working_trees_and_bare_heads() {
    let f = fixture();
    let (code, stderr) = keylint(&f.work, &["sweep", f.root.to_str().unwrap(), "-q", "--out", "tree", "-j", "3"], &[]);
    assert_eq!(code, 1, "{stderr}");
    let out = f.work.join("tree");
    let s = summary(&out);
    assert_eq!(s["mode"], "tree");
    assert_eq!(s["totals"]["commits"], 0);
    assert!(s["repositories"][0]["elapsed_ms"].is_u64(), "timings without --reproducible");
    assert_summary_matches_findings(&out);
    let findings = lines(&out);
    assert!(of(&findings, "team1/repo01").is_empty(), "history-only keys are not in the tree");
    assert_eq!(of(&findings, "team3/repo03"), vec![at("binance-api-key", "app/settings.env", 1, true)]);
    assert_eq!(of(&findings, "team0/repo04"), vec![at("okx-secret-key", "deploy/prod.env", 2, true)]);
    assert_eq!(of(&findings, "special/configured"), vec![at("okx-secret-key", "kept.env", 2, true)]);
    let dup = findings.iter().find(|x| x["repository"] == "special/dup").unwrap();
    assert_eq!(dup["other_locations"][0]["path"], "vendor/lib/b.env");
    assert_eq!(dup["other_locations"][0]["commit"], Value::Null);
    assert_eq!(s["totals"]["credentials_history_only"], 0);
    // --exit-zero and a threshold above every finding.
    let (code, _) = keylint(&f.work, &["sweep", f.root.to_str().unwrap(), "-q", "--out", "t2", "--exit-zero"], &[]);
    assert_eq!(code, 0);
}

#[test]
fn sweep_clones_file_urls_into_the_cache_and_names_them_owner_slash_repo() {
    let f = fixture();
    let url = |rel: &str| format!("file://{}", f.root.join(rel).display());
    let list = format!(
        "# repositories to sweep\n\n{}\n{}\n  {}  \n{}\n../org/special/./configured/\n",
        url("team1/repo01"),
        url("team0/repo04.git"),
        url("special/dup"),
        url("nowhere/missing")
    );
    std::fs::write(f.work.join("repos.txt"), list).unwrap();
    // This source serves partial clones: its cached clone is blobless, and the history scan
    // fetches the blobs it reads.
    git_in(&f.root.join("team1/repo01"), &["config", "uploadpack.allowFilter", "true"], 0);
    let args = ["sweep", "--repos", "repos.txt", "--cache", "cache", "--history", "--reproducible", "-q", "--out"];
    let (code, stderr) = keylint(&f.work, &[&args[..], &["first"]].concat(), &[]);
    assert_eq!(code, 1, "{stderr}");
    let out = f.work.join("first");
    let s = summary(&out);
    let names: Vec<&str> =
        s["repositories"].as_array().unwrap().iter().map(|r| r["repository"].as_str().unwrap()).collect();
    // URLs and local paths (relative to the list) alike: the last two segments, `.git` dropped.
    assert_eq!(names, ["nowhere/missing", "special/configured", "special/dup", "team0/repo04", "team1/repo01"]);
    let missing = &s["repositories"][0];
    assert!(missing["error"].as_str().unwrap().starts_with("cannot clone file://"), "{missing}");
    let findings = lines(&out);
    assert_eq!(of(&findings, "team1/repo01"), vec![at("okx-secret-key", "config/live.env", 2, false)]);
    assert_eq!(of(&findings, "team0/repo04"), vec![at("okx-secret-key", "deploy/prod.env", 2, true)]);
    assert_eq!(of(&findings, "special/dup").len(), 1);
    assert_eq!(of(&findings, "special/configured"), vec![at("okx-secret-key", "kept.env", 2, true)]);
    // Three bare clones in the cache.
    let cached: Vec<String> = std::fs::read_dir(f.work.join("cache"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(cached.len(), 3, "{cached:?}");
    assert!(cached.iter().all(|c| c.ends_with(".git")));
    let partial = cached.iter().find(|c| c.starts_with("team1+repo01-")).unwrap();
    let promisor = git_in(&f.work, &["--git-dir", &format!("cache/{partial}"), "config", "remote.origin.promisor"], 0);
    assert_eq!(promisor.trim(), "true");
    // Updated, not cloned again; the same outputs. Tree mode reads the bare clone's HEAD.
    let (code, stderr) = keylint(&f.work, &[&args[..], &["second"]].concat(), &[]);
    assert_eq!(code, 1, "{stderr}");
    for o in OUTPUTS {
        assert_eq!(read(&out.join(o)), read(&f.work.join("second").join(o)), "{o}");
    }
    let (_, stderr) =
        keylint(&f.work, &["sweep", "--repos", "repos.txt", "--cache", "cache", "-q", "--out", "tree"], &[]);
    let findings = lines(&f.work.join("tree"));
    assert!(of(&findings, "team1/repo01").is_empty(), "{stderr}");
    assert_eq!(of(&findings, "team0/repo04"), vec![at("okx-secret-key", "deploy/prod.env", 2, true)]);
}

#[test]
fn sweep_usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stderr) = keylint(dir.path(), &["sweep", ".", "--out", "o", "--shard", "3/3"], &[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("0-based"), "{stderr}");
    let (code, stderr) = keylint(dir.path(), &["sweep", ".", "--out", "o"], &[("JOB_COMPLETION_INDEX", "1")]);
    assert_eq!(code, 2);
    assert!(stderr.contains("JOB_COMPLETIONS"), "{stderr}");
    let (code, _) = keylint(dir.path(), &["sweep", "missing-dir", "--out", "o"], &[]);
    assert_eq!(code, 2);
    // A directory of plain copies holds no repository: an error, not an empty report.
    std::fs::create_dir_all(dir.path().join("copies/bot")).unwrap();
    std::fs::write(dir.path().join("copies/bot/.env"), "X=1\n").unwrap();
    let (code, stderr) = keylint(dir.path(), &["sweep", "copies", "--out", "o2"], &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("no git repository under copies"), "{stderr}");
}
