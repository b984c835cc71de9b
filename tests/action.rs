//! Runs the composite action's steps (action.yml) the way a runner would, with a simulated
//! `GITHUB_*` environment, on the fixture pull request in fixtures/pr: a shallow checkout of the
//! PR head whose base commit the action must fetch itself.
//!
//! `uses:` steps are not executed: the cache step is simulated as a hit (the freshly built
//! binary is "restored" into the cache directory) or a miss, and the upload step's inputs are
//! recorded. A miss installs from a fake release served from a `file://` "server" (the archive
//! holds the freshly built binary), or falls back to a fake `cargo` that records its arguments.

mod gitutil;

use gitutil::{git_in, Repo};
use serde_yaml::Value as Yaml;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What a run of the action produced.
#[derive(Debug, Default)]
struct Run {
    /// Step id → outputs.
    outputs: BTreeMap<String, BTreeMap<String, String>>,
    /// Step id → (ran, exit code, stdout + stderr).
    steps: BTreeMap<String, (bool, i32, String)>,
    /// Step id → resolved `with:` of `uses:` steps that ran.
    uses: BTreeMap<String, BTreeMap<String, String>>,
    job_failed: bool,
    summary: String,
}

struct Context<'a> {
    inputs: BTreeMap<String, String>,
    event_name: &'a str,
    base_sha: &'a str,
    head_sha: String,
    action_path: PathBuf,
    /// `github.action_ref` / `github.action_repository` (empty for `uses: ./`).
    action_ref: String,
    action_repository: String,
    server_url: String,
    cache_hit: bool,
    /// Prepended to PATH (a fake `cargo`).
    path_prefix: Option<PathBuf>,
}

impl Run {
    /// Resolves one `${{ … }}` expression (only the forms action.yml uses; anything else fails
    /// the test, so the action cannot grow expressions this harness does not understand).
    fn value(&self, ctx: &Context, expr: &str) -> String {
        let expr = expr.trim();
        if let Some(name) = expr.strip_prefix("inputs.") {
            return ctx.inputs.get(name).cloned().unwrap_or_else(|| panic!("unknown input {name}"));
        }
        if let Some(rest) = expr.strip_prefix("steps.") {
            let (id, name) = rest.split_once(".outputs.").unwrap_or_else(|| panic!("bad expression {expr}"));
            return self.outputs.get(id).and_then(|o| o.get(name)).cloned().unwrap_or_default();
        }
        match expr {
            "github.action_path" => ctx.action_path.display().to_string(),
            "github.event_name" => ctx.event_name.to_string(),
            "github.event.pull_request.base.sha" => ctx.base_sha.to_string(),
            "github.event.pull_request.head.sha" => ctx.head_sha.clone(),
            "github.event.before" | "github.event.after" => String::new(),
            "github.action_ref" => ctx.action_ref.clone(),
            "github.action_repository" => ctx.action_repository.clone(),
            "github.server_url" => ctx.server_url.clone(),
            "github.token" => String::new(),
            other => panic!("unsupported expression in action.yml: {other}"),
        }
    }

    fn interpolate(&self, ctx: &Context, text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${{") {
            out.push_str(&rest[..start]);
            let end = rest[start..].find("}}").expect("closed expression") + start;
            out.push_str(&self.value(ctx, &rest[start + 3..end]));
            rest = &rest[end + 2..];
        }
        out.push_str(rest);
        out
    }

    /// Evaluates an `if:` of the forms `always()`, `A == 'x'`, `A != 'x'`, joined by `&&`.
    fn condition(&self, ctx: &Context, cond: Option<&str>) -> bool {
        let Some(cond) = cond else { return !self.job_failed };
        let mut always = false;
        let mut all = true;
        for term in cond.split("&&").map(str::trim) {
            if term == "always()" {
                always = true;
            } else if let Some((lhs, rhs)) = term.split_once("!=") {
                all &= self.value(ctx, lhs) != rhs.trim().trim_matches('\'');
            } else if let Some((lhs, rhs)) = term.split_once("==") {
                all &= self.value(ctx, lhs) == rhs.trim().trim_matches('\'');
            } else {
                panic!("unsupported condition: {term}");
            }
        }
        all && (always || !self.job_failed)
    }
}

/// `owner/repo@<40 hex>` (the tag goes in a YAML comment, which the parser drops).
fn pinned_by_sha(uses: &str) -> bool {
    uses.split_once('@').is_some_and(|(_, rev)| rev.len() == 40 && rev.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn parse_outputs(text: &str) -> BTreeMap<String, String> {
    text.lines().filter_map(|l| l.split_once('=')).map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// Runs every step of action.yml in `workspace`.
fn run_action(workspace: &Path, home: &Path, ctx: &Context) -> Run {
    let action: Yaml = serde_yaml::from_str(&std::fs::read_to_string(ctx.action_path.join("action.yml")).unwrap())
        .expect("action.yml parses");
    assert_eq!(action["runs"]["using"], "composite");
    let summary_file = home.join("step-summary.md");
    let mut run = Run::default();
    for step in action["runs"]["steps"].as_sequence().unwrap() {
        let id = step["id"].as_str().expect("every step has an id").to_string();
        if !run.condition(ctx, step["if"].as_str()) {
            run.steps.insert(id, (false, 0, String::new()));
            continue;
        }
        let with: BTreeMap<String, String> = step["with"]
            .as_mapping()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.as_str().unwrap().to_string(), run.interpolate(ctx, v.as_str().unwrap())))
                    .collect()
            })
            .unwrap_or_default();
        if let Some(uses) = step["uses"].as_str() {
            assert!(pinned_by_sha(uses), "actions are pinned by full commit SHA: {uses}");
            if uses.starts_with("actions/cache@") && ctx.cache_hit {
                // A cache hit: the binary built for this test run is what the cache restores.
                let bin = PathBuf::from(&with["path"]).join("bin");
                std::fs::create_dir_all(&bin).unwrap();
                std::fs::copy(env!("CARGO_BIN_EXE_keylint"), bin.join("keylint")).unwrap();
                run.outputs.insert(id.clone(), BTreeMap::from([("cache-hit".to_string(), "true".to_string())]));
            }
            run.uses.insert(id.clone(), with);
            run.steps.insert(id, (true, 0, String::new()));
            continue;
        }
        assert_eq!(step["shell"], "bash", "step {id} runs in bash");
        let script = home.join(format!("{id}.sh"));
        std::fs::write(&script, step["run"].as_str().unwrap()).unwrap();
        let output_file = home.join(format!("{id}.output"));
        std::fs::write(&output_file, "").unwrap();
        let mut cmd = Command::new("bash");
        // The runner's invocation for `shell: bash`.
        cmd.args(["--noprofile", "--norc", "-eo", "pipefail"]).arg(&script).current_dir(workspace);
        let mut path = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()).collect::<Vec<_>>();
        if let Some(prefix) = &ctx.path_prefix {
            path.insert(0, prefix.clone());
        }
        cmd.env_clear()
            .env("PATH", std::env::join_paths(path).unwrap())
            .env("HOME", home)
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_WORKSPACE", workspace)
            .env("GITHUB_ACTION_PATH", &ctx.action_path)
            .env("GITHUB_OUTPUT", &output_file)
            .env("GITHUB_STEP_SUMMARY", &summary_file)
            .env("GITHUB_EVENT_NAME", ctx.event_name)
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64")
            .env("RUNNER_TEMP", home)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1");
        if let Some(env) = step["env"].as_mapping() {
            for (k, v) in env {
                cmd.env(k.as_str().unwrap(), run.interpolate(ctx, v.as_str().unwrap()));
            }
        }
        let out = cmd.output().unwrap();
        let code = out.status.code().unwrap_or(-1);
        let log = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        run.outputs.insert(id.clone(), parse_outputs(&std::fs::read_to_string(&output_file).unwrap()));
        run.job_failed |= code != 0;
        run.steps.insert(id, (true, code, log));
    }
    run.summary = std::fs::read_to_string(&summary_file).unwrap_or_default();
    run
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The fixture PR as a repository (base on `main`, head on `feature`) and a shallow checkout of
/// the head, as `actions/checkout` with `fetch-depth: 1` leaves it.
fn fixture_pr() -> (Repo, tempfile::TempDir, PathBuf, String) {
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/pr");
    let mut origin = Repo::new();
    copy_tree(&fixtures.join("base"), origin.path());
    let base = origin.commit("base");
    origin.git(&["checkout", "-q", "-b", "feature"]);
    copy_tree(&fixtures.join("head"), origin.path());
    origin.commit("pull request");
    let parent = tempfile::tempdir().unwrap();
    let url = format!("file://{}", origin.path().display());
    git_in(parent.path(), &["clone", "-q", "--depth=1", "--branch", "feature", &url, "workspace"], 0);
    let workspace = parent.path().join("workspace");
    (origin, parent, workspace, base)
}

fn fixture_values(name: &str) -> Vec<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/pr/head/bot/.env");
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix(&format!("{name}=")).map(str::to_string))
        .collect()
}

fn context(base: &str, overrides: &[(&str, &str)]) -> Context<'static> {
    let action_path = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let action: Yaml = serde_yaml::from_str(&std::fs::read_to_string(action_path.join("action.yml")).unwrap()).unwrap();
    let mut inputs: BTreeMap<String, String> = action["inputs"]
        .as_mapping()
        .unwrap()
        .iter()
        .map(|(k, v)| {
            // Defaults are expressions too; the only one used is the (here empty) job token.
            let default = v["default"].as_str().unwrap_or_default().replace("${{ github.token }}", "");
            (k.as_str().unwrap().to_string(), default)
        })
        .collect();
    for (k, v) in overrides {
        assert!(inputs.contains_key(*k), "action.yml has no input {k}");
        inputs.insert(k.to_string(), v.to_string());
    }
    Context {
        inputs,
        event_name: "pull_request",
        base_sha: Box::leak(base.to_string().into_boxed_str()),
        head_sha: String::new(),
        action_path,
        action_ref: String::new(),
        action_repository: String::new(),
        server_url: "https://github.com".into(),
        cache_hit: true,
        path_prefix: None,
    }
}

#[test]
fn pull_request_diff_annotates_only_the_new_key_and_fails_the_job() {
    let (_origin, _parent, workspace, base) = fixture_pr();
    let home = tempfile::tempdir().unwrap();
    assert!(
        !Command::new("git")
            .args(["cat-file", "-e", &format!("{base}^{{commit}}")])
            .current_dir(&workspace)
            .status()
            .unwrap()
            .success(),
        "the shallow checkout starts without the base"
    );
    let ctx = context(&base, &[("mode", "diff"), ("upload-sarif", "true")]);
    let run = run_action(&workspace, home.path(), &ctx);

    assert!(!run.steps["install"].0, "cache hit: no cargo install");
    let (ran, code, log) = &run.steps["scan"];
    assert!(*ran && *code == 0, "the scan step records keylint's exit code instead of failing: {log}");
    let annotations: Vec<&str> = log.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(annotations.len(), 1, "{log}");
    assert!(
        annotations[0]
            .starts_with("::error file=bot/.env,line=4,endLine=4,col=17,endColumn=81,title=keylint binance-api-key::"),
        "{log}"
    );
    assert_eq!(run.outputs["scan"]["findings"], "1");
    assert_eq!(run.outputs["scan"]["exit-code"], "1");
    assert_eq!(run.outputs["scan"]["sarif-file"], "keylint.sarif");
    assert_eq!(
        run.uses["upload"]["sarif_file"], "keylint.sarif",
        "SARIF is uploaded even though findings fail the job"
    );
    assert_eq!(run.uses["upload"]["category"], "keylint-diff", "one code scanning category per mode");
    assert_eq!(run.steps["result"].1, 1, "the last step fails with keylint's exit code");
    assert!(run.job_failed);

    // The action fetched the base commit into the shallow clone.
    assert!(Command::new("git")
        .args(["cat-file", "-e", &format!("{base}^{{commit}}")])
        .current_dir(&workspace)
        .status()
        .unwrap()
        .success());

    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(workspace.join("keylint.sarif")).unwrap()).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["ruleId"], "binance-api-key");
    assert!(run.summary.contains("| error | `binance-api-key` | `bot/.env:4:17` |"), "{}", run.summary);

    let sarif_text = std::fs::read_to_string(workspace.join("keylint.sarif")).unwrap();
    for secret in fixture_values("BINANCE_API_KEY").iter().chain(&fixture_values("OKX_SECRET_KEY")) {
        for (id, (_, _, log)) in &run.steps {
            assert!(!log.contains(secret.as_str()), "step {id} printed a whole secret");
        }
        assert!(!run.summary.contains(secret.as_str()) && !sarif_text.contains(secret.as_str()));
    }
}

#[test]
fn full_mode_reports_every_key_and_skips_the_upload_by_default() {
    let (_origin, _parent, workspace, base) = fixture_pr();
    let home = tempfile::tempdir().unwrap();
    let ctx = context(&base, &[("mode", "full"), ("sarif-file", "out/full.sarif")]);
    std::fs::create_dir_all(workspace.join("out")).unwrap();
    let run = run_action(&workspace, home.path(), &ctx);
    assert_eq!(run.outputs["scan"]["findings"], "2", "{:?}", run.steps["scan"]);
    assert_eq!(run.outputs["scan"]["sarif-file"], "out/full.sarif");
    assert!(!run.uses.contains_key("upload"), "upload-sarif defaults to false");
    assert!(workspace.join("out/full.sarif").is_file());
    assert_eq!(run.steps["result"].1, 1);
}

#[test]
fn a_clean_pull_request_passes_and_a_bad_mode_is_an_error() {
    let (_origin, _parent, workspace, base) = fixture_pr();
    let home = tempfile::tempdir().unwrap();
    // Only error-level findings fail, and the base is the head itself: nothing changed.
    let head = git_in(&workspace, &["rev-parse", "HEAD"], 0).trim().to_string();
    let ctx = context(&base, &[("mode", "diff"), ("base", &head)]);
    let run = run_action(&workspace, home.path(), &ctx);
    assert_eq!(run.outputs["scan"]["findings"], "0");
    assert_eq!(run.steps["result"].1, 0);
    assert!(!run.job_failed);
    assert!(run.summary.contains("No findings"), "{}", run.summary);

    let home = tempfile::tempdir().unwrap();
    let run = run_action(&workspace, home.path(), &context(&base, &[("mode", "everything")]));
    let (_, code, log) = &run.steps["scan"];
    assert_eq!(*code, 2);
    assert!(
        log.contains("::error title=keylint::mode must be commits, diff, full or history, not 'everything'"),
        "{log}"
    );
    assert!(!run.steps["result"].0, "later steps are skipped once the job failed");

    // A base that git would read as an option is refused before it reaches `git fetch`.
    let home = tempfile::tempdir().unwrap();
    let run = run_action(&workspace, home.path(), &context(&base, &[("base", "--upload-pack=touch pwned")]));
    let (_, code, log) = &run.steps["scan"];
    assert_eq!(*code, 2, "{log}");
    assert!(log.contains("::error title=keylint::base and head must be revisions"), "{log}");
    assert!(!workspace.join("pwned").exists());
}

/// The pull request: a commit adds a key, the next replaces it with `${…}`. The final
/// diff is clean; the default mode (every commit of the PR) reports the key at the commit that
/// added it, from a shallow checkout that the action deepens itself.
#[test]
fn default_mode_scans_every_commit_of_the_pull_request() {
    let key = gitutil::fake_binance_key("action-commits");
    let mut origin = Repo::new();
    origin.write("bot/.env", "MODE=paper\n");
    let base = origin.commit("base");
    origin.git(&["checkout", "-q", "-b", "feature"]);
    origin.write("bot/.env", &format!("MODE=paper\nBINANCE_API_KEY={key}\n"));
    let added = origin.commit("add key");
    origin.write("bot/.env", "MODE=paper\nBINANCE_API_KEY=${BINANCE_API_KEY}\n");
    let head = origin.commit("use the environment");
    let parent = tempfile::tempdir().unwrap();
    let url = format!("file://{}", origin.path().display());
    git_in(parent.path(), &["clone", "-q", "--depth=1", "--branch", "feature", &url, "workspace"], 0);
    let workspace = parent.path().join("workspace");

    // The final diff says nothing.
    let home = tempfile::tempdir().unwrap();
    let run = run_action(&workspace, home.path(), &context(&base, &[("mode", "diff")]));
    assert_eq!((run.outputs["scan"]["findings"].as_str(), run.steps["result"].1), ("0", 0));

    let home = tempfile::tempdir().unwrap();
    let mut ctx = context(&base, &[("upload-sarif", "true")]);
    ctx.head_sha = head.clone();
    assert_eq!(ctx.inputs["mode"], "commits", "the default mode");
    let run = run_action(&workspace, home.path(), &ctx);
    let (_, code, log) = &run.steps["scan"];
    assert_eq!(*code, 0, "{log}");
    let annotations: Vec<&str> = log.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(annotations.len(), 1, "{log}");
    let expected = format!(
        "::error file=bot/.env,line=2,endLine=2,col=17,endColumn=81,title=keylint binance-api-key::Binance API key in plain text, in commit {} (BINANCE_API_KEY=",
        &added[..7]
    );
    assert!(annotations[0].starts_with(&expected), "{log}");
    assert_eq!(run.outputs["scan"]["findings"], "1");
    assert_eq!(run.steps["result"].1, 1);
    assert_eq!(run.uses["upload"]["category"], "keylint-commits");
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(workspace.join("keylint.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["runs"][0]["results"][0]["properties"]["commit"]["id"], added.as_str());
    assert_eq!(git_in(&workspace, &["rev-parse", "--is-shallow-repository"], 0).trim(), "false");
    for (id, (_, _, log)) in &run.steps {
        assert!(!log.contains(&key), "step {id} printed the key");
    }
}

/// A fake release of this version for Linux x86_64 under `server/org/keylint/releases/…`,
/// holding the binary built for this test run; returns the server URL and the archive's path.
fn fake_release(dir: &Path, commit: &str) -> (String, PathBuf) {
    let version = env!("CARGO_PKG_VERSION");
    let name = format!("keylint-v{version}-x86_64-unknown-linux-musl");
    let release = dir.join(format!("server/org/keylint/releases/download/v{version}"));
    let staging = dir.join("staging").join(&name);
    std::fs::create_dir_all(&staging).unwrap();
    std::fs::create_dir_all(&release).unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_keylint"), staging.join("keylint")).unwrap();
    let archive = release.join(format!("{name}.tar.gz"));
    let ok =
        Command::new("tar").arg("-czf").arg(&archive).arg("-C").arg(dir.join("staging")).arg(&name).status().unwrap();
    assert!(ok.success());
    let sum = Command::new("sha256sum").arg(&archive).output().unwrap();
    let sum = String::from_utf8(sum.stdout).unwrap();
    let sum = sum.split_whitespace().next().unwrap();
    std::fs::write(release.join("SHA256SUMS"), format!("{sum}  {name}.tar.gz\n")).unwrap();
    std::fs::write(release.join("COMMIT"), format!("{commit}\n")).unwrap();
    (format!("file://{}", dir.join("server").display()), archive)
}

/// A `cargo` that records its arguments and "installs" the test binary into `--root`.
fn fake_cargo(dir: &Path) -> PathBuf {
    let bin = dir.join("fake-bin");
    std::fs::create_dir_all(&bin).unwrap();
    let script = format!(
        "#!/bin/sh\necho \"$@\" > {log}\nwhile [ $# -gt 0 ]; do [ \"$1\" = --root ] && root=$2; shift; done\nmkdir -p \"$root/bin\" && cp {exe} \"$root/bin/keylint\"\n",
        log = dir.join("cargo-args").display(),
        exe = env!("CARGO_BIN_EXE_keylint"),
    );
    std::fs::write(bin.join("cargo"), script).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(bin.join("cargo"), std::fs::Permissions::from_mode(0o755)).unwrap();
    bin
}

#[test]
fn a_release_tag_installs_the_checksummed_release_binary() {
    let (_origin, _parent, workspace, base) = fixture_pr();
    let home = tempfile::tempdir().unwrap();
    let (server, _) = fake_release(home.path(), "0000000000000000000000000000000000000001");
    let mut ctx = context(&base, &[("mode", "full")]);
    ctx.cache_hit = false;
    ctx.action_repository = "org/keylint".into();
    ctx.action_ref = format!("v{}", env!("CARGO_PKG_VERSION"));
    ctx.server_url = server;
    ctx.path_prefix = Some(fake_cargo(home.path()));
    let run = run_action(&workspace, home.path(), &ctx);
    let (ran, code, log) = &run.steps["install"];
    assert!(*ran && *code == 0, "{log}");
    assert!(
        log.contains(&format!(
            "keylint: installed release v{} (x86_64-unknown-linux-musl, sha256 ",
            env!("CARGO_PKG_VERSION")
        )),
        "{log}"
    );
    assert!(!home.path().join("cargo-args").exists(), "no cargo build");
    assert_eq!(
        run.outputs["setup"]["key"],
        format!("keylint-{}-tag-x86_64-unknown-linux-musl", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(run.outputs["scan"]["findings"], "2", "{:?}", run.steps["scan"]);
}

#[test]
fn a_checksum_mismatch_fails_and_never_runs_the_download() {
    let (_origin, _parent, workspace, base) = fixture_pr();
    let home = tempfile::tempdir().unwrap();
    let (server, archive) = fake_release(home.path(), "0000000000000000000000000000000000000001");
    // The archive changes after its checksum was published.
    std::fs::write(&archive, b"not the release").unwrap();
    let mut ctx = context(&base, &[("mode", "full")]);
    ctx.cache_hit = false;
    ctx.action_repository = "org/keylint".into();
    ctx.action_ref = format!("v{}", env!("CARGO_PKG_VERSION"));
    ctx.server_url = server;
    ctx.path_prefix = Some(fake_cargo(home.path()));
    let run = run_action(&workspace, home.path(), &ctx);
    let (_, code, log) = &run.steps["install"];
    assert_eq!(*code, 1, "{log}");
    assert!(log.contains("::error title=keylint::checksum mismatch for keylint-v"), "{log}");
    assert!(!run.steps["scan"].0, "nothing runs after a failed verification");
    assert!(!home.path().join("cargo-args").exists(), "a mismatch is not a reason to build instead");
}

#[test]
fn an_untagged_sha_or_a_missing_binary_falls_back_to_cargo_install() {
    for case in ["untagged-sha", "missing-binary"] {
        let (_origin, _parent, workspace, base) = fixture_pr();
        let home = tempfile::tempdir().unwrap();
        let pinned = "1111111111111111111111111111111111111111";
        let (server, archive) = fake_release(
            home.path(),
            if case == "untagged-sha" { "2222222222222222222222222222222222222222" } else { pinned },
        );
        if case == "missing-binary" {
            std::fs::remove_file(&archive).unwrap();
        }
        let mut ctx = context(&base, &[("mode", "full")]);
        ctx.cache_hit = false;
        ctx.action_repository = "org/keylint".into();
        ctx.action_ref = pinned.into();
        ctx.server_url = server;
        ctx.path_prefix = Some(fake_cargo(home.path()));
        let run = run_action(&workspace, home.path(), &ctx);
        let (_, code, log) = &run.steps["install"];
        assert_eq!(*code, 0, "{case}: {log}");
        let args = std::fs::read_to_string(home.path().join("cargo-args")).unwrap();
        let dir = &run.outputs["setup"]["dir"];
        assert_eq!(
            args.trim(),
            format!("install --locked --path {} --root {dir}", ctx.action_path.display()),
            "{case}"
        );
        assert_eq!(run.outputs["scan"]["findings"], "2", "{case}: {:?}", run.steps["scan"]);
    }

    // `uses: ./` (no action repository) builds from source, keyed by the sources' hash.
    let (_origin, _parent, workspace, base) = fixture_pr();
    let home = tempfile::tempdir().unwrap();
    let mut ctx = context(&base, &[("mode", "full")]);
    ctx.cache_hit = false;
    ctx.path_prefix = Some(fake_cargo(home.path()));
    let run = run_action(&workspace, home.path(), &ctx);
    assert!(run.outputs["setup"]["key"].starts_with("keylint-src-"), "{:?}", run.outputs["setup"]);
    assert!(home.path().join("cargo-args").exists());
}
