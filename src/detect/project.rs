//! Repository evidence, the weakest: a project whose dependency manifests name one exchange's
//! SDK (`pybit` in requirements.txt, `bybit-api` in package.json, `github.com/adshao/go-binance`
//! in go.mod), or whose README or directory name names one exchange, ties credential-named
//! values that nothing else attributes to that exchange (a Binance client library's CI
//! `TEST_API_KEY`). A project is the nearest directory holding a README or a manifest.

use crate::bindings::names::{self, Vocabulary};
use crate::source::{Artifact, Content, Provenance};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;

/// Largest manifest or README read (bytes).
const MAX_MANIFEST: u64 = 256 * 1024;

/// Project directory (relative, `/`-separated, `""` for the root) → (exchange, what named it).
#[derive(Debug, Default)]
pub struct ProjectMap {
    projects: BTreeMap<String, Option<(usize, String)>>,
}

/// What kind of file tells about its project.
fn manifest_kind(file: &str) -> Option<&'static str> {
    let lower = file.to_ascii_lowercase();
    let deps = [
        "package.json",
        "pyproject.toml",
        "setup.py",
        "setup.cfg",
        "pipfile",
        "go.mod",
        "cargo.toml",
        "gemfile",
        "composer.json",
        "pom.xml",
        "build.gradle",
        "build.gradle.kts",
        "environment.yml",
    ];
    if deps.contains(&lower.as_str())
        || (lower.starts_with("requirements") && lower.ends_with(".txt"))
        || lower.ends_with(".csproj")
    {
        Some("dependency")
    } else if lower.starts_with("readme") {
        Some("README")
    } else {
        None
    }
}

impl ProjectMap {
    /// Reads the manifests and READMEs among `artifacts`.
    pub fn build(artifacts: &[Artifact]) -> ProjectMap {
        let v = Vocabulary::get();
        // dir → (exchanges from dependencies, exchanges from READMEs)
        let mut seen: BTreeMap<String, (BTreeSet<usize>, BTreeSet<usize>)> = BTreeMap::new();
        for a in artifacts {
            let (dir, file) = match a.path.rsplit_once('/') {
                Some((d, f)) => (d.to_string(), f),
                None => (String::new(), a.path.as_str()),
            };
            let Some(kind) = manifest_kind(file) else { continue };
            let Some(text) = read_small(a) else { continue };
            let entry = seen.entry(dir).or_default();
            if kind == "dependency" {
                for word in text.split(|c: char| {
                    c.is_whitespace()
                        || matches!(
                            c,
                            '"' | '\''
                                | '='
                                | '<'
                                | '>'
                                | ','
                                | '['
                                | ']'
                                | '~'
                                | '^'
                                | '@'
                                | ';'
                                | '{'
                                | '}'
                                | '('
                                | ')'
                        )
                }) {
                    let w = word.trim_end_matches(':');
                    if w.is_empty() {
                        continue;
                    }
                    if let Some(ex) = v.sdk_import(w).or_else(|| v.exchange_in(&names::tokens(w), false)) {
                        entry.0.insert(ex);
                    }
                }
            } else {
                for ex in v.exchanges_in_text(&text) {
                    entry.1.insert(ex);
                }
            }
        }
        let mut projects = BTreeMap::new();
        for (dir, (deps, readme)) in seen {
            let dir_name = dir.rsplit('/').next().unwrap_or("");
            let from_name = v.exchange_in(&names::tokens(dir_name), true);
            let slug = |ex: usize| v.exchanges.exchanges[ex].slug.clone();
            let pick = if deps.len() == 1 {
                deps.iter().next().map(|&ex| (ex, format!("{} dependency", slug(ex))))
            } else if deps.is_empty() && readme.len() == 1 {
                readme.iter().next().map(|&ex| (ex, format!("README names {}", slug(ex))))
            } else if deps.is_empty() && readme.is_empty() {
                from_name.map(|ex| (ex, names::clip_name(dir_name)))
            } else {
                None
            };
            projects.insert(dir, pick);
        }
        ProjectMap { projects }
    }

    /// The exchange of the project holding `path`, if its nearest project names exactly one.
    pub fn exchange_for(&self, path: &str) -> Option<(usize, String)> {
        let mut dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        loop {
            if let Some(found) = self.projects.get(dir) {
                return found.clone();
            }
            if dir.is_empty() {
                return None;
            }
            dir = dir.rsplit_once('/').map_or("", |(d, _)| d);
        }
    }
}

fn read_small(a: &Artifact) -> Option<String> {
    if let Some(b) = a.content.bytes() {
        return (b.len() as u64 <= MAX_MANIFEST).then(|| String::from_utf8_lossy(b).into_owned());
    }
    match &a.content {
        Content::OnDisk { size } if *size <= MAX_MANIFEST => {
            let Provenance::File(p) = &a.provenance else { return None };
            let mut buf = Vec::new();
            std::fs::File::open(p).ok()?.take(MAX_MANIFEST).read_to_end(&mut buf).ok()?;
            Some(String::from_utf8_lossy(&buf).into_owned())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn art(path: &str, text: &str) -> Artifact {
        Artifact {
            path: path.into(),
            content: Content::Bytes(text.as_bytes().to_vec()),
            provenance: Provenance::Stdin,
            changed_lines: None,
            revised: None,
            current: true,
        }
    }

    #[test]
    fn dependencies_then_readme_then_name() {
        let v = Vocabulary::get();
        let map = ProjectMap::build(&[
            art("lib/requirements.txt", "requests==2.31\npybit==5.7.0\n"),
            art("tools/README.md", "# Wallet tools\nScripts for our Hyperliquid agent wallets.\n"),
            art("multi/README.md", "Supports Binance and OKX.\n"),
        ]);
        assert_eq!(map.exchange_for("lib/ci/test.py").map(|e| e.0), v.exchanges.index_of("bybit"));
        assert_eq!(map.exchange_for("tools/config.json").map(|e| e.0), v.exchanges.index_of("hyperliquid"));
        assert_eq!(map.exchange_for("multi/x.py"), None);
        assert_eq!(map.exchange_for("other/x.py"), None);
    }
}
