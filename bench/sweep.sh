#!/usr/bin/env bash
# Sweep benchmark: generates 40 and 400 small git repositories and sweeps each set with
# `keylint sweep` (working tree, then --history), reporting repositories per second and peak
# RSS (GNU time's %M). The point is the shape: repositories per second stays about constant and
# peak RSS stays flat as the number of repositories grows ten-fold. A benchmark, not a test:
# `cargo test` and `.ci/run` never call it. See docs/sweeps.md for figures.
#
# usage: bench/sweep.sh [--keylint PATH] [--sizes "40 400"] [--dir DIR] [-j N]
set -euo pipefail

keylint=""
sizes="40 400"
dir="${KEYLINT_BENCH:-$HOME/.cache/keylint-bench}/sweep"
threads=""
while [ $# -gt 0 ]; do
  case "$1" in
    --keylint) keylint="$2"; shift 2 ;;
    --sizes) sizes="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    -j) threads="$2"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
if [ ! -x /usr/bin/time ]; then
  echo "needs GNU time (/usr/bin/time, Debian package \`time\`)" >&2
  exit 2
fi
here="$(cd "$(dirname "$0")/.." && pwd)"
if [ -z "$keylint" ]; then
  (cd "$here" && cargo build --release --quiet)
  keylint="$here/target/release/keylint"
fi

# One repository: 30 Python-ish files of about 1.5 KB, 8 commits each rewriting 4 files; one
# repository in four holds a (synthetic) key at HEAD, one in four only in history.
generate() {
  local root="$1" count="$2"
  if [ -f "$root/.complete" ]; then return; fi
  rm -rf "$root"; mkdir -p "$root"
  python3 - "$root" "$count" <<'PY'
import hashlib, os, subprocess, sys
root, count = sys.argv[1], int(sys.argv[2])
def token(label, n=32):
    return hashlib.sha256(label.encode()).hexdigest().upper()[:n]
env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null")
for r in range(count):
    path = os.path.join(root, f"org{r % 10}", f"repo{r:04d}")
    os.makedirs(path)
    subprocess.run(["git", "init", "-q", "-b", "main", path], check=True, env=env)
    out = []
    files = {f"src/module_{i:02d}.py": "".join(f"def f{i}_{j}(x):\n    return x * {j} + {i}  # {token(f'{r}-{i}-{j}', 16)}\n" for j in range(20)) for i in range(30)}
    mark = 1
    for c in range(8):
        if c > 0:
            for i in range(4):
                name = f"src/module_{(c * 4 + i) % 30:02d}.py"
                files[name] += f"# revision {c}\n"
        if r % 4 == 0 and c == 3:
            files["config/live.env"] = f"MODE=live\nOKX_SECRET_KEY={token(f'head-{r}')}\n"
        if r % 4 == 1 and c == 2:
            files["config/old.env"] = f"OKX_SECRET_KEY={token(f'old-{r}')}\n"
        if r % 4 == 1 and c == 5:
            files.pop("config/old.env", None)
        out.append(f"commit refs/heads/main\nmark :{mark}\ncommitter Bench <bench@example.invalid> {1700000000 + c * 60} +0000\n")
        msg = f"commit {c}\n"
        out.append(f"data {len(msg)}\n{msg}")
        if c > 0:
            out.append(f"from :{mark - 1}\n")
        out.append("deleteall\n")
        for name, text in sorted(files.items()):
            data = text.encode()
            out.append(f"M 100644 inline {name}\ndata {len(data)}\n")
            out.append(data.decode() + "\n")
        mark += 1
    subprocess.run(["git", "-C", path, "fast-import", "--quiet"], input="".join(out).encode(), check=True, env=env)
    subprocess.run(["git", "-C", path, "checkout", "-q", "-f", "main"], check=True, env=env)
PY
  touch "$root/.complete"
}

measure() {
  local label="$1" n="$2"; shift 2
  local out="$dir/out-$label"
  rm -rf "$out"
  local timing="$dir/time-$label.txt"
  /usr/bin/time -o "$timing" -f "%e %M" "$keylint" sweep "$@" --out "$out" -q --reproducible ${threads:+-j "$threads"} \
    >/dev/null 2>&1 || [ $? -eq 1 ]  # exit 1: findings (expected)
  local secs rss
  secs=$(tail -1 "$timing" | awk '{print $1}')
  rss=$(tail -1 "$timing" | awk '{print $2}')
  local findings files
  findings=$(wc -l < "$out/findings.jsonl")
  files=$(python3 -c "import json,sys; t=json.load(open(sys.argv[1]))['totals']; print(t['files'], t['commits'])" "$out/summary.json")
  printf "| %-10s | %5d | %7.2f | %8.1f | %8.1f | %8d | %-14s |\n" "$label" "$n" "$secs" \
    "$(echo "$n $secs" | awk '{ if ($2 > 0) print $1 / $2; else print 0 }')" "$(echo "$rss" | awk '{print $1 / 1024}')" \
    "$findings" "$files"
}

mkdir -p "$dir"
echo "keylint: $keylint ($("$keylint" --version)), $(nproc) cores, ${threads:-all} threads"
echo
echo "| sweep      | repos | seconds | repos/s  | peak MiB | findings | files commits  |"
echo "|------------|------:|--------:|---------:|---------:|---------:|----------------|"
for n in $sizes; do
  root="$dir/repos-$n"
  generate "$root" "$n"
  measure "tree-$n" "$n" "$root"
  measure "history-$n" "$n" "$root" --history
done
