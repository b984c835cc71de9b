//! The pipeline: artifacts → (decode → detect + declarations → findings → suppressions) per
//! file in parallel → sorted findings and a summary. Workers never print.

use crate::decode::{is_binary, Document};
use crate::detect::project::ProjectMap;
use crate::detect::{Candidate, DetectorSet};
use crate::diagnostic::{fingerprint, redact, Category, Excerpt, Finding, Position, Related, Severity};
use crate::filter::suppression;
use crate::report::Summary;
use crate::source::{Artifact, Content, Provenance};
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Read;

/// Checks declarations (manifests and known configs) in a file; implemented by the policy layer.
pub trait DeclarationChecker: Sync {
    /// Cheap: could this file hold declarations?
    fn wants(&self, path: &str, bytes: &[u8]) -> bool;
    /// `bindings`: the file's bindings, shared with the detectors (one structure model).
    fn check(&self, path: &str, doc: &Document, bindings: &crate::bindings::FileBindings) -> Vec<Finding>;
    /// Findings that need every file (e.g. duplicate key names across manifests), once at the end.
    fn finish(&self) -> Vec<Finding> {
        Vec::new()
    }
}

/// What the pipeline needs besides the artifacts.
pub struct ScanContext<'a> {
    pub detectors: &'a DetectorSet,
    pub declarations: Option<&'a dyn DeclarationChecker>,
    pub max_file_size: u64,
    pub show_secrets: bool,
    /// Extra inline markers that silence secret findings on their line (`[rules] allow_markers`).
    pub allow_markers: &'a [String],
}

/// The outcome of one file.
#[derive(Default)]
struct FileResult {
    findings: Vec<Finding>,
    bytes: u64,
    scanned: bool,
    skipped: Option<&'static str>,
    suppressed: u64,
}

/// Scans every artifact; findings come back sorted by path, offset, rule.
pub fn scan(artifacts: &[Artifact], ctx: &ScanContext) -> (Vec<Finding>, Summary) {
    let projects = crate::detect::project::ProjectMap::build(artifacts);
    // Fold per worker instead of collecting one result per file: memory stays flat on trees of
    // 100k files, and the final sort makes the order independent of scheduling.
    let (mut findings, summary) = artifacts
        .par_iter()
        .fold(
            || (Vec::new(), Summary::default()),
            |(mut findings, mut summary), artifact| {
                let r = scan_artifact(artifact, ctx, &projects);
                crate::progress::file_done(r.bytes, r.findings.len());
                summary.bytes_scanned += r.bytes;
                summary.files_scanned += u64::from(r.scanned);
                summary.suppressed += r.suppressed;
                if let Some(reason) = r.skipped {
                    *summary.skipped.entry(reason.to_string()).or_default() += 1;
                    summary.skipped_files.push((artifact.path.clone(), reason.to_string()));
                }
                findings.extend(r.findings);
                (findings, summary)
            },
        )
        .reduce(
            || (Vec::new(), Summary::default()),
            |(mut fa, mut sa), (fb, sb)| {
                fa.extend(fb);
                sa.bytes_scanned += sb.bytes_scanned;
                sa.files_scanned += sb.files_scanned;
                sa.suppressed += sb.suppressed;
                for (k, v) in sb.skipped {
                    *sa.skipped.entry(k).or_default() += v;
                }
                sa.skipped_files.extend(sb.skipped_files);
                (fa, sa)
            },
        );
    if let Some(checker) = ctx.declarations {
        findings.extend(checker.finish());
    }
    sort_findings(&mut findings);
    (findings, summary)
}

/// The deterministic order of spec/output.md.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()).then_with(|| a.fingerprint.cmp(&b.fingerprint)));
}

fn scan_artifact(artifact: &Artifact, ctx: &ScanContext, projects: &ProjectMap) -> FileResult {
    match &artifact.content {
        Content::Bytes(b) => scan_bytes(artifact, b, ctx, projects),
        Content::Unreadable(err) => io_error(artifact, err),
        Content::OnDisk { size } => {
            if *size > ctx.max_file_size {
                return FileResult { skipped: Some("too-large"), ..Default::default() };
            }
            let Provenance::File(abs) = &artifact.provenance else {
                return io_error(artifact, "no content");
            };
            // One read buffer per worker thread, sized from the walk's metadata: no realloc
            // chain and no fresh (page-faulting) allocation per file.
            READ_BUF.with(|cell| {
                let mut buf = cell.borrow_mut();
                buf.clear();
                let result = match read_into(abs, ctx.max_file_size, *size, &mut buf) {
                    Ok(()) => scan_bytes(artifact, &buf, ctx, projects),
                    Err(e) => io_error(artifact, &e.to_string()),
                };
                if buf.capacity() > READ_BUF_KEEP {
                    *buf = Vec::new();
                }
                result
            })
        }
    }
}

thread_local! {
    static READ_BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Read buffers larger than this are released after the file (bounds RSS per thread).
const READ_BUF_KEEP: usize = 2 << 20;

fn scan_bytes(artifact: &Artifact, bytes: &[u8], ctx: &ScanContext, projects: &ProjectMap) -> FileResult {
    if bytes.len() as u64 > ctx.max_file_size {
        return FileResult { skipped: Some("too-large"), ..Default::default() };
    }
    if is_binary(bytes) {
        return FileResult { skipped: Some("binary"), bytes: 0, ..Default::default() };
    }
    let mut result = FileResult { bytes: bytes.len() as u64, scanned: true, ..Default::default() };
    let hits = ctx.detectors.prefilter(bytes);
    let wants_declarations = ctx.declarations.is_some_and(|d| d.wants(&artifact.path, bytes));
    let project = projects.exchange_for(&artifact.path);
    let mut wants_detection = ctx.detectors.wants(&artifact.path, &hits, project.is_some(), bytes);
    if !wants_detection && !wants_declarations && !hits.any() {
        return result;
    }
    // Invalid UTF-8 (Latin-1 configs) is decoded lossily rather than skipped: never lose a finding.
    let text: Cow<str> = String::from_utf8_lossy(bytes);
    // Keywords of bare patterns only (`master-`, `PRIVATE KEY-----`): read on only if one matches.
    wants_detection = wants_detection || ctx.detectors.bare_match(&hits, &text);
    if !wants_detection && !wants_declarations {
        return result;
    }
    let doc = Document::new(&text);
    // One structure model per file, read by the detectors and the declaration extractors.
    let windows = if project.is_none() && !wants_declarations { hits.windows(&doc) } else { None };
    let bindings = match &windows {
        Some(w) if crate::detect::evidence::path_exchange(&artifact.path).is_none() => {
            crate::bindings::collect_windows(&artifact.path, &text, w)
        }
        _ => crate::bindings::collect(&artifact.path, &text),
    };
    let candidates = if wants_detection {
        ctx.detectors.detect(&artifact.path, &doc, &hits, &bindings, project)
    } else {
        Vec::new()
    };
    let mut findings = secret_findings(&artifact.path, &doc, &candidates, ctx);
    if wants_declarations {
        if let Some(checker) = ctx.declarations {
            findings.extend(checker.check(&artifact.path, &doc, &bindings));
        }
    }
    result.suppressed = suppression::apply(&artifact.path, &doc, &mut findings, ctx.allow_markers);
    if let Some(ranges) = &artifact.changed_lines {
        findings.retain(|f| ranges.iter().any(|&(s, e)| f.start.line <= e && f.end.line >= s));
    }
    let mut secret_spans: Vec<(usize, usize, bool)> = candidates
        .iter()
        .map(|c| (c.start, c.end, ctx.detectors.part(c.rule) == crate::detect::rules::Part::Passphrase))
        .chain(findings.iter().filter(|f| f.sensitive).map(|f| (f.start.offset, f.end.offset, false)))
        .collect();
    // Sorted by start, non-overlapping ends ascending too: excerpts binary-search their range.
    secret_spans.sort_unstable();
    for f in &mut findings {
        f.excerpt = Some(excerpt(&doc, f, &secret_spans, ctx.show_secrets));
        if let Provenance::Commit(info) = &artifact.provenance {
            f.commit = Some(info.clone());
        }
    }
    result.findings = findings;
    result
}

fn read_into(path: &std::path::Path, max: u64, size_hint: u64, buf: &mut Vec<u8>) -> std::io::Result<()> {
    let file = std::fs::File::open(path)?;
    buf.reserve(size_hint.min(max) as usize + 1);
    file.take(max + 1).read_to_end(buf)?;
    Ok(())
}

fn io_error(artifact: &Artifact, err: &str) -> FileResult {
    let start = Position { line: 1, column: 1, offset: 0 };
    FileResult {
        findings: vec![Finding {
            start,
            end: start,
            message: format!("cannot read this file: {err}"),
            help: "check its permissions; keylint could not scan it, so it may hold secrets".into(),
            fingerprint: fingerprint(&["io-error", &artifact.path]),
            ..Finding::blank("io-error", Category::Io, Severity::Error, &artifact.path)
        }],
        ..Default::default()
    }
}

/// Lines between parts that still count as one credential.
const CREDENTIAL_SPAN_LINES: usize = 40;

fn secret_findings(path: &str, doc: &Document, candidates: &[Candidate], ctx: &ScanContext) -> Vec<Finding> {
    let set = ctx.detectors;
    let part = |c: &Candidate| set.rules[c.rule].spec.part;
    // Tie the parts of one credential: same exchange, within a few dozen lines, and each part
    // at most once (a repeated part starts the next credential), so a group has ≤ 4 members.
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut group_of: Vec<usize> = Vec::with_capacity(candidates.len());
    let mut open_by_exchange: BTreeMap<usize, usize> = BTreeMap::new();
    for (i, c) in candidates.iter().enumerate() {
        let joined = c.exchange.and_then(|ex| {
            let g = *open_by_exchange.get(&ex)?;
            let last = *groups[g].last()?;
            let gap = doc.line_index(c.start).saturating_sub(doc.line_index(candidates[last].end));
            let has_part = groups[g].iter().any(|&m| part(&candidates[m]) == part(c));
            (gap <= CREDENTIAL_SPAN_LINES && !has_part).then_some(g)
        });
        let g = joined.unwrap_or_else(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(i);
        group_of.push(g);
        if let Some(ex) = c.exchange {
            open_by_exchange.insert(ex, g);
        }
    }
    let credential_ids: Vec<String> = groups
        .iter()
        .map(|members| {
            let c = &candidates[members[0]];
            let slug = c.exchange.map(|e| set.exchanges.exchanges[e].slug.as_str()).unwrap_or("");
            fingerprint(&["credential", path, slug, &c.value])
        })
        .collect();
    // Positions in one pass over the text: a hostile one-line file with many secrets stays linear.
    let mut offsets: Vec<usize> = candidates.iter().flat_map(|c| [c.start, c.end]).collect();
    let positions = doc.positions(&mut offsets);
    let pos = |o: usize| positions.get(&o).copied().unwrap_or_else(|| doc.position(o));

    candidates
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let spec = &set.rules[c.rule].spec;
            let exchange = c.exchange.map(|e| set.exchanges.exchanges[e].slug.clone());
            let related = groups[group_of[i]]
                .iter()
                .filter(|&&j| j != i)
                .map(|&j| {
                    let o = &candidates[j];
                    Related {
                        label: format!("{} of the same credential", part(o).as_str()),
                        start: pos(o.start),
                        end: pos(o.end),
                    }
                })
                .collect();
            Finding {
                exchange,
                start: pos(c.start),
                end: pos(c.end),
                message: format!("{} in plain text", spec.description),
                help: spec.help.clone(),
                fingerprint: fingerprint(&["secret", &spec.id, path, &c.value]),
                snippet: snippet(doc, c, candidates, set, ctx.show_secrets),
                part: Some(spec.part.as_str().to_string()),
                credential: Some(credential_ids[group_of[i]].clone()),
                related,
                evidence: Some(c.evidence.clone()),
                ..Finding::blank(&spec.id, Category::Secret, spec.severity, path)
            }
        })
        .collect()
}

/// The finding's line, cut to a window around the secret, with every secret on it redacted.
fn snippet(doc: &Document, c: &Candidate, all: &[Candidate], set: &DetectorSet, show: bool) -> String {
    let (ls, le) = doc.line_range(doc.line_index(c.start));
    // Keep long (minified) lines readable and cheap: a window around the secret.
    let from = floor_boundary(doc.text, ls.max(c.start.saturating_sub(SNIPPET_CONTEXT)));
    let to = ceil_boundary(doc.text, c.end.max(le.min(c.end + SNIPPET_CONTEXT)));
    let lo = all.partition_point(|o| o.end <= from);
    let spans: Vec<(usize, usize, bool)> = all[lo..]
        .iter()
        .take_while(|o| o.start < to)
        .filter(|o| o.end > from)
        .map(|o| (o.start, o.end, set.part(o.rule) == crate::detect::rules::Part::Passphrase))
        .collect();
    let (text, _) = redact_region(doc.text, from, to, &spans, show, &[]);
    let mut out = String::new();
    if from > ls {
        out.push('…');
    }
    out.push_str(text.trim());
    if to < le {
        out.push('…');
    }
    out
}

/// Bytes of context kept on each side of a secret in snippets and excerpts of long lines.
const SNIPPET_CONTEXT: usize = 60;
const EXCERPT_CONTEXT: usize = 240;

fn floor_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Copies `text[from..to]`, replacing each span in `spans` (start, end, is_passphrase) by its
/// redaction, and maps the byte offsets in `track` to offsets in the result.
fn redact_region(
    text: &str,
    from: usize,
    to: usize,
    spans: &[(usize, usize, bool)],
    show: bool,
    track: &[usize],
) -> (String, Vec<usize>) {
    let mut sorted: Vec<(usize, usize, bool)> = spans.iter().copied().filter(|s| s.0 < to && s.1 > from).collect();
    sorted.sort();
    let mut out = String::with_capacity(to.saturating_sub(from));
    let mut mapped = vec![usize::MAX; track.len()];
    let mut pos = from;
    let map_until = |pos: usize, limit: usize, out_len: usize, mapped: &mut Vec<usize>| {
        for (k, &t) in track.iter().enumerate() {
            if mapped[k] == usize::MAX && t >= pos && t <= limit {
                mapped[k] = out_len + (t - pos);
            }
        }
    };
    for (s, e, pass) in sorted {
        let s = s.max(pos);
        if s >= e {
            continue;
        }
        map_until(pos, s, out.len(), &mut mapped);
        out.push_str(&text[pos..s]);
        let secret = &text[s..e.min(to.max(e))];
        let replacement = if show { secret.to_string() } else { redact(secret, pass) };
        for (k, &t) in track.iter().enumerate() {
            // An offset at or inside a redacted span maps to the end of its replacement.
            if t == e || (t > s && t < e && mapped[k] == usize::MAX) {
                mapped[k] = out.len() + replacement.len();
            }
        }
        out.push_str(&replacement);
        pos = e;
    }
    if pos < to {
        map_until(pos, to, out.len(), &mut mapped);
        out.push_str(&text[pos..to]);
    }
    for m in &mut mapped {
        if *m == usize::MAX {
            *m = out.len();
        }
    }
    (out, mapped)
}

/// The redacted source lines around a finding and its related spans, for the human reporter.
fn excerpt(doc: &Document, f: &Finding, secrets: &[(usize, usize, bool)], show: bool) -> Excerpt {
    let first_line = doc.line_index(f.start.offset);
    let mut last_line = doc.line_index(f.end.offset.max(f.start.offset));
    let mut lo = first_line;
    // Related spans shown beside the primary: close by, and never on a line after a multi-line
    // secret (its redaction is one line, which would shift the gutter numbers of later lines).
    let primary_multiline = f.end.line > f.start.line;
    let near: Vec<&Related> = f
        .related
        .iter()
        .filter(|r| r.start.line.abs_diff(f.start.line) <= 8 && r.end.line == r.start.line)
        .filter(|r| !primary_multiline || r.start.offset < f.start.offset)
        .collect();
    // The leftmost tracked position (its column is known), to clip long first lines against.
    let mut leftmost = f.start;
    for r in &near {
        lo = lo.min(r.start.line - 1);
        last_line = last_line.max(r.end.line - 1);
        if r.start.offset < leftmost.offset {
            leftmost = r.start;
        }
    }
    let rightmost = near.iter().map(|r| r.end.offset).chain([f.end.offset]).max().unwrap_or(f.end.offset);
    let from = floor_boundary(doc.text, doc.line_range(lo).0.max(leftmost.offset.saturating_sub(EXCERPT_CONTEXT)));
    let line_end = doc.line_range(last_line).1.max(f.end.offset.min(doc.text.len()));
    let to = ceil_boundary(doc.text, line_end.min(rightmost + EXCERPT_CONTEXT).max(rightmost.min(doc.text.len())));
    let first_column = leftmost.column.saturating_sub(1 + doc.text[from..leftmost.offset.max(from)].chars().count());
    let mut track = vec![f.start.offset, f.end.offset];
    for r in &near {
        track.push(r.start.offset);
        track.push(r.end.offset);
    }
    let lo_idx = secrets.partition_point(|s| s.1 <= from);
    let hi_idx = lo_idx + secrets[lo_idx..].partition_point(|s| s.0 < to);
    let (text, mapped) = redact_region(doc.text, from, to, &secrets[lo_idx..hi_idx], show, &track);
    let related =
        near.iter().enumerate().map(|(k, r)| (mapped[2 + 2 * k], mapped[3 + 2 * k], r.label.clone())).collect();
    Excerpt { text, first_line: lo + 1, first_column, primary: (mapped[0], mapped[1]), related }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_region_maps_offsets_through_replacements() {
        let text = "A=0123456789ABCDEF01230123 B=pass1234";
        let spans = [(2, 26, false), (29, 37, true)];
        let (out, mapped) = redact_region(text, 0, text.len(), &spans, false, &[2, 26, 29, 37]);
        assert_eq!(out, "A=0123…0123 B=****");
        assert_eq!(&out[mapped[0]..mapped[1]], "0123…0123");
        assert_eq!(&out[mapped[2]..mapped[3]], "****");
    }
}
