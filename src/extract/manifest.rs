//! Key manifests (spec/manifest.md): YAML (multi-document), TOML and JSON files whose top level
//! holds a `keys` list. Structural problems become `Problem`s (→ `manifest-invalid`), never errors.

use super::{Declaration, Extraction, FieldType, FieldValue, Problem, Spanned, FIELDS, REQUIRED_FIELDS};
use crate::syntax::{self, Format, Kind, Node};
use globset::{Glob, GlobSet, GlobSetBuilder};

/// The default manifest globs (spec/manifest.md).
pub const DEFAULT_GLOBS: &[&str] =
    &["**/exchange-keys.{yaml,yml,toml,json}", "**/*.exchange-keys.{yaml,yml,toml,json}"];

/// Longest list field read (IP allowlists are compared pairwise; exchanges accept ≤ 30 entries).
pub const MAX_LIST_ITEMS: usize = 1000;

/// Compiled manifest globs.
#[derive(Debug, Clone)]
pub struct ManifestGlobs {
    set: GlobSet,
}

impl ManifestGlobs {
    /// Compiles globs; a bad glob is reported with its text.
    pub fn new(globs: &[String]) -> Result<ManifestGlobs, String> {
        let mut b = GlobSetBuilder::new();
        for g in globs {
            // `**/x` should also match `x` at the root.
            for pat in [g.clone(), g.strip_prefix("**/").map(str::to_string).unwrap_or_default()] {
                if pat.is_empty() {
                    continue;
                }
                let glob = Glob::new(&pat).map_err(|e| format!("invalid manifest glob `{g}`: {e}"))?;
                b.add(glob);
            }
        }
        b.build().map(|set| ManifestGlobs { set }).map_err(|e| e.to_string())
    }

    pub fn default_globs() -> ManifestGlobs {
        let globs: Vec<String> = DEFAULT_GLOBS.iter().map(|s| s.to_string()).collect();
        // The defaults are constants covered by a test.
        ManifestGlobs::new(&globs).unwrap_or(ManifestGlobs { set: GlobSet::empty() })
    }

    pub fn is_match(&self, path: &str) -> bool {
        self.set.is_match(path)
    }
}

/// Reads `path` as a manifest if it is one; returns false when it is not a manifest at all.
/// Exchange names and permissions are kept as written: the policy layer maps them.
pub fn extract(path: &str, text: &str, globs: &ManifestGlobs, out: &mut Extraction) -> bool {
    let Some(format) = Format::from_path(path) else {
        return false;
    };
    let named = globs.is_match(path);
    if !named && !has_top_level_keys(format, text) {
        return false;
    }
    let docs = match syntax::parse(format, text) {
        Ok(docs) => docs,
        Err(e) => {
            if named {
                out.problems.push(problem(
                    "syntax",
                    "",
                    "",
                    e.message.clone(),
                    "fix the syntax error; the manifest was not checked".into(),
                    e.offset,
                    e.offset,
                ));
            }
            return named;
        }
    };
    let mut found = false;
    for doc in &docs {
        let Some(entry) = doc.entry("keys") else {
            continue;
        };
        // Outside the manifest globs, only a `keys` list of maps that name an exchange counts.
        if !named && !entry.value.items().iter().any(|i| i.entry("exchange").is_some()) {
            continue;
        }
        found = true;
        match &entry.value.kind {
            Kind::Seq(items) => {
                for item in items {
                    read_entry(item, out);
                }
            }
            Kind::Null => {}
            _ => out.problems.push(problem(
                "wrong-type",
                "keys",
                "",
                format!("`keys` must be a list of key entries, found {}", entry.value.kind_name()),
                "write `keys:` followed by `- name: …` entries".into(),
                entry.value.start,
                entry.value.end,
            )),
        }
    }
    if named && !found {
        let (s, e) = docs.first().map(|d| (d.start, d.start)).unwrap_or((0, 0));
        out.problems.push(problem(
            "missing-field",
            "keys",
            "",
            "manifest has no `keys` list".into(),
            "add a top-level `keys:` list (TOML: `[[keys]]`)".into(),
            s,
            e,
        ));
    }
    named || found
}

/// Cheap test before parsing an unnamed file: does a top-level `keys` list look possible?
fn has_top_level_keys(format: Format, text: &str) -> bool {
    let at_line_start = |needle: &str| text.starts_with(needle) || text.contains(&format!("\n{needle}"));
    match format {
        Format::Yaml => at_line_start("keys:"),
        Format::Toml => text.contains("[[keys]]") || at_line_start("keys =") || at_line_start("keys="),
        Format::Json => text.contains("\"keys\""),
    }
}

fn problem(
    kind: &'static str,
    field: &str,
    key: &str,
    message: String,
    help: String,
    start: usize,
    end: usize,
) -> Problem {
    Problem { kind, field: field.to_string(), key: key.to_string(), message, help, start, end }
}

/// The entry's fields with YAML merge keys (`<<: *defaults`) applied: explicit fields win.
fn merged_entries(entries: &[crate::syntax::Entry]) -> Vec<crate::syntax::Entry> {
    let mut out: Vec<crate::syntax::Entry> = entries.iter().filter(|e| e.key != "<<").cloned().collect();
    for merge in entries.iter().filter(|e| e.key == "<<") {
        let sources: Vec<&Node> = match &merge.value.kind {
            Kind::Map(_) => vec![&merge.value],
            Kind::Seq(items) => items.iter().collect(),
            _ => Vec::new(),
        };
        for source in sources {
            for inherited in source.entries() {
                if !out.iter().any(|e| e.key == inherited.key) {
                    out.push(inherited.clone());
                }
            }
        }
    }
    out
}

fn read_entry(item: &Node, out: &mut Extraction) {
    let Kind::Map(entries) = &item.kind else {
        out.problems.push(problem(
            "wrong-type",
            "keys",
            "",
            format!("each entry of `keys` must be a map, found {}", item.kind_name()),
            "write the entry as `- name: …` with its fields indented below".into(),
            item.start,
            item.end,
        ));
        return;
    };
    let all: Vec<&'static str> = FIELDS.iter().map(|(n, _)| *n).filter(|n| *n != "secret_source").collect();
    let mut decl = Declaration::new("manifest", item.start, item.end, &all);
    let key_name = item.get("name").and_then(|n| n.as_str()).unwrap_or("").to_string();
    let fields = merged_entries(entries);
    for e in &fields {
        let Some((name, ty)) = FIELDS.iter().find(|(n, _)| *n == e.key && *n != "secret_source").copied() else {
            let suggestion = did_you_mean(&e.key);
            let help = match suggestion {
                Some(s) => {
                    format!("did you mean `{s}`? A misspelt field is ignored, so the check it feeds is silently off")
                }
                None => format!("remove it, or use one of the manifest fields: {}", field_list()),
            };
            out.problems.push(problem(
                "unknown-field",
                &e.key,
                &key_name,
                format!("unknown field `{}` in key entry `{}`", e.key, key_name),
                help,
                e.key_start,
                e.key_end,
            ));
            continue;
        };
        collect_strings(name, &e.value, &mut decl.strings);
        match read_value(name, ty, &e.value) {
            Ok(Some(v)) => {
                decl.fields.insert(name, v);
            }
            Ok(None) => {}
            Err((msg, help, s, en)) => {
                out.problems.push(problem(
                    if msg.contains("date") && matches!(e.value.kind, Kind::Date(_) | Kind::Str(_)) {
                        "bad-value"
                    } else {
                        "wrong-type"
                    },
                    name,
                    &key_name,
                    msg,
                    help,
                    s,
                    en,
                ));
                decl.forget(name);
            }
        }
    }
    for req in REQUIRED_FIELDS {
        if !fields.iter().any(|e| e.key == *req) {
            let (s, e) = entries.first().map(|e| (e.key_start, e.key_end)).unwrap_or((item.start, item.start));
            let label = if key_name.is_empty() { "key entry".to_string() } else { format!("key entry `{key_name}`") };
            out.problems.push(problem(
                "missing-field",
                req,
                &key_name,
                format!("{label} lacks the required field `{req}`"),
                format!("add `{req}:` to the entry ({})", required_hint(req)),
                s,
                e,
            ));
            decl.forget(req);
        }
    }
    out.declarations.push(decl);
}

fn required_hint(field: &str) -> &'static str {
    match field {
        "name" => "a unique name for the key in this repo",
        "exchange" => "the exchange slug, e.g. `okx` or `binance`",
        _ => "the permissions the key has at the exchange, e.g. `[read, trade]`",
    }
}

fn field_list() -> String {
    FIELDS.iter().filter(|(n, _)| *n != "secret_source").map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
}

type FieldError = (String, String, usize, usize);

fn read_value(name: &str, ty: FieldType, v: &Node) -> Result<Option<FieldValue>, FieldError> {
    let wrong = |expected: &str| {
        Err((
            format!("field `{name}` must be {expected}, found {}", v.kind_name()),
            format!("write `{name}` as {expected}"),
            v.start,
            v.end,
        ))
    };
    if matches!(v.kind, Kind::Null) {
        return Ok(None);
    }
    match ty {
        FieldType::Str => match &v.kind {
            Kind::Str(s) => Ok(Some(FieldValue::Str(Spanned::new(s.clone(), v.start, v.end)))),
            _ => wrong("a string"),
        },
        FieldType::Date => {
            let text = match &v.kind {
                Kind::Date(s) | Kind::Str(s) => s.clone(),
                _ => return wrong("a date (YYYY-MM-DD)"),
            };
            if crate::date::parse_date(&text).is_err() {
                return Err((
                    format!("field `{name}` must be a date (YYYY-MM-DD), found `{text}`"),
                    format!("write `{name}` as a calendar date such as 2026-01-31"),
                    v.start,
                    v.end,
                ));
            }
            Ok(Some(FieldValue::Str(Spanned::new(text, v.start, v.end))))
        }
        FieldType::List => match &v.kind {
            Kind::Seq(items) => {
                if items.len() > MAX_LIST_ITEMS {
                    return Err((
                        format!("`{name}` has {} items; keylint checks lists of at most {MAX_LIST_ITEMS}", items.len()),
                        format!("no exchange accepts a `{name}` this long: shorten it"),
                        v.start,
                        v.start,
                    ));
                }
                let mut out = Vec::new();
                for item in items {
                    match &item.kind {
                        Kind::Str(s) => out.push(Spanned::new(s.clone(), item.start, item.end)),
                        _ => {
                            return Err((
                                format!("items of `{name}` must be strings, found {}", item.kind_name()),
                                format!("quote the item: `\"{}\"`", item.scalar_text().unwrap_or_default()),
                                item.start,
                                item.end,
                            ))
                        }
                    }
                }
                Ok(Some(FieldValue::List(Spanned::new(out, v.start, v.end))))
            }
            _ => wrong("a list of strings"),
        },
    }
}

fn collect_strings(field: &str, v: &Node, out: &mut Vec<(String, Spanned<String>)>) {
    match &v.kind {
        Kind::Str(s) => out.push((field.to_string(), Spanned::new(s.clone(), v.start, v.end))),
        Kind::Seq(items) => {
            for item in items {
                if let Kind::Str(s) = &item.kind {
                    out.push((field.to_string(), Spanned::new(s.clone(), item.start, item.end)));
                }
            }
        }
        _ => {}
    }
}

/// The closest manifest field name to a misspelt one, if close enough to be a typo.
pub fn did_you_mean(field: &str) -> Option<&'static str> {
    let names = FIELDS.iter().map(|(n, _)| *n).filter(|n| *n != "secret_source");
    crate::suggest::closest(&field.to_ascii_lowercase(), names, |n| 2.max(n.len() / 4))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(path: &str, text: &str) -> Extraction {
        let mut out = Extraction::default();
        extract(path, text, &ManifestGlobs::default_globs(), &mut out);
        out
    }

    #[test]
    fn reads_fields_with_spans_and_reports_typos() {
        let text =
            "keys:\n  - name: a\n    exchange: okx\n    permissions: [read, withdraw]\n    ip_alowlist: [1.2.3.4]\n";
        let out = run("deploy/exchange-keys.yaml", text);
        assert_eq!(out.declarations.len(), 1);
        let perms = out.declarations[0].list("permissions").unwrap();
        assert_eq!(&text[perms.value[1].start..perms.value[1].end], "withdraw");
        assert_eq!(out.problems.len(), 1);
        assert_eq!(out.problems[0].kind, "unknown-field");
        assert!(out.problems[0].help.contains("`ip_allowlist`"), "{}", out.problems[0].help);
    }

    #[test]
    fn wrong_types_and_missing_fields_are_problems() {
        let text = "[[keys]]\nname = \"x\"\npermissions = \"read\"\nrotated = \"2026-02-30\"\n";
        let out = run("exchange-keys.toml", text);
        let kinds: Vec<&str> = out.problems.iter().map(|p| p.kind).collect();
        assert_eq!(kinds, ["wrong-type", "bad-value", "missing-field"]);
        assert!(!out.declarations[0].is_known("permissions"));
    }

    #[test]
    fn merge_keys_apply_and_explicit_fields_win() {
        let text = "defaults: &d\n  exchange: okx\n  permissions: [read]\nkeys:\n  - <<: *d\n    name: a\n    permissions: [read, trade]\n";
        let out = run("exchange-keys.yaml", text);
        assert!(out.problems.is_empty(), "{:?}", out.problems);
        let d = &out.declarations[0];
        let ex = d.str("exchange").unwrap();
        assert_eq!((ex.value.as_str(), ex.start), ("okx", text.find("okx").unwrap()));
        assert_eq!(d.list("permissions").unwrap().value.len(), 2);
    }

    #[test]
    fn unnamed_files_count_only_with_an_exchange_keys_list() {
        assert!(run("values.yaml", "keys: [a, b]\n").declarations.is_empty());
        assert_eq!(
            run("ops/keys.json", r#"{"keys": [{"name": "a", "exchange": "okx", "permissions": []}]}"#)
                .declarations
                .len(),
            1
        );
        let bad = run("exchange-keys.json", "{\"keys\": [");
        assert_eq!(bad.problems[0].kind, "syntax");
    }
}
