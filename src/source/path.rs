//! Paths as keylint prints them: `/`-separated text that maps each file name to exactly one
//! string. File names are bytes on Unix; bytes that are not UTF-8, control characters
//! (newlines, escape sequences) and `\` itself are written as escapes (`\xE9`, `\x0A`, `\\`),
//! so two names that differ only in invalid bytes stay two files, in a stable order, and no
//! name can drive a terminal or break a line-oriented format.

use std::path::Path;

/// The printable, injective form of a file name's bytes.
pub fn escape_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c == '\\' {
                out.push_str("\\\\");
            } else if c.is_control() {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("\\x{b:02X}"));
                }
            } else {
                out.push(c);
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

/// A relative path (or a file name) as printed: escaped, with `/` separators.
pub fn path_text(path: &Path) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        escape_bytes(path.as_os_str().as_bytes())
    }
    #[cfg(not(unix))]
    {
        // Windows names are UTF-16; `\` is the separator there.
        escape_bytes(path.to_string_lossy().as_bytes()).replace("\\\\", "/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_bytes_controls_and_backslashes_are_escaped_injectively() {
        assert_eq!(escape_bytes(b"deploy/.env"), "deploy/.env");
        assert_eq!(escape_bytes("ünï/cödé".as_bytes()), "ünï/cödé");
        assert_eq!(escape_bytes(b"caf\xe9.env"), "caf\\xE9.env");
        assert_eq!(escape_bytes(b"caf\xe8.env"), "caf\\xE8.env");
        assert_eq!(escape_bytes(b"a\nb\x1b[31m"), "a\\x0Ab\\x1B[31m");
        assert_eq!(escape_bytes(b"a\\xE9"), "a\\\\xE9");
        assert_ne!(escape_bytes(b"a\\xE9"), escape_bytes(b"a\xe9"));
    }
}
