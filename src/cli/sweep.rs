//! `keylint sweep` and `keylint merge`: many repositories through the `scan` pipeline, one
//! report. Per repository this resolves a `ScanPlan` exactly as `scan` does (its own
//! `.keylint.toml`, or `--config` for all) and runs `scan_plan`; what is sweep-specific (the
//! repository list, shards, clones, outputs) lives in `crate::sweep`.
//!
//! Memory: repositories are scanned in parallel, and each one's findings go to a temporary file
//! as soon as it is done; the files are concatenated in name order at the end. What stays in
//! memory for the whole run is one line of statistics per repository.

use super::args::{MergeArgs, ScanArgs, SweepArgs};
use super::plan::{resolve, ScanPlan, SourceMode};
use super::run::{
    check_rule_ids, load_detectors, load_policies, rule_infos, scan_plan, Failure, EXIT_CLEAN, EXIT_FINDINGS,
};
use crate::detect::DetectorSet;
use crate::policy::PolicySet;
use crate::report::{sarif::Sarif, Report, Reporter, Summary};
use crate::sweep::output::{self, Meta, RepoLine, RepoStats, SweepFinding};
use crate::sweep::shard::Shard;
use crate::sweep::{discover, fetch, Location, RepoSpec};
use rayon::prelude::*;
use std::collections::HashMap;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Temporary per-repository files, inside `--out`, removed at the end.
const PARTS: &str = ".parts";

pub fn run_sweep(args: &SweepArgs) -> Result<i32, Failure> {
    let shard = match &args.shard {
        Some(text) => Some(Shard::parse(text).map_err(Failure::Usage)?),
        None => Shard::from_env(|k| std::env::var(k).ok()).map_err(Failure::Usage)?,
    };
    let repos = list_repositories(args)?;
    let total = repos.len() as u64;
    let repos: Vec<RepoSpec> = repos.into_iter().filter(|r| shard.is_none_or(|s| s.holds(&r.name))).collect();
    if let Some(threads) = args.threads.filter(|&n| n > 0) {
        // Ignore the error: a global pool may already exist (tests calling twice).
        let _ = rayon::ThreadPoolBuilder::new().num_threads(threads).build_global();
    }
    let out = &args.out;
    let parts = out.join(PARTS);
    let _ = std::fs::remove_dir_all(&parts);
    std::fs::create_dir_all(&parts)
        .map_err(|e| Failure::Usage(format!("cannot create the output directory {}: {e}", out.display())))?;
    if let Some(dir) = &args.sarif_dir {
        std::fs::create_dir_all(dir)
            .map_err(|e| Failure::Usage(format!("cannot create --sarif-dir {}: {e}", dir.display())))?;
    }
    let cache = args.cache.clone().unwrap_or_else(|| fetch::default_cache(|k| std::env::var(k).ok()));
    let progress = Progress::new(repos.len() as u64, args.quiet);
    let rules = RuleCache::default();
    let lines: Vec<RepoLine> = repos
        .par_iter()
        .enumerate()
        .map(|(i, spec)| {
            progress.started(&spec.name);
            let started = Instant::now();
            let part = parts.join(format!("{i:08}"));
            // A bug on one repository must not end the sweep of the others.
            let outcome =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| sweep_one(args, spec, &cache, &part, &rules)))
                    .unwrap_or_else(|_| Err("keylint failed on this repository (a bug); it was not scanned".into()));
            let mut line = match outcome {
                Ok(line) => line,
                Err(why) => {
                    let _ = std::fs::remove_file(part.with_extension("jsonl"));
                    RepoLine {
                        stats: RepoStats { repository: spec.name.clone(), error: Some(why), ..Default::default() },
                        fails: false,
                    }
                }
            };
            line.stats.repository = spec.name.clone();
            line.stats.elapsed_ms = (!args.reproducible).then(|| started.elapsed().as_millis() as u64);
            progress.finished(&line.stats);
            line
        })
        .collect();
    progress.finish();

    let written = || -> std::io::Result<output::SweepSummary> {
        concatenate(&parts, lines.len(), &out.join(output::FINDINGS))?;
        let mode = mode_name(args);
        let meta = Meta { mode: mode.into(), shard, total_repositories: total };
        output::write_index(out, &lines, &meta)?;
        let repos = lines.iter().map(|l| l.stats.clone()).collect();
        let summary = output::write_reports(out, mode, repos, args.link_template.as_deref())?;
        std::fs::remove_dir_all(&parts)?;
        Ok(summary)
    };
    let summary =
        written().map_err(|e| Failure::Usage(format!("cannot write the outputs into {}: {e}", out.display())))?;
    if !args.quiet {
        eprintln!("{}", closing_line(&summary, out));
    }
    let errors = lines.iter().filter(|l| l.stats.error.is_some()).count();
    if !lines.is_empty() && errors == lines.len() {
        return Err(Failure::Usage(format!(
            "none of the {errors} repositories could be read (see `error` in {})",
            out.join(output::SUMMARY_JSON).display()
        )));
    }
    Ok(if lines.iter().any(|l| l.fails) { EXIT_FINDINGS } else { EXIT_CLEAN })
}

pub fn run_merge(args: &MergeArgs) -> Result<i32, Failure> {
    let merged = crate::sweep::merge::merge(&args.shards, &args.out, args.reproducible, args.link_template.as_deref())
        .map_err(Failure::Usage)?;
    eprintln!("{}", closing_line(&merged.summary, &args.out));
    Ok(if merged.fails && !args.exit_zero { EXIT_FINDINGS } else { EXIT_CLEAN })
}

/// `keylint: 40 repositories (1 could not be read), 57 findings; outputs in sweep/`.
fn closing_line(summary: &output::SweepSummary, out: &Path) -> String {
    let t = &summary.totals;
    let errors = if t.errors > 0 { format!(" ({} could not be read)", t.errors) } else { String::new() };
    format!(
        "keylint: {} repositor{}{errors}, {} finding{}; outputs in {}",
        t.repositories,
        if t.repositories == 1 { "y" } else { "ies" },
        t.findings,
        if t.findings == 1 { "" } else { "s" },
        crate::redact::sanitize_terminal(&out.display().to_string())
    )
}

fn mode_name(args: &SweepArgs) -> &'static str {
    if args.history {
        "history"
    } else {
        "tree"
    }
}

/// The repositories under ROOT or in `--repos`, sorted by name, names unique.
fn list_repositories(args: &SweepArgs) -> Result<Vec<RepoSpec>, Failure> {
    let repos = match (&args.root, &args.repos) {
        (_, Some(file)) => discover::from_list(file).map_err(Failure::Usage)?,
        (Some(root), None) => {
            let (repos, unreadable) = discover::under_root(root).map_err(Failure::Usage)?;
            if !args.quiet {
                for dir in unreadable {
                    eprintln!("keylint: cannot list {} (skipped; it may hold repositories)", dir.display());
                }
            }
            // An empty sweep is a mistake (a directory of plain copies, a typo): say so.
            if repos.is_empty() {
                return Err(Failure::Usage(format!(
                    "no git repository under {} (a repository is a directory with .git, or a bare clone); \
                     use `keylint scan` for plain directories",
                    root.display()
                )));
            }
            repos
        }
        (None, None) => return Err(Failure::Usage("give a ROOT directory or --repos FILE".into())),
    };
    crate::sweep::sorted_unique(repos).map_err(Failure::Usage)
}

/// Scans one repository and writes its findings to `part.jsonl`; the error is one line.
fn sweep_one(
    args: &SweepArgs,
    spec: &RepoSpec,
    cache: &Path,
    part: &Path,
    rules: &RuleCache,
) -> Result<RepoLine, String> {
    let path = match &spec.location {
        Location::Local(p) => p.clone(),
        Location::Url(url) => fetch::ensure_clone(url, &fetch::cache_dir(cache, &spec.name, url))?,
    };
    let bare = crate::source::git::check_repository(&path).map_err(|e| one_line(&e.to_string()))?;
    // A bare clone has no `.keylint.toml` on disk: the one at the root of HEAD is used.
    let mut config = args.rules.config.clone();
    if bare && config.is_none() && !args.rules.isolated {
        if let Some(bytes) = crate::source::git::head_file(&path, crate::config::FILE_NAME) {
            let copy = part.with_extension("keylint.toml");
            std::fs::write(&copy, bytes).map_err(|e| format!("cannot write {}: {e}", copy.display()))?;
            config = Some(copy);
        }
    }
    let scan_args = ScanArgs {
        paths: vec![path.clone()],
        rules: crate::cli::args::RuleSourceArgs { config, ..args.rules.clone() },
        fail_on: args.fail_on,
        exit_zero: args.exit_zero,
        no_ignore: args.no_ignore,
        no_hidden: args.no_hidden,
        exclude: args.exclude.clone(),
        max_file_size: args.max_file_size,
        today: args.today.clone(),
        history: args.history,
        since: args.since.clone(),
        all: args.all,
        no_fetch: args.no_fetch,
        no_policies: args.no_policies,
        quiet: true,
        repository: Some(spec.name.clone()),
        ..ScanArgs::default()
    };
    let failure = |f: Failure| match f {
        Failure::Usage(m) => one_line(&m),
        Failure::Io(e) => one_line(&e.to_string()),
        Failure::Rule(r) => one_line(&r.to_string()),
    };
    let mut plan = resolve(&scan_args).map_err(|e| failure(e.into()))?;
    if bare && matches!(plan.source, SourceMode::Tree) {
        plan.source = SourceMode::HeadTree;
    }
    check_rule_ids(&plan).map_err(failure)?;
    let (detectors, policies) = rules.get(&plan).map_err(failure)?;
    let (mut findings, mut summary) = scan_plan(&plan, &detectors, &policies).map_err(failure)?;
    super::baseline::apply(&plan, &mut findings, &mut summary).map_err(failure)?;
    let fails = !plan.exit_zero && findings.iter().any(|f| f.severity >= plan.fail_on);
    if let Some(dir) = &args.sarif_dir {
        write_sarif(dir, &spec.name, &findings, &summary, &detectors, &policies)?;
    }
    let findings = output::dedup(findings);
    write_part(&part.with_extension("jsonl"), &findings)?;
    let mut stats = RepoStats {
        repository: spec.name.clone(),
        files: summary.files_scanned,
        bytes: summary.bytes_scanned,
        commits: summary.commits_scanned,
        ..Default::default()
    };
    stats.count(&findings);
    Ok(RepoLine { stats, fails })
}

fn one_line(text: &str) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    crate::redact::sanitize_terminal(&line).into_owned()
}

fn write_part(path: &Path, findings: &[SweepFinding]) -> Result<(), String> {
    let write = || -> std::io::Result<()> {
        let mut w = BufWriter::new(std::fs::File::create(path)?);
        for f in findings {
            serde_json::to_writer(&mut w, f).map_err(std::io::Error::other)?;
            writeln!(w)?;
        }
        w.flush()
    };
    write().map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// `--sarif-dir`: the repository's findings (before merging duplicates: SARIF viewers show
/// each location) as `org__repo.sarif`.
fn write_sarif(
    dir: &Path,
    name: &str,
    findings: &[crate::diagnostic::Finding],
    summary: &Summary,
    detectors: &DetectorSet,
    policies: &PolicySet,
) -> Result<(), String> {
    let mut rules = rule_infos(detectors);
    rules.extend(policies.rule_infos());
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    let report = Report { findings, summary, rules: &rules, show_secrets: false, color: false, width: 80 };
    let path = dir.join(format!("{}.sarif", name.replace('/', "__")));
    let write = || -> std::io::Result<()> {
        let mut w = BufWriter::new(std::fs::File::create(&path)?);
        Sarif.write(&report, &mut w)?;
        w.flush()
    };
    write().map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Concatenates the per-repository files in repository order into `findings.jsonl`.
fn concatenate(parts: &Path, count: usize, out: &Path) -> std::io::Result<()> {
    let mut w = BufWriter::new(std::fs::File::create(out)?);
    for i in 0..count {
        match std::fs::File::open(parts.join(format!("{i:08}.jsonl"))) {
            Ok(mut f) => {
                std::io::copy(&mut f, &mut w)?;
            }
            // A repository that failed wrote nothing.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    w.flush()
}

/// Detectors and policies are compiled once per distinct rule configuration, not once per
/// repository: most repositories of an organisation share the defaults.
#[derive(Default)]
struct RuleCache {
    detectors: Mutex<HashMap<String, Arc<DetectorSet>>>,
    policies: Mutex<HashMap<String, Arc<PolicySet>>>,
}

impl RuleCache {
    fn get(&self, plan: &ScanPlan) -> Result<(Arc<DetectorSet>, Arc<PolicySet>), Failure> {
        let detector_key = format!("{:?}\u{0}{:?}", plan.rule_dirs, plan.disabled);
        let policy_key = match &plan.policy_config {
            // Relative `[policy] dirs` resolve against the config's directory.
            Some(table) if table.contains_key("dirs") => {
                format!("{:?}\u{0}{table}\u{0}{:?}", plan.rule_dirs, plan.config_dir)
            }
            Some(table) => format!("{:?}\u{0}{table}", plan.rule_dirs),
            None => format!("{:?}", plan.rule_dirs),
        };
        let detectors = {
            let cached = self.detectors.lock().ok().and_then(|m| m.get(&detector_key).cloned());
            match cached {
                Some(d) => d,
                None => {
                    let d = Arc::new(load_detectors(&plan.rule_dirs, &plan.disabled)?);
                    if let Ok(mut m) = self.detectors.lock() {
                        bound(&mut m);
                        m.insert(detector_key, Arc::clone(&d));
                    }
                    d
                }
            }
        };
        let policies = {
            let cached = self.policies.lock().ok().and_then(|m| m.get(&policy_key).cloned());
            match cached {
                Some(p) => p,
                None => {
                    let p = Arc::new(load_policies(&plan.rule_dirs, plan.policy_config.as_ref(), &plan.config_dir)?);
                    if let Ok(mut m) = self.policies.lock() {
                        bound(&mut m);
                        m.insert(policy_key, Arc::clone(&p));
                    }
                    p
                }
            }
        };
        Ok((detectors, policies))
    }
}

/// Rule configurations kept compiled at once: an organisation where every repository has a
/// config of its own must not hold hundreds of rule sets.
const RULE_CACHE_MAX: usize = 16;

fn bound<T>(map: &mut HashMap<String, T>) {
    if map.len() >= RULE_CACHE_MAX {
        map.clear();
    }
}

/// Progress on stderr: a bar on a terminal (done/total, current repository, findings so far,
/// ETA), one line per finished repository otherwise, nothing with `-q`.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    plain: bool,
    total: u64,
    done: AtomicU64,
    findings: AtomicU64,
}

impl Progress {
    fn new(total: u64, quiet: bool) -> Progress {
        let terminal = std::io::stderr().is_terminal();
        let bar = (!quiet && terminal).then(|| {
            let bar = indicatif::ProgressBar::with_draw_target(Some(total), indicatif::ProgressDrawTarget::stderr());
            let style = indicatif::ProgressStyle::with_template(
                "{bar:30} {pos}/{len} repositories, {prefix} findings, ETA {eta} {wide_msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
            bar.set_style(style);
            bar.set_prefix("0");
            bar.enable_steady_tick(std::time::Duration::from_millis(200));
            bar
        });
        Progress { bar, plain: !quiet && !terminal, total, done: AtomicU64::new(0), findings: AtomicU64::new(0) }
    }

    fn started(&self, name: &str) {
        if let Some(bar) = &self.bar {
            bar.set_message(crate::redact::sanitize_terminal(name).into_owned());
        }
    }

    fn finished(&self, stats: &RepoStats) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        let findings = self.findings.fetch_add(stats.findings, Ordering::Relaxed) + stats.findings;
        let name = crate::redact::sanitize_terminal(&stats.repository);
        if let Some(bar) = &self.bar {
            bar.set_prefix(findings.to_string());
            bar.inc(1);
        } else if self.plain {
            let what = match &stats.error {
                Some(e) => format!("error: {e}"),
                None => format!("{} finding{}", stats.findings, if stats.findings == 1 { "" } else { "s" }),
            };
            eprintln!("keylint: [{done}/{}] {name}: {what}", self.total);
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
