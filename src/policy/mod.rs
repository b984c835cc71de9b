//! Policies: rule files (`rules/policies/*.yaml`, user directories) evaluated over declarations.
//!
//! `PolicySet::load` compiles the built-in and user policies with the exchange table and the
//! `[policy]` config once; `check` extracts a file's declarations and evaluates every policy.

pub mod builtin;
pub mod config;
pub mod eval;
pub mod net;
pub mod rule;

pub use crate::date::{parse_date, Date};
pub use config::PolicyConfig;

use crate::decode::Document;
use crate::diagnostic::{fingerprint, redact, Category, Finding, Severity};
use crate::exchanges::ExchangeTable;
use crate::extract::{self, manifest::ManifestGlobs, Declaration, Extraction};
use crate::report::RuleInfo;
use eval::{Ctx, Item, Params, Val};
use rule::{compile_cond, template_vars, Cond, Example, OneOrMany, PolicyFile, COLLECTIONS};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The evaluation date examples use unless they set `today`.
pub const EXAMPLE_TODAY: &str = "2026-11-22";

pub use crate::rules_error::RuleError;

/// A `RuleError` at the first token `needle` in `text` (the bad line), or at the top.
fn error_at(origin: &str, text: &str, message: String, needle: &str) -> RuleError {
    RuleError::new(origin, text, locate(text, needle).map(|(s, _)| s), message)
}

/// Byte range of a line mentioning `needle` as a YAML token, for error labels.
fn locate(text: &str, needle: &str) -> Option<(usize, usize)> {
    if needle.is_empty() {
        return None;
    }
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(p) = text[from..].find(needle).map(|p| p + from) {
        let before = p.checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(p + needle.len()).copied();
        let boundary =
            |b: Option<u8>| !matches!(b, Some(b) if b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-');
        if boundary(before) && boundary(after) {
            return Some((p, p + needle.len()));
        }
        from = p + needle.len();
    }
    None
}

/// One compiled policy.
#[derive(Debug, Clone)]
pub struct Policy {
    pub file: PolicyFile,
    /// Where it came from (`rules/policies/x.yaml` or a user path).
    pub origin: String,
    /// Shipped with keylint (not from a user directory).
    pub builtin: bool,
    /// `scope: repo`: evaluated over the declarations of all files at once.
    pub repo_scope: bool,
    pub text: String,
    pub category: Category,
    pub when: Option<Cond>,
    pub severity_when: Vec<(Cond, Severity)>,
    pub at: Vec<String>,
    /// Reads usage facts (`usage.*`, `item.used`, `for_each: usage`, …): evaluated only where
    /// the usage analysis ran (a repository scan), never per file.
    pub uses_usage: bool,
}

impl Policy {
    /// Compiles one policy file's text.
    pub fn compile(origin: &str, text: &str) -> Result<Policy, RuleError> {
        let file: PolicyFile = serde_yaml::from_str(text).map_err(|e| {
            RuleError::from_yaml(origin, text, &e).with_help("see rules/README.md for the policy file format")
        })?;
        Policy::from_file(origin, text, file)
    }

    /// Compiles a built-in policy from its build-time JSON form (`text` is its YAML source).
    pub fn compile_json(origin: &str, text: &str, json: &str) -> Result<Policy, RuleError> {
        let file: PolicyFile =
            serde_json::from_str(json).map_err(|e| RuleError::new(origin, text, None, e.to_string()))?;
        Policy::from_file(origin, text, file)
    }

    fn from_file(origin: &str, text: &str, file: PolicyFile) -> Result<Policy, RuleError> {
        let fail = |msg: String, needle: &str| Err(error_at(origin, text, msg, needle));
        let id_ok =
            !file.id.is_empty() && file.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !id_ok {
            return fail(format!("policy id `{}` must be kebab-case (a-z, 0-9, -)", file.id), &file.id);
        }
        let category = match file.category.as_deref() {
            None | Some("policy") => Category::Policy,
            Some("config") => Category::Config,
            Some(other) => return fail(format!("unknown category `{other}` (use policy or config)"), other),
        };
        if let Some(fe) = &file.for_each {
            if !COLLECTIONS.contains(&fe.as_str()) {
                return fail(format!("unknown `for_each` collection `{fe}` (known: {})", COLLECTIONS.join(", ")), fe);
            }
        }
        let compile =
            |v: &serde_yaml::Value| compile_cond(v, 0).map_err(|e| error_at(origin, text, e.message, &e.needle));
        let when = file.when.as_ref().map(compile).transpose()?;
        let mut severity_when = Vec::new();
        for sw in &file.severity_when {
            severity_when.push((compile(&sw.when)?, sw.severity));
        }
        let at = match &file.at {
            None => vec![if file.for_each.is_some() { "item".to_string() } else { "entry".to_string() }],
            Some(OneOrMany::One(s)) => vec![s.clone()],
            Some(OneOrMany::Many(v)) => v.clone(),
        };
        for target in &at {
            let ok = match target.as_str() {
                "item" => file.for_each.is_some(),
                "entry" | "last_rotation" => true,
                f => extract::field_type(f).is_some(),
            };
            if !ok {
                return fail(format!("`at: {target}` is not a span a diagnostic can point at (item with for_each, entry, last_rotation, or a field)"), target);
            }
        }
        for template in [&file.message, &file.help] {
            let vars = template_vars(template).map_err(|m| error_at(origin, text, m, "message"))?;
            for var in vars {
                if !rule::is_subject(&var) {
                    return fail(format!("unknown template variable `{{{var}}}`"), &var);
                }
            }
        }
        let repo_scope = match file.scope.as_deref() {
            None | Some("file") => false,
            Some("repo") => true,
            Some(other) => return fail(format!("unknown scope `{other}` (use file or repo)"), other),
        };
        if let Some(r) = &file.related {
            if !rule::RELATED.contains(&r.as_str()) {
                return fail(format!("unknown `related: {r}` (known: {})", rule::RELATED.join(", ")), r);
            }
        }
        let conditions = serde_json::to_string(&(&file.when, &file.message, &file.help)).unwrap_or_default();
        let uses_usage = file.for_each.as_deref() == Some("usage")
            || file.related.as_deref() == Some("usage")
            || ["usage.", "item.used", "item.granted", "item.permission", "item.location"]
                .iter()
                .any(|w| conditions.contains(w));
        if uses_usage && !repo_scope {
            return fail(
                "a policy that reads usage facts needs `scope: repo` (usage links a manifest to code in other files)"
                    .into(),
                "scope",
            );
        }
        Ok(Policy {
            file,
            origin: origin.to_string(),
            builtin: false,
            repo_scope,
            text: text.to_string(),
            category,
            when,
            severity_when,
            at,
            uses_usage,
        })
    }

    pub fn id(&self) -> &str {
        &self.file.id
    }
}

/// Compiled built-in + user policies, the exchange table and the resolved config.
#[derive(Debug, Clone)]
pub struct PolicySet {
    pub policies: Vec<Policy>,
    pub table: ExchangeTable,
    params: Params,
    /// Params with only policy defaults (examples run with these, not the user's config).
    default_params: Params,
    severities: BTreeMap<String, Severity>,
    disabled: Vec<String>,
    globs: ManifestGlobs,
    /// Prefilter for `wants`: exchange names and structural words.
    keywords: aho_corasick::AhoCorasick,
    /// The usage files (`rules/usage/`), for the least-privilege-from-usage policies.
    pub usage_rules: crate::usage::rules::UsageRules,
}

/// One item of a `for_each` collection: (field, value, the list it belongs to).
type ItemRow<'a> = (&'a str, &'a extract::Spanned<String>, &'a [extract::Spanned<String>]);

/// The extensions of files that can hold declarations (besides `.env` files).
const STRUCTURED_EXTS: &[&str] = &[".yaml", ".yml", ".json", ".toml"];
const CODE_EXTS: &[&str] = &[".py", ".js", ".ts", ".mjs", ".cjs"];

impl PolicySet {
    /// Compiles built-in policies, then user policies from `user_dirs` and `config.dirs`
    /// (a user policy with a built-in's id replaces it), and applies `config`.
    pub fn load(user_dirs: &[PathBuf], config: &PolicyConfig) -> Result<PolicySet, RuleError> {
        let table = ExchangeTable::builtin_checked()?;
        let mut policies: BTreeMap<String, Policy> = BTreeMap::new();
        for (origin, text, json) in builtin::policies() {
            let mut p = Policy::compile_json(&origin, text, json)?;
            p.builtin = true;
            policies.insert(p.id().to_string(), p);
        }
        let mut dirs: Vec<PathBuf> = user_dirs.to_vec();
        dirs.extend(config.dirs.clone().unwrap_or_default());
        for dir in &dirs {
            for p in load_dir(dir)? {
                policies.insert(p.id().to_string(), p);
            }
        }
        let policies: Vec<Policy> = policies.into_values().collect();
        let known = |id: &str| policies.iter().any(|p| p.id() == id);
        let config_error = |msg: String| {
            RuleError::new(".keylint.toml", "", None, msg).with_help("fix the [policy] table of .keylint.toml")
        };
        for id in config.disabled.iter().flatten().chain(config.severity.iter().flat_map(|m| m.keys())) {
            if !known(id) {
                return Err(config_error(format!("[policy] names unknown policy id `{id}`")));
            }
        }
        let mut defaults = Params::default();
        for p in &policies {
            for (k, v) in &p.file.params {
                defaults.values.entry(k.clone()).or_insert_with(|| Val::from_yaml(v));
            }
        }
        let mut params = defaults.clone();
        if let Some(ranges) = &config.approved_egress {
            for r in ranges {
                if let Err(e) = net::Net::parse(r) {
                    return Err(config_error(format!("[policy] approved_egress: {e}")));
                }
            }
            params.values.insert("approved_egress".into(), Val::List(ranges.clone()));
        }
        for (name, v) in [
            ("max_age_days", config.max_age_days),
            ("min_prefix_v4", config.min_prefix_v4),
            ("min_prefix_v6", config.min_prefix_v6),
        ] {
            if let Some(v) = v {
                params.values.insert(name.into(), Val::Int(v));
            }
        }
        for (env, days) in config.max_age_days_by_environment.iter().flatten() {
            params.by_environment.entry(env.clone()).or_default().insert("max_age_days".into(), Val::Int(*days));
        }
        let globs = match &config.manifest_globs {
            Some(g) => ManifestGlobs::new(g).map_err(config_error)?,
            None => ManifestGlobs::default_globs(),
        };
        let mut words: Vec<String> = vec!["exchange".into(), "ccxt".into()];
        for ex in &table.exchanges {
            words.push(ex.slug.clone());
            words.extend(ex.aliases.iter().cloned());
        }
        let usage_rules = crate::usage::rules::UsageRules::load(&dirs, &table)?;
        let keywords = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(&words)
            .map_err(|e| config_error(format!("keyword prefilter: {e}")))?;
        Ok(PolicySet {
            policies,
            table,
            params,
            default_params: defaults,
            severities: config.severity.clone().unwrap_or_default(),
            disabled: config.disabled.clone().unwrap_or_default(),
            globs,
            keywords,
            usage_rules,
        })
    }

    fn severity(&self, p: &Policy) -> Severity {
        self.severities.get(p.id()).copied().unwrap_or(p.file.severity)
    }

    /// What `rules list`, `explain` and SARIF need to know about each policy.
    pub fn rule_infos(&self) -> Vec<RuleInfo> {
        self.policies
            .iter()
            .map(|p| RuleInfo {
                id: p.id().to_string(),
                category: match p.category {
                    Category::Config => "config".into(),
                    _ => "policy".into(),
                },
                severity: self.severity(p),
                exchange: None,
                description: p.file.description.clone(),
                help: generic_template(&p.file.help),
            })
            .collect()
    }

    /// The manual page of one policy.
    pub fn explain(&self, id: &str) -> Option<String> {
        let p = self.policies.iter().find(|p| p.id() == id)?;
        let mut out = format!("{} ({}, {})\n\n{}\n", p.id(), self.severity(p).as_str(), p.origin, p.file.description);
        if let Some(why) = &p.file.why {
            out.push_str(&format!("\n{}\n", why.trim_end()));
        }
        out.push_str(&format!("\nFix: {}\n", generic_template(&p.file.help)));
        if let Some(ex) = p.file.examples.first() {
            out.push_str(&format!("\nFires on:\n{}\n", indent(&ex.manifest)));
        }
        if let Some(ex) = p.file.negative_examples.first() {
            out.push_str(&format!("\nDoes not fire on:\n{}\n", indent(&ex.manifest)));
        }
        out.push_str(&format!(
            "\nWaive it for one key with `allow: [{id}]` and a `reason:`; turn it off with `[policy] disabled = [\"{id}\"]`; \
             change its severity with `[policy.severity]`.\n",
            id = p.id()
        ));
        Some(out)
    }

    /// Runs every policy's examples; returns one line per failure (empty = all pass).
    pub fn run_examples(&self) -> Vec<String> {
        self.run_examples_of(|_| true)
    }

    /// Runs the examples of user policies only (`keylint rules test DIR`).
    pub fn run_user_examples(&self) -> Vec<String> {
        self.run_examples_of(|p| !p.builtin)
    }

    fn run_examples_of(&self, select: impl Fn(&Policy) -> bool) -> Vec<String> {
        let mut failures = Vec::new();
        for p in self.policies.iter().filter(|p| select(p)) {
            if p.file.examples.is_empty() {
                failures.push(format!("{}: has no examples", p.id()));
            }
            let positives = p.file.examples.iter().enumerate().map(|(n, e)| (n, e, true));
            let negatives = p.file.negative_examples.iter().enumerate().map(|(n, e)| (n, e, false));
            for (n, ex, positive) in positives.chain(negatives) {
                match self.run_example(p, ex) {
                    Err(msg) => failures.push(format!("{}: example {}: {msg}", p.id(), n + 1)),

                    Ok(got) => {
                        let want: Vec<String> = if positive { ex.expect.clone() } else { Vec::new() };
                        if positive && want.is_empty() {
                            failures.push(format!("{}: example {} has no `expect` positions", p.id(), n + 1));
                        } else if got != want {
                            let kind = if positive { "example" } else { "negative example" };
                            failures.push(format!(
                                "{}: {kind} {}: expected diagnostics at {:?}, got {:?}",
                                p.id(),
                                n + 1,
                                want,
                                got
                            ));
                        }
                    }
                }
            }
        }
        failures
    }

    fn run_example(&self, p: &Policy, ex: &Example) -> Result<Vec<String>, String> {
        let today = parse_date(ex.today.as_deref().unwrap_or(EXAMPLE_TODAY))?;
        let mut params = self.default_params.clone();
        for (k, v) in &ex.params {
            params.values.insert(k.clone(), Val::from_yaml(v));
        }
        let path = ex.path.as_deref().unwrap_or("exchange-keys.yaml");
        let doc = Document::new(&ex.manifest);
        // (file prefix, line, column): a diagnostic in one of the example's code files is
        // expected as `path:line:column`, one in the manifest as `line:column`.
        let mut got: Vec<(String, usize, usize)> = if p.uses_usage || !ex.files.is_empty() {
            let manifests = vec![(path.to_string(), ex.manifest.clone())];
            let code: Vec<(String, String)> = ex.files.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            self.check_repo_with(&manifests, Some(&code), today, &params, Some(p.id()))
                .into_iter()
                .map(|f| {
                    let prefix = if f.path == path { String::new() } else { format!("{}:", f.path) };
                    (prefix, f.start.line, f.start.column)
                })
                .collect()
        } else {
            self.evaluate(path, &doc, today, &params, Some(p.id()))
                .into_iter()
                .map(|f| (String::new(), f.start.line, f.start.column))
                .collect()
        };
        got.sort();
        let got: Vec<String> = got.into_iter().map(|(p, l, c)| format!("{p}{l}:{c}")).collect();
        Ok(got)
    }

    /// Does `path` match the manifest globs?
    pub fn is_manifest_path(&self, path: &str) -> bool {
        self.globs.is_match(path)
    }

    /// Cheap test on path + bytes: could this file hold declarations?
    pub fn wants(&self, path: &str, text: &[u8]) -> bool {
        let lower = path.to_ascii_lowercase();
        let file = lower.rsplit('/').next().unwrap_or(&lower);
        if self.globs.is_match(path) || extract::inferred::is_dotenv(file) {
            return true;
        }
        let structured = STRUCTURED_EXTS.iter().any(|e| file.ends_with(e));
        let code = CODE_EXTS.iter().any(|e| file.ends_with(e));
        if code {
            return memchr::memmem::find(text, b"ccxt").is_some();
        }
        structured && self.keywords.is_match(text)
    }

    /// Parses declarations from one file and evaluates every enabled policy.
    pub fn check(&self, path: &str, doc: &Document, today: Date) -> Vec<Finding> {
        self.evaluate(path, doc, today, &self.params, None)
    }

    /// Declarations and manifest problems of one file (for tests and `explain`-style tools).
    pub fn extract(&self, path: &str, text: &str) -> Extraction {
        extract::extract(path, text, None, &self.table, &self.globs)
    }

    fn evaluate(&self, path: &str, doc: &Document, today: Date, params: &Params, only: Option<&str>) -> Vec<Finding> {
        self.evaluate_file(path, doc, None, today, params, only, true).0
    }

    /// Evaluates the policies on one file; repo-scoped ones only when `with_repo_scope` (the
    /// pipeline runs those once over all files in `PolicyChecker::finish`). Also says whether
    /// the file holds manifest declarations.
    #[allow(clippy::too_many_arguments)]
    fn evaluate_file(
        &self,
        path: &str,
        doc: &Document,
        bindings: Option<&crate::bindings::FileBindings>,
        today: Date,
        params: &Params,
        only: Option<&str>,
        with_repo_scope: bool,
    ) -> (Vec<Finding>, bool) {
        let ex = extract::extract(path, doc.text, bindings, &self.table, &self.globs);
        if ex.declarations.is_empty() && ex.problems.is_empty() {
            return (Vec::new(), false);
        }
        let has_manifest = ex.declarations.iter().any(|d| d.source == "manifest");
        let files = [(path, doc)];
        let file_of = vec![0; ex.declarations.len()];
        let locations: Vec<String> = ex.declarations.iter().map(|d| location(None, doc, d)).collect();
        let set = DeclSet { decls: &ex.declarations, files: &files, file_of: &file_of };
        let first_index = eval::FirstIndex::default();
        let mut out = Vec::new();
        for p in &self.policies {
            match only {
                Some(id) if id != p.id() => continue,
                None if self.disabled.iter().any(|d| d == p.id()) => continue,
                _ => {}
            }
            if (p.repo_scope && !with_repo_scope) || p.uses_usage {
                continue;
            }
            let base = Ctx {
                table: &self.table,
                params,
                today,
                decls: &ex.declarations,
                locations: &locations,
                first_index: &first_index,
                decl: None,
                item: None,
                usages: &[],
            };
            if p.file.for_each.as_deref() == Some("problems") {
                for prob in &ex.problems {
                    let ctx = Ctx { item: Some(Item::Problem(prob)), ..base };
                    if self.fires(p, &ctx) {
                        out.push(self.finding(p, &ctx, path, doc, (prob.start, prob.end), &prob.key));
                    }
                }
                continue;
            }
            self.evaluate_declarations(p, &base, &set, &mut out);
        }
        if ex.problems.iter().any(|p| p.kind == "syntax") {
            self.unparsed_key_material(path, doc, only, &mut out);
        }
        out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        out.dedup_by(|a, b| a.sort_key() == b.sort_key());
        (out, has_manifest)
    }

    /// A manifest that does not parse has no declarations, so `secret-inline` cannot see a
    /// secret pasted into it; without this, fixing nothing but a bracket would be the only way
    /// to learn that the file holds key material. Every `field: value` line is checked on its
    /// own: a value (or an item of a flow list) that looks like key material is reported.
    fn unparsed_key_material(&self, path: &str, doc: &Document, only: Option<&str>, out: &mut Vec<Finding>) {
        const ID: &str = "secret-inline";
        if only.is_some_and(|id| id != ID) || self.disabled.iter().any(|d| d == ID) {
            return;
        }
        let Some(policy) = self.policies.iter().find(|p| p.id() == ID) else { return };
        let severity = self.severities.get(ID).copied().unwrap_or(policy.file.severity);
        for line in 0..doc.line_count() {
            let (ls, le) = doc.line_range(line);
            let text = &doc.text[ls..le];
            let body = text.trim_start_matches([' ', '\t', '-']);
            let Some(sep) = body.find([':', '=']) else { continue };
            let field = body[..sep].trim().trim_matches(['"', '\'']);
            if field.is_empty() || field.contains(char::is_whitespace) || field.starts_with('#') {
                continue;
            }
            let value_start = ls + (text.len() - body.len()) + sep + 1;
            let mut at = value_start;
            for piece in doc.text[value_start..le].split(|c: char| "[]{},\"' \t#".contains(c)) {
                let (start, end) = (at, at + piece.len());
                at = end + 1;
                if piece.len() < 16 || !eval::looks_like_key_material(piece) {
                    continue;
                }
                out.push(Finding {
                    start: doc.position(start),
                    end: doc.position(end),
                    message: format!(
                        "field `{field}` holds key material (`{}`) in a manifest that does not parse, so its keys were not checked",
                        redact(piece, false)
                    ),
                    help: "revoke this key at the exchange (it is in git history), store the new secret in your secret \
                           manager and write a reference such as `vault:kv/…` or `env:NAME`; then fix the syntax error"
                        .into(),
                    fingerprint: fingerprint(&[ID, path, field, piece]),
                    snippet: redact(piece, false),
                    sensitive: true,
                    ..Finding::blank(ID, policy.category, severity, path)
                });
            }
        }
    }

    /// Evaluates one policy on every declaration of `set` (one file, or a whole repo).
    fn evaluate_declarations(&self, p: &Policy, base: &Ctx, set: &DeclSet, out: &mut Vec<Finding>) {
        for (i, d) in set.decls.iter().enumerate() {
            if waived(d, p.id()) {
                continue;
            }
            let Some(&(path, doc)) = set.file_of.get(i).and_then(|&f| set.files.get(f)) else { continue };
            let ctx = Ctx { decl: Some((i, d)), ..*base };
            match p.file.for_each.as_deref() {
                Some("usage") => {}
                None => {
                    if self.fires(p, &ctx) {
                        out.push(self.finding(p, &ctx, path, doc, target_span(p, &ctx, d), &d.label()));
                    }
                }
                Some(coll) => {
                    let owned: Vec<ItemRow> = if coll == "strings" {
                        d.strings.iter().map(|(f, s)| (f.as_str(), s, std::slice::from_ref(s))).collect()
                    } else {
                        let list = d.list(coll).map(|l| l.value.as_slice()).unwrap_or(&[]);
                        list.iter().map(|s| (coll, s, list)).collect()
                    };
                    let list_nets: Vec<Option<net::Net>> = match d.list(coll) {
                        Some(l) if coll != "strings" => {
                            l.value.iter().map(|s| net::Net::parse(&s.value).ok()).collect()
                        }
                        _ => Vec::new(),
                    };
                    for (index, (field, value, list)) in owned.into_iter().enumerate() {
                        let (index, nets) =
                            if coll == "strings" { (0, &[][..]) } else { (index, list_nets.as_slice()) };
                        let ctx = Ctx { item: Some(Item::Str { field, index, value, list, nets }), ..ctx };
                        if self.fires(p, &ctx) {
                            out.push(self.finding(p, &ctx, path, doc, target_span(p, &ctx, d), &d.label()));
                        }
                    }
                }
            }
        }
    }

    /// Runs the repo-scoped policies once over the manifests of every file (`files`: path and
    /// text, any order), e.g. `key-name-duplicate` across files. The usage policies do not run
    /// (no code was read): see `check_repo_with`.
    pub fn check_repo(&self, files: &[(String, String)], today: Date) -> Vec<Finding> {
        self.check_repo_with(files, None, today, &self.params, None)
    }

    /// `check_repo`, plus the usage policies when `code` is given: the code files linked to a
    /// key (path and text; files linked to no key may be left out) are read by the usage
    /// analysis and every key's usage is judged against its permissions.
    pub fn check_repo_with(
        &self,
        files: &[(String, String)],
        code: Option<&[(String, String)]>,
        today: Date,
        params: &Params,
        only: Option<&str>,
    ) -> Vec<Finding> {
        let mut files: Vec<&(String, String)> = files.iter().collect();
        files.sort();
        if files.windows(2).any(|w| w[0].0 == w[1].0) {
            // Several versions of one path (history): no repo to speak of; each file alone.
            let mut out = Vec::new();
            for file in files {
                out.extend(self.check_repo_with(std::slice::from_ref(file), None, today, params, only));
            }
            return out;
        }
        let docs: Vec<Document> = files.iter().map(|(_, text)| Document::new(text)).collect();
        let mut decls = Vec::new();
        let mut file_of = Vec::new();
        let mut locations = Vec::new();
        for (f, (path, text)) in files.iter().enumerate() {
            for d in self.extract(path, text).declarations.into_iter().filter(|d| d.source == "manifest") {
                locations.push(location(Some(path), &docs[f], &d));
                decls.push(d);
                file_of.push(f);
            }
        }
        let file_refs: Vec<(&str, &Document)> = files.iter().zip(&docs).map(|((p, _), d)| (p.as_str(), d)).collect();
        let set = DeclSet { decls: &decls, files: &file_refs, file_of: &file_of };
        let (analyzed, usages) = match code {
            Some(code) => {
                let mut code: Vec<&(String, String)> = code.iter().collect();
                code.sort();
                code.dedup_by(|a, b| a.0 == b.0);
                let analyzed: Vec<crate::usage::AnalyzedFile> = code
                    .iter()
                    .map(|(p, t)| crate::usage::AnalyzedFile::new(p, t.clone(), &self.usage_rules, &self.table))
                    .collect();
                let keys: Vec<crate::usage::KeyLink> =
                    decls.iter().map(|d| crate::usage::KeyLink::of(d, &self.table)).collect();
                let usages = crate::usage::link(&keys, &analyzed, &self.usage_rules).into_iter().map(Some).collect();
                (analyzed, usages)
            }
            None => (Vec::new(), Vec::new()),
        };
        let code_docs: Vec<(&str, Document)> =
            analyzed.iter().map(|a| (a.usage.path.as_str(), Document::new(&a.text))).collect();
        let first_index = eval::FirstIndex::default();
        let mut out = Vec::new();
        for p in self.policies.iter().filter(|p| p.repo_scope) {
            match only {
                Some(id) if id != p.id() => continue,
                None if self.disabled.iter().any(|d| d == p.id()) => continue,
                _ => {}
            }
            if p.uses_usage && code.is_none() {
                continue;
            }
            let base = Ctx {
                table: &self.table,
                params,
                today,
                decls: &decls,
                locations: &locations,
                first_index: &first_index,
                decl: None,
                item: None,
                usages: &usages,
            };
            let from = out.len();
            if p.file.for_each.as_deref() == Some("usage") {
                self.evaluate_operations(p, &base, &set, &code_docs, &mut out);
            } else {
                self.evaluate_declarations(p, &base, &set, &mut out);
            }
            if p.file.related.is_some() {
                for f in &mut out[from..] {
                    self.add_related(p, f, &set, &usages);
                }
            }
        }
        out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        out.dedup_by(|a, b| a.sort_key() == b.sort_key());
        out
    }

    /// `for_each: usage`: once per operation of each key's linked code; the span is the call
    /// (or path literal) in its code file.
    fn evaluate_operations(
        &self,
        p: &Policy,
        base: &Ctx,
        set: &DeclSet,
        code_docs: &[(&str, Document)],
        out: &mut Vec<Finding>,
    ) {
        for (i, d) in set.decls.iter().enumerate() {
            if waived(d, p.id()) {
                continue;
            }
            let Some(Some(usage)) = base.usages.get(i) else { continue };
            for op in &usage.operations {
                let Some((_, doc)) = code_docs.iter().find(|(path, _)| *path == op.path) else { continue };
                let ctx = Ctx { decl: Some((i, d)), item: Some(Item::Op(op)), ..*base };
                if self.fires(p, &ctx) {
                    let mut f = self.finding(p, &ctx, &op.path, doc, (op.start.offset, op.end.offset), &d.label());
                    f.fingerprint = fingerprint(&[p.id(), &op.path, &d.label(), &op.text, &op.permission]);
                    out.push(f);
                }
            }
        }
    }

    /// The secondary spans a policy's `related:` asks for: where the key is used (at most
    /// `RELATED_MAX`, in path order) or the key's permission list.
    fn add_related(&self, p: &Policy, f: &mut Finding, set: &DeclSet, usages: &[Option<crate::usage::KeyUsage>]) {
        const RELATED_MAX: usize = 5;
        // The finding's key: the declaration whose entry (or operation) it points into.
        let Some((i, d)) = set.decls.iter().enumerate().find(|(i, d)| {
            let same_file =
                set.file_of.get(*i).and_then(|&fi| set.files.get(fi)).is_some_and(|(path, _)| *path == f.path);
            (same_file && d.start <= f.start.offset && f.start.offset <= d.end)
                || usages
                    .get(*i)
                    .and_then(|u| u.as_ref())
                    .is_some_and(|u| u.operations.iter().any(|o| o.path == f.path && o.start.offset == f.start.offset))
        }) else {
            return;
        };
        let Some(&(manifest_path, doc)) = set.file_of.get(i).and_then(|&fi| set.files.get(fi)) else { return };
        match p.file.related.as_deref() {
            Some("usage") => {
                let Some(Some(u)) = usages.get(i) else { return };
                for op in u.operations.iter().filter(|o| o.permission != "none").take(RELATED_MAX) {
                    f.related.push(crate::diagnostic::Related {
                        label: format!("`{}` needs {} ({}:{})", op.text, op.permission, op.path, op.start.line),
                        start: op.start,
                        end: op.end,
                        path: Some(op.path.clone()),
                    });
                }
            }
            Some("permissions") => {
                if let Some(l) = d.list("permissions") {
                    let name = d.str("name").map(|n| n.value.as_str()).unwrap_or("");
                    f.related.push(crate::diagnostic::Related {
                        label: format!("permissions of key `{name}` ({manifest_path}:{})", doc.position(l.start).line),
                        start: doc.position(l.start),
                        end: doc.position(l.end),
                        path: (manifest_path != f.path).then(|| manifest_path.to_string()),
                    });
                }
            }
            _ => {}
        }
    }

    fn fires(&self, p: &Policy, ctx: &Ctx) -> bool {
        match &p.when {
            None => true,
            Some(c) => ctx.eval(c) == Some(true),
        }
    }

    fn finding(&self, p: &Policy, ctx: &Ctx, path: &str, doc: &Document, span: (usize, usize), key: &str) -> Finding {
        let (start, end) = span;
        let item_text = doc.text.get(start..end).unwrap_or("");
        let mut severity = self.severities.get(p.id()).copied().unwrap_or(p.file.severity);
        if !self.severities.contains_key(p.id()) {
            if let Some((_, s)) = p.severity_when.iter().find(|(c, _)| ctx.eval(c) == Some(true)) {
                severity = *s;
            }
        }
        let category = match ctx.item {
            Some(Item::Problem(prob)) if prob.kind == "syntax" => Category::Parse,
            _ => p.category,
        };
        let exchange = ctx
            .decl
            .and_then(|(_, d)| d.str("exchange"))
            .and_then(|e| self.table.resolve(&e.value))
            .map(str::to_string);
        // Key material is redacted whatever the policy says: a user policy pointing at a
        // `secret_ref` that holds a secret must not print it.
        let unquoted = item_text.trim_matches(['"', '\'']);
        let sensitive = p.file.redact || eval::looks_like_key_material(unquoted);
        let snippet = if sensitive { redact(unquoted, false) } else { item_text.to_string() };
        Finding {
            exchange,
            start: doc.position(start),
            end: doc.position(end),
            message: render(&p.file.message, ctx, p.file.redact),
            help: render(&p.file.help, ctx, p.file.redact),
            fingerprint: fingerprint(&[p.id(), path, key, item_text]),
            snippet,
            sensitive,
            ..Finding::blank(p.id(), category, severity, path)
        }
    }
}

/// Declarations with the file each comes from.
struct DeclSet<'a> {
    decls: &'a [Declaration],
    files: &'a [(&'a str, &'a Document<'a>)],
    file_of: &'a [usize],
}

/// Where a declaration's name is, for "already used at …" messages: `line 4` in the same file,
/// `deploy/exchange-keys.yaml:4` across files.
fn location(path: Option<&str>, doc: &Document, d: &Declaration) -> String {
    let offset = d.str("name").map(|n| n.start).unwrap_or(d.start);
    let line = doc.position(offset).line;
    match path {
        Some(p) => format!("{p}:{line}"),
        None => format!("line {line}"),
    }
}

fn waived(d: &Declaration, id: &str) -> bool {
    d.list("allow").is_some_and(|l| l.value.iter().any(|a| a.value == id))
}

/// Where a declaration-level diagnostic points: the first `at` target that exists.
fn target_span(p: &Policy, ctx: &Ctx, d: &Declaration) -> (usize, usize) {
    for target in &p.at {
        match target.as_str() {
            "item" => {
                if let Some(Item::Str { value, .. }) = ctx.item {
                    return (value.start, value.end);
                }
            }
            "entry" => return (d.start, d.end),
            "last_rotation" => {
                if let Some(v) = d.fields.get("rotated").or(d.fields.get("created")) {
                    return v.span();
                }
            }
            field => {
                if let Some(v) = d.fields.get(field) {
                    return v.span();
                }
            }
        }
    }
    d.fields.get("name").map(|v| v.span()).unwrap_or((d.start, d.end))
}

/// Fills `{subject}` placeholders; with `redact`, item values never appear whole.
fn render(template: &str, ctx: &Ctx, redact_items: bool) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let var = after[..close].trim();
        let value = ctx.resolve(var).text();
        let sensitive = (redact_items && var.starts_with("item") && !var.ends_with(".redacted") && var != "item.field")
            || eval::looks_like_key_material(&value);
        out.push_str(&if sensitive { redact(&value, false) } else { value });
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// A help template with its placeholders shown as `<name>` (for rule lists).
fn generic_template(template: &str) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        let value = generic_value(after[..close].trim());
        rest = &after[close + 1..];
        // `{item}` in code quotes becomes plain words: "remove the value", not "remove `the value`".
        if out.ends_with('`') && rest.starts_with('`') && !value.starts_with('`') {
            out.pop();
            rest = &rest[1..];
        }
        out.push_str(&value);
    }
    out.push_str(rest);
    out
}

/// What a message variable stands for when no finding fills it (rule-level help: `explain`,
/// SARIF rule descriptions), in words rather than as a `<placeholder>`.
fn generic_value(var: &str) -> String {
    if let Some(setting) = var.strip_prefix('$') {
        return format!("`{setting}`");
    }
    match var {
        "item" => "the value",
        "item.covered_by" => "a wider entry",
        "item.network" => "its network address",
        "item.class" => "private or reserved",
        "item.help" => "fix the field as the message says",
        "item.suggestion" | "exchange.suggestion" => "the one the message suggests",
        "exchange.name" | "exchange" => "the exchange",
        "exchange.docs" => "see the exchange's API documentation",
        "exchange.ip_source" => "the exchange limits how many addresses one key may list",
        "name" => "KEY-NAME",
        "last_rotation.field" => "rotated",
        "last_rotation" => "on a date",
        "last_rotation.age_days" => "N",
        other => return format!("`{other}`"),
    }
    .to_string()
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("    {l}")).collect::<Vec<_>>().join("\n")
}

/// Is this rule file something other than a policy? Rule directories are shared with detector
/// files (top-level `rules:`, `_parts.yaml`, …) and may hold an exchange table.
fn is_other_rule_file(path: &Path, text: &str) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    // Usage files live in a `usage/` directory of the rule dir (crate::usage::rules).
    let in_usage_dir = path.parent().and_then(|p| p.file_name()).is_some_and(|d| d == "usage");
    in_usage_dir
        || name.starts_with('_')
        || text.lines().any(|l| l.starts_with("rules:") || l.starts_with("exchanges:"))
}

/// Compiles every policy file (`*.yaml` / `*.yml`, not a detector file) under `dir`,
/// recursively, in path order.
fn load_dir(dir: &Path) -> Result<Vec<Policy>, RuleError> {
    let mut paths = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    // Directories by canonical path: a symlink loop in a rule directory ends here.
    let mut seen = std::collections::BTreeSet::new();
    while let Some(d) = stack.pop() {
        if !seen.insert(d.canonicalize().unwrap_or_else(|_| d.clone())) {
            continue;
        }
        let entries = std::fs::read_dir(&d).map_err(|e| {
            RuleError::new(&d.display().to_string(), "", None, format!("cannot read policy directory: {e}"))
        })?;
        for entry in entries.flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
                paths.push(p);
            }
        }
    }
    paths.sort();
    let mut out = Vec::new();
    for path in paths {
        let origin = path.display().to_string();
        let text = crate::source::file::read_text(&path, crate::source::file::RULE_FILE_MAX)
            .map_err(|e| RuleError::new(&origin, "", None, format!("this policy file {e}")))?;
        crate::rules_error::check_yaml_nesting(&origin, &text)?;
        if !is_other_rule_file(&path, &text) {
            out.push(Policy::compile(&origin, &text)?);
        }
    }
    Ok(out)
}

/// The policy layer as the scan pipeline's `DeclarationChecker`, with the evaluation date fixed
/// for the run (`--today`, else today in UTC). Files with manifests are remembered so the
/// repo-scoped policies (duplicate key names across files) run once in `finish`; with the usage
/// analysis on, so are the code files linked to a manifest key.
pub struct PolicyChecker<'a> {
    pub set: &'a PolicySet,
    pub today: Date,
    /// Collect manifests for the repo-scoped pass; off: each file is its own repo.
    repo_scope: bool,
    /// Run the usage analysis (a scan of a whole tree: linked code can be anywhere in it).
    usage: bool,
    manifests: std::sync::Mutex<Vec<(String, String)>>,
    /// What links a code file to a manifest key, from the manifests read in `prepare`.
    links: std::sync::OnceLock<Option<LinkPlan>>,
    linked_code: std::sync::Mutex<Vec<(String, String)>>,
}

/// The env variable names of every manifest key's `secret_ref` and their `used_by` globs: a code
/// file is read by the usage analysis only when it matches one of them.
struct LinkPlan {
    env: aho_corasick::AhoCorasick,
    used_by: Vec<String>,
}

impl LinkPlan {
    fn links(&self, path: &str, bytes: &[u8]) -> bool {
        if crate::usage::used_by_matches(&self.used_by, path) {
            // Code, or a known application's config (a Freqtrade `config.json`).
            return true;
        }
        if crate::usage::code::language_of(path).is_none() {
            return false;
        }
        let word = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_');
        self.env
            .find_iter(bytes)
            .any(|m| !word(m.start().checked_sub(1).and_then(|i| bytes.get(i))) && !word(bytes.get(m.end())))
    }
}

impl<'a> PolicyChecker<'a> {
    /// For a tree (or stdin): repo-scoped policies see every file, once, in `finish`.
    pub fn new(set: &'a PolicySet, today: Date) -> Self {
        PolicyChecker {
            set,
            today,
            repo_scope: true,
            usage: false,
            manifests: std::sync::Mutex::new(Vec::new()),
            links: std::sync::OnceLock::new(),
            linked_code: std::sync::Mutex::new(Vec::new()),
        }
    }

    /// For git history: many versions of one file are not a repo, so each file is checked alone
    /// (duplicate names within a manifest are still found).
    pub fn per_file(set: &'a PolicySet, today: Date) -> Self {
        PolicyChecker { repo_scope: false, ..PolicyChecker::new(set, today) }
    }

    /// Also link manifest keys to the code that uses them and run the usage policies
    /// (`permission-unused`, `permission-missing`, `key-usage-unknown`). For scans of a whole
    /// tree only: a diff or the staged files do not hold the code a key is used by.
    pub fn with_usage(mut self) -> Self {
        self.usage = self.repo_scope
            && self.set.policies.iter().any(|p| p.uses_usage && !self.set.disabled.iter().any(|d| d == p.id()));
        self
    }

    fn link_plan(&self) -> Option<&LinkPlan> {
        self.links.get().and_then(|p| p.as_ref())
    }
}

/// Text of an artifact read before the scan (manifests only: few and small).
fn artifact_text(a: &crate::source::Artifact) -> Option<String> {
    if let Some(b) = a.content.bytes() {
        return Some(String::from_utf8_lossy(b).into_owned());
    }
    match &a.content {
        crate::source::Content::OnDisk { .. } => match &a.provenance {
            crate::source::Provenance::File(p) => {
                crate::source::file::read_text(p, crate::source::file::RULE_FILE_MAX).ok()
            }
            _ => None,
        },
        _ => None,
    }
}

impl crate::scan::DeclarationChecker for PolicyChecker<'_> {
    fn prepare(&self, artifacts: &[crate::source::Artifact]) {
        if !self.usage {
            return;
        }
        // Only the manifests are read here; code files are matched against their env names and
        // `used_by` globs during the scan, so a repository without manifests pays nothing.
        let mut env: Vec<String> = Vec::new();
        let mut used_by: Vec<String> = Vec::new();
        for a in artifacts.iter().filter(|a| a.current && self.set.globs.is_match(&a.path)) {
            let Some(text) = artifact_text(a) else { continue };
            for d in self.set.extract(&a.path, &text).declarations.iter().filter(|d| d.source == "manifest") {
                let link = crate::usage::KeyLink::of(d, &self.set.table);
                env.extend(link.env);
                used_by.extend(link.used_by.unwrap_or_default());
            }
        }
        env.sort();
        env.dedup();
        let plan = if env.is_empty() && used_by.is_empty() {
            None
        } else {
            aho_corasick::AhoCorasick::new(&env).ok().map(|env| LinkPlan { env, used_by })
        };
        let _ = self.links.set(plan);
    }

    fn wants(&self, path: &str, bytes: &[u8]) -> bool {
        self.set.wants(path, bytes) || self.link_plan().is_some_and(|p| p.links(path, bytes))
    }

    fn check(&self, path: &str, doc: &Document, bindings: &crate::bindings::FileBindings) -> Vec<Finding> {
        let (findings, has_manifest) =
            self.set.evaluate_file(path, doc, Some(bindings), self.today, &self.set.params, None, !self.repo_scope);
        if self.repo_scope && has_manifest && self.set.policies.iter().any(|p| p.repo_scope) {
            // A poisoned lock only means another worker panicked; the list itself is intact.
            let mut m = self.manifests.lock().unwrap_or_else(|e| e.into_inner());
            m.push((path.to_string(), doc.text.to_string()));
        }
        if self.link_plan().is_some_and(|p| p.links(path, doc.text.as_bytes())) {
            let mut c = self.linked_code.lock().unwrap_or_else(|e| e.into_inner());
            c.push((path.to_string(), doc.text.to_string()));
        }
        findings
    }

    fn finish(&self) -> Vec<Finding> {
        // Kept (not taken): `source_text` serves the excerpts of these findings afterwards.
        let files = self.manifests.lock().unwrap_or_else(|e| e.into_inner()).clone();
        if !self.usage {
            return self.set.check_repo(&files, self.today);
        }
        let code = self.linked_code.lock().unwrap_or_else(|e| e.into_inner()).clone();
        self.set.check_repo_with(&files, Some(&code), self.today, &self.set.params, None)
    }

    fn source_text(&self, path: &str) -> Option<String> {
        // Repo-wide findings point into manifests and linked code files: their excerpts.
        let find = |list: &std::sync::Mutex<Vec<(String, String)>>| {
            let l = list.lock().unwrap_or_else(|e| e.into_inner());
            l.iter().find(|(p, _)| p == path).map(|(_, t)| t.clone())
        };
        find(&self.manifests).or_else(|| find(&self.linked_code))
    }
}
