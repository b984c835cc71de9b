//! The commands: wire plan → sources → pipeline → filters → reporter, and map outcomes to
//! exit codes (spec/output.md: 0 clean, 1 findings at or above the threshold, 2 could not run).

use super::args::{BaselineCommand, Cli, Command, Format, RuleSourceArgs, RulesCommand, ScanArgs};
use super::plan::{resolve, PlanError, ScanPlan, SourceMode};
use crate::detect::{DetectorSet, RuleSource};
use crate::diagnostic::{redact, redact_line, Finding};
use crate::policy::{parse_date, Date, PolicyChecker, PolicyConfig, PolicySet};
use crate::report::{
    github::Github, human::HumanReporter, json::JsonReporter, jsonl::JsonlReporter, sarif::Sarif, Report, Reporter,
    RuleInfo, Summary,
};
use crate::rules_error::RuleError;
use crate::scan::{scan, ScanContext};
use crate::source::git::{self, HistoryOptions, SourceError};
use crate::source::{file, stdin, walk, Artifact};
use std::collections::BTreeSet;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Exit codes.
pub const EXIT_CLEAN: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

/// Runs a parsed command line; returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    let outcome = match cli.command {
        Command::Scan(args) => run_scan(&args),
        Command::Sweep(args) => super::sweep::run_sweep(&args),
        Command::Merge(args) => super::sweep::run_merge(&args),
        Command::Rules { command: RulesCommand::List { rules, json } } => list_rules(&rules, json),
        Command::Rules { command: RulesCommand::Test { dir } } => test_rules(dir.as_deref()),
        Command::Rules { command: RulesCommand::Keywords { rules } } => rule_source_detectors(&rules).map(|d| {
            let mut out = std::io::stdout().lock();
            for k in d.keywords() {
                let _ = writeln!(out, "{k}");
            }
            EXIT_CLEAN
        }),
        Command::Explain { rule, rules } => explain(&rule, &rules),
        Command::Baseline { command: BaselineCommand::Create(args) } => create_baseline(&args.scan_args()),
        Command::Completions { shell } => {
            // Rendered into memory first: clap_complete panics on a write error (`| head`).
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut <Cli as clap::CommandFactory>::command(), "keylint", &mut script);
            print_bytes(&script)
        }
        Command::Usage(args) => super::usage::run_usage(&args),
        Command::Man => {
            let mut page = Vec::new();
            match clap_mangen::Man::new(<Cli as clap::CommandFactory>::command()).render(&mut page) {
                Ok(()) => print_bytes(&page),
                Err(e) => Err(Failure::Io(e)),
            }
        }
    };
    match outcome {
        Ok(code) => code,
        Err(failure) => {
            report_failure(failure);
            EXIT_ERROR
        }
    }
}

/// Writes to stdout; a closed pipe is not an error.
pub(super) fn print_bytes(bytes: &[u8]) -> Result<i32, Failure> {
    match std::io::stdout().lock().write_all(bytes) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Failure::Io(e)),
        _ => Ok(EXIT_CLEAN),
    }
}

/// Why a command could not run.
pub enum Failure {
    Usage(String),
    Rule(RuleError),
    Io(std::io::Error),
}

impl From<PlanError> for Failure {
    fn from(e: PlanError) -> Self {
        match e {
            PlanError::Usage(m) => Failure::Usage(m),
            PlanError::Rule(r) => Failure::Rule(r),
        }
    }
}

impl From<RuleError> for Failure {
    fn from(e: RuleError) -> Self {
        Failure::Rule(e)
    }
}

fn report_failure(failure: Failure) {
    let mut err = std::io::stderr();
    match failure {
        Failure::Usage(m) => {
            let _ = writeln!(err, "error: {m}");
        }
        Failure::Io(e) => {
            let _ = writeln!(err, "error: {e}");
        }
        Failure::Rule(r) => {
            let report = miette::Report::new(r);
            let _ = writeln!(err, "{report:?}");
        }
    }
}

/// Rule files (`*.yaml`, `*.yml`) under the user rule directories, sorted.
fn rule_files(dirs: &[PathBuf]) -> Result<Vec<(PathBuf, String)>, Failure> {
    let mut out = Vec::new();
    for dir in dirs {
        if !dir.is_dir() {
            return Err(Failure::Usage(format!("rule directory `{}` does not exist", dir.display())));
        }
        let mut stack = vec![dir.clone()];
        // Directories by canonical path: a symlink loop in a rule directory ends here.
        let mut seen = BTreeSet::new();
        while let Some(d) = stack.pop() {
            if !seen.insert(d.canonicalize().unwrap_or_else(|_| d.clone())) {
                continue;
            }
            let entries = std::fs::read_dir(&d)
                .map_err(|e| Failure::Usage(format!("cannot read rule directory `{}`: {e}", d.display())))?;
            for entry in entries.flatten() {
                let p = entry.path();
                if p.is_dir() {
                    stack.push(p);
                } else if matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")) {
                    let text = file::read_text(&p, file::RULE_FILE_MAX)
                        .map_err(|e| Failure::Usage(format!("rule file `{}` {e}", p.display())))?;
                    crate::rules_error::check_yaml_nesting(&p.display().to_string(), &text)?;
                    out.push((p, text));
                }
            }
        }
    }
    out.sort();
    Ok(out)
}

/// A detector file has a top-level `rules:` list; anything else in a rule dir is a policy file.
fn is_detector_file(text: &str) -> bool {
    text.lines().any(|l| l.starts_with("rules:"))
}

pub(super) fn load_detectors(dirs: &[PathBuf], disabled: &BTreeSet<String>) -> Result<DetectorSet, Failure> {
    let sources: Vec<RuleSource> = rule_files(dirs)?
        .into_iter()
        .filter(|(_, text)| is_detector_file(text))
        .map(|(p, text)| RuleSource { origin: p.display().to_string(), text })
        .collect();
    Ok(DetectorSet::load(&sources, disabled)?)
}

fn run_scan(args: &ScanArgs) -> Result<i32, Failure> {
    let started = Instant::now();
    let plan = resolve(args)?;
    check_rule_ids(&plan)?;
    let detectors = load_detectors(&plan.rule_dirs, &plan.disabled)?;
    let policies = load_policies(&plan.rule_dirs, plan.policy_config.as_ref(), &plan.config_dir)?;
    // A progress line on stderr, only on a terminal and only once the run has lasted a second
    // (KEYLINT_PROGRESS_AFTER_MS changes the delay, for tests).
    let delay = std::env::var("KEYLINT_PROGRESS_AFTER_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(1000);
    let progress = crate::progress::Progress::start(
        std::io::stderr().is_terminal() && !plan.quiet,
        std::time::Duration::from_millis(delay),
    );
    let scanned = scan_plan(&plan, &detectors, &policies);
    progress.finish();
    let (mut findings, mut summary) = scanned?;
    if plan.verbose {
        report_skipped(&plan, &summary);
    }
    super::baseline::apply(&plan, &mut findings, &mut summary)?;
    finish_summary(&mut summary, &findings, started);
    let mut rules = rule_infos(&detectors);
    rules.extend(policies.rule_infos());
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    write_report(&plan, &findings, &summary, &rules)?;
    Ok(exit_code(&plan, &findings))
}

/// Every rule id keylint knows — built-in and user detector and policy files, read as text
/// (cheap, and disabled rules count too) — plus the diagnostics the pipeline emits itself.
fn known_rule_ids(rule_dirs: &[PathBuf]) -> Result<BTreeSet<String>, Failure> {
    let mut ids: BTreeSet<String> = builtin_diagnostic_rules().into_iter().map(|r| r.id).collect();
    let user = rule_files(rule_dirs)?;
    // Usage files and the applications table have ids too, but they are no rules to disable.
    let is_rule_file = |p: &str| !p.starts_with("usage/") && !p.contains("/usage/");
    let texts = crate::rules_embedded::RULE_FILES
        .iter()
        .filter(|(p, _, _)| is_rule_file(p))
        .map(|(_, yaml, _)| *yaml)
        .chain(user.iter().filter(|(p, _)| is_rule_file(&p.to_string_lossy())).map(|(_, t)| t.as_str()));
    for text in texts {
        for line in text.lines() {
            let line = line.trim_start().trim_start_matches("- ");
            if let Some(id) = line.strip_prefix("id:") {
                ids.insert(id.trim().trim_matches(['"', '\'']).to_string());
            }
        }
    }
    Ok(ids)
}

/// `[rules] disable` and `[rules.severity]` must name rules that exist: a typo would otherwise
/// silently keep a rule on (or at its severity). The error points at the id in the config file.
pub(super) fn check_rule_ids(plan: &ScanPlan) -> Result<(), Failure> {
    let named: Vec<(&str, &str)> = plan
        .disabled
        .iter()
        .map(|id| (id.as_str(), "[rules] disable"))
        .chain(plan.severity.keys().map(|id| (id.as_str(), "[rules.severity]")))
        .collect();
    if named.is_empty() {
        return Ok(());
    }
    let known = known_rule_ids(&plan.rule_dirs)?;
    let Some((id, table)) = named.into_iter().find(|(id, _)| !known.contains(*id)) else { return Ok(()) };
    let hint = crate::suggest::closest(id, known.iter().map(String::as_str), |k| 3.max(k.len() / 4))
        .map(|s| format!("did you mean `{s}`? "))
        .unwrap_or_default();
    let (origin, text) = match &plan.config_path {
        Some(p) => (p.display().to_string(), std::fs::read_to_string(p).unwrap_or_default()),
        None => (".keylint.toml".to_string(), String::new()),
    };
    let offset =
        [format!("\"{id}\""), format!("'{id}'"), id.to_string()].iter().find_map(|needle| text.find(needle.as_str()));
    Err(Failure::Rule(
        RuleError::new(&origin, &text, offset, format!("unknown rule id `{id}` in {table}"))
            .with_help(format!("{hint}see `keylint rules list`")),
    ))
}

/// Built-in policies plus the policy files in the rule directories, configured by `[policy]`.
pub(super) fn load_policies(
    rule_dirs: &[PathBuf],
    table: Option<&toml::Table>,
    config_dir: &Path,
) -> Result<PolicySet, Failure> {
    let mut config = match table {
        Some(t) => PolicyConfig::from_table(t).map_err(|e| {
            RuleError::new(".keylint.toml", "", None, e).with_help("see rules/README.md, `.keylint.toml`")
        })?,
        None => PolicyConfig::default(),
    };
    config.dirs = config.dirs.map(|dirs| dirs.into_iter().map(|d| config_dir.join(d)).collect());
    Ok(PolicySet::load(rule_dirs, &config)?)
}

fn rule_source_policies(args: &RuleSourceArgs) -> Result<PolicySet, Failure> {
    let cwd = std::env::current_dir().map_err(Failure::Io)?;
    let loaded = crate::config::LoadedConfig::load_with(args.config.as_deref(), &cwd, args.isolated)?;
    let mut dirs = loaded.rule_dirs();
    dirs.extend(args.rule_dirs.iter().cloned());
    load_policies(&dirs, loaded.config.policy.as_ref(), &loaded.base_dir)
}

/// `keylint baseline create`: scan as `scan` would and record every finding's fingerprint.
fn create_baseline(args: &ScanArgs) -> Result<i32, Failure> {
    let plan = resolve(args)?;
    check_rule_ids(&plan)?;
    let detectors = load_detectors(&plan.rule_dirs, &plan.disabled)?;
    let policies = load_policies(&plan.rule_dirs, plan.policy_config.as_ref(), &plan.config_dir)?;
    let (findings, _) = scan_plan(&plan, &detectors, &policies)?;
    super::baseline::create(&plan, &findings)?;
    Ok(EXIT_CLEAN)
}

/// Runs the pipeline over the plan's source: sorted findings (severity overrides applied) and
/// the summary.
pub(super) fn scan_plan(
    plan: &ScanPlan,
    detectors: &DetectorSet,
    policies: &PolicySet,
) -> Result<(Vec<Finding>, Summary), Failure> {
    if plan.threads > 0 {
        // Ignore the error: a global pool may already exist (tests calling twice).
        let _ = rayon::ThreadPoolBuilder::new().num_threads(plan.threads).build_global();
    }
    let today = match &plan.today {
        Some(t) => parse_date(t).map_err(|e| Failure::Usage(format!("--today: {e}")))?,
        None => Date::today(),
    };
    let checker = match plan.source {
        SourceMode::History { .. } | SourceMode::Commits { .. } => PolicyChecker::per_file(policies, today),
        SourceMode::Tree => PolicyChecker::new(policies, today).with_usage(),
        _ => PolicyChecker::new(policies, today),
    };
    let ctx = ScanContext::new(
        detectors,
        plan.policies.then_some(&checker as &dyn crate::scan::DeclarationChecker),
        plan.max_file_size,
        plan.show_secrets,
    )
    .with_allow_markers(&plan.allow_markers);
    let (mut findings, summary) = match &plan.source {
        SourceMode::History { since, branches, all } => {
            let options = HistoryOptions {
                since: since.clone(),
                branches: branches.clone(),
                all: *all,
                chunk_bytes: 0,
                paths: pathspec(plan)?,
                blobs: blob_policy(plan),
            };
            super::history::scan_history(git_root(plan), &options, &plan.exclude, &ctx)?
        }
        SourceMode::Commits { range } => {
            let (base, head) = super::history::commit_range(git_root(plan), range)?;
            let options = HistoryOptions {
                since: Some(base),
                branches: vec![head],
                all: false,
                chunk_bytes: 0,
                paths: pathspec(plan)?,
                blobs: blob_policy(plan),
            };
            super::history::scan_history(git_root(plan), &options, &plan.exclude, &ctx)?
        }
        _ => scan(&collect_artifacts(plan)?, &ctx),
    };
    // `[rules] disable` names detectors and policies alike.
    findings.retain(|f| !plan.disabled.contains(&f.rule));
    apply_severity_overrides(plan, &mut findings);
    super::location::add_location(&plan.source, &mut findings);
    if let Some(name) = &plan.repository {
        for f in &mut findings {
            f.repository = Some(name.clone());
        }
    }
    Ok((findings, summary))
}

/// `-v`: every file not scanned, with the reason, on stderr, sorted by path. Files the walk never
/// yields (ignored, hidden, excluded) are found by walking again with nothing filtered.
fn report_skipped(plan: &ScanPlan, summary: &crate::report::Summary) {
    let mut skipped: Vec<(String, String)> = summary.skipped_files.clone();
    if matches!(plan.source, SourceMode::Tree) {
        let nothing = globset::GlobSet::empty();
        let all = walk::WalkOptions { hidden: true, no_ignore: true, exclude: &nothing, threads: 1 };
        let scanned =
            walk::WalkOptions { hidden: plan.hidden, no_ignore: plan.no_ignore, exclude: &plan.exclude, threads: 1 };
        let kept: BTreeSet<String> =
            walk::walk(&plan.roots, &plan.base, &scanned).into_iter().map(|a| a.path).collect();
        for a in walk::walk(&plan.roots, &plan.base, &all) {
            if kept.contains(&a.path) {
                continue;
            }
            let hidden = a.path.split('/').any(|part| part.starts_with('.'));
            let reason = if plan.exclude.is_match(&a.path) {
                "excluded"
            } else if hidden && !plan.hidden {
                "hidden"
            } else {
                "ignored by .gitignore/.ignore"
            };
            skipped.push((a.path, reason.to_string()));
        }
    }
    skipped.sort();
    let mut err = std::io::stderr().lock();
    for (path, reason) in skipped {
        let _ = writeln!(err, "keylint: skipped {path} ({reason})");
    }
}

/// The repository a git source reads: the first path given (default `.`).
fn git_root(plan: &ScanPlan) -> &Path {
    git::repo_dir(plan.roots.first().map_or(Path::new("."), PathBuf::as_path))
}

fn source_failure(e: SourceError) -> Failure {
    Failure::Usage(e.to_string())
}

/// Keeps the git artifacts under the paths given on the command line and not excluded.
fn in_pathspec(plan: &ScanPlan, artifacts: Result<Vec<Artifact>, SourceError>) -> Result<Vec<Artifact>, Failure> {
    let mut artifacts = artifacts.map_err(source_failure)?;
    let pathspec = pathspec(plan)?;
    // `[scan] exclude` / `--exclude` hold in git sources as in the working tree.
    artifacts.retain(|a| pathspec.matches(&a.path) && !plan.exclude.is_match(&a.path));
    Ok(artifacts)
}

fn pathspec(plan: &ScanPlan) -> Result<git::Pathspec, Failure> {
    if plan.paths_given {
        git::Pathspec::new(&plan.roots).map_err(source_failure)
    } else {
        Ok(git::Pathspec::default())
    }
}

pub(super) fn collect_artifacts(plan: &ScanPlan) -> Result<Vec<Artifact>, Failure> {
    match &plan.source {
        SourceMode::Tree => {
            let threads = if plan.threads > 0 {
                plan.threads
            } else {
                std::thread::available_parallelism().map_or(2, |n| n.get())
            };
            let opts =
                walk::WalkOptions { hidden: plan.hidden, no_ignore: plan.no_ignore, exclude: &plan.exclude, threads };
            Ok(walk::walk(&plan.roots, &plan.base, &opts))
        }
        SourceMode::HeadTree => in_pathspec(plan, git::head_tree(git_root(plan), &blob_policy(plan))),
        SourceMode::Stdin { name } => Ok(vec![stdin::stdin(name, plan.max_file_size).map_err(source_failure)?]),
        SourceMode::Staged => in_pathspec(
            plan,
            git::staged_with(git_root(plan), std::env::var_os("GIT_INDEX_FILE").map(PathBuf::from), &blob_policy(plan)),
        ),
        SourceMode::Diff { range } => {
            in_pathspec(plan, git::diff_range_with(git_root(plan), range, &blob_policy(plan)))
        }
        SourceMode::History { since, branches, all } => {
            git::history(git_root(plan), since.as_deref(), branches, *all).map_err(source_failure)
        }
        SourceMode::Commits { range } => {
            let (base, head) = super::history::commit_range(git_root(plan), range)?;
            git::history(git_root(plan), Some(&base), &[head], false).map_err(source_failure)
        }
    }
}

/// Git blobs: never inflated above the size limit; fetched in a partial clone unless
/// `--no-fetch`.
fn blob_policy(plan: &ScanPlan) -> git::BlobPolicy {
    git::BlobPolicy { max_size: plan.max_file_size, fetch_missing: plan.fetch_missing }
}

fn apply_severity_overrides(plan: &ScanPlan, findings: &mut [Finding]) {
    if plan.severity.is_empty() {
        return;
    }
    for f in findings {
        if let Some(s) = plan.severity.get(&f.rule) {
            f.severity = *s;
        }
    }
}

fn finish_summary(summary: &mut Summary, findings: &[Finding], started: Instant) {
    summary.findings = findings.len() as u64;
    summary.by_severity.clear();
    for f in findings {
        *summary.by_severity.entry(f.severity.as_str().to_string()).or_default() += 1;
    }
    summary.elapsed_ms = started.elapsed().as_millis() as u64;
}

pub(super) fn rule_infos(detectors: &DetectorSet) -> Vec<RuleInfo> {
    let mut infos: Vec<RuleInfo> = detectors
        .rules
        .iter()
        .map(|r| RuleInfo {
            id: r.spec.id.clone(),
            category: "secret".into(),
            severity: r.spec.severity,
            exchange: r.exchange.map(|e| detectors.exchanges.exchanges[e].slug.clone()),
            description: r.spec.description.clone(),
            help: r.spec.help.clone(),
        })
        .collect();
    infos.extend(builtin_diagnostic_rules());
    infos.sort_by(|a, b| a.id.cmp(&b.id));
    infos
}

/// Rules the pipeline itself emits.
fn builtin_diagnostic_rules() -> Vec<RuleInfo> {
    use crate::diagnostic::Severity;
    [
        (
            "io-error",
            "io",
            Severity::Error,
            "A file could not be read",
            "check its permissions; keylint could not scan it",
        ),
        ("parse-error", "parse", Severity::Error, "A file could not be parsed", "fix the syntax error"),
        (
            "internal-error",
            "io",
            Severity::Error,
            "keylint failed on a file (a bug) and did not finish scanning it",
            "report the bug; the file may hold secrets",
        ),
        (
            "unused-suppression",
            "config",
            Severity::Note,
            "A keylint:allow comment silences nothing",
            "remove the comment or fix the rule id",
        ),
    ]
    .into_iter()
    .map(|(id, cat, sev, desc, help)| RuleInfo {
        id: id.into(),
        category: cat.into(),
        severity: sev,
        exchange: None,
        description: desc.into(),
        help: help.into(),
    })
    .collect()
}

fn write_report(plan: &ScanPlan, findings: &[Finding], summary: &Summary, rules: &[RuleInfo]) -> Result<(), Failure> {
    let to_terminal = plan.output.is_none() && std::io::stdout().is_terminal();
    let env = |name: &str| std::env::var(name).ok();
    let color = super::terminal::use_color(plan.color, &env, to_terminal);
    let columns = if to_terminal { super::terminal::stdout_columns() } else { None };
    let width = super::terminal::width(columns, &env);
    let report = Report { findings, summary, rules, show_secrets: plan.show_secrets, color, width };
    let reporter: Box<dyn Reporter> = match plan.format {
        Format::Human => Box::new(HumanReporter { summary: !plan.quiet }),
        Format::Json => Box::new(JsonReporter),
        Format::Jsonl => Box::new(JsonlReporter),
        Format::Sarif => Box::new(Sarif),
        Format::Github => Box::new(Github),
    };
    if plan.format == Format::Github {
        crate::report::github::write_actions_files(&report).map_err(Failure::Io)?;
    }
    if let Some(path) = &plan.sarif_output {
        let file = std::fs::File::create(path).map_err(Failure::Io)?;
        let mut w = std::io::BufWriter::new(file);
        Sarif.write(&report, &mut w).and_then(|_| w.flush()).map_err(Failure::Io)?;
    }
    let result = match &plan.output {
        Some(path) => {
            let file = std::fs::File::create(path).map_err(Failure::Io)?;
            let mut w = std::io::BufWriter::new(file);
            reporter.write(&report, &mut w).and_then(|_| w.flush())
        }
        None => {
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::new(stdout.lock());
            reporter.write(&report, &mut w).and_then(|_| w.flush())
        }
    };
    match result {
        // A closed pipe (`keylint scan | head`) is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(Failure::Io),
    }
}

fn exit_code(plan: &ScanPlan, findings: &[Finding]) -> i32 {
    if !plan.exit_zero && findings.iter().any(|f| f.severity >= plan.fail_on) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

fn rule_source_detectors(args: &RuleSourceArgs) -> Result<DetectorSet, Failure> {
    let cwd = std::env::current_dir().map_err(Failure::Io)?;
    let loaded = crate::config::LoadedConfig::load_with(args.config.as_deref(), &cwd, args.isolated)?;
    let mut dirs = loaded.rule_dirs();
    dirs.extend(args.rule_dirs.iter().cloned());
    let disabled: BTreeSet<String> = loaded.config.rules.disable.iter().cloned().collect();
    load_detectors(&dirs, &disabled)
}

fn list_rules(args: &RuleSourceArgs, json: bool) -> Result<i32, Failure> {
    let detectors = rule_source_detectors(args)?;
    let mut infos = rule_infos(&detectors);
    infos.extend(rule_source_policies(args)?.rule_infos());
    infos.sort_by(|a, b| a.id.cmp(&b.id));
    let mut out = std::io::stdout().lock();
    let written = if json {
        serde_json::to_writer_pretty(&mut out, &infos).map_err(std::io::Error::other).and_then(|_| writeln!(out))
    } else {
        infos.iter().try_for_each(|r| {
            writeln!(
                out,
                "{:<32} {:<8} {:<8} {:<12} {}",
                r.id,
                r.category,
                r.severity.as_str(),
                r.exchange.as_deref().unwrap_or("-"),
                r.description
            )
        })
    };
    match written {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Failure::Io(e)),
        _ => Ok(EXIT_CLEAN),
    }
}

fn explain(id: &str, args: &RuleSourceArgs) -> Result<i32, Failure> {
    let detectors = rule_source_detectors(args)?;
    let policies = rule_source_policies(args)?;
    if let Some(text) = policies.explain(id) {
        let _ = std::io::stdout().lock().write_all(text.as_bytes());
        return Ok(EXIT_CLEAN);
    }
    let Some(rule) = detectors.rules.iter().find(|r| r.spec.id == id) else {
        let mut known: Vec<&str> = detectors.rules.iter().map(|r| r.spec.id.as_str()).collect();
        known.extend(policies.policies.iter().map(|p| p.id()));
        let hint = crate::suggest::closest(id, known.iter().copied(), |k| 3.max(k.len() / 4))
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        return Err(Failure::Usage(format!("unknown rule `{id}`{hint}; see `keylint rules list`")));
    };
    let s = &rule.spec;
    let exchange = rule.exchange.map(|e| &detectors.exchanges.exchanges[e]);
    let mut text = String::new();
    text.push_str(&format!("{}\n\n", s.id));
    text.push_str(&format!("What it detects: {}", s.description));
    if let Some(ex) = exchange {
        text.push_str(&format!(" ({} credential part `{}`)", ex.name, s.part.as_str()));
    }
    text.push_str(&format!(
        "\nSeverity: {}\nMatching: {:?}; value pattern `{}`\n",
        s.severity.as_str(),
        s.mode,
        s.value
    ));
    text.push_str(
        "\nWhy it matters: an exchange API credential is a bearer credential with money behind it; anyone who \
         reads the repository or its history can trade, and with withdraw permission move funds.\n",
    );
    text.push_str(&format!("\nHow to fix: {}\n", s.help));
    if let Some(docs) = exchange.and_then(|e| e.docs.as_ref()) {
        text.push_str(&format!("Exchange docs: {docs}\n"));
    }
    if !s.examples.is_empty() {
        text.push_str("\nFound (example values redacted):\n");
        let passphrase = s.part == crate::detect::rules::Part::Passphrase;
        for e in &s.examples {
            // The example's own value is masked exactly (a word-like passphrase would pass for a
            // name); any other long token on the line by shape.
            let masked = if e.value.is_empty() {
                e.text.clone()
            } else {
                e.text.replace(&e.value, &redact(&e.value, passphrase))
            };
            for line in masked.lines() {
                text.push_str(&format!("    {}\n", redact_line(line)));
            }
        }
    }
    if !s.negative_examples.is_empty() {
        text.push_str("\nNot reported:\n");
        for e in &s.negative_examples {
            for line in e.text().lines() {
                text.push_str(&format!("    {}\n", redact_line(line)));
            }
        }
    }
    text.push_str(&format!("\nSuppress one occurrence with a comment: keylint:allow {} -- reason\n", s.id));
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    Ok(EXIT_CLEAN)
}

fn test_rules(dir: Option<&Path>) -> Result<i32, Failure> {
    let dirs: Vec<PathBuf> = dir.map(|d| vec![d.to_path_buf()]).unwrap_or_default();
    let detectors = load_detectors(&dirs, &BTreeSet::new())?;
    let mut failures = detectors.run_examples(dir.is_some());
    let mut tested = detectors.rules.iter().filter(|r| dir.is_none() || !r.builtin).count();
    let policies = PolicySet::load(&dirs, &PolicyConfig::default())?;
    // Usage files: the built-ins' examples, or with a DIR only those of its `usage/` files.
    let usage = &policies.usage_rules;
    failures.extend(usage.run_examples(&policies.table, |builtin| builtin != dir.is_some()));
    tested += usage.builtin.iter().filter(|b| **b != dir.is_some()).count();
    if dir.is_some() {
        failures.extend(policies.run_user_examples());
        tested += policies.policies.iter().filter(|p| !p.builtin).count();
    } else {
        failures.extend(policies.run_examples());
        tested += policies.policies.len();
        let vocabulary = crate::bindings::names::Vocabulary::load().map_err(Failure::from)?;
        failures.extend(vocabulary.run_examples());
        tested += 1;
    }
    let mut out = std::io::stdout().lock();
    for f in &failures {
        let _ = writeln!(out, "FAIL {f}");
    }
    let _ = writeln!(out, "{} rules tested, {} failures", tested, failures.len());
    Ok(if failures.is_empty() { EXIT_CLEAN } else { EXIT_FINDINGS })
}
