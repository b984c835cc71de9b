//! `-`: one file read from standard input, named by `--stdin-filename` (so path-based rules,
//! e.g. `.env` handling, still apply).

use super::git::SourceError;
use super::{Artifact, Content, Provenance};
use std::io::Read;

/// Reads at most `limit + 1` bytes of standard input into one artifact named `name`: a larger
/// input shows up as a file over the size limit (the pipeline skips it as `too-large`) without
/// being held in memory whole.
pub fn stdin(name: &str, limit: u64) -> Result<Artifact, SourceError> {
    read(std::io::stdin().lock().take(limit.saturating_add(1)), name)
}

/// Reads `reader` whole into one artifact named `name` (normalised to `/` separators).
pub fn read(mut reader: impl Read, name: &str) -> Result<Artifact, SourceError> {
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes).map_err(|e| SourceError::Stdin(e.to_string()))?;
    let path = super::path::escape_bytes(name.replace('\\', "/").trim_start_matches("./").as_bytes());
    Ok(Artifact {
        path,
        content: Content::Bytes(bytes),
        provenance: Provenance::Stdin,
        changed_lines: None,
        revised: None,
        current: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_artifact_and_keeps_bytes() {
        let a = read(&b"OKX_SECRET_KEY=x\n"[..], "./deploy\\.env").unwrap();
        assert_eq!(a.path, "deploy/.env");
        assert!(matches!(a.content, Content::Bytes(ref b) if b == b"OKX_SECRET_KEY=x\n"));
    }
}
