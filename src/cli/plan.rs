//! Resolves flags + `.keylint.toml` into one `ScanPlan` (defaults ◁ file ◁ command line).
//! Nothing after this point reads clap types.

use super::args::{ColorChoice, FailOn, Format, ScanArgs};
use crate::config::LoadedConfig;
use crate::diagnostic::Severity;
use crate::rules_error::RuleError;
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// Where the artifacts come from.
#[derive(Debug, Clone)]
pub enum SourceMode {
    Tree,
    /// The tree of `HEAD` from the object database (`sweep` of a bare clone: no working tree).
    HeadTree,
    Stdin {
        name: String,
    },
    Staged,
    /// `BASE`, `BASE..HEAD` or `BASE...HEAD` (parsed by `source::git::DiffRange`).
    Diff {
        range: String,
    },
    History {
        since: Option<String>,
        branches: Vec<String>,
        all: bool,
    },
    /// `BASE..HEAD`: every commit reachable from HEAD but not from BASE (a pull request's or a
    /// push's own commits), scanned like history: a key added then removed inside the range is
    /// found, at the commit that added it.
    Commits {
        range: String,
    },
}

#[derive(Debug)]
pub struct ScanPlan {
    pub roots: Vec<PathBuf>,
    /// Paths were given on the command line (in git modes they limit the scan, like a pathspec;
    /// without them the whole repository is scanned, as `git diff` does from a subdirectory).
    pub paths_given: bool,
    /// Paths in output are relative to this directory.
    pub base: PathBuf,
    pub source: SourceMode,
    pub format: Format,
    pub output: Option<PathBuf>,
    pub color: Option<ColorChoice>,
    pub fail_on: Severity,
    pub exit_zero: bool,
    pub show_secrets: bool,
    pub hidden: bool,
    pub no_ignore: bool,
    pub exclude: GlobSet,
    pub threads: usize,
    pub max_file_size: u64,
    pub today: Option<String>,
    pub rule_dirs: Vec<PathBuf>,
    pub disabled: BTreeSet<String>,
    pub severity: BTreeMap<String, Severity>,
    /// `[rules] allow_markers`.
    pub allow_markers: Vec<String>,
    pub policies: bool,
    pub policy_config: Option<toml::Table>,
    /// Directory of the config file (relative `[policy] dirs` resolve against it).
    pub config_dir: PathBuf,
    /// The config file read, if any (its rule ids are checked against the known rules).
    pub config_path: Option<PathBuf>,
    pub baseline: Option<PathBuf>,
    /// Also write SARIF here (`--sarif-output`).
    pub sarif_output: Option<PathBuf>,
    pub quiet: bool,
    /// `-v`: list skipped files on stderr.
    pub verbose: bool,
    pub repository: Option<String>,
    /// Fetch the blobs a partial clone lacks (off with `--no-fetch`).
    pub fetch_missing: bool,
}

/// A flag or config problem: exit 2.
#[derive(Debug)]
pub enum PlanError {
    Usage(String),
    Rule(RuleError),
}

impl From<RuleError> for PlanError {
    fn from(e: RuleError) -> Self {
        PlanError::Rule(e)
    }
}

pub fn resolve(args: &ScanArgs) -> Result<ScanPlan, PlanError> {
    let cwd = std::env::current_dir().map_err(|e| PlanError::Usage(format!("no current directory: {e}")))?;
    let stdin = args.paths.iter().any(|p| p.as_os_str() == "-");
    let roots: Vec<PathBuf> =
        if args.paths.is_empty() || stdin { vec![PathBuf::from(".")] } else { args.paths.clone() };
    for root in &roots {
        match std::fs::metadata(root) {
            Err(_) if !root.exists() => {
                return Err(PlanError::Usage(format!("path `{}` does not exist", root.display())));
            }
            Err(e) => return Err(PlanError::Usage(format!("cannot read `{}`: {e}", root.display()))),
            // A FIFO, socket or device would scan nothing (or block): say so instead of exit 0.
            Ok(m) if !m.is_dir() => {
                if let Some(what) = crate::source::file::kind_of(m.file_type()) {
                    return Err(PlanError::Usage(format!(
                        "`{}` is {what}: keylint scans files and directories (pipe into `keylint scan -` to scan a stream)",
                        crate::source::path::path_text(root)
                    )));
                }
            }
            Ok(_) => {}
        }
    }
    // The config is looked for from the one directory scanned (else the cwd).
    let scan_dir = if roots.len() == 1 && roots[0].is_dir() { roots[0].clone() } else { cwd.clone() };
    let loaded = LoadedConfig::load_with(args.rules.config.as_deref(), &scan_dir, args.rules.isolated)?;
    let file = &loaded.config;
    // Paths in output are relative to the repository root in every mode (annotations and SARIF
    // resolve them against it; git modes read them from git); outside git, to the directory
    // scanned, or to the cwd for files and several paths.
    let (roots, base) = match repository_root(&roots) {
        Some((canonical, root)) if !stdin => (canonical, root),
        _ => (roots, scan_dir),
    };

    let mut exclude = GlobSetBuilder::new();
    for pattern in file.scan.exclude.iter().chain(&args.exclude) {
        let glob = Glob::new(pattern).map_err(|e| PlanError::Usage(format!("bad exclude glob `{pattern}`: {e}")))?;
        exclude.add(glob);
    }
    let exclude = exclude.build().map_err(|e| PlanError::Usage(e.to_string()))?;

    let fail_on = match (args.fail_on, &file.output.fail_on) {
        (Some(FailOn::Error), _) => Severity::Error,
        (Some(FailOn::Warning), _) => Severity::Warning,
        (Some(FailOn::Note), _) => Severity::Note,
        (None, Some(s)) => s.parse().map_err(PlanError::Usage)?,
        (None, None) => Severity::Warning,
    };
    let source = if stdin {
        SourceMode::Stdin { name: args.stdin_filename.clone().unwrap_or_else(|| "<stdin>".into()) }
    } else if args.staged {
        SourceMode::Staged
    } else if let Some(range) = &args.diff {
        SourceMode::Diff { range: range.clone() }
    } else if let Some(range) = &args.commits {
        SourceMode::Commits { range: range.clone() }
    } else if args.history {
        SourceMode::History { since: args.since.clone(), branches: args.branch.clone(), all: args.all }
    } else {
        SourceMode::Tree
    };
    if let Some(today) = &args.today {
        if crate::date::parse_date(today).is_err() {
            return Err(PlanError::Usage(format!("--today `{today}` is not a date (YYYY-MM-DD)")));
        }
    }
    let mut rule_dirs = loaded.rule_dirs();
    rule_dirs.extend(args.rules.rule_dirs.iter().cloned());
    let threads = args.threads.unwrap_or(0);
    Ok(ScanPlan {
        paths_given: !args.paths.is_empty() && !stdin,
        roots,
        base,
        source,
        format: args.format.unwrap_or(Format::Human),
        output: args.output.clone(),
        color: args.color,
        fail_on,
        exit_zero: args.exit_zero,
        show_secrets: args.show_secrets,
        // Unlike ripgrep, hidden files are scanned by default: `.env` and `.github/` hold keys.
        hidden: args.hidden || (!args.no_hidden && file.scan.hidden.unwrap_or(true)),
        no_ignore: args.no_ignore || file.scan.no_ignore.unwrap_or(false),
        exclude,
        threads,
        max_file_size: args.max_file_size.or(file.scan.max_file_size).unwrap_or(DEFAULT_MAX_FILE_SIZE),
        today: args.today.clone(),
        rule_dirs,
        disabled: file.rules.disable.iter().cloned().collect(),
        severity: file.rules.severity.clone(),
        allow_markers: file.rules.allow_markers.iter().filter(|m| !m.trim().is_empty()).cloned().collect(),
        policies: !args.no_policies,
        policy_config: file.policy.clone(),
        config_dir: loaded.base_dir.clone(),
        config_path: loaded.path.clone(),
        baseline: args.baseline.clone().or_else(|| file.output.baseline.as_ref().map(|b| loaded.base_dir.join(b))),
        sarif_output: args.sarif_output.clone(),
        quiet: args.quiet,
        verbose: args.verbose,
        repository: args.repository.clone(),
        fetch_missing: !args.no_fetch,
    })
}

/// The work tree root of the git repository holding every root (the nearest ancestor with a
/// `.git` directory or file), with the roots made absolute so that paths strip against it.
fn repository_root(roots: &[PathBuf]) -> Option<(Vec<PathBuf>, PathBuf)> {
    let canonical: Vec<PathBuf> = roots.iter().map(|r| r.canonicalize()).collect::<Result<_, _>>().ok()?;
    let root_of = |path: &std::path::Path| path.ancestors().find(|d| d.join(".git").exists()).map(PathBuf::from);
    let first = root_of(canonical.first()?)?;
    canonical.iter().all(|p| root_of(p).as_ref() == Some(&first)).then_some((canonical, first))
}
