#!/usr/bin/env bash
# keylint benchmark: throughput, peak RSS and startup of keylint beside its peers (Kingfisher,
# betterleaks, gitleaks) and `rg` searching keylint's own keyword set, measured in the same run,
# interleaved, as medians and ratios. See bench/README.md.
#
# This is a benchmark, not a test: it takes minutes, needs the peers and corpora installed by
# ../shared/bench/setup-peers.sh and ../shared/bench/fetch-corpora.sh, and must not run in CI.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: bench/run.sh [options]

  --sections LIST   tree,precommit,history (default: all three)
  --corpora LIST    corpora for the tree section: linux,ccxt,freqtrade (default: all three)
  --peers LIST      peers beside keylint (default: kingfisher,betterleaks,gitleaks,rg;
                    also available: ripsecrets,detect-secrets)
  -n N              interleaved rounds for the tree section (default 5)
  --slow-n N        rounds for a tool whose first run exceeds 30 s (default 3; gitleaks on linux)
  --precommit-n N   warm rounds for the precommit section (default 30)
  --cold-n N        rounds without tool caches / with the page cache dropped (default 5)
  --history-n N     rounds for the history section (default 3)
  --commits N       commits in the synthetic history repo (default 3000)
  --shapes LIST     generated history shapes for the history section: large,small (default both;
                    "none" for none); built by bench/gen-history.py once per scale
  --shape-scale S   fraction of the full shapes' commits (default 0.25: 2,750 and 6,500 commits)
  --no-drop-caches  do not drop the kernel page cache for the cold precommit runs (dropping
                    needs root and slows every other process on the machine for a moment)
  --keylint PATH    benchmark this binary instead of building target/release/keylint
  --baseline PATH   also run this keylint binary (e.g. one built from main) as
                    "keylint (baseline)" in every section, for A/B in the same run
  --results FILE    append raw results (JSON lines) here
                    (default: $KEYLINT_BENCH/results/<UTC time>.jsonl)
  -h, --help        this help

Environment: KEYLINT_BENCH (default ~/.cache/keylint-bench) holds peers/, corpora/ and the
generated fixtures (precommit/, history-freqtrade/).
EOF
}

if [ -n "${CI:-}" ] && [ -z "${KEYLINT_BENCH_ALLOW_CI:-}" ]; then
  echo "bench/run.sh is a benchmark, not a test: refusing to run in CI (set KEYLINT_BENCH_ALLOW_CI=1 to override)" >&2
  exit 2
fi

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
KEYLINT_BENCH=${KEYLINT_BENCH:-$HOME/.cache/keylint-bench}
export KEYLINT_BENCH_PEERS=$KEYLINT_BENCH/peers/bin
corpora_dir=$KEYLINT_BENCH/corpora

sections=tree,precommit,history
corpora=linux,ccxt,freqtrade
peers=kingfisher,betterleaks,gitleaks,rg
n=5 slow_n=3 pre_n=30 cold_n=5 hist_n=3 commits=3000 shapes=large,small shape_scale=0.25
drop=() keylint='' results=''
while [ $# -gt 0 ]; do
  case $1 in
    --sections) sections=$2; shift ;;
    --corpora) corpora=$2; shift ;;
    --peers) peers=$2; shift ;;
    -n) n=$2; shift ;;
    --slow-n) slow_n=$2; shift ;;
    --precommit-n) pre_n=$2; shift ;;
    --cold-n) cold_n=$2; shift ;;
    --history-n) hist_n=$2; shift ;;
    --commits) commits=$2; shift ;;
    --shapes) shapes=$2; shift ;;
    --shape-scale) shape_scale=$2; shift ;;
    --no-drop-caches) drop=(--no-drop-caches) ;;
    --keylint) keylint=$2; shift ;;
    --baseline) export KEYLINT_BENCH_BASELINE=$(cd "$(dirname "$2")" && pwd)/$(basename "$2"); shift ;;
    --results) results=$2; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

die() { echo "error: $*" >&2; exit 2; }
has() { [[ ",$1," == *",$2,"* ]]; }

# --- prerequisites --------------------------------------------------------------------------
command -v python3 >/dev/null || die "python3 is required"
command -v git >/dev/null || die "git is required"
[ -x "${KEYLINT_BENCH_TIME:-/usr/bin/time}" ] || die "GNU time (/usr/bin/time) is required for peak RSS: apt-get install time"
missing=()
for p in ${peers//,/ }; do
  [ -x "$KEYLINT_BENCH_PEERS/$p" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] || die "peer(s) not installed in $KEYLINT_BENCH_PEERS: ${missing[*]}
       install them with: KEYLINT_BENCH=$KEYLINT_BENCH $repo/../shared/bench/setup-peers.sh
       (or drop them with --peers)"
# rg also builds the warm-up pass of the tree section.
[ -x "$KEYLINT_BENCH_PEERS/rg" ] || die "rg is missing from $KEYLINT_BENCH_PEERS: run ../shared/bench/setup-peers.sh"
need_corpora=()
if has "$sections" tree; then need_corpora+=(${corpora//,/ }); fi
if has "$sections" precommit || has "$sections" history; then need_corpora+=(freqtrade); fi
for c in "${need_corpora[@]}"; do
  [ -d "$corpora_dir/$c" ] || die "corpus '$c' not found in $corpora_dir
       fetch it with: KEYLINT_BENCH=$KEYLINT_BENCH $repo/../shared/bench/fetch-corpora.sh $c"
done

built_from="given with --keylint"
if [ -z "$keylint" ]; then
  echo "building keylint (cargo build --release)..." >&2
  (cd "$repo" && cargo build --release -q) || die "cargo build --release failed"
  keylint=$repo/target/release/keylint
  built_from="built from $(git -C "$repo" describe --always --dirty 2>/dev/null || echo '?')"
fi
[ -x "$keylint" ] || die "keylint binary not found: $keylint"
keylint=$(cd "$(dirname "$keylint")" && pwd)/$(basename "$keylint")

if [ -z "$results" ]; then
  mkdir -p "$KEYLINT_BENCH/results"
  results=$KEYLINT_BENCH/results/$(date -u +%Y%m%dT%H%M%SZ).jsonl
fi
: > "$results"

m() { python3 "$here/measure.py" "$@"; }
# rg (the 1.5x reference) runs right after keylint in each round, the slow peers last.
tools=keylint
has "$peers" rg && tools+=,rg
for p in ${peers//,/ }; do [ "$p" = rg ] || tools+=",$p"; done

# --- header ---------------------------------------------------------------------------------
echo "keylint benchmark  $(date -u '+%Y-%m-%d %H:%M UTC')  $(uname -srm)"
echo "cpus: $(nproc)  load average: $(cut -d' ' -f1-3 /proc/loadavg)  mem: $(free -m | awk '/^Mem:/{print $2}') MB"
echo "keylint: $keylint ($("$keylint" --version), $built_from)"
if [ -n "${KEYLINT_BENCH_BASELINE:-}" ]; then
  [ -x "$KEYLINT_BENCH_BASELINE" ] || die "baseline binary not found: $KEYLINT_BENCH_BASELINE"
  echo "baseline: $KEYLINT_BENCH_BASELINE ($("$KEYLINT_BENCH_BASELINE" --version))"
fi
for p in ${peers//,/ }; do
  case $p in
    kingfisher|rg|ripsecrets|detect-secrets) v=$("$KEYLINT_BENCH_PEERS/$p" --version 2>&1 | sed -n 1p) ;;
    gitleaks) v="gitleaks $("$KEYLINT_BENCH_PEERS/$p" version 2>&1 | sed -n 1p)" ;;
    betterleaks) v="betterleaks $("$KEYLINT_BENCH_PEERS/$p" version 2>&1 | sed -n 1p)" ;;
  esac
  echo "peer: $v"
done
echo "keylint keywords: $("$keylint" rules keywords | wc -l)  (rg runs as: rg -i -c -F --hidden -g '!.git' -e KW...)"
echo "results: $results"

# --- sections -------------------------------------------------------------------------------
if has "$sections" tree; then
  for c in ${corpora//,/ }; do
    m tree --keylint "$keylint" --tools "$tools" -n "$n" --slow-n "$slow_n" --results "$results" "$c" "$corpora_dir/$c"
  done
fi

if has "$sections" precommit; then
  pre=$(m make-precommit "$corpora_dir/freqtrade" "$KEYLINT_BENCH/precommit")
  m precommit --keylint "$keylint" --tools "$tools" -n "$pre_n" --cold-n "$cold_n" "${drop[@]}" --results "$results" "$pre"
fi

if has "$sections" history; then
  echo "building the synthetic history repo ($commits commits; once)..." >&2
  hist=$(m make-history --commits "$commits" "$corpora_dir/freqtrade" "$KEYLINT_BENCH/history-freqtrade")
  htools=keylint
  for p in ${peers//,/ }; do
    case $p in kingfisher|betterleaks|gitleaks) htools+=",$p" ;; esac
  done
  m history --keylint "$keylint" --tools "$htools" -n "$hist_n" --slow-n "$slow_n" --results "$results" "$hist"
  # The two shapes of the issue's real repositories (large files rewritten; many small files).
  for shape in ${shapes//,/ }; do
    [ "$shape" = none ] && continue
    dest=$KEYLINT_BENCH/history-shapes/$shape-$shape_scale
    if [ "$(cat "$dest/.git/keylint-bench-shape" 2>/dev/null)" != "$shape $shape_scale seed=1" ]; then
      echo "generating the '$shape' history at scale $shape_scale (once; minutes)..." >&2
      python3 "$here/gen-history.py" --shape "$shape" --scale "$shape_scale" --seed 1 "$dest" || die "gen-history.py failed"
      echo "$shape $shape_scale seed=1" > "$dest/.git/keylint-bench-shape"
    fi
    m history --keylint "$keylint" --tools "$htools" -n "$hist_n" --slow-n "$slow_n" --results "$results" "$dest"
  done
fi

m verdict "$results"
