#!/usr/bin/env bash
# The PyPI wheel end to end: maturin (from PyPI) builds python/pyproject.toml into a wheel,
# which is installed into a fresh venv with no index; the installed `keylint` must report this
# version and find the demo repository's keys (exit 1) without printing one whole.
# The dev profile reuses the build cargo already made (the release workflow builds --release;
# packaging is the same). Env: KEYLINT_VENV (tools, default /tmp/keylint-ci-venv),
# KEYLINT_WHEELS (where to leave the wheel, default a temporary directory).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv=${KEYLINT_VENV:-/tmp/keylint-ci-venv}
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
[ -x "$venv/bin/maturin" ] || "$venv/bin/pip" install -q --disable-pip-version-check 'maturin==1.16.0'

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
wheels=${KEYLINT_WHEELS:-$work/wheels}
fail() { echo "wheel test FAILED: $*" >&2; exit 1; }
passed=0

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$root/Cargo.toml" | head -n 1)
(cd "$root/python" && "$venv/bin/maturin" build --quiet --profile dev --out "$wheels") >/dev/null 2>&1
wheel=$(ls "$wheels"/keylint-"$version"-py3-none-*.whl)
python3 -c 'import sys, zipfile; sys.exit(sys.argv[2] not in zipfile.ZipFile(sys.argv[1]).namelist())' "$wheel" "keylint-$version.data/scripts/keylint" || fail "no keylint binary in $wheel"
echo "ok: built $(basename "$wheel")"; passed=$((passed + 1))

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q --disable-pip-version-check --no-index "$wheel"
[ "$("$work/venv/bin/keylint" --version)" = "keylint $version" ] || fail "keylint --version: $("$work/venv/bin/keylint" --version)"
echo "ok: keylint --version from a fresh venv"; passed=$((passed + 1))

set +e
out=$(cd "$root" && "$work/venv/bin/keylint" scan fixtures/demo --format json); code=$?
set -e
[ "$code" = 1 ] || fail "scan of fixtures/demo exited $code"
n=$(python3 -c 'import json,sys; print(len(json.load(sys.stdin)["findings"]))' <<<"$out")
[ "$n" -gt 0 ] || fail "no findings in fixtures/demo"
# No whole demo key in the output: the values of every KEY=VALUE line of the demo .env files.
while IFS= read -r value; do
  [ ${#value} -lt 12 ] || ! grep -qF -- "$value" <<<"$out" || fail "a whole key was printed"
done < <(cat "$root"/fixtures/demo/deploy/*.env 2>/dev/null | sed -n 's/^[A-Z_]*=//p')
echo "ok: the installed keylint scans (exit 1, $n findings)"; passed=$((passed + 1))
echo "wheel: $passed passed, 0 failed"
