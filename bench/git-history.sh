#!/usr/bin/env bash
# `keylint scan --history` beside `gitleaks git` and kingfisher's git mode on one generated
# repository with a few thousand commits. Prints commits/s and MB/s for each tool.
#
# The repository (made once, with git fast-import, deterministic): the freqtrade source
# distribution from PyPI as the first commit, then COMMITS-1 commits that each edit 3 files
# (a changed line in the middle, a line appended) and now and then add a file; two synthetic
# keys are committed and deleted again along the way (commit 1000: an OKX secret in
# deploy/.env, deleted at 1010; commit 2000: a Binance key in a JSON config, deleted at 2001).
#
# MB/s uses one denominator for every tool: the total size of the repository's unique blobs
# (what a blob-deduplicating history scan must read). gitleaks scans `git log -p` patches, so it
# reads less text than that; kingfisher, like keylint, scans unique blobs.
#
# Usage: bench/git-history.sh [COMMITS]   (default 3000)
# Env: KEYLINT_BENCH (default ~/.cache/keylint-bench), RUNS (default 3, best of).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
commits=${1:-3000}
runs=${RUNS:-3}
bench=${KEYLINT_BENCH:-$HOME/.cache/keylint-bench}
shared=$root/../shared/bench
[ -d "$shared" ] || shared=/work/shared/bench

bash "$shared/setup-peers.sh" >/dev/null
corpora=$(bash "$shared/fetch-corpora.sh" freqtrade 2>/dev/null)
peers=$bench/peers/bin
cargo build -q --release --manifest-path "$root/Cargo.toml" --bin keylint
keylint=$root/target/release/keylint

repo=$bench/git-history-$commits
if [ ! -d "$repo/.git" ]; then
  rm -rf "$repo" && mkdir -p "$repo" && git -C "$repo" init -q -b main
  python3 - "$corpora/freqtrade" "$commits" <<'PY' | git -C "$repo" fast-import --quiet
import os, random, sys
src, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(42)
files = {}
for d, _, names in os.walk(src):
    for name in sorted(names):
        p = os.path.join(d, name)
        rel = os.path.relpath(p, src).replace(os.sep, "/")
        with open(p, "rb") as f:
            files[rel] = f.read()
paths = sorted(p for p, b in files.items() if b"\0" not in b[:8000])
out = sys.stdout.buffer

def hexkey(k, alphabet):
    return "".join(k.choice(alphabet) for _ in range(32 if len(alphabet) == 16 else 64))

keys = random.Random(7)  # synthetic, random key values
okx = hexkey(keys, "0123456789ABCDEF")
binance = hexkey(keys, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

def commit_marked(i, changes, deletes=()):
    t = 1_600_000_000 + i * 600
    msg = f"commit {i}\n".encode()
    out.write(b"commit refs/heads/main\nmark :%d\n" % i)
    out.write(f"committer Bench <bench@example.invalid> {t} +0000\n".encode())
    out.write(b"data %d\n%s" % (len(msg), msg))
    if i > 1:
        out.write(b"from :%d\n" % (i - 1))
    for p in deletes:
        out.write(f"D {p}\n".encode())
    for p, data in changes.items():
        out.write(f"M 100644 inline {p}\n".encode())
        out.write(b"data %d\n" % len(data) + data + b"\n")
    out.write(b"\n")

commit_marked(1, {p: files[p] for p in paths})
for i in range(2, n + 1):
    changes, deletes = {}, []
    for p in rng.sample(paths, 3):
        lines = files[p].split(b"\n")
        mid = len(lines) // 2
        lines[mid] = lines[mid] + b"  # edit %d" % i
        files[p] = b"\n".join(lines) + b"\n# rev %d\n" % i
        changes[p] = files[p]
    if i % 50 == 0:
        p = f"strategies/generated_{i}.py"
        files[p] = b"# generated strategy %d\nTIMEFRAME = '5m'\n" % i
        paths.append(p)
        changes[p] = files[p]
    if i == 1000:
        changes["deploy/.env"] = f"EXCHANGE=okx\nOKX_SECRET_KEY={okx}\n".encode()
    if i == 1010:
        deletes.append("deploy/.env")
    if i == 2000:
        changes["user_data/live.json"] = ('{"exchange": {"name": "binance", "key": "%s"}}\n' % binance).encode()
    if i == 2001:
        deletes.append("user_data/live.json")
    commit_marked(i, changes, deletes)
PY
  git -C "$repo" reset -q --hard main
fi

ncommits=$(git -C "$repo" rev-list --count --all)
blob_bytes=$(git -C "$repo" cat-file --batch-all-objects --batch-check='%(objecttype) %(objectsize)' | awk '$1 == "blob" { s += $2 } END { print s }')
mb=$(awk -v b="$blob_bytes" 'BEGIN { printf "%.1f", b / 1e6 }')
echo "repository: $repo"
echo "  $ncommits commits, $mb MB of unique blobs; machine: $(nproc) cores (shared)"

# best wall time of $runs runs, in seconds
best() {
  local best_t="" t
  for _ in $(seq "$runs"); do
    local s e
    s=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || true
    e=$(date +%s.%N)
    t=$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f", e - s }')
    if [ -z "$best_t" ] || awk -v a="$t" -v b="$best_t" 'BEGIN { exit !(a < b) }'; then best_t=$t; fi
  done
  echo "$best_t"
}

report() {
  local name=$1 secs=$2 found=$3
  awk -v n="$name" -v s="$secs" -v c="$ncommits" -v b="$blob_bytes" -v f="$found" \
    'BEGIN { printf "%-22s %8.2f s %10.0f commits/s %8.1f MB/s   %s\n", n, s, c / s, b / 1e6 / s, f }'
}

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
printf '%-22s %10s %18s %13s   %s\n' tool wall throughput "" "findings of the 2 planted keys"

t=$(best "$keylint" scan "$repo" --history --format json -o "$out/keylint.json")
"$keylint" scan "$repo" --history --format json -o "$out/keylint.json" >/dev/null 2>&1 || true
found=$(python3 -c "import json,sys; f=json.load(open(sys.argv[1]))['findings']; print(sorted({x['rule'] for x in f}), len(f), 'findings total')" "$out/keylint.json")
report "keylint --history" "$t" "$found"

t=$(best "$peers/gitleaks" git --no-banner --redact --log-level error -f json -r "$out/gitleaks.json" "$repo")
"$peers/gitleaks" git --no-banner --redact --log-level error -f json -r "$out/gitleaks.json" "$repo" >/dev/null 2>&1 || true
found=$(python3 -c "import json,sys; f=json.load(open(sys.argv[1])); print(sorted({x['RuleID'] for x in f}), len(f), 'findings total')" "$out/gitleaks.json")
report "gitleaks git" "$t" "$found"

t=$(best "$peers/kingfisher" scan "$repo" --git-history full --no-validate --no-update-check --redact -f json -o "$out/kingfisher.json")
"$peers/kingfisher" scan "$repo" --git-history full --no-validate --no-update-check --redact -f json -o "$out/kingfisher.json" >/dev/null 2>&1 || true
found=$(python3 -c "
import json,sys
t=open(sys.argv[1]).read().strip()
try:
    d=json.loads(t)
except ValueError:
    d=[json.loads(l) for l in t.splitlines() if l.strip()]
items=d if isinstance(d,list) else d.get('findings', d.get('matches', []))
rules=sorted({(x.get('rule') or {}).get('id', '?') if isinstance(x.get('rule'), dict) else str(x.get('rule', x.get('rule_id', '?'))) for x in items})
print(rules, len(items), 'findings total')" "$out/kingfisher.json" 2>/dev/null || echo '?')
report "kingfisher git" "$t" "$found"
