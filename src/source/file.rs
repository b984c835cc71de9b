//! Opening files keylint reads (files to scan, config, rule and baseline files) without ever
//! blocking or reading without bound: a FIFO, socket or device put where a file was expected
//! is refused, and reads stop at a limit.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// Why a path could not be read as a regular file.
#[derive(Debug)]
pub enum ReadError {
    /// A FIFO, socket or device (`what` names it).
    NotRegular(&'static str),
    /// More than the limit (in bytes).
    TooLarge(u64),
    Io(io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NotRegular(what) => write!(f, "is {what}, not a regular file"),
            ReadError::TooLarge(limit) => write!(f, "is larger than {limit} bytes"),
            ReadError::Io(e) => write!(f, "cannot be read: {e}"),
        }
    }
}

/// What a file type is, for messages about files that are not regular.
pub fn kind_of(file_type: std::fs::FileType) -> Option<&'static str> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return Some("a FIFO");
        }
        if file_type.is_socket() {
            return Some("a socket");
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return Some("a device");
        }
    }
    if file_type.is_dir() {
        return Some("a directory");
    }
    if file_type.is_file() || file_type.is_symlink() {
        None
    } else {
        Some("a special file")
    }
}

/// Opens `path` for reading if it is a regular file. On Unix the open itself never blocks (a
/// FIFO swapped in after a directory walk would otherwise stall a worker forever).
pub fn open_regular(path: &Path) -> Result<File, ReadError> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(ReadError::Io)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    match kind_of(meta.file_type()) {
        Some(what) => Err(ReadError::NotRegular(what)),
        None => Ok(file),
    }
}

/// Reads at most `limit` bytes of a regular file into `buf`; more is `TooLarge`.
pub fn read_capped(path: &Path, limit: u64, buf: &mut Vec<u8>) -> Result<(), ReadError> {
    let file = open_regular(path)?;
    file.take(limit.saturating_add(1)).read_to_end(buf).map_err(ReadError::Io)?;
    if buf.len() as u64 > limit {
        return Err(ReadError::TooLarge(limit));
    }
    Ok(())
}

/// A config, rule or baseline file as UTF-8 text, at most `limit` bytes.
pub fn read_text(path: &Path, limit: u64) -> Result<String, ReadError> {
    let mut buf = Vec::new();
    read_capped(path, limit, &mut buf)?;
    String::from_utf8(buf).map_err(|e| ReadError::Io(io::Error::new(io::ErrorKind::InvalidData, e.utf8_error())))
}

/// Largest `.keylint.toml` read.
pub const CONFIG_MAX: u64 = 1 << 20;
/// Largest rule or policy file read (10,000 rules fit in a few MB).
pub const RULE_FILE_MAX: u64 = 16 << 20;
/// Largest baseline file read.
pub const BASELINE_MAX: u64 = 256 << 20;

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn devices_and_oversized_files_are_refused() {
        assert!(matches!(read_text(Path::new("/dev/zero"), 10), Err(ReadError::NotRegular("a device"))));
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("big");
        std::fs::write(&p, "0123456789A").expect("write");
        assert!(matches!(read_text(&p, 10), Err(ReadError::TooLarge(10))));
        assert_eq!(read_text(&p, 11).ok().as_deref(), Some("0123456789A"));
    }
}
