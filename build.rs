//! Embeds every file under `rules/` into the binary, so keylint needs no files on disk and adding
//! a rule file needs no code change.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")) {
            out.push(path);
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default()).join("rules");
    println!("cargo:rerun-if-changed=rules");
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default());
    let mut code = String::from(
        "/// Built-in rule files: (path relative to `rules/`, YAML text, the same as JSON).\n\
         pub static RULE_FILES: &[(&str, &str, &str)] = &[\n",
    );
    for (n, file) in files.iter().enumerate() {
        let rel = file.strip_prefix(&root).unwrap_or(file).to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
        // A built-in file that is not valid YAML fails the build, with its location.
        let value: serde_yaml::Value =
            serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("rules/{rel} is not valid YAML: {e}"));
        let json = serde_json::to_string(&value).unwrap_or_else(|e| panic!("rules/{rel} cannot become JSON: {e}"));
        let json_path = out_dir.join(format!("rule-{n}.json"));
        std::fs::write(&json_path, json).unwrap_or_else(|e| panic!("cannot write {}: {e}", json_path.display()));
        let _ = writeln!(
            code,
            "    ({rel:?}, include_str!({:?}), include_str!({:?})),",
            file.to_string_lossy(),
            json_path.to_string_lossy()
        );
        if let Some(parent) = file.parent() {
            println!("cargo:rerun-if-changed={}", parent.display());
        }
    }
    code.push_str("];\n");
    let out = out_dir.join("embedded_rules.rs");
    if let Err(err) = std::fs::write(&out, code) {
        panic!("cannot write {}: {err}", out.display());
    }
}
