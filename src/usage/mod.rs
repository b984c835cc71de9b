//! Least privilege from usage: links each declared key to the code that uses it and derives the
//! permissions that code needs from the calls it makes (issue 11).
//!
//! - `rules`: the usage files (`rules/usage/*.yaml`): calls, REST paths and channels → permission.
//! - `code`: one code file read lexically: env reads, clients, the names they are stored in,
//!   calls on them, calls keylint cannot name, path and channel literals.
//! - this module: linking keys to files (`used_by` globs; an env var of the key's `secret_ref`
//!   read by the file) and each key's usage: operations, needed permissions, and whether the
//!   usage is resolved (only then may a permission be called unused).

pub mod apps;
pub mod code;
pub mod rules;

use crate::decode::Document;
use crate::diagnostic::Position;
use crate::exchanges::ExchangeTable;
use crate::extract::Declaration;
use code::FileUsage;
use rules::UsageRules;
use serde::Serialize;
use std::collections::BTreeSet;

/// How far keylint could judge a key's usage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Linked code was found and every use of the key's clients was followed.
    Resolved,
    /// Linked code was found, but some use could not be followed (a dynamic call, a client
    /// handed to code elsewhere, a call the usage files do not map).
    Unresolved,
    /// No code in the repository is linked to the key.
    Unlinked,
    /// `used_by: []`: the key is used outside this repository.
    External,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Resolved => "resolved",
            Status::Unresolved => "unresolved",
            Status::Unlinked => "unlinked",
            Status::External => "external",
        }
    }
}

/// One operation linked code performs with the key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Operation {
    pub path: String,
    pub start: Position,
    pub end: Position,
    /// `method`, `path`, `channel` or `application` (a known bot's config).
    pub kind: &'static str,
    /// The call as written (`self.exchange.create_order`) or the path / channel literal.
    pub text: String,
    pub permission: String,
    /// The usage file that maps it (`ccxt`, `okx`).
    pub rules: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A use keylint could not follow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    pub message: String,
}

impl Reason {
    pub fn text(&self) -> String {
        match (&self.path, self.line) {
            (Some(p), Some(l)) => format!("{p}:{l}: {}", self.message),
            _ => self.message.clone(),
        }
    }
}

/// What the code linked to one key does with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyUsage {
    pub status: Status,
    /// Files linked to the key, in path order.
    pub files: Vec<String>,
    /// Environment variables of the key (`secret_ref: env:NAME`).
    pub env: Vec<String>,
    pub operations: Vec<Operation>,
    /// Canonical permissions the operations need (`none` left out), sorted.
    pub needs: Vec<String>,
    pub reasons: Vec<Reason>,
    /// The clients attributed to the key: (file path, client index in its `FileUsage`).
    #[serde(skip)]
    pub clients: Vec<(String, usize)>,
}

impl KeyUsage {
    /// One sentence saying why the usage cannot be judged (for `key-usage-unknown`).
    pub fn reason_text(&self) -> String {
        match self.reasons.first() {
            Some(r) if self.reasons.len() > 1 => format!("{} (and {} more)", r.text(), self.reasons.len() - 1),
            Some(r) => r.text(),
            None => String::new(),
        }
    }
}

/// A code file read for usage, with its text (positions, excerpts).
pub struct AnalyzedFile {
    pub usage: FileUsage,
    pub text: String,
}

impl AnalyzedFile {
    pub fn new(path: &str, text: String, rules: &UsageRules, table: &ExchangeTable) -> AnalyzedFile {
        let mut usage = code::analyze(path, &text, rules, table);
        usage.application = apps::recognise(path, &text, &rules.applications);
        AnalyzedFile { usage, text }
    }
}

/// What linking needs to know about a key.
#[derive(Debug, Clone, Default)]
pub struct KeyLink {
    pub exchange: Option<String>,
    /// Variables of `secret_ref: env:NAME` (and of `env:A,B`-style lists).
    pub env: Vec<String>,
    /// `used_by` globs; `Some(empty)` = used outside this repository.
    pub used_by: Option<Vec<String>>,
}

impl KeyLink {
    pub fn of(d: &Declaration, table: &ExchangeTable) -> KeyLink {
        let exchange = d.str("exchange").and_then(|e| table.resolve(&e.value)).map(str::to_string);
        let env = d.str("secret_ref").map(|r| env_names(&r.value)).unwrap_or_default();
        let used_by = d.list("used_by").map(|l| l.value.iter().map(|s| s.value.clone()).collect());
        KeyLink { exchange, env, used_by }
    }
}

/// The environment variables a secret reference names: `env:OKX_API_KEY`.
pub fn env_names(secret_ref: &str) -> Vec<String> {
    let Some(rest) = secret_ref.trim().strip_prefix("env:") else { return Vec::new() };
    rest.split([',', ' ']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

/// Does `path` match a `used_by` glob (`deploy/bot/**`, `bot.py`, a directory `svc/`)? Globs are
/// repository paths; a scan of a subdirectory or from outside the repository sees longer paths,
/// so the glob may match any tail of the path that starts at a directory boundary.
pub fn used_by_matches(globs: &[String], path: &str) -> bool {
    let tails: Vec<&str> = std::iter::once(path)
        .chain(path.match_indices('/').map(|(i, _)| &path[i + 1..]))
        .filter(|t| !t.is_empty())
        .collect();
    globs.iter().any(|g| {
        let g = g.trim().trim_start_matches("./");
        if g.is_empty() {
            return false;
        }
        let dir = g.strip_suffix('/').unwrap_or(g);
        let matcher = globset::GlobBuilder::new(dir).literal_separator(true).build().ok().map(|g| g.compile_matcher());
        tails.iter().any(|t| t.starts_with(&format!("{dir}/")) || matcher.as_ref().is_some_and(|m| m.is_match(t)))
    })
}

/// Links every key to the analyzed files and derives its usage. `keys[i]` gets `out[i]`.
pub fn link(keys: &[KeyLink], files: &[AnalyzedFile], rules: &UsageRules) -> Vec<KeyUsage> {
    let all_env: BTreeSet<&str> = keys.iter().flat_map(|k| k.env.iter().map(String::as_str)).collect();
    keys.iter().map(|k| link_one(k, &all_env, files, rules)).collect()
}

/// Links one key; `all_env`: the variables of every key (a client built from another key's
/// variable is never this key's).
pub fn link_one(key: &KeyLink, all_env: &BTreeSet<&str>, files: &[AnalyzedFile], rules: &UsageRules) -> KeyUsage {
    let mut usage = KeyUsage {
        status: Status::Resolved,
        files: Vec::new(),
        env: key.env.clone(),
        operations: Vec::new(),
        needs: Vec::new(),
        reasons: Vec::new(),
        clients: Vec::new(),
    };
    if key.used_by.as_ref().is_some_and(|u| u.is_empty()) {
        usage.status = Status::External;
        return usage;
    }
    let mine: BTreeSet<&str> = key.env.iter().map(String::as_str).collect();
    let others: BTreeSet<&str> = all_env.difference(&mine).copied().collect();
    for f in files {
        let fu = &f.usage;
        let by_glob = key.used_by.as_ref().is_some_and(|g| used_by_matches(g, &fu.path));
        let reads: Vec<&code::EnvRead> = fu.env_reads.iter().filter(|r| mine.contains(r.name.as_str())).collect();
        if !by_glob && reads.is_empty() {
            continue;
        }
        // A linked file that is neither code nor a known application's config says nothing.
        if fu.application.is_none() && code::language_of(&fu.path).is_none() {
            continue;
        }
        usage.files.push(fu.path.clone());
        let doc = Document::new(&f.text);
        let at = |o: usize| doc.position(o);
        // The key's clients: built from its variables; else, when no client names any key's
        // variable, every client of its exchange in the file.
        let explicit: Vec<usize> =
            (0..fu.clients.len()).filter(|&c| fu.clients[c].env.iter().any(|e| mine.contains(e.as_str()))).collect();
        let clients: Vec<usize> = if explicit.is_empty() {
            (0..fu.clients.len())
                .filter(|&c| {
                    let cl = &fu.clients[c];
                    !cl.env.iter().any(|e| others.contains(e.as_str()))
                        && (cl.exchange.is_none() || key.exchange.is_none() || cl.exchange == key.exchange)
                })
                .collect()
        } else {
            explicit
        };
        usage.clients.extend(clients.iter().map(|&c| (fu.path.clone(), c)));
        // A known application's config linked by `used_by` (a Freqtrade `config.json`): the key
        // needs what the application needs in the configured mode.
        if let Some(app) = fu.application.as_ref().filter(|_| by_glob) {
            for need in &app.needs {
                usage.operations.push(Operation {
                    path: fu.path.clone(),
                    start: at(app.start),
                    end: at(app.end),
                    kind: "application",
                    text: app.label.clone(),
                    permission: need.clone(),
                    rules: "applications".to_string(),
                    source: Some(app.source.clone()),
                });
            }
        }
        let before = usage.operations.len();
        for call in fu.calls.iter().filter(|c| clients.contains(&c.client)) {
            let rf = fu.clients[call.client].rules;
            let Some(oi) = rules.method_op(rf, &call.method) else { continue };
            let spec = &rules.files[rf].operations[oi];
            usage.operations.push(Operation {
                path: fu.path.clone(),
                start: at(call.start),
                end: at(call.end),
                kind: "method",
                text: call.text.clone(),
                permission: spec.permission.clone(),
                rules: rules.files[rf].id.clone(),
                source: spec.source.clone(),
            });
        }
        for call in fu.unmapped.iter().filter(|c| clients.contains(&c.client)) {
            let rf = fu.clients[call.client].rules;
            usage.reasons.push(Reason {
                path: Some(fu.path.clone()),
                line: Some(at(call.start).line),
                message: format!(
                    "`{}()` is not in the usage file `{}`, so keylint does not know what it needs",
                    call.text, rules.files[rf].id
                ),
            });
        }
        for u in fu.unresolved.iter().filter(|u| clients.contains(&u.client)) {
            usage.reasons.push(Reason {
                path: Some(fu.path.clone()),
                line: Some(at(u.start).line),
                message: u.reason.clone(),
            });
        }
        if let Some(ex) = &key.exchange {
            for lit in &fu.literals {
                let found = if lit.channel {
                    rules.channel_op(ex, &lit.value)
                } else {
                    rules.path_op(ex, &lit.value, lit.http.as_deref())
                };
                let Some((rf, oi)) = found else { continue };
                let spec = &rules.files[rf].operations[oi];
                usage.operations.push(Operation {
                    path: fu.path.clone(),
                    start: at(lit.start),
                    end: at(lit.end),
                    kind: if lit.channel { "channel" } else { "path" },
                    text: match (&lit.http, lit.channel) {
                        (Some(m), false) => format!("{m} {}", lit.value),
                        _ => lit.value.clone(),
                    },
                    permission: spec.permission.clone(),
                    rules: rules.files[rf].id.clone(),
                    source: spec.source.clone(),
                });
            }
        }
        // A file that reads the key's variable but makes no client or call with it hands the
        // secret on to code keylint cannot see. (A file matched only by a `used_by` directory
        // glob may be a helper of the code that does use it: not a reason.)
        if usage.operations.len() == before && clients.is_empty() {
            if let Some(r) = reads.first() {
                usage.reasons.push(Reason {
                    path: Some(fu.path.clone()),
                    line: Some(at(r.start).line),
                    message: format!(
                        "`{}` reads `{}` but makes no client or REST call keylint can follow (the secret may be passed on to other code)",
                        fu.path, r.name
                    ),
                });
            }
        }
    }
    if usage.files.is_empty() {
        usage.status = Status::Unlinked;
        let message = match (key.env.as_slice(), &key.used_by) {
            ([], None) => {
                "its `secret_ref` names no environment variable and it has no `used_by`, so no code is linked to it"
                    .to_string()
            }
            ([], Some(_)) => "no code file matches its `used_by`".to_string(),
            (env, _) => format!(
                "no code file in this repository reads {}",
                env.iter().map(|e| format!("`{e}`")).collect::<Vec<_>>().join(" or ")
            ),
        };
        usage.reasons.push(Reason { path: None, line: None, message });
    } else {
        if usage.operations.is_empty() && usage.reasons.is_empty() {
            // Linked files (by `used_by`) without a single call keylint can follow: nothing to
            // judge, never "every permission is unused".
            usage.reasons.push(Reason {
                path: None,
                line: None,
                message: format!(
                    "the code linked to it ({}) makes no client or REST call keylint can follow",
                    usage.files.join(", ")
                ),
            });
        }
        if !usage.reasons.is_empty() {
            usage.status = Status::Unresolved;
        }
    }
    usage.operations.sort_by(|a, b| (&a.path, a.start.offset).cmp(&(&b.path, b.start.offset)));
    usage.operations.dedup();
    let needs: BTreeSet<String> =
        usage.operations.iter().filter(|o| o.permission != "none").map(|o| o.permission.clone()).collect();
    usage.needs = needs.into_iter().collect();
    usage
}

/// Permissions in the usual order (read, trade, withdraw, transfer), for messages and output.
pub fn ordered(perms: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut v: Vec<String> = perms.into_iter().collect();
    let rank = |p: &str| rules::USAGE_PERMISSIONS.iter().position(|x| *x == p).unwrap_or(99);
    v.sort_by_key(|p| (rank(p), p.clone()));
    v.dedup();
    v
}

/// The permissions a snippet implies with no key in sight: every mapped call on every client it
/// constructs, and the REST paths / channels of `exchange` it names (`none` left out).
pub fn snippet_needs(
    path: &str,
    text: &str,
    exchange: Option<&str>,
    rules: &UsageRules,
    table: &ExchangeTable,
) -> Vec<String> {
    let fu = code::analyze(path, text, rules, table);
    let mut needs: BTreeSet<String> = BTreeSet::new();
    for call in &fu.calls {
        let rf = fu.clients[call.client].rules;
        if let Some(oi) = rules.method_op(rf, &call.method) {
            needs.insert(rules.files[rf].operations[oi].permission.clone());
        }
    }
    let exchanges: BTreeSet<String> =
        exchange.map(str::to_string).into_iter().chain(fu.clients.iter().filter_map(|c| c.exchange.clone())).collect();
    for ex in &exchanges {
        for lit in &fu.literals {
            let found = if lit.channel {
                rules.channel_op(ex, &lit.value)
            } else {
                rules.path_op(ex, &lit.value, lit.http.as_deref())
            };
            if let Some((rf, oi)) = found {
                needs.insert(rules.files[rf].operations[oi].permission.clone());
            }
        }
    }
    needs.remove("none");
    ordered(needs)
}

/// File name an example snippet is analysed under, by its `language`.
fn example_path(language: &str) -> String {
    let language = language.to_ascii_lowercase();
    let ext = match language.as_str() {
        "python" | "py" => "py",
        "typescript" | "ts" => "ts",
        "javascript" | "js" | "node" => "js",
        "go" => "go",
        "rust" => "rs",
        "java" => "java",
        "ruby" => "rb",
        "php" => "php",
        "csharp" | "c#" => "cs",
        other => other,
    };
    format!("example.{ext}")
}

impl UsageRules {
    /// Runs every usage file's examples (`origins` filtered by `select`): each snippet must imply
    /// exactly its `needs`. One line per failure.
    pub fn run_examples(&self, table: &ExchangeTable, select: impl Fn(bool) -> bool) -> Vec<String> {
        let mut failures = Vec::new();
        let files = self.files.iter().zip(&self.origins).zip(&self.builtin);
        for ((f, origin), _) in files.filter(|(_, builtin)| select(**builtin)) {
            if f.examples.is_empty() {
                failures.push(format!("usage {}: has no examples", f.id));
            }
            let all = f
                .examples
                .iter()
                .map(|e| (e, "example"))
                .chain(f.negative_examples.iter().map(|e| (e, "negative example")));
            for (n, (ex, kind)) in all.enumerate() {
                let got = snippet_needs(&example_path(&ex.language), &ex.code, f.exchange.as_deref(), self, table);
                let mut want: Vec<String> = ex.needs.iter().filter(|p| *p != "none").cloned().collect();
                want = ordered(want);
                if got != want {
                    failures.push(format!(
                        "usage {} ({origin}): {kind} {}: expected needs {:?}, got {:?}",
                        f.id,
                        n + 1,
                        want,
                        got
                    ));
                }
            }
        }
        failures
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_usage_examples_pass() {
        let table = ExchangeTable::builtin();
        let rules = UsageRules::load(&[], &table).unwrap();
        assert!(rules.files.iter().any(|f| f.id == "ccxt"));
        let failures = rules.run_examples(&table, |_| true);
        assert!(failures.is_empty(), "{failures:#?}");
    }

    #[test]
    fn globs_and_method_names() {
        assert!(rules::glob_match("/api/v5/trade/*", "/api/v5/trade/order"));
        assert!(!rules::glob_match("/api/v5/trade/*", "/api/v5/account/balance"));
        assert!(rules::glob_match("create_*_order", "create_limit_order"));
        assert_eq!(rules::normalize_method("fetchBalance"), rules::normalize_method("fetch_balance"));
        assert_eq!(env_names("env:OKX_API_KEY"), vec!["OKX_API_KEY".to_string()]);
        assert!(env_names("vault:kv/okx").is_empty());
        assert!(used_by_matches(&["services/bot/**".into()], "services/bot/main.py"));
        assert!(!used_by_matches(&["services/bot/*.py".into()], "services/bot/sub/main.py"));
        assert!(used_by_matches(&["services/bot/".into()], "services/bot/sub/main.py"));
        assert!(used_by_matches(&["services/bot/**".into()], "fixtures/usage/services/bot/main.py"));
        assert!(!used_by_matches(&["services/bot/**".into()], "fixtures/usage/services/botx/main.py"));
    }

    #[test]
    fn python_client_on_self_and_passed_to_a_function() {
        let table = ExchangeTable::builtin();
        let rules = UsageRules::load(&[], &table).unwrap();
        let text = "import os\nimport ccxt\n\nclass Bot:\n    def __init__(self):\n        self.exchange = ccxt.okx({'apiKey': os.getenv('OKX_API_KEY')})\n\n    def run(self):\n        place(self.exchange, 1)\n\n\ndef place(ex, n):\n    ex.create_order('BTC/USDT', 'market', 'buy', n)\n";
        let fu = code::analyze("bot.py", text, &rules, &table);
        assert_eq!(fu.clients.len(), 1);
        assert_eq!(fu.clients[0].exchange.as_deref(), Some("okx"));
        assert!(fu.clients[0].env.contains("OKX_API_KEY"));
        let calls: Vec<&str> = fu.calls.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(calls, vec!["ex.create_order"]);
        assert!(fu.unresolved.is_empty(), "{:?}", fu.unresolved);
    }

    #[test]
    fn hostile_nesting_stays_linear() {
        let table = ExchangeTable::builtin();
        let rules = UsageRules::load(&[], &table).unwrap();
        let mut text = String::from("import ccxt\nex = ccxt.okx()\n");
        text.push_str(&"f(ex, ".repeat(100_000));
        text.push_str(&"'/api/v5/trade/order' ".repeat(20_000));
        let started = std::time::Instant::now();
        let fu = code::analyze("a.py", &text, &rules, &table);
        assert_eq!(fu.clients.len(), 1);
        assert_eq!(fu.literals.len(), 20_000);
        assert!(started.elapsed() < std::time::Duration::from_secs(20), "{:?}", started.elapsed());
    }

    #[test]
    fn dynamic_calls_are_unresolved() {
        let table = ExchangeTable::builtin();
        let rules = UsageRules::load(&[], &table).unwrap();
        let py = "import ccxt\nex = ccxt.okx()\ngetattr(ex, name)()\n";
        let fu = code::analyze("a.py", py, &rules, &table);
        assert_eq!(fu.unresolved.len(), 1);
        assert_eq!((fu.unresolved[0].start, fu.unresolved[0].end), (28, 35));
        let js = "const ccxt = require('ccxt')\nconst ex = new ccxt.okx({})\nawait ex[cfg.method]()\n";
        let fu = code::analyze("a.js", js, &rules, &table);
        assert_eq!(fu.unresolved.len(), 1);
        assert!(fu.unresolved[0].reason.contains("ex[…]()"));
    }
}
