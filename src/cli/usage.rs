//! `keylint usage [PATH]`: per key, what its code does with it — operations (file:line), the
//! permissions they need, those granted, the difference — and `--suggest-manifest` entries for
//! keys found in code (an env read + a client construction) that no manifest declares.

use super::args::{ScanArgs, UsageArgs, UsageFormat};
use super::plan::resolve;
use super::run::{collect_artifacts, load_policies, print_bytes, Failure};
use crate::policy::PolicySet;
use crate::source::{Artifact, Content, Provenance};
use crate::usage::{self, AnalyzedFile, KeyLink, KeyUsage, Status};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// One key in the report.
#[derive(Debug, Serialize)]
struct KeyReport {
    name: String,
    exchange: Option<String>,
    /// `manifest` or `code` (inferred from an env read and a client construction).
    declared_in: &'static str,
    /// `path:line` of the manifest entry (declared keys).
    #[serde(skip_serializing_if = "Option::is_none")]
    manifest: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret_ref: Option<String>,
    #[serde(flatten)]
    usage: KeyUsage,
    /// Canonical permissions the manifest grants (declared keys).
    #[serde(skip_serializing_if = "Option::is_none")]
    granted: Option<Vec<String>>,
    /// Granted but not needed (resolved usage only; `read` counts as needed with any private one).
    #[serde(skip_serializing_if = "Option::is_none")]
    unused: Option<Vec<String>>,
    /// Needed but not granted.
    #[serde(skip_serializing_if = "Option::is_none")]
    missing: Option<Vec<String>>,
}

fn read_artifact(a: &Artifact, max: u64) -> Option<String> {
    if let Some(b) = a.content.bytes() {
        return Some(String::from_utf8_lossy(b).into_owned());
    }
    match &a.content {
        Content::OnDisk { size } if *size <= max => match &a.provenance {
            Provenance::File(p) => crate::source::file::read_text(p, max).ok(),
            _ => None,
        },
        _ => None,
    }
}

pub(super) fn run_usage(args: &UsageArgs) -> Result<i32, Failure> {
    let scan_args = ScanArgs {
        paths: args.paths.clone(),
        rules: args.rules.clone(),
        no_ignore: args.no_ignore,
        exclude: args.exclude.clone(),
        ..ScanArgs::default()
    };
    let plan = resolve(&scan_args)?;
    let policies = load_policies(&plan.rule_dirs, plan.policy_config.as_ref(), &plan.config_dir)?;
    let artifacts = collect_artifacts(&plan)?;
    let reports = usage_reports(&policies, &artifacts, plan.max_file_size);
    let prefix = root_prefix(&plan.roots, &plan.base);
    if args.suggest_manifest {
        return print_bytes(suggest_manifest(&reports, &prefix).as_bytes());
    }
    let out = match args.format {
        UsageFormat::Json => {
            let mut s = serde_json::to_string_pretty(&serde_json::json!({ "keys": reports }))
                .map_err(|e| Failure::Usage(e.to_string()))?;
            s.push('\n');
            s
        }
        UsageFormat::Human => human(&reports),
    };
    print_bytes(out.as_bytes())
}

/// The single directory scanned, relative to the base paths are shown from (the repository
/// root), as a prefix to strip from suggested `used_by` globs (they are repository paths, and
/// match from the scanned directory too).
fn root_prefix(roots: &[std::path::PathBuf], base: &std::path::Path) -> String {
    let [root] = roots else { return String::new() };
    let (Ok(root), Ok(base)) = (root.canonicalize(), base.canonicalize()) else { return String::new() };
    if !root.is_dir() {
        return String::new();
    }
    match root.strip_prefix(&base) {
        Ok(rel) if !rel.as_os_str().is_empty() => format!("{}/", rel.to_string_lossy().replace('\\', "/")),
        _ => String::new(),
    }
}

/// Every manifest key, then every key found only in code, with its usage.
fn usage_reports(set: &PolicySet, artifacts: &[Artifact], max: u64) -> Vec<KeyReport> {
    let table = &set.table;
    let rules = &set.usage_rules;
    let mut decls = Vec::new();
    let mut code: Vec<AnalyzedFile> = Vec::new();
    for a in artifacts.iter().filter(|a| a.current) {
        // Code, and files an application's config could be (read only if linked by `used_by`).
        let is_code = usage::code::language_of(&a.path).is_some()
            || rules
                .applications
                .iter()
                .any(|app| app.config.as_ref().is_some_and(|c| usage::used_by_matches(&c.paths, &a.path)));
        let manifest = set.is_manifest_path(&a.path);
        if !is_code && !manifest {
            continue;
        }
        let Some(text) = read_artifact(a, max) else { continue };
        if manifest {
            let doc = crate::decode::Document::new(&text);
            for d in set.extract(&a.path, &text).declarations.into_iter().filter(|d| d.source == "manifest") {
                let line = doc.position(d.str("name").map_or(d.start, |n| n.start)).line;
                decls.push(((a.path.clone(), line), d));
            }
        }
        if is_code {
            code.push(AnalyzedFile::new(&a.path, text, rules, table));
        }
    }
    code.sort_by(|a, b| a.usage.path.cmp(&b.usage.path));
    decls.sort_by(|a, b| a.0.cmp(&b.0));
    let decls: Vec<(String, crate::extract::Declaration)> =
        decls.into_iter().map(|((path, line), d)| (format!("{path}:{line}"), d)).collect();
    let links: Vec<KeyLink> = decls.iter().map(|(_, d)| KeyLink::of(d, table)).collect();
    let usages = usage::link(&links, &code, rules);
    let mut claimed: BTreeSet<(String, usize)> = BTreeSet::new();
    let mut out = Vec::new();
    for (((at, d), link), u) in decls.iter().zip(&links).zip(usages) {
        claimed.extend(u.clients.iter().cloned());
        let granted: Option<Vec<String>> = d.list("permissions").map(|l| {
            usage::ordered(
                l.value.iter().filter_map(|p| table.canonical_permission(link.exchange.as_deref(), &p.value)),
            )
        });
        let (unused, missing) = difference(&u, granted.as_deref());
        out.push(KeyReport {
            name: d.str("name").map(|n| n.value.clone()).unwrap_or_default(),
            exchange: link.exchange.clone(),
            declared_in: "manifest",
            manifest: Some(at.clone()),
            secret_ref: d
                .str("secret_ref")
                .filter(|r| crate::policy::eval::is_reference(&r.value))
                .map(|r| r.value.clone()),
            usage: u,
            granted,
            unused,
            missing,
        });
    }
    // Keys found in code only: a client built from environment variables no manifest claims,
    // grouped by exchange and variables.
    let mut inferred: BTreeMap<(String, Vec<String>), ()> = BTreeMap::new();
    for f in &code {
        for (ci, c) in f.usage.clients.iter().enumerate() {
            if c.env.is_empty() || claimed.contains(&(f.usage.path.clone(), ci)) {
                continue;
            }
            let Some(ex) = c.exchange.clone() else { continue };
            inferred.insert((ex, c.env.iter().cloned().collect()), ());
        }
    }
    let all_env: BTreeSet<&str> = links
        .iter()
        .flat_map(|l| l.env.iter().map(String::as_str))
        .chain(inferred.keys().flat_map(|(_, e)| e.iter().map(String::as_str)))
        .collect();
    let mut names: BTreeSet<String> = out.iter().map(|r| r.name.clone()).collect();
    for (ex, env) in inferred.keys() {
        let link = KeyLink { exchange: Some(ex.clone()), env: env.clone(), used_by: None };
        let u = usage::link_one(&link, &all_env, &code, rules);
        let primary = primary_env(env);
        let mut name = format!("{ex}-{}", name_from_env(&primary, ex));
        let mut n = 2;
        while names.contains(&name) {
            name = format!("{ex}-{}-{n}", name_from_env(&primary, ex));
            n += 1;
        }
        names.insert(name.clone());
        out.push(KeyReport {
            name,
            exchange: Some(ex.clone()),
            declared_in: "code",
            manifest: None,
            secret_ref: Some(format!("env:{primary}")),
            usage: u,
            granted: None,
            unused: None,
            missing: None,
        });
    }
    out
}

/// (unused, missing) for a declared key; unused only when the usage is resolved.
fn difference(u: &KeyUsage, granted: Option<&[String]>) -> (Option<Vec<String>>, Option<Vec<String>>) {
    let Some(granted) = granted else { return (None, None) };
    let missing: Vec<String> = u.needs.iter().filter(|n| !granted.contains(n)).cloned().collect();
    let unused = (u.status == Status::Resolved).then(|| {
        granted
            .iter()
            // `read` is needed with any private permission (exchanges grant it with each).
            .filter(|g| !u.needs.contains(g) && (g.as_str() != "read" || u.needs.is_empty()))
            .cloned()
            .collect()
    });
    (unused, Some(missing))
}

/// The variable that names the key (`OKX_API_KEY` rather than `OKX_SECRET`).
fn primary_env(env: &[String]) -> String {
    let upper = |e: &String| e.to_ascii_uppercase();
    env.iter()
        .find(|e| {
            let u = upper(e);
            (u.ends_with("KEY") || u.contains("API_KEY") || u.contains("APIKEY")) && !u.contains("SECRET")
        })
        .or_else(|| env.first())
        .cloned()
        .unwrap_or_default()
}

/// `OKX_HEDGE_API_KEY` → `hedge` (the words that are neither the exchange nor credential words).
fn name_from_env(var: &str, exchange: &str) -> String {
    let words: Vec<String> = var
        .to_ascii_lowercase()
        .split(['_', '-'])
        .filter(|w| !w.is_empty() && *w != exchange && !matches!(*w, "api" | "key" | "apikey" | "secret" | "access"))
        .map(str::to_string)
        .collect();
    if words.is_empty() {
        "key".into()
    } else {
        words.join("-")
    }
}

fn list(v: &[String]) -> String {
    if v.is_empty() {
        "-".into()
    } else {
        v.join(", ")
    }
}

fn human(reports: &[KeyReport]) -> String {
    let mut s = String::new();
    if reports.is_empty() {
        s.push_str("no keys found (no manifest entries, no client built from an environment variable)\n");
    }
    for r in reports {
        let origin = r.manifest.clone().unwrap_or_else(|| "found in code, no manifest entry".into());
        s.push_str(&format!(
            "{} ({}, {origin}): {}\n",
            r.name,
            r.exchange.as_deref().unwrap_or("unknown exchange"),
            r.usage.status.as_str()
        ));
        if !r.usage.operations.is_empty() {
            let width = r.usage.operations.iter().map(|o| o.path.len() + 1 + digits(o.start.line)).max().unwrap_or(0);
            let twidth = r.usage.operations.iter().map(|o| o.text.len()).max().unwrap_or(0);
            s.push_str("  operations:\n");
            for o in &r.usage.operations {
                let at = format!("{}:{}", o.path, o.start.line);
                s.push_str(&format!("    {at:width$}  {:twidth$}  {}\n", o.text, o.permission));
            }
        }
        s.push_str(&format!("  needs:   {}\n", list(&r.usage.needs)));
        if let Some(g) = &r.granted {
            s.push_str(&format!("  granted: {}\n", list(g)));
        }
        if let Some(u) = &r.unused {
            s.push_str(&format!("  unused:  {}\n", list(u)));
        }
        if let Some(m) = &r.missing {
            s.push_str(&format!("  missing: {}\n", list(m)));
        }
        for reason in &r.usage.reasons {
            s.push_str(&format!("  cannot judge: {}\n", reason.text()));
        }
        s.push('\n');
    }
    s
}

fn digits(n: usize) -> usize {
    n.to_string().len()
}

/// Manifest YAML for the keys found in code only: minimal permissions and the references found.
fn suggest_manifest(reports: &[KeyReport], prefix: &str) -> String {
    let found: Vec<&KeyReport> = reports.iter().filter(|r| r.declared_in == "code").collect();
    if found.is_empty() {
        return "# keylint usage --suggest-manifest: every key found in code has a manifest entry\n".into();
    }
    let mut s = String::from(
        "# keylint usage --suggest-manifest: keys found in code with no manifest entry.\n\
         # Permissions are the least the code needs; create the keys with exactly these.\n\
         keys:\n",
    );
    for r in found {
        let perms = usage::ordered(r.usage.needs.iter().cloned());
        let used_by: Vec<String> =
            r.usage.files.iter().map(|f| f.strip_prefix(prefix).unwrap_or(f).to_string()).collect();
        s.push_str(&format!("  - name: {}\n", r.name));
        s.push_str(&format!("    exchange: {}\n", r.exchange.as_deref().unwrap_or("unknown")));
        if r.usage.status != Status::Resolved {
            s.push_str(&format!("    # usage not fully resolved: {}\n", r.usage.reason_text()));
        }
        s.push_str(&format!("    permissions: [{}]\n", perms.join(", ")));
        if let Some(sr) = &r.secret_ref {
            s.push_str(&format!("    secret_ref: {sr}\n"));
        }
        s.push_str(&format!("    used_by: [{}]\n", used_by.join(", ")));
    }
    s
}
