//! The policy rule language: the YAML shape of a policy file (serde) and its compiled form.
//!
//! ```yaml
//! id: key-allows-withdraw          # stable, kebab-case
//! description: one line for `rules list`
//! severity: error                  # error | warning | note
//! category: policy                 # policy (default) | config
//! why: |                           # the manual page (`keylint explain`)
//! for_each: permissions            # permissions | ip_allowlist | allow | used_by | strings | problems
//! when:                            # a condition; omitted = always
//!   item.canonical: {in: [withdraw]}
//! at: item                         # where the diagnostic points: item | entry | a field | a list of fallbacks
//! message: "key `{name}` allows `{item}`"
//! help: "remove `{item}` …"
//! examples: [{manifest: "…", expect: ["4:26"]}]
//! negative_examples: [{manifest: "…"}]
//! ```
//!
//! A condition is a map. `all: [..]`, `any: [..]` and `not: {..}` combine; any other key is a
//! *subject* (a declaration field, `item`, `item.canonical`, `exchange.ip_max_entries`, …) whose
//! value is a map of predicates that must all hold. Several keys in one map are all required.
//! Values starting with `$` name parameters (`$max_age_days`), set by `.keylint.toml` or by the
//! policy's `params:` defaults. Conditions are three-valued: a subject the declaration cannot
//! know is "unknown", and a policy fires only on a definite "true".

use crate::diagnostic::Severity;
use crate::extract::{field_type, FieldType};
use regex::Regex;
use serde::Deserialize;
use std::collections::BTreeMap;

/// A policy file as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyFile {
    pub id: String,
    pub description: String,
    pub severity: Severity,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub why: Option<String>,
    #[serde(default)]
    pub for_each: Option<String>,
    /// `file` (default) or `repo`: a repo-scoped policy sees the declarations of every file
    /// (e.g. duplicate key names across manifests).
    #[serde(default)]
    pub scope: Option<String>,
    #[serde(default)]
    pub when: Option<serde_yaml::Value>,
    #[serde(default)]
    pub at: Option<OneOrMany>,
    pub message: String,
    pub help: String,
    /// The offending item is key material: every rendering of it is redacted.
    #[serde(default)]
    pub redact: bool,
    #[serde(default)]
    pub params: BTreeMap<String, serde_yaml::Value>,
    #[serde(default)]
    pub severity_when: Vec<SeverityWhen>,
    /// Secondary spans to show: `usage` (where the key's code uses it) or `permissions` (the
    /// key's permission list).
    #[serde(default)]
    pub related: Option<String>,
    #[serde(default)]
    pub examples: Vec<Example>,
    #[serde(default)]
    pub negative_examples: Vec<Example>,
}

/// `at: item` or `at: [ip_allowlist, permissions]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// A severity that applies when a condition holds (e.g. unknown fields are warnings).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeverityWhen {
    pub when: serde_yaml::Value,
    pub severity: Severity,
}

/// An example manifest the policy must (or must not) fire on.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// The file's text.
    pub manifest: String,
    /// Its path (default `exchange-keys.yaml`; the extension picks the format).
    #[serde(default)]
    pub path: Option<String>,
    /// Evaluation date (default 2026-11-22).
    #[serde(default)]
    pub today: Option<String>,
    /// Parameter overrides, as `.keylint.toml` would set them.
    #[serde(default)]
    pub params: BTreeMap<String, serde_yaml::Value>,
    /// `line:column` of every expected diagnostic of this policy (examples only); a diagnostic
    /// in one of `files` is written `path:line:column`.
    #[serde(default)]
    pub expect: Vec<String>,
    /// Code files beside the manifest (path → text), for the usage policies: the example runs
    /// the usage analysis over them as a scan of a repository holding these files would.
    #[serde(default)]
    pub files: BTreeMap<String, String>,
}

/// The collections a policy can iterate.
pub const COLLECTIONS: &[&str] = &["permissions", "ip_allowlist", "allow", "used_by", "strings", "problems", "usage"];

/// What `related:` can attach to a diagnostic.
pub const RELATED: &[&str] = &["usage", "permissions"];

/// Subjects other than declaration fields.
pub const SUBJECTS: &[&str] = &[
    "source",
    "item",
    "item.canonical",
    "item.index",
    "item.field",
    "item.kind",
    "item.class",
    "item.prefix_len",
    "item.network",
    "item.covered_by",
    "item.suggestion",
    "item.message",
    "item.help",
    "permissions.canonical",
    "last_rotation",
    "last_rotation.field",
    "name.first_use",
    "exchange.known",
    "exchange.elsewhere",
    "exchange.did_you_mean",
    "exchange.suggestion",
    "exchange.slug",
    "exchange.name",
    "exchange.docs",
    "exchange.ip_max_entries",
    "exchange.ip_cidr",
    "exchange.ip_ipv6",
    "exchange.ip_source",
    "ip_allowlist.count",
    "permissions.count",
    "today",
    "usage.status",
    "usage.reason",
    "usage.needs",
    "usage.files",
    "usage.operations",
    "item.used",
    "item.permission",
    "item.granted",
    "item.location",
];

/// Is `name` a subject conditions and templates may use? (`<date field>.age_days` included.)
pub fn is_subject(name: &str) -> bool {
    if SUBJECTS.contains(&name) || field_type(name).is_some() || name.starts_with('$') {
        return true;
    }
    if let Some(base) = name.strip_suffix(".age_days").or_else(|| name.strip_suffix(".days_until")) {
        return base == "last_rotation" || field_type(base) == Some(FieldType::Date);
    }
    if let Some(base) = name.strip_suffix(".redacted") {
        return is_subject(base);
    }
    false
}

/// A number, or a parameter that resolves to one.
#[derive(Debug, Clone)]
pub enum Operand {
    Int(i64),
    Param(String),
}

/// A list of strings, or a parameter that resolves to one.
#[derive(Debug, Clone)]
pub enum ListOperand {
    Items(Vec<String>),
    Param(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Gt,
    Gte,
    Lt,
    Lte,
    Eq,
    Ne,
}

/// One predicate over a subject's value.
#[derive(Debug, Clone)]
pub enum Pred {
    Present(bool),
    Equals(String),
    In(ListOperand),
    NotIn(ListOperand),
    Matches(Regex),
    AnyOf(ListOperand),
    AllOf(ListOperand),
    NoneOf(ListOperand),
    Cmp(Op, Operand),
    Count(Vec<(Op, Operand)>),
    AgeDays(Vec<(Op, Operand)>),
    BeforeToday(bool),
    IpValid(bool),
    HostBits(bool),
    Cidr(bool),
    Ipv6(bool),
    PrefixLen(Vec<(Op, Operand)>),
    Class(Vec<String>),
    Within(ListOperand),
    Contains(ListOperand),
    Overlaps(ListOperand),
    Duplicate(bool),
    Reference(bool),
    KeyMaterial(bool),
}

/// A compiled condition.
#[derive(Debug, Clone)]
pub enum Cond {
    All(Vec<Cond>),
    Any(Vec<Cond>),
    Not(Box<Cond>),
    Test { subject: String, preds: Vec<Pred> },
}

/// A compile error with the text to locate in the policy file.
#[derive(Debug, Clone)]
pub struct CompileError {
    pub message: String,
    /// Text near the error (a key or value) to find the bad line.
    pub needle: String,
}

fn err<T>(message: impl Into<String>, needle: &str) -> Result<T, CompileError> {
    Err(CompileError { message: message.into(), needle: needle.to_string() })
}

fn yaml_str(v: &serde_yaml::Value) -> Option<String> {
    match v {
        serde_yaml::Value::String(s) => Some(s.clone()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        serde_yaml::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn as_bool(key: &str, v: &serde_yaml::Value) -> Result<bool, CompileError> {
    v.as_bool().map_or_else(|| err(format!("`{key}` takes true or false"), key), Ok)
}

fn as_list(key: &str, v: &serde_yaml::Value) -> Result<ListOperand, CompileError> {
    match v {
        serde_yaml::Value::String(s) if s.starts_with('$') => Ok(ListOperand::Param(s[1..].to_string())),
        serde_yaml::Value::Sequence(items) => {
            let mut out = Vec::new();
            for i in items {
                out.push(yaml_str(i).map_or_else(|| err(format!("items of `{key}` must be strings"), key), Ok)?);
            }
            Ok(ListOperand::Items(out))
        }
        _ => err(format!("`{key}` takes a list of strings or a `$parameter`"), key),
    }
}

fn as_operand(key: &str, v: &serde_yaml::Value) -> Result<Operand, CompileError> {
    match v {
        serde_yaml::Value::Number(n) => {
            n.as_i64().map(Operand::Int).map_or_else(|| err(format!("`{key}` takes an integer"), key), Ok)
        }
        serde_yaml::Value::String(s) if s.starts_with('$') => Ok(Operand::Param(s[1..].to_string())),
        _ => err(format!("`{key}` takes an integer or a `$parameter`"), key),
    }
}

fn op_of(key: &str) -> Option<Op> {
    Some(match key {
        "gt" => Op::Gt,
        "gte" => Op::Gte,
        "lt" => Op::Lt,
        "lte" => Op::Lte,
        "eq" => Op::Eq,
        "ne" => Op::Ne,
        _ => return None,
    })
}

fn as_cmps(key: &str, v: &serde_yaml::Value) -> Result<Vec<(Op, Operand)>, CompileError> {
    let Some(map) = v.as_mapping() else {
        return err(format!("`{key}` takes a map such as `{{gt: 90}}`"), key);
    };
    let mut out = Vec::new();
    for (k, v) in map {
        let k = yaml_str(k).unwrap_or_default();
        let op = op_of(&k)
            .map_or_else(|| err(format!("unknown comparison `{k}` (use gt, gte, lt, lte, eq, ne)"), &k), Ok)?;
        out.push((op, as_operand(&k, v)?));
    }
    Ok(out)
}

/// Predicate names, for error messages.
pub const PREDICATES: &[&str] = &[
    "present",
    "equals",
    "in",
    "not_in",
    "matches",
    "any_of",
    "all_of",
    "none_of",
    "gt",
    "gte",
    "lt",
    "lte",
    "eq",
    "ne",
    "count",
    "age_days",
    "before_today",
    "ip_valid",
    "host_bits",
    "cidr",
    "ipv6",
    "prefix_len",
    "class",
    "within",
    "contains",
    "overlaps",
    "duplicate",
    "reference",
    "key_material",
];

fn compile_pred(key: &str, v: &serde_yaml::Value) -> Result<Pred, CompileError> {
    Ok(match key {
        "present" => Pred::Present(as_bool(key, v)?),
        "equals" => Pred::Equals(yaml_str(v).map_or_else(|| err("`equals` takes a string", key), Ok)?),
        "in" => Pred::In(as_list(key, v)?),
        "not_in" => Pred::NotIn(as_list(key, v)?),
        "matches" => {
            let s = yaml_str(v).unwrap_or_default();
            Pred::Matches(
                Regex::new(&s)
                    .map_err(|e| CompileError { message: format!("invalid regex: {e}"), needle: s.clone() })?,
            )
        }
        "any_of" => Pred::AnyOf(as_list(key, v)?),
        "all_of" => Pred::AllOf(as_list(key, v)?),
        "none_of" => Pred::NoneOf(as_list(key, v)?),
        "count" => Pred::Count(as_cmps(key, v)?),
        "age_days" => Pred::AgeDays(as_cmps(key, v)?),
        "prefix_len" => Pred::PrefixLen(as_cmps(key, v)?),
        "before_today" => Pred::BeforeToday(as_bool(key, v)?),
        "ip_valid" => Pred::IpValid(as_bool(key, v)?),
        "host_bits" => Pred::HostBits(as_bool(key, v)?),
        "cidr" => Pred::Cidr(as_bool(key, v)?),
        "ipv6" => Pred::Ipv6(as_bool(key, v)?),
        "class" => {
            let ListOperand::Items(classes) = as_list(key, v)? else {
                return err("`class` takes a list of class names", key);
            };
            for c in &classes {
                if !super::net::CLASSES.contains(&c.as_str()) {
                    return err(format!("unknown address class `{c}` (known: {})", super::net::CLASSES.join(", ")), c);
                }
            }
            Pred::Class(classes)
        }
        "within" => Pred::Within(as_list(key, v)?),
        "contains" => Pred::Contains(as_list(key, v)?),
        "overlaps" => Pred::Overlaps(as_list(key, v)?),
        "duplicate" => Pred::Duplicate(as_bool(key, v)?),
        "reference" => Pred::Reference(as_bool(key, v)?),
        "key_material" => Pred::KeyMaterial(as_bool(key, v)?),
        k => match op_of(k) {
            Some(op) => Pred::Cmp(op, as_operand(k, v)?),
            None => return err(format!("unknown predicate `{k}` (known: {})", PREDICATES.join(", ")), k),
        },
    })
}

/// Compiles a condition from its YAML value.
pub fn compile_cond(v: &serde_yaml::Value, depth: usize) -> Result<Cond, CompileError> {
    if depth > 32 {
        return err("condition nested too deeply", "when");
    }
    let Some(map) = v.as_mapping() else {
        return err("a condition must be a map (`field: {predicate: value}`, `all:`, `any:` or `not:`)", "when");
    };
    let mut parts = Vec::new();
    for (k, val) in map {
        let key = yaml_str(k).unwrap_or_default();
        match key.as_str() {
            "all" | "any" => {
                let Some(items) = val.as_sequence() else {
                    return err(format!("`{key}` takes a list of conditions"), &key);
                };
                let conds = items.iter().map(|c| compile_cond(c, depth + 1)).collect::<Result<Vec<_>, _>>()?;
                parts.push(if key == "all" { Cond::All(conds) } else { Cond::Any(conds) });
            }
            "not" => parts.push(Cond::Not(Box::new(compile_cond(val, depth + 1)?))),
            subject => {
                if !is_subject(subject) {
                    return err(
                        format!(
                            "unknown subject `{subject}`: use a declaration field or one of {}",
                            SUBJECTS.join(", ")
                        ),
                        subject,
                    );
                }
                let Some(preds) = val.as_mapping() else {
                    return err(format!("`{subject}` takes a map of predicates, e.g. `{{in: [a, b]}}`"), subject);
                };
                let mut compiled = Vec::new();
                for (pk, pv) in preds {
                    compiled.push(compile_pred(&yaml_str(pk).unwrap_or_default(), pv)?);
                }
                parts.push(Cond::Test { subject: subject.to_string(), preds: compiled });
            }
        }
    }
    Ok(if parts.len() == 1 { parts.remove(0) } else { Cond::All(parts) })
}

/// The names `{…}` in a template; errors on an unbalanced brace.
pub fn template_vars(template: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or_else(|| "unclosed `{` in template".to_string())?;
        out.push(after[..close].trim().to_string());
        rest = &after[close + 1..];
    }
    Ok(out)
}
