//! Whose key a value is: the exchange evidence around a binding, strongest first — its own
//! name, a sibling in the same structure (`exchange: okx`, `name: binance`, a CDP key name
//! beside it), the enclosing structures (`[exchange.gemini]`, `ccxt.bybit({…})`,
//! `new RestClientV5(…)`), the SDK the file imports, the comment right above, the file path, the
//! one exchange the file names, and the repository's own dependencies and README.

use crate::bindings::names::{self, Vocabulary};
use crate::bindings::{Binding, FileBindings, Role, StructureKind};
use serde::Serialize;

/// Members looked at on each side of a binding in its structure.
const SIBLING_WINDOW: usize = 48;

/// Where an exchange attribution came from, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// The binding's own name (`OKX_SECRET_KEY`, `OK-ACCESS-KEY`, `bfx_key`).
    Name,
    /// A sibling in the same object, row or paragraph (`"exchange": "okx"`, `okx_api_key` beside
    /// a bare `secret`).
    Sibling,
    /// An enclosing structure's name (`okx:`, `[exchange.gemini]`, a `KRAKEN_PROXY` URL).
    Parent,
    /// The callee a value is passed to (`ccxt.okx({…})`, `new RestClientV5(…)`).
    Callee,
    /// The exchange SDK the file imports.
    Import,
    /// The comment or heading right above.
    Comment,
    /// An exchange named on the value's own line (a log record's logger, a class or config
    /// call heading the block) or on the lines right above it in the same paragraph.
    Nearby,
    /// The file's path.
    Path,
    /// The only exchange the file names.
    File,
    /// The repository: an exchange SDK among its dependencies, or its README.
    Project,
    /// The value's own shape (`mx0v…`, `organizations/…/apiKeys/…`).
    Shape,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Name => "name",
            Source::Sibling => "sibling",
            Source::Parent => "parent",
            Source::Callee => "callee",
            Source::Import => "import",
            Source::Comment => "comment",
            Source::Nearby => "nearby",
            Source::Path => "path",
            Source::File => "file",
            Source::Project => "project",
            Source::Shape => "shape",
        }
    }
}

/// What the file says about exchanges, computed once per file.
pub struct FileEvidence<'a> {
    pub fb: &'a FileBindings,
    pub text: &'a str,
    /// Bindings per structure.
    pub members: Vec<Vec<usize>>,
    /// (line start offsets) for "the comment right above".
    pub line_starts: &'a [usize],
    /// The exchange the path names, the segment, and whether that segment is the file name.
    pub path: Option<(usize, String, bool)>,
    pub only: Option<usize>,
    pub import: Option<(usize, String)>,
    pub project: Option<(usize, String)>,
    /// (offset, exchange) of every exchange mention, sorted by offset.
    mentions: Vec<(usize, usize)>,
    /// Variable (last segment) → the calls it is passed to, as a word or a keyword argument.
    flows: std::collections::HashMap<String, Vec<usize>>,
    /// Call structure → the variable its result is assigned to.
    assigned: std::collections::HashMap<usize, String>,
    /// (start, binding) of literal bindings, sorted: the innermost value holding an offset.
    by_start: Vec<(usize, usize)>,
    /// Comment end line → comment index.
    comment_lines: Vec<(usize, usize)>,
}

/// An attribution: the exchange, where it came from, and the word that said so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribution {
    pub exchange: usize,
    pub source: Source,
    pub context: String,
}

impl<'a> FileEvidence<'a> {
    pub fn new(
        fb: &'a FileBindings,
        text: &'a str,
        line_starts: &'a [usize],
        path: &str,
        mentions: &[(usize, usize)],
        project: Option<(usize, String)>,
    ) -> Self {
        let v = Vocabulary::get();
        let mut members = vec![Vec::new(); fb.structures.len()];
        for (i, b) in fb.bindings.iter().enumerate() {
            if let Some(m) = members.get_mut(b.structure) {
                m.push(i);
            }
        }
        let mut distinct: Vec<usize> = mentions.iter().map(|m| m.1).collect();
        distinct.sort_unstable();
        distinct.dedup();
        let only = (distinct.len() == 1).then(|| distinct[0]);
        let mut imports: Vec<(usize, String)> =
            fb.imports.iter().filter_map(|m| v.sdk_import(m).map(|e| (e, m.clone()))).collect();
        imports.sort();
        imports.dedup_by_key(|(e, _)| *e);
        let import = (imports.len() == 1).then(|| imports.remove(0));
        let line_of = |off: usize| line_starts.partition_point(|&s| s <= off).saturating_sub(1);
        let mut comment_lines: Vec<(usize, usize)> =
            fb.comments.iter().enumerate().map(|(i, &(_, e))| (line_of(e.saturating_sub(1)), i)).collect();
        comment_lines.sort_unstable();
        FileEvidence {
            fb,
            text,
            members,
            line_starts,
            path: path_exchange(path),
            only,
            import,
            project,
            mentions: {
                let mut m = mentions.to_vec();
                m.sort_unstable();
                m
            },
            flows: {
                let last = |v: &str| v.rsplit(['.', ':', '>']).next().unwrap_or(v).to_string();
                let mut flows: std::collections::HashMap<String, Vec<usize>> = std::collections::HashMap::new();
                for (w, s) in &fb.uses {
                    flows.entry(last(w)).or_default().push(*s);
                }
                for nb in fb.bindings.iter().filter(|nb| !nb.literal && nb.value.len() <= 128) {
                    if fb.structures.get(nb.structure).is_some_and(|s| s.kind == StructureKind::Call) {
                        flows.entry(last(&nb.value)).or_default().push(nb.structure);
                    }
                }
                flows
            },
            assigned: fb.assigned.iter().map(|(s, v)| (*s, v.clone())).collect(),
            by_start: {
                let mut v: Vec<(usize, usize)> =
                    fb.bindings.iter().enumerate().filter(|(_, b)| b.literal).map(|(i, b)| (b.start, i)).collect();
                v.sort_unstable();
                v
            },
            comment_lines,
        }
    }

    fn line_of(&self, off: usize) -> usize {
        self.line_starts.partition_point(|&s| s <= off).saturating_sub(1)
    }

    /// The exchange of binding `bi`; `weak`: its name is one generic word, so only its own
    /// structure, the callee, the import and a comment right above may decide.
    pub fn attribute(&self, bi: usize, name_exchange: Option<usize>, weak: bool) -> Option<Attribution> {
        let v = Vocabulary::get();
        let b = &self.fb.bindings[bi];
        let slug = |ex: usize| v.exchanges.exchanges[ex].slug.clone();
        if let Some(ex) = name_exchange {
            return Some(Attribution { exchange: ex, source: Source::Name, context: names::clip_name(&b.name) });
        }
        if let Some(a) = self.sibling(bi).or_else(|| self.columnar(b)) {
            return Some(a);
        }
        if let Some(a) = self.ancestors(b).or_else(|| self.usage(b)) {
            return Some(a);
        }
        if let Some((ex, m)) = &self.import {
            return Some(Attribution { exchange: *ex, source: Source::Import, context: names::clip_name(m) });
        }
        if let Some(a) = self.comment_above(b).or_else(|| self.heading_above(b)) {
            return Some(a);
        }
        if let Some(a) = self.nearby(b, weak) {
            return Some(a);
        }
        if let Some((ex, seg, file_name)) = &self.path {
            // A generic `key=` counts in `bootstrap-bitvavo.sh`, not anywhere under `bitvavo/`.
            if !weak || *file_name {
                return Some(Attribution { exchange: *ex, source: Source::Path, context: seg.clone() });
            }
        }
        if weak {
            return None;
        }
        if let Some(ex) = self.only {
            return Some(Attribution { exchange: ex, source: Source::File, context: slug(ex) });
        }
        if let Some((ex, what)) = &self.project {
            return Some(Attribution { exchange: *ex, source: Source::Project, context: what.clone() });
        }
        None
    }

    /// Whether binding `bi`'s value holds a value of its own worth judging (JSON in a string,
    /// a PEM inside a serialized secret): then the inner values are judged, not the whole.
    pub fn holds_values(&self, bi: usize) -> bool {
        let b = &self.fb.bindings[bi];
        let from = self.by_start.partition_point(|&(s, _)| s < b.start);
        self.by_start[from..].iter().take_while(|&&(s, _)| s < b.end).take(64).any(|&(s, i)| {
            let inner = &self.fb.bindings[i];
            i != bi && inner.literal && inner.end <= b.end && inner.end - s < b.end - b.start && inner.value.len() >= 16
        })
    }

    /// The innermost literal binding whose value holds `offset`.
    pub fn holder_of(&self, offset: usize) -> Option<usize> {
        let at = self.by_start.partition_point(|&(s, _)| s <= offset);
        self.by_start[at.saturating_sub(16)..at]
            .iter()
            .rev()
            .map(|&(_, i)| i)
            .filter(|&i| {
                let b = &self.fb.bindings[i];
                offset < b.end.max(b.start + 1)
            })
            .min_by_key(|&i| self.fb.bindings[i].end - self.fb.bindings[i].start)
    }

    /// The exchange of a value no binding holds (a PEM block in a heredoc or a file of its
    /// own): a comment or line right above, then the path, the sole mention, the repository.
    pub fn attribute_at(&self, offset: usize) -> Option<Attribution> {
        let at = Binding {
            name: String::new(),
            name_start: offset,
            value: String::new(),
            start: offset,
            end: offset,
            encoding: crate::bindings::Encoding::Raw,
            literal: true,
            role: Role::Named,
            structure: 0,
        };
        self.comment_above(&at)
            .or_else(|| self.heading_above(&at))
            .or_else(|| self.nearby(&at, false))
            .or_else(|| self.attribute_file())
    }

    /// The exchange of a value no binding holds: path, sole mention, repository.
    pub fn attribute_file(&self) -> Option<Attribution> {
        let v = Vocabulary::get();
        if let Some((ex, seg, _)) = &self.path {
            return Some(Attribution { exchange: *ex, source: Source::Path, context: seg.clone() });
        }
        if let Some(ex) = self.only {
            return Some(Attribution {
                exchange: ex,
                source: Source::File,
                context: v.exchanges.exchanges[ex].slug.clone(),
            });
        }
        self.project.as_ref().map(|(ex, what)| Attribution {
            exchange: *ex,
            source: Source::Project,
            context: what.clone(),
        })
    }

    /// Exchange evidence from the binding's own structure: a field naming the exchange, a
    /// sibling credential whose name names one, a sibling whose value has an exchange's shape.
    /// In flat files (paragraphs) the nearest such sibling wins.
    fn sibling(&self, bi: usize) -> Option<Attribution> {
        let b = &self.fb.bindings[bi];
        let kind = self.fb.structures.get(b.structure).map(|s| s.kind)?;
        if kind == StructureKind::File {
            return None;
        }
        let flat = matches!(kind, StructureKind::Section);
        let mut best: Option<(u8, usize, Attribution)> = None;
        // The nearest members only: a structure of 100k records must not cost 100k per value.
        let members = self.members.get(b.structure)?;
        let at = members.partition_point(|&m| m < bi);
        let window = &members[at.saturating_sub(SIBLING_WINDOW)..(at + SIBLING_WINDOW).min(members.len())];
        for &si in window {
            if si == bi {
                continue;
            }
            let s = &self.fb.bindings[si];
            let Some((rank, a)) = sibling_says(s) else { continue };
            let dist = if flat { s.start.abs_diff(b.start) } else { 0 };
            if best.as_ref().is_none_or(|(r, d, _)| (rank, dist) < (*r, *d)) {
                best = Some((rank, dist, a));
            }
        }
        best.map(|(_, _, a)| a)
    }

    /// Column-wise tables (`pd.DataFrame({"exchange": ["okx", …], "api_key": ["…", …]})`): the
    /// n-th element of a credential list belongs to the n-th element of an exchange list beside it.
    fn columnar(&self, b: &Binding) -> Option<Attribution> {
        let v = Vocabulary::get();
        let Role::Positional(i) = b.role else { return None };
        let list = self.fb.structures.get(b.structure).filter(|s| s.kind == StructureKind::List)?;
        let parent = list.parent?;
        if self.fb.structures.len() > 4096 {
            return None;
        }
        for (si, s) in self.fb.structures.iter().enumerate() {
            if s.parent != Some(parent)
                || s.kind != StructureKind::List
                || !v.is_exchange_field(&names::joined(&s.name))
            {
                continue;
            }
            let cell =
                self.members.get(si)?.iter().map(|&m| &self.fb.bindings[m]).find(|m| m.role == Role::Positional(i))?;
            let ex = v.exchanges_in_text(&cell.value).first().copied().or_else(|| abbreviation_in(&cell.value))?;
            return Some(Attribution { exchange: ex, source: Source::Sibling, context: names::clip_name(&cell.value) });
        }
        None
    }

    /// Exchange evidence from enclosing structures: their names (with abbreviations), callees
    /// that are SDK client classes, and exchange fields among their own bindings.
    fn ancestors(&self, b: &Binding) -> Option<Attribution> {
        let v = Vocabulary::get();
        let mut depth = 0;
        let mut skip_own_members = true;
        for (si, s) in self.fb.ancestors_indexed(b.structure) {
            depth += 1;
            if depth > 8 {
                break;
            }
            if !s.name.is_empty() || !s.detail.is_empty() {
                let toks = names::tokens(&format!("{} {}", s.name, s.detail));
                if let Some(ex) = v.exchange_in(&toks, true) {
                    let source = if s.kind == StructureKind::Call { Source::Callee } else { Source::Parent };
                    let what = if s.name.is_empty() { &s.detail } else { &s.name };
                    return Some(Attribution { exchange: ex, source, context: names::clip_name(what) });
                }
                if s.kind == StructureKind::Call {
                    if let Some(ex) = v.sdk_class(&s.name).or_else(|| self.imported_exchange(&s.name)) {
                        return Some(Attribution {
                            exchange: ex,
                            source: Source::Callee,
                            context: names::clip_name(&s.name),
                        });
                    }
                }
            }
            if !skip_own_members {
                for &mi in self.members.get(si).into_iter().flatten().take(SIBLING_WINDOW) {
                    if let Some((0, a)) = sibling_says(&self.fb.bindings[mi]) {
                        return Some(Attribution { source: Source::Parent, ..a });
                    }
                }
            }
            skip_own_members = false;
            if s.kind == StructureKind::File {
                break;
            }
        }
        None
    }

    /// One exchange named before the value on its own line, or (for names that are not one
    /// generic word) on the nearest line above in the same paragraph that names any.
    fn nearby(&self, b: &Binding, weak: bool) -> Option<Attribution> {
        let v = Vocabulary::get();
        let mut line = self.line_of(b.start);
        // Lines continued with a trailing backslash are one statement (`vault kv put … \`).
        while line > 0 {
            let prev = self.text.get(self.line_starts[line - 1]..self.line_starts[line]).unwrap_or("");
            if !prev.trim_end().ends_with('\\') {
                break;
            }
            line -= 1;
        }
        let line_start = *self.line_starts.get(line)?;
        let one = |from: usize, to: usize| -> Option<usize> {
            let lo = self.mentions.partition_point(|m| m.0 < from);
            let mut found = self.mentions[lo..].iter().take_while(|m| m.0 < to).map(|m| m.1);
            let first = found.next()?;
            found.all(|e| e == first).then_some(first)
        };
        let attribution = |ex: usize| Attribution {
            exchange: ex,
            source: Source::Nearby,
            context: v.exchanges.exchanges[ex].slug.clone(),
        };
        let name_from = b.name_start.min(b.start).max(line_start);
        if let Some(ex) = one(line_start, name_from.max(line_start)).or_else(|| one(line_start, b.start)) {
            return Some(attribution(ex));
        }
        if weak {
            return None;
        }
        for l in (line.saturating_sub(6)..line).rev() {
            let (s, e) = (self.line_starts[l], self.line_starts.get(l + 1).copied().unwrap_or(self.text.len()));
            if self.text.get(s..e).is_none_or(|t| t.trim().is_empty()) {
                break;
            }
            let lo = self.mentions.partition_point(|m| m.0 < s);
            if self.mentions.get(lo).is_some_and(|m| m.0 < e) {
                return one(s, e).map(attribution);
            }
        }
        None
    }

    /// Where the value flows: the variable it is bound to (or the result of the call it is
    /// passed to) is handed to a call that names an exchange or is an exchange SDK's client
    /// (`kc_key = "…"` … `User(kc_key, …)` with `User` from `kucoin.client`).
    fn usage(&self, b: &Binding) -> Option<Attribution> {
        let var: &str = match b.role {
            Role::Named if names::is_name_like(&b.name) && !b.name.contains(' ') => &b.name,
            Role::Positional(_) => self.assigned.get(&b.structure).map(String::as_str)?,
            _ => return None,
        };
        let short = var.rsplit(['.', ':', '>']).next().unwrap_or(var);
        let calls = self.flows.get(short).into_iter().flatten().copied();
        for s in calls.take(16) {
            for (_, st) in self.fb.ancestors_indexed(s).take(3) {
                if st.kind != StructureKind::Call || st.name.is_empty() {
                    continue;
                }
                let v = Vocabulary::get();
                let ex = v
                    .exchange_in(&names::tokens(&st.name), true)
                    .or_else(|| v.sdk_class(&st.name))
                    .or_else(|| self.imported_exchange(&st.name));
                if let Some(ex) = ex {
                    return Some(Attribution {
                        exchange: ex,
                        source: Source::Callee,
                        context: names::clip_name(&st.name),
                    });
                }
            }
        }
        None
    }

    /// The exchange of the SDK a callee was imported from (`HTTP` from `pybit.unified_trading`).
    fn imported_exchange(&self, callee: &str) -> Option<usize> {
        let v = Vocabulary::get();
        let first = callee.trim_start_matches("new ").split(['.', ':', '(']).next()?.trim();
        self.fb
            .imported
            .iter()
            .find(|(name, _)| name == first)
            .and_then(|(_, module)| v.sdk_import(module).or_else(|| v.exchange_in(&names::tokens(module), false)))
    }

    /// A comment that ends on the binding's line or on one of the two lines above it (or above
    /// the start of its structure) and names one exchange.
    fn comment_above(&self, b: &Binding) -> Option<Attribution> {
        let mut anchors = vec![b.name_start.min(b.start), b.start];
        if let Some(s) = self.fb.structures.get(b.structure) {
            if s.kind != StructureKind::File {
                anchors.push(s.start);
            }
        }
        for at in anchors {
            let line = self.line_of(at);
            let lo = line.saturating_sub(3);
            let from = self.comment_lines.partition_point(|&(l, _)| l < lo);
            let hits = self.comment_lines[from..].iter().take_while(|&&(l, _)| l <= line).collect::<Vec<_>>();
            // The nearest comment wins.
            for &&(_, ci) in hits.iter().rev() {
                if let Some(&(s, e)) = self.fb.comments.get(ci) {
                    if let Some(ex) = self.first_mention(s, e) {
                        let slug = Vocabulary::get().exchanges.exchanges[ex].slug.clone();
                        return Some(Attribution { exchange: ex, source: Source::Comment, context: slug });
                    }
                }
            }
        }
        None
    }
}

impl FileEvidence<'_> {
    /// The nearest Markdown heading above the binding, if it names one exchange: a heading
    /// names its whole section.
    fn heading_above(&self, b: &Binding) -> Option<Attribution> {
        let v = Vocabulary::get();
        let (s, e) = self.fb.headings.iter().rev().find(|&&(s, _)| s <= b.start).copied()?;
        let ex = self.first_mention(s, e)?;
        Some(Attribution { exchange: ex, source: Source::Comment, context: v.exchanges.exchanges[ex].slug.clone() })
    }

    /// The first exchange mentioned in `start..end` (the prefilter's word-boundary mentions).
    fn first_mention(&self, start: usize, end: usize) -> Option<usize> {
        let lo = self.mentions.partition_point(|m| m.0 < start);
        self.mentions.get(lo).filter(|m| m.0 < end).map(|m| m.1)
    }
}

/// An exchange abbreviated in a short name-like field value (`"venue": "CDC"`, `bfx-makers`);
/// never in data such as an address, whose case changes split out `CB` or `BG`.
fn abbreviation_in(value: &str) -> Option<usize> {
    let toks = names::tokens(value);
    if !names::is_name_like(value) || toks.len() > 4 {
        return None;
    }
    Vocabulary::get().exchange_in(&toks, true)
}

/// What a sibling binding says about the exchange: rank 0 for a field naming it
/// (`exchange: okx`), 1 for a credential name naming it, 2 for a value of an exchange's shape.
fn sibling_says(s: &Binding) -> Option<(u8, Attribution)> {
    let v = Vocabulary::get();
    let joined = names::joined(&s.name);
    if s.literal && v.is_exchange_field(&joined) && s.value.len() <= 64 {
        // The field's value may abbreviate (`"venue": "CDC"`).
        let named = v.exchanges_in_text(&s.value).first().copied().or_else(|| abbreviation_in(&s.value));
        if let Some(ex) = named {
            return Some((
                0,
                Attribution { exchange: ex, source: Source::Sibling, context: names::clip_name(&s.value) },
            ));
        }
    }
    if s.role == Role::Named || s.role == Role::Column {
        let info = v.classify(&s.name);
        if let (Some(_), Some(ex)) = (info.part, info.exchange) {
            return Some((
                1,
                Attribution { exchange: ex, source: Source::Sibling, context: names::clip_name(&s.name) },
            ));
        }
    }
    // A sibling URL whose host names the exchange (`BASE = "https://api.kraken.com"`).
    if s.literal && s.value.len() <= 256 {
        if let Some(host) = url_host(&s.value) {
            if let Some(&ex) = v.exchanges_in_text(host).first() {
                return Some((
                    2,
                    Attribution { exchange: ex, source: Source::Sibling, context: names::clip_name(host) },
                ));
            }
        }
    }
    if s.literal && is_cdp_key_name(&s.value) {
        if let Some(ex) = v.exchanges.index_of("coinbase") {
            return Some((2, Attribution { exchange: ex, source: Source::Shape, context: "CDP key name".into() }));
        }
    }
    None
}

/// `organizations/<uuid>/apiKeys/<uuid>`: a Coinbase CDP key name (and not a template of one).
fn is_cdp_key_name(v: &str) -> bool {
    let uuid = |s: &str| {
        let groups: Vec<&str> = s.split('-').collect();
        groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
            && groups.iter().all(|g| g.bytes().all(|c| c.is_ascii_hexdigit()))
    };
    v.strip_prefix("organizations/")
        .and_then(|rest| rest.split_once("/apiKeys/"))
        .is_some_and(|(org, key)| uuid(org) && uuid(key))
}

/// The host of the first URL in a value.
pub fn url_host(value: &str) -> Option<&str> {
    let rest = &value[value.find("://")? + 3..];
    let end = rest.find(['/', ':', '?', '#', '"', '\'', ' ']).unwrap_or(rest.len());
    let host = &rest[..end];
    Some(host.rsplit('@').next().unwrap_or(host))
}

/// The exchange a path names: the file name first, then directories from the nearest up;
/// and whether it was the file name.
pub fn path_exchange(path: &str) -> Option<(usize, String, bool)> {
    let v = Vocabulary::get();
    for (i, seg) in path.rsplit('/').enumerate() {
        let toks = names::tokens(seg);
        if let Some(ex) = v.exchange_in(&toks, false) {
            return Some((ex, names::clip_name(seg), i == 0));
        }
    }
    None
}
