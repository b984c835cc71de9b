//! A huge blob that packs small is skipped by its object header, never inflated: peak memory
//! stays far below its size in `--history`, `--diff` and `--staged`. (Its own test binary, so
//! no other test's processes run beside the measured one.)

mod gitutil;

use gitutil::{fake_okx_secret, Repo};
use std::path::Path;
use std::process::{Command, Stdio};

/// Size of the huge blob: 256 MiB of one repeated line (it compresses to a few hundred KB).
const HUGE: usize = 256 << 20;

/// Runs keylint in `dir` and samples its peak resident memory (VmHWM, KiB) until it exits.
#[cfg(target_os = "linux")]
fn run_measured(dir: &Path, args: &[&str]) -> (i32, String, u64) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_keylint"))
        .args(args)
        .current_dir(dir)
        .env_remove("GIT_INDEX_FILE")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("keylint runs");
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    let mut stdout = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || {
        let mut out = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut out).expect("read stdout");
        out
    });
    let code = loop {
        if let Ok(status) = std::fs::read_to_string(&status_file) {
            let hwm = status.lines().find_map(|l| l.strip_prefix("VmHWM:")).map(|v| v.trim().trim_end_matches(" kB"));
            if let Some(kb) = hwm.and_then(|v| v.trim().parse::<u64>().ok()) {
                peak = peak.max(kb);
            }
        }
        if let Some(status) = child.try_wait().expect("wait") {
            break status.code().unwrap_or(-1);
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    };
    (code, reader.join().expect("reader"), peak)
}

#[cfg(target_os = "linux")]
#[test]
fn a_huge_blob_is_skipped_by_its_header_in_every_git_mode() {
    let secret = fake_okx_secret("beside-huge-blob");
    let mut repo = Repo::new();
    repo.write("small.env", "LOG_LEVEL=info\n");
    repo.commit("base");
    let line = "2026-11-22T10:00:00Z okx order filled price=64000.5 size=0.01\n";
    let huge = line.repeat(HUGE / line.len());
    repo.write("logs/orders.log", &huge);
    repo.write("deploy/.env", &format!("OKX_SECRET_KEY={secret}\n"));
    repo.commit("huge log and a key");
    drop(huge);
    // Staged: a second huge blob in the index.
    repo.write("logs/orders2.log", &line.repeat(HUGE / line.len() + 1));
    repo.git(&["add", "logs/orders2.log"]);
    // The working tree copies are not needed (git modes read objects); free the disk.
    std::fs::remove_file(repo.path().join("logs/orders.log")).expect("rm");
    std::fs::remove_file(repo.path().join("logs/orders2.log")).expect("rm");

    let limit = "--max-file-size=1000000";
    for (mode, expect_key) in
        [(&["--history"][..], true), (&["--diff", "HEAD~1"][..], true), (&["--staged"][..], false)]
    {
        let mut args = vec!["scan", ".", "--format", "json", limit];
        args.extend_from_slice(mode);
        let (code, out, peak_kb) = run_measured(repo.path(), &args);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{mode:?}: {e}: {out}"));
        assert_eq!(v["summary"]["skipped"]["too-large"], 1, "{mode:?}: {out}");
        let rules: Vec<&str> =
            v["findings"].as_array().expect("findings").iter().map(|f| f["rule"].as_str().unwrap_or("")).collect();
        if expect_key {
            assert_eq!((code, rules), (1, vec!["okx-secret-key"]), "{mode:?}: the key beside it is found");
        } else {
            assert_eq!((code, rules), (0, vec![]), "{mode:?}");
        }
        assert!(peak_kb > 0 && peak_kb < 96 * 1024, "{mode:?}: peak RSS {peak_kb} KiB for a {} MiB blob", HUGE >> 20);
    }
}
