//! Raw command-line flags (clap). Nothing outside `cli` reads these types: `plan.rs` resolves
//! them, together with the config file, into a `ScanPlan` once.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "keylint",
    version,
    about = "Finds committed crypto-exchange API keys and checks what declared keys are allowed to do"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files, staged changes, a diff or git history for key material and policy violations.
    Scan(Box<ScanArgs>),
    /// Scan many repositories (the clones under a directory, or a list of paths and URLs) into
    /// one report: findings.jsonl, summary.json, summary.md, report.html.
    Sweep(Box<SweepArgs>),
    /// Combine the output directories of a sharded sweep (`--shard I/N`) into what one sweep of
    /// every repository writes.
    Merge(MergeArgs),
    /// List, explain and test detector and policy rules.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
    /// Explain one rule: what it detects, why it matters, how to fix it, examples.
    Explain {
        /// Rule id, e.g. `okx-secret-key` or `key-allows-withdraw`.
        rule: String,
        #[command(flatten)]
        rules: RuleSourceArgs,
    },
    /// Record current findings so later scans report only new ones.
    Baseline {
        #[command(subcommand)]
        command: BaselineCommand,
    },
    /// Per key: the operations its code performs (file:line), the permissions they need, the
    /// permissions granted, and the difference (least privilege from usage).
    Usage(Box<UsageArgs>),
    /// Print a shell completion script (e.g. `keylint completions bash > /etc/bash_completion.d/keylint`).
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), e.g. `keylint man > keylint.1`.
    Man,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List every detector and policy rule.
    List {
        #[command(flatten)]
        rules: RuleSourceArgs,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print the prefilter keywords, one per line (for benchmarks and `rg` comparisons).
    Keywords {
        #[command(flatten)]
        rules: RuleSourceArgs,
    },
    /// Run the examples of the rules in DIR (default: the built-in rules).
    Test {
        /// Directory of user rule files.
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum BaselineCommand {
    /// Scan and write every current finding's fingerprint to a baseline file.
    Create(Box<BaselineArgs>),
}

/// `baseline create`: only the flags that choose what is scanned and where the baseline goes
/// (no output format, threshold or colour: it writes a baseline file, not a report).
#[derive(Debug, Args, Clone, Default)]
pub struct BaselineArgs {
    /// Files or directories to scan (default `.`).
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub rules: RuleSourceArgs,
    /// Baseline file to write (default `.keylint-baseline.json`).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Do not respect .gitignore / .ignore files.
    #[arg(long)]
    pub no_ignore: bool,
    /// Skip hidden files and directories.
    #[arg(long)]
    pub no_hidden: bool,
    /// Never scan files matching GLOB (repeatable; added to `[scan] exclude`).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Number of worker threads (default: number of CPUs).
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,
    /// Skip files larger than this many bytes (default 10 MiB).
    #[arg(long, value_name = "BYTES")]
    pub max_file_size: Option<u64>,
    /// Evaluation date for rotation and expiry policies (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
    /// Record the staged (index) content's findings.
    #[arg(long, conflicts_with = "history")]
    pub staged: bool,
    /// Record every finding in git history.
    #[arg(long)]
    pub history: bool,
    /// Disable policy checks (secrets only).
    #[arg(long)]
    pub no_policies: bool,
    /// Do not print the line saying how many entries were written.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

impl BaselineArgs {
    /// The scan these flags describe.
    pub fn scan_args(&self) -> ScanArgs {
        ScanArgs {
            paths: self.paths.clone(),
            rules: self.rules.clone(),
            output: self.output.clone(),
            no_ignore: self.no_ignore,
            no_hidden: self.no_hidden,
            exclude: self.exclude.clone(),
            threads: self.threads,
            max_file_size: self.max_file_size,
            today: self.today.clone(),
            staged: self.staged,
            history: self.history,
            no_policies: self.no_policies,
            quiet: self.quiet,
            ..ScanArgs::default()
        }
    }
}

/// `keylint usage`.
#[derive(Debug, Args, Clone, Default)]
pub struct UsageArgs {
    /// Files or directories to read (default `.`).
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub rules: RuleSourceArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: UsageFormat,
    /// Print manifest entries (minimal permissions, the secret references found) for the keys
    /// found in code that have no manifest entry yet.
    #[arg(long)]
    pub suggest_manifest: bool,
    /// Do not respect .gitignore / .ignore files.
    #[arg(long)]
    pub no_ignore: bool,
    /// Never read files matching GLOB (repeatable; added to `[scan] exclude`).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum UsageFormat {
    #[default]
    Human,
    Json,
}

#[derive(Debug, Args, Clone, Default)]
pub struct RuleSourceArgs {
    /// Config file (default: `.keylint.toml` found by walking up from the current directory).
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,
    /// Ignore every config file: built-in defaults and command-line flags only.
    #[arg(long)]
    pub isolated: bool,
    /// Extra rule directory (repeatable); adds to or overrides the built-in rules.
    #[arg(long = "rules", value_name = "DIR")]
    pub rule_dirs: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Jsonl,
    Sarif,
    Github,
}

/// When to colour the human output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set (or when `FORCE_COLOR` is).
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Note,
}

#[derive(Debug, Args, Clone, Default)]
pub struct ScanArgs {
    /// Files or directories to scan (default `.`); `-` reads one file from stdin.
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub rules: RuleSourceArgs,
    /// Output format (default: human).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write the report to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Colour the human output: auto (a terminal, honouring NO_COLOR and FORCE_COLOR), always,
    /// never.
    #[arg(long, value_enum, value_name = "WHEN")]
    pub color: Option<ColorChoice>,
    /// Lowest severity that makes the exit code 1 (default: warning).
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Exit 0 even with findings (errors running still exit 2).
    #[arg(long)]
    pub exit_zero: bool,
    /// Print secrets whole. Never the default.
    #[arg(long)]
    pub show_secrets: bool,
    /// Do not respect .gitignore / .ignore files.
    #[arg(long)]
    pub no_ignore: bool,
    /// Scan hidden files and directories (the default: `.env` is where keys leak most; kept for
    /// ripgrep users).
    #[arg(long, conflicts_with = "no_hidden")]
    pub hidden: bool,
    /// Skip hidden files and directories.
    #[arg(long)]
    pub no_hidden: bool,
    /// Number of worker threads (default: number of CPUs).
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,
    /// Never scan files matching GLOB (repeatable; added to `[scan] exclude`), matched against
    /// the path as printed.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Skip files larger than this many bytes (default 10 MiB).
    #[arg(long, value_name = "BYTES")]
    pub max_file_size: Option<u64>,
    /// Evaluation date for rotation and expiry policies (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
    /// Display name for the file read from stdin (`-`).
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,
    /// Scan the staged (index) content instead of the working tree.
    #[arg(long, conflicts_with_all = ["diff", "history", "commits"])]
    pub staged: bool,
    /// Report only findings on lines added or changed in BASE[..HEAD].
    #[arg(long, value_name = "BASE[..HEAD]", conflicts_with_all = ["history", "commits"])]
    pub diff: Option<String>,
    /// Scan every commit in BASE..HEAD (HEAD by default): a pull request's or a push's own
    /// commits, each finding attributed to the commit that introduced it, so a key added and
    /// removed again inside the range is still reported.
    #[arg(long, value_name = "BASE[..HEAD]", conflicts_with = "history")]
    pub commits: Option<String>,
    /// Scan every blob reachable in git history.
    #[arg(long)]
    pub history: bool,
    /// With --history: only commits after REF or DATE.
    #[arg(long, value_name = "REF|DATE", requires = "history")]
    pub since: Option<String>,
    /// With --history: the branches to walk (default HEAD).
    #[arg(long, value_name = "BRANCH", requires = "history")]
    pub branch: Vec<String>,
    /// With --history: walk all refs.
    #[arg(long, requires = "history")]
    pub all: bool,
    /// In a partial clone (`--filter=blob:none`), do not fetch the missing blobs with
    /// `git fetch` (the only network access keylint makes); the scan then stops with an error.
    #[arg(long)]
    pub no_fetch: bool,
    /// Report only findings whose fingerprint is not in this baseline file (default
    /// `[output] baseline`).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Also write the report as SARIF to FILE (CI: annotations on stdout and SARIF for code
    /// scanning from one scan).
    #[arg(long, value_name = "FILE")]
    pub sarif_output: Option<PathBuf>,
    /// Disable policy checks (secrets only).
    #[arg(long)]
    pub no_policies: bool,
    /// Do not print the summary line (human format).
    #[arg(long, short = 'q', conflicts_with = "verbose")]
    pub quiet: bool,
    /// List on stderr every file not scanned and why: binary, too large, excluded, hidden, or
    /// ignored by .gitignore/.ignore.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Name of the repository, added to every finding as `repository` (for org sweeps that
    /// concatenate many repositories' JSONL).
    #[arg(long, value_name = "NAME")]
    pub repository: Option<String>,
}

/// `keylint sweep`: the flags of `scan` that choose what is scanned and how, plus where the
/// repositories are and where the outputs go.
#[derive(Debug, Args, Clone, Default)]
pub struct SweepArgs {
    /// Directory holding the clones (bare or with working trees), found recursively.
    #[arg(value_name = "ROOT", required_unless_present = "repos", conflicts_with = "repos")]
    pub root: Option<PathBuf>,
    /// File listing local repository paths and git URLs, one a line (`#` comments allowed).
    #[arg(long, value_name = "FILE")]
    pub repos: Option<PathBuf>,
    /// Directory for the outputs (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Where URLs are cloned and kept between sweeps (default `$XDG_CACHE_HOME/keylint/repos`
    /// or `~/.cache/keylint/repos`).
    #[arg(long, value_name = "DIR")]
    pub cache: Option<PathBuf>,
    /// Scan only shard I of N (0-based: 0/4 ... 3/4), a stable hash split of the repository
    /// names; default from JOB_COMPLETION_INDEX and JOB_COMPLETIONS (Kubernetes Indexed Job).
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    #[command(flatten)]
    pub rules: RuleSourceArgs,
    /// Scan every blob reachable in each repository's history instead of its default branch.
    #[arg(long)]
    pub history: bool,
    /// With --history: only commits after REF or DATE.
    #[arg(long, value_name = "REF|DATE", requires = "history")]
    pub since: Option<String>,
    /// With --history: walk all refs (other branches, tags), not only the default branch.
    #[arg(long, requires = "history")]
    pub all: bool,
    /// Lowest severity that makes the exit code 1 (default: warning, or each repository's
    /// `[output] fail_on`).
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Exit 0 even with findings (errors running still exit 2).
    #[arg(long)]
    pub exit_zero: bool,
    /// Do not respect .gitignore / .ignore files.
    #[arg(long)]
    pub no_ignore: bool,
    /// Skip hidden files and directories.
    #[arg(long)]
    pub no_hidden: bool,
    /// Never scan files matching GLOB (repeatable; added to `[scan] exclude`).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Number of worker threads (default: number of CPUs).
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,
    /// Skip files larger than this many bytes (default 10 MiB).
    #[arg(long, value_name = "BYTES")]
    pub max_file_size: Option<u64>,
    /// Evaluation date for rotation and expiry policies (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
    /// Disable policy checks (secrets only).
    #[arg(long)]
    pub no_policies: bool,
    /// In partial clones, do not fetch missing blobs (the repository becomes an error entry).
    #[arg(long)]
    pub no_fetch: bool,
    /// Also write one SARIF file per repository into DIR (`org__repo.sarif`).
    #[arg(long, value_name = "DIR")]
    pub sarif_dir: Option<PathBuf>,
    /// Link of each finding in report.html, e.g.
    /// `https://github.com/{repository}/blob/{commit}/{path}#L{line}` (`{commit}`: HEAD when none).
    #[arg(long, value_name = "TEMPLATE")]
    pub link_template: Option<String>,
    /// Leave out timings (`elapsed_ms`) so that outputs compare byte for byte.
    #[arg(long)]
    pub reproducible: bool,
    /// No progress on stderr.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// `keylint merge`.
#[derive(Debug, Args, Clone, Default)]
pub struct MergeArgs {
    /// The shards' output directories.
    #[arg(value_name = "OUT_DIR", required = true)]
    pub shards: Vec<PathBuf>,
    /// Directory for the merged outputs.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Link of each finding in report.html (as for `sweep`).
    #[arg(long, value_name = "TEMPLATE")]
    pub link_template: Option<String>,
    /// Leave out timings (`elapsed_ms`), as `sweep --reproducible` does.
    #[arg(long)]
    pub reproducible: bool,
    /// Exit 0 even with findings.
    #[arg(long)]
    pub exit_zero: bool,
}
