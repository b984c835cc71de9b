//! `-`: one file read from standard input, named by `--stdin-filename` (so path-based rules,
//! e.g. `.env` handling, still apply).

use super::git::SourceError;
use super::{Artifact, Content, Provenance};
use std::io::Read;

/// The display path used when `--stdin-filename` is not given.
pub const DEFAULT_NAME: &str = "stdin";

/// Reads standard input whole into one artifact.
pub fn stdin(name: Option<&str>) -> Result<Artifact, SourceError> {
    read(std::io::stdin().lock(), name)
}

/// Reads `reader` whole into one artifact named `name` (normalised to `/` separators).
pub fn read(mut reader: impl Read, name: Option<&str>) -> Result<Artifact, SourceError> {
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .map_err(|e| SourceError::Stdin(e.to_string()))?;
    let path = name
        .map(|n| n.replace('\\', "/").trim_start_matches("./").to_string())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| DEFAULT_NAME.to_string());
    Ok(Artifact {
        path,
        content: Content::Bytes(bytes),
        provenance: Provenance::Stdin,
        changed_lines: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_artifact_and_keeps_bytes() {
        let a = read(&b"OKX_SECRET_KEY=x\n"[..], Some("./deploy\\.env")).unwrap();
        assert_eq!(a.path, "deploy/.env");
        assert!(matches!(a.content, Content::Bytes(ref b) if b == b"OKX_SECRET_KEY=x\n"));
        assert_eq!(read(&b""[..], None).unwrap().path, "stdin");
    }
}
