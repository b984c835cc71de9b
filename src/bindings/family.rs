//! Which producer reads a file: the syntax family from its name.

use super::code::{self, Lang, Mode};
use super::Builder;

/// The syntax family of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Line-oriented `NAME=value` / `Name: value` text of one flavour.
    Lines(Lang),
    Yaml,
    Code(Lang),
    Xml,
    Csv(u8),
    Notebook,
    Markdown,
}

/// The family of a file from its path.
pub fn of(path: &str) -> Family {
    let file = path.rsplit('/').next().unwrap_or(path);
    let lower = file.to_ascii_lowercase();
    // Template suffixes (`values.yaml.j2`, `.env.tpl`) name the format underneath.
    let base =
        ["j2", "jinja", "jinja2", "tpl", "tmpl", "template", "dist", "sample", "example", "bak", "orig", "local"]
            .iter()
            .find_map(|s| lower.strip_suffix(&format!(".{s}")))
            .unwrap_or(&lower);
    let ext = base.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    if base == ".env" || base.starts_with(".env.") || ext == "env" || base == ".envrc" || base == "env" {
        return Family::Lines(Lang::Env);
    }
    if base == "makefile" || base == "gnumakefile" || ext == "mk" || ext == "mak" {
        return Family::Lines(Lang::Make);
    }
    if base.starts_with("dockerfile") || base == "containerfile" || ext == "dockerfile" {
        return Family::Lines(Lang::Shell);
    }
    if base == "cmakelists.txt" || ext == "cmake" {
        return Family::Code(Lang::Hcl);
    }
    if base == "jenkinsfile" || ext == "groovy" || ext == "gradle" {
        return Family::Code(Lang::Java);
    }
    if base == "gemfile" || base == "rakefile" || base == "vagrantfile" || base == "podfile" || base == "fastfile" {
        return Family::Code(Lang::Ruby);
    }
    match ext {
        "yaml" | "yml" => Family::Yaml,
        "json" | "jsonc" | "json5" | "jsonl" | "ndjson" | "har" | "tfstate" | "webmanifest" | "babelrc"
        | "eslintrc" => Family::Code(Lang::Json),
        "ipynb" => Family::Notebook,
        "py" | "pyi" | "pyw" | "pyx" | "sage" => Family::Code(Lang::Python),
        "js" | "mjs" | "cjs" | "jsx" | "ts" | "tsx" | "mts" | "cts" | "vue" | "svelte" | "astro" => {
            Family::Code(Lang::JavaScript)
        }
        "go" => Family::Code(Lang::Go),
        "rs" => Family::Code(Lang::Rust),
        "java" | "kt" | "kts" | "scala" | "sc" | "swift" | "dart" | "c" | "h" | "cc" | "cpp" | "cxx" | "hpp" | "hh"
        | "m" | "mm" | "zig" | "v" | "sol" | "proto" => Family::Code(Lang::Java),
        "cs" | "csx" | "fs" | "vb" => Family::Code(Lang::CSharp),
        "php" | "phtml" => Family::Code(Lang::Php),
        "rb" | "rake" | "gemspec" | "erb" => Family::Code(Lang::Ruby),
        "pl" | "pm" | "r" | "jl" | "ex" | "exs" | "nim" | "cr" | "coffee" => Family::Code(Lang::Python),
        "lua" => Family::Code(Lang::Sql),
        "tf" | "tfvars" | "hcl" | "nomad" | "pkr" => Family::Code(Lang::Hcl),
        "sh" | "bash" | "zsh" | "ksh" | "fish" | "command" | "service" | "timer" | "socket" | "cron" | "crontab"
        | "bats" => Family::Lines(Lang::Shell),
        "ps1" | "psm1" | "bat" | "cmd" => Family::Lines(Lang::Shell),
        "ini" | "cfg" | "conf" | "cnf" | "properties" | "prefs" | "toml" | "editorconfig" | "npmrc" | "pypirc"
        | "netrc" | "desktop" | "reg" | "inf" => Family::Lines(Lang::Ini),
        "xml" | "config" | "csproj" | "fsproj" | "vbproj" | "props" | "targets" | "xaml" | "plist" | "pom" | "resx"
        | "wsdl" | "xsd" | "jmx" | "launch" | "nuspec" => Family::Xml,
        "sql" | "psql" | "ddl" | "dml" => Family::Code(Lang::Sql),
        "csv" => Family::Csv(b','),
        "tsv" | "tab" => Family::Csv(b'\t'),
        "md" | "markdown" | "mdx" | "rst" | "adoc" | "txt" | "org" | "textile" | "wiki" | "html" | "htm" | "xhtml" => {
            Family::Markdown
        }
        "http" | "rest" | "bru" | "log" | "out" | "err" => Family::Lines(Lang::Http),
        _ => {
            if base == "crontab" || base == "procfile" || base.starts_with("bashrc") || base.starts_with(".bash") {
                Family::Lines(Lang::Shell)
            } else if base.ends_with("rc") && base.starts_with('.') {
                Family::Lines(Lang::Ini)
            } else {
                Family::Lines(Lang::Generic)
            }
        }
    }
}

/// Runs the producer of `path`'s family over `text` (the whole file or a view of it).
pub fn produce(path: &str, text: &str, b: &mut Builder, parent: usize) {
    let family = match of(path) {
        // `.config` is XML for .NET, Erlang terms for `sys.config`: look before reading.
        Family::Xml if !text.trim_start_matches('\u{feff}').trim_start().starts_with('<') => {
            Family::Lines(Lang::Generic)
        }
        f => f,
    };
    produce_family(family, text, b, parent);
}

pub fn produce_family(family: Family, text: &str, b: &mut Builder, parent: usize) {
    match family {
        Family::Lines(lang) => code::produce(text, &Mode::lines(lang), b, parent),
        Family::Code(lang) => {
            code::produce(text, &Mode::code(lang), b, parent);
            if lang == Lang::Sql && memchr::memmem::find(text.as_bytes(), b"FROM stdin").is_some() {
                super::table::produce_copy(text, b, parent);
            }
        }
        Family::Yaml => super::yaml::produce(text, b, parent),
        Family::Xml => super::xml::produce(text, b, parent),
        Family::Csv(sep) => super::table::produce_csv(text, sep, b, parent),
        Family::Notebook => super::notebook::produce(text, b, parent),
        Family::Markdown => code::produce_markdown(text, b, parent),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_from_paths() {
        assert_eq!(of("deploy/.env.prod"), Family::Lines(Lang::Env));
        assert_eq!(of("ops/coinbase-custody.env"), Family::Lines(Lang::Env));
        assert_eq!(of("charts/values.yaml.j2"), Family::Yaml);
        assert_eq!(of("src/a.tsx"), Family::Code(Lang::JavaScript));
        assert_eq!(of("main.tf"), Family::Code(Lang::Hcl));
        assert_eq!(of("App.config"), Family::Xml);
        assert_eq!(of("data/accounts.tsv"), Family::Csv(b'\t'));
        assert_eq!(of("ops/Makefile"), Family::Lines(Lang::Make));
        assert_eq!(of("docker/Dockerfile.prod"), Family::Lines(Lang::Shell));
        assert_eq!(of("config/app.properties"), Family::Lines(Lang::Ini));
        assert_eq!(of("notes/x.ipynb"), Family::Notebook);
    }
}
