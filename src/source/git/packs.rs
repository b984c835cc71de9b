//! Reading a batch of blobs straight from pack files, each delta base decoded once.
//!
//! gix decodes one object at a time, resolving its delta chain from the nearest object left in
//! its cache: reading the versions of a file out of chain order, on two workers at once, or
//! after enough other blobs to evict the last version, decodes the same bases again and again
//! (a file 30 deltas deep: 30 inflates and 30 copies of it, per version). A batch's chains are
//! known from the entries' headers without inflating anything, so here every object on them is
//! decoded once, right before the deltas based on it, and dropped after the last of them.
//! Chains that share no object are read in parallel. An object that deltas of later batches
//! rest on (the pack's deltas are counted when it is opened) is kept for them, within a memory
//! budget: past it, those nearest the whole object go first, as they are needed last.
//!
//! Whatever this cannot read (loose objects, a base in another pack, a damaged entry) is left to
//! the caller, which reads it through gix as before and reports its errors.

use gix::odb::pack;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The packs of a repository, by the order of their index file names.
pub(crate) struct Packs {
    packs: Vec<Pack>,
    kept: Mutex<Kept>,
}

struct Pack {
    index: pack::index::File,
    data: pack::data::File,
    /// How many deltas on each object are still to be decoded (`None`: not counted).
    bases: Option<Bases>,
}

/// The objects of a pack that deltas rest on, by offset, each with how many of its deltas are
/// still to be decoded (an object is worth keeping between batches only while that is not
/// zero) and its depth in its chain (the deeper, the sooner it is needed: see `Kept`).
struct Bases {
    offsets: Vec<u64>,
    left: Vec<std::sync::atomic::AtomicU32>,
    depth: Vec<u16>,
}

/// Packs with more objects are not counted (the count's memory: 16 bytes per delta while
/// counting, 14 per base object after).
const MAX_COUNTED: u32 = 2 << 20;

/// What a pack entry rests on.
enum Rests {
    /// Nothing: a whole object.
    Whole,
    /// The entry at this offset: a delta.
    On(u64),
    /// A delta on what this pack cannot give (a base outside it, a bad distance).
    Unknown,
}

fn rests_on(index: &pack::index::File, entry: &pack::data::Entry) -> Rests {
    let base = match entry.header {
        pack::data::entry::Header::OfsDelta { base_distance } => entry.checked_base_pack_offset(base_distance),
        pack::data::entry::Header::RefDelta { base_id } => index.lookup(base_id).map(|i| index.pack_offset_at_index(i)),
        _ => return Rests::Whole,
    };
    base.map_or(Rests::Unknown, Rests::On)
}

impl Bases {
    fn count(index: &pack::index::File, data: &pack::data::File) -> Option<Bases> {
        if index.num_objects() > MAX_COUNTED {
            return None;
        }
        // (offset, base offset) of every delta.
        let mut deltas: Vec<(u64, u64)> = Vec::new();
        for e in index.iter() {
            let entry = data.entry(e.pack_offset).ok()?;
            if let Rests::On(base) = rests_on(index, &entry) {
                deltas.push((e.pack_offset, base));
            }
        }
        let mut offsets: Vec<u64> = deltas.iter().map(|d| d.1).collect();
        offsets.sort_unstable();
        let mut left: Vec<std::sync::atomic::AtomicU32> = Vec::new();
        for chunk in offsets.chunk_by(|a, b| a == b) {
            left.push(std::sync::atomic::AtomicU32::new(u32::try_from(chunk.len()).unwrap_or(u32::MAX)));
        }
        offsets.dedup();
        // Depths in pack order: an offset delta's base comes before it.
        deltas.sort_unstable();
        let mut depth = vec![0u16; offsets.len()];
        for (at, base) in deltas {
            if let (Ok(i), Ok(b)) = (offsets.binary_search(&at), offsets.binary_search(&base)) {
                depth[i] = depth[b].saturating_add(1);
            }
        }
        Some(Bases { offsets, left, depth })
    }

    /// Deltas on the object at `offset` still to be decoded, and its depth.
    fn left(&self, offset: u64) -> (u32, u16) {
        let Ok(i) = self.offsets.binary_search(&offset) else { return (0, 0) };
        let left = self.left.get(i).map_or(0, |n| n.load(std::sync::atomic::Ordering::Relaxed));
        (left, self.depth.get(i).copied().unwrap_or(0))
    }

    /// One delta on the object at `offset` was decoded.
    fn decoded_one_on(&self, offset: u64) {
        if let Some(n) = self.offsets.binary_search(&offset).ok().and_then(|i| self.left.get(i)) {
            let _ = n.fetch_update(std::sync::atomic::Ordering::Relaxed, std::sync::atomic::Ordering::Relaxed, |v| {
                v.checked_sub(1)
            });
        }
    }
}

/// Where an object sits: (pack, offset of its entry).
pub(crate) type Position = (usize, u64);

/// Bytes of decoded objects kept between batches. Reading a clone's history (newest versions
/// whole) oldest first, the first batch alone decodes every file's chain from its newest
/// version down; on the small bench shape keeping all of it would take 90 MB.
const KEPT_BYTES: usize = 48 << 20;

/// Longest delta chain followed (git writes at most 50 by default; a longer one is left to gix).
const MAX_CHAIN: usize = 10_000;

/// Largest object or delta inflated here (a larger one is left to gix and its own limits).
const MAX_OBJECT: u64 = 1 << 32;

impl Packs {
    /// Opens the packs in `repo`'s object directory. A pack that cannot be opened is skipped:
    /// its objects are then read through gix.
    pub(crate) fn load(repo: &gix::Repository) -> Packs {
        let dir = repo.common_dir().join("objects").join("pack");
        let mut paths: Vec<std::path::PathBuf> = std::fs::read_dir(&dir)
            .map(|entries| {
                entries.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "idx")).collect()
            })
            .unwrap_or_default();
        paths.sort();
        let kind = repo.object_hash();
        let packs = paths
            .iter()
            .filter_map(|p| {
                let index = pack::index::File::at(p, kind).ok()?;
                let data = pack::data::File::at(p.with_extension("pack"), kind).ok()?;
                let bases = Bases::count(&index, &data);
                Some(Pack { index, data, bases })
            })
            .collect();
        Packs { packs, kept: Mutex::new(Kept::new(KEPT_BYTES)) }
    }

    /// Where `id` is packed, if in one of these packs.
    pub(crate) fn position(&self, id: &gix::ObjectId) -> Option<Position> {
        self.packs
            .iter()
            .enumerate()
            .find_map(|(n, p)| p.index.lookup(id).map(|i| (n, p.index.pack_offset_at_index(i))))
    }

    /// The bytes of the blobs at `wanted`, in order; `None` where a position is `None` or the
    /// object cannot be read here (not a blob, a base outside its pack, a damaged entry).
    pub(crate) fn read(&self, wanted: &[Option<Position>]) -> Vec<Option<Arc<Vec<u8>>>> {
        use rayon::prelude::*;
        let plan = self.plan(wanted);
        let mut roots: Vec<usize> = (0..plan.nodes.len()).filter(|&n| plan.nodes[n].base.is_none()).collect();
        roots.sort_unstable_by_key(|&n| (plan.nodes[n].pack, plan.nodes[n].offset));
        let read: Vec<Vec<(usize, Arc<Vec<u8>>)>> =
            roots.par_iter().map(|&root| self.decode_tree(&plan, root)).collect();
        let mut out: Vec<Option<Arc<Vec<u8>>>> = vec![None; wanted.len()];
        for (request, bytes) in read.into_iter().flatten() {
            if let Some(slot) = out.get_mut(request) {
                *slot = Some(bytes);
            }
        }
        out
    }

    /// Follows the delta chain of every wanted object back to a whole object (or one kept from
    /// an earlier batch), sharing the objects that chains have in common.
    fn plan(&self, wanted: &[Option<Position>]) -> Plan {
        let mut kept = self.kept.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut plan = Plan { batch: kept.batches, ..Plan::default() };
        kept.batches += 1;
        let mut at: HashMap<Position, usize> = HashMap::new();
        for (request, &position) in wanted.iter().enumerate() {
            let Some((pack, offset)) = position else { continue };
            let Some(p) = self.packs.get(pack) else { continue };
            let first = plan.nodes.len();
            // The chain's last node (nearest the whole object) and what it rests on.
            let mut offset_now = offset;
            let ends_on = loop {
                if let Some(&n) = at.get(&(pack, offset_now)) {
                    // A node of this very walk: a cycle of ref-deltas.
                    break if n >= first { Err(()) } else { Ok(Some(n)) };
                }
                if plan.nodes.len() - first > MAX_CHAIN {
                    break Err(());
                }
                let Ok(entry) = p.data.entry(offset_now) else { break Err(()) };
                let base = rests_on(&p.index, &entry);
                let kept_bytes = kept.take(pack, offset_now);
                let whole = entry.header.as_kind();
                at.insert((pack, offset_now), plan.nodes.len());
                let stops = kept_bytes.is_some() || whole.is_some();
                plan.nodes.push(Node {
                    pack,
                    offset: offset_now,
                    entry,
                    base: None,
                    children: Vec::new(),
                    wanted: Vec::new(),
                    kept: kept_bytes,
                });
                if stops {
                    break Ok(None);
                }
                match base {
                    Rests::On(b) => offset_now = b,
                    Rests::Whole | Rests::Unknown => break Err(()),
                }
            };
            match ends_on {
                Ok(rests_on) => {
                    for n in first..plan.nodes.len() {
                        plan.nodes[n].base = if n + 1 < plan.nodes.len() { Some(n + 1) } else { rests_on };
                    }
                    let target = if plan.nodes.len() > first { first } else { rests_on.unwrap_or(first) };
                    if let Some(node) = plan.nodes.get_mut(target) {
                        node.wanted.push(request);
                    }
                }
                Err(()) => {
                    // Left to gix; the objects of this walk are forgotten (kept bytes go back).
                    for node in plan.nodes.drain(first..) {
                        at.remove(&(node.pack, node.offset));
                        if let Some(bytes) = node.kept {
                            kept.put(node.pack, node.offset, bytes, 0);
                        }
                    }
                }
            }
        }
        for n in 0..plan.nodes.len() {
            if let Some(b) = plan.nodes[n].base {
                plan.nodes[b].children.push(n);
            }
        }
        plan
    }

    /// Decodes the objects resting on `root`, depth first (a base lives until its last delta is
    /// applied): the wanted ones' bytes by request.
    fn decode_tree(&self, plan: &Plan, root: usize) -> Vec<(usize, Arc<Vec<u8>>)> {
        let mut out = Vec::new();
        let mut inflate = gix::zlib::Inflate::default();
        let mut delta = Vec::new();
        // Decoded bases and how many of their deltas are still to apply.
        let mut live: HashMap<usize, (Arc<Vec<u8>>, usize)> = HashMap::new();
        let mut stack = vec![(root, 0u64)];
        while let Some((n, depth)) = stack.pop() {
            let node = &plan.nodes[n];
            let Some(pack) = self.packs.get(node.pack) else { continue };
            let bytes = match (&node.kept, node.base) {
                (Some((gix::objs::Kind::Blob, kept)), _) => Some(kept.clone()),
                (Some(_), _) => None,
                (None, None) if node.entry.header == pack::data::entry::Header::Blob => {
                    let mut whole = Vec::new();
                    inflated(pack, &node.entry, &mut inflate, &mut whole).is_some().then(|| Arc::new(whole))
                }
                (None, None) => None,
                (None, Some(b)) => {
                    let base = live.get(&b).map(|(bytes, _)| bytes.clone());
                    if let Some((_, left)) = live.get_mut(&b) {
                        *left -= 1;
                        if *left == 0 {
                            live.remove(&b);
                        }
                    }
                    if let Some(bases) = &pack.bases {
                        bases.decoded_one_on(plan.nodes[b].offset);
                    }
                    base.and_then(|base| {
                        let d = inflated(pack, &node.entry, &mut inflate, &mut delta)?;
                        apply_delta(&base, d).map(Arc::new)
                    })
                }
            };
            // An object that cannot be decoded: its wanted ones, and those resting on it, are
            // left to gix.
            let Some(bytes) = bytes else { continue };
            for &request in &node.wanted {
                out.push((request, bytes.clone()));
            }
            // Kept if deltas outside this batch rest on it (when the pack's are counted).
            // Kept if deltas outside this batch rest on it. The deeper in its chain, the sooner
            // it is needed (read in commit order, a chain is read from one end or the other).
            let keep = match &pack.bases {
                Some(bases) => {
                    let (left, depth) = bases.left(node.offset);
                    (left as usize > node.children.len()).then_some(u64::from(depth))
                }
                // Not counted: this batch's objects rank above earlier ones'.
                None => plan.worth_keeping(n).then_some((plan.batch << 16) + depth.min(0xffff)),
            };
            if let Some(rank) = keep {
                let object = (gix::objs::Kind::Blob, bytes.clone());
                self.kept.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).put(
                    node.pack,
                    node.offset,
                    object,
                    rank,
                );
            }
            if !node.children.is_empty() {
                live.insert(n, (bytes, node.children.len()));
                // Lowest offset first: pack order.
                stack.extend(node.children.iter().rev().map(|&c| (c, depth + 1)));
            }
        }
        out
    }
}

/// Reads objects one at a time (a history walk's trees), keeping every object decoded on the
/// way: the walk reads a directory's versions in commit order, and in a clone's pack (newest
/// whole, older ones deltas on newer ones) each version's chain passes through the next one.
pub(crate) struct ChainReader {
    packs: Arc<Packs>,
    kept: Kept,
    inflate: gix::zlib::Inflate,
    delta: Vec<u8>,
}

impl ChainReader {
    pub(crate) fn new(packs: Arc<Packs>, budget: usize) -> ChainReader {
        ChainReader { packs, kept: Kept::new(budget), inflate: gix::zlib::Inflate::default(), delta: Vec::new() }
    }

    /// Object `id`, or `None` if not packed here or not decodable here (left to gix).
    pub(crate) fn object(&mut self, id: &gix::oid) -> Option<Object> {
        let (pack, offset) = self.packs.position(&id.to_owned())?;
        let p = self.packs.packs.get(pack)?;
        // Up the chain to a kept or whole object.
        let mut chain: Vec<(u64, pack::data::Entry)> = Vec::new();
        let mut at = offset;
        let (kind, mut bytes) = loop {
            if let Some(object) = self.kept.get(pack, at) {
                break object.clone();
            }
            if chain.len() > MAX_CHAIN {
                return None;
            }
            let entry = p.data.entry(at).ok()?;
            match rests_on(&p.index, &entry) {
                Rests::On(base) => {
                    chain.push((at, entry));
                    at = base;
                }
                Rests::Unknown => return None,
                Rests::Whole => {
                    let kind = entry.header.as_kind()?;
                    let mut whole = Vec::new();
                    inflated(p, &entry, &mut self.inflate, &mut whole)?;
                    let object = (kind, Arc::new(whole));
                    self.kept.put(pack, at, object.clone(), 0);
                    break object;
                }
            }
        };
        // Down again, keeping each version on the way.
        for (at, entry) in chain.iter().rev() {
            let delta = inflated(p, entry, &mut self.inflate, &mut self.delta)?;
            bytes = Arc::new(apply_delta(&bytes, delta)?);
            self.kept.put(pack, *at, (kind, bytes.clone()), 0);
        }
        Some((kind, bytes))
    }
}

/// The objects on the delta chains of one batch.
#[derive(Default)]
struct Plan {
    nodes: Vec<Node>,
    /// How many batches were planned before this one.
    batch: u64,
}

impl Plan {
    /// Whether a later batch will likely build on node `n`, for packs whose deltas were not
    /// counted (`MAX_COUNTED`). Requests come in commit order, and a pack holds a file's
    /// versions mostly as a chain one way or the other: oldest whole, each later one a delta on
    /// the one before (`git fast-import`), or newest whole and older ones deltas (`git repack`,
    /// clones). So the objects worth keeping are those decoded on the way down but not wanted
    /// yet (later versions), and the newest version read when nothing in this batch builds on it.
    fn worth_keeping(&self, n: usize) -> bool {
        let node = &self.nodes[n];
        let newest = |m: usize| self.nodes[m].wanted.iter().max().copied();
        if node.wanted.is_empty() {
            return true;
        }
        node.children.is_empty() && node.base.and_then(newest).is_none_or(|before| newest(n) > Some(before))
    }
}

struct Node {
    pack: usize,
    offset: u64,
    entry: pack::data::Entry,
    /// The node this one is a delta on; `None`: a whole object, or one kept from a batch before.
    base: Option<usize>,
    /// The nodes that are deltas on this one, in pack order.
    children: Vec<usize>,
    /// The requests that want this object.
    wanted: Vec<usize>,
    /// Its bytes, when kept from a batch before.
    kept: Option<Object>,
}

/// Inflates one entry (a whole object, or a delta's instructions) into `buf`.
fn inflated<'a>(
    pack: &Pack,
    entry: &pack::data::Entry,
    inflate: &mut gix::zlib::Inflate,
    buf: &'a mut Vec<u8>,
) -> Option<&'a [u8]> {
    // zlib inflates at most about 1032 bytes per byte: a header claiming more than what is
    // left of the pack could give is damage (or a trap), never worth the zero-filled buffer.
    let left = (pack.data.data_len() as u64).saturating_sub(entry.data_offset);
    if entry.decompressed_size > MAX_OBJECT || entry.decompressed_size > left.saturating_mul(1032) {
        return None;
    }
    let size = usize::try_from(entry.decompressed_size).ok()?;
    buf.clear();
    buf.try_reserve_exact(size).ok()?;
    buf.resize(size, 0);
    pack.data.decompress_entry(entry, inflate, buf).ok()?;
    Some(buf.as_slice())
}

/// Decoded objects kept for later reads, within a budget: past it, those of lowest rank go
/// first (the oldest of them first).
struct Kept {
    objects: HashMap<Position, (Object, Rank)>,
    /// Eviction order: rank, then age.
    order: std::collections::BTreeSet<(Rank, Position)>,
    bytes: usize,
    /// Bytes kept at most.
    budget: usize,
    /// Ages: later puts rank above earlier ones of the same rank.
    age: u64,
    /// Batches planned so far.
    batches: u64,
}

/// A decoded object: its kind and bytes.
type Object = (gix::objs::Kind, Arc<Vec<u8>>);

/// (rank, age) of a kept object.
type Rank = (u64, u64);

impl Kept {
    fn new(budget: usize) -> Kept {
        Kept { objects: HashMap::new(), order: std::collections::BTreeSet::new(), bytes: 0, budget, age: 0, batches: 0 }
    }

    fn put(&mut self, pack: usize, offset: u64, object: Object, rank: u64) {
        if object.1.len() > self.budget / 4 {
            return;
        }
        self.take(pack, offset);
        self.age += 1;
        let rank = (rank, self.age);
        self.bytes += object.1.len();
        self.objects.insert((pack, offset), (object, rank));
        self.order.insert((rank, (pack, offset)));
        while self.bytes > self.budget {
            let Some((_, lowest)) = self.order.pop_first() else { break };
            if let Some((gone, _)) = self.objects.remove(&lowest) {
                self.bytes -= gone.1.len();
            }
        }
    }

    fn take(&mut self, pack: usize, offset: u64) -> Option<Object> {
        let (object, rank) = self.objects.remove(&(pack, offset))?;
        self.order.remove(&(rank, (pack, offset)));
        self.bytes -= object.1.len();
        Some(object)
    }

    fn get(&self, pack: usize, offset: u64) -> Option<&Object> {
        self.objects.get(&(pack, offset)).map(|(object, _)| object)
    }
}

/// Applies a git delta (`delta`: the base's size, the result's size, then copy and insert
/// instructions) to `base`. `None` if the delta does not fit `base` or is malformed.
fn apply_delta(base: &[u8], delta: &[u8]) -> Option<Vec<u8>> {
    let mut at = 0;
    let mut varint = || {
        let mut value: u64 = 0;
        let mut shift = 0;
        loop {
            let byte = *delta.get(at)?;
            at += 1;
            value |= u64::from(byte & 0x7f).checked_shl(shift)?;
            shift += 7;
            if byte & 0x80 == 0 || shift > 63 {
                return (byte & 0x80 == 0).then_some(value);
            }
        }
    };
    let base_size = varint()?;
    let result_size = varint()?;
    if base_size != base.len() as u64 || result_size > MAX_OBJECT {
        return None;
    }
    let mut out = Vec::new();
    out.try_reserve_exact(usize::try_from(result_size).ok()?).ok()?;
    while at < delta.len() {
        let op = delta[at];
        at += 1;
        if op & 0x80 != 0 {
            // Copy from the base: offset and size from the bytes the op's low bits name.
            let mut field = |bits: u8, bytes: usize| -> Option<usize> {
                let mut value = 0usize;
                for i in 0..bytes {
                    if bits & (1 << i) != 0 {
                        value |= usize::from(*delta.get(at)?) << (8 * i);
                        at += 1;
                    }
                }
                Some(value)
            };
            let offset = field(op & 0x0f, 4)?;
            let size = match field((op >> 4) & 0x07, 3)? {
                0 => 0x10000,
                size => size,
            };
            out.extend_from_slice(base.get(offset..offset.checked_add(size)?)?);
        } else if op != 0 {
            // Insert the next `op` bytes.
            let size = usize::from(op);
            out.extend_from_slice(delta.get(at..at + size)?);
            at += size;
        } else {
            return None;
        }
        if out.len() as u64 > result_size {
            return None;
        }
    }
    (out.len() as u64 == result_size).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    fn git(dir: &std::path::Path, args: &[&str]) {
        let status = Command::new("git")
            .current_dir(dir)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"])
            .args(args)
            .output()
            .map(|o| o.status.success());
        assert_eq!(status.ok(), Some(true), "git {args:?}");
    }

    /// A repository holding 60 versions of a 40 KB file and 60 of a small one (each version a
    /// few lines different), packed with deltas as `repack_args` says.
    fn versions_repo(repack_args: &[&str]) -> (tempfile::TempDir, Vec<gix::ObjectId>) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        git(dir.path(), &["init", "-q"]);
        let mut lines: Vec<String> = (0..1000).map(|i| format!("line {i} of the big file, with some text")).collect();
        for v in 0..60 {
            lines[(v * 37) % 1000] = format!("changed in version {v}");
            std::fs::write(dir.path().join("big.txt"), lines.join("\n")).unwrap_or_else(|e| panic!("write: {e}"));
            std::fs::write(dir.path().join("small.txt"), format!("version {v}\n{}", "x".repeat(v)))
                .unwrap_or_else(|e| panic!("write: {e}"));
            git(dir.path(), &["add", "-A"]);
            git(dir.path(), &["commit", "-q", "-m", &format!("v{v}")]);
        }
        git(dir.path(), repack_args);
        let repo = gix::open(dir.path()).unwrap_or_else(|e| panic!("open: {e}"));
        let mut ids = Vec::new();
        let log = Command::new("git")
            .current_dir(dir.path())
            .args(["log", "--reverse", "--format=%H"])
            .output()
            .unwrap_or_else(|e| panic!("git log: {e}"));
        for commit in String::from_utf8_lossy(&log.stdout).lines() {
            for file in ["big.txt", "small.txt"] {
                let spec = format!("{commit}:{file}");
                let id = repo.rev_parse_single(spec.as_str()).unwrap_or_else(|e| panic!("{spec}: {e}")).detach();
                ids.push(id);
            }
        }
        (dir, ids)
    }

    /// Every blob read in batches (in commit order, as the history scan asks) is byte for byte
    /// what gix reads, whichever way the pack's chains run.
    #[test]
    fn batches_read_what_gix_reads() {
        for repack in [&["repack", "-adfq", "--depth=50"][..], &["gc", "-q", "--aggressive"][..]] {
            let (dir, ids) = versions_repo(repack);
            let repo = gix::open(dir.path()).unwrap_or_else(|e| panic!("open: {e}"));
            let packs = Packs::load(&repo);
            let positions: Vec<Option<Position>> = ids.iter().map(|id| packs.position(id)).collect();
            assert!(positions.iter().all(Option::is_some), "all packed ({repack:?})");
            let mut read = Vec::new();
            for batch in positions.chunks(14) {
                read.extend(packs.read(batch));
            }
            // The same blob twice in one batch, and a batch in reverse order.
            let mut reversed: Vec<Option<Position>> = positions[..30].to_vec();
            reversed.reverse();
            reversed.push(positions[29]);
            let again = packs.read(&reversed);
            for (i, id) in ids.iter().enumerate() {
                let expected = repo.find_object(*id).unwrap_or_else(|e| panic!("{id}: {e}")).data.clone();
                assert_eq!(read[i].as_deref(), Some(&expected), "blob {i} ({repack:?})");
                if i < 30 {
                    assert_eq!(again[29 - i].as_deref(), Some(&expected), "reversed {i}");
                }
            }
            assert_eq!(again[30], again[0]);
            // One at a time, with a budget that keeps only part of each chain.
            let mut chains = ChainReader::new(Arc::new(Packs::load(&repo)), 200_000);
            for (i, id) in ids.iter().enumerate() {
                let expected = repo.find_object(*id).unwrap_or_else(|e| panic!("{id}: {e}")).data.clone();
                let read = chains.object(id);
                assert_eq!(read.as_ref().map(|(kind, _)| *kind), Some(gix::objs::Kind::Blob), "kind {i}");
                assert_eq!(read.map(|(_, bytes)| bytes.as_ref().clone()), Some(expected), "one at a time {i}");
            }
            // Not packed here: left to the caller.
            assert_eq!(packs.read(&[None]), vec![None]);
        }
    }

    /// A damaged pack never panics here and never yields wrong bytes: what cannot be decoded
    /// is left to gix (which reports it).
    #[test]
    fn damaged_packs_give_the_true_bytes_or_nothing() {
        let (dir, ids) = versions_repo(&["repack", "-adfq", "--depth=50"]);
        let repo = gix::open(dir.path()).unwrap_or_else(|e| panic!("open: {e}"));
        let truth: Vec<Vec<u8>> =
            ids.iter().map(|id| repo.find_object(*id).map(|o| o.data.clone()).unwrap_or_default()).collect();
        let pack_dir = dir.path().join(".git/objects/pack");
        let pack = std::fs::read_dir(&pack_dir)
            .unwrap_or_else(|e| panic!("{e}"))
            .flatten()
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|x| x == "pack"))
            .unwrap_or_else(|| panic!("no pack"));
        let clean = std::fs::read(&pack).unwrap_or_else(|e| panic!("{e}"));
        for (step, flip) in [(97usize, 0xffu8), (13, 0x80), (251, 0x01)] {
            let mut bytes = clean.clone();
            for i in (12..bytes.len().saturating_sub(20)).step_by(step) {
                bytes[i] ^= flip;
            }
            let mut perms = std::fs::metadata(&pack).unwrap_or_else(|e| panic!("{e}")).permissions();
            #[allow(clippy::permissions_set_readonly_false)]
            perms.set_readonly(false);
            std::fs::set_permissions(&pack, perms).unwrap_or_else(|e| panic!("{e}"));
            std::fs::write(&pack, &bytes).unwrap_or_else(|e| panic!("{e}"));
            let packs = Packs::load(&repo);
            let positions: Vec<Option<Position>> = ids.iter().map(|id| packs.position(id)).collect();
            let read = packs.read(&positions);
            let mut chains = ChainReader::new(Arc::new(Packs::load(&repo)), 1 << 20);
            for (i, id) in ids.iter().enumerate() {
                if let Some(bytes) = &read[i] {
                    assert_eq!(bytes.as_ref(), &truth[i], "batch read {i}, step {step}");
                }
                if let Some((_, bytes)) = chains.object(id) {
                    assert_eq!(bytes.as_ref(), &truth[i], "one at a time {i}, step {step}");
                }
            }
        }
    }

    #[test]
    fn delta_copies_and_inserts() {
        let base = b"0123456789abcdef";
        // base size 16, result size 9; copy 4 bytes from offset 10; insert "xyz"; copy 2 from 0.
        let delta = [16, 9, 0x80 | 0x01 | 0x10, 10, 4, 3, b'x', b'y', b'z', 0x80 | 0x10, 2];
        assert_eq!(apply_delta(base, &delta).as_deref(), Some(&b"abcdxyz01"[..]));
    }

    #[test]
    fn delta_copy_size_zero_means_64k() {
        let base = vec![7u8; 0x10000];
        // base size and result size 0x10000 as varints; one copy with no size bytes.
        let delta = [0x80, 0x80, 0x04, 0x80, 0x80, 0x04, 0x80];
        assert_eq!(apply_delta(&base, &delta), Some(base.clone()));
    }

    #[test]
    fn malformed_deltas_are_refused() {
        let base = b"0123456789";
        // Wrong base size.
        assert_eq!(apply_delta(base, &[9, 2, 2, b'a', b'b']), None);
        // Copy past the end of the base.
        assert_eq!(apply_delta(base, &[10, 4, 0x80 | 0x01 | 0x10, 8, 4]), None);
        // Insert past the end of the delta.
        assert_eq!(apply_delta(base, &[10, 3, 3, b'a']), None);
        // Result longer or shorter than announced.
        assert_eq!(apply_delta(base, &[10, 1, 2, b'a', b'b']), None);
        assert_eq!(apply_delta(base, &[10, 3, 2, b'a', b'b']), None);
        // The reserved op 0, and a varint that never ends.
        assert_eq!(apply_delta(base, &[10, 1, 0]), None);
        assert_eq!(apply_delta(base, &[0x8a, 0x80, 0x80]), None);
    }
}
