//! The progress line on stderr for long scans: files (or commits) done, bytes, findings so far.
//! Workers only bump atomic counters; one thread prints, only when stderr is a terminal and the
//! run has lasted about a second, and erases its line before the report.

use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

static FILES: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);
static FINDINGS: AtomicU64 = AtomicU64::new(0);
static COMMITS: AtomicU64 = AtomicU64::new(0);

/// Counts one scanned file (called by the pipeline's workers; cheap).
pub fn file_done(bytes: u64, findings: usize) {
    FILES.fetch_add(1, Ordering::Relaxed);
    BYTES.fetch_add(bytes, Ordering::Relaxed);
    FINDINGS.fetch_add(findings as u64, Ordering::Relaxed);
}

/// History walks: the number of commits whose blobs were handed to the pipeline so far.
pub fn commits_done(n: u64) {
    COMMITS.store(n, Ordering::Relaxed);
}

/// `keylint: 1,234 files, 56.7 MB, 3 findings` (commits first in history runs).
pub fn line(files: u64, bytes: u64, findings: u64, commits: u64) -> String {
    let mut parts = Vec::new();
    if commits > 0 {
        parts.push(format!("{commits} commit{}", if commits == 1 { "" } else { "s" }));
    }
    parts.push(format!("{files} file{}", if files == 1 { "" } else { "s" }));
    parts.push(format!("{:.1} MB", bytes as f64 / 1e6));
    parts.push(format!("{findings} finding{} so far", if findings == 1 { "" } else { "s" }));
    format!("keylint: {}", parts.join(", "))
}

/// The printing thread; dropping it (or `finish`) stops it and erases the line.
pub struct Progress {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    /// Starts printing after `delay` if `enabled` (stderr is a terminal and not `-q`).
    pub fn start(enabled: bool, delay: Duration) -> Progress {
        let stop = Arc::new(AtomicBool::new(false));
        if !enabled {
            return Progress { stop, thread: None };
        }
        let flag = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let mut waited = Duration::ZERO;
            let tick = Duration::from_millis(100);
            let mut shown = false;
            while !flag.load(Ordering::Relaxed) {
                std::thread::sleep(tick);
                waited += tick;
                if waited < delay || waited.as_millis() % 500 != 0 && shown {
                    continue;
                }
                let text = line(
                    FILES.load(Ordering::Relaxed),
                    BYTES.load(Ordering::Relaxed),
                    FINDINGS.load(Ordering::Relaxed),
                    COMMITS.load(Ordering::Relaxed),
                );
                let _ = write!(std::io::stderr().lock(), "\r\x1b[2K{text}");
                shown = true;
            }
            if shown {
                let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
            }
        });
        Progress { stop, thread: Some(thread) }
    }

    /// Stops the thread and erases the line.
    pub fn finish(mut self) {
        self.stop_thread();
    }

    fn stop_thread(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop_thread();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_says_files_bytes_findings_and_commits() {
        assert_eq!(line(1234, 56_700_000, 3, 0), "keylint: 1234 files, 56.7 MB, 3 findings so far");
        assert_eq!(line(1, 0, 1, 2), "keylint: 2 commits, 1 file, 0.0 MB, 1 finding so far");
    }
}
