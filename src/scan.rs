//! The pipeline: artifacts → (decode → detect + declarations → findings → suppressions) per
//! file in parallel → sorted findings and a summary. Workers never print.

use crate::decode::{decode, has_utf16_bom, is_binary, Document, OffsetMap};
use crate::detect::project::ProjectMap;
use crate::detect::rules::Part;
use crate::detect::{Candidate, DetectorSet};
use crate::diagnostic::{fingerprint, Category, Excerpt, Finding, Position, Related, Severity};
use crate::filter::suppression;
use crate::redact::{Redactor, TokenPatterns};
use crate::report::Summary;
use crate::source::file::{open_regular, ReadError};
use crate::source::{Artifact, Content, Provenance};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io::Read;
use std::sync::OnceLock;

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
    /// Called once with every artifact before the scan (e.g. to read the manifests first).
    fn prepare(&self, _artifacts: &[Artifact]) {}
    /// The text of a file a repo-wide finding points into, if the checker kept it (excerpts).
    fn source_text(&self, _path: &str) -> Option<String> {
        None
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
    /// The detectors' value patterns for the redact stage, compiled on first use (a run
    /// without findings never pays for them).
    tokens: OnceLock<TokenPatterns>,
    /// Keyword matches of lines seen in earlier versions of files (history scans).
    line_keywords: crate::detect::LineKeywords,
}

impl<'a> ScanContext<'a> {
    pub fn new(
        detectors: &'a DetectorSet,
        declarations: Option<&'a dyn DeclarationChecker>,
        max_file_size: u64,
        show_secrets: bool,
    ) -> Self {
        ScanContext {
            detectors,
            declarations,
            max_file_size,
            show_secrets,
            allow_markers: &[],
            tokens: OnceLock::new(),
            line_keywords: Default::default(),
        }
    }

    /// Extra inline markers that silence secret findings (`[rules] allow_markers`).
    pub fn with_allow_markers(mut self, markers: &'a [String]) -> Self {
        self.allow_markers = markers;
        self
    }

    /// Tokens a detector would accept are key material wherever they are shown. Passphrase
    /// patterns are left out: they accept any word (`[^\s]{6,64}`); found passphrases are
    /// still masked by value.
    pub fn token_patterns(&self) -> &TokenPatterns {
        self.tokens.get_or_init(|| {
            TokenPatterns::new(
                self.detectors
                    .rules
                    .iter()
                    .filter(|r| r.spec.part != Part::Passphrase)
                    .map(|r| (r.spec.value.as_str(), r.spec.min_entropy)),
            )
        })
    }
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
    if let Some(checker) = ctx.declarations {
        checker.prepare(artifacts);
    }
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
                sa.add_scanned(sb);
                (fa, sa)
            },
        );
    if let Some(checker) = ctx.declarations {
        // Repo-wide findings have no single file behind them: their text is masked by the
        // token patterns alone.
        let mut repo_wide = checker.finish();
        let redactor = Redactor::new(ctx.token_patterns(), ctx.show_secrets, Vec::new());
        for f in &mut repo_wide {
            mask_texts(f, &redactor);
            if let Some(text) = checker.source_text(&f.path) {
                let doc = Document::new(&text);
                let redactor = Redactor::new(ctx.token_patterns(), ctx.show_secrets, Vec::new()).with_text(doc.text);
                f.excerpt = Some(excerpt(&doc, f, &redactor));
            }
        }
        findings.extend(repo_wide);
    }
    sort_findings(&mut findings);
    (findings, summary)
}

/// The deterministic order of spec/output.md.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()).then_with(|| a.fingerprint.cmp(&b.fingerprint)));
}

fn scan_artifact(artifact: &Artifact, ctx: &ScanContext, projects: &ProjectMap) -> FileResult {
    // A bug on one hostile file must not end the scan of the others (rayon would re-raise the
    // panic): it becomes an error finding. Nothing of the panic's message is kept: it may
    // quote the file.
    let scanned = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| scan_content(artifact, ctx, projects)));
    let mut result = scanned.unwrap_or_else(|_| internal_error(artifact));
    for f in &mut result.findings {
        f.at_tip = artifact.current;
    }
    // Findings about a file that was not read (io-error, internal-error) hold no file text,
    // only keylint's words, object ids and paths: clipped (a path can be thousands of bytes
    // long), not masked (a masked commit id would hide which commit to look at).
    for f in result.findings.iter_mut().filter(|f| f.excerpt.is_none()) {
        f.message = clip(&f.message, MESSAGE_MAX_CHARS);
    }
    // Every finding from history (an io-error too) names the commit to look at.
    if let Provenance::Commit(info) = &artifact.provenance {
        for f in &mut result.findings {
            f.commit = Some((**info).clone());
        }
    }
    result
}

fn scan_content(artifact: &Artifact, ctx: &ScanContext, projects: &ProjectMap) -> FileResult {
    match &artifact.content {
        Content::Bytes(b) => scan_bytes(artifact, b, ctx, projects),
        Content::Shared(b) => scan_bytes(artifact, b, ctx, projects),
        Content::Unreadable(err) => io_error(artifact, err),
        Content::Skipped(reason) => FileResult { skipped: Some(reason), ..Default::default() },
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
                    // Replaced by a FIFO or device since the walk: never read, never blocks.
                    Err(ReadError::NotRegular(_)) => FileResult { skipped: Some("special-file"), ..Default::default() },
                    Err(ReadError::Io(e)) => io_error(artifact, &e.to_string()),
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
    let binary = || FileResult { skipped: Some("binary"), bytes: 0, ..Default::default() };
    // UTF-16 is decoded before the keyword pass (its NULs would make it look binary); UTF-8 only
    // for files with keywords, so the common file costs one pass.
    let utf16 = match has_utf16_bom(bytes) {
        true => match decode(bytes) {
            Some(d) => Some(d),
            None => return binary(),
        },
        false if is_binary(bytes) => return binary(),
        false => None,
    };
    let text_bytes = utf16.as_ref().map_or(bytes, |d| d.text.as_bytes());
    let mut result = FileResult { bytes: bytes.len() as u64, scanned: true, ..Default::default() };
    // Declarations describe how things are now: a version of a file that is no longer at the tip
    // of history is searched for secrets only.
    let wants_declarations = artifact.current && ctx.declarations.is_some_and(|d| d.wants(&artifact.path, text_bytes));
    // A later version of a file in history: a finding its earlier versions did not have starts
    // at one of its new lines (a new value, or a new name or exchange beside an old one).
    let triggers = match (&artifact.revised, &utf16) {
        (Some(revision), None) => Some(revision_triggers(text_bytes, &revision.new_lines, ctx)),
        _ => None,
    };
    if triggers.as_ref().is_some_and(Vec::is_empty) && !wants_declarations {
        return result;
    }
    let hits = match (&artifact.revised, &utf16) {
        (Some(revision), None) => ctx.detectors.prefilter_lines(text_bytes, &revision.lines, &ctx.line_keywords),
        _ => ctx.detectors.prefilter(text_bytes),
    };
    let project = projects.exchange_for(&artifact.path);
    let mut wants_detection = ctx.detectors.wants(&artifact.path, &hits, project.is_some(), text_bytes);
    if !wants_detection && !wants_declarations && !hits.any() {
        return result;
    }
    // Invalid UTF-8 (Latin-1 configs) is repaired rather than skipped: never lose a finding.
    let Some(decoded) = utf16.or_else(|| decode(bytes)) else { return binary() };
    let text: &str = &decoded.text;
    // Keywords of bare patterns only (`master-`, `PRIVATE KEY-----`): read on only if one matches.
    wants_detection = wants_detection || ctx.detectors.bare_match(&hits, text);
    if !wants_detection && !wants_declarations {
        return result;
    }
    let doc = Document::new(text);
    // One structure model per file, read by the detectors and the declaration extractors.
    let windows = if project.is_none() && !wants_declarations {
        let keyword_windows = hits.windows(&doc);
        match &triggers {
            // Only the windows around the new lines of a large file (as for a large file's
            // keywords): the rest was read in an earlier version. A small file is read whole.
            Some(offsets) if decoded.map == OffsetMap::Identity && crate::detect::reads_in_windows(doc.text.len()) => {
                let whole = [(0, doc.text.len())];
                let around_new = crate::detect::windows_around(&doc, offsets);
                Some(crate::detect::intersect_ranges(keyword_windows.as_deref().unwrap_or(&whole), &around_new))
            }
            _ => keyword_windows,
        }
    } else {
        None
    };
    let bindings = match &windows {
        Some(w) if crate::detect::evidence::path_exchange(&artifact.path).is_none() => {
            crate::bindings::collect_windows(&artifact.path, text, w)
        }
        _ => crate::bindings::collect(&artifact.path, text),
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
    redact_findings(&doc, &candidates, &mut findings, ctx);
    if decoded.map != OffsetMap::Identity {
        file_offsets(&doc, &decoded.map, &mut findings);
    }
    result.findings = findings;
    result
}

/// Where in the new lines of a file's later version (`Artifact::revised`) a finding could
/// start: keywords, credential words and tokens shaped like key material (the redact stage's
/// value patterns), and words naming an exchange where a value lies near enough to be read
/// with them (within the window a large file is read in; anywhere in a small one). Empty:
/// nothing new to read.
fn revision_triggers(bytes: &[u8], new_lines: &[(usize, usize)], ctx: &ScanContext) -> Vec<usize> {
    let mut out = Vec::new();
    let mut names = Vec::new();
    for &(start, end) in new_lines {
        let Some(part) = bytes.get(start..end) else { continue };
        ctx.detectors.revision_triggers(part, start, &mut out, &mut names);
        key_material(part, ctx, |at| {
            out.push(start + at);
            true
        });
    }
    if crate::detect::reads_in_windows(bytes.len()) {
        // Names in order, so their windows only move on: the bytes between are searched once,
        // up to the first value each time.
        let (mut searched_to, mut last_value) = (0, None);
        for at in names {
            let (start, end) = crate::detect::window_of(bytes, at);
            if last_value.is_none_or(|v| v < start) {
                let from = searched_to.max(start);
                last_value = first_value(bytes.get(from..end).unwrap_or_default(), ctx).map(|v| from + v);
                searched_to = last_value.map_or(end, |v| v + 1);
            }
            if last_value.is_some() {
                out.push(at);
            }
        }
    } else if !names.is_empty() && first_value(bytes, ctx).is_some() {
        out.append(&mut names);
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The offset of the first thing in `bytes` that could be a value worth a finding: a
/// credential word (a passphrase is any word, but only under a name that says so) or a token
/// shaped like key material.
fn first_value(bytes: &[u8], ctx: &ScanContext) -> Option<usize> {
    let word = ctx.detectors.credential_words(bytes).next();
    let mut token = None;
    key_material(bytes.get(..word.unwrap_or(bytes.len())).unwrap_or_default(), ctx, |at| {
        token = Some(at);
        false
    });
    token.or(word)
}

/// Calls `found` with the offset of each token of `bytes` shaped like key material (the redact
/// stage's value patterns), while it returns true.
fn key_material(bytes: &[u8], ctx: &ScanContext, mut found: impl FnMut(usize) -> bool) {
    let is_token = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'_' | b'-');
    let mut i = 0;
    while i < bytes.len() {
        if !is_token(&bytes[i]) {
            i += 1;
            continue;
        }
        let from = i;
        while i < bytes.len() && is_token(&bytes[i]) {
            i += 1;
        }
        if i - from >= 16 {
            if let Ok(token) = std::str::from_utf8(&bytes[from..i]) {
                if ctx.token_patterns().holds_key_material(token) && !found(from) {
                    return;
                }
            }
        }
    }
}

/// Offsets in findings count bytes of the file, not of the decoded text (UTF-16, repaired
/// UTF-8). Runs last: excerpts were cut from the text with text offsets.
fn file_offsets(doc: &Document, map: &OffsetMap, findings: &mut [Finding]) {
    let mut offsets: Vec<usize> = findings
        .iter()
        .flat_map(|f| {
            [f.start.offset, f.end.offset]
                .into_iter()
                .chain(f.related.iter().flat_map(|r| [r.start.offset, r.end.offset]))
        })
        .collect();
    offsets.sort_unstable();
    offsets.dedup();
    let mapped = map.to_file(doc.text, &offsets);
    let file = |o: usize| offsets.binary_search(&o).ok().and_then(|i| mapped.get(i).copied()).unwrap_or(o);
    for f in findings {
        f.start.offset = file(f.start.offset);
        f.end.offset = file(f.end.offset);
        for r in &mut f.related {
            r.start.offset = file(r.start.offset);
            r.end.offset = file(r.end.offset);
        }
    }
}

/// The redact stage of one file: every finding's snippet, excerpt, message and help, masked
/// by every secret value found in the file (candidates and sensitive policy spans) and by the
/// detectors' value patterns.
fn redact_findings(doc: &Document, candidates: &[Candidate], findings: &mut [Finding], ctx: &ScanContext) {
    let mut values: Vec<(String, bool)> = Vec::with_capacity(candidates.len() * 2);
    let mut spans: Vec<(usize, usize, bool)> = Vec::with_capacity(candidates.len());
    for c in candidates {
        let pass = ctx.detectors.part(c.rule) == Part::Passphrase;
        values.push((c.value.clone(), pass));
        if let Some(raw) = doc.text.get(c.start..c.end) {
            if raw != c.value {
                values.push((raw.to_string(), pass));
            }
        }
        spans.push((c.start, c.end, pass));
    }
    for f in findings.iter().filter(|f| f.sensitive) {
        if let Some(raw) = doc.text.get(f.start.offset..f.end.offset) {
            values.push((raw.trim_matches(['"', '\'']).to_string(), false));
            spans.push((f.start.offset, f.end.offset, false));
        }
    }
    let redactor = Redactor::new(ctx.token_patterns(), ctx.show_secrets, values).with_spans(spans).with_text(doc.text);
    for f in findings.iter_mut() {
        // A span never ends before it starts, whatever stage built it.
        if f.end.offset < f.start.offset {
            f.end = f.start;
        }
        if f.category == Category::Secret {
            f.snippet = secret_snippet(doc, f.start.offset, f.end.offset, &redactor);
        }
        mask_texts(f, &redactor);
        f.excerpt = Some(excerpt(doc, f, &redactor));
    }
}

/// Longest snippet shown (after masking); longer ones end in `…`.
const SNIPPET_MAX_CHARS: usize = 200;
/// Longest message or help (an io-error quotes a path that may be thousands of bytes long).
const MESSAGE_MAX_CHARS: usize = 1000;

/// Masks the free-text fields of a finding; snippets other than secrets' (built masked) are
/// masked here, then clipped.
fn mask_texts(f: &mut Finding, redactor: &Redactor) {
    if f.category != Category::Secret {
        f.snippet = clip(&redactor.mask(&f.snippet), SNIPPET_MAX_CHARS);
    }
    f.message = clip(&redactor.mask(&f.message), MESSAGE_MAX_CHARS);
    f.help = clip(&redactor.mask(&f.help), MESSAGE_MAX_CHARS);
    // Evidence quotes names and context words from the file: masked like any file text.
    if let Some(e) = &mut f.evidence {
        e.name = redactor.mask(&e.name);
        e.context = redactor.mask(&e.context);
    }
}

fn clip(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// Reads at most `max + 1` bytes (a file that grew since the walk shows up as too large; one
/// that shrank is read as it is now).
fn read_into(path: &std::path::Path, max: u64, size_hint: u64, buf: &mut Vec<u8>) -> Result<(), ReadError> {
    let file = open_regular(path)?;
    buf.reserve(size_hint.min(max) as usize + 1);
    file.take(max.saturating_add(1)).read_to_end(buf).map_err(ReadError::Io)?;
    Ok(())
}

/// A file whose scan panicked (a keylint bug): reported, never silently dropped.
fn internal_error(artifact: &Artifact) -> FileResult {
    let start = Position { line: 1, column: 1, offset: 0 };
    FileResult {
        findings: vec![Finding {
            start,
            end: start,
            message: "keylint failed on this file (an internal error) and did not finish scanning it".into(),
            help: "this is a keylint bug: please report it with keylint's version; the file may hold secrets".into(),
            fingerprint: fingerprint(&["internal-error", &artifact.path]),
            ..Finding::blank("internal-error", Category::Io, Severity::Error, &artifact.path)
        }],
        ..Default::default()
    }
}

/// An artifact that could not be read. Path `.` stands for a whole commit of history (its tree
/// or the walk itself could not be read); the message then says what was missed.
fn io_error(artifact: &Artifact, err: &str) -> FileResult {
    let start = Position { line: 1, column: 1, offset: 0 };
    let (message, help) = if artifact.path == "." {
        (
            err.to_string(),
            "the clone is incomplete or corrupt: `git fsck` lists what is missing; fetch or re-clone and scan again",
        )
    } else {
        (
            format!("cannot read this file: {err}"),
            "check its permissions; keylint could not scan it, so it may hold secrets",
        )
    };
    FileResult {
        findings: vec![Finding {
            start,
            end: start,
            message,
            help: help.into(),
            // The error is part of the identity: two unreadable commits are two findings.
            fingerprint: fingerprint(&["io-error", &artifact.path, err]),
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
                        path: None,
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
                value_key: Some(fingerprint(&["secret-value", &spec.id, &c.value])),
                // Filled (masked) by the redact stage.
                snippet: String::new(),
                part: Some(spec.part.as_str().to_string()),
                credential: Some(credential_ids[group_of[i]].clone()),
                related,
                evidence: Some(c.evidence.clone()),
                ..Finding::blank(&spec.id, Category::Secret, spec.severity, path)
            }
        })
        .collect()
}

/// The finding's line, cut to a window around the secret, masked by the redact stage.
fn secret_snippet(doc: &Document, start: usize, end: usize, redactor: &Redactor) -> String {
    let (ls, le) = doc.line_range(doc.line_index(start));
    // Keep long (minified) lines readable and cheap: a window around the secret.
    let from = ls.max(start.saturating_sub(SNIPPET_CONTEXT));
    let to = end.max(le.min(end + SNIPPET_CONTEXT));
    let region = redactor.region(doc.text, from, to, &[], None);
    let mut out = String::new();
    if region.from > ls {
        out.push('…');
    }
    out.push_str(region.text.trim());
    if region.to < le {
        out.push('…');
    }
    out
}

/// Bytes of context kept on each side of a secret in snippets and excerpts of long lines.
const SNIPPET_CONTEXT: usize = 60;
const EXCERPT_CONTEXT: usize = 240;

/// The redacted source lines around a finding and its related spans, for the human reporter.
fn excerpt(doc: &Document, f: &Finding, redactor: &Redactor) -> Excerpt {
    let first_line = doc.line_index(f.start.offset);
    let mut last_line = doc.line_index(f.end.offset.max(f.start.offset));
    let mut lo = first_line;
    // Related spans shown beside the primary: close by, and never on a line after a multi-line
    // secret (its redaction is one line, which would shift the gutter numbers of later lines).
    let primary_multiline = f.end.line > f.start.line;
    let near: Vec<&Related> = f
        .related
        .iter()
        .filter(|r| r.path.is_none() && r.start.line.abs_diff(f.start.line) <= 8 && r.end.line == r.start.line)
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
    let from = doc.line_range(lo).0.max(leftmost.offset.saturating_sub(EXCERPT_CONTEXT));
    let line_end = doc.line_range(last_line).1.max(f.end.offset.min(doc.text.len()));
    let to = line_end.min(rightmost + EXCERPT_CONTEXT).max(rightmost.min(doc.text.len()));
    let mut track = vec![f.start.offset, f.end.offset];
    for r in &near {
        track.push(r.start.offset);
        track.push(r.end.offset);
    }
    let region = redactor.region(doc.text, from, to, &track, Some(f.start.offset));
    // Columns cut off before the window: counted from the leftmost known column when the
    // window starts on its line (linear on long lines), else from the window's own line.
    let start_line = doc.line_index(region.from);
    let first_column = if start_line + 1 == leftmost.line && region.from <= leftmost.offset {
        leftmost.column.saturating_sub(1 + doc.text[region.from..leftmost.offset].chars().count())
    } else {
        doc.text[doc.line_range(start_line).0..region.from].chars().count()
    };
    let related = near
        .iter()
        .enumerate()
        .map(|(k, r)| (region.mapped[2 + 2 * k], region.mapped[3 + 2 * k], r.label.clone()))
        .collect();
    Excerpt {
        text: region.text,
        first_line: start_line + 1,
        first_column,
        primary: (region.mapped[0], region.mapped[1]),
        related,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 64 letters and digits from a seeded generator (the shape of a Binance key; never issued).
    fn synthetic_key(seed: u64) -> String {
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        (0..64)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                alphabet[(x % alphabet.len() as u64) as usize] as char
            })
            .collect()
    }

    /// A file of `count` filler lines (no keyword, credential word or key-shaped token) with
    /// some lines replaced; returns it and the offset of each line.
    fn file(count: usize, lines: &[(usize, String)]) -> (String, Vec<usize>) {
        let (mut text, mut starts) = (String::new(), Vec::new());
        for i in 0..count {
            starts.push(text.len());
            match lines.iter().find(|(at, _)| *at == i) {
                Some((_, line)) => text.push_str(line),
                None => text.push_str(&format!("    order_{i} = fetch_book_levels({i})")),
            }
            text.push('\n');
        }
        (text, starts)
    }

    fn triggers(text: &str, new: &[usize], starts: &[usize]) -> Vec<usize> {
        let detectors = DetectorSet::load(&[], &Default::default()).expect("built-in rules");
        let ctx = ScanContext::new(&detectors, None, u64::MAX, false);
        let end = |l: usize| starts.get(l + 1).copied().unwrap_or(text.len());
        let ranges: Vec<(usize, usize)> = new.iter().map(|&l| (starts[l], end(l))).collect();
        revision_triggers(text.as_bytes(), &ranges, &ctx)
    }

    #[test]
    fn exchange_names_in_new_lines_count_only_near_a_value() {
        let key = format!("API_KEY = \"{}\"", synthetic_key(1));
        let lines = [
            (1000, key.clone()),
            (960, "# binance".to_string()),
            (1040, "# bybit".to_string()),
            (1041, "# okx".to_string()),
            (1500, "# kraken".to_string()),
            (1800, "# kucoin, see okx_pwd".to_string()),
        ];
        let (text, starts) = file(2000, &lines);
        assert!(crate::detect::reads_in_windows(text.len()));
        // `# binance` and `# bybit` have the key line within 40 lines; `# okx` one line too far;
        // `# kraken` no value at all; `pwd` names a passphrase, so `kucoin` and `okx` beside it
        // count, as does the word itself.
        assert_eq!(
            triggers(&text, &[960, 1040, 1041, 1500, 1800], &starts),
            vec![starts[960] + 2, starts[1040] + 2, starts[1800] + 2, starts[1800] + 14, starts[1800] + 18]
        );
        // A key-shaped token is a value without any credential word near it.
        let (text, starts) = file(2000, &[(1000, format!("x = \"{}\"", synthetic_key(2))), (990, "# okx".to_string())]);
        assert_eq!(triggers(&text, &[990], &starts), vec![starts[990] + 2]);
        // A small file is read whole: a value anywhere in it counts.
        let (text, starts) = file(300, &[(10, "# binance".to_string()), (290, key)]);
        assert!(!crate::detect::reads_in_windows(text.len()));
        assert_eq!(triggers(&text, &[10], &starts), vec![starts[10] + 2]);
        let (text, starts) = file(300, &[(10, "# binance".to_string())]);
        assert_eq!(triggers(&text, &[10], &starts), Vec::<usize>::new());
    }
}
