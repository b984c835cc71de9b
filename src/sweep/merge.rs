//! `keylint merge`: the shard directories of a split sweep into the directory one sweep of all
//! repositories would have written, byte for byte. Each repository is in exactly one shard,
//! and each shard's `findings.jsonl` is sorted by repository, so the findings are merged line
//! by line (a k-way merge, never all in memory) and copied as they are; the reports are then
//! rendered by the same function a sweep uses.

use super::output::{self, LineRepository, Meta, RepoLine};
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

/// What `merge` combined: the summary written and whether any repository failed its threshold.
pub struct Merged {
    pub summary: output::SweepSummary,
    pub fails: bool,
}

/// Merges `shards` into `out`. With `reproducible`, `elapsed_ms` is dropped.
pub fn merge(
    shards: &[PathBuf],
    out: &Path,
    reproducible: bool,
    link_template: Option<&str>,
) -> Result<Merged, String> {
    if shards.is_empty() {
        return Err("merge needs at least one shard output directory".into());
    }
    // Writing into a shard's directory would overwrite the findings being read.
    let same = |a: &Path, b: &Path| matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y);
    if let Some(dir) = shards.iter().find(|d| same(d, out)) {
        return Err(format!("--out {} is one of the shard directories: merge into a new directory", dir.display()));
    }
    let metas: Vec<Meta> = shards.iter().map(|d| read_meta(d)).collect::<Result<_, _>>()?;
    let mode = metas[0].mode.clone();
    if let Some(m) = metas.iter().find(|m| m.mode != mode) {
        return Err(format!("the shards were swept in different modes ({mode} and {})", m.mode));
    }
    check_coverage(&metas)?;

    let mut lines: Vec<RepoLine> = Vec::new();
    for dir in shards {
        let path = dir.join(output::REPOSITORIES);
        let file = std::fs::File::open(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        for line in BufReader::new(file).lines() {
            let line = line.map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let parsed: RepoLine = serde_json::from_str(&line)
                .map_err(|e| format!("{} is not a keylint sweep output: {e}", path.display()))?;
            lines.push(parsed);
        }
    }
    lines.sort_by(|a, b| a.stats.repository.cmp(&b.stats.repository));
    if let Some(pair) = lines.windows(2).find(|p| p[0].stats.repository == p[1].stats.repository) {
        return Err(format!(
            "repository `{}` is in two shard outputs: merge the outputs of one split sweep (the same N) once each",
            pair[0].stats.repository
        ));
    }
    if reproducible {
        for l in &mut lines {
            l.stats.elapsed_ms = None;
        }
    }
    std::fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    merge_findings(shards, &out.join(output::FINDINGS))?;
    let total = metas.iter().map(|m| m.total_repositories).max().unwrap_or(0);
    let meta = Meta { mode: mode.clone(), shard: None, total_repositories: total };
    output::write_index(out, &lines, &meta).map_err(|e| format!("cannot write into {}: {e}", out.display()))?;
    let fails = lines.iter().any(|l| l.fails);
    let repos = lines.into_iter().map(|l| l.stats).collect();
    let summary = output::write_reports(out, &mode, repos, link_template)
        .map_err(|e| format!("cannot write the reports into {}: {e}", out.display()))?;
    Ok(Merged { summary, fails })
}

fn read_meta(dir: &Path) -> Result<Meta, String> {
    let path = dir.join(output::META);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("{} is not a keylint sweep output ({}: {e})", dir.display(), output::META))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Shards of one split must be given once each, all of them: a missing shard would make a
/// report that looks complete and is not.
fn check_coverage(metas: &[Meta]) -> Result<(), String> {
    let shards: Vec<_> = metas.iter().filter_map(|m| m.shard).collect();
    if shards.is_empty() {
        return Ok(());
    }
    let count = shards[0].count;
    if shards.len() != metas.len() || shards.iter().any(|s| s.count != count) {
        return Err("the outputs are not the shards of one split sweep (different N, or whole sweeps mixed in)".into());
    }
    let given: BTreeSet<u32> = shards.iter().map(|s| s.index).collect();
    if given.len() != shards.len() {
        return Err("a shard output is given twice".into());
    }
    let missing: Vec<String> = (0..count).filter(|i| !given.contains(i)).map(|i| format!("{i}/{count}")).collect();
    if !missing.is_empty() {
        return Err(format!("shard output(s) {} missing: merge all N outputs of the split", missing.join(", ")));
    }
    Ok(())
}

/// Merges the shards' `findings.jsonl` by repository, copying lines unchanged.
fn merge_findings(shards: &[PathBuf], out: &Path) -> Result<(), String> {
    struct Head {
        repository: String,
        line: String,
        reader: std::io::Lines<BufReader<std::fs::File>>,
        path: PathBuf,
    }
    fn next(
        reader: &mut std::io::Lines<BufReader<std::fs::File>>,
        path: &Path,
    ) -> Result<Option<(String, String)>, String> {
        match reader.next() {
            None => Ok(None),
            Some(Err(e)) => Err(format!("cannot read {}: {e}", path.display())),
            Some(Ok(line)) => {
                let r: LineRepository = serde_json::from_str(&line)
                    .map_err(|e| format!("{} holds a line that is not a sweep finding: {e}", path.display()))?;
                Ok(Some((r.repository, line)))
            }
        }
    }
    let mut heads: Vec<Head> = Vec::new();
    for dir in shards {
        let path = dir.join(output::FINDINGS);
        let file = std::fs::File::open(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let mut reader = BufReader::new(file).lines();
        if let Some((repository, line)) = next(&mut reader, &path)? {
            heads.push(Head { repository, line, reader, path });
        }
    }
    let file = std::fs::File::create(out).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    let mut w = BufWriter::new(file);
    let write_err = |e: std::io::Error| format!("cannot write {}: {e}", out.display());
    while let Some(i) = (0..heads.len()).min_by(|&a, &b| heads[a].repository.cmp(&heads[b].repository)) {
        // A repository's lines are contiguous in one shard: copy them all.
        let repository = heads[i].repository.clone();
        loop {
            let head = &mut heads[i];
            w.write_all(head.line.as_bytes()).map_err(write_err)?;
            w.write_all(b"\n").map_err(write_err)?;
            match next(&mut head.reader, &head.path)? {
                Some((r, line)) if r == repository => head.line = line,
                Some((r, line)) => {
                    head.repository = r;
                    head.line = line;
                    break;
                }
                None => {
                    heads.swap_remove(i);
                    break;
                }
            }
        }
    }
    w.flush().map_err(write_err)
}
